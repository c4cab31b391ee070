#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-stat and the ring's timing (#13): drift, delay and clocks in
the listing and JSON, at a known ppm, unknown and hostile; and --watch's
table (#16): one line a ring, 20 rings in a 30x80 terminal, d for the
detail (statlib.py has the helpers). Output is TAP.

Usage: test-stat-timing.py RINGBRIDGE-STAT STAT-HELPER
"""

import re
import struct
import subprocess
import sys
import time

from statlib import (STAT, field, helper, kill, new_name, one_json, patch,
                     run, run_tests, watch_in_pty)

# offsets in the ring header (lib/ringbridge/rb-shm-private.h)
OFF_PRODUCER_TIMING = 768
OFF_CONSUMER_TIMING = 896
# in a timing block (struct rb_shm_timing)
OFF_TIMING_RATE = 24
OFF_TIMING_STAMP_NS = 32


RATE = 48000


def paced(ppm, hold=True):
    """A ring whose producer runs at +ppm of its consumer, locked (10 s of
    stamps at once, then in real time while held)."""
    name = new_name()
    proc = helper("create", name, "--audio", "S16LE", "2", str(RATE), "4096",
                  "--paced", str(ppm), *(["--hold"] if hold else []),
                  hold=hold)
    return name, proc


def test_drift():
    for ppm in (100, -200):
        name, proc = paced(ppm)
        t = one_json(name)["timing"]
        assert t["unit"] == "frames" and t["reason"] is None, t
        assert abs(t["drift_ppm"] - ppm) < 5, t
        for side in ("producer", "consumer"):
            assert t[side]["state"] == "ok" and t[side]["locked"], t
            assert 0 <= t[side]["age_ms"] < 2000, t
        assert abs(t["producer"]["rate"] - RATE * (1 + ppm * 1e-6)) < 1, t
        assert abs(t["consumer"]["rate"] - RATE) < 1, t
        # 1024 frames apart: 21.3 ms, and at most a block (5.3 ms) more
        assert 18 < t["fill_ms"] < 30, t
        assert 900 < t["fill"] < 1400, t
        out = run(name).stdout
        m = re.match(r"([+-]\d+\.\d) ppm \(", field(out, "drift"))
        assert m and abs(float(m.group(1)) - ppm) < 5, out
        assert re.match(r"\d+\.\d{3} ms \(smoothed fill, \d+\.\d frames\)$",
                        field(out, "delay")), out
        assert re.match(r"producer \d+\.\d\d frames/s locked, \d+ ms ago; "
                        r"consumer 48000\.\d\d frames/s locked, \d+ ms ago$",
                        field(out, "clocks")), out
        kill(proc)


def test_timing_unknown():
    # a byte ring does not stamp
    name = new_name()
    helper("create", name, "--write", "10")
    t = one_json(name)["timing"]
    assert t["drift_ppm"] is None and t["fill_ms"] is None, t
    assert t["fill"] is None and t["reason"] == "no stamps", t
    assert t["unit"] == "bytes"
    for side in ("producer", "consumer"):
        assert t[side] == {"state": "no stamps", "locked": False,
                           "rate": None, "age_ms": None}, t
    out = run(name).stdout
    assert field(out, "drift") == "unknown (no stamps)"
    assert field(out, "delay") == "unknown (no stamps)"
    assert field(out, "clocks") == "producer no stamps; consumer no stamps"


def test_timing_hostile():
    """A hostile value in a timing block reads as unknown, with the reason;
    the other side is still believed."""
    cases = [
        (OFF_PRODUCER_TIMING + OFF_TIMING_RATE, struct.pack("<d", float("nan")),
         "producer"),
        (OFF_PRODUCER_TIMING + OFF_TIMING_RATE, struct.pack("<d", 1e300),
         "producer"),
        (OFF_CONSUMER_TIMING + OFF_TIMING_STAMP_NS,
         struct.pack("<q", time.clock_gettime_ns(time.CLOCK_MONOTONIC)
                     + 3600 * 10**9), "consumer"),
    ]
    for offset, data, side in cases:
        name, _ = paced(50, hold=False)
        patch(name, offset, data)
        t = one_json(name)["timing"]
        other = "consumer" if side == "producer" else "producer"
        assert t[side]["state"] == "invalid", t
        assert t[side]["rate"] is None and not t[side]["locked"], t
        assert t[other]["state"] in ("ok", "stale"), t
        assert t["drift_ppm"] is None and t["fill_ms"] is None, t
        assert ("%s invalid" % side) in t["reason"], t
        out = run(name).stdout
        assert field(out, "drift").startswith("unknown (") and \
            ("%s invalid" % side) in field(out, "drift"), out


def watch_table_rows(out):
    """The ring lines of each table screen in @out, a list a screen."""
    screens, rows = [], None
    for line in out.splitlines():
        if line.startswith("NAME "):
            rows = []
            screens.append(rows)
        elif rows is not None and line.strip() and \
                not line.startswith("ringbridge-stat "):
            rows.append(line)
        elif not line.strip():
            rows = None
    return screens


def test_watch_table():
    """20 rings: one line each under a header, at most 80 columns; a paced
    ring shows its drift and fill time; in a 30x80 terminal the whole
    table fits, and d shows the detail."""
    drifting, proc = paced(100)
    names = [drifting] + [new_name() for _ in range(19)]
    for n in names[1:]:
        helper("create", n, "--write", "100")

    w = subprocess.Popen([STAT, "--watch=0.3", *names],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(1.0)
    w.terminate()
    out, err = w.communicate(timeout=10)
    assert w.returncode == 0 and err == "", err
    screens = watch_table_rows(out)
    assert len(screens) >= 2, out
    header = [l for l in out.splitlines() if l.startswith("NAME ")][0]
    for col in ("KIND", "FILL%", "FILL ms", "RATE/s P/C", "DRIFT ppm",
                "UNDR/OVER", "PROD/CONS"):
        assert col in header, header
    for rows in screens:
        assert len(rows) == 20, rows
        for row in rows:
            assert len(row) <= 80, row
        for n in names:
            # a long name is cut in the middle: its end stays
            assert sum(1 for r in rows if r.split()[0].endswith(n[-4:])) == 1, \
                (n, rows)
    last = screens[-1]
    row = [r for r in last if r.split()[0].endswith(drifting[-4:])][0]
    cols = row.split()
    # name, kind (2 words), fill%, fill ms, rates, drift, xruns, peers
    assert cols[1:3] == ["2ch", "48k"], row
    assert 18 < float(cols[4]) < 30, row
    assert abs(float(cols[6]) - 100) < 5, row
    assert cols[5] == "48.0k/48.0k", row
    assert cols[8] == "live/live", row
    other = [r for r in last if r.split()[0].endswith(names[1][-4:])][0]
    # a byte ring stamps nothing: no fill time, no drift; its rates are
    # the positions' moves between refreshes
    cols = other.split()
    assert cols[1] == "bytes" and cols[2] == "2.4", other
    assert cols[3] == "-" and cols[5] == "-", other
    assert cols[4] == "0/0" and cols[7] == "left/left", other

    # a 30x80 terminal: the title, a blank line, the header and 20 rings;
    # d after two screens, then q once the detail is drawn
    marks = []

    def table_drawn(out):
        marks.append(len(out))
        return out.count(b"\033[H") >= 2

    raw, _, status = watch_in_pty(
        ["--watch=0.3", *names], 30, 80,
        [(table_drawn, b"d"),
         (lambda out: b"  drift " in out[marks[-1]:], b"q")])
    assert status == 0
    text = raw.decode()
    frame = text.split("\033[H")[1]
    frame = frame.split("\033[J")[0]
    lines = frame.replace("\r", "").split("\n")
    assert len(lines) <= 30, lines
    assert all(len(l.replace("\033[K", "")) <= 80 for l in lines), lines
    assert "(q quits) (d: detail)" in lines[0], lines[0]
    assert lines[2].startswith("NAME "), lines
    ring_lines = [l for l in lines[3:] if l.replace("\033[K", "").strip()]
    assert len(ring_lines) == 20, lines
    kill(proc)


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
