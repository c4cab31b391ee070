# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Item rings: rings of fixed-size items described by a NumPy dtype and an
optional per-item shape (rb_ring_new_items()).

The ring's header carries the item size and a descriptor, which this
module writes and reads as the Python literal

    {'descr': DESCR, 'shape': SHAPE}

where DESCR is ``numpy.lib.format.dtype_to_descr(dtype)`` (what a ``.npy``
file's header holds: a dtype string such as ``'<f8'``, or a list of
``(name, descr[, shape])`` tuples for a structured dtype) and SHAPE the
item shape as a tuple.  It is parsed with :func:`ast.literal_eval` (no
code runs) and checked against the item size the library validated, so a
forged header gives a clear error, never a wrong array.
"""

import ast
import ctypes
import math
import operator

from gi.module import get_introspection_module
from gi.repository import GLib

try:
    import numpy as _np
except ImportError:
    _np = None

from .cabi import _Buffer, _classify_format, _lib, _sz, _vp
from .formats import _require_numpy

RingBridge = get_introspection_module('RingBridge')

_c_write_items = _lib.rb_ring_write_items
_c_write_items.restype = _sz
_c_write_items.argtypes = (_vp, _vp, _sz)
_c_read_items = _lib.rb_ring_read_items
_c_read_items.restype = _sz
_c_read_items.argtypes = (_vp, _vp, _sz)


class _Items:
    """What an item ring holds: ``dtype`` (of one element), ``shape`` (of
    one item) and ``size`` (bytes per item)."""

    __slots__ = ('dtype', 'shape', 'size')

    def __init__(self, dtype, shape, size):
        self.dtype, self.shape, self.size = dtype, shape, size


# --- dtypes and shapes -------------------------------------------------------

def _item_dtype(dtype, shape):
    """The (dtype, shape) of one item, refusing what cannot live in shared
    memory: object fields (pointers into one process), and dtypes without
    a fixed size."""
    np = _require_numpy('item rings')
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise TypeError('not a NumPy dtype: %r (%s)' % (dtype, e)) from None
    if shape is None:
        shape = ()
    elif isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(_index(n) for n in shape)
    except (TypeError, AttributeError):
        raise TypeError('shape must be a tuple of integers, not %r'
                        % (shape,)) from None
    if any(n < 1 for n in shape):
        raise ValueError('item shape %r: every dimension must be at least 1'
                         % (shape,))
    if dt.subdtype is not None:
        # a subarray dtype such as ('f4', (3,)): its shape is the item's
        base, sub = dt.subdtype
        dt, shape = base, sub + shape
    if dt.hasobject:
        raise ValueError('dtype %s has object fields: an item ring holds '
                         'fixed-size values, not pointers into one process'
                         % (dt,))
    if dt.kind not in 'biufcmMSUV' or dt.itemsize == 0:
        raise ValueError('dtype %s has no fixed size: an item ring holds '
                         'fixed-size items' % (dt,))
    size = dt.itemsize * math.prod(shape)
    if size > 1 << 31:
        raise ValueError('an item of dtype %s and shape %r is %d bytes, more '
                         'than a ring holds' % (dt, shape, size))
    return dt, shape, size


def _index(n):
    if isinstance(n, bool):
        raise TypeError('bool')
    return operator.index(n)


def _descriptor(dt, shape):
    np = _require_numpy('item rings')
    text = repr({'descr': np.lib.format.dtype_to_descr(dt),
                 'shape': shape})
    if len(text.encode('utf-8')) > RingBridge.RING_MAX_ITEM_DESCRIPTOR:
        raise ValueError('dtype %s is described in %d bytes, more than a '
                         'ring header holds (%d)' % (
                             dt, len(text.encode('utf-8')),
                             RingBridge.RING_MAX_ITEM_DESCRIPTOR))
    return text


def _corrupt(message):
    """The GLib.Error of a corrupt header (RingError CORRUPT), as the
    library reports its own header checks."""
    return GLib.Error(message,
                      GLib.quark_to_string(RingBridge.ring_error_quark()),
                      int(RingBridge.RingError.CORRUPT))


def _parse_descriptor(text, item_size):
    """The (dtype, shape) a descriptor names; ValueError for one this
    module did not write or that does not match the item size."""
    np = _require_numpy('item rings')
    try:
        d = ast.literal_eval(text)
        if not isinstance(d, dict) or set(d) != {'descr', 'shape'}:
            raise ValueError('not a {descr, shape} dict')
        shape = d['shape']
        if not isinstance(shape, tuple) or not all(
                isinstance(n, int) and n >= 1 for n in shape):
            raise ValueError('bad shape %r' % (shape,))
        dt, shape, size = _item_dtype(
            np.lib.format.descr_to_dtype(d['descr']), shape)
    except (ValueError, TypeError, SyntaxError, MemoryError,
            RecursionError) as e:
        raise _corrupt('the ring\'s item descriptor %r is not one this '
                       'binding wrote: %s' % (text, e)) from None
    if size != item_size:
        raise _corrupt('the ring\'s item descriptor %r says %d-byte items, '
                       'its header %d' % (text, size, item_size))
    return dt, shape


def info(ring):
    """The ring's _Items (cached), or None for a ring that is not an item
    ring.  An item ring made without a descriptor (from C) holds opaque
    items: ``V<size>``."""
    items = ring.__dict__.get('_rb_items')
    if items is None:
        if not RingBridge.Ring.is_item_ring(ring):
            items = False
        else:
            size = RingBridge.Ring.get_item_size(ring)
            text = RingBridge.Ring.get_item_descriptor(ring)
            if text is None:
                items = _Items(_require_numpy('item rings').dtype(
                    'V%d' % size), (), size)
            else:
                items = _Items(*_parse_descriptor(text, size), size)
        ring.__dict__['_rb_items'] = items
    return items or None


# --- construction ------------------------------------------------------------

def new_items(dtype, n_items, shape, flags, count):
    dt, shape, size = _item_dtype(dtype, shape)
    ring = RingBridge.Ring.new_items(size, count(n_items, 'n_items'),
                                     _descriptor(dt, shape), flags)
    ring.__dict__['_rb_items'] = _Items(dt, shape, size)
    return ring


def create_items(name, dtype, n_items, shape, flags, count):
    dt, shape, size = _item_dtype(dtype, shape)
    ring = RingBridge.Ring.create_items(name, size, count(n_items, 'n_items'),
                                        _descriptor(dt, shape), flags)
    ring.__dict__['_rb_items'] = _Items(dt, shape, size)
    return ring


# --- what a ring holds -------------------------------------------------------

def dtype_of(ring, sample_dtype):
    """Ring.dtype: the item dtype of an item ring, else ``sample_dtype()``
    (the sample dtype of an audio or byte ring)."""
    items = info(ring)
    return items.dtype if items else sample_dtype()


def item_shape(ring):
    items = info(ring)
    if items:
        return items.shape
    channels = ring.channels
    return (channels,) if channels else ()


def empty(ring, n, sample_dtype):
    """An uninitialised array for ``n`` items (frames): (n,) + item shape
    of the item dtype, or (n, channels) of the sample dtype."""
    np = _require_numpy('read_items()')
    items = info(ring)
    if items:
        return np.empty((n,) + items.shape, dtype=items.dtype)
    return np.empty((n,) + item_shape(ring), dtype=sample_dtype)


def _check_array(ring, items, a, what):
    if a.dtype != items.dtype:
        raise TypeError('%s: the ring holds items of dtype %s, the array has '
                        'dtype %s' % (what, items.dtype, a.dtype))
    if a.shape == items.shape:
        return a.reshape((1,) + items.shape)
    if a.shape[1:] != items.shape:
        raise ValueError('%s: the ring holds items of shape %r: an array of '
                         'shape (n,) + %r, not %r' % (what, items.shape,
                                                      items.shape, a.shape))
    return a


def _check_buffer(items, buf, what, whole=True):
    """A buffer that is not a NumPy array: raw bytes (whole items), or the
    struct-module numbers of a one-element item dtype (array.array('q'),
    memoryview.cast('e'), ...)."""
    code = buf.format.lstrip('@=<>!')
    if not (buf.itemsize == 1 and code in ('B', 'c', 'b')):
        kind, little = _classify_format(buf.format)
        dt = items.dtype
        want = 'f' if dt.kind == 'f' else dt.kind
        native = dt.byteorder in ('=', '|') or (
            dt.byteorder == '<') == little
        if dt.fields is not None or kind != want or \
                buf.itemsize != dt.itemsize or not native:
            raise TypeError('%s: the ring holds items of dtype %s, the buffer '
                            'has format %r (%d-byte items)' % (
                                what, dt, buf.format, buf.itemsize))
    if whole and buf.nbytes % items.size:
        raise ValueError('%s: %d bytes is not a whole number of %d-byte items'
                         % (what, buf.nbytes, items.size))


def write(ring, items, data):
    """Ring.write() on an item ring: a NumPy array of the ring's dtype and
    item shape (one item, or n items along a first axis), or a matching
    buffer.  Returns the bytes written (whole items)."""
    np = _np
    is_array = np is not None and isinstance(data, np.ndarray)
    if is_array:
        # as bytes: NumPy exports no buffer of some dtypes (datetime64)
        data = np.ascontiguousarray(_check_array(
            ring, items, data, 'write()')).reshape(-1).view(np.uint8)
    with _Buffer(data) as buf:
        if not is_array:
            _check_buffer(items, buf, 'write()')
        n = buf.nbytes // items.size
        if n == 0:
            return 0
        return items.size * _c_write_items(ring._rb_pointer, buf.address, n)


def read_into(ring, items, buffer, wait_then):
    """Ring.read_into() on an item ring: a writable array of the ring's
    dtype and item shape, or a matching buffer; whole items only.  Returns
    the bytes read."""
    np = _np
    is_array = np is not None and isinstance(buffer, np.ndarray)
    if is_array:
        a = _check_array(ring, items, buffer, 'read_into()')
        if not a.flags.c_contiguous:
            raise BufferError('read_into(): the array is not C-contiguous')
        buffer = a.reshape(-1).view(np.uint8)
    with _Buffer(buffer, writable=True) as buf:
        if not is_array:
            _check_buffer(items, buf, 'read_into()', whole=False)
        n = buf.nbytes // items.size
        if n == 0:
            return 0
        wait_then(n * items.size)
        return items.size * _c_read_items(ring._rb_pointer, buf.address, n)


def read_items(ring, n, wait_then):
    """Ring.read_items(): up to ``n`` items as an array (k,) + item shape."""
    items = info(ring)
    if not items:
        raise TypeError('read_items() needs an item ring (Ring.new_items())')
    if n:
        wait_then(n * items.size)
    avail = RingBridge.Ring.read_available(ring) // items.size
    out = empty(ring, min(n, avail), None)
    if out.shape[0] == 0:
        return out
    with _Buffer(out.reshape(-1).view('u1'), writable=True) as buf:
        got = _c_read_items(ring._rb_pointer, buf.address, out.shape[0])
    return out[:got]


def readable(ring):
    """len(ring): whole items (frames, bytes) readable now, from any side,
    moving nothing."""
    R = RingBridge.Ring
    w = R.get_write_position(ring)
    start = max(R.get_read_position(ring), R.get_oldest_position(ring))
    fsize = ring.frame_size
    return max(0, w - start) // fsize
