//! Conversation states and the transitions between them (L1).

use serde::{Deserialize, Serialize};

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
}

use crate::config::Channel;
use crate::error::InputError;
use crate::ids::WorkItemId;
use crate::output::{NotificationEnd, Output};
use crate::switchboard::Switchboard;
use crate::work::Place;

impl Switchboard {
    fn invalid(&self, i: usize, to: ConversationState) -> InputError {
        InputError::InvalidTransition {
            item: self.item_id(i),
            from: self.items[i].state,
            to,
        }
    }

    /// The customer left: Open → Closed; an Active conversation ends (→ WrapUp).
    pub(crate) fn customer_left(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        match self.items[i].state {
            ConversationState::Open => {
                self.close_item(i, CloseReason::CustomerLeft);
                Ok(())
            }
            ConversationState::Active => self.end_conversation(item),
            _ => Err(self.invalid(i, ConversationState::Closed)),
        }
    }

    /// Active → WrapUp. Capacity stays held until close (C5, wrap-up blocking Always).
    pub(crate) fn end_conversation(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let Place::Assigned {
            agent,
            session,
            toast,
            unseen,
        } = self.items[i].place
        else {
            return Err(self.invalid(i, ConversationState::WrapUp));
        };
        if self.items[i].state != ConversationState::Active {
            return Err(self.invalid(i, ConversationState::WrapUp));
        }
        if let Some(toast) = toast {
            self.end_toast(toast, NotificationEnd::Rescinded);
        }
        if let Some(key) = unseen {
            self.timers.cancel(key);
        }
        self.items[i].place = Place::Assigned {
            agent,
            session,
            toast: None,
            unseen: None,
        };
        self.items[i].state = ConversationState::WrapUp;
        self.emit(Output::WrapUpStarted {
            item: item.clone(),
            agent: self.agent_id(agent),
        });
        self.end_consults(i);
        Ok(())
    }

    /// WrapUp → Closed (or Active → Closed for a record): releases capacity
    /// and the session (C5) and lets a chosen presence give way (P4).
    pub(crate) fn close_conversation(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let record = self.cfg.workstreams[self.items[i].workstream].channel == Channel::Record;
        let closable = match self.items[i].state {
            ConversationState::WrapUp => true,
            ConversationState::Active => record,
            _ => false,
        };
        let Place::Assigned { agent, .. } = self.items[i].place else {
            return Err(self.invalid(i, ConversationState::Closed));
        };
        if !closable {
            return Err(self.invalid(i, ConversationState::Closed));
        }
        self.close_item(i, CloseReason::Closed);
        self.work_changed_hands(agent);
        Ok(())
    }
}
