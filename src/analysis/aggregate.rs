//! Aggregation of unique reports into the numbers and tables the page shows.

use std::collections::HashMap;

use super::dataset::{normalize_domain, Dataset};
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
}

/// One failure detail, flattened with its context.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureRow {
    /// Index of the unique report it came from.
    pub report: usize,
    /// `result-type`.
    pub result_type: String,
    /// Normalized policy domain.
    pub domain: String,
    /// `policy-type`.
    pub policy_type: String,
    /// `receiving-mx-hostname`.
    pub receiving_mx: String,
    /// `receiving-ip`.
    pub receiving_ip: String,
    /// `sending-mta-ip`.
    pub sending_ip: String,
    /// `failed-session-count`.
    pub count: u64,
    /// `failure-reason-code`.
    pub reason: String,
    /// `organization-name`.
    pub org: String,
    /// The UTC day of `start-datetime`.
    pub day: Day,
}

/// Everything the summary views show, derived from the data set.
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
}

impl Overview {
    /// Aggregates every unique report of `data`.
    pub fn compute(data: &Dataset) -> Overview {
        let mut kpis = Kpis::default();
        let mut domains: HashMap<String, DomainRow> = HashMap::new();
        let mut orgs: HashMap<&str, OrgRow> = HashMap::new();
        let mut types: HashMap<&str, (u64, usize, Vec<String>)> = HashMap::new();
        let mut failures = Vec::new();
        for (ri, stored) in data.reports().iter().enumerate() {
            let r = &stored.report;
            kpis.reports += 1;
            let org = orgs.entry(r.organization_name.as_str()).or_insert_with(|| OrgRow {
                org: r.organization_name.clone(),
                reports: 0,
                totals: Totals::default(),
            });
            org.reports += 1;
            let day = Day::of(r.date_range.start);
            let mut seen_domains: Vec<String> = Vec::new();
            for p in &r.policies {
                let domain = p.policy.policy_domain.as_deref().map(normalize_domain).unwrap_or_default();
                let (ok, bad) = (p.summary.successful, p.summary.failed);
                kpis.totals.add(ok, bad);
                org.totals.add(ok, bad);
                let row = domains.entry(domain.clone()).or_insert_with(|| DomainRow {
                    domain: domain.clone(),
                    reports: 0,
                    totals: Totals::default(),
                });
                row.totals.add(ok, bad);
                if !seen_domains.contains(&domain) {
                    row.reports += 1;
                    seen_domains.push(domain.clone());
                }
                for d in &p.failure_details {
                    let t = types.entry(d.result_type.as_str()).or_default();
                    t.0 = t.0.saturating_add(d.failed_session_count);
                    t.1 += 1;
                    if !t.2.contains(&domain) {
                        t.2.push(domain.clone());
                    }
                    failures.push(FailureRow {
                        report: ri,
                        result_type: d.result_type.as_str().to_owned(),
                        domain: domain.clone(),
                        policy_type: p.policy.policy_type.as_str().to_owned(),
                        receiving_mx: d.receiving_mx_hostname.clone().unwrap_or_default(),
                        receiving_ip: d.receiving_ip.clone().unwrap_or_default(),
                        sending_ip: d.sending_mta_ip.clone().unwrap_or_default(),
                        count: d.failed_session_count,
                        reason: d.failure_reason_code.clone().unwrap_or_default(),
                        org: r.organization_name.clone(),
                        day,
                    });
                }
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
            })
            .collect();
        result_types.sort_by(|a, b| b.sessions.cmp(&a.sessions).then_with(|| a.result_type.cmp(&b.result_type)));
        failures.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.day.cmp(&b.day)));
        Overview { kpis, domains, orgs, result_types, failures }
    }
}
