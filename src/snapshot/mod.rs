//! Snapshots (D8): the whole engine — configuration, state and pending
//! deadlines as absolute times — saved with serde and restored to an
//! engine that behaves exactly as the original would have.

mod check;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::config::Config;
use crate::error::ConfigError;
use crate::routing::{QueueIndex, QuietQueues};
use crate::switchboard::{State, Switchboard};

/// The snapshot format this version writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

/// A saved engine. Serialise it with any serde format (JSON included);
/// restore it with [`Switchboard::restore`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version; [`SNAPSHOT_VERSION`] when written by this version.
    pub version: u32,
    /// The configuration the engine was built from.
    pub config: Config,
    /// Everything that changed since: agents, work, offers, sessions,
    /// deadlines, counters and outputs not yet polled.
    pub state: SavedState,
}

/// The engine's state inside a [`Snapshot`]; opaque, checked on restore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SavedState(pub(crate) State);

/// A snapshot that cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RestoreError {
    /// Written by a format version this one does not read.
    #[error("snapshot version {found} is not supported (this version reads {SNAPSHOT_VERSION})")]
    UnsupportedVersion {
        /// The version found.
        found: u32,
    },
    /// The configuration inside is invalid.
    #[error("snapshot configuration: {0}")]
    Config(#[from] ConfigError),
    /// The state does not fit the configuration (an index out of range, a
    /// counter at its limit, …): the snapshot is damaged or was edited.
    #[error("snapshot state is inconsistent: {0}")]
    Inconsistent(String),
}

impl Switchboard {
    /// Saves the whole engine (D8).
    pub fn snapshot(&self) -> Snapshot {
        let mut state = self.state.clone();
        state.items.scrub_free();
        Snapshot {
            version: SNAPSHOT_VERSION,
            config: self.config().clone(),
            state: SavedState(state),
        }
    }

    /// Rebuilds an engine from a snapshot (D8). It produces the same
    /// outputs for the same following inputs as the engine that was saved.
    ///
    /// # Errors
    /// [`RestoreError`] for an unknown version, an invalid configuration,
    /// or a state that does not fit the configuration.
    pub fn restore(snapshot: Snapshot) -> Result<Self, RestoreError> {
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(RestoreError::UnsupportedVersion {
                found: snapshot.version,
            });
        }
        let mut board = Switchboard::new(snapshot.config)?;
        let state = snapshot.state.0;
        board
            .check_restorable(&state)
            .map_err(RestoreError::Inconsistent)?;
        board.state = state;
        // Agents' lists of offers and sessions are placed only now that
        // every agent number is known to be in range.
        board.state.offers.place();
        board.state.sessions.place();
        // Each agent's work and consult lists and the queue indexes are
        // derived; rebuild them.
        let live = board.state.items.live();
        for i in live {
            let item = &board.state.items[i];
            if let Some(a) = item.place.agent() {
                board.state.agents[a].work.push((item.arrival, i));
            }
            for &a in &item.consultants.clone() {
                board.state.agents[a].consulting.push(i);
            }
        }
        let items = &board.state.items;
        let voice = board.cfg.has_voice();
        let several_skill_sets = board.cfg.skill_sets.len() > 1;
        for (queue, compiled) in board.state.queues.iter_mut().zip(board.cfg.queues.values()) {
            queue.index = QueueIndex::for_method(compiled.method, voice, several_skill_sets);
            queue.push.recount(|i| items[i].units);
        }
        for a in 0..board.state.agents.len() {
            board.state.agents[a].ranked_as = None;
            board.reindex(a);
        }
        board.state.quiet = QuietQueues::for_queues(board.state.queues.len());
        Ok(board)
    }
}
