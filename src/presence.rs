//! Presence: base statuses, the built-in presences and what the system computes (P1–P6).

use serde::{Deserialize, Serialize};

use crate::ids::PresenceId;

/// The base status routing looks at (P1). Every presence, built-in or custom, has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BaseStatus {
    /// Ready for work.
    Available,
    /// Working, may take more.
    Busy,
    /// Busy, do not disturb.
    BusyDnd,
    /// Away from the desk.
    Away,
    /// Signed out or not reachable.
    Offline,
}

/// A presence an agent can be in: a name shown to people and a base status for routing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// Unique name, e.g. `"Available"` or `"Lunch"`.
    pub id: PresenceId,
    /// Text shown to the agent.
    pub text: String,
    /// What routing sees.
    pub base: BaseStatus,
}

/// Names of the built-in presences (P1).
pub mod builtin {
    /// Available (base Available).
    pub const AVAILABLE: &str = "Available";
    /// Busy (base Busy).
    pub const BUSY: &str = "Busy";
    /// Busy - DND (base Busy-DND).
    pub const BUSY_DND: &str = "Busy - DND";
    /// Away (base Away).
    pub const AWAY: &str = "Away";
    /// Offline (base Offline).
    pub const OFFLINE: &str = "Offline";
    /// Inactive (base Away); only the system sets it (P2).
    pub const INACTIVE: &str = "Inactive";
}

/// The six built-in presences, in a fixed order: their positions are the
/// `BUILTIN_*` indexes below.
pub(crate) fn builtins() -> Vec<Presence> {
    use builtin::{AVAILABLE, AWAY, BUSY, BUSY_DND, INACTIVE, OFFLINE};
    [
        (&AVAILABLE, BaseStatus::Available),
        (&BUSY, BaseStatus::Busy),
        (&BUSY_DND, BaseStatus::BusyDnd),
        (&AWAY, BaseStatus::Away),
        (&OFFLINE, BaseStatus::Offline),
        (&INACTIVE, BaseStatus::Away),
    ]
    .into_iter()
    .map(|(name, base)| Presence {
        id: PresenceId::from_static(name),
        text: (*name).to_owned(),
        base,
    })
    .collect()
}

/// Index of Available among the engine's presences.
pub(crate) const BUILTIN_AVAILABLE: usize = 0;
/// Index of Busy.
pub(crate) const BUILTIN_BUSY: usize = 1;
/// Index of Busy - DND.
pub(crate) const BUILTIN_BUSY_DND: usize = 2;
/// Index of Offline.
pub(crate) const BUILTIN_OFFLINE: usize = 4;
/// Index of Inactive.
pub(crate) const BUILTIN_INACTIVE: usize = 5;

/// Why an agent's presence changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PresenceReason {
    /// The agent signed in (P3).
    SignedIn,
    /// The agent signed out.
    SignedOut,
    /// The agent chose it (P4).
    Manual,
    /// The system recomputed it from capacity in use (P5).
    Computed,
    /// Missed-notification penalty (T2).
    MissedNotification,
    /// Agent-reject penalty (T4).
    Rejected,
    /// Session-limit penalty (S2).
    SessionLimit,
    /// The agent reset it from a penalty alert (P6).
    AgentReset,
    /// A supervisor reset it (P6).
    SupervisorReset,
    /// The agent's client disconnected (P8).
    Disconnected,
    /// The agent's client reconnected (P8).
    Reconnected,
}
