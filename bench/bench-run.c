/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-run.h"

#include "bench-common.h"
#include "bench-json.h"
#include "bench-stats.h"
#include "bench-streams.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The --bytes callback: the main group's user data is the guint64 it
 * sets (see bench_run_parse()). */
gboolean
bench_run_parse_bytes (const gchar *name, const gchar *value, gpointer bytes,
    GError **error)
{
  return bench_parse_size (name, value, bytes, error);
}

/* Parses the command line against @entries, whose BENCH_RUN_OPTION_BYTES
 * sets @bytes; FALSE (with a message) if it is wrong. */
gboolean
bench_run_parse (const GOptionEntry *entries, const char *summary,
    guint64 *bytes, int *argc, char ***argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  GOptionGroup *main_group = g_option_group_new (NULL, NULL, NULL, bytes,
      NULL);

  g_option_group_add_entries (main_group, entries);
  g_option_context_set_main_group (ctx, main_group);
  g_option_context_set_summary (ctx, summary);
  return bench_parse_options (ctx, argc, argv);
}

/* bench_run_parse(), then bench_run_check_options() on the common
 * options: what both ring benchmarks' parse_options() begin with. */
gboolean
bench_run_parse_common (const GOptionEntry *entries, const char *summary,
    guint64 *bytes, int *argc, char ***argv)
{
  return bench_run_parse (entries, summary, bytes, argc, argv) &&
      bench_run_check_options (&bench_opt.reps, bytes, bench_opt.quick);
}

/* The defaults of --reps and --bytes (smaller with --quick), and the
 * check of --reps; FALSE (with a message) if it is out of range. */
gboolean
bench_run_check_options (gint *reps, guint64 *bytes, gboolean quick)
{
  if (*reps == 0)
    *reps = quick ? 5 : 15;
  if (*reps < 1 || *reps > 1000) {
    g_printerr ("invalid --reps %d: 1 to 1000 (at least 5 for a report)\n",
        *reps);
    return FALSE;
  }
  if (*bytes == 0)
    *bytes = quick ? 16 * 1024 * 1024 : 256 * 1024 * 1024;
  return TRUE;
}

/* Allocates @n zeroed arrays of one value per repetition. */
void
bench_per_rep_new (double **arrays, int n, int reps)
{
  for (int i = 0; i < n; i++)
    arrays[i] = g_new0 (double, reps);
}

void
bench_per_rep_free (double **arrays, int n)
{
  for (int i = 0; i < n; i++)
    g_clear_pointer (&arrays[i], g_free);
}

/* A run of @reps repetitions whose throughput cases move @bytes each
 * through the peers of @spec. */
void
bench_run_init (struct bench_run *run, const struct bench_tput_spec *spec,
    int reps, uint64_t bytes)
{
  memset (run, 0, sizeof *run);
  run->reps = reps;
  run->rep_others = g_new0 (double, reps);
  run->used = g_new0 (int, reps);
  bench_tput_init (&run->tput, spec, reps, bytes);
}

void
bench_run_clear (struct bench_run *run)
{
  g_free (run->rep_others);
  g_free (run->used);
  g_free (run->used_all);
  g_free (run->probe_ns[0]);
  g_free (run->probe_ns[1]);
  g_free (run->rep_class);
  bench_tput_clear (&run->tput);
  bench_machine_clear (&run->m);
}

/* The machine, the pinning and the repetitions. */
void
bench_run_print_header (const struct bench_run *run, const char *program)
{
  bench_machine_print_header (&run->m, program);
  g_print ("%s; %d repetitions; load average at start %.2f\n",
      run->m.pin_note, run->reps, run->m.loadavg);
}

/* The CPU load now, counting the benchmark's other processes as ours. */
void
bench_run_read_load (const struct bench_run *run, struct bench_cpu_load *l)
{
  bench_read_cpu_load (l, run->extra_self_s != NULL ? run->extra_self_s () :
      0);
}

/* Runs @body (@data) and records what other processes and the hypervisor
 * took meanwhile. */
void
bench_run_measure (struct bench_run *run, void (*body) (void *), void *data)
{
  struct bench_machine *m = &run->m;
  struct bench_cpu_load load0, load1;

  bench_run_read_load (run, &load0);
  body (data);
  bench_run_read_load (run, &load1);
  bench_cpu_load_shares (&load0, &load1, m->nproc, &m->others_share,
      &m->steal_share);
}

/* Counts one checked run; @bad nonzero if its data differed, @injected if
 * it got an --inject-error word; @what names it in a complaint. */
void
bench_run_count (struct bench_run *run, uint64_t bad, bool injected,
    const char *what)
{
  struct bench_tally *t = &run->tally;

  t->runs++;
  if (injected)
    t->injected++;
  if (bad != 0)
    t->mismatches++;
  if (bad != 0 && !injected)
    g_printerr ("MISMATCH: %s: the data received differs from the data "
        "sent\n", what);
  if (bad == 0 && injected) {
    t->missed++;
    g_printerr ("MISSED: %s: the injected error went unnoticed\n", what);
  }
}

/* Records what other processes took during repetition @rep and says so. */
void
bench_run_rep_done (struct bench_run *run, int rep,
    const struct bench_cpu_load *before, const struct bench_cpu_load *after)
{
  double *others = &run->rep_others[rep];

  bench_cpu_load_shares (before, after, run->m.nproc, others, NULL);
  g_printerr ("repetition %d/%d: other processes took %.0f%% of the CPU "
      "time%s\n", rep + 1, run->reps, 100 * *others,
      *others > BENCH_DISTURBED_SHARE ? " (disturbed)" : "");
}

/* Picks the repetitions the medians use (with placement probes, not those
 * whose class changed), then the throughput medians. */
void
bench_run_summarize (struct bench_run *run)
{
  int n = bench_select_reps (run->rep_others, run->reps, run->used);

  run->n_used = 0;
  for (int i = 0; i < n; i++)
    if (run->rep_class == NULL ||
        run->rep_class[run->used[i]] != BENCH_CLASS_CHANGED)
      run->used[run->n_used++] = run->used[i];
  /* Every one changed placement: a median of them beats none (the
   * placement report says so). */
  if (run->n_used == 0)
    run->n_used = bench_select_reps (run->rep_others, run->reps, run->used);
  run->used_all = g_memdup2 (run->used, sizeof *run->used * (size_t) run->reps);
  run->n_used_all = run->n_used;
  bench_tput_summarize (&run->tput, run);
}

/* Placement probes around every repetition from now on. */
void
bench_run_probe_init (struct bench_run *run)
{
  run->probe_ns[0] = g_new0 (double, run->reps);
  run->probe_ns[1] = g_new0 (double, run->reps);
  run->rep_class = g_new (int, run->reps);
  for (int i = 0; i < run->reps; i++)
    run->rep_class[i] = BENCH_CLASS_CHANGED;
}

/* The probe before (@after 0) or after (1) repetition @rep; after, its
 * class. */
void
bench_run_probe (struct bench_run *run, int rep, int after)
{
  double *ns = run->probe_ns[after];

  ns[rep] = bench_placement_probe ();
  if (after)
    run->rep_class[rep] = bench_placement_rep_class (run->probe_ns[0][rep],
        ns[rep]);
}

/* Restricts the repetitions in use to those of class @cls (-1: all that
 * bench_run_summarize() chose) and the throughput medians to them;
 * returns how many there are. */
int
bench_run_use_class (struct bench_run *run, int cls)
{
  run->n_used = 0;
  for (int i = 0; i < run->n_used_all; i++)
    if (cls < 0 || run->rep_class[run->used_all[i]] == cls)
      run->used[run->n_used++] = run->used_all[i];
  if (run->n_used > 0)
    bench_tput_summarize (&run->tput, run);
  return run->n_used;
}

/* How many repetitions each class had, set aside ones included. */
static void
count_classes (const struct bench_run *run, int *count)
{
  memset (count, 0, sizeof *count * (BENCH_N_CLASSES + 1));
  for (int i = 0; i < run->reps; i++)
    count[run->rep_class[i]]++;
}

void
bench_run_print_placement (const struct bench_run *run)
{
  int count[BENCH_N_CLASSES + 1];

  count_classes (run, count);
  g_print ("\nPlacement (atomic round trip between the two CPUs before and "
      "after each\nrepetition; near < %.0f ns): %d near, %d far, %d set "
      "aside (class changed).\n", BENCH_PLACEMENT_NEAR_NS,
      count[BENCH_CLASS_NEAR], count[BENCH_CLASS_FAR],
      count[BENCH_CLASS_CHANGED]);
  if (count[BENCH_CLASS_CHANGED] == run->reps)
    g_print ("Every repetition changed placement: the medians above use "
        "them all.\n");
  for (int i = 0; i < run->reps; i++)
    g_print ("%s %d: %.0f/%.0f ns %s", i % 4 ? "," : i ? "\n  rep" : "  rep",
        i + 1, run->probe_ns[0][i], run->probe_ns[1][i],
        bench_class_names[run->rep_class[i]]);
  g_print ("\n");
}

/* "placement":{"near_below_ns":..,"probe_before_ns":[..],
 * "probe_after_ns":[..],"class":[..],"counts":{..}}, */
void
bench_run_placement_to_json (GString *json, const struct bench_run *run)
{
  int count[BENCH_N_CLASSES + 1];

  count_classes (run, count);
  g_string_append_printf (json, "\"placement\":{\"near_below_ns\":%.0f,",
      BENCH_PLACEMENT_NEAR_NS);
  bench_json_object_of_arrays (json, "probe_ns",
      (const char *const[]) { "before", "after" },
      (double *const[]) { run->probe_ns[0], run->probe_ns[1] }, 2,
      (size_t) run->reps);
  g_string_append (json, ",\"class\":[");
  for (int i = 0; i < run->reps; i++)
    g_string_append_printf (json, "%s\"%s\"", i ? "," : "",
        bench_class_names[run->rep_class[i]]);
  g_string_append (json, "],\"counts\":{");
  for (int c = 0; c <= BENCH_N_CLASSES; c++)
    g_string_append_printf (json, "%s\"%s\":%d", c ? "," : "",
        bench_class_names[c], count[c]);
  g_string_append (json, "}},");
}

/* The median of a per-repetition array over the repetitions in use. */
double
bench_run_rep_median (const struct bench_run *run, const double *per_rep)
{
  return bench_rep_median (run->used, run->n_used, per_rep);
}

/* @n ratios (at most BENCH_MAX_LAT_RATIOS) of @reps repetitions each. */
void
bench_lat_ratios_init (struct bench_lat_ratios *r, int n, int reps)
{
  g_assert (n <= BENCH_MAX_LAT_RATIOS);
  r->n = n;
  bench_per_rep_new (r->ratio, n, reps);
  bench_per_rep_new (r->ratio_p99, n, reps);
}

void
bench_lat_ratios_clear (struct bench_lat_ratios *r)
{
  bench_per_rep_free (r->ratio, r->n);
  bench_per_rep_free (r->ratio_p99, r->n);
}

void
bench_lat_reps_init (struct bench_lat_reps *l, int n_peers, int n_ratios,
    int reps)
{
  g_assert (n_peers <= BENCH_MAX_LAT_PEERS);
  l->n_peers = n_peers;
  bench_per_rep_new (l->median_ns, n_peers, reps);
  bench_per_rep_new (l->p99_ns, n_peers, reps);
  bench_lat_ratios_init (&l->ratios, n_ratios, reps);
}

void
bench_lat_reps_clear (struct bench_lat_reps *l)
{
  bench_per_rep_free (l->median_ns, l->n_peers);
  bench_per_rep_free (l->p99_ns, l->n_peers);
  bench_lat_ratios_clear (&l->ratios);
}

/* The medians over the repetitions in use of @r's per-repetition ratios
 * of medians and of p99s. */
void
bench_run_ratio_medians (const struct bench_run *run,
    struct bench_lat_ratios *r)
{
  for (int i = 0; i < r->n; i++) {
    r->med_ratio[i] = bench_run_rep_median (run, r->ratio[i]);
    r->med_ratio_p99[i] = bench_run_rep_median (run, r->ratio_p99[i]);
  }
}

/* ,"ratios":{..},"median_ratios":{..},"median_p99_ratios":{..}}, -- the
 * end of a latency object. */
void
bench_run_ratios_to_json (GString *json, const char *const *names,
    const struct bench_lat_ratios *r, int reps)
{
  g_string_append_c (json, ',');
  bench_json_object_of_arrays (json, "ratios", names, r->ratio, r->n,
      (size_t) reps);
  g_string_append_c (json, ',');
  bench_json_object_of_numbers (json, "median_ratios", names, r->med_ratio,
      r->n);
  g_string_append_c (json, ',');
  bench_json_object_of_numbers (json, "median_p99_ratios", names,
      r->med_ratio_p99, r->n);
  g_string_append (json, "},");
}

/* @l's ratios: per repetition, ratio i is peer @num[i]'s median (and p99)
 * over the base peer @base's (@num NULL: peer i's), NaN where that peer is
 * a bit of @missing; then their medians over the repetitions @run uses. */
void
bench_lat_reps_ratios (struct bench_lat_reps *l, const struct bench_run *run,
    const int *num, int base, unsigned missing)
{
  struct bench_lat_ratios *r = &l->ratios;

  for (int i = 0; i < r->n; i++) {
    int peer = num != NULL ? num[i] : i;
    bool gone = (missing & (1u << peer)) != 0;

    for (int rep = 0; rep < bench_opt.reps; rep++) {
      r->ratio[i][rep] = gone ? NAN :
          l->median_ns[peer][rep] / l->median_ns[base][rep];
      r->ratio_p99[i][rep] = gone ? NAN :
          l->p99_ns[peer][rep] / l->p99_ns[base][rep];
    }
  }
  bench_run_ratio_medians (run, r);
}

/* The rest of a latency object: @l's per-repetition "median_ns" and
 * "p99_ns" (null for the peers of the bits of @missing), the fields @more
 * (bench_lat_fields_to_json()), then @l's ratios
 * (bench_run_ratios_to_json()). */
void
bench_run_lat_to_json (GString *json, const char *const *peers,
    const struct bench_lat_reps *l, unsigned missing,
    const struct bench_lat_field *more, int n_more,
    const char *const *ratio_names)
{
  double *median_ns[BENCH_MAX_LAT_PEERS], *p99_ns[BENCH_MAX_LAT_PEERS];
  size_t reps = (size_t) bench_opt.reps;

  for (int i = 0; i < l->n_peers; i++) {
    bool gone = (missing & (1u << i)) != 0;

    median_ns[i] = gone ? NULL : l->median_ns[i];
    p99_ns[i] = gone ? NULL : l->p99_ns[i];
  }
  bench_lat_fields_to_json (json, peers, l->n_peers, reps,
      (const struct bench_lat_field[]) {
        { "median_ns", median_ns, NULL }, { "p99_ns", p99_ns, NULL } }, 2);
  g_string_append_c (json, ',');
  bench_lat_fields_to_json (json, peers, l->n_peers, reps, more, n_more);
  bench_run_ratios_to_json (json, ratio_names, &l->ratios, bench_opt.reps);
}

/* @t, named @name: met when the median of latency ratio @ratio of @r is at
 * most @most; its detail that median, "1.23x (median)". */
void
bench_run_lat_target (struct bench_target *t, const char *name,
    const struct bench_lat_ratios *r, int ratio, double most)
{
  t->name = name;
  t->state = r->med_ratio[ratio] <= most ? BENCH_TARGET_MET :
      BENCH_TARGET_NOT_MET;
  g_snprintf (t->detail, sizeof t->detail, "%.2fx (median)",
      r->med_ratio[ratio]);
}

static const char *
target_state_name (enum bench_target_state s)
{
  return s == BENCH_TARGET_MET ? "met" : s == BENCH_TARGET_NOT_MET ?
      "NOT MET" : "not measured";
}

/* The targets, their names in a column @width wide. */
void
bench_run_print_targets (const struct bench_target *targets, int n,
    int width)
{
  g_print ("\nTargets (reported, not asserted):\n");
  for (int i = 0; i < n; i++)
    g_print ("  %-*s %-12s %s\n", width, targets[i].name,
        target_state_name (targets[i].state), targets[i].detail);
}

/* What other processes and the hypervisor took, and the checks' verdict. */
void
bench_run_print_footer (const struct bench_run *run, bool inject)
{
  const struct bench_machine *m = &run->m;
  const struct bench_tally *t = &run->tally;

  g_print ("\nOther processes used %.0f%% of all CPU time during the run, the "
      "hypervisor took %.0f%%.\n", 100 * m->others_share,
      100 * m->steal_share);
  if (run->n_used < run->reps)
    g_print ("Medians over %d of %d repetitions: in the other %d, other "
        "processes took more\nthan %.0f%% of the CPU time.\n", run->n_used,
        run->reps, run->reps - run->n_used, 100 * BENCH_DISTURBED_SHARE);
  else if (m->others_share > BENCH_DISTURBED_SHARE ||
      m->steal_share > BENCH_DISTURBED_SHARE)
    g_print ("WARNING: the benchmark did not have the CPUs to itself; "
        "its figures are unreliable.\n");
  if (inject)
    g_print ("Injected errors: %u measured runs, %u noticed, %u missed\n\n",
        t->injected, t->injected - t->missed, t->missed);
  else
    g_print ("Data verified: %s (%u runs, %u with a mismatch)\n\n",
        t->mismatches == 0 ? "yes" : "NO", t->runs, t->mismatches);
}

/* {"program":..,"version":..,"machine":{..},"reps_used":[..], -- the
 * caller goes on with its options. */
GString *
bench_run_json_begin (const struct bench_run *run, const char *program)
{
  GString *json = bench_json_begin (program);

  bench_machine_to_json (json, &run->m, true, run->rep_others, run->reps);
  g_string_append (json, ",\"reps_used\":[");
  for (int i = 0; i < run->n_used; i++)
    g_string_append_printf (json, "%s%d", i ? "," : "", run->used[i]);
  g_string_append (json, "],");
  return json;
}

/* bench_run_json_begin(), then "options":{"reps":..,"bytes":..,
 * "<count_key>":..,"quick":..,"inject_error":..<more_options>}, and whether
 * the optional peers were built: "jack":..,"boost":..,"portaudio":.., */
GString *
bench_run_json_start (const struct bench_run *run, const char *program,
    uint64_t bytes, const char *count_key, int64_t count,
    const char *more_options)
{
  GString *json = bench_run_json_begin (run, program);

  g_string_append_printf (json, "\"options\":{\"reps\":%d,\"bytes\":%"
      G_GUINT64_FORMAT ",\"%s\":%" G_GINT64_FORMAT ",\"quick\":%s,"
      "\"inject_error\":%s%s},\"jack\":%s,\"boost\":%s,\"portaudio\":%s,",
      bench_opt.reps, bytes, count_key, count,
      bench_json_bool (bench_opt.quick), bench_json_bool (bench_opt.inject),
      more_options, bench_json_bool (bench_have_jack),
      bench_json_bool (bench_have_boost), bench_json_bool (bench_have_pa));
  return json;
}

/* "targets":[..] */
void
bench_run_targets_to_json (GString *json, const struct bench_target *targets,
    int n)
{
  g_string_append (json, "\"targets\":[");
  for (int i = 0; i < n; i++) {
    const struct bench_target *t = &targets[i];
    g_string_append (json, i ? ",{\"name\":" : "{\"name\":");
    bench_json_string (json, t->name);
    g_string_append_printf (json, ",\"met\":%s,\"detail\":",
        t->state == BENCH_TARGET_MET ? "true" :
        t->state == BENCH_TARGET_NOT_MET ? "false" : "null");
    bench_json_string (json, t->detail);
    g_string_append_c (json, '}');
  }
  g_string_append_c (json, ']');
}

/* "targets":[..],"runs":..,"mismatches":..,"verified":..} */
void
bench_run_json_end (GString *json, const struct bench_run *run,
    const struct bench_target *targets, int n, bool inject)
{
  bench_run_targets_to_json (json, targets, n);
  g_string_append_printf (json, ",\"runs\":%u,\"mismatches\":%u,"
      "\"verified\":%s}", run->tally.runs, run->tally.mismatches,
      bench_json_bool (run->tally.mismatches == 0 && !inject));
}

static int
exit_status (const struct bench_run *run, bool inject)
{
  const struct bench_tally *t = &run->tally;

  if (!inject)
    return t->mismatches == 0 ? EXIT_SUCCESS : EXIT_MISMATCH;
  if (t->missed > 0) {
    g_printerr ("inject-error: %u runs missed the injected error\n",
        t->missed);
    return EXIT_SUCCESS;
  }
  g_printerr ("inject-error: every run noticed the injected error\n");
  return EXIT_MISMATCH;
}

/* Prints @json as the last line, writes it to @path (unless NULL) and
 * frees it; returns the exit status: EXIT_SETUP if the file cannot be written, else
 * 1 if any data did not arrive intact. With --inject-error inverted on
 * purpose, for a should_fail test: 0 means a check let corrupted data
 * through. */
int
bench_run_finish (const struct bench_run *run, GString *json,
    const char *path, bool inject)
{
  g_autoptr (GString) owned = json;

  if (!bench_json_emit (owned, path))
    return EXIT_SETUP;
  return exit_status (run, inject);
}
