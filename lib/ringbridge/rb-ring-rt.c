/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The realtime data calls: copy, zero-copy and frame transfers, forwarded
 * to the core after the misuse checks. */

#include "config.h"

#include "rb-ring-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- copy API ------------------------------------------------------------ */

/**
 * rb_ring_write:
 * @ring: a ring
 * @data: (array length=count) (element-type guint8): the bytes to write
 * @count: the number of bytes in @data
 *
 * Copies up to @count bytes into the ring. On a full ring the write is cut
 * short (and counted in rb_ring_get_overruns()); the return value says how
 * much went in. An overwrite ring always takes all @count bytes and
 * overwrites the oldest data instead. On an audio ring only whole frames
 * go in: @count is rounded down to whole frames, and a write cut short is
 * cut at a frame boundary, so the return value is a multiple of
 * rb_ring_get_frame_size().
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of bytes written
 */
gsize
rb_ring_write (RbRing *ring, const guint8 *data, gsize count)
{
  CHECK_RING_PRODUCER (ring, 0);
  CHECK_ARG (data != NULL || count == 0, 0);

  return rb_ring_core_write (ring->core, data, count);
}

/**
 * rb_ring_read: (skip)
 * @ring: a ring
 * @data: (out caller-allocates) (array length=count) (element-type guint8):
 *   a buffer of at least @count bytes
 * @count: the most bytes to read
 *
 * Copies up to @count bytes out of the ring and frees their space for the
 * producer. A read that finds fewer than @count bytes is cut short (and
 * counted in rb_ring_get_underruns()). Bindings use rb_ring_read_bytes().
 * On an overwrite ring the read first
 * skips whatever the producer overwrote, and never returns bytes the
 * producer overtook during the copy. The skipped span is what
 * rb_ring_get_overwritten() grew by during this call, and the read
 * position moves by the span plus the return value: compare either
 * before and after to see a discontinuity (getters never skip). On an
 * audio ring only whole frames are read (@count rounded down).
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of bytes read
 */
gsize
rb_ring_read (RbRing *ring, guint8 *data, gsize count)
{
  CHECK_RING_CONSUMER (ring, 0);
  CHECK_ARG (data != NULL || count == 0, 0);

  return rb_ring_core_read (ring->core, data, count);
}

/**
 * rb_ring_peek: (skip)
 * @ring: a ring
 * @data: (out caller-allocates) (array length=count) (element-type guint8):
 *   a buffer of at least @count bytes
 * @count: the most bytes to copy
 *
 * Like rb_ring_read(), but leaves the bytes in the ring. Bindings use
 * rb_ring_peek_bytes(). On an overwrite ring it does move past what the
 * producer overwrote, as rb_ring_read() does and reports.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: the number of bytes copied
 */
gsize
rb_ring_peek (RbRing *ring, guint8 *data, gsize count)
{
  CHECK_RING_CONSUMER (ring, 0);
  CHECK_ARG (data != NULL || count == 0, 0);

  return rb_ring_core_peek (ring->core, data, count);
}

/**
 * rb_ring_skip:
 * @ring: a ring
 * @count: the most bytes to discard
 *
 * Discards up to @count readable bytes, as a read would, without copying
 * (whole frames on an audio ring; past overwritten data first, reported
 * as rb_ring_read() does).
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: the number of bytes discarded
 */
gsize
rb_ring_skip (RbRing *ring, gsize count)
{
  CHECK_RING_CONSUMER (ring, 0);

  return rb_ring_core_skip (ring->core, count);
}

/**
 * rb_ring_read_available:
 * @ring: a ring
 *
 * Gets how many bytes the consumer can read now. Like every getter it
 * moves nothing: on an overwrite ring the bytes the producer overwrote are
 * left out, and the next read, peek or skip moves past them and reports
 * them (see rb_ring_read()).
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the number of bytes the consumer can read now
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_read_available,
    CHECK_RING_CONSUMER, rb_ring_core_read_available (ring->core))

/**
 * rb_ring_write_available:
 * @ring: a ring
 *
 * Gets how many bytes the producer can write now. On an audio ring up to
 * a frame less one of them may be room no whole frame fits in; writes
 * take whole frames only (rb_ring_write_frames_available() counts those).
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: the number of bytes the producer can write now without cutting
 *   the write short (the capacity, for an overwrite ring)
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_write_available,
    CHECK_RING_PRODUCER, rb_ring_core_write_available (ring->core))

/* Up to @count readable bytes, copied out of @ring by @copy (the core's
 * read or peek) into a new GBytes. */
static GBytes *
copy_out (RbRing *ring, gsize count,
    size_t (*copy) (struct rb_ring_core *, void *, size_t))
{
  gsize n = MIN (count, rb_ring_core_read_available (ring->core));
  guint8 *buf = g_malloc (n);

  n = copy (ring->core, buf, n);
  return g_bytes_new_take (buf, n);
}

/**
 * rb_ring_read_bytes:
 * @ring: a ring
 * @count: the most bytes to read
 *
 * Like rb_ring_read(), returning a new #GBytes holding what was read (empty
 * when nothing was). It allocates only what is there to read, so a large
 * @count is harmless; a short read is not counted as an underrun. Meant for
 * language bindings, not for realtime threads.
 *
 * Thread: consumer. Not RT-safe.
 *
 * Returns: (transfer full): the bytes read
 */
GBytes *
rb_ring_read_bytes (RbRing *ring, gsize count)
{
  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  CHECK_CONSUMER (ring, NULL);

  return copy_out (ring, count, rb_ring_core_read);
}

/**
 * rb_ring_peek_bytes:
 * @ring: a ring
 * @count: the most bytes to copy
 *
 * rb_ring_peek() for language bindings: the bytes stay in the ring.
 *
 * Thread: consumer. Not RT-safe.
 *
 * Returns: (transfer full): the bytes, possibly fewer than @count
 */
GBytes *
rb_ring_peek_bytes (RbRing *ring, gsize count)
{
  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  CHECK_CONSUMER (ring, NULL);

  return copy_out (ring, count, rb_ring_core_peek);
}

/**
 * rb_ring_read_at_bytes:
 * @ring: a ring
 * @position: the absolute byte position to read from
 * @count: the most bytes to read
 * @bytes: (out) (transfer full) (nullable): the good bytes, or %NULL unless
 *   the result is %RB_RANGE_AVAILABLE
 *
 * rb_ring_read_at() for language bindings.
 *
 * Thread: as for rb_ring_read_at(). Not RT-safe.
 *
 * Returns: as for rb_ring_read_at()
 */
RbRangeStatus
rb_ring_read_at_bytes (RbRing *ring, guint64 position, gsize count,
    GBytes **bytes)
{
  gsize done = 0;
  guint8 *buf;
  RbRangeStatus status;

  g_return_val_if_fail (RB_IS_RING (ring), RB_RANGE_NOT_YET_WRITTEN);
  g_return_val_if_fail (bytes != NULL, RB_RANGE_NOT_YET_WRITTEN);
  *bytes = NULL;
  CHECK_READ_AT (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_POSITION (ring, position, RB_RANGE_NOT_YET_WRITTEN);

  count = MIN (count, (gsize) ring->core->capacity);
  buf = g_malloc (count);
  status = (RbRangeStatus) rb_ring_core_read_at (ring->core, position, buf,
      count, &done);
  if (status != RB_RANGE_AVAILABLE) {
    g_free (buf);
    *bytes = NULL;
    return status;
  }
  *bytes = g_bytes_new_take (buf, done);
  return status;
}

/**
 * rb_ring_write_bytes:
 * @ring: a ring
 * @bytes: the bytes to write
 *
 * Like rb_ring_write(), taking a #GBytes; meant for language bindings.
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 * It keeps no reference.
 *
 * Returns: the number of bytes written
 */
gsize
rb_ring_write_bytes (RbRing *ring, GBytes *bytes)
{
  gsize size;
  gconstpointer data;

  g_return_val_if_fail (RB_IS_RING (ring), 0);
  CHECK_PRODUCER (ring, 0);
  g_return_val_if_fail (bytes != NULL, 0);

  data = g_bytes_get_data (bytes, &size);
  return rb_ring_core_write (ring->core, data, size);
}

/* --- zero-copy API ------------------------------------------------------- */

/**
 * rb_ring_write_acquire: (skip)
 * @ring: a ring
 * @count: (out): return location for the number of writable bytes
 *
 * Hands out the free space of the ring as one contiguous region (the
 * mirrored mapping means it never splits at the wrap). Write into it, then
 * call rb_ring_write_commit() with the number of bytes written; nothing is
 * visible to the consumer before the commit. There is at most one region
 * in flight: acquiring again without committing hands out the same one.
 * On an audio ring the region is a whole number of frames.
 *
 * Not available on overwrite rings (returns %NULL with @count 0): their
 * readers must learn of an overwrite before its data lands, which a pointer
 * handed to the caller cannot promise; use rb_ring_write() there.
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: (nullable): the start of the free region, @count bytes long
 */
guint8 *
rb_ring_write_acquire (RbRing *ring, gsize *count)
{
  CHECK_COUNT_OUT (count, NULL);
  CHECK_RING_PRODUCER (ring, NULL);

  return rb_ring_core_write_acquire (ring->core, count);
}

/**
 * rb_ring_write_commit:
 * @ring: a ring
 * @count: the number of bytes written into the acquired region
 *
 * Publishes the first @count bytes of the region from
 * rb_ring_write_acquire() to the consumer. @count is clamped to the
 * region's size, and on an audio ring rounded down to whole frames (the
 * rest of a split frame stays unpublished, at the start of the next
 * region).
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 */
void
rb_ring_write_commit (RbRing *ring, gsize count)
{
  CHECK_RING_PRODUCER (ring, );

  rb_ring_core_write_commit (ring->core, count);
}

/**
 * rb_ring_read_acquire: (skip)
 * @ring: a ring
 * @count: (out): return location for the number of readable bytes
 *
 * Hands out everything readable as one contiguous region (whole frames on
 * an audio ring). Read from it, then call rb_ring_read_release() with the
 * number of bytes consumed; the producer cannot reuse the region before
 * the release. On an overwrite ring it first moves past overwritten data,
 * counted in rb_ring_get_overwritten().
 *
 * On an overwrite ring the producer does not wait for the release and may
 * overwrite the region while it is being read: rb_ring_read_release() then
 * returns %FALSE, and whatever was read from it must be discarded.
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the start of the readable region, @count bytes long
 */
const guint8 *
rb_ring_read_acquire (RbRing *ring, gsize *count)
{
  CHECK_COUNT_OUT (count, NULL);
  CHECK_RING_CONSUMER (ring, NULL);

  return rb_ring_core_read_acquire (ring->core, count);
}

/**
 * rb_ring_read_release:
 * @ring: a ring
 * @count: the number of bytes consumed from the acquired region
 *
 * Gives the first @count bytes of the region from rb_ring_read_acquire()
 * back to the producer. @count is clamped to the region's size, and on an
 * audio ring rounded down to whole frames.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: %TRUE if the data read from the region is good; %FALSE only on
 *   an overwrite ring whose producer overtook the region while it was read
 */
gboolean
rb_ring_read_release (RbRing *ring, gsize count)
{
  CHECK_RING_CONSUMER (ring, FALSE);

  return rb_ring_core_read_release (ring->core, count);
}

/* --- frames -------------------------------------------------------------- */

gsize
rb_ring_write_whole (const char *func, const char *arg_check, RbRing *ring,
    gconstpointer data, gsize n)
{
  CHECK_RING_SIDE_IN (func, ring, SIDE_PRODUCER, "producer", 0);
  CHECK_ARG_AS (func, data != NULL || n == 0, arg_check, 0);

  return rb_ring_core_write_frames (ring->core, data, n);
}

gsize
rb_ring_read_whole (const char *func, const char *arg_check, RbRing *ring,
    gpointer data, gsize n)
{
  CHECK_RING_SIDE_IN (func, ring, SIDE_CONSUMER, "consumer", 0);
  CHECK_ARG_AS (func, data != NULL || n == 0, arg_check, 0);

  return rb_ring_core_read_frames (ring->core, data, n);
}

/**
 * rb_ring_write_frames: (skip)
 * @ring: a ring
 * @frames: interleaved frames in the ring's sample format
 * @n_frames: the number of frames at @frames
 *
 * Like rb_ring_write(), in whole frames: a write that does not fit is cut
 * at a frame boundary, never inside a frame. Bindings use rb_ring_write()
 * with a whole number of frames.
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 *
 * Returns: the number of frames written
 */
gsize
rb_ring_write_frames (RbRing *ring, gconstpointer frames, gsize n_frames)
{
  return rb_ring_write_whole (G_STRFUNC, "frames != NULL || n_frames == 0",
      ring, frames, n_frames);
}

/**
 * rb_ring_read_frames: (skip)
 * @ring: a ring
 * @frames: a buffer for @n_frames frames
 * @n_frames: the most frames to read
 *
 * Like rb_ring_read(), in whole frames. On an overwrite ring, a skip over
 * overwritten data lands on a frame boundary.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: the number of frames read
 */
gsize
rb_ring_read_frames (RbRing *ring, gpointer frames, gsize n_frames)
{
  return rb_ring_read_whole (G_STRFUNC, "frames != NULL || n_frames == 0",
      ring, frames, n_frames);
}

/**
 * rb_ring_read_frames_available:
 * @ring: a ring
 *
 * Gets how many whole frames the consumer can read now. It moves nothing:
 * see rb_ring_read_available().
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the number of whole frames the consumer can read now
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_read_frames_available,
    CHECK_RING_CONSUMER,
    rb_ring_core_read_available (ring->core) / ring->core->frame_size)

/**
 * rb_ring_write_frames_available:
 * @ring: a ring
 *
 * Gets how many whole frames the producer can write now.
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: the number of whole frames the producer can write now
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_write_frames_available,
    CHECK_RING_PRODUCER,
    rb_ring_core_write_available (ring->core) / ring->core->frame_size)

/**
 * rb_ring_write_deinterleaved: (skip)
 * @ring: an audio ring
 * @channels: one float array per channel of the ring, each @n_frames long;
 *   a %NULL array writes silence on that channel
 * @n_channels: the number of arrays, which must equal
 *   rb_ring_get_channels()
 * @n_frames: the number of frames
 *
 * Interleaves per-channel float samples (JACK's port buffers, say) into
 * frames of the ring's sample format, converting as described for
 * #RbSampleFormat, straight into the ring. Cut short at a frame boundary
 * when the ring is full.
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 *
 * Returns: the number of frames written; 0 for a byte ring or a wrong
 *   @n_channels
 */
gsize
rb_ring_write_deinterleaved (RbRing *ring, const float *const *channels,
    guint n_channels, gsize n_frames)
{
  CHECK_RING_PRODUCER (ring, 0);
  CHECK_ARG (channels != NULL || n_frames == 0, 0);

  return rb_ring_core_write_deinterleaved (ring->core, channels, n_channels,
      n_frames);
}

/**
 * rb_ring_read_deinterleaved: (skip)
 * @ring: an audio ring
 * @channels: one float array per channel of the ring, each room for
 *   @n_frames samples; a %NULL array discards that channel
 * @n_channels: the number of arrays, which must equal
 *   rb_ring_get_channels()
 * @n_frames: the most frames to read
 *
 * Reads frames out of the ring into per-channel float arrays, converting
 * from the ring's sample format. On underrun it reads what there is and
 * leaves the rest of the arrays untouched: fill it with silence yourself.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: the number of frames read; 0 for a byte ring or a wrong
 *   @n_channels
 */
gsize
rb_ring_read_deinterleaved (RbRing *ring, float *const *channels,
    guint n_channels, gsize n_frames)
{
  CHECK_RING_CONSUMER (ring, 0);
  CHECK_ARG (channels != NULL || n_frames == 0, 0);

  return rb_ring_core_read_deinterleaved (ring->core, channels, n_channels,
      n_frames);
}
