/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Shared rings: names, create/open/unlink, roles and takeover, fd passing,
 * validation of hostile headers (tests/README.md, R6), and blocking
 * waits, including peers that die. Child processes come from fork(); each
 * ring name carries this process's pid so parallel runs do not meet. */

#include <ringbridge/ringbridge.h>
#include "rb-shm-private.h"
#include "rb-wait-private.h"
#include "rb-test-hooks-private.h"

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/rb-test.h"
#include "../common/rb-test-fd.h"
#include "../common/rb-test-ring.h"
#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

static gchar *
path_of (const gchar *name)
{
  return rb_ring_name_to_path (name);
}

/* A named ring's case: a name no other case uses and its file's path.
 * Whatever the case leaves at the name, rb_ring_unlink() must remove
 * after it. */
typedef struct {
  gchar *name;
  gchar *path;
} NamedRing;

static void
named_ring_setup (NamedRing *nr, G_GNUC_UNUSED gconstpointer data)
{
  nr->name = rb_test_unique_name ("rbtest");
  nr->path = path_of (nr->name);
}

static void
named_ring_teardown (NamedRing *nr, G_GNUC_UNUSED gconstpointer data)
{
  struct stat st;

  if (lstat (nr->path, &st) == 0)
    g_assert_true (rb_ring_unlink (nr->name, NULL));
  g_free (nr->path);
  g_free (nr->name);
}

static const RbTestFixture named_ring = {
  sizeof (NamedRing),
  (GTestFixtureFunc) named_ring_setup,
  (GTestFixtureFunc) named_ring_teardown,
};

static RbRing *
create_or_die (const gchar *name, gsize cap, RbRingFlags flags,
    RbRingRole role)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_create (name, cap, flags, role, 0, &error);

  g_assert_no_error (error);
  return ring;
}

/* A child process that does @fn and exits 0 if it returns TRUE. */
static pid_t
spawn (gboolean (*fn) (gpointer), gpointer data)
{
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0) {
#ifdef HAVE_VALGRIND_H
    /* the child holds copies of the parent's objects it never frees:
     * only the parent's leaks count (meson test --setup valgrind) */
    VALGRIND_CLO_CHANGE ("--leak-check=no");
#endif
    _exit (fn (data) ? 0 : 1);
  }
  return pid;
}

static int
reap (pid_t pid)
{
  int status;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return status;
}

/* --- names ------------------------------------------------------------------- */

static void
test_names (void)
{
  const char *good[] = { "music", "a", "0", "_x", "a.b-c_d", "Jack.Out-1" };
  const char *bad[] = { "", ".x", "-x", "a/b", "a b", "caf\xc3\xa9", "a\nb",
    "..", "x*", };
  g_autofree gchar *longest = g_strnfill (RB_RING_NAME_MAX, 'n');
  g_autofree gchar *too_long = g_strnfill (RB_RING_NAME_MAX + 1, 'n');
  g_autofree gchar *path = NULL;
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++) {
    g_assert_true (rb_ring_name_validate (good[i], &error));
    g_assert_no_error (error);
  }
  g_assert_true (rb_ring_name_validate (longest, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    rb_test_assert_failed (rb_ring_name_validate (bad[i], &error), &error,
        RB_RING_ERROR_INVALID_NAME, "invalid ring name");
  }
  rb_test_assert_failed (rb_ring_name_validate (NULL, &error), &error,
      RB_RING_ERROR_INVALID_NAME, NULL);
  g_assert_false (rb_ring_name_validate (too_long, &error));
  g_assert_nonnull (strstr (error->message, "201 bytes"));
  g_clear_error (&error);

  path = rb_ring_name_to_path ("music");
  g_assert_cmpstr (path, ==, "/dev/shm/ringbridge-music");
  g_assert_null (rb_ring_name_to_path ("a/b"));

  /* every entry point refuses a bad name */
  rb_test_assert_refused (rb_ring_create ("a/b", 4096, 0, RB_RING_ROLE_PRODUCER,
      0, &error), &error, RB_RING_ERROR_INVALID_NAME, NULL);
  rb_test_assert_refused (rb_ring_open ("", RB_RING_ROLE_CONSUMER, &error),
      &error, RB_RING_ERROR_INVALID_NAME, NULL);
  rb_test_assert_failed (rb_ring_unlink ("a b", &error), &error,
      RB_RING_ERROR_INVALID_NAME, NULL);
}

/* --- create, open, unlink ------------------------------------------------------ */

static void
test_create_open (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) prod = NULL;
  g_autoptr (RbRing) cons = NULL;
  struct stat st;
  guint8 buf[100];

  prod = rb_ring_create_audio (nr->name, RB_SAMPLE_FORMAT_S16LE, 2, 44100, 1000,
      0, RB_RING_ROLE_PRODUCER, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stat (nr->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpuint (st.st_uid, ==, geteuid ());
  g_assert_cmpstr (rb_ring_get_name (prod), ==, nr->name);
  g_assert_cmpint (rb_ring_get_role (prod), ==, RB_RING_ROLE_PRODUCER);
  /* no consumer yet */
  g_assert_cmpint (rb_ring_get_peer_state (prod), ==, RB_PEER_STATE_NONE);
  g_assert_cmpuint (rb_ring_get_peer_pid (prod), ==, 0);

  cons = rb_test_ring_open (nr->name, RB_RING_ROLE_CONSUMER);
  /* format and size come from the header */
  g_assert_cmpint (rb_ring_get_sample_format (cons), ==, RB_SAMPLE_FORMAT_S16LE);
  g_assert_cmpuint (rb_ring_get_channels (cons), ==, 2);
  g_assert_cmpuint (rb_ring_get_rate (cons), ==, 44100);
  g_assert_cmpuint (rb_ring_get_capacity (cons), ==, rb_ring_get_capacity (prod));
  g_assert_cmpint (rb_ring_get_peer_state (prod), ==, RB_PEER_STATE_ALIVE);
  g_assert_cmpint (rb_ring_get_peer_state (cons), ==, RB_PEER_STATE_ALIVE);
  g_assert_cmpuint (rb_ring_get_peer_pid (cons), ==, (guint) getpid ());

  /* whole 4-byte frames: an audio ring never splits one */
  g_assert_cmpuint (rb_ring_write (prod, (const guint8 *) "hello!!!", 8), ==, 8);
  g_assert_cmpuint (rb_ring_read (cons, buf, sizeof buf), ==, 8);
  g_assert_cmpmem (buf, 8, "hello!!!", 8);

  /* unlink removes the name; both ends go on */
  g_assert_true (rb_ring_unlink (nr->name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (nr->path, &st), ==, -1);
  g_assert_cmpuint (rb_ring_write (prod, (const guint8 *) "world!!!", 8), ==, 8);
  g_assert_cmpuint (rb_ring_read (cons, buf, sizeof buf), ==, 8);
  g_assert_cmpmem (buf, 8, "world!!!", 8);

  rb_test_assert_failed (rb_ring_unlink (nr->name, &error), &error,
      RB_RING_ERROR_NOT_FOUND, NULL);
  g_assert_null (rb_ring_open (nr->name, RB_RING_ROLE_CONSUMER, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, nr->name));
}

static void
test_create_exists (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) ring = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  g_autofree gchar *pid = g_strdup_printf ("producer pid %d alive", getpid ());
  GError *error = NULL;

  g_assert_null (rb_ring_create (nr->name, 4096, 0, RB_RING_ROLE_PRODUCER, 0,
          &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  /* in use: not reclaimed */
  rb_test_assert_failed (rb_ring_reclaim_stale (nr->name, &error), &error,
      RB_RING_ERROR_BUSY, NULL);
}

typedef struct {
  const gchar *name;
  RbRingFlags flags;
} DeadChild;

static gboolean
child_create_and_die (gpointer data)
{
  const DeadChild *d = data;
  RbRing *ring = rb_ring_create (d->name, 4096, d->flags,
      RB_RING_ROLE_PRODUCER, 0, NULL);

  /* leave without letting go, as a crash would */
  if (ring != NULL)
    kill (getpid (), SIGKILL);
  return FALSE;
}

/* The ring @name (with @flags), made by a child that then died holding its
 * producer role. */
static void
ring_of_dead_child (const gchar *name, RbRingFlags flags)
{
  DeadChild d = { name, flags };
  int status = reap (spawn (child_create_and_die, &d));

  g_assert_true (WIFSIGNALED (status));
}

static void
test_reclaim_stale (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) ring = NULL;
  GError *error = NULL;
  struct stat st;

  ring_of_dead_child (nr->name, 0);
  g_assert_cmpint (stat (nr->path, &st), ==, 0);
  g_assert_null (rb_ring_create (nr->name, 4096, 0, RB_RING_ROLE_PRODUCER, 0,
          &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS);
  /* the message says why: the creator is dead, nobody uses the ring */
  g_assert_true (g_regex_match_simple ("dead.*no live user", error->message,
          0, 0));
  g_clear_error (&error);

  g_assert_true (rb_ring_reclaim_stale (nr->name, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (nr->path, G_FILE_TEST_EXISTS));
  ring = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  g_assert_true (rb_ring_unlink (nr->name, NULL));

  /* not a ring: left alone */
  {
    int fd = shm_open ("/ringbridge-rbtest-notaring", O_CREAT | O_RDWR, 0600);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (write (fd, "hello", 5), ==, 5);
    close (fd);
    rb_test_assert_failed (rb_ring_reclaim_stale ("rbtest-notaring",
            &error), &error, RB_RING_ERROR_NOT_A_RING, NULL);
    g_assert_true (rb_ring_unlink ("rbtest-notaring", NULL));
  }
}

/* --- roles ------------------------------------------------------------------------ */

struct holder {
  const gchar *name;
  RbRingRole role;
  int ready_fd;
};

static gboolean
child_hold_role (gpointer data)
{
  struct holder *h = data;
  RbRing *ring = rb_ring_open (h->name, h->role, NULL);
  char c = ring ? 'y' : 'n';

  if (write (h->ready_fd, &c, 1) != 1)
    return FALSE;
  pause ();
  return ring != NULL;
}

static void
test_roles_busy_and_takeover (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) prod = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  g_autoptr (RbRing) cons = NULL;
  g_autofree gchar *mine = g_strdup_printf ("pid %d is alive", getpid ());
  g_autofree gchar *theirs = NULL;
  GError *error = NULL;
  struct holder h = { nr->name, RB_RING_ROLE_CONSUMER, -1 };
  int pipefd[2];
  pid_t child;
  char c;

  /* a second producer, even in this process, is refused */
  g_assert_null (rb_ring_open (nr->name, RB_RING_ROLE_PRODUCER, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "producer"));
  g_assert_nonnull (strstr (error->message, mine));
  g_clear_error (&error);

  /* a consumer in another process holds its role while alive... */
  g_assert_cmpint (pipe (pipefd), ==, 0);
  h.ready_fd = pipefd[1];
  child = spawn (child_hold_role, &h);
  g_assert_cmpint (read (pipefd[0], &c, 1), ==, 1);
  g_assert_cmpint (c, ==, 'y');
  theirs = g_strdup_printf ("pid %d is alive", child);
  g_assert_null (rb_ring_open (nr->name, RB_RING_ROLE_CONSUMER, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, theirs));
  g_clear_error (&error);
  g_assert_cmpint (rb_ring_get_peer_state (prod), ==, RB_PEER_STATE_ALIVE);
  g_assert_cmpuint (rb_ring_get_peer_pid (prod), ==, (guint) child);

  /* ...a stopped one too: stopped is not dead */
  kill (child, SIGSTOP);
  rb_test_assert_refused (rb_ring_open (nr->name, RB_RING_ROLE_CONSUMER,
      &error),
      &error, RB_RING_ERROR_BUSY, NULL);
  g_assert_cmpint (rb_ring_get_peer_state (prod), ==, RB_PEER_STATE_ALIVE);

  /* ...and once it is killed, the next consumer takes its place */
  kill (child, SIGKILL);
  reap (child);
  g_assert_cmpint (rb_ring_get_peer_state (prod), ==, RB_PEER_STATE_GONE);
  cons = rb_test_ring_open (nr->name, RB_RING_ROLE_CONSUMER);
  g_assert_cmpint (rb_ring_get_peer_state (prod), ==, RB_PEER_STATE_ALIVE);

  /* readers are only for overwrite rings */
  rb_test_assert_refused (rb_ring_open (nr->name, RB_RING_ROLE_READER, &error),
      &error, RB_RING_ERROR_INVALID_ROLE, NULL);
  rb_test_assert_refused (rb_ring_open (nr->name, 17, &error), &error,
      RB_RING_ERROR_INVALID_ROLE, NULL);

  close (pipefd[0]);
  close (pipefd[1]);
}

static void
test_roles_resume (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  RbRing *prod = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  RbRing *cons = rb_ring_open (nr->name, RB_RING_ROLE_CONSUMER, &error);
  g_autoptr (RbRing) readers = NULL;
  guint8 data[100], buf[100];

  g_assert_no_error (error);
  for (int i = 0; i < 100; i++)
    data[i] = (guint8) i;
  g_assert_cmpuint (rb_ring_write (prod, data, 100), ==, 100);
  g_assert_cmpuint (rb_ring_read (cons, buf, 40), ==, 40);

  /* a consumer that goes and comes back carries on where it was */
  g_object_unref (cons);
  g_assert_cmpint (rb_ring_get_peer_state (prod), ==, RB_PEER_STATE_GONE);
  cons = rb_test_ring_open (nr->name, RB_RING_ROLE_CONSUMER);
  g_assert_cmpuint (rb_ring_read_available (cons), ==, 60);
  g_assert_cmpuint (rb_ring_read (cons, buf, 10), ==, 10);
  g_assert_cmpmem (buf, 10, data + 40, 10);

  /* so does a producer: it appends after the last committed byte, and an
   * end of stream its predecessor marked is over */
  rb_ring_set_end_of_stream (prod);
  g_object_unref (prod);
  g_assert_cmpint (rb_ring_get_peer_state (cons), ==, RB_PEER_STATE_GONE);
  prod = rb_test_ring_open (nr->name, RB_RING_ROLE_PRODUCER);
  g_assert_cmpuint (rb_ring_get_write_position (prod), ==, 100);
  g_assert_false (rb_ring_is_end_of_stream (cons));
  g_assert_cmpuint (rb_ring_write (prod, (const guint8 *) "xyz", 3), ==, 3);
  g_assert_cmpuint (rb_ring_read (cons, buf, 100), ==, 53);
  g_assert_cmpmem (buf, 50, data + 50, 50);
  g_assert_cmpmem (buf + 50, 3, "xyz", 3);

  g_object_unref (prod);
  g_object_unref (cons);
}

static void
test_close (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) prod = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  g_autoptr (RbRing) cons = rb_test_ring_open (nr->name, RB_RING_ROLE_CONSUMER);
  g_autoptr (RbRing) next = NULL;

  /* the role goes at once, not when the last reference does */
  rb_ring_close (prod);
  g_assert_cmpint (rb_ring_get_peer_state (cons), ==, RB_PEER_STATE_GONE);
  g_assert_cmpint (rb_ring_wait_readable (cons, 1, 10 * G_USEC_PER_SEC), ==,
      RB_WAIT_PEER_GONE);
  next = rb_test_ring_open (nr->name, RB_RING_ROLE_PRODUCER);
  /* its waits are interrupted for good; closing again does nothing */
  g_assert_cmpint (rb_ring_wait_writable (prod, 1, -1), ==, RB_WAIT_READY);
  rb_ring_close (prod);
}

/* --- permissions --------------------------------------------------------------------- */

static void
test_permissions (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  g_autoptr (RbRing) open1 = NULL;
  mode_t old_umask = umask (077);
  struct stat st;

  /* exactly the mode asked for, whatever the umask */
  ring = rb_ring_create (nr->name, 4096, RB_RING_FLAGS_OVERWRITE,
      RB_RING_ROLE_PRODUCER, 0666, &error);
  umask (old_umask);
  g_assert_no_error (error);
  g_assert_cmpint (stat (nr->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0666);

  rb_test_assert_refused (rb_ring_open (nr->name, RB_RING_ROLE_READER, &error),
      &error, RB_RING_ERROR_PERMISSION, "mode 0666");
  open1 = rb_ring_open_full (nr->name, RB_RING_ROLE_READER,
      RB_RING_OPEN_FLAGS_SHARED_WRITE, &error);
  g_assert_no_error (error);
  g_clear_object (&open1);

  /* owned by another user: only as root can the test make that happen */
  if (geteuid () == 0) {
    g_assert_cmpint (chmod (nr->path, 0600), ==, 0);
    g_assert_cmpint (chown (nr->path, 1, 1), ==, 0);
    rb_test_assert_refused (rb_ring_open (nr->name, RB_RING_ROLE_READER,
        &error),
        &error, RB_RING_ERROR_PERMISSION, "owned by uid 1");
    open1 = rb_ring_open_full (nr->name, RB_RING_ROLE_READER,
        RB_RING_OPEN_FLAGS_ANY_OWNER, &error);
    g_assert_no_error (error);
  }
}

/* --- fd passing ---------------------------------------------------------------------- */



#define FD_STREAM_BYTES (8 << 20)

static gboolean
child_consume_fd (gpointer data)
{
  int sock = GPOINTER_TO_INT (data);
  int fd = rb_test_recv_fd (sock);
  g_autoptr (RbRing) ring = NULL;   /* freed: valgrind checks the child */
  guint8 buf[3000];
  guint64 got = 0;

  if (fd < 0)
    return FALSE;
  ring = rb_ring_new_from_fd (fd, RB_RING_ROLE_CONSUMER, NULL);
  close (fd);
  if (ring == NULL)
    return FALSE;
  while (got < FD_STREAM_BYTES) {
    gsize n;
    if (rb_ring_wait_readable (ring, 1, 5 * G_USEC_PER_SEC) != RB_WAIT_READY)
      return FALSE;
    n = rb_ring_read (ring, buf, sizeof buf);
    for (gsize i = 0; i < n; i++)
      if (buf[i] != (guint8) ((got + i) * 7 + 3))
        return FALSE;
    got += n;
  }
  return rb_ring_wait_readable (ring, 1, 5 * G_USEC_PER_SEC) ==
      RB_WAIT_END_OF_STREAM;
}

static void
test_fd_passing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (65536, &error);
  guint8 buf[5000];
  guint64 sent = 0;
  int sv[2], status;
  pid_t child;

  g_assert_no_error (error);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
  child = spawn (child_consume_fd, GINT_TO_POINTER (sv[1]));
  rb_test_send_fd (sv[0], rb_ring_get_fd (ring));

  while (sent < FD_STREAM_BYTES) {
    gsize n = MIN (sizeof buf, FD_STREAM_BYTES - sent), w;
    for (gsize i = 0; i < n; i++)
      buf[i] = (guint8) ((sent + i) * 7 + 3);
    g_assert_cmpint (rb_ring_wait_writable (ring, n, 5 * G_USEC_PER_SEC), ==,
        RB_WAIT_READY);
    w = rb_ring_write (ring, buf, n);
    g_assert_cmpuint (w, ==, n);
    sent += w;
  }
  rb_ring_set_end_of_stream (ring);
  status = reap (child);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  /* the child took the consumer role over from this process */
  g_assert_cmpint (rb_ring_get_peer_state (ring), ==, RB_PEER_STATE_GONE);
  close (sv[0]);
  close (sv[1]);
}

static void
test_fd_not_sealed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  struct stat st;
  guint8 *copy;
  int fd;

  /* the same bytes in a memfd whose owner could still shrink it */
  g_assert_cmpint (fstat (rb_ring_get_fd (ring), &st), ==, 0);
  copy = g_malloc (st.st_size);
  g_assert_cmpint (pread (rb_ring_get_fd (ring), copy, st.st_size, 0), ==,
      st.st_size);
  /* nobody holds a role in the copy */
  memset (copy + offsetof (struct rb_shm_header, creator_owner), 0,
      3 * sizeof (guint64));
  fd = memfd_create ("unsealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  g_assert_cmpint (write (fd, copy, st.st_size), ==, st.st_size);
  rb_test_assert_refused (rb_ring_new_from_fd (fd, RB_RING_ROLE_CONSUMER,
      &error), &error, RB_RING_ERROR_NOT_SEALED, NULL);

  /* sealed, it is accepted */
  g_assert_cmpint (fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), ==, 0);
  {
    g_autoptr (RbRing) other = rb_ring_new_from_fd (fd, RB_RING_ROLE_CONSUMER,
        &error);
    g_assert_no_error (error);
  }
  close (fd);
  g_free (copy);

  g_assert_null (rb_ring_new_from_fd (-1, RB_RING_ROLE_CONSUMER, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Bad file descriptor"));
}

/* --- hostile headers ------------------------------------------------------------------- */

struct corruption {
  const char *what;
  size_t offset;
  guint64 value;
  int size;                     /* 4 or 8 bytes */
  int code;
  const char *message;
};

static void
test_corrupt_headers (void)
{
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  const struct corruption cases[] = {
    { "magic", offsetof (struct rb_shm_header, magic), 0x1234, 8,
      RB_RING_ERROR_NOT_A_RING, "not a ring segment" },
    { "version", offsetof (struct rb_shm_header, layout_version), 99, 4,
      RB_RING_ERROR_INCOMPATIBLE, "incompatible ring layout v99 (expected v1)" },
    { "header size small", offsetof (struct rb_shm_header, header_size), 64, 4,
      RB_RING_ERROR_CORRUPT, "invalid header size 64" },
    { "header size odd", offsetof (struct rb_shm_header, header_size),
      page + 8, 4, RB_RING_ERROR_CORRUPT, "invalid header size" },
    { "capacity not a power of two", offsetof (struct rb_shm_header, capacity),
      3 * page, 8, RB_RING_ERROR_CORRUPT, "invalid capacity" },
    { "capacity zero", offsetof (struct rb_shm_header, capacity), 0, 8,
      RB_RING_ERROR_CORRUPT, "invalid capacity 0" },
    { "capacity huge", offsetof (struct rb_shm_header, capacity),
      G_GUINT64_CONSTANT (1) << 40, 8, RB_RING_ERROR_CORRUPT,
      "invalid capacity" },
    { "capacity larger than the file", offsetof (struct rb_shm_header,
          capacity), 4 * page, 8, RB_RING_ERROR_CORRUPT, "header/size mismatch" },
    { "file size", offsetof (struct rb_shm_header, file_size), 1 << 20, 8,
      RB_RING_ERROR_CORRUPT, "header/size mismatch" },
    { "flags", offsetof (struct rb_shm_header, flags), 0x40, 4,
      RB_RING_ERROR_CORRUPT, "unknown ring flags 0x40" },
    { "sample format", offsetof (struct rb_shm_header, sample_format), 99, 4,
      RB_RING_ERROR_CORRUPT, "invalid sample format 99" },
    { "channels", offsetof (struct rb_shm_header, channels), 0, 4,
      RB_RING_ERROR_CORRUPT, "invalid channel count 0" },
    { "rate", offsetof (struct rb_shm_header, rate), 0, 4,
      RB_RING_ERROR_CORRUPT, "invalid rate 0" },
    { "frame size", offsetof (struct rb_shm_header, frame_size), 3, 4,
      RB_RING_ERROR_CORRUPT, "frame size 3" },
    { "positions", offsetof (struct rb_shm_header, write_pos),
      G_GUINT64_CONSTANT (1) << 40, 8, RB_RING_ERROR_CORRUPT,
      "peer corrupted indices" },
    { "read ahead of write", offsetof (struct rb_shm_header, read_pos), 10, 8,
      RB_RING_ERROR_CORRUPT, "peer corrupted indices" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *name = rb_test_unique_name ("rbtest");
    g_autofree gchar *path = path_of (name);
    GError *error = NULL;
    guint32 value32 = (guint32) cases[i].value;
    RbRing *ring;

    rb_test_make_audio_file (name);
    rb_test_forge (path, cases[i].offset, cases[i].size == 8 ?
        (gconstpointer) &cases[i].value : &value32, cases[i].size);

    g_test_message ("corrupt %s", cases[i].what);
    ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
    g_assert_null (ring);
    g_assert_error (error, RB_RING_ERROR, cases[i].code);
    if (strstr (error->message, cases[i].message) == NULL)
      g_error ("corrupt %s: message '%s' lacks '%s'", cases[i].what,
          error->message, cases[i].message);
    g_assert_nonnull (strstr (error->message, name));
    g_clear_error (&error);
    g_assert_true (rb_ring_unlink (name, NULL));
  }

  /* a file that is not a ring at all, and one smaller than a header */
  {
    const char *sizes[] = { "0", "100" };
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
      g_autofree gchar *name = rb_test_unique_name ("rbtest");
      g_autofree gchar *shm = g_strconcat ("/ringbridge-", name, NULL);
      GError *error = NULL;
      int fd = shm_open (shm, O_CREAT | O_RDWR, 0600);
      g_assert_cmpint (ftruncate (fd, atoi (sizes[i])), ==, 0);
      close (fd);
      rb_test_assert_refused (rb_ring_open (name, RB_RING_ROLE_CONSUMER,
          &error), &error, RB_RING_ERROR_NOT_A_RING, "segment too small");
      g_assert_true (rb_ring_unlink (name, NULL));
    }
  }
  /* a file truncated after creation */
  {
    g_autofree gchar *name = rb_test_unique_name ("rbtest");
    g_autofree gchar *path = path_of (name);
    GError *error = NULL;
    RbRing *ring = create_or_die (name, 8192, 0, RB_RING_ROLE_PRODUCER);
    g_object_unref (ring);
    g_assert_cmpint (truncate (path, (off_t) (page + 4096)), ==, 0);
    rb_test_assert_refused (rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error),
        &error, RB_RING_ERROR_CORRUPT, "header/size mismatch");
    g_assert_true (rb_ring_unlink (name, NULL));
  }
}

/* After attach, what a peer writes into the header can at most make the
 * ring return nothing: never an access out of bounds (ASan watches). */
static void
test_corrupt_at_runtime (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) prod = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  g_autoptr (RbRing) cons = rb_test_ring_open (nr->name, RB_RING_ROLE_CONSUMER);
  struct rb_shm_header *hdr;
  guint8 buf[8192];
  gsize n;
  int fd = open (nr->path, O_RDWR);

  hdr = mmap (NULL, sizeof *hdr, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  g_assert_true (hdr != MAP_FAILED);
  close (fd);

  g_assert_cmpuint (rb_ring_write (prod, buf, 100), ==, 100);
  /* capacity rewritten after attach: no effect, it was copied at attach */
  hdr->capacity = G_GUINT64_CONSTANT (1) << 40;
  g_assert_cmpuint (rb_ring_get_capacity (cons), ==, 4096);
  g_assert_cmpuint (rb_ring_read (cons, buf, 50), ==, 50);

  /* a write position far ahead: the consumer reads nothing */
  atomic_store (&hdr->write_pos, G_GUINT64_CONSTANT (1) << 40);
  g_assert_cmpuint (rb_ring_read (cons, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (rb_ring_read_available (cons), ==, 0);
  g_assert_null (rb_ring_read_acquire (cons, &n) == NULL ? NULL : NULL);
  g_assert_cmpuint (n, ==, 0);
  /* behind the read position: nothing either */
  atomic_store (&hdr->write_pos, 10);
  g_assert_cmpuint (rb_ring_read (cons, buf, sizeof buf), ==, 0);
  /* a read position past the write position: the producer writes nothing */
  atomic_store (&hdr->write_pos, 100);
  atomic_store (&hdr->read_pos, 5000);
  g_assert_cmpuint (rb_ring_write (prod, buf, 4096), ==, 0);
  g_assert_cmpuint (rb_ring_write_available (prod), ==, 0);

  munmap (hdr, sizeof *hdr);
}

/* --- waiting ----------------------------------------------------------------------------- */

struct delayed {
  RbRing *ring;
  guint delay_ms;
  int action;                   /* 0 write, 1 interrupt, 2 eos, 3 read */
};

static gpointer
delayed_action (gpointer data)
{
  struct delayed *d = data;
  guint8 buf[4096] = { 0 };

  g_usleep (d->delay_ms * 1000);
  switch (d->action) {
    case 0:
      rb_ring_write (d->ring, buf, 10);
      break;
    case 1:
      rb_ring_interrupt (d->ring);
      break;
    case 2:
      rb_ring_write (d->ring, buf, 5);
      rb_ring_set_end_of_stream (d->ring);
      break;
    case 3:
      rb_ring_read (d->ring, buf, 100);
      break;
  }
  return NULL;
}

static void
test_wait_basic (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  struct delayed d = { ring, 30, 0 };
  guint8 buf[4096] = { 0 };
  GThread *t;

  g_assert_no_error (error);
  /* nothing there, nobody writes */
  g_assert_cmpint (rb_ring_wait_readable (ring, 1, 0), ==, RB_WAIT_TIMEOUT);
  g_assert_cmpint (rb_ring_wait_readable (ring, 1, 20000), ==, RB_WAIT_TIMEOUT);
  g_assert_cmpint (rb_ring_wait_writable (ring, 4096, 0), ==, RB_WAIT_READY);

  /* woken by a write */
  t = g_thread_new ("writer", delayed_action, &d);
  g_assert_cmpint (rb_ring_wait_readable (ring, 10, -1), ==, RB_WAIT_READY);
  g_thread_join (t);
  g_assert_cmpuint (rb_ring_read_available (ring), ==, 10);
  rb_ring_skip (ring, 10);

  /* woken by an interrupt, which sticks until cleared */
  d.action = 1;
  t = g_thread_new ("interrupter", delayed_action, &d);
  g_assert_cmpint (rb_ring_wait_readable (ring, 1, -1), ==, RB_WAIT_INTERRUPTED);
  g_thread_join (t);
  g_assert_cmpint (rb_ring_wait_readable (ring, 1, -1), ==, RB_WAIT_INTERRUPTED);
  /* a condition that holds already wins over the interrupt */
  g_assert_cmpint (rb_ring_wait_writable (ring, 1, -1), ==, RB_WAIT_READY);
  rb_ring_clear_interrupt (ring);
  g_assert_cmpint (rb_ring_wait_readable (ring, 1, 0), ==, RB_WAIT_TIMEOUT);

  /* end of stream with less than asked for */
  d.action = 2;
  t = g_thread_new ("eos", delayed_action, &d);
  g_assert_cmpint (rb_ring_wait_readable (ring, 10, -1), ==,
      RB_WAIT_END_OF_STREAM);
  g_thread_join (t);
  g_assert_cmpuint (rb_ring_read_available (ring), ==, 5);
  g_assert_cmpint (rb_ring_wait_readable (ring, 5, -1), ==, RB_WAIT_READY);
  rb_ring_reset (ring);

  /* space: woken by a read */
  g_assert_cmpuint (rb_ring_write (ring, buf, 4096), ==, 4096);
  g_assert_cmpint (rb_ring_wait_writable (ring, 1, 0), ==, RB_WAIT_TIMEOUT);
  d.action = 3;
  t = g_thread_new ("reader", delayed_action, &d);
  g_assert_cmpint (rb_ring_wait_writable (ring, 100, -1), ==, RB_WAIT_READY);
  g_thread_join (t);

  /* an absolute position */
  {
    guint64 w = rb_ring_get_write_position (ring);
    g_assert_cmpint (rb_ring_wait_position (ring, w, 0), ==, RB_WAIT_READY);
    g_assert_cmpint (rb_ring_wait_position (ring, w + 1, 0), ==,
        RB_WAIT_TIMEOUT);
  }
}

/* Two threads bounce a token through two rings with blocking waits only.
 * Every wait must end by a wake-up: a wait slice that expires with the
 * token already there is a lost wake-up (rb-wait.c). */
struct pingpong {
  RbRing *ping, *pong;
  guint rounds;
  gboolean ok;
};

static gpointer
pong_thread (gpointer data)
{
  struct pingpong *p = data;
  guint64 v;

  p->ok = TRUE;
  for (guint i = 0; i < p->rounds; i++) {
    if (rb_ring_wait_readable (p->ping, 8, 10 * G_USEC_PER_SEC) != RB_WAIT_READY
        || rb_ring_read (p->ping, (guint8 *) &v, 8) != 8 || v != i) {
      p->ok = FALSE;
      break;
    }
    v = i + 1;
    rb_ring_write (p->pong, (guint8 *) &v, 8);
  }
  return NULL;
}

/* @data: the spin before a sleep, in ns. With 0 every wait that finds
 * nothing sleeps: the barrier and futex path, 20,000 times each way. */
static void
test_wait_no_lost_wakeups (gconstpointer data)
{
  struct pingpong p = { rb_ring_new (4096, NULL), rb_ring_new (4096, NULL),
    20000, FALSE };
  guint64 late_before = atomic_load (&rb_wait_late_wakeups);
  int64_t spin_before = rb_wait_spin_ns;
  guint64 late;
  GThread *t;

  rb_wait_spin_ns = GPOINTER_TO_INT (data);
  t = g_thread_new ("pong", pong_thread, &p);

  for (guint64 i = 0; i < p.rounds; i++) {
    guint64 v = i;
    g_assert_cmpuint (rb_ring_write (p.ping, (guint8 *) &v, 8), ==, 8);
    g_assert_cmpint (rb_ring_wait_readable (p.pong, 8, 10 * G_USEC_PER_SEC),
        ==, RB_WAIT_READY);
    g_assert_cmpuint (rb_ring_read (p.pong, (guint8 *) &v, 8), ==, 8);
    g_assert_cmpuint (v, ==, i + 1);
  }
  g_thread_join (t);
  g_assert_true (p.ok);
  late = atomic_load (&rb_wait_late_wakeups) - late_before;
  g_test_message ("%" G_GUINT64_FORMAT " slices ran out with the data there",
      late);
#ifdef HAVE_VALGRIND_H
  /* valgrind runs one thread at a time, in long slices: a producer held
   * off for 20 ms between its publish and its wake makes a late slice
   * without any wake-up being lost. Memcheck is what that run is for. */
  if (RUNNING_ON_VALGRIND)
    late = 0;
#endif
  g_assert_cmpuint (late, ==, 0);
  rb_wait_spin_ns = spin_before;
  g_object_unref (p.ping);
  g_object_unref (p.pong);
}

static gboolean
child_produce_then_hang (gpointer name)
{
  RbRing *ring = rb_ring_open (name, RB_RING_ROLE_PRODUCER, NULL);
  guint8 buf[1000];

  if (ring == NULL)
    return FALSE;
  memset (buf, 0x5a, sizeof buf);
  rb_ring_write (ring, buf, sizeof buf);
  pause ();
  return TRUE;
}

static void
test_wait_peer_gone (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) cons = create_or_die (nr->name, 65536, 0,
      RB_RING_ROLE_CONSUMER);
  guint8 buf[1000];
  pid_t child;

  /* no producer yet: a wait waits */
  g_assert_cmpint (rb_ring_get_peer_state (cons), ==, RB_PEER_STATE_NONE);
  g_assert_cmpint (rb_ring_wait_readable (cons, 1, 10000), ==, RB_WAIT_TIMEOUT);

  child = spawn (child_produce_then_hang, nr->name);
  g_assert_cmpint (rb_ring_wait_readable (cons, 1000, 10 * G_USEC_PER_SEC), ==,
      RB_WAIT_READY);
  g_assert_cmpuint (rb_ring_read (cons, buf, sizeof buf), ==, 1000);

  /* the producer dies in the middle of our wait */
  kill (child, SIGKILL);
  g_assert_cmpint (rb_ring_wait_readable (cons, 1, 10 * G_USEC_PER_SEC), ==,
      RB_WAIT_PEER_GONE);
  reap (child);
  g_assert_cmpint (rb_ring_get_peer_state (cons), ==, RB_PEER_STATE_GONE);
  /* reported once: now we wait for a new producer */
  g_assert_cmpint (rb_ring_wait_readable (cons, 1, 30000), ==, RB_WAIT_TIMEOUT);

  child = spawn (child_produce_then_hang, nr->name);
  g_assert_cmpint (rb_ring_wait_readable (cons, 1000, 10 * G_USEC_PER_SEC), ==,
      RB_WAIT_READY);
  g_assert_cmpint (rb_ring_get_peer_state (cons), ==, RB_PEER_STATE_ALIVE);
  kill (child, SIGKILL);
  reap (child);
}


/* --- hostile peers and planted files (issue #11) ------------------------------------ */

/* Maps the header of the ring named @name, read-write, as a hostile peer
 * with write access would. */
static struct rb_shm_header *
map_header (const gchar *name)
{
  g_autofree gchar *path = path_of (name);
  struct rb_shm_header *hdr;
  int fd = open (path, O_RDWR | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  hdr = mmap (NULL, sizeof *hdr, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  g_assert_true (hdr != MAP_FAILED);
  close (fd);
  return hdr;
}

/* Item 4: whoever has a ring open counts as its user, whatever its owner
 * words say (a reader claims no role): reclaim leaves the ring alone. */
static void
test_reclaim_open_reader (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) reader = NULL;
  struct stat st;

  ring_of_dead_child (nr->name, RB_RING_FLAGS_OVERWRITE);
  reader = rb_test_ring_open (nr->name, RB_RING_ROLE_READER);
  /* every owner word is dead, but a live process has the ring open */
  rb_test_assert_failed (rb_ring_reclaim_stale (nr->name, &error), &error,
      RB_RING_ERROR_BUSY, "has it open");
  rb_test_assert_refused (rb_ring_create (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER, 0, &error), &error, RB_RING_ERROR_EXISTS,
      "still open in a live process");
  g_assert_cmpint (stat (nr->path, &st), ==, 0);
  /* let go: now it is stale */
  g_clear_object (&reader);
  g_assert_true (rb_ring_reclaim_stale (nr->name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (nr->path, &st), ==, -1);
}

/* Item 7: an owner word whose pid cannot be a process (0xffffffff is -1 as
 * a pid_t, and kill (-1, 0) succeeds) counts as dead, so a peer cannot make
 * a role busy for ever or a ring unreclaimable with it. */
static void
test_hostile_bogus_owner (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) prod = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  g_autoptr (RbRing) cons = NULL;
  struct rb_shm_header *hdr = map_header (nr->name);
  const guint64 bogus[] = {
    G_GUINT64_CONSTANT (0xffffffffffffffff),    /* pid -1 */
    G_GUINT64_CONSTANT (0x0000000080000000),    /* pid INT32_MIN */
    G_GUINT64_CONSTANT (0x000000007fffffff),    /* above any pid_max */
    G_GUINT64_CONSTANT (0x0000000000400001),    /* above PID_MAX_LIMIT */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bogus); i++) {
    atomic_store (&hdr->consumer_owner, bogus[i]);
    cons = rb_test_ring_open (nr->name, RB_RING_ROLE_CONSUMER);
    g_assert_nonnull (cons);
    g_clear_object (&cons);
    g_assert_false (rb_owner_alive (bogus[i]));
  }
  /* a real live process still counts */
  g_assert_true (rb_owner_alive (rb_owner_self ()));
  munmap (hdr, sizeof *hdr);
}

/* rb_ring_get_creator_state(): the ring's creator, alive or dead, as
 * ringsink needs to know whether a ring it took over is now its own. */
static void
test_creator_state (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) mine = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  g_autoptr (RbRing) theirs = NULL;
  struct rb_shm_header *hdr;

  /* a ring we made, seen through our object and through another one */
  g_assert_cmpint (rb_ring_get_creator_state (mine), ==, RB_PEER_STATE_ALIVE);
  theirs = rb_test_ring_open (nr->name, RB_RING_ROLE_CONSUMER);
  g_assert_cmpint (rb_ring_get_creator_state (theirs), ==,
      RB_PEER_STATE_ALIVE);
  g_clear_object (&theirs);
  g_clear_object (&mine);
  g_assert_true (rb_ring_unlink (nr->name, NULL));

  /* a ring whose creator was killed */
  ring_of_dead_child (nr->name, 0);
  theirs = rb_test_ring_open (nr->name, RB_RING_ROLE_PRODUCER);
  g_assert_cmpint (rb_ring_get_creator_state (theirs), ==,
      RB_PEER_STATE_GONE);

  /* a bogus creator word is no live creator */
  hdr = map_header (nr->name);
  atomic_store (&hdr->creator_owner, G_GUINT64_CONSTANT (0xffffffffffffffff));
  g_assert_cmpint (rb_ring_get_creator_state (theirs), ==,
      RB_PEER_STATE_GONE);
  munmap (hdr, sizeof *hdr);
  g_clear_object (&theirs);
}

/* Item 8: garbage at the clock fields is not a clock point. */
static void
test_hostile_clock_point (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autoptr (RbRing) prod = create_or_die (nr->name, 4096, 0,
      RB_RING_ROLE_PRODUCER);
  struct rb_shm_header *hdr = map_header (nr->name);
  gint64 now = g_get_monotonic_time () * 1000, t;
  guint64 p, f;
  guint8 buf[100] = { 0 };
  struct { guint64 position; gint64 ns; } bad[] = {
    { 0, G_MININT64 },                          /* the value */
    { 0, 0 },
    { 0, -1 },
    { 0, G_GINT64_CONSTANT (4611688114) * 1000000000 },  /* 146 years ahead */
    { 0, G_MAXINT64 },
    { 0, 0 },                                   /* replaced by now + 1 h */
    { 100 + 4096 + 1, 0 },                      /* replaced by now; past write + capacity */
    { G_MAXUINT64, 0 },
  };

  g_assert_cmpuint (rb_ring_write (prod, buf, 100), ==, 100);
  bad[5].ns = now + G_GINT64_CONSTANT (3600) * 1000000000;
  bad[6].ns = now;
  bad[7].ns = now;
  /* sanity: a plausible point written by the peer is believed */
  atomic_store (&hdr->clock_position, 100);
  atomic_store (&hdr->clock_time_ns, now);
  atomic_store (&hdr->clock_frames, 7);
  atomic_store (&hdr->clock_seq, 2);
  g_assert_true (rb_ring_get_clock_point (prod, &p, &t, &f));
  g_assert_cmpuint (p, ==, 100);
  g_assert_cmpint (t, ==, now);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    atomic_store (&hdr->clock_position, bad[i].position);
    atomic_store (&hdr->clock_time_ns, bad[i].ns);
    atomic_store (&hdr->clock_seq, 4 + 2 * i);
    g_test_message ("point %u: position %" G_GUINT64_FORMAT ", %" G_GINT64_FORMAT
        " ns", i, bad[i].position, bad[i].ns);
    g_assert_false (rb_ring_get_clock_point (prod, &p, &t, &f));
  }
  /* an odd sequence is a point being written: not believed either */
  atomic_store (&hdr->clock_position, 50);
  atomic_store (&hdr->clock_time_ns, now);
  atomic_store (&hdr->clock_seq, 101);
  g_assert_false (rb_ring_get_clock_point (prod, &p, &t, &f));
  /* the producer's own next point is believed again, even after a peer
   * left the sequence odd: the producer starts from the even value below */
  rb_ring_set_clock_point (prod, 100, now, 9);
  g_assert_true (rb_ring_get_clock_point (prod, &p, &t, &f));
  g_assert_cmpuint (f, ==, 9);
  atomic_store (&hdr->clock_seq, 200);
  rb_ring_set_clock_point (prod, 100, now, 10);
  g_assert_true (rb_ring_get_clock_point (prod, &p, &t, &f));
  g_assert_cmpuint (f, ==, 10);
  munmap (hdr, sizeof *hdr);
}

/* Runs @fn in a child and fails if it does not end with status 0 within
 * @seconds (a child blocked opening a FIFO ignores SIGTERM: SIGKILL it). */
static void
run_bounded (gboolean (*fn) (gpointer), gpointer data, guint seconds)
{
  pid_t pid = spawn (fn, data);
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  int status;

  for (;;) {
    pid_t got = waitpid (pid, &status, WNOHANG);

    g_assert_cmpint (got, >=, 0);
    if (got == pid)
      break;
    if (g_get_monotonic_time () > end) {
      kill (pid, SIGKILL);
      reap (pid);
      g_error ("child %d still blocked after %u s: killed", (int) pid, seconds);
    }
    g_usleep (10000);
  }
  if (WIFSIGNALED (status))
    g_error ("child died of signal %d", WTERMSIG (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static gboolean
child_meet_planted (gpointer data)
{
  const gchar *name = data;
  GError *error = NULL;
  RbRing *ring;

  ring = rb_ring_create (name, 4096, 0, RB_RING_ROLE_PRODUCER, 0, &error);
  g_assert_null (ring);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS);
  g_assert_null (strstr (error->message, "reclaim"));
  g_clear_error (&error);
  rb_test_assert_failed (rb_ring_reclaim_stale (name, &error), &error,
      RB_RING_ERROR_NOT_A_RING, NULL);
  rb_test_assert_refused (rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error),
      &error, RB_RING_ERROR_NOT_A_RING, NULL);
  return TRUE;
}

/* Item 18: a FIFO or a symbolic link planted at a ring's name (anyone can
 * write /dev/shm) hangs nothing and is never followed. */
static void
test_hostile_planted (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  g_autofree gchar *target_name = rb_test_unique_name ("rbtest");
  g_autofree gchar *target = path_of (target_name);
  g_autoptr (RbRing) other = NULL;

  g_assert_cmpint (mkfifo (nr->path, 0666), ==, 0);
  g_assert_cmpint (chmod (nr->path, 0666), ==, 0);
  run_bounded (child_meet_planted, nr->name, 5);
  g_assert_true (rb_ring_unlink (nr->name, NULL));

  /* a symbolic link to a real, stale-looking ring: not followed */
  other = create_or_die (target_name, 4096, 0, RB_RING_ROLE_PRODUCER);
  g_assert_cmpint (symlink (target, nr->path), ==, 0);
  run_bounded (child_meet_planted, nr->name, 5);
  g_assert_true (rb_ring_unlink (nr->name, NULL));
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
  g_assert_true (rb_ring_unlink (target_name, NULL));
}

static gboolean
child_foreign_stale (gpointer data)
{
  const gchar *name = data;
  GError *error = NULL;
  RbRing *ring;

  /* become somebody else */
  if (setgroups (0, NULL) < 0 || setresgid (65534, 65534, 65534) < 0 ||
      setresuid (65534, 65534, 65534) < 0)
    return FALSE;
  ring = rb_ring_create (name, 4096, 0, RB_RING_ROLE_PRODUCER, 0, &error);
  g_assert_null (ring);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS);
  g_test_message ("create: %s", error->message);
  /* no hint that cannot work: only its owner can remove it */
  g_assert_null (strstr (error->message, "removes it"));
  g_assert_nonnull (strstr (error->message, "uid 0"));
  g_clear_error (&error);
  g_assert_false (rb_ring_reclaim_stale (name, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION);
  g_test_message ("reclaim: %s", error->message);
  g_assert_nonnull (strstr (error->message, "uid 0"));
  g_clear_error (&error);
  return TRUE;
}

/* Item 28: a stale ring of another user: the create error's hint must be
 * true, and reclaim says why it cannot. Only root can make one. */
static void
test_hostile_foreign_stale (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  GError *error = NULL;

  /* scripts/test and CI run as root; elsewhere this fails with its reason
   * rather than skipping, so a run that cannot check item 28 says so */
  if (geteuid () != 0) {
    g_test_message ("only root can make a ring of another user: run the "
        "suite as root (scripts/test does)");
    g_test_fail ();
    return;
  }
  ring_of_dead_child (nr->name, 0);
  /* readable by the other user, as a shared ring is */
  g_assert_cmpint (chmod (nr->path, 0644), ==, 0);
  run_bounded (child_foreign_stale, nr->name, 10);
  /* its owner can */
  g_assert_true (rb_ring_reclaim_stale (nr->name, &error));
  g_assert_no_error (error);
}

static gboolean
child_truncated (gpointer data)
{
  const gchar *name = data;
  g_autofree gchar *path = path_of (name);
  g_autofree gchar *name2 = g_strconcat (name, "-b", NULL);
  g_autofree gchar *path2 = path_of (name2);
  g_autoptr (GError) error = NULL;
  RbRing *prod = create_or_die (name, 65536, 0, RB_RING_ROLE_PRODUCER);
  RbRing *cons = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  RbRing *prod2 = create_or_die (name2, 65536, 0, RB_RING_ROLE_PRODUCER);
  guint8 buf[100] = { 0 };
  int fd = open (path, O_RDWR | O_CLOEXEC);
  int fd2 = open (path2, O_RDWR | O_CLOEXEC);

  g_assert_no_error (error);
  g_assert_nonnull (prod2);
  g_assert_cmpuint (rb_ring_write (prod, buf, 10), ==, 10);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fd2, >=, 0);
  /* a peer with write access cuts the file to nothing: the waits notice
   * before they touch the header */
  g_assert_cmpint (ftruncate (fd, 0), ==, 0);
  g_test_expect_message ("ringbridge", G_LOG_LEVEL_WARNING, "*truncated*");
  g_assert_cmpint (rb_ring_wait_readable (cons, 100, 100000), ==,
      RB_WAIT_PEER_GONE);
  g_test_assert_expected_messages ();
  /* the dead ring is empty from now on, and safe to call */
  g_assert_cmpuint (rb_ring_read (cons, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (rb_ring_read_available (cons), ==, 0);
  g_assert_cmpint (rb_ring_wait_readable (cons, 100, 100000), ==,
      RB_WAIT_PEER_GONE);
  rb_test_assert_refused (rb_ring_open (name, RB_RING_ROLE_READER, &error),
      &error, RB_RING_ERROR_NOT_A_RING, NULL);

  /* the peer getters look before they read the owner words */
  {
    g_autofree gchar *name3 = g_strconcat (name, "-c", NULL);
    g_autofree gchar *path3 = path_of (name3);
    RbRing *prod3 = create_or_die (name3, 4096, 0, RB_RING_ROLE_PRODUCER);
    int fd3 = open (path3, O_RDWR | O_CLOEXEC);

    g_assert_cmpint (fd3, >=, 0);
    g_assert_cmpint (ftruncate (fd3, 0), ==, 0);
    g_test_expect_message ("ringbridge", G_LOG_LEVEL_WARNING, "*truncated*");
    g_assert_cmpint (rb_ring_get_peer_state (prod3), ==, RB_PEER_STATE_GONE);
    g_test_assert_expected_messages ();
    g_assert_cmpuint (rb_ring_get_peer_pid (prod3), ==, 0);
    g_assert_cmpuint (rb_ring_write (prod3, buf, 10), ==, 10);
    rb_ring_close (prod3);
    g_assert_true (rb_ring_unlink (name3, NULL));
    close (fd3);
  }

  /* cut to its header page: attach says so */
  g_assert_cmpint (ftruncate (fd2, 4096), ==, 0);
  g_assert_null (rb_ring_open (name2, RB_RING_ROLE_CONSUMER, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  g_test_message ("open: %s", error->message);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);
  g_assert_true (rb_ring_unlink (name2, NULL));
  close (fd);
  close (fd2);
  return TRUE;
}

/* Item 10: a named ring's file cannot be sealed; truncating it makes the
 * waits and attach fail clearly instead of killing us with SIGBUS. */
static void
test_hostile_truncated (NamedRing *nr, G_GNUC_UNUSED gconstpointer user_data)
{
  run_bounded (child_truncated, nr->name, 10);
}

static const RbTestCase cases[] = {
  { "/shared/names", test_names },
  RB_TEST_FIXTURE_CASE ("/shared/create-open", named_ring, test_create_open),
  RB_TEST_FIXTURE_CASE ("/shared/create/exists", named_ring,
      test_create_exists),
  RB_TEST_FIXTURE_CASE ("/shared/reclaim-stale", named_ring,
      test_reclaim_stale),
  RB_TEST_FIXTURE_CASE ("/shared/roles/busy-and-takeover", named_ring,
      test_roles_busy_and_takeover),
  RB_TEST_FIXTURE_CASE ("/shared/roles/resume", named_ring, test_roles_resume),
  RB_TEST_FIXTURE_CASE ("/shared/permissions", named_ring, test_permissions),
  RB_TEST_FIXTURE_CASE ("/shared/close", named_ring, test_close),
  { "/shared/fd/passing", test_fd_passing },
  { "/shared/fd/not-sealed", test_fd_not_sealed },
  { "/shared/corrupt/headers", test_corrupt_headers },
  RB_TEST_FIXTURE_CASE ("/shared/corrupt/at-runtime", named_ring,
      test_corrupt_at_runtime),
  { "/shared/wait/basic", test_wait_basic },
  { "/shared/wait/no-lost-wakeups", NULL, test_wait_no_lost_wakeups,
    GINT_TO_POINTER (0) },
  { "/shared/wait/no-lost-wakeups/spinning", NULL, test_wait_no_lost_wakeups,
    GINT_TO_POINTER (20000) },
  RB_TEST_FIXTURE_CASE ("/shared/wait/peer-gone", named_ring,
      test_wait_peer_gone),
  RB_TEST_FIXTURE_CASE ("/shared/reclaim-stale/open-reader", named_ring,
      test_reclaim_open_reader),
  RB_TEST_FIXTURE_CASE ("/shared/creator-state", named_ring,
      test_creator_state),
  RB_TEST_FIXTURE_CASE ("/shared/hostile/bogus-owner", named_ring,
      test_hostile_bogus_owner),
  RB_TEST_FIXTURE_CASE ("/shared/hostile/clock-point", named_ring,
      test_hostile_clock_point),
  RB_TEST_FIXTURE_CASE ("/shared/hostile/planted", named_ring,
      test_hostile_planted),
  RB_TEST_FIXTURE_CASE ("/shared/hostile/foreign-stale", named_ring,
      test_hostile_foreign_stale),
  RB_TEST_FIXTURE_CASE ("/shared/hostile/truncated", named_ring,
      test_hostile_truncated),
};

RB_TEST_MAIN (cases)
