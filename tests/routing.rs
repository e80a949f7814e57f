//! Routing and assignment: SPEC rules A1–A7 (with T6, C1, C4 and P7 where they meet).
#![allow(clippy::too_many_lines)]

mod common;
use common::*;
use switchboard::*;

// ---------------------------------------------------------------- helpers

/// One chat workstream `chat` (10 units an item), one queue `q` whose
/// members are `members` in that order and whose method is `method`, and
/// the agents with their capacity units, in configuration order.
fn queue_config(
    agents: &[(&str, u32)],
    members: &[&str],
    method: Option<AssignmentMethod>,
) -> Config {
    Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat)],
        queues: vec![Queue {
            id: "q".into(),
            members: members.iter().map(|m| AgentId::new(*m)).collect(),
            method,
        }],
        agents: agents
            .iter()
            .map(|(id, units)| Agent {
                capacity_units: *units,
                ..Agent::new(*id)
            })
            .collect(),
        ..Config::default()
    }
}

/// Work `id` of workstream `ws` arriving in queue `q`.
fn arrive(id: &str, ws: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, ws, "q")))
}

/// Chat `id` with `priority`.
fn chat_with_priority(id: &str, priority: i32) -> Input {
    Input::WorkArrived(Box::new(WorkItem {
        priority,
        ..WorkItem::new(id, "chat", "q")
    }))
}

/// Chat `id` requiring `skills`.
fn chat_needing(id: &str, skills: &[&str]) -> Input {
    Input::WorkArrived(Box::new(WorkItem {
        required_skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        ..WorkItem::new(id, "chat", "q")
    }))
}

/// The Alert the built-in unauthenticated template of a channel renders for
/// `item` of queue `q`: `label` as in the template name, `title` as shown.
fn incoming_alert(
    id: u64,
    agent: &str,
    item: &str,
    deadline: i64,
    label: &str,
    title: &str,
) -> Output {
    Output::Notify(Box::new(Notification {
        template: format!("{label} - incoming unauthenticated - default").into(),
        title: title.into(),
        ..chat_notification(id, agent, item, deadline)
    }))
}

fn voice_alert(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    incoming_alert(id, agent, item, deadline, "Voice call", "Incoming call")
}

fn sms_alert(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    incoming_alert(
        id,
        agent,
        item,
        deadline,
        "SMS",
        "Incoming SMS conversation",
    )
}

/// Accepts offer `id` of `item`, ends and closes it: the agent's capacity
/// is released (C9, and a LeastActive release for A1).
fn handle_fully(h: &mut Harness, secs: i64, id: u64, item: &str) {
    h.input(secs, accept(id));
    h.input(secs, end(item));
    h.input(secs, close(item));
}

/// `(assigned units, offered units, session slots)` of `agent`.
fn load(h: &Harness, agent: &str) -> (i64, i64, u32) {
    let s = h.sb.agent_status(&agent.into()).expect("known agent");
    (s.assigned_units, s.offered_units, s.session_slots)
}

fn waiting_in(queue: &str) -> WorkLocation {
    WorkLocation::Waiting {
        queue: queue.into(),
    }
}

fn assigned_to(agent: &str) -> WorkLocation {
    WorkLocation::Assigned {
        agent: agent.into(),
    }
}

fn state(h: &Harness, item: &str) -> ConversationState {
    h.sb.conversation_state(&item.into()).expect("known item")
}

fn member(queue: &str, agent: &str) -> (QueueId, AgentId) {
    (queue.into(), agent.into())
}

fn add_member(queue: &str, agent: &str) -> Input {
    let (queue, agent) = member(queue, agent);
    Input::AddQueueMember { queue, agent }
}

fn remove_member(queue: &str, agent: &str) -> Input {
    let (queue, agent) = member(queue, agent);
    Input::RemoveQueueMember { queue, agent }
}

fn pick(agent: &str, item: &str) -> Input {
    Input::Pick {
        agent: agent.into(),
        item: item.into(),
    }
}

fn close_session(agent: &str, session: u64) -> Input {
    Input::AgentClosedSession {
        agent: agent.into(),
        session: SessionId(session),
    }
}

fn customer_returned(item: &str) -> Input {
    Input::CustomerReturned { item: item.into() }
}

fn conversation_waiting(item: &str, agent: &str) -> Output {
    Output::ConversationWaiting {
        item: item.into(),
        agent: agent.into(),
    }
}

fn overage(units: i64, profiles: &[&str]) -> Overage {
    Overage {
        units,
        profiles: profiles.iter().map(|p| ProfileId::new(*p)).collect(),
    }
}

/// C1 (*ours*) still holds after forced assignments (C4): an agent past
/// capacity may hold forced work, but no offer ever overbooks them.
fn assert_offers_never_overbook(h: &Harness) {
    for agent in h.sb.agent_ids() {
        let s = h.sb.agent_status(agent).expect("known agent");
        assert!(
            s.offered_units == 0 || s.assigned_units + s.offered_units <= s.capacity_units,
            "{agent} overbooked by an offer: {s:?}"
        );
    }
}

// ---------------------------------------------------------------- A1

#[test]
fn a1_highest_capacity_prefers_most_free_units_then_earliest_assignment_then_queue_order() {
    // Queue order differs from configuration order on purpose.
    let mut h = Harness::new(queue_config(
        &[("ada", 40), ("bob", 60), ("cy", 60)],
        &["cy", "bob", "ada"],
        Some(AssignmentMethod::HighestCapacity),
    ));
    for agent in ["ada", "bob", "cy"] {
        assert_eq!(h.input(0, sign_in(agent)), vec![signed_in(agent)]);
    }
    // (free units before each offer; last assignment) →
    // c1: bob 60/never, cy 60/never: queue order → cy.
    // c2: bob 60 → bob.   c3: bob 50/#2, cy 50/#1 → cy.
    // c4: bob 50 → bob.   c5: all 40; ada never assigned → ada.
    let expected = ["cy", "bob", "cy", "bob", "ada"];
    for ((id, secs), agent) in (1_u64..).zip(1_i64..).zip(expected) {
        let item = format!("c{id}");
        assert_eq!(
            h.input(secs, chat(&item)),
            vec![queued(&item), chat_alert(id, agent, &item, secs + 120)],
            "{item}"
        );
    }
    assert_eq!(load(&h, "ada"), (0, 10, 1));
    assert_eq!(load(&h, "bob"), (0, 20, 2));
    assert_eq!(load(&h, "cy"), (0, 20, 2));
}

#[test]
fn a1_a_queue_nothing_waited_in_ranks_its_members_as_they_stand_when_work_arrives() {
    // ada and bob are in q and r. While nothing waits in r its index lags
    // behind their ranks; work arriving there finds them as they stand.
    let mut config = chat_config(&["ada", "bob"]);
    config
        .queues
        .push(Queue::new("r", ["ada", "bob"].map(AgentId::new)));
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    // In q: c1 ada (a tie; queue order), c2 bob (100 free against 90),
    // c3 ada (90 each; ada was offered work first).
    for (n, agent) in [(1, "ada"), (2, "bob"), (3, "ada")] {
        let item = format!("c{n}");
        assert_eq!(
            h.input(n, chat(&item)),
            vec![
                queued(&item),
                chat_alert(n.unsigned_abs(), agent, &item, n + 120)
            ]
        );
    }
    let in_r = |item: &str| Input::WorkArrived(Box::new(WorkItem::new(item, "chat", "r")));
    let offered_in_r = |id, agent: &str, item: &str, deadline| {
        let queued = Output::WorkQueued {
            item: item.into(),
            queue: "r".into(),
        };
        let mut alert = chat_notification(id, agent, item, deadline);
        alert.fields = fields(&[("Language", ""), ("Queue", "r")]);
        vec![queued, Output::Notify(Box::new(alert))]
    };
    // In r: bob, 90 free against ada's 80.
    assert_eq!(h.input(4, in_r("r1")), offered_in_r(4, "bob", "r1", 124));
    // r's index holds bob as he was before r1 (90 free) until work waits
    // there again; he leaves r from there, and r's next item is ada's.
    assert_eq!(h.input(5, remove_member("r", "bob")), vec![]);
    assert_eq!(h.input(6, in_r("r2")), offered_in_r(5, "ada", "r2", 126));
}

#[test]
fn a1_advanced_round_robin_rotates_through_the_queue_order_skipping_agents_without_room() {
    // bob has room for two chats only; free units play no part in the order.
    let mut h = Harness::new(queue_config(
        &[("ada", 100), ("bob", 20), ("cy", 100)],
        &["cy", "ada", "bob"],
        Some(AssignmentMethod::AdvancedRoundRobin),
    ));
    for agent in ["ada", "bob", "cy"] {
        h.input(0, sign_in(agent));
    }
    // Nobody assigned yet: queue order cy, ada, bob; then the earliest last
    // assignment first. c3 goes to bob although he has the fewest free
    // units; c9 skips bob (full) and goes to the next in the rotation.
    let expected = ["cy", "ada", "bob", "cy", "ada", "bob", "cy", "ada", "cy"];
    for ((id, secs), agent) in (1_u64..).zip(1_i64..).zip(expected) {
        let item = format!("c{id}");
        assert_eq!(
            h.input(secs, chat(&item)),
            vec![queued(&item), chat_alert(id, agent, &item, secs + 120)],
            "{item}"
        );
    }
    assert_eq!(load(&h, "bob"), (0, 20, 2));
}

#[test]
fn a1_least_active_prefers_the_earliest_release() {
    // One chat each at a time.
    let mut h = Harness::new(queue_config(
        &[("ada", 10), ("bob", 10), ("cy", 10)],
        &["ada", "bob", "cy"],
        Some(AssignmentMethod::LeastActive),
    ));
    for agent in ["ada", "bob", "cy"] {
        h.input(0, sign_in(agent));
    }
    // Nobody has released yet: queue order, each while the earlier ones are full.
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(
        h.input(2, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 122)]
    );
    assert_eq!(
        h.input(3, chat("c3")),
        vec![queued("c3"), chat_alert(3, "cy", "c3", 123)]
    );
    // Releases in the order cy, ada, bob.
    handle_fully(&mut h, 4, 3, "c3");
    handle_fully(&mut h, 5, 1, "c1");
    handle_fully(&mut h, 6, 2, "c2");
    // cy released first. (Round robin and highest capacity would both pick
    // ada here: all have 10 free, and ada was assigned first.)
    assert_eq!(
        h.input(7, chat("c4")),
        vec![queued("c4"), chat_alert(4, "cy", "c4", 127)]
    );
    // Then ada (released second), then bob.
    assert_eq!(
        h.input(8, chat("c5")),
        vec![queued("c5"), chat_alert(5, "ada", "c5", 128)]
    );
    assert_eq!(
        h.input(9, chat("c6")),
        vec![queued("c6"), chat_alert(6, "bob", "c6", 129)]
    );
}

#[test]
fn a1_least_active_counts_a_fresh_sign_in_as_least_active() {
    let mut h = Harness::new(queue_config(
        &[("ada", 10), ("bob", 10)],
        &["ada", "bob"],
        Some(AssignmentMethod::LeastActive),
    ));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    handle_fully(&mut h, 2, 1, "c1"); // ada's release: #1
    assert_eq!(
        h.input(3, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 123)]
    );
    handle_fully(&mut h, 4, 2, "c2"); // bob's release: #2
    assert_eq!(
        h.input(5, chat("c3")),
        vec![queued("c3"), chat_alert(3, "ada", "c3", 125)]
    );
    handle_fully(&mut h, 6, 3, "c3"); // ada's release: #3, after bob's
    // ada signs out and in again: she now counts as least active, ahead of
    // bob, whose last release is the earlier one.
    assert_eq!(
        h.input(
            7,
            Input::AgentSignedOut {
                agent: "ada".into()
            }
        ),
        vec![presence_changed(
            "ada",
            presences::AVAILABLE,
            presences::OFFLINE,
            PresenceReason::SignedOut
        )]
    );
    assert_eq!(h.input(8, sign_in("ada")), vec![signed_in("ada")]);
    assert_eq!(
        h.input(9, chat("c4")),
        vec![queued("c4"), chat_alert(4, "ada", "c4", 129)]
    );
}

#[test]
fn a1_default_method_is_least_active_for_voice_and_highest_capacity_otherwise() {
    let mut config = queue_config(&[("ada", 100), ("bob", 50)], &["bob", "ada"], None);
    config
        .workstreams
        .push(Workstream::new("voice", Channel::Voice));
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    // Voice: LeastActive. Nobody has released, so queue order: bob, although
    // ada has twice his free units.
    assert_eq!(
        h.input(1, arrive("v1", "voice")),
        vec![queued("v1"), voice_alert(1, "bob", "v1", 121)]
    );
    // Chat: HighestCapacity: ada (100 free) over bob (40 free).
    assert_eq!(
        h.input(2, chat("c1")),
        vec![queued("c1"), chat_alert(2, "ada", "c1", 122)]
    );
    assert_eq!(
        h.input(3, arrive("v2", "voice")),
        vec![queued("v2"), voice_alert(3, "bob", "v2", 123)]
    );
    // Still bob: neither highest capacity (ada 90 free, bob 30) nor round
    // robin (ada assigned #2, bob #3) would choose him.
    assert_eq!(
        h.input(4, arrive("v3", "voice")),
        vec![queued("v3"), voice_alert(4, "bob", "v3", 124)]
    );
    // Chat: ada (90 free) over bob (20 free); so again for c3, where round
    // robin would choose bob (assigned #4, ada #5).
    assert_eq!(
        h.input(5, chat("c2")),
        vec![queued("c2"), chat_alert(5, "ada", "c2", 125)]
    );
    assert_eq!(
        h.input(6, chat("c3")),
        vec![queued("c3"), chat_alert(6, "ada", "c3", 126)]
    );
}

#[test]
fn a1_a_method_set_on_the_queue_overrides_the_voice_default() {
    let mut config = queue_config(
        &[("ada", 100), ("bob", 50)],
        &["bob", "ada"],
        Some(AssignmentMethod::HighestCapacity),
    );
    config
        .workstreams
        .push(Workstream::new("voice", Channel::Voice));
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    // LeastActive (the voice default) would pick bob, first in queue order.
    assert_eq!(
        h.input(1, arrive("v1", "voice")),
        vec![queued("v1"), voice_alert(1, "ada", "v1", 121)]
    );
}

// ---------------------------------------------------------------- A2

#[test]
fn a2_lower_priority_number_goes_first_then_arrival() {
    let mut h = Harness::new(chat_config(&["ada"]));
    // Nobody signed in: everything waits.
    let arrivals = [("p5", 5), ("a", 1), ("b", 1), ("neg", -2), ("zero", 0)];
    for (secs, (item, priority)) in (1_i64..).zip(arrivals) {
        assert_eq!(
            h.input(secs, chat_with_priority(item, priority)),
            vec![queued(item)]
        );
    }
    // One cycle offers them in queue order.
    assert_eq!(
        h.input(10, sign_in("ada")),
        vec![
            signed_in("ada"),
            chat_alert(1, "ada", "neg", 130),
            chat_alert(2, "ada", "zero", 130),
            chat_alert(3, "ada", "a", 130),
            chat_alert(4, "ada", "b", 130),
            chat_alert(5, "ada", "p5", 130),
        ]
    );
}

#[test]
fn a2_a_returning_affinity_conversation_goes_ahead_of_all() {
    // bob has room for one SMS only, so only the head of the queue reaches him.
    let mut config = queue_config(&[("ada", 100), ("bob", 10)], &["ada", "bob"], None);
    config.workstreams = vec![Workstream::new("sms", Channel::Sms)];
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, arrive("s1", "sms")),
        vec![queued("s1"), sms_alert(1, "ada", "s1", 121)]
    );
    h.input(2, accept(1));
    assert_eq!(
        h.input(3, close_session("ada", 1)),
        vec![
            session_closed("ada", 1, "s1"),
            conversation_waiting("s1", "ada"),
            presence_changed(
                "ada",
                presences::BUSY,
                presences::AVAILABLE,
                PresenceReason::Computed
            ),
        ]
    );
    h.input(
        4,
        Input::AgentSignedOut {
            agent: "ada".into(),
        },
    );
    assert_eq!(
        h.location("s1"),
        WorkLocation::Idle {
            agent: "ada".into()
        }
    );
    // Newer work, one of it urgent, waits while nobody is signed in.
    assert_eq!(
        h.input(
            5,
            Input::WorkArrived(Box::new(WorkItem {
                priority: -9,
                ..WorkItem::new("urgent", "sms", "q")
            }))
        ),
        vec![queued("urgent")]
    );
    assert_eq!(h.input(6, arrive("plain", "sms")), vec![queued("plain")]);
    // The customer writes again while ada is signed out: into the queue,
    // in the affinity lane.
    assert_eq!(h.input(7, customer_returned("s1")), vec![]);
    assert_eq!(h.location("s1"), waiting_in("q"));
    assert_eq!(state(&h, "s1"), ConversationState::Open);
    // Ahead of the urgent item despite its priority and its earlier arrival
    // in the queue.
    assert_eq!(
        h.input(8, sign_in("bob")),
        vec![signed_in("bob"), sms_alert(2, "bob", "s1", 128)]
    );
    assert_eq!(h.location("urgent"), waiting_in("q"));
    assert_eq!(h.location("plain"), waiting_in("q"));
}

// ---------------------------------------------------------------- A3

#[test]
fn a3_a_cycle_runs_on_arrival() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(5, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 125)]
    );
}

#[test]
fn a3_a_cycle_runs_on_a_presence_change() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, set_presence("ada", presences::AWAY)),
        vec![presence_changed(
            "ada",
            presences::AVAILABLE,
            presences::AWAY,
            PresenceReason::Manual
        )]
    );
    assert_eq!(h.input(2, chat("c1")), vec![queued("c1")]);
    assert_eq!(
        h.input(3, set_presence("ada", presences::AVAILABLE)),
        vec![
            presence_changed(
                "ada",
                presences::AWAY,
                presences::AVAILABLE,
                PresenceReason::Manual
            ),
            chat_alert(1, "ada", "c1", 123),
        ]
    );
}

#[test]
fn a3_a_cycle_runs_on_a_capacity_release() {
    let mut h = Harness::new(queue_config(&[("ada", 10)], &["ada"], None));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    // Wrap-up blocking Always: the units stay taken through wrap-up.
    assert_eq!(
        h.input(4, end("c1")),
        vec![Output::WrapUpStarted {
            item: "c1".into(),
            agent: "ada".into()
        }]
    );
    assert_eq!(
        h.input(5, close("c1")),
        vec![
            Output::ConversationClosed {
                item: "c1".into(),
                reason: CloseReason::Closed
            },
            session_closed("ada", 1, "c1"),
            presence_changed(
                "ada",
                presences::BUSY_DND,
                presences::AVAILABLE,
                PresenceReason::Computed
            ),
            chat_alert(2, "ada", "c2", 125),
        ]
    );
}

#[test]
fn a3_a_cycle_runs_when_a_member_joins_the_queue() {
    let mut h = Harness::new(queue_config(&[("ada", 100), ("bob", 100)], &["ada"], None));
    h.input(0, sign_in("bob")); // not a member yet
    assert_eq!(h.input(1, chat("c1")), vec![queued("c1")]);
    assert_eq!(
        h.input(2, add_member("q", "bob")),
        vec![chat_alert(1, "bob", "c1", 122)]
    );
}

/// `CYCLE_WINDOW` items needing skill `x` that only ada has, then `y101`
/// needing skill `y` that only bob has; bob signs in at 10 and ada at 20.
/// Returns the harness at 20, after checking that no cycle looked past the
/// window: `y101` still waits although bob could take it.
fn window_case() -> Harness {
    assert_eq!(CYCLE_WINDOW, 100);
    let mut config = queue_config(
        &[("ada", 1000), ("bob", 100), ("cy", 100)],
        &["ada", "bob", "cy"],
        None,
    );
    config.org.session_limit = 100;
    config.agents[0].skills = vec!["x".into()];
    config.agents[1].skills = vec!["y".into()];
    let mut h = Harness::new(config);
    let xs: Vec<String> = (1..=CYCLE_WINDOW).map(|k| format!("x{k:03}")).collect();
    for x in &xs {
        assert_eq!(h.input(1, chat_needing(x, &["x"])), vec![queued(x)]);
    }
    assert_eq!(
        h.input(2, chat_needing("y101", &["y"])),
        vec![queued("y101")]
    );
    // The first 100 waiting items need a skill bob lacks; the 101st, which
    // he has the skill for, is not looked at.
    assert_eq!(h.input(10, sign_in("bob")), vec![signed_in("bob")]);
    assert_eq!(h.location("y101"), waiting_in("q"));
    // ada takes the whole window in one cycle; y101 is still beyond it as
    // that cycle began, so it waits for the next one.
    let mut expected = vec![signed_in("ada")];
    expected.extend(
        (1_u64..)
            .zip(&xs)
            .map(|(id, x)| chat_alert(id, "ada", x, 140)),
    );
    assert_eq!(h.input(20, sign_in("ada")), expected);
    assert_eq!(h.location("y101"), waiting_in("q"));
    assert_eq!(load(&h, "bob"), (0, 0, 0));
    h
}

#[test]
fn a3_a_cycle_looks_at_no_more_than_the_first_100_waiting_items() {
    let mut h = window_case();
    // The next cycle (an arrival) reaches y101 first, then the newcomer.
    assert_eq!(
        h.input(30, chat_needing("y102", &["y"])),
        vec![
            queued("y102"),
            chat_alert(101, "bob", "y101", 150),
            chat_alert(102, "bob", "y102", 150),
        ]
    );
}

#[test]
fn a3_a_cycle_runs_when_a_member_leaves_the_queue() {
    let mut h = window_case();
    // cy leaving changes no candidate, but the cycle it starts reaches y101.
    assert_eq!(
        h.input(30, remove_member("q", "cy")),
        vec![chat_alert(101, "bob", "y101", 150)]
    );
}

// ---------------------------------------------------------------- A4
//
// In each case ada would be chosen first (more free units, or first in a
// round robin) if she were eligible; bob is the fallback.

/// ada (100 units) and bob (50) in queue `q`; workstream `chat` allows
/// every base status, Offline included, so that presence (P7) is not what
/// keeps a signed-out or disconnected agent from work.
fn any_presence_config() -> Config {
    let mut config = queue_config(&[("ada", 100), ("bob", 50)], &["ada", "bob"], None);
    config.workstreams[0].allowed_presences = vec![
        BaseStatus::Available,
        BaseStatus::Busy,
        BaseStatus::BusyDnd,
        BaseStatus::Away,
        BaseStatus::Offline,
    ];
    config
}

#[test]
fn a4_an_agent_who_is_not_signed_in_is_not_offered_work() {
    let mut h = Harness::new(any_presence_config());
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "bob", "c1", 121)]
    );
    h.input(2, sign_in("ada"));
    assert_eq!(
        h.input(3, chat("c2")),
        vec![queued("c2"), chat_alert(2, "ada", "c2", 123)]
    );
}

#[test]
fn a4_a_disconnected_agent_is_not_offered_work() {
    let mut h = Harness::new(any_presence_config());
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(
            1,
            Input::ClientDisconnected {
                agent: "ada".into()
            }
        ),
        vec![presence_changed(
            "ada",
            presences::AVAILABLE,
            presences::OFFLINE,
            PresenceReason::Disconnected
        )]
    );
    // Still signed in, within the reconnect grace, and her presence is
    // allowed: only the lost connection keeps her out.
    assert_eq!(
        h.input(2, chat("c1")),
        vec![queued("c1"), chat_alert(1, "bob", "c1", 122)]
    );
    assert_eq!(
        h.input(
            3,
            Input::ClientReconnected {
                agent: "ada".into()
            }
        ),
        vec![presence_changed(
            "ada",
            presences::OFFLINE,
            presences::AVAILABLE,
            PresenceReason::Reconnected
        )]
    );
    assert_eq!(
        h.input(4, chat("c2")),
        vec![queued("c2"), chat_alert(2, "ada", "c2", 124)]
    );
}

#[test]
fn a4_presence_must_be_allowed_by_the_workstream() {
    let mut config = queue_config(&[("ada", 100), ("bob", 50)], &["ada", "bob"], None);
    // A workstream that takes only agents in Busy - DND (P7).
    config.workstreams.push(Workstream {
        allowed_presences: vec![BaseStatus::BusyDnd],
        ..Workstream::new("dnd", Channel::Chat)
    });
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, set_presence("ada", presences::BUSY_DND));
    // Default allowed presences, Available and Busy: not ada.
    assert_eq!(
        h.input(2, chat("c1")),
        vec![queued("c1"), chat_alert(1, "bob", "c1", 122)]
    );
    // Busy - DND allowed: ada; bob (Available) is not eligible at all.
    let dnd = incoming_alert(2, "ada", "d1", 123, "Chat", "Incoming Chat conversation");
    assert_eq!(h.input(3, arrive("d1", "dnd")), vec![queued("d1"), dnd]);
    // With ada Available again, nobody's presence is allowed for it.
    h.input(4, set_presence("ada", presences::AVAILABLE));
    assert_eq!(h.input(5, arrive("d2", "dnd")), vec![queued("d2")]);
    assert_eq!(load(&h, "bob"), (0, 10, 1));
}

#[test]
fn p7_members_in_presences_workstreams_treat_apart_share_one_order() {
    // `chat` takes Available and Busy agents, `callback` only Available
    // ones: the queue's index keeps Busy members apart, so callback work
    // never looks at them, yet chat work is dealt in one highest-capacity
    // order across both.
    let mut config = queue_config(
        &[("ada", 100), ("bob", 50)],
        &["ada", "bob"],
        Some(AssignmentMethod::HighestCapacity),
    );
    config.workstreams.push(Workstream {
        allowed_presences: vec![BaseStatus::Available],
        ..Workstream::new("callback", Channel::Chat)
    });
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, set_presence("ada", presences::BUSY));
    let callback = |id, agent, item, deadline| {
        incoming_alert(
            id,
            agent,
            item,
            deadline,
            "Chat",
            "Incoming Chat conversation",
        )
    };
    // ada has the most room but is Busy: bob.
    assert_eq!(
        h.input(2, arrive("b1", "callback")),
        vec![queued("b1"), callback(1, "bob", "b1", 122)]
    );
    // Chat: ada, Busy, with 100 free before bob, Available, with 40.
    assert_eq!(
        h.input(3, chat("c1")),
        vec![queued("c1"), chat_alert(2, "ada", "c1", 123)]
    );
    // Available again, ada (90 free) is first for callback work too.
    h.input(4, set_presence("ada", presences::AVAILABLE));
    assert_eq!(
        h.input(5, arrive("b2", "callback")),
        vec![queued("b2"), callback(3, "ada", "b2", 125)]
    );
    // Busy again: bob (40 free) for callback work, and ada (80) for chat.
    h.input(6, set_presence("ada", presences::BUSY));
    assert_eq!(
        h.input(7, arrive("b3", "callback")),
        vec![queued("b3"), callback(4, "bob", "b3", 127)]
    );
    assert_eq!(
        h.input(8, chat("c2")),
        vec![queued("c2"), chat_alert(5, "ada", "c2", 128)]
    );
}

#[test]
fn a4_an_agent_needs_room_in_capacity() {
    // Round robin: ada first in queue order, but she has 5 units, not 10.
    let mut config = queue_config(
        &[("ada", 5), ("bob", 50)],
        &["ada", "bob"],
        Some(AssignmentMethod::AdvancedRoundRobin),
    );
    config.workstreams.push(Workstream {
        capacity_units: Some(5),
        ..Workstream::new("small", Channel::Chat)
    });
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "bob", "c1", 121)]
    );
    // A 5-unit item fits ada, who was never assigned: hers.
    let small = incoming_alert(2, "ada", "s1", 122, "Chat", "Incoming Chat conversation");
    assert_eq!(h.input(2, arrive("s1", "small")), vec![queued("s1"), small]);
}

#[test]
fn a4_an_agent_at_the_decline_limit_is_never_again_offered_that_item() {
    let mut h = Harness::new(queue_config(
        &[("ada", 100), ("bob", 100)],
        &["ada", "bob"],
        None,
    ));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    // Default limit 3 (T6): the first two declines leave ada eligible, and
    // with no one else she is offered it again at once.
    for (id, secs) in [(1, 2), (2, 3)] {
        assert_eq!(
            h.input(secs, reject(id)),
            vec![
                ended(id, "ada", "c1", NotificationEnd::Rejected),
                rerouted("c1", "ada", RerouteReason::Rejected),
                chat_alert(id + 1, "ada", "c1", secs + 120),
            ]
        );
    }
    // The third reaches the limit.
    assert_eq!(
        h.input(4, reject(3)),
        vec![
            ended(3, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
        ]
    );
    assert_eq!(h.location("c1"), waiting_in("q"));
    // The limit is per item: c2 (behind c1 in the queue) is hers.
    assert_eq!(
        h.input(5, chat("c2")),
        vec![queued("c2"), chat_alert(4, "ada", "c2", 125)]
    );
    // Another agent gets c1.
    assert_eq!(
        h.input(6, sign_in("bob")),
        vec![signed_in("bob"), chat_alert(5, "bob", "c1", 126)]
    );
}

#[test]
fn a4_the_decline_limit_is_the_org_setting() {
    let mut config = chat_config(&["ada"]);
    config.org.declines_allowed = 1;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    assert_eq!(
        h.input(2, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
        ]
    );
    assert_eq!(h.location("c1"), waiting_in("q"));
}

#[test]
fn a4_a_decliner_is_offered_the_item_again_only_when_nobody_eligible_has_fewer_declines() {
    // Highest capacity ranks ada (100), cy (100, Away), bob (50).
    let mut h = Harness::new(queue_config(
        &[("ada", 100), ("bob", 50), ("cy", 100)],
        &["ada", "bob", "cy"],
        None,
    ));
    for agent in ["ada", "bob", "cy"] {
        h.input(0, sign_in(agent));
    }
    h.input(0, set_presence("cy", presences::AWAY));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    // ada 1 decline, bob none: bob.
    assert_eq!(
        h.input(2, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            chat_alert(2, "bob", "c1", 122),
        ]
    );
    // One decline each; cy has none but is not eligible (Away), so she does
    // not hold it back. Tie: the method's order, ada first.
    assert_eq!(
        h.input(3, reject(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Rejected),
            rerouted("c1", "bob", RerouteReason::Rejected),
            chat_alert(3, "ada", "c1", 123),
        ]
    );
    // ada 2, bob 1: bob, although ada ranks first.
    assert_eq!(
        h.input(4, reject(3)),
        vec![
            ended(3, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            chat_alert(4, "bob", "c1", 124),
        ]
    );
    // cy becomes eligible while bob holds the offer: nothing to route.
    assert_eq!(
        h.input(5, set_presence("cy", presences::AVAILABLE)),
        vec![presence_changed(
            "cy",
            presences::AWAY,
            presences::AVAILABLE,
            PresenceReason::Manual
        )]
    );
    // ada 2, bob 2, cy none: cy, although she ranks after ada.
    assert_eq!(
        h.input(6, reject(4)),
        vec![
            ended(4, "bob", "c1", NotificationEnd::Rejected),
            rerouted("c1", "bob", RerouteReason::Rejected),
            chat_alert(5, "cy", "c1", 126),
        ]
    );
}

#[test]
fn a4_an_agent_must_hold_every_skill_the_item_requires() {
    let mut config = queue_config(&[("ada", 100), ("bob", 50)], &["ada", "bob"], None);
    config.agents[0].skills = vec!["french".into()];
    config.agents[1].skills = vec!["billing".into(), "french".into(), "voice".into()];
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(1, chat_needing("k1", &["french", "billing"])),
        vec![queued("k1"), chat_alert(1, "bob", "k1", 121)]
    );
    assert_eq!(
        h.input(2, chat_needing("k2", &["french"])),
        vec![queued("k2"), chat_alert(2, "ada", "k2", 122)]
    );
    assert_eq!(
        h.input(3, chat_needing("k3", &["german"])),
        vec![queued("k3")]
    );
    assert_eq!(
        h.input(4, chat("k4")),
        vec![queued("k4"), chat_alert(3, "ada", "k4", 124)]
    );
}

#[test]
fn a4_members_holding_a_skill_among_different_others_share_one_order() {
    // ada holds french, bob french and german, cy german: three sets of
    // skills, kept apart in the queue's index. Round robin still deals
    // french work to ada and bob in turn, and german to whoever of bob and
    // cy was offered work longest ago.
    let mut config = queue_config(
        &[("ada", 100), ("bob", 100), ("cy", 100)],
        &["ada", "bob", "cy"],
        Some(AssignmentMethod::AdvancedRoundRobin),
    );
    config.agents[0].skills = vec!["french".into()];
    config.agents[1].skills = vec!["german".into(), "french".into()];
    config.agents[2].skills = vec!["german".into()];
    let mut h = Harness::new(config);
    for agent in ["ada", "bob", "cy"] {
        h.input(0, sign_in(agent));
    }
    let offers = [
        (1, "k1", "french", "ada"),
        (2, "k2", "french", "bob"),
        (3, "k3", "french", "ada"),
        (4, "k4", "german", "cy"),
        (5, "k5", "german", "bob"),
    ];
    for (n, item, skill, agent) in offers {
        assert_eq!(
            h.input(n, chat_needing(item, &[skill])),
            vec![
                queued(item),
                chat_alert(n.unsigned_abs(), agent, item, 120 + n)
            ],
            "{item}"
        );
    }
}

#[test]
fn a4_the_session_limit_is_not_looked_at_so_a_full_agent_meets_s2() {
    let mut config = queue_config(&[("ada", 100), ("bob", 50)], &["ada", "bob"], None);
    config.org.session_limit = 1;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(
            1,
            Input::AgentOpenedSession {
                agent: "ada".into()
            }
        ),
        vec![session_opened("ada", 1, None)]
    );
    // ada is chosen, found at the limit, alerted and set Busy - DND, and
    // the work goes on to bob. Had eligibility looked at sessions, ada
    // would have been passed by silently.
    assert_eq!(
        h.input(2, chat("c1")),
        vec![
            queued("c1"),
            rerouted("c1", "ada", RerouteReason::SessionLimit),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::SessionLimit
            ),
            dashboard_alert("ada", AlertKind::MaxSessions, "c1"),
            chat_alert(1, "bob", "c1", 122),
        ]
    );
}

// ---------------------------------------------------------------- A5

#[test]
fn a5_a_conversation_routed_to_a_queue_with_no_members_is_closed() {
    let mut config = chat_config(&["ada"]);
    config.queues.push(Queue::new("empty", []));
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(
            1,
            Input::WorkArrived(Box::new(WorkItem::new("c1", "chat", "empty")))
        ),
        vec![Output::ConversationClosed {
            item: "c1".into(),
            reason: CloseReason::NoAgents
        }]
    );
    assert_eq!(h.location("c1"), WorkLocation::Closed);
    assert_eq!(state(&h, "c1"), ConversationState::Closed);
    assert_eq!(h.sb.poll_timeout(), None, "a closed item keeps no deadline");
    // A queue emptied at run time is a queue with no members, too.
    h.input(2, remove_member("q", "ada"));
    assert_eq!(
        h.input(3, chat("c2")),
        vec![Output::ConversationClosed {
            item: "c2".into(),
            reason: CloseReason::NoAgents
        }]
    );
    assert_eq!(h.location("c2"), WorkLocation::Closed);
}

#[test]
fn a5_a_record_in_a_queue_with_no_members_stays_queued() {
    let mut config = chat_config(&["ada"]);
    config.queues.push(Queue::new("empty", []));
    config
        .workstreams
        .push(Workstream::new("case", Channel::Record));
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(
            1,
            Input::WorkArrived(Box::new(WorkItem::new("r1", "case", "empty")))
        ),
        vec![Output::WorkQueued {
            item: "r1".into(),
            queue: "empty".into()
        }]
    );
    assert_eq!(h.location("r1"), waiting_in("empty"));
    assert_eq!(state(&h, "r1"), ConversationState::Open);
    // It waits until the queue has a member, then is assigned (T8).
    let toast = Notification {
        kind: NotificationKind::Toast,
        scenario: Scenario::RecordAssigned,
        template: "CDS entity - Default assigned".into(),
        title: "New record assigned".into(),
        fields: fields(&[("Case", ""), ("Case number", "")]),
        unresolved: vec!["caseTitle".into(), "caseId".into()].into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(1, "r1", CHAT_UNAUTH, 122)
    };
    assert_eq!(
        h.input(2, add_member("empty", "ada")),
        vec![
            Output::Notify(Box::new(toast)),
            assigned("r1", "ada", false),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY,
                PresenceReason::Computed
            ),
        ]
    );
}

#[test]
fn a5_a_returning_conversation_routed_to_a_queue_with_no_members_is_closed() {
    // With affinity off, a returning customer's conversation is routed to
    // its queue (A7); that queue has lost all its members meanwhile.
    let mut h = Harness::new(sms_config(100, Some(false)));
    h.input(0, sign_in("ada"));
    h.input(1, arrive("s1", "sms"));
    h.input(2, accept(1));
    h.input(3, close_session("ada", 1));
    assert_eq!(h.input(4, remove_member("q", "ada")), vec![]);
    assert_eq!(h.input(4, remove_member("q", "bob")), vec![]);
    assert_eq!(
        h.input(5, customer_returned("s1")),
        vec![Output::ConversationClosed {
            item: "s1".into(),
            reason: CloseReason::NoAgents
        }]
    );
    assert_eq!(h.location("s1"), WorkLocation::Closed);
}

// ---------------------------------------------------------------- A6

/// Chat workstream `open` in pick mode and push workstream `chat`; queue
/// `q` with ada (15 units) and bob.
fn pick_config() -> Config {
    let mut config = queue_config(&[("ada", 15), ("bob", 100)], &["ada", "bob"], None);
    config.workstreams.push(Workstream {
        distribution: Distribution::Pick,
        ..Workstream::new("open", Channel::Chat)
    });
    config
}

#[test]
fn a6_pick_mode_pushes_nothing() {
    let mut h = Harness::new(pick_config());
    h.input(0, sign_in("ada"));
    assert_eq!(h.input(1, arrive("p1", "open")), vec![queued("p1")]);
    // Cycles come and go (sign-in, presence change, membership); nothing is offered.
    assert_eq!(h.input(2, sign_in("bob")), vec![signed_in("bob")]);
    h.input(3, set_presence("ada", presences::BUSY));
    assert_eq!(
        h.input(4, set_presence("ada", presences::AVAILABLE)),
        vec![presence_changed(
            "ada",
            presences::BUSY,
            presences::AVAILABLE,
            PresenceReason::Manual
        )]
    );
    assert_eq!(h.input(5, remove_member("q", "bob")), vec![]);
    assert_eq!(h.location("p1"), waiting_in("q"));
    assert_eq!(h.sb.pending_notifications(), 0);
    // Push work of the same queue still flows past it.
    assert_eq!(
        h.input(6, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 126)]
    );
}

#[test]
fn a6_a_pick_assigns_the_work_and_opens_its_session_at_once() {
    let mut h = Harness::new(pick_config());
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, arrive("p1", "open"));
    assert_eq!(
        h.input(2, pick("ada", "p1")),
        vec![
            forced("p1", "ada", None),
            session_opened("ada", 1, "p1"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY,
                PresenceReason::Computed
            ),
        ]
    );
    assert_eq!(h.location("p1"), assigned_to("ada"));
    assert_eq!(state(&h, "p1"), ConversationState::Active);
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    // Picked work is no longer in the open list.
    assert_eq!(
        h.try_input(3, pick("bob", "p1")),
        Err(InputError::InvalidTransition {
            item: "p1".into(),
            from: ConversationState::Active,
            to: ConversationState::Active,
        })
    );
}

#[test]
fn a6_a_pick_may_exceed_capacity_and_reports_the_overage() {
    let mut h = Harness::new(pick_config());
    h.input(0, sign_in("ada"));
    h.input(1, arrive("p1", "open"));
    h.input(1, arrive("p2", "open"));
    assert_eq!(
        h.input(2, pick("ada", "p1")),
        vec![
            forced("p1", "ada", None),
            session_opened("ada", 1, "p1"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY,
                PresenceReason::Computed
            ),
        ]
    );
    // 5 units free, 10 needed: assigned all the same, 5 units over (C4).
    assert_eq!(
        h.input(3, pick("ada", "p2")),
        vec![
            forced("p2", "ada", Some(overage(5, &[]))),
            session_opened("ada", 2, "p2"),
            presence_changed(
                "ada",
                presences::BUSY,
                presences::BUSY_DND,
                PresenceReason::Computed
            ),
        ]
    );
    assert_eq!(load(&h, "ada"), (20, 0, 2));
    // Automatic assignment still never overbooks her.
    h.input(4, set_presence("ada", presences::AVAILABLE));
    assert_eq!(h.input(5, chat("c1")), vec![queued("c1")]);
    assert_offers_never_overbook(&h);
}

#[test]
fn a6_a_pick_past_a_profile_limit_reports_the_profile() {
    let mut config = queue_config(&[("ada", 100)], &["ada"], None);
    config.capacity_profiles = vec![CapacityProfile::new("chats", 1)];
    config.agents[0].capacity_profiles = vec![AgentProfile::new("chats")];
    config.workstreams = vec![Workstream {
        distribution: Distribution::Pick,
        capacity_profiles: vec!["chats".into()],
        ..Workstream::new("open", Channel::Chat)
    }];
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(1, arrive("p1", "open"));
    h.input(1, arrive("p2", "open"));
    assert_eq!(
        h.input(2, pick("ada", "p1")),
        vec![
            forced("p1", "ada", None),
            session_opened("ada", 1, "p1"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::Computed
            ),
        ]
    );
    assert_eq!(
        h.input(3, pick("ada", "p2")),
        vec![
            forced("p2", "ada", Some(overage(0, &["chats"]))),
            session_opened("ada", 2, "p2"),
        ]
    );
}

#[test]
fn a6_a_pick_at_the_session_limit_is_refused() {
    let mut config = pick_config();
    config.org.session_limit = 1;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(
        1,
        Input::AgentOpenedSession {
            agent: "ada".into(),
        },
    );
    h.input(2, arrive("p1", "open"));
    // Refused, and nothing changes (the harness checks D2).
    assert_eq!(
        h.try_input(3, pick("ada", "p1")),
        Err(InputError::SessionLimitReached("ada".into()))
    );
    assert_eq!(h.location("p1"), waiting_in("q"));
    // Capacity is no bar, but the session limit is: with a slot free, it works.
    h.input(4, close_session("ada", 1));
    assert_eq!(
        h.input(5, pick("ada", "p1")),
        vec![
            forced("p1", "ada", None),
            session_opened("ada", 2, "p1"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY,
                PresenceReason::Computed
            ),
        ]
    );
}

#[test]
fn a6_voice_in_pick_mode_is_a_config_error() {
    let voice = |distribution| Config {
        workstreams: vec![Workstream {
            distribution,
            ..Workstream::new("voice", Channel::Voice)
        }],
        ..chat_config(&["ada"])
    };
    assert_eq!(
        Switchboard::new(voice(Distribution::Pick)).map(|_| ()),
        Err(ConfigError::VoiceMustPush {
            field: "workstreams[0].distribution".into()
        })
    );
    assert!(Switchboard::new(voice(Distribution::Push)).is_ok());
}

// ---------------------------------------------------------------- A7

/// SMS workstream `sms` (affinity as given) in queue `q` with ada
/// (`ada_units`) and bob (100 units).
fn sms_config(ada_units: u32, affinity: Option<bool>) -> Config {
    let mut config = queue_config(&[("ada", ada_units), ("bob", 100)], &["ada", "bob"], None);
    config.workstreams = vec![Workstream {
        affinity,
        ..Workstream::new("sms", Channel::Sms)
    }];
    config
}

#[test]
fn a7_a_returning_customer_goes_back_to_the_same_agent_whatever_capacity_or_presence() {
    // ada has room for one SMS.
    let mut h = Harness::new(sms_config(10, None));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, arrive("s1", "sms")),
        vec![queued("s1"), sms_alert(1, "ada", "s1", 121)]
    );
    assert_eq!(
        h.input(2, accept(1)),
        vec![
            ended(1, "ada", "s1", NotificationEnd::Accepted),
            assigned("s1", "ada", false),
            session_opened("ada", 1, "s1"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::Computed
            ),
        ]
    );
    // Closing the session without ending: Active → Waiting, capacity freed.
    assert_eq!(
        h.input(3, close_session("ada", 1)),
        vec![
            session_closed("ada", 1, "s1"),
            conversation_waiting("s1", "ada"),
            presence_changed(
                "ada",
                presences::BUSY_DND,
                presences::AVAILABLE,
                PresenceReason::Computed
            ),
        ]
    );
    assert_eq!(
        h.location("s1"),
        WorkLocation::Idle {
            agent: "ada".into()
        }
    );
    assert_eq!(state(&h, "s1"), ConversationState::Waiting);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    // ada fills up again and goes Away; bob, free and Available, signs in.
    h.input(4, arrive("s2", "sms"));
    h.input(5, accept(2));
    h.input(6, set_presence("ada", presences::AWAY));
    assert_eq!(h.input(7, sign_in("bob")), vec![signed_in("bob")]);
    // The customer writes again: straight back to ada, 10 units over her
    // capacity, her session opening at once; her chosen Away stays.
    assert_eq!(
        h.input(8, customer_returned("s1")),
        vec![
            forced("s1", "ada", Some(overage(10, &[]))),
            session_opened("ada", 3, "s1"),
        ]
    );
    assert_eq!(h.location("s1"), assigned_to("ada"));
    assert_eq!(state(&h, "s1"), ConversationState::Active);
    assert_eq!(h.presence("ada"), presences::AWAY);
    assert_eq!(load(&h, "ada"), (20, 0, 2));
    assert_eq!(load(&h, "bob"), (0, 0, 0));
    assert_offers_never_overbook(&h);
}

#[test]
fn a7_with_affinity_off_a_returning_conversation_goes_back_to_the_queue() {
    let mut h = Harness::new(sms_config(100, Some(false)));
    h.input(0, sign_in("ada"));
    h.input(1, arrive("s1", "sms"));
    h.input(2, accept(1));
    assert_eq!(
        h.input(3, close_session("ada", 1)),
        vec![
            session_closed("ada", 1, "s1"),
            conversation_waiting("s1", "ada"),
            presence_changed(
                "ada",
                presences::BUSY,
                presences::AVAILABLE,
                PresenceReason::Computed
            ),
        ]
    );
    h.input(4, set_presence("ada", presences::AWAY));
    h.input(5, sign_in("bob"));
    // Routed like new work: to bob, the only eligible agent, as an Alert.
    assert_eq!(
        h.input(6, customer_returned("s1")),
        vec![sms_alert(2, "bob", "s1", 126)]
    );
    assert_eq!(state(&h, "s1"), ConversationState::Open);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
}

#[test]
fn a7_affinity_is_on_by_default_for_persistent_chat_sms_social_and_teams() {
    // "Social" is not spelled out in the spec; the engine counts every
    // asynchronous channel, custom messaging included.
    let channels = [
        Channel::PersistentChat,
        Channel::Sms,
        Channel::Facebook,
        Channel::Line,
        Channel::WeChat,
        Channel::Twitter,
        Channel::Teams,
        Channel::CustomMessaging,
    ];
    for channel in channels {
        // ada 20 units, bob 100: routing alone would choose bob.
        let mut config = sms_config(20, None);
        config.workstreams = vec![Workstream::new("w", channel)];
        let mut h = Harness::new(config);
        h.input(0, sign_in("ada"));
        h.input(1, arrive("m1", "w"));
        h.input(2, accept(1));
        assert_eq!(
            h.input(3, close_session("ada", 1)),
            vec![
                session_closed("ada", 1, "m1"),
                conversation_waiting("m1", "ada"),
                presence_changed(
                    "ada",
                    presences::BUSY,
                    presences::AVAILABLE,
                    PresenceReason::Computed
                ),
            ],
            "{channel:?}"
        );
        h.input(4, sign_in("bob"));
        assert_eq!(
            h.input(5, customer_returned("m1")),
            vec![
                forced("m1", "ada", None),
                session_opened("ada", 2, "m1"),
                presence_changed(
                    "ada",
                    presences::AVAILABLE,
                    presences::BUSY,
                    PresenceReason::Computed
                ),
            ],
            "{channel:?}"
        );
    }
}

#[test]
fn a7_affinity_applies_to_push_workstreams_only() {
    let mut config = sms_config(100, Some(true));
    config.workstreams[0].distribution = Distribution::Pick;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, arrive("p1", "sms"));
    h.input(2, pick("ada", "p1"));
    h.input(3, close_session("ada", 1));
    assert_eq!(state(&h, "p1"), ConversationState::Waiting);
    // Back to the open list, for anyone to pick; nothing is pushed.
    assert_eq!(h.input(4, customer_returned("p1")), vec![]);
    assert_eq!(h.location("p1"), waiting_in("q"));
    assert_eq!(h.sb.pending_notifications(), 0);
    assert_eq!(
        h.input(5, pick("bob", "p1")),
        vec![
            forced("p1", "bob", None),
            session_opened("bob", 2, "p1"),
            presence_changed(
                "bob",
                presences::AVAILABLE,
                presences::BUSY,
                PresenceReason::Computed
            ),
        ]
    );
}

#[test]
fn a7_a_returning_customer_of_a_disconnected_agent_goes_ahead_of_all_in_the_queue() {
    // The spec is silent on a disconnected (still signed-in, Offline) agent;
    // the engine treats them like a signed-out one: the conversation goes
    // to its queue in the affinity lane rather than waiting for a reconnect.
    let mut config = sms_config(100, None);
    config.agents[1].capacity_units = 10; // bob: room for the head of the queue only
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(1, arrive("s1", "sms"));
    h.input(2, accept(1));
    h.input(3, close_session("ada", 1));
    h.input(
        4,
        Input::ClientDisconnected {
            agent: "ada".into(),
        },
    );
    assert_eq!(
        h.input(
            5,
            Input::WorkArrived(Box::new(WorkItem {
                priority: -9,
                ..WorkItem::new("urgent", "sms", "q")
            }))
        ),
        vec![queued("urgent")]
    );
    assert_eq!(h.input(6, customer_returned("s1")), vec![]);
    assert_eq!(h.location("s1"), waiting_in("q"));
    assert_eq!(
        h.input(7, sign_in("bob")),
        vec![signed_in("bob"), sms_alert(2, "bob", "s1", 127)]
    );
    assert_eq!(h.location("urgent"), waiting_in("q"));
}

#[test]
fn a7_a_returning_customer_of_an_agent_at_the_session_limit_meets_s2() {
    // Affinity overrides capacity and presence (A7, C4), not the session
    // limit: an agent holds at most the limit (S1), and work reaching an
    // agent who holds it is rerouted with the MaxSessions alert (S2), as a
    // pick at the limit is refused (A6).
    let mut config = sms_config(100, None);
    config.org.session_limit = 1;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(1, arrive("s1", "sms"));
    h.input(2, accept(1));
    h.input(3, close_session("ada", 1));
    assert_eq!(
        h.input(
            4,
            Input::AgentOpenedSession {
                agent: "ada".into()
            }
        ),
        vec![session_opened("ada", 2, None)]
    );
    h.input(5, sign_in("bob"));
    assert_eq!(
        h.input(6, customer_returned("s1")),
        vec![
            rerouted("s1", "ada", RerouteReason::SessionLimit),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::SessionLimit
            ),
            dashboard_alert("ada", AlertKind::MaxSessions, "s1"),
            sms_alert(2, "bob", "s1", 126),
        ]
    );
    assert_eq!(load(&h, "ada"), (0, 0, 1));
}
