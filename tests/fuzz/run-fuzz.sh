#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Runs a libFuzzer harness for meson test (tests/README.md, R5).
#
#   run-fuzz.sh fuzz FUZZER CORPUS WORK [libFuzzer options...]
#     Fuzzes from the checked-in CORPUS. New inputs go to WORK/corpus (the
#     first corpus directory is the one libFuzzer writes to), crashes to
#     WORK/artifacts: the source tree is only read. Passes iff libFuzzer
#     finishes its budget without a crash, leak, timeout or OOM.
#
#   run-fuzz.sh planted FUZZER CLEAN CORPUS WORK [libFuzzer options...]
#     The planted-bug self-test. Passes iff FUZZER (built with a check
#     removed) crashes with an AddressSanitizer report within its budget,
#     and the input it crashed on does not crash CLEAN (the same harness on
#     the real library): the harness found the planted bug, not another.
#
#   run-fuzz.sh replay FUZZER DIR [FUZZER DIR...]
#     Runs every input in each DIR once through its FUZZER: the inputs that
#     once found a bug. Passes iff none fails; names each that does.
#
# The full libFuzzer log stays in WORK/log; a crash prints its tail and
# how to reproduce it.
set -u

mode=$1; shift

if [ "$mode" = replay ]; then
  total=0 failed=0
  while [ $# -ge 2 ]; do
    fuzzer=$1 dir=$2; shift 2
    for input in "$dir"/*; do
      [ -f "$input" ] || continue
      total=$((total + 1))
      if ! out=$("$fuzzer" "$input" 2>&1); then
        failed=$((failed + 1))
        printf '%s\n' "$out" | grep -E 'ERROR|runtime error|fuzz-[a-z]+:|^    #[0-9] ' |
          head -n 12
        echo "FAIL: $(basename "$dir")/$(basename "$input")" \
          "(reproduce: $fuzzer $input)"
        echo
      fi
    done
  done
  echo "$total inputs replayed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
fi

case $mode in
  fuzz) fuzzer=$1 corpus=$2 work=$3; shift 3 ;;
  planted) fuzzer=$1 clean=$2 corpus=$3 work=$4; shift 4 ;;
  *) echo "run-fuzz.sh: unknown mode $mode" >&2; exit 2 ;;
esac

rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
log=$work/log

start=$(date +%s.%N)
"$fuzzer" -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" \
  "$work/corpus" "$corpus" > "$log" 2>&1
status=$?
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')

stat () {
  awk -v k="stat::$1:" '$1 == k { print $2 }' "$log"
}

summary () {
  grep -E '^INFO: Seed:|^INFO: .* files found in|^#[0-9]+ *(INITED|DONE)' \
    "$log" || true
  echo "executions: $(stat number_of_executed_units), exec/s:" \
    "$(stat average_exec_per_sec), peak RSS: $(stat peak_rss_mb) MB," \
    "new corpus units: $(stat new_units_added), wall time: ${elapsed} s"
}

artifact () {
  ls "$work"/artifacts/crash-* "$work"/artifacts/leak-* \
    "$work"/artifacts/timeout-* "$work"/artifacts/oom-* 2>/dev/null | head -n 1
}

case $mode in
  fuzz)
    if [ "$status" -ne 0 ]; then
      tail -n 120 "$log"
      a=$(artifact)
      echo
      echo "FAIL: $(basename "$fuzzer") exited with $status after ${elapsed} s"
      if [ -n "$a" ]; then
        echo "input: $a"
        echo "hex:   $(od -An -v -tx1 "$a" | tr -d ' \n')"
        echo "reproduce: $fuzzer $a"
      fi
      exit 1
    fi
    summary
    ;;
  planted)
    a=$(artifact)
    if [ "$status" -eq 0 ] || [ -z "$a" ]; then
      summary
      echo "FAIL: the planted bug was not found in ${elapsed} s (exit $status):" \
        "the harness can no longer see a header that promises more than" \
        "its file holds"
      exit 1
    fi
    if ! "$clean" "$a" > "$work/clean.log" 2>&1; then
      tail -n 60 "$work/clean.log"
      echo "FAIL: $a also crashes the harness on the real library: that is a" \
        "real bug, not the planted one (reproduce: $clean $a)"
      exit 1
    fi
    if ! grep -q '^==[0-9]*==ERROR: AddressSanitizer' "$log"; then
      tail -n 60 "$log"
      echo "FAIL: the planted run crashed, but not with an AddressSanitizer report"
      exit 1
    fi
    grep -m 1 -E '^==[0-9]*==ERROR: AddressSanitizer' "$log"
    grep -m 3 -E '^    #[0-9]+ .* in ' "$log" || true
    echo "planted bug found in ${elapsed} s, after" \
      "$(stat number_of_executed_units) executions" \
      "($(stat average_exec_per_sec) exec/s); the real library survives" \
      "the same input"
    ;;
esac
exit 0
