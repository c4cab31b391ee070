/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The clock ringsrc provides: it follows an audio ring's producer (its
 * published clock point, JACK's say), so that a pipeline fed by the ring
 * runs at the producer's rate. */

#include <gst/gst.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

typedef struct {
  GstClock *clock;              /* a GstAudioClock named "GstRingClock" */
  GMutex lock;
  RbRing *ring;
  gint source;                  /* 0: monotonic, 1: the producer's clock
                                 * point */
  GstClockTime last;
  GstClockTimeDiff offset;
} GstRingClock;

void            gst_ring_clock_init         (GstRingClock * c);
void            gst_ring_clock_clear        (GstRingClock * c);
void            gst_ring_clock_set_ring     (GstRingClock * c,
                                             RbRing * ring);

G_END_DECLS
