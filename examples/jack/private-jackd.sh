# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Sourced by loopback.sh and gst-bridge.sh: their options, a private JACK
# server, and the processes a script starts, stopped on exit by the pids it
# started them with. The script appends each pid it starts to "pids" and calls
# stop_started from its EXIT trap.

pids=()
# start_jackd runs the server under "${jackd_prefix[@]}" (e.g. ip netns
# exec NS, for a host of examples/network/) with "${jackd_driver[@]}" as
# its driver if set (e.g. -d net ...) instead of the dummy backend.
jackd_prefix=()
jackd_driver=()

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

# running PID: the process exists and is not a zombie waiting for us
running () {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state%% *}" != Z ]
}

# stop_started SIGNAL: the clients first (last started), then the server;
# one that is still there 5 s after SIGNAL is killed (a pipeline stuck in
# a deadlock ignores SIGINT), so the clean-up always ends.
stop_started () {
  local i n
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "-$1" "${pids[i]}" 2>/dev/null || true
    for ((n = 0; n < 50; n++)); do
      running "${pids[i]}" || break
      sleep 0.1
    done
    if running "${pids[i]}"; then
      printf '%s\n' "pid ${pids[i]} ($(cat "/proc/${pids[i]}/comm" 2>/dev/null)) did not stop 5 s after SIG$1: killing it" >&2
      kill -KILL "${pids[i]}" 2>/dev/null || true
    fi
    wait "${pids[i]}" 2>/dev/null || true
  done
}

# a test runner that gives up on us sends SIGTERM: clean up then too
trap 'exit 143' TERM
trap 'exit 130' INT

# free_stale_slots PREFIX LOG: jackd 1.9 registers every server in one
# table for the whole machine (8 slots) and keeps a killed server's slot
# until a server of that name runs again. Our cleanup stops the server with
# SIGTERM (clients first), which frees it; a script killed with SIGKILL
# could not. So the slots of earlier runs named PREFIX-PID whose process is
# gone are freed by starting and stopping a server of that name.
free_stale_slots () {
  local stale pid
  for stale in $(grep -aoE "$1-[0-9]+" /dev/shm/jack-shm-registry \
      2>/dev/null | sort -u); do
    if [ "${stale##*-}" != "$$" ] && ! kill -0 "${stale##*-}" 2>/dev/null; then
      printf '%s\n' "freeing the JACK server slot of $stale (a run that was killed)" >&2
      env -u LD_PRELOAD JACK_NO_AUDIO_RESERVATION=1 jackd --no-realtime \
        -n "$stale" -d dummy -r 48000 -p 64 >>"$2" 2>&1 &
      pid=$!
      wait_jackd "$stale" "$pid" "$2" || true
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
}

# wait_jackd SERVER PID LOG: waits up to 10 s for the server PID started
# to take clients. jack_wait -w gives up at once, not only at its timeout,
# when libjack's open fails with anything but "server failed" (a server
# that has made its socket but is not serving yet, seen on a loaded
# machine), so it is asked again while the server runs. Its probe prints
# libjack's "Cannot connect to server socket" until the server is up:
# into LOG, shown only if it never comes.
wait_jackd () {
  local end=$((SECONDS + 10))
  until env -u LD_PRELOAD jack_wait -s "$1" -w -t 10 >>"$3" 2>&1; do
    running "$2" && [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.2
  done
}

# start_jackd SERVER PERIOD LOG: a private JACK server, dummy backend (no
# sound card), 48 kHz, synchronous (--sync) as the tests run it
# (docs/jack.md): asynchronous jackd skips a client that is late for a
# cycle, and on a loaded machine one client's period then never reaches
# the next. JACK_NO_AUDIO_RESERVATION: no D-Bus device reservation for a
# dummy backend. SERVER should be unique (the script's pid in it): no
# other run's server is ever stopped. Exits 69 with the reason if it does
# not come up within 10 s. (jackd and its tools are not our libraries: no
# sanitizer runtime a test may preload; with ASan's they hang.)
start_jackd () {
  local driver=(-d dummy -r 48000 -p "$2")
  [ ${#jackd_driver[@]} -eq 0 ] || driver=("${jackd_driver[@]}")
  "${jackd_prefix[@]}" env -u LD_PRELOAD JACK_NO_AUDIO_RESERVATION=1 \
    jackd --no-realtime --sync --timeout 5000 -n "$1" "${driver[@]}" \
    >>"$3" 2>&1 &
  pids+=($!)
  if ! wait_jackd "$1" "${pids[-1]}" "$3"; then
    if grep -q "Too many servers" "$3"; then
      printf '%s\n' "JACK's table of servers (8 for the machine) is full; it lists:" >&2
      grep -aoE 'jack-[0-9]+:[^:]+:' /dev/shm/jack-shm-registry | sed 's/^/  /' >&2 || true
      printf '%s\n' "a server killed without a clean exit keeps its slot until one of" \
        "that name runs again (jackd -n NAME ..., then stop it with SIGTERM)" >&2
    else
      cat "$3" >&2
    fi
    exit 69
  fi
}
