//! What each result type means and what to do about it, in plain words.

/// An explanation of a result type for a postmaster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// What the sender saw.
    pub meaning: String,
    /// What to check or fix.
    pub fix: String,
}

/// Explains `result_type` (RFC 8460 section 4.3); `domain` fills in host names.
pub fn explain(result_type: &str, domain: &str) -> Explanation {
    let d = if domain.is_empty() { "<your-domain>" } else { domain };
    let (meaning, fix) = match result_type {
        "starttls-not-supported" => (
            "The receiving MX did not offer STARTTLS, so the message could only be sent unencrypted (or not at all, under an enforced policy).".to_owned(),
            "Enable STARTTLS on every MX host, and check that no firewall or middlebox strips it from the EHLO response.".to_owned(),
        ),
        "certificate-host-mismatch" => (
            "The MX presented a certificate whose names do not include the host the sender connected to.".to_owned(),
            "Give each MX a certificate whose subjectAltName covers its MX hostname, and make sure the MTA-STS policy's mx lines match those names.".to_owned(),
        ),
        "certificate-expired" => (
            "The MX presented an expired certificate.".to_owned(),
            "Renew the certificate and check that automatic renewal works and that the mail server reloads it afterwards.".to_owned(),
        ),
        "certificate-not-trusted" => (
            "The MX certificate does not chain to a CA the sender trusts: self-signed, a private CA, or a missing intermediate.".to_owned(),
            "Use a certificate from a public CA and serve the full chain, intermediates included.".to_owned(),
        ),
        "validation-failure" => (
            "The TLS handshake or certificate validation failed for a reason not covered by the other types; the reason code says more.".to_owned(),
            "Look at the failure-reason-code and test the MX with an SMTP TLS checker (openssl s_client -starttls smtp -connect mx:25).".to_owned(),
        ),
        "tlsa-invalid" => (
            "The DANE TLSA records did not match the certificate the MX presented, often after a key or certificate rollover.".to_owned(),
            "Publish TLSA records for the new key before rolling it out (keep both during the change), and re-check _25._tcp.<mx> records.".to_owned(),
        ),
        "dnssec-invalid" => (
            "DNSSEC validation failed for the records the sender needed (MX, TLSA or address records).".to_owned(),
            "Check the zone's DS and DNSKEY records and that signatures have not expired (dig +dnssec, or a DNSSEC analyzer).".to_owned(),
        ),
        "dane-required" => (
            "The sender requires DANE for this destination, but no usable TLSA records were found.".to_owned(),
            "Publish valid TLSA records for each MX in a DNSSEC-signed zone.".to_owned(),
        ),
        "sts-policy-fetch-error" => (
            format!("The MTA-STS policy at https://mta-sts.{d}/.well-known/mta-sts.txt could not be fetched (DNS, connection, TLS or HTTP error)."),
            format!("Check that mta-sts.{d} resolves, serves HTTPS with a valid certificate, and returns the policy with status 200 (curl -v https://mta-sts.{d}/.well-known/mta-sts.txt)."),
        ),
        "sts-policy-invalid" => (
            format!("The MTA-STS policy for {d} was fetched but could not be parsed or is not valid."),
            "Check the policy file: version: STSv1, a mode (enforce, testing or none), one mx line per MX pattern, and max_age, one per line.".to_owned(),
        ),
        "sts-webpki-invalid" => (
            format!("The HTTPS certificate of mta-sts.{d} is not valid, so the MTA-STS policy could not be trusted."),
            format!("Serve mta-sts.{d} with a publicly trusted certificate that names mta-sts.{d} and has not expired."),
        ),
        other => (
            format!("\"{other}\" is not a result type RFC 8460 defines; the reporter uses its own name."),
            "Read the reason code and additional information the reporter gave, or ask the reporter (contact-info).".to_owned(),
        ),
    };
    Explanation { meaning, fix }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::KNOWN_RESULT_TYPES;

    #[test]
    fn every_known_type_has_its_own_explanation() {
        let mut seen = std::collections::HashSet::new();
        for t in KNOWN_RESULT_TYPES {
            let e = explain(t, "example.com");
            assert!(!e.meaning.contains("not a result type"), "{t}");
            assert!(seen.insert(e.meaning), "{t} shares its explanation");
        }
        assert!(explain("sts-policy-fetch-error", "example.com")
            .meaning
            .contains("https://mta-sts.example.com/.well-known/mta-sts.txt"));
        assert!(explain("Testing", "").meaning.contains("not a result type"));
    }
}
