# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The fast path of ``Ring.write()`` and ``Ring.read_into()``.

A call through the checked path (``Ring._rb_write_checked``) costs about
ten Python-level steps: the closed check, the role, records and view
checks, a ctypes ``PyObject_GetBuffer`` into a ``Py_buffer`` structure,
the format check, a GI call for ``read_available`` and a ctypes call with
argument conversion (bench/python measures it).  Everything but the
buffer and the C call is fixed when the ring object is made, so
:func:`bind` decides it once per ring object and hands back closures
that take the buffer with CFFI's ``from_buffer`` and call the C function
through CFFI (ABI mode, on the very library the typelib loaded).

A closure returns -1 whenever anything is unusual (not a buffer, not
contiguous, read-only, misaligned frames, a sample type not seen before
that does not match); the caller then takes the checked path, which
raises the error it always raised.  So the errors stay the checked
path's, and the fast path only ever moves bytes the checked path would
have moved in the same way.

The binding is dropped (``ring._rb_io = None``) when a view is taken and
on close; the next call binds again and, while a view is held or after
close, gets closures that always say -1.  Without CFFI (python3-cffi)
every call takes the checked path.
"""

try:
    import cffi as _cffi
except ImportError:
    _cffi = None

from .cabi import _LIBRARY_NAME
from .cpointer import cffi_cdef
from .formats import check_buffer_kind

_ffi_lib = None


def _ffi():
    """(ffi, lib) over the loaded libringbridge, made on first use (the
    cdef is parsed then, not at import); None without CFFI."""
    global _ffi_lib
    if _ffi_lib is None and _cffi is not None:
        ffi = _cffi.FFI()
        ffi.cdef(cffi_cdef())
        # RTLD_NOLOAD: the instance the typelib loaded, never a second copy
        lib = ffi.dlopen(_LIBRARY_NAME, ffi.RTLD_NOLOAD | ffi.RTLD_LAZY)
        _ffi_lib = (ffi, lib)
    return _ffi_lib


def _refuse(*args):
    return -1


class FastIo:
    """What ``write()`` and ``read_into()`` call: each returns the bytes
    moved, or -1 for "take the checked path"."""

    __slots__ = ('write', 'read_into')

    def __init__(self, write=_refuse, read_into=_refuse):
        self.write = write
        self.read_into = read_into


_SLOW = FastIo()


def _byte_write(ffi, lib, cp):
    from_buffer, c_write = ffi.from_buffer, lib.rb_ring_write

    def write(data):
        try:
            buf = from_buffer(data)
        except Exception:
            return -1
        n = len(buf)
        return c_write(cp, buf, n) if n else 0
    return write


def _byte_read_into(ffi, lib, cp):
    from_buffer, c_read = ffi.from_buffer, lib.rb_ring_read
    c_available = lib.rb_ring_read_available

    def read_into(buffer):
        try:
            buf = from_buffer(buffer, require_writable=True)
        except Exception:
            return -1
        # Only what is there: the ring counts a short read of its realtime
        # calls as an underrun, and none of Python's reads.
        n = min(len(buf), c_available(cp))
        return c_read(cp, buf, n) if n else 0
    return read_into


def _frames_buffer(facts, kinds, obj, writable):
    """(memoryview, frames) of ``obj`` if it is a C-contiguous buffer of
    whole frames of the ring's sample type, else None."""
    try:
        m = memoryview(obj)
    except TypeError:
        return None
    key = (m.format, m.itemsize, m.shape[-1] if m.ndim > 1 else 0)
    if key not in kinds:
        try:
            check_buffer_kind(facts, m, '')
        except (TypeError, ValueError):
            return None
        if len(kinds) < 64:
            kinds.add(key)
    fsize = facts.frame_size
    if not m.c_contiguous or m.nbytes % fsize or (writable and m.readonly):
        return None
    return m, m.nbytes // fsize


def _frames_write(ffi, lib, cp, facts):
    from_buffer, c_write = ffi.from_buffer, lib.rb_ring_write_frames
    fsize, kinds = facts.frame_size, set()

    def write(data):
        got = _frames_buffer(facts, kinds, data, False)
        if got is None:
            return -1
        if not got[1]:
            return 0
        return fsize * c_write(cp, from_buffer(got[0]), got[1])
    return write


def _frames_read_into(ffi, lib, cp, facts):
    from_buffer, c_read = ffi.from_buffer, lib.rb_ring_read_frames
    c_available = lib.rb_ring_read_frames_available
    fsize, kinds = facts.frame_size, set()

    def read_into(buffer):
        got = _frames_buffer(facts, kinds, buffer, True)
        if got is None:
            return -1
        n = min(got[1], c_available(cp))
        if not n:
            return 0
        return fsize * c_read(cp, from_buffer(got[0], require_writable=True),
                              n)
    return read_into


def bind(ring, producer, consumer):
    """The FastIo for ``ring`` now.  ``producer`` / ``consumer``: whether
    write() / read_into() may take the fast path at all (the role, a byte
    or audio ring, not records, not items).  Cached by the caller unless
    it is the always-refusing one."""
    got = _ffi()
    if got is None or ring._rb_closed:
        # (a byte ring: RB_SAMPLE_FORMAT_NONE, format 0, any buffer goes)
        return _SLOW
    ffi, lib = got
    cp = ffi.cast('RbRing *', ring._rb_pointer)
    facts = ring._rb_facts
    io = FastIo()
    if producer and ring._rb_write_view is None:
        io.write = (_byte_write(ffi, lib, cp) if facts.format == 0
                    else _frames_write(ffi, lib, cp, facts))
    if consumer and ring._rb_read_view is None:
        io.read_into = (_byte_read_into(ffi, lib, cp) if facts.format == 0
                        else _frames_read_into(ffi, lib, cp, facts))
    return io
