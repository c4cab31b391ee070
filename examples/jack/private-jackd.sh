# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Sourced by loopback.sh and gst-bridge.sh: their options, a private JACK
# server, and the processes a script starts, stopped on exit by the pids it
# started them with. The script appends each pid it starts to "pids" and calls
# stop_started from its EXIT trap.

pids=()

# parse_long_options SCRIPT NAME:,NAME:,... ARGS...: each --NAME VALUE of
# ARGS sets the variable NAME; what is left goes to the array "args". An
# unknown option or one without its value: a message, exit 64.
parse_long_options () {
  local script=$1 list=$2 parsed
  shift 2
  parsed=$(getopt -n "$script" -o '' -l "$list" -- "$@") || exit 64
  eval set -- "$parsed"
  while [ "$1" != -- ]; do
    printf -v "${1#--}" '%s' "$2"
    shift 2
  done
  shift
  args=("$@")
}

# stop_started SIGNAL: the clients first (last started), then the server.
stop_started () {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "-$1" "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}

# a test runner that gives up on us sends SIGTERM: clean up then too
trap 'exit 143' TERM
trap 'exit 130' INT

# start_jackd SERVER PERIOD LOG: a private JACK server, dummy backend (no
# sound card), 48 kHz. JACK_NO_AUDIO_RESERVATION: no D-Bus device
# reservation for a dummy backend. Exits 69 with the log if it does not
# come up within 10 s.
start_jackd () {
  # A server of this name left running by an earlier run that was killed
  # would take our clients: stop it first. (pkill, like the JACK tools,
  # runs without a sanitizer runtime a test may preload: with ASan's it
  # hangs.)
  if env -u LD_PRELOAD pkill -TERM -f -- "jackd --no-realtime -n $1 " 2>/dev/null; then
    sleep 1
  fi
  # (not our libraries: no sanitizer runtime a test may preload)
  env -u LD_PRELOAD JACK_NO_AUDIO_RESERVATION=1 jackd --no-realtime -n "$1" \
    -d dummy -r 48000 -p "$2" >"$3" 2>&1 &
  pids+=($!)
  env -u LD_PRELOAD jack_wait -s "$1" -w -t 10 >/dev/null || { cat "$3" >&2; exit 69; }
}
