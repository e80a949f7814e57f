//! Session rules S1–S2: the session limit, sessions opened by accepting work
//! or by the agent, and what happens when work reaches an agent at the limit.
#![allow(clippy::too_many_lines)]

mod common;
use common::*;
use switchboard::*;

// ---------------------------------------------------------------- helpers

fn max_sessions(agent: &str, item: &str) -> Output {
    dashboard_alert(agent, AlertKind::MaxSessions, item)
}

fn open_own(agent: &str) -> Input {
    Input::AgentOpenedSession {
        agent: agent.into(),
    }
}

fn close_own(agent: &str, session: u64) -> Input {
    Input::AgentClosedSession {
        agent: agent.into(),
        session: SessionId(session),
    }
}

fn slots(h: &Harness, agent: &str) -> u32 {
    h.sb.agent_status(&agent.into())
        .expect("known agent")
        .session_slots
}

/// Opens `count` sessions of `agent`'s own at `secs`, checking each output.
fn open_own_sessions(h: &mut Harness, secs: i64, agent: &str, first: u64, count: u64) {
    for session in first..first + count {
        assert_eq!(
            h.input(secs, open_own(agent)),
            vec![session_opened(agent, session, None)]
        );
    }
}

fn with_limit(agents: &[&str], limit: u32) -> Config {
    let mut config = chat_config(agents);
    config.org.session_limit = limit;
    config
}

// ---------------------------------------------------------------- S1

#[test]
fn s1_accepting_work_opens_a_session() {
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    assert_eq!(
        h.input(2, accept(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            presence_changed("ada", "Available", "Busy", PresenceReason::Computed),
        ]
    );
    assert_eq!(slots(&h, "ada"), 1);
}

#[test]
fn s1_at_most_ten_sessions_and_the_eleventh_is_refused() {
    assert_eq!(OrgSettings::default().session_limit, 10);
    let mut h = Harness::new(chat_config(&["ada"]));
    h.input(0, sign_in("ada"));
    open_own_sessions(&mut h, 1, "ada", 1, 10);
    assert_eq!(slots(&h, "ada"), 10);
    assert_eq!(
        h.try_input(2, open_own("ada")),
        Err(InputError::SessionLimitReached("ada".into()))
    );
    // Closing one frees it.
    assert_eq!(
        h.input(3, close_own("ada", 3)),
        vec![session_closed("ada", 3, None)]
    );
    assert_eq!(slots(&h, "ada"), 9);
    assert_eq!(
        h.input(4, open_own("ada")),
        vec![session_opened("ada", 11, None)]
    );
    assert_eq!(
        h.try_input(5, open_own("ada")),
        Err(InputError::SessionLimitReached("ada".into()))
    );
    // Own sessions hold no capacity: presence stays as computed.
    assert_eq!(h.presence("ada"), "Available");
}

#[test]
fn s1_work_sessions_and_own_sessions_count_together() {
    let mut h = Harness::new(with_limit(&["ada"], 3));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    open_own_sessions(&mut h, 3, "ada", 2, 2);
    assert_eq!(
        h.try_input(4, open_own("ada")),
        Err(InputError::SessionLimitReached("ada".into()))
    );
    // Closing the conversation closes its session and frees the slot.
    h.input(5, end("c1"));
    assert_eq!(
        h.try_input(6, open_own("ada")),
        Err(InputError::SessionLimitReached("ada".into()))
    );
    assert_eq!(
        h.input(7, close("c1")),
        vec![
            Output::ConversationClosed {
                item: "c1".into(),
                reason: CloseReason::Closed,
            },
            session_closed("ada", 1, "c1"),
            presence_changed("ada", "Busy", "Available", PresenceReason::Computed),
        ]
    );
    assert_eq!(
        h.input(8, open_own("ada")),
        vec![session_opened("ada", 4, None)]
    );
    assert_eq!(slots(&h, "ada"), 3);
}

#[test]
fn s1_session_limit_is_configurable() {
    let mut h = Harness::new(with_limit(&["ada"], 2));
    h.input(0, sign_in("ada"));
    open_own_sessions(&mut h, 1, "ada", 1, 2);
    assert_eq!(
        h.try_input(2, open_own("ada")),
        Err(InputError::SessionLimitReached("ada".into()))
    );
    for limit in [0, 101] {
        assert_eq!(
            Switchboard::new(with_limit(&["ada"], limit)).err(),
            Some(ConfigError::OutOfRange {
                field: "org.session_limit".to_owned(),
                value: limit.into(),
                min: 1,
                max: 100,
            })
        );
    }
}

#[test]
fn s1_pending_offer_reserves_a_session_slot() {
    // Engine's choice: an offer takes a session slot from the moment it is
    // made, so accepting it can never exceed the limit; the slot is given
    // back when the offer ends without a session.
    let mut h = Harness::new(with_limit(&["ada", "bob"], 2));
    h.input(0, sign_in("ada"));
    open_own_sessions(&mut h, 1, "ada", 1, 1);
    h.input(2, chat("c1"));
    assert_eq!(slots(&h, "ada"), 2);
    assert_eq!(
        h.try_input(3, open_own("ada")),
        Err(InputError::SessionLimitReached("ada".into()))
    );
    h.input(4, sign_in("bob"));
    assert_eq!(
        h.input(5, reject(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Rejected),
            rerouted("c1", "ada", RerouteReason::Rejected),
            chat_alert(2, "bob", "c1", 125),
        ]
    );
    assert_eq!(slots(&h, "ada"), 1);
    assert_eq!(
        h.input(6, open_own("ada")),
        vec![session_opened("ada", 2, None)]
    );
}

#[test]
fn s1_expired_offer_gives_its_slot_back() {
    let mut h = Harness::new(with_limit(&["ada", "bob"], 1));
    h.input(0, sign_in("ada"));
    h.input(0, chat("c1"));
    h.input(1, displayed(1));
    assert_eq!(slots(&h, "ada"), 1);
    h.input(2, sign_in("bob"));
    assert_eq!(
        h.advance_to(120),
        vec![
            (120, ended(1, "ada", "c1", NotificationEnd::Expired)),
            (120, rerouted("c1", "ada", RerouteReason::Expired)),
            (120, chat_alert(2, "bob", "c1", 240)),
        ]
    );
    assert_eq!(slots(&h, "ada"), 0);
    assert_eq!(
        h.input(121, open_own("ada")),
        vec![session_opened("ada", 1, None)]
    );
}

#[test]
fn s1_closing_a_session_that_is_not_the_agents_is_refused() {
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    h.input(1, open_own("bob"));
    assert_eq!(
        h.try_input(2, close_own("ada", 1)),
        Err(InputError::UnknownSession {
            agent: "ada".into(),
            session: SessionId(1),
        })
    );
    assert_eq!(
        h.try_input(2, close_own("bob", 2)),
        Err(InputError::UnknownSession {
            agent: "bob".into(),
            session: SessionId(2),
        })
    );
    assert_eq!(
        h.try_input(3, open_own("cy")),
        Err(InputError::UnknownAgent("cy".into()))
    );
}

// ---------------------------------------------------------------- S2

#[test]
fn s2_work_reaching_agent_at_limit_is_rerouted_with_alert_and_busy_dnd() {
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    open_own_sessions(&mut h, 1, "ada", 1, 10);
    assert_eq!(
        h.input(20, chat("c1")),
        vec![
            queued("c1"),
            rerouted("c1", "ada", RerouteReason::SessionLimit),
            presence_changed(
                "ada",
                "Available",
                "Busy - DND",
                PresenceReason::SessionLimit
            ),
            max_sessions("ada", "c1"),
            chat_alert(1, "bob", "c1", 140),
        ]
    );
    assert_eq!(
        h.location("c1"),
        WorkLocation::Offered {
            agent: "bob".into(),
            notification: n(1),
        }
    );
    assert_eq!(slots(&h, "ada"), 10);
}

#[test]
fn s2_pending_offer_counts_toward_the_limit() {
    // Engine's choice (slot reserved at offer time): 9 open sessions and a
    // pending offer fill the limit, so the next item meets S2.
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    open_own_sessions(&mut h, 1, "ada", 1, 9);
    assert_eq!(
        h.input(10, chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 130)]
    );
    h.input(11, sign_in("bob"));
    // bob has more free units, so ada gets c2 only while bob is Away.
    h.input(
        12,
        Input::SetPresence {
            agent: "bob".into(),
            presence: PresenceId::new("Away"),
        },
    );
    assert_eq!(
        h.input(20, chat("c2")),
        vec![
            queued("c2"),
            rerouted("c2", "ada", RerouteReason::SessionLimit),
            presence_changed(
                "ada",
                "Available",
                "Busy - DND",
                PresenceReason::SessionLimit
            ),
            max_sessions("ada", "c2"),
        ]
    );
    // Accepting the pending offer takes ada to exactly the limit.
    h.input(21, accept(1));
    assert_eq!(slots(&h, "ada"), 10);
    assert_eq!(h.presence("ada"), "Busy - DND");
}

#[test]
fn s2_session_limit_penalty_lasts_until_reset() {
    let mut h = Harness::new(chat_config(&["ada", "bob"]));
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    open_own_sessions(&mut h, 1, "ada", 1, 10);
    h.input(20, chat("c1"));
    // Freeing a session does not lift the penalty.
    assert_eq!(
        h.input(30, close_own("ada", 1)),
        vec![session_closed("ada", 1, None)]
    );
    assert_eq!(h.presence("ada"), "Busy - DND");
    assert_eq!(
        h.input(31, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 151)]
    );
    assert_eq!(
        h.input(40, reset("ada")),
        vec![presence_changed(
            "ada",
            "Busy - DND",
            "Available",
            PresenceReason::AgentReset
        )]
    );
    // Below the limit again, ada (most free units) gets the next item.
    assert_eq!(
        h.input(41, chat("c3")),
        vec![queued("c3"), chat_alert(3, "ada", "c3", 161)]
    );
}

#[test]
fn s2_work_waits_when_the_only_agent_is_at_limit() {
    let mut h = Harness::new(with_limit(&["ada"], 1));
    h.input(0, sign_in("ada"));
    h.input(1, chat("c1"));
    h.input(2, accept(1));
    assert_eq!(
        h.input(10, chat("c2")),
        vec![
            queued("c2"),
            rerouted("c2", "ada", RerouteReason::SessionLimit),
            presence_changed("ada", "Busy", "Busy - DND", PresenceReason::SessionLimit),
            max_sessions("ada", "c2"),
        ]
    );
    assert_eq!(
        h.location("c2"),
        WorkLocation::Waiting { queue: "q".into() }
    );
    // A reset while still at the limit: presence is computed, and routing
    // passes ada by (no second alert) until one of her slots frees.
    assert_eq!(
        h.input(20, reset("ada")),
        vec![presence_changed(
            "ada",
            "Busy - DND",
            "Busy",
            PresenceReason::AgentReset
        )]
    );
    assert_eq!(h.input(30, end("c1")).len(), 1, "wrap-up keeps the session");
    assert_eq!(
        h.input(31, close("c1")),
        vec![
            Output::ConversationClosed {
                item: "c1".into(),
                reason: CloseReason::Closed
            },
            session_closed("ada", 1, "c1"),
            presence_changed("ada", "Busy", "Available", PresenceReason::Computed),
            chat_alert(2, "ada", "c2", 151),
        ]
    );
}

#[test]
fn s2_embedded_agent_gets_no_alert_and_keeps_presence() {
    let mut config = chat_config(&["ada", "bob"]);
    config.agents[0].experience = Experience::Embedded;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    open_own_sessions(&mut h, 1, "ada", 1, 10);
    assert_eq!(
        h.input(20, chat("c1")),
        vec![
            queued("c1"),
            rerouted("c1", "ada", RerouteReason::SessionLimit),
            chat_alert(1, "bob", "c1", 140),
        ]
    );
    assert_eq!(h.presence("ada"), "Available");
    assert_eq!(
        h.try_input(21, reset("ada")),
        Err(InputError::NoPenalty("ada".into()))
    );
}

#[test]
fn s2_agent_turned_away_is_passed_by_until_a_slot_frees() {
    // Embedded: presence stays Available, so only the pass-by keeps later
    // work from bouncing off ada again and again.
    let mut config = with_limit(&["ada", "bob"], 2);
    config.agents[0].experience = Experience::Embedded;
    let mut h = Harness::new(config);
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    open_own_sessions(&mut h, 1, "ada", 1, 2);
    assert_eq!(
        h.input(20, chat("c1")),
        vec![
            queued("c1"),
            rerouted("c1", "ada", RerouteReason::SessionLimit),
            chat_alert(1, "bob", "c1", 140),
        ]
    );
    assert_eq!(
        h.input(21, chat("c2")),
        vec![queued("c2"), chat_alert(2, "bob", "c2", 141)]
    );
    // A freed slot ends the pass-by: the next item reaches ada again.
    assert_eq!(
        h.input(30, close_own("ada", 1)),
        vec![session_closed("ada", 1, None)]
    );
    assert_eq!(
        h.input(31, chat("c3")),
        vec![queued("c3"), chat_alert(3, "ada", "c3", 151)]
    );
}
