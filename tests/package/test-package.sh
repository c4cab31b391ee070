#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# The Debian packages, as a user gets them (issue #16): scripts/package
# builds them (or reuses its output when the sources have not changed)
# and runs lintian (errors and warnings fail); then every package is
# unpacked with dpkg -x into a throwaway root and used from that root
# alone, in a clean environment:
#   - the files sit where Debian's GStreamer, GObject Introspection and
#     python3 look (pluginsdir, typelibdir, /usr/lib/python3/dist-packages)
#   - gst-inspect-1.0 ringsink, with GST_PLUGIN_SYSTEM_PATH the root's
#     plugin directory
#   - python3: gi.require_version('RingBridge', '1.0') through the
#     packaged typelib and overrides (and nothing else's)
#   - ringbridge-jack --version, ringbridge-stat --version
#   - man -l on the packaged manual pages
#   - a C program built with the packaged pkg-config file (its prefix
#     moved into the root) and run against the packaged library
#
# usage: test-package.sh SOURCE_ROOT OUT_DIR
set -euo pipefail  # (so no "| grep -q": its early exit fails the pipe)
src=$1
out=$2
tmp=$(mktemp -d)   # under $TMPDIR, or /tmp
trap 'rm -rf "$tmp"' EXIT
failures=0
fail () { echo "FAIL $*"; failures=$((failures + 1)); }
ok () { echo "ok $*"; }

t0=$SECONDS
"$src/scripts/package" --out "$out" --check 2>&1 | grep -v '^  N:' || {
  echo "FAIL scripts/package (build or lintian) failed"; exit 1; }
echo "scripts/package took $((SECONDS - t0)) s"
echo "lintian: $(grep -cE '^E: ' "$out/lintian.log" || true) errors," \
  "$(grep -cE '^W: ' "$out/lintian.log" || true) warnings," \
  "$(grep -cE '^I: ' "$out/lintian.log" || true) info"

root=$tmp/root
mkdir "$root"
debs=()
for deb in "$out"/*.deb; do
  case $deb in *-dbgsym_*) continue ;; esac
  debs+=("$deb")
  dpkg -x "$deb" "$root"
done
for p in libringbridge-1.0-0 libringbridge-1.0-dev gir1.2-ringbridge-1.0 \
    gstreamer1.0-ringbridge python3-ringbridge ringbridge-tools; do
  ls "$out/${p}_"*.deb >/dev/null 2>&1 || fail "no package $p in $out"
done

# Where Debian looks.
multiarch=$(dpkg-architecture -q DEB_HOST_MULTIARCH)
pluginsdir=$(pkg-config --variable=pluginsdir gstreamer-1.0)
typelibdir=$(pkg-config --variable=typelibdir gobject-introspection-1.0)
overridesdir=/usr/lib/python3/dist-packages/gi/overrides
/usr/bin/python3 -c 'import gi.overrides, sys; sys.exit(sys.argv[1] not in gi.overrides.__path__)' \
  "$overridesdir" || fail "python3's gi.overrides path does not hold $overridesdir"
for f in "$pluginsdir/libgstringbridge.so" \
    "$typelibdir/RingBridge-1.0.typelib" \
    "$overridesdir/RingBridge.py" "$overridesdir/_ringbridge/cabi.py" \
    "/usr/lib/$multiarch/libringbridge-1.0.so.0" \
    "/usr/lib/$multiarch/pkgconfig/ringbridge-1.0.pc" \
    /usr/share/gir-1.0/RingBridge-1.0.gir \
    /usr/bin/ringbridge-jack /usr/bin/ringbridge-stat; do
  if [ -e "$root$f" ]; then ok "packaged $f"; else fail "no $f in the packages"; fi
done

# From the root alone: a clean environment, nothing of the build tree.
run () {
  env -i PATH=/usr/bin:/bin HOME="$tmp" LANG=C.UTF-8 \
    LD_LIBRARY_PATH="$root/usr/lib/$multiarch" \
    GST_PLUGIN_SYSTEM_PATH="$root$pluginsdir" \
    GST_REGISTRY="$tmp/gst-registry.bin" \
    GI_TYPELIB_PATH="$root$typelibdir" \
    PYTHONPATH="$root/usr/lib/python3/dist-packages" \
    "$@"
}

if out_inspect=$(run gst-inspect-1.0 ringsink 2>&1) &&
    grep -q "Filename *$root$pluginsdir/libgstringbridge.so" <<<"$out_inspect"; then
  ok "gst-inspect-1.0 ringsink (from $root$pluginsdir)"
else
  printf '%s\n' "$out_inspect" | head -n 20
  fail "gst-inspect-1.0 ringsink did not load the packaged plugin"
fi

if out_py=$(run /usr/bin/python3 - "$root" 2>&1 <<'PY'
import sys
import gi
gi.require_version("RingBridge", "1.0")
gi.require_version("GIRepository", "2.0")
from gi.repository import GIRepository, RingBridge
root = sys.argv[1]
typelib = GIRepository.Repository.get_default().get_typelib_path("RingBridge")
overrides = sys.modules["gi.overrides.RingBridge"].__file__
for what, path in (("typelib", typelib), ("overrides", overrides)):
    if not path.startswith(root + "/"):
        sys.exit(f"the {what} came from {path}, not from the packages")
ring = RingBridge.Ring.new(4096)
ring.write(b"hello")
assert ring.read(100) == b"hello"
print(f"typelib {typelib}, overrides {overrides}")
PY
); then
  ok "python3: from gi.repository import RingBridge: $out_py"
else
  printf '%s\n' "$out_py"
  fail "python3 could not use the packaged typelib and overrides"
fi

for prog in ringbridge-jack ringbridge-stat; do
  if v=$(run "$root/usr/bin/$prog" --version 2>&1) && grep -q "0\.[0-9]" <<<"$v"; then
    ok "$prog --version: $v"
  else
    printf '%s\n' "$v"
    fail "$prog --version from the packages"
  fi
  page=$root/usr/share/man/man1/$prog.1.gz
  if [ -f "$page" ] && m=$(MANWIDTH=80 man -l "$page" 2>"$tmp/man.err") &&
      grep -q "^NAME" <<<"$m" && grep -q "$prog" <<<"$m" && [ ! -s "$tmp/man.err" ]; then
    ok "man -l $page"
  else
    cat "$tmp/man.err" 2>/dev/null || true
    fail "man -l $page"
  fi
done

# ringbridge-jack uses the packaged library (ringbridge-stat links the
# library's internals statically: it reads headers no public call shows).
if run ldd "$root/usr/bin/ringbridge-jack" | grep "libringbridge-1.0.so.0 => $root/" >/dev/null; then
  ok "ringbridge-jack links the packaged libringbridge-1.0.so.0"
else
  run ldd "$root/usr/bin/ringbridge-jack"
  fail "ringbridge-jack does not use the packaged library"
fi

# A C program with the packaged pkg-config file; its prefix moved into the
# root (PKG_CONFIG_SYSROOT_DIR would move glib's too, which is not there).
pcdir=$tmp/pc
mkdir "$pcdir"
sed "s|^prefix=.*|prefix=$root/usr|" "$root/usr/lib/$multiarch/pkgconfig/ringbridge-1.0.pc" \
  >"$pcdir/ringbridge-1.0.pc"
cp "$src/tests/lib/pkgconfig-app.c" "$tmp/app.c"
if flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs ringbridge-1.0) &&
    grep -q -- "-I$root/usr/include/ringbridge-1.0" <<<"$flags" &&
    # shellcheck disable=SC2086  # the flags are words
    cc -o "$tmp/app" "$tmp/app.c" $flags &&
    run "$tmp/app" &&
    run ldd "$tmp/app" | grep "libringbridge-1.0.so.0 => $root/" >/dev/null; then
  ok "a C program built with the packaged ringbridge-1.0.pc (tests/lib/pkgconfig-app.c)"
else
  echo "flags: ${flags:-}"
  fail "a C program with the packaged pkg-config file"
fi

echo "test-package: $((SECONDS - t0)) s in all, $failures failure(s)"
exit $((failures > 0))
