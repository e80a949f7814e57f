//! Errors: one enum for configuration ([`ConfigError`]), one for inputs ([`InputError`]).
//!
//! Business outcomes ("no agent free", "rerouted") are outputs, never errors.
//! An error always means nothing changed.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::conversation::ConversationState;
use crate::ids::{
    AgentId, NotificationId, PresenceId, ProfileId, QueueId, SessionId, WorkItemId, WorkstreamId,
};

/// The kinds of caller-owned id, for errors that name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdKind {
    /// An agent id.
    Agent,
    /// A queue id.
    Queue,
    /// A workstream id.
    Workstream,
    /// A template name.
    Template,
    /// A presence name.
    Presence,
    /// A contact id.
    Contact,
    /// A work item id.
    WorkItem,
    /// A capacity profile id.
    Profile,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Agent => "agent",
            IdKind::Queue => "queue",
            IdKind::Workstream => "workstream",
            IdKind::Template => "template",
            IdKind::Presence => "presence",
            IdKind::Contact => "contact",
            IdKind::WorkItem => "work item",
            IdKind::Profile => "capacity profile",
        })
    }
}

/// A configuration the engine refuses (D1). Names the first offending field
/// as a path such as `templates[1].timeout_secs` (positions in [`Config`](crate::Config)'s lists).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// An id is empty.
    #[error("{field}: a {kind} id may not be empty")]
    EmptyId {
        /// What kind of id.
        kind: IdKind,
        /// Where.
        field: String,
    },
    /// Two entries share an id (or a custom one takes a built-in's name).
    #[error("{field}: {kind} id {id:?} is used twice")]
    DuplicateId {
        /// What kind of id.
        kind: IdKind,
        /// The id.
        id: String,
        /// Where the second one stands.
        field: String,
    },
    /// A reference to something that is not configured.
    #[error("{field}: unknown {kind} {id:?}")]
    UnknownReference {
        /// What kind of id.
        kind: IdKind,
        /// The id.
        id: String,
        /// Where.
        field: String,
    },
    /// A template takes the name of a built-in one, which is read-only (N4).
    #[error("{field}: built-in template {name:?} is read-only; copy it under a new name")]
    BuiltInTemplateReadOnly {
        /// The built-in's name.
        name: String,
        /// Where.
        field: String,
    },
    /// A text is longer than allowed (N2).
    #[error("{field}: {len} characters, at most {max} allowed")]
    TooLong {
        /// Where.
        field: String,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A number is outside its range.
    #[error("{field}: {value} is outside {min}..={max}")]
    OutOfRange {
        /// Where.
        field: String,
        /// The value given.
        value: i64,
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A template has more than four fields (N2).
    #[error("{field}: {count} fields, at most 4 allowed")]
    TooManyFields {
        /// Where.
        field: String,
        /// How many.
        count: usize,
    },
    /// A slug's braces do not balance, or a slug is empty (N3).
    #[error("{field}: unbalanced or empty slug brace at byte {offset}")]
    UnbalancedBrace {
        /// Where.
        field: String,
        /// Byte offset of the offending brace.
        offset: usize,
    },
    /// Auto-accept is on without auto-assign (N2).
    #[error("{field}: auto-accept needs auto-assign")]
    AutoAcceptWithoutAutoAssign {
        /// Where.
        field: String,
    },
    /// A default presence only the system may set, i.e. Inactive (P2).
    #[error("{field}: presence {presence:?} is set by the system only")]
    PresenceNotSelectable {
        /// Where.
        field: String,
        /// The presence.
        presence: String,
    },
    /// A workstream names both capacity units and capacity profiles (C3).
    #[error("{field}: a workstream uses capacity units or profiles, never both")]
    UnitsAndProfiles {
        /// Where.
        field: String,
    },
    /// A voice workstream set to pick mode (A6: voice is always push).
    #[error("{field}: voice is always push")]
    VoiceMustPush {
        /// Where.
        field: String,
    },
}

/// An input the engine refuses. The state is exactly as before and no output
/// was queued (D2, V2).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum InputError {
    /// `now` is earlier than the latest `now` seen (D6).
    #[error("clock went backwards: {now} is before {latest}")]
    ClockWentBackwards {
        /// The time given.
        now: DateTime<Utc>,
        /// The latest time seen.
        latest: DateTime<Utc>,
    },
    /// `now` is so close to the end of chrono's range that the deadlines it
    /// would set cannot be represented.
    #[error("time {now} is too close to the end of the representable range")]
    TimeOutOfRange {
        /// The time given.
        now: DateTime<Utc>,
    },
    /// No such agent.
    #[error("unknown agent {0}")]
    UnknownAgent(AgentId),
    /// No such work item.
    #[error("unknown work item {0}")]
    UnknownWorkItem(WorkItemId),
    /// No such notification was ever issued.
    #[error("unknown notification {0}")]
    UnknownNotification(NotificationId),
    /// No such queue.
    #[error("unknown queue {0}")]
    UnknownQueue(QueueId),
    /// No such workstream.
    #[error("unknown workstream {0}")]
    UnknownWorkstream(WorkstreamId),
    /// No such presence.
    #[error("unknown presence {0:?}")]
    UnknownPresence(PresenceId),
    /// No such open session of that agent.
    #[error("agent {agent} holds no open session {session}")]
    UnknownSession {
        /// The agent.
        agent: AgentId,
        /// The session.
        session: SessionId,
    },
    /// The agent is already a member of the queue.
    #[error("agent {agent} is already a member of queue {queue}")]
    AlreadyMember {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
    },
    /// The agent is not a member of the queue.
    #[error("agent {agent} is not a member of queue {queue}")]
    NotMember {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
    },
    /// No such capacity profile.
    #[error("unknown capacity profile {0}")]
    UnknownProfile(ProfileId),
    /// A work item names capacity profiles, but its workstream uses units (C3).
    #[error("work item {0} names capacity profiles but its workstream uses units")]
    CapacityMismatch(WorkItemId),
    /// The conversation is already escalated, or was not.
    #[error("work item {0} cannot change its escalation so")]
    EscalationUnchanged(WorkItemId),
    /// An id the input introduces is empty.
    #[error("a {0} id may not be empty")]
    EmptyId(IdKind),
    /// A work item with this id already arrived.
    #[error("work item {0} already exists")]
    DuplicateId(WorkItemId),
    /// The notification has already ended (T9), or its deadline has passed.
    #[error("notification {0} has already ended")]
    NotificationClosed(NotificationId),
    /// This notification cannot be rejected (T5).
    #[error("notification {0} cannot be rejected")]
    RejectNotAllowed(NotificationId),
    /// Accept on a Toast, or Open on an Alert (N1).
    #[error("notification {notification} does not offer {action}")]
    ActionNotOffered {
        /// The notification.
        notification: NotificationId,
        /// The action asked for: "accept" or "open".
        action: &'static str,
    },
    /// The body of a notification that did not go to the desktop was clicked (N7).
    #[error("notification {0} was not shown on the desktop")]
    NotOnDesktop(NotificationId),
    /// The conversation cannot go from its state to the one asked for (L1).
    #[error("work item {item} cannot go from {from:?} to {to:?}")]
    InvalidTransition {
        /// The work item.
        item: WorkItemId,
        /// Its state.
        from: ConversationState,
        /// The state asked for.
        to: ConversationState,
    },
    /// The work item is not assigned to an agent, unopened, so it cannot be opened.
    #[error("work item {0} is not assigned and waiting to be opened")]
    NothingToOpen(WorkItemId),
    /// Agents cannot choose this presence (P2).
    #[error("presence {0:?} is set by the system only")]
    PresenceNotSelectable(PresenceId),
    /// The agent is not signed in.
    #[error("agent {0} is not signed in")]
    NotSignedIn(AgentId),
    /// The agent is already signed in.
    #[error("agent {0} is already signed in")]
    AlreadySignedIn(AgentId),
    /// The agent's client is disconnected (P8).
    #[error("agent {0} is disconnected")]
    Disconnected(AgentId),
    /// The agent's client is connected, so it cannot reconnect (P8).
    #[error("agent {0} is connected")]
    NotDisconnected(AgentId),
    /// The agent has no presence penalty to reset (P6).
    #[error("agent {0} has no presence penalty to reset")]
    NoPenalty(AgentId),
    /// A consult cannot start or end as asked (L4).
    #[error("consult of agent {agent} on {item} refused: {reason}")]
    ConsultUnavailable {
        /// The conversation.
        item: WorkItemId,
        /// The consultant.
        agent: AgentId,
        /// What stands in the way.
        reason: &'static str,
    },
    /// The agent already holds the most sessions allowed (S1).
    #[error("agent {0} already holds the most sessions allowed")]
    SessionLimitReached(AgentId),
}
