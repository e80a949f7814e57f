//! Deadlines at scale: `tick` with nothing due while 1,000,000 offers are
//! pending, and every one of those offers expiring and being rerouted in
//! one tick, its outputs drained afterwards (`tick`) or handed over as
//! they arise (`tick_with`, `expire_and_reroute_each_handed_over`).

mod engine;
mod offers;

use std::time::Duration;

use chrono::TimeDelta;
use criterion::{BenchmarkId, Criterion, black_box, criterion_main};

use engine::start;
use offers::{OFFERS_PER_AGENT, Take, expire_all, loaded};

/// Pending offers: 100,000 agents with 10 each.
const AGENTS: usize = 100_000;
const OFFERS: usize = AGENTS * OFFERS_PER_AGENT;

fn expiry(c: &mut Criterion) {
    let mut group = c.benchmark_group("expiry");
    let mut sb = loaded(AGENTS);
    let early = start() + TimeDelta::seconds(60);
    sb.tick(early).expect("tick");
    assert!(sb.poll_output().is_none(), "nothing is due at {early}");
    // The bench keeps whether the tick was accepted, as a host does. Kept
    // whole, the 48-byte `Result` is copied out right after `tick` wrote
    // its one-byte tag, a copy that stalls: 47 ns a tick (BENCHMARKS.md).
    group.bench_function("tick_nothing_due/1000000", |b| {
        b.iter(|| black_box(sb.tick(early).is_ok()));
    });
    group.sample_size(10);
    for (name, take) in [
        ("expire_and_reroute_each", Take::Drained),
        ("expire_and_reroute_each_handed_over", Take::HandedOver),
    ] {
        group.bench_function(BenchmarkId::new(name, OFFERS), |b| {
            b.iter_custom(|iterations| {
                let mut spent = Duration::ZERO;
                for _ in 0..iterations {
                    let mut sb = loaded(AGENTS);
                    spent += expire_all(&mut sb, AGENTS, take);
                }
                // Report per expiry-and-reroute.
                spent / u32::try_from(OFFERS).unwrap_or(u32::MAX)
            });
        });
    }
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::expiry);
}
criterion_main!(group::benches);
