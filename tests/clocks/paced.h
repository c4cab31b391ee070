/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Pacing on CLOCK_MONOTONIC for the clocks tests: absolute deadlines
 * (clock_nanosleep, TIMER_ABSTIME) from a start, so that a late wake-up
 * is caught up by the next ones and the mean rate is exact. */

#include <errno.h>
#include <math.h>
#include <glib.h>
#include <time.h>

static inline void
add_ns (struct timespec *ts, const struct timespec *base, double s)
{
  gint64 ns = (gint64) base->tv_nsec + (gint64) llround (s * 1e9);

  ts->tv_sec = base->tv_sec + ns / 1000000000;
  ts->tv_nsec = ns % 1000000000;
}

static inline double
since (const struct timespec *base)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - base->tv_sec) +
      (now.tv_nsec - base->tv_nsec) * 1e-9;
}

static inline void
sleep_until (const struct timespec *base, double s)
{
  struct timespec when;

  add_ns (&when, base, s);
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL) ==
      EINTR) {
  }
}

