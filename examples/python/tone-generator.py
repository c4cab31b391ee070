#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Feed a named audio ring with sine tones computed by NumPy.

Creates the ring RING (32-bit float, 2 channels, 48 kHz unless told
otherwise) and fills it, one period at a time, until --duration seconds of
audio have been generated or Ctrl-C.  Play it through JACK with

    ./tone-generator.py --ring tone &
    ringbridge-jack play tone --connect auto

(the ring's --rate must be JACK's).  The ring being full is what paces the
generator: it sleeps in wait_writable() until the consumer has taken a
period.  At the end it marks the end of the stream, waits until the
consumer has drained the ring (or left), and removes the ring's name.
"""

import argparse
import math
import signal
import sys

import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import GLib, RingBridge  # noqa: E402

import numpy as np  # noqa: E402

W = RingBridge.WaitResult


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--ring', default='tone', help='ring name (default tone)')
    p.add_argument('--frequency', type=float, nargs='+', default=[440.0],
                   metavar='HZ', help='one tone per channel; the last one '
                   'repeats for the remaining channels (default 440)')
    p.add_argument('--amplitude', type=float, default=0.2,
                   help='peak amplitude, 0..1 (default 0.2)')
    p.add_argument('--channels', type=int, default=2)
    p.add_argument('--rate', type=int, default=48000, help='Hz; must be '
                   "the JACK server's rate for ringbridge-jack")
    p.add_argument('--format', default='F32LE',
                   help='sample format of the ring (default F32LE)')
    p.add_argument('--period', type=int, default=256,
                   help='frames computed per step (default 256)')
    p.add_argument('--buffer-ms', type=float, default=100.0,
                   help='ring size in milliseconds of audio (default 100)')
    p.add_argument('--duration', type=float, default=None,
                   help='seconds of audio to generate (default: until '
                   'Ctrl-C)')
    p.add_argument('--keep', action='store_true',
                   help='do not remove the ring at the end')
    return p.parse_args(argv)


def wait_writable(ring, nbytes):
    """ring.wait_writable() in 100 ms slices, so that Ctrl-C (which Python
    handles between calls) is not held up by a wait that may be long."""
    while True:
        res = ring.wait_writable(nbytes, 100 * 1000)
        if res != W.TIMEOUT:
            return res


class Tones:
    """Sine oscillators, one per channel, continuous across blocks."""

    def __init__(self, frequencies, channels, rate, amplitude):
        f = list(frequencies) + [frequencies[-1]] * channels
        self.step = 2 * math.pi * np.array(f[:channels]) / rate
        self.phase = np.zeros(channels)
        self.amplitude = amplitude

    def block(self, frames):
        """The next ``frames`` frames, frames x channels float32."""
        n = np.arange(frames)[:, None]
        x = self.amplitude * np.sin(self.phase + n * self.step)
        self.phase = (self.phase + frames * self.step) % (2 * math.pi)
        return x.astype(np.float32)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    frames = max(args.period, int(args.rate * args.buffer_ms / 1000))
    try:
        ring = RingBridge.Ring.create_audio(
            args.ring, args.format, args.channels, args.rate, frames,
            role=RingBridge.RingRole.PRODUCER)
    except (GLib.Error, ValueError) as e:
        print('tone-generator: %s' % e, file=sys.stderr)
        return 1
    # SIGTERM ends the stream as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    print('ready %s: %s, %d channels, %d Hz; play it with: ringbridge-jack '
          'play %s' % (args.ring, ring.sample_format.value_nick.upper(),
                       ring.channels, ring.rate, args.ring), flush=True)
    tones = Tones(args.frequency, args.channels, args.rate, args.amplitude)
    total = None if args.duration is None else round(args.duration
                                                     * args.rate)
    written = 0
    try:
        with ring:
            try:
                while total is None or written < total:
                    n = args.period if total is None else min(
                        args.period, total - written)
                    # Sleep until the consumer made room for this block.
                    res = wait_writable(ring, n * ring.frame_size)
                    if res == W.PEER_GONE:
                        print('tone-generator: the player left; waiting for '
                              'another', file=sys.stderr)
                        continue
                    written += ring.write_float(tones.block(n))
            except KeyboardInterrupt:
                pass
            ring.set_end_of_stream()
            # Let the consumer drain what is left before the name goes; a
            # consumer that is not there (any more) drains nothing: its
            # departure may have been reported to the loop above already.
            while (ring.get_peer_state() == RingBridge.PeerState.ALIVE and
                   ring.wait_writable(ring.capacity, 100 * 1000) ==
                   W.TIMEOUT):
                pass
    except KeyboardInterrupt:
        pass
    finally:
        if not args.keep:
            RingBridge.Ring.unlink(args.ring)
    print('wrote %d frames (%.3f s)' % (written, written / args.rate),
          flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
