/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Reading CLOCK_MONOTONIC on a realtime thread, and knowing when that is
 * not allowed.
 *
 * clock_gettime() is served by the vDSO, in user space, when the kernel's
 * clock source can be read from user space (tsc, arm's arch_sys_counter,
 * kvm-clock, Hyper-V's TSC page...). With another clock source (hpet,
 * acpi_pm, xen without a vDSO page, some virtual machines) the vDSO falls
 * back to the system call, and a realtime thread would enter the kernel
 * on every stamp. So once per process, in the thread that makes or
 * attaches the first timed ring (never a realtime call), a short-lived
 * thread installs a seccomp filter that makes clock_gettime fail with
 * ENOSYS and reads CLOCK_MONOTONIC: if that fails, the vDSO went to the
 * kernel, and automatic stamping stays off (rb_timing_stamp_auto()
 * publishes why). Where seccomp is unavailable, the clock source's name
 * in sysfs is compared with the list of sources the vDSO reads
 * (VDSO_SOURCES below). The answer is a plain load afterwards. */

#include "rb-timing-private.h"
#include "rb-test-hooks-private.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#define HAVE_SECCOMP_PROBE 1
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#endif

int64_t (*rb_timing_clock_for_test) (void);
_Atomic int rb_timing_kernel_clock_for_test = -1;

int64_t
rb_timing_now (void)
{
  /* relaxed: set by a test before any ring exists */
  int64_t (*hook) (void) = rb_timing_clock_for_test;
  struct timespec ts;

  if (hook != NULL)
    return hook ();
  if (clock_gettime (CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Clock sources the vDSO reads without the kernel (the kernel's
 * vdso_clock_mode: VDSO_CLOCKMODE_TSC, _PVCLOCK, _HVCLOCK, _ARCHTIMER). */
static const char *const VDSO_SOURCES[] = {
  "tsc", "kvm-clock", "hyperv_clocksource_tsc_page", "arch_sys_counter",
};

static const char *probe_why;
static int probe_needs_kernel;

static int
sysfs_needs_kernel (void)
{
  char name[64] = "";
  FILE *f = fopen ("/sys/devices/system/clocksource/clocksource0/"
      "current_clocksource", "re");

  if (f == NULL) {
    probe_why = "clock source unknown (no seccomp, no sysfs): assumed to "
        "need the kernel";
    return 1;
  }
  if (fgets (name, sizeof name, f) == NULL)
    name[0] = '\0';
  fclose (f);
  name[strcspn (name, "\n")] = '\0';
  for (size_t i = 0; i < sizeof VDSO_SOURCES / sizeof VDSO_SOURCES[0]; i++)
    if (strcmp (name, VDSO_SOURCES[i]) == 0) {
      probe_why = "clock source read in user space (sysfs)";
      return 0;
    }
  probe_why = "the clock source is not one the vDSO reads (sysfs): "
      "clock_gettime would be a system call";
  return 1;
}

#ifdef HAVE_SECCOMP_PROBE
#if defined(__x86_64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_X86_64
#else
#define PROBE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* In its own thread (a filter cannot be removed): 0 the vDSO answered,
 * 1 the call reached the kernel, -1 no seccomp. */
static void *
probe_thread (void *arg)
{
  int *answer = arg;
  struct sock_filter code[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PROBE_AUDIT_ARCH, 0, 3),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_clock_gettime, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {
    .len = (unsigned short) (sizeof code / sizeof code[0]),
    .filter = code,
  };
  struct timespec ts;

  *answer = -1;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
    return NULL;
  *answer = clock_gettime (CLOCK_MONOTONIC, &ts) == 0 ? 0 : 1;
  return NULL;
}

static int
seccomp_needs_kernel (void)
{
  pthread_t thread;
  int answer = -1;

  if (pthread_create (&thread, NULL, probe_thread, &answer) != 0)
    return -1;
  pthread_join (thread, NULL);
  if (answer == 0)
    probe_why = "clock_gettime is served by the vDSO (probed)";
  else if (answer == 1)
    probe_why = "clock_gettime(CLOCK_MONOTONIC) is a system call here "
        "(the clock source has no vDSO support; probed)";
  return answer;
}
#else
static int
seccomp_needs_kernel (void)
{
  return -1;
}
#endif

static void
probe_once (void)
{
  int answer = seccomp_needs_kernel ();

  if (answer < 0)
    answer = sysfs_needs_kernel ();
  probe_needs_kernel = answer;
}

bool
rb_timing_clock_needs_kernel (const char **why)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  /* relaxed: a test sets it before making rings */
  int forced = atomic_load_explicit (&rb_timing_kernel_clock_for_test,
      memory_order_relaxed);

  if (forced >= 0) {
    if (why != NULL)
      *why = forced ? "forced by a test: clock_gettime needs the kernel" :
          "forced by a test: clock_gettime is served by the vDSO";
    return forced != 0;
  }
  /* pthread_once orders the probe's stores before every caller's loads */
  pthread_once (&once, probe_once);
  if (why != NULL)
    *why = probe_why;
  return probe_needs_kernel != 0;
}
