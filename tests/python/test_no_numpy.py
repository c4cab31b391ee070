# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The overrides work without NumPy: run them in a process where
``import numpy`` fails, and check what still works and what says why not."""

import textwrap

from conftest import python

SCRIPT = textwrap.dedent('''
    import array, io, sys
    sys.modules['numpy'] = None            # import numpy -> ImportError
    import gi
    gi.require_version('RingBridge', '1.0')
    from gi.repository import RingBridge
    assert 'numpy' not in [m for m, v in sys.modules.items() if v]

    def raises(exc, f):
        try:
            f()
        except exc as e:
            return str(e)
        raise AssertionError('no %s from %r' % (exc.__name__, f))

    r = RingBridge.Ring.new(4096)
    assert r.dtype is None
    assert r.write(b'abc') == 3 and r.write(array.array('h', [1, 2])) == 4
    assert r.write_many([b'x', bytearray(b'y')]) == 2
    buf = bytearray(2)
    assert r.read_into(buf) == 2 and buf == b'ab'
    assert r.read(1) == b'c'
    with r.read_view() as v:
        assert bytes(v.memoryview) == bytes([1, 0, 2, 0]) + b'xy'
        assert 'NumPy' in raises(ImportError, lambda: v.array)
    assert 'NumPy' in raises(ImportError, lambda: r.read_frames(1))
    with r.write_view(3) as v:
        v.memoryview[:] = b'zzz'
    assert r.read(3) == b'zzz'

    a = RingBridge.Ring.new_audio('S16LE', 2, 8000, 100)
    assert a.dtype is None and a.frame_size == 4
    assert a.write(array.array('h', [1, -1, 2, -2])) == 8
    raises(TypeError, lambda: a.write(array.array('f', [0.0] * 2)))
    raises(ValueError, lambda: a.write(array.array('h', [1])))
    out = array.array('h', [0] * 4)
    assert a.read_into(out) == 8 and out.tolist() == [1, -1, 2, -2]
    raises(ImportError, lambda: a.write_float([0.0, 0.0]))
    raises(ImportError, lambda: RingBridge.samples_to_float(b'', 'S16LE'))
    raises(ValueError, lambda: RingBridge.Ring.new_audio('float32', 1, 8, 8))
    raises(TypeError, lambda: RingBridge.Ring.new_audio(float, 1, 8, 8))
    o = RingBridge.Ring.new_full(4096, RingBridge.RingFlags.OVERWRITE)
    o.write(b'0123456789')
    assert o.read_at(2, 3) == (RingBridge.RangeStatus.AVAILABLE, b'234')
    raises(ImportError, lambda: o.read_frames_at(0, 1))
    with o.view_at(2, 3) as v:
        assert bytes(v.memoryview) == b'234'
        assert 'NumPy' in raises(ImportError, lambda: v.array)
    print('no-numpy ok')
''')


def test_without_numpy():
    out = python(['-c', SCRIPT]).stdout
    assert out.strip() == 'no-numpy ok'
