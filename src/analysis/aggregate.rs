//! Aggregation of unique reports into the numbers and tables the page shows.
//!
//! Sessions follow the session rule ([`crate::report::counted_entries`]): when
//! one report carries several entries for the same policy domain, the KPIs and
//! the domain, organization and timeline figures count that domain once per
//! report; the per-policy breakdown, the result types and the failure details
//! still see every entry.

use foldhash::{HashMap, HashSet};
use std::borrow::Cow;
use std::sync::Arc;

use super::dataset::Dataset;
use super::filter::{Entry, Filter};
use super::sorted::Sorted;
use crate::report::datetime::Day;

/// Session totals, summed in 128 bits: a sum of 64-bit counts can pass 2^64.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Totals {
    /// Sum of `total-successful-session-count`.
    pub successful: u128,
    /// Sum of `total-failure-session-count`.
    pub failed: u128,
}

impl Totals {
    /// Adds one entry's sessions.
    pub fn add(&mut self, successful: u64, failed: u64) {
        self.successful += u128::from(successful);
        self.failed += u128::from(failed);
    }

    /// All sessions.
    pub fn sessions(&self) -> u128 {
        self.successful + self.failed
    }

    /// Share of successful sessions, `None` when there were none at all.
    pub fn success_rate(&self) -> Option<f64> {
        let all = self.sessions();
        (all > 0).then(|| self.successful as f64 / all as f64)
    }

    /// Share of failed sessions, `None` when there were none at all.
    pub fn failure_rate(&self) -> Option<f64> {
        self.success_rate().map(|r| 1.0 - r)
    }
}

/// The KPI strip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kpis {
    /// Unique reports.
    pub reports: usize,
    /// Distinct reporting organizations.
    pub organizations: usize,
    /// Distinct policy domains (entries without one are not a domain).
    pub domains: usize,
    /// Session totals.
    pub totals: Totals,
}

/// A row of the per-domain table.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainRow {
    /// Normalized policy domain; empty when reports gave none. Shared with
    /// the data set's index: an overview copies 100,000 rows without a
    /// string allocation each.
    pub domain: Arc<str>,
    /// Unique reports mentioning it.
    pub reports: usize,
    /// Session totals under its policies, once per report (the session rule).
    pub totals: Totals,
    /// Reports that evaluated it under several policies (counted once each).
    pub multi_policy_reports: usize,
    /// Its sessions per UTC day with reports, in order (for its sparkline and health).
    pub daily: super::Days,
}

/// How a domain is doing, as its row's badge says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Failed sessions in the last [`super::findings::RECENT_DAYS`] days of the data.
    Failing,
    /// Failures earlier, none lately.
    Attention,
    /// No failed session at all.
    Healthy,
}

impl Health {
    /// The badge text (and CSS class).
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Failing => "failing",
            Health::Attention => "attention",
            Health::Healthy => "healthy",
        }
    }
}

impl DomainRow {
    /// Adds sessions of a report that starts on `day`. Reports arrive in no
    /// day order: `daily` is merged and sorted when the overview is assembled.
    pub(crate) fn add_sessions(&mut self, day: Day, ok: u64, bad: u64) {
        self.totals.add(ok, bad);
        match self.daily.last_mut() {
            Some((d, t)) if *d == day => t.add(ok, bad),
            _ => {
                let mut t = Totals::default();
                t.add(ok, bad);
                self.daily.push((day, t));
            }
        }
    }

    /// Its health, judged against `last`, the last day of the data shown.
    pub fn health(&self, last: Option<Day>) -> Health {
        let recent = last.map(|l| Day(l.0 - super::findings::RECENT_DAYS + 1));
        if self.daily.iter().any(|(d, t)| t.failed > 0 && recent.is_some_and(|r| *d >= r)) {
            Health::Failing
        } else if self.totals.failed > 0 {
            Health::Attention
        } else {
            Health::Healthy
        }
    }
}

/// A row of the per-organization table.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    /// `organization-name`.
    pub org: Arc<str>,
    /// Unique reports it sent.
    pub reports: usize,
    /// Session totals over its reports.
    pub totals: Totals,
}

/// A row of the per-result-type table.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultTypeRow {
    /// `result-type`.
    pub result_type: String,
    /// Sum of `failed-session-count`.
    pub sessions: u128,
    /// Failure-detail entries.
    pub details: usize,
    /// Distinct policy domains affected (entries without one are not a domain).
    pub domains: usize,
    /// The first affected domain (to name it in explanations); empty when none.
    pub first_domain: String,
}

/// One failure detail, by reference into the data set: at 100,000 reports
/// there are hundreds of thousands of these, and copying their strings made
/// every refresh slow. [`FailureRow::view`] resolves the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FailureRow {
    /// Index of the unique report.
    pub report: usize,
    /// Index of the policy in the report.
    pub policy: usize,
    /// Index of the detail in the policy.
    pub detail: usize,
    /// `failed-session-count`.
    pub count: u64,
    /// The UTC day of `start-datetime`.
    pub day: Day,
}

/// A failure detail's fields, borrowed from the data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailureView<'a> {
    /// `result-type`.
    pub result_type: &'a str,
    /// `policy-domain` as sent (empty when absent).
    pub domain: &'a str,
    /// `policy-type`.
    pub policy_type: &'a str,
    /// `receiving-mx-hostname`.
    pub receiving_mx: &'a str,
    /// `receiving-ip`.
    pub receiving_ip: &'a str,
    /// `sending-mta-ip`.
    pub sending_ip: &'a str,
    /// `failed-session-count`.
    pub count: u64,
    /// `failure-reason-code`.
    pub reason: &'a str,
    /// `organization-name`.
    pub org: &'a str,
    /// The UTC day of `start-datetime`.
    pub day: Day,
}

impl FailureRow {
    /// The detail's fields.
    pub fn view<'a>(&self, data: &'a Dataset) -> FailureView<'a> {
        let r = &data.reports()[self.report].report;
        let p = &r.policies[self.policy];
        let d = &p.failure_details[self.detail];
        let s = |v: &'a Option<String>| v.as_deref().unwrap_or("");
        FailureView {
            result_type: d.result_type.as_str(),
            domain: s(&p.policy.policy_domain),
            policy_type: p.policy.policy_type.as_str(),
            receiving_mx: s(&d.receiving_mx_hostname),
            receiving_ip: s(&d.receiving_ip),
            sending_ip: s(&d.sending_mta_ip),
            count: d.failed_session_count,
            reason: s(&d.failure_reason_code),
            org: &r.organization_name,
            day: self.day,
        }
    }
}

/// One UTC day of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayRow {
    /// The day (by `start-datetime`).
    pub day: Day,
    /// Session totals of the reports starting that day.
    pub totals: Totals,
    /// Whether any report starts that day (a day without one is a gap, not a zero).
    pub has_data: bool,
}

/// A row of a breakdown by some key (policy, MX, IP).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BreakdownRow {
    /// The key (`sts (enforce)`, a hostname, an address); empty when not reported.
    pub key: Arc<str>,
    /// Successful sessions (only for breakdowns by policy; failure details carry none).
    pub successful: u128,
    /// Failed sessions.
    pub failed: u128,
    /// Entries counted (policy entries or failure details).
    pub entries: usize,
}

/// Everything the summary views show, derived from the data set and a filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overview {
    /// The KPI strip.
    pub kpis: Kpis,
    /// Per policy domain, busiest first ([`order_domains`]), put in order
    /// when first read: at 100,000 domains sorting them was ~30 ms of the
    /// task that shows the totals, and the page's tables select and order
    /// their rows themselves (read them with [`Sorted::with_any_order`]).
    pub domains: Sorted<DomainRow>,
    /// Per organization, busiest first.
    pub orgs: Vec<OrgRow>,
    /// Per result type, most sessions first.
    pub result_types: Vec<ResultTypeRow>,
    /// Every failure detail, most sessions first.
    pub failures: Sorted<FailureRow>,
    /// Per UTC day, in order, with no gaps between the first and last day.
    pub timeline: Vec<DayRow>,
    /// Per policy type and MTA-STS mode.
    pub policies: Vec<BreakdownRow>,
    /// Failed sessions per receiving MX host.
    pub receiving_mx: Sorted<BreakdownRow>,
    /// Failed sessions per receiving IP.
    pub receiving_ip: Sorted<BreakdownRow>,
    /// Failed sessions per sending MTA IP.
    pub sending_ip: Sorted<BreakdownRow>,
    /// Indices (into `Dataset::reports`) of the reports with a matching entry.
    pub reports: Vec<usize>,
}

fn add_breakdown(map: &mut HashMap<String, BreakdownRow>, key: &str, successful: u64, failed: u64) {
    // Look up by &str first: a new String only for a new key.
    if !map.contains_key(key) {
        map.insert(key.to_owned(), BreakdownRow { key: Arc::from(key), successful: 0, failed: 0, entries: 0 });
    }
    let Some(row) = map.get_mut(key) else { return };
    row.successful += u128::from(successful);
    row.failed += u128::from(failed);
    row.entries += 1;
}

fn sorted_breakdown(mut v: Vec<BreakdownRow>) -> Vec<BreakdownRow> {
    crate::sort::sort_by(&mut v, order_breakdown);
    v
}

/// Most failed sessions first, then most successful, then by key. Keys are
/// unique within a breakdown, so the order is total: any sort, and the first
/// rows [`Sorted::first`] selects, give the one order.
fn order_breakdown(a: &BreakdownRow, b: &BreakdownRow) -> std::cmp::Ordering {
    (b.failed, b.successful).cmp(&(a.failed, a.successful)).then_with(|| a.key.cmp(&b.key))
}

/// Most sessions first, then by name. Names are unique within an overview,
/// so the order is total.
pub fn order_domains(a: &DomainRow, b: &DomainRow) -> std::cmp::Ordering {
    b.totals.sessions().cmp(&a.totals.sessions()).then_with(|| a.domain.cmp(&b.domain))
}

/// Most sessions first, then by day; ties in the order found, which is
/// (report, policy, detail) ascending: said outright, so the order is total,
/// and the first rows [`Sorted::first`] selects are those a full sort gives.
fn order_failures(a: &FailureRow, b: &FailureRow) -> std::cmp::Ordering {
    b.count
        .cmp(&a.count)
        .then_with(|| (a.day, a.report, a.policy, a.detail).cmp(&(b.day, b.report, b.policy, b.detail)))
}

/// A result type while it is being summed.
#[derive(Default)]
struct TypeAcc<'a> {
    sessions: u128,
    details: usize,
    domains: HashSet<Cow<'a, str>>,
    first_domain: Option<Cow<'a, str>>,
}

/// Running sums over selected entries; [`Accumulator::finish`] sorts them
/// into an [`Overview`]. Every step is a hash-map update, so an overview is
/// linear in the entries it covers.
#[derive(Default)]
struct Accumulator<'a> {
    kpis: Kpis,
    domains: HashMap<Cow<'a, str>, DomainRow>,
    orgs: HashMap<&'a str, OrgRow>,
    types: HashMap<&'a str, TypeAcc<'a>>,
    days: HashMap<Day, Totals>,
    policies: HashMap<String, BreakdownRow>,
    receiving_mx: HashMap<String, BreakdownRow>,
    receiving_ip: HashMap<String, BreakdownRow>,
    sending_ip: HashMap<String, BreakdownRow>,
    failures: Vec<FailureRow>,
    reports: Vec<usize>,
}

impl<'a> Accumulator<'a> {
    /// Adds the selected entries of one report (all from the same report).
    fn add_report(&mut self, entries: Vec<Entry<'a>>, filter: &Filter) {
        let Some(first) = entries.first() else { return };
        let (ri, r) = (first.report_index, first.report);
        let day = Day::of(r.date_range.start);
        self.reports.push(ri);
        self.kpis.reports += 1;
        let org = self.orgs.entry(r.organization_name.as_str()).or_insert_with(|| OrgRow {
            org: Arc::from(r.organization_name.as_str()),
            reports: 0,
            totals: Totals::default(),
        });
        org.reports += 1;
        // Each domain of the report once, with how many entries name it
        // (sorted, so a report with thousands of entries stays n log n).
        let mut here: Vec<&Cow<'a, str>> = entries.iter().map(|e| &e.domain).collect();
        here.sort_unstable();
        let mut i = 0;
        while i < here.len() {
            let domain = here[i];
            let n = here[i..].iter().take_while(|d| **d == domain).count();
            i += n;
            // Look up by &str: a new key only for a new domain.
            if !self.domains.contains_key(domain.as_ref()) {
                let row = DomainRow {
                    domain: Arc::from(domain.as_ref()),
                    reports: 0,
                    totals: Totals::default(),
                    multi_policy_reports: 0,
                    daily: super::Days::default(),
                };
                self.domains.insert(domain.clone(), row);
            }
            if let Some(row) = self.domains.get_mut(domain.as_ref()) {
                row.reports += 1;
                if n > 1 && !domain.is_empty() {
                    row.multi_policy_reports += 1;
                }
            }
        }
        for e in &entries {
            let p = e.policy;
            let (ok, bad) = (p.summary.successful, p.summary.failed);
            if e.counted {
                self.kpis.totals.add(ok, bad);
                if let Some(org) = self.orgs.get_mut(r.organization_name.as_str()) {
                    org.totals.add(ok, bad);
                }
                self.days.entry(day).or_default().add(ok, bad);
                if let Some(row) = self.domains.get_mut(e.domain.as_ref()) {
                    row.add_sessions(day, ok, bad);
                }
            }
            add_breakdown(&mut self.policies, &p.label(), ok, bad);
            self.add_details(e, filter, day);
        }
    }

    /// Adds the failure details of one entry that the filter shows.
    fn add_details(&mut self, e: &Entry<'a>, filter: &Filter, day: Day) {
        for (di, d) in e.policy.failure_details.iter().enumerate().filter(|(_, d)| filter.detail_matches(d)) {
            let n = d.failed_session_count;
            let t = self.types.entry(d.result_type.as_str()).or_default();
            t.sessions += u128::from(n);
            t.details += 1;
            if !e.domain.is_empty() {
                if t.first_domain.is_none() {
                    t.first_domain = Some(e.domain.clone());
                }
                t.domains.insert(e.domain.clone());
            }
            add_breakdown(&mut self.receiving_mx, d.receiving_mx_hostname.as_deref().unwrap_or(""), 0, n);
            add_breakdown(&mut self.receiving_ip, d.receiving_ip.as_deref().unwrap_or(""), 0, n);
            add_breakdown(&mut self.sending_ip, d.sending_mta_ip.as_deref().unwrap_or(""), 0, n);
            self.failures.push(FailureRow {
                report: e.report_index,
                policy: e.policy_index,
                detail: di,
                count: n,
                day,
            });
        }
    }

    /// Counts and sorts everything into the overview.
    fn finish(self) -> Overview {
        let domain_count = self.domains.keys().filter(|d| !d.is_empty()).count();
        Parts {
            kpis: Kpis { organizations: self.orgs.len(), domains: domain_count, ..self.kpis },
            domains: self.domains.into_values().collect(),
            orgs: self.orgs.into_values().collect(),
            result_types: self
                .types
                .into_iter()
                .map(|(t, acc)| ResultTypeRow {
                    result_type: t.to_owned(),
                    sessions: acc.sessions,
                    details: acc.details,
                    domains: acc.domains.len(),
                    first_domain: acc.first_domain.map(Cow::into_owned).unwrap_or_default(),
                })
                .collect(),
            failures: self.failures,
            days: self.days,
            policies: self.policies.into_values().collect(),
            receiving_mx: self.receiving_mx.into_values().collect(),
            receiving_ip: self.receiving_ip.into_values().collect(),
            sending_ip: self.sending_ip.into_values().collect(),
            reports: self.reports,
        }
        .assemble()
    }
}

/// An overview's rows before they are put in order: what either way of
/// summing (the scan over reports, or the index) hands over, so both sort
/// and merge the same way.
pub(crate) struct Parts {
    pub kpis: Kpis,
    pub domains: Vec<DomainRow>,
    pub orgs: Vec<OrgRow>,
    pub result_types: Vec<ResultTypeRow>,
    /// In the order found (report, policy, detail): ties keep it.
    pub failures: Vec<FailureRow>,
    pub days: HashMap<Day, Totals>,
    pub policies: Vec<BreakdownRow>,
    pub receiving_mx: Vec<BreakdownRow>,
    pub receiving_ip: Vec<BreakdownRow>,
    pub sending_ip: Vec<BreakdownRow>,
    pub reports: Vec<usize>,
}

impl Parts {
    /// Sorts every table and merges each domain's days.
    pub fn assemble(self) -> Overview {
        let mut domains = self.domains;
        for row in &mut domains {
            row.daily.edit(merge_days);
        }
        let mut orgs = self.orgs;
        crate::sort::sort_by(&mut orgs, |a, b| b.reports.cmp(&a.reports).then_with(|| a.org.cmp(&b.org)));
        let mut result_types = self.result_types;
        crate::sort::sort_by(&mut result_types, |a, b| {
            b.sessions.cmp(&a.sessions).then_with(|| a.result_type.cmp(&b.result_type))
        });
        Overview {
            kpis: self.kpis,
            domains: Sorted::new(domains, order_domains),
            orgs,
            result_types,
            // The long lists are put in order when a view first reads them.
            failures: Sorted::new(self.failures, order_failures),
            timeline: timeline(self.days),
            policies: sorted_breakdown(self.policies),
            receiving_mx: Sorted::new(self.receiving_mx, order_breakdown),
            receiving_ip: Sorted::new(self.receiving_ip, order_breakdown),
            sending_ip: Sorted::new(self.sending_ip, order_breakdown),
            reports: self.reports,
        }
    }
}

/// Puts a domain's daily sums in day order, one entry per day. They come a
/// report at a time in no order (12,800 entries for one domain at 64k
/// reports): within a span of days not much longer than the list they are
/// summed into a slot per day, in one pass; sorting them was a quarter of a
/// filter change's work. A wider span (a stray date decades away) is sorted.
fn merge_days(daily: &mut Vec<(Day, Totals)>) {
    // Already one entry per day, in order (a domain with a report or a few,
    // as at a hosting provider's 100,000 domains): nothing to allocate.
    if daily.windows(2).all(|w| w[0].0 < w[1].0) {
        return;
    }
    let (Some(lo), Some(hi)) = (daily.iter().map(|(d, _)| d.0).min(), daily.iter().map(|(d, _)| d.0).max()) else {
        return;
    };
    let span = hi.abs_diff(lo).saturating_add(1);
    if span <= 4 * daily.len() as u64 + 64 {
        let mut slots = vec![None::<Totals>; span as usize];
        for (d, t) in daily.iter() {
            let slot = slots[(d.0 - lo) as usize].get_or_insert_with(Totals::default);
            slot.successful += t.successful;
            slot.failed += t.failed;
        }
        daily.clear();
        daily.extend(slots.into_iter().enumerate().filter_map(|(i, t)| Some((Day(lo + i as i64), t?))));
        return;
    }
    crate::sort::sort_by_key(daily, |(d, _)| *d);
    daily.dedup_by(|next, kept| {
        if next.0 == kept.0 {
            kept.1.successful += next.1.successful;
            kept.1.failed += next.1.failed;
            true
        } else {
            false
        }
    });
}

impl Overview {
    /// Aggregates every unique report of `data`.
    pub fn compute(data: &Dataset) -> Overview {
        Overview::filtered(data, &Filter::default())
    }

    /// Aggregates the entries of `data` that `filter` selects: from the data
    /// set's index ([`super::index`]), in time proportional to the reports
    /// the filter can keep, except for free text, which needs the reports' words.
    pub fn filtered(data: &Dataset, filter: &Filter) -> Overview {
        if !filter.is_active() {
            // Summed as the reports merged: only put in order here.
            return data.sums().overview(data.index());
        }
        if filter.text.trim().is_empty() {
            return data.index().overview(filter);
        }
        Overview::scan(data, filter)
    }

    /// Aggregates the entries of `data` that `filter` selects by reading
    /// every report: the reference the index is tested against, and the way
    /// for free-text filters.
    pub fn scan(data: &Dataset, filter: &Filter) -> Overview {
        let mut acc = Accumulator::default();
        let mut current: Vec<Entry<'_>> = Vec::new();
        for e in filter.entries(data) {
            if current.first().is_some_and(|f| f.report_index != e.report_index) {
                acc.add_report(std::mem::take(&mut current), filter);
            }
            current.push(e);
        }
        acc.add_report(current, filter);
        acc.finish()
    }
}

/// Days in order, with empty days filled in so gaps show as gaps.
/// Ranges longer than ~10 years are not filled (a stray date would blow it up).
fn timeline(days: HashMap<Day, Totals>) -> Vec<DayRow> {
    let (Some(first), Some(last)) = (days.keys().min().copied(), days.keys().max().copied()) else {
        return Vec::new();
    };
    if last.0 - first.0 > 3700 {
        let mut v: Vec<DayRow> = days.into_iter().map(|(day, totals)| DayRow { day, totals, has_data: true }).collect();
        crate::sort::sort_by_key(&mut v, |r| r.day);
        return v;
    }
    (first.0..=last.0)
        .map(|d| {
            let t = days.get(&Day(d)).copied();
            DayRow { day: Day(d), totals: t.unwrap_or_default(), has_data: t.is_some() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(successful: u128, failed: u128) -> Totals {
        Totals { successful, failed }
    }

    /// What `merge_days` must give: the sums per day, in day order.
    fn by_map(daily: &[(Day, Totals)]) -> Vec<(Day, Totals)> {
        let mut m = std::collections::BTreeMap::<i64, Totals>::new();
        for (d, t) in daily {
            let e = m.entry(d.0).or_default();
            e.successful += t.successful;
            e.failed += t.failed;
        }
        m.into_iter().map(|(d, t)| (Day(d), t)).collect()
    }

    #[test]
    fn daily_sums_merge_per_day_in_order_over_narrow_and_wide_spans() {
        // A pseudo-random walk of days, with zero-session days kept.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        for (len, spread) in [(0, 1), (1, 1), (50, 10), (500, 400), (300, 5000), (40, 1 << 40)] {
            let daily: Vec<(Day, Totals)> = (0..len)
                .map(|_| (Day(19000 + (next() % spread) as i64), totals((next() % 3) as u128, (next() % 2) as u128)))
                .collect();
            let mut merged = daily.clone();
            merge_days(&mut merged);
            assert_eq!(merged, by_map(&daily), "{len} entries over {spread} days");
        }
        // Days before the epoch and a stray far-off date.
        let mut odd = vec![(Day(-3), totals(1, 0)), (Day(i64::MAX / 2), totals(0, 1)), (Day(-3), totals(0, 2))];
        merge_days(&mut odd);
        assert_eq!(odd, vec![(Day(-3), totals(1, 2)), (Day(i64::MAX / 2), totals(0, 1))]);
    }
}
