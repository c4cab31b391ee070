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
#               BUILD_DIR
#
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
  if [ "$check" = exact ]; then
    say "netjack2.sh: --check exact is for the RTP recipes (no jitterbuffer here)"
    exit 64
  fi
  [ "$latency" = 40 ] && latency=2
  "${on_a[@]}" env -u LD_PRELOAD jack_load netmanager \
    >"$work/netmanager.log" 2>&1
  start_host_jackd b -d net -a 225.3.19.154 -C 1 -P 1 -n rbnet-slave \
    -l "$latency"
}

# B: what arrives on system:capture_1 into RECV
start_receiver_b () {
  "${on_b[@]}" "$build/jack/ringbridge-jack" record "$recv_ring" \
    --channels 1 --name rbnet-netrecord --connect system:capture_1 \
    >"$work/record-b.log" 2>&1 &
  pids+=($!)
}

# A: the tone's player also feeds the slave's port (A's record and its
# ring SEND are the other recipes' sender; netjack2 needs none)
start_sender_a () {
  :
}

connect_a () {
  wait_port a rbnet-slave:to_slave_1
  wait_port a rbnet-tone:out_1
  "${on_a[@]}" env -u LD_PRELOAD jack_connect rbnet-tone:out_1 \
    rbnet-slave:to_slave_1
}

run_recipe netjack2.sh "$@"
