# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Argument checks, timeouts and the sliced waits that let Ctrl-C in."""

import math
import time

from gi.module import get_introspection_module

try:
    import numpy as _np
except ImportError:
    _np = None

from .errors import RingArgumentError, _E

RingBridge = get_introspection_module('RingBridge')

# --- argument checks ---------------------------------------------------------

def _count(value, what='size'):
    """A non-negative integer argument (bool refused)."""
    if isinstance(value, bool):
        raise TypeError('%s must be an integer, not bool' % what)
    try:
        n = value.__index__()
    except AttributeError:
        raise TypeError('%s must be an integer, not %s'
                        % (what, type(value).__name__))
    if n < 0:
        raise ValueError('%s must not be negative (got %d)' % (what, n))
    return n


def _position(value):
    n = _count(value, 'position')
    if n >= 1 << 64:
        raise ValueError('position %d does not fit in 64 bits' % n)
    return n


def _time_ns(value, what):
    """A CLOCK_MONOTONIC time in nanoseconds: an integer, or a finite
    float (truncated), within 64 signed bits; bool and the rest refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) and \
            not hasattr(value, '__index__'):
        raise TypeError('%s must be a time in nanoseconds (an integer), not '
                        '%s' % (what, type(value).__name__))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError('%s must be a finite time, not %r' % (what, value))
    n = int(value)
    if not -(1 << 63) <= n < 1 << 63:
        raise ValueError('%s %d does not fit in 64 bits' % (what, n))
    return n


def _timeout_us(timeout):
    """Seconds (None: for ever) to the C calls' microseconds (-1: for ever).

    A negative timeout is an error, as NaN is: only None waits for ever.
    """
    if timeout is None:
        return -1
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError('timeout must be a number of seconds or None')
    t = float(timeout)
    if t != t:
        raise ValueError('timeout must not be NaN')
    if t < 0:
        raise ValueError('timeout must not be negative (got %r); None waits '
                         'for ever' % (timeout,))
    return int(min(t, 1e12) * 1e6)


# The longest a blocking call stays in C at a time.  Between slices the
# interpreter runs its signal handlers (KeyboardInterrupt on Ctrl-C), so a
# signal is handled within this long however long the wait.
_WAIT_SLICE_US = 100000


def _sliced_wait(ring, wait, target, timeout_us):
    """``wait(ring, target, slice_us)`` (an RbRing wait call) in slices of at
    most _WAIT_SLICE_US until it ends for another reason than its timeout
    or ``timeout_us`` (-1: for ever) has passed in all.  Returns the last
    slice's WaitResult."""
    deadline = None if timeout_us < 0 else \
        time.monotonic_ns() + timeout_us * 1000
    while True:
        if deadline is None:
            slice_us = _WAIT_SLICE_US
        else:
            left_ns = deadline - time.monotonic_ns()
            # rounded up: the slices together last at least timeout_us
            slice_us = min(_WAIT_SLICE_US, max(0, -(-left_ns // 1000)))
        result = wait(ring, target, slice_us)
        if result != RingBridge.WaitResult.TIMEOUT:
            return result
        if deadline is not None and time.monotonic_ns() >= deadline:
            return result
        if ring._rb_closed:
            # close() from another thread: the C wait would say so too
            return RingBridge.WaitResult.INTERRUPTED
        # The loop's backward jump is where Python runs pending signal
        # handlers; KeyboardInterrupt leaves from here.


def _with_cancellable(wait, cancellable):
    """An RbRing ``wait_*_full(ring, target, timeout_us, cancellable)`` call
    in the shape _sliced_wait() calls."""
    return lambda ring, target, slice_us: wait(ring, target, slice_us,
                                                cancellable)


_ROLE = RingBridge.RingRole


def _flags(value, kind=RingBridge.RingFlags):
    """Flags from a flags value or a plain int (PyGObject wants the type).
    Unknown bits raise RingArgumentError, as the C constructors do (GObject
    would only warn and drop them all)."""
    if isinstance(value, bool):
        raise TypeError('flags must be %s or int, not bool' % kind.__name__)
    n = _count(value, 'flags')
    known = 0
    for bit in kind.__flags_values__:
        known |= bit
    if n & ~known:
        what = 'ring flags' if kind is RingBridge.RingFlags else kind.__name__
        raise RingArgumentError('unknown %s 0x%x' % (what, n & ~known),
                                _E.INVALID_FLAGS)
    return value if isinstance(value, kind) else kind(n)


def _role(value):
    if isinstance(value, bool):
        raise TypeError('role must be a RingRole, not bool')
    return value if isinstance(value, _ROLE) else _ROLE(_count(value, 'role'))


_PRODUCER_ROLES = (_ROLE.BOTH, _ROLE.PRODUCER)
_CONSUMER_ROLES = (_ROLE.BOTH, _ROLE.CONSUMER)
_NOT_PRODUCER_ROLES = (_ROLE.BOTH, _ROLE.CONSUMER, _ROLE.READER)
