/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The fill controller's main-thread side (drift.h has the loop and its
 * derivation). */

#include "drift.h"

/* the loop's natural frequency (rad/s) and damping: it settles in a few
 * seconds, and a 200 ppm drift from a cold start moves the fill by a few
 * frames before the integral has caught it */
#define LOOP_W 0.5
#define LOOP_ZETA 1.0
/* with a feed-forward the loop has only the measurement's error left to
 * find (a few ppm): it can be four times slower, and pass on four times
 * less of the fill's jitter (the peer's block cadence) as pitch wobble */
#define LOOP_W_FF 0.125

void
rb_jack_drift_init (RbJackDrift *d, double rate)
{
  /* the plant's gain is the rate (drift.h) */
  d->kp = 2 * LOOP_ZETA * LOOP_W / rate;
  d->ki = LOOP_W * LOOP_W / rate;
  d->kp_ff = 2 * LOOP_ZETA * LOOP_W_FF / rate;
  d->ki_ff = LOOP_W_FF * LOOP_W_FF / rate;
  d->limit = RB_JACK_RESAMPLER_MAX_DEVIATION;
  d->smooth_s = 0.25;
  d->hold_s = 0.5;
  rb_jack_drift_reset (d);
}

