//! Capacity rules C2–C9: profile-based capacity, units or profiles (C3),
//! forced assignment past capacity (C4), wrap-up blocking (C5), end-of-day
//! profiles (C6), consults (C7), escalation (C8) and the assignment cycle
//! every release starts (C9).
#![allow(clippy::too_many_lines)]

mod common;
use chrono::{TimeZone, Utc};
use common::*;
use switchboard::*;

// ---------------------------------------------------------------- helpers

/// A workstream `id` on `channel` whose items consume `profiles`.
fn ws(id: &str, channel: Channel, profiles: &[&str]) -> Workstream {
    Workstream {
        capacity_profiles: profiles.iter().map(|p| ProfileId::new(*p)).collect(),
        ..Workstream::new(id, channel)
    }
}

/// An agent holding `profiles`, each with an optional personal limit.
fn agent(id: &str, profiles: &[(&str, Option<u32>)]) -> Agent {
    Agent {
        capacity_profiles: profiles
            .iter()
            .map(|(p, limit)| AgentProfile {
                profile: (*p).into(),
                limit: *limit,
            })
            .collect(),
        ..Agent::new(id)
    }
}

/// Profiles, workstreams and agents, with one queue `q` holding every agent
/// in the order given.
fn config(
    profiles: Vec<CapacityProfile>,
    workstreams: Vec<Workstream>,
    agents: Vec<Agent>,
) -> Config {
    Config {
        capacity_profiles: profiles,
        workstreams,
        queues: vec![Queue::new("q", agents.iter().map(|a| a.id.clone()))],
        agents,
        ..Config::default()
    }
}

/// One chat workstream `chat` consuming profile `chat` (limit `limit`,
/// resetting immediately, not blocking), and `agents` holding it.
fn chat_profile_config(limit: u32, agents: &[&str]) -> Config {
    config(
        vec![CapacityProfile::new("chat", limit)],
        vec![ws("chat", Channel::Chat, &["chat"])],
        agents.iter().map(|a| agent(a, &[("chat", None)])).collect(),
    )
}

/// Profiles `chat` and `sms` of one item each, workstreams `chat` and
/// `sms` consuming them, and `agents` holding both.
fn chat_and_sms_config(agents: &[&str]) -> Config {
    config(
        vec![
            CapacityProfile::new("chat", 1),
            CapacityProfile::new("sms", 1),
        ],
        vec![
            ws("chat", Channel::Chat, &["chat"]),
            ws("sms", Channel::Sms, &["sms"]),
        ],
        agents
            .iter()
            .map(|a| agent(a, &[("chat", None), ("sms", None)]))
            .collect(),
    )
}

/// Work `id` of workstream `workstream` in queue `q`.
fn work(id: &str, workstream: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, workstream, "q")))
}

/// Work `id` of workstream `workstream` in queue `q`, naming the profiles it consumes.
fn work_naming(id: &str, workstream: &str, profiles: &[&str]) -> Input {
    Input::WorkArrived(Box::new(WorkItem {
        capacity_profiles: profiles.iter().map(|p| ProfileId::new(*p)).collect(),
        ..WorkItem::new(id, workstream, "q")
    }))
}

/// A chat item `id` in queue `q` with `priority`.
fn chat_priority(id: &str, priority: i32) -> Input {
    Input::WorkArrived(Box::new(WorkItem {
        priority,
        ..WorkItem::new(id, "chat", "q")
    }))
}

/// The built-in unauthenticated Alert of a non-chat channel, for `item` of queue `q`.
fn channel_alert(
    label: &str,
    what: &str,
    id: u64,
    agent: &str,
    item: &str,
    deadline: i64,
) -> Output {
    Output::Notify(Box::new(Notification {
        agent: agent.into(),
        title: format!("Incoming {what}").into(),
        fields: fields(&[("Language", ""), ("Queue", "q")]),
        unresolved: vec!["visitorLanguage".into()].into(),
        ..template_alert(
            id,
            item,
            &format!("{label} - incoming unauthenticated - default"),
            deadline,
        )
    }))
}

/// The built-in SMS Alert for `item`.
fn sms_alert(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    channel_alert("SMS", "SMS conversation", id, agent, item, deadline)
}

/// The built-in voice Alert for `item`.
fn voice_alert(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    channel_alert("Voice call", "call", id, agent, item, deadline)
}

/// A Toast of the built-in chat template `template` (rendering the
/// customer's name and the queue) for `item`, e.g. on a supervisor's assign.
fn chat_toast(
    id: u64,
    agent: &str,
    item: &str,
    scenario: Scenario,
    template: &str,
    title: &str,
    deadline: i64,
) -> Output {
    let fields = if scenario == Scenario::Transfer {
        fields(&[("Customer", "")])
    } else {
        fields(&[("Customer", ""), ("Queue", "q")])
    };
    Output::Notify(Box::new(Notification {
        agent: agent.into(),
        kind: NotificationKind::Toast,
        scenario,
        title: title.into(),
        fields,
        unresolved: vec!["customerName".into()].into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(id, item, template, deadline)
    }))
}

fn presence(agent: &str, from: &str, to: &str) -> Output {
    presence_changed(agent, from, to, PresenceReason::Computed)
}

fn accepted(id: u64, agent: &str, item: &str, session: u64) -> Vec<Output> {
    vec![
        ended(id, agent, item, NotificationEnd::Accepted),
        assigned(item, agent, false),
        session_opened(agent, session, item),
    ]
}

fn wrap_up(item: &str, agent: &str) -> Output {
    Output::WrapUpStarted {
        item: item.into(),
        agent: agent.into(),
    }
}

fn closed(item: &str) -> Output {
    Output::ConversationClosed {
        item: item.into(),
        reason: CloseReason::Closed,
    }
}

fn config_error(config: Config) -> ConfigError {
    Switchboard::new(config).expect_err("config must be refused")
}

fn status(h: &Harness, agent: &str) -> AgentStatus {
    h.sb.agent_status(&agent.into()).expect("known agent")
}

fn waiting() -> WorkLocation {
    WorkLocation::Waiting { queue: "q".into() }
}

const AVAILABLE: &str = presences::AVAILABLE;
const BUSY: &str = presences::BUSY;
const DND: &str = presences::BUSY_DND;

// ---------------------------------------------------------------- C2

#[test]
fn c2_profile_work_item_limit_caps_what_an_agent_holds() {
    let mut h = Harness::new(chat_profile_config(2, &["ada"]));
    assert_eq!(h.input(0, sign_in("ada")), vec![signed_in("ada")]);
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(
        h.input(2, chat("c2")),
        vec![queued("c2"), chat_alert(2, "ada", "c2", 122)]
    );
    // Two items is the profile's limit.
    assert_eq!(h.input(3, chat("c3")), vec![queued("c3")]);
    let mut out = accepted(1, "ada", "c1", 1);
    out.push(presence("ada", AVAILABLE, BUSY));
    assert_eq!(h.input(4, accept(1)), out);
    let mut out = accepted(2, "ada", "c2", 2);
    out.push(presence("ada", BUSY, DND));
    assert_eq!(h.input(5, accept(2)), out);
    assert_eq!(h.location("c3"), waiting());
    // Profile-based work takes no units.
    let s = status(&h, "ada");
    assert_eq!((s.assigned_units, s.offered_units), (0, 0));

    assert_eq!(h.input(10, end("c1")), vec![wrap_up("c1", "ada")]);
    assert_eq!(
        h.input(20, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            presence("ada", DND, BUSY),
            chat_alert(3, "ada", "c3", 140),
        ]
    );
}

#[test]
fn c2_personal_limit_overrides_the_profile_limit() {
    // Higher than the profile's limit ...
    let mut h = Harness::new(config(
        vec![CapacityProfile::new("chat", 1)],
        vec![ws("chat", Channel::Chat, &["chat"])],
        vec![agent("ada", &[("chat", Some(3))])],
    ));
    h.input(0, sign_in("ada"));
    let mut out = Vec::new();
    for (secs, item) in [(1, "c1"), (2, "c2"), (3, "c3"), (4, "c4")] {
        out.extend(h.input(secs, chat(item)));
    }
    assert_eq!(
        out,
        vec![
            queued("c1"),
            chat_alert(1, "ada", "c1", 121),
            queued("c2"),
            chat_alert(2, "ada", "c2", 122),
            queued("c3"),
            chat_alert(3, "ada", "c3", 123),
            queued("c4"),
        ]
    );

    // ... and lower.
    let mut h = Harness::new(config(
        vec![CapacityProfile::new("chat", 3)],
        vec![ws("chat", Channel::Chat, &["chat"])],
        vec![agent("ada", &[("chat", Some(1))])],
    ));
    h.input(0, sign_in("ada"));
    let mut out = Vec::new();
    for (secs, item) in [(1, "c1"), (2, "c2")] {
        out.extend(h.input(secs, chat(item)));
    }
    assert_eq!(
        out,
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121), queued("c2")]
    );
}

#[test]
fn c2_agent_with_several_profiles_has_room_in_each_separately() {
    let mut h = Harness::new(chat_and_sms_config(&["ada"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(h.input(2, chat("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(3, work("s1", "sms")),
        vec![queued("s1"), sms_alert(2, "ada", "s1", 123)]
    );
    assert_eq!(h.input(4, work("s2", "sms")), vec![queued("s2")]);
    // P5 with profiles: one full profile leaves room in the other (Busy);
    // all full is none free (Busy - DND).
    let mut out = accepted(1, "ada", "c1", 1);
    out.push(presence("ada", AVAILABLE, BUSY));
    assert_eq!(h.input(5, accept(1)), out);
    let mut out = accepted(2, "ada", "s1", 2);
    out.push(presence("ada", BUSY, DND));
    assert_eq!(h.input(6, accept(2)), out);
}

#[test]
fn c2_agents_with_room_in_different_profiles_share_one_order() {
    // Queue indexes keep members apart by the profiles they have room in,
    // so work is not looked for among those without; highest capacity
    // still deals it in one order (all free units equal: by last offer).
    let mut h = Harness::new(chat_and_sms_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    let offered = |agent: &str, notification: u64| WorkLocation::Offered {
        agent: agent.into(),
        notification: NotificationId(notification),
    };
    // ada first in queue order; then bob, the only one with chat room.
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(
        h.input(2, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 122)]
    );
    // Both have SMS room: ada, offered work before bob.
    assert_eq!(
        h.input(3, work("s1", "sms")),
        vec![queued("s1"), sms_alert(3, "ada", "s1", 123)]
    );
    assert_eq!(
        h.input(4, work("s2", "sms")),
        vec![queued("s2"), sms_alert(4, "bob", "s2", 124)]
    );
    assert_eq!(h.input(5, chat("c3")), vec![queued("c3")]);
    // ada's chat closes: room in her chat profile again, and c3 is hers.
    h.input(6, accept(1));
    h.input(7, end("c1"));
    h.input(8, close("c1"));
    assert_eq!(h.location("c3"), offered("ada", 5));
}

#[test]
fn c2_item_naming_profiles_needs_room_in_all_of_them_and_consumes_each() {
    let mut h = Harness::new(config(
        vec![
            CapacityProfile::new("chat", 2),
            CapacityProfile::new("vip", 1),
        ],
        vec![ws("chat", Channel::Chat, &["chat"])],
        vec![agent("ada", &[("chat", None), ("vip", None)])],
    ));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, work_naming("v1", "chat", &["chat", "vip"])),
        vec![queued("v1"), chat_alert(1, "ada", "v1", 121)]
    );
    // Room in `chat` (1 of 2) but none in `vip`.
    assert_eq!(
        h.input(2, work_naming("v2", "chat", &["chat", "vip"])),
        vec![queued("v2")]
    );
    // The workstream's own profile: room for one more ...
    assert_eq!(
        h.input(3, chat("c1")),
        vec![queued("c1"), chat_alert(2, "ada", "c1", 123)]
    );
    // ... and then none: v1 took a `chat` place too.
    assert_eq!(h.input(4, chat("c2")), vec![queued("c2")]);
    h.input(5, accept(1));
    h.input(6, accept(2));
    assert_eq!(h.location("v2"), waiting());
    assert_eq!(h.location("c2"), waiting());
}

#[test]
fn c2_item_naming_profiles_consumes_those_instead_of_its_workstreams() {
    let mut h = Harness::new(config(
        vec![
            CapacityProfile::new("chat", 1),
            CapacityProfile::new("vip", 1),
        ],
        vec![ws("chat", Channel::Chat, &["chat"])],
        vec![agent("ada", &[("chat", None), ("vip", None)])],
    ));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, work_naming("v1", "chat", &["vip"])),
        vec![queued("v1"), chat_alert(1, "ada", "v1", 121)]
    );
    // v1 left `chat` alone.
    assert_eq!(
        h.input(2, chat("c1")),
        vec![queued("c1"), chat_alert(2, "ada", "c1", 122)]
    );
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(4, work_naming("v2", "chat", &["vip"])),
        vec![queued("v2")]
    );
}

/// Ada holds `chat` (limit 3) and `focus` (limit 1, blocking as given);
/// workstream `deep` consumes `focus`, `chat` consumes `chat`.
fn blocking_config(blocks: bool) -> Config {
    config(
        vec![
            CapacityProfile::new("chat", 3),
            CapacityProfile {
                blocks_assignment: blocks,
                ..CapacityProfile::new("focus", 1)
            },
        ],
        vec![
            ws("chat", Channel::Chat, &["chat"]),
            ws("deep", Channel::Chat, &["focus"]),
        ],
        vec![agent("ada", &[("chat", None), ("focus", None)])],
    )
}

#[test]
fn c2_full_blocking_profile_keeps_all_work_from_the_agent() {
    let mut h = Harness::new(blocking_config(true));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, work("d1", "deep")),
        vec![queued("d1"), chat_alert(1, "ada", "d1", 121)]
    );
    // `focus` is full (its pending offer holds it): no work at all, though
    // `chat` has room.
    assert_eq!(h.input(2, chat("c1")), vec![queued("c1")]);
    let mut out = accepted(1, "ada", "d1", 1);
    out.push(presence("ada", AVAILABLE, BUSY));
    assert_eq!(h.input(3, accept(1)), out);
    assert_eq!(h.input(4, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.input(10, end("d1")), vec![wrap_up("d1", "ada")]);
    assert_eq!(
        h.input(20, close("d1")),
        vec![
            closed("d1"),
            session_closed("ada", 1, "d1"),
            presence("ada", BUSY, AVAILABLE),
            chat_alert(2, "ada", "c1", 140),
            chat_alert(3, "ada", "c2", 140),
        ]
    );
}

#[test]
fn c2_full_profile_without_blocking_leaves_other_work_flowing() {
    let mut h = Harness::new(blocking_config(false));
    h.input(0, sign_in("ada"));
    h.input(1, work("d1", "deep"));
    assert_eq!(
        h.input(2, chat("c1")),
        vec![queued("c1"), chat_alert(2, "ada", "c1", 122)]
    );
    // Only `focus` work waits.
    assert_eq!(h.input(3, work("d2", "deep")), vec![queued("d2")]);
}

#[test]
fn c2_agent_lacking_a_profile_the_item_needs_is_not_eligible() {
    let mut h = Harness::new(config(
        vec![
            CapacityProfile::new("chat", 2),
            CapacityProfile::new("vip", 1),
        ],
        vec![
            ws("chat", Channel::Chat, &["chat"]),
            ws("vip", Channel::Chat, &["vip"]),
        ],
        vec![
            agent("ada", &[("chat", None)]),
            agent("bob", &[("chat", None), ("vip", None)]),
        ],
    ));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    // Ada comes first in the queue, but holds no `vip`.
    assert_eq!(
        h.input(1, work("v1", "vip")),
        vec![queued("v1"), chat_alert(1, "bob", "v1", 121)]
    );
    assert_eq!(h.input(2, work("v2", "vip")), vec![queued("v2")]);
    assert_eq!(
        h.input(3, work_naming("v3", "chat", &["chat", "vip"])),
        vec![queued("v3")]
    );
    assert_eq!(
        h.input(4, chat("c1")),
        vec![queued("c1"), chat_alert(2, "ada", "c1", 124)]
    );
}

#[test]
fn c2_pending_offer_holds_profile_room() {
    let mut h = Harness::new(chat_profile_config(1, &["ada"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(h.input(2, chat("c2")), vec![queued("c2")]);
    // Nothing assigned yet: presence still computed as Available.
    assert_eq!(h.presence("ada"), AVAILABLE);
    let mut out = accepted(1, "ada", "c1", 1);
    out.push(presence("ada", AVAILABLE, DND));
    assert_eq!(h.input(3, accept(1)), out);
    assert_eq!(h.location("c2"), waiting());
}

#[test]
fn c2_profile_agent_without_units_is_available_and_gets_profile_work() {
    // Profile-based work takes no units, so an agent working only from
    // profiles may have none. Nothing in use: Available (P3, P5), and room
    // in the profile makes them eligible (C2).
    let mut c = chat_profile_config(2, &["ada"]);
    c.agents[0].capacity_units = 0;
    let mut h = Harness::new(c);
    assert_eq!(h.input(0, sign_in("ada")), vec![signed_in("ada")]);
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
}

#[test]
fn c2_profile_limits_outside_1_to_1000_are_config_errors() {
    let base = || chat_profile_config(1, &["ada"]);
    let mut c = base();
    c.capacity_profiles[0].limit = 0;
    assert_eq!(
        config_error(c),
        ConfigError::OutOfRange {
            field: "capacity_profiles[0].limit".into(),
            value: 0,
            min: 1,
            max: 1000,
        }
    );
    let mut c = base();
    c.agents[0].capacity_profiles[0].limit = Some(1001);
    assert_eq!(
        config_error(c),
        ConfigError::OutOfRange {
            field: "agents[0].capacity_profiles[0].limit".into(),
            value: 1001,
            min: 1,
            max: 1000,
        }
    );
    let mut c = base();
    c.capacity_profiles[0].limit = 1000;
    c.agents[0].capacity_profiles[0].limit = Some(1);
    assert!(Switchboard::new(c).is_ok());
}

// ---------------------------------------------------------------- C3

#[test]
fn c3_workstream_with_units_and_profiles_is_config_error() {
    let mut c = chat_profile_config(1, &["ada"]);
    c.workstreams[0].capacity_units = Some(10);
    assert_eq!(
        config_error(c),
        ConfigError::UnitsAndProfiles {
            field: "workstreams[0].capacity_profiles".into(),
        }
    );
    // Either alone is fine.
    let mut c = chat_profile_config(1, &["ada"]);
    c.workstreams.push(Workstream {
        capacity_units: Some(10),
        ..Workstream::new("units", Channel::Chat)
    });
    assert!(Switchboard::new(c).is_ok());
}

#[test]
fn c3_item_naming_profiles_in_a_unit_workstream_is_capacity_mismatch() {
    let mut c = chat_profile_config(1, &["ada"]);
    c.workstreams.push(Workstream {
        capacity_units: Some(10),
        ..Workstream::new("units", Channel::Chat)
    });
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.try_input(1, work_naming("u1", "units", &["chat"])),
        Err(InputError::CapacityMismatch("u1".into()))
    );
    assert_eq!(h.sb.work_location(&"u1".into()), None);
    // The same item without profiles takes units.
    assert_eq!(
        h.input(2, work("u1", "units")),
        vec![queued("u1"), chat_alert(1, "ada", "u1", 122)]
    );
    assert_eq!(status(&h, "ada").offered_units, 10);
}

#[test]
fn c3_unknown_profile_names_are_refused() {
    let mut c = chat_profile_config(1, &["ada"]);
    c.workstreams[0].capacity_profiles.push("nope".into());
    assert_eq!(
        config_error(c),
        ConfigError::UnknownReference {
            kind: IdKind::Profile,
            id: "nope".into(),
            field: "workstreams[0].capacity_profiles[1]".into(),
        }
    );
    let mut c = chat_profile_config(1, &["ada"]);
    c.agents[0]
        .capacity_profiles
        .push(AgentProfile::new("nope"));
    assert_eq!(
        config_error(c),
        ConfigError::UnknownReference {
            kind: IdKind::Profile,
            id: "nope".into(),
            field: "agents[0].capacity_profiles[1]".into(),
        }
    );
    let mut h = Harness::new(chat_profile_config(1, &["ada"]));
    assert_eq!(
        h.try_input(1, work_naming("c1", "chat", &["chat", "nope"])),
        Err(InputError::UnknownProfile("nope".into()))
    );
}

// ---------------------------------------------------------------- C4

#[test]
fn c4_supervisor_assign_past_unit_capacity_reports_the_overage() {
    let mut c = chat_config(&["ada", "bob"]);
    c.agents[0].capacity_units = 15;
    c.queues[0].members = vec!["ada".into()];
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.input(4, chat("c3")), vec![queued("c3")]);
    let toast = |id, agent, item, deadline| {
        chat_toast(
            id,
            agent,
            item,
            Scenario::SupervisorAssign,
            "Chat - incoming authenticated - default",
            "Incoming Chat conversation",
            deadline,
        )
    };
    let assign = |item: &str, agent: &str| Input::SupervisorAssign {
        item: item.into(),
        agent: agent.into(),
    };
    // 10 of 15 units used; 10 more is 5 past.
    assert_eq!(
        h.input(10, assign("c2", "ada")),
        vec![
            toast(2, "ada", "c2", 130),
            forced(
                "c2",
                "ada",
                Some(Overage {
                    units: 5,
                    profiles: Vec::new(),
                })
            ),
            presence("ada", BUSY, DND),
        ]
    );
    let s = status(&h, "ada");
    assert_eq!((s.capacity_units, s.assigned_units), (15, 20));
    // Within capacity: no overage.
    assert_eq!(
        h.input(11, assign("c3", "bob")),
        vec![
            toast(3, "bob", "c3", 131),
            forced("c3", "bob", None),
            presence("bob", AVAILABLE, BUSY),
        ]
    );
}

#[test]
fn c4_supervisor_assign_past_a_profile_limit_reports_the_profile() {
    let mut h = Harness::new(config(
        vec![
            CapacityProfile::new("chat", 1),
            CapacityProfile::new("vip", 2),
        ],
        vec![ws("chat", Channel::Chat, &["chat"])],
        vec![agent("ada", &[("chat", None), ("vip", None)])],
    ));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(
        h.input(3, work_naming("v1", "chat", &["chat", "vip"])),
        vec![queued("v1")]
    );
    let out = h.input(
        10,
        Input::SupervisorAssign {
            item: "v1".into(),
            agent: "ada".into(),
        },
    );
    // `chat` is now 2 of 1; `vip` 1 of 2 is within its limit.
    assert_eq!(
        out,
        vec![
            chat_toast(
                2,
                "ada",
                "v1",
                Scenario::SupervisorAssign,
                "Chat - incoming authenticated - default",
                "Incoming Chat conversation",
                130,
            ),
            forced(
                "v1",
                "ada",
                Some(Overage {
                    units: 0,
                    profiles: vec!["chat".into()],
                })
            ),
        ]
    );
}

#[test]
fn c4_pick_may_exceed_capacity_and_reports_the_overage() {
    let mut c = config(
        vec![CapacityProfile::new("chat", 1)],
        vec![Workstream {
            distribution: Distribution::Pick,
            ..ws("pick", Channel::Chat, &["chat"])
        }],
        vec![agent("ada", &[("chat", None)])],
    );
    c.workstreams.push(Workstream {
        distribution: Distribution::Pick,
        ..Workstream::new("units", Channel::Chat)
    });
    c.agents[0].capacity_units = 10;
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    for (secs, (item, ws)) in (1..).zip([
        ("p1", "pick"),
        ("p2", "pick"),
        ("u1", "units"),
        ("u2", "units"),
    ]) {
        assert_eq!(h.input(secs, work(item, ws)), vec![queued(item)]);
    }
    let pick = |item: &str| Input::Pick {
        agent: "ada".into(),
        item: item.into(),
    };
    assert_eq!(
        h.input(10, pick("p1")),
        vec![
            forced("p1", "ada", None),
            session_opened("ada", 1, "p1"),
            presence("ada", AVAILABLE, DND),
        ]
    );
    assert_eq!(
        h.input(11, pick("p2")),
        vec![
            forced(
                "p2",
                "ada",
                Some(Overage {
                    units: 0,
                    profiles: vec!["chat".into()],
                })
            ),
            session_opened("ada", 2, "p2"),
        ]
    );
    // Units: 10 of 10, then 10 past.
    assert_eq!(
        h.input(12, pick("u1")),
        vec![forced("u1", "ada", None), session_opened("ada", 3, "u1")]
    );
    assert_eq!(
        h.input(13, pick("u2")),
        vec![
            forced(
                "u2",
                "ada",
                Some(Overage {
                    units: 10,
                    profiles: Vec::new(),
                })
            ),
            session_opened("ada", 4, "u2"),
        ]
    );
    let s = status(&h, "ada");
    assert_eq!((s.capacity_units, s.assigned_units), (10, 20));
}

#[test]
fn c4_affinity_return_past_capacity_reports_the_overage() {
    let mut h = Harness::new(config(
        vec![CapacityProfile::new("pc", 1)],
        vec![ws("pc", Channel::PersistentChat, &["pc"])],
        vec![agent("ada", &[("pc", None)])],
    ));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, work("a1", "pc")),
        vec![queued("a1"), chat_alert(1, "ada", "a1", 121)]
    );
    h.input(2, accept(1));
    // Closing the session without ending: Waiting, capacity released.
    assert_eq!(
        h.input(
            3,
            Input::AgentClosedSession {
                agent: "ada".into(),
                session: SessionId(1),
            }
        ),
        vec![
            session_closed("ada", 1, "a1"),
            Output::ConversationWaiting {
                item: "a1".into(),
                agent: "ada".into(),
            },
            presence("ada", DND, AVAILABLE),
        ]
    );
    assert_eq!(
        h.input(4, work("a2", "pc")),
        vec![queued("a2"), chat_alert(2, "ada", "a2", 124)]
    );
    h.input(5, accept(2));
    assert_eq!(
        h.input(6, Input::CustomerReturned { item: "a1".into() }),
        vec![
            forced(
                "a1",
                "ada",
                Some(Overage {
                    units: 0,
                    profiles: vec!["pc".into()],
                })
            ),
            session_opened("ada", 3, "a1"),
        ]
    );
    assert_eq!(
        h.location("a1"),
        WorkLocation::Assigned {
            agent: "ada".into()
        }
    );
}

#[test]
fn c4_affinity_return_within_capacity_reports_no_overage() {
    let mut h = Harness::new(config(
        vec![CapacityProfile::new("pc", 1)],
        vec![ws("pc", Channel::PersistentChat, &["pc"])],
        vec![agent("ada", &[("pc", None)])],
    ));
    h.input(0, sign_in("ada"));
    h.input(1, work("a1", "pc"));
    h.input(2, accept(1));
    h.input(
        3,
        Input::AgentClosedSession {
            agent: "ada".into(),
            session: SessionId(1),
        },
    );
    assert_eq!(
        h.input(6, Input::CustomerReturned { item: "a1".into() }),
        vec![
            forced("a1", "ada", None),
            session_opened("ada", 2, "a1"),
            presence("ada", AVAILABLE, DND),
        ]
    );
}

#[test]
fn c4_forced_assignment_to_an_agent_lacking_the_profile_reports_the_overage() {
    // Bob holds no `vip`: his room in it is none, so a supervisor's assign
    // of `vip` work takes him past it.
    let mut h = Harness::new(config(
        vec![
            CapacityProfile::new("chat", 2),
            CapacityProfile::new("vip", 1),
        ],
        vec![
            ws("chat", Channel::Chat, &["chat"]),
            ws("vip", Channel::Chat, &["vip"]),
        ],
        vec![
            agent("ada", &[("vip", None)]),
            agent("bob", &[("chat", None)]),
        ],
    ));
    h.input(0, sign_in("bob"));
    assert_eq!(h.input(1, work("v1", "vip")), vec![queued("v1")]);
    let out = h.input(
        2,
        Input::SupervisorAssign {
            item: "v1".into(),
            agent: "bob".into(),
        },
    );
    assert_eq!(
        out[..2],
        [
            chat_toast(
                1,
                "bob",
                "v1",
                Scenario::SupervisorAssign,
                "Chat - incoming authenticated - default",
                "Incoming Chat conversation",
                122,
            ),
            forced(
                "v1",
                "bob",
                Some(Overage {
                    units: 0,
                    profiles: vec!["vip".into()],
                })
            ),
        ]
    );
    // Bob now holds work past his capacity: not Available (P5). Whether
    // Busy or Busy - DND depends on how the profile he lacks is counted.
    assert_ne!(h.presence("bob"), AVAILABLE);
}

// ---------------------------------------------------------------- C5

#[test]
fn c5_always_is_the_default_and_releases_only_at_close() {
    assert_eq!(
        Workstream::new("x", Channel::Chat).wrap_up,
        WrapUpBlocking::Always
    );
    let mut h = Harness::new(chat_profile_config(1, &["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.input(10, end("c1")), vec![wrap_up("c1", "ada")]);
    // Ten minutes of wrap-up: still held.
    assert_eq!(h.advance_to(610), vec![]);
    assert_eq!(h.presence("ada"), DND);
    assert_eq!(
        h.input(611, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            presence("ada", DND, AVAILABLE),
            chat_alert(2, "ada", "c2", 731),
        ]
    );
}

#[test]
fn c5_custom_wrap_up_releases_after_its_minutes() {
    let mut c = chat_profile_config(1, &["ada"]);
    c.workstreams[0].wrap_up = WrapUpBlocking::Custom { minutes: 5 };
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.input(10, end("c1")), vec![wrap_up("c1", "ada")]);
    assert_eq!(h.sb.poll_timeout(), Some(at(310)));
    assert_eq!(h.advance_to(309), vec![]);
    assert_eq!(h.presence("ada"), DND);
    // Five minutes after wrap-up started: released, presence recomputed,
    // waiting work offered.
    assert_eq!(
        h.advance_to(310),
        vec![
            (310, presence("ada", DND, AVAILABLE)),
            (310, chat_alert(2, "ada", "c2", 430)),
        ]
    );
    // Closing later releases nothing twice.
    assert_eq!(
        h.input(320, close("c1")),
        vec![closed("c1"), session_closed("ada", 1, "c1")]
    );
}

#[test]
fn c5_custom_release_leaves_a_chosen_busy_until_close() {
    // The engine's reading of "presence then recomputed": a computed
    // presence follows the release (P5), while a presence the agent chose
    // as Busy lasts until they close the conversation (P4).
    let mut c = chat_config(&["ada"]);
    c.workstreams[0].wrap_up = WrapUpBlocking::Custom { minutes: 1 };
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    let mut out = accepted(1, "ada", "c1", 1);
    out.push(presence("ada", AVAILABLE, BUSY));
    assert_eq!(h.input(2, accept(1)), out);
    assert_eq!(h.input(3, set_presence("ada", BUSY)), vec![]);
    assert_eq!(h.input(4, end("c1")), vec![wrap_up("c1", "ada")]);
    assert_eq!(h.advance_to(100), vec![]);
    assert_eq!(status(&h, "ada").assigned_units, 0);
    assert_eq!(h.presence("ada"), BUSY);
    assert_eq!(
        h.input(101, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            presence("ada", BUSY, AVAILABLE),
        ]
    );
}

#[test]
fn c5_custom_wrap_up_releases_at_close_if_sooner() {
    let mut c = chat_profile_config(1, &["ada"]);
    c.workstreams[0].wrap_up = WrapUpBlocking::Custom { minutes: 10 };
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    h.input(3, chat("c2"));
    assert_eq!(h.input(10, end("c1")), vec![wrap_up("c1", "ada")]);
    assert_eq!(
        h.input(100, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            presence("ada", DND, AVAILABLE),
            chat_alert(2, "ada", "c2", 220),
        ]
    );
    let mut out = accepted(2, "ada", "c2", 2);
    out.push(presence("ada", AVAILABLE, DND));
    assert_eq!(h.input(101, accept(2)), out);
    // The ten-minute release was cancelled at close: nothing happens at 610.
    assert_eq!(h.sb.pending_deadlines(), 0);
    assert_eq!(h.advance_to(700), vec![]);
    assert_eq!(h.presence("ada"), DND);
}

#[test]
fn c5_never_releases_when_wrap_up_starts() {
    // Unit-based here: 10 units, one chat item fills them.
    let mut c = chat_config(&["ada"]);
    c.agents[0].capacity_units = 10;
    c.workstreams[0].wrap_up = WrapUpBlocking::Never;
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(10, end("c1")),
        vec![
            wrap_up("c1", "ada"),
            presence("ada", DND, AVAILABLE),
            chat_alert(2, "ada", "c2", 130),
        ]
    );
    let s = status(&h, "ada");
    assert_eq!((s.assigned_units, s.offered_units), (0, 10));
    assert_eq!(
        h.input(20, close("c1")),
        vec![closed("c1"), session_closed("ada", 1, "c1")]
    );
}

#[test]
fn c5_never_releases_profiles_when_wrap_up_starts() {
    let mut c = chat_profile_config(1, &["ada"]);
    c.workstreams[0].wrap_up = WrapUpBlocking::Never;
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    h.input(3, chat("c2"));
    assert_eq!(
        h.input(10, end("c1")),
        vec![
            wrap_up("c1", "ada"),
            presence("ada", DND, AVAILABLE),
            chat_alert(2, "ada", "c2", 130),
        ]
    );
}

#[test]
fn c5_custom_minutes_outside_1_to_60_is_config_error() {
    for minutes in [0, 61, 255] {
        let mut c = chat_profile_config(1, &["ada"]);
        c.workstreams[0].wrap_up = WrapUpBlocking::Custom { minutes };
        assert_eq!(
            config_error(c),
            ConfigError::OutOfRange {
                field: "workstreams[0].wrap_up.minutes".into(),
                value: minutes.into(),
                min: 1,
                max: 60,
            }
        );
    }
    for minutes in [1, 60] {
        let mut c = chat_profile_config(1, &["ada"]);
        c.workstreams[0].wrap_up = WrapUpBlocking::Custom { minutes };
        assert!(Switchboard::new(c).is_ok(), "{minutes} minutes");
    }
}

// ---------------------------------------------------------------- C6

/// Ada holds end-of-day profile `daily` (limit 1) of workstream `chat`;
/// the org's local time is `offset` minutes from UTC; no auto-close.
fn end_of_day_config(offset: i32) -> Config {
    let mut c = without_auto_close(config(
        vec![CapacityProfile {
            reset: ProfileReset::EndOfDay,
            ..CapacityProfile::new("daily", 1)
        }],
        vec![ws("chat", Channel::Chat, &["daily"])],
        vec![agent("ada", &[("daily", None)])],
    ));
    c.org.utc_offset_minutes = offset;
    c
}

/// Ada handles c1 to the end (closed at 20 s) while c2 waits.
fn close_one_with_another_waiting(h: &mut Harness) {
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.input(10, end("c1")), vec![wrap_up("c1", "ada")]);
    // Closing does not give the place back: still full, nothing offered.
    assert_eq!(
        h.input(20, close("c1")),
        vec![closed("c1"), session_closed("ada", 1, "c1")]
    );
    assert_eq!(h.presence("ada"), DND);
}

#[test]
fn c6_end_of_day_profile_releases_at_local_midnight_east_of_utc() {
    // t0 is 09:00 UTC = 11:00 at UTC+2; local midnight is 22:00 UTC.
    let mut h = Harness::new(end_of_day_config(120));
    close_one_with_another_waiting(&mut h);
    let midnight = 13 * 3600;
    assert_eq!(
        h.sb.poll_timeout(),
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 22, 0, 0).unwrap())
    );
    assert_eq!(h.advance_to(midnight - 1), vec![]);
    assert_eq!(h.location("c2"), waiting());
    assert_eq!(
        h.advance_to(midnight),
        vec![
            (midnight, presence("ada", DND, AVAILABLE)),
            (midnight, chat_alert(2, "ada", "c2", midnight + 120)),
        ]
    );
    // 22:30 UTC is already 00:30 the next local day: c2, closed then,
    // counts until the local midnight after, 22:00 UTC on the 25th.
    h.input(midnight + 1, accept(2));
    h.input(midnight + 2, end("c2"));
    h.input(midnight + 1800, close("c2"));
    assert_eq!(
        h.sb.poll_timeout(),
        Some(Utc.with_ymd_and_hms(2026, 11, 25, 22, 0, 0).unwrap())
    );
    assert_eq!(h.advance_to(midnight + 86_399), vec![]);
    assert_eq!(
        h.advance_to(midnight + 86_400),
        vec![(midnight + 86_400, presence("ada", DND, AVAILABLE))]
    );
}

#[test]
fn c6_end_of_day_profile_releases_at_local_midnight_west_of_utc() {
    // t0 is 09:00 UTC = 04:00 at UTC-5; local midnight is 05:00 UTC next day.
    let mut h = Harness::new(end_of_day_config(-300));
    close_one_with_another_waiting(&mut h);
    let midnight = 20 * 3600;
    assert_eq!(
        h.sb.poll_timeout(),
        Some(Utc.with_ymd_and_hms(2026, 11, 25, 5, 0, 0).unwrap())
    );
    assert_eq!(h.advance_to(midnight - 1), vec![]);
    assert_eq!(
        h.advance_to(midnight),
        vec![
            (midnight, presence("ada", DND, AVAILABLE)),
            (midnight, chat_alert(2, "ada", "c2", midnight + 120)),
        ]
    );
    // Work closed on the new day counts until the following midnight.
    h.input(midnight + 1, accept(2));
    h.input(midnight + 2, end("c2"));
    h.input(midnight + 3, close("c2"));
    assert_eq!(h.presence("ada"), DND);
    assert_eq!(h.sb.poll_timeout(), Some(at(midnight + 86_400)));
    assert_eq!(
        h.advance_to(midnight + 86_400),
        vec![(midnight + 86_400, presence("ada", DND, AVAILABLE))]
    );
}

#[test]
fn c6_end_of_day_at_the_start_of_the_range_west_of_utc() {
    // At chrono's first instant it is still the day before locally (UTC-5),
    // a local time chrono cannot hold; the local midnight, 05:00 UTC on
    // its first day, is inside the range and releases the profile.
    let min = chrono::DateTime::<Utc>::MIN_UTC;
    let secs = |s: i64| min + chrono::TimeDelta::seconds(s);
    let mut sb = Switchboard::new(end_of_day_config(-300)).expect("valid");
    sb.handle(secs(0), sign_in("ada")).expect("sign in");
    sb.handle(secs(1), chat("c1")).expect("arrive");
    sb.handle(secs(2), accept(1)).expect("accept");
    sb.handle(secs(3), chat("c2")).expect("arrive");
    sb.handle(secs(10), end("c1")).expect("end");
    sb.handle(secs(20), close("c1")).expect("close");
    while sb.poll_output().is_some() {}
    let midnight = secs(5 * 3600);
    assert_eq!(sb.poll_timeout(), Some(midnight));
    sb.tick(midnight).expect("tick");
    let outputs: Vec<Output> = std::iter::from_fn(|| sb.poll_output()).collect();
    assert_eq!(
        outputs.first(),
        Some(&Output::PresenceChanged {
            agent: "ada".into(),
            from: DND.into(),
            to: AVAILABLE.into(),
            why: PresenceReason::Computed,
        })
    );
    assert!(
        matches!(outputs.get(1), Some(Output::Notify(n)) if n.item == "c2" && n.agent == "ada"),
        "{outputs:?}"
    );
    assert_eq!(outputs.len(), 2);
}

#[test]
fn c6_immediate_profile_alongside_releases_on_close() {
    // The same agent holds an immediate profile too; only it frees on close.
    let mut c = end_of_day_config(0);
    c.capacity_profiles.push(CapacityProfile::new("now", 1));
    c.workstreams.push(ws("quick", Channel::Chat, &["now"]));
    c.agents[0].capacity_profiles.push(AgentProfile::new("now"));
    let c = without_auto_close(c);
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(1, work("k1", "quick"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, work("k2", "quick")), vec![queued("k2")]);
    h.input(10, end("k1"));
    assert_eq!(
        h.input(20, close("k1")),
        vec![
            closed("k1"),
            session_closed("ada", 1, "k1"),
            presence("ada", BUSY, AVAILABLE),
            chat_alert(2, "ada", "k2", 140),
        ]
    );
    assert_eq!(h.sb.poll_timeout(), Some(at(140)));
}

// ---------------------------------------------------------------- C7

#[test]
fn c7_consult_takes_no_profile_room() {
    let mut h = Harness::new(chat_profile_config(1, &["ada", "bob"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    h.input(2, sign_in("bob"));
    h.input(3, accept(1));
    let before = status(&h, "bob");
    let out = h.input(
        4,
        Input::Consult {
            item: "c1".into(),
            agent: "bob".into(),
        },
    );
    assert_eq!(
        out,
        vec![Output::Notify(Box::new(Notification {
            agent: "bob".into(),
            scenario: Scenario::Consult,
            title: "Consult request: Chat conversation".into(),
            fields: fields(&[("Customer", "")]),
            unresolved: vec!["customerName".into()].into(),
            ..template_alert(2, "c1", "Chat - consult - default", 124)
        }))]
    );
    assert_eq!(
        h.input(5, accept(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Accepted),
            Output::ConsultJoined {
                item: "c1".into(),
                agent: "bob".into(),
            },
        ]
    );
    assert_eq!(status(&h, "bob"), before);
    // Bob's only `chat` place is still free.
    assert_eq!(
        h.input(6, chat("c2")),
        vec![queued("c2"), chat_alert(3, "bob", "c2", 126)]
    );
}

// ---------------------------------------------------------------- C8

/// Ada (100 units) serves chat, voice and SMS workstreams in queue `q`.
fn channels_config() -> Config {
    let mut c = chat_config(&["ada"]);
    c.workstreams.push(Workstream::new("voice", Channel::Voice));
    c.workstreams.push(Workstream::new("sms", Channel::Sms));
    c
}

fn escalate(item: &str) -> Input {
    Input::Escalate { item: item.into() }
}

fn escalation_ended(item: &str) -> Input {
    Input::EscalationEnded { item: item.into() }
}

#[test]
fn c8_escalated_agent_takes_no_chat_or_voice_work_until_the_escalation_ends() {
    let mut h = Harness::new(channels_config());
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, escalate("c1")), vec![]);
    assert_eq!(h.input(4, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.input(5, work("v1", "voice")), vec![queued("v1")]);
    // Other channels still reach the agent.
    assert_eq!(
        h.input(6, work("s1", "sms")),
        vec![queued("s1"), sms_alert(2, "ada", "s1", 126)]
    );
    assert_eq!(
        h.input(7, escalation_ended("c1")),
        vec![
            chat_alert(3, "ada", "c2", 127),
            voice_alert(4, "ada", "v1", 127),
        ]
    );
}

#[test]
fn c8_escalating_agents_are_passed_by_for_chat_and_ranked_again_when_it_ends() {
    // Queue indexes keep escalating members apart: chat is not looked for
    // among them, SMS is, and the end of the escalation puts them back
    // where their free units rank them.
    let mut c = channels_config();
    c.agents.push(Agent {
        capacity_units: 50,
        ..Agent::new("bob")
    });
    c.queues[0].members.push("bob".into());
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    // ada, 100 units free against bob's 50.
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    h.input(2, accept(1));
    assert_eq!(h.input(3, escalate("c1")), vec![]);
    // ada has 90 free, the most, but is escalating.
    assert_eq!(
        h.input(4, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 124)]
    );
    assert_eq!(
        h.input(5, work("s1", "sms")),
        vec![queued("s1"), sms_alert(3, "ada", "s1", 125)]
    );
    assert_eq!(h.input(6, escalation_ended("c1")), vec![]);
    // ada, 80 free (c1 and s1), against bob's 40.
    assert_eq!(
        h.input(7, chat("c3")),
        vec![queued("c3"), chat_alert(4, "ada", "c3", 127)]
    );
}

#[test]
fn c8_escalation_ends_with_the_conversation() {
    let mut h = Harness::new(channels_config());
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    h.input(3, escalate("c1"));
    assert_eq!(h.input(4, chat("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(10, end("c1")),
        vec![wrap_up("c1", "ada"), chat_alert(2, "ada", "c2", 130)]
    );
}

#[test]
fn c8_escalation_changes_must_be_real_and_need_an_active_conversation() {
    let mut h = Harness::new(channels_config());
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    assert_eq!(
        h.try_input(2, escalate("c1")),
        Err(InputError::InvalidTransition {
            item: "c1".into(),
            from: ConversationState::Open,
            to: ConversationState::Active,
        })
    );
    h.input(3, accept(1));
    assert_eq!(
        h.try_input(4, escalation_ended("c1")),
        Err(InputError::EscalationUnchanged("c1".into()))
    );
    assert_eq!(h.input(5, escalate("c1")), vec![]);
    assert_eq!(
        h.try_input(6, escalate("c1")),
        Err(InputError::EscalationUnchanged("c1".into()))
    );
    assert_eq!(h.input(7, escalation_ended("c1")), vec![]);
    assert_eq!(
        h.try_input(8, escalation_ended("c1")),
        Err(InputError::EscalationUnchanged("c1".into()))
    );
    h.input(9, end("c1"));
    assert_eq!(
        h.try_input(10, escalate("c1")),
        Err(InputError::InvalidTransition {
            item: "c1".into(),
            from: ConversationState::WrapUp,
            to: ConversationState::Active,
        })
    );
    assert_eq!(
        h.try_input(11, escalate("zz")),
        Err(InputError::UnknownWorkItem("zz".into()))
    );
}

// ---------------------------------------------------------------- C9

/// Ada has 30 units; `chat` items take 10, `big` ones 20. Ada holds c1 and
/// c2 (20 of 30: Busy) while b1 waits; releasing one item leaves her Busy,
/// so no presence change starts the cycle that offers b1 (P9): only C9 can.
fn busy_with_big_waiting(blocking: WrapUpBlocking) -> Harness {
    let mut c = chat_config(&["ada"]);
    c.agents[0].capacity_units = 30;
    c.workstreams[0].wrap_up = blocking;
    c.workstreams.push(Workstream {
        capacity_units: Some(20),
        ..Workstream::new("big", Channel::Chat)
    });
    let mut h = Harness::new(c);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(1, chat("c2"));
    h.input(2, accept(1));
    h.input(2, accept(2));
    assert_eq!(h.presence("ada"), BUSY);
    assert_eq!(h.input(3, work("b1", "big")), vec![queued("b1")]);
    assert_eq!(h.input(10, end("c1")), vec![wrap_up("c1", "ada")]);
    h
}

#[test]
fn c9_close_offers_waiting_work_at_that_instant() {
    let mut h = busy_with_big_waiting(WrapUpBlocking::Always);
    assert_eq!(
        h.input(50, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            chat_alert(3, "ada", "b1", 170),
        ]
    );
}

#[test]
fn c9_rejected_offer_gives_its_profile_room_to_waiting_work() {
    let mut h = Harness::new(chat_profile_config(1, &["ada"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    // c2 goes ahead of c1 in the queue but finds the profile held.
    assert_eq!(h.input(5, chat_priority("c2", -1)), vec![queued("c2")]);
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
fn c9_expired_offer_gives_its_profile_room_to_waiting_work() {
    let mut h = Harness::new(chat_profile_config(1, &["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    assert_eq!(h.input(5, chat_priority("c2", -1)), vec![queued("c2")]);
    assert_eq!(
        h.advance_to(120),
        vec![
            (120, ended(1, "ada", "c1", NotificationEnd::Expired)),
            (120, rerouted("c1", "ada", RerouteReason::Expired)),
            (120, chat_alert(2, "ada", "c2", 240)),
        ]
    );
}

#[test]
fn c9_custom_wrap_up_release_offers_waiting_work_at_that_instant() {
    let mut h = busy_with_big_waiting(WrapUpBlocking::Custom { minutes: 1 });
    assert_eq!(
        h.advance_to(100),
        vec![(70, chat_alert(3, "ada", "b1", 190))]
    );
    assert_eq!(h.presence("ada"), BUSY);
}

#[test]
fn c9_end_of_day_reset_offers_waiting_work_at_that_instant() {
    // UTC: the reset is at 00:00 UTC, 15 hours after t0. Ada also holds an
    // open `other` item, so she stays Busy across midnight and only the
    // release itself can start the cycle.
    let mut c = end_of_day_config(0);
    c.capacity_profiles.push(CapacityProfile::new("other", 2));
    c.workstreams.push(ws("other", Channel::Chat, &["other"]));
    c.agents[0]
        .capacity_profiles
        .push(AgentProfile::new("other"));
    let mut h = Harness::new(without_auto_close(c));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    h.input(3, work("o1", "other"));
    h.input(4, accept(2));
    h.input(10, end("c1"));
    h.input(20, close("c1"));
    assert_eq!(h.input(30, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.presence("ada"), BUSY);
    let midnight = 15 * 3600;
    assert_eq!(
        h.advance_to(midnight + 60),
        vec![(midnight, chat_alert(3, "ada", "c2", midnight + 120))]
    );
    assert_eq!(h.presence("ada"), BUSY);
}

/// Ada (queue `q`) and Bob (queue `q2`) each hold `chat` (limit 1).
fn two_queue_config() -> Config {
    let mut c = chat_profile_config(1, &["ada", "bob"]);
    c.queues = vec![
        Queue::new("q", ["ada".into()]),
        Queue::new("q2", ["bob".into()]),
    ];
    c
}

#[test]
fn c9_transfer_to_a_queue_offers_waiting_work_at_that_instant() {
    let mut h = Harness::new(two_queue_config());
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, chat("c2")), vec![queued("c2")]);
    let out = h.input(
        10,
        Input::TransferToQueue {
            item: "c1".into(),
            queue: "q2".into(),
        },
    );
    assert_eq!(
        out,
        vec![
            session_closed("ada", 1, "c1"),
            Output::TransferredToQueue {
                item: "c1".into(),
                from: "ada".into(),
                queue: "q2".into(),
            },
            presence("ada", DND, AVAILABLE),
            chat_alert(2, "ada", "c2", 130),
            Output::Notify(Box::new(Notification {
                agent: "bob".into(),
                scenario: Scenario::Transfer,
                title: "Chat conversation transferred to you".into(),
                fields: fields(&[("Customer", "")]),
                unresolved: vec!["customerName".into()].into(),
                ..template_alert(3, "c1", "Chat - transfer - default", 130)
            })),
        ]
    );
}

#[test]
fn c9_supervisor_transfer_to_an_agent_offers_waiting_work_at_that_instant() {
    let mut h = Harness::new(two_queue_config());
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    h.input(3, chat("c2"));
    let out = h.input(
        10,
        Input::SupervisorTransfer {
            item: "c1".into(),
            target: TransferTarget::Agent("bob".into()),
        },
    );
    assert_eq!(
        out,
        vec![
            session_closed("ada", 1, "c1"),
            Output::PrimaryChanged {
                item: "c1".into(),
                from: "ada".into(),
                to: "bob".into(),
            },
            chat_toast(
                2,
                "bob",
                "c1",
                Scenario::Transfer,
                "Chat - transfer - default",
                "Chat conversation transferred to you",
                130,
            ),
            forced("c1", "bob", None),
            presence("bob", AVAILABLE, DND),
            presence("ada", DND, AVAILABLE),
            chat_alert(3, "ada", "c2", 130),
        ]
    );
}

#[test]
fn c9_conversation_going_to_waiting_offers_waiting_work_at_that_instant() {
    let mut h = Harness::new(config(
        vec![CapacityProfile::new("pc", 1)],
        vec![ws("pc", Channel::PersistentChat, &["pc"])],
        vec![agent("ada", &[("pc", None)])],
    ));
    h.input(0, sign_in("ada"));
    h.input(1, work("a1", "pc"));
    h.input(2, accept(1));
    assert_eq!(h.input(3, work("a2", "pc")), vec![queued("a2")]);
    assert_eq!(
        h.input(
            10,
            Input::AgentClosedSession {
                agent: "ada".into(),
                session: SessionId(1),
            }
        ),
        vec![
            session_closed("ada", 1, "a1"),
            Output::ConversationWaiting {
                item: "a1".into(),
                agent: "ada".into(),
            },
            presence("ada", DND, AVAILABLE),
            chat_alert(2, "ada", "a2", 130),
        ]
    );
}
