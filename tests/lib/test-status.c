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
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static guint name_counter;

static gchar *
unique_name (void)
{
  return g_strdup_printf ("rbstatus-%d-%u", (int) getpid (), ++name_counter);
}

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
  g_autofree gchar *name = unique_name ();
  g_autoptr (RbRing) ring = rb_ring_create (name, 4096,
      RB_RING_FLAGS_OVERWRITE, RB_RING_ROLE_PRODUCER, 0600, &error);
  guint8 data[100] = { 0 };
  RbRingStatus s;

  g_assert_no_error (error);
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

int
main (int argc, char **argv)
{
  static const struct { const char *path; GTestFunc fn; } tests[] = {
    { "/status/get", test_get_status },
    { "/status/named", test_named },
    { "/status/hostile", test_hostile },
  };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add_func (tests[i].path, tests[i].fn);
  return g_test_run ();
}
