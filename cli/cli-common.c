/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The command-line helpers both programs use; see cli-common.h. */

#include "cli-common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* set once in main() before any other thread exists */
static const char *program_name = "ringbridge";

void
cli_set_program (const char *program)
{
  program_name = program;
}

const char *
cli_get_program (void)
{
  return program_name;
}

void
cli_vprint (const char *format, va_list args)
{
  fputs (program_name, stderr);
  fputs (": ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
}

void
print_error (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  cli_vprint (format, args);
  va_end (args);
}

void
usage_hint (void)
{
  fprintf (stderr, "Try '%s --help' for more information.\n", program_name);
}

int
usage_error (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  cli_vprint (format, args);
  va_end (args);
  usage_hint ();
  return EX_USAGE;
}

gchar *
printable (const char *s)
{
  return g_strescape (s, NULL);
}

int
cli_write_all (int fd, const char *s, gsize len)
{
  while (len > 0) {
    ssize_t n = write (fd, s, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    s += n;
    len -= (gsize) n;
  }
  return 0;
}

int
write_stdout (const GString *out, int status)
{
  int err = cli_write_all (STDOUT_FILENO, out->str, out->len);

  if (err == 0 || err == EPIPE)
    return status;
  print_error ("cannot write output: %s", g_strerror (err));
  return status != 0 ? status : EX_IOERR;
}

gboolean
cli_parse_decimal (const char *s, gboolean plus, gdouble min, gdouble max,
    gdouble *out)
{
  const char *p = s;
  gboolean digits = FALSE, dot = FALSE;
  gdouble v;

  if (plus && *p == '+')
    p++;
  for (; *p != '\0'; p++) {
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

gboolean
cli_parse_duration (const char *s, gboolean plus, gboolean in_ms,
    gdouble min, gdouble max, gdouble *out)
{
  gsize len = strlen (s);
  gboolean ms = FALSE, secs = FALSE;
  g_autofree gchar *number = NULL;
  gdouble v;

  if (g_str_has_suffix (s, "ms")) {
    ms = TRUE;
    len -= 2;
  } else if (g_str_has_suffix (s, "s")) {
    secs = TRUE;
    len -= 1;
  }
  number = g_strndup (s, len);
  if (!cli_parse_decimal (number, plus, 0.0, G_MAXDOUBLE, &v))
    return FALSE;
  if (ms && !in_ms)
    v /= 1000.0;
  else if (secs && in_ms)
    v *= 1000.0;
  if (!(v >= min && v <= max))
    return FALSE;
  *out = v;
  return TRUE;
}

gchar *
cli_help_plain (const char *s)
{
  GString *out = g_string_new (NULL);

  for (; *s != '\0'; s++)
    if (*s != '\001' && *s != '\002' && *s != '\003')
      g_string_append_c (out, *s);
  return g_string_free (out, FALSE);
}

void
cli_help_append_wrapped (GString *out, const char *lead, guint indent,
    const char *text)
{
  g_autofree gchar *flat = cli_help_plain (text);
  g_auto (GStrv) words = g_strsplit (flat, " ", -1);
  guint col = (guint) strlen (lead);
  gboolean line_empty = TRUE;

  g_string_append (out, lead);
  for (gchar **w = words; *w != NULL; w++) {
    guint len = (guint) strlen (*w);

    if (len == 0)
      continue;
    if (!line_empty && col + 1 + len > 79) {
      g_string_append_c (out, '\n');
      col = 0;
      line_empty = TRUE;
    }
    if (!line_empty || (col > 0 && col >= indent)) {
      g_string_append_c (out, ' ');
      col++;
    }
    for (; col < indent; col++)
      g_string_append_c (out, ' ');
    g_string_append (out, *w);
    col += len;
    line_empty = FALSE;
  }
  g_string_append_c (out, '\n');
}

static void
append_option (GString *out, const CliDocOption *o)
{
  g_string_append (out, "  ");
  if (o->short_name != 0)
    g_string_append_printf (out, "-%c, ", o->short_name);
  else
    g_string_append (out, "    ");
  g_string_append_printf (out, "--%s", o->long_name);
  if (o->arg != NULL)
    g_string_append_printf (out, o->arg_optional ? "[=%s]" : "=%s", o->arg);
  g_string_append_c (out, '\n');
  cli_help_append_wrapped (out, "", 8, o->help);
}

int
cli_help_print (const CliDocPage *page)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree gchar *summary = g_strdup_printf ("%c%s.",
      g_ascii_toupper (page->summary[0]), page->summary + 1);

  for (const char *const *s = page->synopsis; *s != NULL; s++) {
    g_autofree gchar *line = cli_help_plain (*s);
    g_string_append_printf (out, "%s %s\n", s == page->synopsis ?
        "Usage:" : "      ", line);
  }
  cli_help_append_wrapped (out, "", 0, summary);
  g_string_append_c (out, '\n');
  cli_help_append_wrapped (out, "", 0, page->description[0]);
  g_string_append (out, "\nOptions:\n");
  for (const CliDocOption *o = page->options; o->long_name != NULL; o++)
    append_option (out, o);
  g_string_append (out, "\nExit status:\n");
  for (const CliDocItem *it = page->exit_status; it->term != NULL; it++) {
    g_autofree gchar *lead = g_strdup_printf ("  %s", it->term);
    cli_help_append_wrapped (out, lead, 8, it->text);
  }
  g_string_append_c (out, '\n');
  cli_help_append_wrapped (out, "", 0, page->exit_note);
  g_string_append_printf (out, "\n%s: man %s\n", page->help_more,
      page->program);
  return write_stdout (out, 0);
}

int
cli_version_print (const char *program, const char *version)
{
  g_autoptr (GString) out = g_string_new (NULL);

  g_string_append_printf (out, "%s (ringbridge) %s\n", program, version);
  return write_stdout (out, 0);
}
