//! Real reports bundled into the app for the "Try sample reports" button.
//!
//! Each is a public fixture from an MIT- or Apache-2.0-licensed repository;
//! `tests/fixtures/real/SOURCES.md` records where each came from.

/// A bundled sample: file name, where it came from, and its bytes.
pub struct Sample {
    /// The file name shown in the file list.
    pub name: &'static str,
    /// Repository and licence it was taken from.
    pub source: &'static str,
    /// The file's bytes.
    pub bytes: &'static [u8],
}

macro_rules! sample {
    ($file:literal, $source:literal) => {
        Sample { name: $file, source: $source, bytes: include_bytes!(concat!("../tests/fixtures/real/", $file)) }
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
