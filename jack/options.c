/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's command line: getopt_long() over the options of
 * ringbridge-jack-doc.h, each value checked as it comes, then the mode,
 * the ring's name and what the options mean together (see app.h). Main
 * thread, before any other thread exists. --help and --version print
 * through cli/cli-common.c.
 *
 * Not GOptionContext: its messages, its --help and its handling of "-"
 * and of a missing argument differ from the ones this program promises
 * byte for byte (the man page and tests/jack quote them). */

#include "app.h"
#include "ringbridge-jack-doc.h"

#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#define DEFAULT_CHANNELS 2

void
options_clear (Options *opt)
{
  g_clear_pointer (&opt->ring_name, g_free);
  g_clear_pointer (&opt->client_name, g_free);
  g_clear_pointer (&opt->server_name, g_free);
  g_clear_pointer (&opt->connect, g_ptr_array_unref);
}

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
  OPT_RESAMPLE,
  OPT_READER,
};

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
  { "resample", required_argument, NULL, OPT_RESAMPLE },
  { "reader", optional_argument, NULL, OPT_READER },
  { "verbose", no_argument, NULL, 'v' },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 },
};

/* The last record-only and play-only options given, to refuse them in
 * the other mode. */
typedef struct {
  const char *record_only;
  const char *play_only;
} ModeOnly;

/* --name and --server. Returns -1 to go on, or the status to exit with. */
static int
parse_names (int c, const char *arg, Options *opt)
{
  if (c == 'n') {
    g_autofree gchar *why = NULL;
    if (!validate_client_name (arg, &why)) {
      g_autofree gchar *shown = printable (arg);
      return usage_error ("invalid client name '%s': %s", shown, why);
    }
    g_free (opt->client_name);
    opt->client_name = g_strdup (arg);
    return -1;
  }
  if (*arg == '\0' || strchr (arg, '/') != NULL) {
    g_autofree gchar *shown = printable (arg);
    return usage_error ("invalid server name '%s': it must be "
        "non-empty and hold no '/'", shown);
  }
  g_free (opt->server_name);
  opt->server_name = g_strdup (arg);
  return -1;
}

/* --connect. Returns -1 to go on, or the status to exit with. */
static int
parse_connect (const char *arg, Options *opt)
{
  gchar **ports = g_strsplit (arg, ",", -1);
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
  return -1;
}

/* --resample=auto|on|off. Returns -1 to go on, or the status to exit
 * with. */
static int
parse_resample (const char *arg, Options *opt)
{
  static const char *const words[] = { "auto", "on", "off" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (arg, words[i]) == 0) {
      opt->resample = (ResampleMode) i;
      return -1;
    }
  g_autofree gchar *shown = printable (arg);
  return usage_error ("invalid --resample '%s': must be auto, on or off",
      shown);
}

/* --reader[=catch-up|latest]. Returns -1 to go on, or the status to exit
 * with. */
static int
parse_reader (const char *arg, Options *opt)
{
  opt->reader = TRUE;
  if (arg == NULL || strcmp (arg, "catch-up") == 0) {
    opt->reader_policy = RB_READER_POLICY_CATCH_UP;
  } else if (strcmp (arg, "latest") == 0) {
    opt->reader_policy = RB_READER_POLICY_LATEST;
  } else {
    g_autofree gchar *shown = printable (arg);
    return usage_error ("invalid --reader '%s': must be catch-up or latest",
        shown);
  }
  return -1;
}

/* --timeout, --latency and --stats. Returns -1 to go on, or the status to
 * exit with. */
static int
parse_seconds (int c, const char *arg, Options *opt)
{
  g_autofree gchar *shown = NULL;

  if (c == 't' && !cli_parse_duration (arg, FALSE, FALSE, 0.1, 1e6,
          &opt->timeout)) {
    shown = printable (arg);
    return usage_error ("invalid --timeout '%s': must be a number of "
        "seconds from 0.1 to 1000000, or a time with its unit (500ms, 2s)",
        shown);
  }
  if (c == OPT_LATENCY && !cli_parse_duration (arg, FALSE, TRUE, 0.1,
          3600000.0, &opt->latency_ms)) {
    shown = printable (arg);
    return usage_error ("invalid --latency '%s': must be a number of "
        "milliseconds from 0.1 to 3600000, or a time with its unit (20ms, "
        "0.5s)", shown);
  }
  if (c == OPT_STATS && !cli_parse_duration (arg, FALSE, FALSE, 0.1,
          86400.0, &opt->stats_interval)) {
    shown = printable (arg);
    return usage_error ("invalid --stats '%s': must be a number of "
        "seconds from 0.1 to 86400, or a time with its unit (500ms, 2s)",
        shown);
  }
  return -1;
}

/* --format, --channels and --frames. Returns -1 to go on, or the status
 * to exit with. */
static int
parse_shape (int c, const char *arg, Options *opt)
{
  g_autofree gchar *shown = NULL;
  guint64 v;

  if (c == 'f') {
    opt->format = rb_sample_format_from_string (arg);
    if (opt->format == RB_SAMPLE_FORMAT_NONE) {
      shown = printable (arg);
      return usage_error ("invalid --format '%s': must be one of F32LE, "
          "F64LE, S32LE, S24_32LE, S24LE, S16LE, U8", shown);
    }
  } else if (c == OPT_CHANNELS) {
    if (!parse_uint (arg, 1, RB_RING_MAX_CHANNELS, &v)) {
      shown = printable (arg);
      return usage_error ("invalid --channels '%s': must be a whole "
          "number from 1 to %d", shown, RB_RING_MAX_CHANNELS);
    }
    opt->channels = (guint) v;
  } else {
    if (!parse_uint (arg, 1, RB_RING_MAX_CAPACITY, &v)) {
      shown = printable (arg);
      return usage_error ("invalid --frames '%s': must be a whole "
          "number from 1 to %" G_GUINT64_FORMAT, shown,
          (guint64) RB_RING_MAX_CAPACITY);
    }
    opt->frames = v;
  }
  return -1;
}

/* What getopt_long() refused: the option before optind. */
static int
bad_option (int c, char **argv)
{
  const char *prev = argv[optind - 1];
  g_autofree gchar *shown = NULL;

  if (c == ':') {
    shown = printable (prev);
    return usage_error ("option '%s' needs an argument", shown);
  }
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

/* One option from getopt_long(). Returns -1 to go on, or the status to
 * exit with. */
static int
parse_option (int c, char **argv, Options *opt, ModeOnly *only)
{
  switch (c) {
    case 'n':
    case 's':
      return parse_names (c, optarg, opt);
    case 'c':
      return parse_connect (optarg, opt);
    case 't':
      opt->wait = TRUE;
      only->play_only = "--timeout";
      return parse_seconds (c, optarg, opt);
    case OPT_LATENCY:
    case OPT_STATS:
      return parse_seconds (c, optarg, opt);
    case 'f':
    case OPT_CHANNELS:
    case OPT_FRAMES:
      return parse_shape (c, optarg, opt);
    case 'w':
      opt->wait = TRUE;
      only->play_only = "--wait";
      return -1;
    case OPT_OVERWRITE:
      opt->overwrite = TRUE;
      only->record_only = "--overwrite";
      return -1;
    case OPT_NO_START_SERVER:
      opt->no_start_server = TRUE;
      return -1;
    case OPT_RECONNECT:
      opt->reconnect = TRUE;
      return -1;
    case OPT_ALLOW_SHARED_WRITE:
      opt->open_flags |= RB_RING_OPEN_FLAGS_SHARED_WRITE;
      return -1;
    case OPT_ANY_OWNER:
      opt->open_flags |= RB_RING_OPEN_FLAGS_ANY_OWNER;
      return -1;
    case OPT_RESAMPLE:
      opt->resample_given = TRUE;
      return parse_resample (optarg, opt);
    case OPT_READER:
      only->play_only = "--reader";
      return parse_reader (optarg, opt);
    case 'v':
      opt->verbose = TRUE;
      return -1;
    case 'h':
      return cli_help_print (&jack_doc_page);
    case 'V':
      return cli_version_print (JACK_PROGRAM, RB_VERSION_STRING);
    default:
      return bad_option (c, argv);
  }
}

/* The mode and the ring's name after the options. Returns -1 to go on, or
 * the status to exit with. */
static int
parse_operands (int argc, char **argv, Options *opt)
{
  g_autoptr (GError) error = NULL;

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
  return -1;
}

/* Record's defaults, and whether its ring's size fits. Returns -1 to go
 * on, or the status to exit with. */
static int
record_defaults (Options *opt)
{
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
  return -1;
}

/* Play --reader: its policy's target is --frames or --latency, and it
 * plays frames as they are. Returns -1 to go on, or the status to exit
 * with. */
static int
reader_options (Options *opt)
{
  gboolean bound = opt->frames != 0 || opt->latency_ms != 0;

  if (opt->reader_policy == RB_READER_POLICY_LATEST && !bound)
    return usage_error ("--reader=latest needs --frames or --latency: how "
        "far behind the newest frame to stay");
  if (opt->reader_policy != RB_READER_POLICY_LATEST && bound)
    return usage_error ("--frames and --latency bound a reader only with "
        "--reader=latest (its target latency)");
  if (opt->resample_given && opt->resample != RESAMPLE_OFF)
    return usage_error ("--resample is for the ring's consumer: a reader "
        "plays frames as they are (--resample=off)");
  opt->resample = RESAMPLE_OFF;
  return -1;
}

/* What the options mean together, and the defaults that depend on the
 * mode. Returns -1 to go on, or the status to exit with. */
static int
check_options (Options *opt, const ModeOnly *only)
{
  if (opt->mode == RB_JACK_PLAY && only->record_only != NULL)
    return usage_error ("%s is for record, not play", only->record_only);
  if (opt->mode == RB_JACK_RECORD && only->play_only != NULL)
    return usage_error ("%s is for play, not record", only->play_only);
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
    int status = record_defaults (opt);
    if (status >= 0)
      return status;
  }
  if (opt->reader) {
    int status = reader_options (opt);
    if (status >= 0)
      return status;
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

/* Returns -1 to go on, or the status to exit with. */
int
parse_options (int argc, char **argv, Options *opt)
{
  ModeOnly only = { NULL, NULL };
  int c, status;

  /* every message from here on starts with the program's name */
  cli_set_program (jack_doc_page.program);
  opt->connect = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  opterr = 0;
  /* '+' would stop at the first non-option; we want "play RING --wait"
   * and "--wait play RING" alike, so permute (the default). Runs before
   * any thread exists. */
  /* NOLINTNEXTLINE(concurrency-mt-unsafe): see above */
  while ((c = getopt_long (argc, argv, ":n:s:c:wt:f:vhV", long_options,
              NULL)) != -1) {
    status = parse_option (c, argv, opt, &only);
    if (status >= 0)
      return status;
  }
  status = parse_operands (argc, argv, opt);
  if (status >= 0)
    return status;
  return check_options (opt, &only);
}
