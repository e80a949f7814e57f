//! Per-queue ordered indexes of routable members (A1), so choosing an agent
//! walks from the best candidate instead of scanning every member.
//!
//! An agent is routable while signed in, connected, not passed by for the
//! session limit, and in a presence some workstream offers work in (P7):
//! an agent on a break is left out, not stepped over at every choice (with
//! a fifth of 10,000 agents Away, a dispatch cycle took 178,000
//! instructions instead of 10,100). Each queue keeps its routable members
//! in the orders its assignment methods need, each bucketed by free units
//! ([`Buckets`]), one group of orders for each set of skills members hold,
//! class of presence they are in, set of profiles they have no room in and
//! whether they are escalating ([`GroupKey`]): an item requiring a skill is
//! looked for only among the groups holding it (with every item requiring a
//! skill one agent in ten holds, a cycle at 10,000 agents took 70 µs when
//! everyone was stepped over, 1.35 µs grouped), an item only among members
//! in presences its workstream allows (see `config/presence_classes.rs`),
//! one consuming a profile only among members with room in it, and chat or
//! voice work only among members not escalating a conversation (C8). An
//! agent's entries are replaced whenever the values they are keyed by change
//! ([`Switchboard::reindex`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::config::AssignmentMethod;
use crate::sorted_ring::{self, SortedRing};
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
    /// The class of the agent's presence: with the next field and the
    /// agent's skill set, which group of each queue's index the agent is
    /// in ([`GroupKey`]).
    pub(crate) class: u8,
    /// The profiles the agent has no room in, not holding them or at their
    /// limit (C2): one bit for each of the first 64 profiles configured.
    pub(crate) no_room: u64,
    /// Whether a conversation of theirs is escalated to voice or video,
    /// which keeps new chat and voice work away (C8).
    pub(crate) escalating: bool,
}

impl RankKey {
    /// Whether an agent ranked as `self` or as `other` is in the same
    /// group ([`GroupKey`]): their skills are the same either way.
    fn same_group(self, other: Self) -> bool {
        (self.class, self.no_room, self.escalating)
            == (other.class, other.no_room, other.escalating)
    }
}

/// Which group of a queue's index a member is in: the number of the set of
/// skills they hold (A4), the class of their presence (P7), the profiles
/// they have no room in (C2), and whether they are escalating (C8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct GroupKey {
    /// The skill-set number ([`Compiled::skill_sets`](crate::config::Compiled)).
    pub(crate) skills: u32,
    /// The presence class ([`Compiled::presence_class`](crate::config::Compiled)).
    pub(crate) class: u8,
    /// The profiles members have no room in ([`RankKey::no_room`]): an
    /// item consuming one of them is not looked for in the group.
    pub(crate) no_room: u64,
    /// Whether members are escalating ([`RankKey::escalating`]): chat and
    /// voice work is not looked for in the group.
    pub(crate) escalating: bool,
}

impl GroupKey {
    /// The skills of a group of members whatever skills they hold
    /// ([`QueueIndex::any_skills`]): no set of skills has this number.
    pub(crate) const ANY_SKILLS: u32 = u32::MAX;
}

/// One member's entry: rank value, then position in the queue, then agent index.
type ByCounter = (u64, u32, u32);

/// Members ordered by a counter (last assignment or last release), then
/// queue position: best (lowest) first. A member re-entering an order
/// mostly has the highest counter of all, and the best member is the one
/// offered work or released next, so the order is a queue in the main:
/// a [`SortedRing`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Order(SortedRing<ByCounter>);

impl Order {
    /// Adds a member; whether it was not there yet.
    #[inline]
    fn insert(&mut self, counter: u64, position: u32, agent: u32) -> bool {
        self.0.insert((counter, position, agent))
    }

    /// Removes a member; whether it was there.
    #[inline]
    fn remove(&mut self, counter: u64, position: u32, agent: u32) -> bool {
        self.0.remove(&(counter, position, agent))
    }

    /// Entries (counter, position, agent), best first.
    #[inline]
    fn agents(&self) -> sorted_ring::Iter<'_, ByCounter> {
        self.0.iter()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Members by free units, then by a counter (last assignment or last
/// release): one [`Order`] per number of free units, most first. Bucketed
/// because most members share a few values (idle agents all have their
/// whole capacity free): moving an agent between buckets touches one large
/// set and one small one, where a single ordered set would be searched in
/// full twice. Every method's order is kept so, and not only highest
/// capacity's: the buckets of members with too few units free for an item
/// are not looked at, where a single order by counter stepped over each of
/// them (with 10,000 members Busy but a chat short of room, a round-robin
/// cycle took 43 µs).
#[derive(Debug, Clone, Default)]
struct Buckets {
    /// One set per number of free units, most first: a handful, so a
    /// vector ([`Buckets::find`]). A set that empties stays, with its room,
    /// for the next member to reach that number (in a quiet queue: every
    /// offer and every release; in a full one, every expiry moves an agent
    /// above everyone and back), until more than [`MOST_EMPTY_BUCKETS`]
    /// are empty.
    sets: Vec<(i64, Order)>,
    /// How many of `sets` are empty.
    empty: usize,
    /// The first filled set, or `sets.len()`: the buckets above it are
    /// empty (members start with all their units free and move down), and
    /// choosing an agent should not step over them each time.
    top: usize,
}

/// Empty buckets kept before they are dropped, all at once.
const MOST_EMPTY_BUCKETS: usize = 16;

/// Equal when the same members sit in the same buckets; kept empty
/// buckets are not part of the order.
impl PartialEq for Buckets {
    fn eq(&self, other: &Self) -> bool {
        self.filled().eq(other.filled())
    }
}

impl Buckets {
    /// The buckets that have members, most free units first.
    fn filled(&self) -> impl Iterator<Item = &(i64, Order)> {
        self.sets.iter().filter(|(_, set)| !set.is_empty())
    }

    /// Where the bucket of `free` units is, or would go. A member moves
    /// to or from the first filled bucket, or one next to it, mostly: those
    /// are looked at before the search in halves.
    #[inline]
    fn find(&self, free: i64) -> Result<usize, usize> {
        let from = self.top.saturating_sub(1);
        let near = self.sets.get(from..).unwrap_or_default();
        for (k, &(units, _)) in near.iter().take(3).enumerate() {
            if units == free {
                return Ok(from + k);
            }
            if units < free {
                if k > 0 || from == 0 {
                    return Err(from + k);
                }
                break;
            }
        }
        self.sets.binary_search_by(|&(units, _)| free.cmp(&units))
    }

    /// Puts a member with `free` units and `counter` in its bucket;
    /// whether it was not there yet.
    #[inline]
    fn enter(&mut self, free: i64, counter: u64, position: u32, agent: u32) -> bool {
        let at = match self.find(free) {
            Ok(at) => {
                if self.sets[at].1.is_empty() {
                    self.empty -= 1;
                }
                at
            }
            Err(at) => {
                self.sets.insert(at, (free, Order::default()));
                at
            }
        };
        // Sets inserted below the first filled one leave it where it is.
        self.top = self.top.min(at);
        self.sets[at].1.insert(counter, position, agent)
    }

    /// Takes a member with `free` units and `counter` out of its bucket;
    /// whether it was there.
    #[inline]
    fn leave(&mut self, free: i64, counter: u64, position: u32, agent: u32) -> bool {
        let Ok(at) = self.find(free) else {
            return false;
        };
        let set = &mut self.sets[at].1;
        let removed = set.remove(counter, position, agent);
        if removed && set.is_empty() {
            self.empty += 1;
            if self.empty > MOST_EMPTY_BUCKETS {
                self.sets.retain(|(_, set)| !set.is_empty());
                self.empty = 0;
                self.top = 0;
            }
            while self
                .sets
                .get(self.top)
                .is_some_and(|(_, set)| set.is_empty())
            {
                self.top += 1;
            }
        }
        removed
    }

    /// Most free units any member has: the first filled set's number.
    #[inline]
    fn most_free(&self) -> Option<i64> {
        self.sets.get(self.top).map(|&(free, _)| free)
    }

    /// The sets from the first filled one on, most free units first.
    #[inline]
    fn ranked_sets(&self) -> &[(i64, Order)] {
        self.sets.get(self.top..).unwrap_or_default()
    }

    /// How many members it holds.
    fn len(&self) -> usize {
        self.sets.iter().map(|(_, set)| set.len()).sum()
    }

    /// Moves a member from `old` to `new` (free units, counter); nothing
    /// when neither changed.
    #[inline]
    fn rerank(&mut self, old: (i64, u64), new: (i64, u64), position: u32, agent: u32) {
        if old != new {
            self.leave(old.0, old.1, position, agent);
            self.enter(new.0, new.1, position, agent);
        }
    }

    /// The best member with at least `units` free whom `judge` lets
    /// through, by the number of declines it gives (fewest first), then
    /// by most free units (`by_counter` false) or by counter alone (true),
    /// then by counter and queue position. `judge` says how often a member
    /// declined the item, or `None` when it may not have it.
    ///
    /// By free units, the buckets are looked through in order and the
    /// first member with no declines ends the look. By counter, each
    /// bucket is looked through from its best member, and only while its
    /// members come before the best with no declines found so far: the
    /// look steps over as many members as a single order by counter would,
    /// less those without room, plus one per bucket.
    #[inline]
    fn best(
        &self,
        units: i64,
        by_counter: bool,
        mut judge: impl FnMut(usize) -> Option<u8>,
    ) -> Option<(u8, usize)> {
        // (declines, (counter, position), agent)
        let mut best: Option<(u8, (u64, u32), u32)> = None;
        let with_room = self
            .ranked_sets()
            .iter()
            .take_while(|&&(free, _)| free >= units);
        for (_, order) in with_room {
            let found_free = best.is_some_and(|(declines, _, _)| declines == 0);
            if found_free && !by_counter {
                break;
            }
            for (counter, position, agent) in order.agents() {
                let at = (counter, position);
                if by_counter && best.is_some_and(|(declines, best, _)| declines == 0 && at > best)
                {
                    break;
                }
                let Some(declines) = judge(agent as usize) else {
                    continue;
                };
                let better = best.is_none_or(|(fewest, best_at, _)| {
                    if by_counter {
                        (declines, at) < (fewest, best_at)
                    } else {
                        declines < fewest
                    }
                });
                if better {
                    best = Some((declines, at, agent));
                }
                if declines == 0 {
                    break;
                }
            }
        }
        best.map(|(declines, _, agent)| (declines, agent as usize))
    }
}

/// The routable members of one queue, one [`GroupIndex`] for each set of
/// skills they hold (A4), class of presence they are in (P7) and set of
/// profiles they have no room in (C2): an item that requires a skill is
/// offered only to members who hold it, one of a workstream that allows
/// some presences only to members in them, and one consuming a profile
/// only to members with room in it; choosing one for it looks only at the
/// groups that qualify, instead of stepping over everyone who does not.
///
/// Where agents hold more than one set of skills, every member is kept
/// once more in one group per class and profile room whatever their
/// skills: an item that
/// requires no skill may go to any of them, and is looked for there
/// instead of in every group (with 10,000 different sets, a cycle took
/// 278 µs). That costs every change of rank a second update.
#[derive(Debug, Clone, Default)]
pub(crate) struct QueueIndex {
    /// The queue's method, and whether voice work can reach it: what a new
    /// group keeps ([`GroupIndex::for_method`]).
    method: Option<AssignmentMethod>,
    voice: bool,
    /// `(group, its members)`, by group key.
    groups: Vec<(GroupKey, GroupIndex)>,
    /// `(group, its members)` for each presence class and profiles without
    /// room, whatever their skills ([`GroupKey::ANY_SKILLS`]), by group
    /// key, where agents hold more than one set of skills.
    any_skills: Option<Vec<(GroupKey, GroupIndex)>>,
}

impl QueueIndex {
    /// An empty index for a queue with `method` (see
    /// [`GroupIndex::for_method`]); `several_skill_sets` when agents hold
    /// more than one set of skills.
    pub(crate) fn for_method(
        method: Option<AssignmentMethod>,
        voice: bool,
        several_skill_sets: bool,
    ) -> Self {
        Self {
            method,
            voice,
            groups: Vec::new(),
            any_skills: several_skill_sets.then(Vec::new),
        }
    }

    /// The groups, by group key.
    pub(crate) fn groups(&self) -> &[(GroupKey, GroupIndex)] {
        &self.groups
    }

    /// Every member by presence class whatever their skills, where agents
    /// hold more than one set of skills; `None` where they do not (then
    /// [`Self::groups`] are those groups).
    pub(crate) fn any_skills(&self) -> Option<&[(GroupKey, GroupIndex)]> {
        self.any_skills.as_deref()
    }

    /// Adds a member of group `key` ranked as `rank`.
    fn insert(&mut self, key: GroupKey, rank: RankKey, position: u32, agent: u32) {
        self.each_group(key, |group| group.insert(rank, position, agent));
    }

    /// Removes a member of group `key` ranked as `rank`.
    fn remove(&mut self, key: GroupKey, rank: RankKey, position: u32, agent: u32) {
        self.each_group(key, |group| group.remove(rank, position, agent));
    }

    /// Moves a member of group `key` from `old` to `new`.
    #[inline]
    fn rerank(&mut self, key: GroupKey, old: RankKey, new: RankKey, position: u32, agent: u32) {
        self.each_group(key, |group| group.rerank(old, new, position, agent));
    }

    /// Applies `change` to group `key` and, where it is kept, to the
    /// group of the same members whatever their skills. Whether that is
    /// kept is asked first, inline: finding it is not. Always inlined:
    /// left to the compiler, it stayed out of line in `reindex` once more
    /// callers used it, and an expiry took 4,724 instructions, not 4,598.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn each_group(&mut self, key: GroupKey, mut change: impl FnMut(&mut GroupIndex)) {
        change(self.group(key));
        if self.any_skills.is_some() {
            if let Some(group) = self.any_skills_group(key) {
                change(group);
            }
        }
    }

    /// The group of every member of group `key` whatever their skills,
    /// made on first use, where agents hold more than one set of skills.
    #[inline(never)]
    fn any_skills_group(&mut self, key: GroupKey) -> Option<&mut GroupIndex> {
        let (method, voice) = (self.method, self.voice);
        let groups = self.any_skills.as_mut()?;
        let key = GroupKey {
            skills: GroupKey::ANY_SKILLS,
            ..key
        };
        let at = match groups.binary_search_by_key(&key, |&(k, _)| k) {
            Ok(at) => at,
            Err(at) => {
                groups.insert(at, (key, GroupIndex::for_method(method, voice)));
                at
            }
        };
        Some(&mut groups[at].1)
    }

    /// The group `key`, made on first use. Inlined for the one group of a
    /// queue whose members hold no skills, or all the same ones, and are
    /// in presences every workstream treats alike; more groups take
    /// [`Self::group_among`].
    #[inline]
    fn group(&mut self, key: GroupKey) -> &mut GroupIndex {
        if self.groups.len() == 1 && self.groups[0].0 == key {
            return &mut self.groups[0].1;
        }
        self.group_among(key)
    }

    /// [`Self::group`] among several groups, or the first.
    #[inline(never)]
    fn group_among(&mut self, key: GroupKey) -> &mut GroupIndex {
        let at = match self.groups.binary_search_by_key(&key, |&(k, _)| k) {
            Ok(at) => at,
            Err(at) => {
                let group = GroupIndex::for_method(self.method, self.voice);
                self.groups.insert(at, (key, group));
                at
            }
        };
        &mut self.groups[at].1
    }

    /// Most free units any routable member has.
    #[inline]
    pub(crate) fn most_free(&self) -> Option<i64> {
        if let [(_, group)] = &self.groups[..] {
            return group.most_free();
        }
        let most = |groups: &mut dyn Iterator<Item = &GroupIndex>| {
            groups.filter_map(GroupIndex::most_free).max()
        };
        match &self.any_skills {
            Some(by_class) => most(&mut by_class.iter().map(|(_, group)| group)),
            None => most(&mut self.groups.iter().map(|(_, group)| group)),
        }
    }

    /// How many members it holds, if every group's orders agree on it.
    fn len(&self) -> Option<usize> {
        self.groups.iter().map(|(_, group)| group.len()).sum()
    }
}

/// The routable members of one queue holding one set of skills, in one
/// class of presence and without room in the same profiles, in the orders
/// its methods need. Each order is kept
/// only when the queue's method uses it: every order kept costs two
/// updates each time an agent is offered work or releases it.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupIndex {
    /// By free units, then last assignment: HighestCapacity and
    /// AdvancedRoundRobin (and queues without a method), if used.
    by_assignment: Option<Buckets>,
    /// By free units, then last release: LeastActive, if used.
    by_release: Option<Buckets>,
}

impl GroupIndex {
    /// How many members it holds, if its orders agree on it.
    fn len(&self) -> Option<usize> {
        match (&self.by_assignment, &self.by_release) {
            (Some(a), Some(r)) => (a.len() == r.len()).then_some(a.len()),
            (Some(one), None) | (None, Some(one)) => Some(one.len()),
            (None, None) => Some(0),
        }
    }

    /// An empty index for a queue with `method`. Unset, a queue ranks
    /// voice work by LeastActive and the rest by HighestCapacity (A1): it
    /// keeps the least-active order only when `voice` (the configuration
    /// has a voice workstream, so voice work can ever reach it).
    pub(crate) fn for_method(method: Option<AssignmentMethod>, voice: bool) -> Self {
        let (assignment, release) = match method {
            Some(AssignmentMethod::HighestCapacity | AssignmentMethod::AdvancedRoundRobin) => {
                (true, false)
            }
            Some(AssignmentMethod::LeastActive) => (false, true),
            None => (true, voice),
        };
        Self {
            by_assignment: assignment.then(Buckets::default),
            by_release: release.then(Buckets::default),
        }
    }

    /// Adds a member's entries; nothing when they are already in.
    fn insert(&mut self, key: RankKey, position: u32, agent: u32) {
        if let Some(set) = &mut self.by_assignment {
            set.enter(key.free, key.last_assignment, position, agent);
        }
        if let Some(set) = &mut self.by_release {
            set.enter(key.free, key.last_release, position, agent);
        }
    }

    /// Removes a member's entries; nothing when they are not in.
    fn remove(&mut self, key: RankKey, position: u32, agent: u32) {
        if let Some(set) = &mut self.by_assignment {
            set.leave(key.free, key.last_assignment, position, agent);
        }
        if let Some(set) = &mut self.by_release {
            set.leave(key.free, key.last_release, position, agent);
        }
    }

    /// Moves a member in from `old` to `new`, touching only the orders whose
    /// values changed.
    fn rerank(&mut self, old: RankKey, new: RankKey, position: u32, agent: u32) {
        if let Some(set) = &mut self.by_assignment {
            let (old, new) = (
                (old.free, old.last_assignment),
                (new.free, new.last_assignment),
            );
            set.rerank(old, new, position, agent);
        }
        if let Some(set) = &mut self.by_release {
            let (old, new) = ((old.free, old.last_release), (new.free, new.last_release));
            set.rerank(old, new, position, agent);
        }
    }

    /// Most free units any routable member has.
    pub(crate) fn most_free(&self) -> Option<i64> {
        self.by_assignment
            .as_ref()
            .or(self.by_release.as_ref())
            .and_then(Buckets::most_free)
    }

    /// The best member with at least `units` free in `method`'s order whom
    /// `judge` lets through: the first with no declines, or else the
    /// first with fewest (see [`Buckets::best`]). `judge` says how often a
    /// member declined the item, or `None` when it may not have it.
    #[inline]
    pub(crate) fn best(
        &self,
        method: AssignmentMethod,
        units: i64,
        judge: impl FnMut(usize) -> Option<u8>,
    ) -> Option<(u8, usize)> {
        let (order, by_counter) = match method {
            AssignmentMethod::HighestCapacity => (self.by_assignment.as_ref(), false),
            AssignmentMethod::AdvancedRoundRobin => (self.by_assignment.as_ref(), true),
            AssignmentMethod::LeastActive => (self.by_release.as_ref(), true),
        };
        order?.best(units, by_counter, judge)
    }
}

impl Switchboard {
    /// The rank key agent `a` should have now, or `None` when not routable.
    fn rank_key(&self, a: usize) -> Option<RankKey> {
        let agent = &self.state.agents[a];
        let class = self.cfg.presence_class.get(agent.presence).copied()??;
        if !agent.signed_in || !agent.connected || agent.at_limit {
            return None;
        }
        let no_room = if agent.profiles.is_empty() {
            self.cfg.profile_bits
        } else {
            self.profiles_without_room(a)?
        };
        Some(RankKey {
            free: agent.free_units(),
            last_assignment: agent.last_assignment,
            last_release: agent.last_release,
            class,
            no_room,
            escalating: agent.escalations > 0,
        })
    }

    /// The profiles agent `a` has no room in ([`RankKey::no_room`]), or
    /// `None` when a full profile that blocks assignment keeps all work
    /// away (C2).
    #[inline(never)]
    fn profiles_without_room(&self, a: usize) -> Option<u64> {
        // Every profile counted as without room, until held with room.
        let mut no_room = self.cfg.profile_bits;
        for held in &self.state.agents[a].profiles {
            if !held.full() {
                no_room &= !super::profile_bit(held.profile);
            } else if (self.cfg.profiles.get_index(held.profile))
                .is_some_and(|(_, profile)| profile.blocks_assignment)
            {
                return None;
            }
        }
        Some(no_room)
    }

    /// Brings agent `a`'s index entries in line with their state, in the
    /// queues where work waits; the others catch up when work joins their
    /// line (see `lagging.rs`). Cheap when nothing changed; call after
    /// anything that may change a rank value.
    pub(crate) fn reindex(&mut self, a: usize) {
        let new = self.rank_key(a);
        let old = self.state.agents[a].ranked_as;
        if old == new {
            return;
        }
        let agent = u32::try_from(a).unwrap_or(u32::MAX);
        let memberships = 0..self.state.memberships[a].len();
        match (old, new) {
            (Some(was), Some(now)) if was.same_group(now) => {
                // Most changes: the group, and its key, stay.
                let group = self.group_key(a, now);
                for m in memberships {
                    if let Some((q, position)) = self.updates_now(a, m, old) {
                        let index = &mut self.state.queues[q].index;
                        index.rerank(group, was, now, position, agent);
                    }
                }
            }
            _ => {
                for m in memberships {
                    if let Some((q, position)) = self.updates_now(a, m, old) {
                        self.move_entry(q, position, a, old, new);
                    }
                }
            }
        }
        self.state.agents[a].ranked_as = new;
        // More room, or routable again: the agent's queues may offer now.
        // (Order alone never makes an item offerable.)
        let more_room = |old: RankKey, new: RankKey| {
            new.free > old.free
                || old.no_room & !new.no_room != 0
                || old.escalating && !new.escalating
        };
        if new.is_some_and(|new| old.is_none_or(|old| more_room(old, new))) {
            self.stir_agent_queues(a);
        }
    }

    /// The queue of agent `a`'s `m`th membership and their position there,
    /// if its index is to follow a change of their rank from `old` now:
    /// not while the queue lags, noting `old` as what its index holds
    /// when it starts to (see `lagging.rs`).
    #[inline]
    fn updates_now(&mut self, a: usize, m: usize, old: Option<RankKey>) -> Option<(usize, u32)> {
        let membership = &mut self.state.memberships[a][m];
        if membership.lagging {
            return None; // the queue noted the rank its index holds
        }
        let (q, position) = (membership.queue, membership.position);
        let queue = &mut self.state.queues[q];
        if !queue.push.is_empty() {
            return Some((q, position));
        }
        membership.lagging = true;
        queue
            .lagging
            .push((u32::try_from(a).unwrap_or(u32::MAX), old));
        None
    }

    /// Moves member `a` (at `position`) of queue `q` in its index from
    /// rank `from` to rank `to` (`None`: not in the index).
    #[inline]
    pub(crate) fn move_entry(
        &mut self,
        q: usize,
        position: u32,
        a: usize,
        from: Option<RankKey>,
        to: Option<RankKey>,
    ) {
        let agent = u32::try_from(a).unwrap_or(u32::MAX);
        match (from, to) {
            (Some(old), Some(new)) if old.same_group(new) => {
                let group = self.group_key(a, new);
                let index = &mut self.state.queues[q].index;
                index.rerank(group, old, new, position, agent);
            }
            _ => {
                if let Some(old) = from {
                    let group = self.group_key(a, old);
                    let index = &mut self.state.queues[q].index;
                    index.remove(group, old, position, agent);
                }
                if let Some(new) = to {
                    let group = self.group_key(a, new);
                    let index = &mut self.state.queues[q].index;
                    index.insert(group, new, position, agent);
                }
            }
        }
    }

    /// The group agent `a` is in while ranked as `rank`. Where every
    /// agent holds the same set of skills, the per-agent table is not
    /// read: at 100,000 agents it is a cache miss, which cost an expiry
    /// about 7 %.
    #[inline]
    fn group_key(&self, a: usize, rank: RankKey) -> GroupKey {
        let skills = if self.cfg.skill_sets.len() <= 1 {
            0
        } else {
            self.cfg.skill_set_of.get(a).copied().unwrap_or(0)
        };
        GroupKey {
            skills,
            class: rank.class,
            no_room: rank.no_room,
            escalating: rank.escalating,
        }
    }

    /// Whether every index entry matches its agent's state (checked after
    /// every input in debug builds).
    pub(crate) fn indexes_consistent(&self) -> bool {
        let agents_ok = (0..self.state.agents.len())
            .all(|a| self.state.agents[a].ranked_as == self.rank_key(a));
        let sizes_ok = self.state.queues.iter().all(|queue| {
            // The rank the index holds each member under: as noted, or
            // as they stand (`lagging_consistent` checks the notes).
            let noted: HashMap<usize, Option<RankKey>> = (queue.lagging.iter())
                .map(|&(agent, held_as)| (agent as usize, held_as))
                .collect();
            let held_as = |a: usize| {
                noted
                    .get(&a)
                    .copied()
                    .unwrap_or(self.state.agents[a].ranked_as)
            };
            // Members by the group the index holds them in.
            let count = |in_group: &dyn Fn(GroupKey) -> bool| {
                (queue.members.iter())
                    .filter(|&&(a, _)| {
                        held_as(a).is_some_and(|key| in_group(self.group_key(a, key)))
                    })
                    .count()
            };
            let whatever_skills = |key: GroupKey| GroupKey {
                skills: GroupKey::ANY_SKILLS,
                ..key
            };
            queue.index.len() == Some(count(&|_| true))
                && (queue.index.groups().iter())
                    .all(|(key, group)| group.len() == Some(count(&|held| held == *key)))
                && queue.index.any_skills().is_none_or(|by_class| {
                    by_class.iter().all(|(key, group)| {
                        group.len() == Some(count(&|held| whatever_skills(held) == *key))
                    })
                })
        });
        agents_ok && sizes_ok && self.lagging_consistent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_a_bucket_is_found_near_the_top_as_by_halves() {
        // Buckets of 50, 40, ..., 0 free units; each in turn the first
        // filled one; every number of free units looked for.
        for top in 0..=6 {
            let buckets = Buckets {
                sets: (0..6).map(|k| (50 - 10 * k, Order::default())).collect(),
                empty: 6,
                top,
            };
            for free in -5..=60 {
                let by_halves = buckets
                    .sets
                    .binary_search_by(|&(units, _)| free.cmp(&units));
                assert_eq!(buckets.find(free), by_halves, "top {top}, {free} free");
            }
        }
    }

    #[test]
    fn a1_emptied_buckets_are_kept_a_while_and_are_not_part_of_the_order() {
        let mut buckets = Buckets::default();
        // Agent 0 stays at 200 free units; agent 1 walks from 100 down to
        // 61, emptying each bucket it leaves.
        assert!(buckets.enter(200, 0, 0, 0));
        assert!(buckets.enter(100, 0, 1, 1));
        for free in (61..100).rev() {
            assert!(buckets.leave(free + 1, 0, 1, 1));
            assert!(buckets.enter(free, 0, 1, 1));
            assert!(buckets.empty <= MOST_EMPTY_BUCKETS, "{}", buckets.empty);
        }
        // 39 buckets emptied: dropped once 17 were, twice, leaving 5
        // (66 down to 62).
        assert_eq!(buckets.empty, 5);
        assert_eq!(buckets.sets.len(), 7);
        assert_eq!(buckets.most_free(), Some(200));
        let order: Vec<usize> = buckets
            .filled()
            .flat_map(|(_, set)| set.agents())
            .map(|(_, _, agent)| agent as usize)
            .collect();
        assert_eq!(order, [0, 1]);

        // The same members entered afresh: equal, though no bucket is empty.
        let mut fresh = Buckets::default();
        fresh.enter(61, 0, 1, 1);
        fresh.enter(200, 0, 0, 0);
        assert_eq!(fresh, buckets);
        assert_eq!(fresh.sets.len(), 2);

        // Emptying the first bucket keeps it too: the most free units are
        // the first filled bucket's.
        assert!(buckets.leave(200, 0, 0, 0));
        assert_eq!((buckets.sets.len(), buckets.empty), (7, 6));
        assert_eq!(buckets.most_free(), Some(61));
        // The six empty ones above are stepped over once, not at each look.
        assert_eq!((buckets.top, buckets.ranked_sets().len()), (6, 1));
        assert!(!buckets.leave(200, 0, 0, 0), "not there any more");
        // Above everyone and back, twice (an expiry in a full queue): the
        // kept bucket is filled again, and no bucket is added.
        for _ in 0..2 {
            assert!(buckets.enter(200, 0, 0, 0));
            assert_eq!(
                (buckets.most_free(), buckets.empty, buckets.top),
                (Some(200), 5, 0)
            );
            assert!(buckets.leave(200, 0, 0, 0));
            assert_eq!(buckets.top, 6);
        }
        // A bucket added above the first filled one becomes the top.
        assert!(buckets.enter(300, 0, 0, 0));
        assert_eq!((buckets.top, buckets.most_free()), (0, Some(300)));
        assert!(buckets.leave(300, 0, 0, 0));
        assert_eq!((buckets.top, buckets.sets.len()), (7, 8));
        assert!(buckets.leave(61, 0, 1, 1));
        assert_eq!(buckets.most_free(), None);
        assert_eq!(buckets, Buckets::default());
    }

    #[test]
    fn a1_round_robin_takes_the_earliest_counter_among_buckets_with_room() {
        let mut buckets = Buckets::default();
        // (free units, counter, queue position = agent)
        for (free, counter, agent) in [(30, 5, 0), (30, 9, 1), (20, 3, 2), (20, 7, 3), (5, 1, 4)] {
            assert!(buckets.enter(free, counter, agent, agent));
        }
        let best = |by_counter: bool, declines: [Option<u8>; 5]| {
            let mut judged = Vec::new();
            let best = buckets.best(10, by_counter, |a| {
                judged.push(a);
                declines[a]
            });
            (best, judged)
        };
        let none = [Some(0); 5];
        // By counter: agent 2 (counter 3); agent 4 (counter 1) lacks room.
        // Agent 1 and 3 come after agent 0 or 2 and are not looked at.
        assert_eq!(best(true, none), (Some((0, 2)), vec![0, 2]));
        // Highest capacity: the most free units first.
        assert_eq!(best(false, none), (Some((0, 0)), vec![0]));
        // Agent 2 may not have it: agent 0 (counter 5); agent 3 (7) comes
        // after and is not looked at.
        let blocked = [Some(0), Some(0), None, Some(0), Some(0)];
        assert_eq!(best(true, blocked), (Some((0, 0)), vec![0, 2]));
        // Agent 2 declined once: agent 0, who never did.
        let declined = [Some(0), Some(0), Some(1), Some(0), Some(0)];
        assert_eq!(best(true, declined).0, Some((0, 0)));
        // Everyone declined: the fewest declines, then the earliest
        // counter (agent 2) or the most free units (agent 1).
        let all = [Some(2), Some(1), Some(1), Some(1), Some(0)];
        assert_eq!(best(true, all).0, Some((1, 2)));
        assert_eq!(best(false, all).0, Some((1, 1)));
        // Nobody with room may have it.
        assert_eq!(best(true, [None; 5]).0, None);
    }

    /// Whether agent `a0` of `board` sits in the queue indexes.
    fn ranked(board: &Switchboard) -> bool {
        board.state.agents[0].ranked_as.is_some()
    }

    fn presence(board: &mut Switchboard, name: &str) {
        let input = crate::Input::SetPresence {
            agent: crate::AgentId::new("a0"),
            presence: crate::PresenceId::new(name),
        };
        assert_eq!(board.handle(chrono::DateTime::UNIX_EPOCH, input), Ok(()));
    }

    /// A board with one agent, signed in, in one queue of a chat
    /// workstream that also offers work in `also`.
    fn one_agent(also: Option<crate::BaseStatus>) -> Switchboard {
        use crate::{Agent, Channel, Config, Queue, Workstream};
        let mut chat = Workstream::new("chat", Channel::Chat);
        chat.allowed_presences.extend(also);
        let config = Config {
            workstreams: vec![chat],
            queues: vec![Queue::new("q", [crate::AgentId::new("a0")])],
            agents: vec![Agent::new("a0")],
            ..Config::default()
        };
        let Ok(mut board) = Switchboard::new(config) else {
            panic!("valid config");
        };
        let sign_in = crate::Input::AgentSignedIn {
            agent: crate::AgentId::new("a0"),
        };
        assert_eq!(board.handle(chrono::DateTime::UNIX_EPOCH, sign_in), Ok(()));
        board
    }

    #[test]
    fn p7_an_agent_in_a_presence_no_workstream_offers_work_in_leaves_the_indexes() {
        let mut board = one_agent(None);
        assert!(ranked(&board));
        presence(&mut board, "Away");
        assert!(!ranked(&board));
        presence(&mut board, "Busy - DND");
        assert!(!ranked(&board));
        presence(&mut board, "Busy");
        assert!(ranked(&board));
        presence(&mut board, "Available");
        assert!(ranked(&board));
        // Where some workstream offers work while Away, Away agents stay.
        let mut board = one_agent(Some(crate::BaseStatus::Away));
        presence(&mut board, "Away");
        assert!(ranked(&board));
        presence(&mut board, "Busy - DND");
        assert!(!ranked(&board));
    }
}
