/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's signal thread; see stop.h. Not realtime. */

#include "stop.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

/* Static, not in the program's App: the thread may outlive main()'s
 * clean-up by a moment, until exit() ends it. */
static struct {
  sigset_t set;
  int wake_fd;
  int64_t grace_ns;
  RbJackForceExit force_exit;
  void *data;
  atomic_int signo;
  /* jack_done is written and read under the lock: the main thread takes
   * it to say it is done with JACK; the signal thread holds it from the
   * check to _exit(), so the main thread cannot free what the force-exit
   * function uses in between. */
  pthread_mutex_t lock;
  bool jack_done;
} stop = {
  .lock = PTHREAD_MUTEX_INITIALIZER,
};

static void
force (int sig)
{
  int status;

  pthread_mutex_lock (&stop.lock);
  if (stop.jack_done) {
    /* the main thread is past libjack and exits by itself */
    pthread_mutex_unlock (&stop.lock);
    return;
  }
  status = stop.force_exit (sig, stop.data);
  _exit (status);
}

static void *
signal_thread (void *arg)
{
  struct timespec end, now, left;
  siginfo_t si;
  int sig;

  (void) arg;
  do
    sig = sigwaitinfo (&stop.set, &si);
  while (sig < 0);
  /* release: pairs with the acquire load in rb_jack_stop_signal(), though
   * the value is all there is */
  atomic_store_explicit (&stop.signo, sig, memory_order_release);
  {
    char byte = 1;
    ssize_t n = write (stop.wake_fd, &byte, 1);
    (void) n;
  }

  clock_gettime (CLOCK_MONOTONIC, &end);
  end.tv_sec += (time_t) (stop.grace_ns / 1000000000);
  end.tv_nsec += (long) (stop.grace_ns % 1000000000);
  if (end.tv_nsec >= 1000000000) {
    end.tv_sec++;
    end.tv_nsec -= 1000000000;
  }
  for (;;) {
    int64_t ns;

    clock_gettime (CLOCK_MONOTONIC, &now);
    ns = (int64_t) (end.tv_sec - now.tv_sec) * 1000000000 +
        (end.tv_nsec - now.tv_nsec);
    if (ns <= 0)
      break;
    left.tv_sec = (time_t) (ns / 1000000000);
    left.tv_nsec = (long) (ns % 1000000000);
    /* a second signal: the user insists, do not wait out the grace */
    if (sigtimedwait (&stop.set, &si, &left) >= 0)
      break;
    if (errno != EINTR && errno != EAGAIN)
      break;
  }
  force (sig);
  /* done with JACK: later signals change nothing, the main thread is on
   * its way out */
  for (;;)
    sigwaitinfo (&stop.set, &si);
  return NULL;
}

int
rb_jack_stop_start (const sigset_t *set, int wake_fd, int64_t grace_ns,
    RbJackForceExit force_exit, void *data)
{
  pthread_attr_t attr;
  pthread_t thread;
  int err;

  stop.set = *set;
  stop.wake_fd = wake_fd;
  stop.grace_ns = grace_ns;
  stop.force_exit = force_exit;
  stop.data = data;
  atomic_init (&stop.signo, 0);
  /* this thread's mask, which the threads made later inherit (sigprocmask
   * is unspecified once a process has threads, and GLib may have made
   * some); sigwaitinfo() needs the signals blocked */
  err = pthread_sigmask (SIG_BLOCK, set, NULL);
  if (err != 0)
    return err;
  err = pthread_attr_init (&attr);
  if (err != 0)
    return err;
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  /* a small stack: it waits and prints one line */
  pthread_attr_setstacksize (&attr, (size_t) 256 * 1024);
  err = pthread_create (&thread, &attr, signal_thread, NULL);
  pthread_attr_destroy (&attr);
  return err;
}

int
rb_jack_stop_signal (void)
{
  /* acquire: pairs with the release store in signal_thread() */
  return atomic_load_explicit (&stop.signo, memory_order_acquire);
}

void
rb_jack_stop_jack_done (void)
{
  pthread_mutex_lock (&stop.lock);
  stop.jack_done = true;
  pthread_mutex_unlock (&stop.lock);
}
