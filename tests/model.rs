//! Model-based property tests: random input sequences over small worlds,
//! checked after every step against a model built only from the public API
//! and the outputs observed (V2, C1, S1, A4, T9, D2–D4, D6–D8).
//!
//! A world has up to six agents, two queues with different assignment
//! methods, and six workstreams: chat (plain, auto-assign, auto-accept or
//! desktop-without-reject templates), SMS (asynchronous, affinity), voice,
//! records, a persistent chat on capacity profiles, and a pick-mode chat.
//! Org settings (penalty rules, display acknowledgement, session limit,
//! declines, consultants, UTC offset) vary too. A sequence feeds every
//! `Input` variant, unknown ids, late answers, wrong states and clocks going
//! backwards included, with clock steps of seconds, jumps to and past
//! `poll_timeout()`, jumps of hours and of a week, inputs timed ahead of the
//! latest tick, and JSON snapshot round trips; it ends by closing every item
//! and signing everyone out.
//!
//! Every step runs on two engines. After every step the model checks:
//! 1. V2: every item is where the outputs put it: `work_location` and
//!    `conversation_state` agree with a place derived from `WorkQueued`,
//!    `Notify`, `NotificationEnded`, `WorkAssigned`, `Rerouted`, …;
//! 2. C1, S1: automatic offers fit free units, profiles and the session
//!    limit; only forced assignments (C4) take an agent past them;
//! 3. A4: every automatic offer goes to a signed-in, connected queue member
//!    whose presence the workstream allows, with the skills, below the
//!    decline limit;
//! 4. T9: every notification ends exactly once and none stays pending for a
//!    signed-out agent or a closed item; late answers are `NotificationClosed`;
//! 5. D4: the pending deadlines are exactly those the live state needs;
//! 6. D2: a refused input changes nothing and queues nothing;
//! 7. D7, D8: twin engines agree byte for byte, across snapshot round trips;
//! 8. D5: the twin ticks with `tick_with`, which hands over the outputs
//!    `tick` queues, in the same order, and leaves the same engine.
//!
//! A failing case is run again with a trace of every input and output.
//! `PROPTEST_CASES` overrides the case counts at the end of the file.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use switchboard::{
    Agent, AgentId, AgentProfile, AlertKind, AssignmentMethod, BaseStatus, CapacityProfile, Case,
    Channel, Config, Contact, ConversationState, Customer, DesktopMode, Distribution, Experience,
    Input, InputError, NotificationEnd, NotificationId, NotificationKind, OrgSettings, Output,
    Presence, ProfileReset, Queue, RerouteReason, Scenario, SessionId, Snapshot, Switchboard,
    Template, TransferTarget, WorkItem, WorkItemId, WorkLocation, Workstream, WrapUpBlocking,
    presences,
};

// ---------------------------------------------------------------------------
// The world
// ---------------------------------------------------------------------------

const AGENTS: [&str; 6] = ["ada", "bo", "cy", "di", "ed", "flo"];
const ITEMS: [&str; 12] = [
    "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10", "w11",
];
const QUEUES: [&str; 2] = ["q0", "q1"];
const PROFILES: [&str; 2] = ["p1", "p2"];
const SKILLS: [&str; 2] = ["es", "vip"];

/// Workstream ids, by index.
const CHAT: usize = 0;
const SMS: usize = 1;
const VOICE: usize = 2;
const CASE: usize = 3;
const PROF: usize = 4;
const PICK: usize = 5;
const WORKSTREAMS: [&str; 6] = ["chat", "sms", "voice", "case", "prof", "pick"];

/// Presences an agent may try to choose: built-ins, custom ones, an unknown one.
const PRESENCE_CHOICES: [&str; 10] = [
    presences::AVAILABLE,
    presences::BUSY,
    presences::BUSY_DND,
    presences::AWAY,
    presences::OFFLINE,
    presences::INACTIVE,
    "Lunch",
    "Focus",
    "Backoffice",
    "Nap",
];

/// The base status of a configured presence (P1).
fn base_of(presence: &str) -> Option<BaseStatus> {
    Some(match presence {
        presences::AVAILABLE => BaseStatus::Available,
        presences::BUSY | "Backoffice" => BaseStatus::Busy,
        presences::BUSY_DND | "Focus" => BaseStatus::BusyDnd,
        presences::AWAY | presences::INACTIVE | "Lunch" => BaseStatus::Away,
        presences::OFFLINE => BaseStatus::Offline,
        _ => return None,
    })
}

#[derive(Debug, Clone)]
struct AgentSpec {
    capacity: u32,
    embedded: bool,
    away_by_default: bool,
    /// Bit k: holds `SKILLS[k]`.
    skills: u8,
    /// Personal limit for `p1`.
    p1_limit: Option<u32>,
    holds_p2: bool,
}

// Independent switches of one generated world.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone)]
struct World {
    agents: Vec<AgentSpec>,
    /// Bit k: agent k is a member, per queue.
    members: [u8; 2],
    methods: [AssignmentMethod; 2],
    missed_rule: bool,
    reject_rule: bool,
    display_ack: bool,
    session_limit: u32,
    declines_allowed: u8,
    max_consultants: u8,
    unseen_delay: u32,
    grace: u32,
    utc_offset_minutes: i32,
    /// 0 built-in, 1 auto-assign, 2 auto-accept, 3 desktop without reject.
    chat_template: u8,
    chat_units: u32,
    chat_wrap: WrapUpBlocking,
    voice_dnd: bool,
    sms_away: bool,
    p1_limit: u32,
    p1_end_of_day: bool,
    p1_blocks: bool,
    /// Bit k: agent k signs in before the first step.
    signed_in: u8,
}

impl World {
    fn channel(ws: usize) -> Channel {
        [
            Channel::Chat,
            Channel::Sms,
            Channel::Voice,
            Channel::Record,
            Channel::PersistentChat,
            Channel::Chat,
        ][ws]
    }

    /// Units one item of workstream `ws` needs (C1, C3).
    fn units(&self, ws: usize) -> i64 {
        match ws {
            CHAT => i64::from(self.chat_units),
            VOICE => 50,
            CASE => 20,
            PROF => 0,
            _ => 10,
        }
    }

    /// Base statuses workstream `ws` routes to (P7).
    fn allowed(&self, ws: usize) -> Vec<BaseStatus> {
        let mut allowed = vec![BaseStatus::Available, BaseStatus::Busy];
        if (ws == VOICE && self.voice_dnd) || ws == CASE {
            allowed.push(BaseStatus::BusyDnd);
        }
        if ws == SMS && self.sms_away {
            allowed.push(BaseStatus::Away);
        }
        allowed
    }

    /// Whether a conversation of workstream `ws` in `state` has an auto-close deadline (L2 defaults).
    fn auto_closes(ws: usize, state: ConversationState) -> bool {
        // Open, Active, Waiting, WrapUp.
        let [open, active, waiting, wrap_up] = match World::channel(ws) {
            Channel::Chat => [true, false, false, true],
            Channel::PersistentChat => [true; 4],
            Channel::Record => [false; 4],
            _ => [true, true, false, true],
        };
        match state {
            ConversationState::Open => open,
            ConversationState::Active => active,
            ConversationState::Waiting => waiting,
            ConversationState::WrapUp => wrap_up,
            ConversationState::Closed => false,
        }
    }

    /// Whether wrap-up of workstream `ws` releases capacity on a deadline (C5, Custom).
    fn wrap_up_deadline(&self, ws: usize) -> bool {
        match ws {
            CHAT => matches!(self.chat_wrap, WrapUpBlocking::Custom { .. }),
            CASE => true,
            _ => false,
        }
    }

    /// Whether capacity stays held through wrap-up until close (C5).
    fn holds_through_wrap_up(&self, ws: usize) -> bool {
        match ws {
            CHAT => self.chat_wrap == WrapUpBlocking::Always,
            VOICE | CASE => false,
            _ => true,
        }
    }

    /// Agent `a`'s limit for profile `p`, if they hold it (C2).
    fn profile_limit(&self, a: usize, p: usize) -> Option<u32> {
        let spec = &self.agents[a];
        match p {
            0 => Some(spec.p1_limit.unwrap_or(self.p1_limit)),
            _ => spec.holds_p2.then_some(2),
        }
    }

    fn blocks(&self, p: usize) -> bool {
        p == 0 && self.p1_blocks
    }

    /// Chat, SMS, voice, records, profile-based persistent chat and pick-mode chat.
    fn workstreams(&self) -> Vec<Workstream> {
        let mut chat = Workstream::new("chat", Channel::Chat);
        chat.capacity_units = Some(self.chat_units);
        chat.wrap_up = self.chat_wrap;
        let chat_template =
            ["", "model auto", "model accept", "model desk"][usize::from(self.chat_template % 4)];
        if !chat_template.is_empty() {
            for scenario in [
                Scenario::IncomingAuthenticated,
                Scenario::IncomingUnauthenticated,
            ] {
                chat.templates.insert(scenario, chat_template.into());
            }
        }
        let mut sms = Workstream::new("sms", Channel::Sms);
        for scenario in [
            Scenario::IncomingAuthenticated,
            Scenario::IncomingUnauthenticated,
        ] {
            sms.templates.insert(scenario, "model background".into());
        }
        sms.allowed_presences = self.allowed(SMS);
        let mut voice = Workstream::new("voice", Channel::Voice);
        voice.capacity_units = Some(50);
        voice.allowed_presences = self.allowed(VOICE);
        voice.wrap_up = WrapUpBlocking::Never;
        let mut case = Workstream::new("case", Channel::Record);
        case.capacity_units = Some(20);
        case.allowed_presences = self.allowed(CASE);
        case.wrap_up = WrapUpBlocking::Custom { minutes: 2 };
        let mut prof = Workstream::new("prof", Channel::PersistentChat);
        prof.capacity_profiles = vec!["p1".into()];
        prof.templates
            .insert(Scenario::Transfer, "model desk".into());
        let mut pick = Workstream::new("pick", Channel::Chat);
        pick.distribution = Distribution::Pick;
        vec![chat, sms, voice, case, prof, pick]
    }

    fn config(&self) -> Config {
        let n = self.agents.len();
        let agents = self
            .agents
            .iter()
            .enumerate()
            .map(|(k, spec)| {
                let mut agent = Agent::new(AGENTS[k]);
                agent.capacity_units = spec.capacity;
                if spec.embedded {
                    agent.experience = Experience::Embedded;
                }
                if spec.away_by_default {
                    agent.default_presence = "Lunch".into();
                }
                agent.skills = (0..SKILLS.len())
                    .filter(|s| spec.skills & (1 << s) != 0)
                    .map(|s| SKILLS[s].to_owned())
                    .collect();
                agent.capacity_profiles = vec![AgentProfile {
                    profile: "p1".into(),
                    limit: spec.p1_limit,
                }];
                if spec.holds_p2 {
                    agent.capacity_profiles.push(AgentProfile::new("p2"));
                }
                agent
            })
            .collect();
        let queues = (0..2)
            .map(|q| Queue {
                method: Some(self.methods[q]),
                ..Queue::new(
                    QUEUES[q],
                    (0..n)
                        .filter(|a| self.members[q] & (1 << a) != 0)
                        .map(|a| AgentId::new(AGENTS[a])),
                )
            })
            .collect();
        let custom = |id: &str, base| Presence {
            id: id.into(),
            text: id.to_owned(),
            base,
        };
        Config {
            org: OrgSettings {
                missed_notification_rule: self.missed_rule,
                agent_reject_rule: self.reject_rule,
                display_acknowledgement: self.display_ack,
                session_limit: self.session_limit,
                unseen_reroute_delay_secs: self.unseen_delay,
                reconnect_grace_secs: self.grace,
                utc_offset_minutes: self.utc_offset_minutes,
                max_consultants: self.max_consultants,
                declines_allowed: self.declines_allowed,
            },
            presences: vec![
                custom("Lunch", BaseStatus::Away),
                custom("Focus", BaseStatus::BusyDnd),
                custom("Backoffice", BaseStatus::Busy),
            ],
            templates: templates(),
            capacity_profiles: vec![
                CapacityProfile {
                    reset: if self.p1_end_of_day {
                        ProfileReset::EndOfDay
                    } else {
                        ProfileReset::Immediate
                    },
                    blocks_assignment: self.p1_blocks,
                    ..CapacityProfile::new("p1", self.p1_limit)
                },
                CapacityProfile::new("p2", 2),
            ],
            workstreams: self.workstreams(),
            agents,
            queues,
            contacts: vec![
                contact("c1", "Ann", Some("+1 555 0101")),
                contact("c2", "Bob", Some("+1 555 0202")),
                contact("c3", "Cat", Some("001 555 0202")),
            ],
        }
    }
}

/// Custom templates: auto-assign, auto-accept, desktop without reject, desktop in background.
fn templates() -> Vec<Template> {
    vec![
        Template::new("model auto")
            .with_title("For {customerName}")
            .with_auto_assign(true, false)
            .with_timeout_secs(45),
        Template::new("model accept")
            .with_title("Case {caseId}")
            .with_auto_assign(true, true)
            .with_timeout_secs(20),
        Template::new("model desk")
            .with_title("{queueId}")
            .with_desktop(DesktopMode::Always)
            .with_reject_button(false)
            .with_timeout_secs(30),
        Template::new("model background")
            .with_title("SMS from {customerName}")
            .with_desktop(DesktopMode::WhenInBackground)
            .with_field("Case", "{caseTitle}")
            .with_timeout_secs(90),
    ]
}

fn contact(id: &str, name: &str, mobile: Option<&str>) -> Contact {
    Contact {
        id: id.into(),
        name: name.to_owned(),
        mobile_phone: mobile.map(str::to_owned),
    }
}

/// The model's time zero: 2026-11-24 09:00:00 UTC.
fn time(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap() + TimeDelta::seconds(secs)
}

// ---------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------

/// Chooses a work item when the step runs: mostly among items in the state
/// the action wants, sometimes among all twelve ids, or an unknown one.
#[derive(Debug, Clone, Copy)]
struct ItemSel {
    filter: u8,
    idx: u8,
}

/// Chooses a notification when the step runs: a pending one (mostly the
/// latest), an ended one, or one never sent.
#[derive(Debug, Clone, Copy)]
struct NoteSel {
    which: u8,
    idx: u8,
}

// Independent choices about one arrival.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy)]
struct ArriveSpec {
    /// Take the first id not used yet (else: `id`, maybe a duplicate).
    fresh: bool,
    id: u8,
    ws: u8,
    queue: u8,
    priority: i32,
    customer: bool,
    case: bool,
    sms: u8,
    skills: u8,
    profiles: u8,
    bot: bool,
}

/// One input, with its ids chosen when it runs. Agents are `u8`s: 0–6 pick
/// a configured agent, 7 an unknown one.
#[derive(Debug, Clone, Copy)]
enum Act {
    SignIn(u8),
    SignOut(u8),
    SetPresence(u8, u8),
    Reset(u8),
    SupervisorReset(u8),
    Focus(u8, bool),
    Permission(u8, bool),
    Disconnect(u8),
    Reconnect(u8),
    AddMember(u8, u8),
    RemoveMember(u8, u8),
    OpenSession(u8),
    CloseSession(u8, u8, u8),
    /// The agent closes the session of an item without ending it (L1).
    Park(ItemSel),
    Displayed(NoteSel),
    Clicked(NoteSel),
    Accept(NoteSel),
    /// Accept (or reject) a pending consult or transfer request (L3, L4).
    AnswerRequest(u8, bool),
    Reject(NoteSel),
    Open(NoteSel),
    OpenWork(ItemSel),
    Arrive(ArriveSpec),
    Ended(ItemSel),
    Closed(ItemSel),
    CustomerLeft(ItemSel),
    Release(ItemSel),
    Returned(ItemSel),
    Consult(ItemSel, u8),
    LeaveConsult(ItemSel, u8),
    TransferToQueue(ItemSel, u8),
    TransferToAgent(ItemSel, u8),
    Pick(u8, ItemSel),
    Escalate(ItemSel),
    EscalationEnded(ItemSel),
    Contact(u8),
    SupervisorAssign(ItemSel, u8),
    SupervisorTransfer(ItemSel, u8),
    SupervisorClose(ItemSel),
}

#[derive(Debug, Clone, Copy)]
enum Wait {
    /// A step of seconds.
    Secs(u16),
    /// To the next deadline, and a few seconds past it.
    ToTimeout(u8),
    /// Hours ahead: in one tick, or deadline by deadline.
    Hours(u8, bool),
    /// A week ahead.
    Week(bool),
    /// `tick` again at the same time (D3: a no-op).
    Again,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    In(Act),
    /// An input timed before the latest time seen (D6).
    Back(Act, u16),
    /// A tick before the latest time seen (D6).
    BackTick(u16),
    /// An input timed after the latest tick, without ticking first (D3).
    Ahead(Act, u16),
    Wait(Wait),
    /// Replace the first engine by a restore of its JSON snapshot (D8).
    Snapshot,
    /// An input, with the snapshot round trip taken before its outputs are polled (D8).
    SnapshotMidway(Act),
    /// Every pending notification is displayed, then accepted (or opened):
    /// agents who answer everything (or, `false`, only acknowledge).
    AnswerAll(bool),
    /// A consult, its acceptance, a transfer to the consultant and their
    /// answer (L3, L4), each a checked input.
    Handover(ItemSel, u8, bool),
}

/// Relative weights of the kinds of step.
#[derive(Debug, Clone, Copy)]
struct Mix {
    people: u32,
    answers: u32,
    work: u32,
    supervisor: u32,
    invalid: u32,
    time: u32,
    snapshot: u32,
}

const GENERAL: Mix = Mix {
    people: 5,
    answers: 8,
    work: 12,
    supervisor: 2,
    invalid: 1,
    time: 5,
    snapshot: 1,
};

fn item_sel() -> impl Strategy<Value = ItemSel> {
    (0u8..12, any::<u8>()).prop_map(|(filter, idx)| ItemSel { filter, idx })
}

fn note_sel() -> impl Strategy<Value = NoteSel> {
    (0u8..10, any::<u8>()).prop_map(|(which, idx)| NoteSel { which, idx })
}

fn people_act() -> BoxedStrategy<Act> {
    let agent = || 0u8..8;
    prop_oneof![
        5 => agent().prop_map(Act::SignIn),
        1 => agent().prop_map(Act::SignOut),
        3 => (agent(), 0u8..10).prop_map(|(a, p)| Act::SetPresence(a, p)),
        1 => agent().prop_map(Act::Reset),
        1 => agent().prop_map(Act::SupervisorReset),
        1 => (agent(), any::<bool>()).prop_map(|(a, f)| Act::Focus(a, f)),
        1 => (agent(), any::<bool>()).prop_map(|(a, g)| Act::Permission(a, g)),
        1 => agent().prop_map(Act::Disconnect),
        1 => agent().prop_map(Act::Reconnect),
        1 => (0u8..3, agent()).prop_map(|(q, a)| Act::AddMember(q, a)),
        1 => (0u8..3, agent()).prop_map(|(q, a)| Act::RemoveMember(q, a)),
        1 => agent().prop_map(Act::OpenSession),
        2 => (agent(), 0u8..5, any::<u8>()).prop_map(|(a, w, i)| Act::CloseSession(a, w, i)),
    ]
    .boxed()
}

fn answer_act() -> BoxedStrategy<Act> {
    prop_oneof![
        3 => note_sel().prop_map(Act::Displayed),
        1 => note_sel().prop_map(Act::Clicked),
        5 => note_sel().prop_map(Act::Accept),
        3 => (any::<u8>(), prop::bool::weighted(0.8)).prop_map(|(i, yes)| Act::AnswerRequest(i, yes)),
        2 => note_sel().prop_map(Act::Reject),
        2 => note_sel().prop_map(Act::Open),
        1 => item_sel().prop_map(Act::OpenWork),
    ]
    .boxed()
}

fn arrive_spec() -> impl Strategy<Value = ArriveSpec> {
    (
        prop::bool::weighted(0.85),
        any::<u8>(),
        0u8..40,
        0u8..20,
        0i32..3,
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
        0u8..4,
        0u8..10,
        0u8..10,
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(fresh, id, ws, queue, priority, customer, case, sms, skills, profiles, bot)| {
                ArriveSpec {
                    fresh,
                    id,
                    ws,
                    queue,
                    priority,
                    customer,
                    case,
                    sms,
                    skills,
                    profiles,
                    bot,
                }
            },
        )
}

fn work_act() -> BoxedStrategy<Act> {
    let agent = || 0u8..8;
    prop_oneof![
        12 => arrive_spec().prop_map(Act::Arrive),
        3 => item_sel().prop_map(Act::Ended),
        3 => item_sel().prop_map(Act::Closed),
        1 => item_sel().prop_map(Act::CustomerLeft),
        1 => item_sel().prop_map(Act::Release),
        4 => item_sel().prop_map(Act::Returned),
        4 => item_sel().prop_map(Act::Park),
        4 => (item_sel(), agent()).prop_map(|(i, a)| Act::Consult(i, a)),
        1 => (item_sel(), agent()).prop_map(|(i, a)| Act::LeaveConsult(i, a)),
        1 => (item_sel(), 0u8..3).prop_map(|(i, q)| Act::TransferToQueue(i, q)),
        4 => (item_sel(), agent()).prop_map(|(i, a)| Act::TransferToAgent(i, a)),
        1 => (agent(), item_sel()).prop_map(|(a, i)| Act::Pick(a, i)),
        1 => item_sel().prop_map(Act::Escalate),
        2 => item_sel().prop_map(Act::EscalationEnded),
        1 => (0u8..4).prop_map(Act::Contact),
    ]
    .boxed()
}

fn supervisor_act() -> BoxedStrategy<Act> {
    prop_oneof![
        2 => (item_sel(), 0u8..8).prop_map(|(i, a)| Act::SupervisorAssign(i, a)),
        2 => (item_sel(), 0u8..12).prop_map(|(i, t)| Act::SupervisorTransfer(i, t)),
        1 => item_sel().prop_map(Act::SupervisorClose),
    ]
    .boxed()
}

fn any_act() -> BoxedStrategy<Act> {
    prop_oneof![people_act(), answer_act(), work_act(), supervisor_act()].boxed()
}

fn wait() -> BoxedStrategy<Wait> {
    prop_oneof![
        5 => (1u16..=90).prop_map(Wait::Secs),
        1 => (90u16..=900).prop_map(Wait::Secs),
        3 => (0u8..4).prop_map(Wait::ToTimeout),
        2 => (1u8..=12, any::<bool>()).prop_map(|(h, s)| Wait::Hours(h, s)),
        1 => prop::bool::weighted(0.3).prop_map(Wait::Week),
        1 => Just(Wait::Again),
    ]
    .boxed()
}

fn step(mix: Mix) -> BoxedStrategy<Step> {
    prop_oneof![
        mix.people => people_act().prop_map(Step::In),
        mix.answers => answer_act().prop_map(Step::In),
        mix.work => work_act().prop_map(Step::In),
        mix.supervisor => supervisor_act().prop_map(Step::In),
        mix.time / 2 => (any_act(), 1u16..900).prop_map(|(a, s)| Step::Ahead(a, s)),
        mix.invalid => prop_oneof![
            (any_act(), 1u16..600).prop_map(|(a, s)| Step::Back(a, s)),
            (1u16..600).prop_map(Step::BackTick),
        ],
        mix.time => wait().prop_map(Step::Wait),
        mix.answers / 2 => prop::bool::weighted(0.8).prop_map(Step::AnswerAll),
        mix.work / 4 => (item_sel(), 0u8..8, prop::bool::weighted(0.8))
            .prop_map(|(i, a, yes)| Step::Handover(i, a, yes)),
        mix.snapshot => prop_oneof![
            Just(Step::Snapshot),
            any_act().prop_map(Step::SnapshotMidway),
        ],
    ]
    .boxed()
}

fn agent_spec() -> impl Strategy<Value = AgentSpec> {
    (
        prop::sample::select(vec![0u32, 20, 60, 100, 100, 100]),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.1),
        0u8..4,
        prop::option::weighted(0.3, 1u32..=3),
        any::<bool>(),
    )
        .prop_map(
            |(capacity, embedded, away_by_default, skills, p1_limit, holds_p2)| AgentSpec {
                capacity,
                embedded,
                away_by_default,
                skills,
                p1_limit,
                holds_p2,
            },
        )
}

fn world() -> impl Strategy<Value = World> {
    use AssignmentMethod::{AdvancedRoundRobin, HighestCapacity, LeastActive};
    let people = (
        prop::collection::vec(agent_spec(), 1..=6),
        prop_oneof![3 => Just(0x3f_u8), 1 => any::<u8>()],
        prop_oneof![9 => 1u8..64, 1 => Just(0u8)],
        prop_oneof![9 => 1u8..64, 1 => Just(0u8)],
        prop::sample::select(vec![
            [HighestCapacity, AdvancedRoundRobin],
            [HighestCapacity, LeastActive],
            [AdvancedRoundRobin, LeastActive],
            [LeastActive, HighestCapacity],
        ]),
    );
    let org = (
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.8),
        prop::sample::select(vec![1u32, 2, 3, 4, 10]),
        1u8..=3,
        1u8..=2,
        prop::sample::select(vec![60u32, 480]),
        prop::sample::select(vec![30u32, 150]),
        prop::sample::select(vec![-300i32, 0, 330]),
    );
    let streams = (
        0u8..4,
        prop::sample::select(vec![10u32, 30, 50]),
        prop::sample::select(vec![
            WrapUpBlocking::Always,
            WrapUpBlocking::Custom { minutes: 1 },
            WrapUpBlocking::Never,
        ]),
        any::<bool>(),
        any::<bool>(),
        1u32..=3,
        any::<bool>(),
        any::<bool>(),
    );
    (people, org, streams).prop_map(
        |(
            (agents, signed_in, m0, m1, methods),
            (
                missed_rule,
                reject_rule,
                display_ack,
                session_limit,
                declines_allowed,
                max_consultants,
                unseen_delay,
                grace,
                utc_offset_minutes,
            ),
            (
                chat_template,
                chat_units,
                chat_wrap,
                voice_dnd,
                sms_away,
                p1_limit,
                p1_end_of_day,
                p1_blocks,
            ),
        )| World {
            // Members among the agents there are; an empty queue stays rare (A5).
            members: [m0, m1].map(|m| {
                let all = (1u8 << agents.len()) - 1;
                if m == 0 || m & all != 0 { m & all } else { all }
            }),
            agents,
            methods,
            missed_rule,
            reject_rule,
            display_ack,
            session_limit,
            declines_allowed,
            max_consultants,
            unseen_delay,
            grace,
            utc_offset_minutes,
            chat_template,
            chat_units,
            chat_wrap,
            voice_dnd,
            sms_away,
            p1_limit,
            p1_end_of_day,
            p1_blocks,
            signed_in,
        },
    )
}

fn scenario(mix: Mix, steps: usize) -> impl Strategy<Value = (World, Vec<Step>)> {
    (world(), prop::collection::vec(step(mix), 1..=steps))
}

// ---------------------------------------------------------------------------
// The model: what the outputs say
// ---------------------------------------------------------------------------

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Waiting,
    Offered { agent: usize, note: u64 },
    Assigned { agent: usize },
    Idle { agent: usize },
    Closed,
}

#[derive(Debug, Clone)]
// Independent facts about one item, as the outputs told them.
#[allow(clippy::struct_excessive_bools)]
struct ItemM {
    ws: usize,
    queue: usize,
    units: i64,
    /// Profile indexes it consumes (C2).
    profiles: Vec<usize>,
    /// Bit k: requires `SKILLS[k]`.
    skills: u8,
    place: Place,
    state: ConversationState,
    /// Its work session, while open.
    session: Option<u64>,
    declines: [u32; 6],
    parked: bool,
    /// The next `WorkAssigned` completes an automatic offer.
    auto_pending: bool,
    /// … and it is an unseen assignment (T3).
    unseen_pending: bool,
    /// Assigned unseen and not opened: its reroute deadline is pending (T3).
    unseen_timer: bool,
    /// Its current assignment was forced (C4): pick, supervisor, affinity, transfer.
    forced: bool,
    /// … and it reported an overage.
    over: bool,
    escalated: bool,
    consultants: BTreeSet<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// An Alert offering the work, or a Toast about work assigned.
    Work,
    Consult,
    /// A transfer request from the primary agent `requester` (L3).
    Transfer {
        requester: usize,
    },
}

// Independent facts about one notification.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone)]
struct NoteM {
    agent: usize,
    item: String,
    kind: NotificationKind,
    purpose: Purpose,
    rejectable: bool,
    on_desktop: bool,
    /// Seconds since time zero when it ends if nobody acts.
    deadline: i64,
    /// Its display counts as acknowledged (T1, T3): acknowledgement off, or
    /// displayed since the agent last disconnected (P8).
    seen: bool,
    ended: bool,
}

#[derive(Debug, Clone)]
struct AgentM {
    signed_in: bool,
    connected: bool,
    presence: String,
    /// When the client disconnected, while it is (P8).
    disconnected_at: Option<i64>,
}

/// What to expect of an input, where the model can tell.
#[derive(Debug, PartialEq)]
enum Expect {
    Any,
    Ok,
    Err(InputError),
}

#[derive(Debug, Clone)]
struct Model {
    world: World,
    agents: Vec<AgentM>,
    /// Members per queue, by agent.
    members: [Vec<bool>; 2],
    items: BTreeMap<String, ItemM>,
    notes: BTreeMap<u64, NoteM>,
    max_note: u64,
    /// Open sessions: owner and item.
    sessions: BTreeMap<u64, (usize, Option<String>)>,
    max_session: u64,
    /// A transfer request accepted in this step: item, requester, new primary.
    transfer_accepted: Option<(String, usize, usize)>,
    /// A `PrimaryChanged` for this item was just seen.
    primary_changed: Option<String>,
    /// Dashboard alerts this step must still raise (T2, T4, S2).
    alerts_due: Vec<(usize, AlertKind, String)>,
}

impl Model {
    fn new(world: &World) -> Self {
        let n = world.agents.len();
        let members =
            [0usize, 1].map(|q| (0..n).map(|a| world.members[q] & (1 << a) != 0).collect());
        Self {
            world: world.clone(),
            agents: vec![
                AgentM {
                    signed_in: false,
                    connected: false,
                    presence: presences::OFFLINE.to_owned(),
                    disconnected_at: None,
                };
                n
            ],
            members,
            items: BTreeMap::new(),
            notes: BTreeMap::new(),
            max_note: 0,
            sessions: BTreeMap::new(),
            max_session: 0,
            transfer_accepted: None,
            primary_changed: None,
            alerts_due: Vec::new(),
        }
    }

    fn n(&self) -> usize {
        self.agents.len()
    }

    fn agent_index(&self, id: &AgentId) -> Result<usize, String> {
        AGENTS[..self.n()]
            .iter()
            .position(|a| *a == id.as_str())
            .ok_or_else(|| format!("an output names unknown agent {id}"))
    }

    fn item_mut(&mut self, id: &WorkItemId) -> Result<&mut ItemM, String> {
        self.items
            .get_mut(id.as_str())
            .ok_or_else(|| format!("an output names work item {id}, which never arrived"))
    }

    // --- derived quantities -------------------------------------------------

    fn items_of(&self, a: usize) -> impl Iterator<Item = &ItemM> {
        self.items.values().filter(move |it| match it.place {
            Place::Offered { agent, .. } | Place::Assigned { agent } => agent == a,
            _ => false,
        })
    }

    /// Session slots: open sessions, pending offers, assigned work not opened (S1).
    fn slots(&self, a: usize) -> u32 {
        let sessions = self.sessions.values().filter(|(o, _)| *o == a).count();
        let unopened = self.items_of(a).filter(|it| it.session.is_none()).count();
        u32::try_from(sessions + unopened).unwrap_or(u32::MAX)
    }

    fn offered_units(&self, a: usize) -> i64 {
        self.items_of(a)
            .filter(|it| matches!(it.place, Place::Offered { .. }))
            .map(|it| it.units)
            .sum()
    }

    /// Whether item `it`, offered or assigned, surely still holds its capacity (C5).
    fn surely_holds(&self, it: &ItemM) -> bool {
        match it.place {
            Place::Offered { .. } => true,
            Place::Assigned { .. } => {
                it.state == ConversationState::Active || self.world.holds_through_wrap_up(it.ws)
            }
            _ => false,
        }
    }

    /// Bounds on the units assigned to agent `a`: what surely still holds
    /// capacity, and everything assigned.
    fn assigned_bounds(&self, a: usize) -> (i64, i64) {
        let assigned = || {
            self.items_of(a)
                .filter(|it| matches!(it.place, Place::Assigned { .. }))
        };
        let low = assigned()
            .filter(|it| self.surely_holds(it))
            .map(|it| it.units)
            .sum();
        let high = assigned().map(|it| it.units).sum();
        (low, high)
    }

    /// Items surely counting against profile `p` of agent `a` (a lower bound: C6).
    fn profile_count(&self, a: usize, p: usize) -> u32 {
        let count = self
            .items_of(a)
            .filter(|it| it.profiles.contains(&p) && self.surely_holds(it))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Agent `a` holds work whose forced assignment went past capacity (C4).
    fn holds_overage(&self, a: usize) -> bool {
        self.items
            .values()
            .any(|it| it.place == Place::Assigned { agent: a } && it.over)
    }

    /// Agent `a` holds work assigned by force (C4), which ignores the session limit.
    fn holds_forced(&self, a: usize) -> bool {
        self.items
            .values()
            .any(|it| it.place == Place::Assigned { agent: a } && it.forced)
    }

    fn holder(it: &ItemM) -> Option<usize> {
        match it.place {
            Place::Assigned { agent } | Place::Idle { agent } => Some(agent),
            _ => None,
        }
    }

    // --- what the model expects of an input ---------------------------------

    /// The answer an input about notification `id` must get (T5, T9).
    fn expect_answer(&self, input: &Input, at: i64) -> Expect {
        let (id, action) = match input {
            Input::Accept { notification } => (*notification, "accept"),
            Input::Reject { notification } => (*notification, "reject"),
            Input::Open { notification } => (*notification, "open"),
            Input::NotificationDisplayed { notification } => (*notification, "displayed"),
            Input::DesktopNotificationClicked { notification } => (*notification, "clicked"),
            _ => return Expect::Any,
        };
        let Some(note) = self.notes.get(&id.0) else {
            return Expect::Err(InputError::UnknownNotification(id));
        };
        // T9: ended, or past its deadline whether or not `tick` ran.
        if note.ended || note.deadline <= at {
            return Expect::Err(InputError::NotificationClosed(id));
        }
        match action {
            "accept" if note.kind == NotificationKind::Toast => {
                Expect::Err(InputError::ActionNotOffered {
                    notification: id,
                    action: "accept",
                })
            }
            "open" if note.kind == NotificationKind::Alert => {
                Expect::Err(InputError::ActionNotOffered {
                    notification: id,
                    action: "open",
                })
            }
            "reject" if !note.rejectable => Expect::Err(InputError::RejectNotAllowed(id)),
            "clicked" if !note.on_desktop => Expect::Err(InputError::NotOnDesktop(id)),
            _ => Expect::Ok,
        }
    }

    fn expect(&self, input: &Input, at: i64) -> Expect {
        let agent_known = |id: &AgentId| AGENTS[..self.n()].contains(&id.as_str());
        let item_known = |id: &WorkItemId| self.items.contains_key(id.as_str());
        match input {
            Input::AgentSignedIn { agent } if agent_known(agent) => {
                let a = AGENTS
                    .iter()
                    .position(|x| *x == agent.as_str())
                    .unwrap_or(0);
                if self.agents[a].signed_in {
                    Expect::Err(InputError::AlreadySignedIn(agent.clone()))
                } else {
                    Expect::Ok
                }
            }
            Input::AgentSignedIn { agent }
            | Input::AgentSignedOut { agent }
            | Input::ResetPresence { agent }
            | Input::SupervisorResetPresence { agent }
            | Input::AppFocusChanged { agent, .. }
            | Input::DesktopPermission { agent, .. }
            | Input::ClientDisconnected { agent }
            | Input::ClientReconnected { agent }
            | Input::SetPresence { agent, .. }
            | Input::AgentOpenedSession { agent }
                if !agent_known(agent) =>
            {
                Expect::Err(InputError::UnknownAgent(agent.clone()))
            }
            Input::AppFocusChanged { .. } | Input::DesktopPermission { .. } => Expect::Ok,
            Input::SetPresence { agent, presence } if presence.as_str() == presences::INACTIVE => {
                let a = AGENTS
                    .iter()
                    .position(|x| *x == agent.as_str())
                    .unwrap_or(0);
                if self.agents[a].signed_in && self.agents[a].connected {
                    // P2: only the system sets Inactive.
                    Expect::Err(InputError::PresenceNotSelectable(presence.clone()))
                } else {
                    Expect::Any
                }
            }
            Input::OpenWork { item }
            | Input::ReleaseWork { item }
            | Input::CustomerReturned { item }
            | Input::SupervisorClose { item }
            | Input::Escalate { item }
            | Input::EscalationEnded { item }
            | Input::CustomerLeft { item }
            | Input::ConversationEnded { item }
            | Input::ConversationClosed { item }
                if !item_known(item) =>
            {
                Expect::Err(InputError::UnknownWorkItem(item.clone()))
            }
            Input::SupervisorClose { item } => {
                if self.items[item.as_str()].place == Place::Closed {
                    Expect::Any
                } else {
                    // L6: a supervisor closes any conversation not closed yet.
                    Expect::Ok
                }
            }
            _ => self.expect_answer(input, at),
        }
    }

    // --- applying what an accepted input did before its outputs -------------

    fn accepted(&mut self, input: &Input, now: i64) {
        let agent = |id: &AgentId| AGENTS.iter().position(|a| *a == id.as_str());
        match input {
            Input::AgentSignedIn { agent: id } => {
                if let Some(a) = agent(id) {
                    self.agents[a].signed_in = true;
                    self.agents[a].connected = true;
                }
            }
            Input::AgentSignedOut { agent: id } => {
                if let Some(a) = agent(id) {
                    self.agents[a].signed_in = false;
                    self.agents[a].connected = false;
                    self.agents[a].disconnected_at = None;
                }
            }
            Input::ClientDisconnected { agent: id } => {
                if let Some(a) = agent(id) {
                    self.agents[a].connected = false;
                    self.agents[a].disconnected_at = Some(now);
                    // P8: offers in flight count as unseen.
                    for note in self.notes.values_mut().filter(|n| n.agent == a) {
                        note.seen = false;
                    }
                }
            }
            Input::NotificationDisplayed { notification } => {
                if let Some(note) = self.notes.get_mut(&notification.0) {
                    note.seen = true;
                }
            }
            Input::ClientReconnected { agent: id } => {
                if let Some(a) = agent(id) {
                    self.agents[a].connected = true;
                    self.agents[a].disconnected_at = None;
                }
            }
            Input::AddQueueMember { queue, agent: id }
            | Input::RemoveQueueMember { queue, agent: id } => {
                let add = matches!(input, Input::AddQueueMember { .. });
                if let (Some(q), Some(a)) =
                    (QUEUES.iter().position(|x| *x == queue.as_str()), agent(id))
                {
                    self.members[q][a] = add;
                }
            }
            Input::WorkArrived(spec) => self.arrived(spec),
            Input::Escalate { item } | Input::EscalationEnded { item } => {
                let on = matches!(input, Input::Escalate { .. });
                if let Some(it) = self.items.get_mut(item.as_str()) {
                    it.escalated = on;
                }
            }
            Input::CustomerReturned { item } => {
                // Back to its queue, unless a forced assignment follows (A7);
                // no output says so.
                if let Some(it) = self.items.get_mut(item.as_str()) {
                    it.place = Place::Waiting;
                    it.state = ConversationState::Open;
                }
            }
            _ => {}
        }
    }

    /// New work waits in its queue until the outputs say otherwise.
    fn arrived(&mut self, spec: &WorkItem) {
        let ws = WORKSTREAMS
            .iter()
            .position(|w| *w == spec.workstream.as_str())
            .unwrap_or(0);
        let queue = QUEUES
            .iter()
            .position(|q| *q == spec.queue.as_str())
            .unwrap_or(0);
        let own: Vec<usize> = spec
            .capacity_profiles
            .iter()
            .filter_map(|p| PROFILES.iter().position(|x| *x == p.as_str()))
            .collect();
        let (units, profiles) = if own.is_empty() {
            (
                self.world.units(ws),
                if ws == PROF { vec![0] } else { Vec::new() },
            )
        } else {
            (0, own)
        };
        let skills = (0..SKILLS.len())
            .filter(|&s| spec.required_skills.iter().any(|r| r == SKILLS[s]))
            .fold(0u8, |bits, s| bits | (1 << s));
        self.items.insert(
            spec.id.as_str().to_owned(),
            ItemM {
                ws,
                queue,
                units,
                profiles,
                skills,
                place: Place::Waiting,
                state: ConversationState::Open,
                session: None,
                declines: [0; 6],
                parked: false,
                auto_pending: false,
                unseen_pending: false,
                unseen_timer: false,
                forced: false,
                over: false,
                escalated: false,
                consultants: BTreeSet::new(),
            },
        );
    }

    // --- following the outputs ----------------------------------------------

    /// A4, C1, C2, C8, S1, T6, A6: agent `a` may be offered item `key` automatically now.
    fn check_offer(&self, key: &str, a: usize) -> Result<(), String> {
        let it = &self.items[key];
        let agent = &self.agents[a];
        let w = &self.world;
        let who = AGENTS[a];
        ensure!(
            agent.signed_in && agent.connected,
            "A4: {key} offered to {who}, who is not signed in and connected"
        );
        let base = base_of(&agent.presence);
        ensure!(
            base.is_some_and(|b| w.allowed(it.ws).contains(&b)),
            "A4/P7: {key} ({}) offered to {who} in presence {}, which the workstream does not allow",
            WORKSTREAMS[it.ws],
            agent.presence
        );
        ensure!(
            self.members[it.queue][a],
            "A4: {key} offered to {who}, who is not a member of {}",
            QUEUES[it.queue]
        );
        ensure!(
            it.skills & !w.agents[a].skills == 0,
            "A4: {key} offered to {who}, who lacks a required skill"
        );
        ensure!(
            it.declines[a] < u32::from(w.declines_allowed),
            "T6: {key} offered to {who} after {} declines",
            it.declines[a]
        );
        ensure!(
            it.ws != PICK,
            "A6: pick-mode work {key} was pushed to {who}"
        );
        ensure!(!it.parked, "T6: parked work {key} was offered to {who}");
        let slots = self.slots(a);
        ensure!(
            slots < w.session_limit,
            "S1/S2: {key} offered to {who}, who already holds {slots} of {} session slots",
            w.session_limit
        );
        if matches!(
            World::channel(it.ws),
            Channel::Chat | Channel::PersistentChat | Channel::Voice
        ) {
            ensure!(
                !self
                    .items
                    .values()
                    .any(|x| x.escalated && x.place == Place::Assigned { agent: a }),
                "C8: {key} offered to {who} during an escalation"
            );
        }
        // Room counts everything held, forced work included (C1, C2): an
        // agent past capacity gets no automatic offer at all.
        let used: i64 = self
            .items_of(a)
            .filter(|x| self.surely_holds(x))
            .map(|x| x.units)
            .sum();
        let capacity = i64::from(w.agents[a].capacity);
        ensure!(
            used + it.units <= capacity,
            "C1: {key} ({} units) offered to {who}, who has {used} of {capacity} units taken",
            it.units
        );
        for &p in &it.profiles {
            let limit = w.profile_limit(a, p);
            ensure!(
                limit.is_some(),
                "C2: {key} offered to {who}, who does not hold profile {}",
                PROFILES[p]
            );
            let taken = self.profile_count(a, p);
            ensure!(
                limit.is_some_and(|l| taken < l),
                "C2: {key} offered to {who}, who has {taken} items of profile {} (limit {limit:?})",
                PROFILES[p]
            );
        }
        for (p, name) in PROFILES.iter().enumerate() {
            if let Some(limit) = w.profile_limit(a, p) {
                ensure!(
                    !w.blocks(p) || self.profile_count(a, p) < limit,
                    "C2: {key} offered to {who}, whose blocking profile {name} is full"
                );
            }
        }
        Ok(())
    }

    fn notify(&mut self, n: &switchboard::Notification) -> Result<(), String> {
        let id = n.id.0;
        ensure!(
            id > self.max_note,
            "T9: notification id {id} issued after {}",
            self.max_note
        );
        self.max_note = id;
        let a = self.agent_index(&n.agent)?;
        ensure!(
            self.agents[a].signed_in,
            "T9: notification {id} about {} sent to signed-out {}",
            n.item,
            n.agent
        );
        let key = n.item.as_str().to_owned();
        let it = self
            .items
            .get(&key)
            .ok_or_else(|| format!("notification {id} about {key}, which never arrived"))?;
        let (place, state) = (it.place, it.state);
        let purpose = match (n.kind, place) {
            (NotificationKind::Alert, Place::Waiting) => {
                self.check_offer(&key, a)?;
                Purpose::Work
            }
            (NotificationKind::Toast, Place::Waiting)
                if n.scenario != Scenario::SupervisorAssign =>
            {
                // An automatic offer by an auto-assign template or a record (T7, T8).
                self.check_offer(&key, a)?;
                self.item_mut(&n.item)?.auto_pending = true;
                Purpose::Work
            }
            (NotificationKind::Toast, Place::Closed) => {
                return Err(format!("V2: Toast {id} about closed item {key}"));
            }
            (NotificationKind::Toast, _) => Purpose::Work,
            (NotificationKind::Alert, Place::Assigned { agent: primary })
                if state == ConversationState::Active =>
            {
                match n.scenario {
                    Scenario::Consult => Purpose::Consult,
                    Scenario::Transfer => Purpose::Transfer { requester: primary },
                    other => {
                        return Err(format!(
                            "an Alert {id} ({other:?}) about {key}, which is assigned"
                        ));
                    }
                }
            }
            (NotificationKind::Alert, other) => {
                return Err(format!(
                    "V2: an Alert {id} about {key}, which is {other:?} ({state:?})"
                ));
            }
        };
        if n.kind == NotificationKind::Alert && purpose == Purpose::Work {
            self.item_mut(&n.item)?.place = Place::Offered { agent: a, note: id };
        }
        self.notes.insert(
            id,
            NoteM {
                agent: a,
                item: key,
                kind: n.kind,
                purpose,
                rejectable: n.reject_label.is_some(),
                on_desktop: n.desktop.is_some(),
                seen: !self.world.display_ack,
                deadline: (n.deadline - time(0)).num_seconds(),
                ended: false,
            },
        );
        Ok(())
    }

    fn notification_ended(
        &mut self,
        id: NotificationId,
        agent: &AgentId,
        item: &WorkItemId,
        how: NotificationEnd,
    ) -> Result<(), String> {
        let a = self.agent_index(agent)?;
        let note = self
            .notes
            .get_mut(&id.0)
            .ok_or_else(|| format!("T9: notification {id} ended but was never sent"))?;
        ensure!(!note.ended, "T9: notification {id} ended twice ({how:?})");
        ensure!(
            note.agent == a && note.item == item.as_str(),
            "T9: NotificationEnded {id} names {agent}/{item}, not whom and what it was sent about"
        );
        let fits = match note.kind {
            NotificationKind::Alert => matches!(
                how,
                NotificationEnd::Accepted
                    | NotificationEnd::Rejected
                    | NotificationEnd::Expired
                    | NotificationEnd::AssignedUnseen
                    | NotificationEnd::Rescinded
            ),
            NotificationKind::Toast => matches!(
                how,
                NotificationEnd::Opened | NotificationEnd::TimedOut | NotificationEnd::Rescinded
            ),
        };
        ensure!(fits, "T9: a {:?} ended as {how:?}", note.kind);
        note.ended = true;
        let (purpose, kind, seen) = (note.purpose, note.kind, note.seen);
        if purpose == Purpose::Work && kind == NotificationKind::Alert {
            ensure!(
                how != NotificationEnd::Expired || seen,
                "T1/T3: Alert {id} expired although its display was never acknowledged"
            );
            ensure!(
                how != NotificationEnd::AssignedUnseen || !seen,
                "T1/T3: Alert {id} was assigned unseen although {agent} saw it"
            );
        }
        let it = self.item_mut(item)?;
        match purpose {
            Purpose::Work if kind == NotificationKind::Alert => {
                if it.place
                    == (Place::Offered {
                        agent: a,
                        note: id.0,
                    })
                {
                    it.place = Place::Waiting;
                    match how {
                        NotificationEnd::Accepted | NotificationEnd::AssignedUnseen => {
                            it.auto_pending = true;
                            it.unseen_pending = how == NotificationEnd::AssignedUnseen;
                        }
                        NotificationEnd::Rejected | NotificationEnd::Expired => {
                            it.declines[a] += 1;
                            let ws = it.ws;
                            let away = self.world.allowed(ws).contains(&BaseStatus::Away);
                            if how == NotificationEnd::Rejected && self.world.reject_rule {
                                self.alerts_due.push((
                                    a,
                                    AlertKind::Rejected,
                                    item.as_str().to_owned(),
                                ));
                            }
                            if how == NotificationEnd::Expired && self.world.missed_rule && !away {
                                self.alerts_due.push((
                                    a,
                                    AlertKind::MissedNotification,
                                    item.as_str().to_owned(),
                                ));
                            }
                        }
                        _ => {}
                    }
                } else {
                    ensure!(
                        it.place == Place::Closed,
                        "T9: work Alert {id} ended while {item} is {:?}",
                        it.place
                    );
                }
            }
            Purpose::Transfer { requester } if how == NotificationEnd::Accepted => {
                self.transfer_accepted = Some((item.as_str().to_owned(), requester, a));
            }
            _ => {}
        }
        Ok(())
    }

    fn work_assigned(
        &mut self,
        item: &WorkItemId,
        agent: &AgentId,
        unseen: bool,
        overage: bool,
    ) -> Result<(), String> {
        let a = self.agent_index(agent)?;
        ensure!(
            self.agents[a].signed_in,
            "V2: {item} assigned to signed-out {agent}"
        );
        let primary_changed = self.primary_changed.take();
        let it = self.item_mut(item)?;
        let from_ok = match it.place {
            Place::Waiting | Place::Idle { .. } => true,
            Place::Assigned { .. } => primary_changed.as_deref() == Some(item.as_str()),
            _ => false,
        };
        ensure!(
            from_ok,
            "V2: {item} assigned to {agent} while {:?}",
            it.place
        );
        ensure!(
            it.session.is_none(),
            "S1: {item} assigned anew with its old session still open"
        );
        if std::mem::take(&mut it.auto_pending) {
            ensure!(
                !overage,
                "C1: the automatic assignment of {item} to {agent} went past capacity"
            );
            ensure!(
                unseen == std::mem::take(&mut it.unseen_pending),
                "T3: WorkAssigned {item} unseen={unseen} does not match how its offer ended"
            );
            it.forced = false;
            it.over = false;
        } else {
            ensure!(!unseen, "T3: a forced assignment of {item} reported unseen");
            it.forced = true;
            it.over = overage;
        }
        it.place = Place::Assigned { agent: a };
        it.state = ConversationState::Active;
        it.unseen_timer = unseen;
        Ok(())
    }

    fn rerouted(
        &mut self,
        item: &WorkItemId,
        from: &AgentId,
        reason: RerouteReason,
    ) -> Result<(), String> {
        let a = self.agent_index(from)?;
        let slots = self.slots(a);
        let limit = self.world.session_limit;
        let it = self.item_mut(item)?;
        if reason == RerouteReason::SessionLimit {
            ensure!(
                it.place == Place::Waiting,
                "S2: {item} rerouted for {from}'s session limit while {:?}",
                it.place
            );
            ensure!(
                slots >= limit,
                "S2: {item} rerouted for the session limit of {from}, who holds {slots} of {limit}"
            );
            if !self.world.agents[a].embedded {
                self.alerts_due
                    .push((a, AlertKind::MaxSessions, item.as_str().to_owned()));
            }
            return Ok(());
        }
        ensure!(
            matches!(it.place, Place::Waiting) || it.place == (Place::Assigned { agent: a }),
            "V2: {item} rerouted from {from} while {:?}",
            it.place
        );
        ensure!(
            it.session.is_none(),
            "S1: {item} rerouted with its session open"
        );
        it.place = Place::Waiting;
        it.state = ConversationState::Open;
        it.escalated = false;
        it.unseen_timer = false;
        Ok(())
    }

    #[allow(clippy::too_many_lines)]
    fn observe(&mut self, out: &Output) -> Result<(), String> {
        match out {
            Output::Notify(n) => self.notify(n)?,
            Output::NotificationEnded {
                notification,
                agent,
                item,
                how,
            } => self.notification_ended(*notification, agent, item, *how)?,
            Output::WorkAssigned {
                item,
                agent,
                unseen,
                overage,
            } => self.work_assigned(item, agent, *unseen, overage.is_some())?,
            Output::Rerouted { item, from, reason } => self.rerouted(item, from, *reason)?,
            Output::SessionOpened {
                agent,
                session,
                item,
            } => {
                let a = self.agent_index(agent)?;
                ensure!(
                    session.0 > self.max_session,
                    "S1: session id {session} reused"
                );
                self.max_session = session.0;
                self.sessions
                    .insert(session.0, (a, item.as_ref().map(|i| i.as_str().to_owned())));
                if let Some(item) = item {
                    let it = self.item_mut(item)?;
                    ensure!(
                        it.place == Place::Assigned { agent: a } && it.session.is_none(),
                        "S1: session {session} opened for {item} on {agent}'s desk while {:?}",
                        it.place
                    );
                    it.session = Some(session.0);
                    it.unseen_timer = false;
                }
            }
            Output::SessionClosed {
                agent,
                session,
                item,
            } => {
                let a = self.agent_index(agent)?;
                let open = self.sessions.remove(&session.0);
                let want = Some((a, item.as_ref().map(|i| i.as_str().to_owned())));
                ensure!(
                    open == want,
                    "S1: SessionClosed {session} for {agent}/{item:?}, but the open session was {open:?}"
                );
                if let Some(item) = item {
                    self.item_mut(item)?.session = None;
                }
            }
            Output::PresenceChanged {
                agent, from, to, ..
            } => {
                let a = self.agent_index(agent)?;
                ensure!(
                    self.agents[a].presence == from.as_str(),
                    "P: {agent}'s presence changed from {from}, but the outputs had it at {}",
                    self.agents[a].presence
                );
                ensure!(from != to, "P: a presence change from {from} to itself");
                to.as_str().clone_into(&mut self.agents[a].presence);
            }
            Output::WorkQueued { item, queue } => {
                let it = self.item_mut(item)?;
                ensure!(
                    it.place == Place::Waiting && QUEUES[it.queue] == queue.as_str(),
                    "V2: WorkQueued {item} in {queue} while {:?}",
                    it.place
                );
            }
            Output::Parked { item, .. } => {
                let it = self.item_mut(item)?;
                ensure!(
                    it.place == Place::Waiting,
                    "T6: {item} parked while {:?}",
                    it.place
                );
                it.parked = true;
            }
            Output::WrapUpStarted { item, agent } => {
                let a = self.agent_index(agent)?;
                let it = self.item_mut(item)?;
                ensure!(
                    it.place == Place::Assigned { agent: a }
                        && it.state == ConversationState::Active,
                    "L1: wrap-up of {item} by {agent} while {:?} {:?}",
                    it.place,
                    it.state
                );
                it.state = ConversationState::WrapUp;
                it.escalated = false;
                it.unseen_timer = false;
            }
            Output::ConversationWaiting { item, agent } => {
                let a = self.agent_index(agent)?;
                let it = self.item_mut(item)?;
                ensure!(
                    it.place == Place::Assigned { agent: a } && it.session.is_none(),
                    "L1: {item} waiting with {agent} while {:?} (session {:?})",
                    it.place,
                    it.session
                );
                it.place = Place::Idle { agent: a };
                it.state = ConversationState::Waiting;
                it.escalated = false;
                it.unseen_timer = false;
            }
            Output::TransferredToQueue { item, from, queue } => {
                let a = self.agent_index(from)?;
                let q = QUEUES
                    .iter()
                    .position(|x| *x == queue.as_str())
                    .ok_or_else(|| format!("transfer to unknown queue {queue}"))?;
                let it = self.item_mut(item)?;
                ensure!(
                    (it.place == Place::Assigned { agent: a }
                        || it.place == Place::Idle { agent: a })
                        && it.session.is_none(),
                    "L3: {item} transferred from {from} while {:?} (session {:?})",
                    it.place,
                    it.session
                );
                it.place = Place::Waiting;
                it.state = ConversationState::Open;
                it.queue = q;
                it.escalated = false;
                it.unseen_timer = false;
            }
            Output::PrimaryChanged { item, from, to } => {
                let a = self.agent_index(from)?;
                let b = self.agent_index(to)?;
                let holder = Model::holder(&self.items[item.as_str()]);
                ensure!(
                    holder == Some(a),
                    "L3: PrimaryChanged of {item} from {from}, but it is {:?}",
                    self.items[item.as_str()].place
                );
                if let Some((t_item, requester, target)) = self.transfer_accepted.take() {
                    if t_item == item.as_str() {
                        ensure!(
                            requester == a && target == b,
                            "L3: a transfer of {item} that {} asked for moved it from {from} to {to}",
                            AGENTS[requester]
                        );
                    }
                }
                self.item_mut(item)?.escalated = false;
                self.primary_changed = Some(item.as_str().to_owned());
            }
            Output::ConversationClosed { item, .. } => {
                let it = self.item_mut(item)?;
                ensure!(it.place != Place::Closed, "V2: {item} closed twice");
                it.place = Place::Closed;
                it.state = ConversationState::Closed;
                it.escalated = false;
                it.unseen_timer = false;
            }
            Output::Alert { agent, kind, item } => {
                let a = self.agent_index(agent)?;
                let due = (a, *kind, item.as_str().to_owned());
                let at = self.alerts_due.iter().position(|d| *d == due);
                ensure!(
                    at.is_some(),
                    "P6: an Alert {kind:?} to {agent} about {item} that no rule raised"
                );
                if let Some(at) = at {
                    self.alerts_due.remove(at);
                }
            }
            Output::ConsultJoined { item, agent } => {
                let a = self.agent_index(agent)?;
                self.item_mut(item)?.consultants.insert(a);
            }
            Output::ConsultEnded { item, agent } => {
                let a = self.agent_index(agent)?;
                ensure!(
                    self.item_mut(item)?.consultants.remove(&a),
                    "L4: {agent} left a consult on {item} they were not in"
                );
            }
            _ => {}
        }
        Ok(())
    }

    // --- checking the engine against the model ------------------------------

    #[allow(clippy::too_many_lines)]
    /// Checks the engine against the model; `latest` is the latest tick.
    fn check(&self, sb: &Switchboard, latest: Option<i64>) -> Result<(), String> {
        ensure!(
            self.alerts_due.is_empty(),
            "T2/T4/S2: alerts not raised: {:?}",
            self.alerts_due
        );
        // V2: every item where the outputs put it, and only arrived ones known.
        for id in ITEMS {
            let location = sb.work_location(&WorkItemId::new(id));
            let Some(it) = self.items.get(id) else {
                ensure!(
                    location.is_none(),
                    "V2: {id} never arrived but is {location:?}"
                );
                continue;
            };
            let want = match it.place {
                Place::Waiting => WorkLocation::Waiting {
                    queue: QUEUES[it.queue].into(),
                },
                Place::Offered { agent, note } => WorkLocation::Offered {
                    agent: AGENTS[agent].into(),
                    notification: NotificationId(note),
                },
                Place::Assigned { agent } => WorkLocation::Assigned {
                    agent: AGENTS[agent].into(),
                },
                Place::Idle { agent } => WorkLocation::Idle {
                    agent: AGENTS[agent].into(),
                },
                Place::Closed => WorkLocation::Closed,
            };
            ensure!(
                location.as_ref() == Some(&want),
                "V2: {id} is {location:?}, but the outputs put it {want:?}"
            );
            let state = sb.conversation_state(&WorkItemId::new(id));
            ensure!(
                state == Some(it.state),
                "V2: {id} is {state:?}, but the outputs say {:?}",
                it.state
            );
            let state_fits = match it.place {
                Place::Waiting | Place::Offered { .. } => it.state == ConversationState::Open,
                Place::Assigned { .. } => matches!(
                    it.state,
                    ConversationState::Active | ConversationState::WrapUp
                ),
                Place::Idle { .. } => it.state == ConversationState::Waiting,
                Place::Closed => it.state == ConversationState::Closed,
            };
            ensure!(
                state_fits,
                "L1: {id} is {:?} while {:?}",
                it.state,
                it.place
            );
        }
        ensure!(
            sb.work_items().count() == self.items.len(),
            "V2: the engine knows {} items, the outputs {}",
            sb.work_items().count(),
            self.items.len()
        );

        // T9: pending notifications, and what each is about.
        let pending: Vec<(&u64, &NoteM)> = self.notes.iter().filter(|(_, n)| !n.ended).collect();
        ensure!(
            sb.pending_notifications() == pending.len(),
            "T9: the engine has {} notifications pending, the outputs {}",
            sb.pending_notifications(),
            pending.len()
        );
        for (id, note) in &pending {
            let it = &self.items[&note.item];
            let who = AGENTS[note.agent];
            ensure!(
                self.agents[note.agent].signed_in,
                "T9: notification {id} about {} still pending for signed-out {who}",
                note.item
            );
            ensure!(
                it.place != Place::Closed,
                "T9: notification {id} to {who} still pending about closed {}",
                note.item
            );
            match (note.purpose, note.kind) {
                (Purpose::Work, NotificationKind::Alert) => ensure!(
                    it.place
                        == Place::Offered {
                            agent: note.agent,
                            note: **id
                        },
                    "T9: work Alert {id} pending while {} is {:?}",
                    note.item,
                    it.place
                ),
                (Purpose::Work, NotificationKind::Toast) => ensure!(
                    it.place == Place::Assigned { agent: note.agent },
                    "T9: Toast {id} to {who} pending while {} is {:?}",
                    note.item,
                    it.place
                ),
                (Purpose::Consult | Purpose::Transfer { .. }, _) => ensure!(
                    matches!(it.place, Place::Assigned { .. })
                        && it.state == ConversationState::Active,
                    "T9/L3: {:?} request {id} to {who} pending while {} is {:?} {:?}",
                    note.purpose,
                    note.item,
                    it.place,
                    it.state
                ),
            }
        }

        // Agents: presence, slots, capacity (P, S1, C1, C2).
        let limit = self.world.session_limit;
        for (a, &who) in AGENTS.iter().enumerate().take(self.n()) {
            let s = sb
                .agent_status(&AgentId::new(who))
                .ok_or_else(|| format!("agent {who} unknown to the engine"))?;
            let m = &self.agents[a];
            ensure!(
                (s.signed_in, s.connected) == (m.signed_in, m.connected),
                "{who}: signed in/connected {:?}, expected {:?}",
                (s.signed_in, s.connected),
                (m.signed_in, m.connected)
            );
            ensure!(
                s.presence.as_str() == m.presence,
                "P: {who} is {}, but the PresenceChanged outputs say {}",
                s.presence,
                m.presence
            );
            let slots = self.slots(a);
            ensure!(
                s.session_slots == slots,
                "S1: {who} holds {} session slots; sessions, offers and unopened work say {slots}",
                s.session_slots
            );
            ensure!(
                s.offered_units == self.offered_units(a),
                "C1: {who} has {} units held by offers; the pending offers need {}",
                s.offered_units,
                self.offered_units(a)
            );
            let (low, high) = self.assigned_bounds(a);
            ensure!(
                low <= s.assigned_units && s.assigned_units <= high,
                "C1/C5: {who} has {} units assigned; their work needs between {low} and {high}",
                s.assigned_units
            );
            if !self.holds_overage(a) {
                ensure!(
                    s.assigned_units + s.offered_units <= s.capacity_units,
                    "C1: {who} is overbooked without a forced assignment: {s:?}"
                );
                for (p, name) in PROFILES.iter().enumerate() {
                    if let Some(l) = self.world.profile_limit(a, p) {
                        let taken = self.profile_count(a, p);
                        ensure!(
                            taken <= l,
                            "C2: {who} holds {taken} items of profile {name} (limit {l}) without a forced assignment"
                        );
                    }
                }
            }
            if !self.holds_forced(a) {
                ensure!(
                    s.session_slots <= limit,
                    "S1: {who} holds {} session slots (limit {limit}) without a forced assignment",
                    s.session_slots
                );
            }
            if !s.signed_in {
                ensure!(
                    (s.assigned_units, s.offered_units, s.session_slots) == (0, 0, 0),
                    "V2: signed-out {who} still holds work: {s:?}"
                );
            }
        }

        // D4: deadlines. After `tick(now)` nothing due is left; no deadline
        // outlives what it belongs to.
        let next = sb.poll_timeout();
        if let (Some(next), Some(latest)) = (next, latest) {
            ensure!(
                next > time(latest),
                "D3/D4: a deadline at {next} is still pending after {}",
                time(latest)
            );
        }
        // Every deadline the model knows of: offers, auto-close (L2), unseen
        // reroutes (T3), reconnect graces (P8); wrap-up releases (C5) and
        // the end-of-day reset (C6) may or may not still be pending.
        let disconnected = self
            .agents
            .iter()
            .filter(|m| m.signed_in && !m.connected)
            .count();
        let live = self
            .items
            .values()
            .filter(|it| it.place != Place::Closed)
            .count();
        let graces = self
            .agents
            .iter()
            .filter(|m| {
                m.disconnected_at
                    .is_some_and(|d| latest.is_none_or(|l| l < d + i64::from(self.world.grace)))
            })
            .count();
        let mut low = pending.len() + graces;
        let mut high = low + 1;
        for it in self.items.values() {
            let timers =
                usize::from(World::auto_closes(it.ws, it.state) && it.place != Place::Closed)
                    + usize::from(it.unseen_timer);
            low += timers;
            high += timers;
            if it.state == ConversationState::WrapUp && self.world.wrap_up_deadline(it.ws) {
                high += 1;
            }
        }
        let deadlines = sb.pending_deadlines();
        ensure!(
            (low..=high).contains(&deadlines),
            "D4/L2/T3/P8: {deadlines} deadlines pending, but the state accounts for {low} to {high}"
        );
        if live == 0 && pending.is_empty() && disconnected == 0 {
            // Only the end-of-day reset (C6) may be left: one, at a local midnight.
            if let Some(next) = next {
                let offset = TimeDelta::minutes(self.world.utc_offset_minutes.into());
                let local = next + offset;
                ensure!(
                    sb.pending_deadlines() == 1
                        && (local.hour(), local.minute(), local.second()) == (0, 0, 0)
                        && latest.is_none_or(|l| next <= time(l) + TimeDelta::hours(25)),
                    "D4: nothing is live, yet {} deadlines are pending, the next at {next}",
                    sb.pending_deadlines()
                );
            }
        }
        Ok(())
    }

    // --- choosing ids for a step --------------------------------------------

    fn agent(&self, k: u8) -> AgentId {
        let k = usize::from(k % 8);
        if k == 7 {
            AgentId::new("ghost")
        } else {
            AgentId::new(AGENTS[k % self.n()])
        }
    }

    /// Mostly an agent for whom `wanted` holds, else any (or an unknown one).
    fn agent_where(&self, k: u8, wanted: impl Fn(usize, &AgentM) -> bool) -> AgentId {
        let fitting: Vec<usize> = (0..self.n())
            .filter(|&a| wanted(a, &self.agents[a]))
            .collect();
        if k < 5 && !fitting.is_empty() {
            AgentId::new(AGENTS[fitting[usize::from(k) % fitting.len()]])
        } else {
            self.agent(k)
        }
    }

    fn item(&self, sel: ItemSel, preferred: Pool) -> WorkItemId {
        const GENERIC: [Pool; 6] = [
            Pool::All,
            Pool::Waiting,
            Pool::Active,
            Pool::Idle,
            Pool::Closed,
            Pool::Ghost,
        ];
        let f = usize::from(sel.filter % 12);
        let pool = if f < 6 { preferred } else { GENERIC[f - 6] };
        if pool == Pool::Ghost {
            return WorkItemId::new("ghost");
        }
        let matching: Vec<&str> = ITEMS
            .iter()
            .copied()
            .filter(|id| pool == Pool::All || self.items.get(*id).is_some_and(|it| pool.holds(it)))
            .collect();
        let idx = usize::from(sel.idx);
        if matching.is_empty() {
            let arrived: Vec<&String> = self.items.keys().collect();
            if arrived.is_empty() || idx % 8 == 7 {
                WorkItemId::new(ITEMS[idx % ITEMS.len()])
            } else {
                WorkItemId::new(arrived[idx % arrived.len()].as_str())
            }
        } else {
            WorkItemId::new(matching[idx % matching.len()])
        }
    }

    /// A notification, the latest pending ones preferring `kind`.
    fn note(&self, sel: NoteSel, kind: Option<NotificationKind>) -> NotificationId {
        let pending: Vec<u64> = self
            .notes
            .iter()
            .filter(|(_, n)| !n.ended)
            .map(|(id, _)| *id)
            .collect();
        let ended: Vec<u64> = self
            .notes
            .iter()
            .filter(|(_, n)| n.ended)
            .map(|(id, _)| *id)
            .collect();
        let idx = usize::from(sel.idx);
        let unknown = self.max_note + 1 + u64::from(sel.idx % 3);
        let any_ended = || {
            if ended.is_empty() {
                unknown
            } else {
                ended[idx % ended.len()]
            }
        };
        let latest = pending
            .iter()
            .rev()
            .find(|id| kind.is_none_or(|k| self.notes[id].kind == k))
            .or(pending.last())
            .copied();
        NotificationId(match sel.which % 10 {
            0..=2 => latest.unwrap_or_else(any_ended),
            3..=5 if !pending.is_empty() => pending[idx % pending.len()],
            3..=7 => any_ended(),
            9 => 0,
            _ => unknown,
        })
    }

    /// A session to close, and its owner when the owner should close it:
    /// an open one (mostly), someone else's, or one not open.
    fn session(&self, which: u8, idx: u8) -> (Option<usize>, SessionId) {
        let idx = usize::from(idx);
        let open: Vec<(u64, usize)> = self.sessions.iter().map(|(id, (o, _))| (*id, *o)).collect();
        let unknown = SessionId(self.max_session + 1 + u64::from(which));
        if open.is_empty() {
            return (None, unknown);
        }
        let (id, owner) = open[idx % open.len()];
        match which % 5 {
            0..=2 => (Some(owner), SessionId(id)),
            3 => (Some((owner + 1) % self.n()), SessionId(id)),
            _ => (None, unknown),
        }
    }

    fn arrival(&self, spec: ArriveSpec) -> WorkItem {
        let id = if spec.fresh {
            ITEMS
                .iter()
                .find(|id| !self.items.contains_key(**id))
                .copied()
                .unwrap_or(ITEMS[usize::from(spec.id) % ITEMS.len()])
        } else if spec.id == u8::MAX {
            ""
        } else {
            ITEMS[usize::from(spec.id) % ITEMS.len()]
        };
        let ws = usize::from(spec.ws % 40);
        let mut item = WorkItem::new(
            id,
            if ws < 38 {
                WORKSTREAMS[ws % WORKSTREAMS.len()]
            } else {
                "ghost-ws"
            },
            match spec.queue % 20 {
                19 => "ghost-q",
                q => QUEUES[usize::from(q % 2)],
            },
        );
        item.priority = spec.priority;
        if spec.customer {
            item.customer = Some(Customer {
                name: "Zoe".to_owned(),
                entity_name: "contact".to_owned(),
                record_id: "zoe-1".to_owned(),
            });
        }
        if spec.case {
            item.case = Some(Case {
                id: "CAS-1".to_owned(),
                title: "Broken kettle".to_owned(),
            });
        }
        item.sms_from = [
            None,
            Some("+1 555 0101"),
            Some("+1 555 0202"),
            Some("+1 555 9999"),
        ][usize::from(spec.sms % 4)]
        .map(str::to_owned);
        item.required_skills = match spec.skills % 10 {
            7 => vec!["es".to_owned()],
            8 => vec!["vip".to_owned()],
            9 => vec!["es".to_owned(), "vip".to_owned()],
            _ => Vec::new(),
        };
        // Own profiles: mostly on the profile workstream; elsewhere a mismatch (C3).
        item.capacity_profiles = match (ws % WORKSTREAMS.len() == PROF, spec.profiles % 10) {
            (true, 7) => vec!["p1".into()],
            (true, 8) => vec!["p2".into()],
            (true, 9) => vec!["ghost-p".into()],
            (false, 9) if spec.priority == 0 => vec!["p1".into()],
            _ => Vec::new(),
        };
        item.escalated_from_bot = spec.bot;
        if spec.bot {
            item.context
                .insert("botSummary".to_owned(), "asked about refunds".to_owned());
        }
        item
    }

    /// The concrete input of a step, with ids chosen from the model.
    #[allow(clippy::too_many_lines)]
    fn resolve(&self, act: Act) -> Input {
        let agent = |k| self.agent(k);
        let queue = |q: u8| switchboard::QueueId::new(["q0", "q1", "ghost-q"][usize::from(q % 3)]);
        match act {
            Act::SignIn(k) => Input::AgentSignedIn {
                agent: self.agent_where(k, |_, m| !m.signed_in),
            },
            Act::SignOut(k) => Input::AgentSignedOut { agent: agent(k) },
            Act::SetPresence(k, p) => Input::SetPresence {
                agent: agent(k),
                presence: PRESENCE_CHOICES[usize::from(p) % PRESENCE_CHOICES.len()].into(),
            },
            Act::Reset(k) => Input::ResetPresence {
                agent: self.agent_where(k, |_, m| penalised(m)),
            },
            Act::SupervisorReset(k) => Input::SupervisorResetPresence {
                agent: self.agent_where(k, |_, m| penalised(m)),
            },
            Act::Focus(k, in_focus) => Input::AppFocusChanged {
                agent: agent(k),
                in_focus,
            },
            Act::Permission(k, granted) => Input::DesktopPermission {
                agent: agent(k),
                granted,
            },
            Act::Disconnect(k) => Input::ClientDisconnected { agent: agent(k) },
            Act::Reconnect(k) => Input::ClientReconnected {
                agent: self.agent_where(k, |_, m| m.signed_in && !m.connected),
            },
            Act::AddMember(q, k) => Input::AddQueueMember {
                queue: queue(q),
                agent: agent(k),
            },
            Act::RemoveMember(q, k) => Input::RemoveQueueMember {
                queue: queue(q),
                agent: agent(k),
            },
            Act::OpenSession(k) => Input::AgentOpenedSession { agent: agent(k) },
            Act::CloseSession(k, which, idx) => {
                let (owner, session) = self.session(which, idx);
                Input::AgentClosedSession {
                    agent: owner.map_or_else(|| agent(k), |a| AgentId::new(AGENTS[a])),
                    session,
                }
            }
            Act::Displayed(n) => Input::NotificationDisplayed {
                notification: self.note(n, None),
            },
            Act::Clicked(n) => Input::DesktopNotificationClicked {
                notification: self.note(n, None),
            },
            Act::Accept(n) => Input::Accept {
                notification: self.note(n, Some(NotificationKind::Alert)),
            },
            Act::AnswerRequest(idx, yes) => {
                let requests: Vec<u64> = self
                    .notes
                    .iter()
                    .filter(|(_, n)| !n.ended && n.purpose != Purpose::Work)
                    .map(|(id, _)| *id)
                    .collect();
                let notification = if requests.is_empty() {
                    self.note(NoteSel { which: 0, idx }, Some(NotificationKind::Alert))
                } else {
                    NotificationId(requests[usize::from(idx) % requests.len()])
                };
                if yes {
                    Input::Accept { notification }
                } else {
                    Input::Reject { notification }
                }
            }
            Act::Reject(n) => Input::Reject {
                notification: self.note(n, Some(NotificationKind::Alert)),
            },
            Act::Open(n) => Input::Open {
                notification: self.note(n, Some(NotificationKind::Toast)),
            },
            Act::OpenWork(i) => Input::OpenWork {
                item: self.item(i, Pool::Unopened),
            },
            Act::Arrive(spec) => Input::WorkArrived(Box::new(self.arrival(spec))),
            Act::Park(i) => {
                let item = self.item(i, Pool::Opened);
                let held = self.items.get(item.as_str()).and_then(|it| {
                    let owner = Model::holder(it)?;
                    Some((owner, it.session?))
                });
                let (owner, session) = held.unwrap_or((0, self.max_session + 1));
                Input::AgentClosedSession {
                    agent: AGENTS[owner % self.n()].into(),
                    session: SessionId(session),
                }
            }
            Act::Ended(i) => Input::ConversationEnded {
                item: self.item(i, Pool::Active),
            },
            Act::Closed(i) => Input::ConversationClosed {
                item: self.item(i, Pool::WrapUp),
            },
            Act::CustomerLeft(i) => Input::CustomerLeft {
                item: self.item(i, Pool::Open),
            },
            Act::Release(i) => Input::ReleaseWork {
                item: self.item(i, Pool::Active),
            },
            Act::Returned(i) => Input::CustomerReturned {
                item: self.item(i, Pool::Idle),
            },
            Act::Consult(i, k) => {
                let item = self.item(i, Pool::Active);
                let holder = self.items.get(item.as_str()).and_then(Model::holder);
                let agent = self.agent_where(k, |a, m| m.connected && holder != Some(a));
                Input::Consult { item, agent }
            }
            Act::LeaveConsult(i, k) => {
                let item = self.item(i, Pool::Consulted);
                let agent = self.consultant(&item, k);
                Input::LeaveConsult { item, agent }
            }
            Act::TransferToQueue(i, q) => Input::TransferToQueue {
                item: self.item(i, Pool::Active),
                queue: queue(q),
            },
            Act::TransferToAgent(i, k) => {
                let item = self.item(i, Pool::Consulted);
                let agent = self.consultant(&item, k);
                Input::TransferToAgent { item, agent }
            }
            Act::Pick(k, i) => Input::Pick {
                agent: agent(k),
                item: self.item(i, Pool::Waiting),
            },
            Act::Escalate(i) => Input::Escalate {
                item: self.item(i, Pool::Active),
            },
            Act::EscalationEnded(i) => Input::EscalationEnded {
                item: self.item(i, Pool::Escalated),
            },
            Act::Contact(c) => Input::ContactUpserted(match c % 4 {
                0 => contact("c4", "Dee", Some("+1 555 0101")),
                1 => contact("c1", "Ann", Some("+1 555 0999")),
                2 => contact("", "Nobody", None),
                _ => contact("c5", "Eve", None),
            }),
            Act::SupervisorAssign(i, k) => Input::SupervisorAssign {
                item: self.item(i, Pool::Unassigned),
                agent: agent(k),
            },
            Act::SupervisorTransfer(i, t) => Input::SupervisorTransfer {
                item: self.item(i, Pool::Held),
                target: if t < 3 {
                    TransferTarget::Queue(queue(t))
                } else {
                    TransferTarget::Agent(agent(t - 3))
                },
            },
            Act::SupervisorClose(i) => Input::SupervisorClose {
                item: self.item(i, Pool::Open),
            },
        }
    }

    /// Mostly a consultant of `item`, else any agent.
    fn consultant(&self, item: &WorkItemId, k: u8) -> AgentId {
        let consultants: Vec<usize> = self
            .items
            .get(item.as_str())
            .map(|it| it.consultants.iter().copied().collect())
            .unwrap_or_default();
        if k < 5 && !consultants.is_empty() {
            AgentId::new(AGENTS[consultants[usize::from(k) % consultants.len()]])
        } else {
            self.agent(k)
        }
    }
}

/// Whether the agent may be under a penalty presence (P6).
fn penalised(m: &AgentM) -> bool {
    m.connected && (m.presence == presences::INACTIVE || m.presence == presences::BUSY_DND)
}

/// Which items a step prefers to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pool {
    All,
    Ghost,
    Waiting,
    Unassigned,
    Active,
    Unopened,
    Opened,
    WrapUp,
    Idle,
    Held,
    Open,
    Closed,
    Consulted,
    Escalated,
}

impl Pool {
    fn holds(self, it: &ItemM) -> bool {
        let assigned = matches!(it.place, Place::Assigned { .. });
        match self {
            Pool::All => true,
            Pool::Ghost => false,
            Pool::Waiting => it.place == Place::Waiting,
            Pool::Unassigned => matches!(it.place, Place::Waiting | Place::Offered { .. }),
            Pool::Active => assigned && it.state == ConversationState::Active,
            Pool::Unopened => assigned && it.session.is_none(),
            Pool::Opened => assigned && it.session.is_some(),
            Pool::WrapUp => {
                assigned
                    && (it.state == ConversationState::WrapUp
                        || (it.ws == CASE && it.state == ConversationState::Active))
            }
            Pool::Idle => matches!(it.place, Place::Idle { .. }),
            Pool::Held => {
                (assigned && it.state == ConversationState::Active)
                    || matches!(it.place, Place::Idle { .. })
            }
            Pool::Open => it.place != Place::Closed,
            Pool::Closed => it.place == Place::Closed,
            Pool::Consulted => !it.consultants.is_empty(),
            Pool::Escalated => it.escalated,
        }
    }
}

// ---------------------------------------------------------------------------
// Running a sequence
// ---------------------------------------------------------------------------

fn drain(sb: &mut Switchboard) -> Vec<Output> {
    std::iter::from_fn(|| sb.poll_output()).collect()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("unserialisable: {e}"))
}

struct Sim {
    /// The engine under test; replaced by its own restored snapshot now and then.
    sb: Switchboard,
    /// Its twin, fed the same inputs and never restored (D7), ticked with
    /// `tick_with` (D5).
    twin: Switchboard,
    model: Model,
    now: i64,
    latest: Option<i64>,
    /// The latest `tick`: every deadline up to it has fired (D3).
    ticked: Option<i64>,
    /// What ran, for the failure message; kept only when `tracing`.
    trace: Vec<String>,
    tracing: bool,
}

impl Sim {
    fn new(world: &World, tracing: bool) -> Result<Self, String> {
        let config = world.config();
        let sb = Switchboard::new(config.clone()).map_err(|e| format!("config refused: {e}"))?;
        let twin = Switchboard::new(config).map_err(|e| format!("config refused: {e}"))?;
        Ok(Self {
            sb,
            twin,
            model: Model::new(world),
            now: 0,
            latest: None,
            ticked: None,
            trace: Vec::new(),
            tracing,
        })
    }

    fn log(&mut self, line: impl FnOnce() -> String) {
        if self.tracing {
            self.trace.push(line());
        }
    }

    fn log_outputs(&mut self, outputs: &[Output]) {
        for o in outputs {
            self.log(|| format!("      -> {o:?}"));
        }
    }

    /// Feeds `input` at `at` to both engines and checks everything (D2, D7).
    fn input(&mut self, at: i64, input: &Input, expect: Expect) -> Result<(), String> {
        self.input_with(at, input, expect, false)
    }

    /// [`Self::input`], optionally restoring the engine from its snapshot
    /// before its outputs are polled (D8: unpolled outputs are state too).
    fn input_with(
        &mut self,
        at: i64,
        input: &Input,
        expect: Expect,
        midway: bool,
    ) -> Result<(), String> {
        let before = self.sb.clone();
        let result = self.sb.handle(time(at), input.clone());
        let twin = self.twin.handle(time(at), input.clone());
        if midway {
            self.snapshot()?;
        }
        let outputs = drain(&mut self.sb);
        let twin_outputs = drain(&mut self.twin);
        self.log(|| format!("{at:>8}s handle {input:?} -> {result:?}"));
        self.log_outputs(&outputs);
        ensure!(
            result == twin,
            "D7: twin engines answered {result:?} and {twin:?}"
        );
        ensure!(
            json(&outputs) == json(&twin_outputs),
            "D7: twin engines gave different outputs: {outputs:?} and {twin_outputs:?}"
        );
        if let Err(e) = result {
            ensure!(
                self.sb == before,
                "D2: the refused input changed the state ({e})"
            );
            ensure!(
                outputs.is_empty(),
                "D2: the refused input queued outputs ({e})"
            );
            match expect {
                Expect::Ok => return Err(format!("refused ({e:?}), but should be accepted")),
                Expect::Err(want) => ensure!(e == want, "refused with {e:?}, not {want:?}"),
                Expect::Any => {}
            }
        } else {
            if let Expect::Err(want) = expect {
                return Err(format!("accepted, but should be refused with {want:?}"));
            }
            self.latest = Some(at);
            self.model.accepted(input, at);
            for o in &outputs {
                self.model.observe(o)?;
            }
        }
        self.model.transfer_accepted = None;
        self.model.primary_changed = None;
        self.model.check(&self.sb, self.ticked)
    }

    /// Ticks both engines at `at` and checks everything (D3, D5, D7).
    fn tick(&mut self, at: i64) -> Result<(), String> {
        // Never before an input already handled.
        let at = self.latest.map_or(at, |latest| at.max(latest));
        self.log(|| format!("{at:>8}s tick"));
        let early = self.sb.poll_timeout().is_none_or(|d| d > time(at));
        let result = self.sb.tick(time(at));
        // The twin has its outputs handed over as they arise (D5).
        let mut twin_outputs = Vec::new();
        let twin = self.twin.tick_with(time(at), |o| twin_outputs.push(o));
        let outputs = drain(&mut self.sb);
        ensure!(
            !early || outputs.is_empty(),
            "D3: a tick before the next deadline gave outputs"
        );
        self.log_outputs(&outputs);
        ensure!(
            result.is_ok() && twin.is_ok(),
            "tick refused: {result:?} {twin:?}"
        );
        ensure!(
            json(&outputs) == json(&twin_outputs),
            "D5, D7: tick and tick_with gave different outputs: {outputs:?} and {twin_outputs:?}"
        );
        ensure!(
            self.twin == self.sb,
            "D5: the engine ticked with tick_with differs"
        );
        self.now = at;
        self.latest = Some(at);
        self.ticked = Some(at);
        for o in &outputs {
            self.model.observe(o)?;
        }
        self.model.transfer_accepted = None;
        self.model.primary_changed = None;
        self.model.check(&self.sb, self.ticked)
    }

    fn wait(&mut self, wait: Wait) -> Result<(), String> {
        let deadline = |sb: &Switchboard| sb.poll_timeout().map(|d| (d - time(0)).num_seconds());
        match wait {
            Wait::Secs(s) => self.tick(self.now + i64::from(s)),
            Wait::ToTimeout(extra) => {
                let to = deadline(&self.sb).unwrap_or(self.now + 60);
                self.tick(to.max(self.now) + i64::from(extra))
            }
            Wait::Hours(h, through) => self.jump(self.now + i64::from(h) * 3600, through),
            Wait::Week(through) => self.jump(self.now + 7 * 86_400, through),
            Wait::Again => {
                let before = self.sb.clone();
                let repeated = self.ticked == Some(self.now) && self.latest == Some(self.now);
                self.tick(self.now)?;
                if repeated {
                    ensure!(
                        self.sb == before,
                        "D3: a second tick at the same time changed the state"
                    );
                }
                Ok(())
            }
        }
    }

    /// At most this many stops on one jump; the rest fire in one tick.
    const STOPS: usize = 64;

    /// Jumps to `to`: in one tick, or stopping at the deadlines on the way.
    fn jump(&mut self, to: i64, through: bool) -> Result<(), String> {
        if through {
            for _ in 0..Self::STOPS {
                let Some(d) = self.sb.poll_timeout() else {
                    break;
                };
                let d = (d - time(0)).num_seconds();
                if d > to {
                    break;
                }
                self.tick(d)?;
            }
        }
        self.tick(to)
    }

    /// D8: the engine goes through JSON and carries on as the restored copy.
    fn snapshot(&mut self) -> Result<(), String> {
        let now = self.now;
        self.log(|| format!("{now:>8}s snapshot round trip"));
        let text = json(&self.sb.snapshot());
        let back: Snapshot =
            serde_json::from_str(&text).map_err(|e| format!("D8: snapshot does not parse: {e}"))?;
        let restored =
            Switchboard::restore(back).map_err(|e| format!("D8: snapshot refused: {e}"))?;
        ensure!(
            json(&restored.snapshot()) == text,
            "D8: the restored engine saves a different snapshot"
        );
        ensure!(restored == self.sb, "D8: the restored engine differs");
        self.sb = restored;
        Ok(())
    }

    fn step(&mut self, step: Step) -> Result<(), String> {
        match step {
            Step::In(act) => {
                let input = self.model.resolve(act);
                let expect = self.model.expect(&input, self.now);
                self.input(self.now, &input, expect)
            }
            Step::Back(act, secs) => {
                let input = self.model.resolve(act);
                if let Some(latest) = self.latest {
                    let at = latest - i64::from(secs);
                    let expect = Expect::Err(InputError::ClockWentBackwards {
                        now: time(at),
                        latest: time(latest),
                    });
                    self.input(at, &input, expect)
                } else {
                    let expect = self.model.expect(&input, self.now);
                    self.input(self.now, &input, expect)
                }
            }
            Step::BackTick(secs) => {
                let Some(latest) = self.latest else {
                    return Ok(());
                };
                let at = latest - i64::from(secs);
                self.log(|| format!("{at:>8}s tick (backwards)"));
                let before = self.sb.clone();
                let result = self.sb.tick(time(at));
                let want = Err(InputError::ClockWentBackwards {
                    now: time(at),
                    latest: time(latest),
                });
                ensure!(result == want, "D6: a tick backwards gave {result:?}");
                ensure!(self.sb == before, "D6: a tick backwards changed the state");
                ensure!(
                    self.sb.poll_output().is_none(),
                    "D6: a tick backwards queued outputs"
                );
                let before = self.twin.clone();
                let mut handed = Vec::new();
                let result = self.twin.tick_with(time(at), |o| handed.push(o));
                ensure!(result == want, "D6: tick_with backwards gave {result:?}");
                ensure!(
                    self.twin == before && handed.is_empty(),
                    "D6: tick_with backwards changed the state or handed over {handed:?}"
                );
                Ok(())
            }
            Step::Wait(wait) => self.wait(wait),
            Step::Snapshot => self.snapshot(),
            Step::Ahead(act, secs) => {
                let at = self.now + i64::from(secs);
                let input = self.model.resolve(act);
                let expect = self.model.expect(&input, at);
                self.input(at, &input, expect)?;
                if self.latest == Some(at) {
                    // Accepted: later inputs may not go back before it (D6).
                    self.now = at;
                }
                Ok(())
            }
            Step::AnswerAll(accept) => self.answer_all(accept),
            Step::Handover(i, k, accept) => self.handover(i, k, accept),
            Step::SnapshotMidway(act) => {
                let input = self.model.resolve(act);
                let expect = self.model.expect(&input, self.now);
                self.input_with(self.now, &input, expect, true)
            }
        }
    }

    /// Every pending notification is displayed, then accepted or opened.
    fn answer_all(&mut self, accept: bool) -> Result<(), String> {
        let pending: Vec<(u64, NotificationKind)> = self
            .model
            .notes
            .iter()
            .filter(|(_, n)| !n.ended)
            .map(|(id, n)| (*id, n.kind))
            .collect();
        for (id, kind) in pending {
            let notification = NotificationId(id);
            let mut inputs = vec![Input::NotificationDisplayed { notification }];
            if accept {
                inputs.push(match kind {
                    NotificationKind::Alert => Input::Accept { notification },
                    NotificationKind::Toast => Input::Open { notification },
                });
            }
            for input in inputs {
                let expect = self.model.expect(&input, self.now);
                self.input(self.now, &input, expect)?;
            }
        }
        Ok(())
    }

    /// A consult, its acceptance, a transfer to the consultant and their answer (L3, L4).
    fn handover(&mut self, i: ItemSel, k: u8, accept: bool) -> Result<(), String> {
        let consult = self.model.resolve(Act::Consult(i, k));
        let expect = self.model.expect(&consult, self.now);
        self.input(self.now, &consult, expect)?;
        let Input::Consult { item, agent } = consult else {
            return Ok(());
        };
        for transfer in [false, true] {
            if transfer {
                let input = Input::TransferToAgent {
                    item: item.clone(),
                    agent: agent.clone(),
                };
                let expect = self.model.expect(&input, self.now);
                self.input(self.now, &input, expect)?;
            }
            let request = self.model.notes.iter().rev().find(|(_, n)| {
                !n.ended
                    && n.purpose != Purpose::Work
                    && n.item == item.as_str()
                    && AGENTS[n.agent] == agent.as_str()
            });
            let Some((&id, _)) = request else {
                return Ok(());
            };
            let notification = NotificationId(id);
            let input = if accept || !transfer {
                Input::Accept { notification }
            } else {
                Input::Reject { notification }
            };
            let expect = self.model.expect(&input, self.now);
            self.input(self.now, &input, expect)?;
        }
        Ok(())
    }

    /// Closes everything and signs everyone out: every notification must
    /// have ended, and only the end-of-day reset may be left pending (T9, D4).
    fn wind_down(&mut self) -> Result<(), String> {
        let open: Vec<&str> = ITEMS
            .iter()
            .copied()
            .filter(|id| {
                self.model
                    .items
                    .get(*id)
                    .is_some_and(|it| it.place != Place::Closed)
            })
            .collect();
        for id in open {
            self.input(
                self.now,
                &Input::SupervisorClose { item: id.into() },
                Expect::Ok,
            )?;
        }
        for (a, who) in AGENTS.iter().enumerate().take(self.model.n()) {
            if self.model.agents[a].signed_in {
                let input = Input::AgentSignedOut {
                    agent: (*who).into(),
                };
                self.input(self.now, &input, Expect::Ok)?;
            }
        }
        ensure!(
            self.sb.pending_notifications() == 0,
            "T9: {} notifications still pending with everything closed",
            self.sb.pending_notifications()
        );
        Ok(())
    }
}

/// Runs a sequence; on failure runs it again with a trace for the message.
fn run(world: &World, steps: &[Step]) -> Result<(), TestCaseError> {
    match run_once(world, steps, false) {
        Ok(()) => Ok(()),
        Err(_) => run_once(world, steps, true),
    }
}

fn run_once(world: &World, steps: &[Step], tracing: bool) -> Result<(), TestCaseError> {
    let mut sim = Sim::new(world, tracing).map_err(TestCaseError::fail)?;
    let outcome = (0..world.agents.len())
        .filter(|a| world.signed_in & (1 << a) != 0)
        .try_for_each(|a| {
            let input = Input::AgentSignedIn {
                agent: AGENTS[a].into(),
            };
            sim.input(0, &input, Expect::Ok)
        })
        .and_then(|()| steps.iter().try_for_each(|&step| sim.step(step)))
        .and_then(|()| sim.wind_down());
    outcome.map_err(|failure| {
        TestCaseError::fail(format!(
            "{failure}\n--- world: {world:?}\n--- what ran:\n{}",
            sim.trace.join("\n")
        ))
    })
}

fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: n,
        // Failures print the whole trace; no files in the work tree.
        failure_persistence: None,
        max_shrink_iters: 4096,
        // A failure is reported within a few minutes even when its cases are slow.
        max_shrink_time: 120_000,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(64))]

    /// V2: a general mix; every item is in exactly one place, the one the
    /// outputs put it in, after every step.
    #[test]
    fn v2_model_every_item_in_exactly_one_place((world, steps) in scenario(GENERAL, 80)) {
        run(&world, &steps)?;
    }

    /// C1, S1: more arrivals and supervisor assignments: automatic offers
    /// never overbook capacity, profiles or the session limit; forced ones may (C4).
    #[test]
    fn c1_model_automatic_assignment_within_capacity_and_session_limit(
        (world, steps) in scenario(Mix { work: 14, answers: 8, supervisor: 3, snapshot: 0, ..GENERAL }, 80)
    ) {
        run(&world, &steps)?;
    }

    /// A4: presence churn: every automatic offer goes to an eligible agent.
    #[test]
    fn a4_model_offers_only_to_eligible_agents(
        (world, steps) in scenario(Mix { people: 14, snapshot: 0, ..GENERAL }, 80)
    ) {
        run(&world, &steps)?;
    }

    /// T9: answers and clock jumps: every notification ends exactly once,
    /// late answers are `NotificationClosed`.
    #[test]
    fn t9_model_every_notification_ends_exactly_once(
        (world, steps) in scenario(Mix { answers: 14, time: 10, snapshot: 0, ..GENERAL }, 80)
    ) {
        run(&world, &steps)?;
    }

    /// D2: refused inputs (unknown ids, wrong states, clocks going
    /// backwards) change nothing and queue nothing.
    #[test]
    fn d2_model_refused_inputs_change_nothing(
        (world, steps) in scenario(Mix { invalid: 8, supervisor: 5, snapshot: 0, ..GENERAL }, 80)
    ) {
        run(&world, &steps)?;
    }

    /// D4: long runs with jumps of hours and weeks: no deadline outlives its
    /// state, and nothing due stays pending after a tick.
    #[test]
    fn d4_model_no_deadline_outlives_its_state(
        (world, steps) in scenario(Mix { time: 14, snapshot: 0, ..GENERAL }, 100)
    ) {
        run(&world, &steps)?;
    }

    /// D7, D8: twin engines agree byte for byte, across JSON snapshot round trips.
    #[test]
    fn d7_model_twin_engines_and_snapshot_round_trips_agree(
        (world, steps) in scenario(Mix { snapshot: 6, ..GENERAL }, 80)
    ) {
        run(&world, &steps)?;
    }
}
