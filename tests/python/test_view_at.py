# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Zero-copy views at absolute positions: ring.view_at(), AtView,
RingLappedError (issue #15)."""

import io

import numpy as np
import pytest

from gi.repository import RingBridge

S = RingBridge.RangeStatus
Role = RingBridge.RingRole
OVERWRITE = RingBridge.RingFlags.OVERWRITE
RingLappedError = RingBridge.RingLappedError


def counting(start, n):
    """Bytes whose value is their absolute position mod 251."""
    return bytes((start + i) % 251 for i in range(n))


def test_view_across_the_seam_is_one_memoryview(oring):
    cap = oring.get_capacity()
    oring.write(counting(0, cap - 100))
    oring.write(counting(cap - 100, 300))
    with oring.view_at(cap - 200, 300) as v:
        assert isinstance(v, RingBridge.AtView)
        assert (v.position, v.nbytes, v.frames) == (cap - 200, 300, 300)
        mv = v.memoryview
        assert mv.readonly and mv.contiguous and mv.nbytes == 300
        assert bytes(mv) == counting(cap - 200, 300)
        assert not v.lapped
    assert v.released
    with pytest.raises(ValueError):
        v.memoryview


def test_views_are_read_only_unless_asked(oring):
    oring.write(counting(0, 100))
    v = oring.view_at(0, 10)
    assert v.readonly
    with pytest.raises(TypeError):
        v.memoryview[0] = 1
    with pytest.raises(ValueError):
        v.array[0] = 1
    v.check()
    v.release()


def test_writable_view_is_the_ring_memory(oring):
    # seed 002's wprotect=False: the same memory, writable
    oring.write(counting(0, 100))
    with oring.view_at(10, 5, writable=True) as v:
        assert not v.readonly
        v.memoryview[:] = b'HELLO'
        v.array[0] = ord('J')
    assert oring.read_at(8, 9) == (S.AVAILABLE, counting(8, 2) + b'JELLO'
                                   + counting(15, 2))


def test_no_copy_the_view_sees_the_producer(oring):
    cap = oring.get_capacity()
    oring.write(counting(0, cap))
    v = oring.view_at(0, 16)
    a = v.array
    assert bytes(a) == counting(0, 16)
    oring.write(b'\xee' * 8)       # overwrites positions 0..7 in place
    assert bytes(a[:8]) == b'\xee' * 8
    assert v.lapped
    with pytest.raises(RingLappedError):
        v.check()
    v.release()


def test_positions_old_future_and_partial(oring):
    cap = oring.get_capacity()
    oring.write(counting(0, 3 * cap + 50))
    oldest = oring.get_oldest_position()
    w = oring.get_write_position()
    with oring.view_at(oldest, 10) as v:
        assert bytes(v.memoryview) == counting(oldest, 10)
    with pytest.raises(RingLappedError) as ei:
        oring.view_at(oldest - 1, 10)
    assert (ei.value.position, ei.value.oldest) == (oldest - 1, oldest)
    assert isinstance(ei.value, RuntimeError)
    # not yet written: an empty view, good
    with oring.view_at(w, 10) as v:
        assert v.nbytes == 0 and bytes(v.memoryview) == b''
    with oring.view_at(w + 1000, 10) as v:
        assert v.nbytes == 0
    # partly written: the written part
    with oring.view_at(w - 4, 10) as v:
        assert bytes(v.memoryview) == counting(w - 4, 4)
    # longer than the ring: the ring
    with oring.view_at(oldest, 1 << 62) as v:
        assert v.nbytes == w - oldest == cap


def test_lapped_while_held_raises_at_the_end_of_the_block(oring):
    cap = oring.get_capacity()
    oring.write(counting(0, cap))
    with pytest.raises(RingLappedError) as ei:
        with oring.view_at(100, 50) as v:
            data = bytes(v.memoryview)
            oring.write(counting(cap, 101))     # laps position 100
    assert data == counting(100, 50)
    assert (ei.value.position, ei.value.nbytes) == (100, 50)
    assert ei.value.oldest == oring.get_oldest_position() == 101
    assert v.released


def test_exactly_at_the_edge_is_not_lapped(oring):
    cap = oring.get_capacity()
    oring.write(counting(0, cap))
    with oring.view_at(100, 50) as v:
        oring.write(counting(cap, 100))         # oldest is now 100
        assert bytes(v.memoryview) == counting(100, 50)
    oring.write(counting(cap + 100, 1))
    assert v.lapped


def test_a_check_in_the_block_is_the_verdict(oring):
    cap = oring.get_capacity()
    oring.write(counting(0, cap))
    # checked after the reading: the block's end does not check again
    with oring.view_at(0, 8) as v:
        data = bytes(v.memoryview)
        v.check()
        oring.write(b'x' * 8)
    assert data == counting(0, 8)
    # a lap caught in the block: handled, not raised again
    with oring.view_at(8, 8) as v:
        v.memoryview
        oring.write(b'x' * 8)
        with pytest.raises(RingLappedError):
            v.check()
    # data taken after the check: checked again at the end
    with pytest.raises(RingLappedError):
        with oring.view_at(16, 8) as v:
            v.check()
            v.array
            oring.write(b'x' * 8)
    # lapped seen through the property: the reader was told
    with oring.view_at(24, 8) as v:
        v.memoryview
        oring.write(b'x' * 8)
        assert v.lapped


def test_the_block_s_own_exception_wins(oring):
    cap = oring.get_capacity()
    oring.write(counting(0, cap))
    with pytest.raises(KeyError):
        with oring.view_at(0, 8) as v:
            v.memoryview
            oring.write(b'x' * 8)
            raise KeyError('mine')
    assert v.released


def test_release_then_check(oring):
    oring.write(counting(0, 100))
    v = oring.view_at(0, 8)
    data = bytes(v.memoryview)
    v.release()
    v.check()
    assert data == counting(0, 8)


def test_bad_arguments(oring):
    oring.write(counting(0, 100))
    for pos in (-1, 1 << 64):
        with pytest.raises(ValueError):
            oring.view_at(pos, 1)
    with pytest.raises(ValueError):
        oring.view_at(0, -1)
    with pytest.raises(TypeError):
        oring.view_at(0.5, 1)
    with pytest.raises(TypeError):
        oring.view_at(0, True)


def test_audio_position_must_be_on_a_frame():
    r = RingBridge.Ring.new_audio('S16LE', 2, 48000, 100, OVERWRITE)
    r.write(np.zeros((10, 2), np.int16))
    with pytest.raises(ValueError, match='frame boundary'):
        r.view_at(2, 4)
    # the copying calls too: a clear error, not C's critical (which
    # G_DEBUG=fatal-criticals, as these tests run, would make fatal)
    with pytest.raises(ValueError, match='position 2 is not on a frame'):
        r.read_at(2, 4)
    with pytest.raises(ValueError, match='position 6 is not on a frame'):
        r.read_at_into(6, bytearray(4))
    assert r.read_at(4, 4) == (RingBridge.RangeStatus.AVAILABLE, bytes(4))
    with r.view_at(4, 7) as v:                  # whole frames only
        assert v.nbytes == 4 and v.frames == 1 and v.frame == 1
    r.close()


def test_seed_002_get_data_by_absolute_sample(ring_name):
    # ringbuffer.RingBuffer: a 2-D (frames x channels) shared ring, read by
    # absolute sample positions as views: get_data(start, end) and
    # check_availablility(start, end).
    channels, frames = 3, 1000
    writer = RingBridge.Ring.create_audio(ring_name, 'F32LE', channels, 48000,
                                          frames, OVERWRITE,
                                          role=Role.PRODUCER)
    reader = RingBridge.Ring.open(ring_name, Role.READER)
    total = 3 * reader.get_capacity() // reader.frame_size + 17
    data = np.arange(total * channels, dtype=np.float32).reshape(-1, channels)
    for chunk in np.array_split(data, 7):       # put_data
        writer.write(chunk)
    fs = reader.frame_size
    written = reader.get_write_position() // fs     # nSamplesWritten
    assert written == total

    def check_availability(start, end):
        return reader.check_range(start * fs, (end - start) * fs)

    start, end = written - 100, written - 10
    assert check_availability(start, end) == S.AVAILABLE
    with reader.view_frames_at(start, end - start) as v:   # get_data
        block = v.array
        assert block.shape == (90, channels) and block.dtype == np.float32
        assert not block.flags.writeable
        np.testing.assert_array_equal(block, data[start:end])
        assert np.shares_memory(block, v.memoryview)
    # across the end of the mirrored storage (frames straddle it: 12-byte
    # frames in a power-of-two storage): still one 2-D view
    storage = getattr(reader, 'get_storage_size', reader.get_capacity)()
    seam = (written * fs // storage) * storage // fs
    assert (seam - 5) * fs < (written * fs // storage) * storage
    with reader.view_frames_at(seam - 5, 10) as v:
        np.testing.assert_array_equal(v.array, data[seam - 5:seam + 5])
    # the oldest sample still held, and the one before it
    oldest = reader.get_oldest_position() // fs
    assert check_availability(oldest - 1, oldest + 1) == S.OVERWRITTEN
    with pytest.raises(RingLappedError):
        reader.view_frames_at(oldest - 1, 2)
    assert check_availability(written, written + 1) == S.NOT_YET_WRITTEN
    # a view the writer laps while the reader holds it
    v = reader.view_frames_at(oldest, 4)
    first = v.array.copy()
    writer.write(np.full((4, channels), -1, np.float32))
    # lapped: those samples left the ring's window. Their bytes may still
    # read as before (the storage is larger than the exact capacity, so
    # the writer's next bytes land elsewhere): only the check can tell
    assert v.lapped
    assert first.shape == (4, channels)
    with pytest.raises(RingLappedError):
        v.check()
    v.release()
    writer.close()
    reader.close()


def test_plain_ring_consumer(ring):
    ring.write(counting(0, 100))
    with ring.view_at(10, 20) as v:
        assert bytes(v.memoryview) == counting(10, 20)
    v = ring.view_at(10, 20)
    v.memoryview
    ring.skip(11)                   # the consumer released the view's start
    assert v.lapped
    v.release()
    with pytest.raises(RingLappedError):
        ring.view_at(10, 1)


def test_plain_ring_producer_is_refused(ring_name):
    producer = RingBridge.Ring.create(ring_name, 4096, role=Role.PRODUCER)
    producer.write(b'abc')
    with pytest.raises(io.UnsupportedOperation):
        producer.view_at(0, 3)
    producer.close()


def test_records_ring_is_refused():
    r = RingBridge.Ring.new_full(4096, RingBridge.RingFlags.RECORDS)
    with pytest.raises(io.UnsupportedOperation):
        r.view_at(0, 1)
    r.close()


def test_closed(oring):
    oring.write(counting(0, 100))
    v = oring.view_at(0, 8)
    bytes(v.memoryview)
    oring.close()
    with pytest.raises(RingBridge.RingClosedError):
        oring.view_at(0, 8)
    # a held view cannot be vouched for any more
    with pytest.raises(RingBridge.RingClosedError):
        v.check()
    v.release()


def test_views_while_a_writer_thread_laps_them():
    # A lapped view is never silently good: every view the reader takes
    # either reads exactly the stream at its position or raises; views
    # held until the writer has overwritten their start always raise.
    import threading
    import time
    oring = RingBridge.Ring.new_full(1 << 20, OVERWRITE)
    cap = oring.get_capacity()
    pattern = counting(0, 251 + 4096)
    stop = threading.Event()

    def writer():
        pos = 0
        while not stop.is_set():
            n = 1 + (pos * 7919) % 4096
            oring.write(pattern[pos % 251:pos % 251 + n])
            pos += n

    t = threading.Thread(target=writer)
    t.start()
    good = gone = lapped_fast = lapped_held = 0
    # a bound for a stalled writer, not a measure: the counts end the loop
    deadline = time.monotonic() + 120
    try:
        while ((good < 200 or lapped_held < 20)
               and time.monotonic() < deadline):
            hold = (good + gone + lapped_held) % 4 == 0
            pos = oring.get_oldest_position() + (0 if hold else cap // 2)
            try:
                with oring.view_at(pos, 256) as v:
                    data = bytes(v.memoryview)
                    if hold:            # until the view's start is gone
                        while oring.get_oldest_position() <= pos:
                            time.sleep(0)
            except RingLappedError as e:
                assert e.position == pos
                if 'while it was held' not in str(e):
                    gone += 1           # overwritten before it was taken
                elif hold:
                    lapped_held += 1
                else:
                    lapped_fast += 1
                continue
            assert not hold, 'a view held past a lap checked good'
            assert data == counting(pos, len(data))
            good += 1
    finally:
        stop.set()
        t.join()
        oring.close()
    assert good >= 200 and lapped_held >= 20, (good, lapped_held, gone,
                                               lapped_fast)
