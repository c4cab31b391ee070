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
        self.intact = bool(RingBridge.Ring.read_release(ring, n))
        self._finish()
        ring._rb_read_view = None
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
        RingBridge.Ring.write_commit(ring, n)
        self._finish()
        ring._rb_write_view = None
        return n

    def commit_frames(self, n_frames):
        """Publishes ``n_frames`` frames and ends the view."""
        return self.commit(_count(n_frames, 'n_frames')
                           * self._ring.frame_size) // self._ring.frame_size

    def __exit__(self, exc_type, exc, tb):
        if not self._done:
            self.commit(None if exc_type is None else 0)
