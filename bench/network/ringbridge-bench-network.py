#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# ringbridge-bench-network BUILD_DIR [--seconds N] [--json FILE]: RTP, SRT
# and netjack2 side by side (issue #17), each run by its recipe of
# examples/network/ between the same two network namespaces, one after the
# other in one run, without and with jitter (GStreamer's netsim before the
# sender's sink: 2 ms +- 2 ms). For each: the latency from host A's ring
# to host B's ring, p50 and p99 (the recipes' --check exact, whose
# counter is its own stamp), and the glitches: lost packets or cycles
# (gaps in host B's ring), and host B's play running dry or skipping.
# Ratios are against RTP without jitter, in the same run.
# Needs root (the namespaces): exits 77 without.

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECIPES = os.path.join(HERE, "..", "..", "examples", "network")

# (name, recipe, extra arguments); netjack2 takes no --jitter (no netsim
# in its chain: netem, the kernel's, is what it would need)
CASES = [
    ("rtp", "rtp.sh", ["--check", "exact"]),
    ("rtp-jitter", "rtp.sh", ["--check", "exact", "--jitter", "2"]),
    ("srt", "srt.sh", ["--check", "exact", "--latency", "120"]),
    ("srt-jitter", "srt.sh", ["--check", "exact", "--latency", "120",
                              "--jitter", "2"]),
    ("netjack2", "netjack2.sh", ["--check", "exact"]),
]


def parse_run(out):
    """the figures a recipe printed (stdout and stderr together)"""
    fig = {}
    m = re.search(r"latency: .*p50_ms=([0-9.]+) p99_ms=([0-9.]+) "
                  r"max_ms=([0-9.]+) packets=(\d+)", out)
    if m:
        fig.update(latency_p50_ms=float(m.group(1)),
                   latency_p99_ms=float(m.group(2)),
                   latency_max_ms=float(m.group(3)),
                   latency_stamps=int(m.group(4)))
    m = re.search(r"(\d+) gaps \((\d+) lost (?:packets|\d+-frame cycles)",
                  out)
    if m:
        fig.update(gaps=int(m.group(1)), lost_packets=int(m.group(2)))
    stats = [l for l in out.splitlines() if "stats: play ring=" in l]
    if stats:
        for key in ("ran_dry", "skipped_frames", "silent_frames", "xruns"):
            m = re.search(r"\b%s=(\d+)" % key, stats[-1])
            if m:
                fig["play_b_" + key] = int(m.group(1))
        m = re.search(r"\blatency=(\d+)-(\d+)", stats[-1])
        if m:
            fig["play_b_ring_frames"] = [int(m.group(1)), int(m.group(2))]
    return fig


def run_case(build, name, recipe, extra, seconds):
    cmd = [os.path.join(RECIPES, recipe), "--seconds", str(seconds)] + \
        extra + [build]
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          timeout=seconds + 150)
    if proc.returncode == 77:
        print(proc.stdout, end="", file=sys.stderr)
        sys.exit(77)
    fig = parse_run(proc.stdout)
    lines = proc.stdout.strip().splitlines()
    fig.update(case=name, recipe=recipe, arguments=extra,
               check="ok" if proc.returncode == 0 else
               "failed (%d): %s" % (proc.returncode,
                                   lines[-1] if lines else ""),
               wall_s=round(time.monotonic() - start, 1))
    return fig


def table(cases):
    base = next((c for c in cases if c["case"] == "rtp"), {})
    ref = base.get("latency_p50_ms")
    print("%-11s %9s %9s %7s %6s %8s %8s  %s" %
          ("case", "p50 ms", "p99 ms", "x rtp", "lost", "ran dry",
           "skipped", "check"))
    for c in cases:
        p50 = c.get("latency_p50_ms")
        ratio = "%.2f" % (p50 / ref) if p50 and ref else "-"
        print("%-11s %9s %9s %7s %6s %8s %8s  %s" %
              (c["case"], "%.2f" % p50 if p50 else "-",
               "%.2f" % c["latency_p99_ms"] if "latency_p99_ms" in c else "-",
               ratio, c.get("lost_packets", "-"),
               c.get("play_b_ran_dry", "-"),
               c.get("play_b_skipped_frames", "-"), c["check"]))


def main():
    ap = argparse.ArgumentParser(
        description="RTP, SRT and netjack2 between network namespaces")
    ap.add_argument("build")
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--json")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("ringbridge-bench-network: the namespaces need root: skipped",
              file=sys.stderr)
        sys.exit(77)
    missing = [p for p in ("jackd", "ip", "gst-launch-1.0", "jack_rec",
                           "jack_lsp") if shutil.which(p) is None]
    if missing:
        print("ringbridge-bench-network: not found: %s (Debian: jackd2, "
              "iproute2, gstreamer1.0-tools): skipped" % ", ".join(missing),
              file=sys.stderr)
        sys.exit(77)
    if args.seconds < 5:
        sys.exit("ringbridge-bench-network: --seconds takes 5 or more")
    build = os.path.abspath(args.build)
    cases = [run_case(build, *c, args.seconds) for c in CASES]
    table(cases)
    result = {"benchmark": "network", "seconds": args.seconds,
              "machine": {"host": platform.node(),
                          "cpus": os.cpu_count(),
                          "kernel": platform.release(),
                          "load_avg": os.getloadavg()},
              "cases": cases}
    if args.json:
        with tempfile.NamedTemporaryFile("w", delete=False,
                                         dir=os.path.dirname(
                                             os.path.abspath(args.json))) as f:
            json.dump(result, f, indent=2)
        os.replace(f.name, args.json)
    # a case that carried nothing measurable is a broken benchmark
    broken = [c["case"] for c in cases
              if "play_b_ran_dry" not in c or "latency_p50_ms" not in c]
    if broken:
        sys.exit("ringbridge-bench-network: no figures from %s" %
                 ", ".join(broken))


if __name__ == "__main__":
    main()
