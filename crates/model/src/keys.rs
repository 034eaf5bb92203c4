//! Interned, lower-cased identifiers.
//!
//! Azure compares ARM ids and GUIDs case-insensitively, and real exports disagree on case
//! (`/resourcegroups/` from the MSI provider, upper-cased ids from AzureHound v3). Every id
//! therefore enters the model once, lower-cased, and is referred to by a [`Key`]: a `u32`
//! that is cheap to copy, hash and compare, so equality of keys is case-insensitive equality
//! of ids.

use std::collections::HashMap;
use std::sync::Arc;

/// A lower-cased, interned identifier: an ARM id, a scope, or a GUID.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Ord, PartialOrd, Debug)]
pub struct Key(u32);

impl Key {
    /// The dense index of this key, usable to index side tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The interner behind [`Key`]s.
#[derive(Default, Debug, Clone)]
pub struct Keys {
    index: HashMap<Arc<str>, Key>,
    strings: Vec<Arc<str>>,
}

impl Keys {
    /// Interns `raw`, lower-cased, and returns its key.
    pub fn intern(&mut self, raw: &str) -> Key {
        let lowered = lower(raw);
        if let Some(&key) = self.index.get(lowered.as_ref()) {
            return key;
        }
        let key = Key(u32::try_from(self.strings.len()).unwrap_or(u32::MAX));
        let shared: Arc<str> = Arc::from(lowered.as_ref());
        self.strings.push(Arc::clone(&shared));
        self.index.insert(shared, key);
        key
    }

    /// The key of `raw` (any case) if it was interned.
    pub fn get(&self, raw: &str) -> Option<Key> {
        self.index.get(lower(raw).as_ref()).copied()
    }

    /// The lower-cased text of `key`.
    pub fn text(&self, key: Key) -> &str {
        self.strings.get(key.index()).map_or("", |s| s)
    }

    /// How many distinct ids are interned.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// True when nothing is interned.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }
}

/// Lower-cases an id without allocating when it already is lower-case.
pub fn lower(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.bytes().any(|b| b.is_ascii_uppercase()) || !raw.is_ascii() {
        std::borrow::Cow::Owned(raw.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(raw)
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
        assert_ne!(a, b);
        assert_eq!(keys.get("c"), None);
    }
}
