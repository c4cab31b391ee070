/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The latency table and JSON of the two ring benchmarks (round trip in
 * ringbridge-bench, wake-up in ringbridge-bench-xproc): one row a peer,
 * its value columns, then its two ratios (median, p99) to the base peer.
 * The ratios are indexed like the peers with the base left out. */

#include <glib.h>
#include <stddef.h>

/* A column of the table: one value per peer, with @decimals. */
struct bench_lat_column {
  const char *head;
  int decimals;
  const double *values;
};

void bench_lat_table_print (const char *const *peers, int n_peers, int base,
    const double *ratio, const double *ratio_p99,
    const struct bench_lat_column *columns, int n_columns);

/* One JSON member of a latency result: per-repetition arrays (per_rep)
 * or one number per peer (values). */
struct bench_lat_field {
  const char *key;
  double *const *per_rep;
  const double *values;
};

void bench_lat_fields_to_json (GString *json, const char *const *peers,
    int n_peers, size_t reps, const struct bench_lat_field *fields,
    int n_fields);
