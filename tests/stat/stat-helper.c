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
 *
 * Prints "ready" on stdout when the ring is in its state. Without --hold
 * or --abandon, it lets the ring go (the roles detach) and exits 0. */

#include <ringbridge/ringbridge.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
  gboolean abandon = FALSE;
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
