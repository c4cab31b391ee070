/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Writes ringbridge-jack(1) in troff -man to standard output, from the
 * tables --help prints (ringbridge-jack-doc.h). Run at build time; built
 * for the build machine, so it uses libc only. The troff escaping is
 * tools/gen-man.c's, which does the same for ringbridge-stat.
 *
 * Usage: gen-man VERSION > ringbridge-jack.1 */

#include "ringbridge-jack-doc.h"

#include <stdio.h>
#include <string.h>

static int at_line_start = 1;

static void
put (const char *s)
{
  size_t n = strlen (s);

  if (n > 0) {
    fputs (s, stdout);
    at_line_start = s[n - 1] == '\n';
  }
}

/* Text with the doc markup, escaped for troff. Every '-' becomes '\-' so
 * that options and names copied from a rendered page stay ASCII hyphens. */
static void
put_text (const char *s)
{
  for (; *s != '\0'; s++) {
    switch (*s) {
      case '\001':
        put ("\\fB");
        break;
      case '\003':
        put ("\\fI");
        break;
      case '\002':
        put ("\\fR");
        break;
      case '\\':
        put ("\\e");
        break;
      case '-':
        put ("\\-");
        break;
      case '.':
      case '\'':
        /* a control character only at the start of a line */
        if (at_line_start)
          put ("\\&");
        /* fall through */
      default:
        putchar (*s);
        at_line_start = *s == '\n';
        break;
    }
  }
}

static void
put_line (const char *s)
{
  put_text (s);
  put ("\n");
}

static void
put_items (const JackDocItem *items, int bold)
{
  for (const JackDocItem *it = items; it->term != NULL; it++) {
    put (".TP\n");
    if (bold)
      put ("\\fB");
    put_text (it->term);
    if (bold)
      put ("\\fR");
    put ("\n");
    put_line (it->text);
  }
}

int
main (int argc, char **argv)
{
  const char *version = argc > 1 ? argv[1] : "";

  /* No date: the page must not change when nothing in it did. */
  put (".TH RINGBRIDGE\\-JACK 1 \"\" \"ringbridge ");
  put_text (version);
  put ("\" \"User Commands\"\n");
  /* no hyphenation: names and options must stay copyable */
  put (".nh\n.ad l\n");

  put (".SH NAME\n");
  put_text (JACK_PROGRAM " - " JACK_SUMMARY);
  put ("\n");

  put (".SH SYNOPSIS\n");
  for (const char *const *s = jack_doc_synopsis; *s != NULL; s++) {
    if (s != jack_doc_synopsis)
      put (".br\n");
    put_line (*s);
  }

  put (".SH DESCRIPTION\n");
  for (const char *const *p = jack_doc_description; *p != NULL; p++) {
    put (".PP\n");
    put_line (*p);
  }

  put (".SH OPTIONS\n");
  for (const JackDocOption *o = jack_doc_options; o->long_name != NULL; o++) {
    put (".TP\n");
    if (o->short_name != 0) {
      char s[2] = { o->short_name, '\0' };
      put ("\\fB\\-");
      put_text (s);
      put ("\\fR, ");
    }
    put ("\\fB\\-\\-");
    put_text (o->long_name);
    put ("\\fR");
    if (o->arg != NULL) {
      put ("=\\fI");
      put_text (o->arg);
      put ("\\fR");
    }
    put ("\n");
    put_line (o->help);
  }

  put (".SH BEHAVIOUR\n");
  put_items (jack_doc_behaviour, 1);

  put (".SH STATISTICS\n");
  put (".PP\n");
  put_line ("With " B("--stats") ", and once when the program ends, a line "
      "of " I("key") B("=") I("value") " fields on standard output:");
  put_items (jack_doc_stats, 1);

  put (".SH EXIT STATUS\n");
  put_items (jack_doc_exit_status, 0);
  put (".PP\n");
  put_line (jack_doc_exit_note);

  put (".SH ENVIRONMENT\n");
  put_items (jack_doc_environment, 1);

  put (".SH FILES\n");
  put (".PP\n");
  put_line (jack_doc_files);

  put (".SH EXAMPLES\n");
  put_items (jack_doc_examples, 1);

  put (".SH SEE ALSO\n");
  put_line (jack_doc_see_also);

  /* a man page cut short by a full disk must fail the build, saying why */
  if (fflush (stdout) != 0 || ferror (stdout)) {
    perror ("gen-man: cannot write the man page");
    return 1;
  }
  return 0;
}
