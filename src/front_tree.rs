//! [`FrontTree`]: numbered slots, each holding a deadline or none, with the
//! earliest always at hand (a tournament tree).
//!
//! Timer lanes other than the busiest few are kept here by their first
//! deadline (`src/timer.rs`), so that the earliest of hundreds of lanes is
//! read, not looked for. Setting a slot recomputes, on the way up from its
//! leaf, which of each pair of children holds the earlier deadline, and
//! stops where nothing changed: at most log₂ of the number of slots steps.
//! A step compares two numbers: each deadline is kept as one (its time to
//! the nanosecond from 1970 to 2242), and only deadlines whose numbers are
//! equal (at the same nanosecond, or outside those years) are compared in
//! full.

use chrono::{DateTime, Utc};

/// A deadline and its sequence number, which orders equal deadlines in
/// creation order (D3).
pub(crate) type Front = (DateTime<Utc>, u64);

/// What an empty slot holds: after every deadline (no deadline is given
/// the last sequence number).
const NONE: Front = (DateTime::<Utc>::MAX_UTC, u64::MAX);

/// The number of an empty slot, and of no deadline.
const EMPTY: u64 = u64::MAX;

/// A node: the earliest deadline below it, as a number, and its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Node {
    key: u64,
    slot: u32,
}

/// A deadline's number: seconds since 1970 (33 bits, to 2242), then the
/// nanoseconds (31 bits: up to two billion in a leap second). It never
/// orders two deadlines the wrong way round; times outside those years
/// take the number of the nearer end, and equal numbers (but an empty
/// slot's, which no deadline has) are compared in full.
fn key_of(front: Front) -> u64 {
    let (at, _) = front;
    if front == NONE {
        return EMPTY;
    }
    let stamp = at.timestamp();
    let secs = u64::try_from(stamp).unwrap_or(0).min((1 << 33) - 1);
    let nanos = if stamp < 0 {
        0
    } else if secs == (1 << 33) - 1 {
        (1 << 31) - 2 // below the number of an empty slot
    } else {
        u64::from(at.timestamp_subsec_nanos())
    };
    secs << 31 | nanos
}

/// Slots `0..`, each with a deadline or none, and the slot of the earliest.
#[derive(Debug, Clone, Default)]
pub(crate) struct FrontTree {
    /// A complete binary tree in an array: node `n` has children `2n` and
    /// `2n + 1`, the root is node 1, and leaf `nodes.len() / 2 + s` is
    /// slot `s`.
    nodes: Vec<Node>,
    /// Each slot's deadline in full, for numbers that are equal.
    fronts: Vec<Front>,
}

impl FrontTree {
    /// The slot holding the earliest deadline, if any slot holds one.
    #[inline]
    pub(crate) fn first(&self) -> Option<usize> {
        let root = self.nodes.get(1)?;
        let slot = root.slot as usize;
        (self.fronts.get(slot) != Some(&NONE)).then_some(slot)
    }

    /// Puts `front` in slot `slot` (`None`: empties it).
    pub(crate) fn set(&mut self, slot: usize, front: Option<Front>) {
        let Ok(slot32) = u32::try_from(slot) else {
            return; // more slots than lanes can be numbered by
        };
        let front = front.unwrap_or(NONE);
        if slot >= self.fronts.len() {
            if front == NONE {
                return;
            }
            self.grow(slot + 1);
        }
        let mut node = self.fronts.len() + slot;
        let mut least = Node {
            key: key_of(front),
            slot: slot32,
        };
        if let (Some(leaf), Some(full)) = (self.nodes.get_mut(node), self.fronts.get_mut(slot)) {
            *leaf = least;
            *full = front;
        }
        // Climb with the earliest of the subtree just left, comparing it
        // with its sibling's; every node below `nodes.len()` has its
        // sibling there too.
        while node > 1 {
            let sibling = self.nodes[node ^ 1];
            least = if node & 1 == 0 {
                self.earlier(least, sibling)
            } else {
                self.earlier(sibling, least)
            };
            node /= 2;
            let here = &mut self.nodes[node];
            // Only `slot` changed: above a node still won by the same
            // other slot, nothing changes.
            if least.slot == here.slot && least.slot != slot32 {
                return;
            }
            *here = least;
        }
    }

    /// The node with the earlier deadline; the left one when neither is
    /// earlier (two empty slots).
    #[inline]
    fn earlier(&self, left: Node, right: Node) -> Node {
        let right_first = if right.key == left.key && left.key != EMPTY {
            self.fronts.get(right.slot as usize) < self.fronts.get(left.slot as usize)
        } else {
            right.key < left.key
        };
        if right_first { right } else { left }
    }

    /// Makes room for at least `slots` slots, keeping every deadline.
    #[cold]
    fn grow(&mut self, slots: usize) {
        let leaves = slots.next_power_of_two().max(2);
        self.fronts.resize(leaves, NONE);
        self.nodes = vec![Node { key: 0, slot: 0 }; 2 * leaves];
        for (slot, &front) in (0_u32..).zip(&self.fronts) {
            self.nodes[leaves + slot as usize] = Node {
                key: key_of(front),
                slot,
            };
        }
        for node in (1..leaves).rev() {
            self.nodes[node] = self.earlier(self.nodes[2 * node], self.nodes[2 * node + 1]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::BTreeMap;

    use chrono::{NaiveDate, TimeZone};

    fn front(secs: i64, seq: u64) -> Front {
        (
            Utc.timestamp_opt(1_700_000_000 + secs, 0)
                .single()
                .unwrap_or_default(),
            seq,
        )
    }

    /// Times across chrono's range, in order: its ends, before the epoch,
    /// a nanosecond apart, and in a leap second.
    fn times() -> Vec<DateTime<Utc>> {
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
            .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_500_000_000))
            .map(|t| t.and_utc());
        let midnight = Utc.with_ymd_and_hms(2017, 1, 1, 0, 0, 0).single();
        [
            Some(DateTime::<Utc>::MIN_UTC),
            Utc.timestamp_opt(-50_000_000_000, 7).single(),
            Utc.timestamp_opt(-1, 999_999_999).single(),
            Utc.timestamp_opt(0, 0).single(),
            Utc.timestamp_opt(0, 1).single(),
            Utc.timestamp_opt(1_483_228_799, 999_999_999).single(),
            leap,
            midnight,
            Utc.timestamp_opt(4_000_000_000, 0).single(),
            Some(DateTime::<Utc>::MAX_UTC),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    #[test]
    fn d4_times_are_numbered_in_their_order() {
        let times = times();
        assert_eq!(times.len(), 10);
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        let numbered: Vec<u64> = times.iter().map(|&at| key_of((at, 0))).collect();
        // Never the wrong way round; apart within 1970 to 2242.
        assert!(numbered.windows(2).all(|w| w[0] <= w[1]));
        assert!(numbered[3..9].windows(2).all(|w| w[0] < w[1]));
        assert_eq!(numbered[..4], [0, 0, 0, 0]);
        assert_eq!(key_of((DateTime::<Utc>::MAX_UTC, 0)), EMPTY - 1);
        assert_eq!(key_of(NONE), EMPTY);
    }

    /// The slot a model (deadlines by slot) puts first.
    fn first_in(model: &BTreeMap<usize, Front>) -> Option<usize> {
        model
            .iter()
            .map(|(&slot, &front)| (front, slot))
            .min()
            .map(|(_, slot)| slot)
    }

    #[test]
    fn d4_the_earliest_lane_front_is_at_hand() {
        let mut tree = FrontTree::default();
        assert_eq!(tree.first(), None);
        tree.set(5, Some(front(30, 1)));
        tree.set(2, Some(front(20, 2)));
        tree.set(9, Some(front(20, 0)));
        // Equal deadlines: the one set first (lower sequence number).
        assert_eq!(tree.first(), Some(9));
        tree.set(9, None);
        assert_eq!(tree.first(), Some(2));
        tree.set(2, Some(front(40, 2)));
        assert_eq!(tree.first(), Some(5));
        tree.set(5, None);
        tree.set(2, None);
        assert_eq!(tree.first(), None);
        // Emptying a slot never set makes no room.
        tree.set(1_000, None);
        assert_eq!(tree.nodes.len(), 32);
    }

    proptest::proptest! {
        /// Any mix of slots set, changed and emptied, at times across
        /// chrono's range and often equal, leaves the earliest first, as a
        /// plain map of them all says.
        #[test]
        fn d4_the_earliest_of_any_changes_is_first(
            steps in proptest::collection::vec((0_usize..40, 0_usize..10, proptest::bool::ANY), 1..300),
        ) {
            let times = times();
            let mut tree = FrontTree::default();
            let mut model = BTreeMap::new();
            for (seq, (slot, time, empty)) in (0_u64..).zip(steps) {
                if empty {
                    tree.set(slot, None);
                    model.remove(&slot);
                } else {
                    let front = (times[time], seq);
                    tree.set(slot, Some(front));
                    model.insert(slot, front);
                }
                proptest::prop_assert_eq!(tree.first(), first_in(&model));
            }
        }
    }
}
