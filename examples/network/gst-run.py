#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# gst-run.py [--first-sound ELEMENT] PIPELINE...: gst-launch-1.0 -e
# PIPELINE, for the recipes of
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
# becomes silence too: no one can see it in the data). The
# arguments are gst-launch-1.0's, split as it splits them. Exit status 0
# after an end of stream, 1 after an error.

import signal
import sys

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


def main(argv):
    Gst.init(None)
    first_sound = None
    if argv[:1] == ["--first-sound"] and len(argv) > 1:
        first_sound, argv = argv[1], argv[2:]
    if not argv:
        sys.exit("usage: gst-run.py [--first-sound ELEMENT] PIPELINE...")
    try:
        pipeline = Gst.parse_launchv(argv)
    except GLib.Error as e:
        sys.exit("gst-run.py: the pipeline does not parse: %s" % e.message)
    if first_sound is not None:
        watch_first_sound(pipeline, first_sound)
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
    return status[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
