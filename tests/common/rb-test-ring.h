/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Making an in-process ring in a test, where failing is the test's
 * failure: tests/lib's unit tests. */

#pragma once

#include <ringbridge/ringbridge.h>

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
