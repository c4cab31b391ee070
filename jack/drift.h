/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The controller that holds the ring's fill at a target by setting the
 * resampler's ratio (docs/clocks.md, "The control loop").
 *
 * The plant: with the ratio r = 1 / (1 + c) (output frames per input
 * frame), the fill moves by rate * (drift - c) frames per second, drift
 * being how much faster the ring's producer runs than its consumer. A PI
 * loop on the fill's error e = smoothed fill - target,
 *
 *     c = feed_forward + kp * e + ki * integral (e dt),
 *
 * makes it a second-order loop, s^2 + rate kp s + rate ki: with
 * kp = 2 zeta w / rate and ki = w^2 / rate it has natural frequency w
 * (0.5 rad/s) and damping zeta (1). The fill is smoothed first by a
 * one-pole low-pass (0.25 s), far above the loop's bandwidth, so that a
 * producer writing in blocks modulates the ratio little. The correction
 * is clamped to +-RB_JACK_RESAMPLER_MAX_DEVIATION, and the integral stops
 * growing while clamped in the direction of the error (anti-windup). An
 * xrun (and a cold start) holds the integral for at least half a second and until the fill
 * is back within a period of the target: the fill's step (the cycles JACK
 * lost, while the peer went on) is no drift, so the proportional term
 * alone takes it back, and the integral, which holds the drift, neither
 * winds up nor overshoots (tests/clocks/test-clocks-jack-sim.c, xrun).
 *
 * The step is inline, so that the process callback (rt.c) calls nothing
 * outside its object for it; drift.c holds the main thread's side. */

#include "resample.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
  /* set by rb_jack_drift_init() (main thread, before activation) */
  double kp;                    /* per frame of error */
  double ki;                    /* per frame-second of error */
  double limit;                 /* the correction's bound, either way */
  double smooth_s;              /* the fill's smoothing time constant */
  double hold_s;                /* how long an xrun holds the integral */
  double kp_ff, ki_ff;          /* the gains while a feed-forward is known */
  /* the process thread's state */
  bool primed;
  double smoothed;              /* the smoothed fill, frames */
  double integral;              /* the integral term, as a correction */
  double correction;            /* c, last output */
  double hold_left;             /* seconds the integral stays held */
  bool hold_far;                /* and until the error is under a period */
  bool fresh;                   /* no step since the reset */
  bool ff_known;                /* the last step had a feed-forward */
  double ff_base;               /* the feed-forward it used (0: none) */
  double kp_used;               /* and its proportional gain */
} RbJackDrift;

/* drift.c: main thread, while no callback runs; @rate is JACK's */
void rb_jack_drift_init  (RbJackDrift *d,
                          double       rate);

/* Forgets the state (a new ring, a restart): the next step starts from
 * the fill it is given. Thread: any, while no step runs. RT-safe. */
static inline void
rb_jack_drift_reset (RbJackDrift *d)
{
  d->primed = false;
  d->smoothed = 0;
  d->integral = 0;
  d->correction = 0;
  d->hold_left = 0;
  d->hold_far = false;
  d->fresh = true;
  d->ff_known = false;
  d->ff_base = 0;
  d->kp_used = d->kp;
}

/* The feed-forward from the two rates, both measured in frames per
 * second of CLOCK_MONOTONIC: the drift the correction c must undo, with
 * the ratio 1 / (1 + c) output frames per input frame. Play reads the
 * ring at @peer_rate (its producer's) and outputs at @jack_rate, so
 * 1 + c = peer / jack; record takes JACK's frames and writes them for a
 * consumer reading at @peer_rate, so 1 / (1 + c) = peer / jack. Either
 * way c > 0 when the ring would fill up. Thread: any. RT-safe. */
static inline double
rb_jack_drift_feed_forward (bool play, double peer_rate, double jack_rate)
{
  return play ? peer_rate / jack_rate - 1.0 : jack_rate / peer_rate - 1.0;
}

/* Bumpless transfer: when the feed-forward appears or goes, the integral
 * takes the difference, so that the correction does not step; the
 * integral held the whole drift before, and holds only what the
 * measurement misses after (or the whole again). The gains change with
 * it (the loop is slower with a feed-forward: it has only the
 * measurement's error to find), and the proportional term's change goes
 * to the integral likewise. While the feed-forward stays known, its
 * changes pass straight to the output: they are the measured drift
 * moving. */
static inline void
rb_jack_drift_transfer (RbJackDrift *d, bool known, double base, double kp,
    double e)
{
  /* a fresh start has no output to hold, and an empty integral */
  if (known != d->ff_known && !d->fresh) {
    d->integral += (d->ff_base - base) + (d->kp_used - kp) * e;
    if (d->integral > d->limit)
      d->integral = d->limit;
    if (d->integral < -d->limit)
      d->integral = -d->limit;
  }
  d->fresh = false;
  d->ff_known = known;
  d->ff_base = base;
  d->kp_used = kp;
}

/* One cycle of @nframes at @rate: the raw @fill and @target in frames,
 * @feed_forward the measured drift (producer over consumer rate, minus
 * one) or NaN when unknown, @xrun whether a cycle was lost since the last
 * call. Returns the ratio for the resampler (output per input frame).
 * Thread: the process thread. RT-safe: arithmetic only. */
static inline double
rb_jack_drift_step (RbJackDrift *d, double fill, double target,
    double feed_forward, uint32_t nframes, double rate, bool xrun)
{
  double dt = (double) nframes / rate;
  double alpha = dt / d->smooth_s;
  double e, c, base, kp, ki;
  bool known = isfinite (feed_forward);

  if (!d->primed) {
    /* a cold start is a step like an xrun's: the integral waits */
    d->smoothed = fill;
    d->primed = true;
    d->hold_far = true;
  } else {
    d->smoothed += (fill - d->smoothed) * (alpha < 1.0 ? alpha : 1.0);
  }
  if (xrun) {
    d->hold_left = d->hold_s;
    d->hold_far = true;
  }
  e = d->smoothed - target;
  /* until the fill is back within a period, or for at most another
   * 2.5 s: a drift beyond ~1300 ppm leaves the proportional term alone
   * more than a period off (drift * rate / (2 zeta w) frames), and the
   * step has long decayed (its time constant is 1 / (2 zeta w), 1 s) */
  if (d->hold_far && d->hold_left <= 0 &&
      (fabs (e) <= (double) nframes || d->hold_left <= -2.5))
    d->hold_far = false;
  base = known ? feed_forward : 0.0;
  kp = known ? d->kp_ff : d->kp;
  ki = known ? d->ki_ff : d->ki;
  rb_jack_drift_transfer (d, known, base, kp, e);
  c = base + kp * e + d->integral;
  if (d->hold_left > 0 || d->hold_far) {
    d->hold_left -= dt;
  } else if (!((c >= d->limit && e > 0) || (c <= -d->limit && e < 0))) {
    /* anti-windup: integrate only while that does not push a clamped
     * output further */
    d->integral += ki * e * dt;
    if (d->integral > d->limit)
      d->integral = d->limit;
    if (d->integral < -d->limit)
      d->integral = -d->limit;
  }
  if (c > d->limit)
    c = d->limit;
  if (c < -d->limit)
    c = -d->limit;
  d->correction = c;
  return 1.0 / (1.0 + c);
}
