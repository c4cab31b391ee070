/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsrc from a records ring: buffers, caps, segments, gaps, tags,
 * custom events and EOS as the producer wrote them, one function per kind
 * of record. */

#include "gstringsrcpriv.h"
#include "gstringrecords.h"

#define GST_CAT_DEFAULT gst_ring_src_debug

/* a record function's "done with this one: read the next" */
#define FLOW_NEXT GST_FLOW_CUSTOM_SUCCESS_1

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
read_data (GstRingSrc * self, RbRecordInfo * info, GstBuffer ** out)
{
  GstBuffer *buf;

  if (!caps_known (self)) {
    /* a consumer that attached mid-stream; the producer sends the caps
     * again when it notices us */
    GST_DEBUG_OBJECT (self, "skipping a buffer that came before caps");
    if (!rb_ring_skip_record (self->ring))
      return corrupt_record (self, "a data record changed while read");
    self->discont = TRUE;
    return FLOW_NEXT;
  }
  buf = gst_ring_record_read_buffer (self->ring, info);
  if (buf == NULL)
    return corrupt_record (self, "a data record changed while read");
  if (gst_base_src_get_do_timestamp (GST_BASE_SRC (self))) {
    GST_BUFFER_PTS (buf) = GST_CLOCK_TIME_NONE;
    GST_BUFFER_DTS (buf) = GST_CLOCK_TIME_NONE;
  }
  gst_ring_src_mark_discont (self, buf);
  *out = buf;
  return GST_FLOW_OK;
}

static GstFlowReturn
read_caps (GstRingSrc * self, RbRecordInfo * info)
{
  RbRing *ring = self->ring;
  const guint8 *payload = rb_ring_read_record_acquire (ring, info);
  GstFlowReturn ret;
  GstCaps *caps;

  if (payload != NULL && info->size == 0) {
    /* a stream without caps: its buffers go out without caps */
    rb_ring_read_record_release (ring);
    GST_INFO_OBJECT (self, "the stream has no caps");
    self->capsless = TRUE;
    caps_now_known (self);
    return FLOW_NEXT;
  }
  caps = payload ? gst_ring_caps_deserialize (payload, info->size) : NULL;
  if (caps == NULL) {
    rb_ring_read_record_release (ring);
    return corrupt_record (self, "caps that do not parse");
  }
  ret = gst_ring_src_set_caps_now (self, caps);
  gst_caps_unref (caps);
  /* refused caps stay in the ring, for a consumer that takes them */
  if (ret != GST_FLOW_OK)
    return ret;
  rb_ring_read_record_release (ring);
  caps_now_known (self);
  return FLOW_NEXT;
}

static GstFlowReturn
read_segment (GstRingSrc * self, RbRecordInfo * info)
{
  const guint8 *payload = rb_ring_read_record_acquire (self->ring, info);
  GstSegment segment;
  gboolean ok;

  ok = payload && gst_ring_segment_deserialize (payload, info->size,
      &segment);
  rb_ring_read_record_release (self->ring);
  if (!ok)
    return corrupt_record (self, "a segment out of range");
  apply_segment (self, &segment);
  return FLOW_NEXT;
}

static GstFlowReturn
read_gap (GstRingSrc * self, RbRecordInfo * info, GstBuffer ** out)
{
  rb_ring_skip_record (self->ring);
  if (!caps_known (self)) {
    GST_DEBUG_OBJECT (self, "skipping a gap that came before caps");
    return FLOW_NEXT;
  }
  if (!GST_CLOCK_TIME_IS_VALID ((GstClockTime) info->pts)) {
    skip_record (self, "a gap without a timestamp");
    return FLOW_NEXT;
  }
  if (self->segment_pending || !self->pushed) {
    /* a gap basesrc would push before its segment: as a gap buffer */
    GstBuffer *buf = gst_buffer_new ();

    GST_BUFFER_PTS (buf) = (GstClockTime) info->pts;
    GST_BUFFER_DURATION (buf) = (GstClockTime) info->duration;
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_GAP | GST_BUFFER_FLAG_DROPPABLE);
    *out = buf;
    return GST_FLOW_OK;
  }
  push_event (self, gst_event_new_gap ((GstClockTime) info->pts,
          (GstClockTime) info->duration));
  return FLOW_NEXT;
}

static GstFlowReturn
read_event (GstRingSrc * self, RbRecordInfo * info)
{
  const guint8 *payload = rb_ring_read_record_acquire (self->ring, info);
  GstEvent *event;

  event = payload ? gst_ring_event_deserialize (info->flags, info->offset,
      payload, info->size) : NULL;
  rb_ring_read_record_release (self->ring);
  if (event == NULL)
    GST_WARNING_OBJECT (self, "dropping an event record of type 0x%x",
        info->flags);
  else if (!caps_known (self)) {
    GST_DEBUG_OBJECT (self, "skipping an event that came before caps");
    gst_event_unref (event);
  } else
    push_event (self, event);
  return FLOW_NEXT;
}

static GstFlowReturn
read_record (GstRingSrc * self, RbRecordInfo * info, GstBuffer ** out)
{
  switch (info->type) {
    case RB_RECORD_TYPE_DATA:
      return read_data (self, info, out);
    case RB_RECORD_TYPE_CAPS:
      return read_caps (self, info);
    case RB_RECORD_TYPE_SEGMENT:
      return read_segment (self, info);
    case RB_RECORD_TYPE_EOS:
      rb_ring_skip_record (self->ring);
      GST_INFO_OBJECT (self, "end of stream record");
      return GST_FLOW_EOS;
    case RB_RECORD_TYPE_GAP:
      return read_gap (self, info, out);
    case RB_RECORD_TYPE_EVENT:
      return read_event (self, info);
    default:
      GST_DEBUG_OBJECT (self, "skipping a record of type 0x%x", info->type);
      rb_ring_skip_record (self->ring);
      return FLOW_NEXT;
  }
}

GstFlowReturn
gst_ring_src_create_records (GstRingSrc * self, GstBuffer ** out)
{
  RbRing *ring = self->ring;

  for (;;) {
    RbRecordInfo info;
    gboolean ending;
    GstFlowReturn ret;

    flush_pending_events (self);
    ret = gst_ring_src_wait_data (self, GST_RING_RECORD_HEADER_SIZE, &ending);
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
    ret = read_record (self, &info, out);
    if (ret != FLOW_NEXT)
      return ret;
  }
}
