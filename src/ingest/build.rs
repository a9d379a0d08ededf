//! Writers for the containers this crate reads: gzip, zip and mbox. Tests,
//! benchmarks and the fuzzer use them to make inputs with a known content;
//! the app itself never writes containers.

use miniz_oxide::deflate::compress_to_vec;

use super::gzip::crc32;

/// A one-member gzip file holding `data` (with a file name in the header).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut v = vec![0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3];
    v.extend_from_slice(b"report.json\0");
    v.extend(compress_to_vec(data, 6));
    v.extend(crc32(data).to_le_bytes());
    v.extend((data.len() as u32).to_le_bytes());
    v
}

/// A zip archive of `(name, data, deflate?)` entries, with a central directory.
pub fn zip(files: &[(&str, &[u8], bool)]) -> Vec<u8> {
    const LFH: u32 = 0x0403_4b50;
    const CDH: u32 = 0x0201_4b50;
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for (name, data, deflate) in files {
        let body = if *deflate { compress_to_vec(data, 6) } else { data.to_vec() };
        let method: u16 = if *deflate { 8 } else { 0 };
        let offset = out.len() as u32;
        let mut common = Vec::new();
        common.extend(20u16.to_le_bytes());
        common.extend(0u16.to_le_bytes());
        common.extend(method.to_le_bytes());
        common.extend([0u8; 4]);
        common.extend(crc32(data).to_le_bytes());
        common.extend((body.len() as u32).to_le_bytes());
        common.extend((data.len() as u32).to_le_bytes());
        common.extend((name.len() as u16).to_le_bytes());
        common.extend(0u16.to_le_bytes());
        out.extend(LFH.to_le_bytes());
        out.extend(&common);
        out.extend(name.as_bytes());
        out.extend(&body);
        cd.extend(CDH.to_le_bytes());
        cd.extend(20u16.to_le_bytes());
        cd.extend(&common);
        // comment length, disk number, internal and external attributes
        cd.extend([0u8; 10]);
        cd.extend(offset.to_le_bytes());
        cd.extend(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend(&cd);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    let count = files.len().min(0xffff) as u16;
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend((cd.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// An mboxo mailbox of `messages`, `From ` lines in bodies escaped.
pub fn mbox(messages: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        out.extend_from_slice(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n");
        for line in m.split(|&b| b == b'\n') {
            if line.starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    out
}

/// Base64 (RFC 4648, padded) of `data`, in lines of 76 characters as e-mail carries it.
pub fn base64(data: &[u8]) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(data.len() * 4 / 3 + data.len() / 57 * 2 + 4);
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.extend_from_slice(b"\r\n");
        }
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            out.push(if k <= chunk.len() { A[(n >> (18 - 6 * k) & 63) as usize] } else { b'=' });
        }
    }
    out
}
