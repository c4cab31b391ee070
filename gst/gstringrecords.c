/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringrecords.h"

#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_ring_bridge_debug);
#define GST_CAT_DEFAULT gst_ring_bridge_debug

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_ring_bridge_debug, "ringbridge", 0,
        "ringbridge shared helpers");
    g_once_init_leave (&done, 1);
  }
}

/* The library's record header is 56 bytes and records are 8-byte aligned
 * (rb-record-private.h); rb-ring.h does not export the total yet. */
gsize
gst_ring_record_total (gsize payload)
{
  return (GST_RING_RECORD_HEADER_SIZE + payload + 7) & ~(gsize) 7;
}

/* Only the flags that describe the data cross; the mini-object flags
 * (locking, leak tracing) and TAG_MEMORY are about this process's copy. */
#define BUFFER_FLAGS_CARRIED \
  (GST_BUFFER_FLAG_LIVE | GST_BUFFER_FLAG_DECODE_ONLY | \
   GST_BUFFER_FLAG_DISCONT | GST_BUFFER_FLAG_RESYNC | \
   GST_BUFFER_FLAG_CORRUPTED | GST_BUFFER_FLAG_MARKER | \
   GST_BUFFER_FLAG_HEADER | GST_BUFFER_FLAG_GAP | \
   GST_BUFFER_FLAG_DROPPABLE | GST_BUFFER_FLAG_DELTA_UNIT | \
   GST_BUFFER_FLAG_SYNC_AFTER | GST_BUFFER_FLAG_NON_DROPPABLE)

guint32
gst_ring_buffer_flags_to_record (GstBufferFlags flags)
{
  return (guint32) (flags & BUFFER_FLAGS_CARRIED);
}

GstBufferFlags
gst_ring_buffer_flags_from_record (guint32 flags)
{
  return (GstBufferFlags) (flags & BUFFER_FLAGS_CARRIED);
}

gchar *
gst_ring_caps_serialize (const GstCaps * caps, gsize * size)
{
  gchar *str = gst_caps_to_string (caps);

  *size = strlen (str) + 1;
  return str;
}

GstCaps *
gst_ring_caps_deserialize (const guint8 * data, gsize size)
{
  GstCaps *caps;

  init_debug ();
  /* the producer is another process: only a NUL-terminated string of
   * fixed caps is taken */
  if (size == 0 || data[size - 1] != '\0' || memchr (data, '\0', size) !=
      data + size - 1)
    return NULL;
  caps = gst_caps_from_string ((const gchar *) data);
  if (caps != NULL && !gst_caps_is_fixed (caps)) {
    GST_WARNING ("caps record holds unfixed caps %" GST_PTR_FORMAT, caps);
    gst_clear_caps (&caps);
  }
  return caps;
}

/* A segment on the wire: fixed widths, little-endian as the ring's hosts
 * are (a ring is shared on one machine). */
typedef struct {
  guint32 format;
  guint32 flags;
  gdouble rate;
  gdouble applied_rate;
  guint64 base;
  guint64 offset;
  guint64 start;
  guint64 stop;
  guint64 time;
  guint64 position;
  guint64 duration;
} SegmentWire;

G_STATIC_ASSERT (sizeof (SegmentWire) == 80);

/* the fields a GstSegment and its wire form share (all but the format),
 * listed once for both directions */
#define SEGMENT_FIELDS(X) \
  X (flags) X (rate) X (applied_rate) X (base) X (offset) X (start) \
  X (stop) X (time) X (position) X (duration)

gsize
gst_ring_segment_wire_size (void)
{
  return sizeof (SegmentWire);
}

void
gst_ring_segment_serialize (const GstSegment * segment, guint8 * out)
{
  SegmentWire w = {.format = segment->format };

#define TO_WIRE(field) w.field = segment->field;
  SEGMENT_FIELDS (TO_WIRE)
#undef TO_WIRE
  memcpy (out, &w, sizeof w);
}

gboolean
gst_ring_segment_deserialize (const guint8 * data, gsize size,
    GstSegment * segment)
{
  SegmentWire w;

  if (size != sizeof w)
    return FALSE;
  memcpy (&w, data, sizeof w);
  /* what gst_event_new_segment() would refuse with a critical */
  if (!isfinite (w.rate) || !isfinite (w.applied_rate) || w.rate == 0.0 ||
      w.applied_rate == 0.0)
    return FALSE;
  if (w.format == GST_FORMAT_UNDEFINED ||
      gst_format_get_details ((GstFormat) w.format) == NULL)
    return FALSE;
  if (w.stop != (guint64) - 1 && w.start > w.stop)
    return FALSE;
  /* what GstSegment's functions assert on: a start, and a stop to play
   * backwards from */
  if (w.start == (guint64) - 1 || (w.rate < 0.0 && w.stop == (guint64) - 1))
    return FALSE;
  gst_segment_init (segment, (GstFormat) w.format);
#define FROM_WIRE(field) segment->field = w.field;
  SEGMENT_FIELDS (FROM_WIRE)
#undef FROM_WIRE
  return TRUE;
}

/* Events other than caps, segment, gap and EOS that cross the ring: tags
 * and custom downstream events. The record's flags hold the event type;
 * for tags its extra field holds the tag scope. */
gchar *
gst_ring_event_serialize (GstEvent * event, guint32 * flags, guint64 * extra,
    gsize * size)
{
  gchar *str = NULL;

  *extra = 0;
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_TAG:{
      GstTagList *tags = NULL;

      gst_event_parse_tag (event, &tags);
      str = gst_tag_list_to_string (tags);
      *extra = gst_tag_list_get_scope (tags);
      break;
    }
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:{
      const GstStructure *s = gst_event_get_structure (event);

      if (s != NULL)
        str = gst_structure_to_string (s);
      break;
    }
    default:
      break;
  }
  if (str == NULL)
    return NULL;
  *flags = (guint32) GST_EVENT_TYPE (event);
  *size = strlen (str) + 1;
  return str;
}

GstEvent *
gst_ring_event_deserialize (guint32 flags, guint64 extra, const guint8 * data,
    gsize size)
{
  const gchar *str = (const gchar *) data;

  if (size == 0 || data[size - 1] != '\0' || memchr (data, '\0', size) !=
      data + size - 1)
    return NULL;
  switch (flags) {
    case GST_EVENT_TAG:{
      GstTagList *tags;

      /* what gst_tag_list_new_from_string() asserts */
      if (!g_str_has_prefix (str, "taglist"))
        return NULL;
      tags = gst_tag_list_new_from_string (str);
      if (tags == NULL)
        return NULL;
      gst_tag_list_set_scope (tags, extra == GST_TAG_SCOPE_GLOBAL ?
          GST_TAG_SCOPE_GLOBAL : GST_TAG_SCOPE_STREAM);
      return gst_event_new_tag (tags);
    }
    case GST_EVENT_CUSTOM_DOWNSTREAM:
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:{
      GstStructure *s = gst_structure_from_string (str, NULL);

      if (s == NULL)
        return NULL;
      return gst_event_new_custom ((GstEventType) flags, s);
    }
    default:
      return NULL;
  }
}

/* --- one record ---------------------------------------------------------- */

/* A data record from @buffer's metadata, for @size bytes of its data. */
void
gst_ring_record_info_for_buffer (RbRecordInfo * info, GstBuffer * buffer,
    gsize size)
{
  rb_record_info_init (info, RB_RECORD_TYPE_DATA, (guint32) size);
  if (size > G_MAXUINT32)
    info->size = G_MAXUINT32;
  info->flags = gst_ring_buffer_flags_to_record (GST_BUFFER_FLAGS (buffer));
  info->pts = (gint64) GST_BUFFER_PTS (buffer);
  info->dts = (gint64) GST_BUFFER_DTS (buffer);
  info->duration = (gint64) GST_BUFFER_DURATION (buffer);
  info->offset = GST_BUFFER_OFFSET (buffer);
  info->offset_end = GST_BUFFER_OFFSET_END (buffer);
}

/* Reads the data record @info describes (peeked) into a new buffer with
 * its flags, timestamps and offsets.
 * Returns: (transfer full) (nullable): the buffer, or NULL when the
 * record changed while read. */
GstBuffer *
gst_ring_record_read_buffer (RbRing * ring, RbRecordInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;
  gboolean ok;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  ok = rb_ring_read_record (ring, info, map.data, map.size);
  gst_buffer_unmap (buf, &map);
  if (!ok) {
    gst_buffer_unref (buf);
    return NULL;
  }
  GST_BUFFER_FLAGS (buf) = gst_ring_buffer_flags_from_record (info->flags);
  GST_BUFFER_PTS (buf) = (GstClockTime) info->pts;
  GST_BUFFER_DTS (buf) = (GstClockTime) info->dts;
  GST_BUFFER_DURATION (buf) = (GstClockTime) info->duration;
  GST_BUFFER_OFFSET (buf) = info->offset;
  GST_BUFFER_OFFSET_END (buf) = info->offset_end;
  return buf;
}

/* A gap record from a gap event. */
void
gst_ring_record_info_for_gap (RbRecordInfo * info, GstEvent * gap)
{
  GstClockTime ts, duration;

  gst_event_parse_gap (gap, &ts, &duration);
  rb_record_info_init (info, RB_RECORD_TYPE_GAP, 0);
  info->pts = (gint64) ts;
  info->duration = (gint64) duration;
}
