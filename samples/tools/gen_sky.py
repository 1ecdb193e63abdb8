#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ckrender authors.
"""Writes samples/textures/sky.exr: a procedural lat-long sky for samples/dome.rib.

    python3 samples/tools/gen_sky.py [--out PATH] [--width 256]

Python 3 standard library only (the EXR writer is below: scanline, HALF RGB,
ZIP compression). The image is a pure function of the constants here, so
re-running it gives the same bytes.

Lat-long layout (equirectangular, the layout PxrDomeLight's lightColorMap uses):
  * width = 2 * height; column u in [0, 1) is the azimuth phi = 2*pi*u,
    row v in [0, 1) from the TOP is the polar angle from +Y (theta = pi*v):
    the top row is the zenith, the middle row the horizon, the bottom row the nadir.
  * Which azimuth the dome's u = 0 faces is the renderer's convention; the scene
    turns the dome with a Rotate about +Y to put the sun where it wants it.

Content (linear Rec.709 radiance):
  * sky: a gradient from a pale horizon to a deep-blue zenith, brighter toward the sun;
  * sun: a Gaussian blob (sigma 4 deg) at 35 deg elevation, azimuth u = 0.25,
    about 3x the sky's irradiance on a horizontal plane, so shadows are clear;
  * ground: dark warm grey below the horizon, darker toward the nadir.
"""
import argparse
import math
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)

SUN_U = 0.25                  # azimuth of the sun, as a fraction of the width
SUN_ELEVATION_DEG = 35.0
SUN_SIGMA_DEG = 4.0
SUN_PEAK = (165.0, 152.0, 133.0)  # peak radiance of the blob: warm white
ZENITH = (0.10, 0.22, 0.60)
HORIZON = (0.75, 0.85, 1.00)
GROUND_NEAR = (0.30, 0.26, 0.21)
GROUND_NADIR = (0.12, 0.10, 0.08)
SUPERSAMPLE = 4               # per axis, so thin features (the sun) are averaged over the pixel


def direction(u, v):
    """Unit vector (x, y, z), +Y up, for lat-long coordinates u, v in [0, 1]."""
    phi = 2.0 * math.pi * u
    theta = math.pi * v
    s = math.sin(theta)
    return (s * math.cos(phi), math.cos(theta), s * math.sin(phi))


def lerp(a, b, t):
    return tuple(a[i] + (b[i] - a[i]) * t for i in range(3))


def radiance(d, sun):
    y = d[1]
    cos_gamma = max(-1.0, min(1.0, d[0] * sun[0] + d[1] * sun[1] + d[2] * sun[2]))
    gamma = math.acos(cos_gamma)
    glow = 1.0 + 2.5 * math.exp(-gamma / 0.35)  # the sky is brighter around the sun
    sky = tuple(x * glow for x in lerp(HORIZON, ZENITH, math.sqrt(max(y, 0.0))))
    ground = lerp(GROUND_NEAR, GROUND_NADIR, math.sqrt(max(-y, 0.0)))
    # Blend ground into sky over +-1 degree of elevation: a soft horizon line.
    t = max(0.0, min(1.0, 0.5 + math.asin(max(-1.0, min(1.0, y))) / math.radians(2.0)))
    c = lerp(ground, sky, t)
    sigma = math.radians(SUN_SIGMA_DEG)
    if gamma < 6.0 * sigma:
        g = math.exp(-0.5 * (gamma / sigma) ** 2)
        c = tuple(c[i] + SUN_PEAK[i] * g for i in range(3))
    return c


def render(width, height):
    """Returns rows (top to bottom) of (r, g, b) tuples."""
    el = math.radians(SUN_ELEVATION_DEG)
    sun = direction(SUN_U, 0.5 - el / math.pi)
    rows = []
    n = SUPERSAMPLE
    for j in range(height):
        row = []
        for i in range(width):
            acc = [0.0, 0.0, 0.0]
            for sj in range(n):
                for si in range(n):
                    u = (i + (si + 0.5) / n) / width
                    v = (j + (sj + 0.5) / n) / height
                    c = radiance(direction(u, v), sun)
                    for k in range(3):
                        acc[k] += c[k]
            row.append(tuple(a / (n * n) for a in acc))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# A minimal OpenEXR writer: single part, scanline, HALF channels, ZIP compression
# (16 scanlines per block, byte split + delta predictor + zlib, as the format
# defines it).

def _attr(name, type_name, payload):
    return name.encode() + b"\0" + type_name.encode() + b"\0" + struct.pack("<i", len(payload)) + payload


def _zip_block(raw):
    # Split into even and odd bytes, then store byte differences (+128), then deflate.
    half = (len(raw) + 1) // 2
    split = bytearray(len(raw))
    split[:half] = raw[0::2]
    split[half:] = raw[1::2]
    pred = bytearray(len(split))
    prev = split[0] if split else 0
    if split:
        pred[0] = split[0]
    for i in range(1, len(split)):
        cur = split[i]
        pred[i] = (cur - prev + 128 + 256) & 0xFF
        prev = cur
    packed = zlib.compress(bytes(pred), 9)
    return packed if len(packed) < len(raw) else raw


def write_exr(path, rows):
    height, width = len(rows), len(rows[0])
    channels = b""
    for name in ("B", "G", "R"):  # channel list is sorted by name
        channels += name.encode() + b"\0" + struct.pack("<iB3xii", 1, 0, 1, 1)  # HALF, linear, 1x1
    channels += b"\0"
    header = struct.pack("<ii", 20000630, 2)  # magic, version 2, single-part scanline
    header += _attr("channels", "chlist", channels)
    header += _attr("compression", "compression", bytes([3]))  # ZIP_COMPRESSION
    header += _attr("dataWindow", "box2i", struct.pack("<iiii", 0, 0, width - 1, height - 1))
    header += _attr("displayWindow", "box2i", struct.pack("<iiii", 0, 0, width - 1, height - 1))
    header += _attr("lineOrder", "lineOrder", bytes([0]))  # INCREASING_Y
    header += _attr("pixelAspectRatio", "float", struct.pack("<f", 1.0))
    header += _attr("screenWindowCenter", "v2f", struct.pack("<ff", 0.0, 0.0))
    header += _attr("screenWindowWidth", "float", struct.pack("<f", 1.0))
    header += b"\0"

    lines_per_block = 16
    nblocks = (height + lines_per_block - 1) // lines_per_block
    blocks = []
    for b in range(nblocks):
        raw = bytearray()
        for y in range(b * lines_per_block, min(height, (b + 1) * lines_per_block)):
            for ch in (2, 1, 0):  # B, G, R
                raw += struct.pack(f"<{width}e", *(px[ch] for px in rows[y]))
        data = _zip_block(bytes(raw))
        blocks.append(struct.pack("<ii", b * lines_per_block, len(data)) + data)

    offset = len(header) + 8 * nblocks
    table = b""
    for blk in blocks:
        table += struct.pack("<Q", offset)
        offset += len(blk)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(header + table + b"".join(blocks))
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(SAMPLES, "textures", "sky.exr"))
    ap.add_argument("--width", type=int, default=256, help="width (height = width / 2)")
    a = ap.parse_args()
    if a.width < 8 or a.width % 2:
        sys.exit("--width must be an even number >= 8")
    rows = render(a.width, a.width // 2)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    write_exr(a.out, rows)
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes)")


if __name__ == "__main__":
    main()
