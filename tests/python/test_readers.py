# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""RingReader (issue #14): ring.reader() with a policy and a gap journal."""

import numpy as np
import pytest

from gi.repository import GLib, RingBridge

Cause = RingBridge.GapCause
OVERWRITE = RingBridge.RingFlags.OVERWRITE


def pattern(start, n):
    """Bytes whose value is a function of their absolute position."""
    return bytes((p * 7 + (p >> 8)) % 256 for p in range(start, start + n))


def walk(reader, chunks):
    """Checks what the reader delivered against the pattern, gap by gap;
    returns (delivered, gap bytes excluding underruns)."""
    pos, delivered, lost = chunks[0][0], 0, 0
    for start, data, gaps in chunks:
        assert start == pos
        idx = 0
        for g in gaps:
            if g.cause == Cause.UNDERRUN:
                continue
            k = g.position - pos
            assert data[idx:idx + k] == pattern(pos, k)
            idx += k
            pos = g.position + g.length
            lost += g.length
        assert data[idx:] == pattern(pos, len(data) - idx)
        pos += len(data) - idx
        delivered += len(data)
    assert pos == reader.position
    return delivered, lost


def read_chunk(reader, n):
    start = reader.position
    data = reader.read(n)
    return start, data, reader.gaps()


def test_catch_up_is_exact(oring):
    reader = oring.reader('catch-up')
    assert reader.policy == RingBridge.ReaderPolicy.CATCH_UP
    chunks = []
    written = 0
    for size in (100, 5000, 300, 9000, 10, 4096, 4097):
        oring.write(pattern(written, size))
        written += size
        chunks.append(read_chunk(reader, 1000))
    while True:
        chunk = read_chunk(reader, 4096)
        chunks.append(chunk)
        if not chunk[1]:
            break
    delivered, lost = walk(reader, chunks)
    assert delivered + lost == written
    assert lost == reader.gap_totals[Cause.OVERWRITTEN] > 0


def test_latest_jumps(oring):
    reader = oring.reader('latest', target_latency=512)
    assert reader.target_latency == 512
    oring.write(pattern(0, 3000))
    assert reader.available == 512
    assert reader.read(4096) == pattern(2488, 512)
    assert reader.gaps() == [(0, 2488, Cause.SKIP)]
    assert reader.gaps() == []          # taken
    assert reader.gap_totals[Cause.SKIP] == 2488


def test_lossless_is_the_consumer(oring):
    reader = oring.reader('lossless')
    oring.write(pattern(0, 5000))
    assert reader.read(10) == pattern(5000 - 4096, 10)
    assert reader.gaps() == [(0, 5000 - 4096, Cause.OVERWRITTEN)]
    assert reader.position == oring.get_read_position() == 5000 - 4096 + 10


def test_read_into_and_frames():
    ring = RingBridge.Ring.new_audio(np.int16, 2, 48000, 1024,
                                     flags=OVERWRITE)
    reader = ring.reader('latest', target_latency=4 * 100)
    frames = np.arange(2 * 3000, dtype=np.int16).reshape(3000, 2)
    ring.write(frames)
    got = reader.read_frames(1000)
    assert got.shape == (100, 2) and got.dtype == np.int16
    assert (got == frames[-100:]).all()
    [gap] = reader.gaps()
    assert gap == (0, 4 * 2900, Cause.SKIP)
    ring.write(frames[:10])
    buf = np.zeros((20, 2), dtype=np.int16)
    assert reader.read_into(buf) == 40
    assert (buf[:10] == frames[:10]).all()
    with pytest.raises(TypeError, match='S16LE samples'):
        reader.read_into(np.zeros(4, dtype=np.float32))
    ring.close()


def test_underrun_and_merge(oring):
    reader = oring.reader()
    for i in range(100):
        reader.mark_underrun(i + 1)
    assert reader.gaps_merged == 100 - RingBridge.RING_READER_JOURNAL_SIZE
    gaps = reader.gaps()
    assert len(gaps) == RingBridge.RING_READER_JOURNAL_SIZE
    assert sum(g.length for g in gaps) == 5050 == \
        reader.gap_totals[Cause.UNDERRUN]
    assert all(g.cause == Cause.UNDERRUN and g.position == 0 for g in gaps)


def test_getters_move_nothing(oring):
    reader = oring.reader('catch-up')
    oring.write(pattern(0, 10000))
    for _ in range(5):
        assert reader.available == 4096 == len(reader)
        assert reader.position == 0
        assert reader.gap_totals[Cause.OVERWRITTEN] == 0
    assert reader.gaps() == []
    reader.read(1)
    assert reader.gaps() == [(0, 10000 - 4096, Cause.OVERWRITTEN)]


def test_many_readers_side_by_side(oring):
    readers = [oring.reader('catch-up') for _ in range(3)]
    oring.write(pattern(0, 1000))
    for r in readers:
        assert r.read(2000) == pattern(0, 1000)
    assert oring.read_available() == 1000       # the consumer untouched


@pytest.mark.parametrize('args, code, words', [
    (('catch-up',), 'INVALID_ROLE', 'needs an overwrite ring'),
    (('latest', 64), 'INVALID_ROLE', 'needs an overwrite ring'),
])
def test_policy_on_a_plain_ring(ring, args, code, words):
    with pytest.raises(RingBridge.RingArgumentError) as e:
        ring.reader(*args)
    assert isinstance(e.value, ValueError)
    assert e.value.code == int(getattr(RingBridge.RingError, code))
    assert words in e.value.message


@pytest.mark.parametrize('args, words', [
    (('latest', 8192), "at most the ring's"),
    (('latest', 0), 'at least one'),
    (('catch-up', 10), 'only the latest policy'),
])
def test_bad_target_latency(oring, args, words):
    with pytest.raises(RingBridge.RingArgumentError) as e:
        oring.reader(*args)
    assert e.value.code == int(RingBridge.RingError.INVALID_CAPACITY)
    assert words in e.value.message


def test_bad_arguments(oring):
    with pytest.raises(ValueError, match='policy must be one of'):
        oring.reader('newest')
    with pytest.raises(ValueError, match='must not be negative'):
        oring.reader('latest', -1)
    with pytest.raises(TypeError):
        oring.reader('latest', 1.5)
    reader = oring.reader()
    with pytest.raises(ValueError):
        reader.read(-1)
    with pytest.raises(TypeError):
        reader.read_into(12)


def test_closed(oring):
    reader = oring.reader()
    with reader:
        assert reader.read(10) == b''
        assert repr(reader) == '<RingReader catch-up, position 0>'
    assert repr(reader) == '<RingReader closed>'
    with pytest.raises(RingBridge.RingClosedError, match='reader is closed'):
        reader.read(10)
    other = oring.reader()
    oring.close()
    with pytest.raises(RingBridge.RingClosedError):
        other.gaps()
    with pytest.raises(RingBridge.RingClosedError):
        oring.reader()


def test_named_readers_are_counted(ring_name):
    owner = RingBridge.Ring.create(ring_name, 4096, OVERWRITE,
                                   RingBridge.RingRole.PRODUCER, 0o600)
    taps = [RingBridge.Ring.open(ring_name, RingBridge.RingRole.READER)
            for _ in range(2)]
    assert owner.get_status().readers == 2
    reader = taps[0].reader('latest', target_latency=1024)
    owner.write(pattern(0, 2000))
    assert reader.read(4096) == pattern(976, 1024)
    taps[1].close()
    assert owner.get_status().readers == 1
    with pytest.raises(RingBridge.RingArgumentError, match='consumer role'):
        taps[0].reader('lossless')
    taps[0].close()
    owner.close()
