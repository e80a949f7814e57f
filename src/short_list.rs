//! [`ShortList`]: a list that holds its first few items in place.
//!
//! A notification's fields (at most four, N2) and its unresolved slugs (at
//! most two for every built-in template) were each a `Vec`: two
//! allocations a notification, which at a million expiring offers cost
//! over a quarter of each expiry's time (cold allocator free lists). Held
//! in place they cost none.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A list of `T` that holds up to `N` items in place, without an
/// allocation, and moves to the heap beyond that. It reads and changes in
/// place as a slice (`len`, `iter`, indexing, `is_empty`), compares, hashes
/// and prints as one, serialises as a sequence, and converts to and from a
/// `Vec`.
///
/// ```
/// use switchboard::ShortList;
///
/// let mut names: ShortList<&str, 2> = ShortList::new();
/// names.push("caseTitle");
/// names.push("caseId");
/// names.push("customerName"); // the third moves the list to the heap
/// assert_eq!(names.len(), 3);
/// assert_eq!(names[0], "caseTitle");
/// assert_eq!(names, ShortList::from(vec!["caseTitle", "caseId", "customerName"]));
/// ```
#[derive(Clone)]
pub struct ShortList<T, const N: usize>(Repr<T, N>);

#[derive(Clone)]
enum Repr<T, const N: usize> {
    /// The first `len` of `items`; the rest hold `T::default()`.
    Inline {
        len: u8,
        items: [T; N],
    },
    Heap(Vec<T>),
}

impl<T: Default, const N: usize> ShortList<T, N> {
    /// An empty list.
    pub fn new() -> Self {
        Self(Repr::Inline {
            len: 0,
            items: std::array::from_fn(|_| T::default()),
        })
    }

    /// Adds `item` at the end.
    #[inline]
    pub fn push(&mut self, item: T) {
        match &mut self.0 {
            Repr::Inline { len, items } if usize::from(*len) < N.min(usize::from(u8::MAX)) => {
                items[usize::from(*len)] = item;
                *len += 1;
            }
            Repr::Inline { len, items } => {
                let mut all = Vec::with_capacity(2 * N + 1);
                all.extend(items.iter_mut().take(usize::from(*len)).map(std::mem::take));
                all.push(item);
                self.0 = Repr::Heap(all);
            }
            Repr::Heap(all) => all.push(item),
        }
    }
}

impl<T, const N: usize> ShortList<T, N> {
    /// The items, in order.
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Repr::Inline { len, items } => &items[..usize::from(*len)],
            Repr::Heap(all) => all,
        }
    }

    /// The items, in order, to change in place.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        match &mut self.0 {
            Repr::Inline { len, items } => &mut items[..usize::from(*len)],
            Repr::Heap(all) => all,
        }
    }
}

impl<T: Default, const N: usize> Default for ShortList<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> Deref for ShortList<T, N> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T, const N: usize> DerefMut for ShortList<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T, const N: usize> From<ShortList<T, N>> for Vec<T> {
    fn from(list: ShortList<T, N>) -> Self {
        match list.0 {
            Repr::Inline { len, items } => items.into_iter().take(usize::from(len)).collect(),
            Repr::Heap(all) => all,
        }
    }
}

impl<T, const N: usize> IntoIterator for ShortList<T, N> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    /// The items by value, through a `Vec` (an allocation when inline).
    fn into_iter(self) -> Self::IntoIter {
        Vec::from(self).into_iter()
    }
}

impl<T: Default, const N: usize> From<Vec<T>> for ShortList<T, N> {
    /// Held in place when it fits, else the vector is kept as it is.
    fn from(all: Vec<T>) -> Self {
        if all.len() > N {
            return Self(Repr::Heap(all));
        }
        all.into_iter().collect()
    }
}

impl<T: Default, const N: usize> FromIterator<T> for ShortList<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut list = Self::new();
        for item in iter {
            list.push(item);
        }
        list
    }
}

impl<'a, T, const N: usize> IntoIterator for &'a ShortList<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<T: PartialEq, const N: usize> PartialEq for ShortList<T, N> {
    /// Equal when the items are, wherever they are held.
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<T: Eq, const N: usize> Eq for ShortList<T, N> {}

impl<T: Hash, const N: usize> Hash for ShortList<T, N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<T: fmt::Debug, const N: usize> fmt::Debug for ShortList<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<T: Serialize, const N: usize> Serialize for ShortList<T, N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

impl<'de, T: Deserialize<'de> + Default, const N: usize> Deserialize<'de> for ShortList<T, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::deserialize(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n3_a_short_list_keeps_order_in_place_and_past_it() {
        let mut list: ShortList<u32, 2> = ShortList::new();
        assert!(list.is_empty());
        list.push(7);
        list.push(8);
        assert!(matches!(list.0, Repr::Inline { len: 2, .. }));
        list.push(9);
        assert!(matches!(list.0, Repr::Heap(_)));
        assert_eq!(list.as_slice(), [7, 8, 9]);
        assert_eq!(format!("{list:?}"), "[7, 8, 9]");
        list[0] = 6;
        assert_eq!(Vec::from(list), [6, 8, 9]);
        let mut inline: ShortList<u32, 4> = [1, 2].into_iter().collect();
        inline[1] = 3;
        assert_eq!(inline.into_iter().collect::<Vec<_>>(), [1, 3]);
    }

    #[test]
    fn n3_a_short_list_compares_and_saves_as_its_items() {
        let inline: ShortList<u32, 4> = vec![1, 2].into();
        let mut heap: ShortList<u32, 4> = ShortList(Repr::Heap(vec![1]));
        heap.push(2);
        assert_eq!(inline, heap);
        assert!(matches!(inline.0, Repr::Inline { len: 2, .. }));
        let json = serde_json::to_string(&inline).unwrap_or_default();
        assert_eq!(json, "[1,2]");
        let back: Result<ShortList<u32, 4>, _> = serde_json::from_str("[1,2,3,4,5]");
        assert_eq!(back.ok().as_deref(), Some(&[1, 2, 3, 4, 5][..]));
    }
}
