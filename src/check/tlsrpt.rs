//! The `_smtp._tls` TXT record (RFC 8460 section 3).
//!
//! ```text
//! tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
//! field-delim    = *WSP ";" *WSP
//! tlsrpt-version = "v=TLSRPTv1"
//! tlsrpt-rua     = "rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//! tlsrpt-uri     = URI   ; "mailto:" or "https:", with "," "!" ";" percent-encoded
//! tlsrpt-extension = ext-name "=" ext-value
//! ```

use super::{unquote_txt, Findings, Kind, Verdict};

fn is_ext_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.len() <= 32
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn is_ext_value(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b';' && b != b'=')
}

/// Validates a TLSRPT record; the text may be as `dig` prints it, or several.
pub fn check_tlsrpt_record(text: &str) -> Verdict {
    let mut r = Findings::default();
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let records: Vec<String> = lines.iter().map(|l| unquote_txt(l)).collect();
    let versions = records.iter().filter(|x| x.to_ascii_lowercase().starts_with("v=tlsrptv1")).count();
    if versions > 1 {
        r.error(
            None,
            format!("{versions} TLSRPT records: with more than one, senders treat the domain as having none (RFC 8460 section 3). Publish exactly one."),
        );
    }
    let record = records.first().cloned().unwrap_or_default();
    check_one(&record, &mut r);
    r.finish(Kind::TlsRptRecord)
}

fn check_one(record: &str, r: &mut Findings) {
    let record = record.trim();
    if record.contains(['\r', '\n']) {
        r.error(None, "the record spans lines; TXT strings are joined without line breaks");
    }
    let fields: Vec<&str> = record.split(';').map(|f| f.trim_matches([' ', '\t'])).collect();
    let mut fields_iter = fields.iter().enumerate().peekable();
    // The version must be the first field, exactly.
    match fields_iter.next() {
        Some((_, v)) if *v == "v=TLSRPTv1" => r.fact("version", "TLSRPTv1"),
        Some((_, v)) if v.eq_ignore_ascii_case("v=TLSRPTv1") => r.warn(
            None,
            format!("\"{v}\" should be written exactly \"v=TLSRPTv1\"; some receivers compare it case-sensitively"),
        ),
        Some((_, v)) if v.to_ascii_lowercase().replace(' ', "").starts_with("v=tslrpt") => {
            r.error(None, format!("\"{v}\" is misspelled: it must be \"v=TLSRPTv1\" (TLS, then RPT)"))
        }
        Some((_, v)) if v.to_ascii_lowercase().starts_with("v=tlsrpt") => {
            r.error(None, format!("\"{v}\" is not a known version: it must be \"v=TLSRPTv1\""))
        }
        _ if record.to_ascii_lowercase().contains("v=tlsrptv1") => {
            r.error(None, "\"v=TLSRPTv1\" must be the very first field of the record")
        }
        _ => r.error(None, "the record must start with \"v=TLSRPTv1\""),
    }
    let mut rua_seen = false;
    for (i, field) in fields_iter {
        if field.is_empty() {
            // A trailing ";" is allowed; an empty field in the middle is odd but harmless.
            if i + 1 != fields.len() {
                r.warn(None, "an empty field (\";;\")");
            }
            continue;
        }
        let Some((name, value)) = field.split_once('=') else {
            r.error(None, format!("\"{field}\" is not a name=value field"));
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        let lname = name.to_ascii_lowercase();
        if lname == "rua" {
            if rua_seen {
                r.error(None, "rua appears twice; list every URI in one rua, separated by commas");
            }
            rua_seen = true;
            check_rua(value, r);
        } else if lname == "ru" || lname == "rau" || lname == "ruf" || lname == "rue" {
            r.error(None, format!("\"{name}=\" is not a TLSRPT field: did you mean \"rua=\"?"));
        } else if lname == "v" {
            r.error(None, "the version may appear only once, as the first field");
        } else if is_ext_name(name) && is_ext_value(value) {
            r.info(
                None,
                format!("extension field \"{name}={value}\" (allowed; receivers ignore what they do not know)"),
            );
            r.fact("extension", format!("{name}={value}"));
        } else {
            r.error(None, format!("\"{field}\" is not a valid field"));
        }
    }
    if !rua_seen {
        r.error(None, "no rua= field: the record must say where reports go (rua=mailto:… or rua=https://…)");
    }
}

fn check_rua(value: &str, r: &mut Findings) {
    if value.is_empty() {
        r.error(None, "rua= is empty");
        return;
    }
    for uri in value.split(',').map(str::trim) {
        if uri.is_empty() {
            r.error(None, "an empty URI in rua (two commas, or a trailing comma)");
            continue;
        }
        if uri.contains([' ', '\t']) {
            r.error(
                None,
                format!("\"{uri}\" contains whitespace; separate URIs with commas and percent-encode spaces"),
            );
            continue;
        }
        let lower = uri.to_ascii_lowercase();
        if let Some(addr) = lower.strip_prefix("mailto:") {
            let raw = &uri["mailto:".len()..];
            if raw.contains('!') {
                r.error(None, format!("\"{uri}\": \"!\" must be percent-encoded as %21 (a DMARC-style size limit is not part of TLSRPT)"));
            }
            let at = addr.split('?').next().unwrap_or("");
            match at.split_once('@') {
                Some((local, domain)) if !local.is_empty() && domain.contains('.') => {
                    r.fact("reports by e-mail to", raw.to_owned())
                }
                _ => r.error(None, format!("\"{uri}\" is not a valid mailto: address")),
            }
        } else if lower.starts_with("https://") {
            if uri.len() <= "https://".len() || uri["https://".len()..].starts_with('/') {
                r.error(None, format!("\"{uri}\" has no host"));
            } else {
                r.fact("reports by HTTPS POST to", uri.to_owned());
            }
        } else if lower.starts_with("http://") {
            r.error(None, format!("\"{uri}\": reports must go to https://, not http://"));
        } else if uri.contains('@') && !uri.contains(':') {
            r.error(None, format!("\"{uri}\" is missing \"mailto:\": write rua=mailto:{uri}"));
        } else {
            r.error(None, format!("\"{uri}\": only mailto: and https: URIs are allowed"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        check_tlsrpt_record(text)
            .findings
            .into_iter()
            .filter(|f| f.severity == super::super::Severity::Error)
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn rfc_examples_are_valid() {
        // RFC 8460 section 3, examples.
        for rec in [
            "v=TLSRPTv1;rua=mailto:reports@example.com",
            "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt",
            "v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt;",
            "\"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\"",
            "_smtp._tls.example.com. 3600 IN TXT \"v=TLSRPTv1; \" \"rua=mailto:tlsrpt@example.com\"",
            "v=TLSRPTv1; rua=mailto:a@example.com; x-ext=on",
        ] {
            let v = check_tlsrpt_record(rec);
            assert!(v.valid, "{rec}: {:?}", v.findings);
        }
    }

    #[test]
    fn common_mistakes_are_named() {
        assert!(errors("v=TLSRPTv1; ru=mailto:a@example.com")[0].contains("did you mean \"rua=\""));
        assert!(errors("v=TLSRPTv1; rua=tlsrpt@example.com")[0].contains("missing \"mailto:\""));
        assert!(errors("v=TSLRPTv1; rua=mailto:a@example.com")[0].contains("misspelled"));
        assert!(errors("rua=mailto:a@example.com; v=TLSRPTv1")[0].contains("first field"));
        assert!(errors("v=TLSRPTv1; rua=mailto:a@example.com\nv=TLSRPTv1; rua=mailto:b@example.com")[0]
            .contains("2 TLSRPT records"));
        assert!(errors("v=TLSRPTv1; rua=mailto:a@example.com!10m")[0].contains("%21"));
        assert!(errors("v=TLSRPTv1; rua=http://example.com/r")[0].contains("https://"));
        assert!(errors("v=TLSRPTv1; rua=mailto:a@example.com, mailto:b@ex ample.com")[0].contains("whitespace"));
        assert!(errors("v=TLSRPTv1")[0].contains("no rua="));
        assert!(errors("v=TLSRPTv2; rua=mailto:a@example.com")[0].contains("not a known version"));
    }
}
