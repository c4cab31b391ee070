/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Two-thread stress of the ring (tests/README.md, R3), built twice: over
 * the GLib-free core (test-stress-core, also linked against the mutant
 * cores of the R3m self-test) and over the public RbRing API
 * (test-stress-ring); see stress-ring.h.
 *
 * The stream: every aligned 8-byte word holds a bijective hash of its own
 * absolute position, so a reader can check any byte it receives against
 * the position it believes the byte has, and a wrong word names the
 * position it really came from (a stale lap, a torn copy). Every byte any
 * reader accepts is checked.
 *
 * Size of each case: STRESS_BYTES bytes (suffix K, M or G; default 1G)
 * and/or STRESS_SECONDS seconds, whichever ends first, times the case's
 * weight (the wrap cases run a quarter). Chunk sizes are random in
 * 1 .. 2 * capacity so that transfers come up short on both sides.
 *
 * ThreadSanitizer: the data area is mapped twice back to back and TSan
 * tracks virtual addresses, so it does not know that data[i] and
 * data[i + capacity] are the same byte. Accesses through the mirror are
 * only checked against other accesses through the mirror: TSan may miss a
 * race there, it never invents one. Until the end of the stream the
 * harness itself makes no synchronising access (its stop flag is relaxed,
 * its counts are per thread and handed over by pthread_join), so every
 * happens-before edge TSan sees between the two sides comes from the ring;
 * otherwise a mutant core with a weakened order could hide behind the
 * harness.
 *
 * The harness (the stream, runs and sides) is stress-harness.c, the
 * producers and consumers stress-sides.c; this file holds the cases. */

#include "stress-harness.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* --- cases ---------------------------------------------------------------- */

static uint64_t budget_bytes = UINT64_C (1) << 30;
static double budget_seconds = 0;

typedef struct {
  const char *path;
  double weight;
  bool wrap;
  void (*func) (Run *run);
} Case;

static void
run_init (Run *run, StressRing *ring, const Case *c)
{
  memset (run, 0, sizeof *run);
  run->ring = ring;
  run->capacity = stress_ring_capacity (ring);
  run->start = 0;
  run->wrap = c->wrap;
  if (c->wrap) {
    /* The 64-bit positions wrap three capacities into the stream. */
    run->start = (uint64_t) 0 - 3 * (uint64_t) run->capacity;
    stress_ring_set_positions (ring, run->start);
  }
  run->byte_limit = (uint64_t) ((double) budget_bytes * c->weight);
  /* whole frames, so that the producer can stop exactly at the limit */
  run->byte_limit -= run->byte_limit % stress_ring_frame_size (ring);
  if (budget_bytes != 0 && run->byte_limit == 0)
    run->byte_limit = stress_ring_frame_size (ring);
  if (budget_seconds > 0)
    run->deadline = now_ns () + (int64_t) (budget_seconds * c->weight * 1e9);
  atomic_init (&run->stop, false);
  atomic_init (&run->producer_done, false);
}

/* Producer and consumer of a plain ring: the common end checks. */
static void
run_pair (Run *run, const char *what, SideFunc producer, SideFunc consumer,
    bool counts_short_ops)
{
  Side p, c;
  Side *sides[] = { &p, &c };
  SideFunc funcs[] = { producer, consumer };
  double secs;

  side_init (&p, run, "producer");
  side_init (&c, run, "consumer");
  secs = run_sides (sides, funcs, 2);
  if (p.failed || c.failed)
    return;

  g_test_message ("%s: %" PRIu64 " bytes verified in %.2f s (%.0f MB/s), "
      "capacity %zu, %" PRIu64 " short writes, %" PRIu64 " short reads, %"
      PRIu64 " + %" PRIu64 " invariant samples", what, c.bytes, secs,
      (double) c.bytes / secs / 1e6, run->capacity, p.short_ops, c.short_ops,
      p.samples, c.samples);

  g_assert_cmpuint (p.bytes, >, 0);
  if (run->byte_limit != 0 && run->deadline == 0)
    g_assert_cmpuint (p.bytes, ==, run->byte_limit);
  g_assert_cmpuint (p.bytes, ==, c.bytes);
  if (run->wrap)
    g_assert_cmpuint (run->start + p.bytes, <, run->start);
  g_assert_cmpuint (stress_ring_write_position (run->ring), ==,
      run->start + p.bytes);
  g_assert_cmpuint (stress_ring_read_position (run->ring), ==,
      run->start + c.bytes);
  g_assert_cmpuint (stress_ring_read_available (run->ring), ==, 0);
  g_assert_cmpuint (stress_ring_write_available (run->ring), ==,
      run->capacity);
  g_assert_true (stress_ring_is_eos (run->ring));
  if (counts_short_ops) {
    /* Every short write is one overrun, every short read one underrun. */
    g_assert_cmpuint (stress_ring_overruns (run->ring), ==, p.short_ops);
    g_assert_cmpuint (stress_ring_underruns (run->ring), ==, c.short_ops);
  } else {
    /* The zero-copy calls count neither. */
    g_assert_cmpuint (stress_ring_overruns (run->ring), ==, 0);
    g_assert_cmpuint (stress_ring_underruns (run->ring), ==, 0);
  }
}

static void
test_copy (Run *run)
{
  run_pair (run, "copy", chunk_producer, chunk_consumer, true);
}

static void
test_zerocopy (Run *run)
{
  run_pair (run, "zero-copy", zerocopy_producer, zerocopy_consumer, false);
}

static void
test_frames (Run *run)
{
  /* 6-byte frames do not divide the storage: frames straddle the seam
   * between the two views. */
  g_assert_cmpuint (stress_ring_storage (run->ring) %
      stress_ring_frame_size (run->ring), !=, 0);
  run->frames = true;
  run_pair (run, "S24LE stereo frames", chunk_producer, chunk_consumer,
      true);
}

static void
test_deinterleaved (Run *run)
{
  g_assert_cmpuint (stress_ring_storage (run->ring) %
      stress_ring_frame_size (run->ring), !=, 0);
  run_pair (run, "F32LE 3-channel deinterleaved", deint_producer,
      deint_consumer, true);
}

static void
test_overwrite (Run *run)
{
  Side p, fast, slow, c;
  Side *sides[] = { &p, &fast, &slow, &c };
  SideFunc funcs[] = { overwrite_producer, overwrite_reader,
    overwrite_reader, overwrite_consumer
  };
  uint64_t end;
  double secs;

  side_init (&p, run, "producer");
  side_init (&fast, run, "reader");
  side_init (&slow, run, "slow reader");
  side_init (&c, run, "consumer");
  slow.slow = true;
  secs = run_sides (sides, funcs, 4);
  if (p.failed || fast.failed || slow.failed || c.failed)
    return;

  g_test_message ("overwrite: %" PRIu64 " bytes written in %.2f s, capacity "
      "%zu; reader %" PRIu64 " verified, %" PRIu64 " lost in %" PRIu64
      " laps; slow reader %" PRIu64 " verified, %" PRIu64 " lost in %"
      PRIu64 " laps; consumer %" PRIu64 " verified, %" PRIu64 " skipped",
      p.bytes, secs, run->capacity, fast.bytes, fast.lost, fast.laps,
      slow.bytes, slow.lost, slow.laps, c.bytes, c.lost);

  /* The lags below are only certain to overtake a long enough stream. */
  g_assert_cmpuint (p.bytes, >, 4 * run->capacity);
  if (run->byte_limit != 0 && run->deadline == 0)
    g_assert_cmpuint (p.bytes, ==, run->byte_limit);
  end = run->start + p.bytes;
  if (run->wrap)
    g_assert_cmpuint (end, <, run->start);
  g_assert_cmpuint (stress_ring_write_position (run->ring), ==, end);

  /* Every byte either reached a reader checked or was counted lost. */
  g_assert_cmpuint (fast.bytes, >, 0);
  g_assert_cmpuint (fast.bytes + fast.lost, ==, p.bytes);
  g_assert_cmpuint (slow.bytes, >, 0);
  g_assert_cmpuint (slow.bytes + slow.lost, ==, p.bytes);
  g_assert_cmpuint (slow.laps, >, 0);
  g_assert_cmpuint (slow.lost, >, 0);

  g_assert_cmpuint (c.bytes, >, 0);
  g_assert_cmpuint (c.lost, >, 0);
  g_assert_cmpuint (c.bytes + c.lost, ==, p.bytes);
  g_assert_cmpuint (stress_ring_read_position (run->ring), ==, end);
  /* What the consumer skipped is exactly what the ring says it lost. */
  g_assert_cmpuint (stress_ring_overwritten (run->ring), ==, c.lost);
  g_assert_cmpuint (stress_ring_overruns (run->ring), ==, 0);
  g_assert_true (stress_ring_is_eos (run->ring));
}

static StressRing *
ring_for (const Case *c)
{
  /* the copy and overwrite rings hold a little less than their storage
   * (exact capacity, issue #15): the limit is not the mask's */
  if (c->func == test_copy)
    return stress_ring_new (4 * KIB - 3, false);
  if (c->func == test_zerocopy)
    return stress_ring_new (64 * KIB, false);
  if (c->func == test_frames)
    return stress_ring_new_audio (STRESS_FORMAT_S24LE, 2, 16 * KIB / 6);
  if (c->func == test_deinterleaved)
    return stress_ring_new_audio (STRESS_FORMAT_F32LE, DEINT_CHANNELS,
        16 * KIB / (4 * DEINT_CHANNELS));
  return stress_ring_new (16 * KIB - 8, true);
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  StressRing *ring = ring_for (c);
  Run run;

  run_init (&run, ring, c);
  c->func (&run);
  g_assert_false (stress_ring_broken (ring));
  stress_ring_free (ring);
}

static const Case cases[] = {
  { "copy", 1, false, test_copy },
  { "zerocopy", 1, false, test_zerocopy },
  { "frames/s24le", 1, false, test_frames },
  { "frames/f32le-deinterleaved", 1, false, test_deinterleaved },
  { "overwrite", 1, false, test_overwrite },
  { "wrap/copy", 0.25, true, test_copy },
  { "wrap/zerocopy", 0.25, true, test_zerocopy },
  { "wrap/frames/s24le", 0.25, true, test_frames },
  { "wrap/frames/f32le-deinterleaved", 0.25, true, test_deinterleaved },
  { "wrap/overwrite", 0.25, true, test_overwrite },
};

static uint64_t
parse_size (const char *name, const char *text)
{
  char *end = NULL;
  guint64 v = g_ascii_strtoull (text, &end, 10);

  switch (*end) {
    case 'G':
      v <<= 10;
      /* fall through */
    case 'M':
      v <<= 10;
      /* fall through */
    case 'K':
      v <<= 10;
      end++;
      break;
    default:
      break;
  }
  if (end == text || *end != '\0')
    g_error ("%s=%s is not a size (bytes, or a number with K, M or G)",
        name, text);
  return v;
}

int
main (int argc, char **argv)
{
  const char *env;
  char *path;

  g_test_init (&argc, &argv, NULL);

  env = g_getenv ("STRESS_BYTES");
  if (env != NULL)
    budget_bytes = parse_size ("STRESS_BYTES", env);
  env = g_getenv ("STRESS_SECONDS");
  if (env != NULL)
    budget_seconds = g_ascii_strtod (env, NULL);
  if (budget_bytes == 0 && budget_seconds <= 0)
    g_error ("STRESS_BYTES and STRESS_SECONDS are both 0: the stress "
        "would never end");

  stress_stream_init (((uint64_t) g_test_rand_int () << 32) |
      (uint32_t) g_test_rand_int ());

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    if (cases[i].wrap && !STRESS_CAN_SET_POSITIONS)
      continue;
    path = g_strdup_printf ("/%s/stress/%s", STRESS_BACKEND_NAME,
        cases[i].path);
    g_test_add_data_func (path, &cases[i], run_case);
    g_free (path);
  }
  return g_test_run ();
}
