# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The command line of ringbridge-jack (--help, --version, the manual page,
usage errors, time units, no server) and the rings it refuses or shares
on purpose (groups cli and rings of test-jack.py)."""

import os
import re
import shutil
import subprocess
import time

from jack_harness import (DEADLINE, HELPER, MAN, PREFIX, SHM, drain,
                          expect_failure, feeder, finish, helper, jack, log,
                          new_name, output, rb_unlink, rec_port, recorded,
                          run_jack, Server, spawn, wait_until)
from jack_signal import expected


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


def test_latency_below_two_periods():
    """play --resample=on holds at least two JACK periods: asked for 5 ms
    (240 frames) at 1024-frame periods, it warns once and holds 2048 (a
    cycle takes a whole period from the ring; below that the loop runs the
    ring dry every few cycles)."""
    server = Server(period=1024)
    ring = new_name()
    feed = feeder(ring, "--hold")
    play = jack(server, "play", ring, "--resample", "on", "--latency", "5",
                "--verbose")
    want = ("warning: a fill of 240 frames (5.00 ms) is less than two JACK "
            "periods of 1024 frames, which resampling needs; holding 2048 "
            "frames")

    def told():
        err = output(play)[1]
        return want in err and "resampling target: 2048 frames" in err
    wait_until(told, "play's warning about the target")
    status, _, err = finish(play)
    assert status == 0, err
    assert err.count("warning: a fill of") == 1, err
    finish(feed)
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
