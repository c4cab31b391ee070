/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's JACK client: opening and closing it, its ports and
 * --connect's connections, the bounds on the ring that depend on JACK's
 * period, and JACK's notification callbacks (see app.h). The callbacks
 * run in JACK's threads and only store into atomics and wake the main
 * loop; everything else runs in the main thread. */

#include "app.h"

#include <errno.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

/* --- clock ---------------------------------------------------------------- */

static gint64
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* Measures CLOCK_MONOTONIC minus JACK's clock for rt.c's clock points:
 * the best of a few tries, the one least disturbed by preemption. */
void
measure_clock_offset (App *app)
{
  gint64 best_span = G_MAXINT64, offset = 0;

  for (int i = 0; i < 3; i++) {
    gint64 before = monotonic_ns ();
    gint64 jack_ns = (gint64) jack_get_time () * 1000;
    gint64 after = monotonic_ns ();

    if (after - before < best_span) {
      best_span = after - before;
      offset = before + (after - before) / 2 - jack_ns;
    }
  }
  /* relaxed: a value on its own; see RbJackRt.clock_offset_ns */
  atomic_store_explicit (&app->rt.clock_offset_ns, offset,
      memory_order_relaxed);
}

/* --- JACK callbacks (JACK's threads; atomics and the wake pipe only) ------ */

static void
wake_main (App *app)
{
  char byte = 1;
  ssize_t n;

  /* non-blocking: a full pipe already holds a wake-up */
  n = write (app->wake_fds[1], &byte, 1);
  (void) n;
}

static void
on_shutdown (jack_status_t code, const char *reason, void *arg)
{
  App *app = arg;

  /* JACK calls this as it would a signal handler: a copy into our own
   * buffer, a flag, a byte down the pipe */
  strncpy (app->shutdown_reason, reason != NULL ? reason : "",
      sizeof app->shutdown_reason - 1);
  /* release: pairs with the acquire load in handle_notifications(); the
   * reason is complete before the flag shows */
  atomic_store_explicit (&app->server_gone, true, memory_order_release);
  wake_main (app);
}

/* A new value of the server's for the main thread, which compares the
 * latest one with what it knows. */
static int
tell_main (App *app, atomic_uint *now, jack_nframes_t value)
{
  /* relaxed: the wake-up carries no data with it; the main thread
   * compares the latest value */
  atomic_store_explicit (now, value, memory_order_relaxed);
  wake_main (app);
  return 0;
}

static int
on_sample_rate (jack_nframes_t rate, void *arg)
{
  App *app = arg;

  return tell_main (app, &app->rate_now, rate);
}

static int
on_buffer_size (jack_nframes_t size, void *arg)
{
  App *app = arg;

  return tell_main (app, &app->buffer_size_now, size);
}

static void
on_freewheel (int starting, void *arg)
{
  App *app = arg;

  /* relaxed: rt.c only skips clock points on it; no data goes with it */
  atomic_store_explicit (&app->rt.freewheeling, starting != 0,
      memory_order_relaxed);
  /* relaxed: as tell_main() */
  atomic_store_explicit (&app->freewheel_now, starting != 0,
      memory_order_relaxed);
  wake_main (app);
}

static int
on_xrun (void *arg)
{
  App *app = arg;

  /* relaxed: a statistic */
  atomic_fetch_add_explicit (&app->xruns, 1, memory_order_relaxed);
  /* relaxed: a count the callback compares (see RbJackRt) */
  atomic_fetch_add_explicit (&app->rt.xrun_count, 1, memory_order_relaxed);
  return 0;
}

static void
on_latency (jack_latency_callback_mode_t mode, void *arg)
{
  App *app = arg;
  jack_latency_range_t range;

  /* The ring is where data waits: between its producer and our output
   * ports (play: how long ago the data was "captured"), or between our
   * input ports and its consumer (record: how long until it is "played").
   * The other direction is JACK's to compute. */
  if (mode != (app->rt.mode == RB_JACK_PLAY ? JackCaptureLatency :
          JackPlaybackLatency))
    return;
  /* acquire: pairs with the release store in register_ports() */
  if (!atomic_load_explicit (&app->ports_ready, memory_order_acquire))
    return;
  /* relaxed: the two bounds are a report, and jack_recompute_total_latencies()
   * (a server round trip) orders them before this callback anyway */
  range.min = (jack_nframes_t) MIN (G_MAXUINT32,
      atomic_load_explicit (&app->latency_min, memory_order_relaxed));
  range.max = (jack_nframes_t) MIN (G_MAXUINT32,
      atomic_load_explicit (&app->latency_max, memory_order_relaxed));
  for (unsigned c = 0; c < app->rt.n_ports; c++)
    jack_port_set_latency_range (app->rt.ports[c], mode, &range);
}

/* --- the JACK client ------------------------------------------------------ */

/* The server's name, for messages. */
static const char *
server_label (App *app)
{
  if (app->opt.server_name != NULL)
    return app->opt.server_name;
  if (g_getenv ("JACK_DEFAULT_SERVER") != NULL)
    return g_getenv ("JACK_DEFAULT_SERVER");
  return "default";
}

/* Says why jack_client_open() failed, at start-up; later, only with
 * --verbose that the server is not back. Returns the exit status. */
static int
open_failed (App *app, gboolean first, jack_options_t options,
    jack_status_t status)
{
  const char *server = server_label (app);

  if (!first) {
    print_info (app, "JACK server '%s' not back yet", server);
    return EX_UNAVAILABLE;
  }
  if (status & JackNameNotUnique) {
    print_error ("the JACK server '%s' has a client named '%s' already; "
        "choose another with --name", server, app->opt.client_name);
    return EX_CANTCREAT;
  }
  if (status & JackServerFailed) {
    print_error ("cannot connect to the JACK server '%s': it is not "
        "running%s", server, options & JackNoStartServer ? "" :
        " and could not be started");
    return EX_UNAVAILABLE;
  }
  if (status & JackVersionError) {
    print_error ("the JACK server '%s' speaks another protocol version "
        "than this libjack", server);
    return EX_UNAVAILABLE;
  }
  print_error ("the JACK server '%s' refused the client '%s' (status "
      "0x%x)", server, app->opt.client_name, (unsigned) status);
  return EX_UNAVAILABLE;
}

/* Opens the client. @first: at start-up, when a failure ends the program
 * (and may start a server unless told not to); later, a failure is only
 * reported with --verbose and tried again. Returns 0 or an exit status. */
int
open_client (App *app, gboolean first)
{
  /* Not JackUseExactName: jackd 1.9 then fails a taken name with a
   * generic server error. Without it JACK renames us ("name-01"), which
   * we see and refuse: the name must be the one asked for. */
  jack_options_t options = JackNullOption;
  jack_status_t status = 0;

  if (app->opt.no_start_server || !first)
    options |= JackNoStartServer;
  if (app->opt.server_name != NULL)
    options |= JackServerName;
  app->client = jack_client_open (app->opt.client_name, options, &status,
      app->opt.server_name);
  if (app->client == NULL)
    return open_failed (app, first, options, status);
  if (strcmp (jack_get_client_name (app->client), app->opt.client_name) !=
      0) {
    const char *server = server_label (app);

    jack_client_close (app->client);
    app->client = NULL;
    if (!first) {
      print_info (app, "the JACK server '%s' has a client named '%s' "
          "already; trying again", server, app->opt.client_name);
      return EX_CANTCREAT;
    }
    print_error ("the JACK server '%s' has a client named '%s' already; "
        "choose another with --name", server, app->opt.client_name);
    return EX_CANTCREAT;
  }
  if (status & JackServerStarted)
    print_info (app, "started a JACK server");
  app->jack_rate = jack_get_sample_rate (app->client);
  /* relaxed: only the main thread is around yet */
  atomic_store_explicit (&app->rate_now, app->jack_rate,
      memory_order_relaxed);
  atomic_store_explicit (&app->buffer_size_now,
      jack_get_buffer_size (app->client), memory_order_relaxed);
  atomic_store_explicit (&app->server_gone, false, memory_order_relaxed);
  app->last_buffer_size = 0;
  app->ports_registered = FALSE;
  app->active = FALSE;

  jack_on_info_shutdown (app->client, on_shutdown, app);
  jack_set_process_callback (app->client, rb_jack_rt_process, &app->rt);
  jack_set_sample_rate_callback (app->client, on_sample_rate, app);
  jack_set_buffer_size_callback (app->client, on_buffer_size, app);
  jack_set_freewheel_callback (app->client, on_freewheel, app);
  jack_set_xrun_callback (app->client, on_xrun, app);
  jack_set_latency_callback (app->client, on_latency, app);
  app->rt.client = app->client;
  measure_clock_offset (app);
  print_info (app, "JACK client '%s' at %u Hz, %u frames per period",
      jack_get_client_name (app->client), app->jack_rate,
      jack_get_buffer_size (app->client));
  return 0;
}

/* After the server shut down, libjack's jack_client_close() may block
 * for good (jack2 issue 395; Pure Data met it in 2025; here the jack
 * suite's shutdown test met it once, in the SIGTERM case of a full CI
 * run, 2026-12-05). So it then runs in a thread of its own, and the main thread
 * waits CLOSE_WAIT_US for it. A close that does not return is left
 * behind: the server is gone, so there is nothing left to tell it, and
 * the process ends with _exit() (main()), not exit(), so that no libjack
 * destructor waits on what the stuck close holds. */
#define CLOSE_WAIT_US ((gint64) 2 * G_USEC_PER_SEC)

typedef struct {
  jack_client_t *client;
  GMutex lock;
  GCond cond;
  gboolean done;                /* under lock */
  gboolean abandoned;           /* under lock: the closing thread frees */
} Closer;

static void
closer_free (Closer *c)
{
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
  g_free (c);
}

static gpointer
closer_thread (gpointer data)
{
  Closer *c = data;
  gboolean abandoned;

  jack_client_close (c->client);
  g_mutex_lock (&c->lock);
  c->done = TRUE;
  abandoned = c->abandoned;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
  if (abandoned)
    closer_free (c);
  return NULL;
}

/* jack_client_close() of a client whose server is gone, bounded; FALSE
 * if it did not return in time. */
static gboolean
close_after_shutdown (jack_client_t *client)
{
  Closer *c = g_new0 (Closer, 1);
  GThread *thread;
  gint64 end = g_get_monotonic_time () + CLOSE_WAIT_US;
  gboolean done;

  c->client = client;
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  thread = g_thread_try_new ("jack-close", closer_thread, c, NULL);
  if (thread == NULL) {
    closer_free (c);
    jack_client_close (client);
    return TRUE;
  }
  g_thread_unref (thread);
  g_mutex_lock (&c->lock);
  while (!c->done)
    if (!g_cond_wait_until (&c->cond, &c->lock, end))
      break;
  done = c->done;
  c->abandoned = !done;
  g_mutex_unlock (&c->lock);
  if (done)
    closer_free (c);
  return done;
}

void
close_client (App *app)
{
  if (app->client == NULL)
    return;
  /* acquire: pairs with the release store in on_shutdown(); a client the
   * server dropped has nothing left to deactivate, and its close may hang */
  if (atomic_load_explicit (&app->server_gone, memory_order_acquire)) {
    if (!close_after_shutdown (app->client)) {
      print_warning ("libjack did not finish closing the client within "
          "%d s of the server's shutdown (a known libjack hang); leaving "
          "it behind", (int) (CLOSE_WAIT_US / G_USEC_PER_SEC));
      app->close_abandoned = TRUE;
    }
  } else {
    if (app->active)
      jack_deactivate (app->client);
    jack_client_close (app->client);
  }
  app->client = NULL;
  app->active = FALSE;
  app->ports_registered = FALSE;
  /* release: pairs with the acquire load in on_latency(); no client, no
   * callbacks, but keep the flag honest */
  atomic_store_explicit (&app->ports_ready, false, memory_order_release);
}

static int
register_ports (App *app, guint n)
{
  const char *prefix = app->rt.mode == RB_JACK_PLAY ? "out" : "in";
  unsigned long flags = (app->rt.mode == RB_JACK_PLAY ? JackPortIsOutput :
      JackPortIsInput) | JackPortIsTerminal;

  for (guint c = 0; c < n; c++) {
    g_autofree gchar *name = g_strdup_printf ("%s_%u", prefix, c + 1);

    app->rt.ports[c] = jack_port_register (app->client, name,
        JACK_DEFAULT_AUDIO_TYPE, flags, 0);
    if (app->rt.ports[c] == NULL) {
      print_error ("cannot register the JACK port '%s:%s'",
          app->opt.client_name, name);
      return EX_UNAVAILABLE;
    }
  }
  app->rt.n_ports = n;
  app->ports_registered = TRUE;
  /* release: pairs with the acquire load in on_latency(): the ports are
   * all there before it looks */
  atomic_store_explicit (&app->ports_ready, true, memory_order_release);
  return 0;
}

/* --- connections ---------------------------------------------------------- */

/* The physical ports of the direction our ports connect to, for
 * "--connect auto"; free with jack_free(). */
static const char **
physical_ports (App *app)
{
  return jack_get_ports (app->client, NULL, JACK_DEFAULT_AUDIO_TYPE,
      JackPortIsPhysical | (app->rt.mode == RB_JACK_PLAY ? JackPortIsInput :
          JackPortIsOutput));
}

/* Checks that --connect's port @target exists and is an audio port of the
 * direction ours connect to. Returns 0 or an exit status, with a message
 * if @report. */
static int
check_target (App *app, const char *target, gboolean report)
{
  jack_port_t *port = jack_port_by_name (app->client, target);
  gboolean play = app->rt.mode == RB_JACK_PLAY;
  int flags;

  if (port == NULL) {
    if (report)
      print_error ("no JACK port '%s' to connect to (see jack_lsp)", target);
    return EX_NOINPUT;
  }
  flags = jack_port_flags (port);
  if (strcmp (jack_port_type (port), JACK_DEFAULT_AUDIO_TYPE) != 0) {
    if (report)
      print_error ("JACK port '%s' is not an audio port (%s)", target,
          jack_port_type (port));
    return EX_DATAERR;
  }
  if (play && !(flags & JackPortIsInput)) {
    if (report)
      print_error ("JACK port '%s' is an output port; play's outputs "
          "connect to input ports", target);
    return EX_DATAERR;
  }
  if (!play && !(flags & JackPortIsOutput)) {
    if (report)
      print_error ("JACK port '%s' is an input port; record's inputs "
          "connect to output ports", target);
    return EX_DATAERR;
  }
  return 0;
}

/* Before activation at start-up: every --connect port exists and fits. */
static int
check_connections (App *app)
{
  for (guint i = 0; i < app->opt.connect->len; i++) {
    GStrv ports = g_ptr_array_index (app->opt.connect, i);

    if (g_strv_length (ports) > app->rt.n_ports) {
      print_error ("--connect lists %u ports, but there are only %u "
          "channels", g_strv_length (ports), app->rt.n_ports);
      return EX_USAGE;
    }
    if (strcmp (ports[0], "auto") == 0)
      continue;
    for (guint c = 0; ports[c] != NULL; c++) {
      int status;

      if (ports[c][0] == '\0')
        continue;
      status = check_target (app, ports[c], TRUE);
      if (status != 0)
        return status;
    }
  }
  return 0;
}

/* Connects our port @c to @target. Returns 0 or an exit status. */
static int
connect_one (App *app, guint c, const char *target, gboolean report)
{
  const char *ours = jack_port_name (app->rt.ports[c]);
  int status = check_target (app, target, report);
  int res;

  if (status != 0)
    return status;
  if (app->rt.mode == RB_JACK_PLAY)
    res = jack_connect (app->client, ours, target);
  else
    res = jack_connect (app->client, target, ours);
  if (res != 0 && res != EEXIST) {
    if (report)
      print_error ("cannot connect '%s' and '%s' (JACK error %d)", ours,
          target, res);
    return EX_UNAVAILABLE;
  }
  if (res == 0)
    print_info (app, "connected %s %s %s", ours,
        app->rt.mode == RB_JACK_PLAY ? "->" : "<-", target);
  return 0;
}

/* Makes every --connect connection. @strict: at start-up, the first
 * failure is the exit status; after a reconnect, failures are left
 * pending and tried again later. */
int
make_connections (App *app, gboolean strict)
{
  app->connections_pending = FALSE;
  for (guint i = 0; i < app->opt.connect->len; i++) {
    GStrv ports = g_ptr_array_index (app->opt.connect, i);

    if (strcmp (ports[0], "auto") == 0) {
      const char **phys = physical_ports (app);
      guint n = 0;

      for (guint c = 0; phys != NULL && phys[c] != NULL &&
          c < app->rt.n_ports; c++, n++) {
        int status = connect_one (app, c, phys[c], strict);
        if (status != 0 && strict) {
          jack_free (phys);
          return status;
        }
        app->connections_pending |= status != 0;
      }
      if (phys != NULL)
        jack_free (phys);
      if (n == 0)
        print_warning ("warning: --connect auto: the JACK server has no "
            "physical %s ports", app->rt.mode == RB_JACK_PLAY ? "playback" :
            "capture");
      continue;
    }
    for (guint c = 0; ports[c] != NULL; c++) {
      int status;

      if (ports[c][0] == '\0')
        continue;
      status = connect_one (app, c, ports[c], strict);
      if (status != 0 && strict)
        return status;
      app->connections_pending |= status != 0;
    }
  }
  if (app->connections_pending)
    print_info (app, "some --connect ports do not exist yet; trying again "
        "every second");
  return 0;
}

/* --- the ring and JACK's period ------------------------------------------- */

static guint64
ring_capacity_frames (App *app)
{
  return app->ring != NULL ? rb_ring_get_capacity_frames (app->ring) : 0;
}

void
check_period (App *app, guint period)
{
  guint64 cap = ring_capacity_frames (app);

  if (app->ring == NULL || cap >= period || app->warned_small)
    return;
  app->warned_small = TRUE;
  print_warning ("warning: ring '%s' holds %" G_GUINT64_FORMAT " frames, "
      "less than JACK's period of %u: every cycle will come up short",
      app->opt.ring_name, cap, period);
}

/* Play with --frames/--latency: says (with --verbose) when the ring is
 * too small for the bound ever to drop anything. The fill never exceeds
 * the capacity, and the callback skips only above max_fill + a period. */
void
check_bound (App *app, guint period)
{
  guint64 cap = ring_capacity_frames (app);
  guint64 max_fill = app->rt.max_fill;
  gboolean unbounded;

  if (app->ring == NULL || max_fill == 0)
    return;
  unbounded = max_fill + period >= cap;
  if (unbounded && !app->told_unbounded)
    print_info (app, "ring '%s' holds %" G_GUINT64_FORMAT " frames: with "
        "a period of %u frames, keeping at most %" G_GUINT64_FORMAT
        " queued never drops any", app->opt.ring_name, cap, period,
        max_fill);
  app->told_unbounded = unbounded;
}

/* Play: --frames, or --latency at JACK's rate, as rt.c's max_fill. */
static void
set_max_fill (App *app)
{
  guint64 max_fill = 0;

  /* --reader: they are its target latency instead (ring.c) */
  if (app->rt.mode != RB_JACK_PLAY || app->opt.reader)
    return;
  if (app->opt.frames != 0)
    max_fill = app->opt.frames;
  else if (app->opt.latency_ms != 0)
    max_fill = frames_for_ms (app->opt.latency_ms, app->jack_rate);
  if (max_fill != 0 && max_fill != app->rt.max_fill)
    print_info (app, "keeping at most %" G_GUINT64_FORMAT " frames (%.2f "
        "ms) queued in the ring; older frames are skipped", max_fill,
        (double) max_fill * 1000.0 / app->jack_rate);
  app->rt.max_fill = max_fill;
}

/* Registers the ports if needed, activates and connects. Returns 0 or an
 * exit status. */
int
start_client (App *app, guint n_ports, gboolean strict)
{
  int status;

  if (!app->ports_registered) {
    status = register_ports (app, n_ports);
    if (status != 0)
      return status;
  }
  if (strict) {
    status = check_connections (app);
    if (status != 0)
      return status;
  }
  reset_latency (app);
  rb_jack_rt_reset_clock (&app->rt);
  /* no callback runs yet: rt.max_fill and the resampler are ours */
  set_max_fill (app);
  status = resample_setup (app);
  if (status != 0)
    return status;
  /* a new server's cycles are not the old one's */
  drift_measure_reset (app);
  if (jack_activate (app->client) != 0) {
    print_error ("cannot activate the JACK client '%s'",
        app->opt.client_name);
    return EX_UNAVAILABLE;
  }
  app->active = TRUE;
  check_period (app, jack_get_buffer_size (app->client));
  check_bound (app, jack_get_buffer_size (app->client));
  return make_connections (app, strict);
}
