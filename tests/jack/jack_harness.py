# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""test-jack.py's harness: its arguments, private jackd servers, processes
(ringbridge-jack, ring-helper feeding and draining rings), pipelines of
the known signal (jack_signal.py), and the TAP runner that leaves nothing
behind. test-jack-readers.py uses it too."""

import errno
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
# servers come and go under the jackd lock (registry_lock): jackd 1.9 loses
# registrations when servers come and go at the same moment (the registry
# then keeps a slot for a server that ended cleanly)
from jackprocs import read_output, registry_lock, spawn_logged  # noqa: E402

JACK, HELPER, MAN, RTSAN_CLIENT, GROUP = sys.argv[1:6]
STAT = sys.argv[6] if len(sys.argv) > 6 else None
# hang-close.c's module: a jack_client_close() that never returns
HANG_CLOSE = sys.argv[7] if len(sys.argv) > 7 else None
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


from jack_signal import SAMPLE_SIZE, expected  # noqa: E402


# --- processes ---------------------------------------------------------------

def spawn(args, stdin=None, env=None, name=None):
    proc = spawn_logged(args, os.path.join(tmpdir, name or new_name("o")),
                        stdin=stdin, env=env)
    children.append(proc)
    return proc


# (stdout, stderr) of a process spawn() started, so far
output = read_output


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


def wait_jackd(name, proc, timeout):
    """Waits up to TIMEOUT s for the server PROC started as NAME to take
    clients. jack_wait -w gives up at once, not only at its timeout, when
    libjack's open fails with anything but "server failed" (a server that
    has made its socket but is not serving yet, seen on a loaded machine),
    so it is asked again while the server runs. jack_wait itself can
    hang past its -t in libjack's open (seen once under ASan, on a server
    that had started but was not answering yet): it is killed 10 s after
    its own timeout and asked again too."""
    end = time.monotonic() + timeout
    while True:
        try:
            r = subprocess.run(["jack_wait", "-s", name, "-w", "-t",
                                str(timeout)], capture_output=True,
                               text=True, timeout=timeout + 10)
            ok = r.returncode == 0
        except subprocess.TimeoutExpired:
            log("jack_wait -s %s hung past its timeout; asking again" %
                name)
            ok = False
        if proc.poll() is not None:
            return False
        if ok:
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.2)


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
            if wait_jackd(self.name, self.proc, 20):
                self.crashed = False
                return
            err = output(self.proc)[1]
            alive = self.proc.poll() is None
            self._end(signal.SIGTERM)
            # other tests' servers (or anyone's) fill the table: wait
            if "Too many servers" in err and time.monotonic() < deadline:
                log("jackd %s: too many JACK servers on this machine; "
                    "waiting for one to end" % self.name)
                time.sleep(1)
                continue
            # running but never answering (a loaded machine): once more
            if alive and time.monotonic() < deadline:
                log("jackd %s ran but did not take clients in 20 s; "
                    "starting it again" % self.name)
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


def stats_lines(text, label="stats"):
    """The fields of every statistics line of @label."""
    out = []
    for line in text.splitlines():
        if line.startswith("ringbridge-jack: %s: " % label):
            out.append(stats(line, label))
    return out


def rb_unlink(ring):
    try:
        os.unlink(SHM + "ringbridge-" + ring)
    except FileNotFoundError:
        pass


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


def run_tests(tests):
    """Runs @tests (functions named test_*) as TAP; returns the exit status."""
    signal.signal(signal.SIGTERM, on_sigterm)
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

