# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Ports and connections, and audio through ringbridge-jack: loopback, every
sample format, buffer size changes, underruns, bounded play, the
producer's death, overwrite record, latency and freewheel (groups ports,
loopback, formats, underrun, bound, producer and latency of test-jack.py)."""

import json
import os
import re
import subprocess
import time

from jack_harness import (DEADLINE, PERIOD, RATE, SHM, Server,
                          check_clean_exit, children, client_env, drain,
                          feeder, finish, helper, jack, log, new_name,
                          output, pipeline, play_port, rec_port, recorded,
                          run_pipeline, stats, stats_lines, tell_go,
                          wait_connected, wait_until)
from jack_signal import Matcher, SAMPLE_SIZE, expected, find_signal, silence


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
    # JACK's own mapping moves when its dummy backend drops the time of a
    # late wake-up (an xrun; without realtime, on a loaded machine, tens
    # of them): by at most the time dropped, which jackd logs
    dropped_ms = sum(int(us) for us in re.findall(
        r"XRun = (\d+) usec", output(server.proc)[1])) / 1000
    assert abs(skew) < 2.0 + dropped_ms, \
        "clock point off JACK's own mapping by %g ms (JACK dropped %g ms " \
        "to xruns)" % (skew, dropped_ms)
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
    # ports' playback latency is the ring's capacity, exactly: the 1000
    # frames asked (not rounded up to a power-of-two size, issue #15)
    ring = new_name()
    rec = jack(server, "record", ring, "--frames", "1000", "-v")
    wait_until(lambda: (server.latency(rec_port(ring, 1)) or [0, 0])[1] ==
               (1000, 1000), "record's latency report")
    assert server.latency(rec_port(ring, 2))[1] == (1000, 1000)

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
    assert st_rec["latency"] == "1000-1000", st_rec
    finish(feed)
    log("record's inputs: playback latency [1000 1000] = its full ring; "
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
