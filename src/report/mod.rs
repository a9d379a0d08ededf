//! The RFC 8460 report: model, lenient parser, warnings and errors.
//!
//! No UI code lives here; it is compiled and tested natively.

pub mod datetime;
mod diagnostics;
mod model;
mod parse;

pub use diagnostics::{ReportError, Warning, WarningKind};
pub use model::*;
pub use parse::{parse_report, parse_value, Parsed, MAX_COUNT};
