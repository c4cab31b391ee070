# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Producer and consumer loops for the cross-process tests.

Importable (multiprocessing targets) and runnable as a script:

    ringpeers.py consume-named NAME [views]
    ringpeers.py consume-fd FD
    ringpeers.py produce-fd FD NBYTES SEED
    ringpeers.py fork NBYTES SEED

`fork` makes an anonymous ring, forks, and the child (a copy of this
single-threaded interpreter) consumes through the inherited descriptor
while the parent produces; it prints the producer's "count sha256" and
the consumer's on a second line.

A consumer prints (or returns) "count sha256" of everything it read until
the end of the stream; a producer writes NBYTES pseudo-random bytes from
SEED in uneven chunks, marks the end of the stream, and prints the same.
"""

import hashlib
import os
import random
import signal
import sys
import threading

import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import RingBridge  # noqa: E402

W = RingBridge.WaitResult
Role = RingBridge.RingRole
TIMEOUT_US = 60 * 1000 * 1000


def stream(nbytes, seed):
    """The bytes a producer sends, in uneven chunks."""
    rnd = random.Random(seed)
    sent = 0
    while sent < nbytes:
        chunk = rnd.randbytes(min(nbytes - sent, rnd.randrange(1, 20000)))
        sent += len(chunk)
        yield chunk


def expected(nbytes, seed):
    h = hashlib.sha256()
    for chunk in stream(nbytes, seed):
        h.update(chunk)
    return nbytes, h.hexdigest()


def produce(ring, nbytes, seed):
    h = hashlib.sha256()
    for chunk in stream(nbytes, seed):
        h.update(chunk)
        view = memoryview(chunk)
        while view:
            n = ring.write(view)
            view = view[n:]
            if view:
                res = ring.wait_writable(min(len(view), ring.capacity),
                                         TIMEOUT_US)
                if res not in (W.READY,):
                    raise RuntimeError('producer: wait ended %s' % res)
    ring.set_end_of_stream()
    return nbytes, h.hexdigest()


def consume(ring, views=False):
    h = hashlib.sha256()
    count = 0
    while True:
        if views:
            with ring.read_view() as v:
                h.update(v.memoryview)
                n = v.nbytes
        else:
            data = ring.read(65536)
            h.update(data)
            n = len(data)
        count += n
        if n:
            continue
        if ring.is_end_of_stream():
            return count, h.hexdigest()
        res = ring.wait_readable(1, TIMEOUT_US)
        if res == W.TIMEOUT:
            raise RuntimeError('consumer: the producer stalled')
        if res == W.PEER_GONE and not ring.read_available() \
                and not ring.is_end_of_stream():
            raise RuntimeError('consumer: the producer died')


# --- multiprocessing targets ----------------------------------------------

def mp_consume_handle(handle, conn):
    with handle:
        ring = handle.open()
    conn.send(consume(ring, views=True))


def mp_consume_from_queue(queue, conn):
    with queue.get() as handle:
        ring = handle.open()
    conn.send(consume(ring))


def mp_produce_named(name, nbytes, seed, conn):
    ring = RingBridge.Ring.open(name, Role.PRODUCER)
    conn.send(produce(ring, nbytes, seed))


def fork_pair(nbytes, seed, capacity=65536):
    """A parent producing and a forked child consuming one anonymous ring
    through the descriptor the child inherits (no exec, no passing).

    Run in a fresh interpreter: fork copies only the calling thread, and a
    child forked from a process with other threads (pytest's, GStreamer's
    from earlier tests) can deadlock in a lock one of them held at the fork
    (POSIX allows a forked child only async-signal-safe calls then; seen
    under ASan). This process has one thread, as a program that forks a
    worker after making its ring does."""
    if threading.active_count() != 1:
        raise RuntimeError('fork_pair: %d threads, want 1'
                           % threading.active_count())
    ring = RingBridge.Ring.new(capacity)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:                                    # the child
        code = 1
        try:
            signal.alarm(90)            # a stuck child ends, never hangs
            os.close(r)
            peer = RingBridge.Ring.new_from_fd(ring.get_fd(), Role.CONSUMER)
            count, digest = consume(peer)
            os.write(w, ('%d %s' % (count, digest)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    try:
        sent = produce(ring, nbytes, seed)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    with os.fdopen(r) as f:
        out = f.read().split()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or len(out) != 2:
        raise RuntimeError('fork_pair: the child failed (status %#x)' % status)
    return sent, (int(out[0]), out[1])


def main(argv):
    if argv[1] == 'consume-named':
        ring = RingBridge.Ring.open(argv[2], Role.CONSUMER)
        result = consume(ring, views=len(argv) > 3)
    elif argv[1] == 'consume-fd':
        ring = RingBridge.Ring.new_from_fd(int(argv[2]), Role.CONSUMER)
        result = consume(ring)
    elif argv[1] == 'produce-fd':
        ring = RingBridge.Ring.new_from_fd(int(argv[2]), Role.PRODUCER)
        result = produce(ring, int(argv[3]), int(argv[4]))
    elif argv[1] == 'fork':
        sent, got = fork_pair(int(argv[2]), int(argv[3]))
        print(*sent)
        result = got
    else:
        raise SystemExit('unknown command %r' % argv[1])
    print(*result)


if __name__ == '__main__':
    main(sys.argv)
