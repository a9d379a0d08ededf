//! The RFC 8460 report model, normalized.
//!
//! Field docs paraphrase RFC 8460 section 4. Every `Option` says who leaves it
//! out in practice; the parser fills these types from whatever a reporter sent
//! and records each deviation as a [`Warning`](super::Warning).

use super::datetime::UnixSeconds;

/// One aggregate TLS report (RFC 8460 section 4.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// `organization-name`: who sent the report (e.g. "Google Inc.").
    pub organization_name: String,
    /// `report-id`: unique per reporter; with the organization, the de-duplication key.
    pub report_id: String,
    /// `contact-info`: how to reach the reporter. Stalwart-style reporters send `null`.
    pub contact_info: Option<String>,
    /// `date-range`: the reporting period.
    pub date_range: DateRange,
    /// `policies`: one entry per policy the reporter applied.
    pub policies: Vec<PolicyResult>,
    /// Top-level fields RFC 8460 does not define, kept verbatim.
    pub extra: Vec<(String, serde_json::Value)>,
}

/// `date-range`: the period the report covers, as parsed instants (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    /// `start-datetime`, seconds since the epoch.
    pub start: UnixSeconds,
    /// `end-datetime`, seconds since the epoch.
    pub end: UnixSeconds,
}

/// One entry of `policies`: a policy and what happened under it.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyResult {
    /// `policy`: which policy was applied.
    pub policy: Policy,
    /// `summary`: session totals under this policy.
    pub summary: Summary,
    /// `failure-details`: optional; absent or empty when every session succeeded.
    pub failure_details: Vec<FailureDetail>,
}

/// `policy`: the policy a sender evaluated (RFC 8460 section 4.4).
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `policy-type`: `sts`, `tlsa` or `no-policy-found`; unknown values are kept.
    pub policy_type: PolicyType,
    /// `policy-string`: the MTA-STS policy lines or TLSA records. Google splits on LF only,
    /// Microsoft packs TLSA records as a JSON array inside one string; both are normalized.
    pub policy_string: Vec<String>,
    /// `policy-domain`: the domain the policy is for. The Postfix reporter omits it for
    /// `no-policy-found`.
    pub policy_domain: Option<String>,
    /// `mx-host`: MX patterns from the policy. A string in the RFC example, an array
    /// per erratum 6241; Microsoft omits it.
    pub mx_host: Vec<String>,
}

/// `summary`: totals over every session under one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// `total-successful-session-count`.
    pub successful: u64,
    /// `total-failure-session-count`. Some reporters leave it out when it is zero.
    pub failed: u64,
}

/// One entry of `failure-details` (RFC 8460 section 4.3).
#[derive(Debug, Clone, PartialEq)]
pub struct FailureDetail {
    /// `result-type`: why the sessions failed.
    pub result_type: ResultType,
    /// `sending-mta-ip`: the sender's address. Microsoft and mail.ru omit it for
    /// policy-fetch errors.
    pub sending_mta_ip: Option<String>,
    /// `receiving-mx-hostname`: the MX the sender tried. Omitted by the same reporters.
    pub receiving_mx_hostname: Option<String>,
    /// `receiving-mx-helo`: the name the MX greeted with.
    pub receiving_mx_helo: Option<String>,
    /// `receiving-ip`: the MX's address.
    pub receiving_ip: Option<String>,
    /// `failed-session-count`.
    pub failed_session_count: u64,
    /// `additional-information`: a URI with more detail.
    pub additional_information: Option<String>,
    /// `failure-reason-code`: free text (often an OpenSSL code or an error string).
    pub failure_reason_code: Option<String>,
}

/// `policy-type` (RFC 8460 section 4.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyType {
    /// An MTA-STS policy (RFC 8461).
    Sts,
    /// DANE TLSA records (RFC 7672).
    Tlsa,
    /// No policy was found; the sender used opportunistic TLS.
    NoPolicyFound,
    /// A value the RFC does not define, kept as sent.
    Other(String),
}

impl PolicyType {
    /// Maps the wire value; unknown values are kept in [`PolicyType::Other`].
    pub fn from_wire(s: &str) -> PolicyType {
        match s {
            "sts" => PolicyType::Sts,
            "tlsa" => PolicyType::Tlsa,
            "no-policy-found" => PolicyType::NoPolicyFound,
            other => PolicyType::Other(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            PolicyType::Sts => "sts",
            PolicyType::Tlsa => "tlsa",
            PolicyType::NoPolicyFound => "no-policy-found",
            PolicyType::Other(s) => s,
        }
    }
}

impl From<String> for PolicyType {
    fn from(s: String) -> PolicyType {
        PolicyType::from_wire(&s)
    }
}

impl From<PolicyType> for String {
    fn from(p: PolicyType) -> String {
        p.as_str().to_owned()
    }
}

/// The result types RFC 8460 section 4.3 defines, in its order.
pub const KNOWN_RESULT_TYPES: [&str; 11] = [
    "starttls-not-supported",
    "certificate-host-mismatch",
    "certificate-expired",
    "certificate-not-trusted",
    "validation-failure",
    "tlsa-invalid",
    "dnssec-invalid",
    "dane-required",
    "sts-policy-fetch-error",
    "sts-policy-invalid",
    "sts-webpki-invalid",
];

/// `result-type`, kept as sent. Unknown values are legal input, not errors.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResultType(pub String);

impl ResultType {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether RFC 8460 defines this result type.
    pub fn is_known(&self) -> bool {
        KNOWN_RESULT_TYPES.contains(&self.0.as_str())
    }
}

impl Report {
    /// Successful sessions under the session rule ([`Report::sessions`]).
    pub fn successful(&self) -> u128 {
        self.sessions().0
    }

    /// Failed sessions under the session rule ([`Report::sessions`]).
    pub fn failed(&self) -> u128 {
        self.sessions().1
    }
}
