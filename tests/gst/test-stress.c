/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* R11's volume tests: 10,000 buffers byte-exact, state changes under
 * load, 1,000 NULL <-> PLAYING cycles that leave no fd and no ring behind.
 * RB_GST_STRESS_SECONDS shortens or lengthens the state-change test
 * (default 10). */

#include "gst-test-common.h"

#include <stdlib.h>

#define AUDIO_CAPS "audio/x-raw, format=S16LE, rate=48000, channels=2, " \
  "layout=interleaved"

typedef struct
{
  GstHarness *h;
  guint n;
  gboolean records;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < p->n; i++) {
    /* records keep buffer boundaries; audio needs whole frames */
    gsize size = p->records ? 1 + (i * 7919) % 3000 : 4 * (1 + i % 500);
    GstBuffer *buf = pattern_buffer (size, i);

    GST_BUFFER_PTS (buf) = i * GST_MSECOND;
    GST_BUFFER_OFFSET (buf) = i;
    fail_unless_equals_int (gst_harness_push (p->h, buf), GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (p->h, gst_event_new_eos ()));
  return NULL;
}

static void
stream_exact (gboolean records)
{
  g_autofree gchar *name = test_ring_name ("tenk");
  GstElement *sink = make_element ("ringsink", "ring-name", name,
      "capacity", (guint64) 65536, NULL);
  GstHarness *hsink = sink_harness (sink, records ?
      "application/x-ringbridge-test" : AUDIO_CAPS);
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring-name", name,
          "timeout", 30 * GST_SECOND, NULL));
  Producer p = { hsink, 10000, records };
  GThread *t = g_thread_new ("producer", produce, &p);
  GByteArray *want = g_byte_array_new ();
  gsize offset = 0, total;
  guint n = 0;

  for (guint i = 0; i < p.n; i++) {
    gsize size = records ? 1 + (i * 7919) % 3000 : 4 * (1 + i % 500);
    GstBuffer *buf = pattern_buffer (size, i);

    append_buffer (want, buf);
    gst_buffer_unref (buf);
  }
  total = want->len;

  while (offset < total) {
    GstBuffer *buf = gst_harness_pull (hsrc);
    gsize size;

    fail_unless (buf != NULL, "stream stopped at byte %" G_GSIZE_FORMAT,
        offset);
    size = gst_buffer_get_size (buf);
    fail_unless (offset + size <= total);
    fail_unless (gst_buffer_memcmp (buf, 0, want->data + offset, size) == 0,
        "buffer %u differs", n);
    if (records) {
      fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), n);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), n * GST_MSECOND);
    }
    offset += size;
    n++;
    gst_buffer_unref (buf);
  }
  if (records)
    fail_unless_equals_int (n, 10000);
  g_thread_join (t);
  gst_event_unref (pull_event_of_type (hsrc, GST_EVENT_EOS));
  g_byte_array_unref (want);
  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
}

RB_TEST (test_10000_buffers_records)
{
  stream_exact (TRUE);
}

GST_END_TEST;

RB_TEST (test_10000_buffers_audio)
{
  stream_exact (FALSE);
}

GST_END_TEST;

/* --- state changes under load ------------------------------------------ */

typedef struct
{
  GstHarness *h;
  gint stop;
  guint pulled;
} Drainer;

static gpointer
drain (gpointer data)
{
  Drainer *d = data;

  while (!g_atomic_int_get (&d->stop)) {
    GstBuffer *buf = gst_harness_try_pull (d->h);

    if (buf != NULL) {
      d->pulled++;
      gst_buffer_unref (buf);
    } else {
      g_usleep (500);
    }
    for (GstEvent * ev; (ev = gst_harness_try_pull_event (d->h)) != NULL;)
      gst_event_unref (ev);
  }
  return NULL;
}

static guint
stress_seconds (void)
{
  const gchar *s = g_getenv ("RB_GST_STRESS_SECONDS");

  return s != NULL ? (guint) MAX (1, atoi (s)) : 10;
}

/* Push into a ringsink while its state is cycled, with a ringsrc that
 * follows the ring from sink run to sink run; then cycle the source
 * while the sink pushes. Neither may hang, crash or warn, and both work
 * when it is over. */
RB_TEST (test_statechange_stress)
{
  g_autofree gchar *name = test_ring_name ("stress");
  /* the source leaves and comes back on purpose: the sink waits for it
   * (its default, on-peer-loss=error, would end the stream) */
  GstHarness *hsink = sink_harness (make_element ("ringsink", "ring-name",
          name, "capacity", (guint64) 16384, "on-peer-loss", 1 /* wait */ ,
          NULL), AUDIO_CAPS);
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring-name", name,
          "on-peer-loss", 1 /* wait */ , NULL));
  Drainer d = { hsrc, 0, 0 };
  GThread *drainer = g_thread_new ("drain", drain, &d);
  guint seconds = stress_seconds ();
  GstHarnessThread *st;
  GstBuffer *buf = pattern_buffer (4096, 1);
  guint ok = 0, cycles;
  gint64 end;

  for (guint phase = 0; phase < 2; phase++) {
    st = gst_harness_stress_statechange_start (phase == 0 ? hsink : hsrc);
    end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC / 2;
    while (g_get_monotonic_time () < end) {
      GstFlowReturn ret = gst_harness_push (hsink, gst_buffer_ref (buf));

      if (ret == GST_FLOW_OK) {
        ok++;
      } else {
        /* the sink was stopped: a new run needs its caps again. The
         * harness's state-change thread also unlinks and relinks the
         * sink's pad at every cycle: a push in between is not-linked. */
        fail_unless (ret == GST_FLOW_FLUSHING || ret == GST_FLOW_NOT_NEGOTIATED
            || ret == GST_FLOW_EOS || (phase == 0 && ret == GST_FLOW_NOT_LINKED),
            "push: %s", gst_flow_get_name (ret));
        g_usleep (1000);
        gst_harness_set_src_caps_str (hsink, AUDIO_CAPS);
      }
    }
    cycles = gst_harness_stress_thread_stop (st);
    fail_unless (cycles > 10, "only %u state changes", cycles);
    gst_harness_play (phase == 0 ? hsink : hsrc);
  }
  fail_unless (ok > 0);
  g_atomic_int_set (&d.stop, 1);
  g_thread_join (drainer);

  /* both still work: a marker goes through */
  {
    /* two of the source's 4096-byte buffers: at least one ends in it */
    GstBuffer *marker = gst_buffer_new_allocate (NULL, 8192, NULL);
    gboolean found = FALSE;

    gst_buffer_memset (marker, 0, 0x5a, 8192);
    gst_harness_set_src_caps_str (hsink, AUDIO_CAPS);
    fail_unless_equals_int (gst_harness_push (hsink, marker), GST_FLOW_OK);
    while (!found) {
      GstBuffer *out = gst_harness_pull (hsrc);
      GstMapInfo map;

      fail_unless (out != NULL);
      gst_buffer_map (out, &map, GST_MAP_READ);
      found = map.size >= 4 && map.data[map.size - 1] == 0x5a &&
          map.data[map.size - 4] == 0x5a;
      gst_buffer_unmap (out, &map);
      gst_buffer_unref (out);
    }
  }
  gst_buffer_unref (buf);
  gst_harness_teardown (hsrc);
  gst_harness_teardown (hsink);
}

GST_END_TEST;

/* --- cycles -------------------------------------------------------------- */

static void
cycle_once (GstElement * pipeline)
{
  GstStateChangeReturn ret;

  ret = gst_element_set_state (pipeline, GST_STATE_PLAYING);
  fail_unless (ret != GST_STATE_CHANGE_FAILURE);
  ret = gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND);
  fail_unless (ret == GST_STATE_CHANGE_SUCCESS ||
      ret == GST_STATE_CHANGE_NO_PREROLL, "state change: %d", ret);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
}

/* 1,000 NULL <-> PLAYING cycles of a pipeline that makes a named ring and
 * reads it: the same fds and /dev/shm entries afterwards. One cycle runs
 * before counting, for what GStreamer opens once (its clock's poll). */
RB_TEST (test_1000_cycles)
{
  g_autofree gchar *name = test_ring_name ("cycles");
  g_autofree gchar *desc = g_strdup_printf ("audiotestsrc "
      "samplesperbuffer=480 ! " AUDIO_CAPS " ! ringsink ring-name=%s "
      "sync=false ringsrc ring-name=%s is-live=true ! fakesink sync=false "
      "async=false", name, name);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  guint fds, rings;

  fail_unless (pipeline != NULL);
  cycle_once (pipeline);
  fds = count_fds ();
  rings = count_shm_rings ();
  for (guint i = 0; i < 1000; i++)
    cycle_once (pipeline);
  fail_unless_equals_int (count_fds (), fds);
  fail_unless_equals_int (count_shm_rings (), rings);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR) == NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

RB_TEST_MAIN (stress, 200);
