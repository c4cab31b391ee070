#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Builds the CFFI module _rbplayer: rbplayer.c (a PortAudio stream whose C
callback plays a ringbridge ring) with ringbridge's realtime-safe calls
declared by RingBridge.cffi_cdef(), as pa_ringbuffer's cdef() was used.

    python3 build-player.py [--outdir DIR]
    python3 build-player.py --ctypes [--outdir DIR]

The second form compiles the same rbplayer.c into a plain shared library,
librbplayer.so, for play-tone.py --ctypes (no CFFI: ring.c_pointer).

Needs python3-cffi, portaudio19-dev and ringbridge-1.0 for pkg-config (an
uninstalled build: PKG_CONFIG_PATH=BUILD/meson-uninstalled).  The module
lands in DIR (default: the current directory); play-tone.py imports it.
"""

import argparse
import os
import shlex
import subprocess
import sys

import cffi
import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import RingBridge  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# What Python calls in rbplayer.c (the callback itself stays in C).
PLAYER_CDEF = """
typedef struct RbPlayer RbPlayer;
const char *rbp_open (RbPlayer **out, RbRing *ring, const char *host_api,
                      const char *client_name,
                      unsigned long frames_per_buffer);
const char *rbp_start (RbPlayer *p);
int rbp_is_active (RbPlayer *p);
void rbp_stats (RbPlayer *p, unsigned long *frames,
                unsigned long *short_callbacks);
void rbp_close (RbPlayer *p);
"""


def pkg_config(*packages):
    try:
        out = subprocess.run(['pkg-config', '--cflags', '--libs', *packages],
                             capture_output=True, text=True, check=True)
    except subprocess.CalledProcessError as e:
        sys.exit('build-player.py: pkg-config %s: %s' % (
            ' '.join(packages), e.stderr.strip()))
    flags = shlex.split(out.stdout)
    pick = lambda p: [f[2:] for f in flags if f.startswith(p)]  # noqa: E731
    other = [f for f in flags if f[:2] not in ('-I', '-L', '-l')]
    return pick('-I'), pick('-L'), pick('-l'), other


def build_shared_library(outdir, inc, libdirs, libs, other):
    path = os.path.join(outdir, 'librbplayer.so')
    cc = os.environ.get('CC', 'cc')
    argv = ([cc, '-shared', '-fPIC', '-O2', '-std=gnu11', '-Wall', '-o', path,
             os.path.join(HERE, 'rbplayer.c')] + other +
            ['-I' + d for d in inc] + ['-L' + d for d in libdirs] +
            ['-l' + lib for lib in libs])
    if subprocess.run(argv).returncode != 0:
        sys.exit('build-player.py: %s failed' % ' '.join(argv))
    print('built %s' % path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--outdir', default='.',
                        help='where the module goes (default: here)')
    parser.add_argument('--ctypes', action='store_true',
                        help='build librbplayer.so for ctypes instead')
    args = parser.parse_args()
    inc, libdirs, libs, other = pkg_config('ringbridge-1.0', 'portaudio-2.0')
    os.makedirs(args.outdir, exist_ok=True)
    if args.ctypes:
        build_shared_library(args.outdir, inc, libdirs, libs, other)
        return
    ffibuilder = cffi.FFI()
    ffibuilder.cdef(RingBridge.cffi_cdef())
    ffibuilder.cdef(PLAYER_CDEF)
    # rbplayer.c declares struct RbPlayer's members; Python sees it opaque
    with open(os.path.join(HERE, 'rbplayer.c')) as f:
        source = f.read()
    ffibuilder.set_source('_rbplayer', source, include_dirs=inc,
                          library_dirs=libdirs, libraries=libs,
                          extra_compile_args=other + ['-std=gnu11'])
    path = ffibuilder.compile(tmpdir=args.outdir)
    print('built %s' % path)


if __name__ == '__main__':
    main()
