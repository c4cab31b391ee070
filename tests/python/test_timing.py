# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The ring's timing from Python (docs/clocks.md): the snapshot, the
position <-> time map, caller-supplied stamps, the opt-in of byte rings,
and an observer process that reads what the producer measured."""

import io
import multiprocessing
import time

import numpy as np
import pytest

from gi.repository import RingBridge

from conftest import unique_name, unlink_quietly

RATE = 48000
FRAME = 4                       # S16LE stereo
BLOCK = 256


def stamped(ring, ppm, seconds):
    """Stamps ``seconds`` of a producer at +``ppm`` and an exact consumer,
    ending now, through the caller-supplied stamps."""
    prate = RATE * (1 + ppm * 1e-6)
    block = np.zeros((BLOCK, 2), '<i2')
    t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC) - int(seconds * 1e9)
    ring.write_frames(np.zeros((1024, 2), '<i2'))
    for _ in range(int(seconds * RATE / BLOCK)):
        w = ring.get_write_position()
        r = ring.get_read_position()
        assert ring.stamp_producer(w, t0 + int((w // FRAME - 1024) / prate * 1e9))
        assert ring.stamp_consumer(r, t0 + int(r // FRAME / RATE * 1e9))
        ring.write_frames(block)
        ring.read_frames(BLOCK)
    return t0


def test_snapshot_and_map():
    ring = RingBridge.Ring.new_audio('S16LE', 2, RATE, 4096)
    t0 = stamped(ring, 100, 1.5)
    timing = ring.get_timing()
    assert isinstance(timing, RingBridge.RingTiming)
    assert timing.producer_state == RingBridge.TimingState.OK
    assert timing.consumer_state == RingBridge.TimingState.OK
    assert timing.ratio_known and timing.fill_known
    assert abs(timing.ratio_ppm - 100) < 5
    assert abs(timing.consumer_rate - RATE) < 0.5
    assert 900 < timing.fill < 1400
    assert timing.producer_age_ns >= 0

    w = ring.get_write_position()
    when = ring.position_to_time(w)
    truth = t0 + (w // FRAME - 1024) / (RATE * (1 + 100e-6)) * 1e9
    assert abs(when - truth) < 50000
    assert ring.time_to_position(when) == w
    # an hour away: unknown
    assert ring.position_to_time(w + RATE * FRAME * 4000) is None
    # the consumer's line: an exact consumer that started at t0
    later = when + 10**9
    r = ring.consumer_time_to_position(later)
    assert r % FRAME == 0
    assert abs(r // FRAME - (later - t0) * RATE / 1e9) <= 2
    assert ring.consumer_time_to_position(later + 4000 * 10**9) is None
    # the same maps with the time given (the realtime ones): the same
    # answers; a "now" before the latest stamp cannot be true
    now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    assert ring.time_to_position_full(when, now) == w
    assert ring.consumer_time_to_position_full(later, now) == r
    assert ring.time_to_position_full(when, t0) is None
    assert ring.consumer_time_to_position_full(later, 0) is None
    with pytest.raises(TypeError, match='now_ns must be a time'):
        ring.time_to_position_full(when, "now")
    with pytest.raises(TypeError, match='monotonic_ns must be a time'):
        ring.consumer_time_to_position_full(True, now)
    with pytest.raises(ValueError, match='now_ns must be a finite time'):
        ring.time_to_position_full(when, float('nan'))
    with pytest.raises(ValueError, match='does not fit in 64 bits'):
        ring.time_to_position_full(1 << 63, now)


def test_unknown_until_stamped():
    ring = RingBridge.Ring.new(65536)
    timing = ring.get_timing()
    assert not timing.ratio_known
    assert timing.producer_state == RingBridge.TimingState.NO_STAMPS
    assert timing.producer_rate == 0
    assert timing.producer_age_ns == -1
    assert ring.position_to_time(0) is None
    assert ring.time_to_position(0) is None
    assert ring.consumer_time_to_position(0) is None


def test_set_timing_arguments():
    ring = RingBridge.Ring.new(65536)
    ring.set_timing(True, 1024)
    ring.set_timing(False)
    with pytest.raises(ValueError):
        ring.set_timing(True, -1)
    with pytest.raises(TypeError):
        ring.set_timing(True, True)


def test_stamps_refused():
    ring = RingBridge.Ring.new_audio('S16LE', 2, RATE, 4096)
    now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    assert not ring.stamp_producer(FRAME, now)       # beyond the position
    assert not ring.stamp_producer(0, 0)             # no time
    assert ring.stamp_producer(0, now)


def observe(name, go, queue):
    queue.put('ready')
    go.get(timeout=60)
    ring = RingBridge.Ring.open(name, RingBridge.RingRole.CONSUMER)
    timing = ring.get_timing()
    queue.put((int(timing.producer_state), timing.producer_rate))


def test_other_process_reads_the_estimate():
    name = unique_name('timing')
    ctx = multiprocessing.get_context('spawn')
    go, queue = ctx.Queue(), ctx.Queue()
    try:
        ring = RingBridge.Ring.create_audio(
            name, 'S16LE', 2, RATE, 4096, role=RingBridge.RingRole.PRODUCER)
        child = ctx.Process(target=observe, args=(name, go, queue))
        child.start()
        assert queue.get(timeout=60) == 'ready'
        # 15 blocks (what fits) of a producer at -300 ppm, ending now
        prate = RATE * (1 - 300e-6)
        t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC) - \
            int(15 * BLOCK / prate * 1e9)
        block = np.zeros((BLOCK, 2), '<i2')
        for _ in range(16):
            w = ring.get_write_position()
            assert ring.stamp_producer(w, t0 + int(w // FRAME / prate * 1e9))
            if ring.write_frames_available() >= BLOCK:
                ring.write_frames(block)
        go.put('go')
        state, rate = queue.get(timeout=60)
        child.join(60)
        assert state == int(RingBridge.TimingState.OK)
        assert abs(rate / prate - 1) < 1e-3
    finally:
        unlink_quietly(name)


def test_consumer_object_refuses_producer_stamp():
    name = unique_name('timing-roles')
    try:
        ring = RingBridge.Ring.create_audio(
            name, 'S16LE', 2, RATE, 1024, role=RingBridge.RingRole.CONSUMER)
        with pytest.raises(io.UnsupportedOperation):
            ring.stamp_producer(0, 1)
    finally:
        unlink_quietly(name)
