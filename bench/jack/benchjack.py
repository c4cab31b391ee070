# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""What the JACK benchmarks share (ringbridge-bench-jack.py,
ringbridge-bench-clocks.py): the processes they start and stop by pid, a
private jackd on the dummy backend, waiting with a deadline, the callback
timer's samples, ringbridge-jack's final statistics and the xrun counter."""

import argparse
import ctypes
import datetime
import fcntl
import glob
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

RATE = 48000
SHM = "/dev/shm/"
# Shared with tests/jack/test-jack.py: jackd 1.9 loses registrations in its
# machine-wide table when servers come and go at the same moment.
REGISTRY_LOCK = os.path.join(tempfile.gettempdir(),
                             "ringbridge-test-jackd.lock")
# Only a hang gets there.
DEADLINE = 30.0
PR_SET_PDEATHSIG = 1


class Failure(Exception):
    """Something that should have worked did not: the run exits 1."""


def say(msg):
    print(msg, flush=True)


def note(msg):
    print("  " + msg, flush=True)


# --- processes ---------------------------------------------------------------

def die_with_parent():
    # A driver killed outright (SIGKILL) still takes its children along.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except OSError:
        pass


class Procs:
    """Every process we start, with its output in files under @dir; each
    is stopped by its pid, never by name."""

    def __init__(self, keep):
        self.dir = tempfile.mkdtemp(prefix="rb-bench-jack-")
        self.keep = keep
        self.live = []
        self.n = 0

    def spawn(self, args, name, env):
        self.n += 1
        base = os.path.join(self.dir, "%02d-%s" % (self.n, name))
        out = open(base + ".out", "w+")
        err = open(base + ".err", "w+")
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env,
                                stdin=subprocess.DEVNULL,
                                preexec_fn=die_with_parent)
        proc.label, proc.out, proc.err = name, out, err
        self.live.append(proc)
        return proc

    @staticmethod
    def output(proc):
        proc.out.flush()
        proc.err.flush()
        with open(proc.out.name) as o, open(proc.err.name) as e:
            return o.read(), e.read()

    def stop(self, proc, sig=signal.SIGTERM, timeout=DEADLINE):
        """Stops @proc with @sig (SIGKILL if it will not); its status."""
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                note("%s (pid %d) did not end %g s after %s: killing it"
                     % (proc.label, proc.pid, timeout,
                        signal.Signals(sig).name))
                proc.kill()
                proc.wait()
        if proc in self.live:
            self.live.remove(proc)
        return proc.returncode

    def stop_all(self, but=None, timeout=10):
        """Stops every live process but @but, the newest first:
        gst-launch-1.0 on SIGINT (to end its pipeline), the rest on
        SIGTERM."""
        for proc in reversed(list(self.live)):
            if proc is not but:
                self.stop(proc, signal.SIGINT if proc.label.startswith(
                    "gst") else signal.SIGTERM, timeout=timeout)

    def cleanup(self):
        self.stop_all()
        if self.keep:
            say("logs kept in %s" % self.dir)
            return
        for f in glob.glob(os.path.join(self.dir, "*")):
            os.unlink(f)
        os.rmdir(self.dir)


def base_env():
    """For jackd and JACK's tools: not our libraries, so no sanitizer
    runtime a build may preload (with ASan's, the JACK tools hang)."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    env["JACK_NO_START_SERVER"] = "1"
    return env


def client_env(server, timer_file=None, timer=None):
    """For our clients and gst-launch-1.0: the build's environment (a
    sanitizer runtime, GStreamer's paths), the server, and the timer."""
    env = dict(os.environ)
    env["JACK_DEFAULT_SERVER"] = server
    env["JACK_NO_START_SERVER"] = "1"
    if timer_file is not None:
        pre = env.get("LD_PRELOAD")
        env["LD_PRELOAD"] = timer if not pre else pre + ":" + timer
        env["RB_BENCH_CALLBACK_FILE"] = timer_file
    return env


def check_running(watch, during):
    """A Failure naming the first process of @watch that has ended (its
    status and the end of its output), @during saying when."""
    for proc in watch:
        if proc.poll() is not None:
            out, err = Procs.output(proc)
            raise Failure("%s ended (status %d)%s: %s"
                          % (proc.label, proc.returncode, during,
                             (err.strip() or out.strip())[-800:]))


def wait_until(pred, what, timeout=DEADLINE, watch=()):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        check_running(watch, " while waiting for " + what)
        if time.monotonic() > deadline:
            raise Failure("timed out (%g s) waiting for %s" % (timeout, what))
        time.sleep(0.05)


# --- the server --------------------------------------------------------------

def can_realtime():
    """Whether this process may use SCHED_FIFO (root, or an rtprio
    limit)."""
    try:
        return subprocess.run(["chrt", "-f", "1", "true"],
                              capture_output=True).returncode == 0
    except OSError:
        return False


class Server:
    """A private jackd: dummy backend, 48 kHz, @period frames,
    asynchronous (jackd's default); without realtime scheduling unless
    @realtime (SCHED_FIFO 70, its clients' process threads just below, as
    JACK is meant to run; the caller checks can_realtime())."""

    serial = 0

    def __init__(self, procs, period, realtime=False):
        Server.serial += 1
        self.procs = procs
        self.period = period
        self.realtime = realtime
        self.name = "rbbench%d-%d" % (os.getpid(), Server.serial)
        self.proc = None

    def argv(self):
        rt = ["--realtime", "--realtime-priority", "70"] if self.realtime \
            else ["--no-realtime"]
        return ["jackd"] + rt + ["-n", self.name, "-d", "dummy", "-r",
                                 str(RATE), "-p", str(self.period)]

    def __enter__(self):
        env = base_env()
        env["JACK_NO_AUDIO_RESERVATION"] = "1"
        deadline = time.monotonic() + 2 * DEADLINE
        while True:
            with open(REGISTRY_LOCK, "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                self.proc = self.procs.spawn(self.argv(),
                                             "jackd-" + self.name, env)
                r = subprocess.run(["jack_wait", "-s", self.name, "-w", "-t",
                                    "20"], env=base_env(),
                                   capture_output=True, text=True,
                                   timeout=60)
            if r.returncode == 0 and self.proc.poll() is None:
                return self
            err = Procs.output(self.proc)[1]
            self._end()
            if "Too many servers" in err and time.monotonic() < deadline:
                note("too many JACK servers on this machine; waiting for "
                     "one to end")
                time.sleep(1)
                continue
            raise Failure("jackd %s did not start: %s" % (self.name,
                                                          err.strip()))

    def _end(self):
        if self.proc is not None:
            with open(REGISTRY_LOCK, "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                self.procs.stop(self.proc, signal.SIGTERM)
                # jackd 1.9 keeps its slot in the machine-wide table (8
                # slots) when SIGTERM finds a client it could not remove
                # (a hung gst-launch-1.0 we killed): a server of the same
                # name takes the slot back, and frees it when it ends.
                if self.registered():
                    env = base_env()
                    env["JACK_NO_AUDIO_RESERVATION"] = "1"
                    again = self.procs.spawn(
                        self.argv(), "jackd-again-" + self.name, env)
                    subprocess.run(["jack_wait", "-s", self.name, "-w",
                                    "-t", "20"], env=base_env(),
                                   capture_output=True, timeout=60)
                    self.procs.stop(again, signal.SIGTERM)
            self.proc = None
        for p in glob.glob(SHM + "jack*_%s_*" % self.name):
            try:
                os.unlink(p)
            except OSError:
                pass

    def registered(self):
        try:
            with open(SHM + "jack-shm-registry", "rb") as f:
                return (":%s:" % self.name).encode() in f.read()
        except OSError:
            return False

    def __exit__(self, *exc):
        # the clients first, then the server
        self.procs.stop_all(but=self.proc, timeout=5)
        self._end()

    def ports(self):
        r = subprocess.run(["jack_lsp", "-s", self.name], env=base_env(),
                           capture_output=True, text=True, timeout=DEADLINE)
        return r.stdout.splitlines() if r.returncode == 0 else []

    def wait_port(self, pattern, watch=()):
        rx = re.compile(pattern)
        return wait_until(lambda: next((p for p in self.ports()
                                        if rx.fullmatch(p)), None),
                          "JACK port %s on %s" % (pattern, self.name),
                          watch=watch)

    def connect(self, src, dst):
        r = subprocess.run(["jack_connect", "-s", self.name, src, dst],
                           env=base_env(), capture_output=True, text=True,
                           timeout=DEADLINE)
        if r.returncode != 0:
            raise Failure("jack_connect %s %s: %s" % (src, dst,
                                                      r.stderr.strip()))


# --- statistics --------------------------------------------------------------

def find_row(rows, **kw):
    """The first of the result rows @rows (dicts) whose fields are @kw, or
    None."""
    return next((r for r in rows if all(r.get(k) == v
                                        for k, v in kw.items())), None)


def percentile(sorted_values, q):
    """Nearest-rank percentile of a sorted list."""
    if not sorted_values:
        return math.nan
    k = max(0, min(len(sorted_values) - 1,
                   int(math.ceil(q * len(sorted_values))) - 1))
    return sorted_values[k]


def read_timer(path, t0, t1):
    """The callback samples that started within [t0, t1]: (cpu µs list,
    wall µs list, header)."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return [], [], {}
    head = {}
    if lines and lines[0].startswith("# callback-timer"):
        w = lines[0].split()[2:]
        head = {w[i]: int(w[i + 1]) for i in range(0, len(w) - 1, 2)}
        lines = lines[1:]
    oc = head.get("overhead_cpu_ns", 0)
    ow = head.get("overhead_wall_ns", 0)
    cpu, wall = [], []
    for line in lines:
        start, w_ns, c_ns, _ = (int(x) for x in line.split())
        if t0 <= start <= t1:
            cpu.append(max(c_ns - oc, 0) / 1000.0)
            wall.append(max(w_ns - ow, 0) / 1000.0)
    return sorted(cpu), sorted(wall), head


def final_stats(text):
    """ringbridge-jack's final statistics line as a dict."""
    for line in reversed(text.splitlines()):
        if ": final: " in line:
            return dict(kv.split("=", 1) for kv in line.split()
                        if "=" in kv)
    return {}


class XrunCounter:
    def __init__(self, procs, server, program):
        self.procs = procs
        self.proc = procs.spawn([program, "--server", server.name,
                                 "--name", "rbbench-xruns"], "xrun-counter",
                                base_env())
        self.n_lines = 0
        self.expect("ready")

    def expect(self, prefix):
        def line():
            lines = Procs.output(self.proc)[0].splitlines()
            if len(lines) > self.n_lines and \
                    lines[self.n_lines].startswith(prefix):
                self.n_lines += 1
                return lines[self.n_lines - 1]
            return None
        return wait_until(line, "xrun-counter's '%s'" % prefix,
                          watch=[self.proc])

    def count(self):
        self.proc.send_signal(signal.SIGUSR1)
        return int(self.expect("xruns ").split()[1])


def executable_arg(text):
    if not (os.path.isfile(text) and os.access(text, os.X_OK)):
        raise argparse.ArgumentTypeError("'%s' is not an executable file"
                                         % text)
    return os.path.abspath(text)


def file_arg(text):
    if not os.path.isfile(text):
        raise argparse.ArgumentTypeError("'%s' does not exist" % text)
    return os.path.abspath(text)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.split(":")[0].strip() in ("model name", "Model",
                                                  "Processor", "cpu model"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/loadavg") as f:
            load = float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        load = None
    return {"arch": os.uname().machine, "cpu_model": model,
            "nproc": os.cpu_count(),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"),
            "loadavg_start": load}


def emit_result(res, json_path):
    """The result as the last line of output (one JSON object) and, with
    --json, in its file."""
    text = json.dumps(res)
    say(text)
    if json_path is not None:
        with open(json_path, "w") as f:
            f.write(text + "\n")


EXIT_USAGE = 64


class Parser(argparse.ArgumentParser):
    """argparse that names the program in its one-line error and exits
    with EX_USAGE (64)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        print("%s: %s" % (self.prog, message), file=sys.stderr)
        sys.exit(EXIT_USAGE)


def run_guarded(program, procs, run, res, ring_prefix):
    """Runs run(procs, res); a Failure goes into res["problems"]. Whatever
    happens, every process started is stopped and the rings named
    ringbridge-RING_PREFIX<pid>-* are removed. Returns the exit status: 0,
    1 (a failure) or 130 (interrupted)."""
    try:
        run(procs, res)
        return 0
    except Failure as e:
        res["problems"].append(str(e))
        print("%s: FAILED: %s" % (program, e), file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("%s: interrupted" % program, file=sys.stderr)
        return 130
    finally:
        procs.cleanup()
        for p in glob.glob(SHM + "ringbridge-%s%d-*" % (ring_prefix,
                                                       os.getpid())):
            os.unlink(p)


def run_and_report(program, keep_logs, run, res, ring_prefix, targets,
                   print_tables):
    """run_guarded() with a new Procs(@keep_logs); then, unless interrupted,
    res["targets"] from targets(res) and the tables. Returns the exit
    status, as run_guarded()."""
    procs = Procs(keep_logs)
    status = run_guarded(program, procs, run, res, ring_prefix)
    if status != 130:
        res["targets"] = targets(res)
        print_tables(res)
    return status
