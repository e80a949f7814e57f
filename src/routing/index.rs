//! Per-queue ordered indexes of routable members (A1), so choosing an agent
//! walks from the best candidate instead of scanning every member.
//!
//! An agent is routable while signed in, connected and not passed by for
//! the session limit. Each queue keeps its routable members in the orders
//! its assignment methods need; an agent's entries are replaced whenever
//! the values they are keyed by change ([`Switchboard::reindex`]).

use serde::{Deserialize, Serialize};

use std::cmp::Reverse;
use std::collections::BTreeSet;

use crate::config::AssignmentMethod;
use crate::switchboard::Switchboard;

/// What an agent is ranked by, as it stands in the indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RankKey {
    /// Units neither assigned nor held by an offer.
    pub(crate) free: i64,
    /// Assignment counter at the last offer (0: never).
    pub(crate) last_assignment: u64,
    /// Release counter at the last capacity release (0: never, or fresh sign-in).
    pub(crate) last_release: u64,
}

/// One member's entry: rank values, then position in the queue, then agent index.
type ByFree = (Reverse<i64>, u64, u32, u32);
type ByCounter = (u64, u32, u32);

/// The routable members of one queue, in the orders its methods need.
/// Ranking by free units is always kept (HighestCapacity, and the quick
/// "nobody has room" check); the other orders only when the queue uses them.
#[allow(clippy::struct_field_names)] // "by_*" reads as the order each set keeps
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct QueueIndex {
    /// Most free units first; ties to the earliest last assignment, then queue order (HighestCapacity).
    pub(crate) by_free: BTreeSet<ByFree>,
    /// Earliest last assignment first, then queue order (AdvancedRoundRobin), if used.
    pub(crate) by_assignment: Option<BTreeSet<ByCounter>>,
    /// Earliest last release first, then queue order (LeastActive), if used.
    pub(crate) by_release: Option<BTreeSet<ByCounter>>,
}

impl QueueIndex {
    /// An empty index for a queue with `method` (unset: HighestCapacity or,
    /// for voice, LeastActive).
    pub(crate) fn for_method(method: Option<AssignmentMethod>) -> Self {
        let (assignment, release) = match method {
            Some(AssignmentMethod::HighestCapacity) => (false, false),
            Some(AssignmentMethod::AdvancedRoundRobin) => (true, false),
            Some(AssignmentMethod::LeastActive) | None => (false, true),
        };
        Self {
            by_free: BTreeSet::new(),
            by_assignment: assignment.then(BTreeSet::new),
            by_release: release.then(BTreeSet::new),
        }
    }

    fn insert(&mut self, key: RankKey, position: u32, agent: u32) {
        self.by_free
            .insert((Reverse(key.free), key.last_assignment, position, agent));
        if let Some(set) = &mut self.by_assignment {
            set.insert((key.last_assignment, position, agent));
        }
        if let Some(set) = &mut self.by_release {
            set.insert((key.last_release, position, agent));
        }
    }

    fn remove(&mut self, key: RankKey, position: u32, agent: u32) {
        self.by_free
            .remove(&(Reverse(key.free), key.last_assignment, position, agent));
        if let Some(set) = &mut self.by_assignment {
            set.remove(&(key.last_assignment, position, agent));
        }
        if let Some(set) = &mut self.by_release {
            set.remove(&(key.last_release, position, agent));
        }
    }

    /// Most free units any routable member has.
    pub(crate) fn most_free(&self) -> Option<i64> {
        self.by_free.first().map(|(Reverse(free), ..)| *free)
    }

    /// Routable members in `method`'s order, best first.
    pub(crate) fn ranked(&self, method: AssignmentMethod) -> Box<dyn Iterator<Item = usize> + '_> {
        match method {
            AssignmentMethod::HighestCapacity => {
                Box::new(self.by_free.iter().map(|e| e.3 as usize))
            }
            AssignmentMethod::AdvancedRoundRobin => {
                Box::new(self.by_assignment.iter().flatten().map(|e| e.2 as usize))
            }
            AssignmentMethod::LeastActive => {
                Box::new(self.by_release.iter().flatten().map(|e| e.2 as usize))
            }
        }
    }

    /// How many members are routable.
    pub(crate) fn len(&self) -> usize {
        self.by_free.len()
    }
}

impl Switchboard {
    /// The rank key agent `a` should have now, or `None` when not routable.
    fn rank_key(&self, a: usize) -> Option<RankKey> {
        let agent = &self.state.agents[a];
        (agent.signed_in && agent.connected && !agent.at_limit).then(|| RankKey {
            free: agent.free_units(),
            last_assignment: agent.last_assignment,
            last_release: agent.last_release,
        })
    }

    /// Brings agent `a`'s index entries in line with their state. Cheap when
    /// nothing changed; call after anything that may change a rank value.
    pub(crate) fn reindex(&mut self, a: usize) {
        let new = self.rank_key(a);
        let old = self.state.agents[a].ranked_as;
        if old == new {
            return;
        }
        if let Some(old) = old {
            self.unrank(a, old);
        }
        if let Some(new) = new {
            let agent = u32::try_from(a).unwrap_or(u32::MAX);
            for &(q, position) in &self.state.memberships[a] {
                self.state.queues[q].index.insert(new, position, agent);
            }
        }
        self.state.agents[a].ranked_as = new;
    }

    /// Removes agent `a`'s entries ranked under `key` from every queue they are in.
    pub(crate) fn unrank(&mut self, a: usize, key: RankKey) {
        let agent = u32::try_from(a).unwrap_or(u32::MAX);
        for &(q, position) in &self.state.memberships[a] {
            self.state.queues[q].index.remove(key, position, agent);
        }
    }

    /// Whether every index entry matches its agent's state (checked after
    /// every input in debug builds).
    pub(crate) fn indexes_consistent(&self) -> bool {
        let agents_ok = (0..self.state.agents.len())
            .all(|a| self.state.agents[a].ranked_as == self.rank_key(a));
        let sizes_ok = self.state.queues.iter().all(|queue| {
            let routable = queue
                .members
                .iter()
                .filter(|&&(a, _)| self.state.agents[a].ranked_as.is_some())
                .count();
            let index = &queue.index;
            index.len() == routable
                && index
                    .by_assignment
                    .as_ref()
                    .is_none_or(|s| s.len() == routable)
                && index
                    .by_release
                    .as_ref()
                    .is_none_or(|s| s.len() == routable)
        });
        agents_ok && sizes_ok
    }
}
