/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* A delay-locked loop on irregular stamps: the second-order loop of Fons
 * Adriaensen's "Using a DLL to filter time" (what JACK and PipeWire's
 * spa_dll use), written for time as a function of position so that the
 * interval between stamps may vary.
 *
 * State: the filtered time t0 of the last stamp's position p0, and the
 * time per unit spu (1 / rate). A stamp (p, t) is predicted at
 * t0 + (p - p0) * spu; with e = t - prediction and w = 2 pi B (p - p0) spu
 * (the loop's bandwidth B times this interval):
 *
 *     t0  = prediction + sqrt(2) w e       (the filtered time of p)
 *     spu = spu + w^2 e / (p - p0)         (Adriaensen's period += w^2 e,
 *                                           per unit instead of per period)
 *
 * which for a fixed interval is exactly his loop, critically damped
 * (zeta = 0.707). The bandwidth starts at RB_DLL_BW_MAX and narrows as
 * 1 / (RB_DLL_NARROWING * time since the start), down to RB_DLL_BW_MIN:
 * a wide loop finds the rate in a fraction of a second, a narrow one
 * averages the jitter of many stamps away (the rate's error falls as
 * B^(3/2)). A stamp's error is bounded once the loop has seen enough of
 * them (a thread woken late by the scheduler is an outlier, not news), and
 * a gap (a side that stopped: its next stamp is far off the prediction)
 * restarts the loop from the rate it had. Arithmetic only: RT-safe. */

#include "rb-timing-private.h"

#include <math.h>
#include <string.h>

/* Restart when a stamp is this far (s) from its prediction: no jitter is
 * that large; a side that paused is. */
#define DLL_GAP_S 0.1
/* After this many stamps, an error beyond 4 mean errors + 50 us is cut
 * back to that bound. */
#define DLL_TRUST_AFTER 32
#define DLL_ERR_SLACK_S 50e-6

void
rb_dll_reset (struct rb_dll *d, double nominal_rate)
{
  memset (d, 0, sizeof *d);
  d->nominal_spu = nominal_rate > 0 ? 1.0 / nominal_rate : 0.0;
}

double
rb_dll_rate (const struct rb_dll *d)
{
  if (d->n < 2 || !(d->spu > 0))
    return 0;
  return 1.0 / d->spu;
}

static void
restart (struct rb_dll *d, uint64_t pos, double t)
{
  d->p0 = pos;
  d->t0 = t;
  d->start = t;
  d->bw = RB_DLL_BW_MAX;
  d->err = 0;
  d->n = 1;
  d->locked = false;
}

static double
bandwidth_at (const struct rb_dll *d, double t)
{
  double elapsed = t - d->start;
  double bw = elapsed > 0 ? 1.0 / (RB_DLL_NARROWING * elapsed) : RB_DLL_BW_MAX;

  return bw > RB_DLL_BW_MAX ? RB_DLL_BW_MAX :
      bw < RB_DLL_BW_MIN ? RB_DLL_BW_MIN : bw;
}

bool
rb_dll_update (struct rb_dll *d, uint64_t pos, int64_t t_ns)
{
  uint64_t dp;
  double t, pred, e, w, lim;

  if (d->n == 0) {
    double nominal = d->nominal_spu;

    memset (d, 0, sizeof *d);
    d->nominal_spu = nominal;
    d->spu = nominal;
    d->base_ns = t_ns;
    d->last_ns = t_ns;
    restart (d, pos, 0);
    return true;
  }
  dp = pos - d->p0;
  if ((int64_t) dp <= 0 || t_ns <= d->last_ns)
    return false;
  d->last_ns = t_ns;
  t = (double) (t_ns - d->base_ns) * 1e-9;
  if (!(d->spu > 0)) {
    /* no nominal rate: the first interval is the first estimate */
    d->spu = (t - d->t0) / (double) dp;
    d->p0 = pos;
    d->t0 = t;
    d->n++;
    return true;
  }
  pred = d->t0 + (double) dp * d->spu;
  e = t - pred;
  if (fabs (e) > DLL_GAP_S) {
    restart (d, pos, t);
    return true;
  }
  if (d->n > DLL_TRUST_AFTER) {
    lim = 4 * d->err + DLL_ERR_SLACK_S;
    e = e > lim ? lim : e < -lim ? -lim : e;
  }
  d->err += (fabs (e) - d->err) * (d->n > DLL_TRUST_AFTER ? 0.01 : 0.1);
  d->bw = bandwidth_at (d, t);
  w = 2 * M_PI * d->bw * (double) dp * d->spu;
  if (w > 0.5)
    w = 0.5;                    /* a long interval: stay stable */
  d->t0 = pred + M_SQRT2 * w * e;
  d->spu += w * w * e / (double) dp;
  d->p0 = pos;
  d->n++;
  d->locked = d->bw <= RB_DLL_BW_LOCKED;
  return true;
}
