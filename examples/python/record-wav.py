#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Record an audio ring to a WAV file.

    ./record-wav.py RING out.wav              # a named ring, e.g. from
                                              # ringbridge-jack record RING
    ./record-wav.py --fd 5 - out.wav          # a ring passed as fd 5

Attaches as the ring's consumer and writes what it reads until the
producer ends the stream or leaves, --seconds of audio are recorded, or
Ctrl-C.  Integer rings are written as they are (S24_32LE as 24-bit);
float rings are converted to --sample-width bytes (default 2) with the
ring library's own rounding and clipping.  The data goes from the ring to
the file through zero-copy views: no copy in Python for integer formats.
"""

import argparse
import sys
import wave

import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import GLib, RingBridge  # noqa: E402

SF = RingBridge.SampleFormat
W = RingBridge.WaitResult

# Sample width in the WAV file of each integer format, as stored in the ring.
NATIVE_WIDTH = {SF.U8: 1, SF.S16LE: 2, SF.S24LE: 3, SF.S32LE: 4}
WIDTH_FORMAT = {1: SF.U8, 2: SF.S16LE, 3: SF.S24LE, 4: SF.S32LE}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('ring', help="ring name ('-' with --fd)")
    p.add_argument('output', help='WAV file to write')
    p.add_argument('--fd', type=int, help='use a ring passed as this file '
                   'descriptor instead of a named one')
    p.add_argument('--seconds', type=float, help='stop after this much audio')
    p.add_argument('--sample-width', type=int, choices=(1, 2, 3, 4),
                   help='bytes per sample for float rings (default 2)')
    p.add_argument('--quiet', action='store_true')
    return p.parse_args(argv)


def attach(args):
    role = RingBridge.RingRole.CONSUMER
    if args.fd is not None:
        return RingBridge.Ring.new_from_fd(args.fd, role)
    return RingBridge.Ring.open(args.ring, role)


def converter(ring, width):
    """Returns (WAV sample width, function view -> bytes-like)."""
    fmt = ring.sample_format
    if fmt in NATIVE_WIDTH and width in (None, NATIVE_WIDTH[fmt]):
        return NATIVE_WIDTH[fmt], lambda view: view.memoryview
    # Everything else needs NumPy.
    import numpy as np
    if fmt == SF.S24_32LE and width in (None, 3):
        def s24_32(view):
            raw = np.frombuffer(view.memoryview, np.uint8).reshape(-1, 4)
            return raw[:, :3].tobytes()
        return 3, s24_32
    width = width or 2
    target = WIDTH_FORMAT[width]

    def through_float(view):
        x = RingBridge.samples_to_float(view.array, fmt)
        return RingBridge.samples_from_float(x, target).tobytes()
    return width, through_float


def wait_readable(ring, nbytes):
    """wait_readable() in 100 ms slices, so that Ctrl-C gets through."""
    while True:
        res = ring.wait_readable(nbytes, 100 * 1000)
        if res != W.TIMEOUT:
            return res


def record(ring, out, convert, limit):
    """Copies frames until the end; returns the number of frames."""
    frames = 0
    while limit is None or frames < limit:
        want = None if limit is None else limit - frames
        with ring.read_view(frames=want) as view:
            if view.frames:
                out.writeframesraw(convert(view))
                frames += view.frames
                continue
        if ring.is_end_of_stream():
            break
        res = wait_readable(ring, ring.frame_size)
        if res == W.PEER_GONE and not ring.read_available():
            break
    return frames


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        ring = attach(args)
    except GLib.Error as e:
        print('record-wav: %s' % e.message, file=sys.stderr)
        return 1
    if ring.sample_format == SF.NONE:
        print('record-wav: %s is a byte ring, not an audio ring' % args.ring,
              file=sys.stderr)
        return 1
    width, convert = converter(ring, args.sample_width)
    limit = None if args.seconds is None else round(args.seconds * ring.rate)
    with ring, wave.open(args.output, 'wb') as out:
        out.setnchannels(ring.channels)
        out.setsampwidth(width)
        out.setframerate(ring.rate)
        try:
            frames = record(ring, out, convert, limit)
        except KeyboardInterrupt:
            frames = out.getnframes()
    if not args.quiet:
        print('recorded %d frames (%.3f s) of %d channels to %s' % (
            frames, frames / ring.rate, ring.channels, args.output))
    return 0


if __name__ == '__main__':
    sys.exit(main())
