//! Queues with nothing waiting let their index lag behind their members'
//! ranks.
//!
//! A queue's index is read only to choose an agent for work waiting in its
//! line. An agent changes rank two or three times a dispatch cycle, and
//! re-ranking them in every queue they are a member of made the cycle grow
//! with their memberships (5.6 µs at 50 queues an agent against 1.3 µs at
//! one). A change of rank now reaches at once only the queues where work
//! waits; each other queue notes the member and the rank its index still
//! holds them under, and catches up when work joins its empty line
//! ([`Switchboard::catch_up`]), each member once however often they
//! changed.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::index::RankKey;
use crate::switchboard::Switchboard;

/// Notes a queue keeps room for once caught up: enough for the few
/// members whose rank changes between two items, not the whole queue's
/// after everyone signed in.
const KEPT_NOTES: usize = 64;

/// One queue an agent is a member of. Saved as `(queue, position)`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(from = "(usize, u32)", into = "(usize, u32)")]
pub(crate) struct Membership {
    /// The queue's index in the configuration.
    pub(crate) queue: usize,
    /// The agent's position in the queue (A1).
    pub(crate) position: u32,
    /// Whether the queue's index holds the agent under an older rank, noted
    /// in the queue's `lagging` list. Follows from when work last waited:
    /// neither saved nor compared.
    pub(crate) lagging: bool,
}

impl Membership {
    /// A membership of `queue` at `position`, its index up to date.
    pub(crate) fn new(queue: usize, position: u32) -> Self {
        Self {
            queue,
            position,
            lagging: false,
        }
    }
}

impl PartialEq for Membership {
    fn eq(&self, other: &Self) -> bool {
        (self.queue, self.position) == (other.queue, other.position)
    }
}

impl From<(usize, u32)> for Membership {
    fn from((queue, position): (usize, u32)) -> Self {
        Self::new(queue, position)
    }
}

impl From<Membership> for (usize, u32) {
    fn from(membership: Membership) -> Self {
        (membership.queue, membership.position)
    }
}

impl Switchboard {
    /// Brings queue `q`'s index up to date with its members' ranks: call
    /// before work joins its line. Nothing to do while work waits there.
    #[inline]
    pub(crate) fn catch_up(&mut self, q: usize) {
        if !self.state.queues[q].lagging.is_empty() {
            self.catch_up_noted(q);
        }
    }

    /// [`Self::catch_up`] for the members queue `q` noted.
    #[inline(never)]
    fn catch_up_noted(&mut self, q: usize) {
        let mut lagging = std::mem::take(&mut self.state.queues[q].lagging);
        for &(agent, held_as) in &lagging {
            let a = agent as usize;
            let Some(membership) = self.state.memberships[a].iter_mut().find(|m| m.queue == q)
            else {
                continue; // unreachable: leaving a queue takes the note away
            };
            membership.lagging = false;
            let position = membership.position;
            let now = self.state.agents[a].ranked_as;
            if held_as != now {
                self.move_entry(q, position, a, held_as, now);
            }
        }
        if lagging.capacity() <= KEPT_NOTES {
            lagging.clear();
            self.state.queues[q].lagging = lagging;
        }
    }

    /// The rank queue `q`'s index holds member `a` under, if any.
    pub(crate) fn held_as(&self, q: usize, a: usize) -> Option<RankKey> {
        let membership = self.state.memberships[a].iter().find(|m| m.queue == q)?;
        if !membership.lagging {
            return self.state.agents[a].ranked_as;
        }
        let lagging = &self.state.queues[q].lagging;
        let noted = lagging.iter().find(|&&(agent, _)| agent as usize == a);
        noted.and_then(|&(_, held_as)| held_as)
    }

    /// Whether every queue's notes match its members' memberships: none
    /// where work waits, each lagging member noted once, and nobody else
    /// (checked after every input in debug builds, so in linear time).
    pub(crate) fn lagging_consistent(&self) -> bool {
        let memberships = &self.state.memberships;
        let notes_ok = self.state.queues.iter().enumerate().all(|(q, queue)| {
            let mut noted = HashSet::new();
            (queue.lagging.is_empty() || queue.push.is_empty())
                && queue.lagging.iter().all(|&(agent, _)| {
                    let a = agent as usize;
                    noted.insert(a)
                        && (memberships.get(a).into_iter().flatten())
                            .any(|m| m.queue == q && m.lagging)
                })
        });
        let flags = memberships.iter().flatten().filter(|m| m.lagging).count();
        let notes: usize = self.state.queues.iter().map(|q| q.lagging.len()).sum();
        notes_ok && flags == notes
    }
}
