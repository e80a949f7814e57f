//! An engine with a million pending offers, shared by the `expiry` bench
//! and the `expiries` driver: agents with room for 10 chats each, every
//! one holding 10 displayed offers due at 09:02:00, and as many items
//! again waiting. The display acknowledgement is off, so every offer counts
//! as seen and expires (T1).

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use switchboard::{
    Agent, Channel, Config, Input, OrgSettings, Output, Queue, Switchboard, WorkItem, Workstream,
};

use crate::engine::{agent_ids, signed_in, start};

/// Pending offers each agent holds.
pub(crate) const OFFERS_PER_AGENT: usize = 10;

/// `agents` agents with [`OFFERS_PER_AGENT`] pending offers each, and as
/// many items again waiting, with every output drained.
pub(crate) fn loaded(agents: usize) -> Switchboard {
    let ids = agent_ids(agents);
    let mut sb = signed_in(Config {
        org: OrgSettings {
            display_acknowledgement: false,
            ..OrgSettings::default()
        },
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("q", ids.iter().cloned())],
        agents: ids.into_iter().map(Agent::new).collect(),
        ..Config::default()
    });
    for n in 0..2 * OFFERS_PER_AGENT * agents {
        let item = WorkItem::new(format!("w{n}").as_str(), "chat", "q");
        sb.handle(start(), Input::WorkArrived(Box::new(item)))
            .expect("arrive");
    }
    while sb.poll_output().is_some() {}
    assert_eq!(sb.pending_notifications(), OFFERS_PER_AGENT * agents);
    sb
}

/// How the host takes a tick's outputs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Take {
    /// `tick`, then `poll_output` until `None`.
    Drained,
    /// `tick_with`, each output handed over as it arises.
    HandedOver,
}

/// Fires every offer's deadline in one tick and takes the outputs as
/// `take` says: the time that took, once every offer of the `agents`
/// agents is checked to have been rerouted.
pub(crate) fn expire_all(sb: &mut Switchboard, agents: usize, take: Take) -> Duration {
    let due = start() + TimeDelta::seconds(120);
    let mut rerouted = 0_usize;
    let mut count = |output: Output| {
        rerouted += usize::from(matches!(output, Output::Rerouted { .. }));
    };
    let started = Instant::now();
    match take {
        Take::Drained => {
            sb.tick(due).expect("tick");
            while let Some(output) = sb.poll_output() {
                count(output);
            }
        }
        Take::HandedOver => sb.tick_with(due, &mut count).expect("tick"),
    }
    let spent = started.elapsed();
    assert_eq!(rerouted, OFFERS_PER_AGENT * agents);
    spent
}
