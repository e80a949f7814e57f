//! Presence churn: 100,000 agents in 10 queues; one agent at a time goes
//! Away and back to Available, each change starting an assignment cycle.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{Criterion, Throughput, black_box, criterion_main};
use switchboard::{Agent, AgentId, Channel, Config, Input, Queue, Switchboard, Workstream};

const AGENTS: usize = 100_000;
const QUEUES: usize = 10;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time")
}

fn presence(c: &mut Criterion) {
    let ids: Vec<AgentId> = (0..AGENTS).map(|i| AgentId::new(format!("a{i}"))).collect();
    let queues = (0..QUEUES)
        .map(|q| {
            let members = ids.iter().skip(q).step_by(QUEUES).cloned();
            Queue::new(format!("q{q}").as_str(), members)
        })
        .collect();
    let config = Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues,
        agents: ids.iter().map(|id| Agent::new(id.clone())).collect(),
        ..Config::default()
    };
    let mut sb = Switchboard::new(config).expect("valid config");
    for id in &ids {
        sb.handle(start(), Input::AgentSignedIn { agent: id.clone() })
            .expect("sign in");
    }
    while sb.poll_output().is_some() {}

    let mut group = c.benchmark_group("presence");
    group.throughput(Throughput::Elements(2));
    let mut n = 0_usize;
    group.bench_function("away_and_back/100000", |b| {
        b.iter(|| {
            n += 1;
            let agent = ids[(n * 7919) % AGENTS].clone();
            let now = start() + TimeDelta::milliseconds(i64::try_from(n).unwrap_or(i64::MAX));
            for presence in ["Away", "Available"] {
                let input = Input::SetPresence {
                    agent: agent.clone(),
                    presence: presence.into(),
                };
                sb.handle(now, input).expect("set presence");
                while let Some(out) = sb.poll_output() {
                    black_box(out);
                }
            }
        });
    });
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::presence);
}
criterion_main!(group::benches);
