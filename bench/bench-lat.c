/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-lat.h"

#include "bench-common.h"
#include "bench-json.h"

#include <string.h>

/* The peer names' column is two wider than the longest name; a ratio
 * column ("median/BASE", "p99/BASE") one wider than its head. */
void
bench_lat_table_print (const char *const *peers, int n_peers, int base,
    const double *ratio, const double *ratio_p99,
    const struct bench_lat_column *columns, int n_columns)
{
  g_autofree char *med_head = g_strdup_printf ("median/%s", peers[base]);
  g_autofree char *p99_head = g_strdup_printf ("p99/%s", peers[base]);
  int med_width = (int) strlen (med_head) + 1;
  int p99_width = (int) strlen (p99_head) + 1;
  int name_width = 0;
  char b[2][32];

  for (int i = 0; i < n_peers; i++)
    name_width = MAX (name_width, (int) strlen (peers[i]) + 2);
  g_print ("%-*s", name_width, "");
  for (int c = 0; c < n_columns; c++)
    g_print (" %8s", columns[c].head);
  g_print (" | %*s %*s\n", med_width, med_head, p99_width, p99_head);
  for (int i = 0; i < n_peers; i++) {
    int r = i < base ? i : i - 1;

    g_print ("%-*s", name_width, peers[i]);
    for (int c = 0; c < n_columns; c++)
      g_print (" %8s", bench_cell (b[0], sizeof b[0], columns[c].decimals,
              "", columns[c].values[i]));
    g_print (" | %*s %*s\n",
        med_width, i == base ? "" : bench_cell (b[0], 32, 2, "x", ratio[r]),
        p99_width, i == base ? "" :
        bench_cell (b[1], 32, 2, "x", ratio_p99[r]));
  }
}

void
bench_lat_fields_to_json (GString *json, const char *const *peers,
    int n_peers, size_t reps, const struct bench_lat_field *fields,
    int n_fields)
{
  for (int f = 0; f < n_fields; f++) {
    if (f > 0)
      g_string_append_c (json, ',');
    if (fields[f].per_rep != NULL)
      bench_json_object_of_arrays (json, fields[f].key, peers,
          fields[f].per_rep, n_peers, reps);
    else
      bench_json_object_of_numbers (json, fields[f].key, peers,
          fields[f].values, n_peers);
  }
}
