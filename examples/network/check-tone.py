#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# check-tone.py FILE.wav PLAY-B.log: the check of the recipes' --check
# tone (hosts.sh). FILE.wav is what reached host B's JACK; its last half
# (the first is the chain filling up) must hold host A's tone at -6 dBFS
# (within 1 dB) and at the frequency host B's play made of it: play
# resamples host A's stream to follow JACK A from JACK B (two clocks: on
# dummy backends that lose the time of late wake-ups, a percent or more
# apart), so 1 kHz of JACK A's samples is 1 kHz x (1 + ratio) of JACK
# B's, ratio being the correction play reports (ratio_ppm, its
# statistics lines over the same half; 0 while it copies bit-exact). The
# measured frequency must be within 1 % of 1 kHz x (1 + a ratio play
# reported over that half): the median period follows the ratio play held
# longest, which while its loop settles is not the mean. With "continuous" (the
# recipes' --jitter: the jitterbuffer must absorb it), play must also not
# have run dry or skipped over that half. Exits 1 otherwise.

import array
import math
import re
import sys
import wave


def tone(path):
    try:
        with wave.open(path) as w:
            n, width = w.getnframes(), w.getsampwidth()
            rate = w.getframerate()
            if width not in (2, 4):
                sys.exit("%s: %d-byte samples: not the 16- or 32-bit WAV "
                         "jack_rec writes" % (path, width))
            s = array.array({2: 'h', 4: 'i'}[width], w.readframes(n))
    except (OSError, EOFError, wave.Error) as e:
        sys.exit("%s: not a WAV file that can be read: %s"
                 % (path, str(e) or "empty or cut short"))
    s = s[len(s) // 2:]
    full = float(1 << (8 * width - 1))
    if len(s) < rate:
        sys.exit("captured %d frames: too few" % len(s))
    rms = math.sqrt(sum(x * x for x in s) / len(s)) / full
    db = 20 * math.log10(rms * math.sqrt(2)) if rms > 0 else -200.0
    # upward zero crossings, between samples; the median period, which a
    # dropout or a skip of play's (reported apart) moves by one period at
    # most, where a count over the whole span would move with each
    ups = [i - 1 + s[i - 1] / (s[i - 1] - s[i])
           for i in range(1, len(s)) if s[i - 1] < 0 <= s[i]]
    periods = sorted(b - a for a, b in zip(ups, ups[1:]))
    hz = rate / periods[len(periods) // 2] if len(periods) > 2 else 0.0
    return hz, db, len(s) / rate


def play_ratio_ppm(path, seconds):
    """play's mean correction over its last SECONDS statistics lines"""
    lines = [l for l in open(path, errors="replace")
             if re.search(r"stats: play ", l)]
    if not lines:
        sys.exit("%s: no statistics of host B's play in it" % path)
    ratios = []
    window = lines[-max(1, int(round(seconds))) - 1:]
    glitches = {}
    for key in ("ran_dry", "skipped_frames"):
        vals = [int(m.group(1)) for m in
                (re.search(r"\b%s=(\d+)" % key, l) for l in window) if m]
        glitches[key] = vals[-1] - vals[0] if vals else 0
    for l in window[1:] if len(window) > 1 else window:
        m = re.search(r" resample=(on|idle|off)(?: ratio_ppm=([-+0-9.]+))?", l)
        if m is None:
            sys.exit("%s: a statistics line without resample=: %s" %
                     (path, l.strip()))
        ratios.append(float(m.group(2)) if m.group(1) == "on" else 0.0)
    return ratios, lines[-1], glitches


def main(wav, play_log, continuous=None):
    hz, db, seconds = tone(wav)
    ratios, last, glitches = play_ratio_ppm(play_log, seconds)
    ratio = sum(ratios) / len(ratios)
    drift = re.search(r"drift_ppm=(\S+)", last)
    expect = 1000.0 * (1 + ratio * 1e-6)
    # the median period follows the ratio play held longest, which on a
    # loop still settling is not the mean: any ratio it held will do
    lo = 1000.0 * (1 + min(ratios) * 1e-6)
    hi = 1000.0 * (1 + max(ratios) * 1e-6)
    print("captured on host B: %.1f Hz at %.2f dBFS (peak), %.2f s; host B's "
          "play resampled by %+.0f ppm (drift %s ppm): %.1f Hz expected" %
          (hz, db, seconds, ratio, drift.group(1) if drift else "?", expect))
    print("host B's play over the same half: ran dry %d times, skipped %d "
          "frames" % (glitches["ran_dry"], glitches["skipped_frames"]))
    if not lo * 0.99 < hz < hi * 1.01 or abs(db + 6.02) >= 1:
        sys.exit("not the tone that host A sent (1000 Hz at -6.02 dBFS, "
                 "%.1f Hz after play's resampling, %.1f to %.1f over the "
                 "half)%s" % (expect, lo, hi, "; play was not continuous (above)" if
                  glitches["ran_dry"] or glitches["skipped_frames"] else ""))
    if continuous and (glitches["ran_dry"] or glitches["skipped_frames"]):
        sys.exit("host B's play was not continuous (above)")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[3:] not in ([], ["continuous"]):
        sys.exit("usage: check-tone.py FILE.wav PLAY-B.log [continuous]")
    main(*sys.argv[1:])
