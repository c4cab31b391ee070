/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringstats.h"
#include "gstringcommon.h"

#include <gst/base/gstbasesink.h>

/* A side's state by its nick ("ok", "warming-up", "stale", ...). */
static const gchar *
state_nick (RbTimingState state)
{
  GEnumClass *klass = g_type_class_ref (RB_TYPE_TIMING_STATE);
  GEnumValue *v = g_enum_get_value (klass, state);
  const gchar *nick = v != NULL ? v->value_nick : "invalid";

  g_type_class_unref (klass);
  return nick;
}

/* The figures of @ring (nullable): the sides' states and whether their
 * loops locked always; a rate, the drift and the fill only when known (a
 * field that is missing is unknown). Without a ring both states are
 * "no-ring". */
GstStructure *
gst_ring_stats_new (RbRing * ring)
{
  GstStructure *s;
  RbRingTiming t;

  if (ring == NULL)
    return gst_structure_new (GST_RING_STATS_NAME,
        "producer-state", G_TYPE_STRING, "no-ring",
        "consumer-state", G_TYPE_STRING, "no-ring",
        "producer-locked", G_TYPE_BOOLEAN, FALSE,
        "consumer-locked", G_TYPE_BOOLEAN, FALSE,
        "locked", G_TYPE_BOOLEAN, FALSE, NULL);
  rb_ring_get_timing (ring, &t);
  s = gst_structure_new (GST_RING_STATS_NAME,
      "producer-state", G_TYPE_STRING, state_nick (t.producer_state),
      "consumer-state", G_TYPE_STRING, state_nick (t.consumer_state),
      "producer-locked", G_TYPE_BOOLEAN, t.producer_locked,
      "consumer-locked", G_TYPE_BOOLEAN, t.consumer_locked,
      "locked", G_TYPE_BOOLEAN, t.producer_locked && t.consumer_locked,
      NULL);
  if (t.producer_state == RB_TIMING_STATE_OK)
    gst_structure_set (s, "producer-rate", G_TYPE_DOUBLE, t.producer_rate,
        NULL);
  if (t.consumer_state == RB_TIMING_STATE_OK)
    gst_structure_set (s, "consumer-rate", G_TYPE_DOUBLE, t.consumer_rate,
        NULL);
  if (t.ratio_known)
    gst_structure_set (s, "drift-ppm", G_TYPE_DOUBLE, t.ratio_ppm, NULL);
  if (t.fill_known)
    gst_structure_set (s, "fill-frames", G_TYPE_DOUBLE, t.fill,
        "fill-time", G_TYPE_UINT64, (guint64) MAX (t.fill_ns, 0), NULL);
  return s;
}

static gboolean
copy_field (GQuark field, const GValue * value, gpointer user_data)
{
  gst_structure_id_set_value (user_data, field, value);
  return TRUE;
}

static GQuark
extra_quark (void)
{
  return g_quark_from_static_string ("gst-ring-stats-extra");
}

/* In class_init: @extra adds @type's own fields to its stats. */
void
gst_ring_stats_set_extra (GType type, GstRingStatsExtra extra)
{
  g_type_set_qdata (type, extra_quark (), (gpointer) extra);
}

/* What the `stats` property reads: @element's ring's figures, plus a
 * sink's GstBaseSink stats (average-rate, dropped, rendered), the
 * property the ring's shadows, and the class's own fields
 * (gst_ring_stats_set_extra()). Takes the object lock: call without it. */
GstStructure *
gst_ring_stats_of (GstElement * element)
{
  RbRing *ring = gst_ring_element_ref_own_ring (element);
  GstStructure *s = gst_ring_stats_new (ring);
  GstRingStatsExtra extra = (GstRingStatsExtra)
      g_type_get_qdata (G_OBJECT_TYPE (element), extra_quark ());

  g_clear_object (&ring);
  if (GST_IS_BASE_SINK (element)) {
    GstStructure *base = gst_base_sink_get_stats (GST_BASE_SINK (element));

    gst_structure_foreach (base, copy_field, s);
    gst_structure_free (base);
  }
  if (extra != NULL)
    extra (element, s);
  return s;
}

/* In class_init: `stats` and `stats-interval` at their ids
 * (GST_RING_PROP_*). */
void
gst_ring_stats_specs (GParamSpec ** properties)
{
  /* docs/gen-gst-elements.py gives both elements these two comments,
   * followed by an element's own GstRingSink:stats: (say) if it has one */
  /**
   * GstRingElement:stats:
   *
   * The ring's timing figures, as the ring measures its two sides'
   * clocks (docs/clocks.md): a #GstStructure named `ringbridge-stats`
   * with the strings `producer-state` and `consumer-state` (`ok`,
   * `no-stamps`, `warming-up`, `kernel-clock`, `stale`, `busy`, `invalid`,
   * or `no-ring` before the element has one) and the booleans
   * `producer-locked`, `consumer-locked` and `locked` (both); and, only
   * once known, the doubles `producer-rate` and `consumer-rate` (frames
   * per second of CLOCK_MONOTONIC), `drift-ppm` (positive when the
   * producer is faster and the ring fills) and `fill-frames` (smoothed),
   * and the guint64 `fill-time` (ns). A field that is missing is unknown.
   *
   * Since: 0.2
   */
  /**
   * GstRingElement:stats-interval:
   *
   * Every this many milliseconds while the element is PAUSED or PLAYING,
   * post #GstRingElement:stats as an element message (the structure is the
   * message's, named `ringbridge-stats`), whether or not data flows. 0,
   * the default, posts none. Takes effect at once.
   *
   * Since: 0.2
   */
  properties[GST_RING_PROP_STATS] = g_param_spec_boxed ("stats",
      "Statistics", "The ring's timing figures (a ringbridge-stats structure: "
      "producer-state, consumer-state, producer-locked, consumer-locked, "
      "locked; producer-rate, consumer-rate, drift-ppm, fill-frames, "
      "fill-time when known)", GST_TYPE_STRUCTURE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[GST_RING_PROP_STATS_INTERVAL] =
      g_param_spec_uint ("stats-interval", "Statistics interval",
      "Post the stats as a ringbridge-stats element message every this "
      "many milliseconds while PAUSED or PLAYING (0 = never)",
      0, G_MAXUINT / 2, 0,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING);
}

/* --- the periodic message ------------------------------------------------ */

static GQuark
poster_quark (void)
{
  return g_quark_from_static_string ("gst-ring-stats-poster");
}

/* On the system clock's thread: the element is alive (the entry holds a
 * reference). */
static gboolean
post_stats (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GstElement *element = user_data;
  GstStructure *s = gst_ring_stats_of (element);

  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), s));
  return TRUE;
}

static void
unschedule (gpointer id)
{
  gst_clock_id_unschedule (id);
  gst_clock_id_unref (id);
}

/* Posts the stats every @interval_ms (0: stops), on the system clock, so
 * that they come whether or not data flows. With the object lock (the
 * callback takes it on the clock's thread, which does not hold the
 * clock's lock then; unscheduling does not wait for it). */
void
gst_ring_stats_start (GstElement * element, guint interval_ms)
{
  GstClock *clock;
  GstClockID id;
  GstClockTime period = (GstClockTime) interval_ms * GST_MSECOND;

  gst_ring_stats_stop (element);
  if (interval_ms == 0)
    return;
  clock = gst_system_clock_obtain ();
  id = gst_clock_new_periodic_id (clock, gst_clock_get_time (clock) +
      period, period);
  gst_object_unref (clock);
  if (gst_clock_id_wait_async (id, post_stats, gst_object_ref (element),
          gst_object_unref) != GST_CLOCK_OK) {
    GST_WARNING_OBJECT (element, "cannot schedule the stats messages");
    gst_clock_id_unref (id);
    return;
  }
  g_object_set_qdata_full (G_OBJECT (element), poster_quark (), id,
      unschedule);
}

/* With the object lock. */
void
gst_ring_stats_stop (GstElement * element)
{
  g_object_set_qdata (G_OBJECT (element), poster_quark (), NULL);
}
