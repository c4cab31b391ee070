/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* callback-timer: an LD_PRELOAD shim that times a JACK client's process
 * callback, for ringbridge-bench-jack only.
 *
 *   RB_BENCH_CALLBACK_FILE=out.txt LD_PRELOAD=libcallback-timer.so CLIENT
 *
 * It interposes jack_set_process_callback() and registers a wrapper that
 * calls the client's callback between two readings of the thread's CPU
 * clock (and of CLOCK_MONOTONIC, for the wall time and to place the sample
 * in the driver's measuring window). Samples go into an array allocated
 * and touched before JACK starts, so the wrapper neither allocates nor
 * faults; at exit the samples go to the file, one line each:
 *
 *   START_NS WALL_NS CPU_NS NFRAMES
 *
 * after a header line "# callback-timer overhead_cpu_ns N overhead_wall_ns
 * N samples N lost N": the median cost of an empty pair of readings,
 * measured at start-up, which the driver subtracts.
 *
 * Why CPU time: the machine this runs on is shared, and a callback that
 * is preempted for a millisecond has not spent a millisecond of CPU.
 * CLOCK_THREAD_CPUTIME_ID is not in the vDSO on Linux, so each reading is
 * a system call; that cost is the same for every client measured, and the
 * calibrated overhead removes it. (CLOCK_MONOTONIC is a vDSO call.)
 *
 * Without RB_BENCH_CALLBACK_FILE the shim passes everything through
 * untouched. It writes the file only if it wrapped a callback, so helper
 * processes that inherit LD_PRELOAD (GStreamer's plugin scanner) leave it
 * alone. */

#include <jack/jack.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 60 s at 16-frame periods is 180000 callbacks. */
#define MAX_SAMPLES (1u << 18)
#define MAX_CALLBACKS 8
#define CALIBRATION_PAIRS 2001

typedef struct {
  uint64_t start_ns;
  uint32_t wall_ns;
  uint32_t cpu_ns;
  uint32_t nframes;
} Sample;

typedef struct {
  JackProcessCallback callback;
  void *arg;
} Wrapped;

typedef int (*SetProcessCallback) (jack_client_t *, JackProcessCallback,
    void *);

static Sample *samples;
static atomic_uint n_samples;
static Wrapped wrapped[MAX_CALLBACKS];
static unsigned n_wrapped;
static pthread_mutex_t wrap_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *out_path;
static uint32_t overhead_cpu_ns, overhead_wall_ns;

static inline uint64_t
read_ns (clockid_t id)
{
  struct timespec ts;

  clock_gettime (id, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int
compare_u32 (const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

  return (x > y) - (x < y);
}

/* The median cost of two back-to-back readings of @id. */
static uint32_t
calibrate (clockid_t id)
{
  static uint32_t d[CALIBRATION_PAIRS];

  for (unsigned i = 0; i < CALIBRATION_PAIRS; i++) {
    uint64_t a = read_ns (id);
    uint64_t b = read_ns (id);
    d[i] = (uint32_t) (b - a);
  }
  qsort (d, CALIBRATION_PAIRS, sizeof d[0], compare_u32);
  return d[CALIBRATION_PAIRS / 2];
}

__attribute__ ((constructor))
static void
timer_init (void)
{
  out_path = getenv ("RB_BENCH_CALLBACK_FILE");
  if (out_path == NULL || *out_path == '\0') {
    out_path = NULL;
    return;
  }
  samples = calloc (MAX_SAMPLES, sizeof *samples);
  if (samples == NULL) {
    fprintf (stderr, "callback-timer: no memory for %u samples\n",
        MAX_SAMPLES);
    out_path = NULL;
    return;
  }
  /* calloc's pages may be mapped lazily: touch them now, not in the
   * callback, where a page fault would be charged to the client */
  memset (samples, 0xff, MAX_SAMPLES * sizeof *samples);
  overhead_cpu_ns = calibrate (CLOCK_THREAD_CPUTIME_ID);
  overhead_wall_ns = calibrate (CLOCK_MONOTONIC);
}

/* JACK's process thread: two clock readings each side of the client's
 * callback and one store into the preallocated array. */
static int
timed_process (jack_nframes_t nframes, void *arg)
{
  Wrapped *w = arg;
  uint64_t m0, c0, c1, m1;
  unsigned i;
  int ret;

  m0 = read_ns (CLOCK_MONOTONIC);
  c0 = read_ns (CLOCK_THREAD_CPUTIME_ID);
  ret = w->callback (nframes, w->arg);
  c1 = read_ns (CLOCK_THREAD_CPUTIME_ID);
  m1 = read_ns (CLOCK_MONOTONIC);

  /* relaxed: only the index has to be unique; the array is read at exit,
   * after the client's threads are gone */
  i = atomic_fetch_add_explicit (&n_samples, 1, memory_order_relaxed);
  if (i < MAX_SAMPLES) {
    samples[i].start_ns = m0;
    samples[i].wall_ns = (uint32_t) (m1 - m0);
    samples[i].cpu_ns = (uint32_t) (c1 - c0);
    samples[i].nframes = nframes;
  }
  return ret;
}

static SetProcessCallback
real_set_process_callback (void)
{
  static SetProcessCallback real;
  void *lib;

  if (real != NULL)
    return real;
  real = (SetProcessCallback) dlsym (RTLD_NEXT, "jack_set_process_callback");
  if (real != NULL)
    return real;
  /* GStreamer loads its jack plugin, and libjack with it, with
   * RTLD_LOCAL: not in the scope RTLD_NEXT searches. */
  lib = dlopen ("libjack.so.0", RTLD_LAZY | RTLD_NOLOAD);
  if (lib == NULL)
    lib = dlopen ("libjack.so.0", RTLD_LAZY);
  if (lib != NULL)
    real = (SetProcessCallback) dlsym (lib, "jack_set_process_callback");
  return real;
}

int
jack_set_process_callback (jack_client_t *client,
    JackProcessCallback process_callback, void *arg)
{
  SetProcessCallback real = real_set_process_callback ();
  Wrapped *w = NULL;

  if (real == NULL) {
    fprintf (stderr, "callback-timer: jack_set_process_callback not found: "
        "%s\n", dlerror ());
    abort ();
  }
  if (out_path == NULL || process_callback == NULL)
    return real (client, process_callback, arg);

  pthread_mutex_lock (&wrap_lock);
  if (n_wrapped < MAX_CALLBACKS) {
    w = &wrapped[n_wrapped++];
    w->callback = process_callback;
    w->arg = arg;
  }
  pthread_mutex_unlock (&wrap_lock);
  if (w == NULL) {
    fprintf (stderr, "callback-timer: more than %d process callbacks; "
        "not timing this one\n", MAX_CALLBACKS);
    return real (client, process_callback, arg);
  }
  return real (client, timed_process, w);
}

__attribute__ ((destructor))
static void
timer_dump (void)
{
  unsigned n;
  FILE *f;

  if (out_path == NULL || n_wrapped == 0)
    return;
  /* relaxed: the callbacks have ended (the client was closed), or the
   * process is going down with them; a torn last sample is harmless */
  n = atomic_load_explicit (&n_samples, memory_order_relaxed);
  f = fopen (out_path, "w");
  if (f == NULL) {
    perror ("callback-timer: cannot write the samples");
    return;
  }
  fprintf (f, "# callback-timer overhead_cpu_ns %u overhead_wall_ns %u "
      "samples %u lost %u\n", overhead_cpu_ns, overhead_wall_ns,
      n < MAX_SAMPLES ? n : MAX_SAMPLES, n > MAX_SAMPLES ? n - MAX_SAMPLES : 0);
  for (unsigned i = 0; i < n && i < MAX_SAMPLES; i++)
    fprintf (f, "%ju %u %u %u\n", (uintmax_t) samples[i].start_ns,
        samples[i].wall_ns, samples[i].cpu_ns, samples[i].nframes);
  fclose (f);
}
