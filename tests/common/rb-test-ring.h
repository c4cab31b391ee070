/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Making an in-process ring in a test, where failing is the test's
 * failure, writing the test stream into one, checking a refusal, forging
 * a named ring's file as a hostile peer would: tests/lib's unit tests. */

#pragma once

#include <ringbridge/ringbridge.h>

#include "rb-test.h"
#include "rb-test-stream.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* A ring name of this process no other test uses: @tag, the pid and a
 * count (free it). */
static inline gchar *
rb_test_unique_name (const char *tag)
{
  static guint counter;

  return g_strdup_printf ("%s-%d-%u", tag, (int) getpid (), ++counter);
}

/* A new ring of @capacity bytes with @flags (RB_RING_FLAGS_NONE: a plain
 * one), or the test fails. */
static inline RbRing *
rb_test_ring_new (gsize capacity, RbRingFlags flags)
{
  GError *error = NULL;

  return rb_test_made (rb_ring_new_full (capacity, flags, &error), &error);
}

/* The new named ring @name of @capacity bytes with @flags, made by its
 * producer (mode 0600), or the test fails. */
static inline RbRing *
rb_test_ring_create (const char *name, gsize capacity, RbRingFlags flags)
{
  GError *error = NULL;

  return rb_test_made (rb_ring_create (name, capacity, flags,
      RB_RING_ROLE_PRODUCER, 0600, &error), &error);
}

/* The named ring @name opened as @role, or the test fails. */
static inline RbRing *
rb_test_ring_open (const char *name, RbRingRole role)
{
  GError *error = NULL;

  return rb_test_made (rb_ring_open (name, role, &error), &error);
}

/* rb_ring_read_frames_at() of up to @n frames at @frame into @out says
 * @status and reads @frames frames. */
static inline void
rb_test_assert_read_frames_at (RbRing *ring, guint64 frame, gpointer out,
    gsize n, RbRangeStatus status, gsize frames)
{
  gsize got = G_MAXSIZE;

  g_assert_cmpint (rb_ring_read_frames_at (ring, frame, out, n, &got), ==,
      status);
  g_assert_cmpuint (got, ==, frames);
}

/* A call refused: @result (what it returned) is NULL and *@error says
 * @code of RB_RING_ERROR, with @part in its message unless @part is NULL.
 * Clears *@error. */
static inline void
rb_test_assert_refused (gconstpointer result, GError **error, gint code,
    const char *part)
{
  g_assert_null (result);
  g_assert_error (*error, RB_RING_ERROR, code);
  if (part != NULL)
    g_assert_nonnull (strstr ((*error)->message, part));
  g_clear_error (error);
}

/* A gboolean call failed: @ok (what it returned) is FALSE and *@error says
 * @code of RB_RING_ERROR, with @part in its message unless @part is NULL.
 * Clears *@error. */
static inline void
rb_test_assert_failed (gboolean ok, GError **error, gint code,
    const char *part)
{
  g_assert_false (ok);
  rb_test_assert_refused (NULL, error, code, part);
}

/* Writes the @n bytes of the test stream (rb-test-stream.h) at @ring's
 * write position; they must all fit. */
static inline void
rb_test_write_stream (RbRing *ring, gsize n)
{
  g_autofree guint8 *buf = g_malloc (n);

  fill_stream (buf, rb_ring_get_write_position (ring), n);
  g_assert_cmpuint (rb_ring_write (ring, buf, n), ==, n);
}

/* Creates the named ring @name as a producer would (stereo S16LE at
 * 48 kHz, 1024 frames) and lets it go: a file for a test to forge. */
static inline void
rb_test_make_audio_file (const char *name)
{
  GError *error = NULL;

  g_object_unref (rb_test_made (rb_ring_create_audio (name,
      RB_SAMPLE_FORMAT_S16LE, 2, 48000, 1024, 0, RB_RING_ROLE_PRODUCER, 0,
      &error), &error));
}

/* Writes the @n bytes at @bytes at @offset of the file @path, or the test
 * fails: a peer forging a ring's header. */
static inline void
rb_test_forge (const char *path, goffset offset, gconstpointer bytes,
    gsize n)
{
  int fd = open (path, O_RDWR);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, bytes, n, (off_t) offset), ==, (gssize) n);
  close (fd);
}
