/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The machine a benchmark ran on: its description (header line and JSON
 * "machine" object), the two CPUs producer and consumer are pinned to, and
 * the share of CPU time other processes and the hypervisor took. */

#pragma once

#include <glib.h>

#include <stdbool.h>
#include <sys/utsname.h>

struct bench_machine {
  struct utsname uts;
  gchar *cpu_model;
  long nproc;
  gchar *date;
  gchar *pin_note;              /* NULL unless bench_choose_cpus() ran */
  double loadavg;               /* 1-minute load average at the start */
  double others_share;          /* of all CPU time during the run */
  double steal_share;
};

/* What other processes and the hypervisor took while we ran, from
 * /proc/stat (all CPUs) minus our own CPU time. */
struct bench_cpu_load {
  double busy_s;                /* CPU seconds of all processes */
  double steal_s;               /* CPU seconds the hypervisor took away */
  double self_s;                /* our own CPU seconds */
  double wall_s;
};

/* The CPUs the producer (index 0) and consumer (index 1) are pinned to;
 * -1 when running unpinned. */
extern int bench_pin_cpus[2];

void bench_machine_init (struct bench_machine *m);

void bench_machine_clear (struct bench_machine *m);

void bench_choose_cpus (struct bench_machine *m, const char *sides,
    const char *side);

void bench_pin_self (int which, const char *who);

double bench_rusage_s (int who);

void bench_read_cpu_load (struct bench_cpu_load *l, double extra_self_s);

void bench_cpu_load_shares (const struct bench_cpu_load *a,
    const struct bench_cpu_load *b, long nproc, double *others,
    double *steal);

void bench_machine_print_header (const struct bench_machine *m,
    const char *program);

void bench_machine_to_json (GString *out, const struct bench_machine *m,
    bool pinning, const double *rep_others, int reps);
