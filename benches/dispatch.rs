//! Dispatch throughput: one full cycle on a warm engine — an item arrives,
//! an agent is chosen, the notification goes out, the agent accepts, the
//! conversation ends and closes — with every output drained. Ids are
//! `dispatch/<method>/<agents>`.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_main};
use switchboard::{
    Agent, AgentId, AssignmentMethod, Channel, Config, Input, Output, Queue, QueueId, Switchboard,
    WorkItem, WorkItemId, Workstream, WorkstreamId,
};

/// 09:00 on a fixed day.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// The workstream and queue every item arrives on; the host keeps its ids
/// and clones them, which shares their text.
type Line = (WorkstreamId, QueueId);

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

/// `w` and `n` in decimal. Ids are the host's to make; `format!` would
/// cost the bench as much as a third of the routing it measures.
fn item_id(n: u64) -> WorkItemId {
    let mut digits = [0_u8; 21];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    at -= 1;
    digits[at] = b'w';
    WorkItemId::new(std::str::from_utf8(&digits[at..]).unwrap_or("w"))
}

/// One cycle; returns how many outputs it drained.
fn cycle(sb: &mut Switchboard, now: DateTime<Utc>, n: u64, line: &Line) -> usize {
    let item = item_id(n);
    let mut drained = 0;
    let mut offer = None;
    let (workstream, queue) = line;
    sb.handle(
        now,
        Input::WorkArrived(WorkItem::new(
            item.clone(),
            workstream.clone(),
            queue.clone(),
        )),
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
        Input::ConversationEnded { item: item.clone() },
        Input::ConversationClosed { item },
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
            let line: Line = (WorkstreamId::new("chat"), QueueId::new("q"));
            group.bench_function(BenchmarkId::new(name, agents), |b| {
                b.iter(|| {
                    n += 1;
                    let ms = i64::try_from(n).unwrap_or(i64::MAX);
                    black_box(cycle(
                        &mut sb,
                        start() + TimeDelta::milliseconds(ms),
                        n,
                        &line,
                    ))
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
