//! A map kept as a sorted vector: for per-domain maps (the policy history,
//! the findings' facts), which nearly always hold one or a few entries. A `BTreeMap`
//! allocates a node sized for eleven entries for its first one (for the
//! policy versions, ~2 KB natively), and a hosting provider's 100,000
//! domains each have several such maps. Lookups are binary searches;
//! inserting shifts the entries after it, fine for the tens a domain has.

use std::borrow::Borrow;

/// Entries sorted by key, each key once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`, made by `value` (with the key `owned` makes) when
    /// it is not there yet: the key is copied only when new.
    pub(crate) fn get_or_insert_with<Q: Ord + ?Sized>(
        &mut self,
        key: &Q,
        owned: impl FnOnce() -> K,
        value: impl FnOnce() -> V,
    ) -> &mut V
    where
        K: Borrow<Q>,
    {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (owned(), value()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Entries in key order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Values in key order.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    /// Entries.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it has none.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn behaves_like_a_btree_map() {
        let mut mine: VecMap<String, u32> = VecMap::default();
        let mut truth: BTreeMap<String, u32> = BTreeMap::new();
        // A sequence with repeats, in no order.
        for i in 0..500u32 {
            let k = format!("k{}", (i * 7919) % 97);
            *mine.get_or_insert_with(k.as_str(), || k.clone(), || 0) += i;
            *truth.entry(k).or_insert(0) += i;
            if i % 5 == 0 {
                let probe = format!("k{}", i % 101);
                assert_eq!(mine.iter().find(|(k, _)| **k == probe).map(|(_, v)| *v), truth.get(&probe).copied());
            }
        }
        assert_eq!(mine.len(), truth.len());
        assert!(mine.iter().map(|(k, v)| (k.clone(), *v)).eq(truth.clone()));
        assert!(mine.values().copied().eq(truth.values().copied()));
        assert!(VecMap::<String, u32>::default().is_empty());
    }
}
