//! The simulator behind `cargo run --example simulate`, run small: every
//! item is accounted for, one seed gives one report, and the textbook
//! M/M/c queue lands near its Erlang C prediction.
//!
//! The simulator's core lives in `examples/simulate/` and is compiled here
//! as it is, so the example and these tests cannot drift apart.

#[allow(dead_code)]
#[path = "../examples/simulate/report.rs"]
mod report;
#[allow(dead_code)]
#[path = "../examples/simulate/scenario.rs"]
mod scenario;
#[allow(dead_code)]
#[path = "../examples/simulate/world.rs"]
mod world;

use report::Report;
use scenario::{Overrides, Scenario};

/// The built-in day, cut to 12 agents and one simulated hour.
fn small() -> Scenario {
    let mut s = Scenario::builtin();
    s.apply(Overrides {
        agents: Some(12),
        hours: Some(1.0),
        arrivals_per_hour: Some(110.0),
        aht_secs: None,
    });
    s
}

fn run(scenario: &Scenario, seed: u64, ideal: bool) -> Report {
    let outcome = world::simulate(scenario, seed, &mut |_, _| {}).expect("the scenario runs");
    Report::build(scenario, seed, ideal, &outcome.tally)
}

#[test]
fn small_run_accounts_for_every_item() {
    let scenario = small();
    assert_eq!(scenario.agent_count(), 12);
    let r = run(&scenario, 3, false);
    assert!(r.items > 60, "too few items to mean anything: {}", r.items);
    // Every item was accepted, abandoned, parked or is still waiting.
    let o = r.outcomes;
    assert_eq!(
        o.served + o.abandoned + o.parked + o.waiting,
        r.items,
        "{o:?}"
    );
    assert_eq!(o.served, r.wait.served);
    assert_eq!(o.abandoned, r.abandoned);
    // The engine's own answer agrees: what it still holds open is what the
    // world thinks is in a conversation, waiting or parked.
    assert_eq!(
        r.open_at_end,
        r.in_conversation_at_end + o.waiting + o.parked
    );
    // Every notification ended at most once.
    assert!(r.accepted + r.rejected + r.expired + r.assigned_unseen <= r.offered);
    assert!(r.accepted >= o.served);
    // The agents' time adds up to the day.
    let total: f64 = r.presence_share.values().sum();
    assert!((total - 1.0).abs() < 1e-3, "presence shares sum to {total}");
    assert!(r.occupancy > 0.0 && r.occupancy <= 1.0);
}

#[test]
fn one_seed_gives_the_same_json() {
    let scenario = small();
    let first = run(&scenario, 11, false).to_json(None);
    let second = run(&scenario, 11, false).to_json(None);
    assert_eq!(first, second);
    assert!(!first.contains("timing"));
    let other = run(&scenario, 12, false).to_json(None);
    assert_ne!(first, other, "another seed should give another day");
}

#[test]
fn builtin_scenario_round_trips_through_json() {
    let builtin = Scenario::builtin();
    let text = serde_json::to_string_pretty(&builtin).expect("serialises");
    let back: Scenario = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, builtin);
    assert_eq!(builtin.agent_count(), 150);
    assert!(builtin.check().is_ok());
}

#[test]
fn ideal_queue_lands_near_erlang_c() {
    // c = 5, λ = 48/h, 300 s: 4 erlangs, 80 % utilisation, P(wait) ≈ 0.55.
    // 1000 hours (48 000 calls) keep one run's spread well inside the
    // bounds below: about ±2 points for P(wait), ±7 % for the mean wait.
    let scenario = Scenario::ideal(5, 1000.0, 48.0, 300.0);
    let r = run(&scenario, 1, true);
    let c = r.erlang_c.expect("ideal runs carry the prediction");
    let p_wait = c.p_wait.expect("stable queue");
    let mean_wait = c.mean_wait_secs.expect("stable queue");
    assert!((p_wait - 0.5541).abs() < 1e-3, "Erlang C formula: {p_wait}");
    assert!(
        (r.wait.waited_fraction - p_wait).abs() < 0.04,
        "P(wait): measured {} vs {p_wait}",
        r.wait.waited_fraction
    );
    assert!(
        (r.wait.mean_wait_secs - mean_wait).abs() < 0.15 * mean_wait,
        "mean wait: measured {} vs {mean_wait}",
        r.wait.mean_wait_secs
    );
    assert!(
        (r.occupancy - 0.8).abs() < 0.02,
        "occupancy {}",
        r.occupancy
    );
    // Nobody misses, rejects, abandons or is refused.
    assert_eq!(r.rejected + r.expired + r.abandoned + r.rerouted, 0);
    assert!(r.refused_inputs.is_empty(), "{:?}", r.refused_inputs);
}
