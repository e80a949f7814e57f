//! Consults: P10 (joining changes neither presence nor capacity), C7 (no
//! capacity), and the consult lifecycle (L4).

mod common;
use common::*;
use switchboard::{
    AgentId, Input, InputError, NotificationEnd, NotificationKind, OrgSettings, Output, Scenario,
};

/// Ada holds chat `c1` (accepted at 10 s); Bob and Cy are signed in and idle.
fn with_active_chat() -> Harness {
    let mut h = Harness::new(chat_config(&["ada", "bob", "cy"]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, sign_in("bob"));
    h.input(3, sign_in("cy"));
    let n = h.notification_for("c1");
    h.input(10, Input::Accept { notification: n });
    h
}

fn consult(item: &str, agent: &str) -> Input {
    Input::Consult {
        item: item.into(),
        agent: agent.into(),
    }
}

#[test]
fn p10_joining_a_consult_changes_neither_presence_nor_capacity() {
    let mut h = with_active_chat();
    let before = h.sb.agent_status(&AgentId::new("bob")).unwrap();
    let out = h.input(20, consult("c1", "bob"));
    let [Output::Notify(n)] = out.as_slice() else {
        panic!("expected one Notify, got {out:?}")
    };
    assert_eq!(
        (n.kind, n.scenario),
        (NotificationKind::Alert, Scenario::Consult)
    );
    assert_eq!(n.template.as_str(), "Chat - consult - default");
    assert_eq!(n.deadline, at(140));
    let id = n.id;
    assert_eq!(
        h.sb.agent_status(&AgentId::new("bob")).unwrap(),
        before,
        "a consult request holds nothing"
    );

    let out = h.input(25, Input::Accept { notification: id });
    assert_eq!(
        out,
        vec![
            Output::NotificationEnded {
                notification: id,
                agent: "bob".into(),
                item: "c1".into(),
                how: NotificationEnd::Accepted
            },
            Output::ConsultJoined {
                item: "c1".into(),
                agent: "bob".into()
            },
        ]
    );
    assert_eq!(h.sb.agent_status(&AgentId::new("bob")).unwrap(), before);
    assert_eq!(h.presence("bob"), "Available");
}

#[test]
fn c7_consults_use_no_capacity_so_the_consultant_still_gets_full_work() {
    let mut h = with_active_chat();
    h.input(20, consult("c1", "bob"));
    let n = h.notification_for("c1");
    h.input(21, Input::Accept { notification: n });
    // Bob and Cy both have 100 free units: ties go to the earliest last
    // assignment, and neither has had one, so queue order picks Bob.
    let out = h.input(30, chat("c2"));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Notify(n) if n.agent.as_str() == "bob")),
        "{out:?}"
    );
}

#[test]
fn l4_at_most_five_consultants_pending_requests_included() {
    let names = ["ada", "b1", "b2", "b3", "b4", "b5", "b6"];
    let mut h = Harness::new(chat_config(&names));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    let n = h.notification_for("c1");
    h.input(2, Input::Accept { notification: n });
    for (t, agent) in (3..).zip(&names[1..]) {
        h.input(t, sign_in(agent));
    }
    for (t, agent) in (10..).zip(&names[1..6]) {
        h.input(t, consult("c1", agent));
    }
    let err = h.try_input(20, consult("c1", "b6")).unwrap_err();
    assert_eq!(
        err,
        InputError::ConsultUnavailable {
            item: "c1".into(),
            agent: "b6".into(),
            reason: "the consult is full"
        }
    );
}

#[test]
fn l4_consult_limit_is_configurable() {
    let mut config = chat_config(&["ada", "bob", "cy"]);
    config.org = OrgSettings {
        max_consultants: 1,
        ..OrgSettings::default()
    };
    let mut h = Harness::new(config);
    for agent in ["ada", "bob", "cy"] {
        h.input(0, sign_in(agent));
    }
    h.input(1, chat("c1"));
    let n = h.notification_for("c1");
    h.input(2, Input::Accept { notification: n });
    let primary = match h.location("c1") {
        switchboard::WorkLocation::Assigned { agent } => agent,
        other => panic!("{other:?}"),
    };
    let others: Vec<&str> = ["ada", "bob", "cy"]
        .into_iter()
        .filter(|a| *a != primary.as_str())
        .collect();
    h.input(3, consult("c1", others[0]));
    assert_eq!(
        h.try_input(4, consult("c1", others[1])).unwrap_err(),
        InputError::ConsultUnavailable {
            item: "c1".into(),
            agent: others[1].into(),
            reason: "the consult is full"
        }
    );
}

#[test]
fn l4_consult_refusals_name_the_reason() {
    let mut h = with_active_chat();
    let refused = |item: &str, agent: &str, reason| InputError::ConsultUnavailable {
        item: item.into(),
        agent: agent.into(),
        reason,
    };
    assert_eq!(
        h.try_input(20, consult("c1", "ada")).unwrap_err(),
        refused("c1", "ada", "the primary agent cannot consult themself")
    );
    h.input(21, consult("c1", "bob"));
    assert_eq!(
        h.try_input(22, consult("c1", "bob")).unwrap_err(),
        refused("c1", "bob", "the agent is already in this consult")
    );
    assert_eq!(
        h.try_input(
            23,
            Input::LeaveConsult {
                item: "c1".into(),
                agent: "cy".into()
            }
        )
        .unwrap_err(),
        refused("c1", "cy", "the agent is not in this consult")
    );
    h.input(24, chat("c2"));
    assert_eq!(
        h.try_input(25, consult("c2", "cy")).unwrap_err(),
        refused("c2", "cy", "the conversation is not active")
    );
}

#[test]
fn l4_consult_expiry_and_reject_are_no_decline_and_no_penalty() {
    let mut config = chat_config(&["ada", "bob"]);
    config.org = OrgSettings {
        missed_notification_rule: true,
        agent_reject_rule: true,
        ..OrgSettings::default()
    };
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    let n = h.notification_for("c1");
    h.input(2, Input::Accept { notification: n });
    h.input(3, sign_in("bob"));
    h.input(10, consult("c1", "bob"));
    let first = h.notification_for("c1");
    h.input(
        11,
        Input::NotificationDisplayed {
            notification: first,
        },
    );
    let fired = h.advance_to(130);
    assert_eq!(
        fired,
        vec![(
            130,
            Output::NotificationEnded {
                notification: first,
                agent: "bob".into(),
                item: "c1".into(),
                how: NotificationEnd::Expired
            }
        )]
    );
    h.input(140, consult("c1", "bob"));
    let second = h.notification_for("c1");
    let out = h.input(
        141,
        Input::Reject {
            notification: second,
        },
    );
    assert_eq!(
        out,
        vec![Output::NotificationEnded {
            notification: second,
            agent: "bob".into(),
            item: "c1".into(),
            how: NotificationEnd::Rejected
        }]
    );
    assert_eq!(h.presence("bob"), "Available");
}

#[test]
fn l4_consultants_leave_when_the_conversation_ends() {
    let mut h = with_active_chat();
    h.input(20, consult("c1", "bob"));
    let n = h.notification_for("c1");
    h.input(21, Input::Accept { notification: n });
    h.input(22, consult("c1", "cy"));
    let pending = h.notification_for("c1");
    let out = h.input(30, end("c1"));
    assert_eq!(
        out,
        vec![
            Output::WrapUpStarted {
                item: "c1".into(),
                agent: "ada".into()
            },
            Output::NotificationEnded {
                notification: pending,
                agent: "cy".into(),
                item: "c1".into(),
                how: NotificationEnd::Rescinded
            },
            Output::ConsultEnded {
                item: "c1".into(),
                agent: "bob".into()
            },
        ]
    );
}

#[test]
fn l4_a_consultant_may_leave() {
    let mut h = with_active_chat();
    h.input(20, consult("c1", "bob"));
    let n = h.notification_for("c1");
    h.input(21, Input::Accept { notification: n });
    let out = h.input(
        40,
        Input::LeaveConsult {
            item: "c1".into(),
            agent: "bob".into(),
        },
    );
    assert_eq!(
        out,
        vec![Output::ConsultEnded {
            item: "c1".into(),
            agent: "bob".into()
        }]
    );
}
