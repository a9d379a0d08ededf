//! A decoder for raw LZMA streams (the "LZMA1" coding of .lzma and .7z files,
//! without a header), after the format's reference description (LzmaSpec in
//! the LZMA SDK).
//!
//! The app's wasm module travels LZMA-compressed: ~25 % smaller than gzip -9
//! makes it, and no browser decompresses LZMA natively. This crate is built on
//! its own into a wasm module of a few kilobytes that the boot script
//! instantiates first (scripts/finalize.mjs); compiled code unpacks the app
//! several times faster than the same decoder in JavaScript, whose single cold
//! call spends most of its time before the JIT has optimized it.
//!
//! The whole output is in memory, so the output is the dictionary; decoding
//! stops after `out.len()` bytes and never reads an end marker. A damaged
//! stream gives an error or other bytes, never a panic or a hang.
#![cfg_attr(target_arch = "wasm32", no_std)]

/// Why a stream could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The stream ended before the output was complete.
    Truncated,
    /// The stream is not valid LZMA for these settings.
    Corrupt,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Error::Truncated => "the LZMA stream is truncated",
            Error::Corrupt => "the LZMA stream is corrupt",
        })
    }
}

// Where each group of probabilities starts in one array (after the literal
// coders, whose number depends on lc and lp).
const IS_MATCH: usize = 0; // 12 states x 16 position states
const IS_REP: usize = IS_MATCH + 192;
const IS_REP_G0: usize = IS_REP + 12;
const IS_REP_G1: usize = IS_REP_G0 + 12;
const IS_REP_G2: usize = IS_REP_G1 + 12;
const IS_REP0_LONG: usize = IS_REP_G2 + 12; // 192
const POS_SLOT: usize = IS_REP0_LONG + 192; // 4 length states x 64
const SPEC_POS: usize = POS_SLOT + 256; // 1 + 128 - 14
const ALIGN: usize = SPEC_POS + 115; // 16
const LEN: usize = ALIGN + 16; // a length coder: 2 choices, 16 x 8 low, 16 x 8 mid, 256 high
const LEN_SIZE: usize = 2 + 128 + 128 + 256;
const REP_LEN: usize = LEN + LEN_SIZE;
const LITERALS: usize = REP_LEN + LEN_SIZE;

/// How many probabilities (`u16`) decoding with `lc` and `lp` needs.
pub const fn probs_len(lc: u32, lp: u32) -> usize {
    LITERALS + (0x300 << (lc + lp))
}

struct Range<'a> {
    src: &'a [u8],
    at: usize,
    range: u32,
    code: u32,
}

impl Range<'_> {
    #[inline(always)]
    fn byte(&mut self) -> u32 {
        // Past the end reads zeros; `decode` reports the truncation after.
        let b = self.src.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b as u32
    }

    /// What a stream that broke a rule has: a damaged one is corrupt, but
    /// one that ran out first is truncated (past its end it reads zeros).
    fn error(&self) -> Error {
        if self.at > self.src.len() {
            Error::Truncated
        } else {
            Error::Corrupt
        }
    }

    #[inline(always)]
    fn normalize(&mut self) {
        if self.range < 1 << 24 {
            self.range <<= 8;
            self.code = (self.code << 8) | self.byte();
        }
    }

    #[inline(always)]
    fn bit(&mut self, p: &mut u16) -> u32 {
        let bound = (self.range >> 11) * *p as u32;
        let b = if self.code < bound {
            self.range = bound;
            *p += (2048 - *p) >> 5;
            0
        } else {
            self.range -= bound;
            self.code -= bound;
            *p -= *p >> 5;
            1
        };
        self.normalize();
        b
    }

    fn direct(&mut self, bits: u32) -> u32 {
        let mut r = 0;
        for _ in 0..bits {
            self.range >>= 1;
            let b = (self.code >= self.range) as u32;
            self.code -= self.range & b.wrapping_neg();
            r = (r << 1) | b;
            self.normalize();
        }
        r
    }

    #[inline(always)]
    fn tree(&mut self, probs: &mut [u16], bits: u32) -> u32 {
        let mut m = 1usize;
        for _ in 0..bits {
            m = (m << 1) | self.bit(&mut probs[m]) as usize;
        }
        m as u32 - (1 << bits)
    }

    fn reverse(&mut self, probs: &mut [u16], bits: u32) -> u32 {
        let mut m = 1usize;
        let mut r = 0;
        for i in 0..bits {
            let b = self.bit(&mut probs[m]);
            m = (m << 1) | b as usize;
            r |= b << i;
        }
        r
    }

    fn length(&mut self, probs: &mut [u16], pos_state: usize) -> u32 {
        if self.bit(&mut probs[0]) == 0 {
            return self.tree(&mut probs[2 + (pos_state << 3)..], 3);
        }
        if self.bit(&mut probs[1]) == 0 {
            return 8 + self.tree(&mut probs[130 + (pos_state << 3)..], 3);
        }
        16 + self.tree(&mut probs[258..], 8)
    }
}

/// Decodes the raw LZMA stream `src` into all of `out`, with `probs` (at
/// least [`probs_len`] long) as the model's working memory.
pub fn decode(src: &[u8], out: &mut [u8], probs: &mut [u16], lc: u32, lp: u32, pb: u32) -> Result<(), Error> {
    if lc > 8 || lp > 4 || pb > 4 || probs.len() < probs_len(lc, lp) {
        return Err(Error::Corrupt);
    }
    if src.len() < 5 {
        return Err(Error::Truncated);
    }
    if src[0] != 0 {
        return Err(Error::Corrupt);
    }
    probs.fill(1024);
    let (model, literals) = probs.split_at_mut(LITERALS);
    let mut rc = Range { src, at: 5, range: u32::MAX, code: u32::from_be_bytes([src[1], src[2], src[3], src[4]]) };
    if rc.code == rc.range {
        return Err(Error::Corrupt);
    }
    let pb_mask = (1usize << pb) - 1;
    let lp_mask = (1usize << lp) - 1;
    let (mut state, mut rep0, mut rep1, mut rep2, mut rep3) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut pos = 0usize;
    while pos < out.len() {
        let pos_state = pos & pb_mask;
        if rc.bit(&mut model[IS_MATCH + (state << 4) + pos_state]) == 0 {
            let prev = if pos > 0 { out[pos - 1] as usize } else { 0 };
            let base = 0x300 * (((pos & lp_mask) << lc) + (prev >> (8 - lc)));
            let probs = &mut literals[base..base + 0x300];
            let mut sym = 1usize;
            if state >= 7 {
                // After a match, the byte at the last distance predicts this one.
                let mut byte = (out[pos - rep0 - 1] as usize) << 1;
                loop {
                    let match_bit = (byte >> 8) & 1;
                    byte <<= 1;
                    let b = rc.bit(&mut probs[((1 + match_bit) << 8) + sym]) as usize;
                    sym = (sym << 1) | b;
                    if match_bit != b || sym >= 0x100 {
                        break;
                    }
                }
            }
            while sym < 0x100 {
                sym = (sym << 1) | rc.bit(&mut probs[sym]) as usize;
            }
            out[pos] = sym as u8;
            pos += 1;
            state = match state {
                0..=3 => 0,
                4..=9 => state - 3,
                _ => state - 6,
            };
            continue;
        }
        let len;
        if rc.bit(&mut model[IS_REP + state]) != 0 {
            if pos == 0 {
                return Err(rc.error());
            }
            if rc.bit(&mut model[IS_REP_G0 + state]) == 0 {
                if rc.bit(&mut model[IS_REP0_LONG + (state << 4) + pos_state]) == 0 {
                    // One byte from the last distance.
                    if rep0 >= pos {
                        return Err(rc.error());
                    }
                    state = if state < 7 { 9 } else { 11 };
                    out[pos] = out[pos - rep0 - 1];
                    pos += 1;
                    continue;
                }
            } else {
                let dist;
                if rc.bit(&mut model[IS_REP_G1 + state]) == 0 {
                    dist = rep1;
                } else {
                    if rc.bit(&mut model[IS_REP_G2 + state]) == 0 {
                        dist = rep2;
                    } else {
                        dist = rep3;
                        rep3 = rep2;
                    }
                    rep2 = rep1;
                }
                rep1 = rep0;
                rep0 = dist;
            }
            len = rc.length(&mut model[REP_LEN..LITERALS], pos_state) as usize;
            state = if state < 7 { 8 } else { 11 };
        } else {
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            len = rc.length(&mut model[LEN..REP_LEN], pos_state) as usize;
            state = if state < 7 { 7 } else { 10 };
            let slot = rc.tree(&mut model[POS_SLOT + (len.min(3) << 6)..], 6) as usize;
            rep0 = if slot < 4 {
                slot
            } else {
                let bits = (slot >> 1) as u32 - 1;
                let dist = (2 | (slot & 1)) << bits;
                if slot < 14 {
                    dist + rc.reverse(&mut model[SPEC_POS + dist - slot..], bits) as usize
                } else {
                    dist + ((rc.direct(bits - 4) as usize) << 4) + rc.reverse(&mut model[ALIGN..], 4) as usize
                }
            };
        }
        let len = len + 2;
        // Also rejects the end marker (distance 2^32 - 1) before the end.
        if rep0 >= pos || len > out.len() - pos {
            return Err(rc.error());
        }
        for i in pos..pos + len {
            out[i] = out[i - rep0 - 1];
        }
        pos += len;
    }
    if rc.at > src.len() {
        return Err(Error::Truncated);
    }
    Ok(())
}

/// The wasm module's one export: decodes `src_len` bytes at `src` into
/// `out_len` bytes at `out`, with `probs` as working memory (the caller lays
/// them out after `__heap_base`, growing the memory first). Returns 0, or
/// 1 for a truncated stream and 2 for a corrupt one.
///
/// # Safety
/// The three regions must be valid, writable where written, and disjoint.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn unlzma(
    src: *const u8,
    src_len: usize,
    out: *mut u8,
    out_len: usize,
    probs: *mut u16,
    lc: u32,
    lp: u32,
    pb: u32,
) -> u32 {
    let src = core::slice::from_raw_parts(src, src_len);
    let out = core::slice::from_raw_parts_mut(out, out_len);
    let probs = core::slice::from_raw_parts_mut(probs, probs_len(lc.min(8), lp.min(4)));
    match decode(src, out, probs, lc, lp, pb) {
        Ok(()) => 0,
        Err(Error::Truncated) => 1,
        Err(Error::Corrupt) => 2,
    }
}

/// The wasm module's other export: [`probs_len`], for laying out memory.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn unlzma_probs(lc: u32, lp: u32) -> usize {
    probs_len(lc.min(8), lp.min(4))
}

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
