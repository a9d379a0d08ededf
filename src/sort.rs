//! Sorting through one compiled sort.
//!
//! Every `sort_by` with a closure of its own compiles the standard library's
//! sort once more: 3–5 KB of wasm each, and the app had 43 of them, about
//! 105 KB of a 1.3 MB module. Here a permutation of indices is sorted with a
//! `dyn` comparison, so the sort itself is compiled once (stable) plus once
//! for selection; the callers keep their own comparisons. The cost is an
//! indirect call per comparison and a permutation, which no list of the app
//! notices (the longest, 78,000 failure details, sorts in a few milliseconds).

use std::cmp::Ordering;

/// The indices `0..len` in the order `cmp` gives them; stable (ties keep
/// their order).
#[inline(never)]
pub fn order(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..len).collect();
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// The first `n` of [`order`], without sorting the rest: the `n` are
/// selected (linear in `len`), then only they are sorted. `cmp` must be a
/// total order (no two indices equal) for the result to match [`order`].
#[inline(never)]
pub fn first(len: usize, n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let mut idx: Vec<usize> = (0..len).collect();
    if n < len {
        idx.select_nth_unstable_by(n - 1, |&a, &b| cmp(a, b));
        idx.truncate(n);
    }
    idx.sort_by(|&a, &b| cmp(a, b));
    idx
}

/// Sorts `v` by `cmp`, stably.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let idx = order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    permute(v, &idx);
}

/// Sorts `v` by the key `key` gives each element, stably.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in its natural order.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// Puts `v` in the order `idx` (a permutation of its indices) gives.
fn permute<T>(v: &mut Vec<T>, idx: &[usize]) {
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(idx.iter().filter_map(|&i| slots.get_mut(i).and_then(Option::take)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list with many ties, so stability shows.
    fn pairs() -> Vec<(u32, u32)> {
        (0..500u32).map(|i| ((i * 7919) % 13, i)).collect()
    }

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        let mut mine = pairs();
        let mut std_sorted = pairs();
        sort_by_key(&mut mine, |p| p.0);
        std_sorted.sort_by_key(|p| p.0);
        assert_eq!(mine, std_sorted);

        let mut words: Vec<String> = ["mx2", "mx1", "", "b", "a", "mx1"].iter().map(|s| s.to_string()).collect();
        let mut want = words.clone();
        sort(&mut words);
        want.sort();
        assert_eq!(words, want);

        let mut empty: Vec<u8> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
    }

    #[test]
    fn first_selects_the_rows_the_full_order_starts_with() {
        let rows = pairs();
        // Total: ties broken by position.
        let cmp = |a: usize, b: usize| rows[a].0.cmp(&rows[b].0).then(a.cmp(&b));
        let all = order(rows.len(), &cmp);
        for n in [0, 1, 7, 50, 499, 500, 900] {
            assert_eq!(first(rows.len(), n, &cmp), all[..n.min(all.len())], "first {n}");
        }
    }
}
