//! The compact binary form of a file's result that crosses the worker
//! boundary, written by hand.
//!
//! Both ends are this crate, built from the same source into the same
//! module, so the form needs no self-description: fields in declaration
//! order, integers as LEB128 varints (signed ones zigzagged), strings and
//! lists as a length and their items, options as a 0/1 tag. A general
//! serializer (bincode through serde) did the same with a visitor per type
//! and field; this is about a third of its code in the module and decodes
//! straight into the model. Damaged bytes give [`Damaged`], never a panic,
//! and a length is never trusted for more than the bytes left.

use std::fmt;

use crate::analysis::{Delivery, FileOutcome, FileResult, Problem};
use crate::ingest::{Format, Located, MailMeta};
use crate::report::{DateRange, FailureDetail, Policy, PolicyResult, PolicyType, Report, ResultType, Summary};

use super::Chunk;

/// Bytes that are not a whole, well-formed encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damaged;

impl fmt::Display for Damaged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("damaged or truncated data")
    }
}

/// A value with a binary form.
pub trait Wire: Sized {
    /// Appends its encoding.
    fn put(&self, out: &mut Vec<u8>);
    /// Reads one value.
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged>;
}

/// Encodes one value.
pub fn encode<T: Wire>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.put(&mut out);
    out
}

/// Decodes one value that must fill `bytes` exactly.
pub fn decode<T: Wire>(bytes: &[u8]) -> Result<T, Damaged> {
    let mut r = Reader { bytes, pos: 0 };
    let v = T::take(&mut r)?;
    if r.pos == bytes.len() {
        Ok(v)
    } else {
        Err(Damaged)
    }
}

/// A position in encoded bytes.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, Damaged> {
        let b = *self.bytes.get(self.pos).ok_or(Damaged)?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, Damaged> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(Damaged)
    }

    /// A length, at most the bytes left (every item takes at least one).
    fn len(&mut self) -> Result<usize, Damaged> {
        let n = usize::try_from(self.varint()?).map_err(|_| Damaged)?;
        if n > self.bytes.len() - self.pos {
            return Err(Damaged);
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&'a str, Damaged> {
        let n = self.len()?;
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        std::str::from_utf8(s).map_err(|_| Damaged)
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

impl Wire for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, *self);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        r.varint()
    }
}

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, *self as u64);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        usize::try_from(r.varint()?).map_err(|_| Damaged)
    }
}

impl Wire for i64 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, ((*self << 1) ^ (*self >> 63)) as u64);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        let v = r.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
}

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Damaged),
        }
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, self);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        r.str().map(str::to_owned)
    }
}

impl Wire for Box<str> {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, self);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        r.str().map(Box::from)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        match r.byte()? {
            0 => Ok(None),
            1 => T::take(r).map(Some),
            _ => Err(Damaged),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.len() as u64);
        for v in self {
            v.put(out);
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        let n = r.len()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::take(r)?);
        }
        Ok(v)
    }
}

/// Fields in order, each with [`Wire`]: `put` destructures the whole struct,
/// so a field added to it and not here does not compile.
macro_rules! wire_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Wire for $ty {
            fn put(&self, out: &mut Vec<u8>) {
                let $ty { $($field),* } = self;
                $($field.put(out);)*
            }
            fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
                Ok($ty { $($field: Wire::take(r)?),* })
            }
        }
    };
}

wire_struct!(DateRange { start, end });
wire_struct!(PolicyResult { policy, summary, failure_details });
wire_struct!(Policy { policy_type, policy_string, policy_domain, mx_host });
wire_struct!(Summary { successful, failed });
wire_struct!(FailureDetail {
    result_type,
    sending_mta_ip,
    receiving_mx_hostname,
    receiving_mx_helo,
    receiving_ip,
    failed_session_count,
    additional_information,
    failure_reason_code,
});
wire_struct!(Problem { origin, is_error, message });
wire_struct!(MailMeta { subject, report_domain, report_submitter });
wire_struct!(FileOutcome {
    id,
    name,
    size,
    format,
    reports,
    duplicates,
    problems,
    error_count,
    warning_count,
    skipped,
    skipped_count,
    mail,
});
wire_struct!(Delivery { report, warnings, origin, raw });
wire_struct!(FileResult { outcome, deliveries });
wire_struct!(Chunk { outcome, deliveries });

impl Wire for Report {
    fn put(&self, out: &mut Vec<u8>) {
        let Report { organization_name, report_id, contact_info, date_range, policies, extra } = self;
        organization_name.put(out);
        report_id.put(out);
        contact_info.put(out);
        date_range.put(out);
        policies.put(out);
        // Unknown fields travel as their JSON text.
        put_varint(out, extra.len() as u64);
        for (k, v) in extra {
            put_str(out, k);
            put_str(out, &v.to_string());
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        let organization_name = Wire::take(r)?;
        let report_id = Wire::take(r)?;
        let contact_info = Wire::take(r)?;
        let date_range = Wire::take(r)?;
        let policies = Wire::take(r)?;
        let n = r.len()?;
        let mut extra = Vec::with_capacity(n);
        for _ in 0..n {
            let k = r.str()?.to_owned();
            let text = r.str()?;
            extra.push((k, serde_json::from_str(text).map_err(|_| Damaged)?));
        }
        Ok(Report { organization_name, report_id, contact_info, date_range, policies, extra })
    }
}

impl Wire for Located<String> {
    fn put(&self, out: &mut Vec<u8>) {
        let Located { origin, what } = self;
        origin.put(out);
        what.put(out);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        Ok(Located { origin: Wire::take(r)?, what: Wire::take(r)? })
    }
}

impl Wire for PolicyType {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, self.as_str());
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        r.str().map(PolicyType::from_wire)
    }
}

impl Wire for ResultType {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, &self.0);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        r.str().map(|s| ResultType(s.to_owned()))
    }
}

/// Formats in the order of their byte on the wire.
const FORMATS: [Format; 9] = [
    Format::Gzip,
    Format::Zip,
    Format::Json,
    Format::Mbox,
    Format::Email,
    Format::Tar,
    Format::Msg,
    Format::DmarcXml,
    Format::Unknown,
];

impl Wire for Format {
    fn put(&self, out: &mut Vec<u8>) {
        // Every variant is in FORMATS (the test below checks each round trip).
        out.push(FORMATS.iter().position(|f| f == self).unwrap_or(FORMATS.len() - 1) as u8);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, Damaged> {
        FORMATS.get(usize::from(r.byte()?)).copied().ok_or(Damaged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round<T: Wire + PartialEq + fmt::Debug>(v: T) {
        let bytes = encode(&v);
        assert_eq!(decode::<T>(&bytes), Ok(v));
        // Every shorter prefix is damaged, never a panic or a value.
        for cut in 0..bytes.len() {
            assert_eq!(decode::<T>(&bytes[..cut]).err(), Some(Damaged), "cut at {cut}");
        }
    }

    #[test]
    fn integers_round_trip_at_their_edges() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            round(v);
        }
        for v in [0i64, 1, -1, 63, -64, 64, i64::MIN, i64::MAX, -1_700_000_000] {
            round(v);
        }
        round(usize::MAX);
    }

    #[test]
    fn every_format_round_trips() {
        for f in FORMATS {
            round(f);
        }
        assert_eq!(decode::<Format>(&[9]), Err(Damaged));
    }

    #[test]
    fn strings_options_and_lists() {
        round(String::from("héllo › wörld"));
        round(Some(String::new()));
        round(None::<String>);
        round(vec![String::from("a"), String::new(), String::from("ç")]);
        assert_eq!(decode::<String>(&[2, 0xff, 0xfe]), Err(Damaged), "not UTF-8");
        assert_eq!(decode::<bool>(&[2]), Err(Damaged));
        assert_eq!(decode::<Option<u64>>(&[7, 1]), Err(Damaged));
    }

    #[test]
    fn a_huge_length_is_not_trusted() {
        let mut bytes = Vec::new();
        put_varint(&mut bytes, u64::MAX >> 1);
        assert_eq!(decode::<Vec<u64>>(&bytes), Err(Damaged));
        assert_eq!(decode::<String>(&bytes), Err(Damaged));
        // A varint that never ends.
        assert_eq!(decode::<u64>(&[0xff; 11]), Err(Damaged));
    }

    #[test]
    fn trailing_bytes_are_damage() {
        let mut bytes = encode(&5u64);
        bytes.push(0);
        assert_eq!(decode::<u64>(&bytes), Err(Damaged));
    }
}
