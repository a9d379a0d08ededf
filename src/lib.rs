//! TLS-RPT viewer: read SMTP TLS reports (RFC 8460) entirely in the browser.
//!
//! The crate is layered so that data moves one way:
//! files → [`ingest`] (bytes to report payloads) → [`report`] (lenient RFC 8460
//! parsing) → [`analysis`] (de-duplication and aggregation) → `ui` (wasm only).
//! Everything but `ui` is free of browser APIs and is tested natively.

pub mod analysis;
pub mod check;
pub mod engine;
pub mod format;
pub mod ingest;
pub mod markup;
pub mod report;
pub mod samples;
pub mod sort;
pub mod text;
mod vecmap;

#[cfg(target_arch = "wasm32")]
pub mod ui;
