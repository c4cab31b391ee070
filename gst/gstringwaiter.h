/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Interruptible waits on an element's ring.
 *
 * The two sides of an element's ring: a ring the element opened itself is
 * woken with rb_ring_interrupt(); a ring handed in through the "ring"
 * property may be shared with other elements or the application, whose
 * waits rb_ring_interrupt() would disturb, so it is waited on in slices
 * instead.
 *
 * Interim: a wait on a shared ring cannot be cancelled on its own, so after
 * someone else's interrupt the waiter polls in 1 ms sleeps. A cancellable
 * wait in the library is to replace this algorithm; until then it stays as
 * it is, here and only here. */

#include <gst/gst.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

typedef struct {
  RbRing *ring;
  gboolean shared;
  gint unlocked;                /* atomic */
} GstRingWaiter;

#define GST_RING_WAIT_SLICE_US (G_GINT64_CONSTANT (20) * 1000)

void            gst_ring_waiter_set_ring    (GstRingWaiter * w,
                                             RbRing * ring,
                                             gboolean shared);
void            gst_ring_waiter_unlock      (GstElement * element,
                                             GstRingWaiter * w);
void            gst_ring_waiter_unlock_stop (GstElement * element,
                                             GstRingWaiter * w);
RbWaitResult    gst_ring_waiter_wait        (GstRingWaiter * w,
                                             gboolean readable,
                                             gsize bytes,
                                             gint64 timeout_us);

G_END_DECLS
