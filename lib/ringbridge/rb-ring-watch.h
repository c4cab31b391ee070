/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once
/* Readiness a main loop can poll: a file descriptor and a GSource that
 * wake when a ring's data, space, end of stream or peer changes
 * (docs/ring.md, "Readiness"). */

/* Only through <ringbridge/ringbridge.h>: rb-types.h, included first, says so. */
#include <ringbridge/rb-types.h>
#include <ringbridge/rb-ring.h>
#include <ringbridge/rb-reader.h>

G_BEGIN_DECLS

/**
 * RbRingCondition:
 * @RB_RING_CONDITION_READABLE: at least the watch's threshold of bytes is
 *   readable (a consumer); for a ring attached as a reader, the producer
 *   wrote at least the threshold since the check that last reported it
 * @RB_RING_CONDITION_WRITABLE: at least the threshold of bytes is free (a
 *   producer; an overwrite ring is always writable)
 * @RB_RING_CONDITION_PEER_LEFT: the other side detached or its process
 *   died (reported once per departure)
 * @RB_RING_CONDITION_END_OF_STREAM: the producer marked the end of the
 *   stream (reported once per stream; data may still be readable)
 *
 * What a #RbRingWatch waits for; flags, any combination.
 *
 * Since: 0.2
 */
typedef enum /*< flags >*/ {
  RB_RING_CONDITION_READABLE = 1,
  RB_RING_CONDITION_WRITABLE = 2,
  RB_RING_CONDITION_PEER_LEFT = 4,
  RB_RING_CONDITION_END_OF_STREAM = 8,
} RbRingCondition;

/**
 * RbRingWatch:
 *
 * A readiness watch on a ring: a file descriptor that becomes readable
 * when one of its conditions may have come to hold, and a #GSource for
 * GLib main loops. Reference counted; not for realtime threads.
 *
 * Since: 0.2
 */
typedef struct _RbRingWatch RbRingWatch;

/**
 * RbRingWatchFunc:
 * @watch: the watch
 * @conditions: the conditions that hold (those of the watch only)
 * @user_data: the data given with the callback
 *
 * The callback of a watch's #GSource (rb_ring_watch_create_source()).
 *
 * Returns: %G_SOURCE_CONTINUE to keep the source, %G_SOURCE_REMOVE to
 *   remove it
 *
 * Since: 0.2
 */
typedef gboolean (*RbRingWatchFunc) (RbRingWatch *watch,
                                     RbRingCondition conditions,
                                     gpointer user_data);

#define RB_TYPE_RING_WATCH (rb_ring_watch_get_type ())

RB_API
GType            rb_ring_watch_get_type      (void);
RB_API
RbRingWatch     *rb_ring_watch_new           (RbRing          *ring,
                                              RbRingCondition  conditions,
                                              gsize            threshold,
                                              GError         **error);
RB_API
RbRingWatch     *rb_ring_reader_watch_new    (RbRingReader    *reader,
                                              gsize            threshold,
                                              GError         **error);
RB_API
RbRingWatch     *rb_ring_watch_ref           (RbRingWatch     *watch);
RB_API
void             rb_ring_watch_unref         (RbRingWatch     *watch);
RB_API
void             rb_ring_watch_free          (RbRingWatch     *watch);
RB_API
gint             rb_ring_watch_get_fd        (RbRingWatch     *watch);
RB_API
RbRingCondition  rb_ring_watch_check         (RbRingWatch     *watch);
RB_API
RbRingCondition  rb_ring_watch_get_conditions (RbRingWatch    *watch);
RB_API
gsize            rb_ring_watch_get_threshold (RbRingWatch     *watch);
RB_API
GSource         *rb_ring_watch_create_source (RbRingWatch     *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbRingWatch, rb_ring_watch_unref)

G_END_DECLS
