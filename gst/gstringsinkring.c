/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink: the ring it writes into: handed in, attached by name, or
 * created from the caps (and removed again at stop) */

#include "gstringsinkpriv.h"

#include "gstringrecords.h"

#define GST_CAT_DEFAULT gst_ring_sink_debug

#define DEFAULT_RECORDS_CAPACITY ((gsize) 4 * 1024 * 1024)

/* --- ring attach and creation ------------------------------------------ */

void
gst_ring_sink_set_ring (GstRingSink * self, RbRing * ring, gboolean shared,
    gboolean created)
{
  /* A named ring whose creator died (a killed ringsink) is nobody's: the
   * sink that takes it over owns its name as the creator did, and removes
   * it when it stops, so that the next sink makes a ring for its own caps
   * (which a waiting ringsrc follows). A ring whose creator lives (a JACK
   * client that made it for its producers) stays. */
  gboolean adopted = ring != NULL && !shared && !created &&
      rb_ring_get_name (ring) != NULL &&
      rb_ring_get_creator_state (ring) == RB_PEER_STATE_GONE;

  GST_OBJECT_LOCK (self);
  self->ring = ring;
  self->created = created;
  self->adopted = adopted;
  GST_OBJECT_UNLOCK (self);

  gst_ring_clock_set_ring (&self->clock, ring);
  if (ring == NULL)
    return;
  self->kind = gst_ring_kind_of (ring);
  self->unit = self->kind == GST_RING_KIND_AUDIO ?
      rb_ring_get_frame_size (ring) : 1;
  self->consumer_pid = 0;
  self->next_peer_check = 0;
  GST_INFO_OBJECT (self, "using %s ring '%s' of %" G_GSIZE_FORMAT " bytes%s",
      gst_ring_kind_name (self->kind), GST_STR_NULL (rb_ring_get_name (ring)),
      rb_ring_get_capacity (ring), created ? " (created)" :
      adopted ? " (taken over from its dead creator)" : "");
}

/* overwrite-old needs a ring that overwrites; checked wherever a ring
 * comes from. */
gboolean
gst_ring_sink_check_mode (GstRingSink * self, RbRing * ring)
{
  if (self->run_mode != GST_RING_SINK_MODE_OVERWRITE_OLD ||
      (rb_ring_get_flags (ring) & RB_RING_FLAGS_OVERWRITE))
    return TRUE;
  GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
      ("Mode overwrite-old needs a ring made with the overwrite flag; "
          "ring '%s' has none (%s ring)",
          GST_STR_NULL (rb_ring_get_name (ring)),
          gst_ring_kind_name (gst_ring_kind_of (ring))),
      ("use mode=block or mode=drop-new with this ring"));
  return FALSE;
}

/* Makes the named ring for the caps, or takes over its dead owner's
 * (rb_ring_create_or_take_over()); a ring someone made since start() and
 * uses is used as if it had been there. */
gboolean
gst_ring_sink_create_ring (GstRingSink * self, gboolean audio,
    RbSampleFormat format, guint channels, guint rate, gsize first_buffer)
{
  g_autoptr (GError) error = NULL;
  RbRingTakeOver how;
  RbRingFlags flags = RB_RING_FLAGS_RECORDS;
  RbRing *ring;
  guint64 capacity, size;
  gint64 buffer_time;
  guint perms;

  GST_OBJECT_LOCK (self);
  capacity = self->capacity;
  buffer_time = self->buffer_time;
  perms = self->permissions;
  GST_OBJECT_UNLOCK (self);

  if (audio) {
    gsize frame = rb_sample_format_get_size (format) * channels;

    size = capacity > 0 ? capacity / frame :
        gst_util_uint64_scale_ceil (buffer_time, rate, G_USEC_PER_SEC);
    size = MAX (size, 1);
    flags = self->run_mode == GST_RING_SINK_MODE_OVERWRITE_OLD ?
        RB_RING_FLAGS_OVERWRITE : RB_RING_FLAGS_NONE;
  } else {
    format = RB_SAMPLE_FORMAT_NONE;
    size = capacity > 0 ? capacity : MAX (DEFAULT_RECORDS_CAPACITY,
        4 * gst_ring_record_total (first_buffer));
  }
  ring = rb_ring_create_or_take_over (self->settings.name, (gsize) size,
      flags, format, channels, rate, RB_RING_ROLE_PRODUCER, perms,
      self->settings.run_open_flags, &how, NULL, &error);
  if (ring == NULL) {
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  }
  if (how == RB_RING_TAKE_OVER_ATTACHED) {
    gst_ring_sink_set_ring (self, ring, FALSE, FALSE);
    return gst_ring_sink_check_mode (self, ring);
  }
  if (how == RB_RING_TAKE_OVER_RECREATED)
    GST_INFO_OBJECT (self, "removed stale ring '%s'", self->settings.name);
  gst_ring_sink_set_ring (self, ring, FALSE, TRUE);
  return TRUE;
}

GstFlowReturn
gst_ring_sink_ensure_records_ring (GstRingSink * self, gsize first_buffer)
{
  if (self->ring != NULL)
    return GST_FLOW_OK;
  if (!self->records_pending) {
    /* no caps yet: a stream without caps goes as records too */
    self->records_pending = TRUE;
  }
  if (self->run_mode == GST_RING_SINK_MODE_OVERWRITE_OLD) {
    g_autofree gchar *what = self->caps != NULL ?
        gst_caps_to_string (self->caps) : g_strdup ("a stream without caps");

    GST_ELEMENT_ERROR (self, STREAM, WRONG_TYPE,
        ("Mode overwrite-old works with raw audio only (an audio ring); "
            "%s needs a records ring, which cannot overwrite", what),
        ("use mode=drop-new, or convert to raw audio"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (!gst_ring_sink_create_ring (self, FALSE, RB_SAMPLE_FORMAT_NONE, 0, 0,
          first_buffer))
    return GST_FLOW_ERROR;
  self->records_pending = FALSE;
  self->need_caps_record = TRUE;
  self->need_segment_record = TRUE;
  return GST_FLOW_OK;
}

/* set_caps(): an audio ring is made from raw audio caps (or must match
 * them); a records ring is made at the first buffer, and gets the caps as
 * a record. */
gboolean
gst_ring_sink_take_caps (GstRingSink * self, GstCaps * caps)
{
  RbSampleFormat format = RB_SAMPLE_FORMAT_NONE;
  guint channels = 0, rate = 0;
  gboolean audio = gst_ring_audio_from_caps (caps, &format, &channels, &rate);

  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);

  if (self->ring == NULL) {
    if (audio) {
      if (!gst_ring_sink_create_ring (self, TRUE, format, channels, rate,
              0))
        return FALSE;
    } else if (self->run_mode == GST_RING_SINK_MODE_OVERWRITE_OLD) {
      GST_ELEMENT_ERROR (self, STREAM, WRONG_TYPE,
          ("Mode overwrite-old works with raw audio only (an audio ring); "
              "%" GST_PTR_FORMAT " needs a records ring, which cannot "
              "overwrite", caps),
          ("use mode=drop-new, or convert to raw audio in a supported format"));
      return FALSE;
    } else {
      /* sized by the first buffer, so made in render() */
      self->records_pending = TRUE;
    }
  } else if (self->kind == GST_RING_KIND_AUDIO) {
    RbRing *ring = self->ring;

    if (!audio || format != rb_ring_get_sample_format (ring) ||
        channels != rb_ring_get_channels (ring) ||
        rate != rb_ring_get_rate (ring)) {
      g_autoptr (GstCaps) want = gst_ring_audio_accept_caps_for_ring (ring);

      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("Ring '%s' carries %" GST_PTR_FORMAT ", not %" GST_PTR_FORMAT,
              GST_STR_NULL (rb_ring_get_name (ring)), want, caps),
          ("convert upstream with audioconvert ! audioresample"));
      return FALSE;
    }
  } else if (self->kind == GST_RING_KIND_RECORDS) {
    self->need_caps_record = TRUE;
  }

  if (!audio || !gst_audio_info_from_caps (&self->info, caps))
    gst_audio_info_init (&self->info);
  gst_caps_replace (&self->caps, caps);
  return TRUE;
}

/* stop(): lets go of the ring, and removes the name of a ring the sink
 * made or took over, and that of a ring nobody can use any more. */
void
gst_ring_sink_release_ring (GstRingSink * self)
{
  GstRingSettings *s = &self->settings;
  RbRing *ring;
  gboolean created, adopted;

  GST_OBJECT_LOCK (self);
  ring = self->ring;
  created = self->created;
  adopted = self->adopted;
  self->ring = NULL;
  self->created = FALSE;
  self->adopted = FALSE;
  gst_ring_settings_stop (s);
  GST_OBJECT_UNLOCK (self);
  gst_ring_clock_set_ring (&self->clock, NULL);

  if (ring != NULL && (created || (adopted && rb_ring_name_is_ring (ring)))) {
    g_autoptr (GError) error = NULL;

    /* a consumer that has it open keeps reading; a new sink makes a new
     * ring of the name, which a waiting ringsrc finds */
    if (!rb_ring_unlink (s->name, &error))
      GST_WARNING_OBJECT (self, "%s", error->message);
  }
  g_clear_object (&ring);
  /* the last user of a ring whose other users died (a sink took over from
   * a killed one) removes it: nobody can use it any more */
  if (s->name != NULL && s->ring_prop_used == FALSE &&
      rb_ring_reclaim_stale (s->name, NULL))
    GST_INFO_OBJECT (self, "removed ring '%s', which nobody uses", s->name);
}
