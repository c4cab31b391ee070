/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* RbRingStatus: the snapshot of a ring this process holds, of a named ring
 * read without attaching, and of hostile headers (each case a copy of a
 * real header with one field made impossible, in a memfd of its own): an
 * error or "unknown", never a crash and never a value believed. */

#include <ringbridge/ringbridge.h>
#include "rb-shm-private.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/rb-test-ring.h"

/* The identity and the positions of @ring as status @s reports them. */
static void
assert_ring_status (const RbRingStatus *s, RbRing *ring, RbRingFlags flags,
    RbSampleFormat format, guint64 write_pos, guint64 read_pos,
    gboolean eos)
{
  g_assert_cmpuint (s->capacity, ==, rb_ring_get_capacity (ring));
  g_assert_cmpint (s->flags, ==, flags);
  g_assert_cmpint (s->format, ==, format);
  g_assert_cmpuint (s->frame_size, ==, rb_ring_get_frame_size (ring));
  g_assert_cmpuint (s->write_position, ==, write_pos);
  g_assert_cmpuint (s->read_position, ==, read_pos);
  g_assert_cmpuint (s->fill, ==, write_pos - read_pos);
  g_assert_cmpint (s->end_of_stream, ==, eos);
}

static void
test_get_status (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2,
      48000, 1024, RB_RING_FLAGS_NONE, &error);
  gint16 frames[2 * 100] = { 0 };
  g_autoptr (RbRingStatus) copy = NULL;
  RbRingStatus s;
  gint64 now = g_get_monotonic_time () * 1000;

  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_write_frames (ring, frames, 100), ==, 100);
  g_assert_cmpuint (rb_ring_read_frames (ring, frames, 30), ==, 30);
  rb_ring_set_clock_point (ring, 400, now, 1234);
  rb_ring_set_end_of_stream (ring);

  rb_ring_get_status (ring, &s);
  assert_ring_status (&s, ring, RB_RING_FLAGS_NONE, RB_SAMPLE_FORMAT_S16LE,
      400, 120, TRUE);
  g_assert_cmpuint (s.channels, ==, 2);
  g_assert_cmpuint (s.rate, ==, 48000);
  g_assert_cmpuint (s.frame_size, ==, 4);
  g_assert_cmpuint (s.header_size, >=, 768);
  g_assert_true (s.roles_known);
  /* an anonymous ring: this process made it, for both roles */
  g_assert_cmpint (s.creator_state, ==, RB_HOLDER_STATE_ALIVE);
  g_assert_cmpuint (s.creator_pid, ==, (guint) getpid ());
  g_assert_cmpint (s.creator_role, ==, RB_RING_ROLE_BOTH);
  g_assert_true (s.has_clock_point);
  g_assert_cmpuint (s.clock_position, ==, 400);
  g_assert_cmpint (s.clock_monotonic_ns, ==, now);
  g_assert_cmpuint (s.clock_frames, ==, 1234);

  copy = rb_ring_status_copy (&s);
  g_assert_cmpmem (copy, sizeof *copy, &s, sizeof s);
}

static void
test_named (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = rb_test_unique_name ("rbstatus");
  g_autoptr (RbRing) ring = rb_test_ring_create (name, 4096,
      RB_RING_FLAGS_OVERWRITE);
  guint8 data[100] = { 0 };
  RbRingStatus s;

  g_assert_cmpuint (rb_ring_write (ring, data, sizeof data), ==, 100);

  g_assert_true (rb_ring_status_read_named (name, &s, &error));
  g_assert_no_error (error);
  assert_ring_status (&s, ring, RB_RING_FLAGS_OVERWRITE,
      RB_SAMPLE_FORMAT_NONE, 100, 0, FALSE);
  g_assert_cmpuint (s.frame_size, ==, 1);
  g_assert_false (s.has_clock_point);
  g_assert_cmpint (s.producer_state, ==, RB_HOLDER_STATE_ALIVE);
  g_assert_cmpuint (s.producer_pid, ==, (guint) getpid ());
  g_assert_cmpuint (s.producer_generation, ==, 1);
  g_assert_cmpint (s.consumer_state, ==, RB_HOLDER_STATE_NONE);
  g_assert_cmpuint (s.consumer_pid, ==, 0);
  g_assert_cmpint (s.creator_role, ==, RB_RING_ROLE_PRODUCER);

  /* looking did not take a role: a consumer still can */
  {
    g_autoptr (RbRing) consumer = rb_ring_open (name, RB_RING_ROLE_CONSUMER,
        &error);
    g_assert_no_error (error);
  }
  g_assert_true (rb_ring_status_read_named (name, &s, &error));
  g_assert_cmpint (s.consumer_state, ==, RB_HOLDER_STATE_DETACHED);
  g_assert_cmpuint (s.consumer_generation, ==, 1);

  g_assert_true (rb_ring_unlink (name, &error));
  g_assert_false (rb_ring_status_read_named (name, &s, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (rb_ring_status_read_named ("../etc", &s, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME);
}

/* --- hostile headers ------------------------------------------------------- */

typedef struct {
  guint8 *file;                 /* a real ring's file: header and data */
  gsize size;
} Image;

static Image
real_image (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new_full (4096, RB_RING_FLAGS_NONE,
      &error);
  Image img;
  struct stat st;
  int fd;

  g_assert_no_error (error);
  fd = rb_ring_get_fd (ring);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  img.size = (gsize) st.st_size;
  img.file = g_malloc0 (img.size);
  g_assert_cmpint (pread (fd, img.file, img.size, 0), ==, (gssize) img.size);
  return img;
}

/* The status read from a memfd holding @img (@size bytes of it) after
 * @patch wrote @len bytes at @offset. */
static gboolean
read_patched (const Image *img, gsize size, gsize offset, const void *patch,
    gsize len, RbRingStatus *s, GError **error)
{
  int fd = memfd_create ("hostile", MFD_CLOEXEC);
  gboolean ok;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, img->file, size, 0), ==, (gssize) size);
  if (len > 0)
    g_assert_cmpint (pwrite (fd, patch, len, (off_t) offset), ==,
        (gssize) len);
  ok = rb_ring_status_read_fd (fd, "hostile", s, error);
  close (fd);
  return ok;
}

/* One field of the header, 32 or 64 bits, set to @value. */
#define PATCH(field, value, s, error) G_STMT_START { \
    union { uint32_t u32; uint64_t u64; } v_; \
    gsize n_ = sizeof (((struct rb_shm_header *) NULL)->field); \
    if (n_ == 4) \
      v_.u32 = (uint32_t) (value); \
    else \
      v_.u64 = (uint64_t) (value); \
    ok = read_patched (&img, img.size, \
        offsetof (struct rb_shm_header, field), &v_, n_, (s), (error)); \
  } G_STMT_END

static void
test_hostile (void)
{
  Image img = real_image ();
  GError *error = NULL;
  RbRingStatus s;
  gboolean ok;

  /* the untouched copy reads */
  g_assert_true (read_patched (&img, img.size, 0, NULL, 0, &s, &error));
  g_assert_no_error (error);

  /* not a ring: nothing believed, not even the owner words */
  PATCH (magic, 42, &s, &error);
  g_assert_false (ok);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING);
  g_assert_false (s.roles_known);
  g_assert_cmpuint (s.capacity, ==, 0);
  g_clear_error (&error);

  /* shorter than a header */
  g_assert_false (read_patched (&img, 100, 0, NULL, 0, &s, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING);
  g_clear_error (&error);

  PATCH (layout_version, 99, &s, &error);
  g_assert_false (ok);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_INCOMPATIBLE);
  g_clear_error (&error);

  /* a corrupt ring: an error naming the field, and who used it */
  PATCH (capacity, 4097, &s, &error);
  g_assert_false (ok);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "ring 'hostile': invalid "
          "capacity 4097"));
  g_assert_true (s.roles_known);
  g_assert_cmpuint (s.creator_pid, ==, (guint) getpid ());
  g_assert_cmpuint (s.capacity, ==, 0);
  g_clear_error (&error);

  PATCH (sample_format, 1000, &s, &error);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  g_clear_error (&error);
  PATCH (flags, 0x80, &s, &error);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  g_clear_error (&error);

  /* positions further apart than the ring holds, read again and refused */
  PATCH (write_pos, G_GUINT64_CONSTANT (1) << 40, &s, &error);
  g_assert_false (ok);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  g_clear_error (&error);

  /* values that mean nothing read as "unknown", "dead", "none" */
  PATCH (creator_role, 77, &s, &error);
  g_assert_true (ok);
  g_assert_cmpint (s.creator_role, ==, -1);
  PATCH (producer_owner, G_GUINT64_CONSTANT (0xffffffff), &s, &error);
  g_assert_true (ok);
  g_assert_cmpint (s.producer_state, ==, RB_HOLDER_STATE_DEAD);
  g_assert_cmpuint (s.producer_pid, ==, 0xffffffffu);
  PATCH (consumer_owner, 1, &s, &error);  /* pid 1 with another start */
  g_assert_true (ok);
  g_assert_cmpint (s.consumer_state, !=, RB_HOLDER_STATE_NONE);

  /* a clock point half written, from the far future, or beyond the data */
  PATCH (clock_seq, 3, &s, &error);
  g_assert_true (ok);
  g_assert_false (s.has_clock_point);
  {
    struct {
      uint32_t seq, reserved;
      uint64_t position;
      int64_t time_ns;
      uint64_t frames;
    } clock = { 2, 0, 0, G_MAXINT64, 0 };

    ok = read_patched (&img, img.size, offsetof (struct rb_shm_header,
            clock_seq), &clock, sizeof clock, &s, &error);
    g_assert_true (ok);
    g_assert_false (s.has_clock_point);
    clock.time_ns = g_get_monotonic_time () * 1000;
    clock.position = G_GUINT64_CONSTANT (1) << 50;
    ok = read_patched (&img, img.size, offsetof (struct rb_shm_header,
            clock_seq), &clock, sizeof clock, &s, &error);
    g_assert_true (ok);
    g_assert_false (s.has_clock_point);
    clock.position = 0;
    ok = read_patched (&img, img.size, offsetof (struct rb_shm_header,
            clock_seq), &clock, sizeof clock, &s, &error);
    g_assert_true (ok);
    g_assert_true (s.has_clock_point);
    g_assert_cmpint (s.clock_monotonic_ns, ==, clock.time_ns);
  }

  /* a file cut short of its data area */
  g_assert_false (read_patched (&img, img.size - 1, 0, NULL, 0, &s, &error));
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  g_clear_error (&error);

  g_free (img.file);
}

/* --- timing ------------------------------------------------------------------ */

#define T_RATE 48000
#define T_FRAME 4                 /* S16LE stereo */
#define T_PPM 100.0

/* An audio ring whose two sides stamped 4 s of a producer at +T_PPM and an
 * exact consumer, ending now, through the caller-supplied stamps (the
 * real clock: its file is read by rb_ring_status_read_fd() later). */
static RbRing *
stamped_ring (void)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, T_RATE, 4096,
      RB_RING_FLAGS_NONE, &error);
  guint8 block[256 * T_FRAME] = { 0 };
  const gdouble seconds = 4, prate = T_RATE * (1 + T_PPM * 1e-6);
  gint64 t0 = g_get_monotonic_time () * 1000 - (gint64) (seconds * 1e9);

  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    g_assert_cmpuint (rb_ring_write_frames (ring, block, 256), ==, 256);
  for (guint k = 0; k < (guint) (seconds * T_RATE / 256); k++) {
    guint64 w = rb_ring_get_write_position (ring);
    guint64 r = rb_ring_get_read_position (ring);

    g_assert_true (rb_ring_stamp_producer (ring, w,
            t0 + (gint64) ((gdouble) (w / T_FRAME - 1024) / prate * 1e9)));
    g_assert_true (rb_ring_stamp_consumer (ring, r,
            t0 + (gint64) ((gdouble) (r / T_FRAME) / T_RATE * 1e9)));
    g_assert_cmpuint (rb_ring_write_frames (ring, block, 256), ==, 256);
    g_assert_cmpuint (rb_ring_read_frames (ring, block, 256), ==, 256);
  }
  return ring;
}

static void
check_known (const RbRingTiming *t)
{
  g_assert_cmpint (t->producer_state, ==, RB_TIMING_STATE_OK);
  g_assert_cmpint (t->consumer_state, ==, RB_TIMING_STATE_OK);
  g_assert_true (t->producer_locked && t->consumer_locked);
  g_assert_true (t->ratio_known && t->fill_known);
  g_assert_cmpfloat (fabs (t->ratio_ppm - T_PPM), <, 5);
  g_assert_cmpfloat (fabs (t->consumer_rate - T_RATE), <, 1);
  g_assert_cmpfloat (t->fill, >, 900);
  g_assert_cmpfloat (t->fill, <, 1400);
  g_assert_cmpint (t->fill_ns, >, 18000000);
  g_assert_cmpint (t->producer_age_ns, >=, 0);
  g_assert_cmpint (t->consumer_age_ns, >=, 0);
}

static void
test_timing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = stamped_ring ();
  g_autoptr (RbRingStatus) copy = NULL;
  RbRingStatus s;

  /* held */
  rb_ring_get_status (ring, &s);
  check_known (&s.timing);
  /* by its file, without attaching */
  g_assert_true (rb_ring_status_read_fd (rb_ring_get_fd (ring), NULL, &s,
          &error));
  g_assert_no_error (error);
  check_known (&s.timing);
  copy = rb_ring_status_copy (&s);
  g_assert_cmpfloat (copy->timing.ratio_ppm, ==, s.timing.ratio_ppm);

  /* a byte ring does not stamp; a failed read knows nothing either */
  {
    g_autoptr (RbRing) bytes = rb_ring_new_full (4096, RB_RING_FLAGS_NONE,
        &error);

    rb_ring_get_status (bytes, &s);
    g_assert_cmpint (s.timing.producer_state, ==, RB_TIMING_STATE_NO_STAMPS);
    g_assert_cmpint (s.timing.consumer_state, ==, RB_TIMING_STATE_NO_STAMPS);
    g_assert_false (s.timing.ratio_known || s.timing.fill_known);
    g_assert_cmpint (s.timing.producer_age_ns, ==, -1);
  }
  g_assert_false (rb_ring_status_read_named ("rbstatus-none", &s, &error));
  g_clear_error (&error);
  g_assert_cmpint (s.timing.producer_state, ==, RB_TIMING_STATE_NO_STAMPS);
}

/* Each timing field a hostile peer can set, read from the file: its side
 * reads as unknown (never OK, no rate, no ratio, no fill), the other side
 * is untouched. The same cases as tests/lib/test-timing.c's, through the
 * path that does not attach. */
static void
test_timing_hostile (void)
{
  g_autoptr (RbRing) ring = stamped_ring ();
  int fd = rb_ring_get_fd (ring);
  struct stat st;
  Image img;
  GError *error = NULL;
  RbRingStatus s;
  const gint64 far = g_get_monotonic_time () * 1000 + G_GINT64_CONSTANT (5) *
      1000000000;
  const struct {
    const char *what;
    gsize offset, len;          /* in struct rb_shm_timing */
    uint64_t value;
    RbTimingState state;
    gdouble real;               /* written instead of @value when @len is 0:
                                 * the 8 bytes of a double, its bits */
  } cases[] = {
    { "seq odd", 0, 4, 7, RB_TIMING_STATE_BUSY },
    { "flags", 4, 4, 0x80, RB_TIMING_STATE_INVALID },
    { "position ahead", 8, 8, G_GUINT64_CONSTANT (1) << 40,
      RB_TIMING_STATE_INVALID },
    { "position off frame", 8, 8, 4097, RB_TIMING_STATE_INVALID },
    { "time zero", 16, 8, 0, RB_TIMING_STATE_INVALID },
    { "time far", 16, 8, G_MAXINT64, RB_TIMING_STATE_INVALID },
    { "rate nan", 24, 0, 0, RB_TIMING_STATE_INVALID, NAN },
    { "rate inf", 24, 0, 0, RB_TIMING_STATE_INVALID, INFINITY },
    { "rate negative", 24, 0, 0, RB_TIMING_STATE_INVALID, -192000.0 },
    { "rate absurd", 24, 0, 0, RB_TIMING_STATE_INVALID, 1e300 },
    { "rate double", 24, 0, 0, RB_TIMING_STATE_INVALID,
      2.0 * T_RATE * T_FRAME },
    { "stamp future", 32, 8, (uint64_t) far, RB_TIMING_STATE_INVALID },
    { "stamp zero", 32, 8, 0, RB_TIMING_STATE_INVALID },
    { "stamps zero", 40, 8, 0, RB_TIMING_STATE_INVALID },
    { "bandwidth nan", 48, 0, 0, RB_TIMING_STATE_INVALID, NAN },
    { "bandwidth huge", 48, 0, 0, RB_TIMING_STATE_INVALID, 1e9 },
  };

  g_assert_cmpint (fstat (fd, &st), ==, 0);
  img.size = (gsize) st.st_size;
  img.file = g_malloc0 (img.size);
  g_assert_cmpint (pread (fd, img.file, img.size, 0), ==, (gssize) img.size);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    for (int side = 0; side < 2; side++) {
      gsize block = side == 0 ?
          offsetof (struct rb_shm_header, producer_timing) :
          offsetof (struct rb_shm_header, consumer_timing);
      uint32_t v32 = (uint32_t) cases[i].value;
      const void *bytes = cases[i].len == 4 ? (const void *) &v32 :
          cases[i].len == 8 ? (const void *) &cases[i].value :
          (const void *) &cases[i].real;
      RbTimingState mine, other;

      g_test_message ("%s, %s", cases[i].what,
          side == 0 ? "producer" : "consumer");
      g_assert_true (read_patched (&img, img.size, block + cases[i].offset,
              bytes, cases[i].len > 0 ? cases[i].len : sizeof (gdouble), &s,
              &error));
      g_assert_no_error (error);
      mine = side == 0 ? s.timing.producer_state : s.timing.consumer_state;
      other = side == 0 ? s.timing.consumer_state : s.timing.producer_state;
      g_assert_cmpint (mine, ==, cases[i].state);
      g_assert_cmpint (other, ==, RB_TIMING_STATE_OK);
      g_assert_cmpfloat (side == 0 ? s.timing.producer_rate :
          s.timing.consumer_rate, ==, 0);
      g_assert_false (side == 0 ? s.timing.producer_locked :
          s.timing.consumer_locked);
      g_assert_false (s.timing.ratio_known || s.timing.fill_known);
      g_assert_cmpfloat (s.timing.ratio_ppm, ==, 0);
      g_assert_cmpint (s.timing.fill_ns, ==, 0);
    }
  }
  /* the untouched copy still reads as known */
  g_assert_true (read_patched (&img, img.size, 0, NULL, 0, &s, &error));
  check_known (&s.timing);
  g_free (img.file);
}

int
main (int argc, char **argv)
{
  static const struct { const char *path; GTestFunc fn; } tests[] = {
    { "/status/get", test_get_status },
    { "/status/named", test_named },
    { "/status/hostile", test_hostile },
    { "/status/timing", test_timing },
    { "/status/timing-hostile", test_timing_hostile },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add_func (tests[i].path, tests[i].fn);
  return g_test_run ();
}
