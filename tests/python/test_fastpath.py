# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""write() and read_into() take a fast path bound once per ring object
(_ringbridge/fastio.py).  These tests check that it is taken, and that
once it is bound every bad input still raises the checked path's clear
error: the fast path may only ever move what the checked path would."""

import io
import textwrap

import numpy as np
import pytest

from gi.repository import RingBridge

from conftest import python


def no_checked_path(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError('the checked path was taken')
    monkeypatch.setattr(RingBridge.Ring, '_rb_write_checked', refuse)
    monkeypatch.setattr(RingBridge.Ring, '_rb_read_into_checked', refuse)


@pytest.mark.parametrize('audio', [False, True], ids=['bytes', 'audio'])
def test_good_calls_never_take_the_checked_path(monkeypatch, audio):
    if audio:
        r = RingBridge.Ring.new_audio('F32LE', 2, 48000, 1024)
        data = np.arange(512, dtype=np.float32).reshape(256, 2)
    else:
        r = RingBridge.Ring.new(4096)
        data = np.arange(2048, dtype=np.uint8)
    no_checked_path(monkeypatch)
    out = np.empty_like(data)
    for _ in range(3):
        assert r.write(data) == data.nbytes
        assert r.read_into(out) == data.nbytes
        assert np.array_equal(out, data)
    assert r.read_into(out) == 0
    assert r.write(data[:0]) == 0
    assert r.get_underruns() == 0


def bound(r):
    """``r`` with its fast path bound by a good write and read."""
    assert r.write(bytes(r.frame_size)) == r.frame_size
    assert r.read_into(bytearray(r.frame_size)) == r.frame_size
    assert 'write' in r.__dict__ and 'read_into' in r.__dict__
    return r


BYTE_ERRORS = [
    ('write', 'text', TypeError),
    ('write', 5, TypeError),
    ('write', None, TypeError),
    ('write', np.zeros((4, 4))[:, ::2], BufferError),
    ('write', memoryview(b'abcd')[::2], BufferError),
    ('read_into', b'read-only', BufferError),
    ('read_into', np.zeros(4).T[::2], BufferError),
    ('read_into', 'text', TypeError),
]


@pytest.mark.parametrize('method,arg,exc', BYTE_ERRORS)
def test_bad_buffers_are_errors_after_binding(method, arg, exc):
    r = bound(RingBridge.Ring.new(4096))
    r.write(b'some data')
    with pytest.raises(exc):
        getattr(r, method)(arg)
    assert r.read_available() == 9


AUDIO_ERRORS = [
    ('write', np.zeros((4, 2), np.int16), TypeError, 'F32LE samples'),
    ('write', np.zeros((4, 3), np.float32), ValueError, '3'),
    ('write', b'\0' * 6, ValueError, 'whole number'),
    ('write', np.zeros((4, 2), '>f4'), TypeError, 'F32LE samples'),
    ('read_into', np.zeros((4, 2), np.float64), TypeError, 'F32LE samples'),
    ('read_into', bytearray(12), ValueError, 'whole number'),
    ('read_into', np.zeros((4, 2), np.float32)[::2], BufferError, ''),
]


@pytest.mark.parametrize('method,arg,exc,match', AUDIO_ERRORS)
def test_bad_audio_buffers_are_errors_after_binding(method, arg, exc, match):
    r = bound(RingBridge.Ring.new_audio('F32LE', 2, 48000, 64))
    good = np.zeros((4, 2), np.float32)
    # the kind of buffer is learnt once; others are still checked
    assert r.write(good) == 32 and r.read_into(good) == 32
    r.write(good)
    with pytest.raises(exc, match=match):
        getattr(r, method)(arg)
    assert r.read_available() == 32


def test_a_read_only_array_is_refused_on_an_audio_ring():
    r = bound(RingBridge.Ring.new_audio('S16LE', 1, 48000, 64))
    r.write(np.zeros(4, np.int16))
    out = np.zeros(4, np.int16)
    out.flags.writeable = False
    with pytest.raises((BufferError, ValueError)):
        r.read_into(out)
    assert r.read_available() == 8


def test_views_close_and_roles_after_binding(ring_name):
    r = bound(RingBridge.Ring.new(4096))
    view = r.write_view(4)
    with pytest.raises(RuntimeError, match='write view'):
        r.write(b'x')
    view.commit(0)
    assert r.write(b'x') == 1
    view = r.read_view()
    with pytest.raises(RuntimeError, match='read view'):
        r.read_into(bytearray(1))
    view.release(0)
    assert r.read_into(bytearray(1)) == 1
    r.close()
    with pytest.raises(RingBridge.RingClosedError):
        r.write(b'x')
    with pytest.raises(RingBridge.RingClosedError):
        r.read_into(bytearray(1))

    with RingBridge.Ring.create(ring_name, 4096,
                                role=RingBridge.RingRole.PRODUCER) as p:
        with RingBridge.Ring.open(ring_name,
                                  RingBridge.RingRole.CONSUMER) as c:
            assert p.write(b'ab') == 2 and c.read_into(bytearray(1)) == 1
            with pytest.raises(io.UnsupportedOperation):
                c.write(b'x')
            with pytest.raises(io.UnsupportedOperation):
                p.read_into(bytearray(1))


def test_timeouts_take_the_checked_path():
    r = bound(RingBridge.Ring.new(4096))
    r.write(b'abc')
    buf = bytearray(3)
    assert r.read_into(buf, timeout=0.5) == 3 and buf == b'abc'
    with pytest.raises(TypeError):
        r.read_into(buf, timeout=False)
    with pytest.raises(ValueError):
        r.read_into(buf, timeout=-1)


def test_records_and_item_rings_keep_their_checks():
    rec = RingBridge.Ring.new_full(4096, RingBridge.RingFlags.RECORDS)
    with pytest.raises(io.UnsupportedOperation):
        rec.write(b'x')
    items = RingBridge.Ring.new_items(np.dtype([('a', '<i4')]), 8)
    with pytest.raises((TypeError, ValueError)):
        items.write(np.zeros(2, np.int16))
    assert items.write(np.zeros(2, np.dtype([('a', '<i4')]))) == 8


SCRIPT = textwrap.dedent('''
    import array, sys
    sys.modules['_cffi_backend'] = None     # import it -> ImportError
    import gi
    gi.require_version('RingBridge', '1.0')
    from gi.repository import RingBridge
    r = RingBridge.Ring.new(4096)
    assert r.write(b'abc') == 3 and r.write(array.array('h', [1])) == 2
    buf = bytearray(5)
    assert r.read_into(buf) == 5 and buf == b'abc\\x01\\x00'
    for bad, exc in (('text', TypeError), (b'ro', BufferError)):
        try:
            r.read_into(bad) if exc is BufferError else r.write(bad)
        except exc:
            pass
        else:
            raise AssertionError(bad)
    assert 'write' not in r.__dict__        # no fast path to bind
    print('ok')
''')


def test_without_cffi_every_call_takes_the_checked_path():
    assert python(['-c', SCRIPT]).stdout.strip() == 'ok'


def test_a_view_taken_while_binding_drops_the_fast_path(monkeypatch):
    # another thread takes a read view between the binding's checks and
    # its install: the closures must not stay, or read_into() would read
    # under the view instead of raising
    from gi.overrides._ringbridge import fastio
    r = RingBridge.Ring.new(4096)
    r.write(b'abcd')
    taken = []
    original = fastio.bind

    def bind_then_take_a_view(*args):
        io = original(*args)
        if not taken:
            taken.append(r.read_view())
        return io
    monkeypatch.setattr(fastio, 'bind', bind_then_take_a_view)
    r._rb_drop_io()
    assert r.write(b'e') == 1
    assert 'read_into' not in r.__dict__
    with pytest.raises(RuntimeError, match='read view'):
        r.read_into(bytearray(1))
    taken[0].release(0)
    assert r.read_into(bytearray(5)) == 5


@pytest.mark.parametrize('audio', [False, True], ids=['bytes', 'audio'])
def test_a_kept_fast_method_follows_views_close_and_the_ring_end(audio):
    # ``w = ring.write`` keeps the closure itself, past the drop from the
    # ring's __dict__: it must not keep calling C with the raw pointer
    # (under a view, after close, into a freed ring)
    import gc

    def make():
        return bound(RingBridge.Ring.new_audio('S16LE', 1, 48000, 64)
                     if audio else RingBridge.Ring.new(4096))
    r = make()
    w, rd = r.write, r.read_into
    assert w(b'ab') == 2
    view = r.read_view()
    with pytest.raises(RuntimeError, match='read view'):
        rd(bytearray(2))
    view.release(0)
    assert rd(bytearray(2)) == 2
    r.close()
    with pytest.raises(RingBridge.RingClosedError):
        w(b'ab')
    r = make()
    w, rd = r.write, r.read_into
    del r
    gc.collect()
    with pytest.raises(RingBridge.RingClosedError, match='is gone'):
        w(b'x' * 8192)
    with pytest.raises(RingBridge.RingClosedError, match='is gone'):
        rd(bytearray(8))


def test_a_view_keeps_the_other_side_fast_and_its_end_rebinds(monkeypatch):
    # a read view held: write() stays bound (no new binding per call), and
    # once the view ends read_into() takes its fast path again
    r = bound(RingBridge.Ring.new(4096))
    view = r.read_view()
    assert r.write(b'ab') == 2
    write = r.__dict__['write']
    assert r.write(b'cd') == 2 and r.__dict__['write'] is write
    view.release(0)
    no_checked_path(monkeypatch)
    assert r.read_into(bytearray(4)) == 4
    view = r.write_view(2)
    view.commit(0)
    assert r.write(b'x') == 1
