/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Views at absolute positions while the producer laps them (issue #15):
 * one producer streams into an overwrite ring as fast as it can; readers
 * take views (rb_ring_view_at()) at the oldest position, near the write
 * position and anywhere between, read them, and check them
 * (rb_ring_view_at_check()). Every view must either check good, with
 * exactly the stream's bytes at its position (a checksum of what was
 * read against the stream's, and the first wrong byte named), or report
 * itself lapped; and a view whose start the oldest position had passed
 * before the check must report lapped. The slow reader holds each view at
 * in the middle of the ring until the oldest position has passed it,
 * so laps while held happen on every run (and must be reported: the check
 * above), and the run fails if none was seen.
 *
 * Built twice over stress-ring.h: the core (test-stress-view-core, also
 * linked against the mutant core RB_MUTANT_VIEW_CHECK_WRITE_POS, which
 * must be caught) and the public API (test-stress-view-ring).
 *
 * The readers read views with atomic acquire loads (the core's
 * copy_out_acquire()), as rb_ring_read_at() copies: a plain read of bytes
 * the producer is rewriting is a data race by C11's definition, which
 * ThreadSanitizer would rightly report; the check is what makes such a
 * read safe to use, and the race is the caller's (docs/ring.md). The
 * stream stops on a relaxed flag, so every happens-before edge between
 * the threads comes from the ring.
 *
 * Size: STRESS_BYTES written (a plain byte count) and/or STRESS_SECONDS,
 * whichever ends first. */

/* first: GLib's MIN (stress-ring.h) replaces the core's, not the reverse */
#include "rb-ring-core-inline-private.h"
#include "stress-ring.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#ifdef STRESS_BACKEND_CORE
#include "rb-ring-core-view-private.h"

static inline const uint8_t *
view_at (StressRing *ring, uint64_t pos, size_t count, size_t *n)
{
  enum rb_range status;

  return rb_ring_core_view_at (R (ring), pos, count, n, &status);
}

#define view_check(ring, pos, n) \
    ((int) rb_ring_core_view_check (R (ring), pos, n))
#define VIEW_GOOD RB_RANGE_OK
#define VIEW_LAPPED RB_RANGE_OVERTAKEN
#else
#define view_at(ring, pos, count, n) rb_ring_view_at (ring, pos, count, n)
#define view_check(ring, pos, n) ((int) rb_ring_view_at_check (ring, pos, n))
#define VIEW_GOOD RB_RANGE_AVAILABLE
#define VIEW_LAPPED RB_RANGE_LAPPED
#endif

#define CAPACITY (16 * 1024u)

/* --- the stream: each aligned word is a hash of its position ----------- */

static uint64_t key;

static inline uint64_t
word_at (uint64_t q)
{
  return ((q >> 3) ^ key) * UINT64_C (0x9e3779b97f4a7c15);
}

static void
fill (uint8_t *dst, uint64_t pos, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uint64_t p = pos + i;
    dst[i] = (uint8_t) (word_at (p) >> (8 * (p & 7)));
  }
}

/* FNV-1a over @n bytes. */
static uint64_t
checksum (const uint8_t *b, size_t n)
{
  uint64_t h = UINT64_C (0xcbf29ce484222325);

  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * UINT64_C (0x100000001b3);
  return h;
}

/* --- the run ------------------------------------------------------------- */

typedef struct {
  StressRing *ring;
  uint64_t byte_limit;          /* 0: none */
  int64_t deadline;             /* g_get_monotonic_time (); 0: none */
  atomic_bool stop;             /* relaxed: no data depends on it */
} Run;

typedef struct {
  Run *run;
  const char *name;
  bool slow;                    /* hold views at the oldest position */
  uint64_t rng;
  /* results, handed over by pthread_join() */
  uint64_t bytes, good, lapped, missed, held_laps;
  bool failed;
  char failure[400];
} Side;

static uint64_t
rng_next (uint64_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void
fail (Side *s, const char *kind, const char *what)
{
  if (s->failed)
    return;
  s->failed = true;
  g_strlcpy (s->failure, what, sizeof s->failure);
  /* the marker tells run-mutant.sh that the harness caught it */
  fprintf (stderr, "STRESS %s (%s): %s\n", kind, s->name, what);
  /* relaxed: only tells the others to give up */
  atomic_store_explicit (&s->run->stop, true, memory_order_relaxed);
}

static bool
stopped (Run *run)
{
  /* relaxed: pairs with the relaxed stores in fail() and the producer */
  return atomic_load_explicit (&run->stop, memory_order_relaxed);
}

static void *
producer (void *data)
{
  Side *s = data;
  Run *run = s->run;
  uint8_t *buf = g_malloc (2 * CAPACITY);
  uint64_t pos = 0;
  unsigned tick = 0;

  while (!stopped (run)) {
    uint64_t r = rng_next (&s->rng);
    /* mostly short writes; now and then one longer than the ring, during
     * which nothing is readable */
    size_t n = 1 + (size_t) (r % ((r & 0xf00000) == 0 ? 2 * CAPACITY :
            CAPACITY / 4));

    fill (buf, pos, n);
    if (stress_ring_write (run->ring, buf, n) != n) {
      fail (s, "INVARIANT", "an overwrite ring took less than asked");
      break;
    }
    pos += n;
    s->bytes += n;
    if (run->byte_limit != 0 && s->bytes >= run->byte_limit)
      break;
    if (run->deadline != 0 && (++tick & 15) == 0 &&
        g_get_monotonic_time () >= run->deadline)
      break;
  }
  /* relaxed: the readers only stop */
  atomic_store_explicit (&run->stop, true, memory_order_relaxed);
  g_free (buf);
  return NULL;
}

/* A view's position: at the oldest position, just behind the write
 * position, or anywhere in between. */
static uint64_t
choose (Side *s, size_t *want)
{
  StressRing *ring = s->run->ring;
  uint64_t oldest = stress_ring_oldest_position (ring);
  uint64_t w = stress_ring_write_position (ring);
  uint64_t span = pos_before (oldest, w) ? w - oldest : 0;
  uint64_t r = rng_next (&s->rng);

  *want = 1 + (size_t) (r >> 40) % 2048;
  if (s->slow)                  /* mid-ring: taken before it is lapped */
    return oldest + span / 2;
  if (span == 0 || r % 3 == 0)
    return oldest;
  if (r % 3 == 1)
    return span > *want ? w - *want : oldest;
  return oldest + (r >> 20) % span;
}

/* The slow reader holds its view until the oldest position has passed
 * its start (or for a while, should the producer stall). */
static void
hold (Side *s, uint64_t pos)
{
  for (int i = 0; i < 100000 && !stopped (s->run); i++) {
    if (pos_before (pos, stress_ring_oldest_position (s->run->ring)))
      return;
    sched_yield ();
  }
}

static void
verify (Side *s, const uint8_t *got, uint8_t *want, uint64_t pos, size_t n)
{
  char what[300];

  fill (want, pos, n);
  if (checksum (got, n) == checksum (want, n) && memcmp (got, want, n) == 0)
    return;
  for (size_t i = 0; i < n; i++) {
    if (got[i] != want[i]) {
      snprintf (what, sizeof what, "a view at %" PRIu64 " of %zu bytes "
          "checked good, but its byte at %" PRIu64 " is 0x%02x, expected "
          "0x%02x (checksums %016" PRIx64 " / %016" PRIx64 ")", pos, n,
          pos + i, got[i], want[i], checksum (got, n), checksum (want, n));
      fail (s, "DATA MISMATCH", what);
      return;
    }
  }
}

static void *
reader (void *data)
{
  Side *s = data;
  StressRing *ring = s->run->ring;
  uint8_t *got = g_malloc (2048), *want = g_malloc (2048);
  char what[300];

  while (!stopped (s->run)) {
    size_t ask, n = 0;
    uint64_t pos = choose (s, &ask), oldest;
    const uint8_t *view;
    int st;

    view = view_at (ring, pos, ask, &n);
    if (view == NULL) {
      s->missed++;              /* lapped or not written before we got it */
      continue;
    }
    if (n == 0 || n > ask) {
      snprintf (what, sizeof what, "a view of %zu bytes for %zu", n, ask);
      fail (s, "INVARIANT", what);
      break;
    }
    copy_out_acquire (got, view, n / 2);
    if (s->slow)
      hold (s, pos);
    copy_out_acquire (got + n / 2, view + n / 2, n - n / 2);
    oldest = stress_ring_oldest_position (ring);
    st = view_check (ring, pos, n);
    if (st == VIEW_LAPPED) {
      s->lapped++;
      /* the start was good when the view was taken: lapped while held */
      if (s->slow)
        s->held_laps++;
    } else if (st != VIEW_GOOD) {
      snprintf (what, sizeof what, "view_at_check returned %d", st);
      fail (s, "INVARIANT", what);
    } else if (pos_before (pos, oldest)) {
      snprintf (what, sizeof what, "a view at %" PRIu64 " checked good "
          "after the oldest position had passed it (%" PRIu64 ")", pos,
          oldest);
      fail (s, "INVARIANT", what);
    } else {
      verify (s, got, want, pos, n);
      s->good++;
      s->bytes += n;
    }
  }
  g_free (got);
  g_free (want);
  return NULL;
}

static void
side_init (Side *s, Run *run, const char *name, bool slow)
{
  memset (s, 0, sizeof *s);
  s->run = run;
  s->name = name;
  s->slow = slow;
  s->rng = ((uint64_t) g_test_rand_int () << 32) | g_test_rand_int () | 1;
}

static void
test_lapped (void)
{
  Run run = { 0 };
  Side sides[3];
  void *(*funcs[3]) (void *) = { producer, reader, reader };
  pthread_t threads[3];
  const char *env;

  run.ring = stress_ring_new (CAPACITY, true);
  g_assert_cmpuint (stress_ring_capacity (run.ring), ==, CAPACITY);
  env = g_getenv ("STRESS_BYTES");
  run.byte_limit = env != NULL ? g_ascii_strtoull (env, NULL, 10) :
      UINT64_C (256) << 20;
  env = g_getenv ("STRESS_SECONDS");
  if (env != NULL && g_ascii_strtod (env, NULL) > 0)
    run.deadline = g_get_monotonic_time () +
        (int64_t) (g_ascii_strtod (env, NULL) * 1e6);
  g_assert_true (run.byte_limit != 0 || run.deadline != 0);
  atomic_init (&run.stop, false);

  side_init (&sides[0], &run, "producer", false);
  side_init (&sides[1], &run, "reader", false);
  side_init (&sides[2], &run, "slow reader", true);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (pthread_create (&threads[i], NULL, funcs[i], &sides[i]),
        ==, 0);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (pthread_join (threads[i], NULL), ==, 0);
  for (int i = 0; i < 3; i++) {
    if (sides[i].failed) {
      g_test_fail_printf ("%s: %s", sides[i].name, sides[i].failure);
      stress_ring_free (run.ring);
      return;
    }
  }

  for (int i = 1; i < 3; i++)
    g_test_message ("%s: %" PRIu64 " views good (%" PRIu64 " bytes checked), "
        "%" PRIu64 " lapped (%" PRIu64 " while held), %" PRIu64 " not "
        "handed out; producer wrote %" PRIu64 " bytes", sides[i].name,
        sides[i].good, sides[i].bytes, sides[i].lapped, sides[i].held_laps,
        sides[i].missed, sides[0].bytes);
  /* both outcomes happened, or the run proved nothing */
  g_assert_cmpuint (sides[1].good + sides[2].good, >, 0);
  g_assert_cmpuint (sides[2].held_laps, >, 0);
  stress_ring_free (run.ring);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  key = ((uint64_t) g_test_rand_int () << 32) | g_test_rand_int ();
  g_test_add_func ("/" STRESS_BACKEND_NAME "/stress-view/lapped", test_lapped);
  return g_test_run ();
}
