//! Facts about a report that every layer asks for: the domain key, the policy
//! label and MTA-STS mode, the policy's `key: value` lines, and which policy
//! entries count a report's sessions (the session rule).
//!
//! They live here, with the model, so analysis, checks and exports all read
//! the same answer from one place.

use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;

use super::model::{Policy, PolicyResult, PolicyType, Report, Summary};

/// Lower-cases a domain and drops a trailing dot, so `Example.COM.` and `example.com` agree.
pub fn normalize_domain(d: &str) -> String {
    d.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The aggregation key of a policy domain ([`normalize_domain`]), borrowed when
/// the domain is already in normal form, as it nearly always is. Empty when
/// the entry has no policy domain.
pub fn domain_key(d: Option<&str>) -> Cow<'_, str> {
    match d {
        None => Cow::Borrowed(""),
        Some(d) => {
            let t = d.trim();
            if t.ends_with('.') || t.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(normalize_domain(d))
            } else {
                Cow::Borrowed(t)
            }
        }
    }
}

/// The values of `key: value` lines of an MTA-STS policy string (key
/// case-insensitive, values trimmed), in order.
pub fn policy_values<'a>(lines: &'a [String], key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    lines.iter().filter_map(move |l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim())
    })
}

impl Policy {
    /// The normalized policy domain ([`domain_key`]); empty when there is none.
    pub fn domain_key(&self) -> Cow<'_, str> {
        domain_key(self.policy_domain.as_deref())
    }

    /// The values of the policy string's `key:` lines.
    pub fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        policy_values(&self.policy_string, key)
    }

    /// The `mode:` of an MTA-STS policy string, lower-cased.
    pub fn sts_mode(&self) -> Option<String> {
        self.values("mode").next().map(str::to_ascii_lowercase)
    }

    /// The MX patterns the policy names: its `mx:` lines, or `mx-host` when the
    /// policy string has none; lower-cased and sorted.
    pub fn mx_patterns(&self) -> Vec<String> {
        let mut mx: Vec<String> = self.values("mx").map(str::to_ascii_lowercase).collect();
        if mx.is_empty() {
            mx = self.mx_host.iter().map(|m| m.trim().to_ascii_lowercase()).collect();
        }
        crate::sort::sort(&mut mx);
        mx
    }
}

impl PolicyResult {
    /// The label for breakdowns and filters: `sts (enforce)`, `tlsa`, …
    /// Borrowed for the common cases: it is computed for every policy on every refresh.
    pub fn label(&self) -> Cow<'_, str> {
        let t = self.policy.policy_type.as_str();
        let is_sts = self.policy.policy_type == PolicyType::Sts;
        match self.policy.values("mode").next() {
            None => Cow::Borrowed(t),
            Some(m) if is_sts && m.eq_ignore_ascii_case("enforce") => Cow::Borrowed("sts (enforce)"),
            Some(m) if is_sts && m.eq_ignore_ascii_case("testing") => Cow::Borrowed("sts (testing)"),
            Some(m) if is_sts && m.eq_ignore_ascii_case("none") => Cow::Borrowed("sts (none)"),
            Some(m) => Cow::Owned(format!("{t} ({})", m.to_ascii_lowercase())),
        }
    }
}

/// The session rule: which of a report's policy entries count its sessions.
///
/// Entries that share a non-empty policy domain describe the same sessions
/// (Microsoft reports them once under `sts` and again under `tlsa`), so only
/// one of them counts: the one with the most sessions, on a tie the one with
/// more failures, and then the first. Entries without a policy domain all count.
/// `entries` gives each entry's domain key and summary; the answer is in the same order.
pub fn counted_entries<'a>(entries: impl IntoIterator<Item = (&'a str, Summary)>) -> Vec<bool> {
    let entries: Vec<(&str, Summary)> = entries.into_iter().collect();
    let rank = |s: &Summary| (u128::from(s.successful) + u128::from(s.failed), s.failed);
    let mut best: HashMap<&str, usize> = HashMap::new();
    for (i, (domain, summary)) in entries.iter().enumerate() {
        if domain.is_empty() {
            continue;
        }
        let slot = best.entry(domain).or_insert(i);
        if rank(summary) > rank(&entries[*slot].1) {
            *slot = i;
        }
    }
    entries.iter().enumerate().map(|(i, (d, _))| d.is_empty() || best.get(d) == Some(&i)).collect()
}

impl Report {
    /// Which policy entries count this report's sessions ([`counted_entries`]).
    pub fn counted(&self) -> Vec<bool> {
        if self.policies.len() == 1 {
            return vec![true];
        }
        let keys: Vec<Cow<'_, str>> = self.policies.iter().map(|p| p.policy.domain_key()).collect();
        counted_entries(keys.iter().map(AsRef::as_ref).zip(self.policies.iter().map(|p| p.summary)))
    }

    /// The report's sessions under the session rule, summed in 128 bits.
    pub fn sessions(&self) -> (u128, u128) {
        self.policies.iter().zip(self.counted()).filter(|(_, c)| *c).fold((0, 0), |(ok, bad), (p, _)| {
            (ok + u128::from(p.summary.successful), bad + u128::from(p.summary.failed))
        })
    }

    /// Policy domains this report evaluated under more than one policy entry,
    /// sorted. Their sessions are counted once ([`counted_entries`]).
    pub fn multi_policy_domains(&self) -> Vec<String> {
        // Nearly every report has one entry, or a few: those are compared
        // pairwise (a map per report was a tenth of merging one).
        const PAIRWISE: usize = 8;
        if self.policies.len() < 2 {
            return Vec::new();
        }
        if self.policies.len() <= PAIRWISE {
            let keys: Vec<Cow<'_, str>> = self.policies.iter().map(|p| p.policy.domain_key()).collect();
            let mut out: Vec<String> = Vec::new();
            for (i, k) in keys.iter().enumerate() {
                if !k.is_empty() && keys[i + 1..].contains(k) && !out.iter().any(|o| o == k) {
                    out.push(k.to_string());
                }
            }
            crate::sort::sort(&mut out);
            return out;
        }
        let mut seen: HashMap<Cow<'_, str>, usize> = HashMap::new();
        for p in &self.policies {
            let k = p.policy.domain_key();
            if !k.is_empty() {
                *seen.entry(k).or_default() += 1;
            }
        }
        let mut out: Vec<String> = seen.into_iter().filter(|(_, n)| *n > 1).map(|(d, _)| d.into_owned()).collect();
        crate::sort::sort(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ok: u64, bad: u64) -> Summary {
        Summary { successful: ok, failed: bad }
    }

    #[test]
    fn one_entry_per_domain_counts_the_busiest() {
        // Microsoft: the same 2 sessions under sts and tlsa.
        assert_eq!(counted_entries([("a.example", s(2, 0)), ("a.example", s(2, 0))]), [true, false]);
        assert_eq!(counted_entries([("a.example", s(1, 0)), ("a.example", s(3, 0))]), [false, true]);
        // A tie on sessions goes to the entry with more failures.
        assert_eq!(counted_entries([("a.example", s(3, 1)), ("a.example", s(2, 2))]), [false, true]);
        // Different domains and entries without a domain all count.
        assert_eq!(
            counted_entries([("a.example", s(1, 0)), ("b.example", s(1, 0)), ("", s(1, 0)), ("", s(1, 0))]),
            [true, true, true, true]
        );
    }

    #[test]
    fn policy_facts() {
        let lines: Vec<String> = ["version: STSv1", "Mode: Testing", "mx: B.example", "mx: a.example"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = Policy {
            policy_type: PolicyType::Sts,
            policy_string: lines,
            policy_domain: Some("Example.COM.".into()),
            mx_host: vec![],
        };
        assert_eq!(p.sts_mode().as_deref(), Some("testing"));
        assert_eq!(p.domain_key(), "example.com");
        assert_eq!(p.mx_patterns(), ["a.example", "b.example"]);
        let r = PolicyResult { policy: p, summary: s(0, 0), failure_details: vec![] };
        assert_eq!(r.label(), "sts (testing)");
        assert_eq!(domain_key(None), "");
    }

    #[test]
    fn domains_under_several_policies_whatever_the_number_of_entries() {
        let names = ["a.example", "A.example.", "b.example", "", "c.example", " b.example "];
        let mut seed = 11u64;
        for len in 0..24 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let domains: Vec<&str> = (0..len).map(|i| names[((seed >> (i % 40)) as usize + i) % names.len()]).collect();
            let report = Report {
                organization_name: "o".into(),
                report_id: "r".into(),
                contact_info: None,
                date_range: crate::report::model::DateRange { start: 0, end: 0 },
                policies: domains
                    .iter()
                    .map(|d| PolicyResult {
                        policy: Policy {
                            policy_type: PolicyType::Sts,
                            policy_string: vec![],
                            policy_domain: (!d.is_empty()).then(|| d.to_string()),
                            mx_host: vec![],
                        },
                        summary: s(1, 0),
                        failure_details: vec![],
                    })
                    .collect(),
                extra: vec![],
            };
            // The truth: normalized domains named by two entries or more.
            let mut count = std::collections::BTreeMap::<String, usize>::new();
            for d in domains.iter().filter(|d| !d.is_empty()) {
                *count.entry(normalize_domain(d)).or_default() += 1;
            }
            let want: Vec<String> = count.into_iter().filter(|(_, n)| *n > 1).map(|(d, _)| d).collect();
            assert_eq!(report.multi_policy_domains(), want, "{domains:?}");
            assert_eq!(report.counted().len(), len);
        }
    }
}
