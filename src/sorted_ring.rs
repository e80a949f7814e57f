//! [`SortedRing`]: an ordered set that is a queue where keys come and go at
//! its ends, and a B-tree only for those that do not.
//!
//! Most orders the engine keeps are queues in disguise. A queue's line
//! (A2) takes new work at the back (arrival numbers rise) and offers it
//! from the front; work that goes back keeps its old place, near the
//! front. The round-robin and least-active orders (A1) put an agent at the
//! back when offered or released and take the best from the front; an
//! agent moving between highest-capacity buckets enters one at the back
//! and leaves it from the front. A B-tree pays a search from the root and,
//! as a queue, a node split or merge every few keys for each of these
//! (re-ranking an agent twice a dispatch cycle took 1,170 instructions in
//! B-trees, 771 in rings, measured). Here a key that falls
//! beyond either end is pushed onto a ring; one that falls between the ends
//! goes to a B-tree beside it. A key leaving the ring from an end is popped,
//! and one near an end taken out; one leaving from further between stays
//! as a tombstone until it reaches an end or the tombstones outnumber the
//! live keys. Every operation is O(log n) or
//! better; those at the ends are O(1).

use std::collections::{BTreeSet, VecDeque, btree_set, vec_deque};
use std::ops::Bound::{Excluded, Unbounded};

use crate::tombstones;

/// A set of keys, in increasing order.
#[derive(Debug, Clone)]
pub(crate) struct SortedRing<K> {
    /// Keys in increasing order, each with whether it is still in the set.
    /// Both ends are live keys.
    ring: VecDeque<(K, bool)>,
    /// Tombstones in `ring`.
    dead: usize,
    /// Keys that arrived between the ring's ends. None is also in `ring`.
    rest: BTreeSet<K>,
}

impl<K> Default for SortedRing<K> {
    fn default() -> Self {
        Self {
            ring: VecDeque::new(),
            dead: 0,
            rest: BTreeSet::new(),
        }
    }
}

/// A key leaving from at most this many places from an end of the ring is
/// taken out, moving the keys before it, rather than left as a tombstone
/// that every later look steps over: a line whose front item nobody may
/// take has the items behind it leave from there (with 100,000 waiting, a
/// look took 22.5 µs through their tombstones). One in unit tests, so that
/// their small rings keep tombstones too.
const NEAR_END: usize = if cfg!(test) { 1 } else { 128 };

impl<K: Ord + Copy> SortedRing<K> {
    /// Adds `key`; whether it was not in the set yet.
    #[inline]
    pub(crate) fn insert(&mut self, key: K) -> bool {
        let before_front = self.ring.front().is_some_and(|&(first, _)| key < first);
        let after_back = self.ring.back().is_none_or(|&(last, _)| key > last);
        if before_front || after_back {
            if self.rest.contains(&key) {
                return false;
            }
            if before_front {
                self.ring.push_front((key, true));
            } else {
                self.ring.push_back((key, true));
            }
            return true;
        }
        match self.ring.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) if self.ring[at].1 => false,
            Ok(at) => {
                self.ring[at].1 = true;
                self.dead -= 1;
                true
            }
            Err(_) => self.rest.insert(key),
        }
    }

    /// Removes `key`; whether it was in the set.
    #[inline]
    pub(crate) fn remove(&mut self, key: &K) -> bool {
        if !self.remove_from_ring(key) {
            return self.rest.remove(key);
        }
        tombstones::compact(&mut self.ring, &mut self.dead, |&(_, live)| live);
        true
    }

    /// Takes `key` off the ring: popped at an end, a tombstone between.
    #[inline]
    fn remove_from_ring(&mut self, key: &K) -> bool {
        let (Some((first, _)), Some((last, _))) = (self.ring.front(), self.ring.back()) else {
            return false;
        };
        if key == last {
            self.ring.pop_back();
        } else if key == first {
            self.ring.pop_front();
        } else if first < key && key < last {
            let Ok(at) = self.ring.binary_search_by(|(k, _)| k.cmp(key)) else {
                return false;
            };
            if !self.ring[at].1 {
                return false;
            }
            if at.min(self.ring.len() - 1 - at) <= NEAR_END {
                // Moves the keys between it and the nearer end.
                self.ring.remove(at);
            } else {
                self.ring[at].1 = false;
                self.dead += 1;
            }
            return true;
        } else {
            return false;
        }
        self.trim();
        true
    }

    /// Drops tombstones from both ends, so that both ends are live keys.
    #[inline]
    fn trim(&mut self) {
        tombstones::trim(&mut self.ring, &mut self.dead, |&(_, live)| live);
    }

    /// The least key.
    #[inline]
    pub(crate) fn first(&self) -> Option<K> {
        least(
            self.ring.front().map(|&(key, _)| key),
            self.rest.first().copied(),
        )
    }

    /// The least key greater than `key`.
    pub(crate) fn after(&self, key: &K) -> Option<K> {
        let from = self.ring.partition_point(|(k, _)| k <= key);
        let in_ring = self
            .ring
            .range(from..)
            .find(|&&(_, live)| live)
            .map(|&(k, _)| k);
        let in_rest = self.rest.range((Excluded(key), Unbounded)).next().copied();
        least(in_ring, in_rest)
    }

    /// Every key, in increasing order.
    #[inline]
    pub(crate) fn iter(&self) -> Iter<'_, K> {
        Iter {
            ring: self.ring.iter(),
            ring_next: None,
            rest: (!self.rest.is_empty()).then(|| self.rest.iter()),
            rest_next: None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ring.len() - self.dead + self.rest.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ring.is_empty() && self.rest.is_empty()
    }
}

/// The lesser of two keys, where either may be missing.
#[inline]
fn least<K: Ord>(a: Option<K>, b: Option<K>) -> Option<K> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A [`SortedRing`]'s keys in increasing order: the ring's live keys
/// merged with the B-tree's (looked at only when it holds any).
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a, K> {
    ring: vec_deque::Iter<'a, (K, bool)>,
    /// The ring's next live key, once looked at.
    ring_next: Option<K>,
    rest: Option<btree_set::Iter<'a, K>>,
    /// The B-tree's next key, once looked at.
    rest_next: Option<K>,
}

impl<K: Ord + Copy> Iterator for Iter<'_, K> {
    type Item = K;

    #[inline]
    fn next(&mut self) -> Option<K> {
        if self.ring_next.is_none() {
            self.ring_next = self.ring.find(|&&(_, live)| live).map(|&(key, _)| key);
        }
        let Some(rest) = &mut self.rest else {
            return self.ring_next.take();
        };
        if self.rest_next.is_none() {
            self.rest_next = rest.next().copied();
        }
        match (self.ring_next, self.rest_next) {
            (Some(key), Some(other)) if other < key => self.rest_next.take(),
            (Some(_), _) => self.ring_next.take(),
            (None, _) => self.rest_next.take(),
        }
    }
}

impl<K: Ord + Copy> PartialEq for SortedRing<K> {
    /// Equal when they hold the same keys, wherever each is kept.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<K: Ord + Copy> FromIterator<K> for SortedRing<K> {
    fn from_iter<I: IntoIterator<Item = K>>(keys: I) -> Self {
        let mut set = Self::default();
        for key in keys {
            set.insert(key);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a2_keys_at_the_ends_stay_in_the_ring_and_between_go_to_the_tree() {
        let mut set: SortedRing<u32> = [10, 20, 30, 40].into_iter().collect();
        assert_eq!((set.ring.len(), set.rest.len()), (4, 0));
        assert!(set.insert(5)); // before the front
        assert!(set.insert(25)); // between: the tree
        assert!(!set.insert(25) && !set.insert(30) && !set.insert(5));
        assert_eq!((set.ring.len(), set.rest.len()), (5, 1));
        assert_eq!(set.iter().collect::<Vec<_>>(), [5, 10, 20, 25, 30, 40]);
        assert_eq!(set.first(), Some(5));
        assert_eq!(set.after(&20), Some(25));
        assert_eq!(set.after(&25), Some(30));
        assert_eq!(set.after(&40), None);

        // Between the ends: a tombstone, revived by the same key.
        assert!(set.remove(&20));
        assert!(!set.remove(&20));
        assert_eq!((set.ring.len(), set.dead), (5, 1));
        assert_eq!(set.after(&10), Some(25));
        assert!(set.insert(20));
        assert_eq!((set.ring.len(), set.dead, set.len()), (5, 0, 6));

        // Tombstones never outnumber live keys, and ends are live.
        for key in [10, 20, 30] {
            assert!(set.remove(&key));
        }
        assert!(set.dead <= set.ring.len() - set.dead);
        assert_eq!(set.iter().collect::<Vec<_>>(), [5, 25, 40]);
        assert!(set.remove(&5) && set.remove(&40));
        // The ring emptied while the tree held 25; 25 is still found.
        assert_eq!((set.ring.len(), set.dead), (0, 0));
        assert!(!set.insert(25));
        assert_eq!(set.first(), Some(25));
        assert!(set.remove(&25) && set.is_empty());
    }

    #[test]
    fn a2_a_key_near_an_end_is_taken_out_and_leaves_no_tombstone() {
        let mut set: SortedRing<u32> = (0..8).collect();
        // Second from either end: taken out.
        assert!(set.remove(&1) && set.remove(&6));
        assert_eq!((set.ring.len(), set.dead), (6, 0));
        // Further in: a tombstone.
        assert!(set.remove(&3));
        assert_eq!((set.ring.len(), set.dead), (6, 1));
        assert!(!set.remove(&3) && !set.remove(&1));
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 2, 4, 5, 7]);
        assert_eq!(set.after(&2), Some(4));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any mix of inserts and removes (mostly at the ends, as queues
        /// do, sometimes anywhere) holds, orders and finds exactly what a
        /// B-tree set does.
        #[test]
        fn a2_sorted_ring_matches_an_ordered_set(
            steps in proptest::collection::vec((0_u8..6, 0_u16..512), 1..3_000),
        ) {
            let mut set = SortedRing::default();
            let mut model = BTreeSet::new();
            let mut next = 256_u16;
            for (what, pick) in steps {
                let front = model.first().copied().unwrap_or(pick);
                match what {
                    0 => {
                        next += 1;
                        proptest::prop_assert_eq!(set.insert(next), model.insert(next));
                    }
                    1 => {
                        let key = front.saturating_sub(pick % 3);
                        proptest::prop_assert_eq!(set.insert(key), model.insert(key));
                    }
                    2 => proptest::prop_assert_eq!(set.remove(&front), model.remove(&front)),
                    3 => {
                        let back = model.last().copied().unwrap_or(pick);
                        proptest::prop_assert_eq!(set.remove(&back), model.remove(&back));
                    }
                    4 => proptest::prop_assert_eq!(set.insert(pick), model.insert(pick)),
                    _ => proptest::prop_assert_eq!(set.remove(&pick), model.remove(&pick)),
                }
                proptest::prop_assert!(set.dead <= set.ring.len() - set.dead);
                proptest::prop_assert_eq!(set.len(), model.len());
                proptest::prop_assert_eq!(set.first(), model.first().copied());
                let after = model.range((Excluded(pick), Unbounded)).next().copied();
                proptest::prop_assert_eq!(set.after(&pick), after);
            }
            proptest::prop_assert!(set.iter().eq(model.iter().copied()));
        }
    }
}
