/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-gen.h"

G_GNUC_NO_INLINE void
bench_fill (struct bench_gen *g, uint8_t *dst, size_t len)
{
  uint64_t *w = (uint64_t *) (void *) dst;
  uint64_t x = g->x;

  for (size_t i = 0; i < len / 8; i++) {
    w[i] = x;
    x += BENCH_GEN_STEP;
  }
  g->x = x;
}

G_GNUC_NO_INLINE void
bench_verify (struct bench_gen *g, uint8_t *src, size_t len, bool corrupt)
{
  uint64_t *w = (uint64_t *) (void *) src;
  uint64_t x = g->x;
  uint64_t bad = 0;

  if (G_UNLIKELY (corrupt))
    w[len / 16] ^= 1;
  for (size_t i = 0; i < len / 8; i++) {
    bad |= w[i] ^ x;
    x += BENCH_GEN_STEP;
  }
  g->x = x;
  g->bad |= bad;
}
