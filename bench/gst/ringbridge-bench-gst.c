/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-bench-gst: ringsink -> ringsrc against GStreamer's own ways of
 * moving buffers, in one run (see docs/benchmarks.md).
 *
 * Paths, each from a producer pipeline to a consumer pipeline:
 *   queue        one pipeline, producer ! queue ! consumer: the baseline;
 *                it passes references, so it is the floor for any copy
 *   ring-inproc  ringsink -> ringsrc in this process, through an RbRing
 *                made here and handed to both elements (the `ring`
 *                property): a records ring for buffers, an audio ring for
 *                live audio
 *   ring-xproc   ringsink ring-name=X in a child process -> ringsrc
 *                ring-name=X here
 *   shm-xproc    shmsink in a child process -> shmsrc here (plugins-bad)
 *   interaudio   interaudiosink -> interaudiosrc in this process
 *                (plugins-bad; audio only, and clocked: see below)
 * The child is this program again (the hidden --child option) running the
 * producer pipeline; it dies with us (PR_SET_PDEATHSIG) and is killed if a
 * run stalls.
 *
 * Throughput: fakesrc makes N-byte buffers (filltype=nothing, so no path
 * pays for filling them), a pad probe stamps a sequence number and three
 * check words into each, fakesink sync=false takes them and a probe checks
 * every one: a lost, repeated, reordered, truncated or corrupted buffer is
 * a mismatch and the program exits 1. The clock runs at the consumer, from
 * the buffer at 20 % of the run to the last one, so that the start (child
 * start-up, a ring or queue filling before the consumer runs) is not
 * timed. CPU time is getrusage() of each process over the same window of
 * buffers (the child measures its own from its 20 % buffer to its last),
 * summed: CPU per buffer is comparable between one and two processes.
 * interaudio moves raw audio (S32LE stereo, size/8 frames per buffer) from
 * a live audiotestsrc: it runs at the audio rate whatever the machine can
 * do, so its buffers/s is the real-time rate, reported as what it does.
 *
 * Latency: live audio, audiotestsrc is-live=true, S32LE stereo at 48 kHz in
 * buffers of 64 and 256 frames. A probe writes into every frame its frame
 * counter (channel 0) and the low 32 bits of CLOCK_MONOTONIC in ns when the
 * buffer left the source (channel 1); CLOCK_MONOTONIC is system-wide, so
 * the stamps hold across processes, and they survive paths that re-chunk
 * the stream (audio rings, interaudio). The consumer takes now - stamp at
 * the first frame of every producer buffer. The sinks before the transport
 * run sync=false (the live source sets the pace) and so does fakesink: the
 * figure is the transport's, not the pipeline's configured latency. A ring
 * holds 4 buffers (at least a page), reported in time as ring_fill_us, the
 * bound on what can wait in it; ringsrc reads buffer-frames = the producer's
 * buffer size. interaudio runs at its defaults (period-time 25 ms).
 *
 * shmsink's shm-size: shmsink sends a message over its socket per buffer and
 * shmsrc one back per release; with room for many small buffers in flight
 * both sockets fill and the two sides deadlock (seen here with 256 B buffers
 * and 1 MiB, 4 KiB buffers and 4 MiB). The default is room for 64 buffers
 * (--shm-size changes it); a run that stalls for --timeout seconds is
 * stopped and counted as deadlocked instead of hanging the benchmark.
 *
 * Repetitions: every repetition runs every path at every size, the paths of
 * one size back to back in rotated order, so machine noise hits all of them;
 * ratios are medians of per-repetition ratios to queue. */

#include "bench-common.h"
#include "bench-json.h"
#include "bench-machine.h"
#include "bench-stats.h"
#include "bench-gst-stamps.h"

#include <ringbridge/ringbridge.h>
#include <gst/gst.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RATE 48000
#define CHANNELS 2
#define AUDIO_CAPS "audio/x-raw,format=S32LE,rate=48000,channels=2," \
    "layout=interleaved"
#define BYTES_CAPS "application/x-ringbridge-bench"
/* Records rings of the throughput runs: what ringsink makes by default. */
#define RECORDS_CAPACITY (4 * 1024 * 1024)
/* shmsink: room for this many buffers (see the header). */
#define SHM_BUFFERS 64
/* Latency rings hold this many producer buffers (at least a page). */
#define RING_BUFFERS 4
#define MAX_SAMPLES_OUT 2000
/* Beyond the stall timeout: how long a finished producer process may take
 * to exit before it is killed, and how long a lossy path may stay silent
 * after its producer ended. */
#define CHILD_EXIT_GRACE_NS (3 * G_GINT64_CONSTANT (1000000000))
#define LOSSY_TAIL_NS (G_GINT64_CONSTANT (1000000000))
/* A teardown that takes longer than this aborts the benchmark. */
#define TEARDOWN_LIMIT_NS (30 * G_GINT64_CONSTANT (1000000000))


static const gsize sizes[] = { 256, 4096, 65536 };
static const guint lat_frames[] = { 64, 256 };
#define N_SIZES G_N_ELEMENTS (sizes)
#define N_LAT G_N_ELEMENTS (lat_frames)

/* The paths, one row each: PATH_id, its name, whether it is ours (its
 * failures fail the program; the others are peers) and lossless. */
#define PATHS(X) \
  X (QUEUE, "queue", true, true) \
  X (RING_INPROC, "ring-inproc", true, true) \
  X (RING_XPROC, "ring-xproc", true, true) \
  X (SHM_XPROC, "shm-xproc", false, true) \
  X (INTERAUDIO, "interaudio", false, false)

#define PATH_ID(id, name, ours, lossless) PATH_##id,
#define PATH_NAME(id, name, ours, lossless) name,
#define PATH_OURS(id, name, ours, lossless) ours,
#define PATH_LOSSLESS(id, name, ours, lossless) lossless,
enum path { PATHS (PATH_ID) N_PATHS };
static const char *const path_names[N_PATHS] = { PATHS (PATH_NAME) };
static const bool path_ours[N_PATHS] = { PATHS (PATH_OURS) };
static const bool path_lossless[N_PATHS] = { PATHS (PATH_LOSSLESS) };
#undef PATH_ID
#undef PATH_NAME
#undef PATH_OURS
#undef PATH_LOSSLESS

/* --- options ------------------------------------------------------------ */

static gint64 opt_buffers = 0;
static gdouble opt_seconds = 0;
static gint64 opt_shm_size = 0;
static gdouble opt_timeout = 0;
/* the producer process (hidden) */
static gchar *opt_child = NULL;
static gchar *opt_child_kind = NULL;
static gint64 opt_child_unit = 0;
static gint64 opt_child_count = 0;
static gint64 opt_child_inject = -1;
static gint64 opt_child_cpu_from = 0;

static bool have_path[N_PATHS];
static gchar *missing_note[N_PATHS];

/* --- the producer process ------------------------------------------------ */

/* Runs the producer pipeline given by the parent, prints its CPU time
 * over the window as "cpu_us N" and exits 0 at end of stream. */
static int
child_main (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  struct gen g;
  int status = 0;

  if (getppid () == 1)
    return EXIT_SETUP;
  gen_init (&g, g_strcmp0 (opt_child_kind, "audio") == 0 ? KIND_AUDIO :
      KIND_BYTES, (gsize) opt_child_unit, (guint64) opt_child_count,
      opt_child_inject < 0 ? G_MAXUINT64 : (guint64) opt_child_inject);
  g.cpu_from = (guint64) opt_child_cpu_from;
  pipeline = gst_parse_launch (opt_child, &error);
  if (pipeline == NULL) {
    g_printerr ("child: %s\n", error->message);
    return EXIT_SETUP;
  }
  if (!gen_attach (&g, pipeline)) {
    g_printerr ("child: no element 'gen' in the pipeline\n");
    return EXIT_SETUP;
  }
  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    status = EXIT_SETUP;
  if (status == 0) {
    msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      g_autoptr (GError) err = NULL;
      g_autofree gchar *dbg = NULL;

      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("child: %s: %s (%s)\n", GST_OBJECT_NAME (msg->src),
          err->message, GST_STR_NULL (dbg));
      status = EXIT_SETUP;
    }
  } else {
    g_printerr ("child: the producer pipeline does not start\n");
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_print ("cpu_us %" G_GINT64_FORMAT "\n", g.cpu_end - g.cpu_start);
  fflush (stdout);
  return status;
}

/* --- processes, names and clean-up --------------------------------------- */

/* What must not outlive us: the producer process, its socket, its ring
 * and its shm area. Read by the signal handler. */
static volatile pid_t child_pid = 0;
static char cleanup_socket[256];
static char cleanup_ring[256];
static gchar *self_exe;
static guint run_serial;

static void
remove_shm_areas (pid_t pid)
{
  /* shmsink's area, "shmpipe.%5d.%5d" with its pid, stays when it is
   * killed */
  g_autofree gchar *prefix = g_strdup_printf ("shmpipe.%5d.", (int) pid);
  g_autoptr (GDir) dir = g_dir_open ("/dev/shm", 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix)) {
      g_autofree gchar *path = g_build_filename ("/dev/shm", name, NULL);
      unlink (path);
    }
}

static void
cleanup_now (void)
{
  pid_t pid = child_pid;

  if (pid > 0) {
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
    child_pid = 0;
  }
  if (cleanup_socket[0] != '\0')
    unlink (cleanup_socket);
  if (cleanup_ring[0] != '\0')
    unlink (cleanup_ring);
  cleanup_socket[0] = cleanup_ring[0] = '\0';
}

static void
on_signal (int sig)
{
  /* async-signal-safe calls only */
  if (child_pid > 0)
    kill (child_pid, SIGKILL);
  if (cleanup_socket[0] != '\0')
    unlink (cleanup_socket);
  if (cleanup_ring[0] != '\0')
    unlink (cleanup_ring);
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
child_setup (G_GNUC_UNUSED gpointer data)
{
  /* dies with the benchmark, even a killed one */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
spawn_child (const char *desc, enum kind kind, gsize unit, guint64 count,
    guint64 inject_at, int *out_fd, GError **error)
{
  g_autofree gchar *unit_s = g_strdup_printf ("%" G_GSIZE_FORMAT, unit);
  g_autofree gchar *count_s = g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  g_autofree gchar *inject_s = g_strdup_printf ("%" G_GINT64_FORMAT,
      inject_at == G_MAXUINT64 ? (gint64) - 1 : (gint64) inject_at);
  g_autofree gchar *from_s = g_strdup_printf ("%" G_GUINT64_FORMAT,
      count / WARM_DIVISOR);
  const gchar *argv[] = { self_exe, "--child", desc,
    "--child-kind", kind == KIND_AUDIO ? "audio" : "bytes",
    "--child-unit", unit_s, "--child-count", count_s,
    "--child-inject", inject_s, "--child-cpu-from", from_s, NULL
  };
  GPid pid;

  if (!g_spawn_async_with_pipes (NULL, (gchar **) argv, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL, &pid, NULL, out_fd,
          NULL, error))
    return FALSE;
  child_pid = pid;
  return TRUE;
}

/* Reads what the finished child printed: its CPU time, or NAN. */
static double
child_report (int fd)
{
  char buf[256];
  ssize_t n, len = 0;
  gint64 v;

  while (len < (ssize_t) sizeof buf - 1 &&
      (n = read (fd, buf + len, sizeof buf - 1 - (size_t) len)) > 0)
    len += n;
  buf[MAX (len, 0)] = '\0';
  if (sscanf (buf, "cpu_us %" G_GINT64_FORMAT, &v) == 1)
    return (double) v;
  return NAN;
}

/* --- one run ------------------------------------------------------------- */

struct run {
  enum path path;
  enum kind kind;
  gsize unit;                   /* bytes or frames per producer buffer */
  guint64 count;                /* producer buffers */
  bool inject;
  /* out */
  double buffers_per_s;
  double cpu_us_per_buffer;
  bool deadlocked;
  bool failed;                  /* an error, a stall or a mismatch */
  bool mismatch;
  bool injected;                /* an injected error went in */
  double ring_fill_us;          /* NAN where there is no ring */
  double max_fill_us;
  guint64 lost_frames;
  double *lat_us;               /* owned by the caller */
  gsize n_lat;
};

static void
run_note (struct run *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
run_note (struct run *r, const char *fmt, ...)
{
  g_autofree gchar *msg = NULL;
  va_list args;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_printerr ("%s %s, %" G_GSIZE_FORMAT " %s: %s\n", path_names[r->path],
      r->kind == KIND_AUDIO ? "audio" : "buffers", r->unit,
      r->kind == KIND_AUDIO ? "frames" : "B", msg);
}

static gchar *
source_desc (const struct run *r)
{
  if (r->kind == KIND_BYTES)
    return g_strdup_printf ("fakesrc sizetype=fixed sizemax=%" G_GSIZE_FORMAT
        " filltype=nothing num-buffers=%" G_GUINT64_FORMAT " ! capsfilter "
        "name=gen caps=\"" BYTES_CAPS "\"", r->unit, r->count);
  return g_strdup_printf ("audiotestsrc is-live=true wave=silence "
      "samplesperbuffer=%" G_GSIZE_FORMAT " num-buffers=%" G_GUINT64_FORMAT
      " ! capsfilter name=gen caps=\"" AUDIO_CAPS "\"", r->unit, r->count);
}

#define SINK_OPTS "sync=false silent=true enable-last-sample=false"

static gsize
latency_ring_frames (gsize frames)
{
  gsize bytes = RING_BUFFERS * frames * FRAME_BYTES;

  bytes = (bytes + 4095) / 4096 * 4096;
  return bytes / FRAME_BYTES;
}

static gsize
shm_size_for (gsize buffer_bytes)
{
  gsize size = opt_shm_size > 0 ? (gsize) opt_shm_size :
      SHM_BUFFERS * buffer_bytes;

  return (size + 4095) / 4096 * 4096;
}

static GstElement *
parse_or_note (struct run *r, const gchar *desc)
{
  g_autoptr (GError) error = NULL;
  GstElement *p = gst_parse_launch (desc, &error);

  if (p == NULL || error != NULL) {
    run_note (r, "cannot build '%s': %s", desc,
        error ? error->message : "unknown error");
    g_clear_object (&p);
  }
  return p;
}

/* Takes the bus's errors and EOS. The first error's text goes to
 * *@first (if not NULL and not set yet), for the caller to print if it
 * matters: after the last buffer, errors are the ends closing. */
static bool
pop_errors (GstBus *bus, GstClockTime timeout, bool *eos, gchar **first)
{
  GstMessage *msg;
  bool error = false;

  if (bus == NULL)
    return false;
  while ((msg = gst_bus_timed_pop_filtered (bus, timeout,
              GST_MESSAGE_ERROR | GST_MESSAGE_EOS)) != NULL) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      g_autoptr (GError) err = NULL;
      g_autofree gchar *dbg = NULL;

      gst_message_parse_error (msg, &err, &dbg);
      if (first != NULL && *first == NULL)
        *first = g_strdup_printf ("%s: %s (%s)", GST_OBJECT_NAME (msg->src),
            err->message, GST_STR_NULL (dbg));
      error = true;
    } else if (eos != NULL) {
      *eos = true;
    }
    gst_message_unref (msg);
    timeout = 0;
  }
  return error;
}

static bool
wait_for_file (const char *path, guint64 deadline, pid_t pid)
{
  while (now_ns () < deadline) {
    if (access (path, F_OK) == 0)
      return true;
    if (waitpid (pid, NULL, WNOHANG) != 0)
      return false;
    g_usleep (2000);
  }
  return false;
}

struct stopper {
  GstElement *pipeline;
  atomic_int stopped;
};

static gpointer
stop_thread (gpointer data)
{
  struct stopper *st = data;

  gst_element_set_state (st->pipeline, GST_STATE_NULL);
  atomic_store_explicit (&st->stopped, 1, memory_order_release);
  return NULL;
}

/* Stops @p. A shmsrc whose shmsink process hangs can block in send()
 * while it stops: after a while that process is killed, which ends the
 * send(); if even that does not help, the benchmark gives up rather
 * than hang. */
static void
teardown_state (GstElement *p, pid_t pid)
{
  struct stopper st = { p, 0 };
  guint64 kill_at = now_ns () + CHILD_EXIT_GRACE_NS;
  guint64 give_up = now_ns () + TEARDOWN_LIMIT_NS;
  GThread *thread;

  if (p == NULL)
    return;
  thread = g_thread_new ("stop", stop_thread, &st);
  while (!atomic_load_explicit (&st.stopped, memory_order_acquire)) {
    guint64 now = now_ns ();

    if (pid > 0 && now > kill_at && child_pid == pid) {
      g_printerr ("a pipeline does not stop: killing the producer process\n");
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      child_pid = 0;
    }
    if (now > give_up) {
      g_printerr ("error: a pipeline did not stop within %d s; giving up\n",
          (int) (TEARDOWN_LIMIT_NS / 1000000000));
      cleanup_now ();
      _exit (EXIT_SETUP);
    }
    g_usleep (2000);
  }
  g_thread_join (thread);
}

/* The state of one run of run_path(), from its pipelines' descriptions to
 * their teardown. */
struct session {
  struct run *r;
  bool xproc, audio;
  gchar *src, *prod_desc, *cons_desc;
  gchar *ring_name, *sock, *chan, *buffer_frames, *bus_error;
  RbRing *ring;                 /* ring-inproc: the ring both elements use */
  GstElement *prod, *cons;      /* prod NULL when in a producer process */
  GstBus *prod_bus, *cons_bus;
  guint64 timeout_ns, start, deadline, child_done_at;
  bool prod_eos, cons_eos, child_exited;
  int child_status, out_fd;
  double child_cpu;
  pid_t pid;                    /* the producer process, or 0 */
  struct gen g;
  struct check c;
};

static void
session_init (struct session *s, struct run *r)
{
  guint64 inject_at = r->inject ? r->count / 2 : G_MAXUINT64;

  memset (s, 0, sizeof *s);
  s->r = r;
  s->xproc = r->path == PATH_RING_XPROC || r->path == PATH_SHM_XPROC;
  s->audio = r->kind == KIND_AUDIO;
  s->src = source_desc (r);
  s->timeout_ns = (guint64) (opt_timeout * 1e9);
  s->out_fd = -1;
  s->child_cpu = NAN;
  r->ring_fill_us = NAN;
  r->max_fill_us = NAN;
  r->buffers_per_s = NAN;
  r->cpu_us_per_buffer = NAN;
  r->injected = r->inject && path_lossless[r->path];
  run_serial++;
  gen_init (&s->g, r->kind, r->unit, r->count, r->injected ? inject_at :
      G_MAXUINT64);
  s->c.kind = r->kind;
  s->c.unit = r->unit;
  s->c.count = r->count;
  s->c.lossless = path_lossless[r->path];
  s->c.from = r->count / WARM_DIVISOR;
  s->c.skip_lat = r->count / WARM_DIVISOR;
  s->c.max_lat = s->audio ? r->count : 0;
  s->c.lat_us = r->lat_us;
  s->buffer_frames = s->audio ? g_strdup_printf (" buffer-frames=%"
      G_GSIZE_FORMAT, r->unit) : g_strdup ("");
}

static bool
describe_ring_inproc (struct session *s)
{
  struct run *r = s->r;
  g_autoptr (GError) error = NULL;

  s->ring = s->audio ? rb_ring_new_audio (RB_SAMPLE_FORMAT_S32LE, CHANNELS,
      RATE, latency_ring_frames (r->unit), RB_RING_FLAGS_NONE, &error) :
      rb_ring_new_full (RECORDS_CAPACITY, RB_RING_FLAGS_RECORDS, &error);
  if (s->ring == NULL) {
    run_note (r, "cannot make the ring: %s", error->message);
    return false;
  }
  if (s->audio) {
    r->ring_fill_us = (double) rb_ring_get_capacity_frames (s->ring) * 1e6 /
        RATE;
    s->c.fill_ring = s->ring;
  }
  s->prod_desc = g_strdup_printf ("%s ! ringsink name=rsink sync=false",
      s->src);
  s->cons_desc = g_strdup_printf ("ringsrc name=rsrc%s ! fakesink name=out "
      SINK_OPTS, s->buffer_frames);
  return true;
}

static void
describe_ring_xproc (struct session *s)
{
  struct run *r = s->r;
  g_autofree gchar *cap = NULL;
  g_autofree gchar *path = NULL;

  s->ring_name = g_strdup_printf ("rbbench-gst-%d-%u", (int) getpid (),
      run_serial);
  path = rb_ring_name_to_path (s->ring_name);
  g_strlcpy (cleanup_ring, path, sizeof cleanup_ring);
  if (s->audio) {
    gsize frames = latency_ring_frames (r->unit);

    cap = g_strdup_printf (" capacity=%" G_GSIZE_FORMAT,
        frames * FRAME_BYTES);
    r->ring_fill_us = (double) frames * 1e6 / RATE;
  } else {
    cap = g_strdup_printf (" capacity=%d", RECORDS_CAPACITY);
  }
  s->prod_desc = g_strdup_printf ("%s ! ringsink ring-name=%s sync=false%s",
      s->src, s->ring_name, cap);
  s->cons_desc = g_strdup_printf ("ringsrc ring-name=%s%s ! fakesink "
      "name=out " SINK_OPTS, s->ring_name, s->buffer_frames);
}

/* The pipelines of the run's path: the producer's (in a producer process
 * for the xproc paths) and the consumer's (none for queue). */
static bool
describe_path (struct session *s)
{
  gsize buf_bytes = s->audio ? s->r->unit * FRAME_BYTES : s->r->unit;

  switch (s->r->path) {
    case PATH_QUEUE:
      s->prod_desc = g_strdup_printf ("%s ! queue ! fakesink name=out "
          SINK_OPTS, s->src);
      return true;
    case PATH_RING_INPROC:
      return describe_ring_inproc (s);
    case PATH_RING_XPROC:
      describe_ring_xproc (s);
      return true;
    case PATH_SHM_XPROC:
      s->sock = g_strdup_printf ("%s/ringbridge-bench-gst-%d-%u.sock",
          g_get_tmp_dir (), (int) getpid (), run_serial);
      g_strlcpy (cleanup_socket, s->sock, sizeof cleanup_socket);
      s->prod_desc = g_strdup_printf ("%s ! shmsink socket-path=%s "
          "shm-size=%" G_GSIZE_FORMAT " wait-for-connection=true sync=false",
          s->src, s->sock, shm_size_for (buf_bytes));
      s->cons_desc = g_strdup_printf ("shmsrc socket-path=%s ! fakesink "
          "name=out " SINK_OPTS, s->sock);
      return true;
    case PATH_INTERAUDIO:
      s->chan = g_strdup_printf ("rbbench-%d-%u", (int) getpid (),
          run_serial);
      s->prod_desc = g_strdup_printf ("%s ! interaudiosink channel=%s "
          "sync=false", s->src, s->chan);
      s->cons_desc = g_strdup_printf ("interaudiosrc channel=%s ! capsfilter "
          "caps=\"" AUDIO_CAPS "\" ! fakesink name=out " SINK_OPTS, s->chan);
      return true;
    default:
      g_assert_not_reached ();
  }
}

/* Builds the pipelines of this process and attaches the stamps and the
 * checks. */
static bool
build_pipelines (struct session *s)
{
  struct run *r = s->r;

  if (!s->xproc && (s->prod = parse_or_note (r, s->prod_desc)) == NULL)
    return false;
  if (s->cons_desc != NULL &&
      (s->cons = parse_or_note (r, s->cons_desc)) == NULL)
    return false;
  if (r->path == PATH_RING_INPROC) {
    g_autoptr (GstElement) rs = gst_bin_get_by_name (GST_BIN (s->prod),
        "rsink");
    g_autoptr (GstElement) rr = gst_bin_get_by_name (GST_BIN (s->cons),
        "rsrc");
    g_object_set (rs, "ring", s->ring, NULL);
    g_object_set (rr, "ring", s->ring, NULL);
  }
  if ((s->prod != NULL && !gen_attach (&s->g, s->prod)) ||
      !check_attach (&s->c, s->cons != NULL ? s->cons : s->prod)) {
    run_note (r, "a pipeline lacks 'gen' or 'out'");
    return false;
  }
  if (s->prod != NULL)
    s->prod_bus = gst_element_get_bus (s->prod);
  if (s->cons != NULL)
    s->cons_bus = gst_element_get_bus (s->cons);
  return true;
}

static bool
start_producer_process (struct session *s)
{
  struct run *r = s->r;
  g_autoptr (GError) error = NULL;

  if (!spawn_child (s->prod_desc, r->kind, r->unit, r->count, s->g.inject_at,
          &s->out_fd, &error)) {
    run_note (r, "cannot start the producer process: %s", error->message);
    return false;
  }
  s->pid = child_pid;
  return true;
}

/* shmsink's socket exists from bind() on, but takes connections only
 * after listen(): a refused shmsrc tries again until the deadline. */
static bool
start_consumer (struct session *s)
{
  while (gst_element_set_state (s->cons, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    if (s->r->path == PATH_SHM_XPROC && now_ns () < s->deadline) {
      pop_errors (s->cons_bus, 0, NULL, NULL);
      gst_element_set_state (s->cons, GST_STATE_NULL);
      g_usleep (10000);
      continue;
    }
    pop_errors (s->cons_bus, 0, NULL, &s->bus_error);
    run_note (s->r, "the consumer pipeline does not start: %s",
        GST_STR_NULL (s->bus_error));
    return false;
  }
  return true;
}

/* The consumer first, so that nothing queues up before it runs; shmsrc
 * needs shmsink's socket, so there the producer goes first. */
static bool
start_pipelines (struct session *s)
{
  struct run *r = s->r;

  s->start = now_ns ();
  s->deadline = s->start + s->timeout_ns;
  atomic_store_explicit (&s->c.last_progress, s->start, memory_order_relaxed);
  if (r->path == PATH_SHM_XPROC) {
    if (!start_producer_process (s))
      return false;
    if (!wait_for_file (s->sock, s->deadline, s->pid)) {
      run_note (r, "shmsink's socket did not appear within %.0f s",
          opt_timeout);
      return false;
    }
  }
  if (s->cons != NULL && !start_consumer (s))
    return false;
  if (r->path == PATH_RING_XPROC && !start_producer_process (s))
    return false;
  if (s->prod != NULL && gst_element_set_state (s->prod, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    pop_errors (s->prod_bus, 0, NULL, &s->bus_error);
    run_note (r, "the producer pipeline does not start: %s",
        GST_STR_NULL (s->bus_error));
    return false;
  }
  return true;
}

/* One look at a run in progress at @now, the checks' last progress at
 * @last; true when it is over (r->failed or r->deadlocked say how). */
static bool
run_over (struct session *s, guint64 now, guint64 last)
{
  struct run *r = s->r;
  const char *what = s->audio ? "frames" : "buffers";

  if (!s->c.lossless && (s->prod_eos || s->cons_eos) &&
      now - last > LOSSY_TAIL_NS)
    return true;
  if (s->cons_eos || (s->prod_eos && s->cons == NULL)) {
    r->failed = true;
    run_note (r, "end of stream after %" G_GUINT64_FORMAT " of %"
        G_GUINT64_FORMAT " %s", s->c.received, s->audio ?
        r->count * r->unit : r->count, what);
    return true;
  }
  if (s->child_exited &&
      now - MAX (s->child_done_at, last) > CHILD_EXIT_GRACE_NS) {
    r->failed = true;
    run_note (r, "the producer process ended (status %d) after %"
        G_GUINT64_FORMAT " %s", s->child_status, s->c.received, what);
    return true;
  }
  if (now - last > s->timeout_ns) {
    r->deadlocked = true;
    run_note (r, "no progress for %.0f s after %" G_GUINT64_FORMAT " %s: "
        "stopped, counted as deadlocked", opt_timeout, s->c.received, what);
    return true;
  }
  return false;
}

/* Waits for the end of the run: its last buffer checked, an error, the
 * end of a stream, or no progress for --timeout. */
static void
watch_run (struct session *s)
{
  for (;;) {
    guint64 now, last;
    bool err, done = atomic_load_explicit (&s->c.done, memory_order_relaxed);

    err = pop_errors (s->cons_bus ? s->cons_bus : s->prod_bus,
        5 * GST_MSECOND, s->cons_bus ? &s->cons_eos : &s->prod_eos,
        &s->bus_error);
    if (s->cons_bus != NULL)
      err |= pop_errors (s->prod_bus, 0, &s->prod_eos, &s->bus_error);
    if (done || atomic_load_explicit (&s->c.done, memory_order_relaxed))
      return;
    if (err) {
      run_note (s->r, "error from %s", s->bus_error);
      s->r->failed = true;
      return;
    }
    now = now_ns ();
    last = atomic_load_explicit (&s->c.last_progress, memory_order_relaxed);
    if (s->pid > 0 && !s->child_exited &&
        waitpid (s->pid, &s->child_status, WNOHANG) == s->pid) {
      s->child_exited = true;
      child_pid = 0;
      s->child_done_at = now;
    }
    if (run_over (s, now, last))
      return;
  }
}

/* A finished producer process exits by itself (ringsink first waits until
 * we have read its end of stream); a stuck one is killed. shmsrc ends with
 * an error when shmsink's process leaves first; a stuck one is killed
 * first, so that shmsrc's send() ends. Then its CPU time. */
static void
reap_producer (struct session *s)
{
  struct run *r = s->r;

  if (r->path == PATH_SHM_XPROC && !r->deadlocked)
    teardown_state (s->cons, s->pid);
  if (s->pid > 0 && child_pid == 0 && !s->child_exited) {
    s->child_exited = true;     /* killed and reaped by teardown_state() */
    s->child_status = -1;
  }
  if (s->pid > 0 && !s->child_exited) {
    guint64 until = now_ns () + (r->deadlocked ? 0 : CHILD_EXIT_GRACE_NS);

    while (now_ns () < until) {
      if (waitpid (s->pid, &s->child_status, WNOHANG) == s->pid) {
        s->child_exited = true;
        child_pid = 0;
        break;
      }
      pop_errors (s->cons_bus, 5 * GST_MSECOND, NULL, NULL);
    }
    if (!s->child_exited) {
      kill (s->pid, SIGKILL);
      waitpid (s->pid, &s->child_status, 0);
      child_pid = 0;
      if (!r->deadlocked && path_ours[r->path]) {
        run_note (r, "the producer process did not exit; killed");
        r->failed = true;
      }
    }
  }
  if (s->out_fd >= 0) {
    s->child_cpu = child_report (s->out_fd);
    close (s->out_fd);
    s->out_fd = -1;
  }
}

/* Stops and frees everything the run made, whatever stage it reached. */
static void
session_teardown (struct session *s)
{
  if (child_pid > 0) {
    kill (child_pid, SIGKILL);
    waitpid (child_pid, NULL, 0);
    child_pid = 0;
  }
  if (s->out_fd >= 0)
    close (s->out_fd);
  teardown_state (s->prod, 0);
  teardown_state (s->cons, 0);
  if (s->pid > 0 && s->r->path == PATH_SHM_XPROC)
    remove_shm_areas (s->pid);
  if (s->ring_name != NULL)
    rb_ring_unlink (s->ring_name, NULL);
  cleanup_now ();
  g_clear_object (&s->prod_bus);
  g_clear_object (&s->cons_bus);
  g_clear_object (&s->prod);
  g_clear_object (&s->cons);
  g_free (s->src);
  g_free (s->prod_desc);
  g_free (s->cons_desc);
  g_free (s->ring_name);
  g_free (s->sock);
  g_free (s->chan);
  g_free (s->buffer_frames);
  g_free (s->bus_error);
}

/* What the checks saw, and the run's rate and CPU time per buffer. */
static void
record_run (struct session *s)
{
  struct run *r = s->r;
  struct check *c = &s->c;

  if (c->bad > 0) {
    r->mismatch = true;
    if (!r->injected)
      run_note (r, "MISMATCH: %s (%" G_GUINT64_FORMAT " checks failed)",
          c->first_error, c->bad);
  }
  g_free (c->first_error);
  r->lost_frames = c->lost_frames;
  r->n_lat = c->n_lat;
  if (!isnan (r->ring_fill_us) && c->fill_ring != NULL)
    r->max_fill_us = (double) c->max_fill / FRAME_BYTES * 1e6 / RATE;
  if (r->failed || r->deadlocked ||
      (c->lossless && !atomic_load_explicit (&c->done, memory_order_relaxed)))
    return;
  if (!s->audio) {
    guint64 n = r->count - 1 - c->from;
    double secs = (double) (c->t_last - c->t_from) / 1e9;
    double cpu = (double) (c->cpu_last - c->cpu_from);

    if (s->xproc)
      cpu += s->child_cpu;
    if (n > 0 && secs > 0) {
      r->buffers_per_s = (double) n / secs;
      r->cpu_us_per_buffer = cpu / (double) n;
    }
  } else if (c->received > c->frames_first && c->t_last > c->t_first) {
    double bufs = (double) (c->received - c->frames_first) /
        (double) r->unit;
    double secs = (double) (c->t_last - c->t_first) / 1e9;

    r->buffers_per_s = bufs / secs;
    r->cpu_us_per_buffer = (double) (c->cpu_last - c->cpu_from) / bufs;
  }
}

/* Runs one path once: builds the pipelines, streams, checks, tears down.
 * Never hangs: a run without progress for --timeout seconds is stopped. */
static void
run_path (struct run *r)
{
  struct session s;

  session_init (&s, r);
  if (!describe_path (&s)) {
    /* nothing started yet */
    r->failed = true;
    session_teardown (&s);
    return;
  }
  if (build_pipelines (&s) && start_pipelines (&s)) {
    watch_run (&s);
    reap_producer (&s);
  } else {
    r->failed = true;
  }
  session_teardown (&s);
  record_run (&s);
  g_clear_object (&s.ring);
}

/* --- statistics ---------------------------------------------------------- */

struct tput {
  gsize size;
  guint64 buffers;
  double *bps, *mbps, *cpu, *ratio;     /* per repetition */
  int deadlocked, failed;
  double med_bps, med_mbps, med_cpu, med_ratio;
};

struct lat {
  guint frames;
  guint64 buffers;
  GArray *all;                  /* double us, every repetition */
  double *p50, *ratio;          /* per repetition */
  double ring_fill_us, max_fill_us;
  guint64 lost_frames;
  int deadlocked, failed;
  double q[4];                  /* p50, p90, p99, max */
  double med_ratio;
};

enum target_state {
  TARGET_NOT_MEASURED,
  TARGET_MET,
  TARGET_NOT_MET,
};

struct target {
  gchar *name;
  gchar *target;
  double value;
  enum target_state state;
};

struct results {
  struct bench_machine m;
  struct tput tput[N_PATHS][N_SIZES];
  struct lat lat[N_PATHS][N_LAT];
  double *rep_others;
  GPtrArray *targets;
  unsigned runs, mismatches, failures, injected, missed;
};

static guint64
tput_buffers (gsize size)
{
  /* 64 KiB buffers move a tenth as many, so that a run stays short */
  return size >= 65536 ? MAX ((guint64) opt_buffers / 10, 100) :
      (guint64) opt_buffers;
}

static guint64
interaudio_buffers (gsize frames)
{
  /* real time: --seconds of audio, at least 3 buffers */
  return MAX ((guint64) ceil (opt_seconds * RATE / (double) frames), 3);
}

static void
results_init (struct results *res)
{
  memset (res, 0, sizeof *res);
  res->rep_others = g_new0 (double, bench_opt.reps);
  res->targets = g_ptr_array_new ();
  for (int p = 0; p < N_PATHS; p++) {
    for (size_t s = 0; s < N_SIZES; s++) {
      struct tput *t = &res->tput[p][s];

      t->size = sizes[s];
      t->buffers = p == PATH_INTERAUDIO ?
          interaudio_buffers (sizes[s] / FRAME_BYTES) : tput_buffers (sizes[s]);
      t->bps = g_new (double, bench_opt.reps);
      t->mbps = g_new (double, bench_opt.reps);
      t->cpu = g_new (double, bench_opt.reps);
      t->ratio = g_new (double, bench_opt.reps);
      for (int r = 0; r < bench_opt.reps; r++)
        t->bps[r] = t->mbps[r] = t->cpu[r] = t->ratio[r] = NAN;
    }
    for (size_t l = 0; l < N_LAT; l++) {
      struct lat *t = &res->lat[p][l];

      t->frames = lat_frames[l];
      t->buffers = (guint64) ceil (opt_seconds * RATE / lat_frames[l]);
      t->all = g_array_new (FALSE, FALSE, sizeof (double));
      t->p50 = g_new (double, bench_opt.reps);
      t->ratio = g_new (double, bench_opt.reps);
      for (int r = 0; r < bench_opt.reps; r++)
        t->p50[r] = t->ratio[r] = NAN;
      t->ring_fill_us = t->max_fill_us = NAN;
    }
  }
}

static void
results_clear (struct results *res)
{
  for (int p = 0; p < N_PATHS; p++) {
    for (size_t s = 0; s < N_SIZES; s++) {
      struct tput *t = &res->tput[p][s];
      g_free (t->bps);
      g_free (t->mbps);
      g_free (t->cpu);
      g_free (t->ratio);
    }
    for (size_t l = 0; l < N_LAT; l++) {
      g_array_unref (res->lat[p][l].all);
      g_free (res->lat[p][l].p50);
      g_free (res->lat[p][l].ratio);
    }
  }
  for (guint i = 0; i < res->targets->len; i++) {
    struct target *t = g_ptr_array_index (res->targets, i);
    g_free (t->name);
    g_free (t->target);
    g_free (t);
  }
  g_ptr_array_unref (res->targets);
  g_free (res->rep_others);
  bench_machine_clear (&res->m);
}

static void
add_target (struct results *res, double value, bool met, const char *target,
    const char *fmt, ...) G_GNUC_PRINTF (5, 6);

static void
add_target (struct results *res, double value, bool met, const char *target,
    const char *fmt, ...)
{
  struct target *t = g_new0 (struct target, 1);
  va_list args;

  va_start (args, fmt);
  t->name = g_strdup_vprintf (fmt, args);
  va_end (args);
  t->target = g_strdup (target);
  t->value = value;
  t->state = isnan (value) ? TARGET_NOT_MEASURED : met ? TARGET_MET :
      TARGET_NOT_MET;
  g_ptr_array_add (res->targets, t);
}

static void
results_summarize (struct results *res)
{
  for (size_t s = 0; s < N_SIZES; s++) {
    for (int p = 0; p < N_PATHS; p++) {
      struct tput *t = &res->tput[p][s];

      for (int r = 0; r < bench_opt.reps; r++)
        t->ratio[r] = t->bps[r] / res->tput[PATH_QUEUE][s].bps[r];
      t->med_bps = bench_median_finite (t->bps, bench_opt.reps);
      t->med_mbps = bench_median_finite (t->mbps, bench_opt.reps);
      t->med_cpu = bench_median_finite (t->cpu, bench_opt.reps);
      t->med_ratio = bench_median_finite (t->ratio, bench_opt.reps);
    }
  }
  for (size_t l = 0; l < N_LAT; l++) {
    for (int p = 0; p < N_PATHS; p++) {
      struct lat *t = &res->lat[p][l];
      double *v = (double *) t->all->data;

      qsort (v, t->all->len, sizeof *v, bench_cmp_double);
      t->q[0] = bench_percentile (v, t->all->len, 50);
      t->q[1] = bench_percentile (v, t->all->len, 90);
      t->q[2] = bench_percentile (v, t->all->len, 99);
      t->q[3] = t->all->len ? v[t->all->len - 1] : NAN;
      for (int r = 0; r < bench_opt.reps; r++)
        t->ratio[r] = t->p50[r] / res->lat[PATH_QUEUE][l].p50[r];
      t->med_ratio = bench_median_finite (t->ratio, bench_opt.reps);
    }
  }

  /* The targets. */
  for (size_t s = 0; s < 2; s++) {
    g_autofree double *rs = g_new (double, bench_opt.reps);
    double v;

    for (int r = 0; r < bench_opt.reps; r++)
      rs[r] = res->tput[PATH_RING_XPROC][s].bps[r] /
          res->tput[PATH_SHM_XPROC][s].bps[r];
    v = have_path[PATH_SHM_XPROC] ? bench_median_finite (rs, bench_opt.reps) :
        NAN;
    if (have_path[PATH_SHM_XPROC] && isnan (v) &&
        res->tput[PATH_SHM_XPROC][s].deadlocked > 0 &&
        !isnan (res->tput[PATH_RING_XPROC][s].med_bps))
      v = INFINITY;             /* shm deadlocked every time */
    add_target (res, v, v >= 2.0, ">= 2x",
        "ring-xproc buffers/s vs shm-xproc, %" G_GSIZE_FORMAT " B", sizes[s]);
  }
  for (size_t s = 0; s < N_SIZES; s++) {
    double v = res->tput[PATH_RING_INPROC][s].med_ratio;

    add_target (res, v, v >= 0.9, ">= 0.9x",
        "ring-inproc buffers/s vs queue, %" G_GSIZE_FORMAT " B", sizes[s]);
  }
  for (size_t l = 0; l < N_LAT; l++) {
    for (int p = PATH_RING_INPROC; p <= PATH_RING_XPROC; p++) {
      const struct lat *t = &res->lat[p][l];
      double v = t->med_ratio;

      add_target (res, v, v <= 1.5 && t->q[0] <= t->ring_fill_us,
          "<= 1.5x, and p50 <= the ring's size in time",
          "%s latency p50 vs queue, %u frames", path_names[p], t->frames);
    }
  }
  for (size_t l = 0; l < N_LAT; l++) {
    const struct lat *ia = &res->lat[PATH_INTERAUDIO][l];
    double worst = MAX (res->lat[PATH_RING_INPROC][l].q[0],
        res->lat[PATH_RING_XPROC][l].q[0]);
    double v = have_path[PATH_INTERAUDIO] ? ia->q[0] / worst : NAN;

    add_target (res, v, v >= 100, ">= 100x",
        "interaudio latency p50 vs the rings' (worse of the two), "
        "%u frames", ia->frames);
  }
}

static void
count_run (struct results *res, const struct run *r)
{
  res->runs++;
  if (r->injected)
    res->injected++;
  if (r->mismatch)
    res->mismatches++;
  if (r->injected && !r->mismatch && !r->failed && !r->deadlocked) {
    res->missed++;
    g_printerr ("MISSED: %s: the injected error went unnoticed\n",
        path_names[r->path]);
  }
  if (path_ours[r->path] &&
      (r->failed || r->deadlocked || (r->mismatch && !r->injected)))
    res->failures++;
}

/* The CPU time of this process and of the producer processes, reaped by
 * now, against all of it. */
static void
read_cpu_load (struct bench_cpu_load *l)
{
  bench_read_cpu_load (l, bench_rusage_s (RUSAGE_CHILDREN));
}

/* --- output -------------------------------------------------------------- */

static void
print_header (const struct bench_machine *m)
{
  bench_machine_print_header (m, "ringbridge-bench-gst");
  g_print ("%d repetitions, %" G_GINT64_FORMAT " buffers per throughput run "
      "(64 KiB: a tenth), %.2f s of audio per latency run; load average at "
      "start %.2f\n", bench_opt.reps, opt_buffers, opt_seconds, m->loadavg);
  for (int p = 0; p < N_PATHS; p++)
    if (!have_path[p])
      g_print ("%s peer missing: %s\n", path_names[p], missing_note[p]);
  if (opt_shm_size > 0)
    g_print ("shmsink shm-size %" G_GINT64_FORMAT " bytes (--shm-size)\n",
        opt_shm_size);
  else
    g_print ("shmsink shm-size: room for %d buffers\n", SHM_BUFFERS);
  if (bench_opt.inject)
    g_print ("--inject-error: one buffer of every lossless run is "
        "corrupted on the way\n");
}

static void
print_tables (const struct results *res)
{
  char b[8][32];

  g_print ("\nThroughput: medians over repetitions; x queue = median of "
      "per-repetition ratios to\nqueue; MB = 10^6 B; CPU = both processes, "
      "per buffer. interaudio is clocked:\nit moves audio in real time, so "
      "its figures are the audio rate, not a limit.\n\n");
  g_print ("%-7s %-12s %12s %9s %10s %9s %5s\n", "size", "path", "buffers/s",
      "MB/s", "CPU us/buf", "x queue", "dead");
  for (size_t s = 0; s < N_SIZES; s++) {
    for (int p = 0; p < N_PATHS; p++) {
      const struct tput *t = &res->tput[p][s];
      g_autofree gchar *size_s = g_strdup_printf ("%" G_GSIZE_FORMAT " B",
          t->size);

      if (!have_path[p])
        continue;
      g_print ("%-7s %-12s %12s %9s %10s %9s %5d\n", size_s, path_names[p],
          bench_cell (b[0], 32, 0, "", t->med_bps), bench_cell (b[1], 32, 1, "",
              t->med_mbps), bench_cell (b[2], 32, 2, "", t->med_cpu),
          p == PATH_QUEUE ? "" : bench_cell (b[3], 32, 2, "x", t->med_ratio),
          t->deadlocked);
    }
  }

  g_print ("\nLatency of live audio (S32LE stereo, 48 kHz), us, over all "
      "repetitions; x queue =\nmedian of per-repetition p50 ratios; ring = "
      "the ring's size in time (max fill seen).\n\n");
  g_print ("%-6s %-12s %9s %9s %9s %9s %9s %18s\n", "frames", "path", "p50",
      "p90", "p99", "max", "x queue", "ring us (max fill)");
  for (size_t l = 0; l < N_LAT; l++) {
    for (int p = 0; p < N_PATHS; p++) {
      const struct lat *t = &res->lat[p][l];
      g_autofree gchar *ring_s = NULL;

      if (!have_path[p])
        continue;
      if (isnan (t->ring_fill_us))
        ring_s = g_strdup ("");
      else if (isnan (t->max_fill_us))
        ring_s = g_strdup_printf ("%.0f", t->ring_fill_us);
      else
        ring_s = g_strdup_printf ("%.0f (%.0f)", t->ring_fill_us,
            t->max_fill_us);
      g_print ("%-6u %-12s %9s %9s %9s %9s %9s %18s\n", t->frames,
          path_names[p], bench_cell (b[0], 32, 1, "", t->q[0]),
          bench_cell (b[1], 32, 1, "", t->q[1]),
          bench_cell (b[2], 32, 1, "", t->q[2]),
          bench_cell (b[3], 32, 1, "", t->q[3]),
          p == PATH_QUEUE ? "" : bench_cell (b[4], 32, 2, "x", t->med_ratio),
          ring_s);
      if (t->lost_frames > 0)
        g_print ("%-6s   (%" G_GUINT64_FORMAT " frames lost on the way)\n",
            "", t->lost_frames);
    }
  }

  g_print ("\nTargets (from the issue; reported, not asserted):\n");
  for (guint i = 0; i < res->targets->len; i++) {
    const struct target *t = g_ptr_array_index (res->targets, i);

    g_print ("  %-4s %-62s %8s  (target %s)\n",
        t->state == TARGET_MET ? "PASS" : t->state == TARGET_NOT_MET ?
        "MISS" : "n/a", t->name, bench_cell (b[0], 32, 2, "x", t->value),
        t->target);
  }
  g_print ("\nOther processes used %.0f%% of all CPU time during the run.\n",
      100 * res->m.others_share);
  if (res->m.others_share > 0.05)
    g_print ("WARNING: the benchmark did not have the CPUs to itself; its "
        "figures are noisy.\n");
  if (bench_opt.inject)
    g_print ("Injected errors: %u runs, %u noticed, %u missed\n",
        res->injected, res->injected - res->missed, res->missed);
  else
    g_print ("Data verified: %s (%u runs, %u with a mismatch, %u of our "
        "runs failed)\n", res->mismatches == 0 && res->failures == 0 ? "yes" :
        "NO", res->runs, res->mismatches, res->failures);
}

/* ,"options":{..},"missing":[..], */
static void
options_to_json (GString *json)
{
  bool first = true;

  g_string_append_printf (json, ",\"options\":{\"reps\":%d,\"buffers\":%"
      G_GINT64_FORMAT ",\"sizes\":[%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT
      ",%" G_GSIZE_FORMAT "],\"latency_frames\":[%u,%u],\"seconds\":",
      bench_opt.reps, opt_buffers, sizes[0], sizes[1], sizes[2], lat_frames[0],
      lat_frames[1]);
  bench_json_number (json, opt_seconds);
  g_string_append_printf (json, ",\"shm_size\":%" G_GINT64_FORMAT
      ",\"shm_buffers\":%d,\"timeout_s\":", opt_shm_size, SHM_BUFFERS);
  bench_json_number (json, opt_timeout);
  g_string_append_printf (json, ",\"quick\":%s,\"inject_error\":%s},"
      "\"missing\":[", bench_json_bool (bench_opt.quick),
      bench_json_bool (bench_opt.inject));
  for (int p = 0; p < N_PATHS; p++)
    if (!have_path[p]) {
      g_string_append (json, first ? "" : ",");
      bench_json_string (json, path_names[p]);
      first = false;
    }
  g_string_append (json, "],");
}

/* One element of "throughput":[..]: path @p at size @s. */
static void
tput_to_json (GString *json, const struct results *res, size_t s, enum path p)
{
  const struct tput *t = &res->tput[p][s];

  g_string_append (json, "{\"path\":");
  bench_json_string (json, path_names[p]);
  g_string_append_printf (json, ",\"size\":%" G_GSIZE_FORMAT
      ",\"buffers\":%" G_GUINT64_FORMAT ",\"buffers_per_s\":", t->size,
      t->buffers);
  bench_json_array (json, t->bps, (gsize) bench_opt.reps);
  g_string_append (json, ",\"cpu_us_per_buffer\":");
  bench_json_array (json, t->cpu, (gsize) bench_opt.reps);
  bench_json_key_number (json, "median_buffers_per_s", t->med_bps);
  bench_json_key_number (json, "median_mb_per_s", t->med_mbps);
  bench_json_key_number (json, "median_cpu_us_per_buffer", t->med_cpu);
  bench_json_key_number (json, "median_ratio_to_queue",
      p == PATH_QUEUE ? 1.0 : t->med_ratio);
  g_string_append_printf (json, ",\"deadlocked_reps\":%d,"
      "\"failed_reps\":%d,\"realtime\":%s}", t->deadlocked, t->failed,
      bench_json_bool (p == PATH_INTERAUDIO));
}

/* One element of "latency":[..], with at most MAX_SAMPLES_OUT of its
 * samples, evenly spread. */
static void
lat_to_json (GString *json, const struct results *res, size_t l, enum path p)
{
  const struct lat *t = &res->lat[p][l];
  gsize n = t->all->len, k = MIN (n, MAX_SAMPLES_OUT);
  g_autofree double *sub = g_new (double, MAX (k, 1));

  for (gsize i = 0; i < k; i++)
    sub[i] = g_array_index (t->all, double, k > 1 ? i * (n - 1) /
        (k - 1) : 0);
  g_string_append (json, "{\"path\":");
  bench_json_string (json, path_names[p]);
  g_string_append_printf (json, ",\"buffer_frames\":%u,\"rate\":%d",
      t->frames, RATE);
  bench_json_key_number (json, "ring_fill_us", t->ring_fill_us);
  bench_json_key_number (json, "max_fill_us", t->max_fill_us);
  bench_json_key_number (json, "p50_us", t->q[0]);
  bench_json_key_number (json, "p90_us", t->q[1]);
  bench_json_key_number (json, "p99_us", t->q[2]);
  bench_json_key_number (json, "max_us", t->q[3]);
  bench_json_key_number (json, "median_ratio_to_queue",
      p == PATH_QUEUE ? 1.0 : t->med_ratio);
  g_string_append (json, ",\"p50_us_per_rep\":");
  bench_json_array (json, t->p50, (gsize) bench_opt.reps);
  g_string_append_printf (json, ",\"n_samples\":%u,\"lost_frames\":%"
      G_GUINT64_FORMAT ",\"deadlocked_reps\":%d,\"failed_reps\":%d,"
      "\"samples_us\":", t->all->len, t->lost_frames, t->deadlocked,
      t->failed);
  bench_json_array (json, sub, k);
  g_string_append_c (json, '}');
}

/* "targets":[..],"runs":..,..} */
static void
targets_to_json (GString *json, const struct results *res)
{
  g_string_append (json, "\"targets\":[");
  for (guint i = 0; i < res->targets->len; i++) {
    const struct target *t = g_ptr_array_index (res->targets, i);

    g_string_append (json, i ? ",{\"name\":" : "{\"name\":");
    bench_json_string (json, t->name);
    g_string_append (json, ",\"value\":");
    bench_json_number (json, t->value);
    g_string_append (json, ",\"target\":");
    bench_json_string (json, t->target);
    g_string_append_printf (json, ",\"met\":%s}",
        t->state == TARGET_MET ? "true" : t->state == TARGET_NOT_MET ?
        "false" : "null");
  }
  g_string_append_printf (json, "],\"runs\":%u,\"mismatches\":%u,"
      "\"failures\":%u,\"verified\":%s}", res->runs, res->mismatches,
      res->failures, bench_json_bool (res->mismatches == 0 &&
          res->failures == 0 && !bench_opt.inject));
}

/* @row for each of @n sizes and every path built, with commas between. */
static void
rows_to_json (GString *json, const struct results *res, size_t n,
    void (*row) (GString *, const struct results *, size_t, enum path))
{
  bool first = true;

  for (size_t i = 0; i < n; i++)
    for (int p = 0; p < N_PATHS; p++)
      if (have_path[p]) {
        g_string_append (json, first ? "" : ",");
        first = false;
        row (json, res, i, (enum path) p);
      }
}

static GString *
results_to_json (const struct results *res)
{
  GString *json = bench_json_begin ("ringbridge-bench-gst");

  bench_machine_to_json (json, &res->m, false, res->rep_others, bench_opt.reps);
  options_to_json (json);
  g_string_append (json, "\"throughput\":[");
  rows_to_json (json, res, N_SIZES, tput_to_json);
  g_string_append (json, "],\"latency\":[");
  rows_to_json (json, res, N_LAT, lat_to_json);
  g_string_append (json, "],");
  targets_to_json (json, res);
  return json;
}

/* --- running ------------------------------------------------------------- */

/* Runs path @p once with @count buffers of @unit (bytes or frames) and
 * counts the run; r->lat_us, if @lat, is the caller's to free. */
static void
run_once (struct results *res, struct run *r, enum path p, enum kind kind,
    gsize unit, guint64 count, bool lat)
{
  memset (r, 0, sizeof *r);
  r->path = p;
  r->kind = kind;
  r->unit = unit;
  r->count = count;
  r->inject = bench_opt.inject;
  r->lat_us = lat ? g_new (double, count) : NULL;
  run_path (r);
  count_run (res, r);
}

/* The throughput run of path @p at size @s in repetition @rep. */
static void
tput_once (struct results *res, int rep, size_t s, enum path p)
{
  struct tput *t = &res->tput[p][s];
  bool ia = p == PATH_INTERAUDIO;
  struct run r;

  run_once (res, &r, p, ia ? KIND_AUDIO : KIND_BYTES,
      ia ? sizes[s] / FRAME_BYTES : sizes[s], t->buffers, ia);
  g_free (r.lat_us);
  t->deadlocked += r.deadlocked;
  t->failed += r.failed;
  t->bps[rep] = r.buffers_per_s;
  t->mbps[rep] = r.buffers_per_s * (double) sizes[s] / 1e6;
  t->cpu[rep] = r.cpu_us_per_buffer;
}

/* The latency run of path @p at buffer size @l in repetition @rep. */
static void
lat_once (struct results *res, int rep, size_t l, enum path p)
{
  struct lat *t = &res->lat[p][l];
  struct run r;

  run_once (res, &r, p, KIND_AUDIO, t->frames, t->buffers, true);
  t->deadlocked += r.deadlocked;
  t->failed += r.failed;
  t->lost_frames += r.lost_frames;
  t->ring_fill_us = r.ring_fill_us;
  if (!isnan (r.max_fill_us))
    t->max_fill_us = isnan (t->max_fill_us) ? r.max_fill_us :
        MAX (t->max_fill_us, r.max_fill_us);
  if (!r.failed && !r.deadlocked && r.n_lat > 0) {
    qsort (r.lat_us, r.n_lat, sizeof (double), bench_cmp_double);
    t->p50[rep] = bench_percentile (r.lat_us, r.n_lat, 50);
    g_array_append_vals (t->all, r.lat_us, (guint) r.n_lat);
  }
  g_free (r.lat_us);
}

/* @once for each of @n sizes and each of the @n_active paths, which take
 * turns at going first. */
static void
run_rotated (struct results *res, int rep, size_t n, const enum path *active,
    int n_active, void (*once) (struct results *, int, size_t, enum path))
{
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < n_active; a++)
      once (res, rep, i, active[(a + rep) % n_active]);
}

static void
run_all (struct results *res)
{
  int n_active = 0;
  enum path active[N_PATHS];

  for (int p = 0; p < N_PATHS; p++)
    if (have_path[p])
      active[n_active++] = (enum path) p;

  for (int rep = 0; rep < bench_opt.reps; rep++) {
    struct bench_cpu_load before, after;

    read_cpu_load (&before);
    run_rotated (res, rep, N_SIZES, active, n_active, tput_once);
    run_rotated (res, rep, N_LAT, active, n_active, lat_once);
    read_cpu_load (&after);
    bench_cpu_load_shares (&before, &after, res->m.nproc,
        &res->rep_others[rep], NULL);
    g_printerr ("repetition %d/%d done: other processes took %.0f%% of the "
        "CPU time\n", rep + 1, bench_opt.reps, 100 * res->rep_others[rep]);
  }
}

static void
find_paths (void)
{
  static const char *const needs[N_PATHS][3] = {
    { "queue", NULL },
    { "ringsink", "ringsrc", NULL },
    { "ringsink", "ringsrc", NULL },
    { "shmsink", "shmsrc", NULL },
    { "interaudiosink", "interaudiosrc", NULL },
  };

  for (int p = 0; p < N_PATHS; p++) {
    have_path[p] = true;
    for (int i = 0; needs[p][i] != NULL; i++) {
      g_autoptr (GstElementFactory) f = gst_element_factory_find (needs[p][i]);

      if (f == NULL) {
        have_path[p] = false;
        missing_note[p] = g_strdup_printf ("no element '%s' (%s)",
            needs[p][i], p >= PATH_SHM_XPROC ? "gstreamer1.0-plugins-bad" :
            "this build's plugin: set GST_PLUGIN_PATH");
        break;
      }
    }
  }
}

static gboolean
parse_timeout (const gchar *name, const gchar *value, G_GNUC_UNUSED gpointer
    data, GError **error)
{
  gchar *end = NULL;
  double v = g_ascii_strtod (value, &end);

  if (end == value || *end != '\0' || !(v >= 0.1 && v <= 3600)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "invalid %s '%s': 0.1 to 3600 seconds", name, value);
    return FALSE;
  }
  if (strcmp (name, "--timeout") == 0)
    opt_timeout = v;
  else
    opt_seconds = v;
  return TRUE;
}

static const GOptionEntry entries[] = {
  { "reps", 'r', 0, G_OPTION_ARG_INT, &bench_opt.reps,
    "Repetitions of every path at every size (default 5, --quick 1)", "N" },
  { "buffers", 'b', 0, G_OPTION_ARG_INT64, &opt_buffers,
    "Buffers per throughput run at 256 B and 4 KiB; 64 KiB runs move a "
    "tenth (default 100000, --quick 2000)", "N" },
  { "seconds", 's', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_timeout,
    "Audio per latency run and per interaudio throughput run, in seconds "
    "(default 2, --quick 0.3)", "S" },
  { "shm-size", 0, 0, G_OPTION_ARG_INT64, &opt_shm_size,
    "shmsink's shm-size in bytes (default: room for 64 buffers)", "BYTES" },
  { "timeout", 't', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_timeout,
    "Stop a run that makes no progress for this long and count it as "
    "deadlocked (default 10)", "S" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &bench_opt.quick,
    "A short run that still checks all data: 1 repetition, --buffers 2000, "
    "--seconds 0.3, unless given", NULL },
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &bench_opt.json,
    "Also write the JSON result to FILE", "FILE" },
  { "inject-error", 0, 0, G_OPTION_ARG_NONE, &bench_opt.inject,
    "Self-test of the checks: corrupt one buffer of every lossless run; "
    "exits 1 if every run noticed, 0 if one did not", NULL },
  { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_child,
    NULL, NULL },
  { "child-kind", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
    &opt_child_kind, NULL, NULL },
  { "child-unit", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64,
    &opt_child_unit, NULL, NULL },
  { "child-count", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64,
    &opt_child_count, NULL, NULL },
  { "child-inject", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64,
    &opt_child_inject, NULL, NULL },
  { "child-cpu-from", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64,
    &opt_child_cpu_from, NULL, NULL },
  G_OPTION_ENTRY_NULL
};

static void
install_signal_handlers (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  /* a child that ends while we write to it must not kill us */
  signal (SIGPIPE, SIG_IGN);
  atexit (cleanup_now);
}

/* The paths this GStreamer has, and the elements every path needs; FALSE
 * (with a message) without queue, the rings or the sources. */
static gboolean
find_elements (void)
{
  find_paths ();
  if (!have_path[PATH_QUEUE] || !have_path[PATH_RING_INPROC]) {
    g_printerr ("error: %s\n", missing_note[have_path[PATH_QUEUE] ?
            PATH_RING_INPROC : PATH_QUEUE]);
    return FALSE;
  }
  {
    g_autoptr (GstElementFactory) a = gst_element_factory_find
        ("audiotestsrc");
    g_autoptr (GstElementFactory) f = gst_element_factory_find ("fakesrc");

    if (a == NULL || f == NULL) {
      g_printerr ("error: no element '%s' (gstreamer1.0-plugins-%s)\n",
          a == NULL ? "audiotestsrc" : "fakesrc", a == NULL ? "base" :
          "core");
      return FALSE;
    }
  }
  return TRUE;
}

/* The defaults (smaller with --quick) and the checks of the options. */
static gboolean
check_options (void)
{
  if (bench_opt.reps == 0)
    bench_opt.reps = bench_opt.quick ? 1 : 5;
  if (bench_opt.reps < 1 || bench_opt.reps > 1000) {
    g_printerr ("invalid --reps %d: 1 to 1000\n", bench_opt.reps);
    return FALSE;
  }
  if (!bench_check_count (&opt_buffers, "buffers", bench_opt.quick, 2000,
          100000, 100, 100000000, "100 to 10^8"))
    return FALSE;
  if (opt_seconds == 0)
    opt_seconds = bench_opt.quick ? 0.3 : 2;
  if (opt_timeout == 0)
    opt_timeout = 10;
  if (opt_shm_size != 0 && (opt_shm_size < 4096 ||
          opt_shm_size > G_MAXUINT32)) {
    g_printerr ("invalid --shm-size %" G_GINT64_FORMAT ": 4096 to %u bytes, "
        "or 0 for room for %d buffers\n", opt_shm_size, G_MAXUINT32,
        SHM_BUFFERS);
    return FALSE;
  }
  return TRUE;
}

/* The options (this program's and GStreamer's); FALSE on a bad one. */
static gboolean
parse_options (int *argc, char ***argv)
{
  g_autoptr (GOptionContext) ctx = NULL;

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx,
      "Moves verified buffers through queue, ringsink -> ringsrc in one and "
      "in two\nprocesses, shmsink -> shmsrc and interaudiosink -> "
      "interaudiosrc, and measures\nbuffers/s, MB/s and CPU time at 256 B, "
      "4 KiB and 64 KiB, and the latency of\nlive audio through each. "
      "Prints tables, the issue's targets and, as the last\nline, one JSON "
      "object. Exits 1 if data through queue or a ring did not arrive\n"
      "intact or a run of ours failed.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  return bench_parse_options (ctx, argc, argv);
}

int
main (int argc, char **argv)
{
  g_autoptr (GString) json = NULL;
  g_autoptr (GError) error = NULL;
  struct bench_cpu_load load0, load1;
  struct results res;
  struct bench_machine *m = &res.m;
  int status;

  if (!parse_options (&argc, &argv))
    return EXIT_USAGE;
  if (opt_child != NULL) {
    if (opt_child_unit < 1 || opt_child_count < 1)
      return EXIT_USAGE;
    return child_main ();
  }
  if (!check_options ())
    return EXIT_USAGE;

  self_exe = g_file_read_link ("/proc/self/exe", &error);
  if (self_exe == NULL) {
    g_printerr ("error: cannot find this program for the producer process: "
        "%s\n", error->message);
    return EXIT_SETUP;
  }
  install_signal_handlers ();
  if (!find_elements ())
    return EXIT_SETUP;

  results_init (&res);
  bench_machine_init (m);
  print_header (m);

  read_cpu_load (&load0);
  run_all (&res);
  read_cpu_load (&load1);
  bench_cpu_load_shares (&load0, &load1, m->nproc, &m->others_share, NULL);

  results_summarize (&res);
  print_tables (&res);
  json = results_to_json (&res);
  if (!bench_json_emit (json, bench_opt.json))
    return EXIT_SETUP;

  if (bench_opt.inject) {
    if (res.missed > 0 || res.injected == 0) {
      g_printerr ("inject-error: %u of %u runs missed the injected error\n",
          res.missed, res.injected);
      status = EXIT_SUCCESS;
    } else {
      g_printerr ("inject-error: every run noticed the injected error\n");
      status = EXIT_MISMATCH;
    }
  } else {
    status = res.failures == 0 ? EXIT_SUCCESS : EXIT_MISMATCH;
  }
  results_clear (&res);
  g_free (bench_opt.json);
  g_free (self_exe);
  for (int p = 0; p < N_PATHS; p++)
    g_free (missing_note[p]);
  return status;
}
