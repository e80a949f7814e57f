//! Deadlines at scale: `tick` with nothing due while 1,000,000 offers are
//! pending, and every one of those offers expiring and being rerouted.

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, black_box, criterion_main};
use switchboard::{
    Agent, AgentId, Channel, Config, Input, OrgSettings, Output, Queue, Switchboard, WorkItem,
    Workstream,
};

/// Pending offers: 100,000 agents with room for 10 chats each.
const AGENTS: usize = 100_000;
const OFFERS: usize = 1_000_000;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// An engine with every agent holding 10 displayed, pending offers, all
/// due at 09:02:00, and as many items again waiting; the display
/// acknowledgement is off, so every offer counts as seen and expires (T1).
fn loaded() -> Switchboard {
    let ids: Vec<AgentId> = (0..AGENTS).map(|i| AgentId::new(format!("a{i}"))).collect();
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
    for n in 0..2 * OFFERS {
        let item = WorkItem::new(format!("w{n}").as_str(), "chat", "q");
        sb.handle(start(), Input::WorkArrived(Box::new(item)))
            .expect("arrive");
    }
    while sb.poll_output().is_some() {}
    assert_eq!(sb.pending_notifications(), OFFERS);
    sb
}

fn expiry(c: &mut Criterion) {
    let mut group = c.benchmark_group("expiry");
    let mut sb = loaded();
    let early = start() + TimeDelta::seconds(60);
    group.bench_function("tick_nothing_due/1000000", |b| {
        b.iter(|| black_box(sb.tick(early)));
    });
    group.sample_size(10);
    group.bench_function("expire_and_reroute_each/1000000", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                let mut sb = loaded();
                let due = start() + TimeDelta::seconds(120);
                let t = Instant::now();
                sb.tick(due).expect("tick");
                let mut rerouted = 0_u32;
                while let Some(out) = sb.poll_output() {
                    rerouted += u32::from(matches!(out, Output::Rerouted { .. }));
                }
                spent += t.elapsed();
                assert_eq!(rerouted as usize, OFFERS);
            }
            // Report per expiry-and-reroute.
            spent / u32::try_from(OFFERS).unwrap_or(u32::MAX)
        });
    });
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::expiry);
}
criterion_main!(group::benches);
