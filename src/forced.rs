//! Forced assignment (C4): a supervisor's assign (L6), an agent's pick
//! (A6) and affinity (A7) give work to one agent whatever their presence
//! and capacity. Capacity may go negative; the output reports the overage.

use crate::conversation::ConversationState;
use crate::error::InputError;
use crate::ids::{AgentId, WorkItemId};
use crate::offer::Purpose;
use crate::output::Output;
use crate::switchboard::Switchboard;
use crate::template::Scenario;
use crate::work::Place;

impl Switchboard {
    /// Assigns item `i` to agent `a` regardless of presence and capacity
    /// (C4). With `toast`, a Toast of that scenario tells the agent and the
    /// session opens when they open it or it times out; with
    /// `open_session`, the session opens at once.
    pub(crate) fn force_assign(
        &mut self,
        i: usize,
        a: usize,
        toast: Option<Scenario>,
        open_session: bool,
    ) {
        self.take_from_queue(i);
        self.state.agents[a].slots += 1;
        let overage = self.consume(a, i);
        self.move_item(
            i,
            Place::Assigned {
                agent: a,
                session: None,
                toast: None,
                unseen: None,
            },
        );
        let item = &mut self.state.items[i];
        item.affinity_lane = false;
        item.transferred = false;
        self.enter(i, ConversationState::Active);
        let toast_id = toast.and_then(|scenario| {
            self.notify(i, a, scenario, true, Purpose::Work, self.state.clock)
        });
        if let (Some((id, ..)), Place::Assigned { toast, .. }) =
            (toast_id, &mut self.state.items[i].place)
        {
            *toast = Some(id);
        }
        self.emit(Output::WorkAssigned {
            item: self.item_id(i),
            agent: self.agent_id(a),
            unseen: false,
            overage,
        });
        if open_session {
            self.open_work_session(i);
        }
        self.reindex(a);
        self.follow_capacity(a);
    }

    /// An agent picks waiting work (A6); it may exceed their capacity (C4),
    /// not their session limit. The session opens at once.
    pub(crate) fn pick(&mut self, agent: &AgentId, item: &WorkItemId) -> Result<(), InputError> {
        let a = self.signed_in_agent(agent)?;
        if !self.state.agents[a].connected {
            return Err(InputError::Disconnected(agent.clone()));
        }
        let i = self.item_index(item)?;
        if self.state.items[i].place != Place::Waiting {
            return Err(self.invalid(item, i, ConversationState::Active));
        }
        if self.state.agents[a].slots >= self.cfg.org.session_limit {
            return Err(InputError::SessionLimitReached(agent.clone()));
        }
        self.force_assign(i, a, None, true);
        self.work_changed_hands(a);
        Ok(())
    }

    /// A supervisor assigns Open, unassigned work to any signed-in agent,
    /// overriding presence and capacity; the agent gets a Toast (L6, N1).
    pub(crate) fn supervisor_assign(
        &mut self,
        item: &WorkItemId,
        agent: &AgentId,
    ) -> Result<(), InputError> {
        let i = self.item_index(item)?;
        let a = self.signed_in_agent(agent)?;
        if !matches!(
            self.state.items[i].place,
            Place::Waiting | Place::Offered { .. }
        ) {
            return Err(self.invalid(item, i, ConversationState::Active));
        }
        self.force_assign(i, a, Some(Scenario::SupervisorAssign), false);
        Ok(())
    }
}
