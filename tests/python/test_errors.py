# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""GErrors arrive as GLib.Error with the documented domain and code, and
bad arguments raise Python exceptions before they reach C."""

import os
import resource
import struct
import textwrap

import pytest

from gi.repository import GLib, RingBridge

from conftest import assert_ring_error, python

E = RingBridge.RingError
Role = RingBridge.RingRole
Ring = RingBridge.Ring


def shm_path(name):
    return RingBridge.Ring.name_to_path(name)


@pytest.mark.parametrize('make', [
    lambda: Ring.new(0),
    lambda: Ring.new((1 << 31) + 1),
    lambda: Ring.new_full(0, RingBridge.RingFlags.OVERWRITE),
    lambda: Ring(capacity=0),
])
def test_invalid_capacity(make):
    with pytest.raises(GLib.Error) as ei:
        make()
    assert_ring_error(ei, E.INVALID_CAPACITY)
    assert 'capacity' in ei.value.message


@pytest.mark.parametrize('args', [
    ('NONE', 2, 48000, 100),
    ('F32LE', 0, 48000, 100),
    ('F32LE', RingBridge.RING_MAX_CHANNELS + 1, 48000, 100),
    ('S16LE', 2, 0, 100),
    ('S16LE', 2, RingBridge.RING_MAX_RATE + 1, 100),
])
def test_invalid_format(args):
    with pytest.raises(GLib.Error) as ei:
        Ring.new_audio(*args)
    assert_ring_error(ei, E.INVALID_FORMAT)


def test_invalid_flags():
    with pytest.raises(GLib.Error) as ei:
        Ring.new_full(4096, 1 << 7)
    assert_ring_error(ei, E.INVALID_FLAGS)
    with pytest.raises(GLib.Error) as ei:
        Ring.new_full(4096, RingBridge.RingFlags.OVERWRITE
                      | RingBridge.RingFlags.RECORDS)
    assert_ring_error(ei, E.INVALID_FLAGS)


@pytest.mark.parametrize('name', ['', 'a/b', '.hidden', 'sp ace', 'x' * 201,
                                  'caf\u00e9'])
def test_invalid_name(name):
    with pytest.raises(GLib.Error) as ei:
        Ring.create(name, 4096)
    assert_ring_error(ei, E.INVALID_NAME)
    with pytest.raises(GLib.Error) as ei:
        Ring.name_validate(name)
    assert_ring_error(ei, E.INVALID_NAME)
    assert Ring.name_to_path(name) is None


def test_valid_name_path(ring_name):
    assert Ring.name_validate(ring_name)
    assert Ring.name_to_path(ring_name) == '/dev/shm/ringbridge-' + ring_name


def test_exists(ring_name):
    first = Ring.create(ring_name, 4096)
    with pytest.raises(GLib.Error) as ei:
        Ring.create(ring_name, 4096)
    assert_ring_error(ei, E.EXISTS)
    assert str(os.getpid()) in ei.value.message
    first.close()


def test_not_found(ring_name):
    for call in (lambda: Ring.open(ring_name, Role.CONSUMER),
                 lambda: Ring.unlink(ring_name),
                 lambda: Ring.reclaim_stale(ring_name)):
        with pytest.raises(GLib.Error) as ei:
            call()
        assert_ring_error(ei, E.NOT_FOUND)


def test_permission_writable_by_others(ring_name):
    Ring.create(ring_name, 4096, role=Role.PRODUCER, mode=0o666)
    assert os.stat(shm_path(ring_name)).st_mode & 0o777 == 0o666
    with pytest.raises(GLib.Error) as ei:
        Ring.open(ring_name, Role.CONSUMER)
    assert_ring_error(ei, E.PERMISSION)
    consumer = Ring.open_full(ring_name, Role.CONSUMER,
                              RingBridge.RingOpenFlags.SHARED_WRITE)
    assert consumer.role == Role.CONSUMER


def write_file(path, data):
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def test_not_a_ring(ring_name):
    write_file(shm_path(ring_name), b'\0' * 8192)
    with pytest.raises(GLib.Error) as ei:
        Ring.open(ring_name, Role.CONSUMER)
    assert_ring_error(ei, E.NOT_A_RING)
    fd = os.open(shm_path(ring_name), os.O_RDWR)
    try:
        with pytest.raises(GLib.Error) as ei:
            Ring.new_from_fd(fd, Role.CONSUMER)
        assert_ring_error(ei, E.NOT_A_RING)
    finally:
        os.close(fd)


def patched_copy(ring_name, offset, fmt, value):
    """Copies a fresh ring's file with one header field changed and returns
    the copy's name."""
    Ring.create(ring_name, 4096, role=Role.PRODUCER).close()
    with open(shm_path(ring_name), 'rb') as f:
        data = bytearray(f.read())
    struct.pack_into(fmt, data, offset, value)
    bad = ring_name + '-bad'
    write_file(shm_path(bad), bytes(data))
    return bad


@pytest.mark.parametrize('offset, fmt, value, code', [
    (8, '<I', 99, E.INCOMPATIBLE),      # layout_version
    (16, '<Q', 8192, E.CORRUPT),        # capacity vs file size
], ids=['incompatible', 'corrupt'])
def test_bad_header(ring_name, offset, fmt, value, code):
    bad = patched_copy(ring_name, offset, fmt, value)
    try:
        with pytest.raises(GLib.Error) as ei:
            Ring.open(bad, Role.CONSUMER)
        assert_ring_error(ei, code)
    finally:
        Ring.unlink(bad)


def test_busy(ring_name):
    producer = Ring.create(ring_name, 4096, role=Role.PRODUCER)
    with pytest.raises(GLib.Error) as ei:
        Ring.open(ring_name, Role.PRODUCER)
    assert_ring_error(ei, E.BUSY)
    assert 'pid %d' % os.getpid() in ei.value.message
    producer.close()


def test_not_sealed():
    fd = os.memfd_create('not-sealed', os.MFD_CLOEXEC)
    try:
        os.ftruncate(fd, 8192)
        with pytest.raises(GLib.Error) as ei:
            Ring.new_from_fd(fd, Role.CONSUMER)
        assert_ring_error(ei, E.NOT_SEALED)
    finally:
        os.close(fd)


def test_invalid_role(ring_name, ring):
    Ring.create(ring_name, 4096, role=Role.PRODUCER)
    with pytest.raises(GLib.Error) as ei:
        Ring.open(ring_name, Role.READER)
    assert_ring_error(ei, E.INVALID_ROLE)
    with pytest.raises(GLib.Error) as ei:
        Ring.new_from_fd(ring.get_fd(), Role.READER)
    assert_ring_error(ei, E.INVALID_ROLE)


def test_no_memory_in_a_limited_process():
    # An address-space limit makes the mirrored mapping fail: ENOMEM.
    code = textwrap.dedent('''
        import resource
        import gi
        gi.require_version('RingBridge', '1.0')
        from gi.repository import GLib, RingBridge
        resource.setrlimit(resource.RLIMIT_AS, (%d, %d))
        try:
            RingBridge.Ring.new(1 << 28)
        except GLib.Error as e:
            print(e.domain, RingBridge.RingError(e.code).value_nick)
    ''')
    soft = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    limit = max(soft * 4, 1 << 28)
    out = python(['-c', code % (limit, limit)]).stdout.split()
    assert out == ['rb-ring-error-quark', 'no-memory']


def test_error_is_catchable_by_code():
    try:
        Ring.new(0)
    except GLib.Error as e:
        assert RingBridge.RingError(e.code) == E.INVALID_CAPACITY
    else:
        pytest.fail('no error')


# --- Python-side argument checks -------------------------------------------

@pytest.mark.parametrize('call', [
    lambda r: r.read(-1),
    lambda r: r.peek(-5),
    lambda r: r.skip(-1),
    lambda r: r.read_at(-1, 4),
    lambda r: r.read_at(0, -4),
    lambda r: r.check_range(0, -1),
    lambda r: r.read_view(-1),
    lambda r: r.write_view(-8),
    lambda r: r.read_view(frames=-1),
    lambda r: r.wait_readable(-1, 0),
    lambda r: r.wait_readable(8192, 0),
    lambda r: r.wait_writable(1 << 40, 0),
    lambda r: r.wait_position(-1, 0),
    lambda r: r.read_at(1 << 64, 1),
])
def test_negative_and_oversized_arguments(ring, call):
    with pytest.raises(ValueError):
        call(ring)


@pytest.mark.parametrize('call', [
    lambda r: r.read(1.5),
    lambda r: r.read('3'),
    lambda r: r.read(True),
    lambda r: r.write('text'),
    lambda r: r.write(12),
    lambda r: r.write(None),
    lambda r: r.read_into(b'immutable'),
    lambda r: r.wait_readable(1, 0.5),
    lambda r: r.read_view(4, frames=1),
])
def test_wrong_types(ring, call):
    with pytest.raises((TypeError, BufferError)):
        call(ring)


def test_read_into_readonly_buffer(ring):
    ring.write(b'abc')
    with pytest.raises((TypeError, BufferError)):
        ring.read_into(memoryview(bytearray(3)).toreadonly())
    assert ring.read(3) == b'abc'


def test_non_contiguous_buffers_are_refused(ring):
    with pytest.raises(BufferError):
        ring.write(memoryview(b'abcdef')[::2])
    import numpy as np
    with pytest.raises(BufferError):
        ring.write(np.arange(10, dtype=np.uint8)[::2])
    with pytest.raises(BufferError):
        ring.write(np.zeros((4, 4), np.uint8).T)
    assert ring.read_available() == 0


@pytest.mark.parametrize('make', [
    lambda: Ring.new(-1),
    lambda: Ring.new_full(-4096),
    lambda: Ring.new_audio('F32LE', -2, 48000, 100),
    lambda: Ring.new_audio('F32LE', 2, -48000, 100),
    lambda: Ring.new_audio('F32LE', 2, 48000, -100),
    lambda: Ring.create('x', -1),
    lambda: Ring.new_from_fd(-1, Role.CONSUMER),
    lambda: Ring.new_audio('bogus', 2, 48000, 100),
    lambda: Ring.new_audio(99, 2, 48000, 100),
])
def test_bad_constructor_arguments(make):
    with pytest.raises(ValueError):
        make()


def test_gerror_of_constructor_leaves_no_object():
    with pytest.raises(GLib.Error):
        Ring(capacity=0, sample_format='S16LE', channels=2, rate=8000)


# --- bad argument values are ValueError, run-time failures GLib.Error -------

@pytest.mark.parametrize('make', [
    lambda: Ring.new(0),
    lambda: Ring.new((1 << 31) + 1),
    lambda: Ring.new_full(0, RingBridge.RingFlags.OVERWRITE),
    lambda: Ring.new_full(4096, 0xff),
    lambda: Ring.new_full(4096, RingBridge.RingFlags.OVERWRITE
                          | RingBridge.RingFlags.RECORDS),
    lambda: Ring.new_audio('F32LE', 0, 48000, 100),
    lambda: Ring.new_audio('S16LE', 2, 0, 100),
    lambda: Ring.new_audio('S16LE', 2, 48000, 0),
    lambda: Ring(capacity=0),
    lambda: Ring(capacity=4096, sample_format='S16LE', channels=0,
                 rate=48000),
    lambda: Ring.create('a/b', 4096),
    lambda: Ring.create('ok-name-but-no-capacity', 0),
    lambda: Ring.open('a/b', Role.CONSUMER),
    lambda: Ring.open_full('.hidden', Role.CONSUMER,
                           RingBridge.RingOpenFlags.NONE),
    lambda: Ring.unlink('sp ace'),
    lambda: Ring.reclaim_stale(''),
])
def test_bad_argument_values_raise_value_error(make):
    with pytest.raises(ValueError) as ei:
        make()
    err = ei.value
    # still the GLib.Error it was, for callers that catch that
    assert isinstance(err, GLib.Error)
    assert err.domain == 'rb-ring-error-quark'
    assert RingBridge.RingError(err.code) in (
        E.INVALID_CAPACITY, E.INVALID_FORMAT, E.INVALID_FLAGS,
        E.INVALID_NAME, E.INVALID_ROLE)
    assert isinstance(err, RingBridge.RingArgumentError)
    assert err.message in str(err)


def test_invalid_role_of_the_ring_is_value_error(ring_name, ring):
    Ring.create(ring_name, 4096, role=Role.PRODUCER)
    with pytest.raises(ValueError):
        Ring.open(ring_name, Role.READER)
    with pytest.raises(ValueError):
        Ring.new_from_fd(ring.get_fd(), Role.READER)


def test_run_time_failures_stay_plain_glib_errors(ring_name):
    with pytest.raises(GLib.Error) as ei:
        Ring.open(ring_name, Role.CONSUMER)
    assert_ring_error(ei, E.NOT_FOUND)
    assert not isinstance(ei.value, ValueError)
    first = Ring.create(ring_name, 4096)
    with pytest.raises(GLib.Error) as ei:
        Ring.create(ring_name, 4096)
    assert_ring_error(ei, E.EXISTS)
    assert not isinstance(ei.value, ValueError)
    first.close()


@pytest.mark.parametrize('flags', [255, 1 << 7, RingBridge.RingFlags(0xff)])
def test_constructor_refuses_unknown_flags(flags):
    # GObject would warn and make a ring with flags 0: raise as new_full.
    with pytest.raises(ValueError) as ei:
        Ring(flags=flags, capacity=4096)
    assert 'flags' in str(ei.value)
    with pytest.raises(ValueError) as ei:
        Ring.new_full(4096, flags)
    assert 'flags' in str(ei.value)


@pytest.mark.parametrize('call', [
    lambda r: r.read(10, timeout=-5),
    lambda r: r.read(10, timeout=-0.001),
    lambda r: r.read(10, timeout=-1),
    lambda r: r.read_into(bytearray(4), timeout=-2),
    lambda r: r.read_frames(4, timeout=-1),
    lambda r: r.wait_readable(1, -5),
    lambda r: r.wait_writable(1, -2),
    lambda r: r.wait_position(1, -100),
])
def test_negative_timeouts_are_errors(ring, call):
    # -1 us in the wait_* calls is C's "for ever"; other negatives and any
    # negative timeout in seconds are mistakes, not "for ever".
    with pytest.raises(ValueError) as ei:
        call(ring)
    assert 'negative' in str(ei.value)
