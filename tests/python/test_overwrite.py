# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Overwrite rings: read_at(), the availability check, readers."""

import io
import threading

import numpy as np
import pytest

from gi.repository import RingBridge

S = RingBridge.RangeStatus
Role = RingBridge.RingRole
OVERWRITE = RingBridge.RingFlags.OVERWRITE


def counting(start, n):
    """Bytes whose value is their absolute position mod 251."""
    return bytes((start + i) % 251 for i in range(n))


def test_read_at_mirrors_the_c_api(oring):
    assert oring.overwrite
    oring.write(counting(0, 10000))
    oldest = oring.get_oldest_position()
    assert oldest == 10000 - 4096
    assert oring.read_at(0, 10) == (S.OVERWRITTEN, b'')
    assert oring.read_at(oldest, 10) == (S.AVAILABLE, counting(oldest, 10))
    assert oring.read_at(9990, 100) == (S.AVAILABLE, counting(9990, 10))
    assert oring.read_at(10000, 5) == (S.NOT_YET_WRITTEN, b'')
    status, data = oring.read_at(oldest, 4096)
    assert status == S.AVAILABLE and data == counting(oldest, 4096)


def test_check_range_and_available_at(oring):
    oring.write(counting(0, 6000))
    assert oring.check_range(6000 - 4096, 4096) == S.AVAILABLE
    assert oring.check_range(6000 - 4097, 10) == S.OVERWRITTEN
    assert oring.check_range(5990, 11) == S.NOT_YET_WRITTEN
    assert oring.available_at(5000) == (S.AVAILABLE, 1000)
    assert oring.available_at(6000) == (S.NOT_YET_WRITTEN, 0)
    assert oring.available_at(100) == (S.OVERWRITTEN, 0)


def test_read_at_into(oring):
    oring.write(counting(0, 300))
    buf = bytearray(50)
    assert oring.read_at_into(100, buf) == (S.AVAILABLE, 50)
    assert bytes(buf) == counting(100, 50)
    assert oring.read_at_into(300, memoryview(buf)[:1]) == \
        (S.NOT_YET_WRITTEN, 0)
    assert oring.read_at_into(0, bytearray(0))[1] == 0


def test_read_at_n_zero(oring):
    status, data = oring.read_at(0, 0)
    assert data == b''


def test_consumer_read_skips_what_was_overwritten(oring):
    oring.write(counting(0, 9000))
    data = oring.read(100000)
    assert data == counting(9000 - 4096, 4096)
    assert oring.get_overwritten() == 9000 - 4096


def test_read_view_reports_a_lapping_producer(oring):
    oring.write(b'a' * 100)
    view = oring.read_view()
    assert view.readonly
    oring.write(b'b' * 5000)               # laps the region
    assert view.release() is False
    assert view.intact is False
    oring.write(b'c' * 10)
    with oring.read_view() as view:
        pass
    assert view.intact is True


def test_plain_ring_read_at_is_for_its_consumer(ring_name):
    producer = RingBridge.Ring.create(ring_name, 4096, role=Role.PRODUCER)
    producer.write(b'abcdef')
    with pytest.raises(io.UnsupportedOperation):
        producer.read_at(0, 3)
    consumer = RingBridge.Ring.open(ring_name, Role.CONSUMER)
    assert consumer.read_at(2, 3) == (S.AVAILABLE, b'cde')
    assert consumer.read(2) == b'ab'
    assert consumer.read_at(0, 3) == (S.OVERWRITTEN, b'')


def test_readers_of_a_named_ring(ring_name):
    producer = RingBridge.Ring.create(ring_name, 4096, OVERWRITE,
                                      Role.PRODUCER)
    readers = [RingBridge.Ring.open(ring_name, Role.READER) for _ in range(3)]
    producer.write(counting(0, 5000))
    for r in readers:
        assert r.role == Role.READER
        assert r.read_at(4000, 1000) == (S.AVAILABLE, counting(4000, 1000))
        with pytest.raises(io.UnsupportedOperation):
            r.read(1)                      # readers do not consume
        with pytest.raises(io.UnsupportedOperation):
            r.write(b'x')


def test_overwrite_audio_read_frames_at():
    r = RingBridge.Ring.new_audio('S32LE', 2, 48000, 1024, OVERWRITE)
    frames = np.arange(6000, dtype='<i4').repeat(2).reshape(-1, 2)
    assert r.write(frames) == 6000 * 8
    oldest = r.get_oldest_position() // r.frame_size
    status, got = r.read_frames_at(oldest, 10)
    assert status == S.AVAILABLE
    assert got.tolist() == frames[oldest:oldest + 10].tolist()
    assert r.read_frames_at(0, 10)[0] == S.OVERWRITTEN
    status, got = r.read_frames_at(6000, 1)
    assert status == S.NOT_YET_WRITTEN and got.shape == (0, 2)
    # a consumer read that skips lands on a frame boundary
    back = r.read_frames(100000)
    assert back[0, 0] == back[0, 1] and back[-1, 0] == 5999


def test_readers_follow_a_writer_in_threads(oring):
    # Several readers, each with its own position, never see torn data.
    total = 200000
    done = threading.Event()
    errors = []
    results = []

    def reader():
        pos = 0
        got = 0
        while True:
            status, data = oring.read_at(pos, 1500)
            if status == S.OVERWRITTEN:
                pos = oring.get_oldest_position()
                continue
            if status == S.NOT_YET_WRITTEN:
                if done.is_set() and pos >= oring.get_write_position():
                    break
                oring.wait_position(pos + 1, 100000)
                continue
            if data != counting(pos, len(data)):
                errors.append(pos)
                break
            pos += len(data)
            got += len(data)
        results.append(got)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    pos = 0
    while pos < total:
        n = min(700, total - pos)
        oring.write(counting(pos, n))
        pos += n
    done.set()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 4 and all(0 < g <= total for g in results)
