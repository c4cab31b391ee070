/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Two-thread stress of the ring (tests/README.md, R3), built twice: over
 * the GLib-free core (test-stress-core, also linked against the mutant
 * cores of the R3m self-test) and over the public RbRing API
 * (test-stress-ring); see stress-ring.h.
 *
 * The stream: every aligned 8-byte word holds a bijective hash of its own
 * absolute position, so a reader can check any byte it receives against
 * the position it believes the byte has, and a wrong word names the
 * position it really came from (a stale lap, a torn copy). Every byte any
 * reader accepts is checked.
 *
 * Size of each case: STRESS_BYTES bytes (suffix K, M or G; default 1G)
 * and/or STRESS_SECONDS seconds, whichever ends first, times the case's
 * weight (the wrap cases run a quarter). Chunk sizes are random in
 * 1 .. 2 * capacity so that transfers come up short on both sides.
 *
 * ThreadSanitizer: the data area is mapped twice back to back and TSan
 * tracks virtual addresses, so it does not know that data[i] and
 * data[i + capacity] are the same byte. Accesses through the mirror are
 * only checked against other accesses through the mirror: TSan may miss a
 * race there, it never invents one. Until the end of the stream the
 * harness itself makes no synchronising access (its stop flag is relaxed,
 * its counts are per thread and handed over by pthread_join), so every
 * happens-before edge TSan sees between the two sides comes from the ring;
 * otherwise a mutant core with a weakened order could hide behind the
 * harness. */

#include "stress-ring.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KIB 1024u

/* --- the stream ----------------------------------------------------------- */

static uint64_t stream_key;     /* per run, from the test seed */
static uint64_t mul1_inv, mul2_inv;

#define MIX_MUL1 UINT64_C (0xbf58476d1ce4e5b9)
#define MIX_MUL2 UINT64_C (0x94d049bb133111eb)

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

static void
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
static size_t
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

/* --- per-thread randomness ------------------------------------------------ */

static inline uint64_t
rng_next (uint64_t *state)
{
  *state += UINT64_C (0x9e3779b97f4a7c15);
  return mix64 (*state);
}

/* A transfer size in 1 .. @max: uniform half of the time, log-uniform the
 * other half so that small transfers (and the cached-position fast path)
 * get their share too. */
static size_t
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

static inline bool
pos_before (uint64_t a, uint64_t b)
{
  return (int64_t) (a - b) < 0;
}

static int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
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

static void
sleep_us (long us)
{
  struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

  nanosleep (&ts, NULL);
}

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

static void G_GNUC_PRINTF (3, 4)
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

static inline bool
run_stopped (Run *run)
{
  /* relaxed: pairs with the relaxed store in side_fail(); see there. */
  return atomic_load_explicit (&run->stop, memory_order_relaxed);
}

static void
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
static bool
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
static size_t
producer_chunk (Side *s, size_t max, uint64_t produced, size_t unit)
{
  size_t n = rng_chunk (&s->rng, max);

  if (s->run->byte_limit != 0 &&
      (uint64_t) n * unit > s->run->byte_limit - produced)
    n = (size_t) ((s->run->byte_limit - produced) / unit);
  return MAX (n, 1);
}

/* Producers copy from a window of the stream generated ahead, so that a
 * write retried on a full ring does not generate its bytes again. */
typedef struct {
  uint8_t *buf;
  size_t size;
  uint64_t pos;
  size_t len;
} Window;

static const uint8_t *
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
static void
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
static bool
consumer_idle (Side *s)
{
  if (stress_ring_is_eos (s->run->ring) || run_stopped (s->run))
    return true;
  side_idle (s);
  return false;
}

/* --- (a) copy API and (c) frames ------------------------------------------ */

/* The copy calls move bytes, the frame calls whole frames of the ring's
 * frame size: the same loop with a unit of 1 or frame_size bytes
 * (Run.frames says which). */
static void
chunk_producer (Side *s, Run *run)
{
  bool frames = run->frames;
  size_t fs = frames ? stress_ring_frame_size (run->ring) : 1;
  size_t cap_units = run->capacity / fs;
  Window win = { g_malloc (4 * cap_units * fs), 4 * cap_units * fs, 0, 0 };
  uint64_t pos = run->start;

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t want = producer_chunk (s, 2 * cap_units, s->bytes, fs);
    const uint8_t *src = window_at (&win, pos, want * fs);
    size_t got = frames ? stress_ring_write_frames (run->ring, src, want)
        : stress_ring_write (run->ring, src, want);

    if (got > want)
      side_fail (s, "INVARIANT", "wrote %zu of %zu %s", got, want,
          frames ? "frames" : "bytes");
    if (got < want)
      s->short_ops++;
    pos += got * fs;
    s->bytes += got * fs;
    if ((s->tick & 63) == 0)
      side_sample (s, true, pos);
    if (got == 0)
      side_idle (s);
  }
  stress_ring_set_eos (run->ring);
  g_free (win.buf);
}

static void
chunk_consumer (Side *s, Run *run)
{
  bool frames = run->frames;
  size_t fs = frames ? stress_ring_frame_size (run->ring) : 1;
  size_t cap_units = run->capacity / fs;
  uint8_t *buf = g_malloc (2 * cap_units * fs);
  uint64_t pos = run->start;

  for (;;) {
    size_t want = rng_chunk (&s->rng, 2 * cap_units);
    size_t got = frames ? stress_ring_read_frames (run->ring, buf, want)
        : stress_ring_read (run->ring, buf, want);
    size_t bad;

    if (got > want)
      side_fail (s, "INVARIANT", "read %zu of %zu %s", got, want,
          frames ? "frames" : "bytes");
    if (got < want)
      s->short_ops++;
    if (got > 0) {
      bad = stream_check (buf, pos, got * fs);
      if (bad < got * fs) {
        side_mismatch (s, frames ? "rb_ring_read_frames" : "rb_ring_read",
            buf, pos, got * fs, bad);
        break;
      }
      pos += got * fs;
      s->bytes += got * fs;
    }
    if ((++s->tick & 63) == 0) {
      side_sample (s, false, pos);
      if (frames &&
          (stress_ring_read_position (run->ring) - run->start) % fs != 0)
        side_fail (s, "INVARIANT", "read position %" PRIu64 " splits a "
            "frame", stress_ring_read_position (run->ring));
    }
    if (got == 0 && consumer_idle (s))
      break;
  }
  g_free (buf);
}

/* --- (b) zero-copy API ---------------------------------------------------- */

static void
zerocopy_producer (Side *s, Run *run)
{
  uint64_t pos = run->start;

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t avail, again, want, n;
    uint8_t *p = stress_ring_write_acquire (run->ring, &avail);

    if (avail > run->capacity)
      side_fail (s, "INVARIANT", "write_acquire handed out %zu bytes of a "
          "%zu-byte ring", avail, run->capacity);
    if ((s->tick & 15) == 0) {
      /* Acquiring again without a commit hands out the same region, at
       * least as large (the consumer may have freed more). */
      uint8_t *p2 = stress_ring_write_acquire (run->ring, &again);
      if (p2 != p || again < avail)
        side_fail (s, "INVARIANT", "second write_acquire: %p/%zu after "
            "%p/%zu", (void *) p2, again, (void *) p, avail);
      avail = again;
    }
    if (avail == 0) {
      s->short_ops++;
      side_idle (s);
      continue;
    }
    want = producer_chunk (s, 2 * run->capacity, s->bytes, 1);
    n = MIN (want, avail);
    stream_fill (p, pos, n);
    /* More than the region is clamped to the region, which is all we
     * filled. */
    stress_ring_write_commit (run->ring, want);
    pos += n;
    s->bytes += n;
    if ((s->tick & 63) == 0)
      side_sample (s, true, pos);
  }
  stress_ring_set_eos (run->ring);
}

static void
zerocopy_consumer (Side *s, Run *run)
{
  uint64_t pos = run->start;

  for (;;) {
    size_t avail, want, n, bad;
    const uint8_t *p = stress_ring_read_acquire (run->ring, &avail);

    if (avail > run->capacity)
      side_fail (s, "INVARIANT", "read_acquire handed out %zu bytes of a "
          "%zu-byte ring", avail, run->capacity);
    if (avail == 0) {
      s->short_ops++;
      if (consumer_idle (s))
        break;
      continue;
    }
    want = rng_chunk (&s->rng, 2 * run->capacity);
    n = MIN (want, avail);
    /* Checked in place: this is the zero-copy view of the ring. */
    bad = stream_check (p, pos, n);
    if (bad < n) {
      side_mismatch (s, "rb_ring_read_acquire", p, pos, n, bad);
      break;
    }
    if (!stress_ring_read_release (run->ring, want))
      side_fail (s, "INVARIANT", "read_release reported an overwrite on a "
          "plain ring");
    pos += n;
    s->bytes += n;
    if ((++s->tick & 63) == 0)
      side_sample (s, false, pos);
  }
}

/* Deinterleaved F32LE, 3 channels: 12-byte frames. */
#define DEINT_CHANNELS 3

static void
deint_producer (Side *s, Run *run)
{
  size_t fs = stress_ring_frame_size (run->ring);
  size_t cap_frames = run->capacity / fs;
  size_t win_size = 4 * cap_frames;
  float *win[DEINT_CHANNELS];
  const float *ptrs[DEINT_CHANNELS];
  uint64_t win_frame = 0, frame = 0;
  size_t win_len = 0;

  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    win[c] = g_new (float, win_size);

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t want = producer_chunk (s, 2 * cap_frames, s->bytes, fs);
    size_t got;

    if (win_len == 0 || frame - win_frame + want > win_len) {
      win_frame = frame;
      win_len = win_size;
      for (size_t i = 0; i < win_len; i++)
        for (unsigned c = 0; c < DEINT_CHANNELS; c++)
          win[c][i] = stream_sample ((win_frame + i) * DEINT_CHANNELS + c);
    }
    for (unsigned c = 0; c < DEINT_CHANNELS; c++)
      ptrs[c] = win[c] + (frame - win_frame);
    got = stress_ring_write_deinterleaved (run->ring, ptrs, DEINT_CHANNELS,
        want);
    if (got > want)
      side_fail (s, "INVARIANT", "wrote %zu of %zu frames", got, want);
    if (got < want)
      s->short_ops++;
    frame += got;
    s->bytes += got * fs;
    if ((s->tick & 63) == 0)
      side_sample (s, true, run->start + s->bytes);
    if (got == 0)
      side_idle (s);
  }
  stress_ring_set_eos (run->ring);
  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    g_free (win[c]);
}

static void
deint_consumer (Side *s, Run *run)
{
  size_t fs = stress_ring_frame_size (run->ring);
  size_t cap_frames = run->capacity / fs;
  float *out[DEINT_CHANNELS];
  uint64_t frame = 0;

  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    out[c] = g_new (float, 2 * cap_frames);

  for (;;) {
    size_t want = rng_chunk (&s->rng, 2 * cap_frames);
    size_t got = stress_ring_read_deinterleaved (run->ring, out,
        DEINT_CHANNELS, want);

    if (got > want)
      side_fail (s, "INVARIANT", "read %zu of %zu frames", got, want);
    if (got < want)
      s->short_ops++;
    for (size_t i = 0; i < got && !s->failed; i++) {
      for (unsigned c = 0; c < DEINT_CHANNELS; c++) {
        uint64_t index = (frame + i) * DEINT_CHANNELS + c;
        float expected = stream_sample (index);
        if (float_bits (out[c][i]) != float_bits (expected)) {
          side_fail (s, "DATA MISMATCH", "rb_ring_read_deinterleaved: "
              "frame %" PRIu64 " channel %u is %a (0x%08x), expected %a "
              "(0x%08x)", frame + i, c, (double) out[c][i],
              float_bits (out[c][i]), (double) expected,
              float_bits (expected));
          break;
        }
      }
    }
    if (s->failed)
      break;
    frame += got;
    s->bytes += got * fs;
    if ((++s->tick & 63) == 0)
      side_sample (s, false, run->start + s->bytes);
    if (got == 0 && consumer_idle (s))
      break;
  }
  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    g_free (out[c]);
}

/* --- (d) overwrite mode --------------------------------------------------- */

static void
overwrite_producer (Side *s, Run *run)
{
  Window win = { g_malloc (4 * run->capacity), 4 * run->capacity, 0, 0 };
  uint64_t pos = run->start;

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t want = producer_chunk (s, 2 * run->capacity, s->bytes, 1);
    size_t got = stress_ring_write (run->ring, window_at (&win, pos, want),
        want);

    /* An overwrite ring never waits and never comes up short. */
    if (got != want)
      side_fail (s, "INVARIANT", "overwrite ring took %zu of %zu bytes",
          got, want);
    pos += got;
    s->bytes += got;
    if ((s->tick & 63) == 0 && stress_ring_write_position (run->ring) != pos)
      side_fail (s, "INVARIANT", "write position %" PRIu64 ", expected %"
          PRIu64, stress_ring_write_position (run->ring), pos);
  }
  stress_ring_set_eos (run->ring);
  /* release: pairs with the acquire load in overwrite_finished(); readers
   * that see the flag see the final write position. */
  atomic_store_explicit (&run->producer_done, true, memory_order_release);
  g_free (win.buf);
}

/* Readers: true once the producer is done and @pos is its final position. */
static bool
overwrite_finished (Run *run, uint64_t pos)
{
  /* acquire: pairs with the release store in overwrite_producer(). */
  if (!atomic_load_explicit (&run->producer_done, memory_order_acquire))
    return false;
  return pos == stress_ring_write_position (run->ring);
}

/* A slow reader waits until the producer is two capacities ahead of it, so
 * that its next read is certain to find its position overwritten (the
 * stream is much longer than that; see check_overwrite_run()). */
static void
overwrite_lag (Run *run, uint64_t pos)
{
  while (!run_stopped (run)) {
    uint64_t w = stress_ring_write_position (run->ring);
    if (w - pos > 2 * (uint64_t) run->capacity)
      return;
    /* acquire: pairs with the release store in overwrite_producer(); the
     * final write position is loaded again above. */
    if (atomic_load_explicit (&run->producer_done, memory_order_acquire) &&
        stress_ring_write_position (run->ring) - pos <= 2 * run->capacity)
      return;
    sleep_us (100);
  }
}

static void
overwrite_reader (Side *s, Run *run)
{
  uint8_t *buf = g_malloc (2 * run->capacity);
  uint64_t cursor = run->start;

  while (!run_stopped (run)) {
    size_t want, done = 0, bad;
    int status;
    uint64_t oldest, w;

    if (s->slow && (s->tick++ & 63) == 0)
      overwrite_lag (run, cursor);
    want = rng_chunk (&s->rng, 2 * run->capacity);
    status = stress_ring_read_at (run->ring, cursor, buf, want, &done);
    switch (status) {
      case STRESS_RANGE_OK:
        if (done == 0 || done > want || done > run->capacity) {
          side_fail (s, "INVARIANT", "read_at: %zu of %zu bytes available",
              done, want);
          break;
        }
        bad = stream_check (buf, cursor, done);
        if (bad < done) {
          side_mismatch (s, "rb_ring_read_at", buf, cursor, done, bad);
          break;
        }
        cursor += done;
        s->bytes += done;
        break;
      case STRESS_RANGE_GONE:
        oldest = stress_ring_oldest_position (run->ring);
        w = stress_ring_write_position (run->ring);
        /* The oldest position may be past the write position: while a
         * write longer than the ring is in flight, only its last capacity
         * bytes will ever be held. */
        if (done != 0 || !pos_before (cursor, oldest))
          side_fail (s, "INVARIANT", "read_at %" PRIu64 ": overwritten "
              "with %zu bytes read, but the oldest position is %" PRIu64
              " (write position %" PRIu64 ")", cursor, done, oldest, w);
        s->lost += oldest - cursor;
        s->laps++;
        cursor = oldest;
        break;
      case STRESS_RANGE_FUTURE:
        if (done != 0)
          side_fail (s, "INVARIANT", "read_at %" PRIu64 ": not yet written "
              "with %zu bytes read", cursor, done);
        if (overwrite_finished (run, cursor))
          goto out;
        side_idle (s);
        break;
      default:
        side_fail (s, "INVARIANT", "read_at returned %d", status);
        break;
    }
  }
out:
  g_free (buf);
}

/* The consumer of an overwrite ring: rb_ring_read() skips what was
 * overwritten, so the position of what it returns is found from the read
 * position after the call (only this thread stores it), and checked. */
static void
overwrite_consumer (Side *s, Run *run)
{
  uint8_t *buf = g_malloc (2 * run->capacity);
  uint64_t end = run->start;

  while (!run_stopped (run)) {
    size_t want, got, bad, readable;
    uint64_t r, begin;

    if ((s->tick & 63) == 0) {
      overwrite_lag (run, end);
      /* On an overwrite ring this catches up past overwritten data too. */
      readable = stress_ring_read_available (run->ring);
      if (readable > run->capacity)
        side_fail (s, "INVARIANT", "%zu bytes readable in a %zu-byte ring",
            readable, run->capacity);
      r = stress_ring_read_position (run->ring);
      if (pos_before (r, end))
        side_fail (s, "INVARIANT", "read position went back from %" PRIu64
            " to %" PRIu64, end, r);
      s->lost += r - end;
      end = r;
      s->samples++;
    }
    s->tick++;
    want = rng_chunk (&s->rng, 2 * run->capacity);
    got = stress_ring_read (run->ring, buf, want);
    r = stress_ring_read_position (run->ring);
    begin = r - got;
    if (got > want || pos_before (begin, end)) {
      side_fail (s, "INVARIANT", "read %zu of %zu bytes, ending at %" PRIu64
          " with the previous read ending at %" PRIu64, got, want, r, end);
      break;
    }
    s->lost += begin - end;
    if (got > 0) {
      bad = stream_check (buf, begin, got);
      if (bad < got) {
        side_mismatch (s, "rb_ring_read (overwrite)", buf, begin, got, bad);
        break;
      }
      s->bytes += got;
    }
    end = r;
    if (got < want)
      s->short_ops++;
    if (got == 0) {
      if (overwrite_finished (run, end))
        break;
      side_idle (s);
    }
  }
  g_free (buf);
}

/* --- cases ---------------------------------------------------------------- */

static uint64_t budget_bytes = UINT64_C (1) << 30;
static double budget_seconds = 0;

typedef struct {
  const char *path;
  double weight;
  bool wrap;
  void (*func) (Run *run);
} Case;

static void
run_init (Run *run, StressRing *ring, const Case *c)
{
  memset (run, 0, sizeof *run);
  run->ring = ring;
  run->capacity = stress_ring_capacity (ring);
  run->start = 0;
  run->wrap = c->wrap;
  if (c->wrap) {
    /* The 64-bit positions wrap three capacities into the stream. */
    run->start = (uint64_t) 0 - 3 * (uint64_t) run->capacity;
    stress_ring_set_positions (ring, run->start);
  }
  run->byte_limit = (uint64_t) ((double) budget_bytes * c->weight);
  /* whole frames, so that the producer can stop exactly at the limit */
  run->byte_limit -= run->byte_limit % stress_ring_frame_size (ring);
  if (budget_bytes != 0 && run->byte_limit == 0)
    run->byte_limit = stress_ring_frame_size (ring);
  if (budget_seconds > 0)
    run->deadline = now_ns () + (int64_t) (budget_seconds * c->weight * 1e9);
  atomic_init (&run->stop, false);
  atomic_init (&run->producer_done, false);
}

static void
side_init (Side *s, Run *run, const char *name)
{
  memset (s, 0, sizeof *s);
  s->run = run;
  s->name = name;
  s->rng = ((uint64_t) g_test_rand_int () << 32) |
      (uint32_t) g_test_rand_int ();
}

/* Runs the sides in their own threads and fails the test for any side that
 * failed. Returns the elapsed time in seconds. */
static void *
side_thread (void *data)
{
  Side *s = data;

  s->func (s, s->run);
  return NULL;
}

static double
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

/* Producer and consumer of a plain ring: the common end checks. */
static void
run_pair (Run *run, const char *what, SideFunc producer, SideFunc consumer,
    bool counts_short_ops)
{
  Side p, c;
  Side *sides[] = { &p, &c };
  SideFunc funcs[] = { producer, consumer };
  double secs;

  side_init (&p, run, "producer");
  side_init (&c, run, "consumer");
  secs = run_sides (sides, funcs, 2);
  if (p.failed || c.failed)
    return;

  g_test_message ("%s: %" PRIu64 " bytes verified in %.2f s (%.0f MB/s), "
      "capacity %zu, %" PRIu64 " short writes, %" PRIu64 " short reads, %"
      PRIu64 " + %" PRIu64 " invariant samples", what, c.bytes, secs,
      (double) c.bytes / secs / 1e6, run->capacity, p.short_ops, c.short_ops,
      p.samples, c.samples);

  g_assert_cmpuint (p.bytes, >, 0);
  if (run->byte_limit != 0 && run->deadline == 0)
    g_assert_cmpuint (p.bytes, ==, run->byte_limit);
  g_assert_cmpuint (p.bytes, ==, c.bytes);
  if (run->wrap)
    g_assert_cmpuint (run->start + p.bytes, <, run->start);
  g_assert_cmpuint (stress_ring_write_position (run->ring), ==,
      run->start + p.bytes);
  g_assert_cmpuint (stress_ring_read_position (run->ring), ==,
      run->start + c.bytes);
  g_assert_cmpuint (stress_ring_read_available (run->ring), ==, 0);
  g_assert_cmpuint (stress_ring_write_available (run->ring), ==,
      run->capacity);
  g_assert_true (stress_ring_is_eos (run->ring));
  if (counts_short_ops) {
    /* Every short write is one overrun, every short read one underrun. */
    g_assert_cmpuint (stress_ring_overruns (run->ring), ==, p.short_ops);
    g_assert_cmpuint (stress_ring_underruns (run->ring), ==, c.short_ops);
  } else {
    /* The zero-copy calls count neither. */
    g_assert_cmpuint (stress_ring_overruns (run->ring), ==, 0);
    g_assert_cmpuint (stress_ring_underruns (run->ring), ==, 0);
  }
}

static void
test_copy (Run *run)
{
  run_pair (run, "copy", chunk_producer, chunk_consumer, true);
}

static void
test_zerocopy (Run *run)
{
  run_pair (run, "zero-copy", zerocopy_producer, zerocopy_consumer, false);
}

static void
test_frames (Run *run)
{
  /* 6-byte frames do not divide the storage: frames straddle the seam
   * between the two views. */
  g_assert_cmpuint (stress_ring_storage (run->ring) %
      stress_ring_frame_size (run->ring), !=, 0);
  run->frames = true;
  run_pair (run, "S24LE stereo frames", chunk_producer, chunk_consumer,
      true);
}

static void
test_deinterleaved (Run *run)
{
  g_assert_cmpuint (stress_ring_storage (run->ring) %
      stress_ring_frame_size (run->ring), !=, 0);
  run_pair (run, "F32LE 3-channel deinterleaved", deint_producer,
      deint_consumer, true);
}

static void
test_overwrite (Run *run)
{
  Side p, fast, slow, c;
  Side *sides[] = { &p, &fast, &slow, &c };
  SideFunc funcs[] = { overwrite_producer, overwrite_reader,
    overwrite_reader, overwrite_consumer
  };
  uint64_t end;
  double secs;

  side_init (&p, run, "producer");
  side_init (&fast, run, "reader");
  side_init (&slow, run, "slow reader");
  side_init (&c, run, "consumer");
  slow.slow = true;
  secs = run_sides (sides, funcs, 4);
  if (p.failed || fast.failed || slow.failed || c.failed)
    return;

  g_test_message ("overwrite: %" PRIu64 " bytes written in %.2f s, capacity "
      "%zu; reader %" PRIu64 " verified, %" PRIu64 " lost in %" PRIu64
      " laps; slow reader %" PRIu64 " verified, %" PRIu64 " lost in %"
      PRIu64 " laps; consumer %" PRIu64 " verified, %" PRIu64 " skipped",
      p.bytes, secs, run->capacity, fast.bytes, fast.lost, fast.laps,
      slow.bytes, slow.lost, slow.laps, c.bytes, c.lost);

  /* The lags below are only certain to overtake a long enough stream. */
  g_assert_cmpuint (p.bytes, >, 4 * run->capacity);
  if (run->byte_limit != 0 && run->deadline == 0)
    g_assert_cmpuint (p.bytes, ==, run->byte_limit);
  end = run->start + p.bytes;
  if (run->wrap)
    g_assert_cmpuint (end, <, run->start);
  g_assert_cmpuint (stress_ring_write_position (run->ring), ==, end);

  /* Every byte either reached a reader checked or was counted lost. */
  g_assert_cmpuint (fast.bytes, >, 0);
  g_assert_cmpuint (fast.bytes + fast.lost, ==, p.bytes);
  g_assert_cmpuint (slow.bytes, >, 0);
  g_assert_cmpuint (slow.bytes + slow.lost, ==, p.bytes);
  g_assert_cmpuint (slow.laps, >, 0);
  g_assert_cmpuint (slow.lost, >, 0);

  g_assert_cmpuint (c.bytes, >, 0);
  g_assert_cmpuint (c.lost, >, 0);
  g_assert_cmpuint (c.bytes + c.lost, ==, p.bytes);
  g_assert_cmpuint (stress_ring_read_position (run->ring), ==, end);
  /* What the consumer skipped is exactly what the ring says it lost. */
  g_assert_cmpuint (stress_ring_overwritten (run->ring), ==, c.lost);
  g_assert_cmpuint (stress_ring_overruns (run->ring), ==, 0);
  g_assert_true (stress_ring_is_eos (run->ring));
}

static StressRing *
ring_for (const Case *c)
{
  /* the copy and overwrite rings hold a little less than their storage
   * (exact capacity, issue #15): the limit is not the mask's */
  if (c->func == test_copy)
    return stress_ring_new (4 * KIB - 3, false);
  if (c->func == test_zerocopy)
    return stress_ring_new (64 * KIB, false);
  if (c->func == test_frames)
    return stress_ring_new_audio (STRESS_FORMAT_S24LE, 2, 16 * KIB / 6);
  if (c->func == test_deinterleaved)
    return stress_ring_new_audio (STRESS_FORMAT_F32LE, DEINT_CHANNELS,
        16 * KIB / (4 * DEINT_CHANNELS));
  return stress_ring_new (16 * KIB - 8, true);
}

static void
run_case (gconstpointer data)
{
  const Case *c = data;
  StressRing *ring = ring_for (c);
  Run run;

  run_init (&run, ring, c);
  c->func (&run);
  g_assert_false (stress_ring_broken (ring));
  stress_ring_free (ring);
}

static const Case cases[] = {
  { "copy", 1, false, test_copy },
  { "zerocopy", 1, false, test_zerocopy },
  { "frames/s24le", 1, false, test_frames },
  { "frames/f32le-deinterleaved", 1, false, test_deinterleaved },
  { "overwrite", 1, false, test_overwrite },
  { "wrap/copy", 0.25, true, test_copy },
  { "wrap/zerocopy", 0.25, true, test_zerocopy },
  { "wrap/frames/s24le", 0.25, true, test_frames },
  { "wrap/frames/f32le-deinterleaved", 0.25, true, test_deinterleaved },
  { "wrap/overwrite", 0.25, true, test_overwrite },
};

static uint64_t
parse_size (const char *name, const char *text)
{
  char *end = NULL;
  guint64 v = g_ascii_strtoull (text, &end, 10);

  switch (*end) {
    case 'G':
      v <<= 10;
      /* fall through */
    case 'M':
      v <<= 10;
      /* fall through */
    case 'K':
      v <<= 10;
      end++;
      break;
    default:
      break;
  }
  if (end == text || *end != '\0')
    g_error ("%s=%s is not a size (bytes, or a number with K, M or G)",
        name, text);
  return v;
}

int
main (int argc, char **argv)
{
  const char *env;
  char *path;

  g_test_init (&argc, &argv, NULL);

  env = g_getenv ("STRESS_BYTES");
  if (env != NULL)
    budget_bytes = parse_size ("STRESS_BYTES", env);
  env = g_getenv ("STRESS_SECONDS");
  if (env != NULL)
    budget_seconds = g_ascii_strtod (env, NULL);
  if (budget_bytes == 0 && budget_seconds <= 0)
    g_error ("STRESS_BYTES and STRESS_SECONDS are both 0: the stress "
        "would never end");

  mul1_inv = mul_inverse (MIX_MUL1);
  mul2_inv = mul_inverse (MIX_MUL2);
  g_assert_cmpuint (unmix64 (mix64 (UINT64_C (0x0123456789abcdef))), ==,
      UINT64_C (0x0123456789abcdef));
  stream_key = ((uint64_t) g_test_rand_int () << 32) |
      (uint32_t) g_test_rand_int ();

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    if (cases[i].wrap && !STRESS_CAN_SET_POSITIONS)
      continue;
    path = g_strdup_printf ("/%s/stress/%s", STRESS_BACKEND_NAME,
        cases[i].path);
    g_test_add_data_func (path, &cases[i], run_case);
    g_free (path);
  }
  return g_test_run ();
}
