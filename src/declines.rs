//! Who declined a work item, and how often (T6).
//!
//! Most items are never declined, and a declined one mostly by one agent:
//! the first decliner sits inline and only a second one takes an
//! allocation. An expiry is a decline, so a million expiring offers cost a
//! million fewer allocations. Same size as the `Vec` it replaces (the
//! vector's capacity leaves room for the tag), and saved as that list.

use serde::{Deserialize, Serialize};

/// Declines by agent, in the order agents first declined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<(usize, u8)>", into = "Vec<(usize, u8)>")]
pub(crate) enum Declines {
    /// Nobody declined.
    #[default]
    None,
    /// One agent declined, this often.
    One(usize, u8),
    /// Two agents or more.
    Many(Vec<(usize, u8)>),
}

impl Declines {
    /// Counts one more decline by agent `a`.
    pub(crate) fn add(&mut self, a: usize) {
        match self {
            Declines::None => *self = Declines::One(a, 1),
            Declines::One(agent, n) if *agent == a => *n = n.saturating_add(1),
            Declines::One(agent, n) => *self = Declines::Many(vec![(*agent, *n), (a, 1)]),
            Declines::Many(all) => match all.iter_mut().find(|(agent, _)| *agent == a) {
                Some((_, n)) => *n = n.saturating_add(1),
                None => all.push((a, 1)),
            },
        }
    }

    /// How often agent `a` declined.
    pub(crate) fn by(&self, a: usize) -> u8 {
        match self {
            Declines::None => 0,
            Declines::One(agent, n) => {
                if *agent == a {
                    *n
                } else {
                    0
                }
            }
            Declines::Many(all) => all
                .iter()
                .find(|(agent, _)| *agent == a)
                .map_or(0, |(_, n)| *n),
        }
    }

    /// How many distinct agents declined.
    pub(crate) fn agents(&self) -> usize {
        match self {
            Declines::None => 0,
            Declines::One(..) => 1,
            Declines::Many(all) => all.len(),
        }
    }

    /// Whether nobody declined.
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Declines::None)
    }

    /// Each decliner with their count, in the order they first declined.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, u8)> + '_ {
        let (one, many) = match self {
            Declines::None => (None, &[][..]),
            Declines::One(agent, n) => (Some((*agent, *n)), &[][..]),
            Declines::Many(all) => (None, all.as_slice()),
        };
        one.into_iter().chain(many.iter().copied())
    }
}

impl From<Vec<(usize, u8)>> for Declines {
    /// A saved list, as it was saved.
    fn from(saved: Vec<(usize, u8)>) -> Self {
        match saved.as_slice() {
            [] => Declines::None,
            &[(agent, n)] => Declines::One(agent, n),
            _ => Declines::Many(saved),
        }
    }
}

impl From<Declines> for Vec<(usize, u8)> {
    fn from(declines: Declines) -> Self {
        match declines {
            Declines::Many(all) => all,
            other => other.iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t6_declines_count_per_agent_in_first_decline_order() {
        let mut d = Declines::default();
        assert!(d.is_empty());
        d.add(7);
        assert_eq!(d, Declines::One(7, 1));
        d.add(7);
        d.add(3);
        d.add(7);
        assert_eq!(d.agents(), 2);
        assert_eq!((d.by(7), d.by(3), d.by(5)), (3, 1, 0));
        assert_eq!(d.iter().collect::<Vec<_>>(), [(7, 3), (3, 1)]);
    }

    #[test]
    fn t6_declines_save_as_the_list_they_restore_from() {
        let mut d = Declines::default();
        d.add(4);
        d.add(4);
        let saved: Vec<(usize, u8)> = d.clone().into();
        assert_eq!(saved, [(4, 2)]);
        assert_eq!(Declines::from(saved), d);
        let many = Declines::from(vec![(1, 1), (2, 3)]);
        assert_eq!(Vec::from(many.clone()), [(1, 1), (2, 3)]);
        assert_eq!(many.by(2), 3);
        assert_eq!(Declines::from(Vec::new()), Declines::None);
    }
}
