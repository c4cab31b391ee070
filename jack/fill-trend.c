/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* --resample=auto's second witness: the fill itself (docs/clocks.md,
 * "--resample=auto"). Main thread, once a tick, while auto copies.
 *
 * The measured drift (drift-measure.c) compares two rates measured
 * differently: JACK's is its average over the window, the other side's
 * comes from the ring's delay-locked loop, which takes a stamp more than
 * a millisecond off its line as a jump of phase and leaves it out. Two
 * sides that lose time unevenly (dummy backends on a loaded machine, a
 * stream that a network delivers in bursts) then measure a drift of
 * percents, steady in sign and size, that is not there: between two JACK
 * servers on one clock (examples/network) +0.13 % to +1.3 % was seen
 * while the ring's fill, copied bit-exact, stayed within a hundred
 * frames for seconds. Resampling on it bent the pitch and ran the ring
 * dry (network-rtp-jitter).
 *
 * A drift that is there moves the fill while auto copies: at D ppm, D *
 * rate * 1e-6 frames a second. So before auto resamples, the fill over
 * the last FILL_WINDOW ticks must show it: its least-squares slope, at
 * least half the predicted one and of its sign, or the ring's end in
 * that direction (full, or play's --latency bound, and skipping or
 * filling up; empty and running dry: the fill cannot move further). A drift too small to move the fill beyond the fit's own
 * noise in the window passes: it is what the loop corrects anyway, and a
 * small error in its feed-forward costs nothing.
 *
 * A refuted measurement is no feed-forward, but the fill may still show a
 * drift of its own, clear of its noise: then auto resamples on that, and
 * the loop finds the drift from the fill alone (drift-report.c). A
 * paced producer 2000 ppm fast against a dummy backend that lost 3 % of
 * its time in 644 xruns (clocks-jack-play-plus2000-auto under load):
 * measured +26239 ppm, the fill +1970 ppm. */

#include "app.h"

#include <math.h>

/* the fit needs this much history before it can refute a drift */
#define MIN_SPAN_US (G_GINT64_CONSTANT (5) * G_USEC_PER_SEC)
/* a predicted move within this many standard errors of the fit (and a
 * period) cannot be told from noise */
#define NOISE_SIGMAS 3.0
/* the fill's own drift counts beyond the noise and this many periods: the
 * fill moves in whole periods, and one step of a period in mid-window is
 * a line that moved 1.5 periods (network-netjack2: two clients of one
 * server, whose fill stepped between 1536 and 1792 frames) */
#define OWN_DRIFT_PERIODS 2

/* Forgets the history: resampling started or stopped, a new ring, a new
 * server. (Not an xrun: its step of the fill moves the fit little, and
 * under load they come ten a second.) */
void
fill_trend_reset (App *app)
{
  app->trend_len = 0;
  app->trend_pos = 0;
}

static guint64
ends_count (App *app, gboolean up)
{
  RbJackRt *rt = &app->rt;

  /* relaxed: statistics (see RbJackRt) */
  if (rt->mode == RB_JACK_PLAY)
    return atomic_load_explicit (up ? &rt->skipped_frames : &rt->ran_dry,
        memory_order_relaxed);
  return up ? atomic_load_explicit (&rt->filled_up, memory_order_relaxed) :
      0;
}

/* One sample a tick: the fill, and the counts of the ring's two ends. */
void
fill_trend_push (App *app, gint64 now)
{
  FillSample *s = &app->trend[app->trend_pos];

  s->t_us = now;
  /* relaxed: statistics (see RbJackRt) */
  s->fill = (double) atomic_load_explicit (&app->rt.fill,
      memory_order_relaxed);
  s->ends_up = ends_count (app, TRUE);
  s->ends_down = ends_count (app, FALSE);
  app->trend_pos = (app->trend_pos + 1) % FILL_WINDOW;
  if (app->trend_len < FILL_WINDOW)
    app->trend_len++;
}

/* Whether the fill agrees with a drift of @ppb (positive: the ring
 * fills): FILL_TREND_AGREES, FILL_TREND_UNKNOWN while the history is
 * short, or FILL_TREND_REFUTES, with @why saying what it showed. With
 * either answer but UNKNOWN, @fill_ppb is the drift the fill's own slope
 * shows, or G_MININT64 where that slope is within its noise. */
FillTrend
fill_trend_check (App *app, gint64 ppb, GString *why, gint64 *fill_ppb)
{
  guint first = (app->trend_pos + FILL_WINDOW - app->trend_len) % FILL_WINDOW;
  const FillSample *oldest = &app->trend[first];
  const FillSample *newest = &app->trend[(first + app->trend_len - 1) %
      FILL_WINDOW];
  double st = 0, sf = 0, stt = 0, stf = 0, sres = 0, n = app->trend_len;
  const FillSample *recent;
  double span, slope, se, predicted, moved, bound;
  guint period = app->last_buffer_size;

  *fill_ppb = G_MININT64;
  if (app->trend_len < 3 || newest->t_us - oldest->t_us < MIN_SPAN_US)
    return FILL_TREND_UNKNOWN;
  span = (double) (newest->t_us - oldest->t_us) / G_USEC_PER_SEC;
  for (guint i = 0; i < app->trend_len; i++) {
    const FillSample *s = &app->trend[(first + i) % FILL_WINDOW];
    double t = (double) (s->t_us - oldest->t_us) / G_USEC_PER_SEC;

    st += t;
    sf += s->fill;
    stt += t * t;
    stf += t * s->fill;
  }
  slope = (n * stf - st * sf) / (n * stt - st * st);
  for (guint i = 0; i < app->trend_len; i++) {
    const FillSample *s = &app->trend[(first + i) % FILL_WINDOW];
    double t = (double) (s->t_us - oldest->t_us) / G_USEC_PER_SEC;
    double r = s->fill - (sf / n + slope * (t - st / n));

    sres += r * r;
  }
  /* the slope's standard error, over the whole span */
  se = sqrt (sres / (n - 2) / (stt - st * st / n)) * span;
  moved = slope * span;
  predicted = (double) ppb * 1e-9 * app->jack_rate * span;
  if (fabs (moved) > NOISE_SIGMAS * se + OWN_DRIFT_PERIODS * period)
    *fill_ppb = (gint64) llround (moved / span / app->jack_rate * 1e9);
  if (fabs (predicted) <= NOISE_SIGMAS * se + period)
    return FILL_TREND_AGREES;                /* too small to see: the loop's to find */
  if (predicted > 0 ? moved >= predicted / 2 : moved <= predicted / 2)
    return FILL_TREND_AGREES;
  /* at an end, where it cannot move that way: there now, and hitting
   * it in the window's last quarter */
  recent = &app->trend[(first + app->trend_len * 3 / 4) % FILL_WINDOW];
  bound = (double) app->rt.max_fill;
  if (bound == 0 && app->ring != NULL)
    bound = (double) rb_ring_get_capacity_frames (app->ring);
  if (predicted > 0 && newest->fill + period >= bound &&
      newest->ends_up != recent->ends_up)
    return FILL_TREND_AGREES;
  if (predicted < 0 && newest->fill <= period &&
      newest->ends_down != recent->ends_down)
    return FILL_TREND_AGREES;
  g_string_printf (why, "the fill moved %+.0f frames (+-%.0f) in %.1f s "
      "where that drift would move it %+.0f", moved, se, span, predicted);
  return FILL_TREND_REFUTES;
}
