#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Prints the RealtimeSanitizer runtime archive for CPU family $1 from the
# newest LLVM installed in the usual Debian/Ubuntu place, or nothing. Run by
# meson at configure time when -Drtsan_runtime is empty.
found=
for f in /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.rtsan-"$1".a; do
  [ -f "$f" ] && found="$found$f
"
done
[ -n "$found" ] && printf '%s' "$found" | sort -V | tail -n 1
exit 0
