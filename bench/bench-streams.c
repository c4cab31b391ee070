/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-streams.h"

#include <stdlib.h>
#include <string.h>

static inline __attribute__ ((always_inline)) void
produce_with (bench_xfer_fn write, void *obj, size_t chunk, uint64_t n,
    uint64_t seed, uint8_t *src)
{
  struct bench_gen g = { seed, 0 };

  for (uint64_t k = 0; k < n; k++) {
    bench_fill (&g, src, chunk);
    bench_move_all (write, obj, src, chunk);
  }
}

static inline __attribute__ ((always_inline)) uint64_t
consume_with (bench_xfer_fn read, void *obj, size_t chunk, uint64_t n,
    uint64_t seed, uint64_t inject_at, uint8_t *dst)
{
  struct bench_gen g = { seed, 0 };

  for (uint64_t k = 0; k < n; k++) {
    bench_move_all (read, obj, dst, chunk);
    bench_verify (&g, dst, chunk, k == inject_at);
  }
  return g.bad;
}

/* The producer and consumer of one peer (BENCH_PEER_LOOPS_DECLARE):
 * produce_with() and consume_with() with its transfer functions, so each
 * peer's loop calls its own directly. */
#define PEER_LOOPS(prefix, type, write, read) \
  void \
  prefix##_produce (type obj, size_t chunk, uint64_t n, uint64_t seed, \
      uint8_t *src) \
  { \
    produce_with (write, obj, chunk, n, seed, src); \
  } \
  uint64_t \
  prefix##_consume (type obj, size_t chunk, uint64_t n, uint64_t seed, \
      uint64_t inject_at, uint8_t *dst) \
  { \
    return consume_with (read, obj, chunk, n, seed, inject_at, dst); \
  }

PEER_LOOPS (bench_rb, RbRing *, bench_rb_write, bench_rb_read)
#ifdef HAVE_JACK
/* jack_ringbuffer holds size - 1 bytes, so a chunk as large as the ring
 * goes through in pieces, like every other partial transfer here. */
PEER_LOOPS (bench_jack, jack_ringbuffer_t *, bench_jack_write,
    bench_jack_read)
#endif
#ifdef HAVE_BOOST
PEER_LOOPS (bench_boost, bench_boost *, bench_boost_push, bench_boost_pop)
#endif
#ifdef HAVE_PORTAUDIO
PEER_LOOPS (bench_pa, PaUtilRingBuffer *, bench_pa_write, bench_pa_read)
#endif

#ifdef HAVE_JACK
const bool bench_have_jack = true;
#else
const bool bench_have_jack = false;
#endif
#ifdef HAVE_BOOST
const bool bench_have_boost = true;
#else
const bool bench_have_boost = false;
#endif
#ifdef HAVE_PORTAUDIO
const bool bench_have_pa = true;
#else
const bool bench_have_pa = false;
#endif

void
bench_print_peers_header (const char *jack_note)
{
  if (!bench_have_jack)
    g_print ("jack peer missing: built without JACK (libjack not found)\n");
  else
    g_print ("%s\n", jack_note);
  if (!bench_have_boost)
    g_print ("boost peer missing: built without a C++ compiler or boost's "
        "headers\n");
  if (!bench_have_pa)
    g_print ("portaudio peer missing: built without the static "
        "libportaudio.a\n");
  if (bench_opt.inject)
    g_print ("--inject-error: every measured run gets one corrupted word\n");
}

#ifdef HAVE_PORTAUDIO
void
bench_pa_init (PaUtilRingBuffer *rbuf, uint8_t *buf, size_t capacity)
{
  if (PaUtil_InitializeRingBuffer (rbuf, 1, (ring_buffer_size_t) capacity,
          buf) != 0) {
    g_printerr ("error: PaUtil_InitializeRingBuffer (%zu) failed\n",
        capacity);
    exit (EXIT_SETUP);
  }
}
#endif

void
bench_limit_produce (struct bench_limit *l, size_t chunk, uint64_t n,
    uint64_t seed, uint8_t *src)
{
  size_t n_slots = l->capacity / chunk;
  struct bench_gen g = { seed, 0 };
  size_t i = 0;

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;

    bench_fill (&g, src, chunk);
    /* acquire: pairs with the release store of 0 in bench_limit_consume();
     * the consumer's copy out of the slot is done before we refill it. */
    while (atomic_load_explicit (&l->flags[i], memory_order_acquire) != 0)
      bench_spin_pause (&spins);
    memcpy (l->data + i * chunk, src, chunk);
    /* release: pairs with the acquire load in bench_limit_consume(); the
     * slot's data is complete before the consumer sees the flag. */
    atomic_store_explicit (&l->flags[i], 1, memory_order_release);
    if (++i == n_slots)
      i = 0;
  }
}

uint64_t
bench_limit_consume (struct bench_limit *l, size_t chunk, uint64_t n,
    uint64_t seed, uint64_t inject_at, uint8_t *dst)
{
  size_t n_slots = l->capacity / chunk;
  struct bench_gen g = { seed, 0 };
  size_t i = 0;

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;

    /* acquire: pairs with the release store of 1 in bench_limit_produce();
     * the slot's data is visible. */
    while (atomic_load_explicit (&l->flags[i], memory_order_acquire) == 0)
      bench_spin_pause (&spins);
    memcpy (dst, l->data + i * chunk, chunk);
    /* release: pairs with the acquire load in bench_limit_produce(); our
     * copy out is done before the producer may refill the slot. */
    atomic_store_explicit (&l->flags[i], 0, memory_order_release);
    bench_verify (&g, dst, chunk, k == inject_at);
    if (++i == n_slots)
      i = 0;
  }
  return g.bad;
}
