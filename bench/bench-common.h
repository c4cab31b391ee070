/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* What every benchmark program here does around its measurements: exit
 * codes, the clock, page-aligned memory, spinning, the size option and the
 * formatting of table cells. The other bench-*.h files hold one concern
 * each: bench-gen.h (the data and its check), bench-stats.h, bench-json.h,
 * bench-machine.h, bench-streams.h and bench-tput.h (the two ring
 * benchmarks' streams and throughput table), bench-run.h (their
 * repetitions, tally and report). */

#pragma once

#include <glib.h>

#include <sched.h>
#include <stdint.h>
#include <time.h>

#define EXIT_MISMATCH 1
#define EXIT_USAGE 64
#define EXIT_SETUP 71

#define CACHELINE 128

static inline uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* Spinning waiters call sched_yield() when (spins & bench_yield_mask) == 0:
 * on every spin when both sides share one CPU (the other side cannot run
 * otherwise), rarely when each has its own, as a guard against a vCPU the
 * hypervisor took away. bench_choose_cpus() sets it. */
extern unsigned bench_yield_mask;

/* Called after every such sched_yield(), if set: the cross-process
 * benchmark checks there that its consumer process is still alive. */
extern void (*bench_yield_hook) (void);

static inline void
bench_spin_pause (unsigned *spins)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ volatile ("yield");
#endif
  if ((++*spins & bench_yield_mask) == 0) {
    sched_yield ();
    if (bench_yield_hook != NULL)
      bench_yield_hook ();
  }
}

void *bench_alloc_aligned (size_t size);

gboolean bench_parse_options (GOptionContext *ctx, int *argc, char ***argv);

gboolean bench_parse_size (const gchar *name, const gchar *value,
    guint64 *out, GError **error);

void bench_format_size (char *buf, size_t len, size_t bytes);

const char *bench_cell (char *buf, size_t len, int decimals,
    const char *suffix, double v);
