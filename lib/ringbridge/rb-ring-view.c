/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Zero-copy views at absolute positions: the public calls over
 * rb-ring-core-view.c, with the misuse checks of rb_ring_read_at(). */

#include "rb-ring-view.h"
#include "rb-ring-private.h"
#include "rb-ring-core-view-private.h"

#include <assert.h>

/* rb-ring.c checks the other three values */
static_assert ((int) RB_RANGE_LAPPED == RB_RANGE_OVERTAKEN,
    "RbRangeStatus and the core's enum rb_range must agree");

/**
 * rb_ring_view_at: (skip)
 * @ring: a ring
 * @position: the absolute byte position of the view's first byte
 * @count: the most bytes the view should cover
 * @available: (out): return location for the number of bytes the view
 *   covers: at most @count, fewer if only part of the range is written
 *   yet; 0 when the result is %NULL
 *
 * rb_ring_read_at() without the copy: a pointer to the ring's own memory
 * at @position. The data area is mapped twice back to back, so the view
 * is contiguous even where the range wraps around the end of the ring.
 * Nothing moves: any number of readers may hold views, each at its own
 * positions.
 *
 * The producer of an overwrite ring does not wait for readers: it may
 * overwrite the range while the view is read. So a view is validated
 * after use: once done reading, call rb_ring_view_at_check() with the
 * same @position and the bytes read; unless it returns
 * %RB_RANGE_AVAILABLE, what was read must be discarded (it may mix old
 * and new data). Keep views short-lived: the closer @position is to
 * rb_ring_get_oldest_position(), the sooner the producer laps it.
 *
 * The pointer is `const`: a view is for reading. The memory is mapped
 * writable in every process, and writing through a view (as seed 002's
 * `wprotect=False` allows) does change the ring's data, for every reader,
 * in every process, with no ordering against them; if the producer laps
 * the range meanwhile, the writes may land on its newer data, which other
 * readers would then take as good. Write only where no producer laps you
 * and no other reader looks (docs/ring.md, "Views at absolute positions").
 *
 * Who may call: as for rb_ring_read_at(): any thread on an overwrite ring;
 * on a plain ring only the consumer, for positions at or after its read
 * position (there the bytes cannot change until it releases them). On an
 * audio ring @position must be on a frame boundary and the view covers
 * whole frames only.
 *
 * Thread: any (overwrite ring), consumer (plain ring). RT-safe: no system
 *   call.
 *
 * Returns: (nullable): the address of the byte at @position, valid (mapped)
 *   while @ring lives; %NULL if nothing is readable at @position: it is
 *   overwritten (rb_ring_check_range() says %RB_RANGE_OVERWRITTEN: resume
 *   at rb_ring_get_oldest_position()) or not yet written
 *
 * Since: 0.2
 */
const guint8 *
rb_ring_view_at (RbRing *ring, guint64 position, gsize count,
    gsize *available)
{
  enum rb_range status;

  CHECK_COUNT_OUT (available, NULL);
  CHECK_RING (ring, NULL);
  CHECK_READ_AT (ring, NULL);
  CHECK_POSITION (ring, position, NULL);

  return rb_ring_core_view_at (ring->core, position, count, available,
      &status);
}

/**
 * rb_ring_view_at_check:
 * @ring: a ring
 * @position: the position the view was taken at (rb_ring_view_at())
 * @count: the number of bytes read from the view
 *
 * Says whether the bytes read from a view are good: call it after reading
 * them. The producer of an overwrite ring announces the end of each write
 * before its data lands; this compares that announcement with @position,
 * as rb_ring_read_at() does after its copy, so a view the producer
 * overtook while it was held (even one whose write is still in progress)
 * is %RB_RANGE_LAPPED, never good. Checking the start of the range is
 * enough: the producer overwrites in position order.
 *
 * On a plain ring the range is %RB_RANGE_LAPPED once the consumer has
 * released it (the producer may then reuse it).
 *
 * Thread: any (overwrite ring), consumer (plain ring). RT-safe: no system
 *   call.
 *
 * Returns: %RB_RANGE_AVAILABLE if nothing of the range was overwritten
 *   since the view was taken, %RB_RANGE_LAPPED if any of it may have been
 *   (discard what was read), %RB_RANGE_NOT_YET_WRITTEN if the range reaches
 *   past the write position (more than the view covered)
 *
 * Since: 0.2
 */
RbRangeStatus
rb_ring_view_at_check (RbRing *ring, guint64 position, gsize count)
{
  CHECK_RING (ring, RB_RANGE_LAPPED);
  CHECK_READ_AT (ring, RB_RANGE_LAPPED);
  CHECK_POSITION (ring, position, RB_RANGE_LAPPED);

  return (RbRangeStatus) rb_ring_core_view_check (ring->core, position,
      count);
}
