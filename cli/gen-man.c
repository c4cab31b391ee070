/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Writes a program's manual page in troff -man to standard output, from
 * the page --help prints (its CliDocPage, see cli-doc.h). Run at build
 * time; built for the build machine, so it uses libc only. One generator
 * for every program: each one's page is in its doc header.
 *
 * Usage: gen-man PROGRAM [VERSION] > PROGRAM.1 */

#include "cli-doc.h"
#include "ringbridge-jack-doc.h"
#include "ringbridge-stat-doc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const CliDocPage *const pages[] = {
  &jack_doc_page,
  &stat_doc_page,
};

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
put_paragraph (const char *s)
{
  put (".PP\n");
  put_line (s);
}

static void
put_items (const CliDocItem *items, int roman)
{
  for (const CliDocItem *it = items; it->term != NULL; it++) {
    put (".TP\n");
    if (!roman)
      put ("\\fB");
    put_text (it->term);
    if (!roman)
      put ("\\fR");
    put ("\n");
    put_line (it->text);
  }
}

/* .TH with the program's name in capitals, and no date: the page must not
 * change when nothing in it did. */
static void
put_title (const CliDocPage *page, const char *version)
{
  char upper[64];
  size_t n = strlen (page->program);

  if (n >= sizeof upper)
    n = sizeof upper - 1;
  for (size_t i = 0; i < n; i++)
    upper[i] = (char) toupper ((unsigned char) page->program[i]);
  upper[n] = '\0';
  put (".TH ");
  put_text (upper);
  put (" 1 \"\" \"ringbridge ");
  put_text (version);
  put ("\" \"User Commands\"\n");
  /* no hyphenation: names and options must stay copyable */
  put (".nh\n.ad l\n");
}

static void
put_option (const CliDocOption *o)
{
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

static void
put_page (const CliDocPage *page, const char *version)
{
  put_title (page, version);

  put (".SH NAME\n");
  put_text (page->program);
  put_text (" - ");
  put_text (page->summary);
  put ("\n");

  put (".SH SYNOPSIS\n");
  for (const char *const *s = page->synopsis; *s != NULL; s++) {
    if (s != page->synopsis)
      put (".br\n");
    put_line (*s);
  }

  put (".SH DESCRIPTION\n");
  for (const char *const *p = page->description; *p != NULL; p++)
    put_paragraph (*p);

  put (".SH OPTIONS\n");
  for (const CliDocOption *o = page->options; o->long_name != NULL; o++)
    put_option (o);

  for (const CliDocSection *sec = page->sections; sec->heading != NULL;
      sec++) {
    put (".SH ");
    put (sec->heading);
    put ("\n");
    if (sec->intro != NULL)
      put_paragraph (sec->intro);
    if (sec->items != NULL)
      put_items (sec->items, sec->roman_terms);
    if (sec->outro != NULL)
      put_paragraph (sec->outro);
  }

  put (".SH SEE ALSO\n");
  put_line (page->see_also);
}

int
main (int argc, char **argv)
{
  const CliDocPage *page = NULL;

  for (size_t i = 0; argc > 1 && i < sizeof pages / sizeof pages[0]; i++)
    if (strcmp (argv[1], pages[i]->program) == 0)
      page = pages[i];
  if (page == NULL) {
    fprintf (stderr, "usage: gen-man PROGRAM [VERSION]: PROGRAM is "
        "ringbridge-jack or ringbridge-stat\n");
    return 2;
  }
  put_page (page, argc > 2 ? argv[2] : "");

  /* a man page cut short by a full disk must fail the build, saying why */
  if (fflush (stdout) != 0 || ferror (stdout)) {
    perror ("gen-man: cannot write the man page");
    return 1;
  }
  return 0;
}
