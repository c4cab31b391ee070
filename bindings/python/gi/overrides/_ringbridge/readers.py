# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Readers with a policy and a gap journal (RbRingReader, issue #14):
``ring.reader(policy, target_latency)`` returns a :class:`RingReader`.

Construction, the getters and errors go through the typelib; the calls
that move bytes (rb_ring_reader_read, _read_frames) and take gaps
(rb_ring_reader_pop_gap) go through ctypes with the caller's own buffer,
as cabi.py explains for the ring's.
"""

import collections
import ctypes

from gi.module import get_introspection_module

from .guard import LiveContext
from .args import _count
from .cabi import _Buffer, _proto
from .errors import RingClosedError, _argument_errors
from . import watch as _watch

try:
    import numpy as _np
except ImportError:
    _np = None

RingBridge = get_introspection_module('RingBridge')

_POLICIES = {
    'lossless': RingBridge.ReaderPolicy.LOSSLESS,
    'catch-up': RingBridge.ReaderPolicy.CATCH_UP,
    'latest': RingBridge.ReaderPolicy.LATEST,
}

Gap = collections.namedtuple('Gap', 'position length cause')
Gap.__doc__ = """A span the reader will never see: absolute byte
``position``, ``length`` in bytes and its ``cause`` (a
RingBridge.GapCause)."""


class _CGap(ctypes.Structure):
    # RbGap
    _fields_ = [
        ('position', ctypes.c_uint64),
        ('length', ctypes.c_uint64),
        ('cause', ctypes.c_int),
    ]


if ctypes.sizeof(_CGap) != RingBridge.Gap.__info__.get_size():
    raise ImportError('RingBridge overrides: RbGap changed layout')


_vp, _sz = ctypes.c_void_p, ctypes.c_size_t
_c_reader_read = _proto('rb_ring_reader_read', _sz, _vp, _vp, _sz)
_c_reader_read_frames = _proto('rb_ring_reader_read_frames', _sz, _vp, _vp,
                               _sz)
_c_reader_pop_gap = _proto('rb_ring_reader_pop_gap', ctypes.c_int, _vp,
                           ctypes.POINTER(_CGap))
_c_reader_get_ring = _proto('rb_ring_reader_get_ring', _vp, _vp)


def _policy(policy):
    if isinstance(policy, RingBridge.ReaderPolicy):
        return policy
    if isinstance(policy, str) and policy in _POLICIES:
        return _POLICIES[policy]
    raise ValueError('policy must be one of %s or a RingBridge.ReaderPolicy, '
                     'not %r' % (', '.join(repr(p) for p in _POLICIES),
                                 policy))


@_argument_errors
def _new(ring, policy, target_latency):
    return RingBridge.RingReader.new(ring, policy, target_latency)


def make_reader(ring, policy='catch-up', target_latency=0):
    """What ``Ring.reader()`` returns (see :class:`RingReader`)."""
    gi_reader = _new(ring, _policy(policy),
                     _count(target_latency, 'target_latency'))
    return RingReader(ring, gi_reader)


class RingReader(LiveContext):
    """A reader of a ring with a policy and a gap journal.

    Made by ``ring.reader(policy='catch-up', target_latency=0)``:

    * ``'lossless'``: the ring's consumer (the ring object must hold the
      consumer role); on an overwrite ring what the writer overwrote first
      is a gap;
    * ``'catch-up'``: one of any number of readers of an overwrite ring,
      reading everything it still holds;
    * ``'latest'``: a reader of an overwrite ring that stays within
      ``target_latency`` bytes (whole frames) of the write position,
      skipping the rest.

    Every span the reader will never see is in its journal: :meth:`gaps`
    takes the entries, :attr:`gap_totals` counts bytes per cause.  Bad
    arguments raise RingArgumentError (a ValueError); after the ring or
    the reader is closed, every call raises RingClosedError.
    """

    def __init__(self, ring, gi_reader):
        self._ring = ring
        self._gi = gi_reader
        # PyGObject hashes a boxed value by its C pointer; checked, so a
        # PyGObject that hashes otherwise fails here and not in C
        self._ptr = hash(gi_reader)
        if _c_reader_get_ring(self._ptr) != ring._rb_pointer:
            raise RuntimeError('RingReader: cannot find the C reader behind '
                               'the boxed value (PyGObject changed)')

    def _live(self):
        if self._gi is None or self._ring.closed:
            raise RingClosedError('the reader is closed' if self._gi is None
                                  else 'the ring is closed')
        return self._ptr

    def close(self):
        """Drops the reader (its journal goes with it)."""
        self._gi = None

    @property
    def ring(self):
        """The ring read."""
        return self._ring

    # -- readiness (watch.py) -------------------------------------------------

    def watch(self, readable=0):
        """A watch (see ``Ring.watch``) of READABLE from this reader's own
        position (``readable`` bytes, 0: one frame) and END_OF_STREAM."""
        return _watch.reader_watch(self, readable)

    def wait_readable_async(self, n):
        """``await`` it: ``n`` bytes readable for this reader (fewer at the
        end of the stream); returns how many are."""
        return _watch.reader_wait_readable_async(self, n)

    def chunks(self, n):
        """``async for chunk in reader.chunks(n)``, until the end of the
        stream (the rest last)."""
        return _watch.reader_chunks(self, n)

    @property
    def policy(self):
        """The RingBridge.ReaderPolicy."""
        self._live()
        return self._gi.get_policy()

    @property
    def target_latency(self):
        """The latest policy's target latency in bytes (0 otherwise)."""
        self._live()
        return self._gi.get_target_latency()

    # -- reading --------------------------------------------------------------

    def read(self, n):
        """Reads up to ``n`` bytes (whole frames) as ``bytes``; empty when
        nothing new is there.  Never waits."""
        ptr = self._live()
        n = _count(n, 'n')
        if n == 0:
            return b''
        out = ctypes.create_string_buffer(n)
        got = _c_reader_read(ptr, out, n)
        return out.raw[:got]

    def read_into(self, buffer):
        """Reads into a writable C-contiguous buffer (whole frames, in the
        ring's sample type for typed buffers); returns the bytes read."""
        ptr = self._live()
        with _Buffer(buffer, writable=True) as buf:
            self._ring._rb_check_buffer(buf, 'read_into()')
            if buf.nbytes == 0:
                return 0
            return _c_reader_read(ptr, buf.address, buf.nbytes)

    readinto = read_into

    def read_frames(self, n_frames):
        """Reads up to ``n_frames`` frames into a new NumPy array of shape
        (frames, channels) in the ring's dtype (1-D uint8 for a byte
        ring)."""
        if _np is None:
            raise ImportError('read_frames() needs NumPy')
        ptr = self._live()
        n = _count(n_frames, 'n_frames')
        facts = self._ring._rb_facts
        n = min(n, self._gi.get_available() // facts.frame_size)
        shape = (n,) + ((facts.channels,) if facts.channels else ())
        out = _np.empty(shape, dtype=self._ring.dtype)
        if out.size == 0:
            return out
        with _Buffer(out, writable=True) as buf:
            got = _c_reader_read_frames(ptr, buf.address, n)
        return out[:got]

    def mark_underrun(self, n):
        """Records an UNDERRUN gap of ``n`` bytes at the reader's position:
        for a caller with a deadline that had to fill ``n`` bytes of time
        without data (rb_ring_reader_mark_underrun())."""
        self._live()
        self._gi.mark_underrun(_count(n, 'n'))

    # -- state ------------------------------------------------------------------

    @property
    def available(self):
        """Bytes the next read could return now; moves nothing."""
        self._live()
        return self._gi.get_available()

    def __len__(self):
        return self.available

    @property
    def position(self):
        """Absolute position of the next byte this reader reads."""
        self._live()
        return self._gi.get_position()

    def gaps(self):
        """Takes the journal's entries, oldest first: a list of
        :class:`Gap` (position, length, cause)."""
        ptr = self._live()
        out = []
        gap = _CGap()
        while _c_reader_pop_gap(ptr, ctypes.byref(gap)):
            out.append(Gap(gap.position, gap.length,
                           RingBridge.GapCause(gap.cause)))
        return out

    @property
    def gap_totals(self):
        """Bytes of every gap ever recorded, per RingBridge.GapCause."""
        self._live()
        return {cause: self._gi.get_gap_total(cause)
                for cause in (RingBridge.GapCause.OVERWRITTEN,
                              RingBridge.GapCause.UNDERRUN,
                              RingBridge.GapCause.PRODUCER_RESTART,
                              RingBridge.GapCause.SKIP)}

    @property
    def gaps_merged(self):
        """Journal entries merged into others because it was full."""
        self._live()
        return self._gi.get_gaps_merged()

    def __repr__(self):
        if self._gi is None:
            return '<RingReader closed>'
        return '<RingReader %s, position %d>' % (
            self._gi.get_policy().value_nick, self._gi.get_position())
