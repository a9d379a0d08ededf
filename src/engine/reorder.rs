//! Results that finish in any order, applied in the order files were given.

use std::collections::BTreeMap;

/// Holds results that finished early until every earlier one is in, so the
/// merge (and with it which delivery of a duplicated report counts) never
/// depends on which worker was faster.
#[derive(Debug)]
pub struct Reorder<T> {
    next: u64,
    /// By sequence number: how many numbers the result covers, and it.
    waiting: BTreeMap<u64, (u64, T)>,
}

impl<T> Default for Reorder<T> {
    fn default() -> Self {
        Reorder { next: 0, waiting: BTreeMap::new() }
    }
}

impl<T> Reorder<T> {
    /// Nothing received; the first sequence number is 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes result `seq` and returns every result now ready, in order.
    /// A sequence number already applied, or given twice, is ignored.
    pub fn push(&mut self, seq: u64, item: T) -> Vec<T> {
        self.push_span(seq, 1, item)
    }

    /// Takes a result that stands for the `span` numbers from `seq` on (at
    /// least one): numbers that will have no result of their own, in one
    /// entry rather than one each (a small file leaves most of its numbers
    /// unused). A result given later for a number it covers is never applied.
    pub fn push_span(&mut self, seq: u64, span: u64, item: T) -> Vec<T> {
        if seq >= self.next {
            self.waiting.entry(seq).or_insert((span.max(1), item));
        }
        let mut ready = Vec::new();
        while let Some((span, item)) = self.waiting.remove(&self.next) {
            ready.push(item);
            self.next += span;
        }
        ready
    }

    /// Nothing received; the first sequence number is `first` (earlier ones
    /// are stale answers of an earlier load, and are ignored).
    pub fn starting_at(first: u64) -> Self {
        Reorder { next: first, waiting: BTreeMap::new() }
    }

    /// The next sequence number to be applied.
    pub fn next_seq(&self) -> u64 {
        self.next
    }

    /// Results received but waiting for an earlier one.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_sequence_whatever_the_arrival() {
        let mut r = Reorder::new();
        assert!(r.push(2, 'c').is_empty());
        assert!(r.push(1, 'b').is_empty());
        assert_eq!(r.waiting(), 2);
        assert_eq!(r.push(0, 'a'), ['a', 'b', 'c']);
        assert!(r.push(1, 'x').is_empty(), "an applied number is ignored");
        assert_eq!(r.push(3, 'd'), ['d']);
        assert_eq!(r.next_seq(), 4);
        let mut later = Reorder::starting_at(10);
        assert!(later.push(3, 'z').is_empty(), "a stale answer is ignored");
        assert_eq!(later.push(10, 'k'), ['k']);
    }

    #[test]
    fn a_result_may_stand_for_several_numbers() {
        let mut r = Reorder::new();
        assert!(r.push_span(1, 7, '-').is_empty(), "waits for 0");
        assert!(r.push(9, 'j').is_empty(), "waits for 8");
        assert_eq!(r.push(0, 'a'), ['a', '-']);
        assert_eq!(r.next_seq(), 8);
        assert!(r.push(5, 'x').is_empty(), "a covered number is ignored");
        assert_eq!(r.push_span(8, 0, 'h'), ['h', 'j'], "a span of 0 counts as 1");
        assert_eq!(r.next_seq(), 10);
    }
}
