//! Rings with tombstones: the upkeep shared by the engine's two queues
//! whose entries may also leave from between their ends, a
//! [`SortedRing`](crate::sorted_ring::SortedRing) and a deadline lane
//! (`timer.rs`).
//!
//! An entry that leaves from an end is popped; one that leaves from
//! between is marked dead (a tombstone) rather than moved. Both ends are
//! kept live, so that the front is always the first entry, and a ring
//! whose tombstones outnumber its live entries is compacted, so that
//! stepping over them costs at most as much as the live ones.

use std::collections::VecDeque;

/// Room a ring keeps however small it gets.
const KEPT_ROOM: usize = 64;

/// Drops the tombstones at both ends of `ring`, counting them off `dead`,
/// so that both ends are live; then gives back room a busier moment left
/// (a quarter used: halved).
#[inline]
pub(crate) fn trim<T>(ring: &mut VecDeque<T>, dead: &mut usize, live: impl Fn(&T) -> bool) {
    while ring.front().is_some_and(|entry| !live(entry)) {
        ring.pop_front();
        *dead -= 1;
    }
    while ring.back().is_some_and(|entry| !live(entry)) {
        ring.pop_back();
        *dead -= 1;
    }
    let room = ring.capacity();
    if room > KEPT_ROOM && ring.len() < room / 4 {
        ring.shrink_to(room / 2);
    }
}

/// Compacts `ring` if its tombstones (`dead`) outnumber its live entries.
#[inline]
pub(crate) fn compact<T>(ring: &mut VecDeque<T>, dead: &mut usize, live: impl Fn(&T) -> bool) {
    if *dead > ring.len() - *dead {
        ring.retain(live);
        *dead = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry and whether it is live.
    fn ring(entries: &[(u32, bool)]) -> (VecDeque<(u32, bool)>, usize) {
        let dead = entries.iter().filter(|&&(_, live)| !live).count();
        (entries.iter().copied().collect(), dead)
    }

    /// Whether an entry is live.
    fn live() -> impl Fn(&(u32, bool)) -> bool {
        |&(_, live)| live
    }

    #[test]
    fn trim_drops_tombstones_at_both_ends_and_keeps_those_between() {
        let (mut r, mut dead) = ring(&[(1, false), (2, true), (3, false), (4, true), (5, false)]);
        trim(&mut r, &mut dead, live());
        assert_eq!(Vec::from(r), [(2, true), (3, false), (4, true)]);
        assert_eq!(dead, 1);
    }

    #[test]
    fn trim_empties_a_ring_of_tombstones() {
        let (mut r, mut dead) = ring(&[(1, false), (2, false)]);
        trim(&mut r, &mut dead, live());
        assert!(r.is_empty());
        assert_eq!(dead, 0);
    }

    #[test]
    fn trim_halves_room_a_quarter_used() {
        let mut r: VecDeque<(u32, bool)> = VecDeque::with_capacity(1024);
        r.extend((0..10).map(|k| (k, true)));
        let mut dead = 0;
        trim(&mut r, &mut dead, live());
        assert_eq!(dead, 0);
        assert!(r.capacity() < 1024, "room {}", r.capacity());
        assert!(r.capacity() >= 512);
        // Small rings keep their room.
        let mut small: VecDeque<(u32, bool)> = VecDeque::with_capacity(KEPT_ROOM);
        small.push_back((1, true));
        let room = small.capacity();
        trim(&mut small, &mut dead, live());
        assert_eq!(small.capacity(), room);
    }

    #[test]
    fn compact_waits_until_tombstones_outnumber_live_entries() {
        let (mut r, mut dead) = ring(&[(1, true), (2, false), (3, true), (4, false), (5, true)]);
        compact(&mut r, &mut dead, live());
        assert_eq!((r.len(), dead), (5, 2), "2 dead of 5: kept");
        r[2].1 = false;
        dead += 1;
        compact(&mut r, &mut dead, live());
        assert_eq!(Vec::from(r), [(1, true), (5, true)]);
        assert_eq!(dead, 0);
    }
}
