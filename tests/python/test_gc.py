# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Rings, views and handles are collected; nothing leaks fds or files."""

import gc
import os
import weakref

import numpy as np

from gi.repository import RingBridge


def open_fds():
    return sorted(os.listdir('/proc/self/fd'))


def watch(ring):
    """Returns a list that becomes [True] when the ring's GObject is
    finalized (a weakref only watches the Python wrapper)."""
    finalized = []
    ring.weak_ref(lambda: finalized.append(True))
    return finalized


def test_ring_is_collected():
    r = RingBridge.Ring.new(4096)
    r.write(b'abc')
    ref = weakref.ref(r)
    finalized = watch(r)
    del r
    gc.collect()
    assert ref() is None
    assert finalized == [True]


def test_closed_ring_with_python_state_is_collected():
    r = RingBridge.Ring.new_audio('F32LE', 2, 48000, 1024)
    r.write(np.zeros((4, 2), np.float32))
    with r.read_view() as v:
        v.array.sum()
    r.close()
    ref = weakref.ref(r)
    finalized = watch(r)
    del r, v
    gc.collect()
    assert ref() is None
    assert finalized == [True]


def test_no_fd_leak():
    gc.collect()
    before = open_fds()
    for i in range(50):
        r = RingBridge.Ring.new_audio('S16LE', 2, 48000, 4096,
                                      RingBridge.RingFlags.OVERWRITE)
        r.write(bytes(400))
        with r.read_view() as v:
            bytes(v.memoryview)
        h = r.share(RingBridge.RingRole.READER)
        peer = h.open()
        h.close()
        assert peer.read_at(0, 4)[1] == bytes(4)
        del r, v, h, peer
    gc.collect()
    assert open_fds() == before


def test_named_ring_files_go_with_unlink(ring_name):
    path = RingBridge.Ring.name_to_path(ring_name)
    r = RingBridge.Ring.create(ring_name, 4096)
    assert os.path.exists(path)
    RingBridge.Ring.unlink(ring_name)
    assert not os.path.exists(path)
    assert r.write(b'still usable') == 12
    assert r.read(100) == b'still usable'


def test_handle_closes_its_fd_when_collected(ring):
    h = ring.share(RingBridge.RingRole.CONSUMER)
    fd = h.fileno()
    assert os.path.samestat(os.fstat(fd), os.fstat(ring.get_fd()))
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is None
    try:
        os.fstat(fd)
    except OSError:
        pass
    else:
        raise AssertionError('fd %d still open' % fd)
