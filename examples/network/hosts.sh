# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Sourced by the recipes of examples/network/ (rtp.sh, srt.sh,
# netjack2.sh): two "hosts" on one machine, each a network namespace of
# its own with a private JACK server, joined by a veth pair, and the two
# ends of a bridge that every recipe shares:
#
#   host A: a 1 kHz tone (gst-launch-1.0 audiotestsrc ! ringsink)
#           -> ringbridge-jack play -> JACK A -> ringbridge-jack record
#           -> the ring SEND, which the recipe carries to host B
#   host B: the recipe's receiver -> the ring RECV -> ringbridge-jack play
#           -> JACK B, where jack_rec captures it (--capture FILE.wav)
#
# Needs root (CAP_NET_ADMIN) for the namespaces. Every namespace, veth,
# server, process and ring it makes is removed on exit, whatever happens;
# the namespaces of an earlier run that was killed (SIGKILL: no exit trap)
# are removed by the next run. Addresses exist only inside the two
# namespaces: nothing of the machine's own network is touched.
#
# A recipe defines start_receiver_b and start_sender_a (its transport:
# what carries host A's ring SEND into host B's ring RECV), sources this
# file and calls run_recipe NAME "$@": the options every recipe takes,
#
#   NAME [--seconds N] [--capture FILE.wav] [--latency MS] [--loss PCT]
#        [--jitter MS] BUILD_DIR
#
# then the two hosts, both ends, the capture and the check. The recipe
# reads $latency, $loss, $jitter and the addresses below.

set -euo pipefail
say () { printf '%s\n' "$*" >&2; }
. "$(dirname "${BASH_SOURCE[0]}")/../jack/private-jackd.sh"

hosts_prefix=rbnet
ns_a=$hosts_prefix-$$-a
ns_b=$hosts_prefix-$$-b
# veth names have at most 15 characters
veth_a=rbva$$
veth_b=rbvb$$
addr_a=10.201.0.1
addr_b=10.201.0.2
server_a=rbnet-a-$$
server_b=rbnet-b-$$
tone_ring=rbnet$$-tone
send_ring=rbnet$$-send
recv_ring=rbnet$$-recv
hosts_made=()

# "${on_a[@]}" COMMAND... / "${on_b[@]}" COMMAND...: COMMAND inside host
# A's or B's namespace, with that host's JACK server as the default one.
# A prefix, not a function: "${on_a[@]}" COMMAND & execs COMMAND in the
# very process whose pid $! gives, so stop_started stops it.
on_a=(ip netns exec "$ns_a" env JACK_DEFAULT_SERVER="$server_a"
  JACK_NO_START_SERVER=1)
on_b=(ip netns exec "$ns_b" env JACK_DEFAULT_SERVER="$server_b"
  JACK_NO_START_SERVER=1)

# remove_stale_hosts: the namespaces of earlier runs whose process is gone
remove_stale_hosts () {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' |
      grep -E "^$hosts_prefix-[0-9]+-[ab]\$" || true); do
    pid=${ns#"$hosts_prefix"-}
    pid=${pid%-*}
    if [ "$pid" != $$ ] && ! kill -0 "$pid" 2>/dev/null; then
      say "removing the namespace $ns of a run that was killed"
      ip netns delete "$ns" 2>/dev/null || true
    fi
  done
}

# make_hosts: the two namespaces and the veth pair between them. Exits 77
# (a skip, to meson) without CAP_NET_ADMIN.
make_hosts () {
  if ! ip netns add "$ns_a" 2>"$work/netns.err"; then
    say "network namespaces cannot be made here ($(cat "$work/netns.err")):" \
      "the recipe needs root or CAP_NET_ADMIN"
    exit 77
  fi
  hosts_made+=("$ns_a")
  remove_stale_hosts
  # JACK's slots of servers that runs killed with SIGKILL left
  free_stale_slots rbnet-a "$work/jackd-a.log"
  free_stale_slots rbnet-b "$work/jackd-b.log"
  ip netns add "$ns_b"
  hosts_made+=("$ns_b")
  ip link add "$veth_a" type veth peer name "$veth_b"
  ip link set "$veth_a" netns "$ns_a"
  ip link set "$veth_b" netns "$ns_b"
  ip -n "$ns_a" addr add "$addr_a/24" dev "$veth_a"
  ip -n "$ns_b" addr add "$addr_b/24" dev "$veth_b"
  for ns in "$ns_a" "$ns_b"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$ns_a" link set "$veth_a" up
  ip -n "$ns_b" link set "$veth_b" up
  # multicast (netjack2's discovery) goes out on the veth
  ip -n "$ns_a" route add 224.0.0.0/4 dev "$veth_a"
  ip -n "$ns_b" route add 224.0.0.0/4 dev "$veth_b"
}

# remove_hosts: the namespaces (deleting one deletes its end of the veth,
# and with it the pair), and our rings.
remove_hosts () {
  local ns
  for ns in "${hosts_made[@]}"; do
    ip netns delete "$ns" 2>/dev/null || true
  done
  hosts_made=()
  "$build/tools/ringbridge-stat" --reclaim "$tone_ring" "$send_ring" \
    "$recv_ring" >/dev/null 2>&1 || true
}

# start_host_jackd HOST [DRIVER...]: the host's private server, inside its
# namespace; the dummy backend at 48 kHz, $host_period-frame periods
# (default 256), unless a driver is given. Not 64: a dummy backend is no
# clock, it loses the time of each late wake-up, and at 64 frames on a
# virtual machine two servers lost 1 to 3 % each, differently, which is a
# "drift" beyond what play resamples (+-2 %); at 256 they keep time.
start_host_jackd () {
  local host=$1 server
  shift
  if [ "$host" = a ]; then server=$server_a; jackd_prefix=(ip netns exec "$ns_a")
  else server=$server_b; jackd_prefix=(ip netns exec "$ns_b"); fi
  jackd_driver=("$@")
  start_jackd "$server" "${host_period:-256}" "$work/jackd-$host.log"
  jackd_prefix=()
  jackd_driver=()
}

# start_jackd_b: host B's server; a recipe that needs another (netjack2's
# net driver) defines its own after sourcing this file
start_jackd_b () {
  start_host_jackd b
}

# wait_port HOST PORT: until the port exists on the host's server (10 s)
wait_port () {
  local i
  for i in $(seq 200); do
    if [ "$1" = a ]; then "${on_a[@]}" env -u LD_PRELOAD jack_lsp
    else "${on_b[@]}" env -u LD_PRELOAD jack_lsp; fi 2>/dev/null |
      grep -qx "$2" && return 0
    sleep 0.05
  done
  say "no JACK port $2 on host $1 after 10 s"
  return 1
}

# start_record_a / start_tone_a: host A's end, JACK into SEND, and the
# tone into JACK. The recipe's sender starts between the two, so that it
# reads SEND from the tone's first frame, not from a ring that record
# filled while the sender was starting (and then has to drop from).
start_record_a () {
  # --resample=off: the sender's ringsrc is live and offers the pipeline
  # a clock that follows this ring's producer, so host A has one clock
  # (JACK A's) and nothing to resample; the second clock is host B's,
  # which host B's play follows
  "${on_a[@]}" "$build/jack/ringbridge-jack" record "$send_ring" \
    --channels 1 --name rbnet-record --resample=off \
    >"$work/record-a.log" 2>&1 &
  pids+=($!)
  wait_port a rbnet-record:in_1
}

start_tone_a () {
  "${on_a[@]}" "$build/jack/ringbridge-jack" play "$tone_ring" --wait \
    --name rbnet-tone --connect rbnet-record:in_1 >"$work/play-a.log" 2>&1 &
  pids+=($!)
  # not live: ringsink waits while the ring is full, so JACK A paces it
  "${on_a[@]}" gst-launch-1.0 -q audiotestsrc freq=1000 volume=0.5 ! \
    audio/x-raw,format=F32LE,rate=48000,channels=1 ! \
    ringsink ring-name="$tone_ring" sync=false >"$work/tone-a.log" 2>&1 &
  pids+=($!)
}

# connect_a: after the tone plays; a recipe that wires JACK A itself
# (netjack2) defines its own
connect_a () {
  :
}

# start_player_b: host B's end, RECV into JACK B
start_player_b () {
  "${on_b[@]}" "$build/jack/ringbridge-jack" play "$recv_ring" --wait \
    --name rbnet-play --stats 1 >"$work/play-b.log" 2>&1 &
  pids+=($!)
}

# capture_b FILE SECONDS: what reaches JACK B, as a WAV file, from when
# the chain carries sound (host B's ring has been written, 30 s at most)
capture_b () {
  local i
  wait_port b rbnet-play:out_1
  for i in $(seq 300); do
    "$build/tools/ringbridge-stat" --json "$recv_ring" 2>/dev/null |
      grep -q '"write_position": *[1-9]' && break
    sleep 0.1
  done
  "${on_b[@]}" env -u LD_PRELOAD jack_rec -f "$1" -d "$2" -b 16 rbnet-play:out_1 \
    >"$work/jack_rec.log" 2>&1
}

# check_tone FILE: the captured tone's level and frequency, from its last
# half (the first is the chain filling up), printed and checked: 1 kHz
# within 1 %, -6 dBFS within 1 dB; exits 1 otherwise.
check_tone () {
  /usr/bin/python3 - "$1" <<'PY'
import array, math, sys, wave
with wave.open(sys.argv[1]) as w:
    n, width = w.getnframes(), w.getsampwidth()
    rate = w.getframerate()
    s = array.array({2: 'h', 4: 'i'}[width], w.readframes(n))
s = s[len(s) // 2:]
full = float(1 << (8 * width - 1))
if len(s) < rate:
    sys.exit("captured %d frames: too few" % len(s))
rms = math.sqrt(sum(x * x for x in s) / len(s)) / full
db = 20 * math.log10(rms * math.sqrt(2)) if rms > 0 else -200.0
ups = [i for i in range(1, len(s)) if s[i - 1] < 0 <= s[i]]
hz = (len(ups) - 1) * rate / (ups[-1] - ups[0]) if len(ups) > 2 else 0.0
print("captured on host B: %.1f Hz at %.2f dBFS (peak), %.2f s" %
      (hz, db, len(s) / rate))
ok = abs(hz - 1000) < 10 and abs(db + 6.02) < 1
sys.exit(0 if ok else "not the tone that host A sent (1000 Hz, -6.02 dBFS)")
PY
}

# --- RTP L24 (AES67's format: 24-bit, 48 kHz, here mono), for rtp.sh and
# srt.sh

# The RTP caps a receiver must be told (nothing announces them: no SDP)
rtp_caps="application/x-rtp,media=audio,clock-rate=48000,encoding-name=L24"
rtp_caps="$rtp_caps,channels=1,payload=96"

# receive_rtp_l24 SOURCE...: on host B, gst-launch-1.0 SOURCE (elements
# that give RTP with $rtp_caps) into the ring RECV. The jitterbuffer holds
# $latency ms and reports each packet that did not come in time as lost:
# a GAP event, which ringsink writes as silence of exactly its length.
receive_rtp_l24 () {
  "${on_b[@]}" gst-launch-1.0 -e "$@" ! \
    rtpjitterbuffer latency="$latency" do-lost=true ! rtpL24depay ! \
    audioconvert ! audio/x-raw,format=F32LE ! \
    ringsink ring-name="$recv_ring" >"$work/gst-b.log" 2>&1 &
  pids+=($!)
}

# send_rtp_l24 [PAYLOADER-PROPERTY...] ! SINK...: on host A,
# gst-launch-1.0 from the ring SEND, as RTP packets of 1 ms, into SINK
# (elements that carry them to host B)
send_rtp_l24 () {
  "${on_a[@]}" gst-launch-1.0 -e ringsrc ring-name="$send_ring" \
    is-live=true timeout=10000000000 ! audioconvert ! \
    audio/x-raw,format=S24BE ! \
    rtpL24pay pt=96 min-ptime=1000000 max-ptime=1000000 "$@" \
    >"$work/gst-a.log" 2>&1 &
  pids+=($!)
}

# run_recipe NAME ARGS...: see the top
run_recipe () {
  local name=$1 v file
  shift
  seconds=10 capture= latency=40 loss=0 jitter=0
  parse_long_options "$name" seconds:,capture:,latency:,loss:,jitter: "$@"
  set -- "${args[@]}"
  if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    say "usage: $name [--seconds N] [--capture FILE.wav] [--latency MS] [--loss PCT] [--jitter MS] BUILD_DIR"
    exit 64
  fi
  build=$(cd "$1" && pwd)
  for v in seconds:"$seconds" latency:"$latency" jitter:"$jitter"; do
    case ${v#*:} in
      ''|*[!0-9]*) say "$name: --${v%%:*} takes a whole number, not '${v#*:}'"; exit 64 ;;
    esac
  done
  if ! [[ $loss =~ ^[0-9]+(\.[0-9]+)?$ ]] || [ "${loss%%.*}" -ge 100 ]; then
    say "$name: --loss takes a percentage below 100, not '$loss'"
    exit 64
  fi
  # mktemp's own template, in $TMPDIR
  work=$(mktemp -d)
  export GST_PLUGIN_PATH=$build/gst
  trap hosts_cleanup EXIT
  make_hosts
  start_host_jackd a
  start_jackd_b
  start_receiver_b
  start_player_b
  start_record_a
  start_sender_a
  start_tone_a
  connect_a
  say "$name: $seconds s of a 1 kHz tone, host A ($addr_a, JACK $server_a) -> host B ($addr_b, JACK $server_b)"
  file=${capture:-$work/captured.wav}
  capture_b "$file" "$seconds"
  say "host B's player (ringbridge-jack play, last statistics):"
  tail -n 1 "$work/play-b.log" | sed 's/^/  /' >&2
  check_tone "$file"
}

# the EXIT trap: everything started, the hosts, the rings; the logs to
# $RB_NET_KEEP if set (a directory to create)
hosts_cleanup () {
  stop_started INT
  remove_hosts
  if [ -n "${RB_NET_KEEP:-}" ]; then cp -r "$work" "$RB_NET_KEEP"; fi
  rm -rf "$work"
}
