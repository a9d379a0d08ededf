//! What reporters saw of each domain's policies, and where that disagrees
//! with itself or with the failures they reported.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::sts::mx_matches;
use super::Severity;
use crate::report::datetime::Day;
use crate::report::{domain_key, PolicyResult, PolicyType, Report};
use crate::vecmap::VecMap;

/// One version of a policy as reporters saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenPolicy {
    /// `sts` or `tlsa`.
    pub policy_type: String,
    /// MTA-STS mode, when it is an STS policy.
    pub mode: Option<String>,
    /// MX patterns (`mx:` lines of an STS policy).
    pub mx: Vec<String>,
    /// The policy lines (or TLSA records) as reported.
    pub lines: Vec<String>,
    /// First and last UTC day a report showed it.
    pub first: Day,
    /// Last day.
    pub last: Day,
    /// Organizations that reported it.
    pub reporters: BTreeSet<String>,
    /// Reports that showed it.
    pub reports: usize,
}

/// A cross-check result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insight {
    /// A short stable name of the rule (`reporters-disagree`,
    /// `mx-not-covered`, `ready-to-enforce`, `policy-versions`).
    pub kind: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// Plain-words message.
    pub message: String,
    /// The day it is about (the disagreement; the last clean day).
    pub day: Option<Day>,
    /// The MX host it is about, and the failed sessions that went there.
    pub host: Option<(String, u64)>,
}

/// Everything seen for one policy domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainPolicies {
    /// The policy domain.
    pub domain: String,
    /// Policy versions in order of first sight.
    pub policies: Vec<SeenPolicy>,
    /// What the cross-checks found.
    pub insights: Vec<Insight>,
}

/// Days of failure-free reports before a testing policy is called ready to enforce.
pub const READY_DAYS: i64 = 30;

/// (mode, mx patterns) → organizations that reported them.
type Variants = VecMap<(Option<String>, Vec<String>), BTreeSet<String>>;

/// What the reports said about one domain's policies, gathered before judging.
#[derive(Debug, Default)]
struct DomainAcc {
    /// Policy versions by (type, policy lines).
    seen: VecMap<(String, String), SeenPolicy>,
    /// Per day: the distinct (mode, mx) combinations and who reported them.
    by_day: VecMap<Day, Variants>,
    /// Failed sessions per MX host that no `mx` pattern covers.
    failing_mx: BTreeMap<String, u64>,
    testing_days: BTreeSet<Day>,
    failure_days: BTreeSet<Day>,
    last_day: Option<Day>,
    /// The policies of the latest entries gathered, worked out, the most
    /// recent last (at most [`RECENT`]).
    recent: Vec<WorkedPolicy>,
}

/// How many worked-out policies a domain keeps. Reporters differ in how they
/// write the same policy (line order, spacing), and their reports come
/// interleaved, so remembering only the last one worked out each policy
/// again for every other report; a few cover the variants of a policy
/// change. Bounded, so a flood of distinct policies costs a short scan each.
const RECENT: usize = 32;

/// A policy as reported, and what was worked out of it.
#[derive(Debug)]
struct WorkedPolicy {
    raw: Vec<String>,
    policy_type: PolicyType,
    /// Its MTA-STS mode and mx patterns.
    variant: (Option<String>, Vec<String>),
    /// Its version key: type, and its lines (sorted for STS).
    key: (String, String),
    /// MX hosts of failure details checked against its patterns, as written,
    /// and whether one covers them: a domain's few hosts come back in every
    /// report, and matching each against every pattern was a third of the
    /// history's work.
    hosts: Vec<(String, bool)>,
}

/// Host verdicts a worked-out policy remembers; past this, hosts are matched anew.
const HOSTS: usize = 16;

impl WorkedPolicy {
    /// Whether one of its mx patterns covers `host`.
    fn covers(&mut self, host: &str) -> bool {
        if let Some((_, covered)) = self.hosts.iter().find(|(h, _)| h == host) {
            return *covered;
        }
        let covered = self.variant.1.iter().any(|pat| mx_matches(pat, host));
        if self.hosts.len() < HOSTS {
            self.hosts.push((host.to_owned(), covered));
        }
        covered
    }
}

/// Builds the per-domain policy history and its cross-checks.
pub fn policy_insights<'a>(reports: impl IntoIterator<Item = &'a Report>) -> Vec<DomainPolicies> {
    let mut history = PolicyHistory::default();
    for r in reports {
        history.add(r);
    }
    history.insights()
}

/// The per-domain policy history, gathered one report at a time (the data
/// set keeps one up to date as reports are merged), judged on demand.
#[derive(Debug, Default)]
pub struct PolicyHistory {
    domains: BTreeMap<String, DomainAcc>,
}

impl PolicyHistory {
    /// Gathers one report.
    pub fn add(&mut self, r: &Report) {
        let day = Day::of(r.date_range.start);
        for p in &r.policies {
            let Some(domain) = p.policy.policy_domain.as_deref() else { continue };
            // Borrowed when already in normal form, as it nearly always is:
            // a key is copied only for a domain not seen before.
            let domain = domain_key(Some(domain));
            match self.domains.get_mut(&*domain) {
                Some(acc) => acc.add(r, p, day),
                None => self.domains.entry(domain.into_owned()).or_default().add(r, p, day),
            }
        }
    }

    /// Each domain's cross-checks, in domain order, without its policy
    /// versions (see [`PolicyHistory::insights`] for both); from the domain
    /// after `after`, when given, so the work can be done a slice at a time.
    /// Domains with no cross-check come with an empty list.
    pub fn domain_insights_after<'a>(
        &'a self,
        after: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a str, Vec<Insight>)> + 'a {
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.domains.range::<str, _>((from, Bound::Unbounded)).map(|(domain, acc)| (domain.as_str(), acc.insights()))
    }

    /// One page of the domains with something to show (a policy version or
    /// a cross-check): those whose cross-checks found the most severe thing
    /// first, then by name. Returns how many there are in all and the page,
    /// `len` domains from `start`. Only the page's domains are judged in
    /// full: a hosting provider's thousands of domains, each with its policy
    /// versions, would otherwise be copied and shown at once.
    pub fn page(&self, start: usize, len: usize) -> (usize, Vec<DomainPolicies>) {
        let mut shown: Vec<(Option<Severity>, &str, &DomainAcc)> = self
            .domains
            .iter()
            .filter_map(|(domain, acc)| {
                let worst = acc.insights().iter().map(|i| i.severity).min();
                (worst.is_some() || !acc.seen.is_empty()).then_some((worst, domain.as_str(), acc))
            })
            .collect();
        // Some(severity) sorts by severity, None (nothing found) after all;
        // names are unique, so the order is total.
        crate::sort::sort_by(&mut shown, |a, b| {
            a.0.is_none().cmp(&b.0.is_none()).then(a.0.cmp(&b.0)).then_with(|| a.1.cmp(b.1))
        });
        let total = shown.len();
        let page = shown.iter().skip(start).take(len).map(|(_, domain, acc)| acc.judge(domain)).collect();
        (total, page)
    }

    /// The history and cross-checks of every domain with something to show.
    pub fn insights(&self) -> Vec<DomainPolicies> {
        self.domains
            .iter()
            .map(|(domain, acc)| acc.judge(domain))
            .filter(|d| !d.policies.is_empty() || !d.insights.is_empty())
            .collect()
    }
}

impl DomainAcc {
    /// Gathers one policy entry of a report.
    fn add(&mut self, r: &Report, p: &PolicyResult, day: Day) {
        self.last_day = self.last_day.max(Some(day));
        if p.summary.failed > 0 {
            self.failure_days.insert(day);
        }
        let is_sts = p.policy.policy_type == PolicyType::Sts;
        if !(is_sts || p.policy.policy_type == PolicyType::Tlsa) || p.policy.policy_string.is_empty() {
            return;
        }
        // Most reports of a domain repeat a policy seen shortly before: its
        // mode, mx patterns and version key are worked out once per variant.
        let known =
            self.recent.iter().rposition(|l| l.raw == p.policy.policy_string && l.policy_type == p.policy.policy_type);
        let at = match known {
            Some(at) => at,
            None => {
                let mode = if is_sts { p.policy.sts_mode() } else { None };
                let mx = p.policy.mx_patterns();
                let mut lines: Vec<String> = p.policy.policy_string.iter().map(|l| l.trim().to_owned()).collect();
                if is_sts {
                    // Line order differs between reporters (Google keeps the file's order); compare as a set.
                    crate::sort::sort(&mut lines);
                }
                let key = (p.policy.policy_type.as_str().to_owned(), lines.join("\n"));
                if self.recent.len() == RECENT {
                    self.recent.remove(0);
                }
                self.recent.push(WorkedPolicy {
                    raw: p.policy.policy_string.clone(),
                    policy_type: p.policy.policy_type.clone(),
                    variant: (mode, mx),
                    key,
                    hosts: Vec::new(),
                });
                self.recent.len() - 1
            }
        };
        let worked = &self.recent[at];
        let (mode, mx) = (&worked.variant.0, &worked.variant.1);
        if mode.as_deref() == Some("testing") {
            self.testing_days.insert(day);
        }
        if is_sts {
            // Looked up before inserting: a key is copied only when new.
            let variants = self.by_day.get_or_insert_with(&day, || day, Variants::default);
            let orgs = variants.get_or_insert_with(&worked.variant, || worked.variant.clone(), BTreeSet::new);
            if !orgs.contains(&r.organization_name) {
                orgs.insert(r.organization_name.clone());
            }
            if !mx.is_empty() {
                for d in &p.failure_details {
                    let Some(host) = &d.receiving_mx_hostname else { continue };
                    if !self.recent[at].covers(host) {
                        *self.failing_mx.entry(host.to_ascii_lowercase()).or_default() += d.failed_session_count;
                    }
                }
            }
        }
        let worked = &self.recent[at];
        let (mode, mx) = (&worked.variant.0, &worked.variant.1);
        let e = self.seen.get_or_insert_with(
            &worked.key,
            || worked.key.clone(),
            || SeenPolicy {
                policy_type: p.policy.policy_type.as_str().to_owned(),
                mode: mode.clone(),
                mx: mx.clone(),
                lines: p.policy.policy_string.clone(),
                first: day,
                last: day,
                reporters: BTreeSet::new(),
                reports: 0,
            },
        );
        e.first = e.first.min(day);
        e.last = e.last.max(day);
        if !e.reporters.contains(&r.organization_name) {
            e.reporters.insert(r.organization_name.clone());
        }
        e.reports += 1;
    }

    /// Judges what was gathered for `domain`.
    fn judge(&self, domain: &str) -> DomainPolicies {
        let mut policies: Vec<SeenPolicy> = self.seen.values().cloned().collect();
        crate::sort::sort_by_key(&mut policies, |p| (p.first, p.last));
        DomainPolicies { domain: domain.to_owned(), policies, insights: self.insights() }
    }

    /// The cross-checks of what was gathered, without copying the policy
    /// versions (the findings need only these; at thousands of domains the
    /// copies were most of judging them).
    fn insights(&self) -> Vec<Insight> {
        let mut insights = Vec::new();
        insights.extend(self.by_day.iter().filter(|(_, v)| v.len() > 1).map(|(day, v)| disagreement(*day, v)));
        insights.extend(self.failing_mx.iter().map(|(host, n)| Insight {
            kind: "mx-not-covered",
            severity: Severity::Warning,
            message: format!("{n} failed sessions went to {host}, which no mx pattern of the policy covers: senders enforcing the policy will refuse to deliver there. Add it to the policy or remove it from the MX records."),
            day: None,
            host: Some((host.clone(), *n)),
        }));
        if let Some(last) = self.ready_to_enforce() {
            insights.push(Insight {
                kind: "ready-to-enforce",
                severity: Severity::Info,
                message: format!("The policy is in testing mode and reports show no failed sessions for the last {READY_DAYS} days (up to {last}): it looks ready for mode: enforce."),
                day: Some(last),
                host: None,
            });
        }
        let sts_versions = self.seen.values().filter(|p| p.policy_type == "sts").count();
        if sts_versions > 1 {
            insights.push(Insight {
                kind: "policy-versions",
                severity: Severity::Info,
                message: format!(
                    "Reporters saw {sts_versions} versions of the MTA-STS policy over time (listed below)."
                ),
                day: None,
                host: None,
            });
        }
        insights
    }

    /// The last day of data, when a testing policy has been failure-free for
    /// [`READY_DAYS`] up to it.
    fn ready_to_enforce(&self) -> Option<Day> {
        let last = self.last_day?;
        let first_testing = self.testing_days.iter().next()?;
        let since = Day(last.0 - READY_DAYS + 1);
        let clean = !self.failure_days.iter().any(|d| *d >= since);
        let still_testing = self.testing_days.iter().next_back().is_some_and(|d| d.0 >= since.0);
        (clean && still_testing && last.0 - first_testing.0 + 1 >= READY_DAYS).then_some(last)
    }
}

/// Reporters saw different MTA-STS policies on one day.
fn disagreement(day: Day, variants: &Variants) -> Insight {
    let desc = variants
        .iter()
        .map(|((mode, mx), orgs)| {
            format!(
                "{} saw mode {} with mx {}",
                orgs.iter().cloned().collect::<Vec<_>>().join(", "),
                mode.as_deref().unwrap_or("?"),
                if mx.is_empty() { "(none)".to_owned() } else { mx.join(" ") }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Insight {
        kind: "reporters-disagree",
        severity: Severity::Warning,
        message: format!("On {day} reporters saw different MTA-STS policies: {desc}. Senders may cache an old policy for up to max_age; change the _mta-sts id whenever the policy changes."),
        day: Some(day),
        host: None,
    }
}
