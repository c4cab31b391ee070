/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* A producer for `ringbridge-jack play`: writes a sine tone into a named
 * ring, as fast as the ring takes it. The consumer sets the pace: when the
 * ring is full, the tone waits for room, the way a GStreamer pipeline with
 * ringsink does.
 *
 *   tone NAME [--frequency HZ] [--amplitude A] [--rate HZ] [--channels N]
 *             [--format FORMAT] [--seconds S]
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

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  double frequency = 440.0, amplitude = 0.5, seconds = 0.0;
  guint rate = 48000, channels = 2;
  RbSampleFormat format = RB_SAMPLE_FORMAT_F32LE;
  float samples[RB_RING_MAX_CHANNELS][CHUNK];
  float *planes[RB_RING_MAX_CHANNELS];
  guint64 frame = 0, total;
  const char *name;

  if (argc < 2 || argv[1][0] == '-') {
    fprintf (stderr, "usage: tone NAME [--frequency HZ] [--amplitude A] "
        "[--rate HZ] [--channels N] [--format FORMAT] [--seconds S]\n");
    return 64;
  }
  name = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    if (strcmp (argv[i], "--frequency") == 0)
      frequency = g_ascii_strtod (argv[i + 1], NULL);
    else if (strcmp (argv[i], "--amplitude") == 0)
      amplitude = g_ascii_strtod (argv[i + 1], NULL);
    else if (strcmp (argv[i], "--rate") == 0)
      rate = (guint) strtoul (argv[i + 1], NULL, 10);
    else if (strcmp (argv[i], "--channels") == 0)
      channels = (guint) strtoul (argv[i + 1], NULL, 10);
    else if (strcmp (argv[i], "--format") == 0)
      format = rb_sample_format_from_string (argv[i + 1]);
    else if (strcmp (argv[i], "--seconds") == 0)
      seconds = g_ascii_strtod (argv[i + 1], NULL);
    else {
      fprintf (stderr, "tone: unknown option '%s'\n", argv[i]);
      return 64;
    }
  }
  if (channels < 1 || channels > RB_RING_MAX_CHANNELS) {
    fprintf (stderr, "tone: 1 to %d channels\n", RB_RING_MAX_CHANNELS);
    return 64;
  }

  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);

  /* The ring holds 100 ms: the latency this producer adds. */
  ring = rb_ring_create_audio (name, format, channels, rate, rate / 10,
      RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, 0600, &error);
  if (ring == NULL) {
    fprintf (stderr, "tone: %s\n", error->message);
    return 73;
  }
  for (guint c = 0; c < channels; c++)
    planes[c] = samples[c];

  total = seconds > 0 ? (guint64) (seconds * rate) : G_MAXUINT64;
  while (frame < total && !atomic_load_explicit (&stop, memory_order_relaxed)) {
    gsize n = (gsize) MIN ((guint64) CHUNK, total - frame), done = 0;

    /* one chunk of tone, the same on every channel */
    for (gsize i = 0; i < n; i++) {
      float v = (float) (amplitude * sin (2.0 * G_PI * frequency *
              (double) (frame + i) / rate));
      for (guint c = 0; c < channels; c++)
        samples[c][i] = v;
    }
    /* and into the ring, converted to its format on the way; when it is
     * full, wait for the consumer (at most 100 ms at a time, to see a
     * signal) */
    while (done < n && !atomic_load_explicit (&stop, memory_order_relaxed)) {
      const float *rest[RB_RING_MAX_CHANNELS];

      for (guint c = 0; c < channels; c++)
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
