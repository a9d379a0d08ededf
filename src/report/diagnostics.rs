//! What the parser found wrong: warnings (report kept) and errors (report rejected).
//!
//! Following x509-parser's split, parsing never stops at a deviation it can
//! interpret; it records a [`Warning`] and goes on. Only data that cannot mean
//! anything sensible becomes a [`ReportError`].

use std::fmt;

/// A deviation from RFC 8460 that the parser accepted. `path` names the field
/// (`policies[0].failure-details[1].sending-mta-ip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// JSON path of the field concerned; empty for the whole report.
    pub path: String,
    /// What deviated.
    pub kind: WarningKind,
}

/// The kinds of accepted deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// The document began with a UTF-8 byte-order mark.
    ByteOrderMark,
    /// The JSON was UTF-16 with a byte-order mark (Windows PowerShell writes it so).
    Utf16,
    /// Bytes after the end of the report (whitespace, NUL padding or junk) were ignored.
    TrailingBytes(usize),
    /// A timestamp had no zone designator and was read as UTC (Microsoft does this).
    DateWithoutZone(String),
    /// A timestamp was only a date and was read as midnight UTC.
    DateOnly(String),
    /// `end-datetime` is midnight of the next day rather than 23:59:59.
    EndAtNextMidnight,
    /// `end-datetime` is before `start-datetime`.
    EndBeforeStart,
    /// `mx-host` was a single string, not an array.
    MxHostString,
    /// An `mx-host` entry carried the `mx: ` prefix of a policy line; it was removed.
    MxHostPrefix(String),
    /// An `sts` or `tlsa` policy had no `mx-host`.
    MxHostMissing,
    /// TLSA records were packed as a JSON array inside one `policy-string` entry.
    PackedPolicyString(usize),
    /// `policy-string` entries ended in a carriage return (CRLF policy split on LF).
    PolicyStringCarriageReturn,
    /// `policy-string` was a single string, not an array.
    PolicyStringNotArray,
    /// A failure detail had no `sending-mta-ip`.
    MissingSendingIp,
    /// A failure detail had no `receiving-mx-hostname` and no `receiving-ip`.
    MissingReceivingMx,
    /// A text field was an empty string; treated as absent.
    EmptyString,
    /// A field was `null`; treated as absent.
    Null,
    /// `contact-info` was absent.
    MissingContactInfo,
    /// `policy-domain` was absent.
    MissingPolicyDomain,
    /// `failure-details` was an empty list.
    EmptyFailureDetails,
    /// The summary's failure total differs from the sum of the failure details.
    TotalsMismatch { summary: u64, details: u64 },
    /// `total-failure-session-count` was absent and taken as 0.
    MissingFailureTotal,
    /// `total-successful-session-count` was absent and taken as 0.
    MissingSuccessTotal,
    /// A `result-type` RFC 8460 does not define; kept as sent.
    UnknownResultType(String),
    /// A `policy-type` RFC 8460 does not define; kept as sent.
    UnknownPolicyType(String),
    /// `failure-reason-code` is free text rather than a code.
    FreeTextReasonCode,
    /// A pre-RFC draft field name was read as its RFC name.
    LegacyFieldName { found: String, standard: &'static str },
    /// A field RFC 8460 does not define; kept.
    UnknownField(String),
    /// A count was a JSON string or a float with no fraction; read as the integer.
    CountNotInteger,
    /// An address field does not look like an IP address.
    NotAnIpAddress(String),
    /// `policies` was an empty list.
    NoPolicies,
    /// `organization-name` or `report-id` was absent; a stand-in was used.
    MissingIdentity(&'static str),
    /// `policy-type` was absent; the policy is listed as unknown.
    MissingPolicyType,
    /// `result-type` was absent; the detail is listed as unknown.
    MissingResultType,
    /// `failed-session-count` was absent and taken as 0.
    MissingCount,
    /// `summary` was absent; its totals are taken as 0.
    MissingSummary,
    /// An e-mail header disagrees with the report; the report is believed.
    HeaderMismatch { header: String, report: String },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        use WarningKind::*;
        match &self.kind {
            ByteOrderMark => write!(f, "file starts with a UTF-8 byte-order mark (ignored)"),
            Utf16 => write!(f, "the JSON is UTF-16 text (read as such)"),
            TrailingBytes(n) => write!(f, "{n} bytes after the end of the report were ignored"),
            DateWithoutZone(s) => write!(f, "\"{s}\" has no time zone; read as UTC"),
            DateOnly(s) => write!(f, "\"{s}\" is a date without a time; read as midnight UTC"),
            EndAtNextMidnight => write!(f, "range ends at the next midnight instead of 23:59:59"),
            EndBeforeStart => write!(f, "range ends before it starts"),
            MxHostString => write!(f, "given as a string, not an array (RFC 8460 erratum 6241)"),
            MxHostPrefix(s) => write!(f, "\"{s}\" carries an \"mx:\" prefix; removed"),
            MxHostMissing => write!(f, "policy lists no mx-host"),
            PackedPolicyString(n) => write!(f, "{n} TLSA records packed as JSON inside a string; unpacked"),
            PolicyStringCarriageReturn => write!(f, "lines end in a carriage return; trimmed"),
            PolicyStringNotArray => write!(f, "a single string, not an array"),
            MissingSendingIp => write!(f, "no sending-mta-ip"),
            MissingReceivingMx => write!(f, "no receiving-mx-hostname or receiving-ip"),
            EmptyString => write!(f, "empty string; treated as absent"),
            Null => write!(f, "null; treated as absent"),
            MissingContactInfo => write!(f, "no contact-info"),
            MissingPolicyDomain => write!(f, "no policy-domain"),
            EmptyFailureDetails => write!(f, "empty list"),
            TotalsMismatch { summary, details } => {
                write!(f, "total-failure-session-count is {summary} but failure-details add up to {details}")
            }
            MissingFailureTotal => write!(f, "no total-failure-session-count; taken as 0"),
            MissingSuccessTotal => write!(f, "no total-successful-session-count; taken as 0"),
            UnknownResultType(s) => write!(f, "unknown result type \"{s}\"; kept"),
            UnknownPolicyType(s) => write!(f, "unknown policy type \"{s}\"; kept"),
            FreeTextReasonCode => write!(f, "free-text reason rather than a code"),
            LegacyFieldName { found, standard } => {
                write!(f, "pre-RFC name \"{found}\" read as \"{standard}\"")
            }
            UnknownField(s) => write!(f, "unknown field \"{s}\"; kept"),
            CountNotInteger => write!(f, "count is not a JSON integer; read as one"),
            NotAnIpAddress(s) => write!(f, "\"{s}\" is not an IP address"),
            NoPolicies => write!(f, "report lists no policies"),
            MissingIdentity(field) => write!(f, "no {field}; a stand-in was used"),
            MissingPolicyType => write!(f, "no policy-type; listed as unknown"),
            MissingResultType => write!(f, "no result-type; listed as unknown"),
            MissingCount => write!(f, "no failed-session-count; taken as 0"),
            MissingSummary => write!(f, "no summary; totals taken as 0"),
            HeaderMismatch { header, report } => {
                write!(f, "e-mail header says \"{header}\" but the report says {report}; the report is used")
            }
        }
    }
}

/// Why a report was rejected. Messages are short and lower-case; variants carry
/// the offending field and value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportError {
    /// The bytes are not valid JSON.
    Syntax { message: String, line: usize, column: usize },
    /// The JSON root is not an object.
    NotAnObject { found: &'static str },
    /// A required field is absent.
    MissingField { path: String },
    /// A field has the wrong JSON type.
    WrongType { path: String, expected: &'static str, found: &'static str },
    /// A count is negative, fractional or too large.
    BadCount { path: String, value: String, reason: &'static str },
    /// A timestamp cannot be read at all.
    BadDate { path: String, value: String },
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Syntax { message, line, column } => {
                write!(f, "not valid JSON: {message} (line {line}, column {column})")
            }
            ReportError::NotAnObject { found } => {
                write!(f, "the JSON is {found}, not a report object")
            }
            ReportError::MissingField { path } => write!(f, "required field {path} is missing"),
            ReportError::WrongType { path, expected, found } => {
                write!(f, "{path} should be {expected} but is {found}")
            }
            ReportError::BadCount { path, value, reason } => {
                write!(f, "{path} is {value}, which {reason}")
            }
            ReportError::BadDate { path, value } => {
                write!(f, "{path} \"{value}\" is not a date-time")
            }
        }
    }
}

impl std::error::Error for ReportError {}
