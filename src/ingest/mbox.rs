//! Splitting Unix mailboxes (mboxo and mboxrd) into messages.

use std::borrow::Cow;

/// The messages of a mailbox, without their `From ` separator lines.
///
/// A separator is a line starting with `From ` at the start of the data or
/// after a line break. mboxo and mboxrd both escape body lines that would look
/// like one, so a plain prefix test is enough.
pub fn messages(b: &[u8]) -> impl Iterator<Item = &[u8]> {
    // A UTF-8 byte order mark before the first separator (some exporters
    // write one) must not hide the first message.
    let mut pos = if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    std::iter::from_fn(move || {
        // Find the separator line that starts the next message.
        loop {
            if pos >= b.len() {
                return None;
            }
            let line_end = b[pos..].iter().position(|&c| c == b'\n').map_or(b.len(), |i| pos + i + 1);
            let is_sep = b[pos..].starts_with(b"From ");
            pos = line_end;
            if is_sep {
                break;
            }
        }
        let start = pos;
        let mut scan = start;
        while scan < b.len() {
            if b[scan..].starts_with(b"From ") && (scan == 0 || b[scan - 1] == b'\n') {
                break;
            }
            scan = b[scan..].iter().position(|&c| c == b'\n').map_or(b.len(), |i| scan + i + 1);
        }
        pos = scan;
        Some(&b[start..scan])
    })
}

/// Removes one `>` from lines matching `>+From ` (mboxrd; for mboxo the result
/// is the same except for lines that really began with `>From `, which mboxo
/// cannot tell apart anyway).
pub fn unescape(msg: &[u8]) -> Cow<'_, [u8]> {
    if !msg.windows(6).any(|w| w == b"\n>From" || w.ends_with(b">From")) && !msg.starts_with(b">") {
        return Cow::Borrowed(msg);
    }
    let mut out = Vec::with_capacity(msg.len());
    for line in msg.split_inclusive(|&c| c == b'\n') {
        let quotes = line.iter().take_while(|&&c| c == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_unescapes() {
        let mbox = b"From a@b Mon Jan  1 00:00:00 2026\nSubject: one\n\n>From here\n>>From there\n\nFrom c@d Tue Jan  2 00:00:00 2026\nSubject: two\n\nbody\n";
        let msgs: Vec<_> = messages(mbox).collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!(&*unescape(msgs[0]), b"Subject: one\n\nFrom here\n>From there\n\n");
        assert_eq!(msgs[1], b"Subject: two\n\nbody\n");
    }
}
