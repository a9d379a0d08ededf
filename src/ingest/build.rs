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

/// A tar archive (ustar, with a GNU long-name record for names over 100 bytes).
pub fn tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    fn header(name: &[u8], size: usize, kind: u8) -> [u8; 512] {
        let mut h = [0u8; 512];
        h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
        h[100..108].copy_from_slice(b"0000644\0");
        h[108..116].copy_from_slice(b"0000000\0");
        h[116..124].copy_from_slice(b"0000000\0");
        h[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[156] = kind;
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        h
    }
    fn pad(out: &mut Vec<u8>) {
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    let mut out = Vec::new();
    for (name, data) in files {
        if name.len() > 100 {
            let mut long = name.as_bytes().to_vec();
            long.push(0);
            out.extend(header(b"././@LongLink", long.len(), b'L'));
            out.extend(&long);
            pad(&mut out);
        }
        out.extend(header(name.as_bytes(), data.len(), b'0'));
        out.extend_from_slice(data);
        pad(&mut out);
    }
    out.extend([0u8; 1024]);
    out
}
