#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Many readers of one JACK capture (issue #14), on private jackd servers.

play_reader: `ringbridge-jack play --reader` (catch-up and latest) beside
record --overwrite's consumer, its statistics, and the refusal of a ring
without the overwrite flag.

readers_on_jack_capture:

A known signal (test-jack.py's: every sample checkable bit for bit) goes
ring-helper feed -> ringbridge-jack play -> ringbridge-jack record
--overwrite for 20 s of audio. On record's overwrite ring, at once:

- the lossless consumer (ring-helper drain): the signal arrives bit-exact;
- two fast ringsrc role=reader pipelines: every frame, in order, no gap,
  no DISCONT after the first buffer, the same bytes as the consumer's at
  the same positions;
- one slowed ringsrc role=reader (identity sleep-time, at a tenth of
  real time): it
  is lapped again and again; every jump in its offsets is a DISCONT buffer
  after GAP events that start where the last buffer ended and end where
  the next starts, to the nanosecond (offsets -> time as the buffers are
  stamped); the durations of its buffers and gaps add up to its stream's;
  its stats count each gap as overwritten, with the bytes it lost; what it
  did deliver is the consumer's bytes.

The GStreamer pipelines run in this process (PyGObject); a pad probe
records buffers and GAP events in stream order. Nothing asserts on timing:
a machine too slow for a fast reader would fail the "no gap" check, which
is what the test is for (the ring holds 1.4 s). Output is TAP.

Usage: test-jack-readers.py RINGBRIDGE-JACK RING-HELPER MAN-PAGE
(test-jack.py's arguments: its harness, jack_harness.py, is loaded.)
"""

import json
import os
import sys
import time
import traceback

# test-jack.py's harness reads its arguments when loaded: JACK, HELPER,
# MAN, no RTSan client, and a group (which it does not run)
sys.argv = [sys.argv[0], *sys.argv[1:4], "-", "readers"]
import jack_harness as tj  # noqa: E402
from jack_signal import expected, find_signal  # noqa: E402

import gi  # noqa: E402

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

# the stream's length, 30 s as issue #14 asks; RB_JACK_READERS_SECONDS
# shortens it for a quick run
SECONDS = int(os.environ.get("RB_JACK_READERS_SECONDS", "30"))
RATE = tj.RATE
FS = 8                          # F32LE, 2 channels
BUFFER = 480                    # frames per ringsrc buffer: 10 ms
RING_FRAMES = 65536             # 1.4 s
SEED = 11
SECOND = 1000000000


def frame_time(frame, base):
    """ringsrc's timestamp of @frame when its first buffer began at @base
    (non-live: the frame count scaled, rounded down, from 0)."""
    return (frame - base) * SECOND // RATE


class Reader:
    """A ringsrc role=reader pipeline on @ring, its buffers and GAP events
    in stream order."""

    def __init__(self, ring, sleep_us=0):
        desc = ("ringsrc name=src ring-name=%s role=reader buffer-frames=%d"
                % (ring, BUFFER))
        if sleep_us:
            desc += " ! identity sleep-time=%d" % sleep_us
        desc += " ! fakesink name=sink sync=false"
        self.pipeline = Gst.parse_launch(desc)
        self.items = []
        pad = self.pipeline.get_by_name("sink").get_static_pad("sink")
        pad.add_probe(Gst.PadProbeType.BUFFER |
                      Gst.PadProbeType.EVENT_DOWNSTREAM, self.probe)

    def probe(self, pad, info):
        if info.type & Gst.PadProbeType.BUFFER:
            b = info.get_buffer()
            self.items.append(("buf", b.offset, b.offset_end, b.pts,
                               b.duration,
                               bool(b.get_flags() & Gst.BufferFlags.DISCONT),
                               b.extract_dup(0, b.get_size())))
        else:
            ev = info.get_event()
            if ev.type == Gst.EventType.GAP:
                ts, dur = ev.parse_gap()
                self.items.append(("gap", ts, dur))
        return Gst.PadProbeReturn.OK

    def stat(self, field):
        ok, v = self.pipeline.get_by_name("src").get_property(
            "stats").get_uint64(field)
        assert ok, "no %s in the stats" % field
        return v

    def stop(self):
        bus = self.pipeline.get_bus()
        msg = bus.pop_filtered(Gst.MessageType.ERROR)
        self.pipeline.set_state(Gst.State.NULL)
        assert msg is None, "reader error: %s" % (msg.parse_error(),)

    def buffers(self):
        return [i for i in self.items if i[0] == "buf"]


def check_bytes(reader, data, what):
    """Each buffer holds the consumer's bytes at its offsets."""
    checked = 0
    for _, off, end, _, _, _, payload in reader.buffers():
        if end * FS > len(data):
            break
        assert payload == data[off * FS:end * FS], \
            "%s: frames %d..%d differ from the consumer's" % (what, off, end)
        checked += end - off
    return checked


def check_fast(reader, data, what):
    bufs = reader.buffers()
    assert bufs, "%s: no buffers" % what
    assert not [i for i in reader.items if i[0] == "gap"], \
        "%s: GAP events" % what
    prev = None
    for _, off, end, pts, dur, discont, _ in bufs:
        if prev is None:
            # it starts at the oldest frame the ring held when it attached
            assert discont, (what, off, discont)
        else:
            assert off == prev and not discont, \
                "%s: frame %d after %d, DISCONT %s" % (what, off, prev,
                                                       discont)
        prev = end
    assert reader.stat("gaps") == 0, "%s: %d gaps" % (what,
                                                      reader.stat("gaps"))
    return prev, check_bytes(reader, data, what)


def check_slow(reader, data):
    """Every jump: DISCONT after GAP events tiling the missing time."""
    items = reader.items
    first = next(i for i in items if i[0] == "buf")
    base = first[1]
    assert first[3] == 0 and first[5]
    delivered = gapped = lost = events = jumps = 0
    prev_end = None
    pending = []                # GAP events since the last buffer
    for item in items:
        if item[0] == "gap":
            assert prev_end is not None, "a GAP before the first buffer"
            pending.append(item)
            continue
        _, off, end, pts, dur, discont, _ = item
        assert pts == frame_time(off, base), (off, pts)
        assert pts + dur == frame_time(end, base), (end, pts, dur)
        if prev_end is not None and off != prev_end:
            assert off > prev_end, "offsets went back: %d -> %d" % (
                prev_end, off)
            assert discont, "jump %d -> %d without DISCONT" % (prev_end, off)
            at = frame_time(prev_end, base)
            for _, ts, gdur in pending:
                assert ts == at, "GAP at %d ns, the last buffer ended at " \
                    "%d ns" % (ts, at)
                at = ts + gdur
                gapped += gdur
            assert at == pts, "GAPs end at %d ns, the buffer starts at " \
                "%d ns (frames %d -> %d)" % (at, pts, prev_end, off)
            assert pending, "jump %d -> %d without a GAP" % (prev_end, off)
            events += len(pending)
            lost += off - prev_end
            jumps += 1
        else:
            assert not pending, "GAP events without a jump at %d" % off
            assert not discont or prev_end is None, "DISCONT at %d" % off
        pending = []
        delivered += dur
        prev_end = end
    last = [i for i in items if i[0] == "buf"][-1]
    assert jumps > 0, "the slowed reader was never lapped"
    # GAP events after the last buffer (it was stopped before the buffer
    # after them came): they too start where the last buffer ended, and
    # end on a frame's time
    at = frame_time(prev_end, base)
    for _, ts, gdur in pending:
        assert ts == at, (ts, at)
        at = ts + gdur
    tail = (at - frame_time(prev_end, base)) * RATE // SECOND
    while frame_time(prev_end + tail, base) < at:
        tail += 1
    assert frame_time(prev_end + tail, base) == at, "a trailing GAP ends " \
        "between frames"
    events += len(pending)
    lost += tail
    assert delivered + gapped == last[3] + last[4] - first[3], \
        "buffers %d ns + gaps %d ns != the stream's %d ns" % (
            delivered, gapped, last[3] + last[4] - first[3])
    assert reader.stat("gaps-overwritten") == events, \
        (reader.stat("gaps-overwritten"), events)
    assert reader.stat("gap-bytes-overwritten") == lost * FS, \
        (reader.stat("gap-bytes-overwritten"), lost * FS)
    assert reader.stat("gaps-skip") == 0
    checked = check_bytes(reader, data, "slow reader")
    tj.log("slowed reader: %d buffers, %d jumps (%d GAP events, %d frames "
           "lost), %.3f s delivered + %.3f s of gaps = %.3f s, exact; %d "
           "frames checked against the consumer" % (
               len(reader.buffers()), jumps, events, lost, delivered / 1e9,
               gapped / 1e9, (delivered + gapped) / 1e9, checked))


def test_readers_on_jack_capture():
    server = tj.Server()
    src, cap = tj.new_name("src"), tj.new_name("cap")
    total = SECONDS * RATE
    feed = tj.feeder(src, "--format", "F32LE", "--channels", "2", "--rate",
                     str(RATE), "--frames", str(RATE), "--seed", str(SEED),
                     "--total", str(total), "--pace", "--prefill",
                     str(RATE // 10), "--hold", go=True)
    # --resample=off on both clients: the check is bit for bit, and over
    # 20 s auto may measure ring-helper's unpaced side and resample
    rec = tj.jack(server, "record", cap, "--overwrite", "--frames",
                  str(RING_FRAMES), "--resample=off", "-v")
    tj.wait_until(lambda: tj.rec_port(cap, 2) in server.ports(),
                  "record's ports")
    dr = tj.drain(cap)
    fast = [Reader(cap), Reader(cap)]
    # 100 ms asleep for every 10 ms buffer: a tenth of real time, lapped
    # even when a loaded machine's jackd runs well below it
    slow = Reader(cap, sleep_us=100000)
    readers = fast + [slow]
    for r in readers:
        assert r.pipeline.set_state(Gst.State.PLAYING) != \
            Gst.StateChangeReturn.FAILURE
    play = tj.jack(server, "play", src, "-v", "--resample=off",
                   "--connect", "%s,%s" % (
        tj.rec_port(cap, 1), tj.rec_port(cap, 2)))
    tj.wait_connected(server, tj.play_port(src, 2), tj.rec_port(cap, 2))
    tj.tell_go(feed)

    # the stream, and then its last frames in the consumer's file
    tail = expected(SEED, total - 16, 16)
    time.sleep(SECONDS)
    # a loaded machine's dummy jackd may run well below real time
    tj.wait_until(lambda: tail in tj.recorded(dr), "the end of the signal",
                  timeout=2 * SECONDS + tj.DEADLINE)
    time.sleep(0.2)
    for r in readers:
        r.stop()
    for proc, name in ((play, "play"), (dr, "drain"), (rec, "record")):
        status, out, err = tj.finish(proc)
        assert status == 0, "%s exited %d: %s" % (name, status, err)
        if proc is dr:
            drained = json.loads(out.splitlines()[-1])
    tj.finish(feed)
    server.stop()

    data = tj.recorded(dr)
    # the consumer lost nothing: it read every frame from the first, so
    # its file's frame k is the ring's frame k
    assert drained["read_position"] == drained["frames"] * FS == len(data), \
        drained
    start = find_signal(data, expected(SEED, 0, total), FS, "F32LE")
    tj.log("the consumer: %d frames, the signal bit-exact from frame %d"
           % (len(data) // FS, start))
    for k, r in enumerate(fast):
        end, checked = check_fast(r, data, "fast reader %d" % (k + 1))
        assert end >= start + total, "fast reader %d stopped at %d" % (
            k + 1, end)
        tj.log("fast reader %d: frames %d..%d, no gap, %d frames checked "
               "against the consumer" % (k + 1, r.buffers()[0][1], end,
                                         checked))
    check_slow(slow, data)


def test_play_reader():
    """play --reader on record --overwrite's ring beside its consumer: it
    plays (frames move, the consumer's position is not its to move), its
    statistics carry the policy and the gaps by cause, and it leaves the
    ring to the others; a ring without the overwrite flag is refused."""
    server = tj.Server()
    cap, plain = tj.new_name("cap"), tj.new_name("plain")
    rec = tj.jack(server, "record", cap, "--overwrite", "--frames",
                  str(RING_FRAMES), "--resample=off")
    tj.wait_until(lambda: tj.rec_port(cap, 2) in server.ports(),
                  "record's ports")
    dr = tj.drain(cap)
    readers = [tj.jack(server, "play", cap, "--reader", "-n", "r1",
                       "--stats", "0.2"),
               tj.jack(server, "play", cap, "--reader=latest", "--latency",
                       "10", "-n", "r2", "--stats", "0.2")]
    tj.wait_until(lambda: all("stats:" in tj.output(p)[0] for p in readers),
                  "the readers' statistics")
    for p, policy in zip(readers, ("catch-up", "latest")):
        status, out, err = tj.finish(p)
        assert status == 0, err
        st = tj.stats(out)
        assert st["reader"] == policy, st
        assert st["frames"] > 0, st
        for cause in ("overwritten", "underrun", "producer_restart", "skip"):
            assert isinstance(st["gaps_" + cause], int), st
            assert isinstance(st["gap_frames_" + cause], int), st
        assert "resample" not in st or st["resample"] == "off", st
    # the ring is still record's and its consumer's
    assert os.path.exists(tj.SHM + "ringbridge-" + cap)
    for proc in (dr, rec):
        status, out, err = tj.finish(proc)
        assert status == 0, err
    # the consumer read every frame itself: no reader moved its position
    drained = json.loads(tj.output(dr)[0].splitlines()[-1])
    assert drained["read_position"] == drained["frames"] * FS, drained

    feed = tj.feeder(plain, "--format", "F32LE", "--channels", "2",
                     "--rate", str(RATE), "--frames", "4096", "--hold")
    r = tj.run_jack("play", plain, "--reader", "--no-start-server",
                    server=server)
    tj.expect_failure(r, 65, "is not an overwrite ring",
                      "without --reader, play is its consumer")
    tj.finish(feed)
    server.stop()


def main():
    Gst.init(None)
    tests = [test_play_reader, test_readers_on_jack_capture]
    failed = 0
    print("1..%d" % len(tests))
    try:
        for i, test in enumerate(tests, 1):
            t0 = time.monotonic()
            try:
                test()
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i, test.__name__[5:]))
                tj.log(traceback.format_exc())
                for proc in tj.children:
                    out, err = tj.output(proc)
                    tj.log("%s: %s\n%s%s" % (proc.pid, " ".join(proc.args),
                                             out[-2000:], err[-2000:]))
            else:
                print("ok %d - %s (%.1f s)" % (i, test.__name__[5:],
                                               time.monotonic() - t0))
            sys.stdout.flush()
    finally:
        tj.cleanup()
    return int(failed > 0)


if __name__ == "__main__":
    sys.exit(main())
