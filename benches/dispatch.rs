//! Dispatch throughput: one full cycle on a warm engine — an item arrives,
//! an agent is chosen, the notification goes out, the agent accepts, the
//! conversation ends and closes — with every output drained. Ids are
//! `dispatch/<method>/<agents>`.

mod cycle;

use chrono::TimeDelta;
use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_main};
use switchboard::{AssignmentMethod, QueueId, WorkstreamId};

use cycle::{Line, cycle, start, warm_engine};

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
