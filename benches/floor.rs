//! The floor: bare map and vector operations a dispatch cycle cannot avoid,
//! measured in the same run so the engine-to-floor ratio can be read.
//!
//! One cycle must at least: look up the agent and the item by their ids,
//! insert the new item, move one entry in an ordered index twice (offer and
//! release), schedule and cancel two deadlines, and queue and drain about
//! ten outputs. `floor/cycle_ops` does exactly that with std and indexmap
//! and nothing else.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use criterion::{Criterion, Throughput, black_box, criterion_main};
use indexmap::IndexMap;

const AGENTS: usize = 10_000;

fn floor(c: &mut Criterion) {
    let agents: IndexMap<String, u64> = (0..AGENTS).map(|i| (format!("a{i}"), 0)).collect();
    let mut items: IndexMap<String, u64> = IndexMap::new();
    let mut index: BTreeSet<(i64, u64, u32)> = (0..AGENTS)
        .map(|a| (100, 0, u32::try_from(a).unwrap_or(u32::MAX)))
        .collect();
    let mut timers: BTreeMap<(i64, u64), u32> = BTreeMap::new();
    let mut outputs: VecDeque<(u64, u64)> = VecDeque::new();
    let mut n = 0_u64;

    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(1));
    group.bench_function("cycle_ops/10000", |b| {
        b.iter(|| {
            n += 1;
            let id = format!("w{n}");
            let (slot, _) = items.insert_full(id, n);
            let agent = agents.get_index_of("a42").unwrap_or(0);
            let Some(&best) = index.first() else { return };
            index.remove(&best);
            let offered = (best.0 - 10, n, best.2);
            index.insert(offered);
            let deadline = (i64::try_from(n).unwrap_or(0) + 120, n);
            timers.insert(deadline, 1);
            timers.remove(&deadline);
            let wrap = (i64::try_from(n).unwrap_or(0) + 900, n);
            timers.insert(wrap, 2);
            timers.remove(&wrap);
            index.remove(&offered);
            index.insert((best.0, n, best.2));
            for k in 0..10 {
                outputs.push_back((n, k));
            }
            while let Some(out) = outputs.pop_front() {
                black_box(out);
            }
            black_box((slot, agent));
        });
    });
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::floor);
}
criterion_main!(group::benches);
