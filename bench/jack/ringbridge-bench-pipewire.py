#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-bench-pipewire: PipeWire as a peer of ringbridge-jack.

What desktop distributions ship to bridge GStreamer and JACK clients is
PipeWire. For each period (quantum) this runs two loops that a JACK client,
jack_iodelay, measures the round trip of, one after the other:

  pipewire    a private, headless PipeWire (pwserver.py: its own
              XDG_RUNTIME_DIR, the stock Dummy-Driver node, the quantum
              forced to the period, no module-rt, no session manager);
              jack_iodelay through PipeWire's libjack (pw-jack);
              jack_delay:out -> gst-launch-1.0 pipewiresrc ! pipewiresink ->
              jack_delay:in, linked with pw-link (PIPEWIRE_AUTOCONNECT=false)
  ringbridge  a private jackd (dummy backend, --no-realtime);
              jack_delay:out -> ringbridge-jack record R, ring R,
              ringbridge-jack play R -> jack_delay:in, the ring and play's
              bound 2 periods, play started first (as ringbridge-bench-jack's
              minimal loop)

Both carry one channel (jack_iodelay's) at 48 kHz in 32-bit float. Over a
window of --seconds, after a settling time:

  round trip  the median of what jack_iodelay prints in the window's second
              half (frames and ms)
  CPU         per second of audio, of every process of the path: PipeWire's
              daemon and gst-launch-1.0, or jackd, record and play; from
              /proc/PID/stat (utime + stime of all threads, in clock ticks:
              10 ms each, so use windows of 10 s or more for the figures);
              jack_iodelay's own is reported apart (it is the meter, the
              same program on both)
  xruns       what the server reports to a JACK client (xrun-counter, under
              pw-jack for PipeWire) over the window

Ratios are ringbridge / pipewire from the same run. The targets (issue 18):
ringbridge's round trip at or below PipeWire's, its CPU under half of it.
Targets are reported, not asserted. The process exits 1 when a loop could
not be set up or carried no signal (--inject-error leaves the last link of
each loop out: both must then be reported missing, and it exits 1).
"""

import os
import re
import subprocess
import sys
import time

from benchjack import (RATE, SHM, Failure, Procs, Server, XrunCounter,
                       base_env, client_env, note, say, wait_until)
from benchmain import parse_run_options, run_main, run_parser
from pwserver import (AUTO_PORTS, PwServer, PwXrunCounter, cpu_seconds,
                      missing_programs, settle)

PROGRAM = "ringbridge-bench-pipewire"
CAPS = "audio/x-raw,format=F32LE,rate=%d,channels=1,layout=interleaved" % RATE
IODELAY_RX = re.compile(r"^\s*([0-9.]+) frames\s+([0-9.]+) ms total "
                        r"roundtrip latency", re.M)


class NoSignal(Failure):
    """jack_iodelay heard nothing through a loop."""


# --- options -----------------------------------------------------------------

def parse_options(argv):
    p = run_parser(
        PROGRAM, __doc__,
        seconds=(2, 4.0, 30.0, "the measuring window of each loop"),
        periods=(32, [256], [64, 256], "periods and quanta in frames"),
        quick="both loops once, briefly, at 256 frames",
        inject_error="self-test: leave each loop's last link out; both "
        "must be reported missing (exit 1)")
    return parse_run_options(p, argv)


# --- one window --------------------------------------------------------------

def readings(iodelay):
    return [(float(f), float(m))
            for f, m in IODELAY_RX.findall(Procs.output(iodelay)[0])]


def measure(iodelay, path, counter, what):
    """One window over a running loop: round trip (median of the second
    half's readings, or None), CPU per second of audio of each process of
    @path and of the meter, and the server's xruns."""
    settle(1.0 if ARGS.quick else 3.0, path + [iodelay, counter.proc])
    x0 = counter.count()
    c0 = cpu_seconds(path + [iodelay])
    t0 = time.monotonic()
    end = t0 + ARGS.seconds
    half = None
    while time.monotonic() < end:
        if half is None and time.monotonic() > t0 + ARGS.seconds / 2:
            half = len(readings(iodelay))
        settle(min(0.25, max(end - time.monotonic(), 0)),
               path + [iodelay, counter.proc])
    c1 = cpu_seconds(path + [iodelay])
    t1 = time.monotonic()
    x1 = counter.count()
    got = sorted(readings(iodelay)[half or 0:])
    per_s = {k: (c1[k] - c0[k]) / (t1 - t0) * 1000.0 for k in c0}
    meter = per_s.pop(iodelay.label)
    rt = got[len(got) // 2] if len(got) >= 3 else None
    entry = {"seconds": round(t1 - t0, 3), "xruns": x1 - x0,
             "roundtrip_frames": rt[0] if rt else None,
             "roundtrip_ms": rt[1] if rt else None,
             "roundtrip_readings": len(got),
             "cpu_ms_per_s": round(sum(per_s.values()), 2),
             "cpu_ms_per_s_by_process": {k: round(v, 2)
                                         for k, v in per_s.items()},
             "meter_cpu_ms_per_s": round(meter, 2)}
    note("%-10s round trip %s, CPU %.1f ms/s (%s; jack_iodelay %.1f), "
         "%d xruns in %.1f s" % (
             what, "%.0f frames = %.2f ms" % rt if rt else "NOT MEASURED",
             entry["cpu_ms_per_s"], ", ".join(
                 "%s %.1f" % kv for kv in sorted(per_s.items())),
             meter, entry["xruns"], entry["seconds"]))
    return entry


# --- the two loops -----------------------------------------------------------

def run_pipewire(procs, period):
    with PwServer(procs, period) as pw:
        counter = PwXrunCounter(procs, pw, ARGS.xrun_counter)
        iodelay = procs.spawn(pw.wrap(["stdbuf", "-oL", "jack_iodelay"]),
                              "jack_iodelay", pw.env())
        pw.wait_port("jack_delay:in", output=False, watch=[iodelay])
        # the environment of the build (GStreamer's paths), PipeWire's
        gst_env = dict(os.environ)
        gst_env.update(pw.env())
        gst = procs.spawn(["gst-launch-1.0", "pipewiresrc",
                           "client-name=rbbench-pwsrc", AUTO_PORTS, "!", CAPS,
                           "!", "pipewiresink", "client-name=rbbench-pwsink",
                           AUTO_PORTS], "gst-pipewire", gst_env)
        pw.wait_port("rbbench-pwsrc:input_MONO", output=False, watch=[gst])
        pw.link("jack_delay:out", "rbbench-pwsrc:input_MONO")
        # pipewiresink makes its stream when the first buffer comes
        pw.wait_port("rbbench-pwsink:output_MONO", output=True, watch=[gst])
        if not ARGS.inject_error:
            pw.link("rbbench-pwsink:output_MONO", "jack_delay:in")
        return measure(iodelay, [pw.proc, gst], counter, "pipewire")


def run_ringbridge(procs, period):
    with Server(procs, period) as srv:
        counter = XrunCounter(procs, srv, ARGS.xrun_counter)
        iodelay = procs.spawn(["stdbuf", "-oL", "jack_iodelay"],
                              "jack_iodelay",
                              dict(base_env(), JACK_DEFAULT_SERVER=srv.name))
        srv.wait_port("jack_delay:in", watch=[iodelay])
        ring = "rbbpw%d-%d" % (os.getpid(), period)
        bound = ["--frames", str(2 * period)]
        play = [ARGS.ringbridge_jack, "play", ring, "--channels", "1",
                "--name", "rbbench-play", "--wait", "--timeout", "30"] + bound
        if not ARGS.inject_error:
            play += ["--connect", "jack_delay:in"]
        play = procs.spawn(play, "play", client_env(srv.name))
        srv.wait_port("rbbench-play:out_1", watch=[play])
        rec = procs.spawn([ARGS.ringbridge_jack, "record", ring, "--channels",
                           "1", "--name", "rbbench-record", "--connect",
                           "jack_delay:out"] + bound, "record",
                          client_env(srv.name))
        srv.wait_port("rbbench-record:in_1", watch=[rec])
        wait_until(lambda: os.path.exists(SHM + "ringbridge-" + ring),
                   "record to make ring " + ring, watch=[rec, play])
        return measure(iodelay, [srv.proc, rec, play], counter,
                       "ringbridge")


# --- results -----------------------------------------------------------------

def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def compare(period, pw, rb):
    row = {"period": period, "pipewire": pw, "ringbridge": rb,
           "roundtrip_ratio": ratio(rb["roundtrip_frames"],
                                    pw["roundtrip_frames"]),
           "cpu_ratio": ratio(rb["cpu_ms_per_s"], pw["cpu_ms_per_s"])}
    return row


def targets(res):
    out = []
    for r in res["runs"]:
        p = r["period"]
        if r["roundtrip_ratio"] is not None:
            out.append({"name": "round trip at or below PipeWire's at %d "
                        "frames (ringbridge / pipewire)" % p,
                        "value": r["roundtrip_ratio"], "target": 1.0,
                        "met": r["roundtrip_ratio"] <= 1.0, "unit": "x"})
        if r["cpu_ratio"] is not None:
            out.append({"name": "CPU per second of audio under half of "
                        "PipeWire's at %d frames" % p,
                        "value": r["cpu_ratio"], "target": 0.5,
                        "met": r["cpu_ratio"] < 0.5, "unit": "x"})
        out.append({"name": "xruns no more than PipeWire's at %d frames" % p,
                    "value": r["ringbridge"]["xruns"],
                    "target": r["pipewire"]["xruns"],
                    "met": r["ringbridge"]["xruns"] <=
                    r["pipewire"]["xruns"], "unit": "xruns"})
    return out


def fmt(v, f):
    return f % v if v is not None else "-"


def print_tables(res):
    say("\nround trip (jack_iodelay), CPU of the path per second of audio, "
        "xruns over %g s:" % ARGS.seconds)
    say("  %6s  %-10s  %8s  %8s  %10s  %10s  %6s" % (
        "period", "path", "frames", "ms", "CPU ms/s", "meter ms/s", "xruns"))
    for r in res["runs"]:
        for name in ("pipewire", "ringbridge"):
            e = r[name]
            say("  %6d  %-10s  %8s  %8s  %10.1f  %10.1f  %6d" % (
                r["period"], name, fmt(e["roundtrip_frames"], "%.0f"),
                fmt(e["roundtrip_ms"], "%.2f"), e["cpu_ms_per_s"],
                e["meter_cpu_ms_per_s"], e["xruns"]))
        say("  %6d  %-10s  %8s  %8s  %10s" % (
            r["period"], "ratio", fmt(r["roundtrip_ratio"], "%.2fx"), "",
            fmt(r["cpu_ratio"], "%.2fx")))
    say("\ntargets:")
    for t in res["targets"]:
        say("  %-4s %s: %s (target %s %s)" % (
            "PASS" if t["met"] else "MISS", t["name"], t["value"],
            "<=" if t["unit"] != "x" or t["target"] == 1.0 else "<",
            t["target"]))


def run(procs, res):
    missing = missing_programs()
    if missing:
        raise Failure("PipeWire is not installed (no %s; Debian: pipewire, "
                      "pipewire-bin, pipewire-jack, gstreamer1.0-pipewire)"
                      % ", ".join(missing))
    for element in ("pipewiresrc", "pipewiresink"):
        if subprocess.run(["gst-inspect-1.0", element], capture_output=True,
                          timeout=120).returncode != 0:
            raise Failure("GStreamer has no element '%s' (Debian: "
                          "gstreamer1.0-pipewire)" % element)
    for period in ARGS.periods:
        say("\nperiod/quantum %d frames (%.2f ms):" % (
            period, period * 1000.0 / RATE))
        pw = run_pipewire(procs, period)
        rb = run_ringbridge(procs, period)
        res["runs"].append(compare(period, pw, rb))
        if pw["roundtrip_frames"] is None or rb["roundtrip_frames"] is None:
            missing = [n for n, e in (("pipewire", pw), ("ringbridge", rb))
                       if e["roundtrip_frames"] is None]
            raise NoSignal("jack_iodelay measured no round trip through %s"
                           " at %d frames" % (" and ".join(missing), period))


def finish(res, status):
    res["targets"] = targets(res)
    print_tables(res)
    if not ARGS.inject_error:
        return status
    # both loops of the first period must have gone unheard
    heard = [n for r in res["runs"] for n in ("pipewire", "ringbridge")
             if r[n]["roundtrip_frames"] is not None]
    if not res["runs"] or heard:
        say("inject-error: %s: the check is broken or the run failed for "
            "another reason" % ("heard through " + ", ".join(heard) if heard
                                else "nothing measured"))
        return 0
    say("inject-error: both loops were reported missing")
    return 1


def main(argv):
    global ARGS
    ARGS = parse_options(argv)
    options = {"seconds": ARGS.seconds, "periods": ARGS.periods,
               "rate": RATE, "quick": ARGS.quick,
               "inject_error": ARGS.inject_error}
    return run_main(PROGRAM, ARGS, options, ["runs"], run, finish, "rbbpw")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
