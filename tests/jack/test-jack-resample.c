/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's resampler (jack/resample.c) on its own: one
 * libsamplerate converter serves every channel, fed interleaved from the
 * per-channel stage and read back into per-channel buffers. Each channel
 * carries a tone of its own frequency and level, and must come out with
 * that tone, at the frequency the ratio makes, clean (THD+N), whatever the
 * channel count and however the calls are cut: a channel swapped, shifted
 * or smeared into its neighbour fails the fit. */

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
  g_test_add_func ("/jack/resample/overflow-is-counted",
      test_overflow_is_counted);
  return g_test_run ();
}
