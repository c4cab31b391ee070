/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Resampling's main-thread side (--resample, docs/clocks.md): making
 * the resampler before the client is activated, the fill target it holds,
 * noticing lock and --resample=auto's giving up, and the statistics'
 * figures. The loop itself runs in the process callback (rt.c, drift.h). */

#include "app.h"

#include <math.h>
#include <sysexits.h>

/* the default target: 20 ms, and at least this many periods */
#define DEFAULT_TARGET_MS 20.0
#define DEFAULT_TARGET_PERIODS 4
/* the least fill play's and record's loop can hold: the period being
 * played out and one in hand (a cycle reads or writes a whole period,
 * and the converter needs its filter's reach beyond it; in simulated time
 * a period and 176 frames was the least that held every drift at
 * 1024-frame periods). An asked target below it is raised to it. */
#define MIN_TARGET_PERIODS 2
/* locked: the smoothed fill within a period of the target this long */
#define LOCK_US G_USEC_PER_SEC
/* --resample=auto: the correction at its bound this long means the other
 * side keeps no pace of its own */
#define GIVE_UP_US (G_GINT64_CONSTANT (5) * G_USEC_PER_SEC)
/* --resample=auto starts resampling on a measured drift of at least this
 * (parts per billion): 5 ppm, a walk of 0.24 frames a second at 48 kHz,
 * a period in under five minutes */
#define AUTO_MIN_DRIFT_PPB 5000
/* ... for this long: one reading is not enough */
#define AUTO_CONFIRM_US (G_GINT64_CONSTANT (2) * G_USEC_PER_SEC)
/* how far the measured drift may range while it confirms (auto_watch) */
#define AUTO_SPREAD 4
/* a target held above the configured one comes down at this rate (parts
 * per million of JACK's rate): the loop follows it with that much more
 * correction, 1.7 cents of pitch, and 2000 frames take 42 s at 48 kHz */
#define TARGET_SLEW_PPM 1000.0

/* Makes the resampler for rt.n_ports channels unless --resample=off or
 * made already (a reconnect keeps it). Main thread, before
 * jack_activate(). Returns 0 or an exit status. */
int
resample_setup (App *app)
{
  const char *why = NULL;

  if (app->opt.resample == RESAMPLE_OFF)
    return 0;
  /* no callback runs yet: rt's fields are ours to write */
  app->rt.rate = app->jack_rate;
  rb_jack_drift_init (&app->rt.drift, app->rt.rate);
  if (app->rt.rs == NULL) {
    app->rt.rs = rb_jack_resampler_new (app->rt.n_ports, &why);
    if (app->rt.rs == NULL) {
      print_error ("cannot make the resampler: %s", why);
      return EX_OSERR;
    }
  }
  app->resample_start = g_get_monotonic_time ();
  app->unlocked_since = 0;
  app->locked = FALSE;
  app->clamped_since = 0;
  /* relaxed: no callback runs yet; --resample=on resamples from the
   * first cycle, auto once it sees a drift */
  atomic_store_explicit (&app->rt.resampling,
      app->opt.resample == RESAMPLE_ON, memory_order_relaxed);
  resample_set_target (app, jack_get_buffer_size (app->client));
  return 0;
}

/* The held target (set_resampling()) comes down towards @target at
 * TARGET_SLEW_PPM; returns what to hold now, at least @target. */
static guint64
held_target (App *app, guint64 target)
{
  gint64 now = g_get_monotonic_time ();
  double down;

  if (app->target_held <= (double) target) {
    app->target_held = 0;
    return target;
  }
  down = TARGET_SLEW_PPM * 1e-6 * app->jack_rate *
      (double) (now - app->target_held_at) / G_USEC_PER_SEC;
  app->target_held_at = now;
  app->target_held = MAX (app->target_held - down, (double) target);
  return (guint64) app->target_held;
}

/* The fill to hold: --frames or --latency for play, else 20 ms or four
 * periods, whichever is more; at least two periods (asked for less, it
 * says so, once per buffer size); at most half the ring; or more for a
 * while after auto started resampling (held_target()). Play skips back
 * to it above twice the target and a period. */
void
resample_set_target (App *app, guint period)
{
  guint64 target = 0, cap, held;

  if (app->rt.rs == NULL)
    return;
  if (app->rt.mode == RB_JACK_PLAY && app->opt.frames != 0)
    target = app->opt.frames;
  else if (app->rt.mode == RB_JACK_PLAY && app->opt.latency_ms != 0)
    target = frames_for_ms (app->opt.latency_ms, app->jack_rate);
  else
    target = MAX (frames_for_ms (DEFAULT_TARGET_MS, app->jack_rate),
        (guint64) DEFAULT_TARGET_PERIODS * period);
  if (target < (guint64) MIN_TARGET_PERIODS * period) {
    if (app->target_floor_warned != period)
      print_warning ("warning: a fill of %" G_GUINT64_FORMAT " frames "
          "(%.2f ms) is less than two JACK periods of %u frames, which "
          "resampling needs; holding %" G_GUINT64_FORMAT " frames",
          target, (double) target * 1000.0 / app->jack_rate, period,
          (guint64) MIN_TARGET_PERIODS * period);
    app->target_floor_warned = period;
    target = (guint64) MIN_TARGET_PERIODS * period;
  }
  cap = app->ring != NULL ? rb_ring_get_capacity_frames (app->ring) : 0;
  if (cap != 0 && target > cap / 2)
    target = cap / 2;
  held = held_target (app, target);
  /* relaxed: values on their own (see RbJackRt) */
  if (held == target &&
      target != atomic_load_explicit (&app->rt.target, memory_order_relaxed))
    print_info (app, "resampling target: %" G_GUINT64_FORMAT " frames "
        "(%.2f ms) in the ring", target,
        (double) target * 1000.0 / app->jack_rate);
  target = held;
  atomic_store_explicit (&app->rt.target, target, memory_order_relaxed);
  atomic_store_explicit (&app->rt.skip_above, app->rt.mode == RB_JACK_PLAY ?
      2 * target + period : 0, memory_order_relaxed);
}

/* Auto starts or stops resampling. Starting, the target is held at the
 * fill queued now when that is more (a jitterbuffer's bursts may have let
 * it settle there while auto copied), and comes down from there: the
 * loop's ratio takes the fill down without a skip (play would skip to
 * its target at once above twice it, a gap; record's ratio would sit at
 * its 2 % bound). */
static void
set_resampling (App *app, gboolean on)
{
  /* relaxed: statistics written by the callback (see RbJackRt) */
  double fill = (double) atomic_load_explicit (&app->rt.fill,
      memory_order_relaxed);
  /* relaxed: our own target, a value on its own (resample_set_target()) */
  guint64 target = atomic_load_explicit (&app->rt.target,
      memory_order_relaxed);

  app->target_held = 0;
  if (on && fill > (double) target) {
    /* all of it, however near the ring's end: a lower target puts the
     * fill that far off it, the ratio at its bound, and auto gives up */
    app->target_held = fill;
    app->target_held_at = g_get_monotonic_time ();
    print_info (app, "resampling target: held at %.0f frames (the fill "
        "now), coming down to %" G_GUINT64_FORMAT " at %.0f ppm",
        app->target_held, target, TARGET_SLEW_PPM);
    resample_set_target (app, app->last_buffer_size);
  }
  /* relaxed: a flag on its own (see RbJackRt) */
  atomic_store_explicit (&app->rt.resampling, on, memory_order_relaxed);
  app->clamped_since = 0;
  app->auto_over_since = 0;
  app->auto_refuted = FALSE;
  app->ff_withheld = FALSE;
  ff_check_reset (app);
  fill_trend_reset (app);
  app->locked = FALSE;
  app->unlocked_since = 0;
  app->resample_start = g_get_monotonic_time ();
}

/* The measured drift is no feed-forward for the rest of this
 * resampling: the loop goes on from the fill alone (bumpless, drift.h). */
static void
withhold_feed_forward (App *app)
{
  app->ff_withheld = TRUE;
  /* relaxed: a value on its own (see RbJackRt); at once, not at the next
   * tick's drift_measure_tick() */
  atomic_store_explicit (&app->rt.feed_forward_ppb, G_MININT64,
      memory_order_relaxed);
}

/* --resample=auto while not resampling: the plain path (bit-exact) until
 * the measured drift (drift-measure.c: the other side's rate from the
 * ring's timing, JACK's from its cycles) says the other side runs on
 * another clock, for AUTO_CONFIRM_US in a row, and the fill agrees
 * (fill-trend.c). The fill alone cannot tell: a producer that writes a
 * burst and a ring that drains look like a drift for seconds (tests/jack's
 * loopback, producer and freewheel cases did), and resampling would end
 * their bit-exactness. Nor can the measured drift alone (fill-trend.c). */
static void
auto_watch (App *app, gint64 now)
{
  gint64 ff = app->drift_ppb;
  g_autoptr (GString) why = NULL;
  FillTrend trend;
  gint64 fill_ppb;

  fill_trend_push (app, now);
  if (ff == G_MININT64 || ABS (ff) < AUTO_MIN_DRIFT_PPB) {
    app->auto_over_since = 0;
    return;
  }
  /* and consistent: one sign, and within a factor of AUTO_SPREAD of
   * itself over the whole confirmation. Two sides of one clock measure
   * near zero, but on a server whose cycles come irregularly (a dummy
   * backend losing time under load, a netjack2 slave) the two estimates
   * filter the same jumps differently and their ratio swings both ways
   * by percents for seconds (+3.8 %, -2.2 %, -2.9 % in a row was seen):
   * that is no clock, and resampling would end a bit-exact path. A real
   * drift keeps its sign and its size. */
  if (app->auto_over_since != 0 && (ff > 0) == (app->auto_lo_ppb > 0)) {
    app->auto_lo_ppb = MIN (app->auto_lo_ppb, ff);
    app->auto_hi_ppb = MAX (app->auto_hi_ppb, ff);
    if (MIN (ABS (app->auto_lo_ppb), ABS (app->auto_hi_ppb)) * AUTO_SPREAD <
        MAX (ABS (app->auto_lo_ppb), ABS (app->auto_hi_ppb)))
      app->auto_over_since = 0;
  } else {
    app->auto_over_since = 0;
  }
  if (app->auto_over_since == 0) {
    app->auto_over_since = now;
    app->auto_lo_ppb = app->auto_hi_ppb = ff;
  }
  if (now - app->auto_over_since < AUTO_CONFIRM_US)
    return;
  why = g_string_new (NULL);
  trend = fill_trend_check (app, ff, why, &fill_ppb);
  if (trend == FILL_TREND_UNKNOWN)
    return;
  if (trend == FILL_TREND_REFUTES && fill_ppb != G_MININT64 &&
      ABS (fill_ppb) >= AUTO_MIN_DRIFT_PPB) {
    print_info (app, "--resample=auto: the %s and JACK drift apart by "
        "%+.1f ppm as the fill shows (the measured %+.1f ppm is not: %s): "
        "resampling without a feed-forward",
        app->rt.mode == RB_JACK_PLAY ? "producer" : "consumer",
        (double) fill_ppb * 1e-3, (double) ff * 1e-3, why->str);
    set_resampling (app, TRUE);
    withhold_feed_forward (app);
    return;
  }
  if (trend == FILL_TREND_REFUTES) {
    if (!app->auto_refuted)
      print_info (app, "--resample=auto: the measured drift (%+.1f ppm) is "
          "not in the ring: %s; copying on", (double) ff * 1e-3, why->str);
    app->auto_refuted = TRUE;
    return;
  }
  print_info (app, "--resample=auto: the %s and JACK drift apart by "
      "%+.1f ppm (measured): resampling",
      app->rt.mode == RB_JACK_PLAY ? "producer" : "consumer",
      (double) ff * 1e-3);
  set_resampling (app, TRUE);
}

/* --resample=auto while resampling: a correction stuck at its bound for
 * GIVE_UP_US means the other side is no clock (a file reader or writer
 * going as fast as the ring lets it, or one that stopped), and following
 * it would only bend the pitch: back to the plain path. */
static void
auto_give_up (App *app, gint64 now, double correction, double fill)
{
  if (fabs (correction) < RB_JACK_RESAMPLER_MAX_DEVIATION * 0.999) {
    app->clamped_since = 0;
    return;
  }
  if (app->clamped_since == 0)
    app->clamped_since = now;
  if (now - app->clamped_since < GIVE_UP_US)
    return;
  print_info (app, "--resample=auto: the ratio sat at its bound (%+.0f ppm) "
      "for %d s with the fill at %.0f frames: the %s keeps no pace of its "
      "own; not resampling", correction * 1e6,
      (int) (GIVE_UP_US / G_USEC_PER_SEC), fill,
      app->rt.mode == RB_JACK_PLAY ? "producer" : "consumer");
  set_resampling (app, FALSE);
}

/* While the measured drift is the feed-forward: the loop's check of it
 * (ff-check.c). */
static void
ff_doubt (App *app, gint64 now, double correction, double smoothed,
    double target, guint period)
{
  g_autoptr (GString) why = g_string_new (NULL);
  /* relaxed: a value on its own (see RbJackRt): what the callback uses */
  gint64 ff = atomic_load_explicit (&app->rt.feed_forward_ppb,
      memory_order_relaxed);

  if (!ff_check_tick (app, now, ff, correction, smoothed, target, period,
          why))
    return;
  print_info (app, "resampling: the measured drift (%+.1f ppm) is not the "
      "ring's: %s; resampling on the fill alone, without a feed-forward",
      (double) ff * 1e-3, why->str);
  withhold_feed_forward (app);
}

/* Each tick: the target (the period may have changed), lock, auto, the
 * feed-forward's check. */
void
resample_tick (App *app, gint64 now)
{
  guint period;
  double smoothed, target, correction, fill;

  if (app->rt.rs == NULL || !app->active || app->ring == NULL)
    return;
  period = jack_get_buffer_size (app->client);
  resample_set_target (app, period);
  /* relaxed: statistics written by the callback, and our own target */
  smoothed = (double) atomic_load_explicit (&app->rt.smoothed_fill_uf,
      memory_order_relaxed) / 1e6;
  target = (double) atomic_load_explicit (&app->rt.target,
      memory_order_relaxed);
  correction = (double) atomic_load_explicit (&app->rt.correction_ppb,
      memory_order_relaxed) * 1e-9;
  fill = (double) atomic_load_explicit (&app->rt.fill, memory_order_relaxed);
  if (!atomic_load_explicit (&app->rt.resampling, memory_order_relaxed)) {
    if (app->opt.resample == RESAMPLE_AUTO)
      auto_watch (app, now);
    return;
  }
  if (app->opt.resample == RESAMPLE_AUTO)
    auto_give_up (app, now, correction, fill);
  if (!app->ff_withheld)
    ff_doubt (app, now, correction, smoothed, target, period);

  if (fabs (smoothed - target) > period) {
    if (app->locked)
      print_info (app, "resampling lost lock: fill %.0f frames, target "
          "%.0f, ratio %+.1f ppm", smoothed, target, correction * 1e6);
    app->locked = FALSE;
    app->unlocked_since = 0;
    return;
  }
  if (app->unlocked_since == 0)
    app->unlocked_since = now;
  if (!app->locked && now - app->unlocked_since >= LOCK_US) {
    app->locked = TRUE;
    print_info (app, "resampling locked after %.1f s: fill %.1f frames, "
        "target %.0f, ratio %+.1f ppm",
        (double) (app->unlocked_since - app->resample_start) /
        G_USEC_PER_SEC, smoothed, target, correction * 1e6);
  }
}

/* The statistics line's resampling figures: the measured drift (the
 * other side against JACK, "?" while unknown) first, whether the loop
 * uses it as its feed-forward, then the loop's figures. */
void
resample_stats (App *app, GString *out)
{
  RbJackRt *rt = &app->rt;

  if (app->drift_ppb == G_MININT64)
    g_string_append (out, " drift_ppm=?");
  else
    g_string_append_printf (out, " drift_ppm=%+.2f",
        (double) app->drift_ppb * 1e-3);
  /* relaxed: a flag on its own (see RbJackRt) */
  g_string_append_printf (out, " feed_forward=%s", rt->rs != NULL &&
      app->drift_ppb != G_MININT64 && !app->ff_withheld &&
      atomic_load_explicit (&rt->resampling, memory_order_relaxed) ?
      "yes" : "no");
  if (rt->rs == NULL) {
    g_string_append (out, " resample=off");
    return;
  }
  /* relaxed: statistics */
  g_string_append_printf (out, " resample=%s ratio_ppm=%+.1f fill_avg=%.1f "
      "target=%" G_GUINT64_FORMAT " locked=%s",
      atomic_load_explicit (&rt->resampling, memory_order_relaxed) ?
      "on" : "idle",
      (double) atomic_load_explicit (&rt->correction_ppb,
          memory_order_relaxed) * 1e-3,
      (double) atomic_load_explicit (&rt->smoothed_fill_uf,
          memory_order_relaxed) / 1e6,
      (guint64) atomic_load_explicit (&rt->target, memory_order_relaxed),
      app->locked ? "yes" : "no");
}
