//! Transfers and supervisor actions (L3, L6): to a queue, to an agent after
//! a consult, and a supervisor's transfer and force-close.

use serde::{Deserialize, Serialize};

use crate::config::Channel;
use crate::conversation::{CloseReason, ConversationState};
use crate::error::InputError;
use crate::ids::{AgentId, NotificationId, QueueId, WorkItemId};
use crate::offer::Purpose;
use crate::output::{NotificationEnd, Output};
use crate::switchboard::Switchboard;
use crate::template::Scenario;
use crate::work::Place;

/// Where a supervisor transfers a conversation (L6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransferTarget {
    /// Into a queue, as an agent's transfer would (L3).
    Queue(QueueId),
    /// Straight to an agent, whatever their presence and capacity (C4).
    Agent(AgentId),
}

impl Switchboard {
    /// The agent holding item `i`, Active (or, when `waiting_too`, Waiting).
    fn holder(&self, i: usize, waiting_too: bool) -> Option<usize> {
        match (self.state.items[i].place, self.state.items[i].state) {
            (Place::Assigned { agent, .. }, ConversationState::Active) => Some(agent),
            (Place::Idle { agent }, ConversationState::Waiting) if waiting_too => Some(agent),
            _ => None,
        }
    }

    /// Lets go of item `i`: releases an assignment, or leaves a Waiting conversation.
    fn let_go(&mut self, i: usize) {
        if matches!(self.state.items[i].place, Place::Assigned { .. }) {
            self.release_assignment(i);
        }
        self.end_consults(i);
        self.rescind_transfer(i);
    }

    /// Moves a held conversation into `queue` as Open; its next offer uses
    /// the transfer template (L3). A queue with no members closes it (A5).
    fn move_to_queue(&mut self, i: usize, from: usize, q: usize) {
        self.let_go(i);
        let item = &mut self.state.items[i];
        item.queue = q;
        item.transferred = true;
        item.affinity_lane = false;
        self.emit(Output::TransferredToQueue {
            item: self.item_id(i),
            from: self.agent_id(from),
            queue: self.cfg.queues[q].id.clone(),
        });
        let record =
            self.cfg.workstreams[self.state.items[i].workstream].channel == Channel::Record;
        if self.state.queues[q].members.is_empty() && !record {
            self.move_item(i, Place::Closed);
            self.enter(i, ConversationState::Closed);
            self.emit(Output::ConversationClosed {
                item: self.item_id(i),
                reason: CloseReason::NoAgents,
            });
        } else {
            self.requeue(i);
        }
        self.follow_capacity(from);
        self.work_changed_hands(from);
    }

    /// The primary agent transfers an Active conversation to a queue (L3).
    pub(crate) fn transfer_to_queue(
        &mut self,
        item: &WorkItemId,
        queue: &QueueId,
    ) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let q = self
            .cfg
            .queues
            .get_index_of(queue)
            .ok_or_else(|| InputError::UnknownQueue(queue.clone()))?;
        let Some(from) = self.holder(i, false) else {
            return Err(self.invalid(item, i, ConversationState::Open));
        };
        self.move_to_queue(i, from, q);
        Ok(())
    }

    /// Pending transfer request about item `i`, if any.
    fn pending_transfer(&self, i: usize) -> Option<NotificationId> {
        self.state
            .offers
            .requests_about(i, Purpose::Transfer)
            .next()
    }

    pub(crate) fn rescind_transfer(&mut self, i: usize) {
        if let Some(id) = self.pending_transfer(i) {
            self.end_transfer_offer(id, NotificationEnd::Rescinded);
        }
    }

    /// The primary agent asks a consultant to take the conversation over (L3):
    /// the consultant gets a transfer Alert.
    pub(crate) fn transfer_to_agent(
        &mut self,
        item: &WorkItemId,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let a = self.agent_index(agent)?;
        if self.holder(i, false).is_none() {
            return Err(self.invalid(item, i, ConversationState::Active));
        }
        let refused = |reason| InputError::ConsultUnavailable {
            item: item.clone(),
            agent: agent.clone(),
            reason,
        };
        if !self.state.items[i].consultants.contains(&a) {
            return Err(refused(
                "a transfer to an agent needs a consult with them first",
            ));
        }
        if self.pending_transfer(i).is_some() {
            return Err(refused("a transfer is already pending"));
        }
        self.notify(
            i,
            a,
            Scenario::Transfer,
            false,
            Purpose::Transfer,
            self.state.clock,
        );
        Ok(())
    }

    /// Ends a transfer request; accepted, the consultant becomes the primary agent (L3).
    pub(crate) fn end_transfer_offer(&mut self, id: NotificationId, how: NotificationEnd) {
        let Some(offer) = self.state.offers.remove(id) else {
            return;
        };
        self.state.timers.cancel(offer.timer);
        let (i, to) = (offer.item, offer.agent);
        self.emit(Output::NotificationEnded {
            notification: id,
            agent: self.agent_id(to),
            item: self.item_id(i),
            how,
        });
        if how != NotificationEnd::Accepted {
            return; // reject or expiry: it stays with the first agent
        }
        let Some(from) = self.holder(i, false) else {
            return;
        };
        self.remove_consultant(i, to);
        self.release_assignment(i);
        self.emit(Output::PrimaryChanged {
            item: self.item_id(i),
            from: self.agent_id(from),
            to: self.agent_id(to),
        });
        self.force_assign(i, to, None, true);
        self.follow_capacity(from);
        self.work_changed_hands(from);
        self.work_changed_hands(to);
    }

    /// A supervisor transfers an Active or Waiting conversation (L6).
    pub(crate) fn supervisor_transfer(
        &mut self,
        item: &WorkItemId,
        target: &TransferTarget,
    ) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let Some(from) = self.holder(i, true) else {
            return Err(self.invalid(item, i, ConversationState::Open));
        };
        match target {
            TransferTarget::Queue(queue) => {
                let q = self
                    .cfg
                    .queues
                    .get_index_of(queue)
                    .ok_or_else(|| InputError::UnknownQueue(queue.clone()))?;
                self.move_to_queue(i, from, q);
            }
            TransferTarget::Agent(agent) => {
                let to = self.signed_in_agent(agent)?;
                self.let_go(i);
                self.emit(Output::PrimaryChanged {
                    item: item.clone(),
                    from: self.agent_id(from),
                    to: agent.clone(),
                });
                self.force_assign(i, to, Some(Scenario::Transfer), false);
                self.follow_capacity(from);
                self.work_changed_hands(from);
            }
        }
        Ok(())
    }

    /// A supervisor closes any conversation that is not closed yet (L6).
    pub(crate) fn supervisor_close(&mut self, item: &WorkItemId) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let agent = match self.state.items[i].place {
            Place::Closed => return Err(self.invalid(item, i, ConversationState::Closed)),
            Place::Assigned { agent, .. } => Some(agent),
            _ => None,
        };
        self.rescind_transfer(i);
        self.close_item(i, CloseReason::ForceClosed);
        if let Some(agent) = agent {
            self.work_changed_hands(agent);
        }
        Ok(())
    }
}
