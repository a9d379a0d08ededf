//! Everything loaded so far: per-file outcomes and the unique reports.

use foldhash::HashMap;
use std::rc::Rc;

use crate::ingest::{self, Extracted, Format, Job, Limits, MailMeta, Payload};

use super::findings::FindingFacts;
use super::index::{Index, Sums};
use crate::report::{normalize_domain, parse_documents, Parsed, Report, Warning};

/// How a file fared, as the file list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every report read cleanly.
    Ok,
    /// Reports were read, with deviations or unreadable parts.
    Warning,
    /// No report could be read.
    Error,
}

impl Status {
    /// The `data-status` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Error => "error",
        }
    }
}

/// One line of a file's problem list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where inside the file (entry, message, report), empty for the file itself.
    pub origin: String,
    /// Error (something was not read) or warning (read, with a deviation).
    pub is_error: bool,
    /// Plain-words description.
    pub message: String,
}

/// Most problems kept per file; a mailbox of 10,000 odd reports would
/// otherwise hold 10,000 copies of the same sentence.
pub const MAX_PROBLEMS_PER_FILE: usize = 200;

/// The result of loading one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileOutcome {
    /// Stable id (the order files were given in).
    pub id: usize,
    /// The file name (with its folder path when it came from a folder).
    pub name: String,
    /// Size in bytes.
    pub size: usize,
    /// The sniffed outer format.
    pub format: Option<Format>,
    /// Reports found in the file, duplicates included.
    pub reports: usize,
    /// Of those, how many were already loaded from this or another file.
    pub duplicates: usize,
    /// Errors and warnings, at most [`MAX_PROBLEMS_PER_FILE`].
    pub problems: Vec<Problem>,
    /// Errors and warnings in all, kept even when the list is capped.
    pub error_count: usize,
    /// Warnings in all.
    pub warning_count: usize,
    /// Parts that are not reports, with why, at most [`MAX_PROBLEMS_PER_FILE`].
    pub skipped: Vec<ingest::Located<String>>,
    /// Parts that are not reports, in all (the list above may be capped).
    pub skipped_count: usize,
    /// The e-mail headers, when the file is a single message.
    pub mail: Option<MailMeta>,
}

impl FileOutcome {
    /// `ok`, `warning` or `error`.
    pub fn status(&self) -> Status {
        if self.reports == 0 {
            Status::Error
        } else if self.error_count > 0 || self.warning_count > 0 {
            Status::Warning
        } else {
            Status::Ok
        }
    }

    /// The first error's message, the short reason an error row shows.
    pub fn reason(&self) -> Option<String> {
        let p = self.problems.iter().find(|p| p.is_error).or(self.problems.first())?;
        Some(if p.origin.is_empty() { p.message.clone() } else { format!("{}: {}", p.origin, p.message) })
    }

    /// The facts line of its row: size, format, reports, duplicates, parts skipped.
    pub fn facts(&self) -> String {
        let count = |n: usize| crate::format::count(n as u64);
        let mut facts = vec![crate::format::bytes(self.size as u64)];
        if let Some(f) = self.format {
            facts.push(f.name().to_owned());
        }
        facts.push(match self.reports {
            1 => "1 report".to_owned(),
            n => format!("{} reports", count(n)),
        });
        if self.duplicates > 0 {
            facts.push(format!("{} already loaded (skipped)", count(self.duplicates)));
        }
        if self.skipped_count > 0 {
            facts.push(format!("{} parts without a report", count(self.skipped_count)));
        }
        facts.join(" · ")
    }

    /// The one-line summary of its problems: the reason for an error, counts
    /// for warnings, nothing for a clean file.
    pub fn summary_line(&self) -> Option<String> {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        match self.status() {
            Status::Error => self.reason(),
            Status::Warning => Some(match (self.error_count, self.warning_count) {
                (0, w) => format!("{w} warning{}", s(w)),
                (e, w) => {
                    let first = self.problems.iter().find(|p| p.is_error).map(|p| format!(" (first: {})", p.message));
                    format!("{e} part{} unreadable{}, {w} warning{}", s(e), first.unwrap_or_default(), s(w))
                }
            }),
            Status::Ok => None,
        }
    }

    /// The e-mail headers of a single-message file, as one line.
    pub fn mail_line(&self) -> Option<String> {
        let m = self.mail.as_ref()?;
        let bits: Vec<String> = [
            m.subject.as_ref().map(|s| format!("Subject: {s}")),
            m.report_domain.as_ref().map(|d| format!("TLS-Report-Domain: {d}")),
            m.report_submitter.as_ref().map(|s| format!("TLS-Report-Submitter: {s}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!bits.is_empty()).then(|| bits.join(" · "))
    }

    /// Problems and skipped parts recorded beyond the kept lists (shown as "… and N more").
    pub fn hidden_problems(&self) -> usize {
        (self.error_count + self.warning_count).saturating_sub(self.problems.len())
            + self.skipped_count.saturating_sub(self.skipped.len())
    }

    fn push(&mut self, origin: String, is_error: bool, message: String) {
        if is_error {
            self.error_count += 1;
        } else {
            self.warning_count += 1;
        }
        if self.problems.len() < MAX_PROBLEMS_PER_FILE {
            self.problems.push(Problem { origin, is_error, message });
        }
    }
}

/// A unique report and what is known about where it came from.
#[derive(Debug, Clone)]
pub struct StoredReport {
    /// The report.
    pub report: Report,
    /// Deviations found while parsing it (from its first delivery), in words.
    pub warnings: Vec<String>,
    /// The file it was first read from.
    pub file: usize,
    /// Where inside that file.
    pub origin: String,
    /// Files that delivered it again.
    pub duplicate_files: Vec<usize>,
    /// The JSON text as it arrived (for the inspector).
    pub raw: Box<str>,
}

/// The loaded data set: files in the order given, and unique reports.
#[derive(Debug, Default)]
pub struct Dataset {
    files: Vec<FileOutcome>,
    reports: Vec<StoredReport>,
    index: HashMap<(Rc<str>, Rc<str>), usize>,
    /// The unique reports as numbers, for filtering and summing at scale.
    ix: Index,
    /// The sums of the unfiltered overview, likewise.
    sums: Sums,
    /// What the findings are judged on, likewise kept up to date.
    found: FindingFacts,
    duplicates: usize,
    limits: Limits,
    /// The file whose job is still running, if any: its id is `files.len()`,
    /// and it joins `files` when it is finished.
    open: Option<FileResult>,
}

impl Dataset {
    /// An empty data set with the default limits.
    pub fn new() -> Dataset {
        Dataset::default()
    }

    /// An empty data set with the given limits.
    pub fn with_limits(limits: Limits) -> Dataset {
        Dataset { limits, ..Dataset::default() }
    }

    /// Every file given so far, in order.
    pub fn files(&self) -> &[FileOutcome] {
        &self.files
    }

    /// The index of the unique reports (see [`super::index`]).
    pub fn index(&self) -> &Index {
        &self.ix
    }

    /// The running sums over every unique report (see [`Sums`]).
    pub fn sums(&self) -> &Sums {
        &self.sums
    }

    /// What the findings are judged on (see [`super::findings::judge`]).
    pub fn finding_facts(&self) -> &FindingFacts {
        &self.found
    }

    /// Unique reports, in the order they were first seen.
    pub fn reports(&self) -> &[StoredReport] {
        &self.reports
    }

    /// The unique reports' models, in the order they were first seen.
    pub fn report_models(&self) -> impl Iterator<Item = &Report> + '_ {
        self.reports.iter().map(|s| &s.report)
    }

    /// Report deliveries that were skipped as duplicates.
    pub fn duplicate_count(&self) -> usize {
        self.duplicates
    }

    /// Files per status among finished files: `[ok, warning, error]`.
    pub fn status_counts(&self) -> [usize; 3] {
        let mut by = [0usize; 3];
        for f in self.finished_files() {
            by[f.status() as usize] += 1;
        }
        by
    }

    /// One sentence on what is loaded, for the status line that screen
    /// readers announce: "47 files read: 36 reports, 28 with warnings, 1 error".
    pub fn status_text(&self) -> String {
        let files = self.finished_files().len();
        if files == 0 {
            return String::new();
        }
        let [_, warn, err] = self.status_counts();
        let plural = |n: usize, one: &str, many: &str| {
            format!("{} {}", crate::format::count(n as u64), if n == 1 { one } else { many })
        };
        let mut s = format!(
            "{} read: {}",
            plural(files, "file", "files"),
            plural(self.reports.len(), "unique report", "unique reports")
        );
        if warn > 0 {
            s.push_str(&format!(", {} with warnings", plural(warn, "file", "files")));
        }
        if err > 0 {
            s.push_str(&format!(", {}", plural(err, "error", "errors")));
            if let Some(last) = self.finished_files().iter().rev().find(|f| f.status() == Status::Error) {
                s.push_str(&format!(" (last: {}: {})", last.name, last.reason().unwrap_or_default()));
            }
        }
        s.push('.');
        s
    }

    /// Records a file that could not be read at all (say, the browser failed to read it).
    pub fn add_unreadable(&mut self, name: &str, size: usize, why: &str) -> &FileOutcome {
        self.close_open();
        let mut result = FileResult::new(name, size, None);
        result.outcome.push(String::new(), true, why.to_owned());
        self.add_result(result)
    }

    /// The limits files are read with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Files whose loading has finished, in the order given (a file still
    /// being read is left out, so views never show half a file).
    pub fn finished_files(&self) -> &[FileOutcome] {
        &self.files
    }

    /// The name of file `id`, finished or still being read.
    pub fn file_name(&self, id: usize) -> &str {
        match (self.files.get(id), &self.open) {
            (Some(f), _) => &f.name,
            (None, Some(open)) => &open.outcome.name,
            (None, None) => "",
        }
    }

    /// Loads one file: unpacks it, parses every report in it, de-duplicates,
    /// and records what happened. Never fails; problems land in the outcome.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> &FileOutcome {
        self.close_open();
        let result = FileResult::read(name, bytes, &self.limits);
        self.add_result(result)
    }

    /// Merges a file read elsewhere (a worker, or [`FileResult::read`]): its
    /// reports are de-duplicated against everything loaded before it. Results
    /// merged in the order the files were given give the same data set
    /// whoever read them and whenever they finished.
    pub fn add_result(&mut self, result: FileResult) -> &FileOutcome {
        self.close_open();
        let FileResult { mut outcome, deliveries } = result;
        outcome.id = self.files.len();
        outcome.reports = 0;
        for d in deliveries {
            self.add_delivery(&mut outcome, d);
        }
        self.files.push(outcome);
        &self.files[self.files.len() - 1]
    }

    /// Opens a file whose outcome is known (a worker read it) and whose
    /// reports arrive in chunks ([`Dataset::add_deliveries`]); returns its id.
    pub fn open_result(&mut self, outcome: FileOutcome) -> usize {
        self.close_open();
        let mut result = FileResult { outcome, deliveries: Vec::new() };
        result.outcome.id = self.files.len();
        result.outcome.duplicates = 0;
        // Counted again as the reports are merged: a merge cut short by
        // Cancel must not claim reports the data set does not hold.
        result.outcome.reports = 0;
        self.open = Some(result);
        self.files.len()
    }

    /// Adds a later part's outcome to the open file `id` (its problems, skipped
    /// parts and counts); the part's reports follow through [`Dataset::add_deliveries`].
    pub fn continue_result(&mut self, id: usize, part: FileOutcome) {
        let Some(open) = self.open.as_mut().filter(|o| o.outcome.id == id) else { return };
        let o = &mut open.outcome;
        let (mut errors, mut warnings) = (part.error_count, part.warning_count);
        for p in part.problems {
            if p.is_error {
                errors = errors.saturating_sub(1);
            } else {
                warnings = warnings.saturating_sub(1);
            }
            o.push(p.origin, p.is_error, p.message);
        }
        // Problems beyond the part's own list are counted, as in a whole file.
        o.error_count += errors;
        o.warning_count += warnings;
        let room = MAX_PROBLEMS_PER_FILE.saturating_sub(o.skipped.len());
        o.skipped.extend(part.skipped.into_iter().take(room));
        o.skipped_count += part.skipped_count;
    }

    /// Records an error on the open file `id` (a part of it could not be read).
    pub fn note_error(&mut self, id: usize, origin: &str, message: &str) {
        if let Some(open) = self.open.as_mut().filter(|o| o.outcome.id == id) {
            open.outcome.push(origin.to_owned(), true, message.to_owned());
        }
    }

    /// The id of the file being merged, if any.
    pub fn open_id(&self) -> Option<usize> {
        self.open.as_ref().map(|o| o.outcome.id)
    }

    /// When merging a chunk that adds up to `g` would grow one of the data
    /// set's big tables, the length of the first such (with `grow`, grown
    /// now); `None` when none would. A caller that calls this until it says
    /// `None` can give each big table's growth a task of its own, and the
    /// merge then grows none (see [`super::room`]).
    pub fn make_room(&mut self, g: super::Growth, grow: bool) -> Option<usize> {
        super::room::vec(&mut self.reports, g.reports, grow)
            .or_else(|| super::room::map(&mut self.index, g.reports, grow))
            .or_else(|| self.ix.room(g, grow))
            .or_else(|| self.sums.room(g, grow))
    }

    /// Merges reports of the open file `id`: de-duplicated against everything before.
    pub fn add_deliveries(&mut self, id: usize, deliveries: Vec<Delivery>) {
        let Some(mut open) = self.open.take() else { return };
        if open.outcome.id == id {
            for d in deliveries {
                self.add_delivery(&mut open.outcome, d);
            }
        }
        self.open = Some(open);
    }

    /// Opens a file whose contents arrive in steps ([`Job::step`]); returns its id.
    pub fn start_file(&mut self, name: &str, size: usize, format: Format) -> usize {
        self.close_open();
        let mut result = FileResult::new(name, size, Some(format));
        result.outcome.id = self.files.len();
        self.open = Some(result);
        self.files.len()
    }

    /// Adds what one step of a file's job found: parses, de-duplicates, records.
    /// Reports count in the views at once, before the file is finished.
    pub fn add_extracted(&mut self, id: usize, extracted: Extracted) {
        let Some(mut open) = self.open.take() else { return };
        if open.outcome.id == id {
            let before = open.outcome.reports;
            open.add_extracted(extracted);
            // Counted when merged (below), like every other path.
            open.outcome.reports = before;
            for d in std::mem::take(&mut open.deliveries) {
                self.add_delivery(&mut open.outcome, d);
            }
        }
        self.open = Some(open);
    }

    /// Ends a file whose load was cancelled part-way: what was read stays,
    /// and the row says the rest was not read.
    pub fn cancel_file(&mut self, id: usize) {
        if let Some(open) = self.open.as_mut().filter(|o| o.outcome.id == id) {
            open.outcome.push(String::new(), true, "the load was cancelled; the rest of the file was not read".into());
            self.finish_file(id);
        }
    }

    /// Closes a file: a file without any report is an error that says so.
    pub fn finish_file(&mut self, id: usize) -> &FileOutcome {
        if self.open.as_ref().is_some_and(|o| o.outcome.id == id) {
            self.close_open();
        }
        &self.files[id.min(self.files.len().saturating_sub(1))]
    }

    fn close_open(&mut self) {
        if let Some(mut open) = self.open.take() {
            open.finish();
            self.files.push(open.outcome);
        }
    }

    /// De-duplicates one delivery and stores it, or counts it as a duplicate.
    fn add_delivery(&mut self, outcome: &mut FileOutcome, d: Delivery) {
        outcome.reports += 1;
        let key: (Rc<str>, Rc<str>) = (d.report.organization_name.as_str().into(), d.report.report_id.as_str().into());
        match self.index.get(&key) {
            Some(&i) => {
                outcome.duplicates += 1;
                self.duplicates += 1;
                let first = &mut self.reports[i];
                if first.report != d.report {
                    outcome.push(
                        d.origin,
                        false,
                        "same organization and report-id as an earlier report, but different content; the first copy is counted".into(),
                    );
                }
                first.duplicate_files.push(outcome.id);
            }
            None => {
                self.index.insert(key, self.reports.len());
                // The session rule, worked out once for the index and the findings.
                let counted = d.report.counted();
                self.ix.add(&d.report, &counted);
                self.sums.add_whole(&self.ix, self.reports.len());
                self.found.add(&d.report, &counted);
                self.reports.push(StoredReport {
                    report: d.report,
                    warnings: d.warnings,
                    file: outcome.id,
                    origin: d.origin,
                    duplicate_files: Vec::new(),
                    raw: d.raw,
                });
            }
        }
    }
}

/// `bytes` as text, invalid sequences replaced. Nearly every report is valid
/// UTF-8, which the standard validator checks several times faster than the
/// replacing decoder walks it.
fn text_of(bytes: &[u8]) -> Box<str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => String::from_utf8_lossy(bytes).into(),
    }
}

/// A report found in a file, parsed and checked, not yet de-duplicated.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The report.
    pub report: Report,
    /// Its deviations, in words.
    pub warnings: Vec<String>,
    /// Where inside the file it was.
    pub origin: String,
    /// Its JSON text as it arrived.
    pub raw: Box<str>,
}

/// One file read as far as it could be: its outcome (without duplicates,
/// which only the merge can tell) and the reports found. A worker and the
/// main thread build it the same way; [`Dataset::add_result`] merges it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileResult {
    /// What happened to the file.
    pub outcome: FileOutcome,
    /// The reports found, in file order.
    pub deliveries: Vec<Delivery>,
}

impl FileResult {
    /// A file with nothing read yet.
    pub fn new(name: &str, size: usize, format: Option<Format>) -> FileResult {
        FileResult {
            outcome: FileOutcome {
                id: 0,
                name: name.to_owned(),
                size,
                format,
                reports: 0,
                duplicates: 0,
                problems: Vec::new(),
                error_count: 0,
                warning_count: 0,
                skipped: Vec::new(),
                skipped_count: 0,
                mail: None,
            },
            deliveries: Vec::new(),
        }
    }

    /// Reads a whole file: unpacks it and parses every report in it.
    pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> FileResult {
        let mut result = FileResult::read_part(name, bytes, limits, 0, 1);
        result.finish();
        result
    }

    /// Reads part `part` of `parts` of a file ([`Job::part`]); not finished,
    /// since only the merged parts can tell whether the file held a report.
    pub fn read_part(name: &str, bytes: &[u8], limits: &Limits, part: usize, parts: usize) -> FileResult {
        let mut job = Job::part(bytes, limits, part, parts);
        let mut result = FileResult::new(name, bytes.len(), Some(job.format()));
        while !job.is_done() {
            result.add_extracted(job.step(usize::MAX));
        }
        result
    }

    /// Adds what one step of a file's job found: parses and records.
    pub fn add_extracted(&mut self, extracted: Extracted) {
        let outcome = &mut self.outcome;
        for e in extracted.errors {
            outcome.push(e.origin, true, e.what.to_string());
        }
        for n in extracted.notes {
            outcome.push(n.origin, false, n.what);
        }
        outcome.skipped_count += extracted.skipped.len() + extracted.skipped_unlisted;
        let room = MAX_PROBLEMS_PER_FILE.saturating_sub(outcome.skipped.len());
        outcome.skipped.extend(extracted.skipped.into_iter().take(room));
        let single_mail = matches!(outcome.format, Some(Format::Email));
        for payload in extracted.payloads {
            if single_mail && self.outcome.mail.is_none() {
                self.outcome.mail = payload.mail.as_deref().cloned();
            }
            self.add_payload(payload);
        }
    }

    /// Closes the file: a file without any report is an error that says so.
    pub fn finish(&mut self) {
        let outcome = &mut self.outcome;
        if outcome.reports == 0 && outcome.error_count == 0 {
            let why = match outcome.skipped_count {
                0 => "no TLS report found in the file".to_owned(),
                n => format!("no TLS report found in the file ({n} parts without one)"),
            };
            outcome.push(String::new(), true, why);
        }
    }

    fn add_payload(&mut self, payload: Payload) {
        let docs = parse_documents(&payload.json);
        let several = docs.len() > 1;
        for (i, doc) in docs.into_iter().enumerate() {
            let origin = match (several, payload.origin.is_empty()) {
                (false, _) => payload.origin.clone(),
                (true, true) => format!("report {}", i + 1),
                (true, false) => format!("{} › report {}", payload.origin, i + 1),
            };
            match doc {
                Ok(parsed) => self.add_parsed(parsed, &payload, origin),
                Err(e) => self.outcome.push(origin, true, e.to_string()),
            }
        }
    }

    /// Adds one parsed report of a payload with its warnings.
    fn add_parsed(&mut self, parsed: Parsed, payload: &Payload, origin: String) {
        self.outcome.reports += 1;
        let mut warnings = parsed.warnings;
        if let Some(mail) = &payload.mail {
            warnings.extend(cross_check(&parsed.report, mail));
        }
        let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        for w in &warnings {
            self.outcome.push(origin.clone(), false, w.clone());
        }
        // With several reports in one payload, each keeps its own text.
        let raw = match parsed.text {
            Some(text) => text,
            None => text_of(&payload.json),
        };
        self.deliveries.push(Delivery { report: parsed.report, warnings, origin, raw });
    }

    /// The compact binary form that crosses the worker boundary.
    pub fn encode(&self) -> Vec<u8> {
        crate::engine::wire::encode(self)
    }

    /// Reads what [`FileResult::encode`] wrote.
    pub fn decode(bytes: &[u8]) -> Result<FileResult, String> {
        crate::engine::wire::decode(bytes).map_err(|e| format!("a worker's result could not be read: {e}"))
    }
}

/// Compares the e-mail's TLS-Report headers with the report (the JSON wins).
fn cross_check(report: &Report, mail: &MailMeta) -> Vec<Warning> {
    use crate::report::WarningKind;
    let mut out = Vec::new();
    if let Some(header) = &mail.report_domain {
        let want = normalize_domain(header);
        let domains: Vec<String> =
            report.policies.iter().filter_map(|p| p.policy.policy_domain.as_deref()).map(normalize_domain).collect();
        if !domains.is_empty() && !domains.contains(&want) {
            out.push(Warning {
                path: "TLS-Report-Domain".into(),
                kind: WarningKind::HeaderMismatch { header: header.clone(), report: domains.join(", ") },
            });
        }
    }
    if let (Some(sub), Some(contact)) = (&mail.report_submitter, &report.contact_info) {
        let sub = normalize_domain(sub);
        let contact_domain = contact_domain(contact);
        if let Some(cd) = contact_domain {
            let related = cd == sub || cd.ends_with(&format!(".{sub}")) || sub.ends_with(&format!(".{cd}"));
            if !related {
                out.push(Warning {
                    path: "TLS-Report-Submitter".into(),
                    kind: WarningKind::HeaderMismatch {
                        header: mail.report_submitter.clone().unwrap_or_default(),
                        report: format!("contact-info {contact}"),
                    },
                });
            }
        }
    }
    out
}

/// The domain of a `contact-info` value: an address, a `mailto:` URI or an URL.
fn contact_domain(contact: &str) -> Option<String> {
    let c = contact.trim();
    let c = c.strip_prefix("mailto:").unwrap_or(c);
    if let Some((_, host)) = c.rsplit_once('@') {
        return Some(normalize_domain(host.split(['>', '?', ' ']).next()?));
    }
    let rest = c.strip_prefix("https://").or_else(|| c.strip_prefix("http://"))?;
    Some(normalize_domain(rest.split(['/', ':', '?']).next()?))
}

#[cfg(test)]
mod tests {
    use super::text_of;

    #[test]
    fn text_of_reads_valid_text_as_is_and_replaces_invalid_bytes() {
        assert_eq!(
            &*text_of("{\"organization-name\": \"Bäckerei\"}".as_bytes()),
            "{\"organization-name\": \"Bäckerei\"}"
        );
        let bad = b"{\"a\": \"\xff\xfe\"}";
        assert_eq!(&*text_of(bad), String::from_utf8_lossy(bad));
        assert!(text_of(bad).contains('\u{fffd}'));
    }
}
