/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Every public header includes this one first, so this guard keeps them
 * all from being included on their own. */
#if !defined(RINGBRIDGE_INSIDE) && !defined(RINGBRIDGE_COMPILATION)
#error "Only <ringbridge/ringbridge.h> can be included directly."
#endif

#include <glib-object.h>
#include <ringbridge/rb-version.h>

G_BEGIN_DECLS

/**
 * RbSampleFormat:
 * @RB_SAMPLE_FORMAT_NONE: not an audio ring: a plain byte stream (frame size 1)
 * @RB_SAMPLE_FORMAT_U8: unsigned 8-bit, silence at 128 (GStreamer `U8`)
 * @RB_SAMPLE_FORMAT_S16LE: signed 16-bit little-endian (`S16LE`)
 * @RB_SAMPLE_FORMAT_S24LE: signed 24-bit little-endian packed in 3 bytes (`S24LE`)
 * @RB_SAMPLE_FORMAT_S24_32LE: signed 24-bit little-endian in the low bits of
 *   4 bytes, sign-extended (`S24_32LE`)
 * @RB_SAMPLE_FORMAT_S32LE: signed 32-bit little-endian (`S32LE`)
 * @RB_SAMPLE_FORMAT_F32LE: 32-bit IEEE float little-endian (`F32LE`, JACK's
 *   native format)
 * @RB_SAMPLE_FORMAT_F64LE: 64-bit IEEE float little-endian (`F64LE`)
 *
 * The format of one sample in an audio ring. Frames are interleaved: a frame
 * holds one sample per channel, channel 0 first. The names follow
 * GStreamer's `GstAudioFormat` strings, so caps map one to one.
 *
 * Integer samples map to float as `sample / 2^(bits-1)` (so the most negative
 * integer is exactly -1.0); float converts back with rounding to nearest and
 * clipping to the integer range (+1.0 becomes the largest integer, NaN
 * becomes 0). Float formats are not clipped.
 */
typedef enum {
  RB_SAMPLE_FORMAT_NONE = 0,
  RB_SAMPLE_FORMAT_U8,
  RB_SAMPLE_FORMAT_S16LE,
  RB_SAMPLE_FORMAT_S24LE,
  RB_SAMPLE_FORMAT_S24_32LE,
  RB_SAMPLE_FORMAT_S32LE,
  RB_SAMPLE_FORMAT_F32LE,
  RB_SAMPLE_FORMAT_F64LE,
} RbSampleFormat;

/**
 * RbRingFlags:
 * @RB_RING_FLAGS_NONE: a plain single-producer/single-consumer ring: the
 *   producer never overwrites data the consumer has not read, a write that
 *   does not fit is cut short
 * @RB_RING_FLAGS_OVERWRITE: the producer never waits and never comes up
 *   short: when the ring is full it overwrites the oldest data. Any number of
 *   readers may follow the stream by absolute position with
 *   rb_ring_read_at(); a read the producer overtook during its copy is
 *   reported as %RB_RANGE_OVERWRITTEN, never returned as good data.
 * @RB_RING_FLAGS_RECORDS: the ring carries records (rb_ring_write_record()):
 *   variable-size messages with a type, flags and timestamps, each
 *   committed whole. Not with %RB_RING_FLAGS_OVERWRITE or a sample format.
 * @RB_RING_FLAGS_POWER_OF_TWO: a flag of construction only: the capacity is
 *   not the size asked for but the whole storage it needs (the size rounded
 *   up to a power of two of at least a page; for an audio ring, the whole
 *   frames that fit in it), as every ring was before 0.2. The ring keeps
 *   no trace of it (rb_ring_get_flags() does not return it): it is a ring
 *   whose capacity is rb_ring_get_storage_size(). For benchmarks that
 *   compare rings of power-of-two sizes, and code that wants "at least
 *   this much". Since: 0.2
 *
 * Flags fixed when a ring is created.
 */
typedef enum /*< flags >*/ {
  RB_RING_FLAGS_NONE = 0,
  RB_RING_FLAGS_OVERWRITE = 1 << 0,
  RB_RING_FLAGS_RECORDS = 1 << 1,
  /* a high bit: construction-only flags stay apart from stored ones */
  RB_RING_FLAGS_POWER_OF_TWO = 1 << 16,
} RbRingFlags;

/**
 * RbRecordType:
 * @RB_RECORD_TYPE_DATA: a buffer of data
 * @RB_RECORD_TYPE_CAPS: a format description (GStreamer caps, serialized)
 * @RB_RECORD_TYPE_SEGMENT: a segment (GStreamer's, serialized)
 * @RB_RECORD_TYPE_EOS: the end of the stream
 * @RB_RECORD_TYPE_GAP: a gap: no data for the record's duration
 * @RB_RECORD_TYPE_EVENT: another serialized event
 * @RB_RECORD_TYPE_APPLICATION: the first of the types left to applications;
 *   every value from here up is theirs
 *
 * What a record carries. The ring does not interpret the types: they are
 * for the two sides to agree on.
 */
typedef enum {
  RB_RECORD_TYPE_DATA = 0,
  RB_RECORD_TYPE_CAPS = 1,
  RB_RECORD_TYPE_SEGMENT = 2,
  RB_RECORD_TYPE_EOS = 3,
  RB_RECORD_TYPE_GAP = 4,
  RB_RECORD_TYPE_EVENT = 5,
  RB_RECORD_TYPE_APPLICATION = 0x1000,
} RbRecordType;

/**
 * RB_RECORD_HEADER_SIZE:
 *
 * The bytes a record takes in the ring besides its payload. A record of N
 * payload bytes takes RB_RECORD_HEADER_SIZE + N bytes rounded up to a
 * multiple of 8.
 */
#define RB_RECORD_HEADER_SIZE 56

/**
 * RB_RECORD_NONE:
 *
 * The value of a record's timestamp or duration that is not set (as
 * GStreamer's `GST_CLOCK_TIME_NONE` read as a signed number).
 */
#define RB_RECORD_NONE ((gint64) -1)

/**
 * RbRecordInfo:
 * @type: what the record carries: an #RbRecordType, or an application's
 *   type from %RB_RECORD_TYPE_APPLICATION up
 * @flags: the writer's flags, carried as they are (e.g. GstBufferFlags)
 * @size: the payload's size in bytes
 * @pts: presentation time in nanoseconds, or %RB_RECORD_NONE
 * @dts: decoding time in nanoseconds, or %RB_RECORD_NONE
 * @duration: duration in nanoseconds, or %RB_RECORD_NONE
 * @offset: the writer's offset (e.g. GST_BUFFER_OFFSET)
 * @offset_end: the writer's end offset (e.g. GST_BUFFER_OFFSET_END)
 *
 * The header of a record in a %RB_RING_FLAGS_RECORDS ring.
 */
typedef struct {
  guint32 type;
  guint32 flags;
  guint32 size;
  gint64 pts;
  gint64 dts;
  gint64 duration;
  guint64 offset;
  guint64 offset_end;
} RbRecordInfo;

/**
 * RbRangeStatus:
 * @RB_RANGE_AVAILABLE: the range (or its start, for a partial read) holds
 *   good data
 * @RB_RANGE_OVERWRITTEN: the start of the range is older than the oldest
 *   data the ring still holds (the producer overwrote it, or the consumer
 *   already released it); see rb_ring_get_oldest_position()
 * @RB_RANGE_NOT_YET_WRITTEN: the start of the range is at or past the write
 *   position
 * @RB_RANGE_LAPPED: only from rb_ring_view_at_check(): the producer
 *   overwrote (or began to overwrite) the range while a view of it was
 *   held; what was read from the view must be discarded (Since: 0.2)
 *
 * What a ring holds at an absolute position, as reported by
 * rb_ring_read_at(), rb_ring_check_range() and rb_ring_view_at_check().
 */
typedef enum {
  RB_RANGE_AVAILABLE,
  RB_RANGE_OVERWRITTEN,
  RB_RANGE_NOT_YET_WRITTEN,
  RB_RANGE_LAPPED,
} RbRangeStatus;

/**
 * RB_RING_ERROR:
 *
 * The error domain of ring construction and attach errors; see #RbRingError.
 */
#define RB_RING_ERROR (rb_ring_error_quark ())

/**
 * RbRingError:
 * @RB_RING_ERROR_FAILED: an unexpected system error; the message says which call failed
 * @RB_RING_ERROR_INVALID_CAPACITY: the requested capacity is 0 or larger
 *   than %RB_RING_MAX_CAPACITY
 * @RB_RING_ERROR_INVALID_FORMAT: sample format, channel count or rate out of range
 * @RB_RING_ERROR_INVALID_FLAGS: unknown bits in the ring flags
 * @RB_RING_ERROR_NO_MEMORY: the kernel refused the memory or the address
 *   space for the mapping (ENOMEM, or an mlock limit)
 * @RB_RING_ERROR_NO_SPACE: the backing file system (tmpfs) has no room for
 *   the ring's pages (ENOSPC): reported at creation, never later as SIGBUS
 * @RB_RING_ERROR_NO_MEMFD: memfd_create() or file sealing is not available
 * @RB_RING_ERROR_MAP_FAILED: the mirrored mapping could not be set up
 * @RB_RING_ERROR_INVALID_NAME: a ring name that does not follow the
 *   syntax (see rb_ring_name_validate())
 * @RB_RING_ERROR_EXISTS: a ring of that name exists already
 * @RB_RING_ERROR_NOT_FOUND: there is no ring of that name
 * @RB_RING_ERROR_PERMISSION: the ring belongs to another user, is writable
 *   by others, or the system refused access
 * @RB_RING_ERROR_NOT_A_RING: the file is not a ring (wrong magic)
 * @RB_RING_ERROR_INCOMPATIBLE: the ring has another layout version
 * @RB_RING_ERROR_CORRUPT: the ring's header contradicts itself or its file
 * @RB_RING_ERROR_BUSY: the role asked for is held by a live process (the
 *   message names its pid)
 * @RB_RING_ERROR_NOT_SEALED: a passed memfd is not sealed against
 *   shrinking, so its owner could make our accesses fault
 * @RB_RING_ERROR_INVALID_ROLE: the role does not fit the ring (a
 *   %RB_RING_ROLE_READER of a ring without %RB_RING_FLAGS_OVERWRITE)
 *
 * Error codes in the %RB_RING_ERROR domain. Each code has one cause, so
 * callers (and Python's `GLib.Error.matches()`) can tell them apart.
 */
typedef enum {
  RB_RING_ERROR_FAILED,
  RB_RING_ERROR_INVALID_CAPACITY,
  RB_RING_ERROR_INVALID_FORMAT,
  RB_RING_ERROR_INVALID_FLAGS,
  RB_RING_ERROR_NO_MEMORY,
  RB_RING_ERROR_NO_SPACE,
  RB_RING_ERROR_NO_MEMFD,
  RB_RING_ERROR_MAP_FAILED,
  RB_RING_ERROR_INVALID_NAME,
  RB_RING_ERROR_EXISTS,
  RB_RING_ERROR_NOT_FOUND,
  RB_RING_ERROR_PERMISSION,
  RB_RING_ERROR_NOT_A_RING,
  RB_RING_ERROR_INCOMPATIBLE,
  RB_RING_ERROR_CORRUPT,
  RB_RING_ERROR_BUSY,
  RB_RING_ERROR_NOT_SEALED,
  RB_RING_ERROR_INVALID_ROLE,
} RbRingError;

/**
 * RbRingRole:
 * @RB_RING_ROLE_BOTH: producer and consumer, in this process (what
 *   rb_ring_new() makes). A process that attaches to such a ring for one
 *   role takes that role over from its creator.
 * @RB_RING_ROLE_PRODUCER: the one writer
 * @RB_RING_ROLE_CONSUMER: the one reader that consumes (moves the read
 *   position)
 * @RB_RING_ROLE_READER: one of any number of readers of an overwrite ring
 *   that follow it by absolute position (rb_ring_read_at()); takes no role
 *   from anyone
 *
 * The part a ring object plays. A shared ring has at most one live producer
 * and one live consumer: attaching as either while another live process
 * holds it fails with %RB_RING_ERROR_BUSY; a dead holder is replaced (that
 * is how a restarted pipeline or JACK client resumes).
 */
typedef enum {
  RB_RING_ROLE_BOTH = 0,
  RB_RING_ROLE_PRODUCER,
  RB_RING_ROLE_CONSUMER,
  RB_RING_ROLE_READER,
} RbRingRole;

/**
 * RbRingOpenFlags:
 * @RB_RING_OPEN_FLAGS_NONE: the safe default: refuse a ring owned by
 *   another user or writable by group or others
 * @RB_RING_OPEN_FLAGS_ANY_OWNER: accept a ring owned by another user
 * @RB_RING_OPEN_FLAGS_SHARED_WRITE: accept a ring writable by group or
 *   others
 *
 * How much rb_ring_open_full() trusts a named ring's file. A ring's file
 * is writable by whoever the permissions allow, and whoever can write it
 * can feed us any data; the header is validated either way.
 */
typedef enum /*< flags >*/ {
  RB_RING_OPEN_FLAGS_NONE = 0,
  RB_RING_OPEN_FLAGS_ANY_OWNER = 1 << 0,
  RB_RING_OPEN_FLAGS_SHARED_WRITE = 1 << 1,
} RbRingOpenFlags;

/**
 * RbWaitResult:
 * @RB_WAIT_READY: what was waited for is there
 * @RB_WAIT_TIMEOUT: the timeout expired first
 * @RB_WAIT_INTERRUPTED: rb_ring_interrupt() was called
 * @RB_WAIT_END_OF_STREAM: the producer marked the end of the stream and
 *   less than asked for is left
 * @RB_WAIT_PEER_GONE: the other side detached or its process died; what it
 *   committed is still readable. Reported once per departed peer: the next
 *   wait waits for a new one to attach.
 *
 * How a blocking wait ended.
 */
typedef enum {
  RB_WAIT_READY,
  RB_WAIT_TIMEOUT,
  RB_WAIT_INTERRUPTED,
  RB_WAIT_END_OF_STREAM,
  RB_WAIT_PEER_GONE,
} RbWaitResult;

/**
 * RbPeerState:
 * @RB_PEER_STATE_NONE: no peer has attached yet
 * @RB_PEER_STATE_ALIVE: a peer is attached and its process runs (a stopped
 *   process counts as alive)
 * @RB_PEER_STATE_GONE: the peer detached or its process died
 *
 * What rb_ring_get_peer_state() knows of the other side.
 */
typedef enum {
  RB_PEER_STATE_NONE,
  RB_PEER_STATE_ALIVE,
  RB_PEER_STATE_GONE,
} RbPeerState;

/**
 * RbHolderState:
 * @RB_HOLDER_STATE_NONE: nobody ever held the role
 * @RB_HOLDER_STATE_DETACHED: the last holder let the role go (or died
 *   and was cleared)
 * @RB_HOLDER_STATE_ALIVE: a process holds it and runs
 * @RB_HOLDER_STATE_STOPPED: a process holds it and is stopped (SIGSTOP, a
 *   debugger): alive, but not running
 * @RB_HOLDER_STATE_DEAD: the process that holds it died
 *
 * Who holds a role of a shared ring, as an #RbRingStatus reports it: finer
 * than #RbPeerState, for monitors.
 *
 * Since: 0.2
 */
typedef enum {
  RB_HOLDER_STATE_NONE,
  RB_HOLDER_STATE_DETACHED,
  RB_HOLDER_STATE_ALIVE,
  RB_HOLDER_STATE_STOPPED,
  RB_HOLDER_STATE_DEAD,
} RbHolderState;

/**
 * RbRingTakeOver:
 * @RB_RING_TAKE_OVER_CREATED: the name was free: a new ring was made
 * @RB_RING_TAKE_OVER_RECREATED: a stale ring of the name (every process
 *   that used it gone) was removed and a new one made
 * @RB_RING_TAKE_OVER_ATTACHED: the ring of the name is in use: its free
 *   role was taken, format and all
 *
 * How rb_ring_create_or_take_over() came by its ring; on failure, the
 * last step it tried.
 */
typedef enum {
  RB_RING_TAKE_OVER_CREATED,
  RB_RING_TAKE_OVER_RECREATED,
  RB_RING_TAKE_OVER_ATTACHED,
} RbRingTakeOver;

/**
 * RB_RING_NAME_MAX:
 *
 * The longest ring name, in bytes.
 */
#define RB_RING_NAME_MAX 200

/**
 * RB_RING_MAX_CAPACITY:
 *
 * The largest capacity a ring may have, in bytes (2 GiB).
 */
#define RB_RING_MAX_CAPACITY ((guint64) 2147483648)

/**
 * RB_RING_MAX_CHANNELS:
 *
 * The largest channel count of an audio ring.
 */
#define RB_RING_MAX_CHANNELS 64

/**
 * RB_RING_MAX_RATE:
 *
 * The largest sample rate of an audio ring, in Hz.
 */
#define RB_RING_MAX_RATE 1536000

RB_API
GQuark         rb_ring_error_quark          (void);

/**
 * RB_DECLARE_PLAIN_BOXED: (skip)
 * @TypeName: the struct's type name, `RbGap`
 * @type_name: its functions' prefix, `rb_gap`
 * @arg: the argument's name, as the functions' doc comments call it
 *
 * Declares the three functions of a plain struct registered as a
 * boxed type (its GType, a newly allocated copy, the free of a copy).
 * Their doc comments sit on their definitions. For the library's own
 * headers, not for applications.
 */
#define RB_DECLARE_PLAIN_BOXED(TypeName, type_name, arg) \
  RB_API GType type_name##_get_type (void); \
  RB_API TypeName *type_name##_copy (const TypeName *arg); \
  RB_API void type_name##_free (TypeName *arg)

#define RB_TYPE_RECORD_INFO (rb_record_info_get_type ())

RB_DECLARE_PLAIN_BOXED (RbRecordInfo, rb_record_info, info);
RB_API
void           rb_record_info_init          (RbRecordInfo  *info,
                                             guint32        type,
                                             guint32        size);

RB_API
gsize          rb_sample_format_get_size    (RbSampleFormat format);

RB_API
const gchar   *rb_sample_format_to_string   (RbSampleFormat format);

RB_API
RbSampleFormat rb_sample_format_from_string (const gchar   *name);

G_END_DECLS
