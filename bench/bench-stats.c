/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-stats.h"

#include <math.h>
#include <stdlib.h>

int
bench_cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Sorts @v in place and returns its median. */
double
bench_median (double *v, size_t n)
{
  qsort (v, n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median of the finite values of @v (not reordered), NAN if none. */
double
bench_median_finite (const double *v, int n)
{
  g_autofree double *t = g_new (double, MAX (n, 1));
  size_t k = 0;

  for (int i = 0; i < n; i++)
    if (isfinite (v[i]))
      t[k++] = v[i];
  return k == 0 ? NAN : bench_median (t, k);
}

/* Nearest-rank percentile @p (0-100) of sorted @v, NAN if empty. */
double
bench_percentile (const double *v, size_t n, double p)
{
  size_t rank;

  if (n == 0)
    return NAN;
  rank = (size_t) ceil (p / 100.0 * (double) n);
  return v[MIN (MAX (rank, 1), n) - 1];
}

/* Sorts @v (n > 0) and returns its p99 (nearest rank). */
double
bench_p99 (double *v, size_t n)
{
  qsort (v, n, sizeof *v, bench_cmp_double);
  return v[(size_t) ceil (0.99 * (double) n) - 1];
}

/* Fills @used with the repetitions the medians use and returns how many:
 * a repetition that shared the CPUs with another process measured that
 * process as much as the peers; leave it out unless too few remain. */
int
bench_select_reps (const double *rep_others, int reps, int *used)
{
  int n_used = 0;

  for (int rep = 0; rep < reps; rep++)
    if (!(rep_others[rep] > BENCH_DISTURBED_SHARE))
      used[n_used++] = rep;
  if (n_used < BENCH_MIN_USED_REPS) {
    n_used = reps;
    for (int rep = 0; rep < reps; rep++)
      used[rep] = rep;
  }
  return n_used;
}

/* The median of a per-repetition array over the repetitions in @used. */
double
bench_rep_median (const int *used, int n_used, const double *per_rep)
{
  g_autofree double *v = g_new (double, n_used);

  for (int i = 0; i < n_used; i++)
    v[i] = per_rep[used[i]];
  return bench_median (v, (size_t) n_used);
}
