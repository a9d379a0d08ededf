//! The Outlook `.msg` reader alone (src/ingest/msg.rs), a parser of sector
//! tables and a directory tree taken from the file: any panic, hang or
//! runaway allocation is a bug. Seeds: `cargo test --test msg -- --ignored`
//! writes well-formed messages into fuzz/corpus/msg.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlsrpt_viewer::ingest::msg::{attachments, Reading};

fuzz_target!(|data: &[u8]| {
    let how = Reading { max_count: 64, cap: 1 << 16, total: 1 << 18 };
    if let Ok((_, found)) = attachments(data, how) {
        assert!(found.len() <= how.max_count, "more attachments than asked for");
        assert!(found.iter().map(|a| a.data.len()).sum::<usize>() <= how.total, "past the total");
        for a in found {
            assert!(a.data.len() <= how.cap, "an attachment past the cap");
        }
    }
});
