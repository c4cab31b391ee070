/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink's clock follows the ring's consumer (issue #13, section 3;
 * docs/gst.md, "Clocks"). Two pipelines side by side,
 *
 *   audiotestsrc is-live=true ! S16LE stereo 48 kHz ! ringsink ring=R
 *
 * one with provide-clock=true, one with provide-clock=false (the negative
 * control: the system clock), each filling its own ring that a consumer
 * thread reads, paced on CLOCK_MONOTONIC (clock_nanosleep, TIMER_ABSTIME)
 * at 48000 * (1 - 200e-6) frames per second, 64 frames at a time, like a
 * sound card 200 ppm slow. For RUN_S seconds:
 *
 * - with the sink's clock the producer follows the consumer: the ring
 *   measures their ratio within TOLERANCE_PPM of 0, and the fill stays
 *   put (within FILL_SLACK frames over the measured stretch), with no
 *   short read (underrun) and never near full (overrun);
 * - with the system clock the producer runs at 48000: the ring measures
 *   +200 ppm (within the same tolerance) and the fill grows by about 9.6
 *   frames a second: what the first case must not show.
 *
 * The sink's stats property carries the same figures; before the
 * consumer started it says its rate and the drift are unknown. */

#include <gst/gst.h>
#include <ringbridge/ringbridge.h>

#include "paced.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define RATE 48000
#define FRAME 4                 /* S16LE stereo */
#define BLOCK 64
#define PPM (-200.0)
#define RUN_S 20.0
/* the loops lock within about 4 s; the fill is compared from here on */
#define SETTLE_S 8.0
#define TOLERANCE_PPM 10.0
/* 1 ms: the system clock's case moves 115 frames over the 12 s compared */
#define FILL_SLACK 48.0
#define CAPACITY 16384          /* frames, 341 ms */
#define PREFILL 4800            /* frames the consumer waits for, 100 ms */

typedef struct {
  gboolean provide_clock;
  RbRing *ring;
  GstElement *pipeline, *sink;
  GThread *consumer;
  struct timespec start;        /* the consumer's first read */
  gint started;                 /* atomic: the consumer has its start */
  guint64 short_reads;
  guint64 max_fill;
  gint stop;                    /* atomic: the main thread says stop */
  double fill_settled;          /* smoothed fill at SETTLE_S, frames */
  guint stats_messages;
} Run;

static gpointer
consumer_thread (gpointer data)
{
  Run *r = data;
  guint8 block[BLOCK * FRAME];
  double period = BLOCK / (RATE * (1 + PPM * 1e-6));

  /* start once the pipeline filled PREFILL frames */
  while (rb_ring_read_available (r->ring) < (gsize) PREFILL * FRAME &&
      !g_atomic_int_get (&r->stop))
    g_usleep (1000);
  clock_gettime (CLOCK_MONOTONIC, &r->start);
  /* release: pairs with the main thread's g_atomic_int_get before it
   * reads r->start */
  g_atomic_int_set (&r->started, 1);
  for (guint64 k = 0; !g_atomic_int_get (&r->stop); k++) {
    gsize fill;

    sleep_until (&r->start, k * period);
    fill = rb_ring_read_available (r->ring) / FRAME;
    r->max_fill = MAX (r->max_fill, fill);
    if (rb_ring_read_frames (r->ring, block, BLOCK) < BLOCK)
      r->short_reads++;
  }
  return NULL;
}

static void
start_run (Run *r)
{
  GError *error = NULL;

  r->ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, CAPACITY,
      RB_RING_FLAGS_NONE, &error);
  g_assert_no_error (error);
  r->pipeline = gst_parse_launch ("audiotestsrc is-live=true "
      "samplesperbuffer=240 wave=sine ! audio/x-raw,format=S16LE,"
      "rate=48000,channels=2,layout=interleaved ! ringsink name=sink",
      &error);
  g_assert_no_error (error);
  r->sink = gst_bin_get_by_name (GST_BIN (r->pipeline), "sink");
  g_object_set (r->sink, "ring", r->ring, "provide-clock", r->provide_clock,
      "stats-interval", 1000, NULL);
  g_assert_cmpint (gst_element_set_state (r->pipeline, GST_STATE_PLAYING),
      !=, GST_STATE_CHANGE_FAILURE);
}

static gboolean
stats_double (const GstStructure *s, const gchar *field, double *v)
{
  return gst_structure_get_double (s, field, v);
}

/* Before the consumer read anything: its state is not ok and neither its
 * rate nor the drift is in the stats. */
static void
check_stats_unknown (Run *r)
{
  GstStructure *s;
  g_autofree gchar *text = NULL;
  double v;

  g_object_get (r->sink, "stats", &s, NULL);
  text = gst_structure_to_string (s);
  g_test_message ("before the consumer: %s", text);
  g_assert_true (gst_structure_has_name (s, "ringbridge-stats"));
  g_assert_cmpstr (gst_structure_get_string (s, "consumer-state"), !=, "ok");
  g_assert_false (stats_double (s, "consumer-rate", &v));
  g_assert_false (stats_double (s, "drift-ppm", &v));
  g_assert_false (gst_structure_has_field (s, "fill-time"));
  gst_structure_free (s);
}

static double
smoothed_fill (Run *r)
{
  RbRingTiming t;

  g_assert_true (rb_ring_get_timing (r->ring, &t));
  g_assert_true (t.fill_known);
  return t.fill;
}

static void
count_messages (Run *r)
{
  GstBus *bus = gst_element_get_bus (r->pipeline);
  GstMessage *m;

  while ((m = gst_bus_pop (bus)) != NULL) {
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      GError *e;

      gst_message_parse_error (m, &e, NULL);
      g_error ("pipeline error: %s", e->message);
    }
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT &&
        GST_MESSAGE_SRC (m) == GST_OBJECT (r->sink) &&
        gst_message_has_name (m, "ringbridge-stats"))
      r->stats_messages++;
    gst_message_unref (m);
  }
  gst_object_unref (bus);
}

static void
check_run (Run *r)
{
  GstClock *clock = gst_pipeline_get_clock (GST_PIPELINE (r->pipeline));
  gboolean ours = clock == gst_element_provide_clock (r->sink) && clock;
  double expect = r->provide_clock ? 0 : -PPM, fill_end, drift, rate;
  GstStructure *s;
  g_autofree gchar *text = NULL;
  RbRingTiming t;

  g_assert_true (rb_ring_get_timing (r->ring, &t));
  fill_end = smoothed_fill (r);
  g_test_message ("provide-clock=%s (pipeline clock %s): drift %+.2f ppm, "
      "producer %.3f, consumer %.3f frames/s, fill %.1f -> %.1f frames "
      "(%+.1f) from %.0f s to the end, max fill %" G_GUINT64_FORMAT
      ", %" G_GUINT64_FORMAT " short reads, %u stats messages",
      r->provide_clock ? "true" : "false", GST_OBJECT_NAME (clock),
      t.ratio_ppm, t.producer_rate, t.consumer_rate, r->fill_settled,
      fill_end, fill_end - r->fill_settled, SETTLE_S, r->max_fill,
      r->short_reads, r->stats_messages);
  /* the pipeline took the sink's clock exactly when it was offered */
  g_assert_cmpint (ours, ==, r->provide_clock);
  g_object_unref (clock);
  g_assert_true (t.producer_locked && t.consumer_locked);
  g_assert_cmpfloat (fabs (t.ratio_ppm - expect), <=, TOLERANCE_PPM);
  g_assert_cmpuint (r->short_reads, ==, 0);
  g_assert_cmpuint (r->max_fill, <, CAPACITY - 2 * BLOCK);
  if (r->provide_clock)
    g_assert_cmpfloat (fabs (fill_end - r->fill_settled), <=, FILL_SLACK);
  else
    g_assert_cmpfloat (fill_end - r->fill_settled, >, 2 * FILL_SLACK);

  /* the stats say the same, and came as messages too */
  g_object_get (r->sink, "stats", &s, NULL);
  text = gst_structure_to_string (s);
  g_test_message ("stats: %s", text);
  g_assert_cmpstr (gst_structure_get_string (s, "consumer-state"), ==, "ok");
  g_assert_cmpstr (gst_structure_get_string (s, "producer-state"), ==, "ok");
  g_assert_true (stats_double (s, "drift-ppm", &drift));
  g_assert_cmpfloat (fabs (drift - expect), <=, TOLERANCE_PPM);
  g_assert_true (stats_double (s, "consumer-rate", &rate));
  g_assert_cmpfloat (fabs (rate / (RATE * (1 + PPM * 1e-6)) - 1), <, 50e-6);
  g_assert_true (gst_structure_has_field_typed (s, "fill-time",
          G_TYPE_UINT64));
  g_assert_true (gst_structure_has_field_typed (s, "locked",
          G_TYPE_BOOLEAN));
  gst_structure_free (s);
  g_assert_cmpuint (r->stats_messages, >=, (guint) (RUN_S / 2));
}

static void
stop_run (Run *r)
{
  g_atomic_int_set (&r->stop, 1);
  g_thread_join (r->consumer);
  gst_element_set_state (r->pipeline, GST_STATE_NULL);
  gst_object_unref (r->sink);
  gst_object_unref (r->pipeline);
  g_object_unref (r->ring);
}

static void
test_sink_clock (void)
{
  Run runs[] = { {.provide_clock = TRUE}, {.provide_clock = FALSE} };
  gboolean settled = FALSE;
  struct timespec t0;

  if (strstr (rb_ring_get_timing_clock_note (), "system call") != NULL) {
    g_test_fail_printf ("%s", rb_ring_get_timing_clock_note ());
    return;
  }
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    start_run (&runs[i]);
  /* the pipelines run, the consumers have not started */
  g_usleep (50 * 1000);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    check_stats_unknown (&runs[i]);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    runs[i].consumer = g_thread_new ("consumer", consumer_thread, &runs[i]);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    while (!g_atomic_int_get (&runs[i].started))
      g_usleep (1000);
  t0 = runs[0].start;
  for (double t = 0.1; t < RUN_S; t += 0.1) {
    sleep_until (&t0, t);
    for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
      count_messages (&runs[i]);
    if (!settled && t >= SETTLE_S) {
      for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
        runs[i].fill_settled = smoothed_fill (&runs[i]);
      settled = TRUE;
    }
  }
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    check_run (&runs[i]);
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    stop_run (&runs[i]);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/clocks/sink-clock", test_sink_clock);
  return g_test_run ();
}
