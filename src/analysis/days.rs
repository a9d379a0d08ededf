//! A domain's sessions per UTC day, held without an allocation for one day.
//!
//! An overview copies every domain's row (the page shows one overview per
//! version of the data). At a hosting provider's 100,000 domains, each with
//! a report or a few, a list per row meant 100,000 allocations per overview,
//! and in the page's allocator those grew slow as the heap filled: the
//! overview's task took 60 ms on some runs and 450 ms on others. One day is
//! held inline; a second moves the days to a vector.

use std::ops::{Deref, DerefMut};

use super::Totals;
use crate::report::datetime::Day;

/// Sessions per UTC day, as a slice of `(day, totals)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Days(Repr);

#[derive(Debug, Clone, Default, PartialEq)]
enum Repr {
    #[default]
    None,
    One([(Day, Totals); 1]),
    Many(Vec<(Day, Totals)>),
}

impl Days {
    /// Appends a day's sums.
    pub fn push(&mut self, day: (Day, Totals)) {
        self.0 = match std::mem::take(&mut self.0) {
            Repr::None => Repr::One([day]),
            Repr::One([first]) => Repr::Many(vec![first, day]),
            Repr::Many(mut v) => {
                v.push(day);
                Repr::Many(v)
            }
        };
    }

    /// Rewrites the days in place with `f` (a vector of them), keeping one
    /// day inline.
    pub(crate) fn edit(&mut self, f: impl FnOnce(&mut Vec<(Day, Totals)>)) {
        let Repr::Many(v) = &mut self.0 else { return };
        f(v);
        if let [one] = v[..] {
            self.0 = Repr::One([one]);
        }
    }
}

impl From<Vec<(Day, Totals)>> for Days {
    fn from(v: Vec<(Day, Totals)>) -> Days {
        let mut days = Days(Repr::Many(v));
        days.edit(|_| {});
        if days.is_empty() {
            days.0 = Repr::None;
        }
        days
    }
}

impl Deref for Days {
    type Target = [(Day, Totals)];

    fn deref(&self) -> &[(Day, Totals)] {
        match &self.0 {
            Repr::None => &[],
            Repr::One(one) => one,
            Repr::Many(v) => v,
        }
    }
}

impl DerefMut for Days {
    fn deref_mut(&mut self) -> &mut [(Day, Totals)] {
        match &mut self.0 {
            Repr::None => &mut [],
            Repr::One(one) => one,
            Repr::Many(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ok: u128) -> Totals {
        Totals { successful: ok, failed: 0 }
    }

    #[test]
    fn pushes_read_back_in_order_through_every_form() {
        let mut days = Days::default();
        assert!(days.is_empty());
        let want: Vec<(Day, Totals)> = (0..5).map(|i| (Day(i), t(i as u128))).collect();
        for (n, d) in want.iter().enumerate() {
            days.push(*d);
            assert_eq!(&days[..], &want[..=n]);
        }
        days.last_mut().expect("a day").1.failed = 9;
        assert_eq!(days[4].1.failed, 9);
        // Merged down to one day, it is held inline again and still reads back.
        days.edit(|v| v.truncate(1));
        assert!(matches!(days.0, Repr::One(_)));
        assert_eq!(&days[..], &want[..1]);
        assert_eq!(Days::from(Vec::new()), Days::default());
        assert_eq!(&Days::from(want.clone())[..], &want[..]);
    }
}
