//! The store of open sessions, kept with their agents.
//!
//! A session belongs to one agent, and whatever closes one knows which
//! (the assignment it shows, the agent's own input, the agent signing
//! out), so each agent's open sessions sit in a short list in opening
//! order. Opening or closing one touches only that list; in one ordered
//! map of every open session, it climbed a tree that grows with the
//! conversations open in the whole center: with 10,000 of them, a dispatch
//! cycle took 1,100 instructions more, and with none but its own it still
//! paid for a tree node made and freed (BENCHMARKS.md, `dispatch_open`).
//!
//! Saved as before, by id. A restored store holds the saved sessions as a
//! plain list until the snapshot has been checked, and is then placed with
//! its agents ([`Sessions::place`]): an agent number in a snapshot is not
//! trusted before that.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};

use crate::ids::SessionId;
use crate::session::Session;

/// Every open session.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "BTreeMap<SessionId, Session>")]
pub(crate) struct Sessions {
    /// Agent `a`'s open sessions, in opening order (ids rise): the id and
    /// the work item shown, if any.
    by_agent: Vec<Vec<(SessionId, Option<usize>)>>,
    /// Sessions restored from a snapshot and not yet placed, by id.
    restored: Vec<(SessionId, Session)>,
}

impl Sessions {
    /// Adds session `id`, newer than every open session.
    pub(crate) fn open(&mut self, id: SessionId, session: Session) {
        if self.by_agent.len() <= session.agent {
            self.by_agent.resize_with(session.agent + 1, Vec::new);
        }
        self.by_agent[session.agent].push((id, session.item));
    }

    /// Agent `agent`'s session `id`; `None` when the agent has no such
    /// session.
    pub(crate) fn get(&self, id: SessionId, agent: usize) -> Option<Session> {
        let mine = self.by_agent.get(agent)?;
        let &(_, item) = mine.iter().find(|&&(open, _)| open == id)?;
        Some(Session { agent, item })
    }

    /// Closes agent `agent`'s session `id`; `None` when there is no such
    /// session.
    pub(crate) fn close(&mut self, id: SessionId, agent: usize) -> Option<Session> {
        let mine = self.by_agent.get_mut(agent)?;
        let k = mine.iter().position(|&(open, _)| open == id)?;
        let (_, item) = mine.remove(k);
        Some(Session { agent, item })
    }

    /// Agent `agent`'s open sessions, oldest first.
    pub(crate) fn of_agent(&self, agent: usize) -> &[(SessionId, Option<usize>)] {
        self.by_agent.get(agent).map_or(&[], Vec::as_slice)
    }

    /// Every open session, in no particular order (restored ones not yet
    /// placed included).
    pub(crate) fn values(&self) -> impl Iterator<Item = Session> + '_ {
        let placed =
            self.by_agent.iter().enumerate().flat_map(|(agent, mine)| {
                mine.iter().map(move |&(_, item)| Session { agent, item })
            });
        placed.chain(self.restored.iter().map(|&(_, session)| session))
    }

    /// Places restored sessions with their agents, once a check has found
    /// every agent number in range.
    pub(crate) fn place(&mut self) {
        for (id, session) in std::mem::take(&mut self.restored) {
            self.open(id, session);
        }
    }

    /// Every open session by id.
    fn by_id(&self) -> BTreeMap<SessionId, Session> {
        let placed = self.by_agent.iter().enumerate().flat_map(|(agent, mine)| {
            mine.iter()
                .map(move |&(id, item)| (id, Session { agent, item }))
        });
        placed.chain(self.restored.iter().copied()).collect()
    }
}

/// Equal when the same sessions are open.
impl PartialEq for Sessions {
    fn eq(&self, other: &Self) -> bool {
        self.by_id() == other.by_id()
    }
}

impl From<BTreeMap<SessionId, Session>> for Sessions {
    /// Saved sessions, in opening order, to be placed after the check.
    fn from(saved: BTreeMap<SessionId, Session>) -> Self {
        Sessions {
            by_agent: Vec::new(),
            restored: saved.into_iter().collect(),
        }
    }
}

impl Serialize for Sessions {
    /// Sessions as saved: by id, in opening order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.by_id().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(agent: usize, item: Option<usize>) -> Session {
        Session { agent, item }
    }

    /// Sessions 1 (agent 2, showing item 7), 2 (agent 0) and 3 (agent 2).
    fn three() -> Sessions {
        let mut sessions = Sessions::default();
        sessions.open(SessionId(1), session(2, Some(7)));
        sessions.open(SessionId(2), session(0, None));
        sessions.open(SessionId(3), session(2, None));
        sessions
    }

    #[test]
    fn sessions_open_and_close_with_their_agents() {
        let mut sessions = three();
        assert_eq!(sessions.get(SessionId(1), 2), Some(session(2, Some(7))));
        assert_eq!(sessions.get(SessionId(1), 0), None, "another agent's");
        assert_eq!(
            sessions.of_agent(2),
            &[(SessionId(1), Some(7)), (SessionId(3), None)]
        );
        assert_eq!(sessions.close(SessionId(1), 0), None);
        assert_eq!(sessions.close(SessionId(1), 2), Some(session(2, Some(7))));
        assert_eq!(sessions.close(SessionId(1), 2), None, "closed already");
        assert_eq!(sessions.of_agent(2), &[(SessionId(3), None)]);
        assert_eq!(sessions.of_agent(9), &[]);
        assert_eq!(sessions.values().count(), 2);
    }

    #[test]
    fn d8_sessions_save_by_id_and_restore_with_their_agents() {
        let sessions = three();
        let json = serde_json::to_string(&sessions).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"1":{"agent":2,"item":7},"2":{"agent":0,"item":null},"3":{"agent":2,"item":null}}"#
        );
        let mut restored: Sessions = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(restored, sessions);
        assert_eq!(restored.of_agent(2), &[], "not placed before the check");
        restored.place();
        assert_eq!(restored, sessions);
        assert_eq!(
            restored.of_agent(2),
            &[(SessionId(1), Some(7)), (SessionId(3), None)]
        );
    }
}
