/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The stream generator of the ring benchmarks and its check. Every peer
 * runs the same bench_fill() on the producer side and the same
 * bench_verify() on the consumer side, out of line in their own file, so
 * the verification costs every peer the same machine code. */

#pragma once

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A Weyl sequence, one 64-bit word per 8 bytes. Every word of a run differs
 * (the step is odd), so a lost, repeated or misplaced word shows up as well
 * as a flipped bit. Chunk sizes are multiples of 8. */
#define BENCH_GEN_STEP UINT64_C (0x9e3779b97f4a7c15)

struct bench_gen {
  uint64_t x;
  uint64_t bad;                 /* OR of every difference seen */
};

G_GNUC_NO_INLINE void bench_fill (struct bench_gen *g, uint8_t *dst,
    size_t len);

/* @corrupt flips one bit before the check: the --inject-error self-test. */
G_GNUC_NO_INLINE void bench_verify (struct bench_gen *g, uint8_t *src,
    size_t len, bool corrupt);
