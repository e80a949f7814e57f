//! Sessions on an agent's desk and the session limit (S1, S2).

use serde::{Deserialize, Serialize};

use crate::config::Experience;
use crate::error::InputError;
use crate::ids::{AgentId, SessionId};
use crate::output::{AlertKind, Output, RerouteReason};
use crate::presence::{self, PresenceReason};
use crate::switchboard::Switchboard;

/// An open session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Session {
    pub(crate) agent: usize,
    /// The work item it shows, if any.
    pub(crate) item: Option<usize>,
}

impl Switchboard {
    /// Opens a session in a slot the caller already reserved.
    pub(crate) fn open_session(&mut self, a: usize, item: Option<usize>) -> SessionId {
        let id = SessionId(self.state.next_session);
        self.state.next_session += 1;
        self.state.sessions.open(id, Session { agent: a, item });
        let item = item.map(|i| self.item_id(i));
        self.emit(Output::SessionOpened {
            agent: self.agent_id(a),
            session: id,
            item,
        });
        id
    }

    /// Closes agent `a`'s session `id` and frees its slot.
    pub(crate) fn close_session(&mut self, a: usize, id: SessionId) {
        let Some(session) = self.state.sessions.close(id, a) else {
            return;
        };
        self.free_slot(session.agent);
        let item = session.item.map(|i| self.item_id(i));
        self.emit(Output::SessionClosed {
            agent: self.agent_id(session.agent),
            session: id,
            item,
        });
    }

    pub(crate) fn agent_opens_session(&mut self, agent: &AgentId) -> Result<(), InputError> {
        let a = self.signed_in_agent(agent)?;
        if self.state.agents[a].slots >= self.cfg.org.session_limit {
            return Err(InputError::SessionLimitReached(agent.clone()));
        }
        self.state.agents[a].slots += 1;
        self.open_session(a, None);
        Ok(())
    }

    pub(crate) fn agent_closes_session(
        &mut self,
        agent: &AgentId,
        session: SessionId,
    ) -> Result<(), InputError> {
        let a = self.agent_index(agent)?;
        let unknown = || InputError::UnknownSession {
            agent: agent.clone(),
            session,
        };
        let open = self.state.sessions.get(session, a).ok_or_else(unknown)?;
        if let Some(i) = open.item {
            // Closing a work session without ending the work: Active → Waiting (L1).
            return self.park_conversation(i);
        }
        self.close_session(a, session);
        Ok(())
    }

    /// Frees one of the agent's session slots. An agent who was turned away
    /// at the limit may take work again, so a cycle starts.
    pub(crate) fn free_slot(&mut self, a: usize) {
        let agent = &mut self.state.agents[a];
        agent.slots = agent.slots.saturating_sub(1);
        if agent.at_limit {
            agent.at_limit = false;
            self.state.cycle_due = true;
            self.reindex(a);
        }
    }

    /// Work reached an agent who holds the most sessions allowed (S2): alert
    /// and Busy - DND in the standalone experience; rerouted either way.
    /// Until a slot frees, routing passes the agent by without a second alert.
    pub(crate) fn session_limit_hit(&mut self, a: usize, i: usize) {
        self.state.agents[a].at_limit = true;
        self.reindex(a);
        self.emit(Output::Rerouted {
            item: self.item_id(i),
            from: self.agent_id(a),
            reason: RerouteReason::SessionLimit,
        });
        if self.agent_experience(a) == Experience::Standalone {
            self.penalise(a, presence::BUILTIN_BUSY_DND, PresenceReason::SessionLimit);
            self.emit(Output::Alert {
                agent: self.agent_id(a),
                kind: AlertKind::MaxSessions,
                item: self.item_id(i),
            });
        }
    }
}
