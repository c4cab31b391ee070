# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Zero-copy views over the ring's own memory."""

import ctypes

from gi.module import get_introspection_module

try:
    import numpy as _np
except ImportError:
    _np = None

from .args import _count
from .cabi import _c_view_at, _sz
from .errors import RingLappedError
from .formats import _require_numpy

RingBridge = get_introspection_module('RingBridge')

# --- zero-copy views ---------------------------------------------------------

class RingView:
    """A zero-copy window onto a ring's memory.

    ``memoryview`` (also ``get_data()``) is a memoryview of the region;
    ``array`` is a NumPy array over the same bytes, shaped frames x channels
    with the ring's dtype for an audio ring, 1-D uint8 for a byte ring.
    Both are valid until the view is released; the memoryview is released
    with it, so a stale use raises ValueError.  Arrays cannot be revoked:
    after the release they still point at the ring's memory (which stays
    mapped while they exist) but its contents belong to the other side
    again.
    """

    def __init__(self, ring, address, nbytes, writable):
        self._ring = ring
        if nbytes:
            carray = (ctypes.c_ubyte * nbytes).from_address(address)
        else:
            carray = (ctypes.c_ubyte * 0)()
        # Everything made from carray (memoryviews, arrays) keeps it, and
        # it keeps the ring and so the mapping alive.
        carray._rb_ring = ring
        self._carray = carray
        self._raw = memoryview(carray).cast('B')
        self._mv = self._raw if writable else self._raw.toreadonly()
        self._writable = writable
        self._array = None
        self._done = False

    def __enter__(self):
        return self

    def __repr__(self):
        state = 'released' if self._done else '%d bytes' % self.nbytes
        return '<%s %s>' % (type(self).__name__, state)

    def _check(self):
        if self._done:
            raise ValueError('the view has been released')

    @property
    def released(self):
        """Whether the view has been released (or committed)."""
        return self._done

    @property
    def nbytes(self):
        """The size of the region in bytes (a whole number of frames)."""
        return len(self._carray)

    @property
    def frames(self):
        """The size of the region in frames."""
        return self.nbytes // self._ring.frame_size

    @property
    def readonly(self):
        """Whether the memoryview and array refuse writes."""
        return not self._writable

    @property
    def memoryview(self):
        """A memoryview of the region (read-only unless asked otherwise)."""
        self._check()
        return self._mv

    def get_data(self):
        """The region as a memoryview (same as :attr:`memoryview`)."""
        return self.memoryview

    @property
    def array(self):
        """A NumPy array over the region: frames x channels of the ring's
        dtype (``V3`` items for S24LE), items x item shape of an item ring,
        1-D uint8 for a byte ring."""
        self._check()
        if self._array is None:
            np = _require_numpy('RingView.array')
            ring = self._ring
            a = np.frombuffer(self._carray, dtype=ring.dtype)
            a = a.reshape((-1,) + ring.item_shape)
            a.flags.writeable = self._writable
            self._array = a
        return self._array

    def _finish(self):
        self._done = True
        self._array = None
        for mv in (self._mv, self._raw):
            try:
                mv.release()
            except BufferError:
                # Someone made a buffer of the memoryview itself; it keeps
                # the (still mapped) memory alive on its own.
                pass

    def _amount(self, nbytes):
        if nbytes is None:
            return self.nbytes
        n = _count(nbytes, 'nbytes')
        if n > self.nbytes:
            raise ValueError('%d bytes is more than the view holds (%d)'
                             % (n, self.nbytes))
        if n % self._ring.frame_size:
            raise ValueError('%d bytes is not a whole number of %d-byte '
                             'frames' % (n, self._ring.frame_size))
        return n


class ReadView(RingView):
    """The readable region of a ring, from :meth:`Ring.read_view`.

    ``release(nbytes)`` consumes the first ``nbytes`` (all by default) and
    gives their space back to the producer.  As a context manager the view
    releases everything on a normal exit and nothing when the block raises
    (the data stays in the ring).
    """

    intact = None
    """After the release: False if the producer of an overwrite ring
    overtook the region while it was read (discard what was read)."""

    def release(self, nbytes=None):
        """Consumes ``nbytes`` (default all) and ends the view.

        Returns True if the data read from it is good, False only on an
        overwrite ring whose producer overtook the region meanwhile.
        """
        self._check()
        n = self._amount(nbytes)
        ring = self._ring
        self.intact = ring._rb_regions().release(n)
        self._finish()
        ring._rb_read_view = None
        ring._rb_drop_io()      # its side's fast path binds again
        return self.intact

    def __exit__(self, exc_type, exc, tb):
        if not self._done:
            self.release(None if exc_type is None else 0)


class WriteView(RingView):
    """The free region of a ring, from :meth:`Ring.write_view`.

    Fill it, then ``commit(nbytes)`` publishes the first ``nbytes`` (all by
    default) to the consumer.  As a context manager it commits everything
    on a normal exit and nothing when the block raises.
    """

    def commit(self, nbytes=None):
        """Publishes ``nbytes`` (default all) and ends the view."""
        self._check()
        n = self._amount(nbytes)
        ring = self._ring
        ring._rb_regions().commit(n)
        self._finish()
        ring._rb_write_view = None
        ring._rb_drop_io()      # its side's fast path binds again
        return n

    def commit_frames(self, n_frames):
        """Publishes ``n_frames`` frames and ends the view."""
        return self.commit(_count(n_frames, 'n_frames')
                           * self._ring.frame_size) // self._ring.frame_size

    def __exit__(self, exc_type, exc, tb):
        if not self._done:
            self.commit(None if exc_type is None else 0)


# --- views at absolute positions ---------------------------------------------

class AtView(RingView):
    """A zero-copy view of the bytes at an absolute position, from
    :meth:`Ring.view_at` or :meth:`Ring.view_frames_at`.

    Taking it moves nothing: any number of readers hold views, each at its
    own positions.  ``memoryview`` and ``array`` are the ring's own memory
    (contiguous across the wrap), read-only unless ``writable=True``.

    The producer of an overwrite ring does not wait for readers, so what is
    read from a view is good only if the view checks good *after* the
    reading: :meth:`check` raises :class:`RingLappedError` if the producer
    overwrote any of it since the view was taken; :attr:`lapped` says so
    without raising.  A lapped view is never silently good: the end of a
    ``with`` block checks the view and raises RingLappedError, unless the
    block already called :meth:`check` (or saw ``lapped`` true) after it
    last took ``memoryview`` or ``array``; a block that raises is not
    checked (its own exception goes on).  ``check()`` vouches for what was
    read before it: read nothing from the view after it.

    ``writable=True`` (seed 002's ``wprotect=False``) hands out the same
    memory writable.  Writes change the ring's data for every reader, in
    every process, unordered with their reads; if the producer laps the
    view while you write, your writes may land on its newer data, which
    other readers would take as good.  Write only where nobody else reads
    and the producer cannot reach (docs/ring.md).
    """

    def __init__(self, ring, position, address, nbytes, writable):
        super().__init__(ring, address, nbytes, writable)
        self._position = position
        self._told = False      # checked since the data was last taken

    def __repr__(self):
        state = 'released' if self._done else '%d bytes' % self.nbytes
        return '<AtView at %d, %s>' % (self._position, state)

    @property
    def position(self):
        """The absolute byte position of the view's first byte."""
        return self._position

    @property
    def frame(self):
        """The absolute frame index of the view's first frame."""
        return self._position // self._ring.frame_size

    @property
    def memoryview(self):
        """A memoryview of the view (read-only unless writable=True)."""
        self._told = False
        return RingView.memoryview.fget(self)

    @property
    def array(self):
        """A NumPy array over the view: frames x channels of the ring's
        dtype for an audio ring, 1-D uint8 for a byte ring."""
        self._told = False
        return RingView.array.fget(self)

    def _status(self):
        return self._ring.view_at_check(self._position, self.nbytes)

    @property
    def lapped(self):
        """True if the producer overwrote (or began to overwrite) any of the
        view since it was taken: discard what was read from it."""
        lapped = self._status() == RingBridge.RangeStatus.LAPPED
        if lapped:
            self._told = True
        return lapped

    def check(self):
        """Raises :class:`RingLappedError` if the producer lapped the view
        while it was held; returns None if everything read from it so far
        is good."""
        self._told = True
        if self._status() == RingBridge.RangeStatus.LAPPED:
            raise RingLappedError(
                'the producer overwrote the view at %d (%d bytes) while it '
                'was held; the oldest position is now %d'
                % (self._position, self.nbytes,
                   self._ring.get_oldest_position()),
                self._position, self.nbytes,
                self._ring.get_oldest_position())

    def release(self):
        """Ends the view without checking it: its memoryview is released,
        so a stale use raises ValueError.  Nothing moves in the ring."""
        if not self._done:
            self._finish()

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None and not self._told:
                self.check()
        finally:
            self.release()


def _on_frame(ring, position):
    """``position``, checked to be on a frame boundary (the calls at a
    position refuse any other: C would log a critical and do nothing)."""
    fsize = ring.frame_size
    if position % fsize:
        raise ValueError('position %d is not on a frame boundary of this '
                         'ring (frames of %d bytes)' % (position, fsize))
    return position


def _view_at(ring, position, n, writable):
    """The AtView of up to ``n`` bytes at ``position`` (rb_ring_view_at()):
    fewer if only part is written yet, none if nothing is; raises
    RingLappedError if ``position`` is overwritten already."""
    _on_frame(ring, position)
    # no view is longer than the ring (and C's size_t holds that)
    n = min(n, ring.get_capacity())
    got = _sz(0)
    address = _c_view_at(ring._rb_pointer, position, n, ctypes.byref(got))
    if not address:
        status = RingBridge.Ring.check_range(ring, position, 0)
        if status == RingBridge.RangeStatus.OVERWRITTEN:
            oldest = ring.get_oldest_position()
            raise RingLappedError(
                'position %d is overwritten already; the oldest position '
                'is %d' % (position, oldest), position, n, oldest)
        return AtView(ring, position, 0, 0, writable)
    return AtView(ring, position, address, got.value, writable)
