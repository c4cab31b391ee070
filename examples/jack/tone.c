/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* A producer for `ringbridge-jack play`: writes a sine tone into a named
 * ring, as fast as the ring takes it. The consumer sets the pace: when the
 * ring is full, the tone waits for room, the way a GStreamer pipeline with
 * ringsink does.
 *
 *   tone NAME [--frequency HZ] [--amplitude A] [--rate HZ] [--channels N]
 *             [--format FORMAT] [--seconds S]     (tone --help)
 *
 * Creates the ring NAME (100 ms long), writes S seconds of tone (default:
 * until interrupted), removes the ring and exits. */

#include <ringbridge/ringbridge.h>

#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 256

static atomic_int stop;

static void
on_signal (int sig)
{
  /* relaxed: the loop polls it; nothing else goes with it */
  atomic_store_explicit (&stop, 1, memory_order_relaxed);
}

static double frequency = 440.0, amplitude = 0.5, seconds = 0.0;
static gint rate = 48000, channels = 2;
static char *format_name = NULL;

static const GOptionEntry options[] = {
  { "frequency", 0, 0, G_OPTION_ARG_DOUBLE, &frequency, "Tone (440)", "HZ" },
  { "amplitude", 0, 0, G_OPTION_ARG_DOUBLE, &amplitude, "Peak (0.5)", "A" },
  { "rate", 0, 0, G_OPTION_ARG_INT, &rate, "Sample rate (48000)", "HZ" },
  { "channels", 0, 0, G_OPTION_ARG_INT, &channels, "Channels (2)", "N" },
  { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, "F32LE, S16LE, ...",
    "FORMAT" },
  { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
    "Stop after S seconds (default: at SIGINT or SIGTERM)", "S" },
  { NULL }
};

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("NAME");
  RbSampleFormat format = RB_SAMPLE_FORMAT_F32LE;
  float samples[RB_RING_MAX_CHANNELS][CHUNK];
  float *planes[RB_RING_MAX_CHANNELS];
  guint64 frame = 0, total;
  const char *name;

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2) {
    fprintf (stderr, "tone: %s (tone --help)\n",
        error != NULL ? error->message : "one ring NAME");
    return 64;
  }
  name = argv[1];
  if (format_name != NULL)
    format = rb_sample_format_from_string (format_name);
  if (format == RB_SAMPLE_FORMAT_NONE || channels < 1 ||
      channels > RB_RING_MAX_CHANNELS || rate < 1 || seconds < 0) {
    fprintf (stderr, "tone: a known --format, 1 to %d --channels, a "
        "positive --rate and --seconds\n", RB_RING_MAX_CHANNELS);
    return 64;
  }

  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);

  /* The ring holds 100 ms: the latency this producer adds. */
  ring = rb_ring_create_audio (name, format, (guint) channels, (guint) rate,
      (guint) rate / 10,
      RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, 0600, &error);
  if (ring == NULL) {
    fprintf (stderr, "tone: %s\n", error->message);
    return 73;
  }
  for (gint c = 0; c < channels; c++)
    planes[c] = samples[c];

  total = seconds > 0 ? (guint64) (seconds * rate) : G_MAXUINT64;
  while (frame < total && !atomic_load_explicit (&stop, memory_order_relaxed)) {
    gsize n = (gsize) MIN ((guint64) CHUNK, total - frame), done = 0;

    /* one chunk of tone, the same on every channel */
    for (gsize i = 0; i < n; i++) {
      float v = (float) (amplitude * sin (2.0 * G_PI * frequency *
              (double) (frame + i) / rate));
      for (gint c = 0; c < channels; c++)
        samples[c][i] = v;
    }
    /* and into the ring, converted to its format on the way; when it is
     * full, wait for the consumer (at most 100 ms at a time, to see a
     * signal) */
    while (done < n && !atomic_load_explicit (&stop, memory_order_relaxed)) {
      const float *rest[RB_RING_MAX_CHANNELS];

      for (gint c = 0; c < channels; c++)
        rest[c] = planes[c] + done;
      done += rb_ring_write_deinterleaved (ring, rest, channels, n - done);
      if (done < n)
        rb_ring_wait_writable (ring, (n - done) *
            rb_ring_get_frame_size (ring), 100000);
    }
    frame += done;
  }

  printf ("tone: wrote %" G_GUINT64_FORMAT " frames (%.2f s) of %g Hz into "
      "ring '%s'\n", frame, (double) frame / rate, frequency, name);
  rb_ring_unlink (name, NULL);
  return 0;
}
