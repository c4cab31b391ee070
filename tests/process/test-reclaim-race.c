/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Issue #11 item 4: rb_ring_reclaim_stale() must never remove the name of
 * a live ring. Several processes at once do what ringsink's start does:
 * reclaim the name's stale ring, then create a ring of that name. Each
 * creator is a process of its own that, once its ring exists, checks for a
 * while that the name still leads to its ring's file, then dies without
 * unlinking (so its ring is the next one's stale ring). Before the fix a
 * reclaimer could check ring A, lose the CPU, and unlink ring B, created
 * meanwhile by another process: 5 of 215 new rings lost their name. See
 * docs/sharing.md, "Removing a name". */

#include <ringbridge/ringbridge.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4

enum { CREATED_KEPT = 10, CREATED_LOST = 11, NOT_CREATED = 12 };

static int
one_creator (const gchar *name, const gchar *path)
{
  RbRing *ring;
  struct stat mine, named;

  /* what ringsink's start does */
  (void) rb_ring_reclaim_stale (name, NULL);
  ring = rb_ring_create (name, 4096, RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER,
      0600, NULL);
  if (ring == NULL)
    return NOT_CREATED;
  if (fstat (rb_ring_get_fd (ring), &mine) < 0)
    return 1;
  /* long enough for the others to reclaim and create a few times */
  for (int i = 0; i < 20; i++) {
    if (stat (path, &named) < 0 || named.st_ino != mine.st_ino ||
        named.st_dev != mine.st_dev)
      return CREATED_LOST;
    g_usleep (200);
  }
  /* die holding it, as a crash would: the next creator finds it stale */
  return CREATED_KEPT;
}

static void
test_reclaim_race (void)
{
  g_autofree gchar *name = g_strdup_printf ("rbtest-race-%d", (int) getpid ());
  g_autofree gchar *path = rb_ring_name_to_path (name);
  const char *env = g_getenv ("RECLAIM_RACE_CREATORS");
  guint total = env ? (guint) atoi (env) : 600, started = 0, running = 0;
  guint kept = 0, lost = 0, not_created = 0;

  while (started < total || running > 0) {
    int status;
    pid_t pid;

    while (running < WORKERS && started < total) {
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        _exit (one_creator (name, path));
      started++;
      running++;
    }
    pid = wait (&status);
    g_assert_cmpint (pid, >, 0);
    running--;
    g_assert_true (WIFEXITED (status));
    switch (WEXITSTATUS (status)) {
      case CREATED_KEPT:
        kept++;
        break;
      case CREATED_LOST:
        lost++;
        break;
      case NOT_CREATED:
        not_created++;
        break;
      default:
        g_error ("creator exited %d", WEXITSTATUS (status));
    }
  }
  g_test_message ("%u creators: %u rings kept their name, %u lost it, "
      "%u found the name taken", total, kept, lost, not_created);
  (void) rb_ring_reclaim_stale (name, NULL);
  g_assert_cmpuint (lost, ==, 0);
  /* the race was run: enough rings were made and reclaimed */
  g_assert_cmpuint (kept, >=, total / 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/process/reclaim-race", test_reclaim_race);
  return g_test_run ();
}
