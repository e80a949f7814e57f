//! The floor: bare map and vector operations a dispatch cycle cannot avoid,
//! measured in the same run so the engine-to-floor ratio can be read.
//!
//! One cycle must at least: look up the agent and the item by their ids,
//! insert the new item, move one entry in an ordered index twice (offer and
//! release), schedule and cancel two deadlines, and queue and drain about
//! ten outputs. `floor/cycle_ops` does exactly that with std and indexmap
//! and nothing else.
//!
//! One expiry and reroute, among a million pending offers, must at least:
//! take the earliest deadline, remove its offer, move its agent's index
//! entry, put the item back in line and take the next one, move the chosen
//! agent's entry, store the new offer and its deadline, and queue and drain
//! three outputs. `floor/expiry_ops` does exactly that, in the order one
//! tick does it (every deadline, then every reroute), at the size of the
//! `expiry` bench: 100,000 agents, 1,000,000 offers and as many items
//! waiting.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, black_box, criterion_main};
use indexmap::IndexMap;

const AGENTS: usize = 10_000;

/// The `expiry` bench's size: agents, and pending offers (ten each).
const EXPIRY_AGENTS: usize = 100_000;
const OFFERS: usize = 10 * EXPIRY_AGENTS;

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

/// An agent's entry in the index: free room, negated so that the most
/// comes first, then when they were last offered work, then who.
type Entry = (i64, u64, u32);

/// The `expiry` bench's state, bare: every agent's index entry, a million
/// offers by number with their deadlines, and as many items waiting.
struct Pending {
    entries: Vec<Entry>,
    index: BTreeSet<Entry>,
    offers: IndexMap<u64, (u32, u64)>,
    timers: BTreeSet<(i64, u64)>,
    waiting: VecDeque<u64>,
    outputs: VecDeque<(u64, u64)>,
}

impl Pending {
    fn new() -> Self {
        let agent = |n: u64| u32::try_from(n % EXPIRY_AGENTS as u64).unwrap_or(u32::MAX);
        let entries: Vec<Entry> = (0..EXPIRY_AGENTS as u64)
            .map(|a| (0, a, agent(a)))
            .collect();
        let offers = (0..OFFERS as u64).map(|n| (n, (agent(n), n))).collect();
        Pending {
            index: entries.iter().copied().collect(),
            entries,
            offers,
            timers: (0..OFFERS as u64).map(|n| (120, n)).collect(),
            waiting: (OFFERS as u64..2 * OFFERS as u64).collect(),
            outputs: VecDeque::new(),
        }
    }

    /// Moves agent `a`'s entry: `more` room, and offered at `at` if given.
    fn reindex(&mut self, a: u32, more: i64, at: Option<u64>) {
        let entry = &mut self.entries[a as usize];
        self.index.remove(entry);
        entry.0 -= more;
        entry.1 = at.unwrap_or(entry.1);
        self.index.insert(*entry);
    }

    /// Queues `outputs` and drains them.
    fn emit(&mut self, outputs: impl IntoIterator<Item = (u64, u64)>) {
        self.outputs.extend(outputs);
        while let Some(out) = self.outputs.pop_front() {
            black_box(out);
        }
    }

    /// Fires every deadline due at the first one, as one tick does: each
    /// offer ends, its agent has room again and its item goes back to the
    /// front of the line; then each item put back is offered to the agent
    /// with the most room.
    fn expire_all(&mut self) {
        let Some(&(due, _)) = self.timers.first() else {
            return;
        };
        let mut requeued = Vec::with_capacity(OFFERS);
        while self.timers.first().is_some_and(|&(at, _)| at == due) {
            let Some((_, id)) = self.timers.pop_first() else {
                return;
            };
            let Some((from, item)) = self.offers.swap_remove(&id) else {
                return;
            };
            self.reindex(from, 1, None);
            requeued.push(item);
            self.emit([(id, item), (item, u64::from(from))]);
        }
        for &item in requeued.iter().rev() {
            self.waiting.push_front(item);
        }
        let numbers = OFFERS as u64..;
        for next in numbers.take(requeued.len()) {
            let (Some(item), Some(&(_, _, to))) = (self.waiting.pop_front(), self.index.first())
            else {
                return;
            };
            self.reindex(to, -1, Some(next));
            self.offers.insert(next, (to, item));
            self.timers.insert((due + 120, next));
            self.emit([(next, u64::from(to))]);
        }
    }
}

fn expiry_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("floor");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("expiry_ops", OFFERS), |b| {
        b.iter_custom(|iterations| {
            let mut spent = Duration::ZERO;
            for _ in 0..iterations {
                let mut pending = Pending::new();
                let started = Instant::now();
                pending.expire_all();
                spent += started.elapsed();
                assert_eq!(pending.offers.len(), OFFERS);
            }
            // Report per expiry-and-reroute.
            spent / u32::try_from(OFFERS).unwrap_or(u32::MAX)
        });
    });
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::floor, super::expiry_floor);
}
criterion_main!(group::benches);
