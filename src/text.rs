//! Shared text: what ids, labels and rendered notifications are made of.
//!
//! Every output names its agent and item, and every notification carries its
//! template's labels, so text is cloned far more often than it is made. A
//! [`Text`] clone copies 32 bytes and, for most text, costs no atomic
//! operation:
//!
//! - text built into the crate (the built-in templates and presences,
//!   default labels) is static: a clone copies a pointer;
//! - text of up to 15 bytes (most ids: `"a17"`, `"w1024"`, `"queue-billing"`)
//!   is held inline: a clone copies the bytes, and making it allocates
//!   nothing;
//! - longer text is shared (`Arc`): a clone counts a reference, an atomic
//!   operation, and making it allocates.
//!
//! All three forms compare, order and hash as the `str` they hold, so which
//! form a text takes is invisible to the caller. Reference counts were
//! measured at a sixth of a dispatch cycle before inline text (see
//! `BENCHMARKS.md`).
//!
//! The inline bytes are a plain array beside the form, not inside it. Kept
//! inside one 16-byte enum with the pointers, every copy of a text was a
//! tag byte, seven bytes at an odd offset and eight more: the compiler moved
//! the seven as two overlapping four-byte pieces through the stack and read
//! them back before the stores had landed, a stall the processor pays on
//! each read. Laid out apart (32 bytes), a dispatch cycle took 1.01 µs
//! where it took 1.27 µs, at the price of expiry at scale and some memory
//! (`BENCHMARKS.md`, session 16).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Immutable text that is cheap to clone. Compares, orders, hashes, prints
/// and serialises as the `str` it holds.
#[derive(Clone)]
pub struct Text {
    /// Inline text: its length, its bytes, then zeros; all zeros for the
    /// other forms, so two inline texts are equal exactly when their
    /// arrays are.
    inline: [u8; INLINE + 1],
    /// Where the text is.
    form: Form,
}

/// Where a text's bytes are. 16 bytes: a tag and a pointer. (With the
/// inline length beside the tag, the 16 bytes copied in pieces again, and
/// the cycle ran 1.41 µs.)
#[derive(Clone)]
enum Form {
    /// In [`Text::inline`].
    Inline,
    /// A thin pointer to static text.
    Static(&'static &'static str),
    /// A thin pointer to shared text.
    Shared(Arc<Box<str>>),
}

/// The most bytes held inline.
const INLINE: usize = 15;

impl Text {
    /// Text that lives for the whole program: cloning it costs nothing.
    /// Pass a reference to a string literal or constant,
    /// `Text::from_static(&"Accept")`.
    #[must_use]
    pub const fn from_static(text: &'static &'static str) -> Self {
        Self {
            inline: [0; INLINE + 1],
            form: Form::Static(text),
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.form {
            Form::Static(text) => text,
            // The bytes were copied from a `str`; the check cannot fail,
            // but safe code must make it.
            Form::Inline => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            Form::Shared(text) => text,
        }
    }

    /// The text's bytes, without the UTF-8 check that inline text's
    /// [`as_str`](Self::as_str) makes: what hashing and comparing read.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match &self.form {
            Form::Static(text) => text.as_bytes(),
            Form::Inline => {
                let len = usize::from(self.inline[0]);
                self.inline.get(1..=len).unwrap_or_default()
            }
            Form::Shared(text) => text.as_bytes(),
        }
    }

    /// The length in bytes (without inline text's UTF-8 check).
    #[must_use]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the text is empty (without inline text's UTF-8 check).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }

    /// Whether this is the only copy of shared text: dropping it frees the
    /// text. Static and inline text own no shared memory, so are never the
    /// only copy.
    pub(crate) fn is_only_copy(&self) -> bool {
        matches!(&self.form, Form::Shared(text) if Arc::strong_count(text) == 1)
    }

    /// Inline text as one number: its length in the top byte, then its
    /// bytes. Two inline texts compare as these numbers compare when the
    /// longer counts as the greater and texts of one length compare byte by
    /// byte, without reading either as a slice. `None` for the other forms.
    pub(crate) fn length_then_bytes(&self) -> Option<u128> {
        matches!(self.form, Form::Inline).then(|| u128::from_be_bytes(self.inline))
    }

    /// A copy of part of this text, `range` in bytes on char boundaries.
    pub(crate) fn slice(&self, range: std::ops::Range<usize>) -> Self {
        Self::from(self.as_str().get(range).unwrap_or(""))
    }

    /// `text` held inline, if it fits.
    fn inline(text: &str) -> Option<Self> {
        let mut inline = [0; INLINE + 1];
        inline
            .get_mut(1..=text.len())?
            .copy_from_slice(text.as_bytes());
        inline[0] = u8::try_from(text.len()).ok()?;
        Some(Self {
            inline,
            form: Form::Inline,
        })
    }

    /// `text`, shared.
    fn shared(text: Box<str>) -> Self {
        Self {
            inline: [0; INLINE + 1],
            form: Form::Shared(Arc::new(text)),
        }
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
        Self::inline(text).unwrap_or_else(|| Self::shared(Box::from(text)))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::inline(&text).unwrap_or_else(|| Self::shared(text.into_boxed_str()))
    }
}

impl From<Arc<str>> for Text {
    /// Copies the text: shared text is held through a thin pointer, which an
    /// `Arc<str>` is not.
    fn from(text: Arc<str>) -> Self {
        Self::from(&*text)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        match (&self.form, &other.form) {
            (Form::Inline, Form::Inline) => self.inline == other.inline,
            _ => self.as_bytes() == other.as_bytes(),
        }
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        // `str` orders by its bytes.
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // What `str`'s `Hash` writes (so that maps keyed by `Text` can be
        // searched by `&str`), read without the UTF-8 check.
        state.write(self.as_bytes());
        state.write_u8(0xff);
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
        d.deserialize_str(TextVisitor)
    }
}

/// Deserialises text without a temporary `String` where the format lends
/// the text out.
struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Text, E> {
        Ok(Text::from(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Text, E> {
        Ok(Text::from(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::collections::HashSet;

    #[test]
    fn only_the_last_copy_of_shared_text_is_the_only_copy() {
        let text = Text::from("a chat about billing");
        assert!(text.is_only_copy());
        let copy = text.clone();
        assert!(!text.is_only_copy() && !copy.is_only_copy());
        drop(copy);
        assert!(text.is_only_copy());
        assert!(!Text::from_static(&"chat").is_only_copy());
        assert!(!Text::from("chat").is_only_copy());
    }

    #[test]
    fn d7_text_of_up_to_15_bytes_is_held_inline_and_longer_text_shared() {
        for (text, bytes) in [
            ("", 0),
            ("w1024", 5),
            ("visitorLanguage", 15),
            ("visitorLanguage!", 16),
            ("ünïcödé ña", 15),
            ("ünïcödé ñà", 16),
        ] {
            assert_eq!(text.len(), bytes);
            for made in [Text::from(text), Text::from(text.to_owned())] {
                assert_eq!(matches!(made.form, Form::Inline), bytes <= 15, "{text}");
                assert_eq!(matches!(made.form, Form::Shared(_)), bytes > 15, "{text}");
                assert_eq!(made.as_str(), text);
                assert_eq!((made.len(), made.is_empty()), (bytes, bytes == 0));
            }
        }
    }

    #[test]
    fn d7_every_form_compares_orders_and_hashes_as_its_str() {
        use std::hash::BuildHasher;
        let hasher = crate::hash::FastHash::default();
        let std_hasher = std::collections::hash_map::RandomState::new();
        let texts = [
            "",
            "a",
            "ab",
            "b",
            "Accept",
            "Accept!",
            "a much longer text than fits",
        ];
        let forms = |s: &'static str| {
            let leaked: &'static &'static str = Box::leak(Box::new(s));
            [
                Text::from_static(leaked),
                Text::from(s),
                Text::from(s.to_owned()),
            ]
        };
        for a in texts {
            for x in forms(a) {
                assert_eq!(hasher.hash_one(&x), hasher.hash_one(a), "{a}");
                assert_eq!(std_hasher.hash_one(&x), std_hasher.hash_one(a), "{a}");
                for b in texts {
                    for y in forms(b) {
                        assert_eq!(x == y, a == b, "{a} {b}");
                        assert_eq!(x.cmp(&y), a.cmp(b), "{a} {b}");
                    }
                }
            }
        }
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
        // Every form takes the same 32 bytes: 16 for inline text, and the
        // form with its pointer. `Option` costs nothing more.
        assert_eq!(std::mem::size_of::<Text>(), 32);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 32);
        let text = Text::from_static(&"{customerName}");
        assert!(matches!(text.clone().form, Form::Static(_)));
        assert_eq!(text.slice(1..13), "customerName");
    }
}
