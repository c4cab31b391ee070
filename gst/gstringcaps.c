/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringcaps.h"

#include <string.h>

GstRingKind
gst_ring_kind_of (RbRing * ring)
{
  if (rb_ring_get_flags (ring) & RB_RING_FLAGS_RECORDS)
    return GST_RING_KIND_RECORDS;
  if (rb_ring_get_sample_format (ring) != RB_SAMPLE_FORMAT_NONE)
    return GST_RING_KIND_AUDIO;
  return GST_RING_KIND_BYTES;
}

const gchar *
gst_ring_kind_name (GstRingKind kind)
{
  switch (kind) {
    case GST_RING_KIND_AUDIO:
      return "audio";
    case GST_RING_KIND_RECORDS:
      return "records";
    case GST_RING_KIND_BYTES:
    default:
      return "bytes";
  }
}

gboolean
gst_ring_audio_from_caps (const GstCaps * caps, RbSampleFormat * format,
    guint * channels, guint * rate)
{
  GstStructure *s;
  const gchar *fmt, *layout;
  gint ch = 0, r = 0;
  RbSampleFormat f;

  if (caps == NULL || gst_caps_get_size (caps) != 1)
    return FALSE;
  s = gst_caps_get_structure (caps, 0);
  if (!gst_structure_has_name (s, "audio/x-raw"))
    return FALSE;
  fmt = gst_structure_get_string (s, "format");
  layout = gst_structure_get_string (s, "layout");
  if (fmt == NULL || layout == NULL || strcmp (layout, "interleaved") != 0)
    return FALSE;
  /* the library names its formats as GStreamer does */
  f = rb_sample_format_from_string (fmt);
  if (f == RB_SAMPLE_FORMAT_NONE)
    return FALSE;
  if (!gst_structure_get_int (s, "channels", &ch) ||
      !gst_structure_get_int (s, "rate", &r) || ch < 1 ||
      ch > RB_RING_MAX_CHANNELS || r < 1 || r > RB_RING_MAX_RATE)
    return FALSE;
  *format = f;
  *channels = (guint) ch;
  *rate = (guint) r;
  return TRUE;
}

/* What a ring's consumer puts out: fixed caps. The ring does not record
 * channel positions, so more than two channels get GStreamer's default
 * layout for that count where there is one and are unpositioned otherwise. */
GstCaps *
gst_ring_audio_caps_for_ring (RbRing * ring)
{
  guint channels = rb_ring_get_channels (ring);
  GstCaps *caps = gst_ring_audio_accept_caps_for_ring (ring);

  if (channels > 2) {
    guint64 mask = gst_audio_channel_get_fallback_mask ((gint) channels);

    gst_caps_set_simple (caps, "channel-mask", GST_TYPE_BITMASK, mask, NULL);
  }
  return caps;
}

/* What a ring's producer accepts: the ring's format with any channel
 * positions, since the ring keeps none. */
GstCaps *
gst_ring_audio_accept_caps_for_ring (RbRing * ring)
{
  return gst_caps_new_simple ("audio/x-raw",
      "format", G_TYPE_STRING,
      rb_sample_format_to_string (rb_ring_get_sample_format (ring)),
      "layout", G_TYPE_STRING, "interleaved",
      "rate", G_TYPE_INT, (gint) rb_ring_get_rate (ring),
      "channels", G_TYPE_INT, (gint) rb_ring_get_channels (ring), NULL);
}

/* @caps (taken) narrowed to @filter (a get_caps() vfunc's), first
 * @filter's order. */
GstCaps *
gst_ring_caps_filter (GstCaps * caps, GstCaps * filter)
{
  GstCaps *tmp;

  if (filter == NULL)
    return caps;
  tmp = gst_caps_intersect_full (filter, caps, GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref (caps);
  return tmp;
}
