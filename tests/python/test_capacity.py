# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Exact capacity (issue #15) from Python: a ring holds exactly what it was
made for (bytes, frames, a records ring's bytes) in every constructor, its
storage is a power of two behind it, and POWER_OF_TWO keeps the rounding
of rings before 0.2. tests/lib/test-capacity.c walks every size."""

import numpy as np
import pytest

from gi.repository import RingBridge

from conftest import unique_name, unlink_quietly

R = RingBridge.Ring
Flags = RingBridge.RingFlags


def storage_for(nbytes):
    s = 4096
    while s < nbytes:
        s <<= 1
    return s


@pytest.mark.parametrize('cap', [1, 2, 3, 7, 100, 1000, 4095, 4096, 4097,
                                 5000])
def test_bytes_exact(cap):
    ring = R.new(cap)
    assert ring.capacity == ring.get_capacity() == ring.props.capacity == cap
    assert ring.storage_size == storage_for(cap)
    data = bytes(range(256)) * (cap // 256 + 2)
    # exactly full from several starting offsets, the seam included
    for start in (0, 1, cap // 2, ring.storage_size - 1):
        ring.reset()
        skip = ring.write(data[:start % (cap + 1)])
        ring.skip(skip)
        assert ring.write(data[:cap + 1]) == cap
        assert ring.write_available() == 0
        assert ring.write(b'x') == 0
        assert ring.read_available() == cap
        assert ring.read(cap + 1) == data[:cap]


def test_small_sizes_every_fill():
    for cap in range(1, 300):
        ring = R.new(cap)
        for fill in (0, cap // 3, cap - 1, cap):
            ring.reset()
            assert ring.write(b'a' * fill) == fill
            assert ring.write_available() == cap - fill
            assert ring.write(b'b' * (cap + 5)) == cap - fill
            assert ring.read(2 * cap) == b'a' * fill + b'b' * (cap - fill)


def test_audio_exact():
    ring = R.new_audio('F32LE', 2, 48000, 100)
    assert ring.get_capacity_frames() == 100
    assert ring.capacity == 800
    assert ring.storage_size == 4096
    frames = np.arange(202, dtype=np.float32).reshape(101, 2)
    assert ring.write(frames) == 800
    assert ring.write_frames_available() == 0
    got = ring.read_frames(200)
    assert got.shape == (100, 2)
    assert np.array_equal(got, frames[:100])


def test_properties_capacity_exact_and_whole_frames():
    r = R(capacity=4000, sample_format='S16LE', channels=2, rate=48000)
    assert r.capacity == 4000 and r.get_capacity_frames() == 1000
    with pytest.raises(RingBridge.RingArgumentError,
                       match='not a whole number of 4-byte frames'):
        R(capacity=4002, sample_format='S16LE', channels=2, rate=48000)


def test_power_of_two_flag():
    ring = R.new_full(7, Flags.POWER_OF_TWO | Flags.OVERWRITE)
    assert ring.capacity == ring.storage_size == 4096
    # a flag of construction only
    assert ring.get_flags() == Flags.OVERWRITE
    audio = R.new_audio('S16LE', 3, 48000, 100, Flags.POWER_OF_TWO)
    assert audio.get_capacity_frames() == 682


def test_overwrite_window_exact():
    ring = R.new_full(100, Flags.OVERWRITE)
    data = bytes(i % 251 for i in range(1000))
    assert ring.write(data) == 1000
    assert ring.get_oldest_position() == 900
    assert ring.read_at(900, 200) == (RingBridge.RangeStatus.AVAILABLE,
                                      data[900:])
    assert ring.check_range(899, 1) == RingBridge.RangeStatus.OVERWRITTEN
    assert ring.read(1000) == data[900:]
    assert ring.get_overwritten() == 900


def test_records_exact():
    ring = R.new_full(100, Flags.RECORDS)
    assert ring.capacity == 100
    assert ring.get_max_record_size() == 40
    with pytest.raises(RingBridge.RingArgumentError,
                       match='too small for a records ring'):
        R.new_full(55, Flags.RECORDS)


def test_errors():
    with pytest.raises(RingBridge.RingArgumentError, match='capacity 0'):
        R.new(0)
    with pytest.raises(RingBridge.RingArgumentError, match='2147483649'):
        R.new(2 ** 31 + 1)


def test_shared_exact():
    name = unique_name('capacity')
    prod = R.create(name, 1000, Flags.NONE, RingBridge.RingRole.PRODUCER,
                    0o600)
    try:
        cons = R.open(name, RingBridge.RingRole.CONSUMER)
        assert cons.capacity == 1000 and cons.storage_size == 4096
        assert prod.write(b'z' * 1001) == 1000
        assert cons.read(2000) == b'z' * 1000
        snap = cons.get_status()
        assert (snap.capacity, snap.storage_size) == (1000, 4096)
        named = RingBridge.RingStatus.read_named(name)
        assert (named.capacity, named.storage_size) == (1000, 4096)
        cons.close()
        audio_name = unique_name('capacity-audio')
        audio = R.create_audio(audio_name, 'S24LE', 2, 48000, 333)
        assert audio.get_capacity_frames() == 333
        audio.close()
        unlink_quietly(audio_name)
    finally:
        prod.close()
        unlink_quietly(name)
