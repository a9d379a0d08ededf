//! From parsed reports to answers: de-duplication, per-file outcomes and
//! aggregation. No UI code; tested natively.

mod aggregate;
mod dataset;
mod days;
pub mod explain;
pub mod export;
mod filter;
pub mod findings;
pub mod index;
pub mod parsedmarc;
mod room;
mod sorted;
pub mod table;
pub mod timeline;

pub use aggregate::*;
pub use dataset::*;
pub use days::Days;
pub use filter::*;
pub use room::Growth;
pub use sorted::Sorted;
