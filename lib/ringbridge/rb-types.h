/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

#if !defined(RINGBRIDGE_INSIDE) && !defined(RINGBRIDGE_COMPILATION)
#error "Only <ringbridge/ringbridge.h> can be included directly."
#endif

#include <glib.h>
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
 *
 * Flags fixed when a ring is created.
 */
typedef enum /*< flags >*/ {
  RB_RING_FLAGS_NONE = 0,
  RB_RING_FLAGS_OVERWRITE = 1 << 0,
} RbRingFlags;

/**
 * RbRangeStatus:
 * @RB_RANGE_AVAILABLE: the range (or its start, for a partial read) holds
 *   good data
 * @RB_RANGE_OVERWRITTEN: the start of the range is older than the oldest
 *   data the ring still holds (the producer overwrote it, or the consumer
 *   already released it); see rb_ring_get_oldest_position()
 * @RB_RANGE_NOT_YET_WRITTEN: the start of the range is at or past the write
 *   position
 *
 * What a ring holds at an absolute position, as reported by
 * rb_ring_read_at() and rb_ring_check_range().
 */
typedef enum {
  RB_RANGE_AVAILABLE,
  RB_RANGE_OVERWRITTEN,
  RB_RANGE_NOT_YET_WRITTEN,
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
} RbRingError;

/**
 * RB_RING_MAX_CAPACITY:
 *
 * The largest capacity a ring may have, in bytes (2 GiB).
 */
#define RB_RING_MAX_CAPACITY (G_GUINT64_CONSTANT (1) << 31)

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

RB_API
gsize          rb_sample_format_get_size    (RbSampleFormat format);

RB_API
const gchar   *rb_sample_format_to_string   (RbSampleFormat format);

RB_API
RbSampleFormat rb_sample_format_from_string (const gchar   *name);

G_END_DECLS
