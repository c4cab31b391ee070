/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Which variable-ratio resampler ringbridge-jack uses, chosen by
 * measurement (issue #13, docs/clocks.md). For each candidate:
 *
 *   - a 1 kHz sine at 48 kHz (-6 dBFS, float, 2 channels) is resampled in
 *     64-frame output periods, the way the JACK process callback would;
 *   - the ratio moves slowly (a step per period) from 1 to the target
 *     (1 +- 200 ppm, 1 +- 1 %) over one second, then holds; or, in the
 *     last two cases, steps 1 ppm up and back each period, as a control
 *     loop's ratio does, around +200 ppm and across 1;
 *   - THD+N: a sine fit (IEEE 1241's 3-parameter fit, frequency refined by
 *     a golden-section search) on 32768 output frames once the ratio has
 *     held for half a second; everything the fit does not explain is noise
 *     and distortion, in dB relative to the tone;
 *   - CPU: each period's process call(s), timed with CLOCK_MONOTONIC,
 *     median and p99 over every period of the run (ramp included);
 *   - allocation: this program interposes malloc, calloc, realloc and
 *     free and counts the calls made inside the process calls once the
 *     first second (the warm-up) has passed, ramp included;
 *   - the ratios it accepts: whether a ratio of 1 +- 1 % is taken.
 *
 * The candidates: libsamplerate, soxr's variable-rate mode, speexdsp,
 * and where built with them GStreamer's GstAudioResampler and
 * zita-resampler's VResampler (zita-shim.cc).
 *
 * Not a test (no timed assertion): `resample-bench [--quick]` prints a
 * Markdown table. */

#include <math.h>
#include <samplerate.h>
#include <soxr.h>
#include <speex/speex_resampler.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-common.h"
#include "bench-stats.h"
#include "sine-fit.h"

#ifdef HAVE_GST_RESAMPLER
#include <gst/audio/audio.h>
/* GstAudioResampler takes its ratio as two integer rates: the input's is
 * this, the output's this times the ratio (a step of 0.2 ppm) */
#define GST_IN_RATE 4800000
#endif
#ifdef HAVE_ZITA
#include "zita-shim.h"
#endif

#define RATE 48000.0
#define TONE 1000.0
#define PERIOD 64
#define CHANNELS 2
#define FIT_LEN 32768
#define MAX_IN (PERIOD * 4 + 64)

/* --- counting allocations ------------------------------------------------ */

extern void *__libc_malloc (size_t);
extern void *__libc_calloc (size_t, size_t);
extern void *__libc_realloc (void *, size_t);
extern void __libc_free (void *);

static bool counting;
static unsigned long n_alloc_calls;

void *
malloc (size_t n)
{
  if (counting)
    n_alloc_calls++;
  return __libc_malloc (n);
}

void *
calloc (size_t a, size_t b)
{
  if (counting)
    n_alloc_calls++;
  return __libc_calloc (a, b);
}

void *
realloc (void *p, size_t n)
{
  if (counting)
    n_alloc_calls++;
  return __libc_realloc (p, n);
}

void
free (void *p)
{
  if (counting && p != NULL)
    n_alloc_calls++;
  __libc_free (p);
}

/* --- the candidates ------------------------------------------------------ */

typedef struct {
  const char *name;
  int kind;                     /* 0 libsamplerate, 1 soxr, 2 speex,
                                 * 3 GstAudioResampler, 4 zita */
  int quality;                  /* zita: the filter's half length */
  SRC_STATE *src;
  soxr_t soxr;
  SpeexResamplerState *speex;
#ifdef HAVE_GST_RESAMPLER
  GstAudioResampler *gst;
#endif
#ifdef HAVE_ZITA
  RbZita *zita;
#endif
} Cand;

/* @ratio: output frames per input frame (libsamplerate's convention) */
static bool
cand_open (Cand *c, double ratio)
{
  int err = 0;

  switch (c->kind) {
    case 0:
      c->src = src_new (c->quality, CHANNELS, &err);
      return c->src != NULL;
    case 1: {
      soxr_quality_spec_t q = soxr_quality_spec (c->quality, SOXR_VR);
      soxr_error_t e;

      /* VR mode: the first argument is the largest io ratio to come */
      c->soxr = soxr_create (2.0, 1.0, CHANNELS, &e, NULL, &q, NULL);
      if (c->soxr == NULL)
        return false;
      return soxr_set_io_ratio (c->soxr, 1.0 / ratio, 0) == NULL;
    }
#ifdef HAVE_GST_RESAMPLER
    case 3: {
      /* Kaiser at the given quality, its filter interpolated (cubic) as
       * GST_AUDIO_RESAMPLER_FLAG_VARIABLE_RATE asks: the table does not
       * depend on the ratio */
      GstStructure *o = gst_structure_new_empty ("options");
      int out_rate = (int) llround (GST_IN_RATE * ratio);

      gst_audio_resampler_options_set_quality (
          GST_AUDIO_RESAMPLER_METHOD_KAISER, (guint) c->quality, GST_IN_RATE,
          out_rate, o);
      gst_structure_set (o, GST_AUDIO_RESAMPLER_OPT_FILTER_MODE,
          GST_TYPE_AUDIO_RESAMPLER_FILTER_MODE,
          GST_AUDIO_RESAMPLER_FILTER_MODE_INTERPOLATED,
          GST_AUDIO_RESAMPLER_OPT_FILTER_INTERPOLATION,
          GST_TYPE_AUDIO_RESAMPLER_FILTER_INTERPOLATION,
          GST_AUDIO_RESAMPLER_FILTER_INTERPOLATION_CUBIC, NULL);
      c->gst = gst_audio_resampler_new (GST_AUDIO_RESAMPLER_METHOD_KAISER,
          GST_AUDIO_RESAMPLER_FLAG_VARIABLE_RATE, GST_AUDIO_FORMAT_F32,
          CHANNELS, GST_IN_RATE, out_rate, o);
      gst_structure_free (o);
      return c->gst != NULL;
    }
#endif
#ifdef HAVE_ZITA
    case 4:
      c->zita = rb_zita_new (ratio, CHANNELS, (unsigned) c->quality);
      return c->zita != NULL;
#endif
    default:
      c->speex = speex_resampler_init_frac (CHANNELS, 65536, 65536,
          48000, 48000, c->quality, &err);
      return c->speex != NULL;
  }
}

static void
cand_close (Cand *c)
{
  if (c->src)
    src_delete (c->src);
  if (c->soxr)
    soxr_delete (c->soxr);
  if (c->speex)
    speex_resampler_destroy (c->speex);
#ifdef HAVE_GST_RESAMPLER
  if (c->gst)
    gst_audio_resampler_free (c->gst);
  c->gst = NULL;
#endif
#ifdef HAVE_ZITA
  if (c->zita)
    rb_zita_free (c->zita);
  c->zita = NULL;
#endif
  c->src = NULL;
  c->soxr = NULL;
  c->speex = NULL;
}

/* whether the candidate takes @ratio; -1: an error */
static bool
cand_set_ratio (Cand *c, double ratio)
{
  switch (c->kind) {
    case 0:
      return src_is_valid_ratio (ratio);   /* given to src_process */
    case 1:
      /* slew over one period: the change is spread, not a step */
      return soxr_set_io_ratio (c->soxr, 1.0 / ratio, PERIOD) == NULL;
#ifdef HAVE_GST_RESAMPLER
    case 3:
      /* recomputes the filter table (resampler_calculate_taps) */
      return gst_audio_resampler_update (c->gst, GST_IN_RATE,
          (int) llround (GST_IN_RATE * ratio), NULL);
#endif
#ifdef HAVE_ZITA
    case 4:
      /* opened at 1: the ratio is relative to that */
      rb_zita_set_ratio (c->zita, ratio);
      return true;
#endif
    default: {
      /* in/out as a fraction of two integers. The denominator must stay
       * under 2^16: on a change speexdsp scales its phase by new/old
       * denominator in 32 bits and fails with RESAMPLER_ERR_OVERFLOW
       * (a denominator of 10^6 fails within 50 periods of a ramp). So
       * its ratio moves in steps of 1/65536, 15 ppm. */
      uint32_t num = (uint32_t) llround (65536.0 / ratio);
      return speex_resampler_set_rate_frac (c->speex, num, 65536u,
          48000, 48000) == 0;
    }
  }
}

/* one call: consumes up to *in_len frames, makes up to *out_len */
static bool
cand_process (Cand *c, double ratio, const float *in, size_t *in_len,
    float *out, size_t *out_len)
{
  switch (c->kind) {
    case 0: {
      SRC_DATA d = {
        .data_in = in, .data_out = out,
        .input_frames = (long) *in_len, .output_frames = (long) *out_len,
        .src_ratio = ratio,
      };
      if (src_process (c->src, &d) != 0)
        return false;
      *in_len = (size_t) d.input_frames_used;
      *out_len = (size_t) d.output_frames_gen;
      return true;
    }
    case 1: {
      size_t idone = 0, odone = 0;
      if (soxr_process (c->soxr, in, *in_len, &idone, out, *out_len,
              &odone) != NULL)
        return false;
      *in_len = idone;
      *out_len = odone;
      return true;
    }
#ifdef HAVE_GST_RESAMPLER
    case 3: {
      /* It takes exact counts, input first (as GstAudioConverter calls
       * it): the input that makes at most the output wanted. */
      size_t n = gst_audio_resampler_get_in_frames (c->gst, *out_len);
      size_t out_n;

      if (n > *in_len)
        n = *in_len;
      out_n = gst_audio_resampler_get_out_frames (c->gst, n);
      while (n > 0 && out_n > *out_len)
        out_n = gst_audio_resampler_get_out_frames (c->gst, --n);
      gpointer ins[1] = { (gpointer) in }, outs[1] = { out };
      gst_audio_resampler_resample (c->gst, ins, n, outs, out_n);
      *in_len = n;
      *out_len = out_n;
      return true;
    }
#endif
#ifdef HAVE_ZITA
    case 4:
      rb_zita_process (c->zita, in, in_len, out, out_len);
      return true;
#endif
    default: {
      spx_uint32_t il = (spx_uint32_t) *in_len, ol = (spx_uint32_t) *out_len;
      if (speex_resampler_process_interleaved_float (c->speex, in, &il, out,
              &ol) != 0)
        return false;
      *in_len = il;
      *out_len = ol;
      return true;
    }
  }
}

/* --- THD+N by sine fit ----------------------------------------------------- */

static double
fit_residual (const float *x, size_t n, double w, double *tone_power)
{
  double p[3], tone;
  double res = sine_fit3 (x, n, w, p, &tone);

  if (tone_power)
    *tone_power = tone;
  return res;
}

static double
thd_n_db (const float *x, size_t n, double w0)
{
  /* golden section on the frequency, +-0.1 % around the expected one */
  double lo = w0 * 0.999, hi = w0 * 1.001, g = (sqrt (5) - 1) / 2;
  double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  double fa = fit_residual (x, n, a, NULL), fb = fit_residual (x, n, b, NULL);
  double tone;

  for (int i = 0; i < 60; i++) {
    if (fa < fb) {
      hi = b; b = a; fb = fa; a = hi - g * (hi - lo);
      fa = fit_residual (x, n, a, NULL);
    } else {
      lo = a; a = b; fa = fb; b = lo + g * (hi - lo);
      fb = fit_residual (x, n, b, NULL);
    }
  }
  double res = fit_residual (x, n, (lo + hi) / 2, &tone);
  return 10 * log10 (res / tone);
}

/* --- one run --------------------------------------------------------------- */

typedef struct {
  double thdn_db;
  double median_ns, p99_ns;
  unsigned long allocs;
  bool ok;
} Result;

static Result
run (Cand *c, double target, double wobble, double seconds)
{
  Result res = { .ok = false };
  size_t periods = (size_t) (seconds * RATE / PERIOD);
  size_t ramp = (size_t) (RATE / PERIOD);       /* one second */
  size_t fit_start = periods - FIT_LEN / PERIOD;
  double *ns = malloc (periods * sizeof *ns);
  float *fit = malloc (FIT_LEN * sizeof *fit);
  float in[MAX_IN * CHANNELS], out[PERIOD * CHANNELS];
  size_t in_have = 0;
  uint64_t in_pos = 0;
  double ratio = 1.0;

  if (ns == NULL || fit == NULL) {
    fprintf (stderr, "%s: out of memory\n", c->name);
    goto out;
  }
  if (!cand_open (c, 1.0))
    goto out;
  for (size_t p = 0; p < periods; p++) {
    size_t made = 0;

    /* the ratio moves a step each period over the first second */
    ratio = 1.0 + (target - 1.0) * (p < ramp ? (double) p / ramp : 1.0);
    /* then, with @wobble, it steps up and back each period, as a control
     * loop's ratio does: the tone's frequency is unchanged on average,
     * and a resampler that takes a change smoothly stays clean */
    if (p >= ramp && p % 2 == 1)
      ratio += wobble;
    /* keep enough input staged for any candidate's next period */
    while (in_have < MAX_IN - 16) {
      double v = 0.5 * sin (2 * M_PI * TONE / RATE * (double) in_pos++);
      for (int ch = 0; ch < CHANNELS; ch++)
        in[in_have * CHANNELS + ch] = (float) v;
      in_have++;
    }
    counting = p >= ramp / 2;   /* after warm-up, ramp included */
    uint64_t t0 = now_ns ();
    if (!cand_set_ratio (c, ratio)) {
      counting = false;
      goto out;
    }
    while (made < PERIOD) {
      size_t il = in_have, ol = PERIOD - made;
      if (!cand_process (c, ratio, in, &il, out + made * CHANNELS, &ol)) {
        counting = false;
        goto out;
      }
      made += ol;
      memmove (in, in + il * CHANNELS, (in_have - il) * CHANNELS *
          sizeof (float));
      in_have -= il;
      if (ol == 0 && il == 0)
        break;                  /* wants more input than we stage */
    }
    ns[p] = (double) (now_ns () - t0);
    counting = false;
    if (made < PERIOD) {
      fprintf (stderr, "%s: period %zu made only %zu frames\n", c->name, p,
          made);
      goto out;
    }
    if (p >= fit_start)
      for (size_t i = 0; i < PERIOD; i++)
        fit[(p - fit_start) * PERIOD + i] = out[i * CHANNELS];
  }
  res.median_ns = bench_median (ns, periods);        /* sorts ns */
  res.p99_ns = bench_percentile (ns, periods, 99);
  /* output frequency: input frequency / ratio */
  res.thdn_db = thd_n_db (fit, FIT_LEN, 2 * M_PI * TONE / RATE /
      (target + wobble / 2));
  res.ok = true;
out:
  res.allocs = n_alloc_calls;
  n_alloc_calls = 0;
  cand_close (c);
  free (ns);
  free (fit);
  return res;
}

int
main (int argc, char **argv)
{
  bool quick = argc > 1 && strcmp (argv[1], "--quick") == 0;

#ifdef HAVE_GST_RESAMPLER
  gst_init (NULL, NULL);
#endif
  double seconds = quick ? 2.5 : 10.0;
  Cand cands[] = {
    { "libsamplerate SINC_FASTEST", 0, SRC_SINC_FASTEST, 0, 0, 0 },
    { "libsamplerate SINC_MEDIUM", 0, SRC_SINC_MEDIUM_QUALITY, 0, 0, 0 },
    { "soxr VR, QQ", 1, SOXR_QQ, 0, 0, 0 },
    { "soxr VR, LQ", 1, SOXR_LQ, 0, 0, 0 },
    { "soxr VR, MQ", 1, SOXR_MQ, 0, 0, 0 },
    { "soxr VR, HQ", 1, SOXR_HQ, 0, 0, 0 },
    { "speexdsp q3", 2, 3, 0, 0, 0 },
    { "speexdsp q5", 2, 5, 0, 0, 0 },
    { "speexdsp q8", 2, 8, 0, 0, 0 },
    { "speexdsp q10", 2, 10, 0, 0, 0 },
#ifdef HAVE_GST_RESAMPLER
    { "GstAudioResampler kaiser q4", 3, 4, 0, 0, 0 },
    { "GstAudioResampler kaiser q6", 3, 6, 0, 0, 0 },
#endif
#ifdef HAVE_ZITA
    { "zita VResampler hlen 16", 4, 16, 0, 0, 0 },
    { "zita VResampler hlen 32", 4, 32, 0, 0, 0 },
#endif
  };
  /* the last two: a loop's ratio, stepping 1 ppm up and back each
   * period, away from 1 and across it (two clocks that nearly agree) */
  double targets[] = { 1 - 200e-6, 1 + 200e-6, 1 - 0.01, 1 + 0.01,
    1 + 200e-6, 1 - 0.5e-6 };
  double wobbles[] = { 0, 0, 0, 0, 1e-6, 1e-6 };
  const char *tnames[] = { "-200 ppm", "+200 ppm", "-1 %", "+1 %",
    "+200 ppm, 1 ppm wobble", "1 +- 0.5 ppm wobble" };
  const size_t n_targets = sizeof targets / sizeof targets[0];

  printf ("%d-frame periods, %d channels, 1 kHz at 48 kHz, %.1f s per run\n\n",
      PERIOD, CHANNELS, seconds);
  printf ("| resampler | ratio | THD+N dB | ns/period median | p99 | "
      "alloc calls |\n|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
    for (size_t t = 0; t < n_targets; t++) {
      Result r = run (&cands[i], targets[t], wobbles[t], seconds);
      if (!r.ok) {
        printf ("| %s | %s | refused | | | %lu |\n", cands[i].name,
            tnames[t], r.allocs);
        continue;
      }
      printf ("| %s | %s | %.1f | %.0f | %.0f | %lu |\n", cands[i].name,
          tnames[t], r.thdn_db, r.median_ns, r.p99_ns, r.allocs);
      fflush (stdout);
    }
  return 0;
}
