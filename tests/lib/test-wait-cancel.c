/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* rb_ring_wait_*_full(): a GCancellable ends one wait, and no other wait
 * on the same ring; a cancel before the wait, or racing with its start or
 * with data, is never lost. */

#include <ringbridge/ringbridge.h>
#include "rb-test-hooks-private.h"

#include <gio/gio.h>
#include "../common/rb-test.h"

struct waiter {
  RbRing *ring;
  GCancellable *cancellable;
  gboolean position;            /* wait_position_full, else readable */
  gint result;                  /* atomic: -1 while waiting */
};

static gpointer
wait_thread (gpointer data)
{
  struct waiter *w = data;
  RbWaitResult res = w->position ?
      rb_ring_wait_position_full (w->ring, 1, -1, w->cancellable) :
      rb_ring_wait_readable_full (w->ring, 1, -1, w->cancellable);

  g_atomic_int_set (&w->result, res);
  return NULL;
}

static gint
wait_for_result (struct waiter *w, gint64 within_us)
{
  gint64 end = g_get_monotonic_time () + within_us;

  while (g_atomic_int_get (&w->result) < 0 && g_get_monotonic_time () < end)
    g_usleep (1000);
  return g_atomic_int_get (&w->result);
}

/* Two threads wait for data on one ring; cancelling one's cancellable
 * ends its wait only: the other goes on until data comes. */
static void
test_cancel_one_of_two (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  g_autoptr (GCancellable) ca = g_cancellable_new ();
  g_autoptr (GCancellable) cb = g_cancellable_new ();
  struct waiter a = { ring, ca, FALSE, -1 };
  struct waiter b = { ring, cb, TRUE, -1 };
  GThread *ta, *tb;

  g_assert_no_error (error);
  ta = g_thread_new ("a", wait_thread, &a);
  tb = g_thread_new ("b", wait_thread, &b);
  g_usleep (30000);
  g_assert_cmpint (g_atomic_int_get (&a.result), ==, -1);
  g_assert_cmpint (g_atomic_int_get (&b.result), ==, -1);

  g_cancellable_cancel (ca);
  g_assert_cmpint (wait_for_result (&a, 5 * G_USEC_PER_SEC), ==,
      RB_WAIT_INTERRUPTED);
  g_thread_join (ta);
  /* several sleep slices: b is still waiting */
  g_usleep (60000);
  g_assert_cmpint (g_atomic_int_get (&b.result), ==, -1);

  g_assert_cmpuint (rb_ring_write (ring, (const guint8 *) "x", 1), ==, 1);
  g_assert_cmpint (wait_for_result (&b, 5 * G_USEC_PER_SEC), ==,
      RB_WAIT_READY);
  g_thread_join (tb);
  /* and a cancellable that fired stays fired for later waits */
  g_assert_cmpint (rb_ring_wait_readable_full (ring, 2, -1, ca), ==,
      RB_WAIT_INTERRUPTED);
}

/* Cancelled before the wait: it returns at once, whichever wait; a wait
 * whose condition holds still says READY. */
static void
test_cancel_before (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  g_autoptr (GCancellable) c = g_cancellable_new ();
  guint8 buf[4096] = { 0 };

  g_assert_no_error (error);
  g_cancellable_cancel (c);
  g_assert_cmpint (rb_ring_wait_readable_full (ring, 1, -1, c), ==,
      RB_WAIT_INTERRUPTED);
  g_assert_cmpint (rb_ring_wait_position_full (ring, 1, -1, c), ==,
      RB_WAIT_INTERRUPTED);
  g_assert_cmpint (rb_ring_wait_writable_full (ring, 1, -1, c), ==,
      RB_WAIT_READY);
  g_assert_cmpuint (rb_ring_write (ring, buf, sizeof buf), ==, sizeof buf);
  g_assert_cmpint (rb_ring_wait_writable_full (ring, 1, -1, c), ==,
      RB_WAIT_INTERRUPTED);
  g_assert_cmpint (rb_ring_wait_readable_full (ring, 1, -1, c), ==,
      RB_WAIT_READY);
  /* no cancellable: the plain wait */
  g_assert_cmpint (rb_ring_wait_readable_full (ring, 1, 0, NULL), ==,
      RB_WAIT_READY);
  /* the ring's own interrupt is untouched by a cancellable */
  g_cancellable_reset (c);
  g_assert_cmpint (rb_ring_wait_writable_full (ring, 1, 1000, c), ==,
      RB_WAIT_TIMEOUT);
}

struct racer {
  RbRing *ring;
  GCancellable *cancellable;
  gboolean write;
  gint go;                      /* atomic */
};

static gpointer
race_thread (gpointer data)
{
  struct racer *r = data;

  while (!g_atomic_int_get (&r->go))
    ;
  /* a few microseconds, so that some cancels meet the waiter asleep,
   * some at its start */
  g_usleep (g_random_int_range (0, 200));
  if (r->write)
    rb_ring_write (r->ring, (const guint8 *) "y", 1);
  g_cancellable_cancel (r->cancellable);
  return NULL;
}

/* A cancel racing with data and with the start of the wait, 1000 times,
 * with and without the spin: every wait ends READY (the data came first)
 * or INTERRUPTED, and none needs a sleep slice to notice (a lost wake
 * would make the waits of a loop last about a slice each). */
static void
test_cancel_race (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  int64_t saved_spin = rb_wait_spin_ns;
  gint64 slow = 0;

  g_assert_no_error (error);
  for (int i = 0; i < 1000; i++) {
    g_autoptr (GCancellable) c = g_cancellable_new ();
    struct racer r = { ring, c, i % 2 == 0, 0 };
    GThread *t = g_thread_new ("racer", race_thread, &r);
    RbWaitResult res;
    gint64 start;
    guint8 b;

    rb_wait_spin_ns = i % 4 < 2 ? 0 : saved_spin;
    g_atomic_int_set (&r.go, 1);
    start = g_get_monotonic_time ();
    res = rb_ring_wait_readable_full (ring, 1, 10 * G_USEC_PER_SEC, c);
    if (g_get_monotonic_time () - start > 15000)
      slow++;
    g_thread_join (t);
    if (res == RB_WAIT_READY)
      g_assert_true (r.write);
    else
      g_assert_cmpint (res, ==, RB_WAIT_INTERRUPTED);
    /* whatever the result, the data is there, once */
    g_assert_cmpuint (rb_ring_read (ring, &b, 1), ==, r.write ? 1 : 0);
  }
  rb_wait_spin_ns = saved_spin;
  /* a scheduling delay on a loaded machine can make a few slow, a lost
   * wake makes many */
  g_test_message ("%" G_GINT64_FORMAT " of 1000 waits took > 15 ms", slow);
  g_assert_cmpint (slow, <, 100);
}

static const RbTestCase cases[] = {
  { "/wait-cancel/one-of-two", test_cancel_one_of_two },
  { "/wait-cancel/before", test_cancel_before },
  { "/wait-cancel/race", test_cancel_race },
};

RB_TEST_MAIN (cases)
