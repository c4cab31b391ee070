#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""An asyncio level meter tapping an audio ring.

Prints the RMS level of each block, per channel, in dBFS:

    ./level-meter-async.py --ring capture --block 4800
        taps the named ring 'capture' (e.g. from 'ringbridge-jack record
        capture --overwrite', or a GStreamer ringsink): an overwrite ring
        as one more reader, beside its consumer; a plain ring as its
        consumer. Runs until the stream ends, --blocks, or Ctrl-C.

The meter is one asyncio task: ``async for block in ring.chunks(n)``
sleeps in the event loop's selector on the ring's readiness descriptor
until the producer (another process) has written a whole block. No
thread, no timer, no polling: the loop stays free for whatever else your
program does (a websocket sending the levels, say).
"""

import argparse
import asyncio
import math
import signal
import sys

import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import GLib, RingBridge  # noqa: E402

import numpy as np  # noqa: E402

Role = RingBridge.RingRole


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--ring', required=True, help='name of an audio ring')
    p.add_argument('--block', type=int, default=4800,
                   help='frames per level (default 4800: 100 ms at 48 kHz)')
    p.add_argument('--blocks', type=int,
                   help='stop after this many blocks (default: until the '
                   'stream ends or Ctrl-C)')
    return p.parse_args(argv)


def open_tap(name):
    """An overwrite ring as a reader (any number may tap it), a plain ring
    as its consumer."""
    try:
        return RingBridge.Ring.open(name, Role.READER)
    except GLib.Error as e:
        if not e.matches(RingBridge.ring_error_quark(),
                         RingBridge.RingError.INVALID_ROLE):
            raise
    return RingBridge.Ring.open(name, Role.CONSUMER)


def full_scale(dtype):
    """What 0 dBFS is in samples of ``dtype``."""
    if dtype.kind == 'f':
        return 1.0
    return float(2 ** (8 * dtype.itemsize - 1))


def dbfs(block, scale):
    """RMS level of each channel of ``block`` (frames x channels), dBFS."""
    x = block.astype(np.float64) / scale
    rms = np.sqrt(np.mean(x * x, axis=0))
    return [20 * math.log10(r) if r > 1e-6 else -120.0 for r in rms]


async def meter(ring, block_frames, max_blocks):
    dtype = ring.dtype
    if dtype.itemsize * ring.channels != ring.frame_size:
        raise SystemExit('packed 24-bit samples are not supported here')
    scale = full_scale(dtype)
    count = 0
    async for chunk in ring.chunks(block_frames * ring.frame_size):
        frames = np.frombuffer(chunk, dtype=dtype).reshape(-1, ring.channels)
        if len(frames) < block_frames:
            break                       # the end of the stream: a part
        levels = ' '.join('%6.1f dBFS' % level
                          for level in dbfs(frames, scale))
        print('block %d: %s' % (count, levels), flush=True)
        count += 1
        if max_blocks is not None and count >= max_blocks:
            break
    return count


async def main_async(args):
    ring = open_tap(args.ring)
    if ring.sample_format == RingBridge.SampleFormat.NONE:
        raise SystemExit('%s is a byte ring: the meter needs an audio ring'
                         % args.ring)
    if args.block <= 0 or args.block * ring.frame_size > ring.get_capacity():
        raise SystemExit('--block must be 1 to %d frames for this ring'
                         % ring.get_capacity_frames())
    print('metering %s: %d channels, %d Hz, %d-frame blocks' % (
        args.ring, ring.channels, ring.rate, args.block), flush=True)
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    # Ctrl-C ends the task through the loop's own wake-up fd: no thread
    loop.add_signal_handler(signal.SIGINT, task.cancel)
    try:
        count = await meter(ring, args.block, args.blocks)
    except asyncio.CancelledError:
        count = None
    finally:
        ring.close()
    print('done' if count is None else 'done: %d blocks' % count, flush=True)


def main(argv=None):
    args = parse_args(argv)
    try:
        asyncio.run(main_async(args))
    except GLib.Error as e:
        print('level-meter-async: %s' % e.message, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
