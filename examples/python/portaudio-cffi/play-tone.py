#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Plays a sine tone through PortAudio: Python writes the tone into a
ringbridge ring, a C callback (the CFFI module _rbplayer, made by
build-player.py) reads it inside the PortAudio stream.

    python3 build-player.py --outdir build-cffi
    python3 play-tone.py --module-dir build-cffi --host-api JACK --seconds 3

Prints "playing" once the stream runs and, at the end, "played N frames,
M short callbacks" (callbacks that found the ring short and played
silence: the last one at the end of the tone, more if Python fell behind).
"""

import argparse
import math
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


def play(args, ffi, lib):
    # 0.5 s of room: Python's pace needs no precision
    ring = RingBridge.Ring.new_audio('F32LE', args.channels, args.rate,
                                     args.rate // 2)
    handle = ring.cffi_pointer(ffi)     # keeps `ring` alive while C uses it
    out = ffi.new('RbPlayer **')
    error = lib.rbp_open(out, handle, args.host_api.encode(),
                         args.client_name.encode(), args.frames_per_buffer)
    if error != ffi.NULL:
        sys.exit('play-tone.py: PortAudio: %s' % ffi.string(error).decode())
    player = out[0]
    try:
        tone = Tone(args)
        total = int(args.seconds * args.rate)
        block = args.rate // 100
        written = ring.write_frames(
            tone.block(min(total, ring.get_capacity_frames())))
        error = lib.rbp_start(player)
        if error != ffi.NULL:
            sys.exit('play-tone.py: PortAudio: %s'
                     % ffi.string(error).decode())
        print('playing %g Hz for %g s' % (args.frequency, args.seconds),
              flush=True)
        while written < total:
            n = min(block, total - written)
            if ring.wait_writable(n * ring.frame_size, 10 * 10**6) != \
                    RingBridge.WaitResult.READY:
                sys.exit('play-tone.py: the ring stayed full for 10 s: the '
                         'stream does not play')
            written += ring.write_frames(tone.block(n))
        ring.set_end_of_stream()
        deadline = time.monotonic() + args.seconds + 10
        while lib.rbp_is_active(player) and time.monotonic() < deadline:
            time.sleep(0.05)
        frames = ffi.new('unsigned long *')
        short = ffi.new('unsigned long *')
        lib.rbp_stats(player, frames, short)
        print('played %d frames, %d short callbacks' % (frames[0], short[0]),
              flush=True)
    finally:
        lib.rbp_close(player)
    ring.close()


def main():
    args = parse_args()
    sys.path.insert(0, args.module_dir)
    try:
        from _rbplayer import ffi, lib
    except ImportError as e:
        sys.exit('play-tone.py: no _rbplayer in %s (run build-player.py '
                 '--outdir %s first): %s' % (args.module_dir,
                                             args.module_dir, e))
    play(args, ffi, lib)


if __name__ == '__main__':
    main()
