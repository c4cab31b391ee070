/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Rings between real processes (tests/README.md, R2 and R7).
 *
 * /process/stream/...: a producer process and a consumer process stream a
 * deterministic byte sequence through a named ring (one creates it, the
 * other opens it, in every order of start) and through an anonymous ring
 * whose fd is inherited or passed over SCM_RIGHTS. Random chunk sizes of
 * 1..2*capacity, blocking waits on both sides, a 64-bit hash on each side,
 * end of stream at the end.
 *
 * /process/kill/...: producers SIGKILLed at a random moment and replaced,
 * consumers SIGKILLed while the producer waits on a full ring and replaced,
 * a SIGSTOPped producer that must not be taken for dead, a stale ring
 * left by a killed creator, and a dead peer that must stay dead while its
 * zombie is reaped.
 *
 * The stream is a pure function of the absolute position (stream_fill()),
 * so any process can check any byte it receives, and a producer that takes
 * over from a dead one continues the very same stream from the ring's
 * write position.
 *
 * Children come from fork() and report to the test process over pipes
 * (one Msg per write, shorter than PIPE_BUF, so writes are atomic). They die
 * with it (PR_SET_PDEATHSIG), and a janitor process removes this run's ring
 * files when the test process goes, however it goes: an assertion aborts,
 * and abort() runs no teardown.
 *
 * Sizes come from the environment (tests/process/meson.build chooses them
 * per build): XPROC_STREAM_BYTES for the named streams together,
 * XPROC_FD_BYTES for the fd stream, XPROC_STOP_BYTES for the stopped
 * producer's stream, XPROC_KILLS for the kill iterations. No assertion is
 * about speed: rates and detection latencies are printed, and the only
 * time limits are 10-30 s waits that a working ring never comes near. */

#include <ringbridge/ringbridge.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/rb-test-fd.h"

#define SHM_DIR "/dev/shm"
#define FILE_PREFIX "ringbridge-"

/* A wait of a live, working peer never takes this long: a wait that does
 * has lost a wake-up (stream) or missed a death (kill tests). */
#define STREAM_WAIT_US (30 * G_USEC_PER_SEC)
#define KILL_WAIT_US (10 * G_USEC_PER_SEC)
/* How long the test process waits for a child's next report. */
#define REPORT_TIMEOUT_MS (20 * 1000)
#define STREAM_TIMEOUT_MS (600 * 1000)

/* --- the stream and its hash ---------------------------------------------- */

static inline guint64
stream_word (guint64 seed, guint64 index)
{
  /* splitmix64 of the word index: every 8-byte word of the stream differs */
  guint64 z = (index + seed) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint8
stream_byte (guint64 seed, guint64 pos)
{
  return (guint8) (stream_word (seed, pos >> 3) >> (8 * (pos & 7)));
}

/* The bytes at absolute positions [pos, pos + n) of stream @seed. */
static void
stream_fill (guint64 seed, guint8 *buf, guint64 pos, gsize n)
{
  for (; n > 0 && (pos & 7) != 0; n--, pos++)
    *buf++ = stream_byte (seed, pos);
  for (; n >= 8; n -= 8, pos += 8, buf += 8) {
    guint64 w = GUINT64_TO_LE (stream_word (seed, pos >> 3));
    memcpy (buf, &w, 8);
  }
  for (; n > 0; n--, pos++)
    *buf++ = stream_byte (seed, pos);
}

/* Whether @buf holds the stream's bytes at [pos, pos + n); if not, *bad is
 * the position of the first wrong byte. */
static gboolean
stream_check (guint64 seed, const guint8 *buf, guint64 pos, gsize n,
    guint64 *bad)
{
  guint8 expect[4096];

  while (n > 0) {
    gsize m = MIN (n, sizeof expect);

    stream_fill (seed, expect, pos, m);
    if (memcmp (buf, expect, m) != 0) {
      gsize i = 0;
      while (buf[i] == expect[i])
        i++;
      *bad = pos + i;
      return FALSE;
    }
    buf += m;
    pos += m;
    n -= m;
  }
  return TRUE;
}

/* A 64-bit hash of a byte sequence that does not depend on how the
 * sequence is cut into chunks: bytes are gathered into little-endian words
 * by their offset. Each step is a bijection of the state for a given word,
 * so a sequence that differs in one word always hashes differently. */
typedef struct {
  guint64 h;
  guint64 len;
  guint64 partial;
} StreamHash;

static inline guint64
hash_step (guint64 h, guint64 w)
{
  h = (h ^ w) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return h ^ (h >> 32);
}

static void
hash_init (StreamHash *s)
{
  s->h = G_GUINT64_CONSTANT (0x6a09e667f3bcc909);
  s->len = 0;
  s->partial = 0;
}

static void
hash_update (StreamHash *s, const guint8 *p, gsize n)
{
  for (; n > 0 && (s->len & 7) != 0; n--) {
    s->partial |= (guint64) *p++ << (8 * (s->len & 7));
    if ((++s->len & 7) == 0) {
      s->h = hash_step (s->h, s->partial);
      s->partial = 0;
    }
  }
  for (; n >= 8; n -= 8, p += 8, s->len += 8) {
    guint64 w;
    memcpy (&w, p, 8);
    s->h = hash_step (s->h, GUINT64_FROM_LE (w));
  }
  for (; n > 0; n--, s->len++)
    s->partial |= (guint64) *p++ << (8 * (s->len & 7));
}

static guint64
hash_final (const StreamHash *s)
{
  guint64 h = hash_step (hash_step (s->h, s->partial), s->len);

  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  return h ^ (h >> 33);
}

/* --- reports from children ------------------------------------------------ */

typedef enum {
  MSG_NONE,
  MSG_WAITING,     /* an opener found no ring yet and waits for it */
  MSG_READY,       /* attached; pos = write (producer) or read position */
  MSG_GONE,        /* a wait returned PEER_GONE at t; pos after draining */
  MSG_FULL,        /* a consumer stopped at pos and the ring is full */
  MSG_DONE,        /* finished: the figures below */
  MSG_FAIL,        /* text says why */
} MsgKind;

static const gchar *msg_names[] = {
  "none", "waiting", "ready", "gone", "full", "done", "fail",
};

typedef struct {
  guint32 kind;
  guint32 pid;
  guint64 pos;
  guint64 start;
  guint64 bytes;
  guint64 hash;
  guint64 short_ops;    /* writes (reads) that came up short */
  guint64 counter;      /* the ring's overruns (underruns) at the end */
  guint64 open_retries; /* rb_ring_open() calls before the ring was there */
  guint64 half_made;    /* ... of which found it half created */
  gint64 t;
  gint64 t_first;
  gint64 t_last;
  gchar text[240];
} Msg;

G_STATIC_ASSERT (sizeof (Msg) <= PIPE_BUF);

static const gchar *
wait_name (RbWaitResult r)
{
  switch (r) {
    case RB_WAIT_READY:
      return "READY";
    case RB_WAIT_TIMEOUT:
      return "TIMEOUT";
    case RB_WAIT_INTERRUPTED:
      return "INTERRUPTED";
    case RB_WAIT_END_OF_STREAM:
      return "END_OF_STREAM";
    case RB_WAIT_PEER_GONE:
      return "PEER_GONE";
    default:
      return "?";
  }
}

/* --- children ------------------------------------------------------------- */

static pid_t test_pid;
static int janitor_fd = -1;
static gchar *name_prefix;
static guint name_counter;

/* In a child: where it reports, and what it is (for messages). */
static int child_report = -1;
static const gchar *child_what = "test";
static gint64 child_wait_us = KILL_WAIT_US;

static void
child_send (Msg *m)
{
  ssize_t res;

  m->pid = (guint32) getpid ();
  do
    res = write (child_report, m, sizeof *m);
  while (res < 0 && errno == EINTR);
}

static void child_fail (const gchar *format, ...) G_GNUC_PRINTF (1, 2)
    G_GNUC_NORETURN;

/* A child's failure: say so on stderr and to the test process, then exit.
 * (g_assert() would print "Bail out!" into the test's TAP stream.) */
static void
child_fail (const gchar *format, ...)
{
  Msg m = { .kind = MSG_FAIL };
  va_list args;

  va_start (args, format);
  g_vsnprintf (m.text, sizeof m.text, format, args);
  va_end (args);
  g_printerr ("%s (pid %d): %s\n", child_what, (int) getpid (), m.text);
  child_send (&m);
  _exit (1);
}

#define CHILD_CHECK(cond, ...) \
  G_STMT_START { \
    if (G_UNLIKELY (!(cond))) \
      child_fail (__VA_ARGS__); \
  } G_STMT_END

typedef int (*ChildFunc) (gpointer data);

/* Forks a child that runs @fn, reporting to @report, and dies with the
 * test process. Call it from the main thread only: PR_SET_PDEATHSIG fires
 * when the forking thread ends. */
static pid_t
spawn_child (const gchar *what, int report, ChildFunc fn, gpointer data)
{
  pid_t pid;

  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0) {
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    /* the test process may have died before the line above */
    if (getppid () != test_pid)
      _exit (1);
    close (janitor_fd);
    child_report = report;
    child_what = what;
    _exit (fn (data));
  }
  return pid;
}

static void
make_pipe (int fds[2])
{
  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
}

/* make_pipe() and spawn_child() for a child that reports on the pipe:
 * the read end goes to *@report_fd. */
static pid_t
spawn_reporting (const gchar *what, ChildFunc fn, gpointer data,
    int *report_fd)
{
  int fds[2];
  pid_t pid;

  make_pipe (fds);
  pid = spawn_child (what, fds[1], fn, data);
  close (fds[1]);
  *report_fd = fds[0];
  return pid;
}

/* Reads the next report of a child into @m; MSG_NONE if the child closed
 * its pipe (died) or said nothing within @timeout_ms. */
static void
read_msg (int fd, int timeout_ms, Msg *m)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  gsize got = 0;

  memset (m, 0, sizeof *m);
  while (got < sizeof *m) {
    ssize_t n;
    int res = poll (&p, 1, timeout_ms);

    if (res < 0 && errno == EINTR)
      continue;
    if (res <= 0)
      break;
    n = read (fd, (char *) m + got, sizeof *m - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (gsize) n;
  }
  if (got < sizeof *m)
    memset (m, 0, sizeof *m);
}

static void
check_kind (const Msg *m, MsgKind kind, const gchar *who)
{
  if (m->kind != kind)
    g_test_message ("%s: expected '%s', got '%s'%s%s", who, msg_names[kind],
        m->kind < G_N_ELEMENTS (msg_names) ? msg_names[m->kind] : "?",
        m->kind == MSG_NONE ? " (child died, or silent for too long)" : ": ",
        m->text);
  g_assert_cmpstr (msg_names[m->kind], ==, msg_names[kind]);
}

/* The next report of the child behind @fd, which must be of @kind. */
static void
expect_msg (int fd, MsgKind kind, int timeout_ms, const gchar *who, Msg *m)
{
  read_msg (fd, timeout_ms, m);
  check_kind (m, kind, who);
}

/* spawn_reporting() of @what, which must then report READY (into @ready). */
static pid_t
spawn_ready (const gchar *what, ChildFunc fn, gpointer data, int *report_fd,
    Msg *ready)
{
  pid_t pid = spawn_reporting (what, fn, data, report_fd);

  expect_msg (*report_fd, MSG_READY, REPORT_TIMEOUT_MS, what, ready);
  return pid;
}

/* The next report that is not READY or WAITING, which must be of @kind. */
static void
expect_final (int fd, MsgKind kind, int timeout_ms, const gchar *who, Msg *m)
{
  do
    read_msg (fd, timeout_ms, m);
  while (m->kind == MSG_READY || m->kind == MSG_WAITING);
  check_kind (m, kind, who);
}

/* Waits for @pid to end (at most @timeout_ms; then kills it and fails) and
 * returns its wait status. */
static int
reap (pid_t pid, int timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int status;

  for (;;) {
    pid_t res = waitpid (pid, &status, WNOHANG);

    if (res == pid)
      return status;
    g_assert_cmpint (res, ==, 0);
    if (g_get_monotonic_time () > deadline) {
      g_test_message ("child %d did not end: killing it", (int) pid);
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      g_assert_not_reached ();
    }
    g_usleep (1000);
  }
}

static void
reap_ok (pid_t pid, int timeout_ms, const gchar *who)
{
  int status = reap (pid, timeout_ms);

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_test_message ("%s (pid %d) ended with status 0x%x", who, (int) pid,
        status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
reap_killed (pid_t pid, const gchar *who)
{
  int status = reap (pid, REPORT_TIMEOUT_MS);

  if (!WIFSIGNALED (status) || WTERMSIG (status) != SIGKILL)
    g_test_message ("%s (pid %d) was not killed by us: status 0x%x", who,
        (int) pid, status);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
}

/* SIGKILLs @pid (@who) now and returns when: the child is reaped at once
 * on even rounds @i, left a zombie in *@zombie (reaped later) on odd
 * ones, so both kinds of death are seen by the peer. */
static gint64
kill_child (pid_t pid, const gchar *who, guint i, pid_t *zombie)
{
  gint64 t_kill = g_get_monotonic_time ();

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  if (i % 2 == 0)
    reap_killed (pid, who);
  else
    *zombie = pid;
  return t_kill;
}

/* --- names and leftovers -------------------------------------------------- */

static gchar *
new_name (void)
{
  return g_strdup_printf ("%s%u", name_prefix, ++name_counter);
}

/* Counts (and with @remove, removes) this run's ring files. */
static guint
leftovers (gboolean remove, GString *names)
{
  g_autofree gchar *start = g_strconcat (FILE_PREFIX, name_prefix, NULL);
  DIR *dir = opendir (SHM_DIR);
  struct dirent *e;
  guint n = 0;

  if (dir == NULL)
    return 0;
  while ((e = readdir (dir)) != NULL) {
    if (!g_str_has_prefix (e->d_name, start))
      continue;
    n++;
    if (names != NULL)
      g_string_append_printf (names, " %s", e->d_name);
    if (remove) {
      g_autofree gchar *path = g_build_filename (SHM_DIR, e->d_name, NULL);
      unlink (path);
    }
  }
  closedir (dir);
  return n;
}

/* A process that outlives the test process by a moment and removes the
 * ring files it left, whether it exited, aborted on a failed assertion or
 * was killed. It has its own session, so a kill of the test's process
 * group spares it. */
static void
start_janitor (void)
{
  int fds[2];
  pid_t pid;

  make_pipe (fds);
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0) {
    g_autoptr (GString) names = g_string_new (NULL);
    int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
    char c;
    guint n;

    close (fds[1]);
    setsid ();
    if (null >= 0) {
      dup2 (null, STDIN_FILENO);
      dup2 (null, STDOUT_FILENO);
    }
    /* EOF once the test process (and every child, which all close their
     * copy of the write end) is gone */
    while (read (fds[0], &c, 1) < 0 && errno == EINTR)
      ;
    n = leftovers (TRUE, names);
    if (n > 0)
      g_printerr ("test-xproc janitor: removed %u ring file(s) left by "
          "pid %d:%s\n", n, (int) test_pid, names->str);
    _exit (0);
  }
  close (fds[0]);
  janitor_fd = fds[1];
}

/* --- attaching ------------------------------------------------------------ */



/* How a child gets its ring. */
typedef struct {
  RbRingRole role;
  const gchar *name;    /* a named ring, or NULL */
  gboolean create;      /* create @name rather than open it */
  gsize capacity;       /* for create */
  int fd;               /* an inherited ring fd, or -1 */
  int sock;             /* receive the ring fd here (SCM_RIGHTS), or -1 */
} Attach;

/* Opens a named ring, waiting for it to appear: a ring that is not there,
 * or is still being created (its magic is written last), is tried again
 * every millisecond. Reports MSG_WAITING the first time it is missing. */
static RbRing *
open_when_there (const gchar *name, RbRingRole role, Msg *stats)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;) {
    g_autoptr (GError) error = NULL;
    RbRing *ring = rb_ring_open (name, role, &error);

    if (ring != NULL)
      return ring;
    if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND) &&
        !g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING))
      child_fail ("cannot open ring '%s': %s", name, error->message);
    if (stats->open_retries++ == 0) {
      Msg m = { .kind = MSG_WAITING };
      child_send (&m);
    }
    if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING))
      stats->half_made++;
    CHILD_CHECK (g_get_monotonic_time () < deadline,
        "ring '%s' did not appear within 20 s: %s", name, error->message);
    g_usleep (1000);
  }
}

static RbRing *
child_attach (const Attach *a, Msg *stats)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring;

  if (a->sock >= 0) {
    int fd = rb_test_recv_fd (a->sock);

    CHILD_CHECK (fd >= 0, "no ring fd came over the socket");
    ring = rb_ring_new_from_fd (fd, a->role, &error);
    close (fd);
  } else if (a->fd >= 0) {
    ring = rb_ring_new_from_fd (a->fd, a->role, &error);
  } else if (a->create) {
    ring = rb_ring_create (a->name, a->capacity, RB_RING_FLAGS_NONE, a->role,
        0600, &error);
  } else {
    return open_when_there (a->name, a->role, stats);
  }
  CHILD_CHECK (ring != NULL, "cannot attach: %s", error->message);
  return ring;
}

/* --- the two sides -------------------------------------------------------- */

typedef struct {
  guint64 seed;         /* the stream */
  guint32 rand_seed;    /* chunk and wait sizes */
  guint64 end;          /* produce up to this position; G_MAXUINT64: until
                         * killed */
  guint gone_limit;     /* peers that may go (each reported as MSG_GONE) */
  guint64 final_bytes;  /* producer: after the last allowed PEER_GONE,
                         * this much more, then end of stream */
  guint64 stop_after;   /* consumer: after this many bytes stop reading,
                         * wait for a full ring, report MSG_FULL and sleep
                         * until killed; G_MAXUINT64: read to the end */
  gboolean check_counters;  /* the ring's overrun/underrun counter counts
                             * exactly our short writes/reads */
  gboolean top_up;      /* producer: wait for 1 free byte, not 1..cap/2, so
                         * that a consumer that stops reading finds the ring
                         * filled completely (stop_after) */
} Work;

static gsize
rand_size (GRand *rand, gsize max)
{
  return (gsize) g_rand_int_range (rand, 1, (gint32) max + 1);
}

/* The end of a child's stream at @pos, into @done: when, where, how much,
 * its hash, and the ring's @counter of short calls (@what: overruns or
 * underruns), checked against the @ops (writes or reads) that came up
 * short when the work asks for it. */
static void
stream_done (Msg *done, const Work *w, guint64 pos, const StreamHash *hash,
    guint64 counter, const char *what, const char *ops)
{
  done->t_last = g_get_monotonic_time ();
  done->pos = pos;
  done->bytes = pos - done->start;
  done->hash = hash_final (hash);
  done->counter = counter;
  if (w->check_counters)
    CHILD_CHECK (done->counter == done->short_ops, "%" G_GUINT64_FORMAT
        " %s counted, but %" G_GUINT64_FORMAT " %s came up short",
        done->counter, what, done->short_ops, ops);
}

/* Writes the stream from the ring's write position on, in chunks of
 * 1..2*capacity. A write that comes up short has just filled the ring: the
 * producer then blocks until 1..capacity/2 bytes are free (1 with
 * top_up). So while it sleeps more than half the ring is full, and the
 * consumer, whose waits are for at most half the ring, never waits for it
 * at the same time; a consumer that waits for a full ring has a producer
 * that tops it up. Fills in @done. */
static void
produce (RbRing *ring, const Work *w, Msg *done)
{
  gsize cap = rb_ring_get_capacity (ring);
  g_autoptr (GRand) rand = g_rand_new_with_seed (w->rand_seed);
  g_autofree guint8 *buf = g_malloc (2 * cap);
  guint64 pos = rb_ring_get_write_position (ring);
  guint64 end = w->end;
  guint gone = 0;
  StreamHash hash;

  hash_init (&hash);
  done->start = pos;
  done->t_first = g_get_monotonic_time ();
  while (pos < end) {
    /* (MIN() evaluates its arguments twice: draw the sizes first) */
    gsize chunk = rand_size (rand, 2 * cap), off = 0, promised = 0;

    chunk = (gsize) MIN ((guint64) chunk, end - pos);
    stream_fill (w->seed, buf, pos, chunk);
    hash_update (&hash, buf, chunk);
    for (;;) {
      gsize n = rb_ring_write (ring, buf + off, chunk - off), need;
      RbWaitResult r;

      CHILD_CHECK (n >= promised, "wait_writable (%zu) was READY, then the "
          "write took only %zu bytes", promised, n);
      promised = 0;
      off += n;
      if (off == chunk)
        break;

      done->short_ops++;
      need = w->top_up ? 1 : rand_size (rand, cap / 2);
      need = MIN (need, chunk - off);
      r = rb_ring_wait_writable (ring, need, child_wait_us);
      if (r == RB_WAIT_PEER_GONE && gone < w->gone_limit) {
        Msg m = { .kind = MSG_GONE, .t = g_get_monotonic_time () };
        RbPeerState state = rb_ring_get_peer_state (ring);

        m.pos = rb_ring_get_write_position (ring);
        CHILD_CHECK (state == RB_PEER_STATE_GONE, "PEER_GONE, but then the "
            "peer state is %d", (int) state);
        child_send (&m);
        if (++gone == w->gone_limit)
          end = pos + chunk + w->final_bytes;
        continue;
      }
      CHILD_CHECK (r == RB_WAIT_READY, "wait_writable (%zu) at position %"
          G_GUINT64_FORMAT " returned %s", need, pos + off, wait_name (r));
      promised = need;
    }
    pos += chunk;
  }
  CHILD_CHECK (rb_ring_get_write_position (ring) == pos,
      "write position %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
      rb_ring_get_write_position (ring), pos);
  rb_ring_set_end_of_stream (ring);
  stream_done (done, w, pos, &hash, rb_ring_get_overruns (ring), "overruns",
      "writes");
}

/* Reads what the ring holds (the producer has finished or died) and checks
 * it; returns the number of bytes. */
static guint64
drain (RbRing *ring, const Work *w, guint8 *buf, gsize size, guint64 *pos,
    StreamHash *hash, Msg *done)
{
  guint64 total = 0, bad;
  gsize n;

  do {
    n = rb_ring_read (ring, buf, size);
    if (n < size)
      done->short_ops++;
    CHILD_CHECK (stream_check (w->seed, buf, *pos, n, &bad), "wrong byte "
        "at position %" G_GUINT64_FORMAT " (after the producer ended)", bad);
    hash_update (hash, buf, n);
    *pos += n;
    total += n;
  } while (n > 0);
  return total;
}

/* Reads the stream from the ring's read position on, in reads of
 * 1..2*capacity after blocking waits for 1..capacity/2 bytes, checking
 * every byte against the stream. Fills in @done at the end of the stream. */
static void
consume (RbRing *ring, const Work *w, Msg *done)
{
  gsize cap = rb_ring_get_capacity (ring);
  g_autoptr (GRand) rand = g_rand_new_with_seed (w->rand_seed);
  g_autofree guint8 *buf = g_malloc (2 * cap);
  guint64 pos = rb_ring_get_read_position (ring), bad;
  guint gone = 0;
  StreamHash hash;

  hash_init (&hash);
  done->start = pos;
  for (;;) {
    gsize need = rand_size (rand, cap / 2);
    RbWaitResult r;

    if (pos - done->start >= w->stop_after) {
      Msg m = { .kind = MSG_FULL };

      /* stop, and let the producer fill the ring and block */
      r = rb_ring_wait_readable (ring, cap, child_wait_us);
      CHILD_CHECK (r == RB_WAIT_READY, "waiting for a full ring: %s",
          wait_name (r));
      CHILD_CHECK (rb_ring_read_available (ring) == cap, "the ring is not "
          "full: %zu bytes", rb_ring_read_available (ring));
      m.pos = pos;
      child_send (&m);
      for (;;)
        pause ();
    }

    r = rb_ring_wait_readable (ring, need, child_wait_us);
    if (r == RB_WAIT_READY) {
      gsize ask = rand_size (rand, 2 * cap), n;

      if (done->t_first == 0)
        done->t_first = g_get_monotonic_time ();
      n = rb_ring_read (ring, buf, ask);
      if (n < ask)
        done->short_ops++;
      CHILD_CHECK (n >= MIN (need, ask), "wait_readable (%zu) was READY, "
          "then a read of %zu got only %zu bytes", need, ask, n);
      CHILD_CHECK (stream_check (w->seed, buf, pos, n, &bad), "wrong byte at "
          "position %" G_GUINT64_FORMAT ": 0x%02x, expected 0x%02x", bad,
          buf[bad - pos], stream_byte (w->seed, bad));
      hash_update (&hash, buf, n);
      pos += n;
    } else if (r == RB_WAIT_PEER_GONE && gone < w->gone_limit) {
      Msg m = { .kind = MSG_GONE, .t = g_get_monotonic_time () };
      RbPeerState state = rb_ring_get_peer_state (ring);

      CHILD_CHECK (state == RB_PEER_STATE_GONE, "PEER_GONE, but then the "
          "peer state is %d", (int) state);
      /* what the dead producer committed is still there */
      drain (ring, w, buf, 2 * cap, &pos, &hash, done);
      CHILD_CHECK (rb_ring_get_write_position (ring) == pos, "drained to %"
          G_GUINT64_FORMAT ", but the write position is %" G_GUINT64_FORMAT,
          pos, rb_ring_get_write_position (ring));
      m.pos = pos;
      child_send (&m);
      gone++;
    } else if (r == RB_WAIT_END_OF_STREAM) {
      guint64 left = drain (ring, w, buf, 2 * cap, &pos, &hash, done);

      CHILD_CHECK (left < need, "END_OF_STREAM for %zu bytes with %"
          G_GUINT64_FORMAT " left", need, left);
      CHILD_CHECK (rb_ring_is_end_of_stream (ring), "drained, but "
          "rb_ring_is_end_of_stream() is FALSE");
      r = rb_ring_wait_readable (ring, 1, 0);
      CHILD_CHECK (r == RB_WAIT_END_OF_STREAM, "after the last byte a wait "
          "returned %s", wait_name (r));
      break;
    } else {
      child_fail ("wait_readable (%zu) at position %" G_GUINT64_FORMAT
          " returned %s", need, pos, wait_name (r));
    }
  }
  stream_done (done, w, pos, &hash, rb_ring_get_underruns (ring),
      "underruns", "reads");
}

typedef struct {
  Attach attach;
  Work work;
  /* a consumer that creates the ring first checks that nothing is there */
  gboolean check_empty;
} Side;

static int
child_side (gpointer data)
{
  const Side *s = data;
  Msg done = { .kind = MSG_DONE };
  Msg ready = { .kind = MSG_READY };
  RbRing *ring = child_attach (&s->attach, &done);

  if (s->attach.role == RB_RING_ROLE_PRODUCER) {
    ready.pos = rb_ring_get_write_position (ring);
    child_send (&ready);
    produce (ring, &s->work, &done);
  } else {
    ready.pos = rb_ring_get_read_position (ring);
    if (s->check_empty) {
      RbWaitResult r = rb_ring_wait_readable (ring, 1, 0);
      CHILD_CHECK (r == RB_WAIT_TIMEOUT, "a new ring is readable: %s",
          wait_name (r));
    }
    child_send (&ready);
    consume (ring, &s->work, &done);
  }
  g_object_unref (ring);
  child_send (&done);
  return 0;
}

/* --- configuration -------------------------------------------------------- */

static guint64
env_size (const gchar *var, guint64 fallback)
{
  const gchar *v = g_getenv (var);
  gchar *end = NULL;
  guint64 n;

  if (v == NULL || *v == '\0')
    return fallback;
  n = g_ascii_strtoull (v, &end, 10);
  switch (*end) {
    case 'G':
      n <<= 10;
      /* fall through */
    case 'M':
      n <<= 10;
      /* fall through */
    case 'K':
      n <<= 10;
      end++;
      break;
    default:
      break;
  }
  if (*end != '\0')
    g_error ("%s=%s: not a size", var, v);
  return n;
}

/* GTest seeds each test case's g_test_rand_int() alike: @salt tells the
 * cases' streams apart. */
static guint64
stream_seed (guint64 salt)
{
  guint64 r = (guint64) g_test_rand_int () << 32 | (guint32) g_test_rand_int ();

  return stream_word (r, salt);
}

static double
mib_per_s (guint64 bytes, gint64 us)
{
  return us > 0 ? (double) bytes / (1 << 20) / ((double) us / 1e6) : 0.0;
}

/* --- /process/stream ------------------------------------------------------ */

typedef enum {
  ORDER_OPENER_FIRST,   /* the opener starts and waits for the ring */
  ORDER_CREATOR_FIRST,  /* the creator starts and waits for its peer */
} StartOrder;

typedef struct {
  gsize capacity;
  RbRingRole creator;   /* PRODUCER or CONSUMER; BOTH: an anonymous ring
                         * made by the test process and passed as an fd */
  StartOrder order;
  guint eighths;        /* share of XPROC_STREAM_BYTES (or all of
                         * XPROC_FD_BYTES for the fd ring) */
} StreamCase;

static void
run_stream (const StreamCase *c, guint64 bytes)
{
  g_autofree gchar *name = NULL;
  g_autoptr (RbRing) anon = NULL;
  Side prod = { 0 }, cons = { 0 };
  Side *first, *second;
  int pp[2], cp[2], sv[2] = { -1, -1 };
  int *first_pipe, *second_pipe;
  pid_t pids[2];
  Msg pm, cm, m;
  guint64 seed = stream_seed (c->capacity + c->creator);

  child_wait_us = STREAM_WAIT_US;
  prod.attach.role = RB_RING_ROLE_PRODUCER;
  cons.attach.role = RB_RING_ROLE_CONSUMER;
  prod.attach.fd = cons.attach.fd = -1;
  prod.attach.sock = cons.attach.sock = -1;
  prod.work.seed = cons.work.seed = seed;
  prod.work.rand_seed = g_test_rand_int ();
  cons.work.rand_seed = g_test_rand_int ();
  prod.work.end = bytes;
  prod.work.stop_after = cons.work.stop_after = G_MAXUINT64;
  prod.work.check_counters = cons.work.check_counters = TRUE;

  if (c->creator == RB_RING_ROLE_BOTH) {
    g_autoptr (GError) error = NULL;

    anon = rb_ring_new (c->capacity, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rb_ring_get_capacity (anon), ==, c->capacity);
    /* the producer inherits the fd, the consumer gets it over a socket */
    prod.attach.fd = rb_ring_get_fd (anon);
    g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
        ==, 0);
    cons.attach.sock = sv[1];
    first = &cons;
  } else {
    name = new_name ();
    prod.attach.name = cons.attach.name = name;
    prod.attach.capacity = cons.attach.capacity = c->capacity;
    prod.attach.create = c->creator == RB_RING_ROLE_PRODUCER;
    cons.attach.create = c->creator == RB_RING_ROLE_CONSUMER;
    cons.check_empty = cons.attach.create;
    if (c->order == ORDER_CREATOR_FIRST)
      first = prod.attach.create ? &prod : &cons;
    else
      first = prod.attach.create ? &cons : &prod;
  }
  second = first == &prod ? &cons : &prod;
  first_pipe = first == &prod ? pp : cp;
  second_pipe = first == &prod ? cp : pp;

  make_pipe (first_pipe);
  pids[0] = spawn_child (first == &prod ? "producer" : "consumer",
      first_pipe[1], child_side, first);
  close (first_pipe[1]);
  if (anon == NULL) {
    /* an opener says when it found nothing; a creator when it created */
    expect_msg (first_pipe[0], first->attach.create ? MSG_READY : MSG_WAITING,
        REPORT_TIMEOUT_MS, "first side", &m);
    g_usleep (g_test_rand_int_range (0, 20000));
  }
  make_pipe (second_pipe);
  pids[1] = spawn_child (second == &prod ? "producer" : "consumer",
      second_pipe[1], child_side, second);
  close (second_pipe[1]);
  if (anon != NULL)
    rb_test_send_fd (sv[0], rb_ring_get_fd (anon));

  /* both reports before judging either: when one side fails, the other
   * fails too (PEER_GONE), and the first failure is the one to read */
  do
    read_msg (pp[0], STREAM_TIMEOUT_MS, &pm);
  while (pm.kind == MSG_READY || pm.kind == MSG_WAITING);
  do
    read_msg (cp[0], STREAM_TIMEOUT_MS, &cm);
  while (cm.kind == MSG_READY || cm.kind == MSG_WAITING);
  if (pm.kind == MSG_FAIL && cm.kind == MSG_FAIL)
    g_test_message ("consumer: %s", cm.text);
  check_kind (&pm, MSG_DONE, "producer");
  check_kind (&cm, MSG_DONE, "consumer");
  close (pp[0]);
  close (cp[0]);
  /* both have exited or are about to */
  reap_ok (pids[0], REPORT_TIMEOUT_MS,
      first == &prod ? "producer" : "consumer");
  reap_ok (pids[1], REPORT_TIMEOUT_MS,
      first == &prod ? "consumer" : "producer");
  if (sv[0] >= 0) {
    close (sv[0]);
    close (sv[1]);
  }

  if (anon != NULL)
    g_test_message ("anonymous ring, %zu KiB, fd inherited by the producer, "
        "passed to the consumer over SCM_RIGHTS", c->capacity >> 10);
  else
    g_test_message ("named ring, %zu KiB, %s the %s, which started first; "
        "the opener found no ring %" G_GUINT64_FORMAT " times, then it "
        "appeared (%" G_GUINT64_FORMAT " of those half created)",
        c->capacity >> 10, first->attach.create ? "created by" : "opened by",
        first == &prod ? "producer" : "consumer",
        pm.open_retries + cm.open_retries, pm.half_made + cm.half_made);
  g_test_message ("%" G_GUINT64_FORMAT " bytes at %.0f MiB/s; %"
      G_GUINT64_FORMAT " short writes (= overruns), %" G_GUINT64_FORMAT
      " short reads (= underruns), hash %016" G_GINT64_MODIFIER "x on both "
      "sides", cm.bytes, mib_per_s (cm.bytes, cm.t_last - cm.t_first),
      pm.short_ops, cm.short_ops, cm.hash);

  g_assert_cmpuint (pm.start, ==, 0);
  g_assert_cmpuint (cm.start, ==, 0);
  g_assert_cmpuint (pm.bytes, ==, bytes);
  g_assert_cmpuint (cm.bytes, ==, pm.bytes);
  g_assert_cmphex (cm.hash, ==, pm.hash);
  g_assert_cmpuint (pm.counter, ==, pm.short_ops);
  g_assert_cmpuint (cm.counter, ==, cm.short_ops);
  if (anon == NULL) {
    /* an opener that started first did wait for the ring */
    if (c->order == ORDER_OPENER_FIRST)
      g_assert_cmpuint (pm.open_retries + cm.open_retries, >, 0);
    g_assert_true (rb_ring_unlink (name, NULL));
  } else {
    /* both roles were taken over from us */
    g_assert_cmpint (rb_ring_get_peer_state (anon), ==, RB_PEER_STATE_GONE);
    g_assert_cmpuint (rb_ring_get_write_position (anon), ==, bytes);
    g_assert_cmpuint (rb_ring_get_read_position (anon), ==, bytes);
  }
}

static void
test_stream (gconstpointer data)
{
  const StreamCase *c = data;
  guint64 total = c->creator == RB_RING_ROLE_BOTH ?
      env_size ("XPROC_FD_BYTES", G_GUINT64_CONSTANT (1) << 30) :
      env_size ("XPROC_STREAM_BYTES", G_GUINT64_CONSTANT (4) << 30);
  guint64 bytes = c->creator == RB_RING_ROLE_BOTH ? total :
      total / 8 * c->eighths;

  run_stream (c, bytes);
}

/* The named cases share XPROC_STREAM_BYTES in eighths; between them they
 * start in each of the four orders (who creates, who starts). */
static const StreamCase stream_named_4k_a = {
  4096, RB_RING_ROLE_PRODUCER, ORDER_OPENER_FIRST, 1
};
static const StreamCase stream_named_4k_b = {
  4096, RB_RING_ROLE_CONSUMER, ORDER_OPENER_FIRST, 1
};
static const StreamCase stream_named_64k = {
  65536, RB_RING_ROLE_CONSUMER, ORDER_CREATOR_FIRST, 3
};
static const StreamCase stream_named_1m = {
  1 << 20, RB_RING_ROLE_PRODUCER, ORDER_CREATOR_FIRST, 3
};
static const StreamCase stream_fd_64k = {
  65536, RB_RING_ROLE_BOTH, ORDER_CREATOR_FIRST, 8
};

/* --- /process/kill -------------------------------------------------------- */

static int
cmp_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
print_latencies (const gchar *what, gint64 *us, guint n)
{
  qsort (us, n, sizeof *us, cmp_gint64);
  g_test_message ("%s: %u kills, detection latency min %.2f ms, median "
      "%.2f ms, max %.2f ms", what, n, us[0] / 1e3, us[n / 2] / 1e3,
      us[n - 1] / 1e3);
}

/* A kill test's @side: @role on @name (made, of @cap bytes, if @create),
 * working on the stream of @seed. */
static void
side_attach (Side *side, RbRingRole role, const gchar *name, gboolean create,
    gsize cap, guint64 seed)
{
  side->attach = (Attach) { role, name, create, cap, -1, -1 };
  side->work.seed = seed;
}

static guint
kill_iterations (void)
{
  return (guint) env_size ("XPROC_KILLS", 50);
}

/* The next @who of a kill test (@side), spawned: it reports READY at
 * @expected; the one it took over from, if left a zombie, is reaped now. */
static pid_t
spawn_successor (const gchar *who, Side *side, guint64 expected,
    pid_t *zombie, int *fd)
{
  Msg m;
  pid_t pid = spawn_ready (who, child_side, side, fd, &m);

  g_assert_cmpuint (m.pos, ==, expected);
  if (*zombie != 0)
    reap_killed (*zombie, who);
  *zombie = 0;
  return pid;
}

/* @who (@pid) ends its work: its last report is MSG_DONE (into @final),
 * then it exits 0. */
static void
finish_child (int fd, pid_t pid, const gchar *who, Msg *final)
{
  expect_final (fd, MSG_DONE, REPORT_TIMEOUT_MS, who, final);
  close (fd);
  reap_ok (pid, REPORT_TIMEOUT_MS, who);
}

/* What the two SIGKILL tests share: @n kills, the ring's name, the two
 * sides and the stream they check, the position the next side continues
 * from, the zombie a kill leaves and each kill's latency. */
typedef struct {
  guint n;
  gchar *name;
  gint64 *latency;
  Side cons, prod;
  guint64 expected, seed;
  pid_t zombie;
} KillRun;

/* A run of kill_iterations() kills over a new name and stream @stream. */
static void
kill_run_init (KillRun *k, guint stream)
{
  *k = (KillRun) { 0 };
  k->n = kill_iterations ();
  k->name = new_name ();
  k->latency = g_new (gint64, k->n);
  k->seed = stream_seed (stream);
  child_wait_us = KILL_WAIT_US;
}

/* Both last sides' reports (@pm, @cm) end at the same position; the name
 * is removed and the latencies printed as @what. */
static void
kill_run_finish (KillRun *k, const Msg *pm, const Msg *cm, const gchar *what)
{
  g_assert_cmpuint (cm->pos, ==, pm->pos);
  g_assert_true (rb_ring_unlink (k->name, NULL));
  print_latencies (what, k->latency, k->n);
  g_free (k->latency);
  g_free (k->name);
}

/* R7: producers SIGKILLed 1..300 ms into their stream. The consumer gets
 * PEER_GONE (not TIMEOUT), holds an exact prefix of the stream, and the
 * next producer continues from the write position where its predecessor
 * stopped; the consumer checks every byte by position, so nothing is lost,
 * duplicated or made up across the handovers. */
static void
test_kill_producer (void)
{
  KillRun k;
  pid_t cpid;
  int cons_fd;
  Msg m, pm = { 0 }, cm;

  kill_run_init (&k, 1);
  side_attach (&k.cons, RB_RING_ROLE_CONSUMER, k.name, TRUE, 65536,
      k.seed);
  k.cons.work.rand_seed = g_test_rand_int ();
  k.cons.work.gone_limit = k.n;
  k.cons.work.stop_after = G_MAXUINT64;
  cpid = spawn_ready ("consumer", child_side, &k.cons, &cons_fd, &m);

  side_attach (&k.prod, RB_RING_ROLE_PRODUCER, k.name, FALSE, 0, k.seed);
  k.prod.work.end = G_MAXUINT64;
  for (guint i = 0; i <= k.n; i++) {
    int prod_fd;
    pid_t pid;
    gint64 t_kill;

    k.prod.work.rand_seed = g_test_rand_int ();
    if (i == k.n)
      k.prod.work.end = k.expected + (8 << 20);
    /* it takes over from a dead producer (a zombie, every other time) and
     * continues where that one stopped */
    pid = spawn_successor ("producer", &k.prod, k.expected, &k.zombie,
        &prod_fd);
    if (i == k.n) {
      finish_child (prod_fd, pid, "producer", &pm);
      break;
    }

    g_usleep (g_test_rand_int_range (1000, 300001));
    t_kill = kill_child (pid, "producer", i, &k.zombie);

    expect_msg (cons_fd, MSG_GONE, REPORT_TIMEOUT_MS, "consumer", &m);
    /* never before the kill: a live producer is not dead */
    g_assert_cmpint (m.t, >=, t_kill);
    g_assert_cmpuint (m.pos, >=, k.expected);
    k.latency[i] = m.t - t_kill;
    k.expected = m.pos;
    /* the dead producer said nothing more */
    read_msg (prod_fd, 0, &m);
    g_assert_cmpint (m.kind, ==, MSG_NONE);
    close (prod_fd);
  }

  finish_child (cons_fd, cpid, "consumer", &cm);
  g_assert_cmpuint (pm.start, ==, k.expected);
  g_assert_cmpuint (cm.start, ==, 0);
  g_test_message ("%u producers killed, then one finished: the consumer "
      "checked %" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT " from the "
      "killed ones)", k.n, cm.pos, k.expected);
  kill_run_finish (&k, &pm, &cm, "producer SIGKILL -> consumer PEER_GONE");
}

/* R7: the consumer SIGKILLed while the producer waits on a full ring. The
 * producer gets PEER_GONE; a new consumer takes over at the dead one's
 * read position and carries on: every byte is read exactly once. */
static void
test_kill_consumer (void)
{
  gsize cap = 16384;
  KillRun k;
  pid_t ppid;
  int prod_fd;
  Msg m, pm, cm = { 0 };

  kill_run_init (&k, 2);
  side_attach (&k.prod, RB_RING_ROLE_PRODUCER, k.name, TRUE, cap, k.seed);
  k.prod.work.rand_seed = g_test_rand_int ();
  k.prod.work.end = G_MAXUINT64;
  k.prod.work.gone_limit = k.n;
  k.prod.work.final_bytes = 4 << 20;
  k.prod.work.top_up = TRUE;
  ppid = spawn_ready ("producer", child_side, &k.prod, &prod_fd, &m);

  side_attach (&k.cons, RB_RING_ROLE_CONSUMER, k.name, FALSE, 0, k.seed);
  for (guint i = 0; i <= k.n; i++) {
    int cons_fd;
    pid_t pid;
    gint64 t_kill;

    k.cons.work.rand_seed = g_test_rand_int ();
    k.cons.work.stop_after = i == k.n ? G_MAXUINT64 :
        (guint64) g_test_rand_int_range (0, 4 * cap + 1);
    pid = spawn_successor ("consumer", &k.cons, k.expected, &k.zombie,
        &cons_fd);
    if (i == k.n) {
      finish_child (cons_fd, pid, "consumer", &cm);
      break;
    }

    expect_msg (cons_fd, MSG_FULL, REPORT_TIMEOUT_MS, "consumer", &m);
    g_assert_cmpuint (m.pos, >=, k.expected + k.cons.work.stop_after);
    k.expected = m.pos;
    /* the producer cannot move: let it settle in its wait */
    g_usleep (g_test_rand_int_range (1000, 50001));
    t_kill = kill_child (pid, "consumer", i, &k.zombie);
    close (cons_fd);

    expect_msg (prod_fd, MSG_GONE, REPORT_TIMEOUT_MS, "producer", &m);
    g_assert_cmpint (m.t, >=, t_kill);
    /* it was blocked on the full ring: nothing more went in */
    g_assert_cmpuint (m.pos, ==, k.expected + cap);
    k.latency[i] = m.t - t_kill;
  }

  finish_child (prod_fd, ppid, "producer", &pm);
  g_assert_cmpuint (pm.start, ==, 0);
  g_assert_cmpuint (cm.start, ==, k.expected);
  g_test_message ("%u consumers killed, then one finished: %" G_GUINT64_FORMAT
      " bytes, each read once", k.n, pm.pos);
  kill_run_finish (&k, &pm, &cm,
      "consumer SIGKILL -> blocked producer PEER_GONE");
}

/* Reads and checks everything the ring holds now; returns the count. */
static gsize
read_all_now (RbRing *ring, guint64 seed, guint8 *buf, gsize size,
    guint64 *pos)
{
  gsize total = 0, n;
  guint64 bad = 0;

  while ((n = rb_ring_read (ring, buf, size)) > 0) {
    if (!stream_check (seed, buf, *pos, n, &bad))
      g_test_message ("wrong byte at position %" G_GUINT64_FORMAT, bad);
    g_assert_cmpuint (bad, ==, 0);
    *pos += n;
    total += n;
  }
  return total;
}

/* R7: a stopped producer is hung, not dead: the consumer's waits time out,
 * never report PEER_GONE, and the peer stays ALIVE; after SIGCONT the
 * stream completes. This process is the consumer. */
static void
test_stop_producer (void)
{
  g_autofree gchar *name = new_name ();
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  g_autofree guint8 *buf = NULL;
  guint64 total = env_size ("XPROC_STOP_BYTES", 64 << 20);
  guint64 pos = 0, seed = stream_seed (3), stopped_at, drained = 0;
  guint timeouts = 0, waits = 0;
  Side prod = { 0 };
  gint64 t0;
  pid_t pid;
  int pp[2], status;
  gsize cap;
  Msg m;

  ring = rb_ring_create (name, 65536, RB_RING_FLAGS_NONE,
      RB_RING_ROLE_CONSUMER, 0600, &error);
  g_assert_no_error (error);
  cap = rb_ring_get_capacity (ring);
  buf = g_malloc (cap);

  child_wait_us = KILL_WAIT_US;
  side_attach (&prod, RB_RING_ROLE_PRODUCER, name, FALSE, 0, seed);
  prod.work.rand_seed = g_test_rand_int ();
  prod.work.end = total;
  pid = spawn_ready ("producer", child_side, &prod, &pp[0], &m);

  while (pos < total / 8) {
    g_assert_cmpstr (wait_name (rb_ring_wait_readable (ring, cap / 2,
                KILL_WAIT_US)), ==, "READY");
    read_all_now (ring, seed, buf, cap, &pos);
  }

  /* stop it with the ring full: what it committed stays readable */
  g_assert_cmpstr (wait_name (rb_ring_wait_readable (ring, cap,
              KILL_WAIT_US)), ==, "READY");
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, WUNTRACED), ==, pid);
  g_assert_true (WIFSTOPPED (status));
  stopped_at = pos;
  t0 = g_get_monotonic_time ();
  while (g_get_monotonic_time () - t0 < 2 * G_USEC_PER_SEC) {
    RbWaitResult r = rb_ring_wait_readable (ring, 1, 50000);

    waits++;
    g_assert_cmpint (rb_ring_get_peer_state (ring), ==, RB_PEER_STATE_ALIVE);
    g_assert_cmpuint (rb_ring_get_peer_pid (ring), ==, (guint) pid);
    if (r == RB_WAIT_TIMEOUT) {
      timeouts++;
      continue;
    }
    g_assert_cmpstr (wait_name (r), ==, "READY");
    /* only what was there before it stopped, which the first read takes */
    g_assert_cmpuint (timeouts, ==, 0);
    drained += read_all_now (ring, seed, buf, cap, &pos);
  }
  /* we read the full ring, and it wrote nothing while stopped */
  g_assert_cmpuint (timeouts, >, 0);
  g_assert_cmpuint (drained, ==, cap);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, pos);

  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, WCONTINUED), ==, pid);
  g_assert_true (WIFCONTINUED (status));
  for (;;) {
    RbWaitResult r = rb_ring_wait_readable (ring, cap / 2, KILL_WAIT_US);

    if (r == RB_WAIT_END_OF_STREAM) {
      read_all_now (ring, seed, buf, cap, &pos);
      break;
    }
    g_assert_cmpstr (wait_name (r), ==, "READY");
    read_all_now (ring, seed, buf, cap, &pos);
  }
  g_assert_cmpuint (pos, ==, total);
  expect_final (pp[0], MSG_DONE, REPORT_TIMEOUT_MS, "producer", &m);
  g_assert_cmpuint (m.pos, ==, total);
  close (pp[0]);
  reap_ok (pid, REPORT_TIMEOUT_MS, "producer");
  g_assert_true (rb_ring_unlink (name, NULL));

  g_test_message ("producer stopped for 2 s at %" G_GUINT64_FORMAT " bytes: "
      "%u waits of 50 ms, %u timed out, none PEER_GONE, peer ALIVE "
      "throughout; %" G_GUINT64_FORMAT " bytes drained while stopped; "
      "stream of %" G_GUINT64_FORMAT " bytes complete after SIGCONT",
      stopped_at, waits, timeouts, drained, total);
}

static int
child_hold (gpointer data)
{
  const Attach *a = data;
  Msg m = { .kind = MSG_READY };
  RbRing *ring = child_attach (a, &m);

  child_send (&m);
  /* hold the role until killed, as a crashed process does */
  for (;;)
    pause ();
  g_object_unref (ring);
  return 0;
}

/* Waits until @pid has died, without reaping it: it stays a zombie. */
static void
wait_dead (pid_t pid)
{
  siginfo_t info = { 0 };

  g_assert_cmpint (waitid (P_PID, pid, &info, WEXITED | WNOWAIT), ==, 0);
  g_assert_cmpint (info.si_pid, ==, pid);
}

/* R7 and d.1: a named ring whose creator was SIGKILLed. Creating it again
 * fails and says who is dead and who is alive; it is reclaimed only once
 * nobody alive uses it, and then the name can be created again. */
static void
test_stale_ring (void)
{
  g_autofree gchar *name = new_name ();
  g_autofree gchar *path = rb_ring_name_to_path (name);
  g_autofree gchar *creator_dead = NULL, *consumer_alive = NULL;
  g_autofree gchar *consumer_dead = NULL;
  Attach creator = { RB_RING_ROLE_PRODUCER, name, TRUE, 4096, -1, -1 };
  Attach user = { RB_RING_ROLE_CONSUMER, name, FALSE, 0, -1, -1 };
  GError *error = NULL;
  RbRing *ring;
  struct stat st;
  pid_t a, b;
  int ap[2], bp[2];
  Msg m;

  a = spawn_ready ("creator", child_hold, &creator, &ap[0], &m);
  b = spawn_ready ("consumer", child_hold, &user, &bp[0], &m);

  /* the creator dies; its zombie counts as dead */
  g_assert_cmpint (kill (a, SIGKILL), ==, 0);
  wait_dead (a);
  creator_dead = g_strdup_printf ("producer pid %d dead", (int) a);
  consumer_alive = g_strdup_printf ("consumer pid %d alive", (int) b);
  consumer_dead = g_strdup_printf ("consumer pid %d dead", (int) b);

  g_assert_null (rb_ring_create (name, 4096, RB_RING_FLAGS_NONE,
          RB_RING_ROLE_PRODUCER, 0600, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS);
  g_test_message ("with a live consumer: %s", error->message);
  g_assert_nonnull (strstr (error->message, creator_dead));
  g_assert_nonnull (strstr (error->message, consumer_alive));
  g_clear_error (&error);
  /* still in use: not reclaimed */
  g_assert_false (rb_ring_reclaim_stale (name, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_cmpint (stat (path, &st), ==, 0);

  g_assert_cmpint (kill (b, SIGKILL), ==, 0);
  reap_killed (b, "consumer");
  reap_killed (a, "creator");
  close (ap[0]);
  close (bp[0]);

  g_assert_null (rb_ring_create (name, 4096, RB_RING_FLAGS_NONE,
          RB_RING_ROLE_PRODUCER, 0600, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS);
  g_test_message ("all dead: %s", error->message);
  g_assert_nonnull (strstr (error->message, "dead"));
  g_assert_nonnull (strstr (error->message, creator_dead));
  g_assert_nonnull (strstr (error->message, consumer_dead));
  g_assert_nonnull (strstr (error->message, "no live user"));
  g_assert_null (strstr (error->message, "alive"));
  g_clear_error (&error);

  g_assert_true (rb_ring_reclaim_stale (name, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &st), ==, -1);
  g_assert_cmpint (errno, ==, ENOENT);

  ring = rb_ring_create (name, 4096, RB_RING_FLAGS_NONE,
      RB_RING_ROLE_PRODUCER, 0600, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 0);
  g_assert_cmpint (rb_ring_get_peer_state (ring), ==, RB_PEER_STATE_NONE);
  g_object_unref (ring);
  g_assert_true (rb_ring_unlink (name, NULL));
}

/* While a dead peer's zombie is reaped. */
typedef struct {
  RbRing *ring;
  atomic_int stop;
  guint64 polls;
  guint flips;
  RbPeerState flipped_to;
} PeerPoll;

static gpointer
poll_peer_state (gpointer data)
{
  PeerPoll *p = data;
  gboolean seen_gone = FALSE;

  while (!atomic_load (&p->stop)) {
    RbPeerState s = rb_ring_get_peer_state (p->ring);

    p->polls++;
    if (s == RB_PEER_STATE_GONE) {
      seen_gone = TRUE;
    } else if (seen_gone) {
      p->flips++;
      p->flipped_to = s;
      break;
    }
  }
  return NULL;
}

/* R7: a peer that was seen dead stays dead. Its parent reaping it (the
 * zombie vanishes from /proc) while we look must not make it look alive
 * again, or a new producer could be refused as BUSY and a wait would miss
 * the death for a slice. One thread polls rb_ring_get_peer_state() while
 * this one kills the producer and, a moment later, reaps it. */
static void
test_peer_state_while_reaped (void)
{
  guint n = 4 * kill_iterations ();
  g_autofree gchar *name = new_name ();
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  Attach prod = { RB_RING_ROLE_PRODUCER, name, FALSE, 0, -1, -1 };
  guint flips = 0;
  guint64 polls = 0;
  RbPeerState flipped_to = RB_PEER_STATE_GONE;

  ring = rb_ring_create (name, 4096, RB_RING_FLAGS_NONE,
      RB_RING_ROLE_CONSUMER, 0600, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++) {
    PeerPoll poll = { .ring = ring };
    GThread *thread;
    int pp[2];
    pid_t pid;
    Msg m;

    /* fork only while no other thread runs */
    pid = spawn_ready ("producer", child_hold, &prod, &pp[0], &m);
    close (pp[0]);
    g_assert_cmpint (rb_ring_get_peer_state (ring), ==, RB_PEER_STATE_ALIVE);

    thread = g_thread_new ("poll-peer", poll_peer_state, &poll);
    g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
    wait_dead (pid);
    g_usleep (g_test_rand_int_range (0, 300));
    reap_killed (pid, "producer");
    g_usleep (300);
    atomic_store (&poll.stop, 1);
    g_thread_join (thread);
    g_assert_cmpint (rb_ring_get_peer_state (ring), ==, RB_PEER_STATE_GONE);
    polls += poll.polls;
    if (poll.flips > 0) {
      flips++;
      flipped_to = poll.flipped_to;
    }
  }
  g_assert_true (rb_ring_unlink (name, NULL));

  g_test_message ("%u producers killed and reaped: %" G_GUINT64_FORMAT
      " peer-state polls; dead peer seen again as not GONE in %u of them%s",
      n, polls, flips, flips > 0 ? (flipped_to == RB_PEER_STATE_ALIVE ?
          " (as ALIVE)" : " (as NONE)") : "");
  g_assert_cmpuint (flips, ==, 0);
}

/* --- the end -------------------------------------------------------------- */

/* No ring file of this run is left (R7: 0 prefixed objects in /dev/shm). */
static void
test_no_leftovers (void)
{
  g_autoptr (GString) names = g_string_new (NULL);
  guint n = leftovers (FALSE, names);

  if (n > 0) {
    g_test_message ("left in " SHM_DIR ":%s", names->str);
    leftovers (TRUE, NULL);
  }
  g_assert_cmpuint (n, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  test_pid = getpid ();
  name_prefix = g_strdup_printf ("rbxproc-%d-", (int) test_pid);
  start_janitor ();

  g_test_add_data_func ("/process/stream/named-4k-consumer-opens-first",
      &stream_named_4k_a, test_stream);
  g_test_add_data_func ("/process/stream/named-4k-producer-opens-first",
      &stream_named_4k_b, test_stream);
  g_test_add_data_func ("/process/stream/named-64k-consumer-creates-first",
      &stream_named_64k, test_stream);
  g_test_add_data_func ("/process/stream/named-1m-producer-creates-first",
      &stream_named_1m, test_stream);
  g_test_add_data_func ("/process/stream/fd-64k", &stream_fd_64k,
      test_stream);
  g_test_add_func ("/process/stream/no-leftovers", test_no_leftovers);

  g_test_add_func ("/process/kill/producer", test_kill_producer);
  g_test_add_func ("/process/kill/consumer-blocked-producer",
      test_kill_consumer);
  g_test_add_func ("/process/kill/stopped-producer", test_stop_producer);
  g_test_add_func ("/process/kill/stale-ring", test_stale_ring);
  g_test_add_func ("/process/kill/peer-state-while-reaped",
      test_peer_state_while_reaped);
  g_test_add_func ("/process/kill/no-leftovers", test_no_leftovers);

  return g_test_run ();
}
