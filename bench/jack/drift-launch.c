/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* drift-launch: gst-launch-1.0 with a clock that runs fast or slow.
 *
 *   drift-launch --ppm=200 --seconds=600 'audiotestsrc is-live=true ! ...'
 *
 * The pipeline is made to use a clock whose time advances (1 + ppm / 10^6)
 * seconds per second of CLOCK_MONOTONIC: a live source paced by it
 * produces that much faster (or slower) than the monotonic clock, the way
 * a sound card's crystal or a network sender does. The clock-domain
 * benchmark (ringbridge-bench-clocks.py) feeds every peer from such a
 * pipeline, so ringbridge-jack play and jackaudiosink face the same drift.
 * With the dummy JACK backend, JACK itself runs on the monotonic clock.
 *
 * At the end, each element with a "stats" property (GstAudioBaseSink's
 * jackaudiosink: dropped and rendered samples) prints it on a line
 * "drift-launch: stats ELEMENT STRUCTURE", for the benchmark to read.
 *
 * Exit status: 0 after --seconds (or EOS, SIGINT, SIGTERM), 1 on a pipeline error, 2 on a
 * usage error. */

#include <gst/gst.h>
#include <signal.h>
#include <stdlib.h>

/* SIGINT or SIGTERM asks for a normal end, so that exit handlers run (the
 * benchmark's callback timer writes its samples in one). */
static volatile sig_atomic_t stop_requested;

static void
on_stop_signal (int sig)
{
  (void) sig;
  stop_requested = 1;
}

#define DRIFT_TYPE_CLOCK (drift_clock_get_type ())
G_DECLARE_FINAL_TYPE (DriftClock, drift_clock, DRIFT, CLOCK, GstSystemClock)

struct _DriftClock {
  GstSystemClock parent;
  GstClockTime origin;          /* the system clock's time at the start */
  gdouble scale;                /* 1 + ppm / 10^6 */
};

G_DEFINE_TYPE (DriftClock, drift_clock, GST_TYPE_SYSTEM_CLOCK)

/* Time since the start runs scaled; the system clock's waits work on
 * internal time, which GstClock maps through this, so a live source's
 * waits are paced by the drifted time too. */
static GstClockTime
drift_clock_get_internal_time (GstClock * clock)
{
  DriftClock *self = DRIFT_CLOCK (clock);
  GstClockTime now =
      GST_CLOCK_CLASS (drift_clock_parent_class)->get_internal_time (clock);

  return self->origin +
      (GstClockTime) ((gdouble) (now - self->origin) * self->scale);
}

static void
drift_clock_class_init (DriftClockClass * klass)
{
  GST_CLOCK_CLASS (klass)->get_internal_time = drift_clock_get_internal_time;
}

static void
drift_clock_init (DriftClock * self)
{
  self->scale = 1.0;
}

static GstClock *
drift_clock_new (gdouble ppm)
{
  DriftClock *self = g_object_new (DRIFT_TYPE_CLOCK, "name", "DriftClock",
      "clock-type", GST_CLOCK_TYPE_MONOTONIC, NULL);

  gst_object_ref_sink (self);
  self->origin = GST_CLOCK_CLASS (drift_clock_parent_class)->get_internal_time
      (GST_CLOCK (self));
  self->scale = 1.0 + ppm / 1e6;
  return GST_CLOCK (self);
}

/* Waits on the monotonic clock (not the drifted one) for @seconds, for an
 * error or EOS on @bus, or for SIGINT/SIGTERM. */
static int
run (GstElement * pipeline, gdouble seconds)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  GstMessage *msg = NULL;
  int status = 0;

  while (msg == NULL && !stop_requested && g_get_monotonic_time () < end)
    msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);

  if (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("drift-launch: error from %s: %s\n%s\n",
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message,
        dbg != NULL ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
    status = 1;
  }
  if (msg != NULL)
    gst_message_unref (msg);
  gst_object_unref (bus);
  return status;
}

static void
print_stats (const GValue * item, gpointer user_data)
{
  GstElement *element = g_value_get_object (item);
  GParamSpec *spec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (element), "stats");
  GstStructure *stats = NULL;
  gchar *text;

  if (spec == NULL || spec->value_type != GST_TYPE_STRUCTURE)
    return;
  g_object_get (element, "stats", &stats, NULL);
  if (stats == NULL)
    return;
  text = gst_structure_to_string (stats);
  g_print ("drift-launch: stats %s %s\n", GST_OBJECT_NAME (element), text);
  g_free (text);
  gst_structure_free (stats);
}

int
main (int argc, char **argv)
{
  gdouble ppm = 0, seconds = 10;
  GOptionEntry entries[] = {
    {"ppm", 0, 0, G_OPTION_ARG_DOUBLE, &ppm,
        "How fast the pipeline's clock runs, in parts per million "
          "(-100000 to 100000)", "PPM"},
    {"seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
        "How long to run (0.1 to 86400)", "S"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("PIPELINE-DESCRIPTION");
  GError *err = NULL;
  GstElement *pipeline;
  GstClock *clock;
  gchar *desc;
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("drift-launch: %s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (argc < 2 || !(ppm >= -100000 && ppm <= 100000) ||
      !(seconds >= 0.1 && seconds <= 86400)) {
    g_printerr ("drift-launch: usage: drift-launch [--ppm=PPM] "
        "[--seconds=S] PIPELINE-DESCRIPTION (PPM within +-100000, S within "
        "0.1..86400)\n");
    return 2;
  }

  signal (SIGINT, on_stop_signal);
  signal (SIGTERM, on_stop_signal);
  desc = g_strjoinv (" ", argv + 1);
  pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  if (pipeline == NULL || err != NULL) {
    g_printerr ("drift-launch: bad pipeline: %s\n",
        err != NULL ? err->message : "unknown error");
    return 2;
  }
  clock = drift_clock_new (ppm);
  gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("drift-launch: the pipeline does not start\n");
    status = 1;
  } else {
    g_print ("drift-launch: running at %+.1f ppm for %.1f s\n", ppm, seconds);
    status = run (pipeline, seconds);
  }
  if (GST_IS_BIN (pipeline)) {
    GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));

    gst_iterator_foreach (it, print_stats, NULL);
    gst_iterator_free (it);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  gst_object_unref (clock);
  return status;
}
