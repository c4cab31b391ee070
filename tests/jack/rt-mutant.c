/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The negative control of check-rt-symbols.py: jack/rt.c plus the kind of
 * call that must never get into it (logging, allocation). The symbol check
 * must reject this object. Never linked into anything. */

#include "rt.c"

#include <stdio.h>
#include <stdlib.h>

void rt_mutant_log (RbJackRt *rt);

void
rt_mutant_log (RbJackRt *rt)
{
  char *p = malloc (64);

  printf ("cycle %p %p\n", (void *) rt, (void *) p);
  free (p);
}
