/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Facts, positions, the clock point, counters and stream state; the misuse
 * checks' out-of-line reports. */

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

/* --- misuse reports (the checks are in rb-ring-private.h) ---------------- */

static const char *const role_names[] = {
  [RB_RING_ROLE_BOTH] = "both",
  [RB_RING_ROLE_PRODUCER] = "producer",
  [RB_RING_ROLE_CONSUMER] = "consumer",
  [RB_RING_ROLE_READER] = "reader",
};

/* Out of line and cold: the checks' fast path is a compare and a branch. */
G_GNUC_NO_INLINE void
rb_ring_refuse_arg (const char *func, const char *expr)
{
  g_return_if_fail_warning (NULL, func, expr);
}

G_GNUC_NO_INLINE void
rb_ring_refuse_side (const char *func, const RbRing *ring, const char *side)
{
  g_critical ("%s: refused: this RbRing plays the %s role, and this is a "
      "%s call", func, role_names[ring->role], side);
}

G_GNUC_NO_INLINE void
rb_ring_refuse_position (const char *func, const RbRing *ring, guint64 position)
{
  g_critical ("%s: position %" G_GUINT64_FORMAT " is not on a frame "
      "boundary of this audio ring (frames of %u bytes)", func, position,
      ring->core->frame_size);
}

/* --- facts --------------------------------------------------------------- */

/**
 * rb_ring_get_capacity:
 * @ring: a ring
 *
 * Gets how many bytes the ring holds: the most a producer can write ahead
 * of the consumer, and what an overwrite ring keeps. It is the size the
 * ring was made with, exactly (a ring made before 0.2, or with
 * %RB_RING_FLAGS_POWER_OF_TWO: its storage size).
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the capacity in bytes
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_get_capacity, CHECK_RING,
    (gsize) ring->core->capacity)

/**
 * rb_ring_get_storage_size:
 * @ring: a ring
 *
 * Gets the size of the ring's storage: its data area, which is mapped
 * twice back to back so that any region is contiguous. It is the capacity
 * rounded up to a power of two of at least a page; the ring's file is one
 * page of header larger.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the storage size in bytes, at least rb_ring_get_capacity()
 *
 * Since: 0.2
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_get_storage_size, CHECK_RING,
    (gsize) ring->core->storage)

/**
 * rb_ring_get_flags:
 * @ring: a ring
 *
 * Gets the flags the ring was created with.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the flags the ring was created with
 */
RB_RING_DEFINE_GETTER (RbRingFlags, rb_ring_get_flags, CHECK_RING,
    (RbRingFlags) ring->core->flags)

/**
 * rb_ring_get_sample_format:
 * @ring: a ring
 *
 * Gets the sample format of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the sample format of an audio ring, %RB_SAMPLE_FORMAT_NONE for
 *   a byte ring
 */
RB_RING_DEFINE_GETTER (RbSampleFormat, rb_ring_get_sample_format, CHECK_RING,
    (RbSampleFormat) ring->core->format)

/**
 * rb_ring_get_channels:
 * @ring: a ring
 *
 * Gets the channel count of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of interleaved channels of an audio ring, 0 for a
 *   byte ring
 */
RB_RING_DEFINE_GETTER (guint, rb_ring_get_channels, CHECK_RING,
    ring->core->channels)

/**
 * rb_ring_get_rate:
 * @ring: a ring
 *
 * Gets the sample rate of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the sample rate of an audio ring in Hz, 0 for a byte ring
 */
RB_RING_DEFINE_GETTER (guint, rb_ring_get_rate, CHECK_RING,
    ring->core->rate)

/**
 * rb_ring_get_frame_size:
 * @ring: a ring
 *
 * Gets the size of one frame of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the size of one frame in bytes (channels times sample size), 1
 *   for a byte ring
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_get_frame_size, CHECK_RING,
    ring->core->frame_size)

/**
 * rb_ring_get_capacity_frames:
 * @ring: a ring
 *
 * Gets the capacity of the ring in frames.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of frames the ring holds, exactly as it was made
 *   (the capacity in bytes for a byte ring)
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_get_capacity_frames, CHECK_RING,
    (gsize) (ring->core->capacity / ring->core->frame_size))

/* --- positions ----------------------------------------------------------- */

/**
 * rb_ring_get_write_position:
 * @ring: a ring
 *
 * Gets the write position: the bytes ever written.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of bytes ever written to the ring: the absolute
 *   position the next write will start at. Divide by
 *   rb_ring_get_frame_size() for a frame index.
 */
RB_RING_DEFINE_CORE_GETTER (guint64, write_position)

/**
 * rb_ring_get_read_position:
 * @ring: a ring
 *
 * Gets the read position: the bytes the consumer has read or skipped.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of bytes the consumer has read or skipped: the
 *   absolute position of the next byte it will read
 */
RB_RING_DEFINE_CORE_GETTER (guint64, read_position)

/**
 * rb_ring_get_oldest_position:
 * @ring: a ring
 *
 * Gets the oldest absolute position whose data the ring still holds.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the oldest absolute position whose data the ring still holds:
 *   for an overwrite ring, the write position less the capacity (or 0 early
 *   on), moved up to the next frame boundary on an audio ring; for a plain
 *   ring, the read position
 */
RB_RING_DEFINE_CORE_GETTER (guint64, oldest_position)

/**
 * rb_ring_check_range:
 * @ring: a ring
 * @position: an absolute byte position
 * @count: the length of the range in bytes
 *
 * Tells whether the range [@position, @position + @count) can be read now
 * with rb_ring_read_at(). The answer may change the moment it is given (the
 * producer goes on writing); rb_ring_read_at() checks again after copying.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: %RB_RANGE_AVAILABLE if the whole range is readable,
 *   %RB_RANGE_OVERWRITTEN if it starts before rb_ring_get_oldest_position(),
 *   %RB_RANGE_NOT_YET_WRITTEN if it ends past rb_ring_get_write_position()
 */
RbRangeStatus
rb_ring_check_range (RbRing *ring, guint64 position, gsize count)
{
  CHECK_RING (ring, RB_RANGE_NOT_YET_WRITTEN);

  return (RbRangeStatus) rb_ring_core_check_range (ring->core, position,
      count);
}

/**
 * rb_ring_read_at: (skip)
 * @ring: a ring
 * @position: the absolute byte position to read from
 * @data: (out caller-allocates) (array length=count) (element-type guint8):
 *   a buffer of at least @count bytes
 * @count: the most bytes to read
 * @bytes_read: (out): return location for the number of good bytes copied
 *
 * Copies bytes from an absolute position without consuming them: this is
 * how any number of readers follow an overwrite ring, each keeping its own
 * position. If only part of the range has been written, the written part
 * is copied. The copy is checked afterwards: if the producer overwrote the
 * start of the range meanwhile, the result is %RB_RANGE_OVERWRITTEN and
 * nothing counts as read. Readers that fall behind resume at
 * rb_ring_get_oldest_position().
 *
 * On a plain (non-overwrite) ring only the consumer may call this, for
 * positions between its read position and the write position. Bindings use
 * rb_ring_read_at_bytes().
 *
 * On an audio ring @position must be on a frame boundary (a multiple of
 * rb_ring_get_frame_size()); any other is refused as a programming error.
 * Only whole frames are copied: @count is rounded down, and a range whose
 * first frame is not complete yet is %RB_RANGE_NOT_YET_WRITTEN.
 *
 * Thread: any (overwrite ring), consumer (plain ring). RT-safe: no system
 *   call.
 *
 * Returns: %RB_RANGE_AVAILABLE with @bytes_read > 0 (unless @count is 0),
 *   or %RB_RANGE_OVERWRITTEN / %RB_RANGE_NOT_YET_WRITTEN with @bytes_read 0
 */
RbRangeStatus
rb_ring_read_at (RbRing *ring, guint64 position, guint8 *data, gsize count,
    gsize *bytes_read)
{
  gsize done;
  RbRangeStatus status;

  if (bytes_read != NULL)
    *bytes_read = 0;
  CHECK_RING (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_READ_AT (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_ARG (data != NULL || count == 0, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_POSITION (ring, position, RB_RANGE_NOT_YET_WRITTEN);

  status = (RbRangeStatus) rb_ring_core_read_at (ring->core, position, data,
      count, &done);
  if (bytes_read != NULL)
    *bytes_read = done;
  return status;
}

/**
 * rb_ring_read_frames_at: (skip)
 * @ring: a ring
 * @frame: the absolute frame index to read from
 * @frames: a buffer for @n_frames frames
 * @n_frames: the most frames to read
 * @frames_read: (out) (optional): return location for the number of good
 *   frames copied
 *
 * rb_ring_read_at() in frames: @frame is an absolute sample index, as
 * rb_ring_get_write_position() / rb_ring_get_frame_size() counts them.
 *
 * Thread: as for rb_ring_read_at(). RT-safe: no system call.
 *
 * Returns: as for rb_ring_read_at()
 */
RbRangeStatus
rb_ring_read_frames_at (RbRing *ring, guint64 frame, gpointer frames,
    gsize n_frames, gsize *frames_read)
{
  uint64_t fs;
  gsize done = 0;
  RbRangeStatus status;

  if (frames_read != NULL)
    *frames_read = 0;
  CHECK_RING (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_READ_AT (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_ARG (frames != NULL || n_frames == 0, RB_RANGE_NOT_YET_WRITTEN);

  fs = ring->core->frame_size;
  if (n_frames > ring->core->capacity / fs)
    n_frames = (gsize) (ring->core->capacity / fs);
  /* the core reads whole frames only, and calls a partial one not yet
   * written */
  status = (RbRangeStatus) rb_ring_core_read_at (ring->core, frame * fs,
      frames, n_frames * fs, &done);
  if (frames_read != NULL)
    *frames_read = done / fs;
  return status;
}

/* --- clock point --------------------------------------------------------- */

/**
 * rb_ring_set_clock_point:
 * @ring: a ring
 * @position: an absolute byte position of the ring
 * @monotonic_ns: when @position was (or will be) at the producer's output,
 *   on CLOCK_MONOTONIC (g_get_monotonic_time() * 1000)
 * @clock_frames: the producer's own clock at that moment, e.g. JACK's
 *   frame time (jack_last_frame_time()); 0 if it has none
 *
 * Records where the producer's clock stands relative to the ring, so a
 * consumer (GStreamer's ringsrc, ringbridge-stat) can follow the producer's
 * rate and latency rather than its own. A JACK client calls it once per
 * process cycle. Readers get the point with rb_ring_get_clock_point().
 *
 * Thread: producer. RT-safe.
 */
void
rb_ring_set_clock_point (RbRing *ring, guint64 position, gint64 monotonic_ns,
    guint64 clock_frames)
{
  CHECK_RING_PRODUCER (ring, );
  rb_ring_core_set_clock (ring->core, position, monotonic_ns, clock_frames);
}

/* How far ahead of now a clock point may be: a producer stamps the time
 * its data reaches its output, which is its latency ahead at most. */
#define CLOCK_POINT_MAX_AHEAD_NS (G_GINT64_CONSTANT (10) * 1000000000)

/* Whether a clock point read from shared memory can be true: the producer
 * is another process, and a garbage point would make a clock that follows
 * it jump by centuries. */
gboolean
rb_clock_point_plausible (uint64_t written, uint64_t capacity,
    uint64_t position, int64_t time_ns)
{
  struct timespec ts;
  int64_t now;

  /* CLOCK_MONOTONIC counts from boot: never 0 or less */
  if (time_ns <= 0)
    return FALSE;
  /* a vDSO call, no system call (the RT test traps every one) */
  if (clock_gettime (CLOCK_MONOTONIC, &ts) == 0) {
    now = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (time_ns > now + CLOCK_POINT_MAX_AHEAD_NS)
      return FALSE;
  }
  /* written data, or data being written: at most one ring ahead of the
   * write position */
  return position <= written || position - written <= capacity;
}

/**
 * rb_ring_get_clock_point:
 * @ring: a ring
 * @position: (out): the absolute byte position
 * @monotonic_ns: (out): its CLOCK_MONOTONIC time in nanoseconds
 * @clock_frames: (out): the producer's clock at that time
 *
 * Reads the producer's latest clock point (rb_ring_set_clock_point()),
 * consistent as a whole. The point comes from another process, so it is
 * checked on every read and ignored (%FALSE, as if never set) unless it
 * is plausible: a time after boot (@monotonic_ns > 0) and no more than
 * 10 s ahead of CLOCK_MONOTONIC now, and a position no more than the
 * capacity ahead of the write position.
 *
 * Thread: any. RT-safe.
 *
 * Returns: %FALSE if the producer never set one, or set one that cannot
 *   be true
 */
gboolean
rb_ring_get_clock_point (RbRing *ring, guint64 *position,
    gint64 *monotonic_ns, guint64 *clock_frames)
{
  uint64_t p = 0, f = 0;
  int64_t t = 0;
  gboolean ok;

  CHECK_RING (ring, FALSE);
  ok = rb_ring_core_get_clock (ring->core, &p, &t, &f);

  if (ok && !rb_clock_point_plausible (
          rb_ring_core_write_position (ring->core), ring->core->capacity, p, t)) {
    ok = FALSE;
    p = f = 0;
    t = 0;
  }

  if (position != NULL)
    *position = p;
  if (monotonic_ns != NULL)
    *monotonic_ns = t;
  if (clock_frames != NULL)
    *clock_frames = f;
  return ok;
}
/* --- state --------------------------------------------------------------- */

/**
 * rb_ring_reset:
 * @ring: a ring
 *
 * Discards everything not yet read, clears the end-of-stream flag and the
 * counters. The read position jumps to the write position; positions never
 * go back, so absolute positions keep their meaning across a reset.
 *
 * Call it from the consumer thread while the producer is not inside a ring
 * call (GStreamer's flush, a stopped JACK client). A consumer that only
 * wants to drop pending data while the producer runs uses rb_ring_skip()
 * with rb_ring_read_available().
 *
 * Thread: consumer, producer idle. RT-safe: no system call, except one
 *   FUTEX_WAKE when a producer announced a wait for space since this side
 *   last woke one (docs/ring.md, "When the realtime side enters the
 *   kernel").
 */
void
rb_ring_reset (RbRing *ring)
{
  CHECK_RING_CONSUMER (ring, );

  rb_ring_core_reset (ring->core);
}

/**
 * rb_ring_set_end_of_stream:
 * @ring: a ring
 *
 * Marks the end of the stream: the producer writes nothing more. The
 * consumer sees it with rb_ring_is_end_of_stream() once it has read
 * everything written before. rb_ring_reset() clears it.
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 */
void
rb_ring_set_end_of_stream (RbRing *ring)
{
  CHECK_RING_PRODUCER (ring, );

  rb_ring_core_set_eos (ring->core);
}

/**
 * rb_ring_is_end_of_stream:
 * @ring: a ring
 *
 * Tells whether the consumer has reached the end of the stream. For a
 * ring object of role %RB_RING_ROLE_READER, which keeps its position to
 * itself, it tells whether the producer marked the end: the write
 * position is then final, so the reader is at the end once it has read up
 * to rb_ring_get_write_position() (rb_ring_wait_position() then returns
 * %RB_WAIT_END_OF_STREAM).
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: %TRUE if the producer marked the end of the stream and the
 *   consumer has read everything written before it (a reader: if the
 *   producer marked the end)
 */
gboolean
rb_ring_is_end_of_stream (RbRing *ring)
{
  CHECK_RING (ring, FALSE);

  /* A reader keeps its position to itself: the flag is all there is. */
  if (ring->role == RB_RING_ROLE_READER)
    return rb_ring_core_eos_marked (ring->core);
  return rb_ring_core_is_eos (ring->core);
}

/**
 * rb_ring_get_fill_level:
 * @ring: a ring
 *
 * Gets the unread share of the ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the unread part of the ring, from 0.0 (empty) to 1.0 (full),
 *   measured from the read position
 */
gdouble
rb_ring_get_fill_level (RbRing *ring)
{
  guint64 r, w, used;

  CHECK_RING (ring, 0.0);

  r = rb_ring_core_read_position (ring->core);
  w = rb_ring_core_write_position (ring->core);
  used = w - r;
  if ((gint64) used < 0)
    return 0.0;
  if (used > ring->core->capacity)
    return 1.0;
  return (gdouble) used / (gdouble) ring->core->capacity;
}

/**
 * rb_ring_get_overruns:
 * @ring: a ring
 *
 * Gets the number of writes cut short by a full ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of writes that were cut short because the ring was
 *   full (never counted on overwrite rings)
 */
RB_RING_DEFINE_CORE_GETTER (guint64, overruns)

/**
 * rb_ring_get_underruns:
 * @ring: a ring
 *
 * Gets the number of consumer reads cut short by an empty ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of consumer reads that were cut short because there
 *   was too little data
 */
RB_RING_DEFINE_CORE_GETTER (guint64, underruns)

/**
 * rb_ring_get_overwritten:
 * @ring: a ring
 *
 * Gets the number of bytes an overwrite ring's consumer lost.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of bytes the consumer of an overwrite ring lost
 *   because the producer overwrote them before they were read
 */
RB_RING_DEFINE_CORE_GETTER (guint64, overwritten)

void
rb_ring_set_positions_for_test (RbRing *ring, guint64 position)
{
  rb_ring_core_set_positions_for_test (ring->core, position);
}
