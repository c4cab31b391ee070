# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The Ring constructors: anonymous, named, item rings, from a descriptor,
and the static name calls (unlink, reclaim, validate)."""

from gi.module import get_introspection_module

from . import items as _items
from . import names as _names
from .args import _count, _flags, _role
from .errors import _argument_errors
from .formats import _to_sample_format

RingBridge = get_introspection_module('RingBridge')


class RingConstructors:
    """Ring's static constructors (a mixin of the override's Ring)."""

    # -- construction ---------------------------------------------------------

    @staticmethod
    @_argument_errors
    def new(capacity):
        """A new anonymous byte ring that holds exactly ``capacity`` bytes
        (``flags=RingFlags.POWER_OF_TWO`` of :meth:`new_full` rounds up
        to its whole storage instead)."""
        return RingBridge.Ring.new(_count(capacity, 'capacity'))

    @staticmethod
    @_argument_errors
    def new_full(capacity, flags=RingBridge.RingFlags.NONE):
        """A new anonymous byte ring with ``flags`` (e.g. OVERWRITE)."""
        return RingBridge.Ring.new_full(_count(capacity, 'capacity'),
                                        _flags(flags))

    @staticmethod
    @_argument_errors
    def new_audio(format, channels, rate, frames,
                  flags=RingBridge.RingFlags.NONE):
        """A new anonymous audio ring.

        ``format`` is a SampleFormat, a GStreamer name ('S16LE') or a NumPy
        dtype (``numpy.float32``, ``'int16'``; int32 means S32LE).
        """
        return RingBridge.Ring.new_audio(
            _to_sample_format(format), _count(channels, 'channels'),
            _count(rate, 'rate'), _count(frames, 'frames'), _flags(flags))

    @staticmethod
    @_argument_errors
    def create(name, capacity, flags=RingBridge.RingFlags.NONE,
               role=RingBridge.RingRole.BOTH, mode=0o600, exists='fail'):
        """Creates a named byte ring (see rb_ring_create()).  ``exists``
        says what to do if the name is taken: 'fail' (GLib.Error EXISTS),
        'reuse' (take ``role`` in that ring if it fits, see
        rb_ring_create_or_take_over()) or 'replace' (remove the name, then
        create; see rb_ring_unlink())."""
        return _names.create(exists, name, _count(capacity, 'capacity'),
                             _flags(flags), _role(role), _count(mode, 'mode'))

    @staticmethod
    @_argument_errors
    def create_audio(name, format, channels, rate, frames,
                     flags=RingBridge.RingFlags.NONE,
                     role=RingBridge.RingRole.BOTH, mode=0o600,
                     exists='fail'):
        """Creates a named audio ring; ``format`` as for :meth:`new_audio`,
        ``exists`` as for :meth:`create`."""
        return _names.create(exists, name, _count(frames, 'frames'),
                             _flags(flags), _role(role), _count(mode, 'mode'),
                             _to_sample_format(format),
                             _count(channels, 'channels'),
                             _count(rate, 'rate'))

    @staticmethod
    @_argument_errors
    def new_items(dtype, n_items, shape=None,
                  flags=RingBridge.RingFlags.NONE):
        """A new anonymous ring of ``n_items`` items of NumPy ``dtype``,
        each of ``shape`` (docs/python.md, "Items and NumPy dtypes")."""
        return _items.new_items(dtype, n_items, shape, _flags(flags), _count)

    @staticmethod
    @_argument_errors
    def create_items(name, dtype, n_items, shape=None,
                     flags=RingBridge.RingFlags.NONE):
        """Creates a named item ring (see :meth:`new_items`); another
        process's :meth:`open` finds the dtype and shape in its header."""
        return _items.create_items(name, dtype, n_items, shape,
                                   _flags(flags), _count)

    @staticmethod
    @_argument_errors
    def new_from_fd(fd, role):
        """Attaches to a ring passed as a file descriptor (which stays
        yours).  ``fd`` may be an int or an object with fileno()."""
        if not isinstance(fd, int) and hasattr(fd, 'fileno'):
            fd = fd.fileno()
        return RingBridge.Ring.new_from_fd(_count(fd, 'fd'), _role(role))

    @staticmethod
    @_argument_errors
    def open(name, role, timeout=0):
        """Attaches to the named ring with ``role`` (see rb_ring_open()).
        With a ``timeout`` in seconds (None: no limit) it first waits for
        the ring to appear, so either side may start first; Ctrl-C ends
        the wait.  The default 0 does not wait (GLib.Error NOT_FOUND)."""
        role = _role(role)
        return _names.open_waiting(
            lambda: RingBridge.Ring.open(name, role), name, timeout)

    @staticmethod
    @_argument_errors
    def open_full(name, role, open_flags, timeout=0):
        """rb_ring_open_full(): :meth:`open` with RingOpenFlags."""
        role = _role(role)
        open_flags = _flags(open_flags, RingBridge.RingOpenFlags)
        return _names.open_waiting(
            lambda: RingBridge.Ring.open_full(name, role, open_flags), name,
            timeout)

    @staticmethod
    @_argument_errors
    def unlink(name):
        """Removes the ring's name (see rb_ring_unlink())."""
        return RingBridge.Ring.unlink(name)

    @staticmethod
    @_argument_errors
    def reclaim_stale(name):
        """Removes the name of a ring whose processes are all gone (see
        rb_ring_reclaim_stale())."""
        return RingBridge.Ring.reclaim_stale(name)

    @staticmethod
    @_argument_errors
    def name_validate(name):
        """True for a valid ring name; RingArgumentError says what is wrong
        with another."""
        return RingBridge.Ring.name_validate(name)
