#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# R3m: runs the stress harness linked against a deliberately broken core,
# once per test path, and passes only if every run caught the breakage: by
# ThreadSanitizer (a report and TSan's exit code) or by the harness's own
# checks (a "STRESS DATA MISMATCH" or "STRESS INVARIANT" line and a
# failing exit code). A run that finishes its time box cleanly means the
# mutant survived there: the harness has lost its teeth on that path.
#
# usage: run-mutant.sh MUTANT-NAME HARNESS SECONDS TEST-PATH...

set -u

name=$1
harness=$2
seconds=$3
shift 3
tsan_exit=66
survived=0

log=$(mktemp "${TMPDIR:-/tmp}/ringbridge-mutant-$name.XXXXXX") || exit 99
trap 'rm -f "$log"' EXIT

for path in "$@"; do
  start=$(date +%s.%N)
  # The other sanitizers' options are cleared: their common flags (such as
  # abort_on_error) would apply to TSan's runtime too and change its exit.
  TSAN_OPTIONS="halt_on_error=1:exitcode=$tsan_exit" UBSAN_OPTIONS= \
  ASAN_OPTIONS= STRESS_BYTES=0 STRESS_SECONDS=$seconds \
    "$harness" -p "$path" >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  elapsed=$(echo "$start $end" | awk '{ printf "%.2f", $2 - $1 }')

  if [ $rc -eq $tsan_exit ] && grep -q "WARNING: ThreadSanitizer" "$log"; then
    echo "mutant $name, $path: caught by ThreadSanitizer after ${elapsed} s"
    # The report's two accesses, each with the ring-level frame.
    sed -n '/WARNING: ThreadSanitizer/,/^SUMMARY/p' "$log" |
      grep -E "^  [A-Z]|#1 " | head -4
  elif [ $rc -ne 0 ] &&
      grep -q "^STRESS \(DATA MISMATCH\|INVARIANT\)" "$log"; then
    echo "mutant $name, $path: caught by the harness's checks, not by" \
      "ThreadSanitizer, after ${elapsed} s"
    grep -m1 "^STRESS " "$log"
  else
    echo "mutant $name, $path: SURVIVED ${elapsed} s (exit code $rc, no" \
      "ThreadSanitizer report, no data error)"
    tail -n 20 "$log"
    survived=1
  fi
done
exit $survived
