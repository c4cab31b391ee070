/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* ringbridge-jack's state, and what its files call in one another:
 *   options.c          the command line
 *   client.c           the JACK client: callbacks, ports, connections
 *   ring.c             attaching to, creating, following and leaving the ring
 *   report.c           verbose notices, the latency report, statistics
 *   ringbridge-jack.c  set-up, the main loop, tear-down
 * rt.c (JACK's process thread) knows none of this: it sees RbJackRt only.
 * Everything here runs in the main thread, except the JACK callbacks in
 * client.c and force_exit() in ringbridge-jack.c, which say where they
 * run. */

#include "rt.h"
#include "cli-common.h"

#include <ringbridge/ringbridge.h>

#include <jack/jack.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

/* the latency report is the fill range over this many ticks */
#define LATENCY_WINDOW 10

/* Warnings and notices that show without --verbose: standard error, as
 * errors (the troubleshooting page lists them by this name). */
#define print_warning print_error

/* --resample; the order is the words' in options.c */
typedef enum {
  RESAMPLE_AUTO,
  RESAMPLE_ON,
  RESAMPLE_OFF,
} ResampleMode;

typedef struct {
  RbJackMode mode;
  gchar *ring_name;
  gchar *client_name;
  gchar *server_name;
  GPtrArray *connect;           /* of GStrv, one per --connect */
  gboolean no_start_server;
  gboolean reconnect;
  gboolean wait;
  gdouble timeout;              /* seconds; 0: for ever */
  RbSampleFormat format;        /* NONE: not given */
  guint channels;               /* 0: not given */
  guint64 frames;               /* record: ring size, play: the most to
                                 * keep queued; 0: not given */
  gdouble latency_ms;           /* the same in ms; 0: not given */
  gboolean overwrite;
  RbRingOpenFlags open_flags;   /* --allow-shared-write, --any-owner */
  gdouble stats_interval;       /* 0: none */
  ResampleMode resample;
  gboolean resample_given;
  /* play --reader: one of an overwrite ring's readers, with this policy
   * (catch-up, or latest within --frames/--latency), not its consumer */
  gboolean reader;
  RbReaderPolicy reader_policy;
  gboolean verbose;
} Options;

/* drift-measure.c: JACK's rate over up to this many ticks (10 s) */
#define RATE_WINDOW 100

typedef struct {
  guint64 frames;               /* JACK's frame time, extended */
  gint64 mono_ns;               /* its time on CLOCK_MONOTONIC */
} RateSample;

/* fill-trend.c: the fill over up to this many ticks (10 s) */
#define FILL_WINDOW 100

typedef struct {
  gint64 t_us;                  /* g_get_monotonic_time() */
  gdouble fill;                 /* rt.fill */
  guint64 ends_up, ends_down;   /* the counts of the ring's ends */
} FillSample;

typedef enum {
  FILL_TREND_UNKNOWN,
  FILL_TREND_AGREES,
  FILL_TREND_REFUTES,
} FillTrend;

typedef struct {
  Options opt;
  RbJackRt rt;

  /* Play --reader: the tap rt.tap points to once installed (its reader
   * reads app->ring). */
  RbJackTap *tap;
  /* The ring the main thread holds; rt.ring points to it once installed.
   * For play, also which file it is, to notice a new ring under its name,
   * and the last file refused, to say why only once. */
  RbRing *ring;
  dev_t ring_dev;
  ino_t ring_ino;
  gboolean have_refused;
  dev_t refused_dev;
  ino_t refused_ino;

  jack_client_t *client;
  gboolean close_abandoned;     /* a close left hanging: end with _exit() */
  gboolean ports_registered;
  gboolean active;
  gboolean connections_pending;
  guint jack_rate;              /* the client's sample rate at open */

  int signal_fds[2];            /* signal thread -> main loop */
  int wake_fds[2];              /* JACK callbacks -> main loop */
  /* Record: the ring the signal thread removes if it must end the program
   * while libjack holds the main thread (see force_exit()). */
  _Atomic (RbRing *) exit_ring;

  /* Written by JACK's threads, read by the main thread. */
  atomic_bool server_gone;
  char shutdown_reason[256];    /* written before server_gone is set */
  atomic_uint rate_now;
  atomic_uint buffer_size_now;
  atomic_bool freewheel_now;
  atomic_uint_least64_t xruns;
  /* what the latency callback reports */
  atomic_uint_least64_t latency_min;
  atomic_uint_least64_t latency_max;
  atomic_bool ports_ready;      /* release: rt.ports[] are complete */

  /* Main thread only. */
  gboolean quit;
  int status;
  gboolean running;             /* set up once; a final line is due */
  gint64 wait_deadline;         /* play --timeout; 0: for ever */
  gint64 next_ring_check;
  gint64 next_retry;
  gint64 next_stats;
  guint64 window[LATENCY_WINDOW];
  guint window_len, window_pos;
  gboolean latency_reported;
  RbPeerState peer_state;
  guint peer_pid;
  guint last_buffer_size;
  gboolean last_freewheel;
  gboolean warned_small;
  gboolean told_unbounded;      /* --verbose said the bound cannot act */
  /* resampling (drift-report.c): when it started, since when the fill
   * has been within a period of the target, whether it is locked, and how
   * long the correction has sat at its bound (auto gives up after a
   * while) */
  gint64 resample_start;
  /* auto started resampling with more queued than the target: the target
   * held instead, in frames (0: none), coming down from there, and when
   * it last came down */
  gdouble target_held;
  gint64 target_held_at;
  /* the period for which the asked target was last found too small (0:
   * none), so that the warning comes once per buffer size */
  guint target_floor_warned;
  gint64 unlocked_since;
  gboolean locked;
  gint64 clamped_since;
  gint64 auto_over_since;       /* auto: the drift over its mark since */
  gint64 auto_lo_ppb, auto_hi_ppb;      /* auto: its range since then */
  gboolean auto_refuted;        /* auto: the fill refuted it (said once) */
  /* the measured drift is no feed-forward (drift-measure.c withholds
   * it): auto resamples on the fill's evidence against it, or the loop
   * kept cancelling it (ff-check.c) */
  gboolean ff_withheld;
  /* while resampling with a feed-forward (ff-check.c): since when it is
   * known, since when the loop's integral has held a steady share of it,
   * and what it held then */
  gint64 ff_known_since;
  gint64 ff_doubt_since;
  gdouble ff_doubt_first;
  /* auto: the fill's history (fill-trend.c) */
  FillSample trend[FILL_WINDOW];
  guint trend_len, trend_pos;
  /* the measured drift (drift-measure.c): JACK's cycles over the last
   * ticks, JACK's rate from them (0:
   * unknown), and the drift against the other side in parts per billion
   * (G_MININT64: unknown), what rt.feed_forward_ppb gets */
  RateSample rate_window[RATE_WINDOW];
  guint rate_len, rate_pos;
  gdouble jack_rate_measured;
  gint64 drift_ppb;
} App;

/* options.c; parse_options() also names the program for cli-common.h */
int parse_options (int argc, char **argv, Options *opt);
void options_clear (Options *opt);

/* client.c */
int open_client (App *app, gboolean first);
void close_client (App *app);
int start_client (App *app, guint n_ports, gboolean strict);
int make_connections (App *app, gboolean strict);
void measure_clock_offset (App *app);
void check_period (App *app, guint period);
void check_bound (App *app, guint period);

/* ring.c */
guint64 frames_for_ms (gdouble ms, guint rate);
int status_for_ring_error (const GError *error);
gchar *play_misfit (App *app, RbRing *ring);
int play_open_ring (App *app);
void play_follow_name (App *app);
int record_create_ring (App *app);
void release_ring (App *app);

/* drift-report.c: resampling's set-up, targets and reports */
int resample_setup (App *app);
void resample_set_target (App *app, guint period);
void resample_tick (App *app, gint64 now);
void resample_stats (App *app, GString *out);

/* fill-trend.c: --resample=auto's check of a drift against the fill */
void fill_trend_reset (App *app);
void fill_trend_push (App *app, gint64 now);
FillTrend fill_trend_check (App *app, gint64 ppb, GString *why,
    gint64 *fill_ppb);

/* ff-check.c: the loop's check of the measured drift while it is the
 * feed-forward */
void ff_check_reset (App *app);
gboolean ff_check_tick (App *app, gint64 now, gint64 ff_ppb,
    double correction, double smoothed, double target, double band,
    GString *why);

/* drift-measure.c: the measured drift (the feed-forward) */
void drift_measure_reset (App *app);
void drift_measure_tick (App *app);

/* report.c */
void print_info (const App *app, const char *format, ...) G_GNUC_PRINTF (2, 3);
void reset_latency (App *app);
void update_latency (App *app);
void watch_peer (App *app);
void print_stats (App *app, const char *label);
