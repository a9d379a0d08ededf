#!/usr/bin/env python3
"""Renders the app icon (assets/icon.svg's design) to PNG at the sizes browsers
and installers ask for, with the standard library only. Run it after changing
the design; the PNGs are committed.

    python3 scripts/icons.py assets
"""
import math
import struct
import sys
import zlib

BLUE = (0x1F, 0x5F, 0x99)
WHITE = (0xFF, 0xFF, 0xFF)


def in_round_rect(x, y, x0, y0, w, h, r):
    cx = min(max(x, x0 + r), x0 + w - r)
    cy = min(max(y, y0 + r), y0 + h - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x0 + w and y0 <= y <= y0 + h


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def colour(x, y, maskable):
    """The design in a 64-unit square; `maskable` fills the square and shrinks the
    glyph into the safe zone (the inner 80 %)."""
    if maskable:
        x, y = 32 + (x - 32) / 0.8, 32 + (y - 32) / 0.8
    elif not in_round_rect(x, y, 0, 0, 64, 64, 14):
        return None
    # Shackle: a half ring of radius 10 around (32, 23), and two legs down to 29.
    d = math.hypot(x - 32, y - 23)
    if (y <= 23 and abs(d - 10) <= 2.5) or (23 <= y <= 29 and (abs(x - 22) <= 2.5 or abs(x - 42) <= 2.5)):
        return WHITE
    if in_round_rect(x, y, 15, 28, 34, 25, 5):
        tick = min(seg_dist(x, y, 24, 41, 30, 46), seg_dist(x, y, 30, 46, 41, 35))
        return BLUE if tick <= 2.25 else WHITE
    return BLUE


def render(size, maskable=False, samples=4):
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            acc = [0, 0, 0, 0]
            for sj in range(samples):
                for si in range(samples):
                    x = (i + (si + 0.5) / samples) * 64 / size
                    y = (j + (sj + 0.5) / samples) * 64 / size
                    c = colour(x, y, maskable)
                    if c:
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = samples * samples
            a = acc[3] / n
            px = [int(acc[k] / (acc[3] / 255)) if acc[3] else 0 for k in range(3)]
            row += bytes(px + [int(a)])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "assets"
    for size in (32, 180, 192, 512):
        open(f"{out}/icon-{size}.png", "wb").write(render(size))
    open(f"{out}/icon-maskable-512.png", "wb").write(render(512, maskable=True, samples=2))
