/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink: writing into the ring: byte and audio streams as the space comes,
 * records whole, one function per kind of record */

#include "gstringsinkpriv.h"

#include "gstringrecords.h"

#define GST_CAT_DEFAULT gst_ring_sink_debug

/* how often the sink looks whether a new consumer attached to its records
 * ring, which then needs the caps again */
#define PEER_CHECK_INTERVAL_US (G_GINT64_CONSTANT (200) * 1000)

/* --- writing ------------------------------------------------------------ */

static void
count_drop (GstRingSink * self, gsize bytes)
{
  GST_OBJECT_LOCK (self);
  self->dropped_buffers++;
  self->dropped_bytes += bytes;
  GST_OBJECT_UNLOCK (self);
}

/* Waits for @bytes of space. Returns OK when there may be space, or the
 * flow return that ends the wait (flushing). Must hold the preroll lock
 * (render, or a serialized event). */
static GstFlowReturn
wait_space (GstRingSink * self, gsize bytes)
{
  RbWaitResult res;

  /* a wait reports a departed consumer once; after the error, what still
   * wants space (the EOS record) must not wait for ever either */
  if (self->consumer_lost &&
      rb_ring_get_peer_state (self->ring) == RB_PEER_STATE_GONE)
    return GST_FLOW_ERROR;
  res = gst_ring_wait (self->ring, self->cancellable, FALSE, bytes, -1);
  switch (res) {
    case RB_WAIT_INTERRUPTED:
      /* unlock(): a flush ends the wait, a pause holds it until PLAYING */
      return gst_base_sink_wait_preroll (GST_BASE_SINK (self));
    case RB_WAIT_PEER_GONE:
      /* reported within a wait slice of the death, once per consumer */
      if (self->run_peer_loss == GST_RING_SINK_PEER_LOSS_WAIT) {
        /* the data stays for the next consumer; wait for one */
        GST_INFO_OBJECT (self, "consumer went away; waiting for a new one");
        return GST_FLOW_OK;
      }
      self->consumer_lost = TRUE;
      GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
          ("The consumer of ring '%s' (pid %u) went away; the ring is full "
              "and nothing reads it", GST_STR_NULL (rb_ring_get_name
                  (self->ring)), rb_ring_get_peer_pid (self->ring)),
          ("set on-peer-loss=wait to wait for a new consumer"));
      return GST_FLOW_ERROR;
    default:
      return GST_FLOW_OK;
  }
}

/* Byte and audio rings: the stream, split as the space comes. */
GstFlowReturn
gst_ring_sink_write_stream (GstRingSink * self, const guint8 * data, gsize size)
{
  RbRing *ring = self->ring;
  gsize capacity = rb_ring_get_capacity (ring);
  gsize unit = self->unit;

  switch (self->run_mode) {
    case GST_RING_SINK_MODE_DROP_NEW:
      if (rb_ring_write_available (ring) < size) {
        count_drop (self, size);
        return GST_FLOW_OK;
      }
      rb_ring_write (ring, data, size);
      return GST_FLOW_OK;
    case GST_RING_SINK_MODE_OVERWRITE_OLD:{
      guint64 unread = rb_ring_get_write_position (ring) -
          rb_ring_get_read_position (ring);
      guint64 lost = unread + size > capacity ?
          MIN (unread + size - capacity, size) : 0;

      if (rb_ring_get_flags (ring) & RB_RING_FLAGS_OVERWRITE) {
        /* an overwrite ring takes everything and never waits */
        rb_ring_write (ring, data, size);
        if (lost > 0) {
          GST_OBJECT_LOCK (self);
          self->overwritten_bytes += lost;
          GST_OBJECT_UNLOCK (self);
        }
        return GST_FLOW_OK;
      }
      break;
    }
    default:
      break;
  }

  while (size > 0) {
    gsize avail = rb_ring_write_available (ring);

    if (avail >= unit) {
      gsize n = MIN (size, avail - avail % unit);

      n = rb_ring_write (ring, data, n);
      data += n;
      size -= n;
      continue;
    } else {
      /* a quarter of the ring at a time: fewer wake-ups than a frame at a
       * time, less latency than the whole ring */
      gsize quarter = MAX (unit, (capacity / 4) - (capacity / 4) % unit);
      GstFlowReturn ret = wait_space (self, MIN (size, quarter));

      if (ret != GST_FLOW_OK)
        return ret;
    }
  }
  return GST_FLOW_OK;
}

/* Records: one record, whole. A data record that does not fit is dropped
 * in drop-new mode; other records always wait. */
static GstFlowReturn
write_record (GstRingSink * self, const RbRecordInfo * info,
    const guint8 * payload, gboolean droppable)
{
  RbRing *ring = self->ring;
  gsize total = gst_ring_record_total (info->size);

  if (info->size > rb_ring_get_max_record_size (ring)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("A buffer of %u bytes exceeds what ring '%s' can hold "
            "(%" G_GSIZE_FORMAT " bytes per record)", info->size,
            GST_STR_NULL (rb_ring_get_name (ring)),
            rb_ring_get_max_record_size (ring)),
        ("set a larger capacity on the element that creates the ring"));
    return GST_FLOW_ERROR;
  }
  for (;;) {
    GstFlowReturn ret;

    if (rb_ring_write_record (ring, info, payload, info->size))
      return GST_FLOW_OK;
    if (droppable && self->run_mode == GST_RING_SINK_MODE_DROP_NEW) {
      count_drop (self, info->size);
      return GST_FLOW_OK;
    }
    ret = wait_space (self, total);
    if (ret != GST_FLOW_OK)
      return ret;
  }
}

static GstFlowReturn
write_control_record (GstRingSink * self, guint32 type, guint32 flags,
    const guint8 * payload, gsize size)
{
  RbRecordInfo info;

  rb_record_info_init (&info, type, (guint32) size);
  info.flags = flags;
  return write_record (self, &info, payload, FALSE);
}

/* Caps, or (an empty caps record) that the stream has none: a stream
 * without caps (filesrc, fdsrc) says so, and ringsrc carries its bytes
 * without caps, as shmsrc does. */
static GstFlowReturn
write_caps_record (GstRingSink * self)
{
  gsize size = 0;
  g_autofree gchar *str = self->caps != NULL ?
      gst_ring_caps_serialize (self->caps, &size) : NULL;

  return write_control_record (self, RB_RECORD_TYPE_CAPS, 0,
      (const guint8 *) str, size);
}

static GstFlowReturn
write_segment_record (GstRingSink * self)
{
  guint8 wire[128];

  gst_ring_segment_serialize (&self->segment, wire);
  return write_control_record (self, RB_RECORD_TYPE_SEGMENT, 0, wire,
      gst_ring_segment_wire_size ());
}

/* A consumer that attached mid-stream has missed the caps and the
 * segment: they go again before its first buffer. */
static void
check_new_consumer (GstRingSink * self)
{
  guint pid;

  if (g_get_monotonic_time () < self->next_peer_check)
    return;
  pid = rb_ring_get_peer_pid (self->ring);
  self->next_peer_check = g_get_monotonic_time () + PEER_CHECK_INTERVAL_US;
  if (pid != 0 && pid != self->consumer_pid && self->consumer_pid != 0) {
    GST_INFO_OBJECT (self, "new consumer (pid %u): sending caps again", pid);
    self->need_caps_record = TRUE;
    self->need_segment_record = TRUE;
  }
  if (pid != 0)
    self->consumer_pid = pid;
}

/* What must precede the next record: the caps and segment a (new)
 * consumer has not had, and the events that came before the ring. */
GstFlowReturn
gst_ring_sink_write_pending_records (GstRingSink * self)
{
  GstFlowReturn ret;

  check_new_consumer (self);
  if (self->need_caps_record) {
    ret = write_caps_record (self);
    if (ret != GST_FLOW_OK)
      return ret;
    self->need_caps_record = FALSE;
  }
  if (self->need_segment_record) {
    ret = write_segment_record (self);
    if (ret != GST_FLOW_OK)
      return ret;
    self->need_segment_record = FALSE;
  }
  while (!g_queue_is_empty (&self->early_events)) {
    GstEvent *event = g_queue_peek_head (&self->early_events);

    ret = gst_ring_sink_write_event_record (self, event);
    if (ret != GST_FLOW_OK)
      return ret;
    gst_event_unref (g_queue_pop_head (&self->early_events));
  }
  return GST_FLOW_OK;
}

/* A gap: droppable, as a buffer would be. */
static GstFlowReturn
write_gap_record (GstRingSink * self, GstEvent * gap)
{
  RbRecordInfo info;

  gst_ring_record_info_for_gap (&info, gap);
  return write_record (self, &info, NULL, TRUE);
}

/* Gaps, tags and custom events as records, in stream order; other events
 * do not cross. */
GstFlowReturn
gst_ring_sink_write_event_record (GstRingSink * self, GstEvent * event)
{
  RbRecordInfo info;
  guint32 flags;
  guint64 extra;
  gsize size;
  g_autofree gchar *str = NULL;

  if (GST_EVENT_TYPE (event) == GST_EVENT_GAP)
    return write_gap_record (self, event);
  str = gst_ring_event_serialize (event, &flags, &extra, &size);
  if (str == NULL)
    return GST_FLOW_OK;
  rb_record_info_init (&info, RB_RECORD_TYPE_EVENT, (guint32) size);
  info.flags = flags;
  info.offset = extra;
  return write_record (self, &info, (const guint8 *) str, FALSE);
}

/* A buffer, @map its mapped data. */
GstFlowReturn
gst_ring_sink_write_data_record (GstRingSink * self, GstBuffer * buffer,
    const GstMapInfo * map)
{
  RbRecordInfo info;
  GstFlowReturn ret = gst_ring_sink_write_pending_records (self);

  if (ret != GST_FLOW_OK)
    return ret;
  gst_ring_record_info_for_buffer (&info, buffer, map->size);
  return write_record (self, &info, map->data, TRUE);
}

/* The end of the stream, after what is pending. In drop-new mode it does
 * not wait for space. *@written: whether the EOS record went in. */
GstFlowReturn
gst_ring_sink_write_eos_record (GstRingSink * self, gboolean * written)
{
  GstFlowReturn ret = gst_ring_sink_write_pending_records (self);
  RbRecordInfo info;

  *written = FALSE;
  if (ret != GST_FLOW_OK)
    return ret;
  rb_record_info_init (&info, RB_RECORD_TYPE_EOS, 0);
  if (self->run_mode == GST_RING_SINK_MODE_DROP_NEW) {
    *written = rb_ring_write_record (self->ring, &info, NULL, 0);
    return GST_FLOW_OK;
  }
  ret = write_record (self, &info, NULL, FALSE);
  *written = ret == GST_FLOW_OK;
  return ret;
}

/* An audio ring has no gaps: a gap is silence, so that a consumer playing
 * the ring in real time keeps its place. */
GstFlowReturn
gst_ring_sink_write_silence (GstRingSink * self, GstClockTime duration)
{
  guint64 frames;
  guint8 chunk[4096];
  gsize per_chunk;

  if (!GST_CLOCK_TIME_IS_VALID (duration) || self->info.finfo == NULL ||
      GST_AUDIO_INFO_RATE (&self->info) == 0)
    return GST_FLOW_OK;
  frames = gst_util_uint64_scale_round (duration,
      GST_AUDIO_INFO_RATE (&self->info), GST_SECOND);
  per_chunk = sizeof chunk / self->unit;
  gst_audio_format_info_fill_silence (self->info.finfo, chunk,
      per_chunk * self->unit);
  while (frames > 0) {
    gsize n = (gsize) MIN (frames, (guint64) per_chunk);
    GstFlowReturn ret = gst_ring_sink_write_stream (self, chunk,
        n * self->unit);

    if (ret != GST_FLOW_OK)
      return ret;
    frames -= n;
  }
  return GST_FLOW_OK;
}

/* End of stream in block mode on a ring we made: the name goes away when
 * we stop, so the EOS message waits until a consumer has everything. */
GstFlowReturn
gst_ring_sink_drain (GstRingSink * self)
{
  RbRing *ring = self->ring;
  gsize capacity = rb_ring_get_capacity (ring);

  while (rb_ring_write_available (ring) < capacity) {
    RbWaitResult res;

    /* a wait reports a departed consumer once: one that left under an
     * earlier wait (render's) is looked at here */
    if (rb_ring_get_peer_state (ring) == RB_PEER_STATE_GONE) {
      GST_INFO_OBJECT (self, "consumer left before reading everything");
      return GST_FLOW_OK;
    }
    res = gst_ring_wait (ring, self->cancellable, FALSE, capacity, -1);
    if (res == RB_WAIT_PEER_GONE) {
      GST_INFO_OBJECT (self, "consumer left before reading everything");
      return GST_FLOW_OK;
    }
    if (res == RB_WAIT_INTERRUPTED) {
      GstFlowReturn ret = gst_base_sink_wait_preroll (GST_BASE_SINK (self));

      if (ret != GST_FLOW_OK)
        return ret;
    }
  }
  return GST_FLOW_OK;
}
