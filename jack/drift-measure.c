/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The measured drift between JACK and the ring's other side, for the
 * fill loop's feed-forward and --resample=auto (docs/clocks.md, section
 * 2). Main thread, once a tick.
 *
 * Both rates are taken on CLOCK_MONOTONIC. The other side's comes from
 * the ring's timing (its delay-locked loop). JACK's cannot come from the
 * ring: while we resample, our position there follows the other side,
 * not JACK. It comes from the cycle times the callback publishes (frame
 * time, and its time on JACK's clock plus the measured offset to
 * CLOCK_MONOTONIC), over a window of up to RATE_WINDOW ticks: a few
 * microseconds of jitter in a cycle's time are then well under a ppm.
 * Freewheeling (no clock at all) empties the window. */

#include "app.h"

#include <math.h>

/* JACK's rate is known once the window spans this long */
#define MIN_SPAN_NS (G_GINT64_CONSTANT (5) * 1000000000)
/* a measured rate further than this from JACK's nominal one is not
 * believed. Wider than the ring's 5 % for its sides: JACK's rate keeps
 * the time its late wake-ups lose, and a dummy backend on a loaded
 * 2-vCPU guest lost 9 % (583 xruns in 36 s, CI 2026-12-06), which left
 * the drift unknown for the whole run and auto never looked at the fill.
 * A measured drift that large is no feed-forward either way: auto checks
 * it against the fill (fill-trend.c), and the loop drops one beyond its
 * bound (ff-check.c). */
#define MAX_RATE_ERROR 0.2

/* Forgets JACK's rate: a new client (a new server's cycles), and with
 * it the fill's history that auto checks a drift against. */
void
drift_measure_reset (App *app)
{
  fill_trend_reset (app);
  app->ff_withheld = FALSE;
  ff_check_reset (app);
  app->rate_len = 0;
  app->rate_pos = 0;
  app->jack_rate_measured = 0;
  /* relaxed: values on their own (see RbJackRt) */
  atomic_store_explicit (&app->rt.feed_forward_ppb, G_MININT64,
      memory_order_relaxed);
  app->drift_ppb = G_MININT64;
}

/* One more sample of JACK's cycle times; returns the rate over the
 * window, or 0 while unknown. The rate is JACK's frame count against the
 * monotonic clock from the window's oldest sample to its newest, xruns
 * included: a backend that loses time at each late wake-up (the dummy
 * backend without realtime scheduling, 1-2 % on a loaded virtual machine)
 * runs that much slower on average, and its average is the rate at which
 * the ring is read or written. The other side's rate, from the ring's
 * loop, leaves out what it takes as jumps, so where both sides lose time
 * (a producer paced on JACK's frame count, two dummy servers) the two
 * measure a drift of percents that is not there; --resample=auto checks
 * a drift against the fill before it believes it (fill-trend.c). A sound
 * card's frame count does not stop for an xrun, so there the xruns
 * change nothing. */
static double
jack_rate_sample (App *app)
{
  guint64 frames, usecs;
  gint64 span_ns;
  RateSample *s, *newest;
  const RateSample *oldest;

  /* relaxed: a hint, a value on its own */
  if (atomic_load_explicit (&app->rt.freewheeling, memory_order_relaxed)) {
    app->rate_len = 0;
    app->rate_pos = 0;
    return 0;
  }
  if (!rb_jack_rt_read_cycle (&app->rt, &frames, &usecs))
    return 0;
  newest = app->rate_len > 0 ? &app->rate_window[(app->rate_pos +
          RATE_WINDOW - 1) % RATE_WINDOW] : NULL;
  /* no cycle since the last tick: a stall, which the next cycle's tick
   * will show as a jump; the rate stays what it was */
  if (newest != NULL && frames <= newest->frames)
    return app->jack_rate_measured;
  s = &app->rate_window[app->rate_pos];
  s->frames = frames;
  /* relaxed: a value on its own (see RbJackRt.clock_offset_ns) */
  s->mono_ns = (gint64) usecs * 1000 + atomic_load_explicit (
      &app->rt.clock_offset_ns, memory_order_relaxed);
  app->rate_pos = (app->rate_pos + 1) % RATE_WINDOW;
  if (app->rate_len < RATE_WINDOW)
    app->rate_len++;
  oldest = &app->rate_window[(app->rate_pos + RATE_WINDOW - app->rate_len) %
      RATE_WINDOW];
  span_ns = s->mono_ns - oldest->mono_ns;
  /* once known, it stays known on half the span (a restarted window) */
  if (span_ns < (app->jack_rate_measured > 0 ? MIN_SPAN_NS / 2 :
          MIN_SPAN_NS))
    return 0;
  return (double) (s->frames - oldest->frames) * 1e9 / (double) span_ns;
}

/* Each tick while active: JACK's rate, the other side's from the ring,
 * and the drift between them for the callback (rt.feed_forward_ppb,
 * INT64_MIN while unknown). The other side's figure counts only once its
 * loop has locked: before that its rate is still being found. */
void
drift_measure_tick (App *app)
{
  RbRingTiming t;
  gboolean play = app->rt.mode == RB_JACK_PLAY;
  gboolean ok, locked;
  double peer;
  gint64 ppb = G_MININT64;

  if (!app->active || app->ring == NULL) {
    drift_measure_reset (app);
    return;
  }
  app->jack_rate_measured = jack_rate_sample (app);
  if (fabs (app->jack_rate_measured / app->jack_rate - 1) > MAX_RATE_ERROR)
    app->jack_rate_measured = 0;
  rb_ring_get_timing (app->ring, &t);
  ok = (play ? t.producer_state : t.consumer_state) == RB_TIMING_STATE_OK;
  locked = play ? t.producer_locked : t.consumer_locked;
  peer = play ? t.producer_rate : t.consumer_rate;
  if (ok && locked && peer > 0 && app->jack_rate_measured > 0)
    ppb = (gint64) llround (rb_jack_drift_feed_forward (play, peer,
            app->jack_rate_measured) * 1e9);
  if ((ppb == G_MININT64) != (app->drift_ppb == G_MININT64)) {
    if (ppb != G_MININT64)
      print_info (app, "measured drift: %+.2f ppm, positive when the "
          "ring fills (JACK %.3f frames/s, the %s %.3f)%s",
          (double) ppb * 1e-3, app->jack_rate_measured,
          play ? "producer" : "consumer", peer,
          app->rt.rs != NULL ? "; the resampling loop's feed-forward" : "");
    else
      print_info (app, "measured drift unknown: %s",
          app->jack_rate_measured <= 0 ? "JACK's rate is being measured" :
          !ok ? "the other side's rate is unknown" :
          "the other side's rate is not locked yet");
  }
  app->drift_ppb = ppb;
  /* relaxed: a value on its own (see RbJackRt); none while auto resamples
   * on the fill's evidence against this measurement (fill-trend.c) */
  atomic_store_explicit (&app->rt.feed_forward_ppb, app->ff_withheld ?
      G_MININT64 : ppb, memory_order_relaxed);
}
