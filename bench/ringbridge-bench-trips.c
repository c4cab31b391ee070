/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-bench's round trips (ringbridge-bench-trips.h): the pinging
 * side sends trip i and expects ~i back, the echo side on the second CPU
 * answers; every peer's trip includes the same clock read. Moved out of
 * ringbridge-bench.c unchanged. */

#include "ringbridge-bench-trips.h"

#include "bench-common.h"
#include "bench-machine.h"
#include "bench-streams.h"

#include <ringbridge/ringbridge.h>

#ifdef HAVE_JACK
#include <jack/ringbuffer.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <math.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Round trips run before the measured ones, to settle caches and clocks. */
#define WARMUP_TRIPS 1000

const char *const lat_peer_names[N_LAT_PEERS] = {
  "rbring", "jack", "pingpong"
};

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

  struct bench_start start;
  uint64_t bad;
};

/* One 8-byte message through a peer's ring; inlined with the constant
 * transfer function, like the streams' loops. */
static inline __attribute__ ((always_inline)) void
send_u64 (bench_xfer_fn write, void *ring, uint64_t v)
{
  bench_move_all (write, ring, (uint8_t *) &v, sizeof v);
}

static inline __attribute__ ((always_inline)) uint64_t
recv_u64 (bench_xfer_fn read, void *ring)
{
  uint64_t v;

  bench_move_all (read, ring, (uint8_t *) &v, sizeof v);
  return v;
}

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
        send_u64 (bench_rb_write, t->rb_ping, i);
        got = recv_u64 (bench_rb_read, t->rb_pong);
        break;
#ifdef HAVE_JACK
      case LAT_JACK:
        send_u64 (bench_jack_write, t->jack_ping, i);
        got = recv_u64 (bench_jack_read, t->jack_pong);
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
          bench_spin_pause (&spins);
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
        v = recv_u64 (bench_rb_read, t->rb_ping);
        bad |= v ^ i;
        send_u64 (bench_rb_write, t->rb_pong, ~v ^ corrupt);
        break;
#ifdef HAVE_JACK
      case LAT_JACK:
        v = recv_u64 (bench_jack_read, t->jack_ping);
        bad |= v ^ i;
        send_u64 (bench_jack_write, t->jack_pong, ~v ^ corrupt);
        break;
#endif
      case LAT_PINGPONG:
        /* acquire: pairs with the release store in trip_ping(). */
        while ((v = atomic_load_explicit (&t->counter,
                    memory_order_acquire)) % 2 == 0)
          bench_spin_pause (&spins);
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

  bench_pin_self (1, "a thread");
  bench_start_ready (&t->start);
  trip_echo (t);
  return NULL;
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

  return x < y ? -1 : x > y;
}

/* The two rings @t->peer bounces its messages over, fresh for every run,
 * so the positions start at zero and the injected error of an earlier run
 * cannot leave a message behind. */
static void
trip_rings_new (struct trip *t)
{
  g_autoptr (GError) error = NULL;

  if (t->peer == LAT_RB) {
    t->rb_ping = rb_ring_new (LATENCY_CAPACITY, &error);
    if (t->rb_ping != NULL)
      t->rb_pong = rb_ring_new (LATENCY_CAPACITY, &error);
    if (t->rb_pong == NULL) {
      g_printerr ("error: %s\n", error->message);
      exit (EXIT_SETUP);
    }
  }
#ifdef HAVE_JACK
  if (t->peer == LAT_JACK) {
    t->jack_ping = jack_ringbuffer_create (LATENCY_CAPACITY);
    t->jack_pong = jack_ringbuffer_create (LATENCY_CAPACITY);
    if (t->jack_ping == NULL || t->jack_pong == NULL) {
      g_printerr ("error: jack_ringbuffer_create failed\n");
      exit (EXIT_SETUP);
    }
  }
#endif
}

static void
trip_rings_free (struct trip *t)
{
  g_clear_object (&t->rb_ping);
  g_clear_object (&t->rb_pong);
#ifdef HAVE_JACK
  if (t->jack_ping != NULL)
    jack_ringbuffer_free (t->jack_ping);
  if (t->jack_pong != NULL)
    jack_ringbuffer_free (t->jack_pong);
#endif
}

void
run_trips (enum lat_peer peer, uint64_t n_measured, bool inject,
    uint64_t *samples, double *median, double *p99, double *mean,
    uint64_t *bad)
{
  struct trip *t = bench_alloc_aligned (sizeof *t);
  pthread_t thread;
  uint64_t ns0, ns1, ticks0, ticks1, sum = 0;
  size_t p99_index;
  double ns_per_tick;
  int err;

  t->peer = peer;
  t->n_trips = n_measured + WARMUP_TRIPS;
  t->inject_at = inject ? WARMUP_TRIPS + n_measured / 2 : UINT64_MAX;
  t->samples = samples;
  trip_rings_new (t);

  err = pthread_create (&thread, NULL, echo_thread, t);
  if (err != 0) {
    g_printerr ("error: cannot start the echo thread: %s\n", g_strerror (err));
    exit (EXIT_SETUP);
  }
  (void) bench_start_go (&t->start);
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

  trip_rings_free (t);
  free (t);
}
