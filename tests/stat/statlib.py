# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""What the ringbridge-stat tests share: the programs from the command
line, making rings in known states with stat-helper, running
ringbridge-stat (on a terminal too), and the TAP runner.

Rings are made and held by stat-helper processes (public API), so liveness
is real. Every ring name carries this process's pid; every ring made here
is removed at the end, whatever happens.

Usage of a test script: SCRIPT RINGBRIDGE-STAT STAT-HELPER
[RINGBRIDGE-STAT.1]
"""

import errno
import fcntl
import glob
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
import traceback

STAT = sys.argv[1]
HELPER = sys.argv[2]
MAN = sys.argv[3] if len(sys.argv) > 3 else None

SHM = "/dev/shm/ringbridge-"
PREFIX = "rbstat-%d-" % os.getpid()
PREFIX_INVALID = ".rbstat-%d-" % os.getpid()    # not a valid ring name
PAGE = os.sysconf("SC_PAGE_SIZE")

# offsets in the ring header (lib/ringbridge/rb-shm-private.h)
OFF_LAYOUT_VERSION = 8
OFF_CAPACITY = 16

children = []
counter = 0


def new_name():
    global counter
    counter += 1
    return "%s%d" % (PREFIX, counter)


def path_of(name):
    return SHM + name


def run(*args, **kwargs):
    return subprocess.run([STAT, *args], capture_output=True, text=True,
                          timeout=30, **kwargs)


def helper(*args, hold=False):
    """Runs stat-helper until it says "ready"; returns the process if it
    holds the ring (--hold, --trickle), after it exited otherwise."""
    proc = subprocess.Popen([HELPER, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError("stat-helper %s failed: %s" % (args, err))
    if hold:
        children.append(proc)
        return proc
    assert proc.wait(timeout=10) == 0
    return None


def kill(proc, sig=signal.SIGKILL, reap=True):
    proc.send_signal(sig)
    if reap:
        proc.wait(timeout=10)
        if proc in children:
            children.remove(proc)


def wait_state(pid, letters, timeout=5.0):
    """Waits until /proc/PID/stat shows one of @letters."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        if state in letters:
            return
        time.sleep(0.01)
    raise AssertionError("pid %d never reached state %s" % (pid, letters))


def rings_json(*names, status=0):
    r = run("--json", *names)
    assert r.returncode == status, (r.returncode, r.stderr)
    doc = json.loads(r.stdout)
    assert list(doc.keys()) == ["rings"], doc.keys()
    return {ring["name"]: ring for ring in doc["rings"]}


def one_json(name, status=0):
    return rings_json(name, status=status)[name]


def field(text, label):
    """The value of one "  label     value" line of the text listing."""
    m = re.search(r"^  %s +(.*)$" % re.escape(label), text, re.M)
    assert m, "no %r line in:\n%s" % (label, text)
    return m.group(1)


def check_failure(r, status, *fragments):
    assert r.returncode == status, \
        "status %d, expected %d; stderr: %s" % (r.returncode, status, r.stderr)
    assert r.stderr, "no message on stderr"
    for line in r.stderr.splitlines():
        if not line.startswith("Try "):
            assert line.startswith("ringbridge-stat: "), line
    for frag in fragments:
        assert frag in r.stderr, "%r not in %r" % (frag, r.stderr)


def patch(name, offset, data):
    with open(path_of(name), "r+b") as f:
        f.seek(offset)
        f.write(data)


def file_bytes(name):
    with open(path_of(name), "rb") as f:
        return f.read()



def watch_in_pty(args, rows, cols, steps, timeout=15):
    """Runs ringbridge-stat ARGS on a ROWSxCOLS terminal that is its
    controlling terminal and its standard input. STEPS: (ready, key)
    pairs, in order: once ready(output so far) is true, KEY is typed.
    Returns (output, the terminal's local flags after the exit, the exit
    status); fails if a step was never ready."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ,
                struct.pack("HHHH", rows, cols, 0, 0))

    def controlling_tty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    w = subprocess.Popen([STAT, *args], stdin=slave, stdout=slave,
                         stderr=slave, preexec_fn=controlling_tty)
    out = b""
    steps = list(steps)
    deadline = time.monotonic() + timeout
    try:
        while w.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    out += os.read(master, 65536)
                except OSError:
                    break
            if steps and steps[0][0](out):
                os.write(master, steps.pop(0)[1])
        assert not steps, "never ready for key %r: %r" % (steps[0][1],
                                                         out[-3000:])
        status = w.wait(timeout=10)
        lflag = termios.tcgetattr(slave)[3]
    finally:
        if w.poll() is None:
            w.kill()
            w.wait(timeout=10)
        os.close(master)
        os.close(slave)
    return out, lflag, status


def cleanup():
    for proc in children:
        try:
            proc.kill()
            proc.wait(timeout=10)
        except Exception:
            pass
    for p in glob.glob(SHM + PREFIX + "*") + glob.glob(SHM + PREFIX_INVALID
                                                       + "*"):
        try:
            os.unlink(p)
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise


def run_tests(namespace):
    """Runs every test_* function of NAMESPACE (a script's globals()) in
    name order, as TAP; returns the exit status. There is no skip: a test
    that cannot check what it should fails, with the reason."""
    tests = [v for k, v in sorted(namespace.items())
             if k.startswith("test_") and callable(v)]
    passed = failed = 0
    print("1..%d" % len(tests))
    try:
        for i, test in enumerate(tests, 1):
            name = test.__name__[5:]
            try:
                test()
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i, name))
                for line in traceback.format_exc().splitlines():
                    print("# " + line)
            else:
                passed += 1
                print("ok %d - %s" % (i, name))
            sys.stdout.flush()
    finally:
        cleanup()
    left = glob.glob(SHM + PREFIX + "*")
    if left:
        print("# left behind: %s" % left)
        failed += 1
    print("# %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
