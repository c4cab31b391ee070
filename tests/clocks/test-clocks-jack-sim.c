/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's fill control (jack/drift.h) and resampler
 * (jack/resample.c) in simulated time: the very process function JACK
 * runs (rb_jack_rt_cycle()) is driven cycle by cycle against a producer
 * or consumer whose clock runs PPM fast, both placed exactly on one
 * virtual timeline. No server and no scheduler: what these cases check
 * is the loop and the audio, deterministically, whatever the machine's
 * load (test-clocks-jack.py runs the same against a real jackd).
 *
 * Each case runs 60 s of audio at 48 kHz in 64-frame periods, a 1 kHz
 * tone, and checks after lock-in (10 s): nothing skipped, inserted or
 * dropped, the smoothed fill within one period of the target in every
 * cycle, the tone continuous (every 256-frame block, hop 128, fits a
 * sine at the expected frequency to better than -60 dB; one skipped frame
 * gives about -20 dB) and clean (THD+N, the median block's, at or below
 * -90 dB: a ratio that swings by hundreds of ppm misses it). Built again
 * with -DPERIOD=1024 -DTARGET=4096 (meson test clocks-jack-sim-1024), all
 * but the negative control and the xrun case: at long periods the converter's own buffer holds up to
 * a period that the loop must count (jack/resample.h). It prints the lock time, the largest fill deviation
 * and the tone's THD+N (the median block residual). The negative control
 * runs play without the resampler and must fail the same checks; the
 * xrun case drops 12 cycles in the middle and checks the fill comes back
 * without oscillating. */

#include "rt.h"
#include "sine-fit.h"

#include <math.h>
#include <string.h>

#define RATE 48000.0
#ifndef PERIOD
#define PERIOD 64
#endif
#define SECONDS 60
#define LOCK_S 10.0
#ifndef TARGET
#define TARGET 960
#endif
#define BLOCK 32                /* the peer's reads and writes */
#define FIT 256
#define HOP 128

typedef struct {
  double ppm;
  gboolean record;
  gboolean resample;            /* FALSE: the negative control */
  guint xrun_cycles;            /* dropped at 30 s */
  guint64 max_fill;             /* play without resampling */
  /* the measured drift, as ringbridge-jack's main thread passes it on:
   * from @ff_at_s on (with @ff), off the truth by @ff_err_ppm */
  gboolean ff;
  double ff_at_s;
  double ff_err_ppm;
  /* the peer stamps its blocks with its clock (as a paced thread's ring
   * does), so that play and record see where it stands between them
   * (jack/rt.c, peer_phase()); FALSE: the fill the positions give only */
  gboolean peer_stamps;
} Case;

typedef struct {
  double lock_s;                /* the last time the fill left the band */
  double fill_dev_max;          /* after lock-in */
  guint64 changed;              /* counts that moved after lock-in */
  guint64 peer_short;           /* the peer short of room or data */
  double worst_db, thdn_db;
  double worst_at_s;
  guint sign_changes;           /* of the fill error beyond a period */
  /* the correction in the second half (well after any settling), ppm:
   * its range and its RMS deviation from its mean */
  double ratio_min, ratio_max, ratio_rms;
  double ratio_sum, ratio_sum2;
  guint64 ratio_n;
  double integral_end;          /* the loop's integral at the end, ppm */
} Result;

/* The timeline's origin, seconds: the times must be positive */
#define T0_S 1000.0

/* When the peer's clock, at @peer_rate frames a second, reaches frame
 * @frames, in nanoseconds on the timeline */
static gint64
peer_ns (double frames, double peer_rate)
{
  return llround ((T0_S + frames / peer_rate) * 1e9);
}

static float
tone (guint64 i, double f)
{
  return (float) (0.5 * sin (2 * G_PI * f * (double) i));
}

/* Residual of a block against a*sin + b*cos + d at @w, relative to the
 * fitted tone, in dB; the tone's phase at the block's start in @phase. */
static double
block_db (const float *x, double w, double *phase)
{
  double p[3], sig, res = sine_fit3 (x, FIT, w, p, &sig);

  *phase = atan2 (p[1], p[0]);
  return 10 * log10 (MAX (res, 1e-30) / MAX (sig, 1e-30));
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Every block against a sine at its local frequency: the loop moves the
 * ratio by a few hundred ppm as the fill's measurement beats against the
 * peer's blocks, a slow FM that a fixed frequency would take for noise.
 * The local frequency comes from the phases of the blocks 4 hops either
 * side (a jump inside a block still cannot be fitted). */
#define SPAN 4

static void
tone_check (const float *x, gsize n, double f, Result *r)
{
  gsize nb = (n - FIT) / HOP;
  double *db = g_new (double, nb), *ph = g_new (double, nb);
  double w = 2 * G_PI * f;

  for (gsize b = 0; b < nb; b++)
    block_db (x + b * HOP, w, &ph[b]);
  r->worst_db = -1000;
  for (gsize b = SPAN; b + SPAN < nb; b++) {
    double d = ph[b + SPAN] - ph[b - SPAN] - w * 2 * SPAN * HOP, unused;

    d = atan2 (sin (d), cos (d));
    db[b] = block_db (x + b * HOP, w + d / (2 * SPAN * HOP), &unused);
    if (db[b] > r->worst_db) {
      r->worst_db = db[b];
      r->worst_at_s = (double) (b * HOP) / RATE;
    }
  }
  qsort (db + SPAN, nb - 2 * SPAN, sizeof *db, cmp_double);
  r->thdn_db = db[nb / 2];
  g_free (db);
  g_free (ph);
}

static guint64
get (atomic_uint_least64_t *v)
{
  return atomic_load (v);
}

static void
run (const Case *c, Result *r)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_F32LE, 1, (guint) RATE,
      48000, 0, &error);
  RbJackRt rt;
  guint64 cycles = (guint64) (SECONDS * RATE / PERIOD);
  guint64 lock_cycle = (guint64) (LOCK_S * RATE / PERIOD);
  double peer_rate = RATE * (1 + c->ppm * 1e-6);
  /* the tone in the peer's frames (play) or in JACK's (record) */
  double f_src = 1000.0 / RATE;
  gsize cap = (gsize) (SECONDS * RATE * 1.05);
  float *rec = g_new0 (float, cap), port[PERIOD], blk[BLOCK];
  float *bufs[1] = { port };
  gsize n_rec = 0, rec_lock = 0;
  guint64 peer_done = 0, at_lock[4] = { 0 };
  RbJackCycle cyc = { .valid = TRUE };
  int last_sign = 0;

  g_assert_no_error (error);
  memset (r, 0, sizeof *r);
  r->ratio_min = G_MAXDOUBLE;
  r->ratio_max = -G_MAXDOUBLE;
  rb_jack_rt_init (&rt, c->record ? RB_JACK_RECORD : RB_JACK_PLAY);
  rt.n_ports = 1;
  rt.max_fill = c->max_fill;
  if (c->resample) {
    const char *why = NULL;

    rt.rs = rb_jack_resampler_new (1, &why);
    g_assert_nonnull (rt.rs);
    rt.rate = RATE;
    rb_jack_drift_init (&rt.drift, RATE);
    atomic_store (&rt.target, TARGET);
    atomic_store (&rt.skip_above, c->record ? 0 : 2 * TARGET + PERIOD);
    atomic_store (&rt.resampling, true);
  }
  atomic_store (&rt.ring, ring);
  if (c->record) {
    /* the consumer starts with the target's worth already recorded,
     * as a live consumer waits for its first buffers */
    peer_done = 0;
  }

  for (guint64 k = 0; k < cycles; k++) {
    /* the peer's time: this cycle's start */
    double t = (double) k * PERIOD / RATE;
    guint64 due = (guint64) (t * peer_rate);

    /* JACK's cycle times, on the one timeline (CLOCK_MONOTONIC, with
     * rt.clock_offset_ns 0), from T0_S: the time of the peer's stamps */
    cyc.frames = (jack_nframes_t) (k * PERIOD);
    cyc.usecs = (jack_time_t) llround ((T0_S + t) * 1e6);
    cyc.next_usecs = (jack_time_t) llround ((T0_S + (double) (k + 1) *
            PERIOD / RATE) * 1e6);
    gboolean dropped = c->xrun_cycles != 0 &&
        k >= cycles / 2 && k < cycles / 2 + c->xrun_cycles;

    if (c->ff && t >= c->ff_at_s) {
      /* the peer's rate and JACK's, both per second of the one clock */
      double ff = rb_jack_drift_feed_forward (!c->record, peer_rate, RATE);

      atomic_store (&rt.feed_forward_ppb,
          (gint64) llround ((ff + c->ff_err_ppm * 1e-6) * 1e9));
    }
    if (k == lock_cycle) {
      at_lock[0] = get (&rt.skipped_frames);
      at_lock[1] = get (&rt.silent_frames);
      at_lock[2] = get (&rt.dropped_frames);
      rec_lock = n_rec;
    }
    if (!c->record) {
      /* the producer, ahead of play by its first 1500 frames */
      while (peer_done + BLOCK <= due + 1500) {
        for (int i = 0; i < BLOCK; i++)
          blk[i] = tone (peer_done + (guint64) i, f_src);
        if (rb_ring_write_frames (ring, blk, BLOCK) < BLOCK) {
          if (k >= lock_cycle)
            r->peer_short++;
          break;
        }
        peer_done += BLOCK;
        /* the producer's clock: the block was due when its clock reached
         * its end (less the 1500 ahead); a paced thread stamps so */
        if (c->peer_stamps)
          rb_ring_stamp_producer (ring, rb_ring_get_write_position (ring),
              peer_ns ((double) peer_done - 1500, peer_rate));
      }
    }
    if (dropped) {
      /* an xrun: JACK lost these cycles; the xrun callback counts it */
      if (k == cycles / 2)
        atomic_fetch_add (&rt.xrun_count, 1);
      continue;
    }
    if (c->record)
      for (int i = 0; i < PERIOD; i++)
        port[i] = tone (k * PERIOD + (guint64) i, f_src);
    rb_jack_rt_cycle (&rt, bufs, PERIOD, &cyc);
    if (!c->record) {
      if (n_rec + PERIOD <= cap) {
        memcpy (rec + n_rec, port, sizeof port);
        n_rec += PERIOD;
      }
    } else {
      /* the consumer, at its pace, after a start-up of the target's
       * length */
      while (t > (double) TARGET / RATE &&
          peer_done + BLOCK <= due - (guint64) TARGET) {
        gsize got = rb_ring_read_frames (ring, blk, BLOCK);
        if (got < BLOCK) {
          if (k >= lock_cycle)
            r->peer_short++;
          if (got == 0)
            break;
        }
        if (n_rec + got <= cap) {
          memcpy (rec + n_rec, blk, got * sizeof (float));
          n_rec += got;
        }
        peer_done += got;
        /* the consumer's clock: it read the block when its clock reached
         * the block's end (plus the target it waits behind) */
        if (c->peer_stamps)
          rb_ring_stamp_consumer (ring, rb_ring_get_read_position (ring),
              peer_ns ((double) (peer_done + TARGET), peer_rate));
      }
    }
    if (c->resample) {
      double dev = (double) get (&rt.smoothed_fill_uf) / 1e6 - TARGET;
      int sign = dev > PERIOD ? 1 : dev < -PERIOD ? -1 : 0;

      if (g_getenv ("SIM_TRACE") && (k % 375 == 0 || (sign != 0 && sign != last_sign)))
        g_printerr ("t=%.0f c=%.1fppm int=%.1fppm dev=%.1f staged=%zu\n", t,
            rt.drift.correction * 1e6, rt.drift.integral * 1e6, dev,
            rt.rs->staged);
      if (sign != 0)
        r->lock_s = t;
      if (sign != 0 && sign != last_sign && k >= lock_cycle)
        r->sign_changes++;
      if (sign != 0)
        last_sign = sign;
      if (k >= lock_cycle)
        r->fill_dev_max = MAX (r->fill_dev_max, fabs (dev));
      if (k >= cycles / 2) {
        double ppm = (rt.drift.correction - rb_jack_drift_feed_forward (
            !c->record, peer_rate, RATE)) * 1e6;

        r->ratio_min = MIN (r->ratio_min, ppm);
        r->ratio_max = MAX (r->ratio_max, ppm);
        r->ratio_sum += ppm;
        r->ratio_sum2 += ppm * ppm;
        r->ratio_n++;
      }
    }
  }
  r->integral_end = rt.drift.integral * 1e6;
  if (r->ratio_min > r->ratio_max)
    r->ratio_min = r->ratio_max = 0;
  if (r->ratio_n > 0) {
    double mean = r->ratio_sum / (double) r->ratio_n;

    r->ratio_rms = sqrt (MAX (0, r->ratio_sum2 / (double) r->ratio_n -
        mean * mean));
  }
  r->changed = (get (&rt.skipped_frames) - at_lock[0]) +
      (get (&rt.silent_frames) - at_lock[1]) +
      (get (&rt.dropped_frames) - at_lock[2]);
  /* play: the producer's tone, (1 + ppm) fast in real time, in JACK's
   * frames; record: JACK's tone read (1 + ppm) fast */
  tone_check (rec + rec_lock, n_rec - rec_lock, c->record ?
      f_src / (1 + c->ppm * 1e-6) : f_src * (1 + c->ppm * 1e-6), r);
  g_test_message ("%s at %+.0f ppm%s: lock %.2f s, fill deviation after "
      "lock-in at most %.1f frames, ratio %+.1f ppm, %" G_GUINT64_FORMAT
      " frames skipped/inserted/dropped after lock-in (%" G_GUINT64_FORMAT
      " skipped, %" G_GUINT64_FORMAT " silent, %" G_GUINT64_FORMAT
      " dropped in all), peer short %" G_GUINT64_FORMAT
      " times; tone: THD+N %.1f dB, worst block %.1f dB at %.2f s; "
      "correction minus the drift in the second half %+.1f..%+.1f ppm "
      "(RMS %.1f ppm), integral at the end %+.2f ppm",
      c->record ? "record" : "play", c->ppm,
      !c->resample ? " (no resampling)" : !c->ff ? "" :
      c->ff_at_s > 0 ? " (feed-forward after lock)" : " (feed-forward)",
      r->lock_s, r->fill_dev_max,
      (double) atomic_load (&rt.correction_ppb) * 1e-3, r->changed,
      get (&rt.skipped_frames), get (&rt.silent_frames),
      get (&rt.dropped_frames), r->peer_short, r->thdn_db, r->worst_db,
      r->worst_at_s + LOCK_S, r->ratio_min, r->ratio_max, r->ratio_rms, r->integral_end);
  rb_jack_resampler_free (rt.rs);
  g_object_unref (ring);
  g_free (rec);
}

static void
assert_held (const Result *r)
{
  g_assert_cmpfloat (r->fill_dev_max, <=, PERIOD);
  g_assert_cmpuint (r->changed, ==, 0);
  g_assert_cmpuint (r->peer_short, ==, 0);
  g_assert_cmpfloat (r->worst_db, <, -60);
  g_assert_cmpfloat (r->thdn_db, <=, -90);
}

/* The measured drift arrives at 20 s, long after lock, 3 ppm off the
 * truth: the correction must not step (bumpless transfer), so the fill
 * stays within a period; at the end the integral holds only the
 * measurement's error, give or take the loop's wobble (it would hold
 * twice the drift with the feed-forward's sign wrong, or the drift with
 * it double-counted). */
static void
assert_integral_holds_error (const Case *c, const Result *r)
{
  g_assert_cmpfloat (fabs (r->integral_end + c->ff_err_ppm), <,
      10 + fabs (c->ppm) / 20);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  Result r;

  run (c, &r);
  assert_held (&r);
  /* issue #13: locked within 10 s of a cold start */
  g_assert_cmpfloat (r.lock_s, <, LOCK_S);
  if (c->ff)
    assert_integral_holds_error (c, &r);
}

/* Without the resampler, the bound of --latency must skip, and the tone
 * must break: the checks above can fail. */
/* not built in at other periods than 64 (main()) */
G_GNUC_UNUSED static void
test_negative (void)
{
  Case c = { .ppm = 200, .resample = FALSE, .max_fill = TARGET };
  Result r;

  run (&c, &r);
  g_assert_cmpuint (r.changed, >, 0);
  g_assert_cmpfloat (r.worst_db, >, -60);
}

/* An xrun of 12 cycles (16 ms) at 30 s: the fill jumps by 768 frames; it
 * must come back within a period and stay, crossing the band at most once
 * more (no oscillation), with nothing skipped. */
/* not built in at other periods than 64 (main()) */
G_GNUC_UNUSED static void
test_xrun (void)
{
  Case c = { .ppm = 200, .resample = TRUE, .xrun_cycles = 12 };
  Result r;

  run (&c, &r);
  g_assert_cmpuint (r.changed, ==, 0);
  g_assert_cmpuint (r.peer_short, ==, 0);
  /* after lock-in, out of the band above after the xrun, and never
   * below: no overshoot */
  g_assert_cmpuint (r.sign_changes, <=, 1);
  g_assert_cmpfloat (r.lock_s, <, SECONDS / 2 + 10);
}

/* Play at +200 ppm: the fill's measurement beats against the producer's
 * 32-frame blocks, and the loop passes that on as pitch wobble. With the
 * measured drift the loop is slower: the wobble (the correction's RMS
 * deviation in the second half) must shrink by at least half and THD+N reach -90 dB (issue #13's mark). */
static void
test_ff_wobble (void)
{
  Case plain = { .ppm = 200, .resample = TRUE };
  Case ff = { .ppm = 200, .resample = TRUE, .ff = TRUE, .ff_at_s = 0,
    .ff_err_ppm = 3 };
  Result a, b;

  run (&plain, &a);
  run (&ff, &b);
  assert_held (&b);
  g_assert_cmpfloat (b.lock_s, <, LOCK_S);
  assert_integral_holds_error (&ff, &b);
  g_assert_cmpfloat (b.ratio_rms, <, a.ratio_rms / 2);
  g_assert_cmpfloat (b.thdn_db, <=, -90);
}

/* The peer's blocks (jack/rt.c, peer_phase()): the peer stamps each
 * block with its clock, as a paced thread's ring does, so play and
 * record can read at each cycle's start where it stands between its
 * blocks, and the beat of its blocks against JACK's periods no longer
 * reaches the ratio. Against the same run without the stamps (the fill
 * the positions give), the correction's wobble around the drift (its RMS
 * deviation in the second half) must shrink by at least half, with
 * everything else held as before. */
static void
test_peer_blocks (gconstpointer data)
{
  const Case *c = data;
  Case without = *c;
  Result a, b;

  without.peer_stamps = FALSE;
  run (&without, &a);
  run (c, &b);
  g_test_message ("the ratio's wobble (RMS around the drift): %.1f ppm "
      "from the positions, %.1f ppm with the peer's loop; THD+N %.1f -> "
      "%.1f dB", a.ratio_rms, b.ratio_rms, a.thdn_db, b.thdn_db);
  assert_held (&b);
  g_assert_cmpfloat (b.lock_s, <, LOCK_S);
  if (c->ff)
    assert_integral_holds_error (c, &b);
  g_assert_cmpfloat (b.ratio_rms, <, a.ratio_rms / 2);
}

int
main (int argc, char **argv)
{
  static const Case cases[] = {
    { .ppm = 200, .resample = TRUE },
    { .ppm = -200, .resample = TRUE },
    { .ppm = 2000, .resample = TRUE },
    { .ppm = -2000, .resample = TRUE },
    { .ppm = 10000, .resample = TRUE },
    { .ppm = -10000, .resample = TRUE },
    { .ppm = 200, .record = TRUE, .resample = TRUE },
    { .ppm = -200, .record = TRUE, .resample = TRUE },
    { .ppm = 2000, .record = TRUE, .resample = TRUE },
    { .ppm = -2000, .record = TRUE, .resample = TRUE },
  };
  static const Case ff_cases[] = {
    { .ppm = 200, .resample = TRUE, .ff = TRUE, .ff_at_s = 20,
      .ff_err_ppm = 3 },
    { .ppm = -2000, .resample = TRUE, .ff = TRUE, .ff_at_s = 20,
      .ff_err_ppm = 3 },
    { .ppm = -2000, .record = TRUE, .resample = TRUE, .ff = TRUE,
      .ff_at_s = 20, .ff_err_ppm = 3 },
    { .ppm = 200, .record = TRUE, .resample = TRUE, .ff = TRUE,
      .ff_at_s = 20, .ff_err_ppm = 3 },
  };

  static const Case block_cases[] = {
    { .ppm = 200, .resample = TRUE, .peer_stamps = TRUE },
    { .ppm = -2000, .resample = TRUE, .peer_stamps = TRUE },
    { .ppm = 200, .record = TRUE, .resample = TRUE, .peer_stamps = TRUE },
#if PERIOD == 64
    /* at 1024 frames a cold start with the feed-forward's slower loop is
     * still settling in the second half (from 2624 frames short of the
     * target), which is what the RMS would measure there */
    { .ppm = 200, .resample = TRUE, .ff = TRUE, .ff_at_s = 0,
      .ff_err_ppm = 3, .peer_stamps = TRUE },
#endif
  };

  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *path = g_strdup_printf ("/clocks/jack-sim/%s/%+d",
        cases[i].record ? "record" : "play", (int) cases[i].ppm);
    g_test_add_data_func (path, &cases[i], test_case);
  }
#if PERIOD == 64
  /* sized for 64-frame periods: the control's ring overflows within the
   * minute, and the xrun's 12 lost cycles stay under the skip threshold
   * (at 1024 frames they are 12,288 frames, and play rightly skips) */
  g_test_add_func ("/clocks/jack-sim/play/+200-without-resampling",
      test_negative);
  g_test_add_func ("/clocks/jack-sim/play/+200-xrun", test_xrun);
#endif
  for (gsize i = 0; i < G_N_ELEMENTS (ff_cases); i++) {
    g_autofree gchar *path = g_strdup_printf (
        "/clocks/jack-sim/%s/%+d-feed-forward-after-lock",
        ff_cases[i].record ? "record" : "play", (int) ff_cases[i].ppm);
    g_test_add_data_func (path, &ff_cases[i], test_case);
  }
  g_test_add_func ("/clocks/jack-sim/play/+200-feed-forward-wobble",
      test_ff_wobble);
  for (gsize i = 0; i < G_N_ELEMENTS (block_cases); i++) {
    g_autofree gchar *path = g_strdup_printf (
        "/clocks/jack-sim/%s/%+d%s-peer-blocks",
        block_cases[i].record ? "record" : "play", (int) block_cases[i].ppm,
        block_cases[i].ff ? "-feed-forward" : "");
    g_test_add_data_func (path, &block_cases[i], test_peer_blocks);
  }
  return g_test_run ();
}
