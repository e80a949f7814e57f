//! Conversation lifecycle: SPEC rules L1–L6 (with A5, A7, C4, P8 and T9 where they meet).

#![allow(clippy::too_many_lines)]

mod common;
use common::*;

use switchboard::{
    Agent, AgentId, AgentProfile, AutoClose, CapacityProfile, Channel, CloseReason, Config,
    ConversationState, Customer, Distribution, Input, InputError, Notification, NotificationEnd,
    NotificationKind, Output, Overage, PresenceReason, Queue, RerouteReason, Scenario, SessionId,
    Template, TransferTarget, WorkItem, WorkItemId, WorkLocation, Workstream, presences,
};

const MIN: i64 = 60;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

// ---------------------------------------------------------------------------
// Configuration and inputs
// ---------------------------------------------------------------------------

/// Workstream `ws` on `channel`; queue `q` with the `first` agents and, when
/// `second` is not empty, queue `q2` with those; every agent 100 units.
fn config(channel: Channel, first: &[&str], second: &[&str]) -> Config {
    let ids = |agents: &[&str]| agents.iter().map(|a| AgentId::new(*a)).collect::<Vec<_>>();
    let mut queues = vec![Queue::new("q", ids(first))];
    if !second.is_empty() {
        queues.push(Queue::new("q2", ids(second)));
    }
    Config {
        workstreams: vec![Workstream::new("ws", channel)],
        queues,
        agents: first.iter().chain(second).map(|a| Agent::new(*a)).collect(),
        ..Config::default()
    }
}

/// Work `id` of workstream `ws` in queue `q`.
fn work(id: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, "ws", "q")))
}

/// Work `id` of workstream `workstream` in queue `q`.
fn work_in(id: &str, workstream: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, workstream, "q")))
}

/// Ada signs in at 0 s, `item` arrives at 1 s and is offered to her (the
/// first notification), she accepts at 10 s (session 1); then `others`
/// sign in, one a second from 11 s.
fn with_active(config: Config, item: &str, others: &[&str]) -> Harness {
    let mut h = Harness::new(config);
    assert_eq!(h.input(0, sign_in("ada")), vec![signed_in("ada")]);
    h.input(1, work(item));
    assert_eq!(
        h.location(item),
        WorkLocation::Offered {
            agent: "ada".into(),
            notification: n(1)
        }
    );
    h.input(10, accept(1));
    assert_eq!(h.location(item), assigned_to("ada"));
    for (t, agent) in (11..).zip(others) {
        assert_eq!(h.input(t, sign_in(agent)), vec![signed_in(agent)]);
    }
    h
}

fn release(item: &str) -> Input {
    Input::ReleaseWork { item: item.into() }
}

fn customer_left(item: &str) -> Input {
    Input::CustomerLeft { item: item.into() }
}

fn customer_returned(item: &str) -> Input {
    Input::CustomerReturned { item: item.into() }
}

fn close_session(agent: &str, session: u64) -> Input {
    Input::AgentClosedSession {
        agent: agent.into(),
        session: SessionId(session),
    }
}

fn transfer_to_queue(item: &str, queue: &str) -> Input {
    Input::TransferToQueue {
        item: item.into(),
        queue: queue.into(),
    }
}

fn transfer_to_agent(item: &str, agent: &str) -> Input {
    Input::TransferToAgent {
        item: item.into(),
        agent: agent.into(),
    }
}

fn consult(item: &str, agent: &str) -> Input {
    Input::Consult {
        item: item.into(),
        agent: agent.into(),
    }
}

fn leave_consult(item: &str, agent: &str) -> Input {
    Input::LeaveConsult {
        item: item.into(),
        agent: agent.into(),
    }
}

fn supervisor_assign(item: &str, agent: &str) -> Input {
    Input::SupervisorAssign {
        item: item.into(),
        agent: agent.into(),
    }
}

fn supervisor_transfer(item: &str, target: TransferTarget) -> Input {
    Input::SupervisorTransfer {
        item: item.into(),
        target,
    }
}

fn supervisor_close(item: &str) -> Input {
    Input::SupervisorClose { item: item.into() }
}

fn to_queue(queue: &str) -> TransferTarget {
    TransferTarget::Queue(queue.into())
}

fn to_agent(agent: &str) -> TransferTarget {
    TransferTarget::Agent(agent.into())
}

fn sign_out(agent: &str) -> Input {
    Input::AgentSignedOut {
        agent: agent.into(),
    }
}

// ---------------------------------------------------------------------------
// Queries and expected values
// ---------------------------------------------------------------------------

fn state(h: &Harness, item: &str) -> ConversationState {
    h.sb.conversation_state(&WorkItemId::new(item))
        .expect("known item")
}

/// `(assigned units, offered units, session slots)` of an agent.
fn load(h: &Harness, agent: &str) -> (i64, i64, u32) {
    let s =
        h.sb.agent_status(&AgentId::new(agent))
            .expect("known agent");
    (s.assigned_units, s.offered_units, s.session_slots)
}

fn assigned_to(agent: &str) -> WorkLocation {
    WorkLocation::Assigned {
        agent: agent.into(),
    }
}

fn waiting_in(queue: &str) -> WorkLocation {
    WorkLocation::Waiting {
        queue: queue.into(),
    }
}

fn invalid(item: &str, from: ConversationState, to: ConversationState) -> InputError {
    InputError::InvalidTransition {
        item: item.into(),
        from,
        to,
    }
}

fn closed(item: &str, reason: CloseReason) -> Output {
    Output::ConversationClosed {
        item: item.into(),
        reason,
    }
}

fn wrap_up_started(item: &str, agent: &str) -> Output {
    Output::WrapUpStarted {
        item: item.into(),
        agent: agent.into(),
    }
}

fn conversation_waiting(item: &str, agent: &str) -> Output {
    Output::ConversationWaiting {
        item: item.into(),
        agent: agent.into(),
    }
}

fn transferred_to_queue(item: &str, from: &str, queue: &str) -> Output {
    Output::TransferredToQueue {
        item: item.into(),
        from: from.into(),
        queue: queue.into(),
    }
}

fn primary_changed(item: &str, from: &str, to: &str) -> Output {
    Output::PrimaryChanged {
        item: item.into(),
        from: from.into(),
        to: to.into(),
    }
}

fn consult_joined(item: &str, agent: &str) -> Output {
    Output::ConsultJoined {
        item: item.into(),
        agent: agent.into(),
    }
}

fn consult_ended(item: &str, agent: &str) -> Output {
    Output::ConsultEnded {
        item: item.into(),
        agent: agent.into(),
    }
}

/// Computed presence goes from Available to Busy (P5).
fn busy(agent: &str) -> Output {
    presence_changed(
        agent,
        presences::AVAILABLE,
        presences::BUSY,
        PresenceReason::Computed,
    )
}

/// Computed presence goes from Busy back to Available (P5).
fn freed(agent: &str) -> Output {
    presence_changed(
        agent,
        presences::BUSY,
        presences::AVAILABLE,
        PresenceReason::Computed,
    )
}

/// Every output stamped with the same second, as `advance_to` reports them.
fn at_secs(secs: i64, outputs: Vec<Output>) -> Vec<(i64, Output)> {
    outputs.into_iter().map(|o| (secs, o)).collect()
}

/// The transfer Alert the built-in chat transfer template renders (L3).
fn transfer_notification(id: u64, agent: &str, item: &str, deadline: i64) -> Notification {
    Notification {
        agent: agent.into(),
        scenario: Scenario::Transfer,
        title: "Chat conversation transferred to you".into(),
        fields: fields(&[("Customer", "")]),
        unresolved: vec!["customerName".into()].into(),
        ..template_alert(id, item, "Chat - transfer - default", deadline)
    }
}

/// The same template as a Toast (a supervisor's transfer, L6).
fn transfer_toast(id: u64, agent: &str, item: &str, deadline: i64) -> Notification {
    Notification {
        kind: NotificationKind::Toast,
        accept_label: "Open".into(),
        reject_label: None,
        ..transfer_notification(id, agent, item, deadline)
    }
}

/// The consult Alert the built-in chat consult template renders (L4).
fn consult_notification(id: u64, agent: &str, item: &str, deadline: i64) -> Notification {
    Notification {
        agent: agent.into(),
        scenario: Scenario::Consult,
        title: "Consult request: Chat conversation".into(),
        fields: fields(&[("Customer", "")]),
        unresolved: vec!["customerName".into()].into(),
        ..template_alert(id, item, "Chat - consult - default", deadline)
    }
}

/// The supervisor-assign Toast for chat: chat has no supervisor-assign
/// template of its own, so the authenticated one is used (N4, N5).
fn supervisor_toast(id: u64, agent: &str, item: &str, deadline: i64) -> Notification {
    Notification {
        agent: agent.into(),
        kind: NotificationKind::Toast,
        scenario: Scenario::SupervisorAssign,
        title: "Incoming Chat conversation".into(),
        fields: fields(&[("Customer", ""), ("Queue", "q")]),
        unresolved: vec!["customerName".into()].into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(
            id,
            item,
            "Chat - incoming authenticated - default",
            deadline,
        )
    }
}

// ---------------------------------------------------------------------------
// L1: states and transitions
// ---------------------------------------------------------------------------

#[test]
fn l1_open_to_active_when_the_agent_accepts() {
    let mut h = Harness::new(config(Channel::Chat, &["ada"], &[]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, work("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Open);
    assert_eq!(
        h.input(10, accept(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            busy("ada"),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Active);
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1));
}

#[test]
fn l1_open_to_active_when_the_agent_picks() {
    let mut cfg = config(Channel::Chat, &["ada"], &[]);
    cfg.workstreams[0].distribution = Distribution::Pick;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    assert_eq!(h.input(1, work("c1")), vec![queued("c1")]);
    assert_eq!(state(&h, "c1"), ConversationState::Open);
    assert_eq!(
        h.input(
            5,
            Input::Pick {
                agent: "ada".into(),
                item: "c1".into()
            }
        ),
        vec![
            forced("c1", "ada", None),
            session_opened("ada", 1, "c1"),
            busy("ada"),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Active);
    assert_eq!(h.location("c1"), assigned_to("ada"));
}

#[test]
fn l1_open_to_closed_when_the_customer_leaves_queued_or_offered() {
    let mut h = Harness::new(config(Channel::Chat, &["ada"], &[]));
    // Queued: nobody is signed in.
    assert_eq!(h.input(0, work("c1")), vec![queued("c1")]);
    assert_eq!(
        h.input(5, customer_left("c1")),
        vec![closed("c1", CloseReason::CustomerLeft)]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Closed);
    assert_eq!(h.location("c1"), WorkLocation::Closed);

    // Offered: the pending Alert is rescinded (T9), a late answer refused.
    h.input(6, sign_in("ada"));
    assert_eq!(
        h.input(7, work("c2")),
        vec![queued("c2"), chat_alert(1, "ada", "c2", 127)]
    );
    assert_eq!(
        h.input(8, customer_left("c2")),
        vec![
            closed("c2", CloseReason::CustomerLeft),
            ended(1, "ada", "c2", NotificationEnd::Rescinded),
        ]
    );
    assert_eq!(state(&h, "c2"), ConversationState::Closed);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(
        h.try_input(9, accept(1)).unwrap_err(),
        InputError::NotificationClosed(n(1))
    );
    // Both Open deadlines went with their state (L2).
    assert_eq!(h.sb.pending_deadlines(), 0);
}

#[test]
fn l1_active_to_wrap_up_to_closed() {
    let mut h = with_active(config(Channel::Chat, &["ada"], &[]), "c1", &[]);
    assert_eq!(h.input(30, end("c1")), vec![wrap_up_started("c1", "ada")]);
    assert_eq!(state(&h, "c1"), ConversationState::WrapUp);
    assert_eq!(load(&h, "ada"), (10, 0, 1), "held until close (C5)");
    assert_eq!(
        h.input(40, close("c1")),
        vec![
            closed("c1", CloseReason::Closed),
            session_closed("ada", 1, "c1"),
            freed("ada"),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Closed);
    assert_eq!(h.location("c1"), WorkLocation::Closed);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(h.sb.pending_deadlines(), 0);
}

#[test]
fn l1_active_to_open_when_the_agent_releases_it() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    // Ada and Bob both have 100 free units; Bob's last assignment is older.
    assert_eq!(
        h.input(30, release("c1")),
        vec![
            session_closed("ada", 1, "c1"),
            rerouted("c1", "ada", RerouteReason::Released),
            freed("ada"),
            chat_alert(2, "bob", "c1", 150),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Open);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
}

#[test]
fn l1_active_to_open_when_transferred_to_a_queue() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    assert_eq!(
        h.input(30, transfer_to_queue("c1", "q")),
        vec![
            session_closed("ada", 1, "c1"),
            transferred_to_queue("c1", "ada", "q"),
            freed("ada"),
            Output::Notify(Box::new(transfer_notification(2, "bob", "c1", 150))),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Open);
}

#[test]
fn l1_active_to_open_when_the_agent_signs_out() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    assert_eq!(
        h.input(30, sign_out("ada")),
        vec![
            session_closed("ada", 1, "c1"),
            rerouted("c1", "ada", RerouteReason::SignedOut),
            presence_changed(
                "ada",
                presences::BUSY,
                presences::OFFLINE,
                PresenceReason::SignedOut
            ),
            chat_alert(2, "bob", "c1", 150),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Open);
}

#[test]
fn l1_active_to_open_when_disconnected_past_the_reconnect_grace() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    assert_eq!(
        h.input(
            30,
            Input::ClientDisconnected {
                agent: "ada".into()
            }
        ),
        vec![presence_changed(
            "ada",
            presences::BUSY,
            presences::OFFLINE,
            PresenceReason::Disconnected
        )]
    );
    // P8: 150 s of grace, during which the conversation stays Active.
    assert_eq!(h.advance_to(179), vec![]);
    assert_eq!(state(&h, "c1"), ConversationState::Active);
    assert_eq!(
        h.advance_to(180),
        at_secs(
            180,
            vec![
                session_closed("ada", 1, "c1"),
                rerouted("c1", "ada", RerouteReason::Disconnected),
                chat_alert(2, "bob", "c1", 300),
            ]
        )
    );
    assert_eq!(state(&h, "c1"), ConversationState::Open);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
}

#[test]
fn l1_reconnecting_within_the_grace_keeps_the_conversation_active() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    h.input(
        30,
        Input::ClientDisconnected {
            agent: "ada".into(),
        },
    );
    assert_eq!(
        h.input(
            179,
            Input::ClientReconnected {
                agent: "ada".into()
            }
        ),
        vec![presence_changed(
            "ada",
            presences::OFFLINE,
            presences::BUSY,
            PresenceReason::Reconnected
        )]
    );
    assert_eq!(h.advance_to(10 * DAY), vec![]);
    assert_eq!(state(&h, "c1"), ConversationState::Active);
    assert_eq!(h.location("c1"), assigned_to("ada"));
}

#[test]
fn l1_active_to_waiting_when_the_agent_closes_an_asynchronous_session() {
    let mut h = with_active(config(Channel::PersistentChat, &["ada"], &[]), "p1", &[]);
    assert_eq!(
        h.input(30, close_session("ada", 1)),
        vec![
            session_closed("ada", 1, "p1"),
            conversation_waiting("p1", "ada"),
            freed("ada"),
        ]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Waiting);
    assert_eq!(
        h.location("p1"),
        WorkLocation::Idle {
            agent: "ada".into()
        }
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0), "no capacity, no session");
}

#[test]
fn l1_waiting_to_active_when_the_customer_returns_to_the_same_agent() {
    let mut h = with_active(
        config(Channel::PersistentChat, &["ada", "bob"], &[]),
        "p1",
        &["bob"],
    );
    h.input(30, close_session("ada", 1));
    // Routing would pick Bob (older last assignment); affinity keeps Ada (A7).
    assert_eq!(
        h.input(40, customer_returned("p1")),
        vec![
            forced("p1", "ada", None),
            session_opened("ada", 2, "p1"),
            busy("ada"),
        ]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Active);
    assert_eq!(h.location("p1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1));
}

#[test]
fn l1_waiting_to_active_returns_whatever_the_agents_presence_and_capacity() {
    // A7 with C4: Ada is Away and full, and still gets her conversation back.
    let mut cfg = config(Channel::PersistentChat, &["ada"], &[]);
    cfg.agents[0].capacity_units = 10;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(1, work("p1"));
    assert_eq!(
        h.input(2, accept(1)),
        vec![
            ended(1, "ada", "p1", NotificationEnd::Accepted),
            assigned("p1", "ada", false),
            session_opened("ada", 1, "p1"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::Computed
            ),
        ]
    );
    h.input(3, close_session("ada", 1));
    assert_eq!(
        h.input(4, work("p2")),
        vec![queued("p2"), chat_alert(2, "ada", "p2", 124)]
    );
    h.input(5, accept(2));
    assert_eq!(
        h.input(6, set_presence("ada", presences::AWAY)),
        vec![presence_changed(
            "ada",
            presences::BUSY_DND,
            presences::AWAY,
            PresenceReason::Manual
        )]
    );
    assert_eq!(
        h.input(10, customer_returned("p1")),
        vec![
            forced(
                "p1",
                "ada",
                Some(Overage {
                    units: 10,
                    profiles: vec![]
                })
            ),
            session_opened("ada", 3, "p1"),
        ]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Active);
    assert_eq!(load(&h, "ada"), (20, 0, 2));
    assert_eq!(h.presence("ada"), presences::AWAY);
}

#[test]
fn l1_waiting_to_open_when_the_customer_returns_without_affinity() {
    let mut cfg = config(Channel::PersistentChat, &["ada", "bob"], &[]);
    cfg.workstreams[0].affinity = Some(false);
    let mut h = with_active(cfg, "p1", &["bob"]);
    h.input(30, close_session("ada", 1));
    // Routed like new work: Bob's last assignment is older than Ada's.
    assert_eq!(
        h.input(40, customer_returned("p1")),
        vec![chat_alert(2, "bob", "p1", 160)]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Open);
}

#[test]
fn l1_waiting_to_open_when_the_affinity_agent_is_signed_out() {
    let mut h = with_active(config(Channel::PersistentChat, &["ada"], &[]), "p1", &[]);
    h.input(30, close_session("ada", 1));
    assert_eq!(
        h.input(31, sign_out("ada")),
        vec![presence_changed(
            "ada",
            presences::AVAILABLE,
            presences::OFFLINE,
            PresenceReason::SignedOut
        )]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Waiting);
    assert_eq!(h.input(40, customer_returned("p1")), vec![]);
    assert_eq!(state(&h, "p1"), ConversationState::Open);
    assert_eq!(h.location("p1"), waiting_in("q"));
    assert_eq!(
        h.input(50, sign_in("ada")),
        vec![signed_in("ada"), chat_alert(2, "ada", "p1", 170)]
    );
}

#[test]
fn l1_waiting_to_closed_when_the_customer_leaves() {
    let mut h = with_active(config(Channel::PersistentChat, &["ada"], &[]), "p1", &[]);
    h.input(30, close_session("ada", 1));
    assert_eq!(
        h.input(40, customer_left("p1")),
        vec![closed("p1", CloseReason::CustomerLeft)]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Closed);
    assert_eq!(h.location("p1"), WorkLocation::Closed);
    assert_eq!(h.sb.pending_deadlines(), 0, "the Waiting deadline is gone");
}

#[test]
fn l1_active_to_closed_when_a_record_is_resolved() {
    let mut h = Harness::new(config(Channel::Record, &["ada"], &[]));
    h.input(0, sign_in("ada"));
    h.input(1, work("r1"));
    assert_eq!(state(&h, "r1"), ConversationState::Active, "T8: assigned");
    assert_eq!(
        h.input(5, open(1)),
        vec![
            ended(1, "ada", "r1", NotificationEnd::Opened),
            session_opened("ada", 1, "r1"),
        ]
    );
    assert_eq!(
        h.input(30, close("r1")),
        vec![
            closed("r1", CloseReason::Closed),
            session_closed("ada", 1, "r1"),
            freed("ada"),
        ]
    );
    assert_eq!(state(&h, "r1"), ConversationState::Closed);
}

/// Refuses `input` at `secs` with `InvalidTransition { item, from, to }`
/// and checks the state did not move (the harness checks all the rest, D2).
fn refused(
    h: &mut Harness,
    secs: i64,
    input: Input,
    item: &str,
    from: ConversationState,
    to: ConversationState,
) {
    let shown = format!("{input:?}");
    assert_eq!(
        h.try_input(secs, input).unwrap_err(),
        invalid(item, from, to),
        "{shown}"
    );
    assert_eq!(state(h, item), from, "{shown}");
}

#[test]
fn l1_disallowed_transitions_are_refused_and_change_nothing() {
    use ConversationState::{Active, Closed, Open, Waiting, WrapUp};
    let cfg = Config {
        workstreams: vec![
            Workstream::new("chat", Channel::Chat),
            Workstream::new("voice", Channel::Voice),
            Workstream::new("pc", Channel::PersistentChat),
        ],
        queues: vec![Queue::new("q", [AgentId::new("ada")])],
        agents: vec![Agent::new("ada")],
        ..Config::default()
    };
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(1, work_in("c1", "chat"));
    h.input(2, accept(1)); // session 1
    h.input(3, work_in("v1", "voice"));
    h.input(4, accept(2)); // session 2
    h.input(5, work_in("p1", "pc"));
    h.input(6, accept(3)); // session 3
    h.input(7, work_in("p2", "pc"));
    h.input(8, accept(4)); // session 4
    h.input(9, close_session("ada", 4));
    h.input(10, work_in("c2", "chat")); // offered, pending
    let (c1, v1, p1, p2, c2) = ("c1", "v1", "p1", "p2", "c2");
    assert_eq!(
        [c1, v1, p1, p2, c2].map(|i| state(&h, i)),
        [Active, Active, Active, Waiting, Open]
    );

    // From Open.
    refused(&mut h, 20, close(c2), c2, Open, Closed);
    refused(&mut h, 20, end(c2), c2, Open, WrapUp);
    refused(&mut h, 20, customer_returned(c2), c2, Open, Active);
    refused(&mut h, 20, release(c2), c2, Open, Open);
    // From Active: a live chat or call cannot be parked; only records close.
    refused(&mut h, 20, close_session("ada", 1), c1, Active, Waiting);
    refused(&mut h, 20, close_session("ada", 2), v1, Active, Waiting);
    refused(&mut h, 20, close(c1), c1, Active, Closed);
    // From Waiting.
    refused(&mut h, 20, end(p2), p2, Waiting, WrapUp);
    refused(&mut h, 20, close(p2), p2, Waiting, Closed);
    refused(&mut h, 20, release(p2), p2, Waiting, Open);

    // From WrapUp.
    h.input(30, end(c1));
    h.input(30, end(p1));
    refused(&mut h, 31, end(c1), c1, WrapUp, WrapUp);
    refused(&mut h, 31, release(c1), c1, WrapUp, Open);
    refused(&mut h, 31, customer_returned(c1), c1, WrapUp, Active);
    refused(&mut h, 31, transfer_to_queue(c1, "q"), c1, WrapUp, Open);
    refused(&mut h, 31, close_session("ada", 3), p1, WrapUp, Waiting);

    // From Closed: nothing at all.
    h.input(40, close(c1));
    refused(&mut h, 41, end(c1), c1, Closed, WrapUp);
    refused(&mut h, 41, release(c1), c1, Closed, Open);
    refused(&mut h, 41, customer_returned(c1), c1, Closed, Active);
    refused(&mut h, 41, close(c1), c1, Closed, Closed);
    refused(&mut h, 41, supervisor_close(c1), c1, Closed, Closed);
}

// ---------------------------------------------------------------------------
// L2: auto-close deadlines
// ---------------------------------------------------------------------------

#[test]
fn l2_auto_close_defaults_are_the_spec_table() {
    let (day, hour, min) = (24 * 3600, 3600, 60);
    let messaging = [Some(30 * day), Some(30 * day), None, Some(day)];
    let expected = [
        (Channel::Chat, [Some(20 * min), None, None, Some(15 * min)]),
        (
            Channel::Voice,
            [Some(30 * day), Some(2 * hour), None, Some(day)],
        ),
        (
            Channel::PersistentChat,
            [Some(30 * day), Some(30 * day), Some(28 * day), Some(day)],
        ),
        (Channel::Sms, messaging),
        (Channel::Teams, messaging),
        (Channel::Facebook, messaging),
        (Channel::Line, messaging),
        (Channel::WeChat, messaging),
        (Channel::Twitter, messaging),
        (Channel::CustomMessaging, messaging),
    ];
    for (channel, defaults) in expected {
        assert_eq!(AutoClose::defaults(channel), defaults, "{channel:?}");
    }
}

#[test]
fn l2_chat_open_auto_closes_after_twenty_minutes() {
    let mut h = Harness::new(config(Channel::Chat, &["ada"], &[]));
    assert_eq!(h.input(0, work("c1")), vec![queued("c1")]);
    assert_eq!(h.sb.poll_timeout(), Some(at(20 * MIN)));
    assert_eq!(h.advance_to(20 * MIN - 1), vec![]);
    assert_eq!(state(&h, "c1"), ConversationState::Open);
    assert_eq!(
        h.advance_to(20 * MIN),
        vec![(20 * MIN, closed("c1", CloseReason::AutoClosed))]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Closed);
    assert_eq!(h.location("c1"), WorkLocation::Closed);
    assert_eq!(h.sb.pending_deadlines(), 0);
}

#[test]
fn l2_chat_wrap_up_auto_closes_after_fifteen_minutes_and_active_never_does() {
    let mut h = with_active(config(Channel::Chat, &["ada"], &[]), "c1", &[]);
    assert_eq!(h.sb.pending_deadlines(), 0, "chat has no Active deadline");
    assert_eq!(h.advance_to(3 * DAY), vec![]);
    let ended_at = 3 * DAY;
    assert_eq!(
        h.input(ended_at, end("c1")),
        vec![wrap_up_started("c1", "ada")]
    );
    let deadline = ended_at + 15 * MIN;
    assert_eq!(h.advance_to(deadline - 1), vec![]);
    assert_eq!(
        h.advance_to(deadline),
        at_secs(
            deadline,
            vec![
                closed("c1", CloseReason::AutoClosed),
                session_closed("ada", 1, "c1"),
                freed("ada"),
            ]
        )
    );
    assert_eq!(state(&h, "c1"), ConversationState::Closed);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
}

#[test]
fn l2_voice_open_auto_closes_after_thirty_days() {
    let mut h = Harness::new(config(Channel::Voice, &["ada"], &[]));
    assert_eq!(h.input(0, work("v1")), vec![queued("v1")]);
    assert_eq!(h.advance_to(30 * DAY - 1), vec![]);
    assert_eq!(
        h.advance_to(30 * DAY),
        vec![(30 * DAY, closed("v1", CloseReason::AutoClosed))]
    );
}

#[test]
fn l2_voice_active_ends_after_two_hours_and_wrap_up_closes_after_a_day() {
    let mut h = with_active(config(Channel::Voice, &["ada"], &[]), "v1", &[]);
    let wrap_up = 10 + 2 * HOUR;
    assert_eq!(h.advance_to(wrap_up - 1), vec![]);
    assert_eq!(state(&h, "v1"), ConversationState::Active);
    assert_eq!(
        h.advance_to(wrap_up),
        vec![(wrap_up, wrap_up_started("v1", "ada"))]
    );
    assert_eq!(state(&h, "v1"), ConversationState::WrapUp);
    let close_at = wrap_up + DAY;
    assert_eq!(h.advance_to(close_at - 1), vec![]);
    assert_eq!(
        h.advance_to(close_at),
        at_secs(
            close_at,
            vec![
                closed("v1", CloseReason::AutoClosed),
                session_closed("ada", 1, "v1"),
                freed("ada"),
            ]
        )
    );
    assert_eq!(h.sb.pending_deadlines(), 0);
}

#[test]
fn l2_messaging_channels_open_thirty_days_active_thirty_days_wrap_up_one_day() {
    for channel in [
        Channel::Sms,
        Channel::Teams,
        Channel::Facebook,
        Channel::Line,
        Channel::WeChat,
        Channel::Twitter,
        Channel::CustomMessaging,
        Channel::PersistentChat,
    ] {
        // Open: nobody signed in to take it.
        let mut h = Harness::new(config(channel, &["ada"], &[]));
        assert_eq!(h.input(0, work("m1")), vec![queued("m1")], "{channel:?}");
        assert_eq!(h.advance_to(30 * DAY - 1), vec![], "{channel:?}");
        assert_eq!(
            h.advance_to(30 * DAY),
            vec![(30 * DAY, closed("m1", CloseReason::AutoClosed))],
            "{channel:?}"
        );

        // Active (accepted at 10 s), then WrapUp.
        let mut h = with_active(config(channel, &["ada"], &[]), "m1", &[]);
        let wrap_up = 10 + 30 * DAY;
        assert_eq!(h.advance_to(wrap_up - 1), vec![], "{channel:?}");
        assert_eq!(
            h.advance_to(wrap_up),
            vec![(wrap_up, wrap_up_started("m1", "ada"))],
            "{channel:?}"
        );
        let close_at = wrap_up + DAY;
        assert_eq!(h.advance_to(close_at - 1), vec![], "{channel:?}");
        assert_eq!(
            h.advance_to(close_at),
            at_secs(
                close_at,
                vec![
                    closed("m1", CloseReason::AutoClosed),
                    session_closed("ada", 1, "m1"),
                    freed("ada"),
                ]
            ),
            "{channel:?}"
        );
        assert_eq!(h.sb.pending_deadlines(), 0, "{channel:?}");
    }
}

#[test]
fn l2_persistent_chat_waiting_auto_closes_after_twenty_eight_days() {
    let mut h = with_active(config(Channel::PersistentChat, &["ada"], &[]), "p1", &[]);
    h.input(20, close_session("ada", 1));
    let deadline = 20 + 28 * DAY;
    assert_eq!(h.sb.poll_timeout(), Some(at(deadline)));
    assert_eq!(h.advance_to(deadline - 1), vec![]);
    assert_eq!(state(&h, "p1"), ConversationState::Waiting);
    assert_eq!(
        h.advance_to(deadline),
        vec![(deadline, closed("p1", CloseReason::AutoClosed))]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Closed);
    assert_eq!(h.sb.pending_deadlines(), 0);
}

#[test]
fn l2_waiting_has_no_default_deadline_outside_persistent_chat() {
    for channel in [
        Channel::Sms,
        Channel::Teams,
        Channel::Facebook,
        Channel::Line,
        Channel::WeChat,
        Channel::Twitter,
        Channel::CustomMessaging,
    ] {
        let mut h = with_active(config(channel, &["ada"], &[]), "m1", &[]);
        h.input(20, close_session("ada", 1));
        assert_eq!(state(&h, "m1"), ConversationState::Waiting, "{channel:?}");
        assert_eq!(h.sb.pending_deadlines(), 0, "{channel:?}");
    }
}

#[test]
fn l2_auto_close_is_configured_per_workstream_and_zero_turns_it_off() {
    let mut fast = Workstream::new("fast", Channel::Chat);
    fast.auto_close = AutoClose {
        open_secs: Some(60),
        active_secs: Some(300),
        waiting_secs: None,
        wrap_up_secs: Some(30),
    };
    let mut never = Workstream::new("never", Channel::Chat);
    never.auto_close = AutoClose {
        open_secs: Some(0),
        wrap_up_secs: Some(0),
        ..AutoClose::default()
    };
    let cfg = Config {
        workstreams: vec![Workstream::new("chat", Channel::Chat), fast, never],
        queues: vec![Queue::new("q", [AgentId::new("ada")])],
        agents: vec![Agent::new("ada")],
        ..Config::default()
    };

    // Open, nobody signed in: each workstream keeps its own deadline.
    let mut h = Harness::new(cfg.clone());
    h.input(0, work_in("a", "chat"));
    h.input(0, work_in("b", "fast"));
    h.input(0, work_in("c", "never"));
    assert_eq!(h.advance_to(59), vec![]);
    assert_eq!(
        h.advance_to(60),
        vec![(60, closed("b", CloseReason::AutoClosed))]
    );
    assert_eq!(h.advance_to(20 * MIN - 1), vec![]);
    assert_eq!(
        h.advance_to(20 * MIN),
        vec![(20 * MIN, closed("a", CloseReason::AutoClosed))]
    );
    assert_eq!(h.sb.pending_deadlines(), 0, "`never` has no Open deadline");
    assert_eq!(h.advance_to(40 * DAY), vec![]);
    assert_eq!(state(&h, "c"), ConversationState::Open);

    // Active and WrapUp of `fast`: chat has no Active default, `fast` sets one.
    let mut h = Harness::new(cfg.clone());
    h.input(0, sign_in("ada"));
    h.input(0, work_in("f1", "fast"));
    h.input(10, accept(1));
    assert_eq!(h.advance_to(309), vec![]);
    assert_eq!(h.advance_to(310), vec![(310, wrap_up_started("f1", "ada"))]);
    assert_eq!(h.advance_to(339), vec![]);
    assert_eq!(
        h.advance_to(340),
        at_secs(
            340,
            vec![
                closed("f1", CloseReason::AutoClosed),
                session_closed("ada", 1, "f1"),
                freed("ada"),
            ]
        )
    );

    // WrapUp of `never` stays open.
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, work_in("n1", "never"));
    h.input(10, accept(1));
    h.input(20, end("n1"));
    assert_eq!(h.sb.pending_deadlines(), 0);
    assert_eq!(h.advance_to(400 * DAY), vec![]);
    assert_eq!(state(&h, "n1"), ConversationState::WrapUp);
}

#[test]
fn l2_open_deadline_rescinds_a_pending_offer() {
    let mut cfg = config(Channel::Chat, &["ada"], &[]);
    cfg.workstreams[0].auto_close.open_secs = Some(60);
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(0, work("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    h.input(5, displayed(1));
    assert_eq!(
        h.advance_to(60),
        at_secs(
            60,
            vec![
                closed("c1", CloseReason::AutoClosed),
                ended(1, "ada", "c1", NotificationEnd::Rescinded),
            ]
        )
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(
        h.try_input(61, accept(1)).unwrap_err(),
        InputError::NotificationClosed(n(1))
    );
}

#[test]
fn l2_leaving_a_state_cancels_its_deadline_and_coming_back_restarts_it() {
    let mut h = with_active(config(Channel::Chat, &["ada"], &[]), "c1", &[]);
    // Accepting at 10 s cancelled the Open deadline of 20 min after arrival.
    assert_eq!(h.sb.pending_deadlines(), 0);
    h.input(20, set_presence("ada", presences::AWAY));
    assert_eq!(
        h.input(500, release("c1")),
        vec![
            session_closed("ada", 1, "c1"),
            rerouted("c1", "ada", RerouteReason::Released),
        ]
    );
    // Open again: a fresh 20 minutes from the release, not from arrival.
    assert_eq!(h.advance_to(500 + 20 * MIN - 1), vec![]);
    assert_eq!(
        h.advance_to(500 + 20 * MIN),
        vec![(500 + 20 * MIN, closed("c1", CloseReason::AutoClosed))]
    );

    // WrapUp closed by the agent: its deadline is gone.
    let mut h = with_active(config(Channel::Chat, &["ada"], &[]), "c2", &[]);
    h.input(20, end("c2"));
    assert_eq!(h.sb.poll_timeout(), Some(at(20 + 15 * MIN)));
    h.input(30, close("c2"));
    assert_eq!(h.sb.pending_deadlines(), 0);
    assert_eq!(h.advance_to(DAY), vec![]);
}

// ---------------------------------------------------------------------------
// L3: transfers
// ---------------------------------------------------------------------------

#[test]
fn l3_transfer_to_a_queue_releases_the_agent_and_the_next_offer_uses_the_transfer_template() {
    let mut h = with_active(config(Channel::Chat, &["ada"], &["bob"]), "c1", &["bob"]);
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    assert_eq!(
        h.input(30, transfer_to_queue("c1", "q2")),
        vec![
            session_closed("ada", 1, "c1"),
            transferred_to_queue("c1", "ada", "q2"),
            freed("ada"),
            Output::Notify(Box::new(transfer_notification(2, "bob", "c1", 150))),
        ]
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(state(&h, "c1"), ConversationState::Open);
    assert_eq!(
        h.location("c1"),
        WorkLocation::Offered {
            agent: "bob".into(),
            notification: n(2)
        }
    );
    assert_eq!(
        h.input(40, accept(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Accepted),
            assigned("c1", "bob", false),
            session_opened("bob", 2, "c1"),
            busy("bob"),
        ]
    );
    // Only the next offer: released again, it is offered as incoming work of q2.
    assert_eq!(
        h.input(50, release("c1")),
        vec![
            session_closed("bob", 2, "c1"),
            rerouted("c1", "bob", RerouteReason::Released),
            freed("bob"),
            Output::Notify(Box::new(Notification {
                fields: fields(&[("Language", ""), ("Queue", "q2")]),
                ..chat_notification(3, "bob", "c1", 170)
            })),
        ]
    );
}

#[test]
fn l3_transfer_to_a_queue_without_members_closes_the_conversation() {
    // A5: nobody could ever take it.
    let mut cfg = config(Channel::Chat, &["ada"], &[]);
    cfg.queues.push(Queue::new("empty", []));
    let mut h = with_active(cfg, "c1", &[]);
    assert_eq!(
        h.input(30, transfer_to_queue("c1", "empty")),
        vec![
            session_closed("ada", 1, "c1"),
            transferred_to_queue("c1", "ada", "empty"),
            closed("c1", CloseReason::NoAgents),
            freed("ada"),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Closed);
    assert_eq!(h.sb.pending_deadlines(), 0);
}

#[test]
fn l3_transfer_to_an_agent_needs_a_consult_with_them_first() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    let needs_consult = InputError::ConsultUnavailable {
        item: "c1".into(),
        agent: "bob".into(),
        reason: "a transfer to an agent needs a consult with them first",
    };
    assert_eq!(
        h.try_input(20, transfer_to_agent("c1", "bob")).unwrap_err(),
        needs_consult
    );
    assert_eq!(
        h.input(21, consult("c1", "bob")),
        vec![Output::Notify(Box::new(consult_notification(
            2, "bob", "c1", 141
        )))]
    );
    // A consult request is not yet a consult.
    assert_eq!(
        h.try_input(22, transfer_to_agent("c1", "bob")).unwrap_err(),
        needs_consult
    );
    assert_eq!(
        h.input(23, accept(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Accepted),
            consult_joined("c1", "bob"),
        ]
    );
    assert_eq!(
        h.input(24, transfer_to_agent("c1", "bob")),
        vec![Output::Notify(Box::new(transfer_notification(
            3, "bob", "c1", 144
        )))]
    );
    assert_eq!(
        h.try_input(25, transfer_to_agent("c1", "bob")).unwrap_err(),
        InputError::ConsultUnavailable {
            item: "c1".into(),
            agent: "bob".into(),
            reason: "a transfer is already pending",
        }
    );
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(state(&h, "c1"), ConversationState::Active);
}

/// Ada holds `c1`; Bob consults on it (notification 2, accepted at 21 s)
/// and Ada asks him to take it over at 22 s (notification 3, until 142 s).
fn with_transfer_requested(agents: &[&str]) -> Harness {
    let mut h = with_active(config(Channel::Chat, agents, &[]), "c1", &agents[1..]);
    h.input(20, consult("c1", "bob"));
    h.input(21, accept(2));
    assert_eq!(
        h.input(22, transfer_to_agent("c1", "bob")),
        vec![Output::Notify(Box::new(transfer_notification(
            3, "bob", "c1", 142
        )))]
    );
    h
}

#[test]
fn l3_accepted_transfer_makes_the_consultant_the_primary_agent() {
    let mut h = with_transfer_requested(&["ada", "bob"]);
    assert_eq!(
        h.input(30, accept(3)),
        vec![
            ended(3, "bob", "c1", NotificationEnd::Accepted),
            session_closed("ada", 1, "c1"),
            primary_changed("c1", "ada", "bob"),
            forced("c1", "bob", None),
            session_opened("bob", 2, "c1"),
            busy("bob"),
            freed("ada"),
        ]
    );
    assert_eq!(h.location("c1"), assigned_to("bob"));
    assert_eq!(state(&h, "c1"), ConversationState::Active);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(load(&h, "bob"), (10, 0, 1));
    // Bob is the primary now: his end starts his wrap-up.
    assert_eq!(h.input(40, end("c1")), vec![wrap_up_started("c1", "bob")]);
}

#[test]
fn l3_rejected_or_expired_transfer_leaves_the_conversation_with_the_first_agent() {
    let mut h = with_transfer_requested(&["ada", "bob"]);
    assert_eq!(
        h.input(30, reject(3)),
        vec![ended(3, "bob", "c1", NotificationEnd::Rejected)]
    );
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    assert_eq!(load(&h, "bob"), (0, 0, 0));

    // Bob is still consulting, so Ada may ask again; this time nobody answers.
    assert_eq!(
        h.input(40, transfer_to_agent("c1", "bob")),
        vec![Output::Notify(Box::new(transfer_notification(
            4, "bob", "c1", 160
        )))]
    );
    h.input(41, displayed(4));
    assert_eq!(h.advance_to(159), vec![]);
    assert_eq!(
        h.advance_to(160),
        vec![(160, ended(4, "bob", "c1", NotificationEnd::Expired))]
    );
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(state(&h, "c1"), ConversationState::Active);
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    assert_eq!(
        h.try_input(161, accept(4)).unwrap_err(),
        InputError::NotificationClosed(n(4))
    );
}

#[test]
fn l3_a_pending_transfer_is_rescinded_when_the_consultant_signs_out() {
    // T9: every offer ends exactly once, rescinded when its agent signs out.
    let mut h = with_transfer_requested(&["ada", "bob"]);
    let out = h.input(30, sign_out("bob"));
    let rescinded = ended(3, "bob", "c1", NotificationEnd::Rescinded);
    assert!(out.contains(&rescinded), "transfer not rescinded: {out:?}");
    assert_eq!(
        out,
        vec![
            rescinded,
            consult_ended("c1", "bob"),
            presence_changed(
                "bob",
                presences::AVAILABLE,
                presences::OFFLINE,
                PresenceReason::SignedOut
            ),
        ]
    );
    assert_eq!(
        h.try_input(31, accept(3)).unwrap_err(),
        InputError::NotificationClosed(n(3))
    );
    assert_eq!(h.location("c1"), assigned_to("ada"));
}

#[test]
fn l3_a_pending_transfer_is_rescinded_when_the_conversation_leaves_the_first_agent() {
    // Ada's request to Bob is moot once she released the conversation; a
    // late accept must not take it from whoever holds it next.
    let mut h = with_transfer_requested(&["ada", "bob", "cy"]);
    h.input(23, set_presence("bob", presences::AWAY));
    let out = h.input(30, release("c1"));
    let rescinded = ended(3, "bob", "c1", NotificationEnd::Rescinded);
    assert!(out.contains(&rescinded), "transfer not rescinded: {out:?}");
    assert_eq!(
        out,
        vec![
            session_closed("ada", 1, "c1"),
            rerouted("c1", "ada", RerouteReason::Released),
            consult_ended("c1", "bob"),
            rescinded,
            freed("ada"),
            chat_alert(4, "cy", "c1", 150),
        ]
    );
    h.input(31, accept(4));
    assert_eq!(
        h.try_input(32, accept(3)).unwrap_err(),
        InputError::NotificationClosed(n(3))
    );
    assert_eq!(h.location("c1"), assigned_to("cy"));
}

// ---------------------------------------------------------------------------
// L4: consults (more in tests/consult.rs)
// ---------------------------------------------------------------------------

#[test]
fn l4_consult_request_is_an_alert_from_the_consult_template() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    assert_eq!(
        h.input(20, consult("c1", "bob")),
        vec![Output::Notify(Box::new(consult_notification(
            2, "bob", "c1", 140
        )))]
    );
    assert_eq!(
        h.input(30, accept(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Accepted),
            consult_joined("c1", "bob"),
        ]
    );
    assert_eq!(h.location("c1"), assigned_to("ada"), "Ada stays primary");
}

#[test]
fn l4_a_consultant_who_leaves_makes_room_for_another() {
    let names = ["ada", "b1", "b2", "b3", "b4", "b5", "b6"];
    let mut h = with_active(config(Channel::Chat, &names, &[]), "c1", &names[1..]);
    for ((t, id), agent) in (20..).step_by(2).zip(2..).zip(&names[1..6]) {
        h.input(t, consult("c1", agent));
        assert_eq!(
            h.input(t + 1, accept(id)),
            vec![
                ended(id, agent, "c1", NotificationEnd::Accepted),
                consult_joined("c1", agent),
            ]
        );
    }
    assert_eq!(
        h.try_input(40, consult("c1", "b6")).unwrap_err(),
        InputError::ConsultUnavailable {
            item: "c1".into(),
            agent: "b6".into(),
            reason: "the consult is full"
        }
    );
    assert_eq!(
        h.input(41, leave_consult("c1", "b1")),
        vec![consult_ended("c1", "b1")]
    );
    assert_eq!(
        h.input(42, consult("c1", "b6")),
        vec![Output::Notify(Box::new(consult_notification(
            7, "b6", "c1", 162
        )))]
    );
}

#[test]
fn l4_consults_end_when_the_conversation_is_parked_or_transferred() {
    // Parked (Active → Waiting): pending requests rescinded, consultants leave.
    let mut h = with_active(
        config(Channel::PersistentChat, &["ada", "bob", "cy"], &[]),
        "p1",
        &["bob", "cy"],
    );
    h.input(20, consult("p1", "bob"));
    h.input(21, accept(2));
    h.input(22, consult("p1", "cy"));
    assert_eq!(
        h.input(30, close_session("ada", 1)),
        vec![
            session_closed("ada", 1, "p1"),
            conversation_waiting("p1", "ada"),
            ended(3, "cy", "p1", NotificationEnd::Rescinded),
            consult_ended("p1", "bob"),
            freed("ada"),
        ]
    );
    assert_eq!(
        h.try_input(31, consult("p1", "bob")).unwrap_err(),
        InputError::ConsultUnavailable {
            item: "p1".into(),
            agent: "bob".into(),
            reason: "the conversation is not active"
        }
    );

    // Transferred to a queue: the same.
    let mut h = with_active(
        config(Channel::Chat, &["ada", "cy"], &["bob"]),
        "c1",
        &["cy", "bob"],
    );
    h.input(20, consult("c1", "cy"));
    h.input(21, accept(2));
    assert_eq!(
        h.input(30, transfer_to_queue("c1", "q2")),
        vec![
            session_closed("ada", 1, "c1"),
            consult_ended("c1", "cy"),
            transferred_to_queue("c1", "ada", "q2"),
            freed("ada"),
            Output::Notify(Box::new(transfer_notification(3, "bob", "c1", 150))),
        ]
    );
}

// ---------------------------------------------------------------------------
// L5: escalation from a bot
// ---------------------------------------------------------------------------

#[test]
fn l5_bot_escalation_is_offered_as_an_alert_with_the_bot_context_as_slugs() {
    let mut cfg = config(Channel::Chat, &["ada"], &[]);
    cfg.templates.push(
        Template::new("Bot handoff")
            .with_title("Bot: {botTopic}")
            .with_field("Summary", "{botSummary}")
            .with_field("Language", "{visitorLanguage}")
            .with_field("Sentiment", "{botSentiment}"),
    );
    cfg.templates.push(
        Template::new("Bot handoff known")
            .with_title("{customerName} via bot: {botTopic}")
            .with_field("Summary", "{botSummary}"),
    );
    let templates = &mut cfg.workstreams[0].templates;
    templates.insert(Scenario::IncomingUnauthenticated, "Bot handoff".into());
    templates.insert(Scenario::IncomingAuthenticated, "Bot handoff known".into());
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));

    let context = |topic: &str, summary: &str| {
        [
            ("botTopic", topic),
            ("botSummary", summary),
            ("visitorLanguage", "fr"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    };
    let from_bot = WorkItem {
        escalated_from_bot: true,
        context: context("refund", "Order 42 arrived broken"),
        ..WorkItem::new("c1", "ws", "q")
    };
    assert_eq!(
        h.input(1, Input::WorkArrived(Box::new(from_bot))),
        vec![
            queued("c1"),
            Output::Notify(Box::new(Notification {
                title: "Bot: refund".into(),
                fields: fields(&[
                    ("Summary", "Order 42 arrived broken"),
                    ("Language", "fr"),
                    ("Sentiment", ""),
                ]),
                unresolved: vec!["botSentiment".into()].into(),
                ..template_alert(1, "c1", "Bot handoff", 121)
            })),
        ]
    );
    // Like any incoming Alert: accepted, it is Active.
    h.input(2, accept(1));
    assert_eq!(state(&h, "c1"), ConversationState::Active);

    let known = WorkItem {
        escalated_from_bot: true,
        customer: Some(Customer {
            name: "Grace Hopper".into(),
            entity_name: "contact".into(),
            record_id: "C-7".into(),
        }),
        context: context("billing", "Charged twice"),
        ..WorkItem::new("c2", "ws", "q")
    };
    assert_eq!(
        h.input(3, Input::WorkArrived(Box::new(known))),
        vec![
            queued("c2"),
            Output::Notify(Box::new(Notification {
                scenario: Scenario::IncomingAuthenticated,
                title: "Grace Hopper via bot: billing".into(),
                fields: fields(&[("Summary", "Charged twice")]),
                ..template_alert(2, "c2", "Bot handoff known", 123)
            })),
        ]
    );
}

#[test]
fn l5_voice_call_handed_over_by_a_bot_is_an_alert_with_its_context() {
    let mut cfg = config(Channel::Voice, &["ada"], &[]);
    cfg.templates.push(
        Template::new("IVR handoff")
            .with_title("IVR: {botIntent}")
            .with_field("Account", "{accountNumber}"),
    );
    cfg.workstreams[0]
        .templates
        .insert(Scenario::IncomingUnauthenticated, "IVR handoff".into());
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    let call = WorkItem {
        escalated_from_bot: true,
        context: [("botIntent", "card lost"), ("accountNumber", "12-345")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        ..WorkItem::new("v1", "ws", "q")
    };
    assert_eq!(
        h.input(5, Input::WorkArrived(Box::new(call))),
        vec![
            queued("v1"),
            Output::Notify(Box::new(Notification {
                title: "IVR: card lost".into(),
                fields: fields(&[("Account", "12-345")]),
                ..template_alert(1, "v1", "IVR handoff", 125)
            })),
        ]
    );
    assert_eq!(
        h.input(6, reject(1)),
        vec![
            ended(1, "ada", "v1", NotificationEnd::Rejected),
            rerouted("v1", "ada", RerouteReason::Rejected),
            Output::Notify(Box::new(Notification {
                title: "IVR: card lost".into(),
                fields: fields(&[("Account", "12-345")]),
                ..template_alert(2, "v1", "IVR handoff", 126)
            })),
        ]
    );
}

// ---------------------------------------------------------------------------
// L6: supervisor actions
// ---------------------------------------------------------------------------

#[test]
fn l6_supervisor_assign_overrides_presence_and_capacity_reports_the_overage_and_shows_a_toast() {
    let mut cfg = config(Channel::Chat, &["ada"], &[]);
    cfg.agents[0].capacity_units = 10;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(1, work("c1"));
    h.input(5, accept(1));
    assert_eq!(h.presence("ada"), presences::BUSY_DND);
    h.input(6, set_presence("ada", presences::AWAY));
    // Nobody may take c2 by routing: Ada is Away and full.
    assert_eq!(h.input(10, work("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(20, supervisor_assign("c2", "ada")),
        vec![
            Output::Notify(Box::new(supervisor_toast(2, "ada", "c2", 140))),
            forced(
                "c2",
                "ada",
                Some(Overage {
                    units: 10,
                    profiles: vec![]
                })
            ),
        ]
    );
    assert_eq!(state(&h, "c2"), ConversationState::Active);
    assert_eq!(h.location("c2"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (20, 0, 2));
    assert_eq!(h.presence("ada"), presences::AWAY);
    // The Toast informs; its time running out opens the session (T7).
    assert_eq!(h.advance_to(139), vec![]);
    assert_eq!(
        h.advance_to(140),
        at_secs(
            140,
            vec![
                ended(2, "ada", "c2", NotificationEnd::TimedOut),
                session_opened("ada", 2, "c2"),
            ]
        )
    );
    assert_eq!(h.location("c2"), assigned_to("ada"));
}

#[test]
fn l6_supervisor_assign_reports_a_profile_overage() {
    let mut cfg = config(Channel::Chat, &["ada"], &[]);
    cfg.capacity_profiles = vec![CapacityProfile::new("chats", 1)];
    cfg.workstreams[0].capacity_profiles = vec!["chats".into()];
    cfg.agents[0].capacity_profiles = vec![AgentProfile::new("chats")];
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(1, work("c1"));
    h.input(5, accept(1));
    assert_eq!(h.input(10, work("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(20, supervisor_assign("c2", "ada")),
        vec![
            Output::Notify(Box::new(supervisor_toast(2, "ada", "c2", 140))),
            forced(
                "c2",
                "ada",
                Some(Overage {
                    units: 0,
                    profiles: vec!["chats".into()]
                })
            ),
        ]
    );
    assert_eq!(
        h.input(30, open(2)),
        vec![
            ended(2, "ada", "c2", NotificationEnd::Opened),
            session_opened("ada", 2, "c2"),
        ]
    );
}

#[test]
fn l6_supervisor_assign_of_an_offered_item_rescinds_the_offer() {
    let mut h = Harness::new(config(Channel::Chat, &["ada", "bob"], &[]));
    h.input(0, sign_in("ada"));
    h.input(1, sign_in("bob"));
    assert_eq!(
        h.input(2, work("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 122)]
    );
    assert_eq!(
        h.input(5, supervisor_assign("c1", "bob")),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rescinded),
            Output::Notify(Box::new(supervisor_toast(2, "bob", "c1", 125))),
            forced("c1", "bob", None),
            busy("bob"),
        ]
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(load(&h, "bob"), (10, 0, 1));
    assert_eq!(
        h.try_input(6, accept(1)).unwrap_err(),
        InputError::NotificationClosed(n(1))
    );
}

#[test]
fn l6_supervisor_assign_needs_open_work_and_a_signed_in_agent() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &[]);
    assert_eq!(
        h.try_input(20, supervisor_assign("c1", "ada")).unwrap_err(),
        invalid("c1", ConversationState::Active, ConversationState::Active)
    );
    h.input(21, work("c2"));
    assert_eq!(
        h.try_input(22, supervisor_assign("c2", "bob")).unwrap_err(),
        InputError::NotSignedIn("bob".into())
    );
}

#[test]
fn l6_supervisor_transfers_an_active_conversation_to_a_queue() {
    let mut h = with_active(config(Channel::Chat, &["ada"], &["bob"]), "c1", &["bob"]);
    assert_eq!(
        h.input(30, supervisor_transfer("c1", to_queue("q2"))),
        vec![
            session_closed("ada", 1, "c1"),
            transferred_to_queue("c1", "ada", "q2"),
            freed("ada"),
            Output::Notify(Box::new(transfer_notification(2, "bob", "c1", 150))),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Open);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
}

#[test]
fn l6_supervisor_transfers_an_active_conversation_to_an_agent_without_a_consult() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    h.input(12, set_presence("bob", presences::AWAY));
    assert_eq!(
        h.input(20, supervisor_transfer("c1", to_agent("bob"))),
        vec![
            session_closed("ada", 1, "c1"),
            primary_changed("c1", "ada", "bob"),
            Output::Notify(Box::new(transfer_toast(2, "bob", "c1", 140))),
            forced("c1", "bob", None),
            freed("ada"),
        ]
    );
    assert_eq!(state(&h, "c1"), ConversationState::Active);
    assert_eq!(h.location("c1"), assigned_to("bob"));
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(load(&h, "bob"), (10, 0, 1));
    assert_eq!(
        h.input(30, open(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Opened),
            session_opened("bob", 2, "c1"),
        ]
    );
}

#[test]
fn l6_supervisor_transfers_a_waiting_conversation_to_an_agent() {
    let mut h = with_active(
        config(Channel::PersistentChat, &["ada", "bob"], &[]),
        "p1",
        &["bob"],
    );
    h.input(30, close_session("ada", 1));
    assert_eq!(state(&h, "p1"), ConversationState::Waiting);
    assert_eq!(
        h.input(40, supervisor_transfer("p1", to_agent("bob"))),
        vec![
            primary_changed("p1", "ada", "bob"),
            Output::Notify(Box::new(transfer_toast(2, "bob", "p1", 160))),
            forced("p1", "bob", None),
            busy("bob"),
        ]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Active);
    assert_eq!(h.location("p1"), assigned_to("bob"));
    // Bob now owns it: parked again, it waits for Bob.
    h.input(50, open(2));
    assert_eq!(
        h.input(60, close_session("bob", 2)),
        vec![
            session_closed("bob", 2, "p1"),
            conversation_waiting("p1", "bob"),
            freed("bob"),
        ]
    );
}

#[test]
fn l6_supervisor_transfers_a_waiting_conversation_to_a_queue() {
    let mut h = with_active(
        config(Channel::PersistentChat, &["ada"], &["bob"]),
        "p1",
        &["bob"],
    );
    h.input(30, close_session("ada", 1));
    assert_eq!(
        h.input(40, supervisor_transfer("p1", to_queue("q2"))),
        vec![
            transferred_to_queue("p1", "ada", "q2"),
            Output::Notify(Box::new(transfer_notification(2, "bob", "p1", 160))),
        ]
    );
    assert_eq!(state(&h, "p1"), ConversationState::Open);
}

#[test]
fn l6_supervisor_transfer_needs_an_active_or_waiting_conversation() {
    let mut h = with_active(config(Channel::Chat, &["ada", "bob"], &[]), "c1", &["bob"]);
    h.input(20, end("c1"));
    assert_eq!(
        h.try_input(21, supervisor_transfer("c1", to_agent("bob")))
            .unwrap_err(),
        invalid("c1", ConversationState::WrapUp, ConversationState::Open)
    );
    assert_eq!(
        h.input(23, work("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 143)]
    );
    assert_eq!(
        h.try_input(24, supervisor_transfer("c2", to_queue("q")))
            .unwrap_err(),
        invalid("c2", ConversationState::Open, ConversationState::Open)
    );
}

#[test]
fn l6_supervisor_close_force_closes_a_conversation_in_any_state() {
    let cfg = Config {
        workstreams: vec![
            Workstream::new("ws", Channel::Chat),
            Workstream::new("pc", Channel::PersistentChat),
        ],
        queues: vec![Queue::new("q", [AgentId::new("ada")])],
        agents: vec![Agent::new("ada")],
        ..Config::default()
    };
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(1, work("active"));
    h.input(2, accept(1)); // session 1
    h.input(3, work("wrap"));
    h.input(4, accept(2)); // session 2
    h.input(5, end("wrap"));
    h.input(6, work_in("waiting", "pc"));
    h.input(7, accept(3)); // session 3
    h.input(8, close_session("ada", 3));
    h.input(9, work("offered")); // notification 4, pending
    h.input(10, set_presence("ada", presences::AWAY));
    h.input(11, work("queued"));
    assert_eq!(
        ["queued", "offered", "active", "wrap", "waiting"].map(|i| state(&h, i)),
        [
            ConversationState::Open,
            ConversationState::Open,
            ConversationState::Active,
            ConversationState::WrapUp,
            ConversationState::Waiting,
        ]
    );

    assert_eq!(
        h.input(20, supervisor_close("queued")),
        vec![closed("queued", CloseReason::ForceClosed)]
    );
    assert_eq!(
        h.input(21, supervisor_close("offered")),
        vec![
            closed("offered", CloseReason::ForceClosed),
            ended(4, "ada", "offered", NotificationEnd::Rescinded),
        ]
    );
    assert_eq!(
        h.try_input(22, accept(4)).unwrap_err(),
        InputError::NotificationClosed(n(4))
    );
    assert_eq!(
        h.input(23, supervisor_close("active")),
        vec![
            closed("active", CloseReason::ForceClosed),
            session_closed("ada", 1, "active"),
        ]
    );
    assert_eq!(
        h.input(24, supervisor_close("wrap")),
        vec![
            closed("wrap", CloseReason::ForceClosed),
            session_closed("ada", 2, "wrap"),
        ]
    );
    assert_eq!(
        h.input(25, supervisor_close("waiting")),
        vec![closed("waiting", CloseReason::ForceClosed)]
    );
    for item in ["queued", "offered", "active", "wrap", "waiting"] {
        assert_eq!(state(&h, item), ConversationState::Closed, "{item}");
        assert_eq!(h.location(item), WorkLocation::Closed, "{item}");
    }
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(h.sb.pending_deadlines(), 0);
    assert_eq!(
        h.try_input(30, supervisor_close("active")).unwrap_err(),
        invalid(
            "active",
            ConversationState::Closed,
            ConversationState::Closed
        )
    );
}

#[test]
fn l6_supervisor_close_rescinds_pending_consult_and_transfer_requests() {
    let mut h = with_transfer_requested(&["ada", "bob", "cy"]);
    assert_eq!(
        h.input(23, consult("c1", "cy")),
        vec![Output::Notify(Box::new(consult_notification(
            4, "cy", "c1", 143
        )))]
    );
    assert_eq!(
        h.input(30, supervisor_close("c1")),
        vec![
            ended(3, "bob", "c1", NotificationEnd::Rescinded),
            closed("c1", CloseReason::ForceClosed),
            ended(4, "cy", "c1", NotificationEnd::Rescinded),
            consult_ended("c1", "bob"),
            session_closed("ada", 1, "c1"),
            freed("ada"),
        ]
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    for id in [3, 4] {
        assert_eq!(
            h.try_input(31, accept(id)).unwrap_err(),
            InputError::NotificationClosed(n(id))
        );
    }
}

// ---------------------------------------------------------------------------
// Forgetting closed work (ours)
// ---------------------------------------------------------------------------

#[test]
fn forget_closed_drops_closed_ids_and_leaves_open_work() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, chat("c2"));
    h.input(3, Input::CustomerLeft { item: "c1".into() });
    let c1 = WorkItemId::new("c1");
    let closed_again = InputError::InvalidTransition {
        item: c1.clone(),
        from: ConversationState::Closed,
        to: ConversationState::Closed,
    };
    let left = || Input::CustomerLeft { item: "c1".into() };
    assert_eq!(h.try_input(4, left()), Err(closed_again));
    assert_eq!(
        h.try_input(4, chat("c1")),
        Err(InputError::DuplicateId(c1.clone()))
    );

    assert_eq!(h.input(5, Input::ForgetClosed), vec![]);
    assert_eq!(
        h.sb.work_items().cloned().collect::<Vec<_>>(),
        vec![WorkItemId::new("c2")]
    );
    assert_eq!(h.sb.conversation_state(&c1), None);
    assert_eq!(h.try_input(6, left()), Err(InputError::UnknownWorkItem(c1)));
    assert_eq!(
        h.location("c2"),
        WorkLocation::Offered {
            agent: "ada".into(),
            notification: n(2)
        }
    );
    // The id is free again: c1 arrives as new work and is offered anew.
    h.input(7, chat("c1"));
    assert_eq!(
        h.location("c1"),
        WorkLocation::Offered {
            agent: "ada".into(),
            notification: n(3)
        }
    );
}
