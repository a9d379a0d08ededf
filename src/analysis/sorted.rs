//! Rows put in order the first time they are read.
//!
//! The long lists of an overview (every failure detail, every sending IP)
//! take most of the time an overview takes to build at scale, and a page that
//! shows the totals first need not wait for them: [`Sorted`] holds the rows as
//! summed and sorts them on first use, once, wherever that happens (in the
//! page, in the task that shows the table that needs them).

use std::cmp::Ordering;
use std::fmt;
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

/// Rows and the order they are to be read in, sorted on first read.
pub struct Sorted<T> {
    /// The rows as summed, until the first read sorts them.
    unsorted: Mutex<Vec<T>>,
    /// The rows in order, once read.
    rows: OnceLock<Vec<T>>,
    /// The order: a total one (no two rows equal), so any sort, and the
    /// selection [`Sorted::first`] makes, gives the same rows in the same order.
    order: fn(&T, &T) -> Ordering,
}

impl<T> Sorted<T> {
    /// Rows to be put in `order` (a total order) when first read.
    pub fn new(rows: Vec<T>, order: fn(&T, &T) -> Ordering) -> Sorted<T> {
        Sorted { unsorted: Mutex::new(rows), rows: OnceLock::new(), order }
    }

    /// How many rows there are, without sorting them.
    pub fn count(&self) -> usize {
        match self.rows.get() {
            Some(rows) => rows.len(),
            None => self.unsorted.lock().map_or(0, |v| v.len()),
        }
    }

    /// The rows, in order.
    pub fn rows(&self) -> &[T] {
        self.rows.get_or_init(|| {
            // A poisoned lock (a panic while sorting) still holds the rows.
            let mut v = std::mem::take(&mut *self.unsorted.lock().unwrap_or_else(|e| e.into_inner()));
            crate::sort::sort_by(&mut v, self.order);
            v
        })
    }

    /// Reads the rows in whatever order they are in now, for what does not
    /// depend on it (a maximum, a sum), without sorting them.
    pub fn with_any_order<R>(&self, f: impl FnOnce(&[T]) -> R) -> R {
        match self.rows.get() {
            Some(rows) => f(rows),
            None => f(&self.unsorted.lock().unwrap_or_else(|e| e.into_inner())),
        }
    }

    /// The first `n` rows in order. Before the rows are sorted they are
    /// selected (linear in the rows, where sorting them all is not): a table
    /// showing the first 50 of 47,000 addresses need not sort them.
    pub fn first(&self, n: usize) -> Vec<T>
    where
        T: Clone,
    {
        if let Some(rows) = self.rows.get() {
            return rows[..n.min(rows.len())].to_vec();
        }
        self.with_any_order(|rows| {
            crate::sort::first(rows.len(), n, &|a, b| (self.order)(&rows[a], &rows[b]))
                .into_iter()
                .map(|i| rows[i].clone())
                .collect()
        })
    }
}

impl<T> Deref for Sorted<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.rows()
    }
}

impl<T> Default for Sorted<T> {
    fn default() -> Sorted<T> {
        Sorted::new(Vec::new(), |_, _| Ordering::Equal)
    }
}

impl<T: Clone> Clone for Sorted<T> {
    fn clone(&self) -> Sorted<T> {
        let sorted = OnceLock::new();
        let _ = sorted.set(self.rows().to_vec());
        Sorted { unsorted: Mutex::new(Vec::new()), rows: sorted, order: self.order }
    }
}

impl<T: PartialEq> PartialEq for Sorted<T> {
    fn eq(&self, other: &Sorted<T>) -> bool {
        self.rows() == other.rows()
    }
}

impl<T: fmt::Debug> fmt::Debug for Sorted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.rows()).finish()
    }
}

impl<'a, T> IntoIterator for &'a Sorted<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows().iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_once_on_first_read_and_counts_without_sorting() {
        let s = Sorted::new(vec![3, 1, 2], Ord::cmp);
        assert_eq!(s.count(), 3);
        assert!(s.rows.get().is_none(), "counting does not sort");
        assert_eq!(&*s, &[1, 2, 3]);
        assert_eq!(s.count(), 3);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), vec![1, 2, 3]);
        let c = s.clone();
        assert_eq!(c, s);
        assert_eq!(format!("{c:?}"), "[1, 2, 3]");
    }

    #[test]
    fn the_first_rows_are_selected_without_sorting_and_match_the_sort() {
        let rows: Vec<u32> = (0..1000).map(|i| (i * 7919) % 1009).collect();
        let mut want = rows.clone();
        want.sort_unstable();
        for n in [0, 1, 50, 999, 1000, 2000] {
            let s = Sorted::new(rows.clone(), Ord::cmp);
            assert_eq!(s.first(n), want[..n.min(want.len())], "first {n}");
            assert!(s.rows.get().is_none(), "selecting does not sort");
            assert_eq!(s.with_any_order(|r| r.iter().max().copied()), want.last().copied());
            // Once sorted, the same rows.
            assert_eq!(&s[..n.min(want.len())], s.first(n).as_slice());
        }
    }
}
