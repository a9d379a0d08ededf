//! Sorting table rows by any column, kept out of the views so it is tested natively.

use std::cmp::Ordering;

use super::aggregate::{order_domains, DomainRow, FailureView, OrgRow, ResultTypeRow};

/// The value a cell sorts by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SortKey<'a> {
    /// Text, compared case-insensitively.
    Text(&'a str),
    /// A number; `NaN`-free by construction.
    Num(f64),
}

impl SortKey<'_> {
    fn cmp(&self, other: &SortKey<'_>) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (SortKey::Text(a), SortKey::Text(b)) => {
                let (a, b) = (a.bytes().map(|c| c.to_ascii_lowercase()), b.bytes().map(|c| c.to_ascii_lowercase()));
                a.cmp(b)
            }
            // Numbers before text; only happens for mixed columns, which we don't have.
            (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
        }
    }
}

/// A row that can be sorted by a named column.
pub trait Sortable {
    /// The key of `column`; unknown columns sort as empty text.
    fn sort_key(&self, column: &str) -> SortKey<'_>;

    /// How rows equal in the sorted column are ordered; rows equal here too
    /// keep their position. Rows that come in no particular order (a
    /// hosting provider's domains, put in order only when read) say it here,
    /// so a table's order never depends on theirs.
    fn tie_break(&self, _other: &Self) -> Ordering {
        Ordering::Equal
    }
}

/// Which column and direction a table is sorted by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortState {
    /// Column id.
    pub column: &'static str,
    /// Largest first.
    pub descending: bool,
}

impl SortState {
    /// Sorting by `column`, largest first for numbers is the usual default.
    pub fn new(column: &'static str, descending: bool) -> SortState {
        SortState { column, descending }
    }

    /// Clicking a header: the same column flips direction; a new one starts in
    /// its natural direction (largest first for numbers, A to Z for text).
    pub fn clicked(&self, column: &'static str, numeric: bool) -> SortState {
        if self.column == column {
            SortState { column, descending: !self.descending }
        } else {
            SortState { column, descending: numeric }
        }
    }
}

/// The first `n` of [`sorted_indices`], without sorting the rest: a table
/// that shows 50 of 47,000 rows selects them, then sorts only those.
pub fn top_indices<T: Sortable>(rows: &[T], sort: &SortState, n: usize) -> Vec<usize> {
    // Ties broken by position: the same rows, in the same order, as the stable sort.
    crate::sort::first(rows.len(), n, &|a, b| row_order(rows, sort, a, b).then(a.cmp(&b)))
}

/// Row indices of `rows` in the order `sort` asks for. Stable: ties keep their order.
pub fn sorted_indices<T: Sortable>(rows: &[T], sort: &SortState) -> Vec<usize> {
    crate::sort::order(rows.len(), &|a, b| row_order(rows, sort, a, b))
}

/// How rows `a` and `b` compare under `sort` (equal on a tie).
fn row_order<T: Sortable>(rows: &[T], sort: &SortState, a: usize, b: usize) -> Ordering {
    let o = rows[a].sort_key(sort.column).cmp(&rows[b].sort_key(sort.column));
    let o = if sort.descending { o.reverse() } else { o };
    o.then_with(|| rows[a].tie_break(&rows[b]))
}

fn rate(r: Option<f64>) -> SortKey<'static> {
    SortKey::Num(r.unwrap_or(-1.0))
}

impl Sortable for DomainRow {
    fn sort_key(&self, column: &str) -> SortKey<'_> {
        match column {
            "domain" => SortKey::Text(&self.domain),
            "reports" => SortKey::Num(self.reports as f64),
            "successful" => SortKey::Num(self.totals.successful as f64),
            "failed" => SortKey::Num(self.totals.failed as f64),
            "rate" => rate(self.totals.success_rate()),
            _ => SortKey::Text(""),
        }
    }

    fn tie_break(&self, other: &DomainRow) -> Ordering {
        order_domains(self, other)
    }
}

impl Sortable for OrgRow {
    fn sort_key(&self, column: &str) -> SortKey<'_> {
        match column {
            "org" => SortKey::Text(&self.org),
            "reports" => SortKey::Num(self.reports as f64),
            "successful" => SortKey::Num(self.totals.successful as f64),
            "failed" => SortKey::Num(self.totals.failed as f64),
            "rate" => rate(self.totals.success_rate()),
            _ => SortKey::Text(""),
        }
    }
}

impl Sortable for ResultTypeRow {
    fn sort_key(&self, column: &str) -> SortKey<'_> {
        match column {
            "result_type" => SortKey::Text(&self.result_type),
            "sessions" => SortKey::Num(self.sessions as f64),
            "details" => SortKey::Num(self.details as f64),
            "domains" => SortKey::Num(self.domains as f64),
            _ => SortKey::Text(""),
        }
    }
}

impl Sortable for FailureView<'_> {
    fn sort_key(&self, column: &str) -> SortKey<'_> {
        match column {
            "result_type" => SortKey::Text(self.result_type),
            "domain" => SortKey::Text(self.domain),
            "policy_type" => SortKey::Text(self.policy_type),
            "receiving_mx" => SortKey::Text(self.receiving_mx),
            "receiving_ip" => SortKey::Text(self.receiving_ip),
            "sending_ip" => SortKey::Text(self.sending_ip),
            "count" => SortKey::Num(self.count as f64),
            "reason" => SortKey::Text(self.reason),
            "org" => SortKey::Text(self.org),
            "day" => SortKey::Num(self.day.0 as f64),
            _ => SortKey::Text(""),
        }
    }
}

impl Sortable for super::aggregate::BreakdownRow {
    fn sort_key(&self, column: &str) -> SortKey<'_> {
        match column {
            "key" => SortKey::Text(&self.key),
            "successful" => SortKey::Num(self.successful as f64),
            "failed" => SortKey::Num(self.failed as f64),
            "entries" => SortKey::Num(self.entries as f64),
            _ => SortKey::Text(""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Totals;

    fn org(name: &str, reports: usize, ok: u128) -> OrgRow {
        OrgRow { org: name.into(), reports, totals: Totals { successful: ok, failed: 0 } }
    }

    #[test]
    fn sorts_by_any_column_both_ways() {
        let rows = vec![org("b", 2, 10), org("A", 1, 30), org("c", 3, 20)];
        assert_eq!(sorted_indices(&rows, &SortState::new("org", false)), vec![1, 0, 2]);
        assert_eq!(sorted_indices(&rows, &SortState::new("reports", true)), vec![2, 0, 1]);
        assert_eq!(sorted_indices(&rows, &SortState::new("successful", false)), vec![0, 2, 1]);
        let s = SortState::new("org", false).clicked("org", false);
        assert!(s.descending);
        assert_eq!(s.clicked("reports", true), SortState::new("reports", true));
        assert_eq!(s.clicked("domain", false), SortState::new("domain", false));
    }

    #[test]
    fn the_top_rows_are_the_first_rows_of_the_stable_sort() {
        // Many ties, so the tie-break by position is what is tested.
        let rows: Vec<OrgRow> =
            (0..500).map(|i| org(&format!("o{}", (i * 7919) % 13), (i * 31) % 17, ((i * 13) % 5) as u128)).collect();
        for column in ["org", "reports", "successful", "nonexistent"] {
            for descending in [false, true] {
                let sort = SortState::new(column, descending);
                let all = sorted_indices(&rows, &sort);
                for n in [0, 1, 2, 50, 499, 500, 900] {
                    let want: Vec<usize> = all.iter().copied().take(n).collect();
                    assert_eq!(top_indices(&rows, &sort, n), want, "{column} {descending} {n}");
                }
            }
        }
    }

    #[test]
    fn the_domain_table_reads_the_same_whatever_order_the_rows_come_in() {
        // An overview's domain rows are put in order only when read: a table
        // over them as summed must show what it showed over them sorted.
        let row = |i: u64| DomainRow {
            domain: format!("d{}.example", (i * 7919) % 1000).into(),
            reports: (i % 4) as usize,
            totals: Totals { successful: u128::from(i % 3), failed: u128::from(i % 2) },
            multi_policy_reports: 0,
            daily: Default::default(),
        };
        let summed: Vec<DomainRow> = (0..1000).map(row).collect();
        let mut ordered = summed.clone();
        ordered.sort_by(order_domains);
        let names =
            |rows: &[DomainRow], idx: Vec<usize>| idx.into_iter().map(|i| rows[i].domain.clone()).collect::<Vec<_>>();
        for column in ["domain", "reports", "successful", "failed", "rate"] {
            for descending in [false, true] {
                let sort = SortState::new(column, descending);
                for n in [1, 10, 200, 1000] {
                    assert_eq!(
                        names(&summed, top_indices(&summed, &sort, n)),
                        names(&ordered, top_indices(&ordered, &sort, n)),
                        "{column} {descending} {n}"
                    );
                }
            }
        }
    }
}
