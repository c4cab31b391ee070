/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* A ring's other side on a clock of its own, for test-clocks-jack.py: the
 * drifting producer or consumer that ringbridge-jack must follow.
 *
 *   paced-tone produce NAME PPM SECONDS [BLOCK]
 *       creates NAME (F32LE, 1 channel, 48000 Hz, one second) and writes a
 *       1 kHz tone (amplitude 0.5, phase continuous) at 48000 * (1 + PPM
 *       / 10^6) frames per CLOCK_MONOTONIC second, in BLOCK-frame writes
 *       (default 32), for SECONDS.
 *   paced-tone consume NAME PPM SECONDS OUT [BLOCK]
 *       attaches to NAME as its consumer (waiting up to 10 s) and reads
 *       at the same pace, appending what it reads to the file OUT.
 *
 * With RB_PACED_JACK_SERVER=NAME in the environment, the pace is JACK's
 * instead: PPM relative to the frames server NAME has counted at its
 * latest cycle's start (jack_last_frame_time()), not to CLOCK_MONOTONIC. A
 * dummy backend is no clock on a virtual machine without realtime
 * scheduling: it runs late (1 to 2 % slow here, more under load) and drops
 * the time of every late wake-up, so a producer paced on the monotonic
 * clock would be that far off JACK, not PPM. Following JACK's frame count
 * keeps the drift between the two sides at PPM, which is what the tests
 * are about. The counted frames, not jack_frame_time(): that one
 * extrapolates from the cycle's start on the monotonic clock, so between
 * late cycles it runs ahead of the count and (since a pace must not step
 * back) would carry the monotonic clock's rate, not JACK's: +1.1 % against
 * JACK's count on a dummy backend running 1.2 % slow, where +0.2 % was
 * asked.
 *
 * Both print "ready" once attached, "short T N" each time N frames of a
 * block found no room (produce) or no data (consume) T seconds in, and
 * at the end one JSON line: frames
 * moved, and the times the ring had too little room (produce) or too
 * little data (consume) at the due time, with the frames missing. */

#include <ringbridge/ringbridge.h>

#include <jack/jack.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RATE 48000.0

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void
sleep_until (double t)
{
  struct timespec ts = {
    .tv_sec = (time_t) t,
    .tv_nsec = (long) ((t - floor (t)) * 1e9),
  };

  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
    ;
}

/* The pace's clock: CLOCK_MONOTONIC, or JACK's frames (see the top). */
typedef struct {
  jack_client_t *client;
  jack_nframes_t last;
  guint64 high;                 /* JACK's 32-bit frame time, extended */
} Pace;

static gboolean
pace_follow_jack (Pace *p, const char *server)
{
  p->client = jack_client_open ("paced-tone", JackNoStartServer |
      JackServerName, NULL, server);
  if (p->client == NULL || jack_activate (p->client) != 0) {
    fprintf (stderr, "paced-tone: cannot follow JACK server %s\n", server);
    return FALSE;
  }
  p->last = jack_last_frame_time (p->client);
  return TRUE;
}

/* seconds on the pace's clock */
static double
pace_now (Pace *p)
{
  jack_nframes_t f;

  if (p->client == NULL)
    return now_s ();
  f = jack_last_frame_time (p->client);
  /* JACK's count, 32 bits: a step back is a wrap */
  if (f < p->last)
    p->high += (guint64) 1 << 32;
  p->last = f;
  return (double) (p->high | f) / RATE;
}

static int
usage (void)
{
  fprintf (stderr, "usage: paced-tone produce NAME PPM SECONDS [BLOCK]\n"
      "       paced-tone consume NAME PPM SECONDS OUT [BLOCK]\n");
  return 2;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  gboolean produce;
  double ppm, seconds, rate, t0;
  guint64 done = 0, short_times = 0, short_frames = 0;
  gsize block;
  RbRing *ring;
  FILE *out = NULL;
  float *buf;
  Pace pace = { 0 };
  const char *jack_server = g_getenv ("RB_PACED_JACK_SERVER");

  if (argc < 5)
    return usage ();
  produce = strcmp (argv[1], "produce") == 0;
  if (!produce && (strcmp (argv[1], "consume") != 0 || argc < 6))
    return usage ();
  ppm = atof (argv[3]);
  seconds = atof (argv[4]);
  block = (gsize) atoi (argc > (produce ? 5 : 6) ? argv[produce ? 5 : 6] :
      "32");
  if (block == 0 || block > 4800 || seconds <= 0 || fabs (ppm) > 50000)
    return usage ();
  rate = RATE * (1 + ppm * 1e-6);

  if (produce) {
    rb_ring_unlink (argv[2], NULL);
    ring = rb_ring_create_audio (argv[2], RB_SAMPLE_FORMAT_F32LE, 1,
        (guint) RATE, (guint64) RATE, RB_RING_FLAGS_NONE,
        RB_RING_ROLE_PRODUCER, 0600, &error);
  } else {
    double deadline = now_s () + 10;

    while ((ring = rb_ring_open (argv[2], RB_RING_ROLE_CONSUMER,
                &error)) == NULL && now_s () < deadline) {
      g_clear_error (&error);
      g_usleep (20000);
    }
    out = fopen (argv[5], "wb");
    if (out == NULL) {
      perror (argv[5]);
      return 1;
    }
  }
  if (ring == NULL) {
    fprintf (stderr, "paced-tone: %s\n", error ? error->message : "no ring");
    return 1;
  }
  if (jack_server != NULL && !pace_follow_jack (&pace, jack_server))
    return 1;
  printf ("ready\n");
  fflush (stdout);

  buf = g_new0 (float, block);
  t0 = pace_now (&pace);
  for (;;) {
    double t = pace_now (&pace) - t0;
    guint64 due = (guint64) (t * rate);

    if (t >= seconds)
      break;
    while (done + block <= due) {
      gsize n;

      if (produce) {
        for (gsize i = 0; i < block; i++)
          buf[i] = (float) (0.5 * sin (2 * G_PI * 1000.0 / RATE *
                  (double) ((done + i) % 48000)));
        n = rb_ring_write_frames (ring, buf, block);
      } else {
        n = rb_ring_read_frames (ring, buf, block);
        fwrite (buf, sizeof (float), n, out);
      }
      done += n;
      if (n < block) {
        /* when, for the test to tell lock-in from later */
        printf ("short %.3f %" G_GSIZE_FORMAT "\n", pace_now (&pace) - t0,
            block - n);
        fflush (stdout);
        short_times++;
        short_frames += block - n;
        break;                  /* try again at the next block's time */
      }
    }
    /* the next block's time; after a short one, a block's time from
     * now (its due time has passed: no busy loop). On JACK's pace, a
     * block's time on the monotonic clock: the next look decides. */
    if (pace.client != NULL)
      sleep_until (now_s () + (double) block / rate);
    else
      sleep_until (MAX (t0 + (double) (done + block) / rate,
              now_s () + (double) block / rate));
  }
  if (out != NULL)
    fclose (out);
  printf ("{\"frames\": %" G_GUINT64_FORMAT ", \"short_times\": %"
      G_GUINT64_FORMAT ", \"short_frames\": %" G_GUINT64_FORMAT "}\n",
      done, short_times, short_frames);
  fflush (stdout);
  g_free (buf);
  g_object_unref (ring);
  if (pace.client != NULL)
    jack_client_close (pace.client);
  return 0;
}
