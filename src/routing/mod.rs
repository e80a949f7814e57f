//! Routing: the assignment cycle, eligibility, the assignment methods and
//! queue membership (A1–A4, C1, T6).

mod index;
mod lagging;
mod quiet;

pub(crate) use index::{GroupIndex, QueueIndex, RankKey};
pub(crate) use lagging::Membership;
pub(crate) use quiet::QuietQueues;

use chrono::{DateTime, Utc};

use crate::config::{AssignmentMethod, Channel};
use crate::error::InputError;
use crate::ids::{AgentId, QueueId};
use crate::switchboard::Switchboard;

/// Most waiting items one cycle looks at per queue (A3).
pub const CYCLE_WINDOW: usize = 100;

/// Queues of up to this many members have every choice of an agent
/// checked against a look at each member, in debug builds.
const SCANNED_IN_DEBUG: usize = 64;

/// Where a member stands in a queue's order (lesser first): minus their free
/// units (highest capacity) or 0, their counter, their queue position.
type OrderKey = (i64, u64, u32);

impl Switchboard {
    /// Runs assignment cycles until nothing that starts one is left (A3, P9,
    /// C9). A cycle passes quiet queues by: a look at them would offer
    /// nothing (see `quiet.rs`).
    pub(crate) fn run_cycles(&mut self, now: DateTime<Utc>) {
        while self.state.cycle_due {
            self.state.cycle_due = false;
            let queues = self.state.queues.len();
            let mut from = 0;
            while let Some(q) = self.state.quiet.next_awake(from, queues) {
                debug_assert!(self.all_offer_nothing(from..q));
                let acted = self.assign_queue(q, now);
                // A look that offered may have left more in reach (past its
                // window); one that did not changed nothing.
                self.state.quiet.set(q, !acted);
                from = q + 1;
            }
            debug_assert!(self.all_offer_nothing(from..queues));
        }
    }

    /// One cycle over the first [`CYCLE_WINDOW`] waiting items of queue `q`.
    /// Returns whether it changed anything: offered work or passed by an
    /// agent at the session limit.
    fn assign_queue(&mut self, q: usize, now: DateTime<Utc>) -> bool {
        // Workstreams whose plain items (no skills, no declines, no profiles
        // of their own) found nobody in this pass: the rest of them would
        // not either, since offers only take room away.
        let mut hopeless: Vec<usize> = Vec::new();
        let mut cursor = None;
        let mut acted = false;
        for _ in 0..CYCLE_WINDOW {
            let queue = &self.state.queues[q];
            if queue.index.most_free().is_none_or(|free| free < 1) && !queue.push.has_unitless() {
                // Every waiting item needs a unit and no member has one
                // free: nothing in the window can be offered.
                return acted;
            }
            let Some(key) = queue.push.next_after(cursor) else {
                return acted;
            };
            cursor = Some(key);
            let i = key.3;
            let item = &self.state.items[i];
            let plain = item.spec.required_skills.is_empty()
                && item.declines.is_empty()
                && item.spec.capacity_profiles.is_empty();
            let workstream = item.workstream;
            if plain && hopeless.contains(&workstream) {
                continue;
            }
            let mut offered = false;
            while let Some(a) = self.choose_agent(q, i) {
                if self.state.agents[a].slots >= self.cfg.org.session_limit {
                    // S2: the agent is passed by from now on; look for another.
                    self.session_limit_hit(a, i);
                    acted = true;
                    continue;
                }
                self.offer(i, a, now);
                offered = true;
                break;
            }
            acted |= offered;
            if plain && !offered {
                hopeless.push(workstream);
            }
        }
        acted
    }

    /// The assignment method queue `q` uses for item `i` (A1).
    fn method(&self, q: usize, i: usize) -> AssignmentMethod {
        self.cfg.queues[q].method.unwrap_or_else(|| {
            if self.cfg.workstreams[self.state.items[i].workstream].channel == Channel::Voice {
                AssignmentMethod::LeastActive
            } else {
                AssignmentMethod::HighestCapacity
            }
        })
    }

    /// Whether routable agent `a` may be offered item `i` (A4, P7, C1, T6).
    /// Skills and presence are not looked at here: the walk visits only the
    /// groups of members holding every skill the item requires, in a
    /// presence its workstream allows (`choose_agent`).
    fn eligible(&self, a: usize, i: usize) -> bool {
        let item = &self.state.items[i];
        debug_assert!(self.has_skills(a, &item.spec.required_skills));
        debug_assert!(self.cfg.workstreams[item.workstream].allows(self.base_status(a)));
        self.has_room(a, i) && item.declines.by(a) < self.cfg.org.declines_allowed
    }

    /// Whether agent `a` holds every skill in `required`.
    fn has_skills(&self, a: usize, required: &[String]) -> bool {
        let Some((_, c)) = self.cfg.agents.get_index(a) else {
            return false;
        };
        required.iter().all(|skill| c.agent.skills.contains(skill))
    }

    /// The best eligible member of queue `q` for item `i`: in the order of
    /// the queue's method (A1), the first who never declined the item, or
    /// else the one with fewest declines of it (T6). Debug builds check the
    /// choice against a look at every member, in queues of up to
    /// [`SCANNED_IN_DEBUG`] members.
    #[inline]
    fn choose_agent(&self, q: usize, i: usize) -> Option<usize> {
        let chosen = self.choose_indexed(q, i);
        debug_assert!(
            self.state.queues[q].members.len() > SCANNED_IN_DEBUG
                || chosen == self.choose_by_scan(q, i),
            "queue {q}, item {i}: the index chose {chosen:?}, a scan {:?}",
            self.choose_by_scan(q, i)
        );
        chosen
    }

    /// [`Self::choose_agent`] through queue `q`'s index. Only the groups of
    /// members holding every skill the item requires, in a presence its
    /// workstream allows (P7), with room in the profiles it consumes (C2)
    /// and, for chat or voice work, not escalating (C8) are looked at; for
    /// an item requiring no skill, the groups of every member whatever
    /// their skills, where there are such groups. With more than one group,
    /// each group's best is found and the best of those taken, by declines
    /// and then by the method's order.
    fn choose_indexed(&self, q: usize, i: usize) -> Option<usize> {
        let method = self.method(q, i);
        let item = &self.state.items[i];
        let required = &item.spec.required_skills;
        let workstream = &self.cfg.workstreams[item.workstream];
        let classes = workstream.classes;
        let kept_from_escalating = workstream.channel.kept_from_escalated();
        let consumes = if item.profiles.is_empty() {
            0
        } else {
            profile_bits(&item.profiles)
        };
        let index = &self.state.queues[q].index;
        let groups = match index.any_skills() {
            Some(by_class) if required.is_empty() => by_class,
            _ => index.groups(),
        };
        let mut best: Option<((u8, OrderKey), usize)> = None;
        for (key, group) in groups {
            if classes & 1 << key.class == 0
                || key.no_room & consumes != 0
                || key.escalating && kept_from_escalating
                || !required.is_empty() && !self.cfg.holds_all(key.skills, required)
            {
                continue;
            }
            let Some((declines, a)) = self.choose_in(group, method, i) else {
                continue;
            };
            if groups.len() == 1 {
                return Some(a);
            }
            let rank = (declines, self.order_key(q, a, method));
            if best.is_none_or(|(best, _)| rank < best) {
                best = Some((rank, a));
            }
        }
        best.map(|(_, a)| a)
    }

    /// The best eligible member of `group` for item `i`, with how often
    /// they declined it: the first in `method`'s order who never did, or
    /// else the first with fewest declines.
    fn choose_in(
        &self,
        group: &GroupIndex,
        method: AssignmentMethod,
        i: usize,
    ) -> Option<(u8, usize)> {
        let units = self.state.items[i].units;
        if group.most_free().is_none_or(|free| free < units) {
            return None;
        }
        let declines = &self.state.items[i].declines;
        group.best(method, units, |a| {
            self.eligible(a, i).then(|| declines.by(a))
        })
    }

    /// [`Self::choose_agent`] by looking at every member of queue `q`, as
    /// the rules say it: the routable members in a presence the item's
    /// workstream allows, holding its skills, with room and below the
    /// decline limit, fewest declines first, then in the method's order.
    fn choose_by_scan(&self, q: usize, i: usize) -> Option<usize> {
        let method = self.method(q, i);
        let item = &self.state.items[i];
        let ws = &self.cfg.workstreams[item.workstream];
        self.state.queues[q]
            .members
            .iter()
            .map(|&(a, _)| a)
            .filter(|&a| {
                self.state.agents[a].ranked_as.is_some()
                    && ws.allows(self.base_status(a))
                    && self.has_skills(a, &item.spec.required_skills)
                    && self.has_room(a, i)
                    && item.declines.by(a) < self.cfg.org.declines_allowed
            })
            .min_by_key(|&a| (item.declines.by(a), self.order_key(q, a, method)))
    }

    /// Where routable agent `a` stands in queue `q`'s order for `method`:
    /// the lesser comes first (most free units first, then the earliest
    /// counter, then queue position).
    fn order_key(&self, q: usize, a: usize, method: AssignmentMethod) -> OrderKey {
        let key = self.state.agents[a].ranked_as.unwrap_or(RankKey {
            free: 0,
            last_assignment: u64::MAX,
            last_release: u64::MAX,
            class: 0,
            no_room: 0,
            escalating: false,
        });
        let position = self.state.memberships[a]
            .iter()
            .find(|m| m.queue == q)
            .map_or(u32::MAX, |m| m.position);
        match method {
            AssignmentMethod::HighestCapacity => (-key.free, key.last_assignment, position),
            AssignmentMethod::AdvancedRoundRobin => (0, key.last_assignment, position),
            AssignmentMethod::LeastActive => (0, key.last_release, position),
        }
    }

    /// Adds `agent` to the end of `queue`'s members; starts a cycle (A3).
    pub(crate) fn add_member(
        &mut self,
        queue: &QueueId,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        let q = self
            .cfg
            .queues
            .get_index_of(queue)
            .ok_or_else(|| InputError::UnknownQueue(queue.clone()))?;
        let a = self.agent_index(agent)?;
        if self.state.memberships[a].iter().any(|m| m.queue == q) {
            return Err(InputError::AlreadyMember {
                queue: queue.clone(),
                agent: agent.clone(),
            });
        }
        let state = &mut self.state.queues[q];
        let position = state.next_position;
        state.next_position += 1;
        state.members.push((a, position));
        self.state.memberships[a].push(Membership::new(q, position));
        let rank = self.state.agents[a].ranked_as;
        self.move_entry(q, position, a, None, rank);
        self.start_cycle_for_queue(q);
        Ok(())
    }

    /// Removes `agent` from `queue`'s members; work already offered or
    /// assigned stays. Starts a cycle (A3).
    pub(crate) fn remove_member(
        &mut self,
        queue: &QueueId,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        let q = self
            .cfg
            .queues
            .get_index_of(queue)
            .ok_or_else(|| InputError::UnknownQueue(queue.clone()))?;
        let a = self.agent_index(agent)?;
        let Some(slot) = self.state.memberships[a].iter().position(|m| m.queue == q) else {
            return Err(InputError::NotMember {
                queue: queue.clone(),
                agent: agent.clone(),
            });
        };
        let held_as = self.held_as(q, a);
        let position = self.state.memberships[a].remove(slot).position;
        self.state.queues[q]
            .lagging
            .retain(|&(member, _)| member as usize != a);
        self.move_entry(q, position, a, held_as, None);
        self.state.queues[q].members.retain(|&(m, _)| m != a);
        // One member fewer never lets a queue offer more.
        self.state.cycle_due = true;
        Ok(())
    }
}

/// One bit for each of `profiles` among the first 64 (see
/// [`RankKey::no_room`]).
#[inline(never)]
fn profile_bits(profiles: &[usize]) -> u64 {
    profiles.iter().fold(0, |bits, &p| bits | profile_bit(p))
}

/// The bit of profile `p` in [`RankKey::no_room`]; none past the 64th.
fn profile_bit(p: usize) -> u64 {
    u32::try_from(p).map_or(0, |p| 1_u64.checked_shl(p).unwrap_or(0))
}
