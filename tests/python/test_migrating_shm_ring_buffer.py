# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Migrating from ``shm-ring-buffer`` (seed 003: BytesShmRingBuffer and
NumpyShmRingBuffer over shared memory, one side ``create=True``, the other
``create=False``; zero-copy reads that are ``release()``d; single producer,
single reader): its documented workflow rewritten against ringbridge, as
docs/migrating.md shows it.

Tests named ``*_needs_<branch>`` use API another branch of issue #15 adds:
they fail until it is merged."""

import numpy as np
import pytest

from gi.repository import GLib, RingBridge

from conftest import assert_ring_error, python

Ring = RingBridge.Ring
Role = RingBridge.RingRole


# --- BytesShmRingBuffer ------------------------------------------------------

def test_bytes_zero_copy_workflow(ring_name):
    # producer = BytesShmRingBuffer(name, size, create=True)
    producer = Ring.create(ring_name, 4096, role=Role.PRODUCER)
    # consumer = BytesShmRingBuffer(name, size, create=False)
    consumer = Ring.open(ring_name, Role.CONSUMER)
    producer.write(b'first message')
    free_before = producer.write_available()
    # Read: a view of the current data, no copy
    view = consumer.read_view()
    # Process: use it (or copy it to keep it)
    assert bytes(view.memoryview) == b'first message'
    assert view.readonly
    # until the release the slot is still the reader's
    assert producer.write_available() == free_before
    # Release: the producer may overwrite it now
    view.release()
    assert producer.write_available() == free_before + 13
    with pytest.raises(ValueError):
        view.memoryview                       # a released view is dead
    # "Always call .close()"
    consumer.close()
    producer.close()


def test_bytes_with_block(ring_name):
    with Ring.create(ring_name, 4096, role=Role.PRODUCER) as producer, \
            Ring.open(ring_name, Role.CONSUMER) as consumer:
        producer.write(b'abc')
        with consumer.read_view() as view:    # released on leaving
            assert bytes(view.memoryview) == b'abc'
        assert consumer.read_available() == 0


def test_single_producer_single_reader_is_enforced(ring_name):
    # the seed warns: one writer, one reader.  ringbridge refuses a second
    producer = Ring.create(ring_name, 4096, role=Role.PRODUCER)
    consumer = Ring.open(ring_name, Role.CONSUMER)
    with pytest.raises(GLib.Error) as e:
        Ring.open(ring_name, Role.CONSUMER)
    assert_ring_error(e, RingBridge.RingError.BUSY)
    with pytest.raises(GLib.Error) as e:
        Ring.open(ring_name, Role.PRODUCER)
    assert_ring_error(e, RingBridge.RingError.BUSY)
    consumer.close()
    producer.close()


# --- NumpyShmRingBuffer ------------------------------------------------------

def test_numpy_arrays_through_zero_copy_views(ring_name):
    # slots of a fixed shape and dtype: the application's item size, over
    # a byte ring; the reader's array is a view of the shared memory
    dtype, shape = np.dtype('float64'), (4, 3)
    item = dtype.itemsize * int(np.prod(shape))
    producer = Ring.create(ring_name, 16 * item, role=Role.PRODUCER)
    consumer = Ring.open(ring_name, Role.CONSUMER)
    sent = [np.full(shape, k, dtype) + np.arange(12).reshape(shape)
            for k in range(3)]
    for a in sent:
        assert producer.write(a) == item
    for a in sent:
        with consumer.read_view(item) as view:
            got = np.frombuffer(view.memoryview, dtype).reshape(shape)
            assert np.array_equal(got, a)
            assert not got.flags.owndata      # no copy
    producer.close()
    consumer.close()


def test_numpy_items_needs_items(ring_name):
    # NumpyShmRingBuffer: the dtype and shape live in the ring, so the
    # other side needs no arguments
    # (the creator's object holds both roles; the second object takes one)
    producer = Ring.create_items(ring_name, np.float64, 16, shape=(4, 3))
    assert producer.capacity_items >= 16 and producer.item_shape == (4, 3)
    other = Ring.open(ring_name, Role.CONSUMER)
    assert other.dtype == np.float64 and other.item_shape == (4, 3)
    a = np.arange(24, dtype=np.float64).reshape(2, 4, 3)
    producer.write(a)
    assert len(other) == 2
    got = other.read_items(2)
    assert got.shape == (2, 4, 3) and np.array_equal(got, a)
    assert producer.is_lock_free()
    other.close()
    producer.close()


def test_structured_items_needs_items():
    dt = np.dtype([('t', '<u8'), ('x', '<f4'), ('flag', 'u1')])
    ring = Ring.new_items(dt, 8)
    rec = np.array([(1, 0.5, 1), (2, 1.5, 0)], dtype=dt)
    ring.write(rec)
    got = ring.read_items(2)
    assert got.dtype == dt and got.tolist() == rec.tolist()


# --- multiprocessing ---------------------------------------------------------

def test_another_process_reads(ring_name):
    producer = Ring.create(ring_name, 4096, role=Role.PRODUCER)
    a = np.arange(12, dtype=np.float64)
    producer.write(a)
    producer.set_end_of_stream()
    out = python(['-c', '''
import sys
import numpy as np
import gi
gi.require_version('RingBridge', '1.0')
from gi.repository import RingBridge
ring = RingBridge.Ring.open(sys.argv[1], RingBridge.RingRole.CONSUMER)
with ring.read_view() as view:
    print(np.frombuffer(view.memoryview, np.float64).sum())
ring.close()
''', ring_name]).stdout
    assert float(out) == a.sum()
    assert producer.write_available() == producer.capacity
    producer.close()
