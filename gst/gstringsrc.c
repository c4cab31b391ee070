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
 * #GstRingSrc:open-flags (RESOURCE/NOT_AUTHORIZED).
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
 *
 * Since: 0.1
 */

#include "gstringsrc.h"
#include "gstringbridgeelements.h"
#include "gstringrecords.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

GST_DEBUG_CATEGORY_STATIC (gst_ring_src_debug);
#define GST_CAT_DEFAULT gst_ring_src_debug

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

/* create()'s internal "the ring went away: attach to its successor" */
#define FLOW_REATTACH GST_FLOW_CUSTOM_SUCCESS

struct _GstRingSrc
{
  GstPushSrc parent;

  /* properties, under the object lock */
  gchar *ring_name;
  RbRing *ring_prop;
  gboolean is_live;
  guint buffer_frames;
  guint64 timeout;
  GstRingSrcPeerLoss on_peer_loss;
  gboolean provide_clock;
  RbRingOpenFlags open_flags;

  /* the run; name and mode are copied at start() */
  gboolean running;
  gchar *name;
  gboolean ring_prop_used;
  GstRingSrcPeerLoss run_peer_loss;
  RbRingOpenFlags run_open_flags;
  gint64 timeout_us;

  /* the ring; waiter.ring is the same pointer, set under the object lock */
  RbRing *ring;
  GstRingWaiter waiter;
  GstRingKind kind;
  dev_t dev;
  ino_t ino;
  GMutex lock;                  /* with cond: waiting for a ring to appear */
  GCond cond;

  gboolean need_caps;
  GstCaps *caps;
  gboolean capsless;            /* the producer's stream has no caps */
  gboolean have_held_segment;   /* a segment that came before the caps */
  GstSegment held_segment;
  gboolean peer_gone;           /* drain what is left, then act */
  guint64 loss_position;        /* the write position when it left */
  gsize limit;                  /* what create() may read after wait_data() */
  gboolean waiting_producer;    /* on-peer-loss=wait, after a loss */
  gboolean discont;
  gboolean segment_pending;
  gboolean pushed;
  GQueue pending_events;
  /* where the last read ended: a read that starts elsewhere skipped what
   * an overwrite ring's producer overwrote (a DISCONT). Kept here, not
   * sampled from the ring before a read, since the library's getters may
   * move an overwrite ring's read position themselves. */
  gboolean have_read_end;
  guint64 read_end;

  /* audio */
  gsize frame_size;
  guint rate;
  gboolean have_base;
  guint64 frame_base;
  GstClockTime ts_base;
  GstClockTime next_ts;
  gboolean anchored;
  guint64 anchor_frame;
  GstClockTime anchor_ts;

  /* the clock that follows the producer */
  GstClock *clock;
  GMutex clock_lock;
  RbRing *clock_ring;
  gint clock_source;            /* 0: monotonic, 1: the producer's clock point */
  GstClockTime clock_last;
  GstClockTimeDiff clock_offset;
};

enum
{
  PROP_0,
  PROP_RING_NAME,
  PROP_RING,
  PROP_IS_LIVE,
  PROP_BUFFER_FRAMES,
  PROP_TIMEOUT,
  PROP_ON_PEER_LOSS,
  PROP_PROVIDE_CLOCK,
  PROP_OPEN_FLAGS,
  N_PROPERTIES
};

#define DEFAULT_IS_LIVE FALSE
#define DEFAULT_BUFFER_FRAMES 0
#define DEFAULT_TIMEOUT 0
#define DEFAULT_ON_PEER_LOSS GST_RING_SRC_PEER_LOSS_EOS
#define DEFAULT_PROVIDE_CLOCK TRUE
#define DEFAULT_OPEN_FLAGS RB_RING_OPEN_FLAGS_NONE
/* how often to look for a ring to appear, or for a successor of a ring
 * whose producer left */
#define POLL_US (G_GINT64_CONSTANT (20) * 1000)
/* live audio: timestamps follow the frame count; they are re-anchored to
 * the clock when the two drift apart by more than this */
#define RESYNC_THRESHOLD (50 * GST_MSECOND)

static GParamSpec *properties[N_PROPERTIES];

#define gst_ring_src_parent_class parent_class
G_DEFINE_TYPE (GstRingSrc, gst_ring_src, GST_TYPE_PUSH_SRC);
GST_ELEMENT_REGISTER_DEFINE (ringsrc, "ringsrc", GST_RANK_NONE,
    GST_TYPE_RING_SRC);

GType
gst_ring_src_peer_loss_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RING_SRC_PEER_LOSS_EOS, "End the stream", "eos"},
    {GST_RING_SRC_PEER_LOSS_WAIT, "Wait for a new producer", "wait"},
    {GST_RING_SRC_PEER_LOSS_ERROR, "Post an error", "error"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstRingSrcPeerLoss", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* --- the clock ---------------------------------------------------------- */

/* The producer's clock point says where the ring's write position stood
 * on CLOCK_MONOTONIC; between points the clock runs on the monotonic
 * clock, at each point it lands on the producer's frame count, so over
 * time it runs at the producer's rate. Without a point (or a ring) it is
 * the monotonic clock. A change of source keeps the time continuous, and
 * the time never goes back. */
static GstClockTime
ring_clock_get_time (GstClock * clock, gpointer user_data)
{
  GstRingSrc *self = user_data;
  gint64 now = g_get_monotonic_time () * 1000;
  GstClockTime raw = (GstClockTime) now, out;
  gint source = 0;

  g_mutex_lock (&self->clock_lock);
  if (self->clock_ring != NULL) {
    guint64 position, frames;
    gint64 when;
    gsize fs = rb_ring_get_frame_size (self->clock_ring);
    guint rate = rb_ring_get_rate (self->clock_ring);

    if (rate > 0 && rb_ring_get_clock_point (self->clock_ring, &position,
            &when, &frames)) {
      gint64 since = MAX (now - when, 0);

      raw = gst_util_uint64_scale (position / fs, GST_SECOND, rate) +
          (GstClockTime) since;
      source = 1;
    }
  }
  if (source != self->clock_source) {
    self->clock_offset = GST_CLOCK_DIFF (raw, self->clock_last);
    self->clock_source = source;
  }
  out = (GstClockTime) ((GstClockTimeDiff) raw + self->clock_offset);
  if (out < self->clock_last)
    out = self->clock_last;
  self->clock_last = out;
  g_mutex_unlock (&self->clock_lock);
  return out;
}

static void
set_clock_ring (GstRingSrc * self, RbRing * ring)
{
  g_mutex_lock (&self->clock_lock);
  g_clear_object (&self->clock_ring);
  if (ring != NULL && gst_ring_kind_of (ring) == GST_RING_KIND_AUDIO)
    self->clock_ring = g_object_ref (ring);
  /* a new ring's positions start elsewhere: continue from here */
  self->clock_source = -1;
  g_mutex_unlock (&self->clock_lock);
}

static GstClock *
gst_ring_src_provide_clock (GstElement * element)
{
  GstRingSrc *self = GST_RING_SRC (element);
  GstClock *clock = NULL;

  /* only a live source's clock means something: a non-live one would
   * take the pipeline's clock away from the sink for nothing */
  GST_OBJECT_LOCK (self);
  if (self->provide_clock && self->is_live)
    clock = gst_object_ref (self->clock);
  GST_OBJECT_UNLOCK (self);
  return clock;
}

/* The flag says the element can provide a clock (what gst-inspect-1.0 and
 * GstBin look at, before is-live may be set); provide_clock() decides at
 * clock selection whether it does. */
static void
update_clock_flag (GstRingSrc * self)
{
  /* with the object lock */
  if (self->provide_clock)
    GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_PROVIDE_CLOCK);
  else
    GST_OBJECT_FLAG_UNSET (self, GST_ELEMENT_FLAG_PROVIDE_CLOCK);
}

/* --- ring attach -------------------------------------------------------- */

static void
attach (GstRingSrc * self, RbRing * ring, gboolean shared)
{
  struct stat st;

  GST_OBJECT_LOCK (self);
  self->ring = ring;
  self->waiter.ring = ring;
  self->waiter.shared = shared;
  if (!shared && g_atomic_int_get (&self->waiter.unlocked))
    rb_ring_interrupt (ring);
  GST_OBJECT_UNLOCK (self);

  self->kind = gst_ring_kind_of (ring);
  self->frame_size = rb_ring_get_frame_size (ring);
  self->rate = rb_ring_get_rate (ring);
  self->dev = 0;
  self->ino = 0;
  if (fstat (rb_ring_get_fd (ring), &st) == 0) {
    self->dev = st.st_dev;
    self->ino = st.st_ino;
  }
  self->need_caps = TRUE;
  self->capsless = FALSE;
  self->have_held_segment = FALSE;
  self->peer_gone = FALSE;
  self->waiting_producer = FALSE;
  self->discont = TRUE;
  self->have_read_end = FALSE;
  self->have_base = FALSE;
  self->anchored = FALSE;
  set_clock_ring (self, ring);

  /* The end-of-stream flag of a stream that ended before, with its
   * producer gone and everything read, is not news: the library lets only
   * the consumer clear it (rb_ring_reset). */
  if (rb_ring_is_end_of_stream (ring) &&
      rb_ring_get_peer_state (ring) != RB_PEER_STATE_ALIVE) {
    GST_INFO_OBJECT (self, "clearing the end of an earlier stream");
    rb_ring_reset (ring);
  }

  GST_INFO_OBJECT (self, "reading %s ring '%s' of %" G_GSIZE_FORMAT " bytes",
      gst_ring_kind_name (self->kind), GST_STR_NULL (rb_ring_get_name (ring)),
      rb_ring_get_capacity (ring));
}

static void
detach (GstRingSrc * self)
{
  RbRing *ring;

  GST_OBJECT_LOCK (self);
  ring = self->ring;
  self->ring = NULL;
  self->waiter.ring = NULL;
  GST_OBJECT_UNLOCK (self);
  set_clock_ring (self, NULL);
  g_clear_object (&ring);
}

/* Did the name come to mean another ring (or nothing)? A ringsink that
 * stopped removed the name; its successor makes a new ring under it. */
static gboolean
ring_replaced (GstRingSrc * self)
{
  g_autofree gchar *path = NULL;
  struct stat st;

  if (self->name == NULL || self->ring_prop_used)
    return FALSE;
  path = rb_ring_name_to_path (self->name);
  if (stat (path, &st) < 0)
    return errno == ENOENT;
  return st.st_dev != self->dev || st.st_ino != self->ino;
}

static GstFlowReturn
wait_for_ring (GstRingSrc * self)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = self->timeout_us < 0 ? G_MAXINT64 :
      start + self->timeout_us;

  for (;;) {
    g_autoptr (GError) error = NULL;
    RbRing *ring;
    gint64 now;

    if (g_atomic_int_get (&self->waiter.unlocked))
      return GST_FLOW_FLUSHING;

    ring = rb_ring_open_full (self->name, RB_RING_ROLE_CONSUMER,
        self->run_open_flags, &error);
    if (ring != NULL) {
      attach (self, ring, FALSE);
      return GST_FLOW_OK;
    }
    if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
      GST_RING_POST_ERROR (self, error);
      return GST_FLOW_ERROR;
    }

    now = g_get_monotonic_time ();
    if (now >= deadline) {
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("No ring '%s' appeared within %" G_GINT64_FORMAT " ms",
              self->name, self->timeout_us / 1000),
          ("%s", error->message));
      return GST_FLOW_ERROR;
    }
    g_mutex_lock (&self->lock);
    if (!g_atomic_int_get (&self->waiter.unlocked))
      g_cond_wait_until (&self->cond, &self->lock,
          MIN (deadline, now + POLL_US));
    g_mutex_unlock (&self->lock);
  }
}

/* --- waiting for data --------------------------------------------------- */

static GstFlowReturn
on_peer_loss (GstRingSrc * self)
{
  self->peer_gone = FALSE;
  switch (self->run_peer_loss) {
    case GST_RING_SRC_PEER_LOSS_WAIT:
      GST_INFO_OBJECT (self, "producer gone; waiting for a new one");
      self->waiting_producer = TRUE;
      self->discont = TRUE;
      self->anchored = FALSE;
      return GST_FLOW_OK;
    case GST_RING_SRC_PEER_LOSS_ERROR:
      GST_ELEMENT_ERROR (self, RESOURCE, READ,
          ("The producer of ring '%s' went away without ending the stream",
              GST_STR_NULL (rb_ring_get_name (self->ring))),
          ("on-peer-loss=error"));
      return GST_FLOW_ERROR;
    case GST_RING_SRC_PEER_LOSS_EOS:
    default:
      GST_INFO_OBJECT (self, "producer gone: end of stream");
      return GST_FLOW_EOS;
  }
}

/* Waits until @bytes are readable. GST_FLOW_OK: they are, or the stream
 * ends with less but more than nothing (*@ending: read what is there).
 * GST_FLOW_EOS: nothing more will come. FLOW_REATTACH: the ring's name
 * has a new ring. */
static GstFlowReturn
wait_data (GstRingSrc * self, gsize bytes, gboolean * ending)
{
  RbRing *ring = self->ring;
  gint64 deadline = self->timeout_us < 0 ? G_MAXINT64 :
      g_get_monotonic_time () + self->timeout_us;

  *ending = FALSE;
  self->limit = G_MAXSIZE;
  bytes = MIN (bytes, rb_ring_get_capacity (ring));
  if (self->peer_gone) {
    GstFlowReturn ret;
    guint64 read = rb_ring_get_read_position (ring);

    /* what the departed producer wrote comes out first; a successor may
     * have written more since, which must wait for the loss to be dealt
     * with (a discontinuity, or the end) */
    if (self->loss_position > read) {
      *ending = TRUE;
      self->limit = (gsize) (self->loss_position - read);
      return GST_FLOW_OK;
    }
    ret = on_peer_loss (self);
    if (ret != GST_FLOW_OK)
      return ret;
  }

  for (;;) {
    gsize avail = rb_ring_read_available (ring);
    gint64 slice = -1, now = g_get_monotonic_time ();
    RbWaitResult res;

    if (avail >= bytes) {
      self->waiting_producer = FALSE;
      return GST_FLOW_OK;
    }
    if (deadline != G_MAXINT64)
      slice = MAX (deadline - now, 0);
    if (self->waiting_producer && !self->waiter.shared)
      slice = slice < 0 ? POLL_US : MIN (slice, POLL_US);

    res = gst_ring_waiter_wait (&self->waiter, TRUE, bytes, slice);
    switch (res) {
      case RB_WAIT_READY:
        continue;
      case RB_WAIT_INTERRUPTED:
        return GST_FLOW_FLUSHING;
      case RB_WAIT_END_OF_STREAM:
        if (rb_ring_read_available (ring) > 0) {
          *ending = TRUE;
          return GST_FLOW_OK;
        }
        GST_INFO_OBJECT (self, "the producer ended the stream");
        return GST_FLOW_EOS;
      case RB_WAIT_PEER_GONE:{
        GstFlowReturn ret;
        guint64 read = rb_ring_get_read_position (ring);

        self->loss_position = rb_ring_get_write_position (ring);
        if (self->loss_position > read) {
          self->peer_gone = TRUE;
          *ending = TRUE;
          self->limit = (gsize) (self->loss_position - read);
          return GST_FLOW_OK;
        }
        ret = on_peer_loss (self);
        if (ret != GST_FLOW_OK)
          return ret;
        continue;
      }
      case RB_WAIT_TIMEOUT:
      default:
        if (self->waiting_producer && ring_replaced (self)) {
          if (rb_ring_read_available (ring) > 0) {
            *ending = TRUE;
            return GST_FLOW_OK;
          }
          GST_INFO_OBJECT (self, "ring '%s' was replaced", self->name);
          return FLOW_REATTACH;
        }
        if (g_get_monotonic_time () >= deadline) {
          GST_ELEMENT_ERROR (self, RESOURCE, READ,
              ("No data from ring '%s' for %" G_GINT64_FORMAT " ms",
                  GST_STR_NULL (rb_ring_get_name (ring)),
                  self->timeout_us / 1000), ("timeout property"));
          return GST_FLOW_ERROR;
        }
        continue;
    }
  }
}

/* --- caps --------------------------------------------------------------- */

/* Sets the ring's caps on the pad, or posts an error naming them and what
 * downstream wants. Downstream is asked first: a caps event is stored on
 * the pad whether or not the peer takes it, and the refusal would only
 * show at the next push, after the data was read from the ring. */
static GstFlowReturn
set_caps (GstRingSrc * self, GstCaps * caps)
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

  if (filter != NULL) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
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

/* --- audio -------------------------------------------------------------- */

static void
stamp_audio (GstRingSrc * self, GstBuffer * buf, guint64 frame, gsize frames)
{
  GstBaseSrc *bsrc = GST_BASE_SRC (self);
  GstClockTime pts, end;
  guint rate = self->rate;

  GST_BUFFER_OFFSET (buf) = frame;
  GST_BUFFER_OFFSET_END (buf) = frame + frames;

  if (!self->have_base || frame < self->frame_base) {
    self->frame_base = frame;
    self->ts_base = self->next_ts;
    self->have_base = TRUE;
  }

  if (gst_base_src_get_do_timestamp (bsrc)) {
    /* arrival time: GstBaseSrc stamps buffers without timestamps */
    GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (frames, GST_SECOND,
        rate);
    return;
  }

  if (gst_base_src_is_live (bsrc)) {
    GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));

    if (clock != NULL) {
      GstClockTime running = gst_clock_get_time (clock) -
          gst_element_get_base_time (GST_ELEMENT (self));
      gint64 now = g_get_monotonic_time () * 1000;
      guint64 position, produced;
      gint64 when;
      GstClockTime age, estimate, smooth;

      /* how long ago the producer had this frame */
      if (rb_ring_get_clock_point (self->ring, &position, &when, &produced)) {
        GstClockTimeDiff at = when + (GstClockTimeDiff)
            (((gint64) frame - (gint64) (position / self->frame_size)) *
            (gint64) GST_SECOND / (gint64) rate);

        age = now > at ? (GstClockTime) (now - at) : 0;
      } else {
        guint64 written = rb_ring_get_write_position (self->ring) /
            self->frame_size;

        age = written > frame ?
            gst_util_uint64_scale (written - frame, GST_SECOND, rate) : 0;
      }
      estimate = running > age ? running - age : 0;
      smooth = self->anchor_ts + gst_util_uint64_scale (frame -
          self->anchor_frame, GST_SECOND, rate);
      if (!self->anchored || frame < self->anchor_frame ||
          (smooth > estimate ? smooth - estimate : estimate - smooth) >
          RESYNC_THRESHOLD) {
        if (self->anchored)
          GST_INFO_OBJECT (self, "timestamps resynced by %" GST_STIME_FORMAT,
              GST_STIME_ARGS (GST_CLOCK_DIFF (smooth, estimate)));
        self->anchor_ts = estimate;
        self->anchor_frame = frame;
        self->anchored = TRUE;
        self->discont = TRUE;
      }
      pts = self->anchor_ts + gst_util_uint64_scale (frame -
          self->anchor_frame, GST_SECOND, rate);
      end = self->anchor_ts + gst_util_uint64_scale (frame + frames -
          self->anchor_frame, GST_SECOND, rate);
      gst_object_unref (clock);
      GST_BUFFER_PTS (buf) = pts;
      GST_BUFFER_DURATION (buf) = end - pts;
      self->next_ts = end;
      return;
    }
  }

  pts = self->ts_base + gst_util_uint64_scale (frame - self->frame_base,
      GST_SECOND, rate);
  end = self->ts_base + gst_util_uint64_scale (frame + frames -
      self->frame_base, GST_SECOND, rate);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = end - pts;
  self->next_ts = end;
}

/* A read from @start to @end: a start elsewhere than where the last read
 * ended is a jump (overwritten data), and the buffer gets DISCONT. */
static void
note_read (GstRingSrc * self, guint64 start, guint64 end)
{
  if (self->have_read_end && start != self->read_end) {
    GST_DEBUG_OBJECT (self, "skipped %" G_GINT64_FORMAT " bytes (%"
        G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT "): overwritten",
        (gint64) (start - self->read_end), self->read_end, start);
    self->discont = TRUE;
  }
  self->read_end = end;
  self->have_read_end = TRUE;
}

static guint
frames_per_buffer (GstRingSrc * self)
{
  guint frames;
  guint blocksize = gst_base_src_get_blocksize (GST_BASE_SRC (self));
  gsize capacity = rb_ring_get_capacity_frames (self->ring);

  GST_OBJECT_LOCK (self);
  frames = self->buffer_frames;
  GST_OBJECT_UNLOCK (self);
  if (frames == 0)
    frames = MAX (1, blocksize / self->frame_size);
  return (guint) MIN (frames, capacity);
}

static GstFlowReturn
create_audio (GstRingSrc * self, GstBuffer ** out)
{
  RbRing *ring = self->ring;
  gsize fs = self->frame_size;
  guint want = frames_per_buffer (self);
  gboolean ending;
  GstFlowReturn ret;
  GstBuffer *buf;
  GstMapInfo map;
  guint64 after, frame;
  gsize avail, got;

  if (self->need_caps) {
    g_autoptr (GstCaps) caps = gst_ring_audio_caps_for_ring (ring);

    ret = set_caps (self, caps);
    if (ret != GST_FLOW_OK)
      return ret;
    self->need_caps = FALSE;
  }

  ret = wait_data (self, want * fs, &ending);
  if (ret != GST_FLOW_OK)
    return ret;
  avail = MIN (rb_ring_read_frames_available (ring), self->limit / fs);
  if (avail == 0) {
    /* a partial frame at the end can never become whole: drop it */
    if (ending)
      rb_ring_skip (ring, MIN (self->limit, rb_ring_read_available (ring)));
    return GST_FLOW_OK;         /* ask again */
  }

  buf = gst_buffer_new_allocate (NULL, MIN (avail, want) * fs, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  got = rb_ring_read_frames (ring, map.data, MIN (avail, want));
  after = rb_ring_get_read_position (ring);
  gst_buffer_unmap (buf, &map);
  gst_buffer_set_size (buf, (gssize) (got * fs));

  /* an overwrite ring skips what the producer overwrote: a gap in time,
   * which the offsets and timestamps (from the position) show too */
  note_read (self, after - got * fs, after);
  frame = after / fs - got;
  stamp_audio (self, buf, frame, got);
  if (self->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  *out = buf;
  return GST_FLOW_OK;
}

/* --- bytes -------------------------------------------------------------- */

static GstFlowReturn
create_bytes (GstRingSrc * self, GstBuffer ** out)
{
  guint blocksize = gst_base_src_get_blocksize (GST_BASE_SRC (self));
  gboolean ending;
  GstFlowReturn ret;
  GstBuffer *buf;
  GstMapInfo map;
  guint64 end;
  gsize n;

  ret = wait_data (self, 1, &ending);
  if (ret != GST_FLOW_OK)
    return ret;
  n = MIN (rb_ring_read_available (self->ring), MAX (blocksize, 1));
  n = MIN (n, self->limit);
  buf = gst_buffer_new_allocate (NULL, n, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  n = rb_ring_read (self->ring, map.data, n);
  gst_buffer_unmap (buf, &map);
  gst_buffer_set_size (buf, (gssize) n);
  end = rb_ring_get_read_position (self->ring);
  note_read (self, end - n, end);
  GST_BUFFER_OFFSET (buf) = end - n;
  GST_BUFFER_OFFSET_END (buf) = end;
  if (self->discont) {
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  *out = buf;
  return GST_FLOW_OK;
}

/* --- records ------------------------------------------------------------ */

static GstFlowReturn
corrupt_record (GstRingSrc * self, const gchar * what)
{
  GST_ELEMENT_ERROR (self, STREAM, DECODE,
      ("Ring '%s' holds a corrupt record", GST_STR_NULL (rb_ring_get_name
              (self->ring))), ("%s", what));
  return GST_FLOW_ERROR;
}

/* Events go out in stream order, straight away; but not before the
 * segment GstBaseSrc has yet to push with the next buffer: then tags and
 * custom events go through GstBaseSrc, which puts them after its segment,
 * and the others wait for the next create(). */
static void
push_event (GstRingSrc * self, GstEvent * event)
{
  if (!self->segment_pending && self->pushed) {
    gst_pad_push_event (GST_BASE_SRC_PAD (self), event);
    return;
  }
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_TAG:
    case GST_EVENT_CUSTOM_DOWNSTREAM:
      gst_element_send_event (GST_ELEMENT (self), event);
      break;
    default:
      g_queue_push_tail (&self->pending_events, event);
      break;
  }
}

static void
flush_pending_events (GstRingSrc * self)
{
  GstEvent *event;

  if (self->segment_pending || !self->pushed)
    return;
  while ((event = g_queue_pop_head (&self->pending_events)) != NULL)
    gst_pad_push_event (GST_BASE_SRC_PAD (self), event);
}

/* Whether the stream's caps (or that it has none) are known: before that,
 * nothing may go downstream but the caps (a segment, a gap or a tag first
 * is sticky event misordering), so a consumer that attached mid-stream
 * skips what comes before the producer sends the caps again. */
static gboolean
caps_known (GstRingSrc * self)
{
  return self->caps != NULL || self->capsless;
}

static void
apply_segment (GstRingSrc * self, const GstSegment * segment)
{
  GstBaseSrc *bsrc = GST_BASE_SRC (self);

  if (!caps_known (self)) {
    /* after the caps, when they come */
    self->held_segment = *segment;
    self->have_held_segment = TRUE;
  } else if (gst_base_src_get_do_timestamp (bsrc)) {
    GST_DEBUG_OBJECT (self, "do-timestamp: keeping our own segment");
  } else if (segment->format != GST_FORMAT_TIME) {
    GST_DEBUG_OBJECT (self, "not forwarding a %s segment",
        gst_format_get_name (segment->format));
  } else if (gst_base_src_new_segment (bsrc, segment)) {
    self->segment_pending = TRUE;
  }
}

static void
caps_now_known (GstRingSrc * self)
{
  if (self->have_held_segment) {
    self->have_held_segment = FALSE;
    apply_segment (self, &self->held_segment);
  }
}

/* A record that GStreamer cannot take (its constructor would refuse it
 * with a critical) but that harms nothing when left out. */
static void
skip_record (GstRingSrc * self, const gchar * what)
{
  GST_ELEMENT_WARNING (self, STREAM, DECODE,
      ("Ring '%s' holds a record GStreamer cannot take; skipped it",
          GST_STR_NULL (rb_ring_get_name (self->ring))), ("%s", what));
}

static GstFlowReturn
create_records (GstRingSrc * self, GstBuffer ** out)
{
  GstBaseSrc *bsrc = GST_BASE_SRC (self);
  RbRing *ring = self->ring;

  for (;;) {
    RbRecordInfo info;
    gboolean ending;
    GstFlowReturn ret;
    const guint8 *payload;

    flush_pending_events (self);
    ret = wait_data (self, GST_RING_RECORD_HEADER_SIZE, &ending);
    if (ret != GST_FLOW_OK)
      return ret;
    if (!rb_ring_peek_record (ring, &info)) {
      if (rb_ring_read_available (ring) >= GST_RING_RECORD_HEADER_SIZE)
        return corrupt_record (self, "record larger than the ring holds");
      if (ending) {
        /* an honest producer commits whole records only */
        return corrupt_record (self, "the stream ends inside a record");
      }
      continue;
    }

    switch (info.type) {
      case RB_RECORD_TYPE_DATA:{
        GstBuffer *buf;
        GstMapInfo map;
        gboolean ok;

        if (self->caps == NULL && !self->capsless) {
          /* a consumer that attached mid-stream; the producer sends the
           * caps again when it notices us */
          GST_DEBUG_OBJECT (self, "skipping a buffer that came before caps");
          if (rb_ring_read_record_acquire (ring, &info) == NULL)
            return corrupt_record (self, "a data record changed while read");
          rb_ring_read_record_release (ring);
          self->discont = TRUE;
          continue;
        }
        buf = gst_buffer_new_allocate (NULL, info.size, NULL);
        gst_buffer_map (buf, &map, GST_MAP_WRITE);
        ok = rb_ring_read_record (ring, &info, map.data, map.size);
        gst_buffer_unmap (buf, &map);
        if (!ok) {
          gst_buffer_unref (buf);
          return corrupt_record (self, "a data record changed while read");
        }
        GST_BUFFER_FLAGS (buf) = gst_ring_buffer_flags_from_record (info.flags);
        if (gst_base_src_get_do_timestamp (bsrc)) {
          GST_BUFFER_PTS (buf) = GST_CLOCK_TIME_NONE;
          GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
        } else {
          GST_BUFFER_PTS (buf) = (GstClockTime) info.pts;
          GST_BUFFER_DTS (buf) = (GstClockTime) info.dts;
        }
        GST_BUFFER_DURATION (buf) = (GstClockTime) info.duration;
        GST_BUFFER_OFFSET (buf) = info.offset;
        GST_BUFFER_OFFSET_END (buf) = info.offset_end;
        if (self->discont) {
          GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
          self->discont = FALSE;
        }
        *out = buf;
        return GST_FLOW_OK;
      }
      case RB_RECORD_TYPE_CAPS:{
        GstCaps *caps;

        payload = rb_ring_read_record_acquire (ring, &info);
        if (payload != NULL && info.size == 0) {
          /* a stream without caps: its buffers go out without caps */
          rb_ring_read_record_release (ring);
          GST_INFO_OBJECT (self, "the stream has no caps");
          self->capsless = TRUE;
          caps_now_known (self);
          continue;
        }
        caps = payload ? gst_ring_caps_deserialize (payload, info.size) : NULL;
        if (caps == NULL) {
          rb_ring_read_record_release (ring);
          return corrupt_record (self, "caps that do not parse");
        }
        ret = set_caps (self, caps);
        gst_caps_unref (caps);
        /* refused caps stay in the ring, for a consumer that takes them */
        if (ret != GST_FLOW_OK)
          return ret;
        rb_ring_read_record_release (ring);
        caps_now_known (self);
        continue;
      }
      case RB_RECORD_TYPE_SEGMENT:{
        GstSegment segment;
        gboolean ok;

        payload = rb_ring_read_record_acquire (ring, &info);
        ok = payload && gst_ring_segment_deserialize (payload, info.size,
            &segment);
        rb_ring_read_record_release (ring);
        if (!ok)
          return corrupt_record (self, "a segment out of range");
        apply_segment (self, &segment);
        continue;
      }
      case RB_RECORD_TYPE_EOS:
        rb_ring_read_record_acquire (ring, &info);
        rb_ring_read_record_release (ring);
        GST_INFO_OBJECT (self, "end of stream record");
        return GST_FLOW_EOS;
      case RB_RECORD_TYPE_GAP:
        rb_ring_read_record_acquire (ring, &info);
        rb_ring_read_record_release (ring);
        if (!caps_known (self)) {
          GST_DEBUG_OBJECT (self, "skipping a gap that came before caps");
          continue;
        }
        if (!GST_CLOCK_TIME_IS_VALID ((GstClockTime) info.pts)) {
          skip_record (self, "a gap without a timestamp");
          continue;
        }
        if (self->segment_pending || !self->pushed) {
          /* a gap basesrc would push before its segment: as a gap buffer */
          GstBuffer *buf = gst_buffer_new ();

          GST_BUFFER_PTS (buf) = (GstClockTime) info.pts;
          GST_BUFFER_DURATION (buf) = (GstClockTime) info.duration;
          GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_GAP |
              GST_BUFFER_FLAG_DROPPABLE);
          *out = buf;
          return GST_FLOW_OK;
        }
        push_event (self, gst_event_new_gap ((GstClockTime) info.pts,
                (GstClockTime) info.duration));
        continue;
      case RB_RECORD_TYPE_EVENT:{
        GstEvent *event;

        payload = rb_ring_read_record_acquire (ring, &info);
        event = payload ? gst_ring_event_deserialize (info.flags, info.offset,
            payload, info.size) : NULL;
        rb_ring_read_record_release (ring);
        if (event == NULL)
          GST_WARNING_OBJECT (self, "dropping an event record of type 0x%x",
              info.flags);
        else if (!caps_known (self)) {
          GST_DEBUG_OBJECT (self, "skipping an event that came before caps");
          gst_event_unref (event);
        } else
          push_event (self, event);
        continue;
      }
      default:
        GST_DEBUG_OBJECT (self, "skipping a record of type 0x%x", info.type);
        rb_ring_read_record_acquire (ring, &info);
        rb_ring_read_record_release (ring);
        continue;
    }
  }
}

/* --- create ------------------------------------------------------------- */

static GstFlowReturn
gst_ring_src_create (GstPushSrc * psrc, GstBuffer ** buf)
{
  GstRingSrc *self = GST_RING_SRC (psrc);
  GstFlowReturn ret;

  *buf = NULL;
  for (;;) {
    if (self->ring == NULL) {
      ret = wait_for_ring (self);
      if (ret != GST_FLOW_OK)
        return ret;
    }
    switch (self->kind) {
      case GST_RING_KIND_AUDIO:
        ret = create_audio (self, buf);
        break;
      case GST_RING_KIND_RECORDS:
        ret = create_records (self, buf);
        break;
      case GST_RING_KIND_BYTES:
      default:
        ret = create_bytes (self, buf);
        break;
    }
    if (ret == FLOW_REATTACH) {
      detach (self);
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
    RbRing *ring = NULL;

    GST_OBJECT_LOCK (self);
    if (self->ring != NULL)
      ring = g_object_ref (self->ring);
    GST_OBJECT_UNLOCK (self);

    if (live && ring != NULL && gst_ring_kind_of (ring) == GST_RING_KIND_AUDIO) {
      guint rate = rb_ring_get_rate (ring);
      guint64 buffer = frames_per_buffer (self);
      guint64 fill = rb_ring_read_frames_available (ring);

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
  g_autoptr (GError) error = NULL;
  RbRing *prop;
  RbRing *ring;

  GST_OBJECT_LOCK (self);
  g_free (self->name);
  self->name = g_strdup (self->ring_name);
  prop = self->ring_prop ? g_object_ref (self->ring_prop) : NULL;
  self->run_peer_loss = self->on_peer_loss;
  self->run_open_flags = self->open_flags;
  self->timeout_us = self->timeout > 0 ? (gint64) (self->timeout / 1000) : -1;
  self->running = TRUE;
  self->ring_prop_used = prop != NULL;
  GST_OBJECT_UNLOCK (self);

  self->next_ts = 0;
  self->pushed = FALSE;
  self->segment_pending = FALSE;
  gst_clear_caps (&self->caps);

  if (prop != NULL) {
    attach (self, prop, TRUE);
    return TRUE;
  }
  if (self->name == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("No ring name set"),
        ("set ring-name or ring"));
    return FALSE;
  }
  if (!rb_ring_name_validate (self->name, &error)) {
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  }
  ring = rb_ring_open_full (self->name, RB_RING_ROLE_CONSUMER,
      self->run_open_flags, &error);
  if (ring != NULL) {
    attach (self, ring, FALSE);
  } else if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  } else {
    GST_DEBUG_OBJECT (self, "waiting for ring '%s' in create()", self->name);
  }
  return TRUE;
}

static gboolean
gst_ring_src_stop (GstBaseSrc * bsrc)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);

  detach (self);
  /* the last user of a ring whose producer died removes it */
  if (self->name != NULL && !self->ring_prop_used &&
      rb_ring_reclaim_stale (self->name, NULL))
    GST_INFO_OBJECT (self, "removed ring '%s', which nobody uses", self->name);
  GST_OBJECT_LOCK (self);
  self->running = FALSE;
  gst_clear_caps (&self->caps);
  GST_OBJECT_UNLOCK (self);
  g_queue_clear_full (&self->pending_events,
      (GDestroyNotify) gst_event_unref);
  return TRUE;
}

static gboolean
gst_ring_src_unlock (GstBaseSrc * bsrc)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);

  GST_OBJECT_LOCK (self);
  gst_ring_waiter_unlock (&self->waiter);
  GST_OBJECT_UNLOCK (self);
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
gst_ring_src_unlock_stop (GstBaseSrc * bsrc)
{
  GstRingSrc *self = GST_RING_SRC (bsrc);

  GST_OBJECT_LOCK (self);
  gst_ring_waiter_unlock_stop (&self->waiter);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static GstStateChangeReturn
gst_ring_src_change_state (GstElement * element, GstStateChange transition)
{
  GstRingSrc *self = GST_RING_SRC (element);

  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    gboolean have;

    GST_OBJECT_LOCK (self);
    have = self->ring_name != NULL || self->ring_prop != NULL;
    GST_OBJECT_UNLOCK (self);
    if (!have) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("No ring name set"),
          ("set ring-name or ring"));
      return GST_STATE_CHANGE_FAILURE;
    }
  }
  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

/* --- properties --------------------------------------------------------- */

static gboolean
refuse_while_running (GstRingSrc * self, GParamSpec * pspec)
{
  if (!self->running)
    return FALSE;
  g_warning ("%s: cannot change %s while the element is running (%s); "
      "set it in the NULL or READY state", GST_OBJECT_NAME (self),
      pspec->name, gst_element_state_get_name (GST_STATE (self)));
  return TRUE;
}

static void
gst_ring_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRingSrc *self = GST_RING_SRC (object);
  gboolean live_changed = FALSE;
  gboolean live = FALSE;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_RING_NAME:
      if (!refuse_while_running (self, pspec)) {
        g_free (self->ring_name);
        self->ring_name = g_value_dup_string (value);
      }
      break;
    case PROP_RING:
      if (!refuse_while_running (self, pspec)) {
        g_clear_object (&self->ring_prop);
        self->ring_prop = g_value_dup_object (value);
      }
      break;
    case PROP_IS_LIVE:
      if (!refuse_while_running (self, pspec)) {
        self->is_live = g_value_get_boolean (value);
        live = self->is_live;
        live_changed = TRUE;
        update_clock_flag (self);
      }
      break;
    case PROP_BUFFER_FRAMES:
      self->buffer_frames = g_value_get_uint (value);
      break;
    case PROP_TIMEOUT:
      if (!refuse_while_running (self, pspec))
        self->timeout = g_value_get_uint64 (value);
      break;
    case PROP_ON_PEER_LOSS:
      if (!refuse_while_running (self, pspec))
        self->on_peer_loss = g_value_get_enum (value);
      break;
    case PROP_PROVIDE_CLOCK:
      self->provide_clock = g_value_get_boolean (value);
      update_clock_flag (self);
      break;
    case PROP_OPEN_FLAGS:
      if (!refuse_while_running (self, pspec))
        self->open_flags = g_value_get_flags (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);

  if (live_changed)
    gst_base_src_set_live (GST_BASE_SRC (self), live);
}

static void
gst_ring_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstRingSrc *self = GST_RING_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_RING_NAME:
      g_value_set_string (value, self->ring_name);
      break;
    case PROP_RING:
      g_value_set_object (value, self->ring_prop);
      break;
    case PROP_IS_LIVE:
      g_value_set_boolean (value, self->is_live);
      break;
    case PROP_BUFFER_FRAMES:
      g_value_set_uint (value, self->buffer_frames);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint64 (value, self->timeout);
      break;
    case PROP_ON_PEER_LOSS:
      g_value_set_enum (value, self->on_peer_loss);
      break;
    case PROP_PROVIDE_CLOCK:
      g_value_set_boolean (value, self->provide_clock);
      break;
    case PROP_OPEN_FLAGS:
      g_value_set_flags (value, self->open_flags);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_ring_src_finalize (GObject * object)
{
  GstRingSrc *self = GST_RING_SRC (object);

  /* the pipeline may keep our clock longer than us */
  gst_audio_clock_invalidate (GST_AUDIO_CLOCK (self->clock));
  gst_object_unref (self->clock);
  g_free (self->ring_name);
  g_free (self->name);
  g_clear_object (&self->ring_prop);
  g_clear_object (&self->ring);
  g_clear_object (&self->clock_ring);
  gst_clear_caps (&self->caps);
  g_queue_clear_full (&self->pending_events,
      (GDestroyNotify) gst_event_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->clock_lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ring_src_init (GstRingSrc * self)
{
  self->is_live = DEFAULT_IS_LIVE;
  self->buffer_frames = DEFAULT_BUFFER_FRAMES;
  self->timeout = DEFAULT_TIMEOUT;
  self->on_peer_loss = DEFAULT_ON_PEER_LOSS;
  self->provide_clock = DEFAULT_PROVIDE_CLOCK;
  self->open_flags = DEFAULT_OPEN_FLAGS;
  update_clock_flag (self);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_mutex_init (&self->clock_lock);
  g_queue_init (&self->pending_events);
  self->clock = gst_audio_clock_new ("GstRingClock", ring_clock_get_time, self,
      NULL);
  self->clock_source = -1;

  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
  gst_base_src_set_live (GST_BASE_SRC (self), DEFAULT_IS_LIVE);
}

static void
gst_ring_src_class_init (GstRingSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ring_src_debug, "ringsrc", 0,
      "ringbridge ring source");

  gobject_class->set_property = gst_ring_src_set_property;
  gobject_class->get_property = gst_ring_src_get_property;
  gobject_class->finalize = gst_ring_src_finalize;

  gst_element_class_set_static_metadata (element_class,
      "Ring source", "Source/Audio/Video/Network",
      "Reads a stream from a lock-free shared-memory ring (ringbridge): "
      "audio rings as raw audio timestamped from the ring's positions, "
      "records rings with their caps, timestamps and events",
      "The ringbridge authors");
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ring_src_change_state);
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

  /**
   * GstRingSrc:ring-name:
   *
   * The name of a shared ring, the file `/dev/shm/ringbridge-NAME`. The
   * source waits for it to appear (see #GstRingSrc:timeout). Ignored when
   * #GstRingSrc:ring is set.
   *
   * Since: 0.1
   */
  properties[PROP_RING_NAME] = g_param_spec_string ("ring-name", "Ring name",
      "Name of the shared ring (/dev/shm/ringbridge-NAME); waited for if "
      "it does not exist yet", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRingSrc:ring:
   *
   * An #RbRing to read from, made by the application. It may be the very
   * object a ringsink in the same process writes into. Takes precedence
   * over #GstRingSrc:ring-name.
   *
   * Since: 0.1
   */
  properties[PROP_RING] = g_param_spec_object ("ring", "Ring",
      "An RbRing object to read from (in-process use); takes precedence "
      "over ring-name", RB_TYPE_RING,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
  properties[PROP_OPEN_FLAGS] = g_param_spec_flags ("open-flags",
      "Open flags", "Accept a ring writable by others (shared-write) or "
      "owned by another user (any-owner)", RB_TYPE_RING_OPEN_FLAGS,
      DEFAULT_OPEN_FLAGS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);

  gst_type_mark_as_plugin_api (GST_TYPE_RING_SRC_PEER_LOSS, 0);
}
