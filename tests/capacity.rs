//! Capacity rule C1: unit-based capacity, units held by pending offers,
//! their release, and the `HighestCapacity` choice of agent (A1).
#![allow(clippy::too_many_lines)]

mod common;
use common::*;
use switchboard::*;

// ---------------------------------------------------------------- helpers

/// Work `id` of workstream `ws` in queue `q` with `priority`.
fn work(id: &str, ws: &str, priority: i32) -> Input {
    Input::WorkArrived(Box::new(WorkItem {
        priority,
        ..WorkItem::new(id, ws, "q")
    }))
}

/// `chat_config` with each agent's capacity units set.
fn units_config(agents: &[(&str, u32)]) -> Config {
    let ids: Vec<&str> = agents.iter().map(|(id, _)| *id).collect();
    let mut config = chat_config(&ids);
    for (agent, (_, units)) in config.agents.iter_mut().zip(agents) {
        agent.capacity_units = *units;
    }
    config
}

/// Units (capacity, assigned, offered) of `agent`.
fn units(h: &Harness, agent: &str) -> (i64, i64, i64) {
    let s = h.sb.agent_status(&agent.into()).expect("known agent");
    (s.capacity_units, s.assigned_units, s.offered_units)
}

/// Accepts, ends and closes `item`'s offer `id`, leaving the agent's units free.
fn handle_fully(h: &mut Harness, secs: i64, id: u64, item: &str) {
    h.input(secs, accept(id));
    h.input(secs, end(item));
    h.input(secs, close(item));
}

// ---------------------------------------------------------------- C1

#[test]
fn c1_agent_is_eligible_only_with_enough_free_units() {
    let mut config = units_config(&[("ada", 25)]);
    let mut small = Workstream::new("small", Channel::Chat);
    small.capacity_units = Some(5);
    config.workstreams.push(small);
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(
        h.input(2, chat("c2")),
        vec![queued("c2"), chat_alert(2, "ada", "c2", 122)]
    );
    // 5 units free: not enough for a chat item (10) ...
    assert_eq!(h.input(3, chat("c3")), vec![queued("c3")]);
    // ... enough for an item of a 5-unit workstream.
    assert_eq!(
        h.input(4, work("s1", "small", 0)),
        vec![queued("s1"), chat_alert(3, "ada", "s1", 124)]
    );
    assert_eq!(units(&h, "ada"), (25, 0, 25));
    assert_eq!(h.input(5, work("s2", "small", 0)), vec![queued("s2")]);
}

#[test]
fn c1_pending_offers_hold_units_so_simultaneous_offers_never_overbook() {
    let mut h = Harness::new(units_config(&[("ada", 20)]));
    h.input(0, sign_in("ada"));
    let mut out = Vec::new();
    for item in ["c1", "c2", "c3"] {
        out.extend(h.input(0, chat(item)));
    }
    assert_eq!(
        out,
        vec![
            queued("c1"),
            chat_alert(1, "ada", "c1", 120),
            queued("c2"),
            chat_alert(2, "ada", "c2", 120),
            queued("c3"),
        ]
    );
    assert_eq!(units(&h, "ada"), (20, 0, 20));
    // Accepting turns held units into assigned ones; still nothing free.
    h.input(1, accept(1));
    h.input(2, accept(2));
    assert_eq!(units(&h, "ada"), (20, 20, 0));
    assert_eq!(
        h.location("c3"),
        WorkLocation::Waiting { queue: "q".into() }
    );
}

#[test]
fn c1_units_released_when_an_offer_expires() {
    let mut h = Harness::new(units_config(&[("ada", 10)]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    // c2 goes ahead of c1 in the queue but finds no free units.
    assert_eq!(h.input(5, work("c2", "chat", -1)), vec![queued("c2")]);
    assert_eq!(units(&h, "ada"), (10, 0, 10));
    assert_eq!(
        h.advance_to(120),
        vec![
            (120, ended(1, "ada", "c1", NotificationEnd::Expired)),
            (120, rerouted("c1", "ada", RerouteReason::Expired)),
            (120, chat_alert(2, "ada", "c2", 240)),
        ]
    );
    assert_eq!(units(&h, "ada"), (10, 0, 10));
}

#[test]
fn c1_units_released_when_an_offer_is_rejected() {
    let mut h = Harness::new(units_config(&[("ada", 10)]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    assert_eq!(h.input(5, work("c2", "chat", -1)), vec![queued("c2")]);
    assert_eq!(
        h.input(10, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            chat_alert(2, "ada", "c2", 130),
        ]
    );
}

#[test]
fn c1_units_released_when_work_closes() {
    let mut h = Harness::new(units_config(&[("ada", 10)]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, accept(1));
    assert_eq!(units(&h, "ada"), (10, 10, 0));
    assert_eq!(h.input(2, chat("c2")), vec![queued("c2")]);
    // Wrap-up still holds the units (wrap-up blocking Always).
    assert_eq!(
        h.input(10, end("c1")),
        vec![Output::WrapUpStarted {
            item: "c1".into(),
            agent: "ada".into(),
        }]
    );
    assert_eq!(units(&h, "ada"), (10, 10, 0));
    assert_eq!(
        h.input(20, close("c1")),
        vec![
            Output::ConversationClosed {
                item: "c1".into(),
                reason: CloseReason::Closed,
            },
            session_closed("ada", 1, "c1"),
            presence_changed("ada", "Busy - DND", "Available", PresenceReason::Computed),
            chat_alert(2, "ada", "c2", 140),
        ]
    );
    assert_eq!(units(&h, "ada"), (10, 0, 10));
}

#[test]
fn c1_highest_capacity_picks_the_agent_with_most_free_units() {
    let mut h = Harness::new(units_config(&[("ada", 50), ("bob", 100), ("cy", 80)]));
    for agent in ["ada", "bob", "cy"] {
        h.input(0, sign_in(agent));
    }
    let mut out = Vec::new();
    for (secs, item) in [(1, "c1"), (2, "c2"), (3, "c3"), (4, "c4")] {
        out.extend(h.input(secs, chat(item)));
    }
    assert_eq!(
        out,
        vec![
            queued("c1"),
            chat_alert(1, "bob", "c1", 121), // bob 100, cy 80, ada 50
            queued("c2"),
            chat_alert(2, "bob", "c2", 122), // bob 90, cy 80
            queued("c3"),
            chat_alert(3, "cy", "c3", 123), // bob 80 = cy 80: cy was never assigned
            queued("c4"),
            chat_alert(4, "bob", "c4", 124), // bob 80, cy 70
        ]
    );
}

#[test]
fn c1_highest_capacity_counts_units_held_by_pending_offers() {
    let mut h = Harness::new(units_config(&[("ada", 100), ("bob", 95)]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    // ada's pending offer leaves her 90 free, bob has 95.
    assert_eq!(
        h.input(2, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 122)]
    );
}

#[test]
fn c1_highest_capacity_ties_go_to_the_earliest_last_assignment() {
    let mut h = Harness::new(units_config(&[("ada", 100), ("bob", 100)]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    // Each item is handled to the end, so both agents are all free every time.
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    handle_fully(&mut h, 2, 1, "c1");
    assert_eq!(
        h.input(3, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 123)]
    );
    handle_fully(&mut h, 4, 2, "c2");
    assert_eq!(
        h.input(5, chat("c3")),
        vec![queued("c3"), chat_alert(3, "ada", "c3", 125)]
    );
    handle_fully(&mut h, 6, 3, "c3");
    assert_eq!(
        h.input(7, chat("c4")),
        vec![queued("c4"), chat_alert(4, "bob", "c4", 127)]
    );
}

#[test]
fn c1_highest_capacity_ties_then_follow_queue_order() {
    let mut config = units_config(&[("ada", 100), ("bob", 100), ("cy", 100)]);
    config.queues[0].members = vec!["cy".into(), "ada".into(), "bob".into()];
    let mut h = Harness::new(config);
    for agent in ["bob", "ada", "cy"] {
        h.input(0, sign_in(agent));
    }
    let mut out = Vec::new();
    for item in ["c1", "c2", "c3"] {
        out.extend(h.input(1, chat(item)));
    }
    // First round: cy (queue order), then ada and bob, who have more free units.
    assert_eq!(
        out,
        vec![
            queued("c1"),
            chat_alert(1, "cy", "c1", 121),
            queued("c2"),
            chat_alert(2, "ada", "c2", 121),
            queued("c3"),
            chat_alert(3, "bob", "c3", 121),
        ]
    );
}
