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
through CFFI function pointers into the very library the typelib
loaded.

A closure hands whatever is unusual (not a buffer, not contiguous,
read-only, misaligned frames, a sample type not seen before that does
not match, a timeout) to the checked path, which raises the error it
always raised: the fast path only ever moves bytes the checked path
would have moved in the same way.

RingBridge.py puts the closures in the ring object's own __dict__
(``write``, ``read_into``, ``readinto``), so that ``ring.write(a)`` calls
the closure with no method of the class in between; it takes them out
(``Ring._rb_drop_io()``) when a view is taken and on close, and the class
methods bind again at the next call.  Without CFFI's C core
(python3-cffi-backend) every call takes the checked path.
"""

import ctypes
import weakref

try:
    # CFFI's C core (python3-cffi-backend): from_buffer() and calls through
    # function pointers, without the cdef parser (pycparser), which would
    # cost about 0.1 s at the first call.
    import _cffi_backend
except ImportError:
    _cffi_backend = None

from gi.module import get_introspection_module

from .cabi import _lib, _read_region, _write_region
from .errors import RingClosedError
from .formats import check_buffer_kind

# The calls the fast path makes: the ring as void *, the buffers as char *
# (what from_buffer() hands out).
_SIGNATURES = {
    'rb_ring_write': 'size_t(*)(void *, char *, size_t)',
    'rb_ring_read': 'size_t(*)(void *, char *, size_t)',
    'rb_ring_write_frames': 'size_t(*)(void *, char *, size_t)',
    'rb_ring_read_frames': 'size_t(*)(void *, char *, size_t)',
    'rb_ring_read_available': 'size_t(*)(void *)',
    'rb_ring_read_frames_available': 'size_t(*)(void *)',
    # the regions of the views: the address as an integer (a pointer and
    # a uintptr_t come back in the same register on every Linux ABI)
    'rb_ring_write_acquire': 'uintptr_t(*)(void *, size_t *)',
    'rb_ring_read_acquire': 'uintptr_t(*)(void *, size_t *)',
    'rb_ring_write_commit': 'void(*)(void *, size_t)',
    'rb_ring_read_release': 'int(*)(void *, size_t)',
}
_ffi_lib = None

RingBridge = get_introspection_module('RingBridge')


class _Lib:
    """The calls of _SIGNATURES as attributes."""


def _ffi():
    """(ffi, lib): CFFI function pointers to the functions of the library
    the typelib loaded (their addresses from cabi's ctypes handle on that
    very instance), made on first use; None without CFFI."""
    global _ffi_lib
    if _ffi_lib is None and _cffi_backend is not None:
        ffi, lib = _cffi_backend.FFI(), _Lib()
        for name, signature in _SIGNATURES.items():
            address = ctypes.cast(getattr(_lib, name), ctypes.c_void_p).value
            setattr(lib, name, ffi.cast(ffi.typeof(signature), address))
        _ffi_lib = (ffi, lib)
    return _ffi_lib


def _checked_path(ref, name):
    """A call of the checked method ``name`` (RingBridge.py's
    ``_rb_write_checked`` / ``_rb_read_into_checked``) of the ring ``ref``
    (a weak reference) refers to.  The closures live in the ring's own
    __dict__, so they hold it by a weak reference: a strong one would make
    a cycle and keep the ring until the cyclic garbage collector runs."""
    def call(*args):
        ring = ref()
        if ring is None:
            # a closure kept past its ring (w = ring.write; del ring)
            raise RingClosedError('the ring object this %s() was taken '
                                  'from is gone' % name[4:-8])
        return getattr(ring, name)(*args)
    return call


class FastIo:
    """``write(data)`` and ``read_into(buffer, timeout=0)`` of one ring
    object: each the fast closure, or the checked path itself where the
    fast one may not be used (the other side's method).  ``live[0]``:
    whether the closures may still take their fast path; a closure may be
    held past its drop from the ring's __dict__ (``w = ring.write``, then
    a view, close, or the ring's end), so each reads it at every call."""

    __slots__ = ('write', 'read_into', 'live')

    def __init__(self, write, read_into, live):
        self.write = write
        self.read_into = read_into
        self.live = live

    def drop(self):
        """Sends every later call of the closures, wherever they are held,
        to the checked path."""
        self.live[0] = False


def _byte_write(ffi, lib, cp, live, ref, slow, missing):
    from_buffer, c_write = ffi.from_buffer, lib.rb_ring_write

    def write(data=missing):
        ring = ref()        # held for the call: see bind()
        if ring is None or not live[0]:
            return slow(data)
        try:
            buf = from_buffer(data)
        except Exception:
            return slow(data)
        n = len(buf)
        return c_write(cp, buf, n) if n else 0
    return write


def _byte_read_into(ffi, lib, cp, live, ref, slow, missing):
    from_buffer, c_read = ffi.from_buffer, lib.rb_ring_read
    c_available, char_array = lib.rb_ring_read_available, ffi.typeof('char[]')

    def read_into(buffer=missing, timeout=0):
        ring = ref()        # held for the call: see bind()
        if timeout.__class__ is not int or timeout or ring is None or \
                not live[0]:
            return slow(buffer, timeout)
        try:
            buf = from_buffer(char_array, buffer, True)     # writable
        except Exception:
            return slow(buffer, timeout)
        # Only what is there: the ring counts a short read of its realtime
        # calls as an underrun, and none of Python's reads.
        n = c_available(cp)
        if n > len(buf):
            n = len(buf)
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


def _frames_write(ffi, lib, cp, live, ref, slow, missing, facts):
    from_buffer, c_write = ffi.from_buffer, lib.rb_ring_write_frames
    fsize, kinds = facts.frame_size, set()

    def write(data=missing):
        ring = ref()        # held for the call: see bind()
        got = ring is not None and live[0] and \
            _frames_buffer(facts, kinds, data, False)
        if not got:
            return slow(data)
        if not got[1]:
            return 0
        return fsize * c_write(cp, from_buffer(got[0]), got[1])
    return write


def _frames_read_into(ffi, lib, cp, live, ref, slow, missing, facts):
    from_buffer, c_read = ffi.from_buffer, lib.rb_ring_read_frames
    c_available, char_array = (lib.rb_ring_read_frames_available,
                               ffi.typeof('char[]'))
    fsize, kinds = facts.frame_size, set()

    def read_into(buffer=missing, timeout=0):
        ring = ref()        # held for the call: see bind()
        got = None
        if timeout.__class__ is int and not timeout and ring is not None \
                and live[0]:
            got = _frames_buffer(facts, kinds, buffer, True)
        if got is None:
            return slow(buffer, timeout)
        n = min(got[1], c_available(cp))
        if not n:
            return 0
        return fsize * c_read(cp, from_buffer(char_array, got[0], True), n)
    return read_into


def bind(ring, producer, consumer, missing):
    """The FastIo of ``ring``, or None without CFFI.  ``producer`` /
    ``consumer``: whether write() / read_into() may take the fast path
    (the role, a byte or audio ring, not records, not items, no view
    held); ``missing``: the default of their argument (RingBridge.py's
    marker of "not given")."""
    got = _ffi()
    if got is None:
        return None
    ffi, lib = got
    cp = ffi.cast('void *', ring._rb_pointer)
    facts = ring._rb_facts
    # cp is the ring's raw pointer: the closures stop using it once dropped
    # (FastIo.drop()) or once the ring object goes (this callback). Each
    # call also holds the ring by a strong reference while it is in C
    # (CFFI lets go of the GIL there), so another thread dropping the last
    # reference cannot finalize, and unmap, the ring under it.
    live = [True]
    ref = weakref.ref(ring, lambda _: live.__setitem__(0, False))
    write = _checked_path(ref, '_rb_write_checked')
    read_into = _checked_path(ref, '_rb_read_into_checked')
    # (a byte ring: RB_SAMPLE_FORMAT_NONE, format 0, takes any buffer)
    if producer:
        write = (
            _byte_write(ffi, lib, cp, live, ref, write, missing)
            if not facts.format
            else _frames_write(ffi, lib, cp, live, ref, write, missing, facts))
    if consumer:
        read_into = (
            _byte_read_into(ffi, lib, cp, live, ref, read_into, missing)
            if not facts.format
            else _frames_read_into(ffi, lib, cp, live, ref, read_into,
                                   missing, facts))
    return FastIo(write, read_into, live)


# --- the regions the views hand out ------------------------------------------

class Regions:
    """A ring's write and read regions for its views: ``write()`` /
    ``read()`` give (address, bytes) (address 0 where C gives NULL),
    ``commit(n)`` publishes, ``release(n)`` consumes (False when an
    overwrite ring's producer overtook the region).  The checks (role,
    view held) are the caller's, before."""

    __slots__ = ('write', 'read', 'commit', 'release')


def regions(ring):
    """The Regions of ``ring``: CFFI calls, or without CFFI the ctypes and
    GI ones."""
    r = Regions()
    got = _ffi()
    if got is None:
        ref = weakref.ref(ring)     # (kept in the ring's __dict__)
        r.write = lambda: _write_region(ref())
        r.read = lambda: _read_region(ref())
        r.commit = lambda n: RingBridge.Ring.write_commit(ref(), n)
        r.release = lambda n: bool(RingBridge.Ring.read_release(ref(), n))
        return r
    ffi, lib = got
    cp = ffi.cast('void *', ring._rb_pointer)
    # one count cell per side: the producer and the consumer may be two
    # threads using one object
    wcount, rcount = ffi.new('size_t *'), ffi.new('size_t *')
    acquire_w, acquire_r = lib.rb_ring_write_acquire, lib.rb_ring_read_acquire
    commit, release = lib.rb_ring_write_commit, lib.rb_ring_read_release

    def write():
        return acquire_w(cp, wcount), wcount[0]

    def read():
        return acquire_r(cp, rcount), rcount[0]
    r.write, r.read = write, read
    r.commit = lambda n: commit(cp, n)
    r.release = lambda n: bool(release(cp, n))
    return r
