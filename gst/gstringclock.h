/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The clocks the elements provide. ringsrc's follows an audio ring's
 * producer (its published clock point, JACK's say), so that a pipeline fed
 * by the ring runs at the producer's rate; ringsink's follows the ring's
 * consumer (its delay-locked loop), so that a pipeline of live sources
 * feeding the ring runs at the consumer's rate. */

#include <gst/gst.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

typedef enum {
  GST_RING_CLOCK_PRODUCER,      /* ringsrc */
  GST_RING_CLOCK_CONSUMER,      /* ringsink */
} GstRingClockSide;

typedef struct {
  GstClock *clock;              /* a GstAudioClock named "GstRingClock" */
  GMutex lock;
  RbRing *ring;
  GstRingClockSide side;
  gint source;                  /* -1: none yet, 0: monotonic, 1: the
                                 * side's estimate */
  GstClockTime last;            /* the latest time given */
  GstClockTimeDiff offset;      /* added to the source's time */
  GstClockTime last_raw;        /* the source's time then */
  gint64 last_now;              /* and the monotonic clock's, ns */
} GstRingClock;

void            gst_ring_clock_init         (GstRingClock * c,
                                             GstRingClockSide side);
void            gst_ring_clock_clear        (GstRingClock * c);
void            gst_ring_clock_set_ring     (GstRingClock * c,
                                             RbRing * ring);

void            gst_ring_clock_update_flag  (GstElement * element,
                                             gboolean can);

G_END_DECLS
