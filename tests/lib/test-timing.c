/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The ring's timing (docs/clocks.md): the delay-locked loop on synthetic
 * stamps of known rate and jitter, regular and irregular; every timing
 * field of the shared header made hostile reads as unknown; the position
 * <-> time map round trip; the opt-in of byte rings; the forced "clock
 * needs the kernel" answer. The accuracy on real threads is the clocks
 * suite's (tests/clocks). */

#include <ringbridge/ringbridge.h>
#include "rb-ring-private.h"
#include "rb-timing-private.h"
#include "rb-test-hooks-private.h"

#include <math.h>
#include <string.h>

#include "../common/rb-test.h"

#define NS_PER_S G_GINT64_CONSTANT (1000000000)
#define RATE 48000
#define FRAME 4                 /* S16LE stereo */

/* --- the loop on synthetic stamps ----------------------------------------- */

typedef struct {
  double ppm;                   /* true drift against the nominal rate */
  double jitter_s;              /* one-sided scheduling delay, mean */
  gboolean irregular;           /* random block sizes */
  double outliers;              /* fraction of stamps 5 ms late */
} Scenario;

/* Feeds @seconds of stamps; returns the rate error in ppm of the true
 * rate, and the time the loop said it locked in *lock_s. */
static double
run_dll (const Scenario *sc, double seconds, double nominal, double *lock_s)
{
  struct rb_dll d;
  double rate = nominal * (1 + sc->ppm * 1e-6);
  GRand *rnd = g_rand_new_with_seed (13);
  uint64_t pos = 0;
  int64_t base = 1000 * NS_PER_S;
  double t = 0;
  int64_t last = 0;

  rb_dll_reset (&d, nominal);
  *lock_s = -1;
  while (t < seconds) {
    double delay = -log (1 - g_rand_double (rnd)) * sc->jitter_s;
    uint64_t block = sc->irregular ?
        (uint64_t) g_rand_int_range (rnd, 8, 1024) * FRAME : 64 * FRAME;

    int64_t stamp;

    if (sc->outliers > 0 && g_rand_double (rnd) < sc->outliers)
      delay += 5e-3;
    /* one thread's clock reads never go back: a late stamp holds up the
     * next one's */
    stamp = MAX (last + 1, base + (int64_t) ((t + delay) * 1e9));
    last = stamp;
    g_assert_true (rb_dll_update (&d, pos, stamp));
    if (d.locked && *lock_s < 0)
      *lock_s = t;
    pos += block;
    t += (double) block / rate;
  }
  g_rand_free (rnd);
  return (rb_dll_rate (&d) / rate - 1) * 1e6;
}

static void
check_scenario (const Scenario *sc, double bound_ppm)
{
  double lock_s, err = run_dll (sc, 10.0, (double) RATE * FRAME, &lock_s);

  g_test_message ("drift %+.0f ppm, jitter %.0f us%s: rate error after "
      "10 s %+.3f ppm, locked at %.2f s", sc->ppm, sc->jitter_s * 1e6,
      sc->irregular ? ", irregular blocks" : "", err, lock_s);
  g_assert_cmpfloat (fabs (err), <, bound_ppm);
  g_assert_cmpfloat (lock_s, >, 0);
  g_assert_cmpfloat (lock_s, <, 5);
}

static void
test_dll_steady (void)
{
  const double drifts[] = { 0, 200, -200, 2000, -2000 };

  for (guint i = 0; i < G_N_ELEMENTS (drifts); i++) {
    Scenario sc = { .ppm = drifts[i], .jitter_s = 50e-6 };
    check_scenario (&sc, 1.0);
  }
}

static void
test_dll_irregular (void)
{
  Scenario sc = { .ppm = 300, .jitter_s = 200e-6, .irregular = TRUE };

  /* blocks of 8 to 1024 frames: a ninth of the stamps of the steady
   * case, each with four times its jitter */
  check_scenario (&sc, 3.0);
}

/* Threads woken 5 ms late now and then: bounded, not news. */
static void
test_dll_outliers (void)
{
  Scenario sc = { .ppm = -500, .jitter_s = 100e-6, .outliers = 0.01 };

  check_scenario (&sc, 2.0);
}

/* Without a nominal rate (a byte ring) the first interval starts it. */
static void
test_dll_no_nominal (void)
{
  struct rb_dll d;
  int64_t t = NS_PER_S;
  uint64_t pos = 0;

  rb_dll_reset (&d, 0);
  for (int i = 0; i < 20000; i++) {
    g_assert_true (rb_dll_update (&d, pos, t + (i % 7) * 3000));
    if (i == 0)
      g_assert_cmpfloat (rb_dll_rate (&d), ==, 0);      /* unknown yet */
    pos += 1000;
    t += 1000000;               /* 1 MB/s */
  }
  g_assert_cmpfloat (fabs (rb_dll_rate (&d) / 1e6 - 1), <, 1e-6);
}

/* A thread the scheduler stalled for 30 ms, which then catches up with a
 * burst of writes, every second; and a prefill 50 ms before the start.
 * Neither may move the rate (fed to the loop, such stamps threw it off by
 * 2000 ppm in the clocks suite's first runs). */
static void
test_dll_stalls (void)
{
  struct rb_dll d;
  double rate = (double) RATE * FRAME * (1 + 150e-6);
  int64_t base = NS_PER_S, late_until = 0;
  uint64_t pos = 1 << 16;
  double lock_err = 0;

  rb_dll_reset (&d, (double) RATE * FRAME);
  rb_dll_update (&d, pos, base - 50000000);
  for (int k = 0; k < 7500; k++) {
    int64_t due = base + (int64_t) (k * 256 / rate * 1e9);
    int64_t t = due + 30000;

    if (k % 750 == 100)
      late_until = due + 30000000;      /* stalled until then */
    if (t < late_until)
      t = late_until + (k % 3) * 1000;  /* the burst */
    pos += 256;
    rb_dll_update (&d, pos, t);
    if (k == 7499)
      lock_err = (rb_dll_rate (&d) / rate - 1) * 1e6;
  }
  g_test_message ("stalls and a prefill: rate error after 10 s %+.3f ppm",
      lock_err);
  g_assert_cmpfloat (fabs (lock_err), <, 1);
}

/* A side that stopped for a second moves the loop's phase, not its rate. */
static void
test_dll_gap (void)
{
  struct rb_dll d;
  double rate = (double) RATE * FRAME;
  int64_t t = NS_PER_S;
  uint64_t pos = 0;

  rb_dll_reset (&d, rate);
  for (int i = 0; i < 20000; i++) {
    if (i == 10000)
      t += NS_PER_S;
    rb_dll_update (&d, pos, t);
    pos += 256;
    t += (int64_t) (256 / rate * 1e9);
  }
  g_assert_cmpfloat (fabs (rb_dll_rate (&d) / rate - 1), <, 1e-6);
  /* stamps that do not advance are ignored */
  g_assert_false (rb_dll_update (&d, pos - 256, t));
  g_assert_false (rb_dll_update (&d, pos, t - NS_PER_S));
}

/* --- a ring with known estimates ------------------------------------------ */

static int64_t fake_now;

static int64_t
fake_clock (void)
{
  return fake_now;
}

/* An audio ring whose two sides stamped @seconds of a producer at +@ppm
 * and an exact consumer, through the caller-supplied stamps. */
static RbRing *
stamped_ring (double ppm, double seconds)
{
  GError *error = NULL;
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 4096,
      RB_RING_FLAGS_NONE, &error);
  guint8 block[256 * FRAME] = { 0 };
  int64_t t0 = 1000 * NS_PER_S;
  double prate = RATE * (1 + ppm * 1e-6);

  g_assert_no_error (error);
  rb_timing_clock_for_test = fake_clock;
  for (int i = 0; i < 4; i++)
    g_assert_cmpuint (rb_ring_write_frames (ring, block, 256), ==, 256);
  for (guint64 k = 0; k < (guint64) (seconds * RATE / 256); k++) {
    guint64 wpos = rb_ring_get_write_position (ring);
    guint64 rpos = rb_ring_get_read_position (ring);
    int64_t tw = t0 + (int64_t) ((wpos / FRAME - 1024) / prate * 1e9);
    int64_t tr = t0 + (int64_t) ((rpos / FRAME) / (double) RATE * 1e9);

    g_assert_true (rb_ring_stamp_producer (ring, wpos, tw));
    g_assert_true (rb_ring_stamp_consumer (ring, rpos, tr));
    g_assert_cmpuint (rb_ring_write_frames (ring, block, 256), ==, 256);
    g_assert_cmpuint (rb_ring_read_frames (ring, block, 256), ==, 256);
    fake_now = MAX (tw, tr) + 1000;
  }
  return ring;
}

/* Frees a ring stamped_ring() made and gives the library its clock back. */
static void
stamped_ring_free (RbRing *ring)
{
  g_object_unref (ring);
  rb_timing_clock_for_test = NULL;
}

static void
test_ring_known (void)
{
  RbRing *ring = stamped_ring (100, 12);
  RbRingTiming timing;

  g_assert_true (rb_ring_get_timing (ring, &timing));
  g_assert_cmpint (timing.producer_state, ==, RB_TIMING_STATE_OK);
  g_assert_cmpint (timing.consumer_state, ==, RB_TIMING_STATE_OK);
  g_assert_true (timing.producer_locked);
  g_assert_true (timing.consumer_locked);
  g_assert_cmpfloat (fabs (timing.ratio_ppm - 100), <, 1);
  g_assert_cmpfloat (fabs (timing.consumer_rate - RATE), <, 0.05);
  g_assert_true (timing.fill_known);
  g_assert_cmpfloat (timing.fill, >, 900);
  g_assert_cmpfloat (timing.fill, <, 1400);
  g_assert_cmpint (timing.fill_ns, >, 18000000);
  g_assert_cmpint (timing.producer_age_ns, >=, 0);
  stamped_ring_free (ring);
}

/* --- hostile header values -------------------------------------------------- */

typedef enum {
  F_SEQ_ODD, F_FLAGS, F_POSITION_AHEAD, F_POSITION_OFF_FRAME, F_TIME_ZERO,
  F_TIME_NEGATIVE, F_TIME_FAR, F_RATE_NAN, F_RATE_INF, F_RATE_NEGATIVE,
  F_RATE_ZERO, F_RATE_ABSURD, F_RATE_DOUBLE, F_STAMP_FUTURE, F_STAMP_ZERO,
  F_STAMPS_ZERO, F_STAMPS_ONE, F_BANDWIDTH_NAN, F_BANDWIDTH_HUGE, N_FIELDS
} Field;

static const char *const field_names[] = {
  "seq-odd", "flags", "position-ahead", "position-off-frame", "time-zero",
  "time-negative", "time-far", "rate-nan", "rate-inf", "rate-negative",
  "rate-zero", "rate-absurd", "rate-double", "stamp-future", "stamp-zero",
  "stamps-zero", "stamps-one", "bandwidth-nan", "bandwidth-huge",
};

static uint64_t
bits (double v)
{
  uint64_t u;

  memcpy (&u, &v, 8);
  return u;
}

/* A hostile peer's stores into a side's block. seq_cst atomics, each: one
 * thread, between the side's publishes; nothing pairs with them but the
 * reader's loads that follow in the same thread. */
static void
poke (struct rb_shm_timing *b, Field f, uint64_t write_pos)
{
  switch (f) {
    case F_SEQ_ODD: atomic_store (&b->seq, atomic_load (&b->seq) | 1); break;
    case F_FLAGS: atomic_store (&b->flags, 0x80u); break;
    case F_POSITION_AHEAD: atomic_store (&b->position, write_pos + 4096); break;
    case F_POSITION_OFF_FRAME:
      atomic_store (&b->position, atomic_load (&b->position) - 1); break;
    case F_TIME_ZERO: atomic_store (&b->time_ns, 0); break;
    case F_TIME_NEGATIVE: atomic_store (&b->time_ns, -5); break;
    case F_TIME_FAR: atomic_store (&b->time_ns, INT64_MAX); break;
    case F_RATE_NAN: atomic_store (&b->rate, bits (NAN)); break;
    case F_RATE_INF: atomic_store (&b->rate, bits (INFINITY)); break;
    case F_RATE_NEGATIVE: atomic_store (&b->rate, bits (-192000.0)); break;
    case F_RATE_ZERO: atomic_store (&b->rate, 0); break;
    case F_RATE_ABSURD: atomic_store (&b->rate, bits (1e300)); break;
    case F_RATE_DOUBLE: atomic_store (&b->rate, bits (2.0 * RATE * FRAME)); break;
    case F_STAMP_FUTURE: atomic_store (&b->stamp_ns, fake_now + NS_PER_S); break;
    case F_STAMP_ZERO: atomic_store (&b->stamp_ns, 0); break;
    case F_STAMPS_ZERO: atomic_store (&b->stamps, 0); break;
    case F_STAMPS_ONE: atomic_store (&b->stamps, 1); break;
    case F_BANDWIDTH_NAN: atomic_store (&b->bandwidth, bits (NAN)); break;
    case F_BANDWIDTH_HUGE: atomic_store (&b->bandwidth, bits (1e9)); break;
    case N_FIELDS: g_assert_not_reached ();
  }
}

static void
check_unknown (const RbRingTiming *t, gboolean producer)
{
  RbTimingState state = producer ? t->producer_state : t->consumer_state;

  g_assert_cmpint (state, !=, RB_TIMING_STATE_OK);
  g_assert_cmpfloat (producer ? t->producer_rate : t->consumer_rate, ==, 0);
  g_assert_false (producer ? t->producer_locked : t->consumer_locked);
  g_assert_false (t->ratio_known);
  g_assert_cmpfloat (t->ratio_ppm, ==, 0);
  g_assert_false (t->fill_known);
  g_assert_cmpfloat (t->fill, ==, 0);
  /* the other side is untouched */
  g_assert_cmpint (producer ? t->consumer_state : t->producer_state, ==,
      RB_TIMING_STATE_OK);
}

static void
test_hostile (gconstpointer data)
{
  Field f = GPOINTER_TO_INT (data);

  for (int side = 0; side < 2; side++) {
    RbRing *ring = stamped_ring (50, 4);
    struct rb_shm_header *hdr = rb_ring_header_of (ring);
    struct rb_shm_timing *b = side == 0 ? &hdr->producer_timing :
        &hdr->consumer_timing;
    RbRingTiming timing;
    gint64 when;
    guint64 pos;

    g_assert_true (rb_ring_get_timing (ring, &timing));
    poke (b, f, side == 0 ? rb_ring_get_write_position (ring) :
        rb_ring_get_read_position (ring));
    g_assert_false (rb_ring_get_timing (ring, &timing));
    g_test_message ("%s, %s: state %d", field_names[f],
        side == 0 ? "producer" : "consumer",
        side == 0 ? timing.producer_state : timing.consumer_state);
    check_unknown (&timing, side == 0);
    if (f == F_SEQ_ODD)
      g_assert_cmpint (side == 0 ? timing.producer_state :
          timing.consumer_state, ==, RB_TIMING_STATE_BUSY);
    else if (f == F_STAMPS_ZERO || f == F_STAMPS_ONE)
      g_assert_cmpint (side == 0 ? timing.producer_state :
          timing.consumer_state, !=, RB_TIMING_STATE_OK);
    else
      g_assert_cmpint (side == 0 ? timing.producer_state :
          timing.consumer_state, ==, RB_TIMING_STATE_INVALID);
    /* the map follows the producer's loop only */
    g_assert_cmpint (rb_ring_position_to_time (ring, 0, &when), ==, side == 1);
    g_assert_cmpint (rb_ring_time_to_position (ring, fake_now, &pos), ==,
        side == 1);
    /* and the consumer's map its loop */
    g_assert_cmpint (rb_ring_consumer_time_to_position (ring, fake_now,
            &pos), ==, side == 0);
    /* the realtime maps, given the time, the same */
    g_assert_cmpint (rb_ring_time_to_position_full (ring, fake_now, fake_now,
            &pos), ==, side == 1);
    g_assert_cmpint (rb_ring_consumer_time_to_position_full (ring, fake_now,
            fake_now, &pos), ==, side == 0);
    /* the side's next publish repairs it (the sequence rounds to even) */
    if (side == 0) {
      guint64 w = rb_ring_get_write_position (ring);
      g_assert_true (rb_ring_stamp_producer (ring, w, fake_now));
      if (f == F_SEQ_ODD || f == F_FLAGS || f == F_RATE_NAN)
        g_assert_cmpint (rb_ring_get_timing (ring, &timing) ? 1 : 0, ==, 1);
    }
    g_object_unref (ring);
  }
  rb_timing_clock_for_test = NULL;
}

/* --- position <-> time --------------------------------------------------- */

static void
test_map_round_trip (void)
{
  RbRing *ring = stamped_ring (-250, 12);
  guint64 w = rb_ring_get_write_position (ring);
  double prate = RATE * (1 - 250e-6);

  for (gint64 df = -48000; df <= 480000; df += 12345) {
    guint64 pos = w + (guint64) (df * FRAME);
    gint64 when, truth = 1000 * NS_PER_S + (gint64) (((double) pos / FRAME -
            1024) / prate * 1e9);
    guint64 back;

    g_assert_true (rb_ring_position_to_time (ring, pos, &when));
    /* the loop's line, against the true one: within 20 us */
    g_assert_cmpint (llabs (when - truth), <, 20000);
    g_assert_true (rb_ring_time_to_position (ring, when, &back));
    g_assert_cmpuint (back, ==, pos);
  }
  /* more than an hour away: refused */
  {
    gint64 when;
    guint64 back;

    g_assert_false (rb_ring_position_to_time (ring,
            w + (guint64) RATE * FRAME * 4000, &when));
    g_assert_false (rb_ring_time_to_position (ring,
            fake_now + 4000 * NS_PER_S, &back));
  }
  stamped_ring_free (ring);
}

/* The consumer's map: its loop's line against the true one (an exact
 * consumer that read its first frame at 1000 s) */
static void
test_map_consumer (void)
{
  RbRing *ring = stamped_ring (-250, 12);
  guint64 r = rb_ring_get_read_position (ring);
  gint64 t0 = 1000 * NS_PER_S, last = t0 + (gint64) ((double) r / FRAME /
      RATE * 1e9);
  guint64 prev = 0;

  for (gint64 dt = -NS_PER_S; dt <= 10 * NS_PER_S; dt += NS_PER_S / 7) {
    guint64 pos, truth = (guint64) llround ((double) (last + dt - t0) *
        1e-9 * RATE) * FRAME;

    g_assert_true (rb_ring_consumer_time_to_position (ring, last + dt, &pos));
    g_assert_cmpuint (pos % FRAME, ==, 0);
    /* within a frame of the truth: an exact consumer */
    g_assert_cmpint (llabs ((gint64) (pos - truth)), <=, FRAME);
    /* monotonic in time: what a clock made of it needs */
    g_assert_cmpuint (pos, >=, prev);
    prev = pos;
  }
  /* the producer's map is another line: it started 1024 frames ahead and
   * runs 250 ppm (12 frames a second) slow */
  {
    gint64 at = last + 10 * NS_PER_S;
    double expect = (double) (at - t0) * 1e-9 * RATE * 250e-6 - 1024;
    guint64 p, c;

    g_assert_true (rb_ring_time_to_position (ring, at, &p));
    g_assert_true (rb_ring_consumer_time_to_position (ring, at, &c));
    g_assert_cmpfloat (fabs ((double) (gint64) (c - p) / FRAME - expect), <,
        8);
    /* more than an hour away: refused */
    g_assert_false (rb_ring_consumer_time_to_position (ring,
            last + 4000 * NS_PER_S, &c));
    g_assert_cmpuint (c, ==, 0);
  }
  stamped_ring_free (ring);
}

/* The realtime maps, given the time instead of reading the clock: the
 * same answers as the clock's maps; refused where the time given cannot
 * be now (before the side's latest stamp, not positive) or makes the
 * estimate stale. */
static void
test_map_full (void)
{
  RbRing *ring = stamped_ring (-250, 12);
  struct rb_shm_header *hdr = rb_ring_header_of (ring);
  gint64 latest[2] = {
    (gint64) atomic_load (&hdr->producer_timing.stamp_ns),
    (gint64) atomic_load (&hdr->consumer_timing.stamp_ns),
  };

  for (gint64 dt = -NS_PER_S; dt <= 5 * NS_PER_S; dt += NS_PER_S / 3) {
    gint64 at = fake_now + dt;
    guint64 p, pf, c, cf;

    g_assert_true (rb_ring_time_to_position (ring, at, &p));
    g_assert_true (rb_ring_time_to_position_full (ring, at, fake_now, &pf));
    g_assert_cmpuint (pf, ==, p);
    g_assert_true (rb_ring_consumer_time_to_position (ring, at, &c));
    g_assert_true (rb_ring_consumer_time_to_position_full (ring, at,
            fake_now, &cf));
    g_assert_cmpuint (cf, ==, c);
  }
  for (int side = 0; side < 2; side++) {
    gboolean (*map) (RbRing *, gint64, gint64, guint64 *) = side == 0 ?
        rb_ring_time_to_position_full :
        rb_ring_consumer_time_to_position_full;
    guint64 pos = 1;

    /* at its latest stamp, and a little after: known */
    g_assert_true (map (ring, latest[side], latest[side], &pos));
    g_assert_true (map (ring, latest[side], latest[side] + 5000000, &pos));
    /* a stamp after "now" cannot be true */
    g_assert_false (map (ring, latest[side], latest[side] - 1, &pos));
    g_assert_cmpuint (pos, ==, 0);
    /* 3 s after it: stale */
    pos = 1;
    g_assert_false (map (ring, latest[side], latest[side] + 3 * NS_PER_S,
            &pos));
    g_assert_cmpuint (pos, ==, 0);
    /* no time */
    pos = 1;
    g_assert_false (map (ring, latest[side], 0, &pos));
    g_assert_cmpuint (pos, ==, 0);
    g_assert_false (map (ring, latest[side], -5, &pos));
  }
  stamped_ring_free (ring);
}

/* --- defaults and the opt-in ------------------------------------------------ */

static void
move (RbRing *ring, guint n, gsize block)
{
  guint8 buf[4096] = { 0 };

  for (guint i = 0; i < n; i++) {
    g_assert_cmpuint (rb_ring_write (ring, buf, block), ==, block);
    g_assert_cmpuint (rb_ring_read (ring, buf, block), ==, block);
    g_usleep (200);
  }
}

static void
test_byte_ring_opt_in (void)
{
  GError *error = NULL;
  RbRing *ring = rb_ring_new (65536, &error);
  RbRingTiming timing;

  g_assert_no_error (error);
  move (ring, 200, 1024);
  g_assert_false (rb_ring_get_timing (ring, &timing));
  g_assert_cmpint (timing.producer_state, ==, RB_TIMING_STATE_NO_STAMPS);
  g_assert_cmpint (timing.consumer_state, ==, RB_TIMING_STATE_NO_STAMPS);
  g_assert_cmpint (timing.producer_age_ns, ==, -1);

  if (rb_timing_clock_needs_kernel (NULL)) {
    g_test_message ("%s", rb_ring_get_timing_clock_note ());
    rb_ring_set_timing (ring, TRUE, 1024);
    move (ring, 10, 1024);
    rb_ring_get_timing (ring, &timing);
    g_assert_cmpint (timing.producer_state, ==, RB_TIMING_STATE_KERNEL_CLOCK);
  } else {
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    rb_ring_set_timing (ring, TRUE, 1024);
    /* a byte ring has no nominal rate: its first estimate spans 0.2 s */
    do
      move (ring, 100, 1024);
    while (!rb_ring_get_timing (ring, &timing) &&
        g_get_monotonic_time () < deadline);
    g_assert_true (rb_ring_get_timing (ring, &timing));
    g_assert_cmpfloat (timing.producer_rate, >, 0);
    g_assert_cmpfloat (fabs (timing.ratio_ppm), <, 10000);
  }
  g_object_unref (ring);
}

static void
test_audio_default_on (void)
{
  GError *error = NULL;
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 4096,
      RB_RING_FLAGS_NONE, &error);
  RbRingTiming timing;

  g_assert_no_error (error);
  move (ring, 20, 64 * FRAME);
  rb_ring_get_timing (ring, &timing);
  if (rb_timing_clock_needs_kernel (NULL))
    g_assert_cmpint (timing.producer_state, ==, RB_TIMING_STATE_KERNEL_CLOCK);
  else {
    /* stamped (unpaced writes are no clock: the loop may still wait for
     * stamps that fit its line) */
    /* seq_cst: this thread stamped it */
    g_assert_cmpuint (atomic_load (&rb_ring_header_of (ring)->
            producer_timing.stamps), >=, 1);
    g_assert_true (timing.producer_state == RB_TIMING_STATE_OK ||
        timing.producer_state == RB_TIMING_STATE_WARMING_UP);
    g_assert_true (timing.consumer_state == RB_TIMING_STATE_OK ||
        timing.consumer_state == RB_TIMING_STATE_WARMING_UP);
  }
  rb_ring_set_timing (ring, FALSE, 0);
  g_object_unref (ring);
}

/* The forced fallback: automatic stamps stay off and say why; the
 * caller's stamps still work. */
static void
test_forced_kernel_clock (void)
{
  GError *error = NULL;
  RbRing *ring;
  RbRingTiming timing;

  rb_timing_kernel_clock_for_test = 1;
  ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, RATE, 4096,
      RB_RING_FLAGS_NONE, &error);
  g_assert_no_error (error);
  move (ring, 20, 64 * FRAME);
  g_assert_false (rb_ring_get_timing (ring, &timing));
  g_assert_cmpint (timing.producer_state, ==, RB_TIMING_STATE_KERNEL_CLOCK);
  g_assert_cmpint (timing.consumer_state, ==, RB_TIMING_STATE_KERNEL_CLOCK);
  g_assert_nonnull (strstr (rb_ring_get_timing_clock_note (), "forced"));
  g_object_unref (ring);
  ring = stamped_ring (10, 4);
  g_assert_true (rb_ring_get_timing (ring, &timing));
  stamped_ring_free (ring);
  rb_timing_kernel_clock_for_test = -1;
}

static void
test_stamp_refused (void)
{
  RbRing *ring = stamped_ring (0, 1);
  guint64 w = rb_ring_get_write_position (ring);

  g_assert_false (rb_ring_stamp_producer (ring, w + FRAME, fake_now));
  g_assert_false (rb_ring_stamp_producer (ring, w - 1, fake_now));
  g_assert_false (rb_ring_stamp_producer (ring, w, 0));
  g_assert_false (rb_ring_stamp_producer (ring, w, -1));
  stamped_ring_free (ring);
}

/* the hostile cases: one a field */
static void
add_hostile_cases (void)
{
  for (int f = 0; f < N_FIELDS; f++) {
    g_autofree char *path = g_strdup_printf ("/timing/hostile/%s",
        field_names[f]);
    g_test_add_data_func (path, GINT_TO_POINTER (f), test_hostile);
  }
}

static const RbTestCase cases[] = {
  { "/timing/dll/steady", test_dll_steady },
  { "/timing/dll/irregular", test_dll_irregular },
  { "/timing/dll/outliers", test_dll_outliers },
  { "/timing/dll/no-nominal", test_dll_no_nominal },
  { "/timing/dll/gap", test_dll_gap },
  { "/timing/dll/stalls", test_dll_stalls },
  { "/timing/ring/known", test_ring_known },
  { "/timing/map/round-trip", test_map_round_trip },
  { "/timing/map/consumer", test_map_consumer },
  { "/timing/map/full", test_map_full },
  { "/timing/opt-in/byte-ring", test_byte_ring_opt_in },
  { "/timing/opt-in/audio-default", test_audio_default_on },
  { "/timing/kernel-clock/forced", test_forced_kernel_clock },
  { "/timing/stamp/refused", test_stamp_refused },
};

RB_TEST_MAIN_MORE (cases, add_hostile_cases)
