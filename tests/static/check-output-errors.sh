#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# check-output-errors.sh PROGRAM STATUS [ARG...]: PROGRAM ARG... with its
# standard output on /dev/full must exit with STATUS (sysexits' 74, EX_IOERR,
# for the tools; non-zero, "any", for the man page generators) and say so
# on standard error. The reason .clang-tidy may leave cert-err33-c off: a
# lost write is noticed at exit instead of at every printf.
set -u
program=$1 want=$2
shift 2
[ -w /dev/full ] || { echo "no /dev/full to write to" >&2; exit 2; }
err=$("$program" "$@" 2>&1 >/dev/full)
status=$?
name=$(basename "$program")
if [ "$want" = any ]; then
  [ "$status" -ne 0 ] || { echo "$name $*: exit 0 with its output lost" >&2; exit 1; }
else
  [ "$status" -eq "$want" ] || { echo "$name $*: exit $status, not $want, when its output is lost ($err)" >&2; exit 1; }
fi
case $err in
  *"No space left on device"*) ;;
  *) echo "$name $*: no message naming the write error (got: '$err')" >&2; exit 1 ;;
esac
echo "$name $*: exit $status with: $err"
