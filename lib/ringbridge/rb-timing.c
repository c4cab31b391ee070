/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Stamping, publishing and reading each side's timing estimate (see
 * rb-timing-private.h and docs/clocks.md).
 *
 * A side stamps when its published position has advanced by a step since
 * its last stamp (publish_write()/publish_read() in rb-ring-core.c make
 * that one comparison of private fields on every publish): about 1 ms of
 * audio by default, so an audio side pays one vDSO clock read and a few
 * dozen floating-point operations per millisecond, and a byte ring pays
 * nothing until timing is turned on for it. The loop works in bytes; the
 * public API (rb-ring-timing.c) converts to frames. */

#include "rb-ring-core-inline-private.h"
#include "rb-timing-private.h"

#include <math.h>

/* Fewer stamps than this since the loop (re)started: still warming up. */
#define MIN_STAMPS 8
/* No ring moves more bytes per second than this (about 1000 GB/s). */
#define MAX_RATE 1e12
/* An audio side's measured rate within this fraction of its nominal one. */
#define MAX_DEVIATION 0.05
/* The filtered time of a stamp is this close to its raw time. */
#define MAX_FILTER_OFFSET_NS (INT64_C (1) * 1000000000)

static struct rb_timing_side *
side_of (struct rb_ring_core *c, enum rb_timing_role role)
{
  return role == RB_TIMING_PRODUCER ? &c->w_timing : &c->r_timing;
}

static struct rb_shm_timing *
block_of (const struct rb_ring_core *c, enum rb_timing_role role)
{
  return role == RB_TIMING_PRODUCER ? &c->hdr->producer_timing :
      &c->hdr->consumer_timing;
}

static uint64_t
side_position (const struct rb_ring_core *c, enum rb_timing_role role)
{
  return role == RB_TIMING_PRODUCER ? c->w : c->r;
}

static uint64_t
double_bits (double v)
{
  uint64_t u;

  memcpy (&u, &v, sizeof u);
  return u;
}

static double
bits_double (uint64_t u)
{
  double v;

  memcpy (&v, &u, sizeof v);
  return v;
}

/* To the nearest nanosecond, without libm (the core links none: the
 * stress suite's mutant builds link it bare). */
static int64_t
round_ns (double ns)
{
  return (int64_t) (ns >= 0 ? ns + 0.5 : ns - 0.5);
}

/* Bytes per second the ring's format says, 0 for byte and record rings. */
static double
nominal_rate (const struct rb_ring_core *c)
{
  if (c->format == RB_FORMAT_NONE || c->rate == 0)
    return 0;
  return (double) c->rate * c->frame_size;
}

/* About 1 ms of audio; a 64th of the ring for bytes and records. */
static uint64_t
default_step (const struct rb_ring_core *c)
{
  if (nominal_rate (c) > 0)
    return (uint64_t) (c->rate >= 1000 ? c->rate / 1000 : 1) * c->frame_size;
  return c->capacity >= 64 ? c->capacity / 64 : 1;
}

/* Writes the side's block: only this side writes it (a seqlock like the
 * clock block's, rb_ring_core_set_clock()). */
static void
publish (struct rb_ring_core *c, enum rb_timing_role role,
    const struct rb_timing_side *s)
{
  struct rb_shm_timing *b = block_of (c, role);
  const struct rb_dll *d = &s->dll;
  uint32_t flags = (d->locked ? RB_SHM_TIMING_LOCKED : 0) |
      (s->kernel_clock && !s->manual ? RB_SHM_TIMING_KERNEL_CLOCK : 0) |
      (s->manual ? RB_SHM_TIMING_MANUAL : 0);
  /* relaxed: only this side writes seq. Rounded down to even: a sequence
   * left odd (a side killed mid-write, a peer's poke) would otherwise make
   * every later estimate look half-written. */
  uint32_t seq = atomic_load_explicit (&b->seq, memory_order_relaxed)
      & ~UINT32_C (1);

  /* relaxed: ordered before the field stores by their release */
  atomic_store_explicit (&b->seq, seq + 1, memory_order_relaxed);
  /* release, each: pairs with the acquire loads in rb_timing_read(); a
   * reader that sees any new field also sees the odd sequence above */
  atomic_store_explicit (&b->flags, flags, memory_order_release);
  atomic_store_explicit (&b->position, d->p0, memory_order_release);
  atomic_store_explicit (&b->time_ns, d->base_ns + round_ns (d->t0 * 1e9),
      memory_order_release);
  atomic_store_explicit (&b->rate, double_bits (rb_dll_rate (d)),
      memory_order_release);
  atomic_store_explicit (&b->stamp_ns, d->last_ns, memory_order_release);
  atomic_store_explicit (&b->stamps, d->n, memory_order_release);
  atomic_store_explicit (&b->bandwidth, double_bits (d->bw),
      memory_order_release);
  /* release: the fields are complete before the even sequence */
  atomic_store_explicit (&b->seq, seq + 2, memory_order_release);
}

void
rb_timing_enable (struct rb_ring_core *c, enum rb_timing_role role, bool on,
    uint64_t step)
{
  struct rb_timing_side *s = side_of (c, role);

  if (step == 0)
    step = default_step (c);
  step = whole (c, step) > 0 ? whole (c, step) : c->frame_size;
  s->step = step;
  s->next = side_position (c, role);
  s->on = on;
  if (on) {
    s->manual = false;
    s->kernel_clock = rb_timing_clock_needs_kernel (NULL);
  }
}

void
rb_timing_core_init (struct rb_ring_core *c)
{
  for (int role = RB_TIMING_PRODUCER; role <= RB_TIMING_CONSUMER; role++) {
    rb_dll_reset (&side_of (c, role)->dll, nominal_rate (c));
    rb_timing_enable (c, role, nominal_rate (c) > 0, 0);
  }
}

void
rb_timing_stamp_auto (struct rb_ring_core *c, enum rb_timing_role role,
    uint64_t pos)
{
  struct rb_timing_side *s = side_of (c, role);
  int64_t now;

  if (s->kernel_clock) {
    /* say why this side's estimate stays unknown, once, and stop */
    s->on = false;
    publish (c, role, s);
    return;
  }
  now = rb_timing_now ();
  s->next = pos + s->step;
  if (now > 0 && rb_dll_update (&s->dll, pos, now))
    publish (c, role, s);
}

bool
rb_timing_stamp (struct rb_ring_core *c, enum rb_timing_role role,
    uint64_t pos, int64_t t_ns)
{
  struct rb_timing_side *s = side_of (c, role);

  if (t_ns <= 0 || pos_before (side_position (c, role), pos))
    return false;
  if (!s->manual) {
    /* the caller's clock from now on: automatic stamps (another phase of
     * the same clock) would only add jitter */
    s->manual = true;
    s->on = false;
    rb_dll_reset (&s->dll, nominal_rate (c));
  }
  if (!rb_dll_update (&s->dll, pos, t_ns))
    return false;               /* not after the last stamp */
  publish (c, role, s);
  return true;
}

/* The block's fields, from a consistent snapshot. */
struct snapshot {
  uint32_t flags;
  uint64_t position, rate, stamps, bandwidth;
  int64_t time_ns, stamp_ns;
};

/* 0 never written, 1 read, -1 the writer kept it busy (or left it odd). */
static int
load_block (const struct rb_shm_timing *b, struct snapshot *s)
{
  /* bounded: a side rewriting non-stop, or a hostile one leaving the
   * sequence odd, makes this give up, not spin */
  for (int attempt = 0; attempt < 8; attempt++) {
    /* acquire: pairs with the final release store in publish() */
    uint32_t s1 = atomic_load_explicit (&b->seq, memory_order_acquire);
    uint32_t s2;

    if (s1 == 0)
      return 0;
    if (s1 & 1)
      continue;
    /* acquire, each: pairs with the release stores in publish() */
    s->flags = atomic_load_explicit (&b->flags, memory_order_acquire);
    s->position = atomic_load_explicit (&b->position, memory_order_acquire);
    s->time_ns = atomic_load_explicit (&b->time_ns, memory_order_acquire);
    s->rate = atomic_load_explicit (&b->rate, memory_order_acquire);
    s->stamp_ns = atomic_load_explicit (&b->stamp_ns, memory_order_acquire);
    s->stamps = atomic_load_explicit (&b->stamps, memory_order_acquire);
    s->bandwidth = atomic_load_explicit (&b->bandwidth, memory_order_acquire);
    /* relaxed: ordered after the field loads by their acquire */
    s2 = atomic_load_explicit (&b->seq, memory_order_relaxed);
    if (s1 == s2)
      return 1;
  }
  return -1;
}

/* Whether a snapshot's numbers can be true of this ring at @now_ns. */
static bool
plausible (const struct rb_ring_core *c, enum rb_timing_role role,
    const struct snapshot *s, int64_t now_ns, double rate, double bw)
{
  double nominal = nominal_rate (c);
  uint64_t pos;
  int64_t offset;

  if ((s->flags & ~RB_SHM_TIMING_FLAGS_KNOWN) != 0)
    return false;
  if (!isfinite (rate) || !(rate > 0) || rate > MAX_RATE)
    return false;
  if (nominal > 0 && fabs (rate / nominal - 1) > MAX_DEVIATION)
    return false;
  if (!isfinite (bw) || bw < RB_DLL_BW_MIN / 2 || bw > RB_DLL_BW_MAX * 2)
    return false;
  if (s->time_ns <= 0 || s->stamp_ns <= 0 || s->stamp_ns > now_ns)
    return false;
  offset = s->time_ns - s->stamp_ns;
  if (offset > MAX_FILTER_OFFSET_NS || offset < -MAX_FILTER_OFFSET_NS)
    return false;
  /* the side publishes its position before it stamps it */
  pos = role == RB_TIMING_PRODUCER ? rb_ring_core_write_position (c) :
      rb_ring_core_read_position (c);
  if (pos_before (pos, s->position))
    return false;
  return c->frame_size == 1 || (s->position - c->origin) % c->frame_size == 0;
}

void
rb_timing_read (const struct rb_ring_core *c, enum rb_timing_role role,
    int64_t now_ns, struct rb_timing_estimate *est)
{
  struct snapshot s;
  int got = load_block (block_of (c, role), &s);
  double rate, bw;

  memset (est, 0, sizeof *est);
  est->state = RB_TSTATE_NO_STAMPS;
  if (got == 0)
    return;
  if (got < 0) {
    est->state = RB_TSTATE_BUSY;
    return;
  }
  if ((s.flags & RB_SHM_TIMING_KERNEL_CLOCK) && s.stamps == 0) {
    est->state = RB_TSTATE_KERNEL_CLOCK;
    return;
  }
  est->state = RB_TSTATE_INVALID;
  if (s.stamps < 2) {
    if (s.stamps == 1 && (s.flags & ~RB_SHM_TIMING_FLAGS_KNOWN) == 0)
      est->state = RB_TSTATE_WARMING_UP;
    return;
  }
  rate = bits_double (s.rate);
  bw = bits_double (s.bandwidth);
  if (!plausible (c, role, &s, now_ns, rate, bw))
    return;
  est->locked = (s.flags & RB_SHM_TIMING_LOCKED) != 0;
  est->manual = (s.flags & RB_SHM_TIMING_MANUAL) != 0;
  est->position = s.position;
  est->time_ns = s.time_ns;
  est->rate = rate;
  est->age_ns = now_ns - s.stamp_ns;
  est->stamps = s.stamps;
  est->bandwidth = bw;
  if (est->age_ns > RB_TIMING_STALE_NS)
    est->state = RB_TSTATE_STALE;
  else if (s.stamps < MIN_STAMPS)
    est->state = RB_TSTATE_WARMING_UP;
  else
    est->state = RB_TSTATE_OK;
}
