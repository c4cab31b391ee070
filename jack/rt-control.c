/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The main thread's side of the state rt.c shares with it. Not realtime:
 * this file may wait, which is why it is not rt.c. */

#include "rt.h"

#include <string.h>

void
rb_jack_rt_init (RbJackRt *rt, RbJackMode mode)
{
  /* every byte written now: the callback takes no first-touch fault on
   * its state */
  memset (rt, 0, sizeof *rt);
  rt->mode = mode;
  atomic_init (&rt->ring, NULL);
  atomic_init (&rt->halted, false);
  atomic_init (&rt->freewheeling, false);
  atomic_init (&rt->clock_offset_ns, 0);
  atomic_init (&rt->cycles, 0);
  atomic_init (&rt->frames, 0);
  atomic_init (&rt->ran_dry, 0);
  atomic_init (&rt->silent_frames, 0);
  atomic_init (&rt->skipped_frames, 0);
  atomic_init (&rt->filled_up, 0);
  atomic_init (&rt->dropped_frames, 0);
  atomic_init (&rt->fill, 0);
  atomic_init (&rt->target, 0);
  atomic_init (&rt->skip_above, 0);
  atomic_init (&rt->resampling, false);
  atomic_init (&rt->feed_forward_ppb, INT64_MIN);
  atomic_init (&rt->xrun_count, 0);
  atomic_init (&rt->correction_ppb, 0);
  atomic_init (&rt->smoothed_fill_uf, 0);
  atomic_init (&rt->stage_lost, 0);
  atomic_init (&rt->cycle_seq, 0);
  atomic_init (&rt->cycle_frames, 0);
  atomic_init (&rt->cycle_usecs, 0);
  rt->rs = NULL;
  rt->rate = 48000;
  rb_jack_drift_init (&rt->drift, rt->rate);
  rb_jack_rt_reset_clock (rt);
}

/* A new server starts its frame time again from its own origin: the
 * extension to 64 bits must not take that for a wrap. Call before
 * jack_activate(). */
void
rb_jack_rt_reset_clock (RbJackRt *rt)
{
  rt->have_frame_time = false;
  rt->last_frame_time = 0;
  rt->frame_time_high = 0;
  rt->frame_time = 0;
  /* the first cycle of a new run does not run dry (or fill up) after the
   * last one */
  rt->short_last = true;
  /* a new run starts the resampler and its controller afresh */
  rt->last_ring = NULL;
  rt->was_resampling = false;
  /* relaxed: a count; xruns before this run are not this run's */
  rt->xruns_seen = atomic_load_explicit (&rt->xrun_count,
      memory_order_relaxed);
  rb_jack_drift_reset (&rt->drift);
  if (rt->rs != NULL)
    rt->rs->reset_pending = true;
}

bool
rb_jack_rt_swap_ring (RbJackRt *rt, RbRing *ring, int64_t timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  uint64_t seen;

  /* seq_cst: pairs with the seq_cst load at the start of
   * rb_jack_rt_cycle(). Any cycle that loaded the old ring did so before
   * this store, and therefore before the count we read next; so once the
   * count moves past it, that cycle has finished, and every later cycle
   * loads @ring. */
  atomic_store_explicit (&rt->ring, ring, memory_order_seq_cst);
  /* seq_cst: pairs with the seq_cst store of the count at the end of
   * rb_jack_rt_cycle() */
  seen = atomic_load_explicit (&rt->cycles, memory_order_seq_cst);
  for (;;) {
    /* seq_cst: as above */
    if (atomic_load_explicit (&rt->cycles, memory_order_seq_cst) != seen)
      return true;
    if (g_get_monotonic_time () >= deadline)
      return false;
    g_usleep (1000);
  }
}

bool
rb_jack_rt_read_cycle (RbJackRt *rt, uint64_t *frames, uint64_t *usecs)
{
  for (int tries = 0; tries < 4; tries++) {
    /* acquire: pairs with the callback's release store of the count
     * after it wrote the values (publish_cycle() in rt.c) */
    uint64_t seq = atomic_load_explicit (&rt->cycle_seq,
        memory_order_acquire);

    if (seq == 0)
      return false;
    if (seq & 1)
      continue;
    /* relaxed: ordered by the fences around them */
    *frames = atomic_load_explicit (&rt->cycle_frames, memory_order_relaxed);
    *usecs = atomic_load_explicit (&rt->cycle_usecs, memory_order_relaxed);
    /* acquire fence: the values' loads above happen before the count's
     * reload below; pairs with the callback's release fence after it
     * made the count odd */
    atomic_thread_fence (memory_order_acquire);
    if (atomic_load_explicit (&rt->cycle_seq, memory_order_relaxed) == seq)
      return true;
  }
  return false;
}
