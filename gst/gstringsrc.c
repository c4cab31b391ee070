/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/**
 * SECTION:element-ringsrc
 * @title: ringsrc
 * @see_also: ringsink
 *
 * Reads a stream from a ringbridge ring: a lock-free shared-memory ring
 * written by ringsink in another pipeline or process, by
 * `ringbridge-jack record`, or by any program using libringbridge.
 *
 * The ring is named (#GstRingSrc:ring-name) or an #RbRing object handed in
 * with #GstRingSrc:ring. A named ring that does not exist yet is waited for
 * (up to #GstRingSrc:timeout), so the source may start before the sink.
 *
 * - From an **audio ring** the source puts out raw audio with the caps in
 *   the ring's header, #GstRingSrc:buffer-frames frames per buffer (or
 *   #GstBaseSrc:blocksize bytes' worth), timestamped from the ring's
 *   absolute frame positions; the buffer after data an overwrite ring's
 *   producer wrote over is marked DISCONT. Live (#GstRingSrc:is-live), it
 *   reports its latency from the ring's fill and can provide a clock that
 *   follows the ring's producer (a JACK client publishes its clock every
 *   cycle), so that a pipeline fed by JACK runs at JACK's rate.
 * - From a **records ring** it puts out the buffers, caps, segments, gaps,
 *   tags, custom events and EOS that ringsink wrote, as they went in.
 *   With #GstBaseSrc:do-timestamp the buffers are stamped with their
 *   arrival time instead, and the producer's segments are not forwarded.
 *   A stream the producer sent without caps comes out without caps. The
 *   records are checked first: what a GStreamer constructor would refuse
 *   is an error, or (a gap without a timestamp) skipped with a warning.
 * - From a plain **byte ring** it puts out up to #GstBaseSrc:blocksize
 *   bytes per buffer, without caps (a capsfilter downstream can set them).
 *
 * By default the source is the ring's one consumer. With #GstRingSrc:role
 * `reader` it is one of any number of readers of an overwrite ring,
 * beside its consumer: it keeps its own position, never slows the
 * producer, and reads per #GstRingSrc:policy (`catch-up`, or `latest`
 * within #GstRingSrc:target-latency of the newest data). Every span it
 * misses is a DISCONT on the next buffer plus, for audio, a GAP event
 * covering exactly the missing frames, timed as the buffers are; the
 * gaps are counted by cause in #GstRingSrc:stats.
 *
 * When the producer ends the stream, the source pushes EOS. When it
 * detaches or dies without doing so, #GstRingSrc:on-peer-loss decides: end
 * the stream, wait for a new producer (a restarted ringsink carries on in
 * the same ring, or makes a new ring of the same name, which the source
 * then attaches to), or post an error. What the producer committed before
 * it went away is always pushed first.
 *
 * Errors are posted on the bus: no ring name (RESOURCE/SETTINGS), no ring
 * within #GstRingSrc:timeout (RESOURCE/NOT_FOUND), a ring with a live
 * consumer already (RESOURCE/BUSY), a corrupt or incompatible ring or
 * record (STREAM/FORMAT or STREAM/DECODE), caps downstream does not accept
 * (CORE/NEGOTIATION, naming both; downstream is asked before anything is
 * read, so nothing is consumed), no data within #GstRingSrc:timeout
 * (RESOURCE/READ), a ring writable by others without
 * #GstRingSrc:open-flags (RESOURCE/NOT_AUTHORIZED), a reader's settings
 * that do not fit the ring or one another (RESOURCE/SETTINGS: a ring
 * without the overwrite flag, a target latency not less than the ring
 * holds, a policy for the consumer).
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 ringsrc ring-name=music ! audioconvert ! autoaudiosink
 * ]| Plays an audio ring.
 * |[
 * gst-launch-1.0 ringsrc ring-name=capture is-live=true ! audioconvert ! wavenc ! filesink location=capture.wav
 * ]| Records what `ringbridge-jack record capture` writes, at JACK's rate.
 * |[
 * gst-launch-1.0 ringsrc ring-name=video on-peer-loss=wait ! videoconvert ! autovideosink
 * ]| Shows a video ring, surviving restarts of the producing pipeline.
 * |[
 * gst-launch-1.0 ringsrc ring-name=capture role=reader policy=latest target-latency=20000 ! level ! fakesink
 * ]| Meters what `ringbridge-jack record --overwrite capture` writes,
 * never more than 20 ms behind, beside the ring's consumer.
 *
 * Since: 0.1
 */

#include "gstringsrcpriv.h"
#include "gstringbridgeelements.h"

GST_DEBUG_CATEGORY (gst_ring_src_debug);
#define GST_CAT_DEFAULT gst_ring_src_debug

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

/* after the ones both elements have (gstringcommon.h) */
enum
{
  PROP_IS_LIVE = GST_RING_PROP_FIRST_OWN,
  PROP_BUFFER_FRAMES,
  PROP_TIMEOUT,
  PROP_ON_PEER_LOSS,
  PROP_PROVIDE_CLOCK,
  PROP_ROLE,
  PROP_POLICY,
  PROP_TARGET_LATENCY,
  PROP_GAPS,
  N_PROPERTIES,
};

#define DEFAULT_IS_LIVE FALSE
#define DEFAULT_BUFFER_FRAMES 0
#define DEFAULT_TIMEOUT 0
#define DEFAULT_ON_PEER_LOSS GST_RING_SRC_PEER_LOSS_EOS
#define DEFAULT_PROVIDE_CLOCK TRUE

static GParamSpec *properties[N_PROPERTIES];

#define gst_ring_src_parent_class parent_class
G_DEFINE_TYPE (GstRingSrc, gst_ring_src, GST_TYPE_PUSH_SRC);
GST_ELEMENT_REGISTER_DEFINE (ringsrc, "ringsrc", GST_RANK_NONE,
    GST_TYPE_RING_SRC);

static const GEnumValue peer_loss_values[] = {
  {GST_RING_SRC_PEER_LOSS_EOS, "End the stream", "eos"},
  {GST_RING_SRC_PEER_LOSS_WAIT, "Wait for a new producer", "wait"},
  {GST_RING_SRC_PEER_LOSS_ERROR, "Post an error", "error"},
  {0, NULL, NULL},
};

GST_RING_DEFINE_ENUM (gst_ring_src_peer_loss_get_type,
    "GstRingSrcPeerLoss", peer_loss_values);

/* --- the clock (gstringclock.c) ---------------------------------------- */

static GstClock *
gst_ring_src_provide_clock (GstElement * element)
{
  GstRingSrc *self = GST_RING_SRC (element);
  GstClock *clock = NULL;

  /* only a live source's clock means something: a non-live one would
   * take the pipeline's clock away from the sink for nothing */
  GST_OBJECT_LOCK (self);
  if (self->provide_clock && self->is_live)
    clock = gst_object_ref (self->clock.clock);
  GST_OBJECT_UNLOCK (self);
  return clock;
}

/* --- caps --------------------------------------------------------------- */

/* Sets the ring's caps on the pad, or posts an error naming them and what
 * downstream wants. Downstream is asked first: a caps event is stored on
 * the pad whether or not the peer takes it, and the refusal would only
 * show at the next push, after the data was read from the ring. */
GstFlowReturn
gst_ring_src_set_caps_now (GstRingSrc * self, GstCaps * caps)
{
  GstBaseSrc *bsrc = GST_BASE_SRC (self);

  if (gst_pad_peer_query_accept_caps (bsrc->srcpad, caps) &&
      gst_base_src_set_caps (bsrc, caps)) {
    gst_caps_replace (&self->caps, caps);
    self->capsless = FALSE;
    return GST_FLOW_OK;
  } else {
    g_autoptr (GstCaps) peer = gst_pad_peer_query_caps (bsrc->srcpad, NULL);

    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Ring '%s' carries %" GST_PTR_FORMAT ", downstream accepts %"
            GST_PTR_FORMAT, GST_STR_NULL (rb_ring_get_name (self->ring)),
            caps, peer), ("add a converter (audioconvert, videoconvert)"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
}

static GstCaps *
gst_ring_src_get_caps (GstBaseSrc * bsrc, GstCaps * filter)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);
  GstCaps *caps = NULL;
  RbRing *ring = NULL;

  GST_OBJECT_LOCK (self);
  if (self->ring != NULL)
    ring = g_object_ref (self->ring);
  if (self->caps != NULL)
    caps = gst_caps_ref (self->caps);
  GST_OBJECT_UNLOCK (self);

  if (caps == NULL && ring != NULL &&
      gst_ring_kind_of (ring) == GST_RING_KIND_AUDIO)
    caps = gst_ring_audio_caps_for_ring (ring);
  if (caps == NULL)
    caps = gst_pad_get_pad_template_caps (GST_BASE_SRC_PAD (bsrc));
  g_clear_object (&ring);

  return gst_ring_caps_filter (caps, filter);
}

/* The producer decides the caps: create() sets them when it learns them. */
static gboolean
gst_ring_src_negotiate (GstBaseSrc * bsrc)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);

  if (self->caps != NULL)
    return gst_base_src_set_caps (bsrc, self->caps);
  return TRUE;
}

/* --- create ------------------------------------------------------------- */

/* The first buffer after a jump (a new ring, skipped or overwritten data)
 * is marked DISCONT. */
void
gst_ring_src_mark_discont (GstRingSrc * self, GstBuffer * buf)
{
  if (self->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
}

static GstFlowReturn
gst_ring_src_create (GstPushSrc * psrc, GstBuffer ** buf)
{
  GstRingSrc *self = GST_RING_SRC (psrc);
  GstFlowReturn ret;

  *buf = NULL;
  for (;;) {
    if (self->ring == NULL) {
      ret = gst_ring_src_wait_for_ring (self);
      if (ret != GST_FLOW_OK)
        return ret;
    }
    switch (self->kind) {
      case GST_RING_KIND_AUDIO:
        ret = gst_ring_src_create_audio (self, buf);
        break;
      case GST_RING_KIND_RECORDS:
        ret = gst_ring_src_create_records (self, buf);
        break;
      case GST_RING_KIND_BYTES:
      default:
        ret = gst_ring_src_create_bytes (self, buf);
        break;
    }
    if (ret == FLOW_REATTACH) {
      gst_ring_src_detach (self);
      continue;
    }
    if (ret == GST_FLOW_OK && *buf == NULL)
      continue;
    if (ret == GST_FLOW_OK) {
      self->pushed = TRUE;
      self->segment_pending = FALSE;
    }
    return ret;
  }
}

/* --- queries ------------------------------------------------------------ */

static gboolean
gst_ring_src_query (GstBaseSrc * bsrc, GstQuery * query)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);

  if (GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    GstClockTime min = 0, max = GST_CLOCK_TIME_NONE;
    gboolean live = gst_base_src_is_live (bsrc);
    RbRing *ring = gst_ring_element_ref_ring (GST_ELEMENT (self),
        &self->ring);

    if (live && ring != NULL && gst_ring_kind_of (ring) == GST_RING_KIND_AUDIO) {
      guint rate = rb_ring_get_rate (ring);
      guint64 buffer = gst_ring_src_frames_per_buffer (self);
      guint64 fill = 0;
      gboolean reader;

      /* a reader's position is the streaming thread's: its fill is not
       * known here, and the least it waits is a buffer (run_role is
       * written under the lock at start) */
      GST_OBJECT_LOCK (self);
      reader = self->run_role == GST_RING_SRC_ROLE_READER;
      GST_OBJECT_UNLOCK (self);
      if (!reader)
        fill = rb_ring_read_frames_available (ring);

      /* a buffer's first frame waited for the rest of it, and for what
       * was already in the ring; at worst the ring is full */
      min = gst_util_uint64_scale (buffer + fill, GST_SECOND, rate);
      max = gst_util_uint64_scale (buffer +
          rb_ring_get_capacity_frames (ring), GST_SECOND, rate);
      max = MAX (min, max);
    }
    g_clear_object (&ring);
    GST_DEBUG_OBJECT (self, "latency: live %d, min %" GST_TIME_FORMAT
        ", max %" GST_TIME_FORMAT, live, GST_TIME_ARGS (min),
        GST_TIME_ARGS (max));
    gst_query_set_latency (query, live, min, max);
    return TRUE;
  }
  return GST_BASE_SRC_CLASS (parent_class)->query (bsrc, query);
}

/* --- state -------------------------------------------------------------- */

static gboolean
gst_ring_src_start (GstBaseSrc * bsrc)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);
  GstRingSettings *s = &self->settings;
  g_autoptr (GError) error = NULL;
  RbRing *prop;
  RbRing *ring;

  GST_OBJECT_LOCK (self);
  prop = gst_ring_settings_start (s);
  self->run_peer_loss = self->on_peer_loss;
  self->timeout_us = self->timeout > 0 ? (gint64) (self->timeout / 1000) : -1;
  GST_OBJECT_UNLOCK (self);

  self->next_ts = 0;
  self->pushed = FALSE;
  self->segment_pending = FALSE;
  gst_clear_caps (&self->caps);

  if (!gst_ring_src_reader_start (self)) {
    g_clear_object (&prop);
    return FALSE;
  }
  if (prop != NULL)
    return gst_ring_src_attach (self, prop);
  if (!gst_ring_settings_check_name (s, GST_ELEMENT (self)))
    return FALSE;
  if (!rb_ring_name_validate (s->name, &error)) {
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  }
  ring = rb_ring_open_full (s->name, gst_ring_src_open_role (self),
      s->run_open_flags, &error);
  if (ring != NULL) {
    return gst_ring_src_attach (self, ring);
  } else if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  } else {
    GST_DEBUG_OBJECT (self, "waiting for ring '%s' in create()", s->name);
  }
  return TRUE;
}

static gboolean
gst_ring_src_stop (GstBaseSrc * bsrc)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);
  GstRingSettings *s = &self->settings;

  gst_ring_src_detach (self);
  /* the last user of a ring whose producer died removes it */
  if (s->name != NULL && !s->ring_prop_used &&
      rb_ring_reclaim_stale (s->name, NULL))
    GST_INFO_OBJECT (self, "removed ring '%s', which nobody uses", s->name);
  GST_OBJECT_LOCK (self);
  gst_ring_settings_stop (s);
  gst_clear_caps (&self->caps);
  GST_OBJECT_UNLOCK (self);
  g_queue_clear_full (&self->pending_events,
      (GDestroyNotify) gst_event_unref);
  return TRUE;
}

static gboolean
gst_ring_src_unlock (GstBaseSrc * bsrc)
{
  g_cancellable_cancel (GST_RING_SRC (bsrc)->cancellable);
  return TRUE;
}

static gboolean
gst_ring_src_unlock_stop (GstBaseSrc * bsrc)
{
  g_cancellable_reset (GST_RING_SRC (bsrc)->cancellable);
  return TRUE;
}

/* --- properties --------------------------------------------------------- */

/* the properties kept in the element's fields (gstringcommon.h) */
static const GstRingField fields[N_PROPERTIES] = {
  [PROP_IS_LIVE] = GST_RING_FIELD (GstRingSrc, is_live, TRUE),
  [PROP_BUFFER_FRAMES] = GST_RING_FIELD (GstRingSrc, buffer_frames, FALSE),
  [PROP_TIMEOUT] = GST_RING_FIELD (GstRingSrc, timeout, TRUE),
  [PROP_ON_PEER_LOSS] = GST_RING_FIELD (GstRingSrc, on_peer_loss, TRUE),
  [PROP_PROVIDE_CLOCK] = GST_RING_FIELD (GstRingSrc, provide_clock, FALSE),
  [PROP_ROLE] = GST_RING_FIELD (GstRingSrc, role, TRUE),
  [PROP_POLICY] = GST_RING_FIELD (GstRingSrc, policy, TRUE),
  [PROP_TARGET_LATENCY] = GST_RING_FIELD (GstRingSrc, target_latency, TRUE),
  [PROP_GAPS] = GST_RING_FIELD (GstRingSrc, gaps, FALSE),
};

/* is-live and provide-clock decide whether the element offers a clock */
static void
field_set (GstElement * element, guint prop_id)
{
  GstRingSrc *self = GST_RING_SRC (element);
  gboolean live;

  if (prop_id != PROP_IS_LIVE && prop_id != PROP_PROVIDE_CLOCK)
    return;
  /* the flag follows provide-clock alone, set before is-live may be
   * (gst_ring_clock_update_flag()) */
  GST_OBJECT_LOCK (self);
  gst_ring_clock_update_flag (element, self->provide_clock);
  live = self->is_live;
  GST_OBJECT_UNLOCK (self);
  if (prop_id == PROP_IS_LIVE)
    gst_base_src_set_live (GST_BASE_SRC (self), live);
}

static const GstRingElementInfo element_info =
GST_RING_ELEMENT_INFO (GstRingSrc, pending_events, fields, field_set);

/* the properties' defaults are their specs' (class_init); field_set()
 * makes the base class live or not and the clock flag follow them */
static void
gst_ring_src_init (GstRingSrc * self)
{
  gst_ring_element_init (GST_ELEMENT (self), GST_RING_CLOCK_PRODUCER);
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}

/* which ring: ring-name, ring, open-flags */
static void
ring_properties_init (void)
{
  /**
   * GstRingSrc:ring-name:
   *
   * The name of a shared ring, the file `/dev/shm/ringbridge-NAME`. The
   * source waits for it to appear (see #GstRingSrc:timeout). Ignored when
   * #GstRingSrc:ring is set.
   *
   * Since: 0.1
   */

  /**
   * GstRingSrc:ring:
   *
   * An #RbRing to read from, made by the application. It may be the very
   * object a ringsink in the same process writes into. Takes precedence
   * over #GstRingSrc:ring-name.
   *
   * Since: 0.1
   */
  /**
   * GstRingSrc:open-flags:
   *
   * How far to trust the named ring's file: `shared-write` accepts a ring
   * writable by group or others (made by a ringsink with
   * `permissions=0660`, say), `any-owner` one owned by another user. By
   * default such rings are refused (RESOURCE/NOT_AUTHORIZED), since
   * whoever can write the file can feed this element anything; the
   * header is validated either way.
   *
   * Since: 0.1
   */
  gst_ring_settings_specs (properties,
      "Name of the shared ring (/dev/shm/ringbridge-NAME); "
      "waited for if it does not exist yet",
      "An RbRing object to read from (in-process use); takes "
      "precedence over ring-name",
      "Accept a ring writable by others (shared-write) or "
      "owned by another user (any-owner)");
}

/* how the stream comes out */
static void
stream_properties_init (void)
{
  /**
   * GstRingSrc:is-live:
   *
   * Act as a live source: timestamps are running times of when the
   * producer had the data, the latency query reports the ring's fill, and
   * for an audio ring the source offers a clock that follows the producer
   * (#GstRingSrc:provide-clock).
   *
   * Since: 0.1
   */
  properties[PROP_IS_LIVE] = g_param_spec_boolean ("is-live", "Is live",
      "Act as a live source (running-time timestamps, latency, clock)",
      DEFAULT_IS_LIVE,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSrc:buffer-frames:
   *
   * Frames per buffer from an audio ring. 0 takes as many whole frames as
   * fit in #GstBaseSrc:blocksize. At most the ring's capacity; at the end
   * of the stream the last buffer may be shorter.
   *
   * Since: 0.1
   */
  properties[PROP_BUFFER_FRAMES] = g_param_spec_uint ("buffer-frames",
      "Buffer frames", "Frames per buffer from an audio ring (0 = from "
      "blocksize)", 0, G_MAXINT, DEFAULT_BUFFER_FRAMES,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

  /**
   * GstRingSrc:timeout:
   *
   * How long, in nanoseconds, to wait for the named ring to appear, and
   * then for data, before posting an error. 0 waits for ever.
   *
   * Since: 0.1
   */
  properties[PROP_TIMEOUT] = g_param_spec_uint64 ("timeout", "Timeout",
      "How long to wait for the ring to appear or for data, in "
      "nanoseconds, before an error (0 = for ever)", 0, G_MAXUINT64,
      DEFAULT_TIMEOUT,
      GST_RING_PARAM_FIXED);
}

/* peer loss and the clock */
static void
peer_properties_init (void)
{
  /**
   * GstRingSrc:on-peer-loss:
   *
   * What to do when the producer detaches or dies without ending the
   * stream, once what it committed has been pushed. `wait` also follows a
   * named ring to its successor when a restarted ringsink makes a new one.
   *
   * Since: 0.1
   */
  properties[PROP_ON_PEER_LOSS] = g_param_spec_enum ("on-peer-loss",
      "On peer loss", "What to do when the producer goes away without "
      "ending the stream", GST_TYPE_RING_SRC_PEER_LOSS, DEFAULT_ON_PEER_LOSS,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSrc:provide-clock:
   *
   * Whether a live source offers the pipeline a clock that follows the
   * ring's producer (its published clock point, e.g. JACK's), so the
   * pipeline runs at the producer's rate.
   *
   * Since: 0.1
   */
  properties[PROP_PROVIDE_CLOCK] = g_param_spec_boolean ("provide-clock",
      "Provide clock", "Offer a clock that follows the ring's producer "
      "(live audio rings)", DEFAULT_PROVIDE_CLOCK,
      GST_RING_PARAM_FIXED);

}

/* role=reader: role, policy, target-latency, gaps (gstringsrcreader.c) */
static void
reader_properties_init (void)
{
  gst_ring_src_reader_class_init (properties, PROP_ROLE, PROP_POLICY,
      PROP_TARGET_LATENCY, PROP_GAPS);
}

static void
gst_ring_src_class_init (GstRingSrcClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ring_src_debug, "ringsrc", 0,
      "ringbridge ring source");

  gst_element_class_set_static_metadata (element_class,
      "Ring source", "Source/Audio/Video",
      "Reads a stream from a lock-free shared-memory ring (ringbridge): "
      "audio rings as raw audio timestamped from the ring's positions, "
      "records rings with their caps, timestamps and events",
      "The ringbridge authors");
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->provide_clock =
      GST_DEBUG_FUNCPTR (gst_ring_src_provide_clock);
  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_ring_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_ring_src_stop);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_ring_src_unlock);
  basesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_ring_src_unlock_stop);
  basesrc_class->get_caps = GST_DEBUG_FUNCPTR (gst_ring_src_get_caps);
  basesrc_class->negotiate = GST_DEBUG_FUNCPTR (gst_ring_src_negotiate);
  basesrc_class->query = GST_DEBUG_FUNCPTR (gst_ring_src_query);
  pushsrc_class->create = GST_DEBUG_FUNCPTR (gst_ring_src_create);

  ring_properties_init ();
  stream_properties_init ();
  peer_properties_init ();
  /* the ring's timing figures, read only, and as messages
   * (gstringstats.c, which documents them for both elements) */
  gst_ring_stats_specs (properties);
  reader_properties_init ();
  gst_ring_element_class_init (element_class, &element_info, properties,
      N_PROPERTIES);

  gst_type_mark_as_plugin_api (GST_TYPE_RING_SRC_PEER_LOSS, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RING_SRC_ROLE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RING_SRC_POLICY, 0);
}
