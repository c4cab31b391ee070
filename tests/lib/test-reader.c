/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* RbRingReader (issue #14): each policy, each gap cause, the journal's
 * merge when full, getters that move nothing, bad input; and, in the
 * `stress` suite, a writer lapping two readers in threads and in another
 * process.
 *
 * Exact accounting: the writer writes a pattern whose every byte is a
 * function of its absolute position. A reader's output is walked with the
 * gaps it popped (check_read()): the bytes between two gaps must be the
 * pattern of the positions between them, and delivered + gaps must add up
 * to what was written. */

#include <ringbridge/ringbridge.h>

#include "../common/rb-test.h"
#include "../common/rb-test-ring.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#define CAP 4096

/* What a reader took in, walked against the pattern. */
typedef struct {
  guint64 delivered;
  guint64 gaps[4];              /* bytes per cause, as popped */
  guint64 n_gaps;
  gboolean ok;                  /* for threads: FALSE on the first mismatch */
} Tally;

/* Reads up to @count with @reader and checks every byte and gap: returns
 * the bytes read. The gaps this read recorded are popped; an underrun
 * takes no stream position. */
static gsize
check_read (RbRingReader *reader, gsize count, Tally *t)
{
  guint8 buf[CAP];
  guint64 p = rb_ring_reader_get_position (reader);
  gsize n = rb_ring_reader_read (reader, buf, MIN (count, sizeof buf));
  gsize idx = 0;
  RbGap gap;

  while (rb_ring_reader_pop_gap (reader, &gap)) {
    t->gaps[gap.cause] += gap.length;
    t->n_gaps++;
    if (gap.cause == RB_GAP_UNDERRUN)
      continue;
    /* the bytes before the gap, then the gap */
    if (gap.position < p || gap.position - p > n - idx) {
      t->ok = FALSE;
      return n;
    }
    for (; p < gap.position; p++, idx++)
      if (buf[idx] != stream_byte (p))
        t->ok = FALSE;
    p += gap.length;
  }
  for (; idx < n; p++, idx++)
    if (buf[idx] != stream_byte (p))
      t->ok = FALSE;
  if (p != rb_ring_reader_get_position (reader))
    t->ok = FALSE;
  t->delivered += n;
  return n;
}

/* A check_read() that must find every byte and gap right so far. */
static gsize
read_ok (RbRingReader *reader, gsize count, Tally *t)
{
  gsize n = check_read (reader, count, t);

  g_assert_true (t->ok);
  return n;
}

/* Reads with @reader in reads of up to @chunk until nothing comes, checking
 * every byte and gap (check_read()); returns the stream positions the
 * reader accounted for: delivered, skipped and overwritten. */
static guint64
drain_checked (RbRingReader *reader, gsize chunk, Tally *t)
{
  while (check_read (reader, chunk, t) > 0)
    ;
  g_assert_true (t->ok);
  return t->delivered + t->gaps[RB_GAP_SKIP] + t->gaps[RB_GAP_OVERWRITTEN];
}

static RbRingReader *
new_reader (RbRing *ring, RbReaderPolicy policy, guint64 target)
{
  GError *error = NULL;

  return rb_test_made (rb_ring_reader_new (ring, policy, target, &error),
      &error);
}

/* A reader with @policy (target 0) over a new CAP-byte byte ring with
 * @flags, and the tally of what it read: what most cases start from. */
typedef struct {
  RbRing *ring;
  RbRingReader *reader;
  Tally t;
} ReaderOn;

static ReaderOn
reader_on (RbRingFlags flags, RbReaderPolicy policy)
{
  RbRing *ring = rb_test_ring_new (CAP, flags);

  return (ReaderOn) {
    .ring = ring, .reader = new_reader (ring, policy, 0), .t = { .ok = TRUE }
  };
}

static void
reader_on_clear (ReaderOn *r)
{
  g_clear_pointer (&r->reader, rb_ring_reader_unref);
  g_clear_object (&r->ring);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ReaderOn, reader_on_clear)

/* The next gap @reader holds is @cause at @position, @length long. */
static void
expect_gap (RbRingReader *reader, RbGapCause cause, guint64 position,
    guint64 length)
{
  RbGap gap;

  g_assert_true (rb_ring_reader_pop_gap (reader, &gap));
  g_assert_cmpint (gap.cause, ==, cause);
  g_assert_cmpuint (gap.position, ==, position);
  g_assert_cmpuint (gap.length, ==, length);
}

/* --- policies ------------------------------------------------------------ */

/* Catch-up: everything still held, the overwritten spans as gaps, exact. */
static void
test_catch_up (void)
{
  g_auto (ReaderOn) r =
      reader_on (RB_RING_FLAGS_OVERWRITE, RB_READER_POLICY_CATCH_UP);
  GRand *rand = g_rand_new_with_seed (14);

  g_assert_cmpuint (rb_ring_reader_get_position (r.reader), ==, 0);
  for (int round = 0; round < 2000; round++) {
    rb_test_write_stream (r.ring, g_rand_int_range (rand, 1, 3 * CAP / 2));
    read_ok (r.reader, g_rand_int_range (rand, 1, CAP), &r.t);
  }
  g_assert_cmpuint (drain_checked (r.reader, CAP, &r.t), ==,
      rb_ring_get_write_position (r.ring));
  g_assert_cmpuint (r.t.gaps[RB_GAP_OVERWRITTEN], >, 0);
  g_assert_cmpuint (r.t.gaps[RB_GAP_OVERWRITTEN], ==,
      rb_ring_reader_get_gap_total (r.reader, RB_GAP_OVERWRITTEN));
  g_assert_cmpuint (rb_ring_reader_get_gap_total (r.reader, RB_GAP_SKIP), ==,
      0);
  /* the ring's own consumer was not touched */
  g_assert_cmpuint (rb_ring_get_read_position (r.ring), ==, 0);
  g_rand_free (rand);
}

/* Latest: a jump to (write position - target), whole frames, as a SKIP. */
static void
test_latest (void)
{
  g_autoptr (GError) error = NULL;
  /* S16LE, 3 channels: 6-byte frames, which do not divide the capacity */
  g_autoptr (RbRing) ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 3,
      48000, 1000, RB_RING_FLAGS_OVERWRITE, &error);
  g_autoptr (RbRingReader) reader = NULL;
  guint8 buf[CAP];
  RbGap gap;
  Tally t = { .ok = TRUE };

  g_assert_no_error (error);
  reader = new_reader (ring, RB_READER_POLICY_LATEST, 600);
  g_assert_cmpuint (rb_ring_reader_get_target_latency (reader), ==, 600);
  for (int i = 0; i < 50; i++)
    g_assert_cmpuint (rb_ring_write_frames (ring, buf, 50), ==, 50);
  /* 15000 bytes written: 600 readable, the jump is 14400 */
  g_assert_cmpuint (rb_ring_reader_get_available (reader), ==, 600);
  g_assert_cmpuint (rb_ring_reader_read (reader, buf, sizeof buf), ==, 600);
  expect_gap (reader, RB_GAP_SKIP, 0, 14400);
  g_assert_false (rb_ring_reader_pop_gap (reader, &gap));
  /* within the target: no jump */
  rb_ring_write_frames (ring, buf, 90);
  g_assert_cmpuint (rb_ring_reader_read (reader, buf, 100), ==, 96);
  g_assert_false (rb_ring_reader_pop_gap (reader, &gap));
  g_assert_cmpuint (rb_ring_reader_get_position (reader), ==, 15096);

  /* and byte-exact over a long run, latency never above the target */
  {
    g_autoptr (RbRing) bytes = rb_test_ring_new (CAP, RB_RING_FLAGS_OVERWRITE);
    g_autoptr (RbRingReader) latest =
        new_reader (bytes, RB_READER_POLICY_LATEST, 1024);
    GRand *rand = g_rand_new_with_seed (15);

    for (int round = 0; round < 2000; round++) {
      rb_test_write_stream (bytes, g_rand_int_range (rand, 1, CAP));
      read_ok (latest, g_rand_int_range (rand, 1, 2048), &t);
      g_assert_cmpuint (rb_ring_get_write_position (bytes) -
          rb_ring_reader_get_position (latest), <=, 1024);
    }
    g_assert_cmpuint (drain_checked (latest, CAP, &t), ==,
        rb_ring_get_write_position (bytes));
    g_assert_cmpuint (t.gaps[RB_GAP_SKIP], >, 0);
    g_rand_free (rand);
  }
}

/* Lossless on an overwrite ring: the consumer's losses as OVERWRITTEN. */
static void
test_lossless_overwrite (void)
{
  g_auto (ReaderOn) r =
      reader_on (RB_RING_FLAGS_OVERWRITE, RB_READER_POLICY_LOSSLESS);
  RbGap gap;

  rb_test_write_stream (r.ring, 3 * CAP + 100);
  g_assert_cmpuint (read_ok (r.reader, 10, &r.t), ==, 10);
  g_assert_cmpuint (r.t.gaps[RB_GAP_OVERWRITTEN], ==, 2 * CAP + 100);
  g_assert_cmpuint (rb_ring_reader_get_position (r.reader), ==,
      rb_ring_get_read_position (r.ring));
  /* the ring's own counter agrees */
  g_assert_cmpuint (rb_ring_get_overwritten (r.ring), ==, 2 * CAP + 100);
  g_assert_cmpuint (drain_checked (r.reader, 1000, &r.t), ==, 3 * CAP + 100);
  g_assert_false (rb_ring_reader_pop_gap (r.reader, &gap));
}

/* Lossless on a plain ring: the writer is cut short, nothing is lost. */
static void
test_lossless_plain (void)
{
  g_auto (ReaderOn) r =
      reader_on (RB_RING_FLAGS_NONE, RB_READER_POLICY_LOSSLESS);
  g_autofree guint8 *buf = g_malloc (CAP);
  guint64 written = 0;

  for (int round = 0; round < 100; round++) {
    gsize n = rb_ring_write_available (r.ring);

    fill_stream (buf, written, n);
    written += rb_ring_write (r.ring, buf, n);
    check_read (r.reader, 777, &r.t);
  }
  g_assert_cmpuint (drain_checked (r.reader, CAP, &r.t), ==, written);
  g_assert_cmpuint (r.t.n_gaps, ==, 0);
}

/* --- causes -------------------------------------------------------------- */

/* Underruns come only from the caller, sit at the reader's position and
 * take no stream position. */
static void
test_underrun (void)
{
  g_auto (ReaderOn) r =
      reader_on (RB_RING_FLAGS_OVERWRITE, RB_READER_POLICY_CATCH_UP);
  guint8 buf[64];
  RbGap gap;

  /* finding nothing new is not an underrun */
  g_assert_cmpuint (rb_ring_reader_read (r.reader, buf, sizeof buf), ==, 0);
  g_assert_false (rb_ring_reader_pop_gap (r.reader, &gap));
  rb_test_write_stream (r.ring, 40);
  g_assert_cmpuint (rb_ring_reader_read (r.reader, buf, sizeof buf), ==, 40);
  rb_ring_reader_mark_underrun (r.reader, 24);
  rb_ring_reader_mark_underrun (r.reader, 0);   /* nothing */
  rb_ring_reader_mark_underrun (r.reader, 8);   /* not merged: two events */
  g_assert_cmpuint (rb_ring_reader_get_position (r.reader), ==, 40);
  g_assert_cmpuint (rb_ring_reader_get_gap_total (r.reader, RB_GAP_UNDERRUN),
      ==, 32);
  g_assert_cmpuint (rb_ring_reader_get_gaps_pending (r.reader), ==, 2);
  expect_gap (r.reader, RB_GAP_UNDERRUN, 40, 24);
  expect_gap (r.reader, RB_GAP_UNDERRUN, 40, 8);
  g_assert_false (rb_ring_reader_pop_gap (r.reader, &gap));
}

/* A new named 4096-byte overwrite ring, this object holding @role. */
static RbRing *
create_named (const gchar *name, RbRingRole role)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_create (name, CAP, RB_RING_FLAGS_OVERWRITE, role,
      0600, &error);

  g_assert_no_error (error);
  return ring;
}

/* A new producer takes the ring over: a PRODUCER_RESTART mark exactly
 * where its stream starts (the header's producer_start), for a reader that
 * lags behind it (catch-up) and for the consumer (lossless); the first
 * producer to arrive is none. */
static void
restart_case (RbReaderPolicy policy)
{
  g_autofree gchar *name = rb_test_unique_name ("rbtest-reader");
  g_autoptr (RbRing) owner = create_named (name, RB_RING_ROLE_CONSUMER);
  g_autoptr (RbRing) tap = NULL;
  g_autoptr (RbRingReader) reader = NULL;
  RbRing *producer;
  Tally t = { .ok = TRUE };
  guint8 buf[64];
  RbGap gap;

  /* the lossless reader is the consumer: the owner */
  tap = policy == RB_READER_POLICY_LOSSLESS ? g_object_ref (owner) :
      rb_test_ring_open (name, RB_RING_ROLE_READER);
  reader = new_reader (tap, policy, 0);

  producer = rb_test_ring_open (name, RB_RING_ROLE_PRODUCER);
  rb_test_write_stream (producer, 100);
  check_read (reader, 50, &t);
  g_assert_cmpuint (t.n_gaps, ==, 0);          /* a start, not a restart */
  rb_ring_close (producer);
  g_object_unref (producer);

  producer = rb_test_ring_open (name, RB_RING_ROLE_PRODUCER);
  rb_test_write_stream (producer, 100);
  /* the old producer's bytes first: the mark is ahead, at 100 */
  g_assert_cmpuint (rb_ring_reader_read (reader, buf, 30), ==, 30);
  g_assert_false (rb_ring_reader_pop_gap (reader, &gap));
  g_assert_cmpuint (read_ok (reader, 60, &t), ==, 60);
  g_assert_cmpuint (t.n_gaps, ==, 1);
  g_assert_cmpuint (rb_ring_reader_get_position (reader), ==, 140);
  /* again, taking the mark by hand */
  rb_ring_close (producer);
  g_object_unref (producer);
  producer = rb_test_ring_open (name, RB_RING_ROLE_PRODUCER);
  rb_test_write_stream (producer, 10);
  g_assert_cmpuint (rb_ring_reader_read (reader, buf, sizeof buf), ==, 64);
  expect_gap (reader, RB_GAP_PRODUCER_RESTART, 200, 0);
  g_assert_false (rb_ring_reader_pop_gap (reader, &gap));
  g_assert_cmpuint (rb_ring_reader_get_gap_total (reader,
          RB_GAP_PRODUCER_RESTART), ==, 0);
  rb_ring_close (producer);
  g_object_unref (producer);
  rb_ring_unlink (name, NULL);
}

static void
test_restart (void)
{
  restart_case (RB_READER_POLICY_CATCH_UP);
}

static void
test_restart_lossless (void)
{
  restart_case (RB_READER_POLICY_LOSSLESS);
}

/* A forged producer_start (past the write position) is not believed: the
 * restart is marked where the reader noticed it, and reading goes on. */
static void
test_restart_hostile (void)
{
  g_autofree gchar *name = rb_test_unique_name ("rbtest-reader");
  g_autofree gchar *path = rb_ring_name_to_path (name);
  g_autoptr (RbRing) owner = create_named (name, RB_RING_ROLE_CONSUMER);
  g_autoptr (RbRing) tap = rb_test_ring_open (name, RB_RING_ROLE_READER);
  g_autoptr (RbRingReader) reader =
      new_reader (tap, RB_READER_POLICY_CATCH_UP, 0);
  const guint64 forged = 5000;
  RbRing *producer = rb_test_ring_open (name, RB_RING_ROLE_PRODUCER);
  Tally t = { .ok = TRUE };
  int fd;

  rb_test_write_stream (producer, 100);
  check_read (reader, 50, &t);
  rb_ring_close (producer);
  g_object_unref (producer);
  producer = rb_test_ring_open (name, RB_RING_ROLE_PRODUCER);
  rb_test_write_stream (producer, 100);
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  /* producer_start: control block offset 56, header offset 568 */
  g_assert_cmpint (pwrite (fd, &forged, 8, 568), ==, 8);
  close (fd);
  g_assert_cmpuint (read_ok (reader, 1000, &t), ==, 150);
  g_assert_cmpuint (t.n_gaps, ==, 1);
  g_assert_cmpuint (rb_ring_reader_get_position (reader), ==, 200);
  rb_ring_close (producer);
  g_object_unref (producer);
  rb_ring_unlink (name, NULL);
}

/* The journal keeps RB_RING_READER_JOURNAL_SIZE entries, merging the
 * oldest pair of one cause when full; the totals stay exact. */
static void
test_journal_overflow (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (CAP, RB_RING_FLAGS_OVERWRITE);
  g_autoptr (RbRingReader) reader =
      new_reader (ring, RB_READER_POLICY_LATEST, 16);
  guint8 buf[64];
  guint64 popped[4] = { 0 }, sum = 0;
  guint n = 0;
  RbGap gap, first = { 0 };

  /* alternate skips and underruns, 100 of each: no two neighbours of
   * one cause, so the fallback merges the two oldest */
  for (int i = 0; i < 100; i++) {
    rb_test_write_stream (ring, 48);
    g_assert_cmpuint (rb_ring_reader_read (reader, buf, sizeof buf), ==, 16);
    rb_ring_reader_mark_underrun (reader, 5);
  }
  g_assert_cmpuint (rb_ring_reader_get_gaps_pending (reader), ==,
      RB_RING_READER_JOURNAL_SIZE);
  g_assert_cmpuint (rb_ring_reader_get_gaps_merged (reader), ==,
      200 - RB_RING_READER_JOURNAL_SIZE);
  g_assert_cmpuint (rb_ring_reader_get_gap_total (reader, RB_GAP_SKIP), ==,
      (guint64) 100 * 32);
  g_assert_cmpuint (rb_ring_reader_get_gap_total (reader, RB_GAP_UNDERRUN),
      ==, (guint64) 100 * 5);
  while (rb_ring_reader_pop_gap (reader, &gap)) {
    if (n++ == 0)
      first = gap;
    popped[gap.cause] += gap.length;
    sum += gap.length;
  }
  g_assert_cmpuint (n, ==, RB_RING_READER_JOURNAL_SIZE);
  g_assert_cmpuint (sum, ==, 100 * 32 + 100 * 5);       /* nothing dropped */
  g_assert_cmpuint (first.position, ==, 0);
  /* the newest entries are as they were */
  g_assert_cmpint (gap.cause, ==, RB_GAP_UNDERRUN);
  g_assert_cmpuint (gap.length, ==, 5);

  /* one cause only: pairs of it merge, so per-cause sums stay exact too */
  {
    g_autoptr (RbRingReader) r2 =
        new_reader (ring, RB_READER_POLICY_CATCH_UP, 0);
    guint64 total = 0;

    for (int i = 0; i < 150; i++)
      rb_ring_reader_mark_underrun (r2, i + 1);
    g_assert_cmpuint (rb_ring_reader_get_gaps_merged (r2), ==,
        150 - RB_RING_READER_JOURNAL_SIZE);
    while (rb_ring_reader_pop_gap (r2, &gap)) {
      g_assert_cmpint (gap.cause, ==, RB_GAP_UNDERRUN);
      total += gap.length;
    }
    g_assert_cmpuint (total, ==, 150 * 151 / 2);
    g_assert_cmpuint (gap.length, ==, 150);    /* the newest untouched */
  }
  (void) popped;
}

/* Getters, called again and again on a lapped reader, move nothing and
 * record nothing; the next read does. */
static void
test_getters_pure (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (CAP, RB_RING_FLAGS_OVERWRITE);
  RbRingReader *readers[3];
  guint8 buf[64];

  readers[0] = new_reader (ring, RB_READER_POLICY_CATCH_UP, 0);
  readers[1] = new_reader (ring, RB_READER_POLICY_LATEST, 1024);
  readers[2] = new_reader (ring, RB_READER_POLICY_LOSSLESS, 0);
  rb_test_write_stream (ring, (gsize) 3 * CAP);
  for (guint r = 0; r < 3; r++) {
    RbRingReader *reader = readers[r];
    gsize avail = rb_ring_reader_get_available (reader);

    for (int i = 0; i < 10; i++) {
      g_assert_cmpuint (rb_ring_reader_get_position (reader), ==, 0);
      g_assert_cmpuint (rb_ring_reader_get_available (reader), ==, avail);
      for (int c = RB_GAP_OVERWRITTEN; c <= RB_GAP_SKIP; c++)
        g_assert_cmpuint (rb_ring_reader_get_gap_total (reader, c), ==, 0);
      g_assert_cmpuint (rb_ring_reader_get_gaps_pending (reader), ==, 0);
      g_assert_cmpuint (rb_ring_reader_get_gaps_merged (reader), ==, 0);
    }
    g_assert_cmpuint (avail, ==, r == 1 ? 1024 : CAP);
    g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 0);
    g_assert_cmpuint (rb_ring_get_overwritten (ring), ==, 0);
    /* the read records what the getters saw */
    g_assert_cmpuint (rb_ring_reader_read (reader, buf, sizeof buf), ==, 64);
    g_assert_cmpuint (rb_ring_reader_get_gaps_pending (reader), ==, 1);
    g_assert_cmpuint (rb_ring_reader_get_position (reader), ==,
        (guint64) 3 * CAP - avail + 64);
  }
  for (guint r = 0; r < 3; r++)
    rb_ring_reader_unref (readers[r]);
}

/* --- bad input ----------------------------------------------------------- */

static void
test_bad_input (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) plain = rb_test_ring_new (CAP, RB_RING_FLAGS_NONE);
  g_autoptr (RbRing) over = rb_test_ring_new (CAP, RB_RING_FLAGS_OVERWRITE);
  g_autoptr (RbRing) records = rb_test_ring_new (CAP, RB_RING_FLAGS_RECORDS);
  g_autoptr (RbRing) audio = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2,
      48000, 1024, RB_RING_FLAGS_OVERWRITE, NULL);
  g_autofree gchar *name = rb_test_unique_name ("rbtest-reader");
  g_autoptr (RbRing) owner = NULL;
  g_autoptr (RbRing) tap = NULL;
  guint8 buf[8];
  RbGap gap;

  rb_test_assert_refused (rb_ring_reader_new (plain,
          RB_READER_POLICY_CATCH_UP, 0, &error), &error,
      RB_RING_ERROR_INVALID_ROLE, "needs an overwrite ring");
  rb_test_assert_refused (rb_ring_reader_new (plain, RB_READER_POLICY_LATEST,
          64, &error), &error, RB_RING_ERROR_INVALID_ROLE, "latest policy");
  rb_test_assert_refused (rb_ring_reader_new (over, RB_READER_POLICY_LATEST,
          (guint64) 2 * CAP, &error), &error, RB_RING_ERROR_INVALID_CAPACITY,
      "at most the ring's");
  rb_test_assert_refused (rb_ring_reader_new (over, RB_READER_POLICY_LATEST,
          0, &error), &error, RB_RING_ERROR_INVALID_CAPACITY, "at least one");
  rb_test_assert_refused (rb_ring_reader_new (audio, RB_READER_POLICY_LATEST,
          6, &error), &error, RB_RING_ERROR_INVALID_CAPACITY,
      "whole frames of 4 bytes");
  rb_test_assert_refused (rb_ring_reader_new (over, RB_READER_POLICY_CATCH_UP,
          64, &error), &error, RB_RING_ERROR_INVALID_CAPACITY,
      "only the latest policy");
  rb_test_assert_refused (rb_ring_reader_new (over, (RbReaderPolicy) 7, 0,
          &error), &error, RB_RING_ERROR_INVALID_ROLE, "unknown reader policy");
  rb_test_assert_refused (rb_ring_reader_new (records,
          RB_READER_POLICY_LOSSLESS, 0, &error), &error,
      RB_RING_ERROR_INVALID_FLAGS, "records ring");
  owner = create_named (name, RB_RING_ROLE_PRODUCER);
  g_assert_cmpint (rb_ring_get_role (owner), ==, RB_RING_ROLE_PRODUCER);
  tap = rb_test_ring_open (name, RB_RING_ROLE_READER);
  rb_test_assert_refused (rb_ring_reader_new (tap, RB_READER_POLICY_LOSSLESS,
          0, &error), &error, RB_RING_ERROR_INVALID_ROLE, "consumer role");
  rb_ring_unlink (name, NULL);

  /* NULL: refused with a critical, nothing moves */
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*reader != NULL*");
  g_assert_cmpuint (rb_ring_reader_read (NULL, buf, sizeof buf), ==, 0);
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*gap != NULL*");
  {
    g_autoptr (RbRingReader) reader =
        new_reader (over, RB_READER_POLICY_CATCH_UP, 0);

    g_assert_false (rb_ring_reader_pop_gap (reader, NULL));
    g_test_assert_expected_messages ();
    g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
        "*cause < N_CAUSES*");
    g_assert_cmpuint (rb_ring_reader_get_gap_total (reader,
            (RbGapCause) 9), ==, 0);
    g_test_assert_expected_messages ();
    g_assert_false (rb_ring_reader_pop_gap (reader, &gap));
  }
}

/* The advisory count of readers in the header, as a monitor sees it. */
static void
test_reader_count (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = rb_test_unique_name ("rbtest-reader");
  g_autoptr (RbRing) owner = create_named (name, RB_RING_ROLE_PRODUCER);
  RbRing *a, *b;
  RbRingStatus status;

  a = rb_test_ring_open (name, RB_RING_ROLE_READER);
  b = rb_test_ring_open (name, RB_RING_ROLE_READER);
  g_assert_true (rb_ring_status_read_named (name, &status, &error));
  g_assert_cmpint (status.readers, ==, 2);
  rb_ring_close (a);
  rb_ring_close (a);            /* twice: counted once */
  g_object_unref (a);
  rb_ring_get_status (owner, &status);
  g_assert_cmpint (status.readers, ==, 1);
  g_object_unref (b);           /* finalize closes */
  rb_ring_get_status (owner, &status);
  g_assert_cmpint (status.readers, ==, 0);
  rb_ring_unlink (name, NULL);
}

/* A hostile count in the header: reported as unknown (-1), never wrapped
 * by attaching or closing readers. */
static void
test_reader_count_hostile (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = rb_test_unique_name ("rbtest-reader");
  g_autofree gchar *path = rb_ring_name_to_path (name);
  g_autoptr (RbRing) owner = create_named (name, RB_RING_ROLE_PRODUCER);
  const guint32 forged = 0xffffffffu, zero = 0;
  RbRingStatus status;
  RbRing *tap;
  int fd;

  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  /* the readers count: control block offset 48, header offset 560 */
  g_assert_cmpint (pwrite (fd, &forged, 4, 560), ==, 4);
  rb_ring_get_status (owner, &status);
  g_assert_cmpint (status.readers, ==, -1);
  tap = rb_test_ring_open (name, RB_RING_ROLE_READER);
  rb_ring_close (tap);
  g_object_unref (tap);
  g_assert_true (rb_ring_status_read_named (name, &status, &error));
  g_assert_cmpint (status.readers, ==, -1);
  {
    guint32 raw = 0;
    int rfd = open (path, O_RDONLY);

    g_assert_cmpint (pread (rfd, &raw, 4, 560), ==, 4);
    g_assert_cmphex (raw, ==, forged);   /* left as it was */
    close (rfd);
  }
  /* and a reader closing at 0 does not wrap below it */
  g_assert_cmpint (pwrite (fd, &zero, 4, 560), ==, 4);
  tap = rb_test_ring_open (name, RB_RING_ROLE_READER);
  g_assert_cmpint (pwrite (fd, &zero, 4, 560), ==, 4);
  g_object_unref (tap);
  rb_ring_get_status (owner, &status);
  g_assert_cmpint (status.readers, ==, 0);
  close (fd);
  rb_ring_unlink (name, NULL);
}

/* --- stress: a writer lapping two readers --------------------------------- */

#define STRESS_BYTES (8u << 20)

typedef struct {
  RbRingReader *reader;
  guint64 start;                /* its position when made */
  Tally tally;
  atomic_bool *done;
} ReaderThread;

static void *
reader_thread (void *data)
{
  ReaderThread *rt = data;
  guint32 seed = 1;

  for (;;) {
    /* acquire: pairs with the writer's release store of done, after its
     * last write */
    gboolean last = atomic_load_explicit (rt->done, memory_order_acquire);
    gsize n;

    seed = seed * 1103515245u + 12345u;
    n = check_read (rt->reader, 1 + (seed >> 8) % CAP, &rt->tally);
    if (!rt->tally.ok || (last && n == 0))
      break;
    if ((seed >> 4) % 8 == 0)
      g_thread_yield ();
  }
  return NULL;
}

static void
writer_loop (RbRing *ring, guint64 total)
{
  g_autofree guint8 *buf = g_malloc (2 * CAP);
  guint32 seed = 7;
  guint64 pos = rb_ring_get_write_position (ring);
  guint64 end = pos + total;

  while (pos < end) {
    gsize n;

    seed = seed * 1103515245u + 12345u;
    /* now and then a burst of two rings' worth, which laps any reader */
    n = MIN ((seed >> 4) % 64 == 0 ? 2 * CAP : 1 + (seed >> 8) % (CAP / 8),
        end - pos);
    fill_stream (buf, pos, n);
    g_assert_cmpuint (rb_ring_write (ring, buf, n), ==, n);
    pos += n;
    /* let the readers run: they should keep up at times and be lapped at
     * others */
    sched_yield ();
  }
}

static void
check_totals (ReaderThread *rt, guint64 written)
{
  Tally *t = &rt->tally;

  g_assert_true (t->ok);
  /* the bursts hold bytes no reader can see: the gap paths ran */
  g_assert_cmpuint (t->n_gaps, >, 0);
  g_assert_cmpuint (t->delivered, >, 0);
  /* from where the reader started: a writer in another process may have
   * written more than the ring holds before the reader was made, and a
   * reader starts at the oldest byte held (CI once saw a catch-up reader
   * start 5255 bytes in, and the count from 0 come up that short) */
  g_assert_cmpuint (t->delivered + t->gaps[RB_GAP_OVERWRITTEN] +
      t->gaps[RB_GAP_SKIP], ==, written - rt->start);
  for (int c = RB_GAP_OVERWRITTEN; c <= RB_GAP_SKIP; c++)
    g_assert_cmpuint (t->gaps[c], ==,
        rb_ring_reader_get_gap_total (rt->reader, c));
  g_test_message ("%s reader: delivered %" G_GUINT64_FORMAT ", overwritten %"
      G_GUINT64_FORMAT ", skipped %" G_GUINT64_FORMAT " in %" G_GUINT64_FORMAT
      " gaps", rb_ring_reader_get_policy (rt->reader) ==
      RB_READER_POLICY_LATEST ? "latest" : "catch-up", t->delivered,
      t->gaps[RB_GAP_OVERWRITTEN], t->gaps[RB_GAP_SKIP], t->n_gaps);
}

static void
run_readers (RbRing *ring, RbRing *writer, guint64 total)
{
  atomic_bool done = false;
  ReaderThread rts[2] = {
    { new_reader (ring, RB_READER_POLICY_CATCH_UP, 0), 0, { .ok = TRUE },
      &done },
    { new_reader (ring, RB_READER_POLICY_LATEST, 1024), 0, { .ok = TRUE },
      &done },
  };
  pthread_t threads[2];

  for (int i = 0; i < 2; i++)
    rts[i].start = rb_ring_reader_get_position (rts[i].reader);
  for (int i = 0; i < 2; i++)
    g_assert_cmpint (pthread_create (&threads[i], NULL, reader_thread,
            &rts[i]), ==, 0);
  if (writer != NULL)
    writer_loop (writer, total);
  else
    while (!rb_ring_is_end_of_stream (ring))
      g_usleep (1000);
  /* release: pairs with the readers' acquire load */
  atomic_store_explicit (&done, true, memory_order_release);
  for (int i = 0; i < 2; i++) {
    g_assert_cmpint (pthread_join (threads[i], NULL), ==, 0);
    check_totals (&rts[i], rb_ring_get_write_position (ring));
    rb_ring_reader_unref (rts[i].reader);
  }
}

static void
test_stress_threads (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (CAP, RB_RING_FLAGS_OVERWRITE);

  run_readers (ring, ring, STRESS_BYTES);
}

/* The writer in another process, the readers here, on a named ring. */
static void
test_stress_process (void)
{
  g_autofree gchar *name = rb_test_unique_name ("rbtest-reader");
  g_autoptr (RbRing) owner = create_named (name, RB_RING_ROLE_CONSUMER);
  g_autoptr (RbRing) tap = NULL;
  pid_t pid;
  int status;

  tap = rb_test_ring_open (name, RB_RING_ROLE_READER);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0) {
    RbRing *producer;

#ifdef HAVE_VALGRIND_H
    /* the child holds copies of the parent's objects it never frees:
     * only the parent's leaks count (meson test --setup valgrind) */
    VALGRIND_CLO_CHANGE ("--leak-check=no");
#endif
    producer = rb_ring_open (name, RB_RING_ROLE_PRODUCER, NULL);

    if (producer == NULL)
      _exit (3);
    writer_loop (producer, STRESS_BYTES);
    rb_ring_set_end_of_stream (producer);
    _exit (0);
  }
  run_readers (tap, NULL, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (rb_ring_get_write_position (tap), ==, STRESS_BYTES);
  rb_ring_unlink (name, NULL);
}

static const RbTestCase cases[] = {
  { "/reader/catch-up", test_catch_up },
  { "/reader/latest", test_latest },
  { "/reader/lossless/overwrite", test_lossless_overwrite },
  { "/reader/lossless/plain", test_lossless_plain },
  { "/reader/cause/underrun", test_underrun },
  { "/reader/cause/restart", test_restart },
  { "/reader/cause/restart-lossless", test_restart_lossless },
  { "/reader/cause/restart-hostile", test_restart_hostile },
  { "/reader/journal-overflow", test_journal_overflow },
  { "/reader/getters-pure", test_getters_pure },
  { "/reader/bad-input", test_bad_input },
  { "/reader/count", test_reader_count },
  { "/reader/count-hostile", test_reader_count_hostile },
  { "/reader/stress/threads", test_stress_threads },
  { "/reader/stress/process", test_stress_process },
};

RB_TEST_MAIN (cases)
