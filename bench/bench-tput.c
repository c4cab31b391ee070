/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-tput.h"

#include "bench-common.h"
#include "bench-run.h"
#include "bench-json.h"
#include "bench-stats.h"

#include <math.h>
#include <string.h>

const size_t bench_capacities[BENCH_N_CAPACITIES] = { 64 * 1024, 1024 * 1024 };
const size_t bench_chunks[BENCH_N_CHUNKS] = {
  8, 64, 256, 4 * 1024, 64 * 1024
};

/* Every case moves @bytes (chunks below BENCH_FULL_AMOUNT_CHUNK a share in
 * proportion) in each of @reps repetitions. */
void
bench_tput_init (struct bench_tput *t, const struct bench_tput_spec *spec,
    int reps, uint64_t bytes)
{
  g_assert (spec->n_peers <= BENCH_MAX_PEERS);
  g_assert (spec->n_ratios <= BENCH_MAX_RATIOS);
  memset (t, 0, sizeof *t);
  t->spec = spec;
  t->reps = reps;
  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    struct bench_tput_case *tc = &t->cases[c];
    uint64_t amount;

    tc->capacity = bench_capacities[c / BENCH_N_CHUNKS];
    tc->chunk = bench_chunks[c % BENCH_N_CHUNKS];
    amount = tc->chunk >= BENCH_FULL_AMOUNT_CHUNK ? bytes :
        bytes / BENCH_FULL_AMOUNT_CHUNK * tc->chunk;
    tc->n_chunks = MAX (amount / tc->chunk, 1);
    bench_per_rep_new (tc->gbps, spec->n_peers, reps);
    bench_per_rep_new (tc->ratio, spec->n_ratios, reps);
  }
}

void
bench_tput_clear (struct bench_tput *t)
{
  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    bench_per_rep_free (t->cases[c].gbps, t->spec->n_peers);
    bench_per_rep_free (t->cases[c].ratio, t->spec->n_ratios);
  }
}

bool
bench_tput_peer_missing (const struct bench_tput_spec *spec, int peer)
{
  return (spec->missing_peers & BENCH_PEER (peer)) != 0;
}

/* The peers that were built, in their order. */
static int
active_peers (const struct bench_tput *t, int *active)
{
  int n = 0;

  for (int i = 0; i < t->spec->n_peers; i++)
    if (!bench_tput_peer_missing (t->spec, i))
      active[n++] = i;
  return n;
}

/* A short untimed run per peer and case touches every page (of both
 * processes, where there are two) and moves the ring positions off zero. */
void
bench_tput_warm_up (struct bench_run *run, bench_stream_fn stream, void *ctx,
    uint64_t *seed)
{
  struct bench_tput *t = &run->tput;
  int active[BENCH_MAX_PEERS];
  int n_active = active_peers (t, active);

  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    struct bench_tput_case *tc = &t->cases[c];
    uint64_t n = MIN (MAX (2 * tc->capacity / tc->chunk, 16), tc->n_chunks);

    for (int a = 0; a < n_active; a++) {
      g_autofree gchar *what = g_strdup_printf ("%s, %zu-byte ring, "
          "%zu-byte chunks, warm-up", t->spec->peer_names[active[a]],
          tc->capacity, tc->chunk);
      uint64_t bad;

      stream (ctx, c, active[a], n, (*seed)++, false, &bad);
      bench_run_count (run, bad, false, what);
    }
  }
}

/* Repetition @rep of every case of @run; within one, the peers take turns
 * at going first. */
void
bench_tput_run_rep (struct bench_run *run, int rep, bool inject,
    bench_stream_fn stream, void *ctx, uint64_t *seed)
{
  struct bench_tput *t = &run->tput;
  int active[BENCH_MAX_PEERS];
  int n_active = active_peers (t, active);

  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    struct bench_tput_case *tc = &t->cases[c];

    for (int a = 0; a < n_active; a++) {
      int peer = active[(a + rep) % n_active];
      g_autofree gchar *what = g_strdup_printf ("%s, %zu-byte ring, "
          "%zu-byte chunks, repetition %d", t->spec->peer_names[peer],
          tc->capacity, tc->chunk, rep + 1);
      uint64_t bad;

      tc->gbps[peer][rep] = stream (ctx, c, peer, tc->n_chunks, (*seed)++,
          inject, &bad);
      bench_run_count (run, bad, inject, what);
    }
  }
}

/* Peer 0 over the fastest built peer of ratio @r's mask in repetition
 * @rep; NaN if none of them was built. */
static double
rep_ratio (const struct bench_tput_spec *spec,
    const struct bench_tput_case *tc, int r, int rep)
{
  double best = NAN;

  for (int i = 1; i < spec->n_peers; i++)
    if ((spec->ratio_den[r] & BENCH_PEER (i)) != 0 &&
        !bench_tput_peer_missing (spec, i) &&
        !(tc->gbps[i][rep] <= best))
      best = tc->gbps[i][rep];
  return tc->gbps[0][rep] / best;
}

/* Ratios within one repetition first (its peers ran back to back on the
 * same vCPU placement), then medians over the repetitions @run uses. */
void
bench_tput_summarize (struct bench_tput *t, const struct bench_run *run)
{
  const struct bench_tput_spec *spec = t->spec;

  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    struct bench_tput_case *tc = &t->cases[c];

    for (int rep = 0; rep < t->reps; rep++)
      for (int r = 0; r < spec->n_ratios; r++)
        tc->ratio[r][rep] = rep_ratio (spec, tc, r, rep);
    for (int i = 0; i < spec->n_peers; i++)
      tc->median_gbps[i] = bench_tput_peer_missing (spec, i) ? NAN :
          bench_run_rep_median (run, tc->gbps[i]);
    for (int r = 0; r < spec->n_ratios; r++)
      tc->median_ratio[r] = bench_run_rep_median (run, tc->ratio[r]);
  }
}

/* Checks that the median ratio @r is at least @bound in every case whose
 * chunk is in [min_chunk, max_chunk], and names the worst case. */
void
bench_tput_check_target (const struct bench_tput *t,
    struct bench_target *target, int r, size_t min_chunk, size_t max_chunk,
    double bound)
{
  double worst = INFINITY;
  const struct bench_tput_case *worst_case = NULL;

  if ((t->spec->ratio_den[r] & ~t->spec->missing_peers) == 0) {
    target->state = BENCH_TARGET_NOT_MEASURED;
    g_snprintf (target->detail, sizeof target->detail, "%s: the peer is not "
        "built", t->spec->ratio_names[r]);
    return;
  }
  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    const struct bench_tput_case *tc = &t->cases[c];

    if (tc->chunk < min_chunk || tc->chunk > max_chunk)
      continue;
    if (worst_case == NULL || tc->median_ratio[r] < worst) {
      worst = tc->median_ratio[r];
      worst_case = tc;
    }
  }
  target->state = worst >= bound ? BENCH_TARGET_MET : BENCH_TARGET_NOT_MET;
  g_snprintf (target->detail, sizeof target->detail,
      "worst %.2fx (%zu KiB ring, %zu B)", worst,
      worst_case->capacity / 1024, worst_case->chunk);
}

/* A column's width: 8, or the label's length if longer. */
static int
column_width (const char *label)
{
  return MAX (8, (int) strlen (label));
}

/* The table's head and one row per case: peers' medians in GB/s, then
 * the median ratios. */
void
bench_tput_print (const struct bench_tput *t)
{
  const struct bench_tput_spec *spec = t->spec;
  g_autoptr (GString) line = g_string_new (NULL);
  char buf[32];

  g_string_printf (line, "%-8s %-7s", "ring", "chunk");
  for (int i = 0; i < spec->n_peers; i++)
    g_string_append_printf (line, " %8s", spec->peer_labels[i]);
  g_string_append (line, " |");
  for (int r = 0; r < spec->n_ratios; r++)
    g_string_append_printf (line, " %*s", column_width (spec->ratio_labels[r]),
        spec->ratio_labels[r]);
  g_print ("%s\n", line->str);

  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    const struct bench_tput_case *tc = &t->cases[c];
    char cap_s[16], chunk_s[16];

    bench_format_size (cap_s, sizeof cap_s, tc->capacity);
    bench_format_size (chunk_s, sizeof chunk_s, tc->chunk);
    g_string_printf (line, "%-8s %-7s", cap_s, chunk_s);
    for (int i = 0; i < spec->n_peers; i++)
      g_string_append_printf (line, " %8s", bench_cell (buf, sizeof buf, 3,
              "", tc->median_gbps[i]));
    g_string_append (line, " |");
    for (int r = 0; r < spec->n_ratios; r++)
      g_string_append_printf (line, " %*s",
          column_width (spec->ratio_labels[r]), bench_cell (buf, sizeof buf,
              2, "x", tc->median_ratio[r]));
    g_print ("%s\n", line->str);
  }
}

/* "throughput":[{"capacity":..,"chunk":..,"bytes":..,"gbps":{..},
 * "median_gbps":{..},"ratios":{..},"median_ratios":{..}},...] */
void
bench_tput_to_json (GString *json, const struct bench_tput *t)
{
  const struct bench_tput_spec *spec = t->spec;

  g_string_append (json, "\"throughput\":[");
  for (size_t c = 0; c < BENCH_N_CASES; c++) {
    const struct bench_tput_case *tc = &t->cases[c];
    double *gbps[BENCH_MAX_PEERS];

    for (int i = 0; i < spec->n_peers; i++)
      gbps[i] = bench_tput_peer_missing (spec, i) ? NULL : tc->gbps[i];
    g_string_append_printf (json, "%s{\"capacity\":%zu,\"chunk\":%zu,"
        "\"bytes\":%" G_GUINT64_FORMAT ",", c ? "," : "", tc->capacity,
        tc->chunk, tc->n_chunks * tc->chunk);
    bench_json_object_of_arrays (json, "gbps", spec->peer_names, gbps,
        spec->n_peers, (size_t) t->reps);
    g_string_append_c (json, ',');
    bench_json_object_of_numbers (json, "median_gbps", spec->peer_names,
        tc->median_gbps, spec->n_peers);
    g_string_append_c (json, ',');
    bench_json_object_of_arrays (json, "ratios", spec->ratio_names,
        tc->ratio, spec->n_ratios, (size_t) t->reps);
    g_string_append_c (json, ',');
    bench_json_object_of_numbers (json, "median_ratios", spec->ratio_names,
        tc->median_ratio, spec->n_ratios);
    g_string_append_c (json, '}');
  }
  g_string_append_c (json, ']');
}
