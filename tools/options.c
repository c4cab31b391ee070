/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat's command line: getopt_long() over the options of
 * ringbridge-stat-doc.h.
 *
 * Not GOptionContext: --watch takes its SECONDS from the next argument
 * too (--watch 2), and GOptionContext has its own messages ("Unknown
 * option"), its own --help and its own abbreviations, all of which the
 * documented ones would have to be rebuilt over (ringbridge-jack made the
 * same choice, jack/options.c). */

#include "stat.h"
#include "ringbridge-stat-doc.h"

#include <getopt.h>
#include <string.h>
#include <sysexits.h>

#define MIN_INTERVAL 0.1
#define MAX_INTERVAL 86400.0

/* SECONDS: a plain decimal number in range, or one with its unit (500ms,
 * 2s). Exponents, signs other than '+', hex and "inf" are refused rather
 * than guessed at. */
static gboolean
parse_interval (const char *s, gdouble *interval)
{
  return cli_parse_duration (s, TRUE, FALSE, MIN_INTERVAL, MAX_INTERVAL,
      interval);
}

/* Whether the argument after a bare --watch is meant as its SECONDS. */
static gboolean
looks_like_interval (const char *s)
{
  if (s == NULL)
    return FALSE;
  if (*s == '+' || *s == '-')
    s++;
  return g_ascii_isdigit (*s) || *s == '.';
}

/* --watch[=SECONDS], or --watch SECONDS. Returns: -1 to go on, or
 * EX_USAGE with a message. */
static int
watch_option (int argc, char **argv, Options *opt)
{
  const char *watch_arg = optarg;

  opt->watch = TRUE;
  if (watch_arg == NULL && optind < argc &&
      looks_like_interval (argv[optind]))
    watch_arg = argv[optind++];
  if (watch_arg != NULL && !parse_interval (watch_arg, &opt->interval)) {
    g_autofree gchar *shown = printable (watch_arg);
    print_error ("invalid interval '%s': must be a number of seconds "
        "from %g to %g, or a time with its unit (500ms, 2s)", shown,
        MIN_INTERVAL, MAX_INTERVAL);
    return EX_USAGE;
  }
  return -1;
}

/* What getopt_long() refused: the option before optind. Returns:
 * EX_USAGE. */
static int
bad_option (char **argv)
{
  const char *prev = optind > 0 ? argv[optind - 1] : "";
  g_autofree gchar *shown = NULL;

  if (optopt == 0 || g_str_has_prefix (prev, "--")) {
    const char *eq = strchr (prev, '=');
    shown = printable (prev);
    if (optopt != 0 && eq != NULL) {
      g_autofree gchar *opt_name = g_strndup (prev, (gsize) (eq - prev));
      print_error ("option '%s' takes no argument", opt_name);
    } else {
      print_error ("unknown option '%s'", shown);
    }
  } else {
    print_error ("unknown option '-%c'", optopt);
  }
  usage_hint ();
  return EX_USAGE;
}

/* The ring names after the options, each checked. Returns: -1 to go on,
 * or EX_USAGE with a message. */
static int
ring_names (int argc, char **argv, Options *opt)
{
  if (optind >= argc)
    return -1;
  opt->names = g_new0 (gchar *, (gsize) (argc - optind + 1));
  for (int i = optind; i < argc; i++) {
    g_autoptr (GError) error = NULL;

    if (!rb_ring_name_validate (argv[i], &error)) {
      print_error ("%s", error->message);
      return EX_USAGE;
    }
    opt->names[i - optind] = g_strdup (argv[i]);
  }
  return -1;
}

int
parse_options (int argc, char **argv, Options *opt)
{
  static const struct option long_options[] = {
    { "json", no_argument, NULL, 'j' },
    { "watch", optional_argument, NULL, 'w' },
    { "reclaim", no_argument, NULL, 'R' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  int c, status;

  opt->interval = 1.0;
  opterr = 0;
  /* NOLINTNEXTLINE(concurrency-mt-unsafe): one thread */
  while ((c = getopt_long (argc, argv, "jw::hV", long_options, NULL)) != -1) {
    switch (c) {
      case 'j':
        opt->json = TRUE;
        break;
      case 'w':
        status = watch_option (argc, argv, opt);
        if (status >= 0)
          return status;
        break;
      case 'R':
        opt->reclaim = TRUE;
        break;
      case 'h':
        return cli_help_print (&stat_doc_page);
      case 'V':
        return cli_version_print (STAT_PROGRAM, RB_VERSION_STRING);
      case '?':
      default:
        return bad_option (argv);
    }
  }
  if (opt->watch && opt->reclaim) {
    print_error ("--watch and --reclaim cannot be combined");
    usage_hint ();
    return EX_USAGE;
  }
  return ring_names (argc, argv, opt);
}
