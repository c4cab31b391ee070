/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Writes ringbridge-stat(1) in troff -man to standard output, from the
 * tables --help prints (ringbridge-stat-doc.h). Run at build time; built
 * for the build machine, so it uses libc only.
 *
 * Usage: gen-man VERSION > ringbridge-stat.1 */

#include "ringbridge-stat-doc.h"

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
put_items (const StatDocItem *items)
{
  for (const StatDocItem *it = items; it->term != NULL; it++) {
    put (".TP\n");
    put ("\\fB");
    put_text (it->term);
    put ("\\fR\n");
    put_line (it->text);
  }
}

int
main (int argc, char **argv)
{
  const char *version = argc > 1 ? argv[1] : "";

  /* No date: the page must not change when nothing in it did. */
  put (".TH RINGBRIDGE\\-STAT 1 \"\" \"ringbridge ");
  put_text (version);
  put ("\" \"User Commands\"\n");
  /* no hyphenation: names and options must stay copyable */
  put (".nh\n.ad l\n");

  put (".SH NAME\n");
  put_text (STAT_PROGRAM " - " STAT_SUMMARY);
  put ("\n");

  put (".SH SYNOPSIS\n");
  put_line (B(STAT_PROGRAM) " " STAT_SYNOPSIS);

  put (".SH DESCRIPTION\n");
  for (const char *const *p = stat_doc_description; *p != NULL; p++) {
    put (".PP\n");
    put_line (*p);
  }

  put (".SH OPTIONS\n");
  for (const StatDocOption *o = stat_doc_options; o->long_name != NULL; o++) {
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
      put (o->arg_optional ? "[=\\fI" : "=\\fI");
      put_text (o->arg);
      put (o->arg_optional ? "\\fR]" : "\\fR");
    }
    put ("\n");
    put_line (o->help);
  }

  put (".SH OUTPUT\n");
  put (".PP\n");
  put_line ("For each ring, its name and file, then:");
  put_items (stat_doc_fields);

  put (".SH EXIT STATUS\n");
  put_items (stat_doc_exit_status);
  put (".PP\n");
  put_line (stat_doc_exit_note);

  put (".SH FILES\n");
  put (".PP\n");
  put_line (stat_doc_files);

  put (".SH EXAMPLES\n");
  put_items (stat_doc_examples);

  put (".SH SEE ALSO\n");
  put_line (stat_doc_see_also);

  /* a man page cut short by a full disk must fail the build, saying why */
  if (fflush (stdout) != 0 || ferror (stdout)) {
    perror ("gen-man: cannot write the man page");
    return 1;
  }
  return 0;
}
