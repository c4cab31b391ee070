/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Zero-copy views at absolute positions: read_at without the copy.
 *
 * A view is a pointer into the mirrored mapping, so any range of up to
 * the capacity is contiguous, across the end of the data area too. Nothing
 * is copied, so nothing can be re-checked "after the copy" the way
 * rb_ring_core_read_at() does: the caller reads, then asks
 * rb_ring_core_view_check(), which is the same re-check read_at makes
 * after its copy (the producer's announcement, write_reserve, against the
 * start of the range). Reading a view and checking it is the reader's half
 * of a seqlock whose sequence number is the position itself (see the top
 * of rb-ring-core.c). */

#include "rb-ring-core-view-private.h"
#include "rb-ring-core-inline-private.h"

const uint8_t *
rb_ring_core_view_at (const struct rb_ring_core *c, uint64_t pos,
    size_t count, size_t *n, enum rb_range *status)
{
  /* first the write position: every byte below it is visible ... */
  uint64_t w = load_write_pos (c);
  uint64_t avail;

  *n = 0;
  if (!pos_before (pos, w)) {
    *status = RB_RANGE_FUTURE;
    return NULL;
  }
  /* ... then whether the producer has (begun to) overwrite the start */
  if (rb_ring_core_check_range (c, pos, 0) == RB_RANGE_GONE) {
    *status = RB_RANGE_GONE;
    return NULL;
  }
  avail = whole (c, w - pos);
  if (avail > c->capacity) {    /* corrupt positions: stay in bounds */
    *status = RB_RANGE_GONE;
    return NULL;
  }
  if (avail == 0) {             /* only part of a frame: not yet written */
    *status = RB_RANGE_FUTURE;
    return NULL;
  }
  *n = whole (c, MIN ((uint64_t) count, avail));
  *status = RB_RANGE_OK;
  return c->data + (pos & c->mask);
}

/* The lowest position whose bytes the producer has not touched: what
 * read_at re-checks after its copy. */
static uint64_t
intact_from (const struct rb_ring_core *c)
{
#ifdef RB_MUTANT_VIEW_CHECK_WRITE_POS
  /* Deliberately wrong (R3m): trusts the published write position, which
   * a write in flight has not moved yet, instead of its announcement. */
  uint64_t w = load_write_pos (c);

  return w - c->origin > c->capacity ? w - c->capacity : c->origin;
#else
  return overwritten_below_plain (c);
#endif
}

enum rb_range
rb_ring_core_view_check (const struct rb_ring_core *c, uint64_t pos,
    size_t n)
{
  if (is_overwrite (c)) {
    /* The caller read the view with plain loads: intact_from() orders
     * them before its load of write_reserve (overwritten_below_plain()). */
    if (pos_before (pos, intact_from (c)))
      return RB_RANGE_OVERTAKEN;
  } else if (pos_before (pos, rb_ring_core_read_position (c))) {
    /* a plain ring's consumer released it: the producer may reuse it */
    return RB_RANGE_OVERTAKEN;
  }
  if (pos_before (load_write_pos (c), pos + n))
    return RB_RANGE_FUTURE;
  return RB_RANGE_OK;
}
