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

#include "gstringsink.h"
#include "gstringbridgeelements.h"
#include "gstringrecords.h"

#include <string.h>
#include <sys/stat.h>

GST_DEBUG_CATEGORY_STATIC (gst_ring_sink_debug);
#define GST_CAT_DEFAULT gst_ring_sink_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

struct _GstRingSink
{
  GstBaseSink parent;

  /* properties, under the object lock */
  gchar *ring_name;
  RbRing *ring_prop;
  GstRingSinkMode mode;
  guint64 capacity;
  gint64 buffer_time;
  guint permissions;
  GstRingSinkPeerLoss on_peer_loss;
  RbRingOpenFlags open_flags;
  guint64 dropped_buffers;
  guint64 dropped_bytes;
  guint64 overwritten_bytes;

  /* set in start(), read by the streaming thread */
  gboolean running;
  gchar *name;                  /* the copy of ring_name this run uses */
  gboolean ring_prop_used;
  GstRingSinkMode run_mode;
  GstRingSinkPeerLoss run_peer_loss;
  RbRingOpenFlags run_open_flags;

  /* the ring; waiter.ring is the same pointer, set under the object lock
   * so that unlock() from another thread finds it */
  RbRing *ring;
  GstRingWaiter waiter;
  GstRingKind kind;
  gboolean created;             /* ours to unlink at stop */
  gboolean adopted;             /* taken over from a dead creator: ours too */
  gboolean streamed;            /* caps or a buffer came in this run */
  gboolean consumer_lost;       /* reported with on-peer-loss=error */
  gboolean records_pending;     /* a records ring is due at the first buffer */
  gsize unit;                   /* frame size, 1 for bytes */

  GstCaps *caps;
  GstAudioInfo info;
  gboolean need_caps_record;    /* caps, or "no caps" (an empty caps record) */
  gboolean need_segment_record;
  GstSegment segment;
  GQueue early_events;          /* before a records ring exists */
  guint consumer_pid;
  gint64 next_peer_check;
};

enum
{
  PROP_0,
  PROP_RING_NAME,
  PROP_RING,
  PROP_MODE,
  PROP_CAPACITY,
  PROP_BUFFER_TIME,
  PROP_PERMISSIONS,
  PROP_ON_PEER_LOSS,
  PROP_OPEN_FLAGS,
  PROP_DROPPED_BUFFERS,
  PROP_DROPPED_BYTES,
  PROP_OVERWRITTEN_BYTES,
  N_PROPERTIES
};

#define DEFAULT_MODE GST_RING_SINK_MODE_BLOCK
#define DEFAULT_CAPACITY 0
#define DEFAULT_BUFFER_TIME (G_GINT64_CONSTANT (200) * 1000)
#define DEFAULT_PERMISSIONS 0600
#define DEFAULT_ON_PEER_LOSS GST_RING_SINK_PEER_LOSS_ERROR
#define DEFAULT_OPEN_FLAGS RB_RING_OPEN_FLAGS_NONE
#define DEFAULT_RECORDS_CAPACITY ((gsize) 4 * 1024 * 1024)
/* how often the sink looks whether a new consumer attached to its records
 * ring, which then needs the caps again */
#define PEER_CHECK_INTERVAL_US (G_GINT64_CONSTANT (200) * 1000)

static GParamSpec *properties[N_PROPERTIES];

#define gst_ring_sink_parent_class parent_class
G_DEFINE_TYPE (GstRingSink, gst_ring_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (ringsink, "ringsink", GST_RANK_NONE,
    GST_TYPE_RING_SINK);

GType
gst_ring_sink_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RING_SINK_MODE_BLOCK, "Wait for free space", "block"},
    {GST_RING_SINK_MODE_DROP_NEW, "Drop the new buffer when the ring is full",
        "drop-new"},
    {GST_RING_SINK_MODE_OVERWRITE_OLD,
        "Overwrite the oldest data (overwrite rings: raw audio or bytes)",
        "overwrite-old"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstRingSinkMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_ring_sink_peer_loss_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RING_SINK_PEER_LOSS_ERROR, "Post an error naming the consumer",
        "error"},
    {GST_RING_SINK_PEER_LOSS_WAIT, "Keep the data and wait for a new "
          "consumer", "wait"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstRingSinkPeerLoss", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* --- ring attach and creation ------------------------------------------ */

static void
set_ring (GstRingSink * self, RbRing * ring, gboolean shared, gboolean created)
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
  self->waiter.ring = ring;
  self->waiter.shared = shared;
  self->created = created;
  self->adopted = adopted;
  /* an unlock() that came before the ring must hold for it too */
  if (ring != NULL && !shared && g_atomic_int_get (&self->waiter.unlocked))
    rb_ring_interrupt (ring);
  GST_OBJECT_UNLOCK (self);

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
static gboolean
check_mode (GstRingSink * self, RbRing * ring)
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

static gboolean
create_ring (GstRingSink * self, gboolean audio, RbSampleFormat format,
    guint channels, guint rate, gsize first_buffer)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = NULL;
  guint64 capacity;
  gint64 buffer_time;
  guint perms;

  GST_OBJECT_LOCK (self);
  capacity = self->capacity;
  buffer_time = self->buffer_time;
  perms = self->permissions;
  GST_OBJECT_UNLOCK (self);

  if (audio) {
    gsize frame = rb_sample_format_get_size (format) * channels;
    guint64 frames = capacity > 0 ? capacity / frame :
        gst_util_uint64_scale_ceil (buffer_time, rate, G_USEC_PER_SEC);

    ring = rb_ring_create_audio (self->name, format, channels, rate,
        (gsize) MAX (frames, 1),
        self->run_mode == GST_RING_SINK_MODE_OVERWRITE_OLD ?
        RB_RING_FLAGS_OVERWRITE : RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER,
        perms, &error);
  } else {
    if (capacity == 0)
      capacity = MAX (DEFAULT_RECORDS_CAPACITY,
          4 * gst_ring_record_total (first_buffer));
    ring = rb_ring_create (self->name, capacity, RB_RING_FLAGS_RECORDS,
        RB_RING_ROLE_PRODUCER, perms, &error);
  }
  if (ring == NULL && g_error_matches (error, RB_RING_ERROR,
          RB_RING_ERROR_EXISTS)) {
    /* someone made it since start(): use theirs, as if it had been there */
    g_clear_error (&error);
    ring = rb_ring_open_full (self->name, RB_RING_ROLE_PRODUCER,
        self->run_open_flags, &error);
    if (ring != NULL) {
      set_ring (self, ring, FALSE, FALSE);
      return check_mode (self, ring);
    }
  }
  if (ring == NULL) {
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  }
  set_ring (self, ring, FALSE, TRUE);
  return TRUE;
}

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
  res = gst_ring_waiter_wait (&self->waiter, FALSE, bytes, -1);
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
static GstFlowReturn
write_stream (GstRingSink * self, const guint8 * data, gsize size)
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

static GstFlowReturn write_event_record (GstRingSink * self,
    GstEvent * event);

static GstFlowReturn
write_pending_records (GstRingSink * self)
{
  GstFlowReturn ret = GST_FLOW_OK;

  /* a consumer that attached mid-stream has missed the caps and the
   * segment: send them again before its first buffer */
  if (g_get_monotonic_time () >= self->next_peer_check) {
    guint pid = rb_ring_get_peer_pid (self->ring);

    self->next_peer_check = g_get_monotonic_time () + PEER_CHECK_INTERVAL_US;
    if (pid != 0 && pid != self->consumer_pid && self->consumer_pid != 0) {
      GST_INFO_OBJECT (self, "new consumer (pid %u): sending caps again", pid);
      self->need_caps_record = TRUE;
      self->need_segment_record = TRUE;
    }
    if (pid != 0)
      self->consumer_pid = pid;
  }

  if (self->need_caps_record) {
    gsize size = 0;
    /* a stream without caps (filesrc, fdsrc) says so with an empty caps
     * record, and ringsrc carries its bytes without caps, as shmsrc does */
    g_autofree gchar *str = self->caps != NULL ?
        gst_ring_caps_serialize (self->caps, &size) : NULL;

    ret = write_control_record (self, RB_RECORD_TYPE_CAPS, 0,
        (const guint8 *) str, size);
    if (ret != GST_FLOW_OK)
      return ret;
    self->need_caps_record = FALSE;
  }
  if (self->need_segment_record) {
    guint8 wire[128];

    gst_ring_segment_serialize (&self->segment, wire);
    ret = write_control_record (self, RB_RECORD_TYPE_SEGMENT, 0, wire,
        gst_ring_segment_wire_size ());
    if (ret != GST_FLOW_OK)
      return ret;
    self->need_segment_record = FALSE;
  }
  while (!g_queue_is_empty (&self->early_events)) {
    GstEvent *event = g_queue_peek_head (&self->early_events);

    ret = write_event_record (self, event);
    if (ret != GST_FLOW_OK)
      return ret;
    gst_event_unref (g_queue_pop_head (&self->early_events));
  }
  return GST_FLOW_OK;
}

/* Gaps, tags and custom events as records, in stream order. */
static GstFlowReturn
write_event_record (GstRingSink * self, GstEvent * event)
{
  RbRecordInfo info;

  if (GST_EVENT_TYPE (event) == GST_EVENT_GAP) {
    GstClockTime ts, duration;

    gst_event_parse_gap (event, &ts, &duration);
    rb_record_info_init (&info, RB_RECORD_TYPE_GAP, 0);
    info.pts = (gint64) ts;
    info.duration = (gint64) duration;
    return write_record (self, &info, NULL, TRUE);
  } else {
    guint32 flags;
    guint64 extra;
    gsize size;
    g_autofree gchar *str = gst_ring_event_serialize (event, &flags, &extra,
        &size);

    if (str == NULL)
      return GST_FLOW_OK;
    rb_record_info_init (&info, RB_RECORD_TYPE_EVENT, (guint32) size);
    info.flags = flags;
    info.offset = extra;
    return write_record (self, &info, (const guint8 *) str, FALSE);
  }
}

static GstFlowReturn
ensure_records_ring (GstRingSink * self, gsize first_buffer)
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
  if (!create_ring (self, FALSE, RB_SAMPLE_FORMAT_NONE, 0, 0, first_buffer))
    return GST_FLOW_ERROR;
  self->records_pending = FALSE;
  self->need_caps_record = TRUE;
  self->need_segment_record = TRUE;
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_ring_sink_render (GstBaseSink * bsink, GstBuffer * buffer)
{
  GstRingSink *self = GST_RING_SINK (bsink);
  GstFlowReturn ret;
  GstMapInfo map;

  self->streamed = TRUE;
  if (self->ring == NULL) {
    ret = ensure_records_ring (self, gst_buffer_get_size (buffer));
    if (ret != GST_FLOW_OK)
      return ret;
  }

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (self, RESOURCE, READ, ("Cannot read a buffer"),
        (NULL));
    return GST_FLOW_ERROR;
  }

  if (self->kind == GST_RING_KIND_RECORDS) {
    RbRecordInfo info;

    ret = write_pending_records (self);
    if (ret == GST_FLOW_OK) {
      rb_record_info_init (&info, RB_RECORD_TYPE_DATA, (guint32) map.size);
      if (map.size > G_MAXUINT32)
        info.size = G_MAXUINT32;
      info.flags = gst_ring_buffer_flags_to_record (GST_BUFFER_FLAGS (buffer));
      info.pts = (gint64) GST_BUFFER_PTS (buffer);
      info.dts = (gint64) GST_BUFFER_DTS (buffer);
      info.duration = (gint64) GST_BUFFER_DURATION (buffer);
      info.offset = GST_BUFFER_OFFSET (buffer);
      info.offset_end = GST_BUFFER_OFFSET_END (buffer);
      ret = write_record (self, &info, map.data, TRUE);
    }
  } else {
    if (map.size % self->unit != 0) {
      GST_ELEMENT_ERROR (self, STREAM, FORMAT,
          ("A buffer of %" G_GSIZE_FORMAT " bytes is not a whole number of "
              "%" G_GSIZE_FORMAT "-byte frames", map.size, self->unit),
          (NULL));
      ret = GST_FLOW_ERROR;
    } else {
      ret = write_stream (self, map.data, map.size);
    }
  }
  gst_buffer_unmap (buffer, &map);
  return ret;
}

/* An audio ring has no gaps: a gap is silence, so that a consumer playing
 * the ring in real time keeps its place. */
static GstFlowReturn
write_silence (GstRingSink * self, GstClockTime duration)
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
    GstFlowReturn ret = write_stream (self, chunk, n * self->unit);

    if (ret != GST_FLOW_OK)
      return ret;
    frames -= n;
  }
  return GST_FLOW_OK;
}

/* End of stream in block mode on a ring we made: the name goes away when
 * we stop, so the EOS message waits until a consumer has everything. */
static GstFlowReturn
drain (GstRingSink * self)
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
    res = gst_ring_waiter_wait (&self->waiter, FALSE, capacity, -1);
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
    if (ensure_records_ring (self, 0) != GST_FLOW_OK)
      return FALSE;
  }
  if (self->ring == NULL)
    return TRUE;

  if (self->kind == GST_RING_KIND_RECORDS) {
    GstFlowReturn ret = write_pending_records (self);
    gboolean written = ret == GST_FLOW_OK;

    if (written) {
      RbRecordInfo info;

      rb_record_info_init (&info, RB_RECORD_TYPE_EOS, 0);
      if (self->run_mode == GST_RING_SINK_MODE_DROP_NEW) {
        written = rb_ring_write_record (self->ring, &info, NULL, 0);
      } else {
        ret = write_record (self, &info, NULL, FALSE);
        written = ret == GST_FLOW_OK;
      }
    }
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
      drain (self) == GST_FLOW_FLUSHING)
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
  gboolean early = self->ring == NULL && self->name != NULL;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &self->segment);
      self->need_segment_record = TRUE;
      break;
    case GST_EVENT_EOS:
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
        if (write_pending_records (self) == GST_FLOW_OK)
          write_event_record (self, event);
      } else if (self->ring != NULL && self->kind == GST_RING_KIND_AUDIO) {
        /* sync first, as render would: the parent waits for the gap */
        gboolean ok = GST_BASE_SINK_CLASS (parent_class)->event (bsink,
            gst_event_ref (event));

        if (ok)
          write_silence (self, duration);
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
      else if (records && write_pending_records (self) == GST_FLOW_OK)
        write_event_record (self, event);
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
  GstCaps *caps = NULL;
  RbRing *ring = NULL;

  GST_OBJECT_LOCK (self);
  if (self->ring != NULL)
    ring = g_object_ref (self->ring);
  GST_OBJECT_UNLOCK (self);

  if (ring != NULL && gst_ring_kind_of (ring) == GST_RING_KIND_AUDIO)
    caps = gst_ring_audio_accept_caps_for_ring (ring);
  else
    caps = gst_pad_get_pad_template_caps (GST_BASE_SINK_PAD (bsink));
  g_clear_object (&ring);

  if (filter != NULL) {
    GstCaps *tmp = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (caps);
    caps = tmp;
  }
  return caps;
}

static gboolean set_caps (GstRingSink * self, GstCaps * caps);

static gboolean
gst_ring_sink_set_caps (GstBaseSink * bsink, GstCaps * caps)
{
  GstRingSink *self = GST_RING_SINK (bsink);

  if (!set_caps (self, caps))
    return FALSE;
  self->streamed = TRUE;
  return TRUE;
}

static gboolean
set_caps (GstRingSink * self, GstCaps * caps)
{
  RbSampleFormat format = RB_SAMPLE_FORMAT_NONE;
  guint channels = 0, rate = 0;
  gboolean audio = gst_ring_audio_from_caps (caps, &format, &channels, &rate);

  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);

  if (self->ring == NULL) {
    if (audio) {
      if (!create_ring (self, TRUE, format, channels, rate, 0))
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

/* --- state -------------------------------------------------------------- */

static gboolean
gst_ring_sink_start (GstBaseSink * bsink)
{
  GstRingSink *self = GST_RING_SINK (bsink);
  g_autoptr (GError) error = NULL;
  RbRing *prop;

  GST_OBJECT_LOCK (self);
  g_free (self->name);
  self->name = g_strdup (self->ring_name);
  prop = self->ring_prop ? g_object_ref (self->ring_prop) : NULL;
  self->ring_prop_used = prop != NULL;
  self->run_mode = self->mode;
  self->run_peer_loss = self->on_peer_loss;
  self->run_open_flags = self->open_flags;
  self->running = TRUE;
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

  if (prop != NULL) {
    set_ring (self, prop, TRUE, FALSE);
    return check_mode (self, prop);
  }
  if (self->name == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("No ring name set"),
        ("set ring-name or ring"));
    return FALSE;
  }

  /* leftovers of processes that died are nobody's: start afresh rather than
   * inherit their format */
  if (rb_ring_reclaim_stale (self->name, NULL))
    GST_INFO_OBJECT (self, "removed stale ring '%s'", self->name);

  prop = rb_ring_open_full (self->name, RB_RING_ROLE_PRODUCER,
      self->run_open_flags, &error);
  if (prop == NULL) {
    if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
      GST_DEBUG_OBJECT (self, "ring '%s' is made when the caps are known",
          self->name);
      return TRUE;
    }
    GST_RING_POST_ERROR (self, error);
    return FALSE;
  }
  set_ring (self, prop, FALSE, FALSE);
  return check_mode (self, prop);
}

/* Whether the sink's ring name still leads to @ring (and not to a ring
 * someone made since). */
static gboolean
name_is_ring (GstRingSink * self, RbRing * ring)
{
  g_autofree gchar *path = rb_ring_name_to_path (self->name);
  struct stat a, b;

  return path != NULL && stat (path, &a) == 0 &&
      fstat (rb_ring_get_fd (ring), &b) == 0 && a.st_dev == b.st_dev &&
      a.st_ino == b.st_ino;
}

static gboolean
gst_ring_sink_stop (GstBaseSink * bsink)
{
  GstRingSink *self = GST_RING_SINK (bsink);
  RbRing *ring;
  gboolean created, adopted;

  GST_OBJECT_LOCK (self);
  ring = self->ring;
  created = self->created;
  adopted = self->adopted;
  self->ring = NULL;
  self->waiter.ring = NULL;
  self->created = FALSE;
  self->adopted = FALSE;
  self->running = FALSE;
  GST_OBJECT_UNLOCK (self);

  if (ring != NULL && (created || (adopted && name_is_ring (self, ring)))) {
    g_autoptr (GError) error = NULL;

    /* a consumer that has it open keeps reading; a new sink makes a new
     * ring of the name, which a waiting ringsrc finds */
    if (!rb_ring_unlink (self->name, &error))
      GST_WARNING_OBJECT (self, "%s", error->message);
  }
  g_clear_object (&ring);
  /* the last user of a ring whose other users died (a sink took over from
   * a killed one) removes it: nobody can use it any more */
  if (self->name != NULL && self->ring_prop_used == FALSE &&
      rb_ring_reclaim_stale (self->name, NULL))
    GST_INFO_OBJECT (self, "removed ring '%s', which nobody uses", self->name);
  gst_clear_caps (&self->caps);
  gst_audio_info_init (&self->info);
  self->records_pending = FALSE;
  g_queue_clear_full (&self->early_events, (GDestroyNotify) gst_event_unref);
  return TRUE;
}

static gboolean
gst_ring_sink_unlock (GstBaseSink * bsink)
{
  GstRingSink *self = GST_RING_SINK (bsink);

  GST_OBJECT_LOCK (self);
  gst_ring_waiter_unlock (&self->waiter);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
gst_ring_sink_unlock_stop (GstBaseSink * bsink)
{
  GstRingSink *self = GST_RING_SINK (bsink);

  GST_OBJECT_LOCK (self);
  gst_ring_waiter_unlock_stop (&self->waiter);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static GstStateChangeReturn
gst_ring_sink_change_state (GstElement * element, GstStateChange transition)
{
  GstRingSink *self = GST_RING_SINK (element);

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
refuse_while_running (GstRingSink * self, GParamSpec * pspec)
{
  if (!self->running)
    return FALSE;
  g_warning ("%s: cannot change %s while the element is running (%s); "
      "set it in the NULL or READY state", GST_OBJECT_NAME (self),
      pspec->name, gst_element_state_get_name (GST_STATE (self)));
  return TRUE;
}

static void
gst_ring_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRingSink *self = GST_RING_SINK (object);

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
    case PROP_MODE:
      if (!refuse_while_running (self, pspec))
        self->mode = g_value_get_enum (value);
      break;
    case PROP_CAPACITY:
      if (!refuse_while_running (self, pspec))
        self->capacity = g_value_get_uint64 (value);
      break;
    case PROP_BUFFER_TIME:
      if (!refuse_while_running (self, pspec))
        self->buffer_time = g_value_get_int64 (value);
      break;
    case PROP_PERMISSIONS:
      if (!refuse_while_running (self, pspec))
        self->permissions = g_value_get_uint (value);
      break;
    case PROP_ON_PEER_LOSS:
      if (!refuse_while_running (self, pspec))
        self->on_peer_loss = g_value_get_enum (value);
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
}

static void
gst_ring_sink_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstRingSink *self = GST_RING_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_RING_NAME:
      g_value_set_string (value, self->ring_name);
      break;
    case PROP_RING:
      g_value_set_object (value, self->ring_prop);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_CAPACITY:
      g_value_set_uint64 (value, self->capacity);
      break;
    case PROP_BUFFER_TIME:
      g_value_set_int64 (value, self->buffer_time);
      break;
    case PROP_PERMISSIONS:
      g_value_set_uint (value, self->permissions);
      break;
    case PROP_ON_PEER_LOSS:
      g_value_set_enum (value, self->on_peer_loss);
      break;
    case PROP_OPEN_FLAGS:
      g_value_set_flags (value, self->open_flags);
      break;
    case PROP_DROPPED_BUFFERS:
      g_value_set_uint64 (value, self->dropped_buffers);
      break;
    case PROP_DROPPED_BYTES:
      g_value_set_uint64 (value, self->dropped_bytes);
      break;
    case PROP_OVERWRITTEN_BYTES:
      g_value_set_uint64 (value, self->overwritten_bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_ring_sink_finalize (GObject * object)
{
  GstRingSink *self = GST_RING_SINK (object);

  g_free (self->ring_name);
  g_free (self->name);
  g_clear_object (&self->ring_prop);
  g_clear_object (&self->ring);
  gst_clear_caps (&self->caps);
  g_queue_clear_full (&self->early_events, (GDestroyNotify) gst_event_unref);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_ring_sink_init (GstRingSink * self)
{
  self->mode = DEFAULT_MODE;
  self->capacity = DEFAULT_CAPACITY;
  self->buffer_time = DEFAULT_BUFFER_TIME;
  self->permissions = DEFAULT_PERMISSIONS;
  self->on_peer_loss = DEFAULT_ON_PEER_LOSS;
  self->open_flags = DEFAULT_OPEN_FLAGS;
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  gst_audio_info_init (&self->info);
  g_queue_init (&self->early_events);
}

static void
gst_ring_sink_class_init (GstRingSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_ring_sink_debug, "ringsink", 0,
      "ringbridge ring sink");

  gobject_class->set_property = gst_ring_sink_set_property;
  gobject_class->get_property = gst_ring_sink_get_property;
  gobject_class->finalize = gst_ring_sink_finalize;

  gst_element_class_set_static_metadata (element_class,
      "Ring sink", "Sink/Audio/Video/Network",
      "Writes a stream into a lock-free shared-memory ring (ringbridge): "
      "raw audio as frames a JACK client reads, anything else as records "
      "with caps, timestamps and events",
      "The ringbridge authors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_ring_sink_change_state);
  basesink_class->start = GST_DEBUG_FUNCPTR (gst_ring_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_ring_sink_stop);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_ring_sink_render);
  basesink_class->event = GST_DEBUG_FUNCPTR (gst_ring_sink_event);
  basesink_class->get_caps = GST_DEBUG_FUNCPTR (gst_ring_sink_get_caps);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR (gst_ring_sink_set_caps);
  basesink_class->unlock = GST_DEBUG_FUNCPTR (gst_ring_sink_unlock);
  basesink_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_ring_sink_unlock_stop);

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
  properties[PROP_RING_NAME] = g_param_spec_string ("ring-name", "Ring name",
      "Name of the shared ring (/dev/shm/ringbridge-NAME): attached if it "
      "exists, created from the caps if not", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
  properties[PROP_RING] = g_param_spec_object ("ring", "Ring",
      "An RbRing object to write into (in-process use); takes precedence "
      "over ring-name", RB_TYPE_RING,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRingSink:capacity:
   *
   * The size in bytes of a ring the sink creates, rounded up to a power of
   * two of at least a page. 0 chooses: #GstRingSink:buffer-time of audio
   * for an audio ring; for a records ring 4 MiB, or four times the first
   * buffer if that is more.
   *
   * Since: 0.1
   */
  properties[PROP_CAPACITY] = g_param_spec_uint64 ("capacity", "Capacity",
      "Size in bytes of a ring the sink creates (0 = from buffer-time for "
      "audio, 4 MiB or 4 first buffers for records)", 0, RB_RING_MAX_CAPACITY,
      DEFAULT_CAPACITY,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstRingSink:buffer-time:
   *
   * How much audio, in microseconds, an audio ring the sink creates holds
   * when #GstRingSink:capacity is 0.
   *
   * Since: 0.1
   */
  properties[PROP_BUFFER_TIME] = g_param_spec_int64 ("buffer-time",
      "Buffer time", "Audio an audio ring created by the sink holds, in "
      "microseconds (when capacity is 0)", 1, G_MAXINT64 / 1000,
      DEFAULT_BUFFER_TIME,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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
  properties[PROP_OPEN_FLAGS] = g_param_spec_flags ("open-flags",
      "Open flags", "Accept an existing ring writable by others "
      "(shared-write) or owned by another user (any-owner)",
      RB_TYPE_RING_OPEN_FLAGS, DEFAULT_OPEN_FLAGS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

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

  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);

  gst_type_mark_as_plugin_api (GST_TYPE_RING_SINK_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RING_SINK_PEER_LOSS, 0);
}
