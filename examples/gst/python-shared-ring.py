#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# A ring made in Python, shared by two pipelines in this process: one
# writes a tone into it, the other reads it back. The ring object goes to
# both elements through their "ring" property.
#
# Run from a build tree with
#   GI_TYPELIB_PATH=BUILD/lib/ringbridge LD_LIBRARY_PATH=BUILD/lib/ringbridge \
#   GST_PLUGIN_PATH=BUILD/gst /usr/bin/python3 python-shared-ring.py
# RB_EXAMPLE_SECONDS sets the length (default 3).

import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("RingBridge", "1.0")
from gi.repository import GLib, Gst, RingBridge  # noqa: E402

seconds = int(os.environ.get("RB_EXAMPLE_SECONDS", "3"))
Gst.init(None)

# 48 kHz stereo S16LE, 0.1 s of room
ring = RingBridge.Ring.new_audio(RingBridge.SampleFormat.S16LE, 2, 48000,
                                 4800, RingBridge.RingFlags.NONE)

writer = Gst.parse_launch(
    f"audiotestsrc num-buffers={seconds * 100} samplesperbuffer=480 "
    "! audio/x-raw,format=S16LE,rate=48000,channels=2 "
    "! ringsink name=sink")
reader = Gst.parse_launch("ringsrc name=src ! fakesink name=out signal-handoffs=true")
writer.get_by_name("sink").set_property("ring", ring)
reader.get_by_name("src").set_property("ring", ring)

received = 0


def on_handoff(sink, buf, pad):
    global received
    received += buf.get_size()


reader.get_by_name("out").connect("handoff", on_handoff)

loop = GLib.MainLoop()
status = 0


def on_message(bus, msg, name):
    global status
    if msg.type == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
        print(f"{name}: {err.message}", file=sys.stderr)
        status = 1
        loop.quit()
    elif msg.type == Gst.MessageType.EOS and name == "reader":
        loop.quit()


for pipeline, name in ((writer, "writer"), (reader, "reader")):
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message, name)

reader.set_state(Gst.State.PLAYING)
writer.set_state(Gst.State.PLAYING)
loop.run()          # the reader's EOS: the ring's end-of-stream flag
writer.set_state(Gst.State.NULL)
reader.set_state(Gst.State.NULL)

expected = seconds * 100 * 480 * 4
print(f"read {received} of {expected} bytes through a Python-made ring")
sys.exit(status or (0 if received == expected else 1))
