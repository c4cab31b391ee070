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

# B: RTP from the link into RECV (receive_rtp_l24, hosts.sh)
start_receiver_b () {
  receive_rtp_l24 udpsrc address="$addr_b" port=5004 caps="$rtp_caps"
}

# A: SEND into RTP, after the optional impairment
start_sender_a () {
  local impair=()
  if [ "$loss" != 0 ] || [ "$jitter" != 0 ]; then
    impair=(netsim drop-probability="$(awk "BEGIN{print $loss / 100}")"
      min-delay=0 max-delay=$((2 * jitter)) delay-distribution=uniform !)
  fi
  send_rtp_l24 ! "${impair[@]}" udpsink host="$addr_b" port=5004
}

run_recipe rtp.sh "$@"
