/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink and ringsrc against what goes wrong (issue #11): a stream
 * without caps, overwrites that must show as DISCONT, a consumer that dies
 * under a blocked sink, the clock flag, negotiation that must consume
 * nothing, hostile records (run with G_DEBUG=fatal-criticals), rings
 * writable by others, and the errors on attach (busy, not a ring). */

#include "gst-test-common.h"

#include <gst/audio/audio.h>

#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* --- a stream without caps (#11 item 1) --------------------------------- */

/* shmsink/shmsrc carry bytes without caps; so do ringsink and ringsrc:
 * the bytes arrive whole, timestamps too, and the end of the stream. */
RB_TEST (test_capsless_stream)
{
  g_autofree gchar *name = test_ring_name ("nocaps");
  GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring-name", name,
          "timeout", 10 * GST_SECOND, NULL));
  GstHarness *hsink = sink_harness (make_element ("ringsink", "ring-name",
          name, NULL), NULL);
  GByteArray *out = g_byte_array_new ();
  GByteArray *want = g_byte_array_new ();
  GstSegment segment;
  GstEvent *ev;

  /* no caps event: the harness sends the stream start and segment only
   * with caps */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (hsink,
          gst_event_new_stream_start ("nocaps")));
  fail_unless (gst_harness_push_event (hsink,
          gst_event_new_segment (&segment)));
  for (guint i = 0; i < 5; i++) {
    GstBuffer *in = pattern_buffer (1000 + i * 7, i);

    GST_BUFFER_PTS (in) = i * GST_SECOND;
    append_buffer (want, in);
    fail_unless_equals_int (gst_harness_push (hsink, in), GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (hsink, gst_event_new_eos ()));

  for (guint i = 0; i < 5; i++) {
    GstBuffer *buf = gst_harness_pull (hsrc);

    fail_unless (buf != NULL, "buffer %u did not arrive", i);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), i * GST_SECOND);
    append_buffer (out, buf);
    gst_buffer_unref (buf);
  }
  fail_unless_equals_int (out->len, want->len);
  fail_unless (memcmp (out->data, want->data, want->len) == 0);
  ev = pull_event_of_type (hsrc, GST_EVENT_EOS);
  gst_event_unref (ev);

  g_byte_array_unref (out);
  g_byte_array_unref (want);
  gst_harness_teardown (hsink);
  gst_harness_teardown (hsrc);
}

GST_END_TEST;

/* --- overwrites show as DISCONT (#11 item 2) ---------------------------- */

/* A consumer of an overwrite ring that falls behind loses data: the
 * buffer after every jump carries DISCONT, and its offset and timestamp
 * show the jump. */
RB_TEST (test_overwrite_discont)
{
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 1, 8000, 1024,
      RB_RING_FLAGS_OVERWRITE, NULL);
  GstHarness *h;
  guint64 expect = 0;
  guint jumps = 0, total = 0;
  gint16 frames[3000];

  memset (frames, 0, sizeof frames);
  fail_unless (ring != NULL);
  h = src_harness (make_element ("ringsrc", "ring", ring, "buffer-frames",
          100, NULL));
  /* three laps: 300 frames read, then 3000 written at once, twice */
  rb_ring_write_frames (ring, frames, 300);
  for (guint round = 0; round < 3; round++) {
    for (;;) {
      GstBuffer *buf = gst_harness_pull (h);
      guint64 off;

      fail_unless (buf != NULL);
      off = GST_BUFFER_OFFSET (buf);
      if (expect == 0 && total == 0) {
        fail_unless_equals_uint64 (off, 0);
      } else if (off != expect) {
        fail_unless (off > expect, "offset went back: %" G_GUINT64_FORMAT
            " after %" G_GUINT64_FORMAT, off, expect);
        fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT),
            "offset jumped %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT
            " without DISCONT", expect, off);
        /* the timestamps follow the frames: 8000 Hz */
        fail_unless_equals_uint64 (GST_BUFFER_PTS (buf),
            gst_util_uint64_scale (off, GST_SECOND, 8000));
        jumps++;
      } else if (total > 0) {
        fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT),
            "DISCONT at %" G_GUINT64_FORMAT " without a jump", off);
      }
      expect = GST_BUFFER_OFFSET_END (buf);
      total++;
      gst_buffer_unref (buf);
      /* the source waits for whole buffers of 100 frames */
      if (rb_ring_get_write_position (ring) / 2 - expect < 100)
        break;
    }
    if (round < 2)
      rb_ring_write_frames (ring, frames, 3000);
  }
  fail_unless_equals_int (jumps, 2);
  gst_harness_teardown (h);
  g_object_unref (ring);
}

GST_END_TEST;

/* --- a dead consumer under a blocked sink (#11 item 5) ------------------ */

static void
consumer_that_dies (const gchar * name)
{
  pid_t pid = fork ();
  int status = 0;

  fail_unless (pid >= 0);
  if (pid == 0) {
    RbRing *ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, NULL);

    /* no detach: as if killed */
    _exit (ring != NULL ? 0 : 1);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

/* The default: an error naming the dead consumer's pid, within a wait
 * slice or so, never a silent wait for ever. */
RB_TEST (test_sink_dead_consumer_error)
{
  g_autofree gchar *name = test_ring_name ("deadcons");
  g_autofree gchar *msg = NULL;
  GstElement *sink = gst_object_ref (make_element ("ringsink", "ring-name",
          name, "capacity", (guint64) 4096, NULL));
  GstBus *bus = watch_bus (sink);
  GstHarness *h = sink_harness (sink, "audio/x-raw, format=S16LE, "
      "rate=48000, channels=2, layout=interleaved");
  GstFlowReturn ret = GST_FLOW_OK;
  gint64 start;

  fail_unless_equals_int (gst_harness_push (h, pattern_buffer (1024, 0)),
      GST_FLOW_OK);
  consumer_that_dies (name);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 16 && ret == GST_FLOW_OK; i++)
    ret = gst_harness_push (h, pattern_buffer (1024, i));
  fail_unless_equals_int (ret, GST_FLOW_ERROR);
  fail_unless (g_get_monotonic_time () - start < 2 * G_USEC_PER_SEC);
  msg = expect_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE);
  fail_unless (strstr (msg, "consumer") != NULL, "%s", msg);
  fail_unless (strstr (msg, "pid") != NULL, "%s", msg);
  unwatch_bus (sink, bus);
  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* on-peer-loss=wait: the sink waits for a new consumer, which then reads
 * everything. */
static gpointer
push_one (gpointer h)
{
  return GINT_TO_POINTER (gst_harness_push (h, pattern_buffer (1024, 9)));
}

RB_TEST (test_sink_dead_consumer_wait)
{
  g_autofree gchar *name = test_ring_name ("deadwait");
  GstElement *sink = make_element ("ringsink", "ring-name", name,
      "capacity", (guint64) 4096, "on-peer-loss", 1 /* wait */, NULL);
  GstHarness *h = sink_harness (sink, "audio/x-raw, format=S16LE, "
      "rate=48000, channels=2, layout=interleaved");
  RbRing *ring;
  GThread *thread;
  guint8 out[4096];

  for (guint i = 0; i < 4; i++)
    fail_unless_equals_int (gst_harness_push (h, pattern_buffer (1024, i)),
        GST_FLOW_OK);
  consumer_that_dies (name);
  /* full, the consumer dead: the push waits past the death ... */
  thread = g_thread_new ("push", push_one, h);
  g_usleep (200 * 1000);
  /* ... for a new consumer, which reads what is there */
  ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, NULL);
  fail_unless (ring != NULL);
  fail_unless_equals_int (rb_ring_read (ring, out, 4096), 4096);
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (thread)),
      GST_FLOW_OK);
  fail_unless_equals_int (rb_ring_read (ring, out, 4096), 1024);
  g_object_unref (ring);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* --- restarts (#11 item 12) -------------------------------------------- */

/* A sink whose caps the ring refuses gets the EOS GstBaseSrc sends after
 * not-negotiated: it must not end the ring's stream, which a reader
 * waiting for a producer would take as final. */
RB_TEST (test_refused_caps_write_no_eos)
{
  g_autofree gchar *name = test_ring_name ("refused");
  g_autoptr (GError) error = NULL;
  RbRing *consumer = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 2,
      48000, 1024, RB_RING_FLAGS_NONE, RB_RING_ROLE_CONSUMER, 0600, &error);
  GstElement *sink = make_element ("ringsink", "ring-name", name, NULL);
  GstHarness *h;

  fail_unless (consumer != NULL, "%s", error ? error->message : "");
  h = sink_harness (sink, "audio/x-raw, format=F32LE, rate=44100, "
      "channels=1, layout=interleaved");
  /* refused at accept-caps (the sink offers the ring's caps), so set_caps
   * never runs */
  fail_unless_equals_int (gst_harness_push (h, pattern_buffer (400, 1)),
      GST_FLOW_NOT_NEGOTIATED);
  gst_harness_push_event (h, gst_event_new_eos ());
  fail_if (rb_ring_is_end_of_stream (consumer),
      "a sink that never negotiated ended the ring's stream");
  gst_harness_teardown (h);
  rb_ring_unlink (name, NULL);
  g_object_unref (consumer);
}

GST_END_TEST;

/* A ringsink on ring @name that has written a buffer of S16LE audio. */
static GstHarness *
sink_pushed_audio (const gchar * name)
{
  GstHarness *h = sink_harness (make_element ("ringsink", "ring-name", name,
          NULL), "audio/x-raw, format=S16LE, rate=48000, channels=2, "
      "layout=interleaved");

  fail_unless_equals_int (gst_harness_push (h, pattern_buffer (400, 1)),
      GST_FLOW_OK);
  return h;
}

/* A sink that took over a ring whose creator died removes its name when
 * it stops, as the creator would have; a ring whose creator lives stays. */
RB_TEST (test_adopted_ring_name_removed)
{
  g_autofree gchar *name = test_ring_name ("adopt");
  g_autofree gchar *path = rb_ring_name_to_path (name);
  g_autoptr (GError) error = NULL;
  RbRing *consumer;
  GstHarness *h;
  pid_t pid;
  int status;

  /* a creator that dies: a child makes the ring and exits */
  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    RbRing *r = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 2, 48000,
        1024, RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, 0600, NULL);

    _exit (r != NULL ? 0 : 1);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  /* a live consumer keeps it from being stale */
  consumer = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  fail_unless (consumer != NULL, "%s", error ? error->message : "");

  h = sink_pushed_audio (name);
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS));
  gst_harness_teardown (h);
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS),
      "the taken-over ring's name stayed");
  g_object_unref (consumer);

  /* the creator lives (the test is it): the name stays */
  consumer = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 2, 48000,
      1024, RB_RING_FLAGS_NONE, RB_RING_ROLE_CONSUMER, 0600, &error);
  fail_unless (consumer != NULL, "%s", error ? error->message : "");
  h = sink_pushed_audio (name);
  gst_harness_teardown (h);
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS));
  rb_ring_unlink (name, NULL);
  g_object_unref (consumer);
}

GST_END_TEST;

/* --- the clock flag (#11 item 15) --------------------------------------- */

/* gst-inspect-1.0 and GstBin go by the flag, which a fresh element has;
 * only a live source gives its clock to a pipeline. */
RB_TEST (test_clock_flag)
{
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_F32LE, 1, 1000, 4096,
      RB_RING_FLAGS_NONE, NULL);
  GstElement *src = make_element ("ringsrc", "ring", ring, NULL);
  GstClock *clock;

  fail_unless (GST_OBJECT_FLAG_IS_SET (src, GST_ELEMENT_FLAG_PROVIDE_CLOCK));
  clock = gst_element_provide_clock (src);
  fail_unless (clock == NULL, "a non-live source offers a clock");
  g_object_set (src, "is-live", TRUE, NULL);
  clock = gst_element_provide_clock (src);
  fail_unless (clock != NULL);
  gst_object_unref (clock);
  g_object_set (src, "provide-clock", FALSE, NULL);
  fail_if (GST_OBJECT_FLAG_IS_SET (src, GST_ELEMENT_FLAG_PROVIDE_CLOCK));
  fail_unless (gst_element_provide_clock (src) == NULL);
  gst_object_unref (src);
  g_object_unref (ring);
}

GST_END_TEST;

/* --- negotiation consumes nothing (#11 item 21) ------------------------- */

RB_TEST (test_not_negotiated_consumes_nothing)
{
  const gchar *kinds[] = { "audio", "records" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++) {
    g_autofree gchar *name = test_ring_name ("noneg");
    g_autofree gchar *launch = g_strdup_printf ("ringsrc ring-name=%s ! "
        "capsfilter caps=audio/x-raw,format=S16LE", name);
    g_autofree gchar *msg = NULL;
    g_autoptr (GError) error = NULL;
    RbRing *producer, *consumer;
    GstHarness *h;
    GstBus *bus;
    guint8 data[8192];
    guint64 written;

    memset (data, 0, sizeof data);
    if (k == 0) {
      producer = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_F32LE, 2,
          48000, 4096, RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, 0600,
          &error);
      fail_unless (producer != NULL, "%s", error ? error->message : "");
      rb_ring_write (producer, data, sizeof data);
    } else {
      const gchar *caps = "audio/x-raw, format=(string)F32LE, "
          "layout=(string)non-interleaved, rate=(int)48000, channels=(int)2";
      RbRecordInfo info;

      producer = rb_ring_create (name, 65536, RB_RING_FLAGS_RECORDS,
          RB_RING_ROLE_PRODUCER, 0600, &error);
      fail_unless (producer != NULL, "%s", error ? error->message : "");
      rb_record_info_init (&info, RB_RECORD_TYPE_CAPS, strlen (caps) + 1);
      fail_unless (rb_ring_write_record (producer, &info,
              (const guint8 *) caps, strlen (caps) + 1));
      rb_record_info_init (&info, RB_RECORD_TYPE_DATA, 4096);
      fail_unless (rb_ring_write_record (producer, &info, data, 4096));
    }
    written = rb_ring_get_write_position (producer);

    h = gst_harness_new_parse (launch);
    bus = watch_bus (h->element);
    /* Not gst_harness_play(): it asserts that the state change succeeds,
     * and the refusal this test provokes can come from the streaming
     * thread while the bin is still changing state, which then fails (a
     * loaded machine showed it). The error message is the test. */
    (void) gst_element_set_state (h->element, GST_STATE_PLAYING);
    msg = expect_error (bus, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION);
    fail_unless (strstr (msg, "F32LE") != NULL, "%s", msg);
    fail_unless (strstr (msg, "S16LE") != NULL, "%s", msg);
    unwatch_bus (h->element, bus);
    gst_harness_teardown (h);

    /* the next consumer gets everything */
    consumer = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
    fail_unless (consumer != NULL, "%s", error ? error->message : "");
    fail_unless_equals_uint64 (rb_ring_get_read_position (consumer), 0);
    fail_unless_equals_uint64 (rb_ring_read_available (consumer), written);
    g_object_unref (consumer);
    rb_ring_unlink (name, NULL);
    g_object_unref (producer);
  }
}

GST_END_TEST;

/* --- hostile records (#11 item 22) -------------------------------------- */

typedef struct
{
  guint32 type;
  gint64 pts;
  gint64 duration;
  const gchar *caps;            /* CAPS and EVENT payload */
  guint32 flags;                /* EVENT: the event type */
  gdouble rate;                 /* SEGMENT: rate, 0 = 1.0 */
  guint64 start, stop;          /* SEGMENT */
  guint32 format;               /* SEGMENT: 0 = TIME */
} Rec;

#define CAPS_OK "application/x-test, n=(int)1"

static void
write_rec (RbRing * ring, const Rec * r)
{
  RbRecordInfo info;
  guint8 payload[256];
  gsize size = 0;

  memset (payload, 0, sizeof payload);
  if (r->type == RB_RECORD_TYPE_CAPS || r->type == RB_RECORD_TYPE_EVENT) {
    size = strlen (r->caps) + 1;
    memcpy (payload, r->caps, size);
  } else if (r->type == RB_RECORD_TYPE_SEGMENT) {
    /* the wire form of gstringrecords.c: format, flags, rate,
     * applied_rate, base, offset, start, stop, time, position, duration */
    guint32 format = r->format ? r->format : GST_FORMAT_TIME, flags = 0;
    gdouble rate = r->rate != 0.0 ? r->rate : 1.0, applied = 1.0;
    guint64 zero = 0, none = G_MAXUINT64;

    memcpy (payload, &format, 4);
    memcpy (payload + 4, &flags, 4);
    memcpy (payload + 8, &rate, 8);
    memcpy (payload + 16, &applied, 8);
    memcpy (payload + 24, &zero, 8);    /* base */
    memcpy (payload + 32, &zero, 8);    /* offset */
    memcpy (payload + 40, &r->start, 8);
    memcpy (payload + 48, &r->stop, 8);
    memcpy (payload + 56, &zero, 8);    /* time */
    memcpy (payload + 64, &r->start, 8);        /* position */
    memcpy (payload + 72, &none, 8);    /* duration */
    size = 80;
  } else if (r->type == RB_RECORD_TYPE_DATA) {
    size = 16;
  }
  rb_record_info_init (&info, r->type, (guint32) size);
  info.flags = r->flags;
  info.offset = r->start;
  info.pts = r->pts;
  info.duration = r->duration;
  fail_unless (rb_ring_write_record (ring, &info, payload, size));
}

/* Runs ringsrc ! fakesink on @ring until EOS or an error. */
static GstMessageType
run_records (RbRing * ring)
{
  GstElement *pipe = gst_pipeline_new (NULL);
  GstElement *src = make_element ("ringsrc", "ring", ring, NULL);
  GstElement *sink = make_element ("fakesink", "sync", FALSE, NULL);
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg;
  GstMessageType type;

  gst_bin_add_many (GST_BIN (pipe), src, sink, NULL);
  fail_unless (gst_element_link (src, sink));
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "neither EOS nor an error");
  type = GST_MESSAGE_TYPE (msg);
  gst_message_unref (msg);
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return type;
}

/* Each case: records a peer may write that GStreamer's constructors
 * refuse with a critical. The element skips them with a warning or posts
 * an error; with fatal criticals a critical fails the test. */
RB_TEST (test_hostile_records)
{
  const Rec caps = {.type = RB_RECORD_TYPE_CAPS,.caps = CAPS_OK };
  const Rec seg = {.type = RB_RECORD_TYPE_SEGMENT,.stop = G_MAXUINT64 };
  const Rec data = {.type = RB_RECORD_TYPE_DATA,.pts = 0,.duration = 10 };
  const Rec eos = {.type = RB_RECORD_TYPE_EOS };
  const Rec gap_none = {.type = RB_RECORD_TYPE_GAP,.pts = -1,.duration = -1 };
  const Rec seg_reverse = {.type = RB_RECORD_TYPE_SEGMENT,.rate = -1.0,
    .stop = G_MAXUINT64
  };
  const Rec seg_no_start = {.type = RB_RECORD_TYPE_SEGMENT,
    .start = G_MAXUINT64,.stop = G_MAXUINT64
  };
  const Rec seg_nan = {.type = RB_RECORD_TYPE_SEGMENT,.rate = NAN,
    .stop = G_MAXUINT64
  };
  const Rec *cases[][6] = {
    /* a gap without a timestamp, after a buffer (an event) ... */
    {&caps, &seg, &data, &gap_none, &data, &eos},
    /* ... and before one (a gap buffer) */
    {&caps, &seg, &gap_none, &data, &eos, NULL},
    /* reverse playback without a stop */
    {&caps, &seg_reverse, &data, &eos, NULL, NULL},
    {&caps, &seg, &data, &seg_reverse, &data, &eos},
    /* a segment without a start, and a rate that is not a number */
    {&caps, &seg_no_start, &data, &eos, NULL, NULL},
    {&caps, &seg_nan, &data, &eos, NULL, NULL},
    /* a segment and a gap before the caps (sticky event misordering) */
    {&seg, &caps, &data, &eos, NULL, NULL},
    {&seg, &gap_none, &caps, &data, &eos, NULL},
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++) {
    RbRing *ring = rb_ring_new_full (65536, RB_RING_FLAGS_RECORDS, NULL);

    for (guint i = 0; i < 6 && cases[c][i] != NULL; i++)
      write_rec (ring, cases[c][i]);
    rb_ring_set_end_of_stream (ring);
    GST_INFO ("case %u", c);
    run_records (ring);
    g_object_unref (ring);
  }
}

GST_END_TEST;

/* Random records built from good ones with fields flipped: no critical,
 * always EOS or an error. */
RB_TEST (test_records_fuzz)
{
  GRand *rand = g_rand_new_with_seed (11);
  const gint64 times[] = { 0, 1, -1, -2, G_MAXINT64, G_MININT64, 1000 };
  const guint64 pos[] = { 0, 1, G_MAXUINT64, G_MAXUINT64 - 1, 1000,
    G_MAXINT64
  };
  const gdouble rates[] = { 1.0, -1.0, 2.0, -0.5, NAN, INFINITY, 1e-300 };
  const gchar *capss[] = { CAPS_OK, "ANY", "EMPTY", "audio/x-raw",
    "video/x-raw, width=(int)-5", "x/y, a=(fraction)1/0", "", "(((",
    "taglist, title=(string)x", "taglist, title=(int)5",
    "taglist, no-such-tag=(int)1", "custom, a=(int)1"
  };
  const guint32 events[] = { GST_EVENT_TAG, GST_EVENT_CUSTOM_DOWNSTREAM,
    GST_EVENT_CUSTOM_DOWNSTREAM_STICKY, GST_EVENT_EOS, GST_EVENT_SEGMENT,
    GST_EVENT_CAPS, 0, 0xffffffff
  };
  guint runs = 0, errors = 0;

  for (guint run = 0; run < 300; run++) {
    RbRing *ring = rb_ring_new_full (65536, RB_RING_FLAGS_RECORDS, NULL);
    guint n = g_rand_int_range (rand, 1, 9);

    for (guint i = 0; i < n; i++) {
      Rec r = { 0 };

      r.type = g_rand_int_range (rand, 0, 7);
      if (r.type == RB_RECORD_TYPE_EOS)
        r.type = RB_RECORD_TYPE_DATA;
      r.pts = times[g_rand_int_range (rand, 0, G_N_ELEMENTS (times))];
      r.duration = times[g_rand_int_range (rand, 0, G_N_ELEMENTS (times))];
      r.caps = capss[g_rand_int_range (rand, 0, G_N_ELEMENTS (capss))];
      r.rate = rates[g_rand_int_range (rand, 0, G_N_ELEMENTS (rates))];
      r.start = pos[g_rand_int_range (rand, 0, G_N_ELEMENTS (pos))];
      r.stop = pos[g_rand_int_range (rand, 0, G_N_ELEMENTS (pos))];
      r.format = g_rand_int_range (rand, 0, 6);
      r.flags = events[g_rand_int_range (rand, 0, G_N_ELEMENTS (events))];
      if (r.type == 6)
        r.type = RB_RECORD_TYPE_GAP;
      write_rec (ring, &r);
    }
    rb_ring_set_end_of_stream (ring);
    if (run_records (ring) == GST_MESSAGE_ERROR)
      errors++;
    runs++;
    g_object_unref (ring);
  }
  GST_INFO ("%u runs, %u errors", runs, errors);
  g_rand_free (rand);
}

GST_END_TEST;

/* --- rings writable by others (#11 item 26) ----------------------------- */

/* A ring made with permissions=0660 is refused by default, naming the
 * cause; open-flags=shared-write opts in, for ringsrc and for a ringsink
 * that attaches. */
RB_TEST (test_shared_write_opt_in)
{
  g_autofree gchar *name = test_ring_name ("perm");
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_create (name, 4096, RB_RING_FLAGS_NONE,
      RB_RING_ROLE_BOTH, 0660, &error);
  GFlagsClass *klass;
  GFlagsValue *v;
  GParamSpec *pspec;
  GstElement *el;
  GstHarness *h;
  GstBuffer *buf;
  guint8 data[100];

  fail_unless (ring != NULL, "%s", error ? error->message : "");
  /* tmpfs applies no umask to shm_open? make sure of the mode */
  {
    g_autofree gchar *path = rb_ring_name_to_path (name);

    fail_unless (chmod (path, 0660) == 0);
  }
  g_object_unref (ring);

  /* refused by default */
  expect_state_error (make_element ("ringsrc", "ring-name", name, NULL),
      GST_STATE_PAUSED, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "writable");

  /* the property takes the library's flags, by nick too */
  el = make_element ("ringsrc", NULL, NULL);
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (el), "open-flags");
  fail_unless (pspec != NULL, "ringsrc has no open-flags property");
  klass = g_type_class_ref (G_PARAM_SPEC_VALUE_TYPE (pspec));
  v = g_flags_get_value_by_nick (klass, "shared-write");
  fail_unless (v != NULL);
  fail_unless_equals_int (v->value, RB_RING_OPEN_FLAGS_SHARED_WRITE);
  g_type_class_unref (klass);
  gst_object_unref (el);

  /* a sink attaches with the opt-in and writes; a source reads with it */
  h = sink_harness (make_element ("ringsink", "ring-name", name,
          "open-flags", RB_RING_OPEN_FLAGS_SHARED_WRITE, NULL),
      "application/octet-stream");
  memset (data, 5, sizeof data);
  buf = gst_buffer_new_memdup (data, sizeof data);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  {
    GstHarness *hsrc = src_harness (make_element ("ringsrc", "ring-name",
            name, "open-flags", RB_RING_OPEN_FLAGS_SHARED_WRITE, NULL));

    buf = gst_harness_pull (hsrc);
    fail_unless (buf != NULL);
    fail_unless_equals_int (gst_buffer_get_size (buf), sizeof data);
    fail_unless (gst_buffer_memcmp (buf, 0, data, sizeof data) == 0);
    gst_buffer_unref (buf);
    gst_harness_teardown (hsrc);
  }
  gst_harness_teardown (h);
  rb_ring_unlink (name, NULL);
}

GST_END_TEST;

/* --- errors on attach --------------------------------------------------- */

RB_TEST (test_busy)
{
  g_autofree gchar *name = test_ring_name ("busy");
  RbRing *producer = open_producer (name);

  expect_state_error (make_element ("ringsink", "ring-name", name, NULL),
      GST_STATE_PAUSED, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_BUSY,
      "producer");
  rb_ring_unlink (name, NULL);
  g_object_unref (producer);
}

GST_END_TEST;

RB_TEST (test_not_a_ring)
{
  g_autofree gchar *name = test_ring_name ("junk");
  g_autofree gchar *path = rb_ring_name_to_path (name);
  g_autofree gchar *msg = NULL;
  const gchar *factories[] = { "ringsrc", "ringsink" };
  gchar junk[8192];
  int fd;

  memset (junk, 'x', sizeof junk);
  fd = open (path, O_CREAT | O_EXCL | O_WRONLY, 0600);
  fail_unless (fd >= 0);
  fail_unless_equals_int (write (fd, junk, sizeof junk), sizeof junk);
  close (fd);

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++) {
    expect_state_error (make_element (factories[i], "ring-name", name,
            NULL), GST_STATE_PAUSED, GST_STREAM_ERROR,
        GST_STREAM_ERROR_FORMAT, NULL);
  }
  unlink (path);
}

GST_END_TEST;

RB_TEST_MAIN (hardening, 0);
