# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# Shared set-up for scripts/demo and scripts/test: Debian packages and the
# build directories. Sourced, not run. Idempotent: a second run with
# nothing changed installs nothing and reconfigures nothing.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# What the project needs on a Debian 12 machine, one line each with why.
packages=(
  meson ninja-build pkg-config gcc   # the build
  libglib2.0-dev                     # GLib/GObject: the library's only dependency
  clang libclang-rt-14-dev           # ThreadSanitizer build
  libclang-rt-19-dev                 # RealtimeSanitizer runtime (RT-safety test)
  spin                               # model check of the ring protocol
  libsamplerate0-dev                 # ringbridge-jack's variable-ratio resampler (docs/clocks.md)
  libsoxr-dev libspeexdsp-dev        # the resamplers bench/resample compares it with
  libzita-resampler-dev              # and zita-resampler (GPL-3: measured there, linked into nothing installed)
  libjack-jackd2-dev                 # the JACK client ringbridge-jack; jack_ringbuffer, the benchmark's peer
  jackd2 groff-base                  # jackd and its tools for the JACK client's tests; groff checks its man page
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev  # the GStreamer plugin
  gstreamer1.0-plugins-base gstreamer1.0-tools gir1.2-gstreamer-1.0  # its tests and examples
  gstreamer1.0-plugins-good          # wavenc (the demo), jackaudiosink (the JACK benchmark's peer)
  gstreamer1.0-plugins-bad           # shmsink/shmsrc, interaudiosink/src: the GStreamer benchmark's peers
  pipewire pipewire-bin pipewire-jack gstreamer1.0-pipewire  # PipeWire, a peer of the JACK benchmarks (bench/jack)
  python3-jack-client                # a Python JACK client, bench/jack's Python story; jack.RingBuffer, bench/python's peer
  gobject-introspection libgirepository1.0-dev   # RingBridge-1.0 typelib
  python3-gi python3-pytest python3-numpy        # the Python bindings' tests
  python3-cffi python3-dev python3-setuptools  # CFFI modules the tests compile (RingBridge.cffi_cdef())
  portaudio19-dev libportaudio2      # the PortAudio/CFFI example and its test; PaUtilRingBuffer, a benchmark peer
  g++ libboost-dev                   # boost's spsc_queue, a benchmark peer (bench/peer-boost.cc)
)

# Only the test suite needs these (scripts/test passes them on; the demo
# does without a browser).
test_packages=(
  python3-matplotlib                 # bench/plot-results: the figures in docs/
  gi-docgen chromium                 # the reference site, and its render test
  cppcheck clang-tidy                # static gates (suite 'static')
  valgrind                           # memcheck over the unit tests (meson test --setup valgrind)
)

# Only scripts/package (and the package test) needs these: Debian 12's
# own packaging tools, and what the test runs the packages with.
package_packages=(
  build-essential debhelper dh-python  # dpkg-buildpackage -b with dh and the meson buildsystem
  lintian                            # the packages' checks
  man-db                             # man -l on the packaged manual pages
)

say () { printf '%s\n' "$*" >&2; }

# ensure_packages [EXTRA...]: installs whatever of ${packages[@]} and EXTRA
# is missing.
ensure_packages () {
  local missing=() p
  for p in "${packages[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "ringbridge needs these Debian packages: ${missing[*]}"
    say "install them with:"
    say "  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing ${#missing[@]} Debian package(s) with apt-get: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  say "  apt-get update"
  apt-get update -qq
  # one line per package as it is set up (the rest goes to the log)
  local log=${TMPDIR:-/tmp}/ringbridge-apt.log status
  set +e
  apt-get install -y --no-install-recommends "${missing[@]}" 2>&1 | tee "$log" |
    { grep --line-buffered '^Setting up ' || true; } | sed -u 's/^/  /' >&2
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || { tail -n 20 "$log" >&2; say "apt-get install failed (log: $log)"; exit 1; }
}

# build_progress LABEL: reads ninja's output, says LABEL and each tenth of
# the way done, so a build is not minutes of silence.
build_progress () {
  awk -v label="$1" '
    /^\[[0-9]+\/[0-9]+\]/ {
      split(substr($1, 2), f, "/"); pct = int(f[1] * 100 / f[2])
      if (f[2] != total) {   # a new ninja run (after regenerating build.ninja)
        printf "building %s (%d steps)\n", label, f[2]; total = f[2]; next_pct = 0
      }
      if (pct >= next_pct) { printf "  %3d%%\n", pct; next_pct = (int(pct / 10) + 1) * 10 }
      fflush()
    }' >&2
}

# setup_build DIR [meson options...]: configures DIR once; later runs let
# ninja reconfigure by itself when a meson.build changed, and apply the
# options again only when they differ from last time's. Without options
# (scripts/demo) an existing configuration is kept as it is.
setup_build () {
  local dir=$1; shift
  local want="$*" stamp
  stamp="$dir/.ringbridge-setup-options"
  if [ ! -f "$dir/build.ninja" ]; then
    say "configuring $dir (meson setup; log: $dir.setup.log)"
    meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || {
      cat "$dir.setup.log" >&2
      say "meson setup $dir failed"
      return 1
    }
    printf '%s\n' "$want" >"$stamp"
  elif [ $# -gt 0 ] && [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    meson configure "$dir" "$@" >"$dir.setup.log" 2>&1 || {
      cat "$dir.setup.log" >&2
      say "meson configure $dir failed"
      return 1
    }
    printf '%s\n' "$want" >"$stamp"
  fi
  local status
  set +e
  ninja -C "$dir" 2>&1 | tee "$dir.build.log" | build_progress "$dir"
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || {
    tail -n 60 "$dir.build.log" >&2
    say "build in $dir failed (full log: $dir.build.log)"
    return 1
  }
}
