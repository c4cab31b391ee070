/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* What any thread may call on a ring: the producer's clock point (a
 * seqlock in the header's clock block), the positions, reads at an
 * absolute position and the counters. Getters never move a position.
 * Realtime-safe: no allocation, no lock, no system call. */

#include "rb-ring-core-inline-private.h"
#include "rb-copy-private.h"

/* --- clock point --------------------------------------------------------- */

void
rb_ring_core_set_clock (struct rb_ring_core *c, uint64_t position,
    int64_t time_ns, uint64_t frames)
{
  struct rb_shm_header *h = c->hdr;
  /* relaxed: only the producer writes clock_seq. Rounded down to even: a
   * sequence left odd (a producer killed mid-point, or a peer's poke)
   * would otherwise make every later point look half-written for good. */
  uint32_t seq = atomic_load_explicit (&h->clock_seq, memory_order_relaxed)
      & ~UINT32_C (1);

  /* relaxed: ordered before the field stores by their release */
  atomic_store_explicit (&h->clock_seq, seq + 1, memory_order_relaxed);
  /* release, each: pairs with the acquire loads in rb_ring_core_get_clock();
   * a reader that sees any new field also sees the odd sequence above */
  atomic_store_explicit (&h->clock_position, position, memory_order_release);
  atomic_store_explicit (&h->clock_time_ns, time_ns, memory_order_release);
  atomic_store_explicit (&h->clock_frames, frames, memory_order_release);
  /* release: the fields are complete before the even sequence */
  atomic_store_explicit (&h->clock_seq, seq + 2, memory_order_release);
}

bool
rb_ring_core_get_clock (const struct rb_ring_core *c, uint64_t *position,
    int64_t *time_ns, uint64_t *frames)
{
  struct rb_shm_header *h = c->hdr;

  /* bounded: a producer rewriting the point non-stop (or a hostile one
   * leaving the sequence odd) makes this give up, not spin */
  for (int attempt = 0; attempt < 8; attempt++) {
    /* acquire: pairs with the final release store in set_clock() */
    uint32_t s1 = atomic_load_explicit (&h->clock_seq, memory_order_acquire);
    uint64_t p, f;
    int64_t t;
    uint32_t s2;

    if (s1 == 0)
      return false;             /* never set */
    /* acquire, each: pairs with the release stores in set_clock() */
    p = atomic_load_explicit (&h->clock_position, memory_order_acquire);
    t = atomic_load_explicit (&h->clock_time_ns, memory_order_acquire);
    f = atomic_load_explicit (&h->clock_frames, memory_order_acquire);
    /* relaxed: ordered after the field loads by their acquire */
    s2 = atomic_load_explicit (&h->clock_seq, memory_order_relaxed);
    if (s1 == s2 && (s1 & 1) == 0) {
      *position = p;
      *time_ns = t;
      *frames = f;
      return true;
    }
  }
  return false;
}

/* --- any thread ---------------------------------------------------------- */

uint64_t
rb_ring_core_write_position (const struct rb_ring_core *c)
{
  return load_write_pos (c);
}

uint64_t
rb_ring_core_read_position (const struct rb_ring_core *c)
{
  /* acquire: pairs with the release store in publish_read()
   * (rb-ring-core.c). */
  return atomic_load_explicit (&c->hdr->read_pos, memory_order_acquire);
}

uint64_t
rb_ring_core_oldest_position (const struct rb_ring_core *c)
{
  if (is_overwrite (c)) {
    uint64_t w = load_write_pos (c);
    uint64_t reserve = load_reserve (c);
    return frame_ceil (c, oldest_for (c, pos_before (reserve, w) ? w :
            reserve, w));
  }
  return rb_ring_core_read_position (c);
}

enum rb_range
rb_ring_core_check_range (const struct rb_ring_core *c, uint64_t pos, size_t n)
{
  uint64_t w = load_write_pos (c);

  if (pos_before (pos, rb_ring_core_oldest_position (c)))
    return RB_RANGE_GONE;
  if (pos_before (w, pos + n))
    return RB_RANGE_FUTURE;
  return RB_RANGE_OK;
}

enum rb_range
rb_ring_core_read_at (const struct rb_ring_core *c, uint64_t pos, void *dst,
    size_t n, size_t *done)
{
  uint64_t w = load_write_pos (c);
  uint64_t oldest, avail;

  *done = 0;
  n = whole (c, n);
  if (!pos_before (pos, w))
    return RB_RANGE_FUTURE;
  oldest = rb_ring_core_oldest_position (c);
  if (pos_before (pos, oldest))
    return RB_RANGE_GONE;
  avail = w - pos;
  if (avail > c->storage)       /* corrupt positions: stay in bounds */
    return RB_RANGE_GONE;
  if (n > avail) {
    /* only whole frames count; a partial one is not yet written */
    n = whole (c, avail);
    if (n == 0)
      return RB_RANGE_FUTURE;
  }
  if (n == 0)
    return RB_RANGE_OK;

  if (is_overwrite (c)) {
    copy_out_acquire (dst, c->data + (pos & c->mask), n);
    /* Did the producer overtake the start of our range during the copy? */
    if (pos_before (pos, overwritten_below (c)))
      return RB_RANGE_GONE;
  } else {
    /* Only the consumer may read a plain ring at an absolute position:
     * bytes at or above read_pos cannot change under it. */
    rb_copy (dst, c->data + (pos & c->mask), n);
  }
  *done = n;
  return RB_RANGE_OK;
}

uint64_t
rb_ring_core_overruns (const struct rb_ring_core *c)
{
  /* relaxed: a statistic; no data depends on it. */
  return atomic_load_explicit (&c->hdr->overruns, memory_order_relaxed);
}

uint64_t
rb_ring_core_underruns (const struct rb_ring_core *c)
{
  /* relaxed: a statistic; no data depends on it. */
  return atomic_load_explicit (&c->hdr->underruns, memory_order_relaxed);
}

uint64_t
rb_ring_core_overwritten (const struct rb_ring_core *c)
{
  /* relaxed: a statistic; no data depends on it. */
  return atomic_load_explicit (&c->hdr->overwritten, memory_order_relaxed);
}
