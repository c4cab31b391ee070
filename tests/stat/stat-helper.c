/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Makes and uses rings through the public API for test-stat.py, so the
 * ringbridge-stat test can put rings into known states from other
 * processes: a live, stopped or killed producer, a stale creator, counters.
 *
 *   stat-helper create NAME [OPTIONS]   make a ring
 *   stat-helper open NAME [OPTIONS]     attach to one
 *
 * Options:
 *   --capacity N          bytes (create; default 4096)
 *   --audio FMT CH RATE FRAMES   an audio ring (create)
 *   --overwrite           an overwrite ring (create)
 *   --role both|producer|consumer   default both (create) / producer (open)
 *   --mode OCTAL          file mode (create; default 0600)
 *   --write N             write N bytes (one call: more than fits overruns)
 *   --read N              read N bytes (one call: more than there underruns)
 *   --eos                 mark the end of the stream
 *   --hold                then wait until killed, holding the ring
 *   --trickle N           then, until killed, write N bytes every 10 ms
 *                         (and read them back if this process consumes)
 *   --abandon             then exit without letting the ring go, as a crash
 *   --paced PPM           (an audio ring of both roles) the two sides stamp
 *                         10 s of history at once, then go on in real time
 *                         (with --hold), paced on CLOCK_MONOTONIC: the
 *                         producer at the ring's rate x (1 + PPM / 10^6),
 *                         the consumer at the ring's rate, 1024 frames
 *                         apart. Caller-supplied stamps at the ideal times,
 *                         so the ring's ppm is PPM whatever the load.
 *
 * Prints "ready" on stdout when the ring is in its state. Without --hold
 * or --abandon, it lets the ring go (the roles detach) and exits 0. */

#include <ringbridge/ringbridge.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PACED_PREFILL 1024
#define PACED_BLOCK 256
#define PACED_HISTORY_S 10

/* One block of --paced: stamps both sides at their ideal times, then
 * moves a block through. The stamps' times are due by @t0's clock:
 * sleeps until they are when @realtime. */
static void
paced_block (RbRing *ring, gint64 t0, gdouble prate, guint rate,
    gboolean realtime)
{
  guint fs = rb_ring_get_frame_size (ring);
  g_autofree guint8 *block = g_malloc0 ((gsize) PACED_BLOCK * fs);
  guint64 w = rb_ring_get_write_position (ring);
  guint64 r = rb_ring_get_read_position (ring);
  gint64 tw = t0 + (gint64) ((gdouble) (w / fs - PACED_PREFILL) / prate * 1e9);
  gint64 tr = t0 + (gint64) ((gdouble) (r / fs) / rate * 1e9);

  if (realtime) {
    gint64 due = MAX (tw, tr);
    struct timespec ts = { due / 1000000000, due % 1000000000 };

    while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
        EINTR)
      ;
  }
  if (!rb_ring_stamp_producer (ring, w, tw) ||
      !rb_ring_stamp_consumer (ring, r, tr)) {
    fprintf (stderr, "stat-helper: a stamp was refused\n");
    exit (1);
  }
  rb_ring_write_frames (ring, block, PACED_BLOCK);
  rb_ring_read_frames (ring, block, PACED_BLOCK);
}

/* --paced's history: the stamps of the last PACED_HISTORY_S seconds. */
static gint64
paced_start (RbRing *ring, gdouble prate, guint rate)
{
  guint fs = rb_ring_get_frame_size (ring);
  g_autofree guint8 *fill = g_malloc0 ((gsize) PACED_PREFILL * fs);
  /* GLib's monotonic clock is CLOCK_MONOTONIC, in microseconds */
  gint64 t0 = g_get_monotonic_time () * 1000 -
      (gint64) PACED_HISTORY_S * 1000000000;

  rb_ring_write_frames (ring, fill, PACED_PREFILL);
  for (guint k = 0; k < PACED_HISTORY_S * rate / PACED_BLOCK; k++)
    paced_block (ring, t0, prate, rate, FALSE);
  return t0;
}

static RbRingRole
parse_role (const char *s)
{
  if (strcmp (s, "producer") == 0)
    return RB_RING_ROLE_PRODUCER;
  if (strcmp (s, "consumer") == 0)
    return RB_RING_ROLE_CONSUMER;
  if (strcmp (s, "reader") == 0)
    return RB_RING_ROLE_READER;
  return RB_RING_ROLE_BOTH;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  gboolean create, overwrite = FALSE, eos = FALSE, hold = FALSE;
  gboolean abandon = FALSE, paced = FALSE;
  gdouble ppm = 0;
  RbSampleFormat format = RB_SAMPLE_FORMAT_NONE;
  guint channels = 0, rate = 0, mode = 0600;
  gsize capacity = 4096, frames = 0, n_write = 0, n_read = 0, trickle = 0;
  RbRingRole role;
  const char *name;

  if (argc < 3) {
    fprintf (stderr, "usage: stat-helper create|open NAME [OPTIONS]\n");
    return 2;
  }
  create = strcmp (argv[1], "create") == 0;
  name = argv[2];
  role = create ? RB_RING_ROLE_BOTH : RB_RING_ROLE_PRODUCER;

  for (int i = 3; i < argc; i++) {
    const char *a = argv[i];
    gboolean more = i + 1 < argc;

    if (strcmp (a, "--capacity") == 0 && more)
      capacity = strtoull (argv[++i], NULL, 0);
    else if (strcmp (a, "--audio") == 0 && i + 4 < argc) {
      format = rb_sample_format_from_string (argv[++i]);
      channels = (guint) strtoul (argv[++i], NULL, 0);
      rate = (guint) strtoul (argv[++i], NULL, 0);
      frames = strtoull (argv[++i], NULL, 0);
    } else if (strcmp (a, "--overwrite") == 0)
      overwrite = TRUE;
    else if (strcmp (a, "--role") == 0 && more)
      role = parse_role (argv[++i]);
    else if (strcmp (a, "--mode") == 0 && more)
      mode = (guint) strtoul (argv[++i], NULL, 8);
    else if (strcmp (a, "--write") == 0 && more)
      n_write = strtoull (argv[++i], NULL, 0);
    else if (strcmp (a, "--read") == 0 && more)
      n_read = strtoull (argv[++i], NULL, 0);
    else if (strcmp (a, "--trickle") == 0 && more)
      trickle = strtoull (argv[++i], NULL, 0);
    else if (strcmp (a, "--eos") == 0)
      eos = TRUE;
    else if (strcmp (a, "--hold") == 0)
      hold = TRUE;
    else if (strcmp (a, "--abandon") == 0)
      abandon = TRUE;
    else if (strcmp (a, "--paced") == 0 && more) {
      paced = TRUE;
      ppm = g_ascii_strtod (argv[++i], NULL);
    }
    else {
      fprintf (stderr, "stat-helper: bad argument '%s'\n", a);
      return 2;
    }
  }

  if (create && format != RB_SAMPLE_FORMAT_NONE)
    ring = rb_ring_create_audio (name, format, channels, rate, frames,
        overwrite ? RB_RING_FLAGS_OVERWRITE : RB_RING_FLAGS_NONE, role, mode,
        &error);
  else if (create)
    ring = rb_ring_create (name, capacity,
        overwrite ? RB_RING_FLAGS_OVERWRITE : RB_RING_FLAGS_NONE, role, mode,
        &error);
  else
    ring = rb_ring_open (name, role, &error);
  if (ring == NULL) {
    fprintf (stderr, "stat-helper: %s\n", error->message);
    return 1;
  }

  if (n_write > 0) {
    g_autofree guint8 *data = g_malloc (n_write);
    for (gsize i = 0; i < n_write; i++)
      data[i] = (guint8) i;
    rb_ring_write (ring, data, n_write);
  }
  if (n_read > 0) {
    g_autofree guint8 *data = g_malloc (n_read);
    rb_ring_read (ring, data, n_read);
  }
  if (eos)
    rb_ring_set_end_of_stream (ring);
  if (paced && (format == RB_SAMPLE_FORMAT_NONE || role != RB_RING_ROLE_BOTH)) {
    fprintf (stderr, "stat-helper: --paced needs an audio ring of both "
        "roles\n");
    return 2;
  }
  if (paced) {
    gint64 t0 = paced_start (ring, rate * (1 + ppm * 1e-6), rate);

    printf ("ready\n");
    fflush (stdout);
    for (;;) {
      if (!hold)
        return 0;
      paced_block (ring, t0, rate * (1 + ppm * 1e-6), rate, TRUE);
    }
  }

  printf ("ready\n");
  fflush (stdout);
  if (abandon)
    _exit (0);
  if (trickle > 0) {
    g_autofree guint8 *data = g_malloc0 (trickle);
    for (;;) {
      rb_ring_write (ring, data, trickle);
      if (role == RB_RING_ROLE_BOTH || role == RB_RING_ROLE_CONSUMER)
        rb_ring_read (ring, data, trickle);
      g_usleep (10000);
    }
  }
  while (hold)
    pause ();
  return 0;
}
