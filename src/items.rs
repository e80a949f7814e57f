//! The store of work items: live records in reusable slots, closed items
//! kept as ids only.
//!
//! A contact center closes almost every item it sees, so a closed item
//! should cost little: its record's slot is reused by the next arrival and
//! only its id stays, in a map of its own, leading to the one shared closed
//! record in slot [`CLOSED`] until the host sends `Input::ForgetClosed`.
//! Every handler reads that record exactly as it read the item's own closed
//! record, so refusals do not change (V1, V2). Keeping live ids apart from
//! the ever-growing closed ones ([`ClosedIds`]) keeps the map every input
//! consults small and in cache.

use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

use crate::closed::ClosedIds;
use crate::conversation::ConversationState;
use crate::declines::Declines;
use crate::hash::FastMap;
use crate::ids::{QueueId, WorkItemId, WorkstreamId};
use crate::input::WorkItem;
use crate::work::{ItemState, Place};

/// The slot of the closed record every closed item shares.
pub(crate) const CLOSED: usize = 0;

/// Every work item the engine has seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Items {
    /// Ids of items not closed yet, with their record's slot. Small and hot:
    /// every input about work looks here first.
    live: FastMap<WorkItemId, usize>,
    /// Ids of closed items with their arrival numbers, in the order they
    /// closed. Large and cold: only new arrivals (for duplicates) and
    /// refusals look here.
    closed: ClosedIds,
    /// Records by slot. Slot [`CLOSED`] is the shared closed record; free
    /// slots keep their last record until reused or emptied
    /// ([`Items::scrub_free`]), and no id points at them.
    /// Boxed, so that growing the vector moves and over-allocates pointers,
    /// not 250-byte records.
    #[allow(clippy::vec_box)] // deliberate: see above
    slots: Vec<Box<ItemState>>,
    /// Slots free for the next arrival.
    free: Vec<usize>,
}

/// Equal when the same items are known in the same places: what a free
/// slot still holds is not part of the store's value.
impl PartialEq for Items {
    fn eq(&self, other: &Self) -> bool {
        if self.live != other.live
            || self.closed != other.closed
            || self.free != other.free
            || self.slots.len() != other.slots.len()
        {
            return false;
        }
        let mut free = vec![false; self.slots.len()];
        for &i in &self.free {
            if let Some(f) = free.get_mut(i) {
                *f = true;
            }
        }
        (0..self.slots.len()).all(|i| free[i] || self.slots[i] == other.slots[i])
    }
}

impl Default for Items {
    fn default() -> Self {
        Self {
            live: FastMap::default(),
            closed: ClosedIds::default(),
            slots: vec![Box::new(ItemState::closed_record())],
            free: Vec::new(),
        }
    }
}

impl Items {
    /// The slot of `id`'s record ([`CLOSED`] for a closed item).
    pub(crate) fn slot_of(&self, id: &WorkItemId) -> Option<usize> {
        match self.live.get(id) {
            Some(&i) => Some(i),
            None => self.closed.contains(id).then_some(CLOSED),
        }
    }

    /// The record of `id`.
    pub(crate) fn get(&self, id: &WorkItemId) -> Option<&ItemState> {
        self.slot_of(id).map(|i| &*self.slots[i])
    }

    /// Whether `id` was ever seen.
    pub(crate) fn contains(&self, id: &WorkItemId) -> bool {
        self.slot_of(id).is_some()
    }

    /// Live slots, in arrival order.
    pub(crate) fn live(&self) -> Vec<usize> {
        let mut live: Vec<usize> = self.live.values().copied().collect();
        live.sort_unstable_by_key(|&i| self.slots[i].arrival);
        live
    }

    /// Every id seen, in arrival order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &WorkItemId> {
        let live = self.live.iter().map(|(id, &i)| (self.slots[i].arrival, id));
        let closed = self.closed.iter().map(|(id, arrival)| (arrival, id));
        let mut all: Vec<(u64, &WorkItemId)> = live.chain(closed).collect();
        all.sort_unstable_by_key(|&(arrival, _)| arrival);
        all.into_iter().map(|(_, id)| id)
    }

    /// Stores a new item's record, reusing a free slot; returns its slot.
    /// The caller has checked that its id is new.
    pub(crate) fn insert(&mut self, item: ItemState) -> usize {
        let id = item.spec.id.clone();
        let i = if let Some(i) = self.free.pop() {
            *self.slots[i] = item;
            i
        } else {
            self.slots.push(Box::new(item));
            self.slots.len() - 1
        };
        self.live.insert(id, i);
        i
    }

    /// Item `i` closed: its id now leads to the shared closed record and its
    /// slot is free for the next arrival. Nothing may refer to slot `i` any
    /// more; the record itself stays readable until the slot is reused.
    pub(crate) fn retire(&mut self, i: usize) {
        let record = &self.slots[i];
        let Some((index, _, &slot)) = self.live.get_full(&record.spec.id) else {
            return;
        };
        if i == CLOSED || slot != i {
            return;
        }
        let arrival = record.arrival;
        if let Some((id, _)) = self.live.swap_remove_index(index) {
            self.closed.insert(id, arrival);
            self.free.push(i);
        }
    }

    /// Drops every closed item's id, giving its memory back.
    pub(crate) fn forget_closed(&mut self) {
        self.closed = ClosedIds::default();
        self.scrub_free();
    }

    /// Empties the records of free slots: what a closed item carried (its
    /// customer, case and context) then stays in no snapshot and takes no
    /// memory. Run on every snapshot and on `ForgetClosed`, not at each
    /// close, where handlers may still read the record.
    pub(crate) fn scrub_free(&mut self) {
        for &i in &self.free {
            if let Some(slot) = self.slots.get_mut(i) {
                **slot = ItemState::closed_record();
            }
        }
    }

    /// Whether the saved store is whole: slot [`CLOSED`] is the closed
    /// record, every live id has its own live slot stored under that id, no
    /// id is both live and closed, and the free list names distinct slots no
    /// id uses. On success, returns which slots are live.
    pub(crate) fn check(&self) -> Result<Vec<bool>, String> {
        if self.slots.first().map(AsRef::as_ref) != Some(&ItemState::closed_record()) {
            return Err("the shared closed record is missing or altered".into());
        }
        let mut live = vec![false; self.slots.len()];
        for (id, &i) in &self.live {
            let record = self
                .slots
                .get(i)
                .filter(|_| i != CLOSED)
                .ok_or_else(|| format!("work item {id} has no record"))?;
            if record.spec.id != *id || live[i] || record.place == Place::Closed {
                return Err(format!("work item {id} does not own its record"));
            }
            if self.closed.contains(id) {
                return Err(format!("work item {id} is both open and closed"));
            }
            live[i] = true;
        }
        let mut free = vec![false; self.slots.len()];
        for &i in &self.free {
            if i == CLOSED || i >= self.slots.len() || live[i] || free[i] {
                return Err(format!("free slot {i} is not free"));
            }
            free[i] = true;
        }
        Ok(live)
    }
}

impl Index<usize> for Items {
    type Output = ItemState;

    fn index(&self, i: usize) -> &ItemState {
        &self.slots[i]
    }
}

impl IndexMut<usize> for Items {
    fn index_mut(&mut self, i: usize) -> &mut ItemState {
        &mut self.slots[i]
    }
}

impl ItemState {
    /// The record closed items share.
    fn closed_record() -> Self {
        Self {
            spec: Box::new(WorkItem::new(
                WorkItemId::default(),
                WorkstreamId::default(),
                QueueId::default(),
            )),
            workstream: 0,
            queue: 0,
            arrival: 0,
            state: ConversationState::Closed,
            place: Place::Closed,
            declines: Declines::None,
            parked: false,
            contact: None,
            consultants: Vec::new(),
            auto_close: None,
            transferred: false,
            affinity_lane: false,
            units: 0,
            profiles: Vec::new(),
            holds_capacity: false,
            escalated: false,
            wrap_release: None,
        }
    }
}
