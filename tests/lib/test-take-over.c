/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* rb_ring_create_or_take_over(): a free name makes the ring, a stale ring
 * is removed and made anew, a ring someone alive uses is attached in the
 * dead producer's place, a live producer's ring is refused as EXISTS; and
 * rb_ring_name_is_ring(). Dead owners come from fork() and SIGKILL. */

#include <ringbridge/ringbridge.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/rb-test-ring.h"

/* A child that creates @name as its producer (a 4096-byte byte ring), says
 * so on @fd and waits to be killed: a producer that dies holding it. */
static pid_t
spawn_creator (const gchar *name)
{
  int fds[2];
  pid_t pid;
  char c;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0) {
    RbRing *ring = rb_ring_create (name, 4096, 0, RB_RING_ROLE_PRODUCER, 0,
        NULL);

    if (ring == NULL || write (fds[1], "x", 1) != 1)
      _exit (1);
    for (;;)
      pause ();
  }
  close (fds[1]);
  g_assert_cmpint (read (fds[0], &c, 1), ==, 1);
  close (fds[0]);
  return pid;
}

static void
kill_and_reap (pid_t pid)
{
  int status;

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
}

static gchar *last_reason;

static RbRing *
take_over (const gchar *name, RbRingTakeOver *how, GError **error)
{
  g_clear_pointer (&last_reason, g_free);
  return rb_ring_create_or_take_over (name, 256, RB_RING_FLAGS_NONE,
      RB_SAMPLE_FORMAT_S16LE, 2, 48000, RB_RING_ROLE_PRODUCER, 0600,
      RB_RING_OPEN_FLAGS_NONE, how, &last_reason, error);
}

/* A take_over() that must succeed as @want, with a reason that contains
 * @reason (NULL: no reason at all). */
static RbRing *
take_over_ok (const gchar *name, RbRingTakeOver want, const gchar *reason)
{
  g_autoptr (GError) error = NULL;
  /* not @want before: the call must set it */
  RbRingTakeOver how = want == RB_RING_TAKE_OVER_CREATED ?
      RB_RING_TAKE_OVER_ATTACHED : RB_RING_TAKE_OVER_CREATED;
  RbRing *ring = take_over (name, &how, &error);

  g_assert_no_error (error);
  g_assert_cmpint (how, ==, want);
  if (reason == NULL)
    g_assert_null (last_reason);
  else
    g_assert_nonnull (strstr (last_reason, reason));
  return ring;
}

/* Each case's name (unique), error and ring; the ring is dropped and its
 * name removed after the case, whatever it left. */
typedef struct {
  gchar *name;
  GError *error;
  RbRing *ring;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->name = rb_test_unique_name ("rbtest-to");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->ring);
  rb_ring_unlink (f->name, NULL);
  g_free (f->name);
  g_clear_error (&f->error);
}

static void
test_free_name (Fixture *f, gconstpointer data)
{
  g_autoptr (RbRing) again = NULL;
  g_autoptr (RbRing) anon = rb_ring_new (4096, NULL);

  f->ring = take_over_ok (f->name, RB_RING_TAKE_OVER_CREATED, NULL);
  g_assert_cmpint (rb_ring_get_sample_format (f->ring), ==,
      RB_SAMPLE_FORMAT_S16LE);
  g_assert_cmpuint (rb_ring_get_capacity_frames (f->ring), >=, 256);
  g_assert_true (rb_ring_name_is_ring (f->ring));
  /* the name removed, then made again by someone else */
  g_assert_true (rb_ring_unlink (f->name, NULL));
  g_assert_false (rb_ring_name_is_ring (f->ring));
  again = rb_ring_create (f->name, 4096, 0, RB_RING_ROLE_CONSUMER, 0,
      &f->error);
  g_assert_no_error (f->error);
  g_assert_false (rb_ring_name_is_ring (f->ring));
  g_assert_true (rb_ring_name_is_ring (again));
  g_assert_false (rb_ring_name_is_ring (anon));
  g_assert_true (rb_ring_unlink (f->name, NULL));
  /* a byte ring; and @how may be NULL */
  g_clear_object (&f->ring);
  f->ring = rb_ring_create_or_take_over (f->name, 4096, RB_RING_FLAGS_NONE,
      RB_SAMPLE_FORMAT_NONE, 0, 0, RB_RING_ROLE_PRODUCER, 0,
      RB_RING_OPEN_FLAGS_NONE, NULL, NULL, &f->error);
  g_assert_no_error (f->error);
  g_assert_cmpuint (rb_ring_get_capacity (f->ring), ==, 4096);
  g_assert_true (rb_ring_unlink (f->name, NULL));
}

/* every process that used it died: removed and made anew, our format */
static void
test_stale (Fixture *f, gconstpointer data)
{
  kill_and_reap (spawn_creator (f->name));
  f->ring = take_over_ok (f->name, RB_RING_TAKE_OVER_RECREATED,
      "already exists");
  g_assert_cmpint (rb_ring_get_sample_format (f->ring), ==,
      RB_SAMPLE_FORMAT_S16LE);
  g_assert_true (rb_ring_name_is_ring (f->ring));
  g_assert_true (rb_ring_unlink (f->name, NULL));
}

/* its producer died, its consumer lives: the producer role is taken in
 * the ring as it is (its format, not ours), and its creator is gone */
static void
test_dead_producer (Fixture *f, gconstpointer data)
{
  g_autoptr (RbRing) consumer = NULL;
  g_autoptr (RbRing) second = NULL;
  RbRingTakeOver how;
  pid_t pid = spawn_creator (f->name);

  consumer = rb_ring_open (f->name, RB_RING_ROLE_CONSUMER, &f->error);
  g_assert_no_error (f->error);
  kill_and_reap (pid);
  f->ring = take_over_ok (f->name, RB_RING_TAKE_OVER_ATTACHED,
      "already exists");
  g_assert_cmpint (rb_ring_get_sample_format (f->ring), ==,
      RB_SAMPLE_FORMAT_NONE);
  g_assert_cmpint (rb_ring_get_creator_state (f->ring), ==,
      RB_PEER_STATE_GONE);
  g_assert_true (rb_ring_name_is_ring (f->ring));

  /* now the producer lives (us): refused as the creation's EXISTS */
  second = take_over (f->name, &how, &f->error);
  g_assert_null (second);
  g_assert_error (f->error, RB_RING_ERROR, RB_RING_ERROR_EXISTS);
  g_assert_cmpstr (f->error->message, ==, last_reason);
  g_assert_cmpint (how, ==, RB_RING_TAKE_OVER_ATTACHED);
  g_assert_true (rb_ring_unlink (f->name, NULL));
}

/* a name that is not a ring: reclaim's error, no attach */
static void
test_invalid (Fixture *f, gconstpointer data)
{
  RbRingTakeOver how;

  g_assert_null (take_over ("no/slash", &how, &f->error));
  g_assert_error (f->error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME);
  g_assert_cmpint (how, ==, RB_RING_TAKE_OVER_CREATED);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)

int
main (int argc, char **argv)
{
  int res;

  g_test_init (&argc, &argv, NULL);
  ADD ("/take-over/free-name", test_free_name);
  ADD ("/take-over/stale", test_stale);
  ADD ("/take-over/dead-producer", test_dead_producer);
  ADD ("/take-over/invalid", test_invalid);
  res = g_test_run ();
  g_free (last_reason);
  return res;
}
