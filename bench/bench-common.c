/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-common.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned bench_yield_mask = 0xffff;
void (*bench_yield_hook) (void) = NULL;

struct bench_opts bench_opt;

/* Page-aligned, zeroed memory; exits with EXIT_SETUP when there is none. */
void *
bench_alloc_aligned (size_t size)
{
  void *p = aligned_alloc (4096, (size + 4095) & ~(size_t) 4095);

  if (p == NULL) {
    g_printerr ("error: out of memory (%zu bytes)\n", size);
    exit (EXIT_SETUP);
  }
  /* Touch every page now, not inside a measured run. */
  memset (p, 0, size);
  return p;
}

/* Parses the command line; FALSE (with a message) on a bad option or an
 * argument left over. */
gboolean
bench_parse_options (GOptionContext *ctx, int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (ctx, argc, argv, &error)) {
    g_printerr ("%s\n", error->message);
    return FALSE;
  }
  if (*argc > 1) {
    g_printerr ("unexpected argument '%s'\n", (*argv)[1]);
    return FALSE;
  }
  return TRUE;
}

/* Parses a --bytes value of option @name: 8 bytes to 1 TiB, optionally
 * with K, M or G (powers of 1024, "KiB" and "KB" alike) into @out. */
gboolean
bench_parse_size (const gchar *name, const gchar *value, guint64 *out,
    GError **error)
{
  gchar *end = NULL;
  guint64 v;

  errno = 0;
  v = g_ascii_strtoull (value, &end, 10);
  if (errno == 0 && end != value) {
    guint shift = 0;
    switch (g_ascii_toupper (*end)) {
      case 'K':
        shift = 10, end++;
        break;
      case 'M':
        shift = 20, end++;
        break;
      case 'G':
        shift = 30, end++;
        break;
    }
    if (shift != 0 && (*end == 'i' || *end == 'I'))
      end++;
    if (shift != 0 && (*end == 'b' || *end == 'B'))
      end++;
    if (*end == '\0' && v <= (G_GUINT64_CONSTANT (1) << 40) >> shift &&
        v << shift >= 8) {
      *out = v << shift;
      return TRUE;
    }
  }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "invalid size '%s' for %s: 8 bytes to 1 TiB, optionally with K, M or "
      "G (powers of 1024)", value, name);
  return FALSE;
}

void
bench_format_size (char *buf, size_t len, size_t bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    g_snprintf (buf, len, "%zu MiB", bytes / (1024 * 1024));
  else if (bytes >= 1024 && bytes % 1024 == 0)
    g_snprintf (buf, len, "%zu KiB", bytes / 1024);
  else
    g_snprintf (buf, len, "%zu B", bytes);
}

/* A table cell: @v with @decimals and @suffix in @buf; "-" for a figure
 * not measured (a peer not built), "inf" for an infinite ratio. */
const char *
bench_cell (char *buf, size_t len, int decimals, const char *suffix,
    double v)
{
  if (isnan (v))
    return "-";
  if (isinf (v))
    return "inf";
  g_snprintf (buf, len, "%.*f%s", decimals, v, suffix);
  return buf;
}

/* A count option @name of one benchmark (0: @full_default, or
 * @quick_default with --quick), checked against [@min, @max] (@range says
 * it in words); FALSE (with a message) if it is out of range. */
gboolean
bench_check_count (gint64 *value, const char *name, gboolean quick,
    gint64 quick_default, gint64 full_default, gint64 min, gint64 max,
    const char *range)
{
  if (*value == 0)
    *value = quick ? quick_default : full_default;
  if (*value < min || *value > max) {
    g_printerr ("invalid --%s %" G_GINT64_FORMAT ": %s\n", name, *value,
        range);
    return FALSE;
  }
  return TRUE;
}
