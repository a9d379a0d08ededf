//! Aggregation of unique reports into the numbers and tables the page shows.

use std::collections::HashMap;

use super::dataset::Dataset;
use super::filter::{policy_label, Filter};
use crate::report::datetime::Day;

/// Session totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Totals {
    /// Sum of `total-successful-session-count`.
    pub successful: u64,
    /// Sum of `total-failure-session-count`.
    pub failed: u64,
}

impl Totals {
    fn add(&mut self, successful: u64, failed: u64) {
        self.successful = self.successful.saturating_add(successful);
        self.failed = self.failed.saturating_add(failed);
    }

    /// All sessions.
    pub fn sessions(&self) -> u64 {
        self.successful.saturating_add(self.failed)
    }

    /// Share of successful sessions, `None` when there were none at all.
    pub fn success_rate(&self) -> Option<f64> {
        let all = self.sessions();
        (all > 0).then(|| self.successful as f64 / all as f64)
    }
}

/// The KPI strip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kpis {
    /// Unique reports.
    pub reports: usize,
    /// Distinct reporting organizations.
    pub organizations: usize,
    /// Distinct policy domains.
    pub domains: usize,
    /// Session totals.
    pub totals: Totals,
}

/// A row of the per-domain table.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainRow {
    /// Normalized policy domain; empty when reports gave none.
    pub domain: String,
    /// Unique reports mentioning it.
    pub reports: usize,
    /// Session totals under its policies.
    pub totals: Totals,
}

/// A row of the per-organization table.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    /// `organization-name`.
    pub org: String,
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
    pub sessions: u64,
    /// Failure-detail entries.
    pub details: usize,
    /// Distinct policy domains affected.
    pub domains: usize,
    /// The first affected domain (to name it in explanations).
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
}

/// A row of a breakdown by some key (policy, MX, IP).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BreakdownRow {
    /// The key (`sts (enforce)`, a hostname, an address); empty when not reported.
    pub key: String,
    /// Successful sessions (only for breakdowns by policy; failure details carry none).
    pub successful: u64,
    /// Failed sessions.
    pub failed: u64,
    /// Entries counted (policy entries or failure details).
    pub entries: usize,
}

/// Everything the summary views show, derived from the data set and a filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overview {
    /// The KPI strip.
    pub kpis: Kpis,
    /// Per policy domain, busiest first.
    pub domains: Vec<DomainRow>,
    /// Per organization, busiest first.
    pub orgs: Vec<OrgRow>,
    /// Per result type, most sessions first.
    pub result_types: Vec<ResultTypeRow>,
    /// Every failure detail, most sessions first.
    pub failures: Vec<FailureRow>,
    /// Per UTC day, in order, with no gaps between the first and last day.
    pub timeline: Vec<DayRow>,
    /// Per policy type and MTA-STS mode.
    pub policies: Vec<BreakdownRow>,
    /// Failed sessions per receiving MX host.
    pub receiving_mx: Vec<BreakdownRow>,
    /// Failed sessions per receiving IP.
    pub receiving_ip: Vec<BreakdownRow>,
    /// Failed sessions per sending MTA IP.
    pub sending_ip: Vec<BreakdownRow>,
    /// Indices (into `Dataset::reports`) of the reports with a matching entry.
    pub reports: Vec<usize>,
}

fn add_breakdown(map: &mut HashMap<String, BreakdownRow>, key: &str, successful: u64, failed: u64) {
    // Look up by &str first: a new String only for a new key.
    if !map.contains_key(key) {
        map.insert(key.to_owned(), BreakdownRow { key: key.to_owned(), successful: 0, failed: 0, entries: 0 });
    }
    let Some(row) = map.get_mut(key) else { return };
    row.successful = row.successful.saturating_add(successful);
    row.failed = row.failed.saturating_add(failed);
    row.entries += 1;
}

fn sorted_breakdown(map: HashMap<String, BreakdownRow>) -> Vec<BreakdownRow> {
    let mut v: Vec<BreakdownRow> = map.into_values().collect();
    v.sort_by(|a, b| (b.failed, b.successful).cmp(&(a.failed, a.successful)).then_with(|| a.key.cmp(&b.key)));
    v
}

impl Overview {
    /// Aggregates every unique report of `data`.
    pub fn compute(data: &Dataset) -> Overview {
        Overview::filtered(data, &Filter::default())
    }

    /// Aggregates the entries of `data` that `filter` selects.
    pub fn filtered(data: &Dataset, filter: &Filter) -> Overview {
        let mut kpis = Kpis::default();
        let mut domains: HashMap<String, DomainRow> = HashMap::new();
        let mut orgs: HashMap<&str, OrgRow> = HashMap::new();
        let mut types: HashMap<&str, (u64, usize, Vec<String>)> = HashMap::new();
        let mut days: HashMap<Day, Totals> = HashMap::new();
        let mut policies = HashMap::new();
        let mut receiving_mx = HashMap::new();
        let mut receiving_ip = HashMap::new();
        let mut sending_ip = HashMap::new();
        let mut failures = Vec::new();
        let mut reports = Vec::new();
        let mut last_report = None;
        let mut seen_domains: Vec<std::borrow::Cow<'_, str>> = Vec::new();
        for e in filter.entries(data) {
            let (ri, pi, r, p, domain) = (e.report_index, e.policy_index, e.report, e.policy, e.domain);
            let day = Day::of(r.date_range.start);
            if last_report != Some(ri) {
                // The first selected entry of a report.
                last_report = Some(ri);
                seen_domains.clear();
                reports.push(ri);
                kpis.reports += 1;
                let org = orgs.entry(r.organization_name.as_str()).or_insert_with(|| OrgRow {
                    org: r.organization_name.clone(),
                    reports: 0,
                    totals: Totals::default(),
                });
                org.reports += 1;
            }
            let (ok, bad) = (p.summary.successful, p.summary.failed);
            kpis.totals.add(ok, bad);
            if let Some(org) = orgs.get_mut(r.organization_name.as_str()) {
                org.totals.add(ok, bad);
            }
            days.entry(day).or_default().add(ok, bad);
            add_breakdown(&mut policies, &policy_label(p), ok, bad);
            if !domains.contains_key(domain.as_ref()) {
                let row = DomainRow { domain: domain.to_string(), reports: 0, totals: Totals::default() };
                domains.insert(domain.to_string(), row);
            }
            if let Some(row) = domains.get_mut(domain.as_ref()) {
                row.totals.add(ok, bad);
                if !seen_domains.contains(&domain) {
                    row.reports += 1;
                    seen_domains.push(domain.clone());
                }
            }
            for (di, d) in p.failure_details.iter().enumerate().filter(|(_, d)| filter.detail_matches(d)) {
                let n = d.failed_session_count;
                let t = types.entry(d.result_type.as_str()).or_default();
                t.0 = t.0.saturating_add(n);
                t.1 += 1;
                if !t.2.iter().any(|d| *d == domain) {
                    t.2.push(domain.to_string());
                }
                add_breakdown(&mut receiving_mx, d.receiving_mx_hostname.as_deref().unwrap_or(""), 0, n);
                add_breakdown(&mut receiving_ip, d.receiving_ip.as_deref().unwrap_or(""), 0, n);
                add_breakdown(&mut sending_ip, d.sending_mta_ip.as_deref().unwrap_or(""), 0, n);
                failures.push(FailureRow { report: ri, policy: pi, detail: di, count: n, day });
            }
        }
        kpis.organizations = orgs.len();
        kpis.domains = domains.len();
        let mut domains: Vec<DomainRow> = domains.into_values().collect();
        domains.sort_by(|a, b| b.totals.sessions().cmp(&a.totals.sessions()).then_with(|| a.domain.cmp(&b.domain)));
        let mut orgs: Vec<OrgRow> = orgs.into_values().collect();
        orgs.sort_by(|a, b| b.reports.cmp(&a.reports).then_with(|| a.org.cmp(&b.org)));
        let mut result_types: Vec<ResultTypeRow> = types
            .into_iter()
            .map(|(t, (sessions, details, doms))| ResultTypeRow {
                result_type: t.to_owned(),
                sessions,
                details,
                domains: doms.len(),
                first_domain: doms.first().cloned().unwrap_or_default(),
            })
            .collect();
        result_types.sort_by(|a, b| b.sessions.cmp(&a.sessions).then_with(|| a.result_type.cmp(&b.result_type)));
        failures.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.day.cmp(&b.day)));
        Overview {
            kpis,
            domains,
            orgs,
            result_types,
            failures,
            timeline: timeline(days),
            policies: sorted_breakdown(policies),
            receiving_mx: sorted_breakdown(receiving_mx),
            receiving_ip: sorted_breakdown(receiving_ip),
            sending_ip: sorted_breakdown(sending_ip),
            reports,
        }
    }
}

/// Days in order, with empty days filled in so gaps show as gaps.
/// Ranges longer than ~10 years are not filled (a stray date would blow it up).
fn timeline(days: HashMap<Day, Totals>) -> Vec<DayRow> {
    let (Some(first), Some(last)) = (days.keys().min().copied(), days.keys().max().copied()) else {
        return Vec::new();
    };
    if last.0 - first.0 > 3700 {
        let mut v: Vec<DayRow> = days.into_iter().map(|(day, totals)| DayRow { day, totals }).collect();
        v.sort_by_key(|r| r.day);
        return v;
    }
    (first.0..=last.0).map(|d| DayRow { day: Day(d), totals: days.get(&Day(d)).copied().unwrap_or_default() }).collect()
}
