/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsrc as one of an overwrite ring's readers (role=reader): its policy
 * and target latency, checked at start and at attach; the RbRingReader it
 * reads through (and, for the consumer, the same calls on the ring); and
 * the reader's gap journal, each entry a DISCONT on the next buffer plus,
 * for audio, a GAP event covering exactly the frames it missed, counted
 * by cause in the `stats` and `gaps` properties. */

#include "gstringsrcpriv.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_ring_src_debug

static const GEnumValue role_values[] = {
  {GST_RING_SRC_ROLE_CONSUMER, "The ring's one consumer (moves its read "
        "position)", "consumer"},
  {GST_RING_SRC_ROLE_READER, "One of any number of readers of an "
        "overwrite ring (its own position, a policy)", "reader"},
  {0, NULL, NULL},
};

GST_RING_DEFINE_ENUM (gst_ring_src_role_get_type, "GstRingSrcRole",
    role_values);

static const GEnumValue policy_values[] = {
  {GST_RING_SRC_POLICY_CATCH_UP, "Read everything still in the ring; what "
        "was overwritten is a gap", "catch-up"},
  {GST_RING_SRC_POLICY_LATEST, "Stay within target-latency of the newest "
        "data; what is jumped over is a gap", "latest"},
  {0, NULL, NULL},
};

GST_RING_DEFINE_ENUM (gst_ring_src_policy_get_type, "GstRingSrcPolicy",
    policy_values);

/* the stats fields of each cause, by RbGapCause */
static const gchar *const cause_nicks[GST_RING_SRC_N_GAP_CAUSES] = {
  [RB_GAP_OVERWRITTEN] = "overwritten",
  [RB_GAP_UNDERRUN] = "underrun",
  [RB_GAP_PRODUCER_RESTART] = "producer-restart",
  [RB_GAP_SKIP] = "skip",
};

static void add_stats (GstElement * element, GstStructure * s);

/* --- settings ----------------------------------------------------------- */

/* start(): this run's role, policy and target latency, checked against one
 * another (the ring is not known yet); the counts start at 0. Posts the
 * error and returns FALSE for settings that do not go together. */
gboolean
gst_ring_src_reader_start (GstRingSrc * self)
{
  GST_OBJECT_LOCK (self);
  self->run_role = self->role;
  self->run_policy = self->policy;
  self->run_target_latency = self->target_latency;
  memset (self->gap_count, 0, sizeof self->gap_count);
  memset (self->gap_bytes, 0, sizeof self->gap_bytes);
  self->gaps = 0;
  GST_OBJECT_UNLOCK (self);

  if (self->run_role == GST_RING_SRC_ROLE_CONSUMER &&
      (self->run_policy != GST_RING_SRC_POLICY_CATCH_UP ||
          self->run_target_latency != 0)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("policy and target-latency are for role=reader; the consumer "
            "reads everything"), ("role=consumer, policy=%s, "
            "target-latency=%" G_GINT64_FORMAT " us",
            policy_values[self->run_policy].value_nick,
            self->run_target_latency));
    return FALSE;
  }
  if (self->run_policy == GST_RING_SRC_POLICY_CATCH_UP &&
      self->run_target_latency != 0) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("target-latency is for policy=latest; catch-up reads everything "
            "the ring still holds"), ("target-latency=%" G_GINT64_FORMAT
            " us", self->run_target_latency));
    return FALSE;
  }
  return TRUE;
}

/* The role to attach to a named ring with. */
RbRingRole
gst_ring_src_open_role (GstRingSrc * self)
{
  return self->run_role == GST_RING_SRC_ROLE_READER ? RB_RING_ROLE_READER :
      RB_RING_ROLE_CONSUMER;
}

/* --- attaching ---------------------------------------------------------- */

/* The latest policy's target in bytes of @ring, whole frames: the
 * target-latency rounded up to a frame, or one buffer when it is 0. FALSE
 * (the error posted) when it is not less than the ring holds, or a time
 * is asked of a byte ring. */
static gboolean
target_bytes (GstRingSrc * self, RbRing * ring, guint64 * bytes)
{
  const gchar *name = GST_STR_NULL (rb_ring_get_name (ring));
  guint64 capacity = rb_ring_get_capacity_frames (ring);
  gsize fs = rb_ring_get_frame_size (ring);
  guint rate = rb_ring_get_rate (ring);
  guint64 frames;

  if (self->run_target_latency == 0) {
    frames = gst_ring_src_frames_per_buffer (self);
  } else if (rb_ring_get_sample_format (ring) == RB_SAMPLE_FORMAT_NONE) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("target-latency is a time, and ring '%s' is a byte ring; leave it "
            "at 0 (one blocksize)", name), ("target-latency=%"
            G_GINT64_FORMAT " us", self->run_target_latency));
    return FALSE;
  } else {
    frames = gst_util_uint64_scale_ceil ((guint64) self->run_target_latency,
        rate, G_USEC_PER_SEC);
  }
  if (frames >= capacity) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("target-latency of %" G_GINT64_FORMAT " us is %" G_GUINT64_FORMAT
            " frames; ring '%s' holds %" G_GUINT64_FORMAT ": it must be "
            "less", self->run_target_latency, frames, name, capacity),
        ("0 means one buffer (buffer-frames or blocksize)"));
    return FALSE;
  }
  *bytes = frames * fs;
  return TRUE;
}

/* Before @ring becomes the element's: a reader's RbRingReader over it
 * (a consumer needs none). FALSE, the error posted, when the ring cannot
 * be read that way. */
gboolean
gst_ring_src_reader_attach (GstRingSrc * self, RbRing * ring)
{
  g_autoptr (GError) error = NULL;
  RbReaderPolicy policy = RB_READER_POLICY_CATCH_UP;
  guint64 target = 0;

  if (self->run_role != GST_RING_SRC_ROLE_READER)
    return TRUE;
  if (!(rb_ring_get_flags (ring) & RB_RING_FLAGS_OVERWRITE)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("role=reader needs an overwrite ring; ring '%s' has no overwrite "
            "flag (%s ring)", GST_STR_NULL (rb_ring_get_name (ring)),
            gst_ring_kind_name (gst_ring_kind_of (ring))),
        ("make it with ringsink mode=overwrite-old or ringbridge-jack "
            "record --overwrite, or read it with role=consumer"));
    return FALSE;
  }
  if (self->run_policy == GST_RING_SRC_POLICY_LATEST) {
    policy = RB_READER_POLICY_LATEST;
    if (!target_bytes (self, ring, &target))
      return FALSE;
  }
  self->reader = rb_ring_reader_new (ring, policy, target, &error);
  if (self->reader == NULL) {
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  }
  GST_INFO_OBJECT (self, "reading as a %s reader, target %" G_GUINT64_FORMAT
      " bytes", policy_values[self->run_policy].value_nick, target);
  return TRUE;
}

void
gst_ring_src_reader_detach (GstRingSrc * self)
{
  g_clear_pointer (&self->reader, rb_ring_reader_unref);
}

/* --- reading: the consumer's calls or the reader's ---------------------- */

/* Bytes this element can read now. Moves nothing. */
gsize
gst_ring_src_available (GstRingSrc * self)
{
  if (self->reader != NULL)
    return rb_ring_reader_get_available (self->reader);
  return rb_ring_read_available (self->ring);
}

/* The most bytes that can ever be readable at once: the ring's capacity,
 * or a latest reader's target latency. */
gsize
gst_ring_src_most_readable (GstRingSrc * self)
{
  if (self->reader != NULL &&
      rb_ring_reader_get_policy (self->reader) == RB_READER_POLICY_LATEST)
    return (gsize) rb_ring_reader_get_target_latency (self->reader);
  return rb_ring_get_capacity (self->ring);
}

/* The position of the next byte this element reads. */
guint64
gst_ring_src_position (GstRingSrc * self)
{
  if (self->reader != NULL)
    return rb_ring_reader_get_position (self->reader);
  return rb_ring_get_read_position (self->ring);
}

/* Waits until @bytes are readable, as gst_ring_wait() does; a reader
 * waits for the write position to pass its own by @bytes. */
RbWaitResult
gst_ring_src_wait_readable (GstRingSrc * self, gsize bytes,
    gint64 timeout_us)
{
  if (self->reader == NULL)
    return gst_ring_wait (self->ring, self->cancellable, TRUE, bytes,
        timeout_us);
  return gst_ring_wait_position (self->ring, self->cancellable,
      rb_ring_reader_get_position (self->reader) + bytes, timeout_us);
}

gsize
gst_ring_src_read_frames (GstRingSrc * self, gpointer frames, gsize n_frames)
{
  if (self->reader != NULL)
    return rb_ring_reader_read_frames (self->reader, frames, n_frames);
  return rb_ring_read_frames (self->ring, frames, n_frames);
}

gsize
gst_ring_src_read (GstRingSrc * self, guint8 * data, gsize count)
{
  if (self->reader != NULL)
    return rb_ring_reader_read (self->reader, data, count);
  return rb_ring_read (self->ring, data, count);
}

/* --- the gap journal ---------------------------------------------------- */

/* A GAP event covering @gap's frames exactly, timed as the buffers are
 * (gst_ring_src_frame_time()): it starts where the last buffer ended and
 * ends where the next one starts. None before the first buffer (there is
 * nothing to be discontinuous with) or with do-timestamp (arrival times
 * say nothing of what is missing). */
static void
push_gap_event (GstRingSrc * self, const RbGap * gap)
{
  gsize fs = self->frame_size;
  GstClockTime start, end;

  if (!self->pushed || !self->have_base ||
      gst_base_src_get_do_timestamp (GST_BASE_SRC (self)))
    return;
  start = gst_ring_src_frame_time (self, gap->position / fs);
  end = gst_ring_src_frame_time (self, (gap->position + gap->length) / fs);
  if (!GST_CLOCK_TIME_IS_VALID (start) || end <= start)
    return;
  GST_DEBUG_OBJECT (self, "gap of %" G_GUINT64_FORMAT " frames (%s): %"
      GST_TIME_FORMAT " + %" GST_TIME_FORMAT, gap->length / fs,
      cause_nicks[gap->cause], GST_TIME_ARGS (start),
      GST_TIME_ARGS (end - start));
  gst_pad_push_event (GST_BASE_SRC_PAD (self),
      gst_event_new_gap (start, end - start));
}

/* After a read: every gap the reader recorded, oldest first, is counted
 * and makes the next buffer DISCONT; for audio, each goes out as a GAP
 * event before that buffer. */
void
gst_ring_src_take_gaps (GstRingSrc * self)
{
  RbGap gap;

  if (self->reader == NULL)
    return;
  while (rb_ring_reader_pop_gap (self->reader, &gap)) {
    guint cause = (guint) gap.cause < GST_RING_SRC_N_GAP_CAUSES ?
        (guint) gap.cause : RB_GAP_SKIP;

    GST_OBJECT_LOCK (self);
    self->gap_count[cause]++;
    self->gap_bytes[cause] += gap.length;
    self->gaps++;
    GST_OBJECT_UNLOCK (self);
    self->discont = TRUE;
    /* an underrun takes no stream position: there are no frames to time */
    if (self->kind == GST_RING_KIND_AUDIO && gap.cause != RB_GAP_UNDERRUN)
      push_gap_event (self, &gap);
  }
}

/* The stats structure's role fields: the role, and a reader's policy and
 * gaps, by cause (count and bytes) and in all. Takes the object lock. */
static void
add_stats (GstElement * element, GstStructure * s)
{
  GstRingSrc *self = GST_RING_SRC (element);
  guint64 bytes = 0;

  GST_OBJECT_LOCK (self);
  gst_structure_set (s, "role", G_TYPE_STRING,
      role_values[self->role].value_nick, NULL);
  if (self->role == GST_RING_SRC_ROLE_READER) {
    gst_structure_set (s, "policy", G_TYPE_STRING,
        policy_values[self->policy].value_nick, "gaps", G_TYPE_UINT64,
        self->gaps, NULL);
    for (guint c = 0; c < GST_RING_SRC_N_GAP_CAUSES; c++) {
      g_autofree gchar *count = g_strconcat ("gaps-", cause_nicks[c], NULL);
      g_autofree gchar *size = g_strconcat ("gap-bytes-", cause_nicks[c],
          NULL);

      gst_structure_set (s, count, G_TYPE_UINT64, self->gap_count[c], size,
          G_TYPE_UINT64, self->gap_bytes[c], NULL);
      bytes += self->gap_bytes[c];
    }
    gst_structure_set (s, "gap-bytes", G_TYPE_UINT64, bytes, NULL);
  }
  GST_OBJECT_UNLOCK (self);
}

/* --- properties --------------------------------------------------------- */

/* In class_init: role, policy, target-latency and gaps at their ids, and
 * the role's fields in the stats. */
void
gst_ring_src_reader_class_init (GParamSpec ** properties, guint role_id,
    guint policy_id, guint target_id, guint gaps_id)
{
  /**
   * GstRingSrc:role:
   *
   * How the source attaches: as the ring's one `consumer` (the default:
   * lossless unless the ring overwrites; a second consumer is
   * RESOURCE/BUSY), or as one of any number of `reader`s of an overwrite
   * ring (made by ringsink `mode=overwrite-old`, `ringbridge-jack record
   * --overwrite`, or an application), beside its consumer. A reader keeps
   * its own position and never slows the producer; what it misses follows
   * #GstRingSrc:policy, and each gap is a DISCONT plus, for audio, a GAP
   * event that covers exactly the missing frames.
   *
   * Since: 0.2
   */
  properties[role_id] = g_param_spec_enum ("role", "Role",
      "Attach as the ring's consumer, or as one of any number of readers "
      "of an overwrite ring", GST_TYPE_RING_SRC_ROLE,
      GST_RING_SRC_ROLE_CONSUMER, GST_RING_PARAM_FIXED);

  /**
   * GstRingSrc:policy:
   *
   * What a reader (#GstRingSrc:role `reader`) does when it falls behind:
   * `catch-up` reads everything the ring still holds (what the producer
   * overwrote first is a gap); `latest` stays within
   * #GstRingSrc:target-latency of the newest data and jumps over the rest
   * (a gap), as a level meter wants.
   *
   * Since: 0.2
   */
  properties[policy_id] = g_param_spec_enum ("policy", "Policy",
      "What a reader does when it falls behind (role=reader)",
      GST_TYPE_RING_SRC_POLICY, GST_RING_SRC_POLICY_CATCH_UP,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSrc:target-latency:
   *
   * With #GstRingSrc:policy `latest`: how far behind the newest data the
   * reader may fall, in microseconds (rounded up to whole frames); further
   * behind, it jumps to this far behind. 0 means one buffer
   * (#GstRingSrc:buffer-frames). It must be less than the ring holds.
   *
   * Since: 0.2
   */
  properties[target_id] = g_param_spec_int64 ("target-latency",
      "Target latency", "policy=latest: how far behind the newest data to "
      "stay, in microseconds (0 = one buffer)", 0, G_MAXINT64 / 1000, 0,
      GST_RING_PARAM_FIXED);

  /**
   * GstRingSrc:gaps:
   *
   * Gaps a reader met since it started (overwritten, skipped, ...): each
   * made a DISCONT buffer. #GstRingSrc:stats has them by cause.
   *
   * Since: 0.2
   */
  properties[gaps_id] = g_param_spec_uint64 ("gaps", "Gaps",
      "Gaps a reader met since it started (see stats for their causes)",
      0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  gst_ring_stats_set_extra (GST_TYPE_RING_SRC, add_stats);
}
