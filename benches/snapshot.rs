//! Snapshot: serialise and restore an engine of 10,000 agents with work in
//! flight (offers pending, conversations active and in wrap-up).

mod engine;

use chrono::TimeDelta;
use criterion::{Criterion, black_box, criterion_main};
use switchboard::{
    Agent, Channel, Config, Input, Output, Queue, Snapshot, Switchboard, WorkItem, Workstream,
};

use engine::{agent_ids, signed_in, start};

const AGENTS: usize = 10_000;

/// 10,000 agents, 30,000 chats: a third accepted, a third of those in
/// wrap-up, the rest pending offers.
fn busy_engine() -> Switchboard {
    let ids = agent_ids(AGENTS);
    let mut sb = signed_in(Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("q", ids.iter().cloned())],
        agents: ids.into_iter().map(Agent::new).collect(),
        ..Config::default()
    });
    let mut offers = Vec::new();
    for n in 0..3 * AGENTS {
        let item = WorkItem::new(format!("w{n}").as_str(), "chat", "q");
        sb.handle(start(), Input::WorkArrived(Box::new(item)))
            .expect("arrive");
        while let Some(out) = sb.poll_output() {
            if let Output::Notify(notification) = out {
                offers.push((notification.id, notification.item));
            }
        }
    }
    let later = start() + TimeDelta::seconds(10);
    for (k, (id, item)) in offers.into_iter().enumerate() {
        if k % 3 == 0 {
            sb.handle(later, Input::Accept { notification: id })
                .expect("accept");
            if k % 9 == 0 {
                sb.handle(later, Input::ConversationEnded { item })
                    .expect("end");
            }
        }
    }
    while sb.poll_output().is_some() {}
    sb
}

fn snapshot(c: &mut Criterion) {
    let sb = busy_engine();
    let json = serde_json::to_string(&sb.snapshot()).expect("serialise");
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("serialise/10000", |b| {
        b.iter(|| black_box(serde_json::to_string(&sb.snapshot()).expect("serialise")));
    });
    group.bench_function("restore/10000", |b| {
        b.iter(|| {
            let snapshot: Snapshot = serde_json::from_str(&json).expect("parse");
            black_box(Switchboard::restore(snapshot).expect("restore"))
        });
    });
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::snapshot);
}
criterion_main!(group::benches);
