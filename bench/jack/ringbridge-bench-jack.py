#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-bench-jack: ringbridge-jack under private JACK servers.

Every configuration runs on a jackd of its own (dummy backend, 48 kHz, no
realtime, a name with our pid in it), started here and stopped (SIGTERM,
then reaped) whatever happens. For each period size:

  xruns     the server's xruns over --seconds, counted by xrun-counter (a
            passive client present in every configuration), with
              jackd-alone    nothing else
              ringbridge     gst-launch-1.0 audiotestsrc ! ringsink feeding
                             ringbridge-jack play (ports left unconnected)
              jackaudiosink  gst-launch-1.0 audiotestsrc ! jackaudiosink
                             (defaults, connect=none)
  callback  CPU time of the process callback per period, median and p99,
            in the last two: callback-timer (an LD_PRELOAD shim) reads the
            thread's CPU clock around the client's callback
  roundtrip jack_iodelay's out -> ringbridge-jack record R, play R ->
            jack_iodelay's in, for fills of 2 periods, 10 ms and the
            default 500 ms: record sizes its ring with --frames/--latency
            and play bounds its fill with the same option (a ring is at
            least 512 stereo frames, so its size alone cannot give a small
            fill); with play started first (it waits for the ring and
            attaches within 0.1 s of its creation: the fill is what record
            wrote meanwhile) and with record started first (the ring is
            full when play attaches); either way play skips down to the
            bound when more is queued; and GStreamer's jackaudiosrc !
            jackaudiosink loopback with defaults and with low-latency=true

The process exits 1 when something did not work (a client that does not
start or dies, a callback never timed, a loopback jack_iodelay cannot hear)
and 0 otherwise; targets met or missed are reported, not a failure. One
exception: GStreamer 1.22's jackaudiosrc ! jackaudiosink now and then
deadlocks when its ports are connected into a loop (jackd then reports the
graph unfinished every cycle); that loopback is tried three times, and a
peer that never gets through is recorded ("error") rather than failing
us. The self-test relies on the ringbridge loopbacks.
--inject-error runs the round trips with play's output left unconnected:
each must then be reported missing, and the run exits 1.
"""

import math
import os
import re
import signal
import subprocess
import sys
import time

from benchjack import (RATE, SHM, Failure, Procs, Server, XrunCounter,
                       base_env, check_running, client_env, emit_result,
                       final_stats, find_row, machine, note, percentile,
                       read_timer, run_and_report, say, wait_until)
from benchmain import parse_run_options, run_parser

PROGRAM = "ringbridge-bench-jack"
CHANNELS = 2



class NoSignal(Failure):
    """jack_iodelay heard nothing through a loopback."""


# --- options -----------------------------------------------------------------

def parse_options(argv):
    p = run_parser(
        PROGRAM, __doc__, callback_timer=True,
        seconds=(0.5, 2.0, 60.0, "seconds per xrun configuration"),
        periods=(16, [64], [32, 64, 256], "JACK period sizes"),
        quick="a check of every configuration in about a minute",
        inject_error="self-test: run the round trips with play's output "
        "unconnected; each must be reported missing (exit 1)")
    p.add_argument("--no-gst", action="store_true",
                   help="the GStreamer plugin was not built: leave out the "
                   "configurations that need ringsink")
    return parse_run_options(p, argv)


# --- xruns and callback CPU --------------------------------------------------

def gst_ok(element):
    r = subprocess.run(["gst-inspect-1.0", element], env=dict(os.environ),
                       capture_output=True, text=True, timeout=120)
    return r.returncode == 0


FEED_CAPS = ("audio/x-raw,format=F32LE,rate=%d,channels=%d,"
             "layout=interleaved" % (RATE, CHANNELS))


def run_xruns(procs, period, config, res):
    seconds = ARGS.seconds
    settle = 0.5 if ARGS.quick else 2.0
    timer_file = os.path.join(procs.dir, "timer-%s-%d.txt" % (config, period))
    clients = []
    with Server(procs, period) as srv:
        counter = XrunCounter(procs, srv, ARGS.xrun_counter)
        if config == "ringbridge":
            ring = "rbbj%d-%d" % (os.getpid(), period)
            # play first: it waits for the ring the pipeline makes.
            # --resample=off: jackaudiosink does not resample either, and
            # on a dummy backend that loses time auto may (docs/clocks.md),
            # which would make the callbacks' CPU time incomparable
            play = procs.spawn([ARGS.ringbridge_jack, "play", ring, "--wait",
                                "--timeout", "30", "--channels",
                                str(CHANNELS), "--name", "rbbench-play",
                                "--resample=off"],
                               "play", client_env(srv.name, timer_file,
                                                  ARGS.callback_timer))
            srv.wait_port("rbbench-play:out_1", watch=[play])
            gst = procs.spawn(["gst-launch-1.0", "-q", "audiotestsrc",
                               "is-live=true", "!", FEED_CAPS, "!",
                               "ringsink", "ring-name=" + ring],
                              "gst-feed", client_env(srv.name))
            clients = [play, gst]
            wait_until(lambda: ring_exists(ring),
                       "ringbridge-jack play to attach to ring " + ring,
                       watch=clients)
        elif config == "jackaudiosink":
            gst = procs.spawn(["gst-launch-1.0", "-q", "audiotestsrc",
                               "is-live=true", "!", FEED_CAPS, "!",
                               "jackaudiosink", "server=" + srv.name,
                               "connect=none",
                               "client-name=rbbench-gstsink"],
                              "gst-jackaudiosink",
                              client_env(srv.name, timer_file,
                                         ARGS.callback_timer))
            clients = [gst]
            srv.wait_port(r"rbbench-gstsink:out_.*_1", watch=clients)
        time.sleep(settle)
        x0 = counter.count()
        t0 = time.monotonic_ns()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            check_running(clients + [counter.proc],
                          " during the %s run at %d frames" % (config,
                                                               period))
            time.sleep(min(0.25, max(end - time.monotonic(), 0)))
        t1 = time.monotonic_ns()
        x1 = counter.count()
        entry = {"period": period, "config": config,
                 "seconds": round((t1 - t0) / 1e9, 3), "xruns": x1 - x0}
        res["xruns"].append(entry)
        # stop the clients now: the shim writes its samples at exit
        stats = {}
        for proc in reversed(clients):
            status = procs.stop(proc, signal.SIGINT
                                if proc.label.startswith("gst")
                                else signal.SIGTERM)
            if status != 0:
                out, err = Procs.output(proc)
                raise Failure("%s exited with status %d: %s" % (
                    proc.label, status, (err or out).strip()[-800:]))
            if proc.label == "play":
                stats = final_stats(Procs.output(proc)[0])
        line = "%-14s %5d frames: %4d xruns in %.1f s" % (
            config, period, entry["xruns"], entry["seconds"])
        if config == "ringbridge":
            if not stats or int(stats.get("frames", "0")) == 0:
                raise Failure("ringbridge-jack play moved no frames at %d "
                              "frames (statistics: %s)" % (period, stats))
            entry["client_xruns"] = int(stats.get("xruns", "0"))
            # play's ran_dry (times its ring ran dry), kept under the
            # results' old key
            entry["underruns"] = int(stats.get("ran_dry", "0"))
            line += " (play's own count for its whole run: xruns=%s " \
                "ran_dry=%s fill=%s)" % (stats.get("xruns"),
                                         stats.get("ran_dry"),
                                         stats.get("fill"))
        say("  " + line)
        if config == "jackd-alone":
            return
        client = "ringbridge-jack" if config == "ringbridge" \
            else "jackaudiosink"
        cpu, wall, head = read_timer(timer_file, t0, t1)
        if not cpu:
            raise Failure("no process callback of %s was timed at %d frames"
                          " (is %s preloaded?)" % (client, period,
                                                   ARGS.callback_timer))
        res["callback_cpu"].append({
            "period": period, "client": client,
            "median_us": round(percentile(cpu, 0.5), 3),
            "p99_us": round(percentile(cpu, 0.99), 3),
            "samples": len(cpu),
            "wall_median_us": round(percentile(wall, 0.5), 3),
            "wall_p99_us": round(percentile(wall, 0.99), 3),
            "timer_overhead_cpu_ns": head.get("overhead_cpu_ns")})
        note("%-14s %5d frames: callback CPU median %.2f µs, p99 %.2f µs "
             "(%d periods; wall median %.2f, p99 %.2f µs)" % (
                 client, period, percentile(cpu, 0.5),
                 percentile(cpu, 0.99), len(cpu), percentile(wall, 0.5),
                 percentile(wall, 0.99)))


def ring_exists(ring):
    # ringsink makes the ring when it starts; play (--wait) attaches to it
    # within a tenth of a second, well before the settling time is over
    return os.path.exists(SHM + "ringbridge-" + ring)


# --- round trips ---------------------------------------------------------------

IODELAY_RX = re.compile(r"^\s*([0-9.]+) frames\s+([0-9.]+) ms total "
                        r"roundtrip latency", re.M)


def iodelay_readings(proc):
    """jack_iodelay's round trips so far, (frames, ms) each."""
    return [(float(f), float(m))
            for f, m in IODELAY_RX.findall(Procs.output(proc)[0])]


def measure_roundtrip(procs, srv, iodelay, clients, what):
    """The median of the round trips jack_iodelay prints in the second
    half of a window (GStreamer's default loopback drifts by a few ms as
    its clock slaving settles), or None if it printed fewer than 3."""
    window = 4.0 if ARGS.quick else 10.0
    start = len(iodelay_readings(iodelay))
    half = None
    end = time.monotonic() + window
    while time.monotonic() < end:
        check_running(clients + [iodelay], " during " + what)
        if half is None and time.monotonic() > end - window / 2:
            half = len(iodelay_readings(iodelay))
        time.sleep(0.25)
    got = iodelay_readings(iodelay)[half if half is not None else start:]
    if len(got) < 3:
        return None
    got.sort()
    return got[len(got) // 2]


def start_iodelay(procs, srv):
    # stdbuf: jack_iodelay prints through stdio, and a file is block-buffered
    iodelay = procs.spawn(["stdbuf", "-oL", "jack_iodelay"], "jack_iodelay",
                          dict(base_env(), JACK_DEFAULT_SERVER=srv.name))
    srv.wait_port("jack_delay:in", watch=[iodelay])
    return iodelay


def run_roundtrip_ringbridge(procs, period, ring_cfg, order, res):
    label, opt = ring_cfg
    requested = int(opt[1]) if opt[0] == "--frames" else \
        int(math.ceil(float(opt[1]) * RATE / 1000.0))
    with Server(procs, period) as srv:
        iodelay = start_iodelay(procs, srv)
        ring = "rbbj%d-rt%d" % (os.getpid(), Server.serial)
        env = client_env(srv.name)
        play_args = [ARGS.ringbridge_jack, "play", ring, "--channels",
                     str(CHANNELS), "--name", "rbbench-play"]
        if not ARGS.inject_error:
            play_args += ["--connect", "jack_delay:in"]
        # the same option bounds what play keeps queued
        play_args += list(opt)
        rec_args = [ARGS.ringbridge_jack, "record", ring, "--channels",
                    str(CHANNELS), "--name", "rbbench-record", "--connect",
                    "jack_delay:out", "--verbose"] + list(opt)
        if order == "play-first":
            play = procs.spawn(play_args + ["--wait", "--timeout", "30"],
                               "play", env)
            srv.wait_port("rbbench-play:out_1", watch=[play])
            rec = procs.spawn(rec_args, "record", env)
            srv.wait_port("rbbench-record:in_1", watch=[rec])
        else:
            rec = procs.spawn(rec_args, "record", env)
            srv.wait_port("rbbench-record:in_1", watch=[rec])
            # let it fill the ring (its capacity at most about 0.7 s)
            time.sleep(1.0 if ARGS.quick else 1.5)
            play = procs.spawn(play_args, "play", env)
            srv.wait_port("rbbench-play:out_1", watch=[play])
        what = "the %s round trip (%s, %s) at %d frames" % (
            label, order, " ".join(opt), period)
        got = measure_roundtrip(procs, srv, iodelay, [play, rec], what)
        procs.stop(play)
        procs.stop(rec)
        pstats = final_stats(Procs.output(play)[0])
        rec_err = Procs.output(rec)[1]
        m = re.search(r"ring '[^']*': .* (\d+) frames", rec_err)
        capacity = int(m.group(1)) if m else None
    entry = {"period": period, "client": "ringbridge-jack",
             "ring_frames": capacity,
             "configured_ms": round(requested * 1000.0 / RATE, 3),
             "measured_frames": got[0] if got else None,
             "measured_ms": got[1] if got else None,
             "ring": label, "start": order, "requested_frames": requested,
             "max_fill_frames": requested,
             "skipped_frames": int(pstats["skipped_frames"])
             if "skipped_frames" in pstats else None,
             "fill_frames": int(pstats["fill"]) if "fill" in pstats
             else None}
    res["roundtrip"].append(entry)
    note("%-28s %5d frames: ring and bound %s (%s frames, bound %d), %-12s "
         "round trip %s, fill at the end %s, %s frames skipped" % (
             "ringbridge-jack " + label, period, " ".join(opt), capacity,
             requested, order,
             "%.0f frames = %.2f ms" % got if got else "NOT MEASURED",
             entry["fill_frames"], entry["skipped_frames"]))
    if got is None:
        raise NoSignal("jack_iodelay measured no round trip through "
                       "ringbridge-jack (%s)" % what)


def gst_loopback_once(procs, period, extra, what):
    """One jackaudiosrc ! jackaudiosink loopback through jack_iodelay: the
    round trip, or None; and whether the pipeline's JACK clients hung."""
    with Server(procs, period) as srv:
        iodelay = start_iodelay(procs, srv)
        gst = procs.spawn(["gst-launch-1.0", "jackaudiosrc",
                           "server=" + srv.name, "connect=none",
                           "client-name=rbbench-gstsrc"] + extra +
                          ["!", "jackaudiosink", "server=" + srv.name,
                           "connect=none", "client-name=rbbench-gstsink"] +
                          extra, "gst-loopback", client_env(srv.name))
        try:
            src = srv.wait_port(r"rbbench-gstsrc:in_.*_1", watch=[gst])
            sink = srv.wait_port(r"rbbench-gstsink:out_.*_1", watch=[gst])
            # Connecting its ports before the pipeline is PLAYING deadlocks
            # GStreamer 1.22's jack elements at once (their process thread
            # never finishes a cycle again, and gst-launch-1.0 ignores SIGINT);
            # after it, they still do so now and then.
            wait_until(lambda: "New clock" in Procs.output(gst)[0],
                       "the jackaudiosrc pipeline to play", watch=[gst])
            time.sleep(2.0)
            srv.connect("jack_delay:out", src)
            if not ARGS.inject_error:
                srv.connect(sink, "jack_delay:in")
            got = measure_roundtrip(procs, srv, iodelay, [gst], what)
            # jackd says so every cycle the graph does not complete
            hung = Procs.output(srv.proc)[1].count(
                "ProcessGraphAsyncMaster: Process error") > 200
        except Failure:
            # a pipeline stuck in GStreamer's deadlock ignores SIGINT
            # (Procs.stop kills it after 5 s), before the server goes
            procs.stop(gst, signal.SIGINT, timeout=5)
            raise
    return got, hung


def run_roundtrip_gst(procs, period, low_latency, res):
    client = "jackaudiosink-low-latency" if low_latency else "jackaudiosink"
    extra = ["low-latency=true"] if low_latency else []
    what = "the %s loopback at %d frames" % (client, period)
    # one attempt under --inject-error: no signal is expected there
    attempts = 1 if ARGS.inject_error else 3
    for attempt in range(1, attempts + 1):
        # GStreamer 1.22's jack elements deadlock now and then (see
        # gst_loopback_once): a pipeline that hangs or dies before its
        # ports appear is the peer's failure, an attempt that measured
        # nothing, never the benchmark's end
        try:
            got, hung = gst_loopback_once(procs, period, extra, what)
            why = ""
        except Failure as e:
            got, hung, why = None, False, ": %s" % str(e)[:300]
        if got is not None:
            break
        note("%s: attempt %d: no round trip%s%s%s" % (
            what, attempt, " (the pipeline's JACK process thread hung: a "
            "GStreamer deadlock)" if hung else "", why,
            "; trying again" if attempt < attempts else ""))
    entry = {"period": period, "client": client, "ring_frames": None,
             "configured_ms": None, "max_fill_frames": None,
             "measured_frames": got[0] if got else None,
             "measured_ms": got[1] if got else None}
    if got is None:
        # the peer's failure, recorded; ours are the ringbridge loopbacks
        entry["error"] = "no round trip in %d attempts%s" % (
            attempts, " (GStreamer hung)" if hung else "")
    res["roundtrip"].append(entry)
    note("%-28s %5d frames: round trip %s" % (
        "gst " + client, period,
        "%.0f frames = %.2f ms" % got if got else
        "NOT MEASURED: " + entry["error"]))


# --- targets and output --------------------------------------------------------

def targets(res):
    out = []
    for r in res["roundtrip"]:
        if r["client"] != "ringbridge-jack" or r["measured_frames"] is None:
            continue
        fill = r["max_fill_frames"] or r["requested_frames"]
        bound = fill + r["period"]
        out.append({"name": "round trip within one period of the fill "
                    "configured: %d frames, %s, %s" % (
                        r["period"], r["ring"], r["start"]),
                    "value": r["measured_frames"], "target": bound,
                    "met": r["measured_frames"] <= bound,
                    "unit": "frames"})
    for order in ("play-first", "record-first"):
        r = find_row(res["roundtrip"], period=64, client="ringbridge-jack",
                     ring="2 periods", start=order)
        if r and r["measured_ms"] is not None:
            out.append({"name": "round trip under 4 ms at 64 frames with a "
                        "minimal ring (%s)" % order,
                        "value": r["measured_ms"], "target": 4.0,
                        "met": r["measured_ms"] < 4.0, "unit": "ms"})
    alone = find_row(res["xruns"], period=64, config="jackd-alone")
    rb = find_row(res["xruns"], period=64, config="ringbridge")
    if alone and rb:
        out.append({"name": "no xruns beyond jackd alone at 64 frames",
                    "value": rb["xruns"], "target": alone["xruns"],
                    "met": rb["xruns"] <= alone["xruns"], "unit": "xruns"})
    for period in ARGS.periods:
        a = find_row(res["callback_cpu"], period=period,
                     client="ringbridge-jack")
        b = find_row(res["callback_cpu"], period=period,
                     client="jackaudiosink")
        if a and b:
            for stat in ("median_us", "p99_us"):
                out.append({"name": "callback CPU %s below jackaudiosink's "
                            "at %d frames" % (stat[:-3], period),
                            "value": a[stat], "target": b[stat],
                            "met": a[stat] < b[stat], "unit": "us"})
    return out


def print_tables(res):
    say("\nxruns over %g s (jackd dummy, %d Hz, asynchronous, no realtime):"
        % (ARGS.seconds, RATE))
    say("  %6s  %12s  %12s  %14s" % ("period", "jackd-alone", "ringbridge",
                                     "jackaudiosink"))
    for p in ARGS.periods:
        cells = []
        for c in ("jackd-alone", "ringbridge", "jackaudiosink"):
            r = find_row(res["xruns"], period=p, config=c)
            cells.append(str(r["xruns"]) if r else "-")
        say("  %6d  %12s  %12s  %14s" % (p, *cells))
    say("\nprocess callback CPU time per period, µs (median / p99):")
    say("  %6s  %20s  %20s" % ("period", "ringbridge-jack", "jackaudiosink"))
    for p in ARGS.periods:
        cells = []
        for c in ("ringbridge-jack", "jackaudiosink"):
            r = find_row(res["callback_cpu"], period=p, client=c)
            cells.append("%.2f / %.2f" % (r["median_us"], r["p99_us"])
                         if r else "-")
        say("  %6d  %20s  %20s" % (p, *cells))
    say("\nround trip (jack_iodelay), frames and ms:")
    for r in res["roundtrip"]:
        name = r["client"]
        if name == "ringbridge-jack":
            name += " %s (ring %s, bound %s), %s" % (
                r["ring"], r["ring_frames"], r["max_fill_frames"], r["start"])
        meas = "%.0f = %.2f ms" % (r["measured_frames"], r["measured_ms"]) \
            if r["measured_frames"] is not None else "not measured"
        say("  %5d  %-58s %s" % (r["period"], name, meas))
    say("\ntargets:")
    for t in res["targets"]:
        say("  %-4s %s: %s (target %s %s)" % (
            "PASS" if t["met"] else "MISS", t["name"], t["value"],
            "<" if t["unit"] in ("us", "ms") else "<=", t["target"]))


def run(procs, res):
    have_sink = gst_ok("jackaudiosink") and gst_ok("jackaudiosrc")
    have_ringsink = not ARGS.no_gst and gst_ok("ringsink")
    if not have_sink:
        say("jackaudiosink/jackaudiosrc not found (Debian: "
            "gstreamer1.0-plugins-good): their configurations are left out")
    if not have_ringsink:
        say("ringsink not available: the ringbridge xrun and CPU "
            "configuration is left out")
        res["problems"].append("ringsink not available")
    ring_cfgs = lambda p: [("2 periods", ("--frames", str(2 * p))),
                           ("10 ms", ("--latency", "10")),
                           ("500 ms", ("--latency", "500"))]
    for period in ARGS.periods:
        say("\nperiod %d frames (%.2f ms):" % (period, period * 1000.0 / RATE))
        if not ARGS.inject_error:
            run_xruns(procs, period, "jackd-alone", res)
            if have_ringsink:
                run_xruns(procs, period, "ringbridge", res)
            if have_sink:
                run_xruns(procs, period, "jackaudiosink", res)
        cfgs = ring_cfgs(period)
        if ARGS.quick:
            cfgs = cfgs[:1]
        for cfg in cfgs:
            for order in ("play-first", "record-first"):
                try:
                    run_roundtrip_ringbridge(procs, period, cfg, order, res)
                except NoSignal as e:
                    if not ARGS.inject_error:
                        raise
                    res["problems"].append(str(e))
                    note("as injected: %s" % e)
        if have_sink:
            for low in (False, True):
                try:
                    run_roundtrip_gst(procs, period, low, res)
                except NoSignal as e:
                    if not ARGS.inject_error:
                        raise
                    res["problems"].append(str(e))
                    note("as injected: %s" % e)


def on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv):
    global ARGS
    ARGS = parse_options(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    res = {"program": PROGRAM, "version": ARGS.version_string,
           "machine": machine(),
           "options": {"seconds": ARGS.seconds, "periods": ARGS.periods,
                       "rate": RATE, "quick": ARGS.quick,
                       "inject_error": ARGS.inject_error},
           "xruns": [], "callback_cpu": [], "roundtrip": [], "targets": [],
           "problems": []}
    m = res["machine"]
    say("%s %s: %s, %s, %d CPUs, %s, load %s" % (
        PROGRAM, ARGS.version_string, m["arch"], m["cpu_model"], m["nproc"],
        m["date"], m["loadavg_start"]))
    say("jackd -d dummy -r %d, periods %s, %g s per xrun configuration%s" % (
        RATE, ",".join(map(str, ARGS.periods)), ARGS.seconds,
        " (--inject-error: play's output left unconnected)"
        if ARGS.inject_error else ""))
    status = run_and_report(PROGRAM, ARGS.keep_logs, run, res, "rbbj",
                            targets, print_tables)
    if status == 130:
        return status
    if ARGS.inject_error:
        measured = [r for r in res["roundtrip"] if r["measured_frames"]
                    is not None]
        if status != 0 or not res["roundtrip"]:
            say("inject-error: the run failed for another reason: the "
                "self-test proves nothing")
            status = 0
        elif measured:
            say("inject-error: %d round trips were measured without a "
                "connection: the check is broken" % len(measured))
            status = 0
        else:
            say("inject-error: every round trip was reported missing")
            status = 1
    emit_result(res, ARGS.json)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
