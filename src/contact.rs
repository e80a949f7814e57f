//! Contacts and phone matching (K2).

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use indexmap::IndexMap;

use crate::config::Contact;
use crate::error::{IdKind, InputError};
use crate::hash::FastHash;
use crate::ids::ContactId;
use crate::short_list::ShortList;
use crate::text::Text;

/// Normalises a phone number to `+` and digits: `"+1 (555) 010-0199"` → `"+15550100199"`.
/// A leading `00` counts as `+`.
pub fn normalize_phone(raw: &str) -> String {
    let trimmed = raw.trim_start();
    // Built in one allocation: a `+`, then the digits.
    let mut number = String::with_capacity(trimmed.len() + 1);
    number.push('+');
    number.extend(trimmed.chars().filter(char::is_ascii_digit));
    if !trimmed.starts_with('+') {
        let drop = if number[1..].starts_with("00") {
            1..3
        } else {
            0..1
        };
        number.replace_range(drop, "");
    }
    number
}

/// Contacts by id, and by normalised mobile number.
#[derive(Debug, Clone, Default)]
pub(crate) struct Contacts {
    by_id: IndexMap<ContactId, Contact>,
    /// Every contact with a mobile number, by that number normalised, in
    /// `by_id` order: a sender is matched with one look-up, not by
    /// normalising every contact's number (7.1 ms an SMS at 100,000
    /// contacts). Built from `by_id`, never saved.
    by_mobile: HashMap<Text, ShortList<usize, 2>, FastHash>,
}

/// Equal when the same contacts are kept (the index follows from them).
impl PartialEq for Contacts {
    fn eq(&self, other: &Self) -> bool {
        self.by_id == other.by_id
    }
}

/// How contacts are saved: by id (the mobile index is rebuilt on restore).
#[derive(Serialize)]
struct Saved<'a> {
    by_id: &'a IndexMap<ContactId, Contact>,
}

/// How contacts are restored.
#[derive(Deserialize)]
struct Restored {
    by_id: IndexMap<ContactId, Contact>,
}

impl Serialize for Contacts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Saved { by_id: &self.by_id }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Contacts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::indexed(Restored::deserialize(d)?.by_id))
    }
}

/// The outcome of matching a sender's number (K2).
#[derive(Debug, PartialEq)]
pub(crate) enum PhoneMatch<'a> {
    /// No contact has this number.
    None,
    /// Exactly one contact has it: its index, and the contact.
    One(usize, &'a Contact),
    /// Several do.
    Several(Vec<ContactId>),
}

/// A contact's mobile number as it is matched, or `None` when it has no
/// digits (and so matches no sender).
fn mobile_key(contact: &Contact) -> Option<String> {
    let number = normalize_phone(contact.mobile_phone.as_deref()?);
    (!number.trim_start_matches('+').is_empty()).then_some(number)
}

impl Contacts {
    /// Contacts from a validated configuration.
    pub(crate) fn new(contacts: Vec<Contact>) -> Self {
        Self::indexed(contacts.into_iter().map(|c| (c.id.clone(), c)).collect())
    }

    /// `by_id` with its mobile index.
    fn indexed(by_id: IndexMap<ContactId, Contact>) -> Self {
        let mut by_mobile: HashMap<Text, ShortList<usize, 2>, FastHash> = HashMap::default();
        for (k, contact) in by_id.values().enumerate() {
            if let Some(number) = mobile_key(contact) {
                by_mobile.entry(Text::from(number)).or_default().push(k);
            }
        }
        Self { by_id, by_mobile }
    }

    /// Adds or replaces a contact.
    ///
    /// # Errors
    /// `EmptyId` for a contact without an id.
    pub(crate) fn upsert(&mut self, contact: Contact) -> Result<(), InputError> {
        if contact.id.text().is_empty() {
            return Err(InputError::EmptyId(IdKind::Contact));
        }
        let number = mobile_key(&contact);
        let (k, old) = self.by_id.insert_full(contact.id.clone(), contact);
        let old_number = old.as_ref().and_then(mobile_key);
        if old_number == number {
            return Ok(());
        }
        if let Some(old_number) = old_number {
            if let Some(list) = self.by_mobile.get_mut(old_number.as_str()) {
                *list = list.iter().copied().filter(|&other| other != k).collect();
                if list.is_empty() {
                    self.by_mobile.remove(old_number.as_str());
                }
            }
        }
        if let Some(number) = number {
            let list = self.by_mobile.entry(Text::from(number)).or_default();
            let mut all = Vec::from(std::mem::take(list));
            all.insert(all.partition_point(|&other| other < k), k);
            *list = ShortList::from(all);
        }
        Ok(())
    }

    /// How many contacts there are.
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// The contact at `index` (its place among the contacts).
    pub(crate) fn get(&self, index: usize) -> Option<&Contact> {
        self.by_id.get_index(index).map(|(_, c)| c)
    }

    /// Matches `number` against every contact's mobile phone (K2).
    pub(crate) fn match_mobile(&self, number: &str) -> PhoneMatch<'_> {
        let wanted = normalize_phone(number);
        let found = self
            .by_mobile
            .get(wanted.as_str())
            .map_or(&[][..], ShortList::as_slice);
        match found {
            [] => PhoneMatch::None,
            &[one] => self
                .get(one)
                .map_or(PhoneMatch::None, |c| PhoneMatch::One(one, c)),
            all => PhoneMatch::Several(
                all.iter()
                    .filter_map(|&k| self.get(k))
                    .map(|c| c.id.clone())
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k2_numbers_normalise_to_plus_and_digits() {
        assert_eq!(normalize_phone("+1 (555) 010-0199"), "+15550100199");
        assert_eq!(normalize_phone("0044 20 7946 0958"), "+442079460958");
        assert_eq!(normalize_phone("555.010.0199"), "5550100199");
        assert_eq!(normalize_phone("  +00 1"), "+001");
        assert_eq!(normalize_phone("0"), "0");
        assert_eq!(normalize_phone("00"), "+");
        assert_eq!(normalize_phone("+"), "+");
        assert_eq!(normalize_phone("call me"), "");
    }

    /// What matching a sender finds by normalising every contact's number,
    /// as the index saves doing.
    fn scan<'a>(contacts: &'a Contacts, number: &str) -> PhoneMatch<'a> {
        let wanted = normalize_phone(number);
        let found: Vec<(usize, &Contact)> = contacts
            .by_id
            .values()
            .enumerate()
            .filter(|(_, c)| mobile_key(c).is_some_and(|m| m == wanted))
            .collect();
        match found[..] {
            [] => PhoneMatch::None,
            [(k, one)] => PhoneMatch::One(k, one),
            _ => PhoneMatch::Several(found.iter().map(|(_, c)| c.id.clone()).collect()),
        }
    }

    /// Numbers in several notations, some the same number, one with no
    /// digits.
    const NUMBERS: [&str; 6] = [
        "+1 555 0100",
        "+15550100",
        "0015550100",
        "+44 20 7946",
        "ask for Ann",
        "5550100",
    ];

    proptest::proptest! {
        /// Any run of contacts added and changed (numbers moving between
        /// notations, to other numbers, or away) matches every sender as
        /// looking through every contact does, and keeps the index a
        /// restore would build.
        #[test]
        fn k2_the_mobile_index_finds_what_a_scan_finds(
            steps in proptest::collection::vec((0_usize..5, 0_usize..7), 1..60),
        ) {
            let mut contacts = Contacts::new(vec![Contact {
                id: ContactId::new("c0"),
                name: "Zoe".to_owned(),
                mobile_phone: Some(NUMBERS[0].to_owned()),
            }]);
            for (who, number) in steps {
                let contact = Contact {
                    id: ContactId::new(format!("c{who}")),
                    name: format!("Contact {who}"),
                    mobile_phone: NUMBERS.get(number).map(|n| (*n).to_owned()),
                };
                proptest::prop_assert!(contacts.upsert(contact).is_ok());
                for sender in NUMBERS {
                    proptest::prop_assert_eq!(contacts.match_mobile(sender), scan(&contacts, sender));
                }
                let rebuilt = Contacts::indexed(contacts.by_id.clone());
                proptest::prop_assert_eq!(&contacts.by_mobile, &rebuilt.by_mobile);
            }
        }
    }
}
