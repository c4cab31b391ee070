# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Blocking calls release the GIL: other Python threads run meanwhile."""

import mmap
import os
import struct
import threading

import pytest

from gi.repository import Gio, RingBridge

W = RingBridge.WaitResult

# rb-shm-private.h: struct rb_shm_header, data_waiters at offset 384 (a
# static_assert'ed ABI between processes).
DATA_WAITERS = 384


def waiter_count(ring):
    """A function returning how many consumers sleep on ``ring`` now."""
    m = mmap.mmap(ring.get_fd(), mmap.PAGESIZE, prot=mmap.PROT_READ)
    return lambda: struct.unpack_from('<I', m, DATA_WAITERS)[0]


def when_blocked(ring, action):
    """Runs ``action`` in another thread once this thread sleeps in a wait
    on ``ring``.  If the wait held the GIL, the thread could never see
    that, and the wait would run into its (long) timeout instead."""
    waiters = waiter_count(ring)

    def run():
        while waiters() == 0:
            os.sched_yield()
        action()

    t = threading.Thread(target=run)
    t.start()
    return t


def test_blocking_read_lets_a_producer_thread_run(ring):
    t = when_blocked(ring, lambda: ring.write(b'wake up'))
    data = ring.read(7, timeout=120)
    t.join()
    assert data == b'wake up'


def test_wait_readable_lets_an_interrupting_thread_run(ring):
    t = when_blocked(ring, ring.interrupt)
    assert ring.wait_readable(1, 120 * 1000 * 1000) == W.INTERRUPTED
    t.join()


def test_wait_readable_full_ends_with_its_cancellable(ring):
    cancellable = Gio.Cancellable()
    t = when_blocked(ring, cancellable.cancel)
    assert ring.wait_readable_full(1, 120 * 1000 * 1000,
                                   cancellable) == W.INTERRUPTED
    t.join()
    # fired stays fired; without it the wait is the plain one
    assert ring.wait_readable_full(1, -1, cancellable) == W.INTERRUPTED
    assert ring.wait_readable_full(1, 1000) == W.TIMEOUT
    assert ring.wait_position_full(1, -1, cancellable) == W.INTERRUPTED
    ring.write(b'x' * ring.get_capacity())
    assert ring.wait_writable_full(1, -1, cancellable) == W.INTERRUPTED
    assert ring.wait_readable_full(1, -1, cancellable) == W.READY
    with pytest.raises(TypeError):
        ring.wait_readable_full(1, 0, object())


def test_read_frames_with_timeout_waits_for_whole_request():
    r = RingBridge.Ring.new_audio('S16LE', 2, 8000, 1024)
    t = when_blocked(r, lambda: r.write(bytes(40)))
    frames = r.read_frames(10, timeout=120)
    t.join()
    assert frames.shape == (10, 2)


def test_wait_times_out(ring):
    assert ring.read(1, timeout=0.01) == b''
    assert ring.wait_readable(1, 1000) == W.TIMEOUT


def test_producer_and_consumer_threads(ring):
    total = 1 << 20
    data = os.urandom(total)
    received = bytearray()

    def consumer():
        while len(received) < total:
            received.extend(ring.read(total, timeout=60))

    t = threading.Thread(target=consumer)
    t.start()
    view = memoryview(data)
    while view:
        n = ring.write(view)
        view = view[n:]
        if view:
            assert ring.wait_writable(1, 60 * 1000 * 1000) == W.READY
    t.join()
    assert bytes(received) == data
