//! Contacts and phone matching (K2).

use serde::{Deserialize, Serialize};

use indexmap::IndexMap;

use crate::config::Contact;
use crate::error::{IdKind, InputError};
use crate::ids::ContactId;

/// Normalises a phone number to `+` and digits: `"+1 (555) 010-0199"` → `"+15550100199"`.
/// A leading `00` counts as `+`.
pub fn normalize_phone(raw: &str) -> String {
    let trimmed = raw.trim_start();
    let plus = trimmed.starts_with('+');
    let mut digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if !plus && digits.starts_with("00") {
        digits.drain(..2);
        return format!("+{digits}");
    }
    if plus { format!("+{digits}") } else { digits }
}

/// Contacts by id, and by normalised mobile number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Contacts {
    by_id: IndexMap<ContactId, Contact>,
}

/// The outcome of matching a sender's number (K2).
#[derive(Debug, PartialEq)]
pub(crate) enum PhoneMatch<'a> {
    /// No contact has this number.
    None,
    /// Exactly one contact has it.
    One(&'a Contact),
    /// Several do.
    Several(Vec<ContactId>),
}

impl Contacts {
    /// Contacts from a validated configuration.
    pub(crate) fn new(contacts: Vec<Contact>) -> Self {
        Self {
            by_id: contacts.into_iter().map(|c| (c.id.clone(), c)).collect(),
        }
    }

    /// Adds or replaces a contact.
    ///
    /// # Errors
    /// `EmptyId` for a contact without an id.
    pub(crate) fn upsert(&mut self, contact: Contact) -> Result<(), InputError> {
        if contact.id.text().is_empty() {
            return Err(InputError::EmptyId(IdKind::Contact));
        }
        self.by_id.insert(contact.id.clone(), contact);
        Ok(())
    }

    /// How many contacts there are.
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// The contact with `id`.
    pub(crate) fn get(&self, index: usize) -> Option<&Contact> {
        self.by_id.get_index(index).map(|(_, c)| c)
    }

    /// Index of the contact with `id`.
    pub(crate) fn index_of(&self, id: &ContactId) -> Option<usize> {
        self.by_id.get_index_of(id)
    }

    /// Matches `number` against every contact's mobile phone (K2).
    pub(crate) fn match_mobile(&self, number: &str) -> PhoneMatch<'_> {
        let wanted = normalize_phone(number);
        if wanted.trim_start_matches('+').is_empty() {
            return PhoneMatch::None;
        }
        let mut found = self.by_id.values().filter(|c| {
            c.mobile_phone
                .as_deref()
                .is_some_and(|m| normalize_phone(m) == wanted)
        });
        match (found.next(), found.next()) {
            (None, _) => PhoneMatch::None,
            (Some(one), None) => PhoneMatch::One(one),
            (Some(a), Some(b)) => {
                let mut all = vec![a.id.clone(), b.id.clone()];
                all.extend(found.map(|c| c.id.clone()));
                PhoneMatch::Several(all)
            }
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
    }
}
