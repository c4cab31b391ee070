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
  /* the members not named, the atomics among them, are initialized as
   * static objects are: zero, NULL, false, a valid state for an atomic
   * (C11 7.17.2.1) */
  *rt = (RbJackRt) {
    .mode = mode,
    .feed_forward_ppb = INT64_MIN,      /* none known */
    .rate = 48000,
  };
  rb_jack_drift_init (&rt->drift, rt->rate);
  rb_jack_rt_reset_clock (rt);
}

/* A new server starts its frame time again from its own origin: the
 * extension to 64 bits must not take that for a wrap. Call before
 * jack_activate(). */
void
rb_jack_rt_reset_clock (RbJackRt *rt)
{
  memset (&rt->frame_time, 0, sizeof rt->frame_time);
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

/* After a seq_cst store of what the callback uses: returns once a cycle
 * that started after it has ended (see rb_jack_rt_swap_ring()), or false
 * after @timeout_us without one. */
static bool
wait_for_cycle (RbJackRt *rt, int64_t timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  uint64_t seen;

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
rb_jack_rt_swap_ring (RbJackRt *rt, RbRing *ring, int64_t timeout_us)
{
  /* seq_cst: pairs with the seq_cst load at the start of
   * rb_jack_rt_cycle(). Any cycle that loaded the old ring did so before
   * this store, and therefore before the count wait_for_cycle() reads
   * next; so once the count moves past it, that cycle has finished, and
   * every later cycle loads @ring. */
  atomic_store_explicit (&rt->ring, ring, memory_order_seq_cst);
  return wait_for_cycle (rt, timeout_us);
}

bool
rb_jack_rt_swap_tap (RbJackRt *rt, RbJackTap *tap, int64_t timeout_us)
{
  /* seq_cst: pairs with the seq_cst load of the tap at the start of
   * rb_jack_rt_cycle(), as the ring's in rb_jack_rt_swap_ring() */
  atomic_store_explicit (&rt->tap, tap, memory_order_seq_cst);
  return wait_for_cycle (rt, timeout_us);
}

/* the stage's size: the callback moves a longer period in pieces */
#define TAP_STAGE_FRAMES 256

RbJackTap *
rb_jack_tap_new (RbRing *ring, RbReaderPolicy policy, uint64_t target_frames,
    GError **error)
{
  size_t fs = rb_ring_get_frame_size (ring);
  RbRingReader *reader = rb_ring_reader_new (ring, policy,
      policy == RB_READER_POLICY_LATEST ? target_frames * fs : 0, error);
  RbRing *stage;
  RbJackTap *tap;

  if (reader == NULL)
    return NULL;
  stage = rb_ring_new_audio (rb_ring_get_sample_format (ring),
      rb_ring_get_channels (ring), rb_ring_get_rate (ring),
      TAP_STAGE_FRAMES, RB_RING_FLAGS_NONE, error);
  if (stage == NULL) {
    rb_ring_reader_unref (reader);
    return NULL;
  }
  /* a page of it faulting in the process thread would be an xrun */
  rb_ring_lock_memory (stage, NULL);
  tap = g_new0 (RbJackTap, 1);
  tap->reader = reader;
  tap->stage = stage;
  tap->frame_size = fs;
  return tap;
}

void
rb_jack_tap_free (RbJackTap *tap)
{
  if (tap == NULL)
    return;
  rb_ring_reader_unref (tap->reader);
  g_object_unref (tap->stage);
  g_free (tap);
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
