/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack: plays a ring into JACK output ports, or records JACK
 * input ports into a ring.
 *
 * Two threads matter. JACK's process thread runs rt.c and nothing else.
 * The main thread does everything else in one poll() loop: it sets up the
 * ring and the client, makes connections, follows the peer process, feeds
 * the latency report, prints statistics, and handles JACK's notifications
 * and the stop signals. JACK's notification callbacks only store into
 * atomics and write a byte to a pipe that wakes the loop; JACK forbids
 * jack_client_close() from them anyway. A third thread (stop.c) takes the
 * signals, wakes the loop, and ends the program itself if libjack keeps
 * the main thread from doing so.
 *
 * This file sets up, runs the main loop and tears down; the rest is in
 * the files app.h lists. Documentation lives in ringbridge-jack-doc.h,
 * shared with the man page. */

#include "app.h"
#include "stop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#define TICK_MS 100
/* how often play looks at its producer and at the ring's name */
#define RING_CHECK_US (G_GINT64_CONSTANT (200) * 1000)
#define RETRY_US G_USEC_PER_SEC
/* after a stop signal, how long the main thread may take to close the
 * client before the signal thread ends the program without it */
#define STOP_GRACE_NS (G_GINT64_CONSTANT (500) * 1000 * 1000)

/* --- the main loop -------------------------------------------------------- */

static void
stop (App *app, int status)
{
  app->quit = TRUE;
  app->status = status;
}

static void
handle_signals (App *app)
{
  char buf[16];
  int sig = rb_jack_stop_signal ();

  while (read (app->signal_fds[0], buf, sizeof buf) > 0)
    ;
  if (sig == 0 || app->quit)
    return;
  print_info (app, "%s: stopping", sigdescr_np (sig));
  stop (app, 0);
}

static void
handle_notifications (App *app)
{
  char buf[64];
  guint rate, size;
  gboolean fw;

  while (read (app->wake_fds[0], buf, sizeof buf) > 0)
    ;

  if (app->client == NULL)
    return;
  /* acquire: pairs with the release store in on_shutdown() */
  if (atomic_load_explicit (&app->server_gone, memory_order_acquire)) {
    const char *why = app->shutdown_reason[0] != '\0' ?
        app->shutdown_reason : "no reason given";

    if (!app->opt.reconnect) {
      print_error ("the JACK server shut down or dropped the client: %s",
          why);
      stop (app, EX_UNAVAILABLE);
      return;
    }
    print_warning ("the JACK server shut down or dropped the client: %s; "
        "waiting for it to come back", why);
    close_client (app);
    app->next_retry = g_get_monotonic_time () + RETRY_US;
    return;
  }

  /* relaxed: latest values, see the callbacks */
  rate = atomic_load_explicit (&app->rate_now, memory_order_relaxed);
  if (app->ring != NULL && rate != rb_ring_get_rate (app->ring)) {
    /* relaxed: see RbJackRt.halted */
    atomic_store_explicit (&app->rt.halted, true, memory_order_relaxed);
    print_error ("JACK's sample rate changed to %u Hz; ring '%s' runs at "
        "%u Hz and would %s at the wrong speed", rate, app->opt.ring_name,
        rb_ring_get_rate (app->ring), app->rt.mode == RB_JACK_PLAY ? "play" :
        "record");
    stop (app, EX_DATAERR);
    return;
  }
  size = atomic_load_explicit (&app->buffer_size_now, memory_order_relaxed);
  if (size != app->last_buffer_size) {
    if (app->last_buffer_size != 0)
      print_info (app, "JACK's buffer size is now %u frames", size);
    app->last_buffer_size = size;
    check_period (app, size);
    check_bound (app, size);
  }
  fw = atomic_load_explicit (&app->freewheel_now, memory_order_relaxed);
  if (fw != app->last_freewheel) {
    print_info (app, fw ? "JACK is freewheeling: the ring's other side "
        "keeps its own pace, so expect the ring to %s" :
        "JACK stopped freewheeling",
        app->rt.mode == RB_JACK_PLAY ? "run dry" : "fill up");
    app->last_freewheel = fw;
  }
}

/* Reconnecting after a server shutdown, with --reconnect. */
static void
try_reconnect (App *app, gint64 now)
{
  int status;

  if (now < app->next_retry)
    return;
  app->next_retry = now + RETRY_US;
  if (open_client (app, FALSE) != 0)
    return;
  if (app->ring != NULL && rb_ring_get_rate (app->ring) != app->jack_rate) {
    print_error ("the JACK server is back at %u Hz, but ring '%s' runs at "
        "%u Hz", app->jack_rate, app->opt.ring_name,
        rb_ring_get_rate (app->ring));
    stop (app, EX_DATAERR);
    return;
  }
  if (app->rt.n_ports == 0) {
    /* play never got its ring: wait for it on the new server */
    print_warning ("reconnected to the JACK server");
    return;
  }
  status = start_client (app, app->rt.n_ports, FALSE);
  if (status != 0) {
    print_warning ("warning: cannot set up the client again; retrying");
    close_client (app);
    return;
  }
  print_warning ("reconnected to the JACK server");
}

/* Play without ports yet: waiting for the ring decides their number. */
static void
play_wait (App *app, gint64 now)
{
  int status;

  if (now < app->next_ring_check)
    return;
  app->next_ring_check = now + RING_CHECK_US / 2;
  status = play_open_ring (app);
  if (status > 0) {
    stop (app, status);
    return;
  }
  if (status < 0) {
    if (app->wait_deadline != 0 && now >= app->wait_deadline) {
      print_error ("no ring '%s' after waiting %g s", app->opt.ring_name,
          app->opt.timeout);
      stop (app, EX_NOINPUT);
    }
    return;
  }
  if (!app->active) {
    status = start_client (app, rb_ring_get_channels (app->ring), TRUE);
    if (status != 0)
      stop (app, status);
  }
}

static void
tick (App *app)
{
  gint64 now = g_get_monotonic_time ();

  if (app->client == NULL) {
    try_reconnect (app, now);
    return;
  }
  if (app->rt.mode == RB_JACK_PLAY && app->ring == NULL) {
    play_wait (app, now);
    if (app->quit || app->ring == NULL)
      return;
  }
  if (now >= app->next_ring_check) {
    app->next_ring_check = now + RING_CHECK_US;
    watch_peer (app);
    if (app->rt.mode == RB_JACK_PLAY && app->peer_state !=
        RB_PEER_STATE_ALIVE)
      play_follow_name (app);
  }
  if (app->connections_pending && now >= app->next_retry) {
    app->next_retry = now + RETRY_US;
    make_connections (app, FALSE);
  }
  if (app->active)
    measure_clock_offset (app);
  update_latency (app);
  drift_measure_tick (app);
  resample_tick (app, now);
  if (app->opt.stats_interval > 0 && now >= app->next_stats) {
    app->next_stats = now + (gint64) (app->opt.stats_interval *
        G_USEC_PER_SEC);
    print_stats (app, "stats");
  }
}

static int
run (App *app)
{
  while (!app->quit) {
    struct pollfd fds[2] = {
      { .fd = app->signal_fds[0], .events = POLLIN },
      { .fd = app->wake_fds[0], .events = POLLIN },
    };

    if (poll (fds, G_N_ELEMENTS (fds), TICK_MS) < 0 && errno != EINTR) {
      print_error ("poll: %s", g_strerror (errno));
      return EX_OSERR;
    }
    if (fds[0].revents & POLLIN)
      handle_signals (app);
    if (app->quit)
      break;
    handle_notifications (app);
    if (app->quit)
      break;
    tick (app);
  }
  return app->status;
}

/* --- set-up and tear-down ------------------------------------------------- */

/* The signal thread's last resort (see stop.h): a stop signal came, and
 * the main thread is still inside libjack half a second later (a stopped
 * or hung server blocks jack_client_open(), jack_deactivate() and
 * jack_client_close() for good). Says so and removes what record made, if
 * nobody reads it; the server drops the client when the process is gone.
 * No libjack call, and nothing the main thread may be holding: the main
 * thread frees the ring only after rb_jack_stop_jack_done(), which waits
 * while this runs. */
static int
force_exit (int sig, void *data)
{
  App *app = data;
  /* acquire: pairs with the release store in record_create_ring() */
  RbRing *ring = atomic_load_explicit (&app->exit_ring, memory_order_acquire);

  print_error ("%s, but the JACK server did not answer within half a "
      "second: exiting without closing the JACK client", sigdescr_np (sig));
  if (ring != NULL && rb_ring_get_peer_state (ring) != RB_PEER_STATE_ALIVE)
    rb_ring_unlink (app->opt.ring_name, NULL);
  return EX_UNAVAILABLE;
}

/* SIGINT, SIGTERM and SIGHUP go to the signal thread (stop.c), which
 * wakes the main loop through a pipe. They are blocked before JACK makes
 * its threads, which inherit the mask, so no JACK thread (the process
 * thread least of all) runs a handler. */
static int
setup_signals (App *app)
{
  sigset_t set;
  int err;

  /* a closed standard output must not kill us with the final line */
  signal (SIGPIPE, SIG_IGN);
  if (pipe2 (app->wake_fds, O_NONBLOCK | O_CLOEXEC) != 0 ||
      pipe2 (app->signal_fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    print_error ("pipe: %s", g_strerror (errno));
    return EX_OSERR;
  }
  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGHUP);
  err = rb_jack_stop_start (&set, app->signal_fds[1], STOP_GRACE_NS,
      force_exit, app);
  if (err != 0) {
    print_error ("cannot start the signal thread: %s", g_strerror (err));
    return EX_OSERR;
  }
  return 0;
}

static int
setup (App *app)
{
  int status;

  if (app->opt.mode == RB_JACK_PLAY) {
    /* Fail fast on a ring that is not there or does not fit, before
     * talking to JACK; the sample rate is checked once the client is
     * open. */
    status = play_open_ring (app);
    if (status > 0)
      return status;
    if (status < 0 && !app->opt.wait) {
      print_error ("no ring '%s' (start its producer first, or use --wait)",
          app->opt.ring_name);
      return EX_NOINPUT;
    }
  }

  status = open_client (app, TRUE);
  if (status != 0)
    return status;

  if (app->opt.mode == RB_JACK_RECORD) {
    status = record_create_ring (app);
    if (status != 0)
      return status;
    return start_client (app, app->opt.channels, TRUE);
  }

  if (app->ring != NULL) {
    g_autofree gchar *misfit = play_misfit (app, app->ring);
    if (misfit != NULL) {
      print_error ("%s", misfit);
      return EX_DATAERR;
    }
    return start_client (app, rb_ring_get_channels (app->ring), TRUE);
  }
  /* waiting for the ring; with --channels the ports play silence
   * meanwhile, without, they wait for the ring's channel count */
  if (app->opt.timeout > 0)
    app->wait_deadline = g_get_monotonic_time () +
        (gint64) (app->opt.timeout * G_USEC_PER_SEC);
  print_info (app, "waiting for ring '%s'", app->opt.ring_name);
  if (app->opt.channels != 0)
    return start_client (app, app->opt.channels, TRUE);
  return 0;
}

static void
teardown (App *app)
{
  close_client (app);
  /* no libjack call from here on: a stop signal no longer forces the
   * exit, and the signal thread no longer looks at the ring */
  rb_jack_stop_jack_done ();
  if (app->running) {
    watch_peer (app);
    print_stats (app, "final");
  }
  atomic_store_explicit (&app->rt.ring, NULL, memory_order_seq_cst);
  atomic_store_explicit (&app->rt.tap, NULL, memory_order_seq_cst);
  release_ring (app);
  /* signal_fds stay open: the signal thread may still write to them
   * until the process ends */
  for (int i = 0; i < 2; i++)
    if (app->wake_fds[i] >= 0)
      close (app->wake_fds[i]);
  options_clear (&app->opt);
}

static void
jack_quiet (const char *msg)
{
}

int
main (int argc, char **argv)
{
  App *app = g_new0 (App, 1);
  int status;

  app->signal_fds[0] = app->signal_fds[1] = -1;
  app->wake_fds[0] = app->wake_fds[1] = -1;
  atomic_init (&app->exit_ring, NULL);
  rb_jack_rt_init (&app->rt, RB_JACK_PLAY);
  drift_measure_reset (app);

  status = parse_options (argc, argv, &app->opt);
  if (status >= 0) {
    options_clear (&app->opt);
    g_free (app);
    return status;
  }
  app->rt.mode = app->opt.mode;
  if (!app->opt.verbose) {
    /* libjack talks on stderr about every failed attempt; we say what
     * matters ourselves */
    jack_set_error_function (jack_quiet);
    jack_set_info_function (jack_quiet);
  }

  status = setup_signals (app);
  if (status == 0)
    status = setup (app);
  if (status == 0) {
    app->running = TRUE;
    status = run (app);
  }
  teardown (app);
  if (app->close_abandoned) {
    /* a libjack close still hangs in its thread (close_client()):
     * exit()'s destructors could wait on it */
    fflush (NULL);
    _exit (status);
  }
  rb_jack_resampler_free (app->rt.rs);
  g_free (app);
  return status;
}
