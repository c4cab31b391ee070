/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-machine.h"

#include "bench-common.h"
#include "bench-json.h"

#include <ringbridge/ringbridge.h>

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int bench_pin_cpus[2] = { -1, -1 };

static gchar *
read_cpu_model (void)
{
  static const char *const keys[] = {
    /* x86; then what arm64 and others print, best first */
    "model name", "Model", "Processor", "cpu model", "CPU part", NULL
  };
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return g_strdup ("unknown");
  lines = g_strsplit (text, "\n", -1);
  for (const char *const *key = keys; *key != NULL; key++) {
    size_t len = strlen (*key);
    for (gchar **l = lines; *l != NULL; l++) {
      const char *colon = strchr (*l, ':');
      if (colon != NULL && strncmp (*l, *key, len) == 0 &&
          ((*l)[len] == ' ' || (*l)[len] == '\t' || (*l)[len] == ':'))
        return g_strstrip (g_strdup (colon + 1));
    }
  }
  return g_strdup ("unknown");
}

static double
read_loadavg (void)
{
  g_autofree gchar *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return NAN;
  return g_ascii_strtod (text, NULL);
}

/* Describes the machine now: architecture, CPU model, CPUs, date, load. */
void
bench_machine_init (struct bench_machine *m)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  m->nproc = sysconf (_SC_NPROCESSORS_ONLN);
  m->cpu_model = read_cpu_model ();
  uname (&m->uts);
  m->date = g_date_time_format_iso8601 (now);
  m->loadavg = read_loadavg ();
}

void
bench_machine_clear (struct bench_machine *m)
{
  g_clear_pointer (&m->cpu_model, g_free);
  g_clear_pointer (&m->date, g_free);
  g_clear_pointer (&m->pin_note, g_free);
}

/* Picks the first two CPUs we may run on for the producer and the consumer
 * and says so in m->pin_note; @sides names the two ("threads"), @side is
 * put after "producer" and "consumer" (" process" or ""). */
void
bench_choose_cpus (struct bench_machine *m, const char *sides,
    const char *side)
{
  cpu_set_t allowed;
  int found = 0;

  if (sched_getaffinity (0, sizeof allowed, &allowed) != 0) {
    bench_yield_mask = 0;
    m->pin_note = g_strdup_printf ("cannot read the CPU affinity (%s): "
        "running unpinned", g_strerror (errno));
    return;
  }
  for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
    if (CPU_ISSET ((size_t) cpu, &allowed))
      bench_pin_cpus[found++] = cpu;
  if (found < 2) {
    bench_pin_cpus[0] = bench_pin_cpus[1] = -1;
    /* Spinning on the CPU the other side needs only burns its time slice:
     * yield on every failed attempt instead. */
    bench_yield_mask = 0;
    m->pin_note = g_strdup_printf ("only one CPU is available: running "
        "unpinned, both %s share it (the ratios say little)", sides);
    return;
  }
  m->pin_note = g_strdup_printf ("producer%s pinned to CPU %d, consumer%s "
      "to CPU %d", side, bench_pin_cpus[0], side, bench_pin_cpus[1]);
}

/* Pins the calling thread to the producer's (@which 0) or the consumer's
 * (1) CPU, if any; @who names it in the warning when that fails. */
void
bench_pin_self (int which, const char *who)
{
  cpu_set_t set;

  if (bench_pin_cpus[which] < 0)
    return;
  CPU_ZERO (&set);
  CPU_SET ((size_t) bench_pin_cpus[which], &set);
  if (sched_setaffinity (0, sizeof set, &set) != 0)
    g_printerr ("warning: cannot pin %s to CPU %d: %s\n", who,
        bench_pin_cpus[which], g_strerror (errno));
}

/* CPU seconds of getrusage (@who), 0 if it fails. */
double
bench_rusage_s (int who)
{
  struct rusage ru;

  if (getrusage (who, &ru) != 0)
    return 0;
  return (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6 +
      (double) ru.ru_stime.tv_sec + (double) ru.ru_stime.tv_usec / 1e6;
}

/* Our own CPU time is this process's plus @extra_self_s (the other
 * processes of the benchmark). */
void
bench_read_cpu_load (struct bench_cpu_load *l, double extra_self_s)
{
  g_autofree gchar *text = NULL;
  unsigned long long v[8] = { 0 };
  double hz = (double) sysconf (_SC_CLK_TCK);

  memset (l, 0, sizeof *l);
  l->wall_s = (double) now_ns () / 1e9;
  l->self_s = bench_rusage_s (RUSAGE_SELF) + extra_self_s;
  /* "cpu  user nice system idle iowait irq softirq steal ..." */
  if (g_file_get_contents ("/proc/stat", &text, NULL, NULL) &&
      sscanf (text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
          &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
    l->busy_s = (double) (v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
    l->steal_s = (double) v[7] / hz;
  }
}

/* The shares of all CPU time between @a and @b that other processes and
 * the hypervisor took; either pointer may be NULL. */
void
bench_cpu_load_shares (const struct bench_cpu_load *a,
    const struct bench_cpu_load *b, long nproc, double *others,
    double *steal)
{
  double all = (b->wall_s - a->wall_s) * (double) nproc;
  double o = (b->busy_s - a->busy_s) - (b->self_s - a->self_s);

  /* Tick accounting (1/USER_HZ) can put a little of our time on others. */
  if (others != NULL)
    *others = all > 0 ? MAX (o, 0) / all : NAN;
  if (steal != NULL)
    *steal = all > 0 ? (b->steal_s - a->steal_s) / all : NAN;
}

/* The first line of a benchmark's output. */
void
bench_machine_print_header (const struct bench_machine *m,
    const char *program)
{
  g_print ("%s %s: %s, %s, %ld CPUs, %s\n", program, RB_VERSION_STRING,
      m->uts.machine, m->cpu_model, m->nproc, m->date);
}

/* ,"machine":{...}; @pinning adds the pinned CPUs and the steal share. */
void
bench_machine_to_json (GString *out, const struct bench_machine *m,
    bool pinning, const double *rep_others, int reps)
{
  g_string_append (out, ",\"machine\":{\"arch\":");
  bench_json_string (out, m->uts.machine);
  g_string_append (out, ",\"cpu_model\":");
  bench_json_string (out, m->cpu_model);
  g_string_append_printf (out, ",\"nproc\":%ld,\"date\":", m->nproc);
  bench_json_string (out, m->date);
  if (pinning && bench_pin_cpus[0] >= 0)
    g_string_append_printf (out, ",\"pinned\":true,\"cpus\":[%d,%d]",
        bench_pin_cpus[0], bench_pin_cpus[1]);
  else if (pinning)
    g_string_append (out, ",\"pinned\":false,\"cpus\":null");
  bench_json_key_number (out, "loadavg_start", m->loadavg);
  bench_json_key_number (out, "others_cpu_share", m->others_share);
  if (pinning)
    bench_json_key_number (out, "steal_share", m->steal_share);
  g_string_append (out, ",\"rep_others_cpu_share\":");
  bench_json_array (out, rep_others, (size_t) reps);
  g_string_append_c (out, '}');
}
