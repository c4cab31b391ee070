/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The public face of the ring's timing (docs/clocks.md): the snapshot,
 * the position <-> time map from the producer's loop (and time ->
 * position from the consumer's), caller-supplied stamps and the opt-in
 * for byte and records rings. The stamping, the
 * loop and the validation of the shared header are the core's
 * (rb-timing*.c); this file converts bytes to the ring's units. */

#include "config.h"

#include "rb-ring-private.h"
#include "rb-timing.h"

#include <math.h>

G_STATIC_ASSERT ((int) RB_TIMING_STATE_OK == (int) RB_TSTATE_OK);
G_STATIC_ASSERT ((int) RB_TIMING_STATE_NO_STAMPS == (int) RB_TSTATE_NO_STAMPS);
G_STATIC_ASSERT ((int) RB_TIMING_STATE_WARMING_UP ==
    (int) RB_TSTATE_WARMING_UP);
G_STATIC_ASSERT ((int) RB_TIMING_STATE_KERNEL_CLOCK ==
    (int) RB_TSTATE_KERNEL_CLOCK);
G_STATIC_ASSERT ((int) RB_TIMING_STATE_STALE == (int) RB_TSTATE_STALE);
G_STATIC_ASSERT ((int) RB_TIMING_STATE_BUSY == (int) RB_TSTATE_BUSY);
G_STATIC_ASSERT ((int) RB_TIMING_STATE_INVALID == (int) RB_TSTATE_INVALID);

/* The map extrapolates at most this far from the producer's latest stamp
 * (an hour): beyond that the rate's error is worth more than the answer. */
#define MAP_MAX_SPAN_NS (G_GINT64_CONSTANT (3600) * G_GINT64_CONSTANT (1000000000))

/**
 * rb_ring_timing_copy:
 * @timing: a timing snapshot
 *
 * Copies a timing snapshot.
 *
 * Thread: any. Not RT-safe: allocates.
 *
 * Returns: (transfer full): a copy of @timing
 *
 * Since: 0.2
 */
/**
 * rb_ring_timing_free:
 * @timing: (transfer full) (nullable): a timing snapshot from
 *   rb_ring_timing_copy()
 *
 * Frees a copied timing snapshot.
 *
 * Thread: any. Not RT-safe: frees.
 *
 * Since: 0.2
 */
RB_DEFINE_PLAIN_BOXED_TYPE (RbRingTiming, rb_ring_timing, timing)

static void
fill_side (const struct rb_timing_estimate *est, guint frame_size,
    RbTimingState *state, gboolean *locked, gdouble *rate, gint64 *age)
{
  *state = (RbTimingState) est->state;
  *locked = est->state == RB_TSTATE_OK && est->locked;
  *rate = est->state == RB_TSTATE_OK ? est->rate / frame_size : 0;
  *age = est->age_ns > 0 || est->state == RB_TSTATE_OK ||
      est->state == RB_TSTATE_STALE ? est->age_ns : -1;
}

/* Where a side's loop puts its position at @now_ns, in bytes relative to
 * the estimate's reference position. */
static gdouble
advance (const struct rb_timing_estimate *est, gint64 now_ns)
{
  return (gdouble) (now_ns - est->time_ns) * 1e-9 * est->rate;
}

/**
 * rb_ring_get_timing:
 * @ring: a ring, of any role (a %RB_RING_ROLE_READER observer too)
 * @timing: (out caller-allocates): the snapshot
 *
 * Reads what the ring knows of its two sides' clocks: each side's rate,
 * measured by a delay-locked loop over the (position, CLOCK_MONOTONIC)
 * stamps it takes as it moves, their ratio in ppm and the smoothed fill
 * level (docs/clocks.md, "What the ring measures"). Audio rings with a
 * rate stamp by default; byte and records rings after rb_ring_set_timing().
 * Every figure read from the shared header is validated: one that cannot
 * be true makes its side %RB_TIMING_STATE_INVALID.
 *
 * Thread: any. Not RT-safe: reads CLOCK_MONOTONIC, which may enter the
 *   kernel on machines whose clock source has no vDSO support.
 *
 * Returns: %TRUE if both rates are known (@timing's ratio_known)
 *
 * Since: 0.2
 */
gboolean
rb_ring_get_timing (RbRing *ring, RbRingTiming *timing)
{
  CHECK_ARG (RB_IS_RING (ring), FALSE);
  CHECK_ARG (timing != NULL, FALSE);
  return rb_ring_timing_from_core (ring->core, timing);
}

gboolean
rb_ring_timing_from_core (const struct rb_ring_core *core,
    RbRingTiming *timing)
{
  struct rb_timing_estimate p, c;
  gint64 now;
  gdouble fill;

  memset (timing, 0, sizeof *timing);
  /* after the caller's loads of the header: a stamp newer than now is
   * one that cannot be true */
  now = rb_timing_now ();
  rb_timing_read (core, RB_TIMING_PRODUCER, now, &p);
  rb_timing_read (core, RB_TIMING_CONSUMER, now, &c);
  fill_side (&p, core->frame_size, &timing->producer_state,
      &timing->producer_locked, &timing->producer_rate,
      &timing->producer_age_ns);
  fill_side (&c, core->frame_size, &timing->consumer_state,
      &timing->consumer_locked, &timing->consumer_rate,
      &timing->consumer_age_ns);
  if (p.state != RB_TSTATE_OK || c.state != RB_TSTATE_OK)
    return FALSE;
  timing->ratio_known = TRUE;
  timing->ratio_ppm = (p.rate / c.rate - 1) * 1e6;
  /* both loops' positions at the same moment: each is smoothed by its
   * loop, so their difference is too */
  fill = (gdouble) (gint64) (p.position - c.position) + advance (&p, now) -
      advance (&c, now);
  fill = CLAMP (fill, 0, (gdouble) core->capacity);
  timing->fill_known = TRUE;
  timing->fill = fill / core->frame_size;
  timing->fill_ns = (gint64) llround (fill / c.rate * 1e9);
  return TRUE;
}

gboolean
rb_ring_timing_from_image (const struct rb_shm_header *image,
    const struct rb_ring_identity *id, RbRingTiming *timing)
{
  struct rb_ring_core core;

  /* only what rb_timing_read() looks at: the identity, and the header
   * image as the shared header (read, never written: the cast drops a
   * const the core's field does not carry). Its acquire loads pair with
   * nothing here: @image is this process's private copy. */
  memset (&core, 0, sizeof core);
  core.hdr = (struct rb_shm_header *) image;
  core.capacity = id->capacity;
  core.storage = id->storage;
  core.flags = id->flags;
  core.format = id->sample_format;
  core.channels = id->channels;
  core.rate = id->rate;
  core.frame_size = id->frame_size;
  return rb_ring_timing_from_core (&core, timing);
}

/* A side's estimate, if the map may use it, validated against @now_ns
 * (the clock's, read here, when 0). */
static gboolean
side_loop (RbRing *ring, enum rb_timing_role role, gint64 now_ns,
    struct rb_timing_estimate *est)
{
  rb_timing_read (ring->core, role, now_ns != 0 ? now_ns : rb_timing_now (),
      est);
  return est->state == RB_TSTATE_OK;
}

/* The position, in bytes on a frame boundary, where @role's loop puts
 * @time_ns; FALSE if its estimate is unknown at @now_ns (0: the clock's)
 * or @time_ns lies more than MAP_MAX_SPAN_NS from its latest stamp. */
static gboolean
side_time_to_position (RbRing *ring, enum rb_timing_role role,
    gint64 time_ns, gint64 now_ns, guint64 *position)
{
  struct rb_timing_estimate est;
  const struct rb_ring_core *c;
  gint64 frames;

  *position = 0;
  if (!side_loop (ring, role, now_ns, &est))
    return FALSE;
  if (time_ns - est.time_ns > MAP_MAX_SPAN_NS ||
      est.time_ns - time_ns > MAP_MAX_SPAN_NS)
    return FALSE;
  c = ring->core;
  frames = (gint64) llround ((gdouble) (time_ns - est.time_ns) * 1e-9 *
      est.rate / c->frame_size);
  *position = est.position + (guint64) (frames * (gint64) c->frame_size);
  return TRUE;
}

/**
 * rb_ring_position_to_time:
 * @ring: a ring, of any role
 * @position: an absolute position in bytes (as rb_ring_get_write_position()
 *   counts), past or future
 * @time_ns: (out): the CLOCK_MONOTONIC time, in nanoseconds, at which the
 *   producer wrote (or, at its measured rate, will write) @position
 *
 * Maps a position to a time on the producer's loop: the line through its
 * latest filtered stamp with the slope of its measured rate. What lets a
 * reader timestamp data, or measure end-to-end latency.
 *
 * Thread: any. Not RT-safe: reads CLOCK_MONOTONIC to validate the
 *   producer's estimate.
 *
 * Returns: %TRUE if the producer's estimate is known (%RB_TIMING_STATE_OK)
 *   and @position lies within an hour of its latest stamp
 *
 * Since: 0.2
 */
gboolean
rb_ring_position_to_time (RbRing *ring, guint64 position, gint64 *time_ns)
{
  struct rb_timing_estimate p;
  gdouble dt;

  CHECK_ARG (RB_IS_RING (ring), FALSE);
  CHECK_ARG (time_ns != NULL, FALSE);
  *time_ns = 0;
  if (!side_loop (ring, RB_TIMING_PRODUCER, 0, &p))
    return FALSE;
  dt = (gdouble) (gint64) (position - p.position) / p.rate * 1e9;
  if (!(fabs (dt) <= (gdouble) MAP_MAX_SPAN_NS))
    return FALSE;
  *time_ns = p.time_ns + (gint64) llround (dt);
  return TRUE;
}

/**
 * rb_ring_time_to_position:
 * @ring: a ring, of any role
 * @time_ns: a CLOCK_MONOTONIC time in nanoseconds, past or future
 * @position: (out): the absolute position in bytes the producer stood at
 *   (or will stand at) then, rounded to the nearest frame
 *
 * The inverse of rb_ring_position_to_time().
 *
 * Thread: any. Not RT-safe: reads CLOCK_MONOTONIC to validate the
 *   producer's estimate.
 *
 * Returns: %TRUE if the producer's estimate is known and @time_ns lies
 *   within an hour of its latest stamp
 *
 * Since: 0.2
 */
gboolean
rb_ring_time_to_position (RbRing *ring, gint64 time_ns, guint64 *position)
{
  CHECK_ARG (RB_IS_RING (ring), FALSE);
  CHECK_ARG (position != NULL, FALSE);

  return side_time_to_position (ring, RB_TIMING_PRODUCER, time_ns, 0,
      position);
}

/* The _full maps, for @func: the arguments checked, and the time given
 * must be one. */
static gboolean
side_map_full (const char *func, RbRing *ring, enum rb_timing_role role,
    gint64 time_ns, gint64 now_ns, guint64 *position)
{
  CHECK_ARG_AS (func, RB_IS_RING (ring), "RB_IS_RING (ring)", FALSE);
  CHECK_ARG_AS (func, position != NULL, "position != NULL", FALSE);

  if (now_ns <= 0) {
    *position = 0;
    return FALSE;
  }
  return side_time_to_position (ring, role, time_ns, now_ns, position);
}

/**
 * rb_ring_time_to_position_full:
 * @ring: a ring, of any role
 * @time_ns: a CLOCK_MONOTONIC time in nanoseconds, past or future
 * @now_ns: the current CLOCK_MONOTONIC time as the caller knows it, or a
 *   time a little after it (a JACK client: the next cycle's start); the
 *   estimate is validated against it (a stamp taken after it cannot be
 *   true) instead of against a clock read here
 * @position: (out): the absolute position in bytes the producer stood at
 *   (or will stand at) then, rounded to the nearest frame
 *
 * rb_ring_time_to_position() for a realtime thread, which knows the time
 * from its own clock: where the producer stands between the blocks it
 * writes, at a JACK cycle's start, say (ringbridge-jack's fill control
 * uses it so; docs/clocks.md).
 *
 * Thread: any. RT-safe: reads no clock; the shared header is read with a
 *   bounded number of retries.
 *
 * Returns: %TRUE if the producer's estimate is known at @now_ns and
 *   @time_ns lies within an hour of its latest stamp; %FALSE also if
 *   @now_ns is not positive
 *
 * Since: 0.2
 */
gboolean
rb_ring_time_to_position_full (RbRing *ring, gint64 time_ns, gint64 now_ns,
    guint64 *position)
{
  return side_map_full (G_STRFUNC, ring, RB_TIMING_PRODUCER, time_ns, now_ns,
      position);
}

/**
 * rb_ring_consumer_time_to_position:
 * @ring: a ring, of any role
 * @time_ns: a CLOCK_MONOTONIC time in nanoseconds, past or future
 * @position: (out): the absolute read position in bytes the consumer stood
 *   at (or, at its measured rate, will stand at) then, rounded to the
 *   nearest frame
 *
 * rb_ring_time_to_position() on the consumer's loop: the line through
 * its latest filtered stamp with the slope of its measured rate. Divided
 * by the frame size and the ring's rate, it is a clock that runs at the
 * consumer's pace (what ringsink provides, docs/gst.md), e.g. JACK's.
 *
 * Thread: any. Not RT-safe: reads CLOCK_MONOTONIC to validate the
 *   consumer's estimate.
 *
 * Returns: %TRUE if the consumer's estimate is known
 *   (%RB_TIMING_STATE_OK) and @time_ns lies within an hour of its latest
 *   stamp
 *
 * Since: 0.2
 */
gboolean
rb_ring_consumer_time_to_position (RbRing *ring, gint64 time_ns,
    guint64 *position)
{
  CHECK_ARG (RB_IS_RING (ring), FALSE);
  CHECK_ARG (position != NULL, FALSE);

  return side_time_to_position (ring, RB_TIMING_CONSUMER, time_ns, 0,
      position);
}

/**
 * rb_ring_consumer_time_to_position_full:
 * @ring: a ring, of any role
 * @time_ns: a CLOCK_MONOTONIC time in nanoseconds, past or future
 * @now_ns: the current CLOCK_MONOTONIC time as the caller knows it, or a
 *   time a little after it, as for rb_ring_time_to_position_full()
 * @position: (out): the absolute read position in bytes the consumer
 *   stood at (or will stand at) then, rounded to the nearest frame
 *
 * rb_ring_consumer_time_to_position() for a realtime thread that knows
 * the time: where the consumer stands between the blocks it reads.
 *
 * Thread: any. RT-safe: reads no clock; the shared header is read with a
 *   bounded number of retries.
 *
 * Returns: %TRUE if the consumer's estimate is known at @now_ns and
 *   @time_ns lies within an hour of its latest stamp; %FALSE also if
 *   @now_ns is not positive
 *
 * Since: 0.2
 */
gboolean
rb_ring_consumer_time_to_position_full (RbRing *ring, gint64 time_ns,
    gint64 now_ns, guint64 *position)
{
  return side_map_full (G_STRFUNC, ring, RB_TIMING_CONSUMER, time_ns, now_ns,
      position);
}

static gboolean
stamp_checked (RbRing *ring, enum rb_timing_role role, guint64 position,
    gint64 time_ns)
{
  if (!on_frame_boundary (ring, position) || time_ns <= 0)
    return FALSE;
  return rb_timing_stamp (ring->core, role, position, time_ns);
}

/**
 * rb_ring_stamp_producer:
 * @ring: a ring whose producer this object is
 * @position: the absolute write position, in bytes, that stood at @time_ns:
 *   on a frame boundary, not beyond the write position
 * @time_ns: CLOCK_MONOTONIC time in nanoseconds, from the caller's clock
 *   (e.g. JACK's cycle start converted to CLOCK_MONOTONIC)
 *
 * Feeds the producer's loop a stamp the caller measured, for a producer
 * whose own clock says better than a clock read at publish time when its
 * data was made. The first such stamp turns the producer's automatic
 * stamps off and restarts its loop; stamp at least every few
 * milliseconds. Works where automatic stamping is off because reading the
 * clock would enter the kernel.
 *
 * Thread: producer. RT-safe: no system call, reads no clock.
 *
 * Returns: %TRUE if the stamp was taken; %FALSE if refused (@position not
 *   on a frame boundary or beyond the write position, not after the
 *   previous stamp, or @time_ns not positive)
 *
 * Since: 0.2
 */
gboolean
rb_ring_stamp_producer (RbRing *ring, guint64 position, gint64 time_ns)
{
  CHECK_RING (ring, FALSE);
  CHECK_PRODUCER (ring, FALSE);

  return stamp_checked (ring, RB_TIMING_PRODUCER, position, time_ns);
}

/**
 * rb_ring_stamp_consumer:
 * @ring: a ring whose consumer this object is
 * @position: the absolute read position, in bytes, that stood at @time_ns:
 *   on a frame boundary, not beyond the read position
 * @time_ns: CLOCK_MONOTONIC time in nanoseconds, from the caller's clock
 *
 * The consumer's rb_ring_stamp_producer().
 *
 * Thread: consumer. RT-safe: no system call, reads no clock.
 *
 * Returns: %TRUE if the stamp was taken, %FALSE if refused
 *
 * Since: 0.2
 */
gboolean
rb_ring_stamp_consumer (RbRing *ring, guint64 position, gint64 time_ns)
{
  CHECK_RING (ring, FALSE);
  CHECK_CONSUMER (ring, FALSE);

  return stamp_checked (ring, RB_TIMING_CONSUMER, position, time_ns);
}

/**
 * rb_ring_set_timing:
 * @ring: a ring whose producer or consumer (or both) this object is
 * @enabled: whether the sides this object plays stamp as they move
 * @step: bytes between two stamps, rounded down to whole frames; 0 for the
 *   default (about 1 ms of audio, a 64th of the capacity otherwise)
 *
 * Turns automatic timing stamps on or off for the sides this object
 * plays. Audio rings with a rate stamp by default; byte and records rings
 * (whose rate only the application knows) opt in here. A stamp is one
 * read of CLOCK_MONOTONIC through the vDSO and a few dozen floating-point
 * operations, taken on a publish that crossed the step. Where reading the
 * clock would enter the kernel, stamping stays off and the timing says so
 * (%RB_TIMING_STATE_KERNEL_CLOCK).
 *
 * Thread: any, while no other thread uses @ring. Not RT-safe: the first
 *   call in a process probes the clock (a short-lived thread).
 *
 * Since: 0.2
 */
void
rb_ring_set_timing (RbRing *ring, gboolean enabled, guint64 step)
{
  CHECK_ARG (RB_IS_RING (ring), );
  CHECK_SIDE (ring, SIDE_PRODUCER | SIDE_CONSUMER, "producer or consumer", );

  if ((1u << ring->role) & SIDE_PRODUCER)
    rb_timing_enable (ring->core, RB_TIMING_PRODUCER, enabled, step);
  if ((1u << ring->role) & SIDE_CONSUMER)
    rb_timing_enable (ring->core, RB_TIMING_CONSUMER, enabled, step);
}

/**
 * rb_ring_get_timing_clock_note:
 *
 * Says whether this process reads CLOCK_MONOTONIC in user space (through
 * the vDSO), which automatic stamping needs, and how that was found out.
 *
 * Thread: any. Not RT-safe: the first call may probe the clock.
 *
 * Returns: (transfer none): a sentence
 *
 * Since: 0.2
 */
const gchar *
rb_ring_get_timing_clock_note (void)
{
  const char *why = NULL;

  rb_timing_clock_needs_kernel (&why);
  return why != NULL ? why : "unknown";
}
