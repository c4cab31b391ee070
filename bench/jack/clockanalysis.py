# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The clock-domain benchmark's ear: what a recorded sine says about the
path it took (ringbridge-bench-clocks.py feeds a 1 kHz tone through each
peer and records the JACK side).

A pure sine obeys x[n+1] + x[n-1] = 2 cos(w) x[n]. The residual of that
recurrence stays at the noise floor (about 1e-5 of the amplitude for a
good resampler) through any amount of slow drift, and jumps to about
a * w^2 (1e-2 of the amplitude at 1 kHz / 48 kHz) wherever a frame was
skipped, inserted or replaced by silence: that is the discontinuity count.
THD+N comes from a 1 s FFT block under a 7-term Blackman-Harris window
(sidelobes below -180 dB, so the window does not limit a -90 dB
measurement): everything from 20 Hz to 20 kHz outside +-10 Hz of the
tone, against the tone."""

import math

import numpy as np

# Nuttall's / Blackman-Harris 7-term coefficients (sidelobes -180 dB).
BH7 = (0.27105140069342, -0.43329793923448, 0.21812299954311,
       -0.06592544638803, 0.01081174209837, -0.00077658482522,
       0.00001388721735)


def bh7(n):
    k = np.arange(n) * (2 * math.pi / n)
    return sum(c * np.cos(i * k) for i, c in enumerate(BH7))


class ToneMeter:
    """Fed with the recorded samples of one channel, in order; measures in
    blocks of @rate samples (1 s) once @settle seconds have passed."""

    NOTCH_HZ = 10.0
    SILENT = 1e-6
    SILENT_RUN = 8

    def __init__(self, rate, settle):
        self.rate = rate
        self.settle_frames = int(settle * rate)
        self.window = bh7(rate)
        self.pending = np.zeros(0, dtype=np.float64)
        self.frames = 0             # samples seen
        self.blocks = []            # (start frame, thdn dB, freq Hz, rms)
        self.jumps = []             # frame numbers of discontinuities
        self.silent_frames = 0      # after the lock-in
        self.silent_lock_in = 0     # during it (and before the tone came)
        self.tail = None            # last two samples of the previous block
        self.last_jump = -10 ** 9

    def feed(self, samples):
        self.pending = np.concatenate((self.pending,
                                       np.asarray(samples, np.float64)))
        while len(self.pending) >= self.rate:
            block, self.pending = (self.pending[:self.rate],
                                   self.pending[self.rate:])
            self._block(block)

    def _block(self, x):
        start = self.frames
        self.frames += len(x)
        if start < self.settle_frames:
            self.silent_lock_in += self._silent(x)
        else:
            self.silent_frames += self._silent(x)
        spec = np.abs(np.fft.rfft(x * self.window)) ** 2
        peak = int(np.argmax(spec[1:]) + 1)
        freq = self._peak_freq(spec, peak)
        rms = float(np.sqrt(np.mean(x * x)))
        self._jumps(x, start, freq, rms)
        if start < self.settle_frames:
            self.tail = x[-2:]
            return
        hz = self.rate / len(x)
        lo, hi = int(20 / hz), int(20000 / hz)
        band = spec[lo:hi + 1].copy()
        n0 = max(peak - int(self.NOTCH_HZ / hz) - lo, 0)
        n1 = min(peak + int(self.NOTCH_HZ / hz) - lo + 1, len(band))
        tone = float(np.sum(band[n0:n1]))
        band[n0:n1] = 0
        rest = float(np.sum(band))
        thdn = 10 * math.log10(max(rest, 1e-300) / tone) if tone > 0 \
            else math.inf
        self.blocks.append((start, thdn, freq, rms))
        self.tail = x[-2:]

    def _silent(self, x):
        """Samples in runs of at least SILENT_RUN near-zero ones (a sine
        crosses zero in one sample; inserted silence lasts longer). A run
        cut by the block's edge counts if its part here is long enough."""
        quiet = np.concatenate(([0], (np.abs(x) < self.SILENT).astype(np.int8),
                                [0]))
        edges = np.flatnonzero(np.diff(quiet))
        runs = edges[1::2] - edges[::2]
        return int(np.sum(runs[runs >= self.SILENT_RUN]))

    @staticmethod
    def _peak_freq(spec, k):
        # Gaussian interpolation of the peak; good to about 1e-3 bin
        if k <= 0 or k >= len(spec) - 1:
            return float(k)
        a, b, c = (math.log(max(v, 1e-300)) for v in spec[k - 1:k + 2])
        d = a - 2 * b + c
        return k + (0.5 * (a - c) / d if d != 0 else 0.0)

    def _jumps(self, x, start, freq, rms):
        if rms < 1e-4:
            return              # silence: counted as silent frames
        if self.tail is not None:
            x = np.concatenate((self.tail, x))
            start -= 2
        w = 2 * math.pi * freq / self.rate
        r = np.abs(x[2:] + x[:-2] - 2 * math.cos(w) * x[1:-1])
        # about 1/5 of a one-frame skip's residual at 1 kHz
        threshold = 0.2 * math.sqrt(2) * rms * w * w
        for i in np.flatnonzero(r > threshold):
            n = start + 1 + int(i)
            if n - self.last_jump > 64:   # one event, not its neighbours
                self.jumps.append(n)
            self.last_jump = n

    def summary(self):
        th = sorted(b[1] for b in self.blocks)
        fr = [b[2] for b in self.blocks]
        settled_jumps = [j for j in self.jumps if j >= self.settle_frames]
        return {
            "frames": self.frames,
            "blocks": len(th),
            "thdn_db_median": round(th[len(th) // 2], 1) if th else None,
            "thdn_db_worst": round(th[-1], 1) if th else None,
            "blocks_above_minus90_db": sum(1 for t in th if t > -90),
            "freq_hz_median": round(sorted(fr)[len(fr) // 2], 3)
            if fr else None,
            "discontinuities": len(settled_jumps),
            "discontinuities_lock_in": len(self.jumps) - len(settled_jumps),
            "silent_frames": self.silent_frames,
            "silent_frames_lock_in": self.silent_lock_in,
        }
