/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The loop's check of its feed-forward (jack/ff-check.c), in simulated
 * time: the controller of drift.h holds a simulated ring's fill while a
 * feed-forward, right or wrong, is handed to it, and the check runs once
 * a tick as drift-report.c runs it. A right measurement, even one that
 * arrives while the loop is still finding the drift alone, must stay;
 * a wrong one must go, and the loop must then hold the fill from the fill
 * alone. */

#include "app.h"

#include <math.h>

#define RATE 48000.0
#define PERIOD 256
/* a tick every this many cycles: about 100 ms, as ringbridge-jack's */
#define CYCLES_PER_TICK 19
#define TARGET 1024.0
/* the producer writes in blocks: the fill the callback sees is off the
 * ring's mean by up to this, a sawtooth over four cycles */
#define BLOCK_JITTER 96.0

typedef struct {
  const char *name;
  double drift_ppm;             /* the producer's, the truth */
  double ff_ppm;                /* what the measurement says */
  double ff_from_s;             /* when it starts saying it */
  gboolean withheld;            /* whether the check must withhold it */
  double within_s;              /* by when */
} Case;

static const Case cases[] = {
  /* right, from the start (--resample=on with a measured drift known) */
  { "right-plus200", 200, 203, 0, FALSE, 0 },
  { "right-minus2000", -2000, -1996, 0, FALSE, 0 },
  /* right, late: the loop found part of the drift alone, and the
   * integral holds minus the rest after the transfer, then drains */
  { "right-late-plus2000", 2000, 2001, 3, FALSE, 0 },
  { "right-late-minus10000", -10000, -9990, 2, FALSE, 0 },
  /* right, early: the integral holds minus nearly all of it */
  { "right-early-plus2000", 2000, 2001, 0.2, FALSE, 0 },
  { "right-early-minus200", -200, -199, 0.6, FALSE, 0 },
  { "right-early-plus15000", 15000, 14990, 1, FALSE, 0 },
  /* wrong: two dummy backends losing time unevenly (network-srt's
   * +12,900 ppm between servers on one clock, ...) */
  { "wrong-plus12900", 0, 12900, 0, TRUE, 60 },
  { "wrong-minus5000", 200, -5000, 1, TRUE, 60 },
  { "wrong-late-plus3000", -200, 3000, 4, TRUE, 60 },
  /* beyond the ratio's bound: clocks-jack-play-plus2000-auto under load
   * measured +45676 ppm for a producer 1930 ppm fast */
  { "beyond-bound", 1930, 45676, 2, TRUE, 3 },
};

/* Runs @c for @seconds; returns when the check withheld the
 * feed-forward (seconds), or -1. Leaves the smoothed fill's error at the
 * end in @err, and in @found the drift the loop holds then: its
 * feed-forward and integral (the correction less the proportional term,
 * which the blocks' jitter moves by tens of ppm from cycle to cycle). */
static double
run (const Case *c, double seconds, double *err, double *found)
{
  g_autofree App *app = g_new0 (App, 1);
  g_autoptr (GString) why = g_string_new (NULL);
  double fill = TARGET, t = 0, withheld_at = -1;
  guint64 cycle = 0;

  rb_jack_drift_init (&app->rt.drift, RATE);
  rb_jack_drift_reset (&app->rt.drift);
  ff_check_reset (app);
  while (t < seconds) {
    gboolean ff_on = !app->ff_withheld && t >= c->ff_from_s;
    double ff = ff_on ? c->ff_ppm * 1e-6 : NAN;
    double seen = fill + BLOCK_JITTER * ((double) (cycle % 4) / 1.5 - 1.0);
    double corr_now;

    rb_jack_drift_step (&app->rt.drift, seen, TARGET, ff, PERIOD, RATE,
        FALSE);
    corr_now = app->rt.drift.correction;
    /* the ring: the producer's frames in, the resampler's out */
    fill += PERIOD * (c->drift_ppm * 1e-6 - corr_now);
    t += PERIOD / RATE;
    if (++cycle % CYCLES_PER_TICK != 0 || app->ff_withheld)
      continue;
    if (ff_check_tick (app, (gint64) (t * G_USEC_PER_SEC) + 1,
            ff_on ? (gint64) llround (c->ff_ppm * 1e3) : G_MININT64,
            corr_now, app->rt.drift.smoothed, TARGET, PERIOD, why)) {
      g_test_message ("%s: withheld at %.1f s: %s", c->name, t, why->str);
      app->ff_withheld = TRUE;
      withheld_at = t;
    }
  }
  *err = app->rt.drift.smoothed - TARGET;
  *found = app->rt.drift.ff_base + app->rt.drift.integral;
  return withheld_at;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  double err, found;
  double at = run (c, 120, &err, &found);

  g_test_message ("%s: drift %+.0f ppm, measured %+.0f from %.0f s; "
      "withheld at %.1f s; at 120 s the fill %+.1f frames off the target, "
      "the loop holding %+.1f ppm", c->name, c->drift_ppm, c->ff_ppm,
      c->ff_from_s, at, err, found * 1e6);
  if (c->withheld) {
    g_assert_cmpfloat (at, >=, c->ff_from_s);
    g_assert_cmpfloat (at, <=, c->ff_from_s + c->within_s);
  } else {
    g_assert_cmpfloat (at, ==, -1);
  }
  /* either way the loop holds the fill, and follows the real drift */
  g_assert_cmpfloat (fabs (err), <=, PERIOD);
  g_assert_cmpfloat (fabs (found * 1e6 - c->drift_ppm), <=, 20);
}

/* The negative control: without the check, a wrong feed-forward leaves
 * the loop holding its opposite in the integral for as long as it runs,
 * which is the sign the check reads. */
static void
test_wrong_kept_without_check (void)
{
  RbJackDrift d;
  double fill = TARGET;

  rb_jack_drift_init (&d, RATE);
  rb_jack_drift_reset (&d);
  for (guint64 cycle = 0; cycle < (guint64) (120 * RATE / PERIOD); cycle++) {
    rb_jack_drift_step (&d, fill, TARGET, 12900e-6, PERIOD, RATE, FALSE);
    fill += PERIOD * (0 - d.correction);
  }
  g_assert_cmpfloat (fabs (d.integral + 12900e-6), <, 100e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *path = g_strdup_printf ("/jack/ff-check/%s",
        cases[i].name);

    g_test_add_data_func (path, &cases[i], test_case);
  }
  g_test_add_func ("/jack/ff-check/wrong-kept-without-check",
      test_wrong_kept_without_check);
  return g_test_run ();
}
