//! Outputs: everything the engine asks the host service to do or show.

use crate::short_list::ShortList;
use crate::text::Text;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::capacity::Overage;
use crate::conversation::CloseReason;
use crate::ids::{
    AgentId, ContactId, NotificationId, PresenceId, QueueId, SessionId, TemplateId, WorkItemId,
};
use crate::presence::PresenceReason;
use crate::template::{NotificationKind, Scenario};

/// One thing for the host to carry out, from [`Switchboard::poll_output`](crate::Switchboard::poll_output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Output {
    /// Show a notification to an agent. Boxed: it is by far the largest
    /// output, and every output moves through the queue by value.
    Notify(Box<Notification>),
    /// A notification ended (T9); remove it from the agent's screen.
    NotificationEnded {
        /// Which.
        notification: NotificationId,
        /// Whose.
        agent: AgentId,
        /// About which work.
        item: WorkItemId,
        /// How it ended.
        how: NotificationEnd,
    },
    /// An agent's presence changed.
    PresenceChanged {
        /// Whose.
        agent: AgentId,
        /// Before.
        from: PresenceId,
        /// After.
        to: PresenceId,
        /// Why.
        why: PresenceReason,
    },
    /// Show an alert at the top of the agent's dashboard (T2, T4, S2).
    Alert {
        /// Whose.
        agent: AgentId,
        /// Which alert.
        kind: AlertKind,
        /// The work that caused it.
        item: WorkItemId,
    },
    /// Work is now assigned to an agent; capacity is consumed.
    WorkAssigned {
        /// Which work.
        item: WorkItemId,
        /// To whom.
        agent: AgentId,
        /// Assigned although the offer was never seen (T3); it is rerouted unless opened in time.
        unseen: bool,
        /// How far a forced assignment took the agent past their capacity
        /// (C4); `None` when within it.
        overage: Option<Overage>,
    },
    /// A session opened on the agent's desk (S1).
    SessionOpened {
        /// Whose.
        agent: AgentId,
        /// Which.
        session: SessionId,
        /// For which work; `None` for a session the agent opened themself.
        item: Option<WorkItemId>,
    },
    /// A session closed.
    SessionClosed {
        /// Whose.
        agent: AgentId,
        /// Which.
        session: SessionId,
        /// For which work, if any.
        item: Option<WorkItemId>,
    },
    /// Work left an agent and waits in its queue again, keeping its place.
    Rerouted {
        /// Which work.
        item: WorkItemId,
        /// The agent it left.
        from: AgentId,
        /// Why.
        reason: RerouteReason,
    },
    /// New work waits in a queue.
    WorkQueued {
        /// Which work.
        item: WorkItemId,
        /// Where.
        queue: QueueId,
    },
    /// Work left automatic assignment after too many agents declined it (T6).
    Parked {
        /// Which work.
        item: WorkItemId,
        /// The queue it waits in for a pick or a supervisor.
        queue: QueueId,
    },
    /// The conversation ended and wrap-up started (Active → WrapUp).
    WrapUpStarted {
        /// Which work.
        item: WorkItemId,
        /// The agent wrapping up.
        agent: AgentId,
    },
    /// The agent closed the session of an asynchronous conversation without
    /// ending it (Active → Waiting); capacity is released (L1).
    ConversationWaiting {
        /// Which work.
        item: WorkItemId,
        /// The agent it stays with.
        agent: AgentId,
    },
    /// The conversation left its agent for a queue (L3, L6).
    TransferredToQueue {
        /// Which work.
        item: WorkItemId,
        /// The agent it left.
        from: AgentId,
        /// The queue it now waits in.
        queue: QueueId,
    },
    /// Another agent became the conversation's primary agent (L3, L6).
    PrimaryChanged {
        /// Which work.
        item: WorkItemId,
        /// The agent before.
        from: AgentId,
        /// The agent now.
        to: AgentId,
    },
    /// A conversation (or record) closed.
    ConversationClosed {
        /// Which work.
        item: WorkItemId,
        /// Why.
        reason: CloseReason,
    },
    /// A consultant joined a conversation; their capacity and presence are unchanged (P10, C7).
    ConsultJoined {
        /// The conversation.
        item: WorkItemId,
        /// The consultant.
        agent: AgentId,
    },
    /// A consultant left a conversation, or it ended.
    ConsultEnded {
        /// The conversation.
        item: WorkItemId,
        /// The consultant.
        agent: AgentId,
    },
    /// An SMS sender matched exactly one contact (K2).
    ContactLinked {
        /// Which work.
        item: WorkItemId,
        /// The contact.
        contact: ContactId,
    },
    /// An SMS sender matched several contacts, so none was linked (K2).
    ContactAmbiguous {
        /// Which work.
        item: WorkItemId,
        /// Every matching contact.
        contacts: Vec<ContactId>,
    },
    /// Bring the agent's app to the front and show the notification in it (N7).
    BringToFront {
        /// Whose app.
        agent: AgentId,
        /// The notification to show.
        notification: NotificationId,
    },
}

/// A notification, rendered and ready to show (N1–N6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Its id; answers name it.
    pub id: NotificationId,
    /// Who sees it.
    pub agent: AgentId,
    /// About which work.
    pub item: WorkItemId,
    /// Alert or Toast (N1).
    pub kind: NotificationKind,
    /// Why it is sent (N5).
    pub scenario: Scenario,
    /// The template used.
    pub template: TemplateId,
    /// Rendered title; shared with the template when it holds no slug.
    pub title: Text,
    /// Rendered fields, held in place: a template has at most four (N2).
    pub fields: ShortList<RenderedField, 4>,
    /// Slugs that did not resolve and rendered as empty text (N3), by name;
    /// the first two held in place (no built-in template has more slugs).
    pub unresolved: ShortList<Text, 2>,
    /// Label of the accept button; "Open" on every Toast.
    pub accept_label: Text,
    /// Label of the reject button, when there is one.
    pub reject_label: Option<Text>,
    /// When it ends if nobody acts.
    pub deadline: DateTime<Utc>,
    /// Whether the in-app notification shows the countdown.
    pub show_countdown: bool,
    /// The icon path.
    pub icon: Text,
    /// Also shown on the desktop, when present (N6).
    pub desktop: Option<DesktopNotification>,
}

impl Notification {
    /// A notification with every field empty, for the engine to fill in
    /// place (`Switchboard::notify` sets each field; a field added here
    /// must be set there too, as no struct literal will ask for it).
    pub(crate) fn blank() -> Self {
        Self {
            id: NotificationId(0),
            agent: AgentId::default(),
            item: WorkItemId::default(),
            kind: NotificationKind::Alert,
            scenario: Scenario::IncomingUnauthenticated,
            template: TemplateId::default(),
            title: Text::default(),
            fields: ShortList::new(),
            unresolved: ShortList::new(),
            accept_label: Text::default(),
            reject_label: None,
            deadline: DateTime::<Utc>::MAX_UTC,
            show_countdown: false,
            icon: Text::default(),
            desktop: None,
        }
    }
}

/// The desktop copy of a notification: no countdown, and no SVG icon (N6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesktopNotification {
    /// The icon, unless it is an SVG.
    pub icon: Option<Text>,
}

/// A rendered notification field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedField {
    /// Header.
    pub header: Text,
    /// Value with slugs replaced; shared, not copied, when it holds no
    /// slug or is one slug whose value is shared (such as the queue id).
    pub value: Text,
}

/// How a notification ended (T9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum NotificationEnd {
    /// The agent accepted the Alert.
    Accepted,
    /// The agent rejected the Alert.
    Rejected,
    /// The Alert was seen and not answered in time (T1).
    Expired,
    /// The Alert was never seen; the work was assigned anyway (T3).
    AssignedUnseen,
    /// The agent opened the Toast.
    Opened,
    /// The Toast's time ran out (the work stays assigned).
    TimedOut,
    /// Withdrawn: the agent signed out, or the work closed.
    Rescinded,
}

/// Alerts shown at the top of the agent's dashboard (P6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AlertKind {
    /// A notification was missed (T2).
    MissedNotification,
    /// The agent rejected work (T4).
    Rejected,
    /// The agent already holds the most sessions allowed (S2).
    MaxSessions,
}

/// Why work left an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RerouteReason {
    /// The Alert expired (T1).
    Expired,
    /// The agent rejected it (T4).
    Rejected,
    /// Assigned unseen and not opened in time (T3).
    Unseen,
    /// The agent holds the most sessions allowed (S2).
    SessionLimit,
    /// The agent signed out.
    SignedOut,
    /// The agent released it back to the queue (L1).
    Released,
    /// The agent stayed disconnected past the reconnect grace (P8, L1).
    Disconnected,
}
