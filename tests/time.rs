//! Time edge cases (D3, D4, D6): the clock going backwards, a week in one
//! tick against the same week deadline by deadline, deadlines at the end of
//! chrono's range, and ticking at a deadline to the nanosecond.

#![allow(clippy::too_many_lines)]

mod common;
use common::*;

use chrono::{DateTime, TimeDelta, Utc};
use switchboard::{
    CloseReason, Config, Input, InputError, Notification, NotificationEnd, NotificationKind,
    Output, PresenceReason, RerouteReason, Scenario, Switchboard, Template, WorkItemId,
    WorkLocation, presences,
};

// ---------------------------------------------------------------- helpers

const WEEK: i64 = 7 * 24 * 3600;

fn ns(n: i64) -> TimeDelta {
    TimeDelta::nanoseconds(n)
}

fn secs(n: i64) -> TimeDelta {
    TimeDelta::seconds(n)
}

/// Drains every queued output.
fn drain(sb: &mut Switchboard) -> Vec<Output> {
    std::iter::from_fn(|| sb.poll_output()).collect()
}

/// Applies `input` at `now`, panicking on refusal, and returns its outputs.
fn apply(sb: &mut Switchboard, now: DateTime<Utc>, input: Input) -> Vec<Output> {
    let shown = format!("{input:?}");
    sb.handle(now, input)
        .unwrap_or_else(|e| panic!("{shown} at {now} refused: {e}"));
    drain(sb)
}

/// Asserts that `refused` left `sb` exactly as `before` and queued nothing.
fn assert_untouched(sb: &mut Switchboard, before: &Switchboard) {
    assert_eq!(sb, before, "a refused input changed the state");
    assert_eq!(sb.poll_output(), None, "a refused input queued an output");
}

/// Ticks one nanosecond before `deadline` (nothing may fire, the deadline
/// stays next), then at `deadline`; returns what fired then.
fn fire_exactly_at(sb: &mut Switchboard, deadline: DateTime<Utc>) -> Vec<Output> {
    assert_eq!(sb.poll_timeout(), Some(deadline), "the next deadline");
    let pending = sb.pending_deadlines();
    sb.tick(deadline - ns(1)).expect("tick a nanosecond early");
    assert_eq!(sb.poll_output(), None, "nothing fires a nanosecond early");
    assert_eq!(sb.poll_timeout(), Some(deadline));
    assert_eq!(sb.pending_deadlines(), pending);
    sb.tick(deadline).expect("tick at the deadline");
    drain(sb)
}

/// An Alert of the built-in chat template with its deadline at any instant.
fn chat_alert_at(id: u64, agent: &str, item: &str, deadline: DateTime<Utc>) -> Output {
    Output::Notify(Box::new(Notification {
        deadline,
        ..chat_notification(id, agent, item, 0)
    }))
}

fn busy(agent: &str) -> Output {
    presence_changed(
        agent,
        presences::AVAILABLE,
        presences::BUSY,
        PresenceReason::Computed,
    )
}

fn free(agent: &str) -> Output {
    presence_changed(
        agent,
        presences::BUSY,
        presences::AVAILABLE,
        PresenceReason::Computed,
    )
}

fn location(sb: &Switchboard, item: &str) -> WorkLocation {
    sb.work_location(&WorkItemId::new(item))
        .expect("known item")
}

/// Ticks at each deadline in turn up to `end`, then at `end`; returns each
/// output with the deadline it fired at.
fn deadline_by_deadline(sb: &mut Switchboard, end: DateTime<Utc>) -> Vec<(DateTime<Utc>, Output)> {
    let mut fired = Vec::new();
    while let Some(deadline) = sb.poll_timeout().filter(|d| *d <= end) {
        sb.tick(deadline).expect("tick at a deadline");
        fired.extend(drain(sb).into_iter().map(|o| (deadline, o)));
    }
    sb.tick(end).expect("tick at the end");
    assert_eq!(sb.poll_output(), None);
    fired
}

// ---------------------------------------------------------------- D6: backwards

#[test]
fn d6_any_input_a_nanosecond_back_is_refused_before_anything_else_and_changes_nothing() {
    let mut sb = Switchboard::new(chat_config(&["ada", "bob"])).expect("valid");
    apply(&mut sb, at(0), sign_in("ada"));
    apply(&mut sb, at(0), chat("c1"));
    apply(&mut sb, at(10), displayed(1));
    let latest = at(10);
    let back = latest - ns(1);
    let before = sb.clone();
    let inputs = [
        sign_in("bob"),
        sign_in("ghost"), // unknown too: going backwards is reported first
        chat("c2"),
        chat("c1"), // a duplicate too
        accept(1),
        reject(1),
        displayed(1),
        displayed(99),
        Input::ClientDisconnected {
            agent: "ada".into(),
        },
        set_presence("ada", presences::AWAY),
        Input::CustomerLeft { item: "c1".into() },
        Input::AgentSignedOut {
            agent: "ada".into(),
        },
    ];
    for input in inputs {
        let shown = format!("{input:?}");
        assert_eq!(
            sb.handle(back, input),
            Err(InputError::ClockWentBackwards { now: back, latest }),
            "{shown}"
        );
        assert_untouched(&mut sb, &before);
    }
    assert_eq!(
        sb.tick(back),
        Err(InputError::ClockWentBackwards { now: back, latest })
    );
    assert_untouched(&mut sb, &before);
    // A week back is refused just the same.
    assert_eq!(
        sb.handle(latest - secs(WEEK), accept(1)),
        Err(InputError::ClockWentBackwards {
            now: latest - secs(WEEK),
            latest,
        })
    );
    assert_untouched(&mut sb, &before);

    // The latest time itself is fine, and the offer is still live.
    assert_eq!(
        apply(&mut sb, latest, accept(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            busy("ada"),
        ]
    );
}

#[test]
fn d6_tick_back_is_refused_even_with_deadlines_due_and_they_fire_at_their_own_time_later() {
    let mut sb = Switchboard::new(chat_config(&["ada", "bob"])).expect("valid");
    apply(&mut sb, at(0), sign_in("ada"));
    assert_eq!(
        apply(&mut sb, at(0), chat("c1")),
        vec![queued("c1"), chat_alert(1, "ada", "c1", 120)]
    );
    // `handle` at 200 s does not fire the deadline at 120 s (D3 is tick's job).
    assert_eq!(
        apply(&mut sb, at(200), sign_in("bob")),
        vec![signed_in("bob")]
    );
    assert_eq!(sb.poll_timeout(), Some(at(120)));
    let before = sb.clone();
    for now in [at(120), at(150), at(200) - ns(1)] {
        assert_eq!(
            sb.tick(now),
            Err(InputError::ClockWentBackwards {
                now,
                latest: at(200),
            })
        );
        assert_untouched(&mut sb, &before);
    }
    // At 200 s the 120 s deadline fires as of 120 s: its unseen reroute is
    // due 480 s after 120 s, not after 200 s.
    sb.tick(at(200)).expect("tick");
    assert_eq!(
        drain(&mut sb),
        vec![
            ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
            assigned("c1", "ada", true),
            busy("ada"),
        ]
    );
    assert_eq!(sb.poll_timeout(), Some(at(600)));

    // A tick moves the clock for `handle` as well.
    sb.tick(at(300)).expect("tick");
    let before = sb.clone();
    assert_eq!(
        sb.handle(at(299), Input::OpenWork { item: "c1".into() }),
        Err(InputError::ClockWentBackwards {
            now: at(299),
            latest: at(300),
        })
    );
    assert_untouched(&mut sb, &before);
    assert_eq!(
        apply(&mut sb, at(300), Input::OpenWork { item: "c1".into() }),
        vec![session_opened("ada", 1, "c1")]
    );
    assert_eq!(sb.poll_timeout(), None);
}

// ---------------------------------------------------------------- D3: a week at once

/// Chat in queue `q` for ada and bob: incoming work is auto-assigned by a
/// Toast ("Chat auto", title `Auto {queueId}`); transfers use the built-in
/// transfer Alert; Active conversations auto-close (to WrapUp) after an hour.
fn toast_config() -> Config {
    let mut config = chat_config(&["ada", "bob"]);
    config.templates.push(
        Template::new("Chat auto")
            .with_title("Auto {queueId}")
            .with_auto_assign(true, false),
    );
    let chat = &mut config.workstreams[0];
    chat.templates
        .insert(Scenario::IncomingUnauthenticated, "Chat auto".into());
    chat.auto_close.active_secs = Some(3600);
    config
}

/// The Toast "Chat auto" renders for `item`.
fn auto_toast(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    Output::Notify(Box::new(Notification {
        agent: agent.into(),
        kind: NotificationKind::Toast,
        title: "Auto q".into(),
        accept_label: "Open".into(),
        reject_label: None,
        ..template_alert(id, item, "Chat auto", deadline)
    }))
}

/// The built-in chat transfer Alert for `item`.
fn transfer_alert(id: u64, agent: &str, item: &str, deadline: i64) -> Output {
    Output::Notify(Box::new(Notification {
        agent: agent.into(),
        scenario: Scenario::Transfer,
        title: "Chat conversation transferred to you".into(),
        fields: fields(&[("Customer", "")]),
        unresolved: vec!["customerName".into()].into(),
        ..template_alert(id, item, "Chat - transfer - default", deadline)
    }))
}

#[test]
fn d3_a_week_in_one_tick_fires_every_deadline_in_order_including_ones_set_while_firing() {
    let mut h = Harness::new(toast_config());
    h.input(0, sign_in("ada"));
    h.input(0, sign_in("bob"));
    assert_eq!(
        h.input(0, chat("c1")),
        vec![
            queued("c1"),
            auto_toast(1, "ada", "c1", 120),
            assigned("c1", "ada", false),
            busy("ada"),
        ]
    );
    assert_eq!(
        h.input(10, open(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Opened),
            session_opened("ada", 1, "c1"),
        ]
    );
    // Transferred back into `q`: offered to bob (ada was offered work last)
    // with the transfer Alert, which bob never displays.
    assert_eq!(
        h.input(
            20,
            Input::TransferToQueue {
                item: "c1".into(),
                queue: "q".into(),
            }
        ),
        vec![
            session_closed("ada", 1, "c1"),
            Output::TransferredToQueue {
                item: "c1".into(),
                from: "ada".into(),
                queue: "q".into(),
            },
            free("ada"),
            transfer_alert(2, "bob", "c1", 140),
        ]
    );
    // c2: a Toast to ada, who has more room than bob; never opened.
    assert_eq!(
        h.input(20, chat("c2")),
        vec![
            queued("c2"),
            auto_toast(3, "ada", "c2", 140),
            assigned("c2", "ada", false),
            busy("ada"),
        ]
    );

    let start = h.sb.clone();
    let end = 20 + WEEK;

    // Deadline by deadline, each output stamped with the second it fired.
    let stepped = h.advance_to(end);
    assert_eq!(
        stepped,
        vec![
            // 140 s: two deadlines, in creation order. Bob never saw the
            // transfer: it is assigned to him unseen (T3) ...
            (140, ended(2, "bob", "c1", NotificationEnd::AssignedUnseen)),
            (140, assigned("c1", "bob", true)),
            (140, busy("bob")),
            // ... and c2's Toast times out, which opens its session (T7).
            (140, ended(3, "ada", "c2", NotificationEnd::TimedOut)),
            (140, session_opened("ada", 2, "c2")),
            // 620 s = 140 + 480: the unseen reroute set at 140 s (T3). The
            // re-offer is a plain incoming one (the transfer is over): a
            // Toast to bob, who now has more room than ada.
            (620, rerouted("c1", "bob", RerouteReason::Unseen)),
            (620, free("bob")),
            (620, auto_toast(4, "bob", "c1", 740)),
            (620, assigned("c1", "bob", false)),
            (620, busy("bob")),
            // 740 s: the re-offer's own deadline, set at 620 s.
            (740, ended(4, "bob", "c1", NotificationEnd::TimedOut)),
            (740, session_opened("bob", 3, "c1")),
            // 3620 s = 20 + 3600: c2 Active for an hour (L2, configured).
            (
                3620,
                Output::WrapUpStarted {
                    item: "c2".into(),
                    agent: "ada".into(),
                },
            ),
            // 4220 s = 620 + 3600: c1 Active for an hour since its re-assignment.
            (
                4220,
                Output::WrapUpStarted {
                    item: "c1".into(),
                    agent: "bob".into(),
                },
            ),
            // 4520 s = 3620 + 900: c2's wrap-up auto-close (L2).
            (
                4520,
                Output::ConversationClosed {
                    item: "c2".into(),
                    reason: CloseReason::AutoClosed,
                },
            ),
            (4520, session_closed("ada", 2, "c2")),
            (4520, free("ada")),
            // 5120 s = 4220 + 900: c1's.
            (
                5120,
                Output::ConversationClosed {
                    item: "c1".into(),
                    reason: CloseReason::AutoClosed,
                },
            ),
            (5120, session_closed("bob", 3, "c1")),
            (5120, free("bob")),
        ]
    );
    assert_eq!(h.sb.poll_timeout(), None);

    // The whole week in one tick: the same outputs in the same order, and
    // the same state.
    let mut jumped = start;
    jumped.tick(at(end)).expect("a week at once");
    let at_once = drain(&mut jumped);
    let stepped: Vec<Output> = stepped.into_iter().map(|(_, o)| o).collect();
    assert_eq!(at_once, stepped);
    assert_eq!(jumped, h.sb);
    assert_eq!(jumped.poll_timeout(), None);
    assert_eq!(jumped.pending_deadlines(), 0);
    assert_eq!(location(&jumped, "c1"), WorkLocation::Closed);
    assert_eq!(location(&jumped, "c2"), WorkLocation::Closed);
}

/// Six agents; thirty chats ten seconds apart, each handled per `k % 6`:
/// accepted and closed, accepted and left in wrap-up, seen and left to
/// expire, never seen, rejected, or accepted by an agent who then
/// disconnects. At 300 s every disconnected agent but the last reconnects.
fn busy_floor() -> Harness {
    let agents = ["a0", "a1", "a2", "a3", "a4", "a5"];
    let mut h = Harness::new(chat_config(&agents));
    for agent in agents {
        h.input(0, sign_in(agent));
    }
    let mut gone = Vec::new();
    for k in 0..30_i64 {
        let t = 10 * k;
        let item = format!("c{k}");
        h.input(t, chat(&item));
        let WorkLocation::Offered {
            agent,
            notification,
        } = h.location(&item)
        else {
            continue; // waiting: its fate is left to the deadlines
        };
        let id = notification.0;
        if k % 6 != 3 {
            h.input(t + 1, displayed(id));
        }
        match k % 6 {
            0 | 1 => {
                h.input(t + 2, accept(id));
                h.input(t + 5, end(&item));
                if k % 6 == 0 {
                    h.input(t + 8, close(&item));
                }
            }
            4 => {
                h.input(t + 3, reject(id));
            }
            5 => {
                h.input(t + 2, accept(id));
                h.input(
                    t + 6,
                    Input::ClientDisconnected {
                        agent: agent.clone(),
                    },
                );
                gone.push(agent);
            }
            _ => {}
        }
    }
    gone.pop();
    for agent in gone {
        h.input(300, Input::ClientReconnected { agent });
    }
    h
}

#[test]
fn d3_a_week_in_one_tick_matches_deadline_by_deadline_on_a_busy_floor() {
    let h = busy_floor();
    let end = at(h.now + WEEK);
    let mut stepped_sb = h.sb.clone();
    assert!(stepped_sb.pending_deadlines() > 10, "plenty left to fire");

    let stepped = deadline_by_deadline(&mut stepped_sb, end);
    let mut jumped = h.sb.clone();
    jumped.tick(end).expect("a week at once");
    let at_once = drain(&mut jumped);

    assert!(stepped.len() > 1000, "{} outputs", stepped.len());
    let stepped: Vec<Output> = stepped.into_iter().map(|(_, o)| o).collect();
    assert_eq!(at_once.len(), stepped.len());
    for (k, (once, step)) in at_once.iter().zip(&stepped).enumerate() {
        assert_eq!(once, step, "output {k}");
    }
    assert_eq!(jumped, stepped_sb);
    assert_eq!(jumped.poll_timeout(), stepped_sb.poll_timeout());
    // Whatever is still pending lies beyond the week.
    assert!(jumped.poll_timeout().is_none_or(|next| next > end));
    // Every kind of deadline fired during the week.
    for wanted in [NotificationEnd::AssignedUnseen, NotificationEnd::Expired] {
        assert!(
            at_once
                .iter()
                .any(|o| matches!(o, Output::NotificationEnded { how, .. } if *how == wanted)),
            "{wanted:?}"
        );
    }
    for wanted in [RerouteReason::Unseen, RerouteReason::Disconnected] {
        assert!(
            at_once
                .iter()
                .any(|o| matches!(o, Output::Rerouted { reason, .. } if *reason == wanted)),
            "{wanted:?}"
        );
    }
    assert!(at_once.iter().any(|o| matches!(
        o,
        Output::ConversationClosed {
            reason: CloseReason::AutoClosed,
            ..
        }
    )));
}

// ---------------------------------------------------------------- D3: to the nanosecond

#[test]
fn d3_an_offer_deadline_fires_at_its_nanosecond_and_not_one_before() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    apply(&mut sb, at(0), sign_in("ada"));
    // Arriving half a second past a whole second: the deadline is too.
    let arrival = at(0) + TimeDelta::milliseconds(500);
    let deadline = arrival + secs(120);
    assert_eq!(
        apply(&mut sb, arrival, chat("c1")),
        vec![queued("c1"), chat_alert_at(1, "ada", "c1", deadline)]
    );

    // A nanosecond before the deadline the offer is still live.
    let mut answered = sb.clone();
    assert_eq!(
        apply(&mut answered, deadline - ns(1), accept(1)),
        vec![
            ended(1, "ada", "c1", NotificationEnd::Accepted),
            assigned("c1", "ada", false),
            session_opened("ada", 1, "c1"),
            busy("ada"),
        ]
    );

    assert_eq!(
        fire_exactly_at(&mut sb, deadline),
        vec![
            ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
            assigned("c1", "ada", true),
            busy("ada"),
        ]
    );
    assert_eq!(
        sb.handle(deadline, accept(1)),
        Err(InputError::NotificationClosed(n(1)))
    );
}

#[test]
fn d3_an_unseen_reroute_and_the_re_offer_fire_at_their_nanoseconds() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    apply(&mut sb, at(0), sign_in("ada"));
    let arrival = at(0) + ns(123_456_789);
    apply(&mut sb, arrival, chat("c1"));
    let deadline = arrival + secs(120);
    fire_exactly_at(&mut sb, deadline);

    // T3: 480 s after the deadline, to the nanosecond.
    let reroute = deadline + secs(480);
    let re_offer = reroute + secs(120);
    assert_eq!(
        fire_exactly_at(&mut sb, reroute),
        vec![
            rerouted("c1", "ada", RerouteReason::Unseen),
            free("ada"),
            chat_alert_at(2, "ada", "c1", re_offer),
        ]
    );
    assert_eq!(
        fire_exactly_at(&mut sb, re_offer),
        vec![
            ended(2, "ada", "c1", NotificationEnd::AssignedUnseen),
            assigned("c1", "ada", true),
            busy("ada"),
        ]
    );
    // Opening the work a nanosecond before its reroute keeps it; at the
    // reroute's instant it is too late.
    let mut kept = sb.clone();
    let second_reroute = re_offer + secs(480);
    assert_eq!(
        apply(
            &mut kept,
            second_reroute - ns(1),
            Input::OpenWork { item: "c1".into() }
        ),
        vec![session_opened("ada", 1, "c1")]
    );
    assert_eq!(kept.poll_timeout(), None);
    assert_eq!(
        sb.handle(second_reroute, Input::OpenWork { item: "c1".into() }),
        Err(InputError::NothingToOpen("c1".into()))
    );
}

#[test]
fn d3_auto_closes_fire_at_their_nanoseconds() {
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    apply(&mut sb, at(0), sign_in("ada"));
    apply(&mut sb, at(0), set_presence("ada", presences::AWAY));
    // Nobody takes c1: it closes 20 minutes after arriving (L2).
    let arrival = at(5) + ns(7);
    assert_eq!(apply(&mut sb, arrival, chat("c1")), vec![queued("c1")]);
    assert_eq!(
        fire_exactly_at(&mut sb, arrival + secs(1200)),
        vec![Output::ConversationClosed {
            item: "c1".into(),
            reason: CloseReason::AutoClosed,
        }]
    );

    // A wrap-up nobody closes closes 15 minutes after it started.
    let back = arrival + secs(1300);
    apply(&mut sb, back, set_presence("ada", presences::AVAILABLE));
    apply(&mut sb, back, chat("c2"));
    apply(&mut sb, back, accept(1));
    let ended_at = back + ns(999_999_999);
    assert_eq!(
        apply(&mut sb, ended_at, end("c2")),
        vec![Output::WrapUpStarted {
            item: "c2".into(),
            agent: "ada".into(),
        }]
    );
    assert_eq!(
        fire_exactly_at(&mut sb, ended_at + secs(900)),
        vec![
            Output::ConversationClosed {
                item: "c2".into(),
                reason: CloseReason::AutoClosed,
            },
            session_closed("ada", 1, "c2"),
            free("ada"),
        ]
    );
    assert_eq!(sb.poll_timeout(), None);
}

#[test]
fn d3_the_reconnect_grace_ends_at_its_nanosecond() {
    let mut sb = Switchboard::new(chat_config(&["ada", "bob"])).expect("valid");
    apply(&mut sb, at(0), sign_in("ada"));
    apply(&mut sb, at(0), chat("c1"));
    apply(&mut sb, at(1), accept(1));
    let gone = at(2) + ns(250);
    assert_eq!(
        apply(
            &mut sb,
            gone,
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
    apply(&mut sb, gone, sign_in("bob"));
    // P8, L1: past the 150 s grace, the Active conversation goes back to
    // its queue, and on to bob.
    let grace_end = gone + secs(150);
    assert_eq!(
        fire_exactly_at(&mut sb, grace_end),
        vec![
            session_closed("ada", 1, "c1"),
            rerouted("c1", "ada", RerouteReason::Disconnected),
            chat_alert_at(2, "bob", "c1", grace_end + secs(120)),
        ]
    );
}

#[test]
fn d3_a_reconnect_at_the_instant_the_grace_ends_agrees_with_the_grace_deadline() {
    // P8: reconnecting within the grace restores the presence the agent
    // had; L1: past the grace, Active work goes back to its queue. Whichever
    // side of the line the instant the grace ends falls on, the deadline
    // firing then and a reconnect at that instant must agree. The driving
    // loop ticks before it handles (see `Switchboard::handle`).
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    apply(&mut sb, at(0), sign_in("ada"));
    apply(&mut sb, at(0), chat("c1"));
    apply(&mut sb, at(1), accept(1));
    apply(&mut sb, at(2), set_presence("ada", presences::BUSY_DND));
    apply(
        &mut sb,
        at(10),
        Input::ClientDisconnected {
            agent: "ada".into(),
        },
    );
    let grace_end = at(160);
    sb.tick(grace_end).expect("tick");
    let fired = drain(&mut sb);
    let reconnected = apply(
        &mut sb,
        grace_end,
        Input::ClientReconnected {
            agent: "ada".into(),
        },
    );
    if fired.is_empty() {
        // The instant is still within the grace: presence restored, work kept.
        assert_eq!(
            reconnected,
            vec![presence_changed(
                "ada",
                presences::OFFLINE,
                presences::BUSY_DND,
                PresenceReason::Reconnected
            )]
        );
        assert_eq!(
            location(&sb, "c1"),
            WorkLocation::Assigned {
                agent: "ada".into()
            }
        );
        assert_eq!(sb.poll_timeout(), None);
    } else {
        // The instant is past the grace: the work went back to its queue,
        // and the presence is computed as at sign-in (Available), so the
        // work is offered to ada again.
        assert_eq!(
            fired,
            vec![
                session_closed("ada", 1, "c1"),
                rerouted("c1", "ada", RerouteReason::Disconnected),
            ]
        );
        assert_eq!(
            reconnected,
            vec![
                presence_changed(
                    "ada",
                    presences::OFFLINE,
                    presences::AVAILABLE,
                    PresenceReason::Reconnected
                ),
                chat_alert_at(2, "ada", "c1", grace_end + secs(120)),
            ]
        );
    }
}

// ---------------------------------------------------------------- D6: the end of the range

/// An engine with ada signed in at `now`: c1 Active with her, c2 offered
/// to her (deadline 120 s later), bob signed in with c3 offered.
fn near_the_end(now: DateTime<Utc>) -> Switchboard {
    let mut sb = Switchboard::new(chat_config(&["ada", "bob"])).expect("valid");
    apply(&mut sb, now, sign_in("ada"));
    apply(&mut sb, now, chat("c1"));
    apply(&mut sb, now, accept(1));
    apply(&mut sb, now, chat("c2"));
    apply(&mut sb, now, sign_in("bob"));
    apply(&mut sb, now, chat("c3"));
    sb
}

#[test]
fn d6_inputs_that_would_set_a_deadline_past_the_end_of_time_are_refused() {
    let max = DateTime::<Utc>::MAX_UTC;
    let safe = max - TimeDelta::days(30);
    let sb = near_the_end(safe);
    // Each input would set a deadline after `max`.
    let cases = [
        // an offer deadline (120 s) and an Open auto-close (20 min)
        (max - secs(119), chat("c4")),
        (max - secs(1199), chat("c4")),
        // the reconnect grace (150 s)
        (
            max - secs(149),
            Input::ClientDisconnected {
                agent: "ada".into(),
            },
        ),
        // the wrap-up auto-close (15 min)
        (max - secs(899), end("c1")),
        // the Open auto-close of work going back to its queue
        (max - secs(1199), Input::ReleaseWork { item: "c1".into() }),
        (max - ns(1), chat("c4")),
        (max, chat("c4")),
    ];
    for (now, input) in cases {
        let shown = format!("{input:?} at {now}");
        let mut refused = sb.clone();
        assert_eq!(
            refused.handle(now, input.clone()),
            Err(InputError::TimeOutOfRange { now }),
            "{shown}"
        );
        assert_untouched(&mut refused, &sb);
        // The same input in range works, with its deadlines where they belong.
        let mut fine = sb.clone();
        fine.handle(safe + secs(1), input).expect(&shown);
        drain(&mut fine);
        assert!(fine.poll_timeout().is_some_and(|t| t > safe));
    }
    let mut ticked = sb.clone();
    assert_eq!(
        ticked.tick(max),
        Err(InputError::TimeOutOfRange { now: max })
    );
    assert_untouched(&mut ticked, &sb);
}

#[test]
fn d6_near_the_end_of_time_every_input_and_tick_is_accepted_or_refused_never_a_panic() {
    let max = DateTime::<Utc>::MAX_UTC;
    let start = max - TimeDelta::days(3);
    let prepared = near_the_end(start);
    let distances = [
        TimeDelta::zero(),
        ns(1),
        secs(1),
        secs(119),
        secs(120),
        secs(121),
        secs(149),
        secs(150),
        secs(480),
        secs(600),
        secs(899),
        secs(900),
        secs(1199),
        secs(1200),
        secs(1201),
        TimeDelta::days(1),
        TimeDelta::days(1) + secs(1331),
        TimeDelta::days(1) + secs(2400),
        TimeDelta::days(2),
    ];
    let inputs = || {
        [
            chat("c4"),
            accept(2),
            reject(2),
            displayed(2),
            end("c1"),
            Input::ReleaseWork { item: "c1".into() },
            Input::TransferToQueue {
                item: "c1".into(),
                queue: "q".into(),
            },
            Input::ClientDisconnected {
                agent: "ada".into(),
            },
            Input::AgentSignedOut {
                agent: "ada".into(),
            },
            Input::CustomerLeft { item: "c2".into() },
            set_presence("bob", presences::AWAY),
        ]
    };
    let (mut accepted, mut out_of_range) = (0, 0);
    for distance in distances {
        let now = max - distance;
        for input in inputs() {
            let mut sb = prepared.clone();
            let shown = format!("{input:?} at {now}");
            match sb.handle(now, input) {
                Ok(()) => {
                    accepted += 1;
                    drain(&mut sb);
                    // Whatever it scheduled can be read back.
                    assert!(sb.poll_timeout().is_none_or(|t| t >= start), "{shown}");
                }
                Err(e) => {
                    if let InputError::TimeOutOfRange { now: refused } = e {
                        assert_eq!(refused, now);
                        out_of_range += 1;
                    }
                    assert_untouched(&mut sb, &prepared);
                }
            }
        }
        let mut sb = prepared.clone();
        match sb.tick(now) {
            Ok(()) => {
                accepted += 1;
                drain(&mut sb);
            }
            Err(InputError::TimeOutOfRange { now: refused }) => {
                assert_eq!(refused, now);
                out_of_range += 1;
                assert_untouched(&mut sb, &prepared);
            }
            Err(other) => panic!("tick at {now}: {other}"),
        }
    }
    assert!(out_of_range > 0, "the last seconds are refused");
    assert!(accepted > 0, "two days before the end still works");
}

/// The latest instant (to the second) at which a fresh engine accepts an input.
fn latest_accepted_time() -> DateTime<Utc> {
    let max = DateTime::<Utc>::MAX_UTC;
    let accepted = |back: i64| {
        let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
        sb.handle(max - secs(back), sign_in("ada")).is_ok()
    };
    let (mut refused, mut ok) = (0_i64, 30 * 86_400_i64);
    assert!(!accepted(refused) && accepted(ok));
    while ok - refused > 1 {
        let mid = (ok + refused) / 2;
        if accepted(mid) {
            ok = mid;
        } else {
            refused = mid;
        }
    }
    max - secs(ok)
}

#[test]
fn d4_a_deadline_set_by_an_accepted_input_can_be_fired_even_at_the_end_of_time() {
    // D3, D4: the host sleeps until `poll_timeout` and ticks then. At the
    // latest time the engine accepts, an offer's deadline lies 120 s later;
    // firing it schedules only the unseen reroute 480 s after that, well
    // within range, so the tick at the deadline must not be refused.
    let latest = latest_accepted_time();
    let mut sb = Switchboard::new(chat_config(&["ada"])).expect("valid");
    apply(&mut sb, latest, sign_in("ada"));
    assert_eq!(
        apply(&mut sb, latest, chat("c1")),
        vec![
            queued("c1"),
            chat_alert_at(1, "ada", "c1", latest + secs(120)),
        ]
    );
    let deadline = sb.poll_timeout().expect("the offer's deadline");
    assert_eq!(deadline, latest + secs(120));
    assert_eq!(
        sb.tick(deadline),
        Ok(()),
        "tick at the engine's own deadline"
    );
    assert_eq!(
        drain(&mut sb),
        vec![
            ended(1, "ada", "c1", NotificationEnd::AssignedUnseen),
            assigned("c1", "ada", true),
            busy("ada"),
        ]
    );
    assert_eq!(sb.poll_timeout(), Some(latest + secs(600)));
}
