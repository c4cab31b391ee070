# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Migrating from ``pa_ringbuffer`` (seed 004: PortAudio's ring for CFFI
modules whose C code runs in a sounddevice/PortAudio callback): its README's
CFFI recipe rewritten against ringbridge, as docs/migrating.md shows it.
examples/python/portaudio-cffi is the whole program (test_portaudio_cffi.py
plays it on a private jackd).

Tests named ``*_needs_<branch>`` use API another branch of issue #15 adds:
they fail until it is merged."""

import numpy as np

from gi.repository import RingBridge

import cffibuild

Ring = RingBridge.Ring

# "/* my own declarations */" and "/* my implementation */": what an
# audio callback does with the ring, in C (PaUtil_ReadRingBuffer() there,
# rb_ring_read_frames() here).
MY_CDEF = """
unsigned long my_callback (RbRing *ring, float *out, unsigned long frames);
"""
MY_SOURCE = r"""
#include <string.h>
#include <ringbridge/ringbridge.h>

unsigned long
my_callback (RbRing *ring, float *out, unsigned long frames)
{
  size_t got = rb_ring_read_frames (ring, out, frames);
  size_t channels = rb_ring_get_channels (ring);

  memset (out + got * channels, 0, (frames - got) * channels * sizeof *out);
  return got;
}
"""

_module = None


def my_cffi_module():
    """ffibuilder = FFI()
    ffibuilder.cdef(pa_ringbuffer.cdef())      -> RingBridge.cffi_cdef()
    ffibuilder.cdef('/* my own declarations */')
    ffibuilder.set_source('_mycffimodule', '/* my implementation */',
        sources=['portaudio/src/common/pa_ringbuffer.c'])
                                     -> pkg-config ringbridge-1.0 instead
    ffibuilder.compile()"""
    global _module
    if _module is None:
        _module = cffibuild.build('_rb_migrating_pa_ringbuffer',
                                  RingBridge.cffi_cdef() + MY_CDEF, MY_SOURCE)
    return _module


def test_cffi_recipe():
    m = my_cffi_module()
    ffi, lib = m.ffi, m.lib
    # RingBuffer = pa_ringbuffer.init(ffi, lib); rb = RingBuffer(8, 1024):
    # nothing to init, the ring is a RingBridge.Ring
    ring = Ring.new_audio('F32LE', 2, 48000, 1024)
    tone = np.stack([np.sin(np.arange(300) / 10),
                     np.cos(np.arange(300) / 10)], axis=1).astype('f')
    assert ring.write_frames(tone) == 300
    # rb._ptr -> ring.cffi_pointer(ffi), handed to the C callback
    ptr = ring.cffi_pointer(ffi)
    out = ffi.new('float[]', 2 * 256)
    assert lib.my_callback(ptr, out, 256) == 256
    got = np.frombuffer(ffi.buffer(out), 'f').reshape(256, 2)
    assert np.array_equal(got, tone[:256])
    # the rest, then silence: a short read is counted
    assert lib.my_callback(ptr, out, 256) == 44
    got = np.frombuffer(ffi.buffer(out), 'f').reshape(256, 2)
    assert np.array_equal(got[:44], tone[256:]) and not got[44:].any()
    assert lib.rb_ring_get_underruns(ptr) == ring.get_underruns() == 1


def test_the_rt_calls_from_python_through_the_module():
    # lib.PaUtil_GetRingBufferReadAvailable(rb._ptr) and friends
    m = my_cffi_module()
    ffi, lib = m.ffi, m.lib
    ring = Ring.new_audio('F32LE', 2, 48000, 1024)
    ptr = ring.cffi_pointer(ffi)
    assert lib.rb_ring_write_frames_available(ptr) == \
        ring.get_capacity_frames()
    data = ffi.new('float[]', [1, 2, 3, 4])
    assert lib.rb_ring_write_frames(ptr, data, 2) == 2
    assert lib.rb_ring_read_frames_available(ptr) == 2
    assert ring.read_frames(2).tolist() == [[1, 2], [3, 4]]


def test_ringbuffer_methods():
    # rb = RingBuffer(elementsize=8, size=1024): frames of 2 float32
    ring = Ring.new_audio('F32LE', 2, 48000, 1024)
    assert ring.frame_size == 8                         # rb.elementsize
    frames = np.arange(20, dtype='f').reshape(10, 2)
    assert ring.write_frames(frames) == 10              # rb.write(data)
    assert ring.read_frames_available() == 10           # rb.read_available
    assert ring.write_frames_available() == \
        ring.get_capacity_frames() - 10                 # rb.write_available
    assert np.array_equal(ring.read_frames(4), frames[:4])   # rb.read(4)
    buf = np.empty((2, 2), 'f')
    assert ring.read_into(buf) == 16                    # rb.readinto(buf)
    assert np.array_equal(buf, frames[4:6])
    ring.reset()                                        # rb.flush()
    assert ring.read_frames_available() == 0
    # rb.get_write_buffers(n) + rb.advance_write_index(n): one region here,
    # contiguous even across the wrap (PortAudio hands out two)
    with ring.write_view(frames=3) as view:
        view.array[:] = frames[:3]                      # commits on leaving
    # rb.get_read_buffers(n) + rb.advance_read_index(n)
    view = ring.read_view(frames=3)
    assert np.array_equal(view.array, frames[:3])
    view.release(2 * ring.frame_size)                   # consume 2 of 3
    assert ring.read_frames_available() == 1


def test_any_size_needs_capacity():
    # PortAudio's ring needs a power of two of elements
    ring = Ring.new_audio('F32LE', 2, 48000, 1000)
    assert ring.get_capacity_frames() == 1000
    assert ring.write_frames(np.zeros((1200, 2), 'f')) == 1000


def test_any_element_size_needs_items():
    # RingBuffer(elementsize=12, size=...): any element size
    ring = Ring.new_items('f4', 1000, shape=(3,))
    assert ring.item_size == 12 and ring.capacity_items >= 1000
    items = np.arange(30, dtype='f4').reshape(10, 3)
    ring.write(items)
    assert np.array_equal(ring.read_items(10), items)
