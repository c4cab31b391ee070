/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* What ringbridge-jack and ringbridge-stat share on the command line:
 * messages on standard error ("PROGRAM: ..."), writes to standard output
 * that notice a lost write, and --help and --version from the program's
 * CliDocPage (cli-doc.h). Main thread only, except print_error(), which
 * any thread may call once cli_set_program() has run. */

#include "cli-doc.h"

#include <glib.h>

G_BEGIN_DECLS

/* Names the program in every message; call first thing in main(). */
void cli_set_program (const char *program);
const char *cli_get_program (void);

/* "PROGRAM: message\n" on standard error. */
void print_error (const char *format, ...) G_GNUC_PRINTF (1, 2);
void cli_vprint (const char *format, va_list args) G_GNUC_PRINTF (1, 0);

/* "Try 'PROGRAM --help' for more information." on standard error. */
void usage_hint (void);

/* print_error() and usage_hint(). Returns: EX_USAGE. */
int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* @s with control characters and non-ASCII bytes escaped, for messages;
 * free with g_free(). */
gchar *printable (const char *s);

/* Writes all of @s to @fd, again after EINTR. Returns: 0 or an errno
 * value. */
int cli_write_all (int fd, const char *s, gsize len);

/* Writes @out to standard output. A closed pipe (| head) is no error.
 * Returns: @status, or EX_IOERR (with a message) if the write failed and
 * @status is 0. */
int write_stdout (const GString *out, int status);

/* A plain decimal number in [@min, @max]: digits and one point, with a
 * leading '+' if @plus; no exponent, '-', hex, "inf" or "nan". */
gboolean cli_parse_decimal (const char *s, gboolean plus, gdouble min,
                            gdouble max, gdouble *out);

/* A duration for an option whose unit is seconds (@in_ms FALSE) or
 * milliseconds (@in_ms TRUE): a decimal number as cli_parse_decimal()
 * takes, in that unit, or one followed by its own unit, "s" or "ms"
 * ("500ms", "2.5s"), so that every time option takes both units alike.
 * *@out is in the option's unit, and must be in [@min, @max]. */
gboolean cli_parse_duration (const char *s, gboolean plus, gboolean in_ms,
                             gdouble min, gdouble max, gdouble *out);

/* Doc text without its markup; free with g_free(). */
gchar *cli_help_plain (const char *s);

/* Appends @text without its markup, wrapped at 79 columns: the first line
 * starts with @lead padded to @indent columns, the others with @indent
 * spaces. */
void cli_help_append_wrapped (GString *out, const char *lead, guint indent,
                              const char *text);

/* Prints --help from @page. Returns: 0, or an exit status. */
int cli_help_print (const CliDocPage *page);

/* Prints "PROGRAM (ringbridge) VERSION". Returns: 0, or an exit status. */
int cli_version_print (const char *program, const char *version);

G_END_DECLS
