/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink and ringsrc with GstHarness: properties, negotiation, the three
 * ring kinds, timestamps, EOS, live latency and the clock. Records rings
 * are in test-records.c; full and empty rings (modes, blocking, unlock,
 * the source's waits and peer loss) in test-waits.c. */

#include "gst-test-common.h"

#include <gst/audio/audio.h>
#include <gst/base/gstbasesrc.h>

/* --- properties --------------------------------------------------------- */

RB_TEST (test_property_defaults)
{
  GstElement *sink = make_element ("ringsink", NULL);
  GstElement *src = make_element ("ringsrc", NULL);
  g_autofree gchar *name = NULL;
  RbRingOpenFlags flags = 1;
  guint64 u64;
  gint64 i64;
  guint u;
  gint mode;
  gboolean b;

  g_object_get (sink, "ring-name", &name, "mode", &mode, "capacity", &u64,
      "buffer-time", &i64, "permissions", &u, NULL);
  fail_unless (name == NULL);
  fail_unless_equals_int (mode, 0);
  fail_unless_equals_uint64 (u64, 0);
  fail_unless_equals_int64 (i64, 200000);
  fail_unless_equals_int (u, 0600);
  g_object_get (sink, "dropped-buffers", &u64, NULL);
  fail_unless_equals_uint64 (u64, 0);
  g_object_get (sink, "dropped-bytes", &u64, NULL);
  fail_unless_equals_uint64 (u64, 0);
  g_object_get (sink, "overwritten-bytes", &u64, NULL);
  fail_unless_equals_uint64 (u64, 0);
  g_object_get (src, "is-live", &b, "buffer-frames", &u, "timeout", &u64,
      "on-peer-loss", &mode, NULL);
  fail_unless (!b);
  fail_unless_equals_int (u, 0);
  fail_unless_equals_uint64 (u64, 0);
  fail_unless_equals_int (mode, 0);
  g_object_get (src, "provide-clock", &b, "open-flags", &flags, NULL);
  fail_unless (b);
  fail_unless_equals_int (flags, RB_RING_OPEN_FLAGS_NONE);
  gst_object_unref (sink);
  gst_object_unref (src);
}

GST_END_TEST;

/* Sets @element's enum @property by its @nick; it reads back as @value. */
static void
expect_enum_nick (GstElement * element, const gchar * property,
    const gchar * nick, gint value)
{
  gint got;

  gst_util_set_object_arg (G_OBJECT (element), property, nick);
  g_object_get (element, property, &got, NULL);
  fail_unless_equals_int (got, value);
}

/* Set and read back, enums by nick as gst-launch does. */
RB_TEST (test_properties)
{
  GstElement *sink = make_element ("ringsink", NULL);
  GstElement *src = make_element ("ringsrc", NULL);
  g_autofree gchar *name = NULL;
  RbRing *ring = rb_ring_new (4096, NULL), *got = NULL;
  RbRingOpenFlags flags = 0;
  guint64 u64;
  gint64 i64;
  guint u;
  gboolean b;

  expect_enum_nick (sink, "mode", "drop-new", 1);
  expect_enum_nick (sink, "mode", "overwrite-old", 2);
  g_object_set (sink, "ring-name", "abc", "capacity", (guint64) 65536,
      "buffer-time", (gint64) 50000, "permissions", 0640, "ring", ring, NULL);
  g_clear_pointer (&name, g_free);
  g_object_get (sink, "ring-name", &name, "capacity", &u64, "buffer-time",
      &i64, "permissions", &u, "ring", &got, NULL);
  fail_unless_equals_string (name, "abc");
  fail_unless_equals_uint64 (u64, 65536);
  fail_unless_equals_int64 (i64, 50000);
  fail_unless_equals_int (u, 0640);
  fail_unless (got == ring);
  g_object_unref (got);

  expect_enum_nick (src, "on-peer-loss", "wait", 1);
  expect_enum_nick (src, "on-peer-loss", "error", 2);
  g_object_set (src, "ring-name", "xyz", "is-live", TRUE, "buffer-frames",
      256, "timeout", (guint64) GST_SECOND, "provide-clock", FALSE, "ring",
      ring, NULL);
  g_clear_pointer (&name, g_free);
  g_object_get (src, "ring-name", &name, "is-live", &b, "buffer-frames", &u,
      "timeout", &u64, NULL);
  fail_unless_equals_string (name, "xyz");
  fail_unless (b);
  fail_unless_equals_int (u, 256);
  fail_unless_equals_uint64 (u64, GST_SECOND);
  g_object_get (src, "provide-clock", &b, NULL);
  fail_unless (!b);
  fail_unless (gst_base_src_is_live (GST_BASE_SRC (src)));
  gst_util_set_object_arg (G_OBJECT (src), "open-flags", "shared-write");
  g_object_get (src, "open-flags", &flags, NULL);
  fail_unless_equals_int (flags, RB_RING_OPEN_FLAGS_SHARED_WRITE);

  /* out of range: GLib refuses with a warning, the value stays */
  ASSERT_WARNING (g_object_set (sink, "permissions", 01000, NULL));
  g_object_get (sink, "permissions", &u, NULL);
  fail_unless_equals_int (u, 0640);
  ASSERT_WARNING (g_object_set (sink, "buffer-time", (gint64) 0, NULL));
  g_object_get (sink, "buffer-time", &i64, NULL);
  fail_unless_equals_int64 (i64, 50000);

  gst_object_unref (sink);
  gst_object_unref (src);
  g_object_unref (ring);
}

GST_END_TEST;

/* Each time property of the element's own says its unit in its
 * description (GStreamer's own units differ: buffer-time in microseconds
 * as audio sinks have it, timeout in nanoseconds as a GstClockTime,
 * stats-interval in milliseconds), so gst-inspect-1.0 tells them apart. */
static void
check_time_units (const gchar * factory)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  guint n, i, checked = 0;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);

  for (i = 0; i < n; i++) {
    const gchar *name = g_param_spec_get_name (specs[i]);
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);

    if (specs[i]->owner_type != G_OBJECT_TYPE (e))
      continue;                 /* the base classes' own */
    if (!strstr (name, "time") && !strstr (name, "interval") &&
        !strstr (name, "latency"))
      continue;
    checked++;
    fail_unless (blurb != NULL && (strstr (blurb, "nanoseconds") ||
            strstr (blurb, "microseconds") || strstr (blurb, "milliseconds")
            || strstr (blurb, "seconds")),
        "%s:%s does not name its unit: %s", factory, name, blurb);
  }
  fail_unless (checked >= 1, "%s: no time property found", factory);
  g_free (specs);
  gst_object_unref (e);
}

RB_TEST (test_metadata)
{
  GstPlugin *plugin = gst_registry_find_plugin (gst_registry_get (),
      "ringbridge");
  GstElementFactory *f;

  fail_unless (plugin != NULL);
  fail_unless_equals_string (gst_plugin_get_license (plugin), "LGPL");
  gst_object_unref (plugin);
  f = gst_element_factory_find ("ringsink");
  fail_unless (f != NULL);
  /* What the element is: a sink of audio, video (and anything else, as
   * records) into shared memory on this machine; not "Network". */
  fail_unless_equals_string (gst_element_factory_get_metadata (f,
          GST_ELEMENT_METADATA_KLASS), "Sink/Audio/Video");
  gst_object_unref (f);
  f = gst_element_factory_find ("ringsrc");
  fail_unless (f != NULL);
  fail_unless_equals_string (gst_element_factory_get_metadata (f,
          GST_ELEMENT_METADATA_KLASS), "Source/Audio/Video");
  gst_object_unref (f);
  check_time_units ("ringsink");
  check_time_units ("ringsrc");
}

GST_END_TEST;

/* A size-changing property while running: refused with a warning. */
RB_TEST (test_refuse_change_while_running)
{
  g_autofree gchar *name = test_ring_name ("running");
  g_autofree gchar *got = NULL;
  GstElement *sink = make_element ("ringsink", "ring-name", name, NULL);
  GstHarness *h = sink_harness (sink, AUDIO_CAPS);
  guint64 capacity;

  ASSERT_WARNING (g_object_set (sink, "ring-name", "other", NULL));
  ASSERT_WARNING (g_object_set (sink, "capacity", (guint64) 8192, NULL));
  g_object_get (sink, "ring-name", &got, "capacity", &capacity, NULL);
  fail_unless_equals_string (got, name);
  fail_unless_equals_uint64 (capacity, 0);
  gst_harness_teardown (h);
}

GST_END_TEST;

RB_TEST (test_no_name)
{
  const gchar *factories[] = { "ringsink", "ringsrc" };

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++) {
    expect_state_error (make_element (factories[i], NULL), GST_STATE_READY,
        GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS, "No ring name");
  }
}

GST_END_TEST;

RB_TEST (test_invalid_name)
{
  expect_state_error (make_element ("ringsrc", "ring-name", "bad/name",
          NULL), GST_STATE_PAUSED, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, NULL);
}

GST_END_TEST;

/* --- audio -------------------------------------------------------------- */

/* ringsink -> named audio ring -> ringsrc, in one process: the bytes, the
 * caps from the header, timestamps and offsets from frame positions. */
RB_TEST (test_audio_roundtrip)
{
  g_autofree gchar *name = test_ring_name ("audio");
  GstHarness *hsink = sink_harness (make_element ("ringsink", "ring-name",
          name, NULL), AUDIO_CAPS);
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring-name", name,
          "buffer-frames", 480, NULL));
  GstCaps *caps;
  GstStructure *s;
  const guint n = 50;
  guint64 frames_in = 0;
  GByteArray *in = g_byte_array_new (), *out = g_byte_array_new ();

  for (guint i = 0; i < n; i++) {
    GstBuffer *buf = pattern_buffer (4 * (100 + i * 13), i);
    GstMapInfo map;

    gst_buffer_map (buf, &map, GST_MAP_READ);
    g_byte_array_append (in, map.data, map.size);
    frames_in += map.size / 4;
    gst_buffer_unmap (buf, &map);
    fail_unless_equals_int (gst_harness_push (hsink, buf), GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (hsink, gst_event_new_eos ()));

  for (guint64 frame = 0; frame < frames_in;) {
    GstBuffer *buf = gst_harness_pull (hsrc);
    guint64 frames;

    fail_unless (buf != NULL);
    frames = gst_buffer_get_size (buf) / 4;
    fail_unless (frames == 480 || frame + frames == frames_in);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), frame);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (buf), frame + frames);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf),
        gst_util_uint64_scale (frame, GST_SECOND, 48000));
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf) +
        GST_BUFFER_DURATION (buf), gst_util_uint64_scale (frame + frames,
            GST_SECOND, 48000));
    fail_unless_equals_int (GST_BUFFER_FLAG_IS_SET (buf,
            GST_BUFFER_FLAG_DISCONT), frame == 0);
    append_buffer (out, buf);
    gst_buffer_unref (buf);
    frame += frames;
  }
  fail_unless_equals_int (in->len, out->len);
  fail_unless (memcmp (in->data, out->data, in->len) == 0);

  caps = gst_pad_get_current_caps (hsrc->sinkpad);
  fail_unless (caps != NULL);
  s = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "S16LE");
  fail_unless_equals_string (gst_structure_get_string (s, "layout"),
      "interleaved");
  gst_caps_unref (caps);

  /* the ring's EOS flag ends the source's stream */
  gst_event_unref (pull_event_of_type (hsrc, GST_EVENT_EOS));

  g_byte_array_unref (in);
  g_byte_array_unref (out);
  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
}

GST_END_TEST;

/* Audio a ringsink creates is an audio ring any library user can read:
 * format from the caps, plain interleaved frames, bit-exact. */
RB_TEST (test_audio_ring_read_by_library)
{
  g_autofree gchar *name = NULL;
  GstHarness *h = named_harness ("ringsink", "lib", &name,
      "audio/x-raw, format=F32LE, rate=44100, channels=3, "
      "layout=interleaved, channel-mask=(bitmask)0x7", NULL);
  g_autoptr (GError) error = NULL;
  RbRing *ring;
  GByteArray *in = g_byte_array_new ();
  guint8 *out;
  gsize got;

  for (guint i = 0; i < 20; i++) {
    GstBuffer *buf = pattern_buffer (12 * 64, i);

    append_buffer (in, buf);
    fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  }

  ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  fail_unless (ring != NULL, "%s", error ? error->message : "");
  fail_unless_equals_int (rb_ring_get_sample_format (ring),
      RB_SAMPLE_FORMAT_F32LE);
  fail_unless_equals_int (rb_ring_get_channels (ring), 3);
  fail_unless_equals_int (rb_ring_get_rate (ring), 44100);
  fail_unless (!(rb_ring_get_flags (ring) & RB_RING_FLAGS_RECORDS));
  /* buffer-time 200 ms, exactly */
  fail_unless_equals_uint64 (rb_ring_get_capacity_frames (ring), 8820);
  out = g_malloc (in->len);
  got = rb_ring_read_frames (ring, out, in->len / 12);
  fail_unless_equals_int (got, in->len / 12);
  fail_unless (memcmp (in->data, out, in->len) == 0);

  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless (rb_ring_is_end_of_stream (ring));

  g_free (out);
  g_byte_array_unref (in);
  gst_harness_teardown (h);
  /* the sink made the ring and removed its name; ours still works */
  fail_unless (rb_ring_open (name, RB_RING_ROLE_CONSUMER, NULL) == NULL);
  g_object_unref (ring);
}

GST_END_TEST;

/* A ring ringsink makes holds exactly what its properties ask: the frames
 * of buffer-time, the whole frames of capacity bytes, a records ring's
 * capacity bytes. */
RB_TEST (test_ring_exact_size)
{
  const gchar *s16 = "audio/x-raw, format=S16LE, rate=48000, channels=2, "
      "layout=interleaved";
  const struct {
    const gchar *caps;
    guint64 capacity;
    gint64 buffer_time;
    guint64 bytes;
  } cases[] = {
    { s16, 0, 50000, 2400 * 4 },
    { s16, 1002, 200000, 1000 },
    { "application/x-ringbridge-test", 5000, 200000, 5000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *name = test_ring_name ("exact");
    GstHarness *h = sink_harness (make_element ("ringsink", "ring-name",
            name, "capacity", cases[i].capacity, "buffer-time",
            cases[i].buffer_time, NULL), cases[i].caps);
    g_autoptr (GError) error = NULL;
    RbRing *ring;

    fail_unless_equals_int (gst_harness_push (h, pattern_buffer (64, i)),
        GST_FLOW_OK);
    ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
    fail_unless (ring != NULL, "%s", error ? error->message : "");
    fail_unless_equals_uint64 (rb_ring_get_capacity (ring), cases[i].bytes);
    fail_unless (rb_ring_get_storage_size (ring) >= cases[i].bytes);
    gst_harness_teardown (h);
    g_object_unref (ring);
  }
}

GST_END_TEST;

/* An in-process ring from the application: ringsink writes, the
 * application reads with the library. */
RB_TEST (test_ring_property_audio)
{
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S24_32LE, 2, 96000,
      4096, RB_RING_FLAGS_NONE, NULL);
  GstHarness *h = sink_harness (make_element ("ringsink", "ring", ring, NULL),
      NULL);
  GstCaps *caps = gst_pad_peer_query_caps (h->srcpad, NULL);
  guint8 out[8 * 100];

  /* only the ring's format is accepted */
  fail_unless (gst_caps_is_fixed (caps) || gst_caps_get_size (caps) == 1);
  fail_unless_equals_string (gst_structure_get_string
      (gst_caps_get_structure (caps, 0), "format"), "S24_32LE");
  gst_caps_unref (caps);

  gst_harness_set_src_caps_str (h, "audio/x-raw, format=S24_32LE, "
      "rate=96000, channels=2, layout=interleaved");
  fail_unless_equals_int (gst_harness_push (h, pattern_buffer (sizeof out,
              3)), GST_FLOW_OK);
  fail_unless_equals_int (rb_ring_read_frames (ring, out, 100), 100);
  expect_pattern (out, sizeof out, 3);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* An existing audio ring fixes the format: audioconvert and audioresample
 * bring anything to it; caps that do not match are refused by name. */
RB_TEST (test_audio_negotiation)
{
  g_autofree gchar *name = test_ring_name ("neg");
  g_autofree gchar *desc = NULL;
  g_autoptr (GError) error = NULL;
  RbRing *consumer;
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *m;
  GstHarness *h;

  /* the consumer makes the ring; ringsink attaches as its producer */
  consumer = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 1, 22050,
      65536, RB_RING_FLAGS_NONE, RB_RING_ROLE_CONSUMER, 0600, &error);
  fail_unless (consumer != NULL, "%s", error ? error->message : "");

  desc = g_strdup_printf ("audiotestsrc num-buffers=10 samplesperbuffer=441 "
      "! audio/x-raw,format=F32LE,rate=44100,channels=2 ! audioconvert ! "
      "audioresample ! ringsink ring-name=%s sync=false", name);
  pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL, "%s", error ? error->message : "");
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  m = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (m != NULL && GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS);
  gst_message_unref (m);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  /* 0.1 s at 22050 Hz, mono S16 */
  fail_unless (rb_ring_read_available (consumer) >= 2 * 2200 &&
      rb_ring_read_available (consumer) <= 2 * 2210,
      "%" G_GSIZE_FORMAT " bytes", rb_ring_read_available (consumer));

  /* other caps are refused before they reach the sink: upstream gets
   * not-negotiated */
  h = sink_harness (make_element ("ringsink", "ring-name", name, NULL), NULL);
  {
    GstCaps *other = gst_caps_from_string (AUDIO_CAPS);

    fail_if (gst_pad_peer_query_accept_caps (h->srcpad, other));
    gst_caps_unref (other);
  }
  gst_harness_set_src_caps_str (h, AUDIO_CAPS);
  fail_unless_equals_int (gst_harness_push (h, pattern_buffer (400, 1)),
      GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown (h);

  g_object_unref (consumer);
  rb_ring_unlink (name, NULL);
}

GST_END_TEST;

/* Non-interleaved or big-endian raw audio is not an audio ring's format:
 * with no ring yet it goes as records, and comes out unchanged. */
RB_TEST (test_unsupported_audio_as_records)
{
  g_autofree gchar *name = test_ring_name ("s16be");
  const gchar *caps_str = "audio/x-raw, format=S16BE, rate=8000, "
      "channels=1, layout=interleaved";
  GstHarness *hsink = sink_harness (make_element ("ringsink", "ring-name",
          name, NULL), caps_str);
  GstHarness *hsrc;
  GstBuffer *buf;
  GstCaps *caps;
  RbRing *ring;

  fail_unless_equals_int (gst_harness_push (hsink, pattern_buffer (200, 9)),
      GST_FLOW_OK);
  ring = rb_ring_open (name, RB_RING_ROLE_READER, NULL);
  fail_unless (ring == NULL);   /* not an overwrite ring: no readers */
  hsrc = src_harness (make_element ("ringsrc", "ring-name", name, NULL));
  buf = gst_harness_pull (hsrc);
  fail_unless_equals_int (gst_buffer_get_size (buf), 200);
  gst_buffer_unref (buf);
  caps = gst_pad_get_current_caps (hsrc->sinkpad);
  fail_unless_equals_string (gst_structure_get_string
      (gst_caps_get_structure (caps, 0), "format"), "S16BE");
  gst_caps_unref (caps);
  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
}

GST_END_TEST;

/* A gap on an audio ring is silence of the gap's length. */
RB_TEST (test_audio_gap_is_silence)
{
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_U8, 1, 1000, 4096,
      RB_RING_FLAGS_NONE, NULL);
  GstHarness *h = sink_harness (make_element ("ringsink", "ring", ring, NULL),
      "audio/x-raw, format=U8, rate=1000, channels=1, layout=interleaved");
  guint8 out[300];

  fail_unless (gst_harness_push_event (h, gst_event_new_gap (0,
              250 * GST_MSECOND)));
  fail_unless_equals_int (rb_ring_read_available (ring), 250);
  fail_unless_equals_int (rb_ring_read (ring, out, sizeof out), 250);
  for (guint i = 0; i < 250; i++)
    fail_unless_equals_int (out[i], 0x80);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* Pushes @in (taken) into @hsink and expects its bytes from @hsrc, in
 * buffers of at most @max_size (0: any). */
static void
push_through (GstHarness * hsink, GstHarness * hsrc, GstBuffer * in,
    gsize max_size)
{
  fail_unless_equals_int (gst_harness_push (hsink, gst_buffer_ref (in)),
      GST_FLOW_OK);
  expect_bytes (hsrc, in, max_size);
  gst_buffer_unref (in);
}

/* A buffer larger than the ring in block mode is split, nothing lost. */
RB_TEST (test_audio_split_large_buffer)
{
  RbRing *ring = small_audio_ring ();
  GstHarness *hsink = sink_harness (make_element ("ringsink", "ring", ring,
          NULL), AUDIO_CAPS);
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring", ring,
          "buffer-frames", 1000, NULL));
  GstBuffer *in = pattern_buffer (4 * 10000, 5);

  /* 10000 frames through a 1024-frame ring */
  gst_harness_set_blocking_push_mode (hsink);
  push_through (hsink, hsrc, in, 0);
  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
  g_object_unref (ring);
}

GST_END_TEST;

/* --- live: latency and clock ------------------------------------------- */

RB_TEST (test_live_latency)
{
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, 48000, 4800,
      RB_RING_FLAGS_NONE, NULL);
  GstHarness *h = src_harness (make_element ("ringsrc", "ring", ring,
          "is-live", TRUE, "buffer-frames", 480, NULL));
  GstQuery *q = gst_query_new_latency ();
  gboolean live;
  GstClockTime min, max;

  fail_unless (gst_pad_peer_query (h->sinkpad, q));
  gst_query_parse_latency (q, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 10 * GST_MSECOND);
  /* a buffer and the ring's 4800 frames, exactly */
  fail_unless_equals_uint64 (max, 110 * GST_MSECOND);
  gst_query_unref (q);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* The provided clock lands on the producer's clock point, whatever the
 * monotonic clock says in between, and never goes back. */
RB_TEST (test_provided_clock)
{
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_F32LE, 1, 1000, 4096,
      RB_RING_FLAGS_NONE, NULL);
  GstElement *src = make_element ("ringsrc", "ring", ring, "is-live", TRUE,
      NULL);
  GstClock *clock;
  GstClockTime t1, t2, t3, t4;
  gint64 now;

  fail_unless (GST_OBJECT_FLAG_IS_SET (src, GST_ELEMENT_FLAG_PROVIDE_CLOCK));
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  clock = gst_element_provide_clock (src);
  fail_unless (clock != NULL);
  fail_unless (GST_IS_AUDIO_CLOCK (clock));

  /* the producer says: 1000 frames (1 s) were out at 'now' */
  now = g_get_monotonic_time () * 1000;
  rb_ring_set_clock_point (ring, 4000, now, 0);
  t1 = gst_clock_get_internal_time (clock);
  /* then 3000 frames, 1 s later on the monotonic clock: the producer's
   * clock ran 2 s meanwhile */
  rb_ring_set_clock_point (ring, 12000, now + GST_SECOND, 0);
  t2 = gst_clock_get_internal_time (clock);
  fail_unless (t2 >= t1);
  /* two points' difference is the producer's: 2 s, not 1 s */
  rb_ring_set_clock_point (ring, 16000, now + GST_SECOND, 0);
  t3 = gst_clock_get_internal_time (clock);
  fail_unless_equals_uint64 (t3 - t2, GST_SECOND);
  /* a point that puts the producer back to 0.1 s (the clock started at
   * 0 at the first point, 1 s in, so this is before its start): the
   * clock holds where it was, and never wraps to 584 years ahead, where
   * it would stay (a sink waiting on it would wait for ever) */
  rb_ring_set_clock_point (ring, 400, now + GST_SECOND, 0);
  fail_unless_equals_uint64 (gst_clock_get_internal_time (clock), t3);
  /* and from there it follows the producer again: 4000 frames (4 s) at
   * 'now' - 1 s is 1 s on from t3's 4000 frames at 'now' + 1 s, plus the
   * monotonic clock since 'now' - 1 s */
  rb_ring_set_clock_point (ring, 16000, now - GST_SECOND, 0);
  t4 = gst_clock_get_internal_time (clock);
  fail_unless (t4 >= t3 + GST_SECOND && t4 < t3 + GST_SECOND +
      GST_SECOND / 2, "%" GST_TIME_FORMAT " after %" GST_TIME_FORMAT,
      GST_TIME_ARGS (t4), GST_TIME_ARGS (t3));

  gst_object_unref (clock);
  gst_element_set_state (src, GST_STATE_NULL);
  g_object_set (src, "provide-clock", FALSE, NULL);
  fail_if (GST_OBJECT_FLAG_IS_SET (src, GST_ELEMENT_FLAG_PROVIDE_CLOCK));
  gst_object_unref (src);
  g_object_unref (ring);
}

GST_END_TEST;

/* Live timestamps are running times of when the producer had the data:
 * consecutive, sample-exact apart. */
RB_TEST (test_live_timestamps)
{
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 1, 8000, 8192,
      RB_RING_FLAGS_NONE, NULL);
  GstHarness *h;
  guint8 data[1600] = { 0 };
  GstClockTime t0 = 0;

  {
    GstElement *src = gst_object_ref_sink (make_element ("ringsrc", "ring",
            ring, "is-live", TRUE, "buffer-frames", 200, NULL));

    h = gst_harness_new_with_element (src, NULL, "src");
    gst_object_unref (src);
  }
  gst_harness_use_systemclock (h);
  gst_harness_play (h);
  rb_ring_write (ring, data, sizeof data);
  for (guint i = 0; i < 4; i++) {
    GstBuffer *buf = gst_harness_pull (h);

    fail_unless (buf != NULL);
    fail_unless (GST_BUFFER_PTS_IS_VALID (buf));
    if (i == 0)
      t0 = GST_BUFFER_PTS (buf);
    else
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf),
          t0 + i * 25 * GST_MSECOND);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf), 25 * GST_MSECOND);
    gst_buffer_unref (buf);
  }
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* A plain byte ring: bytes in, bytes out, up to blocksize per buffer. */
RB_TEST (test_bytes)
{
  RbRing *ring = rb_ring_new (8192, NULL);
  GstHarness *hsink = sink_harness (make_element ("ringsink", "ring", ring,
          NULL), "application/octet-stream");
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring", ring,
          "blocksize", 1000, NULL));
  GstBuffer *in = pattern_buffer (3000, 4);

  push_through (hsink, hsrc, in, 1000);
  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
  g_object_unref (ring);
}

GST_END_TEST;

RB_TEST_MAIN (elements, 0);
