#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# gst-run.py [--first-sound ELEMENT] [--stamps ELEMENT.PAD FILE]
#            PIPELINE...: gst-launch-1.0 -e PIPELINE, for the recipes of
# examples/network/ (hosts.sh), that also says what the pipeline's
# elements counted: when it ends (end of stream, an error, or SIGINT or
# SIGTERM, which end the stream first as -e does), one line
#
#   stats: ELEMENT STRUCTURE
#
# for each element that has a `stats` property (rtpjitterbuffer's
# num-pushed, num-lost, num-late; ringsink's), on standard output. With
# --first-sound, the same lines, "first-sound:" in place of "stats:", when
# the first buffer that is not all zeros reaches ELEMENT: what was counted
# before the signal began (a packet lost in a sender's lead-in of silence
# becomes silence too: no one can see it in the data). Other threads
# count out of step with that buffer (rtpjitterbuffer's lost timer may
# have counted the next packet already, or not yet the one before), so
# --first-sound also counts
# the GAP events that reach ELEMENT, in the stream's order: a line
#
#   first-sound: ELEMENT gaps, events=N, duration=NANOSECONDS
#
# for those before the first sound, and "stats:" the same for all of
# them at the end (rtpjitterbuffer sends one for each lost packet, but
# for a run of many; their durations are its estimates, 0 before it
# knows the packets' spacing). With --stamps,
# a line "VALUE TIME SAMPLES" in FILE for a buffer through ELEMENT's pad PAD
# every 10 ms (a probe on every buffer, in Python, slowed a receiver on a
# loaded machine enough to queue seconds in its socket):
# its first sample (F32) as the counter of the recipes' --check exact
# (hosts.sh: sample n is n / 2^23) and CLOCK_MONOTONIC in nanoseconds
# (one clock for every network namespace of the machine): the stamps
# that check-exact.py turns into the latency from host A to host B. The
# arguments are gst-launch-1.0's, split as it splits them. Exit status 0
# after an end of stream, 1 after an error.

import signal
import struct
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def print_stats(pipeline, prefix="stats"):
    it = pipeline.iterate_recurse()
    while True:
        res, element = it.next()
        if res != Gst.IteratorResult.OK:
            break
        if element.find_property("stats") is None:
            continue
        stats = element.get_property("stats")
        if stats is not None:
            print("%s: %s %s" % (prefix, element.get_name(),
                                 stats.to_string()), flush=True)


def watch_first_sound(pipeline, name):
    """print the stats at the first sound; count the GAPs either side"""
    element = pipeline.get_by_name(name)
    if element is None:
        sys.exit("gst-run.py: no element named %s in the pipeline" % name)
    pad = element.get_static_pad("sink")
    # [events, nanoseconds] of GAP before the first sound and after it,
    # counted in the stream's own order, on its own thread
    gaps = [[0, 0], [0, 0]]
    sounded = [False]

    def on_gap(_pad, info):
        event = info.get_event()
        if event.type == Gst.EventType.GAP:
            _ts, duration = event.parse_gap()
            side = gaps[1 if sounded[0] else 0]
            side[0] += 1
            if duration != Gst.CLOCK_TIME_NONE:
                side[1] += duration
        return Gst.PadProbeReturn.OK

    def on_buffer(_pad, info):
        ok, mapinfo = info.get_buffer().map(Gst.MapFlags.READ)
        if not ok:
            return Gst.PadProbeReturn.OK
        silent = not any(mapinfo.data)
        info.get_buffer().unmap(mapinfo)
        if silent:
            return Gst.PadProbeReturn.OK
        sounded[0] = True
        # the stats as they are now, a report only: the jitterbuffer's
        # timer thread counts out of step with this one; the GAPs before
        # this buffer are the lead-in's count
        print_stats(pipeline, "first-sound")
        print_gaps(name, gaps[0], "first-sound")
        return Gst.PadProbeReturn.REMOVE

    pad.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, on_gap)
    pad.add_probe(Gst.PadProbeType.BUFFER, on_buffer)
    return gaps


def print_gaps(name, side, prefix):
    """PREFIX: NAME gaps, events=N, duration=NS"""
    print("%s: %s gaps, events=(guint64)%d, duration=(guint64)%d" %
          (prefix, name, side[0], side[1]), flush=True)


def write_stamps(pipeline, spec, path):
    name, _, padname = spec.rpartition(".")
    element = pipeline.get_by_name(name)
    pad = element.get_static_pad(padname) if element is not None else None
    if pad is None:
        sys.exit("gst-run.py: no pad %s in the pipeline" % spec)
    out = open(path, "w", buffering=1 << 16)
    armed = [False]

    def probe(_pad, info):
        now = time.monotonic_ns()
        buf = info.get_buffer()
        head = buf.extract_dup(0, 4) if buf.get_size() >= 4 else None
        if head:
            value = round(struct.unpack("<f", head)[0] * 8388608.0)
            out.write("%d %d %d\n" % (value, now, buf.get_size() // 4))
        armed[0] = False
        return Gst.PadProbeReturn.REMOVE

    def arm():
        if not armed[0]:
            armed[0] = True
            pad.add_probe(Gst.PadProbeType.BUFFER, probe)
        return GLib.SOURCE_CONTINUE

    GLib.timeout_add(10, arm)
    return out


def main(argv):
    Gst.init(None)
    first_sound = stamps = None
    while argv[:1] in (["--first-sound"], ["--stamps"]):
        if argv[0] == "--first-sound" and len(argv) > 1:
            first_sound, argv = argv[1], argv[2:]
        elif argv[0] == "--stamps" and len(argv) > 2:
            stamps, argv = argv[1:3], argv[3:]
        else:
            argv = []
    if not argv:
        sys.exit("usage: gst-run.py [--first-sound ELEMENT] "
                 "[--stamps ELEMENT.PAD FILE] PIPELINE...")
    try:
        pipeline = Gst.parse_launchv(argv)
    except GLib.Error as e:
        sys.exit("gst-run.py: the pipeline does not parse: %s" % e.message)
    gaps = None
    if first_sound is not None:
        gaps = watch_first_sound(pipeline, first_sound)
    stamps_out = write_stamps(pipeline, *stamps) if stamps else None
    loop = GLib.MainLoop()
    status = [0]

    def on_message(_bus, msg):
        if msg.type == Gst.MessageType.EOS:
            loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print("ERROR: from element %s: %s\n%s" %
                  (msg.src.get_path_string(), err.message, debug),
                  file=sys.stderr, flush=True)
            status[0] = 1
            loop.quit()
        return True

    def on_signal():
        pipeline.send_event(Gst.Event.new_eos())
        # a pipeline that cannot drain (no data flows) ends anyway
        GLib.timeout_add_seconds(3, lambda: loop.quit() or False)
        return GLib.SOURCE_REMOVE

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, on_signal)
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        print_stats(pipeline)
        pipeline.set_state(Gst.State.NULL)
        sys.exit("gst-run.py: the pipeline does not start")
    loop.run()
    print_stats(pipeline)
    if gaps is not None:
        print_gaps(first_sound, [gaps[0][0] + gaps[1][0],
                                 gaps[0][1] + gaps[1][1]], "stats")
    pipeline.set_state(Gst.State.NULL)
    if stamps_out is not None:
        stamps_out.close()
    return status[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
