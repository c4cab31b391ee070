/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* --resample=auto's check of a measured drift against the fill
 * (jack/fill-trend.c), on fills made up tick by tick: a drift that is
 * there moves the fill and is believed; one the fill does not show is
 * refuted, unless the fill stands at the end it would push it to. */

#include "app.h"

#include <math.h>

#define RATE 48000.0
#define PERIOD 256
#define TICK_US (G_USEC_PER_SEC / 10)

/* the ticks' clock, on from feed to feed */
static gint64 clock_us;

typedef struct {
  App *app;
  GString *why;
} Fixture;

/* @data: the mode, play unless RB_JACK_RECORD */
static void
setup (Fixture *f, gconstpointer data)
{
  f->app = g_new0 (App, 1);
  f->app->rt.mode = GPOINTER_TO_INT (data);
  f->app->jack_rate = RATE;
  f->app->last_buffer_size = PERIOD;
  f->why = g_string_new (NULL);
  fill_trend_reset (f->app);
  clock_us = G_USEC_PER_SEC;
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_free (f->app);
  g_string_free (f->why, TRUE);
}

/* @seconds of ticks whose fill starts at @start and moves @per_s frames a
 * second, with a burst's +-@noise frames on alternate ticks */
static void
feed (App *app, double seconds, double start, double per_s, double noise)
{
  int ticks = (int) lround (seconds * 10);

  for (int i = 0; i < ticks; i++) {
    double fill = start + per_s * i / 10.0 + (i % 2 ? noise : -noise);

    atomic_store_explicit (&app->rt.fill, (guint64) MAX (fill, 0),
        memory_order_relaxed);
    fill_trend_push (app, clock_us);
    clock_us += TICK_US;
  }
}

/* the fill's own drift, from the last check (G_MININT64: none seen) */
static gint64 fill_ppb;

static FillTrend
check (Fixture *f, double ppm)
{
  g_string_truncate (f->why, 0);
  return fill_trend_check (f->app, (gint64) llround (ppm * 1000), f->why,
      &fill_ppb);
}

/* no drift of the fill's own expected */
#define NONE 0

/* check() says @result, and the fill's own drift is @fill_ppm (within
 * 5 %) or none */
static void
expect (Fixture *f, double ppm, FillTrend result, double fill_ppm)
{
  g_assert_cmpint (check (f, ppm), ==, result);
  if (fill_ppm == NONE) {
    g_assert_cmpint (fill_ppb, ==, G_MININT64);
  } else {
    g_assert_cmpint (fill_ppb, !=, G_MININT64);
    g_assert_cmpfloat (fabs ((double) fill_ppb * 1e-3 / fill_ppm - 1), <,
        0.05);
  }
}

/* a real drift: +2000 ppm at 48 kHz is 96 frames a second */
static void
test_drift_moves_fill (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  feed (app, 10, 2000, 96, 150);
  expect (f, 2000, FILL_TREND_AGREES, 2000);
  /* and the other way */
  fill_trend_reset (app);
  feed (app, 10, 4000, -96, 150);
  expect (f, -2000, FILL_TREND_AGREES, -2000);
}

/* what examples/network measured: +5000 ppm, the fill flat */
static void
test_flat_fill_refutes (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  feed (app, 10, 2700, 0, 50);
  expect (f, 5000, FILL_TREND_REFUTES, NONE);
  g_assert_nonnull (strstr (f->why->str, "where that drift would move it +2"));
  expect (f, -5000, FILL_TREND_REFUTES, NONE);
  /* the wrong way is no better than none */
  fill_trend_reset (app);
  feed (app, 10, 2700, -40, 50);
  g_assert_cmpint (check (f, 5000), ==, FILL_TREND_REFUTES);
}

/* a measured drift the fill refutes, while it shows one of its own:
 * what clocks-jack-play-plus2000-auto saw under load (+26239 ppm
 * measured, +1970 ppm in the fill), which auto resamples on */
static void
test_fill_shows_other_drift (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  feed (app, 10, 2000, 96, 100);
  expect (f, 26239, FILL_TREND_REFUTES, 2000);
}

/* a step of one period in mid-window (two clients of one server) is no
 * drift of the fill's own */
static void
test_period_step (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  feed (app, 5, 1792, 0, 0);
  feed (app, 5, 1536, 0, 0);
  expect (f, 5000, FILL_TREND_REFUTES, NONE);
}

/* a drift too small to show in 10 s of noisy fill: the loop's to find */
static void
test_small_drift_passes (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  feed (app, 10, 2700, 0, 50);
  g_assert_cmpint (check (f, 50), ==, FILL_TREND_AGREES);
}

/* too little history to refute anything yet */
static void
test_short_history_unknown (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  g_assert_cmpint (check (f, 5000), ==, FILL_TREND_UNKNOWN);
  feed (app, 3, 2700, 0, 50);
  g_assert_cmpint (check (f, 5000), ==, FILL_TREND_UNKNOWN);
}

/* at an end the fill cannot move further: empty and running dry agrees
 * with a slow producer; at play's --latency bound and skipping, with a
 * fast one. The count must move late in the window, and the fill be
 * there now. */
static void
test_ends (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  feed (app, 9, 0, 0, 0);
  atomic_store_explicit (&app->rt.ran_dry, 3, memory_order_relaxed);
  feed (app, 1, 0, 0, 0);
  g_assert_cmpint (check (f, -5000), ==, FILL_TREND_AGREES);
  g_assert_cmpint (check (f, 5000), ==, FILL_TREND_REFUTES);

  fill_trend_reset (app);
  app->rt.max_fill = 2880;
  feed (app, 9, 2880, 0, 0);
  atomic_store_explicit (&app->rt.skipped_frames, 300, memory_order_relaxed);
  feed (app, 1, 2880, 0, 0);
  g_assert_cmpint (check (f, 5000), ==, FILL_TREND_AGREES);
  /* skips early in the window, the fill away from the bound since: no */
  fill_trend_reset (app);
  atomic_store_explicit (&app->rt.skipped_frames, 600, memory_order_relaxed);
  feed (app, 2, 2880, 0, 0);
  atomic_store_explicit (&app->rt.skipped_frames, 900, memory_order_relaxed);
  feed (app, 8, 2000, 0, 20);
  g_assert_cmpint (check (f, 5000), ==, FILL_TREND_REFUTES);
}

/* record: the ring filling up (its consumer slower) agrees likewise */
static void
test_record_filled_up (Fixture *f, gconstpointer data)
{
  App *app = f->app;

  app->rt.max_fill = 9600;      /* as the ring's capacity would be */
  feed (app, 9, 9600, 0, 0);
  atomic_store_explicit (&app->rt.filled_up, 2, memory_order_relaxed);
  feed (app, 1, 9600, 0, 0);
  g_assert_cmpint (check (f, 5000), ==, FILL_TREND_AGREES);
}

static void
add (const char *path, RbJackMode mode,
    void (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, GINT_TO_POINTER (mode), setup, test, teardown);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  add ("/jack/fill-trend/drift-moves-fill", RB_JACK_PLAY, test_drift_moves_fill);
  add ("/jack/fill-trend/flat-fill-refutes", RB_JACK_PLAY, test_flat_fill_refutes);
  add ("/jack/fill-trend/fill-shows-other-drift", RB_JACK_PLAY, test_fill_shows_other_drift);
  add ("/jack/fill-trend/period-step", RB_JACK_PLAY, test_period_step);
  add ("/jack/fill-trend/small-drift-passes", RB_JACK_PLAY, test_small_drift_passes);
  add ("/jack/fill-trend/short-history-unknown", RB_JACK_PLAY, test_short_history_unknown);
  add ("/jack/fill-trend/ends", RB_JACK_PLAY, test_ends);
  add ("/jack/fill-trend/record-filled-up", RB_JACK_RECORD, test_record_filled_up);
  return g_test_run ();
}
