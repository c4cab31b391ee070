# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""test-jack.py's known signal, as ring-helper.c's make_sample() makes it:
sample (frame i, channel c) of seed S from splitmix64, in every sample
format, so that every sample that arrives can be checked bit for bit and
silence is unmistakable; and the matcher that finds it in a capture."""

import struct


# --- the signal (ring-helper.c's make_sample) --------------------------------

M64 = (1 << 64) - 1
SAMPLE_SIZE = {"U8": 1, "S16LE": 2, "S24LE": 3, "S24_32LE": 4, "S32LE": 4,
               "F32LE": 4, "F64LE": 8}


def mix(x):
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def signed(v, bits):
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


def raw_sample(fmt, seed, i, c):
    """The sample the feeder writes, as a Python int or float."""
    h = mix(((seed << 40) ^ (i << 6) ^ c) & M64)
    hi = signed(h >> 32, 32)
    if fmt == "U8":
        return (h >> 56) | 1
    if fmt == "S16LE":
        return signed((h >> 48) | 1, 16)
    if fmt in ("S24LE", "S24_32LE"):
        return (hi >> 8) | 1
    if fmt == "S32LE":
        return hi | 1
    if fmt == "F32LE":
        return float((hi >> 8) | 1) / 4194304.0
    if fmt == "F64LE":
        return float(signed(h, 64) | 1) / 4611686018427387904.0
    raise ValueError(fmt)


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def to_float(fmt, v):
    """What JACK's port gets for a ring sample (RbSampleFormat's rule)."""
    if fmt == "U8":
        return f32((v - 128) / 128.0)
    if fmt == "S16LE":
        return f32(v / 32768.0)
    if fmt in ("S24LE", "S24_32LE"):
        return f32(v / 8388608.0)
    if fmt == "S32LE":
        return f32(v / 2147483648.0)
    return f32(v)


def float_to_int(f, scale, lo, hi):
    if f != f:
        return 0
    x = f * scale
    if x >= hi:
        return hi
    if x <= lo:
        return lo
    return int(x - 0.5) if x < 0 else int(x + 0.5)


def pack(fmt, v):
    """Ring bytes of one sample of the format, from its int/float value."""
    if fmt == "U8":
        return bytes([v])
    if fmt == "S16LE":
        return struct.pack("<h", v)
    if fmt == "S24LE":
        return struct.pack("<i", v)[:3]
    if fmt in ("S24_32LE", "S32LE"):
        return struct.pack("<i", v)
    if fmt == "F32LE":
        return struct.pack("<f", v)
    return struct.pack("<d", v)


def from_float(fmt, f):
    """What record writes to a ring of @fmt for JACK's float @f."""
    if fmt == "U8":
        return float_to_int(f, 128.0, -128, 127) + 128
    if fmt == "S16LE":
        return float_to_int(f, 32768.0, -32768, 32767)
    if fmt in ("S24LE", "S24_32LE"):
        return float_to_int(f, 8388608.0, -8388608, 8388607)
    if fmt == "S32LE":
        return float_to_int(f, 2147483648.0, -2147483648, 2147483647)
    return f


def expected(seed, first, n, feed_fmt="F32LE", rec_fmt="F32LE",
             channels=2):
    """The bytes record writes for frames [first, first + n) of the signal
    a feeder of @feed_fmt wrote, played through JACK."""
    out = bytearray()
    for i in range(first, first + n):
        for c in range(channels):
            v = to_float(feed_fmt, raw_sample(feed_fmt, seed, i, c))
            out += pack(rec_fmt, from_float(rec_fmt, v))
    return bytes(out)


def silence(fmt, channels=2):
    return (b"\x80" if fmt == "U8" else b"\0" * SAMPLE_SIZE[fmt]) * channels


def find_signal(data, want, fs, fmt):
    """Where @want lies in @data, frame-aligned, with silence before it."""
    pos = data.find(want)
    assert pos >= 0, "the signal is not in the recording (%d bytes)" % len(
        data)
    assert pos % fs == 0, "the signal starts inside a frame (%d)" % pos
    sil = silence(fmt, fs // SAMPLE_SIZE[fmt])
    assert data[:pos] == sil * (pos // fs), "not silence before the signal"
    return pos // fs


class Matcher:
    """Follows a recording frame by frame: runs of signal from known seeds
    (each continuing where its last run stopped, or a new producer starting
    again at 0), separated by silence. Anything else is an error."""

    def __init__(self, seeds, fmt="F32LE", channels=2):
        self.seeds = seeds
        self.fmt = fmt
        self.fs = SAMPLE_SIZE[fmt] * channels
        self.sil = silence(fmt, channels)
        self.runs = []          # [seed, first, end, silence frames before]

    def frame(self, seed, i):
        return expected(seed, i, 1, rec_fmt=self.fmt)

    def feed(self, data):
        gap = 0
        cur = None
        for k in range(len(data) // self.fs):
            f = data[k * self.fs:(k + 1) * self.fs]
            if f == self.sil:
                gap += 1
                cur = None
                continue
            if cur is not None and f == self.frame(cur[0], cur[2]):
                cur[2] += 1
                continue
            # a new run: after silence, or a new producer right behind
            # the last one; it continues the last run of some seed, or
            # starts a seed anew at 0
            cur = None
            for seed in self.seeds:
                last = [r for r in self.runs if r[0] == seed]
                nxt = last[-1][2] if last else 0
                for start in ([nxt, 0] if nxt else [0]):
                    if f == self.frame(seed, start):
                        cur = [seed, start, start + 1, gap]
                        break
                if cur:
                    break
            assert cur, "frame %d is neither silence nor a known signal " \
                "(runs so far: %s; frame %r)" % (k, self.runs[-3:], f)
            self.runs.append(cur)
            gap = 0
        return self.runs
