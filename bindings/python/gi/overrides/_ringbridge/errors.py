# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The Python exceptions of the RingBridge overrides."""


from gi.module import get_introspection_module
from gi.repository import GLib

try:
    import numpy as _np
except ImportError:
    _np = None

RingBridge = get_introspection_module('RingBridge')

# --- errors ------------------------------------------------------------------

class RingClosedError(GLib.Error, ValueError):
    """Raised by every ring method after :meth:`Ring.close`.

    It is a :class:`GLib.Error` in the ``RingBridge.RingError`` domain
    (code ``FAILED``) and, like the error of a closed Python file, a
    :class:`ValueError`.
    """

    def __init__(self, message='the ring is closed'):
        super().__init__(message,
                         GLib.quark_to_string(RingBridge.ring_error_quark()),
                         int(RingBridge.RingError.FAILED))




class RingArgumentError(GLib.Error, ValueError):
    """Raised for an argument value the library refuses: a capacity out of
    range, unknown flags, a bad sample format, channel count or rate, an
    invalid ring name, a role that is no role or does not fit the ring.

    It is the :class:`GLib.Error` the C call reported (``RingError``
    INVALID_CAPACITY, INVALID_FORMAT, INVALID_FLAGS, INVALID_NAME or
    INVALID_ROLE, same message) and a :class:`ValueError`, as Python
    callers expect for a bad value.  Run-time failures (NOT_FOUND, EXISTS,
    BUSY, PERMISSION, NO_MEMORY, ...) stay plain GLib.Error.
    """

    def __init__(self, message, code):
        super().__init__(message,
                         GLib.quark_to_string(RingBridge.ring_error_quark()),
                         int(code))



_E = RingBridge.RingError
_ARGUMENT_CODES = frozenset(int(c) for c in (
    _E.INVALID_CAPACITY, _E.INVALID_FORMAT, _E.INVALID_FLAGS,
    _E.INVALID_NAME, _E.INVALID_ROLE))


def _argument_errors(function):
    """Makes a constructor or name call raise RingArgumentError (a
    ValueError) instead of the plain GLib.Error for a bad argument value."""
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except GLib.Error as e:
            if (isinstance(e, ValueError) or e.code not in _ARGUMENT_CODES
                    or e.domain != GLib.quark_to_string(
                        RingBridge.ring_error_quark())):
                raise
            raise RingArgumentError(e.message, e.code) from None
    wrapper.__name__ = function.__name__
    wrapper.__qualname__ = 'Ring.' + function.__name__
    wrapper.__doc__ = function.__doc__
    wrapper.__wrapped__ = function
    return wrapper


class RingLappedError(RuntimeError):
    """The producer of an overwrite ring overwrote what a reader wanted.

    Raised by a view at an absolute position (:meth:`Ring.view_at`) that
    the producer lapped while it was held: by :meth:`AtView.check`, or at
    the end of its ``with`` block; and by :meth:`Ring.view_at` for a
    position already overwritten.  Whatever was read from a lapped view
    must be discarded.  ``position`` and ``nbytes`` name the range,
    ``oldest`` the oldest position the ring held when this was found
    (resume there).
    """

    def __init__(self, message, position, nbytes, oldest):
        super().__init__(message)
        self.position = position
        self.nbytes = nbytes
        self.oldest = oldest
