//! Findings: what is wrong, where, since when, and what to do, ranked.
//!
//! Gather, then judge: one pass over the unique reports collects per-domain
//! and per-reporter facts (sessions per day under the session rule, failures
//! per result type and MX, policy types and modes seen); the rules then judge
//! those facts. The policy cross-checks of [`crate::check::policy_insights`]
//! are reused as findings rather than written twice.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::dataset::Dataset;
use super::Totals;
use crate::check::{Insight, PolicyHistory, Severity as CheckSeverity};
use crate::report::datetime::Day;
use crate::report::{PolicyType, Report};
use crate::vecmap::VecMap;

mod text;
use text::Text;

/// Days at the end of the data that count as "recent".
pub const RECENT_DAYS: i64 = 7;

/// Days a reporter must have gone quiet, before the last day of data, to be called silent.
pub const SILENT_DAYS: i64 = 3;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Mail to the domain is failing to arrive encrypted now.
    Critical,
    /// Something to fix or watch.
    Warning,
    /// Worth knowing; often good news.
    Info,
}

impl Severity {
    /// The `data-severity` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// A short stable name of the rule (`data-kind`).
    pub kind: &'static str,
    /// The policy domain it concerns, when it concerns one.
    pub domain: Option<String>,
    /// The MX host or reporter it concerns, when known.
    pub subject: Option<String>,
    /// The numbers its title, evidence and action are written from, when
    /// read ([`Finding::title`]): judging thousands of domains gives
    /// thousands of findings, and the page shows a few of them.
    text: Text,
    /// The result type whose explanation card says more.
    pub result_type: Option<String>,
    /// Sessions concerned (for ranking within a severity).
    pub sessions: u128,
}

/// Facts about one policy domain.
#[derive(Debug, Default)]
struct DomainFacts {
    /// Sessions per day (session rule).
    days: VecMap<Day, Totals>,
    /// Failed sessions per result type, and the first and last day seen.
    types: VecMap<String, (u128, Day, Day)>,
    /// Failed sessions per receiving MX.
    mx: VecMap<String, u128>,
    /// Sessions under `no-policy-found`, and under an STS policy.
    no_policy: u128,
    sts_entries: usize,
    /// The MTA-STS mode seen on the latest day with an STS policy.
    latest_mode: Option<(Day, String)>,
    /// Reports that evaluated it under several policies.
    multi_policy: usize,
    /// Per reporter: the days it sent a report on this domain.
    reporters: VecMap<String, BTreeSet<Day>>,
}

/// Everything the rules judge.
#[derive(Debug, Default)]
struct Facts {
    domains: BTreeMap<String, DomainFacts>,
    last_day: Option<Day>,
}

/// What the findings are judged on, gathered one report at a time: the data
/// set keeps it up to date as reports are merged, so judging at the end of a
/// load does not read every report again.
#[derive(Debug, Default)]
pub struct FindingFacts {
    facts: Facts,
    history: PolicyHistory,
}

impl FindingFacts {
    /// Gathers one unique report, with which of its entries count its
    /// sessions ([`Report::counted`]).
    pub fn add(&mut self, r: &Report, counted: &[bool]) {
        self.facts.add(r, counted);
        self.history.add(r);
    }

    /// The UTC day of the latest report's start.
    pub fn last_day(&self) -> Option<Day> {
        self.facts.last_day
    }

    /// Each domain's policy history and cross-checks (the setup checker shows them).
    pub fn policy_insights(&self) -> Vec<crate::check::DomainPolicies> {
        self.history.insights()
    }

    /// One page of them, the domains with the most severe cross-checks first
    /// (see [`PolicyHistory::page`]), and how many domains there are in all.
    pub fn policy_page(&self, start: usize, len: usize) -> (usize, Vec<crate::check::DomainPolicies>) {
        self.history.page(start, len)
    }
}

impl Facts {
    fn add(&mut self, r: &Report, counted: &[bool]) {
        let f = self;
        let day = Day::of(r.date_range.start);
        f.last_day = f.last_day.max(Some(day));
        let multi = r.multi_policy_domains();
        for (p, &counts) in r.policies.iter().zip(counted) {
            let domain = p.policy.domain_key();
            if domain.is_empty() {
                continue;
            }
            let d = match f.domains.get_mut(domain.as_ref()) {
                Some(d) => d,
                None => f.domains.entry(domain.into_owned()).or_default(),
            };
            if counts {
                d.days.get_or_insert_with(&day, || day, Totals::default).add(p.summary.successful, p.summary.failed);
            }
            d.reporters
                .get_or_insert_with(r.organization_name.as_str(), || r.organization_name.clone(), BTreeSet::new)
                .insert(day);
            match p.policy.policy_type {
                PolicyType::NoPolicyFound => {
                    d.no_policy += u128::from(p.summary.successful) + u128::from(p.summary.failed)
                }
                PolicyType::Sts => {
                    d.sts_entries += 1;
                    if let Some(mode) = p.policy.sts_mode() {
                        if d.latest_mode.as_ref().is_none_or(|(seen, _)| *seen <= day) {
                            d.latest_mode = Some((day, mode));
                        }
                    }
                }
                _ => {}
            }
            for fd in &p.failure_details {
                let n = u128::from(fd.failed_session_count);
                // Looked up by reference first: a new key only for a new type or host.
                let ty = fd.result_type.as_str();
                let t = d.types.get_or_insert_with(ty, || ty.to_owned(), || (0, day, day));
                t.0 += n;
                t.1 = t.1.min(day);
                t.2 = t.2.max(day);
                if let Some(mx) = &fd.receiving_mx_hostname {
                    let lower: Cow<'_, str> = if mx.bytes().any(|b| b.is_ascii_uppercase()) {
                        Cow::Owned(mx.to_ascii_lowercase())
                    } else {
                        Cow::Borrowed(mx)
                    };
                    *d.mx.get_or_insert_with(lower.as_ref(), || lower.clone().into_owned(), || 0) += n;
                }
            }
        }
        for m in multi {
            if let Some(d) = f.domains.get_mut(&m) {
                d.multi_policy += 1;
            }
        }
    }
}

impl DomainFacts {
    fn totals(&self, from: Option<Day>, to: Option<Day>) -> Totals {
        let mut t = Totals::default();
        for (day, v) in self.days.iter() {
            if from.is_none_or(|f| *day >= f) && to.is_none_or(|e| *day <= e) {
                t.successful += v.successful;
                t.failed += v.failed;
            }
        }
        t
    }

    fn failure_days(&self) -> (Option<Day>, Option<Day>) {
        let mut it = self.days.iter().filter(|(_, t)| t.failed > 0).map(|(d, _)| *d);
        let first = it.next();
        (first, it.next_back().or(first))
    }

    /// The key with the most sessions (the first by name among equals).
    fn top<'a>(entries: impl Iterator<Item = (&'a String, u128)>) -> Option<(&'a str, u128)> {
        entries.max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0))).map(|(k, v)| (k.as_str(), v))
    }
}

/// A share as text: `99.98 %`, with precision that never rounds a non-zero
/// share to 0 or a share below one to 100.
pub fn share(part: u128, whole: u128) -> String {
    crate::format::percent((whole > 0).then(|| part as f64 / whole as f64))
}

/// Every finding about `data`, most important first.
pub fn findings(data: &Dataset) -> Vec<Finding> {
    judge(data.finding_facts())
}

/// Every finding about the reports `gathered` has seen, most important first.
pub fn judge(gathered: &FindingFacts) -> Vec<Finding> {
    let mut judging = Judging::default();
    while !judging.step(gathered, usize::MAX) {}
    judging.finish()
}

/// The findings judged a slice of domains at a time: the rules over each
/// domain's facts, then the policy cross-checks, in domain order. At 100,000
/// domains judging them all was one task of ~130 ms in the page; in steps of
/// a few thousand domains the page stays responsive. [`judge`] is the same
/// in one step.
#[derive(Debug, Default)]
pub struct Judging {
    /// The findings so far: in the order found, or (when keeping only the
    /// first few) the best of them ranked, then those found since.
    out: Vec<Finding>,
    /// The last domain judged in the current pass.
    after: Option<String>,
    /// Whether the rules are done and the cross-checks are under way.
    checks: bool,
    done: bool,
    /// Keep only this many, the best (see [`Judging::keeping`]).
    keep: Option<usize>,
    /// Findings found, and those of them not [`Severity::Info`].
    total: usize,
    problems: usize,
}

/// What a page shows of the findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// How many findings there are.
    pub total: usize,
    /// How many of them are not [`Severity::Info`].
    pub problems: usize,
    /// The first of them, most important first, as [`judge`] ranks them.
    pub first: Vec<Finding>,
}

impl Judging {
    /// A judging that keeps only the best `n` findings (and counts the
    /// rest): at 100,000 domains there are ~150,000 findings, the page lists
    /// 500, and ranking and then dropping all of them at the end was a task
    /// of its own; pruned as they come, none is held long.
    pub fn keeping(n: usize) -> Judging {
        Judging { keep: Some(n), ..Judging::default() }
    }

    /// Judges up to `budget` more domains of `gathered`; true once every
    /// domain has been judged. `gathered` must not change between steps of
    /// one judging (start a new one when it does).
    pub fn step(&mut self, gathered: &FindingFacts, budget: usize) -> bool {
        if self.done {
            return true;
        }
        let facts = &gathered.facts;
        let Some(last) = facts.last_day else {
            self.done = true;
            return true;
        };
        let budget = budget.max(1);
        let found_before = self.out.len();
        let done = self.judge_slice(gathered, last, budget);
        for f in &self.out[found_before..] {
            self.total += 1;
            self.problems += usize::from(f.severity != Severity::Info);
        }
        if let Some(n) = self.keep {
            // Pruned once enough have come that ranking them is worth it.
            if self.out.len() > 2 * n + 1024 {
                self.out = first_ranked(std::mem::take(&mut self.out), n);
            }
        }
        done
    }

    /// One step of [`Judging::step`]: the next `budget` domains of the rules
    /// or of the cross-checks.
    fn judge_slice(&mut self, gathered: &FindingFacts, last: Day, budget: usize) -> bool {
        let facts = &gathered.facts;
        let after = self.after.take();
        let from = after.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        let mut judged = 0;
        let mut last_domain = None;
        if !self.checks {
            // About one finding per domain is common (a hosting provider's
            // failing domains): grown by doubling, the list was copied over and over.
            if self.out.capacity() == 0 && self.keep.is_none() {
                self.out.reserve(facts.domains.len());
            }
            let recent = Day(last.0 - RECENT_DAYS + 1);
            let out = &mut self.out;
            for (domain, d) in facts.domains.range::<str, _>((from, Bound::Unbounded)).take(budget) {
                failing_domain(out, domain, d, recent);
                new_failure_types(out, domain, d, recent);
                rising_failure_rate(out, domain, d, recent);
                mode_none(out, domain, d);
                no_policy_despite_sts(out, domain, d);
                double_evaluated(out, domain, d);
                silent_reporters(out, domain, d, last);
                judged += 1;
                last_domain = Some(domain.as_str());
            }
            if judged < budget {
                self.checks = true;
                return false;
            }
        } else {
            for (domain, insights) in gathered.history.domain_insights_after(after.as_deref()).take(budget) {
                policy_findings(&mut self.out, domain, insights);
                judged += 1;
                last_domain = Some(domain);
            }
            if judged < budget {
                self.done = true;
                return true;
            }
        }
        self.after = last_domain.map(str::to_owned);
        false
    }

    /// Every finding kept, most important first (all of them, unless
    /// [`Judging::keeping`] a few).
    pub fn finish(self) -> Vec<Finding> {
        let mut out = self.out;
        crate::sort::sort_by(&mut out, rank);
        out
    }

    /// The counts, and the findings kept ranked (the first `n` of
    /// [`Judging::keeping`]`(n)`).
    pub fn judged(self) -> Judged {
        let n = self.keep.unwrap_or(usize::MAX);
        Judged { total: self.total, problems: self.problems, first: first_ranked(self.out, n) }
    }
}

/// The first `n` of `out` as [`rank`] orders them, ties in the order they
/// are in `out` (a total order, so selecting the first n agrees with
/// ranking all, as [`Judging::finish`] does, and the rest are never ranked).
/// Pruning keeps that order: the kept are ranked, ties in the order found,
/// and everything after them was found later.
fn first_ranked(out: Vec<Finding>, n: usize) -> Vec<Finding> {
    let order = crate::sort::first(out.len(), n, &|a, b| rank(&out[a], &out[b]).then(a.cmp(&b)));
    let mut slots: Vec<Option<Finding>> = out.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Findings' order: by severity, then the most sessions, then domain.
fn rank(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    a.severity.cmp(&b.severity).then_with(|| b.sessions.cmp(&a.sessions)).then_with(|| a.domain.cmp(&b.domain))
}

/// A domain with failed sessions: by failure type and MX.
fn failing_domain(out: &mut Vec<Finding>, domain: &str, d: &DomainFacts, recent: Day) {
    let all = d.totals(None, None);
    if all.failed == 0 {
        return;
    }
    let recent_failed = d.totals(Some(recent), None).failed;
    let severity = if recent_failed > 0 { Severity::Critical } else { Severity::Warning };
    let top_type = DomainFacts::top(d.types.iter().map(|(k, v)| (k, v.0)));
    let top_mx = DomainFacts::top(d.mx.iter().map(|(k, v)| (k, *v)));
    let (first, last) = d.failure_days();
    out.push(Finding {
        severity,
        kind: "failing-domain",
        domain: Some(domain.to_owned()),
        subject: top_mx.map(|(m, _)| m.to_owned()),
        text: Text::FailingDomain { all, recent_failed, top_type_sessions: top_type.map(|(_, n)| n), first, last },
        result_type: top_type.map(|(t, _)| t.to_owned()),
        sessions: all.failed,
    });
}

/// A failure type first seen in the last days of data, with data before them.
fn new_failure_types(out: &mut Vec<Finding>, domain: &str, d: &DomainFacts, recent: Day) {
    let had_before = d.days.iter().next().is_some_and(|(first, _)| *first < recent);
    if !had_before {
        return;
    }
    for (t, &(n, first, last)) in d.types.iter() {
        if first >= recent {
            out.push(Finding {
                severity: Severity::Warning,
                kind: "new-failure-type",
                domain: Some(domain.to_owned()),
                subject: None,
                text: Text::NewFailureType { failed: n, first, last, recent },
                result_type: Some(t.clone()),
                sessions: n,
            });
        }
    }
}

/// A domain whose failure rate in the last days is at least twice what it was before.
fn rising_failure_rate(out: &mut Vec<Finding>, domain: &str, d: &DomainFacts, recent: Day) {
    let before = d.totals(None, Some(Day(recent.0 - 1)));
    let now = d.totals(Some(recent), None);
    let (Some(rate_now), Some(rate_before)) = (now.failure_rate(), before.failure_rate()) else { return };
    if now.failed == 0 || rate_now < 2.0 * rate_before {
        return;
    }
    out.push(Finding {
        severity: Severity::Warning,
        kind: "failure-rate-rising",
        domain: Some(domain.to_owned()),
        subject: None,
        text: Text::RisingRate { now, before, recent },
        result_type: None,
        sessions: now.failed,
    });
}

/// The latest MTA-STS policy seen is in mode `none`.
fn mode_none(out: &mut Vec<Finding>, domain: &str, d: &DomainFacts) {
    let Some((day, mode)) = &d.latest_mode else { return };
    if mode != "none" {
        return;
    }
    out.push(Finding {
        severity: Severity::Warning,
        kind: "mode-none",
        domain: Some(domain.to_owned()),
        subject: None,
        text: Text::ModeNone { day: *day },
        result_type: None,
        sessions: d.totals(None, None).sessions(),
    });
}

/// Some reporters found no policy for a domain that others saw an MTA-STS policy for.
fn no_policy_despite_sts(out: &mut Vec<Finding>, domain: &str, d: &DomainFacts) {
    if d.no_policy == 0 || d.sts_entries == 0 {
        return;
    }
    out.push(Finding {
        severity: Severity::Warning,
        kind: "no-policy-despite-sts",
        domain: Some(domain.to_owned()),
        subject: None,
        text: Text::NoPolicyDespiteSts,
        result_type: None,
        sessions: d.no_policy,
    });
}

/// Reports that gave the same sessions under several policies.
fn double_evaluated(out: &mut Vec<Finding>, domain: &str, d: &DomainFacts) {
    if d.multi_policy == 0 {
        return;
    }
    out.push(Finding {
        severity: Severity::Info,
        kind: "double-evaluated",
        domain: Some(domain.to_owned()),
        subject: None,
        text: Text::DoubleEvaluated { reports: d.multi_policy },
        result_type: None,
        sessions: 0,
    });
}

/// A reporter that sent reports daily, then stopped before the last day of data.
fn silent_reporters(out: &mut Vec<Finding>, domain: &str, d: &DomainFacts, last: Day) {
    for (org, days) in d.reporters.iter() {
        let Some(&until) = days.iter().next_back() else { continue };
        let gap = last.0 - until.0;
        // Daily: each of the three days up to its last report had one.
        let daily = (0..3).all(|k| days.contains(&Day(until.0 - k)));
        if gap < SILENT_DAYS || !daily {
            continue;
        }
        out.push(Finding {
            severity: Severity::Warning,
            kind: "reporter-silent",
            domain: Some(domain.to_owned()),
            subject: Some(org.clone()),
            text: Text::ReporterSilent { until, last },
            result_type: None,
            sessions: 0,
        });
    }
}

/// A domain's policy cross-checks (reporters disagreeing, MX not covered,
/// ready to enforce) as findings.
fn policy_findings(out: &mut Vec<Finding>, domain: &str, insights: Vec<Insight>) {
    for i in insights {
        let severity = match i.kind {
            "reporters-disagree" => Severity::Warning,
            "mx-not-covered" => Severity::Critical,
            "ready-to-enforce" => Severity::Info,
            _ => continue,
        };
        let severity = if i.severity == CheckSeverity::Error { Severity::Critical } else { severity };
        out.push(Finding {
            severity,
            kind: i.kind,
            domain: Some(domain.to_owned()),
            subject: i.host.as_ref().map(|(h, _)| h.clone()),
            // The day a disagreement is about narrows its filter.
            text: Text::Policy { evidence: i.message, day: i.day.filter(|_| i.kind == "reporters-disagree") },
            result_type: None,
            sessions: i.host.map_or(0, |(_, n)| u128::from(n)),
        });
    }
}

/// The line the panel shows when nothing is wrong (or above the findings).
pub fn all_clear(data: &Dataset, overview: &super::Overview) -> String {
    let t = overview.kpis.totals;
    // Gathered as reports merged: not a walk over every report on each refresh.
    let facts_last = data.finding_facts().last_day();
    let recent_failed: u128 = match facts_last {
        Some(last) => {
            overview.timeline.iter().filter(|d| d.day.0 > last.0 - RECENT_DAYS).map(|d| d.totals.failed).sum()
        }
        None => 0,
    };
    let n = overview.kpis.domains;
    format!(
        "{} {n} domain{}: {} of {} sessions encrypted; {} in the last {RECENT_DAYS} days",
        if n == 1 { "The" } else { "All" },
        if n == 1 { "" } else { "s" },
        share(t.successful, t.sessions()),
        crate::format::compact(t.sessions()),
        if recent_failed == 0 {
            "no failures".to_owned()
        } else {
            format!("{} failed sessions", crate::format::count(recent_failed))
        }
    )
}
