/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Statistics of the benchmarks: medians, percentiles, and which
 * repetitions a median may use. */

#pragma once

#include <glib.h>

#include <stddef.h>

/* A repetition during which other processes took more than this share of
 * all CPU time is left out of the medians (if enough others remain). */
#define BENCH_DISTURBED_SHARE 0.05
#define BENCH_MIN_USED_REPS 3

int bench_cmp_double (const void *a, const void *b);

double bench_median (double *v, size_t n);

double bench_median_finite (const double *v, int n);

double bench_percentile (const double *v, size_t n, double p);

double bench_p99 (double *v, size_t n);

int bench_select_reps (const double *rep_others, int reps, int *used);

double bench_rep_median (const int *used, int n_used, const double *per_rep);
