/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's resampler (jack/resample.c) on its own: one
 * libsamplerate converter serves every channel, fed interleaved from the
 * per-channel stage and read back into per-channel buffers. Each channel
 * carries a tone of its own frequency and level, and must come out with
 * that tone, at the frequency the ratio makes, clean (THD+N), whatever the
 * channel count and however the calls are cut: a channel swapped, shifted
 * or smeared into its neighbour fails the fit. And the count of input
 * still waiting, which the control loop adds to the ring's fill, must
 * include what the converter took into its own buffer. */

#include "resample.h"

#include <glib.h>
#include <math.h>

#include "sine-fit.h"

#define RATE 48000.0
#define RATIO 1.0005
#define SECONDS 2.0
/* the filter's warm-up and the ratio's settling, left out of the fit */
#define SKIP 12000

typedef struct {
  unsigned channels;
  gboolean from_caller;         /* record's way in: the input in the call */
} Case;

static double
tone_hz (unsigned c)
{
  return 440.0 * (c + 1) + 37.0 * c;
}

static double
tone_level (unsigned c)
{
  return 0.5 / (c + 1);
}

static void
test_channels_keep_their_tones (gconstpointer data)
{
  const Case *tc = data;
  const unsigned channels = tc->channels;
  const char *why = NULL;
  RbJackResampler *rs = rb_jack_resampler_new (channels, &why);
  size_t total = (size_t) (SECONDS * RATE * RATIO) + 1024;
  float **got = g_new0 (float *, channels);
  float **chunk = g_new0 (float *, channels);
  float **outp = g_new0 (float *, channels);
  GRand *rand = g_rand_new_with_seed (channels * 7 + tc->from_caller);
  size_t in_pos = 0, made = 0;
  uint64_t lost = 0;

  g_assert_nonnull (rs);
  g_assert_null (why);
  for (unsigned c = 0; c < channels; c++) {
    got[c] = g_new0 (float, total);
    chunk[c] = g_new0 (float, 1100);
  }

  /* Calls cut at random, the way rt.c makes them: play asks for a
   * period of output and stages what that needs first; record gives a
   * period of input and takes all it makes. */
  while (in_pos < (size_t) (SECONDS * RATE)) {
    size_t period = (size_t) g_rand_int_range (rand, 16, 1025);
    size_t n_in, n_out;

    if (tc->from_caller) {
      n_in = period;
      n_out = MIN (rs->out_cap, total - made);
    } else {
      size_t want = (size_t) ((double) period / RATIO) + 4;

      n_in = want > rs->staged ? want - rs->staged : 0;
      n_out = MIN (period, total - made);
    }
    if (n_out < period)
      break;
    for (unsigned c = 0; c < channels; c++)
      for (size_t i = 0; i < n_in; i++)
        chunk[c][i] = (float) (tone_level (c) * sin (2 * G_PI * tone_hz (c)
                / RATE * (double) (in_pos + i)));
    if (!tc->from_caller) {
      /* play's way in: read straight into the stage */
      for (unsigned c = 0; c < channels; c++)
        memcpy (rs->stage[c] + rs->staged, chunk[c], n_in * sizeof (float));
      rs->staged += n_in;
    }
    for (unsigned c = 0; c < channels; c++)
      outp[c] = got[c] + made;
    made += rb_jack_resampler_process (rs, RATIO,
        tc->from_caller ? (const float *const *) chunk : NULL,
        tc->from_caller ? n_in : 0, outp, n_out, &lost);
    in_pos += n_in;
  }
  g_assert_cmpuint (lost, ==, 0);
  /* every frame in came out at the ratio, but for what is still staged
   * and what the converter holds (its filter and look-ahead: 69 frames
   * when this was written) */
  g_test_message ("%zu frames in, %zu out, %zu staged", in_pos, made,
      rs->staged);
  g_assert_cmpfloat (fabs ((double) made - (double) (in_pos - rs->staged) *
          RATIO), <, 256);
  g_assert_cmpuint (made, >, SKIP + 32768);

  for (unsigned c = 0; c < channels; c++) {
    double p[3], tone;
    double w = 2 * G_PI * tone_hz (c) / RATE / RATIO;
    double res = sine_fit3 (got[c] + SKIP, 32768, w, p, &tone);
    double level = hypot (p[0], p[1]);
    double thdn = 10 * log10 (res / tone);

    g_test_message ("%u channels, channel %u: %.1f Hz at %.4f, "
        "THD+N %.1f dB", channels, c, tone_hz (c) / RATIO, level, thdn);
    g_assert_cmpfloat (fabs (level - tone_level (c)), <,
        0.01 * tone_level (c));
    g_assert_cmpfloat (thdn, <, -90.0);
  }

  for (unsigned c = 0; c < channels; c++) {
    g_free (got[c]);
    g_free (chunk[c]);
  }
  g_free (got);
  g_free (chunk);
  g_free (outp);
  g_rand_free (rand);
  rb_jack_resampler_free (rs);
}

/* rb_jack_resampler_waiting() counts every input frame not yet output,
 * including what libsamplerate took into its own buffer (resample.h).
 * The input is a ramp (a sawtooth of 4096 frames, linear between its
 * wraps, which the filter reproduces exactly), so the value of the last
 * frame out says where the filter stands in the input; everything given
 * after that waits. Without the converter's part, the count is off by up
 * to a period and more. */
typedef struct {
  size_t period;
  double ratio;
} HoldCase;

static void
test_waiting_counts_the_converter (gconstpointer data)
{
  const HoldCase *hc = data;
  const char *why = NULL;
  RbJackResampler *rs = rb_jack_resampler_new (1, &why);
  float *out[1] = { g_new0 (float, hc->period) };
  uint64_t lost = 0, given = 0;
  double worst = 0, most = 0;
  guint checked = 0;

  for (int k = 0; k < 4000; k++) {
    size_t want = (size_t) ((double) hc->period / hc->ratio) + 4;
    size_t n = want > rs->staged ? want - rs->staged : 0;

    for (size_t i = 0; i < n; i++)
      rs->stage[0][rs->staged + i] = (float) ((given + i) % 4096) / 4096.0f;
    rs->staged += n;
    given += n;
    size_t made = rb_jack_resampler_process (rs, hc->ratio, NULL, 0, out,
        hc->period, &lost);

    /* the first call makes less: the filter's history fills first */
    if (k < 10)
      continue;
    g_assert_cmpuint (made, ==, hc->period);
    /* where the filter stands: the last output's value on the ramp */
    double at = out[0][made - 1] * 4096.0;
    double last_in = (double) ((given - 1) % 4096);
    double truth = fmod (last_in - at + 8192.0, 4096.0);

    /* away from a wrap, where the ramp is a straight line (the filter
     * spans a few dozen frames of input around where it stands) */
    double near = fmod (last_in - rb_jack_resampler_waiting (rs) + 8192.0,
        4096.0);
    if (at < 64 || at > 4096 - 64 || near < 64 || near > 4096 - 64)
      continue;
    worst = MAX (worst, fabs (rb_jack_resampler_waiting (rs) - truth));
    most = MAX (most, truth);
    checked++;
  }
  g_test_message ("%zu-frame periods at %+.0f ppm: up to %.1f frames wait "
      "(%zu staged at the end), counted to within %.2f; %u calls checked",
      hc->period, (1 / hc->ratio - 1) * 1e6, most, rs->staged, worst,
      checked);
  g_assert_cmpuint (checked, >, 3000);
  g_assert_cmpfloat (worst, <, 1.0);
  /* the case is worth its salt: the converter did hold input */
  g_assert_cmpfloat (most, >, 2.0 * (double) rs->staged + 40);
  g_assert_cmpuint (lost, ==, 0);
  g_free (out[0]);
  rb_jack_resampler_free (rs);
}

/* What does not fit in the stage is dropped and counted, never written
 * past it. */
static void
test_overflow_is_counted (void)
{
  const char *why = NULL;
  RbJackResampler *rs = rb_jack_resampler_new (2, &why);
  size_t n = rs->stage_cap + 100;
  float *a = g_new0 (float, n), *b = g_new0 (float, n);
  const float *in[2] = { a, b };
  float *out[2] = { rs->out[0], rs->out[1] };
  uint64_t lost = 0;

  rb_jack_resampler_process (rs, 1.0, in, n, out, 0, &lost);
  g_assert_cmpuint (lost, ==, 100);
  g_assert_cmpuint (rs->staged, ==, rs->stage_cap);
  g_free (a);
  g_free (b);
  rb_jack_resampler_free (rs);
}

int
main (int argc, char **argv)
{
  static const Case cases[] = {
    { 1, FALSE }, { 2, FALSE }, { 3, FALSE }, { 6, FALSE },
    { 1, TRUE }, { 2, TRUE }, { 8, TRUE },
  };

  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    char *path = g_strdup_printf ("/jack/resample/%s/%u-channels",
        cases[i].from_caller ? "record" : "play", cases[i].channels);
    g_test_add_data_func (path, &cases[i], test_channels_keep_their_tones);
    g_free (path);
  }
  static const HoldCase holds[] = {
    { 64, 1 / 1.0002 }, { 1024, 1 / 1.0002 }, { 1024, 1 / 0.9998 },
    { 256, 1 / 1.02 }, { 256, 1 / 0.98 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (holds); i++) {
    char *path = g_strdup_printf ("/jack/resample/waiting/%zu-frames-%+.0f-ppm",
        holds[i].period, (1 / holds[i].ratio - 1) * 1e6);
    g_test_add_data_func (path, &holds[i], test_waiting_counts_the_converter);
    g_free (path);
  }
  g_test_add_func ("/jack/resample/overflow-is-counted",
      test_overflow_is_counted);
  return g_test_run ();
}
