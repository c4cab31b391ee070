# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""After close() every ring method raises instead of calling into C."""

import threading

import pytest

from gi.repository import GLib, GObject, RingBridge

# Methods that stay usable on a closed ring.
ALLOWED = {'close', 'init'}


def ring_methods():
    statics = {info.get_name() for info in RingBridge.Ring.__info__
               .get_methods() if not info.is_method()}
    names = set()
    for name in dir(RingBridge.Ring):
        if name.startswith('_') or name in ALLOWED or name in statics:
            continue
        if hasattr(GObject.Object, name):
            continue
        attr = RingBridge.Ring.__dict__.get(name)
        if isinstance(attr, (staticmethod, property)):
            continue
        member = getattr(RingBridge.Ring, name)
        if callable(member) and not isinstance(member, type):
            names.add(name)
    return sorted(names)


METHODS = ring_methods()


def test_the_list_is_complete():
    # every introspected instance method, plus the Python additions
    for info in RingBridge.Ring.__info__.get_methods():
        if info.is_method() and info.get_name() not in ALLOWED:
            assert info.get_name() in METHODS
    for name in ('write', 'write_many', 'read_into', 'read_view',
                 'write_view', 'read_frames', 'read_at_into', 'share',
                 'write_record', 'read_record', 'available_at'):
        assert name in METHODS
    assert len(METHODS) > 60


@pytest.mark.parametrize('name', METHODS)
def test_every_method_raises_after_close(name):
    r = RingBridge.Ring.new(4096)
    r.write(b'data')
    r.close()
    assert r.closed
    with pytest.raises(RingBridge.RingClosedError) as ei:
        getattr(r, name)()
    err = ei.value
    assert isinstance(err, GLib.Error) and isinstance(err, ValueError)
    assert err.matches(RingBridge.ring_error_quark(),
                       RingBridge.RingError.FAILED)


def test_close_is_idempotent_and_context_manager():
    with RingBridge.Ring.new(4096) as r:
        assert r.write(b'abc') == 3
    assert r.closed
    r.close()
    with pytest.raises(RingBridge.RingClosedError):
        with r:
            pass
    # properties fixed at creation stay readable
    assert r.capacity == 4096


def test_close_ends_views():
    r = RingBridge.Ring.new(4096)
    r.write(b'abc')
    rv = r.read_view()
    wv = r.write_view()
    mv = rv.memoryview
    r.close()
    assert rv.released and wv.released
    with pytest.raises(ValueError):
        bytes(mv)
    with pytest.raises(ValueError):
        rv.release()


def test_close_interrupts_a_waiting_thread():
    r = RingBridge.Ring.new(4096)
    result = []
    waiting = threading.Event()

    def consumer():
        waiting.set()
        result.append(r.wait_readable(1, -1))

    t = threading.Thread(target=consumer)
    t.start()
    waiting.wait()
    # The wait may not have begun yet: interrupt() persists, so it returns
    # at once then.  Either way it ends, and with INTERRUPTED.
    r.close()
    t.join()
    assert result == [RingBridge.WaitResult.INTERRUPTED]


def test_closed_named_ring_can_be_unlinked(ring_name):
    r = RingBridge.Ring.create(ring_name, 4096)
    r.close()
    RingBridge.Ring.unlink(ring_name)          # static: not tied to r
    assert RingBridge.Ring.name_to_path(ring_name)


def test_close_gives_up_a_shared_role_at_once(ring_name):
    producer = RingBridge.Ring.create(ring_name, 4096,
                                      role=RingBridge.RingRole.PRODUCER)
    consumer = RingBridge.Ring.open(ring_name, RingBridge.RingRole.CONSUMER)
    try:
        assert consumer.get_peer_state() == RingBridge.PeerState.ALIVE
        producer.close()
        assert consumer.get_peer_state() == RingBridge.PeerState.GONE
        # a new producer may attach while the old object still exists
        again = RingBridge.Ring.open(ring_name, RingBridge.RingRole.PRODUCER)
        again.close()
    finally:
        consumer.close()
        RingBridge.Ring.unlink(ring_name)
