# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Sample formats and NumPy dtypes."""


from gi.module import get_introspection_module

try:
    import numpy as _np
except ImportError:
    _np = None

from .cabi import _LITTLE, _RAW_CODES, _classify_format

RingBridge = get_introspection_module('RingBridge')

# --- sample formats and NumPy dtypes -----------------------------------------

_SF = RingBridge.SampleFormat

# (kind, sample size) of the numbers a buffer must hold to match a format
_FORMAT_KIND = {
    int(_SF.U8): ('u', 1),
    int(_SF.S16LE): ('i', 2),
    int(_SF.S24LE): (None, 3),
    int(_SF.S24_32LE): ('i', 4),
    int(_SF.S32LE): ('i', 4),
    int(_SF.F32LE): ('f', 4),
    int(_SF.F64LE): ('f', 8),
}

# NumPy dtype strings per sample format.  S24LE has no NumPy number type:
# its samples are 3-byte void items ('V3'); s24le_to_int32() and
# int32_to_s24le() convert.
_DTYPE_NAMES = {
    int(_SF.NONE): 'u1',
    int(_SF.U8): 'u1',
    int(_SF.S16LE): '<i2',
    int(_SF.S24LE): 'V3',
    int(_SF.S24_32LE): '<i4',
    int(_SF.S32LE): '<i4',
    int(_SF.F32LE): '<f4',
    int(_SF.F64LE): '<f8',
}

_BITS = {
    int(_SF.U8): 8,
    int(_SF.S16LE): 16,
    int(_SF.S24LE): 24,
    int(_SF.S24_32LE): 24,
    int(_SF.S32LE): 32,
}


def _require_numpy(what):
    if _np is None:
        raise ImportError('%s needs NumPy, which is not installed' % what)
    return _np


def sample_format_to_dtype(sample_format):
    """Returns the NumPy dtype of one sample of ``sample_format``.

    ``U8`` -> ``uint8``, ``S16LE`` -> ``<i2``, ``S24_32LE`` and ``S32LE``
    -> ``<i4``, ``F32LE`` -> ``<f4``, ``F64LE`` -> ``<f8``; ``S24LE``
    (3-byte packed) -> ``V3`` (see :func:`s24le_to_int32`); ``NONE`` (a
    byte ring) -> ``uint8``.
    """
    np = _require_numpy('sample_format_to_dtype()')
    try:
        return np.dtype(_DTYPE_NAMES[int(sample_format)])
    except KeyError:
        raise ValueError('%r is not a sample format' % (sample_format,))


def sample_format_from_dtype(dtype):
    """Returns the sample format for a NumPy dtype (or anything
    ``numpy.dtype()`` accepts).

    ``uint8`` -> ``U8``, ``int16`` -> ``S16LE``, ``int32`` -> ``S32LE``
    (ask for ``S24_32LE`` by name), ``float32`` -> ``F32LE``,
    ``float64`` -> ``F64LE``, ``V3`` -> ``S24LE``.  Big-endian dtypes and
    other types raise ValueError.
    """
    np = _require_numpy('sample_format_from_dtype()')
    dt = np.dtype(dtype)
    if dt.itemsize > 1 and dt.byteorder == ('<' if not _LITTLE else '>'):
        raise ValueError('ring samples are little-endian; got dtype %s'
                         % dt.str)
    table = {('u', 1): _SF.U8, ('i', 2): _SF.S16LE, ('i', 4): _SF.S32LE,
             ('f', 4): _SF.F32LE, ('f', 8): _SF.F64LE,
             ('V', 3): _SF.S24LE}
    try:
        return table[(dt.kind, dt.itemsize)]
    except KeyError:
        raise ValueError('no ring sample format holds dtype %s' % dt.str)


def _to_sample_format(value):
    """Accepts a SampleFormat, its int, a GStreamer name such as 'S16LE',
    or a NumPy dtype (or type, or dtype string such as 'float32')."""
    if isinstance(value, _SF):
        return value
    if isinstance(value, bool):
        raise TypeError('a sample format, not %r' % (value,))
    if isinstance(value, int):
        if int(value) not in _DTYPE_NAMES:
            raise ValueError('%d is not a sample format' % value)
        return _SF(value)
    if isinstance(value, str):
        fmt = RingBridge.sample_format_from_string(value)
        if fmt != _SF.NONE or value.upper() == 'NONE':
            return fmt
        if _np is None:
            raise ValueError('unknown sample format %r' % value)
    if _np is None:
        raise TypeError('a SampleFormat or a format name, not %r' % (value,))
    try:
        dt = _np.dtype(value)
    except TypeError:
        if isinstance(value, str):
            raise ValueError('unknown sample format %r' % value)
        raise TypeError('not a sample format or dtype: %r' % (value,))
    return sample_format_from_dtype(dt)


def s24le_to_int32(samples):
    """Unpacks S24LE samples into sign-extended int32 values.

    ``samples`` is an array of ``V3`` items (what an S24LE ring's views
    and :meth:`Ring.read_frames` hand out) or a uint8 array whose last axis
    has 3 bytes per sample.  Returns an int32 array of the same shape (less
    the byte axis).
    """
    np = _require_numpy('s24le_to_int32()')
    a = np.asarray(samples)
    if a.dtype.kind == 'V' and a.dtype.itemsize == 3:
        b = np.ascontiguousarray(a).view('u1').reshape(a.shape + (3,))
    elif a.dtype == np.uint8 and a.ndim >= 1 and a.shape[-1] == 3:
        b = a
    else:
        raise TypeError('S24LE samples are V3 items or uint8 triples, not %s'
                        ' of shape %s' % (a.dtype, a.shape))
    v = (b[..., 0].astype(np.int32) | (b[..., 1].astype(np.int32) << 8)
         | (b[..., 2].astype(np.int32) << 16))
    return (v << 8) >> 8


def int32_to_s24le(samples):
    """Packs integer samples (in -2^23 .. 2^23-1) into S24LE ``V3`` items.

    Values outside the 24-bit range raise ValueError rather than wrap.
    """
    np = _require_numpy('int32_to_s24le()')
    a = np.asarray(samples)
    if a.dtype.kind not in 'iu':
        raise TypeError('int32_to_s24le() takes integers, not %s' % a.dtype)
    if a.size and (a.min() < -(1 << 23) or a.max() >= (1 << 23)):
        raise ValueError('samples out of the 24-bit range')
    b = np.ascontiguousarray(a, dtype='<i4').view('u1').reshape(a.shape + (4,))
    return np.ascontiguousarray(b[..., :3]).view('V3').reshape(a.shape)


def samples_to_float(samples, sample_format, dtype='float32'):
    """Converts samples of ``sample_format`` to floats, as the C library's
    deinterleaving calls do: integers map as ``s / 2^(bits-1)`` (U8 around
    128), so the most negative integer is exactly -1.0."""
    np = _require_numpy('samples_to_float()')
    fmt = int(_to_sample_format(sample_format))
    a = np.asarray(samples)
    if fmt == _SF.S24LE:
        a = s24le_to_int32(a)
    elif fmt == _SF.S24_32LE:
        a = (a.astype(np.int32) << 8) >> 8
    if fmt in (_SF.F32LE, _SF.F64LE):
        return a.astype(dtype)
    x = a.astype(np.float64)
    if fmt == _SF.U8:
        x -= 128.0
    return (x / float(1 << (_BITS[fmt] - 1))).astype(dtype)


def samples_from_float(values, sample_format):
    """Converts floats to samples of ``sample_format`` as the C library
    does: scale by 2^(bits-1), round to nearest with ties away from zero,
    clip to the integer range (+1.0 becomes the largest integer), NaN
    becomes 0.  Float formats are cast, not clipped.  Returns an array of
    the format's dtype (``V3`` items for S24LE)."""
    np = _require_numpy('samples_from_float()')
    fmt = int(_to_sample_format(sample_format))
    x = np.asarray(values)
    if fmt == _SF.F32LE:
        return x.astype('<f4')
    if fmt == _SF.F64LE:
        return x.astype('<f8')
    if fmt not in _BITS:
        raise ValueError('%r is not an audio sample format' % sample_format)
    scale = float(1 << (_BITS[fmt] - 1))
    with np.errstate(invalid='ignore'):
        v = x.astype(np.float64) * scale
        v = np.trunc(v + np.copysign(0.5, v))
        v = np.clip(v, -scale, scale - 1.0)
        v = np.where(np.isnan(v), 0.0, v)
    ints = v.astype(np.int32)
    if fmt == _SF.U8:
        return (ints + 128).astype(np.uint8)
    if fmt == _SF.S16LE:
        return ints.astype('<i2')
    if fmt == _SF.S24LE:
        return int32_to_s24le(ints)
    return ints.astype('<i4')


# --- whether a buffer holds the ring's samples -------------------------------

def check_buffer_kind(facts, buf, what):
    """Checks that ``buf`` (a memoryview or anything with its ``format``,
    ``itemsize`` and ``shape``) holds numbers of the ring's sample type
    and, with two or more axes, its channels on the last one; plain bytes
    go as they are.  ``facts``: the ring's _Facts."""
    fmt = facts.format
    if fmt == _SF.NONE:
        return
    code = buf.format.lstrip('@=<>!')
    raw = buf.itemsize == 1 and code in _RAW_CODES
    kind, little = _classify_format(buf.format)
    want_kind, want_size = _FORMAT_KIND[fmt]
    if fmt == _SF.S24LE:
        ok = raw or (kind is None and buf.itemsize == 3)
    else:
        ok = raw or (kind == want_kind and buf.itemsize == want_size
                     and (little or buf.itemsize == 1))
    if not ok:
        raise TypeError('%s: the ring holds %s samples, the buffer has '
                        'format %r (%d-byte items)' % (
                            what, RingBridge.sample_format_to_string(fmt),
                            buf.format, buf.itemsize))
    shape = buf.shape
    if not raw and len(shape) >= 2 and shape[-1] != facts.channels:
        raise ValueError('%s: the ring has %d channels, the buffer\'s '
                         'last axis %d' % (what, facts.channels, shape[-1]))


def check_buffer(facts, buf, what):
    """check_buffer_kind(), and whole frames."""
    check_buffer_kind(facts, buf, what)
    if facts.format != _SF.NONE and buf.nbytes % facts.frame_size:
        raise ValueError('%s: %d bytes is not a whole number of %d-byte '
                         'frames' % (what, buf.nbytes, facts.frame_size))
