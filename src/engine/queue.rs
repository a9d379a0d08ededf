//! The load queue: files wait here until the one driver takes them.

use std::collections::VecDeque;

/// Every file given, by every drop, pick and paste, waits here in the order
/// given. One driver takes batches from the front; a load started while the
/// driver runs is appended, never run beside it (two loads at once used to
/// interleave files and lose reports).
#[derive(Debug)]
pub struct LoadQueue<S> {
    waiting: VecDeque<S>,
    running: bool,
}

impl<S> Default for LoadQueue<S> {
    fn default() -> Self {
        LoadQueue { waiting: VecDeque::new(), running: false }
    }
}

impl<S> LoadQueue<S> {
    /// An empty, idle queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends files. Returns true when no driver is running, so the caller
    /// must start one; from then on the queue counts as running.
    pub fn push(&mut self, items: impl IntoIterator<Item = S>) -> bool {
        let before = self.waiting.len();
        self.waiting.extend(items);
        if self.running || self.waiting.len() == before {
            return false;
        }
        self.running = true;
        true
    }

    /// The driver takes up to `n` files from the front.
    pub fn take(&mut self, n: usize) -> Vec<S> {
        let k = n.min(self.waiting.len());
        self.waiting.drain(..k).collect()
    }

    /// The driver has nothing left in hand and asks to stop. True when the
    /// queue is empty: it is idle from now on. False when files were pushed
    /// meanwhile: the driver must take them (checked and decided in one step,
    /// so nothing pushed is ever stranded and no second driver starts).
    pub fn finish(&mut self) -> bool {
        if self.waiting.is_empty() {
            self.running = false;
            true
        } else {
            false
        }
    }

    /// Drops every file still waiting and returns them (for their rows);
    /// what was loaded stays. The running driver ends at its next `take`.
    pub fn cancel(&mut self) -> Vec<S> {
        self.waiting.drain(..).collect()
    }

    /// Whether a driver is running or files are waiting.
    pub fn is_busy(&self) -> bool {
        self.running || !self.waiting.is_empty()
    }

    /// Files waiting.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Whether no file is waiting.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_load_appends_to_the_running_one() {
        let mut q = LoadQueue::new();
        assert!(q.push(["a", "b", "c"]), "the first load starts the driver");
        assert_eq!(q.take(2), ["a", "b"]);
        assert!(!q.push(["d"]), "a load during a run is appended, not run beside it");
        assert_eq!(q.take(10), ["c", "d"]);
        assert!(q.take(10).is_empty());
        assert!(q.is_busy(), "busy until the driver finishes");
        assert!(!q.push(["e"]), "still one driver");
        assert!(!q.finish(), "files pushed before the driver stopped keep it running");
        assert_eq!(q.take(10), ["e"]);
        assert!(q.finish());
        assert!(!q.is_busy());
        assert!(q.push(["f"]), "after the run, a new load starts a new driver");
    }

    #[test]
    fn cancel_drops_what_waits_and_keeps_order_of_the_rest() {
        let mut q = LoadQueue::new();
        assert!(!q.push(Vec::<u8>::new()), "nothing given, nothing to run");
        q.push([1, 2, 3, 4]);
        assert_eq!(q.take(1), [1]);
        assert_eq!(q.cancel(), [2, 3, 4]);
        assert!(q.take(5).is_empty());
        assert!(q.finish());
        assert!(!q.is_busy());
    }
}
