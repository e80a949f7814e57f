//! Agent state and the presence inputs: sign-in and sign-out, chosen
//! presence, resets, disconnects (P2–P8).

use serde::{Deserialize, Serialize};

use chrono::{DateTime, TimeDelta, Utc};

use crate::capacity::ProfileUse;
use crate::conversation::{CloseReason, ConversationState};
use crate::error::InputError;
use crate::ids::{AgentId, PresenceId, SessionId};
use crate::offer::Purpose;
use crate::output::{NotificationEnd, Output, RerouteReason};
use crate::presence::{self, BaseStatus, PresenceReason};
use crate::routing::RankKey;
use crate::switchboard::Switchboard;
use crate::template::NotificationKind;
use crate::timer::{Timer, TimerKey};
use crate::work::Place;

/// What keeps an agent's presence where it is (P4, P6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum PresenceMode {
    /// Computed from capacity in use; follows every change (P5).
    Computed,
    /// Chosen Available or Busy: lasts until the agent accepts or closes work (P4).
    ChosenUntilWork,
    /// Chosen Offline, Away or Busy-DND (or kept from sign-in): lasts until changed (P4).
    Chosen,
    /// Set by the system as a penalty; lasts until reset (P6).
    Penalty,
}

/// What a disconnect saved, to restore on a timely reconnect (P8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Disconnect {
    pub(crate) at: DateTime<Utc>,
    /// When the grace runs out (L1: Active work goes back to its queue).
    pub(crate) grace: Option<TimerKey>,
    pub(crate) presence: usize,
    pub(crate) mode: PresenceMode,
}

/// One agent's live state.
// Independent facts reported by the host; no two of them form a state.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AgentState {
    /// Capacity units the agent has (C1).
    pub(crate) capacity: i64,
    /// Units consumed by work assigned to the agent.
    pub(crate) assigned_units: i64,
    /// Units held by pending Alert offers (C1, *ours*).
    pub(crate) offered_units: i64,
    /// Session slots taken: open sessions, pending offers and assigned work
    /// not yet opened (S1, *ours*: a slot is reserved at offer time).
    pub(crate) slots: u32,
    pub(crate) signed_in: bool,
    pub(crate) connected: bool,
    /// Index of the current presence.
    pub(crate) presence: usize,
    pub(crate) mode: PresenceMode,
    pub(crate) in_focus: bool,
    pub(crate) desktop_permission: bool,
    pub(crate) disconnected: Option<Disconnect>,
    /// S2 fired and no slot has freed since: routing passes the agent by.
    pub(crate) at_limit: bool,
    /// Assignment counter value at the last offer (0: never), for round robin.
    pub(crate) last_assignment: u64,
    /// Release counter value at the last capacity release (0: never, or a
    /// fresh sign-in), for LeastActive.
    pub(crate) last_release: u64,
    /// The rank this agent stands under in the queue indexes; rebuilt on restore.
    #[serde(skip)]
    pub(crate) ranked_as: Option<RankKey>,
    /// Capacity profiles held and their use (C2).
    pub(crate) profiles: Vec<ProfileUse>,
    /// Conversations of theirs escalated to voice or video (C8).
    pub(crate) escalations: u32,
    /// Items offered to, assigned to or waiting with this agent, as
    /// `(arrival, item)` in arrival order; derived from the items' places,
    /// rebuilt on restore.
    #[serde(skip)]
    pub(crate) work: Vec<(u64, usize)>,
    /// Conversations this agent consults on (L4); rebuilt on restore.
    #[serde(skip)]
    pub(crate) consulting: Vec<usize>,
}

impl AgentState {
    /// A signed-out agent with `capacity` units and `profiles` (index, limit).
    pub(crate) fn new(capacity: i64, profiles: &[(usize, u32)]) -> Self {
        Self {
            capacity,
            assigned_units: 0,
            offered_units: 0,
            slots: 0,
            signed_in: false,
            connected: false,
            presence: presence::BUILTIN_OFFLINE,
            mode: PresenceMode::Chosen,
            in_focus: true,
            desktop_permission: false,
            disconnected: None,
            at_limit: false,
            last_assignment: 0,
            last_release: 0,
            ranked_as: None,
            profiles: profiles
                .iter()
                .map(|&(p, limit)| ProfileUse::new(p, limit))
                .collect(),
            escalations: 0,
            work: Vec::new(),
            consulting: Vec::new(),
        }
    }

    /// Units neither assigned nor held by an offer.
    pub(crate) fn free_units(&self) -> i64 {
        self.capacity - self.assigned_units - self.offered_units
    }

    /// Presence computed from capacity in use (P5): units of assigned work,
    /// and profiles (any taken is in use; all full is none free).
    #[inline]
    pub(crate) fn computed_presence(&self) -> usize {
        let in_use =
            self.assigned_units > 0 || self.profiles.iter().any(|u| u.open + u.closed_today > 0);
        let profiles_full = !self.profiles.is_empty()
            && self
                .profiles
                .iter()
                .all(|u| u.open + u.closed_today >= u.limit);
        // Without units an agent works by profiles only; with neither, nothing is free.
        let units_full = if self.capacity > 0 {
            self.assigned_units >= self.capacity
        } else {
            self.profiles.is_empty() || self.assigned_units > 0
        };
        if units_full || profiles_full {
            presence::BUILTIN_BUSY_DND
        } else if in_use {
            presence::BUILTIN_BUSY
        } else {
            presence::BUILTIN_AVAILABLE
        }
    }
}

impl Switchboard {
    /// Index of `agent`, or `UnknownAgent`.
    pub(crate) fn agent_index(&self, agent: &AgentId) -> Result<usize, InputError> {
        self.cfg
            .agents
            .get_index_of(agent)
            .ok_or_else(|| InputError::UnknownAgent(agent.clone()))
    }

    /// Index of a signed-in agent.
    pub(crate) fn signed_in_agent(&self, agent: &AgentId) -> Result<usize, InputError> {
        let a = self.agent_index(agent)?;
        if self.state.agents[a].signed_in {
            Ok(a)
        } else {
            Err(InputError::NotSignedIn(agent.clone()))
        }
    }

    /// Index of a signed-in, connected agent.
    fn connected_agent(&self, agent: &AgentId) -> Result<usize, InputError> {
        let a = self.signed_in_agent(agent)?;
        if self.state.agents[a].connected {
            Ok(a)
        } else {
            Err(InputError::Disconnected(agent.clone()))
        }
    }

    /// Base status of the agent's presence.
    pub(crate) fn base_status(&self, a: usize) -> BaseStatus {
        self.cfg
            .presences
            .get_index(self.state.agents[a].presence)
            .map_or(BaseStatus::Offline, |(_, p)| p.base)
    }

    /// Sets presence and mode; reports a change of presence and starts a cycle (P9).
    pub(crate) fn set_presence(
        &mut self,
        a: usize,
        to: usize,
        mode: PresenceMode,
        why: PresenceReason,
    ) {
        let agent = &mut self.state.agents[a];
        agent.mode = mode;
        let from = std::mem::replace(&mut agent.presence, to);
        if from != to {
            let class = |p: usize| self.cfg.presence_class.get(p).copied().flatten();
            if class(from) != class(to) {
                // Into, out of, or between groups of the queue indexes
                // (see `rank_key`).
                self.reindex(a);
            }
            self.start_cycle_for_agent(a);
            let name = |i: usize| self.presence_id(i);
            self.emit(Output::PresenceChanged {
                agent: self.agent_id(a),
                from: name(from),
                to: name(to),
                why,
            });
        }
    }

    /// After capacity in use changed: a computed presence follows (P5).
    pub(crate) fn follow_capacity(&mut self, a: usize) {
        let agent = &self.state.agents[a];
        if agent.signed_in && agent.connected && agent.mode == PresenceMode::Computed {
            self.set_presence(
                a,
                agent.computed_presence(),
                PresenceMode::Computed,
                PresenceReason::Computed,
            );
        }
    }

    /// The agent accepted, opened or closed work: a presence chosen as
    /// Available or Busy gives way to the computed one (P4).
    pub(crate) fn work_changed_hands(&mut self, a: usize) {
        let agent = &self.state.agents[a];
        if agent.connected
            && matches!(
                agent.mode,
                PresenceMode::Computed | PresenceMode::ChosenUntilWork
            )
        {
            self.set_presence(
                a,
                agent.computed_presence(),
                PresenceMode::Computed,
                PresenceReason::Computed,
            );
        }
    }

    /// Presence at sign-in, or on a late reconnect (P3).
    fn initial_presence(&self, a: usize) -> (usize, PresenceMode) {
        let default = self
            .cfg
            .agents
            .get_index(a)
            .map_or(presence::BUILTIN_AVAILABLE, |(_, c)| c.default_presence);
        let base = self
            .cfg
            .presences
            .get_index(default)
            .map_or(BaseStatus::Available, |(_, p)| p.base);
        if matches!(base, BaseStatus::Offline | BaseStatus::Away) {
            (default, PresenceMode::Chosen)
        } else {
            (
                self.state.agents[a].computed_presence(),
                PresenceMode::Computed,
            )
        }
    }

    pub(crate) fn sign_in(&mut self, agent: &AgentId) -> Result<(), InputError> {
        let a = self.agent_index(agent)?;
        if self.state.agents[a].signed_in {
            return Err(InputError::AlreadySignedIn(agent.clone()));
        }
        let state = &mut self.state.agents[a];
        state.signed_in = true;
        state.connected = true;
        state.in_focus = true;
        // A fresh sign-in counts as least active (A1).
        state.last_release = 0;
        let (to, mode) = self.initial_presence(a);
        self.reindex(a);
        self.set_presence(a, to, mode, PresenceReason::SignedIn);
        self.state.cycle_due = true;
        Ok(())
    }

    pub(crate) fn sign_out(&mut self, agent: &AgentId) -> Result<(), InputError> {
        let a = self.signed_in_agent(agent)?;
        // Out of routing first, so releasing work below does not recompute
        // a presence that is about to become Offline.
        let state = &mut self.state.agents[a];
        state.signed_in = false;
        state.connected = false;
        if let Some(saved) = state.disconnected.take() {
            self.state.timers.cancel(saved.grace);
        }
        self.reindex(a);
        // Offers first, in issue order, then the work assigned to the agent.
        let offers = &self.state.offers;
        let alerts: Vec<_> = offers
            .of_agent(a)
            .iter()
            .copied()
            .filter(|id| {
                let o = &offers[id];
                o.kind == NotificationKind::Alert && o.purpose == Purpose::Work
            })
            .collect();
        for id in alerts {
            self.withdraw_alert(id, NotificationEnd::Rescinded, RerouteReason::SignedOut);
        }
        self.leave_all_consults(a);
        let held: Vec<usize> = self.state.agents[a]
            .work
            .iter()
            .map(|&(_, i)| i)
            .filter(|&i| matches!(self.state.items[i].place, Place::Assigned { .. }))
            .collect();
        for i in held {
            if self.state.items[i].state == ConversationState::WrapUp {
                self.close_item(i, CloseReason::AgentSignedOut);
            } else {
                self.unassign(i, RerouteReason::SignedOut);
            }
        }
        let own: Vec<SessionId> = self
            .state
            .sessions
            .of_agent(a)
            .iter()
            .map(|&(id, _)| id)
            .collect();
        for session in own {
            self.close_session(a, session);
        }
        self.set_presence(
            a,
            presence::BUILTIN_OFFLINE,
            PresenceMode::Chosen,
            PresenceReason::SignedOut,
        );
        Ok(())
    }

    pub(crate) fn choose_presence(
        &mut self,
        agent: &AgentId,
        chosen: &PresenceId,
    ) -> Result<(), InputError> {
        let a = self.connected_agent(agent)?;
        let (p, def) = self
            .cfg
            .presences
            .get_full(chosen)
            .map(|(i, _, d)| (i, d.base))
            .ok_or_else(|| InputError::UnknownPresence(chosen.clone()))?;
        if p == presence::BUILTIN_INACTIVE {
            return Err(InputError::PresenceNotSelectable(chosen.clone()));
        }
        let mode = if matches!(def, BaseStatus::Available | BaseStatus::Busy) {
            PresenceMode::ChosenUntilWork
        } else {
            PresenceMode::Chosen
        };
        self.set_presence(a, p, mode, PresenceReason::Manual);
        Ok(())
    }

    pub(crate) fn reset_presence(
        &mut self,
        agent: &AgentId,
        why: PresenceReason,
    ) -> Result<(), InputError> {
        let a = self.connected_agent(agent)?;
        if self.state.agents[a].mode != PresenceMode::Penalty {
            return Err(InputError::NoPenalty(agent.clone()));
        }
        self.set_presence(
            a,
            self.state.agents[a].computed_presence(),
            PresenceMode::Computed,
            why,
        );
        Ok(())
    }

    /// Puts a penalty presence on the agent (T2, T4, S2).
    pub(crate) fn penalise(&mut self, a: usize, to: usize, why: PresenceReason) {
        self.set_presence(a, to, PresenceMode::Penalty, why);
    }

    pub(crate) fn set_focus(&mut self, agent: &AgentId, in_focus: bool) -> Result<(), InputError> {
        let a = self.agent_index(agent)?;
        self.state.agents[a].in_focus = in_focus;
        Ok(())
    }

    pub(crate) fn set_permission(
        &mut self,
        agent: &AgentId,
        granted: bool,
    ) -> Result<(), InputError> {
        let a = self.agent_index(agent)?;
        self.state.agents[a].desktop_permission = granted;
        Ok(())
    }

    pub(crate) fn disconnect(
        &mut self,
        agent: &AgentId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let a = self.connected_agent(agent)?;
        let grace = self.state.timers.schedule_after(
            now,
            self.cfg.org.reconnect_grace_secs,
            Timer::ReconnectGrace(a),
        );
        let state = &mut self.state.agents[a];
        state.connected = false;
        state.disconnected = Some(Disconnect {
            at: now,
            grace,
            presence: state.presence,
            mode: state.mode,
        });
        self.reindex(a);
        // Offers in flight are treated as unseen (T3).
        for id in self.state.offers.of_agent(a).to_vec() {
            if let Some(offer) = self.state.offers.get_mut(id) {
                offer.displayed = false;
            }
        }
        let mode = self.state.agents[a].mode;
        self.set_presence(
            a,
            presence::BUILTIN_OFFLINE,
            mode,
            PresenceReason::Disconnected,
        );
        Ok(())
    }

    pub(crate) fn reconnect(
        &mut self,
        agent: &AgentId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let a = self.signed_in_agent(agent)?;
        let Some(saved) = self.state.agents[a].disconnected else {
            return Err(InputError::NotDisconnected(agent.clone()));
        };
        self.state.timers.cancel(saved.grace);
        let grace = TimeDelta::seconds(self.cfg.org.reconnect_grace_secs.into());
        let state = &mut self.state.agents[a];
        state.connected = true;
        state.disconnected = None;
        // The grace's own deadline counts as past it, as a notification's does.
        let (to, mode) = if now - saved.at < grace {
            let to = if saved.mode == PresenceMode::Computed {
                state.computed_presence()
            } else {
                saved.presence
            };
            (to, saved.mode)
        } else {
            self.initial_presence(a)
        };
        self.reindex(a);
        self.set_presence(a, to, mode, PresenceReason::Reconnected);
        self.state.cycle_due = true;
        Ok(())
    }

    /// The reconnect grace ran out (P8, L1): the agent's Active work goes
    /// back to its queue (Active → Open); wrap-ups and Waiting conversations stay.
    pub(crate) fn grace_expired(&mut self, a: usize) {
        if self.state.agents[a].disconnected.is_none() {
            return;
        }
        let active: Vec<usize> = self.state.agents[a]
            .work
            .iter()
            .map(|&(_, i)| i)
            .filter(|&i| {
                let item = &self.state.items[i];
                item.state == ConversationState::Active
                    && matches!(item.place, Place::Assigned { .. })
            })
            .collect();
        for i in active {
            self.unassign(i, RerouteReason::Disconnected);
        }
    }
}
