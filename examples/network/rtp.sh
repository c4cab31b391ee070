#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# JACK on host A to JACK on host B over RTP (L24, 48 kHz, AES67's
# format), two network namespaces on this machine (hosts.sh):
#
#   A: JACK -> ringbridge-jack record -> ring -> gst-launch-1.0 ringsrc !
#      audioconvert ! rtpL24pay ! udpsink host=B
#   B: gst-launch-1.0 udpsrc ! rtpjitterbuffer ! rtpL24depay ! audioconvert
#      ! ringsink -> ring -> ringbridge-jack play -> JACK
#
#   rtp.sh [--seconds N] [--capture FILE.wav] [--latency MS] [--loss PCT]
#          [--jitter MS] BUILD_DIR
#
# --latency: rtpjitterbuffer's (default 40 ms). --loss and --jitter
# impair the link on host A with GStreamer's netsim (the kernel's netem
# is often not there): PCT percent of the packets dropped, each packet
# delayed 0 to 2 x MS ms (uniformly, so MS ms +- MS ms). A lost packet
# becomes a GAP event (do-lost=true) that ringsink writes as silence of
# exactly its length, so the stream never shifts. Needs root.

. "$(dirname "$0")/hosts.sh"

# B: RTP into RECV (hosts.sh)
start_receiver_b () {
  # a 4 MB socket buffer: a sender that starts late sends the ring's
  # backlog (up to 0.5 s) at once, which the default (200 kB) would drop
  start_rtp_receiver_b udpsrc address="$addr_b" port=5004 caps="$rtp_caps" \
    buffer-size=4194304
}

# A: SEND into RTP, after the optional impairment. sync=false: each
# packet leaves when JACK A has recorded it (ringsrc waits for the ring's
# producer), so JACK A's cycles pace the stream; a second wait, on the
# pipeline's clock, would only add latency (and on a loaded machine that
# wait woke so late that record filled SEND and dropped).
start_sender_a () {
  local impair=()
  if [ "$loss" != 0 ] || [ "$jitter" != 0 ]; then
    impair=(netsim drop-probability="$(awk "BEGIN{print $loss / 100}")"
      min-delay=0 max-delay=$((2 * jitter)) delay-distribution=uniform !)
  fi
  start_rtp_sender_a "${impair[@]}" udpsink sync=false host="$addr_b" \
    port=5004
}

run_recipe rtp.sh "$@"
