//! Just enough MIME (RFC 2045-2047, 2231) to find report attachments in real
//! e-mails: folded headers, LF or CRLF, nested multiparts, a missing closing
//! boundary, base64 / quoted-printable bodies, and encoded file names.

use std::borrow::Cow;
use std::fmt;

use super::sniff::{sniff, Format};
use super::MailMeta;

/// Media types RFC 8460 section 5.3 names, and the ones reporters use instead.
const REPORT_TYPES: [&str; 9] = [
    "application/tlsrpt+gzip",
    "application/tlsrpt+json",
    "application/tlsrpt",
    "application/tlsrpt+zip",
    "application/tlsrpt+x-gzip",
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "application/json",
];

/// File-name endings that mark a report attachment.
const REPORT_SUFFIXES: [&str; 4] = [".json", ".gz", ".zip", ".gzip"];

/// Deepest multipart nesting followed; real reports use two levels.
const MAX_NESTING: usize = 16;

/// A header field, unfolded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The name, as written.
    pub name: String,
    /// The value, unfolded, leading whitespace removed.
    pub value: String,
}

/// A parsed entity: headers and the raw (still transfer-encoded) body.
#[derive(Debug, Clone)]
pub struct Entity<'a> {
    /// Header fields in order.
    pub headers: Vec<Header>,
    /// The body as it appears in the message.
    pub body: &'a [u8],
    /// 1-based position among the leaves of the message, for labels.
    index: usize,
}

/// Why a part's body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parsed message: its top-level headers and every leaf part.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    /// The top-level entity.
    pub top: Entity<'a>,
    /// Leaf parts, depth first (the top entity itself when it is not multipart).
    pub leaves: Vec<Entity<'a>>,
}

/// Parses a message. Never fails: whatever is malformed is read as best it can be.
pub fn parse_message(bytes: &[u8]) -> Message<'_> {
    // A message saved from a mailbox may keep its `From ` separator line.
    let bytes = if bytes.starts_with(b"From ") {
        bytes.iter().position(|&b| b == b'\n').map_or(&bytes[bytes.len()..], |i| &bytes[i + 1..])
    } else {
        bytes
    };
    // Some tools save a message with blank lines before its headers; a blank
    // line there would otherwise end the headers before they begin.
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let line_start = bytes[..start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let bytes = &bytes[line_start..];
    let top = parse_entity(bytes, 0);
    let mut leaves = Vec::new();
    collect_leaves(&top, 0, &mut leaves);
    Message { top, leaves }
}

fn collect_leaves<'a>(e: &Entity<'a>, depth: usize, out: &mut Vec<Entity<'a>>) {
    let ct = e.content_type();
    if depth < MAX_NESTING {
        if ct.mime == "message/rfc822" && e.transfer_encoding_is_identity() {
            // A forwarded report: descend into the enclosed message.
            let inner = parse_entity(e.body, 0);
            return collect_leaves(&inner, depth + 1, out);
        }
        if ct.mime.starts_with("multipart/") {
            if let Some(boundary) = ct.param("boundary") {
                for body in split_multipart(e.body, boundary.as_bytes()) {
                    collect_leaves(&parse_entity(body, 0), depth + 1, out);
                }
                return;
            }
        }
    }
    let mut leaf = e.clone();
    leaf.index = out.len() + 1;
    out.push(leaf);
}

fn parse_entity(bytes: &[u8], index: usize) -> Entity<'_> {
    let mut headers: Vec<Header> = Vec::new();
    let mut pos = 0;
    let mut body_start = bytes.len();
    while pos < bytes.len() {
        let end = bytes[pos..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| pos + i);
        let mut line = &bytes[pos..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        let next = (end + 1).min(bytes.len());
        if line.is_empty() {
            body_start = next;
            break;
        }
        if matches!(line[0], b' ' | b'\t') {
            if let Some(h) = headers.last_mut() {
                h.value.push(' ');
                h.value.push_str(String::from_utf8_lossy(line).trim());
            }
        } else if let Some(colon) = line.iter().position(|&b| b == b':') {
            let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
            let value = String::from_utf8_lossy(&line[colon + 1..]).trim().to_owned();
            headers.push(Header { name, value });
        } else {
            // Not a header: the headers ended without a blank line.
            body_start = pos;
            break;
        }
        pos = next;
    }
    Entity { headers, body: &bytes[body_start.min(bytes.len())..], index }
}

/// The bodies between boundary lines. A missing closing boundary ends the last
/// part at the end of the data (mail.ru sends such messages).
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut current: Option<usize> = None;
    let mut pos = 0;
    while pos < body.len() {
        let end = body[pos..].iter().position(|&b| b == b'\n').map_or(body.len(), |i| pos + i);
        let line = trim_end(&body[pos..end]);
        if let Some(rest) = line.strip_prefix(b"--").and_then(|l| l.strip_prefix(boundary)) {
            let closing = rest.starts_with(b"--");
            if rest.is_empty() || closing {
                if let Some(start) = current.take() {
                    parts.push(strip_final_newline(&body[start..pos]));
                }
                if closing {
                    return parts;
                }
                current = Some((end + 1).min(body.len()));
            }
        }
        pos = end + 1;
    }
    if let Some(start) = current {
        let rest = &body[start.min(body.len())..];
        if !rest.iter().all(u8::is_ascii_whitespace) {
            parts.push(rest);
        }
    }
    parts
}

fn trim_end(mut b: &[u8]) -> &[u8] {
    while let Some((last, rest)) = b.split_last() {
        if matches!(last, b' ' | b'\t' | b'\r') {
            b = rest;
        } else {
            break;
        }
    }
    b
}

fn strip_final_newline(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// A parsed `Content-Type` (or `Content-Disposition`) value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentType {
    /// The lower-cased media type (`application/tlsrpt+gzip`) or disposition.
    pub mime: String,
    params: Vec<(String, String)>,
}

impl ContentType {
    /// Parses `type/subtype; name=value; ...`, with quoted strings.
    pub fn parse(value: &str) -> ContentType {
        let mut it = split_params(value).into_iter();
        let mime = it.next().unwrap_or_default().trim().to_ascii_lowercase();
        let params = it
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                Some((k.trim().to_ascii_lowercase(), unquote(v.trim())))
            })
            .collect();
        ContentType { mime, params }
    }

    /// A parameter, following RFC 2231 (`name*=charset''pct`, `name*0=`, `name*1*=`).
    pub fn param(&self, name: &str) -> Option<String> {
        if let Some((_, v)) = self.params.iter().find(|(k, _)| k == name) {
            return Some(decode_words(v));
        }
        let star = format!("{name}*");
        if let Some((_, v)) = self.params.iter().find(|(k, _)| *k == star) {
            return Some(decode_2231(v, true));
        }
        let mut pieces: Vec<(usize, bool, &str)> = self
            .params
            .iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix(&star)?;
                let (n, encoded) = match rest.strip_suffix('*') {
                    Some(n) => (n, true),
                    None => (rest, false),
                };
                Some((n.parse().ok()?, encoded, v.as_str()))
            })
            .collect();
        if pieces.is_empty() {
            return None;
        }
        crate::sort::sort_by_key(&mut pieces, |p| p.0);
        let mut out = String::new();
        for (i, encoded, v) in pieces {
            if encoded {
                out.push_str(&decode_2231(v, i == 0));
            } else {
                out.push_str(v);
            }
        }
        Some(out)
    }
}

/// Splits on `;` outside quoted strings.
fn split_params(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' && quoted {
            cur.push(c);
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
            cur.push(c);
        } else if c == ';' && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

fn unquote(v: &str) -> String {
    match v.strip_prefix('"') {
        Some(inner) => {
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => v.to_owned(),
    }
}

/// Decodes an RFC 2231 extended value; the first piece carries `charset'lang'`.
fn decode_2231(v: &str, first: bool) -> String {
    let (charset, data) = if first {
        let mut it = v.splitn(3, '\'');
        match (it.next(), it.next(), it.next()) {
            (Some(cs), Some(_lang), Some(data)) => (cs.to_ascii_lowercase(), data),
            _ => (String::new(), v),
        }
    } else {
        (String::new(), v)
    };
    let mut bytes = Vec::with_capacity(data.len());
    let b = data.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                bytes.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        bytes.push(b[i]);
        i += 1;
    }
    charset_decode(&charset, &bytes)
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn charset_decode(charset: &str, bytes: &[u8]) -> String {
    match charset {
        "iso-8859-1" | "latin1" | "windows-1252" | "cp1252" | "iso-8859-15" => {
            bytes.iter().map(|&b| char::from(b)).collect()
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?utf-8?Q?...?=`).
pub fn decode_words(s: &str) -> String {
    if !s.contains("=?") {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, tail) = rest.split_at(start);
        match decode_one_word(tail) {
            Some((text, used)) => {
                // Whitespace between two encoded words is not part of the text.
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &tail[used..];
                last_was_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &tail[2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Longest encoded word looked at. RFC 2047 allows 75 characters; real
/// senders exceed that a little. Bounding the search keeps decoding linear:
/// a header full of `=?` that never close cannot make it quadratic.
const MAX_ENCODED_WORD: usize = 1024;

fn decode_one_word(s: &str) -> Option<(String, usize)> {
    let mut cut = s.len().min(MAX_ENCODED_WORD);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    let body = s[..cut].strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = body[..q1].split('*').next()?.to_ascii_lowercase();
    let rest = &body[q1 + 1..];
    let q2 = rest.find('?')?;
    let enc = rest[..q2].to_ascii_lowercase();
    let text = &rest[q2 + 1..];
    let end = text.find("?=")?;
    let payload = &text[..end];
    let bytes = match enc.as_str() {
        "b" => base64(payload.as_bytes()),
        "q" => {
            let us = payload.replace('_', " ");
            quoted_printable(us.as_bytes())
        }
        _ => return None,
    };
    let used = 2 + q1 + 1 + q2 + 1 + end + 2;
    Some((charset_decode(&charset, &bytes), used))
}

/// Lenient base64: whitespace and stray characters are skipped; decoding stops at `=`.
pub fn base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Quoted-printable (RFC 2045 section 6.7), tolerant of LF-only soft breaks.
pub fn quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c == b'=' {
            if input.get(i + 1) == Some(&b'\r') && input.get(i + 2) == Some(&b'\n') {
                i += 3;
                continue;
            }
            if input.get(i + 1) == Some(&b'\n') {
                i += 2;
                continue;
            }
            if let (Some(h), Some(l)) = (input.get(i + 1).and_then(|&c| hex(c)), input.get(i + 2).and_then(|&c| hex(c)))
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

impl<'a> Entity<'a> {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
    }

    /// The `Content-Type`, also read from the `ContentType:` typo some senders make.
    /// Defaults to `text/plain` as RFC 2045 says.
    pub fn content_type(&self) -> ContentType {
        self.header("Content-Type")
            .or_else(|| self.header("ContentType"))
            .map(ContentType::parse)
            .unwrap_or_else(|| ContentType { mime: "text/plain".into(), params: Vec::new() })
    }

    fn transfer_encoding(&self) -> String {
        self.header("Content-Transfer-Encoding").map(|v| v.trim().to_ascii_lowercase()).unwrap_or_default()
    }

    fn transfer_encoding_is_identity(&self) -> bool {
        matches!(self.transfer_encoding().as_str(), "" | "7bit" | "8bit" | "binary")
    }

    /// The attachment's file name: `Content-Disposition` `filename`, else `Content-Type` `name`.
    pub fn filename(&self) -> Option<String> {
        self.header("Content-Disposition")
            .and_then(|d| ContentType::parse(d).param("filename"))
            .or_else(|| self.content_type().param("name"))
            .map(|n| decode_words(&n))
            .filter(|n| !n.trim().is_empty())
    }

    /// A label for messages: the file name, or the part's position and type.
    pub fn label(&self) -> String {
        self.filename().unwrap_or_else(|| format!("part {} ({})", self.index, self.content_type().mime))
    }

    /// The body with its Content-Transfer-Encoding removed.
    pub fn decoded_body(&self) -> Result<Cow<'a, [u8]>, DecodeError> {
        match self.transfer_encoding().as_str() {
            "" | "7bit" | "8bit" | "binary" => Ok(Cow::Borrowed(self.body)),
            "base64" => Ok(Cow::Owned(base64(self.body))),
            "quoted-printable" => Ok(Cow::Owned(quoted_printable(self.body))),
            other => Err(DecodeError(format!("unknown Content-Transfer-Encoding \"{other}\""))),
        }
    }

    /// Whether this part carries a report, judged by media type, file name, or content.
    pub fn is_report_candidate(&self) -> bool {
        let ct = self.content_type();
        if REPORT_TYPES.contains(&ct.mime.as_str()) {
            return true;
        }
        let name = self.filename().map(|n| n.to_ascii_lowercase());
        if name.as_deref().is_some_and(|n| REPORT_SUFFIXES.iter().any(|s| n.ends_with(s))) {
            return true;
        }
        if ct.mime == "message/rfc822" {
            // An enclosed message that was not descended into because it is
            // itself encoded (base64): decode it and read it as an e-mail.
            return !self.transfer_encoding_is_identity();
        }
        if ct.mime.starts_with("multipart/") || ct.mime.starts_with("message/") {
            return false;
        }
        // Anything else (octet-stream, odd types, plain text) is judged by its bytes.
        let Ok(body) = self.decoded_body() else { return false };
        match sniff(&body) {
            Format::Gzip | Format::Zip => !ct.mime.starts_with("text/") || name.is_some(),
            Format::Json => {
                let head = &body[..body.len().min(4096)];
                contains(head, b"\"policies\"") || contains(head, b"\"organization-name\"")
            }
            _ => false,
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

impl<'a> Message<'a> {
    /// The parts that carry reports.
    pub fn report_parts(&self) -> impl Iterator<Item = &Entity<'a>> {
        self.leaves.iter().filter(|e| e.is_report_candidate())
    }

    /// Headers relevant to TLS reports.
    pub fn meta(&self) -> MailMeta {
        let get = |n: &str| self.top.header(n).map(decode_words).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        MailMeta {
            subject: get("Subject"),
            report_domain: get("TLS-Report-Domain"),
            report_submitter: get("TLS-Report-Submitter"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2231_and_encoded_words() {
        let ct = ContentType::parse("application/tlsrpt+gzip; name*=utf-8''rpt%21x.json.gz");
        assert_eq!(ct.param("name").as_deref(), Some("rpt!x.json.gz"));
        let cd = ContentType::parse("attachment; filename*0=\"google.com!example.com!\"; filename*1*=%31%32.json.gz");
        assert_eq!(cd.param("filename").as_deref(), Some("google.com!example.com!12.json.gz"));
        let cd = ContentType::parse("attachment; filename=\"a\\\"b.json\"; size=3");
        assert_eq!(cd.param("filename").as_deref(), Some("a\"b.json"));
        assert_eq!(
            decode_words("=?UTF-8?B?UmVwb3J0IERvbWFpbjog?= =?utf-8?Q?example=2Ecom_x?="),
            "Report Domain: example.com x"
        );
        assert_eq!(decode_words("plain =?bogus"), "plain =?bogus");
    }

    #[test]
    fn transfer_encodings() {
        assert_eq!(base64(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(quoted_printable(b"a=3Db=\r\nc=\nd"), b"a=bcd");
    }

    #[test]
    fn nested_multipart_without_closing_boundary() {
        let msg = b"Subject: =?utf-8?Q?Report?=\nTLS-Report-Domain: example.com\nContentType: multipart/mixed; boundary=\"X\"\n\npreamble\n--X\nContent-Type: multipart/alternative; boundary=Y\n\n--Y\nContent-Type: text/plain\n\nhello\n--Y--\n--X\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\neyJwb2xpY2llcyI6W119\n";
        let m = parse_message(msg);
        assert_eq!(m.leaves.len(), 2);
        let parts: Vec<_> = m.report_parts().collect();
        assert_eq!(parts.len(), 1);
        assert_eq!(&*parts[0].decoded_body().unwrap(), b"{\"policies\":[]}");
        assert_eq!(m.meta().subject.as_deref(), Some("Report"));
        assert_eq!(m.meta().report_domain.as_deref(), Some("example.com"));
        assert_eq!(parts[0].label(), "part 2 (application/octet-stream)");
    }

    #[test]
    fn folded_headers_and_crlf() {
        let msg = b"Subject: Report Domain: example.com\r\n Submitter: google.com\r\nContent-Type: multipart/report;\r\n\treport-type=\"tlsrpt\";\r\n boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: application/tlsrpt+json; name=\"r.json\"\r\n\r\n{}\r\n--b1--\r\n";
        let m = parse_message(msg);
        assert_eq!(m.meta().subject.as_deref(), Some("Report Domain: example.com Submitter: google.com"));
        let parts: Vec<_> = m.report_parts().collect();
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].body, b"{}");
        assert_eq!(parts[0].label(), "r.json");
    }
}
