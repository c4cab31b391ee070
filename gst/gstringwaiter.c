/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringwaiter.h"

/* Sleeps for @timeout_us (>= 0) or until @cancellable is cancelled.
 * Returns: whether it was cancelled. */
gboolean
gst_ring_sleep_cancellable (GCancellable * cancellable, gint64 timeout_us)
{
  GPollFD pfd;

  if (g_cancellable_is_cancelled (cancellable))
    return TRUE;
  if (!g_cancellable_make_pollfd (cancellable, &pfd)) {
    /* no file descriptor to spare: sleep the slice through */
    g_usleep ((gulong) MIN (timeout_us, GST_RING_WAIT_SLICE_US));
    return g_cancellable_is_cancelled (cancellable);
  }
  /* the descriptor is readable once cancelled, also if that came first */
  g_poll (&pfd, 1, (gint) ((timeout_us + 999) / 1000));
  g_cancellable_release_fd (cancellable);
  return g_cancellable_is_cancelled (cancellable);
}

/* What a wait waits for: bytes to read or to write, or a write position
 * (a reader of an overwrite ring, which keeps its position to itself). */
typedef enum {
  WAIT_READABLE,
  WAIT_WRITABLE,
  WAIT_POSITION,
} WaitKind;

/* One library wait for @amount (bytes, or the position) of @kind. */
static RbWaitResult
wait_once (RbRing * ring, GCancellable * cancellable, WaitKind kind,
    guint64 amount, gint64 timeout_us)
{
  switch (kind) {
    case WAIT_READABLE:
      return rb_ring_wait_readable_full (ring, (gsize) amount, timeout_us,
          cancellable);
    case WAIT_WRITABLE:
      return rb_ring_wait_writable_full (ring, (gsize) amount, timeout_us,
          cancellable);
    case WAIT_POSITION:
    default:
      return rb_ring_wait_position_full (ring, amount, timeout_us,
          cancellable);
  }
}

/* Waits as @kind says, for @timeout_us (-1: for ever), until @cancellable
 * is cancelled (RB_WAIT_INTERRUPTED). */
static RbWaitResult
wait_cancellable (RbRing * ring, GCancellable * cancellable, WaitKind kind,
    guint64 amount, gint64 timeout_us)
{
  gint64 deadline = timeout_us < 0 ? G_MAXINT64 :
      g_get_monotonic_time () + timeout_us;

  for (;;) {
    gint64 left = timeout_us, now;
    RbWaitResult res;

    if (deadline != G_MAXINT64)
      left = MAX (deadline - g_get_monotonic_time (), 0);
    res = wait_once (ring, cancellable, kind, amount, left);
    if (res != RB_WAIT_INTERRUPTED || g_cancellable_is_cancelled (cancellable))
      return res;
    /* someone else's rb_ring_interrupt() on a shared ring */
    now = g_get_monotonic_time ();
    if (now >= deadline)
      return RB_WAIT_TIMEOUT;
    if (gst_ring_sleep_cancellable (cancellable,
            MIN (deadline - now, GST_RING_WAIT_SLICE_US)))
      return RB_WAIT_INTERRUPTED;
  }
}

/* Waits for @bytes to read (@readable) or to write, for @timeout_us (-1:
 * for ever), until @cancellable is cancelled (RB_WAIT_INTERRUPTED). */
RbWaitResult
gst_ring_wait (RbRing * ring, GCancellable * cancellable, gboolean readable,
    gsize bytes, gint64 timeout_us)
{
  return wait_cancellable (ring, cancellable, readable ? WAIT_READABLE :
      WAIT_WRITABLE, bytes, timeout_us);
}

/* Waits until the producer has written up to @position, as gst_ring_wait()
 * waits for bytes: how a reader of an overwrite ring waits. */
RbWaitResult
gst_ring_wait_position (RbRing * ring, GCancellable * cancellable,
    guint64 position, gint64 timeout_us)
{
  return wait_cancellable (ring, cancellable, WAIT_POSITION, position,
      timeout_us);
}
