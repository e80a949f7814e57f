//! Presence classes (P7): base statuses that every workstream allows or
//! refuses alike form one class. A queue's index keeps its routable members
//! grouped by the class of their presence, so choosing an agent for an item
//! looks only at the classes the item's workstream allows, instead of
//! stepping over every member in a presence it does not (with 10,000 agents
//! Busy and an item only Available agents may take waiting, every arrival
//! stepped over all of them). Where every workstream allows the same
//! statuses (by default Available and Busy) there is one class, and a
//! member changing between those statuses stays where it is.

use crate::presence::BaseStatus;

/// Every base status, in the order [`PresenceClasses`] holds them.
const STATUSES: [BaseStatus; 5] = [
    BaseStatus::Available,
    BaseStatus::Busy,
    BaseStatus::BusyDnd,
    BaseStatus::Away,
    BaseStatus::Offline,
];

/// The class of each base status, in [`STATUSES`] order: `None` where no
/// workstream allows it (an agent in it can be offered nothing), else a
/// number from 0, in the order first met. At most five classes, so a set
/// of them fits a `u8` ([`PresenceClasses::mask`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PresenceClasses([Option<u8>; 5]);

impl PresenceClasses {
    /// The classes of the workstreams whose allowed statuses are `allowed`.
    pub(crate) fn new(allowed: &[&[BaseStatus]]) -> Self {
        let allowing = |status: BaseStatus| -> Vec<bool> {
            allowed.iter().map(|list| list.contains(&status)).collect()
        };
        let mut classes = [None; 5];
        let mut next = 0_u8;
        for (k, &status) in STATUSES.iter().enumerate() {
            let by = allowing(status);
            if !by.contains(&true) {
                continue;
            }
            let alike = STATUSES[..k]
                .iter()
                .position(|&earlier| allowing(earlier) == by);
            classes[k] = if let Some(earlier) = alike {
                classes[earlier]
            } else {
                next += 1;
                Some(next - 1)
            };
        }
        Self(classes)
    }

    /// The class of `status`; `None` when no workstream allows it.
    pub(crate) fn of(self, status: BaseStatus) -> Option<u8> {
        let k = STATUSES.iter().position(|&s| s == status)?;
        self.0[k]
    }

    /// The classes of `allowed`, one bit each.
    pub(crate) fn mask(self, allowed: &[BaseStatus]) -> u8 {
        allowed
            .iter()
            .filter_map(|&status| self.of(status))
            .fold(0, |mask, class| mask | 1 << class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BaseStatus::{Available, Away, Busy, BusyDnd, Offline};

    #[test]
    fn p7_statuses_every_workstream_treats_alike_share_a_class() {
        // The default: Available and Busy everywhere.
        let classes = PresenceClasses::new(&[&[Available, Busy], &[Busy, Available]]);
        assert_eq!(classes.0, [Some(0), Some(0), None, None, None]);
        assert_eq!(classes.mask(&[Available, Busy]), 0b1);
        assert_eq!(classes.mask(&[Away]), 0);

        // One workstream takes only Available agents, another also Busy
        // and Away ones: Available, then Busy and Away alike.
        let classes = PresenceClasses::new(&[&[Available], &[Available, Busy, Away]]);
        assert_eq!(classes.0, [Some(0), Some(1), None, Some(1), None]);
        assert_eq!(classes.of(Away), Some(1));
        assert_eq!(classes.of(Offline), None);
        assert_eq!(classes.mask(&[Available]), 0b01);
        assert_eq!(classes.mask(&[Available, Busy, Away]), 0b11);

        // Every status told apart.
        let classes = PresenceClasses::new(&[
            &[Available],
            &[Available, Busy],
            &[Available, Busy, BusyDnd],
            &[Available, Busy, BusyDnd, Away],
            &[Available, Busy, BusyDnd, Away, Offline],
        ]);
        assert_eq!(classes.0, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(classes.mask(&STATUSES), 0b1_1111);

        // No workstreams: nothing is routable.
        assert_eq!(PresenceClasses::new(&[]).0, [None; 5]);
    }
}
