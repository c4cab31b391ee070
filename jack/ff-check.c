/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The loop's check of its feed-forward (docs/clocks.md, "The loop's
 * check"). Main thread, once a tick, while resampling with the measured
 * drift as the feed-forward: --resample=on from its first cycles, auto
 * once the fill agreed with the measurement (fill-trend.c).
 *
 * The measured drift compares two rates measured differently
 * (fill-trend.c says how they come to disagree by percents where both
 * sides lose time unevenly). --resample=on has no fill check before it
 * starts: it resamples from the first cycle, so a wrong measurement goes
 * straight into the ratio. The loop then finds the error itself: its
 * integral, which holds only what the measurement misses (a few ppm when
 * the measurement is right), comes to hold the difference between the
 * real drift and the measured one. So an integral that holds more than
 * half the measured drift (and at least FF_DOUBT_MIN_PPB), steadily, for
 * FF_DOUBT_US, says the measurement is not the ring's: the loop is
 * cancelling it. A measured drift beyond the correction's bound is no
 * feed-forward either: the ratio could not follow it, and a real drift
 * that large saturates the loop with or without it. Either way the
 * feed-forward goes (drift-report.c withholds it for the rest of the
 * run), and the transfer in drift.h is bumpless: the integral takes the
 * difference, and the ratio does not step.
 *
 * The integral is not published by the callback: it is the correction
 * less the feed-forward and the proportional term (drift.h),
 * c - ff - kp_ff * e, from the statistics the callback publishes every
 * cycle. A correction at its bound hides it. And a large integral is the
 * sign of a wrong measurement only where the loop holds the fill: a
 * right one that arrived while the loop was still finding the drift alone
 * leaves the integral holding minus what the loop had not yet found
 * (the transfer is bumpless), and while that drains, at the slower
 * loop's pace, the fill stands off its target by up to kp_ff's share
 * of it and the integral moves by a quarter of itself every 5 s
 * (tests/jack/test-ff-check.c, right-early-*); before the fill has moved
 * enough to drive it, it even stands still for seconds. So the window
 * opens only FF_SETTLE_US after the feed-forward became known, and
 * counts only while the smoothed fill stays within @band (a period) of
 * the target and the integral within FF_STEADY of where the window
 * began. A wrong measurement the loop then holds against for the whole
 * window goes; by then the loop has found the drift itself, so the
 * check is about what comes next: a measurement that keeps wandering by
 * percents (fill-trend.c), which the integral would have to chase. A
 * measured drift beyond the bound is withheld at once: with it the
 * correction stays at its bound and the ring runs dry or full for as
 * long as it is used. */

#include "app.h"

#include <math.h>

/* the loop has had this long with the feed-forward ... */
#define FF_SETTLE_US (G_GINT64_CONSTANT (20) * G_USEC_PER_SEC)
/* the integral must hold this much (parts per billion) ... */
#define FF_DOUBT_MIN_PPB 100000
/* ... and at least this fraction of the measured drift ... */
#define FF_DOUBT_FRACTION 0.5
/* ... for this long ... */
#define FF_DOUBT_US (G_GINT64_CONSTANT (5) * G_USEC_PER_SEC)
/* ... within this fraction of itself */
#define FF_STEADY 0.1

void
ff_check_reset (App *app)
{
  app->ff_known_since = 0;
  app->ff_doubt_since = 0;
  app->ff_doubt_first = 0;
}

/* Says whether the feed-forward @ff_ppb (what rt.feed_forward_ppb got)
 * should go, given the callback's last @correction and @smoothed fill,
 * the @target and the @band around it where the loop holds the fill; if
 * so, says why in @why. */
gboolean
ff_check_tick (App *app, gint64 now, gint64 ff_ppb, double correction,
    double smoothed, double target, double band, GString *why)
{
  double ff = (double) ff_ppb * 1e-9;
  double limit = app->rt.drift.limit;
  double integral;

  if (ff_ppb == G_MININT64) {
    ff_check_reset (app);
    return FALSE;
  }
  if (fabs (ff) >= limit) {
    g_string_printf (why, "it is beyond what the ratio may follow "
        "(%+.0f ppm)", (ff > 0 ? limit : -limit) * 1e6);
    return TRUE;
  }
  if (app->ff_known_since == 0)
    app->ff_known_since = now;
  if (now - app->ff_known_since < FF_SETTLE_US)
    return FALSE;
  integral = correction - ff - app->rt.drift.kp_ff * (smoothed - target);
  if (fabs (correction) >= limit * 0.999 ||
      fabs (smoothed - target) > band ||
      fabs (integral) < MAX (FF_DOUBT_MIN_PPB * 1e-9,
          FF_DOUBT_FRACTION * fabs (ff))) {
    app->ff_doubt_since = 0;
    return FALSE;
  }
  if (app->ff_doubt_since == 0 ||
      fabs (integral - app->ff_doubt_first) > FF_STEADY * fabs (integral)) {
    /* a new window from here: the integral is still moving */
    app->ff_doubt_since = now;
    app->ff_doubt_first = integral;
    return FALSE;
  }
  if (now - app->ff_doubt_since < FF_DOUBT_US)
    return FALSE;
  g_string_printf (why, "the loop has held %+.1f ppm against it for %d s",
      integral * 1e6, (int) (FF_DOUBT_US / G_USEC_PER_SEC));
  return TRUE;
}
