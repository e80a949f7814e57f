//! Capacity: units (C1) and profiles (C2–C9). What an agent holds, whether
//! an item fits, and taking and giving back capacity as work moves.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{ProfileReset, WrapUpBlocking};
use crate::conversation::ConversationState;
use crate::error::InputError;
use crate::ids::{ProfileId, WorkItemId};
use crate::switchboard::Switchboard;
use crate::timer::Timer;
use crate::work::Place;

/// How far a forced assignment (C4) took an agent past their capacity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overage {
    /// Units past the agent's capacity units (0 for profile-based work).
    pub units: i64,
    /// Profiles whose limit the agent is now past.
    pub profiles: Vec<ProfileId>,
}

/// One profile an agent holds and how much of it is taken (C2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ProfileUse {
    pub(crate) profile: usize,
    pub(crate) limit: u32,
    /// Items assigned under it.
    pub(crate) open: u32,
    /// Items offered under it (held, *ours*, as units are).
    pub(crate) held: u32,
    /// Closed items that count until the next local midnight (C6).
    pub(crate) closed_today: u32,
}

impl ProfileUse {
    pub(crate) fn new(profile: usize, limit: u32) -> Self {
        Self {
            profile,
            limit,
            open: 0,
            held: 0,
            closed_today: 0,
        }
    }

    /// Items counting against the limit.
    pub(crate) fn taken(&self) -> u32 {
        self.open + self.held + self.closed_today
    }

    pub(crate) fn full(&self) -> bool {
        self.taken() >= self.limit
    }
}

impl Switchboard {
    /// Whether agent `a` has room for item `i` in units and in every profile
    /// it consumes, and no blocking profile is full (C1, C2, C8).
    pub(crate) fn has_room(&self, a: usize, i: usize) -> bool {
        let agent = &self.state.agents[a];
        let item = &self.state.items[i];
        if agent.free_units() < item.units || self.blocked(a) {
            return false;
        }
        if agent.escalations > 0
            && self.cfg.workstreams[item.workstream]
                .channel
                .kept_from_escalated()
        {
            return false; // C8: no new chat or voice work during an escalation
        }
        item.profiles
            .iter()
            .all(|&p| agent.profiles.iter().any(|u| u.profile == p && !u.full()))
    }

    /// Whether a full profile with assignment blocking keeps all work from agent `a` (C2).
    pub(crate) fn blocked(&self, a: usize) -> bool {
        self.state.agents[a].profiles.iter().any(|u| {
            u.full()
                && self
                    .cfg
                    .profiles
                    .get_index(u.profile)
                    .is_some_and(|(_, p)| p.blocks_assignment)
        })
    }

    /// Counts item `i` against agent `a` as offered (C1, *ours*).
    pub(crate) fn hold(&mut self, a: usize, i: usize) {
        let (units, profiles) = (self.state.items[i].units, &self.state.items[i].profiles);
        let agent = &mut self.state.agents[a];
        agent.offered_units += units;
        for u in agent
            .profiles
            .iter_mut()
            .filter(|u| profiles.contains(&u.profile))
        {
            u.held += 1;
        }
    }

    /// Gives back what an offer of item `i` held.
    pub(crate) fn unhold(&mut self, a: usize, i: usize) {
        let (units, profiles) = (self.state.items[i].units, &self.state.items[i].profiles);
        let agent = &mut self.state.agents[a];
        agent.offered_units -= units;
        for u in agent
            .profiles
            .iter_mut()
            .filter(|u| profiles.contains(&u.profile))
        {
            u.held = u.held.saturating_sub(1);
        }
        if !profiles.is_empty() {
            // Units come back through `reindex`; profile room here.
            self.stir_agent_queues(a);
        }
    }

    /// Counts item `i` against agent `a` as assigned (C1, C2). Returns the
    /// overage when this takes the agent past a limit (C4).
    pub(crate) fn consume(&mut self, a: usize, i: usize) -> Option<Overage> {
        let (units, profiles) = (self.state.items[i].units, &self.state.items[i].profiles);
        let agent = &mut self.state.agents[a];
        agent.assigned_units += units;
        let mut over = Overage {
            units: (-agent.free_units()).max(0),
            profiles: Vec::new(),
        };
        // Forced work may need a profile the agent does not hold: it counts
        // against a limit of 0 until released (C4).
        for &p in profiles {
            if !agent.profiles.iter().any(|u| u.profile == p) {
                agent.profiles.push(ProfileUse::new(p, 0));
            }
        }
        for u in agent
            .profiles
            .iter_mut()
            .filter(|u| profiles.contains(&u.profile))
        {
            u.open += 1;
            if u.taken() > u.limit {
                over.profiles.push(
                    self.cfg
                        .profiles
                        .get_index(u.profile)
                        .map(|(id, _)| id.clone())
                        .unwrap_or_default(),
                );
            }
        }
        self.state.items[i].holds_capacity = true;
        (over.units > 0 || !over.profiles.is_empty()).then_some(over)
    }

    /// Gives back what assigned item `i` takes from agent `a`: units, and
    /// profiles — at once, or at the next local midnight for end-of-day
    /// profiles (C5, C6). Starts a cycle (C9).
    pub(crate) fn release_capacity(&mut self, a: usize, i: usize) {
        if !std::mem::take(&mut self.state.items[i].holds_capacity) {
            return;
        }
        let (units, profiles) = (self.state.items[i].units, &self.state.items[i].profiles);
        self.state.next_release += 1;
        let mut end_of_day = false;
        let agent = &mut self.state.agents[a];
        agent.assigned_units -= units;
        agent.last_release = self.state.next_release;
        for u in agent
            .profiles
            .iter_mut()
            .filter(|u| profiles.contains(&u.profile))
        {
            u.open = u.open.saturating_sub(1);
            let reset = self.cfg.profiles.get_index(u.profile).map(|(_, p)| p.reset);
            if reset == Some(ProfileReset::EndOfDay) {
                u.closed_today += 1;
                end_of_day = true;
            }
        }
        agent.profiles.retain(|u| u.limit > 0 || u.taken() > 0);
        if end_of_day && self.state.end_of_day.is_none() {
            let midnight = self.next_local_midnight(self.state.clock);
            self.state.end_of_day = self.state.timers.schedule_at(midnight, Timer::EndOfDay);
        }
        if profiles.is_empty() {
            // Units alone: `reindex` wakes the queues if room grew.
            self.state.cycle_due = true;
        } else {
            self.start_cycle_for_agent(a);
        }
        self.reindex(a);
    }

    /// The first local midnight after `now`, in UTC (C6); `None` past
    /// the end of chrono's range. Counted in seconds since the epoch, so a
    /// local time outside chrono's range (its first hours, west of UTC)
    /// still finds the midnight that is inside it.
    fn next_local_midnight(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        const DAY: i64 = 86_400;
        let offset = i64::from(self.cfg.org.utc_offset_minutes) * 60;
        let local = now.timestamp() + offset;
        let midnight = (local.div_euclid(DAY) + 1) * DAY - offset;
        DateTime::from_timestamp(midnight, 0)
    }

    /// Local midnight: end-of-day profiles let go of closed items (C6).
    pub(crate) fn end_of_day(&mut self) {
        self.state.end_of_day = None;
        for a in 0..self.state.agents.len() {
            let mut changed = false;
            for u in &mut self.state.agents[a].profiles {
                changed |= std::mem::take(&mut u.closed_today) > 0;
            }
            if changed {
                self.start_cycle_for_agent(a);
                self.follow_capacity(a);
                // Profile room is part of where the agent is indexed.
                self.reindex(a);
            }
        }
    }

    /// Wrap-up started for assigned item `i` (C5): Never releases capacity
    /// now, Custom after its minutes (or at close if sooner), Always at close.
    pub(crate) fn wrap_up_started(&mut self, a: usize, i: usize) {
        match self.cfg.workstreams[self.state.items[i].workstream].wrap_up {
            WrapUpBlocking::Always => {}
            WrapUpBlocking::Never => {
                self.release_capacity(a, i);
                self.follow_capacity(a);
            }
            WrapUpBlocking::Custom { minutes } => {
                let secs = u32::from(minutes) * 60;
                self.state.items[i].wrap_release = self.state.timers.schedule_after(
                    self.state.clock,
                    secs,
                    Timer::WrapUpRelease(i),
                );
            }
        }
    }

    /// Custom wrap-up blocking ran out (C5): capacity is released and presence recomputed.
    pub(crate) fn wrap_up_release(&mut self, i: usize) {
        self.state.items[i].wrap_release = None;
        if let Place::Assigned { agent, .. } = self.state.items[i].place {
            self.release_capacity(agent, i);
            self.follow_capacity(agent);
        }
    }

    /// Starts or ends a voice or video escalation of an Active conversation (C8).
    ///
    /// # Errors
    /// `InvalidTransition` unless the conversation is Active;
    /// `EscalationUnchanged` when it already is (or is not) escalated.
    pub(crate) fn escalate(&mut self, item: &WorkItemId, on: bool) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let Place::Assigned { agent, .. } = self.state.items[i].place else {
            return Err(self.invalid(item, i, ConversationState::Active));
        };
        if self.state.items[i].state != ConversationState::Active {
            return Err(self.invalid(item, i, ConversationState::Active));
        }
        if self.state.items[i].escalated == on {
            return Err(InputError::EscalationUnchanged(item.clone()));
        }
        if on {
            self.state.items[i].escalated = true;
            self.state.agents[agent].escalations += 1;
            self.reindex(agent);
        } else {
            self.end_escalation(i);
        }
        Ok(())
    }

    /// The escalation of item `i`, if any, ends; its agent may take chat and voice work again.
    pub(crate) fn end_escalation(&mut self, i: usize) {
        if !std::mem::take(&mut self.state.items[i].escalated) {
            return;
        }
        if let Place::Assigned { agent, .. } = self.state.items[i].place {
            let state = &mut self.state.agents[agent];
            state.escalations = state.escalations.saturating_sub(1);
            // Out of escalation: `reindex` wakes the queues it may now take from.
            self.reindex(agent);
            self.state.cycle_due = true;
        }
    }
}
