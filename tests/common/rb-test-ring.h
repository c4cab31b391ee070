/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Making an in-process ring in a test, where failing is the test's
 * failure, and checking a refusal: tests/lib's unit tests. */

#pragma once

#include <ringbridge/ringbridge.h>

#include <string.h>

/* A new ring of @capacity bytes with @flags (RB_RING_FLAGS_NONE: a plain
 * one), or the test fails. */
static inline RbRing *
rb_test_ring_new (gsize capacity, RbRingFlags flags)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_full (capacity, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ring);
  return ring;
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
