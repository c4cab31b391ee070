# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Named rings from Python: waiting for a name to appear (either side may
start first) and what to do with a name that exists already."""

import time

from gi.module import get_introspection_module
from gi.repository import GLib

from .args import _timeout_us

RingBridge = get_introspection_module('RingBridge')

_E = RingBridge.RingError
_DOMAIN = GLib.quark_to_string(RingBridge.ring_error_quark())

# How often a waiting open() looks for the name again: as ringsrc does
# (POLL_US in gst/gstringsrcpriv.h). time.sleep() returns early for a
# signal whose handler raises, so Ctrl-C ends the wait at once.
_POLL_S = 0.02

EXISTS_CHOICES = ('fail', 'reuse', 'replace')


def _is(error, code):
    return isinstance(error, GLib.Error) and error.domain == _DOMAIN \
        and error.code == int(code)


def _ring_error(message, code):
    return GLib.Error(message, _DOMAIN, int(code))


def open_waiting(attach, name, timeout):
    """``attach()`` (an rb_ring_open call) until the ring ``name`` exists.

    ``timeout``: seconds, 0 (the default of Ring.open) tries once, None
    waits for ever.  Any error but NOT_FOUND is raised at once (a bad name
    included).  When the time is up, NOT_FOUND is raised with a message
    saying how long it waited."""
    timeout_us = _timeout_us(timeout)
    deadline = None if timeout_us < 0 else time.monotonic() + timeout_us / 1e6
    while True:
        try:
            return attach()
        except GLib.Error as e:
            if not _is(e, _E.NOT_FOUND) or timeout_us == 0:
                raise
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise _ring_error(
                    "no ring '%s' appeared within %g s (%s)"
                    % (name, timeout, e.message), _E.NOT_FOUND) from None
        time.sleep(_POLL_S if left is None else min(_POLL_S, left))


def create(exists, name, size, flags, role, mode,
           sample_format=RingBridge.SampleFormat.NONE, channels=0, rate=0):
    """Ring.create() (``sample_format`` NONE, ``size`` in bytes) or
    Ring.create_audio() (``size`` in frames), with the ``exists`` choice:
    'fail', 'reuse' or 'replace'."""
    if exists not in EXISTS_CHOICES:
        raise ValueError("exists must be one of %s, not %r"
                         % (', '.join(repr(c) for c in EXISTS_CHOICES),
                            exists))
    audio = sample_format != RingBridge.SampleFormat.NONE

    def make():
        if audio:
            return RingBridge.Ring.create_audio(
                name, sample_format, channels, rate, size, flags, role, mode)
        return RingBridge.Ring.create(name, size, flags, role, mode)

    if exists == 'fail':
        return make()
    if exists == 'replace':
        try:
            RingBridge.Ring.unlink(name)
        except GLib.Error as e:
            if not _is(e, _E.NOT_FOUND):
                raise
        return make()
    # 'reuse': rb_ring_create_or_take_over() makes the ring if the name is
    # free, makes it anew if every process that used it is gone, else
    # takes ``role`` in it as it is; then it must fit.
    ring, _how, _reason = RingBridge.Ring.create_or_take_over(
        name, size, flags, sample_format, channels, rate, role, mode,
        RingBridge.RingOpenFlags.NONE)
    wrong = _misfit(ring, audio, size, flags, sample_format, channels, rate)
    if wrong is None:
        return ring
    ring.close()
    raise _ring_error(
        "ring '%s' exists but does not fit: %s (exists='replace' makes a "
        "new one under the name)" % (name, wrong), _E.EXISTS)


def _misfit(ring, audio, size, flags, sample_format, channels, rate):
    """What differs between the ring and what was asked for, or None."""
    pairs = [(what, bool(ring.get_flags() & flag), bool(flags & flag))
             for what, flag in (('overwrite', RingBridge.RingFlags.OVERWRITE),
                                ('records', RingBridge.RingFlags.RECORDS))]
    pairs.append(('sample format', ring.get_sample_format(), sample_format))
    if audio:
        pairs += [('channels', ring.get_channels(), channels),
                  ('rate', ring.get_rate(), rate)]
    wrong = ['%s %s, not %s' % (what, _show(have), _show(want))
             for what, have, want in pairs if have != want]
    have = ring.get_capacity_frames() if audio else ring.get_capacity()
    if not wrong and have < size:
        wrong.append('%d %s, fewer than the %d asked for'
                     % (have, 'frames' if audio else 'bytes', size))
    return '; '.join(wrong) or None


def _show(value):
    nick = getattr(value, 'value_nick', None)
    return nick if nick is not None else str(value)
