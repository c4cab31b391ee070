/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The test stream of tests/lib's unit tests: a byte for every absolute
 * position, so that a byte read back from the wrong place or lap never
 * matches. */

#pragma once

#include <glib.h>

/* The byte at absolute position @pos of the test stream: depends on the
 * whole position, so a byte from the wrong lap never matches. */
static inline guint8
stream_byte (guint64 pos)
{
  guint64 x = pos * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return (guint8) ((x >> 56) ^ (x >> 29) ^ pos);
}

static inline void
fill_stream (guint8 *buf, guint64 pos, gsize n)
{
  for (gsize i = 0; i < n; i++)
    buf[i] = stream_byte (pos + i);
}

static inline void
assert_stream (const guint8 *buf, guint64 pos, gsize n)
{
  for (gsize i = 0; i < n; i++) {
    if (buf[i] != stream_byte (pos + i))
      g_error ("byte at position %" G_GUINT64_FORMAT " is 0x%02x, expected "
          "0x%02x", pos + i, buf[i], stream_byte (pos + i));
  }
}
