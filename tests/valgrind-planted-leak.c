/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors
 *
 * Leaks one block on purpose: tests/meson.build runs it under the
 * options of meson test --setup valgrind, which must fail it. */
#include <glib.h>
#include <string.h>

int
main (void)
{
  char *volatile p = g_malloc (64);   /* volatile: not optimized away */

  memset ((char *) p, 1, 64);
  p = NULL;                     /* the only pointer to the block: lost */
  return p != NULL;
}
