/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The throughput table of the two ring benchmarks: one case per ring
 * capacity and chunk size, GB/s of every peer per repetition, the ratios
 * of RbRing (peer 0) to the others within each repetition, their medians,
 * the table and the JSON "throughput" array. */

#pragma once

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_N_CAPACITIES 2
#define BENCH_N_CHUNKS 5
#define BENCH_N_CASES (BENCH_N_CAPACITIES * BENCH_N_CHUNKS)
#define BENCH_MAX_CHUNK (64 * 1024)
/* Chunks below this size move proportionally fewer bytes (see --bytes). */
#define BENCH_FULL_AMOUNT_CHUNK 64
#define BENCH_MAX_PEERS 6
#define BENCH_MAX_RATIOS 8

#define BENCH_PEER(i) (1u << (i))

struct bench_run;
struct bench_target;

extern const size_t bench_capacities[BENCH_N_CAPACITIES];
extern const size_t bench_chunks[BENCH_N_CHUNKS];

/* The peers of one benchmark. Peer 0 is RbRing; ratio r is peer 0 over
 * the fastest (in that repetition) of the built peers in the mask
 * ratio_den[r] (bit i: peer i), so one ratio can compare with "the better
 * of two" peers. */
struct bench_tput_spec {
  int n_peers;
  const char *const *peer_names;        /* JSON keys */
  const char *const *peer_labels;       /* table columns */
  int n_ratios;
  const unsigned *ratio_den;
  const char *const *ratio_names;
  const char *const *ratio_labels;
  unsigned missing_peers;       /* peers not built (figures NaN), bit i: peer i */
};

struct bench_tput_case {
  size_t capacity;
  size_t chunk;
  uint64_t n_chunks;
  double *gbps[BENCH_MAX_PEERS];        /* per repetition */
  double *ratio[BENCH_MAX_RATIOS];      /* per repetition */
  double median_gbps[BENCH_MAX_PEERS];
  double median_ratio[BENCH_MAX_RATIOS];
};

struct bench_tput {
  const struct bench_tput_spec *spec;
  int reps;
  struct bench_tput_case cases[BENCH_N_CASES];
};

void bench_tput_init (struct bench_tput *t, const struct bench_tput_spec *spec,
    int reps, uint64_t bytes);

void bench_tput_clear (struct bench_tput *t);

void bench_tput_summarize (struct bench_tput *t, const struct bench_run *run);

bool bench_tput_peer_missing (const struct bench_tput_spec *spec, int peer);

void bench_tput_check_target (const struct bench_tput *t,
    struct bench_target *target, int r, size_t min_chunk, size_t max_chunk,
    double bound);

/* Runs @peer once over case @c's ring and chunk: @n chunks of the stream
 * @seed, one of them corrupted if @inject; returns GB/s and sets *bad
 * nonzero if the data arrived otherwise than sent. */
typedef double (*bench_stream_fn) (void *ctx, size_t c, int peer, uint64_t n,
    uint64_t seed, bool inject, uint64_t *bad);

void bench_tput_warm_up (struct bench_run *run, bench_stream_fn stream,
    void *ctx, uint64_t *seed);

void bench_tput_run_rep (struct bench_run *run, int rep, bool inject,
    bench_stream_fn stream, void *ctx, uint64_t *seed);

void bench_tput_print (const struct bench_tput *t);

void bench_tput_to_json (GString *json, const struct bench_tput *t);
