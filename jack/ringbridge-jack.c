/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack: plays a ring into JACK output ports, or records JACK
 * input ports into a ring.
 *
 * Two threads matter. JACK's process thread runs rt.c and nothing else.
 * The main thread does everything else in one poll() loop: it sets up the
 * ring and the client, makes connections, follows the peer process, feeds
 * the latency report, prints statistics, and handles JACK's notifications
 * and the stop signals. JACK's notification callbacks only store into
 * atomics and write a byte to a pipe that wakes the loop; JACK forbids
 * jack_client_close() from them anyway. A third thread (stop.c) takes the
 * signals, wakes the loop, and ends the program itself if libjack keeps
 * the main thread from doing so.
 *
 * Documentation lives in ringbridge-jack-doc.h, shared with the man page. */

#include "rt.h"
#include "stop.h"
#include "ringbridge-jack-doc.h"
#include "cli-common.h"

#include <ringbridge/ringbridge.h>

#include <jack/jack.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 100
/* how often play looks at its producer and at the ring's name */
#define RING_CHECK_US (G_GINT64_CONSTANT (200) * 1000)
#define RETRY_US G_USEC_PER_SEC
/* the latency report is the fill range over this many ticks */
#define LATENCY_WINDOW 10
/* a callback that makes no progress for this long is stuck (or JACK is
 * gone): the ring it may hold is kept alive rather than freed */
#define SWAP_TIMEOUT_US (G_GINT64_CONSTANT (2) * G_USEC_PER_SEC)
/* after a stop signal, how long the main thread may take to close the
 * client before the signal thread ends the program without it */
#define STOP_GRACE_NS (G_GINT64_CONSTANT (500) * 1000 * 1000)
/* play on exit: how long to wait for a ring's creator to go (300 ms) */
#define RECLAIM_TRIES 30
#define RECLAIM_INTERVAL_US 10000ul

#define DEFAULT_CHANNELS 2
#define DEFAULT_LATENCY_MS 500.0

typedef struct {
  RbJackMode mode;
  gchar *ring_name;
  gchar *client_name;
  gchar *server_name;
  GPtrArray *connect;           /* of GStrv, one per --connect */
  gboolean no_start_server;
  gboolean reconnect;
  gboolean wait;
  gdouble timeout;              /* seconds; 0: for ever */
  RbSampleFormat format;        /* NONE: not given */
  guint channels;               /* 0: not given */
  guint64 frames;               /* record: ring size, play: the most to
                                 * keep queued; 0: not given */
  gdouble latency_ms;           /* the same in ms; 0: not given */
  gboolean overwrite;
  RbRingOpenFlags open_flags;   /* --allow-shared-write, --any-owner */
  gdouble stats_interval;       /* 0: none */
  gboolean verbose;
} Options;

typedef struct {
  Options opt;
  RbJackRt rt;

  /* The ring the main thread holds; rt.ring points to it once installed.
   * For play, also which file it is, to notice a new ring under its name,
   * and the last file refused, to say why only once. */
  RbRing *ring;
  dev_t ring_dev;
  ino_t ring_ino;
  gboolean have_refused;
  dev_t refused_dev;
  ino_t refused_ino;

  jack_client_t *client;
  gboolean ports_registered;
  gboolean active;
  gboolean connections_pending;
  guint jack_rate;              /* the client's sample rate at open */

  int signal_fds[2];            /* signal thread -> main loop */
  int wake_fds[2];              /* JACK callbacks -> main loop */
  /* Record: the ring the signal thread removes if it must end the program
   * while libjack holds the main thread (see force_exit()). */
  _Atomic (RbRing *) exit_ring;

  /* Written by JACK's threads, read by the main thread. */
  atomic_bool server_gone;
  char shutdown_reason[256];    /* written before server_gone is set */
  atomic_uint rate_now;
  atomic_uint buffer_size_now;
  atomic_bool freewheel_now;
  atomic_uint_least64_t xruns;
  /* what the latency callback reports */
  atomic_uint_least64_t latency_min;
  atomic_uint_least64_t latency_max;
  atomic_bool ports_ready;      /* release: rt.ports[] are complete */

  /* Main thread only. */
  gboolean quit;
  int status;
  gboolean running;             /* set up once; a final line is due */
  gint64 wait_deadline;         /* play --timeout; 0: for ever */
  gint64 next_ring_check;
  gint64 next_retry;
  gint64 next_stats;
  guint64 window[LATENCY_WINDOW];
  guint window_len, window_pos;
  gboolean latency_reported;
  RbPeerState peer_state;
  guint peer_pid;
  guint last_buffer_size;
  gboolean last_freewheel;
  gboolean warned_small;
  gboolean told_unbounded;      /* --verbose said the bound cannot act */
} App;

static void
options_clear (Options *opt)
{
  g_clear_pointer (&opt->ring_name, g_free);
  g_clear_pointer (&opt->client_name, g_free);
  g_clear_pointer (&opt->server_name, g_free);
  g_clear_pointer (&opt->connect, g_ptr_array_unref);
}

/* --- messages ------------------------------------------------------------- */

#define print_warning print_error

static void G_GNUC_PRINTF (2, 3)
print_info (const App *app, const char *format, ...)
{
  va_list args;

  if (!app->opt.verbose)
    return;
  va_start (args, format);
  cli_vprint (format, args);
  va_end (args);
}

/* --- parsing -------------------------------------------------------------- */

/* A plain decimal integer in [@min, @max]: no sign, no spaces, no hex. */
static gboolean
parse_uint (const char *s, guint64 min, guint64 max, guint64 *out)
{
  guint64 v = 0;

  if (*s == '\0')
    return FALSE;
  for (const char *p = s; *p != '\0'; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
    if (v > (G_MAXUINT64 - (guint64) (*p - '0')) / 10)
      return FALSE;
    v = v * 10 + (guint64) (*p - '0');
  }
  if (v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

/* A plain decimal number in [@min, @max]: digits and one point, no
 * exponent, sign, hex, "inf" or "nan". */
static gboolean
parse_decimal (const char *s, gdouble min, gdouble max, gdouble *out)
{
  gboolean digits = FALSE, dot = FALSE;
  gdouble v;

  for (const char *p = s; *p != '\0'; p++) {
    if (g_ascii_isdigit (*p))
      digits = TRUE;
    else if (*p == '.' && !dot)
      dot = TRUE;
    else
      return FALSE;
  }
  if (!digits)
    return FALSE;
  v = g_ascii_strtod (s, NULL);
  if (!(v >= min && v <= max))
    return FALSE;
  *out = v;
  return TRUE;
}

/* JACK client names go into port names as "client:port": no ':' in them,
 * and no control characters that would garble every listing. */
static gboolean
validate_client_name (const char *name, gchar **why)
{
  gsize max = (gsize) jack_client_name_size () - 1;

  if (*name == '\0') {
    *why = g_strdup ("it is empty");
    return FALSE;
  }
  if (strlen (name) > max) {
    *why = g_strdup_printf ("it is %" G_GSIZE_FORMAT " bytes long; JACK "
        "allows %" G_GSIZE_FORMAT, strlen (name), max);
    return FALSE;
  }
  for (const char *p = name; *p != '\0'; p++) {
    if (*p == ':') {
      *why = g_strdup ("JACK uses ':' between client and port names");
      return FALSE;
    }
    if ((guchar) *p < 0x20 || *p == 0x7f) {
      *why = g_strdup_printf ("byte %" G_GSIZE_FORMAT " is a control "
          "character", (gsize) (p - name));
      return FALSE;
    }
  }
  return TRUE;
}

enum {
  OPT_NO_START_SERVER = 256,
  OPT_RECONNECT,
  OPT_CHANNELS,
  OPT_FRAMES,
  OPT_LATENCY,
  OPT_OVERWRITE,
  OPT_STATS,
  OPT_ALLOW_SHARED_WRITE,
  OPT_ANY_OWNER,
};

/* Returns -1 to go on, or the status to exit with. */
static int
parse_options (int argc, char **argv, Options *opt)
{
  static const struct option long_options[] = {
    { "name", required_argument, NULL, 'n' },
    { "server", required_argument, NULL, 's' },
    { "connect", required_argument, NULL, 'c' },
    { "no-start-server", no_argument, NULL, OPT_NO_START_SERVER },
    { "reconnect", no_argument, NULL, OPT_RECONNECT },
    { "wait", no_argument, NULL, 'w' },
    { "timeout", required_argument, NULL, 't' },
    { "format", required_argument, NULL, 'f' },
    { "channels", required_argument, NULL, OPT_CHANNELS },
    { "frames", required_argument, NULL, OPT_FRAMES },
    { "latency", required_argument, NULL, OPT_LATENCY },
    { "overwrite", no_argument, NULL, OPT_OVERWRITE },
    { "stats", required_argument, NULL, OPT_STATS },
    { "allow-shared-write", no_argument, NULL, OPT_ALLOW_SHARED_WRITE },
    { "any-owner", no_argument, NULL, OPT_ANY_OWNER },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  /* record-only and play-only options, to refuse them in the other mode */
  const char *record_only = NULL, *play_only = NULL;
  g_autoptr (GError) error = NULL;
  guint64 v;
  int c;

  opt->connect = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  opterr = 0;
  /* '+' would stop at the first non-option; we want "play RING --wait"
   * and "--wait play RING" alike, so permute (the default). Runs before
   * any thread exists. */
  /* NOLINTNEXTLINE(concurrency-mt-unsafe): see above */
  while ((c = getopt_long (argc, argv, ":n:s:c:wt:f:vhV", long_options,
              NULL)) != -1) {
    switch (c) {
      case 'n':
        {
          g_autofree gchar *why = NULL;
          if (!validate_client_name (optarg, &why)) {
            g_autofree gchar *shown = printable (optarg);
            return usage_error ("invalid client name '%s': %s", shown, why);
          }
          g_free (opt->client_name);
          opt->client_name = g_strdup (optarg);
        }
        break;
      case 's':
        if (*optarg == '\0' || strchr (optarg, '/') != NULL) {
          g_autofree gchar *shown = printable (optarg);
          return usage_error ("invalid server name '%s': it must be "
              "non-empty and hold no '/'", shown);
        }
        g_free (opt->server_name);
        opt->server_name = g_strdup (optarg);
        break;
      case 'c':
        {
          gchar **ports = g_strsplit (optarg, ",", -1);
          guint n = g_strv_length (ports);
          gboolean any = FALSE;

          if (n > RB_RING_MAX_CHANNELS) {
            g_strfreev (ports);
            return usage_error ("--connect lists %u ports; a ring has at "
                "most %d channels", n, RB_RING_MAX_CHANNELS);
          }
          for (guint i = 0; i < n; i++) {
            any |= ports[i][0] != '\0';
            if (strcmp (ports[i], "auto") == 0 && n > 1) {
              g_strfreev (ports);
              return usage_error ("--connect auto stands alone, not in a "
                  "list");
            }
          }
          if (!any) {
            g_strfreev (ports);
            return usage_error ("--connect needs at least one port name");
          }
          g_ptr_array_add (opt->connect, ports);
        }
        break;
      case OPT_NO_START_SERVER:
        opt->no_start_server = TRUE;
        break;
      case OPT_RECONNECT:
        opt->reconnect = TRUE;
        break;
      case 'w':
        opt->wait = TRUE;
        play_only = "--wait";
        break;
      case 't':
        if (!parse_decimal (optarg, 0.1, 1e6, &opt->timeout)) {
          g_autofree gchar *shown = printable (optarg);
          return usage_error ("invalid --timeout '%s': must be a number of "
              "seconds from 0.1 to 1000000", shown);
        }
        opt->wait = TRUE;
        play_only = "--timeout";
        break;
      case 'f':
        opt->format = rb_sample_format_from_string (optarg);
        if (opt->format == RB_SAMPLE_FORMAT_NONE) {
          g_autofree gchar *shown = printable (optarg);
          return usage_error ("invalid --format '%s': must be one of F32LE, "
              "F64LE, S32LE, S24_32LE, S24LE, S16LE, U8", shown);
        }
        break;
      case OPT_CHANNELS:
        if (!parse_uint (optarg, 1, RB_RING_MAX_CHANNELS, &v)) {
          g_autofree gchar *shown = printable (optarg);
          return usage_error ("invalid --channels '%s': must be a whole "
              "number from 1 to %d", shown, RB_RING_MAX_CHANNELS);
        }
        opt->channels = (guint) v;
        break;
      case OPT_FRAMES:
        if (!parse_uint (optarg, 1, RB_RING_MAX_CAPACITY, &v)) {
          g_autofree gchar *shown = printable (optarg);
          return usage_error ("invalid --frames '%s': must be a whole "
              "number from 1 to %" G_GUINT64_FORMAT, shown,
              (guint64) RB_RING_MAX_CAPACITY);
        }
        opt->frames = v;
        break;
      case OPT_LATENCY:
        if (!parse_decimal (optarg, 0.1, 3600000.0, &opt->latency_ms)) {
          g_autofree gchar *shown = printable (optarg);
          return usage_error ("invalid --latency '%s': must be a number of "
              "milliseconds from 0.1 to 3600000", shown);
        }
        break;
      case OPT_OVERWRITE:
        opt->overwrite = TRUE;
        record_only = "--overwrite";
        break;
      case OPT_STATS:
        if (!parse_decimal (optarg, 0.1, 86400.0, &opt->stats_interval)) {
          g_autofree gchar *shown = printable (optarg);
          return usage_error ("invalid --stats '%s': must be a number of "
              "seconds from 0.1 to 86400", shown);
        }
        break;
      case OPT_ALLOW_SHARED_WRITE:
        opt->open_flags |= RB_RING_OPEN_FLAGS_SHARED_WRITE;
        break;
      case OPT_ANY_OWNER:
        opt->open_flags |= RB_RING_OPEN_FLAGS_ANY_OWNER;
        break;
      case 'v':
        opt->verbose = TRUE;
        break;
      case 'h':
        return cli_help_print (&jack_doc_page);
      case 'V':
        return cli_version_print (JACK_PROGRAM, RB_VERSION_STRING);
      case ':':
        {
          g_autofree gchar *shown = printable (argv[optind - 1]);
          return usage_error ("option '%s' needs an argument", shown);
        }
      case '?':
      default:
        {
          const char *prev = argv[optind - 1];
          g_autofree gchar *shown = NULL;

          if (optopt != 0 && !g_str_has_prefix (prev, "--"))
            return usage_error ("unknown option '-%c'", optopt);
          if (optopt != 0 && strchr (prev, '=') != NULL) {
            g_autofree gchar *name = g_strndup (prev,
                (gsize) (strchr (prev, '=') - prev));
            return usage_error ("option '%s' takes no argument", name);
          }
          shown = printable (prev);
          return usage_error ("unknown option '%s'", shown);
        }
    }
  }

  if (optind >= argc)
    return usage_error ("missing mode: 'play' or 'record'");
  if (strcmp (argv[optind], "play") == 0)
    opt->mode = RB_JACK_PLAY;
  else if (strcmp (argv[optind], "record") == 0)
    opt->mode = RB_JACK_RECORD;
  else {
    g_autofree gchar *shown = printable (argv[optind]);
    return usage_error ("unknown mode '%s': must be 'play' or 'record'",
        shown);
  }
  if (optind + 1 >= argc)
    return usage_error ("missing ring name");
  if (!rb_ring_name_validate (argv[optind + 1], &error))
    return usage_error ("%s", error->message);
  opt->ring_name = g_strdup (argv[optind + 1]);
  if (optind + 2 < argc) {
    g_autofree gchar *shown = printable (argv[optind + 2]);
    return usage_error ("unexpected argument '%s'", shown);
  }

  if (opt->mode == RB_JACK_PLAY && record_only != NULL)
    return usage_error ("%s is for record, not play", record_only);
  if (opt->mode == RB_JACK_RECORD && play_only != NULL)
    return usage_error ("%s is for play, not record", play_only);
  if (opt->frames != 0 && opt->latency_ms != 0)
    return usage_error ("--frames and --latency both %s: give one",
        opt->mode == RB_JACK_PLAY ? "bound what play keeps queued" :
        "size the ring");

  if (opt->client_name == NULL) {
    g_autofree gchar *why = NULL;

    opt->client_name = g_strdup_printf ("ringbridge-%s-%s",
        opt->mode == RB_JACK_PLAY ? "play" : "record", opt->ring_name);
    if (!validate_client_name (opt->client_name, &why))
      return usage_error ("the default client name '%s' does not fit: %s; "
          "choose one with --name", opt->client_name, why);
  }
  if (opt->mode == RB_JACK_RECORD) {
    if (opt->format == RB_SAMPLE_FORMAT_NONE)
      opt->format = RB_SAMPLE_FORMAT_F32LE;
    if (opt->channels == 0)
      opt->channels = DEFAULT_CHANNELS;
    if (opt->frames != 0 && opt->frames > RB_RING_MAX_CAPACITY /
        (rb_sample_format_get_size (opt->format) * opt->channels))
      return usage_error ("--frames %" G_GUINT64_FORMAT " of %" G_GSIZE_FORMAT
          " bytes exceed the largest ring (%" G_GUINT64_FORMAT " bytes)",
          opt->frames, rb_sample_format_get_size (opt->format) *
          opt->channels, (guint64) RB_RING_MAX_CAPACITY);
  }
  /* play without --channels learns its channel count from the ring */
  if (opt->channels != 0) {
    for (guint i = 0; i < opt->connect->len; i++) {
      GStrv ports = g_ptr_array_index (opt->connect, i);
      if (g_strv_length (ports) > opt->channels)
        return usage_error ("--connect lists %u ports, but there are only "
            "%u channels", g_strv_length (ports), opt->channels);
    }
  }
  return -1;
}

/* Frames in @ms milliseconds at @rate, rounded up: at least that long,
 * and at least one frame. */
static guint64
frames_for_ms (gdouble ms, guint rate)
{
  guint64 frames = (guint64) (ms * rate / 1000.0);

  if ((gdouble) frames * 1000.0 < ms * rate)
    frames++;
  return MAX (frames, 1);
}

/* --- ring errors ---------------------------------------------------------- */

static int
status_for_ring_error (const GError *error)
{
  if (error->domain != RB_RING_ERROR)
    return EX_SOFTWARE;
  switch ((RbRingError) error->code) {
    case RB_RING_ERROR_NOT_FOUND:
      return EX_NOINPUT;
    case RB_RING_ERROR_EXISTS:
    case RB_RING_ERROR_BUSY:
    case RB_RING_ERROR_NO_SPACE:
      return EX_CANTCREAT;
    case RB_RING_ERROR_PERMISSION:
      return EX_NOPERM;
    case RB_RING_ERROR_INVALID_NAME:
    case RB_RING_ERROR_INVALID_CAPACITY:
      return EX_USAGE;
    case RB_RING_ERROR_NOT_A_RING:
    case RB_RING_ERROR_INCOMPATIBLE:
    case RB_RING_ERROR_CORRUPT:
    case RB_RING_ERROR_INVALID_ROLE:
    case RB_RING_ERROR_INVALID_FORMAT:
    case RB_RING_ERROR_INVALID_FLAGS:
    case RB_RING_ERROR_NOT_SEALED:
      return EX_DATAERR;
    case RB_RING_ERROR_NO_MEMORY:
    case RB_RING_ERROR_NO_MEMFD:
    case RB_RING_ERROR_MAP_FAILED:
    case RB_RING_ERROR_FAILED:
    default:
      return EX_OSERR;
  }
}

/* The options that would accept the ring @app refused for its owner or
 * mode, or NULL: the library's message says what it refused, not how to
 * opt in. */
static const char *
permission_hint (App *app)
{
  g_autofree gchar *path = rb_ring_name_to_path (app->opt.ring_name);
  RbRingOpenFlags f = app->opt.open_flags;
  gboolean other_owner, shared_write;
  struct stat st;

  if (path == NULL || stat (path, &st) != 0)
    return NULL;
  other_owner = st.st_uid != geteuid () && !(f & RB_RING_OPEN_FLAGS_ANY_OWNER);
  shared_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
      !(f & RB_RING_OPEN_FLAGS_SHARED_WRITE);
  if (other_owner && shared_write)
    return "--any-owner --allow-shared-write";
  if (other_owner)
    return "--any-owner";
  if (shared_write)
    return "--allow-shared-write";
  return NULL;
}

/* Prints the library's @error about attaching to the ring, with the
 * options that opt in to a ring it refused for its owner or mode. */
static void
print_ring_error (App *app, const GError *error)
{
  const char *hint = NULL;

  if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION))
    hint = permission_hint (app);
  if (hint != NULL)
    print_error ("%s; if the ring is shared on purpose, %s accepts it",
        error->message, hint);
  else
    print_error ("%s", error->message);
}

static gchar *
describe_format (RbSampleFormat format, guint channels, guint rate)
{
  return g_strdup_printf ("%s, %u channel%s, %u Hz",
      rb_sample_format_to_string (format), channels, channels == 1 ? "" : "s",
      rate);
}

static gchar *
describe_ring (RbRing *ring)
{
  return describe_format (rb_ring_get_sample_format (ring),
      rb_ring_get_channels (ring), rb_ring_get_rate (ring));
}

/* Why @ring cannot be played through the ports we have (or would make),
 * or NULL if it can. */
static gchar *
play_misfit (App *app, RbRing *ring)
{
  guint want_channels = app->ports_registered ? app->rt.n_ports :
      app->opt.channels;
  g_autofree gchar *has = NULL;

  if (rb_ring_get_sample_format (ring) == RB_SAMPLE_FORMAT_NONE)
    return g_strdup_printf ("ring '%s' is a byte ring, not an audio ring",
        app->opt.ring_name);
  has = describe_ring (ring);
  if (want_channels != 0 && rb_ring_get_channels (ring) != want_channels)
    return g_strdup_printf ("ring '%s' (%s) has %u channel%s, not %u",
        app->opt.ring_name, has, rb_ring_get_channels (ring),
        rb_ring_get_channels (ring) == 1 ? "" : "s", want_channels);
  if (app->opt.format != RB_SAMPLE_FORMAT_NONE &&
      rb_ring_get_sample_format (ring) != app->opt.format)
    return g_strdup_printf ("ring '%s' (%s) is not %s", app->opt.ring_name,
        has, rb_sample_format_to_string (app->opt.format));
  if (app->client != NULL && rb_ring_get_rate (ring) != app->jack_rate)
    return g_strdup_printf ("ring '%s' (%s) runs at %u Hz but JACK runs at "
        "%u Hz; resample before the ring (it would play at the wrong speed)",
        app->opt.ring_name, has, rb_ring_get_rate (ring), app->jack_rate);
  return NULL;
}

static void
lock_ring (App *app, RbRing *ring)
{
  g_autoptr (GError) error = NULL;

  /* a page of the ring faulting in the process thread is an xrun */
  if (!rb_ring_lock_memory (ring, &error))
    print_warning ("warning: %s; the ring stays populated but unlocked, "
        "and may be swapped out", error->message);
}

static void
remember_file (RbRing *ring, dev_t *dev, ino_t *ino)
{
  struct stat st;

  if (fstat (rb_ring_get_fd (ring), &st) == 0) {
    *dev = st.st_dev;
    *ino = st.st_ino;
  }
}

/* --- clock ---------------------------------------------------------------- */

static gint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Measures CLOCK_MONOTONIC minus JACK's clock for rt.c's clock points:
 * the best of a few tries, the one least disturbed by preemption. */
static void
measure_clock_offset (App *app)
{
  gint64 best_span = G_MAXINT64, offset = 0;

  for (int i = 0; i < 3; i++) {
    gint64 before = monotonic_ns ();
    gint64 jack_ns = (gint64) jack_get_time () * 1000;
    gint64 after = monotonic_ns ();

    if (after - before < best_span) {
      best_span = after - before;
      offset = before + (after - before) / 2 - jack_ns;
    }
  }
  /* relaxed: a value on its own; see RbJackRt.clock_offset_ns */
  atomic_store_explicit (&app->rt.clock_offset_ns, offset,
      memory_order_relaxed);
}

/* --- JACK callbacks (JACK's threads; atomics and the wake pipe only) ------ */

static void
wake_main (App *app)
{
  char byte = 1;
  ssize_t n;

  /* non-blocking: a full pipe already holds a wake-up */
  n = write (app->wake_fds[1], &byte, 1);
  (void) n;
}

static void
on_shutdown (jack_status_t code, const char *reason, void *arg)
{
  App *app = arg;

  /* JACK calls this as it would a signal handler: a copy into our own
   * buffer, a flag, a byte down the pipe */
  strncpy (app->shutdown_reason, reason != NULL ? reason : "",
      sizeof app->shutdown_reason - 1);
  /* release: pairs with the acquire load in handle_notifications(); the
   * reason is complete before the flag shows */
  atomic_store_explicit (&app->server_gone, true, memory_order_release);
  wake_main (app);
}

static int
on_sample_rate (jack_nframes_t rate, void *arg)
{
  App *app = arg;

  /* relaxed: the wake-up carries no data with it; the main thread
   * compares the latest value */
  atomic_store_explicit (&app->rate_now, rate, memory_order_relaxed);
  wake_main (app);
  return 0;
}

static int
on_buffer_size (jack_nframes_t size, void *arg)
{
  App *app = arg;

  /* relaxed: as on_sample_rate() */
  atomic_store_explicit (&app->buffer_size_now, size, memory_order_relaxed);
  wake_main (app);
  return 0;
}

static void
on_freewheel (int starting, void *arg)
{
  App *app = arg;

  /* relaxed: rt.c only skips clock points on it; no data goes with it */
  atomic_store_explicit (&app->rt.freewheeling, starting != 0,
      memory_order_relaxed);
  /* relaxed: as on_sample_rate() */
  atomic_store_explicit (&app->freewheel_now, starting != 0,
      memory_order_relaxed);
  wake_main (app);
}

static int
on_xrun (void *arg)
{
  App *app = arg;

  /* relaxed: a statistic */
  atomic_fetch_add_explicit (&app->xruns, 1, memory_order_relaxed);
  return 0;
}

static void
on_latency (jack_latency_callback_mode_t mode, void *arg)
{
  App *app = arg;
  jack_latency_range_t range;

  /* The ring is where data waits: between its producer and our output
   * ports (play: how long ago the data was "captured"), or between our
   * input ports and its consumer (record: how long until it is "played").
   * The other direction is JACK's to compute. */
  if (mode != (app->rt.mode == RB_JACK_PLAY ? JackCaptureLatency :
          JackPlaybackLatency))
    return;
  /* acquire: pairs with the release store in register_ports() */
  if (!atomic_load_explicit (&app->ports_ready, memory_order_acquire))
    return;
  /* relaxed: the two bounds are a report, and jack_recompute_total_latencies()
   * (a server round trip) orders them before this callback anyway */
  range.min = (jack_nframes_t) MIN (G_MAXUINT32,
      atomic_load_explicit (&app->latency_min, memory_order_relaxed));
  range.max = (jack_nframes_t) MIN (G_MAXUINT32,
      atomic_load_explicit (&app->latency_max, memory_order_relaxed));
  for (unsigned c = 0; c < app->rt.n_ports; c++)
    jack_port_set_latency_range (app->rt.ports[c], mode, &range);
}

static void
jack_quiet (const char *msg)
{
}

/* --- the JACK client ------------------------------------------------------ */

/* The server's name, for messages. */
static const char *
server_label (App *app)
{
  if (app->opt.server_name != NULL)
    return app->opt.server_name;
  if (g_getenv ("JACK_DEFAULT_SERVER") != NULL)
    return g_getenv ("JACK_DEFAULT_SERVER");
  return "default";
}

/* Opens the client. @first: at start-up, when a failure ends the program
 * (and may start a server unless told not to); later, a failure is only
 * reported with --verbose and tried again. Returns 0 or an exit status. */
static int
open_client (App *app, gboolean first)
{
  /* Not JackUseExactName: jackd 1.9 then fails a taken name with a
   * generic server error. Without it JACK renames us ("name-01"), which
   * we see and refuse: the name must be the one asked for. */
  jack_options_t options = JackNullOption;
  jack_status_t status = 0;

  if (app->opt.no_start_server || !first)
    options |= JackNoStartServer;
  if (app->opt.server_name != NULL)
    options |= JackServerName;
  app->client = jack_client_open (app->opt.client_name, options, &status,
      app->opt.server_name);
  if (app->client == NULL) {
    const char *server = server_label (app);

    if (!first) {
      print_info (app, "JACK server '%s' not back yet", server);
      return EX_UNAVAILABLE;
    }
    if (status & JackNameNotUnique) {
      print_error ("the JACK server '%s' has a client named '%s' already; "
          "choose another with --name", server, app->opt.client_name);
      return EX_CANTCREAT;
    }
    if (status & JackServerFailed) {
      print_error ("cannot connect to the JACK server '%s': it is not "
          "running%s", server, options & JackNoStartServer ? "" :
          " and could not be started");
      return EX_UNAVAILABLE;
    }
    if (status & JackVersionError) {
      print_error ("the JACK server '%s' speaks another protocol version "
          "than this libjack", server);
      return EX_UNAVAILABLE;
    }
    print_error ("the JACK server '%s' refused the client '%s' (status "
        "0x%x)", server, app->opt.client_name, (unsigned) status);
    return EX_UNAVAILABLE;
  }
  if (strcmp (jack_get_client_name (app->client), app->opt.client_name) !=
      0) {
    const char *server = server_label (app);

    jack_client_close (app->client);
    app->client = NULL;
    if (!first) {
      print_info (app, "the JACK server '%s' has a client named '%s' "
          "already; trying again", server, app->opt.client_name);
      return EX_CANTCREAT;
    }
    print_error ("the JACK server '%s' has a client named '%s' already; "
        "choose another with --name", server, app->opt.client_name);
    return EX_CANTCREAT;
  }
  if (status & JackServerStarted)
    print_info (app, "started a JACK server");
  app->jack_rate = jack_get_sample_rate (app->client);
  /* relaxed: only the main thread is around yet */
  atomic_store_explicit (&app->rate_now, app->jack_rate,
      memory_order_relaxed);
  atomic_store_explicit (&app->buffer_size_now,
      jack_get_buffer_size (app->client), memory_order_relaxed);
  atomic_store_explicit (&app->server_gone, false, memory_order_relaxed);
  app->last_buffer_size = 0;
  app->ports_registered = FALSE;
  app->active = FALSE;

  jack_on_info_shutdown (app->client, on_shutdown, app);
  jack_set_process_callback (app->client, rb_jack_rt_process, &app->rt);
  jack_set_sample_rate_callback (app->client, on_sample_rate, app);
  jack_set_buffer_size_callback (app->client, on_buffer_size, app);
  jack_set_freewheel_callback (app->client, on_freewheel, app);
  jack_set_xrun_callback (app->client, on_xrun, app);
  jack_set_latency_callback (app->client, on_latency, app);
  app->rt.client = app->client;
  measure_clock_offset (app);
  print_info (app, "JACK client '%s' at %u Hz, %u frames per period",
      jack_get_client_name (app->client), app->jack_rate,
      jack_get_buffer_size (app->client));
  return 0;
}

static void
close_client (App *app)
{
  if (app->client == NULL)
    return;
  /* acquire: pairs with the release store in on_shutdown(); a client the
   * server dropped has nothing left to deactivate */
  if (app->active && !atomic_load_explicit (&app->server_gone,
          memory_order_acquire))
    jack_deactivate (app->client);
  jack_client_close (app->client);
  app->client = NULL;
  app->active = FALSE;
  app->ports_registered = FALSE;
  /* release: pairs with the acquire load in on_latency(); no client, no
   * callbacks, but keep the flag honest */
  atomic_store_explicit (&app->ports_ready, false, memory_order_release);
}

static int
register_ports (App *app, guint n)
{
  const char *prefix = app->rt.mode == RB_JACK_PLAY ? "out" : "in";
  unsigned long flags = (app->rt.mode == RB_JACK_PLAY ? JackPortIsOutput :
      JackPortIsInput) | JackPortIsTerminal;

  for (guint c = 0; c < n; c++) {
    g_autofree gchar *name = g_strdup_printf ("%s_%u", prefix, c + 1);

    app->rt.ports[c] = jack_port_register (app->client, name,
        JACK_DEFAULT_AUDIO_TYPE, flags, 0);
    if (app->rt.ports[c] == NULL) {
      print_error ("cannot register the JACK port '%s:%s'",
          app->opt.client_name, name);
      return EX_UNAVAILABLE;
    }
  }
  app->rt.n_ports = n;
  app->ports_registered = TRUE;
  /* release: pairs with the acquire load in on_latency(): the ports are
   * all there before it looks */
  atomic_store_explicit (&app->ports_ready, true, memory_order_release);
  return 0;
}

/* The physical ports of the direction our ports connect to, for
 * "--connect auto"; free with jack_free(). */
static const char **
physical_ports (App *app)
{
  return jack_get_ports (app->client, NULL, JACK_DEFAULT_AUDIO_TYPE,
      JackPortIsPhysical | (app->rt.mode == RB_JACK_PLAY ? JackPortIsInput :
          JackPortIsOutput));
}

/* Checks that --connect's port @target exists and is an audio port of the
 * direction ours connect to. Returns 0 or an exit status, with a message
 * if @report. */
static int
check_target (App *app, const char *target, gboolean report)
{
  jack_port_t *port = jack_port_by_name (app->client, target);
  gboolean play = app->rt.mode == RB_JACK_PLAY;
  int flags;

  if (port == NULL) {
    if (report)
      print_error ("no JACK port '%s' to connect to (see jack_lsp)", target);
    return EX_NOINPUT;
  }
  flags = jack_port_flags (port);
  if (strcmp (jack_port_type (port), JACK_DEFAULT_AUDIO_TYPE) != 0) {
    if (report)
      print_error ("JACK port '%s' is not an audio port (%s)", target,
          jack_port_type (port));
    return EX_DATAERR;
  }
  if (play && !(flags & JackPortIsInput)) {
    if (report)
      print_error ("JACK port '%s' is an output port; play's outputs "
          "connect to input ports", target);
    return EX_DATAERR;
  }
  if (!play && !(flags & JackPortIsOutput)) {
    if (report)
      print_error ("JACK port '%s' is an input port; record's inputs "
          "connect to output ports", target);
    return EX_DATAERR;
  }
  return 0;
}

/* Before activation at start-up: every --connect port exists and fits. */
static int
check_connections (App *app)
{
  for (guint i = 0; i < app->opt.connect->len; i++) {
    GStrv ports = g_ptr_array_index (app->opt.connect, i);

    if (g_strv_length (ports) > app->rt.n_ports) {
      print_error ("--connect lists %u ports, but there are only %u "
          "channels", g_strv_length (ports), app->rt.n_ports);
      return EX_USAGE;
    }
    if (strcmp (ports[0], "auto") == 0)
      continue;
    for (guint c = 0; ports[c] != NULL; c++) {
      int status;

      if (ports[c][0] == '\0')
        continue;
      status = check_target (app, ports[c], TRUE);
      if (status != 0)
        return status;
    }
  }
  return 0;
}

/* Connects our port @c to @target. Returns 0 or an exit status. */
static int
connect_one (App *app, guint c, const char *target, gboolean report)
{
  const char *ours = jack_port_name (app->rt.ports[c]);
  int status = check_target (app, target, report);
  int res;

  if (status != 0)
    return status;
  if (app->rt.mode == RB_JACK_PLAY)
    res = jack_connect (app->client, ours, target);
  else
    res = jack_connect (app->client, target, ours);
  if (res != 0 && res != EEXIST) {
    if (report)
      print_error ("cannot connect '%s' and '%s' (JACK error %d)", ours,
          target, res);
    return EX_UNAVAILABLE;
  }
  if (res == 0)
    print_info (app, "connected %s %s %s", ours,
        app->rt.mode == RB_JACK_PLAY ? "->" : "<-", target);
  return 0;
}

/* Makes every --connect connection. @strict: at start-up, the first
 * failure is the exit status; after a reconnect, failures are left
 * pending and tried again later. */
static int
make_connections (App *app, gboolean strict)
{
  app->connections_pending = FALSE;
  for (guint i = 0; i < app->opt.connect->len; i++) {
    GStrv ports = g_ptr_array_index (app->opt.connect, i);

    if (strcmp (ports[0], "auto") == 0) {
      const char **phys = physical_ports (app);
      guint n = 0;

      for (guint c = 0; phys != NULL && phys[c] != NULL &&
          c < app->rt.n_ports; c++, n++) {
        int status = connect_one (app, c, phys[c], strict);
        if (status != 0 && strict) {
          jack_free (phys);
          return status;
        }
        app->connections_pending |= status != 0;
      }
      if (phys != NULL)
        jack_free (phys);
      if (n == 0)
        print_warning ("warning: --connect auto: the JACK server has no "
            "physical %s ports", app->rt.mode == RB_JACK_PLAY ? "playback" :
            "capture");
      continue;
    }
    for (guint c = 0; ports[c] != NULL; c++) {
      int status;

      if (ports[c][0] == '\0')
        continue;
      status = connect_one (app, c, ports[c], strict);
      if (status != 0 && strict)
        return status;
      app->connections_pending |= status != 0;
    }
  }
  if (app->connections_pending)
    print_info (app, "some --connect ports do not exist yet; trying again "
        "every second");
  return 0;
}

static guint64
ring_capacity_frames (App *app)
{
  return app->ring != NULL ? rb_ring_get_capacity_frames (app->ring) : 0;
}

static void
check_period (App *app, guint period)
{
  guint64 cap = ring_capacity_frames (app);

  if (app->ring == NULL || cap >= period || app->warned_small)
    return;
  app->warned_small = TRUE;
  print_warning ("warning: ring '%s' holds %" G_GUINT64_FORMAT " frames, "
      "less than JACK's period of %u: every cycle will come up short",
      app->opt.ring_name, cap, period);
}

/* Play with --frames/--latency: says (with --verbose) when the ring is
 * too small for the bound ever to drop anything. The fill never exceeds
 * the capacity, and the callback skips only above max_fill + a period. */
static void
check_bound (App *app, guint period)
{
  guint64 cap = ring_capacity_frames (app);
  guint64 max_fill = app->rt.max_fill;
  gboolean unbounded;

  if (app->ring == NULL || max_fill == 0)
    return;
  unbounded = max_fill + period >= cap;
  if (unbounded && !app->told_unbounded)
    print_info (app, "ring '%s' holds %" G_GUINT64_FORMAT " frames: with "
        "a period of %u frames, keeping at most %" G_GUINT64_FORMAT
        " queued never drops any", app->opt.ring_name, cap, period,
        max_fill);
  app->told_unbounded = unbounded;
}

/* Play: --frames, or --latency at JACK's rate, as rt.c's max_fill. */
static void
set_max_fill (App *app)
{
  guint64 max_fill = 0;

  if (app->rt.mode != RB_JACK_PLAY)
    return;
  if (app->opt.frames != 0)
    max_fill = app->opt.frames;
  else if (app->opt.latency_ms != 0)
    max_fill = frames_for_ms (app->opt.latency_ms, app->jack_rate);
  if (max_fill != 0 && max_fill != app->rt.max_fill)
    print_info (app, "keeping at most %" G_GUINT64_FORMAT " frames (%.2f "
        "ms) queued in the ring; older frames are skipped", max_fill,
        (double) max_fill * 1000.0 / app->jack_rate);
  app->rt.max_fill = max_fill;
}

static void reset_latency (App *app);

/* Registers the ports if needed, activates and connects. Returns 0 or an
 * exit status. */
static int
start_client (App *app, guint n_ports, gboolean strict)
{
  int status;

  if (!app->ports_registered) {
    status = register_ports (app, n_ports);
    if (status != 0)
      return status;
  }
  if (strict) {
    status = check_connections (app);
    if (status != 0)
      return status;
  }
  reset_latency (app);
  rb_jack_rt_reset_clock (&app->rt);
  /* no callback runs yet: rt.max_fill is ours to write */
  set_max_fill (app);
  if (jack_activate (app->client) != 0) {
    print_error ("cannot activate the JACK client '%s'",
        app->opt.client_name);
    return EX_UNAVAILABLE;
  }
  app->active = TRUE;
  check_period (app, jack_get_buffer_size (app->client));
  check_bound (app, jack_get_buffer_size (app->client));
  return make_connections (app, strict);
}

/* --- the ring ------------------------------------------------------------- */

/* Play: hands @ring to the callback, dropping the one it had. */
static void
install_ring (App *app, RbRing *ring)
{
  RbRing *old = app->ring;

  lock_ring (app, ring);
  app->ring = ring;
  remember_file (ring, &app->ring_dev, &app->ring_ino);
  app->peer_state = RB_PEER_STATE_NONE;
  app->peer_pid = 0;
  app->warned_small = FALSE;
  app->told_unbounded = FALSE;
  if (!app->active) {
    /* no callback runs: nothing can hold the old ring */
    atomic_store_explicit (&app->rt.ring, ring, memory_order_seq_cst);
  } else if (!rb_jack_rt_swap_ring (&app->rt, ring, SWAP_TIMEOUT_US)) {
    print_warning ("warning: the JACK process callback did not run for %d "
        "s; keeping the old ring mapped in case it still reads it",
        (int) (SWAP_TIMEOUT_US / G_USEC_PER_SEC));
    old = NULL;                 /* leaked on purpose: see above */
  }
  g_clear_object (&old);
  if (app->client != NULL) {
    check_period (app, jack_get_buffer_size (app->client));
    check_bound (app, jack_get_buffer_size (app->client));
  }
}

/* Play: tries to attach to the ring. Returns 0 when attached, -1 when it
 * does not exist (yet), or an exit status. */
static int
play_open_ring (App *app)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *misfit = NULL;
  g_autofree gchar *has = NULL;
  RbRing *ring = rb_ring_open_full (app->opt.ring_name,
      RB_RING_ROLE_CONSUMER, app->opt.open_flags, &error);

  if (ring == NULL) {
    if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND))
      return -1;
    print_ring_error (app, error);
    return status_for_ring_error (error);
  }
  misfit = play_misfit (app, ring);
  if (misfit != NULL) {
    print_error ("%s", misfit);
    g_object_unref (ring);
    return EX_DATAERR;
  }
  has = describe_ring (ring);
  print_info (app, "attached to ring '%s' (%s, %" G_GSIZE_FORMAT " frames)",
      app->opt.ring_name, has, rb_ring_get_capacity_frames (ring));
  install_ring (app, ring);
  return 0;
}

/* Play, while running: the producer may have made a new ring under the
 * name (the old one removed); follow it if it fits. */
static void
play_follow_name (App *app)
{
  g_autofree gchar *path = rb_ring_name_to_path (app->opt.ring_name);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *misfit = NULL;
  struct stat st;
  RbRing *ring;

  if (stat (path, &st) != 0)
    return;                     /* removed, no new one: keep the old */
  if (st.st_dev == app->ring_dev && st.st_ino == app->ring_ino)
    return;
  if (app->have_refused && st.st_dev == app->refused_dev &&
      st.st_ino == app->refused_ino)
    return;
  ring = rb_ring_open_full (app->opt.ring_name, RB_RING_ROLE_CONSUMER,
      app->opt.open_flags, &error);
  if (ring == NULL) {
    if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
      print_warning ("warning: a new ring '%s' appeared, but: %s; staying "
          "on the old one", app->opt.ring_name, error->message);
      app->have_refused = TRUE;
      app->refused_dev = st.st_dev;
      app->refused_ino = st.st_ino;
    }
    return;
  }
  misfit = play_misfit (app, ring);
  if (misfit != NULL) {
    print_warning ("warning: a new %s; staying silent on the old one",
        misfit);
    remember_file (ring, &app->refused_dev, &app->refused_ino);
    app->have_refused = TRUE;
    g_object_unref (ring);
    return;
  }
  print_info (app, "ring '%s' was made anew: switching to the new ring",
      app->opt.ring_name);
  install_ring (app, ring);
}

/* Record: creates the ring, or takes over one whose producer is gone.
 * Returns 0 or an exit status. */
static int
record_create_ring (App *app)
{
  const Options *o = &app->opt;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) reclaim_error = NULL;
  g_autoptr (GError) open_error = NULL;
  g_autofree gchar *want = describe_format (o->format, o->channels,
      app->jack_rate);
  RbRingFlags flags = o->overwrite ? RB_RING_FLAGS_OVERWRITE :
      RB_RING_FLAGS_NONE;
  guint64 frames = o->frames;
  RbRing *ring;

  if (frames == 0)
    frames = frames_for_ms (o->latency_ms != 0 ? o->latency_ms :
        DEFAULT_LATENCY_MS, app->jack_rate);
  if (frames > RB_RING_MAX_CAPACITY / (rb_sample_format_get_size (o->format)
          * o->channels)) {
    print_error ("a ring of %" G_GUINT64_FORMAT " frames of %s exceeds the "
        "largest ring (%" G_GUINT64_FORMAT " bytes)", frames, want,
        (guint64) RB_RING_MAX_CAPACITY);
    usage_hint ();
    return EX_USAGE;
  }

  ring = rb_ring_create_audio (o->ring_name, o->format, o->channels,
      app->jack_rate, (gsize) frames, flags, RB_RING_ROLE_PRODUCER, 0600,
      &error);
  if (ring == NULL && g_error_matches (error, RB_RING_ERROR,
          RB_RING_ERROR_EXISTS)) {
    if (rb_ring_reclaim_stale (o->ring_name, &reclaim_error)) {
      print_warning ("removed the stale ring '%s' that processes which died "
          "left behind", o->ring_name);
      g_clear_error (&error);
      ring = rb_ring_create_audio (o->ring_name, o->format, o->channels,
          app->jack_rate, (gsize) frames, flags, RB_RING_ROLE_PRODUCER, 0600,
          &error);
    } else if (g_error_matches (reclaim_error, RB_RING_ERROR,
            RB_RING_ERROR_BUSY)) {
      /* Someone alive uses it. If only its producer is gone (we were
       * killed and restarted, say), continue it in that producer's place,
       * as the library intends for restarts. */
      ring = rb_ring_open_full (o->ring_name, RB_RING_ROLE_PRODUCER,
          o->open_flags, &open_error);
      if (ring != NULL) {
        g_autofree gchar *has = describe_ring (ring);
        guint consumer = rb_ring_get_peer_pid (ring);

        if (rb_ring_get_sample_format (ring) != o->format ||
            rb_ring_get_channels (ring) != o->channels ||
            rb_ring_get_rate (ring) != app->jack_rate ||
            rb_ring_get_flags (ring) != flags) {
          print_error ("%s, with another format (%s%s) than this recording "
              "(%s%s)", error->message, has, rb_ring_get_flags (ring) &
              RB_RING_FLAGS_OVERWRITE ? ", overwrite" : "", want,
              o->overwrite ? ", overwrite" : "");
          g_object_unref (ring);
          return EX_CANTCREAT;
        }
        print_warning ("ring '%s' exists and its producer is gone: "
            "continuing it as its producer (consumer pid %u)", o->ring_name,
            consumer);
        g_clear_error (&error);
      } else if (!g_error_matches (open_error, RB_RING_ERROR,
              RB_RING_ERROR_BUSY)) {
        print_ring_error (app, open_error);
        return status_for_ring_error (open_error);
      }
    } else {
      print_error ("%s", reclaim_error->message);
      return status_for_ring_error (reclaim_error);
    }
  }
  if (ring == NULL) {
    print_error ("%s", error->message);
    return status_for_ring_error (error);
  }
  {
    g_autofree gchar *has = describe_ring (ring);
    print_info (app, "ring '%s': %s, %" G_GSIZE_FORMAT " frames%s",
        o->ring_name, has, rb_ring_get_capacity_frames (ring),
        rb_ring_get_flags (ring) & RB_RING_FLAGS_OVERWRITE ? ", overwrite" :
        "");
  }
  lock_ring (app, ring);
  app->ring = ring;
  atomic_store_explicit (&app->rt.ring, ring, memory_order_seq_cst);
  /* release: pairs with the acquire load in force_exit(); the ring is
   * complete before the signal thread may use it */
  atomic_store_explicit (&app->exit_ring, ring, memory_order_release);
  return 0;
}

/* --- latency -------------------------------------------------------------- */

static void
reset_latency (App *app)
{
  guint64 fill = 0;

  if (app->ring != NULL) {
    guint64 w = rb_ring_get_write_position (app->ring);
    guint64 r = rb_ring_get_read_position (app->ring);
    guint64 used = w - r;

    if ((gint64) used < 0)
      used = 0;
    fill = MIN (used, rb_ring_get_capacity (app->ring)) /
        rb_ring_get_frame_size (app->ring);
  }
  app->window_len = 0;
  app->window_pos = 0;
  app->latency_reported = FALSE;
  /* relaxed: read by on_latency() after a server round trip */
  atomic_store_explicit (&app->latency_min, fill, memory_order_relaxed);
  atomic_store_explicit (&app->latency_max, fill, memory_order_relaxed);
}

/* Each tick: one more fill sample; once a window is full, report the
 * range if it moved by more than a period. */
static void
update_latency (App *app)
{
  guint64 lo = G_MAXUINT64, hi = 0, old_lo, old_hi, period;

  if (!app->active || app->ring == NULL)
    return;
  /* relaxed: a statistic written by the callback */
  app->window[app->window_pos] = atomic_load_explicit (&app->rt.fill,
      memory_order_relaxed);
  app->window_pos = (app->window_pos + 1) % LATENCY_WINDOW;
  if (app->window_len < LATENCY_WINDOW) {
    app->window_len++;
    if (app->window_len < LATENCY_WINDOW)
      return;
  }
  for (guint i = 0; i < LATENCY_WINDOW; i++) {
    lo = MIN (lo, app->window[i]);
    hi = MAX (hi, app->window[i]);
  }
  /* relaxed: only this thread writes them */
  old_lo = atomic_load_explicit (&app->latency_min, memory_order_relaxed);
  old_hi = atomic_load_explicit (&app->latency_max, memory_order_relaxed);
  period = jack_get_buffer_size (app->client);
  if (app->latency_reported && lo + period > old_lo && lo < old_lo + period &&
      hi + period > old_hi && hi < old_hi + period)
    return;
  /* relaxed: jack_recompute_total_latencies() is a server round trip
   * before on_latency() reads them */
  atomic_store_explicit (&app->latency_min, lo, memory_order_relaxed);
  atomic_store_explicit (&app->latency_max, hi, memory_order_relaxed);
  app->latency_reported = TRUE;
  print_info (app, "latency of the ring: %" G_GUINT64_FORMAT " to %"
      G_GUINT64_FORMAT " frames", lo, hi);
  jack_recompute_total_latencies (app->client);
}

/* --- statistics ----------------------------------------------------------- */

static void
print_stats (App *app, const char *label)
{
  RbJackRt *rt = &app->rt;
  g_autoptr (GString) out = g_string_new (NULL);
  /* relaxed: statistics (all of them below) */
#define GET(x) ((guint64) atomic_load_explicit (&(x), memory_order_relaxed))

  g_string_append_printf (out, "%s: %s: %s ring=%s cycles=%" G_GUINT64_FORMAT
      " frames=%" G_GUINT64_FORMAT, JACK_PROGRAM, label,
      rt->mode == RB_JACK_PLAY ? "play" : "record", app->opt.ring_name,
      GET (rt->cycles), GET (rt->frames));
  if (rt->mode == RB_JACK_PLAY)
    g_string_append_printf (out, " ran_dry=%" G_GUINT64_FORMAT
        " silent_frames=%" G_GUINT64_FORMAT " skipped_frames=%"
        G_GUINT64_FORMAT, GET (rt->ran_dry), GET (rt->silent_frames),
        GET (rt->skipped_frames));
  else
    g_string_append_printf (out, " filled_up=%" G_GUINT64_FORMAT
        " dropped_frames=%" G_GUINT64_FORMAT, GET (rt->filled_up),
        GET (rt->dropped_frames));
  g_string_append_printf (out, " xruns=%" G_GUINT64_FORMAT " fill=%"
      G_GUINT64_FORMAT " latency=%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
      GET (app->xruns), GET (rt->fill), GET (app->latency_min),
      GET (app->latency_max));
#undef GET
  switch (app->peer_state) {
    case RB_PEER_STATE_ALIVE:
      g_string_append_printf (out, " peer=alive:%u\n", app->peer_pid);
      break;
    case RB_PEER_STATE_GONE:
      g_string_append (out, " peer=gone\n");
      break;
    case RB_PEER_STATE_NONE:
    default:
      g_string_append (out, " peer=none\n");
      break;
  }
  write_stdout (out, 0);
}

/* --- the main loop -------------------------------------------------------- */

static void
stop (App *app, int status)
{
  app->quit = TRUE;
  app->status = status;
}

/* Reports the peer process coming and going. */
static void
watch_peer (App *app)
{
  const char *who = app->rt.mode == RB_JACK_PLAY ? "producer" : "consumer";
  RbPeerState state;
  guint pid;

  if (app->ring == NULL)
    return;
  state = rb_ring_get_peer_state (app->ring);
  pid = rb_ring_get_peer_pid (app->ring);
  if (state == app->peer_state && pid == app->peer_pid)
    return;
  if (state == RB_PEER_STATE_ALIVE)
    print_info (app, "%s (pid %u) attached", who, pid);
  else if (state == RB_PEER_STATE_GONE)
    print_info (app, "%s gone; %s", who, app->rt.mode == RB_JACK_PLAY ?
        "playing silence until a producer attaches" : "recording on");
  app->peer_state = state;
  app->peer_pid = pid;
}

static void
handle_signals (App *app)
{
  char buf[16];
  int sig = rb_jack_stop_signal ();

  while (read (app->signal_fds[0], buf, sizeof buf) > 0)
    ;
  if (sig == 0 || app->quit)
    return;
  print_info (app, "%s: stopping", sigdescr_np (sig));
  stop (app, 0);
}

static void
handle_notifications (App *app)
{
  char buf[64];
  guint rate, size;
  gboolean fw;

  while (read (app->wake_fds[0], buf, sizeof buf) > 0)
    ;

  if (app->client == NULL)
    return;
  /* acquire: pairs with the release store in on_shutdown() */
  if (atomic_load_explicit (&app->server_gone, memory_order_acquire)) {
    const char *why = app->shutdown_reason[0] != '\0' ?
        app->shutdown_reason : "no reason given";

    if (!app->opt.reconnect) {
      print_error ("the JACK server shut down or dropped the client: %s",
          why);
      stop (app, EX_UNAVAILABLE);
      return;
    }
    print_warning ("the JACK server shut down or dropped the client: %s; "
        "waiting for it to come back", why);
    close_client (app);
    app->next_retry = g_get_monotonic_time () + RETRY_US;
    return;
  }

  /* relaxed: latest values, see the callbacks */
  rate = atomic_load_explicit (&app->rate_now, memory_order_relaxed);
  if (app->ring != NULL && rate != rb_ring_get_rate (app->ring)) {
    /* relaxed: see RbJackRt.halted */
    atomic_store_explicit (&app->rt.halted, true, memory_order_relaxed);
    print_error ("JACK's sample rate changed to %u Hz; ring '%s' runs at "
        "%u Hz and would %s at the wrong speed", rate, app->opt.ring_name,
        rb_ring_get_rate (app->ring), app->rt.mode == RB_JACK_PLAY ? "play" :
        "record");
    stop (app, EX_DATAERR);
    return;
  }
  size = atomic_load_explicit (&app->buffer_size_now, memory_order_relaxed);
  if (size != app->last_buffer_size) {
    if (app->last_buffer_size != 0)
      print_info (app, "JACK's buffer size is now %u frames", size);
    app->last_buffer_size = size;
    check_period (app, size);
    check_bound (app, size);
  }
  fw = atomic_load_explicit (&app->freewheel_now, memory_order_relaxed);
  if (fw != app->last_freewheel) {
    print_info (app, fw ? "JACK is freewheeling: the ring's other side "
        "keeps its own pace, so expect the ring to %s" :
        "JACK stopped freewheeling",
        app->rt.mode == RB_JACK_PLAY ? "run dry" : "fill up");
    app->last_freewheel = fw;
  }
}

/* Reconnecting after a server shutdown, with --reconnect. */
static void
try_reconnect (App *app, gint64 now)
{
  int status;

  if (now < app->next_retry)
    return;
  app->next_retry = now + RETRY_US;
  if (open_client (app, FALSE) != 0)
    return;
  if (app->ring != NULL && rb_ring_get_rate (app->ring) != app->jack_rate) {
    print_error ("the JACK server is back at %u Hz, but ring '%s' runs at "
        "%u Hz", app->jack_rate, app->opt.ring_name,
        rb_ring_get_rate (app->ring));
    stop (app, EX_DATAERR);
    return;
  }
  if (app->rt.n_ports == 0) {
    /* play never got its ring: wait for it on the new server */
    print_warning ("reconnected to the JACK server");
    return;
  }
  status = start_client (app, app->rt.n_ports, FALSE);
  if (status != 0) {
    print_warning ("warning: cannot set up the client again; retrying");
    close_client (app);
    return;
  }
  print_warning ("reconnected to the JACK server");
}

/* Play without ports yet: waiting for the ring decides their number. */
static void
play_wait (App *app, gint64 now)
{
  int status;

  if (now < app->next_ring_check)
    return;
  app->next_ring_check = now + RING_CHECK_US / 2;
  status = play_open_ring (app);
  if (status > 0) {
    stop (app, status);
    return;
  }
  if (status < 0) {
    if (app->wait_deadline != 0 && now >= app->wait_deadline) {
      print_error ("no ring '%s' after waiting %g s", app->opt.ring_name,
          app->opt.timeout);
      stop (app, EX_NOINPUT);
    }
    return;
  }
  if (!app->active) {
    status = start_client (app, rb_ring_get_channels (app->ring), TRUE);
    if (status != 0)
      stop (app, status);
  }
}

static void
tick (App *app)
{
  gint64 now = g_get_monotonic_time ();

  if (app->client == NULL) {
    try_reconnect (app, now);
    return;
  }
  if (app->rt.mode == RB_JACK_PLAY && app->ring == NULL) {
    play_wait (app, now);
    if (app->quit || app->ring == NULL)
      return;
  }
  if (now >= app->next_ring_check) {
    app->next_ring_check = now + RING_CHECK_US;
    watch_peer (app);
    if (app->rt.mode == RB_JACK_PLAY && app->peer_state !=
        RB_PEER_STATE_ALIVE)
      play_follow_name (app);
  }
  if (app->connections_pending && now >= app->next_retry) {
    app->next_retry = now + RETRY_US;
    make_connections (app, FALSE);
  }
  if (app->active)
    measure_clock_offset (app);
  update_latency (app);
  if (app->opt.stats_interval > 0 && now >= app->next_stats) {
    app->next_stats = now + (gint64) (app->opt.stats_interval *
        G_USEC_PER_SEC);
    print_stats (app, "stats");
  }
}

static int
run (App *app)
{
  while (!app->quit) {
    struct pollfd fds[2] = {
      { .fd = app->signal_fds[0], .events = POLLIN },
      { .fd = app->wake_fds[0], .events = POLLIN },
    };

    if (poll (fds, G_N_ELEMENTS (fds), TICK_MS) < 0 && errno != EINTR) {
      print_error ("poll: %s", g_strerror (errno));
      return EX_OSERR;
    }
    if (fds[0].revents & POLLIN)
      handle_signals (app);
    if (app->quit)
      break;
    handle_notifications (app);
    if (app->quit)
      break;
    tick (app);
  }
  return app->status;
}

/* --- set-up and tear-down ------------------------------------------------- */

/* The signal thread's last resort (see stop.h): a stop signal came, and
 * the main thread is still inside libjack half a second later (a stopped
 * or hung server blocks jack_client_open(), jack_deactivate() and
 * jack_client_close() for good). Says so and removes what record made, if
 * nobody reads it; the server drops the client when the process is gone.
 * No libjack call, and nothing the main thread may be holding: the main
 * thread frees the ring only after rb_jack_stop_jack_done(), which waits
 * while this runs. */
static int
force_exit (int sig, void *data)
{
  App *app = data;
  /* acquire: pairs with the release store in record_create_ring() */
  RbRing *ring = atomic_load_explicit (&app->exit_ring, memory_order_acquire);

  print_error ("%s, but the JACK server did not answer within half a "
      "second: exiting without closing the JACK client", sigdescr_np (sig));
  if (ring != NULL && rb_ring_get_peer_state (ring) != RB_PEER_STATE_ALIVE)
    rb_ring_unlink (app->opt.ring_name, NULL);
  return EX_UNAVAILABLE;
}

/* SIGINT, SIGTERM and SIGHUP go to the signal thread (stop.c), which
 * wakes the main loop through a pipe. They are blocked before JACK makes
 * its threads, which inherit the mask, so no JACK thread (the process
 * thread least of all) runs a handler. */
static int
setup_signals (App *app)
{
  sigset_t set;
  int err;

  /* a closed standard output must not kill us with the final line */
  signal (SIGPIPE, SIG_IGN);
  if (pipe2 (app->wake_fds, O_NONBLOCK | O_CLOEXEC) != 0 ||
      pipe2 (app->signal_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    print_error ("pipe: %s", g_strerror (errno));
    return EX_OSERR;
  }
  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGHUP);
  err = rb_jack_stop_start (&set, app->signal_fds[1], STOP_GRACE_NS,
      force_exit, app);
  if (err != 0) {
    print_error ("cannot start the signal thread: %s", g_strerror (err));
    return EX_OSERR;
  }
  return 0;
}

static int
setup (App *app)
{
  int status;

  if (app->opt.mode == RB_JACK_PLAY) {
    /* Fail fast on a ring that is not there or does not fit, before
     * talking to JACK; the sample rate is checked once the client is
     * open. */
    status = play_open_ring (app);
    if (status > 0)
      return status;
    if (status < 0 && !app->opt.wait) {
      print_error ("no ring '%s' (start its producer first, or use --wait)",
          app->opt.ring_name);
      return EX_NOINPUT;
    }
  }

  status = open_client (app, TRUE);
  if (status != 0)
    return status;

  if (app->opt.mode == RB_JACK_RECORD) {
    status = record_create_ring (app);
    if (status != 0)
      return status;
    return start_client (app, app->opt.channels, TRUE);
  }

  if (app->ring != NULL) {
    g_autofree gchar *misfit = play_misfit (app, app->ring);
    if (misfit != NULL) {
      print_error ("%s", misfit);
      return EX_DATAERR;
    }
    return start_client (app, rb_ring_get_channels (app->ring), TRUE);
  }
  /* waiting for the ring; with --channels the ports play silence
   * meanwhile, without, they wait for the ring's channel count */
  if (app->opt.timeout > 0)
    app->wait_deadline = g_get_monotonic_time () +
        (gint64) (app->opt.timeout * G_USEC_PER_SEC);
  print_info (app, "waiting for ring '%s'", app->opt.ring_name);
  if (app->opt.channels != 0)
    return start_client (app, app->opt.channels, TRUE);
  return 0;
}

/* Record, having let go of its ring, whose consumer was alive a moment
 * ago: whether it has left since (the two may be exiting together, both
 * after a server shutdown). Taking the free consumer role says so; a live
 * consumer keeps it, and removes the ring itself when it leaves. */
static gboolean
consumer_left (App *app)
{
  RbRing *probe = rb_ring_open_full (app->opt.ring_name,
      RB_RING_ROLE_CONSUMER, app->opt.open_flags, NULL);

  if (probe == NULL)
    return FALSE;
  g_object_unref (probe);
  return TRUE;
}

/* Lets go of the ring and removes it when nobody else uses it, so that
 * whichever side leaves last removes it (as ringsrc does on stop). record
 * made the ring: it removes it unless a consumer is still attached, which
 * keeps it for a restarted record. play removes it once every process
 * that used it is gone (rb_ring_reclaim_stale()). */
static void
release_ring (App *app)
{
  g_autoptr (GError) error = NULL;
  gboolean peer_alive;

  if (app->ring == NULL)
    return;
  peer_alive = rb_ring_get_peer_state (app->ring) == RB_PEER_STATE_ALIVE;

  if (app->rt.mode == RB_JACK_RECORD) {
    guint consumer = rb_ring_get_peer_pid (app->ring);

    g_clear_object (&app->ring);
    if (peer_alive && !consumer_left (app)) {
      print_info (app, "leaving ring '%s' to its consumer (pid %u)",
          app->opt.ring_name, consumer);
      return;
    }
    if (!rb_ring_unlink (app->opt.ring_name, &error) &&
        !g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND))
      print_warning ("warning: cannot remove ring '%s': %s",
          app->opt.ring_name, error->message);
    return;
  }

  g_clear_object (&app->ring);
  /* The ring's creator counts as a user while its process lives: a
   * record whose producer role is gone may be a moment from exiting, so
   * ask again for a while; a live producer keeps the ring, no waiting. */
  for (int tries = 0; ; tries++) {
    g_clear_error (&error);
    if (rb_ring_reclaim_stale (app->opt.ring_name, &error)) {
      print_info (app, "removed ring '%s', which nobody uses",
          app->opt.ring_name);
      return;
    }
    if (peer_alive || tries >= RECLAIM_TRIES ||
        !g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_BUSY))
      break;
    g_usleep (RECLAIM_INTERVAL_US);
  }
  if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND))
    print_info (app, "leaving ring '%s': %s", app->opt.ring_name,
        error->message);
}

static void
teardown (App *app)
{
  close_client (app);
  /* no libjack call from here on: a stop signal no longer forces the
   * exit, and the signal thread no longer looks at the ring */
  rb_jack_stop_jack_done ();
  if (app->running) {
    watch_peer (app);
    print_stats (app, "final");
  }
  atomic_store_explicit (&app->rt.ring, NULL, memory_order_seq_cst);
  release_ring (app);
  /* signal_fds stay open: the signal thread may still write to them
   * until the process ends */
  for (int i = 0; i < 2; i++)
    if (app->wake_fds[i] >= 0)
      close (app->wake_fds[i]);
  options_clear (&app->opt);
}

int
main (int argc, char **argv)
{
  App *app = g_new0 (App, 1);
  int status;

  cli_set_program (JACK_PROGRAM);
  app->signal_fds[0] = app->signal_fds[1] = -1;
  app->wake_fds[0] = app->wake_fds[1] = -1;
  atomic_init (&app->exit_ring, NULL);
  rb_jack_rt_init (&app->rt, RB_JACK_PLAY);

  status = parse_options (argc, argv, &app->opt);
  if (status >= 0) {
    options_clear (&app->opt);
    g_free (app);
    return status;
  }
  app->rt.mode = app->opt.mode;
  if (!app->opt.verbose) {
    /* libjack talks on stderr about every failed attempt; we say what
     * matters ourselves */
    jack_set_error_function (jack_quiet);
    jack_set_info_function (jack_quiet);
  }

  status = setup_signals (app);
  if (status == 0)
    status = setup (app);
  if (status == 0) {
    app->running = TRUE;
    status = run (app);
  }
  teardown (app);
  g_free (app);
  return status;
}
