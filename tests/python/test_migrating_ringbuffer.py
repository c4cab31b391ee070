# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Migrating from ``ringbuffer`` (seed 002: a two-dimensional ring of
samples in shared memory, read by absolute sample positions, with views
that do not copy): its documented API rewritten against ringbridge, as
docs/migrating.md shows it.  An overwrite ring is that buffer: one writer
that never waits, readers at absolute positions.

Tests named ``*_needs_<branch>`` use API another branch of issue #15 adds:
they fail until it is merged."""

import numpy as np
import pytest

from gi.repository import RingBridge

from conftest import python

Ring = RingBridge.Ring
Role = RingBridge.RingRole
Range = RingBridge.RangeStatus
OVERWRITE = RingBridge.RingFlags.OVERWRITE

# check_availablility()'s return codes
AVAILABLE, OVERWRITTEN, NOT_YET = 0, 2, 3
STATUS = {Range.AVAILABLE: AVAILABLE, Range.OVERWRITTEN: OVERWRITTEN,
          Range.NOT_YET_WRITTEN: NOT_YET}


def samples(first, n, channels=2):
    """Sample i of channel c is i + c / 10: every value says where it is."""
    i = np.arange(first, first + n, dtype=np.float32)[:, None]
    return i + np.arange(channels, dtype=np.float32) / 10


# the seed's methods, one line each on ringbridge (what a port would write)

def check_availablility(ring, sample_start, sample_end):
    fs = ring.frame_size
    return STATUS[ring.check_range(sample_start * fs,
                                   (sample_end - sample_start) * fs)]


def get_data(ring, sample_start, sample_end):
    status, data = ring.read_frames_at(sample_start, sample_end - sample_start)
    if status != Range.AVAILABLE or len(data) < sample_end - sample_start:
        raise BufferError(STATUS[status] if status != Range.AVAILABLE
                          else NOT_YET)
    return data


def n_samples_written(ring):
    return ring.get_write_position() // ring.frame_size


# --- initialize() and the attributes ----------------------------------------

def test_initialize_and_attributes():
    # buf.initialize(nChannels=2, nSamples=1000, nptype='float32')
    ring = Ring.new_audio('F32LE', 2, 48000, 1000, flags=OVERWRITE)
    assert ring.channels == 2                       # nChannels
    assert ring.dtype == np.float32                 # nptype
    assert ring.get_capacity_frames() >= 1000       # bufSize
    assert n_samples_written(ring) == 0             # nSamplesWritten
    # nptype='int16'
    assert Ring.new_audio('S16LE', 2, 48000, 1000,
                          flags=OVERWRITE).dtype == np.int16
    # datatypes.get_code / get_type: the sample formats
    assert RingBridge.sample_format_from_dtype('float32') == \
        RingBridge.SampleFormat.F32LE
    assert RingBridge.sample_format_to_dtype(
        RingBridge.SampleFormat.S16LE) == np.int16


def test_initialize_needs_capacity():
    ring = Ring.new_audio('F32LE', 2, 48000, 1000, flags=OVERWRITE)
    assert ring.get_capacity_frames() == 1000       # bufSize, exactly
    ring.write(samples(0, 1234))
    # the window is exactly the last 1000 samples; writePtr as the seed's
    assert ring.get_oldest_position() // ring.frame_size == 234
    assert n_samples_written(ring) % ring.get_capacity_frames() == 234


# --- put_data(), check_availablility(), get_data() ---------------------------

def test_put_data_and_get_data():
    ring = Ring.new_audio('F32LE', 2, 48000, 1000, flags=OVERWRITE)
    cap = ring.get_capacity_frames()
    # buf.put_data(data): a properly shaped array, samples x channels
    for first in range(0, 3 * cap, 300):
        ring.write(samples(first, 300))
    written = n_samples_written(ring)
    assert written == (3 * cap + 299) // 300 * 300
    # a window that straddles the wrap comes back whole
    start = written - cap // 2 - 17
    assert np.array_equal(get_data(ring, start, start + 100),
                          samples(start, 100))
    assert check_availablility(ring, start, start + 100) == AVAILABLE
    assert check_availablility(ring, 0, 10) == OVERWRITTEN
    assert check_availablility(ring, written, written + 10) == NOT_YET
    # "If the data is not available, rises an exception"
    with pytest.raises(BufferError):
        get_data(ring, 0, 10)
    with pytest.raises(BufferError):
        get_data(ring, written - 5, written + 5)


def test_put_data_refuses_a_badly_shaped_array():
    ring = Ring.new_audio('F32LE', 2, 48000, 1000, flags=OVERWRITE)
    with pytest.raises(ValueError, match='2 channels'):
        ring.write(np.zeros((10, 3), np.float32))
    with pytest.raises(TypeError):
        ring.write(np.zeros((10, 2), np.int16))


def test_get_data_needs_views():
    # get_data() returns a view without a copy, read-only unless
    # wprotect=False; the pocket is not needed: every window is contiguous
    ring = Ring.new_audio('F32LE', 2, 48000, 1000, flags=OVERWRITE)
    cap = ring.get_capacity_frames()
    fs = ring.frame_size
    ring.write(samples(0, cap + 500))
    start = cap - 50                               # across the seam
    with ring.view_at(start * fs, 100 * fs) as view:
        assert np.array_equal(view.array, samples(start, 100))
        with pytest.raises(ValueError):
            view.array[0, 0] = 0                   # wprotect=True
        view.check()
    with ring.view_at(start * fs, 100 * fs, writable=True) as view:
        view.array[0, 0] = -1                      # wprotect=False
    # the writer laps a view that is held: the view says so
    view = ring.view_at((cap + 400) * fs, 50 * fs)
    ring.write(samples(cap + 500, cap))
    assert view.lapped
    with pytest.raises(RingBridge.RingLappedError):
        view.check()


def test_following_the_writer_needs_readers():
    # a reader that keeps its own position (where the seed's user kept
    # sampleStart) and says what it missed when the writer lapped it
    ring = Ring.new_audio('F32LE', 2, 48000, 1000, flags=OVERWRITE)
    fs, cap = ring.frame_size, ring.get_capacity_frames()
    reader = ring.reader(policy='catch-up')
    ring.write(samples(0, 100))
    assert reader.available == 100 * fs
    assert np.array_equal(reader.read_frames(100), samples(0, 100))
    assert reader.position == 100 * fs and reader.gaps() == []
    ring.write(samples(100, 3 * cap))              # laps the reader
    got = reader.read_frames(cap)
    (gap,) = reader.gaps()
    assert gap.position == 100 * fs and gap.length > 0
    resume = (gap.position + gap.length) // fs
    assert np.array_equal(got, samples(resume, len(got)))


# --- shared between processes: initialize_from_raw() -------------------------

def test_shared_in_this_process(ring_name):
    # one object creates and writes, a second one attaches as a reader (the
    # seed's initialize_from_raw(raw) on the other side)
    writer = Ring.create_audio(ring_name, 'F32LE', 2, 48000, 1000,
                               flags=OVERWRITE, role=Role.PRODUCER)
    reader = Ring.open(ring_name, Role.READER)
    assert (reader.channels, reader.dtype) == (2, np.float32)
    writer.write(samples(0, 400))
    assert np.array_equal(get_data(reader, 100, 400), samples(100, 300))
    reader.close()
    writer.close()


def test_shared_with_another_process(ring_name):
    writer = Ring.create_audio(ring_name, 'F32LE', 2, 48000, 1000,
                               flags=OVERWRITE, role=Role.PRODUCER)
    writer.write(samples(0, 400))
    out = python(['-c', '''
import sys
import gi
gi.require_version('RingBridge', '1.0')
from gi.repository import RingBridge
ring = RingBridge.Ring.open(sys.argv[1], RingBridge.RingRole.READER)
status, data = ring.read_frames_at(100, 300)
print(status.value_nick, data.shape, float(data.sum()))
''', ring_name]).stdout.split(None, 1)
    want = samples(100, 300)
    assert out[0] == 'available'
    assert out[1].startswith(str(want.shape))
    assert float(out[1].split(')')[1]) == pytest.approx(float(want.sum()))
    writer.close()
