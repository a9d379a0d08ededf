//! Room in the merge's big tables, made ahead of a chunk of reports.
//!
//! A vector or hash map that is full doubles on its next insert: at tens of
//! thousands of rows that is a copy (and for a map, every key hashed again)
//! of tens of milliseconds in the page, and at 100,000 domains several
//! tables fill up together, inside one chunk's merge: tasks of 50-100 ms.
//! [`crate::analysis::Dataset::make_room`] instead grows the tables a chunk
//! would fill before it is merged, one table per call, so the page can give
//! each growth a task of its own.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

use super::Delivery;

/// Upper bounds of what a chunk of reports adds to the tables: a report, a
/// row per policy (domains, labels) and one per failure detail (result
/// types, MX hosts, addresses), if every one were new.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Growth {
    /// Reports.
    pub reports: usize,
    /// Policies, over all the reports.
    pub policies: usize,
    /// Failure details, over all the reports.
    pub details: usize,
}

impl Growth {
    /// What `deliveries` may add.
    pub fn of(deliveries: &[Delivery]) -> Growth {
        let mut g = Growth { reports: deliveries.len(), ..Growth::default() };
        for d in deliveries {
            g.policies += d.report.policies.len();
            g.details += d.report.policies.iter().map(|p| p.failure_details.len()).sum::<usize>();
        }
        g
    }
}

/// When `v` lacks room for `n` more, its length (with `grow`, the room is
/// made, doubling it as a push would have); `None` when it has room.
pub(crate) fn vec<T>(v: &mut Vec<T>, n: usize, grow: bool) -> Option<usize> {
    let short = v.capacity() - v.len() < n;
    if short && grow {
        v.reserve(n);
    }
    short.then_some(v.len())
}

/// When `m` lacks room for `n` more, its length (with `grow`, the room is
/// made, doubling it as an insert would have); `None` when it has room.
pub(crate) fn map<K: Eq + Hash, V, S: BuildHasher>(m: &mut HashMap<K, V, S>, n: usize, grow: bool) -> Option<usize> {
    let short = m.capacity() - m.len() < n;
    if short && grow {
        m.reserve(n);
    }
    short.then_some(m.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_is_short_only_without_room_and_grows_as_a_push_would() {
        let mut v: Vec<u32> = Vec::with_capacity(8);
        v.extend(0..6);
        assert_eq!(vec(&mut v, 2, false), None);
        assert_eq!(vec(&mut v, 3, false), Some(6));
        assert_eq!(v.capacity(), 8, "a check grows nothing");
        assert_eq!(vec(&mut v, 3, true), Some(6));
        assert!(v.capacity() >= 16, "doubled: {}", v.capacity());
        assert_eq!(vec(&mut v, 3, false), None);
        assert_eq!(v, (0..6).collect::<Vec<_>>());
    }

    #[test]
    fn a_map_is_short_only_without_room_and_grows_as_an_insert_would() {
        let mut m: HashMap<u32, u32> = HashMap::with_capacity(7);
        let cap = m.capacity();
        m.extend((0..cap as u32).map(|k| (k, k)));
        assert_eq!(map(&mut m, 0, false), None);
        assert_eq!(map(&mut m, 1, false), Some(cap));
        assert_eq!(m.capacity(), cap, "a check grows nothing");
        assert_eq!(map(&mut m, 1, true), Some(cap));
        assert!(m.capacity() >= 2 * cap - 1, "{} from {cap}", m.capacity());
        assert_eq!(map(&mut m, 1, false), None);
        assert_eq!(m.len(), cap);
    }
}
