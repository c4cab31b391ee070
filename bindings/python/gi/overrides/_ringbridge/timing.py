# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Ring's clock point and timing calls (docs/clocks.md)."""

from gi.module import get_introspection_module

from .args import (_CONSUMER_ROLES, _PRODUCER_ROLES, _count, _position,
                   _time_ns)
from .guard import _checked

RingBridge = get_introspection_module('RingBridge')


class RingTimingCalls:
    """Ring's timing calls (a mixin of the override's Ring)."""

    @_checked
    def set_clock_point(self, position, monotonic_ns, clock_frames=0):
        """rb_ring_set_clock_point() (producer)."""
        self._rb_need(_PRODUCER_ROLES, 'set_clock_point()')
        return RingBridge.Ring.set_clock_point(
            self, _position(position), monotonic_ns, _position(clock_frames))

    # -- timing (docs/clocks.md) ----------------------------------------------

    @_checked
    def get_timing(self):
        """rb_ring_get_timing(): a :class:`RingTiming` snapshot (any side);
        its ``ratio_known`` says whether both rates are known."""
        return RingBridge.Ring.get_timing(self)[1]

    @_checked
    def position_to_time(self, position):
        """rb_ring_position_to_time(): the CLOCK_MONOTONIC ns at which the
        producer wrote (or will write) ``position``, or None if unknown."""
        ok, when = RingBridge.Ring.position_to_time(self, _position(position))
        return when if ok else None

    @_checked
    def time_to_position(self, monotonic_ns):
        """rb_ring_time_to_position(): the position the producer stood at
        (or will stand at) at ``monotonic_ns``, or None if unknown."""
        ok, pos = RingBridge.Ring.time_to_position(self, int(monotonic_ns))
        return pos if ok else None

    @_checked
    def consumer_time_to_position(self, monotonic_ns):
        """rb_ring_consumer_time_to_position(): the read position the
        consumer stood at (or will stand at) at ``monotonic_ns``, or None
        if unknown."""
        ok, pos = RingBridge.Ring.consumer_time_to_position(
            self, int(monotonic_ns))
        return pos if ok else None

    @_checked
    def time_to_position_full(self, monotonic_ns, now_ns):
        """rb_ring_time_to_position_full(): time_to_position() with the
        current time given (``now_ns``, or a time a little after it)
        instead of read from the clock, or None if unknown then."""
        ok, pos = RingBridge.Ring.time_to_position_full(
            self, _time_ns(monotonic_ns, 'monotonic_ns'),
            _time_ns(now_ns, 'now_ns'))
        return pos if ok else None

    @_checked
    def consumer_time_to_position_full(self, monotonic_ns, now_ns):
        """rb_ring_consumer_time_to_position_full(): the consumer's map
        with the current time given, or None if unknown then."""
        ok, pos = RingBridge.Ring.consumer_time_to_position_full(
            self, _time_ns(monotonic_ns, 'monotonic_ns'),
            _time_ns(now_ns, 'now_ns'))
        return pos if ok else None

    @_checked
    def set_timing(self, enabled, step=0):
        """rb_ring_set_timing() (the producer or the consumer)."""
        self._rb_need(_PRODUCER_ROLES + _CONSUMER_ROLES, 'set_timing()')
        return RingBridge.Ring.set_timing(self, bool(enabled),
                                          _count(step, 'step'))
