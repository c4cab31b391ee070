/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Zero-copy views at absolute positions (rb_ring_view_at(),
 * rb_ring_view_at_check()), step by step: across the mirror seam, at the
 * oldest position, before and after the data, lapped while held (by
 * whole writes, and by a write still in flight), on audio, plain and
 * wrapping rings. The two-thread stress is tests/stress/test-stress-view.c. */

#include <ringbridge/ringbridge.h>
#include "rb-ring-private.h"

#include <unistd.h>

#include "../common/rb-test-ring.h"

/* The view of up to @max bytes at @pos: there, the stream's bytes, and
 * checked as available; returns its size. */
static gsize
view_available (RbRing *ring, guint64 pos, gsize max)
{
  gsize got = G_MAXSIZE;
  const guint8 *view = rb_ring_view_at (ring, pos, max, &got);

  g_assert_nonnull (view);
  assert_stream (view, pos, got);
  g_assert_cmpint (rb_ring_view_at_check (ring, pos, got), ==,
      RB_RANGE_AVAILABLE);
  return got;
}

/* A view across the end of the data area is one contiguous region. */
static void
test_seam (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  gsize cap = rb_ring_get_capacity (ring), got = 0;
  guint64 pos;

  rb_test_write_stream (ring, cap - 100);
  rb_test_write_stream (ring, 300);
  /* from 200 bytes before the seam to 100 after it */
  pos = cap - 200;
  got = view_available (ring, pos, 300);
  g_assert_cmpuint (got, ==, 300);

  /* the whole ring, starting anywhere: still one region */
  rb_test_write_stream (ring, cap);
  pos = rb_ring_get_oldest_position (ring);
  got = view_available (ring, pos, 2 * cap);
  g_assert_cmpuint (got, ==, rb_ring_get_write_position (ring) - pos);
  g_assert_cmpuint (got, ==, cap);
}

/* The oldest position still held is viewable; the byte before it is not. */
static void
test_oldest (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  gsize cap = rb_ring_get_capacity (ring), got = 99;
  guint64 oldest;

  rb_test_write_stream (ring, 3 * cap + 123);
  oldest = rb_ring_get_oldest_position (ring);
  g_assert_cmpuint (oldest, >, 0);
  got = view_available (ring, oldest, 10);
  g_assert_cmpuint (got, ==, 10);

  got = 99;
  g_assert_null (rb_ring_view_at (ring, oldest - 1, 10, &got));
  g_assert_cmpuint (got, ==, 0);
  g_assert_cmpint (rb_ring_check_range (ring, oldest - 1, 10), ==,
      RB_RANGE_OVERWRITTEN);
  g_assert_null (rb_ring_view_at (ring, 0, 10, &got));
  /* a check of a range already gone before the view: lapped, never good */
  g_assert_cmpint (rb_ring_view_at_check (ring, oldest - 1, 10), ==,
      RB_RANGE_LAPPED);
}

/* At or past the write position there is nothing to view; a range that is
 * only partly written gives the written part. */
static void
test_future (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  gsize got = 99;
  const guint8 *view;

  g_assert_null (rb_ring_view_at (ring, 0, 1, &got));
  g_assert_cmpuint (got, ==, 0);
  rb_test_write_stream (ring, 1000);
  g_assert_null (rb_ring_view_at (ring, 1000, 1, &got));
  g_assert_cmpint (rb_ring_check_range (ring, 1000, 1), ==,
      RB_RANGE_NOT_YET_WRITTEN);
  g_assert_null (rb_ring_view_at (ring, 5000, 1, &got));

  got = view_available (ring, 900, 500);
  g_assert_cmpuint (got, ==, 100);
  /* checking more than the view covered */
  g_assert_cmpint (rb_ring_view_at_check (ring, 900, 500), ==,
      RB_RANGE_NOT_YET_WRITTEN);

  /* a view of nothing at a readable position */
  view = rb_ring_view_at (ring, 900, 0, &got);
  g_assert_nonnull (view);
  g_assert_cmpuint (got, ==, 0);
}

/* Held while the producer writes on: good until the producer's write
 * reaches the view's first byte, lapped from then on, exactly. */
static void
test_lapped (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  gsize cap = rb_ring_get_capacity (ring), got = 0;
  const guint8 *view;
  guint64 pos = 1000;

  rb_test_write_stream (ring, 2000);
  view = rb_ring_view_at (ring, pos, 500, &got);
  g_assert_nonnull (view);
  g_assert_cmpuint (got, ==, 500);

  /* the producer fills the ring up to the view's first byte: not lapped */
  rb_test_write_stream (ring, pos + cap - rb_ring_get_write_position (ring));
  g_assert_cmpuint (rb_ring_get_oldest_position (ring), ==, pos);
  assert_stream (view, pos, got);
  g_assert_cmpint (rb_ring_view_at_check (ring, pos, got), ==,
      RB_RANGE_AVAILABLE);

  /* one more byte overwrites the view's first one */
  rb_test_write_stream (ring, 1);
  g_assert_cmpint (rb_ring_view_at_check (ring, pos, got), ==,
      RB_RANGE_LAPPED);
  g_assert_cmpint (rb_ring_view_at_check (ring, pos, 1), ==,
      RB_RANGE_LAPPED);
  /* the view's memory now holds the new data */
  g_assert_cmpuint (view[0], ==, stream_byte (pos + cap));
  /* the rest of the old range, from the new oldest position, is good */
  g_assert_cmpint (rb_ring_view_at_check (ring, pos + 1, got - 1), ==,
      RB_RANGE_AVAILABLE);
}

/* The producer announces a write before its data lands: a view it is
 * overwriting is lapped before the write position moves (the check
 * rb_ring_read_at() makes after its copy). */
static void
test_lapped_in_flight (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  gsize cap = rb_ring_get_capacity (ring), got = 0;
  struct rb_shm_header *h = rb_ring_header_of (ring);
  guint64 pos, w;

  rb_test_write_stream (ring, 2 * cap);
  pos = rb_ring_get_oldest_position (ring);
  g_assert_nonnull (rb_ring_view_at (ring, pos, 64, &got));
  g_assert_cmpuint (got, ==, 64);
  w = rb_ring_get_write_position (ring);

  /* what write_overwrite() stores first: the end of a 10-byte write in
   * flight, whose data would cover [pos, pos + 10). Relaxed, as there:
   * one thread here, and the check's load of it is relaxed too. */
  atomic_store_explicit (&h->write_reserve, w + 10, memory_order_relaxed);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, w);
  g_assert_cmpint (rb_ring_view_at_check (ring, pos, got), ==,
      RB_RANGE_LAPPED);
  /* and no new view is handed out where it lands */
  g_assert_null (rb_ring_view_at (ring, pos, 64, &got));
  g_assert_nonnull (rb_ring_view_at (ring, pos + 10, 64, &got));
  g_assert_cmpuint (got, ==, 64);

  /* the producer publishes the write: same answers */
  rb_test_write_stream (ring, 10);
  g_assert_cmpint (rb_ring_view_at_check (ring, pos, got), ==,
      RB_RANGE_LAPPED);
  g_assert_cmpint (rb_ring_view_at_check (ring, pos + 10, got), ==,
      RB_RANGE_AVAILABLE);
}

/* Audio rings: whole frames, positions on frame boundaries. */
static void
test_audio (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S24LE, 2,
      48000, 1000, RB_RING_FLAGS_OVERWRITE, &error);
  gsize fs = 6, frames, got = 0;
  const guint8 *view;
  guint64 pos;

  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_get_frame_size (ring), ==, fs);
  frames = rb_ring_get_capacity (ring) / fs;
  /* a few laps, so that frames straddle the seam */
  rb_test_write_stream (ring, (3 * frames + 7) * fs);
  pos = rb_ring_get_oldest_position (ring);
  g_assert_cmpuint (pos % fs, ==, 0);
  got = view_available (ring, pos, 10 * fs + 5);
  g_assert_cmpuint (got, ==, 10 * fs);
  /* the view of all that is held, in whole frames */
  view = rb_ring_view_at (ring, pos, G_MAXSIZE, &got);
  g_assert_nonnull (view);
  g_assert_cmpuint (got, ==, rb_ring_get_write_position (ring) - pos);
  g_assert_cmpuint (got % fs, ==, 0);
  assert_stream (view, pos, got);

  /* a position inside a frame is a programming error */
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
      "*rb_ring_view_at*frame*");
  g_assert_null (rb_ring_view_at (ring, pos + 1, fs, &got));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (got, ==, 0);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
      "*rb_ring_view_at_check*frame*");
  g_assert_cmpint (rb_ring_view_at_check (ring, pos + 1, fs), ==,
      RB_RANGE_LAPPED);
  g_test_assert_expected_messages ();
}

/* A plain ring: the consumer's view of its unread data holds until it
 * releases that data. */
static void
test_plain (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  gsize got = 0;
  const guint8 *view;

  g_assert_no_error (error);
  rb_test_write_stream (ring, 1000);
  view = rb_ring_view_at (ring, 100, 200, &got);
  g_assert_nonnull (view);
  g_assert_cmpuint (got, ==, 200);
  assert_stream (view, 100, got);
  /* the producer cannot lap unread data: a full ring refuses the write */
  rb_test_write_stream (ring, rb_ring_write_available (ring));
  g_assert_cmpuint (rb_ring_write (ring, view, 1), ==, 0);
  g_assert_cmpint (rb_ring_view_at_check (ring, 100, got), ==,
      RB_RANGE_AVAILABLE);
  /* released by the consumer: the producer may reuse it */
  g_assert_cmpuint (rb_ring_skip (ring, 101), ==, 101);
  g_assert_cmpint (rb_ring_view_at_check (ring, 100, got), ==,
      RB_RANGE_LAPPED);
  g_assert_null (rb_ring_view_at (ring, 100, 1, &got));
  g_assert_nonnull (rb_ring_view_at (ring, 101, 1, &got));
}

/* Roles: a plain ring's producer may not view (only the consumer owns its
 * unread data); a reader of an overwrite ring, another object on the same
 * ring as a separate process would hold, may. */
static void
test_roles (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = g_strdup_printf ("rbtest-view-%d", (int) getpid ());
  g_autoptr (RbRing) producer = NULL;
  g_autoptr (RbRing) consumer = NULL;
  g_autoptr (RbRing) reader = NULL;
  const guint8 *view;
  gsize got = 0;

  producer = rb_test_ring_create (name, 4096, RB_RING_FLAGS_NONE);
  consumer = rb_test_ring_open (name, RB_RING_ROLE_CONSUMER);
  rb_test_write_stream (producer, 100);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
      "*rb_ring_view_at*producer role*consumer call*");
  g_assert_null (rb_ring_view_at (producer, 0, 10, &got));
  g_test_assert_expected_messages ();
  view = rb_ring_view_at (consumer, 0, 10, &got);
  g_assert_nonnull (view);
  assert_stream (view, 0, got);
  g_clear_object (&consumer);
  g_clear_object (&producer);
  g_assert_true (rb_ring_unlink (name, &error));
  g_assert_no_error (error);

  producer = rb_test_ring_create (name, 4096, RB_RING_FLAGS_OVERWRITE);
  reader = rb_test_ring_open (name, RB_RING_ROLE_READER);
  rb_test_write_stream (producer, 5000);
  got = view_available (reader, 4000, 1000);
  g_assert_cmpuint (got, ==, 1000);
  rb_test_write_stream (producer, 4096);
  g_assert_cmpint (rb_ring_view_at_check (reader, 4000, got), ==,
      RB_RANGE_LAPPED);
  g_clear_object (&reader);
  g_clear_object (&producer);
  g_assert_true (rb_ring_unlink (name, &error));
  g_assert_no_error (error);
}

/* Positions that wrap past 2^64 inside the view. */
static void
test_wrap (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  gsize cap = rb_ring_get_capacity (ring), got = 0;
  guint64 start = G_MAXUINT64 - (guint64) cap / 2;
  const guint8 *view;

  rb_ring_set_positions_for_test (ring, start);
  rb_test_write_stream (ring, cap);
  view = rb_ring_view_at (ring, start, cap, &got);
  g_assert_nonnull (view);
  g_assert_cmpuint (got, ==, cap);
  assert_stream (view, start, got);
  rb_test_write_stream (ring, 1);
  g_assert_cmpint (rb_ring_view_at_check (ring, start, got), ==,
      RB_RANGE_LAPPED);
  g_assert_cmpint (rb_ring_view_at_check (ring, start + 1, got - 1), ==,
      RB_RANGE_AVAILABLE);
}

/* Misuse is refused with a critical, never a good answer. */
static void
test_misuse (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (4096, RB_RING_FLAGS_OVERWRITE);
  gsize got = 0;

  rb_test_write_stream (ring, 100);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
      "*rb_ring_view_at*available != NULL*");
  g_assert_null (rb_ring_view_at (ring, 0, 1, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
      "*rb_ring_view_at*ring != NULL*");
  g_assert_null (rb_ring_view_at (NULL, 0, 1, &got));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
      "*rb_ring_view_at_check*ring != NULL*");
  g_assert_cmpint (rb_ring_view_at_check (NULL, 0, 1), ==, RB_RANGE_LAPPED);
  g_test_assert_expected_messages ();
}

static const RbTestCase cases[] = {
  { "/view-at/seam", test_seam },
  { "/view-at/oldest", test_oldest },
  { "/view-at/future", test_future },
  { "/view-at/lapped", test_lapped },
  { "/view-at/lapped-in-flight", test_lapped_in_flight },
  { "/view-at/audio", test_audio },
  { "/view-at/plain", test_plain },
  { "/view-at/roles", test_roles },
  { "/view-at/wrap", test_wrap },
  { "/view-at/misuse", test_misuse },
};

RB_TEST_MAIN (cases)
