/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Feeds and drains rings for test-jack.py through the public API, so the
 * JACK client can be tested from both sides with real processes.
 *
 *   ring-helper feed NAME [OPTIONS]    be a producer: write a known signal
 *   ring-helper drain NAME [OPTIONS]   be the consumer: save what comes
 *
 * The signal: sample (frame i, channel c) of a run with seed S is derived
 * from splitmix64 ((S << 40) ^ (i << 6) ^ c), never silence (test-jack.py
 * computes the same numbers): so any lost, repeated, shifted or
 * misconverted sample shows, and silence is unmistakable.
 *
 * feed options:
 *   --format F --channels C --rate R --frames N   the ring (create)
 *   --open            attach to the existing ring as producer instead
 *   --unlink          remove an existing ring of the name first
 *   --byte-ring       create a byte ring (--frames is then bytes)
 *   --mode OCTAL      file mode (create)
 *   --seed S          the signal (default 1)
 *   --start I         first frame index (default 0)
 *   --total N         frames to write (default 0: none; see --pace)
 *   --go              wait for a line on stdin before writing
 *   --bursts M --gap-ms G   write --total in M bursts of one write call
 *                     each, G ms apart
 *   --pace            write in real time (10 ms chunks) until --total, or
 *                     for ever if --total is 0, never overfilling
 *   --prefill N       with --pace: write N frames at once first, a cushion
 *                     against the scheduler
 *   --hold            then stay attached until killed or stdin closes
 *   --abandon         then exit without letting the ring go, as a crash
 * drain options:
 *   --out FILE        append the ring's raw frames to FILE (flushed)
 *   --timeout S       wait at most S seconds for the ring (default 10)
 *   --jack-server S   also ask JACK server S, at the end, when the clock
 *                     point's frame time was, converted to CLOCK_MONOTONIC
 *                     (as "jack_ns"): an independent check of the clock
 *                     point's time
 *   --idle            hold the consumer role but read nothing, so that the
 *                     producer meets a full ring (its overrun counters)
 * drain stops on SIGTERM/SIGINT and prints one JSON line: what it read,
 * the producer's clock point, with CLOCK_MONOTONIC now, and the ring's own
 * counters (rb_ring_get_overruns/underruns).
 *
 * Both print "ready" on stdout once attached (feed: before --go). */

#include <ringbridge/ringbridge.h>

#include <jack/jack.h>

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop_requested;

static void
on_stop (int sig)
{
  /* relaxed: the loops poll it; nothing else goes with it */
  atomic_store_explicit (&stop_requested, 1, memory_order_relaxed);
}

static gboolean
stopping (void)
{
  /* relaxed: see on_stop() */
  return atomic_load_explicit (&stop_requested, memory_order_relaxed) != 0;
}

static guint64
mix (guint64 x)
{
  guint64 z = x + G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Writes sample (i, c) of seed @seed in @format at @p. */
static void
make_sample (RbSampleFormat format, guint64 seed, guint64 i, guint c,
    guint8 *p)
{
  guint64 h = mix ((seed << 40) ^ (i << 6) ^ c);
  gint32 s32 = (gint32) (guint32) (h >> 32);

  switch (format) {
    case RB_SAMPLE_FORMAT_U8:
      p[0] = (guint8) ((h >> 56) | 1);
      break;
    case RB_SAMPLE_FORMAT_S16LE:{
      guint16 v = (guint16) ((h >> 48) | 1);
      p[0] = (guint8) v;
      p[1] = (guint8) (v >> 8);
      break;
    }
    case RB_SAMPLE_FORMAT_S24LE:{
      guint32 v = (guint32) ((s32 >> 8) | 1);
      p[0] = (guint8) v;
      p[1] = (guint8) (v >> 8);
      p[2] = (guint8) (v >> 16);
      break;
    }
    case RB_SAMPLE_FORMAT_S24_32LE:{
      gint32 v = (s32 >> 8) | 1;
      memcpy (p, &v, 4);
      break;
    }
    case RB_SAMPLE_FORMAT_S32LE:{
      gint32 v = s32 | 1;
      memcpy (p, &v, 4);
      break;
    }
    case RB_SAMPLE_FORMAT_F32LE:{
      /* 24 significant bits: exact in a float; [-2, 2) to test clipping */
      float f = (float) ((s32 >> 8) | 1) / 4194304.0f;
      memcpy (p, &f, 4);
      break;
    }
    case RB_SAMPLE_FORMAT_F64LE:{
      double d = (double) ((gint64) h | 1) / 4611686018427387904.0;
      memcpy (p, &d, 8);
      break;
    }
    default:
      p[0] = (guint8) h;
      break;
  }
}

static void
make_frames (RbRing *ring, guint64 seed, guint64 first, gsize n, guint8 *out)
{
  RbSampleFormat format = rb_ring_get_sample_format (ring);
  guint channels = MAX (1, rb_ring_get_channels (ring));
  gsize ss = format == RB_SAMPLE_FORMAT_NONE ? 1 :
      rb_sample_format_get_size (format);

  for (gsize f = 0; f < n; f++)
    for (guint c = 0; c < channels; c++)
      make_sample (format, seed, first + f, c, out + (f * channels + c) * ss);
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Writes @n frames from @first, waiting for room as a producer does: as
 * one write call if the ring has room, so a consumer sees it all at once;
 * otherwise topping the ring up as it drains, keeping it nearly full. */
static gboolean
write_all (RbRing *ring, guint64 seed, guint64 first, guint64 n)
{
  gsize fs = rb_ring_get_frame_size (ring);
  gsize cap = rb_ring_get_capacity_frames (ring);
  gsize chunk = MIN ((gsize) n, cap);
  g_autofree guint8 *buf = g_malloc (MAX (chunk, 1) * fs);
  guint64 done = 0;

  while (done < n && !stopping ()) {
    gsize want = (gsize) MIN (n - done, chunk), put;

    make_frames (ring, seed, first + done, want, buf);
    put = rb_ring_write_frames (ring, buf, want);
    done += put;
    /* a consumer that left (RB_WAIT_PEER_GONE) may come back: keep
     * trying either way */
    if (put < want)
      rb_ring_wait_writable (ring, MIN (want - put, MAX (cap / 8, 1)) * fs,
          100000);
  }
  return done == n;
}

static void
hold (void)
{
  char line[64];

  /* until killed, or the driver closes our stdin */
  while (!stopping () && fgets (line, sizeof line, stdin) != NULL)
    ;
}

/* Parses @argv (argv[0]: the ring's name) against @entries; FALSE, with a
 * message on stderr, for anything else. */
static gboolean
parse_options (const char *command, GOptionEntry *entries, int argc,
    char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    fprintf (stderr, "ring-helper: %s: %s\n", command, error->message);
    return FALSE;
  }
  if (argc > 1) {
    fprintf (stderr, "ring-helper: bad %s argument '%s'\n", command,
        argv[1]);
    return FALSE;
  }
  return TRUE;
}

#define OPT(name, type, var) \
  { name, 0, 0, G_OPTION_ARG_##type, &(var), NULL, NULL }

static int
feed (const char *name, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  g_autofree char *format_name = NULL;
  RbSampleFormat format = RB_SAMPLE_FORMAT_F32LE;
  gint o_channels = 2, o_rate = 48000, o_mode = 0600, o_bursts = 0,
      o_gap_ms = 0;
  gint64 o_frames = 4096, o_seed = 1, o_start = 0, o_total = 0,
      o_prefill = 0;
  gboolean open_existing = FALSE, unlink_first = FALSE, byte_ring = FALSE;
  gboolean go = FALSE, pace = FALSE, do_hold = FALSE, abandon = FALSE;
  GOptionEntry options[] = {
    OPT ("format", STRING, format_name), OPT ("channels", INT, o_channels),
    OPT ("rate", INT, o_rate), OPT ("frames", INT64, o_frames),
    OPT ("mode", INT, o_mode), OPT ("seed", INT64, o_seed),
    OPT ("start", INT64, o_start), OPT ("total", INT64, o_total),
    OPT ("prefill", INT64, o_prefill), OPT ("bursts", INT, o_bursts),
    OPT ("gap-ms", INT, o_gap_ms), OPT ("open", NONE, open_existing),
    OPT ("unlink", NONE, unlink_first), OPT ("byte-ring", NONE, byte_ring),
    OPT ("go", NONE, go), OPT ("pace", NONE, pace),
    OPT ("hold", NONE, do_hold), OPT ("abandon", NONE, abandon),
    { NULL }
  };
  guint channels, rate, mode, bursts, gap_ms;
  guint64 frames, seed, start, total, prefill;

  /* --mode takes 0600 as octal: GOption reads numbers with base 0 */
  if (!parse_options ("feed", options, argc, argv))
    return 2;
  if (format_name != NULL)
    format = rb_sample_format_from_string (format_name);
  channels = (guint) o_channels;
  rate = (guint) o_rate;
  mode = (guint) o_mode;
  bursts = (guint) o_bursts;
  gap_ms = (guint) o_gap_ms;
  frames = (guint64) o_frames;
  seed = (guint64) o_seed;
  start = (guint64) o_start;
  total = (guint64) o_total;
  prefill = (guint64) o_prefill;

  if (unlink_first)
    rb_ring_unlink (name, NULL);
  if (open_existing)
    ring = rb_ring_open (name, RB_RING_ROLE_PRODUCER, &error);
  else if (byte_ring)
    ring = rb_ring_create (name, frames, RB_RING_FLAGS_NONE,
        RB_RING_ROLE_PRODUCER, mode, &error);
  else
    ring = rb_ring_create_audio (name, format, channels, rate, frames,
        RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, mode, &error);
  if (ring == NULL) {
    fprintf (stderr, "ring-helper: %s\n", error->message);
    return 1;
  }
  rate = MAX (1, rb_ring_get_rate (ring));
  printf ("ready\n");
  fflush (stdout);

  if (go) {
    char line[64];
    if (fgets (line, sizeof line, stdin) == NULL)
      return 1;
  }
  /* when the signal entered the ring, for latency figures */
  printf ("start %" G_GINT64_FORMAT "\n", now_ns ());
  fflush (stdout);

  if (bursts > 0) {
    guint64 per = total / bursts;
    gsize fs = rb_ring_get_frame_size (ring);
    g_autofree guint8 *buf = g_malloc (per * fs);

    for (guint b = 0; b < bursts && !stopping (); b++) {
      if (b > 0)
        g_usleep ((gulong) gap_ms * 1000);
      make_frames (ring, seed, start + b * per, (gsize) per, buf);
      /* one call: the consumer sees each burst whole or not at all */
      if (rb_ring_write_frames (ring, buf, (gsize) per) != per) {
        fprintf (stderr, "ring-helper: burst %u did not fit\n", b);
        return 1;
      }
    }
  } else if (pace) {
    gsize chunk = MAX (1, rate / 100);
    gint64 next = g_get_monotonic_time ();
    guint64 i = MIN (prefill, total == 0 ? prefill : total);

    if (i > 0 && !write_all (ring, seed, start, i))
      return 1;

    while (!stopping () && (total == 0 || i < total)) {
      gsize n = (gsize) (total == 0 ? chunk : MIN (chunk, total - i));
      /* keep one chunk of room: never wait in the middle of a chunk */
      if (rb_ring_write_frames_available (ring) >= n) {
        if (!write_all (ring, seed, start + i, n))
          break;
        i += n;
      }
      next += 10000;
      if (next > g_get_monotonic_time ())
        g_usleep ((gulong) (next - g_get_monotonic_time ()));
    }
  } else if (total > 0) {
    if (!write_all (ring, seed, start, total))
      return 1;
  }
  printf ("done\n");
  fflush (stdout);
  if (abandon)
    _exit (0);
  if (do_hold)
    hold ();
  return 0;
}

static int
drain (const char *name, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = NULL;
  g_autofree char *out_path = NULL, *jack_server = NULL;
  jack_client_t *client = NULL;
  gint64 jack_ns = 0;
  double timeout = 10.0;
  gboolean idle = FALSE;
  FILE *out = NULL;
  guint64 total = 0, pos = 0, clock_frames = 0;
  gint64 clock_ns = 0, deadline;
  gboolean have_clock;
  g_autofree guint8 *buf = NULL;
  gsize fs, chunk;

  GOptionEntry options[] = {
    OPT ("out", STRING, out_path), OPT ("jack-server", STRING, jack_server),
    OPT ("timeout", DOUBLE, timeout), OPT ("idle", NONE, idle),
    { NULL }
  };

  if (!parse_options ("drain", options, argc, argv))
    return 2;

  deadline = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  while ((ring = rb_ring_open (name, RB_RING_ROLE_CONSUMER, &error)) == NULL) {
    if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND) ||
        g_get_monotonic_time () > deadline || stopping ()) {
      fprintf (stderr, "ring-helper: %s\n", error->message);
      return 1;
    }
    g_clear_error (&error);
    g_usleep (10000);
  }
  if (out_path != NULL) {
    out = fopen (out_path, "wb");
    if (out == NULL) {
      fprintf (stderr, "ring-helper: %s: %s\n", out_path, g_strerror (errno));
      return 1;
    }
  }
  if (jack_server != NULL) {
    client = jack_client_open ("ring-helper-clock", JackNoStartServer |
        JackServerName, NULL, jack_server);
    if (client == NULL) {
      fprintf (stderr, "ring-helper: no JACK server '%s'\n", jack_server);
      return 1;
    }
  }
  printf ("ready\n");
  fflush (stdout);

  fs = rb_ring_get_frame_size (ring);
  chunk = rb_ring_get_capacity_frames (ring);
  buf = g_malloc (chunk * fs);
  while (!stopping ()) {
    gsize n;

    if (idle) {
      g_usleep (10000);
      continue;
    }
    n = rb_ring_read_frames (ring, buf, chunk);

    if (n == 0) {
      rb_ring_wait_readable (ring, fs, 20000);
      continue;
    }
    total += n;
    if (out != NULL) {
      fwrite (buf, fs, n, out);
      fflush (out);
    }
  }
  if (out != NULL)
    fclose (out);
  have_clock = rb_ring_get_clock_point (ring, &pos, &clock_ns, &clock_frames);
  if (client != NULL && have_clock) {
    /* JACK's own mapping of that frame time, moved from JACK's clock to
     * CLOCK_MONOTONIC by an offset measured between two readings */
    gint64 before = now_ns ();
    gint64 jack_now = (gint64) jack_get_time () * 1000;
    gint64 after = now_ns ();

    jack_ns = (gint64) jack_frames_to_time (client,
        (jack_nframes_t) clock_frames) * 1000 + (before + after) / 2 -
        jack_now;
  }
  if (client != NULL)
    jack_client_close (client);
  printf ("{\"frames\": %" G_GUINT64_FORMAT ", \"frame_size\": %"
      G_GSIZE_FORMAT ", \"rate\": %u, \"have_clock\": %s, \"clock_position\": %"
      G_GUINT64_FORMAT ", \"clock_ns\": %" G_GINT64_FORMAT
      ", \"clock_frames\": %" G_GUINT64_FORMAT ", \"jack_ns\": %"
      G_GINT64_FORMAT ", \"now_ns\": %"
      G_GINT64_FORMAT ", \"read_position\": %" G_GUINT64_FORMAT
      ", \"overruns\": %" G_GUINT64_FORMAT ", \"underruns\": %"
      G_GUINT64_FORMAT "}\n", total,
      fs, rb_ring_get_rate (ring), have_clock ? "true" : "false", pos,
      clock_ns, clock_frames, jack_ns, now_ns (),
      rb_ring_get_read_position (ring), rb_ring_get_overruns (ring),
      rb_ring_get_underruns (ring));
  fflush (stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  struct sigaction sa = { 0 };

  sa.sa_handler = on_stop;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);

  if (argc < 3) {
    fprintf (stderr, "usage: ring-helper feed|drain NAME [OPTIONS]\n");
    return 2;
  }
  if (strcmp (argv[1], "feed") == 0)
    return feed (argv[2], argc - 2, argv + 2);
  if (strcmp (argv[1], "drain") == 0)
    return drain (argv[2], argc - 2, argv + 2);
  fprintf (stderr, "ring-helper: unknown command '%s'\n", argv[1]);
  return 2;
}
