# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The C calls that move bytes, called through ctypes with the caller's own
buffer address, and the buffer protocol (see the RingBridge override
module's docstring for why)."""

import ctypes
import os
import sys

from gi.module import get_introspection_module

try:
    import numpy as _np
except ImportError:
    _np = None

RingBridge = get_introspection_module('RingBridge')

# --- the C calls that move bytes (see the module docstring) ------------------

_LIBRARY_NAME = 'libringbridge-%s.so.0' % RingBridge._version


def _load_library():
    """The shared library the typelib loaded, as a ctypes CDLL."""
    # Looking up the GType makes girepository dlopen() the library the
    # typelib names (its shared-library attribute, this soname).
    RingBridge.Ring.__gtype__
    name = _LIBRARY_NAME
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


_CTYPE_OF_TAG = {'guint32': ctypes.c_uint32, 'gint64': ctypes.c_int64,
                 'guint64': ctypes.c_uint64}


def _c_struct(name, info):
    """A ctypes.Structure for the C struct the typelib describes as
    ``info`` (a StructInfo): its fields' names and types from there, the
    header not written again; ImportError if ctypes would lay it out other
    than the C compiler did."""
    fields = info.get_fields()
    try:
        cls = type(name, (ctypes.Structure,), {'_fields_': [
            (f.get_name(), _CTYPE_OF_TAG[f.get_type().get_tag_as_string()])
            for f in fields]})
    except KeyError as e:
        raise ImportError('RingBridge overrides: %s has a field of type %s'
                          % (info.get_name(), e)) from e
    if (ctypes.sizeof(cls) != info.get_size() or
            any(getattr(cls, f.get_name()).offset != f.get_offset()
                for f in fields)):
        raise ImportError('RingBridge overrides: %s changed layout'
                          % info.get_name())
    return cls


_CRecordInfo = _c_struct('_CRecordInfo', RingBridge.RecordInfo.__info__)
_RECORD_FIELDS = tuple(name for name, _ in _CRecordInfo._fields_)
_c_write_record = _proto('rb_ring_write_record', ctypes.c_int, _vp,
                         ctypes.POINTER(_CRecordInfo), _vp, _sz)

_c_write_acquire = _proto('rb_ring_write_acquire', _vp, _vp,
                          ctypes.POINTER(_sz))
_c_read_acquire = _proto('rb_ring_read_acquire', _vp, _vp,
                         ctypes.POINTER(_sz))
_c_view_at = _proto('rb_ring_view_at', _vp, _vp, _u64, _sz,
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
