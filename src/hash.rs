//! A fast, deterministic hasher for id lookups.
//!
//! Every input names its agent or item by a short string, so hashing is on
//! the hot path; `SipHash`'s resistance to chosen keys costs more than the
//! lookup itself. Ids come from the host service, which already controls the
//! engine's every input, so (as `DESIGN.md` allows) a multiply-rotate hash in
//! the style of rustc's `FxHasher` is used. It has no random state, so maps
//! iterate the same way in every run.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`FastHasher`]s; the `S` of the engine's id maps.
pub(crate) type FastHash = BuildHasherDefault<FastHasher>;

/// A map from ids, hashed with [`FastHasher`], kept in insertion order.
pub(crate) type FastMap<K, V> = indexmap::IndexMap<K, V, FastHash>;

/// Multiply-rotate hashing over 8-byte words.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher {
    hash: u64,
}

/// An odd constant with well-mixed bits (from rustc's `FxHasher`).
const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(26) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        // The length first, so that zero padding cannot make two texts equal.
        self.add(bytes.len() as u64);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn finish(&self) -> u64 {
        // hashbrown takes its control byte from the top bits: fold the low
        // bits (which the last multiply mixed least) into them.
        self.hash.rotate_left(20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash(text: &str) -> u64 {
        FastHash::default().hash_one(text)
    }

    #[test]
    fn equal_keys_hash_equal_and_neighbours_differ() {
        assert_eq!(hash("agent-17"), hash("agent-17"));
        let mut seen: Vec<u64> = (0..1000).map(|i| hash(&format!("w{i}"))).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn a_key_and_its_extension_differ() {
        // str's Hash adds a 0xff terminator, so "ab" and "ab\0" differ.
        assert_ne!(hash("ab"), hash("ab\0"));
        let mut pair = FastHasher::default();
        (7_u64, 9_u64).hash(&mut pair);
        assert_ne!(pair.finish(), FastHasher::default().finish());
    }
}
