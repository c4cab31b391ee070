/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* A consumer for `ringbridge-jack record`: reads a named ring and prints,
 * once per second of audio, each channel's peak and RMS level, and where
 * JACK's clock stands (the clock point record writes into the ring every
 * cycle).
 *
 *   meter NAME [--seconds S] [--expect-rms LEVEL]
 *
 * Waits for the ring to appear, reads S seconds of audio (default: until
 * interrupted). With --expect-rms, the exit status says whether the last
 * full second of every channel had that RMS level (within 5%): 0 yes,
 * 1 no. */

#include <ringbridge/ringbridge.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 1024

/* Set by the handler of SIGINT and SIGTERM, which runs in this program's
 * only thread: C's own type for such a flag, no atomic needed. */
static volatile sig_atomic_t stopping;

static void
on_signal (int sig)
{
  stopping = 1;
}

static double seconds = 0.0, expect_rms = -1.0;

static const GOptionEntry options[] = {
  { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
    "Read S seconds of audio (default: until SIGINT or SIGTERM)", "S" },
  { "expect-rms", 0, 0, G_OPTION_ARG_DOUBLE, &expect_rms,
    "Fail unless every channel's RMS is within 5% of LEVEL", "LEVEL" },
  { NULL }
};

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("NAME");
  g_autoptr (RbRing) ring = NULL;
  g_autoptr (GError) error = NULL;
  double last_rms[RB_RING_MAX_CHANNELS];
  double sum[RB_RING_MAX_CHANNELS] = { 0 };
  float peak[RB_RING_MAX_CHANNELS] = { 0 };
  static float samples[RB_RING_MAX_CHANNELS][CHUNK];
  float *planes[RB_RING_MAX_CHANNELS];
  guint64 frames = 0, in_second = 0, total;
  guint channels, rate, full_seconds = 0;
  const char *name;
  int status = 0;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      seconds < 0) {
    fprintf (stderr, "meter: %s (meter --help)\n", error != NULL ?
        error->message : "one ring NAME and --seconds 0 or more");
    return 64;
  }
  name = argv[1];

  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);

  /* The recording may not have started yet: wait for its ring. */
  while ((ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error)) == NULL) {
    if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND) ||
        stopping) {
      fprintf (stderr, "meter: %s\n", error->message);
      return 66;
    }
    g_clear_error (&error);
    g_usleep (50000);
  }
  channels = rb_ring_get_channels (ring);
  rate = rb_ring_get_rate (ring);
  if (channels == 0 || rate == 0) {
    fprintf (stderr, "meter: ring '%s' is not an audio ring\n", name);
    return 65;
  }
  for (guint c = 0; c < channels; c++)
    planes[c] = samples[c];
  total = seconds > 0 ? (guint64) (seconds * rate) : G_MAXUINT64;
  printf ("meter: ring '%s': %s, %u channels, %u Hz\n", name,
      rb_sample_format_to_string (rb_ring_get_sample_format (ring)), channels,
      rate);

  while (frames < total && !stopping) {
    gsize want = (gsize) MIN ((guint64) CHUNK, rate - in_second), n;

    /* whatever format the ring has, it arrives as float */
    n = rb_ring_read_deinterleaved (ring, planes, channels, want);
    if (n == 0) {
      /* nothing yet: sleep until there is (or 100 ms pass) */
      rb_ring_wait_readable (ring, rb_ring_get_frame_size (ring), 100000);
      continue;
    }
    for (guint c = 0; c < channels; c++)
      for (gsize i = 0; i < n; i++) {
        sum[c] += (double) samples[c][i] * samples[c][i];
        peak[c] = MAX (peak[c], fabsf (samples[c][i]));
      }
    frames += n;
    in_second += n;
    if (in_second < rate)
      continue;

    /* one second of audio: print it */
    {
      guint64 pos = 0, jack_frames = 0;
      gint64 ns = 0;

      printf ("meter: %3u s ", ++full_seconds);
      for (guint c = 0; c < channels; c++) {
        last_rms[c] = sqrt (sum[c] / rate);
        printf (" ch%u peak %.3f rms %.3f", c + 1, peak[c], last_rms[c]);
        sum[c] = 0;
        peak[c] = 0;
      }
      if (rb_ring_get_clock_point (ring, &pos, &ns, &jack_frames))
        printf ("  (JACK frame %" G_GUINT64_FORMAT " at ring frame %"
            G_GUINT64_FORMAT ")", jack_frames,
            pos / rb_ring_get_frame_size (ring));
      printf ("\n");
      fflush (stdout);
      in_second = 0;
    }
  }

  if (expect_rms >= 0) {
    if (full_seconds == 0) {
      printf ("meter: not one full second of audio arrived\n");
      status = 1;
    }
    for (guint c = 0; c < channels && full_seconds > 0; c++) {
      if (fabs (last_rms[c] - expect_rms) > 0.05 * expect_rms) {
        printf ("meter: channel %u: RMS %.4f, expected %.4f\n", c + 1,
            last_rms[c], expect_rms);
        status = 1;
      }
    }
    if (status == 0)
      printf ("meter: the last second had the expected level (RMS %.4f) on "
          "every channel\n", expect_rms);
  }
  return status;
}
