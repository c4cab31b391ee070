# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""How ringbridge-jack ends and what it counts: server shutdown and
reconnects, signals, the counters, exits that leave no ring behind, and
RealtimeSanitizer in the real client (groups shutdown, reconnect,
counters, exit and rtsan of test-jack.py)."""

import json
import os
import re
import signal
import subprocess
import time

from jack_harness import (DEADLINE, HANG_CLOSE, JACK, PERIOD, RATE,
                          RTSAN_CLIENT, SHM, STAT, check_clean_exit,
                          children, client_env, feeder, finish, helper, jack,
                          log, new_name, output, pipeline, play_port,
                          rb_unlink, rec_port, run_pipeline, Server, spawn,
                          stats, stats_lines, tell_go, tmpdir, wait_connected,
                          wait_until)
from jack_signal import find_signal


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


def test_shutdown_close_hangs():
    """libjack's jack_client_close() can block for good after the server
    shut down (jack2 issue 395): ringbridge-jack waits 2 s for it, says
    so, and exits 69 anyway; record still removes its ring. A preloaded
    jack_client_close() that never returns (hang-close.c) is the hang."""
    assert HANG_CLOSE, "the jack suite passes hang-close.c's module"
    server = Server()
    src, dst = new_name("src"), new_name("dst")
    feed = feeder(src, "--hold")
    env = client_env(server.name)
    env["LD_PRELOAD"] = " ".join(
        x for x in (os.environ.get("LD_PRELOAD"), HANG_CLOSE) if x)
    # in the ASan build the runtime is linked, not preloaded, and refuses
    # to start behind a preloaded library; the module defines one libjack
    # function and nothing the runtime intercepts
    env["ASAN_OPTIONS"] = ":".join(
        x for x in (os.environ.get("ASAN_OPTIONS"),
                    "verify_asan_link_order=0") if x)
    procs = {}
    for mode, ring in (("record", dst), ("play", src)):
        procs[mode] = spawn([JACK, mode, ring, "--server", server.name,
                             "--no-start-server"], env=env,
                            name="hang-" + mode)
    wait_until(lambda: rec_port(dst, 1) in server.ports() and
               play_port(src, 1) in server.ports(), "both clients' ports")
    t0 = time.monotonic()
    server.terminate()
    for mode, p in procs.items():
        p.wait(timeout=DEADLINE)
        took = time.monotonic() - t0
        status, out, err = finish(p)
        assert status == 69, (mode, status, err)
        assert "the JACK server shut down or dropped the client" in err, err
        assert "did not finish closing the client within 2 s" in err, err
        stats(out)
        assert 1.5 < took < DEADLINE, (mode, took)
        log("%s with a hung close exited 69 after %.2f s" % (mode, took))
    assert not os.path.exists(SHM + "ringbridge-" + dst)
    finish(feed)
    server.stop()


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
