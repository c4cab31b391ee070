/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* A seccomp filter that traps every system call of the calling thread but
 * those glibc needs to end it, with a SIGSYS handler that counts and
 * records them: the trap tests/rt/test-rt.c puts around the ring's RT
 * calls, here for the JACK process callback. */

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)
#define RT_TRAP_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define RT_TRAP_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "the seccomp trap knows the system calls of x86_64 and aarch64 only"
#endif

/* What glibc needs to end the thread once the work is done, and to return
 * from the SIGSYS handler. */
static const int rt_trap_allowed[] = {
  SYS_exit,
  SYS_exit_group,
  SYS_rt_sigreturn,
  SYS_rt_sigprocmask,
  SYS_madvise,
  SYS_munmap,
};

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
  /* The kernel skipped the call; make it fail with ENOSYS so the caller
   * takes its error path and the run can finish and report. */
#if defined(__x86_64__)
  uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
#elif defined(__aarch64__)
  uc->uc_mcontext.regs[0] = (unsigned long long) -ENOSYS;
#endif
}

/* Installs the filter on the calling thread only. Returns 0 or an errno. */
static int
rt_trap_install (void)
{
  struct sock_filter code[32];
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
  for (size_t i = 0; i < sizeof rt_trap_allowed / sizeof rt_trap_allowed[0];
      i++) {
    EMIT (BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K,
            (unsigned) rt_trap_allowed[i], 0, 1));
    EMIT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  }
  EMIT (BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#undef EMIT

  prog.len = (unsigned short) n;
  prog.filter = code;
  /* no privileges needed once this thread promises not to gain any */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return errno;
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    return errno;
  return 0;
}
