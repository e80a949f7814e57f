//! Checks a restored state against its configuration, so that a damaged or
//! edited snapshot is refused instead of panicking later (V1).

use crate::switchboard::{State, Switchboard};
use crate::timer::Timer;
use crate::work::Place;

/// Counters stay far from overflow.
const COUNTER_LIMIT: u64 = u64::MAX / 2;

fn within(what: &str, index: usize, len: usize) -> Result<(), String> {
    if index < len {
        Ok(())
    } else {
        Err(format!("{what} {index} is out of range (0..{len})"))
    }
}

impl Switchboard {
    /// Whether `state` fits this engine's configuration.
    pub(crate) fn check_restorable(&self, state: &State) -> Result<(), String> {
        let (agents, queues) = (state.agents.len(), state.queues.len());
        let live = state.items.check()?;
        let item = |i: usize| match live.get(i) {
            Some(true) => Ok(()),
            _ => Err(format!("work item {i} is not a live item")),
        };
        let (presences, profiles) = (self.cfg.presences.len(), self.cfg.profiles.len());
        if agents != self.cfg.agents.len()
            || queues != self.cfg.queues.len()
            || state.memberships.len() != agents
        {
            return Err("agents or queues do not match the configuration".into());
        }
        for agent in &state.agents {
            within("presence", agent.presence, presences)?;
            if let Some(saved) = agent.disconnected {
                within("presence", saved.presence, presences)?;
            }
            for used in &agent.profiles {
                within("capacity profile", used.profile, profiles)?;
            }
        }
        for i in state.items.live() {
            let item = &state.items[i];
            within("workstream", item.workstream, self.cfg.workstreams.len())?;
            within("queue", item.queue, queues)?;
            if let Some(contact) = item.contact {
                within("contact", contact, state.contacts.len())?;
            }
            for (a, _) in item.declines.iter() {
                within("agent", a, agents)?;
            }
            for &a in &item.consultants {
                within("agent", a, agents)?;
            }
            for &p in &item.profiles {
                within("capacity profile", p, profiles)?;
            }
            match item.place {
                Place::Offered { agent, .. }
                | Place::Assigned { agent, .. }
                | Place::Idle { agent } => {
                    within("agent", agent, agents)?;
                }
                Place::Waiting | Place::Closed => {}
            }
        }
        for queue in &state.queues {
            for &(a, _) in &queue.members {
                within("agent", a, agents)?;
            }
            for key in queue.push.iter().chain(queue.held.iter().copied()) {
                item(key.3)?;
            }
        }
        for membership in state.memberships.iter().flatten() {
            within("queue", membership.queue, queues)?;
        }
        for offer in state.offers.values() {
            within("agent", offer.agent, agents)?;
            item(offer.item)?;
        }
        for session in state.sessions.values() {
            within("agent", session.agent, agents)?;
            if let Some(i) = session.item {
                item(i)?;
            }
        }
        for timer in state.timers.iter() {
            match *timer {
                Timer::UnseenReroute(i) | Timer::AutoClose(i) | Timer::WrapUpRelease(i) => {
                    item(i)?;
                }
                Timer::ReconnectGrace(a) => within("agent", a, agents)?,
                Timer::OfferDeadline(_) | Timer::EndOfDay => {}
            }
        }
        let counters = [
            state.next_notification,
            state.next_session,
            state.next_arrival,
            state.next_assignment,
            state.next_release,
        ];
        if counters.iter().any(|&c| c >= COUNTER_LIMIT) {
            return Err("a counter is at its limit".into());
        }
        Ok(())
    }
}
