# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Ring calls of a records ring (RingFlags.RECORDS) but read_record(),
which the override module keeps as the replacement of the C call."""

import ctypes

from gi.module import get_introspection_module

from .args import _count
from .cabi import _Buffer, _CRecordInfo, _RECORD_FIELDS, _c_write_record
from .guard import _checked

RingBridge = get_introspection_module('RingBridge')

# RB_RECORD_NONE (G_GINT64_CONSTANT (-1)) is not in the typelib.
RECORD_NONE = getattr(RingBridge, 'RECORD_NONE', -1)


def _field(name, value):
    """``value`` for RbRecordInfo's field ``name``, checked to fit it
    (ctypes would wrap it silently: flags=-1 as 0xffffffff)."""
    n = _count(value, name) if name in _UNSIGNED_FIELDS else \
        _signed(value, name)
    bits = 8 * ctypes.sizeof(_FIELD_TYPES[name])
    low, high = (0, 1 << bits) if name in _UNSIGNED_FIELDS else \
        (-(1 << (bits - 1)), 1 << (bits - 1))
    if not low <= n < high:
        raise ValueError('write_record(): %s %d does not fit in %d bits'
                         % (name, n, bits))
    return n


def _signed(value, what):
    """An integer argument that may be negative (bool refused)."""
    if isinstance(value, bool) or not hasattr(value, '__index__'):
        raise TypeError('%s must be an integer, not %s'
                        % (what, type(value).__name__))
    return value.__index__()


_FIELD_TYPES = dict(_CRecordInfo._fields_)
_UNSIGNED_FIELDS = frozenset(('type', 'flags', 'size', 'offset',
                              'offset_end'))


class RingRecords:
    """Ring's record calls (a mixin of the override's Ring)."""

    # -- records --------------------------------------------------------------

    @property
    def records(self):
        """True for a ring made with RingFlags.RECORDS."""
        return self._rb_facts.records

    @_checked
    def write_record(self, info, payload=None, **fields):
        """Writes one record to a records ring, all or nothing.

        ``info`` is a RingBridge.RecordInfo (its ``size`` must be the
        payload's) or just a record type (RecordType or int), in which case
        the timestamps and duration are RECORD_NONE unless given as keyword
        arguments (``pts=``, ``dts=``, ``duration=``, ``flags=``,
        ``offset=``, ``offset_end=``).  ``payload`` is any C-contiguous
        buffer, copied straight into the ring.  Returns False when the
        record does not fit now (wait_writable() and retry); a record
        larger than get_max_record_size() raises ValueError.
        """
        self._rb_producer('write_record()', records=True)
        with _Buffer(b'' if payload is None else payload) as buf:
            c = _CRecordInfo()
            if isinstance(info, RingBridge.RecordInfo):
                if info.size != buf.nbytes:
                    raise ValueError('write_record(): info.size is %d, the '
                                     'payload %d bytes' % (info.size,
                                                           buf.nbytes))
                for name in _RECORD_FIELDS:
                    setattr(c, name, getattr(info, name))
            else:
                c.type = _field('type', _count(info, 'record type'))
                c.pts = c.dts = c.duration = RECORD_NONE
            for name, value in fields.items():
                if name not in _RECORD_FIELDS or name == 'size':
                    raise TypeError('write_record() got an unexpected keyword '
                                    'argument %r' % name)
                setattr(c, name, _field(name, value))
            c.size = buf.nbytes
            limit = RingBridge.Ring.get_max_record_size(self)
            if buf.nbytes > limit:
                raise ValueError('a %d-byte record can never fit this ring '
                                 '(at most %d)' % (buf.nbytes, limit))
            return bool(_c_write_record(self._rb_pointer, ctypes.byref(c),
                                        buf.address, buf.nbytes))

    @_checked
    def peek_record(self):
        """The next record's header without reading it: ``(True,
        RecordInfo)``, or ``(False, None)`` when there is none."""
        self._rb_consumer('peek_record()', records=True)
        ok, info = RingBridge.Ring.peek_record(self)
        return (True, info) if ok else (False, None)

    @_checked
    def skip_record(self):
        """Discards the next record without reading it
        (rb_ring_skip_record()): True, or False when there is none."""
        self._rb_consumer('skip_record()', records=True)
        return RingBridge.Ring.skip_record(self)
