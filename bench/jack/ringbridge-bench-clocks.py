#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-bench-clocks: bridging two clock domains, against the peers.

For each drift (default +200 and -200 ppm) a private jackd (dummy backend,
48 kHz, 64 frames) runs on CLOCK_MONOTONIC, and every peer is fed by the
same kind of drifting producer: drift-launch, a gst-launch-1.0 whose
pipeline clock runs (1 + ppm/10^6) times as fast, with audiotestsrc
is-live=true making a 1 kHz tone in 64-frame buffers. The peers:

  ringbridge           ... ! ringsink, then ringbridge-jack play
                       --resample=on (holds its fill by resampling)
  ringbridge-off       the same with --resample=off (today's behaviour:
                       skips frames or plays silence)
  jackaudiosink        ... ! jackaudiosink (its default slave-method=skew)
  jackaudiosink-resample  ... ! jackaudiosink slave-method=resample

Each peer's JACK output goes into ringbridge-jack record (no resampling:
it is in JACK's domain) and this program reads that ring as it fills and
measures the tone (clockanalysis.py): discontinuities (skipped or inserted
frames), silent frames, THD+N per 1 s block. play's statistics (--stats)
give its fill over time; the callback timer gives each client's process
callback CPU time; xrun-counter the server's xruns. The first --settle
seconds are lock-in, reported apart.

Drifts run at the same time, each on its own server; so do the peers.
Exit status: 1 when something did not work (a client that dies, a peer that
records no tone), 0 otherwise: targets are reported, not enforced."""

import argparse
import os
import re
import signal
import sys
import time

from benchjack import (RATE, SHM, Failure, Parser, Procs, Server, XrunCounter,
                       can_realtime, check_running, client_env, emit_result,
                       executable_arg, machine, note, percentile, read_timer,
                       run_and_report, say, wait_until)
from benchmain import add_common_options, check_json_option, number_arg
from clockanalysis import ToneMeter

PROGRAM = "ringbridge-bench-clocks"
PERIOD = 64
TONE = ("audiotestsrc is-live=true freq=1000 volume=0.5 samplesperbuffer=%d "
        "! audio/x-raw,format=F32LE,rate=%d,channels=1,layout=interleaved"
        % (PERIOD, RATE))
PEERS = ("ringbridge", "ringbridge-off", "jackaudiosink",
         "jackaudiosink-resample")


def ppm_list(text):
    try:
        out = [float(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            "invalid --ppm '%s': a comma-separated list of numbers" % text)
    if not out or any(not -20000 <= p <= 20000 for p in out):
        raise argparse.ArgumentTypeError(
            "invalid --ppm '%s': each from -20000 to 20000" % text)
    return out


def parse_options(argv):
    p = Parser(prog=PROGRAM, description=__doc__.split("\n\n")[0])
    add_common_options(p, callback_timer=True)
    p.add_argument("--drift-launch", type=executable_arg, required=True,
                   metavar="PATH", help="bench/jack's drift-launch")
    p.add_argument("--ppm", type=ppm_list, default=[200.0, -200.0],
                   help="drifts to run, at the same time (default 200,-200)")
    p.add_argument("--minutes", type=number_arg("--minutes", 0.2, 600),
                   default=10.0,
                   help="measuring time after the lock-in (default 10; "
                   "60 for the hour-long run)")
    p.add_argument("--settle", type=number_arg("--settle", 1, 600),
                   default=15.0, metavar="S",
                   help="lock-in seconds, reported apart (default 15)")
    p.add_argument("--latency", type=number_arg("--latency", 1, 2000),
                   default=20.0, metavar="MS",
                   help="play's --latency target (default 20 ms)")
    p.add_argument("--period", type=int, default=PERIOD,
                   choices=(32, 64, 128, 256, 512, 1024), metavar="FRAMES",
                   help="JACK's period (default %d; the producers write "
                   "%d-frame blocks whatever it is)" % (PERIOD, PERIOD))
    p.add_argument("--realtime", choices=("auto", "on", "off"),
                   default="auto",
                   help="jackd at SCHED_FIFO 70 and the producers at 60, "
                   "as a sound card's thread would run (default auto: "
                   "where permitted). Without it the dummy backend loses "
                   "the time of every late wake-up to an xrun, and JACK "
                   "runs percents slow: the drift measured is that, not "
                   "the producer's")
    p.add_argument("--peers", default=",".join(PEERS),
                   help="which peers (default all: %s)" % ",".join(PEERS))
    o = p.parse_args(argv)
    o.peers = [x for x in o.peers.split(",") if x]
    for x in o.peers:
        if x not in PEERS:
            p.error("invalid --peers: unknown peer '%s'" % x)
    check_json_option(p, o)
    if o.realtime == "on" and not can_realtime():
        p.error("--realtime=on: this process may not use SCHED_FIFO "
                "(run as root or with an rtprio limit)")
    o.realtime = o.realtime == "on" or (o.realtime == "auto" and
                                        can_realtime())
    return o


def producer_prefix():
    """The drifting producers stand in for a sound card's or a network
    sender's thread: realtime too (below JACK's 70) when jackd is."""
    return ["chrt", "-f", "60"] if ARGS.realtime else []


def has_resample(program):
    import subprocess
    r = subprocess.run([program, "--help"], capture_output=True, text=True,
                       timeout=30)
    return "--resample" in r.stdout


STATS_RX = re.compile(r": (stats|final): ")


def stats_lines(text):
    """play's statistics lines, each a dict (with "t" the line's index)."""
    out = []
    for line in text.splitlines():
        if STATS_RX.search(line):
            out.append(dict(kv.split("=", 1) for kv in line.split()
                            if "=" in kv))
    return out


class Peer:
    """One peer on one server: its producer, its JACK client (play or the
    jackaudiosink inside the producer) and the recorder behind it."""

    def __init__(self, procs, srv, ppm, name, seconds):
        self.procs, self.srv, self.ppm, self.name = procs, srv, ppm, name
        tag = "%s%+d" % (name, int(ppm))
        self.tag = tag
        self.ring = "rbbc%d-%s" % (os.getpid(), tag.replace("+", "p")
                                   .replace("-", "m"))
        self.rec_ring = self.ring + "-rec"
        self.timer_file = os.path.join(procs.dir, "timer-%s.txt" % tag)
        self.meter = ToneMeter(RATE, ARGS.settle)
        self.client = None
        self.recorder = None
        self.reader = None
        self.seconds = seconds
        self.stats = []
        self.gst_stats = ""

    def start(self):
        rec_name = "rec-" + self.tag
        self.recorder = self.procs.spawn(
            [ARGS.ringbridge_jack, "record", self.rec_ring, "--channels",
             "1", "--latency", "4000", "--name", rec_name] +
            (["--resample=off"] if ARGS.resample_option else []),
            "rec-" + self.tag, client_env(self.srv.name))
        self.srv.wait_port(re.escape(rec_name) + ":in_1",
                           watch=[self.recorder])
        import gi
        gi.require_version("RingBridge", "1.0")
        from gi.repository import RingBridge
        self.reader = wait_until(
            lambda: self._open(RingBridge), "ring " + self.rec_ring,
            watch=[self.recorder])
        feed_secs = "%.1f" % (self.seconds + 30)
        if self.name.startswith("ringbridge"):
            play_name = "play-" + self.tag
            args = [ARGS.ringbridge_jack, "play", self.ring, "--wait",
                    "--timeout", "30", "--channels", "1", "--name",
                    play_name, "--connect", rec_name + ":in_1",
                    "--latency", "%g" % ARGS.latency, "--stats", "0.5"]
            if ARGS.resample_option:
                args.append("--resample=%s" % (
                    "off" if self.name.endswith("-off") else "on"))
            self.client = self.procs.spawn(
                args, "play-" + self.tag,
                client_env(self.srv.name, self.timer_file,
                           ARGS.callback_timer))
            self.srv.wait_port(re.escape(play_name) + ":out_1",
                               watch=[self.client])
            self.feed = self.procs.spawn(
                producer_prefix() + [ARGS.drift_launch, "--ppm=%g" % self.ppm,
                 "--seconds=" + feed_secs] + TONE.split() +
                ["!", "ringsink", "ring-name=" + self.ring],
                "gst-feed-" + self.tag, client_env(self.srv.name))
        else:
            gst_name = "jas-" + self.tag
            extra = ["slave-method=resample"] if self.name.endswith(
                "-resample") else []
            self.feed = self.procs.spawn(
                producer_prefix() + [ARGS.drift_launch, "--ppm=%g" % self.ppm,
                 "--seconds=" + feed_secs] + TONE.split() +
                ["!", "jackaudiosink", "server=" + self.srv.name,
                 "connect=none", "client-name=" + gst_name] + extra,
                "gst-" + self.tag, client_env(self.srv.name, self.timer_file,
                                             ARGS.callback_timer))
            self.client = self.feed
            port = self.srv.wait_port(re.escape(gst_name) + ":out_.*_1",
                                      watch=[self.feed])
            self.srv.connect(port, rec_name + ":in_1")

    def _open(self, RingBridge):
        if not os.path.exists(SHM + "ringbridge-" + self.rec_ring):
            return None
        return RingBridge.Ring.open(self.rec_ring,
                                    RingBridge.RingRole.CONSUMER)

    def drain(self):
        while True:
            x = self.reader.read_float(RATE // 10)
            if len(x) == 0:
                return
            self.meter.feed(x[:, 0])

    def check_alive(self):
        check_running((self.feed, self.client, self.recorder),
                      " during the run")

    def finish(self, t0, t1):
        """Stops what this peer started and returns its results."""
        if self.client is not self.feed:
            self.procs.stop(self.client, signal.SIGTERM)
            self.stats = stats_lines(Procs.output(self.client)[0])
        self.procs.stop(self.feed, signal.SIGINT, timeout=40)
        out = Procs.output(self.feed)[0]
        m = re.search(r"drift-launch: stats \S+ (.*)", out)
        self.gst_stats = m.group(1) if m else ""
        self.procs.stop(self.recorder, signal.SIGTERM)
        self.reader.close()
        r = {"peer": self.name, "ppm": self.ppm}
        r.update(self.meter.summary())
        r.update(self.fill_figures(t0))
        cpu, _, _ = read_timer(self.timer_file, t0, t1)
        r["callback_cpu_median_us"] = round(percentile(cpu, 0.5), 3) \
            if cpu else None
        r["callback_cpu_p99_us"] = round(percentile(cpu, 0.99), 3) \
            if cpu else None
        r["callbacks_timed"] = len(cpu)
        if self.stats:
            last = self.stats[-1]
            r["play_final"] = last
        if self.gst_stats:
            r["gst_stats"] = self.gst_stats
        if r["frames"] < RATE * ARGS.settle:
            raise Failure("%s at %+g ppm: only %d frames recorded"
                          % (self.name, self.ppm, r["frames"]))
        return r

    def fill_figures(self, t0):
        """Fill deviation from play's target over the statistics lines
        after the lock-in (play only: jackaudiosink has no such figure),
        and the series for the figure: (seconds, fill - target, ratio in
        ppm) every line (--stats 0.5)."""
        none = {"fill_dev_p50": None, "fill_dev_p99": None,
                "fill_dev_max": None}
        if not self.stats:
            return none
        default_target = round(ARGS.latency * RATE / 1000.0)
        key = "fill_avg" if "fill_avg" in self.stats[-1] else "fill"
        series = []
        for i, st in enumerate(self.stats[:-1]):
            try:
                fill = float(st[key])
                target = float(st.get("target", default_target))
                ratio = float(st["ratio_ppm"]) if "ratio_ppm" in st \
                    else None
            except (KeyError, ValueError):
                continue
            series.append((round(0.5 * (i + 1), 1), round(fill - target, 1),
                           ratio))
        settled = sorted(abs(d) for t, d, _ in series if t >= ARGS.settle)
        if not settled:
            return none
        return {"fill_key": key,
                "fill_dev_p50": percentile(settled, 0.5),
                "fill_dev_p99": percentile(settled, 0.99),
                "fill_dev_max": settled[-1],
                "series": series}


def run(procs, res):
    seconds = ARGS.minutes * 60 + ARGS.settle
    servers, peers, counters = [], [], []
    try:
        for ppm in ARGS.ppm:
            srv = Server(procs, ARGS.period, ARGS.realtime).__enter__()
            servers.append(srv)
            counters.append(XrunCounter(procs, srv, ARGS.xrun_counter))
            for name in ARGS.peers:
                peer = Peer(procs, srv, ppm, name, seconds)
                peer.start()
                peers.append(peer)
        x0 = [c.count() for c in counters]
        t0 = time.monotonic_ns()
        end = time.monotonic() + seconds
        next_say = time.monotonic() + 60
        while time.monotonic() < end:
            for peer in peers:
                peer.check_alive()
                peer.drain()
            if time.monotonic() >= next_say:
                next_say += 60
                note("%.0f s of %.0f" % (seconds - (end - time.monotonic()),
                                         seconds))
            time.sleep(0.1)
        t1 = time.monotonic_ns()
        for peer in peers:
            peer.drain()
        for srv, c, x in zip(servers, counters, x0):
            res["xruns"].append({"server": srv.name, "xruns": c.count() - x})
        for peer in peers:
            res["peers"].append(peer.finish(t0, t1))
    finally:
        for srv in reversed(servers):
            srv.__exit__(None, None, None)


def targets(res):
    """The issue's targets, per drift: ringbridge against its peers."""
    out = []
    rows = {(r["peer"], r["ppm"]): r for r in res["peers"]}
    for ppm in ARGS.ppm:
        rb = rows.get(("ringbridge", ppm))
        if rb is None:
            continue
        out.append({"name": "no discontinuity or silence at %+g ppm" % ppm,
                    "met": rb["discontinuities"] == 0 and
                    rb["silent_frames"] == 0})
        if rb.get("fill_dev_max") is not None:
            out.append({"name": "fill within one period (%d frames) at %+g "
                        "ppm" % (ARGS.period, ppm),
                        "met": rb["fill_dev_max"] <= ARGS.period})
        if rb.get("thdn_db_worst") is not None:
            out.append({"name": "THD+N <= -90 dB at %+g ppm" % ppm,
                        "met": rb["thdn_db_worst"] <= -90})
        # callback CPU against the peers: at most twice play without
        # resampling, at most half jackaudiosink's
        for peer, factor, what in (("ringbridge-off", 2.0,
                                    "2x play --resample=off"),
                                   ("jackaudiosink", 0.5,
                                    "half jackaudiosink's")):
            other = rows.get((peer, ppm))
            if rb["callback_cpu_median_us"] and other and \
                    other["callback_cpu_median_us"]:
                out.append({"name": "callback CPU <= %s at %+g ppm"
                            % (what, ppm),
                            "met": rb["callback_cpu_median_us"] <=
                            factor * other["callback_cpu_median_us"]})
    return out


def print_tables(res):
    say("\n%-24s %6s %8s %8s %8s %8s %8s %8s %8s %9s" % (
        "peer", "ppm", "discont", "silent", "THD+N", "worst", "fill p50",
        "fill p99", "fill max", "cpu µs"))
    for r in res["peers"]:
        def f(v, fmt="%8s"):
            return fmt % ("-" if v is None else v)
        say("%-24s %+6g %8d %8d %8s %8s %8s %8s %8s %9s" % (
            r["peer"], r["ppm"], r["discontinuities"], r["silent_frames"],
            f(r["thdn_db_median"]), f(r["thdn_db_worst"]),
            f(r["fill_dev_p50"]), f(r["fill_dev_p99"]),
            f(r["fill_dev_max"]), f(r["callback_cpu_median_us"], "%9s")))
    for x in res["xruns"]:
        say("server %s: %d xruns" % (x["server"], x["xruns"]))
    for t in res["targets"]:
        say("  %-6s %s" % ("met" if t["met"] else "MISSED", t["name"]))


def main(argv):
    global ARGS
    ARGS = parse_options(argv)
    ARGS.resample_option = has_resample(ARGS.ringbridge_jack)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    res = {"program": PROGRAM, "version": ARGS.version_string,
           "machine": machine(),
           "options": {"ppm": ARGS.ppm, "minutes": ARGS.minutes,
                       "settle": ARGS.settle, "latency_ms": ARGS.latency,
                       "realtime": ARGS.realtime,
                       "period": ARGS.period, "rate": RATE,
                       "peers": ARGS.peers},
           "peers": [], "xruns": [], "targets": [], "problems": []}
    if not ARGS.resample_option:
        res["problems"].append("this ringbridge-jack has no --resample: "
                               "both ringbridge peers run as it is")
    say("%s: %s ppm, %g min after %g s of lock-in, peers %s" % (
        PROGRAM, ",".join("%+g" % p for p in ARGS.ppm), ARGS.minutes,
        ARGS.settle, ",".join(ARGS.peers)))
    status = run_and_report(PROGRAM, ARGS.keep_logs, run, res, "rbbc",
                            targets, print_tables)
    if status == 130:
        return status
    emit_result(res, ARGS.json)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
