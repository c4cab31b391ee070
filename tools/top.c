/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat --watch's table, like pw-top: a header line, then one
 * line a ring of at most 80 columns (the name's column grows on a wider
 * terminal), so 20 rings fit a 30-line terminal with the title above
 * them. The columns are described in ringbridge-stat-doc.h. */

#include "stat.h"

#include <string.h>

#define NAME_W_MIN 12
#define NAME_W_MAX 40
/* every column but the name's, with the spaces between them */
#define REST_WIDTH 68

/* @v in at most 5 characters: 999, 48.0k, 192k, 1.50M. */
static void
short_number (char *buf, gsize len, gdouble v)
{
  static const char suffixes[] = "kMGTP";
  guint i = 0;

  if (!(v >= 0) || v >= 1e18) {
    g_strlcpy (buf, "-", len);
    return;
  }
  if (v < 999.5) {
    g_snprintf (buf, len, "%.0f", v);
    return;
  }
  v /= 1000;
  while (v >= 999.5 && i + 2 < sizeof suffixes) {
    v /= 1000;
    i++;
  }
  g_snprintf (buf, len, v < 9.995 ? "%.2f%c" : v < 99.95 ? "%.1f%c" :
      "%.0f%c", v, suffixes[i]);
}

static const char *
peer_short (RbHolderState state)
{
  switch (state) {
    case RB_HOLDER_STATE_ALIVE:
      return "live";
    case RB_HOLDER_STATE_STOPPED:
      return "stop";
    case RB_HOLDER_STATE_DEAD:
      return "gone";
    case RB_HOLDER_STATE_DETACHED:
      return "left";
    case RB_HOLDER_STATE_NONE:
    default:
      return "-";
  }
}

/* 2ch 48k, 1ch 44.1k, bytes; a '*' for an overwrite ring. */
static gchar *
kind_of (const RingInfo *ri)
{
  const char *ow = (ri->s.flags & RB_RING_FLAGS_OVERWRITE) ? "*" : "";

  if (!is_audio (ri))
    return g_strdup_printf ("bytes%s", ow);
  return g_strdup_printf ("%uch %gk%s", ri->s.channels,
      ri->s.rate / 1000.0, ow);
}

/* One side's rate in units per second: the ring's clock measured it when
 * known, else the positions moved between two refreshes. */
static void
side_rate (char *buf, gsize len, const RingInfo *ri, RbTimingState state,
    gdouble rate, gdouble moved)
{
  if (state == RB_TIMING_STATE_OK)
    short_number (buf, len, rate);
  else if (ri->have_rates)
    short_number (buf, len, moved / ri->s.frame_size);
  else
    g_strlcpy (buf, "-", len);
}

/* @name cut to @width columns, a '~' where it was cut: in the middle,
 * since rings made by one program often differ only at their end. */
static gchar *
cut_name (const char *name, guint width)
{
  g_autofree gchar *shown = printable (name);
  gsize len = strlen (shown);
  guint head = (width - 1) / 2;

  if (len <= width)
    return g_steal_pointer (&shown);
  return g_strdup_printf ("%.*s~%s", (int) head, shown,
      shown + len - (width - 1 - head));
}

static void
top_ring (GString *out, const RingInfo *ri, guint name_w)
{
  const RbRingTiming *t = &ri->s.timing;
  g_autofree gchar *name = cut_name (ri->name, name_w);
  g_autofree gchar *kind = NULL;
  char fill_ms[16] = "-", drift[16] = "-", rates[32], prate[8], crate[8];
  char under[8], over[8], xruns[24], peers[16];

  if (!ri->valid) {
    g_autofree gchar *error = printable (ri->error);
    g_string_append_printf (out, "%-*s %.*s\n", (int) name_w, name,
        REST_WIDTH - 1, error);
    return;
  }
  kind = kind_of (ri);
  if (t->fill_known)
    g_snprintf (fill_ms, sizeof fill_ms, "%.2f", (gdouble) t->fill_ns / 1e6);
  if (t->ratio_known)
    g_snprintf (drift, sizeof drift, "%+.1f", t->ratio_ppm);
  side_rate (prate, sizeof prate, ri, t->producer_state, t->producer_rate,
      ri->write_rate);
  side_rate (crate, sizeof crate, ri, t->consumer_state, t->consumer_rate,
      ri->read_rate);
  g_snprintf (rates, sizeof rates, "%s/%s", prate, crate);
  short_number (under, sizeof under, (gdouble) ri->s.underruns);
  short_number (over, sizeof over, (gdouble) ri->s.overruns);
  g_snprintf (xruns, sizeof xruns, "%s/%s", under, over);
  g_snprintf (peers, sizeof peers, "%s/%s", peer_short (ri->producer.state),
      peer_short (ri->consumer.state));
  g_string_append_printf (out, "%-*s %-10.10s %5.1f %8.8s %11.11s %9.9s "
      "%9.9s %s\n", (int) name_w, name, kind, fill_percent (ri), fill_ms,
      rates, drift, xruns, peers);
}

void
top_rings (GString *out, GPtrArray *rings, guint width)
{
  guint name_w = NAME_W_MIN;

  if (width > NAME_W_MIN + REST_WIDTH)
    name_w = MIN (width - REST_WIDTH, NAME_W_MAX);
  g_string_append_printf (out, "%-*s %-10s %5s %8s %11s %9s %9s %s\n",
      (int) name_w, "NAME", "KIND", "FILL%", "FILL ms", "RATE/s P/C",
      "DRIFT ppm", "UNDR/OVER", "PROD/CONS");
  for (guint i = 0; i < rings->len; i++)
    top_ring (out, g_ptr_array_index (rings, i), name_w);
  if (rings->len == 0)
    g_string_append (out, "no rings\n");
}
