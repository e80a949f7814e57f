//! Bad input (V1, V2): every refusal is a typed error naming what was wrong,
//! changes nothing and loses nothing; plus the configuration errors of D1.
#![allow(clippy::too_many_lines)]

mod common;
use common::*;

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, TimeDelta, Utc};
use indexmap::IndexMap;
use switchboard::{
    Agent, AgentId, AlertKind, BaseStatus, Channel, Config, ConfigError, Contact,
    ConversationState, Customer, DesktopMode, DesktopNotification, Distribution, Experience,
    IdKind, Input, InputError, NotificationEnd, NotificationId, Output, Presence, PresenceReason,
    Queue, RerouteReason, Scenario, SessionId, Switchboard, Template, WorkItem, WorkItemId,
    WorkLocation, Workstream,
};

// ---------------------------------------------------------------- helpers

/// ada and bob serve queue `q`; cy serves `desk`; queue `empty` has no
/// members. Workstreams: `chat`; `strict` (template without a reject
/// button); `cases` (records); `desktop` (template always on the desktop).
fn config() -> Config {
    let mut config = chat_config(&["ada", "bob"]);
    config.agents.push(Agent::new("cy"));
    config.templates.push(
        Template::new("No reject")
            .with_title("Strict")
            .with_reject_button(false),
    );
    config.templates.push(
        Template::new("Desk")
            .with_title("Desk")
            .with_desktop(DesktopMode::Always),
    );
    let mut strict = Workstream::new("strict", Channel::Chat);
    strict
        .templates
        .insert(Scenario::IncomingUnauthenticated, "No reject".into());
    let mut desktop = Workstream::new("desktop", Channel::Chat);
    desktop
        .templates
        .insert(Scenario::IncomingUnauthenticated, "Desk".into());
    config.workstreams.push(strict);
    config
        .workstreams
        .push(Workstream::new("cases", Channel::Record));
    config.workstreams.push(desktop);
    config.queues.push(Queue::new("desk", ["cy".into()]));
    config.queues.push(Queue::new("empty", []));
    config
}

fn arrive(id: &str, workstream: &str, queue: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, workstream, queue)))
}

fn agent(id: &str) -> AgentId {
    AgentId::new(id)
}

/// Every item and where it is.
fn locations(sb: &Switchboard) -> Vec<(WorkItemId, Option<WorkLocation>)> {
    sb.work_items()
        .map(|w| (w.clone(), sb.work_location(w)))
        .collect()
}

/// Runs `setup` in two harnesses; feeds each refused input of `bad` to the
/// first only, asserting its exact error (the harness asserts the state is
/// unchanged and nothing was queued), while the twin only advances its
/// clock; then feeds `after` to both and asserts they ran identically.
/// Returns the outputs of `after`.
fn refused_changes_nothing(
    config: &Config,
    setup: &[(i64, Input)],
    bad: &[(i64, Input, InputError)],
    after: &[(i64, Input)],
) -> Vec<Output> {
    let mut h = Harness::new(config.clone());
    let mut twin = Harness::new(config.clone());
    for (secs, input) in setup {
        h.input(*secs, input.clone());
        twin.input(*secs, input.clone());
    }
    for (secs, input, error) in bad {
        assert_eq!(
            h.try_input(*secs, input.clone()),
            Err(error.clone()),
            "{input:?}"
        );
        twin.advance_to(*secs);
        assert_eq!(h.sb, twin.sb, "{input:?}");
    }
    let mut out = Vec::new();
    for (secs, input) in after {
        let a = h.input(*secs, input.clone());
        let b = twin.input(*secs, input.clone());
        assert_eq!(a, b, "{input:?}");
        out.extend(a);
    }
    assert_eq!(h.log, twin.log);
    assert_eq!(h.sb, twin.sb);
    out
}

/// ada and bob sign in at 0 s.
fn two_signed_in() -> Vec<(i64, Input)> {
    vec![(0, sign_in("ada")), (0, sign_in("bob"))]
}

// ---------------------------------------------------------------- V1: one test per InputError variant

#[test]
fn v1_clock_went_backwards_is_refused_and_changes_nothing() {
    let mut sb = Switchboard::new(config()).expect("valid");
    sb.handle(at(0), sign_in("ada")).expect("sign in");
    sb.handle(at(100), chat("c1")).expect("arrive");
    while sb.poll_output().is_some() {}
    let twin = sb.clone();
    let backwards = InputError::ClockWentBackwards {
        now: at(50),
        latest: at(100),
    };
    for input in [sign_in("bob"), accept(1), reject(1), chat("c2")] {
        assert_eq!(sb.handle(at(50), input), Err(backwards.clone()));
    }
    assert_eq!(sb.tick(at(50)), Err(backwards.clone()));
    assert_eq!(sb.tick(at(99)).unwrap_err().to_string(), {
        "clock went backwards: 2026-11-24 09:01:39 UTC is before 2026-11-24 09:01:40 UTC"
    });
    assert_eq!(
        backwards.to_string(),
        "clock went backwards: 2026-11-24 09:00:50 UTC is before 2026-11-24 09:01:40 UTC"
    );
    assert_eq!(sb, twin);
    assert_eq!(sb.poll_output(), None);

    // The same following inputs give the same outputs as in the twin.
    let mut twin = twin;
    for engine in [&mut sb, &mut twin] {
        engine.handle(at(101), accept(1)).expect("accept");
    }
    let drained =
        |sb: &mut Switchboard| std::iter::from_fn(|| sb.poll_output()).collect::<Vec<_>>();
    let out = drained(&mut sb);
    assert_eq!(out, drained(&mut twin));
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(sb, twin);
}

#[test]
fn v1_time_out_of_range_is_refused_and_changes_nothing() {
    let mut sb = Switchboard::new(config()).expect("valid");
    sb.handle(at(0), sign_in("ada")).expect("sign in");
    sb.handle(at(0), chat("c1")).expect("arrive");
    while sb.poll_output().is_some() {}
    let twin = sb.clone();
    let max = DateTime::<Utc>::MAX_UTC;
    for now in [max, max - TimeDelta::seconds(30)] {
        let error = InputError::TimeOutOfRange { now };
        assert_eq!(sb.handle(now, accept(1)), Err(error.clone()));
        assert_eq!(sb.handle(now, chat("c2")), Err(error.clone()));
        assert_eq!(sb.tick(now), Err(error.clone()));
        assert_eq!(sb, twin);
        assert_eq!(sb.poll_output(), None);
    }
    assert_eq!(
        InputError::TimeOutOfRange { now: max }.to_string(),
        format!("time {max} is too close to the end of the representable range")
    );
    // Nothing moved: the offer is still live, and the deadline fires as usual.
    assert_eq!(sb.poll_timeout(), Some(at(120)));
    sb.handle(at(5), displayed(1)).expect("display");
    sb.tick(at(120)).expect("tick");
    assert_eq!(
        std::iter::from_fn(|| sb.poll_output()).collect::<Vec<_>>(),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Expired),
            rerouted("c1", "ada", RerouteReason::Expired),
            // ada, the only one signed in, is offered it again.
            chat_alert(2, "ada", "c1", 240),
        ]
    );
}

#[test]
fn v1_unknown_agent_is_refused_and_changes_nothing() {
    let unknown = |who: &str| InputError::UnknownAgent(agent(who));
    let mut bad = Vec::new();
    for who in ["ghost", "", "ADA", "ada "] {
        let a = || AgentId::new(who);
        for input in [
            Input::AgentSignedIn { agent: a() },
            Input::AgentSignedOut { agent: a() },
            set_presence(who, "Away"),
            Input::ResetPresence { agent: a() },
            Input::SupervisorResetPresence { agent: a() },
            Input::AppFocusChanged {
                agent: a(),
                in_focus: false,
            },
            Input::DesktopPermission {
                agent: a(),
                granted: true,
            },
            Input::ClientDisconnected { agent: a() },
            Input::ClientReconnected { agent: a() },
            Input::AgentOpenedSession { agent: a() },
            Input::AgentClosedSession {
                agent: a(),
                session: SessionId(1),
            },
        ] {
            bad.push((5, input, unknown(who)));
        }
    }
    assert_eq!(unknown("ghost").to_string(), "unknown agent ghost");
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (
                0,
                Input::AgentOpenedSession {
                    agent: agent("ada"),
                },
            ),
        ],
        &bad,
        &[(6, sign_in("bob")), (7, chat("c1"))],
    );
    assert_eq!(
        out,
        vec![
            presence_changed("bob", "Offline", "Available", PresenceReason::SignedIn),
            queued("c1"),
            // Both have every unit free and no assignment yet: queue order.
            chat_alert(1, "ada", "c1", 127),
        ]
    );
}

#[test]
fn v1_unknown_work_item_is_refused_and_changes_nothing() {
    let mut bad = Vec::new();
    for id in ["nope", "", "C1"] {
        let item = || WorkItemId::new(id);
        for input in [
            Input::CustomerLeft { item: item() },
            Input::ConversationEnded { item: item() },
            Input::ConversationClosed { item: item() },
            Input::OpenWork { item: item() },
        ] {
            bad.push((5, input, InputError::UnknownWorkItem(item())));
        }
    }
    assert_eq!(
        InputError::UnknownWorkItem("nope".into()).to_string(),
        "unknown work item nope"
    );
    let out = refused_changes_nothing(
        &config(),
        &[(0, sign_in("ada")), (1, chat("c1"))],
        &bad,
        &[(6, accept(1)), (7, end("c1"))],
    );
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
            Output::WrapUpStarted {
                item: "c1".into(),
                agent: "ada".into()
            },
        ]
    );
}

#[test]
fn v1_unknown_notification_is_refused_and_changes_nothing() {
    let mut bad = Vec::new();
    for id in [0, 2, 3, u64::MAX] {
        for input in [
            accept(id),
            reject(id),
            open(id),
            displayed(id),
            Input::DesktopNotificationClicked {
                notification: n(id),
            },
        ] {
            bad.push((5, input, InputError::UnknownNotification(n(id))));
        }
    }
    assert_eq!(
        InputError::UnknownNotification(n(7)).to_string(),
        "unknown notification 7"
    );
    let out = refused_changes_nothing(
        &config(),
        &[(0, sign_in("ada")), (1, chat("c1"))],
        &bad,
        &[(6, reject(1))],
    );
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            // ada is the only member signed in: offered again (T6).
            chat_alert(2, "ada", "c1", 126),
        ]
    );
}

#[test]
fn v1_unknown_queue_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &two_signed_in(),
        &[
            (
                5,
                arrive("c1", "chat", "nope"),
                InputError::UnknownQueue("nope".into()),
            ),
            (
                5,
                arrive("c1", "chat", ""),
                InputError::UnknownQueue("".into()),
            ),
            (
                5,
                arrive("c1", "chat", "Q"),
                InputError::UnknownQueue("Q".into()),
            ),
        ],
        // The refused id was not taken: it arrives fine now.
        &[(6, chat("c1"))],
    );
    assert_eq!(out, vec![queued("c1"), chat_alert(1, "ada", "c1", 126)]);
    assert_eq!(
        InputError::UnknownQueue("nope".into()).to_string(),
        "unknown queue nope"
    );
}

#[test]
fn v1_unknown_workstream_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &two_signed_in(),
        &[
            (
                5,
                arrive("c1", "nope", "q"),
                InputError::UnknownWorkstream("nope".into()),
            ),
            (
                5,
                arrive("c1", "", "q"),
                InputError::UnknownWorkstream("".into()),
            ),
        ],
        &[(6, chat("c1"))],
    );
    assert_eq!(out, vec![queued("c1"), chat_alert(1, "ada", "c1", 126)]);
    assert_eq!(
        InputError::UnknownWorkstream("nope".into()).to_string(),
        "unknown workstream nope"
    );
}

#[test]
fn v1_unknown_presence_is_refused_and_changes_nothing() {
    let bad: Vec<_> = ["Lunch", "", "available", "Busy-DND"]
        .into_iter()
        .map(|p| {
            (
                5,
                set_presence("ada", p),
                InputError::UnknownPresence(p.into()),
            )
        })
        .collect();
    let out = refused_changes_nothing(
        &config(),
        &two_signed_in(),
        &bad,
        &[(6, set_presence("ada", "Away"))],
    );
    assert_eq!(
        out,
        vec![presence_changed(
            "ada",
            "Available",
            "Away",
            PresenceReason::Manual
        )]
    );
    assert_eq!(
        InputError::UnknownPresence("Lunch".into()).to_string(),
        r#"unknown presence PresenceId("Lunch")"#
    );
}

#[test]
fn v1_unknown_session_is_refused_and_changes_nothing() {
    let close = |who: &str, session: u64| Input::AgentClosedSession {
        agent: who.into(),
        session: SessionId(session),
    };
    let unknown = |who: &str, session: u64| InputError::UnknownSession {
        agent: who.into(),
        session: SessionId(session),
    };
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (0, sign_in("bob")),
            (
                1,
                Input::AgentOpenedSession {
                    agent: agent("ada"),
                },
            ),
        ],
        &[
            (5, close("ada", 0), unknown("ada", 0)),
            (5, close("ada", 2), unknown("ada", 2)),
            // Someone else's session.
            (5, close("bob", 1), unknown("bob", 1)),
            (5, close("cy", 1), unknown("cy", 1)),
        ],
        &[(6, close("ada", 1))],
    );
    assert_eq!(out, vec![session_closed("ada", 1, None)]);
    // Closed once, it is unknown after.
    let mut h = Harness::new(config());
    h.input(0, sign_in("ada"));
    h.input(
        1,
        Input::AgentOpenedSession {
            agent: agent("ada"),
        },
    );
    h.input(2, close("ada", 1));
    assert_eq!(h.try_input(3, close("ada", 1)), Err(unknown("ada", 1)));
    assert_eq!(
        unknown("ada", 1).to_string(),
        "agent ada holds no open session 1"
    );
}

#[test]
fn v1_empty_id_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &[(0, sign_in("ada"))],
        &[
            (1, chat(""), InputError::EmptyId(IdKind::WorkItem)),
            (
                1,
                Input::ContactUpserted(Contact {
                    name: "Nobody".into(),
                    ..Contact::default()
                }),
                InputError::EmptyId(IdKind::Contact),
            ),
        ],
        &[(2, chat("c1"))],
    );
    assert_eq!(out.first(), Some(&queued("c1")));
    assert!(matches!(out.get(1), Some(Output::Notify(n)) if n.item.as_str() == "c1"));
    assert_eq!(
        InputError::EmptyId(IdKind::WorkItem).to_string(),
        "a work item id may not be empty"
    );
}

#[test]
fn v1_duplicate_id_is_refused_and_changes_nothing() {
    let dup = || InputError::DuplicateId("c1".into());
    let out = refused_changes_nothing(
        &config(),
        &[(0, sign_in("ada")), (1, chat("c1")), (2, chat("c2"))],
        &[
            // While offered.
            (3, chat("c1"), dup()),
            // With other fields: still the same id.
            (3, arrive("c1", "strict", "q"), dup()),
            (
                3,
                Input::WorkArrived(Box::new(WorkItem {
                    priority: -5,
                    ..WorkItem::new("c1", "chat", "q")
                })),
                dup(),
            ),
        ],
        &[(4, Input::CustomerLeft { item: "c1".into() })],
    );
    assert_eq!(
        out,
        vec![
            Output::ConversationClosed {
                item: "c1".into(),
                reason: switchboard::CloseReason::CustomerLeft,
            },
            ended(1, "ada", "c1", NotificationEnd::Rescinded),
        ]
    );
    // Closed items keep their id.
    let mut h = Harness::new(config());
    h.input(0, chat("c1"));
    h.input(1, Input::CustomerLeft { item: "c1".into() });
    assert_eq!(h.try_input(2, chat("c1")), Err(dup()));
    assert_eq!(h.location("c1"), WorkLocation::Closed);
    assert_eq!(dup().to_string(), "work item c1 already exists");
}

#[test]
fn v1_notification_closed_is_refused_and_changes_nothing() {
    let closed = |id: u64| InputError::NotificationClosed(n(id));
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (0, sign_in("bob")),
            (1, chat("c1")),
            (2, accept(1)),
        ],
        &[
            // Answers to an accepted Alert.
            (3, accept(1), closed(1)),
            (3, reject(1), closed(1)),
            (3, open(1), closed(1)),
            (3, displayed(1), closed(1)),
            (
                3,
                Input::DesktopNotificationClicked { notification: n(1) },
                closed(1),
            ),
        ],
        &[(4, end("c1"))],
    );
    assert_eq!(
        out,
        vec![Output::WrapUpStarted {
            item: "c1".into(),
            agent: "ada".into()
        }]
    );

    // An Alert whose deadline passed, ticked or not.
    let mut h = Harness::new(config());
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    let before = h.sb.clone();
    assert_eq!(h.sb.handle(at(120), accept(1)), Err(closed(1)));
    assert_eq!(h.sb, before);
    assert_eq!(h.sb.poll_output(), None);
    assert_eq!(h.try_input(121, accept(1)), Err(closed(1)));
    assert_eq!(h.try_input(121, reject(1)), Err(closed(1)));
    // ...and a Toast that timed out.
    let mut h = Harness::new(config());
    h.input(0, sign_in("cy"));
    h.input(0, arrive("r1", "cases", "desk"));
    h.advance_to(200);
    assert_eq!(h.try_input(200, open(1)), Err(closed(1)));
    assert_eq!(closed(1).to_string(), "notification 1 has already ended");
}

#[test]
fn v1_reject_not_allowed_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (0, sign_in("cy")),
            (1, arrive("s1", "strict", "q")),
            (2, arrive("r1", "cases", "desk")),
        ],
        &[
            // A template without a reject button (T5).
            (3, reject(1), InputError::RejectNotAllowed(n(1))),
            // A record assignment Toast (T5, T8).
            (3, reject(2), InputError::RejectNotAllowed(n(2))),
        ],
        &[(4, accept(1)), (5, open(2))],
    );
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "s1", NotificationEnd::Accepted),
            assigned("s1", "ada", false),
            session_opened("ada", 1, "s1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
            ended(2, "cy", "r1", NotificationEnd::Opened),
            session_opened("cy", 2, "r1"),
        ]
    );
    assert_eq!(
        InputError::RejectNotAllowed(n(1)).to_string(),
        "notification 1 cannot be rejected"
    );
}

#[test]
fn v1_action_not_offered_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (0, sign_in("cy")),
            (1, chat("c1")),
            (2, arrive("r1", "cases", "desk")),
        ],
        &[
            (
                3,
                open(1),
                InputError::ActionNotOffered {
                    notification: n(1),
                    action: "open",
                },
            ),
            (
                3,
                accept(2),
                InputError::ActionNotOffered {
                    notification: n(2),
                    action: "accept",
                },
            ),
        ],
        &[(4, accept(1)), (5, open(2))],
    );
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
            ended(2, "cy", "r1", NotificationEnd::Opened),
            session_opened("cy", 2, "r1"),
        ]
    );
    assert_eq!(
        InputError::ActionNotOffered {
            notification: n(2),
            action: "accept"
        }
        .to_string(),
        "notification 2 does not offer accept"
    );
}

#[test]
fn v1_not_on_desktop_is_refused_and_changes_nothing() {
    let click = |id: u64| Input::DesktopNotificationClicked {
        notification: n(id),
    };
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (0, sign_in("bob")),
            // In-app template: never on the desktop (to ada).
            (1, chat("c1")),
            // Desktop template, but bob never granted permission (N6).
            (2, arrive("d1", "desktop", "q")),
        ],
        &[
            (3, click(1), InputError::NotOnDesktop(n(1))),
            (3, click(2), InputError::NotOnDesktop(n(2))),
        ],
        // ada grants permission: her copy goes to the desktop.
        &[
            (
                4,
                Input::DesktopPermission {
                    agent: agent("ada"),
                    granted: true,
                },
            ),
            (5, arrive("d2", "desktop", "q")),
            (6, click(3)),
        ],
    );
    assert_eq!(out.len(), 3, "{out:?}");
    match &out[1] {
        Output::Notify(notification) => {
            assert_eq!(notification.agent.as_str(), "ada");
            assert_eq!(notification.id, n(3));
            // The default icon is an SVG: none on the desktop (N6).
            assert_eq!(
                notification.desktop,
                Some(DesktopNotification { icon: None })
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        out[2],
        Output::BringToFront {
            agent: "ada".into(),
            notification: n(3),
        }
    );
    assert_eq!(
        InputError::NotOnDesktop(n(1)).to_string(),
        "notification 1 was not shown on the desktop"
    );
}

#[test]
fn v1_invalid_transition_is_refused_and_changes_nothing() {
    use ConversationState::{Active, Closed, Open, Waiting, WrapUp};
    let invalid = |item: &str, from, to| InputError::InvalidTransition {
        item: item.into(),
        from,
        to,
    };
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (1, chat("c1")),
            (2, accept(1)),
            (3, chat("c2")),
            (4, chat("c3")),
            (5, accept(3)),
            (6, end("c3")),
            (7, chat("c4")),
            (8, Input::CustomerLeft { item: "c4".into() }),
        ],
        &[
            // Open → WrapUp.
            (10, end("c2"), invalid("c2", Open, WrapUp)),
            // Active → Closed is for records only.
            (10, close("c1"), invalid("c1", Active, Closed)),
            // WrapUp → WrapUp.
            (10, end("c3"), invalid("c3", WrapUp, WrapUp)),
            // Anything from Closed.
            (10, end("c4"), invalid("c4", Closed, WrapUp)),
            (10, close("c4"), invalid("c4", Closed, Closed)),
            (
                10,
                Input::CustomerLeft { item: "c4".into() },
                invalid("c4", Closed, Closed),
            ),
            // Active → Waiting is for asynchronous channels only (L1).
            (
                10,
                Input::AgentClosedSession {
                    agent: agent("ada"),
                    session: SessionId(1),
                },
                invalid("c1", Active, Waiting),
            ),
        ],
        &[(11, close("c3")), (12, end("c1"))],
    );
    assert_eq!(
        out,
        vec![
            Output::ConversationClosed {
                item: "c3".into(),
                reason: switchboard::CloseReason::Closed,
            },
            session_closed("ada", 2, "c3"),
            Output::WrapUpStarted {
                item: "c1".into(),
                agent: "ada".into()
            },
        ]
    );
    assert_eq!(
        invalid("c2", Open, WrapUp).to_string(),
        "work item c2 cannot go from Open to WrapUp"
    );
}

#[test]
fn v1_nothing_to_open_is_refused_and_changes_nothing() {
    let nothing = |item: &str| InputError::NothingToOpen(item.into());
    let open_work = |item: &str| Input::OpenWork { item: item.into() };
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (1, chat("c1")),
            (2, accept(1)),
            (3, chat("c2")),
            (4, chat("c3")),
            (5, Input::CustomerLeft { item: "c3".into() }),
        ],
        &[
            // Already opened.
            (10, open_work("c1"), nothing("c1")),
            // Offered, not assigned.
            (10, open_work("c2"), nothing("c2")),
            // Closed.
            (10, open_work("c3"), nothing("c3")),
        ],
        // c2 unseen past its deadline (123 s): assigned unopened, so it opens.
        &[(200, open_work("c2"))],
    );
    assert_eq!(out, vec![session_opened("ada", 2, "c2")]);
    // Past the unseen-reroute deadline it is too late, ticked or not.
    let mut h = Harness::new(config());
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.advance_to(120);
    let before = h.sb.clone();
    assert_eq!(h.sb.handle(at(600), open_work("c1")), Err(nothing("c1")));
    assert_eq!(h.sb, before);
    assert_eq!(
        nothing("c1").to_string(),
        "work item c1 is not assigned and waiting to be opened"
    );
}

#[test]
fn v1_presence_not_selectable_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &two_signed_in(),
        &[(
            5,
            set_presence("ada", "Inactive"),
            InputError::PresenceNotSelectable("Inactive".into()),
        )],
        &[(6, set_presence("ada", "Busy - DND"))],
    );
    assert_eq!(
        out,
        vec![presence_changed(
            "ada",
            "Available",
            "Busy - DND",
            PresenceReason::Manual
        )]
    );
    assert_eq!(
        InputError::PresenceNotSelectable("Inactive".into()).to_string(),
        r#"presence PresenceId("Inactive") is set by the system only"#
    );
}

#[test]
fn v1_not_signed_in_is_refused_and_changes_nothing() {
    let not = || InputError::NotSignedIn(agent("cy"));
    let out = refused_changes_nothing(
        &config(),
        &two_signed_in(),
        &[
            (5, Input::AgentSignedOut { agent: agent("cy") }, not()),
            (5, set_presence("cy", "Available"), not()),
            (5, Input::ResetPresence { agent: agent("cy") }, not()),
            (
                5,
                Input::SupervisorResetPresence { agent: agent("cy") },
                not(),
            ),
            (5, Input::ClientDisconnected { agent: agent("cy") }, not()),
            (5, Input::ClientReconnected { agent: agent("cy") }, not()),
            (5, Input::AgentOpenedSession { agent: agent("cy") }, not()),
        ],
        &[(6, sign_in("cy"))],
    );
    assert_eq!(
        out,
        vec![presence_changed(
            "cy",
            "Offline",
            "Available",
            PresenceReason::SignedIn
        )]
    );
    assert_eq!(not().to_string(), "agent cy is not signed in");
}

#[test]
fn v1_already_signed_in_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &[(0, sign_in("ada")), (1, chat("c1"))],
        &[
            (5, sign_in("ada"), InputError::AlreadySignedIn(agent("ada"))),
            (6, sign_in("ada"), InputError::AlreadySignedIn(agent("ada"))),
        ],
        &[(7, accept(1))],
    );
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(
        InputError::AlreadySignedIn(agent("ada")).to_string(),
        "agent ada is already signed in"
    );
}

#[test]
fn v1_disconnected_is_refused_and_changes_nothing() {
    let dis = || InputError::Disconnected(agent("ada"));
    let out = refused_changes_nothing(
        &config(),
        &[
            (0, sign_in("ada")),
            (
                1,
                Input::ClientDisconnected {
                    agent: agent("ada"),
                },
            ),
        ],
        &[
            (
                5,
                Input::ClientDisconnected {
                    agent: agent("ada"),
                },
                dis(),
            ),
            (5, set_presence("ada", "Away"), dis()),
            (
                5,
                Input::ResetPresence {
                    agent: agent("ada"),
                },
                dis(),
            ),
        ],
        &[(
            6,
            Input::ClientReconnected {
                agent: agent("ada"),
            },
        )],
    );
    assert_eq!(
        out,
        vec![presence_changed(
            "ada",
            "Offline",
            "Available",
            PresenceReason::Reconnected
        )]
    );
    assert_eq!(dis().to_string(), "agent ada is disconnected");
}

#[test]
fn v1_not_disconnected_is_refused_and_changes_nothing() {
    let out = refused_changes_nothing(
        &config(),
        &two_signed_in(),
        &[(
            5,
            Input::ClientReconnected {
                agent: agent("ada"),
            },
            InputError::NotDisconnected(agent("ada")),
        )],
        &[(
            6,
            Input::ClientDisconnected {
                agent: agent("ada"),
            },
        )],
    );
    assert_eq!(
        out,
        vec![presence_changed(
            "ada",
            "Available",
            "Offline",
            PresenceReason::Disconnected
        )]
    );
    assert_eq!(
        InputError::NotDisconnected(agent("ada")).to_string(),
        "agent ada is connected"
    );
}

#[test]
fn v1_no_penalty_is_refused_and_changes_nothing() {
    let mut config = config();
    config.org.agent_reject_rule = true;
    let no = || InputError::NoPenalty(agent("ada"));
    let out = refused_changes_nothing(
        &config,
        &[
            (0, sign_in("ada")),
            (1, set_presence("ada", "Away")),
            (2, chat("c1")),
        ],
        &[
            // A manual Away is no penalty.
            (
                5,
                Input::ResetPresence {
                    agent: agent("ada"),
                },
                no(),
            ),
            (
                5,
                Input::SupervisorResetPresence {
                    agent: agent("ada"),
                },
                no(),
            ),
        ],
        &[
            (6, set_presence("ada", "Available")),
            (7, reject(1)),
            (
                8,
                Input::ResetPresence {
                    agent: agent("ada"),
                },
            ),
        ],
    );
    assert_eq!(
        out[..6],
        [
            presence_changed("ada", "Away", "Available", PresenceReason::Manual),
            chat_alert(1, "ada", "c1", 126),
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            presence_changed("ada", "Available", "Busy - DND", PresenceReason::Rejected),
            dashboard_alert("ada", AlertKind::Rejected, "c1"),
        ]
    );
    assert_eq!(
        out[6],
        presence_changed("ada", "Busy - DND", "Available", PresenceReason::AgentReset)
    );
    assert_eq!(
        no().to_string(),
        "agent ada has no presence penalty to reset"
    );
}

#[test]
fn v1_session_limit_reached_is_refused_and_changes_nothing() {
    let mut config = config();
    config.org.session_limit = 2;
    let open_own = || Input::AgentOpenedSession {
        agent: agent("ada"),
    };
    let out = refused_changes_nothing(
        &config,
        &[(0, sign_in("ada")), (1, open_own()), (2, open_own())],
        &[
            (5, open_own(), InputError::SessionLimitReached(agent("ada"))),
            (6, open_own(), InputError::SessionLimitReached(agent("ada"))),
        ],
        &[
            (
                7,
                Input::AgentClosedSession {
                    agent: agent("ada"),
                    session: SessionId(2),
                },
            ),
            (8, open_own()),
        ],
    );
    assert_eq!(
        out,
        vec![
            session_closed("ada", 2, None),
            session_opened("ada", 3, None),
        ]
    );
    assert_eq!(
        InputError::SessionLimitReached(agent("ada")).to_string(),
        "agent ada already holds the most sessions allowed"
    );
}

#[test]
fn v1_consult_unavailable_is_refused_and_changes_nothing() {
    let consult = |item: &str, who: &str| Input::Consult {
        item: item.into(),
        agent: who.into(),
    };
    let leave = |item: &str, who: &str| Input::LeaveConsult {
        item: item.into(),
        agent: who.into(),
    };
    let refused = |item: &str, who: &str, reason| InputError::ConsultUnavailable {
        item: item.into(),
        agent: who.into(),
        reason,
    };
    let mut config = config();
    config.org.max_consultants = 1;
    let out = refused_changes_nothing(
        &config,
        &[
            (0, sign_in("ada")),
            (0, sign_in("bob")),
            (0, sign_in("cy")),
            (1, chat("c1")),
            (2, accept(1)),
            (3, chat("c2")),
            (4, chat("c3")),
            (5, arrive("r1", "cases", "desk")),
            // bob is asked to consult on c1 (notification 5), still pending.
            (6, consult("c1", "bob")),
        ],
        &[
            (
                10,
                consult("c3", "bob"),
                refused("c3", "bob", "the conversation is not active"),
            ),
            (
                10,
                consult("c1", "ada"),
                refused("c1", "ada", "the primary agent cannot consult themself"),
            ),
            (
                10,
                consult("c1", "bob"),
                refused("c1", "bob", "the agent is already in this consult"),
            ),
            (
                10,
                consult("c1", "cy"),
                refused("c1", "cy", "the consult is full"),
            ),
            (
                10,
                consult("r1", "ada"),
                refused("r1", "ada", "records have no consults"),
            ),
            (
                10,
                leave("c1", "bob"),
                refused("c1", "bob", "the agent is not in this consult"),
            ),
            (
                10,
                leave("c1", "cy"),
                refused("c1", "cy", "the agent is not in this consult"),
            ),
        ],
        &[(11, accept(5)), (12, leave("c1", "bob"))],
    );
    assert_eq!(
        out,
        vec![
            ended(5, "bob", "c1", NotificationEnd::Accepted),
            Output::ConsultJoined {
                item: "c1".into(),
                agent: "bob".into(),
            },
            Output::ConsultEnded {
                item: "c1".into(),
                agent: "bob".into(),
            },
        ]
    );
    assert_eq!(
        refused("c1", "bob", "the consult is full").to_string(),
        "consult of agent bob on c1 refused: the consult is full"
    );
}

// ---------------------------------------------------------------- V1, V2: random odd input

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n).expect("small");
        usize::try_from(self.next() % n).expect("small")
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// A configuration with every kind of workstream, custom presences, an
/// embedded agent, an agent defaulting to Away, and tight limits.
fn odd_config(variant: usize) -> Config {
    let mut config = Config::default();
    config.org.session_limit = 3;
    config.org.declines_allowed = 2;
    config.org.unseen_reroute_delay_secs = 60;
    config.org.reconnect_grace_secs = 30;
    config.org.missed_notification_rule = variant % 2 == 1;
    config.org.agent_reject_rule = variant % 2 == 1;
    config.org.display_acknowledgement = variant % 3 != 2;
    config.presences = vec![
        Presence {
            id: "Lunch".into(),
            text: "At lunch".into(),
            base: BaseStatus::Away,
        },
        Presence {
            id: "Focus".into(),
            text: "Focus time".into(),
            base: BaseStatus::BusyDnd,
        },
    ];
    config.templates = vec![
        Template::new("No reject").with_reject_button(false),
        Template::new("Auto").with_auto_assign(true, false),
        Template::new("Auto accept").with_auto_assign(true, true),
        Template::new("Desk")
            .with_desktop(DesktopMode::WhenInBackground)
            .with_title("{customerName} {caseId} {}x")
            .with_field("", "{visitorLanguage}{queueId}"),
    ];
    config.templates[3].title = "{customerName} {caseId} x".into();
    config.templates[3].icon = "/icon.png".into();
    let ws = |id: &str, channel: Channel, template: Option<&str>, units: u32| {
        let mut w = Workstream::new(id, channel);
        w.capacity_units = Some(units);
        if let Some(t) = template {
            w.templates
                .insert(Scenario::IncomingUnauthenticated, t.into());
            w.templates
                .insert(Scenario::IncomingAuthenticated, t.into());
        }
        w
    };
    let mut pick = ws("pick", Channel::Chat, None, 10);
    pick.distribution = Distribution::Pick;
    let mut away_ok = ws("away_ok", Channel::Teams, None, 10);
    away_ok.allowed_presences = vec![
        BaseStatus::Available,
        BaseStatus::Busy,
        BaseStatus::BusyDnd,
        BaseStatus::Away,
    ];
    config.workstreams = vec![
        ws("chat", Channel::Chat, None, 10),
        ws("strict", Channel::Chat, Some("No reject"), 10),
        ws("auto", Channel::Facebook, Some("Auto"), 10),
        ws("autoacc", Channel::WeChat, Some("Auto accept"), 10),
        ws("desk", Channel::Chat, Some("Desk"), 10),
        ws("cases", Channel::Record, None, 5),
        ws("sms", Channel::Sms, None, 10),
        ws("voice", Channel::Voice, None, 30),
        ws("free", Channel::PersistentChat, None, 0),
        pick,
        away_ok,
    ];
    let mut ada = Agent::new("ada");
    ada.capacity_units = 30;
    let mut cy = Agent::new("cy");
    cy.experience = Experience::Embedded;
    let mut dee = Agent::new("dee");
    dee.default_presence = "Lunch".into();
    let mut eve = Agent::new("eve");
    eve.skills = vec!["fr".into()];
    let mut fay = Agent::new("fay");
    fay.capacity_units = 0;
    config.agents = vec![ada, Agent::new("bob"), cy, dee, eve, fay];
    config.queues = vec![
        Queue::new(
            "q",
            ["ada", "bob", "cy", "dee", "eve", "fay"].map(AgentId::new),
        ),
        Queue::new("desk", ["cy".into(), "dee".into()]),
        Queue::new("empty", []),
    ];
    config.contacts = vec![
        Contact {
            id: "k1".into(),
            name: "Kim".into(),
            mobile_phone: Some("+1 555 0100".into()),
        },
        Contact {
            id: "k2".into(),
            name: String::new(),
            mobile_phone: Some("0015550100".into()),
        },
        Contact {
            id: "k3".into(),
            name: "Lee".into(),
            mobile_phone: Some("555 0199".into()),
        },
    ];
    config
}

const AGENTS: [&str; 8] = ["ada", "bob", "cy", "dee", "eve", "fay", "ghost", ""];
const PRESENCES: [&str; 10] = [
    "Available",
    "Busy",
    "Busy - DND",
    "Away",
    "Offline",
    "Inactive",
    "Lunch",
    "Focus",
    "",
    "nope",
];
const WORKSTREAMS: [(&str, i64); 13] = [
    ("chat", 10),
    ("strict", 10),
    ("auto", 10),
    ("autoacc", 10),
    ("desk", 10),
    ("cases", 5),
    ("sms", 10),
    ("voice", 30),
    ("free", 0),
    ("pick", 10),
    ("away_ok", 10),
    ("", 0),
    ("nope", 0),
];
const QUEUES: [&str; 5] = ["q", "q", "desk", "empty", "nope"];
const ITEMS: [&str; 14] = [
    "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10", "w11", "", "nope",
];

/// What the outputs so far say is live, to aim some inputs at it.
#[derive(Default)]
struct Live {
    /// Highest notification id issued.
    issued: u64,
    /// Highest session id opened.
    sessions: u64,
    /// Pending notifications.
    pending: Vec<NotificationId>,
    /// Open sessions.
    open: Vec<(AgentId, SessionId)>,
    /// Items that arrived.
    items: Vec<WorkItemId>,
}

impl Live {
    fn follow(&mut self, out: &Output) {
        match out {
            Output::Notify(n) => {
                self.issued = self.issued.max(n.id.0);
                self.pending.push(n.id);
            }
            Output::NotificationEnded { notification, .. } => {
                self.pending.retain(|id| id != notification);
            }
            Output::SessionOpened { agent, session, .. } => {
                self.sessions = self.sessions.max(session.0);
                self.open.push((agent.clone(), *session));
            }
            Output::SessionClosed { session, .. } => self.open.retain(|(_, s)| s != session),
            Output::WorkQueued { item, .. } | Output::ConversationClosed { item, .. }
                if !self.items.contains(item) =>
            {
                self.items.push(item.clone());
            }
            _ => {}
        }
    }
}

/// One odd input, now and then aimed at something live.
fn odd_input(rng: &mut Rng, live: &Live) -> Input {
    let a = if rng.chance(85) {
        AgentId::new(*rng.pick(&AGENTS[..6]))
    } else {
        AgentId::new(*rng.pick(&AGENTS))
    };
    let item = if rng.chance(50) && !live.items.is_empty() {
        rng.pick(&live.items).clone()
    } else {
        WorkItemId::new(*rng.pick(&ITEMS))
    };
    let note = if rng.chance(60) && !live.pending.is_empty() {
        *rng.pick(&live.pending)
    } else if rng.chance(5) {
        NotificationId(u64::MAX)
    } else {
        NotificationId(rng.next() % (live.issued + 3))
    };
    let (session_agent, session) = if rng.chance(60) && !live.open.is_empty() {
        rng.pick(&live.open).clone()
    } else {
        (a.clone(), SessionId(rng.next() % (live.sessions + 3)))
    };
    match rng.below(26) {
        0 | 1 => Input::AgentSignedIn { agent: a },
        2 => Input::AgentSignedOut { agent: a },
        3 => Input::SetPresence {
            agent: a,
            presence: (*rng.pick(&PRESENCES)).into(),
        },
        4 => Input::ResetPresence { agent: a },
        5 => Input::SupervisorResetPresence { agent: a },
        6 => Input::AppFocusChanged {
            agent: a,
            in_focus: rng.chance(50),
        },
        7 => Input::DesktopPermission {
            agent: a,
            granted: rng.chance(70),
        },
        8 => Input::ClientDisconnected { agent: a },
        9 => Input::ClientReconnected { agent: a },
        10 => Input::NotificationDisplayed { notification: note },
        11 => Input::DesktopNotificationClicked { notification: note },
        12 | 13 => Input::Accept { notification: note },
        14 => Input::Reject { notification: note },
        15 => Input::Open { notification: note },
        16 => Input::OpenWork { item },
        17 => Input::AgentOpenedSession { agent: a },
        18 => Input::AgentClosedSession {
            agent: session_agent,
            session,
        },
        19 | 20 => {
            let (workstream, _) = *rng.pick(&WORKSTREAMS);
            let mut w = WorkItem::new(item, workstream, *rng.pick(&QUEUES));
            w.priority = *rng.pick(&[0, 1, -1, 7, i32::MAX, i32::MIN]);
            if rng.chance(30) {
                w.customer = Some(Customer {
                    name: (*rng.pick(&["", "Zoë", "{customerName}"])).into(),
                    entity_name: String::new(),
                    record_id: "}{".into(),
                });
            }
            if rng.chance(30) {
                w.case = Some(switchboard::Case {
                    id: String::new(),
                    title: "}".into(),
                });
            }
            if rng.chance(40) {
                w.sms_from = Some(
                    (*rng.pick(&[
                        "",
                        "+",
                        "00",
                        "+1 555 0100",
                        "555 0199",
                        "٣٤٥",
                        "+1-555-0100",
                    ]))
                    .into(),
                );
            }
            if rng.chance(30) {
                let mut context = IndexMap::new();
                context.insert("visitorLanguage".into(), "fr".into());
                context.insert(String::new(), "{".into());
                w.context = context;
            }
            if rng.chance(20) {
                w.required_skills = vec![(*rng.pick(&["fr", "de", ""])).into()];
            }
            w.escalated_from_bot = rng.chance(10);
            Input::WorkArrived(Box::new(w))
        }
        21 => {
            if rng.chance(70) {
                Input::Consult { item, agent: a }
            } else {
                Input::LeaveConsult { item, agent: a }
            }
        }
        24 => Input::CustomerLeft { item },
        22 => {
            if rng.chance(50) {
                Input::ConversationEnded { item }
            } else {
                Input::ConversationClosed { item }
            }
        }
        _ => Input::ContactUpserted(Contact {
            id: (*rng.pick(&["k1", "k4", ""])).into(),
            name: (*rng.pick(&["", "New name"])).into(),
            mobile_phone: rng
                .chance(80)
                .then(|| (*rng.pick(&["+1 555 0100", "", "+", "555 0199"])).into()),
        }),
    }
}

fn input_agent(input: &Input) -> Option<&AgentId> {
    match input {
        Input::AgentSignedIn { agent }
        | Input::AgentSignedOut { agent }
        | Input::SetPresence { agent, .. }
        | Input::ResetPresence { agent }
        | Input::SupervisorResetPresence { agent }
        | Input::AppFocusChanged { agent, .. }
        | Input::DesktopPermission { agent, .. }
        | Input::ClientDisconnected { agent }
        | Input::ClientReconnected { agent }
        | Input::AgentOpenedSession { agent }
        | Input::AgentClosedSession { agent, .. }
        | Input::Consult { agent, .. }
        | Input::LeaveConsult { agent, .. } => Some(agent),
        _ => None,
    }
}

fn input_item(input: &Input) -> Option<&WorkItemId> {
    match input {
        Input::OpenWork { item }
        | Input::CustomerLeft { item }
        | Input::ConversationEnded { item }
        | Input::ConversationClosed { item }
        | Input::Consult { item, .. }
        | Input::LeaveConsult { item, .. } => Some(item),
        Input::WorkArrived(w) => Some(&w.id),
        _ => None,
    }
}

fn input_notification(input: &Input) -> Option<NotificationId> {
    match input {
        Input::NotificationDisplayed { notification }
        | Input::DesktopNotificationClicked { notification }
        | Input::Accept { notification }
        | Input::Reject { notification }
        | Input::Open { notification } => Some(*notification),
        _ => None,
    }
}

/// Asserts that a refusal names what was wrong with `input` and agrees
/// with the engine's (unchanged) state. `issued` is the highest
/// notification id issued so far.
fn check_refusal(h: &Harness, input: &Input, err: &InputError, issued: u64, limit: u32) {
    use InputError as E;
    let status = |a: &AgentId| h.sb.agent_status(a).expect("known agent");
    let agent_is = |a: &AgentId| input_agent(input) == Some(a);
    let item_is = |w: &WorkItemId| input_item(input) == Some(w);
    let note_is = |id: &NotificationId| input_notification(input) == Some(*id);
    let ok = match err {
        E::UnknownAgent(a) => agent_is(a) && h.sb.agent_status(a).is_none(),
        E::NotSignedIn(a) => agent_is(a) && !status(a).signed_in,
        E::AlreadySignedIn(a) => {
            matches!(input, Input::AgentSignedIn { .. }) && agent_is(a) && status(a).signed_in
        }
        E::Disconnected(a) => agent_is(a) && status(a).signed_in && !status(a).connected,
        E::NotDisconnected(a) => {
            matches!(input, Input::ClientReconnected { .. }) && agent_is(a) && status(a).connected
        }
        E::NoPenalty(a) => {
            matches!(
                input,
                Input::ResetPresence { .. } | Input::SupervisorResetPresence { .. }
            ) && agent_is(a)
        }
        E::SessionLimitReached(a) => {
            matches!(input, Input::AgentOpenedSession { .. })
                && agent_is(a)
                && status(a).session_slots >= limit
        }
        E::UnknownSession { agent, session } => matches!(
            input,
            Input::AgentClosedSession { agent: x, session: y } if x == agent && y == session
        ),
        E::UnknownWorkItem(w) => item_is(w) && h.sb.work_location(w).is_none(),
        E::NothingToOpen(w) => matches!(input, Input::OpenWork { .. }) && item_is(w),
        E::InvalidTransition { item, from, .. } => {
            (item_is(item) || matches!(input, Input::AgentClosedSession { .. }))
                && h.sb.conversation_state(item) == Some(*from)
        }
        E::DuplicateId(w) => {
            matches!(input, Input::WorkArrived(_)) && item_is(w) && h.sb.work_location(w).is_some()
        }
        E::UnknownWorkstream(ws) => {
            matches!(input, Input::WorkArrived(w) if &w.workstream == ws)
                && !WORKSTREAMS[..11].iter().any(|(id, _)| *id == ws.as_str())
        }
        E::UnknownQueue(q) => {
            matches!(input, Input::WorkArrived(w) if &w.queue == q)
                && !["q", "desk", "empty"].contains(&q.as_str())
        }
        E::UnknownPresence(p) => {
            matches!(input, Input::SetPresence { presence, .. } if presence == p)
                && !PRESENCES[..8].contains(&p.as_str())
        }
        E::PresenceNotSelectable(p) => {
            matches!(input, Input::SetPresence { presence, .. } if presence == p)
                && p.as_str() == "Inactive"
        }
        E::UnknownNotification(id) => note_is(id) && (id.0 == 0 || id.0 > issued),
        E::NotificationClosed(id) => note_is(id) && id.0 >= 1 && id.0 <= issued,
        E::RejectNotAllowed(id) => matches!(input, Input::Reject { .. }) && note_is(id),
        E::ActionNotOffered {
            notification,
            action,
        } => {
            note_is(notification)
                && match *action {
                    "accept" => matches!(input, Input::Accept { .. }),
                    "open" => matches!(input, Input::Open { .. }),
                    _ => false,
                }
        }
        E::ConsultUnavailable { item, agent, .. } => {
            matches!(input, Input::Consult { .. } | Input::LeaveConsult { .. })
                && item_is(item)
                && agent_is(agent)
        }
        E::NotOnDesktop(id) => {
            matches!(input, Input::DesktopNotificationClicked { .. }) && note_is(id)
        }
        E::EmptyId(IdKind::WorkItem) => {
            matches!(input, Input::WorkArrived(w) if w.id.as_str().is_empty())
        }
        E::EmptyId(IdKind::Contact) => {
            matches!(input, Input::ContactUpserted(c) if c.id.as_str().is_empty())
        }
        _ => false,
    };
    assert!(
        ok,
        "the refusal does not name what was wrong: {input:?} -> {err:?}"
    );
    assert!(!err.to_string().is_empty());
}

/// What the engine should report about each item, from the outside (V2).
#[derive(Default)]
struct Ledger {
    /// Units per accepted item, in arrival order.
    units: IndexMap<WorkItemId, (i64, String)>,
    closed: Vec<WorkItemId>,
}

impl Ledger {
    /// Every item in exactly one place; capacity agrees with the places.
    fn check(&mut self, h: &Harness) {
        let items: Vec<_> = h.sb.work_items().cloned().collect();
        assert_eq!(
            items,
            self.units.keys().cloned().collect::<Vec<_>>(),
            "an item was lost or invented"
        );
        let mut offered: IndexMap<AgentId, i64> = IndexMap::new();
        let mut held: IndexMap<AgentId, i64> = IndexMap::new();
        let mut notifications = Vec::new();
        for (id, (units, queue)) in &self.units {
            let place = h.sb.work_location(id).expect("every item has a place");
            match place {
                WorkLocation::Waiting { queue: q } => assert_eq!(q.as_str(), queue),
                WorkLocation::Offered {
                    agent,
                    notification,
                } => {
                    assert!(!notifications.contains(&notification));
                    notifications.push(notification);
                    assert!(h.sb.agent_status(&agent).expect("agent").signed_in);
                    *offered.entry(agent).or_default() += units;
                }
                WorkLocation::Assigned { agent } => {
                    assert!(h.sb.agent_status(&agent).expect("agent").signed_in);
                    *held.entry(agent).or_default() += units;
                }
                WorkLocation::Idle { agent } => {
                    assert!(h.sb.agent_status(&agent).is_some());
                }
                WorkLocation::Closed => {
                    if !self.closed.contains(id) {
                        self.closed.push(id.clone());
                    }
                }
                other => panic!("unexpected place {other:?}"),
            }
        }
        for id in &self.closed {
            assert_eq!(
                h.location(id.as_str()),
                WorkLocation::Closed,
                "{id} reopened"
            );
        }
        assert!(notifications.len() <= h.sb.pending_notifications());
        for a in h.sb.agent_ids() {
            let s = h.sb.agent_status(a).expect("agent");
            assert_eq!(s.offered_units, offered.get(a).copied().unwrap_or(0), "{a}");
            assert_eq!(s.assigned_units, held.get(a).copied().unwrap_or(0), "{a}");
        }
    }
}

/// Feeds `steps` odd inputs to a fresh engine; returns how many were
/// accepted and the refusals by variant name.
fn odd_run(seed: u64, variant: usize, steps: usize) -> (usize, IndexMap<String, usize>) {
    let config = odd_config(variant);
    let limit = config.org.session_limit;
    let mut h = Harness::new(config);
    let mut rng = Rng(seed);
    let mut ledger = Ledger::default();
    let mut secs = 0;
    let mut accepted = 0;
    let mut refusals: IndexMap<String, usize> = IndexMap::new();
    let mut live = Live::default();
    let mut logged = 0;
    for step in 0..steps {
        // Now and then, a time from the past or the end of time.
        if rng.chance(3) && secs > 0 {
            let earlier = secs - 1 - i64::try_from(rng.below(50)).expect("small");
            let earlier = earlier.max(0);
            if earlier < h.now {
                let before = h.sb.clone();
                let input = odd_input(&mut rng, &live);
                let expected = InputError::ClockWentBackwards {
                    now: at(earlier),
                    latest: at(h.now),
                };
                assert_eq!(h.sb.handle(at(earlier), input), Err(expected.clone()));
                assert_eq!(h.sb.tick(at(earlier)), Err(expected));
                assert_eq!(h.sb, before);
                assert_eq!(h.sb.poll_output(), None);
                *refusals.entry("ClockWentBackwards".into()).or_default() += 1;
            }
        }
        if rng.chance(1) {
            let before = h.sb.clone();
            let max = DateTime::<Utc>::MAX_UTC;
            // An input at the end of time would set unrepresentable deadlines.
            // (A tick there is fine: it only fires what earlier inputs set.)
            let input = Input::AgentSignedIn {
                agent: "ada".into(),
            };
            assert_eq!(
                h.sb.handle(max, input),
                Err(InputError::TimeOutOfRange { now: max })
            );
            assert_eq!(h.sb, before);
            *refusals.entry("TimeOutOfRange".into()).or_default() += 1;
        }
        secs += *rng.pick(&[0, 0, 0, 1, 1, 5, 30, 70, 130, 600]);
        let input = odd_input(&mut rng, &live);
        let result = catch_unwind(AssertUnwindSafe(|| h.try_input(secs, input.clone())));
        let Ok(result) = result else {
            panic!("seed {seed}, variant {variant}, step {step}: {input:?} panicked")
        };
        for (_, out) in &h.log[logged..] {
            live.follow(out);
        }
        logged = h.log.len();
        match result {
            Ok(_) => {
                accepted += 1;
                if let Input::WorkArrived(w) = &input {
                    let units = WORKSTREAMS
                        .iter()
                        .find(|(id, _)| *id == w.workstream.as_str())
                        .map_or(0, |(_, u)| *u);
                    ledger
                        .units
                        .insert(w.id.clone(), (units, w.queue.as_str().to_owned()));
                }
            }
            Err(err) => {
                check_refusal(&h, &input, &err, live.issued, limit);
                let name = format!("{err:?}");
                let name = name.split(['(', ' ']).next().unwrap_or_default().to_owned();
                *refusals.entry(name).or_default() += 1;
            }
        }
        ledger.check(&h);
    }
    // Run out every deadline: nothing is lost when time passes either.
    for _ in 0..50 {
        match h.sb.poll_timeout() {
            Some(deadline) => {
                let t = (deadline - t0()).num_seconds();
                h.advance_to(t.max(h.now));
                ledger.check(&h);
            }
            None => break,
        }
    }
    (accepted, refusals)
}

#[test]
fn v1_odd_input_never_panics_and_every_refusal_is_typed() {
    let mut accepted = 0;
    let mut refusals: IndexMap<String, usize> = IndexMap::new();
    for seed in 1..=24_u64 {
        let (a, r) = odd_run(
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            usize::try_from(seed).expect("small"),
            400,
        );
        accepted += a;
        for (name, count) in r {
            *refusals.entry(name).or_default() += count;
        }
    }
    let refused: usize = refusals.values().sum();
    assert!(accepted > 1000, "accepted {accepted}, refused {refusals:?}");
    assert!(refused > 1000, "accepted {accepted}, refused {refusals:?}");
    // The run reached the common refusals.
    for name in [
        "UnknownAgent",
        "UnknownWorkItem",
        "UnknownNotification",
        "UnknownQueue",
        "UnknownWorkstream",
        "UnknownPresence",
        "UnknownSession",
        "DuplicateId",
        "NotificationClosed",
        "InvalidTransition",
        "PresenceNotSelectable",
        "NotSignedIn",
        "AlreadySignedIn",
        "ClockWentBackwards",
        "TimeOutOfRange",
        "NothingToOpen",
        "NoPenalty",
        "ActionNotOffered",
        "NotOnDesktop",
        "ConsultUnavailable",
    ] {
        assert!(
            refusals.contains_key(name),
            "{name} never seen: {refusals:?}"
        );
    }
}

#[test]
fn v2_every_item_stays_in_exactly_one_place_through_odd_input() {
    // Fewer agents' worth of noise, longer runs: the ledger check after
    // every step is the point here.
    for seed in 100..112_u64 {
        let (accepted, _) = odd_run(seed, usize::try_from(seed).expect("small"), 1500);
        assert!(accepted > 300, "seed {seed}: {accepted}");
    }
}

#[test]
fn v2_refused_inputs_lose_nothing_wherever_work_is() {
    let mut h = Harness::new(config());
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("cy"));
    h.input(1, chat("offered"));
    h.input(2, chat("active"));
    h.input(3, accept(2));
    h.input(4, chat("wrapup"));
    h.input(5, accept(3));
    h.input(6, end("wrapup"));
    h.input(7, arrive("record", "cases", "desk"));
    h.input(8, chat("closed"));
    h.input(
        9,
        Input::CustomerLeft {
            item: "closed".into(),
        },
    );
    h.input(10, set_presence("ada", "Away"));
    h.input(11, chat("waiting"));
    let expected = vec![
        (
            WorkItemId::new("offered"),
            Some(WorkLocation::Offered {
                agent: "ada".into(),
                notification: n(1),
            }),
        ),
        (
            "active".into(),
            Some(WorkLocation::Assigned {
                agent: "ada".into(),
            }),
        ),
        (
            "wrapup".into(),
            Some(WorkLocation::Assigned {
                agent: "ada".into(),
            }),
        ),
        (
            "record".into(),
            Some(WorkLocation::Assigned { agent: "cy".into() }),
        ),
        ("closed".into(), Some(WorkLocation::Closed)),
        (
            "waiting".into(),
            Some(WorkLocation::Waiting { queue: "q".into() }),
        ),
    ];
    assert_eq!(locations(&h.sb), expected);
    let ada_before = h.sb.agent_status(&agent("ada"));
    let bad = [
        chat("offered"),
        chat("closed"),
        accept(2),
        reject(4),
        open(1),
        close("active"),
        end("wrapup"),
        Input::CustomerLeft {
            item: "wrapup".into(),
        },
        Input::OpenWork {
            item: "waiting".into(),
        },
        Input::AgentSignedOut {
            agent: agent("bob"),
        },
        Input::AgentClosedSession {
            agent: agent("ada"),
            session: SessionId(1),
        },
        arrive("x", "chat", "nope"),
        set_presence("ada", "Inactive"),
    ];
    for input in bad {
        assert!(h.try_input(12, input.clone()).is_err(), "{input:?}");
        assert_eq!(locations(&h.sb), expected, "{input:?}");
    }
    assert_eq!(h.sb.agent_status(&agent("ada")), ada_before);

    // Signing out puts everything somewhere: Alerts and active work back
    // in the queue, wrap-up closed; nothing vanishes.
    let out = h.input(
        13,
        Input::AgentSignedOut {
            agent: agent("ada"),
        },
    );
    assert_eq!(
        locations(&h.sb),
        vec![
            (
                WorkItemId::new("offered"),
                Some(WorkLocation::Waiting { queue: "q".into() })
            ),
            (
                "active".into(),
                Some(WorkLocation::Waiting { queue: "q".into() })
            ),
            ("wrapup".into(), Some(WorkLocation::Closed)),
            (
                "record".into(),
                Some(WorkLocation::Assigned { agent: "cy".into() })
            ),
            ("closed".into(), Some(WorkLocation::Closed)),
            (
                "waiting".into(),
                Some(WorkLocation::Waiting { queue: "q".into() })
            ),
        ]
    );
    assert!(
        out.contains(&rerouted("offered", "ada", RerouteReason::SignedOut)),
        "{out:?}"
    );
    assert!(out.contains(&rerouted("active", "ada", RerouteReason::SignedOut)));
    let s = h.sb.agent_status(&agent("ada")).expect("ada");
    assert_eq!(
        (s.assigned_units, s.offered_units, s.session_slots),
        (0, 0, 0)
    );
    // bob signs in and gets the waiting work, in queue order.
    let out = h.input(14, sign_in("bob"));
    let offered: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::Notify(n) => Some(n.item.as_str().to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(offered, vec!["offered", "active", "waiting"]);
}

// ---------------------------------------------------------------- D1: more configuration errors

fn refused(config: Config) -> ConfigError {
    Switchboard::new(config).expect_err("must be refused")
}

#[test]
fn d1_empty_ids_are_refused() {
    let mut c = chat_config(&["ada"]);
    c.agents.push(Agent::new(""));
    assert_eq!(
        refused(c),
        ConfigError::EmptyId {
            kind: IdKind::Agent,
            field: "agents[1].id".into(),
        }
    );
    let mut c = chat_config(&["ada"]);
    c.workstreams.push(Workstream::new("", Channel::Sms));
    assert_eq!(
        refused(c),
        ConfigError::EmptyId {
            kind: IdKind::Workstream,
            field: "workstreams[1].id".into(),
        }
    );
    let mut c = chat_config(&["ada"]);
    c.queues.push(Queue::new("", []));
    assert_eq!(
        refused(c),
        ConfigError::EmptyId {
            kind: IdKind::Queue,
            field: "queues[1].id".into(),
        }
    );
    let mut c = chat_config(&["ada"]);
    c.templates.push(Template::new(""));
    assert_eq!(
        refused(c),
        ConfigError::EmptyId {
            kind: IdKind::Template,
            field: "templates[0].name".into(),
        }
    );
    let mut c = chat_config(&["ada"]);
    c.contacts.push(Contact::default());
    let e = refused(c);
    assert_eq!(
        e,
        ConfigError::EmptyId {
            kind: IdKind::Contact,
            field: "contacts[0].id".into(),
        }
    );
    assert_eq!(
        e.to_string(),
        "contacts[0].id: a contact id may not be empty"
    );
}

#[test]
fn d1_texts_over_their_limits_are_refused() {
    let long = |n: usize| "é".repeat(n);
    let mut c = chat_config(&["ada"]);
    c.templates = vec![Template::new(long(100)), Template::new(long(101))];
    let e = refused(c);
    assert_eq!(
        e,
        ConfigError::TooLong {
            field: "templates[1].name".into(),
            len: 101,
            max: 100,
        }
    );
    assert_eq!(
        e.to_string(),
        "templates[1].name: 101 characters, at most 100 allowed"
    );
    let mut c = chat_config(&["ada"]);
    c.templates = vec![Template::new("T").with_title(long(101))];
    assert_eq!(
        refused(c),
        ConfigError::TooLong {
            field: "templates[0].title".into(),
            len: 101,
            max: 100,
        }
    );
    let mut c = chat_config(&["ada"]);
    let mut t = Template::new("T");
    t.icon = long(1025).into();
    c.templates = vec![t];
    assert_eq!(
        refused(c),
        ConfigError::TooLong {
            field: "templates[0].icon".into(),
            len: 1025,
            max: 1024,
        }
    );
    let mut c = chat_config(&["ada"]);
    let mut t = Template::new("T");
    t.reject_label = long(101).into();
    c.templates = vec![t];
    assert_eq!(
        refused(c),
        ConfigError::TooLong {
            field: "templates[0].reject_label".into(),
            len: 101,
            max: 100,
        }
    );
    let mut c = chat_config(&["ada"]);
    let mut t = Template::new("T");
    t.accept_label = long(101).into();
    c.templates = vec![t];
    assert_eq!(
        refused(c),
        ConfigError::TooLong {
            field: "templates[0].accept_label".into(),
            len: 101,
            max: 100,
        }
    );
    // At the limits, accepted.
    let mut c = chat_config(&["ada"]);
    let mut t = Template::new(long(100)).with_title(long(100));
    t.icon = long(1024).into();
    c.templates = vec![t];
    assert!(Switchboard::new(c).is_ok());
}

#[test]
fn d1_more_than_four_fields_are_refused() {
    let mut t = Template::new("T");
    for i in 0..4 {
        t = t.with_field(format!("h{i}"), "{queueId}");
    }
    let mut c = chat_config(&["ada"]);
    c.templates = vec![t.clone()];
    assert!(Switchboard::new(c).is_ok());
    let mut c = chat_config(&["ada"]);
    c.templates = vec![t.with_field("h4", "x")];
    assert_eq!(
        refused(c),
        ConfigError::TooManyFields {
            field: "templates[0].fields".into(),
            count: 5,
        }
    );
}

#[test]
fn d1_auto_accept_without_auto_assign_is_refused() {
    let mut c = chat_config(&["ada"]);
    c.templates = vec![Template::new("T").with_auto_assign(false, true)];
    let e = refused(c);
    assert_eq!(
        e,
        ConfigError::AutoAcceptWithoutAutoAssign {
            field: "templates[0].auto_accept".into(),
        }
    );
    assert_eq!(
        e.to_string(),
        "templates[0].auto_accept: auto-accept needs auto-assign"
    );
}

#[test]
fn d1_voice_in_pick_mode_is_refused() {
    let mut c = chat_config(&["ada"]);
    let mut voice = Workstream::new("voice", Channel::Voice);
    voice.distribution = Distribution::Pick;
    c.workstreams.push(voice);
    assert_eq!(
        refused(c),
        ConfigError::VoiceMustPush {
            field: "workstreams[1].distribution".into(),
        }
    );
}

#[test]
fn d1_org_settings_out_of_range_are_refused() {
    type Case = (fn(&mut Config), &'static str, i64, i64, i64);
    let cases: [Case; 8] = [
        (
            |c| c.org.max_consultants = 0,
            "org.max_consultants",
            0,
            1,
            5,
        ),
        (
            |c| c.org.max_consultants = 6,
            "org.max_consultants",
            6,
            1,
            5,
        ),
        (
            |c| c.org.session_limit = 101,
            "org.session_limit",
            101,
            1,
            100,
        ),
        (
            |c| c.org.declines_allowed = 0,
            "org.declines_allowed",
            0,
            1,
            5,
        ),
        (
            |c| c.org.declines_allowed = 6,
            "org.declines_allowed",
            6,
            1,
            5,
        ),
        (|c| c.org.session_limit = 0, "org.session_limit", 0, 1, 100),
        (
            |c| c.org.unseen_reroute_delay_secs = 604_801,
            "org.unseen_reroute_delay_secs",
            604_801,
            0,
            604_800,
        ),
        (
            |c| c.org.reconnect_grace_secs = u32::MAX,
            "org.reconnect_grace_secs",
            i64::from(u32::MAX),
            0,
            604_800,
        ),
    ];
    for (change, field, value, min, max) in cases {
        let mut c = chat_config(&["ada"]);
        change(&mut c);
        assert_eq!(
            refused(c),
            ConfigError::OutOfRange {
                field: field.into(),
                value,
                min,
                max,
            }
        );
    }
    let mut c = chat_config(&["ada"]);
    c.org.declines_allowed = 5;
    c.org.session_limit = 100;
    c.org.max_consultants = 1;
    c.org.unseen_reroute_delay_secs = 604_800;
    c.org.reconnect_grace_secs = 0;
    assert!(Switchboard::new(c).is_ok());
}

#[test]
fn d1_references_to_unknown_things_are_refused() {
    let mut c = chat_config(&["ada"]);
    c.workstreams[0]
        .templates
        .insert(Scenario::Transfer, "Missing".into());
    let e = refused(c);
    assert_eq!(
        e,
        ConfigError::UnknownReference {
            kind: IdKind::Template,
            id: "Missing".into(),
            field: "workstreams[0].templates[Transfer]".into(),
        }
    );
    assert_eq!(
        e.to_string(),
        r#"workstreams[0].templates[Transfer]: unknown template "Missing""#
    );
    let mut c = chat_config(&["ada"]);
    c.agents[0].default_presence = "Lunch".into();
    assert_eq!(
        refused(c),
        ConfigError::UnknownReference {
            kind: IdKind::Presence,
            id: "Lunch".into(),
            field: "agents[0].default_presence".into(),
        }
    );
    // Inactive is set by the system only (P2): no valid default.
    let mut c = chat_config(&["ada"]);
    c.agents[0].default_presence = "Inactive".into();
    let e = refused(c);
    assert_eq!(
        e,
        ConfigError::PresenceNotSelectable {
            field: "agents[0].default_presence".into(),
            presence: "Inactive".into(),
        }
    );
    assert_eq!(
        e.to_string(),
        r#"agents[0].default_presence: presence "Inactive" is set by the system only"#
    );
}

#[test]
fn d1_duplicate_ids_of_every_kind_are_refused() {
    let dup = |kind, id: &str, field: &str| ConfigError::DuplicateId {
        kind,
        id: id.into(),
        field: field.into(),
    };
    let mut c = chat_config(&["ada"]);
    c.workstreams.push(Workstream::new("chat", Channel::Sms));
    assert_eq!(
        refused(c),
        dup(IdKind::Workstream, "chat", "workstreams[1].id")
    );
    let mut c = chat_config(&["ada"]);
    c.queues.push(Queue::new("q", []));
    assert_eq!(refused(c), dup(IdKind::Queue, "q", "queues[1].id"));
    let mut c = chat_config(&["ada"]);
    c.templates = vec![Template::new("T"), Template::new("T")];
    assert_eq!(refused(c), dup(IdKind::Template, "T", "templates[1].name"));
    let mut c = chat_config(&["ada"]);
    c.contacts = vec![
        Contact {
            id: "k".into(),
            ..Contact::default()
        },
        Contact {
            id: "k".into(),
            ..Contact::default()
        },
    ];
    assert_eq!(refused(c), dup(IdKind::Contact, "k", "contacts[1].id"));
    // A custom presence may not take a built-in's name.
    let mut c = chat_config(&["ada"]);
    c.presences = vec![Presence {
        id: "Busy".into(),
        text: "Busy!".into(),
        base: BaseStatus::Available,
    }];
    let e = refused(c);
    assert_eq!(e, dup(IdKind::Presence, "Busy", "presences[0].id"));
    assert_eq!(
        e.to_string(),
        r#"presences[0].id: presence id "Busy" is used twice"#
    );
}

#[test]
fn d1_json_with_a_bad_field_is_refused_naming_it() {
    let config: Config = serde_json::from_str(
        r#"{
            "workstreams": [{ "id": "chat", "channel": "Chat" }],
            "queues": [{ "id": "q", "members": ["ada", "nobody"] }],
            "agents": [{ "id": "ada", "capacity_units": 50 }]
        }"#,
    )
    .expect("valid JSON");
    assert_eq!(
        refused(config),
        ConfigError::UnknownReference {
            kind: IdKind::Agent,
            id: "nobody".into(),
            field: "queues[0].members[1]".into(),
        }
    );
}
