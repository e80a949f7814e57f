//! # switchboard
//!
//! Contact-center routing rules as a pure, IO-free state machine: which
//! agent gets a chat, SMS, call or case; what notification they see; how
//! long they have to accept; what a miss or a reject does to their presence;
//! how many sessions they may hold; and where the work goes when nobody
//! answers.
//!
//! The host service feeds events and clock readings in and carries out what
//! comes out (the sans-IO pattern of `quinn-proto` and `str0m`). The engine
//! never reads a clock, a file or a socket, so it is exactly testable,
//! replayable from a log and fast enough to simulate a day in a second.
//!
//! ## The driving loop
//!
//! After every [`Switchboard::handle`] or [`Switchboard::tick`], drain
//! [`Switchboard::poll_output`] until `None`, then sleep until
//! [`Switchboard::poll_timeout`] (or the next event) and `tick` then.
//! [`Switchboard::tick_with`] hands a tick's outputs to a closure as they
//! arise instead, for ticks that fire many deadlines at once.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use switchboard::{Agent, Channel, Config, Input, Output, Queue, Switchboard, WorkItem, Workstream};
//!
//! let config = Config {
//!     workstreams: vec![Workstream::new("chat", Channel::Chat)],
//!     queues: vec![Queue::new("general", ["ada".into()])],
//!     agents: vec![Agent::new("ada")],
//!     ..Config::default()
//! };
//! let mut sb = Switchboard::new(config)?;
//! let t0 = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
//!
//! sb.handle(t0, Input::AgentSignedIn { agent: "ada".into() })?;
//! sb.handle(t0, Input::WorkArrived(Box::new(WorkItem::new("chat-1", "chat", "general"))))?;
//!
//! let mut offered = None;
//! while let Some(output) = sb.poll_output() {
//!     if let Output::Notify(n) = output {
//!         offered = Some(n.id);
//!     }
//! }
//! // Nobody answers: the Alert's deadline is the next wake-up.
//! let deadline = sb.poll_timeout().unwrap();
//! assert_eq!(deadline, t0 + chrono::TimeDelta::seconds(120));
//! sb.handle(t0, Input::Accept { notification: offered.unwrap() })?;
//! assert!(sb.poll_output().is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Where things are
//! - [`Switchboard`]: `new`, `handle`, `tick`, `tick_with`, `poll_output`,
//!   `poll_timeout`, and queries.
//! - [`Input`] and [`Output`]: serde enums, so a log replays.
//! - [`Config`] and its parts; [`ConfigError`] and [`InputError`].
//! - [`Template`]: notification templates and the built-in catalogue.
//! - [`Text`] and [`ShortList`]: the cheap-to-clone text and the short
//!   inline list that ids and notifications are made of.
//!
//! The rules themselves are in the repository's `SPEC.md` and named in the
//! docs by their IDs (D1, N3, T6, …).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod agent;
mod capacity;
mod closed;
mod config;
mod consult;
mod contact;
mod conversation;
mod declines;
mod error;
mod forced;
mod front_tree;
mod hash;
mod ids;
mod input;
mod items;
mod offer;
mod offers;
mod output;
mod presence;
mod routing;
mod session;
mod sessions;
mod short_list;
mod snapshot;
mod sorted_ring;
mod sorted_vec;
mod switchboard;
mod template;
mod text;
mod timer;
mod tombstones;
mod transfer;
mod work;

pub use crate::capacity::Overage;
pub use crate::config::{
    Agent, AgentProfile, AssignmentMethod, AutoClose, CapacityProfile, Channel, Config, Contact,
    Distribution, Experience, OrgSettings, ProfileReset, Queue, Workstream, WrapUpBlocking,
};
pub use crate::contact::normalize_phone;
pub use crate::conversation::{CloseReason, ConversationState};
pub use crate::error::{ConfigError, IdKind, InputError};
pub use crate::ids::{
    AgentId, ContactId, NotificationId, PresenceId, ProfileId, QueueId, SessionId, TemplateId,
    WorkItemId, WorkstreamId,
};
pub use crate::input::{Case, Customer, Input, WorkItem};
pub use crate::output::{
    AlertKind, DesktopNotification, Notification, NotificationEnd, Output, RenderedField,
    RerouteReason,
};
pub use crate::presence::{BaseStatus, Presence, PresenceReason, builtin as presences};
pub use crate::routing::CYCLE_WINDOW;
pub use crate::short_list::ShortList;
pub use crate::snapshot::{RestoreError, SNAPSHOT_VERSION, SavedState, Snapshot};
pub use crate::switchboard::{AgentStatus, Switchboard, WorkLocation};
pub use crate::template::{
    DEFAULT_ICON, DEFAULT_TIMEOUT_SECS, DesktopMode, MAX_FIELDS, MAX_TIMEOUT_SECS,
    NotificationKind, Scenario, Template, TemplateField, builtin_templates,
};
pub use crate::text::Text;
pub use crate::transfer::TransferTarget;
