/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The bookkeeping of a ring benchmark run (ringbridge-bench and
 * ringbridge-bench-xproc): the machine, the repetitions and which of them
 * the medians use, the tally of checked runs, the targets, and the parts
 * of the report and the JSON that go with them. */

#pragma once

#include "bench-lat.h"
#include "bench-machine.h"
#include "bench-placement.h"
#include "bench-tput.h"

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
  /* Placement probes before [0] and after [1] each repetition, ns, and its
   * class (bench-placement.h); NULL unless bench_run_probe_init() ran. */
  double *probe_ns[2];
  int *rep_class;
  int *used_all;                /* used, before bench_run_use_class() */
  int n_used_all;
  struct bench_tally tally;
  /* CPU seconds of the benchmark's other processes, or NULL */
  double (*extra_self_s) (void);
  struct bench_tput tput;
};

/* The options both ring benchmarks take, as GOptionEntry initializers. */
#define BENCH_RUN_OPTION_REPS(var) \
  { "reps", 'r', 0, G_OPTION_ARG_INT, &(var), \
    "Repetitions of every case (default 15)", "N" }
#define BENCH_RUN_OPTION_BYTES \
  { "bytes", 'b', 0, G_OPTION_ARG_CALLBACK, (gpointer) bench_run_parse_bytes, \
    "Bytes per throughput run for chunks of 64 B and up; an 8 B chunk " \
    "moves 1/8 of it (default 256M)", "SIZE" }
#define BENCH_RUN_OPTION_JSON(var) \
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &(var), \
    "Also write the JSON result to FILE", "FILE" }
#define BENCH_RUN_OPTION_INJECT(var) \
  { "inject-error", 0, 0, G_OPTION_ARG_NONE, &(var), \
    "Self-test of the checks: corrupt one word in every measured run; " \
    "exits 1 if every run noticed, 0 if one did not", NULL }

gboolean bench_run_parse_bytes (const gchar *name, const gchar *value,
    gpointer bytes, GError **error);

gboolean bench_run_parse (const GOptionEntry *entries, const char *summary,
    guint64 *bytes, int *argc, char ***argv);

gboolean bench_run_parse_common (const GOptionEntry *entries,
    const char *summary, guint64 *bytes, int *argc, char ***argv);

gboolean bench_run_check_options (gint *reps, guint64 *bytes,
    gboolean quick);

void bench_per_rep_new (double **arrays, int n, int reps);

void bench_per_rep_free (double **arrays, int n);

void bench_run_init (struct bench_run *run,
    const struct bench_tput_spec *spec, int reps, uint64_t bytes);

void bench_run_clear (struct bench_run *run);

void bench_run_print_header (const struct bench_run *run,
    const char *program);

void bench_run_read_load (const struct bench_run *run,
    struct bench_cpu_load *l);

void bench_run_measure (struct bench_run *run, void (*body) (void *),
    void *data);

int bench_run_finish (const struct bench_run *run, GString *json,
    const char *path, bool inject);

void bench_run_count (struct bench_run *run, uint64_t bad, bool injected,
    const char *what);

void bench_run_rep_done (struct bench_run *run, int rep,
    const struct bench_cpu_load *before, const struct bench_cpu_load *after);

void bench_run_summarize (struct bench_run *run);

void bench_run_probe_init (struct bench_run *run);

void bench_run_probe (struct bench_run *run, int rep, int after);

int bench_run_use_class (struct bench_run *run, int cls);

void bench_run_print_placement (const struct bench_run *run);

void bench_run_placement_to_json (GString *json, const struct bench_run *run);

void bench_run_targets_to_json (GString *json,
    const struct bench_target *targets, int n);

double bench_run_rep_median (const struct bench_run *run,
    const double *per_rep);

/* Latency ratios to a base peer: per repetition, of the medians and of
 * the p99s, and their medians over the repetitions in use. */
#define BENCH_MAX_LAT_RATIOS 4
struct bench_lat_ratios {
  int n;
  double *ratio[BENCH_MAX_LAT_RATIOS];
  double *ratio_p99[BENCH_MAX_LAT_RATIOS];
  double med_ratio[BENCH_MAX_LAT_RATIOS];
  double med_ratio_p99[BENCH_MAX_LAT_RATIOS];
};

void bench_lat_ratios_init (struct bench_lat_ratios *r, int n, int reps);

/* A latency result per repetition: each peer's median and p99, and their
 * ratios to the base peer. */
#define BENCH_MAX_LAT_PEERS 4
struct bench_lat_reps {
  int n_peers;
  double *median_ns[BENCH_MAX_LAT_PEERS];
  double *p99_ns[BENCH_MAX_LAT_PEERS];
  struct bench_lat_ratios ratios;
};

void bench_lat_reps_init (struct bench_lat_reps *l, int n_peers,
    int n_ratios, int reps);

void bench_lat_reps_clear (struct bench_lat_reps *l);

void bench_lat_reps_ratios (struct bench_lat_reps *l,
    const struct bench_run *run, const int *num, int base, unsigned missing);

void bench_lat_ratios_clear (struct bench_lat_ratios *r);

void bench_run_ratio_medians (const struct bench_run *run,
    struct bench_lat_ratios *r);

void bench_run_ratios_to_json (GString *json, const char *const *names,
    const struct bench_lat_ratios *r, int reps);

void bench_run_lat_to_json (GString *json, const char *const *peers,
    const struct bench_lat_reps *l, unsigned missing,
    const struct bench_lat_field *more, int n_more,
    const char *const *ratio_names);

void bench_run_lat_target (struct bench_target *t, const char *name,
    const struct bench_lat_ratios *r, int ratio, double most);

void bench_run_print_targets (const struct bench_target *targets, int n,
    int width);

void bench_run_print_footer (const struct bench_run *run, bool inject);

GString *bench_run_json_begin (const struct bench_run *run,
    const char *program);

GString *bench_run_json_start (const struct bench_run *run,
    const char *program, uint64_t bytes, const char *count_key,
    int64_t count, const char *more_options);

void bench_run_json_end (GString *json, const struct bench_run *run,
    const struct bench_target *targets, int n, bool inject);

