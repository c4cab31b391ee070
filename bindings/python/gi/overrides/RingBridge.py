# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Pythonic additions to the RingBridge-1.0 introspection module.

``from gi.repository import RingBridge`` loads this module on top of the
typelib.  It adds what PyGObject cannot express from the C annotations:

* ``Ring.write(obj)`` / ``Ring.read_into(buf)`` take any object with the
  buffer protocol (bytes, bytearray, memoryview, array.array, NumPy
  arrays, mmap, ...) and copy straight between it and the ring, with no
  intermediate copy; ``Ring.read(n)`` returns ``bytes``.
* zero-copy views (``Ring.read_view()``, ``Ring.write_view()``): a
  memoryview, and with NumPy an ndarray of frames x channels, over the
  ring's own memory, released explicitly or by a ``with`` block.
* overwrite-ring readers: ``Ring.read_at(position, n)`` returning
  ``(RangeStatus, bytes)`` as the C call does.
* views at absolute positions: ``Ring.view_at(position, n)``, an
  :class:`AtView` checked after use (:class:`RingLappedError`).
* ``Ring.write_many([a, b, c])``: several buffers, all or nothing, one
  commit.
* audio: ``Ring.dtype``, ``channels``, ``rate``; rings made from NumPy
  dtypes; frame and float helpers (the C float calls are not
  introspectable).
* ``Ring.close()`` and the context-manager protocol: after close every
  ring method raises :class:`RingClosedError` instead of calling into C.
* ``Ring.share(role)``: a handle that multiprocessing can send to another
  process (the ring's file descriptor travels as SCM_RIGHTS).
* checks before C: a method of one side of the ring called through the
  other side's object raises io.UnsupportedOperation; a bad argument value
  the library refuses raises :class:`RingArgumentError` (a ValueError and
  the C call's GLib.Error); blocking calls wait in slices of 100 ms so
  that Ctrl-C interrupts them.

How the bytes move.  PyGObject marshals an ``(out caller-allocates)
(array length=count)`` argument without telling C how big the buffer is
(rb_ring_read(), rb_ring_peek() and rb_ring_read_at() called through
PyGObject 3.42 overflow the heap), and it copies every input array.  So
the few calls that move bytes between the ring and a caller's buffer
(rb_ring_write, rb_ring_read, rb_ring_peek, rb_ring_read_at and their
frame twins) are called through :mod:`ctypes` on the library the typelib
loaded, with the buffer's own address; everything else (construction,
errors, waits, state) goes through the typelib.  Zero-copy views call
rb_ring_read_acquire() / rb_ring_write_acquire() the same way (they are
(skip) in the typelib) and wrap the region's address with ctypes.
"""

import collections
import ctypes
import io
import os

from ..module import get_introspection_module
from ..overrides import override

try:
    import numpy as _np
except ImportError:
    _np = None

RingBridge = get_introspection_module('RingBridge')

# The concerns live in private modules (_ringbridge/); what users see is
# re-exported here and named as part of this module.
from ._ringbridge.errors import (
    RingArgumentError,
    RingClosedError,
    RingLappedError,
    _argument_errors)
from ._ringbridge.cabi import (
    _Buffer,
    _c_peek,
    _c_read,
    _c_read_at,
    _c_read_frames,
    _c_write,
    _c_write_frames,
    _capsule_pointer,
    _sz)
from ._ringbridge.formats import (
    _DTYPE_NAMES,
    _SF,
    _to_sample_format,
    check_buffer,
    int32_to_s24le,
    s24le_to_int32,
    sample_format_from_dtype,
    sample_format_to_dtype,
    samples_from_float,
    samples_to_float)
from ._ringbridge.args import (
    _CONSUMER_ROLES,
    _PRODUCER_ROLES,
    _count,
    _flags,
    _position,
    _role,
    _sliced_wait,
    _timeout_us)
from ._ringbridge.views import (
    AtView,
    ReadView,
    RingView,
    WriteView,
    _on_frame)
from ._ringbridge import items as _items
from ._ringbridge import fastio as _fastio
from ._ringbridge.guard import _checked, guard_introspected_methods
from ._ringbridge.handle import (
    RingHandle,
    _rebuild_handle,
    _register_reducer)
# Ring's calls by concern, mixed into Ring below
from ._ringbridge.constructors import RingConstructors
from ._ringbridge.frames import RingFrames
from ._ringbridge.positions import RingPositions
from ._ringbridge.records import RingRecords
from ._ringbridge.timing import RingTimingCalls
from ._ringbridge.waits import RingWaits

for _public in (RingArgumentError, RingClosedError, RingLappedError,
                RingView, ReadView, WriteView, AtView,
                sample_format_to_dtype, sample_format_from_dtype,
                s24le_to_int32, int32_to_s24le, samples_to_float,
                samples_from_float):
    _public.__module__ = 'gi.repository.RingBridge'

__all__ = []

_UINT32_MODULO = 1 << 32


def _fixed_constant(value):
    # g-ir-scanner types #define constants as gint, so 1 << 31 comes back
    # as -2^31; the true values are all non-negative.
    return value % _UINT32_MODULO if value < 0 else value


RING_MAX_CAPACITY = _fixed_constant(RingBridge.RING_MAX_CAPACITY)
__all__.append('RING_MAX_CAPACITY')

# The ring as a C handle: RingBridge.cffi_cdef() here, Ring.c_pointer and
# Ring.cffi_pointer() below (_ringbridge/cpointer.py).
from ._ringbridge import cpointer as _cpointer  # noqa: E402
from ._ringbridge.cpointer import cffi_cdef  # noqa: E402
cffi_cdef.__module__ = 'gi.repository.RingBridge'
__all__.append('cffi_cdef')

from ._ringbridge.records import RECORD_NONE  # noqa: E402
__all__.append('RECORD_NONE')
__all__.append('RingClosedError')
__all__.append('RingArgumentError')
__all__ += ['sample_format_to_dtype', 'sample_format_from_dtype',
            's24le_to_int32', 'int32_to_s24le', 'samples_to_float',
            'samples_from_float']
__all__ += ['RingView', 'ReadView', 'WriteView']
__all__ += ['AtView', 'RingLappedError']


__all__ += ['RingHandle', '_rebuild_handle']

# --- the ring ----------------------------------------------------------------

_Facts = collections.namedtuple('_Facts', 'frame_size format channels '
                                'overwrite role capacity records')


def _fact_property(name, doc):
    """A read-only property of a fact the ring's object read once, at
    attach (``self._rb_facts.<name>``)."""
    return property(lambda self: getattr(self._rb_facts, name), doc=doc)


# write() and read_into() take their argument with a default, so that a
# closed ring says RingClosedError before anything about arguments.
_MISSING = object()


def _required(value, method, name):
    if value is _MISSING:
        raise TypeError('Ring.%s() missing 1 required positional argument: '
                        '%r' % (method, name))


class Ring(RingConstructors, RingFrames, RingPositions, RingRecords,
           RingWaits, RingTimingCalls, RingBridge.Ring):
    """A lock-free single-producer/single-consumer ring (see RbRing).

    Byte counts are bytes, as in C; on an audio ring every call moves
    whole frames only.  Python-level additions are listed in the module
    documentation (``help(gi.overrides.RingBridge)``).
    """

    _rb_closed = False
    _rb_read_view = None
    _rb_write_view = None
    _rb_cached_pointer = None
    _rb_cached_facts = None

    def __init__(self, **kwargs):
        """Ring(capacity=..., flags=..., sample_format=..., channels=...,
        rate=...): an anonymous ring built from GObject properties.
        ``sample_format`` is taken as for :meth:`new_audio`."""
        if 'sample_format' in kwargs:
            kwargs['sample_format'] = _to_sample_format(
                kwargs['sample_format'])
        if 'flags' in kwargs:
            kwargs['flags'] = _flags(kwargs['flags'])
        super().__init__(**kwargs)
        # The ring only exists after Gio.Initable.init(), which raises
        # GLib.Error for bad properties (RingArgumentError for bad values).
        _argument_errors(RingBridge.Ring.init)(self, None)

    # -- life cycle -----------------------------------------------------------

    def close(self):
        """Ends this object's use of the ring.

        Any view still held is ended without consuming or publishing, a
        shared ring's role is given up now (the peer sees it gone), a wait
        blocked in another thread returns INTERRUPTED, and every ring method
        raises :class:`RingClosedError` from now on.  The memory is
        unmapped when the last reference to the object goes.  Closing twice
        is harmless.
        """
        if self._rb_closed:
            return
        if self._rb_read_view is not None:
            self._rb_read_view.release(0)
        if self._rb_write_view is not None:
            self._rb_write_view.commit(0)
        RingBridge.Ring.close(self)
        self._rb_closed = True
        self._rb_drop_io()

    @property
    def closed(self):
        """True after :meth:`close`."""
        return self._rb_closed

    def __enter__(self):
        if self._rb_closed:
            raise RingClosedError()
        return self

    def __exit__(self, *exc):
        self.close()

    # -- handing the ring to C (_ringbridge/cpointer.py) -----------------------

    @property
    def c_pointer(self):
        """The address of the ring's ``RbRing *``, an int, for C code
        (ctypes ``c_void_p``, Cython ``<RbRing *><uintptr_t>``).  Valid
        while this object lives and is not closed; RingClosedError after
        close.  See docs/python.md, "Handing the ring to C"."""
        return _cpointer.c_pointer(self)

    @_checked
    def cffi_pointer(self, ffi):
        """The ring as a CFFI cdata ``RbRing *`` of ``ffi`` (which has
        ``ffi.cdef(RingBridge.cffi_cdef())``); the cdata keeps this object
        alive."""
        return _cpointer.cffi_pointer(self, ffi)

    # -- internals ------------------------------------------------------------

    @property
    def _rb_pointer(self):
        p = self._rb_cached_pointer
        if p is None:
            p = _capsule_pointer(self.__gpointer__, None)
            self._rb_cached_pointer = p
        return p

    @property
    def _rb_facts(self):
        # fixed at creation, so read once
        facts = self._rb_cached_facts
        if facts is None:
            R = RingBridge.Ring
            flags = R.get_flags(self)
            facts = _Facts(R.get_frame_size(self),
                           int(R.get_sample_format(self)),
                           R.get_channels(self),
                           bool(flags & RingBridge.RingFlags.OVERWRITE),
                           R.get_role(self), R.get_capacity(self),
                           bool(flags & RingBridge.RingFlags.RECORDS))
            self._rb_cached_facts = facts
        return facts

    def _rb_need(self, roles, what):
        if self._rb_facts.role not in roles:
            raise io.UnsupportedOperation(
                '%s needs a ring opened as %s, not %s' % (
                    what, ' or '.join(r.value_nick for r in roles),
                    self._rb_facts.role.value_nick))

    def _rb_stream(self, what, records=False):
        if self._rb_facts.records != records:
            raise io.UnsupportedOperation(
                '%s: this is %s records ring' % (
                    what, 'not a' if records else 'a'))

    def _rb_side(self, what, records, roles, view, side, ending):
        """The checks of one side's call: stream or records, the role, and
        no view of that side held (``view``, of ``side`` 'write' or 'read',
        with the call that ends it)."""
        f = self._rb_facts
        if f.records != records:
            self._rb_stream(what, records)
        if f.role not in roles:
            self._rb_need(roles, what)
        if view is not None:
            raise RuntimeError('%s while a %s view is held: %s it first'
                               % (what, side, ending))

    def _rb_producer(self, what, records=False):
        self._rb_side(what, records, _PRODUCER_ROLES, self._rb_write_view,
                      'write', 'commit')

    def _rb_consumer(self, what, records=False):
        self._rb_side(what, records, _CONSUMER_ROLES, self._rb_read_view,
                      'read', 'release')

    def _rb_check_buffer(self, buf, what):
        """Checks that a buffer fits the ring: whole frames, and numbers of
        the ring's sample type unless the buffer is plain bytes."""
        check_buffer(self._rb_facts, buf, what)

    _rb_io = None
    _rb_regions_made = None
    _RB_IO_NAMES = ('_rb_io', 'write', 'read_into', 'readinto')

    def _rb_bind_io(self):
        """The ring's FastIo (_ringbridge/fastio.py), or None: its closures
        go into this object's __dict__ until a view is taken or ended or
        the ring is closed (_rb_drop_io).  A side with a view held gets
        its checked path, the other side keeps its fast one."""
        if self._rb_closed:
            return None
        f = self._rb_facts
        plain = not f.records and not _items.info(self)
        read_view, write_view = self._rb_read_view, self._rb_write_view
        io = _fastio.bind(
            self, plain and f.role in _PRODUCER_ROLES and write_view is None,
            plain and f.role in _CONSUMER_ROLES and read_view is None,
            _MISSING)
        if io is not None:
            d = self.__dict__
            d['_rb_io'] = io
            d['write'] = io.write
            d['read_into'] = d['readinto'] = io.read_into
            # Checked after the install: a view taken or ended or a close
            # (here or in another thread) drops the closures after it set
            # its view or closed flag, so one of the two drops sees the
            # other.
            if self._rb_closed or self._rb_read_view is not read_view or \
                    self._rb_write_view is not write_view:
                self._rb_drop_io()
        return io

    def _rb_regions(self):
        """The ring's Regions (_ringbridge/fastio.py), made once.  (An
        attribute, not self.__dict__, which costs microseconds on a
        GObject.)"""
        r = self._rb_regions_made
        if r is None:
            r = self._rb_regions_made = _fastio.regions(self)
        return r

    def _rb_drop_io(self):
        fast = self._rb_io
        if fast is not None:
            fast.drop()     # closures held elsewhere too (w = ring.write)
            d = self.__dict__
            for name in self._RB_IO_NAMES:
                d.pop(name, None)       # (two threads may drop at once)

    # -- facts ----------------------------------------------------------------
    # (the ones read once at attach, from _rb_facts: _fact_property)

    capacity = _fact_property(
        'capacity', """The capacity in bytes: exactly what the ring was made
        to hold (whole frames on an audio ring).""")

    @property
    def storage_size(self):
        """The mirrored storage behind the capacity, in bytes: a power of
        two of at least a page (rb_ring_get_storage_size())."""
        return RingBridge.Ring.get_storage_size(self)

    frame_size = _fact_property(
        'frame_size', """Bytes per frame (1 for a byte ring).""")

    @property
    def sample_format(self):
        """The RingBridge.SampleFormat (NONE for a byte ring)."""
        return _SF(self._rb_facts.format)

    channels = _fact_property(
        'channels', """Interleaved channels (0 for a byte ring).""")

    @property
    def rate(self):
        """Sample rate in Hz (0 for a byte ring)."""
        return RingBridge.Ring.get_rate(self)

    overwrite = _fact_property(
        'overwrite', """True for a ring made with RingFlags.OVERWRITE.""")

    role = _fact_property('role', """The RingRole this object plays.""")

    @property
    def dtype(self):
        """The NumPy dtype of one item of an item ring, else of one sample
        (``uint8`` for a byte ring, ``V3`` for S24LE); None without NumPy."""
        if _np is None:
            return None
        return _items.dtype_of(self, lambda: _np.dtype(
            _DTYPE_NAMES[self._rb_facts.format]))

    # -- items (docs/python.md, "Items and NumPy dtypes") ---------------------

    @property
    def item_shape(self):
        """The shape of one item: an item ring's, ``(channels,)`` for an
        audio ring, ``()`` for a byte ring."""
        return _items.item_shape(self)

    item_size = _fact_property(
        'frame_size', """Bytes per item (the frame size; 1 for bytes).""")

    @property
    def capacity_items(self):
        """The capacity in whole items (frames, bytes)."""
        return self._rb_facts.capacity // self._rb_facts.frame_size

    @_checked
    def __len__(self):
        """Whole items (frames, bytes) readable now; moves nothing."""
        return _items.readable(self)

    def __bool__(self):
        # a ring object is true even when empty (len() would say otherwise)
        return True

    @staticmethod
    def is_lock_free():
        """True: the ring's positions are 64-bit atomics, which the build
        asserts are lock-free (rb-shm-private.h)."""
        return True

    @_checked
    def read_items(self, n_items, timeout=0):
        """Reads up to ``n_items`` items of an item ring into a new array of
        shape (k,) + item_shape.  ``timeout`` as for :meth:`read`."""
        self._rb_consumer('read_items()')
        return _items.read_items(self, _count(n_items, 'n_items'),
                                 lambda n: self._rb_wait_then(n, timeout))

    # -- bytes ----------------------------------------------------------------

    def write(self, data=_MISSING):
        """Copies ``data`` (any C-contiguous buffer) into the ring.

        Returns the number of bytes written: fewer when the ring is full
        (whole frames on an audio ring); an overwrite ring takes all.  On
        an audio ring a typed buffer (NumPy array, array.array) must hold
        the ring's sample type; plain bytes are taken as they are.
        """
        # (a bound method taken before the first call comes here each time)
        io = self._rb_io or self._rb_bind_io()
        return io.write(data) if io else self._rb_write_checked(data)

    @_checked
    def _rb_write_checked(self, data):
        """write() with every check, for whatever the fast path refuses."""
        _required(data, 'write', 'data')
        self._rb_producer('write()')
        items = _items.info(self)
        if items:
            return _items.write(self, items, data)
        with _Buffer(data) as buf:
            self._rb_check_buffer(buf, 'write()')
            if buf.nbytes == 0:
                return 0
            fsize = self._rb_facts.frame_size
            if fsize > 1:
                return fsize * _c_write_frames(self._rb_pointer, buf.address,
                                               buf.nbytes // fsize)
            return _c_write(self._rb_pointer, buf.address, buf.nbytes)

    @_checked
    def write_frames(self, data):
        """:meth:`write`, returning the number of frames written."""
        self._rb_producer('write_frames()')
        return self.write(data) // self._rb_facts.frame_size

    @_checked
    def write_many(self, parts):
        """Writes several buffers as one: all of them or nothing.

        The parts need not be whole frames each, only together.  Returns
        the number of bytes written: their total, or 0 if the ring has no
        room for all of it (nothing is written then).  The consumer sees
        the parts appear at once (one commit).  On an overwrite ring the
        parts are gathered into one temporary buffer first, since its
        producer cannot acquire a region.
        """
        self._rb_producer('write_many()')
        bufs = []
        try:
            for part in parts:
                bufs.append(_Buffer(part))
            total = sum(b.nbytes for b in bufs)
            f = self._rb_facts
            fsize, overwrite, capacity = f.frame_size, f.overwrite, f.capacity
            if total % fsize:
                raise ValueError('write_many(): %d bytes is not a whole '
                                 'number of %d-byte frames' % (total, fsize))
            if total > capacity:
                raise ValueError('write_many(): %d bytes can never fit a '
                                 '%d-byte ring' % (total, capacity))
            if total == 0:
                return 0
            if overwrite:
                gathered = (ctypes.c_char * total)()
                off = 0
                for b in bufs:
                    ctypes.memmove(ctypes.addressof(gathered) + off,
                                   b.address, b.nbytes)
                    off += b.nbytes
                return _c_write(self._rb_pointer, gathered, total)
            regions = self._rb_regions()
            address, count = regions.write()
            if count < total:
                return 0
            off = 0
            for b in bufs:
                ctypes.memmove(address + off, b.address, b.nbytes)
                off += b.nbytes
            regions.commit(total)
            return total
        finally:
            for b in bufs:
                b.release()

    def _rb_wait_then(self, nbytes, timeout):
        timeout_us = _timeout_us(timeout)
        if timeout_us == 0:
            return
        f = self._rb_facts
        want = min(nbytes, f.capacity - f.capacity % f.frame_size)
        if want:
            _sliced_wait(self, RingBridge.Ring.wait_readable, want,
                         timeout_us)

    @_checked
    def read(self, n, timeout=0):
        """Reads up to ``n`` bytes (whole frames on an audio ring).

        Returns ``bytes``, empty when there is nothing to read.  With a
        ``timeout`` in seconds (None: no limit) it first waits for ``n``
        bytes, as wait_readable() does (the GIL is released meanwhile);
        the default 0 never waits.  Like rb_ring_read_bytes(), a short read
        is not counted as an underrun.
        """
        self._rb_consumer('read()')
        fsize, overwrite = self._rb_facts.frame_size, self._rb_facts.overwrite
        n = _count(n, 'n')
        n -= n % fsize
        if n == 0:
            return b''
        self._rb_wait_then(n, timeout)
        if not overwrite:
            # One copy, from the ring straight into the new bytes object.
            regions = self._rb_regions()
            address, count = regions.read()
            k = min(n, count - count % fsize)
            data = ctypes.string_at(address, k)
            regions.release(k)
            return data
        # The overwrite consumer's read skips overwritten data and never
        # returns bytes the producer overtook: that needs rb_ring_read().
        avail = RingBridge.Ring.read_available(self)
        k = min(n, avail - avail % fsize)
        if k == 0:
            return b''
        out = ctypes.create_string_buffer(k)
        if fsize > 1:
            got = fsize * _c_read_frames(self._rb_pointer, out, k // fsize)
        else:
            got = _c_read(self._rb_pointer, out, k)
        return out.raw[:got]

    def read_into(self, buffer=_MISSING, timeout=0):
        """Reads into a writable C-contiguous buffer, filling as much of it
        as there is data (whole frames on an audio ring, in the ring's
        sample type for typed buffers).  Returns the number of bytes read.
        ``timeout`` as for :meth:`read`; like it, a short read is not
        counted as an underrun.
        """
        io = self._rb_io or self._rb_bind_io()
        if io:
            return io.read_into(buffer, timeout)
        return self._rb_read_into_checked(buffer, timeout)

    @_checked
    def _rb_read_into_checked(self, buffer, timeout=0):
        """read_into() with every check (see _rb_write_checked)."""
        _required(buffer, 'read_into', 'buffer')
        self._rb_consumer('read_into()')
        items = _items.info(self)
        if items:
            return _items.read_into(self, items, buffer,
                                    lambda n: self._rb_wait_then(n, timeout))
        with _Buffer(buffer, writable=True) as buf:
            self._rb_check_buffer(buf, 'read_into()')
            if buf.nbytes == 0:
                return 0
            self._rb_wait_then(buf.nbytes, timeout)
            fsize = self._rb_facts.frame_size
            # Only what is there: the ring counts a short read of its
            # realtime calls as an underrun, and none of Python's reads.
            n = min(buf.nbytes, RingBridge.Ring.read_available(self))
            if fsize > 1:
                return fsize * _c_read_frames(self._rb_pointer, buf.address,
                                              n // fsize)
            return _c_read(self._rb_pointer, buf.address, n) if n else 0

    # the fast entries stand for the checked methods (test_typelib.py)
    write.__wrapped__ = _rb_write_checked
    read_into.__wrapped__ = _rb_read_into_checked
    readinto = read_into

    @_checked
    def peek(self, n):
        """Copies up to ``n`` readable bytes (whole frames on an audio ring)
        without consuming them; returns ``bytes``."""
        self._rb_consumer('peek()')
        fsize = self._rb_facts.frame_size
        n = _count(n, 'n')
        avail = RingBridge.Ring.read_available(self)
        n = min(n, avail)
        n -= n % fsize
        if n == 0:
            return b''
        out = ctypes.create_string_buffer(n)
        got = _c_peek(self._rb_pointer, out, n)
        return out.raw[:got]

    @_checked
    def skip(self, n):
        """Discards up to ``n`` readable bytes; returns how many."""
        self._rb_consumer('skip()')
        return RingBridge.Ring.skip(self, _count(n, 'n'))

    @_checked
    def reset(self):
        """rb_ring_reset(): drops unread data and clears counters and the
        end-of-stream flag (consumer, producer idle)."""
        self._rb_consumer('reset()')
        RingBridge.Ring.reset(self)

    # -- replacements of C calls PyGObject cannot call safely --------------

    @_checked
    def read_at(self, position, n):
        """Copies up to ``n`` bytes from absolute byte ``position`` without
        consuming them (rb_ring_read_at()).

        Returns ``(RangeStatus, bytes)``: AVAILABLE with the good bytes
        (fewer than ``n`` when only part is written), OVERWRITTEN (resume
        at get_oldest_position()) or NOT_YET_WRITTEN with ``b''``.
        """
        self._rb_reader('read_at()')
        position = _on_frame(self, _position(position))
        n = _count(n, 'n')
        if n == 0:
            return RingBridge.Ring.check_range(self, position, 0), b''
        out = ctypes.create_string_buffer(n)
        got = _sz(0)
        status = _c_read_at(self._rb_pointer, position, out, n,
                            ctypes.byref(got))
        return RingBridge.RangeStatus(status), out.raw[:got.value]


    @_checked
    def read_record(self):
        """Reads the next record: ``(True, RecordInfo, bytes)``, or
        ``(False, None, b'')`` when there is none."""
        self._rb_consumer('read_record()', records=True)
        payload, info = RingBridge.Ring.read_record_bytes(self)
        if payload is None:
            return False, None, b''
        return True, info, payload.get_data()


    # -- zero copy ------------------------------------------------------------

    def _rb_view(self, cls, side, nbytes, frames, writable):
        """A ``cls`` view of the ``side`` ('read' or 'write') region, at
        most ``nbytes`` / ``frames``; write() and read_into() leave their
        fast path until it ends (the view is set before the drop: see
        _rb_bind_io)."""
        address, count = getattr(self._rb_regions(), side)()
        view = cls(self, address, self._rb_region_size(count, nbytes, frames),
                   writable)
        setattr(self, '_rb_%s_view' % side, view)
        self._rb_drop_io()
        return view

    def _rb_region_size(self, count, nbytes, frames):
        fsize = self._rb_facts.frame_size
        if nbytes is not None and frames is not None:
            raise TypeError('give nbytes or frames, not both')
        if frames is not None:
            count = min(count, _count(frames, 'frames') * fsize)
        elif nbytes is not None:
            count = min(count, _count(nbytes, 'nbytes'))
        return count - count % fsize

    @_checked
    def read_view(self, nbytes=None, *, frames=None, writable=False):
        """A :class:`ReadView` of the readable region: all of it, or at
        most ``nbytes`` bytes / ``frames`` frames, without copying.

        The region is contiguous even across the wrap.  It is read-only
        unless ``writable=True``.  End it with ``release()`` or a ``with``
        block; until then, read calls on this ring raise RuntimeError.
        """
        self._rb_consumer('read_view()')
        return self._rb_view(ReadView, 'read', nbytes, frames, writable)

    @_checked
    def write_view(self, nbytes=None, *, frames=None):
        """A :class:`WriteView` of the free region (at most ``nbytes`` /
        ``frames``), to fill in place and then ``commit()``.

        Overwrite rings have no such region (their readers must learn of
        an overwrite before it lands): io.UnsupportedOperation there.
        """
        self._rb_producer('write_view()')
        if self._rb_facts.overwrite:
            raise io.UnsupportedOperation(
                'write_view(): an overwrite ring hands out no write region; '
                'use write()')
        return self._rb_view(WriteView, 'write', nbytes, frames, True)

    # -- sharing --------------------------------------------------------------

    @_checked
    def share(self, role):
        """A :class:`RingHandle` for another process to attach with
        ``role``; send it through multiprocessing."""
        _register_reducer()
        return RingHandle(os.dup(RingBridge.Ring.get_fd(self)), _role(role))



# Every other introspected method checks for close too, and for its side.
guard_introspected_methods(Ring, RingBridge.Ring)

Ring = override(Ring)
__all__.append('Ring')
