//! Slug rendering (N3): `{customerName}` and friends replaced by the work
//! item's values.
//!
//! Template texts are parsed once, at configuration, into literal runs and
//! slugs whose keys are already classified ([`Parsed`]). Rendering then
//! neither scans for braces nor compares key names, and a text that needs
//! no copy is shared: a text without slugs is the template's own, a text
//! that is one slug is the value itself when that value is shared (the
//! queue id), and a text whose slugs all render empty is the empty text.

use crate::short_list::ShortList;
use crate::text::Text;

/// A slug key, classified at configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlugKey {
    /// `customerName`.
    CustomerName,
    /// `customerEntityName`.
    CustomerEntityName,
    /// `customerRecordId`.
    CustomerRecordId,
    /// `caseId`.
    CaseId,
    /// `caseTitle`.
    CaseTitle,
    /// `queueId`.
    QueueId,
    /// Any other key: looked up in the item's context.
    Context,
}

/// The keys with a meaning of their own, by their names in templates.
static NAMED_KEYS: [(SlugKey, &str); 6] = [
    (SlugKey::CustomerName, "customerName"),
    (SlugKey::CustomerEntityName, "customerEntityName"),
    (SlugKey::CustomerRecordId, "customerRecordId"),
    (SlugKey::CaseId, "caseId"),
    (SlugKey::CaseTitle, "caseTitle"),
    (SlugKey::QueueId, "queueId"),
];

impl SlugKey {
    /// The key's name as static text, for every key but context ones.
    fn name(self) -> Option<Text> {
        NAMED_KEYS
            .iter()
            .find(|(key, _)| *key == self)
            .map(|(_, name)| Text::from_static(name))
    }

    fn of(name: &str) -> Self {
        NAMED_KEYS
            .iter()
            .find(|(_, named)| *named == name)
            .map_or(Self::Context, |&(key, _)| key)
    }
}

/// A slug's value, borrowed from where it is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SlugValue<'a> {
    /// Text that is already shared: a rendering that is only this slug
    /// shares it too.
    Shared(&'a Text),
    /// Text to copy.
    Text(&'a str),
}

impl SlugValue<'_> {
    fn as_str(&self) -> &str {
        match self {
            SlugValue::Shared(text) => text,
            SlugValue::Text(text) => text,
        }
    }
}

/// Where slug values come from: the work item being offered.
pub(crate) trait SlugSource {
    /// The value of slug `key`, or `None` when it does not resolve. An
    /// empty value does not resolve. `name` is a context key's name, empty
    /// for the other keys.
    fn slug(&self, key: SlugKey, name: &str) -> Option<SlugValue<'_>>;
}

/// One run of a parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Text shown as it is.
    Literal(Text),
    /// A slug: its classified key, its name as written (for the
    /// unresolved list) and, for a context key, the name to look up: as a
    /// `str`, because short text held inline is checked for UTF-8 each time
    /// it is read as one.
    Slug {
        key: SlugKey,
        name: Text,
        lookup: Box<str>,
    },
}

/// A template text parsed into literal runs and slugs (N3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pieces: Box<[Piece]>,
}

impl Parsed {
    /// Parses `text`, which has passed [`check_braces`]. Pieces of static
    /// text (the built-in templates) stay static.
    pub(crate) fn parse(text: &Text) -> Self {
        let mut pieces = Vec::new();
        let mut at = 0;
        while let Some(open) = text[at..].find('{').map(|k| at + k) {
            let Some(close) = text[open..].find('}').map(|k| open + k) else {
                break; // unreachable for checked texts
            };
            if open > at {
                pieces.push(Piece::Literal(text.slice(at..open)));
            }
            let name = text.slice(open + 1..close);
            let key = SlugKey::of(&name);
            let lookup = match key {
                SlugKey::Context => Box::from(name.as_str()),
                _ => Box::default(),
            };
            pieces.push(Piece::Slug {
                key,
                name: key.name().unwrap_or(name),
                lookup,
            });
            at = close + 1;
        }
        match at {
            0 if text.is_empty() => {}
            // No slug: the text itself, shared.
            0 => pieces.push(Piece::Literal(text.clone())),
            _ if at < text.len() => pieces.push(Piece::Literal(text.slice(at..text.len()))),
            _ => {}
        }
        Self {
            pieces: pieces.into_boxed_slice(),
        }
    }

    /// Renders the text, replacing each slug by its value or by nothing; an
    /// unresolved slug's name is added to `unresolved` once.
    pub(crate) fn render(
        &self,
        source: &dyn SlugSource,
        unresolved: &mut ShortList<Text, 2>,
    ) -> Text {
        let mut note = |name: &Text| {
            if !unresolved.iter().any(|known| known == name) {
                unresolved.push(name.clone());
            }
        };
        match &*self.pieces {
            [] => Text::default(),
            [Piece::Literal(text)] => text.clone(),
            [Piece::Slug { key, name, lookup }] => match source.slug(*key, lookup) {
                Some(SlugValue::Shared(text)) => text.clone(),
                Some(SlugValue::Text(text)) => Text::from(text),
                None => {
                    note(name);
                    Text::default()
                }
            },
            pieces => {
                let mut rendered = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Literal(text) => rendered.push_str(text),
                        Piece::Slug { key, name, lookup } => match source.slug(*key, lookup) {
                            Some(value) => rendered.push_str(value.as_str()),
                            None => note(name),
                        },
                    }
                }
                Text::from(rendered)
            }
        }
    }
}

/// Checks that every `{` is closed by a `}` before the next `{`, that no `}`
/// stands alone, and that no slug is empty. Returns the byte offset of the
/// first offending brace.
pub(crate) fn check_braces(text: &str) -> Result<(), usize> {
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match (c, open) {
            ('{', None) => open = Some(at),
            ('}', Some(start)) if at == start + 1 => return Err(start),
            ('}', Some(_)) => open = None,
            ('{', Some(start)) => return Err(start),
            ('}', None) => return Err(at),
            _ => {}
        }
    }
    open.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Knows the customer's name and the queue id, nothing else.
    struct Fixed {
        queue: Text,
    }

    impl SlugSource for Fixed {
        fn slug(&self, key: SlugKey, _name: &str) -> Option<SlugValue<'_>> {
            match key {
                SlugKey::CustomerName => Some(SlugValue::Text("Ada")),
                SlugKey::QueueId => Some(SlugValue::Shared(&self.queue)),
                _ => None,
            }
        }
    }

    fn fixed() -> Fixed {
        Fixed {
            // Longer than inline text, so shared: a copy shows as the
            // same pointer.
            queue: Text::from("billing-and-payments"),
        }
    }

    #[test]
    fn n3_renders_known_and_blanks_unknown_slugs() {
        let mut unresolved = ShortList::new();
        let text = Parsed::parse(&Text::from_static(&"{customerName} / {caseId} / {caseId}"))
            .render(&fixed(), &mut unresolved);
        assert_eq!(&*text, "Ada /  / ");
        assert_eq!(*unresolved, [Text::from("caseId")]);
    }

    #[test]
    fn n3_text_without_slugs_is_shared_not_copied() {
        let parsed = Parsed::parse(&Text::from_static(&"Incoming chat"));
        let mut unresolved = ShortList::new();
        let first = parsed.render(&fixed(), &mut unresolved);
        let second = parsed.render(&fixed(), &mut unresolved);
        assert_eq!(&*first, "Incoming chat");
        assert!(first.as_ptr() == second.as_ptr());
        assert!(unresolved.is_empty());
    }

    #[test]
    fn n3_single_slug_shares_a_shared_value_and_copies_others() {
        let source = fixed();
        let mut unresolved = ShortList::new();
        let queue =
            Parsed::parse(&Text::from_static(&"{queueId}")).render(&source, &mut unresolved);
        assert!(queue.as_ptr() == source.queue.as_ptr());
        let name =
            Parsed::parse(&Text::from_static(&"{customerName}")).render(&source, &mut unresolved);
        assert_eq!(&*name, "Ada");
        let missing =
            Parsed::parse(&Text::from_static(&"{caseTitle}")).render(&source, &mut unresolved);
        assert_eq!(&*missing, "");
        assert_eq!(
            &*Parsed::parse(&Text::from_static(&"")).render(&source, &mut unresolved),
            ""
        );
        assert_eq!(*unresolved, [Text::from("caseTitle")]);
    }

    #[test]
    fn n3_slug_keys_are_classified_once() {
        let parsed = Parsed::parse(&Text::from_static(&"a{queueId}b{botSentiment}"));
        assert_eq!(
            &*parsed.pieces,
            &[
                Piece::Literal(Text::from("a")),
                Piece::Slug {
                    key: SlugKey::QueueId,
                    name: Text::from("queueId"),
                    lookup: Box::default(),
                },
                Piece::Literal(Text::from("b")),
                Piece::Slug {
                    key: SlugKey::Context,
                    name: Text::from("botSentiment"),
                    lookup: Box::from("botSentiment"),
                },
            ]
        );
    }

    #[test]
    fn n3_unbalanced_braces_are_found() {
        assert_eq!(check_braces("plain"), Ok(()));
        assert_eq!(check_braces("{a} and {b}"), Ok(()));
        assert_eq!(check_braces("{a"), Err(0));
        assert_eq!(check_braces("a}"), Err(1));
        assert_eq!(check_braces("{a{b}}"), Err(0));
        assert_eq!(check_braces("x{}"), Err(1));
    }
}
