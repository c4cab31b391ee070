#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# JACK on host A to JACK on host B over SRT (gst-plugins-bad srtsink and
# srtsrc), RTP L24 packets as SRT messages, two network namespaces on this
# machine (hosts.sh):
#
#   A: JACK -> ringbridge-jack record -> ring -> gst-launch-1.0 ringsrc !
#      audioconvert ! rtpL24pay mtu=1316 ! srtsink uri=srt://B:7001
#   B: gst-launch-1.0 srtsrc mode=listener ! application/x-rtp,... !
#      rtpjitterbuffer ! rtpL24depay ! audioconvert ! ringsink -> ring ->
#      ringbridge-jack play -> JACK
#
#   srt.sh [--seconds N] [--capture FILE.wav] [--latency MS] [--jitter MS]
#          BUILD_DIR
#
# --latency: SRT's (its receive buffer, in which it retransmits what the
# link lost; default 40 ms; 4 x the round trip is SRT's advice) and the
# jitterbuffer's. --jitter delays packets before srtsink (GStreamer's
# netsim), which SRT's buffer absorbs. --loss is refused: a packet dropped
# before srtsink never reached the link, so SRT could not recover it and
# the figure would say nothing about SRT; a lossy link needs the kernel's
# netem (tc qdisc ... netem loss), which this machine may not have. RTP in
# SRT messages (at most 1316 bytes each): the receiver keeps RTP's
# sequence numbers and timestamps, so a packet SRT gave up on still
# becomes a GAP of exactly its length. Needs root.

. "$(dirname "$0")/hosts.sh"

start_receiver_b () {
  if [ "$loss" != 0 ]; then
    say "srt.sh: --loss is not for SRT (see the top of srt.sh)"
    exit 64
  fi
  start_rtp_receiver_b srtsrc uri="srt://:7001" mode=listener \
    latency="$latency" do-timestamp=true ! "$rtp_caps"
}

# A: SEND into SRT; sync=false as in rtp.sh: JACK A paces the stream
start_sender_a () {
  local impair=()
  if [ "$jitter" != 0 ]; then
    impair=(netsim min-delay=0 max-delay=$((2 * jitter))
      delay-distribution=uniform !)
  fi
  rtp_pay=(mtu=1316)
  start_rtp_sender_a "${impair[@]}" srtsink uri="srt://$addr_b:7001" \
    mode=caller latency="$latency" sync=false
}

if ! gst-inspect-1.0 srtsrc >/dev/null 2>&1; then
  say "srt.sh: no GStreamer SRT elements (srtsrc, srtsink; Debian:" \
    "gstreamer1.0-plugins-bad): skipped"
  exit 77
fi
run_recipe srt.sh "$@"
