//! Conversation states and the transitions between them (L1).

use serde::{Deserialize, Serialize};

use crate::config::Channel;
use crate::error::InputError;
use crate::ids::WorkItemId;
use crate::output::{NotificationEnd, Output, RerouteReason};
use crate::switchboard::Switchboard;
use crate::timer::Timer;
use crate::work::Place;

/// Where a conversation is in its life (L1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConversationState {
    /// Waiting for an agent (queued or offered).
    Open,
    /// Assigned to an agent.
    Active,
    /// Asynchronous conversation parked by the agent.
    Waiting,
    /// Ended, the agent wraps up.
    WrapUp,
    /// Done.
    Closed,
}

/// Why a conversation closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CloseReason {
    /// The customer left while it waited.
    CustomerLeft,
    /// The agent closed it.
    Closed,
    /// Its queue has no members (A5).
    NoAgents,
    /// The agent signed out during wrap-up.
    AgentSignedOut,
    /// Its auto-close deadline passed (L2).
    AutoClosed,
    /// A supervisor closed it (L6).
    ForceClosed,
}

impl Switchboard {
    pub(crate) fn invalid(&self, item: &WorkItemId, i: usize, to: ConversationState) -> InputError {
        InputError::InvalidTransition {
            item: item.clone(),
            from: self.state.items[i].state,
            to,
        }
    }

    /// Moves item `i` to state `to` and restarts its auto-close deadline (L2).
    pub(crate) fn enter(&mut self, i: usize, to: ConversationState) {
        if self.state.items[i].state != to {
            self.state.items[i].state = to;
            self.restart_auto_close(i);
            if to == ConversationState::Closed {
                debug_assert!(self.unreferenced(i), "closed item {i} is still referred to");
                self.state.items.retire(i);
            }
        }
    }

    /// Cancels the item's auto-close deadline and sets the one of its state.
    pub(crate) fn restart_auto_close(&mut self, i: usize) {
        let item = &mut self.state.items[i];
        if let Some(key) = item.auto_close.take() {
            self.state.timers.cancel(key);
        }
        let secs = self.cfg.workstreams[item.workstream].auto_close_secs(item.state);
        if let Some(secs) = secs {
            self.state.items[i].auto_close =
                self.state
                    .timers
                    .schedule_after(self.state.clock, secs, Timer::AutoClose(i));
        }
    }

    /// An auto-close deadline passed (L2): Active ends (→ WrapUp); Open,
    /// Waiting and WrapUp close.
    pub(crate) fn auto_close_fired(&mut self, i: usize) {
        self.state.items[i].auto_close = None;
        match (self.state.items[i].state, self.state.items[i].place) {
            (ConversationState::Active, Place::Assigned { .. }) => self.end_active(i),
            (ConversationState::WrapUp, Place::Assigned { agent, .. }) => {
                self.close_item(i, CloseReason::AutoClosed);
                self.work_changed_hands(agent);
            }
            (ConversationState::Closed, _) => {}
            _ => self.close_item(i, CloseReason::AutoClosed),
        }
    }

    /// The customer left: Open or Waiting → Closed; an Active conversation ends (→ WrapUp).
    pub(crate) fn customer_left(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        match self.state.items[i].state {
            ConversationState::Open | ConversationState::Waiting => {
                self.close_item(i, CloseReason::CustomerLeft);
                Ok(())
            }
            ConversationState::Active => self.end_conversation(item),
            _ => Err(self.invalid(item, i, ConversationState::Closed)),
        }
    }

    /// Active → WrapUp. Capacity stays held until close (C5, wrap-up blocking Always).
    pub(crate) fn end_conversation(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let active = matches!(self.state.items[i].place, Place::Assigned { .. })
            && self.state.items[i].state == ConversationState::Active;
        if !active {
            return Err(self.invalid(item, i, ConversationState::WrapUp));
        }
        self.end_active(i);
        Ok(())
    }

    /// Active → WrapUp for assigned item `i`.
    fn end_active(&mut self, i: usize) {
        let Place::Assigned {
            agent,
            session,
            toast,
            unseen,
        } = self.state.items[i].place
        else {
            return;
        };
        if let Some(toast) = toast {
            self.end_toast(toast, NotificationEnd::Rescinded);
        }
        if let Some(key) = unseen {
            self.state.timers.cancel(key);
        }
        self.state.items[i].place = Place::Assigned {
            agent,
            session,
            toast: None,
            unseen: None,
        };
        self.enter(i, ConversationState::WrapUp);
        self.emit(Output::WrapUpStarted {
            item: self.item_id(i),
            agent: self.agent_id(agent),
        });
        self.end_consults(i);
        self.end_escalation(i);
        self.wrap_up_started(agent, i);
    }

    /// WrapUp → Closed (or Active → Closed for a record): releases capacity
    /// and the session (C5) and lets a chosen presence give way (P4).
    pub(crate) fn close_conversation(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let Place::Assigned { agent, .. } = self.state.items[i].place else {
            return Err(self.invalid(item, i, ConversationState::Closed));
        };
        let record =
            self.cfg.workstreams[self.state.items[i].workstream].channel == Channel::Record;
        let closable = match self.state.items[i].state {
            ConversationState::WrapUp => true,
            ConversationState::Active => record,
            _ => false,
        };
        if !closable {
            return Err(self.invalid(item, i, ConversationState::Closed));
        }
        self.close_item(i, CloseReason::Closed);
        self.work_changed_hands(agent);
        Ok(())
    }

    /// The agent releases an Active conversation back to its queue (Active → Open).
    pub(crate) fn release_work(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let active = matches!(self.state.items[i].place, Place::Assigned { .. })
            && self.state.items[i].state == ConversationState::Active;
        if !active {
            return Err(self.invalid(item, i, ConversationState::Open));
        }
        let Place::Assigned { agent, .. } = self.state.items[i].place else {
            return Ok(());
        };
        self.unassign(i, RerouteReason::Released);
        self.work_changed_hands(agent);
        Ok(())
    }

    /// The agent closes the session of an asynchronous conversation without
    /// ending it (Active → Waiting): capacity and session are released, the
    /// conversation stays the agent's (L1, A7).
    pub(crate) fn park_conversation(&mut self, i: usize) -> Result<(), InputError> {
        let item = &self.item_id(i);
        let channel = self.cfg.workstreams[self.state.items[i].workstream].channel;
        let Place::Assigned { agent, .. } = self.state.items[i].place else {
            return Err(self.invalid(item, i, ConversationState::Waiting));
        };
        if !channel.is_asynchronous() || self.state.items[i].state != ConversationState::Active {
            return Err(self.invalid(item, i, ConversationState::Waiting));
        }
        self.release_assignment(i);
        self.move_item(i, Place::Idle { agent });
        self.enter(i, ConversationState::Waiting);
        self.emit(Output::ConversationWaiting {
            item: self.item_id(i),
            agent: self.agent_id(agent),
        });
        self.end_consults(i);
        self.follow_capacity(agent);
        Ok(())
    }

    /// The customer wrote again (Waiting → Active or Open): with affinity and
    /// the agent signed in, straight back to the same agent whatever their
    /// capacity or presence (A7, C4); otherwise into the queue, ahead of all
    /// when affinity is on (A2).
    pub(crate) fn customer_returned(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let Place::Idle { agent } = self.state.items[i].place else {
            return Err(self.invalid(item, i, ConversationState::Active));
        };
        let affinity = self.cfg.workstreams[self.state.items[i].workstream].affinity;
        let present = self.state.agents[agent].signed_in && self.state.agents[agent].connected;
        let at_limit = self.state.agents[agent].slots >= self.cfg.org.session_limit;
        if affinity && present && !at_limit {
            self.force_assign(i, agent, None, true);
        } else {
            if affinity && present {
                // Affinity overrides capacity and presence, not the session limit (S2).
                self.session_limit_hit(agent, i);
            }
            self.state.items[i].affinity_lane = affinity;
            self.requeue(i);
        }
        Ok(())
    }
}
