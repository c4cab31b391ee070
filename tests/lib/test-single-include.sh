#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Applications include <ringbridge/ringbridge.h> only: every other public
# header, included on its own, stops the compilation with the message that
# says so. The guard lives in rb-types.h, which each public header includes
# first; this test is what keeps that true when a header is added or its
# includes change.
#
# usage: test-single-include.sh BUILD_ROOT HEADER... -- CC [CC_ARGS...]
set -eu

build=$1
shift
headers=
while [ "$1" != "--" ]; do
  headers="$headers $(basename "$1")"
  shift
done
shift
flags=$(PKG_CONFIG_PATH="$build/meson-uninstalled" \
  pkg-config --cflags ringbridge-1.0)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

# compile HEADER CC [CC_ARGS...]: the compiler's output for a file that includes only it
compile () {
  printf '#include <ringbridge/%s>\nint rb_test_unused;\n' "$1" >"$tmp/t.c"
  shift
  # shellcheck disable=SC2086  # the flags are words
  "$@" -fsyntax-only $flags "$tmp/t.c" >"$tmp/out" 2>&1
}

for h in $headers rb-version.h rb-enum-types.h; do
  [ "$h" = ringbridge.h ] && continue
  if compile "$h" "$@"; then
    echo "FAIL <ringbridge/$h> compiles on its own"
    failures=$((failures + 1))
  elif ! grep -q 'Only <ringbridge/ringbridge.h> can be included directly' \
      "$tmp/out"; then
    echo "FAIL <ringbridge/$h> fails, but not with the guard's message:"
    cat "$tmp/out"
    failures=$((failures + 1))
  else
    echo "ok <ringbridge/$h> refused on its own"
  fi
done
if ! compile ringbridge.h "$@"; then
  echo "FAIL <ringbridge/ringbridge.h> does not compile:"
  cat "$tmp/out"
  failures=$((failures + 1))
else
  echo "ok <ringbridge/ringbridge.h> compiles"
fi
exit $((failures != 0))
