/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Every hook the library keeps for its own tests, in one place. None of
 * them changes what a normal build does: the switches are off unless a
 * test build defines them, and the entry points are called only by tests.
 * GLib-free, so the core's tests (tests/stress) can use it. */

#include <stdatomic.h>
#include <stdint.h>

struct rb_ring_core;
struct _RbRing;

/* --- memory-order mutants (tests/stress/meson.build, tests/README.md, R3m)
 * The four protocol accesses of rb-ring-core.c take their orders from
 * these names. The mutation self-test builds the core once per mutant with
 * one of them weakened (-DRB_MO_PUBLISH_WRITE=memory_order_relaxed, ...)
 * and checks that ThreadSanitizer flags each: tests 'mutant-*' of the
 * stress suite, in TSan builds only. Normal builds use the orders below. */
#ifndef RB_MO_PUBLISH_WRITE
#define RB_MO_PUBLISH_WRITE memory_order_release   /* write_pos store */
#endif
#ifndef RB_MO_OBSERVE_WRITE
#define RB_MO_OBSERVE_WRITE memory_order_acquire   /* write_pos load */
#endif
#ifndef RB_MO_PUBLISH_READ
#define RB_MO_PUBLISH_READ memory_order_release    /* read_pos store */
#endif
#ifndef RB_MO_OBSERVE_READ
#define RB_MO_OBSERVE_READ memory_order_acquire    /* read_pos load */
#endif

/* Two misplaced publications, for the same self-test (stress tests
 * 'mutant-publish-early' and 'mutant-release-early'):
 *   RB_MUTANT_PUBLISH_EARLY  rb_ring_core_write() publishes before it copies
 *   RB_MUTANT_RELEASE_EARLY  rb_ring_core_read() frees before it copies
 * Each is an #ifdef block in rb-ring-core.c, marked "Deliberately wrong
 * (R3m)"; nothing defines them outside tests/stress/meson.build. */

/* --- positions near 2^64 -----------------------------------------------------
 * Moves both positions of an empty, idle ring to @pos, so that a test can
 * make the 64-bit wrap happen inside it: the core's (tests/stress,
 * stress-ring.h) and RbRing's (tests/lib/test-ring.c, the /ring/wrap
 * tests; rb-ring-state.c). */
void rb_ring_core_set_positions_for_test (struct rb_ring_core *core,
                                          uint64_t pos);
void rb_ring_set_positions_for_test (struct _RbRing *ring, uint64_t pos);

/* --- the futex waits (rb-wait.c) ----------------------------------------- */

/* Slices that ran out (FUTEX_WAIT timed out before the wait's deadline)
 * with the condition already met when the waiter looked again: a wake-up
 * that was missed, or came at the very end of a 20 ms slice. The tests
 * assert it stays 0 in ping-pong, where it can only mean a lost wake-up
 * (tests/lib/test-shared.c). */
extern _Atomic uint64_t rb_wait_late_wakeups;

/* How long a wait spins before it sleeps, in ns (see rb-wait.c): 20 µs
 * with more than one CPU, else 0. Set once, before any wait; the tests set
 * 0 to exercise the sleeping path (tests/lib/test-shared.c). */
extern int64_t rb_wait_spin_ns;

/* --- timing (rb-timing-clock.c, tests/rt/test-rt-timing.c) ----------------
 * rb_timing_clock_for_test: when set, the clock stamps are read with
 * (instead of clock_gettime): the RT test puts a raw
 * syscall(SYS_clock_gettime) here, which the seccomp trap catches if any
 * stamping path reads the clock. rb_timing_kernel_clock_for_test: -1
 * probes (the default), 0 or 1 forces the probe's answer (1: the clock
 * needs the kernel, so automatic stamping stays off). Both set before any
 * ring is made. */
extern int64_t (*rb_timing_clock_for_test) (void);
extern _Atomic int rb_timing_kernel_clock_for_test;
