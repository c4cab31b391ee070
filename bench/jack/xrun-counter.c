/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* xrun-counter: a passive JACK client that counts the xruns its server
 * reports (jack_set_xrun_callback), for ringbridge-bench-jack.
 *
 *   xrun-counter [--server NAME] [--name CLIENT]
 *
 * It prints "ready" once active; on SIGUSR1 it prints "xruns N" (the count
 * so far), so the driver can count over a window of its choosing; on
 * SIGTERM or SIGINT it prints "final xruns N" and exits 0. It has no ports
 * and no process callback: JACK runs it in every configuration alike. */

#include <jack/jack.h>

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_USAGE 64
#define EXIT_UNAVAILABLE 69

typedef struct {
  atomic_uint_least64_t xruns;
  atomic_bool shut_down;
} Counter;

/* JACK's notification thread: count, nothing else. @xruns is the
 * counter's own field. */
static int
on_xrun (void *xruns)
{
  /* relaxed: a counter the main thread reads on request */
  atomic_fetch_add_explicit ((atomic_uint_least64_t *) xruns, 1,
      memory_order_relaxed);
  return 0;
}

static void
on_shutdown (void *arg)
{
  Counter *c = arg;

  /* relaxed: the main thread only needs the flag itself */
  atomic_store_explicit (&c->shut_down, true, memory_order_relaxed);
}

static void
silent (const char *msg)
{
  (void) msg;
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "server", required_argument, NULL, 's' },
    { "name", required_argument, NULL, 'n' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *server = NULL;
  const char *name = "rbbench-xruns";
  Counter counter = { 0 };
  jack_client_t *client;
  jack_status_t status;
  jack_options_t flags = JackNoStartServer | JackUseExactName;
  sigset_t sigs;
  int opt;

  while ((opt = getopt_long (argc, argv, "s:n:h", options, NULL)) != -1) {
    switch (opt) {
      case 's':
        server = optarg;
        break;
      case 'n':
        name = optarg;
        break;
      case 'h':
        printf ("Usage: xrun-counter [--server NAME] [--name CLIENT]\n");
        return 0;
      default:
        return EXIT_USAGE;
    }
  }
  if (optind != argc) {
    fprintf (stderr, "xrun-counter: unexpected argument '%s'\n", argv[optind]);
    return EXIT_USAGE;
  }

  /* Signals go to sigwait() below, in every thread libjack starts. */
  sigemptyset (&sigs);
  sigaddset (&sigs, SIGUSR1);
  sigaddset (&sigs, SIGTERM);
  sigaddset (&sigs, SIGINT);
  sigaddset (&sigs, SIGALRM);
  pthread_sigmask (SIG_BLOCK, &sigs, NULL);

  jack_set_error_function (silent);
  jack_set_info_function (silent);
  if (server != NULL)
    flags |= JackServerName;
  client = jack_client_open (name, flags, &status, server);
  if (client == NULL) {
    fprintf (stderr, "xrun-counter: cannot open a client on JACK server "
        "'%s' (status 0x%x)\n", server != NULL ? server : "default",
        (unsigned) status);
    return EXIT_UNAVAILABLE;
  }
  jack_set_xrun_callback (client, on_xrun, &counter.xruns);
  jack_on_shutdown (client, on_shutdown, &counter);
  if (jack_activate (client) != 0) {
    fprintf (stderr, "xrun-counter: cannot activate the client\n");
    jack_client_close (client);
    return EXIT_UNAVAILABLE;
  }
  printf ("ready\n");
  fflush (stdout);

  for (;;) {
    int sig;

    /* a second's alarm checks for a server that went away */
    alarm (1);
    if (sigwait (&sigs, &sig) != 0)
      continue;
    if (sig == SIGUSR1) {
      printf ("xruns %ju\n", (uintmax_t) atomic_load_explicit (&counter.xruns,
              memory_order_relaxed));
      fflush (stdout);
    } else if (sig == SIGALRM) {
      if (atomic_load_explicit (&counter.shut_down, memory_order_relaxed)) {
        fprintf (stderr, "xrun-counter: the JACK server shut down\n");
        return EXIT_UNAVAILABLE;
      }
    } else {
      break;
    }
  }
  alarm (0);
  jack_deactivate (client);
  jack_client_close (client);
  printf ("final xruns %ju\n", (uintmax_t) atomic_load_explicit (
          &counter.xruns, memory_order_relaxed));
  return 0;
}
