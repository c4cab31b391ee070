/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink and ringsrc through a records ring: everything a buffer
 * carries, and the caps, segment, tags, custom events and EOS, in order;
 * a buffer larger than the ring; a corrupt record. */

#include "gst-test-common.h"

/* --- records ------------------------------------------------------------ */

/* the flags of the buffers test_records_roundtrip() sends */
static const GstBufferFlags record_flags[] = {
  GST_BUFFER_FLAG_HEADER, GST_BUFFER_FLAG_DELTA_UNIT,
  GST_BUFFER_FLAG_DELTA_UNIT | GST_BUFFER_FLAG_MARKER,
  GST_BUFFER_FLAG_DROPPABLE | GST_BUFFER_FLAG_CORRUPTED,
  GST_BUFFER_FLAG_DECODE_ONLY, GST_BUFFER_FLAG_NON_DROPPABLE, 0,
};

/* Buffer @i of test_records_roundtrip(): its metadata, some of it unset. */
static GstBuffer *
record_buffer (guint i)
{
  GstBuffer *buf = pattern_buffer (1000 + i * 777, i);

  GST_BUFFER_PTS (buf) = 10 * GST_SECOND + i * GST_MSECOND;
  GST_BUFFER_DTS (buf) = i == 3 ? GST_CLOCK_TIME_NONE :
      (GstClockTime) (10 * GST_SECOND + i * GST_MSECOND - 1);
  GST_BUFFER_DURATION (buf) = i == 2 ? GST_CLOCK_TIME_NONE : GST_MSECOND;
  GST_BUFFER_OFFSET (buf) = 100 + i;
  GST_BUFFER_OFFSET_END (buf) = i == 4 ? GST_BUFFER_OFFSET_NONE : 101 + i;
  GST_BUFFER_FLAG_SET (buf, record_flags[i]);
  return buf;
}

/* @buf came out as record_buffer (@i) went in (the first buffer of a
 * source is a discontinuity as well). Takes @buf. */
static void
check_record_buffer (GstBuffer * buf, guint i)
{
  GstBuffer *want = record_buffer (i);
  GstBufferFlags flags = GST_BUFFER_FLAGS (want);
  GstMapInfo map;

  fail_unless (buf != NULL);
  fail_unless_equals_int (gst_buffer_get_size (buf),
      gst_buffer_get_size (want));
  gst_buffer_map (want, &map, GST_MAP_READ);
  fail_unless (gst_buffer_memcmp (buf, 0, map.data, map.size) == 0);
  gst_buffer_unmap (want, &map);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), GST_BUFFER_PTS (want));
  fail_unless_equals_uint64 (GST_BUFFER_DTS (buf), GST_BUFFER_DTS (want));
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf),
      GST_BUFFER_DURATION (want));
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), GST_BUFFER_OFFSET (want));
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (buf),
      GST_BUFFER_OFFSET_END (want));
  if (i == 0)
    flags |= GST_BUFFER_FLAG_DISCONT;
  fail_unless_equals_int_hex (GST_BUFFER_FLAGS (buf), flags);
  gst_buffer_unref (want);
  gst_buffer_unref (buf);
}

/* The next caps from @h's source: H.264 @width wide. */
static void
expect_h264_caps (GstHarness * h, gint width)
{
  GstEvent *ev = pull_event_of_type (h, GST_EVENT_CAPS);
  GstStructure *s;
  GstCaps *caps;
  gint w = 0;

  gst_event_parse_caps (ev, &caps);
  s = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_name (s), "video/x-h264");
  gst_structure_get_int (s, "width", &w);
  fail_unless_equals_int (w, width);
  gst_event_unref (ev);
}

/* The segment and the tags test_records_roundtrip() sent. */
static void
expect_segment_and_tags (GstHarness * h)
{
  GstEvent *ev = pull_event_of_type (h, GST_EVENT_SEGMENT);
  const GstSegment *got;
  GstTagList *tags;
  gchar *title = NULL;

  gst_event_parse_segment (ev, &got);
  fail_unless_equals_uint64 (got->start, 10 * GST_SECOND);
  fail_unless_equals_uint64 (got->base, 3 * GST_SECOND);
  fail_unless_equals_uint64 (got->time, 7 * GST_SECOND);
  fail_unless_equals_float (got->rate, 2.0);
  gst_event_unref (ev);

  ev = pull_event_of_type (h, GST_EVENT_TAG);
  gst_event_parse_tag (ev, &tags);
  fail_unless (gst_tag_list_get_string (tags, GST_TAG_TITLE, &title));
  fail_unless_equals_string (title, "ring title");
  g_free (title);
  gst_event_unref (ev);
}

/* Everything a buffer carries crosses a records ring: bytes, PTS, DTS,
 * duration, offsets, flags; and the caps, segment, tags, custom events,
 * a caps change and EOS, in order. */
RB_TEST (test_records_roundtrip)
{
  g_autofree gchar *name = test_ring_name ("rec");
  GstHarness *hsink = sink_harness (make_element ("ringsink", "ring-name",
          name, NULL), NULL);
  /* a sink that made its ring holds EOS until a consumer read everything */
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring-name", name,
          NULL));
  GstSegment seg;
  GstEvent *ev;
  GstBuffer *buf;

  gst_harness_set_src_caps_str (hsink, "video/x-h264, stream-format=avc, "
      "alignment=au, width=64, height=48");
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = 10 * GST_SECOND;
  seg.base = 3 * GST_SECOND;
  seg.time = 7 * GST_SECOND;
  seg.rate = 2.0;
  fail_unless (gst_harness_push_event (hsink, gst_event_new_segment (&seg)));
  fail_unless (gst_harness_push_event (hsink, gst_event_new_tag
          (gst_tag_list_new (GST_TAG_TITLE, "ring title", NULL))));
  for (guint i = 0; i < G_N_ELEMENTS (record_flags); i++)
    fail_unless_equals_int (gst_harness_push (hsink, record_buffer (i)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (hsink,
          gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
              gst_structure_new ("ring-test", "n", G_TYPE_INT, 42, NULL))));
  gst_harness_set_src_caps_str (hsink, "video/x-h264, stream-format=avc, "
      "alignment=au, width=128, height=96");
  fail_unless_equals_int (gst_harness_push (hsink, pattern_buffer (64, 99)),
      GST_FLOW_OK);
  fail_unless (gst_harness_push_event (hsink, gst_event_new_eos ()));

  for (guint i = 0; i < G_N_ELEMENTS (record_flags); i++)
    check_record_buffer (gst_harness_pull (hsrc), i);
  expect_h264_caps (hsrc, 64);
  expect_segment_and_tags (hsrc);

  /* the custom event, then the new caps, then the last buffer */
  buf = gst_harness_pull (hsrc);
  fail_unless_equals_int (gst_buffer_get_size (buf), 64);
  gst_buffer_unref (buf);
  ev = pull_event_of_type (hsrc, GST_EVENT_CUSTOM_DOWNSTREAM);
  fail_unless (gst_structure_has_name (gst_event_get_structure (ev),
          "ring-test"));
  gst_event_unref (ev);
  expect_h264_caps (hsrc, 128);
  gst_event_unref (pull_event_of_type (hsrc, GST_EVENT_EOS));

  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
}

GST_END_TEST;

/* A records ring too small for a buffer: STREAM/FAILED naming sizes. */
RB_TEST (test_records_buffer_too_large)
{
  GstHarness *h = named_harness ("ringsink", "big", NULL, "application/x-test",
      "capacity", (guint64) 65536, NULL);
  GstBus *bus = watch_bus (h->element);
  g_autofree gchar *msg = NULL;

  fail_unless_equals_int (gst_harness_push (h, pattern_buffer (8192, 1)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, pattern_buffer (100000, 1)),
      GST_FLOW_ERROR);
  msg = expect_error (bus, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED);
  fail_unless (strstr (msg, "100000") != NULL, "%s", msg);
  unwatch_bus (h->element, bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A corrupt record (a hostile producer): STREAM/DECODE, no crash. */
RB_TEST (test_records_corrupt)
{
  RbRing *ring = rb_ring_new_full (65536, RB_RING_FLAGS_RECORDS, NULL);
  GstElement *src = make_element ("ringsrc", "ring", ring, NULL);
  GstBus *bus = watch_bus (src);
  GstHarness *h;
  RbRecordInfo info;
  g_autofree gchar *msg = NULL;

  rb_record_info_init (&info, RB_RECORD_TYPE_CAPS, 5);
  fail_unless (rb_ring_write_record (ring, &info, (const guint8 *) "{{{{", 5));
  h = src_harness (src);
  msg = expect_error (bus, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE);
  unwatch_bus (h->element, bus);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

RB_TEST_MAIN (records, 0);
