//! Lenient RFC 8460 parsing: JSON bytes to a [`Report`] plus warnings.

use std::fmt;

use serde_json::{Map, Value};

use super::datetime::{parse_timestamp, Leniency, DAY};
use super::diagnostics::{ReportError, Warning, WarningKind};
use super::model::*;

/// Largest count accepted: 2^53 - 1, so every count stays exact in JavaScript
/// and in `data-*` attributes. Anything above is nonsense for a daily report.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// A parsed report and the deviations it showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The normalized report.
    pub report: Report,
    /// Every accepted deviation, in document order.
    pub warnings: Vec<Warning>,
}

/// Parses one report from JSON bytes (a UTF-8 BOM is allowed).
pub fn parse_report(bytes: &[u8]) -> Result<Parsed, ReportError> {
    let mut cx = Cx::default();
    let body = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => {
            cx.warn(&Path::ROOT, WarningKind::ByteOrderMark);
            rest
        }
        None => bytes,
    };
    let value: Value = serde_json::from_slice(body).map_err(syntax_error)?;
    let report = report_from_value(&mut cx, value, || fnv1a(body))?;
    Ok(Parsed { report, warnings: cx.warnings })
}

/// Parses one report from an already decoded JSON value.
pub fn parse_value(value: Value) -> Result<Parsed, ReportError> {
    let mut cx = Cx::default();
    let report = report_from_value(&mut cx, value, || 0)?;
    Ok(Parsed { report, warnings: cx.warnings })
}

fn syntax_error(e: serde_json::Error) -> ReportError {
    // serde_json's Display appends " at line L column C"; we carry those as fields.
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    };
    ReportError::Syntax { message, line: e.line(), column: e.column() }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A JSON path built only when a warning or error needs it.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    const ROOT: Path<'static> = Path { parent: None, seg: Seg::Root };

    fn key(&'a self, k: &'a str) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Key(k) }
    }

    fn index(&'a self, i: usize) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Index(i) }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.parent {
            p.fmt(f)?;
        }
        match self.seg {
            Seg::Root => Ok(()),
            Seg::Key(k) if matches!(self.parent.map(|p| p.seg), Some(Seg::Root) | None) => f.write_str(k),
            Seg::Key(k) => write!(f, ".{k}"),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

#[derive(Default)]
struct Cx {
    warnings: Vec<Warning>,
}

impl Cx {
    fn warn(&mut self, path: &Path<'_>, kind: WarningKind) {
        self.warnings.push(Warning { path: path.to_string(), kind });
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong_type(path: &Path<'_>, expected: &'static str, found: &Value) -> ReportError {
    ReportError::WrongType { path: path.to_string(), expected, found: type_name(found) }
}

/// Removes a field, also under a pre-RFC alias (with a warning when the alias was used).
fn take(
    cx: &mut Cx,
    obj: &mut Map<String, Value>,
    path: &Path<'_>,
    key: &'static str,
    alias: Option<&str>,
) -> Option<Value> {
    if let Some(v) = obj.remove(key) {
        return Some(v);
    }
    let alias = alias?;
    let v = obj.remove(alias)?;
    cx.warn(&path.key(alias), WarningKind::LegacyFieldName { found: alias.to_owned(), standard: key });
    Some(v)
}

/// An optional text field: `null` and `""` count as absent, with a warning.
fn opt_text(cx: &mut Cx, v: Option<Value>, path: &Path<'_>) -> Result<Option<String>, ReportError> {
    match v {
        None => Ok(None),
        Some(Value::Null) => {
            cx.warn(path, WarningKind::Null);
            Ok(None)
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            cx.warn(path, WarningKind::EmptyString);
            Ok(None)
        }
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(path, "a string", &other)),
    }
}

/// A session count: a non-negative integer up to [`MAX_COUNT`].
fn count(cx: &mut Cx, v: Value, path: &Path<'_>) -> Result<u64, ReportError> {
    let bad = |value: String, reason| ReportError::BadCount { path: path.to_string(), value, reason };
    let n = match &v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u
            } else if n.as_i64().is_some() {
                return Err(bad(n.to_string(), "is negative"));
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f < 0.0 {
                    return Err(bad(n.to_string(), "is negative"));
                }
                if f.fract() != 0.0 || !f.is_finite() {
                    return Err(bad(n.to_string(), "is not a whole number"));
                }
                if f > MAX_COUNT as f64 {
                    return Err(bad(n.to_string(), "is out of range"));
                }
                cx.warn(path, WarningKind::CountNotInteger);
                f as u64
            }
        }
        Value::String(s) => match s.trim().parse::<u64>() {
            Ok(u) => {
                cx.warn(path, WarningKind::CountNotInteger);
                u
            }
            Err(_) => return Err(wrong_type(path, "a non-negative integer", &v)),
        },
        other => return Err(wrong_type(path, "a non-negative integer", other)),
    };
    if n > MAX_COUNT {
        return Err(bad(n.to_string(), "is out of range"));
    }
    Ok(n)
}

fn object(v: Value, path: &Path<'_>) -> Result<Map<String, Value>, ReportError> {
    match v {
        Value::Object(m) => Ok(m),
        other => Err(wrong_type(path, "an object", &other)),
    }
}

fn report_from_value(cx: &mut Cx, value: Value, fallback_id: impl FnOnce() -> u64) -> Result<Report, ReportError> {
    let root = Path::ROOT;
    let mut obj = match value {
        Value::Object(m) => m,
        other => return Err(ReportError::NotAnObject { found: type_name(&other) }),
    };

    let date_path = root.key("date-range");
    let date_range = match obj.remove("date-range") {
        Some(v) => date_range(cx, object(v, &date_path)?, &date_path)?,
        None => return Err(ReportError::MissingField { path: "date-range".into() }),
    };
    let pol_path = root.key("policies");
    let policies = match obj.remove("policies") {
        Some(Value::Array(items)) => {
            if items.is_empty() {
                cx.warn(&pol_path, WarningKind::NoPolicies);
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(policy_result(cx, item, &pol_path.index(i))?);
            }
            out
        }
        Some(other) => return Err(wrong_type(&pol_path, "an array", &other)),
        None => return Err(ReportError::MissingField { path: "policies".into() }),
    };

    let org_path = root.key("organization-name");
    let organization_name = match opt_text(cx, obj.remove("organization-name"), &org_path)? {
        Some(s) => s,
        None => {
            cx.warn(&org_path, WarningKind::MissingIdentity("organization-name"));
            "(unknown organization)".to_owned()
        }
    };
    let id_path = root.key("report-id");
    let report_id = match obj.remove("report-id") {
        // Some reporters use a number; it identifies the report just as well.
        Some(Value::Number(n)) => n.to_string(),
        other => match opt_text(cx, other, &id_path)? {
            Some(s) => s,
            None => {
                cx.warn(&id_path, WarningKind::MissingIdentity("report-id"));
                // Identical files still de-duplicate: the stand-in is a hash of the bytes.
                format!("(no report-id {:016x})", fallback_id())
            }
        },
    };
    let contact_path = root.key("contact-info");
    let contact_info = match obj.remove("contact-info") {
        None => {
            cx.warn(&contact_path, WarningKind::MissingContactInfo);
            None
        }
        v => opt_text(cx, v, &contact_path)?,
    };

    let mut extra: Vec<(String, Value)> = obj.into_iter().collect();
    extra.sort_by(|a, b| a.0.cmp(&b.0));
    for (k, _) in &extra {
        cx.warn(&root.key(k), WarningKind::UnknownField(k.clone()));
    }
    Ok(Report { organization_name, report_id, contact_info, date_range, policies, extra })
}

fn timestamp(
    cx: &mut Cx,
    obj: &mut Map<String, Value>,
    path: &Path<'_>,
    key: &'static str,
) -> Result<i64, ReportError> {
    let p = path.key(key);
    let s = match obj.remove(key) {
        Some(Value::String(s)) => s,
        Some(other) => return Err(wrong_type(&p, "a date-time string", &other)),
        None => return Err(ReportError::MissingField { path: p.to_string() }),
    };
    match parse_timestamp(&s) {
        Some((t, Leniency::Strict)) => Ok(t),
        Some((t, Leniency::NoZone)) => {
            cx.warn(&p, WarningKind::DateWithoutZone(s));
            Ok(t)
        }
        Some((t, Leniency::DateOnly)) => {
            cx.warn(&p, WarningKind::DateOnly(s));
            Ok(t)
        }
        None => Err(ReportError::BadDate { path: p.to_string(), value: s }),
    }
}

fn date_range(cx: &mut Cx, mut obj: Map<String, Value>, path: &Path<'_>) -> Result<DateRange, ReportError> {
    let start = timestamp(cx, &mut obj, path, "start-datetime")?;
    let end = timestamp(cx, &mut obj, path, "end-datetime")?;
    if end < start {
        cx.warn(path, WarningKind::EndBeforeStart);
    } else if end > start && end.rem_euclid(DAY) == 0 && start.rem_euclid(DAY) == 0 {
        cx.warn(&path.key("end-datetime"), WarningKind::EndAtNextMidnight);
    }
    unknown_fields(cx, obj, path);
    Ok(DateRange { start, end })
}

fn unknown_fields(cx: &mut Cx, obj: Map<String, Value>, path: &Path<'_>) {
    for (k, _) in obj {
        cx.warn(&path.key(&k), WarningKind::UnknownField(k.clone()));
    }
}

fn policy_result(cx: &mut Cx, v: Value, path: &Path<'_>) -> Result<PolicyResult, ReportError> {
    let mut obj = object(v, path)?;
    let ppath = path.key("policy");
    let policy = match obj.remove("policy") {
        Some(v) => policy(cx, object(v, &ppath)?, &ppath)?,
        None => return Err(ReportError::MissingField { path: ppath.to_string() }),
    };
    let spath = path.key("summary");
    let summary = match obj.remove("summary") {
        Some(v) => summary(cx, object(v, &spath)?, &spath)?,
        None => {
            cx.warn(&spath, WarningKind::MissingSummary);
            Summary::default()
        }
    };
    let fpath = path.key("failure-details");
    let failure_details = match obj.remove("failure-details") {
        None => Vec::new(),
        Some(Value::Null) => {
            cx.warn(&fpath, WarningKind::Null);
            Vec::new()
        }
        Some(Value::Array(items)) => {
            if items.is_empty() {
                cx.warn(&fpath, WarningKind::EmptyFailureDetails);
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(failure_detail(cx, item, &fpath.index(i))?);
            }
            out
        }
        Some(other) => return Err(wrong_type(&fpath, "an array", &other)),
    };
    if !failure_details.is_empty() {
        let details = failure_details.iter().fold(0u64, |a, d| a.saturating_add(d.failed_session_count));
        if details != summary.failed {
            cx.warn(
                &spath.key("total-failure-session-count"),
                WarningKind::TotalsMismatch { summary: summary.failed, details },
            );
        }
    }
    unknown_fields(cx, obj, path);
    Ok(PolicyResult { policy, summary, failure_details })
}

fn policy(cx: &mut Cx, mut obj: Map<String, Value>, path: &Path<'_>) -> Result<Policy, ReportError> {
    let tpath = path.key("policy-type");
    let policy_type = match opt_text(cx, obj.remove("policy-type"), &tpath)? {
        Some(s) => {
            let t = PolicyType::from_wire(&s);
            if matches!(t, PolicyType::Other(_)) {
                cx.warn(&tpath, WarningKind::UnknownPolicyType(s));
            }
            t
        }
        None => {
            cx.warn(&tpath, WarningKind::MissingPolicyType);
            PolicyType::Other("unknown".into())
        }
    };
    let policy_string = policy_strings(cx, obj.remove("policy-string"), &path.key("policy-string"))?;
    let dpath = path.key("policy-domain");
    let policy_domain = opt_text(cx, obj.remove("policy-domain"), &dpath)?;
    if policy_domain.is_none() {
        cx.warn(&dpath, WarningKind::MissingPolicyDomain);
    }
    let mx_host = mx_hosts(cx, &mut obj, path, &policy_type)?;
    unknown_fields(cx, obj, path);
    Ok(Policy { policy_type, policy_string, policy_domain, mx_host })
}

fn policy_strings(cx: &mut Cx, v: Option<Value>, path: &Path<'_>) -> Result<Vec<String>, ReportError> {
    let items = match v {
        None => return Ok(Vec::new()),
        Some(Value::Null) => {
            cx.warn(path, WarningKind::Null);
            return Ok(Vec::new());
        }
        Some(Value::String(s)) => {
            cx.warn(path, WarningKind::PolicyStringNotArray);
            vec![Value::String(s)]
        }
        Some(Value::Array(a)) => a,
        Some(other) => return Err(wrong_type(path, "an array of strings", &other)),
    };
    let mut out = Vec::with_capacity(items.len());
    let mut saw_cr = false;
    for (i, item) in items.into_iter().enumerate() {
        let s = match item {
            Value::String(s) => s,
            other => return Err(wrong_type(&path.index(i), "a string", &other)),
        };
        // Microsoft sends TLSA records as one string holding a JSON array of strings.
        if s.trim_start().starts_with('[') {
            if let Ok(inner) = serde_json::from_str::<Vec<String>>(&s) {
                cx.warn(&path.index(i), WarningKind::PackedPolicyString(inner.len()));
                out.extend(inner);
                continue;
            }
        }
        if let Some(t) = s.strip_suffix('\r') {
            saw_cr = true;
            out.push(t.to_owned());
        } else {
            out.push(s);
        }
    }
    if saw_cr {
        cx.warn(path, WarningKind::PolicyStringCarriageReturn);
    }
    Ok(out)
}

fn mx_hosts(
    cx: &mut Cx,
    obj: &mut Map<String, Value>,
    path: &Path<'_>,
    policy_type: &PolicyType,
) -> Result<Vec<String>, ReportError> {
    let mpath = path.key("mx-host");
    let raw = match take(cx, obj, path, "mx-host", Some("mx-host-pattern")) {
        None => {
            if matches!(policy_type, PolicyType::Sts | PolicyType::Tlsa) {
                cx.warn(&mpath, WarningKind::MxHostMissing);
            }
            return Ok(Vec::new());
        }
        Some(Value::Null) => {
            cx.warn(&mpath, WarningKind::Null);
            return Ok(Vec::new());
        }
        Some(Value::String(s)) => {
            cx.warn(&mpath, WarningKind::MxHostString);
            vec![Value::String(s)]
        }
        Some(Value::Array(a)) => a,
        Some(other) => return Err(wrong_type(&mpath, "an array of strings", &other)),
    };
    let mut out = Vec::with_capacity(raw.len());
    for (i, item) in raw.into_iter().enumerate() {
        let ipath = mpath.index(i);
        let s = match item {
            Value::String(s) => s,
            other => return Err(wrong_type(&ipath, "a string", &other)),
        };
        let trimmed = s.trim();
        let host = match trimmed.strip_prefix("mx:") {
            Some(rest) => {
                cx.warn(&ipath, WarningKind::MxHostPrefix(s.clone()));
                rest.trim()
            }
            None => trimmed,
        };
        if host.is_empty() {
            cx.warn(&ipath, WarningKind::EmptyString);
            continue;
        }
        out.push(host.to_owned());
    }
    Ok(out)
}

fn summary(cx: &mut Cx, mut obj: Map<String, Value>, path: &Path<'_>) -> Result<Summary, ReportError> {
    let mut field = |cx: &mut Cx, key: &'static str, missing: WarningKind| -> Result<u64, ReportError> {
        let p = path.key(key);
        match obj.remove(key) {
            Some(v) => count(cx, v, &p),
            None => {
                cx.warn(&p, missing);
                Ok(0)
            }
        }
    };
    let successful = field(cx, "total-successful-session-count", WarningKind::MissingSuccessTotal)?;
    let failed = field(cx, "total-failure-session-count", WarningKind::MissingFailureTotal)?;
    unknown_fields(cx, obj, path);
    Ok(Summary { successful, failed })
}

fn failure_detail(cx: &mut Cx, v: Value, path: &Path<'_>) -> Result<FailureDetail, ReportError> {
    let mut obj = object(v, path)?;
    let rpath = path.key("result-type");
    let result_type = match opt_text(cx, obj.remove("result-type"), &rpath)? {
        Some(s) => {
            let t = ResultType(s);
            if !t.is_known() {
                cx.warn(&rpath, WarningKind::UnknownResultType(t.0.clone()));
            }
            t
        }
        None => {
            cx.warn(&rpath, WarningKind::MissingResultType);
            ResultType("unknown".into())
        }
    };
    // "Missing" warnings only for absent keys: an empty string already warned.
    let has_receiving = obj.contains_key("receiving-mx-hostname") || obj.contains_key("receiving-ip");
    let has_sending = obj.contains_key("sending-mta-ip");
    let sending_mta_ip = ip_field(cx, obj.remove("sending-mta-ip"), &path.key("sending-mta-ip"))?;
    if !has_sending {
        cx.warn(&path.key("sending-mta-ip"), WarningKind::MissingSendingIp);
    }
    let receiving_mx_hostname = opt_text(cx, obj.remove("receiving-mx-hostname"), &path.key("receiving-mx-hostname"))?;
    let receiving_mx_helo = opt_text(cx, obj.remove("receiving-mx-helo"), &path.key("receiving-mx-helo"))?;
    let receiving_ip = ip_field(cx, obj.remove("receiving-ip"), &path.key("receiving-ip"))?;
    if !has_receiving {
        cx.warn(&path.key("receiving-mx-hostname"), WarningKind::MissingReceivingMx);
    }
    let cpath = path.key("failed-session-count");
    let failed_session_count = match obj.remove("failed-session-count") {
        Some(v) => count(cx, v, &cpath)?,
        None => {
            cx.warn(&cpath, WarningKind::MissingCount);
            0
        }
    };
    let v = take(cx, &mut obj, path, "additional-information", Some("additional-info-uri"));
    let additional_information = opt_text(cx, v, &path.key("additional-information"))?;
    let v = take(cx, &mut obj, path, "failure-reason-code", Some("failure-error-code"));
    let fpath = path.key("failure-reason-code");
    let failure_reason_code = opt_text(cx, v, &fpath)?;
    if failure_reason_code.as_deref().is_some_and(|c| c.contains(char::is_whitespace)) {
        cx.warn(&fpath, WarningKind::FreeTextReasonCode);
    }
    unknown_fields(cx, obj, path);
    Ok(FailureDetail {
        result_type,
        sending_mta_ip,
        receiving_mx_hostname,
        receiving_mx_helo,
        receiving_ip,
        failed_session_count,
        additional_information,
        failure_reason_code,
    })
}

fn ip_field(cx: &mut Cx, v: Option<Value>, path: &Path<'_>) -> Result<Option<String>, ReportError> {
    let s = opt_text(cx, v, path)?;
    if let Some(ip) = &s {
        if ip.trim().parse::<std::net::IpAddr>().is_err() {
            cx.warn(path, WarningKind::NotAnIpAddress(ip.clone()));
        }
    }
    Ok(s)
}
