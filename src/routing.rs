//! Routing: the assignment cycle, eligibility and the choice of agent (A2–A4, C1, T6).

use std::cmp::Reverse;

use chrono::{DateTime, Utc};

use crate::switchboard::Switchboard;

/// Most waiting items one cycle looks at per queue (A3).
pub const CYCLE_WINDOW: usize = 100;

impl Switchboard {
    /// Runs assignment cycles until nothing that starts one is left (A3, P9, C9).
    pub(crate) fn run_cycles(&mut self, now: DateTime<Utc>) {
        while self.cycle_due {
            self.cycle_due = false;
            for q in 0..self.queues.len() {
                self.assign_queue(q, now);
            }
        }
    }

    /// One cycle over the first [`CYCLE_WINDOW`] waiting items of queue `q`.
    fn assign_queue(&mut self, q: usize, now: DateTime<Utc>) {
        let window: Vec<usize> = self.queues[q]
            .push
            .iter()
            .take(CYCLE_WINDOW)
            .map(|key| key.2)
            .collect();
        for i in window {
            while let Some(a) = self.choose_agent(q, i) {
                if self.agents[a].slots >= self.cfg.org.session_limit {
                    // S2: the agent is passed by from now on; look for another.
                    self.session_limit_hit(a, i);
                    continue;
                }
                self.offer(i, a, now);
                break;
            }
        }
    }

    /// Whether agent `a` may be offered item `i` (A4, P7, C1, T6).
    fn eligible(&self, a: usize, i: usize) -> bool {
        let agent = &self.agents[a];
        let item = &self.items[i];
        let ws = &self.cfg.workstreams[item.workstream];
        agent.signed_in
            && agent.connected
            && !agent.at_limit
            && ws.allows(self.base_status(a))
            && agent.free_units() >= ws.units
            && item.declines_by(a) < self.cfg.org.declines_allowed
            && self.has_skills(a, &item.spec.required_skills)
    }

    fn has_skills(&self, a: usize, required: &[String]) -> bool {
        let Some((_, (agent, _))) = self.cfg.agents.get_index(a) else {
            return false;
        };
        required.iter().all(|skill| agent.skills.contains(skill))
    }

    /// The best eligible member of queue `q` for item `i`: fewest declines of
    /// the item (T6), then the most free units, then the earliest last
    /// assignment (round robin), then the queue's own order (A1).
    fn choose_agent(&self, q: usize, i: usize) -> Option<usize> {
        self.cfg.queues[q]
            .members
            .iter()
            .enumerate()
            .filter(|&(_, &a)| self.eligible(a, i))
            .min_by_key(|&(position, &a)| {
                let agent = &self.agents[a];
                (
                    self.items[i].declines_by(a),
                    Reverse(agent.free_units()),
                    agent.last_assignment,
                    position,
                )
            })
            .map(|(_, &a)| a)
    }
}
