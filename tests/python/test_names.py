# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Named rings from Python for a first user: Ring.open() can wait for the
ring to appear (either side may start first), and create() offers the
obvious choices for a name that is taken (fail, reuse, replace)."""

import threading
import time

import pytest

from gi.repository import GLib, RingBridge

from conftest import unique_name

R = RingBridge.Ring
ROLE = RingBridge.RingRole
E = RingBridge.RingError
QUARK = RingBridge.ring_error_quark()


def later(seconds, function):
    timer = threading.Timer(seconds, function)
    timer.start()
    return timer


# --- Ring.open(..., timeout=) ----------------------------------------------

def test_open_waits_for_the_ring_to_appear(ring_name):
    made = []
    timer = later(0.3, lambda: made.append(R.create(ring_name, 4096,
                                                    role=ROLE.PRODUCER)))
    try:
        start = time.monotonic()
        consumer = R.open(ring_name, ROLE.CONSUMER, timeout=30)
        waited = time.monotonic() - start
    finally:
        timer.join()
    assert waited >= 0.25               # it did wait for the creator
    made[0].write(b'hello')
    assert consumer.read(5) == b'hello'
    consumer.close()
    made[0].close()


def test_open_full_waits_too(ring_name):
    made = []
    timer = later(0.2, lambda: made.append(R.create(ring_name, 4096,
                                                    role=ROLE.PRODUCER)))
    try:
        consumer = R.open_full(ring_name, ROLE.CONSUMER,
                               RingBridge.RingOpenFlags.NONE, timeout=None)
    finally:
        timer.join()
    assert consumer.get_name() == ring_name
    consumer.close()
    made[0].close()


def test_open_without_timeout_does_not_wait(ring_name):
    start = time.monotonic()
    with pytest.raises(GLib.Error) as info:
        R.open(ring_name, ROLE.CONSUMER)
    assert info.value.matches(QUARK, E.NOT_FOUND)
    assert time.monotonic() - start < 0.5


def test_open_timeout_ends_with_not_found_saying_how_long(ring_name):
    start = time.monotonic()
    with pytest.raises(GLib.Error) as info:
        R.open(ring_name, ROLE.CONSUMER, timeout=0.2)
    assert time.monotonic() - start >= 0.2
    assert info.value.matches(QUARK, E.NOT_FOUND)
    assert "no ring '%s' appeared within 0.2 s" % ring_name \
        in info.value.message


def test_open_refuses_a_bad_name_at_once():
    start = time.monotonic()
    with pytest.raises(RingBridge.RingArgumentError):
        R.open('a/b', ROLE.CONSUMER, timeout=None)
    assert time.monotonic() - start < 0.5


@pytest.mark.parametrize('timeout, kind', [(-1, ValueError),
                                           ('1', TypeError),
                                           (float('nan'), ValueError)])
def test_open_checks_the_timeout(ring_name, timeout, kind):
    with pytest.raises(kind):
        R.open(ring_name, ROLE.CONSUMER, timeout=timeout)


def test_open_other_errors_are_not_waited_on(ring_name):
    # The consumer role is taken: that is no reason to wait. (Taken by a
    # consumer: a creator holding both roles lets another object of its
    # process take one, as a peer process could.)
    owner = R.create(ring_name, 4096, role=ROLE.CONSUMER)
    try:
        start = time.monotonic()
        with pytest.raises(GLib.Error) as info:
            R.open(ring_name, ROLE.CONSUMER, timeout=10)
        assert info.value.matches(QUARK, E.BUSY)
        assert time.monotonic() - start < 2
    finally:
        owner.close()


# --- create(..., exists=) -------------------------------------------------

def test_create_exists_fail_is_the_default(ring_name):
    first = R.create(ring_name, 4096, role=ROLE.PRODUCER)
    try:
        with pytest.raises(GLib.Error) as info:
            R.create(ring_name, 4096, role=ROLE.PRODUCER)
        assert info.value.matches(QUARK, E.EXISTS)
        with pytest.raises(GLib.Error) as info:
            R.create(ring_name, 4096, role=ROLE.PRODUCER, exists='fail')
        assert info.value.matches(QUARK, E.EXISTS)
    finally:
        first.close()


def test_create_exists_reuse_takes_the_free_role(ring_name):
    producer = R.create_audio(ring_name, 'F32LE', 2, 48000, 1024,
                              role=ROLE.PRODUCER)
    try:
        consumer = R.create_audio(ring_name, 'F32LE', 2, 48000, 512,
                                  role=ROLE.CONSUMER, exists='reuse')
        producer.write(bytes(range(16)))
        assert consumer.read(16) == bytes(range(16))
        consumer.close()
    finally:
        producer.close()


def test_create_exists_reuse_makes_the_ring_when_the_name_is_free(ring_name):
    ring = R.create(ring_name, 4096, role=ROLE.PRODUCER, exists='reuse')
    assert ring.get_name() == ring_name
    assert ring.get_capacity() >= 4096
    ring.close()


@pytest.mark.parametrize('make_other, wrong', [
    (lambda n: R.create_audio(n, 'S16LE', 2, 48000, 1024,
                              role=ROLE.CONSUMER),
     'sample format s16le, not f32le'),
    (lambda n: R.create_audio(n, 'F32LE', 1, 48000, 1024,
                              role=ROLE.CONSUMER), 'channels 1, not 2'),
    (lambda n: R.create_audio(n, 'F32LE', 2, 44100, 1024,
                              role=ROLE.CONSUMER), 'rate 44100, not 48000'),
    (lambda n: R.create_audio(n, 'F32LE', 2, 48000, 64,
                              role=ROLE.CONSUMER), 'fewer than the 4096'),
    (lambda n: R.create(n, 4096, role=ROLE.CONSUMER), 'sample format'),
])
def test_create_exists_reuse_refuses_a_ring_that_does_not_fit(
        ring_name, make_other, wrong):
    other = make_other(ring_name)
    try:
        with pytest.raises(GLib.Error) as info:
            R.create_audio(ring_name, 'F32LE', 2, 48000, 4096,
                           role=ROLE.PRODUCER, exists='reuse')
        assert info.value.matches(QUARK, E.EXISTS)
        assert "ring '%s' exists but does not fit" % ring_name \
            in info.value.message
        assert wrong in info.value.message, info.value.message
        assert "exists='replace'" in info.value.message
        # ... and the role it took to look is given back
        again = R.open(ring_name, ROLE.PRODUCER)
        again.close()
    finally:
        other.close()


@pytest.mark.parametrize('flags, wrong', [
    (RingBridge.RingFlags.RECORDS, 'records True, not False'),
    (RingBridge.RingFlags.OVERWRITE, 'overwrite True, not False'),
])
def test_create_exists_reuse_compares_the_kind_of_byte_ring(ring_name, flags,
                                                            wrong):
    other = R.create(ring_name, 4096, flags, role=ROLE.CONSUMER)
    try:
        with pytest.raises(GLib.Error) as info:
            R.create(ring_name, 4096, role=ROLE.PRODUCER, exists='reuse')
        assert wrong in info.value.message, info.value.message
    finally:
        other.close()


def test_create_exists_replace_makes_a_new_ring(ring_name):
    old = R.create(ring_name, 4096)             # both roles: in use
    try:
        new = R.create(ring_name, 8192, role=ROLE.PRODUCER,
                       exists='replace')
        assert new.get_capacity() >= 8192
        # the old ring's user keeps its ring, undisturbed
        old.write(b'old')
        assert old.read(3) == b'old'
        new.write(b'new')
        consumer = R.open(ring_name, ROLE.CONSUMER)
        assert consumer.read(3) == b'new'
        consumer.close()
        new.close()
    finally:
        old.close()


def test_create_exists_replace_when_the_name_is_free(ring_name):
    ring = R.create(ring_name, 4096, exists='replace')
    assert ring.get_name() == ring_name
    ring.close()


@pytest.mark.parametrize('bad', ['overwrite', None, True, ''])
def test_create_checks_the_exists_choice(bad):
    name = unique_name('exists')
    with pytest.raises(ValueError) as info:
        R.create(name, 4096, exists=bad)
    assert "'fail', 'reuse', 'replace'" in str(info.value)
    with pytest.raises(ValueError):
        R.create_audio(name, 'F32LE', 2, 48000, 256, exists=bad)
    with pytest.raises(GLib.Error) as info:        # nothing was made
        R.open(name, ROLE.CONSUMER)
    assert info.value.matches(QUARK, E.NOT_FOUND)
