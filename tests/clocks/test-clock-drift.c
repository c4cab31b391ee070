/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The ring measures drift (issue #13, Tests): producer and consumer
 * threads paced on CLOCK_MONOTONIC (clock_nanosleep, TIMER_ABSTIME), the
 * producer at 48000 * (1 + ppm) frames per second, the consumer at 48000,
 * moving 64 frames at a time, in parallel rings at +200, -200, +2000 and
 * -2000 ppm, plus one at +500 ppm whose producer is a child process. After
 * 10 s each ring's ratio must be within 5 ppm of the true drift (the
 * issue's bound), and each side's rate within 20 ppm of its true rate.
 *
 * Why 20 ppm for the rates: the threads are paced on the very clock the
 * ring stamps with, so each side's true rate is known exactly. What the
 * loop sees is scheduling latency on stamps 1.3 ms apart: its jitter
 * averages away (tests/lib/test-timing: 0.3 ppm at 50 us, 2 ppm at 200 us
 * mean jitter with irregular blocks), but a change of the machine's load
 * during the 10 s shifts the mean latency, and 100 us more latency at the
 * end than at the start reads as 10 ppm slower. Both sides of a ring see
 * the same load, so that error is common to them and cancels in the
 * ratio, which is what the test holds to 5 ppm; the rates get twice that
 * 10 ppm. Seen on a 2-core machine shared with other builds: up to 2.5 ppm
 * in a plain build, 5.6 ppm under ASan. */

#include <ringbridge/ringbridge.h>

#include "paced.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RATE 48000
#define BLOCK 64
#define FRAME 4                 /* S16LE stereo */
#define RUN_S 10.0
#define TOLERANCE_PPM 5.0
#define RATE_TOLERANCE_PPM 20.0
/* Half the ring, 341 ms: absorbs the 1152 frames that 2000 ppm moves in
 * 12 s, and a producer thread the loaded machine stalls for a third of a
 * second (at 85 ms, consumers ran dry in the first runs: their position
 * then lagged their schedule, which is a real change of their line) */
#define PREFILL 16384

typedef struct {
  double ppm;
  gboolean child;               /* the producer runs in a child process */
  RbRing *ring;
  struct timespec start;
  GThread *producer, *consumer;
  pid_t pid;
  guint64 short_reads;
  double lock_s;                /* both sides locked, in s from start */
  double within_s;              /* ratio within tolerance from then on */
} Pair;

/* Paced on absolute deadlines: a late wake-up is caught up by the next
 * ones, so the mean rate is exact. */
static void
produce (Pair *p)
{
  guint8 block[BLOCK * FRAME] = { 0 };
  double period = BLOCK / (RATE * (1 + p->ppm * 1e-6));

  for (guint64 k = 0; k * period < RUN_S + 0.5; k++) {
    sleep_until (&p->start, k * period);
    rb_ring_write_frames (p->ring, block, BLOCK);
  }
}

static gpointer
producer_thread (gpointer data)
{
  produce (data);
  return NULL;
}

static gpointer
consumer_thread (gpointer data)
{
  Pair *p = data;
  guint8 block[BLOCK * FRAME];
  double period = (double) BLOCK / RATE;

  for (guint64 k = 0; k * period < RUN_S + 0.5; k++) {
    sleep_until (&p->start, k * period);
    if (rb_ring_read_frames (p->ring, block, BLOCK) < BLOCK)
      p->short_reads++;
  }
  return NULL;
}

static void
start_pair (Pair *p, const struct timespec *start)
{
  GError *error = NULL;
  static const guint8 half[PREFILL * FRAME];

  p->ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 2 * PREFILL,
      RB_RING_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_write_frames (p->ring, half, PREFILL), ==,
      PREFILL);
  p->start = *start;
  p->lock_s = p->within_s = -1;
  if (p->child) {
    p->pid = fork ();
    g_assert_cmpint (p->pid, >=, 0);
    if (p->pid == 0) {
      /* the child shares the mapping and plays the producer only */
      produce (p);
      _exit (0);
    }
  } else {
    p->producer = g_thread_new ("producer", producer_thread, p);
  }
  p->consumer = g_thread_new ("consumer", consumer_thread, p);
}

static void
observe (Pair *p, double t)
{
  RbRingTiming timing;
  gboolean known = rb_ring_get_timing (p->ring, &timing);

  if (known && timing.producer_locked && timing.consumer_locked &&
      p->lock_s < 0)
    p->lock_s = t;
  if (known && fabs (timing.ratio_ppm - p->ppm) <= TOLERANCE_PPM) {
    if (p->within_s < 0)
      p->within_s = t;
  } else {
    p->within_s = -1;
  }
}

static void
check_pair (Pair *p)
{
  RbRingTiming timing;
  double prate = RATE * (1 + p->ppm * 1e-6);

  g_assert_true (rb_ring_get_timing (p->ring, &timing));
  g_test_message ("%+6.0f ppm%s: measured %+9.3f ppm (error %+.3f), "
      "producer %.4f (%+.2f ppm), consumer %.4f (%+.2f ppm) frames/s, "
      "fill %.0f frames = %.1f ms, locked at %.2f s, within %.0f ppm from "
      "%.2f s, %" G_GUINT64_FORMAT " short reads",
      p->ppm, p->child ? " (producer in a child process)" : "",
      timing.ratio_ppm, timing.ratio_ppm - p->ppm, timing.producer_rate,
      (timing.producer_rate / prate - 1) * 1e6, timing.consumer_rate,
      (timing.consumer_rate / RATE - 1) * 1e6, timing.fill,
      timing.fill_ns / 1e6, p->lock_s, TOLERANCE_PPM, p->within_s,
      p->short_reads);
  g_assert_cmpint (timing.producer_state, ==, RB_TIMING_STATE_OK);
  g_assert_cmpint (timing.consumer_state, ==, RB_TIMING_STATE_OK);
  g_assert_true (timing.producer_locked && timing.consumer_locked);
  g_assert_cmpfloat (fabs (timing.ratio_ppm - p->ppm), <=, TOLERANCE_PPM);
  g_assert_cmpfloat (fabs (timing.producer_rate / prate - 1) * 1e6, <=,
      RATE_TOLERANCE_PPM);
  g_assert_cmpfloat (fabs (timing.consumer_rate / RATE - 1) * 1e6, <=,
      RATE_TOLERANCE_PPM);
  /* the smoothed fill: between what was put in and the ring's size */
  g_assert_cmpfloat (timing.fill, >, PREFILL - 2000);
  g_assert_cmpfloat (timing.fill, <, PREFILL + 2000);
  g_assert_cmpuint (p->short_reads, ==, 0);
}

static void
test_drift (void)
{
  Pair pairs[] = {
    { .ppm = 200 }, { .ppm = -200 }, { .ppm = 2000 }, { .ppm = -2000 },
    { .ppm = 500, .child = TRUE },
  };
  struct timespec start;
  double t;

  if (strstr (rb_ring_get_timing_clock_note (), "system call") != NULL) {
    /* no automatic stamps here: what the ring does instead is
     * tests/lib/test-timing's /timing/kernel-clock */
    g_test_fail_printf ("%s", rb_ring_get_timing_clock_note ());
    return;
  }
  clock_gettime (CLOCK_MONOTONIC, &start);
  add_ns (&start, &start, 0.05);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    start_pair (&pairs[i], &start);
  for (t = 0.1; t < RUN_S; t += 0.1) {
    sleep_until (&start, t);
    for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
      observe (&pairs[i], t);
  }
  g_assert_cmpfloat (since (&start), >=, RUN_S - 0.1);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    check_pair (&pairs[i]);
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++) {
    int status;

    if (pairs[i].producer != NULL)
      g_thread_join (pairs[i].producer);
    else
      g_assert_cmpint (waitpid (pairs[i].pid, &status, 0), ==, pairs[i].pid);
    g_thread_join (pairs[i].consumer);
    g_object_unref (pairs[i].ring);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/clocks/drift", test_drift);
  return g_test_run ();
}
