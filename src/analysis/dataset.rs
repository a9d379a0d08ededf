//! Everything loaded so far: per-file outcomes and the unique reports.

use std::collections::HashMap;
use std::rc::Rc;

use crate::ingest::{self, Extracted, Format, Job, Limits, MailMeta, Payload};
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
#[derive(Debug, Clone)]
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
                (e, w) => format!("{e} part{} unreadable, {w} warning{}", s(e), s(w)),
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
    /// Deviations found while parsing it (from its first delivery).
    pub warnings: Vec<Warning>,
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
    duplicates: usize,
    limits: Limits,
    /// The file whose job is still running, if any.
    open: Option<usize>,
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
        if let Some(open) = self.open {
            self.finish_file(open);
        }
        let mut outcome = self.blank_outcome(name, size);
        outcome.push(String::new(), true, why.to_owned());
        self.files.push(outcome);
        &self.files[self.files.len() - 1]
    }

    fn blank_outcome(&self, name: &str, size: usize) -> FileOutcome {
        FileOutcome {
            id: self.files.len(),
            name: name.to_owned(),
            size,
            format: None,
            reports: 0,
            duplicates: 0,
            problems: Vec::new(),
            error_count: 0,
            warning_count: 0,
            skipped: Vec::new(),
            skipped_count: 0,
            mail: None,
        }
    }

    /// The limits files are read with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Files whose loading has finished, in the order given (a file still
    /// being read is left out, so views never show half a file).
    pub fn finished_files(&self) -> &[FileOutcome] {
        match self.open {
            Some(_) => &self.files[..self.files.len() - 1],
            None => &self.files,
        }
    }

    /// Loads one file: unpacks it, parses every report in it, de-duplicates,
    /// and records what happened. Never fails; problems land in the outcome.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> &FileOutcome {
        let mut job = Job::new(bytes, &self.limits);
        let id = self.start_file(name, bytes.len(), job.format());
        while !job.is_done() {
            self.add_extracted(id, job.step(usize::MAX));
        }
        self.finish_file(id)
    }

    /// Opens a file whose contents arrive in steps ([`Job::step`]); returns its id.
    pub fn start_file(&mut self, name: &str, size: usize, format: Format) -> usize {
        if let Some(open) = self.open {
            self.finish_file(open);
        }
        let mut outcome = self.blank_outcome(name, size);
        outcome.format = Some(format);
        self.files.push(outcome);
        self.open = Some(self.files.len() - 1);
        self.files.len() - 1
    }

    /// Adds what one step of a file's job found: parses, de-duplicates, records.
    pub fn add_extracted(&mut self, id: usize, extracted: Extracted) {
        if self.open != Some(id) {
            return;
        }
        // Taken out while reports are added, which needs `self` mutably.
        let placeholder = self.blank_outcome("", 0);
        let mut outcome = std::mem::replace(&mut self.files[id], placeholder);
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
            if single_mail && outcome.mail.is_none() {
                outcome.mail = payload.mail.as_deref().cloned();
            }
            self.add_payload(&mut outcome, payload);
        }
        self.files[id] = outcome;
    }

    /// Ends a file whose load was cancelled part-way: what was read stays,
    /// and the row says the rest was not read.
    pub fn cancel_file(&mut self, id: usize) {
        if self.open == Some(id) {
            self.files[id].push(
                String::new(),
                true,
                "the load was cancelled; the rest of the file was not read".into(),
            );
            self.finish_file(id);
        }
    }

    /// Closes a file: a file without any report is an error that says so.
    pub fn finish_file(&mut self, id: usize) -> &FileOutcome {
        if self.open == Some(id) {
            self.open = None;
            let outcome = &mut self.files[id];
            if outcome.reports == 0 && outcome.error_count == 0 {
                let why = match outcome.skipped_count {
                    0 => "no TLS report found in the file".to_owned(),
                    n => format!("no TLS report found in the file ({n} parts without one)"),
                };
                outcome.push(String::new(), true, why);
            }
        }
        &self.files[id]
    }

    fn add_payload(&mut self, outcome: &mut FileOutcome, payload: Payload) {
        let docs = parse_documents(&payload.json);
        let several = docs.len() > 1;
        for (i, doc) in docs.into_iter().enumerate() {
            let origin = match (several, payload.origin.is_empty()) {
                (false, _) => payload.origin.clone(),
                (true, true) => format!("report {}", i + 1),
                (true, false) => format!("{} › report {}", payload.origin, i + 1),
            };
            match doc {
                Ok(parsed) => self.add_parsed(outcome, parsed, &payload, origin),
                Err(e) => outcome.push(origin, true, e.to_string()),
            }
        }
    }

    /// Adds one parsed report of a payload: warnings, de-duplication, storage.
    fn add_parsed(&mut self, outcome: &mut FileOutcome, parsed: Parsed, payload: &Payload, origin: String) {
        outcome.reports += 1;
        let mut warnings = parsed.warnings;
        if let Some(mail) = &payload.mail {
            warnings.extend(cross_check(&parsed.report, mail));
        }
        let label = origin.clone();
        for w in &warnings {
            outcome.push(label.clone(), false, w.to_string());
        }
        let key: (Rc<str>, Rc<str>) =
            (parsed.report.organization_name.as_str().into(), parsed.report.report_id.as_str().into());
        match self.index.get(&key) {
            Some(&i) => {
                outcome.duplicates += 1;
                self.duplicates += 1;
                let first = &mut self.reports[i];
                if first.report != parsed.report {
                    outcome.push(
                        label,
                        false,
                        "same organization and report-id as an earlier report, but different content; the first copy is counted".into(),
                    );
                }
                first.duplicate_files.push(outcome.id);
            }
            None => {
                self.index.insert(key, self.reports.len());
                self.reports.push(StoredReport {
                    report: parsed.report,
                    warnings,
                    file: outcome.id,
                    origin,
                    duplicate_files: Vec::new(),
                    // With several reports in one payload, each keeps its own text.
                    raw: match parsed.text {
                        Some(text) => text,
                        None => String::from_utf8_lossy(&payload.json).into(),
                    },
                });
            }
        }
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
