//! Fuzz target: arbitrary bytes → a small world (config) and a sequence of
//! timed inputs, ticks and snapshot round trips, checked after every step
//! against the driving contract (D2–D8) and bad-input rules (V1, V2).
//!
//! Invariants checked:
//! - no panic (V1), including the engine's own `debug_assert!`s;
//! - a refused `handle`/`tick`/`tick_with` leaves the engine equal to a
//!   clone taken before and queues (or hands over) no output (D2, D6); a
//!   time earlier than the latest accepted one is always refused (D6);
//! - `tick(now)` leaves no deadline at or before `now`, `tick_with` leaves
//!   no output queued, and a second tick at `now`, either way, is a no-op
//!   (D3, D4);
//! - every work item has a location; an Offered item's notification is
//!   pending (V2);
//! - notification ids never repeat, every `Notify` ends at most once, an
//!   ended id was notified, and the pending count equals notified − ended
//!   (T9); session ids never repeat;
//! - automatic assignment never overbooks an agent, in units or in any
//!   capacity profile: an agent past a limit must have been told so by a
//!   `WorkAssigned { overage: Some(..) }` naming that limit (C1, C2, C4);
//! - a snapshot → JSON → restore round trip equals the original and
//!   re-serialises byte for byte (D8); the run continues on the restored
//!   engine;
//! - replaying the same timed inputs on a fresh engine gives the same
//!   outputs, byte for byte, and an equal engine (D7; one input in four).
//!   Runs of even length tick with `tick_with` and their replays with
//!   `tick` and a drain, so the two must agree output for output.
//!
//! Every `Input` is generated, `ForgetClosed` among them, so closed ids
//! are forgotten and the same ids arrive again.
//!
//! Set `SWITCHBOARD_FUZZ_TRACE=1` to print the decoded config and every step
//! (as `examples/replay` JSON lines) to stderr.

#![no_main]

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::{Arbitrary, Result, Unstructured};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use switchboard::{
    Agent, AgentId, AgentProfile, AssignmentMethod, AutoClose, BaseStatus, CapacityProfile, Case,
    Channel, Config, Contact, ContactId, Customer, DesktopMode, Distribution, Experience, Input,
    NotificationId, OrgSettings, Output, Presence, PresenceId, ProfileId, ProfileReset, Queue,
    QueueId, Scenario, SessionId, Snapshot, Switchboard, Template, TemplateField, TemplateId,
    TransferTarget, WorkItem, WorkItemId, WorkLocation, Workstream, WorkstreamId, WrapUpBlocking,
};

const AGENTS: [&str; 4] = ["a0", "a1", "a2", "a3"];
const QUEUES: [&str; 3] = ["q0", "q1", "q2"];
const WORKSTREAMS: [(&str, Channel); 6] = [
    ("ws-chat", Channel::Chat),
    ("ws-voice", Channel::Voice),
    ("ws-sms", Channel::Sms),
    ("ws-persist", Channel::PersistentChat),
    ("ws-case", Channel::Record),
    ("ws-pick", Channel::Facebook),
];
const PROFILES: [&str; 2] = ["p0", "p1"];
const ITEMS: [&str; 8] = ["i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7"];
const PRESENCES: [&str; 10] = [
    "Available",
    "Busy",
    "Busy - DND",
    "Away",
    "Offline",
    "Inactive",
    "Lunch",
    "Deep",
    "Ready",
    "Nope",
];
const SKILLS: [&str; 3] = ["en", "fr", "de"];
const PHONES: [&str; 4] = ["+1 555 0100", "15550100", "+44 20 7946 0000", "n/a"];
const CONTACTS: [&str; 3] = ["c0", "c1", "c2"];
const TEMPLATES: [&str; 2] = ["t-a", "t-b"];
const SCENARIOS: [Scenario; 7] = [
    Scenario::IncomingAuthenticated,
    Scenario::IncomingUnauthenticated,
    Scenario::Transfer,
    Scenario::Consult,
    Scenario::SupervisorAssign,
    Scenario::RecordAssigned,
    Scenario::Escalation,
];
const BASES: [BaseStatus; 5] = [
    BaseStatus::Available,
    BaseStatus::Busy,
    BaseStatus::BusyDnd,
    BaseStatus::Away,
    BaseStatus::Offline,
];

/// Most steps one input runs, to keep executions short.
const MAX_STEPS: usize = 160;

fn pick<'a, T>(u: &mut Unstructured<'_>, from: &'a [T]) -> Result<&'a T> {
    u.choose(from)
}

/// One of a few interesting durations in seconds, or any small one.
fn secs(u: &mut Unstructured<'_>, choices: &[u32], max: u32) -> Result<u32> {
    if u.ratio(3, 4)? {
        Ok(*pick(u, choices)?)
    } else {
        u.int_in_range(0..=max)
    }
}

fn subset<T: Clone>(u: &mut Unstructured<'_>, from: &[T]) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for x in from {
        if u.arbitrary()? {
            out.push(x.clone());
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- config

#[derive(Debug, Clone, Copy, Arbitrary)]
enum StartTime {
    Usual(u32),
    NearMin(u32),
    NearMax(u32),
    Any(i64),
}

struct World {
    config: Config,
    n_agents: usize,
    n_queues: usize,
    start: DateTime<Utc>,
}

fn gen_template(u: &mut Unstructured<'_>, name: &str) -> Result<Template> {
    let auto_assign = u.ratio(1, 3)?;
    let auto_accept = auto_assign && u.arbitrary()?;
    let titles = [
        "",
        "Chat from {customerName}",
        "{caseId} {caseTitle}",
        "{queueId} {visitorLanguage} {anything}",
        "{customerEntityName}:{customerRecordId} {entityRoutingLogicalName}",
    ];
    let mut t = Template::new(name)
        .with_title(*pick(u, &titles)?)
        .with_timeout_secs(if u.ratio(7, 8)? {
            *pick(u, &[1, 2, 10, 30, 120, 500])?
        } else {
            u.int_in_range(0..=501)?
        })
        .with_reject_button(u.arbitrary()?)
        .with_countdown(u.arbitrary()?)
        .with_desktop(*pick(
            u,
            &[
                DesktopMode::Never,
                DesktopMode::WhenInBackground,
                DesktopMode::Always,
            ],
        )?)
        .with_auto_assign(auto_assign, auto_accept);
    if u.arbitrary()? {
        t.icon = "/icons/bell.png".into();
    }
    for _ in 0..u.int_in_range(0..=2)? {
        t.fields
            .push(TemplateField::new("Customer", *pick(u, &titles)?));
    }
    Ok(t)
}

fn gen_workstream(u: &mut Unstructured<'_>, id: &str, channel: Channel) -> Result<Workstream> {
    let mut w = Workstream::new(id, channel);
    if id == "ws-pick" {
        w.distribution = Distribution::Pick;
        w.channel = *pick(u, &[Channel::Facebook, Channel::Chat, Channel::Teams])?;
    }
    // The persistent chat workstream is always profile-based; the case one sometimes.
    let profiled = id == "ws-persist" || (id == "ws-case" && u.arbitrary()?);
    if profiled {
        w.capacity_profiles = vec![ProfileId::new("p0")];
        if u.arbitrary()? {
            w.capacity_profiles.push(ProfileId::new("p1"));
        }
    } else if u.ratio(2, 3)? {
        w.capacity_units = Some(*pick(u, &[0, 10, 20, 30, 50, 100])?);
    }
    if u.ratio(1, 3)? {
        let mut allowed = subset(u, &BASES)?;
        if allowed.is_empty() {
            allowed.push(BaseStatus::Available);
        }
        w.allowed_presences = allowed;
    }
    w.wrap_up = match u.int_in_range(0..=2)? {
        0 => WrapUpBlocking::Always,
        1 => WrapUpBlocking::Never,
        _ => WrapUpBlocking::Custom {
            minutes: u.int_in_range(1..=60)?,
        },
    };
    let mut close = || -> Result<Option<u32>> {
        Ok(if u.arbitrary()? {
            None
        } else {
            Some(secs(u, &[0, 1, 30, 300, 3600], 40_000_000)?)
        })
    };
    w.auto_close = AutoClose {
        open_secs: close()?,
        active_secs: close()?,
        waiting_secs: close()?,
        wrap_up_secs: close()?,
    };
    w.affinity = *pick(u, &[None, Some(true), Some(false)])?;
    for scenario in SCENARIOS {
        if u.ratio(1, 4)? {
            w.templates
                .insert(scenario, TemplateId::new(*pick(u, &TEMPLATES)?));
        }
    }
    Ok(w)
}

fn gen_world(u: &mut Unstructured<'_>) -> Result<World> {
    let org = OrgSettings {
        missed_notification_rule: u.arbitrary()?,
        agent_reject_rule: u.arbitrary()?,
        display_acknowledgement: u.ratio(3, 4)?,
        session_limit: *pick(u, &[1, 2, 3, 4, 10])?,
        unseen_reroute_delay_secs: secs(u, &[0, 1, 60, 480, 604_800], 604_800)?,
        reconnect_grace_secs: secs(u, &[0, 1, 150, 604_800], 604_800)?,
        utc_offset_minutes: *pick(u, &[0, -840, 840, 60, -300])?,
        max_consultants: u.int_in_range(1..=5)?,
        declines_allowed: u.int_in_range(1..=5)?,
    };
    let presences = vec![
        Presence {
            id: PresenceId::new("Lunch"),
            text: "Out to lunch".into(),
            base: BaseStatus::Away,
        },
        Presence {
            id: PresenceId::new("Deep"),
            text: "Deep work".into(),
            base: BaseStatus::BusyDnd,
        },
        Presence {
            id: PresenceId::new("Ready"),
            text: "Ready".into(),
            base: BaseStatus::Available,
        },
    ];
    let templates = vec![
        gen_template(u, TEMPLATES[0])?,
        gen_template(u, TEMPLATES[1])?,
    ];
    let capacity_profiles = vec![
        CapacityProfile {
            id: ProfileId::new("p0"),
            limit: u.int_in_range(1..=3)?,
            reset: *pick(u, &[ProfileReset::Immediate, ProfileReset::EndOfDay])?,
            blocks_assignment: u.arbitrary()?,
        },
        CapacityProfile {
            id: ProfileId::new("p1"),
            limit: u.int_in_range(1..=3)?,
            reset: *pick(u, &[ProfileReset::Immediate, ProfileReset::EndOfDay])?,
            blocks_assignment: u.arbitrary()?,
        },
    ];
    let mut workstreams = Vec::new();
    for (id, channel) in WORKSTREAMS {
        workstreams.push(gen_workstream(u, id, channel)?);
    }
    let n_agents = u.int_in_range(1..=AGENTS.len())?;
    let mut agents = Vec::new();
    for id in &AGENTS[..n_agents] {
        let mut a = Agent::new(*id);
        a.capacity_units = *pick(u, &[0, 10, 20, 30, 100])?;
        if u.ratio(1, 3)? {
            a.default_presence = PresenceId::new(*pick(u, &PRESENCES[..9])?);
        }
        if u.ratio(1, 4)? {
            a.experience = Experience::Embedded;
        }
        a.skills = subset(u, &SKILLS[..2])?
            .into_iter()
            .map(str::to_owned)
            .collect();
        for p in PROFILES {
            if u.ratio(3, 4)? {
                a.capacity_profiles.push(AgentProfile {
                    profile: ProfileId::new(p),
                    limit: if u.arbitrary()? {
                        Some(u.int_in_range(1..=3)?)
                    } else {
                        None
                    },
                });
            }
        }
        agents.push(a);
    }
    let n_queues = u.int_in_range(1..=QUEUES.len())?;
    let mut queues = Vec::new();
    for id in &QUEUES[..n_queues] {
        let members = subset(u, &AGENTS[..n_agents])?
            .into_iter()
            .map(AgentId::new)
            .collect::<Vec<_>>();
        let mut q = Queue::new(*id, members);
        q.method = *pick(
            u,
            &[
                None,
                Some(AssignmentMethod::HighestCapacity),
                Some(AssignmentMethod::AdvancedRoundRobin),
                Some(AssignmentMethod::LeastActive),
            ],
        )?;
        queues.push(q);
    }
    let contacts = vec![
        Contact {
            id: ContactId::new("c0"),
            name: "Cleo".into(),
            mobile_phone: Some(PHONES[0].into()),
        },
        Contact {
            id: ContactId::new("c1"),
            name: "Cato".into(),
            mobile_phone: if u.arbitrary()? {
                Some(PHONES[1].into())
            } else {
                None
            },
        },
    ];
    let mut config = Config {
        org,
        presences,
        templates,
        capacity_profiles,
        workstreams,
        agents,
        queues,
        contacts,
    };
    // Now and then one field out of range: the config must be refused, not panic (D1).
    if u.ratio(1, 32)? {
        match u.int_in_range(0..=3)? {
            0 => config.org.session_limit = u.arbitrary()?,
            1 => config.org.utc_offset_minutes = u.arbitrary()?,
            2 => config.capacity_profiles[0].limit = u.arbitrary()?,
            _ => config.workstreams[0].auto_close.open_secs = Some(u.arbitrary()?),
        }
    }
    let base = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
    let start = match u.arbitrary::<StartTime>()? {
        StartTime::Usual(s) => base + TimeDelta::seconds(i64::from(s % (3 * 86_400))),
        StartTime::NearMin(s) => {
            DateTime::<Utc>::MIN_UTC + TimeDelta::seconds(i64::from(s % (3 * 86_400)))
        }
        StartTime::NearMax(s) => {
            DateTime::<Utc>::MAX_UTC - TimeDelta::seconds(i64::from(s % 40_000_000))
        }
        StartTime::Any(s) => DateTime::from_timestamp(s, 0).unwrap_or(base),
    };
    Ok(World {
        config,
        n_agents,
        n_queues,
        start,
    })
}

// ---------------------------------------------------------------- steps

#[derive(Debug, Clone)]
enum Op {
    Tick,
    Handle(Input),
    /// Snapshot → JSON → restore; `before_drain`: with outputs still queued.
    RoundTrip,
}

#[derive(Debug, Clone)]
struct Step {
    at: DateTime<Utc>,
    /// Call `tick(at)` before the op, as a host should.
    tick_first: bool,
    op: Op,
}

/// What the harness remembers of the run so far, to draw ids that hit.
#[derive(Default)]
struct Seen {
    notifications: Vec<NotificationId>,
    sessions: Vec<SessionId>,
    /// Items as they were assigned: what consults, transfers, releases
    /// and ends can act on.
    assigned: Vec<WorkItemId>,
}

fn agent_id(u: &mut Unstructured<'_>, w: &World) -> Result<AgentId> {
    Ok(AgentId::new(match u.int_in_range(0..=15u8)? {
        0 => "ghost",
        1 => "",
        n => AGENTS[usize::from(n) % w.n_agents],
    }))
}

fn queue_id(u: &mut Unstructured<'_>, w: &World) -> Result<QueueId> {
    Ok(QueueId::new(match u.int_in_range(0..=15u8)? {
        0 => "nowhere",
        n => QUEUES[usize::from(n) % w.n_queues],
    }))
}

/// The id of a new item: one of [`ITEMS`], now and then empty or odd.
fn new_item_id(u: &mut Unstructured<'_>) -> Result<WorkItemId> {
    Ok(WorkItemId::new(match u.int_in_range(0..=40u8)? {
        0 => "",
        1 => "zz",
        n => ITEMS[usize::from(n) % ITEMS.len()],
    }))
}

/// The id of an item to act on: one recently assigned half the time (so
/// that consults, transfers and ends meet work in hand), else as
/// [`new_item_id`]. Drawn from [`ITEMS`] alone, the consult and transfer
/// paths were reached in next to no runs.
fn item_id(u: &mut Unstructured<'_>, seen: &Seen) -> Result<WorkItemId> {
    if !seen.assigned.is_empty() && u.ratio(1, 2)? {
        return one_of_last(u, &seen.assigned);
    }
    new_item_id(u)
}

/// One of the last eight of `list`, which is not empty.
fn one_of_last<T: Clone>(u: &mut Unstructured<'_>, list: &[T]) -> Result<T> {
    let back = usize::from(u.int_in_range(0..=7u8)?);
    Ok(list[list.len() - 1 - back.min(list.len() - 1)].clone())
}

/// Recent ids are likelier; sometimes one never issued.
fn recent<T: Copy>(u: &mut Unstructured<'_>, seen: &[T], any: impl Fn(u64) -> T) -> Result<T> {
    if seen.is_empty() || u.ratio(1, 10)? {
        return Ok(any(u.int_in_range(0..=seen.len() as u64 + 2)?));
    }
    one_of_last(u, seen)
}

fn notification(u: &mut Unstructured<'_>, seen: &Seen) -> Result<NotificationId> {
    recent(u, &seen.notifications, NotificationId)
}

fn gen_work_item(u: &mut Unstructured<'_>, w: &World) -> Result<WorkItem> {
    let ws = match u.int_in_range(0..=12u8)? {
        0 => "ws-none",
        n => WORKSTREAMS[usize::from(n) % WORKSTREAMS.len()].0,
    };
    let mut item = WorkItem::new(new_item_id(u)?, WorkstreamId::new(ws), queue_id(u, w)?);
    item.priority = u.int_in_range(-2..=2)?;
    if u.ratio(1, 3)? {
        item.customer = Some(Customer {
            name: "Cy".into(),
            entity_name: "contact".into(),
            record_id: "rec-1".into(),
        });
    }
    if u.ratio(1, 3)? {
        item.case = Some(Case {
            id: "CAS-1".into(),
            title: "Broken {thing}".into(),
        });
    }
    if u.ratio(1, 3)? {
        item.context.insert("visitorLanguage".into(), "en".into());
        item.context.insert("anything".into(), "}{".into());
    }
    if u.ratio(1, 3)? {
        item.sms_from = Some((*pick(u, &PHONES)?).into());
    }
    if u.ratio(1, 4)? {
        item.required_skills = subset(u, &SKILLS)?.into_iter().map(str::to_owned).collect();
    }
    item.escalated_from_bot = u.ratio(1, 5)?;
    if u.ratio(1, 4)? {
        for _ in 0..u.int_in_range(1..=2)? {
            let p = *pick(u, &["p0", "p1", "px"])?;
            item.capacity_profiles.push(ProfileId::new(p));
        }
    }
    Ok(item)
}

/// Every `Input` variant: keep in step with `switchboard::Input`.
fn gen_input(u: &mut Unstructured<'_>, w: &World, seen: &Seen) -> Result<Input> {
    // 0..=36: one arm per variant; 37..=52: arrivals and the answers that
    // move work forward, again, so that work flows and conversations often
    // get past an offer (with one arm each, 8 % of the runs a 20-minute
    // fuzz kept saw an arrival, and most answers named nothing there was).
    let pick_variant = match u.int_in_range(0..=52u8)? {
        37..=40 => 11, // Accept
        41..=43 => 9,  // NotificationDisplayed
        44..=45 => 13, // Open
        46 => 14,      // OpenWork
        47 => 33,      // ConversationEnded
        48 => 34,      // ConversationClosed
        49..=52 => 31, // WorkArrived
        n => n,
    };
    Ok(match pick_variant {
        0 => Input::AgentSignedIn {
            agent: agent_id(u, w)?,
        },
        1 => Input::AgentSignedOut {
            agent: agent_id(u, w)?,
        },
        2 => Input::SetPresence {
            agent: agent_id(u, w)?,
            presence: PresenceId::new(*pick(u, &PRESENCES)?),
        },
        3 => Input::ResetPresence {
            agent: agent_id(u, w)?,
        },
        4 => Input::SupervisorResetPresence {
            agent: agent_id(u, w)?,
        },
        5 => Input::AppFocusChanged {
            agent: agent_id(u, w)?,
            in_focus: u.arbitrary()?,
        },
        6 => Input::DesktopPermission {
            agent: agent_id(u, w)?,
            granted: u.arbitrary()?,
        },
        7 => Input::ClientDisconnected {
            agent: agent_id(u, w)?,
        },
        8 => Input::ClientReconnected {
            agent: agent_id(u, w)?,
        },
        9 => Input::NotificationDisplayed {
            notification: notification(u, seen)?,
        },
        10 => Input::DesktopNotificationClicked {
            notification: notification(u, seen)?,
        },
        11 => Input::Accept {
            notification: notification(u, seen)?,
        },
        12 => Input::Reject {
            notification: notification(u, seen)?,
        },
        13 => Input::Open {
            notification: notification(u, seen)?,
        },
        14 => Input::OpenWork {
            item: item_id(u, seen)?,
        },
        15 => Input::AgentOpenedSession {
            agent: agent_id(u, w)?,
        },
        16 => Input::AgentClosedSession {
            agent: agent_id(u, w)?,
            session: recent(u, &seen.sessions, SessionId)?,
        },
        17 => Input::Consult {
            item: item_id(u, seen)?,
            agent: agent_id(u, w)?,
        },
        18 => Input::LeaveConsult {
            item: item_id(u, seen)?,
            agent: agent_id(u, w)?,
        },
        19 => Input::ReleaseWork {
            item: item_id(u, seen)?,
        },
        20 => Input::CustomerReturned {
            item: item_id(u, seen)?,
        },
        21 => Input::Pick {
            agent: agent_id(u, w)?,
            item: item_id(u, seen)?,
        },
        22 => Input::TransferToQueue {
            item: item_id(u, seen)?,
            queue: queue_id(u, w)?,
        },
        23 => Input::TransferToAgent {
            item: item_id(u, seen)?,
            agent: agent_id(u, w)?,
        },
        24 => Input::SupervisorAssign {
            item: item_id(u, seen)?,
            agent: agent_id(u, w)?,
        },
        25 => Input::SupervisorTransfer {
            item: item_id(u, seen)?,
            target: if u.arbitrary()? {
                TransferTarget::Queue(queue_id(u, w)?)
            } else {
                TransferTarget::Agent(agent_id(u, w)?)
            },
        },
        26 => Input::SupervisorClose {
            item: item_id(u, seen)?,
        },
        27 => Input::Escalate {
            item: item_id(u, seen)?,
        },
        28 => Input::EscalationEnded {
            item: item_id(u, seen)?,
        },
        29 => Input::AddQueueMember {
            queue: queue_id(u, w)?,
            agent: agent_id(u, w)?,
        },
        30 => Input::RemoveQueueMember {
            queue: queue_id(u, w)?,
            agent: agent_id(u, w)?,
        },
        31 => Input::WorkArrived(Box::new(gen_work_item(u, w)?)),
        32 => Input::CustomerLeft {
            item: item_id(u, seen)?,
        },
        33 => Input::ConversationEnded {
            item: item_id(u, seen)?,
        },
        34 => Input::ConversationClosed {
            item: item_id(u, seen)?,
        },
        35 => Input::ForgetClosed,
        _ => Input::ContactUpserted(Contact {
            id: ContactId::new(*pick(u, &CONTACTS)?),
            name: "Cass".into(),
            mobile_phone: if u.ratio(3, 4)? {
                Some((*pick(u, &PHONES)?).into())
            } else {
                None
            },
        }),
    })
}

/// The time of the next step: mostly forward, to the next deadline, now and
/// then backwards, far ahead, or next to chrono's limits. The jumps to
/// chrono's limits or to any time at all are one choice in 256 each, in
/// the middle of the range: at either end, the bytes libFuzzer writes
/// most (0x00, 0xff) mean "now". With them one in 64 each, and 0xff
/// meaning any time at all, a 20-minute run's corpus had a fifth of its
/// steps refused as going backwards.
fn gen_time(
    u: &mut Unstructured<'_>,
    now: DateTime<Utc>,
    next_deadline: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>> {
    let plus = |t: DateTime<Utc>, s: i64| t.checked_add_signed(TimeDelta::seconds(s)).unwrap_or(t);
    Ok(match u.int_in_range(0..=255u8)? {
        96..=151 => plus(now, i64::from(u.int_in_range(1..=60u8)?)),
        152..=175 => plus(now, i64::from(u.int_in_range(61..=600u16)?)),
        176..=207 => match next_deadline {
            Some(d) => plus(d, i64::from(u.int_in_range(-1..=1i8)?)),
            None => plus(now, 60),
        },
        208..=219 => plus(now, i64::from(u.int_in_range(600..=40 * 86_400u32)?)),
        220..=231 => plus(now, -i64::from(u.int_in_range(1..=600u16)?)),
        232..=239 => plus(now, i64::from(u.int_in_range(0..=3_000_000u32)?)),
        240..=243 => plus(now, u.int_in_range(1..=300 * 365 * 86_400i64)?),
        244 => DateTime::<Utc>::MAX_UTC - TimeDelta::seconds(u.int_in_range(0..=40_000_000i64)?),
        245 => DateTime::<Utc>::MIN_UTC + TimeDelta::seconds(u.int_in_range(0..=86_400i64)?),
        246 => DateTime::from_timestamp(u.arbitrary()?, u.int_in_range(0..=999_999_999u32)?)
            .unwrap_or(now),
        _ => now,
    })
}

fn gen_step(
    u: &mut Unstructured<'_>,
    w: &World,
    seen: &Seen,
    now: DateTime<Utc>,
    next_deadline: Option<DateTime<Utc>>,
) -> Result<Step> {
    let at = gen_time(u, now, next_deadline)?;
    let op = match u.int_in_range(0..=15u8)? {
        0..=1 => Op::Tick,
        2 => Op::RoundTrip,
        _ => Op::Handle(gen_input(u, w, seen)?),
    };
    Ok(Step {
        at,
        tick_first: u.ratio(3, 4)?,
        op,
    })
}

// ---------------------------------------------------------------- checks

#[derive(Default)]
struct Tracker {
    notified: BTreeMap<NotificationId, (AgentId, WorkItemId)>,
    ended: BTreeSet<NotificationId>,
    sessions: BTreeSet<SessionId>,
    /// (agent, limit) pairs a forced assignment reported as exceeded; the
    /// limit is "" for units, else a profile id.
    allowed_over: BTreeSet<(String, String)>,
    /// Latest time the engine accepted.
    latest: Option<DateTime<Utc>>,
    /// Deadline-by-deadline ticks so far (see `RUN_TICK_BUDGET`).
    ticks_used: usize,
    /// Every output, serialised, for the determinism check (D7), when `record`.
    transcript: Vec<String>,
    record: bool,
    /// Outputs seen so far.
    outputs: usize,
    /// Tick with `tick_with`, taking each output as it arises, instead of
    /// `tick` and then draining. The replay (D7) takes the other way, so
    /// that the two must give the same outputs in the same order.
    hand_over: bool,
    seen: Seen,
}

fn trace_on() -> bool {
    std::env::var_os("SWITCHBOARD_FUZZ_TRACE").is_some()
}

impl Tracker {
    fn output(&mut self, output: &Output, trace: bool) {
        if self.record || trace {
            let json = serde_json::to_string(output).expect("outputs serialise");
            if trace {
                eprintln!("    -> {json}");
            }
            self.transcript.push(json);
        }
        self.outputs += 1;
        if let Output::WorkAssigned { item, .. } = output {
            self.seen.assigned.push(item.clone());
        }
        match output {
            Output::Notify(n) => {
                assert!(
                    self.notified
                        .insert(n.id, (n.agent.clone(), n.item.clone()))
                        .is_none(),
                    "T9: notification id {} issued twice",
                    n.id
                );
                self.seen.notifications.push(n.id);
            }
            Output::NotificationEnded { notification, .. } => {
                assert!(
                    self.notified.contains_key(notification),
                    "T9: notification {notification} ended but was never notified"
                );
                assert!(
                    self.ended.insert(*notification),
                    "T9: notification {notification} ended twice"
                );
            }
            Output::SessionOpened { session, .. } => {
                assert!(
                    self.sessions.insert(*session),
                    "S1: session id {session} opened twice"
                );
                self.seen.sessions.push(*session);
            }
            Output::WorkAssigned {
                agent,
                overage: Some(over),
                ..
            } => {
                assert!(
                    over.units > 0 || !over.profiles.is_empty(),
                    "C4: overage reported as Some but empty: {over:?}"
                );
                if over.units > 0 {
                    self.allowed_over
                        .insert((agent.as_str().to_owned(), String::new()));
                }
                for p in &over.profiles {
                    self.allowed_over
                        .insert((agent.as_str().to_owned(), p.as_str().to_owned()));
                }
            }
            _ => {}
        }
    }

    fn drain(&mut self, sb: &mut Switchboard, trace: bool) {
        while let Some(output) = sb.poll_output() {
            self.output(&output, trace);
        }
    }

    /// V2, T9 and C1/C2/C4 on the engine as it is now (outputs drained).
    fn check(&mut self, sb: &Switchboard, w: &World) {
        for id in sb.work_items() {
            let location = sb
                .work_location(id)
                .unwrap_or_else(|| panic!("V2: work item {id} has no location"));
            if let WorkLocation::Offered { notification, .. } = location {
                assert!(
                    self.notified.contains_key(&notification)
                        && !self.ended.contains(&notification),
                    "V2: {id} is offered by notification {notification}, which is not pending"
                );
            }
        }
        assert_eq!(
            sb.pending_notifications(),
            self.notified.len() - self.ended.len(),
            "T9: pending notifications differ from notified minus ended"
        );

        // Where each agent is past a limit: units from the status, profiles
        // from the snapshot's state.
        let mut over: BTreeSet<(String, String)> = BTreeSet::new();
        let mut detail = Vec::new();
        for agent in sb.agent_ids() {
            let s = sb
                .agent_status(agent)
                .expect("configured agent has a status");
            if s.assigned_units < 0 || s.offered_units < 0 {
                panic!("C1: negative units for {agent}: {s:?}");
            }
            if s.assigned_units + s.offered_units > s.capacity_units {
                over.insert((agent.as_str().to_owned(), String::new()));
                detail.push(format!("{agent}: {s:?}"));
            }
        }
        let state = serde_json::to_value(sb.snapshot()).expect("snapshot serialises");
        let agents = state["state"]["agents"].as_array().expect("agents");
        for (a, agent) in agents.iter().enumerate() {
            for used in agent["profiles"].as_array().expect("profiles") {
                let n = |k: &str| used[k].as_u64().expect("profile counter");
                if n("open") + n("held") + n("closed_today") > n("limit") {
                    let p = usize::try_from(n("profile")).expect("index");
                    let profile = w.config.capacity_profiles[p].id.as_str().to_owned();
                    over.insert((AGENTS[a].to_owned(), profile));
                    detail.push(format!("{}: {used}", AGENTS[a]));
                }
            }
        }
        for limit in &over {
            assert!(
                self.allowed_over.contains(limit),
                "C1/C2/C4: agent {} is past limit {:?} (\"\" = units) with no overage reported: {detail:?}",
                limit.0,
                limit.1
            );
        }
        self.allowed_over.retain(|limit| over.contains(limit));
    }
}

/// D8: snapshot → JSON → restore equals the original, and re-serialises the same.
fn round_trip(sb: &Switchboard) -> Switchboard {
    let json = serde_json::to_string(&sb.snapshot()).expect("snapshot serialises");
    let back: Snapshot = serde_json::from_str(&json).expect("snapshot deserialises");
    let restored = Switchboard::restore(back).expect("D8: own snapshot restores");
    assert!(
        restored == *sb,
        "D8: restored engine differs from the original"
    );
    let again = serde_json::to_string(&restored.snapshot()).expect("snapshot serialises");
    assert_eq!(json, again, "D8: restored engine serialises differently");
    restored
}

// ---------------------------------------------------------------- driver

/// Most deadlines one step fires on its way to a later time. A conversation
/// whose offers are never displayed bounces between its agent and its queue
/// forever (T3), so one `tick` far ahead can fire without end; the harness
/// goes deadline by deadline instead and stops after this many.
const TICK_BUDGET: usize = 64;
/// Most deadline-by-deadline ticks in one run, to keep executions short.
const RUN_TICK_BUDGET: usize = 1024;

/// `tick(at)`, checking D2, D3, D4 and D6.
fn tick(sb: &mut Switchboard, at: DateTime<Utc>, t: &mut Tracker, trace: bool) -> bool {
    let backwards = t.latest.is_some_and(|latest| at < latest);
    let before = sb.clone();
    if trace {
        eprintln!("{}", serde_json::json!({ "at": at, "tick": true }));
    }
    let mut handed = Vec::new();
    let ticked = if t.hand_over {
        sb.tick_with(at, |output| handed.push(output))
    } else {
        sb.tick(at)
    };
    match ticked {
        Ok(()) => {
            assert!(!backwards, "D6: tick at {at} accepted after {:?}", t.latest);
            t.latest = Some(at);
            if t.hand_over {
                assert!(sb.poll_output().is_none(), "tick_with left outputs queued");
            }
            for output in &handed {
                t.output(output, trace);
            }
            t.drain(sb, trace);
            if let Some(next) = sb.poll_timeout() {
                assert!(
                    next > at,
                    "D3/D4: deadline {next} left due after tick({at})"
                );
            }
            // D3: a second tick at the same time is a no-op.
            let once = sb.clone();
            let mut again = 0;
            sb.tick_with(at, |_| again += 1)
                .expect("D3: a repeated tick is accepted");
            sb.tick(at).expect("D3: a repeated tick is accepted");
            assert!(
                again == 0 && sb.poll_output().is_none(),
                "D3: repeated tick emitted output"
            );
            assert!(*sb == once, "D3: repeated tick changed the engine");
            true
        }
        Err(e) => {
            if trace {
                eprintln!("    !! {e}");
            }
            assert!(
                handed.is_empty(),
                "D2: refused tick_with handed over output: {e}"
            );
            assert!(
                sb.poll_output().is_none(),
                "D2: refused tick queued output: {e}"
            );
            assert!(*sb == before, "D2: refused tick changed the engine: {e}");
            false
        }
    }
}

/// Ticks towards `target` deadline by deadline (as a host sleeping on
/// `poll_timeout` would), then at `target`; returns the time reached, which
/// falls short of `target` when the budget runs out.
fn advance(
    sb: &mut Switchboard,
    target: DateTime<Utc>,
    t: &mut Tracker,
    w: &World,
    trace: bool,
) -> DateTime<Utc> {
    let mut budget = TICK_BUDGET;
    while let Some(deadline) = sb.poll_timeout().filter(|d| *d < target) {
        // Overdue after handles without a tick (at most an hour's worth, see
        // `apply`): fire them at the latest time first.
        let deadline = match t.latest {
            Some(latest) if deadline < latest => latest,
            _ => deadline,
        };
        if budget == 0 || t.ticks_used >= RUN_TICK_BUDGET {
            return t.latest.unwrap_or(target);
        }
        budget -= 1;
        t.ticks_used += 1;
        if !tick(sb, deadline, t, trace) {
            break;
        }
        t.check(sb, w);
    }
    tick(sb, target, t, trace);
    target
}

/// Applies one step to `sb`, checking D2/D3/D6 along the way.
fn apply(sb: &mut Switchboard, step: &Step, t: &mut Tracker, w: &World, trace: bool) {
    let mut at = step.at;
    if step.tick_first || matches!(step.op, Op::Tick) {
        at = advance(sb, at, t, w, trace);
    } else if let Some(deadline) = sb.poll_timeout() {
        // Without a tick, a later one must fire what is overdue: keep that bounded.
        if let Some(limit) = deadline.checked_add_signed(TimeDelta::hours(1)) {
            at = at.min(limit);
        }
    }
    let backwards = t.latest.is_some_and(|latest| at < latest);
    match &step.op {
        Op::Tick => {}
        Op::RoundTrip => {
            if trace {
                eprintln!("# snapshot round trip");
            }
            *sb = round_trip(sb);
        }
        Op::Handle(input) => {
            let before = sb.clone();
            if trace {
                eprintln!("{}", serde_json::json!({ "at": at, "input": input }));
            }
            match sb.handle(at, input.clone()) {
                Ok(()) => {
                    assert!(
                        !backwards,
                        "D6: input at {at} accepted after {:?}",
                        t.latest
                    );
                    t.latest = Some(at);
                    // Now and then snapshot with outputs still queued.
                    if t.outputs % 7 == 3 {
                        *sb = round_trip(sb);
                    }
                    t.drain(sb, trace);
                }
                Err(e) => {
                    if trace {
                        eprintln!("    !! {e}");
                    }
                    assert!(
                        sb.poll_output().is_none(),
                        "D2: refused input queued output: {e}"
                    );
                    assert!(*sb == before, "D2: refused input changed the engine: {e}");
                }
            }
        }
    }
}

fn run(data: &[u8]) -> Result<()> {
    let mut u = Unstructured::new(data);
    let w = gen_world(&mut u)?;
    let trace = trace_on();
    if trace {
        eprintln!(
            "# config: {}",
            serde_json::to_string(&w.config).expect("config serialises")
        );
        eprintln!("# start: {}", w.start);
    }
    let Ok(mut sb) = Switchboard::new(w.config.clone()) else {
        return Ok(());
    };
    // D7 (below) runs for one input in four: it doubles the cost.
    let replay_too = data.len().is_multiple_of(4);
    let mut t = Tracker {
        record: replay_too,
        hand_over: data.len().is_multiple_of(2),
        ..Tracker::default()
    };
    let mut steps = Vec::new();
    let mut now = w.start;
    // Often start with some agents signed in, so that work flows early.
    let signed_in: u8 = u.arbitrary()?;
    for (k, agent) in AGENTS[..w.n_agents].iter().enumerate() {
        if signed_in & (1 << k) != 0 {
            let step = Step {
                at: now,
                tick_first: false,
                op: Op::Handle(Input::AgentSignedIn {
                    agent: AgentId::new(*agent),
                }),
            };
            apply(&mut sb, &step, &mut t, &w, trace);
            t.check(&sb, &w);
            steps.push(step);
        }
    }
    while !u.is_empty() && steps.len() < MAX_STEPS {
        let Ok(step) = gen_step(&mut u, &w, &t.seen, now, sb.poll_timeout()) else {
            break;
        };
        apply(&mut sb, &step, &mut t, &w, trace);
        t.check(&sb, &w);
        if let Some(latest) = t.latest {
            now = latest;
        }
        steps.push(step);
    }
    let end = round_trip(&sb);

    // D7: the same timed inputs on a fresh engine give the same outputs.
    if !replay_too {
        return Ok(());
    }
    let mut replay = Switchboard::new(w.config.clone()).expect("config was accepted once");
    let mut r = Tracker {
        record: true,
        hand_over: !t.hand_over,
        ..Tracker::default()
    };
    for step in &steps {
        apply(&mut replay, step, &mut r, &w, false);
    }
    assert_eq!(t.transcript, r.transcript, "D7: replay gave other outputs");
    assert!(replay == end, "D7: replay ended in another state");
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
