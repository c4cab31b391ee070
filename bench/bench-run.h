/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The bookkeeping of a ring benchmark run (ringbridge-bench and
 * ringbridge-bench-xproc): the machine, the repetitions and which of them
 * the medians use, the tally of checked runs, the targets, and the parts
 * of the report and the JSON that go with them. */

#pragma once

#include "bench-machine.h"

#include <glib.h>

#include <stdbool.h>
#include <stdint.h>

enum bench_target_state {
  BENCH_TARGET_NOT_MEASURED,
  BENCH_TARGET_MET,
  BENCH_TARGET_NOT_MET,
};

struct bench_target {
  const char *name;
  enum bench_target_state state;
  char detail[96];
};

/* Every measured or warm-up run whose data was checked. */
struct bench_tally {
  unsigned runs;
  unsigned mismatches;          /* runs whose data differed */
  unsigned injected;            /* runs that got an --inject-error word */
  unsigned missed;              /* of those, runs that did not notice */
};

struct bench_run {
  struct bench_machine m;
  int reps;
  double *rep_others;           /* others' CPU share, per repetition */
  int *used;                    /* the repetitions the medians use */
  int n_used;
  struct bench_tally tally;
};

gboolean bench_run_check_options (gint *reps, guint64 *bytes,
    gboolean quick);

void bench_run_init (struct bench_run *run, int reps);

void bench_run_clear (struct bench_run *run);

void bench_run_print_header (const struct bench_run *run,
    const char *program);

void bench_run_count (struct bench_run *run, uint64_t bad, bool injected,
    const char *what);

void bench_run_rep_done (struct bench_run *run, int rep,
    const struct bench_cpu_load *before, const struct bench_cpu_load *after);

void bench_run_select_reps (struct bench_run *run);

double bench_run_rep_median (const struct bench_run *run,
    const double *per_rep);

void bench_run_print_targets (const struct bench_target *targets, int n,
    int width);

void bench_run_print_footer (const struct bench_run *run, bool inject);

GString *bench_run_json_begin (const struct bench_run *run,
    const char *program);

void bench_run_json_end (GString *json, const struct bench_run *run,
    const struct bench_target *targets, int n, bool inject);

int bench_run_exit_status (const struct bench_run *run, bool inject);
