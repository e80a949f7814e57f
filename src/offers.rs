//! The store of pending offers (notifications awaiting an answer), by id and
//! by agent.
//!
//! Every answer and deadline names its notification. Ids are issued in
//! increasing order and every offer ends by its template's timeout (500 s
//! at most, N2), so the pending ones sit in a ring indexed by id from the
//! oldest: a look-up is an index, no hashing, and since deadlines fire in
//! issue order (D3) a run of expiries walks the ring in order instead of
//! jumping about a hash table (at a million offers, 1.84–1.94 to 1.23–1.45
//! µs an expiry, measured in turn). An ended offer leaves a hole until the
//! ones before it end. So that a new offer never stretches the ring past
//! four ids per offer in it (or 4,096), an offer that stays while many
//! after it come and go, or a saved state with ids far apart, moves to a
//! small ordered map of old offers; the ring never grows past that, and
//! ends leave it no longer than it was.
//!
//! Signing out or disconnecting touches only that agent's offers, which
//! each agent's list (in issue order) gives directly, and closing an item
//! looks only at its own pending consult and transfer requests, which are
//! kept by item, instead of a scan of every offer or every request.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Index;

use serde::{Deserialize, Serialize, Serializer};

use crate::ids::NotificationId;
use crate::offer::{Offer, Purpose};
use crate::sorted_vec;

/// The ring may span this many ids whatever the number of offers in it.
const SPAN_FLOOR: usize = 4_096;

/// Beyond the floor, a new offer stretches the ring to at most this many
/// ids per offer in it.
const SPAN_PER_OFFER: usize = 4;

/// Every pending offer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "BTreeMap<NotificationId, Offer>")]
pub(crate) struct Offers {
    /// Slot `k` holds offer `first + k`, or `None` once it ended; the
    /// first slot holds an offer, and the ring spans no more than its
    /// bound (`SPAN_FLOOR`, or `SPAN_PER_OFFER` ids an offer in it).
    ring: VecDeque<Option<Offer>>,
    /// The id of the ring's first slot.
    first: u64,
    /// How many slots hold an offer.
    in_ring: usize,
    /// Offers older than the ring's first slot, by id.
    old: BTreeMap<u64, Offer>,
    /// Each agent's pending offers, in issue order; derived from the above.
    by_agent: Vec<Vec<NotificationId>>,
    /// Pending consult and transfer requests by item, then in issue
    /// order: an item's are a range, whatever the requests about other
    /// items (a close looked through every one: 53 µs with 4,000 pending);
    /// derived from the above.
    requests: BTreeSet<(usize, NotificationId)>,
}

impl Offers {
    /// The ring slot of offer `id`, if the ring reaches it.
    fn slot(&self, id: NotificationId) -> Option<usize> {
        let k = usize::try_from(id.0.checked_sub(self.first)?).ok()?;
        (k < self.ring.len()).then_some(k)
    }

    pub(crate) fn get(&self, id: NotificationId) -> Option<&Offer> {
        match self.slot(id) {
            Some(k) => self.ring[k].as_ref(),
            None => self.old.get(&id.0),
        }
    }

    pub(crate) fn get_mut(&mut self, id: NotificationId) -> Option<&mut Offer> {
        match self.slot(id) {
            Some(k) => self.ring[k].as_mut(),
            None => self.old.get_mut(&id.0),
        }
    }

    /// Adds offer `id`; ids are issued in increasing order (a restore adds
    /// them in that order too). An id already pending is replaced.
    pub(crate) fn insert(&mut self, id: NotificationId, offer: Offer) {
        self.store(id, offer);
        self.list(id, offer);
    }

    /// Keeps offer `id` in the ring or among the old ones, taking any
    /// offer it replaces off the lists.
    fn store(&mut self, id: NotificationId, offer: Offer) {
        let replaced = if self.ring_takes(id) {
            self.put_in_ring(id, offer)
        } else {
            self.old.insert(id.0, offer)
        };
        if let Some(before) = replaced {
            self.unlist(id, before);
        }
    }

    /// Puts offer `id` on its agent's list and, if a request, on that list.
    fn list(&mut self, id: NotificationId, offer: Offer) {
        if self.by_agent.len() <= offer.agent {
            self.by_agent.resize_with(offer.agent + 1, Vec::new);
        }
        sorted_vec::insert(&mut self.by_agent[offer.agent], id);
        if offer.purpose != Purpose::Work {
            self.requests.insert((offer.item, id));
        }
    }

    /// Whether offer `id` belongs in the ring: it comes after every old
    /// offer and, when the ring holds any, not before its first.
    fn ring_takes(&self, id: NotificationId) -> bool {
        let after_old = self
            .old
            .last_key_value()
            .is_none_or(|(&last, _)| last < id.0);
        after_old && (self.ring.is_empty() || id.0 >= self.first)
    }

    /// Puts offer `id` in its ring slot, first moving the oldest offers
    /// out to `old` while the ring would span too many ids for the offers
    /// in it. Returns the offer it replaced.
    fn put_in_ring(&mut self, id: NotificationId, offer: Offer) -> Option<Offer> {
        while self.slot(id).is_none()
            && !self.ring.is_empty()
            && self.span_to(id) > SPAN_FLOOR.max(SPAN_PER_OFFER * (self.in_ring + 1))
        {
            if let Some(Some(oldest)) = self.ring.pop_front() {
                self.old.insert(self.first, oldest);
                self.in_ring -= 1;
            }
            self.first = self.first.saturating_add(1);
            self.trim();
        }
        if self.ring.is_empty() {
            self.first = id.0;
        }
        let Some(k) = self.span_to(id).checked_sub(1) else {
            return self.old.insert(id.0, offer);
        };
        if k >= self.ring.len() {
            self.ring.resize(k + 1, None);
        }
        let replaced = self.ring[k].replace(offer);
        if replaced.is_none() {
            self.in_ring += 1;
        }
        replaced
    }

    /// How many ids the ring would span from its first through `id`: 0
    /// when `id` comes before its first.
    fn span_to(&self, id: NotificationId) -> usize {
        id.0.checked_sub(self.first).map_or(0, |k| {
            usize::try_from(k).map_or(usize::MAX, |k| k.saturating_add(1))
        })
    }

    /// Drops the holes before the first offer, and those after the last
    /// beyond the ring's bound. Holes after the last offer are kept up to
    /// the bound: the next offer then takes one slot more, where dropping
    /// them made it fill back every slot since the last offer still
    /// pending (a consult request left unanswered for 1,000 cycles: 4.5
    /// µs a cycle instead of 1.2, `dispatch_unanswered`).
    fn trim(&mut self) {
        while self.ring.front().is_some_and(Option::is_none) {
            self.ring.pop_front();
            self.first = self.first.saturating_add(1);
        }
        let bound = SPAN_FLOOR.max(SPAN_PER_OFFER * self.in_ring);
        while self.ring.len() > bound && self.ring.back().is_some_and(Option::is_none) {
            self.ring.pop_back();
        }
    }

    pub(crate) fn remove(&mut self, id: NotificationId) -> Option<Offer> {
        let offer = match self.slot(id) {
            Some(k) => {
                let offer = self.ring[k].take()?;
                self.in_ring -= 1;
                self.trim();
                offer
            }
            None => self.old.remove(&id.0)?,
        };
        self.unlist(id, offer);
        Some(offer)
    }

    /// Takes offer `id` off its agent's list and the requests.
    fn unlist(&mut self, id: NotificationId, offer: Offer) {
        if let Some(mine) = self.by_agent.get_mut(offer.agent) {
            sorted_vec::remove(mine, &id);
        }
        if offer.purpose != Purpose::Work {
            self.requests.remove(&(offer.item, id));
        }
    }

    /// Agent `a`'s pending offers, in issue order.
    pub(crate) fn of_agent(&self, a: usize) -> &[NotificationId] {
        self.by_agent.get(a).map_or(&[], Vec::as_slice)
    }

    /// Pending consult (`Purpose::Consult`) or transfer requests about item
    /// `i`, in issue order.
    pub(crate) fn requests_about(
        &self,
        i: usize,
        purpose: Purpose,
    ) -> impl Iterator<Item = NotificationId> + '_ {
        self.requests
            .range((i, NotificationId(0))..=(i, NotificationId(u64::MAX)))
            .map(|&(_, id)| id)
            .filter(move |&id| self.get(id).is_some_and(|o| o.purpose == purpose))
    }

    /// Whether any consult or transfer request is pending.
    pub(crate) fn has_requests(&self) -> bool {
        !self.requests.is_empty()
    }

    /// Every pending offer with its id, in issue order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (NotificationId, &Offer)> {
        let old = self
            .old
            .iter()
            .map(|(&id, offer)| (NotificationId(id), offer));
        let ring = (self.first..=u64::MAX)
            .zip(&self.ring)
            .filter_map(|(id, slot)| Some((NotificationId(id), slot.as_ref()?)));
        old.chain(ring)
    }

    /// Every pending offer, in issue order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Offer> {
        self.iter().map(|(_, offer)| offer)
    }

    pub(crate) fn len(&self) -> usize {
        self.in_ring + self.old.len()
    }

    /// Lists restored offers with their agents, once a check has found
    /// every agent number in range: an agent's list is a slot per agent up
    /// to the number named, and a damaged snapshot naming agent 10^12 made
    /// its restore abort for want of 24 TB.
    pub(crate) fn place(&mut self) {
        let pending: Vec<(NotificationId, Offer)> =
            self.iter().map(|(id, &offer)| (id, offer)).collect();
        for (id, offer) in pending {
            self.list(id, offer);
        }
    }
}

impl PartialEq for Offers {
    /// Equal when the same offers are pending; the rest is derived.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Index<&NotificationId> for Offers {
    type Output = Offer;

    /// The pending offer `id`; panics when none is, as a map does.
    fn index(&self, id: &NotificationId) -> &Offer {
        match self.get(*id) {
            Some(offer) => offer,
            None => panic!("no pending offer {id:?}"),
        }
    }
}

impl From<BTreeMap<NotificationId, Offer>> for Offers {
    /// Saved offers, in issue order; the agents' and the requests' lists
    /// are made by [`Offers::place`] once the snapshot has been checked.
    fn from(saved: BTreeMap<NotificationId, Offer>) -> Self {
        let mut offers = Offers::default();
        for (id, offer) in saved {
            offers.store(id, offer);
        }
        offers
    }
}

impl Serialize for Offers {
    /// Offers as saved: by id, in issue order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::template::NotificationKind;

    fn offer(agent: usize, item: usize) -> Offer {
        Offer {
            agent,
            item,
            kind: NotificationKind::Alert,
            deadline: DateTime::UNIX_EPOCH,
            timer: None,
            displayed: true,
            on_desktop: false,
            rejectable: true,
            purpose: Purpose::Work,
        }
    }

    fn ids(offers: &Offers) -> Vec<u64> {
        offers.iter().map(|(id, _)| id.0).collect()
    }

    #[test]
    fn t9_offers_are_found_by_id_until_they_end_and_holes_close() {
        let mut offers = Offers::default();
        for n in 1..=5_usize {
            offers.insert(NotificationId(n as u64), offer(n % 2, n));
        }
        assert_eq!(offers.remove(NotificationId(3)).map(|o| o.item), Some(3));
        assert_eq!(offers.remove(NotificationId(3)), None);
        assert_eq!(offers.get(NotificationId(4)).map(|o| o.item), Some(4));
        assert_eq!(offers.of_agent(1), [NotificationId(1), NotificationId(5)]);
        assert_eq!(offers.remove(NotificationId(1)).map(|o| o.item), Some(1));
        assert_eq!(offers.remove(NotificationId(2)).map(|o| o.item), Some(2));
        // The holes before the oldest offer left the ring.
        assert_eq!((offers.first, offers.ring.len(), offers.len()), (4, 2, 2));
        assert_eq!(ids(&offers), [4, 5]);
        assert_eq!(offers.get(NotificationId(0)), None);
        assert_eq!(offers.get(NotificationId(6)), None);
    }

    #[test]
    fn t9_an_offer_that_stays_moves_out_so_holes_never_pile_up() {
        let mut offers = Offers::default();
        offers.insert(NotificationId(1), offer(0, 1));
        // Many offers after it come and go while it stays.
        for n in 2..=10_000_usize {
            offers.insert(NotificationId(n as u64), offer(1, n));
            offers.remove(NotificationId(n as u64));
            if n <= SPAN_FLOOR {
                // Slots 1 through n: each new offer took one slot, and its
                // end left a hole rather than shortening the ring to 1.
                assert_eq!((offers.first, offers.ring.len()), (1, n));
            }
        }
        offers.insert(NotificationId(10_001), offer(1, 10_001));
        assert_eq!(offers.old.len(), 1);
        assert!(offers.ring.len() <= SPAN_FLOOR, "{}", offers.ring.len());
        assert_eq!(ids(&offers), [1, 10_001]);
        assert_eq!(offers.get(NotificationId(1)).map(|o| o.item), Some(1));
        assert_eq!(offers.remove(NotificationId(1)).map(|o| o.item), Some(1));
        assert_eq!((offers.len(), offers.of_agent(0).len()), (1, 0));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

        /// Any mix of issues (ids rising, with gaps) and ends, in any order,
        /// finds, lists (by agent, and requests by item) and ends exactly
        /// what a plain ordered map would, and a new offer never stretches
        /// the ring past its bound.
        #[test]
        fn t9_offers_match_an_ordered_map(
            steps in proptest::collection::vec((0_u8..4, 0_u16..u16::MAX), 1..12_000),
        ) {
            let mut offers = Offers::default();
            let mut model: BTreeMap<u64, Offer> = BTreeMap::new();
            let mut next = 1_u64;
            for (what, pick) in steps {
                if what < 2 || model.is_empty() {
                    let id = next;
                    next += 1 + u64::from(pick % 3);
                    let purpose = [Purpose::Work, Purpose::Consult, Purpose::Transfer][usize::from(pick % 3)];
                    let o = Offer { purpose, ..offer(usize::from(pick % 7), usize::from(pick % 11)) };
                    offers.insert(NotificationId(id), o);
                    model.insert(id, o);
                    let bound = SPAN_FLOOR.max(SPAN_PER_OFFER * offers.in_ring);
                    proptest::prop_assert!(offers.ring.len() <= bound);
                } else {
                    // Mostly the newest few (answered at once), sometimes any.
                    let k = if what == 2 {
                        model.len() - 1 - usize::from(pick) % model.len().min(3)
                    } else {
                        usize::from(pick) % model.len()
                    };
                    let id = *model.keys().nth(k).unwrap_or(&0);
                    proptest::prop_assert_eq!(offers.remove(NotificationId(id)), model.remove(&id));
                }
            }
            proptest::prop_assert_eq!(offers.len(), model.len());
            let listed: Vec<(u64, Offer)> = offers.iter().map(|(id, o)| (id.0, *o)).collect();
            let expected: Vec<(u64, Offer)> = model.iter().map(|(&id, o)| (id, *o)).collect();
            proptest::prop_assert_eq!(listed, expected);
            for a in 0..7 {
                let mine: Vec<u64> = offers.of_agent(a).iter().map(|id| id.0).collect();
                let theirs: Vec<u64> =
                    model.iter().filter(|(_, o)| o.agent == a).map(|(&id, _)| id).collect();
                proptest::prop_assert_eq!(mine, theirs);
            }
            for (&id, o) in &model {
                proptest::prop_assert_eq!(offers.get(NotificationId(id)), Some(o));
            }
            for (i, purpose) in (0..11).flat_map(|i| [(i, Purpose::Consult), (i, Purpose::Transfer)]) {
                let about: Vec<u64> = offers.requests_about(i, purpose).map(|id| id.0).collect();
                let theirs: Vec<u64> = model
                    .iter()
                    .filter(|(_, o)| o.item == i && o.purpose == purpose)
                    .map(|(&id, _)| id)
                    .collect();
                proptest::prop_assert_eq!(about, theirs);
            }
            proptest::prop_assert_eq!(offers.has_requests(), model.values().any(|o| o.purpose != Purpose::Work));
        }
    }

    #[test]
    fn t9_saved_offers_far_apart_restore_in_little_room() {
        let saved: BTreeMap<NotificationId, Offer> = [1, 2, u64::MAX / 2, u64::MAX - 1]
            .into_iter()
            .map(|n| (NotificationId(n), offer(0, 7)))
            .collect();
        let offers = Offers::from(saved);
        assert_eq!(offers.len(), 4);
        assert!(offers.ring.len() <= 2, "{}", offers.ring.len());
        assert_eq!(ids(&offers), [1, 2, u64::MAX / 2, u64::MAX - 1]);
        assert!(offers.get(NotificationId(u64::MAX / 2)).is_some());
        let json = serde_json::to_string(&offers).unwrap_or_default();
        let back: Result<Offers, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(offers));
    }
}
