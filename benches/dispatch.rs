//! Dispatch throughput: one full cycle on a warm engine — an item arrives,
//! an agent is chosen, the notification goes out, the agent accepts, the
//! conversation ends and closes — with every output drained.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_main};
use switchboard::{
    Agent, AgentId, Channel, Config, Input, Output, Queue, Switchboard, WorkItem, Workstream,
};

/// A signed-in engine with `agents` agents in one chat queue.
fn warm_engine(agents: usize) -> (Switchboard, DateTime<Utc>) {
    let ids: Vec<AgentId> = (0..agents).map(|i| AgentId::new(format!("a{i}"))).collect();
    let config = Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("q", ids.iter().cloned())],
        agents: ids.iter().map(|id| Agent::new(id.clone())).collect(),
        ..Config::default()
    };
    let mut sb = Switchboard::new(config).expect("valid config");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time");
    for id in ids {
        sb.handle(now, Input::AgentSignedIn { agent: id })
            .expect("sign in");
    }
    while sb.poll_output().is_some() {}
    (sb, now)
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
    for agents in [1_000, 10_000] {
        let (mut sb, start) = warm_engine(agents);
        let mut n = 0_u64;
        group.bench_function(BenchmarkId::new("highest_capacity", agents), |b| {
            b.iter(|| {
                n += 1;
                let now = start + TimeDelta::milliseconds(i64::try_from(n).unwrap_or(i64::MAX));
                black_box(cycle(&mut sb, now, n))
            });
        });
    }
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::dispatch);
}
criterion_main!(group::benches);
