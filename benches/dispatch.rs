//! Dispatch throughput: one full cycle on a warm engine — an item arrives,
//! an agent is chosen, the notification goes out, the agent accepts, the
//! conversation ends and closes — with every output drained. Ids are
//! `dispatch/<method>/<agents>`.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_main};
use switchboard::{
    Agent, AgentId, AssignmentMethod, Channel, Config, Input, Output, Queue, Switchboard, WorkItem,
    Workstream,
};

/// 09:00 on a fixed day.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// A signed-in engine with `agents` agents in one chat queue using `method`.
fn warm_engine(agents: usize, method: AssignmentMethod) -> Switchboard {
    let ids: Vec<AgentId> = (0..agents).map(|i| AgentId::new(format!("a{i}"))).collect();
    let config = Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue {
            method: Some(method),
            ..Queue::new("q", ids.iter().cloned())
        }],
        agents: ids.iter().map(|id| Agent::new(id.clone())).collect(),
        ..Config::default()
    };
    let mut sb = Switchboard::new(config).expect("valid config");
    for id in ids {
        sb.handle(start(), Input::AgentSignedIn { agent: id })
            .expect("sign in");
    }
    while sb.poll_output().is_some() {}
    sb
}

/// One cycle; returns how many outputs it drained.
fn cycle(sb: &mut Switchboard, now: DateTime<Utc>, n: u64) -> usize {
    let item = format!("w{n}");
    let mut drained = 0;
    let mut offer = None;
    sb.handle(
        now,
        Input::WorkArrived(WorkItem::new(item.as_str(), "chat", "q")),
    )
    .expect("arrive");
    while let Some(out) = sb.poll_output() {
        if let Output::Notify(n) = &out {
            offer = Some(n.id);
        }
        drained += 1;
    }
    let notification = offer.expect("offered");
    for input in [
        Input::Accept { notification },
        Input::ConversationEnded {
            item: item.as_str().into(),
        },
        Input::ConversationClosed {
            item: item.as_str().into(),
        },
    ] {
        sb.handle(now, input).expect("cycle input");
        while sb.poll_output().is_some() {
            drained += 1;
        }
    }
    drained
}

fn dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch");
    group.throughput(Throughput::Elements(1));
    let methods = [
        ("highest_capacity", AssignmentMethod::HighestCapacity),
        ("round_robin", AssignmentMethod::AdvancedRoundRobin),
        ("least_active", AssignmentMethod::LeastActive),
    ];
    for (name, method) in methods {
        for agents in [1_000, 10_000, 100_000] {
            let mut sb = warm_engine(agents, method);
            let mut n = 0_u64;
            group.bench_function(BenchmarkId::new(name, agents), |b| {
                b.iter(|| {
                    n += 1;
                    let ms = i64::try_from(n).unwrap_or(i64::MAX);
                    black_box(cycle(&mut sb, start() + TimeDelta::milliseconds(ms), n))
                });
            });
        }
    }
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::dispatch);
}
criterion_main!(group::benches);
