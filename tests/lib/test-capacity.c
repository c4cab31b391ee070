/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Exact capacity (issue #15): a ring holds exactly what was asked (bytes,
 * frames, records' bytes) in a mirrored storage that stays a power of two
 * of at least a page; the limit lives in the header's `usable` field,
 * which an attaching process validates like every other header field.
 *
 * Every size 1..5000 (bytes, and frames of a stereo float ring) is walked
 * through every offset of its storage at the exact limit: one read, then a
 * write of two of which exactly one fits, so each step is a write and a
 * read starting at the next offset with the ring exactly full; then
 * writes and reads of random lengths (zero-copy ones too) with exact fill
 * and free counts and the content checked. */

#include <ringbridge/ringbridge.h>
#include "rb-shm-private.h"
#include "rb-test-hooks-private.h"

#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "../common/rb-test.h"
#include "../common/rb-test-ring.h"
#include "../common/rb-test-stream.h"

#define MAX_WALKED 5000

/* What the library's storage for @bytes must be. */
static gsize
storage_for (guint64 bytes)
{
  gsize s = (gsize) sysconf (_SC_PAGESIZE);

  while (s < bytes)
    s <<= 1;
  return s;
}

/* --- every size, every offset ---------------------------------------------- */

/* A ring of @cap units of @unit bytes (1 for bytes, the frame size for
 * frames), exactly full, walked one unit at a time through every unit
 * offset of its storage: read one (content checked), then write two, of
 * which exactly one fits. */
static void
walk_exact (RbRing *ring, gsize cap, gsize unit, guint64 *w, guint64 *r)
{
  gsize steps = rb_ring_get_storage_size (ring) / unit;
  guint8 in[2 * 64], out[64];
  g_autofree guint8 *buf = g_malloc ((cap + 1) * unit);
  gsize got;

  fill_stream (buf, *w, (cap + 1) * unit);
  g_assert_cmpuint (unit == 1 ? rb_ring_write (ring, buf, cap + 1) :
      rb_ring_write_frames (ring, buf, cap + 1), ==, cap);
  *w += cap * unit;
  for (gsize i = 0; i < steps; i++) {
    got = unit == 1 ? rb_ring_read (ring, out, 1) :
        rb_ring_read_frames (ring, out, 1);
    if (got != 1)
      g_error ("ring of %zu: read %zu at step %zu", cap, got, i);
    assert_stream (out, *r, unit);
    *r += unit;
    fill_stream (in, *w, 2 * unit);
    got = unit == 1 ? rb_ring_write (ring, in, 2) :
        rb_ring_write_frames (ring, in, 2);
    if (got != 1)
      g_error ("ring of %zu: wrote %zu of 2 with one free, at step %zu", cap,
          got, i);
    *w += unit;
  }
  g_assert_cmpuint (rb_ring_read_available (ring), ==, cap * unit);
  g_assert_cmpuint (rb_ring_write_available (ring), ==, 0);
}

/* Random lengths from the walk's end: exact counts after every call, the
 * content of every read, and a zero-copy write of exactly the free room. */
static void
random_exact (RbRing *ring, gsize cap, gsize unit, guint64 *w, guint64 *r)
{
  g_autofree guint8 *buf = g_malloc ((cap + 1) * unit);

  for (int k = 0; k < 24; k++) {
    gsize fill = (gsize) ((*w - *r) / unit);
    gsize want = (gsize) g_test_rand_int_range (1, (gint) cap + 2);
    gsize expect = MIN (want, cap - fill), got, n;
    guint8 *wp;

    fill_stream (buf, *w, want * unit);
    got = unit == 1 ? rb_ring_write (ring, buf, want) :
        rb_ring_write_frames (ring, buf, want);
    g_assert_cmpuint (got, ==, expect);
    *w += expect * unit;
    g_assert_cmpuint (rb_ring_read_available (ring), ==, *w - *r);
    g_assert_cmpuint (rb_ring_write_available (ring), ==,
        cap * unit - (*w - *r));
    if (k % 4 == 3) {
      /* the region handed out is exactly the free room, contiguous */
      wp = rb_ring_write_acquire (ring, &n);
      g_assert_cmpuint (n, ==, cap * unit - (*w - *r));
      fill_stream (wp, *w, n);
      rb_ring_write_commit (ring, n);
      *w += n;
    }
    want = (gsize) g_test_rand_int_range (1, (gint) cap + 2);
    expect = MIN (want, (gsize) ((*w - *r) / unit));
    got = unit == 1 ? rb_ring_read (ring, buf, want) :
        rb_ring_read_frames (ring, buf, want);
    g_assert_cmpuint (got, ==, expect);
    assert_stream (buf, *r, got * unit);
    *r += got * unit;
    g_assert_cmpuint (rb_ring_get_write_position (ring), ==, *w);
    g_assert_cmpuint (rb_ring_get_read_position (ring), ==, *r);
  }
}

static void
test_every_size_bytes (void)
{
  for (gsize cap = 1; cap <= MAX_WALKED; cap++) {
    g_autoptr (RbRing) ring = rb_test_ring_new (cap, RB_RING_FLAGS_NONE);
    guint64 w = 0, r = 0;

    g_assert_cmpuint (rb_ring_get_capacity (ring), ==, cap);
    g_assert_cmpuint (rb_ring_get_capacity_frames (ring), ==, cap);
    g_assert_cmpuint (rb_ring_get_storage_size (ring), ==, storage_for (cap));
    g_assert_cmpuint (rb_ring_write_available (ring), ==, cap);
    walk_exact (ring, cap, 1, &w, &r);
    random_exact (ring, cap, 1, &w, &r);
  }
}

/* Frames of @format and @channels, every @step-th size up to MAX_WALKED. */
static void
every_size_frames (RbSampleFormat format, guint channels, gsize step)
{
  gsize fs = rb_sample_format_get_size (format) * channels;

  for (gsize cap = 1; cap <= MAX_WALKED; cap += step) {
    g_autoptr (GError) error = NULL;
    g_autoptr (RbRing) ring = rb_ring_new_audio (format, channels, 48000, cap,
        RB_RING_FLAGS_NONE, &error);
    guint64 w = 0, r = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (rb_ring_get_capacity_frames (ring), ==, cap);
    g_assert_cmpuint (rb_ring_get_capacity (ring), ==, cap * fs);
    g_assert_cmpuint (rb_ring_get_storage_size (ring), ==,
        storage_for (cap * fs));
    g_assert_cmpuint (rb_ring_write_frames_available (ring), ==, cap);
    walk_exact (ring, cap, fs, &w, &r);
    g_assert_cmpuint (rb_ring_read_frames_available (ring), ==, cap);
    g_assert_cmpuint (rb_ring_write_frames_available (ring), ==, 0);
    random_exact (ring, cap, fs, &w, &r);
  }
}

static void
test_every_size_frames (void)
{
  every_size_frames (RB_SAMPLE_FORMAT_F32LE, 2, 1);
}

/* 6-byte frames do not divide the storage: they straddle its seam. */
static void
test_every_size_frames_straddling (void)
{
  every_size_frames (RB_SAMPLE_FORMAT_S24LE, 2, 7);
}

/* --- large sizes ------------------------------------------------------------------- */

static void
test_large (void)
{
  const guint64 max = RB_RING_MAX_CAPACITY;
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  uint64_t storage;
  GError *error = NULL;

  for (int k = 12; k <= 24; k += 4) {
    for (int d = -1; d <= 1; d++) {
      gsize cap = ((gsize) 1 << k) + (gsize) d;
      g_autoptr (RbRing) ring = rb_test_ring_new (cap, RB_RING_FLAGS_NONE);
      g_autofree guint8 *buf = g_malloc (cap + 1);
      guint64 w = 0;
      gsize n;

      g_assert_cmpuint (rb_ring_get_capacity (ring), ==, cap);
      g_assert_cmpuint (rb_ring_get_storage_size (ring), ==,
          storage_for (cap));
      /* twice round, so the second fill crosses the seam */
      for (int lap = 0; lap < 2; lap++) {
        fill_stream (buf, w, cap + 1);
        g_assert_cmpuint (rb_ring_write (ring, buf, cap + 1), ==, cap);
        g_assert_cmpuint (rb_ring_write_available (ring), ==, 0);
        (void) rb_ring_write_acquire (ring, &n);
        g_assert_cmpuint (n, ==, 0);
        g_assert_cmpuint (rb_ring_read_available (ring), ==, cap);
        g_assert_cmpuint (rb_ring_read (ring, buf, cap + 1), ==, cap);
        assert_stream (buf, w, cap);
        w += cap;
        /* offset the next lap by a third of the ring */
        fill_stream (buf, w, cap / 3 + 1);
        g_assert_cmpuint (rb_ring_write (ring, buf, cap / 3 + 1), ==,
            cap / 3 + 1);
        g_assert_cmpuint (rb_ring_skip (ring, cap / 3 + 1), ==, cap / 3 + 1);
        w += cap / 3 + 1;
      }
    }
  }

  /* near the largest ring: its storage, without making 2 GiB rings */
  g_assert_true (rb_capacity_round (max - 1, page, &storage));
  g_assert_cmpuint (storage, ==, max);
  g_assert_true (rb_capacity_round (max, page, &storage));
  g_assert_cmpuint (storage, ==, max);
  g_assert_true (rb_capacity_round ((max >> 1) + 1, page, &storage));
  g_assert_cmpuint (storage, ==, max);
  g_assert_true (rb_capacity_round ((max >> 1) - 1, page, &storage));
  g_assert_cmpuint (storage, ==, max >> 1);
  g_assert_false (rb_capacity_round (max + 1, page, &storage));
  rb_test_assert_refused (rb_ring_new ((gsize) max + 1, &error), &error,
      RB_RING_ERROR_INVALID_CAPACITY, "2147483649");
}

/* --- overwrite window ------------------------------------------------------------------- */

/* An overwrite ring of @cap bytes (whole @unit-byte frames) after @w
 * bytes: it keeps exactly the last @cap. */
static void
assert_window (RbRing *ring, gsize cap, gsize unit, guint64 w)
{
  g_autofree guint8 *buf = g_malloc (cap + 8);
  gsize done = 0;

  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, w);
  g_assert_cmpuint (rb_ring_get_oldest_position (ring), ==, w - cap);
  g_assert_cmpint (rb_ring_check_range (ring, w - cap, cap), ==,
      RB_RANGE_AVAILABLE);
  g_assert_cmpint (rb_ring_check_range (ring, w - cap - unit, unit), ==,
      RB_RANGE_OVERWRITTEN);
  g_assert_cmpint (rb_ring_read_at (ring, w - cap, buf, cap + 8, &done), ==,
      RB_RANGE_AVAILABLE);
  g_assert_cmpuint (done, ==, cap);
  assert_stream (buf, w - cap, cap);
  g_assert_cmpint (rb_ring_read_at (ring, w - cap - unit, buf, unit, &done),
      ==, RB_RANGE_OVERWRITTEN);
  g_assert_cmpuint (rb_ring_write_available (ring), ==, cap);
}

static void
test_overwrite_window (void)
{
  const gsize caps[] = { 1, 7, 100, 4095, 4096, 4097, 5000 };

  for (guint i = 0; i < G_N_ELEMENTS (caps); i++) {
    gsize cap = caps[i];
    g_autoptr (RbRing) ring = rb_test_ring_new (cap, RB_RING_FLAGS_OVERWRITE);
    gsize storage = rb_ring_get_storage_size (ring);
    g_autofree guint8 *buf = g_malloc (2 * storage + 5);
    guint64 w = 0, total = 3 * storage + 17;

    g_assert_cmpuint (rb_ring_get_capacity (ring), ==, cap);
    /* chunks of every length up to a little more than the ring */
    for (gsize len = 1; w < total; len = len % (cap + 3) + 1) {
      fill_stream (buf, w, len);
      g_assert_cmpuint (rb_ring_write (ring, buf, len), ==, len);
      w += len;
      if (w >= cap)
        g_assert_cmpuint (rb_ring_get_oldest_position (ring), ==, w - cap);
    }
    assert_window (ring, cap, 1, w);

    /* one write longer than the storage keeps its last cap bytes */
    fill_stream (buf, w, 2 * storage + 5);
    g_assert_cmpuint (rb_ring_write (ring, buf, 2 * storage + 5), ==,
        2 * storage + 5);
    w += 2 * storage + 5;
    assert_window (ring, cap, 1, w);

    /* the consumer catches up to exactly the window */
    g_assert_cmpuint (rb_ring_read_available (ring), ==, cap);
    g_assert_cmpuint (rb_ring_read (ring, buf, 2 * storage), ==, cap);
    assert_stream (buf, w - cap, cap);
    g_assert_cmpuint (rb_ring_get_overwritten (ring), ==, w - cap);
  }

  /* frames: the window is the frames asked for */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RbRing) ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_F32LE, 2,
        48000, 100, RB_RING_FLAGS_OVERWRITE, &error);
    guint8 in[8 * 1000];
    gsize got;

    g_assert_no_error (error);
    fill_stream (in, 0, sizeof in);
    g_assert_cmpuint (rb_ring_write_frames (ring, in, 1000), ==, 1000);
    assert_window (ring, 800, 8, 8000);
    rb_test_assert_read_frames_at (ring, 900, in, 200, RB_RANGE_AVAILABLE, 100);
    g_assert_cmpint (rb_ring_read_frames_at (ring, 899, in, 1, &got), ==,
        RB_RANGE_OVERWRITTEN);
  }
}

/* --- records, flags, errors -------------------------------------------------------- */

static void
test_records (void)
{
  g_autoptr (RbRing) ring = rb_test_ring_new (100, RB_RING_FLAGS_RECORDS);
  g_autoptr (RbRing) least = rb_test_ring_new (RB_RECORD_HEADER_SIZE,
      RB_RING_FLAGS_RECORDS);
  RbRecordInfo info = { .type = RB_RECORD_TYPE_APPLICATION, .size = 40 };
  guint8 payload[64] = { 1, 2, 3 };
  GError *error = NULL;

  g_assert_cmpuint (rb_ring_get_capacity (ring), ==, 100);
  /* 56 + 40 = 96 <= 100; 41 would take 104 */
  g_assert_cmpuint (rb_ring_get_max_record_size (ring), ==, 40);
  g_assert_true (rb_ring_write_record (ring, &info, payload, 40));
  g_assert_cmpuint (rb_ring_write_available (ring), ==, 4);
  info.size = 0;
  g_assert_false (rb_ring_write_record (ring, &info, payload, 0));
  g_assert_true (rb_ring_skip_record (ring));
  info.size = 41;
  g_assert_false (rb_ring_write_record (ring, &info, payload, 41));

  g_assert_cmpuint (rb_ring_get_max_record_size (least), ==, 0);
  info.size = 0;
  g_assert_true (rb_ring_write_record (least, &info, payload, 0));
  g_assert_false (rb_ring_write_record (least, &info, payload, 0));

  rb_test_assert_refused (rb_ring_new_full (RB_RECORD_HEADER_SIZE - 1,
          RB_RING_FLAGS_RECORDS, &error), &error,
      RB_RING_ERROR_INVALID_CAPACITY, "too small for a records ring");
}

static void
test_power_of_two (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) bytes = rb_test_ring_new (7,
      RB_RING_FLAGS_POWER_OF_TWO | RB_RING_FLAGS_OVERWRITE);
  g_autoptr (RbRing) frames = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 3,
      48000, 100, RB_RING_FLAGS_POWER_OF_TWO, &error);
  guint64 cap;

  g_assert_cmpuint (rb_ring_get_capacity (bytes), ==, 4096);
  g_assert_cmpuint (rb_ring_get_storage_size (bytes), ==, 4096);
  /* a flag of construction only */
  g_assert_cmpint (rb_ring_get_flags (bytes), ==, RB_RING_FLAGS_OVERWRITE);
  g_object_get (bytes, "capacity", &cap, NULL);
  g_assert_cmpuint (cap, ==, 4096);

  /* the whole frames of the storage: 682 of 6 bytes in 4096 */
  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_get_capacity_frames (frames), ==, 682);
  g_assert_cmpuint (rb_ring_get_capacity (frames), ==, 682 * 6);
  g_assert_cmpint (rb_ring_get_flags (frames), ==, RB_RING_FLAGS_NONE);
}

static void
test_errors (void)
{
  GError *error = NULL;

  rb_test_assert_refused (rb_ring_new (0, &error), &error,
      RB_RING_ERROR_INVALID_CAPACITY, "capacity 0 bytes is out of range");
  rb_test_assert_refused (rb_ring_new_audio (RB_SAMPLE_FORMAT_F32LE, 2, 48000,
          0, 0, &error), &error, RB_RING_ERROR_INVALID_CAPACITY, NULL);
  /* a byte count for an audio ring that is not whole frames */
  rb_test_assert_refused (g_initable_new (RB_TYPE_RING, NULL, &error,
          "capacity", (guint64) 7, "sample-format", RB_SAMPLE_FORMAT_S16LE,
          "channels", 2, "rate", 48000, NULL), &error,
      RB_RING_ERROR_INVALID_CAPACITY,
      "capacity 7 bytes is not a whole number of 4-byte frames");
}

/* --- shared rings -------------------------------------------------------------------- */

static void
test_shared (void)
{
  g_autofree gchar *name = rb_test_unique_name ("rbcap");
  g_autofree gchar *aname = rb_test_unique_name ("rbcap");
  g_autofree gchar *tname = rb_test_unique_name ("rbcap");
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) prod = rb_ring_create (name, 1000, 0,
      RB_RING_ROLE_PRODUCER, 0, &error);
  g_autoptr (RbRing) cons = NULL;
  g_autoptr (RbRing) audio = NULL;
  g_autoptr (RbRing) again = NULL;
  RbRingTakeOver how;
  RbRingStatus s;
  guint8 buf[1100];

  g_assert_no_error (error);
  cons = rb_test_ring_open (name, RB_RING_ROLE_CONSUMER);
  /* the other side learns the capacity from the header */
  g_assert_cmpuint (rb_ring_get_capacity (cons), ==, 1000);
  g_assert_cmpuint (rb_ring_get_storage_size (cons), ==, 4096);
  fill_stream (buf, 0, sizeof buf);
  g_assert_cmpuint (rb_ring_write (prod, buf, sizeof buf), ==, 1000);
  g_assert_cmpuint (rb_ring_read_available (cons), ==, 1000);
  g_assert_cmpuint (rb_ring_read (cons, buf, sizeof buf), ==, 1000);
  assert_stream (buf, 0, 1000);

  rb_ring_get_status (cons, &s);
  g_assert_cmpuint (s.capacity, ==, 1000);
  g_assert_cmpuint (s.storage_size, ==, 4096);
  g_assert_true (rb_ring_status_read_named (name, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.capacity, ==, 1000);
  g_assert_cmpuint (s.storage_size, ==, 4096);

  audio = rb_ring_create_audio (aname, RB_SAMPLE_FORMAT_F32LE, 2, 48000, 333,
      0, RB_RING_ROLE_PRODUCER, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_get_capacity_frames (audio), ==, 333);
  g_clear_object (&audio);
  again = rb_ring_create_or_take_over (tname, 555, 0, RB_SAMPLE_FORMAT_F32LE,
      2, 48000, RB_RING_ROLE_PRODUCER, 0, 0, &how, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (how, ==, RB_RING_TAKE_OVER_CREATED);
  g_assert_cmpuint (rb_ring_get_capacity_frames (again), ==, 555);
  g_assert_true (rb_ring_unlink (name, NULL));
  g_assert_true (rb_ring_unlink (aname, NULL));
  g_assert_true (rb_ring_unlink (tname, NULL));
}

/* --- hostile headers ------------------------------------------------------------------- */

/* As a hostile (or older) peer would: writes @usable into the header of
 * the ring named @name, and @poke at byte @poke_at unless it is 0. */
static void
poke_header (const gchar *name, guint64 usable, size_t poke_at, guint32 poke)
{
  g_autofree gchar *path = rb_ring_name_to_path (name);
  int fd = open (path, O_RDWR);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, &usable, 8, offsetof (struct rb_shm_header,
              usable)), ==, 8);
  if (poke_at != 0)
    g_assert_cmpint (pwrite (fd, &poke, 4, (off_t) poke_at), ==, 4);
  close (fd);
}

/* A named ring of @frames S16LE stereo frames (or a records ring of
 * @frames bytes if @records), whose header is then given @usable (and
 * @poke at @poke_at if nonzero); its consumer's open must fail with a
 * message holding @message, or succeed with capacity @message == NULL. */
static RbRing *
forge (gboolean records, gsize size, guint64 usable, size_t poke_at,
    guint32 poke, const char *message)
{
  g_autofree gchar *name = rb_test_unique_name ("rbcap");
  g_autoptr (GError) error = NULL;
  RbRing *ring = records ?
      rb_ring_create (name, size, RB_RING_FLAGS_RECORDS,
      RB_RING_ROLE_PRODUCER, 0, &error) :
      rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 2, 48000, size, 0,
      RB_RING_ROLE_PRODUCER, 0, &error);

  g_assert_no_error (error);
  g_object_unref (ring);
  poke_header (name, usable, poke_at, poke);

  ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  g_assert_true (rb_ring_unlink (name, NULL));
  if (message == NULL) {
    g_assert_no_error (error);
    return ring;
  }
  g_assert_null (ring);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  if (strstr (error->message, message) == NULL ||
      strstr (error->message, name) == NULL)
    g_error ("forged usable %" G_GUINT64_FORMAT ": '%s' lacks '%s' or the "
        "name", usable, error->message, message);
  return NULL;
}

static void
test_hostile (void)
{
  RbRing *ring;

  forge (FALSE, 1000, 8192, 0, 0,
      "usable capacity 8192 is larger than the storage of 4096 bytes");
  forge (FALSE, 1000, 4002, 0, 0,
      "usable capacity 4002 is not a multiple of the frame size 4");
  /* 0 says "a ring before 0.2", whose writer left the rest zero */
  forge (FALSE, 1000, 0, offsetof (struct rb_shm_header, reserved_identity),
      1, "usable capacity 0 in a header whose newer identity fields are set");
  forge (FALSE, 1000, 0, 64, 1,
      "usable capacity 0 in a header whose newer identity fields are set");
  forge (FALSE, 1000, 0, 124, 0x100,
      "usable capacity 0 in a header whose newer identity fields are set");
  forge (TRUE, 1000, 48, 0, 0,
      "usable capacity 48 of a records ring is smaller than one record "
      "header (56 bytes)");

  /* honest values: a smaller capacity, and an old ring's whole storage */
  ring = forge (FALSE, 1000, 400, 0, 0, NULL);
  g_assert_cmpuint (rb_ring_get_capacity (ring), ==, 400);
  g_object_unref (ring);
  ring = forge (FALSE, 1000, 0, 0, 0, NULL);
  g_assert_cmpuint (rb_ring_get_capacity (ring), ==, 4096);
  g_assert_cmpuint (rb_ring_get_storage_size (ring), ==, 4096);
  g_object_unref (ring);
}

/* A ring made before 0.2 (usable 0) whose frames do not divide the
 * storage, so its capacity is not whole frames: an overwrite lap lands
 * inside a frame and the consumer resumes at the next whole one. */
static void
test_old_ring_frames (void)
{
  g_autofree gchar *name = rb_test_unique_name ("rbcap");
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) prod = rb_ring_create_audio (name,
      RB_SAMPLE_FORMAT_S32LE, 3, 48000, 341, RB_RING_FLAGS_OVERWRITE,
      RB_RING_ROLE_PRODUCER, 0, &error);
  g_autoptr (RbRing) old_prod = NULL;
  g_autoptr (RbRing) cons = NULL;
  guint8 in[12 * 1000], out[12 * 1000];
  gsize got;

  g_assert_no_error (error);
  g_clear_object (&prod);
  poke_header (name, 0, 0, 0);
  old_prod = rb_test_ring_open (name, RB_RING_ROLE_PRODUCER);
  cons = rb_test_ring_open (name, RB_RING_ROLE_CONSUMER);
  g_assert_cmpuint (rb_ring_get_capacity (cons), ==, 4096);
  g_assert_cmpuint (rb_ring_get_capacity_frames (cons), ==, 341);

  fill_stream (in, 0, sizeof in);
  g_assert_cmpuint (rb_ring_write_frames (old_prod, in, 1000), ==, 1000);
  /* oldest byte 12000 - 4096 = 7904, inside frame 658 */
  got = rb_ring_read_frames (cons, out, 1000);
  g_assert_cmpuint (got, ==, 1000 - 659);
  assert_stream (out, 659 * 12, got * 12);
  g_assert_true (rb_ring_unlink (name, NULL));
}

static const RbTestCase cases[] = {
  { "/capacity/every-size/bytes", test_every_size_bytes },
  { "/capacity/every-size/frames", test_every_size_frames },
  { "/capacity/every-size/frames-straddling",
    test_every_size_frames_straddling },
  { "/capacity/large", test_large },
  { "/capacity/overwrite-window", test_overwrite_window },
  { "/capacity/records", test_records },
  { "/capacity/power-of-two", test_power_of_two },
  { "/capacity/errors", test_errors },
  { "/capacity/shared", test_shared },
  { "/capacity/hostile/usable", test_hostile },
  { "/capacity/old-ring-frames", test_old_ring_frames },
};

RB_TEST_MAIN (cases)
