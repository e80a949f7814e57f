//! An engine with a million pending offers, shared by the `expiry` bench
//! and the `expiries` driver: agents with room for 10 chats each, every
//! one holding 10 displayed offers due at 09:02:00, and as many items
//! again waiting. The display acknowledgement is off, so every offer counts
//! as seen and expires (T1).

use chrono::{DateTime, TimeZone, Utc};
use switchboard::{
    Agent, AgentId, Channel, Config, Input, OrgSettings, Queue, Switchboard, WorkItem, Workstream,
};

/// Pending offers each agent holds.
pub(crate) const OFFERS_PER_AGENT: usize = 10;

/// 09:00 on a fixed day.
pub(crate) fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// `agents` agents with [`OFFERS_PER_AGENT`] pending offers each, and as
/// many items again waiting, with every output drained.
pub(crate) fn loaded(agents: usize) -> Switchboard {
    let ids: Vec<AgentId> = (0..agents).map(|i| AgentId::new(format!("a{i}"))).collect();
    let config = Config {
        org: OrgSettings {
            display_acknowledgement: false,
            ..OrgSettings::default()
        },
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("q", ids.iter().cloned())],
        agents: ids.iter().map(|id| Agent::new(id.clone())).collect(),
        ..Config::default()
    };
    let mut sb = Switchboard::new(config).expect("valid config");
    for id in ids {
        sb.handle(start(), Input::AgentSignedIn { agent: id })
            .expect("sign in");
    }
    for n in 0..2 * OFFERS_PER_AGENT * agents {
        let item = WorkItem::new(format!("w{n}").as_str(), "chat", "q");
        sb.handle(start(), Input::WorkArrived(Box::new(item)))
            .expect("arrive");
    }
    while sb.poll_output().is_some() {}
    assert_eq!(sb.pending_notifications(), OFFERS_PER_AGENT * agents);
    sb
}
