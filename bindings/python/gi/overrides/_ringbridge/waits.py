# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Ring's blocking waits (in slices that let Ctrl-C in, cancellable) and
readiness for main loops and asyncio (watch.py)."""

from gi.module import get_introspection_module
from gi.repository import Gio

from . import watch as _watch
from .args import (_CONSUMER_ROLES, _NOT_PRODUCER_ROLES, _PRODUCER_ROLES,
                   _count, _position, _sliced_wait, _with_cancellable)
from .guard import _checked

RingBridge = get_introspection_module('RingBridge')


# wait kind: (the roles that may wait so, the check of its first argument;
# None: a byte count the ring can hold, Ring._rb_wait_count)
_WAITS = {
    'readable': (_CONSUMER_ROLES, None),
    'writable': (_PRODUCER_ROLES, None),
    'position': (_NOT_PRODUCER_ROLES, _position),
}


class RingWaits:
    """Ring's waits (a mixin of the override's Ring)."""

    # -- waits ----------------------------------------------------------------

    def _rb_wait_count(self, count):
        count = _count(count, 'count')
        if count > self._rb_facts.capacity:
            raise ValueError('cannot wait for %d bytes in a %d-byte ring'
                             % (count, self._rb_facts.capacity))
        return count

    @staticmethod
    def _rb_wait_timeout(timeout_us):
        if isinstance(timeout_us, bool) or not isinstance(timeout_us, int):
            raise TypeError('timeout_us must be an integer (microseconds)')
        if timeout_us < -1:
            raise ValueError('timeout_us must be -1 (for ever) or not '
                             'negative (got %d)' % timeout_us)
        return timeout_us

    def _rb_wait(self, roles, method, check, first, timeout_us,
                 *cancellable):
        """The checks of every wait, in this order: the role, the
        cancellable (the _full waits), ``first`` through ``check``, the
        timeout; then the wait, in slices (see _sliced_wait)."""
        self._rb_need(roles, method + '()')
        wait = getattr(RingBridge.Ring, method)
        if cancellable:
            wait = _with_cancellable(wait,
                                     self._rb_cancellable(cancellable[0]))
        return _sliced_wait(self, wait, check(first),
                            self._rb_wait_timeout(timeout_us))

    def _rb_wait_for(self, kind, first, timeout_us, *cancellable):
        """wait_<kind>() (wait_<kind>_full() given a cancellable): its
        roles and its check of ``first`` from _WAITS."""
        roles, check = _WAITS[kind]
        return self._rb_wait(
            roles, 'wait_' + kind + ('_full' if cancellable else ''),
            self._rb_wait_count if check is None else check, first,
            timeout_us, *cancellable)

    @_checked
    def wait_readable(self, count, timeout_us):
        """Blocks until ``count`` bytes can be read (rb_ring_wait_readable(),
        ``timeout_us`` in microseconds, -1 for ever).  Other Python threads
        run meanwhile, and signal handlers (Ctrl-C) within 0.1 s.  Returns
        a WaitResult."""
        return self._rb_wait_for('readable', count, timeout_us)

    @_checked
    def wait_writable(self, count, timeout_us):
        """Blocks until ``count`` bytes can be written (see
        :meth:`wait_readable`)."""
        return self._rb_wait_for('writable', count, timeout_us)

    @_checked
    def wait_position(self, position, timeout_us):
        """Blocks until the write position reaches ``position`` (see
        :meth:`wait_readable`).  Any role but the producer."""
        return self._rb_wait_for('position', position, timeout_us)

    @staticmethod
    def _rb_cancellable(cancellable):
        if cancellable is not None and not isinstance(cancellable,
                                                      Gio.Cancellable):
            raise TypeError('cancellable must be a Gio.Cancellable or None')
        return cancellable

    @_checked
    def wait_readable_full(self, count, timeout_us, cancellable=None):
        """:meth:`wait_readable` that ``cancellable`` (a Gio.Cancellable)
        also ends, with WaitResult.INTERRUPTED, and no other wait
        (rb_ring_wait_readable_full())."""
        return self._rb_wait_for('readable', count, timeout_us, cancellable)

    @_checked
    def wait_writable_full(self, count, timeout_us, cancellable=None):
        """:meth:`wait_writable` with a cancellable (see
        :meth:`wait_readable_full`)."""
        return self._rb_wait_for('writable', count, timeout_us, cancellable)

    @_checked
    def wait_position_full(self, position, timeout_us, cancellable=None):
        """:meth:`wait_position` with a cancellable (see
        :meth:`wait_readable_full`)."""
        return self._rb_wait_for('position', position, timeout_us,
                                 cancellable)

    # -- readiness for main loops and asyncio (_ringbridge/watch.py) ---------

    @_checked
    def watch(self, readable=None, writable=None, peer_left=False,
              end_of_stream=False):
        """A :class:`RingWatch`: ``.fileno()`` for select/asyncio,
        ``.source(callback)`` for GLib, ``.check()``; thresholds in bytes."""
        return _watch.watch(self, readable, writable, peer_left,
                            end_of_stream)

    @_checked
    def wait_readable_async(self, n):
        """``await`` it: ``n`` bytes readable (fewer at the end of the
        stream or when the producer left); returns how many are."""
        return _watch.wait_readable_async(self, n)

    @_checked
    def chunks(self, n):
        """``async for chunk in ring.chunks(n)``: ``n``-byte ``bytes``
        until the end of the stream (the rest last)."""
        return _watch.chunks(self, n)
