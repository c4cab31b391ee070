# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Ring calls at absolute positions: readers, copies and views at a
position, range checks (overwrite rings; the consumer of a plain ring)."""

import ctypes

from gi.module import get_introspection_module

from . import items as _items
from .args import _CONSUMER_ROLES, _count, _position
from .cabi import _Buffer, _c_read_at, _c_read_frames_at, _sz
from .formats import _require_numpy
from .guard import _checked
from .readers import make_reader as _make_reader
from .views import _on_frame, _view_at

RingBridge = get_introspection_module('RingBridge')


class RingPositions:
    """Ring's calls at absolute positions (a mixin of the override's
    Ring; read_at() stays there, a replacement of the C call)."""

    # -- absolute positions ---------------------------------------------------

    def _rb_reader(self, what):
        self._rb_stream(what)
        if not self._rb_facts.overwrite:
            self._rb_need(_CONSUMER_ROLES, what + ' on a plain ring')

    @_checked
    def reader(self, policy='catch-up', target_latency=0):
        """A RingReader with ``policy`` ('catch-up', 'latest' with a
        ``target_latency`` in bytes, or 'lossless') and a gap journal
        (rb_ring_reader_new(); see _ringbridge/readers.py)."""
        return _make_reader(self, policy, target_latency)

    @_checked
    def read_at_into(self, position, buffer):
        """rb_ring_read_at() into a writable buffer: returns
        ``(RangeStatus, bytes_read)``."""
        self._rb_reader('read_at_into()')
        position = _on_frame(self, _position(position))
        with _Buffer(buffer, writable=True) as buf:
            if buf.nbytes == 0:
                return RingBridge.Ring.check_range(self, position, 0), 0
            got = _sz(0)
            status = _c_read_at(self._rb_pointer, position, buf.address,
                                buf.nbytes, ctypes.byref(got))
            return RingBridge.RangeStatus(status), got.value

    @_checked
    def read_frames_at(self, frame, n_frames):
        """rb_ring_read_frames_at(): up to ``n_frames`` frames from absolute
        frame index ``frame``; returns ``(RangeStatus, ndarray)`` with the
        array shaped as :meth:`read_frames` shapes it."""
        _require_numpy('read_frames_at()')
        self._rb_reader('read_frames_at()')
        frame = _position(frame)
        n = _count(n_frames, 'n_frames')
        out = _items.empty(self, n, self.dtype)
        got = _sz(0)
        with _Buffer(out, writable=True) as buf:
            status = _c_read_frames_at(self._rb_pointer, frame, buf.address,
                                       n, ctypes.byref(got))
        return RingBridge.RangeStatus(status), out[:got.value]

    @_checked
    def view_at(self, position, n, writable=False):
        """An :class:`AtView` of up to ``n`` bytes at absolute byte
        ``position``, without copying (rb_ring_view_at()): fewer bytes if
        only part is written yet, none if nothing is; RingLappedError if
        ``position`` is already overwritten.  Check it after reading
        (``check()``, or a ``with`` block, which checks at its end).
        """
        self._rb_reader('view_at()')
        return _view_at(self, _position(position), _count(n, 'n'), writable)

    @_checked
    def view_frames_at(self, frame, n_frames, writable=False):
        """:meth:`view_at` in frames: up to ``n_frames`` frames from
        absolute frame index ``frame`` (seed 002's ``get_data(start,
        end)`` is ``view_frames_at(start, end - start).array``)."""
        self._rb_reader('view_frames_at()')
        fsize = self._rb_facts.frame_size
        return _view_at(self, _position(_count(frame, 'frame') * fsize),
                        _count(n_frames, 'n_frames') * fsize, writable)

    @_checked
    def check_range(self, position, n):
        """Whether ``[position, position + n)`` can be read now with
        :meth:`read_at`: a RangeStatus."""
        return RingBridge.Ring.check_range(self, _position(position),
                                           _count(n, 'n'))

    @_checked
    def available_at(self, position):
        """What the ring holds at ``position``: ``(RangeStatus, n)`` with
        ``n`` the bytes readable from there now (0 unless AVAILABLE)."""
        position = _position(position)
        status = RingBridge.Ring.check_range(self, position, 1)
        if status != RingBridge.RangeStatus.AVAILABLE:
            return status, 0
        return status, RingBridge.Ring.get_write_position(self) - position
