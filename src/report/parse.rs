//! Lenient RFC 8460 parsing: JSON bytes to a [`Report`] plus warnings.

use std::fmt;

use serde_json::Value;

use super::json::{JVal, Num, Obj};

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
    /// The report's own JSON text, when the bytes held more than this report
    /// (or were UTF-16); `None` when the bytes are exactly this report.
    pub text: Option<Box<str>>,
}

/// Parses one report from JSON bytes (a UTF-8 BOM is allowed). Bytes after
/// the report that are not another report are a warning; a second report is
/// an error here (use [`parse_documents`] to read every one).
pub fn parse_report(bytes: &[u8]) -> Result<Parsed, ReportError> {
    let mut docs = parse_documents(bytes).into_iter();
    let first = docs.next().unwrap_or_else(|| Err(syntax_error(eof_error())));
    match docs.next() {
        None => first,
        Some(_) => Err(ReportError::Syntax { message: "more than one JSON document".into(), line: 1, column: 1 }),
    }
}

/// Every report in JSON bytes: one document, several documents one after
/// another (JSON Lines, or gzip members concatenated), or an array of
/// reports. A UTF-8 or UTF-16 byte-order mark is accepted. Whitespace, NUL
/// padding or junk after the last complete document is a warning on it, never
/// the loss of the reports before; a document cut short is an error of its own.
pub fn parse_documents(bytes: &[u8]) -> Vec<Result<Parsed, ReportError>> {
    let mut lead = Vec::new();
    let utf8;
    let body: &[u8] = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        lead.push(Warning { path: String::new(), kind: WarningKind::ByteOrderMark });
        rest
    } else if let Some(text) = utf16_text(bytes) {
        lead.push(Warning { path: String::new(), kind: WarningKind::Utf16 });
        utf8 = text.into_bytes();
        &utf8
    } else {
        bytes
    };
    let mut out: Vec<Result<Parsed, ReportError>> = Vec::new();
    // Where each plain document's text is in `body`: copied only when the
    // bytes hold more than one report (a lone report's text is the bytes).
    let mut ranges: Vec<Option<(usize, usize)>> = Vec::new();
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<JVal>();
    let mut start = 0;
    loop {
        match stream.next() {
            None => break,
            Some(Ok(value)) => {
                let end = stream.byte_offset();
                let raw = &body[start..end];
                start = end;
                match value {
                    // An array of reports (what some exporters write).
                    JVal::Arr(items) if !items.is_empty() && items.iter().all(|i| matches!(i, JVal::Obj(_))) => {
                        for v in items {
                            let text = serde_json::to_vec_pretty(&v.to_value()).unwrap_or_default();
                            out.push(one(v, &text, &lead).map(|p| with_text(p, &text)));
                            ranges.push(None);
                        }
                    }
                    v => {
                        out.push(one(v, raw, &lead));
                        ranges.push(Some((end - raw.len(), end)));
                    }
                }
            }
            Some(Err(e)) => {
                let rest = &body[start..];
                let trimmed =
                    rest.iter().position(|b| !b.is_ascii_whitespace()).map_or(&rest[rest.len()..], |i| &rest[i..]);
                let starts_document = matches!(trimmed.first(), Some(b'{' | b'['));
                match out.last_mut() {
                    // Junk after a report: the report stands, with a warning.
                    Some(Ok(last)) if !starts_document => last
                        .warnings
                        .push(Warning { path: String::new(), kind: WarningKind::TrailingBytes(rest.len()) }),
                    _ => out.push(Err(syntax_error(e))),
                }
                break;
            }
        }
    }
    if out.is_empty() {
        out.push(Err(syntax_error(eof_error())));
    }
    let utf16 = lead.iter().any(|w| w.kind == WarningKind::Utf16);
    if out.len() > 1 || utf16 {
        for (doc, range) in out.iter_mut().zip(&ranges) {
            if let (Ok(p), Some((a, b))) = (doc, range) {
                p.text = Some(String::from_utf8_lossy(&body[*a..*b]).trim().into());
            }
        }
    }
    out
}

fn with_text(mut p: Parsed, raw: &[u8]) -> Parsed {
    p.text = Some(String::from_utf8_lossy(raw).trim().into());
    p
}

/// The error serde_json gives for an empty document.
fn eof_error() -> serde_json::Error {
    serde_json::from_slice::<Value>(b"").expect_err("empty input is an error")
}

/// JSON text in UTF-16 with a byte-order mark (what Windows PowerShell's `>`
/// writes), as a string; `None` for anything else.
fn utf16_text(bytes: &[u8]) -> Option<String> {
    let (le, rest) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units =
        rest.chunks_exact(2)
            .map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
    Some(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect())
}

/// Parses one decoded document; `raw` is its text, for identity facts the
/// decoded value lost (a numeric report-id beyond 64 bits).
fn one(value: JVal<'_>, raw: &[u8], lead: &[Warning]) -> Result<Parsed, ReportError> {
    let mut cx = Cx::default();
    cx.warnings.extend(lead.iter().cloned());
    let report = report_from_value(&mut cx, value, raw)?;
    Ok(Parsed { report, warnings: cx.warnings, text: None })
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

/// A key for a report without a report-id, from its content, not its
/// formatting: the same report saved with other whitespace or key order gets
/// the same key. Object keys are sorted and numbers written the one way
/// serde_json writes them.
fn content_key(v: &Value) -> u64 {
    fn write(v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                crate::sort::sort(&mut keys);
                out.push(b'{');
                for k in keys {
                    out.extend_from_slice(Value::String(k.clone()).to_string().as_bytes());
                    out.push(b':');
                    write(&m[k.as_str()], out);
                    out.push(b',');
                }
                out.push(b'}');
            }
            Value::Array(items) => {
                out.push(b'[');
                for i in items {
                    write(i, out);
                    out.push(b',');
                }
                out.push(b']');
            }
            other => out.extend_from_slice(other.to_string().as_bytes()),
        }
    }
    let mut out = Vec::new();
    write(v, &mut out);
    fnv1a(&out)
}

/// The number literal that follows `"report-id":` in a document's text,
/// exactly as written (for ids too long for 64 bits).
fn raw_number_id(raw: &[u8]) -> Option<String> {
    let key = b"\"report-id\"";
    let at = raw.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = &raw[at..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let rest = rest.strip_prefix(b":")?;
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let n = rest.iter().take_while(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')).count();
    (n > 0).then(|| String::from_utf8_lossy(&rest[..n]).into_owned())
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

fn wrong_type(path: &Path<'_>, expected: &'static str, found: &JVal<'_>) -> ReportError {
    ReportError::WrongType { path: path.to_string(), expected, found: found.type_name() }
}

/// Removes a field, also under a pre-RFC alias (with a warning when the alias was used).
fn take<'a>(
    cx: &mut Cx,
    obj: &mut Obj<'a>,
    path: &Path<'_>,
    key: &'static str,
    alias: Option<&str>,
) -> Option<JVal<'a>> {
    if let Some(v) = obj.take(key) {
        return Some(v);
    }
    let alias = alias?;
    let v = obj.take(alias)?;
    cx.warn(&path.key(alias), WarningKind::LegacyFieldName { found: alias.to_owned(), standard: key });
    Some(v)
}

/// An optional text field: `null` and `""` count as absent, with a warning.
fn opt_text(cx: &mut Cx, v: Option<JVal<'_>>, path: &Path<'_>) -> Result<Option<String>, ReportError> {
    match v {
        None => Ok(None),
        Some(JVal::Null) => {
            cx.warn(path, WarningKind::Null);
            Ok(None)
        }
        Some(JVal::Str(s)) if s.trim().is_empty() => {
            cx.warn(path, WarningKind::EmptyString);
            Ok(None)
        }
        Some(JVal::Str(s)) => Ok(Some(s.into_owned())),
        Some(other) => Err(wrong_type(path, "a string", &other)),
    }
}

/// A session count: a non-negative integer up to [`MAX_COUNT`].
fn count(cx: &mut Cx, v: JVal<'_>, path: &Path<'_>) -> Result<u64, ReportError> {
    let bad = |value: String, reason| ReportError::BadCount { path: path.to_string(), value, reason };
    let n = match &v {
        JVal::Num(Num::U(u)) => *u,
        JVal::Num(n @ Num::I(_)) => return Err(bad(n.to_string(), "is negative")),
        JVal::Num(n @ Num::F(f)) => {
            let f = *f;
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
        JVal::Str(s) => match s.trim().parse::<u64>() {
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

fn object<'a>(v: JVal<'a>, path: &Path<'_>) -> Result<Obj<'a>, ReportError> {
    match v {
        JVal::Obj(m) => Ok(m),
        other => Err(wrong_type(path, "an object", &other)),
    }
}

fn report_from_value(cx: &mut Cx, value: JVal<'_>, raw: &[u8]) -> Result<Report, ReportError> {
    let root = Path::ROOT;
    let mut obj = match value {
        JVal::Obj(m) => m,
        other => return Err(ReportError::NotAnObject { found: other.type_name() }),
    };
    // Computed before the value is taken apart, and only when it is needed.
    let content = obj.is_absent_or_null("report-id").then(|| content_key(&obj.to_value()));

    let date_path = root.key("date-range");
    let date_range = match obj.take("date-range") {
        Some(v) => date_range(cx, object(v, &date_path)?, &date_path)?,
        None => return Err(ReportError::MissingField { path: "date-range".into() }),
    };
    let pol_path = root.key("policies");
    let policies = match obj.take("policies") {
        Some(JVal::Arr(items)) => {
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
    let organization_name = match opt_text(cx, obj.take("organization-name"), &org_path)? {
        Some(s) => s,
        None => {
            cx.warn(&org_path, WarningKind::MissingIdentity("organization-name"));
            "(unknown organization)".to_owned()
        }
    };
    let id_path = root.key("report-id");
    let report_id = match obj.take("report-id") {
        // Some reporters use a number; it identifies the report just as well,
        // kept as written when it is too long for 64 bits.
        Some(JVal::Num(n @ Num::F(_))) => raw_number_id(raw).unwrap_or_else(|| n.to_string()),
        Some(JVal::Num(n)) => n.to_string(),
        other => match opt_text(cx, other, &id_path)? {
            Some(s) => s,
            None => {
                cx.warn(&id_path, WarningKind::MissingIdentity("report-id"));
                // The same report saved twice still de-duplicates: the stand-in
                // is a key of its content, whatever its formatting.
                format!("(no report-id {:016x})", content.unwrap_or_default())
            }
        },
    };
    let contact_path = root.key("contact-info");
    let contact_info = match obj.take("contact-info") {
        None => {
            cx.warn(&contact_path, WarningKind::MissingContactInfo);
            None
        }
        v => opt_text(cx, v, &contact_path)?,
    };

    let extra: Vec<(String, Value)> = obj.into_sorted().into_iter().map(|(k, v)| (k, v.to_value())).collect();
    for (k, _) in &extra {
        cx.warn(&root.key(k), WarningKind::UnknownField(k.clone()));
    }
    Ok(Report { organization_name, report_id, contact_info, date_range, policies, extra })
}

fn timestamp(cx: &mut Cx, obj: &mut Obj<'_>, path: &Path<'_>, key: &'static str) -> Result<i64, ReportError> {
    let p = path.key(key);
    let s = match obj.take(key) {
        Some(JVal::Str(s)) => s,
        Some(other) => return Err(wrong_type(&p, "a date-time string", &other)),
        None => return Err(ReportError::MissingField { path: p.to_string() }),
    };
    match parse_timestamp(&s) {
        Some((t, Leniency::Strict)) => Ok(t),
        Some((t, Leniency::NoZone)) => {
            cx.warn(&p, WarningKind::DateWithoutZone(s.into_owned()));
            Ok(t)
        }
        Some((t, Leniency::DateOnly)) => {
            cx.warn(&p, WarningKind::DateOnly(s.into_owned()));
            Ok(t)
        }
        None => Err(ReportError::BadDate { path: p.to_string(), value: s.into_owned() }),
    }
}

fn date_range(cx: &mut Cx, mut obj: Obj<'_>, path: &Path<'_>) -> Result<DateRange, ReportError> {
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

fn unknown_fields(cx: &mut Cx, obj: Obj<'_>, path: &Path<'_>) {
    for (k, _) in obj.into_sorted() {
        cx.warn(&path.key(&k), WarningKind::UnknownField(k.clone()));
    }
}

fn policy_result(cx: &mut Cx, v: JVal<'_>, path: &Path<'_>) -> Result<PolicyResult, ReportError> {
    let mut obj = object(v, path)?;
    let ppath = path.key("policy");
    let policy = match obj.take("policy") {
        Some(v) => policy(cx, object(v, &ppath)?, &ppath)?,
        None => return Err(ReportError::MissingField { path: ppath.to_string() }),
    };
    let spath = path.key("summary");
    let summary = match obj.take("summary") {
        Some(v) => summary(cx, object(v, &spath)?, &spath)?,
        None => {
            cx.warn(&spath, WarningKind::MissingSummary);
            Summary::default()
        }
    };
    let fpath = path.key("failure-details");
    let failure_details = match obj.take("failure-details") {
        None => Vec::new(),
        Some(JVal::Null) => {
            cx.warn(&fpath, WarningKind::Null);
            Vec::new()
        }
        Some(JVal::Arr(items)) => {
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

fn policy(cx: &mut Cx, mut obj: Obj<'_>, path: &Path<'_>) -> Result<Policy, ReportError> {
    let tpath = path.key("policy-type");
    let policy_type = match opt_text(cx, obj.take("policy-type"), &tpath)? {
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
    let policy_string = policy_strings(cx, obj.take("policy-string"), &path.key("policy-string"))?;
    let dpath = path.key("policy-domain");
    let policy_domain = opt_text(cx, obj.take("policy-domain"), &dpath)?;
    if policy_domain.is_none() {
        cx.warn(&dpath, WarningKind::MissingPolicyDomain);
    }
    let mx_host = mx_hosts(cx, &mut obj, path, &policy_type)?;
    unknown_fields(cx, obj, path);
    Ok(Policy { policy_type, policy_string, policy_domain, mx_host })
}

fn policy_strings(cx: &mut Cx, v: Option<JVal<'_>>, path: &Path<'_>) -> Result<Vec<String>, ReportError> {
    let items = match v {
        None => return Ok(Vec::new()),
        Some(JVal::Null) => {
            cx.warn(path, WarningKind::Null);
            return Ok(Vec::new());
        }
        Some(JVal::Str(s)) => {
            cx.warn(path, WarningKind::PolicyStringNotArray);
            vec![JVal::Str(s)]
        }
        Some(JVal::Arr(a)) => a,
        Some(other) => return Err(wrong_type(path, "an array of strings", &other)),
    };
    let mut out = Vec::with_capacity(items.len());
    let mut saw_cr = false;
    for (i, item) in items.into_iter().enumerate() {
        let s = match item {
            JVal::Str(s) => s,
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
            out.push(s.into_owned());
        }
    }
    if saw_cr {
        cx.warn(path, WarningKind::PolicyStringCarriageReturn);
    }
    Ok(out)
}

fn mx_hosts(
    cx: &mut Cx,
    obj: &mut Obj<'_>,
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
        Some(JVal::Null) => {
            cx.warn(&mpath, WarningKind::Null);
            return Ok(Vec::new());
        }
        Some(JVal::Str(s)) => {
            cx.warn(&mpath, WarningKind::MxHostString);
            vec![JVal::Str(s)]
        }
        Some(JVal::Arr(a)) => a,
        Some(other) => return Err(wrong_type(&mpath, "an array of strings", &other)),
    };
    let mut out = Vec::with_capacity(raw.len());
    for (i, item) in raw.into_iter().enumerate() {
        let ipath = mpath.index(i);
        let s = match item {
            JVal::Str(s) => s,
            other => return Err(wrong_type(&ipath, "a string", &other)),
        };
        let trimmed = s.trim();
        let host = match trimmed.strip_prefix("mx:") {
            Some(rest) => {
                cx.warn(&ipath, WarningKind::MxHostPrefix(s.clone().into_owned()));
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

fn summary(cx: &mut Cx, mut obj: Obj<'_>, path: &Path<'_>) -> Result<Summary, ReportError> {
    let mut field = |cx: &mut Cx, key: &'static str, missing: WarningKind| -> Result<u64, ReportError> {
        let p = path.key(key);
        match obj.take(key) {
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

fn failure_detail(cx: &mut Cx, v: JVal<'_>, path: &Path<'_>) -> Result<FailureDetail, ReportError> {
    let mut obj = object(v, path)?;
    let rpath = path.key("result-type");
    let result_type = match opt_text(cx, obj.take("result-type"), &rpath)? {
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
    let sending_mta_ip = ip_field(cx, obj.take("sending-mta-ip"), &path.key("sending-mta-ip"))?;
    if !has_sending {
        cx.warn(&path.key("sending-mta-ip"), WarningKind::MissingSendingIp);
    }
    let receiving_mx_hostname = opt_text(cx, obj.take("receiving-mx-hostname"), &path.key("receiving-mx-hostname"))?;
    let receiving_mx_helo = opt_text(cx, obj.take("receiving-mx-helo"), &path.key("receiving-mx-helo"))?;
    let receiving_ip = ip_field(cx, obj.take("receiving-ip"), &path.key("receiving-ip"))?;
    if !has_receiving {
        cx.warn(&path.key("receiving-mx-hostname"), WarningKind::MissingReceivingMx);
    }
    let cpath = path.key("failed-session-count");
    let failed_session_count = match obj.take("failed-session-count") {
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

fn ip_field(cx: &mut Cx, v: Option<JVal<'_>>, path: &Path<'_>) -> Result<Option<String>, ReportError> {
    let s = opt_text(cx, v, path)?;
    if let Some(ip) = &s {
        if ip.trim().parse::<std::net::IpAddr>().is_err() {
            cx.warn(path, WarningKind::NotAnIpAddress(ip.clone()));
        }
    }
    Ok(s)
}
