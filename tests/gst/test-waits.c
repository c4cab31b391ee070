/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink and ringsrc with full and empty rings: the sink's modes and
 * counters, blocking and unlock (flush, pause, state changes), the
 * source's waits for a ring and for data, its timeout, and peer loss. */

#include "gst-test-common.h"

#include <gst/base/gstbasesrc.h>

/* --- modes and counters ------------------------------------------------- */

RB_TEST (test_drop_new_counts)
{
  RbRing *ring = small_audio_ring ();
  GstElement *sink = make_element ("ringsink", "ring", ring, "mode", 1, NULL);
  GstHarness *h = sink_harness (sink, AUDIO_CAPS);
  guint64 nbuf, bytes;

  /* 1024 frames fit: 3 buffers of 300 frames, then 3 more do not */
  for (guint i = 0; i < 6; i++)
    fail_unless_equals_int (gst_harness_push (h, pattern_buffer (1200, i)),
        GST_FLOW_OK);
  g_object_get (sink, "dropped-buffers", &nbuf, "dropped-bytes", &bytes,
      NULL);
  fail_unless_equals_uint64 (nbuf, 3);
  fail_unless_equals_uint64 (bytes, 3600);
  fail_unless_equals_int (rb_ring_read_available (ring), 3600);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

RB_TEST (test_drop_new_records)
{
  GstHarness *h = named_harness ("ringsink", "droprec", NULL,
      "application/x-test", "mode", 1, "capacity", (guint64) 65536, NULL);
  guint64 nbuf;

  for (guint i = 0; i < 10; i++)
    fail_unless_equals_int (gst_harness_push (h, pattern_buffer (10000, i)),
        GST_FLOW_OK);
  g_object_get (h->element, "dropped-buffers", &nbuf, NULL);
  /* 64 KiB less caps and segment records: 6 records of 10000 bytes */
  fail_unless_equals_uint64 (nbuf, 4);
  gst_harness_teardown (h);
}

GST_END_TEST;

RB_TEST (test_overwrite_old)
{
  g_autofree gchar *name = test_ring_name ("ow");
  GstElement *sink = make_element ("ringsink", "ring-name", name, "mode", 2,
      "capacity", (guint64) 4096, NULL);
  GstHarness *h = sink_harness (sink, AUDIO_CAPS);
  RbRing *ring;
  guint64 over;
  guint8 out[4096];

  for (guint i = 0; i < 8; i++)
    fail_unless_equals_int (gst_harness_push (h, pattern_buffer (1024, i)),
        GST_FLOW_OK);
  g_object_get (sink, "overwritten-bytes", &over, NULL);
  fail_unless_equals_uint64 (over, 8 * 1024 - 4096);

  ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, NULL);
  fail_unless (ring != NULL);
  fail_unless (rb_ring_get_flags (ring) & RB_RING_FLAGS_OVERWRITE);
  /* the newest 4096 bytes are the last four buffers */
  fail_unless_equals_int (rb_ring_read (ring, out, sizeof out), 4096);
  for (guint i = 0; i < 4; i++)
    expect_pattern (out + i * 1024, 1024, 4 + i);
  g_object_unref (ring);
  gst_harness_teardown (h);
}

GST_END_TEST;

RB_TEST (test_overwrite_old_refused)
{
  g_autofree gchar *name = test_ring_name ("owref");
  g_autofree gchar *msg = NULL;
  GstElement *sink;
  GstBus *bus;
  GstHarness *h;
  RbRing *ring;

  /* records cannot overwrite */
  sink = make_element ("ringsink", "ring-name", name, "mode", 2, NULL);
  h = sink_harness (sink, NULL);
  bus = watch_bus (sink);
  gst_harness_set_src_caps_str (h, "video/x-raw, format=RGB, width=8, "
      "height=8, framerate=0/1");
  fail_unless (gst_harness_push (h, pattern_buffer (192, 0)) != GST_FLOW_OK);
  msg = expect_error (bus, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE);
  fail_unless (strstr (msg, "overwrite-old") != NULL, "%s", msg);
  unwatch_bus (h->element, bus);
  gst_harness_teardown (h);
  g_clear_pointer (&msg, g_free);

  /* an existing ring without the overwrite flag */
  ring = small_audio_ring ();
  expect_state_error (make_element ("ringsink", "ring", ring, "mode", 2,
          NULL), GST_STATE_PAUSED, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "overwrite");
  g_object_unref (ring);
}

GST_END_TEST;

/* --- blocking, unlock, flush ------------------------------------------- */

typedef struct
{
  GstHarness *h;
  GstBuffer *buf;
  GstFlowReturn ret;
} PushJob;

static gpointer
push_thread (gpointer data)
{
  PushJob *job = data;

  job->ret = gst_harness_push (job->h, job->buf);
  return NULL;
}

/* wait until the push thread is inside the ring's wait: the ring is full
 * and nobody reads, so the only way out is unlock */
static void
wait_full (RbRing * ring)
{
  while (rb_ring_get_write_position (ring) - rb_ring_get_read_position (ring)
      + 4 <= rb_ring_get_capacity (ring))
    g_usleep (1000);
}

RB_TEST (test_unlock_sink_flush)
{
  const gboolean shared[] = { TRUE, FALSE };

  for (guint k = 0; k < G_N_ELEMENTS (shared); k++) {
    g_autofree gchar *name = test_ring_name ("unlock");
    RbRing *ring, *peek = NULL;
    GstElement *sink;
    GstHarness *h;
    PushJob job = { 0 };
    GThread *t;

    if (shared[k]) {
      ring = small_audio_ring ();
      sink = make_element ("ringsink", "ring", ring, NULL);
    } else {
      ring = NULL;
      sink = make_element ("ringsink", "ring-name", name, "capacity",
          (guint64) 4096, NULL);
    }
    h = sink_harness (sink, AUDIO_CAPS);
    if (!shared[k]) {
      fail_unless_equals_int (gst_harness_push (h, pattern_buffer (4, 0)),
          GST_FLOW_OK);
      peek = rb_ring_open (name, RB_RING_ROLE_CONSUMER, NULL);
      fail_unless (peek != NULL);
    }
    job.h = h;
    job.buf = pattern_buffer (40000, 1);
    t = g_thread_new ("push", push_thread, &job);
    wait_full (ring ? ring : peek);
    fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
    g_thread_join (t);
    fail_unless_equals_int (job.ret, GST_FLOW_FLUSHING);
    fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));

    /* after the flush the sink works again */
    gst_harness_set_src_caps_str (h, AUDIO_CAPS);
    rb_ring_skip (ring ? ring : peek, 4096);
    fail_unless_equals_int (gst_harness_push (h, pattern_buffer (400, 2)),
        GST_FLOW_OK);
    gst_harness_teardown (h);
    g_clear_object (&peek);
    g_clear_object (&ring);
  }
}

GST_END_TEST;

/* Going to NULL while render waits for space must not hang. */
RB_TEST (test_unlock_sink_state_change)
{
  RbRing *ring = small_audio_ring ();
  GstHarness *h = sink_harness (make_element ("ringsink", "ring", ring, NULL),
      AUDIO_CAPS);
  PushJob job = { h, pattern_buffer (40000, 1), GST_FLOW_OK };
  GThread *t = g_thread_new ("push", push_thread, &job);

  wait_full (ring);
  fail_unless_equals_int (gst_element_set_state (h->element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_thread_join (t);
  fail_unless_equals_int (job.ret, GST_FLOW_FLUSHING);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* PLAYING -> PAUSED while blocked: render waits for PLAYING again and
 * then finishes the buffer; nothing is lost. */
RB_TEST (test_sink_pause_while_blocked)
{
  RbRing *ring = small_audio_ring ();
  GstHarness *h = sink_harness (make_element ("ringsink", "ring", ring, NULL),
      AUDIO_CAPS);
  PushJob job = { h, pattern_buffer (4 * 1500, 1), GST_FLOW_ERROR };
  GThread *t = g_thread_new ("push", push_thread, &job);
  guint8 out[4 * 1500];

  wait_full (ring);
  gst_element_set_state (h->element, GST_STATE_PAUSED);
  gst_element_get_state (h->element, NULL, NULL, GST_CLOCK_TIME_NONE);
  fail_unless_equals_int (rb_ring_read (ring, out, 4096), 4096);
  gst_element_set_state (h->element, GST_STATE_PLAYING);
  g_thread_join (t);
  fail_unless_equals_int (job.ret, GST_FLOW_OK);
  fail_unless_equals_int (rb_ring_read (ring, out + 4096, sizeof out),
      sizeof out - 4096);
  expect_pattern (out, sizeof out, 1);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* The three ways a source has nothing to read: an in-process ring handed
 * in (@k 0), an empty named ring (1), a name without a ring yet (2).
 * *@ring: the ring made, if any. */
static GstElement *
empty_src (guint k, const gchar * name, RbRing ** ring)
{
  *ring = NULL;
  if (k == 0) {
    *ring = small_audio_ring ();
    return make_element ("ringsrc", "ring", *ring, NULL);
  }
  if (k == 1)
    *ring = rb_ring_create (name, 4096, RB_RING_FLAGS_NONE,
        RB_RING_ROLE_PRODUCER, 0600, NULL);
  return make_element ("ringsrc", "ring-name", name, NULL);
}

/* Lets @src's streaming thread start and block in its wait. */
static void
let_src_block (GstElement * src)
{
  while (gst_pad_get_task_state (GST_BASE_SRC_PAD (src)) != GST_TASK_STARTED)
    g_usleep (1000);
  g_usleep (G_USEC_PER_SEC / 5);
}

static void
empty_src_done (guint k, const gchar * name, RbRing * ring)
{
  if (k == 1)
    rb_ring_unlink (name, NULL);
  g_clear_object (&ring);
}

/* A source blocked in create(): flush-start ends the wait (the streaming
 * task pauses with "flushing"), and so does going to NULL (teardown). */
RB_TEST (test_unlock_src)
{
  for (guint k = 0; k < 3; k++) {
    g_autofree gchar *name = test_ring_name ("srcunlock");
    RbRing *ring;
    GstElement *src = empty_src (k, name, &ring);
    GstHarness *h = src_harness (src);
    GstPad *pad = GST_BASE_SRC_PAD (src);

    let_src_block (src);
    fail_unless (gst_harness_push_upstream_event (h,
            gst_event_new_flush_start ()));
    while (gst_pad_get_task_state (pad) != GST_TASK_PAUSED)
      g_usleep (1000);
    fail_unless (gst_harness_push_upstream_event (h,
            gst_event_new_flush_stop (TRUE)));
    gst_harness_teardown (h);
    empty_src_done (k, name, ring);
  }
}

GST_END_TEST;

/* A source blocked in create() on an empty ring, or waiting for its ring
 * to appear, goes to NULL at once: unlock() cancels the wait. The timeout
 * is long, so a wait that nothing ended would last until its error. */
#define BLOCKED_TIMEOUT_S 10

RB_TEST (test_src_null_while_waiting)
{
  for (guint k = 0; k < 3; k++) {
    g_autofree gchar *name = test_ring_name ("srcnull");
    RbRing *ring;
    GstElement *src = empty_src (k, name, &ring);
    GstHarness *h;
    gint64 start, took;

    g_object_set (src, "timeout", BLOCKED_TIMEOUT_S * GST_SECOND, NULL);
    h = src_harness (src);
    let_src_block (src);
    start = g_get_monotonic_time ();
    fail_unless_equals_int (gst_element_set_state (src, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    took = g_get_monotonic_time () - start;
    fail_unless (took < BLOCKED_TIMEOUT_S * G_USEC_PER_SEC / 4,
        "case %u: going to NULL took %" G_GINT64_FORMAT " ms", k,
        took / 1000);
    gst_harness_teardown (h);
    empty_src_done (k, name, ring);
  }
}

GST_END_TEST;

/* Someone else's rb_ring_interrupt() on a ring handed in (the
 * application's, or another element's on a shared object) is not the
 * source's to obey: it waits on, and reads what comes once the interrupt
 * is cleared. */
RB_TEST (test_src_ignores_foreign_interrupt)
{
  RbRing *ring = small_audio_ring ();
  GstElement *src = make_element ("ringsrc", "ring", ring, "buffer-frames",
      100, NULL);
  GstBus *bus = watch_bus (src);
  GstHarness *h = src_harness (src);
  GstBuffer *want = pattern_buffer (400, 3);
  GstMessage *m;

  let_src_block (src);
  rb_ring_interrupt (ring);
  g_usleep (G_USEC_PER_SEC / 5);
  fail_unless_equals_int (gst_pad_get_task_state (GST_BASE_SRC_PAD (src)),
      GST_TASK_STARTED);
  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (m == NULL, "an error after a foreign interrupt");
  rb_ring_clear_interrupt (ring);
  {
    GstMapInfo map;

    gst_buffer_map (want, &map, GST_MAP_READ);
    fail_unless_equals_int (rb_ring_write (ring, map.data, map.size), 400);
    gst_buffer_unmap (want, &map);
  }
  expect_bytes (h, want, 400);
  gst_buffer_unref (want);
  unwatch_bus (src, bus);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* --- the source waits, times out, loses its producer -------------------- */

RB_TEST (test_src_waits_for_ring)
{
  g_autofree gchar *name = NULL;
  GstHarness *h = named_harness ("ringsrc", "later", &name, NULL,
      "buffer-frames", 10, NULL);
  RbRing *ring;
  GstBuffer *buf;
  guint8 data[80];

  g_usleep (G_USEC_PER_SEC / 10);
  ring = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_F32LE, 2, 48000, 1024,
      RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, 0600, NULL);
  fail_unless (ring != NULL);
  memset (data, 7, sizeof data);
  fail_unless_equals_int (rb_ring_write (ring, data, sizeof data), 80);
  buf = gst_harness_pull (h);
  fail_unless (buf != NULL);
  fail_unless_equals_int (gst_buffer_get_size (buf), 80);
  fail_unless (gst_buffer_memcmp (buf, 0, data, 80) == 0);
  gst_buffer_unref (buf);
  gst_harness_teardown (h);
  rb_ring_unlink (name, NULL);
  g_object_unref (ring);
}

GST_END_TEST;

RB_TEST (test_src_timeout)
{
  g_autofree gchar *name = test_ring_name ("never");
  g_autofree gchar *msg = NULL;
  GstElement *src = gst_object_ref_sink (make_element ("ringsrc",
          "ring-name", name, "timeout", 50 * GST_MSECOND, NULL));
  GstBus *bus = watch_bus (src);
  GstHarness *h = src_harness (src);
  RbRing *ring;

  msg = expect_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND);
  fail_unless (strstr (msg, name) != NULL, "%s", msg);
  gst_harness_teardown (h);
  g_clear_pointer (&msg, g_free);
  /* GstBaseSrc follows our error with its own flow error */
  gst_bus_set_flushing (bus, TRUE);
  gst_bus_set_flushing (bus, FALSE);

  /* no data within the timeout: RESOURCE/READ */
  ring = rb_ring_create (name, 4096, RB_RING_FLAGS_NONE,
      RB_RING_ROLE_PRODUCER, 0600, NULL);
  fail_unless (ring != NULL);
  h = src_harness (src);
  msg = expect_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ);
  gst_harness_teardown (h);
  rb_ring_unlink (name, NULL);
  g_object_unref (ring);
  unwatch_bus (src, bus);
  gst_object_unref (src);
}

GST_END_TEST;

/* The producer detaches without ending the stream: what it wrote comes
 * out first, then EOS, an error, or a wait for the next producer. */
RB_TEST (test_src_peer_loss)
{
  for (gint mode = 0; mode < 3; mode++) {
    g_autofree gchar *name = test_ring_name ("loss");
    GstElement *src = make_element ("ringsrc", "ring-name", name,
        "on-peer-loss", mode, "buffer-frames", 100, NULL);
    GstBus *bus = watch_bus (src);
    RbRing *producer = open_producer (name);
    guint8 data[300];
    GstHarness *h;
    GstBuffer *buf;
    gsize got = 0;

    memset (data, 1, sizeof data);
    rb_ring_write (producer, data, sizeof data);
    h = src_harness (src);
    /* detach: 150 frames written, one full buffer and a partial one */
    g_object_unref (producer);
    while (got < sizeof data) {
      buf = gst_harness_pull (h);
      fail_unless (buf != NULL);
      got += gst_buffer_get_size (buf);
      gst_buffer_unref (buf);
    }
    fail_unless_equals_int (got, sizeof data);

    if (mode == 0 /* eos */) {
      GstEvent *ev = pull_event_of_type (h, GST_EVENT_EOS);

      gst_event_unref (ev);
    } else if (mode == 2 /* error */) {
      g_free (expect_error (bus, GST_RESOURCE_ERROR,
              GST_RESOURCE_ERROR_READ));
    } else {
      /* a restarted producer carries on in the same ring */
      producer = rb_ring_open (name, RB_RING_ROLE_PRODUCER, NULL);
      fail_unless (producer != NULL);
      memset (data, 2, sizeof data);
      rb_ring_write (producer, data, 200);
      buf = gst_harness_pull (h);
      fail_unless (buf != NULL);
      fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT));
      fail_unless_equals_int (gst_buffer_get_size (buf), 200);
      fail_unless (gst_buffer_memcmp (buf, 0, data, 200) == 0);
      /* positions continue: 150 frames before, so offset 150 */
      fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 150);
      gst_buffer_unref (buf);
      g_object_unref (producer);
    }
    unwatch_bus (h->element, bus);
    gst_harness_teardown (h);
    rb_ring_unlink (name, NULL);
  }
}

GST_END_TEST;

/* on-peer-loss=wait follows the name to a new ring made by a restarted
 * ringsink, even of another format. */
RB_TEST (test_src_follows_new_ring)
{
  g_autofree gchar *name = test_ring_name ("restart");
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring-name", name,
          "on-peer-loss", 1 /* wait */, "buffer-frames", 100,
          NULL));
  GstHarness *hsink;
  GstBuffer *buf;
  GstCaps *caps;
  gint rate = 0;

  hsink = sink_harness (make_element ("ringsink", "ring-name", name, NULL),
      AUDIO_CAPS);
  fail_unless_equals_int (gst_harness_push (hsink, pattern_buffer (400, 1)),
      GST_FLOW_OK);
  buf = gst_harness_pull (hsrc);
  fail_unless_equals_int (gst_buffer_get_size (buf), 400);
  gst_buffer_unref (buf);
  /* stop without EOS: the sink removes its ring's name */
  gst_harness_teardown (hsink);

  hsink = sink_harness (make_element ("ringsink", "ring-name", name, NULL),
      "audio/x-raw, format=S16LE, rate=16000, channels=1, "
      "layout=interleaved");
  fail_unless_equals_int (gst_harness_push (hsink, pattern_buffer (200, 2)),
      GST_FLOW_OK);
  buf = gst_harness_pull (hsrc);
  fail_unless (buf != NULL);
  fail_unless_equals_int (gst_buffer_get_size (buf), 200);
  fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT));
  gst_buffer_unref (buf);
  caps = gst_pad_get_current_caps (hsrc->sinkpad);
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "rate", &rate);
  fail_unless_equals_int (rate, 16000);
  gst_caps_unref (caps);
  gst_harness_teardown (hsink);
  gst_harness_teardown (hsrc);
}

GST_END_TEST;

RB_TEST_MAIN (waits, 0);
