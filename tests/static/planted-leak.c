/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors
 *
 * A planted bug for the static gates' self-test (tests/static/meson.build):
 * each gate must report the leak below, or it is checking nothing. */
#include <stdlib.h>
#include <string.h>

int planted_leak (int n);

int
planted_leak (int n)
{
  char *p = malloc (16);

  if (p == NULL)
    return -1;
  if (n > 3)
    return n;                   /* leaks p */
  memset (p, 0, 16);
  free (p);
  return 0;
}
