#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# The whole bridge on a private JACK server (dummy backend: no sound card):
#
#   gst-launch-1.0 audiotestsrc (440 Hz) ! ringsink ring-name=OUT
#     --ring--> ringbridge-jack play OUT --JACK--> ringbridge-jack record IN
#     --ring--> gst-launch-1.0 ringsrc ring-name=IN ! wavenc ! filesink
#
# It prints the clients' statistics (latency, xruns, underruns) and checks
# that the recorded file holds the tone; everything it started stops on
# exit, whatever happens. scripts/demo runs it; so does the jack suite.
#
#   gst-bridge.sh [--seconds N] [--keep FILE.wav] [--server NAME] BUILD_DIR

set -euo pipefail
say () { printf '%s\n' "$*" >&2; }
# A server of our own, named after this process: two bridges (or demos)
# at once each have theirs, and neither stops the other's.
server=ringbridge-demo-$$
seconds=3
keep=
. "$(dirname "$0")/private-jackd.sh"
parse_long_options gst-bridge.sh seconds:,keep:,server: "$@"
set -- "${args[@]}"
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  say "usage: gst-bridge.sh [--seconds N] [--keep FILE.wav] [--server NAME] BUILD_DIR"
  exit 64
fi
build=$(cd "$1" && pwd)
case $seconds in
  ''|*[!0-9]*) say "gst-bridge: --seconds takes a whole number, not '$seconds'"; exit 64 ;;
esac

jack=$build/jack/ringbridge-jack
stat=$build/tools/ringbridge-stat
for p in "$jack" "$stat" "$build/gst/libgstringbridge.so"; do
  [ -e "$p" ] || { say "gst-bridge: $p was not built"; exit 1; }
done

# Rings of our own: several bridges (or tests) may run at once.
out_ring=demo$$-out
in_ring=demo$$-in
work=$(mktemp -d "${TMPDIR:-/tmp}/ringbridge-demo.XXXXXX")
wav=$work/recorded.wav
export JACK_DEFAULT_SERVER=$server JACK_NO_START_SERVER=1
export GST_PLUGIN_PATH=$build/gst

cleanup () {
  # SIGINT: the clients' final statistics line
  stop_started INT
  "$stat" --reclaim "$out_ring" "$in_ring" >/dev/null 2>&1 || true
  [ -n "$keep" ] && [ -f "$wav" ] && cp "$wav" "$keep"
  rm -rf "$work"
}
trap cleanup EXIT

# A private server with 64-frame periods, after freeing the slots of
# earlier demos that were killed (private-jackd.sh).
free_stale_slots ringbridge-demo "$work/jackd.log"
start_jackd "$server" 64 "$work/jackd.log"

# record makes ring IN (F32LE, JACK's rate) and the ports in_1, in_2
"$jack" record "$in_ring" --channels 2 --name demo-record >"$work/record.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do
  env -u LD_PRELOAD jack_lsp 2>/dev/null | grep -q '^demo-record:in_2$' && break
  sleep 0.05
done

# the recorder: ringsrc reads ring IN for N seconds of frames
frames=$((seconds * 48000))
gst-launch-1.0 -q -e ringsrc ring-name="$in_ring" buffer-frames=1024 \
    num-buffers=$((frames / 1024)) ! audioconvert ! audio/x-raw,format=S16LE ! \
    wavenc ! \
    filesink location="$wav" >"$work/gst-rec.log" 2>&1 &
rec_pid=$!
pids+=($rec_pid)

# the player: ringbridge-jack play waits for ring OUT and feeds record
"$jack" play "$out_ring" --wait --name demo-play \
  --connect demo-record:in_1,demo-record:in_2 >"$work/play.log" 2>&1 &
pids+=($!)

# the source: a 440 Hz tone into ring OUT, made from its caps. Not paced
# by the system clock (no is-live, sync=false): ringsink blocks while the
# ring is full, so JACK's clock paces the pipeline and play always has a
# full ring (0.34 s) in hand. A live source keeps only what it made ahead
# of play, a few milliseconds at the start: on a loaded machine a 37 ms
# stall of gst-launch ran play dry (1792 frames of silence mid-tone, which
# audioconvert's dither turns into noise that the check below read as
# 515 Hz).
gst-launch-1.0 -q audiotestsrc freq=440 volume=0.5 ! \
    audio/x-raw,format=F32LE,rate=48000,channels=2,layout=interleaved ! \
    ringsink ring-name="$out_ring" sync=false >"$work/gst-play.log" 2>&1 &
pids+=($!)

say "gst-bridge: $seconds s of a 440 Hz tone: gst-launch -> ring -> ringbridge-jack play -> JACK ($server, 48 kHz, 64 frames) -> ringbridge-jack record -> ring -> gst-launch"
sleep 1
say "the JACK ports and their connections (jack_lsp -c):"
{ env -u LD_PRELOAD jack_lsp -c -s "$server" 2>/dev/null || true; } | sed 's/^/  /' >&2
say "the two rings after a second (ringbridge-stat):"
"$stat" "$out_ring" "$in_ring" 2>/dev/null | sed 's/^/  /' >&2 || true

# the recorder ends by itself after its buffers; give it time, no more
deadline=$((SECONDS + seconds + 20))
while kill -0 "$rec_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
  sleep 0.2
done
if kill -0 "$rec_pid" 2>/dev/null; then
  say "gst-bridge: the recording did not finish in time"
  cat "$work/gst-rec.log" >&2
  exit 1
fi
wait "$rec_pid" || { say "gst-bridge: the recording pipeline failed:"; cat "$work/gst-rec.log" >&2; exit 1; }

# stop the clients now, so their final statistics are in their logs
cleanup_clients () {
  for ((i = ${#pids[@]} - 1; i >= 1; i--)); do
    kill -INT "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
cleanup_clients
say "the clients' statistics (ringbridge-jack's final lines):"
for log in play record; do
  tail -n 3 "$work/$log.log" | sed "s/^/  $log: /" >&2
done

# The tone must be there: its level, and its frequency from the zero
# crossings (after the pipeline's start-up silence is skipped).
/usr/bin/python3 - "$wav" <<'PY'
import array, math, sys, wave
with wave.open(sys.argv[1]) as w:
    rate, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
    raw = w.readframes(n)
samples = array.array({2: 'h', 4: 'i'}[width], raw)
left = [samples[i] for i in range(0, len(samples), ch)]
full = float(1 << (8 * width - 1))
left = [v / full for v in left]
start = next((i for i, v in enumerate(left) if abs(v) > 0.05), len(left))
tone = left[start:]
if len(tone) < rate // 2:
    print(f"demo: FAILED: only {len(tone)} frames of signal in {n} recorded")
    sys.exit(1)
# A dropout inside the tone (a client that ran dry or was skipped) is
# named as such: 64 frames or more of near silence.
quiet = run = 0
for i, v in enumerate(tone):
    run = run + 1 if abs(v) < 0.01 else 0
    if run == 64:
        quiet += 1
        print(f"demo: a gap of silence in the tone at {(start + i - 63) / rate:.3f} s")
rms = math.sqrt(sum(v * v for v in tone) / len(tone))
crossings = sum(1 for a, b in zip(tone, tone[1:]) if a < 0 <= b)
freq = crossings * rate / len(tone)
ok = abs(freq - 440) < 5 and abs(rms - 0.5 / math.sqrt(2)) < 0.02 and not quiet
print(f"recorded {n} frames at {rate} Hz: {len(tone)} of tone, {freq:.1f} Hz, "
      f"RMS {rms:.4f} (expected 440 Hz, {0.5 / math.sqrt(2):.4f}): "
      f"{'the tone made it through' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
PY
