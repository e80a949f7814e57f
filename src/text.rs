//! Shared text: what ids, labels and rendered notifications are made of.
//!
//! Every output names its agent and item, and every notification carries its
//! template's labels, so text is cloned far more often than it is made. A
//! [`Text`] clone never copies the text: text built into the crate (the
//! built-in templates and presences, default labels) is static, and its
//! clone is a copy of a pointer; any other text is an `Arc<str>`, whose
//! clone is a reference count, an atomic operation. Static text is held
//! through a thin pointer (to a `&'static str`), so a `Text` takes 16
//! bytes, as an `Arc<str>` does.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Immutable text that is cheap to clone. Compares, orders, hashes, prints
/// and serialises as the `str` it holds.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// A thin pointer to static text: the enum then needs no more room
    /// than the `Arc<str>`.
    Static(&'static &'static str),
    Shared(Arc<str>),
}

impl Text {
    /// Text that lives for the whole program: cloning it costs nothing.
    /// Pass a reference to a string literal or constant,
    /// `Text::from_static(&"Accept")`.
    #[must_use]
    pub const fn from_static(text: &'static &'static str) -> Self {
        Self(Repr::Static(text))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Shared(text) => text,
        }
    }

    /// Whether this is the only copy of shared text: dropping it frees the
    /// text. Static text is never the only copy.
    pub(crate) fn is_only_copy(&self) -> bool {
        matches!(&self.0, Repr::Shared(text) if Arc::strong_count(text) == 1)
    }

    /// A copy of part of this text, `range` in bytes on char boundaries.
    pub(crate) fn slice(&self, range: std::ops::Range<usize>) -> Self {
        Self::from(self.as_str().get(range).unwrap_or(""))
    }
}

impl Default for Text {
    /// The empty text (static).
    fn default() -> Self {
        Self::from_static(&"")
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self(Repr::Shared(Arc::from(text)))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self(Repr::Shared(Arc::from(text)))
    }
}

impl From<Arc<str>> for Text {
    fn from(text: Arc<str>) -> Self {
        Self(Repr::Shared(text))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Arc::<str>::deserialize(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::HashSet;

    #[test]
    fn only_the_last_copy_of_shared_text_is_the_only_copy() {
        let text = Text::from("chat");
        assert!(text.is_only_copy());
        let copy = text.clone();
        assert!(!text.is_only_copy() && !copy.is_only_copy());
        drop(copy);
        assert!(text.is_only_copy());
        assert!(!Text::from_static(&"chat").is_only_copy());
    }

    #[test]
    fn d7_static_and_shared_text_are_the_same_text() {
        let fixed = Text::from_static(&"Accept");
        let shared = Text::from("Accept");
        assert_eq!(fixed, shared);
        assert_eq!(fixed, "Accept");
        assert_eq!(&*shared, "Accept");
        assert_eq!(format!("{fixed} {shared:?}"), r#"Accept "Accept""#);
        let set: HashSet<Text> = [fixed, shared].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert!(set.contains("Accept"));
        assert_eq!(Text::default(), "");
    }

    #[test]
    fn d7_text_serialises_as_a_string() {
        let json = serde_json::to_string(&Text::from_static(&"Reject")).unwrap_or_default();
        assert_eq!(json, r#""Reject""#);
        let back: Text = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, "Reject");
    }

    #[test]
    fn d7_static_text_is_as_small_as_shared_text() {
        assert_eq!(std::mem::size_of::<Text>(), std::mem::size_of::<Arc<str>>());
        let text = Text::from_static(&"{customerName}");
        assert!(matches!(text.clone().0, Repr::Static(_)));
        assert_eq!(text.slice(1..13), "customerName");
    }
}
