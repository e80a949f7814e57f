//! The ids of closed work items, remembered until `Input::ForgetClosed`.
//!
//! A contact center closes an item every few seconds, so this set grows to
//! millions, far past any cache, and each arrival (is the id new?) and each
//! close (remember it) probes it at a random place. A general hash map
//! touches three places for that: its control bytes, its index slot, and the
//! entry (hashbrown behind indexmap). Here a probe reads one word: the slot
//! table holds a few bits of each id's hash beside its entry number, and
//! only a matching tag leads on to the entry and the id's text. Entries sit
//! in closing order in a vector that is only ever appended to.

use std::hash::BuildHasher;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::hash::FastHash;
use crate::ids::WorkItemId;

/// Bits of a slot that hold the entry number (plus one; 0 is an empty slot).
const ENTRY_BITS: u32 = 40;
const ENTRY_MASK: u64 = (1 << ENTRY_BITS) - 1;

/// One closed item: its id, its arrival number and the hash of its id
/// (kept, so that growing the table reads no id text).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    id: WorkItemId,
    arrival: u64,
    hash: u64,
}

/// Closed ids with their arrival numbers, in the order they closed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClosedIds {
    entries: Vec<Entry>,
    /// Open addressing, linear probing, at most half full: each slot is 0
    /// (empty) or the top bits of the id's hash over its entry number + 1.
    slots: Vec<u64>,
}

/// The id's hash, its bits mixed (a multiply-rotate hash leaves its low
/// bits weak): the low ones pick the slot, the high ones make the tag.
fn hash_of(id: &str) -> u64 {
    let mut h = FastHash::default().hash_one(id);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A slot's tag: the hash bits its entry number leaves room for.
fn tag(hash: u64) -> u64 {
    hash >> ENTRY_BITS << ENTRY_BITS
}

impl ClosedIds {
    /// Whether `id` closed (and was not forgotten since).
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.find(id, hash_of(id)).is_ok()
    }

    /// Remembers `id`, which arrived `arrival`-th; nothing if it is known.
    pub(crate) fn insert(&mut self, id: WorkItemId, arrival: u64) {
        let hash = hash_of(id.as_str());
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let Err(at) = self.find(id.as_str(), hash) else {
            return;
        };
        let number = self.entries.len() as u64 + 1;
        if number > ENTRY_MASK {
            return; // a trillion closed ids: forget some first
        }
        self.slots[at] = tag(hash) | number;
        self.entries.push(Entry { id, arrival, hash });
    }

    /// The slot of `id`, or the empty slot where it would go.
    fn find(&self, id: &str, hash: u64) -> Result<usize, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        if self.slots.is_empty() {
            return Err(0);
        }
        #[allow(clippy::cast_possible_truncation)] // masked to the table's size
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return Err(at);
            }
            if tag(slot) == tag(hash) {
                #[allow(clippy::cast_possible_truncation)] // below the entry count
                let entry = &self.entries[(slot & ENTRY_MASK) as usize - 1];
                if entry.id.as_str() == id {
                    return Ok(at);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the table (at least 16 slots) and puts every entry back.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![0; size];
        let mask = size - 1;
        for (n, entry) in self.entries.iter().enumerate() {
            #[allow(clippy::cast_possible_truncation)] // masked to the table's size
            let mut at = entry.hash as usize & mask;
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = tag(entry.hash) | (n as u64 + 1);
        }
    }

    /// Closed ids and their arrival numbers, in the order they closed.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&WorkItemId, u64)> {
        self.entries.iter().map(|e| (&e.id, e.arrival))
    }

    /// How many ids are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Equal when the same ids closed in the same order.
impl PartialEq for ClosedIds {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

/// Saved as a map from id to arrival number, in closing order.
impl Serialize for ClosedIds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for ClosedIds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let saved = indexmap::IndexMap::<WorkItemId, u64>::deserialize(d)?;
        let mut closed = ClosedIds::default();
        for (id, arrival) in saved {
            closed.insert(id, arrival);
        }
        Ok(closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_closed_ids_are_found_and_new_ones_are_not() {
        let mut closed = ClosedIds::default();
        for n in 0..10_000_u64 {
            closed.insert(WorkItemId::new(format!("w{n}")), n);
        }
        assert_eq!(closed.len(), 10_000);
        assert!((0..10_000).all(|n| closed.contains(&format!("w{n}"))));
        assert!((10_000..20_000).all(|n| !closed.contains(&format!("w{n}"))));
        assert!(!closed.contains(""));
        // Again: nothing changes.
        closed.insert(WorkItemId::new("w7"), 99);
        assert_eq!(closed.len(), 10_000);
        let order: Vec<u64> = closed.iter().map(|(_, arrival)| arrival).take(3).collect();
        assert_eq!(order, [0, 1, 2]);
        assert!(closed.slots.len() >= 2 * closed.len());
    }

    #[test]
    fn d8_closed_ids_round_trip_in_closing_order() {
        let mut closed = ClosedIds::default();
        for (id, arrival) in [("b", 7), ("a", 3), ("c", 9)] {
            closed.insert(WorkItemId::new(id), arrival);
        }
        let json = serde_json::to_string(&closed).unwrap_or_default();
        assert_eq!(json, r#"{"b":7,"a":3,"c":9}"#);
        let back: ClosedIds = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, closed);
        assert!(back.contains("a") && !back.contains("d"));
    }
}
