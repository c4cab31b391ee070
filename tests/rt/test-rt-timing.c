/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The timing stamps make no system call (issue #13, docs/clocks.md), under
 * the seccomp trap the RT tests use (tests/jack/rt-trap.h): every system
 * call of the realtime thread is caught and named.
 *
 * - /rt-timing/stamps: the producer's and consumer's automatic stamps on
 *   an audio ring (this machine's clock, through the vDSO), then the
 *   caller-supplied stamps, in a trapped thread: no system call, and the
 *   stamps were taken (so the run is not vacuous).
 * - /rt-timing/fallback: the probe's answer forced to "the clock needs the
 *   kernel", and the clock read replaced by a raw syscall(SYS_clock_gettime)
 *   (rb-test-hooks-private.h): the same workload makes no system call,
 *   the ring says why it has no automatic stamps, and caller stamps work.
 * - /rt-timing/negative-control: the raw-syscall clock with the answer
 *   forced to "the vDSO serves it": the stamping path reads that clock,
 *   and the trap must catch clock_gettime, proving it would catch a
 *   fallback path that read the clock. */

#include <ringbridge/ringbridge.h>
#include "rb-ring-private.h"
#include "rb-test-hooks-private.h"

#include "../common/rb-rt-trap.h"
#include "../common/rb-test.h"

#include <pthread.h>
#include <time.h>

#define RATE 48000
#define FRAME 4
#define BLOCK 64
#define ROUNDS 20000

static int64_t
raw_clock (void)
{
  struct timespec ts;

  /* the very system call a vDSO fallback makes */
  if (syscall (SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct {
  RbRing *ring;
  gboolean manual;              /* caller-supplied stamps */
  int trap_error;
  guint64 moved;
  guint64 stamps_taken;
} Work;

static void *
rt_thread (void *data)
{
  Work *w = data;
  guint8 block[BLOCK * FRAME] = { 0 };
  int64_t t = 1000 * G_GINT64_CONSTANT (1000000000);

  w->trap_error = rt_trap_install (FALSE);
  if (w->trap_error != 0)
    return NULL;
  /* --- realtime section: nothing here may make a system call --- */
  for (guint i = 0; i < ROUNDS; i++) {
    if (w->manual) {
      guint64 wp = rb_ring_get_write_position (w->ring);
      guint64 rp = rb_ring_get_read_position (w->ring);

      t += 1333333;
      w->stamps_taken += rb_ring_stamp_producer (w->ring, wp, t);
      w->stamps_taken += rb_ring_stamp_consumer (w->ring, rp, t - 1000000);
    }
    w->moved += rb_ring_write_frames (w->ring, block, BLOCK);
    w->moved += rb_ring_read_frames (w->ring, block, BLOCK);
  }
  return NULL;
}

static void
run_trapped (Work *w)
{
  pthread_t thread;

  /* seq_cst: before the thread starts (pthread_create orders it) */
  atomic_store (&rt_trap_violations.count, 0);
  g_assert_cmpint (pthread_create (&thread, NULL, rt_thread, w), ==, 0);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  g_assert_cmpint (w->trap_error, ==, 0);
  g_assert_cmpuint (w->moved, ==, 2 * ROUNDS * BLOCK);
}

static guint
violations (void)
{
  /* seq_cst, here and below: after pthread_join(), which orders the
   * handler's stores */
  guint n = atomic_load (&rt_trap_violations.count);

  for (guint i = 0; i < n && i < RT_TRAP_MAX_RECORDED; i++)
    g_test_message ("system call %ld in the realtime thread",
        atomic_load (&rt_trap_violations.nr[i]));
  return n;
}

/* The caller-supplied stamps, trapped: no system call, every one taken. */
static void
run_manual (Work *w)
{
  w->manual = TRUE;
  w->moved = 0;
  run_trapped (w);
  g_assert_cmpuint (violations (), ==, 0);
  g_assert_cmpuint (w->stamps_taken, ==, 2 * ROUNDS);
}

static RbRing *
audio_ring (void)
{
  GError *error = NULL;
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 1024,
      RB_RING_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return ring;
}

/* An audio ring made with the probe's answer forced to @forced_kernel and
 * the clock read through the raw system call. */
static RbRing *
hooked_ring (int forced_kernel)
{
  rb_timing_kernel_clock_for_test = forced_kernel;
  rb_timing_clock_for_test = raw_clock;
  return audio_ring ();
}

/* Runs the trapped thread over a hooked_ring(@forced_kernel). Returns
 * the system calls it made (violations()). */
static guint
run_hooked (Work *w, int forced_kernel)
{
  w->ring = hooked_ring (forced_kernel);
  run_trapped (w);
  return violations ();
}

static void
unhook (RbRing *ring)
{
  g_object_unref (ring);
  rb_timing_clock_for_test = NULL;
  rb_timing_kernel_clock_for_test = -1;
}

static guint64
stamps_in_header (RbRing *ring, gboolean producer)
{
  struct rb_shm_header *hdr = rb_ring_header_of (ring);

  /* seq_cst: after the join of the thread that stamped */
  return atomic_load (producer ? &hdr->producer_timing.stamps :
      &hdr->consumer_timing.stamps);
}

static void
test_stamps (void)
{
  Work w = { 0 };
  RbRingTiming timing;

  if (rb_timing_clock_needs_kernel (NULL)) {
    g_test_fail_printf ("this machine's clock needs the kernel (%s): "
        "/rt-timing/fallback covers it", rb_ring_get_timing_clock_note ());
    return;
  }
  w.ring = audio_ring ();
  run_trapped (&w);
  g_assert_cmpuint (violations (), ==, 0);
  g_assert_cmpuint (stamps_in_header (w.ring, TRUE), >=, 1);
  g_assert_cmpuint (stamps_in_header (w.ring, FALSE), >=, 1);
  /* seq_cst: after the join of the thread that stamped */
  g_assert_cmpuint (atomic_load (&rb_ring_header_of (w.ring)->
          producer_timing.seq), >, 2 * 100);
  /* then the caller's stamps */
  run_manual (&w);
  g_assert_true (rb_ring_get_timing (w.ring, &timing) ||
      timing.producer_state != RB_TIMING_STATE_NO_STAMPS);
  g_object_unref (w.ring);
}

static void
test_fallback (void)
{
  Work w = { 0 };
  RbRingTiming timing;

  g_assert_cmpuint (run_hooked (&w, 1), ==, 0);
  rb_ring_get_timing (w.ring, &timing);
  g_assert_cmpint (timing.producer_state, ==, RB_TIMING_STATE_KERNEL_CLOCK);
  g_assert_cmpint (timing.consumer_state, ==, RB_TIMING_STATE_KERNEL_CLOCK);
  /* caller-supplied stamps still work, and read no clock */
  run_manual (&w);
  g_assert_cmpuint (stamps_in_header (w.ring, TRUE), >=, 8);
  unhook (w.ring);
}

static void
test_negative_control (void)
{
  Work w = { 0 };
  guint n = run_hooked (&w, 0);

  g_assert_cmpuint (n, >, 0);
  /* seq_cst: after the join */
  g_assert_cmpint (atomic_load (&rt_trap_violations.nr[0]), ==,
      SYS_clock_gettime);
  unhook (w.ring);
}

/* SIGSYS goes to rt_trap_on_sigsys() for the whole run: the trapped
 * thread of each case records its violations there. */
static void
catch_sigsys (void)
{
  struct sigaction old;

  rt_trap_catch (&old);
}

static const RbTestCase cases[] = {
  { "/rt-timing/stamps", test_stamps },
  { "/rt-timing/fallback", test_fallback },
  { "/rt-timing/negative-control", test_negative_control },
};

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  catch_sigsys ();
  rb_test_add_cases (cases, G_N_ELEMENTS (cases));
  return g_test_run ();
}
