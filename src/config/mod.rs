//! Configuration: org settings, presences, templates, workstreams, queues,
//! agents and contacts. Validated as a whole by [`Switchboard::new`](crate::Switchboard::new) (D1);
//! loads from JSON (or any serde format) with every optional field defaulted.

mod validate;

pub(crate) use validate::{Compiled, compile};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ContactId, PresenceId, QueueId, TemplateId, WorkstreamId};
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
    /// Capacity units one item needs (C1). Default 10.
    pub capacity_units: u32,
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
            capacity_units: 10,
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
