/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-bench-xproc: the cross-process benchmark (issue #3). The
 * producer is this process, pinned to the first CPU; the consumer is a
 * child forked at the start, pinned to the second. See docs/benchmarks.md,
 * "Cross-process".
 *
 * Throughput peers of a case (one ring capacity, one chunk size):
 *   rbring  a named RbRing: created here (rb_ring_create, role producer),
 *           opened in the child (rb_ring_open, role consumer), then
 *           unlinked; non-blocking rb_ring_write/rb_ring_read, spinning
 *   jack    JACK's jack_ringbuffer placed in a MAP_SHARED|MAP_ANONYMOUS
 *           mapping made before the fork (ringbridge-bench-xpeers.c)
 *   boost   boost's spsc_queue<char>, the compile-time sized kind (its
 *           buffer inside the object), constructed with placement new in
 *           the same kind of shared mapping (peer-boost.cc)
 *   pa      PortAudio's PaUtilRingBuffer, struct and buffer in the same
 *           kind of shared mapping
 *   limit   the cross-core limit: slots of chunk size and one atomic flag
 *           per slot, in the same kind of shared mapping
 * Wake-up latency: the child blocks, the producer sends an 8-byte
 * CLOCK_MONOTONIC timestamp after a random pause of 100-1000 us, the child
 * takes now - timestamp when it wakes. Peers: rbring (rb_ring_wait_readable),
 * futex (FUTEX_WAIT/FUTEX_WAKE on a shared word), pipe (read/write).
 *
 * The generator and its check, the stream loops, the pinning, the
 * repetitions with rotated peer order, the medians of per-repetition ratios,
 * the /proc/stat check and the JSON are those of ringbridge-bench.c, in the
 * shared bench-*.c files. */

#include "bench-common.h"
#include "bench-json.h"
#include "bench-lat.h"
#include "bench-machine.h"
#include "bench-run.h"
#include "bench-stats.h"
#include "bench-streams.h"
#include "bench-tput.h"
#include "ringbridge-bench-xpeers.h"

#include <ringbridge/ringbridge.h>

#ifdef HAVE_JACK
#include <jack/ringbuffer.h>
#endif

#include <errno.h>
#include <linux/futex.h>
#include <math.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Capacity of the ring the wake-up latency goes through. */
#define LATENCY_CAPACITY (64 * 1024)
#define PAUSE_MIN_NS 100000
#define PAUSE_MAX_NS 1000000

/* the ring peers, not memcpy */
#define N_PEERS PEER_MEMCPY

static const char *const peer_names[N_PEERS] = { BENCH_RING_PEER_NAMES };

enum ratio {
  RATIO_JACK,
  RATIO_BOOST,
  RATIO_PA,
  RATIO_RINGS,                  /* the fastest of jack, boost, PortAudio */
  RATIO_LIMIT,
  N_RATIOS
};

static const unsigned ratio_den[N_RATIOS] = {
  BENCH_PEER (PEER_JACK), BENCH_PEER (PEER_BOOST), BENCH_PEER (PEER_PA),
  BENCH_PEER (PEER_JACK) | BENCH_PEER (PEER_BOOST) | BENCH_PEER (PEER_PA),
  BENCH_PEER (PEER_LIMIT)
};
static const char *const ratio_names[N_RATIOS] = {
  "rbring/jack", "rbring/boost", "rbring/portaudio", "rbring/best_ring",
  "rbring/limit"
};

static const struct bench_tput_spec tput_spec = {
  .n_peers = N_PEERS,
  .peer_names = peer_names,
  .peer_labels = (const char *const[]) { BENCH_RING_PEER_LABELS },
  .n_ratios = N_RATIOS,
  .ratio_den = ratio_den,
  .ratio_names = ratio_names,
  .ratio_labels = (const char *const[]) { "rb/jack", "rb/boost", "rb/PA",
      "rb/ring", "rb/limit" },
  .missing_peers = BENCH_MISSING_PEERS (PEER_JACK, PEER_BOOST, PEER_PA),
};

enum lat_peer {
  LAT_RB,
  LAT_FUTEX,
  LAT_PIPE,
  N_LAT_PEERS
};

static const char *const lat_peer_names[N_LAT_PEERS] = {
  "rbring", "futex", "pipe"
};

enum lat_ratio {
  LAT_RATIO_RB,
  LAT_RATIO_PIPE,
  N_LAT_RATIOS
};

static const int lat_ratio_num[N_LAT_RATIOS] = { LAT_RB, LAT_PIPE };
static const char *const lat_ratio_names[N_LAT_RATIOS] = {
  "rbring/futex", "pipe/futex"
};

/* --- options -------------------------------------------------------------- */

static guint64 opt_bytes = 0;
static gint64 opt_samples = 0;

static const GOptionEntry entries[] = {
  BENCH_RUN_OPTION_REPS (bench_opt.reps),
  BENCH_RUN_OPTION_BYTES,
  { "samples", 's', 0, G_OPTION_ARG_INT64, &opt_samples,
    "Wake-up latency samples per peer, spread over the repetitions "
    "(default 20000)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &bench_opt.quick,
    "A short run: 5 repetitions, --bytes 16M, --samples 2000, unless given",
    NULL },
  BENCH_RUN_OPTION_JSON (bench_opt.json),
  BENCH_RUN_OPTION_INJECT (bench_opt.inject),
  G_OPTION_ENTRY_NULL
};

/* The consumer process, seen from the producer (0 inside the child). */
static pid_t child_pid = 0;

/* --- helpers -------------------------------------------------------------- */

static void
pin_process (int which)
{
  g_autofree gchar *who = g_strdup_printf ("process %d", getpid ());

  /* Single-threaded processes: pinning the thread pins the process. */
  bench_pin_self (which, who);
}

static long
futex (_Atomic uint32_t *word, int op, uint32_t val,
    const struct timespec *timeout)
{
  /* Not FUTEX_PRIVATE: the word is shared with the other process. */
  return syscall (SYS_futex, (uint32_t *) word, op, val, timeout, NULL, 0);
}

/* --- the shared state --------------------------------------------------- */

enum command {
  CMD_NONE,
  CMD_OPEN,                     /* open the named rings */
  CMD_STREAM,                   /* consume one throughput run */
  CMD_WAKE,                     /* one wake-up latency run */
  CMD_QUIT,
};

/* The control block, in a shared mapping. The producer fills in a command
 * and bumps cmd_seq; the child does it and sets done_seq to the same. */
struct ctl {
  alignas (CACHELINE) _Atomic uint32_t cmd_seq;
  alignas (CACHELINE) _Atomic uint32_t done_seq;
  alignas (CACHELINE) int cmd;
  struct bench_job job;         /* latency: enum lat_peer, n samples */
  int cap_index;
  int open_failed;
  char names[BENCH_N_CAPACITIES + 1][96];      /* the last: the latency ring */

  alignas (CACHELINE) _Atomic int ready;
  alignas (CACHELINE) _Atomic int go;
  uint64_t t_end;
  uint64_t bad;

  /* wake-up latency */
  alignas (CACHELINE) _Atomic uint32_t fword;   /* the futex peer's word */
  uint64_t fstamp;                              /* its message */
  alignas (CACHELINE) _Atomic uint64_t ack;     /* samples the child took */
  int pipe_fd[2];
  uint64_t *sent;               /* shared: the timestamps sent */
  uint64_t *lat_ns;             /* shared: the latencies measured */
};

static struct ctl *ctl;
static struct xpeers xpeers[BENCH_N_CAPACITIES];

static void
check_child (void)
{
  int status;

  if (child_pid <= 0)
    return;
  if (waitpid (child_pid, &status, WNOHANG) == child_pid) {
    child_pid = 0;
    /* Told to quit, the child stores done_seq and exits at once, so
     * wait_done() may find it gone before it sees done_seq: that exit is
     * the answer, not a death (under load this raced about once in five
     * --quick runs). */
    if (ctl->cmd == CMD_QUIT && WIFEXITED (status) &&
        WEXITSTATUS (status) == 0)
      return;
    g_printerr ("error: the consumer process died (%s %d)\n",
        WIFSIGNALED (status) ? "signal" : "status",
        WIFSIGNALED (status) ? WTERMSIG (status) : WEXITSTATUS (status));
    exit (EXIT_SETUP);
  }
}

/* Parent: hand the child a command (fields already set) and start it. */
static uint32_t
post_command (int cmd)
{
  uint32_t seq;

  ctl->cmd = cmd;
  atomic_store_explicit (&ctl->ready, 0, memory_order_relaxed);
  atomic_store_explicit (&ctl->go, 0, memory_order_relaxed);
  /* release: the command's fields are visible to the child's acquire load
   * of cmd_seq in child_main(). */
  seq = atomic_fetch_add_explicit (&ctl->cmd_seq, 1, memory_order_release) + 1;
  futex (&ctl->cmd_seq, FUTEX_WAKE, INT32_MAX, NULL);
  return seq;
}

static void
wait_done (uint32_t seq)
{
  for (;;) {
    /* acquire: pairs with the child's release store of done_seq; its
     * results (t_end, bad, lat_ns) are visible. */
    uint32_t d = atomic_load_explicit (&ctl->done_seq, memory_order_acquire);
    struct timespec ts = { 0, 100 * 1000 * 1000 };

    if (d == seq)
      return;
    futex (&ctl->done_seq, FUTEX_WAIT, d, &ts);
    check_child ();
  }
}


/* --- wake-up latency ----------------------------------------------------- */

/* The producer's side of one latency run: for every sample, wait until the
 * child took the previous one (so it is back in its wait), spin for a
 * random 100-1000 us (the producer's CPU stays awake; only the consumer's
 * sleeps), then read the clock and send the timestamp. */
static void
lat_produce (enum lat_peer peer, RbRing *rb, uint64_t n, uint64_t seed)
{
  GRand *rand = g_rand_new_with_seed ((guint32) seed);

  for (uint64_t i = 0; i < n; i++) {
    unsigned spins = 0;
    uint64_t until, ts;

    /* acquire: pairs with the child's release store of ack. */
    while (atomic_load_explicit (&ctl->ack, memory_order_acquire) != i)
      bench_spin_pause (&spins);
    until = now_ns () + (uint64_t) g_rand_int_range (rand, PAUSE_MIN_NS,
        PAUSE_MAX_NS + 1);
    while (now_ns () < until)
      bench_spin_pause (&spins);
    ts = now_ns ();
    ctl->sent[i] = ts;
    switch (peer) {
      case LAT_RB:
        if (rb_ring_write (rb, (const guint8 *) &ts, sizeof ts) != sizeof ts) {
          g_printerr ("error: the latency ring is full\n");
          exit (EXIT_SETUP);
        }
        break;
      case LAT_FUTEX:
        ctl->fstamp = ts;
        /* release: pairs with the child's acquire load of fword. */
        atomic_store_explicit (&ctl->fword, (uint32_t) i + 1,
            memory_order_release);
        futex (&ctl->fword, FUTEX_WAKE, 1, NULL);
        break;
      case LAT_PIPE:
        if (write (ctl->pipe_fd[1], &ts, sizeof ts) != sizeof ts) {
          g_printerr ("error: write to the pipe: %s\n", g_strerror (errno));
          exit (EXIT_SETUP);
        }
        break;
      default:
        g_assert_not_reached ();
    }
  }
  g_rand_free (rand);
}

/* The child's side: block, and on waking take now - timestamp. */
static uint64_t
lat_consume (enum lat_peer peer, RbRing *rb, uint64_t n, uint64_t inject_at)
{
  uint64_t bad = 0;

  for (uint64_t i = 0; i < n; i++) {
    uint64_t ts = 0, now = 0;

    switch (peer) {
      case LAT_RB: {
        RbWaitResult r = rb_ring_wait_readable (rb, sizeof ts, -1);
        now = now_ns ();
        if (r != RB_WAIT_READY ||
            rb_ring_read (rb, (guint8 *) &ts, sizeof ts) != sizeof ts)
          bad |= 1;
        break;
      }
      case LAT_FUTEX: {
        uint32_t v;
        /* acquire: pairs with the producer's release store; the stamp
         * written before it is visible. */
        while ((v = atomic_load_explicit (&ctl->fword,
                    memory_order_acquire)) == (uint32_t) i)
          futex (&ctl->fword, FUTEX_WAIT, v, NULL);
        now = now_ns ();
        ts = ctl->fstamp;
        if (v != (uint32_t) i + 1)
          bad |= 1;
        break;
      }
      case LAT_PIPE:
        if (read (ctl->pipe_fd[0], &ts, sizeof ts) != sizeof ts)
          bad |= 1;
        now = now_ns ();
        break;
      default:
        g_assert_not_reached ();
    }
    if (G_UNLIKELY (i == inject_at))
      ts ^= 1;
    bad |= ts ^ ctl->sent[i];
    ctl->lat_ns[i] = now - ts;
    /* release: pairs with the producer's acquire load of ack. */
    atomic_store_explicit (&ctl->ack, i + 1, memory_order_release);
  }
  return bad;
}

/* --- the consumer process ------------------------------------------------- */

/* The consumer's side of one throughput run (the peer in ctl). */
static uint64_t
child_stream (RbRing *const *rings, uint8_t *dst)
{
  struct xpeers *p = &xpeers[ctl->cap_index];
  const struct bench_job *j = &ctl->job;

  switch (j->peer) {
    case PEER_RB:
      return bench_rb_consume (rings[ctl->cap_index], j->chunk, j->n,
          j->seed, j->inject_at, dst);
#ifdef HAVE_JACK
    case PEER_JACK:
      return bench_jack_consume (p->jack, j->chunk, j->n, j->seed,
          j->inject_at, dst);
#endif
#ifdef HAVE_BOOST
    case PEER_BOOST:
      return bench_boost_consume (p->boost, j->chunk, j->n, j->seed,
          j->inject_at, dst);
#endif
#ifdef HAVE_PORTAUDIO
    case PEER_PA:
      return bench_pa_consume (p->pa, j->chunk, j->n, j->seed,
          j->inject_at, dst);
#endif
    case PEER_LIMIT:
      return bench_limit_consume (&p->limit, j->chunk, j->n, j->seed,
          j->inject_at, dst);
    default:
      g_assert_not_reached ();
  }
}

static void
child_open (RbRing **rings)
{
  for (size_t i = 0; i <= BENCH_N_CAPACITIES; i++) {
    g_autoptr (GError) error = NULL;
    rings[i] = rb_ring_open (ctl->names[i], RB_RING_ROLE_CONSUMER, &error);
    if (rings[i] == NULL) {
      g_printerr ("error: consumer: %s\n", error->message);
      ctl->open_failed = 1;
    }
  }
}

/* Stores done_seq = @seq and wakes the producer. */
static void
child_done (uint32_t seq)
{
  /* release: pairs with the acquire load in wait_done(); the command's
   * results are visible with it. */
  atomic_store_explicit (&ctl->done_seq, seq, memory_order_release);
  futex (&ctl->done_seq, FUTEX_WAKE, INT32_MAX, NULL);
}

static G_GNUC_NORETURN void
child_main (void)
{
  RbRing *rings[BENCH_N_CAPACITIES + 1] = { NULL };
  uint8_t *dst = bench_alloc_aligned (BENCH_MAX_CHUNK);
  uint32_t seen = 0;

  /* the producer's death ends us too */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    _exit (EXIT_SETUP);
  pin_process (1);

  for (;;) {
    uint32_t seq;
    unsigned spins = 0;

    /* acquire: pairs with the release increment in post_command(). */
    while ((seq = atomic_load_explicit (&ctl->cmd_seq,
                memory_order_acquire)) == seen)
      futex (&ctl->cmd_seq, FUTEX_WAIT, seq, NULL);
    seen = seq;

    switch (ctl->cmd) {
      case CMD_OPEN:
        child_open (rings);
        break;
      case CMD_STREAM:
      case CMD_WAKE:
        /* release/acquire on ready and go: the start only. */
        atomic_store_explicit (&ctl->ready, 1, memory_order_release);
        while (!atomic_load_explicit (&ctl->go, memory_order_acquire))
          bench_spin_pause (&spins);
        ctl->bad = ctl->cmd == CMD_WAKE ?
            lat_consume ((enum lat_peer) ctl->job.peer,
            rings[BENCH_N_CAPACITIES], ctl->job.n, ctl->job.inject_at) :
            child_stream (rings, dst);
        ctl->t_end = now_ns ();
        break;
      case CMD_QUIT:
        for (size_t i = 0; i <= BENCH_N_CAPACITIES; i++)
          g_clear_object (&rings[i]);
        child_done (seq);
        _exit (0);
      default:
        g_assert_not_reached ();
    }
    child_done (seq);
  }
}

/* --- runs, seen from the producer ----------------------------------------- */

static RbRing *prod_rings[BENCH_N_CAPACITIES + 1];

static void
start_run (int cmd)
{
  unsigned spins = 0;

  post_command (cmd);
  /* acquire: pairs with the child's release store of ready. */
  while (!atomic_load_explicit (&ctl->ready, memory_order_acquire))
    bench_spin_pause (&spins);
}

static double
run_stream (int cap_index, enum bench_peer peer, size_t chunk, uint64_t n,
    uint64_t seed, bool inject, uint8_t *src, uint64_t *bad)
{
  struct xpeers *p = &xpeers[cap_index];
  uint32_t seq;
  uint64_t t0;

  ctl->job = bench_job_make (peer, chunk, n, seed, inject);
  ctl->cap_index = cap_index;
  start_run (CMD_STREAM);
  seq = atomic_load_explicit (&ctl->cmd_seq, memory_order_relaxed);
  t0 = now_ns ();
  /* release: pairs with the child's acquire load of go. */
  atomic_store_explicit (&ctl->go, 1, memory_order_release);
  switch (peer) {
    case PEER_RB:
      bench_rb_produce (prod_rings[cap_index], chunk, n, seed, src);
      break;
#ifdef HAVE_JACK
    case PEER_JACK:
      bench_jack_produce (p->jack, chunk, n, seed, src);
      break;
#endif
#ifdef HAVE_BOOST
    case PEER_BOOST:
      bench_boost_produce (p->boost, chunk, n, seed, src);
      break;
#endif
#ifdef HAVE_PORTAUDIO
    case PEER_PA:
      bench_pa_produce (p->pa, chunk, n, seed, src);
      break;
#endif
    case PEER_LIMIT:
      bench_limit_produce (&p->limit, chunk, n, seed, src);
      break;
    default:
      g_assert_not_reached ();
  }
  wait_done (seq);
  *bad = ctl->bad;
  return (double) (n * chunk) / (double) (ctl->t_end - t0);
}

/* One latency run of @n samples, stored in @out (ns). */
static void
run_wake (enum lat_peer peer, uint64_t n, uint64_t seed, bool inject,
    double *out, uint64_t *bad)
{
  uint32_t seq;

  ctl->job = bench_job_make (peer, 0, n, 0, inject);
  atomic_store_explicit (&ctl->fword, 0, memory_order_relaxed);
  atomic_store_explicit (&ctl->ack, 0, memory_order_relaxed);
  start_run (CMD_WAKE);
  seq = atomic_load_explicit (&ctl->cmd_seq, memory_order_relaxed);
  /* release: pairs with the child's acquire load of go. */
  atomic_store_explicit (&ctl->go, 1, memory_order_release);
  lat_produce (peer, prod_rings[BENCH_N_CAPACITIES], n, seed);
  wait_done (seq);
  for (uint64_t i = 0; i < n; i++)
    out[i] = (double) ctl->lat_ns[i];
  *bad = ctl->bad;
}


/* --- results -------------------------------------------------------------- */

struct lat_result {
  uint64_t per_rep;             /* samples per peer and repetition */
  double *samples[N_LAT_PEERS]; /* per_rep * reps, ns */
  struct bench_lat_reps by_rep;  /* medians, p99s, ratios to futex */
  double all_median_ns[N_LAT_PEERS];    /* over the samples of used reps */
  double all_p99_ns[N_LAT_PEERS];
};

#define N_TARGETS 3

struct results {
  struct bench_run run;
  struct lat_result lat;
  struct bench_target targets[N_TARGETS];
};

static void
results_init (struct results *res)
{
  memset (res, 0, sizeof *res);
  bench_run_init (&res->run, &tput_spec, bench_opt.reps, opt_bytes);
  res->lat.per_rep = ((uint64_t) opt_samples + (uint64_t) bench_opt.reps - 1) /
      (uint64_t) bench_opt.reps;
  for (int i = 0; i < N_LAT_PEERS; i++)
    res->lat.samples[i] = g_new0 (double, res->lat.per_rep * bench_opt.reps);
  bench_lat_reps_init (&res->lat.by_rep, N_LAT_PEERS, N_LAT_RATIOS,
      bench_opt.reps);
}

static void
results_clear (struct results *res)
{
  for (int i = 0; i < N_LAT_PEERS; i++)
    g_free (res->lat.samples[i]);
  bench_lat_reps_clear (&res->lat.by_rep);
  bench_run_clear (&res->run);
}

/* The median of the @n samples at @v, sorted already. */
static double
sorted_median (const double *v, uint64_t n)
{
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Per repetition: median and p99 of its samples; over the repetitions in
 * use: of all their samples (sorted copies); then the ratios to futex. */
static void
lat_summarize (struct lat_result *lat, const struct bench_run *run)
{
  uint64_t m = lat->per_rep;
  g_autofree double *tmp = g_new (double, m * (uint64_t) bench_opt.reps);

  for (int i = 0; i < N_LAT_PEERS; i++) {
    size_t k = 0;

    for (int rep = 0; rep < bench_opt.reps; rep++) {
      memcpy (tmp, lat->samples[i] + rep * m, m * sizeof *tmp);
      lat->by_rep.p99_ns[i][rep] = bench_p99 (tmp, m);
      lat->by_rep.median_ns[i][rep] = sorted_median (tmp, m);
    }
    for (int u = 0; u < run->n_used; u++) {
      memcpy (tmp + k, lat->samples[i] + run->used[u] * m, m * sizeof *tmp);
      k += m;
    }
    lat->all_p99_ns[i] = bench_p99 (tmp, k);
    lat->all_median_ns[i] = sorted_median (tmp, k);
  }
  bench_lat_reps_ratios (&lat->by_rep, run, lat_ratio_num, LAT_FUTEX, 0);
}

static void
results_summarize (struct results *res)
{
  struct lat_result *lat = &res->lat;
  struct bench_target *t = res->targets;

  bench_run_summarize (&res->run);
  lat_summarize (lat, &res->run);

  t[0].name = "RbRing >= jack_ringbuffer at every size (xproc)";
  bench_tput_check_target (&res->run.tput, &t[0], RATIO_JACK, 0, SIZE_MAX,
      1.0);
  bench_run_lat_target (&t[1], "wake-up median <= 1.5x the bare futex",
      &lat->by_rep.ratios, LAT_RATIO_RB, 1.5);
  t[2].name = "RbRing >= every ring peer at every size (xproc)";
  bench_tput_check_target (&res->run.tput, &t[2], RATIO_RINGS, 0, SIZE_MAX,
      1.0);
}

/* The consumer process's CPU seconds, from /proc/PID/stat (getrusage()
 * counts a child only once it has been waited for). */
static double
child_cpu_s (void)
{
  g_autofree gchar *path = g_strdup_printf ("/proc/%d/stat", (int) child_pid);
  g_autofree gchar *text = NULL;
  unsigned long long ut, st;
  const char *p;

  if (child_pid <= 0 || !g_file_get_contents (path, &text, NULL, NULL) ||
      (p = strrchr (text, ')')) == NULL)
    return 0;
  /* after ")": state (3) ... utime (14), stime (15) */
  if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
          &ut, &st) != 2)
    return 0;
  return (double) (ut + st) / (double) sysconf (_SC_CLK_TCK);
}

/* --- output --------------------------------------------------------------- */

static void
print_header (const struct results *res)
{
  bench_run_print_header (&res->run, "ringbridge-bench-xproc");
  bench_print_peers_header ("jack_ringbuffer: struct and page-aligned "
      "buffer in a shared mapping made before fork()");
}

static void
print_table (const struct results *res)
{
  const struct lat_result *lat = &res->lat;

  g_print ("\nCross-process throughput, GB/s (10^9 B/s), median over "
      "repetitions; ratios are\nmedians of per-repetition ratios. Producer "
      "and consumer are two processes;\nlimit = one flag per slot in shared "
      "memory.\n\n");
  bench_tput_print (&res->run.tput);

  g_print ("\nWake-up latency of a blocked consumer process (8-byte "
      "timestamp sent after a\nrandom 100-1000 us pause), ns, over %"
      G_GUINT64_FORMAT " samples per peer in the repetitions used;\nratios "
      "are medians of per-repetition ratios:\n\n",
      lat->per_rep * (uint64_t) res->run.n_used);
  /* The ratios are indexed like the peers without the base. */
  G_STATIC_ASSERT ((int) LAT_RATIO_RB == (int) LAT_RB &&
      LAT_FUTEX == LAT_RB + 1 &&
      (int) LAT_RATIO_PIPE == (int) LAT_PIPE - 1);
  bench_lat_table_print (lat_peer_names, N_LAT_PEERS, LAT_FUTEX,
      lat->by_rep.ratios.med_ratio, lat->by_rep.ratios.med_ratio_p99,
      (const struct bench_lat_column[]) {
        { "median", 0, lat->all_median_ns }, { "p99", 0, lat->all_p99_ns } },
      2);

  bench_run_print_targets (res->targets, N_TARGETS, 49);
  bench_run_print_footer (&res->run, bench_opt.inject);
}

/* ,"wakeup":{...}, */
static void
lat_to_json (GString *json, const struct lat_result *lat)
{
  g_string_append_printf (json, ",\"wakeup\":{\"message_bytes\":8,"
      "\"capacity\":%d,\"pause_us\":[%d,%d],\"samples_per_rep\":%"
      G_GUINT64_FORMAT ",", LATENCY_CAPACITY, PAUSE_MIN_NS / 1000,
      PAUSE_MAX_NS / 1000, lat->per_rep);
  bench_run_lat_to_json (json, lat_peer_names, &lat->by_rep, 0,
      (const struct bench_lat_field[]) {
        { "all_median_ns", NULL, lat->all_median_ns },
        { "all_p99_ns", NULL, lat->all_p99_ns } }, 2, lat_ratio_names);
}

static GString *
results_to_json (const struct results *res)
{
  GString *json = bench_run_json_start (&res->run, "ringbridge-bench-xproc",
      opt_bytes, "samples", opt_samples, "");

  bench_tput_to_json (json, &res->run.tput);
  lat_to_json (json, &res->lat);
  bench_run_json_end (json, &res->run, res->targets, N_TARGETS,
      bench_opt.inject);
  return json;
}

/* --- running -------------------------------------------------------------- */

/* What bench_tput_warm_up() and bench_tput_run_rep() run: one stream. */
static double
stream_case (void *src, size_t c, int peer, uint64_t n, uint64_t seed,
    bool inject, uint64_t *bad)
{
  return run_stream ((int) (c / BENCH_N_CHUNKS), (enum bench_peer) peer,
      bench_chunks[c % BENCH_N_CHUNKS], n, seed, inject, src, bad);
}

/* A short untimed wake-up run per peer. */
static void
warm_up_wake (struct results *res, uint64_t *seed)
{
  g_autofree double *tmp = g_new (double, 100);

  for (int i = 0; i < N_LAT_PEERS; i++) {
    uint64_t bad;
    run_wake ((enum lat_peer) i, 100, (*seed)++, false, tmp, &bad);
    bench_run_count (&res->run, bad, false, "wake-up warm-up");
  }
}

/* The wake-up latencies of repetition @rep, the peers taking turns at going
 * first. */
static void
run_rep_wake (struct results *res, int rep, uint64_t *seed)
{
  uint64_t m = res->lat.per_rep;

  for (int a = 0; a < N_LAT_PEERS; a++) {
    enum lat_peer peer = (enum lat_peer) ((a + rep) % N_LAT_PEERS);
    g_autofree gchar *what = g_strdup_printf ("%s wake-up, repetition %d",
        lat_peer_names[peer], rep + 1);
    uint64_t bad;

    run_wake (peer, m, (*seed)++, bench_opt.inject,
        res->lat.samples[peer] + rep * m, &bad);
    bench_run_count (&res->run, bad, bench_opt.inject, what);
  }
}

static void
run_all (void *data)
{
  struct results *res = data;
  uint8_t *src = bench_alloc_aligned (BENCH_MAX_CHUNK);
  uint64_t seed = 1;

  /* every page of every peer, in both processes */
  bench_tput_warm_up (&res->run, stream_case, src, &seed);
  warm_up_wake (res, &seed);
  for (int rep = 0; rep < bench_opt.reps; rep++) {
    struct bench_cpu_load before, after;

    bench_run_read_load (&res->run, &before);
    bench_tput_run_rep (&res->run, rep, bench_opt.inject, stream_case, src,
        &seed);
    run_rep_wake (res, rep, &seed);
    bench_run_read_load (&res->run, &after);
    bench_run_rep_done (&res->run, rep, &before, &after);
  }
  free (src);
}

static void
unlink_rings (void)
{
  for (size_t i = 0; i <= BENCH_N_CAPACITIES; i++)
    if (ctl->names[i][0] != '\0')
      rb_ring_unlink (ctl->names[i], NULL);
}

/* Makes the shared peers, forks the consumer and attaches it to the named
 * rings, which are unlinked as soon as both sides hold them. */
static void
setup (void)
{
  g_autoptr (GError) error = NULL;
  pid_t pid;
  uint32_t seq;

  ctl = bench_alloc_shared (sizeof *ctl);
  ctl->sent = bench_alloc_shared (sizeof (uint64_t) * (size_t) opt_samples + 800);
  ctl->lat_ns = bench_alloc_shared (sizeof (uint64_t) * (size_t) opt_samples + 800);
  if (pipe (ctl->pipe_fd) != 0) {
    g_printerr ("error: pipe: %s\n", g_strerror (errno));
    exit (EXIT_SETUP);
  }
  for (size_t i = 0; i < BENCH_N_CAPACITIES; i++)
    bench_xpeers_init (&xpeers[i], bench_capacities[i]);

  /* Fork before any ring exists, so that the child attaches to the rings
   * as an unrelated process would (its own registration and all). */
  fflush (NULL);
  pid = fork ();
  if (pid < 0) {
    g_printerr ("error: fork: %s\n", g_strerror (errno));
    exit (EXIT_SETUP);
  }
  if (pid == 0)
    child_main ();
  child_pid = pid;

  for (size_t i = 0; i <= BENCH_N_CAPACITIES; i++) {
    size_t cap = i < BENCH_N_CAPACITIES ? bench_capacities[i] :
        LATENCY_CAPACITY;

    g_snprintf (ctl->names[i], sizeof ctl->names[i], "bench-xproc-%d-%zu%s",
        (int) getpid (), cap, i < BENCH_N_CAPACITIES ? "" : "-wake");
    prod_rings[i] = rb_ring_create (ctl->names[i], cap, RB_RING_FLAGS_NONE,
        RB_RING_ROLE_PRODUCER, 0600, &error);
    if (prod_rings[i] == NULL) {
      g_printerr ("error: %s\n", error->message);
      ctl->names[i][0] = '\0';
      unlink_rings ();
      exit (EXIT_SETUP);
    }
  }
  seq = post_command (CMD_OPEN);
  wait_done (seq);
  unlink_rings ();
  if (ctl->open_failed)
    exit (EXIT_SETUP);
}

static void
teardown (void)
{
  uint32_t seq = post_command (CMD_QUIT);
  int status;

  wait_done (seq);
  if (child_pid > 0)            /* unless wait_done() reaped it already */
    waitpid (child_pid, &status, 0);
  child_pid = 0;
  for (size_t i = 0; i <= BENCH_N_CAPACITIES; i++)
    g_clear_object (&prod_rings[i]);
}


static gboolean
parse_options (int *argc, char ***argv)
{
  static const char summary[] =
      "Streams verified data from this process to a forked one through a "
      "named RbRing,\njack_ringbuffer, boost's spsc_queue and PortAudio's "
      "PaUtilRingBuffer in shared\nmemory and a one-flag-per-slot buffer "
      "(the cross-core limit), and measures how\nfast a blocked consumer "
      "process wakes up: RbRing's wait against a bare futex\nand a pipe. "
      "Prints a table and, as the last line, one JSON object. Exits 1\nif "
      "any data did not arrive intact.";

  return bench_run_parse_common (entries, summary, &opt_bytes, argc, argv) &&
      bench_check_count (&opt_samples, "samples", bench_opt.quick, 2000, 20000,
      100, 10000000, "100 to 10^7");
}

int
main (int argc, char **argv)
{
  struct results res;
  int status;

  if (!parse_options (&argc, &argv))
    return EXIT_USAGE;

  results_init (&res);
  /* whole repetitions' worth, so every repetition has as many samples */
  opt_samples = (gint64) (res.lat.per_rep * (uint64_t) bench_opt.reps);
  bench_choose_cpus (&res.run.m, "processes", " process");
  bench_machine_init (&res.run.m);
  /* the producer must not spin for ever on a consumer that died */
  bench_yield_hook = check_child;
  setup ();
  /* after the fork: the child pins itself to the other CPU */
  pin_process (0);
  print_header (&res);
  /* our CPU time and the consumer process's */
  res.run.extra_self_s = child_cpu_s;
  bench_run_measure (&res.run, run_all, &res);
  teardown ();

  results_summarize (&res);
  print_table (&res);
  status = bench_run_finish (&res.run, results_to_json (&res), bench_opt.json,
      bench_opt.inject);
  g_free (bench_opt.json);
  results_clear (&res);
  return status;
}
