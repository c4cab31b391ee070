#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-jack holds its latency against a drifting peer (issue #13).

One case per run, on a private jackd (dummy backend, 48 kHz, 64-frame
periods):

  play PPM [off]   paced-tone writes a 1 kHz tone into ring A at
                   48000 * (1 + PPM/10^6) frames per CLOCK_MONOTONIC
                   second; `ringbridge-jack play A --resample=on` (or
                   `--resample=off --latency 20`, the negative control)
                   plays it into `ringbridge-jack record B --resample=off`,
                   and ring-helper saves ring B.
  record PPM       paced-tone writes the tone at JACK's rate into ring A,
                   `play A --resample=off` plays it into `record B
                   --resample=on`, and paced-tone reads ring B at
                   48000 * (1 + PPM/10^6) frames per second.

After lock-in (the first LOCK_S seconds), the resampling side must show:
no underruns or overruns on either side of the ring, no frames skipped,
inserted or dropped, its smoothed fill within one period of the target in
every statistics line, and a recorded tone that is continuous (no block
of the recording departs from a sine: a single skipped or repeated frame
shows as a residual 50 dB above the resampler's) at the expected
frequency. The negative control must fail these checks.

Usage: test-clocks-jack.py RINGBRIDGE-JACK RING-HELPER PACED-TONE CASE...
Environment: RB_CLOCKS_SECONDS (default 60) shortens a run by hand.
Output is TAP.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from jackprocs import read_output, registry_lock, spawn_logged  # noqa: E402

JACK, HELPER, PACED = sys.argv[1:4]
CASE = sys.argv[4:]
RATE = 48000
# JACK's period; RB_CLOCKS_PERIOD changes it by hand. The fill's band
# after lock-in stays BAND frames whatever the period.
PERIOD = int(os.environ.get("RB_CLOCKS_PERIOD", "64"))
BAND = 64
TONE = 1000.0
SECONDS = float(os.environ.get("RB_CLOCKS_SECONDS", "60"))
LOCK_S = 15.0
NAME = "rbc%d" % os.getpid()
tmpdir = tempfile.mkdtemp(prefix="test-clocks-")
children = []


def log(msg):
    for line in str(msg).splitlines():
        print("# " + line)
    sys.stdout.flush()


def spawn(argv, **kw):
    """Starts @argv with its output in files (jackprocs.spawn_logged())."""
    n = len(os.listdir(tmpdir))
    p = spawn_logged(argv, os.path.join(tmpdir, "%d" % n), **kw)
    children.append(p)
    return p


read_out = read_output


def wait_ready(p, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out, err = read_out(p)
        if out.startswith("ready\n"):
            return
        assert p.poll() is None, "%s did not start: %r" % (what, err)
        time.sleep(0.02)
    raise AssertionError("%s: no 'ready' in %g s" % (what, timeout))


def finish(p, sig=signal.SIGTERM, timeout=30):
    """Ends @p with @sig (SIGKILL after @timeout) and returns its output."""
    if p.poll() is None:
        p.send_signal(sig)
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log("%s did not end %g s after %s: killing it" % (
            p.args[0], timeout, signal.Signals(sig).name))
        p.kill()
        p.wait(timeout=10)
    if p in children:
        children.remove(p)
    out, err = read_out(p)
    p.out_file.close()
    p.err_file.close()
    return out, err


# --- a private jackd (as tests/jack/test-jack.py starts them) -------------

def with_registry_lock(fn):
    """jackd 1.9 loses registrations when servers start and stop at the
    same moment: the same lock as test-jack.py."""
    with registry_lock():
        return fn()


REGISTRY = "/dev/shm/jack-shm-registry"


def registered():
    """Whether our server's name is in JACK's machine-wide table (8 slots;
    a server that does not end cleanly keeps its slot)."""
    try:
        with open(REGISTRY, "rb") as f:
            return (":%s:" % NAME).encode() in f.read()
    except OSError:
        return False


def can_realtime():
    """Whether this process may use SCHED_FIFO (root, or an rtprio
    limit): then jackd and its clients' process threads run realtime, as
    JACK is meant to. Without it, on a loaded machine the dummy backend
    loses real time to xruns (it did here: 818 to 1299 xruns a minute,
    3-9 % of JACK's cycles, more than the 2 % the ratio may correct), and
    a run says nothing about drift."""
    try:
        return subprocess.run(["chrt", "-f", "1", "true"],
                              capture_output=True).returncode == 0
    except OSError:
        return False


REALTIME = can_realtime()


def paced(*args):
    """paced-tone stands in for a sound card's thread, which runs
    realtime: under SCHED_FIFO too when permitted (below JACK's 70), or
    on a loaded machine it wakes tens of ms late and the ring runs dry
    for reasons that are no drift."""
    argv = [PACED] + [str(a) for a in args]
    # its pace is JACK's frames, not CLOCK_MONOTONIC (paced-tone.c): the
    # dummy backend on a machine without realtime runs 1-2 % slow and
    # drops the time of its late wake-ups, so the drift between the two
    # sides would be that, not the PPM asked for
    env = dict(os.environ, RB_PACED_JACK_SERVER=NAME)
    return spawn((["chrt", "-f", "60"] if REALTIME else []) + argv, env=env)


def _spawn_jackd():
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1")
    rt = ["--realtime", "--realtime-priority", "70"] if REALTIME else \
        ["--no-realtime"]
    # --sync: play's output reaches record in the same cycle, always
    p = spawn(["jackd"] + rt + ["--sync", "--timeout", "5000",
               "-n", NAME, "-d", "dummy", "-r", str(RATE), "-p",
               str(PERIOD)], env=env)
    r = subprocess.run(["jack_wait", "-s", NAME, "-w", "-t", "20"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode == 0 and p.poll() is None:
        return p, None
    # SIGTERM, never SIGKILL: a killed jackd keeps its slot
    return None, finish(p)[1]


def start_jackd():
    deadline = time.monotonic() + 120
    while True:
        p, err = with_registry_lock(_spawn_jackd)
        if p is not None:
            return p
        if "Too many servers" in err and time.monotonic() < deadline:
            time.sleep(1)
            continue
        raise AssertionError("jackd did not start: %s" % err)


def stop_jackd(p):
    """Ends our jackd by its pid with SIGTERM once its clients are gone,
    and frees its slot in JACK's table if it kept it anyway (jackd 1.9
    keeps it when SIGTERM finds clients, or after a SIGKILL): a server of
    the same name started again takes the slot back, and frees it when it
    ends (as test-jack.py's Server.stop() does)."""
    for c in list(children):
        if c is not p:
            finish(c)
    with_registry_lock(lambda: finish(p))
    if registered():
        log("jackd %s kept its slot in %s: starting it again to free it"
            % (NAME, REGISTRY))
        q, err = with_registry_lock(_spawn_jackd)
        if q is not None:
            with_registry_lock(lambda: finish(q))
        else:
            log("could not restart jackd %s: %s" % (NAME, err))


def jack_env():
    return dict(os.environ, JACK_DEFAULT_SERVER=NAME, JACK_NO_START_SERVER="1")


# --- the analysis ----------------------------------------------------------

def tone_check(x, freq):
    """Fits a sine at @freq (cycles per sample) to every 256-sample block
    (hop 128, so that any discontinuity lies inside some block), refining
    the frequency from the blocks' phases. Returns (worst block residual
    dB, median residual dB, measured frequency, index of the worst)."""
    n, hop = 256, 128
    nb = (len(x) - n) // hop
    idx = np.arange(nb)[:, None] * hop + np.arange(n)[None, :]
    blocks = x[idx]
    f = freq
    for _ in range(3):
        w = 2 * np.pi * f
        i = np.arange(n)
        basis = np.stack([np.sin(w * i), np.cos(w * i), np.ones(n)], axis=1)
        coef, *_ = np.linalg.lstsq(basis, blocks.T, rcond=None)
        # phase of each block's start, against hop * f per block
        ph = np.unwrap(np.arctan2(coef[1], coef[0]))
        slope = np.polyfit(np.arange(nb), ph, 1)[0]
        f = f + slope / (2 * np.pi * hop)
    fit = (basis @ coef).T
    res = np.sum((blocks - fit) ** 2, axis=1)
    sig = np.sum(fit ** 2, axis=1)
    db = 10 * np.log10(np.maximum(res, 1e-30) / np.maximum(sig, 1e-30))
    return float(db.max()), float(np.median(db)), f, int(db.argmax()) * hop


def stats_lines(text):
    out = []
    for line in text.splitlines():
        if not line.startswith("ringbridge-jack: stats: "):
            continue
        fields = {}
        for word in line.split()[3:]:
            k, _, v = word.partition("=")
            fields[k] = v
        out.append(fields)
    return out


def final_line(text):
    lines = [line for line in text.splitlines()
             if line.startswith("ringbridge-jack: final: ")]
    assert lines, "no final statistics line in %r" % text
    return dict(w.partition("=")[::2] for w in lines[-1].split()[3:])


def shorts_after(text, t0):
    """paced-tone's "short T N" lines after T >= t0: (times, frames)."""
    times = frames = 0
    for m in re.finditer(r"^short ([0-9.]+) (\d+)$", text, re.M):
        if float(m.group(1)) >= t0:
            times += 1
            frames += int(m.group(2))
    return times, frames


def check_side(side_out, side_err, counters, label):
    """The resampling side's statistics after lock-in (its standard output
    and, for --verbose's notices, error). Returns the failures, and the
    figures."""
    fails = []
    st = stats_lines(side_out)
    # one line a second from the start: the lines after LOCK_S
    later = st[int(LOCK_S):]
    if len(later) < 5:
        return ["%s: only %d statistics lines after lock-in" %
                (label, len(later))], {}
    dev = [float(s.get("fill_avg", "nan")) - float(s.get("target", "nan"))
           for s in later]
    if any(not abs(d) <= BAND for d in dev):
        fails.append("%s: fill left target +- %d: %s" % (
            label, BAND, " ".join("%.1f" % d for d in dev)))
    for c in counters:
        a, b = int(later[0][c]), int(final_line(side_out)[c])
        if b != a:
            fails.append("%s: %s went from %d to %d after lock-in" %
                         (label, c, a, b))
    m = re.search(r"resampling locked after ([0-9.]+) s", side_err)
    figures = {
        "lock_s": float(m.group(1)) if m else None,
        "fill_dev_max": max(abs(d) for d in dev) if dev else None,
        "ratio_ppm": later[-1].get("ratio_ppm"),
    }
    return fails, figures


def run_play(ppm, resample):
    jackd = start_jackd()
    env = jack_env()
    ring_a, ring_b = NAME + "a", NAME + "b"
    rec_raw = os.path.join(tmpdir, "play.raw")
    try:
        rec = spawn([JACK, "record", ring_b, "--channels", "1",
                     "--resample=off", "--latency", "2000"], env=env)
        drain = spawn([HELPER, "drain", ring_b, "--out", rec_raw], env=env)
        wait_ready(drain, "ring-helper drain")
        prod = paced("produce", ring_a, ppm, SECONDS + 5)
        wait_ready(prod, "paced-tone produce")
        args = ["--resample=" + resample, "--stats", "1", "--verbose",
                "-c", "ringbridge-record-%s:in_1" % ring_b]
        if resample == "off":
            args += ["--latency", "20"]
        play = spawn([JACK, "play", ring_a] + args, env=env)
        time.sleep(SECONDS)
        play_out, play_err = finish(play)
        prod_out, _ = finish(prod)
        drain_out, _ = finish(drain)
        rec_out, rec_err = finish(rec)
    finally:
        stop_jackd(jackd)
    log("play: %s" % play_err.strip().replace("\n", "\n  "))
    fails, fig = check_side(play_out, play_err, ["skipped_frames", "silent_frames",
                                       "ran_dry", "xruns"], "play")
    n, f = shorts_after(prod_out, LOCK_S)
    if n:
        fails.append("producer found the ring full %d times (%d frames) "
                     "after lock-in" % (n, f))
    rec_fin = final_line(rec_out)
    if int(rec_fin["dropped_frames"]) != 0:
        fails.append("record dropped %s frames" % rec_fin["dropped_frames"])
    x = np.fromfile(rec_raw, dtype="<f4")
    start = int(np.argmax(np.abs(x) > 1e-3))
    seg = x[start + int(LOCK_S * RATE):len(x) - RATE // 2]
    # the producer's tone runs (1 + ppm) fast in real time; JACK's frames
    # are real time
    expect = TONE * (1 + ppm * 1e-6) / RATE
    return fails, fig, seg, expect, final_line(play_out)


def run_record(ppm):
    jackd = start_jackd()
    env = jack_env()
    ring_a, ring_b = NAME + "a", NAME + "b"
    out_raw = os.path.join(tmpdir, "record.raw")
    try:
        prod = paced("produce", ring_a, 0, SECONDS + 10)
        wait_ready(prod, "paced-tone produce")
        time.sleep(0.2)         # a cushion for the plain play
        rec = spawn([JACK, "record", ring_b, "--channels", "1",
                     "--resample=on", "--stats", "1", "--verbose"], env=env)
        cons = paced("consume", ring_b, ppm, SECONDS,
                      out_raw)
        wait_ready(cons, "paced-tone consume")
        play = spawn([JACK, "play", ring_a, "--resample=off",
                      "-c", "ringbridge-record-%s:in_1" % ring_b], env=env)
        cons.wait(timeout=SECONDS + 60)
        cons_out, cons_err = finish(cons)
        rec_out, rec_err = finish(rec)
        play_out, _ = finish(play)
        finish(prod)
    finally:
        stop_jackd(jackd)
    log("record: %s" % rec_err.strip().replace("\n", "\n  "))
    fails, fig = check_side(rec_out, rec_err, ["dropped_frames", "filled_up",
                                      "xruns"], "record")
    n, f = shorts_after(cons_out, LOCK_S)
    if n:
        fails.append("consumer found the ring short %d times (%d frames) "
                     "after lock-in" % (n, f))
    pl = final_line(play_out)
    for c in ("skipped_frames",):
        if int(pl[c]) != 0:
            fails.append("the plain play (the source) %s=%s" % (c, pl[c]))
    x = np.fromfile(out_raw, dtype="<f4")
    start = int(np.argmax(np.abs(x) > 1e-3))
    seg = x[start + int(LOCK_S * RATE):]
    # real time's 1 kHz, read (1 + ppm) fast
    expect = TONE / (1 + ppm * 1e-6) / RATE
    return fails, fig, seg, expect, final_line(rec_out)


AUTO_S = 40.0
# auto must have started by then: the producer's loop locks in 3.3 s,
# JACK's rate needs a 5 s window, auto confirms for 2 s: about 10 s; the
# rest is room for a loaded machine.
AUTO_BY_S = 35


def run_auto(ppm):
    """--resample=auto against a producer PPM fast: auto must measure the
    drift (the producer's rate from the ring, JACK's from its cycles),
    say so and resample, with the drift as the feed-forward, within
    AUTO_BY_S; or, where the fill refutes the measured drift (a dummy
    backend that loses percents of its time in xruns measures as much),
    resample on the drift the fill shows, without a feed-forward. The producer is paced on JACK's own frame count
    (paced-tone.c), so the drift between the two is PPM whatever the
    dummy backend's rate against the monotonic clock: the measured drift
    must have PPM's sign and at least half its size. (Not an upper bound:
    on a loaded machine the paced producer's own wake-ups are late by
    milliseconds and its rate estimate reads several times PPM for a
    while; what auto must get right is that there is a drift, and which
    way.)
    (A peer on JACK's clock, which auto must leave bit-exact, is what the
    jack suite's loopback, formats, producer and latency groups run, with
    auto the default.)"""
    jackd = start_jackd()
    env = jack_env()
    try:
        prod = paced("produce", NAME + "a", ppm, AUTO_S + 5)
        wait_ready(prod, "paced-tone produce")
        play = spawn([JACK, "play", NAME + "a", "--stats", "1",
                      "--verbose"], env=env)
        time.sleep(AUTO_S)
        play_out, play_err = finish(play)
        finish(prod)
    finally:
        stop_jackd(jackd)
    log("play: %s" % "\n  ".join(
        l for l in play_err.splitlines() if "latency of the ring" not in l))
    fails = []
    m = re.search(r"--resample=auto: the producer and JACK drift apart by "
                  r"([-+0-9.]+) ppm (\(measured\)|as the fill shows)",
                  play_err)
    st = stats_lines(play_out)
    at = next((i for i, f in enumerate(st) if f.get("resample") == "on"),
              None)
    fin = final_line(play_out)
    if m is None or at is None:
        fails.append("--resample=auto did not start resampling")
    elif at > AUTO_BY_S:
        fails.append("--resample=auto started resampling only after %d s"
                     % at)
    else:
        log("--resample=auto resampled from %d s" % at)
    # where the measurement held, the drift reported at the end and the
    # loop's feed-forward; where the fill refuted it (a dummy backend
    # losing percents of its time in xruns: jack/fill-trend.c), the drift
    # the fill showed, and no feed-forward
    by_fill = m is not None and m.group(2) == "as the fill shows"
    drift = m.group(1) if by_fill else fin.get("drift_ppm", "?")
    if drift == "?" or float(drift) * ppm <= 0 or \
            abs(float(drift)) < abs(ppm) / 2:
        fails.append("%s drift %s ppm, the producer runs %+d ppm"
                     % ("the fill's" if by_fill else "measured", drift, ppm))
    # the loop's own check (jack/ff-check.c) may drop a measured
    # feed-forward later, when the measurement goes beyond the ratio's 2 %
    # bound or the integral keeps disagreeing with it: it says so
    dropped = "resampling on the fill alone, without a feed-forward" in \
        play_err
    if dropped:
        log("the loop's check dropped the measured feed-forward")
    if fin.get("feed_forward") != ("no" if by_fill or dropped else "yes"):
        fails.append("the loop's feed-forward is %s where auto resampled "
                     "on the %s%s" % (fin.get("feed_forward"),
                                      "fill" if by_fill else "measured drift",
                                      " and the loop's check dropped it"
                                      if dropped else ""))
    log("final: %s" % " ".join("%s=%s" % kv for kv in fin.items()))
    for f in fails:
        log(f)
    print("%s - --resample=auto against a producer %+d ppm fast measures "
          "the drift and resamples" % ("not ok 1" if fails else "ok 1",
                                       ppm))
    return 1 if fails else 0


def judge(fails, fig, seg, expect):
    if len(seg) < 10 * RATE:
        fails.append("only %.1f s recorded after lock-in" % (len(seg) / RATE))
        return fails
    worst, median, f, at = tone_check(seg, expect)
    err_ppm = (f / expect - 1) * 1e6
    fig.update(worst_db=worst, thdn_db=median, freq_err_ppm=err_ppm)
    if worst > -60:
        fails.append("the tone is not continuous: a block %.1f s after "
                     "lock-in departs from a sine by %.1f dB" %
                     (at / RATE, worst))
    if abs(err_ppm) > 50:
        fails.append("tone at %.1f ppm from the expected frequency" %
                     err_ppm)
    return fails


def main():
    mode, ppm = CASE[0], int(CASE[1])
    log("jackd runs %s" % ("realtime (SCHED_FIFO 70)" if REALTIME else
                           "without realtime scheduling (not permitted)"))
    control = len(CASE) > 2 and CASE[2] == "off"
    print("1..1")
    if len(CASE) > 2 and CASE[2] == "auto":
        return run_auto(ppm)
    if mode == "play":
        fails, fig, seg, expect, fin = run_play(ppm,
                                                "off" if control else "on")
    else:
        fails, fig, seg, expect, fin = run_record(ppm)
    fails = judge(fails, fig, seg, expect)
    what = "%s at %+d ppm%s" % (mode, ppm,
                                " with --resample=off" if control else "")
    log("figures: %s" % ", ".join("%s=%s" % kv for kv in sorted(
        fig.items())))
    log("final: %s" % " ".join("%s=%s" % kv for kv in fin.items()))
    for f in fails:
        log(f)
    if control:
        # the negative control: the same checks must find the drift
        ok = any("not continuous" in f or "skipped" in f or "silent" in f
                 for f in fails)
        print("%s - %s: the checks %s" % (
            "ok 1" if ok else "not ok 1", what,
            "fail as they must" if ok else "passed: they cannot fail"))
        return 0 if ok else 1
    print("%s - %s holds its fill, tone continuous" % (
        "not ok 1" if fails else "ok 1", what))
    return 1 if fails else 0


if __name__ == "__main__":
    try:
        status = main()
    finally:
        # stop_jackd() ended everything on the normal paths and on a
        # failed check; here only what an error left. SIGTERM, never
        # SIGKILL: a killed jackd keeps its slot in JACK's table, and a
        # killed ringbridge-jack or paced-tone leaves its ring behind.
        # jackd was started first: end it last, once its clients are gone
        for p in reversed(children):
            try:
                finish(p)
            except Exception as e:
                log("could not end %s: %s" % (p.args[0], e))
        for ring in (NAME + "a", NAME + "b"):
            path = "/dev/shm/ringbridge-" + ring
            if os.path.exists(path):
                log("removing the ring %s left behind" % path)
                os.unlink(path)
        if os.environ.get("RB_CLOCKS_KEEP"):
            log("kept %s" % tmpdir)
        else:
            for f in os.listdir(tmpdir):
                os.unlink(os.path.join(tmpdir, f))
            os.rmdir(tmpdir)
    sys.exit(status)
