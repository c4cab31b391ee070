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
#        [--jitter MS] [--check tone|exact] BUILD_DIR
#
# then the two hosts, both ends, the capture and the check. The recipe
# reads $latency, $loss, $jitter and the addresses below.
#
# --check tone (the default): the 1 kHz tone's frequency and level where
# it arrives in JACK B. --check exact: host A sends a counter instead
# (sample n is n / 2^23, which F32 -> L24 -> F32 carries exactly) and
# host B's ring RECV, where ringsink writes it (before play, whose
# resampler cannot keep it exact), is read by a reader (ringsrc
# role=reader) and checked sample by sample (check_exact).

set -euo pipefail
say () { printf '%s\n' "$*" >&2; }
# the directory of the recipes and their Python helpers
here=$(dirname "${BASH_SOURCE[0]}")
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
# rings a recipe adds (removed with the others), check-exact.py's options
extra_rings=()
exact_flags=()
sender_pid= receiver_pid= reader_pid=
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
    "$recv_ring" "${extra_rings[@]}" >/dev/null 2>&1 || true
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

# wait_port HOST PORT [TRIES]: until the port exists on the host's server
# (TRIES times 50 ms and a jack_lsp, 200 by default: 10 s)
wait_port () {
  local i
  for i in $(seq "${3:-200}"); do
    if [ "$1" = a ]; then "${on_a[@]}" env -u LD_PRELOAD jack_lsp
    else "${on_b[@]}" env -u LD_PRELOAD jack_lsp; fi 2>/dev/null |
      grep -qx "$2" && return 0
    sleep 0.05
  done
  say "no JACK port $2 on host $1 after $(( ${3:-200} / 20 )) s"
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
    --channels 1 --name rbnet-record --resample=off --stats 1 \
    >"$work/record-a.log" 2>&1 &
  pids+=($!)
  wait_port a rbnet-record:in_1
}

start_tone_a () {
  local source=(audiotestsrc freq=1000 volume=0.5 !
    audio/x-raw,format=F32LE,rate=48000,channels=1) resample=()
  if [ "$check" = exact ]; then
    # the counter, and a play that copies it (nothing to resample: JACK A
    # paces the non-live ringsink)
    write_counter "$work/counter.f32" $(((seconds + 30) * 48000))
    source=(filesrc location="$work/counter.f32" ! rawaudioparse
      format=pcm pcm-format=f32le sample-rate=48000 num-channels=1)
    resample=(--resample=off)
  fi
  "${on_a[@]}" "$build/jack/ringbridge-jack" play "$tone_ring" --wait \
    --name rbnet-tone --connect rbnet-record:in_1 "${resample[@]}" \
    --stats 1 >"$work/play-a.log" 2>&1 &
  pids+=($!)
  # not live: ringsink waits while the ring is full, so JACK A paces it
  "${on_a[@]}" gst-launch-1.0 -q "${source[@]}" ! \
    ringsink ring-name="$tone_ring" sync=false >"$work/tone-a.log" 2>&1 &
  pids+=($!)
}

# write_counter FILE N: N F32LE samples, sample n (from 1) = n / 2^23
write_counter () {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import array, sys
n = int(sys.argv[2])
with open(sys.argv[1], "wb") as f:
    array.array("f", (i / 8388608.0 for i in range(1, n + 1))).tofile(f)
PY
}

# start_reader_b: --check exact's reader of RECV on host B, beside play
# (ringsrc role=reader: its own position; catch-up reads all the ring
# still holds), into a file until RECV ends
start_reader_b () {
  "${on_b[@]}" gst-launch-1.0 -q -e ringsrc ring-name="$recv_ring" \
    role=reader timeout=30000000000 ! \
    filesink location="$work/recv.f32" >"$work/reader-b.log" 2>&1 &
  reader_pid=$!
  pids+=($!)
}

# finish_exact: --check exact's end: host A's sender is told to end (its
# stamps are written out), then host B's receiver (ringsink marks RECV's
# end, the reader drains and stops); then the check of what the reader
# read against the jitterbuffer's count, and the latency
finish_exact () {
  kill -INT "$sender_pid" 2>/dev/null || true
  wait "$sender_pid" 2>/dev/null || true
  kill -INT "$receiver_pid" 2>/dev/null || true
  wait "$receiver_pid" 2>/dev/null || true
  wait "$reader_pid" 2>/dev/null || true
  /usr/bin/python3 "$here/check-exact.py" "${exact_flags[@]}" \
    "$work/recv.f32" "$work/gst-b.log" "$work/play-a.log" \
    "$work/record-a.log" "$loss" "$work/stamps-a" "$work/stamps-b"
}

# connect_a: after the tone plays; a recipe that wires JACK A itself
# (netjack2) defines its own
connect_a () {
  :
}

# The RTP caps a receiver must be told (nothing announces them: no SDP)
rtp_caps="application/x-rtp,media=audio,clock-rate=48000,encoding-name=L24"
rtp_caps="$rtp_caps,channels=1,payload=96"

# start_rtp_receiver_b SOURCE...: host B's RTP receiver (rtp.sh, srt.sh),
# SOURCE (gst-launch-1.0 words that give RTP packets with $rtp_caps) !
# rtpjitterbuffer ! rtpL24depay ! ... ! ringsink into RECV. The
# jitterbuffer holds $latency ms and reports each packet that did not come
# in time as lost (do-lost: a GAP event downstream, written as silence).
# gst-run.py is gst-launch-1.0 -e that prints the elements' stats at the
# end (the jitterbuffer's num-lost), and at the first sound, which
# check-exact.py compares.
# overwrite-old: the network does not wait for a late play either (what
# play B did not read in time is lost and counted, not held back in the
# jitterbuffer), and an overwrite ring can have readers (--check exact's).
start_rtp_receiver_b () {
  local stamps=()
  if [ "$check" = exact ]; then stamps=(--stamps recv.sink "$work/stamps-b"); fi
  "${on_b[@]}" /usr/bin/python3 "$here/gst-run.py" --first-sound recv \
    "${stamps[@]}" "$@" ! \
    rtpjitterbuffer latency="$latency" do-lost=true ! rtpL24depay ! \
    audioconvert ! audio/x-raw,format=F32LE ! \
    ringsink name=recv ring-name="$recv_ring" mode=overwrite-old \
    >"$work/gst-b.log" 2>&1 &
  receiver_pid=$!
  pids+=($!)
}

# start_rtp_sender_a ELEMENTS...: host A's RTP sender (rtp.sh, srt.sh):
# SEND ! audioconvert ! L24 ! rtpL24pay (1 ms packets; "${rtp_pay[@]}"
# adds options) ! ELEMENTS (the impairment and the sink). Under --check
# exact, gst-run.py stamps each buffer that leaves SEND (the latency's
# start; its end is where host B's ringsink takes it).
rtp_pay=()
start_rtp_sender_a () {
  local stamps=()
  if [ "$check" = exact ]; then stamps=(--stamps send.src "$work/stamps-a"); fi
  "${on_a[@]}" /usr/bin/python3 "$here/gst-run.py" "${stamps[@]}" \
    ringsrc name=send ring-name="$send_ring" is-live=true \
    timeout=10000000000 ! audioconvert ! audio/x-raw,format=S24BE ! \
    rtpL24pay pt=96 min-ptime=1000000 max-ptime=1000000 "${rtp_pay[@]}" ! \
    "$@" >"$work/gst-a.log" 2>&1 &
  sender_pid=$!
  pids+=($!)
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
  # in the background, and waited for: a signal's trap (exit, then the
  # clean-up) runs at once in a wait, but only after a foreground command
  "${on_b[@]}" env -u LD_PRELOAD jack_rec -f "$1" -d "$2" -b 16 rbnet-play:out_1 \
    >"$work/jack_rec.log" 2>&1 &
  pids+=($!)
  wait "$!"
}

# run_recipe NAME ARGS...: see the top
run_recipe () {
  local name=$1 v file
  shift
  seconds=10 capture= latency=40 loss=0 jitter=0 check=tone
  parse_long_options "$name" seconds:,capture:,latency:,loss:,jitter:,check: "$@"
  set -- "${args[@]}"
  if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    say "usage: $name [--seconds N] [--capture FILE.wav] [--latency MS] [--loss PCT] [--jitter MS] [--check tone|exact] BUILD_DIR"
    exit 64
  fi
  case $check in
    tone|exact) ;;
    *) say "$name: --check takes tone or exact, not '$check'"; exit 64 ;;
  esac
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
  if [ "$check" = exact ]; then start_reader_b; fi
  start_player_b
  start_record_a
  start_sender_a
  start_tone_a
  connect_a
  say "$name: $seconds s of a 1 kHz tone (or --check exact's counter), host A ($addr_a, JACK $server_a) -> host B ($addr_b, JACK $server_b)"
  file=${capture:-$work/captured.wav}
  capture_b "$file" "$seconds"
  say "host B's player (ringbridge-jack play, last statistics):"
  tail -n 1 "$work/play-b.log" | sed 's/^/  /' >&2
  local flags=()
  [ "$jitter" = 0 ] || flags=(continuous)
  if [ "$check" = exact ]; then finish_exact || { show_logs; return 1; }
  else /usr/bin/python3 "$here/check-tone.py" "$file" "$work/play-b.log" \
    "${flags[@]}" || { show_logs; return 1; }
  fi
}

# show_logs: on a failed check, the end of every log of the run (a CI
# log is all there is of it afterwards)
show_logs () {
  local f
  for f in "$work"/*.log; do
    [ -s "$f" ] || continue
    say "--- ${f##*/} (last 8 lines)"
    tail -n 8 "$f" | cut -c1-300 >&2
  done
}

# the EXIT trap: everything started, the hosts, the rings; the logs to
# $RB_NET_KEEP if set (a directory to create)
hosts_cleanup () {
  stop_started INT
  remove_hosts
  if [ -n "${RB_NET_KEEP:-}" ]; then cp -r "$work" "$RB_NET_KEEP"; fi
  rm -rf "$work"
}
