#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# ringsink and ringsrc in two gst-launch-1.0 processes (R11), TAP output:
# the stream through the ring is byte-exact against the same pipeline
# into a filesink, whichever side starts first; a sink that is stopped or
# killed is replaced under a waiting source; both processes run clean
# under the leaks tracer; errors come out as messages; nothing is left in
# /dev/shm; the examples in examples/gst run.
#
# Environment (meson sets it): GST_PLUGIN_PATH_1_0 and friends,
# RB_EXAMPLES_DIR; RB_LAUNCH_BUFFERS (default 1000) sets the stream length.

set -u

n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $*"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check () {                      # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
zero () { local x; for x; do [ "$x" -eq 0 ] || return 1; done; }
failed_with () {                # failed_with RC TEXT FILE
  [ "$1" -ne 0 ] && grep -q "$2" "$3"
}

tmp=$(mktemp -d)
prefix="gstlaunch-$$"
pids=()
cleanup () {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
  rm -f /dev/shm/ringbridge-"$prefix"-*
}
trap cleanup EXIT

buffers=${RB_LAUNCH_BUFFERS:-1000}
launch=(gst-launch-1.0 -q)
timeout_ns=60000000000
audio="audiotestsrc num-buffers=$buffers wave=sine freq=441 samplesperbuffer=480 \
! audio/x-raw,format=S16LE,rate=48000,channels=2"
video="videotestsrc num-buffers=$((buffers / 10)) pattern=ball \
! video/x-raw,format=I420,width=160,height=120,framerate=30/1"

sum () { md5sum < "$1" | cut -d' ' -f1; }
same () { [ -s "$1" ] && [ "$(sum "$1")" = "$(sum "$2")" ]; }
run () { timeout 120 "${launch[@]}" "$@"; }
# ring_appears NAME: waits up to 30 s for the ring file. A gst-launch-1.0
# that has made its ring has also installed its SIGINT handler, so a
# SIGINT from then on ends it cleanly (and removes the name); one sent
# earlier kills it outright, leaving whatever it had made.
ring_appears () {
  local i
  for i in $(seq 300); do
    [ -e "/dev/shm/ringbridge-$1" ] && return 0
    sleep 0.1
  done
  return 1
}
# producer_is RING PID: waits up to 30 s for PID to be RING's producer
# (a sink that takes over a ring left by a killed one: the file is there
# before the new sink is)
producer_is () {
  local i
  for i in $(seq 300); do
    "$RB_BUILD_ROOT/tools/ringbridge-stat" --json "$1" 2>/dev/null \
      | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin)["rings"][0]
sys.exit(0 if (d.get("producer") or {}).get("pid") == int(sys.argv[1]) else 1)' "$2" \
      && return 0
    sleep 0.1
  done
  return 1
}

# shellcheck disable=SC2086
run $audio ! filesink location="$tmp/audio.ref"
# shellcheck disable=SC2086
run $video ! filesink location="$tmp/video.ref"

# both_ok WHAT SINK_RC SRC_RC OUT REF: both exited 0, OUT is REF
both_ok () {
  check "$1: both exit 0" zero "$2" "$3"
  check "$1: byte-exact" same "$4" "$5"
}

# 1. the source first: it waits for the ring to appear
ring=$prefix-a
run ringsrc ring-name="$ring" timeout=$timeout_ns ! filesink location="$tmp/a.out" &
src=$!
sleep 0.3
# shellcheck disable=SC2086
run $audio ! ringsink ring-name="$ring" sync=false
sink_rc=$?
wait $src
both_ok "audio, source first" $sink_rc $? "$tmp/a.out" "$tmp/audio.ref"

# 2. the sink first: its EOS waits for a consumer to read everything
ring=$prefix-b
# shellcheck disable=SC2086
run $audio ! ringsink ring-name="$ring" sync=false &
sink=$!
sleep 0.5
run ringsrc ring-name="$ring" timeout=$timeout_ns ! filesink location="$tmp/b.out"
src_rc=$?
wait $sink
both_ok "audio, sink first" $? $src_rc "$tmp/b.out" "$tmp/audio.ref"

# 3. video through a records ring, caps and all
ring=$prefix-v
run ringsrc ring-name="$ring" timeout=$timeout_ns ! filesink location="$tmp/v.out" &
src=$!
# shellcheck disable=SC2086
run $video ! ringsink ring-name="$ring"
wait $src
check "video through a records ring: byte-exact" same "$tmp/v.out" "$tmp/video.ref"

# 3b. a stream without caps (a file) arrives byte-exact, as through
# shmsink/shmsrc, and both exit 0 (#11 item 1)
ring=$prefix-nocaps
head -c 300000 /dev/urandom > "$tmp/nocaps.in"
run ringsrc ring-name="$ring" timeout=$timeout_ns ! filesink location="$tmp/nocaps.out" &
src=$!
sleep 0.3
run filesrc location="$tmp/nocaps.in" ! ringsink ring-name="$ring"
sink_rc=$?
wait $src
src_rc=$?
check "no caps: both exit 0" zero $sink_rc $src_rc
check "no caps: the file arrives byte-exact" cmp -s "$tmp/nocaps.in" "$tmp/nocaps.out"
# ... but not into an overwrite ring, which only raw audio can use: the
# error says so in words, not with "(NULL)" caps
run filesrc location="$tmp/nocaps.in" ! ringsink ring-name="$ring-ow" \
  mode=overwrite-old > "$tmp/nocaps-ow.log" 2>&1
check "no caps, overwrite-old: refused, naming a stream without caps" \
  failed_with $? "a stream without caps needs a records ring" "$tmp/nocaps-ow.log"

# 4. the sink stops (SIGINT: no EOS, the ring's name goes) and a new one
# starts: the waiting source follows it to the new ring and ends with its
# EOS. The output ends with the second sink's whole stream.
short="audiotestsrc num-buffers=100 wave=sine freq=441 samplesperbuffer=480 \
! audio/x-raw,format=S16LE,rate=48000,channels=2"
# shellcheck disable=SC2086
run $short ! filesink location="$tmp/short.ref"
for how in INT KILL; do
  ring=$prefix-r$how
  run ringsrc ring-name="$ring" on-peer-loss=wait timeout=$timeout_ns \
    ! filesink location="$tmp/r$how.out" &
  src=$!
  pids+=("$src")
  "${launch[@]}" audiotestsrc is-live=true wave=silence \
    ! audio/x-raw,format=S16LE,rate=48000,channels=2 \
    ! ringsink ring-name="$ring" &
  first=$!
  producer_is "$ring" $first
  kill -s "$how" $first
  wait $first 2>/dev/null
  # shellcheck disable=SC2086
  run $short ! ringsink ring-name="$ring"
  sink_rc=$?
  wait $src
  src_rc=$?
  size=$(stat -c %s "$tmp/short.ref")
  tail -c "$size" "$tmp/r$how.out" > "$tmp/r$how.tail"
  check "sink restart after SIG$how: both exit 0" zero $sink_rc $src_rc
  check "sink restart after SIG$how: the new sink's stream arrives whole" \
    same "$tmp/r$how.tail" "$tmp/short.ref"
done

# 4b. a sink killed, a second one that took its ring over stops cleanly,
# a third with other caps: the third makes a new ring of the name (the
# second removed the name, as the ring was nobody's), and the waiting
# source follows it to the end of the third's stream. A sink that fails
# to negotiate never ends the ring's stream. (#11 item 12)
other="audiotestsrc num-buffers=100 wave=sine freq=300 samplesperbuffer=441 \
! audio/x-raw,format=F32LE,rate=44100,channels=1"
# shellcheck disable=SC2086
run $other ! filesink location="$tmp/other.ref"
live="audiotestsrc is-live=true wave=silence ! audio/x-raw,format=S16LE,rate=48000,channels=2"
# waiting_src RING: a ringsrc that waits for producers of RING, into
# $tmp/RING.out; its pid in $src
waiting_src () {
  run ringsrc ring-name="$1" on-peer-loss=wait timeout=$timeout_ns \
    ! filesink location="$tmp/$1.out" &
  src=$!
  pids+=("$src")
}
# stopped_live_sink RING SIGNAL: the live stream into RING for 0.5 s
stopped_live_sink () {
  local s
  # shellcheck disable=SC2086
  "${launch[@]}" $live ! ringsink ring-name="$1" &
  s=$!
  producer_is "$1" $s
  kill -s "$2" $s
  wait $s 2>/dev/null
}
# stream_ended SINK_RC RING REF WHAT: the last sink stopped with SINK_RC;
# the source ends too, and what it wrote ends with REF, whole
stream_ended () {
  local src_rc size
  wait $src
  src_rc=$?
  size=$(stat -c %s "$3")
  tail -c "$size" "$tmp/$2.out" > "$tmp/$2.tail"
  check "$4: both exit 0" zero "$1" $src_rc
  check "$4: the last stream arrives whole" same "$tmp/$2.tail" "$3"
}
ring=$prefix-r12
waiting_src "$ring"
for how in KILL INT; do
  stopped_live_sink "$ring" $how
done
check "restart, clean stop of a taken-over ring: the source still waits" \
  kill -0 $src
# shellcheck disable=SC2086
run $other ! ringsink ring-name="$ring" > "$tmp/r12.sink.log" 2>&1
stream_ended $? "$ring" "$tmp/other.ref" "restart with other caps"

# 4c. after a sink is killed, one whose caps the ring refuses
# (not-negotiated) ends nothing: a waiting source reads on when a matching
# sink comes
ring=$prefix-r12n
waiting_src "$ring"
stopped_live_sink "$ring" KILL
# shellcheck disable=SC2086
run $other ! ringsink ring-name="$ring" > "$tmp/r12n.log" 2>&1
rc=$?
check "a sink with refused caps fails: not negotiated" \
  failed_with $rc "not-negotiated\\|carries" "$tmp/r12n.log"
sleep 0.3
check "a sink with refused caps: the source still waits" kill -0 $src
# shellcheck disable=SC2086
run $short ! ringsink ring-name="$ring"
stream_ended $? "$ring" "$tmp/short.ref" "after a refused sink"

# 4d. a block-mode sink whose consumer is killed stops with an error
# naming it, at once, instead of waiting for space for ever (#11 item 5)
ring=$prefix-dead
# not under timeout: $! is the consumer itself, to SIGKILL (the cleanup
# trap kills it if the test stops early). No pgrep: under the ASan build
# the whole script runs with the sanitizer preloaded, and procps hangs.
"${launch[@]}" ringsrc ring-name="$ring" timeout=$timeout_ns \
  ! identity sleep-time=100000 ! fakesink &
src=$!
pids+=("$src")
sleep 0.3
timeout 20 "${launch[@]}" audiotestsrc ! audio/x-raw,format=S16LE,rate=48000,channels=2 \
  ! ringsink ring-name="$ring" sync=false > "$tmp/dead.log" 2>&1 &
sink=$!
sleep 1
kill -s KILL $src 2>/dev/null
wait $src 2>/dev/null
SECONDS=0
wait $sink
rc=$?
check "consumer killed under a blocked sink: an error naming it" \
  failed_with $rc "consumer of ring '$ring' (pid [0-9]*) went away" "$tmp/dead.log"
took=$SECONDS
check "consumer killed under a blocked sink: within 5 s (not a timeout)" \
  sh -c "[ $rc -ne 124 ] && [ $took -le 5 ]"

# 4e. an overwrite ring read too slowly: every jump in the offsets comes
# with DISCONT (#11 item 2)
ring=$prefix-ow
timeout 20 "${launch[@]}" audiotestsrc num-buffers=400 \
  ! audio/x-raw,format=S16LE,rate=48000,channels=2 \
  ! ringsink ring-name="$ring" mode=overwrite-old buffer-time=100000 &
sink=$!
pids+=("$sink")
ring_appears "$ring"
timeout 3 gst-launch-1.0 -v ringsrc ring-name="$ring" \
  ! identity sleep-time=30000 silent=false ! fakesink > "$tmp/ow.log" 2>&1
kill -s INT $sink 2>/dev/null
wait $sink 2>/dev/null
grep "chain" "$tmp/ow.log" \
  | sed -E 's/.*offset: ([0-9]+), offset_end: +([0-9]+), flags: [0-9a-f]+ ([a-z]*).*/\1 \2 \3/' \
  | awk '{ if (NR > 1 && $1 != prev) { jumps++; if ($3 != "discont") bad++ }
           prev = $2 }
         END { print jumps + 0, bad + 0 }' > "$tmp/ow.count"
read -r jumps missing < "$tmp/ow.count"
check "overwrite ring read slowly: it did skip ($jumps jumps)" [ "$jumps" -gt 0 ]
check "overwrite ring read slowly: DISCONT on every jump ($missing missing)" \
  [ "$missing" -eq 0 ]

# 5. both processes under the leaks tracer
ring=$prefix-l
GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7 run ringsrc ring-name="$ring" \
  timeout=$timeout_ns ! filesink location="$tmp/l.out" 2> "$tmp/l.src.log" &
src=$!
# shellcheck disable=SC2086
GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7 run $short ! ringsink \
  ring-name="$ring" 2> "$tmp/l.sink.log"
wait $src
check "leaks tracer: the stream arrives" same "$tmp/l.out" "$tmp/short.ref"
check "leaks tracer: 0 leaks in the source" \
  [ "$(grep -c 'object-alive, type-name=(string)[A-Za-z]' "$tmp/l.src.log")" -eq 0 ]
check "leaks tracer: 0 leaks in the sink" \
  [ "$(grep -c 'object-alive, type-name=(string)[A-Za-z]' "$tmp/l.sink.log")" -eq 0 ]
check "leaks tracer: was active" grep -q "leaks" "$tmp/l.sink.log"

# 6. errors users see
run ringsrc ring-name="$prefix-missing" timeout=100000000 ! fakesink \
  > "$tmp/e1.log" 2>&1
rc=$?
check "missing ring: fails, naming it" \
  failed_with $rc "No ring '$prefix-missing'" "$tmp/e1.log"
run audiotestsrc num-buffers=1 ! ringsink > "$tmp/e2.log" 2>&1
rc=$?
check "no ring name: fails, saying so" failed_with $rc "No ring name" "$tmp/e2.log"
printf 'not a ring at all' > "/dev/shm/ringbridge-$prefix-junk"
chmod 600 "/dev/shm/ringbridge-$prefix-junk"
run ringsrc ring-name="$prefix-junk" ! fakesink > "$tmp/e3.log" 2>&1
rc=$?
check "not a ring: fails with the library's reason" \
  failed_with $rc "not a ring\\|too small\\|header" "$tmp/e3.log"
rm -f "/dev/shm/ringbridge-$prefix-junk"

# 6b. gst-inspect-1.0 shows that ringsrc can provide a clock (#11 item 15)
gst-inspect-1.0 ringsrc > "$tmp/inspect.log" 2>&1
check "gst-inspect: ringsrc has clocking capabilities" \
  grep -q "provide a clock" "$tmp/inspect.log"
check "gst-inspect: not 'no clocking capabilities'" \
  sh -c "! grep -q 'no clocking capabilities' '$tmp/inspect.log'"
# and so does ringsink, whose clock follows the ring's consumer (#13)
gst-inspect-1.0 ringsink > "$tmp/inspect-sink.log" 2>&1
check "gst-inspect: ringsink has clocking capabilities" \
  grep -q "provide a clock" "$tmp/inspect-sink.log"

# 6c. a ring writable by its group is refused without the opt-in, read
# with it (#11 item 26)
ring=$prefix-perm
# shellcheck disable=SC2086
run $short ! ringsink ring-name="$ring" permissions=432 &
sink=$!
sleep 0.5
run ringsrc ring-name="$ring" timeout=$timeout_ns ! fakesink > "$tmp/perm.log" 2>&1
rc=$?
check "permissions=0660: refused by default, saying why" \
  failed_with $rc "writable" "$tmp/perm.log"
run ringsrc ring-name="$ring" open-flags=shared-write timeout=$timeout_ns \
  ! filesink location="$tmp/perm.out"
src_rc=$?
wait $sink
sink_rc=$?
check "permissions=0660 with open-flags=shared-write: both exit 0" zero $sink_rc $src_rc
check "permissions=0660 with open-flags=shared-write: the stream arrives" \
  same "$tmp/perm.out" "$tmp/short.ref"

# 6d. the recording recipe (docs/recipes.md): gst-launch-1.0 -e, ended by
# Ctrl-C, sends EOS through ringsrc, so wavenc writes its real sizes into
# the header. (Without -e the header says 2 GiB of data: checked by hand,
# the docs suite's conventions check keeps -e in every such recipe.)
if gst-inspect-1.0 wavenc > /dev/null 2>&1; then
  ring=$prefix-rec
  # (not through run(): SIGINT must reach gst-launch-1.0 itself)
  "${launch[@]}" audiotestsrc is-live=true wave=sine freq=441 \
    ! audio/x-raw,format=S16LE,rate=48000,channels=2 \
    ! ringsink ring-name="$ring" on-peer-loss=wait > "$tmp/rec.sink.log" 2>&1 &
  sink=$!
  pids+=("$sink")
  producer_is "$ring" $sink
  gst-launch-1.0 -e ringsrc ring-name="$ring" is-live=true \
    ! audioconvert ! wavenc ! filesink location="$tmp/rec.wav" \
    > "$tmp/rec.log" 2>&1 &
  rec=$!
  pids+=("$rec")
  # data in the file: the pipeline plays, its SIGINT handler is in place
  for i in $(seq 300); do
    [ "$(stat -c %s "$tmp/rec.wav" 2>/dev/null || echo 0)" -gt 20000 ] && break
    sleep 0.1
  done
  kill -INT "$rec"
  wait "$rec"
  rec_rc=$?
  kill -INT "$sink"
  wait "$sink"
  check "recording with -e, ended by SIGINT: exit 0" zero $rec_rc
  check "recording with -e, ended by SIGINT: a WAV header with the file's sizes" \
    /usr/bin/python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
riff, = struct.unpack("<I", d[4:8])
i = 12
while d[i:i + 4] != b"data":
    i += 8 + struct.unpack("<I", d[i + 4:i + 8])[0]
data, = struct.unpack("<I", d[i + 4:i + 8])
ok = riff == len(d) - 8 and data == len(d) - i - 8 and data > 0
print("# file %d bytes, RIFF size %d, data size %d" % (len(d), riff, data))
sys.exit(0 if ok else 1)' "$tmp/rec.wav"
else
  not_ok "recording with -e: gst-inspect-1.0 does not find wavenc (gst-plugins-good)"
fi

# 7. nothing left behind
left=$(find /dev/shm -maxdepth 1 -name "ringbridge-$prefix-*" | wc -l)
check "no ring left in /dev/shm" [ "$left" -eq 0 ]
find /dev/shm -maxdepth 1 -name "ringbridge-$prefix-*" | sed 's/^/# left: /'

# 8. the examples, briefly; the Python one finds the library's typelib in
# the build tree
if [ -n "${RB_BUILD_ROOT:-}" ]; then
  export GI_TYPELIB_PATH="$RB_BUILD_ROOT/lib/ringbridge${GI_TYPELIB_PATH:+:$GI_TYPELIB_PATH}"
  export LD_LIBRARY_PATH="$RB_BUILD_ROOT/lib/ringbridge${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
if [ -n "${RB_EXAMPLES_DIR:-}" ] && [ -d "$RB_EXAMPLES_DIR" ]; then
  for ex in "$RB_EXAMPLES_DIR"/*.sh "$RB_EXAMPLES_DIR"/*.py; do
    [ -e "$ex" ] || continue
    case $ex in
      *.py) cmd=(/usr/bin/python3 "$ex") ;;
      *) cmd=(bash "$ex") ;;
    esac
    RB_EXAMPLE_SECONDS=1 RB_EXAMPLE_RING="$prefix-ex" timeout 60 "${cmd[@]}" \
      > "$tmp/ex.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ]; then
      ok "example $(basename "$ex")"
    else
      not_ok "example $(basename "$ex") (exit $rc)"
      sed 's/^/# /' "$tmp/ex.log" | tail -20
    fi
  done
fi

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
