/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The throughput loops of the two ring benchmarks (ringbridge-bench and
 * ringbridge-bench-xproc): the producer fills a chunk with bench_fill() and
 * pushes it through its peer, the consumer pulls it out and checks it with
 * bench_verify(). Peers: RbRing, jack_ringbuffer (with HAVE_JACK), boost's
 * spsc_queue (HAVE_BOOST), PortAudio's PaUtilRingBuffer (HAVE_PORTAUDIO)
 * and the cross-core limit (one atomic flag per slot). */

#pragma once

#include "bench-common.h"
#include "bench-gen.h"

#include <ringbridge/ringbridge.h>

#ifdef HAVE_JACK
#include <jack/ringbuffer.h>
#endif
#ifdef HAVE_BOOST
#include "peer-boost.h"
#endif
#ifdef HAVE_PORTAUDIO
#include "peer-pa.h"
#endif

#include <stdatomic.h>
#include <stdbool.h>

/* One step of a transfer through a peer: moves up to @len bytes between
 * @buf and @obj and returns how many. */
typedef size_t (*bench_xfer_fn) (void *obj, uint8_t *buf, size_t len);

static inline size_t
bench_rb_write (void *rb, uint8_t *buf, size_t len)
{
  return rb_ring_write (rb, buf, len);
}

static inline size_t
bench_rb_read (void *rb, uint8_t *buf, size_t len)
{
  return rb_ring_read (rb, buf, len);
}

#ifdef HAVE_JACK
static inline size_t
bench_jack_write (void *jrb, uint8_t *buf, size_t len)
{
  return jack_ringbuffer_write (jrb, (const char *) buf, len);
}

static inline size_t
bench_jack_read (void *jrb, uint8_t *buf, size_t len)
{
  return jack_ringbuffer_read (jrb, (char *) buf, len);
}
#endif

/* Moves all @len bytes through @xfer, spinning while it moves none (a
 * full or empty peer; partial transfers go on where they stopped).
 * Always inlined: with a constant @xfer every peer's loop calls its own
 * transfer function directly. */
static inline __attribute__ ((always_inline)) void
bench_move_all (bench_xfer_fn xfer, void *obj, uint8_t *buf, size_t len)
{
  unsigned spins = 0;
  size_t off = 0;

  while (off < len) {
    size_t n = xfer (obj, buf + off, len - off);
    if (n == 0)
      bench_spin_pause (&spins);
    off += n;
  }
}

/* The cross-core limit: slots of chunk size in a buffer of the ring's
 * size, one atomic flag per slot (1 = full) and nothing else. */
struct bench_limit {
  size_t capacity;
  uint8_t *data;                /* capacity bytes of slots */
  _Atomic uint8_t *flags;       /* one per slot of the smallest chunk */
};

/* The stream peers of both ring benchmarks, in the order of their
 * throughput columns; ringbridge-bench-xproc runs those before memcpy. */
enum bench_peer {
  PEER_RB,
  PEER_JACK,
  PEER_BOOST,
  PEER_PA,
  PEER_LIMIT,
  PEER_MEMCPY,                  /* ringbridge-bench only: one thread */
};

/* What one run asks of a peer: move @n chunks of @chunk bytes of the
 * stream @seed, the consumer corrupting chunk @inject_at (UINT64_MAX:
 * none) before its check. @peer: an enum bench_peer (or a program's own
 * latency peer). */
struct bench_job {
  int peer;
  size_t chunk;
  uint64_t n;
  uint64_t seed;
  uint64_t inject_at;
};

/* The job; with @inject, the consumer corrupts the middle chunk. */
static inline struct bench_job
bench_job_make (int peer, size_t chunk, uint64_t n, uint64_t seed,
    bool inject)
{
  return (struct bench_job) {
    .peer = peer, .chunk = chunk, .n = n, .seed = seed,
    .inject_at = inject ? n / 2 : UINT64_MAX
  };
}

/* The peers up to the limit: their JSON keys, their column labels. */
#define BENCH_RING_PEER_NAMES "rbring", "jack", "boost", "portaudio", "limit"
#define BENCH_RING_PEER_LABELS "RbRing", "jack", "boost", "PA", "limit"

/* Each producer moves @n chunks of @chunk bytes of the stream @seed from
 * @src; each consumer takes them into @dst, corrupts chunk @inject_at
 * (UINT64_MAX: none) before its check and returns the OR of every
 * difference seen: nonzero if other data arrived than was sent. */

/* The producer and consumer of one peer, named PREFIX_produce and
 * PREFIX_consume, over its object of type TYPE. */
#define BENCH_PEER_LOOPS_DECLARE(prefix, type) \
  void prefix##_produce (type obj, size_t chunk, uint64_t n, uint64_t seed, \
      uint8_t *src); \
  uint64_t prefix##_consume (type obj, size_t chunk, uint64_t n, \
      uint64_t seed, uint64_t inject_at, uint8_t *dst)

BENCH_PEER_LOOPS_DECLARE (bench_rb, RbRing *);
#ifdef HAVE_JACK
BENCH_PEER_LOOPS_DECLARE (bench_jack, jack_ringbuffer_t *);
#endif
#ifdef HAVE_BOOST
BENCH_PEER_LOOPS_DECLARE (bench_boost, bench_boost *);
#endif
#ifdef HAVE_PORTAUDIO
BENCH_PEER_LOOPS_DECLARE (bench_pa, PaUtilRingBuffer *);
#endif
BENCH_PEER_LOOPS_DECLARE (bench_limit, struct bench_limit *);

/* The tput spec's missing_peers (bench-tput.h) for the optional peers. */
#ifdef HAVE_JACK
#define BENCH_MISSING_JACK_(jack) 0u
#else
#define BENCH_MISSING_JACK_(jack) (1u << (jack))
#endif
#ifdef HAVE_BOOST
#define BENCH_MISSING_BOOST_(boost) 0u
#else
#define BENCH_MISSING_BOOST_(boost) (1u << (boost))
#endif
#ifdef HAVE_PORTAUDIO
#define BENCH_MISSING_PA_(pa) 0u
#else
#define BENCH_MISSING_PA_(pa) (1u << (pa))
#endif
#define BENCH_MISSING_PEERS(jack, boost, pa) \
  (BENCH_MISSING_JACK_ (jack) | BENCH_MISSING_BOOST_ (boost) | \
   BENCH_MISSING_PA_ (pa))

/* Whether the optional peers were built (HAVE_JACK, HAVE_BOOST,
 * HAVE_PORTAUDIO), and the header lines that say which are missing, with
 * @jack_note (how jack's buffer is placed) when it is not, and whether
 * --inject-error is on. */
extern const bool bench_have_jack;
extern const bool bench_have_boost;
extern const bool bench_have_pa;

void bench_print_peers_header (const char *jack_note);

#ifdef HAVE_PORTAUDIO
/* @rbuf over @buf (@capacity bytes, 1-byte elements); exits on failure. */
void bench_pa_init (PaUtilRingBuffer *rbuf, uint8_t *buf, size_t capacity);
#endif

void bench_limit_produce (struct bench_limit *l, size_t chunk, uint64_t n,
    uint64_t seed, uint8_t *src);
uint64_t bench_limit_consume (struct bench_limit *l, size_t chunk,
    uint64_t n, uint64_t seed, uint64_t inject_at, uint8_t *dst);
