//! Slug rendering (N3): `{customerName}` and friends replaced by the work item's values.

/// Where slug values come from: the work item being offered.
pub(crate) trait SlugSource {
    /// The value of `key`, or `None` when it does not resolve.
    fn slug(&self, key: &str) -> Option<&str>;
}

/// A rendered text and the slugs that did not resolve.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    /// Slugs left unresolved, by key, in order of first appearance.
    pub(crate) unresolved: Vec<String>,
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

/// Renders `text`, replacing each slug by its value or by nothing; an
/// unresolved slug is added to `out.unresolved` once. `text` has passed
/// [`check_braces`] at configuration time.
pub(crate) fn render(text: &str, source: &dyn SlugSource, out: &mut Rendered) -> String {
    let mut rendered = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rendered.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(len) = after.find('}') else {
            // Unreachable for validated templates; keep the text as it is.
            rendered.push_str(&rest[start..]);
            return rendered;
        };
        let key = &after[..len];
        match source.slug(key) {
            Some(value) => rendered.push_str(value),
            None => {
                if !out.unresolved.iter().any(|k| k == key) {
                    out.unresolved.push(key.to_owned());
                }
            }
        }
        rest = &after[len + 1..];
    }
    rendered.push_str(rest);
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;
    impl SlugSource for Fixed {
        fn slug(&self, key: &str) -> Option<&str> {
            (key == "customerName").then_some("Ada")
        }
    }

    #[test]
    fn n3_renders_known_and_blanks_unknown_slugs() {
        let mut out = Rendered::default();
        let text = render("{customerName} / {caseId} / {caseId}", &Fixed, &mut out);
        assert_eq!(text, "Ada /  / ");
        assert_eq!(out.unresolved, vec!["caseId".to_owned()]);
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
