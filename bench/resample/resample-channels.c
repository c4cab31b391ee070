/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Why ringbridge-jack's resampler uses one converter for all channels
 * (jack/resample.c, docs/clocks.md): the time of one call, the way the
 * process callback makes it (a period of output at +200 ppm, the stage
 * topped up first), for 1, 2, 4 and 8 channels,
 *
 *   - through rb_jack_resampler_process(), one SRC_SINC_FASTEST converter
 *     fed interleaved;
 *   - through one mono converter per channel, each given its channel's
 *     stage, as version 0.1 did.
 *
 * Not a test: `resample-channels [PERIOD]` prints a Markdown table of
 * medians over 20,000 calls, with the ratio. */

#include "bench-common.h"
#include "bench-stats.h"
#include "resample.h"

#include <samplerate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALLS 20000
#define RATIO 1.0002

/* stops the run, saying why (out of memory, a converter refused) */
static void *
need (void *p, const char *what)
{
  if (p == NULL) {
    fprintf (stderr, "resample-channels: %s failed\n", what);
    exit (EXIT_SETUP);
  }
  return p;
}

/* the stage a period needs at RATIO, minus what is already staged */
static size_t
top_up (size_t period, size_t staged)
{
  size_t want = (size_t) ((double) period / RATIO) + 4;

  return want > staged ? want - staged : 0;
}

static double
one_converter (unsigned channels, size_t period, float **in, float **out,
    double *ns)
{
  const char *why = NULL;
  RbJackResampler *rs = rb_jack_resampler_new (channels, &why);
  uint64_t lost = 0;

  if (rs == NULL) {
    fprintf (stderr, "resample-channels: %s\n", why);
    exit (EXIT_SETUP);
  }
  for (int i = 0; i < CALLS; i++) {
    uint64_t t0 = now_ns ();

    rb_jack_resampler_process (rs, RATIO, (const float *const *) in,
        top_up (period, rs->staged), out, period, &lost);
    ns[i] = (double) (now_ns () - t0);
  }
  rb_jack_resampler_free (rs);
  return bench_median (ns, CALLS);
}

/* version 0.1's way: a mono converter and a stage per channel, each
 * called with the same lengths */
static double
per_channel (unsigned channels, size_t period, float **in, float **out,
    double *ns)
{
  SRC_STATE *st[8];
  float *stage[8];
  size_t staged = 0, cap = 4 * period + 64;
  int err = 0;

  for (unsigned c = 0; c < channels; c++) {
    st[c] = need (src_new (SRC_SINC_FASTEST, 1, &err), "src_new()");
    stage[c] = need (calloc (cap, sizeof (float)), "calloc()");
  }
  for (int i = 0; i < CALLS; i++) {
    uint64_t t0 = now_ns ();
    size_t n = top_up (period, staged);
    long used = 0;

    for (unsigned c = 0; c < channels; c++) {
      memcpy (stage[c] + staged, in[c], n * sizeof (float));
      SRC_DATA d = {
        .data_in = stage[c], .data_out = out[c],
        .input_frames = (long) (staged + n), .output_frames = (long) period,
        .src_ratio = RATIO,
      };
      src_process (st[c], &d);
      used = d.input_frames_used;
      memmove (stage[c], stage[c] + used,
          (staged + n - (size_t) used) * sizeof (float));
    }
    staged = staged + n - (size_t) used;
    ns[i] = (double) (now_ns () - t0);
  }
  for (unsigned c = 0; c < channels; c++) {
    src_delete (st[c]);
    free (stage[c]);
  }
  return bench_median (ns, CALLS);
}

int
main (int argc, char **argv)
{
  size_t period = argc > 1 ? strtoul (argv[1], NULL, 10) : 256;
  static const unsigned counts[] = { 1, 2, 4, 8 };
  double *ns;
  float *in[8], *out[8];

  if (period < 16 || period > 4096) {
    fprintf (stderr, "resample-channels: PERIOD must be 16 to 4096\n");
    return EXIT_USAGE;
  }
  ns = need (malloc (CALLS * sizeof *ns), "malloc()");
  for (unsigned c = 0; c < 8; c++) {
    in[c] = need (calloc (period + 64, sizeof (float)), "calloc()");
    out[c] = need (calloc (period, sizeof (float)), "calloc()");
    for (size_t i = 0; i < period + 64; i++)
      in[c][i] = (float) ((double) ((i * 37 + c * 11) % 101) / 101.0 - 0.5);
  }
  printf ("%zu-frame periods at %+.0f ppm, median of %d calls\n\n", period,
      (RATIO - 1) * 1e6, CALLS);
  printf ("| channels | a converter per channel | one converter | |\n"
      "|---|---|---|---|\n");
  for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
    double a = per_channel (counts[k], period, in, out, ns);
    double b = one_converter (counts[k], period, in, out, ns);

    printf ("| %u | %.1f µs | %.1f µs | %.2fx |\n", counts[k], a / 1000,
        b / 1000, a / b);
    fflush (stdout);
  }
  for (unsigned c = 0; c < 8; c++) {
    free (in[c]);
    free (out[c]);
  }
  free (ns);
  return 0;
}
