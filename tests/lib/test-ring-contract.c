/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The contract of the realtime calls (issue #11): getters have no side
 * effects, byte calls on an audio ring move whole frames only, every call
 * refuses the side it does not belong to and a NULL argument, and a reader
 * sees the end of the stream. See docs/ring.md, "Misuse". */

#include <ringbridge/ringbridge.h>

#include <gio/gio.h>

#include <string.h>
#include <unistd.h>

/* A 6-byte frame (S24LE stereo) does not divide the power-of-two storage:
 * the 682 frames (4092 bytes) asked for sit in 4096 bytes with 4 spare, so
 * frames straddle the mirror seam. */
#define FS 6

static RbRing *
audio_ring (RbRingFlags flags)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S24LE, 2, 48000, 682,
      flags, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_get_capacity (ring), ==, 682 * FS);
  g_assert_cmpuint (rb_ring_get_storage_size (ring), ==, 4096);
  g_assert_cmpuint (rb_ring_get_frame_size (ring), ==, FS);
  return ring;
}

/* Frame k: every byte says which frame and which byte of it it is, so a
 * frame read at the wrong offset never matches. */
static void
fill_frames (guint8 *buf, guint64 first, gsize n)
{
  for (gsize i = 0; i < n * FS; i++)
    buf[i] = (guint8) (((first + i / FS) * 7 + i % FS) & 0xff);
}

static void
assert_frames (const guint8 *buf, guint64 first, gsize n)
{
  for (gsize i = 0; i < n * FS; i++)
    if (buf[i] != (guint8) (((first + i / FS) * 7 + i % FS) & 0xff))
      g_error ("byte %zu of frame %" G_GUINT64_FORMAT " is wrong", i % FS,
          first + i / FS);
}

/* --- item 3: byte calls on an audio ring move whole frames ---------------- */

static void
test_audio_byte_write (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_RING_FLAGS_NONE);
  guint8 *in = g_malloc (700 * FS), *out = g_malloc (700 * FS);
  gsize n;

  fill_frames (in, 0, 700);
  /* 700 whole frames into a ring of 682 */
  n = rb_ring_write (ring, in, 700 * FS);
  g_assert_cmpuint (n, ==, 682 * FS);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 682 * FS);
  /* the storage's 4 spare bytes are not the ring's */
  g_assert_cmpuint (rb_ring_write (ring, in + n, FS), ==, 0);
  g_assert_cmpuint (rb_ring_write_available (ring), ==, 0);
  g_assert_cmpuint (rb_ring_write_frames_available (ring), ==, 0);

  /* a read of a partial frame count reads the whole frames in it */
  g_assert_cmpuint (rb_ring_read (ring, out, 2 * FS + 5), ==, 2 * FS);
  assert_frames (out, 0, 2);
  g_assert_cmpuint (rb_ring_read (ring, out, 5), ==, 0);
  g_assert_cmpuint (rb_ring_peek (ring, out, FS + 1), ==, FS);
  assert_frames (out, 2, 1);
  g_assert_cmpuint (rb_ring_skip (ring, FS + 3), ==, FS);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 3 * FS);

  /* a write of a partial frame writes only its whole frames, so every
   * later frame keeps its channels */
  g_assert_cmpuint (rb_ring_write (ring, in + n, FS + 2), ==, FS);
  g_assert_cmpuint (rb_ring_write (ring, in + n + FS, 2 * FS), ==, 2 * FS);
  g_assert_cmpuint (rb_ring_get_read_position (ring) % FS, ==, 0);
  g_assert_cmpuint (rb_ring_get_write_position (ring) % FS, ==, 0);
  n = rb_ring_read (ring, out, 700 * FS);
  g_assert_cmpuint (n, ==, (682 - 3 + 3) * FS);
  assert_frames (out, 3, n / FS);
  g_free (in);
  g_free (out);
}

static void
test_audio_byte_zero_copy (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_RING_FLAGS_NONE);
  guint8 out[64];
  const guint8 *rp;
  guint8 *wp;
  gsize n;

  wp = rb_ring_write_acquire (ring, &n);
  g_assert_nonnull (wp);
  g_assert_cmpuint (n, ==, 682 * FS);
  fill_frames (wp, 0, 3);
  /* a commit of a partial frame publishes only the whole frames */
  rb_ring_write_commit (ring, 2 * FS + 4);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 2 * FS);
  wp = rb_ring_write_acquire (ring, &n);
  g_assert_cmpuint (n % FS, ==, 0);
  fill_frames (wp, 2, 1);
  rb_ring_write_commit (ring, FS);

  rp = rb_ring_read_acquire (ring, &n);
  g_assert_cmpuint (n, ==, 3 * FS);
  assert_frames (rp, 0, 3);
  g_assert_true (rb_ring_read_release (ring, FS + 5));
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, FS);

  /* read_at: whole frames, from frame boundaries */
  {
    gsize done = 99;
    g_assert_cmpint (rb_ring_read_at (ring, FS, out, FS + 3, &done), ==,
        RB_RANGE_AVAILABLE);
    g_assert_cmpuint (done, ==, FS);
    assert_frames (out, 1, 1);
  }
}

static void
test_audio_byte_overwrite (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_RING_FLAGS_OVERWRITE);
  guint8 *in = g_malloc (1000 * FS), *out = g_malloc (1000 * FS);
  guint64 oldest;
  gsize n, done;

  fill_frames (in, 0, 1000);
  /* an overwrite ring takes whole frames only too */
  g_assert_cmpuint (rb_ring_write (ring, in, 1000 * FS + 4), ==, 1000 * FS);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 1000 * FS);
  /* the oldest data is a whole frame, so readers resume on a boundary */
  oldest = rb_ring_get_oldest_position (ring);
  g_assert_cmpuint (oldest % FS, ==, 0);
  g_assert_cmpint (rb_ring_read_at (ring, oldest, out, 10 * FS, &done), ==,
      RB_RANGE_AVAILABLE);
  g_assert_cmpuint (done, ==, 10 * FS);
  assert_frames (out, oldest / FS, 10);
  /* the consumer's byte read skips to a frame boundary as well */
  n = rb_ring_read (ring, out, 10 * FS + 1);
  g_assert_cmpuint (n, ==, 10 * FS);
  g_assert_cmpuint (rb_ring_get_read_position (ring) % FS, ==, 0);
  assert_frames (out, rb_ring_get_read_position (ring) / FS - 10, 10);
  g_free (in);
  g_free (out);
}

/* A byte read_at from inside a frame would return frames rotated by a
 * channel: it is refused as a programming error. */
static void
test_audio_byte_read_at_misaligned (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_RING_FLAGS_OVERWRITE);
  guint8 in[10 * FS] = { 0 }, out[10 * FS];
  gsize done = 99;

  rb_ring_write (ring, in, sizeof in);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL,
      "*rb_ring_read_at*position 3 is not on a frame boundary*");
  g_assert_cmpint (rb_ring_read_at (ring, 3, out, FS, &done), ==,
      RB_RANGE_NOT_YET_WRITTEN);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (done, ==, 0);
}

/* --- item 2: getters have no side effects ---------------------------------- */

static void
call_every_getter (RbRing *ring)
{
  guint64 p, f;
  gint64 t;

  (void) rb_ring_read_available (ring);
  (void) rb_ring_write_available (ring);
  (void) rb_ring_read_frames_available (ring);
  (void) rb_ring_write_frames_available (ring);
  (void) rb_ring_get_fill_level (ring);
  (void) rb_ring_is_end_of_stream (ring);
  (void) rb_ring_get_oldest_position (ring);
  (void) rb_ring_get_write_position (ring);
  (void) rb_ring_get_read_position (ring);
  (void) rb_ring_check_range (ring, 0, 1);
  (void) rb_ring_get_overruns (ring);
  (void) rb_ring_get_underruns (ring);
  (void) rb_ring_get_overwritten (ring);
  (void) rb_ring_get_clock_point (ring, &p, &t, &f);
}

static void
check_getters_pure (RbRing *ring, gsize unit)
{
  gsize cap = rb_ring_get_capacity (ring);
  gsize n = 3 * cap / unit * unit;
  guint8 *in = g_malloc0 (n), *out = g_malloc (cap);
  guint64 r0, o0, w, oldest, got;

  /* the producer laps the consumer twice */
  g_assert_cmpuint (rb_ring_write (ring, in, n), ==, n);
  r0 = rb_ring_get_read_position (ring);
  o0 = rb_ring_get_overwritten (ring);
  w = rb_ring_get_write_position (ring);
  oldest = rb_ring_get_oldest_position (ring);
  g_assert_cmpuint (oldest, >, r0);
  g_assert_cmpuint (rb_ring_read_available (ring), ==, w - oldest);
  g_assert_cmpuint (rb_ring_read_frames_available (ring), ==,
      (w - oldest) / unit);

  for (int i = 0; i < 3; i++)
    call_every_getter (ring);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, r0);
  g_assert_cmpuint (rb_ring_get_overwritten (ring), ==, o0);

  /* the read that moves past the lost span reports it: the read position
   * grew by the span plus what was read, and the span is counted */
  got = rb_ring_read (ring, out, unit);
  g_assert_cmpuint (got, ==, unit);
  g_assert_cmpuint (rb_ring_get_overwritten (ring) - o0, ==, oldest - r0);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, oldest + got);
  g_free (in);
  g_free (out);
}

static void
test_getters_pure_bytes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new_full (4096, RB_RING_FLAGS_OVERWRITE,
      &error);

  g_assert_no_error (error);
  check_getters_pure (ring, 1);
}

static void
test_getters_pure_audio (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_RING_FLAGS_OVERWRITE);

  check_getters_pure (ring, FS);
}

/* The span skipped by rb_ring_read_frames() is reported the same way. */
static void
test_getters_pure_frames_read (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_RING_FLAGS_OVERWRITE);
  guint8 *in = g_malloc0 (2000 * FS), out[4 * FS];
  guint64 oldest;

  rb_ring_write_frames (ring, in, 2000);
  oldest = rb_ring_get_oldest_position (ring);
  /* what ringsrc does: how much is there, then read it */
  g_assert_cmpuint (rb_ring_read_frames_available (ring), ==,
      (2000 * FS - oldest) / FS);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 0);
  g_assert_cmpuint (rb_ring_get_overwritten (ring), ==, 0);
  g_assert_cmpuint (rb_ring_read_frames (ring, out, 4), ==, 4);
  g_assert_cmpuint (rb_ring_get_overwritten (ring), ==, oldest);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, oldest + 4 * FS);
  g_free (in);
}

/* A getter that looked further than the acquired region must not let the
 * release give back more than was handed out. */
static void
test_getters_release_region (void)
{
  g_autoptr (RbRing) ring = rb_ring_new (4096, NULL);
  guint8 buf[200] = { 0 };
  gsize n;

  rb_ring_write (ring, buf, 100);
  g_assert_nonnull (rb_ring_read_acquire (ring, &n));
  g_assert_cmpuint (n, ==, 100);
  rb_ring_write (ring, buf, 100);
  g_assert_cmpuint (rb_ring_read_available (ring), ==, 200);
  g_assert_true (rb_ring_read_release (ring, 150));
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 100);
}

/* --- item 14: a reader sees the end of the stream ------------------------- */

static void
test_reader_end_of_stream (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new_full (4096, RB_RING_FLAGS_OVERWRITE,
      &error);
  g_autoptr (RbRing) reader = NULL;
  guint8 buf[100] = { 0 };
  guint64 w;

  g_assert_no_error (error);
  reader = rb_ring_new_from_fd (rb_ring_get_fd (ring), RB_RING_ROLE_READER,
      &error);
  g_assert_no_error (error);

  rb_ring_write (ring, buf, sizeof buf);
  g_assert_false (rb_ring_is_end_of_stream (reader));
  rb_ring_set_end_of_stream (ring);
  w = rb_ring_get_write_position (reader);
  g_assert_cmpint (rb_ring_wait_position (reader, w + 1, 0), ==,
      RB_WAIT_END_OF_STREAM);
  g_assert_true (rb_ring_is_end_of_stream (reader));
  /* the consumer has not read it all yet: not its end */
  g_assert_false (rb_ring_is_end_of_stream (ring));
  rb_ring_skip (ring, sizeof buf);
  g_assert_true (rb_ring_is_end_of_stream (ring));
}

/* --- item 20: roles --------------------------------------------------------- */

typedef struct {
  gchar *name;
  RbRing *producer;             /* the creator */
  RbRing *consumer;
  RbRing *reader;               /* overwrite fixture only */
} Roles;

static void
roles_set_up (Roles *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  RbRingFlags flags = GPOINTER_TO_UINT (data);
  static guint counter;

  fx->name = g_strdup_printf ("rbtest-contract-%d-%u", (int) getpid (),
      ++counter);
  fx->producer = rb_ring_create (fx->name, 4096, flags,
      RB_RING_ROLE_PRODUCER, 0600, &error);
  g_assert_no_error (error);
  fx->consumer = rb_ring_open (fx->name, RB_RING_ROLE_CONSUMER, &error);
  g_assert_no_error (error);
  if (flags & RB_RING_FLAGS_OVERWRITE) {
    fx->reader = rb_ring_open (fx->name, RB_RING_ROLE_READER, &error);
    g_assert_no_error (error);
  }
}

static void
roles_tear_down (Roles *fx, gconstpointer data)
{
  g_clear_object (&fx->reader);
  g_clear_object (&fx->consumer);
  g_clear_object (&fx->producer);
  rb_ring_unlink (fx->name, NULL);
  g_free (fx->name);
}

#define REFUSED(pattern, ...) G_STMT_START { \
    g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, pattern); \
    __VA_ARGS__; \
    g_test_assert_expected_messages (); \
  } G_STMT_END

/* REFUSED() for @fn, a @side ("consumer" or "producer") call on a ring of
 * @role: a `g_autofree char *p` and `role` in scope. */
#define SIDE_REFUSED(side, fn, ...) G_STMT_START { \
    g_free (p); \
    p = g_strdup_printf ("*" fn "*%s*" side "*", role); \
    REFUSED (p, __VA_ARGS__); \
  } G_STMT_END
#define CONSUMER_REFUSED(fn, ...) SIDE_REFUSED ("consumer", fn, __VA_ARGS__)
#define PRODUCER_REFUSED(fn, ...) SIDE_REFUSED ("producer", fn, __VA_ARGS__)

/* The calls both sides have, as rb_ring_@dir_*() (read or write), refused
 * and returning nothing: `ring`, `buf`, `chans` and `n` in scope. */
#define DIR_CALLS_REFUSED(side, dir) G_STMT_START { \
    SIDE_REFUSED (side, "rb_ring_" #dir "_available", \
        g_assert_cmpuint (rb_ring_##dir##_available (ring), ==, 0)); \
    SIDE_REFUSED (side, "rb_ring_" #dir "_frames_available", \
        g_assert_cmpuint (rb_ring_##dir##_frames_available (ring), ==, 0)); \
    SIDE_REFUSED (side, "rb_ring_" #dir "_frames", \
        g_assert_cmpuint (rb_ring_##dir##_frames (ring, buf, 8), ==, 0)); \
    SIDE_REFUSED (side, "rb_ring_" #dir "_items", \
        g_assert_cmpuint (rb_ring_##dir##_items (ring, buf, 8), ==, 0)); \
    SIDE_REFUSED (side, "rb_ring_" #dir "_deinterleaved", \
        g_assert_cmpuint (rb_ring_##dir##_deinterleaved (ring, chans, 2, 8), \
            ==, 0)); \
    SIDE_REFUSED (side, "rb_ring_" #dir "_acquire", \
        g_assert_null (rb_ring_##dir##_acquire (ring, &n))); \
    g_assert_cmpuint (n, ==, 0); \
  } G_STMT_END

/* Every consumer call of @ring is refused and moves nothing. */
static void
assert_consumer_calls_refused (RbRing *ring, const char *role, Roles *fx)
{
  guint8 buf[64];
  gsize n = 99;
  float ch[16], *chans[2] = { ch, ch };
  g_autofree char *p = NULL;
  guint64 r = rb_ring_get_read_position (fx->consumer);

  CONSUMER_REFUSED ("rb_ring_read",
      g_assert_cmpuint (rb_ring_read (ring, buf, 8), ==, 0));
  CONSUMER_REFUSED ("rb_ring_peek",
      g_assert_cmpuint (rb_ring_peek (ring, buf, 8), ==, 0));
  CONSUMER_REFUSED ("rb_ring_skip",
      g_assert_cmpuint (rb_ring_skip (ring, 8), ==, 0));
  DIR_CALLS_REFUSED ("consumer", read);
  CONSUMER_REFUSED ("rb_ring_read_release",
      g_assert_false (rb_ring_read_release (ring, 8)));
  CONSUMER_REFUSED ("rb_ring_reset", rb_ring_reset (ring));
  CONSUMER_REFUSED ("rb_ring_read_bytes",
      g_assert_null (rb_ring_read_bytes (ring, 8)));
  CONSUMER_REFUSED ("rb_ring_peek_bytes",
      g_assert_null (rb_ring_peek_bytes (ring, 8)));
  g_assert_cmpuint (rb_ring_get_read_position (fx->consumer), ==, r);
}

static void
assert_producer_calls_refused (RbRing *ring, const char *role, Roles *fx)
{
  guint8 buf[64] = { 0 };
  gsize n = 99;
  float ch[16] = { 0 };
  const float *chans[2] = { ch, ch };
  g_autofree char *p = NULL;
  g_autoptr (GBytes) bytes = g_bytes_new (buf, 8);
  guint64 w = rb_ring_get_write_position (fx->producer);

  PRODUCER_REFUSED ("rb_ring_write",
      g_assert_cmpuint (rb_ring_write (ring, buf, 8), ==, 0));
  PRODUCER_REFUSED ("rb_ring_write_bytes",
      g_assert_cmpuint (rb_ring_write_bytes (ring, bytes), ==, 0));
  DIR_CALLS_REFUSED ("producer", write);
  PRODUCER_REFUSED ("rb_ring_write_commit", rb_ring_write_commit (ring, 8));
  PRODUCER_REFUSED ("rb_ring_set_end_of_stream",
      rb_ring_set_end_of_stream (ring));
  PRODUCER_REFUSED ("rb_ring_set_clock_point",
      rb_ring_set_clock_point (ring, 0, 1, 0));
  g_assert_cmpuint (rb_ring_get_write_position (fx->producer), ==, w);
  g_assert_false (rb_ring_is_end_of_stream (fx->consumer));
}

/* With 32 bytes written for the consumer calls to find, the producer may
 * make no consumer call and the consumer no producer call. */
static void
assert_sides_kept (Roles *fx)
{
  guint8 buf[32] = { 0 };

  g_assert_cmpuint (rb_ring_write (fx->producer, buf, 32), ==, 32);
  assert_consumer_calls_refused (fx->producer, "producer", fx);
  assert_producer_calls_refused (fx->consumer, "consumer", fx);
}

static void
test_roles_plain (Roles *fx, gconstpointer data)
{
  guint8 buf[64] = { 0 };
  gsize done = 99;

  assert_sides_kept (fx);
  /* read_at on a plain ring is the consumer's */
  REFUSED ("*rb_ring_read_at*producer*consumer*",
      g_assert_cmpint (rb_ring_read_at (fx->producer, 0, buf, 8, &done), ==,
          RB_RANGE_NOT_YET_WRITTEN));
  g_assert_cmpuint (done, ==, 0);
  REFUSED ("*rb_ring_read_frames_at*producer*consumer*",
      rb_ring_read_frames_at (fx->producer, 0, buf, 8, &done));
  /* the right sides still work */
  g_assert_cmpint (rb_ring_read_at (fx->consumer, 0, buf, 8, &done), ==,
      RB_RANGE_AVAILABLE);
  g_assert_cmpuint (rb_ring_read (fx->consumer, buf, 64), ==, 32);
  rb_ring_set_end_of_stream (fx->producer);
  g_assert_true (rb_ring_is_end_of_stream (fx->consumer));
  rb_ring_reset (fx->consumer);
}

static void
test_roles_overwrite (Roles *fx, gconstpointer data)
{
  guint8 buf[64] = { 0 };
  gsize done = 0;

  assert_sides_kept (fx);
  assert_consumer_calls_refused (fx->reader, "reader", fx);
  assert_producer_calls_refused (fx->reader, "reader", fx);
  /* anyone may read an overwrite ring at a position */
  g_assert_cmpint (rb_ring_read_at (fx->reader, 0, buf, 8, &done), ==,
      RB_RANGE_AVAILABLE);
  g_assert_cmpuint (done, ==, 8);
}

static void
test_roles_records (Roles *fx, gconstpointer data)
{
  RbRecordInfo info;
  guint8 payload[8] = { 0 };

  rb_record_info_init (&info, 1, sizeof payload);
  REFUSED ("*rb_ring_write_record*consumer*producer*",
      g_assert_false (rb_ring_write_record (fx->consumer, &info, payload,
              sizeof payload)));
  REFUSED ("*rb_ring_write_record_acquire*consumer*producer*",
      g_assert_null (rb_ring_write_record_acquire (fx->consumer, 8)));
  REFUSED ("*rb_ring_write_record_commit*consumer*producer*",
      g_assert_false (rb_ring_write_record_commit (fx->consumer, &info)));
  g_assert_true (rb_ring_write_record (fx->producer, &info, payload,
          sizeof payload));
  REFUSED ("*rb_ring_peek_record*producer*consumer*",
      g_assert_false (rb_ring_peek_record (fx->producer, &info)));
  REFUSED ("*rb_ring_read_record*producer*consumer*",
      g_assert_false (rb_ring_read_record (fx->producer, &info, payload,
              sizeof payload)));
  REFUSED ("*rb_ring_read_record_acquire*producer*consumer*",
      g_assert_null (rb_ring_read_record_acquire (fx->producer, &info)));
  REFUSED ("*rb_ring_read_record_release*producer*consumer*",
      rb_ring_read_record_release (fx->producer));
  REFUSED ("*rb_ring_skip_record*producer*consumer*",
      g_assert_false (rb_ring_skip_record (fx->producer)));
  REFUSED ("*rb_ring_read_record_bytes*producer*consumer*",
      g_assert_null (rb_ring_read_record_bytes (fx->producer, &info)));
  /* the record is still there for the consumer */
  g_assert_true (rb_ring_read_record (fx->consumer, &info, payload,
          sizeof payload));
  g_assert_cmpuint (info.size, ==, sizeof payload);
}

/* --- item 23: NULL arguments ------------------------------------------------- */

#define NULL_REFUSED(fn, ...) \
  REFUSED ("*" fn "*assertion*failed*", __VA_ARGS__)

static void
null_ring_calls (void)
{
  guint8 buf[8];
  gsize n = 99;
  float ch[8], *chans[1] = { ch };
  GBytes *bytes = NULL;

  NULL_REFUSED ("rb_ring_get_capacity",
      g_assert_cmpuint (rb_ring_get_capacity (NULL), ==, 0));
  NULL_REFUSED ("rb_ring_get_flags", rb_ring_get_flags (NULL));
  NULL_REFUSED ("rb_ring_get_sample_format", rb_ring_get_sample_format (NULL));
  NULL_REFUSED ("rb_ring_get_channels", rb_ring_get_channels (NULL));
  NULL_REFUSED ("rb_ring_get_rate", rb_ring_get_rate (NULL));
  NULL_REFUSED ("rb_ring_get_frame_size", rb_ring_get_frame_size (NULL));
  NULL_REFUSED ("rb_ring_get_capacity_frames",
      rb_ring_get_capacity_frames (NULL));
  NULL_REFUSED ("rb_ring_write",
      g_assert_cmpuint (rb_ring_write (NULL, buf, 8), ==, 0));
  NULL_REFUSED ("rb_ring_read",
      g_assert_cmpuint (rb_ring_read (NULL, buf, 8), ==, 0));
  NULL_REFUSED ("rb_ring_peek", rb_ring_peek (NULL, buf, 8));
  NULL_REFUSED ("rb_ring_skip", rb_ring_skip (NULL, 8));
  NULL_REFUSED ("rb_ring_read_available", rb_ring_read_available (NULL));
  NULL_REFUSED ("rb_ring_write_available", rb_ring_write_available (NULL));
  NULL_REFUSED ("rb_ring_read_bytes", rb_ring_read_bytes (NULL, 8));
  NULL_REFUSED ("rb_ring_peek_bytes", rb_ring_peek_bytes (NULL, 8));
  NULL_REFUSED ("rb_ring_read_at_bytes",
      rb_ring_read_at_bytes (NULL, 0, 8, &bytes));
  NULL_REFUSED ("rb_ring_write_bytes", rb_ring_write_bytes (NULL, NULL));
  NULL_REFUSED ("rb_ring_write_acquire", rb_ring_write_acquire (NULL, &n));
  g_assert_cmpuint (n, ==, 0);
  NULL_REFUSED ("rb_ring_write_commit", rb_ring_write_commit (NULL, 8));
  NULL_REFUSED ("rb_ring_read_acquire", rb_ring_read_acquire (NULL, &n));
  NULL_REFUSED ("rb_ring_read_release", rb_ring_read_release (NULL, 8));
  NULL_REFUSED ("rb_ring_write_frames", rb_ring_write_frames (NULL, buf, 1));
  NULL_REFUSED ("rb_ring_read_frames", rb_ring_read_frames (NULL, buf, 1));
  NULL_REFUSED ("rb_ring_write_items", rb_ring_write_items (NULL, buf, 1));
  NULL_REFUSED ("rb_ring_read_items", rb_ring_read_items (NULL, buf, 1));
  NULL_REFUSED ("rb_ring_get_item_size",
      g_assert_cmpuint (rb_ring_get_item_size (NULL), ==, 0));
  NULL_REFUSED ("rb_ring_get_item_descriptor",
      g_assert_null (rb_ring_get_item_descriptor (NULL)));
  NULL_REFUSED ("rb_ring_is_item_ring",
      g_assert_false (rb_ring_is_item_ring (NULL)));
  NULL_REFUSED ("rb_ring_read_frames_available",
      rb_ring_read_frames_available (NULL));
  NULL_REFUSED ("rb_ring_write_frames_available",
      rb_ring_write_frames_available (NULL));
  NULL_REFUSED ("rb_ring_write_deinterleaved",
      rb_ring_write_deinterleaved (NULL, (const float *const *) chans, 1, 1));
  NULL_REFUSED ("rb_ring_read_deinterleaved",
      rb_ring_read_deinterleaved (NULL, chans, 1, 1));
  NULL_REFUSED ("rb_ring_get_write_position",
      rb_ring_get_write_position (NULL));
  NULL_REFUSED ("rb_ring_get_read_position", rb_ring_get_read_position (NULL));
  NULL_REFUSED ("rb_ring_get_oldest_position",
      rb_ring_get_oldest_position (NULL));
  NULL_REFUSED ("rb_ring_check_range", rb_ring_check_range (NULL, 0, 1));
  NULL_REFUSED ("rb_ring_read_at", rb_ring_read_at (NULL, 0, buf, 8, &n));
  NULL_REFUSED ("rb_ring_read_frames_at",
      rb_ring_read_frames_at (NULL, 0, buf, 1, &n));
  NULL_REFUSED ("rb_ring_reset", rb_ring_reset (NULL));
  NULL_REFUSED ("rb_ring_set_end_of_stream", rb_ring_set_end_of_stream (NULL));
  NULL_REFUSED ("rb_ring_set_clock_point",
      rb_ring_set_clock_point (NULL, 0, 1, 0));
  NULL_REFUSED ("rb_ring_get_clock_point",
      g_assert_false (rb_ring_get_clock_point (NULL, NULL, NULL, NULL)));
  NULL_REFUSED ("rb_ring_is_end_of_stream", rb_ring_is_end_of_stream (NULL));
  NULL_REFUSED ("rb_ring_get_fill_level", rb_ring_get_fill_level (NULL));
  NULL_REFUSED ("rb_ring_get_overruns", rb_ring_get_overruns (NULL));
  NULL_REFUSED ("rb_ring_get_underruns", rb_ring_get_underruns (NULL));
  NULL_REFUSED ("rb_ring_get_overwritten", rb_ring_get_overwritten (NULL));
  {
    RbRecordInfo info;

    rb_record_info_init (&info, 1, 0);
    NULL_REFUSED ("rb_ring_get_max_record_size",
        rb_ring_get_max_record_size (NULL));
    NULL_REFUSED ("rb_ring_write_record",
        rb_ring_write_record (NULL, &info, NULL, 0));
    NULL_REFUSED ("rb_ring_write_record_acquire",
        rb_ring_write_record_acquire (NULL, 8));
    NULL_REFUSED ("rb_ring_write_record_commit",
        rb_ring_write_record_commit (NULL, &info));
    NULL_REFUSED ("rb_ring_peek_record", rb_ring_peek_record (NULL, &info));
    NULL_REFUSED ("rb_ring_read_record",
        rb_ring_read_record (NULL, &info, buf, sizeof buf));
    NULL_REFUSED ("rb_ring_read_record_bytes",
        rb_ring_read_record_bytes (NULL, &info));
    NULL_REFUSED ("rb_ring_read_record_acquire",
        rb_ring_read_record_acquire (NULL, &info));
    NULL_REFUSED ("rb_ring_read_record_release",
        rb_ring_read_record_release (NULL));
    NULL_REFUSED ("rb_ring_skip_record", rb_ring_skip_record (NULL));
    NULL_REFUSED ("rb_record_info_init", rb_record_info_init (NULL, 1, 0));
  }
}

static void
null_buffer_calls (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_RING_FLAGS_NONE);
  guint8 buf[64] = { 0 };
  gsize n = 99;
  GBytes *bytes = NULL;

  rb_ring_write (ring, buf, 8 * FS);
  NULL_REFUSED ("rb_ring_write", rb_ring_write (ring, NULL, 10));
  NULL_REFUSED ("rb_ring_read", rb_ring_read (ring, NULL, 10));
  NULL_REFUSED ("rb_ring_peek", rb_ring_peek (ring, NULL, 10));
  /* the frames and items calls share one check, which still names the
   * call made and the check in that call's own words */
  REFUSED ("*rb_ring_write_frames*'frames != NULL || n_frames == 0'*",
      g_assert_cmpuint (rb_ring_write_frames (ring, NULL, 1), ==, 0));
  REFUSED ("*rb_ring_read_frames*'frames != NULL || n_frames == 0'*",
      g_assert_cmpuint (rb_ring_read_frames (ring, NULL, 1), ==, 0));
  REFUSED ("*rb_ring_write_items*'items != NULL || n_items == 0'*",
      g_assert_cmpuint (rb_ring_write_items (ring, NULL, 1), ==, 0));
  REFUSED ("*rb_ring_read_items*'items != NULL || n_items == 0'*",
      g_assert_cmpuint (rb_ring_read_items (ring, NULL, 1), ==, 0));
  NULL_REFUSED ("rb_ring_write_acquire", rb_ring_write_acquire (ring, NULL));
  NULL_REFUSED ("rb_ring_read_acquire", rb_ring_read_acquire (ring, NULL));
  NULL_REFUSED ("rb_ring_write_deinterleaved",
      rb_ring_write_deinterleaved (ring, NULL, 2, 1));
  NULL_REFUSED ("rb_ring_read_deinterleaved",
      rb_ring_read_deinterleaved (ring, NULL, 2, 1));
  NULL_REFUSED ("rb_ring_read_at", rb_ring_read_at (ring, 0, NULL, 8, &n));
  NULL_REFUSED ("rb_ring_read_frames_at",
      rb_ring_read_frames_at (ring, 0, NULL, 1, &n));
  NULL_REFUSED ("rb_ring_read_at_bytes",
      rb_ring_read_at_bytes (ring, 0, 8, NULL));
  NULL_REFUSED ("rb_ring_write_bytes", rb_ring_write_bytes (ring, NULL));
  /* an empty transfer may pass NULL (a binding's empty array) */
  g_assert_cmpuint (rb_ring_write (ring, NULL, 0), ==, 0);
  g_assert_cmpuint (rb_ring_read (ring, NULL, 0), ==, 0);
  g_assert_cmpuint (rb_ring_peek (ring, NULL, 0), ==, 0);
  g_assert_cmpuint (rb_ring_read_frames (ring, NULL, 0), ==, 0);
  g_assert_cmpuint (rb_ring_write_frames (ring, NULL, 0), ==, 0);
  g_assert_cmpint (rb_ring_read_at (ring, 0, NULL, 0, &n), ==,
      RB_RANGE_AVAILABLE);
  (void) bytes;
  /* nothing moved */
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 0);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 8 * FS);
}

/* Runs @calls in a child (this test again as a subprocess), which must
 * pass. */
static void
assert_passes_in_child (void (*calls) (void))
{
  if (g_test_subprocess ()) {
    calls ();
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Before the checks these calls crashed (SIGSEGV): run them in a child. */
static void
test_null_ring (void)
{
  assert_passes_in_child (null_ring_calls);
}

static void
test_null_buffer (void)
{
  assert_passes_in_child (null_buffer_calls);
}

/* The plain structs registered as boxed types (RB_DEFINE_PLAIN_BOXED_TYPE):
 * a copy holds the same bytes, freeing NULL is nothing, and a NULL copy is
 * refused, naming the function and its argument. rb_ring_timing_copy() had
 * no check before it moved to the shared macro. */
#define PLAIN_BOXED_COPIES(Type, prefix, arg) G_STMT_START { \
    Type value, *copy; \
    \
    memset (&value, 0xa5, sizeof value); \
    copy = prefix##_copy (&value); \
    g_assert_nonnull (copy); \
    g_assert_true (copy != &value); \
    g_assert_cmpmem (copy, sizeof *copy, &value, sizeof value); \
    prefix##_free (copy); \
    prefix##_free (NULL); \
    REFUSED ("*" #prefix "_copy*" #arg " != NULL*", \
        g_assert_null (prefix##_copy (NULL))); \
  } G_STMT_END

static void
test_plain_boxed_copies (void)
{
  PLAIN_BOXED_COPIES (RbRecordInfo, rb_record_info, info);
  PLAIN_BOXED_COPIES (RbGap, rb_gap, gap);
  PLAIN_BOXED_COPIES (RbRingStatus, rb_ring_status, status);
  PLAIN_BOXED_COPIES (RbRingTiming, rb_ring_timing, timing);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ring-contract/audio/byte-write", test_audio_byte_write);
  g_test_add_func ("/ring-contract/audio/byte-zero-copy",
      test_audio_byte_zero_copy);
  g_test_add_func ("/ring-contract/audio/byte-overwrite",
      test_audio_byte_overwrite);
  g_test_add_func ("/ring-contract/audio/read-at-misaligned",
      test_audio_byte_read_at_misaligned);
  g_test_add_func ("/ring-contract/getters/pure-bytes",
      test_getters_pure_bytes);
  g_test_add_func ("/ring-contract/getters/pure-audio",
      test_getters_pure_audio);
  g_test_add_func ("/ring-contract/getters/frames-read-reports-skip",
      test_getters_pure_frames_read);
  g_test_add_func ("/ring-contract/getters/release-region",
      test_getters_release_region);
  g_test_add_func ("/ring-contract/eos/reader", test_reader_end_of_stream);
  g_test_add ("/ring-contract/roles/plain", Roles,
      GUINT_TO_POINTER (RB_RING_FLAGS_NONE), roles_set_up, test_roles_plain,
      roles_tear_down);
  g_test_add ("/ring-contract/roles/overwrite", Roles,
      GUINT_TO_POINTER (RB_RING_FLAGS_OVERWRITE), roles_set_up,
      test_roles_overwrite, roles_tear_down);
  g_test_add ("/ring-contract/roles/records", Roles,
      GUINT_TO_POINTER (RB_RING_FLAGS_RECORDS), roles_set_up,
      test_roles_records, roles_tear_down);
  g_test_add_func ("/ring-contract/null/ring", test_null_ring);
  g_test_add_func ("/ring-contract/null/buffer", test_null_buffer);
  g_test_add_func ("/ring-contract/null/plain-boxed-copies",
      test_plain_boxed_copies);

  return g_test_run ();
}
