/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/**
 * SECTION:element-ringsink
 * @title: ringsink
 * @see_also: ringsrc
 *
 * Writes a stream into a ringbridge ring: a lock-free single-producer/
 * single-consumer ring in shared memory, read by ringsrc in another
 * pipeline or process, by `ringbridge-jack play`, or by any program using
 * libringbridge.
 *
 * The ring is either named (#GstRingSink:ring-name, the file
 * `/dev/shm/ringbridge-NAME`) or an #RbRing object handed in with
 * #GstRingSink:ring. A named ring that exists is attached to; one that does
 * not is created when the caps are known:
 *
 * - raw audio in a format an audio ring supports (interleaved U8, S16LE,
 *   S24LE, S24_32LE, S32LE, F32LE, F64LE) makes an **audio ring** of that
 *   format, holding #GstRingSink:buffer-time of audio (or
 *   #GstRingSink:capacity bytes). Its frames are the plain interleaved
 *   samples a JACK client reads; end of stream sets the ring's
 *   end-of-stream flag.
 * - anything else (video, encoded, text, other raw audio) makes a
 *   **records ring**: buffers with their timestamps, offsets and flags,
 *   and the caps, segments, gaps, tags, custom events and EOS around them
 *   travel in order and come out of ringsrc as they went in. A stream
 *   without caps (filesrc) goes this way too, and comes out of ringsrc
 *   byte-exact without caps, as through shmsink and shmsrc.
 *
 * Attached to an existing audio ring, the sink accepts only raw audio of
 * the ring's format, rate and channel count, so that upstream converts
 * with audioconvert and audioresample. A ring created by the sink is
 * removed when the sink stops (a consumer that has it open keeps reading
 * it); so is a ring the sink took over from a creator that died. In
 * #GstRingSink:mode `block`, end of stream waits until a consumer
 * has read everything, so a stream that ends quickly still reaches a
 * consumer that starts later. A sink whose caps were refused writes no
 * end of stream into the ring. A consumer that dies while the sink waits
 * for space is an error naming its pid, or waited out
 * (#GstRingSink:on-peer-loss).
 *
 * When the ring is full, #GstRingSink:mode decides: wait (`block`), drop the
 * new buffer (`drop-new`, counted in #GstRingSink:dropped-buffers) or
 * overwrite the oldest data (`overwrite-old`: raw audio or byte rings made
 * with the overwrite flag; the sink creates its audio ring with it).
 *
 * Errors are posted on the bus: a ring name missing or invalid
 * (RESOURCE/SETTINGS), a ring with a live producer already (RESOURCE/BUSY),
 * a corrupt or incompatible ring (STREAM/FORMAT), caps that do not match
 * an attached audio ring (CORE/NEGOTIATION, naming both), a buffer larger
 * than a records ring can ever hold (STREAM/FAILED), `overwrite-old` on a
 * ring that cannot overwrite (RESOURCE/SETTINGS or STREAM/WRONG_TYPE), a
 * ring writable by others without #GstRingSink:open-flags
 * (RESOURCE/NOT_AUTHORIZED), the consumer gone under a full ring
 * (RESOURCE/WRITE).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 audiotestsrc ! audio/x-raw,format=F32LE,rate=48000,channels=2 ! ringsink ring-name=music
 * ]| An audio ring that `ringbridge-jack play music` or
 * `gst-launch-1.0 ringsrc ring-name=music ! autoaudiosink` reads.
 * |[
 * gst-launch-1.0 videotestsrc ! video/x-raw,width=320,height=240 ! ringsink ring-name=video
 * ]| Raw video through a records ring; caps and timestamps cross with it.
 *
 * Since: 0.1
 */

#include "gstringsinkpriv.h"
#include "gstringbridgeelements.h"

GST_DEBUG_CATEGORY (gst_ring_sink_debug);
#define GST_CAT_DEFAULT gst_ring_sink_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

/* after the ones both elements have (gstringcommon.h) */
enum
{
  PROP_MODE = GST_RING_PROP_FIRST_OWN,
  PROP_CAPACITY,
  PROP_BUFFER_TIME,
  PROP_PERMISSIONS,
  PROP_ON_PEER_LOSS,
  PROP_DROPPED_BUFFERS,
  PROP_DROPPED_BYTES,
  PROP_OVERWRITTEN_BYTES,
  PROP_PROVIDE_CLOCK,
  N_PROPERTIES,
};

#define DEFAULT_MODE GST_RING_SINK_MODE_BLOCK
#define DEFAULT_CAPACITY 0
#define DEFAULT_BUFFER_TIME (G_GINT64_CONSTANT (200) * 1000)
#define DEFAULT_PERMISSIONS 0600
#define DEFAULT_ON_PEER_LOSS GST_RING_SINK_PEER_LOSS_ERROR
/* as GstAudioBaseSink's: an audio sink offers its device's clock; until
 * the ring's consumer is known this one is the monotonic clock */
#define DEFAULT_PROVIDE_CLOCK TRUE

static GParamSpec *properties[N_PROPERTIES];

#define gst_ring_sink_parent_class parent_class
G_DEFINE_TYPE (GstRingSink, gst_ring_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (ringsink, "ringsink", GST_RANK_NONE,
    GST_TYPE_RING_SINK);

static const GEnumValue mode_values[] = {
  {GST_RING_SINK_MODE_BLOCK, "Wait for free space", "block"},
  {GST_RING_SINK_MODE_DROP_NEW, "Drop the new buffer when the ring is full",
      "drop-new"},
  {GST_RING_SINK_MODE_OVERWRITE_OLD,
      "Overwrite the oldest data (overwrite rings: raw audio or bytes)",
      "overwrite-old"},
  {0, NULL, NULL},
};

GST_RING_DEFINE_ENUM (gst_ring_sink_mode_get_type, "GstRingSinkMode",
    mode_values);

static const GEnumValue peer_loss_values[] = {
  {GST_RING_SINK_PEER_LOSS_ERROR, "Post an error naming the consumer",
      "error"},
  {GST_RING_SINK_PEER_LOSS_WAIT, "Keep the data and wait for a new "
        "consumer", "wait"},
  {0, NULL, NULL},
};

GST_RING_DEFINE_ENUM (gst_ring_sink_peer_loss_get_type,
    "GstRingSinkPeerLoss", peer_loss_values);

/* --- the clock (gstringclock.c) ---------------------------------------- */

static GstClock *
gst_ring_sink_provide_clock (GstElement * element)
{
  GstRingSink *self = GST_RING_SINK (element);
  GstClock *clock = NULL;

  GST_OBJECT_LOCK (self);
  if (self->provide_clock)
    clock = gst_object_ref (self->clock.clock);
  GST_OBJECT_UNLOCK (self);
  return clock;
}

/* --- buffers and events (written by gstringsinkwrite.c) ------------------ */

static GstFlowReturn
gst_ring_sink_render (GstBaseSink * bsink, GstBuffer * buffer)
{
  GstRingSink *self = GST_RING_SINK (bsink);
  GstFlowReturn ret;
  GstMapInfo map;

  self->streamed = TRUE;
  if (self->ring == NULL) {
    ret = gst_ring_sink_ensure_records_ring (self,
        gst_buffer_get_size (buffer));
    if (ret != GST_FLOW_OK)
      return ret;
  }

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (self, RESOURCE, READ, ("Cannot read a buffer"),
        (NULL));
    return GST_FLOW_ERROR;
  }

  if (self->kind == GST_RING_KIND_RECORDS) {
    ret = gst_ring_sink_write_data_record (self, buffer, &map);
  } else {
    if (map.size % self->unit != 0) {
      GST_ELEMENT_ERROR (self, STREAM, FORMAT,
          ("A buffer of %" G_GSIZE_FORMAT " bytes is not a whole number of "
              "%" G_GSIZE_FORMAT "-byte frames", map.size, self->unit),
          (NULL));
      ret = GST_FLOW_ERROR;
    } else if (self->kind == GST_RING_KIND_AUDIO) {
      ret = gst_ring_sink_audio_render (self, GST_BUFFER_PTS (buffer),
          map.data, map.size);
    } else {
      ret = gst_ring_sink_write_stream (self, map.data, map.size);
    }
  }
  gst_buffer_unmap (buffer, &map);
  return ret;
}

static gboolean
handle_eos (GstRingSink * self)
{
  if (!self->streamed) {
    /* Neither caps nor a buffer came: typically the EOS GstBaseSrc sends
     * after a not-negotiated (the ring's caps refused). This stream never
     * reached the ring, and a reader waiting on it (for a new producer,
     * say) must not take its end for the ring's. */
    GST_INFO_OBJECT (self, "nothing came: not ending the ring's stream");
    return TRUE;
  }
  if (self->ring == NULL && self->records_pending) {
    /* caps but no buffer: the consumer still gets caps and EOS */
    if (gst_ring_sink_ensure_records_ring (self, 0) != GST_FLOW_OK)
      return FALSE;
  }
  if (self->ring == NULL)
    return TRUE;

  if (self->kind == GST_RING_KIND_RECORDS) {
    gboolean written;
    GstFlowReturn ret = gst_ring_sink_write_eos_record (self, &written);

    /* a full ring in drop-new mode (or whose consumer is gone) still
     * learns of the end */
    if (!written)
      rb_ring_set_end_of_stream (self->ring);
    /* flushing: the EOS is not for the parent class to preroll on */
    if (ret == GST_FLOW_FLUSHING)
      return FALSE;
  } else {
    rb_ring_set_end_of_stream (self->ring);
  }

  if (self->created && self->run_mode == GST_RING_SINK_MODE_BLOCK &&
      gst_ring_sink_drain (self) == GST_FLOW_FLUSHING)
    return FALSE;
  return TRUE;
}

static gboolean
gst_ring_sink_event (GstBaseSink * bsink, GstEvent * event)
{
  GstRingSink *self = GST_RING_SINK (bsink);
  gboolean records = self->kind == GST_RING_KIND_RECORDS && self->ring;
  /* a records ring is made at the first buffer, sized by it: what comes
   * before waits */
  gboolean early = self->ring == NULL && self->settings.name != NULL;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      /* a new timeline: a held GAP cannot be measured against it (a GAP
       * is held on an audio ring only: elsewhere this just forgets) */
      gst_ring_sink_audio_flush_gap (self);
      gst_event_copy_segment (event, &self->segment);
      self->need_segment_record = TRUE;
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_ring_sink_audio_reset (self);
      break;
    case GST_EVENT_EOS:
      if (gst_ring_sink_audio_flush_gap (self) == GST_FLOW_FLUSHING) {
        gst_event_unref (event);
        return FALSE;
      }
      if (!handle_eos (self)) {
        gst_event_unref (event);
        return FALSE;
      }
      break;
    case GST_EVENT_GAP:{
      GstClockTime ts, duration;

      gst_event_parse_gap (event, &ts, &duration);
      if (early) {
        g_queue_push_tail (&self->early_events, gst_event_ref (event));
      } else if (records) {
        if (gst_ring_sink_write_pending_records (self) == GST_FLOW_OK)
          gst_ring_sink_write_event_record (self, event);
      } else if (self->ring != NULL && self->kind == GST_RING_KIND_AUDIO) {
        /* sync first, as render would: the parent waits for the gap;
         * then silence, of the length the stream's own timestamps say
         * where they can (gstringsinkgap.c) */
        gboolean ok = GST_BASE_SINK_CLASS (parent_class)->event (bsink,
            gst_event_ref (event));

        if (ok)
          gst_ring_sink_audio_gap (self, duration);
        gst_event_unref (event);
        return ok;
      }
      break;
    }
    case GST_EVENT_TAG:
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:
      if (early)
        g_queue_push_tail (&self->early_events, gst_event_ref (event));
      else if (records && gst_ring_sink_write_pending_records (self) ==
          GST_FLOW_OK)
        gst_ring_sink_write_event_record (self, event);
      break;
    default:
      break;
  }
  return GST_BASE_SINK_CLASS (parent_class)->event (bsink, event);
}

/* --- caps --------------------------------------------------------------- */

static GstCaps *
gst_ring_sink_get_caps (GstBaseSink * bsink, GstCaps * filter)
{
  GstRingSink *self = GST_RING_SINK (bsink);
  RbRing *ring = gst_ring_element_ref_ring (GST_ELEMENT (self), &self->ring);
  GstCaps *caps;

  if (ring != NULL && gst_ring_kind_of (ring) == GST_RING_KIND_AUDIO)
    caps = gst_ring_audio_accept_caps_for_ring (ring);
  else
    caps = gst_pad_get_pad_template_caps (GST_BASE_SINK_PAD (bsink));
  g_clear_object (&ring);

  return gst_ring_caps_filter (caps, filter);
}

static gboolean
gst_ring_sink_set_caps (GstBaseSink * bsink, GstCaps * caps)
{
  GstRingSink *self = GST_RING_SINK (bsink);

  /* a GAP held in the old format is written in it */
  gst_ring_sink_audio_flush_gap (self);
  if (!gst_ring_sink_take_caps (self, caps))
    return FALSE;
  self->streamed = TRUE;
  return TRUE;
}


/* --- state -------------------------------------------------------------- */

static gboolean
gst_ring_sink_start (GstBaseSink * bsink)
{
  GstRingSink *self = GST_RING_SINK (bsink);
  GstRingSettings *s = &self->settings;
  g_autoptr (GError) error = NULL;
  RbRing *prop;

  GST_OBJECT_LOCK (self);
  prop = gst_ring_settings_start (s);
  self->run_mode = self->mode;
  self->run_peer_loss = self->on_peer_loss;
  self->dropped_buffers = self->dropped_bytes = self->overwritten_bytes = 0;
  GST_OBJECT_UNLOCK (self);

  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  /* an attached records ring learns the caps, or that there are none,
   * before the first buffer */
  self->need_caps_record = TRUE;
  self->need_segment_record = TRUE;
  self->records_pending = FALSE;
  self->streamed = FALSE;
  self->consumer_lost = FALSE;
  gst_ring_sink_audio_reset (self);

  if (prop != NULL) {
    gst_ring_sink_set_ring (self, prop, TRUE, FALSE);
    return gst_ring_sink_check_mode (self, prop);
  }
  if (!gst_ring_settings_check_name (s, GST_ELEMENT (self)))
    return FALSE;

  /* leftovers of processes that died are nobody's: start afresh rather than
   * inherit their format */
  if (rb_ring_reclaim_stale (s->name, NULL))
    GST_INFO_OBJECT (self, "removed stale ring '%s'", s->name);

  prop = rb_ring_open_full (s->name, RB_RING_ROLE_PRODUCER,
      s->run_open_flags, &error);
  if (prop == NULL) {
    if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
      GST_DEBUG_OBJECT (self, "ring '%s' is made when the caps are known",
          s->name);
      return TRUE;
    }
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  }
  gst_ring_sink_set_ring (self, prop, FALSE, FALSE);
  return gst_ring_sink_check_mode (self, prop);
}

static gboolean
gst_ring_sink_stop (GstBaseSink * bsink)
{
  GstRingSink *self = GST_RING_SINK (bsink);

  gst_ring_sink_release_ring (self);
  gst_clear_caps (&self->caps);
  gst_audio_info_init (&self->info);
  self->records_pending = FALSE;
  g_queue_clear_full (&self->early_events, (GDestroyNotify) gst_event_unref);
  return TRUE;
}

static gboolean
gst_ring_sink_unlock (GstBaseSink * bsink)
{
  g_cancellable_cancel (GST_RING_SINK (bsink)->cancellable);
  return TRUE;
}

static gboolean
gst_ring_sink_unlock_stop (GstBaseSink * bsink)
{
  g_cancellable_reset (GST_RING_SINK (bsink)->cancellable);
  return TRUE;
}

/* --- properties --------------------------------------------------------- */

/* the properties kept in the element's fields (gstringcommon.h) */
static const GstRingField fields[N_PROPERTIES] = {
  [PROP_MODE] = GST_RING_FIELD (GstRingSink, mode, TRUE),
  [PROP_CAPACITY] = GST_RING_FIELD (GstRingSink, capacity, TRUE),
  [PROP_BUFFER_TIME] = GST_RING_FIELD (GstRingSink, buffer_time, TRUE),
  [PROP_PERMISSIONS] = GST_RING_FIELD (GstRingSink, permissions, TRUE),
  [PROP_ON_PEER_LOSS] = GST_RING_FIELD (GstRingSink, on_peer_loss, TRUE),
  [PROP_DROPPED_BUFFERS] = GST_RING_FIELD (GstRingSink, dropped_buffers,
      FALSE),
  [PROP_DROPPED_BYTES] = GST_RING_FIELD (GstRingSink, dropped_bytes, FALSE),
  [PROP_OVERWRITTEN_BYTES] = GST_RING_FIELD (GstRingSink, overwritten_bytes,
      FALSE),
  [PROP_PROVIDE_CLOCK] = GST_RING_FIELD (GstRingSink, provide_clock, FALSE),
};

/* provide-clock sets the flag gst-inspect-1.0 and GstBin look at */
static void
field_set (GstElement * element, guint prop_id)
{
  GstRingSink *self = GST_RING_SINK (element);

  if (prop_id != PROP_PROVIDE_CLOCK)
    return;
  GST_OBJECT_LOCK (self);
  gst_ring_clock_update_flag (element, self->provide_clock);
  GST_OBJECT_UNLOCK (self);
}

static const GstRingElementInfo element_info =
GST_RING_ELEMENT_INFO (GstRingSink, early_events, fields, field_set);

/* the properties' defaults are their specs' (class_init) */
static void
gst_ring_sink_init (GstRingSink * self)
{
  gst_ring_element_init (GST_ELEMENT (self), GST_RING_CLOCK_CONSUMER);
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  gst_audio_info_init (&self->info);
  gst_ring_sink_audio_reset (self);
}

/* which ring: ring-name, ring, open-flags */
static void
ring_properties_init (void)
{
  /**
   * GstRingSink:ring-name:
   *
   * The name of a shared ring, the file `/dev/shm/ringbridge-NAME`. If it
   * exists the sink writes into it (taking over from a producer that died);
   * if not, the sink creates it when the caps are known and removes it
   * when it stops. Ignored when #GstRingSink:ring is set.
   *
   * Since: 0.1
   */

  /**
   * GstRingSink:ring:
   *
   * An #RbRing to write into, made by the application (rb_ring_new_audio()
   * in C, `RingBridge.Ring.new_audio()` in Python). Takes precedence over
   * #GstRingSink:ring-name. The ring's kind decides the data path: an
   * audio ring takes raw audio of its format, a records ring anything, a
   * plain ring the buffers' bytes only.
   *
   * Since: 0.1
   */
  /**
   * GstRingSink:open-flags:
   *
   * How far to trust an existing named ring the sink attaches to:
   * `shared-write` accepts a ring writable by group or others (one made
   * with #GstRingSink:permissions `0660`, say), `any-owner` one owned by
   * another user. By default such rings are refused, since whoever can
   * write the file can feed the ring's other users anything.
   *
   * Since: 0.1
   */
  gst_ring_settings_specs (properties,
      "Name of the shared ring (/dev/shm/ringbridge-NAME): "
      "attached if it exists, created from the caps if not",
      "An RbRing object to write into (in-process use); takes "
      "precedence over ring-name",
      "Accept an existing ring writable by others "
      "(shared-write) or owned by another user (any-owner)");
}

/* what a full ring does, and a ring the sink creates */
static void
full_properties_init (void)
{
  /**
   * GstRingSink:mode:
   *
   * What to do when the ring is full. `overwrite-old` needs a ring with
   * the overwrite flag: the sink creates its audio rings with it in this
   * mode; an attached ring without it, or a stream that needs a records
   * ring, is an error.
   *
   * Since: 0.1
   */
  properties[PROP_MODE] = g_param_spec_enum ("mode", "Mode",
      "What to do when the ring is full", GST_TYPE_RING_SINK_MODE,
      DEFAULT_MODE,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSink:capacity:
   *
   * The size in bytes of a ring the sink creates: the ring holds exactly
   * that (an audio ring the whole frames in it; a records ring needs at
   * least 56 bytes). 0 chooses: #GstRingSink:buffer-time of audio for an
   * audio ring; for a records ring 4 MiB, or four times the first buffer
   * if that is more.
   *
   * Since: 0.1
   */
  properties[PROP_CAPACITY] = g_param_spec_uint64 ("capacity", "Capacity",
      "Size in bytes of a ring the sink creates (0 = from buffer-time for "
      "audio, 4 MiB or 4 first buffers for records)", 0, RB_RING_MAX_CAPACITY,
      DEFAULT_CAPACITY,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSink:buffer-time:
   *
   * How much audio, in microseconds, an audio ring the sink creates holds
   * when #GstRingSink:capacity is 0: exactly that many frames, rounded up
   * to a whole frame.
   *
   * Since: 0.1
   */
  properties[PROP_BUFFER_TIME] = g_param_spec_int64 ("buffer-time",
      "Buffer time", "Audio an audio ring created by the sink holds, in "
      "microseconds (when capacity is 0)", 1, G_MAXINT64 / 1000,
      DEFAULT_BUFFER_TIME,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSink:permissions:
   *
   * The file permissions of a ring the sink creates. The default lets only
   * this user open it; readers refuse a ring writable by others unless
   * told otherwise.
   *
   * Since: 0.1
   */
  properties[PROP_PERMISSIONS] = g_param_spec_uint ("permissions",
      "Permissions", "File permissions of a ring the sink creates (e.g. "
      "0600 = 384)", 0, 0777, DEFAULT_PERMISSIONS,
      GST_RING_PARAM_FIXED);
}

/* peer loss */
static void
peer_properties_init (void)
{
  /**
   * GstRingSink:on-peer-loss:
   *
   * What to do when the sink waits for space (mode `block`, or the end of
   * the stream) and the ring's consumer died or detached: post an error
   * naming its pid (the default; the death is noticed within a wait slice,
   * 20 ms), or keep the data and wait for a new consumer. A sink never
   * waits silently for a consumer that is gone.
   *
   * Since: 0.1
   */
  properties[PROP_ON_PEER_LOSS] = g_param_spec_enum ("on-peer-loss",
      "On peer loss", "What to do when the ring is full and its consumer "
      "went away", GST_TYPE_RING_SINK_PEER_LOSS, DEFAULT_ON_PEER_LOSS,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSink:provide-clock:
   *
   * Whether the sink offers the pipeline a clock that follows the ring's
   * consumer: the consumer's read position at each moment, from its
   * delay-locked loop, divided by the ring's rate. A pipeline of live
   * sources that takes it (`audiotestsrc is-live=true`, which provides no
   * clock of its own) then produces at the consumer's rate, e.g. JACK's
   * through `ringbridge-jack play`, and the ring's fill stays put without
   * resampling. Until the consumer's rate is known (no consumer yet, or
   * one that stopped or restarted), and on records rings, it is the
   * monotonic clock, continuous across the changes. On by default, as an
   * audio sink's clock is; GstBin still prefers a source's clock
   * (`alsasrc`'s, say).
   *
   * Since: 0.2
   */
  properties[PROP_PROVIDE_CLOCK] = g_param_spec_boolean ("provide-clock",
      "Provide clock", "Offer a clock that follows the ring's consumer "
      "(audio rings; the monotonic clock until the consumer's rate is "
      "known)", DEFAULT_PROVIDE_CLOCK,
      GST_RING_PARAM_FIXED);

}

/* what was lost, read only */
static void
counter_properties_init (void)
{
  /**
   * GstRingSink:dropped-buffers:
   *
   * Buffers dropped in mode `drop-new` because the ring was full, since
   * the element started.
   *
   * Since: 0.1
   */
  properties[PROP_DROPPED_BUFFERS] = g_param_spec_uint64 ("dropped-buffers",
      "Dropped buffers", "Buffers dropped because the ring was full "
      "(mode drop-new)", 0, G_MAXUINT64, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRingSink:dropped-bytes:
   *
   * The bytes of #GstRingSink:dropped-buffers.
   *
   * Since: 0.1
   */
  properties[PROP_DROPPED_BYTES] = g_param_spec_uint64 ("dropped-bytes",
      "Dropped bytes", "Bytes dropped because the ring was full "
      "(mode drop-new)", 0, G_MAXUINT64, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRingSink:overwritten-bytes:
   *
   * Bytes the sink wrote over before the consumer had read them (mode
   * `overwrite-old`), as far as the consumer's read position tells.
   *
   * Since: 0.1
   */
  properties[PROP_OVERWRITTEN_BYTES] =
      g_param_spec_uint64 ("overwritten-bytes", "Overwritten bytes",
      "Unread bytes overwritten (mode overwrite-old)", 0, G_MAXUINT64, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

/* the ring's timing figures, read only, and as messages (gstringstats.c,
 * which documents them for both elements) */
static void
stats_properties_init (void)
{
  /**
   * GstRingSink:stats:
   *
   * It also holds the fields of #GstBaseSink's `stats`, which it replaces:
   * `average-rate`, `dropped` and `rendered`.
   */
  gst_ring_stats_specs (properties);
}

static void
gst_ring_sink_class_init (GstRingSinkClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ring_sink_debug, "ringsink", 0,
      "ringbridge ring sink");

  gst_element_class_set_static_metadata (element_class,
      "Ring sink", "Sink/Audio/Video",
      "Writes a stream into a lock-free shared-memory ring (ringbridge): "
      "raw audio as frames a JACK client reads, anything else as records "
      "with caps, timestamps and events",
      "The ringbridge authors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);

  element_class->provide_clock =
      GST_DEBUG_FUNCPTR (gst_ring_sink_provide_clock);
  basesink_class->start = GST_DEBUG_FUNCPTR (gst_ring_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_ring_sink_stop);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_ring_sink_render);
  basesink_class->event = GST_DEBUG_FUNCPTR (gst_ring_sink_event);
  basesink_class->get_caps = GST_DEBUG_FUNCPTR (gst_ring_sink_get_caps);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR (gst_ring_sink_set_caps);
  basesink_class->unlock = GST_DEBUG_FUNCPTR (gst_ring_sink_unlock);
  basesink_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_ring_sink_unlock_stop);

  ring_properties_init ();
  full_properties_init ();
  peer_properties_init ();
  stats_properties_init ();
  counter_properties_init ();
  gst_ring_element_class_init (element_class, &element_info, properties,
      N_PROPERTIES);

  gst_type_mark_as_plugin_api (GST_TYPE_RING_SINK_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RING_SINK_PEER_LOSS, 0);
}
