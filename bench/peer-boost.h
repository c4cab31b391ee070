/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* boost::lockfree::spsc_queue<char> as a benchmark peer (issue #18): the
 * queue boost users would keep instead of ringbridge, behind a C shim
 * (peer-boost.cc) so the C benchmarks can call its bulk push and pop.
 * Built when a C++ compiler and boost's headers are found (HAVE_BOOST). */

#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_boost bench_boost;

/* A queue that holds @capacity bytes, on the heap (boost's runtime-sized
 * queue); NULL if boost refuses the size. */
bench_boost *bench_boost_new (size_t capacity);

void bench_boost_free (bench_boost *q);

/* The bytes a queue of @capacity bytes placed with bench_boost_place()
 * takes (boost's compile-time sized queue: its buffer is inside the
 * object, so it can live in a shared mapping); 0 if no such queue is
 * compiled for @capacity. */
size_t bench_boost_placed_size (size_t capacity);

/* Constructs that queue at @mem (bench_boost_placed_size() bytes, 64-byte
 * aligned), e.g. in a mapping shared with a child process; it needs no
 * destruction. NULL if no queue is compiled for @capacity. */
bench_boost *bench_boost_place (void *mem, size_t capacity);

/* One bulk push or pop of up to @len bytes; returns how many moved. The
 * signature of bench_xfer_fn (bench-streams.h). */
size_t bench_boost_push (void *q, uint8_t *buf, size_t len);

size_t bench_boost_pop (void *q, uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif
