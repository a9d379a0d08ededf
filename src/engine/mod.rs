//! The load engine's plain-Rust parts: the one queue every load goes through.
//!
//! The browser's loader drives it; nothing here knows about browsers, so the
//! rules (a second load appends, cancel keeps what was loaded, "ready" means
//! everything given so far is in) are tested natively.

mod queue;

pub use queue::LoadQueue;
