#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Audio from one gst-launch-1.0 process to another through a named audio
# ring. The reader starts first and waits for the ring to appear.
#
#   RB_EXAMPLE_SECONDS  how long to play (default 5)
#   RB_EXAMPLE_RING     the ring's name (default example-audio)
#   RB_EXAMPLE_PLAY=1   play it on the sound card instead of discarding it

set -eu
seconds=${RB_EXAMPLE_SECONDS:-5}
ring=${RB_EXAMPLE_RING:-example}-audio
out="fakesink"
[ "${RB_EXAMPLE_PLAY:-0}" = 1 ] && out="audioconvert ! autoaudiosink"

# the reader: waits up to 10 s for the ring, plays what arrives
# shellcheck disable=SC2086
gst-launch-1.0 -q ringsrc ring-name="$ring" timeout=10000000000 ! $out &
reader=$!

# the writer: 48 kHz stereo float, as JACK would take it; 100 buffers/s
gst-launch-1.0 -q audiotestsrc num-buffers=$((seconds * 100)) \
    samplesperbuffer=480 wave=sine freq=440 \
  ! audio/x-raw,format=F32LE,rate=48000,channels=2 \
  ! ringsink ring-name="$ring"

wait $reader
echo "played $seconds s of audio through ring '$ring'"
