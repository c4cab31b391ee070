/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The harness of test-stress.c, shared by its three files: the stream and
 * per-thread randomness (stress-harness.c), the runs and sides, the
 * threads of a case (stress-harness.c), and the producers and consumers
 * each case runs (stress-sides.c). Everything is built into each stress
 * binary with the same backend (stress-ring.h). */

#include "stress-ring.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define KIB 1024u

/* --- the stream ----------------------------------------------------------- */

#define MIX_MUL1 UINT64_C (0xbf58476d1ce4e5b9)
#define MIX_MUL2 UINT64_C (0x94d049bb133111eb)

/* The stream's key: per run, from the test seed (stress_stream_init()). */
extern uint64_t stream_key;

/* splitmix64's finaliser: a bijection on 64-bit words. */
static inline uint64_t
mix64 (uint64_t x)
{
  x ^= x >> 30;
  x *= MIX_MUL1;
  x ^= x >> 27;
  x *= MIX_MUL2;
  x ^= x >> 31;
  return x;
}

/* The word at aligned position q. */
static inline uint64_t
stream_word (uint64_t q)
{
  return mix64 (q ^ stream_key);
}

static inline uint8_t
stream_byte (uint64_t pos)
{
  return (uint8_t) (stream_word (pos & ~UINT64_C (7)) >> (8 * (pos & 7)));
}

/* Audio: the sample with absolute index @index (frame * channels +
 * channel) is any finite float, denormals and -0.0 included, since an
 * F32LE ring must carry floats bit for bit. */
static inline float
stream_sample (uint64_t index)
{
  uint32_t bits = (uint32_t) (mix64 (index ^ ~stream_key) >> 32);
  float f;

  if ((bits & 0x7f800000u) == 0x7f800000u)
    bits &= ~0x00800000u;       /* Inf or NaN: make it finite */
  memcpy (&f, &bits, 4);
  return f;
}

static inline uint32_t
float_bits (float f)
{
  uint32_t bits;

  memcpy (&bits, &f, 4);
  return bits;
}

/* Sets the key and checks that the words can be traced back to their
 * positions (side_mismatch() does). */
void stress_stream_init (uint64_t key);
void stream_fill (uint8_t *dst, uint64_t pos, size_t n);
/* Returns the index of the first byte of @src that is not the stream's
 * byte at its position, or @n. */
size_t stream_check (const uint8_t *src, uint64_t pos, size_t n);

/* --- per-thread randomness ------------------------------------------------ */

static inline uint64_t
rng_next (uint64_t *state)
{
  *state += UINT64_C (0x9e3779b97f4a7c15);
  return mix64 (*state);
}

static inline bool
pos_before (uint64_t a, uint64_t b)
{
  return (int64_t) (a - b) < 0;
}

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ __volatile__ ("yield");
#endif
}

/* A transfer size in 1 .. @max (see stress-harness.c). */
size_t rng_chunk (uint64_t *state, size_t max);
int64_t now_ns (void);
void sleep_us (long us);

/* --- runs and sides ------------------------------------------------------- */

typedef struct {
  StressRing *ring;
  size_t capacity;
  uint64_t start;               /* position of the first byte */
  bool wrap;                    /* start is 3 capacities before 2^64 */
  bool frames;                  /* chunk_producer/consumer: frame calls */
  uint64_t byte_limit;          /* 0: none */
  int64_t deadline;             /* CLOCK_MONOTONIC ns; 0: none */
  /* A side failed: everybody give up. */
  atomic_bool stop;
  /* Overwrite runs: the producer wrote its last byte. */
  atomic_bool producer_done;
} Run;

typedef struct Side Side;

struct Side {
  Run *run;
  const char *name;
  uint64_t rng;
  bool slow;                    /* overwrite readers: lag behind on purpose */
  unsigned idle;
  unsigned tick;                /* the side's loop count, for sampling */

  /* Results, read by the main thread after pthread_join(). */
  uint64_t bytes;               /* produced, or consumed and checked */
  uint64_t short_ops;           /* transfers that came up short */
  uint64_t samples;             /* invariant checks */
  uint64_t lost;                /* overwrite readers: bytes skipped */
  uint64_t laps;                /* overwrite readers: times overtaken */
  bool failed;
  char failure[512];
  void (*func) (Side *s, Run *run);     /* what the side's thread runs */
};

typedef void (*SideFunc) (Side *s, Run *run);

/* Nothing to do: the other side is most likely in the middle of a copy on
 * the other core, so spin a little before giving the core away. */
static inline void
side_idle (Side *s)
{
  if ((++s->idle & 31) != 0)
    cpu_relax ();
  else
    sched_yield ();
}

static inline bool
run_stopped (Run *run)
{
  /* relaxed: pairs with the relaxed store in side_fail(); see there. */
  return atomic_load_explicit (&run->stop, memory_order_relaxed);
}

/* Producers copy from a window of the stream generated ahead, so that a
 * write retried on a full ring does not generate its bytes again. */
typedef struct {
  uint8_t *buf;
  size_t size;
  uint64_t pos;
  size_t len;
} Window;

void side_fail (Side *s, const char *kind, const char *format, ...)
    G_GNUC_PRINTF (3, 4);
void side_mismatch (Side *s, const char *what, const uint8_t *buf,
    uint64_t pos, size_t n, size_t bad);
bool producer_done (Side *s, uint64_t produced, unsigned *tick);
size_t producer_chunk (Side *s, size_t max, uint64_t produced, size_t unit);
const uint8_t *window_at (Window *w, uint64_t pos, size_t n);
void side_sample (Side *s, bool producer, uint64_t pos);
bool consumer_idle (Side *s);
void side_init (Side *s, Run *run, const char *name);
/* Runs the sides in their own threads and fails the test for any side that
 * failed. Returns the elapsed time in seconds. */
double run_sides (Side **sides, const SideFunc *funcs, unsigned n);

/* --- the sides (stress-sides.c) -------------------------------------------- */

/* Deinterleaved F32LE, 3 channels: 12-byte frames. */
#define DEINT_CHANNELS 3

/* (a) copy API and (c) frames: Run.frames says which. */
void chunk_producer (Side *s, Run *run);
void chunk_consumer (Side *s, Run *run);
/* (b) zero-copy API */
void zerocopy_producer (Side *s, Run *run);
void zerocopy_consumer (Side *s, Run *run);
void deint_producer (Side *s, Run *run);
void deint_consumer (Side *s, Run *run);
/* (d) overwrite mode: one producer, readers (Side.slow lags), a consumer */
void overwrite_producer (Side *s, Run *run);
void overwrite_reader (Side *s, Run *run);
void overwrite_consumer (Side *s, Run *run);
