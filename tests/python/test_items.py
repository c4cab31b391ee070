# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Item rings from NumPy dtypes (issue #15): every fixed-size dtype kind,
structured dtypes and per-item shapes, len()/is_lock_free()/item counts,
bad input, two objects of one process, and a process that attaches and
learns the dtype from the header."""

import array
import multiprocessing

import numpy as np
import pytest

from gi.repository import GLib, RingBridge

from gi.module import get_introspection_module

from conftest import unlink_quietly

Ring = RingBridge.Ring
# the C calls themselves, not the overrides' (an item ring made from C)
CRing = get_introspection_module('RingBridge').Ring
Role = RingBridge.RingRole

# Every kind NumPy has a fixed size for, the struct module's q Q H I e
# among them, and both byte orders.
DTYPES = [
    '?', 'i1', 'u1', '<i2', '>i2', '<u2', 'H', 'I', 'q', 'Q', 'e', '<f4',
    '>f8', 'g', 'F', 'D', '>c8', 'G', 'M8[ns]', 'm8[us]', 'S5', 'U3', 'V7',
    np.dtype([('t', '<f8'), ('x', '<i2', (3,)), ('ok', '?')]),
    np.dtype([('a', 'u1'), ('b', '<i4')], align=True),
    np.dtype([('nested', [('re', '<f4'), ('im', '<f4')]), ('n', '>u8')]),
]


def sample(dt, shape, n, seed=0):
    """``n`` items of ``dt`` and ``shape`` with varied bytes."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, size=n * dt.itemsize * int(np.prod(shape)),
                       dtype=np.uint8)
    a = raw.view(dt).reshape((n,) + shape)
    if dt.kind == 'b':
        a = raw.astype(bool).view(dt).reshape((n,) + shape)
    return a


def same(a, b):
    """Bytewise equality (NaN-safe for floats)."""
    return a.shape == b.shape and a.dtype == b.dtype and \
        a.tobytes() == b.tobytes()


@pytest.mark.parametrize('dtype', DTYPES, ids=str)
@pytest.mark.parametrize('shape', [None, (3,), (2, 5)])
def test_every_dtype_round_trip(dtype, shape):
    dt = np.dtype(dtype)
    ring = Ring.new_items(dt, 10, shape=shape)
    want_shape = () if shape is None else shape
    assert ring.dtype == dt
    assert ring.item_shape == want_shape
    assert ring.item_size == dt.itemsize * int(np.prod(want_shape))
    assert ring.capacity_items >= 10
    assert ring.capacity_items == ring.capacity // ring.item_size
    # a second object, which learns the items from the header alone
    with ring.share(Role.CONSUMER) as handle:
        cons = handle.open()
    assert cons.dtype == dt and cons.item_shape == want_shape
    data = sample(dt, want_shape, 7, seed=sum(str(dtype).encode()))
    assert len(ring) == 0
    assert ring.write(data) == 7 * ring.item_size
    assert len(ring) == len(cons) == 7
    got = cons.read_items(4)
    assert got.shape == (4,) + want_shape and got.dtype == dt
    assert same(got, data[:4])
    assert len(cons) == 3
    rest = cons.read_items(100)
    assert same(rest, data[4:])
    assert cons.read_items(5).shape == (0,) + want_shape


def test_one_item_and_a_subarray_dtype():
    ring = Ring.new_items(('<f4', (3,)), 4, shape=(2,))
    assert ring.dtype == np.dtype('<f4') and ring.item_shape == (3, 2)
    one = np.arange(6, dtype='<f4').reshape(3, 2)
    assert ring.write(one) == 24          # one item, without its axis
    assert same(ring.read_items(1), one[None])


def test_is_lock_free_and_len_of_other_rings():
    assert Ring.new_items('q', 4).is_lock_free() is True
    b = Ring.new(100)
    assert b.is_lock_free() is True
    assert len(b) == 0 and bool(b)       # an empty ring is still true
    b.write(b'12345')
    assert len(b) == 5
    assert b.item_size == 1 and b.item_shape == () and \
        b.capacity_items == b.capacity
    a = Ring.new_audio('S16LE', 2, 48000, 64)
    a.write(np.zeros((3, 2), dtype='<i2'))
    assert len(a) == 3 and a.item_shape == (2,) and a.item_size == 4
    assert a.capacity_items == a.capacity // 4


def test_len_from_the_producer_side(ring_name):
    prod = Ring.create(ring_name, 4096, role=Role.PRODUCER)
    try:
        cons = Ring.open(ring_name, Role.CONSUMER)
        prod.write(b'x' * 10)
        assert len(prod) == len(cons) == 10
        cons.read(4)
        assert len(prod) == 6
    finally:
        unlink_quietly(ring_name)


def test_overwrite_item_ring_keeps_whole_items():
    ring = Ring.new_items('<i8', 8, shape=(3,),
                          flags=RingBridge.RingFlags.OVERWRITE)
    total = ring.capacity_items * 2 + 5
    data = np.arange(total * 3, dtype='<i8').reshape(total, 3)
    for row in data:
        ring.write(row)
    got = ring.read_items(total)
    assert len(got) >= ring.capacity_items - 1
    assert (got == data[total - len(got):]).all()


@pytest.mark.parametrize('code,dtype', [('q', '<i8'), ('Q', '<u8'),
                                        ('H', '<u2'), ('I', '<u4'),
                                        ('e', '<f2'), ('d', '<f8')])
def test_struct_format_buffers(code, dtype):
    ring = Ring.new_items(dtype, 16)
    values = [1, 2, 3, 40]
    if code == 'e':
        # the struct module's half float, through a memoryview (array.array
        # has no 'e')
        mv = memoryview(np.array(values, dtype='<f2'))
        assert mv.format == 'e' and not isinstance(mv, np.ndarray)
        assert ring.write(mv) == 8
    else:
        assert ring.write(array.array(code, values)) == 4 * ring.item_size
        assert ring.write(memoryview(array.array(code, values))) == \
            4 * ring.item_size
    got = ring.read_items(100)
    assert list(got[:4]) == values
    # raw bytes: whole items only
    assert ring.write(np.array(values, dtype=dtype).tobytes()) == \
        4 * ring.item_size
    with pytest.raises(ValueError, match='whole number of'):
        ring.write(b'\0' * (ring.item_size + 1))


def test_struct_format_mismatch_is_refused():
    ring = Ring.new_items('<i8', 16)
    with pytest.raises(TypeError, match="dtype int64.*format 'i'"):
        ring.write(array.array('i', [1, 2]))
    with pytest.raises(TypeError, match='dtype int64'):
        ring.write(array.array('d', [1.0]))
    with pytest.raises(TypeError, match='dtype int64'):
        ring.write(array.array('Q', [1]))
    assert len(ring) == 0


def test_array_mismatch_is_refused():
    ring = Ring.new_items('<f4', 8, shape=(3,))
    with pytest.raises(TypeError, match='dtype float32, the array has '
                       'dtype float64'):
        ring.write(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r'shape \(3,\)'):
        ring.write(np.zeros((2, 4), dtype='<f4'))
    with pytest.raises(ValueError, match=r'shape \(3,\)'):
        ring.write(np.zeros(3 * 2, dtype='<f4'))
    assert len(ring) == 0
    # a non-contiguous array of the right type is copied, not refused
    wide = np.arange(12, dtype='<f4').reshape(2, 6)[:, ::2]
    assert ring.write(wide) == 24
    assert (ring.read_items(2) == wide).all()


@pytest.mark.parametrize('dtype,match', [
    (object, 'object fields'),
    ([('a', '<i4'), ('o', 'O')], 'object fields'),
    ('S0', 'no fixed size'),
    ('U', 'no fixed size'),
    ('V0', 'no fixed size'),
])
def test_non_fixed_size_dtypes_are_refused(dtype, match):
    with pytest.raises(ValueError, match=match):
        Ring.new_items(dtype, 4)


@pytest.mark.parametrize('kwargs,exc,match', [
    (dict(dtype='<f4', n_items=0), ValueError, '0 items of 4 bytes'),
    (dict(dtype='<f4', n_items=-1), ValueError, 'must not be negative'),
    (dict(dtype='<f4', n_items=1 << 40), ValueError, 'items of 4 bytes'),
    (dict(dtype='<f4', n_items=4, shape=(0,)), ValueError, 'at least 1'),
    (dict(dtype='<f4', n_items=4, shape=(2, -1)), ValueError, 'at least 1'),
    (dict(dtype='<f4', n_items=4, shape='ab'), TypeError, 'tuple of int'),
    (dict(dtype='<f4', n_items=4, shape=(True,)), TypeError, 'tuple of int'),
    (dict(dtype='<f4', n_items=4, shape=(1 << 20, 1 << 20)), ValueError,
     'more than a ring holds'),
    (dict(dtype='no such dtype', n_items=4), TypeError, 'not a NumPy dtype'),
    (dict(dtype='<f4', n_items=4, flags=RingBridge.RingFlags.RECORDS),
     ValueError, 'cannot be a records ring'),
])
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Ring.new_items(**kwargs)


def test_descriptor_too_long_for_the_header():
    fields = [('field_with_a_long_name_%04d' % i, '<f8') for i in range(200)]
    with pytest.raises(ValueError, match='more than a ring header holds'):
        Ring.new_items(fields, 2)


def test_read_into_and_views_of_an_item_ring():
    dt = np.dtype('M8[ms]')
    ring = Ring.new_items(dt, 8, shape=(2,))
    data = np.arange(10, dtype='i8').view(dt).reshape(5, 2)
    ring.write(data)
    out = np.zeros((2, 2), dtype=dt)
    assert ring.read_into(out) == 2 * ring.item_size
    assert (out == data[:2]).all()
    with pytest.raises(TypeError, match='dtype datetime64'):
        ring.read_into(np.zeros((2, 2), dtype='i8'))
    with pytest.raises(ValueError, match=r'shape \(2,\)'):
        ring.read_into(np.zeros((2, 3), dtype=dt))
    with pytest.raises(BufferError, match='not C-contiguous'):
        ring.read_into(np.zeros((4, 2), dtype=dt)[::2])
    raw = bytearray(ring.item_size + 3)       # whole items only
    assert ring.read_into(raw) == ring.item_size
    assert bytes(raw[:ring.item_size]) == data[2].tobytes()
    with ring.read_view() as view:
        assert view.array.shape == (2, 2) and view.array.dtype == dt
        assert (view.array == data[3:]).all()
    s = Ring.new_items([('a', '<u2'), ('b', '<f4')], 4)
    s.write(np.ones(3, dtype=s.dtype))
    with s.read_view() as view:
        assert view.array.shape == (3,) and view.array['a'].sum() == 3


def test_read_items_needs_an_item_ring():
    with pytest.raises(TypeError, match='needs an item ring'):
        Ring.new(64).read_items(1)


def test_a_ring_made_in_c_without_descriptor():
    ring = CRing.new_items(5, 4, None, RingBridge.RingFlags.NONE)
    assert ring.dtype == np.dtype('V5') and ring.item_shape == ()
    ring.write(b'abcdefghij')
    assert ring.read_items(2).tobytes() == b'abcdefghij'


def test_a_forged_descriptor_is_refused():
    ring = CRing.new_items(8, 4, "{'descr': '<f4', 'shape': ()}",
                                     RingBridge.RingFlags.NONE)
    with pytest.raises(GLib.Error, match="says 4-byte items, its header 8"):
        ring.dtype
    for text in ("__import__('os')", "{'descr': '|O', 'shape': ()}",
                 "{'descr': '<f8', 'shape': (0,)}", "[1, 2]"):
        r = CRing.new_items(8, 4, text, RingBridge.RingFlags.NONE)
        with pytest.raises(GLib.Error, match='not one this binding wrote'):
            r.read_items(1)


def test_same_process_by_name(ring_name):
    dt = np.dtype([('i', '<u4'), ('v', '<f4', (2,))])
    prod = Ring.create_items(ring_name, dt, 32)
    try:
        cons = Ring.open(ring_name, Role.CONSUMER)
        assert cons.dtype == dt and cons.item_shape == ()
        data = sample(dt, (), 20, seed=3)
        prod.write(data)
        assert same(cons.read_items(32), data)
        cons.close()
    finally:
        unlink_quietly(ring_name)


def test_same_process_by_fd():
    prod = Ring.new_items('<i2', 32, shape=(2,))
    with prod.share(Role.CONSUMER) as handle:
        cons = handle.open()
    assert cons.dtype == np.dtype('<i2') and cons.item_shape == (2,)
    data = np.arange(20, dtype='<i2').reshape(10, 2)
    prod.write(data)
    assert (cons.read_items(10) == data).all()
    assert len(prod) == 0


def _child_reads(handle_or_name, n, conn):
    from gi.repository import RingBridge as RB
    if isinstance(handle_or_name, str):
        ring = RB.Ring.open(handle_or_name, RB.RingRole.CONSUMER)
    else:
        ring = handle_or_name.open()
    got = ring.read_items(n, timeout=30)
    conn.send((str(ring.dtype), ring.item_shape, got.tobytes()))


@pytest.mark.parametrize('by', ['name', 'fd'])
def test_multiprocessing_attach_reads_the_header(ring_name, by):
    dt = np.dtype([('t', '<f8'), ('xyz', '>i4', (3,)), ('flag', '?')])
    spawn = multiprocessing.get_context('spawn')
    if by == 'name':
        ring = Ring.create_items(ring_name, dt, 16, shape=(2,))
        arg = ring_name
    else:
        ring = Ring.new_items(dt, 16, shape=(2,))
        arg = ring.share(Role.CONSUMER)
    try:
        data = sample(dt, (2,), 9, seed=7)
        ring.write(data)
        here, there = spawn.Pipe()
        p = spawn.Process(target=_child_reads, args=(arg, 9, there))
        p.start()
        dtype_text, shape, raw = here.recv()
        p.join(60)
        assert p.exitcode == 0
        assert dtype_text == str(dt) and shape == (2,)
        assert raw == data.tobytes()
    finally:
        if by == 'name':
            unlink_quietly(ring_name)
        else:
            arg.close()
