# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The ring as a C handle (issue #15): Ring.c_pointer, Ring.cffi_pointer()
and RingBridge.cffi_cdef(), whose text is checked against the C headers
and documentation here so it cannot drift."""

import ctypes
import gc
import glob
import os
import re
import weakref

import cffi
import pytest

from gi.repository import RingBridge

import cffibuild
from conftest import SOURCE_ROOT

LIB = 'libringbridge-%s.so.0' % RingBridge._version
LIBDIR = os.path.join(SOURCE_ROOT, 'lib', 'ringbridge')


# --- c_pointer ----------------------------------------------------------------

def test_c_pointer_is_the_rbring_address_ctypes_calls_take(ring):
    lib = ctypes.CDLL(LIB)
    lib.rb_ring_write.restype = ctypes.c_size_t
    lib.rb_ring_write.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                  ctypes.c_size_t]
    lib.rb_ring_get_capacity.restype = ctypes.c_size_t
    lib.rb_ring_get_capacity.argtypes = [ctypes.c_void_p]
    address = ring.c_pointer
    assert isinstance(address, int) and address != 0
    assert address == ring.c_pointer          # stable
    assert lib.rb_ring_get_capacity(address) == ring.capacity
    assert lib.rb_ring_write(address, b'from C', 6) == 6
    assert ring.read(6) == b'from C'


def test_c_pointer_of_a_closed_ring_raises(ring):
    ring.close()
    with pytest.raises(RingBridge.RingClosedError):
        ring.c_pointer
    with pytest.raises(RingBridge.RingClosedError):
        ring.cffi_pointer(cffi.FFI())


def test_c_pointer_is_read_only(ring):
    with pytest.raises(AttributeError):
        ring.c_pointer = 0


# --- cffi_pointer, ABI mode ---------------------------------------------------

@pytest.fixture(scope='module')
def abi():
    ffi = cffi.FFI()
    ffi.cdef(RingBridge.cffi_cdef())
    return ffi, ffi.dlopen(LIB)


def test_cffi_pointer_calls_the_rt_calls(abi, ring):
    ffi, lib = abi
    p = ring.cffi_pointer(ffi)
    assert ffi.typeof(p) is ffi.typeof('RbRing *')
    assert int(ffi.cast('uintptr_t', p)) == ring.c_pointer
    assert lib.rb_ring_write(p, b'abcdef', 6) == 6
    assert lib.rb_ring_read_available(p) == 6
    buf = ffi.new('uint8_t[4]')
    assert lib.rb_ring_read(p, buf, 4) == 4
    assert ffi.buffer(buf)[:] == b'abcd'
    assert ring.read(10) == b'ef'
    assert lib.rb_ring_get_capacity(p) == ring.capacity


def test_cffi_pointer_audio_and_enums(abi):
    ffi, lib = abi
    ring = RingBridge.Ring.new_audio('F32LE', 2, 48000, 256)
    p = ring.cffi_pointer(ffi)
    assert lib.rb_ring_get_sample_format(p) == lib.RB_SAMPLE_FORMAT_F32LE
    assert lib.rb_ring_get_frame_size(p) == 8
    frames = ffi.new('float[6]', [0.5, -0.5, 0.25, -0.25, 1, -1])
    assert lib.rb_ring_write_frames(p, frames, 3) == 3
    assert ring.read_frames(3).tolist() == [[0.5, -0.5], [0.25, -0.25],
                                            [1, -1]]
    ring.close()


def test_cffi_record_info_matches_the_typelib(abi):
    ffi, lib = abi
    assert ffi.sizeof('RbRecordInfo') == \
        RingBridge.RecordInfo.__info__.get_size()
    ring = RingBridge.Ring.new_full(4096, RingBridge.RingFlags.RECORDS)
    info = ffi.new('RbRecordInfo *')
    lib.rb_record_info_init(info, RingBridge.RecordType.APPLICATION, 3)
    info.pts = 42
    assert lib.rb_ring_write_record(ring.cffi_pointer(ffi), info, b'xyz', 3)
    ok, got, payload = ring.read_record()
    assert ok and payload == b'xyz' and got.pts == 42
    ring.close()


def test_cffi_pointer_keeps_the_ring_alive(abi):
    ffi, lib = abi
    ring = RingBridge.Ring.new(4096)
    gone = weakref.ref(ring)
    p = ring.cffi_pointer(ffi)
    del ring
    gc.collect()
    assert gone() is not None
    assert lib.rb_ring_write(p, b'still here', 10) == 10
    assert gone().read(10) == b'still here'
    del p
    gc.collect()
    assert gone() is None


def test_cffi_pointer_refuses_what_is_no_ffi(ring):
    with pytest.raises(TypeError, match='cffi.FFI'):
        ring.cffi_pointer(object())
    with pytest.raises(TypeError, match='cffi_cdef'):
        ring.cffi_pointer(cffi.FFI())
    # a compiled module's ffi that lacks the declarations
    other = cffibuild.build('_rb_test_no_cdef', 'int twice (int x);',
                            'int twice (int x) { return 2 * x; }',
                            packages=())
    assert other.lib.twice(21) == 42
    with pytest.raises(TypeError, match='cffi_cdef'):
        ring.cffi_pointer(other.ffi)


# --- the cdef text against the headers -----------------------------------------

GLIB_TYPES = {
    'gsize': 'size_t', 'guint8': 'uint8_t', 'guint32': 'uint32_t',
    'guint64': 'uint64_t', 'gint64': 'int64_t', 'guint': 'unsigned int',
    'gint': 'int', 'gboolean': 'int', 'gpointer': 'void *',
    'gconstpointer': 'const void *', 'gchar': 'char', 'gdouble': 'double',
}
PROTOTYPE = re.compile(r'^([A-Za-z_][\w \t*]*?)\b(rb_\w+)\s*\(([^;{}]*?)\)'
                       r'[\w \t\n]*;', re.M | re.S)


def read(path):
    with open(path) as f:
        return f.read()


def normalize(text):
    """A declaration in C types, one space between tokens."""
    text = re.sub(r'\bRB_API\b|\bG_GNUC_\w+', ' ', text)
    tokens = re.findall(r'\w+|\*|,|\(|\)', text)
    return ' '.join(GLIB_TYPES.get(t, t) for t in tokens)


def pretty(decl):
    """A normalized declaration as a line of the cdef text."""
    decl = re.sub(r'\( | (?=[,)])', lambda m: m.group(0).strip(), decl)
    return re.sub(r'\* ', '*', decl) + ';'


def prototypes(text):
    """{name: normalized declaration} of every rb_* function in ``text``."""
    return {m.group(2): normalize('%s %s (%s)' % m.group(1, 2, 3))
            for m in PROTOTYPE.finditer(text)}


def public_headers():
    umbrella = read(os.path.join(LIBDIR, 'ringbridge.h'))
    names = re.findall(r'#include <ringbridge/([\w-]+\.h)>', umbrella)
    # generated ones (rb-version.h, rb-enum-types.h) declare no RT calls
    return [os.path.join(LIBDIR, n) for n in names
            if os.path.exists(os.path.join(LIBDIR, n))]


def documented_threads():
    """{function: its "Thread:" line} from the doc comments on the
    definitions in lib/ringbridge/*.c."""
    docs = {}
    for path in glob.glob(os.path.join(LIBDIR, '*.c')):
        text = read(path)
        for m in re.finditer(r'/\*\*\n \* (rb_\w+):[^\n]*\n(.*?)\*/', text,
                             re.S):
            t = re.search(r'Thread:(.*?)(?:\n \*\s*\n|\Z)', m.group(2), re.S)
            if t:
                docs[m.group(1)] = ' '.join(t.group(1).replace('*', ' ')
                                            .split())
    return docs


def rt_safe(thread_line):
    return 'RT-safe' in thread_line and 'Not RT-safe' not in thread_line


def test_cdef_declares_every_rt_safe_call_as_the_headers_do():
    from gi.overrides._ringbridge.cpointer import CDEF_LEFT_OUT
    header = {}
    for path in public_headers():
        header.update(prototypes(read(path)))
    cdef = prototypes(RingBridge.cffi_cdef())
    threads = documented_threads()
    assert len(header) > 60 and len(cdef) > 40      # the parsers work
    rt = {name for name in header if rt_safe(threads.get(name, ''))}
    missing = rt - set(cdef) - set(CDEF_LEFT_OUT)
    assert not missing, 'RT-safe calls missing from cffi_cdef() (in ' \
        '_ringbridge/cpointer.py), add:\n%s' % '\n'.join(
            pretty(header[name]) for name in sorted(missing))
    for name, decl in cdef.items():
        assert name in header, '%s is in cffi_cdef() but in no public ' \
            'header' % name
        assert rt_safe(threads.get(name, '')), '%s is not documented ' \
            'RT-safe (Thread: %s)' % (name, threads.get(name))
        assert decl == header[name], 'cffi_cdef() says\n  %s\nthe header ' \
            'says\n  %s' % (pretty(decl), pretty(header[name]))
    assert not set(CDEF_LEFT_OUT) & set(cdef)


def test_cdef_enum_values_are_the_typelibs():
    """Each enum of the text, member by member, against the typelib's
    (RbRangeStatus is RingBridge.RangeStatus; RB_RANGE_OVERWRITTEN its
    OVERWRITTEN, the members' common prefix taken off as g-ir-scanner
    does), and all of its members."""
    enums = re.findall(r'typedef enum \{([^}]*)\} Rb(\w+);',
                       RingBridge.cffi_cdef())
    assert len(enums) >= 3
    for body, name in enums:
        values = re.findall(r'\b(RB_\w+) = (\d+)', body)
        assert len(values) == len(re.findall(r'\bRB_\w+', body)), \
            name + ': give every value'
        prefix = os.path.commonprefix([v for v, _ in values])
        prefix = prefix[:prefix.rindex('_') + 1]
        typelib = getattr(RingBridge, name)
        for member, value in values:
            assert int(getattr(typelib, member[len(prefix):])) == \
                int(value), member
        # and none is missing (a flag added in C, say)
        assert {(v.get_name().upper(), v.get_value())
                for v in typelib.__info__.get_values()} == \
            {(m[len(prefix):], int(v)) for m, v in values}, name


def test_cdef_compiles_against_the_header_in_api_mode():
    """CFFI's API mode compiles a call to every declared function and
    checks the struct's layout and the enum values against
    <ringbridge/ringbridge.h>; warnings are errors."""
    module = cffibuild.build(
        '_rb_test_cdef', RingBridge.cffi_cdef(),
        '#include <ringbridge/ringbridge.h>',
        extra_compile_args=['-Werror', '-Wno-unused-function'])
    ring = RingBridge.Ring.new(4096)
    p = ring.cffi_pointer(module.ffi)
    assert module.lib.rb_ring_write(p, b'api', 3) == 3
    assert ring.read(3) == b'api'
    assert module.lib.RB_RANGE_NOT_YET_WRITTEN == \
        int(RingBridge.RangeStatus.NOT_YET_WRITTEN)
    ring.close()
