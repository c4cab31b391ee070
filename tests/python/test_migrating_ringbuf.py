# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Migrating from ``ringbuf`` (seed 001: boost::lockfree::spsc_queue behind
Cython, C callbacks through a ``void *``): each documented example of its
README rewritten against ringbridge, as docs/migrating.md shows them.

Tests named ``*_needs_<branch>`` use API another branch of issue #15 adds
(docs/migrating.md says which): they fail until it is merged."""

import array

import numpy as np

from gi.repository import RingBridge

import cffibuild

Ring = RingBridge.Ring


# --- "Any Python object which supports the buffer protocol" ------------------

def test_floats():
    # buffer = RingBuffer(format='f', capacity=100)
    ring = Ring.new_audio('F32LE', 1, 48000, 100)
    data = np.linspace(-1, 1, num=100, dtype='f')
    # buffer.push(data)
    assert ring.write(data) == data.nbytes
    # popped = buffer.pop(100)
    popped = ring.read_frames(100).ravel()
    assert np.array_equal(data, popped)


def test_floats_needs_items():
    # RingBuffer(format='f', capacity=100): a ring of 100 float32 (exactly
    # 100 once the capacity branch is in too: test_bytes_needs_capacity)
    ring = Ring.new_items('f', 100)
    assert ring.capacity_items >= 100 and ring.item_size == 4
    assert ring.is_lock_free()
    data = np.linspace(-1, 1, num=100, dtype='f')
    ring.write(data)
    assert len(ring) == 100
    popped = ring.read_items(100)
    assert popped.dtype == np.float32 and np.array_equal(data, popped)


def test_bytes():
    # buffer = RingBuffer(format='B', capacity=11)
    ring = Ring.new(11)
    # buffer.push(b'hello world')
    ring.write(b'hello world')
    # popped = buffer.pop(11)
    popped = ring.read(11)
    assert bytes(popped) == b'hello world'


def test_bytes_needs_capacity():
    ring = Ring.new(11)
    assert ring.capacity == 11
    assert ring.write(b'hello world!') == 11


# --- "Interfacing with C/C++" -------------------------------------------------

# The seed's Cython callback, in C: the queue arrives as a void *, is cast
# back, and five doubles are pushed as bytes.  ringbridge's RbRing * takes
# the place of spsc_queue<char> *; rb_ring_write() is realtime-safe.
CALLBACK_C = r"""
#include <ringbridge/ringbridge.h>

static void
callback (void *q)
{
  RbRing *ring = q;
  double to_push[5] = { 1.0, 2.0, 3.0, 4.0, 5.0 };

  rb_ring_write (ring, (const guint8 *) to_push, sizeof (double) * 5);
}

/* the third-party library that schedules the callback */
static void
some_c_function (void (*cb) (void *), void *arg)
{
  cb (arg);
}

void
do_stuff (void *queue)
{
  some_c_function (callback, queue);
}
"""

_module = None


def callback_module():
    global _module
    if _module is None:
        _module = cffibuild.build(
            '_rb_migrating_ringbuf',
            RingBridge.cffi_cdef() + 'void do_stuff (void *queue);',
            CALLBACK_C)
    return _module


def test_c_callback_through_a_void_pointer():
    ffi, lib = callback_module().ffi, callback_module().lib
    # RingBuffer buffer = RingBuffer(format='d', capacity=100)
    ring = Ring.new(100 * 8)
    # void* queue = buffer.queue_void_ptr()
    queue = ffi.cast('void *', ring.c_pointer)
    # some_c_function(callback, queue)
    lib.do_stuff(queue)
    # assert array.array('d', buffer.pop(5)) == array.array('d', range(1, 6))
    assert array.array('d', ring.read(5 * 8)) == array.array('d', range(1, 6))


def test_c_callback_through_cffi_pointer():
    # the same with a CFFI module that declares RingBridge.cffi_cdef()
    # (test_migrating_pa_ringbuffer.py): ring.cffi_pointer(ffi) is an
    # RbRing * that also keeps the ring alive
    ffi, lib = callback_module().ffi, callback_module().lib
    ring = Ring.new_audio('F64LE', 1, 48000, 100)
    lib.do_stuff(ring.cffi_pointer(ffi))
    assert lib.rb_ring_read_frames_available(ring.cffi_pointer(ffi)) == 5
    assert ring.read_frames(5).ravel().tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


# --- "Handling overflow & underflow" ------------------------------------------

def test_overflow_returns_what_did_not_fit():
    # buffer = RingBuffer(format='B', capacity=10)
    # overflowed = buffer.push(b'spam eggs ham')
    # assert overflowed == b'ham'
    # (ringbridge's write() returns how much it took: the rest is what
    # overflowed.  Here the ring is filled until 10 bytes are free.)
    ring = Ring.new(10)
    ring.write(b'.' * (ring.capacity - 10))
    data = b'spam eggs ham'
    n = ring.write(data)
    overflowed = data[n:] or None
    assert overflowed == b'ham'
    assert ring.get_overruns() == 1          # and the ring counted it


def test_overflow_needs_capacity():
    # the seed's example as it stands: a ring of exactly 10 bytes
    ring = Ring.new(10)
    data = b'spam eggs ham'
    n = ring.write(data)
    assert data[n:] == b'ham'


def test_underflow_returns_what_there_is():
    ring = Ring.new(10)
    ring.write(b'spam')
    assert ring.read(10) == b'spam'
    assert ring.read(10) == b''


# --- the changelog: reset() and concatenate() ---------------------------------

def test_reset():
    ring = Ring.new(10)
    ring.write(b'spam')
    # buffer.reset()
    ring.reset()
    assert ring.read_available() == 0 and ring.read(10) == b''


def test_concatenate():
    # concatenate(a, b, c) then push: ringbridge writes the parts as one,
    # all or nothing, without joining them first
    ring = Ring.new(64)
    parts = [b'spam ', bytearray(b'eggs '), array.array('B', b'ham')]
    assert ring.write_many(parts) == 13
    assert ring.read(13) == b'spam eggs ham'
