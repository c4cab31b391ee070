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

/* --- audio ------------------------------------------------------------- */

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
  GstCaps *caps;

  caps = gst_caps_new_simple ("audio/x-raw",
      "format", G_TYPE_STRING,
      rb_sample_format_to_string (rb_ring_get_sample_format (ring)),
      "layout", G_TYPE_STRING, "interleaved",
      "rate", G_TYPE_INT, (gint) rb_ring_get_rate (ring),
      "channels", G_TYPE_INT, (gint) channels, NULL);
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

/* --- records ------------------------------------------------------------ */

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

gsize
gst_ring_segment_wire_size (void)
{
  return sizeof (SegmentWire);
}

void
gst_ring_segment_serialize (const GstSegment * segment, guint8 * out)
{
  SegmentWire w = {
    .format = segment->format,
    .flags = segment->flags,
    .rate = segment->rate,
    .applied_rate = segment->applied_rate,
    .base = segment->base,
    .offset = segment->offset,
    .start = segment->start,
    .stop = segment->stop,
    .time = segment->time,
    .position = segment->position,
    .duration = segment->duration,
  };

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
  segment->flags = (GstSegmentFlags) w.flags;
  segment->rate = w.rate;
  segment->applied_rate = w.applied_rate;
  segment->base = w.base;
  segment->offset = w.offset;
  segment->start = w.start;
  segment->stop = w.stop;
  segment->time = w.time;
  segment->position = w.position;
  segment->duration = w.duration;
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

/* --- errors ------------------------------------------------------------- */

void
gst_ring_post_error (GstElement * element, const GError * error,
    const gchar * file, const gchar * function, gint line)
{
  GQuark domain = GST_RESOURCE_ERROR;
  gint code = GST_RESOURCE_ERROR_FAILED;

  switch (error->code) {
    case RB_RING_ERROR_NOT_FOUND:
      code = GST_RESOURCE_ERROR_NOT_FOUND;
      break;
    case RB_RING_ERROR_BUSY:
      code = GST_RESOURCE_ERROR_BUSY;
      break;
    case RB_RING_ERROR_PERMISSION:
      code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      break;
    case RB_RING_ERROR_INVALID_NAME:
    case RB_RING_ERROR_INVALID_CAPACITY:
    case RB_RING_ERROR_INVALID_FLAGS:
    case RB_RING_ERROR_INVALID_ROLE:
    case RB_RING_ERROR_EXISTS:
      code = GST_RESOURCE_ERROR_SETTINGS;
      break;
    case RB_RING_ERROR_NO_SPACE:
    case RB_RING_ERROR_NO_MEMORY:
      code = GST_RESOURCE_ERROR_NO_SPACE_LEFT;
      break;
    case RB_RING_ERROR_NOT_A_RING:
    case RB_RING_ERROR_INCOMPATIBLE:
    case RB_RING_ERROR_CORRUPT:
    case RB_RING_ERROR_NOT_SEALED:
    case RB_RING_ERROR_INVALID_FORMAT:
      domain = GST_STREAM_ERROR;
      code = GST_STREAM_ERROR_FORMAT;
      break;
    default:
      break;
  }
  /* the library's message names the ring and the cause; it is what the
   * user needs to read, so it is the message, not only the details */
  gst_element_message_full (element, GST_MESSAGE_ERROR, domain, code,
      g_strdup (error->message), g_strdup_printf ("%s (%s %d)",
          error->message, g_quark_to_string (error->domain), error->code),
      file, function, line);
}

/* --- waiting ------------------------------------------------------------ */

void
gst_ring_waiter_unlock (GstRingWaiter * w)
{
  g_atomic_int_set (&w->unlocked, 1);
  if (w->ring != NULL && !w->shared)
    rb_ring_interrupt (w->ring);
}

void
gst_ring_waiter_unlock_stop (GstRingWaiter * w)
{
  g_atomic_int_set (&w->unlocked, 0);
  if (w->ring != NULL && !w->shared)
    rb_ring_clear_interrupt (w->ring);
}

/* Waits for @bytes to read (@readable) or to write, for @timeout_us (-1:
 * for ever), until unlocked. */
RbWaitResult
gst_ring_waiter_wait (GstRingWaiter * w, gboolean readable, gsize bytes,
    gint64 timeout_us)
{
  gint64 deadline = timeout_us < 0 ? G_MAXINT64 :
      g_get_monotonic_time () + timeout_us;

  for (;;) {
    RbWaitResult res;
    gint64 slice = timeout_us, now;

    if (g_atomic_int_get (&w->unlocked))
      return RB_WAIT_INTERRUPTED;
    if (w->shared) {
      now = g_get_monotonic_time ();
      if (now >= deadline)
        slice = 0;
      else
        slice = MIN (deadline - now, GST_RING_WAIT_SLICE_US);
    }
    res = readable ? rb_ring_wait_readable (w->ring, bytes, slice) :
        rb_ring_wait_writable (w->ring, bytes, slice);
    if (!w->shared)
      return res;
    if (res == RB_WAIT_INTERRUPTED) {
      /* someone else interrupted the shared object: not ours to obey */
      if (g_atomic_int_get (&w->unlocked))
        return res;
      g_usleep (1000);
      if (g_get_monotonic_time () >= deadline)
        return RB_WAIT_TIMEOUT;
      continue;
    }
    if (res != RB_WAIT_TIMEOUT)
      return res;
    if (g_get_monotonic_time () >= deadline)
      return RB_WAIT_TIMEOUT;
  }
}
