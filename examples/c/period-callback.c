/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* A generator thread feeds stereo audio through an RbRing to a consumer
 * written the way a JACK process callback must be written: each period it
 * takes what the ring has, converts it to per-channel float buffers, fills
 * any shortfall with silence and counts it, and does nothing else (no
 * allocation, no lock, no system call, no printing).
 *
 * It runs flat out, not at the audio rate, to show what the ring can carry:
 *
 *   period-callback [--seconds AUDIO_SECONDS] [--period FRAMES]
 *                   [--format F32LE|F64LE]
 *
 * and prints throughput and whether the checksums of what was generated and
 * what the callback received match. scripts/demo runs it. */

#include <ringbridge/ringbridge.h>

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>

#define CHANNELS 2
#define RATE 48000
#define MAX_PERIOD 8192

/* Everything both sides share, passed as the callback's argument: no
 * globals. */
struct bridge {
  RbRing *ring;
  guint64 total_frames;         /* how much the generator produces */
  RbSampleFormat format;

  /* generator side */
  guint64 sum_in;

  /* callback side: touched only by the callback */
  float left[MAX_PERIOD], right[MAX_PERIOD];
  guint64 frames_out;
  guint64 sum_out;
  guint64 short_periods;        /* periods that came up short: underruns */
};

/* FNV-1a over the bytes of a float: both sides hash the float values they
 * exchange, so any loss, duplication or reordering shows. */
static inline guint64
hash_float (guint64 h, float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  for (int i = 0; i < 4; i++) {
    h ^= (bits >> (8 * i)) & 0xff;
    h *= G_GUINT64_CONSTANT (0x100000001b3);
  }
  return h;
}

/* The consumer: one JACK-style period. Realtime-safe: ring calls,
 * arithmetic and nothing else. */
static void
process (struct bridge *b, guint nframes)
{
  float *const outs[CHANNELS] = { b->left, b->right };
  gsize got = rb_ring_read_deinterleaved (b->ring, outs, CHANNELS, nframes);

  if (got < nframes) {
    /* underrun: what is missing plays as silence */
    for (guint c = 0; c < CHANNELS; c++)
      memset (outs[c] + got, 0, (nframes - got) * sizeof (float));
    b->short_periods++;
  }
  for (gsize i = 0; i < got; i++) {
    b->sum_out = hash_float (b->sum_out, b->left[i]);
    b->sum_out = hash_float (b->sum_out, b->right[i]);
  }
  b->frames_out += got;
}

static gpointer
generator (gpointer data)
{
  struct bridge *b = data;
  float left[1024], right[1024];
  const float *ins[CHANNELS] = { left, right };
  guint64 done = 0;

  b->sum_in = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  while (done < b->total_frames) {
    gsize n = (gsize) MIN (G_N_ELEMENTS (left), b->total_frames - done);
    gsize off = 0;

    for (gsize i = 0; i < n; i++) {
      double t = (double) (done + i) / RATE;
      left[i] = (float) (0.5 * sin (2 * G_PI * 440.0 * t));
      right[i] = (float) (0.25 * sin (2 * G_PI * 660.0 * t));
    }
    /* F32LE and F64LE carry these floats exactly, so the callback must
     * see the very same values */
    for (gsize i = 0; i < n; i++) {
      b->sum_in = hash_float (b->sum_in, left[i]);
      b->sum_in = hash_float (b->sum_in, right[i]);
    }
    /* A non-realtime producer may wait; this one yields while full. */
    while (off < n) {
      const float *part[CHANNELS] = { ins[0] + off, ins[1] + off };
      gsize w = rb_ring_write_deinterleaved (b->ring, part, CHANNELS, n - off);
      off += w;
      if (w == 0)
        sched_yield ();
    }
    done += n;
  }
  rb_ring_set_end_of_stream (b->ring);
  return NULL;
}

int
main (int argc, char **argv)
{
  double seconds = 600;
  guint period = 64;
  g_autofree gchar *format_name = NULL;      /* GOption allocates it */
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) ctx = NULL;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
      "Seconds of 48 kHz stereo audio to stream (default 600)", "S" },
    { "period", 0, 0, G_OPTION_ARG_INT, &period,
      "Frames per callback period (default 64)", "FRAMES" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name,
      "Sample format in the ring: F32LE (default) or F64LE", "FORMAT" },
    { NULL }
  };
  struct bridge *b;
  RbSampleFormat format;
  RbRing *ring;
  GThread *thread;
  gint64 t0, t1;
  double secs, mbytes;
  gboolean match;

  ctx = g_option_context_new ("- stream audio through a ring to a "
      "JACK-style callback");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "period-callback: %s\n", error->message);
    return 64;
  }
  if (!(seconds > 0 && seconds <= 86400)) {
    fprintf (stderr, "period-callback: --seconds must be in (0, 86400], not %g\n",
        seconds);
    return 64;
  }
  if (period < 1 || period > MAX_PERIOD) {
    fprintf (stderr, "period-callback: --period must be 1 to %d frames, not %u\n",
        MAX_PERIOD, period);
    return 64;
  }

  if (format_name == NULL)
    format_name = g_strdup ("F32LE");
  format = rb_sample_format_from_string (format_name);
  /* lossless formats only: the checksum compares float values exactly */
  if (format != RB_SAMPLE_FORMAT_F32LE && format != RB_SAMPLE_FORMAT_F64LE) {
    fprintf (stderr, "period-callback: --format must be F32LE or F64LE, "
        "not '%s'\n", format_name);
    return 64;
  }
  /* a few periods of headroom, like a JACK client's ring */
  ring = rb_ring_new_audio (format, CHANNELS, RATE, 16 * period, 0, &error);
  if (ring == NULL) {
    fprintf (stderr, "period-callback: %s\n", error->message);
    return 1;
  }

  b = g_new0 (struct bridge, 1);
  b->format = format;
  b->ring = ring;
  b->total_frames = (guint64) (seconds * RATE);
  b->sum_out = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  t0 = g_get_monotonic_time ();
  thread = g_thread_new ("generator", generator, b);
  while (!rb_ring_is_end_of_stream (b->ring))
    process (b, period);
  g_thread_join (thread);
  t1 = g_get_monotonic_time ();

  secs = (double) (t1 - t0) / G_USEC_PER_SEC;
  mbytes = (double) b->frames_out * rb_ring_get_frame_size (b->ring) / 1e6;
  match = b->frames_out == b->total_frames && b->sum_in == b->sum_out;
  printf ("streamed %.0f s of %s stereo audio (%" G_GUINT64_FORMAT
      " frames, %.1f MB) in %.3f s\n", seconds, format_name, b->frames_out,
      mbytes, secs);
  printf ("throughput %.1f MB/s, %.0fx realtime; ring %zu bytes, period %u "
      "frames, %" G_GUINT64_FORMAT " short periods (consumer outran the "
      "producer)\n", mbytes / secs, seconds / secs,
      rb_ring_get_capacity (b->ring), period, b->short_periods);
  printf ("checksum generated %016" G_GINT64_MODIFIER "x, received %016"
      G_GINT64_MODIFIER "x: %s\n", b->sum_in, b->sum_out,
      match ? "match" : "MISMATCH");

  g_object_unref (b->ring);
  g_free (b);
  return match ? 0 : 1;
}
