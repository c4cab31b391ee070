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
