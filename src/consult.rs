//! Consults (L4, P10, C7): another agent joins a conversation to help. It
//! costs them no capacity, takes no session slot and leaves their presence
//! alone; declining a consult is not a decline of the work (*ours*).

use chrono::{DateTime, Utc};

use crate::config::Channel;
use crate::conversation::ConversationState;
use crate::error::InputError;
use crate::ids::{AgentId, NotificationId, WorkItemId};
use crate::offer::Purpose;
use crate::output::{NotificationEnd, Output};
use crate::switchboard::Switchboard;
use crate::template::Scenario;
use crate::work::Place;

impl Switchboard {
    fn consult_refused(item: &WorkItemId, agent: &AgentId, reason: &'static str) -> InputError {
        InputError::ConsultUnavailable {
            item: item.clone(),
            agent: agent.clone(),
            reason,
        }
    }

    /// Pending consult requests about item `i`.
    fn consult_offers(&self, i: usize) -> Vec<NotificationId> {
        self.state
            .offers
            .requests_about(i, Purpose::Consult)
            .collect()
    }

    /// The primary agent of an Active conversation asks `agent` to join (L4).
    pub(crate) fn request_consult(
        &mut self,
        item: &WorkItemId,
        agent: &AgentId,
        now: DateTime<Utc>,
    ) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let a = self.signed_in_agent(agent)?;
        if !self.state.agents[a].connected {
            return Err(InputError::Disconnected(agent.clone()));
        }
        let state = &self.state.items[i];
        let Place::Assigned { agent: primary, .. } = state.place else {
            return Err(Self::consult_refused(
                item,
                agent,
                "the conversation is not active",
            ));
        };
        if state.state != ConversationState::Active {
            return Err(Self::consult_refused(
                item,
                agent,
                "the conversation is not active",
            ));
        }
        if self.cfg.workstreams[state.workstream].channel == Channel::Record {
            return Err(Self::consult_refused(
                item,
                agent,
                "records have no consults",
            ));
        }
        if a == primary {
            return Err(Self::consult_refused(
                item,
                agent,
                "the primary agent cannot consult themself",
            ));
        }
        let pending = self.consult_offers(i);
        if state.consultants.contains(&a)
            || pending.iter().any(|id| self.state.offers[id].agent == a)
        {
            return Err(Self::consult_refused(
                item,
                agent,
                "the agent is already in this consult",
            ));
        }
        if state.consultants.len() + pending.len() >= usize::from(self.cfg.org.max_consultants) {
            return Err(Self::consult_refused(item, agent, "the consult is full"));
        }
        self.notify(i, a, Scenario::Consult, false, Purpose::Consult, now);
        Ok(())
    }

    /// A consultant leaves the conversation.
    pub(crate) fn leave_consult(
        &mut self,
        item: &WorkItemId,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let a = self.agent_index(agent)?;
        if !self.remove_consultant(i, a) {
            return Err(Self::consult_refused(
                item,
                agent,
                "the agent is not in this consult",
            ));
        }
        self.emit(Output::ConsultEnded {
            item: item.clone(),
            agent: agent.clone(),
        });
        Ok(())
    }

    /// Ends a pending consult request (T9).
    pub(crate) fn end_consult_offer(&mut self, id: NotificationId, how: NotificationEnd) {
        let Some(offer) = self.state.offers.remove(id) else {
            return;
        };
        self.state.timers.cancel(offer.timer);
        self.emit(Output::NotificationEnded {
            notification: id,
            agent: self.agent_id(offer.agent),
            item: self.item_id(offer.item),
            how,
        });
        if how == NotificationEnd::Accepted {
            self.state.items[offer.item].consultants.push(offer.agent);
            let items = &self.state.items;
            let arrival = items[offer.item].arrival;
            let consulting = &mut self.state.agents[offer.agent].consulting;
            // In arrival order, so consults are always visited in that order.
            if let Err(k) = consulting.binary_search_by_key(&arrival, |&j| items[j].arrival) {
                consulting.insert(k, offer.item);
            }
            self.emit(Output::ConsultJoined {
                item: self.item_id(offer.item),
                agent: self.agent_id(offer.agent),
            });
        }
    }

    /// The conversation ended, closed or left its agent: pending consult
    /// requests are rescinded, every consultant leaves, and a pending
    /// transfer request is rescinded.
    pub(crate) fn end_consults(&mut self, i: usize) {
        if self.state.items[i].consultants.is_empty() && !self.state.offers.has_requests() {
            return; // the common case: nobody consulted, nothing requested
        }
        for id in self.consult_offers(i) {
            self.end_consult_offer(id, NotificationEnd::Rescinded);
        }
        for a in std::mem::take(&mut self.state.items[i].consultants) {
            self.state.agents[a].consulting.retain(|&c| c != i);
            self.emit(Output::ConsultEnded {
                item: self.item_id(i),
                agent: self.agent_id(a),
            });
        }
        self.rescind_transfer(i);
    }

    /// Agent `a` signs out: their consult requests are rescinded and they leave every consult.
    pub(crate) fn leave_all_consults(&mut self, a: usize) {
        let offers = &self.state.offers;
        let requests: Vec<_> = offers
            .of_agent(a)
            .iter()
            .copied()
            .filter(|id| offers[id].purpose != Purpose::Work)
            .collect();
        for id in requests {
            if self.state.offers[&id].purpose == Purpose::Consult {
                self.end_consult_offer(id, NotificationEnd::Rescinded);
            } else {
                self.end_transfer_offer(id, NotificationEnd::Rescinded);
            }
        }
        for i in self.state.agents[a].consulting.clone() {
            self.remove_consultant(i, a);
            self.emit(Output::ConsultEnded {
                item: self.item_id(i),
                agent: self.agent_id(a),
            });
        }
    }

    /// Takes agent `a` off item `i`'s consultants; `false` if they were not on it.
    pub(crate) fn remove_consultant(&mut self, i: usize, a: usize) -> bool {
        let consultants = &mut self.state.items[i].consultants;
        let Some(at) = consultants.iter().position(|&c| c == a) else {
            return false;
        };
        consultants.remove(at);
        self.state.agents[a].consulting.retain(|&c| c != i);
        true
    }
}
