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
 * them, a stamp milliseconds off is skipped (a thread woken late by the
 * scheduler is an outlier, not news), and a gap (a side that stopped: its
 * next stamp is far off the prediction) moves the loop's phase, not its
 * rate (DLL_GAP_S). Arithmetic only: RT-safe. */

#include "rb-timing-private.h"

#include <math.h>
#include <string.h>

/* A stamp further than DLL_GAP_S from its prediction is not fed to the
 * loop: fed to a wide loop, one such error throws the rate off by hundreds
 * of ppm, which the narrowed loop then takes seconds to undo. Either the
 * scheduler woke the side's thread late (then it catches up, and the
 * stamps that follow come back to the line: their errors shrink by an
 * interval each), or the side paused and resumed on a new line (a prefill
 * before the start, an xrun, a stream restarted: the errors that follow
 * all agree). After DLL_OUTLIERS_MAX stamps in a row whose errors agree
 * within DLL_GAP_S, the loop moves its phase to the latest and keeps its
 * rate and bandwidth. */
#define DLL_GAP_S 1e-3
#define DLL_OUTLIERS_MAX 8
/* Without a nominal rate, the first estimate spans at least this (s). */
#define DLL_FIRST_SPAN_S 0.2
#define DLL_TRUST_AFTER 32
#define DLL_ERR_SLACK_S 20e-6

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
    /* no nominal rate: the first DLL_FIRST_SPAN_S is the first estimate */
    if (t - d->t0 < DLL_FIRST_SPAN_S)
      return true;
    d->spu = (t - d->t0) / (double) dp;
    d->p0 = pos;
    d->t0 = t;
    d->start = t;
    d->n++;
    return true;
  }
  pred = d->t0 + (double) dp * d->spu;
  e = t - pred;
  if (fabs (e) > DLL_GAP_S) {
    if (d->outliers == 0 || fabs (e - d->outlier_e) > DLL_GAP_S) {
      d->outliers = 0;          /* a new run of outliers */
      d->outlier_e = e;
    }
    if (++d->outliers < DLL_OUTLIERS_MAX)
      return true;              /* skipped */
    d->p0 = pos;                /* a new line: the phase moves */
    d->t0 = t;
    d->outliers = 0;
    return true;
  }
  d->outliers = 0;
  if (d->n > DLL_TRUST_AFTER) {
    lim = 2 * d->err + DLL_ERR_SLACK_S;
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
