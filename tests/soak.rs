//! Soak test: a million work items through ten thousand agents, with misses,
//! expiries, rejects, disconnects, transfers and auto-closes, ending with the
//! V2 conservation check and wall time, throughput and peak memory.
//!
//! Run it with
//! `cargo test --release --test soak -- --ignored --nocapture`.
//! `SOAK_ITEMS` and `SOAK_AGENTS` scale it down (or up); the arrival rate
//! follows the number of agents.

// The counting allocator below needs `unsafe impl GlobalAlloc`; nothing else
// in this file is unsafe.
#![allow(unsafe_code)]
// Figures are reported as floating point and random draws are scaled with
// integer casts whose ranges are known.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::fmt::Debug;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use switchboard::{
    Agent, AgentId, AlertKind, AssignmentMethod, Channel, CloseReason, Config, Input, InputError,
    NotificationEnd, OrgSettings, Output, Queue, QueueId, RerouteReason, Switchboard, WorkItem,
    WorkItemId, WorkLocation, Workstream,
};

// ---------------------------------------------------------------- memory

/// Live heap bytes.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// Highest `LIVE` seen.
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// `System`, counting live bytes and their high-water mark.
struct Counting;

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every method passes its arguments unchanged to `System` and returns
// what `System` returns, so `System`'s guarantees hold; the counters are
// plain atomics and never touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: our caller upholds `alloc`'s contract, passed on as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds
        // `realloc`'s contract for `new_size`.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Peak resident set size from `/proc/self/status`, as a cross-check of the
/// allocator's figure (it includes the allocator's own overhead).
fn peak_rss_bytes() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// CPU time of this thread so far, from `/proc/thread-self/schedstat`: wall
/// time counts waits for a core too, on a machine others share.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

// ---------------------------------------------------------------- randomness

/// `SplitMix64`: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; the bias is below 2^-40 here).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `permille` / 1000.
    fn chance(&mut self, permille: u64) -> bool {
        self.below(1000) < permille
    }

    /// Exponentially distributed with the given mean.
    fn exp(&mut self, mean: f64) -> i64 {
        let u = (self.next() >> 11) as f64 / (1_u64 << 53) as f64;
        (-(1.0 - u).ln() * mean) as i64
    }
}

// ---------------------------------------------------------------- the model

/// Milliseconds.
const SEC: i64 = 1000;
const MIN: i64 = 60 * SEC;

const SEED: u64 = 0x5EED_2026_1124;

/// Chat queues, then SMS and voice.
const QUEUES: [&str; 6] = [
    "chat-sales",
    "chat-support",
    "chat-billing",
    "chat-tech",
    "sms",
    "voice",
];
const SMS_QUEUE: u8 = 4;
const VOICE_QUEUE: u8 = 5;

/// Per-mille chances of what an agent does with an offer.
const UNSEEN: u64 = 40;
const EXPIRE: u64 = 30;
const REJECT: u64 = 50;
/// Work assigned unseen that the agent opens before the reroute.
const OPEN_UNSEEN: u64 = 500;
/// Active chats transferred to another chat queue.
const TRANSFER: u64 = 50;
/// Chat wrap-ups nobody closes (auto-closed after 15 minutes).
const FORGET_CLOSE: u64 = 20;
/// Customers who give up after a while if still unanswered.
const IMPATIENT: u64 = 100;
/// Disconnects that reconnect within the 150 s grace.
const QUICK_RECONNECT: u64 = 700;

/// The channel of an item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Chat,
    Sms,
    Voice,
}

/// Where the host believes an item is, from the outputs alone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    New,
    Waiting,
    Offered,
    /// Assigned, no session yet (unseen, or accepted and about to open).
    Assigned,
    Active,
    WrapUp,
    Closed(CloseReason),
}

/// One item, as the host tracks it.
#[derive(Clone, Copy)]
struct Track {
    place: Place,
    /// Bumped at every change of place: events scheduled for an older
    /// epoch are stale and dropped.
    epoch: u32,
    agent: u32,
    queue: u8,
    kind: Kind,
    notification: u64,
    /// Accepted, or opened after an unseen assignment, at least once.
    taken: bool,
}

/// What the host does at a time.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Arrive,
    Display { item: u32, epoch: u32, n: u64 },
    Accept { item: u32, epoch: u32, n: u64 },
    Reject { item: u32, epoch: u32, n: u64 },
    OpenWork { item: u32, epoch: u32 },
    Transfer { item: u32, epoch: u32, to: u8 },
    End { item: u32, epoch: u32 },
    Close { item: u32, epoch: u32 },
    CustomerLeaves { item: u32 },
    NextDisconnect,
    Reconnect { agent: u32 },
    Reset { agent: u32 },
}

/// Input kinds, for the time table.
const KINDS: [&str; 14] = [
    "WorkArrived",
    "NotificationDisplayed",
    "Accept",
    "Reject",
    "OpenWork",
    "TransferToQueue",
    "ConversationEnded",
    "ConversationClosed",
    "CustomerLeft",
    "ClientDisconnected",
    "ClientReconnected",
    "ResetPresence",
    "AgentSignedIn",
    "tick",
];
const TICK: usize = 13;

fn input_kind(input: &Input) -> usize {
    match input {
        Input::WorkArrived(_) => 0,
        Input::NotificationDisplayed { .. } => 1,
        Input::Accept { .. } => 2,
        Input::Reject { .. } => 3,
        Input::OpenWork { .. } => 4,
        Input::TransferToQueue { .. } => 5,
        Input::ConversationEnded { .. } => 6,
        Input::ConversationClosed { .. } => 7,
        Input::CustomerLeft { .. } => 8,
        Input::ClientDisconnected { .. } => 9,
        Input::ClientReconnected { .. } => 10,
        Input::ResetPresence { .. } => 11,
        Input::AgentSignedIn { .. } => 12,
        other => panic!("the soak does not send {other:?}"),
    }
}

fn item_id(i: u32) -> WorkItemId {
    WorkItemId::new(format!("w{i}"))
}

fn agent_id(a: u32) -> AgentId {
    AgentId::new(format!("a{a}"))
}

fn item_index(id: &WorkItemId) -> usize {
    id.as_str()[1..].parse().expect("soak item id")
}

fn agent_index(id: &AgentId) -> usize {
    id.as_str()[1..].parse().expect("soak agent id")
}

fn queue_index(id: &QueueId) -> u8 {
    QUEUES
        .iter()
        .position(|q| *q == id.as_str())
        .expect("soak queue") as u8
}

/// Six queues over three workstreams; every agent in a chat queue and one
/// more; capacities of 30 to 100 units (chat and SMS take 10, voice 20).
fn soak_config(agents: usize, rng: &mut Rng) -> Config {
    let org = OrgSettings {
        missed_notification_rule: true,
        agent_reject_rule: true,
        ..OrgSettings::default()
    };
    let mut voice = Workstream::new("voice", Channel::Voice);
    voice.capacity_units = Some(20);
    let mut members: Vec<Vec<AgentId>> = vec![Vec::new(); QUEUES.len()];
    let mut list = Vec::with_capacity(agents);
    for a in 0..agents {
        let id = agent_id(a as u32);
        let primary = a % 4;
        members[primary].push(id.clone());
        let second = match rng.below(10) {
            0..=3 => usize::from(SMS_QUEUE),
            4..=6 => usize::from(VOICE_QUEUE),
            _ => (primary + 1 + rng.below(3) as usize) % 4,
        };
        members[second].push(id.clone());
        let mut agent = Agent::new(id);
        agent.capacity_units = 30 + 10 * rng.below(8) as u32;
        list.push(agent);
    }
    let methods = [
        None,
        Some(AssignmentMethod::AdvancedRoundRobin),
        Some(AssignmentMethod::LeastActive),
        Some(AssignmentMethod::HighestCapacity),
        None,
        None,
    ];
    let queues = QUEUES
        .iter()
        .zip(members)
        .zip(methods)
        .map(|((id, members), method)| Queue {
            method,
            ..Queue::new(*id, members)
        })
        .collect();
    Config {
        org,
        workstreams: vec![
            Workstream::new("chat", Channel::Chat),
            Workstream::new("sms", Channel::Sms),
            voice,
        ],
        queues,
        agents: list,
        ..Config::default()
    }
}

/// Counters for the report.
#[derive(Default)]
struct Stats {
    handled: u64,
    ticks: u64,
    outputs: u64,
    /// Time and count per input kind (see [`KINDS`]).
    time: [(u64, Duration); KINDS.len()],
    /// Events dropped because the item moved on, or the agent was offline.
    stale: u64,
    /// Refusals the model expects: a reset after the penalty already ended.
    expected_refusals: u64,
    unexpected: BTreeMap<String, u64>,
    ends: HashMap<NotificationEnd, u64>,
    reroutes: HashMap<RerouteReason, u64>,
    alerts: HashMap<AlertKind, u64>,
    closes: HashMap<CloseReason, u64>,
    transfers: u64,
    disconnects: u64,
    late_reconnects: u64,
    parked: u64,
    /// Highest number of open (not closed) items.
    peak_open: u64,
}

struct Sim {
    sb: Switchboard,
    rng: Rng,
    now: i64,
    t0: DateTime<Utc>,
    tracks: Vec<Track>,
    connected: Vec<bool>,
    events: BinaryHeap<Reverse<(i64, u64, Event)>>,
    seq: u64,
    items: u32,
    arrived: u32,
    /// Mean time between arrivals and between disconnects, in ms.
    arrival_gap: f64,
    disconnect_gap: f64,
    open: u64,
    stats: Stats,
    outputs: Vec<Output>,
}

impl Sim {
    fn at(&self, ms: i64) -> DateTime<Utc> {
        self.t0 + TimeDelta::milliseconds(ms)
    }

    fn schedule(&mut self, after: i64, event: Event) {
        self.seq += 1;
        self.events
            .push(Reverse((self.now + after.max(0), self.seq, event)));
    }

    /// Applies one input now and reacts to its outputs; counts refusals.
    fn send(&mut self, input: Input) {
        let kind = input_kind(&input);
        let start = Instant::now();
        let result = self.sb.handle(self.at(self.now), input);
        let spent = start.elapsed();
        self.stats.time[kind].0 += 1;
        self.stats.time[kind].1 += spent;
        self.stats.handled += 1;
        match result {
            Ok(()) => self.react(),
            Err(InputError::NoPenalty(_)) => self.stats.expected_refusals += 1,
            Err(e) => {
                let key = format!("{e:?}")
                    .split(['(', ' '])
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let count = self.stats.unexpected.entry(key).or_default();
                *count += 1;
                if *count == 1 {
                    eprintln!(
                        "unexpected refusal at {} ms: {}: {e}",
                        self.now, KINDS[kind]
                    );
                }
            }
        }
    }

    fn tick(&mut self, ms: i64) {
        self.now = ms;
        let start = Instant::now();
        self.sb.tick(self.at(ms)).expect("tick at a deadline");
        let spent = start.elapsed();
        self.stats.time[TICK].0 += 1;
        self.stats.time[TICK].1 += spent;
        self.stats.ticks += 1;
        self.react();
    }

    fn move_to(&mut self, i: usize, place: Place) {
        let track = &mut self.tracks[i];
        let was_open = !matches!(track.place, Place::New | Place::Closed(_));
        let is_open = !matches!(place, Place::Closed(_));
        track.place = place;
        track.epoch += 1;
        match (was_open, is_open) {
            (false, true) => {
                self.open += 1;
                self.stats.peak_open = self.stats.peak_open.max(self.open);
            }
            (true, false) => self.open -= 1,
            _ => {}
        }
    }

    /// Drains the outputs and schedules what agents and customers do next.
    fn react(&mut self) {
        let mut outputs = std::mem::take(&mut self.outputs);
        outputs.extend(std::iter::from_fn(|| self.sb.poll_output()));
        self.stats.outputs += outputs.len() as u64;
        for output in outputs.drain(..) {
            self.on_output(output);
        }
        self.outputs = outputs;
    }

    fn on_output(&mut self, output: Output) {
        match output {
            Output::WorkQueued { item, queue } => {
                let i = item_index(&item);
                self.tracks[i].queue = queue_index(&queue);
                self.move_to(i, Place::Waiting);
            }
            Output::Notify(n) => self.on_notify(item_index(&n.item), agent_index(&n.agent), n.id.0),
            Output::NotificationEnded { how, .. } => count(&mut self.stats.ends, how),
            Output::WorkAssigned {
                item,
                agent,
                unseen,
                ..
            } => self.on_assigned(item_index(&item), agent_index(&agent), unseen),
            Output::SessionOpened {
                item: Some(item), ..
            } => self.on_session_opened(item_index(&item)),
            Output::WrapUpStarted { item, .. } => self.on_wrap_up(item_index(&item)),
            Output::Rerouted { item, reason, .. } => {
                count(&mut self.stats.reroutes, reason);
                self.move_to(item_index(&item), Place::Waiting);
            }
            Output::TransferredToQueue { item, queue, .. } => {
                self.stats.transfers += 1;
                let i = item_index(&item);
                self.tracks[i].queue = queue_index(&queue);
                self.move_to(i, Place::Waiting);
            }
            Output::ConversationClosed { item, reason } => {
                count(&mut self.stats.closes, reason);
                self.move_to(item_index(&item), Place::Closed(reason));
            }
            Output::Alert { agent, kind, .. } => {
                count(&mut self.stats.alerts, kind);
                // Every penalty alert (T2, T4, S2) is reset a little later.
                let agent = agent_index(&agent) as u32;
                let after = self.rng.between(5 * SEC, 60 * SEC);
                self.schedule(after, Event::Reset { agent });
            }
            Output::Parked { .. } => self.stats.parked += 1,
            _ => {}
        }
    }

    /// An Alert to agent `a`: displayed or not, then accepted, rejected or
    /// left to expire.
    fn on_notify(&mut self, i: usize, a: usize, n: u64) {
        self.move_to(i, Place::Offered);
        let track = &mut self.tracks[i];
        track.agent = a as u32;
        track.notification = n;
        let (item, epoch) = (i as u32, track.epoch);
        if !self.connected[a] || self.rng.chance(UNSEEN) {
            return; // never displayed: assigned unseen at the deadline
        }
        let shown = self.rng.between(200, 3 * SEC);
        self.schedule(shown, Event::Display { item, epoch, n });
        let roll = self.rng.below(1000);
        if roll < EXPIRE {
            // seen, never answered: expires
        } else if roll < EXPIRE + REJECT {
            let after = shown + self.rng.between(2 * SEC, 20 * SEC);
            self.schedule(after, Event::Reject { item, epoch, n });
        } else {
            let after = shown + self.rng.between(2 * SEC, 30 * SEC);
            self.schedule(after, Event::Accept { item, epoch, n });
        }
    }

    /// Work assigned to agent `a`; unseen work is opened in time, or not.
    fn on_assigned(&mut self, i: usize, a: usize, unseen: bool) {
        self.move_to(i, Place::Assigned);
        self.tracks[i].agent = a as u32;
        if unseen && self.rng.chance(OPEN_UNSEEN) {
            let epoch = self.tracks[i].epoch;
            let after = self.rng.between(30 * SEC, 400 * SEC);
            let item = i as u32;
            self.schedule(after, Event::OpenWork { item, epoch });
        }
    }

    /// A conversation became Active: transferred, or ended after a while.
    fn on_session_opened(&mut self, i: usize) {
        self.move_to(i, Place::Active);
        let track = self.tracks[i];
        let (item, epoch) = (i as u32, track.epoch);
        if track.kind == Kind::Chat && self.rng.chance(TRANSFER) {
            let to = ((u64::from(track.queue) + 1 + self.rng.below(3)) % 4) as u8;
            let after = self.rng.between(30 * SEC, 180 * SEC);
            self.schedule(after, Event::Transfer { item, epoch, to });
        } else {
            let mean = match track.kind {
                Kind::Chat => 6 * MIN,
                Kind::Sms => 10 * MIN,
                Kind::Voice => 5 * MIN,
            };
            let after = 10 * SEC + self.rng.exp(mean as f64);
            self.schedule(after, Event::End { item, epoch });
        }
    }

    /// Wrap-up started: closed after a while, or forgotten (auto-close).
    fn on_wrap_up(&mut self, i: usize) {
        self.move_to(i, Place::WrapUp);
        let track = self.tracks[i];
        if track.kind == Kind::Chat && self.rng.chance(FORGET_CLOSE) {
            return; // auto-closed 15 minutes after wrap-up starts
        }
        let after = self.rng.between(10 * SEC, 120 * SEC);
        let (item, epoch) = (i as u32, track.epoch);
        self.schedule(after, Event::Close { item, epoch });
    }

    /// Whether an event scheduled at `epoch` for item `i` still applies;
    /// counts it stale otherwise.
    fn current(&mut self, i: u32, epoch: u32) -> bool {
        let fresh = self.tracks[i as usize].epoch == epoch;
        if !fresh {
            self.stats.stale += 1;
        }
        fresh
    }

    /// Whether the item's agent is online; counts the event stale otherwise.
    fn agent_online(&mut self, i: u32) -> bool {
        let online = self.connected[self.tracks[i as usize].agent as usize];
        if !online {
            self.stats.stale += 1;
        }
        online
    }

    /// Postpones an agent's action on an item until they may be back online.
    fn retry_later(&mut self, event: Event) {
        self.schedule(30 * SEC, event);
    }

    fn fire(&mut self, event: Event) {
        match event {
            Event::Arrive => self.arrive(),
            Event::Display { item, epoch, n } => {
                if self.current(item, epoch) && self.agent_online(item) {
                    self.send(Input::NotificationDisplayed {
                        notification: switchboard::NotificationId(n),
                    });
                }
            }
            Event::Accept { item, epoch, n } => {
                if self.current(item, epoch) && self.agent_online(item) {
                    self.tracks[item as usize].taken = true;
                    self.send(Input::Accept {
                        notification: switchboard::NotificationId(n),
                    });
                }
            }
            Event::Reject { item, epoch, n } => {
                if self.current(item, epoch) && self.agent_online(item) {
                    self.send(Input::Reject {
                        notification: switchboard::NotificationId(n),
                    });
                }
            }
            Event::OpenWork { item, epoch } => {
                if self.current(item, epoch) && self.agent_online(item) {
                    self.tracks[item as usize].taken = true;
                    self.send(Input::OpenWork {
                        item: item_id(item),
                    });
                }
            }
            Event::Transfer { item, epoch, to } => {
                if self.current(item, epoch) {
                    if self.connected[self.tracks[item as usize].agent as usize] {
                        self.send(Input::TransferToQueue {
                            item: item_id(item),
                            queue: QUEUES[usize::from(to)].into(),
                        });
                    } else {
                        self.retry_later(event);
                    }
                }
            }
            Event::End { item, epoch } | Event::Close { item, epoch } => {
                if self.current(item, epoch) {
                    if self.connected[self.tracks[item as usize].agent as usize] {
                        let id = item_id(item);
                        self.send(if matches!(event, Event::End { .. }) {
                            Input::ConversationEnded { item: id }
                        } else {
                            Input::ConversationClosed { item: id }
                        });
                    } else {
                        self.retry_later(event);
                    }
                }
            }
            Event::CustomerLeaves { item } => {
                if matches!(
                    self.tracks[item as usize].place,
                    Place::Waiting | Place::Offered
                ) {
                    self.send(Input::CustomerLeft {
                        item: item_id(item),
                    });
                } else {
                    self.stats.stale += 1;
                }
            }
            Event::NextDisconnect => self.disconnect(),
            Event::Reconnect { agent } => {
                self.connected[agent as usize] = true;
                self.send(Input::ClientReconnected {
                    agent: agent_id(agent),
                });
            }
            Event::Reset { agent } => {
                if self.connected[agent as usize] {
                    self.send(Input::ResetPresence {
                        agent: agent_id(agent),
                    });
                } else {
                    self.retry_later(event);
                }
            }
        }
    }

    fn arrive(&mut self) {
        let i = self.arrived;
        self.arrived += 1;
        let (kind, queue, workstream) = match self.rng.below(1000) {
            0..=699 => (Kind::Chat, self.rng.below(4) as u8, "chat"),
            700..=849 => (Kind::Sms, SMS_QUEUE, "sms"),
            _ => (Kind::Voice, VOICE_QUEUE, "voice"),
        };
        self.tracks.push(Track {
            place: Place::New,
            epoch: 0,
            agent: 0,
            queue,
            kind,
            notification: 0,
            taken: false,
        });
        let mut spec = WorkItem::new(item_id(i), workstream, QUEUES[usize::from(queue)]);
        spec.priority = if self.rng.chance(100) { 0 } else { 5 };
        self.send(Input::WorkArrived(Box::new(spec)));
        if self.rng.chance(IMPATIENT) {
            let after = self.rng.between(20 * SEC, 15 * MIN);
            self.schedule(after, Event::CustomerLeaves { item: i });
        }
        if self.arrived < self.items {
            let gap = self.rng.exp(self.arrival_gap);
            self.schedule(gap, Event::Arrive);
        }
    }

    fn disconnect(&mut self) {
        if self.arrived >= self.items {
            return; // no more disconnects once the last item arrived
        }
        let gap = self.rng.exp(self.disconnect_gap);
        self.schedule(gap, Event::NextDisconnect);
        let agent = self.rng.below(self.connected.len() as u64) as u32;
        if !self.connected[agent as usize] {
            return;
        }
        self.stats.disconnects += 1;
        self.connected[agent as usize] = false;
        self.send(Input::ClientDisconnected {
            agent: agent_id(agent),
        });
        let back = if self.rng.chance(QUICK_RECONNECT) {
            self.rng.between(5 * SEC, 140 * SEC)
        } else {
            self.stats.late_reconnects += 1;
            self.rng.between(160 * SEC, 15 * MIN)
        };
        self.schedule(back, Event::Reconnect { agent });
    }

    /// Runs until `arrivals` items have arrived, or else until nothing is
    /// left to do; jumps the clock from deadline to deadline.
    fn run(&mut self, arrivals: Option<u32>) {
        loop {
            if arrivals.is_some_and(|n| self.arrived >= n) {
                return;
            }
            let host = self.events.peek().map(|Reverse((t, _, _))| *t);
            let engine = self
                .sb
                .poll_timeout()
                .map(|d| (d - self.t0).num_milliseconds());
            match (host, engine) {
                (None, None) => return,
                (host, Some(deadline)) if host.is_none_or(|h| deadline <= h) => {
                    self.tick(deadline);
                }
                _ => {
                    let Some(Reverse((t, _, event))) = self.events.pop() else {
                        return;
                    };
                    self.now = t;
                    self.fire(event);
                }
            }
        }
    }

    /// Counts every item's place with `work_location` (V2) and checks it
    /// against what the outputs said. Returns the counts by place.
    fn census(&self) -> BTreeMap<&'static str, u64> {
        let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut mismatches = 0_u64;
        let mut items = 0_u64;
        for id in self.sb.work_items() {
            items += 1;
            let i = item_index(id);
            let track = &self.tracks[i];
            let location = self.sb.work_location(id).expect("known item");
            let (place, agrees) = match (&location, track.place) {
                (WorkLocation::Waiting { queue }, Place::Waiting) => (
                    "waiting",
                    queue.as_str() == QUEUES[usize::from(track.queue)],
                ),
                (
                    WorkLocation::Offered {
                        agent,
                        notification,
                    },
                    Place::Offered,
                ) => (
                    "offered",
                    agent_index(agent) == track.agent as usize
                        && notification.0 == track.notification,
                ),
                (
                    WorkLocation::Assigned { agent },
                    Place::Assigned | Place::Active | Place::WrapUp,
                ) => ("assigned", agent_index(agent) == track.agent as usize),
                (WorkLocation::Closed, Place::Closed(CloseReason::Closed)) => {
                    ("closed: accepted and closed by the agent", track.taken)
                }
                (WorkLocation::Closed, Place::Closed(CloseReason::CustomerLeft)) => {
                    ("closed: customer left", true)
                }
                (WorkLocation::Closed, Place::Closed(CloseReason::AutoClosed)) => {
                    ("closed: auto-closed", true)
                }
                (WorkLocation::Closed, Place::Closed(_)) => ("closed: other reason", true),
                (WorkLocation::Idle { .. }, _) => ("idle (Waiting conversation)", false),
                _ => ("disagrees with the outputs", false),
            };
            if !agrees {
                mismatches += 1;
                if mismatches <= 5 {
                    eprintln!(
                        "{id}: engine says {location:?}, outputs said {:?}",
                        track.place
                    );
                }
            }
            *counts.entry(place).or_default() += 1;
        }
        assert_eq!(items, u64::from(self.items), "every item arrived once");
        assert_eq!(mismatches, 0, "work_location agrees with the outputs");
        counts
    }
}

/// Checks the conservation invariant on a census and prints it.
fn check_conservation(counts: &BTreeMap<&'static str, u64>, items: u32, when: &str) {
    println!("census {when}:");
    for (place, n) in counts {
        println!("  {place:<42} {n:>9}");
    }
    let allowed = [
        "closed: accepted and closed by the agent",
        "closed: customer left",
        "closed: auto-closed",
        "waiting",
        "offered",
        "assigned",
    ];
    let total: u64 = allowed
        .iter()
        .map(|p| counts.get(p).copied().unwrap_or(0))
        .sum();
    println!("  {:<42} {total:>9}", "total");
    assert_eq!(
        total,
        u64::from(items),
        "every item is closed (by its agent, the customer or auto-close) or \
         waiting, offered or assigned: {counts:?}"
    );
}

/// Heap bytes of a fresh copy of the engine (containers sized to their
/// contents); the copy is dropped and the peak left as it was.
fn compact_size(sb: &Switchboard) -> usize {
    let peak = PEAK.load(Ordering::Relaxed);
    let before = live_bytes();
    let copy = sb.clone();
    let size = live_bytes() - before;
    drop(copy);
    PEAK.store(peak, Ordering::Relaxed);
    size
}

fn env_or(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn count<K: Hash + Eq>(map: &mut HashMap<K, u64>, key: K) {
    *map.entry(key).or_default() += 1;
}

fn print_table<K: Debug>(title: &str, map: &HashMap<K, u64>) {
    let mut shown: Vec<String> = map.iter().map(|(k, v)| format!("{k:?} {v}")).collect();
    shown.sort();
    println!("{title}: {}", shown.join(", "));
}

#[test]
#[ignore = "minutes in release: cargo test --release --test soak -- --ignored --nocapture"]
#[allow(clippy::too_many_lines)] // one scenario, reported step by step
fn soak_a_million_items_through_ten_thousand_agents() {
    let items = env_or("SOAK_ITEMS", 1_000_000);
    let agents = env_or("SOAK_AGENTS", 10_000) as usize;
    PEAK.store(live_bytes(), Ordering::Relaxed);
    let wall = Instant::now();
    let cpu_start = thread_cpu();

    // Host-side bookkeeping, allocated up front so the engine's growth
    // shows on its own.
    let before_host = live_bytes();
    let mut events = BinaryHeap::with_capacity((items as usize).min(1 << 18));
    events.push(Reverse((0, 0, Event::Arrive)));
    let tracks = Vec::with_capacity(items as usize);
    let connected = vec![true; agents];
    let host_bytes = live_bytes() - before_host;

    let mut rng = Rng(SEED);
    let before_engine = live_bytes();
    let config = soak_config(agents, &mut rng);
    let sb = Switchboard::new(config).expect("valid soak config");
    // Throughput is about 0.011 items per agent-second; arrive a little
    // below it, and disconnect about one agent in two over the run.
    let arrival_gap = 1000.0 / (agents as f64 * 0.0095);
    let span = f64::from(items) * arrival_gap;
    let mut sim = Sim {
        sb,
        rng,
        now: 0,
        t0: common::t0(),
        tracks,
        connected,
        events,
        seq: 1,
        items,
        arrived: 0,
        arrival_gap,
        disconnect_gap: span / (agents as f64 * 0.5),
        open: 0,
        stats: Stats::default(),
        outputs: Vec::with_capacity(4096),
    };
    for a in 0..agents {
        sim.send(Input::AgentSignedIn {
            agent: agent_id(a as u32),
        });
    }
    let engine_with_agents = live_bytes() - before_engine;
    let first_disconnect = sim.rng.exp(sim.disconnect_gap);
    sim.schedule(first_disconnect, Event::NextDisconnect);
    println!(
        "setup: {agents} agents signed in, engine {:.1} MiB ({:.0} bytes per agent), \
         host bookkeeping {:.1} MiB",
        mib(engine_with_agents),
        engine_with_agents as f64 / agents as f64,
        mib(host_bytes)
    );

    // Arrivals, with progress every tenth.
    let tenth = (items / 10).max(1);
    let mut last_report = Instant::now();
    while sim.arrived < items {
        let target = ((sim.arrived / tenth + 1) * tenth).min(items);
        sim.run(Some(target));
        println!(
            "{:>8} items at {:>7.0} s simulated, {:>6.1} s wall (+{:.1}): open {:>6}, \
             deadlines {:>7}, notifications {:>5}, heap {:>7.1} MiB",
            sim.arrived,
            sim.now as f64 / 1000.0,
            wall.elapsed().as_secs_f64(),
            last_report.elapsed().as_secs_f64(),
            sim.open,
            sim.sb.pending_deadlines(),
            sim.sb.pending_notifications(),
            mib(live_bytes())
        );
        last_report = Instant::now();
    }
    let arrivals_wall = wall.elapsed();
    let arrivals_cpu = thread_cpu();
    let arrivals_sim = sim.now;
    let counts = sim.census();
    check_conservation(&counts, items, "at the last arrival");
    // Measured before the compact copies below, which are not part of the run.
    let peak = PEAK.load(Ordering::Relaxed);
    let peak_rss = peak_rss_bytes();
    let open_at_last_arrival = sim.open;
    let compact_at_last_arrival = compact_size(&sim.sb);
    let census_wall = wall.elapsed().saturating_sub(arrivals_wall);

    // Drain: agents finish, deadlines fire, until nothing is left to do.
    let drain_start = Instant::now();
    let drain_cpu_start = thread_cpu();
    sim.run(None);
    let drain_wall = drain_start.elapsed();
    let drain_cpu_end = thread_cpu();
    let counts = sim.census();
    check_conservation(&counts, items, "after the drain");
    let open_after_drain = sim.open;
    let compact_after_drain = compact_size(&sim.sb);

    // The engine's own footprint at the end: what dropping it frees.
    let stats = std::mem::take(&mut sim.stats);
    let Sim {
        sb,
        tracks,
        events,
        connected,
        outputs,
        ..
    } = sim;
    let before_drop = live_bytes();
    drop(sb);
    let engine_at_end = before_drop - live_bytes();
    drop((tracks, events, connected, outputs));

    let secs = (arrivals_wall + drain_wall).as_secs_f64();
    let inputs = stats.handled + stats.ticks;
    println!();
    println!(
        "items {items}, agents {agents}, simulated {:.1} h ({:.1} h of arrivals)",
        sim.now as f64 / 3.6e6,
        arrivals_sim as f64 / 3.6e6
    );
    println!(
        "wall {secs:.1} s ({:.1} s arrivals, {:.1} s drain; census and measuring {:.1} s \
         more); {} handle + {} tick = {inputs} inputs, {:.0} inputs/s ({:.0} handle/s); \
         {} outputs",
        arrivals_wall.as_secs_f64(),
        drain_wall.as_secs_f64(),
        census_wall.as_secs_f64(),
        stats.handled,
        stats.ticks,
        inputs as f64 / secs,
        stats.handled as f64 / secs,
        stats.outputs
    );
    if let (Some(c0), Some(c1), Some(c2), Some(c3)) =
        (cpu_start, arrivals_cpu, drain_cpu_start, drain_cpu_end)
    {
        let cpu = (c1.saturating_sub(c0) + c3.saturating_sub(c2)).as_secs_f64();
        println!(
            "CPU {cpu:.1} s of those {secs:.1} s wall (the rest waited for a core): \
             {:.0} inputs per CPU second",
            inputs as f64 / cpu
        );
    }
    println!(
        "peak heap {:.1} MiB (allocator, host bookkeeping included), peak RSS {}",
        mib(peak),
        peak_rss.map_or("unknown".into(), |b| format!("{:.1} MiB", mib(b)))
    );
    let retained = engine_at_end.saturating_sub(engine_with_agents);
    let closed_in_drain = open_at_last_arrival - open_after_drain;
    let per_open = compact_at_last_arrival.saturating_sub(compact_after_drain) as f64
        / closed_in_drain.max(1) as f64;
    println!(
        "per agent {:.0} bytes (engine with agents signed in, no work); per open item \
         {per_open:.0} bytes on top of its kept record ({closed_in_drain} open items at the \
         last arrival, compact copies before and after the drain); per item ever seen \
         {:.0} bytes kept after it closes (engine at the end {:.1} MiB); peak heap / peak \
         open items {:.0} bytes ({} open at most)",
        engine_with_agents as f64 / agents as f64,
        retained as f64 / f64::from(items),
        mib(engine_at_end),
        peak as f64 / stats.peak_open as f64,
        stats.peak_open
    );
    println!(
        "transfers {}, disconnects {} ({} past the grace), parked {}, stale events {}, \
         expected refusals {}",
        stats.transfers,
        stats.disconnects,
        stats.late_reconnects,
        stats.parked,
        stats.stale,
        stats.expected_refusals
    );
    print_table("notifications ended", &stats.ends);
    print_table("rerouted", &stats.reroutes);
    print_table("alerts", &stats.alerts);
    print_table("closed", &stats.closes);
    println!("time by input kind:");
    let mut by_time: Vec<_> = KINDS.iter().zip(stats.time).collect();
    by_time.sort_by_key(|(_, (_, spent))| Reverse(*spent));
    for (kind, (count, spent)) in by_time {
        if count > 0 {
            println!(
                "  {kind:<22} {count:>9} calls {:>8.2} s {:>8.2} us/call",
                spent.as_secs_f64(),
                spent.as_secs_f64() * 1e6 / count as f64
            );
        }
    }

    assert!(
        stats.unexpected.is_empty(),
        "unexpected refusals: {:?}",
        stats.unexpected
    );
    assert_eq!(open_after_drain, 0, "everything closes once arrivals stop");
    // Every path the soak is meant to exercise was taken.
    for (what, seen) in [
        (
            "offers assigned unseen",
            stats.ends.get(&NotificationEnd::AssignedUnseen),
        ),
        ("offers expired", stats.ends.get(&NotificationEnd::Expired)),
        (
            "offers rejected",
            stats.ends.get(&NotificationEnd::Rejected),
        ),
        (
            "unseen work rerouted",
            stats.reroutes.get(&RerouteReason::Unseen),
        ),
        (
            "work rerouted past the grace",
            stats.reroutes.get(&RerouteReason::Disconnected),
        ),
        ("transfers", Some(&stats.transfers)),
        (
            "customers leaving",
            stats.closes.get(&CloseReason::CustomerLeft),
        ),
        ("auto-closes", stats.closes.get(&CloseReason::AutoClosed)),
    ] {
        assert!(seen.is_some_and(|n| *n > 0), "no {what}");
    }
}
