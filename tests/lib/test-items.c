/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Item rings (issue #15): items of any size that no call splits, the byte
 * calls included; the item size and descriptor in the header, read by a
 * process that attaches; forged items blocks refused; bad arguments. */

#include <ringbridge/ringbridge.h>
#include "rb-shm-private.h"

#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../common/rb-test.h"
#include "../common/rb-test-ring.h"

/* Item @i's byte @j: every item differs, and so does every byte in it. */
static guint8
pattern (guint64 i, gsize j)
{
  return (guint8) (i * 31 + j * 7 + (i >> 8));
}

static void
fill (guint8 *buf, guint64 first, gsize n_items, gsize size)
{
  for (gsize i = 0; i < n_items; i++)
    for (gsize j = 0; j < size; j++)
      buf[i * size + j] = pattern (first + i, j);
}

static void
check_items (const guint8 *buf, guint64 first, gsize n_items, gsize size)
{
  for (gsize i = 0; i < n_items; i++)
    for (gsize j = 0; j < size; j++)
      if (buf[i * size + j] != pattern (first + i, j))
        g_error ("item %" G_GUINT64_FORMAT " (size %zu) byte %zu is 0x%02x, "
            "not 0x%02x", first + i, size, j, buf[i * size + j],
            pattern (first + i, j));
}

static RbRing *
new_items_or_die (gsize size, gsize n, const gchar *descriptor,
    RbRingFlags flags)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_items (size, n, descriptor, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ring);
  return ring;
}

/* Every data call with byte counts that end inside an item: each moves
 * whole items only, and the items come out as they went in. */
static void
no_split (gsize size)
{
  g_autoptr (RbRing) ring = new_items_or_die (size, 10, "opaque", 0);
  gsize cap = rb_ring_get_capacity_frames (ring);
  g_autofree guint8 *in = g_malloc (size * (cap + 2));
  g_autofree guint8 *out = g_malloc (size * (cap + 2));
  guint64 wrote = 0, got = 0;
  const guint8 *region;
  guint8 *wregion;
  gsize n, count;

  g_assert_cmpuint (rb_ring_get_item_size (ring), ==, size);
  g_assert_cmpuint (rb_ring_get_frame_size (ring), ==, size);
  g_assert_cmpuint (cap, >=, 10);
  g_assert_true (rb_ring_is_item_ring (ring));

  for (int round = 0; round < 6; round++) {
    /* write: two and a bit items */
    fill (in, wrote, 3, size);
    n = rb_ring_write (ring, in, 2 * size + (size > 1 ? size - 1 : 0));
    g_assert_cmpuint (n % size, ==, 0);
    g_assert_cmpuint (n, ==, 2 * size);
    wrote += n / size;
    /* write_items: one */
    fill (in, wrote, 1, size);
    g_assert_cmpuint (rb_ring_write_items (ring, in, 1), ==, 1);
    wrote++;
    /* write_acquire / commit of a bit more than one item */
    wregion = rb_ring_write_acquire (ring, &count);
    g_assert_cmpuint (count % size, ==, 0);
    g_assert_cmpuint (count, >=, size);
    fill (wregion, wrote, 1, size);
    rb_ring_write_commit (ring, size + size / 2);
    wrote++;
    g_assert_cmpuint (rb_ring_read_available (ring) % size, ==, 0);
    g_assert_cmpuint (rb_ring_read_available (ring) / size, ==, wrote - got);

    /* read_at of part of an item: nothing, or whole items */
    if (size > 1) {
      gsize done = 99;
      RbRangeStatus st = rb_ring_read_at (ring,
          rb_ring_get_read_position (ring), out, size - 1, &done);
      g_assert_cmpuint (done, ==, 0);
      g_assert_cmpint (st, ==, RB_RANGE_AVAILABLE);
    }
    /* peek a bit more than one item */
    n = rb_ring_peek (ring, out, size + size / 2);
    g_assert_cmpuint (n, ==, size);
    check_items (out, got, 1, size);
    /* read one and a bit */
    n = rb_ring_read (ring, out, size + (size > 1 ? size - 1 : 0));
    g_assert_cmpuint (n, ==, size);
    check_items (out, got, n / size, size);
    got += n / size;
    /* read_acquire hands out whole items; release of a part keeps it */
    region = rb_ring_read_acquire (ring, &count);
    g_assert_cmpuint (count % size, ==, 0);
    g_assert_cmpuint (count / size, ==, wrote - got);
    check_items (region, got, count / size, size);
    g_assert_true (rb_ring_read_release (ring, size > 1 ? size - 1 : 0));
    g_assert_cmpuint (rb_ring_read_available (ring) / size, ==, wrote - got);
    /* skip part of an item: nothing */
    if (size > 1)
      g_assert_cmpuint (rb_ring_skip (ring, size - 1), ==, 0);
    /* read_items: the rest */
    n = rb_ring_read_items (ring, out, cap);
    g_assert_cmpuint (n, ==, wrote - got);
    check_items (out, got, n, size);
    got += n;
    g_assert_cmpuint (rb_ring_get_write_position (ring) % size, ==, 0);
  }

  /* a full ring: a write that does not fit is cut at an item boundary */
  fill (in, wrote, cap + 1, size);
  n = rb_ring_write (ring, in, (cap + 1) * size);
  g_assert_cmpuint (n, ==, cap * size);
  n = rb_ring_read (ring, out, (cap + 1) * size);
  g_assert_cmpuint (n, ==, cap * size);
  check_items (out, wrote, cap, size);
}

/* An overwrite ring of items: a lapped consumer resumes on an item. */
static void
no_split_overwrite (gsize size)
{
  g_autoptr (RbRing) ring = new_items_or_die (size, 4, NULL,
      RB_RING_FLAGS_OVERWRITE);
  gsize cap = rb_ring_get_capacity_frames (ring);
  gsize total = cap * 2 + 3;
  g_autofree guint8 *in = g_malloc (size * total);
  g_autofree guint8 *out = g_malloc (size * total);
  guint64 oldest;
  gsize n;

  fill (in, 0, total, size);
  for (gsize i = 0; i < total; i++)
    g_assert_cmpuint (rb_ring_write (ring, in + i * size, size), ==, size);
  oldest = rb_ring_get_oldest_position (ring);
  g_assert_cmpuint (oldest % size, ==, 0);
  n = rb_ring_read (ring, out, size * total);
  g_assert_cmpuint (n % size, ==, 0);
  g_assert_cmpuint (n / size, >=, cap - 1);
  check_items (out, total - n / size, n / size, size);
  g_assert_cmpuint (rb_ring_get_overwritten (ring) % size, ==, 0);
}

static void
test_no_split (void)
{
  const gsize sizes[] = { 1, 2, 3, 7, 12, 13, 64, 1000, 4095, 5000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    no_split (sizes[i]);
    no_split_overwrite (sizes[i]);
  }
}

/* --- descriptors and attaching -------------------------------------------- */

/* A descriptor that does not fit the header struct (stored at 1024). */
static gchar *
long_descriptor (gsize len)
{
  gchar *d = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    d[i] = (gchar) ('a' + i % 26);
  d[len] = '\0';
  return d;
}

struct attach_check {
  const gchar *name;
  gsize size;
  const gchar *descriptor;
};

/* Child: opens the ring by name as its consumer, told nothing but the
 * name, and checks what the header says and the items it reads. */
static gboolean
child_attach (const struct attach_check *c)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_open (c->name, RB_RING_ROLE_CONSUMER,
      &error);
  guint8 buf[3 * 1000];

  if (ring == NULL) {
    g_printerr ("child: %s\n", error->message);
    return FALSE;
  }
  if (!rb_ring_is_item_ring (ring) || rb_ring_get_item_size (ring) != c->size
      || g_strcmp0 (rb_ring_get_item_descriptor (ring), c->descriptor) != 0) {
    g_printerr ("child: item size %zu, descriptor %s\n",
        rb_ring_get_item_size (ring), rb_ring_get_item_descriptor (ring));
    return FALSE;
  }
  if (rb_ring_read_items (ring, buf, 3) != 3)
    return FALSE;
  check_items (buf, 0, 3, c->size);
  return TRUE;
}

static void
attach_case (gsize size, const gchar *descriptor)
{
  g_autofree gchar *name = rb_test_unique_name ("rbitems");
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_create_items (name, size, 8, descriptor,
      0, &error);
  struct attach_check c = { name, size, descriptor };
  guint8 buf[3 * 1000];
  int status;
  pid_t pid;

  g_assert_no_error (error);
  g_assert_cmpstr (rb_ring_get_item_descriptor (ring), ==, descriptor);
  fill (buf, 0, 3, size);
  g_assert_cmpuint (rb_ring_write_items (ring, buf, 3), ==, 3);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (child_attach (&c) ? 0 : 1);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (rb_ring_unlink (name, NULL));
}

static void
test_attach_descriptor (void)
{
  g_autofree gchar *d63 = long_descriptor (63);
  g_autofree gchar *d64 = long_descriptor (64);
  g_autofree gchar *dmax = long_descriptor (RB_RING_MAX_ITEM_DESCRIPTOR);

  attach_case (3, NULL);
  attach_case (12, "{'descr': '<f4', 'shape': (3,)}");
  attach_case (7, d63);         /* the longest in the struct */
  attach_case (1000, d64);      /* the shortest after it */
  attach_case (1, dmax);
  attach_case (5, "caf\xc3\xa9 \xe2\x82\xac");  /* UTF-8 text */
}

/* A second object of this process opens the consumer's role of a ring
 * the first created for both roles, by name and by fd. */
static void
test_same_process (void)
{
  g_autofree gchar *name = rb_test_unique_name ("rbitems");
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) prod = rb_ring_create_items (name, 6, 8, "six", 0,
      &error);
  g_autoptr (RbRing) cons = NULL;
  g_autoptr (RbRing) anon = new_items_or_die (6, 8, "six", 0);
  g_autoptr (RbRing) anon_cons = NULL;
  guint8 buf[6 * 4];

  g_assert_no_error (error);
  cons = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_ring_get_item_descriptor (cons), ==, "six");
  fill (buf, 0, 4, 6);
  g_assert_cmpuint (rb_ring_write_items (prod, buf, 4), ==, 4);
  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (rb_ring_read_items (cons, buf, 4), ==, 4);
  check_items (buf, 0, 4, 6);
  g_assert_true (rb_ring_unlink (name, NULL));

  anon_cons = rb_ring_new_from_fd (rb_ring_get_fd (anon),
      RB_RING_ROLE_CONSUMER, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_get_item_size (anon_cons), ==, 6);
  fill (buf, 0, 4, 6);
  g_assert_cmpuint (rb_ring_write (anon, buf, sizeof buf), ==, sizeof buf);
  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (rb_ring_read (anon_cons, buf, sizeof buf), ==,
      sizeof buf);
  check_items (buf, 0, 4, 6);
}

/* --- bad input -------------------------------------------------------------- */

static void
test_bad_arguments (void)
{
  g_autofree gchar *too_long = long_descriptor (RB_RING_MAX_ITEM_DESCRIPTOR
      + 1);
  struct {
    gsize size, n;
    const gchar *descriptor;
    RbRingFlags flags;
    int code;
    const gchar *message;
  } cases[] = {
    { 0, 10, NULL, 0, RB_RING_ERROR_INVALID_CAPACITY, "item size 0" },
    { 4, 0, NULL, 0, RB_RING_ERROR_INVALID_CAPACITY, "0 items of 4 bytes" },
    { G_MAXSIZE, 1, NULL, 0, RB_RING_ERROR_INVALID_CAPACITY, "item size" },
    { 3, G_MAXSIZE / 2, NULL, 0, RB_RING_ERROR_INVALID_CAPACITY, "items of 3" },
    { 1 << 20, 4096, NULL, 0, RB_RING_ERROR_INVALID_CAPACITY, "items of" },
    { 4, 4, NULL, RB_RING_FLAGS_RECORDS, RB_RING_ERROR_INVALID_FLAGS,
      "an item ring cannot be a records ring" },
    { 4, 4, too_long, 0, RB_RING_ERROR_INVALID_FORMAT,
      "item descriptor of 4096 bytes is longer than 4095" },
    { 4, 4, "tab\there", 0, RB_RING_ERROR_INVALID_FORMAT,
      "invalid item descriptor: item descriptor byte 3 (0x09)" },
    { 4, 4, "bad \xff utf-8", 0, RB_RING_ERROR_INVALID_FORMAT,
      "invalid item descriptor: item descriptor byte 4 (0xff)" },
    { 4, 4, "cut \xe2\x82", 0, RB_RING_ERROR_INVALID_FORMAT,
      "invalid item descriptor" },
    { 4, 4, "overlong \xc0\xaf", 0, RB_RING_ERROR_INVALID_FORMAT,
      "invalid item descriptor" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GError *error = NULL;
    RbRing *ring = rb_ring_new_items (cases[i].size, cases[i].n,
        cases[i].descriptor, cases[i].flags, &error);

    g_assert_null (ring);
    g_assert_error (error, RB_RING_ERROR, cases[i].code);
    if (strstr (error->message, cases[i].message) == NULL)
      g_error ("case %u: \"%s\" lacks \"%s\"", i, error->message,
          cases[i].message);
    g_error_free (error);
  }
}

/* --- forged headers ----------------------------------------------------------- */

struct forgery {
  const char *what;
  size_t offset;
  const char *bytes;            /* written at offset: a string, or */
  guint32 value;                /* this 32-bit word if bytes is NULL */
  const char *message;
};

static void
forge_and_open (gboolean audio, const gchar *descriptor,
    const struct forgery *f)
{
  g_autofree gchar *name = rb_test_unique_name ("rbitems");
  g_autofree gchar *path = rb_ring_name_to_path (name);
  GError *error = NULL;
  RbRing *ring;

  if (audio) {
    rb_test_make_audio_file (name);
  } else {
    ring = rb_ring_create_items (name, 12, 100, descriptor, 0, &error);
    g_assert_no_error (error);
    g_object_unref (ring);
  }
  if (f->bytes != NULL)
    rb_test_forge (path, f->offset, f->bytes, strlen (f->bytes));
  else
    rb_test_forge (path, f->offset, &f->value, 4);
  ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error);
  if (ring != NULL)
    g_error ("forged %s: attached", f->what);
  g_assert_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT);
  if (strstr (error->message, f->message) == NULL)
    g_error ("forged %s: \"%s\" lacks \"%s\"", f->what, error->message,
        f->message);
  g_error_free (error);
  g_assert_true (rb_ring_unlink (name, NULL));
}

#define AT(field) offsetof (struct rb_shm_header, field)

static void
test_forged_headers (void)
{
  static const struct forgery short_d[] = {
    { "item size", AT (item_size), NULL, 13,
      "item size 13 does not match the frame size 12" },
    { "frame size", AT (frame_size), NULL, 6, "does not match" },
    /* refused before the usable capacity is divided by it (SIGFPE) */
    { "frame size 0", AT (frame_size), NULL, 0,
      "item size 12 does not match the frame size 0" },
    { "item size past the capacity", AT (item_size), NULL, 1u << 20,
      "does not match the frame size" },
    { "descriptor offset", AT (item_descriptor_offset), NULL, 961,
      "invalid item descriptor offset 961" },
    { "descriptor offset 0", AT (item_descriptor_offset), NULL, 0,
      "item descriptor offset 0 with length 3" },
    { "descriptor length", AT (item_descriptor_length), NULL, 64,
      "item descriptor of 64 bytes does not fit at offset 960" },
    { "descriptor length huge", AT (item_descriptor_length), NULL,
      0xffffffffu, "item descriptor length 4294967295 exceeds 4095" },
    { "descriptor without NUL", AT (item_descriptor), "abcd", 0,
      "item descriptor of 3 bytes is not NUL-terminated" },
    { "descriptor control byte", AT (item_descriptor), "a\nc", 0,
      "item descriptor byte 1 (0x0a) is not printable UTF-8 text" },
  };
  static const struct forgery long_d[] = {
    { "long descriptor length", AT (item_descriptor_length), NULL, 4095,
      "item descriptor of 4095 bytes at offset 1024 overruns" },
    { "long descriptor byte", 1024 + 10, "\x01\x02\x03\x04", 0,
      "item descriptor byte 10 (0x01) is not printable UTF-8 text" },
    { "long descriptor NUL", 1024 + 100, "more", 0,
      "item descriptor of 100 bytes is not NUL-terminated" },
  };
  static const struct forgery on_audio[] = {
    { "item size on audio", AT (item_size), NULL, 4,
      "item size 4 in an audio or records ring" },
    { "descriptor on a non-item ring", AT (item_descriptor_length), NULL, 4,
      "item descriptor (offset 0, length 4) in a ring that is not an item "
      "ring" },
  };
  g_autofree gchar *d100 = long_descriptor (100);

  for (guint i = 0; i < G_N_ELEMENTS (short_d); i++)
    forge_and_open (FALSE, "abc", &short_d[i]);
  for (guint i = 0; i < G_N_ELEMENTS (long_d); i++)
    forge_and_open (FALSE, d100, &long_d[i]);
  for (guint i = 0; i < G_N_ELEMENTS (on_audio); i++)
    forge_and_open (TRUE, NULL, &on_audio[i]);
}

static const RbTestCase cases[] = {
  { "/items/no-split", test_no_split },
  { "/items/attach-descriptor", test_attach_descriptor },
  { "/items/same-process", test_same_process },
  { "/items/bad-arguments", test_bad_arguments },
  { "/items/forged-headers", test_forged_headers },
};

RB_TEST_MAIN (cases)
