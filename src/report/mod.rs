//! The RFC 8460 report: model, lenient parser, warnings and errors.
//!
//! No UI code lives here; it is compiled and tested natively.

pub mod datetime;
mod diagnostics;
mod facts;
mod json;
mod model;
mod parse;

pub use diagnostics::{ReportError, Warning, WarningKind};
pub use facts::{counted_entries, domain_key, normalize_domain, policy_values};
pub use model::*;
pub use parse::{parse_documents, parse_report, Parsed, MAX_COUNT};
