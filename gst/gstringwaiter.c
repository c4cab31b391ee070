/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringwaiter.h"

/* Gives the waiter its ring (NULL: none), with the element's object lock
 * held, so that unlock() from another thread finds it. An unlock() that
 * came before the ring must hold for it too. */
void
gst_ring_waiter_set_ring (GstRingWaiter * w, RbRing * ring, gboolean shared)
{
  w->ring = ring;
  w->shared = shared;
  /* pairs with the stores in unlock() and unlock_stop() */
  if (ring != NULL && !shared && g_atomic_int_get (&w->unlocked))
    rb_ring_interrupt (ring);
}

/* With @element's object lock, which the ring is set under. */
static void
set_unlocked (GstElement * element, GstRingWaiter * w, gboolean unlocked)
{
  GST_OBJECT_LOCK (element);
  /* pairs with the loads in gst_ring_waiter_wait() and set_ring() */
  g_atomic_int_set (&w->unlocked, unlocked ? 1 : 0);
  if (w->ring != NULL && !w->shared) {
    if (unlocked)
      rb_ring_interrupt (w->ring);
    else
      rb_ring_clear_interrupt (w->ring);
  }
  GST_OBJECT_UNLOCK (element);
}

/* The element's unlock(): ends a wait now and any until unlock_stop(). */
void
gst_ring_waiter_unlock (GstElement * element, GstRingWaiter * w)
{
  set_unlocked (element, w, TRUE);
}

void
gst_ring_waiter_unlock_stop (GstElement * element, GstRingWaiter * w)
{
  set_unlocked (element, w, FALSE);
}

/* Waits for @bytes to read (@readable) or to write, for @timeout_us (-1:
 * for ever), until unlocked. */
RbWaitResult
gst_ring_waiter_wait (GstRingWaiter * w, gboolean readable, gsize bytes,
    gint64 timeout_us)
{
  gint64 deadline = timeout_us < 0 ? G_MAXINT64 :
      g_get_monotonic_time () + timeout_us;

  for (;;) {
    RbWaitResult res;
    gint64 slice = timeout_us, now;

    if (g_atomic_int_get (&w->unlocked))
      return RB_WAIT_INTERRUPTED;
    if (w->shared) {
      now = g_get_monotonic_time ();
      if (now >= deadline)
        slice = 0;
      else
        slice = MIN (deadline - now, GST_RING_WAIT_SLICE_US);
    }
    res = readable ? rb_ring_wait_readable (w->ring, bytes, slice) :
        rb_ring_wait_writable (w->ring, bytes, slice);
    if (!w->shared)
      return res;
    if (res == RB_WAIT_INTERRUPTED) {
      /* someone else interrupted the shared object: not ours to obey.
       * Interim 1 ms poll until the library has a cancellable wait (see
       * gstringwaiter.h). */
      if (g_atomic_int_get (&w->unlocked))
        return res;
      g_usleep (1000);
      if (g_get_monotonic_time () >= deadline)
        return RB_WAIT_TIMEOUT;
      continue;
    }
    if (res != RB_WAIT_TIMEOUT)
      return res;
    if (g_get_monotonic_time () >= deadline)
      return RB_WAIT_TIMEOUT;
  }
}
