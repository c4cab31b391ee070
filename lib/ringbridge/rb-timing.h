/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once
/* The ring's timing: each side's rate, the drift between them, the
 * smoothed fill and the position <-> time map (docs/clocks.md). */

/* Only through <ringbridge/ringbridge.h>: rb-types.h, included first, says so. */
#include <ringbridge/rb-types.h>
#include <ringbridge/rb-ring.h>

G_BEGIN_DECLS

/**
 * RbTimingState:
 * @RB_TIMING_STATE_OK: the side's estimate is known
 * @RB_TIMING_STATE_NO_STAMPS: the side has not stamped: timing is off on
 *   its ring (a byte or records ring without rb_ring_set_timing(), or a
 *   ring made by an older ringbridge), or it has not moved yet
 * @RB_TIMING_STATE_WARMING_UP: too few stamps for a rate yet
 * @RB_TIMING_STATE_KERNEL_CLOCK: the side's automatic stamps are off
 *   because reading CLOCK_MONOTONIC is a system call on its machine (see
 *   docs/clocks.md); stamps the caller supplies still work
 * @RB_TIMING_STATE_STALE: the side stopped stamping more than 2 s ago
 * @RB_TIMING_STATE_BUSY: the side kept rewriting its estimate while we
 *   read it (or left it half-written)
 * @RB_TIMING_STATE_INVALID: the shared header holds values that cannot be
 *   true (a corrupt or hostile peer); nothing of it is used
 *
 * Why a side's timing estimate is, or is not, known.
 *
 * Since: 0.2
 */
typedef enum {
  RB_TIMING_STATE_OK = 0,
  RB_TIMING_STATE_NO_STAMPS,
  RB_TIMING_STATE_WARMING_UP,
  RB_TIMING_STATE_KERNEL_CLOCK,
  RB_TIMING_STATE_STALE,
  RB_TIMING_STATE_BUSY,
  RB_TIMING_STATE_INVALID,
} RbTimingState;

/**
 * RbRingTiming:
 * @producer_state: why the producer's figures are or are not known
 * @consumer_state: likewise for the consumer
 * @producer_locked: the producer's loop has narrowed to its final
 *   bandwidth: its rate is as good as it gets
 * @consumer_locked: likewise for the consumer
 * @producer_rate: the producer's rate in units (frames of an audio ring,
 *   bytes otherwise) per second of CLOCK_MONOTONIC; 0 when unknown
 * @consumer_rate: likewise for the consumer
 * @producer_age_ns: nanoseconds since the producer's latest stamp; -1
 *   when unknown
 * @consumer_age_ns: likewise for the consumer
 * @ratio_known: both rates are known, so @ratio_ppm is
 * @ratio_ppm: how far the rates differ, in parts per million of the
 *   consumer's (producer_rate / consumer_rate - 1) * 10^6:
 *   positive when the producer is faster and the ring fills up
 * @fill_known: both sides' loops are known, so @fill and @fill_ns are
 * @fill: the smoothed fill level in units: the producer's filtered
 *   position minus the consumer's, both taken at the same moment
 * @fill_ns: @fill in nanoseconds at the consumer's rate: how long new data
 *   waits in the ring
 *
 * A snapshot of the ring's timing (rb_ring_get_timing()). Figures come
 * from the shared header and are validated: a value that cannot be true
 * reads as unknown.
 *
 * Since: 0.2
 */
typedef struct {
  RbTimingState producer_state;
  RbTimingState consumer_state;
  gboolean producer_locked;
  gboolean consumer_locked;
  gdouble producer_rate;
  gdouble consumer_rate;
  gint64 producer_age_ns;
  gint64 consumer_age_ns;
  gboolean ratio_known;
  gdouble ratio_ppm;
  gboolean fill_known;
  gdouble fill;
  gint64 fill_ns;
  /*< private >*/
  gpointer padding[4];
} RbRingTiming;

#define RB_TYPE_RING_TIMING (rb_ring_timing_get_type ())

RB_DECLARE_PLAIN_BOXED (RbRingTiming, rb_ring_timing, timing);

RB_API
gboolean       rb_ring_get_timing           (RbRing        *ring,
                                             RbRingTiming  *timing);
RB_API
gboolean       rb_ring_position_to_time     (RbRing        *ring,
                                             guint64        position,
                                             gint64        *time_ns);
RB_API
gboolean       rb_ring_time_to_position     (RbRing        *ring,
                                             gint64         time_ns,
                                             guint64       *position);
RB_API
gboolean       rb_ring_consumer_time_to_position (RbRing   *ring,
                                             gint64         time_ns,
                                             guint64       *position);
RB_API
gboolean       rb_ring_time_to_position_full (RbRing       *ring,
                                             gint64         time_ns,
                                             gint64         now_ns,
                                             guint64       *position);
RB_API
gboolean       rb_ring_consumer_time_to_position_full (RbRing *ring,
                                             gint64         time_ns,
                                             gint64         now_ns,
                                             guint64       *position);
RB_API
gboolean       rb_ring_stamp_producer       (RbRing        *ring,
                                             guint64        position,
                                             gint64         time_ns);
RB_API
gboolean       rb_ring_stamp_consumer       (RbRing        *ring,
                                             guint64        position,
                                             gint64         time_ns);
RB_API
void           rb_ring_set_timing           (RbRing        *ring,
                                             gboolean       enabled,
                                             guint64        step);
RB_API
const gchar   *rb_ring_get_timing_clock_note (void);

G_END_DECLS
