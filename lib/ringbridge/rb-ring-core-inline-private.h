/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The small steps the core's files share (rb-ring-core.c, the producer and
 * consumer; rb-ring-core-any.c, what any thread may call;
 * rb-ring-core-float.c, float transfers): position arithmetic and the
 * loads every reader makes. Inline, so moving them here changed no code.
 * C11 and libc only. */

#include "rb-ring-core-private.h"
#include "rb-test-hooks-private.h"

#include <string.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* For the steps of every publish (publish_write(), publish_read() and what
 * they call): GCC otherwise keeps them out of line once they hold the
 * wake, watch and timing checks. In a plain two-thread loop of 8-byte
 * rb_ring_write()/rb_ring_read() that call per publish cost more than
 * half the throughput (0.18-0.22 against 0.38-0.63 GB/s, 2026-12-05);
 * ringbridge-bench's 8-byte case, whose own per-chunk work dominates,
 * did not show the difference (docs/benchmarks.md, "Before and after
 * the restructure"). */
#define RB_HOT_INLINE __attribute__ ((always_inline))

/* True if position a is before position b (modulo 2^64). */
static inline bool
pos_before (uint64_t a, uint64_t b)
{
  return (int64_t) (a - b) < 0;
}

static inline bool
is_overwrite (const struct rb_ring_core *c)
{
  return (c->flags & RB_CORE_FLAG_OVERWRITE) != 0;
}

/* The bytes of the whole frames in @n: what a byte call on an audio ring
 * may move. Byte rings (frame_size 1) take one predictable branch and no
 * division. */
static inline size_t
whole (const struct rb_ring_core *c, uint64_t n)
{
  if (c->frame_size == 1)
    return (size_t) n;
  return (size_t) (n - n % c->frame_size);
}

/* The first frame boundary at or after @pos (positions count frames from
 * origin). Only on the paths where an overwrite reader was lapped. */
static inline uint64_t
frame_ceil (const struct rb_ring_core *c, uint64_t pos)
{
  uint64_t rem;

  if (c->frame_size == 1)
    return pos;
  rem = (pos - c->origin) % c->frame_size;
  return rem == 0 ? pos : pos + (c->frame_size - rem);
}

/* Counters have a single writer each, so a relaxed load and store (no
 * read-modify-write, no lock prefix) is enough; readers only want a
 * recent value. */
static inline void
counter_add (_Atomic uint64_t *counter, uint64_t n)
{
  uint64_t v = atomic_load_explicit (counter, memory_order_relaxed);
  atomic_store_explicit (counter, v + n, memory_order_relaxed);
}

/* acquire per load: pairs with the release stores in copy_in_release(); the
 * write_reserve load that follows the copy sees every reservation whose
 * data the copy saw. */
static inline void
copy_out_acquire (uint8_t *dst, const uint8_t *src, size_t n)
{
  while (n > 0 && ((uintptr_t) src & 7) != 0) {
    *dst = atomic_load_explicit ((_Atomic uint8_t *) src, memory_order_acquire);
    dst++, src++, n--;
  }
  for (; n >= 8; dst += 8, src += 8, n -= 8) {
    uint64_t v = atomic_load_explicit ((_Atomic uint64_t *) src,
        memory_order_acquire);
    memcpy (dst, &v, 8);
  }
  for (; n > 0; dst++, src++, n--)
    *dst = atomic_load_explicit ((_Atomic uint8_t *) src, memory_order_acquire);
}

/* Overwrite mode: the oldest position whose data is intact, given the end
 * of the producer's write in flight (@reserve) and the last published
 * write position (@w). A write longer than the ring invalidates everything
 * before its end less the capacity, which is past @w until it is
 * published: then nothing is readable, and the oldest position is @w. */
static inline uint64_t
oldest_for (const struct rb_ring_core *c, uint64_t reserve, uint64_t w)
{
  uint64_t oldest = reserve - c->origin > c->capacity ?
      reserve - c->capacity : c->origin;

  return pos_before (w, oldest) ? w : oldest;
}

/* relaxed: an announcement only ever grows; a stale (smaller) value makes
 * a reader start too early, which the re-check after its copy catches. */
static inline uint64_t
load_reserve (const struct rb_ring_core *c)
{
  return atomic_load_explicit (&c->hdr->write_reserve, memory_order_relaxed);
}

/* Overwrite mode, after a copy: bytes below the returned position may have
 * been overwritten while we copied (a write in flight reserved past them). */
static inline uint64_t
overwritten_below (const struct rb_ring_core *c)
{
  uint64_t reserve = load_reserve (c);

  return reserve - c->origin > c->capacity ? reserve - c->capacity : c->origin;
}

/* overwritten_below() for a caller that read the region with plain loads
 * (a view, a zero-copy read): those loads must complete before
 * load_reserve(), or a lap they saw could be missed on a weakly ordered
 * CPU (arm64; on x86 the fence is only a compiler barrier). The seqlock
 * reader's fence: it pairs with the producer's relaxed announcement of
 * write_reserve before its data stores (copy_in_release() stores the data
 * with release). A caller whose loads are acquire ones (read_at's
 * copy_out_acquire()) needs no fence: it calls overwritten_below(). */
static inline uint64_t
overwritten_below_plain (const struct rb_ring_core *c)
{
  atomic_thread_fence (memory_order_acquire);
  return overwritten_below (c);
}

/* acquire: pairs with the release store of write_pos in publish_write();
 * every byte below the returned position is visible. */
static inline uint64_t
load_write_pos (const struct rb_ring_core *c)
{
  return atomic_load_explicit (&c->hdr->write_pos, RB_MO_OBSERVE_WRITE);
}
