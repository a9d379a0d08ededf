//! The page's side of a load, rehearsed on the warm-up samples before the
//! first real one.
//!
//! V8 runs wasm first through its baseline compiler and optimizes a function
//! once it has run hot; the first load of a page therefore merged its
//! workers' answers with slow code. The workers warm up on the samples
//! (`worker_warm_up`); the page does the same with what it runs for every
//! answer: decoding chunks and merging them the way the page does
//! ([`merge_answer`]: de-duplication, the index, the sums, the findings'
//! facts), into a data set of its own that is then dropped.

use super::{ingest_encoded, merge_answer};
use crate::analysis::{Dataset, Overview};
use crate::samples::WARM_UP;

/// The samples' answers, encoded once as a worker would send them.
pub struct Rehearsal {
    answers: Vec<Vec<u8>>,
}

impl Default for Rehearsal {
    fn default() -> Rehearsal {
        Rehearsal::new()
    }
}

impl Rehearsal {
    /// Reads the warm-up samples the way a worker does.
    pub fn new() -> Rehearsal {
        Rehearsal { answers: WARM_UP.iter().map(|(name, bytes)| ingest_encoded(name, bytes)).collect() }
    }

    /// Merges every answer into a fresh data set, as the page merges a
    /// load's, and builds its overview; returns the unique reports merged.
    pub fn round(&self) -> usize {
        let mut data = Dataset::new();
        for answer in &self.answers {
            merge_answer(&mut data, answer.clone());
        }
        Overview::compute(&data).kpis.reports
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_merges_what_loading_the_samples_does() {
        let mut direct = Dataset::new();
        for (name, bytes) in WARM_UP {
            direct.add_file(name, bytes);
        }
        let want = Overview::compute(&direct).kpis.reports;
        assert!(want > 0);
        let r = Rehearsal::new();
        assert_eq!(r.round(), want);
        assert_eq!(r.round(), want, "each round starts from an empty data set");
    }
}
