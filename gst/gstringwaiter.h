/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Cancellable waits on an element's ring.
 *
 * Each element has a GCancellable: unlock() cancels it, unlock_stop()
 * resets it (the gstunixfdsrc.c pattern). The library's _full waits end
 * when it is cancelled, and only the element's own waits end: a ring
 * handed in through the "ring" property may be shared with other elements
 * or the application, whose waits go on.
 *
 * Someone else's rb_ring_interrupt() on a shared ring also ends the
 * library's wait, and stands until they clear it. It is not ours to obey:
 * the waiter then sleeps on its cancellable, in slices, until its own
 * deadline. */

#include <gst/gst.h>
#include <gio/gio.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

/* how long to sleep while someone else's interrupt stands */
#define GST_RING_WAIT_SLICE_US (G_GINT64_CONSTANT (20) * 1000)

RbWaitResult    gst_ring_wait               (RbRing * ring,
                                             GCancellable * cancellable,
                                             gboolean readable,
                                             gsize bytes,
                                             gint64 timeout_us);
RbWaitResult    gst_ring_wait_position      (RbRing * ring,
                                             GCancellable * cancellable,
                                             guint64 position,
                                             gint64 timeout_us);
gboolean        gst_ring_sleep_cancellable  (GCancellable * cancellable,
                                             gint64 timeout_us);

G_END_DECLS
