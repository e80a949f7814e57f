//! Shorthands for the inputs the tests feed: notification ids as numbers,
//! agents, items and presences as text.

use switchboard::Input;

use super::n;

/// `Accept` of notification `id`.
pub fn accept(id: u64) -> Input {
    Input::Accept {
        notification: n(id),
    }
}

/// `Reject` of notification `id`.
pub fn reject(id: u64) -> Input {
    Input::Reject {
        notification: n(id),
    }
}

/// `Open` of notification `id` (a Toast's action).
pub fn open(id: u64) -> Input {
    Input::Open {
        notification: n(id),
    }
}

/// `NotificationDisplayed` for notification `id`.
pub fn displayed(id: u64) -> Input {
    Input::NotificationDisplayed {
        notification: n(id),
    }
}

/// `ConversationEnded` for `item`.
pub fn end(item: &str) -> Input {
    Input::ConversationEnded { item: item.into() }
}

/// `ConversationClosed` for `item`.
pub fn close(item: &str) -> Input {
    Input::ConversationClosed { item: item.into() }
}

/// `SetPresence`: `agent` chooses `presence`.
pub fn set_presence(agent: &str, presence: &str) -> Input {
    Input::SetPresence {
        agent: agent.into(),
        presence: presence.into(),
    }
}

/// `ResetPresence` by `agent`.
pub fn reset(agent: &str) -> Input {
    Input::ResetPresence {
        agent: agent.into(),
    }
}
