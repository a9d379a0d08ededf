//! Real reports for the "Try sample reports" button, and the few the engine
//! warms up on.
//!
//! Each is a public fixture from an MIT- or Apache-2.0-licensed repository;
//! `tests/fixtures/real/SOURCES.md` records where each came from.
//!
//! The samples' bytes are not in the app's module: most visits never ask for
//! them, and they were ~10 KB of its packed size. `scripts/finalize.mjs`
//! reads this list (the `sample!` lines) and writes the files into a script
//! of the build's own, which the page imports when the button is pressed.
//! [`WARM_UP`], two small samples, stays in the module: the workers and the
//! page rehearse on it before the first load.

/// A bundled sample: its file name and where it came from.
pub struct Sample {
    /// The file name (in `tests/fixtures/real/`), as the file list shows it.
    pub name: &'static str,
    /// Repository and licence it was taken from.
    pub source: &'static str,
}

macro_rules! sample {
    ($file:literal, $source:literal) => {
        Sample { name: $file, source: $source }
    };
}

/// The bundled samples: providers and deviations a newcomer should see.
pub const SAMPLES: &[Sample] = &[
    sample!("parsedmarc__rfc8460.json", "domainaware/parsedmarc (Apache-2.0)"),
    sample!("parsedmarc__mail.ru.json", "domainaware/parsedmarc (Apache-2.0)"),
    sample!("parsedmarc__smtp_tls.json", "domainaware/parsedmarc (Apache-2.0)"),
    sample!("parsedmarc__google.com_smtp_tls_report.eml", "domainaware/parsedmarc (Apache-2.0)"),
    sample!("dmarc-report-viewer__microsoft.json", "cry-inc/dmarc-report-viewer (MIT)"),
    sample!("dmarc-report-viewer__no_ip_and_mx.json", "cry-inc/dmarc-report-viewer (MIT)"),
    sample!("mox__microsoft.eml", "mjl-/mox (MIT)"),
    sample!("mta-sts-exporter__google.json", "phi-ag/mta-sts-exporter (MIT)"),
    sample!(
        "internet-message-parser__google.com!digilicious.com!1641686400!1641772799!001.json.gz",
        "gene-hightower/internet-message-parser (MIT)"
    ),
    sample!("email-report-processor__report.elm", "opus-codium/email-report-processor (MIT)"),
];

macro_rules! warm_up {
    ($file:literal) => {
        ($file, include_bytes!(concat!("../tests/fixtures/real/", $file)) as &[u8])
    };
}

/// What the engine rehearses on before the first load (file name, bytes):
/// two of the samples, between them the hot paths of most loads (gzip, JSON,
/// a report's policies and failure details, merging), 2 KB in all. An
/// e-mail here too measured no faster on loads of e-mails or a mailbox
/// (2,000 `.eml`, one `.mbox` of 10,000) and cost 1.75 KB of the page.
pub const WARM_UP: &[(&str, &[u8])] = &[
    warm_up!("internet-message-parser__google.com!digilicious.com!1641686400!1641772799!001.json.gz"),
    warm_up!("parsedmarc__rfc8460.json"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_up_files_are_samples() {
        for (name, bytes) in WARM_UP {
            assert!(SAMPLES.iter().any(|s| s.name == *name), "{name} is not a sample");
            assert!(!bytes.is_empty());
        }
    }

    #[test]
    fn every_sample_is_a_fixture_and_a_sample_line() {
        // finalize.mjs finds the samples by their macro calls: each entry
        // must be written as one, and each file must exist.
        let source = include_str!("samples.rs");
        assert_eq!(source.matches(concat!("sample", "!(")).count(), SAMPLES.len());
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
        for s in SAMPLES {
            assert!(dir.join(s.name).is_file(), "{} is missing", s.name);
        }
    }
}
