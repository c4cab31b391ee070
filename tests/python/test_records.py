# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Records rings from Python."""

import io

import numpy as np
import pytest

from gi.repository import RingBridge

T = RingBridge.RecordType


@pytest.fixture
def rring():
    r = RingBridge.Ring.new_full(4096, RingBridge.RingFlags.RECORDS)
    yield r
    r.close()


def test_records_round_trip(rring):
    assert rring.records
    assert rring.write_record(T.CAPS, b'audio/x-raw')
    assert rring.write_record(T.DATA, np.arange(4, dtype=np.uint8), pts=10,
                              duration=5, flags=3, offset=1, offset_end=2)
    info = RingBridge.RecordInfo.init(T.APPLICATION + 1, 3)
    info.dts = 99
    assert rring.write_record(info, bytearray(b'xyz'))
    assert rring.write_record(T.EOS)

    ok, info = rring.peek_record()
    assert ok and info.type == T.CAPS and info.size == 11
    ok, info, payload = rring.read_record()
    assert ok and payload == b'audio/x-raw'
    assert info.pts == info.dts == info.duration == RingBridge.RECORD_NONE
    ok, info, payload = rring.read_record()
    assert payload == b'\x00\x01\x02\x03'
    assert (info.type, info.pts, info.duration, info.flags, info.offset,
            info.offset_end) == (T.DATA, 10, 5, 3, 1, 2)
    ok, info, payload = rring.read_record()
    assert (info.type, info.dts, payload) == (T.APPLICATION + 1, 99, b'xyz')
    ok, info, payload = rring.read_record()
    assert ok and info.type == T.EOS and payload == b''
    assert rring.read_record() == (False, None, b'')
    assert rring.peek_record() == (False, None)


def test_record_that_does_not_fit_now(rring):
    big = bytes(rring.get_max_record_size())
    assert rring.write_record(T.DATA, big)
    assert not rring.write_record(T.DATA, b'x')
    assert rring.get_overruns() == 1
    assert rring.read_record()[2] == big
    assert rring.write_record(T.DATA, b'x')


def test_record_argument_checks(rring):
    with pytest.raises(ValueError):
        rring.write_record(T.DATA, bytes(rring.get_max_record_size() + 1))
    with pytest.raises(ValueError):
        rring.write_record(RingBridge.RecordInfo.init(T.DATA, 2), b'abc')
    with pytest.raises(TypeError):
        rring.write_record(T.DATA, b'abc', size=3)
    with pytest.raises(TypeError):
        rring.write_record(T.DATA, b'abc', colour=3)
    with pytest.raises(ValueError):
        rring.write_record(-1, b'abc')
    # out of a field's range: an error naming it, not a wrapped value
    for name, bad in (('flags', -1), ('offset', -1), ('pts', 1 << 63),
                      ('dts', -(1 << 63) - 1)):
        with pytest.raises(ValueError, match=name):
            rring.write_record(T.DATA, b'abc', **{name: bad})
    with pytest.raises(ValueError, match='type'):
        rring.write_record(1 << 32, b'abc')
    for name, bad in (('pts', 'x'), ('duration', 1.5), ('flags', True)):
        with pytest.raises(TypeError, match=name):
            rring.write_record(T.DATA, b'abc', **{name: bad})
    assert rring.read_record()[0] is False
    assert rring.write_record(T.DATA, b'abc', pts=-1, dts=(1 << 63) - 1,
                              offset=(1 << 64) - 1)
    ok, info, _ = rring.read_record()
    assert (info.pts, info.dts, info.offset) == (-1, (1 << 63) - 1,
                                                 (1 << 64) - 1)


def test_skip_record(rring):
    assert rring.skip_record() is False
    rring.write_record(T.DATA, b'first', pts=1)
    rring.write_record(T.DATA, b'second', pts=2)
    assert rring.skip_record() is True
    ok, info, payload = rring.read_record()
    assert ok and payload == b'second' and info.pts == 2
    assert rring.skip_record() is False


def test_byte_calls_refused_on_records_ring(rring):
    for call in (lambda: rring.write(b'x'), lambda: rring.read(1),
                 lambda: rring.read_into(bytearray(1)), rring.read_view,
                 rring.write_view, lambda: rring.peek(1),
                 lambda: rring.skip(1), lambda: rring.write_many([b'x']),
                 lambda: rring.read_at(0, 1)):
        with pytest.raises(io.UnsupportedOperation):
            call()


def test_record_calls_refused_on_byte_ring(ring):
    with pytest.raises(io.UnsupportedOperation):
        ring.write_record(T.DATA, b'x')
    with pytest.raises(io.UnsupportedOperation):
        ring.read_record()
    with pytest.raises(io.UnsupportedOperation):
        ring.skip_record()
