//! Small sorted vectors that mostly change at their ends.
//!
//! An agent's work (by arrival) and their pending offers (by id) are a
//! handful of entries each. New entries are mostly the newest, and the
//! entry that leaves is mostly the oldest or the newest (an offer expiring
//! in issue order, work closing): looking at the ends first spares a
//! binary search on most changes.

/// Inserts `value` in order; whether it was not there yet.
#[inline]
pub(crate) fn insert<T: Ord>(sorted: &mut Vec<T>, value: T) -> bool {
    match sorted.last() {
        Some(last) if *last >= value => match sorted.binary_search(&value) {
            Ok(_) => false,
            Err(at) => {
                sorted.insert(at, value);
                true
            }
        },
        _ => {
            sorted.push(value);
            true
        }
    }
}

/// Removes `value`; whether it was there.
#[inline]
pub(crate) fn remove<T: Ord>(sorted: &mut Vec<T>, value: &T) -> bool {
    if sorted.last() == Some(value) {
        sorted.pop();
    } else if sorted.first() == Some(value) {
        sorted.remove(0);
    } else if let Ok(at) = sorted.binary_search(value) {
        sorted.remove(at);
    } else {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t9_sorted_vectors_change_at_either_end_and_between() {
        let mut v = Vec::new();
        for x in [3, 5, 4, 1, 9, 5] {
            insert(&mut v, x);
        }
        assert_eq!(v, [1, 3, 4, 5, 9]);
        assert!(!insert(&mut v, 4));
        assert!(remove(&mut v, &9) && remove(&mut v, &1) && remove(&mut v, &4));
        assert!(!remove(&mut v, &4) && !remove(&mut v, &7));
        assert_eq!(v, [3, 5]);
    }
}
