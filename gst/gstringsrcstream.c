/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsrc: the stream rings, audio (timestamped from the ring's positions) and
 * plain bytes */

#include "gstringsrcpriv.h"

#define GST_CAT_DEFAULT gst_ring_src_debug

/* live audio: timestamps follow the frame count; they are re-anchored to
 * the clock when the two drift apart by more than this */
#define RESYNC_THRESHOLD (50 * GST_MSECOND)

/* --- audio -------------------------------------------------------------- */

/* Live: the running time when the producer had @frame, from the
 * producer's clock point (or the ring's fill), smoothed: timestamps follow
 * the frame count from an anchor, which moves when they drift apart from
 * the clock by more than RESYNC_THRESHOLD. FALSE without a clock. */
static gboolean
stamp_live (GstRingSrc * self, GstBuffer * buf, guint64 frame, gsize frames)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));
  guint rate = self->rate;
  GstClockTime running, age, estimate, smooth, pts, end;
  guint64 position, produced;
  gint64 now, when;

  if (clock == NULL)
    return FALSE;
  running = gst_clock_get_time (clock) -
      gst_element_get_base_time (GST_ELEMENT (self));
  gst_object_unref (clock);
  now = g_get_monotonic_time () * 1000;

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
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = end - pts;
  self->next_ts = end;
  self->stamped_live = TRUE;
  return TRUE;
}

/* The time of @frame on the timeline the last buffer was stamped on: the
 * live anchor's (stamp_live()) or the frame count's from the first
 * buffer. A buffer's PTS is its first frame's time and its duration runs
 * to the time of the frame after it, so times of frame offsets add up:
 * what a GAP event for a gap's frames needs. GST_CLOCK_TIME_NONE for a
 * frame before the timeline's origin (a producer restarted the positions).
 */
GstClockTime
gst_ring_src_frame_time (GstRingSrc * self, guint64 frame)
{
  if (frame < (self->stamped_live ? self->anchor_frame : self->frame_base))
    return GST_CLOCK_TIME_NONE;
  if (self->stamped_live)
    return self->anchor_ts + gst_util_uint64_scale (frame -
        self->anchor_frame, GST_SECOND, self->rate);
  return self->ts_base + gst_util_uint64_scale (frame - self->frame_base,
      GST_SECOND, self->rate);
}

static void
stamp_audio (GstRingSrc * self, GstBuffer * buf, guint64 frame, gsize frames)
{
  GstBaseSrc *bsrc = GST_BASE_SRC (self);
  GstClockTime pts, end;

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
        self->rate);
    return;
  }

  if (gst_base_src_is_live (bsrc) && stamp_live (self, buf, frame, frames))
    return;

  self->stamped_live = FALSE;
  pts = gst_ring_src_frame_time (self, frame);
  end = gst_ring_src_frame_time (self, frame + frames);
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

guint
gst_ring_src_frames_per_buffer (GstRingSrc * self)
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

GstFlowReturn
gst_ring_src_create_audio (GstRingSrc * self, GstBuffer ** out)
{
  RbRing *ring = self->ring;
  gsize fs = self->frame_size;
  guint want = gst_ring_src_frames_per_buffer (self);
  gboolean ending;
  GstFlowReturn ret;
  GstBuffer *buf;
  GstMapInfo map;
  guint64 after, frame;
  gsize avail, got;

  if (self->need_caps) {
    g_autoptr (GstCaps) caps = gst_ring_audio_caps_for_ring (ring);

    ret = gst_ring_src_set_caps_now (self, caps);
    if (ret != GST_FLOW_OK)
      return ret;
    self->need_caps = FALSE;
  }

  ret = gst_ring_src_wait_data (self, want * fs, &ending);
  if (ret != GST_FLOW_OK)
    return ret;
  avail = MIN (gst_ring_src_available (self) / fs, self->limit / fs);
  if (avail == 0) {
    /* a partial frame at the end can never become whole: drop it (a
     * reader's frame ring holds whole frames only) */
    if (ending && self->reader == NULL)
      rb_ring_skip (ring, MIN (self->limit, rb_ring_read_available (ring)));
    else if (ending)
      return GST_FLOW_EOS;
    return GST_FLOW_OK;         /* ask again */
  }

  buf = gst_buffer_new_allocate (NULL, MIN (avail, want) * fs, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  got = gst_ring_src_read_frames (self, map.data, MIN (avail, want));
  after = gst_ring_src_position (self);
  gst_buffer_unmap (buf, &map);
  gst_buffer_set_size (buf, (gssize) (got * fs));
  if (got == 0) {
    /* a reader lapped while it read, or jumped: its gaps say so */
    gst_buffer_unref (buf);
    gst_ring_src_take_gaps (self);
    return GST_FLOW_OK;         /* ask again */
  }

  /* an overwrite ring skips what the producer overwrote: a gap in time,
   * which the offsets and timestamps (from the position) show too; a
   * reader's journal says where and why, as GAP events */
  gst_ring_src_take_gaps (self);
  note_read (self, after - got * fs, after);
  frame = after / fs - got;
  stamp_audio (self, buf, frame, got);
  gst_ring_src_mark_discont (self, buf);
  *out = buf;
  return GST_FLOW_OK;
}

/* --- bytes -------------------------------------------------------------- */

GstFlowReturn
gst_ring_src_create_bytes (GstRingSrc * self, GstBuffer ** out)
{
  guint blocksize = gst_base_src_get_blocksize (GST_BASE_SRC (self));
  gboolean ending;
  GstFlowReturn ret;
  GstBuffer *buf;
  GstMapInfo map;
  guint64 end;
  gsize n;

  ret = gst_ring_src_wait_data (self, 1, &ending);
  if (ret != GST_FLOW_OK)
    return ret;
  n = MIN (gst_ring_src_available (self), MAX (blocksize, 1));
  n = MIN (n, self->limit);
  buf = gst_buffer_new_allocate (NULL, n, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  n = gst_ring_src_read (self, map.data, n);
  gst_buffer_unmap (buf, &map);
  gst_buffer_set_size (buf, (gssize) n);
  end = gst_ring_src_position (self);
  gst_ring_src_take_gaps (self);
  if (n == 0) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;         /* a reader's jump: ask again */
  }
  note_read (self, end - n, end);
  GST_BUFFER_OFFSET (buf) = end - n;
  GST_BUFFER_OFFSET_END (buf) = end;
  gst_ring_src_mark_discont (self, buf);
  *out = buf;
  return GST_FLOW_OK;
}
