# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The checks every Ring method makes before C: closed (``_checked``), and
for the introspected methods the override does not replace, the side of
the ring the method belongs to."""

from .args import _CONSUMER_ROLES, _NOT_PRODUCER_ROLES, _PRODUCER_ROLES
from .errors import RingClosedError


def _checked(method):
    """Makes a Ring method raise RingClosedError once the ring is closed,
    before it looks at its arguments."""
    def wrapper(self, *args, **kwargs):
        if self._rb_closed:
            raise RingClosedError()
        return method(self, *args, **kwargs)
    wrapper.__name__ = method.__name__
    wrapper.__qualname__ = 'Ring.' + method.__name__
    wrapper.__doc__ = method.__doc__
    wrapper.__wrapped__ = method
    return wrapper


# The side of the ring each RbRing method belongs to: the "Thread:" line of
# its C documentation.  A method called through the wrong side's object
# corrupts or loses data (a consumer's write lands in the producer's
# unread bytes), so it raises io.UnsupportedOperation instead of reaching
# C.  tests/python/test_roles.py checks every method of the typelib
# against the GIR, so a new method missing here fails there.
_PRODUCER_METHODS = frozenset((
    'write', 'write_bytes', 'write_frames', 'write_deinterleaved',
    'write_acquire', 'write_commit',
    'write_available', 'write_frames_available',
    'write_record', 'write_record_acquire', 'write_record_commit',
    'set_end_of_stream', 'set_clock_point', 'wait_writable',
    'wait_writable_full', 'stamp_producer'))
_CONSUMER_METHODS = frozenset((
    'read', 'read_bytes', 'read_frames', 'read_deinterleaved',
    'read_acquire', 'read_release',
    'read_available', 'read_frames_available', 'peek', 'peek_bytes', 'skip',
    'reset', 'peek_record', 'read_record', 'read_record_acquire',
    'read_record_bytes', 'read_record_release', 'skip_record',
    'wait_readable', 'wait_readable_full', 'stamp_consumer'))
# any reader of an overwrite ring, the consumer of a plain ring
_POSITION_READER_METHODS = frozenset(('read_at', 'read_at_bytes',
                                      'view_at_check',
                                      'read_frames_at'))
_NOT_PRODUCER_METHODS = frozenset(('wait_position', 'wait_position_full'))


def _role_check(name):
    """The check a wrapped introspected method ``name`` makes before it
    calls C, or None for a method any side may call."""
    what = name + '()'
    if name in _PRODUCER_METHODS:
        return lambda ring: ring._rb_need(_PRODUCER_ROLES, what)
    if name in _CONSUMER_METHODS:
        return lambda ring: ring._rb_need(_CONSUMER_ROLES, what)
    if name in _NOT_PRODUCER_METHODS:
        return lambda ring: ring._rb_need(_NOT_PRODUCER_ROLES, what)
    if name in _POSITION_READER_METHODS:
        def check(ring):
            if not ring._rb_facts.overwrite:
                ring._rb_need(_CONSUMER_ROLES, what + ' on a plain ring')
        return check
    return None


def guard_introspected_methods(ring_class, gi_class):
    """Every introspected method of ``gi_class`` that ``ring_class`` (the
    override) and its mixins do not define checks for close too, and for
    its side, in ``ring_class``."""
    mro = ring_class.__mro__
    ours = mro[:mro.index(gi_class)]
    for info in gi_class.__info__.get_methods():
        name = info.get_name()
        if not info.is_method() or any(name in k.__dict__ for k in ours):
            continue
        original = getattr(gi_class, name)
        check = _role_check(name)

        if check is None:
            def method(self, *args, _original=original, **kwargs):
                return _original(self, *args, **kwargs)
        else:
            def method(self, *args, _original=original, _check=check,
                       **kwargs):
                _check(self)
                return _original(self, *args, **kwargs)
        method.__name__ = name
        method.__doc__ = original.__doc__
        setattr(ring_class, name, _checked(method))


class LiveContext:
    """The ``with`` block of an object with ``_live()`` (raises once it is
    closed) and ``close()``: RingReader, RingWatch."""

    def __enter__(self):
        self._live()
        return self

    def __exit__(self, *exc):
        self.close()
