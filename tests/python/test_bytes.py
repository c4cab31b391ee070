# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Copying calls: write() from any buffer, read(), read_into(), peek(),
skip(), write_many(), counters and roles."""

import array
import ctypes
import io
import mmap
import random

import numpy as np
import pytest

from gi.repository import RingBridge

Role = RingBridge.RingRole


def pattern(n, seed=1):
    return random.Random(seed).randbytes(n)


BUFFER_MAKERS = {
    'bytes': bytes,
    'bytearray': bytearray,
    'memoryview': memoryview,
    'readonly-memoryview': lambda b: memoryview(b).toreadonly(),
    'memoryview-slice': lambda b: memoryview(b'..' + b + b'..')[2:-2],
    'array-B': lambda b: array.array('B', b),
    'array-h': lambda b: array.array('h', b),
    'numpy-u1': lambda b: np.frombuffer(b, np.uint8),
    'numpy-readonly-i4': lambda b: np.frombuffer(b, np.int32),
    'numpy-2d': lambda b: np.frombuffer(b, np.uint8).reshape(4, -1),
    'ctypes': lambda b: (ctypes.c_char * len(b)).from_buffer_copy(b),
}


@pytest.mark.parametrize('kind', sorted(BUFFER_MAKERS))
def test_write_any_buffer_round_trip(ring, kind):
    data = pattern(1000, seed=len(kind))
    assert ring.write(BUFFER_MAKERS[kind](data)) == 1000
    assert ring.read_available() == 1000
    assert ring.read(1000) == data
    assert ring.read_available() == 0


def test_write_mmap(ring):
    m = mmap.mmap(-1, 4096)
    m.write(pattern(4096))
    assert ring.write(m) == 4096
    assert ring.read(4096) == pattern(4096)
    m.close()


def test_write_empty(ring):
    assert ring.write(b'') == 0
    assert ring.write(np.zeros(0, np.float64)) == 0
    assert ring.read(10) == b''


def test_partial_write_counts_an_overrun(ring):
    data = pattern(5000)
    assert ring.write(data) == 4096
    assert ring.get_overruns() == 1
    assert ring.write(b'x') == 0
    assert ring.read(5000) == data[:4096]


def test_read_is_short_and_returns_bytes(ring):
    ring.write(b'hello')
    out = ring.read(100)
    assert out == b'hello' and type(out) is bytes
    assert ring.read(100) == b''
    assert ring.read(0) == b''


def test_read_into_targets(ring):
    data = pattern(64)
    for target in (bytearray(64), memoryview(bytearray(64)),
                   np.zeros(64, np.uint8), array.array('B', bytes(64)),
                   (ctypes.c_ubyte * 64)()):
        ring.write(data)
        assert ring.read_into(target) == 64
        assert bytes(target) == data


def test_read_into_partial_and_offset(ring):
    ring.write(b'abc')
    buf = bytearray(b'.........')
    assert ring.read_into(memoryview(buf)[2:]) == 3
    assert buf == b'..abc....'
    assert ring.readinto(buf) == 0
    # Python's reads take what there is: not an underrun (that is a
    # realtime read coming up short, see test_underruns.py).
    assert ring.get_underruns() == 0


def test_peek_and_skip(ring):
    ring.write(b'0123456789')
    assert ring.peek(4) == b'0123'
    assert ring.peek(100) == b'0123456789'
    assert ring.skip(3) == 3
    assert ring.read(2) == b'34'
    assert ring.skip(100) == 5
    assert ring.peek(1) == b''


def test_wrap_around_many_times(ring):
    rnd = random.Random(5)
    written = bytearray()
    read = bytearray()
    for _ in range(400):
        chunk = rnd.randbytes(rnd.randrange(1, 3000))
        n = ring.write(chunk)
        written += chunk[:n]
        if rnd.random() < 0.5:
            read += ring.read(rnd.randrange(1, 4096))
        else:
            buf = bytearray(rnd.randrange(1, 4096))
            read += buf[:ring.read_into(buf)]
    read += ring.read(4096)
    assert read == written
    assert ring.get_write_position() == len(written) > 10 * ring.capacity


def test_positions_and_state(ring):
    assert (ring.get_write_position(), ring.get_read_position()) == (0, 0)
    ring.write(b'x' * 1024)
    assert ring.get_fill_level() == pytest.approx(0.25)
    assert ring.write_available() == 3072
    ring.read(24)
    assert ring.get_read_position() == 24
    assert ring.get_oldest_position() == 24
    ring.set_end_of_stream()
    assert not ring.is_end_of_stream()
    ring.read(1000)
    assert ring.is_end_of_stream()
    ring.reset()
    assert not ring.is_end_of_stream()
    assert ring.get_read_position() == ring.get_write_position() == 1024


def test_write_many_all_or_nothing(ring):
    parts = [b'head', bytearray(b'-body-'), memoryview(b'tail'),
             np.arange(3, dtype=np.uint8)]
    assert ring.write_many(parts) == 17
    assert ring.read(100) == b'head-body-tail\x00\x01\x02'
    ring.write(b'x' * 4090)
    assert ring.write_many([b'abc', b'defg']) == 0      # 7 > 6 free
    assert ring.read_available() == 4090
    assert ring.write_many([b'abc', b'def']) == 6
    assert ring.write_many([]) == 0
    ring.skip(4090)
    assert ring.read(6) == b'abcdef'


def test_write_many_one_commit(ring):
    # The consumer sees nothing, then everything.
    seen = []
    parts = [b'a' * 10, b'b' * 10]
    gen = iter(parts)

    class Spy:
        def __iter__(self):
            for p in gen:
                seen.append(ring.read_available())
                yield p
    ring.write_many(Spy())
    assert seen == [0, 0]
    assert ring.read_available() == 20


def test_write_many_too_big_for_the_ring(ring):
    with pytest.raises(ValueError):
        ring.write_many([b'x' * 3000, b'y' * 2000])
    assert ring.read_available() == 0


def test_write_many_bad_part_writes_nothing(ring):
    with pytest.raises(TypeError):
        ring.write_many([b'abc', 'not bytes'])
    assert ring.read_available() == 0


def test_write_many_overwrite_ring(oring):
    oring.write(b'z' * 4000)
    assert oring.write_many([b'abc', b'defg']) == 7
    status, data = oring.read_at(4000, 7)
    assert (status, data) == (RingBridge.RangeStatus.AVAILABLE, b'abcdefg')


def test_read_with_timeout_waits_for_data(ring):
    assert ring.read(10, timeout=0.01) == b''
    ring.write(b'abc')
    assert ring.read(10, timeout=0.01) == b'abc'


def test_read_timeout_argument_checks(ring):
    with pytest.raises(ValueError):
        ring.read(1, timeout=float('nan'))
    with pytest.raises(TypeError):
        ring.read(1, timeout=True)


def test_wait_results(ring):
    W = RingBridge.WaitResult
    assert ring.wait_readable(1, 0) == W.TIMEOUT
    assert ring.wait_writable(4096, 0) == W.READY
    ring.write(b'ab')
    assert ring.wait_readable(2, 0) == W.READY
    assert ring.wait_position(2, 0) == W.READY
    assert ring.wait_position(5, 0) == W.TIMEOUT
    ring.interrupt()
    assert ring.wait_position(5, -1) == W.INTERRUPTED
    assert ring.wait_readable(3, -1) == W.INTERRUPTED
    assert ring.wait_readable(2, -1) == W.READY
    ring.clear_interrupt()
    ring.set_end_of_stream()
    assert ring.wait_readable(3, -1) == W.END_OF_STREAM
    assert ring.wait_position(5, -1) == W.END_OF_STREAM


def test_producer_only_object_refuses_consumer_calls(ring_name):
    producer = RingBridge.Ring.create(ring_name, 4096, role=Role.PRODUCER)
    consumer = RingBridge.Ring.open(ring_name, Role.CONSUMER)
    assert producer.write(b'abc') == 3
    for call in (lambda: producer.read(1), lambda: producer.read_into(
            bytearray(1)), lambda: producer.peek(1), lambda: producer.skip(1),
            lambda: producer.read_view(), lambda: producer.reset(),
            lambda: producer.wait_readable(1, 0)):
        with pytest.raises(io.UnsupportedOperation):
            call()
    for call in (lambda: consumer.write(b'x'), lambda: consumer.write_view(),
                 lambda: consumer.write_many([b'x']),
                 lambda: consumer.wait_writable(1, 0),
                 lambda: consumer.set_clock_point(0, 0)):
        with pytest.raises(io.UnsupportedOperation):
            call()
    assert consumer.read(10) == b'abc'


def test_clock_point(ring):
    assert ring.get_clock_point()[0] is False
    ring.set_clock_point(4096, 123456789, 512)
    ok, position, ns, frames = ring.get_clock_point()
    assert (ok, position, ns, frames) == (True, 4096, 123456789, 512)


def test_lock_memory(ring):
    assert ring.lock_memory()


def test_fd_and_name(ring, ring_name):
    assert ring.get_fd() >= 0
    assert ring.get_name() is None
    named = RingBridge.Ring.create(ring_name, 4096)
    assert named.get_name() == ring_name
    assert named.get_peer_state() in (RingBridge.PeerState.ALIVE,
                                      RingBridge.PeerState.NONE)
