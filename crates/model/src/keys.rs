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
//! id is hashed with its ASCII case folded on the fly and compared ignoring ASCII case. Texts live
//! back to back in an arena of chunks of up to a megabyte, which are filled and never moved (one
//! growing string was copied at every doubling and kept up to half its capacity unused: tens of
//! megabytes at that size). The table keeps 32 bits of each text's hash,
//! and where the text lies, next to its key, so that a probe of another key touches neither the
//! arena nor a side table, and a probe of the key sought reads its text directly (each a cache
//! miss at this size; measured at 100,000 resources: interning 250–300 ms before the text's place
//! was kept, 215–255 ms after, for 6 MB more).

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

/// Where a text lies in the arena: its chunk, where in it the text starts, and its length.
#[derive(Copy, Clone, Default)]
struct Place {
    chunk: u32,
    start: u32,
    len: u32,
}

/// A key in the table, with the hash of its text and where that text lies: a probe that finds
/// the hash compares the text without reading `Keys::places` (another cache miss at this size).
#[derive(Copy, Clone)]
struct Slot {
    key: Key,
    hash: u32,
    place: Place,
}

/// The interner behind [`Key`]s.
#[derive(Default, Clone)]
pub struct Keys {
    /// Every text, lower-cased, back to back.
    arena: Arena,
    /// Where each key's text lies, by key, so that reading a text searches nothing (when only
    /// where each text ended was kept, every read searched the chunks, and `text` took
    /// 0.09–0.14 s of a profiled load of 100,000 resources), for 8 bytes more a key.
    places: Vec<Place>,
    table: HashTable<Slot>,
}

/// Texts back to back in chunks; a text never straddles two chunks, so each is one slice.
#[derive(Default, Clone)]
struct Arena {
    chunks: Vec<String>,
    /// Bytes in all chunks.
    filled: usize,
}

impl Arena {
    /// The largest chunk, unless one text is longer.
    const CHUNK: usize = 1 << 20;

    /// Appends `text`, lower-casing its ASCII when `lower_ascii`; returns where it lies.
    fn push(&mut self, text: &str, lower_ascii: bool) -> Place {
        let room = self.chunks.last().map_or(0, |chunk| chunk.capacity() - chunk.len());
        if room < text.len() || self.chunks.is_empty() {
            // Small inventories (a test, the sample) get small chunks.
            let capacity = self.filled.clamp(4096, Self::CHUNK).max(text.len());
            self.chunks.push(String::with_capacity(capacity));
        }
        let chunk_index = u32::try_from(self.chunks.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let Some(chunk) = self.chunks.last_mut() else { return Place::default() };
        let at = chunk.len();
        chunk.push_str(text);
        if lower_ascii {
            chunk[at..].make_ascii_lowercase();
        }
        self.filled += text.len();
        Place { chunk: chunk_index, start: u32::try_from(at).unwrap_or(u32::MAX), len }
    }

    /// The bytes at `place`.
    fn bytes(&self, place: Place) -> Option<&[u8]> {
        let start = place.start as usize;
        // Bytes, not `str`: slicing a `str` checks both ends for char boundaries.
        self.chunks.get(place.chunk as usize)?.as_bytes().get(start..start + place.len as usize)
    }

    /// The text at `place`.
    fn text(&self, place: Place) -> &str {
        let start = place.start as usize;
        self.chunks
            .get(place.chunk as usize)
            .and_then(|chunk| chunk.get(start..start + place.len as usize))
            .unwrap_or("")
    }
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").field("len", &self.places.len()).finish()
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

/// True when the text `slot` points at is `text`, or (when `lower_ascii`) `text` lower-cased.
fn stored_equals(arena: &Arena, slot: &Slot, text: &str, lower_ascii: bool) -> bool {
    if slot.place.len as usize != text.len() {
        return false;
    }
    let Some(stored) = arena.bytes(slot.place) else { return false };
    if lower_ascii { equals_lowered(stored, text.as_bytes()) } else { stored == text.as_bytes() }
}

/// True when `lowered` is `text` with its ASCII lower-cased, compared eight bytes at a time (a
/// found id is compared whole, and `eq_ignore_ascii_case` folds both sides byte by byte in
/// WebAssembly). Only `text` is folded: `lowered` is in lower case already (an interned text, or
/// a keyword written so).
pub(crate) fn equals_lowered(lowered: &[u8], text: &[u8]) -> bool {
    let (lowered_words, lowered_rest) = lowered.as_chunks::<8>();
    let (text_words, text_rest) = text.as_chunks::<8>();
    lowered.len() == text.len()
        && lowered_words
            .iter()
            .zip(text_words)
            .all(|(l, t)| u64::from_le_bytes(*l) == lower_ascii_word(u64::from_le_bytes(*t)))
        && lowered_rest.iter().zip(text_rest).all(|(l, t)| *l == t.to_ascii_lowercase())
}

/// The eight bytes of `word` with `A`–`Z` lower-cased and every other byte as it was.
fn lower_ascii_word(word: u64) -> u64 {
    const EACH: u64 = 0x0101_0101_0101_0101;
    // Each byte's low seven bits: adding to them never carries into the next byte.
    let low = word & (0x7f * EACH);
    // The top bit of each byte: set where those bits are at least `A`, and where past `Z`.
    let from_a = low + (0x80 - u64::from(b'A')) * EACH;
    let past_z = low + (0x80 - u64::from(b'Z') - 1) * EACH;
    // Capitals: in that range, and not a byte of a multi-byte character (top bit clear).
    let upper = from_a & !past_z & !word & (0x80 * EACH);
    // 0x80 >> 2 is 0x20, the bit that makes a capital small.
    word | (upper >> 2)
}

/// Orders two texts as `str::cmp` does (by their bytes), eight bytes at a time. Sorting ids by
/// text is common (resources are numbered in id order), ids share long prefixes
/// (`/subscriptions/{guid}/resourcegroups/...`), and in WebAssembly `str::cmp` calls a `memcmp`
/// that compares one byte at a time.
pub fn compare_texts(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (a_words, _) = a.as_chunks::<8>();
    let (b_words, _) = b.as_chunks::<8>();
    for (x, y) in a_words.iter().zip(b_words) {
        if x != y {
            // Big-endian, an integer compares as its bytes do.
            return u64::from_be_bytes(*x).cmp(&u64::from_be_bytes(*y));
        }
    }
    let same = 8 * a_words.len().min(b_words.len());
    a.iter().skip(same).cmp(b.iter().skip(same))
}

impl Keys {
    fn find(&self, lower_ascii: bool, text: &str, hash: u32) -> Option<Key> {
        self.table
            .find(table_hash(hash), |slot| slot.hash == hash && stored_equals(&self.arena, slot, text, lower_ascii))
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
        let Keys { arena, places, table } = self;
        let entry = table.entry(
            table_hash(hash),
            |slot| slot.hash == hash && stored_equals(arena, slot, text, lower_ascii),
            |slot| table_hash(slot.hash),
        );
        match entry {
            Entry::Occupied(found) => found.get().key,
            Entry::Vacant(place) => {
                let key = Key(u32::try_from(places.len()).unwrap_or(u32::MAX));
                let stored = arena.push(text, lower_ascii);
                places.push(stored);
                place.insert(Slot { key, hash, place: stored });
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
        self.places.get(key.index()).map_or("", |&place| self.arena.text(place))
    }

    /// How many distinct ids are interned.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
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
    fn texts_longer_than_a_chunk_and_across_chunks_read_back() {
        let mut keys = Keys::default();
        let long = "L".repeat(Arena::CHUNK + 7);
        let all: Vec<(Key, String)> = (0..20_000)
            .map(|i| if i == 9_000 { long.clone() } else { format!("/Chunked/{i}/{}", "x".repeat(i % 300)) })
            .map(|text| (keys.intern(&text), text.to_lowercase()))
            .collect();
        assert!(keys.arena.chunks.len() > 2, "the texts fill several chunks");
        for (key, text) in &all {
            assert_eq!(keys.text(*key), text);
            assert_eq!(keys.get(&text.to_uppercase()), Some(*key));
        }
        assert_eq!(keys.intern(""), keys.intern(""), "the empty text is a key too");
    }

    #[test]
    fn texts_compare_as_str_does() {
        let texts = [
            "",
            "a",
            "b",
            "ab",
            "abcdefgh",
            "abcdefgi",
            "abcdefgh/",
            "abcdefgh-",
            "abcdefghabcdefgh",
            "abcdefghabcdefg",
            "/subscriptions/s/resourcegroups/rg-a/providers/x",
            "/subscriptions/s/resourcegroups/rg-a-1/providers/x",
            "/subscriptions/s/resourcegroups/rg-ä",
            "/subscriptions/s/resourcegroups/rg-z",
            "\u{ff}\u{0}",
            "\u{0}\u{ff}",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(compare_texts(a, b), a.cmp(b), "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn words_lower_case_as_bytes_do() {
        let bytes: Vec<u8> = (0..=0xff).collect();
        for window in bytes.windows(8).chain([b"/SubsCR/".as_slice(), b"@[`{AZaz".as_slice()]) {
            let word = u64::from_le_bytes(window.try_into().expect("eight bytes"));
            let expected = u64::from_le_bytes(window.to_ascii_lowercase().try_into().expect("eight bytes"));
            assert_eq!(lower_ascii_word(word), expected, "{window:?}");
        }
        let id = "/subscriptions/ABC/resourceGroups/RG-Ä1/providers/Microsoft.Web/sites/App".as_bytes();
        let lowered = id.to_ascii_lowercase();
        for len in 0..id.len() {
            assert!(equals_lowered(&lowered[..len], &id[..len]));
            assert!(!equals_lowered(&lowered[..len], &id[..len + 1]));
            let mut other = id[..len + 1].to_vec();
            other[len] ^= 0x01;
            assert!(!equals_lowered(&lowered[..len + 1], &other), "differs at {len}");
        }
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
