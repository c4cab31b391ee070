# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Audio rings from Python: dtypes, frames, every sample format through
NumPy, and float conversion identical to the C library's."""

import array
import ctypes

import numpy as np
import pytest

from gi.repository import RingBridge

SF = RingBridge.SampleFormat

FORMATS = ['U8', 'S16LE', 'S24LE', 'S24_32LE', 'S32LE', 'F32LE', 'F64LE']
DTYPES = {'U8': 'u1', 'S16LE': '<i2', 'S24LE': 'V3', 'S24_32LE': '<i4',
          'S32LE': '<i4', 'F32LE': '<f4', 'F64LE': '<f8'}


def random_samples(fmt, shape, seed=0):
    rnd = np.random.default_rng(seed)
    if fmt == 'U8':
        return rnd.integers(0, 256, shape, dtype=np.uint8)
    if fmt == 'S16LE':
        return rnd.integers(-32768, 32768, shape).astype('<i2')
    if fmt == 'S24LE':
        return RingBridge.int32_to_s24le(
            rnd.integers(-(1 << 23), 1 << 23, shape))
    if fmt == 'S24_32LE':
        return rnd.integers(-(1 << 23), 1 << 23, shape).astype('<i4')
    if fmt == 'S32LE':
        return rnd.integers(-(1 << 31), 1 << 31, shape).astype('<i4')
    return rnd.uniform(-1.5, 1.5, shape).astype(DTYPES[fmt])


@pytest.mark.parametrize('fmt', FORMATS)
def test_ring_facts(fmt):
    r = RingBridge.Ring.new_audio(fmt, 2, 44100, 512)
    assert r.sample_format == getattr(SF, fmt)
    assert r.dtype == np.dtype(DTYPES[fmt])
    assert (r.channels, r.rate) == (2, 44100)
    assert r.frame_size == 2 * r.dtype.itemsize
    assert RingBridge.sample_format_to_dtype(r.sample_format) == r.dtype


@pytest.mark.parametrize('dtype, fmt', [
    (np.uint8, 'U8'), (np.int16, 'S16LE'), ('int32', 'S32LE'),
    (np.float32, 'F32LE'), ('<f8', 'F64LE'), (np.dtype('V3'), 'S24LE'),
    (float, 'F64LE'), ('S24_32LE', 'S24_32LE'), (SF.S16LE, 'S16LE'),
    (int(SF.F32LE), 'F32LE'), ('f32le', 'F32LE'),
])
def test_rings_from_dtype_arguments(dtype, fmt):
    r = RingBridge.Ring.new_audio(dtype, 1, 8000, 100)
    assert r.sample_format == getattr(SF, fmt)
    # exact capacity: whole frames of every format's 1 to 8 bytes
    r2 = RingBridge.Ring(capacity=4800, sample_format=dtype, channels=1,
                         rate=8000)
    assert r2.sample_format == getattr(SF, fmt)


@pytest.mark.parametrize('dtype', ['>i2', '>f4', np.int64, np.complex64,
                                   'U8x'])
def test_rings_refuse_unfit_dtypes(dtype):
    with pytest.raises(ValueError):
        RingBridge.Ring.new_audio(dtype, 1, 8000, 100)


def test_create_audio_named_from_dtype(ring_name):
    r = RingBridge.Ring.create_audio(ring_name, np.float32, 2, 48000, 4096,
                                     role=RingBridge.RingRole.PRODUCER)
    other = RingBridge.Ring.open(ring_name, RingBridge.RingRole.CONSUMER)
    assert other.dtype == np.float32 and other.channels == 2
    assert other.rate == 48000 and other.get_capacity_frames() >= 4096
    r.close()


@pytest.mark.parametrize('channels', [1, 2, 3, 6])
@pytest.mark.parametrize('fmt', FORMATS)
def test_numpy_round_trip(fmt, channels):
    r = RingBridge.Ring.new_audio(fmt, channels, 48000, 700)
    cap = r.get_capacity_frames()
    data = random_samples(fmt, (cap + 50, channels), seed=channels)
    # write() returns bytes, write_frames() frames; neither splits a frame
    assert r.write(data[:100]) == 100 * r.frame_size
    assert r.write_frames(data[100:]) == cap - 100
    assert r.get_overruns() == 1
    back = r.read_frames(cap + 50)
    assert back.dtype == r.dtype and back.shape == (cap, channels)
    assert back.tobytes() == data[:cap].tobytes()
    # the same through the zero-copy views, across the wrap
    r.write(data[:cap // 2])
    r.skip(r.read_available())
    with r.write_view() as view:
        view.array[:] = data[:view.frames]
        n = view.frames
    with r.read_view() as view:
        assert view.frames == n
        assert view.array.tobytes() == data[:n].tobytes()
    # and through read_into
    r.write(data[:10])
    out = np.zeros_like(data[:10])
    assert r.read_into(out) == 10 * r.frame_size
    assert out.tobytes() == data[:10].tobytes()


def test_typed_buffers_must_match_the_sample_type():
    r = RingBridge.Ring.new_audio('F32LE', 2, 48000, 1024)
    for bad in (np.zeros((4, 2), np.float64), np.zeros((4, 2), np.int32),
                array.array('d', [0.0] * 8), np.zeros((4, 2), '>f4')):
        with pytest.raises(TypeError):
            r.write(bad)
        with pytest.raises(TypeError):
            r.read_into(bad)
    assert r.read_available() == 0
    assert r.write(array.array('f', [0.5] * 8)) == 32
    assert r.write(bytes(8)) == 8          # raw bytes are taken as they are
    assert r.write(np.zeros(16, np.uint8)) == 16


def test_wrong_channel_count_and_partial_frames():
    r = RingBridge.Ring.new_audio('S16LE', 2, 48000, 1024)
    with pytest.raises(ValueError):
        r.write(np.zeros((4, 3), np.int16))
    with pytest.raises(ValueError):
        r.write(np.zeros(3, np.int16))         # one and a half frames
    with pytest.raises(ValueError):
        r.write(b'abc')
    with pytest.raises(ValueError):
        r.read_into(bytearray(6))
    with pytest.raises(ValueError):
        r.write_many([b'ab', b'c'])
    assert r.write_many([b'ab', b'cd']) == 4
    assert r.read(3) == b''                    # less than a frame asked for
    assert r.read(7) == b'abcd'


def test_s24le_helpers():
    values = np.array([[0, 1, -1], [(1 << 23) - 1, -(1 << 23), 12345]])
    packed = RingBridge.int32_to_s24le(values)
    assert packed.dtype == np.dtype('V3') and packed.shape == (2, 3)
    assert packed.tobytes()[:9] == bytes([0, 0, 0, 1, 0, 0, 255, 255, 255])
    assert RingBridge.s24le_to_int32(packed).tolist() == values.tolist()
    triples = np.frombuffer(packed.tobytes(), np.uint8).reshape(2, 3, 3)
    assert RingBridge.s24le_to_int32(triples).tolist() == values.tolist()
    with pytest.raises(ValueError):
        RingBridge.int32_to_s24le([1 << 23])
    with pytest.raises(TypeError):
        RingBridge.int32_to_s24le([0.5])
    with pytest.raises(TypeError):
        RingBridge.s24le_to_int32(np.zeros(4, np.int32))


# --- float conversion against the C library's own ---------------------------

_lib = ctypes.CDLL('libringbridge-1.0.so.0')
_lib.rb_ring_write_deinterleaved.restype = ctypes.c_size_t
_lib.rb_ring_write_deinterleaved.argtypes = [
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint, ctypes.c_size_t]
_lib.rb_ring_read_deinterleaved.restype = ctypes.c_size_t
_lib.rb_ring_read_deinterleaved.argtypes = [
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint, ctypes.c_size_t]


def c_pointer(ring):
    return ring._rb_pointer


def channel_pointers(planes):
    ptrs = (ctypes.c_void_p * len(planes))()
    for i, p in enumerate(planes):
        ptrs[i] = p.ctypes.data
    return ptrs


SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, np.nan,
                    np.inf, -np.inf, 1e-9, -1e-9, 0.999999, -0.999999,
                    1.0 / 65536, -1.0 / 65536, 1.5 / 32768, -1.5 / 32768,
                    2.5 / 32768, 0.5 / 128, -0.5 / 128, 0.5 / 8388608,
                    3.0e38], dtype=np.float32)


@pytest.mark.parametrize('fmt', FORMATS)
def test_write_float_matches_c(fmt):
    rnd = np.random.default_rng(7)
    mono = np.concatenate([SPECIAL, rnd.uniform(-1.2, 1.2, 1000)
                           .astype(np.float32)])
    frames = np.stack([mono, -mono[::-1]], axis=1)       # 2 channels
    py = RingBridge.Ring.new_audio(fmt, 2, 48000, 2048)
    c = RingBridge.Ring.new_audio(fmt, 2, 48000, 2048)
    assert py.write_float(frames) == len(frames)
    planes = [np.ascontiguousarray(frames[:, ch]) for ch in range(2)]
    assert _lib.rb_ring_write_deinterleaved(
        c_pointer(c), channel_pointers(planes), 2, len(frames)) == len(frames)
    assert py.read(1 << 20) == c.read(1 << 20)


@pytest.mark.parametrize('fmt', FORMATS)
def test_read_float_matches_c(fmt):
    py = RingBridge.Ring.new_audio(fmt, 3, 48000, 2048)
    c = RingBridge.Ring.new_audio(fmt, 3, 48000, 2048)
    data = random_samples(fmt, (1500, 3), seed=3)
    if fmt == 'U8':
        data[:3] = [[0, 128, 255]] * 3
    elif fmt != 'S24LE' and data.dtype.kind == 'i':
        info = np.iinfo(data.dtype) if fmt != 'S24_32LE' else None
        if info:
            data[:2] = [[info.min, info.max, 0]] * 2
    py.write(data)
    c.write(data)
    got = py.read_float(1500)
    assert got.dtype == np.float32 and got.shape == (1500, 3)
    planes = [np.zeros(1500, np.float32) for _ in range(3)]
    assert _lib.rb_ring_read_deinterleaved(
        c_pointer(c), channel_pointers(planes), 3, 1500) == 1500
    expect = np.stack(planes, axis=1)
    assert got.tobytes() == expect.tobytes()     # bit for bit, NaN included


def test_float_extremes():
    r = RingBridge.Ring.new_audio('S16LE', 1, 8000, 100)
    r.write_float(np.array([-1.0, 1.0, 0.0, np.nan], np.float32))
    assert r.read_frames(4)[:, 0].tolist() == [-32768, 32767, 0, 0]
    r.write(np.array([-32768, 16384], '<i2'))
    assert r.read_float(2)[:, 0].tolist() == [-1.0, 0.5]


def test_write_float_cut_short_at_whole_frames():
    r = RingBridge.Ring.new_audio('F32LE', 2, 8000, 512)
    cap = r.get_capacity_frames()
    assert r.write_float(np.zeros((cap + 10, 2), np.float32)) == cap
    assert r.write_float(np.zeros((1, 2), np.float32)) == 0


def test_float_helpers_refuse_bad_input():
    r = RingBridge.Ring.new_audio('F32LE', 2, 8000, 512)
    with pytest.raises(TypeError):
        r.write_float(np.zeros((4, 2), np.int16))
    with pytest.raises(ValueError):
        r.write_float(np.zeros((4, 3), np.float32))
    b = RingBridge.Ring.new(4096)
    with pytest.raises(TypeError):
        b.write_float(np.zeros(4, np.float32))
    with pytest.raises(TypeError):
        b.read_float(4)


def test_mono_write_float_accepts_1d():
    r = RingBridge.Ring.new_audio('S16LE', 1, 8000, 512)
    assert r.write_float(np.array([0.5, -0.5], np.float32)) == 2
    assert r.read_frames(2).tolist() == [[16384], [-16384]]


def test_byte_ring_read_frames_is_1d(ring):
    assert ring.dtype == np.uint8
    ring.write(b'abc')
    out = ring.read_frames(10)
    assert out.shape == (3,) and out.tobytes() == b'abc'


def test_read_frames_timeout_zero_returns_empty():
    r = RingBridge.Ring.new_audio('F32LE', 2, 8000, 512)
    out = r.read_frames(16)
    assert out.shape == (0, 2) and out.dtype == np.float32
    out = r.read_frames(16, timeout=0.001)
    assert out.shape == (0, 2)
