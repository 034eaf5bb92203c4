//! Interned, lower-cased identifiers.
//!
//! Azure compares ARM ids and GUIDs case-insensitively, and real exports disagree on case
//! (`/resourcegroups/` from the MSI provider, upper-cased ids from AzureHound v3). Every id
//! therefore enters the model once, lower-cased, and is referred to by a [`Key`]: a `u32`
//! that is cheap to copy, hash and compare, so equality of keys is case-insensitive equality
//! of ids.
//!
//! The interner is on the hot path of every importer (a tenant of 100,000 resources and
//! 200,000 role assignments interns about a million ids), so a lookup allocates nothing: the
//! id is hashed with its ASCII case folded on the fly and compared ignoring ASCII case. Texts live in one
//! arena string, one allocation for all of them. The table keeps 32 bits of each text's hash
//! next to its key, so that a probe of another key touches neither the arena nor a side table
//! (each a cache miss at this size).

use std::hash::Hasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rustc_hash::FxHasher;

/// A lower-cased, interned identifier: an ARM id, a scope, or a GUID.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Ord, PartialOrd, Debug)]
pub struct Key(u32);

impl Key {
    /// The dense index of this key, usable to index side tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A key in the table, with the hash of its text.
#[derive(Copy, Clone)]
struct Slot {
    key: Key,
    hash: u32,
}

/// The interner behind [`Key`]s.
#[derive(Default, Clone)]
pub struct Keys {
    /// Every text, lower-cased, back to back.
    arena: String,
    /// End of each key's text in `arena`.
    ends: Vec<u32>,
    table: HashTable<Slot>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("len", &self.ends.len()).finish()
    }
}

/// Hashes `text` so that texts equal but for ASCII case hash alike, to 32 bits: 8 bytes at a
/// time, each byte folded with `| 0x20`, which maps `A` to `a` (and merges a few punctuation
/// pairs such as `@` and `` ` ``, a harmless collision), without copying the text.
fn hash_folded(text: &str) -> u32 {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    let mut hasher = FxHasher::default();
    let (words, rest) = text.as_bytes().as_chunks::<8>();
    for word in words {
        hasher.write_u64(u64::from_le_bytes(*word) | FOLD);
    }
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    hasher.write_u64(u64::from_le_bytes(last) | FOLD);
    hasher.write_usize(text.len());
    let full = hasher.finish();
    (full ^ (full >> 32)) as u32
}

/// The table's hash of a slot: its 32 bits both low (which pick the bucket) and high (whose
/// top bits are the table's tag).
fn table_hash(hash: u32) -> u64 {
    u64::from(hash) << 32 | u64::from(hash)
}

/// Where the text of `key` lies in the arena.
fn bounds(ends: &[u32], key: Key) -> (usize, usize) {
    let end = ends[key.index()] as usize;
    let start = if key.0 == 0 { 0 } else { ends[key.index() - 1] as usize };
    (start, end)
}

/// True when the stored text of `key` is `text` (ignoring ASCII case when `ignore_ascii_case`).
fn stored_equals(arena: &str, ends: &[u32], key: Key, text: &str, ignore_ascii_case: bool) -> bool {
    // Bytes, not `str`: slicing a `str` checks both ends for char boundaries, which reads the
    // arena (a cache miss) even when the lengths already differ.
    let (start, end) = bounds(ends, key);
    if end - start != text.len() {
        return false;
    }
    let stored = &arena.as_bytes()[start..end];
    if ignore_ascii_case { stored.eq_ignore_ascii_case(text.as_bytes()) } else { stored == text.as_bytes() }
}

impl Keys {
    fn span(&self, key: Key) -> &str {
        let (start, end) = bounds(&self.ends, key);
        &self.arena[start..end]
    }

    fn find(&self, lower_ascii: bool, text: &str, hash: u32) -> Option<Key> {
        self.table
            .find(table_hash(hash), |slot| {
                slot.hash == hash && stored_equals(&self.arena, &self.ends, slot.key, text, lower_ascii)
            })
            .map(|slot| slot.key)
    }

    /// Interns `raw`, lower-cased, and returns its key.
    pub fn intern(&mut self, raw: &str) -> Key {
        if raw.is_ascii() {
            self.intern_folded(raw, true)
        } else {
            // Rare: full Unicode lower-casing needs an allocation.
            self.intern_folded(&raw.to_lowercase(), false)
        }
    }

    /// Interns `text`, lower-casing its ASCII when `lower_ascii` (else it is lower-cased
    /// already), in one probe of the table: the same probe that fails to find it finds where
    /// it goes.
    fn intern_folded(&mut self, text: &str, lower_ascii: bool) -> Key {
        let hash = hash_folded(text);
        let Keys { arena, ends, table } = self;
        let entry = table.entry(
            table_hash(hash),
            |slot| slot.hash == hash && stored_equals(arena, ends, slot.key, text, lower_ascii),
            |slot| table_hash(slot.hash),
        );
        match entry {
            Entry::Occupied(found) => found.get().key,
            Entry::Vacant(place) => {
                let start = arena.len();
                arena.push_str(text);
                if lower_ascii {
                    arena[start..].make_ascii_lowercase();
                }
                let key = Key(u32::try_from(ends.len()).unwrap_or(u32::MAX));
                ends.push(u32::try_from(arena.len()).unwrap_or(u32::MAX));
                place.insert(Slot { key, hash });
                key
            }
        }
    }

    /// The key of `raw` (any case) if it was interned.
    pub fn get(&self, raw: &str) -> Option<Key> {
        if raw.is_ascii() {
            self.find(true, raw, hash_folded(raw))
        } else {
            let lowered = raw.to_lowercase();
            self.find(false, &lowered, hash_folded(&lowered))
        }
    }

    /// The lower-cased text of `key`.
    pub fn text(&self, key: Key) -> &str {
        if key.index() < self.ends.len() { self.span(key) } else { "" }
    }

    /// How many distinct ids are interned.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_any_case_share_one_key() {
        let mut keys = Keys::default();
        let a = keys.intern("/subscriptions/ABC/resourceGroups/RG");
        let b = keys.intern("/subscriptions/abc/resourcegroups/rg");
        assert_eq!(a, b);
        assert_eq!(keys.text(a), "/subscriptions/abc/resourcegroups/rg");
        assert_eq!(keys.get("/SUBSCRIPTIONS/abc/RESOURCEGROUPS/rg"), Some(a));
        assert_eq!(keys.len(), 1);
    }

    #[test]
    fn distinct_ids_get_distinct_keys() {
        let mut keys = Keys::default();
        let a = keys.intern("a");
        let b = keys.intern("b");
        let long = "x".repeat(200);
        let c = keys.intern(&long.to_uppercase());
        assert_ne!(a, b);
        assert_ne!(keys.intern("x@y"), keys.intern("x`y"), "texts whose folded bytes collide");
        assert_eq!(keys.get("c"), None);
        assert_eq!(keys.get(&long), Some(c));
        assert_eq!(keys.text(b), "b");
        assert_eq!(keys.text(c), long);
    }

    #[test]
    fn unicode_ids_fold_fully() {
        let mut keys = Keys::default();
        let a = keys.intern("/subscriptions/s/resourceGroups/ÄPFEL");
        assert_eq!(keys.intern("/subscriptions/s/resourcegroups/äpfel"), a);
        assert_eq!(keys.text(a), "/subscriptions/s/resourcegroups/äpfel");
    }

    #[test]
    fn many_keys_survive_growth() {
        let mut keys = Keys::default();
        let all: Vec<Key> = (0..10_000).map(|i| keys.intern(&format!("/Id/{i}"))).collect();
        for (i, key) in all.iter().enumerate() {
            assert_eq!(keys.get(&format!("/id/{i}")), Some(*key));
        }
    }
}
