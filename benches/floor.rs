//! The floor: bare map and vector operations a dispatch cycle or an expiry
//! cannot avoid, measured in the same run so the engine-to-floor ratio can
//! be read.
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
//! tick does it (each expiry rerouted before the next), at the size of the
//! `expiry` bench: 100,000 agents, 1,000,000 offers and as many items
//! waiting. `floor/expiry_dense` does the same on structures made for it
//! (vectors by number, deadlines in order, a ring of agents per number of
//! free units): what those steps cost where nothing is searched.

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
            emit(&mut outputs, (0..10).map(|k| (n, k)));
            black_box((slot, agent));
        });
    });
    group.finish();
}

/// Queues `new` outputs and drains them, as a host does.
fn emit(outputs: &mut VecDeque<(u64, u64)>, new: impl IntoIterator<Item = (u64, u64)>) {
    outputs.extend(new);
    while let Some(out) = outputs.pop_front() {
        black_box(out);
    }
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

    /// Fires every deadline due at the first one, as one tick does: each
    /// offer ends, its agent has room again and its item goes back to the
    /// front of the line, and the item is offered at once to the agent
    /// with the most room (as in the engine, the agent who let it expire:
    /// nobody else has any).
    fn expire_all(&mut self) {
        let Some(&(due, _)) = self.timers.first() else {
            return;
        };
        let mut next = OFFERS as u64;
        while self.timers.first().is_some_and(|&(at, _)| at == due) {
            let Some((_, id)) = self.timers.pop_first() else {
                return;
            };
            let Some((from, item)) = self.offers.swap_remove(&id) else {
                return;
            };
            self.reindex(from, 1, None);
            self.waiting.push_front(item);
            let (Some(item), Some(&(_, _, to))) = (self.waiting.pop_front(), self.index.first())
            else {
                return;
            };
            self.reindex(to, -1, Some(next));
            self.offers.insert(next, (to, item));
            self.timers.insert((due + 120, next));
            let outputs = [(id, item), (item, u64::from(from)), (next, u64::from(to))];
            emit(&mut self.outputs, outputs);
            next += 1;
        }
    }
}

/// The same steps on structures made for them: deadlines in a ring in the
/// order they fall due, offers and items in vectors by number, and agents
/// in one ring per number of free units, oldest first, where an entry goes
/// stale when its agent moves again and is skipped when it comes up.
struct Dense {
    free: Vec<usize>,
    /// How often each agent moved: an entry with an older count is stale.
    moves: Vec<u32>,
    rooms: Vec<VecDeque<(u32, u32)>>,
    offers: Vec<(u32, u32)>,
    /// Each item's offer, or `u32::MAX` while it waits.
    items: Vec<u32>,
    deadlines: VecDeque<(i64, u32)>,
    waiting: VecDeque<u32>,
    outputs: VecDeque<(u64, u64)>,
}

impl Dense {
    fn new() -> Self {
        let number = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut rooms: Vec<VecDeque<(u32, u32)>> = vec![VecDeque::new(); 11];
        rooms[0] = (0..EXPIRY_AGENTS).map(|a| (number(a), 0)).collect();
        let mut items = vec![u32::MAX; 2 * OFFERS];
        for (n, offer) in items.iter_mut().take(OFFERS).enumerate() {
            *offer = number(n);
        }
        let mut offers = Vec::with_capacity(2 * OFFERS);
        offers.extend((0..OFFERS).map(|n| (number(n % EXPIRY_AGENTS), number(n))));
        let mut deadlines = VecDeque::with_capacity(2 * OFFERS);
        deadlines.extend((0..OFFERS).map(|n| (120, number(n))));
        Dense {
            free: vec![0; EXPIRY_AGENTS],
            moves: vec![0; EXPIRY_AGENTS],
            rooms,
            offers,
            items,
            deadlines,
            waiting: (OFFERS..2 * OFFERS).map(number).collect(),
            outputs: VecDeque::new(),
        }
    }

    /// Gives agent `a` one unit more (`more`) or less, and a fresh entry.
    fn moved(&mut self, a: u32, more: bool) {
        let k = a as usize;
        self.free[k] = if more {
            self.free[k] + 1
        } else {
            self.free[k] - 1
        };
        self.moves[k] += 1;
        self.rooms[self.free[k]].push_back((a, self.moves[k]));
    }

    /// The agent with the most free units, longest there, if any has one.
    fn most_free(&mut self) -> Option<u32> {
        for room in self.rooms.iter_mut().skip(1).rev() {
            while let Some(&(a, moves)) = room.front() {
                if self.moves[a as usize] == moves {
                    return Some(a);
                }
                room.pop_front();
            }
        }
        None
    }

    /// [`Pending::expire_all`], on these structures.
    fn expire_all(&mut self) {
        let Some(&(due, _)) = self.deadlines.front() else {
            return;
        };
        while self.deadlines.front().is_some_and(|&(at, _)| at == due) {
            let Some((_, id)) = self.deadlines.pop_front() else {
                return;
            };
            let (from, item) = self.offers[id as usize];
            self.moved(from, true);
            self.items[item as usize] = u32::MAX;
            self.waiting.push_front(item);
            let (Some(item), Some(to)) = (self.waiting.pop_front(), self.most_free()) else {
                return;
            };
            self.moved(to, false);
            let next = u32::try_from(self.offers.len()).unwrap_or(u32::MAX);
            self.offers.push((to, item));
            self.items[item as usize] = next;
            self.deadlines.push_back((due + 120, next));
            let outputs = [(id, item), (item, from), (next, to)];
            emit(
                &mut self.outputs,
                outputs.map(|(a, b)| (u64::from(a), u64::from(b))),
            );
        }
    }
}

/// What a fresh state of a million offers takes for its tick, per expiry.
fn per_expiry<S>(iterations: u64, fresh: impl Fn() -> S, expire_all: impl Fn(&mut S)) -> Duration {
    let mut spent = Duration::ZERO;
    for _ in 0..iterations {
        let mut state = fresh();
        let started = Instant::now();
        expire_all(&mut state);
        spent += started.elapsed();
    }
    spent / u32::try_from(OFFERS).unwrap_or(u32::MAX)
}

fn expiry_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("floor");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("expiry_ops", OFFERS), |b| {
        b.iter_custom(|iterations| {
            per_expiry(iterations, Pending::new, |pending| {
                pending.expire_all();
                assert_eq!(pending.offers.len(), OFFERS);
            })
        });
    });
    group.bench_function(BenchmarkId::new("expiry_dense", OFFERS), |b| {
        b.iter_custom(|iterations| {
            per_expiry(iterations, Dense::new, |dense| {
                dense.expire_all();
                assert_eq!(dense.offers.len(), 2 * OFFERS);
            })
        });
    });
    group.finish();
}

mod group {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::floor, super::expiry_floor);
}
criterion_main!(group::benches);
