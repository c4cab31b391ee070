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
# becomes silence too: no one can see it in the data). With --stamps,
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
    element = pipeline.get_by_name(name)
    if element is None:
        sys.exit("gst-run.py: no element named %s in the pipeline" % name)

    def probe(_pad, info):
        ok, mapinfo = info.get_buffer().map(Gst.MapFlags.READ)
        if not ok:
            return Gst.PadProbeReturn.OK
        silent = not any(mapinfo.data)
        info.get_buffer().unmap(mapinfo)
        if silent:
            return Gst.PadProbeReturn.OK
        # the streaming thread that carries this buffer has carried the
        # events before it (the lost packets' GAPs) all the way here
        print_stats(pipeline, "first-sound")
        return Gst.PadProbeReturn.REMOVE

    element.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, probe)


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
    if first_sound is not None:
        watch_first_sound(pipeline, first_sound)
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
    pipeline.set_state(Gst.State.NULL)
    if stamps_out is not None:
        stamps_out.close()
    return status[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
