/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The realtime detectors tests/rt/test-rt.c (the ring's RT calls) and
 * tests/jack/test-jack-rt.c (the JACK process callback) put around their
 * workload, once:
 * - the RealtimeSanitizer checks (built with RB_TEST_RTSAN): what the
 *   parent of a clean child and of a child with an injected call expects;
 * - otherwise a seccomp filter that traps every system call of the calling
 *   thread but those glibc needs to end it, with a SIGSYS handler that
 *   counts and records them. */

#include <glib.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>

/* Runs @body (@arg) in a new thread and joins it. */
static inline void
rt_trap_run_in_thread (void *(*body) (void *), void *arg)
{
  pthread_t thread;

  g_assert_cmpint (pthread_create (&thread, NULL, body, arg), ==, 0);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
}

/* The forbidden calls every detector must catch (negative controls); each
 * program's own injections follow these in its enum. */
enum {
  RT_TRAP_INJECT_NONE,
  RT_TRAP_INJECT_MALLOC,
  RT_TRAP_INJECT_MUTEX,
  RT_TRAP_INJECT_GETPID,        /* seccomp only: RTSan lets it through */
};

/* Makes the call @what if it is one of RT_TRAP_INJECT_* and returns TRUE;
 * FALSE for a program's own. The allocation is large enough for mmap, so
 * seccomp sees it too, and goes through a volatile so the compiler cannot
 * drop the malloc/free pair. */
static inline gboolean
rt_trap_inject (int what)
{
  static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  void *volatile p;

  if (what == RT_TRAP_INJECT_MALLOC) {
    p = malloc (1 << 20);
    free (p);
  } else if (what == RT_TRAP_INJECT_MUTEX) {
    pthread_mutex_lock (&mutex);
    pthread_mutex_unlock (&mutex);
  } else if (what == RT_TRAP_INJECT_GETPID) {
    volatile long v = syscall (SYS_getpid);

    (void) v;
  }
  return what <= RT_TRAP_INJECT_GETPID;
}

#ifdef RB_TEST_RTSAN

/* The parent of a child that ran the whole workload under RTSan: it passed
 * and RTSan said nothing. */
static inline void
rt_trap_rtsan_assert_clean (void)
{
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*workload finished*");
  g_test_trap_assert_stderr_unmatched ("*Real-time violation*");
  g_test_trap_assert_stderr_unmatched ("*RealtimeSanitizer*");
}

/* The parent of a child that injected a call to @name: RTSan stopped the
 * child at that call, not later. The child prints "injecting @name" first
 * and "workload finished" at the end. */
static inline void
rt_trap_rtsan_assert_caught (const char *name)
{
  g_autofree char *expected = g_strdup_printf ("*injecting %s*Real-time "
      "violation: intercepted call to real-time unsafe function `%s`*",
      name, name);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr (expected);
  g_test_trap_assert_stderr_unmatched ("*workload finished*");
  g_test_message ("rtsan: injected %s caught: child failed with \"Real-time "
      "violation ... `%s`\"", name, name);
}

/* One RTSan test: in the child, @child (@what, @name) runs the workload,
 * with a call to @name injected unless @name is NULL; in the parent, the
 * child passed clean (@name NULL) or RTSan caught the call. */
typedef struct {
  void (*child) (int what, const char *name);
  int what;
  const char *name;
} RtTrapRtsanCase;

/* The cases both programs run: clean, then malloc and a mutex injected. */
#define RT_TRAP_RTSAN_CASES(child) \
  { child, RT_TRAP_INJECT_NONE, NULL }, \
  { child, RT_TRAP_INJECT_MALLOC, "malloc" }, \
  { child, RT_TRAP_INJECT_MUTEX, "pthread_mutex_lock" }

/* A GTestDataFunc over a const RtTrapRtsanCase. */
static inline void
rt_trap_rtsan_test (gconstpointer data)
{
  const RtTrapRtsanCase *c = data;

  if (g_test_subprocess ())
    c->child (c->what, c->name);
  else if (c->name == NULL)
    rt_trap_rtsan_assert_clean ();
  else
    rt_trap_rtsan_assert_caught (c->name);
}

#else /* !RB_TEST_RTSAN */

#if defined(__x86_64__)
#define RT_TRAP_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RT_TRAP_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "the seccomp trap knows the system calls of x86_64 and aarch64 only"
#endif

/* What glibc needs to end the thread once the work is done
 * (rt_sigprocmask, madvise of the stack, exit; munmap and exit_group on
 * other paths) and to return from the SIGSYS handler. None of them is
 * allowed in the workload either, but the filter cannot tell the phases
 * apart; RTSan covers their usual callers (free). */
static const int rt_trap_allowed[] = {
  SYS_exit,
  SYS_exit_group,
  SYS_rt_sigreturn,
  SYS_rt_sigprocmask,
  SYS_madvise,
  SYS_munmap,
};

/* The one system call the ring's RT side may make: a producer or consumer
 * that finds the other side asleep (a waiter announced in the shared
 * header) wakes it with one FUTEX_WAKE. With allow_wake FALSE the filter
 * is built without it and any futex call is a violation. */
#define RT_TRAP_WAKE_SYSCALL SYS_futex
#define RT_TRAP_WAKE_FUTEX_OP FUTEX_WAKE

#define RT_TRAP_MAX_RECORDED 16

/* Filled by the SIGSYS handler in the trapped thread, read by the main
 * thread after the join. Lock-free atomics are async-signal-safe. */
static struct {
  atomic_uint count;
  atomic_long nr[RT_TRAP_MAX_RECORDED];
} rt_trap_violations;

static void
rt_trap_on_sigsys (int sig, siginfo_t *info, void *context)
{
  ucontext_t *uc = context;
  /* relaxed: read after pthread_join(), which orders it */
  unsigned n = atomic_fetch_add_explicit (&rt_trap_violations.count, 1,
      memory_order_relaxed);

  if (n < RT_TRAP_MAX_RECORDED)
    /* relaxed: as above */
    atomic_store_explicit (&rt_trap_violations.nr[n], info->si_syscall,
        memory_order_relaxed);
  /* The kernel skipped the call and left the system call number in the
   * return register; make the call fail with ENOSYS instead, so that the
   * caller (malloc, say) takes its error path and the run can finish and
   * report. */
#if defined(__x86_64__)
  uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
#elif defined(__aarch64__)
  uc->uc_mcontext.regs[0] = (unsigned long long) -ENOSYS;
#endif
}

/* The name of the system calls a violation is likely to be, for the log. */
static inline const char *
rt_trap_syscall_name (long nr)
{
  switch (nr) {
    case SYS_getpid:
      return "getpid";
    case SYS_write:
      return "write";
    case SYS_futex:
      return "futex";
    case SYS_mmap:
      return "mmap";
    case SYS_mprotect:
      return "mprotect";
    case SYS_munmap:
      return "munmap";
    case SYS_madvise:
      return "madvise";
    case SYS_openat:
      return "openat";
    case SYS_clock_gettime:
      return "clock_gettime";
    case SYS_utimensat:
      return "utimensat";
#ifdef SYS_brk
    case SYS_brk:
      return "brk";
#endif
    default:
      return "?";
  }
}

/* Installs the filter on the calling thread only (no
 * SECCOMP_FILTER_FLAG_TSYNC): the main thread and the test harness keep
 * their system calls. @allow_wake lets FUTEX_WAKE through. Returns 0 or
 * an errno. */
static inline int
rt_trap_install (gboolean allow_wake)
{
  struct sock_filter code[64];
  struct sock_fprog prog;
  unsigned n = 0;

#define EMIT(stmt) (code[n++] = (struct sock_filter) stmt)
  /* another architecture's numbers mean other calls: refuse them */
  EMIT (BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
          offsetof (struct seccomp_data, arch)));
  EMIT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, RT_TRAP_AUDIT_ARCH, 1, 0));
  EMIT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
  EMIT (BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
          offsetof (struct seccomp_data, nr)));
#ifdef __x86_64__
  /* x32 calls share the x86_64 arch value and carry a high bit */
  EMIT (BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
  EMIT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#endif
  for (gsize i = 0; i < G_N_ELEMENTS (rt_trap_allowed); i++) {
    EMIT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K,
            (guint32) rt_trap_allowed[i], 0, 1));
    EMIT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  }
  if (allow_wake) {
    /* futex (uaddr, op, ...) with op FUTEX_WAKE, private or not; the
     * accumulator is reloaded, so this comes last. */
    EMIT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, RT_TRAP_WAKE_SYSCALL, 0, 4));
    EMIT (BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
            offsetof (struct seccomp_data, args[1])));
    EMIT (BPF_STMT (BPF_ALU | BPF_AND | BPF_K, ~(guint32) FUTEX_PRIVATE_FLAG));
    EMIT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, RT_TRAP_WAKE_FUTEX_OP, 0, 1));
    EMIT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  }
  EMIT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#undef EMIT
  g_assert (n <= G_N_ELEMENTS (code));

  prog.len = (unsigned short) n;
  prog.filter = code;
  /* no privileges needed once this thread promises not to gain any */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return errno;
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    return errno;
  return 0;
}

/* Clears the record and catches SIGSYS with rt_trap_on_sigsys(); the
 * action it replaces goes to @old, for rt_trap_release(). */
static inline void
rt_trap_catch (struct sigaction *old)
{
  struct sigaction sa = { 0 };

  atomic_store (&rt_trap_violations.count, 0);
  sa.sa_sigaction = rt_trap_on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset (&sa.sa_mask);
  g_assert_cmpint (sigaction (SIGSYS, &sa, old), ==, 0);
}

static inline void
rt_trap_release (const struct sigaction *old)
{
  g_assert_cmpint (sigaction (SIGSYS, old, NULL), ==, 0);
}

typedef struct {
  void (*work) (void *arg);
  void *arg;
  gboolean allow_wake;
  int filter_errno;
} RtTrapSeccompRun;

static void *
rt_trap_seccomp_thread (void *data)
{
  RtTrapSeccompRun *r = data;

  r->filter_errno = rt_trap_install (r->allow_wake);
  if (r->filter_errno != 0)
    return NULL;
  /* from here on every system call but thread teardown is a violation;
   * no warm-up, so first-call effects (lazy binding) count too */
  r->work (r->arg);
  return NULL;
}

/* Catches SIGSYS, runs @work (@arg) in a new thread under the filter
 * (rt_trap_install (@allow_wake)), then logs each violation. Returns their
 * number. */
static inline guint
rt_trap_seccomp_run (void (*work) (void *), void *arg, gboolean allow_wake)
{
  RtTrapSeccompRun r = { work, arg, allow_wake, 0 };
  struct sigaction old;
  guint count;

  rt_trap_catch (&old);
  rt_trap_run_in_thread (rt_trap_seccomp_thread, &r);
  rt_trap_release (&old);
  if (r.filter_errno != 0)
    g_error ("cannot install the seccomp filter: %s",
        g_strerror (r.filter_errno));

  count = atomic_load (&rt_trap_violations.count);
  for (guint i = 0; i < MIN (count, RT_TRAP_MAX_RECORDED); i++) {
    long nr = atomic_load (&rt_trap_violations.nr[i]);
    g_test_message ("seccomp: violation %u: system call %ld (%s)", i + 1, nr,
        rt_trap_syscall_name (nr));
  }
  return count;
}

#endif /* RB_TEST_RTSAN */
