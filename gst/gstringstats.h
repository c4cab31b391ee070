/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The ring's timing figures as GStreamer users expect them (docs/gst.md,
 * "Timing statistics"): a read-only `stats` property holding a
 * GstStructure named "ringbridge-stats", and the same structure posted as
 * an element message every `stats-interval` milliseconds. Both elements. */

#include <gst/gst.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

#define GST_RING_STATS_NAME "ringbridge-stats"

/* An element class's own fields for its stats structure, added after the
 * ring's; called without the object lock. */
typedef void    (*GstRingStatsExtra)        (GstElement * element,
                                             GstStructure * s);

void            gst_ring_stats_set_extra    (GType type,
                                             GstRingStatsExtra extra);
GstStructure   *gst_ring_stats_new          (RbRing * ring);
GstStructure   *gst_ring_stats_of           (GstElement * element);
void            gst_ring_stats_specs        (GParamSpec ** properties);
void            gst_ring_stats_start        (GstElement * element,
                                             guint interval_ms);
void            gst_ring_stats_stop         (GstElement * element);

G_END_DECLS
