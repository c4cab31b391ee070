/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat: the ring's timing (RbRingStatus.timing, docs/clocks.md)
 * in words: state names, why a figure is unknown, and the text report's
 * drift, delay and clocks lines. The library validated every figure: an
 * unknown one only needs its reason said. */

#include "stat.h"

/* The library's name of the state (RbTimingState's nick, "no-stamps") in
 * words: "no stamps". A value the library does not know is "invalid". */
const char *
timing_state_name (RbTimingState state)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (RB_TYPE_TIMING_STATE);
  const GEnumValue *value = g_enum_get_value (klass, state);
  g_autofree gchar *words = NULL;

  if (value == NULL)
    return "invalid";
  words = g_strdelimit (g_strdup (value->value_nick), "-", ' ');
  return g_intern_string (words);
}

/* NULL when both sides are known; "warming up" when both say the same;
 * "producer warming up, consumer no stamps" otherwise. */
gchar *
timing_reason (const RbRingTiming *t)
{
  RbTimingState p = t->producer_state, c = t->consumer_state;

  if (p == RB_TIMING_STATE_OK && c == RB_TIMING_STATE_OK)
    return NULL;
  if (p == c)
    return g_strdup (timing_state_name (p));
  if (p == RB_TIMING_STATE_OK)
    return g_strdup_printf ("consumer %s", timing_state_name (c));
  if (c == RB_TIMING_STATE_OK)
    return g_strdup_printf ("producer %s", timing_state_name (p));
  return g_strdup_printf ("producer %s, consumer %s", timing_state_name (p),
      timing_state_name (c));
}

/* What the timing's rates and fill count: frames of an audio ring, bytes
 * of any other. */
const char *
timing_unit (const RingInfo *ri)
{
  return is_audio (ri) ? "frames" : "bytes";
}

#define FIELD "  %-9s "

static void
text_side (GString *out, const RingInfo *ri, const char *side,
    RbTimingState state, gboolean locked, gdouble rate, gint64 age_ns)
{
  g_string_append_printf (out, "%s ", side);
  if (state == RB_TIMING_STATE_OK)
    g_string_append_printf (out, "%.2f %s/s %s", rate, timing_unit (ri),
        locked ? "locked" : "locking");
  else
    g_string_append (out, timing_state_name (state));
  if (age_ns >= 0)
    g_string_append_printf (out, ", %.0f ms ago", (gdouble) age_ns / 1e6);
}

/* The drift, delay and clocks lines of one valid ring. */
void
text_timing (GString *out, const RingInfo *ri)
{
  const RbRingTiming *t = &ri->s.timing;
  g_autofree gchar *why = timing_reason (t);

  g_string_append_printf (out, FIELD, "drift");
  if (t->ratio_known)
    g_string_append_printf (out, "%+.1f ppm (%s)\n", t->ratio_ppm,
        t->ratio_ppm > 0 ? "the producer is faster: the ring fills" :
        t->ratio_ppm < 0 ? "the consumer is faster: the ring drains" :
        "no drift");
  else
    g_string_append_printf (out, "unknown (%s)\n", why);
  g_string_append_printf (out, FIELD, "delay");
  if (t->fill_known)
    g_string_append_printf (out, "%.3f ms (smoothed fill, %.1f %s)\n",
        (gdouble) t->fill_ns / 1e6, t->fill, timing_unit (ri));
  else
    g_string_append_printf (out, "unknown (%s)\n", why);
  g_string_append_printf (out, FIELD, "clocks");
  text_side (out, ri, "producer", t->producer_state, t->producer_locked,
      t->producer_rate, t->producer_age_ns);
  g_string_append (out, "; ");
  text_side (out, ri, "consumer", t->consumer_state, t->consumer_locked,
      t->consumer_rate, t->consumer_age_ns);
  g_string_append_c (out, '\n');
}
