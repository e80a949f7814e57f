//! Time-out, miss, reject and reroute: SPEC rules T1–T9 (with P6, S1, C1 and A2 where they meet).

#![allow(clippy::too_many_lines)]

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};

use switchboard::{
    Agent, AgentId, AlertKind, BaseStatus, Case, Channel, Config, DEFAULT_ICON, Input, InputError,
    Notification, NotificationEnd, NotificationId, NotificationKind, Output, PresenceReason, Queue,
    RenderedField, RerouteReason, Scenario, ShortList, Template, WorkItem, WorkItemId,
    WorkLocation, Workstream, presences,
};

// ---------------------------------------------------------------------------
// Expected outputs
// ---------------------------------------------------------------------------

/// Every output stamped with the same second, as `advance_to` reports them.
fn at_secs(secs: i64, outputs: Vec<Output>) -> Vec<(i64, Output)> {
    outputs.into_iter().map(|o| (secs, o)).collect()
}

fn display(h: &mut Harness, secs: i64, id: u64) {
    let out = h.input(secs, displayed(id));
    assert_eq!(out, vec![], "displaying an offer outputs nothing");
}

fn open_work(item: &str) -> Input {
    Input::OpenWork { item: item.into() }
}

fn waiting_in_q() -> WorkLocation {
    WorkLocation::Waiting { queue: "q".into() }
}

fn assigned_to(agent: &str) -> WorkLocation {
    WorkLocation::Assigned {
        agent: agent.into(),
    }
}

/// `(assigned units, offered units, session slots)` of an agent.
fn load(h: &Harness, agent: &str) -> (i64, i64, u32) {
    let s =
        h.sb.agent_status(&AgentId::new(agent))
            .expect("known agent");
    (s.assigned_units, s.offered_units, s.session_slots)
}

/// Harness time of the next deadline.
fn next_deadline(h: &Harness) -> Option<i64> {
    h.sb.poll_timeout().map(|t| (t - t0()).num_seconds())
}

/// `chat_config` with the incoming-unauthenticated chat template replaced by `template`.
fn chat_config_with_template(agents: &[&str], template: Template) -> Config {
    let mut cfg = chat_config(agents);
    cfg.workstreams[0]
        .templates
        .insert(Scenario::IncomingUnauthenticated, template.name.clone());
    cfg.templates.push(template);
    cfg
}

/// The Toast an auto-assign template named "Chat auto" titled "Auto chat" renders.
fn auto_toast(id: u64, agent: &str, item: &str, deadline: i64) -> Notification {
    Notification {
        kind: NotificationKind::Toast,
        template: "Chat auto".into(),
        title: "Auto chat".into(),
        fields: ShortList::new(),
        unresolved: ShortList::new(),
        accept_label: "Open".into(),
        reject_label: None,
        ..chat_notification(id, agent, item, deadline)
    }
}

fn auto_config(auto_accept: bool) -> Config {
    chat_config_with_template(
        &["ada"],
        Template::new("Chat auto")
            .with_title("Auto chat")
            .with_countdown(!auto_accept)
            .with_auto_assign(true, auto_accept),
    )
}

fn record_config() -> Config {
    Config {
        workstreams: vec![Workstream::new("cases", Channel::Record)],
        queues: vec![Queue::new("cq", [AgentId::new("ada")])],
        agents: vec![Agent::new("ada")],
        ..Config::default()
    }
}

fn case_item(id: &str) -> Input {
    Input::WorkArrived(Box::new(WorkItem {
        case: Some(Case {
            id: "CAS-1".into(),
            title: "Printer on fire".into(),
        }),
        ..WorkItem::new(id, "cases", "cq")
    }))
}

// ---------------------------------------------------------------------------
// T1: a seen Alert expires at its deadline; the work keeps its place.
// ---------------------------------------------------------------------------

#[test]
fn t1_seen_alert_expires_exactly_at_the_default_deadline_and_returns_to_queue() {
    let mut h = Harness::new(chat_config(&["ada"]));
    assert_eq!(h.input(0, sign_in("ada")), vec![signed_in("ada")]);
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    assert_eq!(
        load(&h, "ada"),
        (0, 10, 1),
        "a pending offer holds units (C1)"
    );
    display(&mut h, 5, 1);
    assert_eq!(next_deadline(&h), Some(120));

    assert_eq!(h.advance_to(119), vec![], "nothing before the deadline");
    assert_eq!(
        h.location("c1"),
        WorkLocation::Offered {
            agent: "ada".into(),
            notification: n(1)
        }
    );
    // At 120 s exactly: expired, back in the queue, and (only agent, one
    // decline of three) offered again with a fresh 120 s deadline.
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                chat_alert(2, "ada", "c1", 240),
            ]
        )
    );
    assert_eq!(h.presence("ada"), presences::AVAILABLE);
    assert_eq!(
        h.sb.conversation_state(&"c1".into()),
        Some(switchboard::ConversationState::Open)
    );
}

#[test]
fn t1_custom_timeout_expires_at_its_own_deadline() {
    let template = Template::new("Chat short")
        .with_title("Chat")
        .with_timeout_secs(30);
    let mut h = Harness::new(chat_config_with_template(&["ada"], template));
    h.input(0, sign_in("ada"));
    let short = |id: u64, deadline: i64| Notification {
        template: "Chat short".into(),
        title: "Chat".into(),
        fields: ShortList::new(),
        unresolved: ShortList::new(),
        ..chat_notification(id, "ada", "c1", deadline)
    };
    assert_eq!(
        h.input(7, chat("c1")),
        vec![queued("c1"), Output::Notify(Box::new(short(1, 37)))]
    );
    display(&mut h, 8, 1);
    assert_eq!(h.advance_to(36), vec![]);
    assert_eq!(
        h.advance_to(37),
        at_secs(
            37,
            vec![
                ended(1, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                Output::Notify(Box::new(short(2, 67))),
            ]
        )
    );
}

#[test]
fn t1_expired_work_keeps_its_place_priority_then_arrival() {
    // Each agent takes one chat at a time (10 units), so waiting work competes.
    let mut cfg = chat_config(&["ada", "bob"]);
    cfg.agents[0].capacity_units = 10;
    cfg.agents[1].capacity_units = 10;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    assert_eq!(h.input(10, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.input(20, chat("c3")), vec![queued("c3")]);
    display(&mut h, 30, 1);

    // c1 expires and is offered again before c2 and c3, which arrived later
    // with the same priority.
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                chat_alert(2, "ada", "c1", 240),
            ]
        )
    );
    assert_eq!(h.location("c2"), waiting_in_q());
    assert_eq!(h.location("c3"), waiting_in_q());

    // A later arrival with a better (lower) priority goes ahead of c1 (A2).
    let urgent = WorkItem {
        priority: -1,
        ..WorkItem::new("c4", "chat", "q")
    };
    assert_eq!(
        h.input(130, Input::WorkArrived(Box::new(urgent))),
        vec![queued("c4")]
    );
    display(&mut h, 131, 2);
    assert_eq!(
        h.advance_to(240),
        at_secs(
            240,
            vec![
                ended(2, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                chat_alert(3, "ada", "c4", 360),
            ]
        )
    );
    assert_eq!(
        h.input(250, accept(3)),
        vec![
            ended(3, "ada", "c4", NotificationEnd::Accepted),
            assigned("c4", "ada", false),
            session_opened("ada", 1, "c4"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::Computed
            ),
        ]
    );
    // The next free agent gets c1 (arrival 0), not c2 (arrival 10) or c3.
    assert_eq!(
        h.input(260, sign_in("bob")),
        vec![signed_in("bob"), chat_alert(4, "bob", "c1", 380)]
    );
    assert_eq!(h.location("c2"), waiting_in_q());
    assert_eq!(h.location("c3"), waiting_in_q());
}

#[test]
fn t1_expiry_counts_as_a_decline() {
    // The offers run past the chat's 20-minute Open auto-close (L2): off here.
    // Two agents, every offer seen and left to expire: the fewer-declines
    // agent gets it next (T6), and after three expiries each (the default
    // `declines_allowed`) nobody is offered it again.
    let mut h = Harness::new(without_auto_close(chat_config(&["ada", "bob"])));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    // Who gets each next offer: ada 1 decline -> bob (0); 1/1 tie -> ada
    // (earlier last offer); 2/1 -> bob; 2/2 -> ada; 3/2 -> bob; 3/3 -> nobody.
    let next = ["bob", "ada", "bob", "ada", "bob"];
    let mut holder = "ada";
    for ((id, deadline), to) in (1..).zip((120..).step_by(120)).zip(next) {
        display(&mut h, deadline - 100, id);
        assert_eq!(
            h.advance_to(deadline),
            at_secs(
                deadline,
                vec![
                    ended(id, holder, "c1", NotificationEnd::Expired),
                    rerouted("c1", holder, RerouteReason::Expired),
                    chat_alert(id + 1, to, "c1", deadline + 120),
                ]
            ),
            "expiry of notification {id}"
        );
        holder = to;
    }
    display(&mut h, 620, 6);
    assert_eq!(
        h.advance_to(720),
        at_secs(
            720,
            vec![
                ended(6, "bob", "c1", NotificationEnd::Expired),
                rerouted("c1", "bob", RerouteReason::Expired),
            ]
        )
    );
    assert_eq!(h.location("c1"), waiting_in_q());
    // The expired offers hold nothing any more.
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(load(&h, "bob"), (0, 0, 0));
    assert_eq!(h.sb.poll_timeout(), None);
    assert_eq!(h.advance_to(5_000), vec![]);
}

// ---------------------------------------------------------------------------
// T2: missed-notification rule.
// ---------------------------------------------------------------------------

#[test]
fn t2_missed_notification_sets_inactive_with_alert_until_reset() {
    let mut cfg = chat_config(&["ada"]);
    cfg.org.missed_notification_rule = true;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                presence_changed(
                    "ada",
                    presences::AVAILABLE,
                    presences::INACTIVE,
                    PresenceReason::MissedNotification
                ),
                dashboard_alert("ada", AlertKind::MissedNotification, "c1"),
            ]
        )
    );
    assert_eq!(h.presence("ada"), presences::INACTIVE);

    // No new work while Inactive.
    assert_eq!(h.input(130, chat("c2")), vec![queued("c2")]);
    assert_eq!(h.advance_to(1_000), vec![]);
    assert_eq!(h.location("c1"), waiting_in_q());
    assert_eq!(h.location("c2"), waiting_in_q());
    // A reset sets the presence the system computes (P6), and routing
    // resumes at once.
    assert_eq!(
        h.input(1_000, reset("ada")),
        vec![
            presence_changed(
                "ada",
                presences::INACTIVE,
                presences::AVAILABLE,
                PresenceReason::AgentReset
            ),
            chat_alert(2, "ada", "c1", 1_120),
            chat_alert(3, "ada", "c2", 1_120),
        ]
    );
}

#[test]
fn t2_supervisor_reset_sets_presence_computed_at_that_moment() {
    let mut cfg = chat_config(&["ada"]);
    cfg.org.missed_notification_rule = true;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, accept(1));
    assert_eq!(h.presence("ada"), presences::BUSY);
    assert_eq!(
        h.input(2, chat("c2")),
        vec![queued("c2"), chat_alert(2, "ada", "c2", 122)]
    );
    display(&mut h, 3, 2);
    assert_eq!(
        h.advance_to(122),
        at_secs(
            122,
            vec![
                ended(2, "ada", "c2", NotificationEnd::Expired),
                rerouted("c2", "ada", RerouteReason::Expired),
                presence_changed(
                    "ada",
                    presences::BUSY,
                    presences::INACTIVE,
                    PresenceReason::MissedNotification
                ),
                dashboard_alert("ada", AlertKind::MissedNotification, "c2"),
            ]
        )
    );
    // ada still holds c1, so the computed presence is Busy, not Available.
    assert_eq!(
        h.input(
            200,
            Input::SupervisorResetPresence {
                agent: "ada".into()
            }
        ),
        vec![
            presence_changed(
                "ada",
                presences::INACTIVE,
                presences::BUSY,
                PresenceReason::SupervisorReset
            ),
            chat_alert(3, "ada", "c2", 320),
        ]
    );
    assert_eq!(
        h.try_input(201, reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
}

#[test]
fn t2_manual_presence_change_ends_the_missed_penalty() {
    let mut cfg = chat_config(&["ada"]);
    cfg.org.missed_notification_rule = true;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    h.advance_to(120);
    assert_eq!(h.presence("ada"), presences::INACTIVE);
    assert_eq!(
        h.try_input(130, set_presence("ada", presences::INACTIVE)),
        Err(InputError::PresenceNotSelectable(
            presences::INACTIVE.into()
        ))
    );
    assert_eq!(
        h.input(140, set_presence("ada", presences::AVAILABLE)),
        vec![
            presence_changed(
                "ada",
                presences::INACTIVE,
                presences::AVAILABLE,
                PresenceReason::Manual
            ),
            chat_alert(2, "ada", "c1", 260),
        ]
    );
}

#[test]
fn t2_missed_rule_has_no_effect_when_away_is_allowed() {
    let mut cfg = chat_config(&["ada"]);
    cfg.org.missed_notification_rule = true;
    cfg.workstreams[0].allowed_presences =
        vec![BaseStatus::Available, BaseStatus::Busy, BaseStatus::Away];
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                chat_alert(2, "ada", "c1", 240),
            ]
        )
    );
    assert_eq!(h.presence("ada"), presences::AVAILABLE);
    assert_eq!(
        h.try_input(130, reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
}

#[test]
fn t2_inactive_agent_still_takes_work_whose_workstream_allows_away() {
    // SPEC T2 says both "no new work until reset" and "no effect where Away
    // is allowed (Inactive's base status is Away)"; routing looks at base
    // status only (P1, P7), so the engine still offers such work. We test
    // that reading.
    let mut cfg = chat_config(&["ada"]);
    cfg.org.missed_notification_rule = true;
    let mut relaxed = Workstream::new("relaxed", Channel::Chat);
    relaxed.allowed_presences = vec![BaseStatus::Available, BaseStatus::Busy, BaseStatus::Away];
    cfg.workstreams.push(relaxed);
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    h.advance_to(120);
    assert_eq!(h.presence("ada"), presences::INACTIVE);
    assert_eq!(h.input(130, chat("c2")), vec![queued("c2")]);
    assert_eq!(
        h.input(
            140,
            Input::WorkArrived(Box::new(WorkItem::new("r1", "relaxed", "q")))
        ),
        vec![queued("r1"), chat_alert(2, "ada", "r1", 260)]
    );
    assert_eq!(h.presence("ada"), presences::INACTIVE);
}

#[test]
fn t2_missed_notification_rule_is_off_by_default() {
    assert!(!switchboard::OrgSettings::default().missed_notification_rule);
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                chat_alert(2, "ada", "c1", 240),
            ]
        )
    );
    assert_eq!(h.presence("ada"), presences::AVAILABLE);
}

// ---------------------------------------------------------------------------
// T3: unseen offers are assigned anyway and rerouted later unless opened.
// ---------------------------------------------------------------------------

/// ada alone signed in, `c1` offered at 0 and never displayed, run to its deadline.
fn unseen_at_deadline(cfg: Config) -> Harness {
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    assert_eq!(h.advance_to(119), vec![]);
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
                assigned("c1", "ada", true),
                presence_changed(
                    "ada",
                    presences::AVAILABLE,
                    presences::BUSY,
                    PresenceReason::Computed
                ),
            ]
        )
    );
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(
        h.sb.conversation_state(&"c1".into()),
        Some(switchboard::ConversationState::Active)
    );
    // Capacity held: units move from the offer to the assignment.
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    h
}

#[test]
fn t3_unseen_notification_rerouted_eight_minutes_after_timeout() {
    let defaults = switchboard::OrgSettings::default();
    assert_eq!(defaults.unseen_reroute_delay_secs, 480);
    assert!(defaults.display_acknowledgement);

    let mut h = unseen_at_deadline(chat_config(&["ada", "bob"]));
    assert_eq!(next_deadline(&h), Some(600));
    assert_eq!(h.input(300, sign_in("bob")), vec![signed_in("bob")]);
    assert_eq!(h.advance_to(599), vec![]);
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    // 480 s after the 120 s deadline: taken back, capacity released, and
    // offered to bob (ada was offered it last).
    assert_eq!(
        h.advance_to(600),
        at_secs(
            600,
            vec![
                rerouted("c1", "ada", RerouteReason::Unseen),
                presence_changed(
                    "ada",
                    presences::BUSY,
                    presences::AVAILABLE,
                    PresenceReason::Computed
                ),
                chat_alert(2, "bob", "c1", 720),
            ]
        )
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(
        h.try_input(601, open_work("c1")),
        Err(InputError::NothingToOpen("c1".into()))
    );
}

#[test]
fn t3_opening_unseen_work_before_the_reroute_keeps_it() {
    let mut h = unseen_at_deadline(chat_config(&["ada"]));
    assert_eq!(h.advance_to(599), vec![]);
    assert_eq!(
        h.input(599, open_work("c1")),
        vec![session_opened("ada", 1, "c1")]
    );
    assert_eq!(h.sb.poll_timeout(), None, "the reroute is cancelled");
    assert_eq!(h.advance_to(10_000), vec![]);
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    // The ended notification cannot be answered any more (T9).
    assert_eq!(
        h.try_input(10_001, accept(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
}

#[test]
fn t3_opening_at_the_reroute_time_is_too_late() {
    let mut h = unseen_at_deadline(chat_config(&["ada"]));
    // Even before `tick` runs, 600 s is no longer "by then".
    assert_eq!(
        h.sb.handle(at(600), open_work("c1")),
        Err(InputError::NothingToOpen("c1".into()))
    );
    assert_eq!(h.sb.poll_output(), None);
    // Unseen work is not a decline: ada, alone, is offered it again.
    assert_eq!(
        h.advance_to(600),
        at_secs(
            600,
            vec![
                rerouted("c1", "ada", RerouteReason::Unseen),
                presence_changed(
                    "ada",
                    presences::BUSY,
                    presences::AVAILABLE,
                    PresenceReason::Computed
                ),
                chat_alert(2, "ada", "c1", 720),
            ]
        )
    );
}

#[test]
fn t3_display_acknowledged_at_the_deadline_is_too_late() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    assert_eq!(
        h.sb.handle(at(120), displayed(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
                assigned("c1", "ada", true),
                presence_changed(
                    "ada",
                    presences::AVAILABLE,
                    presences::BUSY,
                    PresenceReason::Computed
                ),
            ]
        )
    );
}

#[test]
fn t3_lost_connection_makes_a_displayed_offer_unseen() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    assert_eq!(
        h.input(
            10,
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
    // Seen before the connection dropped, but treated as unseen (P8): assigned, not expired.
    // Presence stays Offline while disconnected.
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
                assigned("c1", "ada", true),
            ]
        )
    );
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1));
    // First the end of the reconnect grace (P8, L1), then the unseen reroute.
    assert_eq!(next_deadline(&h), Some(160));
    h.input(
        130,
        Input::ClientReconnected {
            agent: "ada".into(),
        },
    );
    assert_eq!(next_deadline(&h), Some(600));
    assert_eq!(
        h.input(200, open_work("c1")),
        vec![session_opened("ada", 1, "c1")]
    );
    assert_eq!(h.advance_to(5_000), vec![]);
    assert_eq!(h.location("c1"), assigned_to("ada"));
}

#[test]
fn t3_unseen_reroute_delay_is_configurable() {
    let mut cfg = chat_config(&["ada"]);
    cfg.org.unseen_reroute_delay_secs = 60;
    let mut h = unseen_at_deadline(cfg);
    assert_eq!(next_deadline(&h), Some(180));
    assert_eq!(h.advance_to(179), vec![]);
    assert_eq!(
        h.advance_to(180),
        at_secs(
            180,
            vec![
                rerouted("c1", "ada", RerouteReason::Unseen),
                presence_changed(
                    "ada",
                    presences::BUSY,
                    presences::AVAILABLE,
                    PresenceReason::Computed
                ),
                chat_alert(2, "ada", "c1", 300),
            ]
        )
    );
}

#[test]
fn t3_without_display_acknowledgement_every_offer_counts_as_seen() {
    let mut cfg = chat_config(&["ada"]);
    cfg.org.display_acknowledgement = false;
    cfg.org.missed_notification_rule = true;
    let mut h = Harness::new(without_auto_close(cfg));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    // Never displayed, yet it expires as a seen Alert would (T1, T2).
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                presence_changed(
                    "ada",
                    presences::AVAILABLE,
                    presences::INACTIVE,
                    PresenceReason::MissedNotification
                ),
                dashboard_alert("ada", AlertKind::MissedNotification, "c1"),
            ]
        )
    );
    assert_eq!(h.location("c1"), waiting_in_q());
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(h.advance_to(2_000), vec![]);
}

// ---------------------------------------------------------------------------
// T4: reject.
// ---------------------------------------------------------------------------

#[test]
fn t4_reject_returns_work_to_its_queue_and_counts_as_a_decline() {
    assert!(!switchboard::OrgSettings::default().agent_reject_rule);
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    // Rejected: back to the queue, and bob (no declines) gets it, not ada.
    assert_eq!(
        h.input(10, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            chat_alert(2, "bob", "c1", 130),
        ]
    );
    assert_eq!(
        h.presence("ada"),
        presences::AVAILABLE,
        "rule off: no penalty"
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(load(&h, "bob"), (0, 10, 1));
    // One decline each: ada, offered earlier, gets it back.
    assert_eq!(
        h.input(20, reject(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Rejected),
            rerouted("c1", "bob", RerouteReason::Rejected),
            chat_alert(3, "ada", "c1", 140),
        ]
    );
    assert_eq!(h.advance_to(121), vec![], "the first deadline is gone");
}

#[test]
fn t4_agent_reject_rule_sets_busy_dnd_and_raises_alert() {
    let mut cfg = chat_config(&["ada", "bob"]);
    cfg.org.agent_reject_rule = true;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, chat("c1"));
    assert_eq!(
        h.input(10, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::Rejected
            ),
            dashboard_alert("ada", AlertKind::Rejected, "c1"),
            chat_alert(2, "bob", "c1", 130),
        ]
    );
    // Chat does not allow Busy - DND: new chat goes to bob although ada has
    // more free capacity.
    assert_eq!(
        h.input(20, chat("c2")),
        vec![queued("c2"), chat_alert(3, "bob", "c2", 140)]
    );
    assert_eq!(
        h.input(30, reset("ada")),
        vec![presence_changed(
            "ada",
            presences::BUSY_DND,
            presences::AVAILABLE,
            PresenceReason::AgentReset
        )]
    );
    assert_eq!(
        h.input(40, chat("c3")),
        vec![queued("c3"), chat_alert(4, "ada", "c3", 160)]
    );
}

#[test]
fn t4_rejected_agent_keeps_getting_work_where_busy_dnd_is_allowed() {
    let mut cfg = chat_config(&["ada"]);
    cfg.org.agent_reject_rule = true;
    let mut urgent = Workstream::new("urgent", Channel::Chat);
    urgent.allowed_presences = vec![BaseStatus::Available, BaseStatus::Busy, BaseStatus::BusyDnd];
    cfg.workstreams.push(urgent);
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    assert_eq!(
        h.input(10, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY_DND,
                PresenceReason::Rejected
            ),
            dashboard_alert("ada", AlertKind::Rejected, "c1"),
        ]
    );
    assert_eq!(h.location("c1"), waiting_in_q());
    // Work of a workstream allowing Busy - DND still reaches ada.
    assert_eq!(
        h.input(
            20,
            Input::WorkArrived(Box::new(WorkItem::new("u1", "urgent", "q")))
        ),
        vec![queued("u1"), chat_alert(2, "ada", "u1", 140)]
    );
    // Rejecting it: a new alert, presence already Busy - DND, and (one
    // decline of three, nobody else) offered again at once.
    assert_eq!(
        h.input(30, reject(2)),
        vec![
            ended(2, "ada", "u1", NotificationEnd::Rejected),
            rerouted("u1", "ada", RerouteReason::Rejected),
            dashboard_alert("ada", AlertKind::Rejected, "u1"),
            chat_alert(3, "ada", "u1", 150),
        ]
    );
    assert_eq!(h.location("c1"), waiting_in_q());
    assert_eq!(h.presence("ada"), presences::BUSY_DND);
}

// ---------------------------------------------------------------------------
// T5: what cannot be rejected.
// ---------------------------------------------------------------------------

#[test]
fn t5_rejecting_an_auto_assign_toast_is_refused() {
    let mut h = Harness::new(auto_config(false));
    h.input(0, sign_in("ada"));
    let out = h.input(0, chat("c1"));
    assert_eq!(
        out[1],
        Output::Notify(Box::new(auto_toast(1, "ada", "c1", 120)))
    );
    assert_eq!(
        h.try_input(5, reject(1)),
        Err(InputError::RejectNotAllowed(n(1)))
    );
    assert_eq!(h.location("c1"), assigned_to("ada"));
}

#[test]
fn t5_rejecting_a_record_assignment_is_refused() {
    let mut h = Harness::new(record_config());
    h.input(0, sign_in("ada"));
    h.input(0, case_item("r1"));
    assert_eq!(
        h.try_input(5, reject(1)),
        Err(InputError::RejectNotAllowed(n(1)))
    );
    assert_eq!(h.sb.work_location(&"r1".into()), Some(assigned_to("ada")));
}

#[test]
fn t5_rejecting_an_alert_without_reject_button_is_refused() {
    let template = Template::new("Chat no reject")
        .with_title("Chat")
        .with_reject_button(false);
    let mut h = Harness::new(chat_config_with_template(&["ada"], template));
    h.input(0, sign_in("ada"));
    let expected = Notification {
        template: "Chat no reject".into(),
        title: "Chat".into(),
        fields: ShortList::new(),
        unresolved: ShortList::new(),
        reject_label: None,
        ..chat_notification(1, "ada", "c1", 120)
    };
    assert_eq!(
        h.input(0, chat("c1")),
        vec![queued("c1"), Output::Notify(Box::new(expected))]
    );
    display(&mut h, 1, 1);
    assert_eq!(
        h.try_input(5, reject(1)),
        Err(InputError::RejectNotAllowed(n(1)))
    );
    // Still a live Alert: it can be accepted.
    assert_eq!(
        h.input(6, accept(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::BUSY,
                PresenceReason::Computed
            ),
        ]
    );
}

// ---------------------------------------------------------------------------
// T6: declines.
// ---------------------------------------------------------------------------

#[test]
fn t6_decliner_reoffered_only_when_no_other_eligible_agent_has_fewer_declines() {
    let mut h = Harness::new(chat_config(&["ada", "bob", "cy"]));
    for a in ["ada", "bob", "cy"] {
        h.input(0, sign_in(a));
    }
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    let rejected = |id: u64, by: &str, next: Option<(u64, &str, i64)>| {
        let mut v = vec![
            ended(id, by, "c1", NotificationEnd::Rejected),
            rerouted("c1", by, RerouteReason::Rejected),
        ];
        if let Some((nid, to, deadline)) = next {
            v.push(chat_alert(nid, to, "c1", deadline));
        }
        v
    };
    // ada 1 → bob (0); bob 1 → cy (0); all 1 → ada (earliest offer).
    assert_eq!(
        h.input(2, reject(1)),
        rejected(1, "ada", Some((2, "bob", 122)))
    );
    assert_eq!(
        h.input(3, reject(2)),
        rejected(2, "bob", Some((3, "cy", 123)))
    );
    assert_eq!(
        h.input(4, reject(3)),
        rejected(3, "cy", Some((4, "ada", 124)))
    );
    // cy (1 decline) goes Away, so is not eligible.
    h.input(5, set_presence("cy", presences::AWAY));
    // ada 2, bob 1 → bob.
    assert_eq!(
        h.input(6, reject(4)),
        rejected(4, "ada", Some((5, "bob", 126)))
    );
    // ada 2, bob 2, cy 1 but Away → ada again (offered before bob).
    assert_eq!(
        h.input(7, reject(5)),
        rejected(5, "bob", Some((6, "ada", 127)))
    );
    assert_eq!(
        h.input(8, set_presence("cy", presences::AVAILABLE)),
        vec![presence_changed(
            "cy",
            presences::AWAY,
            presences::AVAILABLE,
            PresenceReason::Manual
        )]
    );
    // ada 3 (limit), bob 2, cy 1 → cy.
    assert_eq!(
        h.input(9, reject(6)),
        rejected(6, "ada", Some((7, "cy", 129)))
    );
}

#[test]
fn t6_fewer_declines_outrank_more_free_capacity() {
    // ada has more free units, so HighestCapacity alone would pick her.
    let mut cfg = chat_config(&["ada", "bob"]);
    cfg.agents[1].capacity_units = 20;
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 121)]
    );
    assert_eq!(
        h.input(2, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            chat_alert(2, "bob", "c1", 122),
        ]
    );
    // One decline each: free capacity decides again.
    assert_eq!(
        h.input(3, reject(2)),
        vec![
            ended(2, "bob", "c1", NotificationEnd::Rejected),
            rerouted("c1", "bob", RerouteReason::Rejected),
            chat_alert(3, "ada", "c1", 123),
        ]
    );
    display(&mut h, 4, 3);
    assert_eq!(
        h.advance_to(123),
        at_secs(
            123,
            vec![
                ended(3, "ada", "c1", NotificationEnd::Expired),
                rerouted("c1", "ada", RerouteReason::Expired),
                chat_alert(4, "bob", "c1", 243),
            ]
        )
    );
}

#[test]
fn t6_item_never_auto_offered_again_after_declines_allowed() {
    assert_eq!(switchboard::OrgSettings::default().declines_allowed, 3);
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    for (id, secs) in [(1, 10), (2, 20)] {
        assert_eq!(
            h.input(secs, reject(id)),
            vec![
                ended(id, "ada", "c1", NotificationEnd::Rejected),
                rerouted("c1", "ada", RerouteReason::Rejected),
                chat_alert(id + 1, "ada", "c1", secs + 120),
            ]
        );
    }
    // Third decline: never auto-offered to ada again.
    assert_eq!(
        h.input(30, reject(3)),
        vec![
            ended(3, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
        ]
    );
    assert_eq!(h.location("c1"), waiting_in_q());
    // Other work still reaches ada.
    assert_eq!(
        h.input(40, chat("c2")),
        vec![queued("c2"), chat_alert(4, "ada", "c2", 160)]
    );
    // Signing out and in again does not wipe the declines.
    assert_eq!(
        h.input(
            50,
            Input::AgentSignedOut {
                agent: "ada".into()
            }
        ),
        vec![
            ended(4, "ada", "c2", NotificationEnd::Rescinded),
            rerouted("c2", "ada", RerouteReason::SignedOut),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::OFFLINE,
                PresenceReason::SignedOut
            ),
        ]
    );
    assert_eq!(
        h.input(60, sign_in("ada")),
        vec![signed_in("ada"), chat_alert(5, "ada", "c2", 180)]
    );
    assert_eq!(h.location("c1"), waiting_in_q());
}

#[test]
fn t6_declines_allowed_is_configurable() {
    let mut cfg = chat_config(&["ada", "bob"]);
    cfg.org.declines_allowed = 1;
    let mut h = Harness::new(without_auto_close(cfg));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, chat("c1"));
    assert_eq!(
        h.input(2, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            chat_alert(2, "bob", "c1", 122),
        ]
    );
    display(&mut h, 3, 2);
    // An expiry is a decline too: with one allowed, nobody is left.
    assert_eq!(
        h.advance_to(122),
        at_secs(
            122,
            vec![
                ended(2, "bob", "c1", NotificationEnd::Expired),
                rerouted("c1", "bob", RerouteReason::Expired),
            ]
        )
    );
    assert_eq!(h.location("c1"), waiting_in_q());
    assert_eq!(h.sb.poll_timeout(), None);
}

#[test]
fn t6_parked_after_one_hundred_distinct_agents_declined() {
    let names: Vec<String> = (0..101).map(|k| format!("a{k:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut h = Harness::new(without_auto_close(chat_config(&refs)));
    for a in &refs {
        h.input(0, sign_in(a));
    }
    assert_eq!(
        h.input(1, chat("c1")),
        vec![queued("c1"), chat_alert(1, "a000", "c1", 121)]
    );
    // Agents decline in queue order; every tenth decline is an expiry.
    let mut offered_at = 1;
    for k in 0..100 {
        let id = k as u64 + 1;
        let agent = refs[k];
        let (t, how, reason, out) = if k % 10 == 9 {
            display(&mut h, offered_at + 1, id);
            let t = offered_at + 120;
            let fired: Vec<Output> = h.advance_to(t).into_iter().map(|(_, o)| o).collect();
            (t, NotificationEnd::Expired, RerouteReason::Expired, fired)
        } else {
            let t = offered_at + 1;
            let out = h.input(t, reject(id));
            (t, NotificationEnd::Rejected, RerouteReason::Rejected, out)
        };
        let mut expected = vec![ended(id, agent, "c1", how), rerouted("c1", agent, reason)];
        if k < 99 {
            expected.push(chat_alert(id + 1, refs[k + 1], "c1", t + 120));
        } else {
            expected.push(Output::Parked {
                item: "c1".into(),
                queue: "q".into(),
            });
        }
        assert_eq!(out, expected, "decline {k} by {agent}");
        offered_at = t;
    }
    // The 101st agent is eligible, yet nothing is offered any more.
    assert_eq!(h.location("c1"), waiting_in_q());
    assert_eq!(h.sb.pending_notifications(), 0);
    assert_eq!(load(&h, "a100"), (0, 0, 0));
    let t = offered_at + 10;
    assert_eq!(
        h.input(
            t,
            Input::AgentSignedOut {
                agent: "a100".into()
            }
        ),
        vec![presence_changed(
            "a100",
            presences::AVAILABLE,
            presences::OFFLINE,
            PresenceReason::SignedOut
        )]
    );
    assert_eq!(h.input(t + 1, sign_in("a100")), vec![signed_in("a100")]);
    assert_eq!(h.advance_to(t + 10_000), vec![]);
    // Other work still flows: a100, never offered anything, is next in turn.
    assert_eq!(
        h.input(t + 10_001, chat("c2")),
        vec![queued("c2"), chat_alert(101, "a100", "c2", t + 10_121)]
    );
}

// ---------------------------------------------------------------------------
// T7: auto-assign.
// ---------------------------------------------------------------------------

/// ada signed in, `c1` arrives at 0 under the auto-assign template.
fn auto_assigned(auto_accept: bool) -> Harness {
    let mut h = Harness::new(auto_config(auto_accept));
    h.input(0, sign_in("ada"));
    let mut expected = vec![
        queued("c1"),
        Output::Notify(Box::new(auto_toast(1, "ada", "c1", 120))),
        assigned("c1", "ada", false),
        presence_changed(
            "ada",
            presences::AVAILABLE,
            presences::BUSY,
            PresenceReason::Computed,
        ),
    ];
    if auto_accept {
        expected.push(session_opened("ada", 1, "c1"));
    }
    assert_eq!(h.input(0, chat("c1")), expected);
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1), "capacity consumed at once");
    h
}

#[test]
fn t7_auto_assign_assigns_at_once_and_opening_the_toast_opens_the_session() {
    let mut h = auto_assigned(false);
    assert_eq!(
        h.try_input(10, accept(1)),
        Err(InputError::ActionNotOffered {
            notification: n(1),
            action: "accept"
        })
    );
    assert_eq!(
        h.input(30, open(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Opened),
            session_opened("ada", 1, "c1"),
        ]
    );
    assert_eq!(h.sb.poll_timeout(), None);
    assert_eq!(h.advance_to(5_000), vec![], "no reroute");
    assert_eq!(h.location("c1"), assigned_to("ada"));
}

#[test]
fn t7_auto_assign_deadline_opens_the_session_and_never_reroutes() {
    // Never displayed either: a Toast is not subject to T3.
    let mut h = auto_assigned(false);
    assert_eq!(h.advance_to(119), vec![]);
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "c1", NotificationEnd::TimedOut),
                session_opened("ada", 1, "c1"),
            ]
        )
    );
    assert_eq!(h.sb.poll_timeout(), None);
    assert_eq!(h.advance_to(120 + 480 + 5_000), vec![]);
    assert_eq!(h.location("c1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1));
}

#[test]
fn t7_open_work_on_auto_assigned_item_ends_the_toast() {
    let mut h = auto_assigned(false);
    assert_eq!(
        h.input(50, open_work("c1")),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Opened),
            session_opened("ada", 1, "c1"),
        ]
    );
    assert_eq!(
        h.try_input(51, open(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
    assert_eq!(h.advance_to(5_000), vec![]);
}

#[test]
fn t7_auto_accept_opens_the_session_at_once() {
    // `auto_config(true)` turns the countdown off in the template; auto-accept forces it on.
    let mut h = auto_assigned(true);
    assert_eq!(
        h.advance_to(120),
        at_secs(120, vec![ended(1, "ada", "c1", NotificationEnd::TimedOut)])
    );
    assert_eq!(h.advance_to(5_000), vec![], "no reroute");
    assert_eq!(h.location("c1"), assigned_to("ada"));
}

// ---------------------------------------------------------------------------
// T8: record assignment.
// ---------------------------------------------------------------------------

#[test]
fn t8_record_assignment_is_a_toast_that_stays_assigned_after_the_deadline() {
    let mut h = Harness::new(record_config());
    h.input(0, sign_in("ada"));
    let toast = Notification {
        id: n(1),
        agent: "ada".into(),
        item: "r1".into(),
        kind: NotificationKind::Toast,
        scenario: Scenario::RecordAssigned,
        template: "CDS entity - Default assigned".into(),
        title: "New record assigned".into(),
        fields: vec![
            RenderedField {
                header: "Case".into(),
                value: "Printer on fire".into(),
            },
            RenderedField {
                header: "Case number".into(),
                value: "CAS-1".into(),
            },
        ]
        .into(),
        unresolved: ShortList::new(),
        accept_label: "Open".into(),
        reject_label: None,
        deadline: at(120),
        show_countdown: true,
        icon: DEFAULT_ICON.into(),
        desktop: None,
    };
    assert_eq!(
        h.input(0, case_item("r1")),
        vec![
            Output::WorkQueued {
                item: "r1".into(),
                queue: "cq".into()
            },
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
    assert_eq!(
        h.try_input(10, reject(1)),
        Err(InputError::RejectNotAllowed(n(1)))
    );
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "r1", NotificationEnd::TimedOut),
                session_opened("ada", 1, "r1"),
            ]
        )
    );
    assert_eq!(h.advance_to(100_000), vec![]);
    assert_eq!(h.location("r1"), assigned_to("ada"));
    assert_eq!(load(&h, "ada"), (10, 0, 1));
}

#[test]
fn t8_record_assignment_is_a_toast_even_with_a_non_auto_assign_template() {
    // A custom record template without auto-assign and with a reject
    // button: record assignment is still a Toast (N1) that cannot be
    // rejected and stays assigned.
    let mut cfg = record_config();
    cfg.templates
        .push(Template::new("Case plain").with_title("Case {caseId}"));
    cfg.workstreams[0]
        .templates
        .insert(Scenario::RecordAssigned, "Case plain".into());
    let mut h = Harness::new(cfg);
    h.input(0, sign_in("ada"));
    let out = h.input(0, case_item("r1"));
    let Some(Output::Notify(n)) = out.get(1) else {
        panic!("{out:?}")
    };
    assert_eq!(
        (n.kind, n.scenario, &*n.title, &n.reject_label),
        (
            NotificationKind::Toast,
            Scenario::RecordAssigned,
            "Case CAS-1",
            &None
        )
    );
    assert_eq!(out[2], assigned("r1", "ada", false));
    assert_eq!(
        h.try_input(10, reject(1)),
        Err(InputError::RejectNotAllowed(NotificationId(1)))
    );
    assert_eq!(
        h.advance_to(120),
        at_secs(
            120,
            vec![
                ended(1, "ada", "r1", NotificationEnd::TimedOut),
                session_opened("ada", 1, "r1"),
            ]
        )
    );
    assert_eq!(h.advance_to(100_000), vec![]);
    assert_eq!(h.location("r1"), assigned_to("ada"));
}

// ---------------------------------------------------------------------------
// T9: every offer ends exactly once.
// ---------------------------------------------------------------------------

#[test]
fn t9_answers_at_or_after_the_end_are_notification_closed() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    // At the deadline, even before `tick`, the offer is closed.
    for input in [accept(1), reject(1)] {
        assert_eq!(
            h.sb.handle(at(120), input),
            Err(InputError::NotificationClosed(n(1)))
        );
    }
    assert_eq!(h.sb.poll_output(), None);
    h.advance_to(120);
    for input in [accept(1), reject(1), displayed(1)] {
        assert_eq!(
            h.try_input(121, input),
            Err(InputError::NotificationClosed(n(1)))
        );
    }
    // Accepted offers are closed too.
    h.input(125, accept(2));
    assert_eq!(
        h.try_input(126, accept(2)),
        Err(InputError::NotificationClosed(n(2)))
    );
    assert_eq!(
        h.try_input(126, reject(2)),
        Err(InputError::NotificationClosed(n(2)))
    );
    // A number never issued is unknown, not closed.
    assert_eq!(
        h.try_input(127, accept(3)),
        Err(InputError::UnknownNotification(n(3)))
    );
}

#[test]
fn t9_sign_out_rescinds_pending_offers_exactly_once() {
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(0, chat("c2"));
    display(&mut h, 1, 1);
    display(&mut h, 1, 2);
    assert_eq!(
        h.input(
            10,
            Input::AgentSignedOut {
                agent: "ada".into()
            }
        ),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rescinded),
            rerouted("c1", "ada", RerouteReason::SignedOut),
            ended(2, "ada", "c2", NotificationEnd::Rescinded),
            rerouted("c2", "ada", RerouteReason::SignedOut),
            presence_changed(
                "ada",
                presences::AVAILABLE,
                presences::OFFLINE,
                PresenceReason::SignedOut
            ),
        ]
    );
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    // Rescinding is not a decline: ada gets c1 again first when back, and
    // the old deadlines never fire.
    assert_eq!(
        h.input(20, sign_in("ada")),
        vec![
            signed_in("ada"),
            chat_alert(3, "ada", "c1", 140),
            chat_alert(4, "ada", "c2", 140),
        ]
    );
    assert_eq!(h.advance_to(130), vec![]);
    assert_eq!(
        h.try_input(130, accept(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
}

#[test]
fn t9_customer_leaving_rescinds_the_pending_offer_exactly_once() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    display(&mut h, 1, 1);
    assert_eq!(
        h.input(10, Input::CustomerLeft { item: "c1".into() }),
        vec![
            Output::ConversationClosed {
                item: "c1".into(),
                reason: switchboard::CloseReason::CustomerLeft
            },
            ended(1, "ada", "c1", NotificationEnd::Rescinded),
        ]
    );
    assert_eq!(h.location("c1"), WorkLocation::Closed);
    assert_eq!(load(&h, "ada"), (0, 0, 0));
    assert_eq!(h.sb.poll_timeout(), None);
    assert_eq!(h.advance_to(1_000), vec![]);
    assert_eq!(
        h.try_input(1_001, accept(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
}

#[test]
fn t9_sign_out_rescinds_a_pending_toast_at_once() {
    let mut h = auto_assigned(false);
    let out = h.input(
        10,
        Input::AgentSignedOut {
            agent: "ada".into(),
        },
    );
    assert_eq!(
        out,
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rescinded),
            rerouted("c1", "ada", RerouteReason::SignedOut),
            presence_changed(
                "ada",
                presences::BUSY,
                presences::OFFLINE,
                PresenceReason::SignedOut
            ),
        ]
    );
    assert_eq!(h.location("c1"), waiting_in_q());
    // The Toast's deadline is gone; what is left is the chat's Open auto-close.
    assert_eq!(h.sb.poll_timeout(), Some(at(10 + 20 * 60)));
    assert_eq!(h.advance_to(1_000), vec![]);
    assert_eq!(
        h.try_input(1_001, open(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
}

/// One scripted step of the long T9 runs.
#[derive(Debug, Clone)]
enum Act {
    Arrive {
        id: String,
        workstream: &'static str,
    },
    Display(NotificationId),
    Accept(NotificationId),
    Reject(NotificationId),
    Open(NotificationId),
    /// The customer leaves while the offer is pending.
    CustomerLeaves(NotificationId),
    /// The offer's agent signs out while it is pending.
    SignOut(NotificationId),
    SignIn(AgentId),
    /// `OpenWork` on work the offer assigned unseen, if it still waits.
    OpenUnseen(NotificationId),
    End(WorkItemId),
    Close(WorkItemId),
    Reset(AgentId),
    /// The conversation's agent asks this agent to consult (L4).
    Consult(WorkItemId, AgentId),
}

/// What a scripted run saw.
#[derive(Debug, Default)]
struct Tally {
    issued: usize,
    by_kind: BTreeMap<String, usize>,
    rescinded_by_sign_out: usize,
    rescinded_by_customer: usize,
    late_answers: usize,
    /// Unseen work opened before its reroute.
    opened_unseen: usize,
    /// Unseen work rerouted.
    rerouted_unseen: usize,
    /// Penalties lifted by the agent's reset.
    resets: usize,
    /// Consult requests issued.
    consults: usize,
}

/// Drives a long, deterministic script in which each offer gets one of several
/// fates (chosen by its number), until nothing is left to happen; then checks
/// that every notification ended exactly once, at the right time, and that
/// every late answer is refused as closed.
struct Script {
    h: Harness,
    agenda: BTreeMap<(i64, u64), Act>,
    seq: u64,
    scanned: usize,
    issued: BTreeMap<NotificationId, (i64, Notification)>,
    ends: BTreeMap<NotificationId, Vec<(i64, NotificationEnd)>>,
    /// The latest notification per item.
    latest: BTreeMap<WorkItemId, NotificationId>,
    tally: Tally,
}

impl Script {
    fn new(cfg: Config) -> Self {
        Self {
            h: Harness::new(cfg),
            agenda: BTreeMap::new(),
            seq: 0,
            scanned: 0,
            issued: BTreeMap::new(),
            ends: BTreeMap::new(),
            latest: BTreeMap::new(),
            tally: Tally::default(),
        }
    }

    fn plan(&mut self, secs: i64, act: Act) {
        self.seq += 1;
        self.agenda.insert((secs, self.seq), act);
    }

    fn is_ended(&self, id: NotificationId) -> bool {
        self.ends.contains_key(&id)
    }

    /// Reads new log entries: records ends, plans each new offer's fate.
    fn scan(&mut self) {
        while self.scanned < self.h.log.len() {
            let (t, out) = self.h.log[self.scanned].clone();
            self.scanned += 1;
            match out {
                Output::Notify(n) => self.issue(t, *n),
                Output::NotificationEnded {
                    notification,
                    agent,
                    item,
                    how,
                } => {
                    let (_, n) = self
                        .issued
                        .get(&notification)
                        .unwrap_or_else(|| panic!("{notification} ended but never issued"));
                    assert_eq!((&n.agent, &n.item), (&agent, &item), "{notification}");
                    self.ends.entry(notification).or_default().push((t, how));
                }
                Output::Alert { agent, .. } => self.plan(t + 20, Act::Reset(agent)),
                Output::Rerouted {
                    reason: RerouteReason::Unseen,
                    ..
                } => self.tally.rerouted_unseen += 1,
                _ => {}
            }
        }
    }

    fn issue(&mut self, t: i64, n: Notification) {
        let id = n.id;
        assert!(
            self.issued.insert(id, (t, n.clone())).is_none(),
            "{id} issued twice"
        );
        if n.scenario == Scenario::Consult {
            self.tally.consults += 1;
            match id.0 % 4 {
                0 => {
                    self.plan(t + 1, Act::Display(id));
                    self.plan(t + 3, Act::Accept(id));
                }
                1 => self.plan(t + 2, Act::Reject(id)),
                2 => {} // expires, seen or not
                _ => self.plan(t + 5, Act::SignOut(id)),
            }
            return;
        }
        self.latest.insert(n.item.clone(), id);
        if n.kind == NotificationKind::Toast {
            if id.0 % 2 == 0 {
                self.plan(t + 10, Act::Open(id));
            }
            self.plan(t + 150, Act::End(n.item.clone()));
            self.plan(t + 160, Act::Close(n.item));
            return;
        }
        match id.0 % 8 {
            0 => {
                self.plan(t + 1, Act::Display(id));
                self.plan(t + 3, Act::Accept(id));
            }
            1 => {
                self.plan(t + 1, Act::Display(id));
                self.plan(t + 2, Act::Reject(id));
            }
            2 => self.plan(t + 1, Act::Display(id)),
            3 => self.plan(t + 200, Act::OpenUnseen(id)),
            4 => {
                self.plan(t + 1, Act::Display(id));
                self.plan(t + 4, Act::CustomerLeaves(id));
            }
            5 => {
                self.plan(t + 1, Act::Display(id));
                self.plan(t + 5, Act::SignOut(id));
            }
            6 => {
                self.plan(t + 2, Act::Display(id));
                self.plan(t + 100, Act::Accept(id));
            }
            _ => {} // never displayed: assigned unseen, then rerouted
        }
    }

    /// An answer to notification `id`: refused as closed once it ended.
    fn answer(&mut self, t: i64, id: NotificationId, input: Input) -> bool {
        if self.is_ended(id) {
            assert_eq!(
                self.h.try_input(t, input),
                Err(InputError::NotificationClosed(id))
            );
            self.tally.late_answers += 1;
            false
        } else {
            self.h.input(t, input);
            true
        }
    }

    fn count_rescinds(out: &[Output]) -> usize {
        out.iter()
            .filter(|o| {
                matches!(
                    o,
                    Output::NotificationEnded {
                        how: NotificationEnd::Rescinded,
                        ..
                    }
                )
            })
            .count()
    }

    fn signed_in(&self, agent: &AgentId) -> bool {
        self.h
            .sb
            .agent_status(agent)
            .expect("known agent")
            .signed_in
    }

    fn apply(&mut self, t: i64, act: Act) {
        match act {
            Act::Arrive { id, workstream } => {
                self.h.input(
                    t,
                    Input::WorkArrived(Box::new(WorkItem::new(id, workstream, "q"))),
                );
            }
            Act::Display(id) => {
                self.answer(t, id, Input::NotificationDisplayed { notification: id });
            }
            Act::Accept(id) => {
                let (agent, item, scenario) = {
                    let n = &self.issued[&id].1;
                    (n.agent.clone(), n.item.clone(), n.scenario)
                };
                if self.answer(t, id, Input::Accept { notification: id })
                    && scenario != Scenario::Consult
                {
                    let agents: Vec<AgentId> = self.h.sb.agent_ids().cloned().collect();
                    let at = agents.iter().position(|a| *a == agent).expect("known");
                    let helper = agents[(at + 1) % agents.len()].clone();
                    self.plan(t + 10, Act::Consult(item.clone(), helper));
                    self.plan(t + 40, Act::End(item.clone()));
                    self.plan(t + 50, Act::Close(item));
                }
            }
            Act::Reject(id) => {
                self.answer(t, id, Input::Reject { notification: id });
            }
            Act::Open(id) => {
                self.answer(t, id, Input::Open { notification: id });
            }
            Act::CustomerLeaves(id) => {
                if !self.is_ended(id) {
                    let item = self.issued[&id].1.item.clone();
                    let out = self.h.input(t, Input::CustomerLeft { item });
                    assert_eq!(Self::count_rescinds(&out), 1, "{out:?}");
                    self.tally.rescinded_by_customer += 1;
                }
            }
            Act::SignOut(id) => {
                if !self.is_ended(id) {
                    let agent = self.issued[&id].1.agent.clone();
                    let out = self.h.input(
                        t,
                        Input::AgentSignedOut {
                            agent: agent.clone(),
                        },
                    );
                    let n = Self::count_rescinds(&out);
                    assert!(n >= 1, "{out:?}");
                    self.tally.rescinded_by_sign_out += n;
                    self.plan(t + 30, Act::SignIn(agent));
                }
            }
            Act::SignIn(agent) => {
                if !self.signed_in(&agent) {
                    self.h.input(t, Input::AgentSignedIn { agent });
                }
            }
            Act::OpenUnseen(id) => {
                let (_, n) = &self.issued[&id];
                let (agent, item) = (n.agent.clone(), n.item.clone());
                let unseen = self.ends.get(&id).map(Vec::as_slice)
                    == Some(&[(self.issued[&id].0 + 120, NotificationEnd::AssignedUnseen)]);
                let still = self.latest.get(&item) == Some(&id)
                    && self.h.sb.work_location(&item)
                        == Some(WorkLocation::Assigned {
                            agent: agent.clone(),
                        })
                    && self.h.sb.conversation_state(&item)
                        == Some(switchboard::ConversationState::Active);
                if unseen && still {
                    let out = self.h.input(t, Input::OpenWork { item: item.clone() });
                    assert!(
                        matches!(out.as_slice(), [Output::SessionOpened { agent: a, item: Some(i), .. }, ..] if *a == agent && *i == item),
                        "{out:?}"
                    );
                    self.tally.opened_unseen += 1;
                    self.plan(t + 40, Act::End(item.clone()));
                    self.plan(t + 50, Act::Close(item));
                }
            }
            Act::End(item) => {
                if self.h.sb.conversation_state(&item)
                    == Some(switchboard::ConversationState::Active)
                {
                    self.h.input(t, Input::ConversationEnded { item });
                }
            }
            Act::Close(item) => {
                if self.h.sb.conversation_state(&item)
                    == Some(switchboard::ConversationState::WrapUp)
                {
                    self.h.input(t, Input::ConversationClosed { item });
                }
            }
            Act::Consult(item, agent) => {
                let active = self.h.sb.conversation_state(&item)
                    == Some(switchboard::ConversationState::Active);
                if active && self.signed_in(&agent) {
                    match self.h.try_input(t, Input::Consult { item, agent }) {
                        Ok(_) | Err(InputError::ConsultUnavailable { .. }) => {}
                        Err(e) => panic!("consult refused: {e}"),
                    }
                }
            }
            Act::Reset(agent) => {
                if self.signed_in(&agent) {
                    match self.h.try_input(t, Input::ResetPresence { agent }) {
                        Ok(_) => self.tally.resets += 1,
                        Err(InputError::NoPenalty(_)) => {}
                        Err(e) => panic!("reset refused: {e}"),
                    }
                }
            }
        }
    }

    /// Every pending notification still matches where its item is.
    fn check_pending(&self) {
        for (id, (_, n)) in &self.issued {
            if self.is_ended(*id) {
                continue;
            }
            let location = self.h.sb.work_location(&n.item).expect("known item");
            let fits = if n.scenario == Scenario::Consult {
                matches!(&location, WorkLocation::Assigned { agent } if *agent != n.agent)
            } else if n.kind == NotificationKind::Toast {
                location
                    == WorkLocation::Assigned {
                        agent: n.agent.clone(),
                    }
            } else {
                location
                    == WorkLocation::Offered {
                        agent: n.agent.clone(),
                        notification: *id,
                    }
            };
            assert!(
                fits,
                "{id} to {} pending, but {} is {location:?}",
                n.agent, n.item
            );
        }
    }

    /// Runs until nothing is planned and no deadline is pending.
    fn run(mut self) -> Tally {
        const CAP: i64 = 2_000_000;
        loop {
            self.scan();
            self.check_pending();
            let act_at = self.agenda.keys().next().map(|&(t, _)| t);
            let deadline = next_deadline(&self.h);
            match (act_at, deadline) {
                (None, None) => break,
                (_, Some(d)) if act_at.is_none_or(|a| d <= a) => {
                    assert!(d <= CAP, "the script does not settle");
                    self.h.advance_to(d);
                }
                (Some(_), _) => {
                    let ((t, _), act) = self.agenda.pop_first().expect("planned");
                    assert!(t <= CAP, "the script does not settle");
                    self.apply(t, act);
                }
                (None, Some(_)) => unreachable!(),
            }
        }
        self.check()
    }

    fn check(mut self) -> Tally {
        assert_eq!(self.h.sb.pending_notifications(), 0);
        for item in self.h.sb.work_items() {
            assert!(
                !matches!(
                    self.h.sb.work_location(item),
                    Some(WorkLocation::Offered { .. })
                ),
                "{item} still offered"
            );
        }
        for (id, (issued_at, n)) in &self.issued {
            let ends = self.ends.get(id).map_or(&[][..], Vec::as_slice);
            assert_eq!(ends.len(), 1, "{id} ({n:?}) ended {ends:?}");
            let (t, how) = ends[0];
            let deadline = (n.deadline - t0()).num_seconds();
            assert_eq!(deadline, issued_at + 120, "{id}");
            match how {
                NotificationEnd::Expired
                | NotificationEnd::AssignedUnseen
                | NotificationEnd::TimedOut => {
                    assert_eq!(t, deadline, "{id} ended {how:?} off its deadline");
                }
                _ => assert!(
                    t < deadline,
                    "{id} ended {how:?} at {t}, deadline {deadline}"
                ),
            }
            assert!(
                !(n.scenario == Scenario::Consult && how == NotificationEnd::AssignedUnseen),
                "{id}: a consult request is never assigned"
            );
            match (how, n.kind) {
                (
                    NotificationEnd::Accepted
                    | NotificationEnd::Rejected
                    | NotificationEnd::Expired
                    | NotificationEnd::AssignedUnseen,
                    NotificationKind::Alert,
                )
                | (NotificationEnd::Opened | NotificationEnd::TimedOut, NotificationKind::Toast)
                | (NotificationEnd::Rescinded, _) => {}
                other => panic!("{id} ended as {other:?}"),
            }
            *self.tally.by_kind.entry(format!("{how:?}")).or_default() += 1;
        }
        self.tally.issued = self.issued.len();
        // Every late answer to every ended offer is refused as closed.
        let t = self.h.now + 1;
        let ids: BTreeSet<NotificationId> = self.issued.keys().copied().collect();
        for id in ids {
            for input in [
                Input::Accept { notification: id },
                Input::Reject { notification: id },
                Input::Open { notification: id },
                Input::NotificationDisplayed { notification: id },
            ] {
                assert_eq!(
                    self.h.try_input(t, input),
                    Err(InputError::NotificationClosed(id))
                );
            }
        }
        self.tally
    }
}

/// Six agents, one chat and one auto-assign workstream into queue `q`, 60
/// arrivals 15 s apart (every fifth auto-assigned).
fn script_config() -> Config {
    let agents: Vec<String> = (0..6).map(|k| format!("agent{k}")).collect();
    let refs: Vec<&str> = agents.iter().map(String::as_str).collect();
    let mut cfg = chat_config(&refs);
    for a in &mut cfg.agents {
        a.capacity_units = 30;
    }
    cfg.templates.push(
        Template::new("Chat auto")
            .with_title("Auto chat")
            .with_auto_assign(true, false),
    );
    let mut auto = Workstream::new("auto", Channel::Chat);
    auto.templates
        .insert(Scenario::IncomingUnauthenticated, "Chat auto".into());
    cfg.workstreams.push(auto);
    cfg
}

fn scripted_run(cfg: Config) -> Tally {
    let agents: Vec<AgentId> = cfg.agents.iter().map(|a| a.id.clone()).collect();
    let mut s = Script::new(cfg);
    for agent in agents {
        s.plan(0, Act::SignIn(agent));
    }
    for i in 0..60 {
        let ws = if i % 5 == 4 { "auto" } else { "chat" };
        s.plan(
            1 + 15 * i,
            Act::Arrive {
                id: format!("w{i}"),
                workstream: ws,
            },
        );
    }
    s.run()
}

fn kinds(t: &Tally) -> BTreeSet<&str> {
    t.by_kind.keys().map(String::as_str).collect()
}

#[test]
fn t9_every_offer_ends_exactly_once_in_a_long_scripted_run() {
    let tally = scripted_run(script_config());
    assert!(tally.issued > 100, "{tally:?}");
    assert_eq!(
        kinds(&tally),
        BTreeSet::from([
            "Accepted",
            "AssignedUnseen",
            "Expired",
            "Opened",
            "Rejected",
            "Rescinded",
            "TimedOut",
        ]),
        "{tally:?}"
    );
    assert!(tally.rescinded_by_sign_out > 0, "{tally:?}");
    assert!(tally.rescinded_by_customer > 0, "{tally:?}");
    assert!(tally.opened_unseen > 0, "{tally:?}");
    assert!(tally.rerouted_unseen > 0, "{tally:?}");
    assert!(tally.consults > 5, "{tally:?}");
}

#[test]
fn t9_every_offer_ends_exactly_once_with_penalty_rules_on() {
    let mut cfg = script_config();
    cfg.org.missed_notification_rule = true;
    cfg.org.agent_reject_rule = true;
    cfg.org.declines_allowed = 5;
    cfg.org.unseen_reroute_delay_secs = 200;
    let tally = scripted_run(cfg);
    assert!(tally.issued > 100, "{tally:?}");
    assert!(kinds(&tally).is_superset(&BTreeSet::from([
        "Accepted",
        "AssignedUnseen",
        "Expired",
        "Rejected",
        "Rescinded",
        "TimedOut",
    ])));
    assert!(tally.rescinded_by_sign_out > 0, "{tally:?}");
    assert!(tally.rescinded_by_customer > 0, "{tally:?}");
    assert!(tally.resets > 0, "{tally:?}");
    assert!(tally.rerouted_unseen > 0, "{tally:?}");
}

#[test]
fn t9_every_offer_ends_exactly_once_without_display_acknowledgement() {
    let mut cfg = script_config();
    cfg.org.display_acknowledgement = false;
    let tally = scripted_run(cfg);
    assert!(tally.issued > 100, "{tally:?}");
    // Every offer counts as seen (T3): nothing is ever assigned unseen.
    assert!(!kinds(&tally).contains("AssignedUnseen"), "{tally:?}");
    assert_eq!(tally.rerouted_unseen, 0, "{tally:?}");
    assert!(kinds(&tally).is_superset(&BTreeSet::from([
        "Accepted",
        "Expired",
        "Rejected",
        "Rescinded",
        "TimedOut",
    ])));
    assert!(tally.rescinded_by_sign_out > 0, "{tally:?}");
    assert!(tally.rescinded_by_customer > 0, "{tally:?}");
}
