//! Channels and customers (SPEC K1–K2): every channel carries work, and SMS
//! senders are matched to contacts by mobile phone number.

#![allow(clippy::too_many_lines)]

mod common;
use common::*;

use switchboard::{
    Agent, AgentId, Case, Channel, Config, Contact, ContactId, ConversationState, Customer, Input,
    Notification, NotificationEnd, NotificationKind, OrgSettings, Output, PresenceReason, Queue,
    Scenario, Template, WorkItem, WorkLocation, Workstream, normalize_phone,
};

// ---------------------------------------------------------------- helpers

/// One workstream `ws` on `channel`, one queue `q` served by `ada`.
fn config_for(channel: Channel) -> Config {
    Config {
        workstreams: vec![Workstream::new("ws", channel)],
        queues: vec![Queue::new("q", [AgentId::new("ada")])],
        agents: vec![Agent::new("ada")],
        ..Config::default()
    }
}

/// An SMS configuration knowing `contacts`.
fn sms_config(contacts: Vec<Contact>) -> Config {
    Config {
        contacts,
        ..config_for(Channel::Sms)
    }
}

fn contact(id: &str, name: &str, mobile: Option<&str>) -> Contact {
    Contact {
        id: id.into(),
        name: name.into(),
        mobile_phone: mobile.map(str::to_owned),
    }
}

/// An SMS from `from`.
fn sms(id: &str, from: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem {
        sms_from: Some(from.into()),
        ..WorkItem::new(id, "ws", "q")
    }))
}

/// The built-in SMS Alert for an unidentified sender.
fn sms_unauth(id: u64, item: &str, deadline_secs: i64) -> Notification {
    Notification {
        title: "Incoming SMS conversation".into(),
        fields: fields(&[("Language", ""), ("Queue", "q")]),
        unresolved: vec!["visitorLanguage".into()].into(),
        ..template_alert(
            id,
            item,
            "SMS - incoming unauthenticated - default",
            deadline_secs,
        )
    }
}

/// The built-in SMS Alert for an identified sender called `name`.
fn sms_auth(id: u64, item: &str, deadline_secs: i64, name: &str) -> Notification {
    Notification {
        scenario: Scenario::IncomingAuthenticated,
        title: "Incoming SMS conversation".into(),
        fields: fields(&[("Customer", name), ("Queue", "q")]),
        ..template_alert(
            id,
            item,
            "SMS - incoming authenticated - default",
            deadline_secs,
        )
    }
}

fn linked(item: &str, contact: &str) -> Output {
    Output::ContactLinked {
        item: item.into(),
        contact: contact.into(),
    }
}

fn busy() -> Output {
    presence_changed("ada", "Available", "Busy", PresenceReason::Computed)
}

// ---------------------------------------------------------------- K1

#[test]
fn k1_every_conversation_channel_carries_work_to_an_agent() {
    for (channel, label, title) in [
        (Channel::Chat, "Chat", "Incoming Chat conversation"),
        (
            Channel::PersistentChat,
            "Chat",
            "Incoming Chat conversation",
        ),
        (Channel::Sms, "SMS", "Incoming SMS conversation"),
        (Channel::Voice, "Voice call", "Incoming call"),
        (
            Channel::Facebook,
            "Facebook",
            "Incoming Facebook conversation",
        ),
        (Channel::Line, "LINE", "Incoming LINE conversation"),
        (Channel::WeChat, "WeChat", "Incoming WeChat conversation"),
        (Channel::Twitter, "Twitter", "Incoming Twitter conversation"),
        (Channel::Teams, "Teams", "Incoming Teams conversation"),
        (
            Channel::CustomMessaging,
            "Custom messaging",
            "Incoming Custom messaging conversation",
        ),
    ] {
        let mut h = Harness::new(config_for(channel));
        h.input(0, sign_in("ada"));
        let out = h.input(
            1,
            Input::WorkArrived(Box::new(WorkItem::new("w1", "ws", "q"))),
        );
        let n = Notification {
            title: title.to_owned().into(),
            fields: fields(&[("Language", ""), ("Queue", "q")]),
            unresolved: vec!["visitorLanguage".into()].into(),
            ..template_alert(
                1,
                "w1",
                &format!("{label} - incoming unauthenticated - default"),
                121,
            )
        };
        assert_eq!(
            out,
            vec![queued("w1"), Output::Notify(Box::new(n))],
            "{channel:?}"
        );

        let out = h.input(2, accept(1));
        assert_eq!(
            out,
            vec![
                ended(1, "ada", "w1", NotificationEnd::Accepted),
                assigned("w1", "ada", false),
                session_opened("ada", 1, "w1"),
                busy(),
            ],
            "{channel:?}"
        );
        assert_eq!(
            h.location("w1"),
            WorkLocation::Assigned {
                agent: "ada".into()
            },
            "{channel:?}"
        );
        assert_eq!(
            h.sb.conversation_state(&"w1".into()),
            Some(ConversationState::Active),
            "{channel:?}"
        );
    }
}

#[test]
fn k1_record_channel_carries_cases_to_an_agent() {
    let mut h = Harness::new(config_for(Channel::Record));
    h.input(0, sign_in("ada"));
    let case = WorkItem {
        case: Some(Case {
            id: "CAS-01001".into(),
            title: "Printer on fire".into(),
        }),
        ..WorkItem::new("case-1", "ws", "q")
    };
    let out = h.input(1, Input::WorkArrived(Box::new(case)));
    let toast = Notification {
        kind: NotificationKind::Toast,
        scenario: Scenario::RecordAssigned,
        title: "New record assigned".into(),
        fields: fields(&[("Case", "Printer on fire"), ("Case number", "CAS-01001")]),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(1, "case-1", "CDS entity - Default assigned", 121)
    };
    assert_eq!(
        out,
        vec![
            queued("case-1"),
            Output::Notify(Box::new(toast)),
            assigned("case-1", "ada", false),
            busy(),
        ]
    );
    let out = h.input(2, open(1));
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "case-1", NotificationEnd::Opened),
            session_opened("ada", 1, "case-1"),
        ]
    );
    assert_eq!(
        h.location("case-1"),
        WorkLocation::Assigned {
            agent: "ada".into()
        }
    );
}

#[test]
fn k1_all_eleven_channels_in_one_configuration() {
    let channels = [
        Channel::Chat,
        Channel::PersistentChat,
        Channel::Sms,
        Channel::Voice,
        Channel::Facebook,
        Channel::Line,
        Channel::WeChat,
        Channel::Twitter,
        Channel::Teams,
        Channel::CustomMessaging,
        Channel::Record,
    ];
    let config = Config {
        workstreams: channels
            .iter()
            .enumerate()
            .map(|(i, c)| Workstream {
                capacity_units: Some(1),
                ..Workstream::new(format!("ws{i}"), *c)
            })
            .collect(),
        queues: vec![Queue::new("q", [AgentId::new("ada")])],
        agents: vec![Agent::new("ada")],
        // Eleven pending items need more than the default ten session slots.
        org: OrgSettings {
            session_limit: 20,
            ..OrgSettings::default()
        },
        ..Config::default()
    };
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    for (i, channel) in channels.iter().enumerate() {
        let secs = i64::try_from(i).unwrap() + 1;
        let id = format!("w{i}");
        let out = h.input(
            secs,
            Input::WorkArrived(Box::new(WorkItem::new(id.as_str(), format!("ws{i}"), "q"))),
        );
        let n = out
            .iter()
            .find_map(|o| match o {
                Output::Notify(n) => Some(n.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{channel:?}: no notification in {out:?}"));
        let expected_kind = if *channel == Channel::Record {
            NotificationKind::Toast
        } else {
            NotificationKind::Alert
        };
        assert_eq!(
            (n.item.as_str(), n.kind, n.deadline),
            (id.as_str(), expected_kind, at(secs + 120)),
            "{channel:?}"
        );
    }
    // Ten Alerts pending and one record assigned: all eleven reached ada.
    let status = h.sb.agent_status(&AgentId::new("ada")).unwrap();
    assert_eq!(
        (
            status.offered_units,
            status.assigned_units,
            status.session_slots
        ),
        (10, 1, 11)
    );
}

// ---------------------------------------------------------------- K2

#[test]
fn k2_phone_numbers_normalise_to_plus_and_digits() {
    assert_eq!(normalize_phone("+1 (555) 010-0199"), "+15550100199");
    assert_eq!(normalize_phone("  +1.555.010.0199"), "+15550100199");
    assert_eq!(normalize_phone("+44 20 7946 0958"), "+442079460958");
    assert_eq!(normalize_phone("555-010-0199"), "5550100199");
    assert_eq!(normalize_phone("n/a"), "");
    // Engine's choice: an international `00` prefix counts as `+`.
    assert_eq!(normalize_phone("0044 20 7946 0958"), "+442079460958");
}

#[test]
fn k2_numbers_in_different_notations_match_after_normalising() {
    let mut h = Harness::new(sms_config(vec![contact(
        "ct-1",
        "Grace Hopper",
        Some("+1 (555) 010-0199"),
    )]));
    h.input(0, sign_in("ada"));
    let out = h.input(1, sms("s1", "+1.555.010.0199"));
    assert_eq!(
        out,
        vec![
            linked("s1", "ct-1"),
            queued("s1"),
            Output::Notify(Box::new(sms_auth(1, "s1", 121, "Grace Hopper"))),
        ]
    );
    // Without the `+` the digits are a different number.
    let out = h.input(2, sms("s2", "15550100199"));
    assert_eq!(
        out,
        vec![
            queued("s2"),
            Output::Notify(Box::new(sms_unauth(2, "s2", 122)))
        ]
    );
}

#[test]
fn k2_exactly_one_match_links_contact_and_identifies_customer() {
    let mut config = Config {
        templates: vec![
            Template::new("SMS who")
                .with_title("{customerName}")
                .with_field("Entity", "{customerEntityName}")
                .with_field("Record", "{customerRecordId}"),
        ],
        ..sms_config(vec![
            contact("ct-1", "Grace Hopper", Some("+1 555 010 0199")),
            contact("ct-2", "Alan Turing", Some("+44 20 7946 0958")),
            contact("ct-3", "No Phone", None),
        ])
    };
    config.workstreams[0]
        .templates
        .insert(Scenario::IncomingAuthenticated, "SMS who".into());
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    let out = h.input(5, sms("s1", "+44 (20) 7946-0958"));
    // Identified through the contact: its name, entity "contact" and id.
    let n = Notification {
        scenario: Scenario::IncomingAuthenticated,
        title: "Alan Turing".into(),
        fields: fields(&[("Entity", "contact"), ("Record", "ct-2")]),
        ..template_alert(1, "s1", "SMS who", 125)
    };
    assert_eq!(
        out,
        vec![
            linked("s1", "ct-2"),
            queued("s1"),
            Output::Notify(Box::new(n))
        ]
    );
}

#[test]
fn k2_builtin_sms_template_shows_linked_contact_name() {
    let mut h = Harness::new(sms_config(vec![contact(
        "ct-1",
        "Grace Hopper",
        Some("+1 (555) 010-0199"),
    )]));
    h.input(0, sign_in("ada"));
    let out = h.input(1, sms("s1", "+15550100199"));
    assert_eq!(
        out,
        vec![
            linked("s1", "ct-1"),
            queued("s1"),
            Output::Notify(Box::new(sms_auth(1, "s1", 121, "Grace Hopper"))),
        ]
    );
}

#[test]
fn k2_no_match_links_nothing() {
    let mut h = Harness::new(sms_config(vec![
        contact("ct-1", "Grace Hopper", Some("+1 (555) 010-0199")),
        contact("ct-2", "Unreachable", Some("n/a")),
    ]));
    h.input(0, sign_in("ada"));
    let out = h.input(1, sms("s1", "+1 555 010 0100"));
    assert_eq!(
        out,
        vec![
            queued("s1"),
            Output::Notify(Box::new(sms_unauth(1, "s1", 121)))
        ]
    );
    // A sender number without digits matches nothing, not the contact
    // whose number has no digits either.
    let out = h.input(2, sms("s2", "withheld"));
    assert_eq!(
        out,
        vec![
            queued("s2"),
            Output::Notify(Box::new(sms_unauth(2, "s2", 122)))
        ]
    );
    // No sender number at all.
    let out = h.input(
        3,
        Input::WorkArrived(Box::new(WorkItem::new("s3", "ws", "q"))),
    );
    assert_eq!(
        out,
        vec![
            queued("s3"),
            Output::Notify(Box::new(sms_unauth(3, "s3", 123)))
        ]
    );
}

#[test]
fn k2_several_matches_are_ambiguous_and_link_nothing() {
    let mut h = Harness::new(sms_config(vec![
        contact("ct-1", "Grace Hopper", Some("+1 (555) 010-0199")),
        contact("ct-2", "Alan Turing", Some("+44 20 7946 0958")),
        contact("ct-3", "Grace's Office", Some("+1-555-010-0199")),
    ]));
    h.input(0, sign_in("ada"));
    let out = h.input(1, sms("s1", "+15550100199"));
    assert_eq!(
        out,
        vec![
            Output::ContactAmbiguous {
                item: "s1".into(),
                contacts: vec![ContactId::new("ct-1"), ContactId::new("ct-3")],
            },
            queued("s1"),
            Output::Notify(Box::new(sms_unauth(1, "s1", 121))),
        ]
    );
}

#[test]
fn k2_contact_upserted_adds_a_contact_for_later_arrivals() {
    let mut h = Harness::new(sms_config(Vec::new()));
    h.input(0, sign_in("ada"));
    let out = h.input(1, sms("s1", "+15550100199"));
    assert_eq!(
        out,
        vec![
            queued("s1"),
            Output::Notify(Box::new(sms_unauth(1, "s1", 121)))
        ]
    );
    let out = h.input(
        2,
        Input::ContactUpserted(contact("ct-1", "Grace Hopper", Some("+1 (555) 010-0199"))),
    );
    assert_eq!(out, Vec::new());
    let out = h.input(3, sms("s2", "+15550100199"));
    assert_eq!(
        out,
        vec![
            linked("s2", "ct-1"),
            queued("s2"),
            Output::Notify(Box::new(sms_auth(2, "s2", 123, "Grace Hopper"))),
        ]
    );
}

#[test]
fn k2_contact_upserted_changes_number_and_name_for_later_arrivals() {
    let mut h = Harness::new(sms_config(vec![contact(
        "ct-1",
        "Grace",
        Some("+1 (555) 010-0199"),
    )]));
    h.input(0, sign_in("ada"));
    let out = h.input(1, sms("s1", "+15550100199"));
    assert_eq!(
        out,
        vec![
            linked("s1", "ct-1"),
            queued("s1"),
            Output::Notify(Box::new(sms_auth(1, "s1", 121, "Grace"))),
        ]
    );
    h.input(
        2,
        Input::ContactUpserted(contact("ct-1", "Grace Hopper", Some("+1 555 010 0200"))),
    );
    // The old number no longer matches…
    let out = h.input(3, sms("s2", "+15550100199"));
    assert_eq!(
        out,
        vec![
            queued("s2"),
            Output::Notify(Box::new(sms_unauth(2, "s2", 123)))
        ]
    );
    // …the new one does, under the new name.
    let out = h.input(4, sms("s3", "+15550100200"));
    assert_eq!(
        out,
        vec![
            linked("s3", "ct-1"),
            queued("s3"),
            Output::Notify(Box::new(sms_auth(3, "s3", 124, "Grace Hopper"))),
        ]
    );
}

#[test]
fn k2_contact_upserted_can_make_a_number_ambiguous() {
    let mut h = Harness::new(sms_config(vec![contact(
        "ct-1",
        "Grace Hopper",
        Some("+1 (555) 010-0199"),
    )]));
    h.input(0, sign_in("ada"));
    h.input(
        1,
        Input::ContactUpserted(contact("ct-2", "Front desk", Some("+15550100199"))),
    );
    let out = h.input(2, sms("s1", "+1 555 010 0199"));
    assert_eq!(
        out,
        vec![
            Output::ContactAmbiguous {
                item: "s1".into(),
                contacts: vec![ContactId::new("ct-1"), ContactId::new("ct-2")],
            },
            queued("s1"),
            Output::Notify(Box::new(sms_unauth(1, "s1", 122))),
        ]
    );
    // Moving ct-2 to another number makes the match unique again.
    h.input(
        3,
        Input::ContactUpserted(contact("ct-2", "Front desk", Some("+15550100000"))),
    );
    let out = h.input(4, sms("s2", "+15550100199"));
    assert_eq!(
        out,
        vec![
            linked("s2", "ct-1"),
            queued("s2"),
            Output::Notify(Box::new(sms_auth(2, "s2", 124, "Grace Hopper"))),
        ]
    );
}

#[test]
fn k2_a_known_customer_on_the_item_wins_over_phone_matching() {
    let mut h = Harness::new(sms_config(vec![contact(
        "ct-1",
        "Grace Hopper",
        Some("+15550100199"),
    )]));
    h.input(0, sign_in("ada"));
    let item = WorkItem {
        sms_from: Some("+15550100199".into()),
        customer: Some(Customer {
            name: "Ada Lovelace".into(),
            entity_name: "contact".into(),
            record_id: "ct-9".into(),
        }),
        ..WorkItem::new("s1", "ws", "q")
    };
    let out = h.input(1, Input::WorkArrived(Box::new(item)));
    assert_eq!(
        out,
        vec![
            queued("s1"),
            Output::Notify(Box::new(sms_auth(1, "s1", 121, "Ada Lovelace"))),
        ]
    );
}

#[test]
fn k2_sender_numbers_are_matched_on_sms_only() {
    let config = Config {
        contacts: vec![contact("ct-1", "Grace Hopper", Some("+15550100199"))],
        ..config_for(Channel::Chat)
    };
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    let out = h.input(1, sms("c1", "+15550100199"));
    let n = Notification {
        title: "Incoming Chat conversation".into(),
        fields: fields(&[("Language", ""), ("Queue", "q")]),
        unresolved: vec!["visitorLanguage".into()].into(),
        ..template_alert(1, "c1", "Chat - incoming unauthenticated - default", 121)
    };
    assert_eq!(out, vec![queued("c1"), Output::Notify(Box::new(n))]);
}
