/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The three-parameter sine fit of IEEE 1241 (a*sin + b*cos + d at a known
 * frequency, least squares), the THD+N measure of bench/resample and of
 * tests/clocks/test-clocks-jack-sim.c. */

#include <math.h>
#include <stddef.h>

/* Fits @x[0 .. @n) at @w rad/sample into @p (a, b, d). Returns the
 * residual's energy and sets *@tone to the fitted sine's. */
static inline double
sine_fit3 (const float *x, size_t n, double w, double p[3], double *tone)
{
  double s[3][3] = { { 0 } }, r[3] = { 0 }, res = 0, sig = 0;

  for (size_t i = 0; i < n; i++) {
    double v[3] = { sin (w * (double) i), cos (w * (double) i), 1.0 };
    for (int a = 0; a < 3; a++) {
      r[a] += v[a] * x[i];
      for (int b = 0; b < 3; b++)
        s[a][b] += v[a] * v[b];
    }
  }
  /* Gaussian elimination on the 3x3 normal equations */
  for (int a = 0; a < 3; a++)
    for (int b = a + 1; b < 3; b++) {
      double f = s[b][a] / s[a][a];
      for (int k = 0; k < 3; k++)
        s[b][k] -= f * s[a][k];
      r[b] -= f * r[a];
    }
  for (int a = 2; a >= 0; a--) {
    double t = r[a];
    for (int k = a + 1; k < 3; k++)
      t -= s[a][k] * p[k];
    p[a] = t / s[a][a];
  }
  for (size_t i = 0; i < n; i++) {
    double m = p[0] * sin (w * (double) i) + p[1] * cos (w * (double) i);
    double e = x[i] - m - p[2];
    res += e * e;
    sig += m * m;
  }
  *tone = sig;
  return res;
}
