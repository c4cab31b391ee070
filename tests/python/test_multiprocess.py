# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""A producer and a consumer in different processes, through a named ring
and through a passed file descriptor, compared by checksum."""

import multiprocessing
import os
import subprocess
import sys

import pytest

from gi.repository import RingBridge

import ringpeers
from conftest import HERE

Role = RingBridge.RingRole
NBYTES = 4 * 1024 * 1024 + 321        # through a 64 KiB ring: many wraps
CAPACITY = 65536
PEERS = os.path.join(HERE, 'ringpeers.py')


def start(args, **kwargs):
    return subprocess.Popen([sys.executable, PEERS] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


def finish(proc):
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    count, digest = out.split()
    return int(count), digest


@pytest.mark.parametrize('views', [False, True])
def test_named_ring_to_subprocess_consumer(ring_name, views):
    ring = RingBridge.Ring.create(ring_name, CAPACITY, role=Role.PRODUCER)
    proc = start(['consume-named', ring_name] + (['views'] if views else []))
    sent = ringpeers.produce(ring, NBYTES, seed=1)
    assert finish(proc) == sent == ringpeers.expected(NBYTES, 1)


@pytest.fixture
def spawn():
    return multiprocessing.get_context('spawn')


def test_named_ring_from_multiprocessing_producer(ring_name, spawn):
    ring = RingBridge.Ring.create(ring_name, CAPACITY, role=Role.CONSUMER)
    here, there = spawn.Pipe()
    p = spawn.Process(target=ringpeers.mp_produce_named,
                      args=(ring_name, NBYTES, 2, there))
    p.start()
    got = ringpeers.consume(ring)
    sent = here.recv()
    p.join()
    assert p.exitcode == 0
    assert got == sent == ringpeers.expected(NBYTES, 2)


def test_fd_passed_with_pass_fds():
    ring = RingBridge.Ring.new(CAPACITY)
    fd = ring.get_fd()
    proc = start(['produce-fd', str(fd), str(NBYTES), '3'], pass_fds=[fd])
    got = ringpeers.consume(ring)
    assert got == finish(proc) == ringpeers.expected(NBYTES, 3)
    assert ring.get_peer_state() == RingBridge.PeerState.GONE


def test_fd_passed_to_a_subprocess_consumer():
    ring = RingBridge.Ring.new(CAPACITY)
    fd = ring.get_fd()
    proc = start(['consume-fd', str(fd)], pass_fds=[fd])
    sent = ringpeers.produce(ring, NBYTES, seed=4)
    assert finish(proc) == sent


def test_fd_passed_by_multiprocessing_reduction(spawn):
    ring = RingBridge.Ring.new(CAPACITY)
    here, there = spawn.Pipe()
    with ring.share(Role.CONSUMER) as handle:
        p = spawn.Process(target=ringpeers.mp_consume_handle,
                          args=(handle, there))
        p.start()
    sent = ringpeers.produce(ring, NBYTES, seed=5)
    got = here.recv()
    p.join()
    assert p.exitcode == 0
    assert got == sent


def test_fd_passed_through_a_queue(spawn):
    ring = RingBridge.Ring.new(CAPACITY)
    queue = spawn.Queue()
    here, there = spawn.Pipe()
    p = spawn.Process(target=ringpeers.mp_consume_from_queue,
                      args=(queue, there))
    p.start()
    handle = ring.share(Role.CONSUMER)
    queue.put(handle)
    sent = ringpeers.produce(ring, NBYTES, seed=6)
    got = here.recv()
    p.join()
    handle.close()
    assert p.exitcode == 0
    assert got == sent


def test_fd_inherited_by_fork():
    # the fork happens in a fresh single-threaded interpreter (ringpeers'
    # fork_pair says why), the child using the ring through the descriptor
    # it inherited
    proc = start(['fork', str(NBYTES), '7'])
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    sent, got = [line.split() for line in out.splitlines()]
    assert (int(got[0]), got[1]) == (int(sent[0]), sent[1]) == \
        ringpeers.expected(NBYTES, 7)


def test_handle_cannot_be_pickled_otherwise(ring):
    import pickle
    with ring.share(Role.CONSUMER) as handle:
        with pytest.raises(TypeError):
            pickle.dumps(handle)


def test_create_or_take_over_and_name_is_ring(ring_name):
    R = RingBridge.Ring
    TakeOver = RingBridge.RingTakeOver
    ring, how, reason = R.create_or_take_over(
        ring_name, 4096, RingBridge.RingFlags.NONE,
        RingBridge.SampleFormat.NONE, 0, 0, RingBridge.RingRole.PRODUCER,
        0o600, RingBridge.RingOpenFlags.NONE)
    assert how == TakeOver.CREATED and reason is None
    assert ring.get_capacity() == 4096
    assert ring.name_is_ring()
    # a consumer lives, the producer left: the role is taken over
    consumer = R.open(ring_name, RingBridge.RingRole.CONSUMER)
    ring.close()
    again, how, reason = R.create_or_take_over(
        ring_name, 64, RingBridge.RingFlags.NONE,
        RingBridge.SampleFormat.S16LE, 2, 48000,
        RingBridge.RingRole.PRODUCER, 0o600, RingBridge.RingOpenFlags.NONE)
    assert how == TakeOver.ATTACHED and 'already exists' in reason
    assert again.get_capacity() == 4096
    R.unlink(ring_name)
    assert not again.name_is_ring()
    again.close()
    consumer.close()
