/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-bench: streams verified data between two pinned threads
 * through RbRing and its peers and prints ratios (see docs/benchmarks.md).
 *
 * Peers of a throughput case (one ring capacity, one chunk size):
 *   rbring  RbRing through the public API (rb_ring_write/rb_ring_read)
 *   jack    JACK's jack_ringbuffer (libjack), created with the same size
 *   limit   the cross-core limit: slots of chunk size in a buffer of the
 *           ring's size, one atomic flag per slot and nothing else
 *   memcpy  one thread copying the same chunks through a buffer of the
 *           ring's size
 * Every peer runs the same generator on the producer side and the same
 * check on the consumer side (fill() and verify(), never inlined, so the
 * verification costs every peer the same machine code). A round-trip case
 * bounces an 8-byte message over two rings and compares with one atomic
 * counter bounced between the threads.
 *
 * Absolute figures on a shared VM vary with where the hypervisor places
 * the two vCPUs, so the program reports medians of per-repetition ratios:
 * the peers of one repetition run back to back, in rotated order, on the
 * same placement. */

#include <ringbridge/ringbridge.h>

#ifdef HAVE_JACK
#include <jack/ringbuffer.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define EXIT_MISMATCH 1
#define EXIT_USAGE 64
#define EXIT_SETUP 71

#define CACHELINE 128
#define MAX_CHUNK (64 * 1024)
/* Chunks below this size move proportionally fewer bytes (see --bytes). */
#define FULL_AMOUNT_CHUNK 64
/* Round trips run before the measured ones, to settle caches and clocks. */
#define WARMUP_TRIPS 1000

static const size_t capacities[] = { 64 * 1024, 1024 * 1024 };
static const size_t chunks[] = { 8, 64, 256, 4 * 1024, 64 * 1024 };
#define N_CAPACITIES G_N_ELEMENTS (capacities)
#define N_CHUNKS G_N_ELEMENTS (chunks)
#define N_CASES (N_CAPACITIES * N_CHUNKS)
/* Capacity of the two rings of the round-trip case. */
#define LATENCY_CAPACITY (64 * 1024)

enum peer {
  PEER_RB,
  PEER_JACK,
  PEER_LIMIT,
  PEER_MEMCPY,
  N_PEERS
};

static const char *const peer_names[N_PEERS] = {
  "rbring", "jack", "limit", "memcpy"
};

enum lat_peer {
  LAT_RB,
  LAT_JACK,
  LAT_PINGPONG,
  N_LAT_PEERS
};

static const char *const lat_peer_names[N_LAT_PEERS] = {
  "rbring", "jack", "pingpong"
};

/* Ratios reported per throughput case, numerator / denominator. */
enum ratio {
  RATIO_JACK,
  RATIO_LIMIT,
  RATIO_MEMCPY,
  N_RATIOS
};

static const enum peer ratio_den[N_RATIOS] = {
  PEER_JACK, PEER_LIMIT, PEER_MEMCPY
};

static const char *const ratio_names[N_RATIOS] = {
  "rbring/jack", "rbring/limit", "rbring/memcpy"
};

enum lat_ratio {
  LAT_RATIO_RB,
  LAT_RATIO_JACK,
  N_LAT_RATIOS
};

static const char *const lat_ratio_names[N_LAT_RATIOS] = {
  "rbring/pingpong", "jack/pingpong"
};

/* --- options and machine -------------------------------------------------- */

static gint opt_reps = 0;
static guint64 opt_bytes = 0;
static gint64 opt_round_trips = 0;
static gboolean opt_quick = FALSE;
static gboolean opt_inject = FALSE;
static gboolean opt_jack_native_buffer = FALSE;
static gchar *opt_json = NULL;

static gboolean have_jack =
#ifdef HAVE_JACK
    TRUE;
#else
    FALSE;
#endif

/* The CPUs the producer (index 0) and consumer (index 1) are pinned to;
 * -1 when running unpinned. */
static int pin_cpus[2] = { -1, -1 };

/* Spinning waiters call sched_yield() when (spins & yield_mask) == 0: on
 * every spin when both threads share one CPU (the other side cannot run
 * otherwise), rarely when each has its own, as a guard against a vCPU the
 * hypervisor took away. */
static unsigned yield_mask = 0xffff;

/* --- shared helpers ------------------------------------------------------- */

static inline uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* The clock of the round trips, in ticks. On x86 the TSC: a read costs
 * about 10 ns here where clock_gettime() costs about 30 ns, and that cost
 * is part of every measured trip. rdtscp waits for the trip's last load
 * before it reads. Each run converts ticks to ns against CLOCK_MONOTONIC.
 * (On the KVM guest this was written on, both clocks advance in steps of
 * about 10 ns, so medians come out as multiples of that.) */
static inline uint64_t
trip_ticks (void)
{
#if defined(__x86_64__) || defined(__i386__)
  unsigned aux;

  return __rdtscp (&aux);
#else
  return now_ns ();
#endif
}

static inline void
spin_pause (unsigned *spins)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ volatile ("yield");
#endif
  if ((++*spins & yield_mask) == 0)
    sched_yield ();
}

static void
pin_self (int which)
{
  cpu_set_t set;
  int err;

  if (pin_cpus[which] < 0)
    return;
  CPU_ZERO (&set);
  CPU_SET ((size_t) pin_cpus[which], &set);
  err = pthread_setaffinity_np (pthread_self (), sizeof set, &set);
  if (err != 0)
    g_printerr ("warning: cannot pin a thread to CPU %d: %s\n",
        pin_cpus[which], g_strerror (err));
}

static void *
alloc_aligned (size_t size)
{
  void *p = aligned_alloc (4096, (size + 4095) & ~(size_t) 4095);

  if (p == NULL) {
    g_printerr ("error: out of memory (%zu bytes)\n", size);
    exit (EXIT_SETUP);
  }
  /* Touch every page now, not inside a measured run. */
  memset (p, 0, size);
  return p;
}

/* The stream generator: a Weyl sequence, one 64-bit word per 8 bytes. Every
 * word of a run differs (the step is odd), so a lost, repeated or misplaced
 * word shows up as well as a flipped bit. Chunk sizes are multiples of 8. */
#define GEN_STEP UINT64_C (0x9e3779b97f4a7c15)

struct gen {
  uint64_t x;
  uint64_t bad;                 /* OR of every difference seen */
};

static G_GNUC_NO_INLINE void
fill (struct gen *g, uint8_t *dst, size_t len)
{
  uint64_t *w = (uint64_t *) (void *) dst;
  uint64_t x = g->x;

  for (size_t i = 0; i < len / 8; i++) {
    w[i] = x;
    x += GEN_STEP;
  }
  g->x = x;
}

/* @corrupt flips one bit before the check: the --inject-error self-test. */
static G_GNUC_NO_INLINE void
verify (struct gen *g, uint8_t *src, size_t len, bool corrupt)
{
  uint64_t *w = (uint64_t *) (void *) src;
  uint64_t x = g->x;
  uint64_t bad = 0;

  if (G_UNLIKELY (corrupt))
    w[len / 16] ^= 1;
  for (size_t i = 0; i < len / 8; i++) {
    bad |= w[i] ^ x;
    x += GEN_STEP;
  }
  g->x = x;
  g->bad |= bad;
}

/* --- throughput ----------------------------------------------------------- */

/* The objects one capacity's peers stream through. They live for the whole
 * program, so only the warm-up pass meets cold pages. */
struct peers {
  size_t capacity;
  RbRing *rb;
#ifdef HAVE_JACK
  jack_ringbuffer_t *jack;
#endif
  unsigned jack_native_offset;  /* where malloc put jack's buffer, mod 64 */
  uint8_t *limit_data;          /* capacity bytes of slots */
  _Atomic uint8_t *limit_flags; /* one per slot: 1 = full */
  uint8_t *copy_buf;            /* the memcpy peer's buffer */
};

struct stream {
  enum peer peer;
  struct peers *p;
  size_t chunk;
  uint64_t n_chunks;
  uint64_t seed;
  uint64_t inject_at;           /* chunk the consumer corrupts, or UINT64_MAX */
  uint8_t *src;                 /* producer's chunk buffer */
  uint8_t *dst;                 /* consumer's chunk buffer */

  /* Written by the consumer thread, read by the producer after the run. */
  alignas (CACHELINE) _Atomic int ready;
  _Atomic int go;
  uint64_t t_end;
  uint64_t bad;
};

static void
rb_produce (struct stream *s)
{
  RbRing *rb = s->p->rb;
  size_t chunk = s->chunk;
  struct gen g = { s->seed, 0 };

  for (uint64_t k = 0; k < s->n_chunks; k++) {
    unsigned spins = 0;
    size_t off = 0;

    fill (&g, s->src, chunk);
    while (off < chunk) {
      size_t n = rb_ring_write (rb, s->src + off, chunk - off);
      if (n == 0)
        spin_pause (&spins);
      off += n;
    }
  }
}

static void
rb_consume (struct stream *s)
{
  RbRing *rb = s->p->rb;
  size_t chunk = s->chunk;
  struct gen g = { s->seed, 0 };

  for (uint64_t k = 0; k < s->n_chunks; k++) {
    unsigned spins = 0;
    size_t off = 0;

    while (off < chunk) {
      size_t n = rb_ring_read (rb, s->dst + off, chunk - off);
      if (n == 0)
        spin_pause (&spins);
      off += n;
    }
    verify (&g, s->dst, chunk, k == s->inject_at);
  }
  s->bad = g.bad;
}

#ifdef HAVE_JACK
/* jack_ringbuffer holds size - 1 bytes, so a chunk as large as the ring
 * goes through in pieces, like every other partial transfer here. */
static void
jack_produce (struct stream *s)
{
  jack_ringbuffer_t *jrb = s->p->jack;
  size_t chunk = s->chunk;
  struct gen g = { s->seed, 0 };

  for (uint64_t k = 0; k < s->n_chunks; k++) {
    unsigned spins = 0;
    size_t off = 0;

    fill (&g, s->src, chunk);
    while (off < chunk) {
      size_t n = jack_ringbuffer_write (jrb, (const char *) s->src + off,
          chunk - off);
      if (n == 0)
        spin_pause (&spins);
      off += n;
    }
  }
}

static void
jack_consume (struct stream *s)
{
  jack_ringbuffer_t *jrb = s->p->jack;
  size_t chunk = s->chunk;
  struct gen g = { s->seed, 0 };

  for (uint64_t k = 0; k < s->n_chunks; k++) {
    unsigned spins = 0;
    size_t off = 0;

    while (off < chunk) {
      size_t n = jack_ringbuffer_read (jrb, (char *) s->dst + off, chunk - off);
      if (n == 0)
        spin_pause (&spins);
      off += n;
    }
    verify (&g, s->dst, chunk, k == s->inject_at);
  }
  s->bad = g.bad;
}
#endif

static void
limit_produce (struct stream *s)
{
  size_t chunk = s->chunk;
  size_t n_slots = s->p->capacity / chunk;
  uint8_t *data = s->p->limit_data;
  _Atomic uint8_t *flags = s->p->limit_flags;
  struct gen g = { s->seed, 0 };
  size_t i = 0;

  for (uint64_t k = 0; k < s->n_chunks; k++) {
    unsigned spins = 0;

    fill (&g, s->src, chunk);
    /* acquire: pairs with the consumer's release store of 0 in
     * limit_consume(); its copy out of the slot is done before we refill. */
    while (atomic_load_explicit (&flags[i], memory_order_acquire) != 0)
      spin_pause (&spins);
    memcpy (data + i * chunk, s->src, chunk);
    /* release: pairs with the consumer's acquire load in limit_consume();
     * the slot's data is complete before it sees the flag. */
    atomic_store_explicit (&flags[i], 1, memory_order_release);
    if (++i == n_slots)
      i = 0;
  }
}

static void
limit_consume (struct stream *s)
{
  size_t chunk = s->chunk;
  size_t n_slots = s->p->capacity / chunk;
  uint8_t *data = s->p->limit_data;
  _Atomic uint8_t *flags = s->p->limit_flags;
  struct gen g = { s->seed, 0 };
  size_t i = 0;

  for (uint64_t k = 0; k < s->n_chunks; k++) {
    unsigned spins = 0;

    /* acquire: pairs with the producer's release store of 1 in
     * limit_produce(); the slot's data is visible. */
    while (atomic_load_explicit (&flags[i], memory_order_acquire) == 0)
      spin_pause (&spins);
    memcpy (s->dst, data + i * chunk, chunk);
    /* release: pairs with the producer's acquire load in limit_produce();
     * our copy out is done before it may refill the slot. */
    atomic_store_explicit (&flags[i], 0, memory_order_release);
    verify (&g, s->dst, chunk, k == s->inject_at);
    if (++i == n_slots)
      i = 0;
  }
  s->bad = g.bad;
}

/* One thread, the same chunks through a buffer of the ring's size: what
 * moving the data costs without a second core. */
static void
memcpy_run (struct stream *s)
{
  size_t chunk = s->chunk;
  size_t mask = s->p->capacity - 1;
  uint8_t *buf = s->p->copy_buf;
  struct gen pg = { s->seed, 0 };
  struct gen cg = { s->seed, 0 };
  size_t off = 0;

  for (uint64_t k = 0; k < s->n_chunks; k++) {
    fill (&pg, s->src, chunk);
    memcpy (buf + off, s->src, chunk);
    /* Keep the compiler from forwarding src to dst past the buffer. */
    __asm__ volatile ("" ::: "memory");
    memcpy (s->dst, buf + off, chunk);
    verify (&cg, s->dst, chunk, k == s->inject_at);
    off = (off + chunk) & mask;
  }
  s->bad = cg.bad;
}

static void *
consumer_thread (void *data)
{
  struct stream *s = data;
  unsigned spins = 0;

  pin_self (1);
  /* release/acquire on ready and go: pair with the producer's accesses in
   * run_stream(); they only order the start, the data has its own. */
  atomic_store_explicit (&s->ready, 1, memory_order_release);
  while (!atomic_load_explicit (&s->go, memory_order_acquire))
    spin_pause (&spins);

  switch (s->peer) {
    case PEER_RB:
      rb_consume (s);
      break;
#ifdef HAVE_JACK
    case PEER_JACK:
      jack_consume (s);
      break;
#endif
    case PEER_LIMIT:
      limit_consume (s);
      break;
    default:
      g_assert_not_reached ();
  }
  s->t_end = now_ns ();
  return NULL;
}

/* Runs one peer once and returns its throughput in GB/s (10^9 bytes/s);
 * *bad is nonzero if the consumer saw other data than was produced. */
static double
run_stream (struct peers *p, enum peer peer, size_t chunk, uint64_t n_chunks,
    uint64_t seed, bool inject, uint8_t *src, uint8_t *dst, uint64_t *bad)
{
  struct stream *s = alloc_aligned (sizeof *s);
  pthread_t thread;
  unsigned spins = 0;
  uint64_t t0, t1;
  double gbps;
  int err;

  s->peer = peer;
  s->p = p;
  s->chunk = chunk;
  s->n_chunks = n_chunks;
  s->seed = seed;
  s->inject_at = inject ? n_chunks / 2 : UINT64_MAX;
  s->src = src;
  s->dst = dst;

  if (peer == PEER_MEMCPY) {
    t0 = now_ns ();
    memcpy_run (s);
    t1 = now_ns ();
  } else {
    err = pthread_create (&thread, NULL, consumer_thread, s);
    if (err != 0) {
      g_printerr ("error: cannot start the consumer thread: %s\n",
          g_strerror (err));
      exit (EXIT_SETUP);
    }
    /* acquire: pairs with the release store of ready in consumer_thread(). */
    while (!atomic_load_explicit (&s->ready, memory_order_acquire))
      spin_pause (&spins);
    t0 = now_ns ();
    /* release: pairs with the acquire load of go in consumer_thread(). */
    atomic_store_explicit (&s->go, 1, memory_order_release);
    switch (peer) {
      case PEER_RB:
        rb_produce (s);
        break;
#ifdef HAVE_JACK
      case PEER_JACK:
        jack_produce (s);
        break;
#endif
      case PEER_LIMIT:
        limit_produce (s);
        break;
      default:
        g_assert_not_reached ();
    }
    pthread_join (thread, NULL);
    t1 = s->t_end;
  }

  gbps = (double) (n_chunks * chunk) / (double) (t1 - t0);
  *bad = s->bad;
  free (s);
  return gbps;
}

static void
peers_init (struct peers *p, size_t capacity)
{
  g_autoptr (GError) error = NULL;

  memset (p, 0, sizeof *p);
  p->capacity = capacity;
  p->rb = rb_ring_new (capacity, &error);
  if (p->rb == NULL) {
    g_printerr ("error: %s\n", error->message);
    exit (EXIT_SETUP);
  }
  if (rb_ring_get_capacity (p->rb) != capacity) {
    g_printerr ("error: asked for a %zu-byte ring, got %zu bytes\n", capacity,
        rb_ring_get_capacity (p->rb));
    exit (EXIT_SETUP);
  }
#ifdef HAVE_JACK
  p->jack = jack_ringbuffer_create (capacity);
  if (p->jack == NULL) {
    g_printerr ("error: jack_ringbuffer_create (%zu) failed\n", capacity);
    exit (EXIT_SETUP);
  }
  p->jack_native_offset = (unsigned) ((uintptr_t) p->jack->buf % 64);
  if (!opt_jack_native_buffer) {
    /* malloc() places jack's buffer wherever the heap has room (a large one
     * at 16 bytes past a page), and glibc's memcpy copies 4 KiB or more
     * about ten times slower between buffers that are 16 bytes apart
     * modulo 32 on some CPUs (AMD Zen 3 here): that would measure malloc,
     * not the ring. Give it a page-aligned buffer like RbRing's data.
     * jack_ringbuffer_free() releases buf with free(), which takes
     * aligned_alloc() memory too. */
    char *buf = alloc_aligned (p->jack->size);
    free (p->jack->buf);
    p->jack->buf = buf;
  }
#endif
  p->limit_data = alloc_aligned (capacity);
  p->limit_flags = alloc_aligned (capacity / chunks[0]);
  p->copy_buf = alloc_aligned (capacity);
}

static void
peers_clear (struct peers *p)
{
  g_clear_object (&p->rb);
#ifdef HAVE_JACK
  jack_ringbuffer_free (p->jack);
#endif
  free (p->limit_data);
  free ((void *) p->limit_flags);
  free (p->copy_buf);
}

/* --- round trip ----------------------------------------------------------- */

struct trip {
  enum lat_peer peer;
  uint64_t n_trips;             /* including WARMUP_TRIPS */
  uint64_t inject_at;           /* trip the echo side corrupts, or UINT64_MAX */
  RbRing *rb_ping, *rb_pong;
#ifdef HAVE_JACK
  jack_ringbuffer_t *jack_ping, *jack_pong;
#endif
  uint64_t *samples;            /* n_trips - WARMUP_TRIPS round trips, ns */

  alignas (CACHELINE) _Atomic uint64_t counter;  /* the ping-pong word */

  alignas (CACHELINE) _Atomic int ready;
  _Atomic int go;
  uint64_t bad;
};

static inline void
rb_send (RbRing *rb, uint64_t v)
{
  unsigned spins = 0;
  size_t off = 0;

  while (off < sizeof v) {
    size_t n = rb_ring_write (rb, (const guint8 *) &v + off, sizeof v - off);
    if (n == 0)
      spin_pause (&spins);
    off += n;
  }
}

static inline uint64_t
rb_recv (RbRing *rb)
{
  unsigned spins = 0;
  size_t off = 0;
  uint64_t v;

  while (off < sizeof v) {
    size_t n = rb_ring_read (rb, (guint8 *) &v + off, sizeof v - off);
    if (n == 0)
      spin_pause (&spins);
    off += n;
  }
  return v;
}

#ifdef HAVE_JACK
static inline void
jack_send (jack_ringbuffer_t *jrb, uint64_t v)
{
  unsigned spins = 0;
  size_t off = 0;

  while (off < sizeof v) {
    size_t n = jack_ringbuffer_write (jrb, (const char *) &v + off,
        sizeof v - off);
    if (n == 0)
      spin_pause (&spins);
    off += n;
  }
}

static inline uint64_t
jack_recv (jack_ringbuffer_t *jrb)
{
  unsigned spins = 0;
  size_t off = 0;
  uint64_t v;

  while (off < sizeof v) {
    size_t n = jack_ringbuffer_read (jrb, (char *) &v + off, sizeof v - off);
    if (n == 0)
      spin_pause (&spins);
    off += n;
  }
  return v;
}
#endif

/* The pinging side: sends trip i, expects ~i back. One clock read per
 * trip, so every peer's round trip includes the same clock cost. */
static void
trip_ping (struct trip *t)
{
  uint64_t prev = trip_ticks ();
  uint64_t bad = 0;

  for (uint64_t i = 0; i < t->n_trips; i++) {
    uint64_t got = 0, now;
    unsigned spins = 0;

    switch (t->peer) {
      case LAT_RB:
        rb_send (t->rb_ping, i);
        got = rb_recv (t->rb_pong);
        break;
#ifdef HAVE_JACK
      case LAT_JACK:
        jack_send (t->jack_ping, i);
        got = jack_recv (t->jack_pong);
        break;
#endif
      case LAT_PINGPONG:
        /* The pinging side stores odd values, the echo side even ones;
         * each waits for the other's parity, so a wrong value cannot make
         * one side run ahead and leave the other waiting at the end. */
        /* release: pairs with the acquire load in trip_echo(). */
        atomic_store_explicit (&t->counter, 2 * i + 1, memory_order_release);
        /* acquire: pairs with the release store in trip_echo(). */
        while ((got = atomic_load_explicit (&t->counter,
                    memory_order_acquire)) % 2 == 1)
          spin_pause (&spins);
        /* Map the pong to ~i so one check fits every peer. */
        got = got == 2 * i + 2 ? ~i : got;
        break;
      default:
        g_assert_not_reached ();
    }
    bad |= got ^ ~i;
    now = trip_ticks ();
    if (i >= WARMUP_TRIPS)
      t->samples[i - WARMUP_TRIPS] = now - prev;
    prev = now;
  }
  t->bad |= bad;
}

static void
trip_echo (struct trip *t)
{
  uint64_t bad = 0;

  for (uint64_t i = 0; i < t->n_trips; i++) {
    uint64_t corrupt = i == t->inject_at ? 1 : 0;
    unsigned spins = 0;
    uint64_t v;

    switch (t->peer) {
      case LAT_RB:
        v = rb_recv (t->rb_ping);
        bad |= v ^ i;
        rb_send (t->rb_pong, ~v ^ corrupt);
        break;
#ifdef HAVE_JACK
      case LAT_JACK:
        v = jack_recv (t->jack_ping);
        bad |= v ^ i;
        jack_send (t->jack_pong, ~v ^ corrupt);
        break;
#endif
      case LAT_PINGPONG:
        /* acquire: pairs with the release store in trip_ping(). */
        while ((v = atomic_load_explicit (&t->counter,
                    memory_order_acquire)) % 2 == 0)
          spin_pause (&spins);
        bad |= v ^ (2 * i + 1);
        /* release: pairs with the acquire load in trip_ping(). */
        atomic_store_explicit (&t->counter, (2 * i + 2) ^ (corrupt << 1),
            memory_order_release);
        break;
      default:
        g_assert_not_reached ();
    }
  }
  t->bad |= bad;
}

static void *
echo_thread (void *data)
{
  struct trip *t = data;
  unsigned spins = 0;

  pin_self (1);
  /* release/acquire on ready and go: pair with run_trips(); start only. */
  atomic_store_explicit (&t->ready, 1, memory_order_release);
  while (!atomic_load_explicit (&t->go, memory_order_acquire))
    spin_pause (&spins);
  trip_echo (t);
  return NULL;
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

  return x < y ? -1 : x > y;
}

/* Runs one round-trip peer; returns the median and p99 in ns. The rings
 * are fresh for every run, so the positions start at zero and the
 * injected error of an earlier run cannot leave a message behind. */
static void
run_trips (enum lat_peer peer, uint64_t n_measured, bool inject,
    uint64_t *samples, double *median, double *p99, double *mean,
    uint64_t *bad)
{
  struct trip *t = alloc_aligned (sizeof *t);
  g_autoptr (GError) error = NULL;
  pthread_t thread;
  unsigned spins = 0;
  uint64_t ns0, ns1, ticks0, ticks1, sum = 0;
  size_t p99_index;
  double ns_per_tick;
  int err;

  t->peer = peer;
  t->n_trips = n_measured + WARMUP_TRIPS;
  t->inject_at = inject ? WARMUP_TRIPS + n_measured / 2 : UINT64_MAX;
  t->samples = samples;
  if (peer == LAT_RB) {
    t->rb_ping = rb_ring_new (LATENCY_CAPACITY, &error);
    if (t->rb_ping != NULL)
      t->rb_pong = rb_ring_new (LATENCY_CAPACITY, &error);
    if (t->rb_pong == NULL) {
      g_printerr ("error: %s\n", error->message);
      exit (EXIT_SETUP);
    }
  }
#ifdef HAVE_JACK
  if (peer == LAT_JACK) {
    t->jack_ping = jack_ringbuffer_create (LATENCY_CAPACITY);
    t->jack_pong = jack_ringbuffer_create (LATENCY_CAPACITY);
    if (t->jack_ping == NULL || t->jack_pong == NULL) {
      g_printerr ("error: jack_ringbuffer_create failed\n");
      exit (EXIT_SETUP);
    }
  }
#endif

  err = pthread_create (&thread, NULL, echo_thread, t);
  if (err != 0) {
    g_printerr ("error: cannot start the echo thread: %s\n", g_strerror (err));
    exit (EXIT_SETUP);
  }
  /* acquire: pairs with the release store of ready in echo_thread(). */
  while (!atomic_load_explicit (&t->ready, memory_order_acquire))
    spin_pause (&spins);
  /* release: pairs with the acquire load of go in echo_thread(). */
  atomic_store_explicit (&t->go, 1, memory_order_release);
  ns0 = now_ns ();
  ticks0 = trip_ticks ();
  trip_ping (t);
  ticks1 = trip_ticks ();
  ns1 = now_ns ();
  pthread_join (thread, NULL);

  ns_per_tick = (double) (ns1 - ns0) / (double) (ticks1 - ticks0);
  qsort (samples, n_measured, sizeof *samples, cmp_u64);
  *median = ns_per_tick * (double) samples[n_measured / 2];
  p99_index = (size_t) ceil (0.99 * (double) n_measured) - 1;
  *p99 = ns_per_tick * (double) samples[p99_index];
  /* The mean of the trips up to the p99: finer than the clock's steps,
   * without the rare preempted trip. */
  for (size_t i = 0; i <= p99_index; i++)
    sum += samples[i];
  *mean = ns_per_tick * (double) sum / (double) (p99_index + 1);
  *bad = t->bad;

  g_clear_object (&t->rb_ping);
  g_clear_object (&t->rb_pong);
#ifdef HAVE_JACK
  if (t->jack_ping != NULL)
    jack_ringbuffer_free (t->jack_ping);
  if (t->jack_pong != NULL)
    jack_ringbuffer_free (t->jack_pong);
#endif
  free (t);
}

/* --- statistics ----------------------------------------------------------- */

/* Sorts @v in place (insertion sort: a handful of repetitions) and returns
 * its median. */
static double
median (double *v, int n)
{
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
      double tmp = v[j];
      v[j] = v[j - 1];
      v[j - 1] = tmp;
    }
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct tput_case {
  size_t capacity;
  size_t chunk;
  uint64_t n_chunks;
  double *gbps[N_PEERS];        /* per repetition */
  double *ratio[N_RATIOS];      /* per repetition */
  double median_gbps[N_PEERS];
  double median_ratio[N_RATIOS];
};

struct lat_result {
  double *median_ns[N_LAT_PEERS];       /* per repetition */
  double *p99_ns[N_LAT_PEERS];
  double *mean_ns[N_LAT_PEERS];         /* of the trips up to the p99 */
  double *ratio[N_LAT_RATIOS];          /* of the medians, per repetition */
  double *ratio_p99[N_LAT_RATIOS];
  double med_median_ns[N_LAT_PEERS];
  double med_p99_ns[N_LAT_PEERS];
  double med_mean_ns[N_LAT_PEERS];
  double med_ratio[N_LAT_RATIOS];
  double med_ratio_p99[N_LAT_RATIOS];
};

enum target_state {
  TARGET_NOT_MEASURED,
  TARGET_MET,
  TARGET_NOT_MET,
};

struct target {
  const char *name;
  enum target_state state;
  char detail[96];
};

#define N_TARGETS 4

/* What other processes and the hypervisor took while we ran, from
 * /proc/stat (all CPUs) minus our own CPU time. */
struct cpu_load {
  double busy_s;                /* CPU seconds of all processes */
  double steal_s;               /* CPU seconds the hypervisor took away */
  double self_s;                /* our own CPU seconds */
  double wall_s;
};

struct machine {
  struct utsname uts;
  gchar *cpu_model;
  long nproc;
  gchar *date;
  gchar *pin_note;
  double loadavg;               /* 1-minute load average at the start */
  double others_share;          /* of all CPU time during the run */
  double steal_share;
  unsigned jack_native_offset[N_CAPACITIES];
};

/* A repetition during which other processes took more than this share of
 * all CPU time is left out of the medians (if enough others remain). */
#define DISTURBED_SHARE 0.05
#define MIN_USED_REPS 3

struct results {
  struct machine m;
  double *rep_others;           /* others' CPU share, per repetition */
  int *used;                    /* the repetitions the medians use */
  int n_used;
  struct tput_case cases[N_CASES];
  struct lat_result lat;
  struct target targets[N_TARGETS];
  unsigned runs;
  unsigned mismatches;
  unsigned injected;
  unsigned missed;
};

static void
results_init (struct results *res)
{
  memset (res, 0, sizeof *res);
  res->rep_others = g_new0 (double, opt_reps);
  res->used = g_new0 (int, opt_reps);
  for (size_t c = 0; c < N_CASES; c++) {
    struct tput_case *tc = &res->cases[c];
    uint64_t amount;

    tc->capacity = capacities[c / N_CHUNKS];
    tc->chunk = chunks[c % N_CHUNKS];
    amount = tc->chunk >= FULL_AMOUNT_CHUNK ? opt_bytes :
        opt_bytes / FULL_AMOUNT_CHUNK * tc->chunk;
    tc->n_chunks = MAX (amount / tc->chunk, 1);
    for (int i = 0; i < N_PEERS; i++)
      tc->gbps[i] = g_new0 (double, opt_reps);
    for (int r = 0; r < N_RATIOS; r++)
      tc->ratio[r] = g_new0 (double, opt_reps);
  }
  for (int i = 0; i < N_LAT_PEERS; i++) {
    res->lat.median_ns[i] = g_new0 (double, opt_reps);
    res->lat.p99_ns[i] = g_new0 (double, opt_reps);
    res->lat.mean_ns[i] = g_new0 (double, opt_reps);
  }
  for (int r = 0; r < N_LAT_RATIOS; r++) {
    res->lat.ratio[r] = g_new0 (double, opt_reps);
    res->lat.ratio_p99[r] = g_new0 (double, opt_reps);
  }
}

static void
results_clear (struct results *res)
{
  for (size_t c = 0; c < N_CASES; c++) {
    for (int i = 0; i < N_PEERS; i++)
      g_free (res->cases[c].gbps[i]);
    for (int r = 0; r < N_RATIOS; r++)
      g_free (res->cases[c].ratio[r]);
  }
  for (int i = 0; i < N_LAT_PEERS; i++) {
    g_free (res->lat.median_ns[i]);
    g_free (res->lat.p99_ns[i]);
    g_free (res->lat.mean_ns[i]);
  }
  for (int r = 0; r < N_LAT_RATIOS; r++) {
    g_free (res->lat.ratio[r]);
    g_free (res->lat.ratio_p99[r]);
  }
  g_free (res->rep_others);
  g_free (res->used);
  g_free (res->m.cpu_model);
  g_free (res->m.date);
  g_free (res->m.pin_note);
}

/* Checks that the median ratio @r is at least @bound in every case whose
 * chunk is in [min_chunk, max_chunk], and names the worst case. */
static void
check_ratio_target (struct target *t, const struct tput_case *cases,
    enum ratio r, size_t min_chunk, size_t max_chunk, double bound)
{
  double worst = INFINITY;
  const struct tput_case *worst_case = NULL;

  if (r == RATIO_JACK && !have_jack) {
    t->state = TARGET_NOT_MEASURED;
    g_strlcpy (t->detail, "the jack peer is not built", sizeof t->detail);
    return;
  }
  for (size_t c = 0; c < N_CASES; c++) {
    if (cases[c].chunk < min_chunk || cases[c].chunk > max_chunk)
      continue;
    if (worst_case == NULL || cases[c].median_ratio[r] < worst) {
      worst = cases[c].median_ratio[r];
      worst_case = &cases[c];
    }
  }
  t->state = worst >= bound ? TARGET_MET : TARGET_NOT_MET;
  g_snprintf (t->detail, sizeof t->detail, "worst %.2fx (%zu KiB ring, %zu B)",
      worst, worst_case->capacity / 1024, worst_case->chunk);
}

/* The median of a per-repetition array over the repetitions in use. */
static double
rep_median (const struct results *res, const double *per_rep)
{
  g_autofree double *v = g_new (double, res->n_used);

  for (int i = 0; i < res->n_used; i++)
    v[i] = per_rep[res->used[i]];
  return median (v, res->n_used);
}

static void
results_summarize (struct results *res)
{
  struct lat_result *lat = &res->lat;
  struct target *t = res->targets;

  /* A repetition that shared the CPUs with another process measured that
   * process as much as the peers; leave it out unless too few remain. */
  res->n_used = 0;
  for (int rep = 0; rep < opt_reps; rep++)
    if (!(res->rep_others[rep] > DISTURBED_SHARE))
      res->used[res->n_used++] = rep;
  if (res->n_used < MIN_USED_REPS) {
    res->n_used = opt_reps;
    for (int rep = 0; rep < opt_reps; rep++)
      res->used[rep] = rep;
  }

  /* Ratios within one repetition first (its peers ran back to back on the
   * same vCPU placement), then medians over the repetitions. */
  for (size_t c = 0; c < N_CASES; c++) {
    struct tput_case *tc = &res->cases[c];
    for (int rep = 0; rep < opt_reps; rep++)
      for (int r = 0; r < N_RATIOS; r++)
        tc->ratio[r][rep] = (r == RATIO_JACK && !have_jack) ? NAN :
            tc->gbps[PEER_RB][rep] / tc->gbps[ratio_den[r]][rep];
    for (int i = 0; i < N_PEERS; i++)
      tc->median_gbps[i] = (i == PEER_JACK && !have_jack) ? NAN :
          rep_median (res, tc->gbps[i]);
    for (int r = 0; r < N_RATIOS; r++)
      tc->median_ratio[r] = rep_median (res, tc->ratio[r]);
  }
  for (int rep = 0; rep < opt_reps; rep++) {
    double pp = lat->median_ns[LAT_PINGPONG][rep];
    double pp99 = lat->p99_ns[LAT_PINGPONG][rep];

    lat->ratio[LAT_RATIO_RB][rep] = lat->median_ns[LAT_RB][rep] / pp;
    lat->ratio_p99[LAT_RATIO_RB][rep] = lat->p99_ns[LAT_RB][rep] / pp99;
    lat->ratio[LAT_RATIO_JACK][rep] = have_jack ?
        lat->median_ns[LAT_JACK][rep] / pp : NAN;
    lat->ratio_p99[LAT_RATIO_JACK][rep] = have_jack ?
        lat->p99_ns[LAT_JACK][rep] / pp99 : NAN;
  }
  for (int i = 0; i < N_LAT_PEERS; i++) {
    bool missing = i == LAT_JACK && !have_jack;
    lat->med_median_ns[i] = missing ? NAN :
        rep_median (res, lat->median_ns[i]);
    lat->med_p99_ns[i] = missing ? NAN : rep_median (res, lat->p99_ns[i]);
    lat->med_mean_ns[i] = missing ? NAN : rep_median (res, lat->mean_ns[i]);
  }
  for (int r = 0; r < N_LAT_RATIOS; r++) {
    lat->med_ratio[r] = rep_median (res, lat->ratio[r]);
    lat->med_ratio_p99[r] = rep_median (res, lat->ratio_p99[r]);
  }

  t[0].name = "RbRing >= 2x jack_ringbuffer at 8 B and 64 B";
  check_ratio_target (&t[0], res->cases, RATIO_JACK, 8, 64, 2.0);
  t[1].name = "RbRing >= jack_ringbuffer at every size";
  check_ratio_target (&t[1], res->cases, RATIO_JACK, 0, SIZE_MAX, 1.0);
  t[2].name = "RbRing >= 0.9x the cross-core limit at 4 KiB and up";
  check_ratio_target (&t[2], res->cases, RATIO_LIMIT, 4096, SIZE_MAX, 0.9);
  t[3].name = "round trip <= 1.5x the atomic ping-pong";
  t[3].state = lat->med_ratio[LAT_RATIO_RB] <= 1.5 ? TARGET_MET :
      TARGET_NOT_MET;
  g_snprintf (t[3].detail, sizeof t[3].detail, "%.2fx (median)",
      lat->med_ratio[LAT_RATIO_RB]);
}

/* --- machine -------------------------------------------------------------- */

static gchar *
read_cpu_model (void)
{
  static const char *const keys[] = {
    /* x86; then what arm64 and others print, best first */
    "model name", "Model", "Processor", "cpu model", "CPU part", NULL
  };
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (text, "\n", -1);
  for (const char *const *key = keys; *key != NULL; key++) {
    size_t len = strlen (*key);
    for (gchar **l = lines; *l != NULL; l++) {
      const char *colon = strchr (*l, ':');
      if (colon != NULL && strncmp (*l, *key, len) == 0 &&
          ((*l)[len] == ' ' || (*l)[len] == '\t' || (*l)[len] == ':'))
        return g_strstrip (g_strdup (colon + 1));
    }
  }
  return g_strdup ("unknown");
}

static void
read_cpu_load (struct cpu_load *l)
{
  g_autofree gchar *text = NULL;
  unsigned long long v[8] = { 0 };
  double hz = (double) sysconf (_SC_CLK_TCK);
  struct rusage ru;

  memset (l, 0, sizeof *l);
  l->wall_s = (double) now_ns () / 1e9;
  if (getrusage (RUSAGE_SELF, &ru) == 0)
    l->self_s = (double) ru.ru_utime.tv_sec +
        (double) ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec +
        (double) ru.ru_stime.tv_usec / 1e6;
  /* "cpu  user nice system idle iowait irq softirq steal ..." */
  if (g_file_get_contents ("/proc/stat", &text, NULL, NULL) &&
      sscanf (text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
          &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
    l->busy_s = (double) (v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
    l->steal_s = (double) v[7] / hz;
  }
}

/* The shares of all CPU time between @a and @b that other processes and
 * the hypervisor took. */
static void
cpu_load_shares (const struct cpu_load *a, const struct cpu_load *b,
    long nproc, double *others, double *steal)
{
  double all = (b->wall_s - a->wall_s) * (double) nproc;
  double o = (b->busy_s - a->busy_s) - (b->self_s - a->self_s);

  /* Tick accounting (1/USER_HZ) can put a little of our time on others. */
  if (others != NULL)
    *others = all > 0 ? MAX (o, 0) / all : NAN;
  if (steal != NULL)
    *steal = all > 0 ? (b->steal_s - a->steal_s) / all : NAN;
}

static double
read_loadavg (void)
{
  g_autofree gchar *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return NAN;
  return g_ascii_strtod (text, NULL);
}

static void
choose_cpus (struct machine *m)
{
  cpu_set_t allowed;
  int found = 0;

  if (sched_getaffinity (0, sizeof allowed, &allowed) != 0) {
    yield_mask = 0;
    m->pin_note = g_strdup_printf ("cannot read the CPU affinity (%s): "
        "running unpinned", g_strerror (errno));
    return;
  }
  for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
    if (CPU_ISSET ((size_t) cpu, &allowed))
      pin_cpus[found++] = cpu;
  if (found < 2) {
    pin_cpus[0] = pin_cpus[1] = -1;
    /* Spinning on the CPU the other side needs only burns its time slice:
     * yield on every failed attempt instead. */
    yield_mask = 0;
    m->pin_note = g_strdup ("only one CPU is available: running unpinned, "
        "both threads share it (the ratios say little)");
    return;
  }
  m->pin_note = g_strdup_printf ("producer pinned to CPU %d, consumer to "
      "CPU %d", pin_cpus[0], pin_cpus[1]);
}

/* --- output --------------------------------------------------------------- */

static const char *
target_state_name (enum target_state s)
{
  return s == TARGET_MET ? "met" : s == TARGET_NOT_MET ? "NOT MET" :
      "not measured";
}

static void
format_size (char *buf, size_t len, size_t bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    g_snprintf (buf, len, "%zu MiB", bytes / (1024 * 1024));
  else if (bytes >= 1024 && bytes % 1024 == 0)
    g_snprintf (buf, len, "%zu KiB", bytes / 1024);
  else
    g_snprintf (buf, len, "%zu B", bytes);
}

static void
print_header (const struct machine *m)
{
  g_print ("ringbridge-bench %s: %s, %s, %ld CPUs, %s\n", RB_VERSION_STRING,
      m->uts.machine, m->cpu_model, m->nproc, m->date);
  g_print ("%s; %d repetitions; load average at start %.2f\n", m->pin_note,
      opt_reps, m->loadavg);
  if (!have_jack)
    g_print ("jack peer missing: built without JACK (libjack not found)\n");
  else if (opt_jack_native_buffer)
    g_print ("jack_ringbuffer: malloc's buffer (--jack-native-buffer), at "
        "%u and %u bytes past a 64-byte line\n", m->jack_native_offset[0],
        m->jack_native_offset[1]);
  else
    g_print ("jack_ringbuffer: page-aligned buffer like RbRing's (malloc "
        "put it %u and %u bytes past a 64-byte line; see "
        "--jack-native-buffer)\n",
        m->jack_native_offset[0], m->jack_native_offset[1]);
  if (opt_inject)
    g_print ("--inject-error: every measured run gets one corrupted word\n");
}

/* A table cell: @v with @decimals and @suffix, or "-" for a peer that was
 * not built. */
static const char *
cell (char *buf, size_t len, int decimals, const char *suffix, double v)
{
  if (isnan (v))
    return "-";
  g_snprintf (buf, len, "%.*f%s", decimals, v, suffix);
  return buf;
}

static void
print_table (const struct results *res)
{
  const struct lat_result *lat = &res->lat;
  char b[N_PEERS + N_RATIOS][32];

  g_print ("\nThroughput, GB/s (10^9 B/s), median over repetitions; ratios "
      "are medians of\nper-repetition ratios. limit = one flag per slot "
      "between two threads,\nmemcpy = one thread.\n\n");
  g_print ("%-8s %-7s %8s %8s %8s %8s | %8s %8s %9s\n", "ring", "chunk",
      "RbRing", "jack", "limit", "memcpy", "rb/jack", "rb/limit", "rb/memcpy");
  for (size_t c = 0; c < N_CASES; c++) {
    const struct tput_case *tc = &res->cases[c];
    char cap_s[16], chunk_s[16];

    format_size (cap_s, sizeof cap_s, tc->capacity);
    format_size (chunk_s, sizeof chunk_s, tc->chunk);
    g_print ("%-8s %-7s %8s %8s %8s %8s | %8s %8s %9s\n", cap_s, chunk_s,
        cell (b[0], 32, 3, "", tc->median_gbps[PEER_RB]),
        cell (b[1], 32, 3, "", tc->median_gbps[PEER_JACK]),
        cell (b[2], 32, 3, "", tc->median_gbps[PEER_LIMIT]),
        cell (b[3], 32, 3, "", tc->median_gbps[PEER_MEMCPY]),
        cell (b[4], 32, 2, "x", tc->median_ratio[RATIO_JACK]),
        cell (b[5], 32, 2, "x", tc->median_ratio[RATIO_LIMIT]),
        cell (b[6], 32, 2, "x", tc->median_ratio[RATIO_MEMCPY]));
  }

  g_print ("\nRound trip of an 8-byte message (ping over one ring, pong back "
      "over another;\npingpong = one atomic counter), ns, median over "
      "repetitions of %" G_GINT64_FORMAT " trips each;\nmean = mean of "
      "the trips up to the p99:\n\n", opt_round_trips);
  g_print ("%-10s %8s %8s %8s | %16s %13s\n", "", "median", "p99", "mean",
      "median/pingpong", "p99/pingpong");
  for (int i = 0; i < N_LAT_PEERS; i++) {
    int r = i == LAT_RB ? LAT_RATIO_RB : LAT_RATIO_JACK;
    bool base = i == LAT_PINGPONG;

    g_print ("%-10s %8s %8s %8s | %16s %13s\n", lat_peer_names[i],
        cell (b[0], 32, 0, "", lat->med_median_ns[i]),
        cell (b[1], 32, 0, "", lat->med_p99_ns[i]),
        cell (b[2], 32, 1, "", lat->med_mean_ns[i]),
        base ? "" : cell (b[3], 32, 2, "x", lat->med_ratio[r]),
        base ? "" : cell (b[4], 32, 2, "x", lat->med_ratio_p99[r]));
  }

  g_print ("\nTargets (reported, not asserted):\n");
  for (int i = 0; i < N_TARGETS; i++)
    g_print ("  %-53s %-12s %s\n", res->targets[i].name,
        target_state_name (res->targets[i].state), res->targets[i].detail);

  g_print ("\nOther processes used %.0f%% of all CPU time during the run, the "
      "hypervisor took %.0f%%.\n", 100 * res->m.others_share,
      100 * res->m.steal_share);
  if (res->n_used < opt_reps)
    g_print ("Medians over %d of %d repetitions: in the other %d, other "
        "processes took more\nthan %.0f%% of the CPU time.\n", res->n_used,
        opt_reps, opt_reps - res->n_used, 100 * DISTURBED_SHARE);
  else if (res->m.others_share > DISTURBED_SHARE ||
      res->m.steal_share > DISTURBED_SHARE)
    g_print ("WARNING: the benchmark did not have the CPUs to itself; "
        "its figures are unreliable.\n");
  if (opt_inject)
    g_print ("Injected errors: %u measured runs, %u noticed, %u missed\n\n",
        res->injected, res->injected - res->missed, res->missed);
  else
    g_print ("Data verified: %s (%u runs, %u with a mismatch)\n\n",
        res->mismatches == 0 ? "yes" : "NO", res->runs, res->mismatches);
}

static void
json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++) {
    unsigned char ch = (unsigned char) *s;
    if (ch == '"' || ch == '\\')
      g_string_append_printf (out, "\\%c", ch);
    else if (ch < 0x20)
      g_string_append_printf (out, "\\u%04x", ch);
    else
      g_string_append_c (out, (char) ch);
  }
  g_string_append_c (out, '"');
}

static void
json_number (GString *out, double v)
{
  if (isfinite (v))
    g_string_append_printf (out, "%.6g", v);
  else
    g_string_append (out, "null");
}

static void
json_array (GString *out, const double *v, int n)
{
  g_string_append_c (out, '[');
  for (int i = 0; i < n; i++) {
    if (i > 0)
      g_string_append_c (out, ',');
    json_number (out, v[i]);
  }
  g_string_append_c (out, ']');
}

/* "key":{"name":[per rep],...} or "key":{"name":value,...}; @arrays
 * indexed like @names, NULL where a peer is missing. */
static void
json_object_of_arrays (GString *out, const char *key,
    const char *const *names, double *const *arrays, int n)
{
  g_string_append_printf (out, "\"%s\":{", key);
  for (int i = 0; i < n; i++) {
    g_string_append_printf (out, "%s\"%s\":", i ? "," : "", names[i]);
    if (arrays[i] == NULL)
      g_string_append (out, "null");
    else
      json_array (out, arrays[i], opt_reps);
  }
  g_string_append_c (out, '}');
}

static void
json_object_of_numbers (GString *out, const char *key,
    const char *const *names, const double *values, int n)
{
  g_string_append_printf (out, "\"%s\":{", key);
  for (int i = 0; i < n; i++) {
    g_string_append_printf (out, "%s\"%s\":", i ? "," : "", names[i]);
    json_number (out, values[i]);
  }
  g_string_append_c (out, '}');
}

static GString *
results_to_json (const struct results *res)
{
  const struct machine *m = &res->m;
  const struct lat_result *lat = &res->lat;
  GString *json = g_string_new ("{\"program\":\"ringbridge-bench\",");

  g_string_append (json, "\"version\":");
  json_string (json, RB_VERSION_STRING);
  g_string_append (json, ",\"machine\":{\"arch\":");
  json_string (json, m->uts.machine);
  g_string_append (json, ",\"cpu_model\":");
  json_string (json, m->cpu_model);
  g_string_append_printf (json, ",\"nproc\":%ld,\"date\":", m->nproc);
  json_string (json, m->date);
  if (pin_cpus[0] >= 0)
    g_string_append_printf (json, ",\"pinned\":true,\"cpus\":[%d,%d]",
        pin_cpus[0], pin_cpus[1]);
  else
    g_string_append (json, ",\"pinned\":false,\"cpus\":null");
  g_string_append (json, ",\"loadavg_start\":");
  json_number (json, m->loadavg);
  g_string_append (json, ",\"others_cpu_share\":");
  json_number (json, m->others_share);
  g_string_append (json, ",\"steal_share\":");
  json_number (json, m->steal_share);
  g_string_append (json, ",\"rep_others_cpu_share\":");
  json_array (json, res->rep_others, opt_reps);
  g_string_append (json, "},\"reps_used\":[");
  for (int i = 0; i < res->n_used; i++)
    g_string_append_printf (json, "%s%d", i ? "," : "", res->used[i]);
  g_string_append (json, "],");

  g_string_append_printf (json, "\"options\":{\"reps\":%d,\"bytes\":%"
      G_GUINT64_FORMAT ",\"round_trips\":%" G_GINT64_FORMAT ",\"quick\":%s,"
      "\"inject_error\":%s,\"jack_native_buffer\":%s},", opt_reps, opt_bytes,
      opt_round_trips, opt_quick ? "true" : "false",
      opt_inject ? "true" : "false",
      opt_jack_native_buffer ? "true" : "false");
  g_string_append_printf (json, "\"jack\":%s,\"jack_native_offset\":[%u,%u],",
      have_jack ? "true" : "false", m->jack_native_offset[0],
      m->jack_native_offset[1]);

  g_string_append (json, "\"throughput\":[");
  for (size_t c = 0; c < N_CASES; c++) {
    const struct tput_case *tc = &res->cases[c];
    double *gbps[N_PEERS];

    for (int i = 0; i < N_PEERS; i++)
      gbps[i] = (i == PEER_JACK && !have_jack) ? NULL : tc->gbps[i];
    g_string_append_printf (json, "%s{\"capacity\":%zu,\"chunk\":%zu,"
        "\"bytes\":%" G_GUINT64_FORMAT ",", c ? "," : "", tc->capacity,
        tc->chunk, tc->n_chunks * tc->chunk);
    json_object_of_arrays (json, "gbps", peer_names, gbps, N_PEERS);
    g_string_append_c (json, ',');
    json_object_of_numbers (json, "median_gbps", peer_names, tc->median_gbps,
        N_PEERS);
    g_string_append_c (json, ',');
    json_object_of_arrays (json, "ratios", ratio_names, tc->ratio, N_RATIOS);
    g_string_append_c (json, ',');
    json_object_of_numbers (json, "median_ratios", ratio_names,
        tc->median_ratio, N_RATIOS);
    g_string_append_c (json, '}');
  }

  {
    double *median_ns[N_LAT_PEERS], *p99_ns[N_LAT_PEERS];
    double *mean_ns[N_LAT_PEERS];

    for (int i = 0; i < N_LAT_PEERS; i++) {
      bool missing = i == LAT_JACK && !have_jack;
      median_ns[i] = missing ? NULL : lat->median_ns[i];
      p99_ns[i] = missing ? NULL : lat->p99_ns[i];
      mean_ns[i] = missing ? NULL : lat->mean_ns[i];
    }
    g_string_append_printf (json, "],\"round_trip\":{\"message_bytes\":8,"
        "\"capacity\":%d,\"trips\":%" G_GINT64_FORMAT ",", LATENCY_CAPACITY,
        opt_round_trips);
    json_object_of_arrays (json, "median_ns", lat_peer_names, median_ns,
        N_LAT_PEERS);
    g_string_append_c (json, ',');
    json_object_of_arrays (json, "p99_ns", lat_peer_names, p99_ns,
        N_LAT_PEERS);
    g_string_append_c (json, ',');
    json_object_of_arrays (json, "mean_to_p99_ns", lat_peer_names, mean_ns,
        N_LAT_PEERS);
  }
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "median_of_median_ns", lat_peer_names,
      lat->med_median_ns, N_LAT_PEERS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "median_of_p99_ns", lat_peer_names,
      lat->med_p99_ns, N_LAT_PEERS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "median_of_mean_to_p99_ns", lat_peer_names,
      lat->med_mean_ns, N_LAT_PEERS);
  g_string_append_c (json, ',');
  json_object_of_arrays (json, "ratios", lat_ratio_names, lat->ratio,
      N_LAT_RATIOS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "median_ratios", lat_ratio_names,
      lat->med_ratio, N_LAT_RATIOS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "median_p99_ratios", lat_ratio_names,
      lat->med_ratio_p99, N_LAT_RATIOS);

  g_string_append (json, "},\"targets\":[");
  for (int i = 0; i < N_TARGETS; i++) {
    const struct target *t = &res->targets[i];
    g_string_append (json, i ? ",{\"name\":" : "{\"name\":");
    json_string (json, t->name);
    g_string_append_printf (json, ",\"met\":%s,\"detail\":",
        t->state == TARGET_MET ? "true" :
        t->state == TARGET_NOT_MET ? "false" : "null");
    json_string (json, t->detail);
    g_string_append_c (json, '}');
  }
  g_string_append_printf (json, "],\"runs\":%u,\"mismatches\":%u,"
      "\"verified\":%s}", res->runs, res->mismatches,
      res->mismatches == 0 && !opt_inject ? "true" : "false");
  return json;
}

/* --- running -------------------------------------------------------------- */

static gboolean
parse_bytes (const gchar *name, const gchar *value, G_GNUC_UNUSED gpointer data,
    GError **error)
{
  gchar *end = NULL;
  guint64 v;

  errno = 0;
  v = g_ascii_strtoull (value, &end, 10);
  if (errno == 0 && end != value) {
    guint shift = 0;
    switch (g_ascii_toupper (*end)) {
      case 'K':
        shift = 10, end++;
        break;
      case 'M':
        shift = 20, end++;
        break;
      case 'G':
        shift = 30, end++;
        break;
    }
    if (shift != 0 && (*end == 'i' || *end == 'I'))
      end++;
    if (shift != 0 && (*end == 'b' || *end == 'B'))
      end++;
    if (*end == '\0' && v <= (G_GUINT64_CONSTANT (1) << 40) >> shift &&
        v << shift >= 8) {
      opt_bytes = v << shift;
      return TRUE;
    }
  }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "invalid size '%s' for %s: 8 bytes to 1 TiB, optionally with K, M or "
      "G (powers of 1024)", value, name);
  return FALSE;
}

static const GOptionEntry entries[] = {
  { "reps", 'r', 0, G_OPTION_ARG_INT, &opt_reps,
    "Repetitions of every case (default 15)", "N" },
  { "bytes", 'b', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_bytes,
    "Bytes per throughput run for chunks of 64 B and up; an 8 B chunk moves "
    "1/8 of it (default 256M)", "SIZE" },
  { "round-trips", 't', 0, G_OPTION_ARG_INT64, &opt_round_trips,
    "Measured round trips per latency run (default 200000)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick,
    "A run of a few seconds: 5 repetitions, --bytes 16M, --round-trips "
    "20000, unless given", NULL },
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &opt_json,
    "Also write the JSON result to FILE", "FILE" },
  { "jack-native-buffer", 0, 0, G_OPTION_ARG_NONE, &opt_jack_native_buffer,
    "Keep the buffer jack_ringbuffer_create() got from malloc instead of a "
    "page-aligned one", NULL },
  { "inject-error", 0, 0, G_OPTION_ARG_NONE, &opt_inject,
    "Self-test of the checks: corrupt one word in every measured run; exits "
    "1 if every run noticed, 0 if one did not", NULL },
  G_OPTION_ENTRY_NULL
};

static void
count_run (struct results *res, uint64_t bad, bool injected,
    const char *what)
{
  res->runs++;
  if (injected)
    res->injected++;
  if (bad != 0)
    res->mismatches++;
  if (bad != 0 && !injected)
    g_printerr ("MISMATCH: %s: the data received differs from the data "
        "sent\n", what);
  if (bad == 0 && injected) {
    res->missed++;
    g_printerr ("MISSED: %s: the injected error went unnoticed\n", what);
  }
}

static void
run_all (struct results *res, struct peers *peers)
{
  uint8_t *src = alloc_aligned (MAX_CHUNK);
  uint8_t *dst = alloc_aligned (MAX_CHUNK);
  uint64_t *samples = alloc_aligned (sizeof *samples *
      (size_t) opt_round_trips);
  enum peer active[N_PEERS];
  enum lat_peer lat_active[N_LAT_PEERS];
  int n_active = 0, n_lat_active = 0;
  uint64_t seed = 1;

  for (int i = 0; i < N_PEERS; i++)
    if (i != PEER_JACK || have_jack)
      active[n_active++] = (enum peer) i;
  for (int i = 0; i < N_LAT_PEERS; i++)
    if (i != LAT_JACK || have_jack)
      lat_active[n_lat_active++] = (enum lat_peer) i;

  /* Warm-up: a short untimed run per peer and case touches every page and
   * moves the ring positions off zero. */
  for (size_t c = 0; c < N_CASES; c++) {
    struct tput_case *tc = &res->cases[c];
    uint64_t n = MIN (MAX (2 * tc->capacity / tc->chunk, 16), tc->n_chunks);

    for (int a = 0; a < n_active; a++) {
      g_autofree gchar *what = g_strdup_printf ("%s, %zu-byte ring, "
          "%zu-byte chunks, warm-up", peer_names[active[a]], tc->capacity,
          tc->chunk);
      uint64_t bad;

      run_stream (&peers[c / N_CHUNKS], active[a], tc->chunk, n, seed++,
          false, src, dst, &bad);
      count_run (res, bad, false, what);
    }
  }

  /* Repetitions outermost, so each case's repetitions spread over the whole
   * run and no single vCPU placement decides a median; within one, the
   * peers take turns at going first. */
  for (int rep = 0; rep < opt_reps; rep++) {
    struct cpu_load before, after;

    read_cpu_load (&before);
    for (size_t c = 0; c < N_CASES; c++) {
      struct tput_case *tc = &res->cases[c];

      for (int a = 0; a < n_active; a++) {
        enum peer peer = active[(a + rep) % n_active];
        g_autofree gchar *what = g_strdup_printf ("%s, %zu-byte ring, "
            "%zu-byte chunks, repetition %d", peer_names[peer], tc->capacity,
            tc->chunk, rep + 1);
        uint64_t bad;

        tc->gbps[peer][rep] = run_stream (&peers[c / N_CHUNKS], peer,
            tc->chunk, tc->n_chunks, seed++, opt_inject, src, dst, &bad);
        count_run (res, bad, opt_inject, what);
      }
    }
    for (int a = 0; a < n_lat_active; a++) {
      enum lat_peer peer = lat_active[(a + rep) % n_lat_active];
      g_autofree gchar *what = g_strdup_printf ("%s round trip, "
          "repetition %d", lat_peer_names[peer], rep + 1);
      uint64_t bad;

      run_trips (peer, (uint64_t) opt_round_trips, opt_inject, samples,
          &res->lat.median_ns[peer][rep], &res->lat.p99_ns[peer][rep],
          &res->lat.mean_ns[peer][rep], &bad);
      count_run (res, bad, opt_inject, what);
    }
    read_cpu_load (&after);
    cpu_load_shares (&before, &after, res->m.nproc, &res->rep_others[rep],
        NULL);
    g_printerr ("repetition %d/%d: other processes took %.0f%% of the CPU "
        "time%s\n", rep + 1, opt_reps, 100 * res->rep_others[rep],
        res->rep_others[rep] > DISTURBED_SHARE ? " (disturbed)" : "");
  }

  free (src);
  free (dst);
  free (samples);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) json = NULL;
  g_autoptr (GDateTime) now = NULL;
  struct peers peers[N_CAPACITIES];
  struct cpu_load load0, load1;
  struct results res;
  struct machine *m = &res.m;
  int status;

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx,
      "Streams verified data between two pinned threads through RbRing, "
      "jack_ringbuffer,\na one-flag-per-slot buffer (the cross-core limit) "
      "and a single-thread memcpy,\nand measures 8-byte round trips against "
      "an atomic ping-pong. Prints a table\nand, as the last line, one JSON "
      "object. Exits 1 if any data did not arrive\nintact.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_USAGE;
  }
  if (argc > 1) {
    g_printerr ("unexpected argument '%s'\n", argv[1]);
    return EXIT_USAGE;
  }
  if (opt_reps == 0)
    opt_reps = opt_quick ? 5 : 15;
  if (opt_reps < 1 || opt_reps > 1000) {
    g_printerr ("invalid --reps %d: 1 to 1000 (at least 5 for a report)\n",
        opt_reps);
    return EXIT_USAGE;
  }
  if (opt_bytes == 0)
    opt_bytes = opt_quick ? 16 * 1024 * 1024 : 256 * 1024 * 1024;
  if (opt_round_trips == 0)
    opt_round_trips = opt_quick ? 20000 : 200000;
  if (opt_round_trips < 100 || opt_round_trips > 100000000) {
    g_printerr ("invalid --round-trips %" G_GINT64_FORMAT ": 100 to 10^8\n",
        opt_round_trips);
    return EXIT_USAGE;
  }

  results_init (&res);
  choose_cpus (m);
  pin_self (0);
  m->nproc = sysconf (_SC_NPROCESSORS_ONLN);
  m->cpu_model = read_cpu_model ();
  uname (&m->uts);
  now = g_date_time_new_now_utc ();
  m->date = g_date_time_format_iso8601 (now);
  m->loadavg = read_loadavg ();
  for (size_t i = 0; i < N_CAPACITIES; i++) {
    peers_init (&peers[i], capacities[i]);
    m->jack_native_offset[i] = peers[i].jack_native_offset;
  }
  print_header (m);

  read_cpu_load (&load0);
  run_all (&res, peers);
  read_cpu_load (&load1);
  cpu_load_shares (&load0, &load1, m->nproc, &m->others_share,
      &m->steal_share);

  results_summarize (&res);
  print_table (&res);
  json = results_to_json (&res);
  /* The last line of the output, for scripts. */
  g_print ("%s\n", json->str);
  if (opt_json != NULL &&
      !g_file_set_contents (opt_json, json->str, (gssize) json->len, &error)) {
    g_printerr ("error: %s\n", error->message);
    return EXIT_SETUP;
  }

  for (size_t i = 0; i < N_CAPACITIES; i++)
    peers_clear (&peers[i]);
  g_free (opt_json);

  if (opt_inject) {
    /* Inverted on purpose, for a should_fail test: success here means a
     * check let corrupted data through. */
    if (res.missed > 0) {
      g_printerr ("inject-error: %u runs missed the injected error\n",
          res.missed);
      status = EXIT_SUCCESS;
    } else {
      g_printerr ("inject-error: every run noticed the injected error\n");
      status = EXIT_MISMATCH;
    }
  } else {
    status = res.mismatches == 0 ? EXIT_SUCCESS : EXIT_MISMATCH;
  }
  results_clear (&res);
  return status;
}
