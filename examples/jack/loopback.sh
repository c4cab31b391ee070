#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# A JACK loopback through two rings, on a private jackd (dummy backend, so
# no sound card is needed):
#
#   tone --ring--> ringbridge-jack play --JACK--> ringbridge-jack record
#        --ring--> meter
#
# tone writes a 440 Hz sine (amplitude 0.5) into the ring TONE; play sends
# it to its JACK ports, which are connected to record's; record writes what
# it gets into the ring REC, where meter prints the levels each second and
# checks at the end that the sine arrived whole (RMS 0.5/sqrt(2)).
#
# Usage: loopback.sh [--seconds N] [--server NAME] [--build DIR]
#        loopback.sh [--seconds N] [--server NAME] RINGBRIDGE-JACK TONE METER
# The first form finds the programs in DIR (default: build/ at the top of
# the source tree); the second is how the test suite runs it. The JACK
# server is called ringbridge-loopback-PID unless --server says otherwise:
# two runs at once each have their own. jackd 1.9 keeps a killed server's
# slot in its machine-wide table (8 slots) until a server of that name
# starts again, so the slots of earlier runs that were killed are freed
# first (private-jackd.sh).

set -euo pipefail

seconds=5
server=ringbridge-loopback-$$
build="$(cd "$(dirname "$0")/../.." && pwd)/build"
. "$(dirname "$0")/private-jackd.sh"
parse_long_options loopback.sh seconds:,server:,build: "$@"
set -- "${args[@]}"
jack=${1:-$build/jack/ringbridge-jack}
tone=${2:-$build/examples/jack/tone}
meter=${3:-$build/examples/jack/meter}
for p in "$jack" "$tone" "$meter"; do
  if [ ! -x "$p" ]; then
    echo "loopback.sh: $p is missing (build first)" >&2
    exit 1
  fi
done

# Ring names of our own.
tone_ring=loop$$-tone
rec_ring=loop$$-rec
export JACK_DEFAULT_SERVER=$server JACK_NO_START_SERVER=1
trap 'stop_started TERM' EXIT

# A private JACK server; SIGTERM (on exit) lets it unregister.
free_stale_slots ringbridge-loopback /dev/null
start_jackd "$server" 256 /dev/null

# The producer: its ring must exist before play starts (or use play --wait).
"$tone" "$tone_ring" --seconds $((seconds + 5)) &
pids+=($!)
for _ in $(seq 100); do
  [ -e "/dev/shm/ringbridge-$tone_ring" ] && break
  sleep 0.05
done

# record makes the ring REC and the ports in_1, in_2.
"$jack" record "$rec_ring" --name loop-rec &
pids+=($!)
for _ in $(seq 100); do
  env -u LD_PRELOAD jack_lsp | grep -q '^loop-rec:in_2$' && break
  sleep 0.05
done

# play: out_1, out_2, connected to record's inputs.
"$jack" play "$tone_ring" --name loop-play \
  --connect loop-rec:in_1,loop-rec:in_2 &
pids+=($!)

# The consumer of REC, in the foreground: its status is ours.
echo "loopback.sh: $seconds s of a 440 Hz tone through JACK server '$server':"
env -u LD_PRELOAD jack_lsp -c | sed 's/^/  /'
"$meter" "$rec_ring" --seconds "$seconds" --expect-rms 0.3536
