//! One-shot driver for the expiry of a million offers: builds the engine of
//! `expiry/expire_and_reroute_each/1000000` once, fires every offer's
//! deadline in one tick, drains the outputs, and prints the time per
//! expiry. Criterion's figure builds a fresh engine of a million offers for
//! every iteration beside the heap the last one left; this one builds one,
//! and is the figure to compare before and after a change (run the two
//! builds in turn). The first argument is the number of agents (default
//! 100,000; ten offers each); a second, `handed_over`, takes the outputs
//! with `tick_with` instead of draining them after `tick`. Run it under
//! callgrind with `--toggle-collect='*Switchboard::tick*'` (or
//! `'*fire_due*'` with `handed_over`, as `tick_with` is inlined here) and
//! 2,000 agents for the instructions of one expiry (the count divided by
//! 20,000). See BENCHMARKS.md.

mod engine;
mod offers;

use offers::{OFFERS_PER_AGENT, Take, expire_all, loaded};

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let agents: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let take = match args.next().as_deref() {
        Some("handed_over") => Take::HandedOver,
        _ => Take::Drained,
    };
    let expiries = agents * OFFERS_PER_AGENT;
    let mut sb = loaded(agents);
    let spent = expire_all(&mut sb, agents, take);
    println!(
        "{expiries} expiries and reroutes at {agents} agents, {take:?}: {:?} each",
        spent / u32::try_from(expiries).unwrap_or(u32::MAX).max(1)
    );
    // Dropping the engine is not part of an expiry.
    std::mem::forget(sb);
}
