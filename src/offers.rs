//! The store of pending offers (notifications awaiting an answer), by id and
//! by agent.
//!
//! Every answer and deadline names its notification, so offers sit in a hash
//! map by id (an ordered map measured as fast, at 34 more bytes per pending
//! offer). Signing out or disconnecting touches only that agent's offers,
//! which each agent's list (in issue order) gives directly, and closing an
//! item looks only at the few pending consult and transfer requests,
//! instead of a scan of every offer.

use std::collections::BTreeSet;
use std::ops::Index;

use serde::{Deserialize, Serialize, Serializer};

use crate::hash::FastMap;
use crate::ids::NotificationId;
use crate::offer::{Offer, Purpose};

/// Every pending offer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "FastMap<NotificationId, Offer>")]
pub(crate) struct Offers {
    by_id: FastMap<NotificationId, Offer>,
    /// Each agent's pending offers, in issue order; derived from `by_id`.
    by_agent: Vec<Vec<NotificationId>>,
    /// Pending consult and transfer requests, in issue order: few, and
    /// looked up by item; derived from `by_id`.
    requests: BTreeSet<NotificationId>,
}

impl Offers {
    pub(crate) fn get(&self, id: NotificationId) -> Option<&Offer> {
        self.by_id.get(&id)
    }

    pub(crate) fn get_mut(&mut self, id: NotificationId) -> Option<&mut Offer> {
        self.by_id.get_mut(&id)
    }

    /// Adds offer `id`; ids are issued in increasing order.
    pub(crate) fn insert(&mut self, id: NotificationId, offer: Offer) {
        if self.by_agent.len() <= offer.agent {
            self.by_agent.resize_with(offer.agent + 1, Vec::new);
        }
        let mine = &mut self.by_agent[offer.agent];
        if let Err(k) = mine.binary_search(&id) {
            mine.insert(k, id);
        }
        if offer.purpose != Purpose::Work {
            self.requests.insert(id);
        }
        self.by_id.insert(id, offer);
    }

    pub(crate) fn remove(&mut self, id: NotificationId) -> Option<Offer> {
        let offer = self.by_id.swap_remove(&id)?;
        if let Some(mine) = self.by_agent.get_mut(offer.agent) {
            if let Ok(k) = mine.binary_search(&id) {
                mine.remove(k);
            }
        }
        if offer.purpose != Purpose::Work {
            self.requests.remove(&id);
        }
        Some(offer)
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
        self.requests.iter().copied().filter(move |id| {
            self.by_id
                .get(id)
                .is_some_and(|o| o.item == i && o.purpose == purpose)
        })
    }

    /// Whether any consult or transfer request is pending.
    pub(crate) fn has_requests(&self) -> bool {
        !self.requests.is_empty()
    }

    /// Every pending offer, in no particular order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &Offer> {
        self.by_id.values()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }
}

impl PartialEq for Offers {
    /// Equal when the same offers are pending; the rest is derived.
    fn eq(&self, other: &Self) -> bool {
        self.by_id == other.by_id
    }
}

impl Index<&NotificationId> for Offers {
    type Output = Offer;

    fn index(&self, id: &NotificationId) -> &Offer {
        &self.by_id[id]
    }
}

impl From<FastMap<NotificationId, Offer>> for Offers {
    /// Saved offers, with each agent's list rebuilt.
    fn from(saved: FastMap<NotificationId, Offer>) -> Self {
        let mut offers = Offers::default();
        let mut in_order: Vec<(NotificationId, Offer)> = saved.into_iter().collect();
        in_order.sort_unstable_by_key(|&(id, _)| id);
        for (id, offer) in in_order {
            offers.insert(id, offer);
        }
        offers
    }
}

impl Serialize for Offers {
    /// Offers as saved: by id, in issue order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut in_order: Vec<(&NotificationId, &Offer)> = self.by_id.iter().collect();
        in_order.sort_unstable_by_key(|&(id, _)| *id);
        s.collect_map(in_order)
    }
}
