//! Identifiers.
//!
//! IDs the caller owns (agents, work items, queues, workstreams, templates,
//! presences, contacts) are caller-chosen strings wrapped in newtypes, so an
//! agent id can never be passed where a queue id is expected. Their text is
//! a [`Text`]: every output names its agent and item, and a clone copies 16
//! bytes (an id of up to 15 bytes is held inline) or counts a reference to
//! shared text, never copying the text. IDs the engine issues
//! (notifications, sessions) are sequential numbers.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::Text;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Cloning is cheap: an id of up to 15 bytes is held inline, a
        /// longer one is shared, not copied.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Text);

        impl $name {
            /// Wraps a caller-chosen identifier.
            pub fn new(id: impl AsRef<str>) -> Self {
                Self(Text::from(id.as_ref()))
            }

            /// An identifier that lives for the whole program: cloning it
            /// costs nothing, not even a reference count. Pass a reference
            /// to a string literal or constant: `from_static(&"ada")`.
            #[must_use]
            pub const fn from_static(id: &'static &'static str) -> Self {
                Self(Text::from_static(id))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// The identifier's shared text.
            pub fn text(&self) -> &Text {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(Text::from(id))
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(Text::from(id))
            }
        }

        impl From<Text> for $name {
            fn from(id: Text) -> Self {
                Self(id)
            }
        }
    };
}

macro_rules! number_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

string_id!(
    /// An agent, as the host service names them.
    AgentId
);
string_id!(
    /// A work item: a conversation (chat, SMS, call, …) or a record such as a case.
    WorkItemId
);
string_id!(
    /// A queue that work waits in.
    QueueId
);

string_id!(
    /// A workstream: the channel and distribution rules a work item follows.
    WorkstreamId
);
string_id!(
    /// A notification template, by its unique name.
    TemplateId
);
string_id!(
    /// A presence (built-in or custom), by its name, e.g. `"Busy - DND"`.
    PresenceId
);
string_id!(
    /// A customer contact record.
    ContactId
);
string_id!(
    /// A capacity profile (C2).
    ProfileId
);
number_id!(
    /// A notification the engine issued; numbers start at 1 and never repeat.
    NotificationId
);
number_id!(
    /// A session the engine opened on an agent's desk; numbers start at 1 and never repeat.
    SessionId
);
