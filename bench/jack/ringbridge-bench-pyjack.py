#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-bench-pyjack: Python JACK clients with ringbridge, under load.

The story the first seed was written for (issue 18): Python on either side
of a JACK graph, with a Python program doing other, allocation-heavy work
at the same time. For each period, on a private jackd (dummy backend,
48 kHz, no realtime), with xrun-counter counting the server's xruns:

  jackd-alone    the workload alone, in a Python process of its own
  python-client  a Python JACK client (python3-jack-client) whose process
                 callback, in Python, reads a ringbridge ring into its
                 port (pyjack-peer.py client), the workload in threads of
                 the same process; the ring is fed by gst-launch-1.0
                 audiotestsrc is-live=true ! ringsink
  python-writer  Python writing a tone into a ringbridge ring as it
                 empties (pyjack-peer.py writer), the workload in threads
                 of the same process; ringbridge-jack play plays the ring

Figures over --seconds: the server's xruns; the callback's time: for the
Python client, measured in Python around the callback's body (thread CPU
and wall time) and how late in the cycle it started (the wait for the
GIL shows there); for play, by callback-timer; the cycles the consumer
found its ring short (the Python client) or ran dry (play), and the
workload's rounds per second, which show it ran alike everywhere. The
target: no more xruns than jackd alone. Targets are reported, not
asserted; the process exits 1 when something did not work (a client that
does not start or dies, a callback never timed or that never read a frame).
"""

import importlib.util
import json
import os
import signal
import sys
import time

from benchjack import (RATE, Failure, Procs, Server, XrunCounter,
                       client_env, final_stats, find_row, note, percentile,
                       read_timer, say, wait_until)
from benchmain import (number_arg, parse_run_options, run_main, run_parser,
                       timing_fields)
from pwserver import settle

PROGRAM = "ringbridge-bench-pyjack"
PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "pyjack-peer.py")
CONFIGS = ("jackd-alone", "python-client", "python-writer")
NEVER_READ = "the Python client's callback never read a frame"


# --- options -----------------------------------------------------------------

def parse_options(argv):
    p = run_parser(
        PROGRAM, __doc__, callback_timer=True,
        seconds=(1, 3.0, 60.0, "seconds per configuration"),
        periods=(32, [64, 256], [64, 256], "JACK periods"),
        quick="every configuration briefly",
        inject_error="self-test: only the Python client, at the first "
        "period, with a callback that never reads; that must be reported "
        "(exit 1)")
    p.add_argument("--workers", type=number_arg("--workers", 0, 8),
                   default=1, metavar="N", help="workload threads in each "
                   "Python process, 0 to 8 (default 1)")
    o = parse_run_options(p, argv)
    if o.workers != int(o.workers):
        p.error("invalid --workers '%g': must be a whole number" % o.workers)
    o.workers = int(o.workers)
    return o


# --- one configuration -------------------------------------------------------

def peer(procs, srv, args, label, env=None):
    proc = procs.spawn(["/usr/bin/python3", PEER] + args +
                       ["--workers", str(ARGS.workers)], label,
                       env or client_env(srv.name))
    wait_until(lambda: "ready" in Procs.output(proc)[0],
               "%s to start" % label, watch=[proc])
    return proc


def peer_result(procs, proc):
    """Stops a pyjack-peer and returns its JSON line."""
    status = procs.stop(proc, signal.SIGTERM)
    out, err = Procs.output(proc)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if status != 0 or not lines:
        raise Failure("%s exited with status %s: %s" % (
            proc.label, status, (err or out).strip()[-800:]))
    return json.loads(lines[-1])


def start_python_client(procs, srv, period, ring, samples):
    feed = procs.spawn(["gst-launch-1.0", "-q", "audiotestsrc",
                        "is-live=true", "samplesperbuffer=%d" % period, "!",
                        "audio/x-raw,format=F32LE,rate=%d,channels=1,"
                        "layout=interleaved" % RATE, "!", "ringsink",
                        "ring-name=" + ring], "gst-feed", client_env(srv.name))
    client = peer(procs, srv, ["client", ring, "--out", samples] +
                  (["--skip-read"] if ARGS.inject_error else []),
                  "python-client")
    srv.wait_port("rbbench-pyclient:out_1", watch=[client, feed])
    return [feed, client]


def start_python_writer(procs, srv, period, ring, timer_file):
    frames = 4 * period
    writer = peer(procs, srv, ["writer", ring, "--frames", str(frames),
                               "--period", str(period)], "python-writer")
    play = procs.spawn([ARGS.ringbridge_jack, "play", ring, "--wait",
                        "--timeout", "30", "--channels", "1", "--name",
                        "rbbench-play", "--frames", str(frames)], "play",
                       client_env(srv.name, timer_file, ARGS.callback_timer))
    srv.wait_port("rbbench-play:out_1", watch=[play, writer])
    return [writer, play]


def python_client_figures(samples, t0, t1, entry):
    import numpy as np
    s = np.load(samples)
    s = s[(s[:, 0] >= t0) & (s[:, 0] <= t1)]
    if len(s) == 0:
        raise Failure("the Python client's callback was never timed")
    if s[:, 4].sum() == len(s) * ARGS.period_now:
        raise Failure(NEVER_READ)
    late = sorted(s[:, 3] * 1e6 / RATE)
    entry.update(timing_fields(sorted(s[:, 2] / 1000.0),
                               sorted(s[:, 1] / 1000.0)))
    entry.update({
        "callback_late_median_us": round(percentile(late, 0.5), 2),
        "callback_late_p99_us": round(percentile(late, 0.99), 2),
        "short_cycles": int((s[:, 4] > 0).sum())})


def play_figures(timer_file, play_out, t0, t1, entry):
    cpu, wall, _ = read_timer(timer_file, t0, t1)
    if not cpu:
        raise Failure("no process callback of ringbridge-jack play was "
                      "timed (is %s preloaded?)" % ARGS.callback_timer)
    stats = final_stats(play_out)
    if not stats or int(stats.get("frames", "0")) == 0:
        raise Failure("ringbridge-jack play moved no frames (statistics: "
                      "%s)" % stats)
    entry.update(timing_fields(cpu, wall))
    entry.update({
        "short_cycles": int(stats.get("ran_dry", "0")),
        "client_xruns": int(stats.get("xruns", "0"))})


def run_config(procs, period, config, res):
    tag = "%s-%d" % (config, period)
    ring = "rbbpy%d-%d" % (os.getpid(), period)
    samples = os.path.join(procs.dir, "samples-%s.npy" % tag)
    timer_file = os.path.join(procs.dir, "timer-%s.txt" % tag)
    ARGS.period_now = period
    with Server(procs, period) as srv:
        counter = XrunCounter(procs, srv, ARGS.xrun_counter)
        if config == "jackd-alone":
            clients = [peer(procs, srv, ["workload"], "python-workload")]
        elif config == "python-client":
            clients = start_python_client(procs, srv, period, ring, samples)
        else:
            clients = start_python_writer(procs, srv, period, ring,
                                          timer_file)
        settle(0.5 if ARGS.quick else 2.0, clients + [counter.proc])
        x0 = counter.count()
        t0 = time.monotonic_ns()
        settle(ARGS.seconds, clients + [counter.proc])
        t1 = time.monotonic_ns()
        x1 = counter.count()
        entry = {"period": period, "config": config,
                 "seconds": round((t1 - t0) / 1e9, 3), "xruns": x1 - x0}
        py = clients[0] if config != "python-client" else clients[1]
        entry.update({k: v for k, v in peer_result(procs, py).items()
                      if k != "mode"})
        for proc in reversed(clients):
            if proc is not py:
                procs.stop(proc, signal.SIGINT if proc.label.startswith(
                    "gst") else signal.SIGTERM)
        if config == "python-client":
            python_client_figures(samples, t0, t1, entry)
        elif config == "python-writer":
            play_figures(timer_file, Procs.output(clients[1])[0], t0, t1,
                         entry)
    res["runs"].append(entry)
    line = "%-14s %4d frames: %4d xruns in %.1f s, workload %.0f rounds/s" % (
        config, period, entry["xruns"], entry["seconds"],
        entry["workload_per_s"])
    if "callbacks" in entry:
        line += "; callback CPU median %.1f / p99 %.1f µs, wall p99 %.1f " \
            "µs, %d short cycles of %d" % (
                entry["callback_cpu_median_us"], entry["callback_cpu_p99_us"],
                entry["callback_wall_p99_us"], entry["short_cycles"],
                entry["callbacks"])
    if "callback_late_p99_us" in entry:
        line += ", started p99 %.0f µs into the cycle" % (
            entry["callback_late_p99_us"])
    note(line)


# --- results -----------------------------------------------------------------

def targets(res):
    out = []
    for p in ARGS.periods:
        alone = find_row(res["runs"], period=p, config="jackd-alone")
        for config in CONFIGS[1:]:
            r = find_row(res["runs"], period=p, config=config)
            if alone and r:
                out.append({"name": "%s: no more xruns than jackd alone at "
                            "%d frames" % (config, p), "value": r["xruns"],
                            "target": alone["xruns"],
                            "met": r["xruns"] <= alone["xruns"],
                            "unit": "xruns"})
    return out


def cell(r, key, f="%.1f"):
    return f % r[key] if r and r.get(key) is not None else "-"


def print_tables(res):
    say("\nover %g s a configuration, %d workload thread(s) in each Python "
        "process (jackd dummy, %d Hz, no realtime):" % (
            ARGS.seconds, ARGS.workers, RATE))
    say("  %6s  %-14s  %6s  %8s  %8s  %8s  %8s  %6s  %9s" % (
        "period", "config", "xruns", "cpu p50", "cpu p99", "wall p99",
        "late p99", "short", "work/s"))
    for p in ARGS.periods:
        for c in CONFIGS:
            r = find_row(res["runs"], period=p, config=c)
            if r is None:
                continue
            say("  %6d  %-14s  %6d  %8s  %8s  %8s  %8s  %6s  %9.0f" % (
                p, c, r["xruns"], cell(r, "callback_cpu_median_us"),
                cell(r, "callback_cpu_p99_us"),
                cell(r, "callback_wall_p99_us"),
                cell(r, "callback_late_p99_us", "%.0f"),
                cell(r, "short_cycles", "%d"), r["workload_per_s"]))
    say("  (µs; python-client: the Python callback's body, timed in "
        "Python; python-writer: play's callback)")
    say("\ntargets:")
    for t in res["targets"]:
        say("  %-4s %s: %s (target <= %s)" % (
            "PASS" if t["met"] else "MISS", t["name"], t["value"],
            t["target"]))


def run(procs, res):
    missing = [m for m in ("jack", "numpy")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise Failure("no Python module %s (Debian: python3-jack-client, "
                      "python3-numpy)" % " or ".join(missing))
    if ARGS.inject_error:
        run_config(procs, ARGS.periods[0], "python-client", res)
        return
    for period in ARGS.periods:
        say("\nperiod %d frames (%.2f ms):" % (period, period * 1000.0 / RATE))
        for config in CONFIGS:
            run_config(procs, period, config, res)


def finish(res, status):
    res["targets"] = targets(res)
    print_tables(res)
    if not ARGS.inject_error:
        return status
    if any(NEVER_READ in p for p in res["problems"]):
        say("inject-error: the callback that never read was reported")
        return 1
    say("inject-error: %s: the check is broken or the run failed for "
        "another reason" % ("; ".join(res["problems"]) or "nothing reported"))
    return 0


def main(argv):
    global ARGS
    ARGS = parse_options(argv)
    options = {"seconds": ARGS.seconds, "periods": ARGS.periods,
               "rate": RATE, "quick": ARGS.quick, "workers": ARGS.workers,
               "inject_error": ARGS.inject_error}
    return run_main(PROGRAM, ARGS, options, ["runs"], run, finish, "rbbpy")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
