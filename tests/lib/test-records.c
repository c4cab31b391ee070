/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Records mode: whole records in and out, across the wrap, all or nothing,
 * in place and copied, hostile headers, and a two-thread stream of records
 * of random sizes whose every byte and header field is checked. */

#include <ringbridge/ringbridge.h>
#include "rb-shm-private.h"

#include <string.h>
#include "../common/rb-test.h"
#include "../common/rb-test-ring.h"

#define new_records(cap) rb_test_ring_new (cap, RB_RING_FLAGS_RECORDS)

static void
fill (guint8 *p, gsize n, guint64 seed)
{
  for (gsize i = 0; i < n; i++)
    p[i] = (guint8) ((seed * 131 + i * 7) >> 1);
}

static void
check (const guint8 *p, gsize n, guint64 seed)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != (guint8) ((seed * 131 + i * 7) >> 1))
      g_error ("record %" G_GUINT64_FORMAT ": byte %zu is wrong", seed, i);
}

static void
test_flags (void)
{
  GError *error = NULL;

  g_assert_null (rb_ring_new_full (4096, RB_RING_FLAGS_RECORDS |
          RB_RING_FLAGS_OVERWRITE, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS);
  g_assert_nonnull (strstr (error->message, "overwrite"));
  g_clear_error (&error);
  g_assert_null (rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, 48000, 1024,
          RB_RING_FLAGS_RECORDS, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS);
  g_assert_nonnull (strstr (error->message, "S16LE"));
  g_clear_error (&error);
}

static void
test_round_trip (void)
{
  g_autoptr (RbRing) ring = new_records (4096);
  guint8 in[4096], out[4096];
  RbRecordInfo info, got;
  guint64 seq = 0;

  g_assert_cmpuint (rb_ring_get_max_record_size (ring), ==, 4096 - 56);
  /* every size from 0 to 300, so records start at every 8-byte offset and
   * many cross the wrap */
  for (gsize size = 0; size <= 300; size++, seq++) {
    rb_record_info_init (&info, RB_RECORD_TYPE_DATA, (guint32) size);
    info.flags = (guint32) size * 3;
    info.pts = (gint64) seq * 1000;
    info.dts = -(gint64) seq;
    info.duration = 20;
    info.offset = seq;
    info.offset_end = seq + 1;
    fill (in, size, seq);
    g_assert_true (rb_ring_write_record (ring, &info, in, size));
    /* whole records only, 8-byte aligned */
    g_assert_cmpuint (rb_ring_get_write_position (ring) % 8, ==, 0);

    g_assert_true (rb_ring_peek_record (ring, &got));
    g_assert_cmpuint (got.size, ==, size);
    g_assert_true (rb_ring_read_record (ring, &got, out, sizeof out));
    g_assert_cmpuint (got.type, ==, RB_RECORD_TYPE_DATA);
    g_assert_cmpuint (got.flags, ==, size * 3);
    g_assert_cmpint (got.pts, ==, (gint64) seq * 1000);
    g_assert_cmpint (got.dts, ==, -(gint64) seq);
    g_assert_cmpint (got.duration, ==, 20);
    g_assert_cmpuint (got.offset, ==, seq);
    g_assert_cmpuint (got.offset_end, ==, seq + 1);
    check (out, size, seq);
    g_assert_false (rb_ring_peek_record (ring, &got));
  }
  g_assert_cmpuint (rb_ring_read_available (ring), ==, 0);
}

static void
test_all_or_nothing (void)
{
  g_autoptr (RbRing) ring = new_records (4096);
  guint8 buf[8192] = { 0 };
  RbRecordInfo info, got;
  int n = 0;

  rb_record_info_init (&info, RB_RECORD_TYPE_APPLICATION + 7, 1000);
  while (rb_ring_write_record (ring, &info, buf, 1000))
    n++;
  /* 1056 bytes each: three fit in 4096, the fourth is refused whole */
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 3 * 1056);
  g_assert_cmpuint (rb_ring_get_overruns (ring), ==, 1);

  /* too large ever: refused, not counted as an overrun */
  rb_record_info_init (&info, RB_RECORD_TYPE_DATA, 4096);
  g_assert_false (rb_ring_write_record (ring, &info, buf, 4096));
  g_assert_cmpuint (rb_ring_get_overruns (ring), ==, 1);
  /* size must agree with the header */
  rb_record_info_init (&info, RB_RECORD_TYPE_DATA, 10);
  g_assert_false (rb_ring_write_record (ring, &info, buf, 11));
  g_assert_false (rb_ring_write_record (ring, &info, NULL, 10));

  /* a buffer too small leaves the record and says its size */
  g_assert_false (rb_ring_read_record (ring, &got, buf, 999));
  g_assert_cmpuint (got.size, ==, 1000);
  g_assert_cmpuint (got.type, ==, RB_RECORD_TYPE_APPLICATION + 7);
  g_assert_true (rb_ring_read_record (ring, &got, buf, 1000));
}

static void
test_zero_copy (void)
{
  g_autoptr (RbRing) ring = new_records (4096);
  RbRecordInfo info, got;
  const guint8 *q;
  guint8 *p;

  for (guint64 k = 0; k < 50; k++) {
    gsize size = 100 + (gsize) (k * 37 % 900);
    p = rb_ring_write_record_acquire (ring, 2000);
    g_assert_nonnull (p);
    fill (p, size, k);
    rb_record_info_init (&info, RB_RECORD_TYPE_DATA, (guint32) size);
    info.pts = (gint64) k;
    /* nothing is visible before the commit */
    g_assert_false (rb_ring_peek_record (ring, &got));
    g_assert_true (rb_ring_write_record_commit (ring, &info));
    /* a second commit without an acquire is refused */
    g_assert_false (rb_ring_write_record_commit (ring, &info));

    q = rb_ring_read_record_acquire (ring, &got);
    g_assert_nonnull (q);
    g_assert_cmpuint (got.size, ==, size);
    g_assert_cmpint (got.pts, ==, (gint64) k);
    check (q, size, k);
    rb_ring_read_record_release (ring);
    rb_ring_read_record_release (ring);         /* harmless */
  }
  /* more than acquired cannot be committed */
  g_assert_nonnull (rb_ring_write_record_acquire (ring, 10));
  rb_record_info_init (&info, RB_RECORD_TYPE_DATA, 11);
  g_assert_false (rb_ring_write_record_commit (ring, &info));
  /* room that is not there is not handed out */
  g_assert_null (rb_ring_write_record_acquire (ring, 5000));
}

/* rb_ring_skip_record(): discards exactly the next record, on an empty
 * ring nothing; an acquired record is the one skipped, and its release
 * then moves nothing more. */
static void
test_skip (void)
{
  g_autoptr (RbRing) ring = new_records (4096);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) bytes = rb_ring_new (4096, &error);
  RbRecordInfo info, got;
  guint8 buf[64];

  g_assert_no_error (error);
  g_assert_false (rb_ring_skip_record (ring));
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 0);
  for (guint64 k = 0; k < 4; k++) {
    rb_record_info_init (&info, RB_RECORD_TYPE_DATA, 10 + (guint32) k);
    info.pts = (gint64) k;
    fill (buf, 10 + k, k);
    g_assert_true (rb_ring_write_record (ring, &info, buf, 10 + k));
  }
  g_assert_true (rb_ring_skip_record (ring));
  g_assert_true (rb_ring_read_record (ring, &got, buf, sizeof buf));
  g_assert_cmpint (got.pts, ==, 1);
  check (buf, got.size, 1);
  /* acquired, then skipped: the release must not drop record 3 */
  g_assert_nonnull (rb_ring_read_record_acquire (ring, &got));
  g_assert_cmpint (got.pts, ==, 2);
  g_assert_true (rb_ring_skip_record (ring));
  rb_ring_read_record_release (ring);
  g_assert_true (rb_ring_read_record (ring, &got, buf, sizeof buf));
  g_assert_cmpint (got.pts, ==, 3);
  g_assert_false (rb_ring_skip_record (ring));
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==,
      rb_ring_get_write_position (ring));
  /* a byte ring holds no records: nothing moves */
  g_assert_cmpuint (rb_ring_write (bytes, buf, 32), ==, 32);
  g_assert_false (rb_ring_skip_record (bytes));
  g_assert_cmpuint (rb_ring_read_available (bytes), ==, 32);
}

static void
test_bytes (void)
{
  g_autoptr (RbRing) ring = new_records (4096);
  RbRecordInfo info;
  g_autoptr (GBytes) b = NULL;

  g_assert_null (rb_ring_read_record_bytes (ring, &info));
  rb_record_info_init (&info, RB_RECORD_TYPE_CAPS, 14);
  g_assert_true (rb_ring_write_record (ring, &info,
          (const guint8 *) "audio/x-raw, ", 14));
  memset (&info, 0, sizeof info);
  b = rb_ring_read_record_bytes (ring, &info);
  g_assert_nonnull (b);
  g_assert_cmpuint (info.type, ==, RB_RECORD_TYPE_CAPS);
  g_assert_cmpmem (g_bytes_get_data (b, NULL), g_bytes_get_size (b),
      "audio/x-raw, ", 14);
  {
    RbRecordInfo *copy = rb_record_info_copy (&info);
    g_assert_cmpuint (copy->size, ==, 14);
    rb_record_info_free (copy);
  }
}

/* A producer that publishes an impossible record header: the consumer gets
 * no record, never bytes from beyond what was published. */
static void
test_hostile_header (void)
{
  g_autoptr (RbRing) ring = new_records (4096);
  guint8 buf[8192];
  RbRecordInfo info;
  guint32 huge = 1u << 30;
  guint8 *data;
  gsize n;

  rb_record_info_init (&info, RB_RECORD_TYPE_DATA, 16);
  g_assert_true (rb_ring_write_record (ring, &info, buf, 16));
  /* rewrite the published record's size field in place */
  data = (guint8 *) rb_ring_read_acquire (ring, &n);
  g_assert_cmpuint (n, ==, 72);
  memcpy (data, &huge, sizeof huge);
  g_assert_false (rb_ring_peek_record (ring, &info));
  g_assert_false (rb_ring_read_record (ring, &info, buf, sizeof buf));
  g_assert_null (rb_ring_read_record_acquire (ring, &info));
  /* a size that reaches just past the published bytes */
  huge = 17;
  memcpy (data, &huge, sizeof huge);
  g_assert_false (rb_ring_read_record (ring, &info, buf, sizeof buf));
  g_assert_cmpuint (rb_ring_read_available (ring), ==, 72);
}

/* --- two threads ----------------------------------------------------------- */

#define STREAM_RECORDS (g_test_slow () ? 2000000 : 300000)

static gpointer
producer (gpointer data)
{
  RbRing *ring = data;
  guint8 buf[3000];
  RbRecordInfo info;
  guint64 n = STREAM_RECORDS;

  for (guint64 k = 0; k < n; k++) {
    gsize size = (gsize) ((k * 2654435761u) % 2500);
    gboolean zero_copy = (k % 3) == 0;

    rb_record_info_init (&info, (guint32) (k % 7), (guint32) size);
    info.pts = (gint64) k;
    info.offset = k * 3;
    for (;;) {
      if (zero_copy) {
        guint8 *p = rb_ring_write_record_acquire (ring, size);
        if (p != NULL) {
          fill (p, size, k);
          g_assert_true (rb_ring_write_record_commit (ring, &info));
          break;
        }
      } else {
        fill (buf, size, k);
        if (rb_ring_write_record (ring, &info, buf, size))
          break;
      }
      rb_ring_wait_writable (ring, 2560 + 56, 100000);
    }
  }
  rb_ring_set_end_of_stream (ring);
  return NULL;
}

static void
test_stream (void)
{
  g_autoptr (RbRing) ring = new_records (16384);
  GThread *t = g_thread_new ("producer", producer, ring);
  guint8 buf[3000];
  RbRecordInfo info;
  guint64 k = 0;

  for (;;) {
    const guint8 *q = NULL;
    gboolean in_place = (k % 2) == 0;

    if (in_place)
      q = rb_ring_read_record_acquire (ring, &info);
    else if (rb_ring_read_record (ring, &info, buf, sizeof buf))
      q = buf;
    if (q == NULL) {
      if (rb_ring_wait_readable (ring, 56, -1) == RB_WAIT_END_OF_STREAM)
        break;
      continue;
    }
    g_assert_cmpuint (info.size, ==, (k * 2654435761u) % 2500);
    g_assert_cmpuint (info.type, ==, k % 7);
    g_assert_cmpint (info.pts, ==, (gint64) k);
    g_assert_cmpuint (info.offset, ==, k * 3);
    check (q, info.size, k);
    if (in_place)
      rb_ring_read_record_release (ring);
    k++;
  }
  g_thread_join (t);
  g_assert_cmpuint (k, ==, STREAM_RECORDS);
}

static const RbTestCase cases[] = {
  { "/records/flags", test_flags },
  { "/records/round-trip", test_round_trip },
  { "/records/all-or-nothing", test_all_or_nothing },
  { "/records/zero-copy", test_zero_copy },
  { "/records/skip", test_skip },
  { "/records/bytes", test_bytes },
  { "/records/hostile-header", test_hostile_header },
  { "/records/stream", test_stream },
};

RB_TEST_MAIN (cases)
