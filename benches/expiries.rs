//! One-shot driver for the expiry of a million offers: builds the engine of
//! `expiry/expire_and_reroute_each/1000000` once, fires every offer's
//! deadline in one tick, drains the outputs, and prints the time per
//! expiry. Criterion's figure builds a fresh engine of a million offers for
//! every iteration beside the heap the last one left; this one builds one,
//! and is the figure to compare before and after a change (run the two
//! builds in turn). The first argument is the number of agents (default
//! 100,000; ten offers each). Run it under callgrind with
//! `--toggle-collect='*Switchboard::tick*'` and 2,000 agents for the
//! instructions of one expiry (the count divided by 20,000). See
//! BENCHMARKS.md.

mod engine;
mod offers;

use offers::{OFFERS_PER_AGENT, expire_all, loaded};

fn main() {
    let agents: usize = std::env::args()
        .skip(1)
        .find(|a| a != "--bench")
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let expiries = agents * OFFERS_PER_AGENT;
    let mut sb = loaded(agents);
    let spent = expire_all(&mut sb, agents);
    println!(
        "{expiries} expiries and reroutes at {agents} agents: {:?} each",
        spent / u32::try_from(expiries).unwrap_or(u32::MAX).max(1)
    );
    // Dropping the engine is not part of an expiry.
    std::mem::forget(sb);
}
