#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Raw video through a records ring: each frame is one record, with its
# timestamps; the caps and the end of the stream travel in the ring too.
# The reader survives a restart of the writer (on-peer-loss=wait); here
# the writer runs twice, the second time at another size, and the reader
# follows it to the new ring and renegotiates.
#
#   RB_EXAMPLE_SECONDS  how long each writer runs (default 3)
#   RB_EXAMPLE_RING     the ring's name prefix (default example)
#   RB_EXAMPLE_SHOW=1   show the video instead of discarding it

set -eu
seconds=${RB_EXAMPLE_SECONDS:-3}
ring=${RB_EXAMPLE_RING:-example}-video
out="fakesink"
[ "${RB_EXAMPLE_SHOW:-0}" = 1 ] && out="videoconvert ! autovideosink"

# shellcheck disable=SC2086
gst-launch-1.0 -q ringsrc ring-name="$ring" on-peer-loss=wait \
    timeout=10000000000 ! $out &
reader=$!

# first writer: stopped without ending the stream (as if it were killed)
timeout -s INT "$seconds" gst-launch-1.0 -q videotestsrc is-live=true \
  ! video/x-raw,width=320,height=240,framerate=30/1 \
  ! ringsink ring-name="$ring" || true

# second writer, another size: it ends the stream, and so the reader
gst-launch-1.0 -q videotestsrc num-buffers=$((seconds * 30)) pattern=ball \
  ! video/x-raw,width=160,height=120,framerate=30/1 \
  ! ringsink ring-name="$ring"

wait $reader
echo "showed two writers' video through ring '$ring'"
