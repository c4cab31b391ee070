/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink's clock and both elements' timing statistics (docs/gst.md,
 * "Clocks" and "Timing statistics"): the clocking flag as gst-inspect-1.0
 * shows it, the clock following a consumer whose loop was fed known
 * stamps (2% fast), continuous when it starts following, the stats
 * property before and after the loops know, and the periodic messages.
 * The paced, real-time version is tests/clocks/test-sink-clock.c. */

#include "gst-test-common.h"

#include <gst/audio/audio.h>
#include <math.h>

#define RATE 48000
#define FRAME 4
#define FAST 0.02               /* the consumer: 2% fast, 20000 ppm */
#define NS_PER_S G_GINT64_CONSTANT (1000000000)

/* Moves @prod's and @cons's sides of one ring over [now - @seconds, now]:
 * the producer at 48000 frames per second, the consumer at 48000 * @speed,
 * 480 frames at a time, stamping by hand. */
static void
stamp_window (RbRing * prod, RbRing * cons, double seconds, double speed)
{
  static const guint8 block[480 * FRAME];
  guint8 out[480 * FRAME];
  gint64 now = g_get_monotonic_time () * 1000;
  gint64 t0 = now - (gint64) (seconds * 1e9);

  for (guint64 k = 1;; k++) {
    gint64 tw = t0 + (gint64) (k * 480 * 1e9 / RATE);
    gint64 tr = t0 + (gint64) (k * 480 * 1e9 / (RATE * speed));

    if (tw > now || tr > now)
      break;
    fail_unless_equals_int (rb_ring_write_frames (prod, block, 480), 480);
    fail_unless (rb_ring_stamp_producer (prod,
            rb_ring_get_write_position (prod), tw));
    fail_unless_equals_int (rb_ring_read_frames (cons, out, 480), 480);
    fail_unless (rb_ring_stamp_consumer (cons,
            rb_ring_get_read_position (cons), tr));
  }
}

/* An in-process S16LE stereo ring whose producer and consumer stamped,
 * by hand, the last 3 s: the producer at 48000 frames per second, the
 * consumer at 48000 * (1 + FAST). The ring is empty, so a ringsrc on it
 * waits. */
static RbRing *
stamped_ring (void)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 4096,
      RB_RING_FLAGS_NONE, &error);

  fail_unless (ring != NULL, "%s", error ? error->message : "");
  stamp_window (ring, ring, 3, 1 + FAST);
  return ring;
}

/* A stamped ring, a ringsink on it (sync=false) and the clock the sink
 * provides: clocked_sink_clear() stops and releases them. */
typedef struct {
  RbRing *ring;
  GstElement *sink;
  GstClock *clock;
} ClockedSink;

static void
clocked_sink_init (ClockedSink *c)
{
  c->ring = stamped_ring ();
  c->sink = make_element ("ringsink", "ring", c->ring, "sync", FALSE, NULL);
  c->clock = gst_element_provide_clock (c->sink);
}

static void
clocked_sink_clear (ClockedSink *c)
{
  gst_element_set_state (c->sink, GST_STATE_NULL);
  gst_object_unref (c->clock);
  gst_object_unref (c->sink);
  g_object_unref (c->ring);
}

/* gst-inspect-1.0's "Clocking Interaction" reads the flag; the element
 * gives its clock exactly when provide-clock says so. */
RB_TEST (test_sink_clock_flag)
{
  GstElement *sink = make_element ("ringsink", NULL);
  GstClock *clock;
  gboolean b;

  g_object_get (sink, "provide-clock", &b, NULL);
  fail_unless (b);
  fail_unless (GST_OBJECT_FLAG_IS_SET (sink, GST_ELEMENT_FLAG_PROVIDE_CLOCK));
  clock = gst_element_provide_clock (sink);
  fail_unless (clock != NULL && GST_IS_AUDIO_CLOCK (clock));
  fail_unless_equals_string (GST_OBJECT_NAME (clock), "GstRingConsumerClock");
  gst_object_unref (clock);

  g_object_set (sink, "provide-clock", FALSE, NULL);
  fail_if (GST_OBJECT_FLAG_IS_SET (sink, GST_ELEMENT_FLAG_PROVIDE_CLOCK));
  fail_unless (gst_element_provide_clock (sink) == NULL);
  g_object_set (sink, "provide-clock", TRUE, NULL);
  fail_unless (GST_OBJECT_FLAG_IS_SET (sink, GST_ELEMENT_FLAG_PROVIDE_CLOCK));
  gst_object_unref (sink);
}

GST_END_TEST;

/* The clock's rate over @ms of the monotonic clock. */
static double
clock_rate (GstClock * clock, guint ms)
{
  GstClockTime c1 = gst_clock_get_internal_time (clock), c2;
  gint64 m1 = g_get_monotonic_time (), m2;

  g_usleep (ms * 1000);
  c2 = gst_clock_get_internal_time (clock);
  m2 = g_get_monotonic_time ();
  return (double) (c2 - c1) / ((m2 - m1) * 1000.0);
}

RB_TEST (test_sink_clock_follows_consumer)
{
  ClockedSink c;
  GstClockTime before, after;
  gint64 m1, m2;
  double rate;

  clocked_sink_init (&c);
  /* no ring yet: the monotonic clock */
  rate = clock_rate (c.clock, 100);
  GST_INFO ("without a ring: %.5f", rate);
  fail_unless (fabs (rate - 1) < 0.005, "rate %f", rate);

  /* the ring's consumer stands 3 s * 1.02 into the ring: the clock takes
   * its rate but not its position, continuing from where it was */
  before = gst_clock_get_internal_time (c.clock);
  m1 = g_get_monotonic_time ();
  fail_unless (gst_element_set_state (c.sink, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  after = gst_clock_get_internal_time (c.clock);
  m2 = g_get_monotonic_time ();
  fail_unless (after >= before);
  fail_unless ((gint64) (after - before) <= (m2 - m1) * 1000 +
      50 * GST_MSECOND, "jumped %" GST_STIME_FORMAT " in %" G_GINT64_FORMAT
      " us", GST_STIME_ARGS (GST_CLOCK_DIFF (before, after)), m2 - m1);

  rate = clock_rate (c.clock, 300);
  GST_INFO ("following the consumer: %.5f", rate);
  fail_unless (fabs (rate - (1 + FAST)) < 0.005, "rate %f", rate);

  /* provide-clock=false takes nothing away from a clock already given */
  clocked_sink_clear (&c);
}

GST_END_TEST;

/* A consumer that stops: once its estimate is stale (2 s) the clock is
 * the monotonic clock again, continuing from where it was. */
RB_TEST (test_sink_clock_consumer_stops)
{
  ClockedSink c;
  GstClockTime c1, c2;
  gint64 m1, m2;
  RbRingTiming t;
  double rate;

  clocked_sink_init (&c);
  fail_unless (gst_element_set_state (c.sink, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  c1 = gst_clock_get_internal_time (c.clock);
  m1 = g_get_monotonic_time ();
  /* read on, as a pipeline does, until the consumer's estimate is stale */
  do {
    g_usleep (100 * 1000);
    gst_clock_get_internal_time (c.clock);
    rb_ring_get_timing (c.ring, &t);
  } while (t.consumer_state == RB_TIMING_STATE_OK);
  fail_unless_equals_int (t.consumer_state, RB_TIMING_STATE_STALE);
  rate = clock_rate (c.clock, 300);
  GST_INFO ("after the consumer stopped: %.5f", rate);
  fail_unless (fabs (rate - 1) < 0.005, "rate %f", rate);
  c2 = gst_clock_get_internal_time (c.clock);
  m2 = g_get_monotonic_time ();
  /* between the monotonic clock's pace and the consumer's all along */
  fail_unless ((gint64) (c2 - c1) >= (m2 - m1) * 1000 * 99 / 100);
  fail_unless ((gint64) (c2 - c1) <= (m2 - m1) * 1000 * (1 + FAST) * 1.01);

  clocked_sink_clear (&c);
}

GST_END_TEST;

/* A consumer that goes away and another that comes: the clock neither
 * jumps nor stands still, and takes the new consumer's rate. */
RB_TEST (test_sink_clock_consumer_restarts)
{
  g_autoptr (GError) error = NULL;
  gchar *name = test_ring_name ("restart");
  RbRing *prod = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 2, RATE,
      4096, RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, 0600, &error);
  RbRing *cons;
  GstElement *sink;
  GstClock *clock;
  GstClockTime before, after;
  gint64 m1, m2;
  double rate;

  fail_unless (prod != NULL, "%s", error ? error->message : "");
  cons = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  fail_unless (cons != NULL, "%s", error ? error->message : "");
  stamp_window (prod, cons, 3, 1 + FAST);
  sink = make_element ("ringsink", "ring", prod, "sync", FALSE, NULL);
  clock = gst_element_provide_clock (sink);
  fail_unless (gst_element_set_state (sink, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  rate = clock_rate (clock, 200);
  fail_unless (fabs (rate - (1 + FAST)) < 0.005, "rate %f", rate);

  /* the consumer leaves; 1 s later another reads on, 2% slow, and its
   * loop's line starts where the first one stopped, a second behind the
   * first one's line: a jump back the clock must not follow */
  before = gst_clock_get_internal_time (clock);
  m1 = g_get_monotonic_time ();
  g_object_unref (cons);
  g_usleep (G_USEC_PER_SEC);
  cons = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  fail_unless (cons != NULL, "%s", error ? error->message : "");
  stamp_window (prod, cons, 0.6, 1 - FAST);
  after = gst_clock_get_internal_time (clock);
  m2 = g_get_monotonic_time ();
  GST_INFO ("across the restart: %" GST_TIME_FORMAT " in %" G_GINT64_FORMAT
      " us", GST_TIME_ARGS (after - before), m2 - m1);
  fail_unless ((gint64) (after - before) >= (m2 - m1) * 1000 * 9 / 10);
  fail_unless ((gint64) (after - before) <= (m2 - m1) * 1000 * 11 / 10);
  rate = clock_rate (clock, 300);
  GST_INFO ("following the new consumer: %.5f", rate);
  fail_unless (fabs (rate - (1 - FAST)) < 0.005, "rate %f", rate);

  gst_element_set_state (sink, GST_STATE_NULL);
  gst_object_unref (clock);
  gst_object_unref (sink);
  g_object_unref (cons);
  g_object_unref (prod);
  rb_ring_unlink (name, NULL);
  g_free (name);
}

GST_END_TEST;

static gdouble
get_double (const GstStructure * s, const gchar * field)
{
  gdouble v = 0;

  fail_unless (gst_structure_get_double (s, field, &v), "no %s in %"
      GST_PTR_FORMAT, field, s);
  return v;
}

/* Before a ring: the states say so and no figure is there. */
RB_TEST (test_stats_unknown)
{
  const gchar *factories[] = { "ringsink", "ringsrc" };

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++) {
    GstElement *el = make_element (factories[i], NULL);
    GstStructure *s;
    gboolean locked = TRUE;

    g_object_get (el, "stats", &s, NULL);
    fail_unless (gst_structure_has_name (s, "ringbridge-stats"));
    fail_unless_equals_string (gst_structure_get_string (s,
            "producer-state"), "no-ring");
    fail_unless_equals_string (gst_structure_get_string (s,
            "consumer-state"), "no-ring");
    fail_unless (gst_structure_get_boolean (s, "locked", &locked));
    fail_if (locked);
    fail_if (gst_structure_has_field (s, "drift-ppm"));
    fail_if (gst_structure_has_field (s, "producer-rate"));
    fail_if (gst_structure_has_field (s, "fill-time"));
    gst_structure_free (s);
    gst_object_unref (el);
  }
  /* a fresh ring: its loops know nothing yet */
  {
    RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 4096,
        RB_RING_FLAGS_NONE, NULL);
    GstElement *sink = make_element ("ringsink", "ring", ring, NULL);
    GstStructure *s;

    fail_unless (gst_element_set_state (sink, GST_STATE_PAUSED) !=
        GST_STATE_CHANGE_FAILURE);
    g_object_get (sink, "stats", &s, NULL);
    fail_unless_equals_string (gst_structure_get_string (s,
            "consumer-state"), "no-stamps");
    fail_if (gst_structure_has_field (s, "drift-ppm"));
    fail_if (gst_structure_has_field (s, "consumer-rate"));
    /* GstBaseSink's figures, which the property replaces, are kept */
    fail_unless (gst_structure_has_field (s, "rendered"));
    gst_structure_free (s);
    gst_element_set_state (sink, GST_STATE_NULL);
    gst_object_unref (sink);
    g_object_unref (ring);
  }
}

GST_END_TEST;

/* With the stamped ring: the figures the ring measured, on both elements. */
RB_TEST (test_stats_known)
{
  RbRing *ring = stamped_ring ();
  const gchar *factories[] = { "ringsink", "ringsrc" };

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++) {
    GstElement *el = make_element (factories[i], "ring", ring, NULL);
    GstStructure *s;
    guint64 fill_time;
    gboolean locked = FALSE;

    fail_unless (gst_element_set_state (el, GST_STATE_PAUSED) !=
        GST_STATE_CHANGE_FAILURE);
    g_object_get (el, "stats", &s, NULL);
    GST_INFO ("%s: %" GST_PTR_FORMAT, factories[i], s);
    fail_unless_equals_string (gst_structure_get_string (s,
            "producer-state"), "ok");
    fail_unless_equals_string (gst_structure_get_string (s,
            "consumer-state"), "ok");
    fail_unless (fabs (get_double (s, "producer-rate") - RATE) < 5);
    fail_unless (fabs (get_double (s, "consumer-rate") / (RATE * (1 + FAST))
            - 1) < 1e-4);
    /* (1 / 1.02 - 1) * 1e6 */
    fail_unless (fabs (get_double (s, "drift-ppm") + 19607.8) < 100);
    fail_unless (get_double (s, "fill-frames") >= 0);
    fail_unless (get_double (s, "fill-frames") <= 4096);
    fail_unless (gst_structure_get_uint64 (s, "fill-time", &fill_time));
    fail_unless (fill_time < GST_SECOND / 10);
    fail_unless (gst_structure_get_boolean (s, "locked", &locked));
    gst_structure_free (s);
    gst_element_set_state (el, GST_STATE_NULL);
    gst_object_unref (el);
  }
  g_object_unref (ring);
}

GST_END_TEST;

/* How many ringbridge-stats messages from @el come within @ms. */
static guint
count_stats_messages (GstBus * bus, GstElement * el, guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint n = 0;
  GstMessage *m;

  for (;;) {
    gint64 left = end - g_get_monotonic_time ();

    if (left <= 0)
      break;
    m = gst_bus_timed_pop_filtered (bus, left * 1000, GST_MESSAGE_ELEMENT);
    if (m == NULL)
      break;
    if (GST_MESSAGE_SRC (m) == GST_OBJECT (el) &&
        gst_message_has_name (m, "ringbridge-stats") &&
        gst_structure_has_field (gst_message_get_structure (m),
            "consumer-state"))
      n++;
    gst_message_unref (m);
  }
  return n;
}

RB_TEST (test_stats_messages)
{
  const gchar *factories[] = { "ringsink", "ringsrc" };

  for (guint i = 0; i < G_N_ELEMENTS (factories); i++) {
    RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 4096,
        RB_RING_FLAGS_NONE, NULL);
    GstElement *pipeline = gst_pipeline_new (NULL);
    GstElement *el = make_element (factories[i], "ring", ring,
        "stats-interval", 50, NULL);
    GstBus *bus = gst_element_get_bus (pipeline);
    guint n;

    if (i == 0) {
      GstElement *src = make_element ("audiotestsrc", "is-live", TRUE, NULL);

      gst_bin_add_many (GST_BIN (pipeline), src, el, NULL);
      fail_unless (gst_element_link (src, el));
    } else {
      GstElement *sink = make_element ("fakesink", NULL);

      gst_bin_add_many (GST_BIN (pipeline), el, sink, NULL);
      fail_unless (gst_element_link (el, sink));
    }
    /* in NULL and READY: none */
    gst_element_set_state (pipeline, GST_STATE_READY);
    fail_unless_equals_int (count_stats_messages (bus, el, 200), 0);
    /* PAUSED (a live source: no preroll, nothing flows): every 50 ms */
    gst_element_set_state (pipeline, GST_STATE_PAUSED);
    n = count_stats_messages (bus, el, 500);
    GST_INFO ("%s: %u messages in 500 ms", factories[i], n);
    fail_unless (n >= 4 && n <= 12, "%u messages", n);
    /* 0 stops them at once */
    g_object_set (el, "stats-interval", 0, NULL);
    count_stats_messages (bus, el, 20);
    fail_unless_equals_int (count_stats_messages (bus, el, 200), 0);
    /* and back on, then off by the state change */
    g_object_set (el, "stats-interval", 30, NULL);
    fail_unless (count_stats_messages (bus, el, 300) >= 3);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_bus_set_flushing (bus, TRUE);
    gst_bus_set_flushing (bus, FALSE);
    fail_unless_equals_int (count_stats_messages (bus, el, 200), 0);
    gst_object_unref (bus);
    gst_object_unref (pipeline);
    g_object_unref (ring);
  }
}

GST_END_TEST;

RB_TEST_MAIN (clock, 60);
