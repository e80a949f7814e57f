//! Deadlines: schedule, cancel, pop the earliest due, peek the next.
//!
//! Almost every deadline is a fixed delay after the moment it is set (an
//! offer's time-out, a state's auto-close, a reconnect grace), and the
//! clock never goes backwards, so deadlines of one delay are set in
//! deadline order. Each delay gets a lane: a queue appended at the back,
//! popped at the front, where a cancel is a binary search and a tombstone
//! (or a pop, at either end). Deadlines of no fixed delay (local midnight),
//! and any that would land out of order (after a restore), go to an ordered
//! map. The earliest deadline is the least of the lane fronts and the map's
//! first: ties fire in creation order (D3), whichever lane they sit in.
//!
//! A configuration can use hundreds of delays (each workstream's auto-close
//! times, each template's time-out), so a delay's lane is found by a search
//! in halves once there are more than a handful: looking through 901 lanes
//! made a dispatch cycle take 3.0 µs where 4 lanes took 1.2 µs; searched,
//! 1.36 µs (`dispatch_delays`, BENCHMARKS.md). Finding the earliest looks
//! through the busiest eight lanes (where the most deadlines were set since
//! the last pick, every 4,096 deadlines) and reads the first of a
//! [`FrontTree`] holding every other lane by its first deadline: with 901
//! delays `poll_timeout` takes 17 ns (1.27 µs looking through every lane).
//! A lane in the tree pays a climb whenever its first deadline changes, so
//! the lanes where deadlines come and go fastest stay out of it. A tick,
//! which hosts call far more often than anything is due, first reads a
//! lower bound of every pending deadline kept beside the lanes: lowered as
//! deadlines are set, raised to the earliest whenever that is looked for
//! (an idle tick with 901 delays went from 1.28 µs to 3.9 ns).

use serde::{Deserialize, Serialize, Serializer};

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, NaiveTime, TimeDelta, Timelike, Utc};

use crate::front_tree::FrontTree;
use crate::ids::NotificationId;
use crate::tombstones;

/// What happens when a deadline passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Timer {
    /// The notification's time is up (T1, T3, T7).
    OfferDeadline(NotificationId),
    /// Work assigned unseen is rerouted unless opened (T3); the work item index.
    UnseenReroute(usize),
    /// The conversation's state lasted its auto-close time (L2); the work item index.
    AutoClose(usize),
    /// A disconnected agent's reconnect grace ran out (P8, L1); the agent index.
    ReconnectGrace(usize),
    /// Custom wrap-up blocking ran out (C5); the work item index.
    WrapUpRelease(usize),
    /// Local midnight: end-of-day profiles reset (C6).
    EndOfDay,
}

/// Handle to a scheduled deadline, used to cancel it. Equal and ordered by
/// deadline and creation only: where it is kept is a hint.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct TimerKey {
    pub(crate) at: DateTime<Utc>,
    seq: u64,
    /// The lane it was put in; [`ORDERED`] (also after a restore) for the map.
    #[serde(skip, default = "ordered")]
    lane: u32,
}

/// The lane number of the ordered map.
const ORDERED: u32 = u32::MAX;

fn ordered() -> u32 {
    ORDERED
}

impl TimerKey {
    fn order(&self) -> (DateTime<Utc>, u64) {
        (self.at, self.seq)
    }
}

impl PartialEq for TimerKey {
    fn eq(&self, other: &Self) -> bool {
        self.order() == other.order()
    }
}

impl Eq for TimerKey {}

impl PartialOrd for TimerKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TimerKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order().cmp(&other.order())
    }
}

/// Deadlines of one delay, in deadline order. Front and back are always
/// live; cancelled entries in between are tombstones until they reach an
/// end, or until they outnumber the live ones and the lane is compacted.
#[derive(Debug, Clone, Default)]
struct Lane {
    /// The delay, also in `Timers::by_delay`: a handful of lanes are
    /// looked through by it (found through `by_delay` in delay order
    /// instead, a dispatch cycle took 34 instructions more).
    delay_secs: u32,
    entries: VecDeque<(DateTime<Utc>, u64, Option<Timer>)>,
    /// Tombstones among `entries`.
    dead: usize,
    /// Kept in `Timers::fronts` by its first deadline, rather than looked
    /// through for the earliest.
    in_tree: bool,
    /// Deadlines set here since the busiest lanes were last picked.
    sets: u32,
}

impl Lane {
    fn front(&self) -> Option<(DateTime<Utc>, u64)> {
        self.entries.front().map(|&(at, seq, _)| (at, seq))
    }

    fn live(&self) -> usize {
        self.entries.len() - self.dead
    }

    /// Drops tombstones from both ends, so that both ends are live.
    #[inline]
    fn trim(&mut self) {
        tombstones::trim(&mut self.entries, &mut self.dead, |entry| entry.2.is_some());
    }

    /// Cancels the entry `key`; `false` when it is not here. Entries go
    /// in at the back with rising sequence numbers, so a lane is in
    /// sequence order too, and a key is found by its number alone.
    fn cancel(&mut self, key: TimerKey) -> bool {
        let (Some(&(_, first, _)), Some(&(_, last, _))) =
            (self.entries.front(), self.entries.back())
        else {
            return false;
        };
        // The newest deadline is the one most often cancelled (a state
        // that ended before the next began): taken off the back, no
        // tombstone.
        if last == key.seq {
            self.entries.pop_back();
        } else {
            if key.seq < first || key.seq > last {
                return false; // fired already (or never here)
            }
            let Ok(k) = self
                .entries
                .binary_search_by_key(&key.seq, |&(_, seq, _)| seq)
            else {
                return false;
            };
            if self.entries[k].2.take().is_none() {
                return false;
            }
            self.dead += 1;
        }
        self.trim();
        tombstones::compact(&mut self.entries, &mut self.dead, |entry| entry.2.is_some());
        true
    }
}

/// Up to this many lanes, a delay's lane is found by looking through
/// them; beyond, by a search in halves of `by_delay`.
const FEW_LANES: usize = 8;

/// The busiest lanes, up to this many, are looked through for the
/// earliest deadline; the others are kept in a [`FrontTree`] by their
/// first deadline, whose first is read. Keeping a lane there costs a climb
/// up the tree whenever its first deadline changes (a dispatch cycle
/// changes it six times in the lanes it uses), and looking through a few
/// lanes costs less than that.
const LOOKED_THROUGH: usize = 8;

/// Deadlines set between two picks of the busiest lanes.
#[cfg(not(test))]
const PICK_EVERY: u32 = 4_096;
/// Unit tests pick often, so that a test of a few hundred deadlines sees
/// lanes move in and out of the tree.
#[cfg(test)]
const PICK_EVERY: u32 = 16;

/// Every pending deadline.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    /// One lane per delay, in the order the delays were first used.
    lanes: Vec<Lane>,
    /// The lanes looked through (the busiest), up to [`LOOKED_THROUGH`].
    looked_through: Vec<u32>,
    /// Every other lane by its first deadline: lane `l` is slot `l`.
    fronts: FrontTree,
    /// Deadlines still to set before the busiest lanes are picked again.
    until_pick: u32,
    /// `(delay, lane)` for every lane, by delay.
    by_delay: Vec<(u32, u32)>,
    /// Deadlines of no fixed delay, and any that would land out of order.
    ordered: BTreeMap<TimerKey, Timer>,
    next_seq: u64,
    /// No pending deadline is earlier than this (`None`: not known, as
    /// after a restore). Cancels and pops leave it a lower bound.
    not_before: Option<DateTime<Utc>>,
}

impl Timers {
    /// Schedules `timer` at `at`, a deadline of no fixed delay; `None`
    /// (past the end of chrono's range) never comes and is not set.
    pub(crate) fn schedule_at(
        &mut self,
        at: Option<DateTime<Utc>>,
        timer: Timer,
    ) -> Option<TimerKey> {
        let key = self.next_key(at?, ORDERED);
        self.ordered.insert(key, timer);
        Some(key)
    }

    /// Schedules `timer` `delay_secs` after `from` (the clock, or the
    /// deadline being fired); a deadline past the end of chrono's range
    /// never comes and is not set (`None`).
    pub(crate) fn schedule_after(
        &mut self,
        from: DateTime<Utc>,
        delay_secs: u32,
        timer: Timer,
    ) -> Option<TimerKey> {
        let at = after(from, delay_secs)?;
        let lane = self.lane_of(delay_secs);
        let in_order = self.lanes[lane]
            .entries
            .back()
            .is_none_or(|&(last, _, _)| last <= at);
        if !in_order {
            return self.schedule_at(Some(at), timer);
        }
        let key = self.next_key(at, u32::try_from(lane).unwrap_or(ORDERED));
        let kept = &mut self.lanes[lane];
        kept.entries.push_back((key.at, key.seq, Some(timer)));
        kept.sets += 1; // at most PICK_EVERY: every pick starts them again
        if kept.in_tree && kept.entries.len() == 1 {
            self.refront(lane);
        }
        match self.until_pick.checked_sub(1) {
            Some(left) => self.until_pick = left,
            None => self.pick_busiest(),
        }
        Some(key)
    }

    /// The lane of deadlines `delay_secs` after they are set, made on
    /// first use. A handful of lanes are looked through; more, searched
    /// in halves by delay.
    #[inline]
    fn lane_of(&mut self, delay_secs: u32) -> usize {
        let found = if self.lanes.len() <= FEW_LANES {
            self.lanes.iter().position(|l| l.delay_secs == delay_secs)
        } else {
            self.by_delay
                .binary_search_by_key(&delay_secs, |&(delay, _)| delay)
                .ok()
                .and_then(|k| self.by_delay.get(k))
                .map(|&(_, lane)| lane as usize)
        };
        found.unwrap_or_else(|| self.add_lane(delay_secs))
    }

    /// Makes the lane for `delay_secs`.
    #[cold]
    fn add_lane(&mut self, delay_secs: u32) -> usize {
        let lane = self.lanes.len();
        let number = u32::try_from(lane).unwrap_or(ORDERED);
        let in_tree = self.looked_through.len() >= LOOKED_THROUGH;
        if !in_tree {
            self.looked_through.push(number);
        }
        self.lanes.push(Lane {
            delay_secs,
            in_tree,
            ..Lane::default()
        });
        let at = self
            .by_delay
            .partition_point(|&(delay, _)| delay < delay_secs);
        self.by_delay.insert(at, (delay_secs, number));
        lane
    }

    /// Looks through the lanes where the most deadlines were set since
    /// the last pick, and keeps every other lane in `fronts`: where
    /// deadlines come and go fastest, no tree is climbed. Ties go to the
    /// lane made first.
    #[cold]
    fn pick_busiest(&mut self) {
        self.until_pick = PICK_EVERY;
        if self.lanes.len() <= LOOKED_THROUGH {
            // Every lane is looked through.
            for lane in &mut self.lanes {
                lane.sets = 0;
            }
            return;
        }
        let mut busiest: Vec<(std::cmp::Reverse<u32>, u32)> = (0_u32..)
            .zip(&self.lanes)
            .map(|(l, lane)| (std::cmp::Reverse(lane.sets), l))
            .collect();
        busiest.select_nth_unstable(LOOKED_THROUGH - 1);
        busiest.truncate(LOOKED_THROUGH);
        busiest.sort_unstable_by_key(|&(_, l)| l);
        self.looked_through = busiest.into_iter().map(|(_, l)| l).collect();
        for (l, lane) in (0_u32..).zip(&mut self.lanes) {
            let looked = self.looked_through.binary_search(&l).is_ok();
            lane.sets = 0;
            if lane.in_tree == looked {
                lane.in_tree = !looked;
                let front = if looked { None } else { lane.front() };
                self.fronts.set(l as usize, front);
            }
        }
    }

    fn next_key(&mut self, at: DateTime<Utc>, lane: u32) -> TimerKey {
        if let Some(bound) = &mut self.not_before {
            *bound = (*bound).min(at);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        TimerKey { at, seq, lane }
    }

    /// Cancels a deadline; cancelling one that already fired does nothing.
    #[inline]
    pub(crate) fn cancel(&mut self, key: impl Into<Option<TimerKey>>) {
        let Some(key) = key.into() else {
            return;
        };
        if let Some(lane) = self.lanes.get_mut(key.lane as usize) {
            if !lane.in_tree {
                // Not there: it fired already, or it was restored to the map.
                if lane.cancel(key) || self.ordered.is_empty() {
                    return;
                }
            }
        }
        self.cancel_elsewhere(key);
    }

    /// Cancels `key` in a lane kept in `fronts`, keeping the lane's place
    /// there, or else in the map. Out of line, so that a cancel in the
    /// lanes looked through sets up nothing for it.
    #[inline(never)]
    fn cancel_elsewhere(&mut self, key: TimerKey) {
        let l = key.lane as usize;
        if let Some(lane) = self.lanes.get_mut(l).filter(|lane| lane.in_tree) {
            let front = lane.front();
            let cancelled = lane.cancel(key);
            if lane.front() != front {
                self.refront(l);
            }
            if cancelled {
                return;
            }
        }
        self.ordered.remove(&key);
    }

    /// Puts lane `l` (one kept in `fronts`) at its place there after its
    /// first deadline changed.
    fn refront(&mut self, l: usize) {
        let front = self.lanes.get(l).and_then(Lane::front);
        self.fronts.set(l, front);
    }

    /// The lane holding the earliest deadline, or `None` for the map.
    #[inline]
    fn earliest(&self) -> Option<(DateTime<Utc>, Option<usize>)> {
        let mut best = self
            .ordered
            .first_key_value()
            .map(|(key, _)| (key.order(), None));
        let mut consider = |front: (DateTime<Utc>, u64), l: usize| {
            if best.is_none_or(|(order, _)| front < order) {
                best = Some((front, Some(l)));
            }
        };
        if self.lanes.len() <= LOOKED_THROUGH {
            // Every lane is looked through: straight down the lanes, which
            // a fired deadline costs 16 instructions less than the list.
            for (l, lane) in self.lanes.iter().enumerate() {
                if let Some(front) = lane.front() {
                    consider(front, l);
                }
            }
        } else {
            let tree_first = self.fronts.first();
            for l in self
                .looked_through
                .iter()
                .map(|&l| l as usize)
                .chain(tree_first)
            {
                if let Some(front) = self.lanes.get(l).and_then(Lane::front) {
                    consider(front, l);
                }
            }
        }
        best.map(|((at, _), lane)| (at, lane))
    }

    /// Keeps the earliest pending deadline (`None`: there is none) as the
    /// lower bound.
    fn keep_bound(&mut self, earliest: Option<DateTime<Utc>>) {
        self.not_before = Some(earliest.unwrap_or(DateTime::<Utc>::MAX_UTC));
    }

    /// Whether a deadline is due at or before `now`: while `now` is before
    /// the lower bound, without looking at a lane.
    #[inline]
    pub(crate) fn any_due(&mut self, now: DateTime<Utc>) -> bool {
        if self.not_before.is_some_and(|bound| now < bound) {
            return false;
        }
        self.look_due(now)
    }

    /// [`any_due`](Self::any_due) at or past the bound: looks, and keeps
    /// the earliest as the bound. Out of line, so that a tick reading the
    /// bound alone sets up nothing for it (4.6 to 3.9 ns).
    #[inline(never)]
    fn look_due(&mut self, now: DateTime<Utc>) -> bool {
        let next = self.next();
        self.keep_bound(next);
        next.is_some_and(|at| at <= now)
    }

    /// Removes and returns the earliest deadline due at or before `now`;
    /// when none is left due, the earliest becomes the lower bound.
    pub(crate) fn pop_due(&mut self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, Timer)> {
        let earliest = self.earliest();
        let Some((_, lane)) = earliest.filter(|&(at, _)| at <= now) else {
            self.keep_bound(earliest.map(|(at, _)| at));
            return None;
        };
        match lane {
            None => self.ordered.pop_first().map(|(key, timer)| (key.at, timer)),
            Some(l) => {
                let lane = &mut self.lanes[l];
                let (at, _, timer) = lane.entries.pop_front()?;
                lane.trim();
                if lane.in_tree {
                    self.refront(l);
                }
                timer.map(|timer| (at, timer))
            }
        }
    }

    /// The earliest pending deadline.
    pub(crate) fn next(&self) -> Option<DateTime<Utc>> {
        self.earliest().map(|(at, _)| at)
    }

    /// Every pending deadline with its timer, in deadline order, ties in
    /// creation order.
    fn entries(&self) -> Vec<(TimerKey, Timer)> {
        let mut all: Vec<(TimerKey, Timer)> = self
            .ordered
            .iter()
            .map(|(&key, &timer)| (key, timer))
            .collect();
        for lane in &self.lanes {
            all.extend(lane.entries.iter().filter_map(|&(at, seq, timer)| {
                timer.map(|timer| {
                    (
                        TimerKey {
                            at,
                            seq,
                            lane: ORDERED,
                        },
                        timer,
                    )
                })
            }));
        }
        all.sort_unstable_by_key(|&(key, _)| key);
        all
    }

    /// Every pending timer, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Timer> {
        let lanes = self.lanes.iter().flat_map(|lane| {
            lane.entries
                .iter()
                .filter_map(|(_, _, timer)| timer.as_ref())
        });
        self.ordered.values().chain(lanes)
    }

    /// How many deadlines are pending.
    pub(crate) fn len(&self) -> usize {
        self.ordered.len() + self.lanes.iter().map(Lane::live).sum::<usize>()
    }
}

/// The time `secs` after `now`, or `None` past the end of chrono's range
/// (only reachable by ticking near it; inputs there are refused). A time on
/// the same day is the same date at a later time, found without chrono's
/// general date arithmetic (a cycle sets two or three deadlines).
fn after(now: DateTime<Utc>, secs: u32) -> Option<DateTime<Utc>> {
    let naive = now.naive_utc();
    let time = naive.time();
    let later = time.num_seconds_from_midnight().saturating_add(secs);
    // A leap second's time (nanoseconds past 10^9) takes chrono's path.
    if later < 86_400 && time.nanosecond() < 1_000_000_000 {
        if let Some(time) = NaiveTime::from_num_seconds_from_midnight_opt(later, time.nanosecond())
        {
            return Some(naive.date().and_time(time).and_utc());
        }
    }
    now.checked_add_signed(TimeDelta::seconds(secs.into()))
}

/// Equal when the same deadlines are pending, wherever they are kept.
impl PartialEq for Timers {
    fn eq(&self, other: &Self) -> bool {
        self.next_seq == other.next_seq && self.entries() == other.entries()
    }
}

/// Saved as the list of `(key, timer)` pairs in deadline order, and the
/// next sequence number. A restored engine keeps them all in the ordered
/// map; deadlines set afterwards go to lanes again.
#[derive(Serialize, Deserialize)]
struct Saved {
    pending: Vec<(TimerKey, Timer)>,
    next_seq: u64,
}

impl Serialize for Timers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Saved {
            pending: self.entries(),
            next_seq: self.next_seq,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Timers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let saved = Saved::deserialize(d)?;
        Ok(Self {
            ordered: saved.pending.into_iter().collect(),
            next_seq: saved.next_seq,
            ..Self::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::{NaiveDate, TimeZone};

    fn at(secs: usize) -> Option<DateTime<Utc>> {
        let secs = i64::try_from(secs).ok()?;
        Utc.timestamp_opt(1_700_000_000 + secs, 0).single()
    }

    /// The time to schedule from for a deadline at `at(deadline)`.
    fn before(deadline: usize, delay_secs: u32) -> DateTime<Utc> {
        at(deadline).unwrap_or_default() - TimeDelta::seconds(delay_secs.into())
    }

    fn drain(timers: &mut Timers, now: usize) -> Vec<Timer> {
        let mut fired = Vec::new();
        while let Some((_, timer)) = at(now).and_then(|now| timers.pop_due(now)) {
            fired.push(timer);
        }
        fired
    }

    #[test]
    fn d3_lanes_and_map_fire_in_deadline_then_creation_order() {
        let mut timers = Timers::default();
        // Same deadline in three places: a 60 s lane, a 30 s lane, the map.
        timers.schedule_after(before(60, 60), 60, Timer::AutoClose(1));
        timers.schedule_after(before(60, 30), 30, Timer::AutoClose(2));
        timers.schedule_at(at(60), Timer::EndOfDay);
        timers.schedule_after(before(45, 30), 30, Timer::AutoClose(3));
        assert_eq!(timers.len(), 4);
        assert_eq!(timers.next(), at(45));
        assert_eq!(drain(&mut timers, 44), vec![]);
        assert_eq!(
            drain(&mut timers, 60),
            vec![
                Timer::AutoClose(3),
                Timer::AutoClose(1),
                Timer::AutoClose(2),
                Timer::EndOfDay
            ]
        );
        assert_eq!(timers.next(), None);
    }

    /// The lanes where the most deadlines were set are looked through;
    /// every other lane is kept in the tree, and the earliest deadline is
    /// found wherever it is.
    #[test]
    fn d4_the_busiest_lanes_are_looked_through() {
        let mut timers = Timers::default();
        // Twelve lanes, made in order of delay; lane 4's deadline is the
        // earliest.
        for delay in 1..=12 {
            let (deadline, item) = if delay == 5 { (1_000, 4) } else { (2_000, 0) };
            timers.schedule_after(before(deadline, delay), delay, Timer::AutoClose(item));
        }
        let looked = |timers: &Timers| -> Vec<u32> {
            (0_u32..)
                .zip(&timers.lanes)
                .filter(|(_, lane)| !lane.in_tree)
                .map(|(l, _)| l)
                .collect()
        };
        assert_eq!(looked(&timers), vec![0, 1, 2, 3, 4, 5, 6, 7]);
        // Lanes 8 to 11 take most of the next deadlines; by the next pick
        // they are among the busiest (ties: the lane made first).
        let mut seconds = 1_000;
        let mut turn = 0_u32;
        while timers.until_pick > 0 {
            seconds += 1;
            turn += 1;
            let delay = 9 + turn % 4;
            timers.schedule_after(before(seconds, delay), delay, Timer::AutoClose(1));
        }
        let delay = 1;
        timers.schedule_after(before(seconds, delay), delay, Timer::AutoClose(2));
        assert_eq!(looked(&timers), vec![0, 1, 2, 3, 8, 9, 10, 11]);
        assert_eq!(timers.looked_through, vec![0, 1, 2, 3, 8, 9, 10, 11]);
        // Lane 4 now sits in the tree, and its deadline still comes first.
        assert!(timers.lanes[4].in_tree);
        assert_eq!(timers.next(), at(1_000));
        assert_eq!(
            at(1_500).and_then(|now| timers.pop_due(now)),
            Some((at(1_000).unwrap_or_default(), Timer::AutoClose(4)))
        );
        assert_eq!(timers.next(), at(1_001));
    }

    #[test]
    fn d3_cancel_anywhere_in_a_lane() {
        let mut timers = Timers::default();
        let keys: Vec<Option<TimerKey>> = (0..5)
            .map(|n| timers.schedule_after(before(n, 10), 10, Timer::AutoClose(n)))
            .collect();
        timers.cancel(keys[2]); // middle: a tombstone
        timers.cancel(keys[4]); // back: popped
        timers.cancel(keys[0]); // front: popped
        timers.cancel(keys[0]); // twice: nothing
        assert_eq!(timers.len(), 2);
        assert_eq!(timers.next(), at(1));
        assert_eq!(
            drain(&mut timers, 10),
            vec![Timer::AutoClose(1), Timer::AutoClose(3)]
        );
        assert_eq!(timers.len(), 0);
    }

    #[test]
    fn d3_out_of_order_deadline_goes_to_the_map() {
        let mut timers = Timers::default();
        timers.schedule_after(before(20, 10), 10, Timer::AutoClose(1));
        let late = timers.schedule_after(before(5, 10), 10, Timer::AutoClose(2));
        assert_eq!(late.map(|key| key.lane), Some(ORDERED));
        assert_eq!(
            drain(&mut timers, 20),
            vec![Timer::AutoClose(2), Timer::AutoClose(1)]
        );
    }

    #[test]
    fn d3_tombstones_never_outnumber_live_entries() {
        let mut timers = Timers::default();
        let keys: Vec<Option<TimerKey>> = (0..100)
            .map(|n| timers.schedule_after(before(n, 10), 10, Timer::AutoClose(n)))
            .collect();
        for key in &keys[1..99] {
            timers.cancel(*key);
        }
        let lane = &timers.lanes[0];
        assert!(
            lane.dead <= lane.live(),
            "{} dead, {} live",
            lane.dead,
            lane.live()
        );
        assert_eq!(timers.len(), 2);
        assert_eq!(
            drain(&mut timers, 200),
            vec![Timer::AutoClose(0), Timer::AutoClose(99)]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any mix of deadlines set (forty delays and the map, the clock
        /// moving on), cancelled, asked for and fired gives the earliest,
        /// says whether any is due, and fires exactly what a plain ordered
        /// map of all of them does.
        #[test]
        fn d4_the_next_deadline_is_always_the_earliest_pending(
            steps in proptest::collection::vec((0_u8..6, 0_usize..64), 1..400),
        ) {
            let mut timers = Timers::default();
            let mut model: BTreeMap<(DateTime<Utc>, u64), Timer> = BTreeMap::new();
            let mut keys: Vec<TimerKey> = Vec::new();
            let mut clock = 0;
            for (n, (what, pick)) in steps.into_iter().enumerate() {
                let timer = Timer::AutoClose(n);
                let now = at(clock).unwrap_or_default();
                match what {
                    0..=2 => {
                        // Forty delays: more lanes than are looked
                        // through, so a delay's lane is searched for and
                        // most lanes are kept in the tree.
                        let delay = 5 * u32::try_from((usize::from(what) * 5 + pick) % 40 + 1).unwrap_or(1);
                        let key = timers.schedule_after(now, delay, timer);
                        keys.extend(key);
                        model.extend(key.map(|k| (k.order(), timer)));
                    }
                    3 => {
                        let key = timers.schedule_at(at(clock + pick), timer);
                        keys.extend(key);
                        model.extend(key.map(|k| (k.order(), timer)));
                    }
                    4 if !keys.is_empty() => {
                        let key = keys.swap_remove(pick % keys.len());
                        timers.cancel(key);
                        model.remove(&key.order());
                    }
                    _ => {
                        clock += pick;
                        let now = at(clock).unwrap_or_default();
                        while let Some((due, timer)) = timers.pop_due(now) {
                            let first = model.pop_first();
                            proptest::prop_assert_eq!(first.map(|((at, _), t)| (at, t)), Some((due, timer)));
                        }
                        proptest::prop_assert!(model.first_key_value().is_none_or(|((at, _), _)| *at > now));
                    }
                }
                proptest::prop_assert_eq!(timers.next(), model.first_key_value().map(|((at, _), _)| *at));
                proptest::prop_assert_eq!(timers.len(), model.len());
                // Whether anything is due, now and later, as a tick asks:
                // the lower bound kept for it never hides a deadline.
                for later in [clock, clock + pick] {
                    let then = at(later).unwrap_or_default();
                    let due = model.first_key_value().is_some_and(|((at, _), _)| *at <= then);
                    proptest::prop_assert_eq!(timers.any_due(then), due);
                }
            }
        }
    }

    #[test]
    fn d8_saved_and_restored_timers_are_equal_and_fire_alike() {
        let mut timers = Timers::default();
        timers.schedule_after(before(10, 10), 10, Timer::AutoClose(1));
        let key = timers.schedule_after(before(12, 10), 10, Timer::AutoClose(2));
        timers.schedule_at(at(11), Timer::EndOfDay);
        let json = serde_json::to_string(&timers).unwrap_or_default();
        let mut restored: Timers = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(restored, timers);
        // A key saved before the restore still cancels its deadline.
        let saved_key: Option<TimerKey> =
            serde_json::from_str(&serde_json::to_string(&key).unwrap_or_default()).unwrap_or(None);
        restored.cancel(saved_key);
        assert_eq!(
            drain(&mut restored, 20),
            vec![Timer::AutoClose(1), Timer::EndOfDay]
        );
    }

    #[test]
    fn d3_a_deadline_falls_where_chrono_puts_it() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        let mut times: Vec<DateTime<Utc>> = Vec::new();
        for date in [day(2026, 11, 24), day(2024, 2, 28), day(2026, 12, 31)] {
            for (secs, nano) in [
                (0, 0),
                (1, 999_999_999),
                (43_200, 500),
                (86_279, 0),
                (86_399, 0),
                (86_399, 999_999_999),
                (86_399, 1_500_000_000), // a leap second
                (43_259, 1_000_000_000), // a leap second mid-day
            ] {
                let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, nano);
                times.extend(time.map(|t| date.and_time(t).and_utc()));
            }
        }
        times.push(DateTime::<Utc>::MAX_UTC - TimeDelta::seconds(30));
        times.push(DateTime::<Utc>::MIN_UTC);
        assert_eq!(times.len(), 26);
        for now in times {
            for secs in [0, 1, 59, 60, 120, 86_399, 86_400, 1_000_000, u32::MAX] {
                let chrono = now.checked_add_signed(TimeDelta::seconds(secs.into()));
                assert_eq!(after(now, secs), chrono, "{now} + {secs} s");
            }
        }
    }
}
