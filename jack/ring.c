/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's ring: play attaches to one and follows a new ring
 * made under its name; record creates one or continues one whose
 * producer is gone; both let go of it at the end, removing it when nobody
 * else uses it (see app.h). Main thread. */

#include "app.h"

#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

/* a callback that makes no progress for this long is stuck (or JACK is
 * gone): the ring it may hold is kept alive rather than freed */
#define SWAP_TIMEOUT_US (G_GINT64_CONSTANT (2) * G_USEC_PER_SEC)
/* play on exit: how long to wait for a ring's creator to go (300 ms) */
#define RECLAIM_TRIES 30
#define RECLAIM_INTERVAL_US 10000ul
#define DEFAULT_LATENCY_MS 500.0

/* Frames in @ms milliseconds at @rate, rounded up: at least that long,
 * and at least one frame. */
guint64
frames_for_ms (gdouble ms, guint rate)
{
  guint64 frames = (guint64) (ms * rate / 1000.0);

  if ((gdouble) frames * 1000.0 < ms * rate)
    frames++;
  return MAX (frames, 1);
}

/* --- ring errors ---------------------------------------------------------- */

int
status_for_ring_error (const GError *error)
{
  if (error->domain != RB_RING_ERROR)
    return EX_SOFTWARE;
  switch ((RbRingError) error->code) {
    case RB_RING_ERROR_NOT_FOUND:
      return EX_NOINPUT;
    case RB_RING_ERROR_EXISTS:
    case RB_RING_ERROR_BUSY:
    case RB_RING_ERROR_NO_SPACE:
      return EX_CANTCREAT;
    case RB_RING_ERROR_PERMISSION:
      return EX_NOPERM;
    case RB_RING_ERROR_INVALID_NAME:
    case RB_RING_ERROR_INVALID_CAPACITY:
      return EX_USAGE;
    case RB_RING_ERROR_NOT_A_RING:
    case RB_RING_ERROR_INCOMPATIBLE:
    case RB_RING_ERROR_CORRUPT:
    case RB_RING_ERROR_INVALID_ROLE:
    case RB_RING_ERROR_INVALID_FORMAT:
    case RB_RING_ERROR_INVALID_FLAGS:
    case RB_RING_ERROR_NOT_SEALED:
      return EX_DATAERR;
    case RB_RING_ERROR_NO_MEMORY:
    case RB_RING_ERROR_NO_MEMFD:
    case RB_RING_ERROR_MAP_FAILED:
    case RB_RING_ERROR_FAILED:
    default:
      return EX_OSERR;
  }
}

/* The options that would accept the ring @app refused for its owner or
 * mode, or NULL: the library's message says what it refused, not how to
 * opt in. */
static const char *
permission_hint (App *app)
{
  g_autofree gchar *path = rb_ring_name_to_path (app->opt.ring_name);
  RbRingOpenFlags f = app->opt.open_flags;
  gboolean other_owner, shared_write;
  struct stat st;

  if (path == NULL || stat (path, &st) != 0)
    return NULL;
  other_owner = st.st_uid != geteuid () && !(f & RB_RING_OPEN_FLAGS_ANY_OWNER);
  shared_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
      !(f & RB_RING_OPEN_FLAGS_SHARED_WRITE);
  if (other_owner && shared_write)
    return "--any-owner --allow-shared-write";
  if (other_owner)
    return "--any-owner";
  if (shared_write)
    return "--allow-shared-write";
  return NULL;
}

/* Prints the library's @error about attaching to the ring, with the
 * options that opt in to a ring it refused for its owner or mode. */
static void
print_ring_error (App *app, const GError *error)
{
  const char *hint = NULL;

  if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION))
    hint = permission_hint (app);
  if (app->opt.reader &&
      g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE))
    print_error ("%s; without --reader, play is its consumer",
        error->message);
  else if (hint != NULL)
    print_error ("%s; if the ring is shared on purpose, %s accepts it",
        error->message, hint);
  else
    print_error ("%s", error->message);
}

static gchar *
describe_format (RbSampleFormat format, guint channels, guint rate)
{
  return g_strdup_printf ("%s, %u channel%s, %u Hz",
      rb_sample_format_to_string (format), channels, channels == 1 ? "" : "s",
      rate);
}

static gchar *
describe_ring (RbRing *ring)
{
  return describe_format (rb_ring_get_sample_format (ring),
      rb_ring_get_channels (ring), rb_ring_get_rate (ring));
}

/* Why @ring cannot be played through the ports we have (or would make),
 * or NULL if it can. */
gchar *
play_misfit (App *app, RbRing *ring)
{
  guint want_channels = app->ports_registered ? app->rt.n_ports :
      app->opt.channels;
  g_autofree gchar *has = NULL;

  if (rb_ring_get_sample_format (ring) == RB_SAMPLE_FORMAT_NONE)
    return g_strdup_printf ("ring '%s' is a byte ring, not an audio ring",
        app->opt.ring_name);
  has = describe_ring (ring);
  if (want_channels != 0 && rb_ring_get_channels (ring) != want_channels)
    return g_strdup_printf ("ring '%s' (%s) has %u channel%s, not %u",
        app->opt.ring_name, has, rb_ring_get_channels (ring),
        rb_ring_get_channels (ring) == 1 ? "" : "s", want_channels);
  if (app->opt.format != RB_SAMPLE_FORMAT_NONE &&
      rb_ring_get_sample_format (ring) != app->opt.format)
    return g_strdup_printf ("ring '%s' (%s) is not %s", app->opt.ring_name,
        has, rb_sample_format_to_string (app->opt.format));
  if (app->client != NULL && rb_ring_get_rate (ring) != app->jack_rate)
    return g_strdup_printf ("ring '%s' (%s) runs at %u Hz but JACK runs at "
        "%u Hz; resample before the ring (it would play at the wrong speed)",
        app->opt.ring_name, has, rb_ring_get_rate (ring), app->jack_rate);
  return NULL;
}

static void
lock_ring (App *app, RbRing *ring)
{
  g_autoptr (GError) error = NULL;

  /* a page of the ring faulting in the process thread is an xrun */
  if (!rb_ring_lock_memory (ring, &error))
    print_warning ("warning: %s; the ring stays populated but unlocked, "
        "and may be swapped out", error->message);
}

static void
remember_file (RbRing *ring, dev_t *dev, ino_t *ino)
{
  struct stat st;

  if (fstat (rb_ring_get_fd (ring), &st) == 0) {
    *dev = st.st_dev;
    *ino = st.st_ino;
  }
}

/* --- play ----------------------------------------------------------------- */

/* The role play attaches with. */
static RbRingRole
play_role (App *app)
{
  return app->opt.reader ? RB_RING_ROLE_READER : RB_RING_ROLE_CONSUMER;
}

/* Play --reader: a tap that reads @ring with the reader's policy, its
 * target --frames or --latency at the ring's rate (JACK's, once it fits),
 * or NULL with @error. */
static RbJackTap *
new_tap (App *app, RbRing *ring, GError **error)
{
  guint64 target = app->opt.frames;

  if (target == 0 && app->opt.latency_ms != 0)
    target = frames_for_ms (app->opt.latency_ms, rb_ring_get_rate (ring));
  return rb_jack_tap_new (ring, app->opt.reader_policy, target, error);
}

/* Play: new_tap() with --reader (*@tap stays NULL without). Returns 0 or
 * an exit status. */
static int
make_tap (App *app, RbRing *ring, RbJackTap **tap)
{
  g_autoptr (GError) error = NULL;

  *tap = NULL;
  if (!app->opt.reader)
    return 0;
  *tap = new_tap (app, ring, &error);
  if (*tap == NULL) {
    print_error ("cannot read ring '%s' as a reader: %s",
        app->opt.ring_name, error->message);
    return status_for_ring_error (error);
  }
  return 0;
}

/* Play --reader: hands @tap to the callback; FALSE if a callback may still
 * use the old one (keep it). */
static gboolean
install_tap (App *app, RbJackTap *tap)
{
  RbJackTap *old = app->tap;

  app->tap = tap;
  if (!app->active) {
    /* no callback runs: nothing can hold the old tap */
    atomic_store_explicit (&app->rt.tap, tap, memory_order_seq_cst);
  } else if (!rb_jack_rt_swap_tap (&app->rt, tap, SWAP_TIMEOUT_US)) {
    return FALSE;
  }
  rb_jack_tap_free (old);
  return TRUE;
}

/* Play: hands @ring (with its @tap, --reader) to the callback, dropping
 * the one it had. */
static void
install_ring (App *app, RbRing *ring, RbJackTap *tap)
{
  RbRing *old = app->ring;

  lock_ring (app, ring);
  app->ring = ring;
  remember_file (ring, &app->ring_dev, &app->ring_ino);
  app->peer_state = RB_PEER_STATE_NONE;
  app->peer_pid = 0;
  app->warned_small = FALSE;
  app->told_unbounded = FALSE;
  if (app->opt.reader) {
    /* the callback reads through the tap; its ring stays NULL */
    if (!install_tap (app, tap)) {
      print_warning ("warning: the JACK process callback did not run for "
          "%d s; keeping the old ring mapped in case it still reads it",
          (int) (SWAP_TIMEOUT_US / G_USEC_PER_SEC));
      old = NULL;               /* leaked on purpose, with its tap */
    }
  } else if (!app->active) {
    /* no callback runs: nothing can hold the old ring */
    atomic_store_explicit (&app->rt.ring, ring, memory_order_seq_cst);
  } else if (!rb_jack_rt_swap_ring (&app->rt, ring, SWAP_TIMEOUT_US)) {
    print_warning ("warning: the JACK process callback did not run for %d "
        "s; keeping the old ring mapped in case it still reads it",
        (int) (SWAP_TIMEOUT_US / G_USEC_PER_SEC));
    old = NULL;                 /* leaked on purpose: see above */
  }
  g_clear_object (&old);
  if (app->client != NULL) {
    check_period (app, jack_get_buffer_size (app->client));
    check_bound (app, jack_get_buffer_size (app->client));
  }
}

/* Play: tries to attach to the ring. Returns 0 when attached, -1 when it
 * does not exist (yet), or an exit status. */
int
play_open_ring (App *app)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *misfit = NULL;
  g_autofree gchar *has = NULL;
  RbRing *ring = rb_ring_open_full (app->opt.ring_name, play_role (app),
      app->opt.open_flags, &error);
  RbJackTap *tap;
  int status;

  if (ring == NULL) {
    if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND))
      return -1;
    print_ring_error (app, error);
    return status_for_ring_error (error);
  }
  misfit = play_misfit (app, ring);
  if (misfit != NULL) {
    print_error ("%s", misfit);
    g_object_unref (ring);
    return EX_DATAERR;
  }
  status = make_tap (app, ring, &tap);
  if (status != 0) {
    g_object_unref (ring);
    return status;
  }
  has = describe_ring (ring);
  print_info (app, "attached to ring '%s' (%s, %" G_GSIZE_FORMAT " frames)%s",
      app->opt.ring_name, has, rb_ring_get_capacity_frames (ring),
      app->opt.reader ? " as a reader" : "");
  install_ring (app, ring, tap);
  return 0;
}

/* Play, while running: the producer may have made a new ring under the
 * name (the old one removed); follow it if it fits. */
void
play_follow_name (App *app)
{
  g_autofree gchar *path = rb_ring_name_to_path (app->opt.ring_name);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *misfit = NULL;
  RbJackTap *tap = NULL;
  struct stat st;
  RbRing *ring;

  if (stat (path, &st) != 0)
    return;                     /* removed, no new one: keep the old */
  if (st.st_dev == app->ring_dev && st.st_ino == app->ring_ino)
    return;
  if (app->have_refused && st.st_dev == app->refused_dev &&
      st.st_ino == app->refused_ino)
    return;
  ring = rb_ring_open_full (app->opt.ring_name, play_role (app),
      app->opt.open_flags, &error);
  if (ring != NULL && app->opt.reader) {
    tap = new_tap (app, ring, &error);
    if (tap == NULL)
      g_clear_object (&ring);
  }
  if (ring == NULL) {
    if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
      print_warning ("warning: a new ring '%s' appeared, but: %s; staying "
          "on the old one", app->opt.ring_name, error->message);
      app->have_refused = TRUE;
      app->refused_dev = st.st_dev;
      app->refused_ino = st.st_ino;
    }
    return;
  }
  misfit = play_misfit (app, ring);
  if (misfit != NULL) {
    print_warning ("warning: a new %s; staying silent on the old one",
        misfit);
    remember_file (ring, &app->refused_dev, &app->refused_ino);
    app->have_refused = TRUE;
    rb_jack_tap_free (tap);
    g_object_unref (ring);
    return;
  }
  print_info (app, "ring '%s' was made anew: switching to the new ring",
      app->opt.ring_name);
  install_ring (app, ring, tap);
}

/* --- record --------------------------------------------------------------- */

/* Record: the ring taken over (RB_RING_TAKE_OVER_ATTACHED), whose
 * producer is gone while someone alive uses it (we were killed and
 * restarted, say): continued in that producer's place, as the library
 * intends for restarts, if it has this recording's format. @reason is why
 * creating it failed. Returns 0 or an exit status. */
static int
record_continue_ring (App *app, RbRingFlags flags, const char *want,
    const char *reason, RbRing **ring)
{
  const Options *o = &app->opt;
  g_autofree gchar *has = describe_ring (*ring);
  guint consumer = rb_ring_get_peer_pid (*ring);

  if (rb_ring_get_sample_format (*ring) != o->format ||
      rb_ring_get_channels (*ring) != o->channels ||
      rb_ring_get_rate (*ring) != app->jack_rate ||
      rb_ring_get_flags (*ring) != flags) {
    print_error ("%s, with another format (%s%s) than this recording "
        "(%s%s)", reason, has, rb_ring_get_flags (*ring) &
        RB_RING_FLAGS_OVERWRITE ? ", overwrite" : "", want,
        o->overwrite ? ", overwrite" : "");
    g_clear_object (ring);
    return EX_CANTCREAT;
  }
  print_warning ("ring '%s' exists and its producer is gone: "
      "continuing it as its producer (consumer pid %u)", o->ring_name,
      consumer);
  return 0;
}

/* Record: makes the ring, or takes over its dead owner's
 * (rb_ring_create_or_take_over(): a stale ring is removed and made anew,
 * one whose consumer lives is continued). Returns 0, with *@ring set, or
 * an exit status. */
static int
record_take_ring (App *app, guint64 frames, RbRingFlags flags,
    const char *want, RbRing **ring)
{
  const Options *o = &app->opt;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *reason = NULL;
  RbRingTakeOver how;

  *ring = rb_ring_create_or_take_over (o->ring_name, (gsize) frames, flags,
      o->format, o->channels, app->jack_rate, RB_RING_ROLE_PRODUCER, 0600,
      o->open_flags, &how, &reason, &error);
  if (how == RB_RING_TAKE_OVER_RECREATED)
    print_warning ("removed the stale ring '%s' that processes which died "
        "left behind", o->ring_name);
  if (*ring == NULL) {
    /* attaching's own refusals, with the options that opt in; a producer
     * that lives gives the creation's EXISTS */
    if (how == RB_RING_TAKE_OVER_ATTACHED &&
        !g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS))
      print_ring_error (app, error);
    else
      print_error ("%s", error->message);
    return status_for_ring_error (error);
  }
  if (how == RB_RING_TAKE_OVER_ATTACHED)
    return record_continue_ring (app, flags, want, reason, ring);
  return 0;
}

/* Record: creates the ring, or takes over one whose producer is gone.
 * Returns 0 or an exit status. */
int
record_create_ring (App *app)
{
  const Options *o = &app->opt;
  g_autofree gchar *want = describe_format (o->format, o->channels,
      app->jack_rate);
  g_autofree gchar *has = NULL;
  RbRingFlags flags = o->overwrite ? RB_RING_FLAGS_OVERWRITE :
      RB_RING_FLAGS_NONE;
  guint64 frames = o->frames;
  RbRing *ring = NULL;
  int status;

  if (frames == 0)
    frames = frames_for_ms (o->latency_ms != 0 ? o->latency_ms :
        DEFAULT_LATENCY_MS, app->jack_rate);
  if (frames > RB_RING_MAX_CAPACITY / (rb_sample_format_get_size (o->format)
          * o->channels)) {
    print_error ("a ring of %" G_GUINT64_FORMAT " frames of %s exceeds the "
        "largest ring (%" G_GUINT64_FORMAT " bytes)", frames, want,
        (guint64) RB_RING_MAX_CAPACITY);
    usage_hint ();
    return EX_USAGE;
  }

  status = record_take_ring (app, frames, flags, want, &ring);
  if (status != 0)
    return status;
  has = describe_ring (ring);
  print_info (app, "ring '%s': %s, %" G_GSIZE_FORMAT " frames%s",
      o->ring_name, has, rb_ring_get_capacity_frames (ring),
      rb_ring_get_flags (ring) & RB_RING_FLAGS_OVERWRITE ? ", overwrite" :
      "");
  lock_ring (app, ring);
  app->ring = ring;
  atomic_store_explicit (&app->rt.ring, ring, memory_order_seq_cst);
  /* release: pairs with the acquire load in force_exit(); the ring is
   * complete before the signal thread may use it */
  atomic_store_explicit (&app->exit_ring, ring, memory_order_release);
  return 0;
}

/* --- leaving -------------------------------------------------------------- */

/* Record, having let go of its ring, whose consumer was alive a moment
 * ago: whether it has left since (the two may be exiting together, both
 * after a server shutdown). Taking the free consumer role says so; a live
 * consumer keeps it, and removes the ring itself when it leaves. */
static gboolean
consumer_left (App *app)
{
  RbRing *probe = rb_ring_open_full (app->opt.ring_name,
      RB_RING_ROLE_CONSUMER, app->opt.open_flags, NULL);

  if (probe == NULL)
    return FALSE;
  g_object_unref (probe);
  return TRUE;
}

/* Lets go of the ring and removes it when nobody else uses it, so that
 * whichever side leaves last removes it (as ringsrc does on stop). record
 * made the ring: it removes it unless a consumer is still attached, which
 * keeps it for a restarted record. play removes it once every process
 * that used it is gone (rb_ring_reclaim_stale()). */
void
release_ring (App *app)
{
  g_autoptr (GError) error = NULL;
  gboolean peer_alive;

  if (app->ring == NULL)
    return;
  peer_alive = rb_ring_get_peer_state (app->ring) == RB_PEER_STATE_ALIVE;

  if (app->rt.mode == RB_JACK_RECORD) {
    guint consumer = rb_ring_get_peer_pid (app->ring);

    g_clear_object (&app->ring);
    if (peer_alive && !consumer_left (app)) {
      print_info (app, "leaving ring '%s' to its consumer (pid %u)",
          app->opt.ring_name, consumer);
      return;
    }
    if (!rb_ring_unlink (app->opt.ring_name, &error) &&
        !g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND))
      print_warning ("warning: cannot remove ring '%s': %s",
          app->opt.ring_name, error->message);
    return;
  }

  g_clear_object (&app->ring);
  /* no callback runs any more (teardown cleared rt.tap after closing the
   * client) */
  g_clear_pointer (&app->tap, rb_jack_tap_free);
  /* The ring's creator counts as a user while its process lives: a
   * record whose producer role is gone may be a moment from exiting, so
   * ask again for a while; a live producer keeps the ring, no waiting. */
  for (int tries = 0; ; tries++) {
    g_clear_error (&error);
    if (rb_ring_reclaim_stale (app->opt.ring_name, &error)) {
      print_info (app, "removed ring '%s', which nobody uses",
          app->opt.ring_name);
      return;
    }
    if (peer_alive || tries >= RECLAIM_TRIES ||
        !g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_BUSY))
      break;
    g_usleep (RECLAIM_INTERVAL_US);
  }
  if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND))
    print_info (app, "leaving ring '%s': %s", app->opt.ring_name,
        error->message);
}
