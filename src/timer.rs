//! Deadlines: schedule, cancel, pop the earliest due, peek the next.
//!
//! An ordered map keyed by `(deadline, sequence)`: insert and cancel are
//! O(log n), ties fire in creation order (D3).

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::ids::NotificationId;

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

/// Handle to a scheduled deadline, used to cancel it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct TimerKey {
    pub(crate) at: DateTime<Utc>,
    seq: u64,
}

/// Every pending deadline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Timers {
    /// Saved as a list of `(key, timer)` pairs: JSON maps need string keys.
    #[serde(with = "as_pairs")]
    pending: BTreeMap<TimerKey, Timer>,
    next_seq: u64,
}

impl Timers {
    /// Schedules `timer` at `at`.
    pub(crate) fn schedule(&mut self, at: DateTime<Utc>, timer: Timer) -> TimerKey {
        let key = TimerKey {
            at,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.pending.insert(key, timer);
        key
    }

    /// Cancels a deadline; cancelling one that already fired does nothing.
    pub(crate) fn cancel(&mut self, key: impl Into<Option<TimerKey>>) {
        if let Some(key) = key.into() {
            self.pending.remove(&key);
        }
    }

    /// Schedules `timer` at `at`, unless `at` lies past the end of chrono's
    /// range: such a deadline never comes.
    pub(crate) fn schedule_at(
        &mut self,
        at: Option<DateTime<Utc>>,
        timer: Timer,
    ) -> Option<TimerKey> {
        at.map(|at| self.schedule(at, timer))
    }

    /// Removes and returns the earliest deadline due at or before `now`.
    pub(crate) fn pop_due(&mut self, now: DateTime<Utc>) -> Option<(DateTime<Utc>, Timer)> {
        let entry = self.pending.first_entry()?;
        if entry.key().at > now {
            return None;
        }
        let (key, timer) = entry.remove_entry();
        Some((key.at, timer))
    }

    /// The earliest pending deadline.
    pub(crate) fn next(&self) -> Option<DateTime<Utc>> {
        self.pending.first_key_value().map(|(key, _)| key.at)
    }

    /// Every pending timer, in deadline order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Timer> {
        self.pending.values()
    }

    /// How many deadlines are pending.
    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }
}

/// Serialises the pending map as a list of pairs, in deadline order.
mod as_pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::{Timer, TimerKey};

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<TimerKey, Timer>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<TimerKey, Timer>, D::Error> {
        Vec::<(TimerKey, Timer)>::deserialize(d).map(|pairs| pairs.into_iter().collect())
    }
}
