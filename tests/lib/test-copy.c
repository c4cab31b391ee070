/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* rb_copy() (lib/ringbridge/rb-copy.c), the ring's bulk copy that aligns
 * the destination of long copies (issue #18): for every alignment 0..127
 * of source and destination and lengths 0..9000, the destination holds
 * the source's bytes afterwards and not one byte around it changed.
 *
 * Every pair of alignments is walked over the lengths where the head and
 * the threshold can go wrong (0..130, around RB_COPY_ALIGN_MIN, 4 KiB and
 * 9000); every length 0..9000 over a set of alignment pairs that covers
 * aligned, source-only, destination-only and both misaligned. */

#include "rb-copy-private.h"

#include <stdint.h>
#include <string.h>

#include "../common/rb-test.h"

#define MAX_LEN 9000
#define MAX_ALIGN 128
#define GUARD 64
#define BUF_LEN (MAX_ALIGN + MAX_LEN + 2 * GUARD)

static uint8_t *src_buf, *dst_buf, *expect_buf;

/* A source pattern that differs at every offset within a period longer
 * than the head, so a shifted or skipped byte shows. */
static void
fill (uint8_t *buf, size_t len, uint8_t salt)
{
  for (size_t i = 0; i < len; i++)
    buf[i] = (uint8_t) (i * 131 + (i >> 8) * 7 + salt);
}

/* @len is unsigned so that GCC sees the window cannot wrap. */
static void
check_one (size_t sa, size_t da, unsigned len)
{
  uint8_t *src = src_buf + GUARD + sa;
  /* The destination and GUARD bytes either side: all a copy may touch
   * and more, so a stray byte shows. */
  uint8_t *win = dst_buf + da, *expect = expect_buf + da;
  size_t win_len = len + 2 * GUARD;

  fill (win, win_len, (uint8_t) (0x5a + len));
  memcpy (expect, win, win_len);
  memcpy (expect + GUARD, src, len);
  rb_copy (win + GUARD, src, len);
  if (memcmp (win, expect, win_len) != 0) {
    size_t at = 0;

    while (win[at] == expect[at])
      at++;
    g_error ("rb_copy: source +%zu, destination +%zu, %zu bytes: byte %zd "
        "of the destination differs (%u, expected %u)", sa, da, (size_t) len,
        (ssize_t) at - GUARD, win[at], expect[at]);
  }
}

static void
setup (void)
{
  /* 4 KiB aligned, so an offset is an alignment modulo 64 and 128. */
  src_buf = g_aligned_alloc (1, BUF_LEN, 4096);
  dst_buf = g_aligned_alloc (1, BUF_LEN, 4096);
  expect_buf = g_malloc (BUF_LEN);
  fill (src_buf, BUF_LEN, 0x11);
}

static void
teardown (void)
{
  g_aligned_free (src_buf);
  g_aligned_free (dst_buf);
  g_free (expect_buf);
}

/* Every pair of alignments, at the lengths around each edge. */
static void
test_alignments (void)
{
  static const size_t edges[] = {
    RB_COPY_ALIGN_MIN - 1, RB_COPY_ALIGN_MIN, RB_COPY_ALIGN_MIN + 1,
    RB_COPY_ALIGN_MIN + RB_COPY_ALIGN - 1, RB_COPY_ALIGN_MIN + RB_COPY_ALIGN,
    4095, 4096, 4097, 4102, MAX_LEN - 1, MAX_LEN,
  };

  setup ();
  for (size_t sa = 0; sa < MAX_ALIGN; sa++)
    for (size_t da = 0; da < MAX_ALIGN; da++) {
      for (size_t len = 0; len <= 130; len += sa % 2 == 0 ? 1 : 13)
        check_one (sa, da, len);
      for (size_t i = 0; i < G_N_ELEMENTS (edges); i++)
        check_one (sa, da, edges[i]);
    }
  teardown ();
}

/* Every length, over alignment pairs of each kind. */
static void
test_lengths (void)
{
  static const size_t pairs[][2] = {
    { 0, 0 }, { 0, 8 }, { 0, 16 }, { 0, 24 }, { 0, 63 }, { 8, 0 },
    { 16, 16 }, { 5, 70 }, { 64, 6 }, { 127, 127 }, { 100, 1 },
  };

  setup ();
  for (size_t p = 0; p < G_N_ELEMENTS (pairs); p++)
    for (size_t len = 0; len <= MAX_LEN; len++)
      check_one (pairs[p][0], pairs[p][1], len);
  teardown ();
}

static const RbTestCase cases[] = {
  { "/copy/alignments", test_alignments, NULL, NULL },
  { "/copy/lengths", test_lengths, NULL, NULL },
};

RB_TEST_MAIN (cases)
