/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringclock.h"
#include "gstringcaps.h"

#include <gst/audio/audio.h>

/* The producer's clock point says where the ring's write position stood
 * on CLOCK_MONOTONIC; between points the clock runs on the monotonic
 * clock, at each point it lands on the producer's frame count, so over
 * time it runs at the producer's rate. Without a point (or a ring) it is
 * the monotonic clock. A change of source keeps the time continuous, and
 * the time never goes back. */
static GstClockTime
ring_clock_get_time (GstClock * clock, gpointer user_data)
{
  GstRingClock *c = user_data;
  gint64 now = g_get_monotonic_time () * 1000;
  GstClockTime raw = (GstClockTime) now, out;
  gint source = 0;

  g_mutex_lock (&c->lock);
  if (c->ring != NULL) {
    guint64 position, frames;
    gint64 when;
    gsize fs = rb_ring_get_frame_size (c->ring);
    guint rate = rb_ring_get_rate (c->ring);

    if (rate > 0 && rb_ring_get_clock_point (c->ring, &position,
            &when, &frames)) {
      gint64 since = MAX (now - when, 0);

      raw = gst_util_uint64_scale (position / fs, GST_SECOND, rate) +
          (GstClockTime) since;
      source = 1;
    }
  }
  if (source != c->source) {
    c->offset = GST_CLOCK_DIFF (raw, c->last);
    c->source = source;
  }
  out = (GstClockTime) ((GstClockTimeDiff) raw + c->offset);
  if (out < c->last)
    out = c->last;
  c->last = out;
  g_mutex_unlock (&c->lock);
  return out;
}

/* @c lives in its element, which the clock calls back: the element's
 * finalize() must gst_ring_clock_clear() it. */
void
gst_ring_clock_init (GstRingClock * c)
{
  g_mutex_init (&c->lock);
  c->ring = NULL;
  c->source = -1;
  c->last = 0;
  c->offset = 0;
  c->clock = gst_audio_clock_new ("GstRingClock", ring_clock_get_time, c,
      NULL);
}

void
gst_ring_clock_clear (GstRingClock * c)
{
  /* the pipeline may keep the clock longer than the element */
  gst_audio_clock_invalidate (GST_AUDIO_CLOCK (c->clock));
  gst_object_unref (c->clock);
  g_clear_object (&c->ring);
  g_mutex_clear (&c->lock);
}

/* Follows @ring (an audio ring; anything else, or NULL: the monotonic
 * clock). */
void
gst_ring_clock_set_ring (GstRingClock * c, RbRing * ring)
{
  g_mutex_lock (&c->lock);
  g_clear_object (&c->ring);
  if (ring != NULL && gst_ring_kind_of (ring) == GST_RING_KIND_AUDIO)
    c->ring = g_object_ref (ring);
  /* a new ring's positions start elsewhere: continue from here */
  c->source = -1;
  g_mutex_unlock (&c->lock);
}
