//! Bytes to report payloads: sniffing, decompression and unpacking of
//! containers (gzip, zip, e-mail, mailbox), with limits against hostile input.
//!
//! Nothing here knows about browsers; the UI hands in bytes and gets back
//! JSON payloads plus a list of what was skipped or broken, each with the
//! place inside the file where it happened.

pub mod build;
pub mod gzip;
mod le;
pub mod mbox;
pub mod mime;
pub mod msg;
pub mod sniff;
pub mod tar;
pub mod zip;

use std::fmt;
use std::rc::Rc;

pub use sniff::{sniff, Format};

/// Bounds on the work one file may cause. The defaults are generous for real
/// reports (a large Google report is a few hundred KB) and stop bombs.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest decompressed size of any single gzip stream or zip entry.
    pub max_inflated: usize,
    /// Largest decompressed size summed over everything inside one file.
    pub max_total_inflated: usize,
    /// Most entries read from one zip archive.
    pub max_zip_entries: usize,
    /// Deepest nesting of containers (a gzip in a zip in an e-mail is 3).
    pub max_depth: u8,
    /// Most messages read from one mailbox.
    pub max_messages: usize,
    /// Most parts (zip entries, e-mail parts, mailbox messages) read from one
    /// file, nested containers included.
    pub max_parts: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_inflated: 64 << 20,
            max_total_inflated: 1 << 30,
            max_zip_entries: 100_000,
            max_depth: 6,
            max_messages: 1_000_000,
            max_parts: 1_000_000,
        }
    }
}

/// Headers of the e-mail a report came in, for display and cross-checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailMeta {
    /// `Subject`, with RFC 2047 encoded words decoded.
    pub subject: Option<String>,
    /// `TLS-Report-Domain` (RFC 8460 section 5.3).
    pub report_domain: Option<String>,
    /// `TLS-Report-Submitter` (RFC 8460 section 5.3).
    pub report_submitter: Option<String>,
}

/// One report document found in a file.
#[derive(Debug, Clone)]
pub struct Payload {
    /// Where inside the file it was (`"reports.zip › a.json.gz"`); empty for the file itself.
    pub origin: String,
    /// The JSON bytes.
    pub json: Vec<u8>,
    /// The e-mail it was attached to, if any.
    pub mail: Option<Rc<MailMeta>>,
}

/// Why part of a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngestError {
    /// gzip decoding failed.
    Gzip(gzip::GzipError),
    /// The zip archive is malformed or exceeds a limit.
    Zip(zip::ZipError),
    /// The bytes are not any format this tool reads.
    NotAReport { preview: String },
    /// The file is empty.
    Empty,
    /// Containers nest deeper than the limit.
    TooDeep { limit: u8 },
    /// The total inflated size of the file's contents passed the limit.
    TotalTooLarge { limit: usize },
    /// An e-mail had no part that holds a report.
    NoReportInMail,
    /// A mailbox had more messages than the limit; the rest were not read.
    TooManyMessages { limit: usize },
    /// The file holds more parts than the limit, nested containers included.
    TooManyParts { limit: usize },
    /// The tar archive is malformed or exceeds a limit.
    Tar(tar::TarError),
    /// The Outlook message could not be read.
    Msg(msg::MsgError),
    /// The file is a DMARC aggregate report, not a TLS report.
    DmarcReport,
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IngestError::Gzip(e) => e.fmt(f),
            IngestError::Zip(e) => e.fmt(f),
            IngestError::NotAReport { preview } => {
                write!(f, "not a TLS report: neither JSON, gzip, zip, e-mail nor mailbox (starts with {preview})")
            }
            IngestError::Empty => write!(f, "the file is empty"),
            IngestError::TooDeep { limit } => write!(f, "containers nest more than {limit} levels deep"),
            IngestError::TotalTooLarge { limit } => write!(
                f,
                "contents inflate to more than {} in all (possible decompression bomb)",
                crate::format::bytes(*limit as u64)
            ),
            IngestError::NoReportInMail => write!(f, "the e-mail has no TLS report attached"),
            IngestError::TooManyMessages { limit } => {
                write!(f, "the mailbox holds more than {limit} messages; the rest were not read")
            }
            IngestError::Tar(e) => e.fmt(f),
            IngestError::Msg(e) => e.fmt(f),
            IngestError::DmarcReport => {
                write!(f, "a DMARC aggregate report (XML), not a TLS report: open it with a DMARC viewer")
            }
            IngestError::TooManyParts { limit } => write!(
                f,
                "the file holds more than {} parts (entries, messages, attachments) in all; the rest were not read",
                crate::format::count(*limit as u64)
            ),
        }
    }
}

impl std::error::Error for IngestError {}

#[cfg(test)]
mod tests;

/// A problem at a place inside a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// Where inside the file (empty for the file itself).
    pub origin: String,
    /// What happened.
    pub what: T,
}

/// Everything found in one file.
#[derive(Debug, Default)]
pub struct Extracted {
    /// The outermost format, as sniffed.
    pub format: Option<Format>,
    /// Report documents, in file order.
    pub payloads: Vec<Payload>,
    /// Parts that are not reports (a text body, a README in a zip, a message
    /// without a report), at most [`MAX_SKIPPED_LISTED`] per step.
    pub skipped: Vec<Located<String>>,
    /// Skipped parts beyond those listed.
    pub skipped_unlisted: usize,
    /// Parts that could not be read.
    pub errors: Vec<Located<IngestError>>,
    /// Parts that were read, with something odd about them (bytes ignored).
    pub notes: Vec<Located<String>>,
}

/// Finds every report document in `bytes`.
pub fn extract(bytes: &[u8], limits: &Limits) -> Extracted {
    let mut job = Job::new(bytes, limits);
    let mut out = job.step(usize::MAX);
    out.format = Some(job.format());
    out
}

/// Most skipped parts listed per step; the rest are only counted.
pub const MAX_SKIPPED_LISTED: usize = 1000;

/// A unit of work inside a file.
enum Unit {
    /// The whole file (JSON, gzip, a single e-mail, junk).
    Whole,
    /// One entry of a top-level zip archive.
    Entry(zip::Entry),
    /// One message of a mailbox: its number and byte range.
    Message(usize, usize, usize),
}

/// A file being ingested a few units (zip entries, mailbox messages) at a
/// time, so that a 100,000-report archive never holds the page for long.
/// Limits hold across the whole file: the inflation budget is shared.
pub struct Job<'a> {
    bytes: &'a [u8],
    limits: Limits,
    budget: Budget,
    format: Format,
    units: Vec<Unit>,
    next: usize,
    /// Problems found while planning, handed out with the first step.
    planned: Extracted,
}

impl<'a> Job<'a> {
    /// Plans the work: sniffs the format and lists the units.
    pub fn new(bytes: &'a [u8], limits: &Limits) -> Job<'a> {
        let format = sniff(bytes);
        let mut planned = Extracted::default();
        let mut units = Vec::new();
        let here = |what| Located { origin: String::new(), what };
        if bytes.is_empty() {
            planned.errors.push(here(IngestError::Empty));
        } else {
            match format {
                Format::Zip => {
                    units.extend(zip_files(bytes, limits, "", &mut planned.errors).into_iter().map(Unit::Entry))
                }
                Format::Mbox => {
                    for (i, msg) in mbox::messages(bytes).enumerate() {
                        if i >= limits.max_messages {
                            planned.errors.push(here(IngestError::TooManyMessages { limit: limits.max_messages }));
                            break;
                        }
                        let start = msg.as_ptr() as usize - bytes.as_ptr() as usize;
                        units.push(Unit::Message(i, start, start + msg.len()));
                    }
                }
                _ => units.push(Unit::Whole),
            }
        }
        let budget = Budget { left: limits.max_total_inflated, parts_left: limits.max_parts, spent: false };
        Job { bytes, limits: limits.clone(), budget, format, units, next: 0, planned }
    }

    /// Plans part `part` of `parts` of a file: the same plan, cut to the
    /// part's share of the units (zip entries, mailbox messages), in order,
    /// so that workers can read one archive side by side and the parts,
    /// merged in order, give what the whole file gives. Problems found while
    /// planning go with part 0; each part gets its share of the file's
    /// budgets, so a split bomb costs no more than a whole one.
    pub fn part(bytes: &'a [u8], limits: &Limits, part: usize, parts: usize) -> Job<'a> {
        let mut job = Job::new(bytes, limits);
        let parts = parts.max(1);
        let n = job.units.len();
        let (start, end) = (n * part.min(parts) / parts, n * (part + 1).min(parts) / parts);
        job.units.truncate(end);
        job.units.drain(..start);
        if part > 0 {
            job.planned = Extracted::default();
        }
        job.budget.left = limits.max_total_inflated / parts;
        job.budget.parts_left = limits.max_parts / parts;
        job
    }

    /// The sniffed outer format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Units in all, and units done.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.units.len())
    }

    /// Whether every unit has been processed.
    pub fn is_done(&self) -> bool {
        self.next >= self.units.len()
    }

    /// Processes up to `n` units and returns what they held. Once the file's
    /// inflation budget is spent, the job is done: nothing more is read.
    pub fn step(&mut self, n: usize) -> Extracted {
        let mut out = std::mem::take(&mut self.planned);
        out.skipped_unlisted = 0;
        let end = self.next.saturating_add(n).min(self.units.len());
        while self.next < end && !self.budget.spent {
            let mut walker = Walker { limits: &self.limits, budget: &mut self.budget, out: &mut out };
            match &self.units[self.next] {
                Unit::Whole => walker.walk(self.bytes, String::new(), 0, None, true),
                Unit::Entry(e) => walker.zip_entry(self.bytes, e, "", 0, None),
                Unit::Message(i, start, stop) => walker.message(&self.bytes[*start..*stop], *i, "", 0),
            }
            self.next += 1;
        }
        if self.budget.spent {
            self.next = self.units.len();
        }
        out
    }
}

/// The file entries of a zip archive (directories left out). An archive read
/// from its local headers because the directory was cut off, or one that
/// cannot be read, is recorded as an error at `origin`.
fn zip_files(bytes: &[u8], limits: &Limits, origin: &str, errors: &mut Vec<Located<IngestError>>) -> Vec<zip::Entry> {
    let at = |what| Located { origin: origin.to_owned(), what: IngestError::Zip(what) };
    // Measuring the entries of a cut-off archive may inflate up to one stream's cap.
    match zip::entries_with_status(bytes, limits.max_zip_entries, limits.max_inflated) {
        Ok((entries, recovered)) => {
            if recovered {
                errors.push(at(zip::ZipError::Recovered { entries: entries.len() }));
            }
            let (entries, overlapping) = zip::without_overlaps(entries);
            if overlapping > 0 {
                errors.push(at(zip::ZipError::Overlapping { entries: overlapping }));
            }
            entries.into_iter().filter(|e| !e.is_dir).collect()
        }
        Err(e) => {
            errors.push(at(e));
            Vec::new()
        }
    }
}

/// What macOS Finder adds to the archives it makes (`__MACOSX/` folders and
/// `._` AppleDouble files): skipped quietly, they are never reports.
fn is_finder_metadata(name: &str) -> bool {
    name.starts_with("__MACOSX/")
        || name.contains("/__MACOSX/")
        || name.rsplit('/').next().is_some_and(|b| b.starts_with("._"))
}

/// Joins a place inside a file to a name found there.
pub(crate) fn join(origin: &str, name: &str) -> String {
    if origin.is_empty() {
        name.to_owned()
    } else {
        format!("{origin} › {name}")
    }
}

/// What is left of a file's inflation budget. Every inflated byte is charged,
/// from streams that failed too; once it is spent, the whole walk stops.
#[derive(Debug)]
struct Budget {
    left: usize,
    /// Parts still allowed (zip entries, e-mail parts, mailbox messages).
    parts_left: usize,
    /// Set when the budget ran out: every loop of the walk, and the job, stop.
    spent: bool,
}

struct Walker<'a> {
    limits: &'a Limits,
    budget: &'a mut Budget,
    out: &'a mut Extracted,
}

impl Walker<'_> {
    fn error(&mut self, origin: &str, what: IngestError) {
        self.out.errors.push(Located { origin: origin.to_owned(), what });
    }

    fn skip(&mut self, origin: &str, why: String) {
        if self.out.skipped.len() < MAX_SKIPPED_LISTED {
            self.out.skipped.push(Located { origin: origin.to_owned(), what: why });
        } else {
            self.out.skipped_unlisted += 1;
        }
    }

    /// Counts one part against the file's limit; false (and one error for
    /// the file, and the walk stops) once the limit is passed.
    fn part(&mut self, origin: &str) -> bool {
        if self.budget.spent {
            return false;
        }
        if self.budget.parts_left == 0 {
            self.budget.spent = true;
            self.error(origin, IngestError::TooManyParts { limit: self.limits.max_parts });
            return false;
        }
        self.budget.parts_left -= 1;
        true
    }

    /// Charges `n` inflated bytes to the file's budget; false (and one error
    /// for the file) when that spends it.
    fn charge(&mut self, n: usize, origin: &str) -> bool {
        if self.budget.spent {
            return false;
        }
        if n > self.budget.left {
            self.budget.left = 0;
            self.budget.spent = true;
            self.error(origin, IngestError::TotalTooLarge { limit: self.limits.max_total_inflated });
            return false;
        }
        self.budget.left -= n;
        true
    }

    /// Whether the walk must stop (the budget is spent).
    fn stopped(&self) -> bool {
        self.budget.spent
    }

    /// The cap for one decompression: the per-stream limit or what is left of
    /// the budget, plus one byte so that passing the budget is detected.
    fn cap(&self) -> usize {
        self.limits.max_inflated.min(self.budget.left.saturating_add(1))
    }

    fn walk(&mut self, bytes: &[u8], origin: String, depth: u8, mail: Option<Rc<MailMeta>>, top: bool) {
        if depth > self.limits.max_depth {
            self.error(&origin, IngestError::TooDeep { limit: self.limits.max_depth });
            return;
        }
        match sniff(bytes) {
            Format::Json => self.out.payloads.push(Payload { origin, json: bytes.to_vec(), mail }),
            Format::Gzip => {
                let mut inner = Vec::new();
                let result = gzip::gunzip_into(bytes, self.cap(), &mut inner);
                if !self.charge(inner.len(), &origin) {
                    return;
                }
                match result {
                    Ok(trailing) => {
                        if trailing > 0 {
                            let what = format!("{trailing} bytes after the end of the gzip data were ignored");
                            self.out.notes.push(Located { origin: origin.clone(), what });
                        }
                        self.walk(&inner, origin, depth + 1, mail, top)
                    }
                    Err(e) => self.error(&origin, IngestError::Gzip(e)),
                }
            }
            Format::Zip => self.walk_zip(bytes, &origin, depth, mail),
            Format::Email => self.walk_mail(bytes, &origin, depth, top),
            Format::Mbox => self.walk_mbox(bytes, &origin, depth),
            Format::Tar => self.walk_tar(bytes, &origin, depth, mail),
            Format::Msg => self.walk_msg(bytes, &origin, depth, top),
            Format::DmarcXml if top => self.error(&origin, IngestError::DmarcReport),
            Format::DmarcXml => self.skip(&origin, "a DMARC aggregate report, not a TLS report".to_owned()),
            Format::Unknown if top => {
                let what = if bytes.iter().all(u8::is_ascii_whitespace) {
                    IngestError::Empty
                } else {
                    IngestError::NotAReport { preview: sniff::preview(bytes) }
                };
                self.error(&origin, what)
            }
            Format::Unknown => self.skip(&origin, "not a report".to_owned()),
        }
    }

    fn walk_zip(&mut self, bytes: &[u8], origin: &str, depth: u8, mail: Option<Rc<MailMeta>>) {
        for entry in &zip_files(bytes, self.limits, origin, &mut self.out.errors) {
            if self.stopped() {
                return;
            }
            self.zip_entry(bytes, entry, origin, depth, mail.clone());
        }
    }

    fn walk_msg(&mut self, bytes: &[u8], origin: &str, depth: u8, top: bool) {
        let (subject, attachments) = match msg::attachments(
            bytes,
            msg::Reading {
                max_count: self.limits.max_zip_entries,
                cap: self.cap(),
                total: self.budget.left.saturating_add(1),
            },
        ) {
            Ok(a) => a,
            Err(e) => return self.error(origin, IngestError::Msg(e)),
        };
        let meta = Rc::new(MailMeta { subject, ..MailMeta::default() });
        let found_before = self.out.payloads.len() + self.out.errors.len();
        for a in attachments {
            let here = join(origin, &a.name);
            if !self.part(&here) || !self.charge(a.data.len(), &here) {
                return;
            }
            if a.truncated {
                self.error(&here, IngestError::Gzip(gzip::GzipError::TooLarge { limit: self.limits.max_inflated }));
                continue;
            }
            self.walk(&a.data, here, depth + 1, Some(meta.clone()), false);
        }
        if self.out.payloads.len() + self.out.errors.len() == found_before && top {
            self.error(origin, IngestError::NoReportInMail);
        }
    }

    fn walk_tar(&mut self, bytes: &[u8], origin: &str, depth: u8, mail: Option<Rc<MailMeta>>) {
        let entries = match tar::entries(bytes, self.limits.max_zip_entries) {
            Ok(e) => e,
            Err(e) => return self.error(origin, IngestError::Tar(e)),
        };
        for e in entries {
            if is_finder_metadata(&e.name) {
                continue;
            }
            let here = join(origin, &e.name);
            if !self.part(&here) {
                return;
            }
            self.walk(&bytes[e.start..e.start + e.len], here, depth + 1, mail.clone(), false);
        }
    }

    /// Reads one zip entry, charging what it inflated.
    fn zip_entry(&mut self, bytes: &[u8], entry: &zip::Entry, origin: &str, depth: u8, mail: Option<Rc<MailMeta>>) {
        if is_finder_metadata(&entry.name) {
            return;
        }
        let here = join(origin, &entry.name);
        if !self.part(&here) {
            return;
        }
        let mut data = Vec::new();
        let result = zip::read_into(bytes, entry, self.cap(), &mut data);
        // An entry that declares more than the budget has left is refused
        // before inflating: that too spends the budget.
        let budget_bound = self.budget.left < self.limits.max_inflated;
        let charged =
            if budget_bound && matches!(result, Err(zip::ZipError::TooLarge { .. })) { usize::MAX } else { data.len() };
        if !self.charge(charged, &here) {
            return;
        }
        match result {
            Ok(()) => self.walk(&data, here, depth + 1, mail, false),
            Err(e) => self.error(&here, IngestError::Zip(e)),
        }
    }

    fn walk_mail(&mut self, bytes: &[u8], origin: &str, depth: u8, top: bool) {
        let msg = mime::parse_message(bytes);
        let meta = Rc::new(msg.meta());
        let found_before = self.out.payloads.len() + self.out.errors.len();
        for part in msg.report_parts() {
            let here = join(origin, &part.label());
            if !self.part(&here) {
                return;
            }
            match part.decoded_body() {
                Ok(body) => self.walk(&body, here, depth + 1, Some(meta.clone()), false),
                Err(e) => self.skip(&here, format!("body could not be decoded: {e}")),
            }
        }
        if self.out.payloads.len() + self.out.errors.len() == found_before {
            let subject = meta.subject.clone().unwrap_or_else(|| "(no subject)".into());
            if top {
                self.error(origin, IngestError::NoReportInMail);
            } else {
                self.skip(origin, format!("message \"{subject}\" has no TLS report"));
            }
        }
    }

    fn walk_mbox(&mut self, bytes: &[u8], origin: &str, depth: u8) {
        for (i, msg) in mbox::messages(bytes).enumerate() {
            if self.stopped() {
                return;
            }
            if i >= self.limits.max_messages {
                return self.error(origin, IngestError::TooManyMessages { limit: self.limits.max_messages });
            }
            self.message(msg, i, origin, depth);
        }
    }

    /// One mailbox message (numbered from 0), `>From ` lines unescaped.
    fn message(&mut self, msg: &[u8], i: usize, origin: &str, depth: u8) {
        let here = join(origin, &format!("message {}", i + 1));
        if !self.part(&here) {
            return;
        }
        let msg = mbox::unescape(msg);
        self.walk_mail(&msg, &here, depth + 1, false);
    }
}
