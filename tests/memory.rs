//! Memory per agent, per open item and per closed item, measured with a
//! counting global allocator (issue 5: within 1 KiB per agent and per open
//! item), and the most a tick that fires many deadlines holds at once. Run
//! with `--nocapture` to see the figures; in release
//! (`cargo test --release --test memory -- --nocapture`) it measures 10,000
//! agents and 50,000 items.

// The counting allocator below needs `unsafe impl GlobalAlloc`; nothing else
// in this file is unsafe.
#![allow(unsafe_code)]
#![allow(clippy::cast_precision_loss)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use switchboard::{
    Agent, AgentId, Channel, Config, Input, OrgSettings, Output, Queue, Switchboard, WorkItem,
    WorkItemId, Workstream,
};

/// Live heap bytes.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The most live heap bytes since it was last reset.
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Held by each test while it counts, so that no other test allocates.
static ALONE: Mutex<()> = Mutex::new(());

/// Counts `size` more live bytes.
fn grew(size: usize) {
    let now = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

/// `System`, counting live bytes.
struct Counting;

// SAFETY: every method passes its arguments unchanged to `System` and returns
// what `System` returns, so `System`'s guarantees hold; the counter is a
// plain atomic and never touches the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: our caller upholds `alloc`'s contract, passed on as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; our caller
        // upholds `realloc`'s contract for `new_size`.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Debug builds check every index after every input, which is linear in
/// the engine's size: they measure a smaller engine.
const AGENTS: usize = if cfg!(debug_assertions) {
    1_000
} else {
    10_000
};
const ITEMS: usize = 5 * AGENTS;

fn at(ms: usize) -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 24, 9, 0, 0)
        .single()
        .expect("valid time");
    start + TimeDelta::milliseconds(i64::try_from(ms).expect("small"))
}

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn drain(sb: &mut Switchboard) {
    while sb.poll_output().is_some() {}
}

fn item(n: usize) -> WorkItemId {
    WorkItemId::new(format!("w{n}"))
}

fn arrive(sb: &mut Switchboard, n: usize, ms: usize) {
    let work = WorkItem::new(item(n), "chat", "q");
    sb.handle(at(ms), Input::WorkArrived(Box::new(work)))
        .expect("arrive");
}

fn leave(sb: &mut Switchboard, n: usize, ms: usize) {
    sb.handle(at(ms), Input::CustomerLeft { item: item(n) })
        .expect("leave");
}

#[test]
fn memory_per_agent_open_item_and_closed_item() {
    let _alone = ALONE.lock().unwrap_or_else(PoisonError::into_inner);
    let before_engine = live();
    let ids: Vec<AgentId> = (0..AGENTS).map(|i| AgentId::new(format!("a{i}"))).collect();
    let config = Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("q", ids.iter().cloned())],
        agents: ids.iter().map(|id| Agent::new(id.clone())).collect(),
        ..Config::default()
    };
    let mut sb = Switchboard::new(config).expect("valid config");
    for id in ids {
        sb.handle(at(0), Input::AgentSignedIn { agent: id })
            .expect("sign in");
    }
    drain(&mut sb);
    let per_agent = (live() - before_engine) as f64 / AGENTS as f64;

    // Open work: every agent offered what fits, the rest waiting.
    let before_items = live();
    for n in 0..ITEMS {
        arrive(&mut sb, n, n);
        drain(&mut sb);
    }
    let per_open = (live() - before_items) as f64 / ITEMS as f64;

    // Close it all, then push as many items again through arrival and
    // close: only their ids stay, and their records' slots are reused.
    for n in 0..ITEMS {
        leave(&mut sb, n, ITEMS);
        drain(&mut sb);
    }
    let before_churn = live();
    for n in ITEMS..2 * ITEMS {
        arrive(&mut sb, n, n);
        leave(&mut sb, n, n);
        drain(&mut sb);
    }
    let per_closed = (live() - before_churn) as f64 / ITEMS as f64;
    assert_eq!(sb.work_items().count(), 2 * ITEMS);

    // Forgetting closed work gives their ids' memory back; what stays is
    // the free slots and capacity sized for the busiest moment.
    sb.handle(at(2 * ITEMS), Input::ForgetClosed)
        .expect("forget");
    assert_eq!(sb.work_items().count(), 0);
    let kept = (live() - before_items) as f64 / ITEMS as f64;

    println!(
        "{per_agent:.0} bytes per agent, {per_open:.0} bytes per open item, \
         {per_closed:.0} bytes per closed item; after ForgetClosed, {kept:.0} bytes \
         per item of the busiest moment stay (free slots for reuse)"
    );
    assert!(per_agent <= 1024.0, "{per_agent:.0} bytes per agent");
    assert!(per_open <= 1024.0, "{per_open:.0} bytes per open item");
    assert!(per_closed <= 128.0, "{per_closed:.0} bytes per closed item");
    assert!(kept < per_open, "forgetting closed work freed nothing");
}

/// Agents, and offers each, of the engine whose offers all expire in one
/// tick.
const EXPIRING_AGENTS: usize = 100;
const OFFERS_EACH: usize = 10;

/// The most heap a tick holds beyond what the engine held before it, when
/// every one of `EXPIRING_AGENTS * OFFERS_EACH` displayed offers expires
/// and is rerouted in that tick; by `tick` and a drain afterwards, or by
/// `tick_with`.
fn peak_of_expiring_tick(handed_over: bool) -> usize {
    let ids: Vec<AgentId> = (0..EXPIRING_AGENTS)
        .map(|i| AgentId::new(format!("a{i}")))
        .collect();
    let mut sb = Switchboard::new(Config {
        org: OrgSettings {
            display_acknowledgement: false,
            ..OrgSettings::default()
        },
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue::new("q", ids.iter().cloned())],
        agents: ids.iter().map(|id| Agent::new(id.clone())).collect(),
        ..Config::default()
    })
    .expect("valid config");
    for id in ids {
        sb.handle(at(0), Input::AgentSignedIn { agent: id })
            .expect("sign in");
    }
    drain(&mut sb);
    for n in 0..2 * EXPIRING_AGENTS * OFFERS_EACH {
        arrive(&mut sb, n, 0);
        drain(&mut sb);
    }
    assert_eq!(sb.pending_notifications(), EXPIRING_AGENTS * OFFERS_EACH);
    let before = live();
    PEAK.store(before, Ordering::Relaxed);
    let mut rerouted = 0;
    let mut count =
        |output: Output| rerouted += usize::from(matches!(output, Output::Rerouted { .. }));
    let due = at(120_000);
    if handed_over {
        sb.tick_with(due, &mut count).expect("tick");
    } else {
        sb.tick(due).expect("tick");
        while let Some(output) = sb.poll_output() {
            count(output);
        }
    }
    assert_eq!(rerouted, EXPIRING_AGENTS * OFFERS_EACH);
    PEAK.load(Ordering::Relaxed) - before
}

/// `tick_with` hands each output over as it arises, so a tick that fires
/// a thousand deadlines holds one deadline's outputs at a time, where
/// `tick` holds every output until the host drains them.
#[test]
fn tick_with_holds_no_backlog_of_outputs() {
    let _alone = ALONE.lock().unwrap_or_else(PoisonError::into_inner);
    let expiries = EXPIRING_AGENTS * OFFERS_EACH;
    let queued = peak_of_expiring_tick(false);
    let handed = peak_of_expiring_tick(true);
    println!(
        "{expiries} expiries in one tick: {queued} bytes held at most by tick, \
         {handed} by tick_with"
    );
    // Each expiry queues three outputs (the ended notification, the
    // reroute, the new notification) and a boxed notification.
    let backlog = expiries * (3 * std::mem::size_of::<Output>() + 512);
    assert!(
        queued >= backlog,
        "tick held {queued} bytes, under {backlog}"
    );
    // About one boxed notification at a time (616 bytes).
    assert!(handed < 4 * 1024, "tick_with held {handed} bytes");
}
