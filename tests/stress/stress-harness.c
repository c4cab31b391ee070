/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* test-stress.c's harness: the stream every aligned word of which names
 * its own position, per-thread randomness, and the runs and sides (the
 * threads) with their shared checks. See stress-harness.h. */

#include "stress-harness.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* --- the stream ----------------------------------------------------------- */

uint64_t stream_key;            /* per run, from the test seed */
static uint64_t mul1_inv, mul2_inv;

static uint64_t
unxorshift (uint64_t x, unsigned s)
{
  uint64_t y = x;

  for (unsigned i = s; i < 64; i += s)
    y = x ^ (y >> s);
  return y;
}

static uint64_t
mul_inverse (uint64_t a)
{
  uint64_t x = a;               /* correct to 3 bits for odd a */

  for (int i = 0; i < 5; i++)
    x *= 2 - a * x;
  return x;
}

static uint64_t
unmix64 (uint64_t x)
{
  x = unxorshift (x, 31);
  x *= mul2_inv;
  x = unxorshift (x, 27);
  x *= mul1_inv;
  x = unxorshift (x, 30);
  return x;
}

void
stream_fill (uint8_t *dst, uint64_t pos, size_t n)
{
  for (; n > 0 && (pos & 7) != 0; n--)
    *dst++ = stream_byte (pos++);
  for (; n >= 8; n -= 8, dst += 8, pos += 8) {
    uint64_t w = GUINT64_TO_LE (stream_word (pos));
    memcpy (dst, &w, 8);
  }
  for (; n > 0; n--)
    *dst++ = stream_byte (pos++);
}

/* Returns the index of the first byte of @src that is not the stream's
 * byte at its position, or @n. */
size_t
stream_check (const uint8_t *src, uint64_t pos, size_t n)
{
  size_t i = 0;

  for (; i < n && ((pos + i) & 7) != 0; i++)
    if (src[i] != stream_byte (pos + i))
      return i;
  for (; n - i >= 8; i += 8) {
    uint64_t w;
    memcpy (&w, src + i, 8);
    if (GUINT64_FROM_LE (w) != stream_word (pos + i))
      break;
  }
  for (; i < n; i++)
    if (src[i] != stream_byte (pos + i))
      return i;
  return n;
}

void
stress_stream_init (uint64_t key)
{
  mul1_inv = mul_inverse (MIX_MUL1);
  mul2_inv = mul_inverse (MIX_MUL2);
  g_assert_cmpuint (unmix64 (mix64 (UINT64_C (0x0123456789abcdef))), ==,
      UINT64_C (0x0123456789abcdef));
  stream_key = key;
}

/* --- per-thread randomness ------------------------------------------------ */

/* A transfer size in 1 .. @max: uniform half of the time, log-uniform the
 * other half so that small transfers (and the cached-position fast path)
 * get their share too. */
size_t
rng_chunk (uint64_t *state, size_t max)
{
  uint64_t r = rng_next (state);
  unsigned bits = 0, e;

  if (r & 1)
    return 1 + (size_t) ((r >> 1) % max);
  while (((size_t) 2 << bits) <= max)
    bits++;
  e = (unsigned) ((r >> 1) % (bits + 1));
  r = rng_next (state);
  return 1 + (size_t) (r % MIN ((uint64_t) max, UINT64_C (1) << e));
}

int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
sleep_us (long us)
{
  struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

  nanosleep (&ts, NULL);
}

/* --- runs and sides ------------------------------------------------------- */

void G_GNUC_PRINTF (3, 4)
side_fail (Side *s, const char *kind, const char *format, ...)
{
  va_list ap;

  if (s->failed)
    return;
  va_start (ap, format);
  vsnprintf (s->failure, sizeof s->failure, format, ap);
  va_end (ap);
  s->failed = true;
  /* The marker lets the R3m wrapper tell a harness catch from a TSan one. */
  fprintf (stderr, "STRESS %s (%s): %s\n", kind, s->name, s->failure);
  /* relaxed: only tells the other threads to give up; what they report
   * is handed over by pthread_join(). */
  atomic_store_explicit (&s->run->stop, true, memory_order_relaxed);
}

void
side_mismatch (Side *s, const char *what, const uint8_t *buf, uint64_t pos,
    size_t n, size_t bad)
{
  uint64_t p = pos + bad;
  uint64_t q = p & ~UINT64_C (7);
  uint64_t off = q - pos;
  char origin[160] = "";

  /* Decode the word holding the bad byte or, if that one is cut off by
   * the start of the buffer, the next one. */
  if (off > bad) {
    q += 8;
    off += 8;
  }
  if (off < n && n - off >= 8) {
    uint64_t w, from;
    memcpy (&w, buf + off, 8);
    from = unmix64 (GUINT64_FROM_LE (w)) ^ stream_key;
    snprintf (origin, sizeof origin, "; the word at %" PRIu64 " holds the "
        "stream's word at %" PRIu64 " (%+" PRId64 " bytes, %+.3f capacities)",
        q, from,
        (int64_t) (from - q),
        (double) (int64_t) (from - q) / (double) s->run->capacity);
  }
  side_fail (s, "DATA MISMATCH", "%s: byte at position %" PRIu64
      " (offset %" PRIu64 " of the run) is 0x%02x, expected 0x%02x%s", what,
      p, p - s->run->start, buf[bad], stream_byte (p), origin);
}

/* Producers: true when the run is over. */
bool
producer_done (Side *s, uint64_t produced, unsigned *tick)
{
  Run *run = s->run;

  ++*tick;
  if (run->byte_limit != 0 && produced >= run->byte_limit)
    return true;
  if (run_stopped (run))
    return true;
  if (run->deadline != 0 && (*tick & 63) == 0 && now_ns () >= run->deadline)
    return true;
  return false;
}

/* A chunk of at most @max bytes, not past the byte limit. */
size_t
producer_chunk (Side *s, size_t max, uint64_t produced, size_t unit)
{
  size_t n = rng_chunk (&s->rng, max);

  if (s->run->byte_limit != 0 &&
      (uint64_t) n * unit > s->run->byte_limit - produced)
    n = (size_t) ((s->run->byte_limit - produced) / unit);
  return MAX (n, 1);
}

const uint8_t *
window_at (Window *w, uint64_t pos, size_t n)
{
  if (w->len == 0 || pos - w->pos + n > w->len) {
    w->pos = pos;
    w->len = w->size;
    stream_fill (w->buf, pos, w->len);
  }
  return w->buf + (pos - w->pos);
}

/* Samples the invariants a side can see of its own end: the bytes
 * writable (producer) or readable (consumer), and its own position against
 * @pos, the one it expects. Only this side's thread stores that position,
 * so it is our own last store. */
void
side_sample (Side *s, bool producer, uint64_t pos)
{
  StressRing *ring = s->run->ring;
  size_t room = producer ? stress_ring_write_available (ring)
      : stress_ring_read_available (ring);
  uint64_t at = producer ? stress_ring_write_position (ring)
      : stress_ring_read_position (ring);

  s->samples++;
  if (room > s->run->capacity)
    side_fail (s, "INVARIANT", "%zu bytes %s in a %zu-byte ring", room,
        producer ? "writable" : "readable", s->run->capacity);
  if (at != pos)
    side_fail (s, "INVARIANT", "%s position %" PRIu64 ", expected %" PRIu64,
        producer ? "write" : "read", at, pos);
}

/* Consumers: nothing came; true if nothing ever will. */
bool
consumer_idle (Side *s)
{
  if (stress_ring_is_eos (s->run->ring) || run_stopped (s->run))
    return true;
  side_idle (s);
  return false;
}

void
side_init (Side *s, Run *run, const char *name)
{
  memset (s, 0, sizeof *s);
  s->run = run;
  s->name = name;
  s->rng = ((uint64_t) g_test_rand_int () << 32) |
      (uint32_t) g_test_rand_int ();
}

static void *
side_thread (void *data)
{
  Side *s = data;

  s->func (s, s->run);
  return NULL;
}

double
run_sides (Side **sides, const SideFunc *funcs, unsigned n)
{
  pthread_t threads[8];
  int64_t t0 = now_ns ();
  bool ok = true;

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (threads));
  for (unsigned i = 0; i < n; i++) {
    sides[i]->func = funcs[i];
    g_assert_cmpint (pthread_create (&threads[i], NULL, side_thread,
        sides[i]), ==, 0);
  }
  for (unsigned i = 0; i < n; i++)
    g_assert_cmpint (pthread_join (threads[i], NULL), ==, 0);
  for (unsigned i = 0; i < n; i++) {
    if (!sides[i]->failed)
      continue;
    if (ok)
      g_test_fail_printf ("%s: %s", sides[i]->name, sides[i]->failure);
    else
      g_test_message ("also %s: %s", sides[i]->name, sides[i]->failure);
    ok = false;
  }
  return (double) (now_ns () - t0) / 1e9;
}
