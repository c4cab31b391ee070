# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Zero-copy views: memoryviews and NumPy arrays over the ring's memory."""

import gc
import io
import weakref

import numpy as np
import pytest

from gi.repository import RingBridge


def test_read_view_is_the_ring_memory(ring):
    ring.write(b'abcdef')
    view = ring.read_view()
    mv = view.memoryview
    assert mv.readonly and mv.nbytes == 6 and bytes(mv) == b'abcdef'
    # the override reaches rb_ring_read_acquire() directly (fastio.py)
    address, count = ring._rb_regions().read()
    assert count == 6
    assert np.frombuffer(view.array, np.uint8).ctypes.data == address
    assert view.release() is True
    assert ring.read_available() == 0
    assert view.released


def test_read_view_partial_release(ring):
    ring.write(b'0123456789')
    with ring.read_view(4) as view:
        assert bytes(view.get_data()) == b'0123'
    assert ring.read(100) == b'456789'
    ring.write(b'0123456789')
    view = ring.read_view()
    assert view.release(3)
    assert ring.read(100) == b'3456789'


def test_read_view_across_the_wrap_is_contiguous(ring):
    ring.write(b'x' * 4000)
    ring.skip(4000)
    data = bytes(range(200))
    assert ring.write(data) == 200        # 96 bytes before the end, 104 after
    with ring.read_view() as view:
        assert view.nbytes == 200
        assert bytes(view.memoryview) == data
        assert view.array.tolist() == list(data)


def test_released_view_raises(ring):
    ring.write(b'abc')
    view = ring.read_view()
    mv = view.memoryview
    view.release()
    with pytest.raises(ValueError):
        mv[0]
    with pytest.raises(ValueError):
        view.memoryview
    with pytest.raises(ValueError):
        view.array
    with pytest.raises(ValueError):
        view.release()


def test_context_manager_releases_nothing_on_error(ring):
    ring.write(b'keep me')
    with pytest.raises(KeyError):
        with ring.read_view() as view:
            assert bytes(view.memoryview) == b'keep me'
            raise KeyError('x')
    assert view.released
    assert ring.read(100) == b'keep me'


def test_one_read_view_at_a_time(ring):
    ring.write(b'abc')
    view = ring.read_view()
    for call in (ring.read_view, lambda: ring.read(1),
                 lambda: ring.read_into(bytearray(1)), lambda: ring.peek(1),
                 lambda: ring.skip(1), ring.reset):
        with pytest.raises(RuntimeError):
            call()
    assert ring.write(b'd') == 1           # the producer is unaffected
    view.release(0)
    assert ring.read(10) == b'abcd'


def test_writable_read_view(ring):
    ring.write(b'abc')
    with ring.read_view(writable=True) as view:
        assert not view.readonly
        view.memoryview[0:1] = b'A'
        view.array[1] = ord('B')
        view.release(0)
    assert ring.read(3) == b'ABc'


def test_readonly_array(ring):
    ring.write(b'abc')
    with ring.read_view() as view:
        with pytest.raises(ValueError):
            view.array[0] = 1
        with pytest.raises(TypeError):
            view.memoryview[0] = 1


def test_write_view_commit(ring):
    with ring.write_view(5) as view:
        assert view.nbytes == 5 and not view.readonly
        view.memoryview[:] = b'hello'
    assert ring.read(10) == b'hello'
    view = ring.write_view()
    assert view.nbytes == 4096
    view.array[:3] = [1, 2, 3]
    assert view.commit(2) == 2
    assert ring.read(10) == b'\x01\x02'


def test_write_view_nothing_committed_on_error(ring):
    with pytest.raises(ZeroDivisionError):
        with ring.write_view(3) as view:
            view.memoryview[:] = b'abc'
            1 / 0
    assert ring.read_available() == 0


def test_one_write_view_at_a_time(ring):
    view = ring.write_view()
    for call in (ring.write_view, lambda: ring.write(b'x'),
                 lambda: ring.write_many([b'x'])):
        with pytest.raises(RuntimeError):
            call()
    view.commit(0)
    assert ring.write(b'x') == 1


def test_commit_too_much(ring):
    view = ring.write_view(4)
    with pytest.raises(ValueError):
        view.commit(5)
    view.commit(0)


def test_write_view_unavailable_on_overwrite_ring(oring):
    with pytest.raises(io.UnsupportedOperation):
        oring.write_view()


def test_audio_views_are_frames_by_channels():
    r = RingBridge.Ring.new_audio(np.int16, 3, 8000, 1000)
    with r.write_view(frames=10) as view:
        assert view.frames == 10 and view.nbytes == 60
        a = view.array
        assert a.shape == (10, 3) and a.dtype == np.dtype('<i2')
        a[:] = np.arange(30).reshape(10, 3)
    with r.read_view(nbytes=13) as view:        # rounded down to 2 frames
        assert view.array.shape == (2, 3)
        assert view.array.tolist() == [[0, 1, 2], [3, 4, 5]]
    view = r.read_view()
    assert view.frames == 8
    with pytest.raises(ValueError):
        view.release(5)                         # not a whole frame
    assert view.release(6)
    assert r.read_frames(100)[0].tolist() == [9, 10, 11]


def test_view_keeps_the_ring_alive():
    ring = RingBridge.Ring.new(4096)
    ring.write(b'abc')
    view = ring.read_view()
    arr = view.array
    mv = view.memoryview
    ref = weakref.ref(ring)
    finalized = []
    ring.weak_ref(lambda: finalized.append(True))
    del ring
    gc.collect()
    assert ref() is not None
    assert bytes(mv) == b'abc'
    view.release()
    del view, mv
    gc.collect()
    assert ref() is not None              # the array still points there
    assert arr.tolist() == [97, 98, 99]   # and the memory is still mapped
    del arr
    gc.collect()
    assert ref() is None
    assert finalized == [True]


def test_forgotten_view_and_ring_are_collected():
    r = RingBridge.Ring.new(4096)
    r.write(b'abc')
    r.read_view()                          # never released
    ref = weakref.ref(r)
    finalized = []
    r.weak_ref(lambda: finalized.append(True))
    del r
    gc.collect()
    assert ref() is None
    assert finalized == [True]


def test_buffer_of_view_memoryview_survives_release(ring):
    ring.write(b'xyz')
    view = ring.read_view()
    held = np.frombuffer(view.memoryview, np.uint8)
    view.release()                         # cannot revoke 'held'
    assert held.tolist() == [120, 121, 122]
