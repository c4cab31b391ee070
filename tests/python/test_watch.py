# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Readiness for main loops (issue #14): ring.watch(), its GLib source, and
the asyncio helpers, fed by a producer in ANOTHER PROCESS.  The loops run
no thread of their own and no timeout: the tests prove it by walking the
GLib context's sources and by recording every timeout asyncio's selector
is asked to wait with."""

import asyncio
import hashlib
import selectors
import signal
import subprocess
import sys
import threading

import pytest

from gi.repository import GLib, RingBridge

from conftest import assert_ring_error

C = RingBridge.RingCondition
Role = RingBridge.RingRole
E = RingBridge.RingError

CHUNK = 1000
CHUNKS = 40

# The producer: another interpreter that attaches to the named ring, writes
# CHUNKS chunks of CHUNK pseudo-random bytes a few milliseconds apart (so
# the consumer sleeps between them), marks the end and leaves.
PRODUCER = r'''
import random, sys, time
import gi
gi.require_version('RingBridge', '1.0')
from gi.repository import RingBridge
name, chunks, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ring = RingBridge.Ring.open(name, RingBridge.RingRole.PRODUCER)
print('attached', flush=True)
sys.stdin.readline()
rnd = random.Random(7)
for i in range(chunks):
    data = memoryview(rnd.randbytes(size))
    while data:
        data = data[ring.write(data):]
        if data and ring.wait_writable(len(data), 10**7) != \
                RingBridge.WaitResult.READY:
            sys.exit(3)         # the consumer left or never read: no spinning
    time.sleep(0.003)
if sys.argv[4] == 'hang':
    time.sleep(120)             # the test kills it long before
ring.set_end_of_stream()
ring.close()
'''


def expected_digest(chunks=CHUNKS, size=CHUNK):
    import random
    rnd = random.Random(7)
    h = hashlib.sha256()
    for _ in range(chunks):
        h.update(rnd.randbytes(size))
    return h.hexdigest()


_LIVE_PRODUCERS = []


@pytest.fixture(autouse=True)
def _no_producer_outlives_its_test():
    # a test that fails before finish() or kill() must not leave its
    # producer behind (one spun for hours after an interrupted run)
    yield
    while _LIVE_PRODUCERS:
        proc = _LIVE_PRODUCERS.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)


class Producer:
    """The producer process, started attached and held until go()."""

    def __init__(self, name, ending='end'):
        self.proc = subprocess.Popen(
            [sys.executable, '-c', PRODUCER, name, str(CHUNKS), str(CHUNK),
             ending], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True)
        _LIVE_PRODUCERS.append(self.proc)
        assert self.proc.stdout.readline() == 'attached\n'

    def go(self):
        self.proc.stdin.write('go\n')
        self.proc.stdin.flush()

    def _close(self):
        self.proc.stdin.close()
        self.proc.stdout.close()

    def finish(self):
        assert self.proc.wait(timeout=60) == 0
        self._close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self._close()


@pytest.fixture
def consumer(ring_name):
    ring = RingBridge.Ring.create(ring_name, 8192, role=Role.CONSUMER)
    yield ring
    ring.close()


def context_sources(ctx):
    """The ids of every source attached to ``ctx`` (ids are per context
    and counted from 1: a probe source gives the highest)."""
    probe = GLib.Idle()
    top = probe.attach(ctx)
    probe.destroy()
    found = []
    for i in range(1, top):
        s = ctx.find_source_by_id(i)
        if s is not None and not s.is_destroyed():
            found.append(s.get_id())
    return found


# --- bad input ----------------------------------------------------------------

def test_watch_bad_input(ring, ring_name):
    with pytest.raises(ValueError) as excinfo:
        ring.watch(readable=4097)
    assert_ring_error(excinfo, E.INVALID_CAPACITY)
    assert 'watch threshold of 4097 bytes is larger than the ring (4096 ' \
        'bytes)' in str(excinfo.value)
    with pytest.raises(ValueError) as excinfo:
        ring.watch()
    assert_ring_error(excinfo, E.INVALID_FLAGS)
    assert 'invalid watch conditions 0x0' in str(excinfo.value)
    with pytest.raises(ValueError, match='share one threshold'):
        ring.watch(readable=10, writable=20)
    with pytest.raises(ValueError, match='byte count'):
        ring.watch(readable=-1)
    with pytest.raises(ValueError, match='chunk size'):
        asyncio.run(anext(ring.chunks(0)))
    producer = RingBridge.Ring.create(ring_name, 4096, role=Role.PRODUCER)
    with pytest.raises(ValueError) as excinfo:
        producer.watch(readable=1)
    assert_ring_error(excinfo, E.INVALID_ROLE)
    assert "cannot watch a producer's ring for data" in str(excinfo.value)
    producer.close()
    w = ring.watch(readable=1)
    ring.close()
    with pytest.raises(RingBridge.RingClosedError):
        ring.watch(readable=1)
    with pytest.raises(RingBridge.RingClosedError):
        w.check()
    with pytest.raises(RingBridge.RingClosedError):
        asyncio.run(ring.wait_readable_async(1))


def test_watch_conditions(ring):
    w = ring.watch(readable=100, end_of_stream=True)
    assert w.threshold == 100
    assert w.check() == 0
    ring.write(b'x' * 99)
    assert w.check() == 0
    ring.write(b'x')
    assert w.check() == C.READABLE
    ring.read(100)
    ring.set_end_of_stream()
    assert w.check() == C.END_OF_STREAM
    assert w.check() == 0
    w.close()
    w.close()
    with pytest.raises(RingBridge.RingClosedError):
        w.fileno()
    # the introspected C API works too
    cw = RingBridge.RingWatch.new(ring, C.WRITABLE, 10)
    assert cw.get_fd() >= 0
    assert cw.check() == C.WRITABLE


# --- a GLib main loop ------------------------------------------------------------

def test_glib_loop_receives_another_process_stream(consumer, ring_name):
    """A GLib main loop gets the whole stream through the watch's source:
    no thread, no timeout source, one loop iteration per wake-up."""
    threads = threading.active_count()
    ctx = GLib.MainContext.new()
    h = hashlib.sha256()
    state = {'bytes': 0, 'eos': False, 'dispatches': 0}

    def on_ready(watch, held):
        state['dispatches'] += 1
        data = consumer.read(8192)
        h.update(data)
        state['bytes'] += len(data)
        if held & C.END_OF_STREAM:
            rest = consumer.read(8192)
            h.update(rest)
            state['bytes'] += len(rest)
            state['eos'] = True
        return GLib.SOURCE_CONTINUE

    watch = consumer.watch(readable=1, end_of_stream=True)
    source = watch.source(on_ready)
    source.attach(ctx)
    producer = Producer(ring_name)
    # the only source of the context is the watch's, which sets no timeout
    assert context_sources(ctx) == [source.get_id()]
    producer.go()
    iterations = 0
    while not state['eos']:
        ctx.iteration(True)         # blocks: only the fd can wake it
        iterations += 1
        assert context_sources(ctx) == [source.get_id()]
        assert threading.active_count() == threads
    producer.finish()
    assert state['bytes'] == CHUNK * CHUNKS
    assert h.hexdigest() == expected_digest()
    # every wake-up was for the stream: at most one per chunk written (and
    # its end), however long each sleep was; each iteration that dispatched
    # is followed by one the probe of context_sources() wakes
    print('glib: %d iterations, %d dispatches' % (iterations, state['dispatches']))
    assert state['dispatches'] <= CHUNKS + 2
    assert iterations <= 2 * (CHUNKS + 2)
    source.destroy()
    watch.close()


def test_glib_source_removed_by_callback(ring):
    ctx = GLib.MainContext.new()
    calls = []
    watch = ring.watch(readable=1)
    source = watch.source(lambda w, held, tag: calls.append((held, tag)),
                          'tag')
    source.attach(ctx)
    ring.write(b'x')
    ctx.iteration(True)
    assert calls == [(C.READABLE, 'tag')]
    assert source.is_destroyed()     # the callback returned None: removed
    with pytest.raises(TypeError):
        watch.source(None)


# --- asyncio ---------------------------------------------------------------------

class RecordingSelector(selectors.DefaultSelector):
    """Records the timeout of every select(): None is 'until an fd is
    ready', 0 is a poll because callbacks are already due."""

    def __init__(self):
        super().__init__()
        self.timeouts = []

    def select(self, timeout=None):
        self.timeouts.append(timeout)
        return super().select(timeout)


def run_recorded(coro):
    selector = RecordingSelector()
    loop = asyncio.SelectorEventLoop(selector)
    try:
        return loop.run_until_complete(coro(loop)), selector
    finally:
        loop.close()


def test_asyncio_chunks_from_another_process(consumer, ring_name):
    """``async for chunk in ring.chunks(n)`` gets the whole stream of a
    producer process; the loop never waits with a timeout and has no timer
    scheduled, and it starts no thread."""
    threads = threading.active_count()
    producer = Producer(ring_name)

    async def receive(loop):
        h = hashlib.sha256()
        sizes = []
        producer.go()
        async for chunk in consumer.chunks(700):
            assert not loop._scheduled          # no timer of any kind
            assert threading.active_count() == threads
            h.update(chunk)
            sizes.append(len(chunk))
        return h.hexdigest(), sizes

    (digest, sizes), selector = run_recorded(receive)
    producer.finish()
    assert digest == expected_digest()
    assert sum(sizes) == CHUNK * CHUNKS
    assert set(sizes[:-1]) == {700}             # the rest comes last
    # no select() with a timeout: the loop slept until the fd was ready
    assert all(t is None or t == 0 for t in selector.timeouts), \
        selector.timeouts
    blocking = sum(1 for t in selector.timeouts if t is None)
    print('asyncio: %d selects, %d blocking, %d chunks' % (len(selector.timeouts), blocking, len(sizes)))
    assert 1 <= blocking <= 2 * (CHUNKS + 2)


def test_asyncio_wait_readable_async(consumer, ring_name):
    producer = Producer(ring_name)

    async def wait(loop):
        producer.go()
        n = await consumer.wait_readable_async(3 * CHUNK)
        assert not loop._scheduled
        return n

    n, selector = run_recorded(wait)
    assert n >= 3 * CHUNK
    assert all(t is None or t == 0 for t in selector.timeouts)
    producer.kill()


def test_asyncio_peer_killed_ends_chunks(consumer, ring_name):
    """A producer killed with SIGKILL pokes nothing; the watch's pidfd
    still ends the stream of chunks, with everything it wrote."""
    producer = Producer(ring_name, ending='hang')

    async def receive(loop):
        total = 0
        producer.go()
        async for chunk in consumer.chunks(CHUNK):
            total += len(chunk)
            if total == CHUNK * CHUNKS:
                producer.kill()
        return total

    total, selector = run_recorded(receive)
    assert total == CHUNK * CHUNKS
    assert all(t is None or t == 0 for t in selector.timeouts)


def producer_and_tap(ring_name):
    """A new 4096-byte overwrite ring's producer, and a reader (a tap) of
    it."""
    prod = RingBridge.Ring.create(ring_name, 4096,
                                  RingBridge.RingFlags.OVERWRITE,
                                  role=Role.PRODUCER)
    return prod, RingBridge.Ring.open(ring_name, Role.READER)


def write_soon(loop, prod, size, n=10):
    """Has @loop write @n chunks of @size bytes with @prod, the i-th all
    bytes i, then end the stream."""
    def write(i):
        prod.write(bytes([i]) * size)
        if i == n - 1:
            prod.set_end_of_stream()

    for i in range(n):
        loop.call_soon(write, i)


def test_asyncio_overwrite_reader_chunks(ring_name):
    """An overwrite ring's reader (a tap): chunks() follows the producer
    by position."""
    prod, tap = producer_and_tap(ring_name)

    async def receive(loop):
        got = []

        write_soon(loop, prod, 100)
        async for chunk in tap.chunks(100):
            got.append(chunk)
        return got

    got, _ = run_recorded(receive)
    assert got == [bytes([i]) * 100 for i in range(10)]
    tap.close()
    prod.close()


# --- a RingReader's ------------------------------------------------------------

def test_reader_watch_and_chunks(ring_name):
    """RingReader.watch() / chunks(): READABLE from the reader's own
    position; a latest reader's threshold is bounded by its target."""
    prod, tap = producer_and_tap(ring_name)
    reader = tap.reader('catch-up')
    w = reader.watch(readable=100)
    assert w.check() == 0
    prod.write(b'a' * 100)
    assert w.check() == C.READABLE
    assert reader.read(100) == b'a' * 100
    assert w.check() == 0
    w.close()
    with pytest.raises(ValueError) as excinfo:
        tap.reader('latest', target_latency=256).watch(readable=257)
    assert_ring_error(excinfo, E.INVALID_CAPACITY)
    assert "target latency (256 bytes)" in str(excinfo.value)

    async def receive(loop):
        write_soon(loop, prod, 50)
        return [chunk async for chunk in reader.chunks(100)]

    got, selector = run_recorded(receive)
    assert b''.join(got) == b''.join(bytes([i]) * 50 for i in range(10))
    assert set(len(c) for c in got) == {100}
    assert all(t is None or t == 0 for t in selector.timeouts)
    reader.close()
    tap.close()
    prod.close()


def test_glib_source_goes_with_the_ring(ring):
    """A source whose ring is closed removes itself (no callback), and a
    poke after that cannot leave the loop spinning on a readable fd."""
    ctx = GLib.MainContext.new()
    calls = []
    watch = ring.watch(readable=1)
    source = watch.source(lambda w, held: calls.append(held) or True)
    source.attach(ctx)
    ring.close()
    assert ctx.iteration(False)
    assert source.is_destroyed()
    assert calls == []
    assert not ctx.iteration(False)
