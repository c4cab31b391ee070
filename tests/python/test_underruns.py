# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
""""underruns" means one thing everywhere: a realtime read (rb_ring_read(),
rb_ring_read_frames(), the float calls, as ringbridge-jack play makes)
that came up short. Python's reads take what there is, as a file's read
does, and never count, whichever method and ring (ringbridge-stat and
docs/jack.md, "Counters", say the same)."""

import ctypes

import numpy as np
import pytest

from gi.repository import RingBridge

from gi.overrides._ringbridge.cabi import _c_read

R = RingBridge.Ring

RINGS = {
    'bytes': lambda: R.new(4096),
    'overwrite': lambda: R.new_full(4096, RingBridge.RingFlags.OVERWRITE),
    'audio': lambda: R.new_audio('F32LE', 2, 48000, 256),
}

READS = {
    'read': lambda r: r.read(64),
    'read timeout': lambda r: r.read(64, timeout=0.01),
    'read_into': lambda r: r.read_into(bytearray(64)),
    'readinto typed': lambda r: r.readinto(np.zeros(16, np.uint8)),
    'read_frames': lambda r: r.read_frames(8),
    'peek': lambda r: r.peek(64),
}


@pytest.mark.parametrize('read', sorted(READS))
@pytest.mark.parametrize('kind', sorted(RINGS))
def test_a_short_python_read_is_no_underrun(kind, read):
    ring = RINGS[kind]()
    try:
        ring.write(bytes(8))                    # one frame, 8 bytes
        got = READS[read](ring)
        assert 0 < len(got if not isinstance(got, int) else b'.' * got)
        READS[read](ring)                       # and again, from empty
        assert ring.get_underruns() == 0
    finally:
        ring.close()


def test_read_float_short_is_no_underrun():
    ring = RINGS['audio']()
    ring.write(bytes(8))
    assert ring.read_float(8).shape == (1, 2)
    assert ring.get_underruns() == 0
    ring.close()


def test_the_realtime_read_counts_a_short_read():
    # The control: the counter does count, for the call it is meant for.
    ring = R.new(4096)
    ring.write(bytes(8))
    out = ctypes.create_string_buffer(64)
    assert _c_read(ring._rb_pointer, out, 64) == 8
    assert ring.get_underruns() == 1
    ring.close()
