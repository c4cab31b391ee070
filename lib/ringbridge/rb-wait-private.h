/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Blocking waits for the non-realtime side of a ring, and the one system
 * call the realtime side makes when (and only when) someone waits.
 * GLib-free. */

#include "rb-ring-core-private.h"

enum rb_wait_result {
  RB_CORE_WAIT_READY = 0,            /* the condition holds */
  RB_CORE_WAIT_TIMEOUT,              /* the timeout expired first */
  RB_CORE_WAIT_INTERRUPTED,          /* rb_ring_interrupt() */
  RB_CORE_WAIT_EOS,                  /* end of stream, and too little data */
  RB_CORE_WAIT_PEER_GONE,            /* the other side died or detached */
  /* not in RbWaitResult: rb-ring-wait.c turns it into RB_WAIT_PEER_GONE */
  RB_CORE_WAIT_TRUNCATED = 100,      /* the ring's file was cut short */
};

struct rb_wait_ctx {
  const _Atomic uint32_t *interrupted;  /* non-zero: return INTERRUPTED */
  /* This wait's own flag (a GCancellable's, see rb-ring-wait.c), or NULL:
   * non-zero returns INTERRUPTED too. Whoever sets it then calls rb_wake()
   * on the word this wait sleeps on (rb_ring_core_wait_word()). */
  const _Atomic uint32_t *cancelled;
  int peer_role;                /* RB_ROLE_PRODUCER / _CONSUMER to watch, or -1 */
  uint32_t *reported_generation;        /* peer generation already reported gone */
  /* A named ring's file, which cannot be sealed: its size is checked
   * before the wait first touches the header and after every sleep, so a
   * peer that truncates it gets RB_CORE_WAIT_TRUNCATED rather than our
   * SIGBUS (but for a truncation in the microseconds between the check
   * and the access). -1 for a sealed memfd. */
  int fd;
  uint64_t file_size;
};

/* Registers this process for membarrier() once; returns true if its
 * publishes may rely on waiters' membarrier() calls (see rb-wait.c). */
bool rb_barrier_registered (void);

/* Waits until the write position reaches @target (data for the consumer or
 * an overwrite reader). @timeout_us < 0 waits forever, 0 polls. */
enum rb_wait_result rb_ring_core_wait_data  (struct rb_ring_core *core,
                                             uint64_t target,
                                             int64_t timeout_us,
                                             const struct rb_wait_ctx *ctx);

/* Waits until the read position reaches @target (space for the producer). */
enum rb_wait_result rb_ring_core_wait_space (struct rb_ring_core *core,
                                             uint64_t target,
                                             int64_t timeout_us,
                                             const struct rb_wait_ctx *ctx);

/* The futex word a wait for data (@data) or for space sleeps on. */
_Atomic uint32_t *rb_ring_core_wait_word (struct rb_ring_core *core,
                                          bool data);

/* Wakes every waiter of the ring (they re-check and go back to sleep if
 * nothing changed for them). */
void     rb_ring_core_wake_all (struct rb_ring_core *core);

/* Wakes the waiters on @word. Realtime-safe apart from its single
 * FUTEX_WAKE system call. */
void     rb_wake (_Atomic uint32_t *word);

/* Makes the readiness watches of the ring in @fd readable (rb-ring-watch.c):
 * one futimens() on the file, which their inotify descriptors see.
 * Realtime-safe apart from that single system call; nothing for fd < 0. */
void     rb_watch_poke (int fd);

/* The waiter's half of the asymmetric barrier (see rb-wait.c): a full
 * barrier on every thread of every process that registered, so a side
 * that publishes with only a compiler barrier sees what we stored before
 * it. For readiness watches (rb-ring-watch.c). */
void     rb_heavy_barrier (void);
