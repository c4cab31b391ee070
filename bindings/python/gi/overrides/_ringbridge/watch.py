# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Readiness for main loops and asyncio: ``ring.watch()``, its GLib source,
and the ``async`` helpers ``ring.wait_readable_async(n)`` and
``ring.chunks(n)``.

A watch (RbRingWatch, lib/ringbridge/rb-ring-watch.c) is a file
descriptor that becomes readable when the other side of the ring, in this
process or another, publishes past the watch's threshold, marks the end of
the stream or leaves.  Nothing here starts a thread or sets a timeout:
GLib polls the descriptor, asyncio's selector does (``loop.add_reader``).
"""

import asyncio
import io
import weakref

from gi.module import get_introspection_module
from gi.repository import GLib

from .guard import LiveContext
from .errors import RingClosedError, _argument_errors

RingBridge = get_introspection_module('RingBridge')
C = RingBridge.RingCondition


class RingWatch(LiveContext):
    """What ``ring.watch(...)`` returns: a readiness watch on a ring.

    ``fileno()`` is readable when a condition may have come to hold;
    ``check()`` says which hold now (a ``RingBridge.RingCondition``) and
    re-arms the descriptor: call it when the descriptor is readable and
    before waiting on it again.  READABLE and WRITABLE are reported while
    they hold, END_OF_STREAM once per stream, PEER_LEFT once per departure.
    A context manager; ``close()`` lets the descriptor go.
    """

    def __init__(self, ring, conditions, threshold, c_watch=None):
        self._ring = ring
        self._watch = c_watch if c_watch is not None else \
            _argument_errors(RingBridge.RingWatch.new)(ring, conditions,
                                                       threshold)
        self._closed = False
        self._sources = weakref.WeakSet()

    @property
    def c_watch(self):
        """The ``RingBridge.RingWatch`` (RbRingWatch) this wraps; the
        introspected C API (``RingBridge.RingWatch.new(ring, conditions,
        threshold)``, ``get_fd()``, ``check()``) works on it too."""
        return self._live()

    def _live(self):
        if self._closed:
            raise RingClosedError('the watch is closed')
        if self._ring.closed:
            raise RingClosedError()
        return self._watch

    def fileno(self):
        """The descriptor to poll (do not close it)."""
        return self._live().get_fd()

    def check(self):
        """The conditions that hold now (0 if none); re-arms the watch."""
        return self._live().check()

    @property
    def conditions(self):
        return self._watch.get_conditions()

    @property
    def threshold(self):
        """Bytes, rounded up to whole frames."""
        return self._watch.get_threshold()

    @property
    def closed(self):
        return self._closed

    def close(self):
        """Closes the watch's descriptors (a source made from it is
        destroyed).  Closing twice is harmless."""
        if not self._closed:
            # a source must not poll a descriptor that is going away
            for source in list(self._sources):
                if not source.is_destroyed():
                    source.destroy()
            self._closed = True
            self._watch = None

    def source(self, callback, *args):
        """A ``GLib.Source`` (not attached yet) that calls
        ``callback(watch, conditions, *args)`` while a condition holds; the
        callback returns True (``GLib.SOURCE_CONTINUE``) to keep it.  It
        polls the watch's descriptor and never sets a timeout, and removes
        itself once the ring is closed."""
        if not callable(callback):
            raise TypeError('source() needs a callable, not %r'
                            % type(callback).__name__)
        source = _WatchSource(self, callback, args)
        self._sources.add(source)
        return source

    async def wait(self):
        """Waits, in the running asyncio loop, until a condition holds and
        returns them."""
        loop = asyncio.get_running_loop()
        while True:
            held = self.check()
            if held:
                return held
            await _fd_readable(loop, self.fileno())


class _WatchSource(GLib.Source):
    """The watch's GSource, in Python: prepare() and check() ask the watch
    (one non-blocking read of its descriptor), the poll waits on it with
    no timeout."""

    def __init__(self, watch, callback, args):
        super().__init__()
        self._rb_watch = watch
        self._rb_callback = callback
        self._rb_args = args
        self._rb_held = 0
        self._rb_tag = self.add_unix_fd(watch.fileno(), GLib.IOCondition.IN)
        self.set_name('RingBridge.RingWatch')

    def _rb_gone(self):
        return self._rb_watch.closed or self._rb_watch._ring.closed

    def prepare(self):
        if self._rb_gone():
            return True, -1             # dispatch once, to remove us
        self._rb_held = self._rb_watch.check()
        return bool(self._rb_held), -1

    def check(self):
        if self._rb_gone():
            return True
        if not self._rb_held and (self.query_unix_fd(self._rb_tag)
                                  & GLib.IOCondition.IN):
            self._rb_held = self._rb_watch.check()
        return bool(self._rb_held)

    def dispatch(self, callback, args):
        if self._rb_gone():
            return GLib.SOURCE_REMOVE   # the ring was closed
        held, self._rb_held = self._rb_held, 0
        if not held:
            return GLib.SOURCE_CONTINUE
        return bool(self._rb_callback(self._rb_watch, held, *self._rb_args))


def _fd_readable(loop, fd):
    """A future done when ``fd`` is readable (the loop's selector)."""
    future = loop.create_future()

    def ready():
        loop.remove_reader(fd)
        if not future.done():
            future.set_result(None)

    def cancelled(f):
        if f.cancelled():
            loop.remove_reader(fd)

    loop.add_reader(fd, ready)
    future.add_done_callback(cancelled)
    return future


# --- the Ring methods (RingBridge.py delegates here) -------------------------

def watch(ring, readable=None, writable=None, peer_left=False,
          end_of_stream=False):
    """See Ring.watch."""
    if ring.closed:
        raise RingClosedError()
    conditions = C(0)
    threshold = 0
    for name, value, flag in (('readable', readable, C.READABLE),
                              ('writable', writable, C.WRITABLE)):
        if value is None or value is False:
            continue
        if isinstance(value, bool):
            value = 0           # True: one frame
        if not isinstance(value, int) or value < 0:
            raise ValueError('%s= must be a byte count >= 0, not %r'
                             % (name, value))
        if conditions and value != threshold:
            raise ValueError('readable= and writable= share one threshold: '
                             'give the same count or make two watches')
        conditions |= flag
        threshold = value
    if peer_left:
        conditions |= C.PEER_LEFT
    if end_of_stream:
        conditions |= C.END_OF_STREAM
    return RingWatch(ring, conditions, threshold)


def _readable_now(ring):
    return RingBridge.Ring.read_available(ring)


async def wait_readable_async(ring, n):
    """See Ring.wait_readable_async."""
    if ring.closed:
        raise RingClosedError()
    if RingBridge.Ring.get_role(ring) == RingBridge.RingRole.READER:
        raise io.UnsupportedOperation(
            'wait_readable_async() needs a ring opened as consumer or both; '
            'a reader uses chunks()')
    with watch(ring, readable=n, end_of_stream=True, peer_left=True) as w:
        while True:
            held = await w.wait()
            if held & C.READABLE:
                return _readable_now(ring)
            if held & (C.END_OF_STREAM | C.PEER_LEFT):
                return _readable_now(ring)


async def chunks(ring, n):
    """See Ring.chunks."""
    if ring.closed:
        raise RingClosedError()
    if n <= 0:
        raise ValueError('chunks() needs a chunk size > 0, not %r' % (n,))
    if RingBridge.Ring.get_role(ring) == RingBridge.RingRole.READER:
        async for chunk in _reader_chunks(ring, n):
            yield chunk
        return
    with watch(ring, readable=n, end_of_stream=True, peer_left=True) as w:
        n = w.threshold
        ending = False
        while True:
            held = await w.wait()
            ending |= bool(held & (C.END_OF_STREAM | C.PEER_LEFT))
            while _readable_now(ring) >= n:
                yield ring.read(n)
            if ending:
                rest = ring.read(_readable_now(ring))
                if rest:
                    yield rest
                return


async def _reader_chunks(ring, n):
    """An overwrite ring's reader: each block of ``n`` bytes as written,
    or, for a reader that fell more than the ring behind, from the oldest
    still there (the skipped span is lost, as with read_at())."""
    S = RingBridge.RangeStatus
    with watch(ring, readable=n, end_of_stream=True) as w:
        n = w.threshold
        pos = ring.get_write_position()
        while True:
            held = await w.wait()
            end = ring.get_write_position()
            while end - pos >= n:
                status, data = ring.read_at(pos, n)
                if status == S.AVAILABLE:
                    yield data
                    pos += n
                elif status == S.OVERWRITTEN:
                    oldest = ring.get_oldest_position()
                    pos = end - (end - oldest) // n * n
                else:
                    break
            if held & C.END_OF_STREAM:
                return


# --- a RingReader's (readers.py delegates here) --------------------------------

def reader_watch(reader, readable=0):
    """See RingReader.watch."""
    if isinstance(readable, bool) or not isinstance(readable, int) \
            or readable < 0:
        raise ValueError('readable= must be a byte count >= 0, not %r'
                         % (readable,))
    reader._live()
    c_watch = _argument_errors(RingBridge.RingReader.watch_new)(
        reader._gi, readable)
    return RingWatch(reader.ring, None, None, c_watch=c_watch)


async def reader_wait_readable_async(reader, n):
    """See RingReader.wait_readable_async."""
    with reader_watch(reader, n) as w:
        await w.wait()
        return reader.available


async def reader_chunks(reader, n):
    """See RingReader.chunks."""
    if n <= 0:
        raise ValueError('chunks() needs a chunk size > 0, not %r' % (n,))
    with reader_watch(reader, n) as w:
        n = w.threshold
        while True:
            held = await w.wait()
            while reader.available >= n:
                yield reader.read(n)
            if held & C.END_OF_STREAM:
                rest = reader.read(reader.available)
                if rest:
                    yield rest
                return
