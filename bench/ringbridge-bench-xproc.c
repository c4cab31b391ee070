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
 *           mapping made before the fork (see jack_peer_init())
 *   limit   the cross-core limit: slots of chunk size and one atomic flag
 *           per slot, in the same kind of shared mapping
 * Wake-up latency: the child blocks, the producer sends an 8-byte
 * CLOCK_MONOTONIC timestamp after a random pause of 100-1000 us, the child
 * takes now - timestamp when it wakes. Peers: rbring (rb_ring_wait_readable),
 * futex (FUTEX_WAIT/FUTEX_WAKE on a shared word), pipe (read/write).
 *
 * The generator, verify(), the pinning, the repetitions with rotated peer
 * order, the medians of per-repetition ratios and the /proc/stat check are
 * those of ringbridge-bench.c, duplicated here (they could move into a
 * shared bench helper file). */

#include <ringbridge/ringbridge.h>

#ifdef HAVE_JACK
#include <jack/ringbuffer.h>
#endif

#include <errno.h>
#include <linux/futex.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_MISMATCH 1
#define EXIT_USAGE 64
#define EXIT_SETUP 71

#define CACHELINE 128
#define MAX_CHUNK (64 * 1024)
#define FULL_AMOUNT_CHUNK 64
/* Capacity of the ring the wake-up latency goes through. */
#define LATENCY_CAPACITY (64 * 1024)
#define PAUSE_MIN_NS 100000
#define PAUSE_MAX_NS 1000000

static const size_t capacities[] = { 64 * 1024, 1024 * 1024 };
static const size_t chunks[] = { 8, 64, 256, 4 * 1024, 64 * 1024 };
#define N_CAPACITIES G_N_ELEMENTS (capacities)
#define N_CHUNKS G_N_ELEMENTS (chunks)
#define N_CASES (N_CAPACITIES * N_CHUNKS)

enum peer {
  PEER_RB,
  PEER_JACK,
  PEER_LIMIT,
  N_PEERS
};

static const char *const peer_names[N_PEERS] = { "rbring", "jack", "limit" };

enum ratio {
  RATIO_JACK,
  RATIO_LIMIT,
  N_RATIOS
};

static const enum peer ratio_den[N_RATIOS] = { PEER_JACK, PEER_LIMIT };
static const char *const ratio_names[N_RATIOS] = {
  "rbring/jack", "rbring/limit"
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

static const enum lat_peer lat_ratio_num[N_LAT_RATIOS] = { LAT_RB, LAT_PIPE };
static const char *const lat_ratio_names[N_LAT_RATIOS] = {
  "rbring/futex", "pipe/futex"
};

/* --- options and machine -------------------------------------------------- */

static gint opt_reps = 0;
static guint64 opt_bytes = 0;
static gint64 opt_samples = 0;
static gboolean opt_quick = FALSE;
static gboolean opt_inject = FALSE;
static gchar *opt_json = NULL;

static gboolean have_jack =
#ifdef HAVE_JACK
    TRUE;
#else
    FALSE;
#endif

static int pin_cpus[2] = { -1, -1 };
static unsigned yield_mask = 0xffff;

/* The consumer process, seen from the producer (0 inside the child). */
static pid_t child_pid = 0;

/* --- shared helpers (as in ringbridge-bench.c) ------------------------------ */

static inline uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void check_child (void);

static inline void
spin_pause (unsigned *spins)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ volatile ("yield");
#endif
  if ((++*spins & yield_mask) == 0) {
    sched_yield ();
    /* the producer must not spin for ever on a consumer that died */
    check_child ();
  }
}

/* Single-threaded processes: pinning the process pins its thread. */
static void
pin_self (int which)
{
  cpu_set_t set;

  if (pin_cpus[which] < 0)
    return;
  CPU_ZERO (&set);
  CPU_SET ((size_t) pin_cpus[which], &set);
  if (sched_setaffinity (0, sizeof set, &set) != 0)
    g_printerr ("warning: cannot pin process %d to CPU %d: %s\n", getpid (),
        pin_cpus[which], g_strerror (errno));
}

static void *
alloc_aligned (size_t size)
{
  void *p = aligned_alloc (4096, (size + 4095) & ~(size_t) 4095);

  if (p == NULL) {
    g_printerr ("error: out of memory (%zu bytes)\n", size);
    exit (EXIT_SETUP);
  }
  memset (p, 0, size);
  return p;
}

/* Memory both processes see at the same address: mapped before the fork. */
static void *
alloc_shared (size_t size)
{
  void *p = mmap (NULL, (size + 4095) & ~(size_t) 4095,
      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED) {
    g_printerr ("error: cannot map %zu shared bytes: %s\n", size,
        g_strerror (errno));
    exit (EXIT_SETUP);
  }
  memset (p, 0, size);
  return p;
}

#define GEN_STEP UINT64_C (0x9e3779b97f4a7c15)

struct gen {
  uint64_t x;
  uint64_t bad;
};

static G_GNUC_NO_INLINE void
fill (struct gen *g, uint8_t *dst, size_t len)
{
  uint64_t *w = (uint64_t *) (void *) dst;
  uint64_t x = g->x;

  for (size_t i = 0; i < len / 8; i++) {
    w[i] = x;
    x += GEN_STEP;
  }
  g->x = x;
}

static G_GNUC_NO_INLINE void
verify (struct gen *g, uint8_t *src, size_t len, bool corrupt)
{
  uint64_t *w = (uint64_t *) (void *) src;
  uint64_t x = g->x;
  uint64_t bad = 0;

  if (G_UNLIKELY (corrupt))
    w[len / 16] ^= 1;
  for (size_t i = 0; i < len / 8; i++) {
    bad |= w[i] ^ x;
    x += GEN_STEP;
  }
  g->x = x;
  g->bad |= bad;
}

static long
futex (_Atomic uint32_t *word, int op, uint32_t val,
    const struct timespec *timeout)
{
  /* Not FUTEX_PRIVATE: the word is shared with the other process. */
  return syscall (SYS_futex, (uint32_t *) word, op, val, timeout, NULL, 0);
}

/* --- the shared state ---------------------------------------------------------- */

enum command {
  CMD_NONE,
  CMD_OPEN,                     /* open the named rings */
  CMD_STREAM,                   /* consume one throughput run */
  CMD_WAKE,                     /* one wake-up latency run */
  CMD_QUIT,
};

/* One capacity's shared peers. */
struct xpeers {
  size_t capacity;
#ifdef HAVE_JACK
  jack_ringbuffer_t *jack;      /* struct and buffer in a shared mapping */
#endif
  uint8_t *limit_data;
  _Atomic uint8_t *limit_flags;
};

/* The control block, in a shared mapping. The producer fills in a command
 * and bumps cmd_seq; the child does it and sets done_seq to the same. */
struct ctl {
  alignas (CACHELINE) _Atomic uint32_t cmd_seq;
  alignas (CACHELINE) _Atomic uint32_t done_seq;
  alignas (CACHELINE) int cmd;
  int peer;                     /* enum peer or enum lat_peer */
  int cap_index;
  int open_failed;
  size_t chunk;
  uint64_t n;                   /* chunks or samples */
  uint64_t seed;
  uint64_t inject_at;
  char names[N_CAPACITIES + 1][96];     /* the last one: the latency ring */

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
static struct xpeers xpeers[N_CAPACITIES];

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

/* --- jack_ringbuffer in shared memory ---------------------------------------- */

#ifdef HAVE_JACK
/* jack_ringbuffer_create() mallocs the struct and its buffer, which a
 * forked process sees only as its own copy. Its read and write functions
 * touch nothing but the struct's fields and buf, so a struct and a buffer
 * placed in a MAP_SHARED mapping made before fork() work across the two
 * processes: both see them at the same address. The fields are copied from
 * a ringbuffer jack_ringbuffer_create() made with the same size (so they
 * follow whatever rounding this libjack does), then that one is freed. The
 * buffer is page-aligned, as RbRing's data is (see ringbridge-bench.c on
 * what malloc's placement costs). */
static jack_ringbuffer_t *
jack_peer_init (size_t capacity)
{
  jack_ringbuffer_t *model = jack_ringbuffer_create (capacity);
  jack_ringbuffer_t *jrb;
  uint8_t *mem;

  if (model == NULL) {
    g_printerr ("error: jack_ringbuffer_create (%zu) failed\n", capacity);
    exit (EXIT_SETUP);
  }
  mem = alloc_shared (4096 + model->size);
  jrb = (jack_ringbuffer_t *) (void *) mem;
  jrb->buf = (char *) mem + 4096;
  jrb->write_ptr = 0;
  jrb->read_ptr = 0;
  jrb->size = model->size;
  jrb->size_mask = model->size_mask;
  jrb->mlocked = 0;
  jack_ringbuffer_free (model);
  return jrb;
}
#endif

/* --- throughput ---------------------------------------------------------------- */

static void
rb_produce (RbRing *rb, size_t chunk, uint64_t n, uint64_t seed, uint8_t *src)
{
  struct gen g = { seed, 0 };

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;
    size_t off = 0;

    fill (&g, src, chunk);
    while (off < chunk) {
      size_t w = rb_ring_write (rb, src + off, chunk - off);
      if (w == 0)
        spin_pause (&spins);
      off += w;
    }
  }
}

static uint64_t
rb_consume (RbRing *rb, size_t chunk, uint64_t n, uint64_t seed,
    uint64_t inject_at, uint8_t *dst)
{
  struct gen g = { seed, 0 };

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;
    size_t off = 0;

    while (off < chunk) {
      size_t r = rb_ring_read (rb, dst + off, chunk - off);
      if (r == 0)
        spin_pause (&spins);
      off += r;
    }
    verify (&g, dst, chunk, k == inject_at);
  }
  return g.bad;
}

#ifdef HAVE_JACK
static void
jack_produce (jack_ringbuffer_t *jrb, size_t chunk, uint64_t n, uint64_t seed,
    uint8_t *src)
{
  struct gen g = { seed, 0 };

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;
    size_t off = 0;

    fill (&g, src, chunk);
    while (off < chunk) {
      size_t w = jack_ringbuffer_write (jrb, (const char *) src + off,
          chunk - off);
      if (w == 0)
        spin_pause (&spins);
      off += w;
    }
  }
}

static uint64_t
jack_consume (jack_ringbuffer_t *jrb, size_t chunk, uint64_t n, uint64_t seed,
    uint64_t inject_at, uint8_t *dst)
{
  struct gen g = { seed, 0 };

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;
    size_t off = 0;

    while (off < chunk) {
      size_t r = jack_ringbuffer_read (jrb, (char *) dst + off, chunk - off);
      if (r == 0)
        spin_pause (&spins);
      off += r;
    }
    verify (&g, dst, chunk, k == inject_at);
  }
  return g.bad;
}
#endif

static void
limit_produce (struct xpeers *p, size_t chunk, uint64_t n, uint64_t seed,
    uint8_t *src)
{
  size_t n_slots = p->capacity / chunk;
  struct gen g = { seed, 0 };
  size_t i = 0;

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;

    fill (&g, src, chunk);
    /* acquire: pairs with the consumer's release store of 0. */
    while (atomic_load_explicit (&p->limit_flags[i], memory_order_acquire))
      spin_pause (&spins);
    memcpy (p->limit_data + i * chunk, src, chunk);
    /* release: pairs with the consumer's acquire load. */
    atomic_store_explicit (&p->limit_flags[i], 1, memory_order_release);
    if (++i == n_slots)
      i = 0;
  }
}

static uint64_t
limit_consume (struct xpeers *p, size_t chunk, uint64_t n, uint64_t seed,
    uint64_t inject_at, uint8_t *dst)
{
  size_t n_slots = p->capacity / chunk;
  struct gen g = { seed, 0 };
  size_t i = 0;

  for (uint64_t k = 0; k < n; k++) {
    unsigned spins = 0;

    /* acquire: pairs with the producer's release store of 1. */
    while (!atomic_load_explicit (&p->limit_flags[i], memory_order_acquire))
      spin_pause (&spins);
    memcpy (dst, p->limit_data + i * chunk, chunk);
    /* release: pairs with the producer's acquire load. */
    atomic_store_explicit (&p->limit_flags[i], 0, memory_order_release);
    verify (&g, dst, chunk, k == inject_at);
    if (++i == n_slots)
      i = 0;
  }
  return g.bad;
}

/* --- wake-up latency ----------------------------------------------------------- */

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
      spin_pause (&spins);
    until = now_ns () + (uint64_t) g_rand_int_range (rand, PAUSE_MIN_NS,
        PAUSE_MAX_NS + 1);
    while (now_ns () < until)
      spin_pause (&spins);
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

/* --- the consumer process ------------------------------------------------------ */

static G_GNUC_NORETURN void
child_main (void)
{
  RbRing *rings[N_CAPACITIES + 1] = { NULL };
  uint8_t *dst = alloc_aligned (MAX_CHUNK);
  uint32_t seen = 0;

  /* the producer's death ends us too */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    _exit (EXIT_SETUP);
  pin_self (1);

  for (;;) {
    uint32_t seq;
    unsigned spins = 0;
    uint64_t bad = 0;

    /* acquire: pairs with the release increment in post_command(). */
    while ((seq = atomic_load_explicit (&ctl->cmd_seq,
                memory_order_acquire)) == seen)
      futex (&ctl->cmd_seq, FUTEX_WAIT, seq, NULL);
    seen = seq;

    switch (ctl->cmd) {
      case CMD_OPEN:
        for (size_t i = 0; i <= N_CAPACITIES; i++) {
          g_autoptr (GError) error = NULL;
          rings[i] = rb_ring_open (ctl->names[i], RB_RING_ROLE_CONSUMER,
              &error);
          if (rings[i] == NULL) {
            g_printerr ("error: consumer: %s\n", error->message);
            ctl->open_failed = 1;
          }
        }
        break;
      case CMD_STREAM:
      case CMD_WAKE:
        /* release/acquire on ready and go: the start only. */
        atomic_store_explicit (&ctl->ready, 1, memory_order_release);
        while (!atomic_load_explicit (&ctl->go, memory_order_acquire))
          spin_pause (&spins);
        if (ctl->cmd == CMD_WAKE) {
          bad = lat_consume ((enum lat_peer) ctl->peer,
              rings[N_CAPACITIES], ctl->n, ctl->inject_at);
        } else {
          struct xpeers *p = &xpeers[ctl->cap_index];
          switch (ctl->peer) {
            case PEER_RB:
              bad = rb_consume (rings[ctl->cap_index], ctl->chunk, ctl->n,
                  ctl->seed, ctl->inject_at, dst);
              break;
#ifdef HAVE_JACK
            case PEER_JACK:
              bad = jack_consume (p->jack, ctl->chunk, ctl->n, ctl->seed,
                  ctl->inject_at, dst);
              break;
#endif
            case PEER_LIMIT:
              bad = limit_consume (p, ctl->chunk, ctl->n, ctl->seed,
                  ctl->inject_at, dst);
              break;
            default:
              g_assert_not_reached ();
          }
        }
        ctl->t_end = now_ns ();
        ctl->bad = bad;
        break;
      case CMD_QUIT:
        for (size_t i = 0; i <= N_CAPACITIES; i++)
          g_clear_object (&rings[i]);
        atomic_store_explicit (&ctl->done_seq, seq, memory_order_release);
        futex (&ctl->done_seq, FUTEX_WAKE, INT32_MAX, NULL);
        _exit (0);
      default:
        g_assert_not_reached ();
    }
    /* release: pairs with the acquire load in wait_done(). */
    atomic_store_explicit (&ctl->done_seq, seq, memory_order_release);
    futex (&ctl->done_seq, FUTEX_WAKE, INT32_MAX, NULL);
  }
}

/* --- runs, seen from the producer ---------------------------------------------- */

static RbRing *prod_rings[N_CAPACITIES + 1];

static void
start_run (int cmd)
{
  unsigned spins = 0;

  post_command (cmd);
  /* acquire: pairs with the child's release store of ready. */
  while (!atomic_load_explicit (&ctl->ready, memory_order_acquire))
    spin_pause (&spins);
}

static double
run_stream (int cap_index, enum peer peer, size_t chunk, uint64_t n,
    uint64_t seed, bool inject, uint8_t *src, uint64_t *bad)
{
  struct xpeers *p = &xpeers[cap_index];
  uint32_t seq;
  uint64_t t0;

  ctl->peer = peer;
  ctl->cap_index = cap_index;
  ctl->chunk = chunk;
  ctl->n = n;
  ctl->seed = seed;
  ctl->inject_at = inject ? n / 2 : UINT64_MAX;
  start_run (CMD_STREAM);
  seq = atomic_load_explicit (&ctl->cmd_seq, memory_order_relaxed);
  t0 = now_ns ();
  /* release: pairs with the child's acquire load of go. */
  atomic_store_explicit (&ctl->go, 1, memory_order_release);
  switch (peer) {
    case PEER_RB:
      rb_produce (prod_rings[cap_index], chunk, n, seed, src);
      break;
#ifdef HAVE_JACK
    case PEER_JACK:
      jack_produce (p->jack, chunk, n, seed, src);
      break;
#endif
    case PEER_LIMIT:
      limit_produce (p, chunk, n, seed, src);
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

  ctl->peer = peer;
  ctl->n = n;
  ctl->inject_at = inject ? n / 2 : UINT64_MAX;
  atomic_store_explicit (&ctl->fword, 0, memory_order_relaxed);
  atomic_store_explicit (&ctl->ack, 0, memory_order_relaxed);
  start_run (CMD_WAKE);
  seq = atomic_load_explicit (&ctl->cmd_seq, memory_order_relaxed);
  atomic_store_explicit (&ctl->go, 1, memory_order_release);
  lat_produce (peer, prod_rings[N_CAPACITIES], n, seed);
  wait_done (seq);
  for (uint64_t i = 0; i < n; i++)
    out[i] = (double) ctl->lat_ns[i];
  *bad = ctl->bad;
}

/* --- statistics ------------------------------------------------------------------ */

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Sorts @v and returns its p99 (nearest rank). */
static double
p99 (double *v, size_t n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return v[(size_t) ceil (0.99 * (double) n) - 1];
}

struct tput_case {
  size_t capacity;
  size_t chunk;
  uint64_t n_chunks;
  double *gbps[N_PEERS];
  double *ratio[N_RATIOS];
  double median_gbps[N_PEERS];
  double median_ratio[N_RATIOS];
};

struct lat_result {
  uint64_t per_rep;             /* samples per peer and repetition */
  double *samples[N_LAT_PEERS]; /* per_rep * reps, ns */
  double *median_ns[N_LAT_PEERS];       /* per repetition */
  double *p99_ns[N_LAT_PEERS];
  double *ratio[N_LAT_RATIOS];          /* of the medians, per repetition */
  double *ratio_p99[N_LAT_RATIOS];
  double all_median_ns[N_LAT_PEERS];    /* over the samples of used reps */
  double all_p99_ns[N_LAT_PEERS];
  double med_ratio[N_LAT_RATIOS];
  double med_ratio_p99[N_LAT_RATIOS];
};

enum target_state {
  TARGET_NOT_MEASURED,
  TARGET_MET,
  TARGET_NOT_MET,
};

struct target {
  const char *name;
  enum target_state state;
  char detail[96];
};

#define N_TARGETS 2

struct cpu_load {
  double busy_s;
  double steal_s;
  double self_s;                /* ours and the consumer process's */
  double wall_s;
};

struct machine {
  struct utsname uts;
  gchar *cpu_model;
  long nproc;
  gchar *date;
  gchar *pin_note;
  double loadavg;
  double others_share;
  double steal_share;
};

#define DISTURBED_SHARE 0.05
#define MIN_USED_REPS 3

struct results {
  struct machine m;
  double *rep_others;
  int *used;
  int n_used;
  struct tput_case cases[N_CASES];
  struct lat_result lat;
  struct target targets[N_TARGETS];
  unsigned runs;
  unsigned mismatches;
  unsigned injected;
  unsigned missed;
};

static void
results_init (struct results *res)
{
  memset (res, 0, sizeof *res);
  res->rep_others = g_new0 (double, opt_reps);
  res->used = g_new0 (int, opt_reps);
  for (size_t c = 0; c < N_CASES; c++) {
    struct tput_case *tc = &res->cases[c];
    uint64_t amount;

    tc->capacity = capacities[c / N_CHUNKS];
    tc->chunk = chunks[c % N_CHUNKS];
    amount = tc->chunk >= FULL_AMOUNT_CHUNK ? opt_bytes :
        opt_bytes / FULL_AMOUNT_CHUNK * tc->chunk;
    tc->n_chunks = MAX (amount / tc->chunk, 1);
    for (int i = 0; i < N_PEERS; i++)
      tc->gbps[i] = g_new0 (double, opt_reps);
    for (int r = 0; r < N_RATIOS; r++)
      tc->ratio[r] = g_new0 (double, opt_reps);
  }
  res->lat.per_rep = ((uint64_t) opt_samples + (uint64_t) opt_reps - 1) /
      (uint64_t) opt_reps;
  for (int i = 0; i < N_LAT_PEERS; i++) {
    res->lat.samples[i] = g_new0 (double, res->lat.per_rep * opt_reps);
    res->lat.median_ns[i] = g_new0 (double, opt_reps);
    res->lat.p99_ns[i] = g_new0 (double, opt_reps);
  }
  for (int r = 0; r < N_LAT_RATIOS; r++) {
    res->lat.ratio[r] = g_new0 (double, opt_reps);
    res->lat.ratio_p99[r] = g_new0 (double, opt_reps);
  }
}

static void
results_clear (struct results *res)
{
  for (size_t c = 0; c < N_CASES; c++) {
    for (int i = 0; i < N_PEERS; i++)
      g_free (res->cases[c].gbps[i]);
    for (int r = 0; r < N_RATIOS; r++)
      g_free (res->cases[c].ratio[r]);
  }
  for (int i = 0; i < N_LAT_PEERS; i++) {
    g_free (res->lat.samples[i]);
    g_free (res->lat.median_ns[i]);
    g_free (res->lat.p99_ns[i]);
  }
  for (int r = 0; r < N_LAT_RATIOS; r++) {
    g_free (res->lat.ratio[r]);
    g_free (res->lat.ratio_p99[r]);
  }
  g_free (res->rep_others);
  g_free (res->used);
  g_free (res->m.cpu_model);
  g_free (res->m.date);
  g_free (res->m.pin_note);
}

static double
rep_median (const struct results *res, const double *per_rep)
{
  g_autofree double *v = g_new (double, res->n_used);

  for (int i = 0; i < res->n_used; i++)
    v[i] = per_rep[res->used[i]];
  return median (v, res->n_used);
}

static void
results_summarize (struct results *res)
{
  struct lat_result *lat = &res->lat;
  struct target *t = res->targets;
  uint64_t m = lat->per_rep;

  res->n_used = 0;
  for (int rep = 0; rep < opt_reps; rep++)
    if (!(res->rep_others[rep] > DISTURBED_SHARE))
      res->used[res->n_used++] = rep;
  if (res->n_used < MIN_USED_REPS) {
    res->n_used = opt_reps;
    for (int rep = 0; rep < opt_reps; rep++)
      res->used[rep] = rep;
  }

  for (size_t c = 0; c < N_CASES; c++) {
    struct tput_case *tc = &res->cases[c];
    for (int rep = 0; rep < opt_reps; rep++)
      for (int r = 0; r < N_RATIOS; r++)
        tc->ratio[r][rep] = (r == RATIO_JACK && !have_jack) ? NAN :
            tc->gbps[PEER_RB][rep] / tc->gbps[ratio_den[r]][rep];
    for (int i = 0; i < N_PEERS; i++)
      tc->median_gbps[i] = (i == PEER_JACK && !have_jack) ? NAN :
          rep_median (res, tc->gbps[i]);
    for (int r = 0; r < N_RATIOS; r++)
      tc->median_ratio[r] = rep_median (res, tc->ratio[r]);
  }

  /* Per repetition: median and p99 of its samples (sorted copies). */
  {
    g_autofree double *tmp = g_new (double, m * (uint64_t) opt_reps);

    for (int i = 0; i < N_LAT_PEERS; i++) {
      size_t k = 0;

      for (int rep = 0; rep < opt_reps; rep++) {
        memcpy (tmp, lat->samples[i] + rep * m, m * sizeof *tmp);
        lat->p99_ns[i][rep] = p99 (tmp, m);
        lat->median_ns[i][rep] = m % 2 ? tmp[m / 2] :
            (tmp[m / 2 - 1] + tmp[m / 2]) / 2;
      }
      for (int u = 0; u < res->n_used; u++) {
        memcpy (tmp + k, lat->samples[i] + res->used[u] * m, m * sizeof *tmp);
        k += m;
      }
      lat->all_p99_ns[i] = p99 (tmp, k);
      lat->all_median_ns[i] = k % 2 ? tmp[k / 2] :
          (tmp[k / 2 - 1] + tmp[k / 2]) / 2;
    }
  }
  for (int r = 0; r < N_LAT_RATIOS; r++) {
    for (int rep = 0; rep < opt_reps; rep++) {
      lat->ratio[r][rep] = lat->median_ns[lat_ratio_num[r]][rep] /
          lat->median_ns[LAT_FUTEX][rep];
      lat->ratio_p99[r][rep] = lat->p99_ns[lat_ratio_num[r]][rep] /
          lat->p99_ns[LAT_FUTEX][rep];
    }
    lat->med_ratio[r] = rep_median (res, lat->ratio[r]);
    lat->med_ratio_p99[r] = rep_median (res, lat->ratio_p99[r]);
  }

  t[0].name = "RbRing >= jack_ringbuffer at every size (xproc)";
  if (!have_jack) {
    t[0].state = TARGET_NOT_MEASURED;
    g_strlcpy (t[0].detail, "the jack peer is not built", sizeof t[0].detail);
  } else {
    const struct tput_case *worst = &res->cases[0];
    for (size_t c = 1; c < N_CASES; c++)
      if (res->cases[c].median_ratio[RATIO_JACK] <
          worst->median_ratio[RATIO_JACK])
        worst = &res->cases[c];
    t[0].state = worst->median_ratio[RATIO_JACK] >= 1.0 ? TARGET_MET :
        TARGET_NOT_MET;
    g_snprintf (t[0].detail, sizeof t[0].detail,
        "worst %.2fx (%zu KiB ring, %zu B)", worst->median_ratio[RATIO_JACK],
        worst->capacity / 1024, worst->chunk);
  }
  t[1].name = "wake-up median <= 1.5x the bare futex";
  t[1].state = lat->med_ratio[LAT_RATIO_RB] <= 1.5 ? TARGET_MET :
      TARGET_NOT_MET;
  g_snprintf (t[1].detail, sizeof t[1].detail, "%.2fx (median)",
      lat->med_ratio[LAT_RATIO_RB]);
}

/* --- machine ---------------------------------------------------------------------- */

static gchar *
read_cpu_model (void)
{
  static const char *const keys[] = {
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

static void
read_cpu_load (struct cpu_load *l)
{
  g_autofree gchar *text = NULL;
  unsigned long long v[8] = { 0 };
  double hz = (double) sysconf (_SC_CLK_TCK);
  struct rusage ru;

  memset (l, 0, sizeof *l);
  l->wall_s = (double) now_ns () / 1e9;
  if (getrusage (RUSAGE_SELF, &ru) == 0)
    l->self_s = (double) ru.ru_utime.tv_sec +
        (double) ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec +
        (double) ru.ru_stime.tv_usec / 1e6;
  l->self_s += child_cpu_s ();
  if (g_file_get_contents ("/proc/stat", &text, NULL, NULL) &&
      sscanf (text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
          &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
    l->busy_s = (double) (v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
    l->steal_s = (double) v[7] / hz;
  }
}

static void
cpu_load_shares (const struct cpu_load *a, const struct cpu_load *b,
    long nproc, double *others, double *steal)
{
  double all = (b->wall_s - a->wall_s) * (double) nproc;
  double o = (b->busy_s - a->busy_s) - (b->self_s - a->self_s);

  if (others != NULL)
    *others = all > 0 ? MAX (o, 0) / all : NAN;
  if (steal != NULL)
    *steal = all > 0 ? (b->steal_s - a->steal_s) / all : NAN;
}

static double
read_loadavg (void)
{
  g_autofree gchar *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return NAN;
  return g_ascii_strtod (text, NULL);
}

static void
choose_cpus (struct machine *m)
{
  cpu_set_t allowed;
  int found = 0;

  if (sched_getaffinity (0, sizeof allowed, &allowed) != 0) {
    yield_mask = 0;
    m->pin_note = g_strdup_printf ("cannot read the CPU affinity (%s): "
        "running unpinned", g_strerror (errno));
    return;
  }
  for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
    if (CPU_ISSET ((size_t) cpu, &allowed))
      pin_cpus[found++] = cpu;
  if (found < 2) {
    pin_cpus[0] = pin_cpus[1] = -1;
    yield_mask = 0;
    m->pin_note = g_strdup ("only one CPU is available: running unpinned, "
        "both processes share it (the ratios say little)");
    return;
  }
  m->pin_note = g_strdup_printf ("producer process pinned to CPU %d, "
      "consumer process to CPU %d", pin_cpus[0], pin_cpus[1]);
}

/* --- output ------------------------------------------------------------------------ */

static const char *
target_state_name (enum target_state s)
{
  return s == TARGET_MET ? "met" : s == TARGET_NOT_MET ? "NOT MET" :
      "not measured";
}

static void
format_size (char *buf, size_t len, size_t bytes)
{
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    g_snprintf (buf, len, "%zu MiB", bytes / (1024 * 1024));
  else if (bytes >= 1024 && bytes % 1024 == 0)
    g_snprintf (buf, len, "%zu KiB", bytes / 1024);
  else
    g_snprintf (buf, len, "%zu B", bytes);
}

static const char *
cell (char *buf, size_t len, int decimals, const char *suffix, double v)
{
  if (isnan (v))
    return "-";
  g_snprintf (buf, len, "%.*f%s", decimals, v, suffix);
  return buf;
}

static void
print_header (const struct machine *m)
{
  g_print ("ringbridge-bench-xproc %s: %s, %s, %ld CPUs, %s\n",
      RB_VERSION_STRING, m->uts.machine, m->cpu_model, m->nproc, m->date);
  g_print ("%s; %d repetitions; load average at start %.2f\n", m->pin_note,
      opt_reps, m->loadavg);
  if (!have_jack)
    g_print ("jack peer missing: built without JACK (libjack not found)\n");
  else
    g_print ("jack_ringbuffer: struct and page-aligned buffer in a shared "
        "mapping made before fork()\n");
  if (opt_inject)
    g_print ("--inject-error: every measured run gets one corrupted word\n");
}

static void
print_table (const struct results *res)
{
  const struct lat_result *lat = &res->lat;
  char b[8][32];

  g_print ("\nCross-process throughput, GB/s (10^9 B/s), median over "
      "repetitions; ratios are\nmedians of per-repetition ratios. Producer "
      "and consumer are two processes;\nlimit = one flag per slot in shared "
      "memory.\n\n");
  g_print ("%-8s %-7s %8s %8s %8s | %8s %8s\n", "ring", "chunk", "RbRing",
      "jack", "limit", "rb/jack", "rb/limit");
  for (size_t c = 0; c < N_CASES; c++) {
    const struct tput_case *tc = &res->cases[c];
    char cap_s[16], chunk_s[16];

    format_size (cap_s, sizeof cap_s, tc->capacity);
    format_size (chunk_s, sizeof chunk_s, tc->chunk);
    g_print ("%-8s %-7s %8s %8s %8s | %8s %8s\n", cap_s, chunk_s,
        cell (b[0], 32, 3, "", tc->median_gbps[PEER_RB]),
        cell (b[1], 32, 3, "", tc->median_gbps[PEER_JACK]),
        cell (b[2], 32, 3, "", tc->median_gbps[PEER_LIMIT]),
        cell (b[3], 32, 2, "x", tc->median_ratio[RATIO_JACK]),
        cell (b[4], 32, 2, "x", tc->median_ratio[RATIO_LIMIT]));
  }

  g_print ("\nWake-up latency of a blocked consumer process (8-byte "
      "timestamp sent after a\nrandom 100-1000 us pause), ns, over %"
      G_GUINT64_FORMAT " samples per peer in the repetitions used;\nratios "
      "are medians of per-repetition ratios:\n\n",
      lat->per_rep * (uint64_t) res->n_used);
  g_print ("%-8s %8s %8s | %13s %10s\n", "", "median", "p99",
      "median/futex", "p99/futex");
  for (int i = 0; i < N_LAT_PEERS; i++) {
    int r = i == LAT_RB ? LAT_RATIO_RB : LAT_RATIO_PIPE;
    bool base = i == LAT_FUTEX;

    g_print ("%-8s %8s %8s | %13s %10s\n", lat_peer_names[i],
        cell (b[0], 32, 0, "", lat->all_median_ns[i]),
        cell (b[1], 32, 0, "", lat->all_p99_ns[i]),
        base ? "" : cell (b[2], 32, 2, "x", lat->med_ratio[r]),
        base ? "" : cell (b[3], 32, 2, "x", lat->med_ratio_p99[r]));
  }

  g_print ("\nTargets (reported, not asserted):\n");
  for (int i = 0; i < N_TARGETS; i++)
    g_print ("  %-49s %-12s %s\n", res->targets[i].name,
        target_state_name (res->targets[i].state), res->targets[i].detail);

  g_print ("\nOther processes used %.0f%% of all CPU time during the run, the "
      "hypervisor took %.0f%%.\n", 100 * res->m.others_share,
      100 * res->m.steal_share);
  if (res->n_used < opt_reps)
    g_print ("Medians over %d of %d repetitions: in the other %d, other "
        "processes took more\nthan %.0f%% of the CPU time.\n", res->n_used,
        opt_reps, opt_reps - res->n_used, 100 * DISTURBED_SHARE);
  else if (res->m.others_share > DISTURBED_SHARE ||
      res->m.steal_share > DISTURBED_SHARE)
    g_print ("WARNING: the benchmark did not have the CPUs to itself; "
        "its figures are unreliable.\n");
  if (opt_inject)
    g_print ("Injected errors: %u measured runs, %u noticed, %u missed\n\n",
        res->injected, res->injected - res->missed, res->missed);
  else
    g_print ("Data verified: %s (%u runs, %u with a mismatch)\n\n",
        res->mismatches == 0 ? "yes" : "NO", res->runs, res->mismatches);
}

static void
json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++) {
    unsigned char ch = (unsigned char) *s;
    if (ch == '"' || ch == '\\')
      g_string_append_printf (out, "\\%c", ch);
    else if (ch < 0x20)
      g_string_append_printf (out, "\\u%04x", ch);
    else
      g_string_append_c (out, (char) ch);
  }
  g_string_append_c (out, '"');
}

static void
json_number (GString *out, double v)
{
  if (isfinite (v))
    g_string_append_printf (out, "%.6g", v);
  else
    g_string_append (out, "null");
}

static void
json_array (GString *out, const double *v, int n)
{
  g_string_append_c (out, '[');
  for (int i = 0; i < n; i++) {
    if (i > 0)
      g_string_append_c (out, ',');
    json_number (out, v[i]);
  }
  g_string_append_c (out, ']');
}

static void
json_object_of_arrays (GString *out, const char *key,
    const char *const *names, double *const *arrays, int n)
{
  g_string_append_printf (out, "\"%s\":{", key);
  for (int i = 0; i < n; i++) {
    g_string_append_printf (out, "%s\"%s\":", i ? "," : "", names[i]);
    if (arrays[i] == NULL)
      g_string_append (out, "null");
    else
      json_array (out, arrays[i], opt_reps);
  }
  g_string_append_c (out, '}');
}

static void
json_object_of_numbers (GString *out, const char *key,
    const char *const *names, const double *values, int n)
{
  g_string_append_printf (out, "\"%s\":{", key);
  for (int i = 0; i < n; i++) {
    g_string_append_printf (out, "%s\"%s\":", i ? "," : "", names[i]);
    json_number (out, values[i]);
  }
  g_string_append_c (out, '}');
}

static GString *
results_to_json (const struct results *res)
{
  const struct machine *m = &res->m;
  const struct lat_result *lat = &res->lat;
  GString *json = g_string_new ("{\"program\":\"ringbridge-bench-xproc\",");

  g_string_append (json, "\"version\":");
  json_string (json, RB_VERSION_STRING);
  g_string_append (json, ",\"machine\":{\"arch\":");
  json_string (json, m->uts.machine);
  g_string_append (json, ",\"cpu_model\":");
  json_string (json, m->cpu_model);
  g_string_append_printf (json, ",\"nproc\":%ld,\"date\":", m->nproc);
  json_string (json, m->date);
  if (pin_cpus[0] >= 0)
    g_string_append_printf (json, ",\"pinned\":true,\"cpus\":[%d,%d]",
        pin_cpus[0], pin_cpus[1]);
  else
    g_string_append (json, ",\"pinned\":false,\"cpus\":null");
  g_string_append (json, ",\"loadavg_start\":");
  json_number (json, m->loadavg);
  g_string_append (json, ",\"others_cpu_share\":");
  json_number (json, m->others_share);
  g_string_append (json, ",\"steal_share\":");
  json_number (json, m->steal_share);
  g_string_append (json, ",\"rep_others_cpu_share\":");
  json_array (json, res->rep_others, opt_reps);
  g_string_append (json, "},\"reps_used\":[");
  for (int i = 0; i < res->n_used; i++)
    g_string_append_printf (json, "%s%d", i ? "," : "", res->used[i]);
  g_string_append (json, "],");

  g_string_append_printf (json, "\"options\":{\"reps\":%d,\"bytes\":%"
      G_GUINT64_FORMAT ",\"samples\":%" G_GINT64_FORMAT ",\"quick\":%s,"
      "\"inject_error\":%s},\"jack\":%s,", opt_reps, opt_bytes, opt_samples,
      opt_quick ? "true" : "false", opt_inject ? "true" : "false",
      have_jack ? "true" : "false");

  g_string_append (json, "\"throughput\":[");
  for (size_t c = 0; c < N_CASES; c++) {
    const struct tput_case *tc = &res->cases[c];
    double *gbps[N_PEERS];

    for (int i = 0; i < N_PEERS; i++)
      gbps[i] = (i == PEER_JACK && !have_jack) ? NULL : tc->gbps[i];
    g_string_append_printf (json, "%s{\"capacity\":%zu,\"chunk\":%zu,"
        "\"bytes\":%" G_GUINT64_FORMAT ",", c ? "," : "", tc->capacity,
        tc->chunk, tc->n_chunks * tc->chunk);
    json_object_of_arrays (json, "gbps", peer_names, gbps, N_PEERS);
    g_string_append_c (json, ',');
    json_object_of_numbers (json, "median_gbps", peer_names, tc->median_gbps,
        N_PEERS);
    g_string_append_c (json, ',');
    json_object_of_arrays (json, "ratios", ratio_names, tc->ratio, N_RATIOS);
    g_string_append_c (json, ',');
    json_object_of_numbers (json, "median_ratios", ratio_names,
        tc->median_ratio, N_RATIOS);
    g_string_append_c (json, '}');
  }

  g_string_append_printf (json, "],\"wakeup\":{\"message_bytes\":8,"
      "\"capacity\":%d,\"pause_us\":[%d,%d],\"samples_per_rep\":%"
      G_GUINT64_FORMAT ",", LATENCY_CAPACITY, PAUSE_MIN_NS / 1000,
      PAUSE_MAX_NS / 1000, lat->per_rep);
  json_object_of_arrays (json, "median_ns", lat_peer_names,
      (double *const *) lat->median_ns, N_LAT_PEERS);
  g_string_append_c (json, ',');
  json_object_of_arrays (json, "p99_ns", lat_peer_names,
      (double *const *) lat->p99_ns, N_LAT_PEERS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "all_median_ns", lat_peer_names,
      lat->all_median_ns, N_LAT_PEERS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "all_p99_ns", lat_peer_names,
      lat->all_p99_ns, N_LAT_PEERS);
  g_string_append_c (json, ',');
  json_object_of_arrays (json, "ratios", lat_ratio_names,
      (double *const *) lat->ratio, N_LAT_RATIOS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "median_ratios", lat_ratio_names,
      lat->med_ratio, N_LAT_RATIOS);
  g_string_append_c (json, ',');
  json_object_of_numbers (json, "median_p99_ratios", lat_ratio_names,
      lat->med_ratio_p99, N_LAT_RATIOS);

  g_string_append (json, "},\"targets\":[");
  for (int i = 0; i < N_TARGETS; i++) {
    const struct target *t = &res->targets[i];
    g_string_append (json, i ? ",{\"name\":" : "{\"name\":");
    json_string (json, t->name);
    g_string_append_printf (json, ",\"met\":%s,\"detail\":",
        t->state == TARGET_MET ? "true" :
        t->state == TARGET_NOT_MET ? "false" : "null");
    json_string (json, t->detail);
    g_string_append_c (json, '}');
  }
  g_string_append_printf (json, "],\"runs\":%u,\"mismatches\":%u,"
      "\"verified\":%s}", res->runs, res->mismatches,
      res->mismatches == 0 && !opt_inject ? "true" : "false");
  return json;
}

/* --- running ------------------------------------------------------------------------ */

static gboolean
parse_bytes (const gchar *name, const gchar *value, G_GNUC_UNUSED gpointer data,
    GError **error)
{
  gchar *end = NULL;
  guint64 v;

  errno = 0;
  v = g_ascii_strtoull (value, &end, 10);
  if (errno == 0 && end != value) {
    guint shift = 0;
    switch (g_ascii_toupper (*end)) {
      case 'K':
        shift = 10, end++;
        break;
      case 'M':
        shift = 20, end++;
        break;
      case 'G':
        shift = 30, end++;
        break;
    }
    if (shift != 0 && (*end == 'i' || *end == 'I'))
      end++;
    if (shift != 0 && (*end == 'b' || *end == 'B'))
      end++;
    if (*end == '\0' && v <= (G_GUINT64_CONSTANT (1) << 40) >> shift &&
        v << shift >= 8) {
      opt_bytes = v << shift;
      return TRUE;
    }
  }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
      "invalid size '%s' for %s: 8 bytes to 1 TiB, optionally with K, M or "
      "G (powers of 1024)", value, name);
  return FALSE;
}

static const GOptionEntry entries[] = {
  { "reps", 'r', 0, G_OPTION_ARG_INT, &opt_reps,
    "Repetitions of every case (default 15)", "N" },
  { "bytes", 'b', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_bytes,
    "Bytes per throughput run for chunks of 64 B and up; an 8 B chunk moves "
    "1/8 of it (default 256M)", "SIZE" },
  { "samples", 's', 0, G_OPTION_ARG_INT64, &opt_samples,
    "Wake-up latency samples per peer, spread over the repetitions "
    "(default 20000)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick,
    "A short run: 5 repetitions, --bytes 16M, --samples 2000, unless given",
    NULL },
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &opt_json,
    "Also write the JSON result to FILE", "FILE" },
  { "inject-error", 0, 0, G_OPTION_ARG_NONE, &opt_inject,
    "Self-test of the checks: corrupt one word in every measured run; exits "
    "1 if every run noticed, 0 if one did not", NULL },
  G_OPTION_ENTRY_NULL
};

static void
count_run (struct results *res, uint64_t bad, bool injected, const char *what)
{
  res->runs++;
  if (injected)
    res->injected++;
  if (bad != 0)
    res->mismatches++;
  if (bad != 0 && !injected)
    g_printerr ("MISMATCH: %s: the data received differs from the data "
        "sent\n", what);
  if (bad == 0 && injected) {
    res->missed++;
    g_printerr ("MISSED: %s: the injected error went unnoticed\n", what);
  }
}

static void
run_all (struct results *res)
{
  uint8_t *src = alloc_aligned (MAX_CHUNK);
  enum peer active[N_PEERS];
  int n_active = 0;
  uint64_t seed = 1;
  uint64_t m = res->lat.per_rep;

  for (int i = 0; i < N_PEERS; i++)
    if (i != PEER_JACK || have_jack)
      active[n_active++] = (enum peer) i;

  /* Warm-up: every page of every peer, in both processes. */
  for (size_t c = 0; c < N_CASES; c++) {
    struct tput_case *tc = &res->cases[c];
    uint64_t n = MIN (MAX (2 * tc->capacity / tc->chunk, 16), tc->n_chunks);

    for (int a = 0; a < n_active; a++) {
      g_autofree gchar *what = g_strdup_printf ("%s, %zu-byte ring, "
          "%zu-byte chunks, warm-up", peer_names[active[a]], tc->capacity,
          tc->chunk);
      uint64_t bad;

      run_stream ((int) (c / N_CHUNKS), active[a], tc->chunk, n, seed++,
          false, src, &bad);
      count_run (res, bad, false, what);
    }
  }
  {
    g_autofree double *tmp = g_new (double, 100);
    for (int i = 0; i < N_LAT_PEERS; i++) {
      uint64_t bad;
      run_wake ((enum lat_peer) i, 100, seed++, false, tmp, &bad);
      count_run (res, bad, false, "wake-up warm-up");
    }
  }

  for (int rep = 0; rep < opt_reps; rep++) {
    struct cpu_load before, after;

    read_cpu_load (&before);
    for (size_t c = 0; c < N_CASES; c++) {
      struct tput_case *tc = &res->cases[c];

      for (int a = 0; a < n_active; a++) {
        enum peer peer = active[(a + rep) % n_active];
        g_autofree gchar *what = g_strdup_printf ("%s, %zu-byte ring, "
            "%zu-byte chunks, repetition %d", peer_names[peer], tc->capacity,
            tc->chunk, rep + 1);
        uint64_t bad;

        tc->gbps[peer][rep] = run_stream ((int) (c / N_CHUNKS), peer,
            tc->chunk, tc->n_chunks, seed++, opt_inject, src, &bad);
        count_run (res, bad, opt_inject, what);
      }
    }
    for (int a = 0; a < N_LAT_PEERS; a++) {
      enum lat_peer peer = (enum lat_peer) ((a + rep) % N_LAT_PEERS);
      g_autofree gchar *what = g_strdup_printf ("%s wake-up, repetition %d",
          lat_peer_names[peer], rep + 1);
      uint64_t bad;

      run_wake (peer, m, seed++, opt_inject, res->lat.samples[peer] + rep * m,
          &bad);
      count_run (res, bad, opt_inject, what);
    }
    read_cpu_load (&after);
    cpu_load_shares (&before, &after, res->m.nproc, &res->rep_others[rep],
        NULL);
    g_printerr ("repetition %d/%d: other processes took %.0f%% of the CPU "
        "time%s\n", rep + 1, opt_reps, 100 * res->rep_others[rep],
        res->rep_others[rep] > DISTURBED_SHARE ? " (disturbed)" : "");
  }
  free (src);
}

static void
unlink_rings (void)
{
  for (size_t i = 0; i <= N_CAPACITIES; i++)
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

  ctl = alloc_shared (sizeof *ctl);
  ctl->sent = alloc_shared (sizeof (uint64_t) * (size_t) opt_samples + 800);
  ctl->lat_ns = alloc_shared (sizeof (uint64_t) * (size_t) opt_samples + 800);
  if (pipe (ctl->pipe_fd) != 0) {
    g_printerr ("error: pipe: %s\n", g_strerror (errno));
    exit (EXIT_SETUP);
  }
  for (size_t i = 0; i < N_CAPACITIES; i++) {
    xpeers[i].capacity = capacities[i];
#ifdef HAVE_JACK
    xpeers[i].jack = jack_peer_init (capacities[i]);
#endif
    xpeers[i].limit_data = alloc_shared (capacities[i]);
    xpeers[i].limit_flags = alloc_shared (capacities[i] / chunks[0]);
  }

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

  for (size_t i = 0; i <= N_CAPACITIES; i++) {
    size_t cap = i < N_CAPACITIES ? capacities[i] : LATENCY_CAPACITY;

    g_snprintf (ctl->names[i], sizeof ctl->names[i], "bench-xproc-%d-%zu%s",
        (int) getpid (), cap, i < N_CAPACITIES ? "" : "-wake");
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
  for (size_t i = 0; i <= N_CAPACITIES; i++)
    g_clear_object (&prod_rings[i]);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) json = NULL;
  g_autoptr (GDateTime) now = NULL;
  struct cpu_load load0, load1;
  struct results res;
  struct machine *m = &res.m;
  int status;

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx,
      "Streams verified data from this process to a forked one through a "
      "named RbRing,\njack_ringbuffer in shared memory and a one-flag-per-"
      "slot buffer (the cross-core\nlimit), and measures how fast a blocked "
      "consumer process wakes up: RbRing's\nwait against a bare futex and a "
      "pipe. Prints a table and, as the last line,\none JSON object. Exits 1 "
      "if any data did not arrive intact.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_USAGE;
  }
  if (argc > 1) {
    g_printerr ("unexpected argument '%s'\n", argv[1]);
    return EXIT_USAGE;
  }
  if (opt_reps == 0)
    opt_reps = opt_quick ? 5 : 15;
  if (opt_reps < 1 || opt_reps > 1000) {
    g_printerr ("invalid --reps %d: 1 to 1000 (at least 5 for a report)\n",
        opt_reps);
    return EXIT_USAGE;
  }
  if (opt_bytes == 0)
    opt_bytes = opt_quick ? 16 * 1024 * 1024 : 256 * 1024 * 1024;
  if (opt_samples == 0)
    opt_samples = opt_quick ? 2000 : 20000;
  if (opt_samples < 100 || opt_samples > 10000000) {
    g_printerr ("invalid --samples %" G_GINT64_FORMAT ": 100 to 10^7\n",
        opt_samples);
    return EXIT_USAGE;
  }

  results_init (&res);
  /* whole repetitions' worth, so every repetition has as many samples */
  opt_samples = (gint64) (res.lat.per_rep * (uint64_t) opt_reps);
  choose_cpus (m);
  m->nproc = sysconf (_SC_NPROCESSORS_ONLN);
  m->cpu_model = read_cpu_model ();
  uname (&m->uts);
  now = g_date_time_new_now_utc ();
  m->date = g_date_time_format_iso8601 (now);
  m->loadavg = read_loadavg ();
  setup ();
  /* after the fork: the child pins itself to the other CPU */
  pin_self (0);
  print_header (m);

  read_cpu_load (&load0);
  run_all (&res);
  read_cpu_load (&load1);
  cpu_load_shares (&load0, &load1, m->nproc, &m->others_share,
      &m->steal_share);
  teardown ();

  results_summarize (&res);
  print_table (&res);
  json = results_to_json (&res);
  g_print ("%s\n", json->str);
  if (opt_json != NULL &&
      !g_file_set_contents (opt_json, json->str, (gssize) json->len, &error)) {
    g_printerr ("error: %s\n", error->message);
    return EXIT_SETUP;
  }
  g_free (opt_json);

  if (opt_inject) {
    if (res.missed > 0) {
      g_printerr ("inject-error: %u runs missed the injected error\n",
          res.missed);
      status = EXIT_SUCCESS;
    } else {
      g_printerr ("inject-error: every run noticed the injected error\n");
      status = EXIT_MISMATCH;
    }
  } else {
    status = res.mismatches == 0 ? EXIT_SUCCESS : EXIT_MISMATCH;
  }
  results_clear (&res);
  return status;
}
