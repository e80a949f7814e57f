//! Deadlines at scale: `tick` with nothing due while 1,000,000 offers are
//! pending, and every one of those offers expiring and being rerouted.

mod engine;
mod offers;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use criterion::{Criterion, black_box, criterion_main};
use switchboard::Output;

use engine::start;
use offers::loaded;

/// Pending offers: 100,000 agents with 10 each.
const AGENTS: usize = 100_000;
const OFFERS: usize = 1_000_000;

fn expiry(c: &mut Criterion) {
    let mut group = c.benchmark_group("expiry");
    let mut sb = loaded(AGENTS);
    let early = start() + TimeDelta::seconds(60);
    group.bench_function("tick_nothing_due/1000000", |b| {
        b.iter(|| black_box(sb.tick(early)));
    });
    group.sample_size(10);
    group.bench_function("expire_and_reroute_each/1000000", |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                let mut sb = loaded(AGENTS);
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
