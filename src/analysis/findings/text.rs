//! What a finding says, written when it is read.
//!
//! The rules keep the numbers a finding is about ([`Text`]); its title,
//! evidence and action are written from them on demand. A hosting provider's
//! reports give thousands of findings, of which the page shows six until
//! "Show all": writing every text up front was most of judging them (at
//! 3,000 domains, about two thirds of the instructions). So are the filters
//! that show a finding's evidence, made when it is picked.

use super::{share, Finding, RECENT_DAYS};
use crate::analysis::explain::explain;
use crate::analysis::{Filter, Totals};
use crate::format::{count, Fixed};
use crate::report::datetime::Day;

/// The numbers behind a finding's words, one variant per rule. The domain,
/// the subject (MX host or reporter), the result type and the sessions are
/// the finding's own fields.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Text {
    /// Failed sessions at a domain: its totals, the failures in the recent
    /// days, the top result type's failures and the days failures were seen.
    FailingDomain {
        all: Totals,
        recent_failed: u128,
        top_type_sessions: Option<u128>,
        first: Option<Day>,
        last: Option<Day>,
    },
    /// A result type first seen recently: its failures and days.
    NewFailureType { failed: u128, first: Day, last: Day, recent: Day },
    /// The recent failure rate against the one before.
    RisingRate { now: Totals, before: Totals, recent: Day },
    /// The latest MTA-STS policy, seen on `day`, is in mode none.
    ModeNone { day: Day },
    /// Sessions under no-policy-found beside an MTA-STS policy.
    NoPolicyDespiteSts,
    /// Reports that listed the domain under several policies.
    DoubleEvaluated { reports: usize },
    /// A daily reporter gone quiet after `until`; the data ends on `last`.
    ReporterSilent { until: Day, last: Day },
    /// A policy cross-check, with its own evidence line, and the day it is
    /// about when its filter narrows to one (reporters disagreeing).
    Policy { evidence: String, day: Option<Day> },
}

impl Finding {
    fn domain_name(&self) -> &str {
        self.domain.as_deref().unwrap_or_default()
    }

    fn subject_name(&self) -> &str {
        self.subject.as_deref().unwrap_or_default()
    }

    fn type_name(&self) -> &str {
        self.result_type.as_deref().unwrap_or_default()
    }

    /// One line saying what is wrong.
    pub fn title(&self) -> String {
        let domain = self.domain_name();
        match &self.text {
            Text::FailingDomain { all, top_type_sessions, .. } => {
                let mut title = format!("{domain}: {} failed TLS sessions", count(all.failed));
                if let (Some(t), Some(n)) = (&self.result_type, top_type_sessions) {
                    title.push_str(&format!(", mostly {t} ({})", share(*n, all.failed.max(*n))));
                }
                if let Some(mx) = &self.subject {
                    title.push_str(&format!(" at {mx}"));
                }
                title
            }
            Text::NewFailureType { first, .. } => {
                format!("{domain}: a new kind of failure, {}, since {first}", self.type_name())
            }
            Text::RisingRate { now, before, .. } => {
                let rate_now = now.failure_rate().unwrap_or_default();
                let rate_before = before.failure_rate().unwrap_or_default();
                format!(
                    "{domain}: the failure rate of the last {RECENT_DAYS} days is {} the rate before",
                    if rate_before == 0.0 {
                        "up from zero,".to_owned()
                    } else {
                        format!("{}×", Fixed(rate_now / rate_before, 1))
                    }
                )
            }
            Text::ModeNone { .. } => format!("{domain}: the MTA-STS policy is in mode none"),
            Text::NoPolicyDespiteSts => {
                format!("{domain}: some senders found no policy, although others saw its MTA-STS policy")
            }
            Text::DoubleEvaluated { .. } => {
                format!("{domain}: some reporters evaluated the same sessions under several policies")
            }
            Text::ReporterSilent { until, .. } => {
                format!("{} stopped sending reports for {domain} after {until}", self.subject_name())
            }
            Text::Policy { .. } => match self.kind {
                "reporters-disagree" => format!("{domain}: reporters saw different MTA-STS policies on the same day"),
                "mx-not-covered" => format!("{domain}: a failing MX is not covered by the policy's mx patterns"),
                _ => format!("{domain}: the testing policy looks ready to enforce"),
            },
        }
    }

    /// The evidence in numbers: sessions, share, first and last day.
    pub fn evidence(&self) -> String {
        match &self.text {
            Text::FailingDomain { all, recent_failed, first, last, .. } => {
                let when = match (first, last) {
                    (Some(f), Some(l)) if f != l => format!("from {f} to {l}"),
                    (Some(f), _) => format!("on {f}"),
                    _ => String::new(),
                };
                format!(
                    "{} of {} sessions failed ({}), {when}; {} in the last {RECENT_DAYS} days",
                    count(all.failed),
                    count(all.sessions()),
                    share(all.failed, all.sessions()),
                    count(*recent_failed),
                )
            }
            Text::NewFailureType { failed, first, last, recent } => {
                format!("{} failed sessions from {first} to {last}; none before {recent}", count(*failed))
            }
            Text::RisingRate { now, before, recent } => format!(
                "{} of sessions failed since {recent} against {} before",
                share(now.failed, now.sessions()),
                share(before.failed, before.sessions())
            ),
            Text::ModeNone { day } => format!("the latest policy reporters saw, on {day}, says mode: none"),
            Text::NoPolicyDespiteSts => format!("{} sessions under no-policy-found", count(self.sessions)),
            Text::DoubleEvaluated { reports } => format!(
                "{} reports list the domain under more than one policy (as Microsoft does for sts and tlsa); their sessions are counted once",
                count(*reports as u64)
            ),
            Text::ReporterSilent { until, last } => {
                format!("daily reports until {until}, then none for {} days (the data ends {last})", last.0 - until.0)
            }
            Text::Policy { evidence, .. } => evidence.clone(),
        }
    }

    /// The filters that show its evidence.
    pub fn filter(&self) -> Filter {
        let base = Filter { domain: self.domain.clone(), ..Filter::default() };
        match &self.text {
            Text::FailingDomain { .. } => Filter { problems_only: true, ..base },
            Text::NewFailureType { first, .. } => {
                Filter { result_type: self.result_type.clone(), from: Some(*first), ..base }
            }
            Text::RisingRate { recent, .. } => Filter { from: Some(*recent), ..base },
            Text::ModeNone { .. } => Filter { policy: Some("sts (none)".into()), ..base },
            Text::NoPolicyDespiteSts => Filter { policy: Some("no-policy-found".into()), ..base },
            Text::DoubleEvaluated { .. } => base,
            Text::ReporterSilent { .. } => Filter { org: self.subject.clone(), ..base },
            Text::Policy { day, .. } => Filter { receiving_mx: self.subject.clone(), from: *day, to: *day, ..base },
        }
    }

    /// One line on what to do.
    pub fn action(&self) -> String {
        let domain = self.domain_name();
        match &self.text {
            Text::FailingDomain { .. } => match &self.result_type {
                Some(t) => explain(t, domain).fix,
                None => "Open the failure details to see what reporters saw.".into(),
            },
            Text::NewFailureType { .. } => explain(self.type_name(), domain).fix,
            Text::RisingRate { .. } => {
                "Look at what changed recently: a certificate, an MX, the MTA-STS policy or a firewall.".into()
            }
            Text::ModeNone { .. } => "Mode none withdraws the policy: senders stop enforcing TLS. Publish mode: testing or enforce unless you mean to retire MTA-STS.".into(),
            Text::NoPolicyDespiteSts => format!("Check that https://mta-sts.{domain}/.well-known/mta-sts.txt is reachable from everywhere (certificate, redirects, IPv6) and that the _mta-sts TXT record resolves."),
            Text::DoubleEvaluated { .. } => {
                "Nothing to fix: totals count each session once; the per-policy breakdown shows every evaluation.".into()
            }
            Text::ReporterSilent { .. } => format!(
                "Check that the rua= address of _smtp._tls.{domain} still accepts mail, and that reports from {} are not filtered as spam.",
                self.subject_name()
            ),
            Text::Policy { .. } => match self.kind {
                "reporters-disagree" => "Change the id in the _mta-sts TXT record whenever the policy file changes, so senders fetch the new one.".into(),
                "mx-not-covered" => "Add the host to the policy's mx lines, or remove it from the MX records.".into(),
                _ => "Switch the policy to mode: enforce and change the _mta-sts id.".into(),
            },
        }
    }
}
