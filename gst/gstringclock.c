/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringclock.h"
#include "gstringcaps.h"

#include <gst/audio/audio.h>

/* On the consumer's side, a raw time that moves this much more or less
 * than the monotonic clock since the previous reading is a new line (a
 * consumer that restarted, whose loop starts over): the clock continues
 * from where it was instead of jumping or standing still. The producer's
 * clock points are its own clock, jumps included. */
#define RESTART_JUMP (250 * GST_MSECOND)

/* The producer's clock point says where the ring's write position stood
 * on CLOCK_MONOTONIC; between points the clock runs on the monotonic
 * clock, at each point it lands on the producer's frame count, so over
 * time it runs at the producer's rate. */
static gboolean
producer_time (RbRing * ring, gint64 now, gsize fs, guint rate,
    GstClockTime * raw)
{
  guint64 position, frames;
  gint64 when;

  if (!rb_ring_get_clock_point (ring, &position, &when, &frames))
    return FALSE;
  *raw = gst_util_uint64_scale (position / fs, GST_SECOND, rate) +
      (GstClockTime) MAX (now - when, 0);
  return TRUE;
}

/* The consumer's delay-locked loop says where its read position stands
 * now: its frame count, so the clock runs at the consumer's rate. */
static gboolean
consumer_time (RbRing * ring, gint64 now, gsize fs, guint rate,
    GstClockTime * raw)
{
  guint64 position;

  if (!rb_ring_consumer_time_to_position (ring, now, &position))
    return FALSE;
  *raw = gst_util_uint64_scale (position / fs, GST_SECOND, rate);
  return TRUE;
}

/* With the lock: whether the consumer's line jumped (see RESTART_JUMP). */
static gboolean
restarted (const GstRingClock * c, GstClockTime raw, gint64 now)
{
  GstClockTimeDiff moved = GST_CLOCK_DIFF (c->last_raw, raw);

  return c->side == GST_RING_CLOCK_CONSUMER && c->source == 1 &&
      ABS (moved - (now - c->last_now)) > (GstClockTimeDiff) RESTART_JUMP;
}

/* The side's time, or the monotonic clock without a ring or an estimate.
 * A change of source, or a consumer's restart, keeps the time continuous
 * (it goes on from the latest time given at the monotonic clock's pace),
 * and the time never goes back. */
static GstClockTime
ring_clock_get_time (GstClock * clock, gpointer user_data)
{
  GstRingClock *c = user_data;
  gint64 now = g_get_monotonic_time () * 1000;
  GstClockTime raw = (GstClockTime) now, out;
  gint source = 0;

  g_mutex_lock (&c->lock);
  if (c->ring != NULL) {
    gsize fs = rb_ring_get_frame_size (c->ring);
    guint rate = rb_ring_get_rate (c->ring);

    if (rate > 0 && (c->side == GST_RING_CLOCK_PRODUCER ?
            producer_time : consumer_time) (c->ring, now, fs, rate, &raw))
      source = 1;
    else
      raw = (GstClockTime) now;
  }
  if (source != c->source || restarted (c, raw, now)) {
    /* on from the latest time given, plus the monotonic clock since */
    GstClockTime from = c->last + (c->last_now > 0 ?
        (GstClockTime) MAX (now - c->last_now, 0) : 0);

    c->offset = GST_CLOCK_DIFF (raw, from);
    c->source = source;
  }
  c->last_raw = raw;
  c->last_now = now;
  /* signed: a producer whose time steps back (a clock point that puts its
   * position earlier than the last one did) takes raw + offset below
   * zero, which as a GstClockTime would be 584 years ahead, where the
   * clock would then stay; it holds at the latest time instead */
  if ((GstClockTimeDiff) raw + c->offset < (GstClockTimeDiff) c->last)
    out = c->last;
  else
    out = (GstClockTime) ((GstClockTimeDiff) raw + c->offset);
  c->last = out;
  g_mutex_unlock (&c->lock);
  return out;
}

/* @c lives in its element, which the clock calls back: the element's
 * finalize() must gst_ring_clock_clear() it. */
void
gst_ring_clock_init (GstRingClock * c, GstRingClockSide side)
{
  g_mutex_init (&c->lock);
  c->side = side;
  c->ring = NULL;
  c->source = -1;
  c->last = 0;
  c->offset = 0;
  c->last_raw = 0;
  c->last_now = 0;
  c->clock = gst_audio_clock_new (side == GST_RING_CLOCK_PRODUCER ?
      "GstRingClock" : "GstRingConsumerClock", ring_clock_get_time, c, NULL);
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

/* With the object lock. The flag says the element can provide a clock:
 * what gst-inspect-1.0 and GstBin look at; the element's provide_clock()
 * decides at clock selection whether it does. */
void
gst_ring_clock_update_flag (GstElement * element, gboolean can)
{
  if (can)
    GST_OBJECT_FLAG_SET (element, GST_ELEMENT_FLAG_PROVIDE_CLOCK);
  else
    GST_OBJECT_FLAG_UNSET (element, GST_ELEMENT_FLAG_PROVIDE_CLOCK);
}
