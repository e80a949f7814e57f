//! Slug rendering (N3): `{customerName}` and friends replaced by the work
//! item's values.
//!
//! Template texts are parsed once, at configuration, into literal runs and
//! slugs whose keys are already classified ([`Text`]). Rendering then
//! neither scans for braces nor compares key names, and a text that needs
//! no copy is shared: a text without slugs is the template's own, a text
//! that is one slug is the value itself when that value is shared (the
//! queue id), and a text whose slugs all render empty is the empty text.

use std::sync::Arc;

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

impl SlugKey {
    fn of(key: &str) -> Self {
        match key {
            "customerName" => Self::CustomerName,
            "customerEntityName" => Self::CustomerEntityName,
            "customerRecordId" => Self::CustomerRecordId,
            "caseId" => Self::CaseId,
            "caseTitle" => Self::CaseTitle,
            "queueId" => Self::QueueId,
            _ => Self::Context,
        }
    }
}

/// A slug's value, borrowed from where it is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SlugValue<'a> {
    /// Text that is already shared: a rendering that is only this slug
    /// shares it too.
    Shared(&'a Arc<str>),
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
    /// The value of slug `key` (named `name`), or `None` when it does not
    /// resolve. An empty value does not resolve.
    fn slug(&self, key: SlugKey, name: &str) -> Option<SlugValue<'_>>;
}

/// One run of a parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Text shown as it is.
    Literal(Arc<str>),
    /// A slug: its classified key and its name as written.
    Slug(SlugKey, Arc<str>),
}

/// A template text parsed into literal runs and slugs (N3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text {
    pieces: Box<[Piece]>,
}

impl Text {
    /// Parses `text`, which has passed [`check_braces`].
    pub(crate) fn parse(text: &str) -> Self {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            if start > 0 {
                pieces.push(Piece::Literal(Arc::from(&rest[..start])));
            }
            let after = &rest[start + 1..];
            let Some(len) = after.find('}') else {
                // Unreachable for checked texts; keep the text as it is.
                break;
            };
            let name = &after[..len];
            pieces.push(Piece::Slug(SlugKey::of(name), Arc::from(name)));
            rest = &after[len + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Literal(Arc::from(rest)));
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
        unresolved: &mut Vec<Arc<str>>,
    ) -> Arc<str> {
        let mut note = |name: &Arc<str>| {
            if !unresolved.iter().any(|known| known == name) {
                unresolved.push(Arc::clone(name));
            }
        };
        match &*self.pieces {
            [] => Arc::default(),
            [Piece::Literal(text)] => Arc::clone(text),
            [Piece::Slug(key, name)] => match source.slug(*key, name) {
                Some(SlugValue::Shared(text)) => Arc::clone(text),
                Some(SlugValue::Text(text)) => Arc::from(text),
                None => {
                    note(name);
                    Arc::default()
                }
            },
            pieces => {
                let mut rendered = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Literal(text) => rendered.push_str(text),
                        Piece::Slug(key, name) => match source.slug(*key, name) {
                            Some(value) => rendered.push_str(value.as_str()),
                            None => note(name),
                        },
                    }
                }
                Arc::from(rendered)
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
        queue: Arc<str>,
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
            queue: Arc::from("billing"),
        }
    }

    #[test]
    fn n3_renders_known_and_blanks_unknown_slugs() {
        let mut unresolved = Vec::new();
        let text =
            Text::parse("{customerName} / {caseId} / {caseId}").render(&fixed(), &mut unresolved);
        assert_eq!(&*text, "Ada /  / ");
        assert_eq!(unresolved, vec![Arc::<str>::from("caseId")]);
    }

    #[test]
    fn n3_text_without_slugs_is_shared_not_copied() {
        let parsed = Text::parse("Incoming chat");
        let mut unresolved = Vec::new();
        let first = parsed.render(&fixed(), &mut unresolved);
        let second = parsed.render(&fixed(), &mut unresolved);
        assert_eq!(&*first, "Incoming chat");
        assert!(Arc::ptr_eq(&first, &second));
        assert!(unresolved.is_empty());
    }

    #[test]
    fn n3_single_slug_shares_a_shared_value_and_copies_others() {
        let source = fixed();
        let mut unresolved = Vec::new();
        let queue = Text::parse("{queueId}").render(&source, &mut unresolved);
        assert!(Arc::ptr_eq(&queue, &source.queue));
        let name = Text::parse("{customerName}").render(&source, &mut unresolved);
        assert_eq!(&*name, "Ada");
        let missing = Text::parse("{caseTitle}").render(&source, &mut unresolved);
        assert_eq!(&*missing, "");
        assert_eq!(&*Text::parse("").render(&source, &mut unresolved), "");
        assert_eq!(unresolved, vec![Arc::<str>::from("caseTitle")]);
    }

    #[test]
    fn n3_slug_keys_are_classified_once() {
        let parsed = Text::parse("a{queueId}b{botSentiment}");
        assert_eq!(
            &*parsed.pieces,
            &[
                Piece::Literal(Arc::from("a")),
                Piece::Slug(SlugKey::QueueId, Arc::from("queueId")),
                Piece::Literal(Arc::from("b")),
                Piece::Slug(SlugKey::Context, Arc::from("botSentiment")),
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
