//! Inputs: everything the host service tells the engine.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::config::Contact;
use crate::ids::{
    AgentId, NotificationId, PresenceId, ProfileId, QueueId, SessionId, WorkItemId, WorkstreamId,
};
use crate::transfer::TransferTarget;

/// One event from the host service, applied by [`Switchboard::handle`](crate::Switchboard::handle).
///
/// Serialises as `{"AgentSignedIn": {"agent": "ada"}}`, so an input log is a
/// replayable JSON-lines file.
///
/// The one large input, new work, is boxed: every input is then 80 bytes to
/// move instead of 368, and the box becomes the item's record, so arrival
/// copies nothing (`Input::from(item)` boxes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Input {
    /// The agent signed in (P3).
    AgentSignedIn {
        /// Who.
        agent: AgentId,
    },
    /// The agent signed out: offers are rescinded and assigned work goes back to its queue.
    AgentSignedOut {
        /// Who.
        agent: AgentId,
    },
    /// The agent chose a presence (P2, P4).
    SetPresence {
        /// Who.
        agent: AgentId,
        /// The presence chosen.
        presence: PresenceId,
    },
    /// The agent reset their presence from a penalty alert (P6).
    ResetPresence {
        /// Who.
        agent: AgentId,
    },
    /// A supervisor reset the agent's presence (P6).
    SupervisorResetPresence {
        /// Whose presence.
        agent: AgentId,
    },
    /// The agent's app gained or lost focus (N6).
    AppFocusChanged {
        /// Who.
        agent: AgentId,
        /// Whether the app is now in focus.
        in_focus: bool,
    },
    /// The agent granted or denied the browser's notification permission (N6).
    DesktopPermission {
        /// Who.
        agent: AgentId,
        /// Whether notifications are allowed.
        granted: bool,
    },
    /// The agent's client lost its connection (P8).
    ClientDisconnected {
        /// Who.
        agent: AgentId,
    },
    /// The agent's client is back (P8).
    ClientReconnected {
        /// Who.
        agent: AgentId,
    },
    /// The client displayed the notification: the agent has seen it (T3).
    NotificationDisplayed {
        /// Which.
        notification: NotificationId,
    },
    /// The agent selected the body of a desktop notification (N7).
    DesktopNotificationClicked {
        /// Which.
        notification: NotificationId,
    },
    /// The agent accepted an Alert.
    Accept {
        /// Which.
        notification: NotificationId,
    },
    /// The agent rejected an Alert (T4, T5).
    Reject {
        /// Which.
        notification: NotificationId,
    },
    /// The agent opened a Toast (T7, T8).
    Open {
        /// Which.
        notification: NotificationId,
    },
    /// The agent opened work assigned to them that has no session yet: work
    /// assigned unseen (T3) or by a Toast (T7).
    OpenWork {
        /// Which work item.
        item: WorkItemId,
    },
    /// The agent opened a session of their own (S1).
    AgentOpenedSession {
        /// Who.
        agent: AgentId,
    },
    /// The agent closed a session of their own (S1).
    AgentClosedSession {
        /// Who.
        agent: AgentId,
        /// Which session.
        session: SessionId,
    },
    /// The primary agent of an Active conversation asks another agent to consult (L4).
    Consult {
        /// The conversation.
        item: WorkItemId,
        /// The agent asked.
        agent: AgentId,
    },
    /// A consultant leaves the conversation.
    LeaveConsult {
        /// The conversation.
        item: WorkItemId,
        /// The consultant.
        agent: AgentId,
    },
    /// The agent releases an Active conversation back to its queue (L1).
    ReleaseWork {
        /// Which work item.
        item: WorkItemId,
    },
    /// The customer of a Waiting conversation wrote again (L1, A7).
    CustomerReturned {
        /// Which work item.
        item: WorkItemId,
    },
    /// An agent picks waiting work from the open list (A6, C4).
    Pick {
        /// Who.
        agent: AgentId,
        /// Which work item.
        item: WorkItemId,
    },
    /// The primary agent transfers an Active conversation to a queue (L3).
    TransferToQueue {
        /// Which work item.
        item: WorkItemId,
        /// The queue.
        queue: QueueId,
    },
    /// The primary agent transfers an Active conversation to an agent they
    /// consulted (L3).
    TransferToAgent {
        /// Which work item.
        item: WorkItemId,
        /// The consultant.
        agent: AgentId,
    },
    /// A supervisor assigns Open work to an agent (L6, C4).
    SupervisorAssign {
        /// Which work item.
        item: WorkItemId,
        /// The agent.
        agent: AgentId,
    },
    /// A supervisor transfers an Active or Waiting conversation (L6).
    SupervisorTransfer {
        /// Which work item.
        item: WorkItemId,
        /// Where to.
        target: TransferTarget,
    },
    /// A supervisor closes a conversation (L6).
    SupervisorClose {
        /// Which work item.
        item: WorkItemId,
    },
    /// The agent escalated an Active conversation to voice or video: they
    /// take no new chat or voice work until it ends (C8).
    Escalate {
        /// Which work item.
        item: WorkItemId,
    },
    /// The voice or video escalation ended (C8).
    EscalationEnded {
        /// Which work item.
        item: WorkItemId,
    },
    /// An agent joins a queue, at the end of its order (A3).
    AddQueueMember {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
    },
    /// An agent leaves a queue (A3); work already offered or assigned stays.
    RemoveQueueMember {
        /// The queue.
        queue: QueueId,
        /// The agent.
        agent: AgentId,
    },
    /// New work arrived; boxed, see above.
    WorkArrived(Box<WorkItem>),
    /// The customer left before or during the conversation.
    CustomerLeft {
        /// Which work item.
        item: WorkItemId,
    },
    /// The conversation ended: Active → WrapUp.
    ConversationEnded {
        /// Which work item.
        item: WorkItemId,
    },
    /// The conversation (or record) was closed: WrapUp → Closed, or Active → Closed for records.
    ConversationClosed {
        /// Which work item.
        item: WorkItemId,
    },
    /// A contact was added or changed (K2).
    ContactUpserted(Contact),
    /// Forget every closed work item (*ours*). A closed item keeps only its
    /// id (about 60 bytes), so that inputs naming it are still refused as
    /// transitions from `Closed` and its id cannot arrive twice; a
    /// long-running host sends this now and then (say, daily) to let those
    /// ids go. Afterwards they are unknown (`UnknownWorkItem`) and may
    /// arrive again as new work. Work not yet closed is untouched.
    ///
    /// What remembering costs: an arriving id that sorts after every
    /// closed one (longer, or as long and greater byte by byte: counters,
    /// case numbers, time-ordered ids) is known new at once; any other id
    /// (a random GUID) costs one look into the closed ids, a cache miss
    /// once they number millions. Each closed id also stays in memory
    /// (about 60 bytes) and costs every close a write into a table of
    /// millions. Forgetting before the millions avoids both.
    ForgetClosed,
}

/// New work: a conversation or a record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkItem {
    /// Unique id.
    pub id: WorkItemId,
    /// Its workstream.
    pub workstream: WorkstreamId,
    /// The queue it waits in.
    pub queue: QueueId,
    /// Priority: lower numbers go first (A2).
    pub priority: i32,
    /// The identified customer, if any.
    pub customer: Option<Customer>,
    /// The linked case, if any.
    pub case: Option<Case>,
    /// Other slug values: pre-chat answers, `visitorLanguage`, `visitorDevice`,
    /// `entityRoutingLogicalName`, bot context, …
    pub context: IndexMap<String, String>,
    /// The SMS sender's number, matched against contacts (K2).
    pub sms_from: Option<String>,
    /// Skills an agent must hold (A4).
    pub required_skills: Vec<String>,
    /// Escalated to an agent by a bot (L5).
    pub escalated_from_bot: bool,
    /// Capacity profiles it consumes instead of its workstream's (C2);
    /// only for profile-based workstreams.
    pub capacity_profiles: Vec<ProfileId>,
}

impl From<WorkItem> for Input {
    /// `Input::WorkArrived`, boxing the item.
    fn from(item: WorkItem) -> Self {
        Input::WorkArrived(Box::new(item))
    }
}

impl WorkItem {
    /// Work with the given id, workstream and queue, and nothing else set.
    pub fn new(
        id: impl Into<WorkItemId>,
        workstream: impl Into<WorkstreamId>,
        queue: impl Into<QueueId>,
    ) -> Self {
        // Every field spelled out: `..Self::default()` would build (and
        // drop) three empty ids on the way.
        Self {
            id: id.into(),
            workstream: workstream.into(),
            queue: queue.into(),
            priority: 0,
            customer: None,
            case: None,
            context: IndexMap::new(),
            sms_from: None,
            required_skills: Vec::new(),
            escalated_from_bot: false,
            capacity_profiles: Vec::new(),
        }
    }
}

/// An identified customer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Customer {
    /// Name, shown as `{customerName}`.
    pub name: String,
    /// Entity name, shown as `{customerEntityName}`, e.g. `"contact"`.
    pub entity_name: String,
    /// Record id, shown as `{customerRecordId}`.
    pub record_id: String,
}

/// A linked case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Case {
    /// Case id, shown as `{caseId}`.
    pub id: String,
    /// Case title, shown as `{caseTitle}`.
    pub title: String,
}
