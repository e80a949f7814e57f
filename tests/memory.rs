//! Memory per agent, per open item and per closed item, measured with a
//! counting global allocator (issue 5: within 1 KiB per agent and per open
//! item). Run with `--nocapture` to see the figures; in release
//! (`cargo test --release --test memory -- --nocapture`) it measures 10,000
//! agents and 50,000 items.

// The counting allocator below needs `unsafe impl GlobalAlloc`; nothing else
// in this file is unsafe.
#![allow(unsafe_code)]
#![allow(clippy::cast_precision_loss)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use switchboard::{
    Agent, AgentId, Channel, Config, Input, Queue, Switchboard, WorkItem, WorkItemId, Workstream,
};

/// Live heap bytes.
static LIVE: AtomicUsize = AtomicUsize::new(0);

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
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
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
            LIVE.fetch_add(new_size, Ordering::Relaxed);
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

/// One test, so that no other test allocates while this one counts.
#[test]
fn memory_per_agent_open_item_and_closed_item() {
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
