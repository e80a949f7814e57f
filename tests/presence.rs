//! Presence rules P1–P9: built-in and custom presences, sign-in, chosen and
//! computed presence, penalties, allowed presences, disconnects and the
//! assignment cycle a presence change starts.
#![allow(clippy::too_many_lines)]

mod common;
use common::*;
use switchboard::*;

// ---------------------------------------------------------------- helpers

fn closed(item: &str) -> Output {
    Output::ConversationClosed {
        item: item.into(),
        reason: CloseReason::Closed,
    }
}

fn wrap_up(item: &str, agent: &str) -> Output {
    Output::WrapUpStarted {
        item: item.into(),
        agent: agent.into(),
    }
}

fn supervisor_reset(agent: &str) -> Input {
    Input::SupervisorResetPresence {
        agent: agent.into(),
    }
}

fn disconnect(agent: &str) -> Input {
    Input::ClientDisconnected {
        agent: agent.into(),
    }
}

fn reconnect(agent: &str) -> Input {
    Input::ClientReconnected {
        agent: agent.into(),
    }
}

fn sign_out(agent: &str) -> Input {
    Input::AgentSignedOut {
        agent: agent.into(),
    }
}

/// Work `id` of workstream `ws` in queue `q`.
fn work(id: &str, ws: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem::new(id, ws, "q")))
}

fn custom(id: &str, base: BaseStatus) -> Presence {
    Presence {
        id: PresenceId::new(id),
        text: format!("{id} (custom)"),
        base,
    }
}

/// A chat workstream that only routes to agents whose presence has exactly `base`.
fn only(id: &str, base: BaseStatus) -> Workstream {
    let mut ws = Workstream::new(id, Channel::Chat);
    ws.allowed_presences = vec![base];
    ws
}

/// `chat_config` plus one workstream per base status (`w-available`,
/// `w-busy`, `w-dnd`, `w-away`, `w-offline`) and some custom presences.
fn status_config(agents: &[&str]) -> Config {
    let mut config = chat_config(agents);
    config.workstreams.extend([
        only("w-available", BaseStatus::Available),
        only("w-busy", BaseStatus::Busy),
        only("w-dnd", BaseStatus::BusyDnd),
        only("w-away", BaseStatus::Away),
        only("w-offline", BaseStatus::Offline),
    ]);
    config.presences = vec![
        custom("Ready", BaseStatus::Available),
        custom("Focus", BaseStatus::Busy),
        custom("Heads down", BaseStatus::BusyDnd),
        custom("Lunch", BaseStatus::Away),
        custom("Gone home", BaseStatus::Offline),
    ];
    config
}

const STATUS_WORKSTREAMS: [&str; 5] = ["w-available", "w-busy", "w-dnd", "w-away", "w-offline"];

/// The items offered, in order, among `outputs`.
fn offered(outputs: &[Output]) -> Vec<String> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Notify(n) => Some(format!("{}->{}", n.item, n.agent)),
            _ => None,
        })
        .collect()
}

/// One item per base-status workstream arrives while `agent` is in their
/// current presence; returns the items offered.
fn probe(h: &mut Harness, secs: i64) -> Vec<String> {
    let mut out = Vec::new();
    for ws in STATUS_WORKSTREAMS {
        out.extend(h.input(secs, work(&format!("{ws}-item"), ws)));
    }
    offered(&out)
}

fn config_with(agents: Vec<Agent>) -> Config {
    let ids: Vec<&str> = agents.iter().map(|a| a.id.as_str()).collect();
    let mut config = chat_config(&ids);
    config.agents = agents;
    config
}

fn agent_with_default(id: &str, presence: &str) -> Agent {
    let mut agent = Agent::new(id);
    agent.default_presence = PresenceId::new(presence);
    agent
}

fn agent_with_units(id: &str, units: u32) -> Agent {
    let mut agent = Agent::new(id);
    agent.capacity_units = units;
    agent
}

// ---------------------------------------------------------------- P1

#[test]
fn p1_builtin_presences_have_their_base_status() {
    // Each selectable built-in reaches exactly the workstream that allows its base status.
    let cases = [
        (presences::AVAILABLE, "w-available"),
        (presences::BUSY, "w-busy"),
        (presences::BUSY_DND, "w-dnd"),
        (presences::AWAY, "w-away"),
        (presences::OFFLINE, "w-offline"),
    ];
    for (presence, ws) in cases {
        let mut h = Harness::new(status_config(&["ada"]));
        h.input(0, sign_in("ada"));
        h.input(1, set_presence("ada", presence));
        assert_eq!(h.presence("ada"), presence);
        assert_eq!(
            probe(&mut h, 2),
            vec![format!("{ws}-item->ada")],
            "presence {presence}"
        );
    }
    assert_eq!(
        [
            presences::AVAILABLE,
            presences::BUSY,
            presences::BUSY_DND,
            presences::AWAY,
            presences::OFFLINE,
            presences::INACTIVE,
        ],
        [
            "Available",
            "Busy",
            "Busy - DND",
            "Away",
            "Offline",
            "Inactive"
        ]
    );
}

#[test]
fn p1_inactive_is_builtin_with_base_away() {
    let mut config = status_config(&["ada"]);
    config.org.missed_notification_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    let fired = h.advance_to(120);
    assert_eq!(
        fired,
        vec![
            (120, ended(1, "ada", "c1", NotificationEnd::Expired)),
            (120, rerouted("c1", "ada", RerouteReason::Expired)),
            (
                120,
                presence_changed(
                    "ada",
                    "Available",
                    "Inactive",
                    PresenceReason::MissedNotification
                )
            ),
            (
                120,
                dashboard_alert("ada", AlertKind::MissedNotification, "c1")
            ),
        ]
    );
    assert_eq!(h.presence("ada"), presences::INACTIVE);
    assert_eq!(probe(&mut h, 130), vec!["w-away-item->ada".to_owned()]);
}

#[test]
fn p1_custom_presences_route_by_base_status_only() {
    let cases = [
        ("Ready", "w-available"),
        ("Focus", "w-busy"),
        ("Heads down", "w-dnd"),
        ("Lunch", "w-away"),
        ("Gone home", "w-offline"),
    ];
    for (presence, ws) in cases {
        let mut h = Harness::new(status_config(&["ada"]));
        h.input(0, sign_in("ada"));
        assert_eq!(
            h.input(1, set_presence("ada", presence)),
            vec![presence_changed(
                "ada",
                "Available",
                presence,
                PresenceReason::Manual
            )]
        );
        assert_eq!(
            probe(&mut h, 2),
            vec![format!("{ws}-item->ada")],
            "presence {presence}"
        );
    }
    // A custom Busy presence takes the default chat work like built-in Busy.
    let mut h = Harness::new(status_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, set_presence("ada", "Focus"));
    assert_eq!(
        h.input(2, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 122)]
    );
}

#[test]
fn p1_custom_presence_cannot_take_a_builtin_name() {
    for name in ["Available", "Busy - DND", "Inactive"] {
        let mut config = chat_config(&["ada"]);
        config.presences = vec![
            custom("Lunch", BaseStatus::Away),
            custom(name, BaseStatus::Available),
        ];
        assert_eq!(
            Switchboard::new(config).err(),
            Some(ConfigError::DuplicateId {
                kind: IdKind::Presence,
                id: name.to_owned(),
                field: "presences[1].id".to_owned(),
            })
        );
    }
}

// ---------------------------------------------------------------- P2

#[test]
fn p2_agent_cannot_choose_inactive() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.try_input(1, set_presence("ada", "Inactive")),
        Err(InputError::PresenceNotSelectable(PresenceId::new(
            "Inactive"
        )))
    );
    assert_eq!(h.presence("ada"), presences::AVAILABLE);
    assert_eq!(
        h.try_input(2, set_presence("ada", "Lunch")),
        Err(InputError::UnknownPresence(PresenceId::new("Lunch")))
    );
    // Work still routes to ada: the refused choice changed nothing.
    assert_eq!(
        h.input(3, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 123)]
    );
}

#[test]
fn p2_inactive_stays_system_only_while_penalised() {
    let mut config = chat_config(&["ada"]);
    config.org.missed_notification_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    h.advance_to(120);
    assert_eq!(h.presence("ada"), presences::INACTIVE);
    assert_eq!(
        h.try_input(130, set_presence("ada", "Inactive")),
        Err(InputError::PresenceNotSelectable(PresenceId::new(
            "Inactive"
        )))
    );
    // The penalty is intact: the agent's reset still applies.
    assert_eq!(
        h.input(140, reset("ada")),
        vec![
            presence_changed("ada", "Inactive", "Available", PresenceReason::AgentReset),
            chat_alert(2, "ada", "c1", 260),
        ]
    );
}

#[test]
fn p2_inactive_cannot_be_a_default_presence() {
    // Only the system sets Inactive, so it cannot be anyone's default.
    let config = config_with(vec![agent_with_default("ada", "Inactive")]);
    assert_eq!(
        Switchboard::new(config).err(),
        Some(ConfigError::PresenceNotSelectable {
            field: "agents[0].default_presence".to_owned(),
            presence: "Inactive".to_owned(),
        })
    );
}

// ---------------------------------------------------------------- P3

#[test]
fn p3_default_available_is_computed_at_sign_in() {
    let mut h = Harness::new(chat_config(&["ada"]));
    assert_eq!(
        h.input(0, sign_in("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Available",
            PresenceReason::SignedIn
        )]
    );
    assert_eq!(
        h.sb.agent_status(&"ada".into()),
        Some(AgentStatus {
            signed_in: true,
            connected: true,
            presence: PresenceId::new("Available"),
            capacity_units: 100,
            assigned_units: 0,
            offered_units: 0,
            session_slots: 0,
        })
    );
}

#[test]
fn p3_default_away_or_offline_is_kept_at_sign_in() {
    let mut config = status_config(&["ada", "bob", "cy"]);
    config.agents = vec![
        agent_with_default("ada", "Away"),
        agent_with_default("bob", "Offline"),
        agent_with_default("cy", "Lunch"),
    ];
    let mut h = Harness::new(config);
    assert_eq!(
        h.input(0, sign_in("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Away",
            PresenceReason::SignedIn
        )]
    );
    // Offline before and after: no change to report.
    assert_eq!(h.input(0, sign_in("bob")), vec![]);
    assert_eq!(
        h.input(0, sign_in("cy")),
        vec![presence_changed(
            "cy",
            "Offline",
            "Lunch",
            PresenceReason::SignedIn
        )]
    );
    assert_eq!(
        h.sb.agent_status(&"bob".into()),
        Some(AgentStatus {
            signed_in: true,
            connected: true,
            presence: PresenceId::new("Offline"),
            capacity_units: 100,
            assigned_units: 0,
            offered_units: 0,
            session_slots: 0,
        })
    );
    // None of them takes default chat work.
    assert_eq!(h.input(1, chat("c1")), vec![queued("c1")]);
    // A kept default lasts like a choice: it changes on a manual change.
    assert_eq!(
        h.input(2, set_presence("bob", "Available")),
        vec![
            presence_changed("bob", "Offline", "Available", PresenceReason::Manual),
            chat_alert(1, "bob", "c1", 122),
        ]
    );
}

#[test]
fn p3_kept_away_default_survives_accept_and_close() {
    let mut config = status_config(&["ada"]);
    config.agents = vec![agent_with_default("ada", "Away")];
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(1, work("a1", "w-away")),
        vec![queued("a1"), chat_alert(1, "ada", "a1", 121)]
    );
    assert_eq!(
        h.input(2, accept(1)),
        vec![
            ended(1, "ada", "a1", NotificationEnd::Accepted),
            assigned("a1", "ada", false),
            session_opened("ada", 1, "a1"),
        ]
    );
    h.input(3, end("a1"));
    assert_eq!(
        h.input(4, close("a1")),
        vec![closed("a1"), session_closed("ada", 1, "a1")]
    );
    assert_eq!(h.presence("ada"), "Away");
}

#[test]
fn p3_other_defaults_are_computed_at_sign_in() {
    for default in ["Busy", "Busy - DND", "Ready", "Focus", "Heads down"] {
        let mut config = status_config(&["ada"]);
        config.agents = vec![agent_with_default("ada", default)];
        let mut h = Harness::new(config);
        assert_eq!(
            h.input(0, sign_in("ada")),
            vec![presence_changed(
                "ada",
                "Offline",
                "Available",
                PresenceReason::SignedIn
            )],
            "default {default}"
        );
    }
}

// ---------------------------------------------------------------- P4

#[test]
fn p4_chosen_available_lasts_until_accept_then_recomputed() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(h.presence("ada"), "Busy");
    assert_eq!(
        h.input(10, set_presence("ada", "Available")),
        vec![presence_changed(
            "ada",
            "Busy",
            "Available",
            PresenceReason::Manual
        )]
    );
    // An offer and its pending units do not touch the chosen presence.
    assert_eq!(
        h.input(20, chat("c2")),
        vec![queued("c2"), chat_alert(2, "ada", "c2", 140)]
    );
    assert_eq!(h.presence("ada"), "Available");
    assert_eq!(
        h.input(30, accept(2)),
        vec![
            ended(2, "ada", "c2", NotificationEnd::Accepted),
            assigned("c2", "ada", false),
            session_opened("ada", 2, "c2"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
}

#[test]
fn p4_chosen_available_lasts_through_unseen_assignment_until_close() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    h.input(10, set_presence("ada", "Available"));
    h.input(20, chat("c2"));
    // c2 is never displayed: assigned unseen at 140, capacity in use grows,
    // the chosen presence stays.
    let fired = h.advance_to(140);
    assert_eq!(
        fired,
        vec![
            (140, ended(2, "ada", "c2", NotificationEnd::AssignedUnseen)),
            (140, assigned("c2", "ada", true)),
        ]
    );
    assert_eq!(h.presence("ada"), "Available");
    assert_eq!(h.input(150, end("c1")), vec![wrap_up("c1", "ada")]);
    assert_eq!(
        h.input(160, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
}

#[test]
fn p4_chosen_busy_lasts_until_close_then_recomputed() {
    let mut h = Harness::new(config_with(vec![agent_with_units("ada", 10)]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    assert_eq!(
        h.input(2, accept(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy - DND", PresenceReason::Computed),
        ]
    );
    assert_eq!(
        h.input(10, set_presence("ada", "Busy")),
        vec![presence_changed(
            "ada",
            "Busy - DND",
            "Busy",
            PresenceReason::Manual
        )]
    );
    assert_eq!(h.input(20, end("c1")), vec![wrap_up("c1", "ada")]);
    assert_eq!(
        h.input(30, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            presence_changed("ada", "Busy", "Available", PresenceReason::Computed),
        ]
    );
    // From now on it is computed: it follows the next accept.
    h.input(40, chat("c2"));
    assert_eq!(
        h.input(41, accept(2)),
        vec![
            ended(2, "ada", "c2", NotificationEnd::Accepted),
            assigned("c2", "ada", false),
            session_opened("ada", 2, "c2"),
            presence_changed("ada", "Available", "Busy - DND", PresenceReason::Computed),
        ]
    );
}

#[test]
fn p4_chosen_away_dnd_or_offline_lasts_through_accept_and_close() {
    for chosen in ["Away", "Busy - DND", "Offline"] {
        let mut h = Harness::new(chat_config(&["ada"]));
        h.input(0, sign_in("ada"));
        h.input(1, chat("c1"));
        assert_eq!(
            h.input(5, set_presence("ada", chosen)),
            vec![presence_changed(
                "ada",
                "Available",
                chosen,
                PresenceReason::Manual
            )]
        );
        assert_eq!(
            h.input(10, accept(1)),
            vec![
                ended(1, "ada", "c1", NotificationEnd::Accepted),
                assigned("c1", "ada", false),
                session_opened("ada", 1, "c1"),
            ],
            "{chosen}"
        );
        assert_eq!(h.input(20, end("c1")), vec![wrap_up("c1", "ada")]);
        assert_eq!(
            h.input(30, close("c1")),
            vec![closed("c1"), session_closed("ada", 1, "c1")],
            "{chosen}"
        );
        assert_eq!(h.presence("ada"), chosen);
        // Another manual change ends it.
        assert_eq!(
            h.input(40, set_presence("ada", "Busy")),
            vec![presence_changed(
                "ada",
                chosen,
                "Busy",
                PresenceReason::Manual
            )]
        );
    }
}

#[test]
fn p4_chosen_presence_ends_at_sign_out() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, set_presence("ada", "Away"));
    assert_eq!(
        h.input(2, sign_out("ada")),
        vec![presence_changed(
            "ada",
            "Away",
            "Offline",
            PresenceReason::SignedOut
        )]
    );
    assert_eq!(
        h.input(3, sign_in("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Available",
            PresenceReason::SignedIn
        )]
    );
}

// ---------------------------------------------------------------- P5

#[test]
fn p5_computed_presence_follows_units_in_use() {
    let mut h = Harness::new(config_with(vec![agent_with_units("ada", 20)]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(1, chat("c2"));
    let busy = h.input(2, accept(1));
    assert_eq!(
        busy.last(),
        Some(&presence_changed(
            "ada",
            "Available",
            "Busy",
            PresenceReason::Computed
        ))
    );
    let full = h.input(3, accept(2));
    assert_eq!(
        full.last(),
        Some(&presence_changed(
            "ada",
            "Busy",
            "Busy - DND",
            PresenceReason::Computed
        ))
    );
    h.input(4, end("c1"));
    assert_eq!(
        h.input(5, close("c1")),
        vec![
            closed("c1"),
            session_closed("ada", 1, "c1"),
            presence_changed("ada", "Busy - DND", "Busy", PresenceReason::Computed),
        ]
    );
    h.input(6, end("c2"));
    assert_eq!(
        h.input(7, close("c2")),
        vec![
            closed("c2"),
            session_closed("ada", 2, "c2"),
            presence_changed("ada", "Busy", "Available", PresenceReason::Computed),
        ]
    );
}

#[test]
fn p5_units_held_by_pending_offers_are_not_in_use() {
    // Engine's choice: presence is computed from assigned work only; units
    // held by pending offers leave it alone.
    let mut h = Harness::new(config_with(vec![agent_with_units("ada", 20)]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    assert_eq!(
        h.input(0, chat("c2")),
        vec![queued("c2"), chat_alert(2, "ada", "c2", 120)]
    );
    assert_eq!(
        h.sb.agent_status(&"ada".into()),
        Some(AgentStatus {
            signed_in: true,
            connected: true,
            presence: PresenceId::new("Available"),
            capacity_units: 20,
            assigned_units: 0,
            offered_units: 20,
            session_slots: 2,
        })
    );
    // Unseen, both are assigned at their deadline; now they are in use.
    assert_eq!(
        h.advance_to(120),
        vec![
            (120, ended(1, "ada", "c1", NotificationEnd::AssignedUnseen)),
            (120, assigned("c1", "ada", true)),
            (
                120,
                presence_changed("ada", "Available", "Busy", PresenceReason::Computed)
            ),
            (120, ended(2, "ada", "c2", NotificationEnd::AssignedUnseen)),
            (120, assigned("c2", "ada", true)),
            (
                120,
                presence_changed("ada", "Busy", "Busy - DND", PresenceReason::Computed)
            ),
        ]
    );
}

#[test]
fn p5_agent_without_capacity_computes_busy_dnd() {
    // Engine's choice: with no units at all, none is free.
    let mut h = Harness::new(config_with(vec![agent_with_units("ada", 0)]));
    assert_eq!(
        h.input(0, sign_in("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Busy - DND",
            PresenceReason::SignedIn
        )]
    );
}

// ---------------------------------------------------------------- P6

#[test]
fn p6_missed_notification_penalty_ends_with_agent_reset() {
    let mut config = chat_config(&["ada"]);
    config.org.missed_notification_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    h.advance_to(120);
    assert_eq!(h.presence("ada"), "Inactive");
    // No new work while penalised.
    assert_eq!(h.input(150, chat("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(200, reset("ada")),
        vec![
            presence_changed("ada", "Inactive", "Available", PresenceReason::AgentReset),
            chat_alert(2, "ada", "c1", 320),
            chat_alert(3, "ada", "c2", 320),
        ]
    );
    assert_eq!(
        h.try_input(201, reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
}

#[test]
fn p6_reject_penalty_survives_accept_and_close_until_supervisor_reset() {
    let mut config = chat_config(&["ada"]);
    config.org.agent_reject_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(0, chat("c2"));
    h.input(5, accept(1));
    assert_eq!(
        h.input(6, reject(2)),
        vec![
            ended(2, "ada", "c2", NotificationEnd::Rejected),
            rerouted("c2", "ada", RerouteReason::Rejected),
            presence_changed("ada", "Busy", "Busy - DND", PresenceReason::Rejected),
            dashboard_alert("ada", AlertKind::Rejected, "c2"),
        ]
    );
    // Closing work does not end the penalty.
    h.input(10, end("c1"));
    assert_eq!(
        h.input(20, close("c1")),
        vec![closed("c1"), session_closed("ada", 1, "c1")]
    );
    assert_eq!(h.presence("ada"), "Busy - DND");
    assert_eq!(
        h.input(60, supervisor_reset("ada")),
        vec![
            presence_changed(
                "ada",
                "Busy - DND",
                "Available",
                PresenceReason::SupervisorReset
            ),
            chat_alert(3, "ada", "c2", 180),
        ]
    );
}

#[test]
fn p6_penalty_is_not_lifted_by_accepting_work() {
    let mut config = chat_config(&["ada"]);
    config.org.agent_reject_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(0, chat("c2"));
    h.input(5, reject(1));
    assert_eq!(h.presence("ada"), "Busy - DND");
    assert_eq!(
        h.input(6, accept(2)),
        vec![
            ended(2, "ada", "c2", NotificationEnd::Accepted),
            assigned("c2", "ada", false),
            session_opened("ada", 1, "c2"),
        ]
    );
    assert_eq!(h.presence("ada"), "Busy - DND");
}

#[test]
fn p6_reset_sets_presence_computed_at_that_moment() {
    let mut config = chat_config(&["ada", "bob"]);
    config.org.agent_reject_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, accept(1));
    h.input(2, chat("c2"));
    // bob signs in only now, so c2 was offered to ada.
    h.input(3, sign_in("bob"));
    assert_eq!(
        h.input(4, reject(2)),
        vec![
            ended(2, "ada", "c2", NotificationEnd::Rejected),
            rerouted("c2", "ada", RerouteReason::Rejected),
            presence_changed("ada", "Busy", "Busy - DND", PresenceReason::Rejected),
            dashboard_alert("ada", AlertKind::Rejected, "c2"),
            chat_alert(3, "bob", "c2", 124),
        ]
    );
    // ada holds c1, so the system computes Busy, not her earlier presence.
    assert_eq!(
        h.input(10, reset("ada")),
        vec![presence_changed(
            "ada",
            "Busy - DND",
            "Busy",
            PresenceReason::AgentReset
        )]
    );
}

#[test]
fn p6_manual_change_ends_penalty() {
    let mut config = chat_config(&["ada"]);
    config.org.agent_reject_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(5, reject(1));
    assert_eq!(
        h.input(10, set_presence("ada", "Available")),
        vec![
            presence_changed("ada", "Busy - DND", "Available", PresenceReason::Manual),
            chat_alert(2, "ada", "c1", 130),
        ]
    );
    assert_eq!(
        h.try_input(11, reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
    assert_eq!(
        h.try_input(11, supervisor_reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
}

#[test]
fn p6_reset_without_penalty_is_refused() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.try_input(1, reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
    assert_eq!(
        h.try_input(1, supervisor_reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
    h.input(2, set_presence("ada", "Away"));
    assert_eq!(
        h.try_input(3, reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
    assert_eq!(h.presence("ada"), "Away");
}

// ---------------------------------------------------------------- P7

#[test]
fn p7_default_allowed_presences_are_available_and_busy() {
    assert_eq!(
        Workstream::new("chat", Channel::Chat).allowed_presences,
        vec![BaseStatus::Available, BaseStatus::Busy]
    );
    let mut h = Harness::new(chat_config(&["ada", "bob", "cy", "dee"]));
    for agent in ["ada", "bob", "cy", "dee"] {
        h.input(0, sign_in(agent));
    }
    h.input(1, set_presence("ada", "Busy - DND"));
    h.input(1, set_presence("bob", "Away"));
    h.input(1, set_presence("cy", "Busy"));
    // dee stays Available.
    assert_eq!(
        h.input(2, chat("c1")),
        vec![queued("c1"), chat_alert(1, "cy", "c1", 122)]
    );
    assert_eq!(
        h.input(3, chat("c2")),
        vec![queued("c2"), chat_alert(2, "dee", "c2", 123)]
    );
    assert_eq!(
        h.input(4, chat("c3")),
        vec![queued("c3"), chat_alert(3, "cy", "c3", 124)]
    );
}

#[test]
fn p7_workstream_allowed_presences_decide_eligibility() {
    let mut config = status_config(&["ada"]);
    let mut after_hours = Workstream::new("after-hours", Channel::Chat);
    after_hours.allowed_presences = vec![BaseStatus::BusyDnd, BaseStatus::Away];
    config.workstreams.push(after_hours);
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    assert_eq!(h.input(1, work("x1", "after-hours")), vec![queued("x1")]);
    // Lunch has base Away, which after-hours allows.
    assert_eq!(
        h.input(2, set_presence("ada", "Lunch")),
        vec![
            presence_changed("ada", "Available", "Lunch", PresenceReason::Manual),
            chat_alert(1, "ada", "x1", 122),
        ]
    );
    assert_eq!(h.input(3, chat("c1")), vec![queued("c1")]);
    assert_eq!(
        h.input(4, set_presence("ada", "Heads down")),
        vec![presence_changed(
            "ada",
            "Lunch",
            "Heads down",
            PresenceReason::Manual
        )]
    );
    assert_eq!(
        h.input(5, work("x2", "after-hours")),
        vec![queued("x2"), chat_alert(2, "ada", "x2", 125)]
    );
    assert_eq!(
        h.input(6, set_presence("ada", "Focus")),
        vec![
            presence_changed("ada", "Heads down", "Focus", PresenceReason::Manual),
            chat_alert(3, "ada", "c1", 126),
        ]
    );
    assert_eq!(h.input(7, work("x3", "after-hours")), vec![queued("x3")]);
}

// ---------------------------------------------------------------- P8

#[test]
fn p8_disconnect_sets_offline_and_offers_in_flight_become_unseen() {
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    assert_eq!(
        h.input(10, disconnect("ada")),
        vec![presence_changed(
            "ada",
            "Available",
            "Offline",
            PresenceReason::Disconnected
        )]
    );
    let status = h.sb.agent_status(&"ada".into()).unwrap();
    assert_eq!((status.signed_in, status.connected), (true, false));
    h.input(20, sign_in("bob"));
    // Seen before the disconnect, the offer now counts as unseen: assigned
    // at its deadline, not expired.
    assert_eq!(
        h.advance_to(120),
        vec![
            (120, ended(1, "ada", "c1", NotificationEnd::AssignedUnseen)),
            (120, assigned("c1", "ada", true)),
        ]
    );
    assert_eq!(
        h.location("c1"),
        WorkLocation::Assigned {
            agent: "ada".into()
        }
    );
    // Unseen work would be rerouted 8 minutes after the deadline (T3), but
    // the reconnect grace runs out first, 150 s after the disconnect: Active
    // work goes back to its queue (L1).
    assert_eq!(h.sb.poll_timeout(), Some(at(160)));
    assert_eq!(
        h.advance_to(160),
        vec![
            (160, rerouted("c1", "ada", RerouteReason::Disconnected)),
            (160, chat_alert(2, "bob", "c1", 280)),
        ]
    );
}

#[test]
fn p8_disconnect_makes_offers_unseen_even_without_display_acknowledgement() {
    // With acknowledgement off every offer counts as seen (T3), but a
    // disconnect still turns offers in flight unseen (P8).
    let mut config = chat_config(&["ada"]);
    config.org.display_acknowledgement = false;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(0, chat("c2"));
    h.input(10, disconnect("ada"));
    assert_eq!(
        h.advance_to(120),
        vec![
            (120, ended(1, "ada", "c1", NotificationEnd::AssignedUnseen)),
            (120, assigned("c1", "ada", true)),
            (120, ended(2, "ada", "c2", NotificationEnd::AssignedUnseen)),
            (120, assigned("c2", "ada", true)),
        ]
    );
    // Next: the end of the reconnect grace, 150 s after the disconnect.
    assert_eq!(h.sb.poll_timeout(), Some(at(160)));
}

#[test]
fn p8_disconnect_and_reconnect_need_the_matching_state() {
    let mut h = Harness::new(chat_config(&["ada"]));
    assert_eq!(
        h.try_input(0, disconnect("ada")),
        Err(InputError::NotSignedIn("ada".into()))
    );
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.try_input(1, reconnect("ada")),
        Err(InputError::NotDisconnected("ada".into()))
    );
    h.input(2, disconnect("ada"));
    assert_eq!(
        h.try_input(3, disconnect("ada")),
        Err(InputError::Disconnected("ada".into()))
    );
    assert_eq!(h.presence("ada"), "Offline");
}

#[test]
fn p8_disconnected_agent_gets_no_work() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, disconnect("ada"));
    assert_eq!(h.input(2, chat("c1")), vec![queued("c1")]);
    assert_eq!(
        h.try_input(3, set_presence("ada", "Available")),
        Err(InputError::Disconnected("ada".into()))
    );
}

#[test]
fn p8_reconnect_within_grace_restores_previous_presence() {
    for chosen in ["Away", "Busy", "Busy - DND", "Lunch"] {
        let mut h = Harness::new(status_config(&["ada"]));
        h.input(0, sign_in("ada"));
        h.input(5, set_presence("ada", chosen));
        assert_eq!(
            h.input(10, disconnect("ada")),
            vec![presence_changed(
                "ada",
                chosen,
                "Offline",
                PresenceReason::Disconnected
            )]
        );
        // 149 s later is still within the grace (at 150 s it has run out).
        assert_eq!(
            h.input(159, reconnect("ada")),
            vec![presence_changed(
                "ada",
                "Offline",
                chosen,
                PresenceReason::Reconnected
            )],
            "{chosen}"
        );
    }
}

#[test]
fn p8_reconnect_within_grace_restores_penalty() {
    let mut config = chat_config(&["ada"]);
    config.org.agent_reject_rule = true;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(5, reject(1));
    h.input(10, disconnect("ada"));
    assert_eq!(
        h.try_input(11, reset("ada")),
        Err(InputError::Disconnected("ada".into()))
    );
    assert_eq!(
        h.input(100, reconnect("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Busy - DND",
            PresenceReason::Reconnected
        )]
    );
    assert_eq!(
        h.input(101, reset("ada")),
        vec![
            presence_changed("ada", "Busy - DND", "Available", PresenceReason::AgentReset),
            chat_alert(2, "ada", "c1", 221),
        ]
    );
}

#[test]
fn p8_reconnect_within_grace_recomputes_a_computed_presence() {
    // Engine's choice: a computed presence is restored as computed, so it
    // reflects capacity changes made while disconnected.
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, accept(1));
    assert_eq!(h.presence("ada"), "Busy");
    assert_eq!(
        h.input(10, disconnect("ada")),
        vec![presence_changed(
            "ada",
            "Busy",
            "Offline",
            PresenceReason::Disconnected
        )]
    );
    h.input(20, end("c1"));
    assert_eq!(
        h.input(30, close("c1")),
        vec![closed("c1"), session_closed("ada", 1, "c1")]
    );
    assert_eq!(
        h.input(100, reconnect("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Available",
            PresenceReason::Reconnected
        )]
    );
}

#[test]
fn p8_reconnect_after_grace_recomputes_as_at_sign_in() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(5, set_presence("ada", "Away"));
    h.input(10, disconnect("ada"));
    assert_eq!(
        h.input(161, reconnect("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Available",
            PresenceReason::Reconnected
        )]
    );
    // A default Away is what sign-in keeps, so a late reconnect gives Away.
    let mut h = Harness::new(config_with(vec![agent_with_default("ada", "Away")]));
    h.input(0, sign_in("ada"));
    h.input(5, set_presence("ada", "Busy"));
    h.input(10, disconnect("ada"));
    assert_eq!(
        h.input(500, reconnect("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Away",
            PresenceReason::Reconnected
        )]
    );
}

#[test]
fn p8_reconnect_grace_is_configurable() {
    let mut config = chat_config(&["ada", "bob"]);
    config.org.reconnect_grace_secs = 30;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, set_presence("ada", "Away"));
    h.input(1, set_presence("bob", "Away"));
    h.input(10, disconnect("ada"));
    h.input(10, disconnect("bob"));
    assert_eq!(
        h.input(39, reconnect("ada")),
        vec![presence_changed(
            "ada",
            "Offline",
            "Away",
            PresenceReason::Reconnected
        )]
    );
    assert_eq!(
        h.input(40, reconnect("bob")),
        vec![presence_changed(
            "bob",
            "Offline",
            "Available",
            PresenceReason::Reconnected
        )]
    );
}

// ---------------------------------------------------------------- P9

#[test]
fn p9_going_from_away_to_available_offers_waiting_work_at_once() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, set_presence("ada", "Away"));
    assert_eq!(h.input(10, chat("c1")), vec![queued("c1")]);
    // Nothing is offered: the only deadline is the chat's Open auto-close (L2).
    assert_eq!(h.sb.poll_timeout(), Some(at(10 + 20 * 60)));
    assert_eq!(
        h.input(50, set_presence("ada", "Available")),
        vec![
            presence_changed("ada", "Away", "Available", PresenceReason::Manual),
            chat_alert(1, "ada", "c1", 170),
        ]
    );
}

#[test]
fn p9_reconnect_and_busy_choice_start_a_cycle() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, disconnect("ada"));
    h.input(2, chat("c1"));
    assert_eq!(
        h.input(30, reconnect("ada")),
        vec![
            presence_changed("ada", "Offline", "Available", PresenceReason::Reconnected),
            chat_alert(1, "ada", "c1", 150),
        ]
    );
    h.input(31, set_presence("ada", "Busy - DND"));
    h.input(32, chat("c2"));
    assert_eq!(
        h.input(40, set_presence("ada", "Busy")),
        vec![
            presence_changed("ada", "Busy - DND", "Busy", PresenceReason::Manual),
            chat_alert(2, "ada", "c2", 160),
        ]
    );
}
