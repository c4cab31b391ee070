# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""What the drivers in bench/jack (and bench/python's --json check) share
on top of benchjack.py: option types with their ranges, the options every
such benchmark takes, and the run from its header line to its JSON."""

import argparse
import os
import signal
import sys

from benchjack import (Parser, Procs, emit_result, executable_arg,
                       file_arg, machine, percentile, run_guarded, say)


def number_arg(option, lo, hi):
    """An argparse type: a number from @lo to @hi, for @option."""
    def parse(text):
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                "invalid %s '%s': must be a number" % (option, text))
        if not (lo <= v <= hi):
            raise argparse.ArgumentTypeError(
                "invalid %s '%s': must be from %g to %g" % (option, text,
                                                            lo, hi))
        return v
    return parse


def periods_arg(lo, hi):
    """An argparse type: comma-separated powers of two from @lo to @hi,
    each once (--periods)."""
    def parse(text):
        out = []
        for part in text.split(","):
            try:
                p = int(part)
            except ValueError:
                raise argparse.ArgumentTypeError(
                    "invalid --periods '%s': '%s' is not a whole number"
                    % (text, part))
            if p < lo or p > hi or p & (p - 1):
                raise argparse.ArgumentTypeError(
                    "invalid --periods '%s': %d is not a power of two from "
                    "%d to %d" % (text, p, lo, hi))
            if p in out:
                raise argparse.ArgumentTypeError(
                    "invalid --periods '%s': %d is given twice" % (text, p))
            out.append(p)
        return out
    return parse


def add_common_options(p, callback_timer=False):
    """The options of every such benchmark; @callback_timer: with
    --callback-timer, for one that times the process callbacks."""
    p.add_argument("--ringbridge-jack", type=executable_arg, required=True,
                   metavar="PATH", help="the ringbridge-jack program")
    p.add_argument("--xrun-counter", type=executable_arg, required=True,
                   metavar="PATH", help="bench/jack's xrun-counter")
    p.add_argument("--version-string", default="unknown", metavar="VERSION",
                   help="the version for the JSON result")
    p.add_argument("--json", metavar="FILE", help="also write the result "
                   "as JSON to FILE")
    p.add_argument("--keep-logs", action="store_true",
                   help="keep the processes' logs (their directory is "
                   "printed)")
    if callback_timer:
        p.add_argument("--callback-timer", type=file_arg, required=True,
                       metavar="PATH",
                       help="bench/jack's callback-timer shim")


def _default_text(v):
    return ",".join(map(str, v)) if isinstance(v, list) else "%g" % v


def run_parser(program, doc, seconds, periods, quick, inject_error,
               callback_timer=False):
    """A Parser for @program (its description: @doc's first paragraph) with
    the common options (add_common_options(), @callback_timer) and
    --seconds, --periods, --quick and --inject-error. @seconds and
    @periods are (lowest value, default with --quick, default, what):
    at most 3600 seconds, periods powers of two up to 4096; their help is
    @what and the defaults. @quick and @inject_error are those options'
    help. parse_run_options() fills in the defaults."""
    p = Parser(prog=program, description=doc.split("\n\n")[0])
    add_common_options(p, callback_timer)
    p.run_defaults = {"seconds": seconds[1:3], "periods": periods[1:3]}
    for name, metavar, arg_type, (_, on_quick, default, what) in (
            ("seconds", "S", number_arg("--seconds", seconds[0], 3600),
             seconds),
            ("periods", "P,P...", periods_arg(periods[0], 4096), periods)):
        text = "%s (default %s" % (what, _default_text(default))
        if on_quick != default:
            text += "; %s with --quick" % _default_text(on_quick)
        p.add_argument("--" + name, type=arg_type, metavar=metavar,
                       help=text + ")")
    p.add_argument("--quick", action="store_true", help=quick)
    p.add_argument("--inject-error", action="store_true", help=inject_error)
    return p


def check_json_option(p, o):
    if o.json is not None:
        d = os.path.dirname(os.path.abspath(o.json))
        if not os.path.isdir(d):
            p.error("invalid --json '%s': no directory '%s'" % (o.json, d))


def parse_run_options(p, argv):
    """Parse @argv with @p, made by run_parser(): --seconds and --periods
    not given take their default (with --quick, the quick one); --json is
    checked."""
    o = p.parse_args(argv)
    for name, (on_quick, default) in p.run_defaults.items():
        if getattr(o, name) is None:
            setattr(o, name, on_quick if o.quick else default)
    check_json_option(p, o)
    return o


def timing_fields(cpu_us, wall_us):
    """Median and p99 of sorted callback CPU and wall times, µs."""
    return {"callbacks": len(cpu_us),
            "callback_cpu_median_us": round(percentile(cpu_us, 0.5), 2),
            "callback_cpu_p99_us": round(percentile(cpu_us, 0.99), 2),
            "callback_wall_median_us": round(percentile(wall_us, 0.5), 2),
            "callback_wall_p99_us": round(percentile(wall_us, 0.99), 2)}


def run_main(program, args, options, lists, run, finish, ring_prefix):
    """The run: a header line, run(procs, res) guarded (every process
    stopped, rings ringbridge-RING_PREFIX<pid>-* removed, SIGTERM too),
    then finish(res, status) (targets, tables; returns the status) and the
    JSON. res holds an empty list under each name in @lists."""
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))
    res = {"program": program, "version": args.version_string,
           "machine": machine(), "options": options, "targets": [],
           "problems": []}
    res.update({k: [] for k in lists})
    m = res["machine"]
    say("%s %s: %s, %s, %d CPUs, %s, load %s" % (
        program, args.version_string, m["arch"], m["cpu_model"],
        m["nproc"], m["date"], m["loadavg_start"]))
    procs = Procs(args.keep_logs)
    status = run_guarded(program, procs, run, res, ring_prefix)
    if status == 130:
        return status
    status = finish(res, status)
    emit_result(res, args.json)
    return status
