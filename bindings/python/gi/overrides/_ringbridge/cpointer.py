# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The ring as a C handle: ``Ring.c_pointer``, ``Ring.cffi_pointer(ffi)``
and ``RingBridge.cffi_cdef()`` (docs/python.md, "Handing the ring to C").

C code that runs where Python cannot (a PortAudio or JACK callback, a
Cython loop) takes the ring as the ``RbRing *`` of libringbridge and calls
the realtime-safe functions on it directly, with no Python and no GIL.

Lifetime: the address is that of the GObject the Python ``Ring`` holds a
reference to.  It stays valid while that Python object lives (a cdata from
:func:`cffi_pointer` holds the object itself); after ``ring.close()`` the
memory stays mapped but the ring has given up its roles, so C must stop
using it first.  C that keeps the pointer longer takes its own reference
with ``g_object_ref()`` (not RT-safe: do it outside the callback).
"""

from gi.module import get_introspection_module

from .errors import RingClosedError

RingBridge = get_introspection_module('RingBridge')

# The RT-safe calls of the public headers ("Thread: ... RT-safe" in their
# documentation) in the C types CFFI knows without GLib.  GLib's types are
# these on every platform GLib supports: gsize size_t, guint8/32/64
# uint8/32/64_t, gint64 int64_t, guint unsigned int, gboolean int, gpointer
# void *, gchar char.  tests/python/test_cpointer.py compares every line
# with the headers, checks that no RT-safe call is missing, and compiles
# the text against <ringbridge/ringbridge.h> with CFFI, so it cannot drift.
_CDEF = """\
/* ringbridge: the realtime-safe calls (RingBridge.cffi_cdef()) */
typedef struct _RbRing RbRing;

@ENUMS@
typedef struct {
  uint32_t type;
  uint32_t flags;
  uint32_t size;
  int64_t pts;
  int64_t dts;
  int64_t duration;
  uint64_t offset;
  uint64_t offset_end;
} RbRecordInfo;

typedef enum { RB_READER_POLICY_LOSSLESS = 0, RB_READER_POLICY_CATCH_UP = 1, RB_READER_POLICY_LATEST = 2 } RbReaderPolicy;
typedef enum { RB_GAP_OVERWRITTEN = 0, RB_GAP_UNDERRUN = 1, RB_GAP_PRODUCER_RESTART = 2, RB_GAP_SKIP = 3 } RbGapCause;
typedef struct { uint64_t position; uint64_t length; RbGapCause cause; } RbGap;
typedef struct _RbRingReader RbRingReader;

/* any thread */
@GETTERS@
RbRangeStatus rb_ring_check_range (RbRing *ring, uint64_t position, size_t count);
RbRangeStatus rb_ring_read_at (RbRing *ring, uint64_t position, uint8_t *data, size_t count, size_t *bytes_read);
RbRangeStatus rb_ring_read_frames_at (RbRing *ring, uint64_t frame, void *frames, size_t n_frames, size_t *frames_read);
const uint8_t *rb_ring_view_at (RbRing *ring, uint64_t position, size_t count, size_t *available);
RbRangeStatus rb_ring_view_at_check (RbRing *ring, uint64_t position, size_t count);
int rb_ring_get_clock_point (RbRing *ring, uint64_t *position, int64_t *monotonic_ns, uint64_t *clock_frames);
int rb_ring_time_to_position_full (RbRing *ring, int64_t time_ns, int64_t now_ns, uint64_t *position);
int rb_ring_consumer_time_to_position_full (RbRing *ring, int64_t time_ns, int64_t now_ns, uint64_t *position);
int rb_ring_is_end_of_stream (RbRing *ring);
void rb_record_info_init (RbRecordInfo *info, uint32_t type, uint32_t size);
size_t rb_sample_format_get_size (RbSampleFormat format);
const char *rb_sample_format_to_string (RbSampleFormat format);
int rb_ring_is_item_ring (RbRing *ring);

/* the producer */
size_t rb_ring_write (RbRing *ring, const uint8_t *data, size_t count);
size_t rb_ring_write_available (RbRing *ring);
uint8_t *rb_ring_write_acquire (RbRing *ring, size_t *count);
void rb_ring_write_commit (RbRing *ring, size_t count);
size_t rb_ring_write_frames (RbRing *ring, const void *frames, size_t n_frames);
size_t rb_ring_write_frames_available (RbRing *ring);
size_t rb_ring_write_deinterleaved (RbRing *ring, const float *const *channels, unsigned int n_channels, size_t n_frames);
int rb_ring_write_record (RbRing *ring, const RbRecordInfo *info, const uint8_t *payload, size_t size);
uint8_t *rb_ring_write_record_acquire (RbRing *ring, size_t max_size);
int rb_ring_write_record_commit (RbRing *ring, const RbRecordInfo *info);
void rb_ring_set_end_of_stream (RbRing *ring);
void rb_ring_set_clock_point (RbRing *ring, uint64_t position, int64_t monotonic_ns, uint64_t clock_frames);
int rb_ring_stamp_producer (RbRing *ring, uint64_t position, int64_t time_ns);
size_t rb_ring_write_items (RbRing *ring, const void *items, size_t n_items);

/* the consumer */
size_t rb_ring_read (RbRing *ring, uint8_t *data, size_t count);
size_t rb_ring_peek (RbRing *ring, uint8_t *data, size_t count);
size_t rb_ring_skip (RbRing *ring, size_t count);
size_t rb_ring_read_available (RbRing *ring);
const uint8_t *rb_ring_read_acquire (RbRing *ring, size_t *count);
int rb_ring_read_release (RbRing *ring, size_t count);
size_t rb_ring_read_frames (RbRing *ring, void *frames, size_t n_frames);
size_t rb_ring_read_frames_available (RbRing *ring);
size_t rb_ring_read_deinterleaved (RbRing *ring, float *const *channels, unsigned int n_channels, size_t n_frames);
int rb_ring_peek_record (RbRing *ring, RbRecordInfo *info);
int rb_ring_read_record (RbRing *ring, RbRecordInfo *info, uint8_t *payload, size_t size);
const uint8_t *rb_ring_read_record_acquire (RbRing *ring, RbRecordInfo *info);
void rb_ring_read_record_release (RbRing *ring);
int rb_ring_skip_record (RbRing *ring);
void rb_ring_reset (RbRing *ring);
int rb_ring_stamp_consumer (RbRing *ring, uint64_t position, int64_t time_ns);
size_t rb_ring_read_items (RbRing *ring, void *items, size_t n_items);

/* a reader (RbRingReader: the thread that reads it; the getters: any) */
RbRingReader *rb_ring_reader_ref (RbRingReader *reader);
RbRing *rb_ring_reader_get_ring (RbRingReader *reader);
RbReaderPolicy rb_ring_reader_get_policy (RbRingReader *reader);
uint64_t rb_ring_reader_get_target_latency (RbRingReader *reader);
uint64_t rb_ring_reader_get_position (RbRingReader *reader);
size_t rb_ring_reader_get_available (RbRingReader *reader);
size_t rb_ring_reader_read (RbRingReader *reader, uint8_t *data, size_t count);
size_t rb_ring_reader_read_frames (RbRingReader *reader, void *frames, size_t n_frames);
void rb_ring_reader_mark_underrun (RbRingReader *reader, uint64_t length);
int rb_ring_reader_pop_gap (RbRingReader *reader, RbGap *gap);
unsigned int rb_ring_reader_get_gaps_pending (RbRingReader *reader);
uint64_t rb_ring_reader_get_gaps_merged (RbRingReader *reader);
uint64_t rb_ring_reader_get_gap_total (RbRingReader *reader, RbGapCause cause);
"""



def _enum_cdef(c_name, members):
    """``typedef enum {...} c_name;`` from (value, C name) pairs."""
    return 'typedef enum {\n%s\n} %s;\n' % (',\n'.join(
        '  %s = %d' % (name, value) for value, name in sorted(members)),
        c_name)


# The enums the calls take, from the typelib (so from the headers).
_CDEF = _CDEF.replace('@ENUMS@', '\n'.join((
    _enum_cdef('RbSampleFormat', ((v, m.value_name) for v, m in
                                  RingBridge.SampleFormat.__enum_values__
                                  .items())),
    _enum_cdef('RbRingFlags', ((v, m.first_value_name) for v, m in
                               RingBridge.RingFlags.__flags_values__
                               .items())),
    _enum_cdef('RbRangeStatus', ((v, m.value_name) for v, m in
                                 RingBridge.RangeStatus.__enum_values__
                                 .items())))))

# The getters of any thread, ``rb_ring_get_NAME (RbRing *ring)``, by the C
# type they return: a line each at @GETTERS@ in the text.
_GETTERS = (
    ('size_t', 'capacity capacity_frames storage_size frame_size '
               'max_record_size item_size'),
    ('unsigned int', 'channels rate'),
    ('int', 'fd'),
    ('RbRingFlags', 'flags'),
    ('RbSampleFormat', 'sample_format'),
    ('uint64_t', 'write_position read_position oldest_position overruns '
                 'underruns overwritten'),
    ('double', 'fill_level'),
    ('const char *', 'item_descriptor'),
)
_CDEF = _CDEF.replace('@GETTERS@', '\n'.join(
    '%s%srb_ring_get_%s (RbRing *ring);'
    % (ctype, '' if ctype.endswith('*') else ' ', name)
    for ctype, names in _GETTERS for name in names.split()))

# RT-safe calls left out of the text, and why (the test reads this too).
CDEF_LEFT_OUT = {
    'rb_ring_write_bytes': 'takes a GBytes, which only GLib code makes',
}


def cffi_cdef():
    """The CFFI declarations of ringbridge's realtime-safe C calls.

    ``ffibuilder.cdef(RingBridge.cffi_cdef())`` declares ``RbRing`` (an
    opaque struct), the enums and ``RbRecordInfo`` the calls use, and every
    call whose C documentation says "RT-safe" (their thread: any, the
    producer or the consumer, as grouped in the text), in plain C types.
    In API mode, ``set_source(..., '#include <ringbridge/ringbridge.h>',
    ...)`` with ``pkg-config --cflags --libs ringbridge-1.0``; in ABI mode,
    ``ffi.dlopen('libringbridge-1.0.so.0')``.  Hand the ring over with
    ``ring.cffi_pointer(ffi)``.
    """
    return _CDEF


def c_pointer(ring):
    """The int address of the ring's ``RbRing *`` (Ring.c_pointer)."""
    if ring._rb_closed:
        raise RingClosedError()
    return ring._rb_pointer


def cffi_pointer(ring, ffi):
    """Ring.cffi_pointer(ffi): a cdata ``RbRing *`` that holds the ring."""
    address = c_pointer(ring)
    typeof = getattr(ffi, 'typeof', None)
    if typeof is None or not hasattr(ffi, 'cast') or not hasattr(ffi, 'gc'):
        raise TypeError('cffi_pointer() takes a cffi.FFI instance, not %s'
                        % type(ffi).__name__)
    import cffi     # whoever has an FFI has cffi; the overrides do not need it
    try:
        ctype = typeof('RbRing *')
    except (cffi.CDefError, getattr(ffi, 'error', cffi.CDefError)) as e:
        # (a compiled module's ffi raises its ffi.error)
        raise TypeError('cffi_pointer(): this FFI does not declare RbRing; '
                        'give it ffi.cdef(RingBridge.cffi_cdef()) first (%s)'
                        % e) from None
    # ffi.gc() makes a second cdata for the same address whose "destructor"
    # closes over the ring: while the cdata lives, so does the ring object.
    return ffi.gc(ffi.cast(ctype, address), lambda _p, _ring=ring: None)
