//! Deciding what a blob of bytes is from its content, never from its name.

/// What a blob of bytes looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// gzip (`1f 8b`).
    Gzip,
    /// A zip archive (`PK\x03\x04`, or `PK\x05\x06` when empty).
    Zip,
    /// JSON text (after an optional BOM and whitespace, `{` or `[`).
    Json,
    /// A Unix mailbox (starts with a `From ` line).
    Mbox,
    /// An RFC 5322 message (starts with a header field).
    Email,
    /// A tar archive (ustar or GNU).
    Tar,
    /// An Outlook message (`.msg`, a compound file).
    Msg,
    /// A DMARC aggregate report (XML with a `<feedback>` root): a report, but
    /// not a TLS report.
    DmarcXml,
    /// None of the above.
    Unknown,
}

impl Format {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Gzip => "gzip",
            Format::Zip => "zip",
            Format::Json => "JSON",
            Format::Mbox => "mailbox",
            Format::Email => "e-mail",
            Format::Tar => "tar",
            Format::Msg => "Outlook message",
            Format::DmarcXml => "DMARC XML",
            Format::Unknown => "unknown",
        }
    }
}

/// Sniffs the format of `bytes`.
pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Format::Gzip;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Format::Zip;
    }
    if bytes.starts_with(&super::msg::MAGIC) {
        return Format::Msg;
    }
    // Before the text checks: a tar header begins with a file name.
    if super::tar::is_tar(bytes) {
        return Format::Tar;
    }
    // UTF-16 JSON with a byte-order mark: `{` or `[` as the first character.
    if let [0xFF | 0xFE, 0xFE | 0xFF, a, b, ..] = bytes {
        let first = if bytes[0] == 0xFF { [*a, *b] } else { [*b, *a] };
        if bytes[0] != bytes[1] && matches!(first, [b'{' | b'[' | b' ' | b'\n' | b'\r' | b'\t', 0]) {
            return Format::Json;
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let body = &body[start..];
    match body.first() {
        Some(b'{') | Some(b'[') => return Format::Json,
        None => return Format::Unknown,
        Some(b'<') => {
            let head = &body[..body.len().min(2048)];
            if head.windows(9).any(|w| w == b"<feedback") {
                return Format::DmarcXml;
            }
        }
        _ => {}
    }
    if body.starts_with(b"From ") {
        return Format::Mbox;
    }
    if looks_like_header(body) {
        return Format::Email;
    }
    Format::Unknown
}

/// Whether the first line is `Name: value` with an RFC 5322 field name.
fn looks_like_header(b: &[u8]) -> bool {
    let line_end = b.iter().position(|&c| c == b'\n').unwrap_or(b.len()).min(998);
    let line = &b[..line_end];
    match line.iter().position(|&c| c == b':') {
        Some(colon) if colon > 0 => line[..colon].iter().all(|&c| c.is_ascii_graphic() && c != b':'),
        _ => false,
    }
}

/// A printable preview of the first bytes, for error messages.
pub fn preview(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(12)];
    if head.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("\"{}\"", String::from_utf8_lossy(head))
    } else {
        head.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Format::Gzip);
        assert_eq!(sniff(b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(sniff(b"\xEF\xBB\xBF  \n{\"a\":1}"), Format::Json);
        assert_eq!(sniff(b" [1]"), Format::Json);
        assert_eq!(sniff(b"From MAILER-DAEMON Thu Jan  1 06:00:00 2026\n"), Format::Mbox);
        assert_eq!(sniff(b"Return-Path: <a@b>\r\nSubject: x\r\n"), Format::Email);
        assert_eq!(sniff(b"hello world"), Format::Unknown);
        assert_eq!(sniff(b""), Format::Unknown);
        assert_eq!(sniff(b"\x00\x01\x02"), Format::Unknown);
    }

    #[test]
    fn preview_is_readable() {
        assert_eq!(preview(b"hello world, long"), "\"hello world,\"");
        assert_eq!(preview(&[0, 1, 255]), "00 01 ff");
    }
}
