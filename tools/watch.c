/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat --watch: the listing again every interval, with the
 * rates between two refreshes, redrawn in place on a terminal, until q,
 * Ctrl-C, SIGTERM or SIGHUP. The listing is the table of top.c, one line
 * a ring, or the detail view (the text report of each ring): watching one
 * named ring shows its detail, and d switches between the two. */

#include "stat.h"

#include <glib-unix.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

typedef struct {
  dev_t dev;
  ino_t ino;
  guint64 write_pos, read_pos;
  gint64 time_us;
} Previous;

static void
update_rates (GHashTable *previous, RingInfo *ri, gint64 now_us)
{
  Previous *p;

  if (!ri->valid) {
    g_hash_table_remove (previous, ri->path);
    return;
  }
  p = g_hash_table_lookup (previous, ri->path);
  /* same file (a ring made anew under the same name starts over), and
   * positions that only moved forward */
  if (p != NULL && p->dev == ri->st.st_dev && p->ino == ri->st.st_ino &&
      now_us > p->time_us && ri->s.write_position - p->write_pos < G_MAXINT64 &&
      ri->s.read_position - p->read_pos < G_MAXINT64) {
    gdouble dt = (gdouble) (now_us - p->time_us) / G_USEC_PER_SEC;
    ri->write_rate = (gdouble) (ri->s.write_position - p->write_pos) / dt;
    ri->read_rate = (gdouble) (ri->s.read_position - p->read_pos) / dt;
    ri->have_rates = TRUE;
  }
  if (p == NULL) {
    p = g_new0 (Previous, 1);
    g_hash_table_insert (previous, g_strdup (ri->path), p);
  }
  p->dev = ri->st.st_dev;
  p->ino = ri->st.st_ino;
  p->write_pos = ri->s.write_position;
  p->read_pos = ri->s.read_position;
  p->time_us = now_us;
}

typedef struct {
  const Options *opt;
  GMainLoop *loop;
  GHashTable *previous;
  int status;
  gboolean tty_out;
  gboolean raw_in;
  gboolean detail;              /* the text report, not the table */
  struct termios saved_termios;
} Watch;

/* @out redrawn over the terminal's screen. */
static GString *
screen_of (const GString *out)
{
  GString *screen;
  struct winsize ws;
  guint rows = G_MAXUINT, row = 0, cols = G_MAXUINT, col = 0;

  /* like top, what does not fit is cut: a screen that scrolled would
   * push the top lines out at every refresh, and a line that wrapped
   * would take two rows (the output is ASCII: printable() escaped the
   * rest) */
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
    rows = ws.ws_row;
    cols = ws.ws_col > 0 ? ws.ws_col : G_MAXUINT;
  }
  /* Home, then each line cleared to its end and the rest of the
   * screen below: a redraw without the flicker of a full clear. */
  screen = g_string_new ("\033[H");
  for (const char *p = out->str; *p != '\0'; p++) {
    if (*p == '\n') {
      g_string_append (screen, "\033[K");
      /* no newline after the last row, or the screen scrolls */
      if (++row >= rows)
        break;
      col = 0;
    } else if (col++ >= cols) {
      continue;
    }
    g_string_append_c (screen, *p);
  }
  g_string_append (screen, "\033[J");
  return screen;
}

/* The terminal's columns, or 0 (the table's 80) when output is no
 * terminal. */
static guint
terminal_width (const Watch *w)
{
  struct winsize ws;

  if (w->tty_out && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
    return ws.ws_col;
  return 0;
}

static gboolean
watch_refresh (gpointer data)
{
  Watch *w = data;
  g_autoptr (GPtrArray) rings = collect_rings (w->opt);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) screen = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree gchar *clock = g_date_time_format (now, "%H:%M:%S");
  gint64 now_us = g_get_monotonic_time ();
  int err;

  if (rings == NULL)
    rings = g_ptr_array_new_with_free_func ((GDestroyNotify) ring_info_free);
  /* problems are shown in place, refreshed, not repeated on stderr */
  inspect_all (rings, w->opt, TRUE);
  for (guint i = 0; i < rings->len; i++)
    update_rates (w->previous, g_ptr_array_index (rings, i), now_us);

  if (w->opt->json) {
    render (out, rings, w->opt, FALSE);
  } else {
    g_string_append_printf (out, "%s %s: %u ring%s, every %g s, %s%s\n\n",
        cli_get_program (), RB_VERSION_STRING, rings->len,
        rings->len == 1 ? "" : "s", w->opt->interval, clock,
        w->raw_in ? (w->detail ? " (q quits) (d: table)" :
            " (q quits) (d: detail)") : "");
    if (w->detail)
      render (out, rings, w->opt, FALSE);
    else
      top_rings (out, rings, terminal_width (w));
    if (w->tty_out)
      screen = screen_of (out);
    else
      g_string_append_c (out, '\n');
  }

  err = screen != NULL ? cli_write_all (STDOUT_FILENO, screen->str,
      screen->len) : cli_write_all (STDOUT_FILENO, out->str, out->len);
  if (err != 0) {
    if (err != EPIPE) {
      print_error ("cannot write output: %s", g_strerror (err));
      w->status = EX_IOERR;
    }
    g_main_loop_quit (w->loop);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
watch_signal (gint fd, GIOCondition condition, gpointer data)
{
  Watch *w = data;
  struct signalfd_siginfo info;

  if (read (fd, &info, sizeof info) == (ssize_t) sizeof info)
    g_main_loop_quit (w->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
watch_key (gint fd, GIOCondition condition, gpointer data)
{
  Watch *w = data;
  char c;
  ssize_t n = read (fd, &c, 1);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    return G_SOURCE_REMOVE;
  if (c == 'q' || c == 'Q') {
    g_main_loop_quit (w->loop);
  } else if (c == 'd' || c == 'D') {
    w->detail = !w->detail;
    if (watch_refresh (w) == G_SOURCE_REMOVE)
      return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

int
do_watch (const Options *opt)
{
  Watch w = { .opt = opt };
  sigset_t signals;
  int signal_fd;
  guint interval_ms = (guint) (opt->interval * 1000.0 + 0.5);

  w.loop = g_main_loop_new (NULL, FALSE);
  w.previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w.tty_out = isatty (STDOUT_FILENO) && !opt->json;
  /* one named ring: its detail; several, or all: the table */
  w.detail = opt->names != NULL && g_strv_length (opt->names) == 1;

  /* Single keys need the terminal out of line mode; only in the
   * foreground, where changing it does not stop us with SIGTTOU. */
  if (isatty (STDIN_FILENO) && tcgetpgrp (STDIN_FILENO) == getpgrp () &&
      tcgetattr (STDIN_FILENO, &w.saved_termios) == 0) {
    struct termios raw = w.saved_termios;

    raw.c_lflag &= ~(tcflag_t) (ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr (STDIN_FILENO, TCSANOW, &raw) == 0) {
      w.raw_in = TRUE;
      g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP, watch_key, &w);
    }
  }
  /* A signalfd rather than g_unix_signal_add(): no helper thread, and the
   * signals arrive as events of the loop that quits cleanly. */
  sigemptyset (&signals);
  sigaddset (&signals, SIGINT);
  sigaddset (&signals, SIGTERM);
  sigaddset (&signals, SIGHUP);
  pthread_sigmask (SIG_BLOCK, &signals, NULL);   /* cannot fail: valid how */
  signal_fd = signalfd (-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) {
    print_error ("signalfd: %s", g_strerror (errno));
    w.status = EX_OSERR;
    goto out;
  }
  g_unix_fd_add (signal_fd, G_IO_IN, watch_signal, &w);

  if (watch_refresh (&w) == G_SOURCE_CONTINUE) {
    g_timeout_add (interval_ms, watch_refresh, &w);
    g_main_loop_run (w.loop);
  }

out:
  /* the signals stay blocked: a second Ctrl-C while we clean up must not
   * kill us half-way, with the terminal still out of line mode */
  if (signal_fd >= 0)
    close (signal_fd);
  if (w.raw_in)
    tcsetattr (STDIN_FILENO, TCSANOW, &w.saved_termios);
  /* the shell's prompt goes below the last screen, not onto its last row */
  if (w.tty_out && w.status == 0)
    cli_write_all (STDOUT_FILENO, "\n", 1);
  g_hash_table_unref (w.previous);
  g_main_loop_unref (w.loop);
  return w.status;
}
