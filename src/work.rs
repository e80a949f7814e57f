//! Work items: where each one is (V2), arrival, and the moves between a
//! queue, an agent and closed.

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use crate::config::{Channel, Distribution};
use crate::contact::PhoneMatch;
use crate::conversation::{CloseReason, ConversationState};
use crate::declines::Declines;
use crate::error::{IdKind, InputError};
use crate::ids::{NotificationId, SessionId, WorkItemId};
use crate::input::WorkItem;
use crate::output::{NotificationEnd, Output, RerouteReason};
use crate::routing::{QueueIndex, RankKey};
use crate::sorted_ring::SortedRing;
use crate::sorted_vec;
use crate::switchboard::Switchboard;
use crate::template::{SlugKey, SlugSource, SlugValue};
use crate::timer::TimerKey;

/// Where a work item is: always exactly one of these (V2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Place {
    /// Waiting in its queue.
    Waiting,
    /// Offered to one agent by a pending Alert.
    Offered {
        agent: usize,
        notification: NotificationId,
    },
    /// Assigned to one agent.
    Assigned {
        agent: usize,
        /// The session, once the agent opened the work.
        session: Option<SessionId>,
        /// A pending Toast about it (T7, T8).
        toast: Option<NotificationId>,
        /// The unseen-reroute deadline (T3).
        unseen: Option<TimerKey>,
    },
    /// A Waiting conversation (L1): still the agent's, holding neither
    /// capacity nor a session until the customer returns.
    Idle { agent: usize },
    /// Closed.
    Closed,
}

impl Place {
    /// The agent the item is with, if any.
    pub(crate) fn agent(self) -> Option<usize> {
        match self {
            Place::Offered { agent, .. }
            | Place::Assigned { agent, .. }
            | Place::Idle { agent } => Some(agent),
            Place::Waiting | Place::Closed => None,
        }
    }
}

/// Position in a queue: affinity items first, then priority, then arrival
/// (A2); the item index last.
pub(crate) type WaitKey = (bool, i32, u64, usize);

/// One work item's live state.
// Independent facts about one item; no two of them form a state.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ItemState {
    /// The item as it arrived, in the box it arrived in: kept, not copied
    /// out (368 bytes) into the record.
    pub(crate) spec: Box<WorkItem>,
    pub(crate) workstream: usize,
    pub(crate) queue: usize,
    /// Arrival order (A2).
    pub(crate) arrival: u64,
    pub(crate) state: ConversationState,
    pub(crate) place: Place,
    /// Declines by agent (T6), in the order agents first declined.
    pub(crate) declines: Declines,
    /// Out of automatic assignment (T6).
    pub(crate) parked: bool,
    /// Contact linked by phone (K2).
    pub(crate) contact: Option<usize>,
    /// Agents consulting on it (L4).
    pub(crate) consultants: Vec<usize>,
    /// The pending auto-close deadline of its current state (L2).
    pub(crate) auto_close: Option<TimerKey>,
    /// Its next offer is a transfer (L3).
    pub(crate) transferred: bool,
    /// Queued ahead of all as a returning affinity conversation (A2, A7).
    pub(crate) affinity_lane: bool,
    /// Capacity units it needs (0 for profile-based work) (C1, C3).
    pub(crate) units: i64,
    /// Capacity profiles it consumes (C2).
    pub(crate) profiles: Vec<usize>,
    /// Its agent's capacity is taken by it (until released per C5).
    pub(crate) holds_capacity: bool,
    /// Escalated to voice or video (C8).
    pub(crate) escalated: bool,
    /// The wrap-up capacity release deadline (C5, Custom).
    pub(crate) wrap_release: Option<TimerKey>,
}

impl ItemState {
    pub(crate) fn wait_key(&self, index: usize) -> WaitKey {
        (!self.affinity_lane, self.spec.priority, self.arrival, index)
    }
}

/// A queue's line of work waiting for automatic assignment, in order (A2).
///
/// New work joins at the back and is offered from the front, and work that
/// goes back keeps its old place, near the front: a [`SortedRing`]. It
/// counts the items that need no capacity units (profile-based work, C2),
/// so a cycle can tell at once when no member has room for anything in it
/// instead of looking at every item in its window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "BTreeSet<WaitKey>", into = "BTreeSet<WaitKey>")]
pub(crate) struct Line {
    keys: SortedRing<WaitKey>,
    /// How many waiting items need no units.
    unitless: usize,
}

impl Line {
    /// Adds the item with `key`, which needs `units`.
    pub(crate) fn insert(&mut self, key: WaitKey, units: i64) {
        if self.keys.insert(key) && units == 0 {
            self.unitless += 1;
        }
    }

    /// Removes the item with `key`, which needs `units`, if it is in line.
    pub(crate) fn remove(&mut self, key: &WaitKey, units: i64) {
        if self.keys.remove(key) && units == 0 {
            self.unitless -= 1;
        }
    }

    /// The first item in line after `key` (from the front when `None`).
    pub(crate) fn next_after(&self, key: Option<WaitKey>) -> Option<WaitKey> {
        match key {
            None => self.keys.first(),
            Some(key) => self.keys.after(&key),
        }
    }

    /// Whether nothing is waiting.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether some waiting item needs no units.
    pub(crate) fn has_unitless(&self) -> bool {
        self.unitless > 0
    }

    /// Every item in line, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = WaitKey> + '_ {
        self.keys.iter()
    }

    /// Recounts the items needing no units (after a restore).
    pub(crate) fn recount(&mut self, units: impl Fn(usize) -> i64) {
        self.unitless = self.keys.iter().filter(|key| units(key.3) == 0).count();
    }
}

impl From<BTreeSet<WaitKey>> for Line {
    /// A saved line; [`Line::recount`] restores the count.
    fn from(keys: BTreeSet<WaitKey>) -> Self {
        Self {
            keys: keys.into_iter().collect(),
            unitless: 0,
        }
    }
}

impl From<Line> for BTreeSet<WaitKey> {
    fn from(line: Line) -> Self {
        line.keys.iter().collect()
    }
}

/// One queue's members and waiting work.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct QueueState {
    /// Member agents with their positions, in queue order (A1).
    pub(crate) members: Vec<(usize, u32)>,
    /// Position the next member added gets.
    pub(crate) next_position: u32,
    /// Routable members, ranked (A1); rebuilt on restore, not saved.
    #[serde(skip)]
    pub(crate) index: QueueIndex,
    /// Members whose rank changed while no work waited here, each with
    /// the rank the index still holds them under: it catches up when work
    /// joins the line (see `routing/lagging.rs`). Empty while work waits.
    #[serde(skip)]
    pub(crate) lagging: Vec<(u32, Option<RankKey>)>,
    /// Waiting for automatic assignment, in order (A2).
    pub(crate) push: Line,
    /// Waiting for a pick or a supervisor: pick-mode work and parked work (A6, T6).
    pub(crate) held: BTreeSet<WaitKey>,
}

/// Equal when the parts a snapshot saves are. The index is not compared:
/// it follows from the members' ranks (checked after every input in
/// debug builds) and lags by when work last waited.
impl PartialEq for QueueState {
    fn eq(&self, other: &Self) -> bool {
        self.members == other.members
            && self.next_position == other.next_position
            && self.push == other.push
            && self.held == other.held
    }
}

/// Values for slugs (N3): the item, its queue and any linked contact.
pub(crate) struct Slugs<'a> {
    pub(crate) board: &'a Switchboard,
    pub(crate) item: &'a ItemState,
}

impl SlugSource for Slugs<'_> {
    fn slug(&self, key: SlugKey, name: &str) -> Option<SlugValue<'_>> {
        let item = self.item;
        let contact = item.contact.and_then(|c| self.board.state.contacts.get(c));
        let customer = item.spec.customer.as_ref();
        let text = match key {
            SlugKey::QueueId => {
                return self
                    .board
                    .cfg
                    .queues
                    .get_index(item.queue)
                    .map(|(id, _)| id.text())
                    .filter(|id| !id.is_empty())
                    .map(SlugValue::Shared);
            }
            SlugKey::CustomerName => match (customer, contact) {
                (Some(customer), _) => Some(customer.name.as_str()),
                (None, Some(contact)) => Some(contact.name.as_str()),
                (None, None) => None,
            },
            SlugKey::CustomerEntityName => customer
                .map(|c| c.entity_name.as_str())
                .or(contact.map(|_| "contact")),
            SlugKey::CustomerRecordId => customer
                .map(|c| c.record_id.as_str())
                .or(contact.map(|c| c.id.as_str())),
            SlugKey::CaseId => item.spec.case.as_ref().map(|c| c.id.as_str()),
            SlugKey::CaseTitle => item.spec.case.as_ref().map(|c| c.title.as_str()),
            SlugKey::Context => item.spec.context.get(name).map(String::as_str),
        };
        text.filter(|v| !v.is_empty()).map(SlugValue::Text)
    }
}

impl Switchboard {
    /// Index of `item`, or `UnknownWorkItem`.
    /// A closed item's index is the shared closed record ([`crate::items::CLOSED`]).
    pub(crate) fn item_index(&self, item: &WorkItemId) -> Result<usize, InputError> {
        self.state
            .items
            .slot_of(item)
            .ok_or_else(|| InputError::UnknownWorkItem(item.clone()))
    }

    /// The id of live item `i`.
    pub(crate) fn item_id(&self, i: usize) -> WorkItemId {
        self.state.items[i].spec.id.clone()
    }

    /// Whether nothing refers to item `i` any more, so its slot can be reused
    /// (checked in debug builds).
    pub(crate) fn unreferenced(&self, i: usize) -> bool {
        use crate::timer::Timer;
        let state = &self.state;
        state.offers.values().all(|offer| offer.item != i)
            && state.sessions.values().all(|session| session.item != Some(i))
            && state.timers.iter().all(|timer| {
                !matches!(timer, Timer::UnseenReroute(j) | Timer::AutoClose(j) | Timer::WrapUpRelease(j) if *j == i)
            })
            && state.queues.iter().all(|queue| {
                queue.push.iter().chain(queue.held.iter().copied()).all(|key| key.3 != i)
            })
            && state.agents.iter().all(|agent| !agent.work.iter().any(|&(_, j)| j == i) && !agent.consulting.contains(&i))
    }

    /// Whether the customer is identified: a known record, or a linked contact (N5).
    pub(crate) fn identified(&self, i: usize) -> bool {
        let item = &self.state.items[i];
        item.spec.customer.is_some() || item.contact.is_some()
    }

    /// Units and profiles item `spec` consumes (C1–C3).
    fn item_capacity(
        &self,
        spec: &WorkItem,
        workstream: usize,
    ) -> Result<(i64, Vec<usize>), InputError> {
        let ws = &self.cfg.workstreams[workstream];
        if spec.capacity_profiles.is_empty() {
            return Ok((ws.units, ws.profiles.clone()));
        }
        if ws.profiles.is_empty() {
            return Err(InputError::CapacityMismatch(spec.id.clone()));
        }
        let mut own = Vec::with_capacity(spec.capacity_profiles.len());
        for name in &spec.capacity_profiles {
            let p = self
                .cfg
                .profiles
                .get_index_of(name)
                .ok_or_else(|| InputError::UnknownProfile(name.clone()))?;
            own.push(p);
        }
        Ok((0, own))
    }

    /// Matches an SMS sender to a contact (K2): the contact linked, and the output to report.
    fn match_sender(&self, spec: &WorkItem, channel: Channel) -> (Option<usize>, Option<Output>) {
        let number = match spec.sms_from.as_deref() {
            Some(number) if channel == Channel::Sms && spec.customer.is_none() => number,
            _ => return (None, None),
        };
        match self.state.contacts.match_mobile(number) {
            PhoneMatch::None => (None, None),
            PhoneMatch::One(k, c) => (
                Some(k),
                Some(Output::ContactLinked {
                    item: spec.id.clone(),
                    contact: c.id.clone(),
                }),
            ),
            PhoneMatch::Several(contacts) => (
                None,
                Some(Output::ContactAmbiguous {
                    item: spec.id.clone(),
                    contacts,
                }),
            ),
        }
    }

    pub(crate) fn arrive(&mut self, mut spec: Box<WorkItem>) -> Result<(), InputError> {
        if spec.id.text().is_empty() {
            return Err(InputError::EmptyId(IdKind::WorkItem));
        }
        if self.state.items.contains(&spec.id) {
            return Err(InputError::DuplicateId(spec.id));
        }
        let workstream = self
            .cfg
            .workstreams
            .get_index_of(&spec.workstream)
            .ok_or_else(|| InputError::UnknownWorkstream(spec.workstream.clone()))?;
        let queue = self
            .cfg
            .queues
            .get_index_of(&spec.queue)
            .ok_or_else(|| InputError::UnknownQueue(spec.queue.clone()))?;
        let ws = &self.cfg.workstreams[workstream];
        let (channel, pick) = (ws.channel, ws.distribution == Distribution::Pick);
        let (units, profiles) = self.item_capacity(&spec, workstream)?;
        // Where the item holds the only copy of its workstream or queue id,
        // keep the configuration's instead: every such item then shares its
        // text. An id the host keeps a copy of shares its text already, and
        // swapping it would cost two reference counts each way. (Short ids
        // are held inline and never the only copy: nothing to share.)
        if spec.workstream.text().is_only_copy()
            && let Some((id, _)) = self.cfg.workstreams.get_index(workstream)
        {
            spec.workstream = id.clone();
        }
        if spec.queue.text().is_only_copy()
            && let Some((id, _)) = self.cfg.queues.get_index(queue)
        {
            spec.queue = id.clone();
        }
        let (contact, link) = self.match_sender(&spec, channel);

        let id = spec.id.clone();
        let arrival = self.state.next_arrival;
        self.state.next_arrival += 1;
        let item = ItemState {
            spec,
            workstream,
            queue,
            arrival,
            state: ConversationState::Open,
            place: Place::Waiting,
            declines: Declines::None,
            parked: false,
            contact,
            consultants: Vec::new(),
            auto_close: None,
            transferred: false,
            affinity_lane: false,
            units,
            profiles,
            holds_capacity: false,
            escalated: false,
            wrap_release: None,
        };
        let i = self.state.items.insert(item);
        if let Some(link) = link {
            self.emit(link);
        }
        if self.state.queues[queue].members.is_empty() && channel != Channel::Record {
            // A5: nobody could ever take it.
            self.move_item(i, Place::Closed);
            self.enter(i, ConversationState::Closed);
            self.emit(Output::ConversationClosed {
                item: id,
                reason: CloseReason::NoAgents,
            });
            return Ok(());
        }
        self.restart_auto_close(i);
        let key = self.state.items[i].wait_key(i);
        if pick {
            self.state.queues[queue].held.insert(key);
        } else {
            self.catch_up(queue);
            self.state.queues[queue].push.insert(key, units);
            self.start_cycle_for_queue(queue);
        }
        self.emit(Output::WorkQueued {
            item: id,
            queue: self.cfg.queues[queue].id.clone(),
        });
        Ok(())
    }

    /// Sets where item `i` is, keeping each agent's list of their work in step.
    pub(crate) fn move_item(&mut self, i: usize, to: Place) {
        let from = std::mem::replace(&mut self.state.items[i].place, to).agent();
        if from != to.agent() {
            // Kept in arrival order, so work is always visited in that order.
            let entry = (self.state.items[i].arrival, i);
            if let Some(a) = from {
                sorted_vec::remove(&mut self.state.agents[a].work, &entry);
            }
            if let Some(a) = to.agent() {
                sorted_vec::insert(&mut self.state.agents[a].work, entry);
            }
        }
    }

    /// Puts an item back in its queue at its original place (T1).
    /// A conversation going to a queue with no members is closed instead (A5).
    pub(crate) fn requeue(&mut self, i: usize) {
        self.move_item(i, Place::Waiting);
        let item = &self.state.items[i];
        let record = self.cfg.workstreams[item.workstream].channel == Channel::Record;
        if self.state.queues[item.queue].members.is_empty() && !record {
            self.close_item(i, CloseReason::NoAgents);
            return;
        }
        self.enter(i, ConversationState::Open);
        let item = &self.state.items[i];
        let key = item.wait_key(i);
        let (q, units) = (item.queue, item.units);
        let held =
            item.parked || self.cfg.workstreams[item.workstream].distribution == Distribution::Pick;
        if held {
            self.state.queues[q].held.insert(key);
        } else {
            self.catch_up(q);
            self.state.queues[q].push.insert(key, units);
        }
        self.start_cycle_for_queue(q);
    }

    /// Takes assigned work away from its agent and puts it back in its queue,
    /// releasing capacity, slot, session and any unseen deadline.
    pub(crate) fn unassign(&mut self, i: usize, reason: RerouteReason) {
        let Place::Assigned { agent, .. } = self.state.items[i].place else {
            return;
        };
        self.release_assignment(i);
        self.emit(Output::Rerouted {
            item: self.item_id(i),
            from: self.agent_id(agent),
            reason,
        });
        self.requeue(i);
        self.end_consults(i);
        self.follow_capacity(agent);
    }

    /// Releases everything an assignment holds: capacity, the session or its
    /// slot, a pending Toast and the unseen deadline. Leaves `place` to the caller.
    pub(crate) fn release_assignment(&mut self, i: usize) {
        let Place::Assigned {
            agent,
            session,
            toast,
            unseen,
        } = self.state.items[i].place
        else {
            return;
        };
        if let Some(key) = unseen {
            self.state.timers.cancel(key);
        }
        if let Some(key) = self.state.items[i].wrap_release.take() {
            self.state.timers.cancel(key);
        }
        if let Some(toast) = toast {
            self.end_toast(toast, NotificationEnd::Rescinded);
        }
        match session {
            Some(session) => self.close_session(agent, session),
            None => self.free_slot(agent),
        }
        self.end_escalation(i);
        self.release_capacity(agent, i);
        self.state.cycle_due = true;
    }

    /// Takes item `i` out of its queue, or ends the Alert offering it.
    pub(crate) fn take_from_queue(&mut self, i: usize) {
        match self.state.items[i].place {
            Place::Waiting => {
                let item = &self.state.items[i];
                let key = item.wait_key(i);
                let queue = &mut self.state.queues[item.queue];
                queue.push.remove(&key, item.units);
                queue.held.remove(&key);
                self.state.quiet.wake(item.queue);
            }
            Place::Offered { notification, .. } => {
                self.end_alert(notification, NotificationEnd::Rescinded);
            }
            _ => {}
        }
    }

    /// Closes an item wherever it is, then frees what it held.
    pub(crate) fn close_item(&mut self, i: usize, reason: CloseReason) {
        let place = self.state.items[i].place;
        if place == Place::Closed {
            return;
        }
        self.emit(Output::ConversationClosed {
            item: self.item_id(i),
            reason,
        });
        self.end_consults(i);
        if let Place::Assigned { agent, .. } = place {
            self.release_assignment(i);
            self.follow_capacity(agent);
        } else {
            self.take_from_queue(i);
        }
        self.move_item(i, Place::Closed);
        self.enter(i, ConversationState::Closed);
    }
}
