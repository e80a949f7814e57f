//! The ids of closed work items, remembered until `Input::ForgetClosed`.
//!
//! A contact center closes an item every few seconds, so this set grows to
//! millions, far past any cache, and a table that size costs a memory (and,
//! under a hypervisor, page-table) miss wherever it is touched: measured,
//! about a third of a dispatch cycle when every close wrote into it. So:
//! - a probe reads one word: each slot holds a few bits of an id's hash
//!   beside its entry number, and only a matching tag leads on to the entry
//!   and the id's text;
//! - a close goes into a small table of recent ids that stays in cache;
//!   every [`RECENT`] closes those are settled into the large table in one
//!   loop, where the processor overlaps the misses instead of waiting for
//!   each in turn;
//! - the large table grows a step at a time: each settling copies a run of
//!   the old table's slots into one twice the size, and probes look in both
//!   until the copy is done, so no close waits for the whole table to be
//!   rebuilt (it took 0.12 s at four million ids, 0.27 s at eight million,
//!   and grows with the table). A slot starts probing at the top bits of
//!   its id's hash and keeps those bits, so the copy reads one table in
//!   order and writes the other in order too, without reading an entry;
//! - an id greater than every closed one (by length, then bytes) is new
//!   without any probe: hosts that number their work in increasing order
//!   (counters, case numbers, time-ordered ids) never touch the large table
//!   on arrival. Other ids cost one probe, as before.
//!
//! Entries (an id and its arrival number, 40 bytes) sit in closing order in
//! a vector that is only ever appended to; the slots keep the hash bits
//! that settling and growing need, so entries do not.

use std::cmp::Ordering;
use std::hash::BuildHasher;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::hash::FastHash;
use crate::ids::WorkItemId;

/// Bits of a slot that hold the entry number (plus one; 0 is an empty
/// slot); the rest hold the top bits of the id's hash.
const ENTRY_BITS: u32 = 32;
const ENTRY_MASK: u64 = (1 << ENTRY_BITS) - 1;

/// At most this many ids are remembered: a table twice as large still
/// finds every slot's home in the hash bits the slot keeps.
const MOST: usize = 1 << (64 - ENTRY_BITS - 1);

/// How many closes wait in the recent table before they are settled.
const RECENT: usize = 1024;

/// How many of the old table's slots each settling copies while the large
/// table grows: four times [`RECENT`], so the copy ends when the new table
/// is at most three-eighths full, before it could need to grow again.
const COPY: usize = 4 * RECENT;

/// One closed item: its id and its arrival number. Its hash is not kept:
/// settling copies the recent table's slots and growing the large table's,
/// and both keep the hash bits they need.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    id: WorkItemId,
    arrival: u64,
}

/// Open addressing with linear probing over entry numbers, at most half
/// full: each slot is 0 (empty) or an id's tag over its entry number + 1.
#[derive(Debug, Clone, Default)]
struct Table {
    slots: Vec<u64>,
}

impl Table {
    /// Whether `id` (whose hash is `hash`) is one of the entries put in.
    fn holds(&self, entries: &[Entry], id: &[u8], hash: u64) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(hash);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return false;
            }
            if tag(slot) == tag(hash) {
                #[allow(clippy::cast_possible_truncation)] // below the entry count
                let entry = &entries[(slot & ENTRY_MASK) as usize - 1];
                if entry.id.text().as_bytes() == id {
                    return true;
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Puts entry `n` (counting from 0) in. The table must have room.
    fn put(&mut self, hash: u64, n: usize) {
        self.put_slot(tag(hash) | (n as u64 + 1));
    }

    /// Puts a filled slot at the first empty one from its home.
    fn put_slot(&mut self, slot: u64) {
        let mask = self.slots.len() - 1;
        let mut at = self.home(slot);
        while self.slots[at] != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
    }

    /// The slot a hash (or a filled slot, which keeps the hash's top bits)
    /// starts probing from: the hash's top bits, as many as the table's
    /// size needs, so slots in home order are also in hash order.
    fn home(&self, hash: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        #[allow(clippy::cast_possible_truncation)] // below the table's size
        let at = hash.checked_shr(64 - bits).unwrap_or(0) as usize;
        at
    }

    /// Empties the table, making it `size` slots (a power of two).
    fn reset(&mut self, size: usize) {
        self.slots.clear();
        self.slots.resize(size, 0);
    }

    /// Puts the filled slots among `slots` in. Slots in home order land in
    /// home order, so a run of a smaller table's slots is written front to
    /// back, not scattered.
    fn copy_from(&mut self, slots: &[u64]) {
        for &slot in slots.iter().filter(|&&slot| slot != 0) {
            self.put_slot(slot);
        }
    }
}

/// A large table being replaced by one twice the size: it is still probed
/// until its slots `..copied` reach the end.
#[derive(Debug, Clone)]
struct Growing {
    old: Table,
    copied: usize,
}

/// Closed ids with their arrival numbers, in the order they closed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClosedIds {
    entries: Vec<Entry>,
    /// Entries `..settled` are in `large` (or, while it grows, in
    /// `growing`), the rest in `recent`.
    settled: usize,
    large: Table,
    growing: Option<Growing>,
    recent: Table,
    /// The entry number of the greatest id; see [`later`].
    greatest: Option<usize>,
}

/// The id's hash, its bits mixed (a multiply-rotate hash leaves its low
/// bits weak): the high ones pick the slot and make the tag.
fn hash_of(id: &[u8]) -> u64 {
    let mut h = FastHash::default().hash_one(id);
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A slot's tag: the top bits of the hash, as many as its entry number
/// leaves room for.
fn tag(hash: u64) -> u64 {
    hash >> ENTRY_BITS << ENTRY_BITS
}

/// Whether `a` comes after `b` in the order of increasing numbers written
/// as text: the longer is later, and texts of one length compare byte by
/// byte ("w10" after "w9", "w10" after "w09").
fn later(a: &[u8], b: &[u8]) -> bool {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b)) == Ordering::Greater
}

/// [`later`] for two ids; inline ids compare as numbers, which saves a
/// call to compare bytes on every arrival and every close.
fn later_id(a: &WorkItemId, b: &WorkItemId) -> bool {
    match (a.text().length_then_bytes(), b.text().length_then_bytes()) {
        (Some(a), Some(b)) => a > b,
        _ => later(a.text().as_bytes(), b.text().as_bytes()),
    }
}

impl ClosedIds {
    /// Whether `id` closed (and was not forgotten since).
    pub(crate) fn contains(&self, id: &WorkItemId) -> bool {
        match self.greatest {
            None => false,
            Some(g) if later_id(id, &self.entries[g].id) => false,
            Some(_) => {
                let id = id.text().as_bytes();
                let hash = hash_of(id);
                self.recent.holds(&self.entries, id, hash)
                    || self.large.holds(&self.entries, id, hash)
                    || (self.growing.as_ref()).is_some_and(|g| g.old.holds(&self.entries, id, hash))
            }
        }
    }

    /// Remembers `id`, which arrived `arrival`-th. The caller knows it is
    /// not remembered already (it was live, or the saved map has it once):
    /// checking would cost a miss in the large table for every close.
    pub(crate) fn insert(&mut self, id: WorkItemId, arrival: u64) {
        debug_assert!(!self.contains(&id), "{id} closed twice");
        if self.entries.len() >= MOST {
            return; // two billion closed ids: forget some first
        }
        let n = self.entries.len();
        let hash = hash_of(id.text().as_bytes());
        if self.recent.slots.is_empty() {
            self.recent.reset(2 * RECENT);
        }
        self.recent.put(hash, n);
        let greatest = self.greatest.map(|g| &self.entries[g].id);
        if greatest.is_none_or(|g| later_id(&id, g)) {
            self.greatest = Some(n);
        }
        self.entries.push(Entry { id, arrival });
        if self.entries.len() - self.settled == RECENT {
            self.settle();
        }
    }

    /// Copies the recent table's slots into the large table, in one loop
    /// whose misses the processor overlaps, and the next run of the old
    /// table's slots if it is growing. The large table stays at most half
    /// full: when it would not, a table twice the size takes its place and
    /// the old one's slots follow [`COPY`] at a time.
    fn settle(&mut self) {
        let len = self.entries.len();
        if 2 * len > self.large.slots.len() {
            self.finish_growing(); // never while the copy runs; see COPY
            let size = (2 * len).next_power_of_two().max(2 * RECENT);
            // Zeroed by the allocator: fresh pages, faulted in as touched.
            let old = std::mem::replace(
                &mut self.large,
                Table {
                    slots: vec![0; size],
                },
            );
            self.growing = Some(Growing { old, copied: 0 });
        }
        self.large.copy_from(&self.recent.slots);
        self.settled = len;
        self.recent.reset(2 * RECENT);
        if let Some(growing) = &mut self.growing {
            let end = (growing.copied + COPY).min(growing.old.slots.len());
            self.large
                .copy_from(&growing.old.slots[growing.copied..end]);
            growing.copied = end;
            if end == growing.old.slots.len() {
                self.growing = None;
            }
        }
    }

    /// Copies what is left of a growing table's old slots.
    fn finish_growing(&mut self) {
        if let Some(growing) = self.growing.take() {
            self.large.copy_from(&growing.old.slots[growing.copied..]);
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
        // Nine settlings; the last 784 wait in the recent table.
        assert_eq!(closed.settled, 9 * RECENT);
        assert!(closed.large.slots.len() >= 2 * closed.settled);
        assert!((0..10_000).all(|n| closed.contains(&WorkItemId::new(format!("w{n}")))));
        assert!((10_000..20_000).all(|n| !closed.contains(&WorkItemId::new(format!("w{n}")))));
        // Not after the greatest ("w9999"), so these are probed for.
        assert!(!closed.contains(&WorkItemId::new("")));
        assert!(!closed.contains(&WorkItemId::new("w")));
        assert!(!closed.contains(&WorkItemId::new("w0000")));
        assert!(!closed.contains(&WorkItemId::new("v9999")));
        let order: Vec<u64> = closed.iter().map(|(_, arrival)| arrival).take(3).collect();
        assert_eq!(order, [0, 1, 2]);
    }

    #[test]
    fn v2_closed_ids_in_no_order_are_found_and_new_ones_are_not() {
        // 0..10,007 visited in a scrambled order (7,919 is prime to 10,007).
        let scrambled = |k: u64| format!("{:x}", (k * 7_919) % 10_007);
        let mut closed = ClosedIds::default();
        for k in 0..9_000 {
            closed.insert(WorkItemId::new(scrambled(k)), k);
        }
        assert_eq!((closed.len(), closed.settled), (9_000, 8 * RECENT));
        assert!((0..9_000).all(|k| closed.contains(&WorkItemId::new(scrambled(k)))));
        assert!((9_000..10_007).all(|k| !closed.contains(&WorkItemId::new(scrambled(k)))));
        let arrivals: Vec<u64> = closed.iter().map(|(_, arrival)| arrival).collect();
        assert_eq!(arrivals, (0..9_000).collect::<Vec<u64>>());
    }

    #[test]
    fn v2_the_large_table_grows_and_loses_nothing() {
        let id = |n: u64| format!("{:x}", n * 0x9e37);
        let mut closed = ClosedIds::default();
        let mut sizes = vec![];
        for n in 0..200_000_u64 {
            closed.insert(WorkItemId::new(id(n)), n);
            if closed.len() % RECENT == 0 {
                let size = closed.large.slots.len();
                assert!(2 * closed.settled <= size, "over half full");
                if sizes.last() != Some(&size) {
                    sizes.push(size);
                }
            }
        }
        // Built anew, twice the size, whenever half full would be passed.
        assert_eq!(sizes, (11..=19).map(|k| 1 << k).collect::<Vec<usize>>());
        assert!((0..200_000).all(|n| closed.contains(&WorkItemId::new(id(n)))));
        assert!((200_000..210_000).all(|n| !closed.contains(&WorkItemId::new(id(n)))));
    }

    #[test]
    fn v2_ids_are_found_while_the_large_table_grows() {
        let id = |n: u64| format!("{:x}", n * 0x9e37);
        let mut closed = ClosedIds::default();
        let mut checked = 0;
        for n in 0..33_000_u64 {
            closed.insert(WorkItemId::new(id(n)), n);
            let Some(growing) = &closed.growing else {
                continue;
            };
            // Just settled, with some ids only in the old table and some
            // already copied.
            let settled = closed.settled == closed.len();
            if settled && growing.copied > 0 && growing.copied < growing.old.slots.len() {
                assert!((0..=n).all(|k| closed.contains(&WorkItemId::new(id(k)))));
                assert!((n + 1..n + 2_000).all(|k| !closed.contains(&WorkItemId::new(id(k)))));
                checked += 1;
            }
        }
        // Growing to 2^14, 2^15 and 2^16 slots takes 2, 4 and 8 settlings.
        assert_eq!(checked, (2 - 1) + (4 - 1) + (8 - 1));
        assert!(closed.growing.is_none());
    }

    #[test]
    fn v2_an_id_after_every_closed_one_is_new() {
        assert!(later(b"w10", b"w9"));
        assert!(later(b"w9", b"w8"));
        assert!(later(b"b", b"a"));
        assert!(!later(b"w9", b"w10"));
        assert!(!later(b"w9", b"w9"));
        assert!(!later(b"", b"a"));
        let ids = [
            "",
            "a",
            "b",
            "w9",
            "w10",
            "w09",
            "w999999999999999",
            "w1000000000000000",
            "a much longer id than fits inline",
        ];
        for a in ids {
            for b in ids {
                let (x, y) = (WorkItemId::new(a), WorkItemId::new(b));
                assert_eq!(
                    later_id(&x, &y),
                    later(a.as_bytes(), b.as_bytes()),
                    "{a} {b}"
                );
            }
        }
        let mut closed = ClosedIds::default();
        closed.insert(WorkItemId::new("w9"), 0);
        closed.insert(WorkItemId::new("w10"), 1);
        closed.insert(WorkItemId::new("w2"), 2);
        assert_eq!(closed.greatest, Some(1)); // "w10"
        assert!(
            closed.contains(&WorkItemId::new("w2"))
                && closed.contains(&WorkItemId::new("w9"))
                && closed.contains(&WorkItemId::new("w10"))
        );
        assert!(
            !closed.contains(&WorkItemId::new("w3")) && !closed.contains(&WorkItemId::new("w11"))
        );
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
        assert!(back.contains(&WorkItemId::new("a")) && !back.contains(&WorkItemId::new("d")));
    }
}
