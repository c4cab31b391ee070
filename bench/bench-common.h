/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* What every benchmark program here does around its measurements: exit
 * codes, the clock, page-aligned memory, spinning, the size and count
 * options, the start of a two-thread measurement and the formatting of
 * table cells. The other bench-*.h files hold one concern each:
 * bench-gen.h (the data and its check), bench-stats.h, bench-json.h,
 * bench-machine.h, bench-streams.h, bench-tput.h and bench-lat.h (the two
 * ring benchmarks' streams, throughput table and latency table),
 * bench-run.h (their repetitions, tally and report). */

#pragma once

#include <glib.h>

#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define EXIT_MISMATCH 1
#define EXIT_USAGE 64
#define EXIT_SETUP 71

#define CACHELINE 128

/* The options every benchmark program here takes (--reps, --quick,
 * --inject-error, --json); each program's own options stay in its file. */
struct bench_opts {
  gint reps;
  gboolean quick;
  gboolean inject;
  gchar *json;
};

extern struct bench_opts bench_opt;

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

gboolean bench_check_count (gint64 *value, const char *name,
    gboolean quick, gint64 quick_default, gint64 full_default, gint64 min,
    gint64 max, const char *range);
gboolean bench_parse_options (GOptionContext *ctx, int *argc, char ***argv);

gboolean bench_parse_size (const gchar *name, const gchar *value,
    guint64 *out, GError **error);

void bench_format_size (char *buf, size_t len, size_t bytes);

const char *bench_cell (char *buf, size_t len, int decimals,
    const char *suffix, double v);

/* The start of a measurement between the measuring thread and a second,
 * pinned one: the second says it is ready and waits for go, so neither
 * thread's start-up is measured. Orders the start only; the data has its
 * own ordering. Zeroed before each run. */
struct bench_start {
  alignas (CACHELINE) _Atomic int ready;
  _Atomic int go;
};

/* The second thread: ready, then wait for go. */
static inline void
bench_start_ready (struct bench_start *st)
{
  unsigned spins = 0;

  /* release: pairs with the acquire load in bench_start_go() */
  atomic_store_explicit (&st->ready, 1, memory_order_release);
  /* acquire: pairs with the release store in bench_start_go() */
  while (!atomic_load_explicit (&st->go, memory_order_acquire))
    bench_spin_pause (&spins);
}

/* The measuring thread: wait until the second is ready, then let it go.
 * Returns now_ns() just before the go. */
static inline uint64_t
bench_start_go (struct bench_start *st)
{
  unsigned spins = 0;
  uint64_t t0;

  /* acquire: pairs with the release store of ready in bench_start_ready() */
  while (!atomic_load_explicit (&st->ready, memory_order_acquire))
    bench_spin_pause (&spins);
  t0 = now_ns ();
  /* release: pairs with the acquire load of go in bench_start_ready() */
  atomic_store_explicit (&st->go, 1, memory_order_release);
  return t0;
}
