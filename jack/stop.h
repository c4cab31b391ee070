/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The stop signals (SIGINT, SIGTERM, SIGHUP) of ringbridge-jack, taken by
 * a thread of their own, so that they work whatever the main thread is
 * doing: libjack can block it for good (a stopped or hung jackd) or spin
 * in it (no file descriptors left).
 *
 * The thread waits for a signal with sigwaitinfo(), records it and wakes
 * the main loop through a pipe; the main loop then stops cleanly. If the
 * main thread has not said it is done with JACK within a grace period (or
 * a second signal comes), the thread calls the program's force-exit
 * function, which says why and removes what it safely can, then _exit()s
 * with the status that function returns. */

#include <signal.h>
#include <stdint.h>

/* Called in the signal thread while the main thread is stuck in libjack.
 * It must not wait for the main thread or call libjack. Returns the exit
 * status. */
typedef int (*RbJackForceExit) (int signo, void *data);

/* Blocks @set in the calling thread (threads made later inherit the mask,
 * JACK's among them) and starts the signal thread. On a signal, a byte is
 * written to @wake_fd. Returns 0 or an errno value. */
int  rb_jack_stop_start      (const sigset_t    *set,
                              int                wake_fd,
                              int64_t            grace_ns,
                              RbJackForceExit    force_exit,
                              void              *data);

/* The first stop signal received, or 0. */
int  rb_jack_stop_signal     (void);

/* The main thread makes no more libjack calls: a signal no longer forces
 * an exit. Blocks for good if the signal thread is forcing one already. */
void rb_jack_stop_jack_done  (void);
