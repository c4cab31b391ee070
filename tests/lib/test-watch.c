/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Readiness watches (issue #14, rb-ring-watch.c): the conditions, bad
 * input, a GSource, a wake across processes, what the realtime side pays
 * (nothing when quiet, one system call per crossing when busy), and a
 * two-thread stream driven by the watch's fd only (suite stress). */

#include <ringbridge/ringbridge.h>
#include "rb-shm-private.h"
#include "rb-wait-private.h"
#ifdef RB_WATCH_RT_TRAPS
#include "../common/rb-rt-trap.h"
#endif
#include "../common/rb-test-ring.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* A guard for a test that would otherwise hang: never reached when the
 * code works, and not how anything here waits for readiness. */
#define GUARD_MS 20000

static gboolean
fd_readable (int fd, int timeout_ms)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  int n;

  do
    n = poll (&p, 1, timeout_ms);
  while (n < 0 && errno == EINTR);
  g_assert_cmpint (n, >=, 0);
  return n > 0 && (p.revents & POLLIN);
}

static RbRingWatch *
watch_or_die (RbRing *ring, RbRingCondition conditions, gsize threshold)
{
  GError *error = NULL;

  return rb_test_made (rb_ring_watch_new (ring, conditions, threshold,
      &error), &error);
}

/* @w's fd is readable now (poked), and its check reports @conditions. */
static void
assert_poked (RbRingWatch *w, RbRingCondition conditions)
{
  g_assert_true (fd_readable (rb_ring_watch_get_fd (w), 0));
  g_assert_cmpuint (rb_ring_watch_check (w), ==, conditions);
}

/* --- conditions ------------------------------------------------------------ */

static void
test_readable (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  g_autoptr (RbRingWatch) w = watch_or_die (ring,
      RB_RING_CONDITION_READABLE, 100);
  guint8 buf[100] = { 0 };
  int fd = rb_ring_watch_get_fd (w);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (rb_ring_watch_get_threshold (w), ==, 100);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
  g_assert_false (fd_readable (fd, 0));
  g_assert_cmpuint (rb_ring_write (ring, buf, 99), ==, 99);
  g_assert_false (fd_readable (fd, 0));         /* below the threshold */
  g_assert_cmpuint (rb_ring_write (ring, buf, 1), ==, 1);
  assert_poked (w, RB_RING_CONDITION_READABLE); /* crossed: poked */
  g_assert_false (fd_readable (fd, 0));         /* re-armed */
  /* level: it holds as long as the data is there */
  g_assert_cmpuint (rb_ring_watch_check (w), ==, RB_RING_CONDITION_READABLE);
  g_assert_cmpuint (rb_ring_read (ring, buf, 100), ==, 100);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
  g_assert_cmpuint (rb_ring_write (ring, buf, 100), ==, 100);
  assert_poked (w, RB_RING_CONDITION_READABLE);
}

static void
test_writable (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  g_autoptr (RbRingWatch) w = NULL;
  g_autofree guint8 *buf = g_malloc0 (4096);
  int fd;

  g_assert_cmpuint (rb_ring_write (ring, buf, 4096), ==, 4096);
  w = watch_or_die (ring, RB_RING_CONDITION_WRITABLE, 1000);
  fd = rb_ring_watch_get_fd (w);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
  g_assert_cmpuint (rb_ring_read (ring, buf, 999), ==, 999);
  g_assert_false (fd_readable (fd, 0));
  g_assert_cmpuint (rb_ring_read (ring, buf, 1), ==, 1);
  assert_poked (w, RB_RING_CONDITION_WRITABLE);
}

static void
test_end_of_stream (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  g_autoptr (RbRingWatch) w = watch_or_die (ring,
      RB_RING_CONDITION_READABLE | RB_RING_CONDITION_END_OF_STREAM, 4096);
  guint8 b = 1;

  g_assert_cmpuint (rb_ring_write (ring, &b, 1), ==, 1);
  g_assert_false (fd_readable (rb_ring_watch_get_fd (w), 0));
  rb_ring_set_end_of_stream (ring);
  assert_poked (w, RB_RING_CONDITION_END_OF_STREAM);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);     /* once */
}

/* Two watches share the header's target word: the lower one must not be
 * hidden by the higher one, whichever arms first. */
static void
test_two_watches (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  g_autoptr (RbRingWatch) high = watch_or_die (ring,
      RB_RING_CONDITION_READABLE, 1000);
  g_autoptr (RbRingWatch) low = watch_or_die (ring,
      RB_RING_CONDITION_READABLE, 10);
  guint8 buf[1000] = { 0 };

  g_assert_cmpuint (rb_ring_write (ring, buf, 10), ==, 10);
  assert_poked (low, RB_RING_CONDITION_READABLE);
  /* the high one woke too (one poke reaches all) and re-arms */
  g_assert_cmpuint (rb_ring_watch_check (high), ==, 0);
  g_assert_cmpuint (rb_ring_write (ring, buf, 990), ==, 990);
  assert_poked (high, RB_RING_CONDITION_READABLE);
}

/* An overwrite ring's reader: READABLE counts from the write position at
 * the check that last reported it. */
static void
test_reader_role (void)
{
  g_autofree gchar *name = rb_test_unique_name ("rbtest-watch");
  g_autoptr (RbRing) prod = rb_test_ring_create (name, 4096,
      RB_RING_FLAGS_OVERWRITE);
  g_autoptr (RbRing) reader = rb_test_ring_open (name, RB_RING_ROLE_READER);
  g_autoptr (RbRingWatch) w = watch_or_die (reader,
      RB_RING_CONDITION_READABLE, 64);
  guint8 buf[64] = { 0 };

  g_assert_cmpuint (rb_ring_write (prod, buf, 63), ==, 63);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
  g_assert_cmpuint (rb_ring_write (prod, buf, 1), ==, 1);
  assert_poked (w, RB_RING_CONDITION_READABLE);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);     /* counted from here */
  /* an overwrite ring is always writable for its producer */
  {
    g_autoptr (RbRingWatch) pw = watch_or_die (prod,
        RB_RING_CONDITION_WRITABLE, 4096);

    g_assert_cmpuint (rb_ring_watch_check (pw), ==,
        RB_RING_CONDITION_WRITABLE);
  }
  rb_ring_unlink (name, NULL);
}

/* rb_ring_reader_watch_new(): READABLE from the reader's own position. */
static void
test_reader_watch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  g_autoptr (RbRingReader) reader = rb_ring_reader_new (ring,
      RB_READER_POLICY_CATCH_UP, 0, &error);
  g_autoptr (RbRingReader) latest = NULL;
  g_autoptr (RbRingWatch) w = NULL;
  RbRingWatch *refused;
  guint8 buf[100] = { 0 };

  g_assert_no_error (error);
  w = rb_ring_reader_watch_new (reader, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
  g_assert_cmpuint (rb_ring_write (ring, buf, 99), ==, 99);
  g_assert_false (fd_readable (rb_ring_watch_get_fd (w), 0));
  g_assert_cmpuint (rb_ring_write (ring, buf, 1), ==, 1);
  assert_poked (w, RB_RING_CONDITION_READABLE);
  g_assert_cmpuint (rb_ring_reader_read (reader, buf, 60), ==, 60);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);      /* 40 left */
  g_assert_cmpuint (rb_ring_write (ring, buf, 60), ==, 60);
  assert_poked (w, RB_RING_CONDITION_READABLE);
  rb_ring_set_end_of_stream (ring);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, RB_RING_CONDITION_READABLE |
      RB_RING_CONDITION_END_OF_STREAM);

  latest = rb_ring_reader_new (ring, RB_READER_POLICY_LATEST, 256, &error);
  g_assert_no_error (error);
  refused = rb_ring_reader_watch_new (latest, 257, &error);
  rb_test_assert_refused (refused, &error, RB_RING_ERROR_INVALID_CAPACITY,
      "larger than the latest reader's target latency (256 bytes)");
  refused = rb_ring_reader_watch_new (reader, 4097, &error);
  rb_test_assert_refused (refused, &error, RB_RING_ERROR_INVALID_CAPACITY,
      "larger than the ring");
}

static void
test_bad_input (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  g_autofree gchar *name = rb_test_unique_name ("rbtest-watch");
  g_autoptr (RbRing) prod = rb_test_ring_create (name, 4096, 0);
  g_autoptr (RbRing) cons = NULL;
  g_autoptr (RbRing) audio = NULL;
  RbRingWatch *w;

  cons = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  g_assert_no_error (error);

  w = rb_ring_watch_new (ring, RB_RING_CONDITION_READABLE, 4097, &error);
  rb_test_assert_refused (w, &error, RB_RING_ERROR_INVALID_CAPACITY,
      "watch threshold of 4097 bytes is larger than the ring (4096 bytes)");
  w = rb_ring_watch_new (ring, 0, 1, &error);
  rb_test_assert_refused (w, &error, RB_RING_ERROR_INVALID_FLAGS,
      "invalid watch conditions 0x0");
  w = rb_ring_watch_new (ring, 16 | RB_RING_CONDITION_READABLE, 1, &error);
  rb_test_assert_refused (w, &error, RB_RING_ERROR_INVALID_FLAGS,
      "invalid watch conditions 0x11");
  w = rb_ring_watch_new (prod, RB_RING_CONDITION_READABLE, 1, &error);
  rb_test_assert_refused (w, &error, RB_RING_ERROR_INVALID_ROLE,
      "cannot watch a producer's ring for data");
  w = rb_ring_watch_new (cons, RB_RING_CONDITION_WRITABLE, 1, &error);
  rb_test_assert_refused (w, &error, RB_RING_ERROR_INVALID_ROLE,
      "cannot watch a consumer's or reader's ring for space");
  /* frames: 3 bytes a frame, 1365 whole frames in 4096 bytes */
  audio = rb_ring_new_audio (RB_SAMPLE_FORMAT_S24LE, 1, 48000, 1000, 0,
      &error);
  g_assert_no_error (error);
  w = rb_ring_watch_new (audio, RB_RING_CONDITION_READABLE,
      rb_ring_get_capacity (audio) / 3 * 3 + 1, &error);
  rb_test_assert_refused (w, &error, RB_RING_ERROR_INVALID_CAPACITY,
      "larger than the ring");
  w = watch_or_die (audio, RB_RING_CONDITION_READABLE, 4);
  g_assert_cmpuint (rb_ring_watch_get_threshold (w), ==, 6);
  rb_ring_watch_unref (w);
  w = watch_or_die (audio, RB_RING_CONDITION_READABLE, 0);
  g_assert_cmpuint (rb_ring_watch_get_threshold (w), ==, 3);
  rb_ring_watch_unref (w);

  rb_ring_close (ring);
  w = rb_ring_watch_new (ring, RB_RING_CONDITION_READABLE, 1, &error);
  rb_test_assert_refused (w, &error, RB_RING_ERROR_INVALID_ROLE,
      "cannot watch a closed ring");
  rb_ring_unlink (name, NULL);
}

/* --- GSource ----------------------------------------------------------------- */

typedef struct {
  GMainLoop *loop;
  RbRing *ring;
  guint received;
  guint dispatches;
} SourceRun;

static gboolean
on_ready (RbRingWatch *watch, RbRingCondition held, gpointer data)
{
  SourceRun *r = data;
  guint8 buf[256];

  r->dispatches++;
  g_assert_true (held & RB_RING_CONDITION_READABLE);
  r->received += rb_ring_read (r->ring, buf, sizeof buf);
  if (r->received >= 1000)
    g_main_loop_quit (r->loop);
  return G_SOURCE_CONTINUE;
}

static gpointer
slow_writer (gpointer data)
{
  RbRing *ring = data;
  guint8 buf[100] = { 0 };

  for (int i = 0; i < 10; i++) {
    g_usleep (2000);
    g_assert_cmpuint (rb_ring_write (ring, buf, sizeof buf), ==, sizeof buf);
  }
  return NULL;
}

static void
test_source (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  g_autoptr (RbRingWatch) w = watch_or_die (ring,
      RB_RING_CONDITION_READABLE, 100);
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (ctx, FALSE);
  GSource *source = rb_ring_watch_create_source (w);
  SourceRun r = { loop, ring, 0, 0 };
  GThread *writer;

  g_source_set_callback (source, (GSourceFunc) (void (*)(void)) on_ready, &r,
      NULL);
  g_source_attach (source, ctx);
  writer = g_thread_new ("writer", slow_writer, ring);
  g_main_loop_run (loop);
  g_thread_join (writer);
  g_assert_cmpuint (r.received, ==, 1000);
  g_assert_cmpuint (r.dispatches, >=, 1);
  g_assert_cmpuint (r.dispatches, <=, 10);
  /* a closed ring: the source removes itself without calling back */
  rb_ring_close (ring);
  g_assert_true (g_main_context_iteration (ctx, FALSE));
  g_assert_true (g_source_is_destroyed (source));
  g_assert_cmpuint (r.dispatches, <=, 10);
  g_source_unref (source);
}

/* --- across processes -------------------------------------------------------- */

/* The child: the producer of @name, writing @chunks of 100 bytes, each
 * when the parent says so on @go, then leaving cleanly (or not). */
static void
child_producer (const gchar *name, int go, gboolean die_hard)
{
  RbRing *ring = rb_ring_open (name, RB_RING_ROLE_PRODUCER, NULL);
  guint8 buf[100];
  char c;

  if (ring == NULL)
    _exit (2);
  while (read (go, &c, 1) == 1) {
    if (c == 'k')
      raise (SIGKILL);
    memset (buf, c, sizeof buf);
    if (rb_ring_write (ring, buf, sizeof buf) != sizeof buf)
      _exit (3);
  }
  rb_ring_close (ring);
  _exit (die_hard ? 4 : 0);
}

static void
test_cross_process (gconstpointer data)
{
  gboolean killed = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = rb_test_unique_name ("rbtest-watch");
  g_autoptr (RbRing) ring = rb_ring_create (name, 4096, 0,
      RB_RING_ROLE_CONSUMER, 0600, &error);
  g_autoptr (RbRingWatch) w = NULL;
  guint8 buf[200];
  int go[2], status, fd;
  pid_t pid;

  g_assert_no_error (error);
  g_assert_cmpint (pipe (go), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0) {
    close (go[1]);
    child_producer (name, go[0], FALSE);
  }
  close (go[0]);
  /* wait for the child to attach: PEER_LEFT follows its process */
  while (rb_ring_get_peer_state (ring) != RB_PEER_STATE_ALIVE)
    g_usleep (1000);
  w = watch_or_die (ring, RB_RING_CONDITION_READABLE |
      RB_RING_CONDITION_PEER_LEFT, 200);
  fd = rb_ring_watch_get_fd (w);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);

  for (char c = 'a'; c < 'd'; c++) {
    g_assert_cmpint (write (go[1], &c, 1), ==, 1);
    g_assert_cmpint (write (go[1], &c, 1), ==, 1);
    /* woken by the other process's publish, at the second chunk */
    g_assert_true (fd_readable (fd, GUARD_MS));
    g_assert_cmpuint (rb_ring_watch_check (w), ==,
        RB_RING_CONDITION_READABLE);
    g_assert_cmpuint (rb_ring_read (ring, buf, sizeof buf), ==, 200);
    g_assert_cmpint (buf[199], ==, c);
    g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
  }
  if (killed) {
    g_assert_cmpint (write (go[1], "k", 1), ==, 1);
  }
  close (go[1]);
  /* the peer leaves: cleanly (its close pokes) or killed (the pidfd) */
  g_assert_true (fd_readable (fd, GUARD_MS));
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (killed)
    g_assert_true (WIFSIGNALED (status));
  else
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, RB_RING_CONDITION_PEER_LEFT);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);     /* once */
  g_assert_false (fd_readable (fd, 0));   /* the dead pidfd was let go */
  rb_ring_unlink (name, NULL);
}

/* --- the realtime side's system calls ------------------------------------- */

#ifdef RB_WATCH_RT_TRAPS

typedef struct {
  RbRing *ring;
  guint chunks;                 /* per round */
  gsize chunk;
  guint rounds;
  atomic_uint armed;            /* round the watcher armed for */
  atomic_uint written;          /* round the producer finished */
} RtRun;

/* The producer under the seccomp filter: each round, once the watcher
 * armed, writes its chunks; the last one crosses the threshold. Busy-
 * waits, since a yield would be a system call. */
static void
rt_producer (void *data)
{
  RtRun *r = data;
  guint8 buf[256] = { 0 };

  for (guint k = 1; k <= r->rounds; k++) {
    /* acquire: pairs with the release store of the watcher */
    while (atomic_load_explicit (&r->armed, memory_order_acquire) < k)
      ;
    for (guint i = 0; i < r->chunks; i++)
      rb_ring_write (r->ring, buf, r->chunk);
    /* release: the watcher reads what we wrote */
    atomic_store_explicit (&r->written, k, memory_order_release);
  }
}

static gpointer
rt_watcher (gpointer data)
{
  RtRun *r = data;
  g_autoptr (RbRingWatch) w = watch_or_die (r->ring,
      RB_RING_CONDITION_READABLE, r->chunks * r->chunk);
  guint8 buf[4096];

  for (guint k = 1; k <= r->rounds; k++) {
    g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);   /* armed */
    /* release: pairs with the producer's acquire */
    atomic_store_explicit (&r->armed, k, memory_order_release);
    while (atomic_load_explicit (&r->written, memory_order_acquire) < k)
      ;
    /* the poke failed with ENOSYS under the filter: look without it */
    g_assert_cmpuint (rb_ring_watch_check (w), ==, RB_RING_CONDITION_READABLE);
    g_assert_cmpuint (rb_ring_read (r->ring, buf, r->chunks * r->chunk), ==,
        r->chunks * r->chunk);
  }
  return NULL;
}

static guint
rt_run (RtRun *r)
{
  GThread *watcher = g_thread_new ("watcher", rt_watcher, r);
  guint count = rt_trap_seccomp_run (rt_producer, r, FALSE);

  g_thread_join (watcher);
  for (guint i = 0; i < MIN (count, RT_TRAP_MAX_RECORDED); i++)
    g_assert_cmpint (atomic_load (&rt_trap_violations.nr[i]), ==,
        SYS_utimensat);
  return count;
}

/* Quiet: nothing watches, or the watch's threshold is never reached:
 * not one system call in thousands of publishes. */
static void
test_rt_quiet (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (65536, RB_RING_FLAGS_NONE);
  g_autoptr (RbRingWatch) w = NULL;
  RtRun r = { .ring = ring, .chunks = 1000, .chunk = 16, .rounds = 1 };
  guint8 buf[16000];
  guint count;

  /* no watch at all */
  atomic_store (&r.armed, 1);
  count = rt_trap_seccomp_run (rt_producer, &r, FALSE);
  g_assert_cmpuint (count, ==, 0);
  g_assert_cmpuint (rb_ring_read (ring, buf, sizeof buf), ==, sizeof buf);

  /* a watch waiting for more than is written */
  w = watch_or_die (ring, RB_RING_CONDITION_READABLE, 16001);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
  atomic_store (&r.written, 0);
  count = rt_trap_seccomp_run (rt_producer, &r, FALSE);
  g_test_message ("quiet: %u system calls in %u publishes below a watch's "
      "threshold", count, r.chunks);
  g_assert_cmpuint (count, ==, 0);
  g_assert_cmpuint (rb_ring_watch_check (w), ==, 0);
}

/* Busy: a watcher re-arms every round, each round's writes cross its
 * threshold once: exactly one system call (futimens) per crossing, however
 * many publishes the round takes. */
static void
test_rt_busy (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (65536, RB_RING_FLAGS_NONE);
  RtRun r = { .ring = ring, .chunks = 64, .chunk = 16, .rounds = 50 };
  guint count;

  count = rt_run (&r);
  g_test_message ("busy: %u system calls for %u crossings in %u publishes",
      count, r.rounds, r.rounds * r.chunks);
  g_assert_cmpuint (count, ==, r.rounds);
}

/* A header written by another process: a forged announcement with a
 * target every publish reaches, on both sides. The realtime side pokes
 * once per change of an announce word, not once per publish. */
static void
poked_work (void *data)
{
  RbRing *ring = data;
  guint8 buf[16] = { 0 };

  for (guint i = 0; i < 1000; i++) {
    rb_ring_write (ring, buf, sizeof buf);
    rb_ring_read (ring, buf, sizeof buf);
  }
}

static void
test_rt_forged_announce (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  struct rb_shm_header *hdr = mmap (NULL, page, PROT_READ | PROT_WRITE,
      MAP_SHARED, rb_ring_get_fd (ring), 0);
  guint count;

  g_assert_true (hdr != MAP_FAILED);
  atomic_store (&hdr->watch_data_announce, 12345);
  atomic_store (&hdr->watch_space_announce, 678);
  atomic_store (&hdr->watch_data_target, 0);
  atomic_store (&hdr->watch_space_target, 0);
  count = rt_trap_seccomp_run (poked_work, ring, FALSE);
  g_test_message ("forged announcements: %u system calls in 1000 writes and "
      "1000 reads", count);
  g_assert_cmpuint (count, <=, 2);
  for (guint i = 0; i < count; i++)
    g_assert_cmpint (atomic_load (&rt_trap_violations.nr[i]), ==,
        SYS_utimensat);
  munmap (hdr, page);
}

#endif /* RB_WATCH_RT_TRAPS */

/* --- stress: a stream driven by the fd alone ------------------------------- */

#define STRESS_BYTES (4u << 20)

static gpointer
stress_producer (gpointer data)
{
  RbRing *ring = data;
  g_autoptr (RbRingWatch) w = watch_or_die (ring,
      RB_RING_CONDITION_WRITABLE, 512);
  guint8 buf[1024];
  guint32 x = 1;
  guint64 sent = 0;
  GRand *rand = g_rand_new_with_seed (7);

  while (sent < STRESS_BYTES) {
    gsize n = g_rand_int_range (rand, 1, sizeof buf), done;

    n = MIN (n, STRESS_BYTES - sent);
    for (gsize i = 0; i < n; i++)
      buf[i] = (guint8) ((x = x * 1103515245u + 12345u) >> 8);
    for (done = 0; done < n;) {
      gsize m = rb_ring_write (ring, buf + done, n - done);

      done += m;
      if (done < n && !(rb_ring_watch_check (w) & RB_RING_CONDITION_WRITABLE))
        g_assert_true (fd_readable (rb_ring_watch_get_fd (w), GUARD_MS));
    }
    sent += n;
  }
  rb_ring_set_end_of_stream (ring);
  g_rand_free (rand);
  return NULL;
}

static void
test_stress (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_NONE);
  g_autoptr (RbRingWatch) w = watch_or_die (ring,
      RB_RING_CONDITION_READABLE | RB_RING_CONDITION_END_OF_STREAM, 256);
  guint8 buf[4096];
  guint32 x = 1;
  guint64 got = 0, wakes = 0;
  gboolean eos = FALSE;
  GThread *producer = g_thread_new ("producer", stress_producer, ring);

  while (got < STRESS_BYTES) {
    RbRingCondition held = rb_ring_watch_check (w);
    gsize n;

    eos |= (held & RB_RING_CONDITION_END_OF_STREAM) != 0;
    n = rb_ring_read (ring, buf, sizeof buf);
    for (gsize i = 0; i < n; i++)
      g_assert_cmpint (buf[i], ==, (guint8) ((x = x * 1103515245u + 12345u)
              >> 8));
    got += n;
    if (n == 0 && !held) {
      g_assert_false (eos);     /* the end came with everything */
      g_assert_true (fd_readable (rb_ring_watch_get_fd (w), GUARD_MS));
      wakes++;
    }
  }
  g_thread_join (producer);
  g_test_message ("stress: %" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT
      " sleeps on the fd", got, wakes);
  g_assert_cmpuint (got, ==, STRESS_BYTES);
}

static const RbTestCase cases[] = {
  { "/watch/readable", test_readable },
  { "/watch/writable", test_writable },
  { "/watch/end-of-stream", test_end_of_stream },
  { "/watch/two-watches", test_two_watches },
  { "/watch/reader-role", test_reader_role },
  { "/watch/reader-watch", test_reader_watch },
  { "/watch/bad-input", test_bad_input },
  { "/watch/source", test_source },
  { "/watch/cross-process/peer-leaves", NULL, test_cross_process,
    GINT_TO_POINTER (FALSE) },
  { "/watch/cross-process/peer-killed", NULL, test_cross_process,
    GINT_TO_POINTER (TRUE) },
#ifdef RB_WATCH_RT_TRAPS
  { "/watch/rt/quiet", test_rt_quiet },
  { "/watch/rt/busy", test_rt_busy },
  { "/watch/rt/forged-announce", test_rt_forged_announce },
#endif
  { "/watch/stress", test_stress },
};

RB_TEST_MAIN (cases)
