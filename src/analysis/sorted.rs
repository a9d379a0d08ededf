//! Rows put in order the first time they are read.
//!
//! The long lists of an overview (every failure detail, every sending IP)
//! take most of the time an overview takes to build at scale, and a page that
//! shows the totals first need not wait for them: [`Sorted`] holds the rows as
//! summed and sorts them on first use, once, wherever that happens (in the
//! page, in the task that shows the table that needs them).

use std::fmt;
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

/// Rows and the order they are to be read in, sorted on first read.
pub struct Sorted<T> {
    /// The rows as summed, until the first read sorts them.
    unsorted: Mutex<Vec<T>>,
    /// The rows in order, once read.
    rows: OnceLock<Vec<T>>,
    /// Puts rows in order.
    order: fn(&mut [T]),
}

impl<T> Sorted<T> {
    /// Rows to be put in order by `order` when first read.
    pub fn new(rows: Vec<T>, order: fn(&mut [T])) -> Sorted<T> {
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
            (self.order)(&mut v);
            v
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
        Sorted::new(Vec::new(), |_| {})
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
        let s = Sorted::new(vec![3, 1, 2], |v| v.sort_unstable());
        assert_eq!(s.count(), 3);
        assert!(s.rows.get().is_none(), "counting does not sort");
        assert_eq!(&*s, &[1, 2, 3]);
        assert_eq!(s.count(), 3);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), vec![1, 2, 3]);
        let c = s.clone();
        assert_eq!(c, s);
        assert_eq!(format!("{c:?}"), "[1, 2, 3]");
    }
}
