/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-placement.h"

#include "bench-common.h"
#include "bench-machine.h"
#include "bench-stats.h"

#include <pthread.h>
#include <stdlib.h>

/* The probe: BATCHES batches of TRIPS round trips; the median of the
 * batches' means, so one preempted batch does not decide. */
#define TRIPS 200
#define BATCHES 11

const char *const bench_class_names[BENCH_N_CLASSES + 1] = {
  "near", "far", "changed"
};

struct probe {
  alignas (CACHELINE) _Atomic uint64_t word;
  struct bench_start start;
};

static void *
echo_thread (void *data)
{
  struct probe *p = data;

  bench_pin_self (1, "the placement probe");
  bench_start_ready (&p->start);
  for (uint64_t i = 0; i < (uint64_t) TRIPS * BATCHES; i++) {
    unsigned spins = 0;

    /* acquire: pairs with the release store of the odd value in
     * bench_placement_probe(). */
    while (atomic_load_explicit (&p->word, memory_order_acquire) !=
        2 * i + 1)
      bench_spin_pause (&spins);
    /* release: pairs with the acquire load in bench_placement_probe(). */
    atomic_store_explicit (&p->word, 2 * i + 2, memory_order_release);
  }
  return NULL;
}

double
bench_placement_probe (void)
{
  struct probe *p = bench_alloc_aligned (sizeof *p);
  double batch_ns[BATCHES];
  pthread_t thread;
  double median;
  uint64_t i = 0;

  atomic_init (&p->word, 0);
  if (pthread_create (&thread, NULL, echo_thread, p) != 0) {
    g_printerr ("error: cannot start the placement probe's thread\n");
    exit (EXIT_SETUP);
  }
  (void) bench_start_go (&p->start);
  for (int b = 0; b < BATCHES; b++) {
    uint64_t t0 = now_ns ();

    for (int k = 0; k < TRIPS; k++, i++) {
      unsigned spins = 0;

      /* release: pairs with the acquire load in echo_thread(). */
      atomic_store_explicit (&p->word, 2 * i + 1, memory_order_release);
      /* acquire: pairs with the release store in echo_thread(). */
      while (atomic_load_explicit (&p->word, memory_order_acquire) !=
          2 * i + 2)
        bench_spin_pause (&spins);
    }
    batch_ns[b] = (double) (now_ns () - t0) / TRIPS;
  }
  pthread_join (thread, NULL);
  free (p);
  median = bench_median (batch_ns, BATCHES);
  return median;
}

enum bench_class
bench_placement_class (double round_trip_ns)
{
  return round_trip_ns < BENCH_PLACEMENT_NEAR_NS ? BENCH_CLASS_NEAR :
      BENCH_CLASS_FAR;
}

enum bench_class
bench_placement_rep_class (double before_ns, double after_ns)
{
  enum bench_class a = bench_placement_class (before_ns);

  return before_ns > 0 && after_ns > 0 &&
      a == bench_placement_class (after_ns) ? a : BENCH_CLASS_CHANGED;
}
