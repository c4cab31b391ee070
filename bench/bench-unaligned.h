/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The unaligned-copy case of ringbridge-bench (issue #18): glibc's memcpy
 * of 4 KiB and more into a destination 8-24 bytes past a 64-byte line is
 * slower on some CPUs, and a ring whose positions sit there (6-byte
 * frames, odd record lengths) meets it on every write. Measures, per
 * destination offset, one thread's plain memcpy and an RbRing stream
 * between the two pinned threads whose positions start at that offset;
 * ratios against offset 0 show glibc's slowdown and whether the ring
 * (rb_copy(), lib/ringbridge/rb-copy.c) avoids it. */

#pragma once

#include <ringbridge/ringbridge.h>

#include <glib.h>

#include <stdint.h>

#define BENCH_UA_N_OFFSETS 4
#define BENCH_UA_N_CHUNKS 2

struct bench_run;

struct bench_unaligned {
  RbRing *ring;                 /* one for the whole run, warmed up */
  int reps;
  uint64_t bytes;               /* per run */
  /* [offset][chunk], per repetition */
  double *memcpy_gbps[BENCH_UA_N_OFFSETS][BENCH_UA_N_CHUNKS];
  double *ring_gbps[BENCH_UA_N_OFFSETS][BENCH_UA_N_CHUNKS];
  double med_memcpy[BENCH_UA_N_OFFSETS][BENCH_UA_N_CHUNKS];
  double med_ring[BENCH_UA_N_OFFSETS][BENCH_UA_N_CHUNKS];
};

void bench_unaligned_init (struct bench_unaligned *u, int reps,
    uint64_t bytes);

void bench_unaligned_clear (struct bench_unaligned *u);

/* Repetition @rep of every offset and chunk; the data is checked like the
 * throughput runs' and counted in @run. */
void bench_unaligned_run_rep (struct bench_unaligned *u,
    struct bench_run *run, int rep, uint64_t *seed);

void bench_unaligned_summarize (struct bench_unaligned *u,
    const struct bench_run *run);

void bench_unaligned_print (const struct bench_unaligned *u);

/* "unaligned":{..}, */
void bench_unaligned_to_json (GString *json, const struct bench_unaligned *u);
