# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Ring calls in frames as NumPy arrays: read_frames(), and the float
conversions write_float() / read_float()."""

from gi.module import get_introspection_module

from . import items as _items
from .args import _count
from .cabi import _Buffer, _c_read, _c_read_frames
from .formats import (_SF, _require_numpy, samples_from_float,
                      samples_to_float)
from .guard import _checked

RingBridge = get_introspection_module('RingBridge')


class RingFrames:
    """Ring's NumPy frame calls (a mixin of the override's Ring)."""

    # -- frames (NumPy) -------------------------------------------------------

    @_checked
    def read_frames(self, n_frames, timeout=0):
        """Reads up to ``n_frames`` frames into a new NumPy array of shape
        (frames, channels) and the ring's dtype (``V3`` for S24LE; 1-D
        uint8 for a byte ring).  ``timeout`` as for :meth:`read`."""
        _require_numpy('read_frames()')
        self._rb_consumer('read_frames()')
        n = _count(n_frames, 'n_frames')
        fsize = self._rb_facts.frame_size
        if n:
            self._rb_wait_then(n * fsize, timeout)
        avail = RingBridge.Ring.read_available(self) // fsize
        out = _items.empty(self, min(n, avail), self.dtype)
        if out.size == 0:
            return out
        with _Buffer(out, writable=True) as buf:
            if fsize > 1:
                got = _c_read_frames(self._rb_pointer, buf.address, len(out))
            else:
                got = _c_read(self._rb_pointer, buf.address, len(out))
        return out[:got]

    @_checked
    def write_float(self, samples):
        """Converts float samples to the ring's format (as the C
        interleaving calls do, see :func:`samples_from_float`) and writes
        as many whole frames as fit.  ``samples`` is frames x channels
        (1-D for a mono ring).  Returns the number of frames written."""
        np = _require_numpy('write_float()')
        self._rb_producer('write_float()')
        f = self._rb_facts
        fsize, fmt, channels = f.frame_size, f.format, f.channels
        if fmt == _SF.NONE:
            raise TypeError('write_float() needs an audio ring')
        x = np.asarray(samples)
        if x.dtype.kind != 'f':
            raise TypeError('write_float() takes floats, not %s' % x.dtype)
        if x.ndim == 1 and channels == 1:
            x = x.reshape(-1, 1)
        if x.ndim != 2 or x.shape[1] != channels:
            raise ValueError('write_float(): expected frames x %d channels, '
                             'got shape %s' % (channels, x.shape))
        if not f.overwrite:
            room = RingBridge.Ring.write_available(self) // fsize
            x = x[:room]
        return self.write(np.ascontiguousarray(
            samples_from_float(x, fmt))) // fsize

    @_checked
    def read_float(self, n_frames, timeout=0, dtype='float32'):
        """Reads up to ``n_frames`` frames converted to floats (see
        :func:`samples_to_float`): an array of frames x channels.  Take
        ``.T`` for one row per channel (what JACK ports want)."""
        _require_numpy('read_float()')
        self._rb_consumer('read_float()')
        if self._rb_facts.format == _SF.NONE:
            raise TypeError('read_float() needs an audio ring')
        frames = self.read_frames(n_frames, timeout)
        return samples_to_float(frames, self._rb_facts.format, dtype)
