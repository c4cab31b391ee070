# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""RingBridge.RingStatus through GI: a held ring's snapshot, a named ring
read without attaching, and the errors of a name that is no ring."""

import os

import pytest

from gi.repository import GLib, RingBridge

from conftest import unique_name, unlink_quietly

Holder = RingBridge.HolderState


def test_get_status():
    ring = RingBridge.Ring.new_audio(RingBridge.SampleFormat.F32LE, 2, 48000,
                                     256, RingBridge.RingFlags.NONE)
    ring.write(b'\0' * 80)
    status = ring.get_status()
    assert isinstance(status, RingBridge.RingStatus)
    assert status.capacity == ring.get_capacity()
    assert status.format == RingBridge.SampleFormat.F32LE
    assert (status.channels, status.rate, status.frame_size) == (2, 48000, 8)
    assert (status.write_position, status.read_position) == (80, 0)
    assert status.fill == 80
    assert not status.end_of_stream
    assert status.roles_known
    assert status.creator_state == Holder.ALIVE
    assert status.creator_pid == os.getpid()
    assert status.creator_role == RingBridge.RingRole.BOTH
    assert not status.has_clock_point


def test_read_named():
    name = unique_name('status')
    ring = RingBridge.Ring.create(name, 4096, RingBridge.RingFlags.NONE,
                                  RingBridge.RingRole.PRODUCER, 0o600)
    try:
        ring.write(b'x' * 10)
        status = RingBridge.RingStatus.read_named(name)
        assert status.write_position == 10
        assert status.fill == 10
        assert status.producer_state == Holder.ALIVE
        assert status.producer_pid == os.getpid()
        assert status.consumer_state == Holder.NONE
        # looking took no role
        consumer = RingBridge.Ring.open(name, RingBridge.RingRole.CONSUMER)
        consumer.close()
    finally:
        ring.close()
        unlink_quietly(name)


def test_read_named_errors():
    with pytest.raises(GLib.Error) as e:
        RingBridge.RingStatus.read_named(unique_name('status-none'))
    assert e.value.matches(RingBridge.ring_error_quark(),
                           RingBridge.RingError.NOT_FOUND)
    with pytest.raises(GLib.Error) as e:
        RingBridge.RingStatus.read_named('../x')
    assert e.value.matches(RingBridge.ring_error_quark(),
                           RingBridge.RingError.INVALID_NAME)


def test_timing_held_and_named():
    """The status carries the ring's timing: of a held ring, and of a named
    ring read without attaching (#13)."""
    from test_timing import stamped
    name = unique_name('status-timing')
    ring = RingBridge.Ring.create_audio(name, 'S16LE', 2, 48000, 4096)
    try:
        stamped(ring, 100, 1.5)
        for status in (ring.get_status(),
                       RingBridge.RingStatus.read_named(name)):
            t = status.timing
            assert isinstance(t, RingBridge.RingTiming)
            assert t.producer_state == RingBridge.TimingState.OK
            assert t.consumer_state == RingBridge.TimingState.OK
            assert t.ratio_known and t.fill_known
            assert abs(t.ratio_ppm - 100) < 5
            assert abs(t.consumer_rate - 48000) < 0.5
            assert t.fill_ns > 15_000_000
            assert t.producer_age_ns >= 0
    finally:
        ring.close()
        unlink_quietly(name)


def test_timing_unknown():
    ring = RingBridge.Ring.new(4096)
    t = ring.get_status().timing
    assert t.producer_state == RingBridge.TimingState.NO_STAMPS
    assert t.consumer_state == RingBridge.TimingState.NO_STAMPS
    assert not t.ratio_known and not t.fill_known
    assert t.producer_age_ns == -1
