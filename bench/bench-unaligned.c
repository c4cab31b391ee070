/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-unaligned.h"

#include "bench-common.h"
#include "bench-gen.h"
#include "bench-json.h"
#include "bench-machine.h"
#include "bench-run.h"
#include "bench-streams.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define UA_CAPACITY (1024 * 1024)

static const size_t ua_offsets[BENCH_UA_N_OFFSETS] = { 0, 8, 16, 24 };
static const size_t ua_chunks[BENCH_UA_N_CHUNKS] = { 4096, 64 * 1024 };

/* A new ring, every page of it touched once (by one producer-consumer
 * pass over the whole capacity), so no run meets a page fault. */
static RbRing *
warm_ring (void)
{
  g_autoptr (GError) error = NULL;
  RbRing *rb = rb_ring_new (UA_CAPACITY, &error);
  uint8_t *buf = bench_alloc_aligned (BENCH_MAX_CHUNK);

  if (rb == NULL) {
    g_printerr ("error: %s\n", error->message);
    exit (EXIT_SETUP);
  }
  memset (buf, 0, BENCH_MAX_CHUNK);
  for (size_t done = 0; done < 2 * UA_CAPACITY; done += BENCH_MAX_CHUNK)
    if (rb_ring_write (rb, buf, BENCH_MAX_CHUNK) != BENCH_MAX_CHUNK ||
        rb_ring_read (rb, buf, BENCH_MAX_CHUNK) != BENCH_MAX_CHUNK) {
      g_printerr ("error: cannot warm up the unaligned case's ring\n");
      exit (EXIT_SETUP);
    }
  free (buf);
  return rb;
}

void
bench_unaligned_init (struct bench_unaligned *u, int reps, uint64_t bytes)
{
  memset (u, 0, sizeof *u);
  u->ring = warm_ring ();
  u->reps = reps;
  u->bytes = bytes;
  for (int o = 0; o < BENCH_UA_N_OFFSETS; o++) {
    bench_per_rep_new (u->memcpy_gbps[o], BENCH_UA_N_CHUNKS, reps);
    bench_per_rep_new (u->ring_gbps[o], BENCH_UA_N_CHUNKS, reps);
  }
}

void
bench_unaligned_clear (struct bench_unaligned *u)
{
  g_clear_object (&u->ring);
  for (int o = 0; o < BENCH_UA_N_OFFSETS; o++) {
    bench_per_rep_free (u->memcpy_gbps[o], BENCH_UA_N_CHUNKS);
    bench_per_rep_free (u->ring_gbps[o], BENCH_UA_N_CHUNKS);
  }
}

/* One thread copying @n chunks from an aligned source into a buffer of the
 * ring's size, each destination @off bytes past a 64-byte line. */
static double
memcpy_gbps (size_t off, size_t chunk, uint64_t n, const uint8_t *src,
    uint8_t *buf)
{
  size_t slots = (UA_CAPACITY - 64) / chunk;
  uint64_t t0 = now_ns ();

  for (uint64_t k = 0; k < n; k++) {
    memcpy (buf + off + (k % slots) * chunk, src, chunk);
    __asm__ volatile ("" ::: "memory");
  }
  return (double) (n * chunk) / (double) (now_ns () - t0);
}

struct ua_stream {
  RbRing *rb;
  size_t chunk;
  uint64_t n, seed;
  uint8_t *dst;
  struct bench_start start;
  uint64_t t_end, bad;
};

static void *
consumer_thread (void *data)
{
  struct ua_stream *s = data;

  bench_pin_self (1, "a thread");
  bench_start_ready (&s->start);
  s->bad = bench_rb_consume (s->rb, s->chunk, s->n, s->seed, UINT64_MAX,
      s->dst);
  s->t_end = now_ns ();
  return NULL;
}

/* Moves @rb's positions (the ring empty) to @off bytes past a 64-byte
 * line, through @buf. */
static void
move_to_offset (RbRing *rb, size_t off, uint8_t *buf)
{
  size_t k = (size_t) ((off - rb_ring_get_write_position (rb)) & 63);

  if (rb_ring_write (rb, buf, k) != k || rb_ring_read (rb, buf, k) != k) {
    g_printerr ("error: cannot move the ring's positions by %zu bytes\n", k);
    exit (EXIT_SETUP);
  }
}

/* An RbRing stream whose positions start @off bytes past a 64-byte line:
 * every write's destination in the ring is there. */
static double
ring_gbps (RbRing *rb, size_t off, size_t chunk, uint64_t n, uint64_t seed,
    uint8_t *src, uint8_t *dst, uint64_t *bad)
{
  struct ua_stream *s = bench_alloc_aligned (sizeof *s);
  pthread_t thread;
  uint64_t t0;
  double gbps;

  move_to_offset (rb, off, dst);
  *s = (struct ua_stream) { .rb = rb, .chunk = chunk, .n = n, .seed = seed,
    .dst = dst };
  if (pthread_create (&thread, NULL, consumer_thread, s) != 0) {
    g_printerr ("error: cannot start the consumer thread\n");
    exit (EXIT_SETUP);
  }
  t0 = bench_start_go (&s->start);
  bench_rb_produce (rb, chunk, n, seed, src);
  pthread_join (thread, NULL);
  gbps = (double) (n * chunk) / (double) (s->t_end - t0);
  *bad = s->bad;
  free (s);
  return gbps;
}

void
bench_unaligned_run_rep (struct bench_unaligned *u, struct bench_run *run,
    int rep, uint64_t *seed)
{
  uint8_t *src = bench_alloc_aligned (BENCH_MAX_CHUNK);
  uint8_t *dst = bench_alloc_aligned (BENCH_MAX_CHUNK);
  uint8_t *buf = bench_alloc_aligned (UA_CAPACITY);

  memset (src, 0x5a, BENCH_MAX_CHUNK);
  memset (buf, 0, UA_CAPACITY);
  for (int o = 0; o < BENCH_UA_N_OFFSETS; o++)
    for (int c = 0; c < BENCH_UA_N_CHUNKS; c++) {
      size_t chunk = ua_chunks[c];
      uint64_t n = MAX (u->bytes / chunk, 1);
      g_autofree gchar *what = g_strdup_printf ("rbring, %zu-byte chunks "
          "%zu bytes past a line, repetition %d", chunk, ua_offsets[o],
          rep + 1);
      uint64_t bad;

      u->memcpy_gbps[o][c][rep] = memcpy_gbps (ua_offsets[o], chunk, n, src,
          buf);
      u->ring_gbps[o][c][rep] = ring_gbps (u->ring, ua_offsets[o], chunk, n,
          (*seed)++, src, dst, &bad);
      bench_run_count (run, bad, false, what);
    }
  free (src);
  free (dst);
  free (buf);
}

void
bench_unaligned_summarize (struct bench_unaligned *u,
    const struct bench_run *run)
{
  for (int o = 0; o < BENCH_UA_N_OFFSETS; o++)
    for (int c = 0; c < BENCH_UA_N_CHUNKS; c++) {
      u->med_memcpy[o][c] = bench_run_rep_median (run, u->memcpy_gbps[o][c]);
      u->med_ring[o][c] = bench_run_rep_median (run, u->ring_gbps[o][c]);
    }
}

void
bench_unaligned_print (const struct bench_unaligned *u)
{
  char a[32], b[32], x[32], y[32];

  g_print ("\nUnaligned copies: destination N bytes past a 64-byte line, "
      "GB/s (median), and\nthe ratio to N = 0. memcpy = one thread, glibc; "
      "RbRing = a stream whose ring\npositions sit N bytes past a line "
      "(1 MiB ring).\n\n%-6s %-7s %8s %8s | %8s %8s\n", "N", "chunk",
      "memcpy", "RbRing", "memcpy", "RbRing");
  for (int o = 0; o < BENCH_UA_N_OFFSETS; o++)
    for (int c = 0; c < BENCH_UA_N_CHUNKS; c++) {
      char chunk_s[16];

      bench_format_size (chunk_s, sizeof chunk_s, ua_chunks[c]);
      g_print ("%-6zu %-7s %8s %8s | %8s %8s\n", ua_offsets[o], chunk_s,
          bench_cell (a, sizeof a, 2, "", u->med_memcpy[o][c]),
          bench_cell (b, sizeof b, 2, "", u->med_ring[o][c]),
          bench_cell (x, sizeof x, 2, "x",
              u->med_memcpy[o][c] / u->med_memcpy[0][c]),
          bench_cell (y, sizeof y, 2, "x",
              u->med_ring[o][c] / u->med_ring[0][c]));
    }
}

void
bench_unaligned_to_json (GString *json, const struct bench_unaligned *u)
{
  g_string_append (json, "\"unaligned\":{\"capacity\":1048576,"
      "\"cases\":[");
  for (int o = 0; o < BENCH_UA_N_OFFSETS; o++)
    for (int c = 0; c < BENCH_UA_N_CHUNKS; c++) {
      g_string_append_printf (json, "%s{\"offset\":%zu,\"chunk\":%zu,",
          o + c ? "," : "", ua_offsets[o], ua_chunks[c]);
      bench_json_object_of_arrays (json, "gbps",
          (const char *const[]) { "memcpy", "rbring" },
          (double *const[]) { u->memcpy_gbps[o][c], u->ring_gbps[o][c] }, 2,
          (size_t) u->reps);
      g_string_append_c (json, ',');
      bench_json_object_of_numbers (json, "median_gbps",
          (const char *const[]) { "memcpy", "rbring" },
          (const double[]) { u->med_memcpy[o][c], u->med_ring[o][c] }, 2);
      g_string_append_c (json, '}');
    }
  g_string_append (json, "]},");
}
