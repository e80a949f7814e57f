//! Presence churn: 100,000 agents in 10 queues; one agent at a time goes
//! Away and back to Available, each change starting an assignment cycle.

mod engine;

use chrono::TimeDelta;
use criterion::{Criterion, Throughput, black_box, criterion_main};
use switchboard::{Agent, Channel, Config, Input, Queue, Workstream};

use engine::{agent_ids, signed_in, start};

const AGENTS: usize = 100_000;
const QUEUES: usize = 10;

fn presence(c: &mut Criterion) {
    let ids = agent_ids(AGENTS);
    let queues = (0..QUEUES)
        .map(|q| {
            let members = ids.iter().skip(q).step_by(QUEUES).cloned();
            Queue::new(format!("q{q}").as_str(), members)
        })
        .collect();
    let mut sb = signed_in(Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues,
        agents: ids.iter().map(|id| Agent::new(id.clone())).collect(),
        ..Config::default()
    });

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
