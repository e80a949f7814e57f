//! Notifications and templates (SPEC N1–N7): kinds, template limits and
//! defaults, slugs, the built-in catalogue, per-scenario choice, desktop
//! delivery and desktop clicks.

#![allow(clippy::too_many_lines)]

mod common;
use common::*;

use switchboard::{
    Agent, AgentId, Case, Channel, Config, ConfigError, Contact, ConversationState, Customer,
    DEFAULT_ICON, DesktopMode, DesktopNotification, Experience, IdKind, Input, InputError,
    Notification, NotificationEnd, NotificationId, NotificationKind, Output, PresenceReason, Queue,
    RerouteReason, Scenario, ShortList, Switchboard, Template, Text, WorkItem, WorkLocation,
    Workstream, builtin_templates,
};

// ---------------------------------------------------------------- helpers

/// The default chat template for authenticated customers.
const CHAT_AUTH: &str = "Chat - incoming authenticated - default";
/// The built-in record template.
const RECORD: &str = "CDS entity - Default assigned";

/// One workstream `ws` naming the given templates per scenario.
fn workstream(channel: Channel, scenarios: &[(Scenario, &str)]) -> Workstream {
    let mut ws = Workstream::new("ws", channel);
    for (scenario, name) in scenarios {
        ws.templates.insert(*scenario, (*name).into());
    }
    ws
}

/// Custom `templates`, one workstream, one queue `q` served by `agents`.
fn config_with(templates: Vec<Template>, ws: Workstream, agents: Vec<Agent>) -> Config {
    Config {
        templates,
        workstreams: vec![ws],
        queues: vec![Queue::new("q", agents.iter().map(|a| a.id.clone()))],
        agents,
        ..Config::default()
    }
}

/// A chat workstream whose incoming templates (both scenarios) are `template`.
fn chat_using(template: Template) -> Config {
    let name = template.name.as_str().to_owned();
    config_with(
        vec![template],
        workstream(
            Channel::Chat,
            &[
                (Scenario::IncomingAuthenticated, &name),
                (Scenario::IncomingUnauthenticated, &name),
            ],
        ),
        vec![Agent::new("ada")],
    )
}

/// A work item `id` in workstream `ws`, queue `q`.
fn item(id: &str) -> WorkItem {
    WorkItem::new(id, "ws", "q")
}

fn arrive(item: WorkItem) -> Input {
    Input::WorkArrived(Box::new(item))
}

fn customer(name: &str) -> Customer {
    Customer {
        name: name.into(),
        entity_name: "contact".into(),
        record_id: "ct-001".into(),
    }
}

fn strings(list: &[&str]) -> ShortList<Text, 2> {
    list.iter().map(|s| Text::from(*s)).collect()
}

/// The single notification among `outputs`.
fn the_notification(outputs: &[Output]) -> Notification {
    let found: Vec<&Notification> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Notify(n) => Some(&**n),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "exactly one notification in {outputs:?}");
    found[0].clone()
}

/// The error `Switchboard::new` gives for `config`.
fn config_error(config: Config) -> ConfigError {
    Switchboard::new(config).expect_err("config must be refused")
}

/// A template that is valid except for what the caller changes.
fn custom(name: &str) -> Template {
    Template::new(name).with_title("Custom")
}

/// Grants desktop permission to `agent`.
fn permit(agent: &str) -> Input {
    Input::DesktopPermission {
        agent: agent.into(),
        granted: true,
    }
}

fn focus(agent: &str, in_focus: bool) -> Input {
    Input::AppFocusChanged {
        agent: agent.into(),
        in_focus,
    }
}

// ---------------------------------------------------------------- N1

#[test]
fn n1_plain_template_gives_alert_that_disappears_at_its_deadline() {
    let mut h = Harness::new(chat_using(
        custom("Plain").with_title("New chat").with_timeout_secs(60),
    ));
    h.input(0, sign_in("ada"));
    let out = h.input(10, arrive(item("c1")));
    let n = Notification {
        title: "New chat".into(),
        ..template_alert(1, "c1", "Plain", 70)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
    assert_eq!(
        h.location("c1"),
        WorkLocation::Offered {
            agent: "ada".into(),
            notification: NotificationId(1),
        }
    );
    // Nothing is assigned while the Alert waits for a decision.
    let status = h.sb.agent_status(&AgentId::new("ada")).unwrap();
    assert_eq!((status.assigned_units, status.offered_units), (0, 10));

    h.input(11, displayed(1));
    assert!(h.advance_to(69).is_empty());
    let fired = h.advance_to(70);
    let again = Notification {
        title: "New chat".into(),
        ..template_alert(2, "c1", "Plain", 130)
    };
    assert_eq!(
        fired,
        vec![
            (70, ended(1, "ada", "c1", NotificationEnd::Expired)),
            (70, rerouted("c1", "ada", RerouteReason::Expired)),
            (70, Output::Notify(Box::new(again))),
        ]
    );
}

#[test]
fn n1_auto_assign_template_gives_toast_and_work_is_assigned_at_once() {
    let mut h = Harness::new(chat_using(
        custom("Auto")
            .with_title("Assigned to you")
            .with_auto_assign(true, false),
    ));
    h.input(0, sign_in("ada"));
    let out = h.input(5, arrive(item("c1")));
    let toast = Notification {
        kind: NotificationKind::Toast,
        title: "Assigned to you".into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(1, "c1", "Auto", 125)
    };
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(toast)),
            assigned("c1", "ada", false),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(
        h.location("c1"),
        WorkLocation::Assigned {
            agent: "ada".into()
        }
    );
    // Accept is not a Toast's action; Open is.
    assert_eq!(
        h.try_input(6, accept(1)),
        Err(InputError::ActionNotOffered {
            notification: NotificationId(1),
            action: "accept",
        })
    );
    // The Toast disappears after its timeout; the work stays assigned.
    assert!(h.advance_to(124).is_empty());
    assert_eq!(
        h.advance_to(125),
        vec![
            (125, ended(1, "ada", "c1", NotificationEnd::TimedOut)),
            (125, session_opened("ada", 1, "c1")),
        ]
    );
    assert_eq!(
        h.location("c1"),
        WorkLocation::Assigned {
            agent: "ada".into()
        }
    );
}

#[test]
fn n1_record_assignment_gives_toast() {
    let config = config_with(
        Vec::new(),
        workstream(Channel::Record, &[]),
        vec![Agent::new("ada")],
    );
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    let case = WorkItem {
        case: Some(Case {
            id: "CAS-01001".into(),
            title: "Printer on fire".into(),
        }),
        ..item("case-1")
    };
    let out = h.input(3, arrive(case));
    let toast = Notification {
        kind: NotificationKind::Toast,
        scenario: Scenario::RecordAssigned,
        title: "New record assigned".into(),
        fields: fields(&[("Case", "Printer on fire"), ("Case number", "CAS-01001")]),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(1, "case-1", RECORD, 123)
    };
    assert_eq!(
        out,
        vec![
            queued("case-1"),
            Output::Notify(Box::new(toast)),
            assigned("case-1", "ada", false),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(
        h.try_input(4, reject(1)),
        Err(InputError::RejectNotAllowed(NotificationId(1)))
    );
}

#[test]
fn n1_record_toast_from_a_non_auto_assign_template_still_has_only_open() {
    // Kind is derived from the record channel, not from the template: a
    // record template without auto-assign still gives a Toast whose one
    // action is "Open" (N1), with no reject button.
    let config = config_with(
        vec![
            custom("Case custom")
                .with_title("Case for you")
                .with_reject_button(true),
        ],
        workstream(
            Channel::Record,
            &[(Scenario::RecordAssigned, "Case custom")],
        ),
        vec![Agent::new("ada")],
    );
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    let out = h.input(3, arrive(item("case-1")));
    let toast = Notification {
        kind: NotificationKind::Toast,
        scenario: Scenario::RecordAssigned,
        title: "Case for you".into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(1, "case-1", "Case custom", 123)
    };
    assert_eq!(
        out,
        vec![
            queued("case-1"),
            Output::Notify(Box::new(toast)),
            assigned("case-1", "ada", false),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
}

// ---------------------------------------------------------------- N2

#[test]
fn n2_template_defaults_match_the_spec() {
    let expected = Template {
        name: "t".into(),
        title: Text::default(),
        icon: "/webresources/msdyn_chat_icon_zfp.svg".into(),
        timeout_secs: 120,
        show_countdown: true,
        accept_label: "Accept".into(),
        reject_button: true,
        reject_label: "Reject".into(),
        desktop: DesktopMode::Never,
        fields: Vec::new(),
        auto_assign: false,
        auto_accept: false,
    };
    assert_eq!(Template::new("t"), expected);
    let loaded: Template = serde_json::from_str(r#"{"name": "t"}"#).unwrap();
    assert_eq!(loaded, expected);
    assert_eq!(DEFAULT_ICON, "/webresources/msdyn_chat_icon_zfp.svg");

    // A default template in use: 120 s, countdown, Accept and Reject.
    let mut h = Harness::new(chat_using(Template::new("t")));
    h.input(0, sign_in("ada"));
    let out = h.input(7, arrive(item("c1")));
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(template_alert(1, "c1", "t", 127)))
        ]
    );
}

#[test]
fn n2_name_longer_than_100_chars_is_config_error() {
    let ok = "n".repeat(100);
    assert!(Switchboard::new(chat_using(custom(&ok))).is_ok());
    let long = "n".repeat(101);
    assert_eq!(
        config_error(chat_using(custom(&long))),
        ConfigError::TooLong {
            field: "templates[0].name".into(),
            len: 101,
            max: 100,
        }
    );
}

#[test]
fn n2_title_longer_than_100_chars_is_config_error() {
    // Characters count, not bytes: 100 × "é" is 200 bytes and allowed.
    assert!(Switchboard::new(chat_using(custom("t").with_title("é".repeat(100)))).is_ok());
    let mut config = chat_using(custom("t"));
    config
        .templates
        .push(custom("second").with_title("x".repeat(101)));
    assert_eq!(
        config_error(config),
        ConfigError::TooLong {
            field: "templates[1].title".into(),
            len: 101,
            max: 100,
        }
    );
}

#[test]
fn n2_icon_longer_than_1024_chars_is_config_error() {
    let mut ok = custom("t");
    ok.icon = format!("/{}", "i".repeat(1023)).into();
    assert!(Switchboard::new(chat_using(ok)).is_ok());
    let mut long = custom("t");
    long.icon = format!("/{}", "i".repeat(1024)).into();
    assert_eq!(
        config_error(chat_using(long)),
        ConfigError::TooLong {
            field: "templates[0].icon".into(),
            len: 1025,
            max: 1024,
        }
    );
}

#[test]
fn n2_accept_label_longer_than_100_chars_is_config_error() {
    let mut ok = custom("t");
    ok.accept_label = "a".repeat(100).into();
    assert!(Switchboard::new(chat_using(ok)).is_ok());
    let mut long = custom("t");
    long.accept_label = "a".repeat(101).into();
    assert_eq!(
        config_error(chat_using(long)),
        ConfigError::TooLong {
            field: "templates[0].accept_label".into(),
            len: 101,
            max: 100,
        }
    );
}

#[test]
fn n2_timeout_outside_1_to_500_seconds_is_config_error() {
    for secs in [0, 501] {
        assert_eq!(
            config_error(chat_using(custom("t").with_timeout_secs(secs))),
            ConfigError::OutOfRange {
                field: "templates[0].timeout_secs".into(),
                value: secs.into(),
                min: 1,
                max: 500,
            }
        );
    }
    // Both ends of the range are accepted and give exact deadlines.
    for (secs, deadline) in [(1, 11), (500, 510)] {
        let mut h = Harness::new(chat_using(custom("t").with_timeout_secs(secs)));
        h.input(0, sign_in("ada"));
        let out = h.input(10, arrive(item("c1")));
        let n = Notification {
            title: "Custom".into(),
            ..template_alert(1, "c1", "t", deadline)
        };
        assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
        assert_eq!(h.sb.poll_timeout(), Some(at(deadline)));
    }
}

#[test]
fn n2_more_than_four_fields_is_config_error() {
    let four = (1..=4).fold(custom("t"), |t, i| {
        t.with_field(format!("H{i}"), format!("v{i}"))
    });
    let mut h = Harness::new(chat_using(four.clone()));
    h.input(0, sign_in("ada"));
    let out = h.input(1, arrive(item("c1")));
    assert_eq!(
        the_notification(&out).fields,
        fields(&[("H1", "v1"), ("H2", "v2"), ("H3", "v3"), ("H4", "v4")])
    );
    assert_eq!(
        config_error(chat_using(four.with_field("H5", "v5"))),
        ConfigError::TooManyFields {
            field: "templates[0].fields".into(),
            count: 5,
        }
    );
}

#[test]
fn n2_auto_accept_without_auto_assign_is_config_error() {
    assert_eq!(
        config_error(chat_using(custom("t").with_auto_assign(false, true))),
        ConfigError::AutoAcceptWithoutAutoAssign {
            field: "templates[0].auto_accept".into(),
        }
    );
}

#[test]
fn n2_custom_labels_countdown_and_reject_button_reach_the_alert() {
    let mut t = custom("t").with_countdown(false).with_timeout_secs(45);
    t.accept_label = "Take it".into();
    t.reject_label = "Pass".into();
    let mut no_reject = custom("u").with_reject_button(false);
    no_reject.reject_label = "Pass".into();
    let mut config = chat_using(t);
    config.templates.push(no_reject);
    config.workstreams.push(workstream(
        Channel::Chat,
        &[(Scenario::IncomingUnauthenticated, "u")],
    ));
    config.workstreams[1].id = "ws2".into();
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));

    let out = h.input(10, arrive(item("c1")));
    let n = Notification {
        title: "Custom".into(),
        accept_label: "Take it".into(),
        reject_label: Some("Pass".into()),
        show_countdown: false,
        ..template_alert(1, "c1", "t", 55)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);

    let out = h.input(11, arrive(WorkItem::new("c2", "ws2", "q")));
    let n = Notification {
        title: "Custom".into(),
        reject_label: None,
        ..template_alert(2, "c2", "u", 131)
    };
    assert_eq!(out, vec![queued("c2"), Output::Notify(Box::new(n))]);
    assert_eq!(
        h.try_input(12, reject(2)),
        Err(InputError::RejectNotAllowed(NotificationId(2)))
    );
}

#[test]
fn n2_auto_assign_turns_accept_label_into_open_and_disables_reject() {
    let mut t = custom("t").with_auto_assign(true, false);
    t.accept_label = "Take it".into();
    t.reject_button = true;
    t.reject_label = "Pass".into();
    let mut h = Harness::new(chat_using(t));
    h.input(0, sign_in("ada"));
    let out = h.input(10, arrive(item("c1")));
    let toast = Notification {
        kind: NotificationKind::Toast,
        title: "Custom".into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(1, "c1", "t", 130)
    };
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(toast)),
            assigned("c1", "ada", false),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(
        h.try_input(11, reject(1)),
        Err(InputError::RejectNotAllowed(NotificationId(1)))
    );
    // Open is the action.
    assert_eq!(
        h.input(12, open(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Opened),
            session_opened("ada", 1, "c1"),
        ]
    );
}

#[test]
fn n2_auto_accept_forces_countdown_on() {
    let mut config = chat_using(
        custom("accepting")
            .with_countdown(false)
            .with_auto_assign(true, true),
    );
    config.templates.push(
        custom("assigning")
            .with_countdown(false)
            .with_auto_assign(true, false),
    );
    config.workstreams.push(workstream(
        Channel::Chat,
        &[(Scenario::IncomingUnauthenticated, "assigning")],
    ));
    config.workstreams[1].id = "ws2".into();
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));

    let out = h.input(10, arrive(item("c1")));
    let toast = Notification {
        kind: NotificationKind::Toast,
        title: "Custom".into(),
        accept_label: "Open".into(),
        reject_label: None,
        show_countdown: true,
        ..template_alert(1, "c1", "accepting", 130)
    };
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(toast)),
            assigned("c1", "ada", false),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
            session_opened("ada", 1, "c1"),
        ]
    );

    // Auto-assign alone leaves the countdown as the template says.
    let out = h.input(11, arrive(WorkItem::new("c2", "ws2", "q")));
    let toast = Notification {
        kind: NotificationKind::Toast,
        title: "Custom".into(),
        accept_label: "Open".into(),
        reject_label: None,
        show_countdown: false,
        ..template_alert(2, "c2", "assigning", 131)
    };
    assert_eq!(
        out,
        vec![
            queued("c2"),
            Output::Notify(Box::new(toast)),
            assigned("c2", "ada", false),
        ]
    );
}

// ---------------------------------------------------------------- N3

/// A template using every named slug plus a context key, `customerName` twice.
fn slug_template() -> Template {
    custom("slugs")
        .with_title("{customerName} via {queueId}")
        .with_field("Case", "{caseId}: {caseTitle}")
        .with_field("Visitor", "{visitorLanguage}/{visitorDevice}")
        .with_field(
            "Entity",
            "{entityRoutingLogicalName} {customerEntityName} {customerRecordId}",
        )
        .with_field("Order", "{orderNumber} for {customerName}")
}

fn context(pairs: &[(&str, &str)]) -> WorkItem {
    let mut work = item("c1");
    for (key, value) in pairs {
        work.context.insert((*key).into(), (*value).into());
    }
    work
}

#[test]
fn n3_every_named_slug_and_context_key_resolves() {
    let mut h = Harness::new(chat_using(slug_template()));
    h.input(0, sign_in("ada"));
    let work = WorkItem {
        customer: Some(Customer {
            name: "Grace Hopper".into(),
            entity_name: "account".into(),
            record_id: "acc-42".into(),
        }),
        case: Some(Case {
            id: "CAS-7".into(),
            title: "Broken compiler".into(),
        }),
        ..context(&[
            ("visitorLanguage", "en-GB"),
            ("visitorDevice", "Mobile"),
            ("entityRoutingLogicalName", "incident"),
            ("orderNumber", "ORD-9"),
        ])
    };
    let out = h.input(1, arrive(work));
    let n = Notification {
        scenario: Scenario::IncomingAuthenticated,
        title: "Grace Hopper via q".into(),
        fields: fields(&[
            ("Case", "CAS-7: Broken compiler"),
            ("Visitor", "en-GB/Mobile"),
            ("Entity", "incident account acc-42"),
            ("Order", "ORD-9 for Grace Hopper"),
        ]),
        ..template_alert(1, "c1", "slugs", 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
}

#[test]
fn n3_unresolved_slugs_render_empty_and_are_listed_once() {
    let mut h = Harness::new(chat_using(slug_template()));
    h.input(0, sign_in("ada"));
    let out = h.input(1, arrive(item("c1")));
    let n = Notification {
        title: " via q".into(),
        fields: fields(&[
            ("Case", ": "),
            ("Visitor", "/"),
            ("Entity", "  "),
            ("Order", " for "),
        ]),
        unresolved: strings(&[
            "customerName",
            "caseId",
            "caseTitle",
            "visitorLanguage",
            "visitorDevice",
            "entityRoutingLogicalName",
            "customerEntityName",
            "customerRecordId",
            "orderNumber",
        ]),
        ..template_alert(1, "c1", "slugs", 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
}

#[test]
fn n3_case_slugs_resolve_only_with_a_linked_case() {
    let template = custom("case")
        .with_title("{caseTitle}")
        .with_field("Number", "{caseId}");
    let mut h = Harness::new(chat_using(template));
    h.input(0, sign_in("ada"));
    // Context values with the case slugs' names do not stand in for a case.
    let out = h.input(
        1,
        arrive(context(&[("caseId", "CAS-FAKE"), ("caseTitle", "Fake")])),
    );
    let n = Notification {
        fields: fields(&[("Number", "")]),
        unresolved: strings(&["caseTitle", "caseId"]),
        ..template_alert(1, "c1", "case", 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);

    let linked = WorkItem {
        case: Some(Case {
            id: "CAS-1".into(),
            title: "Refund".into(),
        }),
        ..item("c2")
    };
    let out = h.input(2, arrive(linked));
    let n = Notification {
        title: "Refund".into(),
        fields: fields(&[("Number", "CAS-1")]),
        ..template_alert(2, "c2", "case", 122)
    };
    assert_eq!(out, vec![queued("c2"), Output::Notify(Box::new(n))]);
}

#[test]
fn n3_customer_slugs_resolve_only_when_customer_identified() {
    let template = custom("cust")
        .with_title("{customerName}")
        .with_field("Entity", "{customerEntityName}")
        .with_field("Record", "{customerRecordId}");
    let mut h = Harness::new(chat_using(template));
    h.input(0, sign_in("ada"));
    let out = h.input(
        1,
        arrive(context(&[
            ("customerName", "Mallory"),
            ("customerEntityName", "contact"),
            ("customerRecordId", "ct-666"),
        ])),
    );
    let n = Notification {
        fields: fields(&[("Entity", ""), ("Record", "")]),
        unresolved: strings(&["customerName", "customerEntityName", "customerRecordId"]),
        ..template_alert(1, "c1", "cust", 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);

    let known = WorkItem {
        customer: Some(customer("Ada Lovelace")),
        ..item("c2")
    };
    let out = h.input(2, arrive(known));
    let n = Notification {
        scenario: Scenario::IncomingAuthenticated,
        title: "Ada Lovelace".into(),
        fields: fields(&[("Entity", "contact"), ("Record", "ct-001")]),
        ..template_alert(2, "c2", "cust", 122)
    };
    assert_eq!(out, vec![queued("c2"), Output::Notify(Box::new(n))]);
}

#[test]
fn n3_unbalanced_brace_is_config_error_at_load() {
    // The template is not used by any workstream: still refused at load.
    let unused = |t: Template| Config {
        templates: vec![custom("fine"), t],
        ..chat_config(&["ada"])
    };
    assert_eq!(
        config_error(unused(custom("t").with_title("Hello {customerName"))),
        ConfigError::UnbalancedBrace {
            field: "templates[1].title".into(),
            offset: 6,
        }
    );
    assert_eq!(
        config_error(unused(custom("t").with_field("Order", "No. orderNumber}"))),
        ConfigError::UnbalancedBrace {
            field: "templates[1].fields[0].value".into(),
            offset: 15,
        }
    );
    assert_eq!(
        config_error(unused(
            custom("t")
                .with_field("Ok", "{queueId}")
                .with_field("Nested", "{a{b}}")
        )),
        ConfigError::UnbalancedBrace {
            field: "templates[1].fields[1].value".into(),
            offset: 0,
        }
    );
}

// ---------------------------------------------------------------- N4

#[test]
fn n4_builtin_catalogue_has_the_38_named_templates() {
    let mut expected = Vec::new();
    for channel in [
        "Chat",
        "Custom messaging",
        "Facebook",
        "LINE",
        "SMS",
        "Teams",
        "Twitter",
        "WeChat",
        "Voice call",
    ] {
        for scenario in [
            "incoming authenticated",
            "incoming unauthenticated",
            "transfer",
            "consult",
        ] {
            expected.push(format!("{channel} - {scenario} - default"));
        }
    }
    expected.push("Voice call - supervisor assign - default".into());
    expected.push(RECORD.into());
    expected.sort();

    let mut names: Vec<String> = builtin_templates()
        .into_iter()
        .map(|t| t.name.as_str().to_owned())
        .collect();
    assert_eq!(names.len(), 38);
    names.sort();
    assert_eq!(names, expected);

    // Every built-in is a valid template (N2) that a workstream can name.
    for (i, name) in names.iter().enumerate() {
        let mut config = chat_config(&["ada"]);
        config.workstreams[0]
            .templates
            .insert(Scenario::Transfer, name.as_str().into());
        assert!(Switchboard::new(config).is_ok(), "built-in #{i} {name}");
    }
}

#[test]
fn n4_redefining_a_builtin_template_is_config_error() {
    for builtin in builtin_templates() {
        let name = builtin.name.as_str().to_owned();
        let changed = builtin.with_title("Mine now");
        let config = Config {
            templates: vec![custom("first"), changed],
            ..chat_config(&["ada"])
        };
        assert_eq!(
            config_error(config),
            ConfigError::BuiltInTemplateReadOnly {
                name,
                field: "templates[1].name".into(),
            }
        );
    }
    // An unchanged copy under the built-in's name is refused too.
    let same = builtin_templates()
        .into_iter()
        .find(|t| t.name.as_str() == CHAT_UNAUTH)
        .unwrap();
    assert_eq!(
        config_error(Config {
            templates: vec![same],
            ..chat_config(&["ada"])
        }),
        ConfigError::BuiltInTemplateReadOnly {
            name: CHAT_UNAUTH.into(),
            field: "templates[0].name".into(),
        }
    );
    // A custom name used twice is a plain duplicate.
    assert_eq!(
        config_error(Config {
            templates: vec![custom("twice"), custom("twice")],
            ..chat_config(&["ada"])
        }),
        ConfigError::DuplicateId {
            kind: IdKind::Template,
            id: "twice".into(),
            field: "templates[1].name".into(),
        }
    );
}

#[test]
fn n4_copy_of_a_builtin_under_a_new_name_is_usable() {
    let mut copy = builtin_templates()
        .into_iter()
        .find(|t| t.name.as_str() == CHAT_UNAUTH)
        .unwrap();
    copy.name = "Chat - incoming unauthenticated - ours".into();
    copy.title = "Chat for {queueId}".into();
    let mut h = Harness::new(chat_using(copy));
    h.input(0, sign_in("ada"));
    let out = h.input(1, arrive(item("c1")));
    let n = Notification {
        title: "Chat for q".into(),
        fields: fields(&[("Language", ""), ("Queue", "q")]),
        unresolved: strings(&["visitorLanguage"]),
        ..template_alert(1, "c1", "Chat - incoming unauthenticated - ours", 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
}

// ---------------------------------------------------------------- N5

#[test]
fn n5_workstream_templates_per_scenario_authenticated_when_identified() {
    let config = config_with(
        vec![
            custom("VIP").with_title("VIP {customerName}"),
            custom("Anon").with_title("Visitor"),
        ],
        workstream(
            Channel::Chat,
            &[
                (Scenario::IncomingAuthenticated, "VIP"),
                (Scenario::IncomingUnauthenticated, "Anon"),
            ],
        ),
        vec![Agent::new("ada")],
    );
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));

    let known = WorkItem {
        customer: Some(customer("Ada Lovelace")),
        ..item("c1")
    };
    let out = h.input(1, arrive(known));
    let n = Notification {
        scenario: Scenario::IncomingAuthenticated,
        title: "VIP Ada Lovelace".into(),
        ..template_alert(1, "c1", "VIP", 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);

    let out = h.input(2, arrive(item("c2")));
    let n = Notification {
        title: "Visitor".into(),
        ..template_alert(2, "c2", "Anon", 122)
    };
    assert_eq!(out, vec![queued("c2"), Output::Notify(Box::new(n))]);

    // A linked case does not identify the customer.
    let with_case = WorkItem {
        case: Some(Case {
            id: "CAS-1".into(),
            title: "Refund".into(),
        }),
        ..item("c3")
    };
    let out = h.input(3, arrive(with_case));
    let n = Notification {
        title: "Visitor".into(),
        ..template_alert(3, "c3", "Anon", 123)
    };
    assert_eq!(out, vec![queued("c3"), Output::Notify(Box::new(n))]);
}

#[test]
fn n5_scenario_without_a_template_falls_back_to_the_channel_builtin() {
    // The workstream names only its authenticated template.
    let config = config_with(
        vec![custom("VIP").with_title("VIP")],
        workstream(Channel::Chat, &[(Scenario::IncomingAuthenticated, "VIP")]),
        vec![Agent::new("ada")],
    );
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    let out = h.input(1, arrive(item("c1")));
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(chat_notification(1, "ada", "c1", 121)))
        ]
    );

    // No templates named at all: both incoming scenarios use the built-ins.
    let mut h = Harness::new(config_with(
        Vec::new(),
        workstream(Channel::Chat, &[]),
        vec![Agent::new("ada")],
    ));
    h.input(0, sign_in("ada"));
    let known = WorkItem {
        customer: Some(customer("Ada Lovelace")),
        ..item("c1")
    };
    let out = h.input(1, arrive(known));
    let n = Notification {
        scenario: Scenario::IncomingAuthenticated,
        title: "Incoming Chat conversation".into(),
        fields: fields(&[("Customer", "Ada Lovelace"), ("Queue", "q")]),
        ..template_alert(1, "c1", CHAT_AUTH, 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
}

#[test]
fn n5_fallback_uses_the_builtin_of_the_workstream_channel() {
    for (channel, auth, unauth) in [
        (
            Channel::Facebook,
            "Facebook - incoming authenticated - default",
            "Facebook - incoming unauthenticated - default",
        ),
        (
            Channel::Voice,
            "Voice call - incoming authenticated - default",
            "Voice call - incoming unauthenticated - default",
        ),
        (
            Channel::WeChat,
            "WeChat - incoming authenticated - default",
            "WeChat - incoming unauthenticated - default",
        ),
    ] {
        let mut h = Harness::new(config_with(
            Vec::new(),
            workstream(channel, &[]),
            vec![Agent::new("ada")],
        ));
        h.input(0, sign_in("ada"));
        let known = WorkItem {
            customer: Some(customer("Ada Lovelace")),
            ..item("w1")
        };
        let first = the_notification(&h.input(1, arrive(known)));
        assert_eq!(
            (first.template.as_str(), first.scenario, first.kind),
            (
                auth,
                Scenario::IncomingAuthenticated,
                NotificationKind::Alert
            ),
            "{channel:?}"
        );
        let second = the_notification(&h.input(2, arrive(item("w2"))));
        assert_eq!(
            (second.template.as_str(), second.scenario, second.kind),
            (
                unauth,
                Scenario::IncomingUnauthenticated,
                NotificationKind::Alert
            ),
            "{channel:?}"
        );
    }
}

#[test]
fn n5_record_workstream_uses_its_record_assigned_template() {
    let config = config_with(
        vec![
            custom("Case VIP")
                .with_title("{caseTitle}")
                .with_auto_assign(true, false),
        ],
        workstream(Channel::Record, &[(Scenario::RecordAssigned, "Case VIP")]),
        vec![Agent::new("ada")],
    );
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    let case = WorkItem {
        case: Some(Case {
            id: "CAS-1".into(),
            title: "Refund".into(),
        }),
        ..item("case-1")
    };
    let out = h.input(1, arrive(case));
    let toast = Notification {
        kind: NotificationKind::Toast,
        scenario: Scenario::RecordAssigned,
        title: "Refund".into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(1, "case-1", "Case VIP", 121)
    };
    assert_eq!(
        out,
        vec![
            queued("case-1"),
            Output::Notify(Box::new(toast)),
            assigned("case-1", "ada", false),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
}

#[test]
fn n5_sms_number_matched_to_one_contact_uses_authenticated_template() {
    let mut config = config_with(
        vec![
            custom("SMS known").with_title("Text from {customerName}"),
            custom("SMS unknown").with_title("Text from a stranger"),
        ],
        workstream(
            Channel::Sms,
            &[
                (Scenario::IncomingAuthenticated, "SMS known"),
                (Scenario::IncomingUnauthenticated, "SMS unknown"),
            ],
        ),
        vec![Agent::new("ada")],
    );
    config.contacts = vec![Contact {
        id: "ct-1".into(),
        name: "Grace Hopper".into(),
        mobile_phone: Some("+1 (555) 010-0199".into()),
    }];
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    let sms = |id: &str, from: &str| WorkItem {
        sms_from: Some(from.into()),
        ..item(id)
    };

    let out = h.input(1, arrive(sms("s1", "+15550100199")));
    let n = Notification {
        scenario: Scenario::IncomingAuthenticated,
        title: "Text from Grace Hopper".into(),
        ..template_alert(1, "s1", "SMS known", 121)
    };
    assert_eq!(
        out,
        vec![
            Output::ContactLinked {
                item: "s1".into(),
                contact: "ct-1".into(),
            },
            queued("s1"),
            Output::Notify(Box::new(n)),
        ]
    );

    let out = h.input(2, arrive(sms("s2", "+44 20 7946 0958")));
    let n = Notification {
        title: "Text from a stranger".into(),
        ..template_alert(2, "s2", "SMS unknown", 122)
    };
    assert_eq!(out, vec![queued("s2"), Output::Notify(Box::new(n))]);
}

#[test]
fn n5_every_scenario_can_name_its_own_template() {
    let scenarios = [
        Scenario::IncomingAuthenticated,
        Scenario::IncomingUnauthenticated,
        Scenario::Transfer,
        Scenario::Consult,
        Scenario::SupervisorAssign,
        Scenario::RecordAssigned,
        Scenario::Escalation,
    ];
    let names: Vec<String> = scenarios.iter().map(|s| format!("{s:?} tpl")).collect();
    let per_scenario: Vec<(Scenario, &str)> = scenarios
        .iter()
        .zip(&names)
        .map(|(s, n)| (*s, n.as_str()))
        .collect();
    let templates = names.iter().map(|n| custom(n)).collect();
    let config = config_with(
        templates,
        workstream(Channel::Chat, &per_scenario),
        vec![Agent::new("ada")],
    );
    assert!(Switchboard::new(config).is_ok());

    // Each scenario's reference is checked on its own.
    for scenario in scenarios {
        let config = config_with(
            Vec::new(),
            workstream(Channel::Voice, &[(scenario, "Missing")]),
            vec![Agent::new("ada")],
        );
        assert_eq!(
            config_error(config),
            ConfigError::UnknownReference {
                kind: IdKind::Template,
                id: "Missing".into(),
                field: format!("workstreams[0].templates[{scenario:?}]"),
            }
        );
    }
}

#[test]
fn n5_unknown_template_name_is_config_error() {
    let config = config_with(
        Vec::new(),
        workstream(Channel::Chat, &[(Scenario::IncomingAuthenticated, "Nope")]),
        vec![Agent::new("ada")],
    );
    assert_eq!(
        config_error(config),
        ConfigError::UnknownReference {
            kind: IdKind::Template,
            id: "Nope".into(),
            field: "workstreams[0].templates[IncomingAuthenticated]".into(),
        }
    );
}

// ---------------------------------------------------------------- N6

/// A chat workstream whose incoming template has desktop `mode` and `icon`.
fn desktop_config(mode: DesktopMode, icon: &str, agent: Agent) -> Config {
    let mut t = custom("desk").with_desktop(mode);
    t.icon = icon.into();
    config_with(
        vec![t.clone()],
        workstream(
            Channel::Chat,
            &[(Scenario::IncomingUnauthenticated, "desk")],
        ),
        vec![agent],
    )
}

/// The Alert `desktop_config` gives, with `desktop` copy.
fn desk_alert(
    id: u64,
    item: &str,
    deadline_secs: i64,
    icon: &str,
    desktop: Option<DesktopNotification>,
) -> Notification {
    Notification {
        title: "Custom".into(),
        icon: icon.into(),
        desktop,
        ..template_alert(id, item, "desk", deadline_secs)
    }
}

const PNG: &str = "/webresources/chat.png";

fn png_copy() -> DesktopNotification {
    DesktopNotification {
        icon: Some(PNG.into()),
    }
}

#[test]
fn n6_always_mode_goes_to_desktop_when_permission_granted() {
    let mut h = Harness::new(desktop_config(DesktopMode::Always, PNG, Agent::new("ada")));
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    // In focus: Always still sends the desktop copy.
    let out = h.input(1, arrive(item("c1")));
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(desk_alert(1, "c1", 121, PNG, Some(png_copy()))))
        ]
    );
    h.input(2, focus("ada", false));
    let out = h.input(3, arrive(item("c2")));
    assert_eq!(
        out,
        vec![
            queued("c2"),
            Output::Notify(Box::new(desk_alert(2, "c2", 123, PNG, Some(png_copy()))))
        ]
    );
}

#[test]
fn n6_when_in_background_mode_goes_to_desktop_only_out_of_focus() {
    let mut h = Harness::new(desktop_config(
        DesktopMode::WhenInBackground,
        PNG,
        Agent::new("ada"),
    ));
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    let out = h.input(1, arrive(item("c1")));
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(desk_alert(1, "c1", 121, PNG, None)))
        ]
    );
    h.input(2, focus("ada", false));
    let out = h.input(3, arrive(item("c2")));
    assert_eq!(
        out,
        vec![
            queued("c2"),
            Output::Notify(Box::new(desk_alert(2, "c2", 123, PNG, Some(png_copy()))))
        ]
    );
    h.input(4, focus("ada", true));
    let out = h.input(5, arrive(item("c3")));
    assert_eq!(
        out,
        vec![
            queued("c3"),
            Output::Notify(Box::new(desk_alert(3, "c3", 125, PNG, None)))
        ]
    );
}

#[test]
fn n6_never_mode_never_goes_to_desktop() {
    let mut h = Harness::new(desktop_config(DesktopMode::Never, PNG, Agent::new("ada")));
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    h.input(0, focus("ada", false));
    let out = h.input(1, arrive(item("c1")));
    assert_eq!(
        out,
        vec![
            queued("c1"),
            Output::Notify(Box::new(desk_alert(1, "c1", 121, PNG, None)))
        ]
    );
}

#[test]
fn n6_no_desktop_copy_without_browser_permission() {
    let mut h = Harness::new(desktop_config(DesktopMode::Always, PNG, Agent::new("ada")));
    h.input(0, sign_in("ada"));
    h.input(0, focus("ada", false));
    // Permission never asked: nothing on the desktop.
    let out = h.input(1, arrive(item("c1")));
    assert_eq!(the_notification(&out), desk_alert(1, "c1", 121, PNG, None));
    h.input(2, permit("ada"));
    let out = h.input(3, arrive(item("c2")));
    assert_eq!(
        the_notification(&out),
        desk_alert(2, "c2", 123, PNG, Some(png_copy()))
    );
    h.input(
        4,
        Input::DesktopPermission {
            agent: "ada".into(),
            granted: false,
        },
    );
    let out = h.input(5, arrive(item("c3")));
    assert_eq!(the_notification(&out), desk_alert(3, "c3", 125, PNG, None));
}

#[test]
fn n6_no_desktop_copy_in_the_embedded_experience() {
    for mode in [DesktopMode::Always, DesktopMode::WhenInBackground] {
        let embedded = Agent {
            experience: Experience::Embedded,
            ..Agent::new("ada")
        };
        let mut h = Harness::new(desktop_config(mode, PNG, embedded));
        h.input(0, sign_in("ada"));
        h.input(0, permit("ada"));
        h.input(0, focus("ada", false));
        let out = h.input(1, arrive(item("c1")));
        assert_eq!(
            out,
            vec![
                queued("c1"),
                Output::Notify(Box::new(desk_alert(1, "c1", 121, PNG, None)))
            ],
            "{mode:?}"
        );
    }
}

#[test]
fn n6_desktop_copy_shows_no_svg_icon_and_no_countdown() {
    for (icon, desktop_icon) in [
        (DEFAULT_ICON, None),
        ("/webresources/Custom.SVG", None),
        (PNG, Some(PNG)),
    ] {
        let mut h = Harness::new(desktop_config(DesktopMode::Always, icon, Agent::new("ada")));
        h.input(0, sign_in("ada"));
        h.input(0, permit("ada"));
        let n = the_notification(&h.input(1, arrive(item("c1"))));
        let copy = DesktopNotification {
            icon: desktop_icon.map(str::to_owned).map(Into::into),
        };
        // The in-app notification keeps its icon and countdown.
        assert_eq!(n, desk_alert(1, "c1", 121, icon, Some(copy)), "{icon}");
        // The desktop copy carries nothing but its icon: no countdown.
        assert_eq!(
            serde_json::to_value(n.desktop.unwrap()).unwrap(),
            serde_json::json!({ "icon": desktop_icon }),
        );
    }
}

#[test]
fn n6_svg_icon_with_query_or_data_uri_is_not_shown_on_desktop() {
    // Still SVG images: the desktop copy must not carry them.
    for icon in [
        "/webresources/chat.svg?v=2",
        "/webresources/chat.svg#badge",
        "data:image/svg+xml;base64,PHN2Zy8+",
        " DATA:Image/SVG+XML;base64,PHN2Zy8+",
    ] {
        let mut h = Harness::new(desktop_config(DesktopMode::Always, icon, Agent::new("ada")));
        h.input(0, sign_in("ada"));
        h.input(0, permit("ada"));
        let n = the_notification(&h.input(1, arrive(item("c1"))));
        assert_eq!(
            n,
            desk_alert(1, "c1", 121, icon, Some(DesktopNotification { icon: None })),
            "{icon}"
        );
    }
}

#[test]
fn n6_wait_time_applies_to_desktop_notifications_all_the_same() {
    let mut t = custom("desk")
        .with_desktop(DesktopMode::Always)
        .with_countdown(false)
        .with_timeout_secs(90);
    t.icon = PNG.into();
    let config = config_with(
        vec![t],
        workstream(
            Channel::Chat,
            &[(Scenario::IncomingUnauthenticated, "desk")],
        ),
        vec![Agent::new("ada")],
    );
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    let out = h.input(10, arrive(item("c1")));
    let n = Notification {
        show_countdown: false,
        ..desk_alert(1, "c1", 100, PNG, Some(png_copy()))
    };
    let again = Notification {
        show_countdown: false,
        ..desk_alert(2, "c1", 190, PNG, Some(png_copy()))
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
    h.input(11, displayed(1));
    assert_eq!(h.sb.poll_timeout(), Some(at(100)));
    assert!(h.advance_to(99).is_empty());
    assert_eq!(
        h.advance_to(100),
        vec![
            (100, ended(1, "ada", "c1", NotificationEnd::Expired)),
            (100, rerouted("c1", "ada", RerouteReason::Expired)),
            (100, Output::Notify(Box::new(again))),
        ]
    );
}

// ---------------------------------------------------------------- N7

#[test]
fn n7_body_click_brings_app_to_front_and_keeps_the_deadline() {
    let mut h = Harness::new(desktop_config(DesktopMode::Always, PNG, Agent::new("ada")));
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    let out = h.input(10, arrive(item("c1")));
    assert_eq!(
        the_notification(&out),
        desk_alert(1, "c1", 130, PNG, Some(png_copy()))
    );

    let out = h.input(
        50,
        Input::DesktopNotificationClicked {
            notification: NotificationId(1),
        },
    );
    assert_eq!(
        out,
        vec![Output::BringToFront {
            agent: "ada".into(),
            notification: NotificationId(1),
        }]
    );
    // The app shows it in-app, which the host reports as displayed.
    assert!(h.input(51, displayed(1)).is_empty());
    // The deadline did not move: still 130, and it expires there.
    assert_eq!(h.sb.poll_timeout(), Some(at(130)));
    assert_eq!(
        h.location("c1"),
        WorkLocation::Offered {
            agent: "ada".into(),
            notification: NotificationId(1),
        }
    );
    assert!(h.advance_to(129).is_empty());
    assert_eq!(
        h.advance_to(130),
        vec![
            (130, ended(1, "ada", "c1", NotificationEnd::Expired)),
            (130, rerouted("c1", "ada", RerouteReason::Expired)),
            (
                130,
                Output::Notify(Box::new(desk_alert(2, "c1", 250, PNG, Some(png_copy()))))
            ),
        ]
    );
}

#[test]
fn n7_accept_after_a_body_click_acts_as_in_the_app() {
    let mut h = Harness::new(desktop_config(DesktopMode::Always, PNG, Agent::new("ada")));
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    h.input(10, arrive(item("c1")));
    h.input(
        20,
        Input::DesktopNotificationClicked {
            notification: NotificationId(1),
        },
    );
    let out = h.input(30, accept(1));
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
        h.sb.conversation_state(&"c1".into()),
        Some(ConversationState::Active)
    );
    // An ended notification can no longer be clicked.
    assert_eq!(
        h.try_input(
            31,
            Input::DesktopNotificationClicked {
                notification: NotificationId(1)
            }
        ),
        Err(InputError::NotificationClosed(NotificationId(1)))
    );
}

#[test]
fn n7_reject_from_the_desktop_acts_as_in_the_app() {
    let mut config = desktop_config(DesktopMode::Always, PNG, Agent::new("ada"));
    config.agents.push(Agent::new("bob"));
    config.queues[0].members.push("bob".into());
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    h.input(10, arrive(item("c1")));
    h.input(11, sign_in("bob"));
    h.input(
        20,
        Input::DesktopNotificationClicked {
            notification: NotificationId(1),
        },
    );
    let out = h.input(21, reject(1));
    let to_bob = Notification {
        agent: "bob".into(),
        ..desk_alert(2, "c1", 141, PNG, None)
    };
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            Output::Notify(Box::new(to_bob)),
        ]
    );
}

#[test]
fn n7_click_on_a_notification_not_on_the_desktop_is_refused() {
    // Desktop mode Always, but no permission: in-app only.
    let mut h = Harness::new(desktop_config(DesktopMode::Always, PNG, Agent::new("ada")));
    h.input(0, sign_in("ada"));
    let out = h.input(10, arrive(item("c1")));
    assert_eq!(the_notification(&out).desktop, None);
    assert_eq!(
        h.try_input(
            11,
            Input::DesktopNotificationClicked {
                notification: NotificationId(1)
            }
        ),
        Err(InputError::NotOnDesktop(NotificationId(1)))
    );
    assert_eq!(
        h.try_input(
            12,
            Input::DesktopNotificationClicked {
                notification: NotificationId(9)
            }
        ),
        Err(InputError::UnknownNotification(NotificationId(9)))
    );
    // The refused click moved nothing: the offer still ends at 130.
    assert_eq!(h.sb.poll_timeout(), Some(at(130)));
}

#[test]
fn n7_click_at_or_after_the_deadline_is_notification_closed() {
    let mut h = Harness::new(desktop_config(DesktopMode::Always, PNG, Agent::new("ada")));
    h.input(0, sign_in("ada"));
    h.input(0, permit("ada"));
    h.input(10, arrive(item("c1")));
    // At the deadline, before `tick` ran.
    assert_eq!(
        h.sb.handle(
            at(130),
            Input::DesktopNotificationClicked {
                notification: NotificationId(1)
            }
        ),
        Err(InputError::NotificationClosed(NotificationId(1)))
    );
    assert_eq!(h.sb.poll_output(), None);
}
