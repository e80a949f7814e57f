//! Quiet queues: which queues a cycle may pass by (A3).
//!
//! A cycle used to look at every queue, so each input cost time in
//! proportion to the number of queues: a dispatch cycle at 10,000 agents
//! took 1.22 µs with one queue, 2.75 µs with 100 and 14.7 µs with 1,000
//! (`dispatch_queues`); passing quiet queues by, 1.27, 1.33 and 1.35 µs
//! (BENCHMARKS.md). A queue's look is a function of its waiting line, its
//! members' routing state and its items' declines; when a look offered
//! nothing and none of those changed since, the next look would offer
//! nothing again. Such a queue is *quiet*, and a cycle passes it by.
//!
//! A queue is woken (stops being quiet) wherever a look could come to
//! offer: an item joins or leaves its line; a member gains room or becomes
//! routable again (`reindex`, from the rank key); a member's presence
//! changes; a member's profile room grows (an offer or assignment of
//! profile work ends, local midnight); a member's escalation ends; an
//! agent joins it. Nothing else makes an item offerable: a member's order
//! does not, declines only take eligibility away, the session limit is not
//! part of eligibility (A4), and configuration does not change after start.
//! A member's changes leave a queue with an empty line quiet: a look at it
//! offers nothing, and the item that joins its line wakes it.
//! Waking too often costs a look; too rarely would change behaviour, so
//! debug builds check, at every queue a cycle passes by, that a look would
//! have offered nothing (`offers_nothing`); every debug-build test runs
//! that check.
//!
//! The flags are derived: they are not saved in snapshots (a restored
//! engine starts with every queue awake, which gives the same outputs,
//! since passing a quiet queue by changes nothing), and engines equal in
//! state are equal whatever they hold.

use std::ops::Range;

use crate::switchboard::Switchboard;

use super::CYCLE_WINDOW;

/// The quiet queues, one bit each by queue index: a cycle reads whole
/// words to find the next queue to look at, not one queue's state each.
#[derive(Debug, Clone, Default)]
pub(crate) struct QuietQueues {
    /// Sized for every queue at start and on restore; a queue without a
    /// bit is never quiet.
    words: Vec<u64>,
}

/// Derived state: two engines equal in everything else are equal.
impl PartialEq for QuietQueues {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl QuietQueues {
    /// Room for `queues` queues, none of them quiet.
    pub(crate) fn for_queues(queues: usize) -> Self {
        QuietQueues {
            words: vec![0; queues.div_ceil(64)],
        }
    }

    /// Marks queue `q` quiet or not.
    pub(crate) fn set(&mut self, q: usize, quiet: bool) {
        if let Some(word) = self.words.get_mut(q / 64) {
            let bit = 1 << (q % 64);
            *word = if quiet { *word | bit } else { *word & !bit };
        }
    }

    /// Queue `q` is to be looked at by the next cycle.
    pub(crate) fn wake(&mut self, q: usize) {
        self.set(q, false);
    }

    /// The first queue from `from` on, below `end`, that is not quiet.
    pub(crate) fn next_awake(&self, from: usize, end: usize) -> Option<usize> {
        if from >= end {
            return None;
        }
        let mut word = from / 64;
        // Bits below `from` in its word count as quiet.
        let mut quiet = self.words.get(word).copied().unwrap_or(0) | ((1 << (from % 64)) - 1);
        loop {
            if quiet != u64::MAX {
                let q = word * 64 + (!quiet).trailing_zeros() as usize;
                return (q < end).then_some(q);
            }
            word += 1;
            if word * 64 >= end {
                return None;
            }
            quiet = self.words.get(word).copied().unwrap_or(0);
        }
    }
}

impl Switchboard {
    /// Starts a cycle (A3) that looks at queue `q`.
    pub(crate) fn start_cycle_for_queue(&mut self, q: usize) {
        self.state.quiet.wake(q);
        self.state.cycle_due = true;
    }

    /// Starts a cycle (A3) that looks at every queue agent `a` is in.
    pub(crate) fn start_cycle_for_agent(&mut self, a: usize) {
        self.stir_agent_queues(a);
        self.state.cycle_due = true;
    }

    /// The next cycle, whenever it starts, looks at every queue agent `a`
    /// is in that has work waiting. One with none offers nothing whatever
    /// changed, and the next item to join its line wakes it: an agent in
    /// 50 queues made each of their releases look at all 50.
    pub(crate) fn stir_agent_queues(&mut self, a: usize) {
        for membership in &self.state.memberships[a] {
            let q = membership.queue;
            if !self.state.queues[q].push.is_empty() {
                self.state.quiet.wake(q);
            }
        }
    }

    /// Whether a look at each of `queues` now would offer nothing: no item
    /// in its window has an eligible agent. What debug builds check of the
    /// quiet queues a cycle passes by.
    pub(crate) fn all_offer_nothing(&self, queues: Range<usize>) -> bool {
        queues.into_iter().all(|q| self.offers_nothing(q))
    }

    fn offers_nothing(&self, q: usize) -> bool {
        let line = &self.state.queues[q].push;
        let mut cursor = None;
        for _ in 0..CYCLE_WINDOW {
            let Some(key) = line.next_after(cursor) else {
                return true;
            };
            cursor = Some(key);
            if self.choose_agent(q, key.3).is_some() {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a3_the_next_queue_awake_skips_quiet_ones_across_words() {
        let mut quiet = QuietQueues::for_queues(130);
        assert_eq!(quiet.next_awake(0, 200), Some(0));
        assert_eq!(quiet.next_awake(150, 200), Some(150));
        for q in 0..130 {
            quiet.set(q, true);
        }
        quiet.wake(70);
        assert_eq!(quiet.next_awake(0, 200), Some(70));
        assert_eq!(quiet.next_awake(70, 200), Some(70));
        assert_eq!(quiet.next_awake(71, 200), Some(130));
        assert_eq!(quiet.next_awake(71, 130), None);
        assert_eq!(quiet.next_awake(71, 128), None);
        assert_eq!(quiet.next_awake(200, 200), None);
        quiet.set(200, true);
        // Past the last word every queue is awake, and cannot be quieted.
        assert_eq!(quiet.next_awake(131, 250), Some(131));
        assert_eq!(quiet.next_awake(192, 250), Some(192));
        assert_eq!(quiet.next_awake(200, 250), Some(200));
    }
}
