/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's reports: notices under --verbose, the ring's latency
 * as JACK sees it, the peer process coming and going, and the statistics
 * line (see app.h). Main thread. */

#include "app.h"

#include <stdarg.h>

void
print_info (const App *app, const char *format, ...)
{
  va_list args;

  if (!app->opt.verbose)
    return;
  va_start (args, format);
  cli_vprint (format, args);
  va_end (args);
}

/* --- latency -------------------------------------------------------------- */

void
reset_latency (App *app)
{
  guint64 fill = 0;

  if (app->tap != NULL) {
    /* play --reader: its own fill; called before jack_activate(), while
     * no callback reads through the tap */
    fill = rb_ring_reader_get_available (app->tap->reader) /
        app->tap->frame_size;
  } else if (app->ring != NULL) {
    guint64 w = rb_ring_get_write_position (app->ring);
    guint64 r = rb_ring_get_read_position (app->ring);
    guint64 used = w - r;

    if ((gint64) used < 0)
      used = 0;
    fill = MIN (used, rb_ring_get_capacity (app->ring)) /
        rb_ring_get_frame_size (app->ring);
  }
  app->window_len = 0;
  app->window_pos = 0;
  app->latency_reported = FALSE;
  /* relaxed: read by on_latency() after a server round trip */
  atomic_store_explicit (&app->latency_min, fill, memory_order_relaxed);
  atomic_store_explicit (&app->latency_max, fill, memory_order_relaxed);
}

/* Each tick: one more fill sample; once a window is full, report the
 * range if it moved by more than a period. */
void
update_latency (App *app)
{
  guint64 lo = G_MAXUINT64, hi = 0, old_lo, old_hi, period;

  if (!app->active || app->ring == NULL)
    return;
  /* relaxed: a statistic written by the callback */
  app->window[app->window_pos] = atomic_load_explicit (&app->rt.fill,
      memory_order_relaxed);
  app->window_pos = (app->window_pos + 1) % LATENCY_WINDOW;
  if (app->window_len < LATENCY_WINDOW) {
    app->window_len++;
    if (app->window_len < LATENCY_WINDOW)
      return;
  }
  for (guint i = 0; i < LATENCY_WINDOW; i++) {
    lo = MIN (lo, app->window[i]);
    hi = MAX (hi, app->window[i]);
  }
  /* relaxed: only this thread writes them */
  old_lo = atomic_load_explicit (&app->latency_min, memory_order_relaxed);
  old_hi = atomic_load_explicit (&app->latency_max, memory_order_relaxed);
  period = jack_get_buffer_size (app->client);
  if (app->latency_reported && lo + period > old_lo && lo < old_lo + period &&
      hi + period > old_hi && hi < old_hi + period)
    return;
  /* relaxed: jack_recompute_total_latencies() is a server round trip
   * before on_latency() reads them */
  atomic_store_explicit (&app->latency_min, lo, memory_order_relaxed);
  atomic_store_explicit (&app->latency_max, hi, memory_order_relaxed);
  app->latency_reported = TRUE;
  print_info (app, "latency of the ring: %" G_GUINT64_FORMAT " to %"
      G_GUINT64_FORMAT " frames", lo, hi);
  jack_recompute_total_latencies (app->client);
}

/* --- the peer and statistics ---------------------------------------------- */

/* Reports the peer process coming and going. */
void
watch_peer (App *app)
{
  const char *who = app->rt.mode == RB_JACK_PLAY ? "producer" : "consumer";
  RbPeerState state;
  guint pid;

  if (app->ring == NULL)
    return;
  state = rb_ring_get_peer_state (app->ring);
  pid = rb_ring_get_peer_pid (app->ring);
  if (state == app->peer_state && pid == app->peer_pid)
    return;
  if (state == RB_PEER_STATE_ALIVE)
    print_info (app, "%s (pid %u) attached", who, pid);
  else if (state == RB_PEER_STATE_GONE)
    print_info (app, "%s gone; %s", who, app->rt.mode == RB_JACK_PLAY ?
        "playing silence until a producer attaches" : "recording on");
  app->peer_state = state;
  app->peer_pid = pid;
}

void
print_stats (App *app, const char *label)
{
  RbJackRt *rt = &app->rt;
  g_autoptr (GString) out = g_string_new (NULL);
  /* relaxed: statistics (all of them below) */
#define GET(x) ((guint64) atomic_load_explicit (&(x), memory_order_relaxed))

  g_string_append_printf (out, "%s: %s: %s ring=%s cycles=%" G_GUINT64_FORMAT
      " frames=%" G_GUINT64_FORMAT, cli_get_program (), label,
      rt->mode == RB_JACK_PLAY ? "play" : "record", app->opt.ring_name,
      GET (rt->cycles), GET (rt->frames));
  if (rt->mode == RB_JACK_PLAY)
    g_string_append_printf (out, " ran_dry=%" G_GUINT64_FORMAT
        " silent_frames=%" G_GUINT64_FORMAT " skipped_frames=%"
        G_GUINT64_FORMAT, GET (rt->ran_dry), GET (rt->silent_frames),
        GET (rt->skipped_frames));
  else
    g_string_append_printf (out, " filled_up=%" G_GUINT64_FORMAT
        " dropped_frames=%" G_GUINT64_FORMAT, GET (rt->filled_up),
        GET (rt->dropped_frames));
  g_string_append_printf (out, " xruns=%" G_GUINT64_FORMAT " fill=%"
      G_GUINT64_FORMAT " latency=%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
      GET (app->xruns), GET (rt->fill), GET (app->latency_min),
      GET (app->latency_max));
  if (app->opt.reader) {
    static const char *const causes[RB_JACK_N_GAP_CAUSES] = {
      [RB_GAP_OVERWRITTEN] = "overwritten",
      [RB_GAP_UNDERRUN] = "underrun",
      [RB_GAP_PRODUCER_RESTART] = "producer_restart",
      [RB_GAP_SKIP] = "skip",
    };

    g_string_append_printf (out, " reader=%s",
        app->opt.reader_policy == RB_READER_POLICY_LATEST ? "latest" :
        "catch-up");
    for (unsigned c = 0; c < RB_JACK_N_GAP_CAUSES; c++)
      g_string_append_printf (out, " gaps_%s=%" G_GUINT64_FORMAT
          " gap_frames_%s=%" G_GUINT64_FORMAT, causes[c],
          GET (rt->gaps[c]), causes[c], GET (rt->gap_frames[c]));
  }
#undef GET
  resample_stats (app, out);
  switch (app->peer_state) {
    case RB_PEER_STATE_ALIVE:
      g_string_append_printf (out, " peer=alive:%u\n", app->peer_pid);
      break;
    case RB_PEER_STATE_GONE:
      g_string_append (out, " peer=gone\n");
      break;
    case RB_PEER_STATE_NONE:
    default:
      g_string_append (out, " peer=none\n");
      break;
  }
  write_stdout (out, 0);
}
