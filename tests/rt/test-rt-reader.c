/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* RbRingReader's realtime calls make no system call (issue #14): in a
 * thread under the seccomp trap (tests/common/rb-rt-trap.h), a writer laps
 * a catch-up, a latest and a lossless reader of an overwrite ring, and a
 * lossless reader of a plain ring, which read, mark underruns, pop their
 * gaps and ask the getters, over and over. Every system call is caught
 * and named. The run must have recorded and popped gaps of each kind it
 * can make, so it is not vacuous; the negative control (an allocation
 * large enough for mmap in the same loop) proves the trap sees one.
 *
 * Allocation: the journal is allocated by rb_ring_reader_new(), before
 * the trap; a read that allocated from the heap would sooner or later
 * need brk or mmap, which the trap catches (RTSan, tests/rt/test-rt.c,
 * covers the library's other RT calls malloc by malloc). */

#include <ringbridge/ringbridge.h>

#include "../common/rb-rt-trap.h"
#include "../common/rb-test.h"
#include "../common/rb-test-ring.h"

#define CAP 4096
#define ROUNDS 20000

typedef struct {
  RbRing *over, *plain;
  RbRingReader *readers[4];
  int inject;
  guint64 bytes, popped[4];
} Work;

static void
work (void *data)
{
  Work *w = data;
  guint8 block[CAP];
  RbGap gap;

  memset (block, 0x5a, sizeof block);
  for (guint i = 0; i < ROUNDS; i++) {
    rt_trap_inject (w->inject);
    rb_ring_write (w->over, block, 1 + (i * 7919) % (CAP - 1));
    rb_ring_write (w->plain, block, rb_ring_write_available (w->plain) / 2);
    for (guint r = 0; r < G_N_ELEMENTS (w->readers); r++) {
      RbRingReader *reader = w->readers[r];

      (void) rb_ring_reader_get_available (reader);
      (void) rb_ring_reader_get_position (reader);
      (void) rb_ring_reader_get_gap_total (reader, RB_GAP_OVERWRITTEN);
      w->bytes += rb_ring_reader_read (reader, block, 1 + (i * 104729) % 512);
      if (i % 3 == 0)
        rb_ring_reader_mark_underrun (reader, 64);
      while (rb_ring_reader_pop_gap (reader, &gap))
        w->popped[gap.cause]++;
    }
  }
}

static void
setup (Work *w)
{
  /* on the overwrite ring unless plain */
  static const struct {
    gboolean plain;
    RbReaderPolicy policy;
    guint64 target;
  } readers[] = {
    { FALSE, RB_READER_POLICY_CATCH_UP, 0 },
    { FALSE, RB_READER_POLICY_LATEST, 256 },
    { FALSE, RB_READER_POLICY_LOSSLESS, 0 },
    { TRUE, RB_READER_POLICY_LOSSLESS, 0 },
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (readers) == G_N_ELEMENTS (w->readers));
  w->over = rb_test_ring_new (CAP, RB_RING_FLAGS_OVERWRITE);
  w->plain = rb_test_ring_new (CAP, RB_RING_FLAGS_NONE);
  for (guint r = 0; r < G_N_ELEMENTS (readers); r++) {
    GError *error = NULL;

    w->readers[r] = rb_test_made (rb_ring_reader_new (readers[r].plain ?
        w->plain : w->over, readers[r].policy, readers[r].target, &error),
        &error);
  }
}

static void
teardown (Work *w)
{
  for (guint r = 0; r < G_N_ELEMENTS (w->readers); r++)
    rb_ring_reader_unref (w->readers[r]);
  g_object_unref (w->over);
  g_object_unref (w->plain);
}

static void
test_quiet (void)
{
  Work w = { 0 };

  setup (&w);
  atomic_store (&rt_trap_violations.count, 0);
  g_assert_cmpuint (rt_trap_seccomp_run (work, &w, FALSE), ==, 0);
  /* not vacuous: it read, and every cause the run makes was popped */
  g_assert_cmpuint (w.bytes, >, ROUNDS);
  g_assert_cmpuint (w.popped[RB_GAP_OVERWRITTEN], >, 0);
  g_assert_cmpuint (w.popped[RB_GAP_SKIP], >, 0);
  g_assert_cmpuint (w.popped[RB_GAP_UNDERRUN], >, 0);
  teardown (&w);
}

static void
test_negative_control (void)
{
  Work w = { .inject = RT_TRAP_INJECT_MALLOC };

  setup (&w);
  atomic_store (&rt_trap_violations.count, 0);
  g_assert_cmpuint (rt_trap_seccomp_run (work, &w, FALSE), >, 0);
  teardown (&w);
}

static const RbTestCase cases[] = {
  { "/rt-reader/quiet", test_quiet },
  { "/rt-reader/negative-control", test_negative_control },
};

RB_TEST_MAIN (cases)
