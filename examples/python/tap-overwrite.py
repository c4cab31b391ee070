#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Tap an overwrite ring with several independent readers.

An overwrite ring's producer never waits: when the ring is full it
overwrites the oldest frames.  Any number of readers follow it by absolute
frame index, each at its own pace; one that falls behind learns that its
frames were overwritten (never gets torn data) and skips ahead.

    ./tap-overwrite.py --ring capture --readers 3
        taps a named overwrite ring (e.g. from
        'ringbridge-jack record capture --overwrite') and prints each
        reader's peak level once a second

    ./tap-overwrite.py --demo --frames 480000 --readers 4
        makes its own in-process ring and a producer thread writing a
        counting signal (sample value = frame index), and checks that every
        frame any reader got is the right one; exits 1 if one was not

Readers here are threads; each could as well be a process that opens the
ring with RingRole.READER, as --ring mode does.
"""

import argparse
import sys
import threading
import time

import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import GLib, RingBridge  # noqa: E402

import numpy as np  # noqa: E402

S = RingBridge.RangeStatus
W = RingBridge.WaitResult


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument('--ring', help='name of an overwrite ring to tap')
    src.add_argument('--demo', action='store_true',
                     help='tap a ring of our own, fed by a counting signal')
    p.add_argument('--readers', type=int, default=3)
    p.add_argument('--from', dest='start', choices=('newest', 'oldest'),
                   default='newest', help='start at the newest frame (the '
                   'default) or at the oldest the ring still holds')
    p.add_argument('--chunk', type=int, default=1024,
                   help='frames per read (default 1024)')
    p.add_argument('--seconds', type=float,
                   help='stop after this long (default: until the stream '
                   'ends or Ctrl-C)')
    p.add_argument('--frames', type=int, default=480000,
                   help='--demo: frames the producer writes')
    return p.parse_args(argv)


class Reader(threading.Thread):
    """Follows the ring chunk by chunk from its newest (or oldest) frame."""

    def __init__(self, ring, index, chunk, stop, check=False, pause=0.0,
                 oldest=False):
        super().__init__(name='reader-%d' % index)
        self.oldest = oldest
        self.ring = ring
        self.index = index
        self.chunk = chunk
        self.stop = stop
        self.check = check
        self.pause = pause
        self.frames = self.lost = self.errors = 0
        self.peak = np.zeros(ring.channels)

    def run(self):
        ring = self.ring
        fsize = ring.frame_size
        if self.oldest:
            pos = -(-ring.get_oldest_position() // fsize)
        else:
            pos = ring.get_write_position() // fsize
        while not self.stop.is_set():
            status, frames = ring.read_frames_at(pos, self.chunk)
            if status == S.OVERWRITTEN:
                oldest = -(-ring.get_oldest_position() // fsize)
                self.lost += oldest - pos
                pos = oldest
                continue
            if status == S.NOT_YET_WRITTEN:
                res = ring.wait_position((pos + 1) * fsize, 100 * 1000)
                if res == W.END_OF_STREAM and \
                        ring.get_write_position() // fsize <= pos:
                    break
                continue
            if self.check:
                expect = np.arange(pos, pos + len(frames)) % (1 << 31)
                self.errors += int(np.count_nonzero(frames[:, 0] != expect))
            else:
                x = RingBridge.samples_to_float(frames, ring.sample_format)
                self.peak = np.maximum(self.peak, np.abs(x).max(axis=0))
            pos += len(frames)
            self.frames += len(frames)
            if self.pause:
                time.sleep(self.pause)      # a slow reader, to fall behind

    def report(self):
        text = 'reader %d: %d frames, %d lost' % (self.index, self.frames,
                                                  self.lost)
        if self.check:
            return text + ', %d wrong' % self.errors
        db = 20 * np.log10(np.maximum(self.peak, 1e-9))
        return text + ', peak ' + ' '.join('%.1f dBFS' % d for d in db)


def produce_counting(ring, total, stop):
    """--demo's producer: frame i holds the value i in every channel."""
    block = 480
    for start in range(0, total, block):
        if stop.is_set():
            break
        n = min(block, total - start)
        frames = np.arange(start, start + n, dtype='<i4')
        ring.write(np.repeat(frames[:, None], ring.channels, axis=1))
        time.sleep(0)                       # let the readers in
    ring.set_end_of_stream()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    stop = threading.Event()
    if args.demo:
        ring = RingBridge.Ring.new_audio(
            'S32LE', 2, 48000, 8192, RingBridge.RingFlags.OVERWRITE)
        rings = [ring] * args.readers    # any thread may read_at() one ring
    else:
        try:
            rings = [RingBridge.Ring.open(args.ring,
                                          RingBridge.RingRole.READER)
                     for _ in range(args.readers)]
        except GLib.Error as e:
            print('tap-overwrite: %s' % e.message, file=sys.stderr)
            return 1
    readers = [Reader(r, i, args.chunk, stop, check=args.demo,
                      pause=0.002 * i if args.demo else 0.0,
                      oldest=args.start == 'oldest')
               for i, r in enumerate(rings)]
    for r in readers:
        r.start()
    producer = None
    if args.demo:
        producer = threading.Thread(target=produce_counting,
                                    args=(rings[0], args.frames, stop))
        producer.start()
    deadline = None if args.seconds is None else \
        time.monotonic() + args.seconds
    try:
        while any(r.is_alive() for r in readers):
            if deadline is not None and time.monotonic() >= deadline:
                break
            time.sleep(0.05 if args.demo else 1.0)
            if not args.demo:
                print(' | '.join(r.report() for r in readers), flush=True)
    except KeyboardInterrupt:
        pass
    stop.set()
    for r in readers:
        r.join()
    if producer is not None:
        producer.join()
    for r in readers:
        print(r.report())
    return 1 if any(r.errors for r in readers) else 0


if __name__ == '__main__':
    sys.exit(main())
