#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Plays a sine tone through PortAudio: Python writes the tone into a
ringbridge ring, a C callback (the CFFI module _rbplayer, made by
build-player.py) reads it inside the PortAudio stream.

    python3 build-player.py --outdir build-cffi
    python3 play-tone.py --module-dir build-cffi --host-api JACK --seconds 3

or the same C as a plain shared library, through ctypes and ring.c_pointer:

    python3 build-player.py --ctypes --outdir build-cffi
    python3 play-tone.py --ctypes --module-dir build-cffi --host-api JACK

Prints "playing" once the stream runs and, at the end, "played N frames,
M short callbacks" (callbacks that found the ring short and played
silence: the last one at the end of the tone, more if Python fell behind).
"""

import argparse
import ctypes
import math
import os
import sys
import time

import numpy as np

import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import RingBridge  # noqa: E402


def positive(kind):
    def parse(text):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError('must be positive: %r' % text)
        return value
    return parse


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--module-dir', default='.',
                   help='where build-player.py put _rbplayer')
    p.add_argument('--ctypes', action='store_true',
                   help='use librbplayer.so (build-player.py --ctypes) '
                   'through ctypes and ring.c_pointer instead of CFFI')
    p.add_argument('--host-api', default='',
                   help='JACK or ALSA (default: PortAudio\'s default)')
    p.add_argument('--client-name', default='',
                   help='the JACK client name (JACK host API)')
    p.add_argument('--rate', type=positive(int), default=48000)
    p.add_argument('--channels', type=positive(int), default=1)
    p.add_argument('--frequency', type=positive(float), default=440.0)
    p.add_argument('--amplitude', type=float, default=0.5)
    p.add_argument('--seconds', type=positive(float), default=3.0)
    p.add_argument('--frames-per-buffer', type=int, default=0,
                   help='0: whatever the host API likes (JACK: its period)')
    args = p.parse_args()
    if not 0 <= args.amplitude <= 1:
        p.error('--amplitude must be within 0..1')
    if args.frames_per_buffer < 0:
        p.error('--frames-per-buffer must not be negative')
    return args


class Tone:
    """Consecutive blocks of one continuous sine, every channel alike."""

    def __init__(self, args):
        self.step = 2 * math.pi * args.frequency / args.rate
        self.amplitude = args.amplitude
        self.channels = args.channels
        self.n = 0

    def block(self, frames):
        t = np.arange(self.n, self.n + frames)
        self.n += frames
        x = (self.amplitude * np.sin(self.step * t)).astype(np.float32)
        return np.repeat(x[:, None], self.channels, axis=1)


class PortAudioError(Exception):
    pass


class CffiPlayer:
    """rbplayer.c through the CFFI module _rbplayer: the ring goes over as
    ring.cffi_pointer(ffi), which also keeps it alive."""

    def __init__(self, module_dir):
        sys.path.insert(0, module_dir)
        try:
            from _rbplayer import ffi, lib
        except ImportError as e:
            raise PortAudioError('no _rbplayer in %s (run build-player.py '
                                 '--outdir %s first): %s'
                                 % (module_dir, module_dir, e)) from None
        self.ffi, self.lib, self.player = ffi, lib, None

    def _check(self, error):
        if error != self.ffi.NULL:
            raise PortAudioError(self.ffi.string(error).decode())

    def open(self, ring, args):
        self.handle = ring.cffi_pointer(self.ffi)
        out = self.ffi.new('RbPlayer **')
        self._check(self.lib.rbp_open(out, self.handle, args.host_api.encode(),
                                      args.client_name.encode(),
                                      args.frames_per_buffer))
        self.player = out[0]

    def start(self):
        self._check(self.lib.rbp_start(self.player))

    def is_active(self):
        return bool(self.lib.rbp_is_active(self.player))

    def stats(self):
        frames = self.ffi.new('unsigned long *')
        short = self.ffi.new('unsigned long *')
        self.lib.rbp_stats(self.player, frames, short)
        return frames[0], short[0]

    def close(self):
        if self.player is not None:
            self.lib.rbp_close(self.player)
            self.player = None


class CtypesPlayer:
    """rbplayer.c as a plain shared library (build-player.py --ctypes)
    through ctypes: the ring goes over as ring.c_pointer, which keeps
    nothing alive (play() holds the ring until the stream is closed)."""

    def __init__(self, module_dir):
        path = os.path.join(module_dir, 'librbplayer.so')
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            raise PortAudioError('no %s (run build-player.py --ctypes '
                                 '--outdir %s first): %s'
                                 % (path, module_dir, e)) from None
        vp, ulong = ctypes.c_void_p, ctypes.c_ulong
        for name, restype, argtypes in (
                ('rbp_open', ctypes.c_char_p,
                 [ctypes.POINTER(vp), vp, ctypes.c_char_p, ctypes.c_char_p,
                  ulong]),
                ('rbp_start', ctypes.c_char_p, [vp]),
                ('rbp_is_active', ctypes.c_int, [vp]),
                ('rbp_stats', None, [vp, ctypes.POINTER(ulong),
                                     ctypes.POINTER(ulong)]),
                ('rbp_close', None, [vp])):
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        self.lib, self.player = lib, None

    @staticmethod
    def _check(error):
        if error is not None:
            raise PortAudioError(error.decode())

    def open(self, ring, args):
        out = ctypes.c_void_p()
        self._check(self.lib.rbp_open(ctypes.byref(out), ring.c_pointer,
                                      args.host_api.encode(),
                                      args.client_name.encode(),
                                      args.frames_per_buffer))
        self.player = out

    def start(self):
        self._check(self.lib.rbp_start(self.player))

    def is_active(self):
        return bool(self.lib.rbp_is_active(self.player))

    def stats(self):
        frames, short = ctypes.c_ulong(), ctypes.c_ulong()
        self.lib.rbp_stats(self.player, ctypes.byref(frames),
                           ctypes.byref(short))
        return frames.value, short.value

    def close(self):
        if self.player is not None:
            self.lib.rbp_close(self.player)
            self.player = None


def feed(ring, player, args):
    """Writes the tone, paced by the ring, then waits for the end."""
    tone = Tone(args)
    total = int(args.seconds * args.rate)
    block = args.rate // 100
    written = ring.write_frames(
        tone.block(min(total, ring.get_capacity_frames())))
    player.start()
    print('playing %g Hz for %g s' % (args.frequency, args.seconds),
          flush=True)
    while written < total:
        n = min(block, total - written)
        if ring.wait_writable(n * ring.frame_size, 10 * 10**6) != \
                RingBridge.WaitResult.READY:
            raise PortAudioError('the ring stayed full for 10 s: the stream '
                                 'does not play')
        written += ring.write_frames(tone.block(n))
    ring.set_end_of_stream()
    deadline = time.monotonic() + args.seconds + 10
    while player.is_active() and time.monotonic() < deadline:
        time.sleep(0.05)


def play(args, player):
    # 0.5 s of room: Python's pace needs no precision
    ring = RingBridge.Ring.new_audio('F32LE', args.channels, args.rate,
                                     args.rate // 2)
    try:
        player.open(ring, args)
        feed(ring, player, args)
        print('played %d frames, %d short callbacks' % player.stats(),
              flush=True)
    finally:
        player.close()          # the stream ends before the ring does
        ring.close()


def main():
    args = parse_args()
    try:
        player = (CtypesPlayer if args.ctypes else CffiPlayer)(
            args.module_dir)
        play(args, player)
    except PortAudioError as e:
        sys.exit('play-tone.py: %s' % e)


if __name__ == '__main__':
    main()
