#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# JACK on host A to JACK on host B with netjack2 (JACK's own network
# driver: no GStreamer on the wire), ringbridge at both ends, two network
# namespaces on this machine (hosts.sh):
#
#   A: a ring -> ringbridge-jack play -> JACK A, whose netmanager
#      (jack_load netmanager) sends to_slave_1 to B
#   B: jackd -d net (B's cycles are A's: one clock, no drift) ->
#      system:capture_1 -> ringbridge-jack record -> ring ->
#      ringbridge-jack play -> JACK B
#
#   netjack2.sh [--seconds N] [--capture FILE.wav] [--latency CYCLES]
#               [--check tone|exact] BUILD_DIR
#
# --check exact: the counter (hosts.sh), checked in a second ring on host
# B, and its latency from JACK A's ring to JACK B's.
# --latency: the net driver's network latency in cycles (default 2; its
# -l). netjack2 finds its master by multicast (225.3.19.154, UDP 19000) on
# the veth. What the network loses, netjack2 replaces by silence for that
# cycle (the counts are in jackd B's log). --loss and --jitter are refused:
# they need the kernel's netem. Needs root.

. "$(dirname "$0")/hosts.sh"

# B's server is netjack2's slave: it starts once A's netmanager answers
start_jackd_b () {
  if [ "$loss" != 0 ] || [ "$jitter" != 0 ]; then
    say "netjack2.sh: --loss and --jitter need the kernel's netem (see the top)"
    exit 64
  fi
  [ "$latency" = 40 ] && latency=2
  "${on_a[@]}" env -u LD_PRELOAD jack_load netmanager \
    >"$work/netmanager.log" 2>&1
  start_host_jackd b -d net -a 225.3.19.154 -C 1 -P 1 -n rbnet-slave \
    -l "$latency"
}

# B: what arrives on system:capture_1 into RECV. Under --check exact
# also into a second ring, read (and stamped) by a ringsrc into the file
# check-exact.py reads: RECV's consumer is play, and a ring that
# ringbridge-jack record makes has no readers.
start_receiver_b () {
  # JACK B's capture ports come with the link to host A's netmanager, which
  # a loaded machine may take seconds to make: record --connect would find
  # none and end (CI, 2026-12-06: "no JACK port 'system:capture_1'")
  wait_port b system:capture_1 600 || exit 1
  "${on_b[@]}" "$build/jack/ringbridge-jack" record "$recv_ring" \
    --channels 1 --name rbnet-netrecord --connect system:capture_1 \
    >"$work/record-b.log" 2>&1 &
  pids+=($!)
  if [ "$check" != exact ]; then return 0; fi
  extra_rings=("rbnet$$-recv2")
  # netjack2 loses whole cycles; no jitterbuffer; both stamps where a
  # ringsrc reads a ring that a JACK record client fills
  exact_flags=(--packet "${host_period:-256}" --no-jitterbuffer --b-from-ring)
  "${on_b[@]}" "$build/jack/ringbridge-jack" record "rbnet$$-recv2" \
    --channels 1 --name rbnet-netcheck --connect system:capture_1 \
    --resample=off --stats 1 >"$work/record-b2.log" 2>&1 &
  pids+=($!)
  "${on_b[@]}" /usr/bin/python3 "$here/gst-run.py" \
    --stamps recv.src "$work/stamps-b" ringsrc name=recv \
    ring-name="rbnet$$-recv2" timeout=30000000000 ! \
    filesink location="$work/recv.f32" >"$work/gst-b.log" 2>&1 &
  receiver_pid=$!
  pids+=($!)
}

# --check exact reads its own ring (above), not RECV
start_reader_b () {
  :
}

# A: the tone's player also feeds the slave's port; no sender (A's record
# and its ring SEND are the other recipes'), but under --check exact a
# ringsrc stamps the counter as JACK A's record writes it into SEND
start_sender_a () {
  if [ "$check" != exact ]; then return 0; fi
  "${on_a[@]}" /usr/bin/python3 "$here/gst-run.py" \
    --stamps send.src "$work/stamps-a" ringsrc name=send \
    ring-name="$send_ring" timeout=30000000000 ! fakesink sync=false \
    >"$work/gst-a.log" 2>&1 &
  sender_pid=$!
  pids+=($!)
}

connect_a () {
  wait_port a rbnet-slave:to_slave_1
  wait_port a rbnet-tone:out_1
  "${on_a[@]}" env -u LD_PRELOAD jack_connect rbnet-tone:out_1 \
    rbnet-slave:to_slave_1
}

run_recipe netjack2.sh "$@"
