/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Waiting without costing the realtime side anything.
 *
 * A waiter (say the consumer, waiting for data) announces itself by
 * incrementing data_waiters, then re-checks the write position, then
 * sleeps on the futex word data_wake. The producer, after publishing a new
 * write position, looks at data_waiters and, if it is non-zero, bumps
 * data_wake and makes one FUTEX_WAKE call. With no waiter it makes no
 * system call at all. Each announcement also bumps data_announce, and the
 * producer wakes only when that moved since its own last wake: one wake
 * answers every announcement made before it (a sleeper is woken, a waiter
 * not yet asleep finds data_wake moved and does not sleep), so a waiter
 * count left non-zero by a dead waiter, or forged by another process,
 * costs the realtime side one system call, not one per publish.
 *
 * That is Dekker's pattern (store mine, load theirs, on both sides), which
 * needs a full barrier on both sides or one of them can miss the other. A
 * full barrier on every publish would cost the realtime side a locked
 * instruction per call. Instead the cost goes to the waiter, which is about
 * to sleep anyway: membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) makes every
 * running thread of every registered process execute a full barrier, so
 * the producer's side only needs a compiler barrier between its store and
 * its load (liburcu and folly's asymmetric fences work the same way).
 * Every process that uses a ring registers at creation or attach; if that
 * is refused (old kernel, seccomp), its publishes fall back to seq_cst
 * stores and loads, which pair with the waiter's seq_cst increment. The
 * waiter does not need to know which: it always does both.
 *
 * Waits sleep in slices of at most SLICE_US, so a peer that dies without a
 * word (SIGKILL) is noticed within one slice; its liveness is looked at
 * only when a slice runs out, so an ordinary wait costs no system call but
 * the barrier, the sleep and the wake.
 *
 * Before all that, a waiter spins for up to rb_wait_spin_ns, looking at
 * the position only (no system call, no store). A producer that writes
 * again within microseconds, as a pipeline pushing buffers back to back
 * does, is then met without the barrier (an IPI to every CPU running a
 * registered process, the costliest part of a sleep in a VM), the futex
 * and two context switches. The GStreamer benchmark found ringsrc spending
 * 25-62% of its time in that barrier before the spin. A waiter that waits
 * longer (a live stream's next period) pays the spin once per sleep: under
 * 2% of one CPU at a 1.3 ms period. With one CPU there is no spin, since
 * the producer could not run meanwhile. */

#include "rb-wait-private.h"
#include "rb-test-hooks-private.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#define SLICE_US 20000

_Atomic uint64_t rb_wait_late_wakeups;
/* -1 until barrier_init() decides; tests set 0 to exercise the sleeps */
int64_t rb_wait_spin_ns = -1;

#define DEFAULT_SPIN_NS 20000

static bool barrier_registered;
static bool barrier_available;
static pthread_once_t barrier_once = PTHREAD_ONCE_INIT;

static void
barrier_init (void)
{
  long cmds;

  if (rb_wait_spin_ns < 0)
    rb_wait_spin_ns = sysconf (_SC_NPROCESSORS_ONLN) > 1 ? DEFAULT_SPIN_NS : 0;
  cmds = syscall (SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

  if (cmds < 0)
    return;
  barrier_available = (cmds & MEMBARRIER_CMD_GLOBAL_EXPEDITED) != 0;
  if ((cmds & MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED) != 0 &&
      syscall (SYS_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0,
          0) == 0)
    barrier_registered = true;
}

bool
rb_barrier_registered (void)
{
  pthread_once (&barrier_once, barrier_init);
  return barrier_registered;
}

static void
heavy_barrier (void)
{
  pthread_once (&barrier_once, barrier_init);
  if (barrier_available)
    syscall (SYS_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0);
}

void
rb_heavy_barrier (void)
{
  heavy_barrier ();
}

void
rb_wake (_Atomic uint32_t *word)
{
  /* release: a woken waiter that sees the new value also sees what was
   * published before it; the waiter re-checks its condition anyway. */
  atomic_fetch_add_explicit (word, 1, memory_order_release);
  /* Not FUTEX_PRIVATE: the word may be shared with another process. */
  syscall (SYS_futex, (uint32_t *) word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void
rb_watch_poke (int fd)
{
  /* UTIME_NOW for both: allowed to any process that may write the file,
   * which every producer and consumer of a ring does. A failure (a file
   * made read-only by its owner meanwhile) only loses a wake-up of a
   * watch that then sees the change at its next check. */
  if (fd >= 0)
    (void) futimens (fd, NULL);
}

void
rb_ring_core_wake_all (struct rb_ring_core *c)
{
  rb_wake (&c->hdr->data_wake);
  rb_wake (&c->hdr->space_wake);
}

_Atomic uint32_t *
rb_ring_core_wait_word (struct rb_ring_core *c, bool data)
{
  return data ? &c->hdr->data_wake : &c->hdr->space_wake;
}

/* Whether the wait was told to stop: rb_ring_interrupt() for every wait
 * of the object, or this wait's own cancellation. acquire on both: pairs
 * with the seq_cst store in rb_ring_interrupt() / the cancel callback in
 * rb-ring-wait.c, each made before that side bumps the wake word. */
static bool
told_to_stop (const struct rb_wait_ctx *ctx)
{
  return (ctx->interrupted != NULL &&
          atomic_load_explicit (ctx->interrupted, memory_order_acquire)) ||
      (ctx->cancelled != NULL &&
          atomic_load_explicit (ctx->cancelled, memory_order_acquire));
}

static int64_t
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- waiting ------------------------------------------------------------------- */

enum wait_kind { WAIT_DATA, WAIT_SPACE };

static bool
condition_met (struct rb_ring_core *c, enum wait_kind kind, uint64_t target)
{
  /* seq_cst: pairs with the seq_cst publish of a process whose membarrier
   * registration failed (the fallback in rb-ring-core.c); for the others
   * acquire would do, and seq_cst loads cost nothing more on x86/arm64. */
  uint64_t pos = atomic_load_explicit (kind == WAIT_DATA ?
      &c->hdr->write_pos : &c->hdr->read_pos, memory_order_seq_cst);

  return (int64_t) (pos - target) >= 0;
}

static inline void
cpu_relax (void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause ();
#elif defined(__aarch64__)
  __asm__ volatile ("yield");
#endif
}

static int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The spin before a sleep (see the top of the file). Returns when the
 * condition is met, the wait is interrupted or the stream ends (the loop
 * in wait_common() sorts out which), or the spin time is up. */
static void
spin_a_little (struct rb_ring_core *c, enum wait_kind kind, uint64_t target,
    int64_t timeout_us, const struct rb_wait_ctx *ctx)
{
  int64_t spin_ns, end;
  unsigned i = 0;

  pthread_once (&barrier_once, barrier_init);
  spin_ns = rb_wait_spin_ns;
  if (timeout_us >= 0 && timeout_us * 1000 < spin_ns)
    spin_ns = timeout_us * 1000;
  if (spin_ns <= 0)
    return;
  end = now_ns () + spin_ns;
  while (!condition_met (c, kind, target)) {
    cpu_relax ();
    /* the clock every 16 rounds: a vDSO read, but not free */
    if ((++i & 15) != 0)
      continue;
    /* told_to_stop(): see there; acquire on eos: pairs with the release
     * store in rb_ring_core_set_eos(), as in wait_common(). Either only
     * ends the spin early; wait_common() then looks again and decides. */
    if (now_ns () >= end || told_to_stop (ctx) ||
        (kind == WAIT_DATA &&
            atomic_load_explicit (&c->hdr->eos, memory_order_acquire)))
      return;
  }
}

/* Whether the ring's file is shorter than the ring (see struct
 * rb_wait_ctx): one fstat(), made only where the wait may sleep anyway. */
static bool
file_truncated (const struct rb_wait_ctx *ctx)
{
  struct stat st;

  if (ctx->fd < 0 || ctx->file_size == 0)
    return false;
  /* an fstat that fails on our own fd is no evidence against the peer */
  return fstat (ctx->fd, &st) == 0 && (uint64_t) st.st_size < ctx->file_size;
}

/* Whether a wait is over before it sleeps again: its result, or -1 to
 * keep waiting. Looks at the peer only when @check_peer (see
 * wait_common()). */
static int
wait_verdict (struct rb_ring_core *c, enum wait_kind kind, uint64_t target,
    const struct rb_wait_ctx *ctx, bool check_peer)
{
  uint32_t gen;

  if (condition_met (c, kind, target))
    return RB_CORE_WAIT_READY;
  if (told_to_stop (ctx))
    return RB_CORE_WAIT_INTERRUPTED;
  /* acquire: pairs with the release store in rb_ring_core_set_eos(); the
   * final write position is visible, so one more check is conclusive. */
  if (kind == WAIT_DATA &&
      atomic_load_explicit (&c->hdr->eos, memory_order_acquire))
    return condition_met (c, kind, target) ? RB_CORE_WAIT_READY :
        RB_CORE_WAIT_EOS;
  if (check_peer && ctx->peer_role >= 0 &&
      rb_shm_peer_state (c->hdr, ctx->peer_role, &gen, NULL) ==
          RB_PEER_GONE &&
      (ctx->reported_generation == NULL ||
          *ctx->reported_generation != gen)) {
    if (condition_met (c, kind, target))
      return RB_CORE_WAIT_READY;
    /* report each departed peer once; later waits wait for a new one */
    if (ctx->reported_generation != NULL)
      *ctx->reported_generation = gen;
    return RB_CORE_WAIT_PEER_GONE;
  }
  return -1;
}

static enum rb_wait_result
wait_common (struct rb_ring_core *c, enum wait_kind kind, uint64_t target,
    int64_t timeout_us, const struct rb_wait_ctx *ctx)
{
  _Atomic uint32_t *waiters = kind == WAIT_DATA ?
      &c->hdr->data_waiters : &c->hdr->space_waiters;
  _Atomic uint32_t *word = kind == WAIT_DATA ?
      &c->hdr->data_wake : &c->hdr->space_wake;
  _Atomic uint32_t *announce = kind == WAIT_DATA ?
      &c->hdr->data_announce : &c->hdr->space_announce;
  int64_t deadline = timeout_us < 0 ? INT64_MAX : now_us () + timeout_us;
  /* Liveness costs system calls (kill, /proc): look only when a sleep
   * slice ran out (a peer that dies without a word wakes nobody, so that
   * is when it can be noticed) or when the caller only polls. Each look
   * comes before the deadline's verdict, so a departed peer is never
   * reported as a timeout. */
  bool check_peer = timeout_us == 0;

  /* before anything touches the header */
  if (file_truncated (ctx))
    return RB_CORE_WAIT_TRUNCATED;
  spin_a_little (c, kind, target, timeout_us, ctx);
  for (;;) {
    uint32_t seq;
    int64_t left;
    int verdict;
    struct timespec ts;

    verdict = wait_verdict (c, kind, target, ctx, check_peer);
    if (verdict >= 0)
      return (enum rb_wait_result) verdict;
    left = deadline - now_us ();
    if (left <= 0)
      return RB_CORE_WAIT_TIMEOUT;
    if (left > SLICE_US)
      left = SLICE_US;

    /* acquire: pairs with the release increment in rb_wake(). */
    seq = atomic_load_explicit (word, memory_order_acquire);
    /* seq_cst: announce before the re-check below; see the top of file. */
    atomic_fetch_add_explicit (waiters, 1, memory_order_seq_cst);
    /* seq_cst: a new announcement, after our read of @word and before the
     * re-check, paired like @waiters with the waking side's load in
     * wake_waiters() (rb-ring-core.c), which wakes once per change. */
    atomic_fetch_add_explicit (announce, 1, memory_order_seq_cst);
    heavy_barrier ();
    /* a stop request after this check bumped @word after its flag store,
     * so the futex wait below returns at once: no lost wake */
    if (!condition_met (c, kind, target) && !told_to_stop (ctx) &&
        !(kind == WAIT_DATA &&
            atomic_load_explicit (&c->hdr->eos, memory_order_acquire))) {
      long res;

      ts.tv_sec = left / 1000000;
      ts.tv_nsec = (left % 1000000) * 1000;
      /* returns at once if the word moved on since we read it */
      res = syscall (SYS_futex, (uint32_t *) word, FUTEX_WAIT, seq, &ts,
          NULL, 0);
      /* the header may be gone since we slept (FUTEX_WAIT on a page cut
       * from the file fails with EFAULT rather than faulting): look
       * before the decrement below touches it */
      if (file_truncated (ctx))
        return RB_CORE_WAIT_TRUNCATED;
      if (res < 0 && errno == ETIMEDOUT) {
        check_peer = true;
        if (condition_met (c, kind, target))
          /* relaxed: a statistic for the tests */
          atomic_fetch_add_explicit (&rb_wait_late_wakeups, 1,
              memory_order_relaxed);
      }
    }
    /* relaxed: only a count; a late decrement costs one spare wake. */
    atomic_fetch_sub_explicit (waiters, 1, memory_order_relaxed);
  }
}

enum rb_wait_result
rb_ring_core_wait_data (struct rb_ring_core *c, uint64_t target,
    int64_t timeout_us, const struct rb_wait_ctx *ctx)
{
  return wait_common (c, WAIT_DATA, target, timeout_us, ctx);
}

enum rb_wait_result
rb_ring_core_wait_space (struct rb_ring_core *c, uint64_t target,
    int64_t timeout_us, const struct rb_wait_ctx *ctx)
{
  return wait_common (c, WAIT_SPACE, target, timeout_us, ctx);
}
