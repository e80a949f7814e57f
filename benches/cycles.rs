//! Instruction-count driver for the dispatch cycle: builds the warm engine
//! of `dispatch/<method>/10000`, runs 30,000 cycles to reach the steady
//! state criterion measures (every agent has been offered work three times,
//! so each one's lists have grown to their size), then runs N cycles (the
//! first argument, default 20,000; the second picks `round_robin` or
//! `least_active` instead of `highest_capacity`; a third, `scattered`,
//! numbers the items in no order), and leaves without dropping the engine.
//! Besides the mean it prints the slowest block of [`BLOCK`] cycles, where
//! a pause (a table rebuilt at once) shows. Run it under callgrind with
//! N = 1 and N = 20,001: the difference divided by 20,000 is one cycle's
//! instructions, free of the machine's noise. See BENCHMARKS.md.

mod cycle;
mod engine;

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use switchboard::AssignmentMethod;

use cycle::{Ids, cycle, line, warm_engine};
use engine::start;

/// Cycles run before the measured ones.
const WARM_UP: u32 = 30_000;

/// Cycles timed together to find the slowest stretch: long enough that
/// reading the clock costs nothing.
const BLOCK: u32 = 1_024;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let n: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let method = match args.next().as_deref() {
        Some("round_robin") => AssignmentMethod::AdvancedRoundRobin,
        Some("least_active") => AssignmentMethod::LeastActive,
        _ => AssignmentMethod::HighestCapacity,
    };
    let ids = match args.next().as_deref() {
        Some("scattered") => Ids::Scattered,
        _ => Ids::Counting,
    };
    let mut sb = warm_engine(10_000, method);
    let line = line(0);
    let mut run = |from: u32, to: u32| {
        for k in from..to {
            let now = start() + TimeDelta::milliseconds(i64::from(k));
            black_box(cycle(&mut sb, now, ids.id(u64::from(k)), &line));
        }
    };
    run(0, WARM_UP);
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut from = WARM_UP;
    while from < WARM_UP + n {
        let to = (from + BLOCK).min(WARM_UP + n);
        let block = Instant::now();
        run(from, to);
        slowest = slowest.max(block.elapsed());
        from = to;
    }
    println!(
        "{n} cycles of {method:?} at 10,000 agents, {ids:?} ids, {:?} each, slowest {BLOCK} {slowest:?}",
        started.elapsed() / n.max(1)
    );
    // Dropping millions of closed ids is not part of a cycle.
    std::mem::forget(sb);
}
