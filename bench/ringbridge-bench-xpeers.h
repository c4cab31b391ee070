/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The throughput peers of ringbridge-bench-xproc other than RbRing, in
 * memory the producer and its forked consumer share
 * (ringbridge-bench-xpeers.c): jack_ringbuffer, boost's spsc_queue,
 * PortAudio's PaUtilRingBuffer and the cross-core limit. */

#pragma once

#include "bench-streams.h"

#include <stddef.h>

/* One capacity's shared peers. */
struct xpeers {
  size_t capacity;
#ifdef HAVE_JACK
  jack_ringbuffer_t *jack;      /* struct and buffer in a shared mapping */
#endif
#ifdef HAVE_BOOST
  bench_boost *boost;           /* placed in a shared mapping */
#endif
#ifdef HAVE_PORTAUDIO
  PaUtilRingBuffer *pa;         /* struct and buffer in a shared mapping */
#endif
  struct bench_limit limit;      /* its data and flags in shared mappings */
};

/* @size zeroed bytes both processes see at the same address: mapped
 * before the fork. Exits on failure. */
void *bench_alloc_shared (size_t size);

/* Every peer of @p for rings of @capacity bytes, in shared mappings. */
void bench_xpeers_init (struct xpeers *p, size_t capacity);
