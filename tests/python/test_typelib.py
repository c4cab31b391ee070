# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Everything public in the C headers is reachable from Python."""

import os
import re

import gi
from gi.repository import GLib, RingBridge

from conftest import SOURCE_ROOT

LIB = os.path.join(SOURCE_ROOT, 'lib', 'ringbridge')

# (skip) functions and what Python uses instead.  A new (skip) function
# fails test_skipped_functions_have_counterparts until it is listed here
# with its counterpart.
SKIPPED = {
    'rb_ring_write_acquire': ('write_view',),
    'rb_ring_read_acquire': ('read_view',),
    'rb_ring_write_frames': ('write_frames',),
    'rb_ring_read_frames': ('read_frames',),
    'rb_ring_read_frames_at': ('read_frames_at',),
    'rb_ring_write_deinterleaved': ('write_float',),
    'rb_ring_read_deinterleaved': ('read_float',),
    'rb_ring_write_record_acquire': ('write_record',),
    'rb_ring_read_record_acquire': ('read_record_bytes', 'read_record'),
    'rb_ring_write_items': ('write',),
    'rb_ring_read_items': ('read_items',),
    # (out caller-allocates) arrays PyGObject cannot size: the overrides
    # replace them, the typelib offers GBytes twins
    'rb_ring_read': ('read', 'read_bytes'),
    'rb_ring_peek': ('peek', 'peek_bytes'),
    'rb_ring_read_at': ('read_at', 'read_at_bytes'),
    'rb_ring_read_record': ('read_record', 'read_record_bytes'),
    # RingReader's read/read_into/read_frames, from Ring.reader()
    'rb_ring_reader_read': ('reader',),
    'rb_ring_reader_read_frames': ('reader',),
    # a pointer into the ring's memory: the override wraps it in an AtView
    'rb_ring_view_at': ('view_at', 'view_frames_at'),
}

# Functions PyGObject cannot call safely ((out caller-allocates) arrays
# whose length is an input): the overrides must replace them.
REPLACED = ('read', 'peek', 'read_at', 'read_record')


def header(name):
    with open(os.path.join(LIB, name), encoding='utf-8') as f:
        return f.read()


def declared_functions():
    names = set()
    for h in ('rb-ring.h', 'rb-ring-status.h', 'rb-types.h', 'rb-timing.h',
              'rb-ring-items.h',
              'rb-reader.h',
              'rb-ring-view.h',
              'rb-ring-watch.h'):
        text = header(h)
        names.update(re.findall(r'\b(rb_[a-z0-9_]+)\s*\(', text))
        # a boxed struct's copy and free, declared by rb-types.h's macro
        for prefix in re.findall(
                r'^RB_DECLARE_PLAIN_BOXED \(\w+, (rb_[a-z0-9_]+), \w+\);',
                text, re.M):
            names.update({prefix + '_copy', prefix + '_free'})
    # GType getters are not functions in the GIR but the types' get-type
    # attributes: test_gtypes covers them.
    return {n for n in names if not n.endswith('_get_type')}


def introspected_symbols():
    repo = gi.Repository.get_default()
    symbols = {}
    for info in repo.get_infos('RingBridge'):
        if isinstance(info, gi._gi.FunctionInfo):
            symbols[info.get_symbol()] = info
        for getter in ('get_methods',):
            for m in getattr(info, getter, lambda: [])():
                symbols[m.get_symbol()] = m
    return symbols


def skip_annotated():
    found = set()
    for name in sorted(os.listdir(LIB)):
        if name.startswith('rb-') and name.endswith('.c'):
            with open(os.path.join(LIB, name), encoding='utf-8') as f:
                found |= set(re.findall(r'^ \* (rb_[a-z0-9_]+): \(skip\)',
                                        f.read(), re.M))
    return found


def test_every_declared_function_is_introspected_or_skipped():
    declared = declared_functions()
    symbols = introspected_symbols()
    assert len(declared) > 60
    missing = declared - set(symbols) - skip_annotated()
    assert not missing, 'neither introspectable nor (skip): %s' % missing
    # and nothing introspected that the headers do not declare
    assert not set(symbols) - declared - {'rb_ring_error_quark'}


def test_skipped_functions_have_counterparts():
    skipped = skip_annotated()
    assert skipped == set(SKIPPED), (skipped ^ set(SKIPPED))
    symbols = introspected_symbols()
    for sym in skipped:
        assert sym not in symbols
        for counterpart in SKIPPED[sym]:
            assert callable(getattr(RingBridge.Ring, counterpart)), counterpart


def test_unsafe_array_functions_are_replaced():
    for name in REPLACED:
        assert name in RingBridge.Ring.__dict__
        assert RingBridge.Ring.__dict__[name].__wrapped__.__module__ == \
            'gi.overrides.RingBridge'


def test_every_introspected_method_checks_for_close():
    for info in RingBridge.Ring.__info__.get_methods():
        if info.is_method() and info.get_name() != 'close':
            method = getattr(RingBridge.Ring, info.get_name())
            assert hasattr(method, '__wrapped__'), info.get_name()


def parse_enums():
    """{'SampleFormat': [('U8', 1), ...], ...} from rb-types.h."""
    enums = {}
    for body, name in re.findall(r'typedef enum[^{]*\{(.*?)\}\s*(Rb\w+);',
                                 header('rb-types.h'), re.S):
        members = re.findall(r'\b(RB_[A-Z0-9_]+)\s*(?:=\s*([^,\n]+))?,', body)
        prefix = os.path.commonprefix([m for m, _ in members])
        prefix = prefix[:prefix.rindex('_') + 1]
        value = 0
        out = []
        for member, expr in members:
            if expr:
                m = re.fullmatch(r'\s*(\d+)\s*<<\s*(\d+)\s*', expr)
                value = int(m[1]) << int(m[2]) if m else int(expr, 0)
            out.append((member[len(prefix):], value))
            value += 1
        enums[name[2:]] = out
    return enums


def test_every_enum_member_is_reachable_with_its_value():
    enums = parse_enums()
    assert set(enums) >= {'SampleFormat', 'RingFlags', 'RangeStatus',
                          'RingError', 'RingRole', 'RingOpenFlags',
                          'WaitResult', 'PeerState', 'RecordType'}
    for name, members in enums.items():
        py = getattr(RingBridge, name)
        for member, value in members:
            assert int(getattr(py, member)) == value, (name, member)


def test_gtypes():
    assert RingBridge.Ring.__gtype__.name == 'RbRing'
    assert RingBridge.RecordInfo.__gtype__.name == 'RbRecordInfo'
    assert RingBridge.SampleFormat.__gtype__.name == 'RbSampleFormat'
    assert RingBridge.RingFlags.__gtype__.name == 'RbRingFlags'


def test_error_domain():
    quark = RingBridge.ring_error_quark()
    assert GLib.quark_to_string(quark) == 'rb-ring-error-quark'
    assert RingBridge.RingError.quark() == quark


def test_constants():
    assert RingBridge.RING_NAME_MAX == 200
    assert RingBridge.RING_MAX_CAPACITY == 1 << 31
    assert RingBridge.RING_MAX_CHANNELS == 64
    assert RingBridge.RING_MAX_RATE == 1536000
    assert RingBridge.VERSION_STRING == '%d.%d.%d' % (
        RingBridge.MAJOR_VERSION, RingBridge.MINOR_VERSION,
        RingBridge.MICRO_VERSION)


def test_sample_format_helpers():
    sizes = {'U8': 1, 'S16LE': 2, 'S24LE': 3, 'S24_32LE': 4, 'S32LE': 4,
             'F32LE': 4, 'F64LE': 8}
    for name, size in sizes.items():
        fmt = getattr(RingBridge.SampleFormat, name)
        assert RingBridge.sample_format_get_size(fmt) == size
        assert RingBridge.sample_format_to_string(fmt) == name
        assert RingBridge.sample_format_from_string(name.lower()) == fmt
    assert RingBridge.sample_format_get_size(RingBridge.SampleFormat.NONE) == 1
    assert RingBridge.sample_format_from_string('bogus') == \
        RingBridge.SampleFormat.NONE


def test_record_info():
    info = RingBridge.RecordInfo.init(RingBridge.RecordType.CAPS, 12)
    assert (info.type, info.size, info.flags) == (RingBridge.RecordType.CAPS,
                                                  12, 0)
    assert info.pts == info.dts == info.duration == RingBridge.RECORD_NONE
    assert RingBridge.RECORD_NONE == -1
    assert (info.offset, info.offset_end) == (0, 0)
    info.pts = 7
    assert info.copy().pts == 7


def test_properties():
    r = RingBridge.Ring.new_audio('S16LE', 2, 44100, 1000)
    assert r.props.capacity == r.get_capacity() == 4000
    assert r.get_storage_size() == 4096
    assert r.props.sample_format == RingBridge.SampleFormat.S16LE
    assert r.props.channels == 2
    assert r.props.rate == 44100
    assert r.props.frame_size == 4
    assert r.props.flags == RingBridge.RingFlags.NONE


def test_construct_with_properties():
    r = RingBridge.Ring(capacity=5000, sample_format='F32LE', channels=1,
                        rate=8000)
    assert r.capacity == 5000
    assert r.storage_size == 8192
    assert r.sample_format == RingBridge.SampleFormat.F32LE
    assert r.get_capacity_frames() == 1250
