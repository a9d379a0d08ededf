//! The data set's index: every unique report reduced to numbers (interned
//! keys, day, session counts), kept up to date as reports are merged, with
//! the reports of each domain, organization and result type listed.
//!
//! An overview under a filter then reads only the reports the filter can
//! keep (the shortest list among its domain, organization and result type)
//! and adds up integers in arrays, instead of matching strings in every
//! report: at 64,000 reports a filter change costs in proportion to the
//! reports it keeps. The rules are the scan's ([`Overview::scan`], the
//! reference this is tested against): the same filters, the session rule
//! among the entries kept, the same row order.

use std::sync::Arc;

use foldhash::{HashMap, HashSet};

use super::aggregate::{BreakdownRow, DomainRow, FailureRow, Kpis, OrgRow, Overview, Parts, ResultTypeRow, Totals};
use super::filter::{exact_matches, host_matches, Filter};
use super::room::Growth;
use crate::report::datetime::Day;
use crate::report::{counted_entries, Report, Summary};

/// Strings to dense ids, and back.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Interner {
    /// Whether `n` more names would grow the interner (see [`super::room`]).
    fn room(&mut self, n: usize, grow: bool) -> Option<usize> {
        super::room::map(&mut self.ids, n, grow).or_else(|| super::room::vec(&mut self.names, n, grow))
    }

    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(s.into(), id);
        self.names.push(s.into());
        id
    }

    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }

    /// The name of `id`, shared (rows of an overview hold it).
    fn shared(&self, id: u32) -> Arc<str> {
        self.names.get(id as usize).cloned().unwrap_or_else(|| Arc::from(""))
    }

    /// Which ids a predicate on their names accepts.
    fn accepted(&self, ok: impl Fn(&str) -> bool) -> Vec<bool> {
        self.names.iter().map(|n| ok(n)).collect()
    }
}

#[derive(Debug)]
struct ReportFact {
    org: u32,
    day: Day,
    /// Its first entry in `entries`; they run to the next report's first.
    entries: u32,
}

#[derive(Debug)]
struct EntryFact {
    domain: u32,
    label: u32,
    summary: Summary,
    /// Failed sessions or failure details (what "problems only" keeps).
    problems: bool,
    /// Whether it counts its report's sessions when every entry of the
    /// report is kept (the session rule over the whole report).
    counted: bool,
    /// Its first detail in `details`; they run to the next entry's first.
    details: u32,
}

#[derive(Debug)]
struct DetailFact {
    result_type: u32,
    mx: u32,
    receiving_ip: u32,
    sending_ip: u32,
    count: u64,
}

/// Every unique report of a data set as numbers, with posting lists.
#[derive(Debug, Default)]
pub struct Index {
    reports: Vec<ReportFact>,
    entries: Vec<EntryFact>,
    details: Vec<DetailFact>,
    domains: Interner,
    orgs: Interner,
    labels: Interner,
    types: Interner,
    mx: Interner,
    receiving_ip: Interner,
    sending_ip: Interner,
    /// Reports per domain, organization and result type, ascending.
    by_domain: Vec<Vec<u32>>,
    by_org: Vec<Vec<u32>>,
    by_type: Vec<Vec<u32>>,
}

/// Appends `report` to `list` unless it is already its last.
fn post(lists: &mut Vec<Vec<u32>>, id: u32, report: u32) {
    if lists.len() <= id as usize {
        lists.resize_with(id as usize + 1, Vec::new);
    }
    let list = &mut lists[id as usize];
    if list.last() != Some(&report) {
        list.push(report);
    }
}

/// A string filter resolved against an interner.
#[derive(Clone, Copy)]
enum Want {
    Any,
    Id(u32),
    /// The value occurs nowhere: nothing matches.
    Nothing,
}

impl Want {
    fn of(value: Option<&str>, names: &Interner) -> Want {
        match value {
            None => Want::Any,
            Some(v) => names.get(v).map_or(Want::Nothing, Want::Id),
        }
    }

    fn accepts(self, id: u32) -> bool {
        match self {
            Want::Any => true,
            Want::Id(w) => w == id,
            Want::Nothing => false,
        }
    }
}

/// A filter turned into ids and per-id verdicts.
struct Compiled {
    from: Option<Day>,
    to: Option<Day>,
    org: Want,
    domain: Want,
    label: Want,
    result_type: Want,
    problems_only: bool,
    /// Per-id verdicts of the host and address filters (`None`: no such filter).
    mx: Option<Vec<bool>>,
    receiving_ip: Option<Vec<bool>>,
    sending_ip: Option<Vec<bool>>,
    filters_details: bool,
}

impl Compiled {
    /// The compiled form of no filter at all.
    fn everything() -> Compiled {
        Compiled {
            from: None,
            to: None,
            org: Want::Any,
            domain: Want::Any,
            label: Want::Any,
            result_type: Want::Any,
            problems_only: false,
            mx: None,
            receiving_ip: None,
            sending_ip: None,
            filters_details: false,
        }
    }

    fn detail(&self, d: &DetailFact) -> bool {
        let ok =
            |v: &Option<Vec<bool>>, id: u32| v.as_ref().is_none_or(|v| v.get(id as usize).copied().unwrap_or(false));
        self.result_type.accepts(d.result_type)
            && ok(&self.mx, d.mx)
            && ok(&self.receiving_ip, d.receiving_ip)
            && ok(&self.sending_ip, d.sending_ip)
    }
}

impl Index {
    /// Adds one unique report (the next, in the data set's order), with
    /// which of its entries count its sessions ([`Report::counted`]).
    pub fn add(&mut self, r: &Report, counted: &[bool]) {
        let ri = self.reports.len() as u32;
        let first_entry = self.entries.len();
        let org = self.orgs.id(&r.organization_name);
        post(&mut self.by_org, org, ri);
        self.reports.push(ReportFact { org, day: Day::of(r.date_range.start), entries: self.entries.len() as u32 });
        for p in &r.policies {
            let domain = self.domains.id(&p.policy.domain_key());
            post(&mut self.by_domain, domain, ri);
            self.entries.push(EntryFact {
                domain,
                label: self.labels.id(&p.label()),
                summary: p.summary,
                problems: p.summary.failed > 0 || !p.failure_details.is_empty(),
                counted: true,
                details: self.details.len() as u32,
            });
            for d in &p.failure_details {
                let result_type = self.types.id(d.result_type.as_str());
                post(&mut self.by_type, result_type, ri);
                self.details.push(DetailFact {
                    result_type,
                    mx: self.mx.id(d.receiving_mx_hostname.as_deref().unwrap_or("")),
                    receiving_ip: self.receiving_ip.id(d.receiving_ip.as_deref().unwrap_or("")),
                    sending_ip: self.sending_ip.id(d.sending_mta_ip.as_deref().unwrap_or("")),
                    count: d.failed_session_count,
                });
            }
        }
        for (e, &counted) in self.entries[first_entry..].iter_mut().zip(counted) {
            e.counted = counted;
        }
    }

    /// Whether a chunk adding up to `g` would grow one of the index's
    /// tables; with `grow`, grows the first such (see [`super::room`]).
    pub(crate) fn room(&mut self, g: Growth, grow: bool) -> Option<usize> {
        use super::room::vec;
        vec(&mut self.reports, g.reports, grow)
            .or_else(|| vec(&mut self.entries, g.policies, grow))
            .or_else(|| vec(&mut self.details, g.details, grow))
            .or_else(|| vec(&mut self.by_domain, g.policies, grow))
            .or_else(|| vec(&mut self.by_org, g.reports, grow))
            .or_else(|| self.domains.room(g.policies, grow))
            .or_else(|| self.orgs.room(g.reports, grow))
            .or_else(|| self.mx.room(g.details, grow))
            .or_else(|| self.receiving_ip.room(g.details, grow))
            .or_else(|| self.sending_ip.room(g.details, grow))
    }

    /// Reports indexed.
    pub fn len(&self) -> usize {
        self.reports.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty()
    }

    fn entry_range(&self, report: usize) -> std::ops::Range<usize> {
        let start = self.reports[report].entries as usize;
        let end = self.reports.get(report + 1).map_or(self.entries.len(), |r| r.entries as usize);
        start..end
    }

    fn detail_range(&self, entry: usize) -> std::ops::Range<usize> {
        let start = self.entries[entry].details as usize;
        let end = self.entries.get(entry + 1).map_or(self.details.len(), |e| e.details as usize);
        start..end
    }

    fn compile(&self, f: &Filter) -> Compiled {
        let verdicts = |want: Option<&str>, names: &Interner, m: fn(Option<&str>, Option<&str>) -> bool| {
            want.map(|w| names.accepted(|n| m(Some(w), Some(n))))
        };
        Compiled {
            from: f.from,
            to: f.to,
            org: Want::of(f.org.as_deref(), &self.orgs),
            domain: Want::of(f.domain.as_deref(), &self.domains),
            label: Want::of(f.policy.as_deref(), &self.labels),
            result_type: Want::of(f.result_type.as_deref(), &self.types),
            problems_only: f.problems_only,
            mx: verdicts(f.receiving_mx.as_deref(), &self.mx, host_matches),
            receiving_ip: verdicts(f.receiving_ip.as_deref(), &self.receiving_ip, exact_matches),
            sending_ip: verdicts(f.sending_ip.as_deref(), &self.sending_ip, exact_matches),
            filters_details: f.filters_details(),
        }
    }

    /// The reports a filter can keep: the shortest posting list among its
    /// domain, organization and result type, or every report.
    fn candidates(&self, c: &Compiled) -> Candidates<'_> {
        let mut best: Option<&[u32]> = None;
        for (want, lists) in [(c.domain, &self.by_domain), (c.org, &self.by_org), (c.result_type, &self.by_type)] {
            let list: &[u32] = match want {
                Want::Any => continue,
                Want::Nothing => &[],
                Want::Id(id) => lists.get(id as usize).map_or(&[], Vec::as_slice),
            };
            if best.is_none_or(|b| list.len() < b.len()) {
                best = Some(list);
            }
        }
        match best {
            Some(list) => Candidates::Listed(list.iter()),
            None => Candidates::All(0..self.reports.len()),
        }
    }

    /// The overview of the indexed reports under `filter` (free text aside:
    /// the caller scans the reports for that).
    pub fn overview(&self, filter: &Filter) -> Overview {
        let c = self.compile(filter);
        let mut sum = Sums::default();
        let mut kept: Vec<usize> = Vec::new();
        for ri in self.candidates(&c) {
            let r = &self.reports[ri];
            if c.from.is_some_and(|f| r.day < f) || c.to.is_some_and(|t| r.day > t) || !c.org.accepts(r.org) {
                continue;
            }
            kept.clear();
            kept.extend(self.entry_range(ri).filter(|&ei| self.entry_kept(&c, ei)));
            if !kept.is_empty() {
                sum.report(self, ri, &kept, &c);
            }
        }
        sum.finish(self)
    }

    fn entry_kept(&self, c: &Compiled, ei: usize) -> bool {
        let e = &self.entries[ei];
        c.domain.accepts(e.domain)
            && c.label.accepts(e.label)
            && (!c.problems_only || e.problems)
            && (!c.filters_details || self.detail_range(ei).any(|di| c.detail(&self.details[di])))
    }
}

/// The reports to look at.
enum Candidates<'a> {
    All(std::ops::Range<usize>),
    Listed(std::slice::Iter<'a, u32>),
}

impl Iterator for Candidates<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Candidates::All(r) => r.next(),
            Candidates::Listed(it) => it.next().map(|&i| i as usize),
        }
    }
}

/// A result type while it is being summed.
#[derive(Debug, Clone, Default)]
struct TypeAcc {
    /// Its result type's id.
    id: u32,
    sessions: u128,
    details: usize,
    domains: HashSet<u32>,
    first_domain: Option<u32>,
}

/// Running sums by id; rows exist only for ids seen. The data set keeps one
/// over every report as they merge (the unfiltered overview is then only
/// sorted, never summed again); a filter sums a fresh one over its candidates.
#[derive(Debug, Clone, Default)]
pub struct Sums {
    kpis: Kpis,
    reports: Vec<usize>,
    domains: Dense<DomainRow>,
    orgs: Dense<OrgRow>,
    days: HashMap<Day, Totals>,
    policies: Dense<BreakdownRow>,
    types: Dense<TypeAcc>,
    mx: Dense<BreakdownRow>,
    receiving_ip: Dense<BreakdownRow>,
    sending_ip: Dense<BreakdownRow>,
    failures: Vec<FailureRow>,
    /// Scratch: the domains of the report being added.
    here: Vec<u32>,
    /// Scratch: the entries of the report being added whole.
    kept: Vec<usize>,
    /// Scratch: which kept entries count their report's sessions.
    counted: Vec<bool>,
}

/// Rows by id: a slot per id (4 bytes) and the rows seen, side by side. Id
/// spaces run into tens of thousands (sending IPs); a filter keeping a few
/// hundred addresses of 47,000 then allocates a few hundred rows, not a
/// row-sized hole for every address up to the highest it saw.
#[derive(Debug, Clone)]
struct Dense<T> {
    slot: Vec<u32>,
    rows: Vec<T>,
}

impl<T> Default for Dense<T> {
    fn default() -> Dense<T> {
        Dense { slot: Vec::new(), rows: Vec::new() }
    }
}

impl<T> Dense<T> {
    /// Whether `n` more rows would grow the table (see [`super::room`]).
    fn room(&mut self, n: usize, grow: bool) -> Option<usize> {
        super::room::vec(&mut self.slot, n, grow).or_else(|| super::room::vec(&mut self.rows, n, grow))
    }

    /// The row of `id`, made by `new` the first time; `ids` is how many ids
    /// there are, so the slots grow once to hold them all.
    fn row(&mut self, id: u32, ids: usize, new: impl FnOnce() -> T) -> &mut T {
        const EMPTY: u32 = u32::MAX;
        let i = id as usize;
        if self.slot.len() <= i {
            self.slot.resize(ids.max(i + 1), EMPTY);
        }
        if self.slot[i] == EMPTY {
            self.slot[i] = self.rows.len() as u32;
            self.rows.push(new());
        }
        let at = self.slot[i] as usize;
        &mut self.rows[at]
    }
}

/// Adds failed sessions (or sessions) to row `id` of a breakdown.
fn bump(rows: &mut Dense<BreakdownRow>, names: &Interner, id: u32, successful: u64, failed: u64) {
    let row = rows.row(id, names.names.len(), || BreakdownRow {
        key: names.shared(id),
        successful: 0,
        failed: 0,
        entries: 0,
    });
    row.successful += u128::from(successful);
    row.failed += u128::from(failed);
    row.entries += 1;
}

impl Sums {
    /// Whether a chunk adding up to `g` would grow one of the sums' tables;
    /// with `grow`, grows the first such (see [`super::room`]).
    pub(crate) fn room(&mut self, g: Growth, grow: bool) -> Option<usize> {
        super::room::vec(&mut self.reports, g.reports, grow)
            .or_else(|| self.domains.room(g.policies, grow))
            .or_else(|| self.orgs.room(g.reports, grow))
            .or_else(|| self.mx.room(g.details, grow))
            .or_else(|| self.receiving_ip.room(g.details, grow))
            .or_else(|| self.sending_ip.room(g.details, grow))
    }

    /// Adds every entry of report `ri` of `ix` (the unfiltered view).
    pub fn add_whole(&mut self, ix: &Index, ri: usize) {
        if ri >= ix.reports.len() {
            return;
        }
        let mut kept = std::mem::take(&mut self.kept);
        kept.clear();
        kept.extend(ix.entry_range(ri));
        if !kept.is_empty() {
            self.report(ix, ri, &kept, &Compiled::everything());
        }
        self.kept = kept;
    }

    fn org(&mut self, ix: &Index, id: u32) -> &mut OrgRow {
        self.orgs.row(id, ix.orgs.names.len(), || OrgRow {
            org: ix.orgs.shared(id),
            reports: 0,
            totals: Totals::default(),
        })
    }

    fn domain(&mut self, ix: &Index, id: u32) -> &mut DomainRow {
        self.domains.row(id, ix.domains.names.len(), || DomainRow {
            domain: ix.domains.shared(id),
            reports: 0,
            totals: Totals::default(),
            multi_policy_reports: 0,
            daily: super::Days::default(),
        })
    }

    /// Adds the kept entries (indices into `entries`, ascending) of report `ri`.
    fn report(&mut self, ix: &Index, ri: usize, kept: &[usize], c: &Compiled) {
        let r = &ix.reports[ri];
        self.reports.push(ri);
        self.kpis.reports += 1;
        self.org(ix, r.org).reports += 1;
        // Each domain of the report once, with how many kept entries name it.
        let mut here = std::mem::take(&mut self.here);
        here.clear();
        here.extend(kept.iter().map(|&ei| ix.entries[ei].domain));
        here.sort_unstable();
        let mut i = 0;
        while i < here.len() {
            let id = here[i];
            let n = here[i..].iter().take_while(|d| **d == id).count();
            i += n;
            let row = self.domain(ix, id);
            row.reports += 1;
            if n > 1 && !row.domain.is_empty() {
                row.multi_policy_reports += 1;
            }
        }
        self.here = here;
        // The session rule applies among the entries kept: when they are all
        // of the report's, it was worked out when the report was indexed.
        let whole = kept.len() == ix.entry_range(ri).len();
        let mut counted = std::mem::take(&mut self.counted);
        counted.clear();
        if kept.len() == 1 {
            counted.push(true);
        } else if whole {
            counted.extend(kept.iter().map(|&ei| ix.entries[ei].counted));
        } else {
            counted.extend(counted_entries(
                kept.iter().map(|&ei| (ix.domains.name(ix.entries[ei].domain), ix.entries[ei].summary)),
            ));
        }
        let first_entry = r.entries as usize;
        for (&ei, &counted) in kept.iter().zip(&counted) {
            let e = &ix.entries[ei];
            let (ok, bad) = (e.summary.successful, e.summary.failed);
            if counted {
                self.kpis.totals.add(ok, bad);
                self.org(ix, r.org).totals.add(ok, bad);
                self.days.entry(r.day).or_default().add(ok, bad);
                let day = r.day;
                self.domain(ix, e.domain).add_sessions(day, ok, bad);
            }
            bump(&mut self.policies, &ix.labels, e.label, ok, bad);
            for (n, di) in ix.detail_range(ei).enumerate() {
                let d = &ix.details[di];
                if !c.detail(d) {
                    continue;
                }
                let t = self
                    .types
                    .row(d.result_type, ix.types.names.len(), || TypeAcc { id: d.result_type, ..TypeAcc::default() });
                t.sessions += u128::from(d.count);
                t.details += 1;
                if !ix.domains.name(e.domain).is_empty() {
                    t.first_domain.get_or_insert(e.domain);
                    t.domains.insert(e.domain);
                }
                bump(&mut self.mx, &ix.mx, d.mx, 0, d.count);
                bump(&mut self.receiving_ip, &ix.receiving_ip, d.receiving_ip, 0, d.count);
                bump(&mut self.sending_ip, &ix.sending_ip, d.sending_ip, 0, d.count);
                self.failures.push(FailureRow {
                    report: ri,
                    policy: ei - first_entry,
                    detail: n,
                    count: d.count,
                    day: r.day,
                });
            }
        }
        self.counted = counted;
    }

    /// The overview these sums make, in order (the sums stay as they are).
    pub fn overview(&self, ix: &Index) -> Overview {
        self.clone().finish(ix)
    }

    fn finish(self, ix: &Index) -> Overview {
        let domains = self.domains.rows;
        let kpis = Kpis {
            organizations: self.orgs.rows.len(),
            domains: domains.iter().filter(|d| !d.domain.is_empty()).count(),
            ..self.kpis
        };
        let result_types = self
            .types
            .rows
            .into_iter()
            .map(|t| ResultTypeRow {
                result_type: ix.types.name(t.id).to_owned(),
                sessions: t.sessions,
                details: t.details,
                domains: t.domains.len(),
                first_domain: t.first_domain.map(|d| ix.domains.name(d).to_owned()).unwrap_or_default(),
            })
            .collect();
        Parts {
            kpis,
            domains,
            orgs: self.orgs.rows,
            result_types,
            failures: self.failures,
            days: self.days,
            policies: self.policies.rows,
            receiving_mx: self.mx.rows,
            receiving_ip: self.receiving_ip.rows,
            sending_ip: self.sending_ip.rows,
            reports: self.reports,
        }
        .assemble()
    }
}
