//! A virtual-clock harness: drives a `Switchboard`, jumps the clock from
//! deadline to deadline, records `(seconds since t0, output)` pairs and
//! checks the V2 invariants after every step.

#![allow(dead_code, unreachable_pub)]

mod expect;
mod inputs;

// A test file that uses none of a module's builders would warn otherwise.
#[allow(unused_imports)]
pub use expect::*;
#[allow(unused_imports)]
pub use inputs::*;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use switchboard::{
    Agent, AgentId, AutoClose, Channel, Config, Input, InputError, NotificationId, Output, Queue,
    Switchboard, WorkItem, WorkItemId, WorkLocation, Workstream,
};

/// The harness's time zero: 2026-11-24 09:00:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

/// `t0` plus `secs` seconds.
pub fn at(secs: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(secs)
}

/// One chat workstream `chat` (10 units an item), one queue `q` with the
/// given agents (100 units each), every org setting at its default.
pub fn chat_config(agents: &[&str]) -> Config {
    Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("q", agents.iter().map(|a| AgentId::new(*a)))],
        agents: agents.iter().map(|a| Agent::new(*a)).collect(),
        ..Config::default()
    }
}

/// `config` with every auto-close deadline turned off (L2), for tests of
/// other rules whose timelines run past them.
pub fn without_auto_close(mut config: Config) -> Config {
    for w in &mut config.workstreams {
        w.auto_close = AutoClose {
            open_secs: Some(0),
            active_secs: Some(0),
            waiting_secs: Some(0),
            wrap_up_secs: Some(0),
        };
    }
    config
}

/// A chat item `id` in workstream `chat`, queue `q`.
pub fn chat(id: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, "chat", "q")))
}

/// `AgentSignedIn` for `agent`.
pub fn sign_in(agent: &str) -> Input {
    Input::AgentSignedIn {
        agent: agent.into(),
    }
}

pub struct Harness {
    pub sb: Switchboard,
    /// Seconds since t0 of the latest step.
    pub now: i64,
    /// Every output so far, with the second it arose at.
    pub log: Vec<(i64, Output)>,
}

impl Harness {
    pub fn new(config: Config) -> Self {
        Self {
            sb: Switchboard::new(config).expect("valid config"),
            now: 0,
            log: Vec::new(),
        }
    }

    /// Advances to `secs` (firing deadlines at their own times), then
    /// applies `input`; panics if it is refused. Returns its outputs.
    pub fn input(&mut self, secs: i64, input: Input) -> Vec<Output> {
        let shown = format!("{input:?}");
        match self.try_input(secs, input) {
            Ok(out) => out,
            Err(e) => panic!("input {shown} at {secs}s refused: {e}"),
        }
    }

    /// Advances to `secs`, then applies `input`. On refusal, checks that
    /// nothing changed (D2) and returns the error.
    pub fn try_input(&mut self, secs: i64, input: Input) -> Result<Vec<Output>, InputError> {
        self.advance_to(secs);
        let before = self.sb.clone();
        match self.sb.handle(at(secs), input) {
            Ok(()) => {
                let out = self.drain(secs);
                self.check_invariants();
                Ok(out)
            }
            Err(e) => {
                assert_eq!(self.sb, before, "a refused input changed the state");
                assert_eq!(
                    self.sb.poll_output(),
                    None,
                    "a refused input queued an output"
                );
                Err(e)
            }
        }
    }

    /// Jumps from deadline to deadline up to and including `secs`, then
    /// ticks at `secs`. Returns what fired, with times.
    pub fn advance_to(&mut self, secs: i64) -> Vec<(i64, Output)> {
        assert!(secs >= self.now, "harness time went backwards");
        let mut fired = Vec::new();
        while let Some(deadline) = self.sb.poll_timeout() {
            if deadline > at(secs) {
                break;
            }
            let t = (deadline - t0()).num_seconds();
            assert_eq!(deadline, at(t), "test deadlines fall on whole seconds");
            self.sb.tick(deadline).expect("tick");
            fired.extend(self.drain(t).into_iter().map(|o| (t, o)));
            self.check_invariants();
        }
        self.sb.tick(at(secs)).expect("tick");
        fired.extend(self.drain(secs).into_iter().map(|o| (secs, o)));
        self.now = secs;
        fired
    }

    fn drain(&mut self, secs: i64) -> Vec<Output> {
        let mut out = Vec::new();
        while let Some(o) = self.sb.poll_output() {
            self.log.push((secs, o.clone()));
            out.push(o);
        }
        out
    }

    /// The id of the latest `Notify` for `item`.
    pub fn notification_for(&self, item: &str) -> NotificationId {
        self.log
            .iter()
            .rev()
            .find_map(|(_, o)| match o {
                Output::Notify(n) if n.item.as_str() == item => Some(n.id),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no notification for {item}"))
    }

    pub fn location(&self, item: &str) -> WorkLocation {
        self.sb
            .work_location(&WorkItemId::new(item))
            .expect("known item")
    }

    pub fn presence(&self, agent: &str) -> String {
        self.sb
            .agent_status(&AgentId::new(agent))
            .expect("known agent")
            .presence
            .as_str()
            .to_owned()
    }

    /// V2 and the capacity and session bounds, from the public API.
    pub fn check_invariants(&self) {
        let mut offered = 0;
        for item in self.sb.work_items() {
            let location = self.sb.work_location(item).expect("every item has a place");
            if let WorkLocation::Offered { agent, .. } = &location {
                offered += 1;
                assert!(self.sb.agent_status(agent).is_some());
            }
        }
        assert!(offered <= self.sb.pending_notifications());
        for agent in self.sb.agent_ids() {
            let s = self.sb.agent_status(agent).unwrap();
            assert!(
                s.offered_units >= 0 && s.assigned_units >= 0,
                "{agent}: {s:?}"
            );
            // Forced assignments (C4) may go past capacity; automatic ones never.
            let forced = self.log.iter().any(|(_, o)| {
                matches!(o, Output::WorkAssigned { agent: a, overage: Some(_), .. } if a == agent)
            });
            assert!(
                forced || s.assigned_units + s.offered_units <= s.capacity_units,
                "{agent} overbooked: {s:?}"
            );
            if !s.signed_in {
                assert_eq!(
                    (s.assigned_units, s.offered_units, s.session_slots),
                    (0, 0, 0),
                    "{agent}"
                );
            }
        }
    }
}
