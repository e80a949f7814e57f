//! The driving contract (D1–D7): configuration, atomic inputs, ticking,
//! deadlines, output order, monotonic time and determinism.
#![allow(clippy::too_many_lines)]

mod common;
use common::*;

use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard::{
    Agent, AgentId, BaseStatus, Channel, Config, ConfigError, Contact, DEFAULT_ICON, DesktopMode,
    Distribution, Experience, IdKind, Input, InputError, Notification, NotificationEnd,
    NotificationKind, OrgSettings, Output, PresenceReason, Queue, RerouteReason, Scenario,
    ShortList, Switchboard, Template, WorkItem, WorkLocation, Workstream,
};

// ---------------------------------------------------------------- helpers

/// The chat config of `common`, plus a workstream `fast` (queue `q`) whose
/// incoming template `Fast` times out after 30 s.
fn two_speed_config(agents: &[&str]) -> Config {
    let mut config = chat_config(agents);
    config.templates.push(
        Template::new("Fast")
            .with_title("Fast {customerName}")
            .with_timeout_secs(30),
    );
    let mut fast = Workstream::new("fast", Channel::Chat);
    fast.templates
        .insert(Scenario::IncomingUnauthenticated, "Fast".into());
    config.workstreams.push(fast);
    config
}

/// A `fast` item `id` in queue `q`.
fn fast(id: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, "fast", "q")))
}

/// The Alert the `Fast` template renders.
fn fast_alert(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    Output::Notify(Box::new(Notification {
        agent: agent.into(),
        title: "Fast ".into(),
        unresolved: vec!["customerName".into()].into(),
        ..template_alert(id, item, "Fast", deadline)
    }))
}

/// Drains every queued output.
fn drain(sb: &mut Switchboard) -> Vec<Output> {
    std::iter::from_fn(|| sb.poll_output()).collect()
}

// ---------------------------------------------------------------- D1

#[test]
fn d1_valid_config_builds_an_idle_engine() {
    let mut sb = Switchboard::new(chat_config(&["ada", "bob"])).expect("valid");
    assert_eq!(sb.poll_output(), None);
    assert_eq!(sb.poll_timeout(), None);
    assert_eq!(sb.pending_deadlines(), 0);
    assert_eq!(sb.pending_notifications(), 0);
    assert_eq!(sb.work_items().count(), 0);
    assert_eq!(
        sb.agent_ids().cloned().collect::<Vec<_>>(),
        vec![AgentId::new("ada"), AgentId::new("bob")]
    );
    let ada = sb.agent_status(&"ada".into()).expect("configured");
    assert!(!ada.signed_in);
    assert_eq!(ada.presence.as_str(), "Offline");
    assert_eq!(ada.capacity_units, 100);
    assert_eq!(
        (ada.assigned_units, ada.offered_units, ada.session_slots),
        (0, 0, 0)
    );
}

#[test]
fn d1_template_timeout_zero_is_refused_naming_the_field() {
    let mut config = chat_config(&["ada"]);
    config.templates = vec![
        Template::new("Chat VIP").with_timeout_secs(120),
        Template::new("Chat slow").with_timeout_secs(0),
    ];
    assert_eq!(
        Switchboard::new(config.clone()).unwrap_err(),
        ConfigError::OutOfRange {
            field: "templates[1].timeout_secs".into(),
            value: 0,
            min: 1,
            max: 500,
        }
    );
    config.templates[1].timeout_secs = 501;
    assert_eq!(
        Switchboard::new(config.clone()).unwrap_err(),
        ConfigError::OutOfRange {
            field: "templates[1].timeout_secs".into(),
            value: 501,
            min: 1,
            max: 500,
        }
    );
    // Both ends of the range are accepted.
    config.templates[1].timeout_secs = 500;
    config.templates[0].timeout_secs = 1;
    assert!(Switchboard::new(config).is_ok());
}

#[test]
fn d1_unknown_queue_member_is_refused_naming_the_member() {
    let mut config = chat_config(&["ada", "bob"]);
    config.queues.push(Queue::new(
        "vip",
        ["bob".into(), "ghost".into(), "ada".into()],
    ));
    assert_eq!(
        Switchboard::new(config).unwrap_err(),
        ConfigError::UnknownReference {
            kind: IdKind::Agent,
            id: "ghost".into(),
            field: "queues[1].members[1]".into(),
        }
    );
}

#[test]
fn d1_duplicate_agent_is_refused_naming_the_second_one() {
    let mut config = chat_config(&["ada", "bob"]);
    config.agents.push(Agent::new("ada"));
    assert_eq!(
        Switchboard::new(config).unwrap_err(),
        ConfigError::DuplicateId {
            kind: IdKind::Agent,
            id: "ada".into(),
            field: "agents[2].id".into(),
        }
    );
    // An agent listed twice in one queue is refused too.
    let mut config = chat_config(&["ada", "bob"]);
    config.queues[0].members.push("bob".into());
    assert_eq!(
        Switchboard::new(config).unwrap_err(),
        ConfigError::DuplicateId {
            kind: IdKind::Agent,
            id: "bob".into(),
            field: "queues[0].members[2]".into(),
        }
    );
}

#[test]
fn d1_redefining_a_built_in_template_is_refused() {
    let mut config = chat_config(&["ada"]);
    config.templates = vec![
        Template::new("My copy").with_title("Copy"),
        Template::new("Chat - incoming authenticated - default").with_title("Mine"),
    ];
    assert_eq!(
        Switchboard::new(config).unwrap_err(),
        ConfigError::BuiltInTemplateReadOnly {
            name: "Chat - incoming authenticated - default".into(),
            field: "templates[1].name".into(),
        }
    );
    let mut config = chat_config(&["ada"]);
    config.templates = vec![Template::new("CDS entity - Default assigned")];
    assert_eq!(
        Switchboard::new(config).unwrap_err(),
        ConfigError::BuiltInTemplateReadOnly {
            name: "CDS entity - Default assigned".into(),
            field: "templates[0].name".into(),
        }
    );
}

#[test]
fn d1_unbalanced_brace_is_refused_at_load() {
    let mut config = chat_config(&["ada"]);
    config.templates = vec![Template::new("Chat VIP").with_title("Hello {customerName")];
    assert_eq!(
        Switchboard::new(config).unwrap_err(),
        ConfigError::UnbalancedBrace {
            field: "templates[0].title".into(),
            offset: 6,
        }
    );
    let mut config = chat_config(&["ada"]);
    config.templates = vec![
        Template::new("Chat VIP")
            .with_title("Hello {customerName}")
            .with_field("Case", "{caseId}")
            .with_field("Queue", "queue} {queueId}"),
    ];
    assert_eq!(
        Switchboard::new(config).unwrap_err(),
        ConfigError::UnbalancedBrace {
            field: "templates[0].fields[1].value".into(),
            offset: 5,
        }
    );
}

#[test]
fn d1_first_offending_field_is_named() {
    // Several faults: the earliest entry of a list is named; lists are
    // checked in the engine's documented order (org, presences, templates,
    // workstreams, agents, queues, contacts). The spec does not say which
    // order "first" means across lists; this is the engine's choice.
    let mut config = chat_config(&["ada", "bob"]);
    config.templates = vec![
        Template::new("Good"),
        Template::new("Bad timeout").with_timeout_secs(0),
        Template::new("Bad brace").with_title("{"),
    ];
    config.agents.push(Agent::new("ada"));
    config.queues[0].members.push("ghost".into());
    assert_eq!(
        Switchboard::new(config.clone()).unwrap_err(),
        ConfigError::OutOfRange {
            field: "templates[1].timeout_secs".into(),
            value: 0,
            min: 1,
            max: 500,
        }
    );
    config.org.session_limit = 0;
    assert_eq!(
        Switchboard::new(config.clone()).unwrap_err(),
        ConfigError::OutOfRange {
            field: "org.session_limit".into(),
            value: 0,
            min: 1,
            max: 100,
        }
    );
    config.org.session_limit = 10;
    config.templates.remove(1);
    assert_eq!(
        Switchboard::new(config.clone()).unwrap_err(),
        ConfigError::UnbalancedBrace {
            field: "templates[1].title".into(),
            offset: 0,
        }
    );
    config.templates.remove(1);
    assert_eq!(
        Switchboard::new(config.clone()).unwrap_err(),
        ConfigError::DuplicateId {
            kind: IdKind::Agent,
            id: "ada".into(),
            field: "agents[2].id".into(),
        }
    );
    config.agents.pop();
    assert_eq!(
        Switchboard::new(config.clone()).unwrap_err(),
        ConfigError::UnknownReference {
            kind: IdKind::Agent,
            id: "ghost".into(),
            field: "queues[0].members[2]".into(),
        }
    );
    config.queues[0].members.pop();
    assert!(Switchboard::new(config).is_ok());
}

#[test]
fn d1_config_loads_from_json_with_defaults() {
    let json = r#"{
        "templates": [{ "name": "Chat VIP", "title": "VIP {customerName}" }],
        "workstreams": [{
            "id": "chat",
            "channel": "Chat",
            "templates": { "IncomingUnauthenticated": "Chat VIP" }
        }],
        "queues": [{ "id": "q", "members": ["ada"] }],
        "agents": [{ "id": "ada" }]
    }"#;
    let config: Config = serde_json::from_str(json).expect("valid JSON");

    // Org settings: every documented default.
    assert_eq!(config.org, OrgSettings::default());
    assert!(!config.org.missed_notification_rule);
    assert!(!config.org.agent_reject_rule);
    assert!(config.org.display_acknowledgement);
    assert_eq!(config.org.session_limit, 10);
    assert_eq!(config.org.unseen_reroute_delay_secs, 480);
    assert_eq!(config.org.reconnect_grace_secs, 150);
    assert_eq!(config.org.declines_allowed, 3);
    assert_eq!(config.org.max_consultants, 5);
    assert!(config.presences.is_empty());
    assert!(config.contacts.is_empty());

    // Template defaults (N2).
    let t = &config.templates[0];
    assert_eq!(t.name.as_str(), "Chat VIP");
    assert_eq!(t.timeout_secs, 120);
    assert_eq!(t.icon, DEFAULT_ICON);
    assert_eq!(t.icon, "/webresources/msdyn_chat_icon_zfp.svg");
    assert!(t.show_countdown);
    assert_eq!(t.accept_label, "Accept");
    assert!(t.reject_button);
    assert_eq!(t.reject_label, "Reject");
    assert_eq!(t.desktop, DesktopMode::Never);
    assert!(t.fields.is_empty());
    assert!(!t.auto_assign);
    assert!(!t.auto_accept);

    // Workstream, queue and agent defaults.
    let w = &config.workstreams[0];
    assert_eq!(w.distribution, Distribution::Push);
    assert_eq!(
        w.allowed_presences,
        vec![BaseStatus::Available, BaseStatus::Busy]
    );
    assert_eq!(w.capacity_units, None);
    assert_eq!(config.queues[0].method, None);
    let a = &config.agents[0];
    assert_eq!(a.capacity_units, 100);
    assert_eq!(a.default_presence.as_str(), "Available");
    assert_eq!(a.experience, Experience::Standalone);
    assert!(a.skills.is_empty());

    // The loaded configuration drives an engine with those defaults.
    let mut h = Harness::new(config);
    assert_eq!(h.input(0, sign_in("ada")), vec![signed_in("ada")]);
    let out = h.input(5, chat("c1"));
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(Notification {
                id: n(1),
                agent: "ada".into(),
                item: "c1".into(),
                kind: NotificationKind::Alert,
                scenario: Scenario::IncomingUnauthenticated,
                template: "Chat VIP".into(),
                title: "VIP ".into(),
                fields: ShortList::new(),
                unresolved: vec!["customerName".into()].into(),
                accept_label: "Accept".into(),
                reject_label: Some("Reject".into()),
                deadline: at(125),
                show_countdown: true,
                icon: DEFAULT_ICON.into(),
                desktop: None,
            })),
        ]
    );

    // A JSON configuration that breaks a rule is refused by `new`.
    let bad: Config =
        serde_json::from_str(r#"{ "templates": [{ "name": "Zero", "timeout_secs": 0 }] }"#)
            .expect("valid JSON");
    assert_eq!(
        Switchboard::new(bad).unwrap_err(),
        ConfigError::OutOfRange {
            field: "templates[0].timeout_secs".into(),
            value: 0,
            min: 1,
            max: 500,
        }
    );
}

// ---------------------------------------------------------------- D2

#[test]
fn d2_refused_input_leaves_state_and_outputs_untouched() {
    let setup = |h: &mut Harness| {
        h.input(0, sign_in("ada"));
        h.input(0, sign_in("bob"));
        h.input(1, chat("c1"));
        h.input(2, chat("c2"));
    };
    let mut refused = Harness::new(chat_config(&["ada", "bob"]));
    let mut twin = Harness::new(chat_config(&["ada", "bob"]));
    setup(&mut refused);
    setup(&mut twin);
    assert_eq!(refused.location("c1"), twin.location("c1"));

    // `try_input` itself asserts the state is equal to a clone taken
    // before, and that nothing was queued.
    let bad: Vec<(Input, InputError)> = vec![
        (sign_in("ada"), InputError::AlreadySignedIn("ada".into())),
        (chat("c1"), InputError::DuplicateId("c1".into())),
        (accept(9), InputError::UnknownNotification(n(9))),
        (
            open(1),
            InputError::ActionNotOffered {
                notification: n(1),
                action: "open",
            },
        ),
        (
            end("c2"),
            InputError::InvalidTransition {
                item: "c2".into(),
                from: switchboard::ConversationState::Open,
                to: switchboard::ConversationState::WrapUp,
            },
        ),
        (
            set_presence("bob", "Inactive"),
            InputError::PresenceNotSelectable("Inactive".into()),
        ),
    ];
    for (input, error) in bad {
        assert_eq!(refused.try_input(3, input), Err(error));
        twin.advance_to(3);
    }
    assert_eq!(refused.sb, twin.sb);

    // The same following inputs give the same outputs in both.
    let after = |h: &mut Harness| {
        let mut out = h.input(4, displayed(1));
        out.extend(h.input(5, accept(1)));
        out.extend(h.input(6, reject(2)));
        out
    };
    let out = after(&mut refused);
    assert_eq!(out, after(&mut twin));
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
            ended(2, "bob", "c2", NotificationEnd::Rejected),
            rerouted("c2", "bob", RerouteReason::Rejected),
            // bob declined c2, ada has not: ada gets it (T6).
            chat_alert(3, "ada", "c2", 126),
        ]
    );
    assert_eq!(refused.log, twin.log);
    assert_eq!(refused.sb, twin.sb);
}

#[test]
fn d2_answer_at_the_deadline_is_refused_without_tick_and_changes_nothing() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    sb.handle(at(0), sign_in("ada")).expect("sign in");
    sb.handle(at(0), chat("c1")).expect("arrive");
    drain(&mut sb);
    let before = sb.clone();
    // `handle` never fires deadlines: the offer is still pending, but the
    // answer comes at its deadline and is refused.
    assert_eq!(
        sb.handle(at(120), accept(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
    assert_eq!(sb, before);
    assert_eq!(sb.poll_output(), None);
    assert_eq!(sb.pending_notifications(), 1);
    // One second earlier it was accepted.
    let mut early = before.clone();
    early.handle(at(119), accept(1)).expect("in time");
    assert_eq!(
        drain(&mut early),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
}

// ---------------------------------------------------------------- D3

/// ada, bob and cy signed in; c1 offered to ada and c2 to bob at 0 s (both
/// due at 120 s); f1 offered to cy at 10 s (due at 40 s). Nothing displayed.
fn three_offers() -> Harness {
    let mut h = Harness::new(two_speed_config(&["ada", "bob", "cy"]));
    for agent in ["ada", "bob", "cy"] {
        assert_eq!(h.input(0, sign_in(agent)), vec![signed_in(agent)]);
    }
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    assert_eq!(
        h.input(0, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 120)]
    );
    assert_eq!(
        h.input(10, fast("f1")),
        vec![queued("f1"), fast_alert(3, "cy", "f1", 40)]
    );
    h
}

/// The outputs of one tick of [`three_offers`] at 300 s, well past every
/// deadline: f1 (due 40 s, created last) fires first, then c1 and c2
/// (both due 120 s) in creation order, each assigned unseen (T3).
fn assigned_unseen_at_300() -> Vec<Output> {
    vec![
        ended(3, "cy", "f1", NotificationEnd::AssignedUnseen),
        assigned("f1", "cy", true),
        presence_changed("cy", "Available", "Busy", PresenceReason::Computed),
        ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
        assigned("c1", "ada", true),
        presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ended(2, "bob", "c2", NotificationEnd::AssignedUnseen),
        assigned("c2", "bob", true),
        presence_changed("bob", "Available", "Busy", PresenceReason::Computed),
    ]
}

#[test]
fn d3_tick_fires_due_deadlines_in_order_ties_in_creation_order() {
    let mut h = three_offers();
    h.sb.tick(at(300)).expect("tick");
    assert_eq!(drain(&mut h.sb), assigned_unseen_at_300());
    // Unseen reroutes, 480 s after each deadline (T3).
    assert_eq!(h.sb.poll_timeout(), Some(at(520)));
    assert_eq!(h.sb.pending_deadlines(), 3);
    assert_eq!(h.sb.pending_notifications(), 0);
}

#[test]
fn d3_deadlines_set_while_ticking_fire_at_their_own_times() {
    let mut h = three_offers();
    h.sb.tick(at(300)).expect("tick");
    drain(&mut h.sb);
    // One tick at 600 s: f1's reroute (520 s) re-offers it to cy with a
    // deadline 30 s after 520 s, which is due before 600 s and fires in the
    // same tick; then the two reroutes due at 600 s, in creation order.
    h.sb.tick(at(600)).expect("tick");
    assert_eq!(
        drain(&mut h.sb),
        vec![
            rerouted("f1", "cy", RerouteReason::Unseen),
            presence_changed("cy", "Busy", "Available", PresenceReason::Computed),
            fast_alert(4, "cy", "f1", 550),
            ended(4, "cy", "f1", NotificationEnd::AssignedUnseen),
            assigned("f1", "cy", true),
            presence_changed("cy", "Available", "Busy", PresenceReason::Computed),
            rerouted("c1", "ada", RerouteReason::Unseen),
            presence_changed("ada", "Busy", "Available", PresenceReason::Computed),
            chat_alert(5, "ada", "c1", 720),
            rerouted("c2", "bob", RerouteReason::Unseen),
            presence_changed("bob", "Busy", "Available", PresenceReason::Computed),
            chat_alert(6, "bob", "c2", 720),
        ]
    );
    assert_eq!(h.sb.poll_timeout(), Some(at(720)));
}

#[test]
fn d3_tick_early_or_twice_is_a_no_op() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    let reference = h.sb.clone();

    // Early: nothing fires, nothing changes that a later input could see.
    h.sb.tick(at(1)).expect("tick");
    h.sb.tick(at(119)).expect("tick");
    assert_eq!(h.sb.poll_output(), None);
    assert_eq!(h.sb.poll_timeout(), Some(at(120)));
    assert_eq!(h.sb.pending_notifications(), 1);
    assert_eq!(
        h.location("c1"),
        WorkLocation::Offered {
            agent: "ada".into(),
            notification: n(1),
        }
    );

    // At the deadline it fires, exactly as in an engine never ticked early.
    let mut untouched = reference;
    h.sb.tick(at(120)).expect("tick");
    untouched.tick(at(120)).expect("tick");
    let fired = drain(&mut h.sb);
    assert_eq!(fired, drain(&mut untouched));
    assert_eq!(
        fired,
        vec![
            ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
            assigned("c1", "ada", true),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(h.sb, untouched);

    // Twice with the same `now`: the second does nothing at all.
    let once = h.sb.clone();
    h.sb.tick(at(120)).expect("tick");
    assert_eq!(h.sb.poll_output(), None);
    assert_eq!(h.sb, once);
}

// ---------------------------------------------------------------- D4

#[test]
fn d4_poll_timeout_is_the_earliest_pending_deadline_or_none() {
    let mut h = Harness::new(two_speed_config(&["ada", "bob"]));
    assert_eq!(h.sb.poll_timeout(), None);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(h.sb.poll_timeout(), None);

    assert_eq!(
        h.input(5, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 125)]
    );
    assert_eq!(h.sb.poll_timeout(), Some(at(125)));
    // A later offer with an earlier deadline becomes the next wake-up.
    assert_eq!(
        h.input(10, fast("f1")),
        vec![queued("f1"), fast_alert(2, "bob", "f1", 40)]
    );
    assert_eq!(h.sb.poll_timeout(), Some(at(40)));
    // Two offers, and each chat's 20-minute Open auto-close (L2).
    assert_eq!(h.sb.pending_deadlines(), 4);

    // Answering removes its deadline.
    h.input(20, accept(2));
    assert_eq!(h.sb.poll_timeout(), Some(at(125)));
    h.input(30, accept(1));
    assert_eq!(h.sb.poll_timeout(), None);
    assert_eq!(h.sb.pending_deadlines(), 0);

    // An unseen offer leaves a reroute deadline 480 s after its own.
    assert_eq!(
        h.input(40, chat("c2")),
        vec![queued("c2"), chat_alert(3, "ada", "c2", 160)]
    );
    assert_eq!(h.sb.poll_timeout(), Some(at(160)));
    let fired = h.advance_to(160);
    assert_eq!(
        fired,
        vec![
            (160, ended(3, "ada", "c2", NotificationEnd::AssignedUnseen)),
            (160, assigned("c2", "ada", true)),
        ]
    );
    assert_eq!(h.sb.poll_timeout(), Some(at(640)));
    h.input(200, Input::OpenWork { item: "c2".into() });
    assert_eq!(h.sb.poll_timeout(), None);
}

// ---------------------------------------------------------------- D5

#[test]
fn d5_outputs_come_one_at_a_time_in_the_order_they_arose() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    assert_eq!(sb.poll_output(), None);
    sb.handle(at(0), sign_in("ada")).expect("sign in");
    sb.handle(at(0), chat("c1")).expect("arrive");
    // Outputs of both inputs wait, in order, until polled.
    assert_eq!(sb.poll_output(), Some(signed_in("ada")));
    assert_eq!(sb.poll_timeout(), Some(at(120)));
    assert_eq!(sb.poll_output(), Some(queued("c1")));
    assert_eq!(sb.poll_output(), Some(chat_alert(1, "ada", "c1", 120)));
    assert_eq!(sb.poll_output(), None);
    assert_eq!(sb.poll_output(), None);

    sb.handle(at(10), accept(1)).expect("accept");
    sb.handle(at(20), end("c1")).expect("end");
    assert_eq!(
        sb.poll_output(),
        Some(ended(1, "ada", "c1", NotificationEnd::Accepted))
    );
    assert_eq!(sb.poll_output(), Some(assigned("c1", "ada", false)));
    assert_eq!(sb.poll_output(), Some(session_opened("ada", 1, "c1")));
    assert_eq!(
        sb.poll_output(),
        Some(presence_changed(
            "ada",
            "Available",
            "Busy",
            PresenceReason::Computed
        ))
    );
    assert_eq!(
        sb.poll_output(),
        Some(Output::WrapUpStarted {
            item: "c1".into(),
            agent: "ada".into(),
        })
    );
    assert_eq!(sb.poll_output(), None);
}

#[test]
fn d5_tick_with_hands_over_what_tick_would_queue_in_the_same_order() {
    let mut h = three_offers();
    h.sb.tick(at(300)).expect("tick");
    let mut handed = three_offers().sb;
    let mut got = Vec::new();
    // Two ticks: the second fires deadlines the first one's deadlines set.
    handed.tick_with(at(300), |o| got.push(o)).expect("tick");
    assert_eq!(got, drain(&mut h.sb));
    assert_eq!(got, assigned_unseen_at_300());
    got.clear();
    h.sb.tick(at(600)).expect("tick");
    handed.tick_with(at(600), |o| got.push(o)).expect("tick");
    assert_eq!(got, drain(&mut h.sb));
    assert_eq!(got.len(), 12);
    assert_eq!(got[2], fast_alert(4, "cy", "f1", 550));
    assert_eq!(got[11], chat_alert(6, "bob", "c2", 720));
    // Nothing is left queued, and the two engines are the same engine.
    assert_eq!(handed.poll_output(), None);
    assert_eq!(handed, h.sb);
    assert_eq!(handed.poll_timeout(), Some(at(720)));
}

#[test]
fn d5_a_sink_that_panics_loses_nothing_the_next_tick_goes_on() {
    let mut reference = three_offers().sb;
    reference.tick(at(300)).expect("tick");
    let all = drain(&mut reference);
    assert_eq!(all.len(), 9);

    let mut sb = three_offers().sb;
    let mut got = Vec::new();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sb.tick_with(at(300), |o| {
            got.push(o);
            assert!(got.len() < 2, "the host fails on its second output");
        })
    }));
    assert!(panicked.is_err());
    // The first deadline's third output is still queued; the other two
    // deadlines fire at the next tick, at the same time.
    got.extend(drain(&mut sb));
    assert_eq!(got.len(), 3);
    sb.tick(at(300)).expect("tick");
    got.extend(drain(&mut sb));
    assert_eq!(got, all);
    assert_eq!(sb, reference);
}

#[test]
fn d5_tick_with_hands_over_outputs_still_queued_first() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    sb.handle(at(0), sign_in("ada")).expect("sign in");
    sb.handle(at(0), chat("c1")).expect("arrive");
    // Nothing due: the queued outputs are handed over all the same.
    let mut got = Vec::new();
    sb.tick_with(at(60), |o| got.push(o)).expect("tick");
    assert_eq!(
        got,
        vec![
            signed_in("ada"),
            queued("c1"),
            chat_alert(1, "ada", "c1", 120)
        ]
    );
    assert_eq!(sb.poll_output(), None);
    // Queued before a deadline fires: they come before its outputs.
    sb.handle(at(100), chat("c2")).expect("arrive");
    got.clear();
    sb.tick_with(at(120), |o| got.push(o)).expect("tick");
    assert_eq!(
        got,
        vec![
            queued("c2"),
            chat_alert(2, "ada", "c2", 220),
            ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
            assigned("c1", "ada", true),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(sb.poll_output(), None);
}

// ---------------------------------------------------------------- D6

#[test]
fn d6_handle_with_an_earlier_time_is_refused_and_changes_nothing() {
    let mut sb = Switchboard::new(chat_config(&["ada", "bob"])).expect("valid");
    sb.handle(at(10), sign_in("ada")).expect("sign in");
    drain(&mut sb);
    let before = sb.clone();
    assert_eq!(
        sb.handle(at(9), sign_in("bob")),
        Err(InputError::ClockWentBackwards {
            now: at(9),
            latest: at(10),
        })
    );
    assert_eq!(sb, before);
    assert_eq!(sb.poll_output(), None);
    assert!(!sb.agent_status(&"bob".into()).expect("bob").signed_in);
    // The same time again is fine.
    sb.handle(at(10), sign_in("bob")).expect("same time");
    assert_eq!(drain(&mut sb), vec![signed_in("bob")]);

    // A refused input does not move the clock: a time between the latest
    // accepted one and the refused one is still accepted.
    let before = sb.clone();
    assert_eq!(
        sb.handle(at(50), sign_in("ghost")),
        Err(InputError::UnknownAgent("ghost".into()))
    );
    assert_eq!(sb, before);
    sb.handle(at(20), chat("c1")).expect("clock did not move");
    assert_eq!(
        drain(&mut sb),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 140)]
    );
    assert_eq!(
        sb.handle(at(19), reject(1)),
        Err(InputError::ClockWentBackwards {
            now: at(19),
            latest: at(20),
        })
    );
    assert_eq!(sb.pending_notifications(), 1);
}

#[test]
fn d6_tick_with_an_earlier_time_is_refused_and_changes_nothing() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    sb.handle(at(0), sign_in("ada")).expect("sign in");
    sb.handle(at(0), chat("c1")).expect("arrive");
    drain(&mut sb);
    sb.tick(at(50)).expect("tick");
    let before = sb.clone();
    // tick refuses an earlier time, even one past a pending deadline's
    // creation, and fires nothing.
    assert_eq!(
        sb.tick(at(49)),
        Err(InputError::ClockWentBackwards {
            now: at(49),
            latest: at(50),
        })
    );
    assert_eq!(sb, before);
    assert_eq!(sb.poll_output(), None);
    // A tick counts as a time seen by `handle` too.
    assert_eq!(
        sb.handle(at(30), accept(1)),
        Err(InputError::ClockWentBackwards {
            now: at(30),
            latest: at(50),
        })
    );
    assert_eq!(sb, before);
    // And a handle counts for tick.
    sb.handle(at(60), displayed(1)).expect("display");
    assert_eq!(
        sb.tick(at(55)),
        Err(InputError::ClockWentBackwards {
            now: at(55),
            latest: at(60),
        })
    );
    assert_eq!(sb.poll_output(), None);
    assert_eq!(sb.poll_timeout(), Some(at(120)));
}

#[test]
fn d6_tick_with_an_earlier_time_is_refused_and_hands_over_nothing() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    sb.handle(at(0), sign_in("ada")).expect("sign in");
    sb.tick(at(50)).expect("tick");
    sb.handle(at(50), chat("c1")).expect("arrive");
    let before = sb.clone();
    let mut got = Vec::new();
    assert_eq!(
        sb.tick_with(at(49), |o| got.push(o)),
        Err(InputError::ClockWentBackwards {
            now: at(49),
            latest: at(50),
        })
    );
    // Refused: the queued outputs stay queued, for `poll_output`.
    assert_eq!(got, vec![]);
    assert_eq!(sb, before);
    assert_eq!(
        drain(&mut sb),
        vec![
            signed_in("ada"),
            queued("c1"),
            chat_alert(1, "ada", "c1", 170)
        ]
    );
}

#[test]
fn d6_time_at_the_end_of_the_range_is_refused_without_panic() {
    let max = DateTime::<Utc>::MAX_UTC;
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    let before = sb.clone();
    for now in [
        max,
        max - TimeDelta::seconds(1),
        max - TimeDelta::seconds(120),
    ] {
        assert_eq!(
            sb.handle(now, sign_in("ada")),
            Err(InputError::TimeOutOfRange { now })
        );
        assert_eq!(sb.tick(now), Err(InputError::TimeOutOfRange { now }));
        assert_eq!(sb, before);
        assert_eq!(sb.poll_output(), None);
    }

    // Approaching the end of the range: every step is accepted or refused
    // as out of range, never a panic, and whatever is accepted works.
    let mut worked_at = Vec::new();
    for days_back in [0_i64, 1, 2, 3, 30, 365] {
        let start = max - TimeDelta::days(days_back) - TimeDelta::seconds(600);
        let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
        let steps = [
            sb.handle(start, sign_in("ada")),
            sb.handle(start, chat("c1")),
            sb.tick(start + TimeDelta::seconds(120)),
            sb.tick(start + TimeDelta::seconds(599)),
            sb.tick(max),
        ];
        for step in &steps {
            assert!(
                matches!(step, Ok(()) | Err(InputError::TimeOutOfRange { .. })),
                "{step:?}"
            );
        }
        if steps[..4].iter().all(Result::is_ok) {
            worked_at.push(days_back);
            assert_eq!(
                drain(&mut sb),
                vec![
                    signed_in("ada"),
                    queued("c1"),
                    Output::Notify(Box::new(Notification {
                        deadline: start + TimeDelta::seconds(120),
                        ..chat_notification(1, "ada", "c1", 0)
                    })),
                    ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
                    assigned("c1", "ada", true),
                    presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
                ]
            );
            assert_eq!(sb.poll_timeout(), Some(start + TimeDelta::seconds(600)));
        }
    }
    // A year before the end everything still works.
    assert!(worked_at.contains(&365), "{worked_at:?}");
    assert!(worked_at.contains(&30), "{worked_at:?}");
}

#[test]
fn d6_time_at_the_start_of_the_range_works() {
    let min = DateTime::<Utc>::MIN_UTC;
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    sb.handle(min, sign_in("ada")).expect("sign in");
    sb.handle(min, chat("c1")).expect("arrive");
    assert_eq!(sb.poll_timeout(), Some(min + TimeDelta::seconds(120)));
    sb.tick(min + TimeDelta::seconds(120)).expect("tick");
    assert_eq!(drain(&mut sb).len(), 6);
    assert_eq!(sb.poll_timeout(), Some(min + TimeDelta::seconds(600)));
}

// ---------------------------------------------------------------- D7

/// A configuration that exercises most of the engine: penalties on, a
/// record workstream, SMS with contacts, a custom template.
fn busy_config() -> Config {
    let mut config = two_speed_config(&["ada", "bob", "cy"]);
    config.org.missed_notification_rule = true;
    config.org.agent_reject_rule = true;
    config.agents.push(Agent::new("dee"));
    config
        .workstreams
        .push(Workstream::new("sms", Channel::Sms));
    config
        .workstreams
        .push(Workstream::new("cases", Channel::Record));
    config
        .queues
        .push(Queue::new("desk", ["dee".into(), "cy".into()]));
    config.contacts = vec![
        Contact {
            id: "k1".into(),
            name: "Kim".into(),
            mobile_phone: Some("+1 (555) 010-0199".into()),
        },
        Contact {
            id: "k2".into(),
            name: "Kai".into(),
            mobile_phone: Some("+15550100199".into()),
        },
        Contact {
            id: "k3".into(),
            name: "Lee".into(),
            mobile_phone: Some("555 0200".into()),
        },
    ];
    config
}

/// A fixed script of timed inputs (times in seconds since t0).
fn script() -> Vec<(i64, Input)> {
    let sms = |id: &str, from: &str| {
        Input::WorkArrived(Box::new(WorkItem {
            sms_from: Some(from.into()),
            ..WorkItem::new(id, "sms", "q")
        }))
    };
    let mut case = WorkItem::new("case-1", "cases", "desk");
    case.case = Some(switchboard::Case {
        id: "CAS-1".into(),
        title: "Broken".into(),
    });
    vec![
        (0, sign_in("ada")),
        (0, sign_in("bob")),
        (0, sign_in("cy")),
        (0, sign_in("dee")),
        (1, chat("c1")),
        (1, chat("c2")),
        (2, fast("f1")),
        (3, displayed(1)),
        (4, accept(1)),
        (5, displayed(2)),
        (6, reject(2)),
        (7, sms("s1", "+1 555 010 0199")),
        (8, sms("s2", "555-0200")),
        (9, Input::WorkArrived(Box::new(case))),
        (10, Input::ClientDisconnected { agent: "cy".into() }),
        (20, reset("bob")),
        (30, chat("c3")),
        (40, Input::ClientReconnected { agent: "cy".into() }),
        (50, end("c1")),
        (60, close("c1")),
        (
            70,
            Input::AgentOpenedSession {
                agent: "dee".into(),
            },
        ),
        (80, set_presence("ada", "Away")),
        (400, chat("c4")),
        (
            700,
            Input::AgentSignedOut {
                agent: "bob".into(),
            },
        ),
        (900, chat("c5")),
        (2000, set_presence("ada", "Available")),
    ]
}

/// Runs `script` through a fresh engine, ticking at every deadline, and
/// returns one line per output (time and JSON) or refusal.
fn transcript(config: Config, script: &[(i64, Input)]) -> String {
    let mut sb = Switchboard::new(config).expect("valid");
    let mut lines = String::new();
    let record = |sb: &mut Switchboard, secs: i64, lines: &mut String| {
        while let Some(out) = sb.poll_output() {
            let json = serde_json::to_string(&out).expect("serialises");
            let back: Output = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, out);
            writeln!(lines, "{secs} {json}").expect("write to a String");
        }
    };
    let end = script.last().map_or(0, |(secs, _)| *secs) + 3000;
    let steps = script.iter().map(|(s, i)| (*s, Some(i.clone())));
    for (secs, input) in steps.chain([(end, None)]) {
        while let Some(deadline) = sb.poll_timeout().filter(|d| *d <= at(secs)) {
            sb.tick(deadline).expect("tick");
            record(&mut sb, (deadline - t0()).num_seconds(), &mut lines);
        }
        if let Some(input) = input {
            if let Err(e) = sb.handle(at(secs), input) {
                writeln!(lines, "{secs} refused {e}").expect("write to a String");
            }
            record(&mut sb, secs, &mut lines);
        }
    }
    lines
}

#[test]
fn d7_same_config_and_inputs_give_byte_identical_outputs() {
    let first = transcript(busy_config(), &script());
    let second = transcript(busy_config(), &script());
    assert_eq!(first, second);

    // A configuration that went through JSON drives the same way.
    let json = serde_json::to_string(&busy_config()).expect("serialises");
    let reloaded: Config = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(transcript(reloaded, &script()), first);

    // An input log that went through JSON (one line per input) replays the same.
    let log: Vec<String> = script()
        .iter()
        .map(|(s, i)| format!("{s}\t{}", serde_json::to_string(i).expect("input")))
        .collect();
    let replayed: Vec<(i64, Input)> = log
        .iter()
        .map(|line| {
            let (s, i) = line.split_once('\t').expect("tab");
            (
                s.parse().expect("secs"),
                serde_json::from_str(i).expect("input"),
            )
        })
        .collect();
    assert_eq!(transcript(busy_config(), &replayed), first);

    // The transcript is not trivial: it holds the outputs the script must cause.
    let lines: Vec<&str> = first.lines().collect();
    assert!(lines.len() > 40, "{first}");
    assert!(!first.contains("refused"), "{first}");
    assert_eq!(
        lines[0],
        r#"0 {"PresenceChanged":{"agent":"ada","from":"Offline","to":"Available","why":"SignedIn"}}"#
    );
    assert!(first.contains(r#"7 {"ContactAmbiguous":{"item":"s1","contacts":["k1","k2"]}}"#));
    assert!(first.contains(r#"8 {"ContactLinked":{"item":"s2","contact":"k3"}}"#));
    assert!(first.contains(r#"6 {"Alert":{"agent":"bob","kind":"Rejected","item":"c2"}}"#));
}

#[test]
fn d7_a_work_arrival_logs_as_the_item_itself_boxed_or_not() {
    let item = WorkItem {
        priority: 2,
        ..WorkItem::new("w1", "chat", "q")
    };
    let input = Input::from(item.clone());
    assert_eq!(input, Input::WorkArrived(Box::new(item)));
    let line = serde_json::to_string(&input).expect("serialises");
    assert_eq!(
        line,
        r#"{"WorkArrived":{"id":"w1","workstream":"chat","queue":"q","priority":2,"customer":null,"case":null,"context":{},"sms_from":null,"required_skills":[],"escalated_from_bot":false,"capacity_profiles":[]}}"#
    );
    let short = r#"{"WorkArrived":{"id":"w1","workstream":"chat","queue":"q","priority":2}}"#;
    assert_eq!(serde_json::from_str::<Input>(short).ok(), Some(input));
}

#[test]
fn d7_a_clone_mid_run_continues_exactly_like_the_original() {
    let script = script();
    let (head, tail) = script.split_at(12);
    let mut sb = Switchboard::new(busy_config()).expect("valid");
    for (secs, input) in head {
        sb.tick(at(*secs)).expect("tick");
        sb.handle(at(*secs), input.clone()).expect("accepted");
    }
    drain(&mut sb);
    let mut copy = sb.clone();
    let run = |sb: &mut Switchboard| {
        let mut lines = Vec::new();
        for (secs, input) in tail {
            while let Some(d) = sb.poll_timeout().filter(|d| *d <= at(*secs)) {
                sb.tick(d).expect("tick");
            }
            let result = sb.handle(at(*secs), input.clone());
            lines.push(format!("{result:?}"));
            lines.extend(
                drain(sb)
                    .iter()
                    .map(|o| serde_json::to_string(o).expect("serialises")),
            );
        }
        lines
    };
    let a = run(&mut sb);
    let b = run(&mut copy);
    assert_eq!(a, b);
    assert!(a.len() > tail.len(), "{a:?}");
    assert_eq!(sb, copy);
}
