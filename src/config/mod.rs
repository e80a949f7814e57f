//! Configuration: org settings, presences, templates, workstreams, queues,
//! agents and contacts. Validated as a whole by [`Switchboard::new`](crate::Switchboard::new) (D1);
//! loads from JSON (or any serde format) with every optional field defaulted.

mod presence_classes;
mod validate;

pub(crate) use validate::{Compiled, TemplateTexts, compile};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ContactId, PresenceId, ProfileId, QueueId, TemplateId, WorkstreamId};
use crate::presence::{BaseStatus, Presence, builtin};
use crate::template::{Scenario, Template};

/// The whole configuration of one contact center.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Organisation-wide settings.
    pub org: OrgSettings,
    /// Custom presences (the six built-ins always exist).
    pub presences: Vec<Presence>,
    /// Custom templates (the built-in catalogue always exists and is read-only).
    pub templates: Vec<Template>,
    /// Capacity profiles (C2).
    pub capacity_profiles: Vec<CapacityProfile>,
    /// Workstreams.
    pub workstreams: Vec<Workstream>,
    /// Agents.
    pub agents: Vec<Agent>,
    /// Queues.
    pub queues: Vec<Queue>,
    /// Contacts known at start (more arrive as inputs).
    pub contacts: Vec<Contact>,
}

/// Organisation-wide settings, each with the documented default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrgSettings {
    /// Missed-notification rule (T2): a seen, unanswered alert sets the agent Inactive. Default off.
    pub missed_notification_rule: bool,
    /// Agent-reject rule (T4): a reject sets the agent Busy - DND. Default off.
    pub agent_reject_rule: bool,
    /// Whether the host reports displays (T3). Off: every offer counts as seen. Default on.
    pub display_acknowledgement: bool,
    /// Most sessions an agent may hold (S1). Default 10, range 1–100.
    pub session_limit: u32,
    /// Seconds after an unseen offer's deadline before its work is rerouted (T3). Default 480.
    pub unseen_reroute_delay_secs: u32,
    /// Seconds a disconnected agent may take to reconnect and keep their presence (P8). Default 150.
    pub reconnect_grace_secs: u32,
    /// Offset of the contact center's local time from UTC, in minutes, for
    /// end-of-day capacity resets (C6). Default 0, range −840..=840.
    pub utc_offset_minutes: i32,
    /// Most consultants on one conversation, pending requests included (L4). Default 5, range 1–5.
    pub max_consultants: u8,
    /// Declines of one item by one agent before it is never auto-offered to them again (T6). Default 3, range 1–5.
    pub declines_allowed: u8,
}

impl Default for OrgSettings {
    fn default() -> Self {
        Self {
            missed_notification_rule: false,
            agent_reject_rule: false,
            display_acknowledgement: true,
            session_limit: 10,
            unseen_reroute_delay_secs: 8 * 60,
            reconnect_grace_secs: 150,
            declines_allowed: 3,
            max_consultants: 5,
            utc_offset_minutes: 0,
        }
    }
}

/// The channels work arrives on (K1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum Channel {
    /// Live chat.
    #[default]
    Chat,
    /// Persistent (asynchronous) chat.
    PersistentChat,
    /// SMS.
    Sms,
    /// Voice calls.
    Voice,
    /// Facebook.
    Facebook,
    /// LINE.
    Line,
    /// WeChat.
    WeChat,
    /// Twitter.
    Twitter,
    /// Microsoft Teams.
    Teams,
    /// Custom messaging.
    CustomMessaging,
    /// A record (entity) such as a case.
    Record,
}

/// How a workstream distributes work (A6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Distribution {
    /// The engine offers work to agents.
    #[default]
    Push,
    /// Work waits in the open list until an agent picks it. Not for voice.
    Pick,
}

/// A workstream: a channel and the rules its work follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Workstream {
    /// Unique id.
    pub id: WorkstreamId,
    /// The channel.
    pub channel: Channel,
    /// Push or pick.
    pub distribution: Distribution,
    /// Template per scenario; a scenario left out uses the channel's built-in (N5).
    pub templates: IndexMap<Scenario, TemplateId>,
    /// Base statuses that may receive this work (P7). Default Available and Busy.
    pub allowed_presences: Vec<BaseStatus>,
    /// Capacity units one item needs (C1). Unset: 10, unless the workstream
    /// uses profiles; a workstream uses units or profiles, never both (C3).
    pub capacity_units: Option<u32>,
    /// Capacity profiles its items consume (C2), unless an item names its own.
    pub capacity_profiles: Vec<ProfileId>,
    /// When capacity is released after the conversation ends (C5).
    pub wrap_up: WrapUpBlocking,
    /// Auto-close deadlines; unset ones take the channel's defaults (L2).
    pub auto_close: AutoClose,
    /// Whether a conversation returning from Waiting goes back to the same
    /// agent (A7). Unset: on for persistent chat, SMS, social and Teams.
    pub affinity: Option<bool>,
}

/// Auto-close deadlines in seconds per conversation state (L2). `None`
/// takes the channel's default; `Some(0)` turns that deadline off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutoClose {
    /// Open (waiting for an agent) → Closed.
    pub open_secs: Option<u32>,
    /// Active → WrapUp.
    pub active_secs: Option<u32>,
    /// Waiting → Closed.
    pub waiting_secs: Option<u32>,
    /// WrapUp → Closed.
    pub wrap_up_secs: Option<u32>,
}

impl AutoClose {
    /// The defaults of L2 for `channel`: open, active, waiting, wrap-up.
    pub fn defaults(channel: Channel) -> [Option<u32>; 4] {
        const MIN: u32 = 60;
        const HOUR: u32 = 60 * MIN;
        const DAY: u32 = 24 * HOUR;
        match channel {
            Channel::Chat => [Some(20 * MIN), None, None, Some(15 * MIN)],
            Channel::Voice => [Some(30 * DAY), Some(2 * HOUR), None, Some(DAY)],
            Channel::PersistentChat => [Some(30 * DAY), Some(30 * DAY), Some(28 * DAY), Some(DAY)],
            Channel::Sms
            | Channel::Teams
            | Channel::Facebook
            | Channel::Line
            | Channel::WeChat
            | Channel::Twitter
            | Channel::CustomMessaging => [Some(30 * DAY), Some(30 * DAY), None, Some(DAY)],
            Channel::Record => [None; 4],
        }
    }
}

impl Channel {
    /// Asynchronous channels have a Waiting state (L1).
    pub fn is_asynchronous(self) -> bool {
        !matches!(self, Channel::Chat | Channel::Voice | Channel::Record)
    }

    /// Channels an agent with an escalation to voice or video in progress
    /// takes no new work on (C8).
    pub(crate) fn kept_from_escalated(self) -> bool {
        matches!(
            self,
            Channel::Chat | Channel::PersistentChat | Channel::Voice
        )
    }

    /// Channels where affinity is on by default (A7).
    pub fn default_affinity(self) -> bool {
        self.is_asynchronous()
    }
}

impl Default for Workstream {
    fn default() -> Self {
        Self::new("", Channel::Chat)
    }
}

impl Workstream {
    /// A push workstream on `channel` with every other field at its default.
    pub fn new(id: impl Into<WorkstreamId>, channel: Channel) -> Self {
        Self {
            id: id.into(),
            channel,
            distribution: Distribution::Push,
            templates: IndexMap::new(),
            allowed_presences: vec![BaseStatus::Available, BaseStatus::Busy],
            capacity_units: None,
            capacity_profiles: Vec::new(),
            wrap_up: WrapUpBlocking::Always,
            auto_close: AutoClose::default(),
            affinity: None,
        }
    }
}

/// How a queue chooses among eligible agents (A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AssignmentMethod {
    /// Most free capacity first; ties to the earliest last assignment (round robin).
    HighestCapacity,
    /// The queue's own order, rotating: the earliest last assignment first,
    /// ties in queue order.
    AdvancedRoundRobin,
    /// The earliest last capacity release first; a fresh sign-in counts as
    /// least active; ties in queue order.
    LeastActive,
}

/// A queue: where work waits, and which agents serve it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Queue {
    /// Unique id.
    pub id: QueueId,
    /// Member agents, in the queue's own order.
    pub members: Vec<AgentId>,
    /// Assignment method; when unset, LeastActive for voice work and
    /// HighestCapacity for everything else (A1).
    pub method: Option<AssignmentMethod>,
}

impl Queue {
    /// A queue with the given members.
    pub fn new(id: impl Into<QueueId>, members: impl IntoIterator<Item = AgentId>) -> Self {
        Self {
            id: id.into(),
            members: members.into_iter().collect(),
            method: None,
        }
    }
}

/// Where the agent works (N6, S2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Experience {
    /// The standalone app: desktop notifications and session-limit alerts.
    #[default]
    Standalone,
    /// Embedded in another app: neither desktop notifications nor session-limit alerts.
    Embedded,
}

/// An agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Agent {
    /// Unique id.
    pub id: AgentId,
    /// Capacity units (C1). Default 100.
    pub capacity_units: u32,
    /// Presence at sign-in (P3). Default Available.
    pub default_presence: PresenceId,
    /// Standalone or embedded.
    pub experience: Experience,
    /// Skills the agent holds (A4).
    pub skills: Vec<String>,
    /// Capacity profiles the agent holds, each with an optional personal limit (C2).
    pub capacity_profiles: Vec<AgentProfile>,
}

/// A capacity profile (C2): how many work items of a kind an agent may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CapacityProfile {
    /// Unique id.
    pub id: ProfileId,
    /// Work items an agent may hold at once under it. Default 1, range 1–1000.
    pub limit: u32,
    /// When a closed item stops counting.
    pub reset: ProfileReset,
    /// While an agent is at this profile's limit, they get no work at all.
    pub blocks_assignment: bool,
}

impl Default for CapacityProfile {
    fn default() -> Self {
        Self::new("", 1)
    }
}

impl CapacityProfile {
    /// A profile with a limit, resetting immediately, not blocking.
    pub fn new(id: impl Into<ProfileId>, limit: u32) -> Self {
        Self {
            id: id.into(),
            limit,
            reset: ProfileReset::Immediate,
            blocks_assignment: false,
        }
    }
}

/// When a closed item stops counting against a profile (C2, C6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ProfileReset {
    /// At once, when capacity is released (C5).
    #[default]
    Immediate,
    /// At the next local midnight (C6).
    EndOfDay,
}

/// A profile an agent holds, with an optional personal limit (C2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgentProfile {
    /// The profile.
    pub profile: ProfileId,
    /// The agent's own limit, instead of the profile's.
    pub limit: Option<u32>,
}

impl AgentProfile {
    /// The agent holds `profile` at its own limit.
    pub fn new(profile: impl Into<ProfileId>) -> Self {
        Self {
            profile: profile.into(),
            limit: None,
        }
    }
}

/// When capacity is released after a conversation ends (C5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum WrapUpBlocking {
    /// At close (default).
    #[default]
    Always,
    /// This many minutes (1–60) after wrap-up starts, or at close if sooner.
    Custom {
        /// Minutes after wrap-up starts.
        minutes: u8,
    },
    /// When wrap-up starts.
    Never,
}

impl Default for Agent {
    fn default() -> Self {
        Self::new("")
    }
}

impl Agent {
    /// An agent with every field but the id at its default.
    pub fn new(id: impl Into<AgentId>) -> Self {
        Self {
            id: id.into(),
            capacity_units: 100,
            default_presence: PresenceId::new(builtin::AVAILABLE),
            experience: Experience::Standalone,
            skills: Vec::new(),
            capacity_profiles: Vec::new(),
        }
    }
}

/// A customer contact record (K2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// Unique id.
    pub id: ContactId,
    /// Full name, shown as `{customerName}`.
    pub name: String,
    /// Mobile phone number in any notation; compared as `+` and digits.
    pub mobile_phone: Option<String>,
}
