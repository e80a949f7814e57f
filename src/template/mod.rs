//! Notification templates (N1–N5): what an agent sees, for how long, with which buttons.

mod catalogue;
mod render;

pub(crate) use catalogue::builtin_name;
pub use catalogue::builtin_templates;
pub(crate) use render::{Parsed, SlugKey, SlugSource, SlugValue, check_braces};

use serde::{Deserialize, Serialize};

use crate::ids::TemplateId;
use crate::text::Text;

/// Default icon path (N2).
pub const DEFAULT_ICON: &str = "/webresources/msdyn_chat_icon_zfp.svg";
/// Default time-out in seconds (N2).
pub const DEFAULT_TIMEOUT_SECS: u32 = 120;
/// Longest allowed time-out in seconds (N2).
pub const MAX_TIMEOUT_SECS: u32 = 500;
/// Most fields a template may carry (N2).
pub const MAX_FIELDS: usize = 4;

/// When a notification also goes to the agent's desktop (N6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DesktopMode {
    /// Only in the app (default).
    #[default]
    Never,
    /// Also on the desktop when the app is not in focus.
    WhenInBackground,
    /// Always also on the desktop.
    Always,
}

/// One line of a notification: a header and a value, both may hold slugs (N3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateField {
    /// Header shown to the agent, e.g. `"Customer"`.
    pub header: Text,
    /// Value with slugs, e.g. `"{customerName}"`.
    pub value: Text,
}

impl TemplateField {
    /// A field with a header and a value.
    pub fn new(header: impl Into<Text>, value: impl Into<Text>) -> Self {
        Self {
            header: header.into(),
            value: value.into(),
        }
    }
}

/// A notification template (N2). Built with [`Template::new`] and the `with_*`
/// methods or loaded from JSON, where every field but `name` has its default.
// Each switch mirrors an independent template setting of the product.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Template {
    /// Unique name, at most 100 characters; never shown to agents.
    pub name: TemplateId,
    /// Title shown to the agent, at most 100 characters, may hold slugs.
    pub title: Text,
    /// Icon path, at most 1024 characters.
    pub icon: Text,
    /// Seconds the agent has to act, 1–500.
    pub timeout_secs: u32,
    /// Whether the countdown is shown (forced on by auto-accept).
    pub show_countdown: bool,
    /// Label of the accept button, at most 100 characters ("Open" with auto-assign).
    pub accept_label: Text,
    /// Whether a reject button is shown (always off with auto-assign).
    pub reject_button: bool,
    /// Label of the reject button, at most 100 characters.
    pub reject_label: Text,
    /// When the notification also goes to the desktop.
    pub desktop: DesktopMode,
    /// At most four header/value fields.
    pub fields: Vec<TemplateField>,
    /// Assign the work at once and show a Toast with "Open" (T7).
    pub auto_assign: bool,
    /// With auto-assign: open the session at once (T7).
    pub auto_accept: bool,
}

impl Default for Template {
    fn default() -> Self {
        Self::new("")
    }
}

impl Template {
    /// A template with the given name and every other field at its default (N2).
    pub fn new(name: impl Into<TemplateId>) -> Self {
        Self {
            name: name.into(),
            title: Text::default(),
            icon: Text::from_static(&DEFAULT_ICON),
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            show_countdown: true,
            accept_label: Text::from_static(&"Accept"),
            reject_button: true,
            reject_label: Text::from_static(&"Reject"),
            desktop: DesktopMode::Never,
            fields: Vec::new(),
            auto_assign: false,
            auto_accept: false,
        }
    }

    /// Sets the title.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<Text>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the time-out in seconds.
    #[must_use]
    pub fn with_timeout_secs(mut self, secs: u32) -> Self {
        self.timeout_secs = secs;
        self
    }

    /// Adds a field.
    #[must_use]
    pub fn with_field(mut self, header: impl Into<Text>, value: impl Into<Text>) -> Self {
        self.fields.push(TemplateField::new(header, value));
        self
    }

    /// Sets the desktop mode.
    #[must_use]
    pub fn with_desktop(mut self, mode: DesktopMode) -> Self {
        self.desktop = mode;
        self
    }

    /// Shows or hides the reject button.
    #[must_use]
    pub fn with_reject_button(mut self, shown: bool) -> Self {
        self.reject_button = shown;
        self
    }

    /// Shows or hides the countdown.
    #[must_use]
    pub fn with_countdown(mut self, shown: bool) -> Self {
        self.show_countdown = shown;
        self
    }

    /// Turns auto-assign and auto-accept on or off.
    #[must_use]
    pub fn with_auto_assign(mut self, auto_assign: bool, auto_accept: bool) -> Self {
        self.auto_assign = auto_assign;
        self.auto_accept = auto_accept;
        self
    }

    /// Whether the reject button is shown: never with auto-assign (N2).
    pub(crate) fn effective_reject(&self) -> bool {
        self.reject_button && !self.auto_assign
    }

    /// Whether the countdown shows: always with auto-accept (N2).
    pub(crate) fn effective_countdown(&self) -> bool {
        self.show_countdown || self.auto_accept
    }
}

/// Why a notification is sent; each workstream names a template per scenario (N5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scenario {
    /// New work from an identified customer.
    IncomingAuthenticated,
    /// New work from an unidentified customer.
    IncomingUnauthenticated,
    /// Work transferred to the agent.
    Transfer,
    /// A consult request.
    Consult,
    /// A supervisor assigned the work.
    SupervisorAssign,
    /// A record (case) was assigned.
    RecordAssigned,
    /// An escalation notice.
    Escalation,
}

/// The two kinds of notification (N1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NotificationKind {
    /// Asks the agent to decide before a deadline.
    Alert,
    /// Informs: the work is assigned whatever the agent does.
    Toast,
}
