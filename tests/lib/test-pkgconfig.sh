#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# An application builds against ringbridge-1.0 with nothing but
# `pkg-config --cflags --libs ringbridge-1.0` and
# `#include <ringbridge/ringbridge.h>`: with the uninstalled .pc file
# (PKG_CONFIG_PATH=BUILD/meson-uninstalled) and with the one installed by
# `meson install --destdir` (relocated into the destdir tree).
#
# usage: test-pkgconfig.sh BUILD_ROOT CC [CC_ARGS...]
set -eu

build=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cp "$(dirname "$0")/pkgconfig-app.c" "$tmp/app.c"

failures=0

# build_and_run LABEL: compiles, links and runs app.c with the flags
# pkg-config gives for ringbridge-1.0 under the current PKG_CONFIG_PATH.
build_and_run () {
  label=$1
  shift
  pc=$(pkg-config --path ringbridge-1.0 2>/dev/null || true)
  if ! flags=$(pkg-config --cflags --libs ringbridge-1.0); then
    echo "FAIL $label: pkg-config cannot resolve ringbridge-1.0 (PKG_CONFIG_PATH=$PKG_CONFIG_PATH)"
    failures=$((failures + 1))
    return
  fi
  echo "$label: $pc"
  echo "  flags: $flags"
  # shellcheck disable=SC2086  # the flags are words
  if ! "$@" -o "$tmp/app-$label" "$tmp/app.c" $flags; then
    echo "FAIL $label: <ringbridge/ringbridge.h> does not build with $pc"
    failures=$((failures + 1))
    return
  fi
  libdirs=$(pkg-config --libs-only-L ringbridge-1.0 | sed 's/-L//g; s/  */:/g; s/:$//')
  if ! LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
      "$tmp/app-$label"; then
    echo "FAIL $label: the program built with $pc does not run"
    failures=$((failures + 1))
    return
  fi
  echo "ok $label"
}

# 1. uninstalled
export PKG_CONFIG_PATH="$build/meson-uninstalled"
case $(pkg-config --path ringbridge-1.0 2>/dev/null || true) in
  "$build"/meson-uninstalled/ringbridge-1.0-uninstalled.pc) ;;
  *) echo "FAIL uninstalled: pkg-config does not find" \
          "$build/meson-uninstalled/ringbridge-1.0-uninstalled.pc"
     failures=$((failures + 1)) ;;
esac
build_and_run uninstalled "$@"

# 2. installed into a destdir (headers, .pc and library only)
dest="$tmp/dest"
if ! meson install -C "$build" --destdir "$dest" --no-rebuild --quiet \
    --tags devel,runtime >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log"
  echo "FAIL installed: meson install --destdir failed"
  exit 1
fi
installed_pc=$(find "$dest" -name ringbridge-1.0.pc | head -n 1)
if [ -z "$installed_pc" ]; then
  echo "FAIL installed: no ringbridge-1.0.pc under $dest"
  exit 1
fi
# The .pc names its final prefix; move it into the destdir tree (for this
# package only: PKG_CONFIG_SYSROOT_DIR would move glib's as well).
prefix=$(PKG_CONFIG_PATH=$(dirname "$installed_pc") \
  pkg-config --variable=prefix ringbridge-1.0)
mkdir "$tmp/pc"
sed "s|^prefix=.*|prefix=$dest$prefix|" "$installed_pc" \
  >"$tmp/pc/ringbridge-1.0.pc"
export PKG_CONFIG_PATH="$tmp/pc"
build_and_run installed "$@"

exit $((failures > 0))
