#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-jack against real JACK servers (tests/README.md, R12).

Every test that needs JACK starts its own jackd (dummy backend, 48 kHz,
64-frame periods, no realtime) under a name no other test uses, and stops
it whatever happens. Rings are fed and drained by ring-helper processes
(public API), which write and check a known signal: sample (frame i,
channel c) of seed S comes from splitmix64, computed here the same way, so
every sample that arrives can be checked bit for bit, and silence is
unmistakable.

No assertion depends on timing: waits have generous deadlines that only
catch a hang; latencies are measured and printed. Output is TAP.

Usage: test-jack.py RINGBRIDGE-JACK RING-HELPER MAN-PAGE RTSAN-CLIENT|- GROUP
                    [RINGBRIDGE-STAT]
"""

import errno
import fcntl
import glob
import json
import math
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback

JACK, HELPER, MAN, RTSAN_CLIENT, GROUP = sys.argv[1:6]
STAT = sys.argv[6] if len(sys.argv) > 6 else None
if RTSAN_CLIENT == "-":
    RTSAN_CLIENT = None

SHM = "/dev/shm/"
PREFIX = "rbj%d" % os.getpid()
RATE = 48000
PERIOD = 64
# generous: only a hang (or a machine stalled for many seconds) gets there
DEADLINE = 30.0

children = []
servers = []
tmpdir = tempfile.mkdtemp(prefix="test-jack-")
counter = 0


def new_name(what="r"):
    global counter
    counter += 1
    return "%s%s%d" % (PREFIX, what, counter)


def log(msg):
    for line in str(msg).splitlines():
        print("# " + line)
    sys.stdout.flush()


def wait_until(pred, what, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out (%g s) waiting for %s"
                                 % (timeout, what))
        time.sleep(0.02)


# --- the signal (ring-helper.c's make_sample) --------------------------------

M64 = (1 << 64) - 1
SAMPLE_SIZE = {"U8": 1, "S16LE": 2, "S24LE": 3, "S24_32LE": 4, "S32LE": 4,
               "F32LE": 4, "F64LE": 8}


def mix(x):
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def signed(v, bits):
    return v - (1 << bits) if v >= 1 << (bits - 1) else v


def raw_sample(fmt, seed, i, c):
    """The sample the feeder writes, as a Python int or float."""
    h = mix(((seed << 40) ^ (i << 6) ^ c) & M64)
    hi = signed(h >> 32, 32)
    if fmt == "U8":
        return (h >> 56) | 1
    if fmt == "S16LE":
        return signed((h >> 48) | 1, 16)
    if fmt in ("S24LE", "S24_32LE"):
        return (hi >> 8) | 1
    if fmt == "S32LE":
        return hi | 1
    if fmt == "F32LE":
        return float((hi >> 8) | 1) / 4194304.0
    if fmt == "F64LE":
        return float(signed(h, 64) | 1) / 4611686018427387904.0
    raise ValueError(fmt)


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def to_float(fmt, v):
    """What JACK's port gets for a ring sample (RbSampleFormat's rule)."""
    if fmt == "U8":
        return f32((v - 128) / 128.0)
    if fmt == "S16LE":
        return f32(v / 32768.0)
    if fmt in ("S24LE", "S24_32LE"):
        return f32(v / 8388608.0)
    if fmt == "S32LE":
        return f32(v / 2147483648.0)
    return f32(v)


def float_to_int(f, scale, lo, hi):
    if f != f:
        return 0
    x = f * scale
    if x >= hi:
        return hi
    if x <= lo:
        return lo
    return int(x - 0.5) if x < 0 else int(x + 0.5)


def pack(fmt, v):
    """Ring bytes of one sample of the format, from its int/float value."""
    if fmt == "U8":
        return bytes([v])
    if fmt == "S16LE":
        return struct.pack("<h", v)
    if fmt == "S24LE":
        return struct.pack("<i", v)[:3]
    if fmt in ("S24_32LE", "S32LE"):
        return struct.pack("<i", v)
    if fmt == "F32LE":
        return struct.pack("<f", v)
    return struct.pack("<d", v)


def from_float(fmt, f):
    """What record writes to a ring of @fmt for JACK's float @f."""
    if fmt == "U8":
        return float_to_int(f, 128.0, -128, 127) + 128
    if fmt == "S16LE":
        return float_to_int(f, 32768.0, -32768, 32767)
    if fmt in ("S24LE", "S24_32LE"):
        return float_to_int(f, 8388608.0, -8388608, 8388607)
    if fmt == "S32LE":
        return float_to_int(f, 2147483648.0, -2147483648, 2147483647)
    return f


def expected(seed, first, n, feed_fmt="F32LE", rec_fmt="F32LE",
             channels=2):
    """The bytes record writes for frames [first, first + n) of the signal
    a feeder of @feed_fmt wrote, played through JACK."""
    out = bytearray()
    for i in range(first, first + n):
        for c in range(channels):
            v = to_float(feed_fmt, raw_sample(feed_fmt, seed, i, c))
            out += pack(rec_fmt, from_float(rec_fmt, v))
    return bytes(out)


def silence(fmt, channels=2):
    return (b"\x80" if fmt == "U8" else b"\0" * SAMPLE_SIZE[fmt]) * channels


def find_signal(data, want, fs, fmt):
    """Where @want lies in @data, frame-aligned, with silence before it."""
    pos = data.find(want)
    assert pos >= 0, "the signal is not in the recording (%d bytes)" % len(
        data)
    assert pos % fs == 0, "the signal starts inside a frame (%d)" % pos
    sil = silence(fmt, fs // SAMPLE_SIZE[fmt])
    assert data[:pos] == sil * (pos // fs), "not silence before the signal"
    return pos // fs


class Matcher:
    """Follows a recording frame by frame: runs of signal from known seeds
    (each continuing where its last run stopped, or a new producer starting
    again at 0), separated by silence. Anything else is an error."""

    def __init__(self, seeds, fmt="F32LE", channels=2):
        self.seeds = seeds
        self.fmt = fmt
        self.fs = SAMPLE_SIZE[fmt] * channels
        self.sil = silence(fmt, channels)
        self.runs = []          # [seed, first, end, silence frames before]

    def frame(self, seed, i):
        return expected(seed, i, 1, rec_fmt=self.fmt)

    def feed(self, data):
        gap = 0
        cur = None
        for k in range(len(data) // self.fs):
            f = data[k * self.fs:(k + 1) * self.fs]
            if f == self.sil:
                gap += 1
                cur = None
                continue
            if cur is not None and f == self.frame(cur[0], cur[2]):
                cur[2] += 1
                continue
            # a new run: after silence, or a new producer right behind
            # the last one; it continues the last run of some seed, or
            # starts a seed anew at 0
            cur = None
            for seed in self.seeds:
                last = [r for r in self.runs if r[0] == seed]
                nxt = last[-1][2] if last else 0
                for start in ([nxt, 0] if nxt else [0]):
                    if f == self.frame(seed, start):
                        cur = [seed, start, start + 1, gap]
                        break
                if cur:
                    break
            assert cur, "frame %d is neither silence nor a known signal " \
                "(runs so far: %s; frame %r)" % (k, self.runs[-3:], f)
            self.runs.append(cur)
            gap = 0
        return self.runs


# --- processes ---------------------------------------------------------------

def spawn(args, stdin=None, env=None, name=None):
    out = open(os.path.join(tmpdir, "%s.out" % (name or new_name("o"))),
               "w+")
    err = open(out.name[:-4] + ".err", "w+")
    proc = subprocess.Popen(args, stdin=stdin, stdout=out, stderr=err,
                            env=env, text=True)
    proc.out_file, proc.err_file = out, err
    children.append(proc)
    return proc


def output(proc):
    proc.out_file.seek(0)
    proc.err_file.seek(0)
    return proc.out_file.read(), proc.err_file.read()


def finish(proc, sig=signal.SIGTERM, timeout=DEADLINE):
    """Stops @proc with @sig; returns (status, stdout, stderr)."""
    if proc.poll() is None:
        proc.send_signal(sig)
    proc.wait(timeout=timeout)
    if proc in children:
        children.remove(proc)
    out, err = output(proc)
    return proc.returncode, out, err


def client_env(server):
    env = dict(os.environ)
    env["JACK_DEFAULT_SERVER"] = server
    env["JACK_NO_START_SERVER"] = "1"
    return env


REGISTRY = SHM + "jack-shm-registry"
REGISTRY_LOCK = os.path.join(tempfile.gettempdir(),
                             "ringbridge-test-jackd.lock")


class registry_lock:
    """Serialises starting and stopping jackd between the test groups
    that run in parallel: jackd 1.9 loses registrations when servers come
    and go at the same moment (the registry then keeps a slot for a server
    that ended cleanly)."""

    def __enter__(self):
        self.f = open(REGISTRY_LOCK, "a")
        fcntl.flock(self.f, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def registered_servers():
    """Our server names still in JACK's machine-wide table."""
    try:
        with open(REGISTRY, "rb") as f:
            table = f.read()
    except OSError:
        return []
    return sorted(set(m.decode() for m in re.findall(
        rb"jack-\d+:(%s[a-z]*s\d+):" % PREFIX.encode(), table)))


class Server:
    """A private jackd. jackd 1.9 registers every server in one table for
    the whole machine (/dev/shm/jack-shm-registry, 8 slots) and frees a
    slot when its server exits cleanly, or when a server of the same name
    starts again; a killed server's slot stays taken. So every server here
    ends with SIGTERM, and one a test crashed is started again and then
    stopped (stop() does it), or the machine runs out of JACK servers."""

    def __init__(self, period=PERIOD, name=None):
        self.name = name or new_name("s")
        self.period = period
        self.proc = None
        self.crashed = False
        servers.append(self)
        self.start()

    def start(self):
        with registry_lock():
            self._start()

    def _start(self):
        env = dict(os.environ)
        env["JACK_NO_AUDIO_RESERVATION"] = "1"
        deadline = time.monotonic() + 2 * DEADLINE
        while True:
            # Synchronous mode: each cycle waits for the whole graph, so a
            # client that runs late on a loaded machine delays the cycle
            # instead of being skipped for it. Asynchronous jackd 1.9 skips
            # late clients: then a period that play output never reaches
            # record, which would make every bit-exact test a lottery. The
            # client timeout is long for the same reason; a client that
            # takes 5 s is hung, and jackd still drops it.
            self.proc = spawn(["jackd", "--no-realtime", "--sync",
                               "--timeout", "5000", "-n", self.name, "-d",
                               "dummy", "-r", str(RATE), "-p",
                               str(self.period)],
                              env=env, name=self.name + "-jackd")
            r = subprocess.run(["jack_wait", "-s", self.name, "-w", "-t",
                                "20"], capture_output=True, text=True,
                               timeout=60)
            if r.returncode == 0 and self.proc.poll() is None:
                self.crashed = False
                return
            err = output(self.proc)[1]
            self._end(signal.SIGTERM)
            # other tests' servers (or anyone's) fill the table: wait
            if "Too many servers" in err and time.monotonic() < deadline:
                log("jackd %s: too many JACK servers on this machine; "
                    "waiting for one to end" % self.name)
                time.sleep(1)
                continue
            raise AssertionError("jackd %s did not start: %s" %
                                 (self.name, err))

    def _end(self, sig):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            t0 = time.monotonic()
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                log("jackd %s did not end %g s after %s: killing it" % (
                    self.name, DEADLINE, signal.Signals(sig).name))
                self.proc.kill()
                self.proc.wait(timeout=10)
                self.crashed = True
            if time.monotonic() - t0 > 5:
                log("jackd %s took %.1f s to end" % (self.name,
                                                     time.monotonic() - t0))
        if self.proc in children:
            children.remove(self.proc)
        self.proc = None

    def crash(self):
        """Kills jackd without a chance to clean up, as a test event."""
        self._end(signal.SIGKILL)
        self.crashed = True

    def terminate(self):
        """Stops jackd cleanly, as a test event."""
        with registry_lock():
            self._end(signal.SIGTERM)

    def stop(self):
        """Ends the server for good, freeing its slot in JACK's table."""
        with registry_lock():
            self._end(signal.SIGTERM)
            # jackd 1.9 also keeps the slot when SIGTERM finds clients
            # connected (the test of server shutdown does that)
            if self.crashed or self.name in registered_servers():
                # started again, it takes its old slot back, then frees it
                try:
                    self._start()
                    self._end(signal.SIGTERM)
                except AssertionError as e:
                    log("could not restart crashed jackd %s to free its "
                        "slot: %s" % (self.name, e))
        for p in glob.glob(SHM + "jack*_%s_*" % self.name):
            os.unlink(p)
        if self in servers:
            servers.remove(self)

    def lsp(self, *args):
        # jack_lsp has hung connecting to a busy server (once in CI, on
        # two loaded cores): give it a second chance, and say so.
        for attempt in (1, 2):
            try:
                r = subprocess.run(["jack_lsp", "-s", self.name, *args],
                                   capture_output=True, text=True, timeout=30)
                return r.stdout
            except subprocess.TimeoutExpired:
                if attempt == 2:
                    raise
                print("# jack_lsp -s %s hung for 30 s; trying again"
                      % self.name, flush=True)

    def ports(self):
        return [p for p in self.lsp().splitlines() if p and p[0] != "\t"]

    def connections(self):
        """{port: [connected ports]}"""
        conns = {}
        cur = None
        for line in self.lsp("-c").splitlines():
            if line.startswith("   "):
                conns[cur].append(line.strip())
            elif line:
                cur = line.strip()
                conns[cur] = []
        return conns

    def latency(self, port):
        """(capture [min, max], playback [min, max]) of @port, or None if
        there is no such port."""
        text = self.lsp("-l", port)
        cap = re.search(r"capture latency = \[ (\d+) (\d+) \]", text)
        play = re.search(r"playback latency = \[ (\d+) (\d+) \]", text)
        if cap is None or play is None:
            return None
        return ((int(cap.group(1)), int(cap.group(2))),
                (int(play.group(1)), int(play.group(2))))


def jack(server, *args, exe=None):
    """Starts ringbridge-jack on @server; returns the process."""
    argv = [exe or JACK, *args]
    if server is not None:
        argv += ["--server", server.name]
    argv += ["--no-start-server"]
    return spawn(argv, env=client_env(server.name if server else "none"))


def run_jack(*args, server=None, timeout=DEADLINE):
    argv = [JACK, *args]
    env = client_env(server.name if server else PREFIX + "nosrv")
    if server is not None:
        argv += ["--server", server.name]
    return subprocess.run(argv, capture_output=True, text=True, env=env,
                          timeout=timeout)


def helper(*args, stdin=subprocess.DEVNULL):
    """Starts ring-helper; waits until it says "ready"."""
    proc = spawn([HELPER, *args], stdin=stdin)

    def ready():
        out, _ = output(proc)
        if "ready" in out:
            return True
        if proc.poll() is not None:
            raise AssertionError("ring-helper %s failed: %s" %
                                 (" ".join(args), output(proc)[1]))
        return False
    wait_until(ready, "ring-helper %s" % args[0])
    return proc


def feeder(ring, *args, go=False):
    proc = helper("feed", ring, *args, *(["--go"] if go else []),
                  stdin=subprocess.PIPE)
    return proc


def tell_go(proc):
    proc.stdin.write("go\n")
    proc.stdin.flush()


def drain(ring, server=None):
    path = os.path.join(tmpdir, ring + ".raw")
    args = ["drain", ring, "--out", path]
    if server is not None:
        args += ["--jack-server", server.name]
    proc = helper(*args)
    proc.raw_path = path
    return proc


def recorded(proc):
    with open(proc.raw_path, "rb") as f:
        return f.read()


def stats(text, label="final"):
    """The fields of ringbridge-jack's last statistics line of @label."""
    lines = [line for line in text.splitlines()
             if line.startswith("ringbridge-jack: %s: " % label)]
    assert lines, "no %s statistics line in %r" % (label, text)
    fields = {}
    for word in lines[-1].split()[3:]:
        k, _, v = word.partition("=")
        fields[k] = int(v) if v.isdigit() else v
    return fields


def wait_connected(server, a, b):
    wait_until(lambda: b in server.connections().get(a, []),
               "%s -> %s" % (a, b))


def play_port(ring, n, name=None):
    return "%s:out_%d" % (name or "ringbridge-play-" + ring, n)


def rec_port(ring, n, name=None):
    return "%s:in_%d" % (name or "ringbridge-record-" + ring, n)


def pipeline(server, feed_fmt="F32LE", rec_fmt="F32LE", seed=7,
             total=RATE // 2, play_exe=None, rec_exe=None, play_args=()):
    """feeder -> play -> record -> drain, connected and waiting for the
    feeder's go. Returns a dict of the parts."""
    src, dst = new_name("src"), new_name("dst")
    fs = SAMPLE_SIZE[feed_fmt] * 2
    feed = feeder(src, "--format", feed_fmt, "--channels", "2", "--rate",
                  str(RATE), "--frames", str(max(total, 4096)), "--seed",
                  str(seed), "--total", str(total), "--hold", go=True)
    rec = jack(server, "record", dst, "--format", rec_fmt, "--frames",
               str(4 * RATE), "-v", exe=rec_exe)
    wait_until(lambda: rec_port(dst, 2) in server.ports(), "record's ports")
    dr = drain(dst, server)
    play = jack(server, "play", src, "-v", "--connect",
                "%s,%s" % (rec_port(dst, 1), rec_port(dst, 2)), *play_args,
                exe=play_exe)
    wait_connected(server, play_port(src, 1), rec_port(dst, 1))
    wait_connected(server, play_port(src, 2), rec_port(dst, 2))
    return dict(src=src, dst=dst, feed=feed, rec=rec, drain=dr, play=play,
                fs=fs, seed=seed, total=total, feed_fmt=feed_fmt,
                rec_fmt=rec_fmt)


def describe_mismatch(data, want, fs):
    """Where @data stops being @want (after leading silence), for the
    message of a failed test."""
    first = want[:fs]
    pos = data.find(first)
    if pos < 0:
        return "the signal's first frame never arrived (%d bytes)" % len(data)
    n = 0
    while n * fs < len(want) and data[pos + n * fs:pos + (n + 1) * fs] == \
            want[n * fs:(n + 1) * fs]:
        n += 1
    if n * fs == len(want):
        return "the whole signal arrived"
    got = data[pos + n * fs:pos + (n + 1) * fs]
    k = want.find(got)
    return ("frames 0..%d of the signal arrived exact from byte %d; then "
            "%r, %s" % (n - 1, pos, got,
                        "frame %d of the signal" % (k // fs) if k >= 0 and
                        k % fs == 0 else "not in the signal"))


def run_pipeline(p, tail_frames=RATE // 10):
    """Lets the signal through; returns the recording and the outputs,
    and when the signal's first frame reached record's ring (the consumer
    polls for it every 2 ms)."""
    rfs = SAMPLE_SIZE[p["rec_fmt"]] * 2
    want = expected(p["seed"], 0, p["total"], p["feed_fmt"], p["rec_fmt"])
    first = want[:rfs * 16]
    tell_go(p["feed"])
    deadline = time.monotonic() + DEADLINE
    seen = None
    while seen is None and time.monotonic() < deadline:
        data = recorded(p["drain"])
        pos = data.find(first)
        if pos >= 0 and pos % rfs == 0:
            seen = time.monotonic_ns()
        time.sleep(0.002)

    def through():
        data = recorded(p["drain"])
        pos = data.find(want)
        return pos >= 0 and len(data) >= pos + len(want) + tail_frames * rfs
    try:
        wait_until(through, "the signal through play and record")
    except AssertionError as e:
        raise AssertionError("%s (%s ring -> %s ring): %s" % (
            e, p["feed_fmt"], p["rec_fmt"], describe_mismatch(
                recorded(p["drain"]), want, rfs)))
    res = {}
    res["play"] = finish(p["play"])
    res["drain"] = finish(p["drain"])
    res["rec"] = finish(p["rec"])
    finish(p["feed"])
    res["data"] = recorded(p["drain"])
    res["want"] = want
    start = int(re.search(r"^start (\d+)$", output(p["feed"])[0],
                          re.M).group(1))
    res["latency_ms"] = (seen - start) / 1e6 if seen is not None else None
    return res


def check_clean_exit(res, name):
    status, out, err = res
    assert status == 0, "%s exited %d: %s" % (name, status, err)
    assert "Real-time violation" not in err, err
    return stats(out)


# --- tests: command line -----------------------------------------------------

def rendered_man_page():
    """The manual page as groff renders it in ASCII, white space folded,
    after a run with every warning (-ww) that must say nothing."""
    groff = shutil.which("groff")
    assert groff, "groff is needed to check the manual page"
    lint, text = (subprocess.run([groff, "-man", *device, MAN],
                                 capture_output=True, text=True, timeout=30)
                  for device in (["-Tutf8", "-ww", "-z"],
                                 ["-Tascii", "-P-cbou"]))
    assert lint.returncode == 0 and lint.stderr == "", lint.stderr
    return re.sub(r"\s+", " ", text.stdout)


def test_help_version_man():
    r = run_jack("--help")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    for opt in ("play RING", "record RING", "--name=NAME", "--server=NAME",
                "--connect=PORT[,PORT]...", "--no-start-server",
                "--reconnect", "--wait", "--timeout=SECONDS",
                "--format=FORMAT", "--channels=N", "--frames=N",
                "--latency=MS", "--overwrite", "--stats=SECONDS",
                "--allow-shared-write", "--any-owner",
                "--verbose", "--help", "--version"):
        assert opt in r.stdout, opt
    for code in ("64", "65", "66", "69", "73", "77"):
        assert re.search(r"^  %s " % code, r.stdout, re.M), code
    assert run_jack("-h").stdout == r.stdout
    assert run_jack("play", "x", "--help").stdout == r.stdout
    v = run_jack("--version")
    assert v.returncode == 0 and re.match(
        r"^ringbridge-jack \(ringbridge\) \d+\.\d+\.\d+\n$", v.stdout), v.stdout

    page = rendered_man_page()
    help_text = re.sub(r"\s+", " ", r.stdout)
    # one source: every option and every help paragraph is in the page
    for opt in re.findall(r"--[a-z-]+(?:=[A-Z]+)?", help_text):
        assert opt in page, opt
    for sentence in ("Print this help and exit.",
                     "connect libringbridge rings to JACK ports",
                     "When the JACK server shuts down, wait for it",
                     "No JACK server (or it refused the client)",
                     "times the ring ran dry",
                     "the JACK server did not answer within half a second",
                     "writable by group or others"):
        assert sentence in page, sentence
    for section in ("BEHAVIOUR", "STATISTICS", "EXIT STATUS", "ENVIRONMENT",
                    "EXAMPLES"):
        assert section in page, section


USAGE_CASES = [
    ([], "missing mode"),
    (["foo", "x"], "unknown mode 'foo'"),
    (["play"], "missing ring name"),
    (["play", "a/b"], "invalid ring name"),
    (["play", ""], "invalid ring name"),
    (["play", "x" * 201], "invalid ring name"),
    (["play", "-x"], "unknown option '-x'"),
    (["play", "x", "y"], "unexpected argument 'y'"),
    (["play", "x", "--bogus"], "unknown option '--bogus'"),
    (["play", "x", "--wait=3"], "option '--wait' takes no argument"),
    (["play", "x", "--timeout"], "option '--timeout' needs an argument"),
    (["play", "x", "--timeout", "0"], "invalid --timeout '0'"),
    (["play", "x", "--timeout", "abc"], "invalid --timeout 'abc'"),
    (["play", "x", "--timeout", "-1"], "invalid --timeout '-1'"),
    (["play", "x", "--timeout", "1e3"], "invalid --timeout '1e3'"),
    (["play", "x", "--timeout", "inf"], "invalid --timeout 'inf'"),
    (["play", "x", "--timeout", "2000000"], "invalid --timeout"),
    (["record", "x", "--channels", "0"], "invalid --channels '0'"),
    (["record", "x", "--channels", "65"], "invalid --channels '65'"),
    (["record", "x", "--channels", "two"], "invalid --channels 'two'"),
    (["record", "x", "--channels", " 2"], "invalid --channels ' 2'"),
    (["record", "x", "--channels", "18446744073709551617"],
     "invalid --channels"),
    (["record", "x", "--frames", "0"], "invalid --frames '0'"),
    (["record", "x", "--frames", "0x100"], "invalid --frames '0x100'"),
    (["record", "x", "--frames", "99999999999"], "invalid --frames"),
    (["record", "x", "--frames", "268435456", "--format", "F64LE"],
     "exceed the largest ring"),
    (["record", "x", "--latency", "0"], "invalid --latency '0'"),
    (["record", "x", "--latency", "nan"], "invalid --latency 'nan'"),
    (["record", "x", "--frames", "100", "--latency", "5"],
     "--frames and --latency"),
    (["record", "x", "--format", "S8"], "invalid --format 'S8'"),
    (["record", "x", "--format", ""], "invalid --format ''"),
    (["play", "x", "--overwrite"], "--overwrite is for record"),
    (["play", "x", "--frames", "0"], "invalid --frames '0'"),
    (["play", "x", "--latency", "0"], "invalid --latency '0'"),
    (["play", "x", "--latency", "abc"], "invalid --latency 'abc'"),
    (["play", "x", "--frames", "64", "--latency", "2"],
     "--frames and --latency both bound what play keeps queued"),
    (["record", "x", "--wait"], "--wait is for play"),
    (["record", "x", "--timeout", "1"], "--timeout is for play"),
    (["play", "x", "--name", "a:b"], "invalid client name 'a:b'"),
    (["play", "x", "--name", ""], "invalid client name ''"),
    (["play", "x", "--name", "n" * 65], "JACK allows 64"),
    (["play", "x", "--name", "a\tb"], "control character"),
    (["play", "x", "--server", ""], "invalid server name ''"),
    (["play", "x", "--server", "a/b"], "invalid server name 'a/b'"),
    (["record", "x", "--connect", "a,b,c"],
     "--connect lists 3 ports, but there are only 2 channels"),
    (["play", "x", "--channels", "1", "--connect", "a,b"],
     "--connect lists 2 ports, but there are only 1 channels"),
    (["record", "x", "--connect", ","], "--connect needs at least one port"),
    (["record", "x", "--connect", "auto,x"], "--connect auto stands alone"),
    (["play", "x", "--stats", "0"], "invalid --stats '0'"),
    # a time with its unit: below or above the range once converted, or
    # no number, an exponent, a space, a unit we do not take
    (["play", "x", "--timeout", "99ms"], "invalid --timeout '99ms'"),
    (["play", "x", "--timeout", "1000001s"], "invalid --timeout"),
    (["play", "x", "--timeout", "ms"], "invalid --timeout 'ms'"),
    (["play", "x", "--timeout", "1e3ms"], "invalid --timeout '1e3ms'"),
    (["play", "x", "--timeout", "5 ms"], "invalid --timeout '5 ms'"),
    (["play", "x", "--timeout", "2m"], "or a time with its unit"),
    (["record", "x", "--latency", "0.00009s"], "invalid --latency"),
    (["record", "x", "--latency", "3600.1s"], "invalid --latency '3600.1s'"),
    (["record", "x", "--latency", "-5ms"], "invalid --latency '-5ms'"),
    (["play", "x", "--stats", "99ms"], "invalid --stats '99ms'"),
    (["play", "x", "--reader=bogus"], "invalid --reader 'bogus'"),
    (["play", "x", "--reader=latest"],
     "--reader=latest needs --frames or --latency"),
    (["play", "x", "--reader", "--latency", "10"],
     "bound a reader only with --reader=latest"),
    (["play", "x", "--reader", "--resample", "auto"],
     "--resample is for the ring's consumer"),
    (["record", "x", "--reader"], "--reader is for play, not record"),
    (["record", "y" * 50], "the default client name"),
]


def test_time_units():
    # Every time option takes a bare number in its own unit (the help's
    # SECONDS or MS) or a time with its unit, "s" or "ms": at the edges of
    # the ranges, converted, these pass the checks and the program goes on
    # to the ring (play: none here, status 66) or the JACK server (none
    # here: status 69), never a usage error (64).
    for args in (["play", "x", "--timeout", "100ms"],
                 ["play", "x", "--timeout", "0.1s"],
                 ["play", "x", "--stats", "100ms"],
                 ["play", "x", "--stats", "86400s"],
                 ["record", "x", "--latency", "3600s"],
                 ["record", "x", "--latency", "0.1ms"],
                 ["play", "x", "--latency", "0.0001s"]):
        r = run_jack(*args, "--no-start-server")
        assert r.returncode in (66, 69), (args, r.returncode, r.stderr)
        assert "invalid" not in r.stderr, (args, r.stderr)


def test_usage_errors():
    for args, fragment in USAGE_CASES:
        r = run_jack(*args)
        assert r.returncode == 64, (args, r.returncode, r.stderr)
        assert r.stdout == "", (args, r.stdout)
        lines = r.stderr.splitlines()
        assert lines and lines[0].startswith("ringbridge-jack: "), \
            (args, r.stderr)
        assert fragment in r.stderr, (args, fragment, r.stderr)
        assert lines[-1] == "Try 'ringbridge-jack --help' for more " \
            "information.", (args, r.stderr)


def expect_failure(r, status, *fragments, ran=False):
    """A clear error and @status; a final statistics line only if the
    client got to run (@ran), not for a failure at start-up."""
    assert r.returncode == status, \
        "status %d, expected %d: %s" % (r.returncode, status, r.stderr)
    assert r.stderr.startswith("ringbridge-jack: "), r.stderr
    for frag in fragments:
        assert frag in r.stderr, "%r not in %r" % (frag, r.stderr)
    assert "Real-time violation" not in r.stderr
    assert ("final:" in r.stdout) == ran, r.stdout


def test_no_server():
    # record talks to JACK first; play looks for its ring first
    r = run_jack("record", new_name(), "--server", PREFIX + "nosuch",
                 "--no-start-server")
    expect_failure(r, 69, "cannot connect to the JACK server '%snosuch'"
                   % PREFIX, "not running")
    ring = new_name()
    feed = feeder(ring, "--hold")
    r = run_jack("play", ring, "--server", PREFIX + "nosuch",
                 "--no-start-server")
    expect_failure(r, 69, "cannot connect to the JACK server")
    finish(feed)


def test_bad_rings():
    server = Server()
    missing = new_name()
    r = run_jack("play", missing, "--no-start-server", server=server)
    expect_failure(r, 66, "no ring '%s'" % missing, "--wait")

    t0 = time.monotonic()
    r = run_jack("play", missing, "--no-start-server", "--timeout", "0.5",
                 server=server)
    expect_failure(r, 66, "no ring '%s' after waiting 0.5 s" % missing,
                   ran=True)
    log("--timeout 0.5 gave up after %.2f s" % (time.monotonic() - t0))
    r = run_jack("play", missing, "--no-start-server", "--timeout", "300ms",
                 server=server)
    expect_failure(r, 66, "no ring '%s' after waiting 0.3 s" % missing,
                   ran=True)

    cases = []
    ring = new_name()
    cases.append((feeder(ring, "--byte-ring", "--frames", "8192", "--hold"),
                  ["play", ring], 65, ["is a byte ring"]))
    ring = new_name()
    cases.append((feeder(ring, "--rate", "44100", "--hold"), ["play", ring],
                  65, ["runs at 44100 Hz but JACK runs at 48000 Hz"]))
    ring = new_name()
    cases.append((feeder(ring, "--hold"), ["play", ring, "--channels", "3"],
                  65, ["has 2 channels, not 3"]))
    ring = new_name()
    cases.append((feeder(ring, "--hold"), ["play", ring, "--format",
                                           "S16LE"], 65, ["is not S16LE"]))
    ring = new_name()
    cases.append((feeder(ring, "--mode", "0666", "--hold"), ["play", ring],
                  77, ["writable"]))
    ring = new_name()
    cases.append((feeder(ring, "--hold"), ["play", ring, "--connect",
                                           "nosuch:port"], 66,
                  ["no JACK port 'nosuch:port'"]))
    ring = new_name()
    cases.append((feeder(ring, "--hold"), ["play", ring, "--connect",
                                           "system:capture_1"], 65,
                  ["'system:capture_1' is an output port"]))
    cases.append((None, ["record", new_name(), "--connect",
                         "system:playback_1"], 65,
                  ["'system:playback_1' is an input port"]))
    for feed, args, status, fragments in cases:
        r = run_jack(*args, "--no-start-server", server=server)
        expect_failure(r, status, *fragments)
        if feed is not None:
            finish(feed)

    # a consumer holds the ring: play cannot take its role
    ring = new_name()
    feed = feeder(ring, "--hold")
    dr = drain(ring)
    r = run_jack("play", ring, "--no-start-server", server=server)
    expect_failure(r, 73, "pid %d" % dr.pid)
    finish(dr)
    finish(feed)
    # no client is left on the server by the failures
    assert [p for p in server.ports() if "ringbridge" in p] == []
    server.stop()


def test_record_existing_ring():
    server = Server()
    # a live producer holds it
    ring = new_name()
    feed = feeder(ring, "--hold")
    r = run_jack("record", ring, "--no-start-server", server=server)
    expect_failure(r, 73, "ring '%s' already exists" % ring,
                   "pid %d" % feed.pid)
    finish(feed)
    os.unlink(SHM + "ringbridge-" + ring)

    # left behind by processes that died: reclaimed, with a message
    ring = new_name()
    f = helper("feed", ring, "--abandon")
    f.wait(timeout=DEADLINE)
    rec = jack(server, "record", ring)
    wait_until(lambda: rec_port(ring, 1) in server.ports(), "record's ports")
    status, out, err = finish(rec)
    assert status == 0, err
    assert "removed the stale ring '%s'" % ring in err, err
    assert not os.path.exists(SHM + "ringbridge-" + ring)

    # its producer died, its consumer lives: record continues the ring
    ring = new_name()
    f = helper("feed", ring, "--format", "F32LE", "--rate", "48000",
               "--frames", "24000", "--total", "1000", "--abandon")
    f.wait(timeout=DEADLINE)
    dr = drain(ring)
    rec = jack(server, "record", ring, "--format", "F32LE", "--frames",
               "24000")
    wait_until(lambda: rec_port(ring, 1) in server.ports(), "record's ports")
    wait_until(lambda: len(recorded(dr)) >= 8 * 2000, "resumed recording")
    status, out, err = finish(rec)
    assert status == 0, err
    assert "continuing it as its producer (consumer pid %d)" % dr.pid in err, \
        err
    # the dead producer's frames first, then record's (silence here)
    data = recorded(dr)
    assert data[:8000] == expected(1, 0, 1000), "lost the old frames"
    # the consumer still holds it, so record leaves it for a restart
    assert os.path.exists(SHM + "ringbridge-" + ring)
    # ... which continues it again, as long as the format fits
    r = run_jack("record", ring, "--no-start-server", "--format", "S16LE",
                 server=server)
    expect_failure(r, 73, "another format (F32LE, 2 channels, 48000 Hz)",
                   "(S16LE, 2 channels, 48000 Hz)")
    finish(dr)
    os.unlink(SHM + "ringbridge-" + ring)

    # the client name is taken
    name = new_name("n")
    rec = jack(server, "record", new_name(), "--name", name)
    wait_until(lambda: "%s:in_1" % name in server.ports(), "first client")
    r = run_jack("record", new_name(), "--name", name, "--no-start-server",
                 server=server)
    expect_failure(r, 73, "has a client named '%s' already" % name)
    finish(rec)
    server.stop()


# --- tests: ports and connections --------------------------------------------

def port_props(server, port):
    text = server.lsp("-p", "-t", port)
    return text


def test_ports():
    server = Server()
    ring = new_name()
    rec = jack(server, "record", ring, "--channels", "3")
    want = [rec_port(ring, n) for n in (1, 2, 3)]
    wait_until(lambda: all(p in server.ports() for p in want),
               "record's ports")
    mine = [p for p in server.ports() if p.startswith("ringbridge-record-" +
                                                      ring + ":")]
    assert mine == want, mine
    props = port_props(server, want[0])
    assert "input" in props and "terminal" in props, props
    assert "32 bit float mono audio" in props, props

    # play of that ring: as many outputs, named out_N; a chosen name
    name = new_name("n")
    play = jack(server, "play", ring, "--name", name)
    want_out = ["%s:out_%d" % (name, n) for n in (1, 2, 3)]
    wait_until(lambda: all(p in server.ports() for p in want_out),
               "play's ports")
    assert [p for p in server.ports() if p.startswith(name + ":")] == \
        want_out
    props = port_props(server, want_out[2])
    assert "output" in props and "terminal" in props, props
    for p in (play, rec):
        status, out, err = finish(p)
        assert status == 0, err
        stats(out)
    assert not [p for p in server.ports() if "ringbridge" in p or name in p]
    assert not os.path.exists(SHM + "ringbridge-" + ring)

    # play --channels --wait: ports at once, silence until the ring comes
    ring = new_name()
    play = jack(server, "play", ring, "--channels", "2", "--wait", "-v")
    wait_until(lambda: play_port(ring, 2) in server.ports(), "early ports")
    time.sleep(0.3)
    feed = feeder(ring, "--hold")
    wait_until(lambda: "attached to ring '%s'" % ring in output(play)[1],
               "play attaching")
    status, out, err = finish(play)
    assert status == 0, err
    st = stats(out)
    assert st["peer"] == "alive:%d" % feed.pid, st
    assert st["silent_frames"] > 0 and st["frames"] == 0, st
    finish(feed)

    # play --wait without --channels: the ports come with the ring
    ring = new_name()
    play = jack(server, "play", ring, "--wait")
    time.sleep(0.5)
    assert not [p for p in server.ports() if ring in p]
    assert play.poll() is None
    feed = feeder(ring, "--channels", "1", "--hold")
    wait_until(lambda: play_port(ring, 1) in server.ports(), "late ports")
    assert play_port(ring, 2) not in server.ports()
    finish(play)
    finish(feed)
    server.stop()


def test_connect():
    server = Server()
    ring = new_name()
    feed = feeder(ring, "--hold")
    play = jack(server, "play", ring, "--connect",
                "system:playback_1,system:playback_2",
                "--connect", ",system:playback_1")
    wait_connected(server, play_port(ring, 2), "system:playback_1")
    conns = server.connections()
    assert conns[play_port(ring, 1)] == ["system:playback_1"], conns
    assert sorted(conns[play_port(ring, 2)]) == ["system:playback_1",
                                                 "system:playback_2"], conns

    dst = new_name()
    rec = jack(server, "record", dst, "--connect", "auto")
    wait_connected(server, rec_port(dst, 2), "system:capture_2")
    conns = server.connections()
    assert conns[rec_port(dst, 1)] == ["system:capture_1"], conns
    assert conns[rec_port(dst, 2)] == ["system:capture_2"], conns
    for p in (play, rec, feed):
        assert finish(p)[0] == 0
    server.stop()


# --- tests: audio ------------------------------------------------------------

def test_loopback_f32():
    server = Server()
    p = pipeline(server, total=RATE)
    res = run_pipeline(p)
    pos = find_signal(res["data"], res["want"], 8, "F32LE")
    after = res["data"][(pos + RATE) * 8:]
    assert after == silence("F32LE") * (len(after) // 8), \
        "not silence after the signal"
    play = check_clean_exit(res["play"], "play")
    rec = check_clean_exit(res["rec"], "record")
    # everything was in the ring before play saw any: one underrun, at the
    # end, and every frame played
    assert play["frames"] == RATE and play["ran_dry"] == 1, play
    # without --frames/--latency play never skips
    assert play["skipped_frames"] == 0, play
    assert rec["filled_up"] == 0 and rec["dropped_frames"] == 0, rec
    d = json.loads(res["drain"][1].strip().splitlines()[-1])
    # the clock point's time is CLOCK_MONOTONIC of its JACK frame time, as
    # JACK itself maps it (converted independently by ring-helper)
    assert d["have_clock"], d
    skew = (d["clock_ns"] - d["jack_ns"]) / 1e6
    assert abs(skew) < 2.0, "clock point off JACK's own mapping by %g ms" \
        % skew
    assert 0 <= d["now_ns"] - d["clock_ns"] < DEADLINE * 1e9, d
    log("loopback F32: %d frames bit-exact, one delay for all (record "
        "frame %d); feeder's ring write -> record's ring %.1f ms (through "
        "play, JACK and record; 64-frame periods are 1.3 ms); clock point "
        "vs JACK's own mapping %.3f ms; play xruns %d" % (
            RATE, pos, res["latency_ms"], skew, play["xruns"]))
    server.stop()


# Every ring format but JACK's own F32LE, each with a pipeline of its own.
OTHER_FORMATS = ["U8", "S16LE", "S24LE", "S24_32LE", "S32LE", "F64LE"]


def format_pipelines(server, side, seed):
    """A quarter second through each of OTHER_FORMATS on @side (feed_fmt:
    the ring play reads, rec_fmt: the ring record writes)."""
    return [pipeline(server, seed=seed + k, total=RATE // 4, **{side: fmt})
            for k, fmt in enumerate(OTHER_FORMATS)]


def test_play_formats():
    server = Server()
    for p in format_pipelines(server, "feed_fmt", 11):
        res = run_pipeline(p)
        find_signal(res["data"], res["want"], 8, "F32LE")
        play = check_clean_exit(res["play"], "play")
        assert play["frames"] == p["total"], play
        log("%s ring -> JACK float: %d frames exact" % (p["feed_fmt"],
                                                         p["total"]))
    server.stop()


def test_record_formats():
    server = Server()
    for p in format_pipelines(server, "rec_fmt", 21):
        res = run_pipeline(p)
        fs = SAMPLE_SIZE[p["rec_fmt"]] * 2
        find_signal(res["data"], res["want"], fs, p["rec_fmt"])
        check_clean_exit(res["rec"], "record")
        log("JACK float -> %s ring: %d frames exact (values in [-2, 2): "
            "rounding and clipping)" % (p["rec_fmt"], p["total"]))
    server.stop()


def test_buffer_size_change():
    server = Server()
    p = pipeline(server, total=3 * RATE, seed=5)
    tell_go(p["feed"])
    time.sleep(0.5)
    r = subprocess.run(["jack_bufsize", "256"], capture_output=True,
                       text=True, env=client_env(server.name), timeout=30)
    assert r.returncode == 0, r.stderr
    want = expected(p["seed"], 0, p["total"])

    def through():
        data = recorded(p["drain"])
        pos = data.find(want)
        return pos >= 0 and len(data) >= pos + len(want) + 4096 * 8
    wait_until(through, "the signal through a buffer size change")
    play = finish(p["play"])
    rec = finish(p["rec"])
    finish(p["drain"])
    finish(p["feed"])
    find_signal(recorded(p["drain"]), want, 8, "F32LE")
    st = check_clean_exit(play, "play")
    check_clean_exit(rec, "record")
    assert "buffer size is now 256 frames" in play[2], play[2]
    log("3 s of signal exact across a change to 256-frame periods; play "
        "ran %d cycles" % st["cycles"])
    server.stop()


def transitions(data, fs, sil):
    """How often the recording goes from signal to silence."""
    n = 0
    prev = False
    for k in range(len(data) // fs):
        is_sig = data[k * fs:(k + 1) * fs] != sil
        if prev and not is_sig:
            n += 1
        prev = is_sig
    return n


def test_underrun():
    server = Server()
    src, dst = new_name("src"), new_name("dst")
    bursts, per = 4, 4800
    feed = feeder(src, "--frames", str(4 * per), "--seed", "3", "--total",
                  str(bursts * per), "--bursts", str(bursts), "--gap-ms",
                  "300", "--hold", go=True)
    rec = jack(server, "record", dst, "--frames", str(4 * RATE))
    wait_until(lambda: rec_port(dst, 2) in server.ports(), "record's ports")
    dr = drain(dst)
    play = jack(server, "play", src, "--connect", "%s,%s" % (
        rec_port(dst, 1), rec_port(dst, 2)))
    wait_connected(server, play_port(src, 1), rec_port(dst, 1))
    wait_connected(server, play_port(src, 2), rec_port(dst, 2))
    tell_go(feed)
    wait_until(lambda: "done" in output(feed)[0], "the bursts")
    last = expected(3, (bursts - 1) * per, per)
    wait_until(lambda: recorded(dr).find(last) >= 0 and len(recorded(dr)) >=
               recorded(dr).find(last) + len(last) + 4800 * 8,
               "the last burst")
    st = check_clean_exit(finish(play), "play")
    finish(rec)
    finish(dr)
    finish(feed)
    data = recorded(dr)
    runs = Matcher([3]).feed(data)
    # every burst arrived whole and in order, silence between
    assert sum(r[2] - r[1] for r in runs) == bursts * per, runs
    assert runs[0][1] == 0 and all(a[2] == b[1] for a, b in
                                   zip(runs, runs[1:])), runs
    n = transitions(data, 8, silence("F32LE"))
    assert st["ran_dry"] == n and 1 <= n <= bursts, (st, n)
    assert st["frames"] == bursts * per, st
    log("%d bursts with gaps: %d underruns counted, %d silences recorded, "
        "%d frames of silence played" % (bursts, st["ran_dry"], n,
                                         st["silent_frames"]))
    server.stop()


def stats_lines(text, label="stats"):
    """The fields of every statistics line of @label."""
    out = []
    for line in text.splitlines():
        if line.startswith("ringbridge-jack: %s: " % label):
            out.append(stats(line, label))
    return out


def test_play_bound():
    """play --frames N / --latency MS: what is queued beyond N (plus the
    cycle's own period) is skipped, oldest first, and counted."""
    server = Server()

    # 40000 frames appear at once in a ring play already reads: the first
    # cycle skips all but N + a period, plays a period, and leaves N; the
    # recording is the signal from the first frame not skipped to the end
    bound, total = 256, 40000
    p = pipeline(server, total=total, play_args=["--frames", str(bound),
                                                 "--stats", "0.1"])
    tell_go(p["feed"])
    tail = expected(p["seed"], total - PERIOD, PERIOD)
    wait_until(lambda: recorded(p["drain"]).find(tail) >= 0, "the last "
               "frames of the signal")
    play_st = check_clean_exit(finish(p["play"]), "play")
    finish(p["rec"])
    finish(p["drain"])
    finish(p["feed"])
    skipped = play_st["skipped_frames"]
    want = total - bound - PERIOD
    assert want - 2 * PERIOD <= skipped <= want, (want, play_st)
    # every frame was either played or skipped
    assert play_st["frames"] + skipped == total, play_st
    data = recorded(p["drain"])
    played = expected(p["seed"], skipped, total - skipped)
    first = find_signal(data, played, 8, "F32LE")
    rest = data[(first + total - skipped) * 8:]
    assert rest == silence("F32LE") * (len(rest) // 8), \
        "not silence after the signal"
    for st in stats_lines(output(p["play"])[0]) + [play_st]:
        assert st["fill"] <= bound + PERIOD, st
    assert "keeping at most %d frames" % bound in output(p["play"])[1]
    log("--frames %d: %d of %d frames queued at once were skipped (the "
        "oldest), the rest played bit for bit" % (bound, skipped, total))

    # a producer writing in real time after a cushion of 24000 frames:
    # --latency 50 keeps 2400 (48 kHz); the cushion goes, the fill at the
    # start of each cycle stays within 2400 + a period
    src = new_name("src")
    feed = feeder(src, "--frames", str(RATE), "--pace", "--prefill",
                  "24000", go=True)
    play = jack(server, "play", src, "--latency", "50", "--stats", "0.1",
                "-v")
    wait_until(lambda: "attached to ring" in output(play)[1], "play")
    tell_go(feed)
    wait_until(lambda: any(st["skipped_frames"] > 0 for st in
                           stats_lines(output(play)[0])), "a skip")
    n = len(stats_lines(output(play)[0]))
    wait_until(lambda: len(stats_lines(output(play)[0])) >= n + 5,
               "five more statistics lines")
    st = check_clean_exit(finish(play), "play")
    finish(feed)
    assert st["skipped_frames"] >= 24000 - 2400 - 3 * PERIOD, st
    for line in stats_lines(output(play)[0]) + [st]:
        assert line["fill"] <= 2400 + PERIOD, line
    assert "keeping at most 2400 frames (50.00 ms)" in output(play)[1]
    log("--latency 50 on a paced producer with a 24000-frame cushion: %d "
        "frames skipped, fill at most %d" % (
            st["skipped_frames"], max(line["fill"] for line in
                                      stats_lines(output(play)[0]))))

    # a bound the ring cannot reach: said with --verbose, and harmless
    src = new_name("src")
    feed = feeder(src, "--frames", "4096", "--total", "4096", "--hold")
    play = jack(server, "play", src, "--frames", "5000", "--stats", "0.1",
                "-v")
    wait_until(lambda: "never drops any" in output(play)[1],
               "play saying the bound cannot act")
    wait_until(lambda: any(st["frames"] == 4096 for st in
                           stats_lines(output(play)[0])), "the ring played")
    st = check_clean_exit(finish(play), "play")
    finish(feed)
    assert st["skipped_frames"] == 0 and st["frames"] == 4096, st
    server.stop()


def wait_silence(dr, frames=RATE // 10):
    """Waits until the recording ends in @frames frames of silence."""
    sil = silence("F32LE") * frames

    def quiet():
        data = recorded(dr)
        n = len(data) - len(data) % 8
        return n >= len(sil) and data[n - len(sil):n] == sil
    wait_until(quiet, "silence in the recording")


def test_producer_death():
    """Killing the producer leaves play running on silence; a restarted
    producer (same ring) and then a new ring under the same name are picked
    up, each from its first frame."""
    server = Server()
    src, dst = new_name("src"), new_name("dst")
    ring_args = ["--frames", str(RATE), "--pace", "--prefill", "9600"]
    # the feeder waits until both channels are connected: a frame that
    # half reaches record is no frame of the signal
    feed = feeder(src, *ring_args, "--seed", "3", go=True)
    rec = jack(server, "record", dst, "--frames", str(8 * RATE))
    wait_until(lambda: rec_port(dst, 2) in server.ports(), "record's ports")
    dr = drain(dst)
    play = jack(server, "play", src, "-v", "--connect", "%s,%s" % (
        rec_port(dst, 1), rec_port(dst, 2)))
    wait_connected(server, play_port(src, 1), rec_port(dst, 1))
    wait_connected(server, play_port(src, 2), rec_port(dst, 2))
    tell_go(feed)
    frames = lambda: len(recorded(dr)) // 8
    start = frames()
    wait_until(lambda: frames() > start + RATE // 2, "some signal")
    feed.kill()
    feed.wait()
    children.remove(feed)
    wait_until(lambda: "producer gone; playing silence" in output(play)[1],
               "play noticing the producer's death")
    wait_silence(dr)
    assert play.poll() is None, "play died with its producer"

    # a restarted producer continues the same ring
    feed = helper("feed", src, "--open", "--pace", "--prefill", "9600",
                  "--seed", "5")
    wait_until(lambda: output(play)[1].count("attached") >= 2,
               "play noticing the new producer")
    t = frames()
    wait_until(lambda: frames() > t + RATE // 2, "the new producer's signal")

    # the ring removed and made anew under its name: play switches
    feed.kill()
    feed.wait()
    children.remove(feed)
    feed = helper("feed", src, "--unlink", *ring_args, "--seed", "9")
    wait_until(lambda: "was made anew" in output(play)[1],
               "play following the new ring")
    t = frames()
    wait_until(lambda: frames() > t + RATE // 2, "the new ring's signal")

    st = check_clean_exit(finish(play), "play")
    finish(rec)
    finish(dr)
    finish(feed)
    runs = Matcher([3, 5, 9]).feed(recorded(dr))
    seeds = [r[0] for r in runs]
    # seed 3 from frame 0, then 5 from 0, then 9 from 0, each contiguous
    # across any underrun, with silence between producers
    order = [s for k, s in enumerate(seeds) if k == 0 or seeds[k - 1] != s]
    assert order == [3, 5, 9], order
    for seed in (3, 5, 9):
        mine = [r for r in runs if r[0] == seed]
        assert mine[0][1] == 0, (seed, mine)
        assert all(a[2] == b[1] for a, b in zip(mine, mine[1:])), mine
    gap = [r for r in runs if r[0] == 5][0][3]
    assert gap > 0, "no silence between the dead producer and the next"
    log("producer killed after %d frames: play kept running, %d frames of "
        "silence, then a restarted producer and a new ring, each from its "
        "first frame; %d underruns" % (
            [r for r in runs if r[0] == 3][-1][2], gap, st["ran_dry"]))
    server.stop()


def test_overwrite_record():
    server = Server()
    ring = new_name()
    rec = jack(server, "record", ring, "--overwrite", "--frames", "4096",
               "--connect", "auto")
    wait_until(lambda: rec_port(ring, 1) in server.ports(), "record")
    time.sleep(0.5)
    st = check_clean_exit(finish(rec), "record")
    # an overwrite ring never drops, however long nobody reads
    assert st["filled_up"] == 0 and st["dropped_frames"] == 0, st
    assert st["frames"] > 4096, st
    server.stop()


def test_latency():
    server = Server()
    # nobody drains: record's ring fills up and stays full, so its input
    # ports' playback latency is the ring's capacity, exactly
    ring = new_name()
    rec = jack(server, "record", ring, "--frames", "4096", "-v")
    wait_until(lambda: (server.latency(rec_port(ring, 1)) or [0, 0])[1] ==
               (4096, 4096), "record's latency report")
    assert server.latency(rec_port(ring, 2))[1] == (4096, 4096)

    # a producer that keeps play's ring nearly full: the capture latency of
    # play's outputs is the ring's fill
    src = new_name()
    feed = feeder(src, "--frames", "8192", "--total", "1000000000",
                  "--hold")
    play = jack(server, "play", src, "-v")
    wait_until(lambda: (server.latency(play_port(src, 1)) or
                        [(0, 0)])[0][1] > 0, "play's latency report")
    lo, hi = server.latency(play_port(src, 1))[0]
    assert 0 < lo <= hi <= 8192, (lo, hi)
    st_play = check_clean_exit(finish(play), "play")
    st_rec = check_clean_exit(finish(rec), "record")
    assert st_rec["latency"] == "4096-4096", st_rec
    finish(feed)
    log("record's inputs: playback latency [4096 4096] = its full ring; "
        "play's outputs: capture latency [%d %d] of an 8192-frame ring; "
        "play's last report %s" % (lo, hi, st_play["latency"]))
    server.stop()


def test_freewheel():
    server = Server()
    p = pipeline(server, total=RATE // 4)
    env = client_env(server.name)
    r = subprocess.run(["jack_freewheel", "y"], capture_output=True,
                       text=True, env=env, timeout=30)
    assert r.returncode == 0, r.stderr
    wait_until(lambda: "freewheeling" in output(p["play"])[1],
               "play noticing freewheel")
    time.sleep(0.3)
    r = subprocess.run(["jack_freewheel", "n"], capture_output=True,
                       text=True, env=env, timeout=30)
    assert r.returncode == 0, r.stderr
    wait_until(lambda: "stopped freewheeling" in output(p["rec"])[1],
               "record noticing the end of freewheel")
    # and it still carries the signal bit for bit
    res = run_pipeline(p)
    find_signal(res["data"], res["want"], 8, "F32LE")
    check_clean_exit(res["play"], "play")
    check_clean_exit(res["rec"], "record")
    server.stop()


# --- tests: server shutdown, signals -----------------------------------------

def test_server_shutdown():
    for sig in (signal.SIGKILL, signal.SIGTERM):
        server = Server()
        src, dst = new_name("src"), new_name("dst")
        feed = feeder(src, "--hold")
        rec = jack(server, "record", dst)
        wait_until(lambda: rec_port(dst, 1) in server.ports(),
                   "record's ports")
        play = jack(server, "play", src, "--connect", rec_port(dst, 1))
        wait_connected(server, play_port(src, 1), rec_port(dst, 1))
        t0 = time.monotonic()
        if sig == signal.SIGKILL:
            server.crash()
        else:
            server.terminate()
        took = {}
        for name, p in (("play", play), ("record", rec)):
            p.wait(timeout=DEADLINE)
            took[name] = time.monotonic() - t0
            status, out, err = finish(p)
            assert status == 69, (name, status, err)
            assert "the JACK server shut down or dropped the client" in err, \
                err
            stats(out)
        # record removed its ring on the way out
        assert not os.path.exists(SHM + "ringbridge-" + dst)
        finish(feed)
        server.stop()
        log("jackd killed with %s: play exited 69 after %.3f s, record "
            "after %.3f s" % (signal.Signals(sig).name, took["play"],
                              took["record"]))


def test_reconnect():
    server = Server()
    src, dst = new_name("src"), new_name("dst")
    feed = feeder(src, "--frames", str(RATE), "--pace", "--prefill", "4800",
                  "--seed", "4")
    rec = jack(server, "record", dst, "--reconnect", "--connect", "auto")
    play = jack(server, "play", src, "--reconnect", "--connect",
                "system:playback_1,system:playback_2")
    wait_connected(server, play_port(src, 2), "system:playback_2")
    wait_connected(server, rec_port(dst, 2), "system:capture_2")
    server.crash()
    wait_until(lambda: "waiting for it to come back" in output(play)[1] and
               "waiting for it to come back" in output(rec)[1],
               "both clients noticing")
    time.sleep(1.0)
    assert play.poll() is None and rec.poll() is None
    t0 = time.monotonic()
    server.start()
    wait_connected(server, play_port(src, 1), "system:playback_1")
    wait_connected(server, play_port(src, 2), "system:playback_2")
    wait_connected(server, rec_port(dst, 1), "system:capture_1")
    wait_connected(server, rec_port(dst, 2), "system:capture_2")
    took = time.monotonic() - t0
    for name, p in (("play", play), ("record", rec)):
        status, out, err = finish(p)
        assert status == 0, (name, status, err)
        assert "reconnected to the JACK server" in err, err
        st = stats(out)
        assert st["cycles"] > 0
    finish(feed)
    log("after a jackd restart both clients were back, ports and "
        "connections restored, %.2f s after the new server started" % took)
    server.stop()


def test_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        server = Server()
        ring = new_name()
        rec = jack(server, "record", ring, "--stats", "0.2")
        # a statistics line comes every 0.2 s from the start, JACK's first
        # cycle whenever the server gets to it: wait for one that counted
        wait_until(lambda: any(s["cycles"] > 0
                               for s in stats_lines(output(rec)[0])),
                   "a statistics line with a cycle counted")
        status, out, err = finish(rec, sig)
        assert status == 0, (sig, status, err)
        st = stats(out)
        assert st["cycles"] > 0 and st["frames"] > 0, st
        assert err == "", err
        assert not os.path.exists(SHM + "ringbridge-" + ring)
        server.stop()


# --- tests: what the counters count ------------------------------------------

def stat_counters(ring):
    """The ring's own counters as ringbridge-stat prints them (JSON)."""
    assert STAT, "no ringbridge-stat given to the test"
    r = subprocess.run([STAT, "--json", ring], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, (r.returncode, r.stderr)
    return json.loads(r.stdout)["rings"][0]["counters"]


def helper_json(proc):
    status, out, err = finish(proc)
    assert status == 0, (status, err)
    return json.loads(out.splitlines()[-1])


def test_play_counters():
    """play's ran_dry counts the times the ring ran dry (a short cycle
    after a full one); the ring's underruns (ringbridge-stat, the library)
    count every read that came up short, whoever made it. Two bursts of
    exactly ten periods each: ran_dry is 2, and every other cycle is a
    short read."""
    server = Server()
    src = new_name("src")
    per = 10 * PERIOD
    feed = feeder(src, "--frames", "4096", "--seed", "5", "--total",
                  str(2 * per), "--bursts", "2", "--gap-ms", "300", "--hold",
                  go=True)
    play = jack(server, "play", src, "--stats", "0.1")
    wait_until(lambda: play_port(src, 2) in server.ports(), "play's ports")
    wait_until(lambda: "stats:" in output(play)[0], "play running")
    tell_go(feed)
    wait_until(lambda: "done" in output(feed)[0], "the bursts")
    wait_until(lambda: any(st["frames"] == 2 * per and st["silent_frames"] >
                           0 for st in stats_lines(output(play)[0])[-1:]),
               "both bursts played")
    st = check_clean_exit(finish(play), "play")
    ring = stat_counters(src)
    finish(feed)
    log("play: %s; ring: %s" % (st, ring))
    assert "underruns" not in st, "play's episodes share the ring's name"
    assert st["frames"] == 2 * per, st
    assert st["ran_dry"] == 2, st
    short = st["cycles"] - 2 * per // PERIOD
    assert st["silent_frames"] == short * PERIOD, st
    assert ring["underruns"] == short, (ring, st)
    assert ring["overruns"] == 0, ring
    server.stop()


def test_record_counters():
    """record's filled_up counts the times the ring filled up; the ring's
    overruns count every write that came up short. A ring of 512 frames
    that nobody reads: 8 cycles fit, every later one is a short write, and
    it filled up once."""
    server = Server()
    dst = new_name("dst")
    rec = jack(server, "record", dst, "--frames", "512", "--stats", "0.1")
    wait_until(lambda: os.path.exists(SHM + "ringbridge-" + dst),
               "record's ring")
    proc_idle = helper("drain", dst, "--idle")
    wait_until(lambda: any(st["cycles"] > 40 for st in
                           stats_lines(output(rec)[0])[-1:]), "40 cycles")
    st = check_clean_exit(finish(rec), "record")
    # the idle consumer keeps the ring: record leaves it to it
    ring = stat_counters(dst)
    got = helper_json(proc_idle)
    log("record: %s; ring: %s; consumer saw %s" % (st, ring, got))
    assert "overruns" not in st, "record's episodes share the ring's name"
    assert st["frames"] == 512, st
    assert st["filled_up"] == 1, st
    assert st["dropped_frames"] == st["cycles"] * PERIOD - 512, st
    assert ring["overruns"] == st["cycles"] - 512 // PERIOD, (ring, st)
    assert got["overruns"] == ring["overruns"], got
    assert ring["underruns"] == 0, ring
    rb_unlink(dst)
    server.stop()


def rb_unlink(ring):
    try:
        os.unlink(SHM + "ringbridge-" + ring)
    except FileNotFoundError:
        pass


# --- tests: exits leave nothing behind, and come when asked -------------------

def test_no_stale_ring_after_signals():
    """record then play on one ring, each ended by SIGINT: record leaves
    the ring to play, and play, its last user, removes it."""
    server = Server()
    ring = new_name()
    rec = jack(server, "record", ring)
    wait_until(lambda: rec_port(ring, 2) in server.ports(), "record's ports")
    play = jack(server, "play", ring, "--connect", "%s,%s" % (
        rec_port(ring, 1), rec_port(ring, 2)), "--stats", "0.1")
    wait_until(lambda: "stats:" in output(play)[0], "play running")
    status, out, err = finish(rec, signal.SIGINT)
    assert status == 0, (status, err)
    assert os.path.exists(SHM + "ringbridge-" + ring), \
        "record removed the ring its consumer still reads"
    status, out, err = finish(play, signal.SIGINT)
    assert status == 0, (status, err)
    assert not os.path.exists(SHM + "ringbridge-" + ring), \
        "play, the ring's last user, left /dev/shm/ringbridge-%s" % ring
    server.stop()


def record_and_play(rec_server, play_server):
    """record on @rec_server making a new ring, play reading it on
    @play_server, both running. Returns (ring, record, play)."""
    ring = new_name()
    rec = jack(rec_server, "record", ring)
    wait_until(lambda: rec_port(ring, 2) in rec_server.ports(),
               "record's ports")
    play = jack(play_server, "play", ring, "--stats", "0.1")
    wait_until(lambda: "stats:" in output(play)[0], "play running")
    return ring, rec, play


def test_no_stale_ring_after_server_death():
    """The same when jackd dies. record and play run on two servers, so
    that they go one after the other: record's server dies first (record
    leaves the ring to play), then play's; nothing stays."""
    server_a, server_b = Server(), Server()
    ring, rec, play = record_and_play(server_a, server_b)
    server_a.crash()
    status, out, err = finish(rec, timeout=DEADLINE)
    assert status == 69, ("record", status, err)
    assert os.path.exists(SHM + "ringbridge-" + ring), \
        "record removed the ring its consumer still reads"
    server_b.crash()
    play.wait(timeout=DEADLINE)
    status, out, err = finish(play)
    assert status == 69, ("play", status, err)
    assert not os.path.exists(SHM + "ringbridge-" + ring), \
        "/dev/shm/ringbridge-%s left behind after jackd died" % ring
    server_a.stop()
    server_b.stop()

    # one server: both get the shutdown at once and leave together;
    # whichever goes last removes the ring (two rounds, for the race)
    for _ in range(2):
        server = Server()
        ring, rec, play = record_and_play(server, server)
        server.crash()
        for name, p in (("record", rec), ("play", play)):
            p.wait(timeout=DEADLINE)
            status, out, err = finish(p)
            assert status == 69, (name, status, err)
        assert not os.path.exists(SHM + "ringbridge-" + ring), \
            "/dev/shm/ringbridge-%s left behind after jackd died" % ring
        server.stop()


def test_no_stale_ring_after_producer_death():
    """play on a ring whose producer died (left it behind): play is its
    last user, and removes it on SIGINT."""
    server = Server()
    ring = new_name()
    feed = feeder(ring, "--hold")
    play = jack(server, "play", ring, "--stats", "0.1")
    wait_until(lambda: "stats:" in output(play)[0], "play running")
    feed.kill()
    feed.wait(timeout=DEADLINE)
    finish(feed)
    status, out, err = finish(play, signal.SIGINT)
    assert status == 0, (status, err)
    assert not os.path.exists(SHM + "ringbridge-" + ring), \
        "play left the ring of a dead producer behind"
    server.stop()


def sigint_ends(proc, what):
    """SIGINT to @proc (@what, for the message) must end it within a
    second. Returns the seconds it took."""
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s still running 1 s after SIGINT" % what)
    return time.monotonic() - t0


def sigint_with_jackd_stopped(server, proc, what):
    """SIGINT to @proc while @server is stopped (SIGSTOP): it must end
    within a second. Returns (status, stderr, seconds)."""
    os.kill(server.proc.pid, signal.SIGSTOP)
    try:
        time.sleep(0.2)
        took = sigint_ends(proc, what + " with jackd stopped")
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
    status, out, err = finish(proc)
    return status, err, took


def test_sigint_while_jack_hangs():
    """jackd stopped (SIGSTOP): libjack blocks in jack_deactivate() or
    jack_client_open(); Ctrl-C ends ringbridge-jack within a second all the
    same, with status 69 and a message, and record's ring is removed."""
    server = Server()
    ring = new_name()
    rec = jack(server, "record", ring, "--stats", "0.1")
    wait_until(lambda: "stats:" in output(rec)[0], "record running")
    status, err, took = sigint_with_jackd_stopped(server, rec, "record")
    log("record: SIGINT with jackd stopped: status %d after %.3f s" % (
        status, took))
    assert status == 69, (status, err)
    assert "the JACK server did not answer" in err, err
    assert not os.path.exists(SHM + "ringbridge-" + ring)

    # stuck in jack_client_open() from the start
    os.kill(server.proc.pid, signal.SIGSTOP)
    try:
        rec = jack(server, "record", new_name())
        time.sleep(0.5)
        assert rec.poll() is None, output(rec)
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
    status, err, took = sigint_with_jackd_stopped(server, rec, "record")
    log("record opening: SIGINT with jackd stopped: status %d after %.3f s"
        % (status, took))
    assert status == 69, (status, err)
    assert "the JACK server did not answer" in err, err
    # a jackd that was stopped under its clients may hang on SIGTERM
    server.crash()
    server.stop()


def test_sigint_without_file_descriptors():
    """With a handful of file descriptors libjack never finishes opening
    the client, though the server runs (with some limits it fails instead,
    depending on where it runs out: the test takes the first limit from 8
    up under which the program is still in libjack after a second). Ctrl-C
    ends it within a second all the same."""
    import resource

    server = Server()
    hung = None
    for limit in range(8, 17):
        def few_fds(limit=limit):
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        ring = new_name()
        out = open(os.path.join(tmpdir, ring + ".out"), "w+")
        err = open(os.path.join(tmpdir, ring + ".err"), "w+")
        proc = subprocess.Popen([JACK, "record", ring, "--server",
                                 server.name, "--no-start-server"],
                                stdout=out, stderr=err,
                                env=client_env(server.name), text=True,
                                preexec_fn=few_fds)
        proc.out_file, proc.err_file = out, err
        children.append(proc)
        time.sleep(1.0)
        if proc.poll() is None:
            hung = limit
            break
        log("with %d file descriptors: exited %d: %s" % (
            limit, proc.returncode, output(proc)[1].strip()))
        finish(proc)
    assert hung is not None, "libjack never blocked for lack of file " \
        "descriptors (8 to 16): nothing to interrupt"
    took = sigint_ends(proc, "record with %d file descriptors" % hung)
    status, _, err_text = finish(proc)
    log("with %d file descriptors: SIGINT ended it with %d after %.3f s" % (
        hung, status, took))
    assert status == 69, (status, err_text)
    assert "the JACK server did not answer" in err_text, err_text
    server.stop()


# --- tests: shared rings, on purpose -----------------------------------------

def check_opt_in(ring, feed, refusal, flag, what):
    """play refuses the ring fed by @feed with exit status 77, a message
    holding @refusal and naming @flag; with @flag it plays it."""
    server = Server()
    r = run_jack("play", ring, "--no-start-server", server=server)
    expect_failure(r, 77, refusal, flag)
    play = jack(server, "play", ring, flag, "--stats", "0.1")
    wait_until(lambda: "stats:" in output(play)[0] or play.poll() is not
               None, what)
    status, out, err = finish(play)
    assert status == 0, (status, err)
    finish(feed)
    rb_unlink(ring)
    server.stop()


def test_shared_write_opt_in():
    """A ring writable by group or others is refused unless
    --allow-shared-write says it is meant; one of another user unless
    --any-owner."""
    ring = new_name()
    feed = feeder(ring, "--mode", "0660", "--hold")
    check_opt_in(ring, feed, "writable by others", "--allow-shared-write",
                 "play on a group-writable ring")


def test_any_owner_opt_in():
    """A ring of another user is refused unless --any-owner says it is
    meant. Making one takes root (setpriv runs the feeder as nobody)."""
    assert os.geteuid() == 0 and shutil.which("setpriv"), \
        "needs root and setpriv to make a ring of another user"
    ring = new_name()
    feed = spawn([shutil.which("setpriv"), "--reuid=65534", "--regid=65534",
                  "--clear-groups", HELPER, "feed", ring, "--mode", "0644",
                  "--hold"], stdin=subprocess.PIPE)
    wait_until(lambda: "ready" in output(feed)[0] or feed.poll() is not None,
               "a feeder as uid 65534")
    assert feed.poll() is None, output(feed)
    check_opt_in(ring, feed, "owned by uid 65534", "--any-owner",
                 "play on another user's ring")


# --- tests: RealtimeSanitizer in the real client ------------------------------

def test_rtsan_client():
    """The real client, built with the RTSan runtime, under jackd: rt.c's
    hooks arm RTSan in JACK's process thread for every callback, through a
    loopback, underruns, a dying producer and a freewheel."""
    assert RTSAN_CLIENT, "no RTSan build of the client"
    nm = subprocess.run(["nm", RTSAN_CLIENT], capture_output=True, text=True,
                        timeout=30).stdout
    assert re.search(r" T __rtsan_realtime_enter$", nm, re.M), \
        "the RTSan client does not define the hooks rt.c calls"
    nm = subprocess.run(["nm", JACK], capture_output=True, text=True,
                        timeout=30).stdout
    assert not re.search(r" T __rtsan_realtime_enter$", nm, re.M)

    server = Server()
    p = pipeline(server, total=RATE, play_exe=RTSAN_CLIENT,
                 rec_exe=RTSAN_CLIENT)
    subprocess.run(["jack_freewheel", "y"], env=client_env(server.name),
                   capture_output=True, timeout=30)
    time.sleep(0.2)
    subprocess.run(["jack_freewheel", "n"], env=client_env(server.name),
                   capture_output=True, timeout=30)
    res = run_pipeline(p)
    find_signal(res["data"], res["want"], 8, "F32LE")
    play = check_clean_exit(res["play"], "play")
    rec = check_clean_exit(res["rec"], "record")
    log("RTSan armed in %d play and %d record callbacks under jackd: 0 "
        "violations" % (play["cycles"], rec["cycles"]))
    server.stop()


GROUPS = {
    "cli": [test_help_version_man, test_usage_errors, test_time_units,
            test_no_server],
    "rings": [test_bad_rings, test_record_existing_ring,
              test_shared_write_opt_in, test_any_owner_opt_in],
    "ports": [test_ports, test_connect],
    "loopback": [test_loopback_f32, test_buffer_size_change],
    "formats": [test_play_formats, test_record_formats],
    "underrun": [test_underrun, test_overwrite_record],
    "bound": [test_play_bound],
    "producer": [test_producer_death],
    "latency": [test_latency, test_freewheel],
    "shutdown": [test_server_shutdown, test_signals],
    "reconnect": [test_reconnect],
    "counters": [test_play_counters, test_record_counters],
    "exit": [test_no_stale_ring_after_signals,
             test_no_stale_ring_after_server_death,
             test_no_stale_ring_after_producer_death,
             test_sigint_while_jack_hangs,
             test_sigint_without_file_descriptors],
    "rtsan": [test_rtsan_client],
}


def end_process(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    if proc in children:
        children.remove(proc)


def cleanup():
    for proc in list(children):
        if all(proc is not s.proc for s in servers):
            try:
                end_process(proc)
            except Exception:
                pass
    for server in list(servers):
        server.stop()
    # the safety net: a slot of ours left in JACK's table is freed by a
    # server of its name starting and ending cleanly
    for name in registered_servers():
        log("jackd %s is still registered: freeing its slot" % name)
        Server(name=name).stop()
    for p in glob.glob(SHM + "ringbridge-" + PREFIX + "*"):
        try:
            os.unlink(p)
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise
    shutil.rmtree(tmpdir, ignore_errors=True)


def on_sigterm(sig, frame):
    # meson's timeout: stop the servers cleanly on the way out
    raise SystemExit(1)


def main():
    signal.signal(signal.SIGTERM, on_sigterm)
    tests = GROUPS[GROUP]
    passed = failed = 0
    print("1..%d" % len(tests))
    try:
        for i, test in enumerate(tests, 1):
            name = test.__name__[5:]
            t0 = time.monotonic()
            try:
                test()
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i, name))
                log(traceback.format_exc())
                for proc in children:
                    out, err = output(proc)
                    log("%s: %s\n%s%s" % (proc.pid, " ".join(proc.args),
                                          out[-2000:], err[-2000:]))
            else:
                passed += 1
                print("ok %d - %s (%.1f s)" % (i, name,
                                               time.monotonic() - t0))
            sys.stdout.flush()
            # whatever a failed test left running goes before the next:
            # clients first, and cleanly (a synchronous jackd waits long
            # for a client that vanished)
            for proc in list(children):
                if all(proc is not s.proc for s in servers):
                    end_process(proc)
            for server in list(servers):
                server.stop()
    finally:
        cleanup()
    left = glob.glob(SHM + "ringbridge-" + PREFIX + "*") + \
        registered_servers()
    if left:
        print("# left behind: %s" % left)
    failed += bool(left)
    print("# %d passed, %d failed" % (passed, failed))
    return int(failed > 0)


if __name__ == "__main__":
    sys.exit(main())
