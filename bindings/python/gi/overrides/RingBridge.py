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
import sys
import time

from ..module import get_introspection_module
from ..overrides import override
from gi.repository import GLib
from gi.repository import Gio

try:
    import numpy as _np
except ImportError:
    _np = None

RingBridge = get_introspection_module('RingBridge')

__all__ = []

_UINT32_MODULO = 1 << 32


def _fixed_constant(value):
    # g-ir-scanner types #define constants as gint, so 1 << 31 comes back
    # as -2^31; the true values are all non-negative.
    return value % _UINT32_MODULO if value < 0 else value


RING_MAX_CAPACITY = _fixed_constant(RingBridge.RING_MAX_CAPACITY)
__all__.append('RING_MAX_CAPACITY')

# RB_RECORD_NONE (G_GINT64_CONSTANT (-1)) is not in the typelib.
RECORD_NONE = getattr(RingBridge, 'RECORD_NONE', -1)
__all__.append('RECORD_NONE')


# --- errors ------------------------------------------------------------------

class RingClosedError(GLib.Error, ValueError):
    """Raised by every ring method after :meth:`Ring.close`.

    It is a :class:`GLib.Error` in the ``RingBridge.RingError`` domain
    (code ``FAILED``) and, like the error of a closed Python file, a
    :class:`ValueError`.
    """

    def __init__(self, message='the ring is closed'):
        super().__init__(message,
                         GLib.quark_to_string(RingBridge.ring_error_quark()),
                         int(RingBridge.RingError.FAILED))


__all__.append('RingClosedError')


class RingArgumentError(GLib.Error, ValueError):
    """Raised for an argument value the library refuses: a capacity out of
    range, unknown flags, a bad sample format, channel count or rate, an
    invalid ring name, a role that is no role or does not fit the ring.

    It is the :class:`GLib.Error` the C call reported (``RingError``
    INVALID_CAPACITY, INVALID_FORMAT, INVALID_FLAGS, INVALID_NAME or
    INVALID_ROLE, same message) and a :class:`ValueError`, as Python
    callers expect for a bad value.  Run-time failures (NOT_FOUND, EXISTS,
    BUSY, PERMISSION, NO_MEMORY, ...) stay plain GLib.Error.
    """

    def __init__(self, message, code):
        super().__init__(message,
                         GLib.quark_to_string(RingBridge.ring_error_quark()),
                         int(code))


__all__.append('RingArgumentError')

_E = RingBridge.RingError
_ARGUMENT_CODES = frozenset(int(c) for c in (
    _E.INVALID_CAPACITY, _E.INVALID_FORMAT, _E.INVALID_FLAGS,
    _E.INVALID_NAME, _E.INVALID_ROLE))


def _argument_errors(function):
    """Makes a constructor or name call raise RingArgumentError (a
    ValueError) instead of the plain GLib.Error for a bad argument value."""
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except GLib.Error as e:
            if (isinstance(e, ValueError) or e.code not in _ARGUMENT_CODES
                    or e.domain != GLib.quark_to_string(
                        RingBridge.ring_error_quark())):
                raise
            raise RingArgumentError(e.message, e.code) from None
    wrapper.__name__ = function.__name__
    wrapper.__qualname__ = 'Ring.' + function.__name__
    wrapper.__doc__ = function.__doc__
    wrapper.__wrapped__ = function
    return wrapper


# --- the C calls that move bytes (see the module docstring) ------------------

def _load_library():
    """The shared library the typelib loaded, as a ctypes CDLL."""
    # Looking up the GType makes girepository dlopen() the library the
    # typelib names (its shared-library attribute, this soname).
    RingBridge.Ring.__gtype__
    name = 'libringbridge-%s.so.0' % RingBridge._version
    try:
        # RTLD_NOLOAD: that very instance, never a second copy from
        # elsewhere on the library path.
        return ctypes.CDLL(name, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
    except OSError as e:
        raise ImportError('RingBridge overrides: %s is not the library the '
                          'typelib loaded (%s)' % (name, e)) from e


_lib = _load_library()


def _proto(name, restype, *argtypes):
    fn = getattr(_lib, name)
    fn.restype = restype
    fn.argtypes = argtypes
    return fn


_vp, _sz, _u64 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64
_c_write = _proto('rb_ring_write', _sz, _vp, _vp, _sz)
_c_read = _proto('rb_ring_read', _sz, _vp, _vp, _sz)
_c_peek = _proto('rb_ring_peek', _sz, _vp, _vp, _sz)
_c_write_frames = _proto('rb_ring_write_frames', _sz, _vp, _vp, _sz)
_c_read_frames = _proto('rb_ring_read_frames', _sz, _vp, _vp, _sz)
_c_read_at = _proto('rb_ring_read_at', ctypes.c_int, _vp, _u64, _vp, _sz,
                    ctypes.POINTER(_sz))
_c_read_frames_at = _proto('rb_ring_read_frames_at', ctypes.c_int, _vp, _u64,
                           _vp, _sz, ctypes.POINTER(_sz))


class _CRecordInfo(ctypes.Structure):
    # RbRecordInfo
    _fields_ = [
        ('type', ctypes.c_uint32),
        ('flags', ctypes.c_uint32),
        ('size', ctypes.c_uint32),
        ('pts', ctypes.c_int64),
        ('dts', ctypes.c_int64),
        ('duration', ctypes.c_int64),
        ('offset', ctypes.c_uint64),
        ('offset_end', ctypes.c_uint64),
    ]


_RECORD_FIELDS = tuple(name for name, _ in _CRecordInfo._fields_)
if ctypes.sizeof(_CRecordInfo) != RingBridge.RecordInfo.__info__.get_size():
    raise ImportError('RingBridge overrides: RbRecordInfo changed layout')
_c_write_record = _proto('rb_ring_write_record', ctypes.c_int, _vp,
                         ctypes.POINTER(_CRecordInfo), _vp, _sz)

_c_write_acquire = _proto('rb_ring_write_acquire', _vp, _vp,
                          ctypes.POINTER(_sz))
_c_read_acquire = _proto('rb_ring_read_acquire', _vp, _vp,
                         ctypes.POINTER(_sz))


def _region(acquire, ring):
    """(address, count) of the region ``acquire`` (rb_ring_write_acquire()
    or rb_ring_read_acquire()) hands out, the address 0 where C returns
    NULL."""
    count = _sz(0)
    address = acquire(ring._rb_pointer, ctypes.byref(count))
    return address or 0, count.value


def _write_region(ring):
    """The free region."""
    return _region(_c_write_acquire, ring)


def _read_region(ring):
    """The readable region."""
    return _region(_c_read_acquire, ring)


_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


# --- the buffer protocol through ctypes --------------------------------------

class _PyBuffer(ctypes.Structure):
    # Py_buffer, part of the stable ABI since Python 3.11.
    _fields_ = [
        ('buf', ctypes.c_void_p),
        ('obj', ctypes.c_void_p),
        ('len', ctypes.c_ssize_t),
        ('itemsize', ctypes.c_ssize_t),
        ('readonly', ctypes.c_int),
        ('ndim', ctypes.c_int),
        ('format', ctypes.c_char_p),
        ('shape', ctypes.POINTER(ctypes.c_ssize_t)),
        ('strides', ctypes.POINTER(ctypes.c_ssize_t)),
        ('suboffsets', ctypes.POINTER(ctypes.c_ssize_t)),
        ('internal', ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.restype = ctypes.c_int
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer),
                        ctypes.c_int]
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.restype = None
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]

_PyBUF_WRITABLE = 0x0001
_PyBUF_FORMAT = 0x0004
_PyBUF_C_CONTIGUOUS = 0x0038


class _Buffer:
    """The memory of a buffer-protocol object, held for a ``with`` block.

    While held, the exporter cannot resize or free it (a bytearray refuses
    to grow, for example), so C may copy from or into ``address``.  Only
    C-contiguous buffers are accepted: their bytes are in the order a
    reader of the ring expects.
    """

    def __init__(self, obj, writable=False):
        self._view = _PyBuffer()
        flags = _PyBUF_C_CONTIGUOUS | _PyBUF_FORMAT
        if writable:
            flags |= _PyBUF_WRITABLE
        # Raises TypeError (no buffer protocol) or BufferError (not
        # contiguous, read-only) itself: ctypes.pythonapi checks for a set
        # Python error after each call.  NumPy says ValueError instead.
        try:
            _get_buffer(obj, ctypes.byref(self._view), flags)
        except ValueError as e:
            raise BufferError(str(e)) from e
        self._held = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()

    def release(self):
        if self._held:
            self._held = False
            _release_buffer(ctypes.byref(self._view))

    @property
    def address(self):
        return self._view.buf

    @property
    def nbytes(self):
        return self._view.len

    @property
    def itemsize(self):
        return self._view.itemsize

    @property
    def format(self):
        fmt = self._view.format
        return 'B' if fmt is None else fmt.decode('ascii', 'replace')

    @property
    def shape(self):
        return tuple(self._view.shape[i] for i in range(self._view.ndim))


_LITTLE = sys.byteorder == 'little'
_FLOAT_CODES = 'efd'
_SIGNED_CODES = 'bhilqn'
_UNSIGNED_CODES = 'BHILQN'
_RAW_CODES = ('B', 'c')


def _classify_format(fmt):
    """Returns (kind, little_endian) for a struct-module format string.

    kind is 'f', 'i' or 'u' for a single number, None for anything else
    (padding, structs, bytes).
    """
    little = _LITTLE
    if fmt and fmt[0] in '@=<>!':
        if fmt[0] in '>!':
            little = False
        elif fmt[0] == '<':
            little = True
        fmt = fmt[1:]
    if len(fmt) != 1:
        return None, little
    if fmt in _FLOAT_CODES:
        return 'f', little
    if fmt in _SIGNED_CODES:
        return 'i', little
    if fmt in _UNSIGNED_CODES:
        return 'u', little
    return None, little


# --- sample formats and NumPy dtypes -----------------------------------------

_SF = RingBridge.SampleFormat

# (kind, sample size) of the numbers a buffer must hold to match a format
_FORMAT_KIND = {
    int(_SF.U8): ('u', 1),
    int(_SF.S16LE): ('i', 2),
    int(_SF.S24LE): (None, 3),
    int(_SF.S24_32LE): ('i', 4),
    int(_SF.S32LE): ('i', 4),
    int(_SF.F32LE): ('f', 4),
    int(_SF.F64LE): ('f', 8),
}

# NumPy dtype strings per sample format.  S24LE has no NumPy number type:
# its samples are 3-byte void items ('V3'); s24le_to_int32() and
# int32_to_s24le() convert.
_DTYPE_NAMES = {
    int(_SF.NONE): 'u1',
    int(_SF.U8): 'u1',
    int(_SF.S16LE): '<i2',
    int(_SF.S24LE): 'V3',
    int(_SF.S24_32LE): '<i4',
    int(_SF.S32LE): '<i4',
    int(_SF.F32LE): '<f4',
    int(_SF.F64LE): '<f8',
}

_BITS = {
    int(_SF.U8): 8,
    int(_SF.S16LE): 16,
    int(_SF.S24LE): 24,
    int(_SF.S24_32LE): 24,
    int(_SF.S32LE): 32,
}


def _require_numpy(what):
    if _np is None:
        raise ImportError('%s needs NumPy, which is not installed' % what)
    return _np


def sample_format_to_dtype(sample_format):
    """Returns the NumPy dtype of one sample of ``sample_format``.

    ``U8`` -> ``uint8``, ``S16LE`` -> ``<i2``, ``S24_32LE`` and ``S32LE``
    -> ``<i4``, ``F32LE`` -> ``<f4``, ``F64LE`` -> ``<f8``; ``S24LE``
    (3-byte packed) -> ``V3`` (see :func:`s24le_to_int32`); ``NONE`` (a
    byte ring) -> ``uint8``.
    """
    np = _require_numpy('sample_format_to_dtype()')
    try:
        return np.dtype(_DTYPE_NAMES[int(sample_format)])
    except KeyError:
        raise ValueError('%r is not a sample format' % (sample_format,))


def sample_format_from_dtype(dtype):
    """Returns the sample format for a NumPy dtype (or anything
    ``numpy.dtype()`` accepts).

    ``uint8`` -> ``U8``, ``int16`` -> ``S16LE``, ``int32`` -> ``S32LE``
    (ask for ``S24_32LE`` by name), ``float32`` -> ``F32LE``,
    ``float64`` -> ``F64LE``, ``V3`` -> ``S24LE``.  Big-endian dtypes and
    other types raise ValueError.
    """
    np = _require_numpy('sample_format_from_dtype()')
    dt = np.dtype(dtype)
    if dt.itemsize > 1 and dt.byteorder == ('<' if not _LITTLE else '>'):
        raise ValueError('ring samples are little-endian; got dtype %s'
                         % dt.str)
    table = {('u', 1): _SF.U8, ('i', 2): _SF.S16LE, ('i', 4): _SF.S32LE,
             ('f', 4): _SF.F32LE, ('f', 8): _SF.F64LE,
             ('V', 3): _SF.S24LE}
    try:
        return table[(dt.kind, dt.itemsize)]
    except KeyError:
        raise ValueError('no ring sample format holds dtype %s' % dt.str)


def _to_sample_format(value):
    """Accepts a SampleFormat, its int, a GStreamer name such as 'S16LE',
    or a NumPy dtype (or type, or dtype string such as 'float32')."""
    if isinstance(value, _SF):
        return value
    if isinstance(value, bool):
        raise TypeError('a sample format, not %r' % (value,))
    if isinstance(value, int):
        if int(value) not in _DTYPE_NAMES:
            raise ValueError('%d is not a sample format' % value)
        return _SF(value)
    if isinstance(value, str):
        fmt = RingBridge.sample_format_from_string(value)
        if fmt != _SF.NONE or value.upper() == 'NONE':
            return fmt
        if _np is None:
            raise ValueError('unknown sample format %r' % value)
    if _np is None:
        raise TypeError('a SampleFormat or a format name, not %r' % (value,))
    try:
        dt = _np.dtype(value)
    except TypeError:
        if isinstance(value, str):
            raise ValueError('unknown sample format %r' % value)
        raise TypeError('not a sample format or dtype: %r' % (value,))
    return sample_format_from_dtype(dt)


def s24le_to_int32(samples):
    """Unpacks S24LE samples into sign-extended int32 values.

    ``samples`` is an array of ``V3`` items (what an S24LE ring's views
    and :meth:`Ring.read_frames` hand out) or a uint8 array whose last axis
    has 3 bytes per sample.  Returns an int32 array of the same shape (less
    the byte axis).
    """
    np = _require_numpy('s24le_to_int32()')
    a = np.asarray(samples)
    if a.dtype.kind == 'V' and a.dtype.itemsize == 3:
        b = np.ascontiguousarray(a).view('u1').reshape(a.shape + (3,))
    elif a.dtype == np.uint8 and a.ndim >= 1 and a.shape[-1] == 3:
        b = a
    else:
        raise TypeError('S24LE samples are V3 items or uint8 triples, not %s'
                        ' of shape %s' % (a.dtype, a.shape))
    v = (b[..., 0].astype(np.int32) | (b[..., 1].astype(np.int32) << 8)
         | (b[..., 2].astype(np.int32) << 16))
    return (v << 8) >> 8


def int32_to_s24le(samples):
    """Packs integer samples (in -2^23 .. 2^23-1) into S24LE ``V3`` items.

    Values outside the 24-bit range raise ValueError rather than wrap.
    """
    np = _require_numpy('int32_to_s24le()')
    a = np.asarray(samples)
    if a.dtype.kind not in 'iu':
        raise TypeError('int32_to_s24le() takes integers, not %s' % a.dtype)
    if a.size and (a.min() < -(1 << 23) or a.max() >= (1 << 23)):
        raise ValueError('samples out of the 24-bit range')
    b = np.ascontiguousarray(a, dtype='<i4').view('u1').reshape(a.shape + (4,))
    return np.ascontiguousarray(b[..., :3]).view('V3').reshape(a.shape)


def samples_to_float(samples, sample_format, dtype='float32'):
    """Converts samples of ``sample_format`` to floats, as the C library's
    deinterleaving calls do: integers map as ``s / 2^(bits-1)`` (U8 around
    128), so the most negative integer is exactly -1.0."""
    np = _require_numpy('samples_to_float()')
    fmt = int(_to_sample_format(sample_format))
    a = np.asarray(samples)
    if fmt == _SF.S24LE:
        a = s24le_to_int32(a)
    elif fmt == _SF.S24_32LE:
        a = (a.astype(np.int32) << 8) >> 8
    if fmt in (_SF.F32LE, _SF.F64LE):
        return a.astype(dtype)
    x = a.astype(np.float64)
    if fmt == _SF.U8:
        x -= 128.0
    return (x / float(1 << (_BITS[fmt] - 1))).astype(dtype)


def samples_from_float(values, sample_format):
    """Converts floats to samples of ``sample_format`` as the C library
    does: scale by 2^(bits-1), round to nearest with ties away from zero,
    clip to the integer range (+1.0 becomes the largest integer), NaN
    becomes 0.  Float formats are cast, not clipped.  Returns an array of
    the format's dtype (``V3`` items for S24LE)."""
    np = _require_numpy('samples_from_float()')
    fmt = int(_to_sample_format(sample_format))
    x = np.asarray(values)
    if fmt == _SF.F32LE:
        return x.astype('<f4')
    if fmt == _SF.F64LE:
        return x.astype('<f8')
    if fmt not in _BITS:
        raise ValueError('%r is not an audio sample format' % sample_format)
    scale = float(1 << (_BITS[fmt] - 1))
    with np.errstate(invalid='ignore'):
        v = x.astype(np.float64) * scale
        v = np.trunc(v + np.copysign(0.5, v))
        v = np.clip(v, -scale, scale - 1.0)
        v = np.where(np.isnan(v), 0.0, v)
    ints = v.astype(np.int32)
    if fmt == _SF.U8:
        return (ints + 128).astype(np.uint8)
    if fmt == _SF.S16LE:
        return ints.astype('<i2')
    if fmt == _SF.S24LE:
        return int32_to_s24le(ints)
    return ints.astype('<i4')


__all__ += ['sample_format_to_dtype', 'sample_format_from_dtype',
            's24le_to_int32', 'int32_to_s24le', 'samples_to_float',
            'samples_from_float']


# --- argument checks ---------------------------------------------------------

def _count(value, what='size'):
    """A non-negative integer argument (bool refused)."""
    if isinstance(value, bool):
        raise TypeError('%s must be an integer, not bool' % what)
    try:
        n = value.__index__()
    except AttributeError:
        raise TypeError('%s must be an integer, not %s'
                        % (what, type(value).__name__))
    if n < 0:
        raise ValueError('%s must not be negative (got %d)' % (what, n))
    return n


def _position(value):
    n = _count(value, 'position')
    if n >= 1 << 64:
        raise ValueError('position %d does not fit in 64 bits' % n)
    return n


def _timeout_us(timeout):
    """Seconds (None: for ever) to the C calls' microseconds (-1: for ever).

    A negative timeout is an error, as NaN is: only None waits for ever.
    """
    if timeout is None:
        return -1
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError('timeout must be a number of seconds or None')
    t = float(timeout)
    if t != t:
        raise ValueError('timeout must not be NaN')
    if t < 0:
        raise ValueError('timeout must not be negative (got %r); None waits '
                         'for ever' % (timeout,))
    return int(min(t, 1e12) * 1e6)


# The longest a blocking call stays in C at a time.  Between slices the
# interpreter runs its signal handlers (KeyboardInterrupt on Ctrl-C), so a
# signal is handled within this long however long the wait.
_WAIT_SLICE_US = 100000


def _sliced_wait(ring, wait, target, timeout_us):
    """``wait(ring, target, slice_us)`` (an RbRing wait call) in slices of at
    most _WAIT_SLICE_US until it ends for another reason than its timeout
    or ``timeout_us`` (-1: for ever) has passed in all.  Returns the last
    slice's WaitResult."""
    deadline = None if timeout_us < 0 else \
        time.monotonic_ns() + timeout_us * 1000
    while True:
        if deadline is None:
            slice_us = _WAIT_SLICE_US
        else:
            left_ns = deadline - time.monotonic_ns()
            # rounded up: the slices together last at least timeout_us
            slice_us = min(_WAIT_SLICE_US, max(0, -(-left_ns // 1000)))
        result = wait(ring, target, slice_us)
        if result != RingBridge.WaitResult.TIMEOUT:
            return result
        if deadline is not None and time.monotonic_ns() >= deadline:
            return result
        if ring._rb_closed:
            # close() from another thread: the C wait would say so too
            return RingBridge.WaitResult.INTERRUPTED
        # The loop's backward jump is where Python runs pending signal
        # handlers; KeyboardInterrupt leaves from here.


def _with_cancellable(wait, cancellable):
    """An RbRing ``wait_*_full(ring, target, timeout_us, cancellable)`` call
    in the shape _sliced_wait() calls."""
    return lambda ring, target, slice_us: wait(ring, target, slice_us,
                                                cancellable)


_ROLE = RingBridge.RingRole


def _flags(value, kind=RingBridge.RingFlags):
    """Flags from a flags value or a plain int (PyGObject wants the type).
    Unknown bits raise RingArgumentError, as the C constructors do (GObject
    would only warn and drop them all)."""
    if isinstance(value, bool):
        raise TypeError('flags must be %s or int, not bool' % kind.__name__)
    n = _count(value, 'flags')
    known = 0
    for bit in kind.__flags_values__:
        known |= bit
    if n & ~known:
        what = 'ring flags' if kind is RingBridge.RingFlags else kind.__name__
        raise RingArgumentError('unknown %s 0x%x' % (what, n & ~known),
                                _E.INVALID_FLAGS)
    return value if isinstance(value, kind) else kind(n)


def _role(value):
    if isinstance(value, bool):
        raise TypeError('role must be a RingRole, not bool')
    return value if isinstance(value, _ROLE) else _ROLE(_count(value, 'role'))


_PRODUCER_ROLES = (_ROLE.BOTH, _ROLE.PRODUCER)
_CONSUMER_ROLES = (_ROLE.BOTH, _ROLE.CONSUMER)
_NOT_PRODUCER_ROLES = (_ROLE.BOTH, _ROLE.CONSUMER, _ROLE.READER)


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
        dtype (``V3`` items for S24LE), 1-D uint8 for a byte ring."""
        self._check()
        if self._array is None:
            np = _require_numpy('RingView.array')
            ring = self._ring
            a = np.frombuffer(self._carray, dtype=ring.dtype)
            if ring.channels:
                a = a.reshape(-1, ring.channels)
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


__all__ += ['RingView', 'ReadView', 'WriteView']


# --- passing a ring to another process ---------------------------------------

class RingHandle:
    """A ring's file descriptor and the role another process should take.

    Made by :meth:`Ring.share`.  Send it to a :mod:`multiprocessing` child
    (as a Process argument or through a Queue or Pipe): multiprocessing
    passes the descriptor itself (SCM_RIGHTS), so the other process maps
    the same memory.  There, :meth:`open` attaches.  The handle owns a
    duplicate of the descriptor; :meth:`close` it (or use ``with``) when
    done.  It cannot be pickled for anything but multiprocessing.
    """

    def __init__(self, fd, role):
        self._fd = fd
        self.role = _role(role)

    def fileno(self):
        """The descriptor (the handle still owns it)."""
        if self._fd < 0:
            raise ValueError('the handle is closed')
        return self._fd

    def open(self):
        """Attaches to the ring with the handle's role and returns it."""
        return Ring.new_from_fd(self.fileno(), self.role)

    def close(self):
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def __reduce__(self):
        raise TypeError('a RingHandle can only be sent to another process by '
                        'multiprocessing, which passes its file descriptor')


def _rebuild_handle(dupfd, role):
    return RingHandle(dupfd.detach(), role)


def _reduce_handle(handle):
    from multiprocessing.reduction import DupFd
    return _rebuild_handle, (DupFd(handle.fileno()), int(handle.role))


# pickle finds these through the module users import.
RingHandle.__module__ = 'gi.repository.RingBridge'
_rebuild_handle.__module__ = 'gi.repository.RingBridge'
_reducer_registered = False


def _register_reducer():
    global _reducer_registered
    if not _reducer_registered:
        from multiprocessing.reduction import ForkingPickler
        ForkingPickler.register(RingHandle, _reduce_handle)
        _reducer_registered = True


__all__ += ['RingHandle', '_rebuild_handle']


# --- the ring ----------------------------------------------------------------

_Facts = collections.namedtuple('_Facts', 'frame_size format channels '
                                'overwrite role capacity records')


def _fact_property(name, doc):
    """A read-only property of a fact the ring's object read once, at
    attach (``self._rb_facts.<name>``)."""
    return property(lambda self: getattr(self._rb_facts, name), doc=doc)


def _checked(method):
    """Makes a Ring method raise RingClosedError once the ring is closed,
    before it looks at its arguments."""
    def wrapper(self, *args, **kwargs):
        if self._rb_closed:
            raise RingClosedError()
        return method(self, *args, **kwargs)
    wrapper.__name__ = method.__name__
    wrapper.__qualname__ = 'Ring.' + method.__name__
    wrapper.__doc__ = method.__doc__
    wrapper.__wrapped__ = method
    return wrapper


class Ring(RingBridge.Ring):
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

    # -- construction ---------------------------------------------------------

    @staticmethod
    @_argument_errors
    def new(capacity):
        """A new anonymous byte ring of at least ``capacity`` bytes."""
        return RingBridge.Ring.new(_count(capacity, 'capacity'))

    @staticmethod
    @_argument_errors
    def new_full(capacity, flags=RingBridge.RingFlags.NONE):
        """A new anonymous byte ring with ``flags`` (e.g. OVERWRITE)."""
        return RingBridge.Ring.new_full(_count(capacity, 'capacity'),
                                        _flags(flags))

    @staticmethod
    @_argument_errors
    def new_audio(format, channels, rate, frames,
                  flags=RingBridge.RingFlags.NONE):
        """A new anonymous audio ring.

        ``format`` is a SampleFormat, a GStreamer name ('S16LE') or a NumPy
        dtype (``numpy.float32``, ``'int16'``; int32 means S32LE).
        """
        return RingBridge.Ring.new_audio(
            _to_sample_format(format), _count(channels, 'channels'),
            _count(rate, 'rate'), _count(frames, 'frames'), _flags(flags))

    @staticmethod
    @_argument_errors
    def create(name, capacity, flags=RingBridge.RingFlags.NONE,
               role=RingBridge.RingRole.BOTH, mode=0o600):
        """Creates a named byte ring (see rb_ring_create())."""
        return RingBridge.Ring.create(name, _count(capacity, 'capacity'),
                                      _flags(flags), _role(role),
                                      _count(mode, 'mode'))

    @staticmethod
    @_argument_errors
    def create_audio(name, format, channels, rate, frames,
                     flags=RingBridge.RingFlags.NONE,
                     role=RingBridge.RingRole.BOTH, mode=0o600):
        """Creates a named audio ring; ``format`` as for :meth:`new_audio`."""
        return RingBridge.Ring.create_audio(
            name, _to_sample_format(format), _count(channels, 'channels'),
            _count(rate, 'rate'), _count(frames, 'frames'), _flags(flags),
            _role(role), _count(mode, 'mode'))

    @staticmethod
    @_argument_errors
    def new_from_fd(fd, role):
        """Attaches to a ring passed as a file descriptor (which stays
        yours).  ``fd`` may be an int or an object with fileno()."""
        if not isinstance(fd, int) and hasattr(fd, 'fileno'):
            fd = fd.fileno()
        return RingBridge.Ring.new_from_fd(_count(fd, 'fd'), _role(role))

    @staticmethod
    @_argument_errors
    def open(name, role):
        """Attaches to the named ring with ``role`` (see rb_ring_open())."""
        return RingBridge.Ring.open(name, _role(role))

    @staticmethod
    @_argument_errors
    def open_full(name, role, open_flags):
        """rb_ring_open_full(): :meth:`open` with RingOpenFlags."""
        return RingBridge.Ring.open_full(
            name, _role(role), _flags(open_flags, RingBridge.RingOpenFlags))

    @staticmethod
    @_argument_errors
    def unlink(name):
        """Removes the ring's name (see rb_ring_unlink())."""
        return RingBridge.Ring.unlink(name)

    @staticmethod
    @_argument_errors
    def reclaim_stale(name):
        """Removes the name of a ring whose processes are all gone (see
        rb_ring_reclaim_stale())."""
        return RingBridge.Ring.reclaim_stale(name)

    @staticmethod
    @_argument_errors
    def name_validate(name):
        """True for a valid ring name; RingArgumentError says what is wrong
        with another."""
        return RingBridge.Ring.name_validate(name)

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

    def _rb_producer(self, what, records=False):
        self._rb_stream(what, records)
        self._rb_need(_PRODUCER_ROLES, what)
        if self._rb_write_view is not None:
            raise RuntimeError('%s while a write view is held: commit it '
                               'first' % what)

    def _rb_consumer(self, what, records=False):
        self._rb_stream(what, records)
        self._rb_need(_CONSUMER_ROLES, what)
        if self._rb_read_view is not None:
            raise RuntimeError('%s while a read view is held: release it '
                               'first' % what)

    def _rb_check_buffer(self, buf, what):
        """Checks that a buffer fits the ring: whole frames, and numbers of
        the ring's sample type unless the buffer is plain bytes."""
        f = self._rb_facts
        fsize, fmt, channels = f.frame_size, f.format, f.channels
        if fmt == _SF.NONE:
            return
        code = buf.format.lstrip('@=<>!')
        raw = buf.itemsize == 1 and code in _RAW_CODES
        kind, little = _classify_format(buf.format)
        want_kind, want_size = _FORMAT_KIND[fmt]
        if fmt == _SF.S24LE:
            ok = raw or (kind is None and buf.itemsize == 3)
        else:
            ok = raw or (kind == want_kind and buf.itemsize == want_size
                         and (little or buf.itemsize == 1))
        if not ok:
            raise TypeError('%s: the ring holds %s samples, the buffer has '
                            'format %r (%d-byte items)' % (
                                what, RingBridge.sample_format_to_string(fmt),
                                buf.format, buf.itemsize))
        shape = buf.shape
        if not raw and len(shape) >= 2 and shape[-1] != channels:
            raise ValueError('%s: the ring has %d channels, the buffer\'s '
                             'last axis %d' % (what, channels, shape[-1]))
        if buf.nbytes % fsize:
            raise ValueError('%s: %d bytes is not a whole number of %d-byte '
                             'frames' % (what, buf.nbytes, fsize))

    # -- facts ----------------------------------------------------------------
    # (the ones read once at attach, from _rb_facts: _fact_property)

    capacity = _fact_property('capacity', """The capacity in bytes.""")

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
        """The NumPy dtype of one sample (``uint8`` for a byte ring,
        ``V3`` for S24LE); None without NumPy."""
        if _np is None:
            return None
        return _np.dtype(_DTYPE_NAMES[self._rb_facts.format])

    # -- bytes ----------------------------------------------------------------

    @_checked
    def write(self, data):
        """Copies ``data`` (any C-contiguous buffer) into the ring.

        Returns the number of bytes written: fewer when the ring is full
        (whole frames on an audio ring); an overwrite ring takes all.  On
        an audio ring a typed buffer (NumPy array, array.array) must hold
        the ring's sample type; plain bytes are taken as they are.
        """
        self._rb_producer('write()')
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
            address, count = _write_region(self)
            if count < total:
                return 0
            off = 0
            for b in bufs:
                ctypes.memmove(address + off, b.address, b.nbytes)
                off += b.nbytes
            RingBridge.Ring.write_commit(self, total)
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
            address, count = _read_region(self)
            k = min(n, count - count % fsize)
            data = ctypes.string_at(address, k)
            RingBridge.Ring.read_release(self, k)
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

    @_checked
    def read_into(self, buffer, timeout=0):
        """Reads into a writable C-contiguous buffer, filling as much of it
        as there is data (whole frames on an audio ring, in the ring's
        sample type for typed buffers).  Returns the number of bytes read.
        ``timeout`` as for :meth:`read`.
        """
        self._rb_consumer('read_into()')
        with _Buffer(buffer, writable=True) as buf:
            self._rb_check_buffer(buf, 'read_into()')
            if buf.nbytes == 0:
                return 0
            self._rb_wait_then(buf.nbytes, timeout)
            fsize = self._rb_facts.frame_size
            if fsize > 1:
                return fsize * _c_read_frames(self._rb_pointer, buf.address,
                                              buf.nbytes // fsize)
            return _c_read(self._rb_pointer, buf.address, buf.nbytes)

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

    # -- frames (NumPy) -------------------------------------------------------

    @_checked
    def read_frames(self, n_frames, timeout=0):
        """Reads up to ``n_frames`` frames into a new NumPy array of shape
        (frames, channels) and the ring's dtype (``V3`` for S24LE; 1-D
        uint8 for a byte ring).  ``timeout`` as for :meth:`read`."""
        np = _require_numpy('read_frames()')
        self._rb_consumer('read_frames()')
        n = _count(n_frames, 'n_frames')
        fsize, channels = self._rb_facts.frame_size, self._rb_facts.channels
        if n:
            self._rb_wait_then(n * fsize, timeout)
        avail = RingBridge.Ring.read_available(self) // fsize
        shape = (min(n, avail),) + ((channels,) if channels else ())
        out = np.empty(shape, dtype=self.dtype)
        if out.size == 0:
            return out
        with _Buffer(out, writable=True) as buf:
            if fsize > 1:
                got = _c_read_frames(self._rb_pointer, buf.address, shape[0])
            else:
                got = _c_read(self._rb_pointer, buf.address, shape[0])
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

    # -- zero copy ------------------------------------------------------------

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
        address, count = _read_region(self)
        count = self._rb_region_size(count, nbytes, frames)
        view = ReadView(self, address, count, writable)
        self._rb_read_view = view
        return view

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
        address, count = _write_region(self)
        count = self._rb_region_size(count, nbytes, frames)
        view = WriteView(self, address, count, True)
        self._rb_write_view = view
        return view

    # -- absolute positions ---------------------------------------------------

    def _rb_reader(self, what):
        self._rb_stream(what)
        if not self._rb_facts.overwrite:
            self._rb_need(_CONSUMER_ROLES, what + ' on a plain ring')

    @_checked
    def read_at(self, position, n):
        """Copies up to ``n`` bytes from absolute byte ``position`` without
        consuming them (rb_ring_read_at()).

        Returns ``(RangeStatus, bytes)``: AVAILABLE with the good bytes
        (fewer than ``n`` when only part is written), OVERWRITTEN (resume
        at get_oldest_position()) or NOT_YET_WRITTEN with ``b''``.
        """
        self._rb_reader('read_at()')
        position = _position(position)
        n = _count(n, 'n')
        if n == 0:
            return RingBridge.Ring.check_range(self, position, 0), b''
        out = ctypes.create_string_buffer(n)
        got = _sz(0)
        status = _c_read_at(self._rb_pointer, position, out, n,
                            ctypes.byref(got))
        return RingBridge.RangeStatus(status), out.raw[:got.value]

    @_checked
    def read_at_into(self, position, buffer):
        """rb_ring_read_at() into a writable buffer: returns
        ``(RangeStatus, bytes_read)``."""
        self._rb_reader('read_at_into()')
        position = _position(position)
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
        np = _require_numpy('read_frames_at()')
        self._rb_reader('read_frames_at()')
        frame = _position(frame)
        n = _count(n_frames, 'n_frames')
        channels = self._rb_facts.channels
        out = np.empty((n,) + ((channels,) if channels else ()),
                       dtype=self.dtype)
        got = _sz(0)
        with _Buffer(out, writable=True) as buf:
            status = _c_read_frames_at(self._rb_pointer, frame, buf.address,
                                       n, ctypes.byref(got))
        return RingBridge.RangeStatus(status), out[:got.value]

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

    # -- records --------------------------------------------------------------

    @property
    def records(self):
        """True for a ring made with RingFlags.RECORDS."""
        return self._rb_facts.records

    @_checked
    def write_record(self, info, payload=None, **fields):
        """Writes one record to a records ring, all or nothing.

        ``info`` is a RingBridge.RecordInfo (its ``size`` must be the
        payload's) or just a record type (RecordType or int), in which case
        the timestamps and duration are RECORD_NONE unless given as keyword
        arguments (``pts=``, ``dts=``, ``duration=``, ``flags=``,
        ``offset=``, ``offset_end=``).  ``payload`` is any C-contiguous
        buffer, copied straight into the ring.  Returns False when the
        record does not fit now (wait_writable() and retry); a record
        larger than get_max_record_size() raises ValueError.
        """
        self._rb_producer('write_record()', records=True)
        with _Buffer(b'' if payload is None else payload) as buf:
            c = _CRecordInfo()
            if isinstance(info, RingBridge.RecordInfo):
                if info.size != buf.nbytes:
                    raise ValueError('write_record(): info.size is %d, the '
                                     'payload %d bytes' % (info.size,
                                                           buf.nbytes))
                for name in _RECORD_FIELDS:
                    setattr(c, name, getattr(info, name))
            else:
                c.type = _count(info, 'record type')
                c.pts = c.dts = c.duration = RECORD_NONE
            for name, value in fields.items():
                if name not in _RECORD_FIELDS or name == 'size':
                    raise TypeError('write_record() got an unexpected keyword '
                                    'argument %r' % name)
                setattr(c, name, value)
            c.size = buf.nbytes
            limit = RingBridge.Ring.get_max_record_size(self)
            if buf.nbytes > limit:
                raise ValueError('a %d-byte record can never fit this ring '
                                 '(at most %d)' % (buf.nbytes, limit))
            return bool(_c_write_record(self._rb_pointer, ctypes.byref(c),
                                        buf.address, buf.nbytes))

    @_checked
    def read_record(self):
        """Reads the next record: ``(True, RecordInfo, bytes)``, or
        ``(False, None, b'')`` when there is none."""
        self._rb_consumer('read_record()', records=True)
        payload, info = RingBridge.Ring.read_record_bytes(self)
        if payload is None:
            return False, None, b''
        return True, info, payload.get_data()

    @_checked
    def peek_record(self):
        """The next record's header without reading it: ``(True,
        RecordInfo)``, or ``(False, None)`` when there is none."""
        self._rb_consumer('peek_record()', records=True)
        ok, info = RingBridge.Ring.peek_record(self)
        return (True, info) if ok else (False, None)

    @_checked
    def skip_record(self):
        """Discards the next record without reading it
        (rb_ring_skip_record()): True, or False when there is none."""
        self._rb_consumer('skip_record()', records=True)
        return RingBridge.Ring.skip_record(self)

    # -- waits ----------------------------------------------------------------

    def _rb_wait_count(self, count):
        count = _count(count, 'count')
        if count > self._rb_facts.capacity:
            raise ValueError('cannot wait for %d bytes in a %d-byte ring'
                             % (count, self._rb_facts.capacity))
        return count

    @staticmethod
    def _rb_wait_timeout(timeout_us):
        if isinstance(timeout_us, bool) or not isinstance(timeout_us, int):
            raise TypeError('timeout_us must be an integer (microseconds)')
        if timeout_us < -1:
            raise ValueError('timeout_us must be -1 (for ever) or not '
                             'negative (got %d)' % timeout_us)
        return timeout_us

    def _rb_wait(self, roles, method, check, first, timeout_us,
                 *cancellable):
        """The checks of every wait, in this order: the role, the
        cancellable (the _full waits), ``first`` through ``check``, the
        timeout; then the wait, in slices (see _sliced_wait)."""
        self._rb_need(roles, method + '()')
        wait = getattr(RingBridge.Ring, method)
        if cancellable:
            wait = _with_cancellable(wait,
                                     self._rb_cancellable(cancellable[0]))
        return _sliced_wait(self, wait, check(first),
                            self._rb_wait_timeout(timeout_us))

    @_checked
    def wait_readable(self, count, timeout_us):
        """Blocks until ``count`` bytes can be read (rb_ring_wait_readable(),
        ``timeout_us`` in microseconds, -1 for ever).  Other Python threads
        run meanwhile, and signal handlers (Ctrl-C) within 0.1 s.  Returns
        a WaitResult."""
        return self._rb_wait(_CONSUMER_ROLES, 'wait_readable',
                             self._rb_wait_count, count, timeout_us)

    @_checked
    def wait_writable(self, count, timeout_us):
        """Blocks until ``count`` bytes can be written (see
        :meth:`wait_readable`)."""
        return self._rb_wait(_PRODUCER_ROLES, 'wait_writable',
                             self._rb_wait_count, count, timeout_us)

    @_checked
    def wait_position(self, position, timeout_us):
        """Blocks until the write position reaches ``position`` (see
        :meth:`wait_readable`).  Any role but the producer."""
        return self._rb_wait(_NOT_PRODUCER_ROLES, 'wait_position', _position,
                             position, timeout_us)

    @staticmethod
    def _rb_cancellable(cancellable):
        if cancellable is not None and not isinstance(cancellable,
                                                      Gio.Cancellable):
            raise TypeError('cancellable must be a Gio.Cancellable or None')
        return cancellable

    @_checked
    def wait_readable_full(self, count, timeout_us, cancellable=None):
        """:meth:`wait_readable` that ``cancellable`` (a Gio.Cancellable)
        also ends, with WaitResult.INTERRUPTED, and no other wait
        (rb_ring_wait_readable_full())."""
        return self._rb_wait(_CONSUMER_ROLES, 'wait_readable_full',
                             self._rb_wait_count, count, timeout_us,
                             cancellable)

    @_checked
    def wait_writable_full(self, count, timeout_us, cancellable=None):
        """:meth:`wait_writable` with a cancellable (see
        :meth:`wait_readable_full`)."""
        return self._rb_wait(_PRODUCER_ROLES, 'wait_writable_full',
                             self._rb_wait_count, count, timeout_us,
                             cancellable)

    @_checked
    def wait_position_full(self, position, timeout_us, cancellable=None):
        """:meth:`wait_position` with a cancellable (see
        :meth:`wait_readable_full`)."""
        return self._rb_wait(_NOT_PRODUCER_ROLES, 'wait_position_full',
                             _position, position, timeout_us, cancellable)

    # -- sharing --------------------------------------------------------------

    @_checked
    def share(self, role):
        """A :class:`RingHandle` for another process to attach with
        ``role``; send it through multiprocessing."""
        _register_reducer()
        return RingHandle(os.dup(RingBridge.Ring.get_fd(self)), _role(role))

    @_checked
    def set_clock_point(self, position, monotonic_ns, clock_frames=0):
        """rb_ring_set_clock_point() (producer)."""
        self._rb_need(_PRODUCER_ROLES, 'set_clock_point()')
        return RingBridge.Ring.set_clock_point(
            self, _position(position), monotonic_ns, _position(clock_frames))

    # -- timing (docs/clocks.md) ----------------------------------------------

    @_checked
    def get_timing(self):
        """rb_ring_get_timing(): a :class:`RingTiming` snapshot (any side);
        its ``ratio_known`` says whether both rates are known."""
        return RingBridge.Ring.get_timing(self)[1]

    @_checked
    def position_to_time(self, position):
        """rb_ring_position_to_time(): the CLOCK_MONOTONIC ns at which the
        producer wrote (or will write) ``position``, or None if unknown."""
        ok, when = RingBridge.Ring.position_to_time(self, _position(position))
        return when if ok else None

    @_checked
    def time_to_position(self, monotonic_ns):
        """rb_ring_time_to_position(): the position the producer stood at
        (or will stand at) at ``monotonic_ns``, or None if unknown."""
        ok, pos = RingBridge.Ring.time_to_position(self, int(monotonic_ns))
        return pos if ok else None

    @_checked
    def consumer_time_to_position(self, monotonic_ns):
        """rb_ring_consumer_time_to_position(): the read position the
        consumer stood at (or will stand at) at ``monotonic_ns``, or None
        if unknown."""
        ok, pos = RingBridge.Ring.consumer_time_to_position(
            self, int(monotonic_ns))
        return pos if ok else None

    @_checked
    def set_timing(self, enabled, step=0):
        """rb_ring_set_timing() (the producer or the consumer)."""
        self._rb_need(_PRODUCER_ROLES + _CONSUMER_ROLES, 'set_timing()')
        return RingBridge.Ring.set_timing(self, bool(enabled),
                                          _count(step, 'step'))


# The side of the ring each RbRing method belongs to: the "Thread:" line of
# its C documentation.  A method called through the wrong side's object
# corrupts or loses data (a consumer's write lands in the producer's
# unread bytes), so it raises io.UnsupportedOperation instead of reaching
# C.  tests/python/test_roles.py checks every method of the typelib
# against the GIR, so a new method missing here fails there.
_PRODUCER_METHODS = frozenset((
    'write', 'write_bytes', 'write_frames', 'write_deinterleaved',
    'write_acquire', 'write_commit',
    'write_available', 'write_frames_available',
    'write_record', 'write_record_acquire', 'write_record_commit',
    'set_end_of_stream', 'set_clock_point', 'wait_writable',
    'wait_writable_full', 'stamp_producer'))
_CONSUMER_METHODS = frozenset((
    'read', 'read_bytes', 'read_frames', 'read_deinterleaved',
    'read_acquire', 'read_release',
    'read_available', 'read_frames_available', 'peek', 'peek_bytes', 'skip',
    'reset', 'peek_record', 'read_record', 'read_record_acquire',
    'read_record_bytes', 'read_record_release', 'skip_record',
    'wait_readable', 'wait_readable_full', 'stamp_consumer'))
# any reader of an overwrite ring, the consumer of a plain ring
_POSITION_READER_METHODS = frozenset(('read_at', 'read_at_bytes',
                                      'read_frames_at'))
_NOT_PRODUCER_METHODS = frozenset(('wait_position', 'wait_position_full'))


def _role_check(name):
    """The check a wrapped introspected method ``name`` makes before it
    calls C, or None for a method any side may call."""
    what = name + '()'
    if name in _PRODUCER_METHODS:
        return lambda ring: ring._rb_need(_PRODUCER_ROLES, what)
    if name in _CONSUMER_METHODS:
        return lambda ring: ring._rb_need(_CONSUMER_ROLES, what)
    if name in _NOT_PRODUCER_METHODS:
        return lambda ring: ring._rb_need(_NOT_PRODUCER_ROLES, what)
    if name in _POSITION_READER_METHODS:
        def check(ring):
            if not ring._rb_facts.overwrite:
                ring._rb_need(_CONSUMER_ROLES, what + ' on a plain ring')
        return check
    return None


# Every other introspected method checks for close too, and for its side.
def _guard_introspected_methods():
    for info in RingBridge.Ring.__info__.get_methods():
        name = info.get_name()
        if not info.is_method() or name in Ring.__dict__:
            continue
        original = getattr(RingBridge.Ring, name)
        check = _role_check(name)

        if check is None:
            def method(self, *args, _original=original, **kwargs):
                return _original(self, *args, **kwargs)
        else:
            def method(self, *args, _original=original, _check=check,
                       **kwargs):
                _check(self)
                return _original(self, *args, **kwargs)
        method.__name__ = name
        method.__doc__ = original.__doc__
        setattr(Ring, name, _checked(method))


_guard_introspected_methods()

Ring = override(Ring)
__all__.append('Ring')
