/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Readiness watches: a file descriptor a main loop can poll, for a ring
 * whose other side may be another process, without a thread of ours,
 * without timeouts, and without costing the realtime side a system call
 * unless a watch waits and its threshold was just crossed.
 *
 * Linux has no file descriptor for a futex, so the wake-up is a file
 * event. Each watch holds an inotify descriptor on the ring's file
 * (/proc/self/fd/N, which works for memfds and named rings alike); the
 * side that publishes pokes the file with futimens(), an IN_ATTRIB event
 * that every watch of the ring, in any process, sees. The watch's fd is an
 * epoll descriptor holding that inotify descriptor and, for PEER_LEFT, a
 * pidfd of the peer's process (a peer killed by SIGKILL pokes nothing).
 *
 * When the publishing side pokes: the header's wait block has, per side
 * (data: the producer pokes; space: the consumer does), an announce word,
 * a target position and the target last answered (struct rb_shm_header).
 * A watch arms (arm_side()) by storing its target, the absolute position
 * the other side's publish must reach, then bumping the announce word
 * (seq_cst), then a membarrier() (the asymmetric barrier of rb-wait.c),
 * then re-checking its condition. The publishing side, after each publish
 * (watch_due() in rb-ring-core.c), loads the announce word; only when it
 * moved since its last poke does it load the target, and only when the
 * publish reached it does it poke: at most one system call per
 * announcement, none at all with no watch or a target not reached. That
 * is the futex waits' Dekker pattern: either the watch's re-check sees the
 * publish or the publisher sees the announcement.
 *
 * Several watches share one target word, which keeps the lowest target
 * still pending: a watch replaces the stored target only if its own is
 * lower or the stored one was already reached. Since one poke reaches
 * every watch and every watch re-arms after a poke, a lower target only
 * makes higher ones wake early (and re-arm). Replacing a reached target
 * that was not yet answered (*_answered differs) could hide it from the
 * publisher, so the watch that does it pokes the file itself: a spare
 * wake-up for the others, never a lost one.
 *
 * The end of the stream pokes whenever an announcement is pending;
 * rb_ring_release_roles() pokes when a side detaches cleanly. */

#include "rb-ring-private.h"
#include "rb-ring-watch.h"
#include "rb-reader.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A target no publish reaches (an END_OF_STREAM or PEER_LEFT watch that
 * waits for no data): 2^62 bytes ahead. */
#define FAR_AHEAD (UINT64_C (1) << 62)

/* Allocated with g_atomic_rc_box_new0(): the box counts the references. */
struct _RbRingWatch
{
  RbRing *ring;                 /* a reference */
  RbRingReader *reader;         /* a reference, or NULL: a ring's watch */
  RbRingCondition conditions;
  gsize threshold;              /* bytes, whole frames, >= one frame */
  int epfd;                     /* what rb_ring_watch_get_fd() returns */
  int infd;                     /* inotify on the ring's file */
  int pidfd;                    /* the peer's process, or -1 */
  uint64_t pid_owner;           /* the owner word @pidfd belongs to */
  uint64_t base;                /* a reader's READABLE: write_pos last reported */
  gboolean data_armed, space_armed;
  gboolean eos_reported;
  gboolean peer_reported;
  uint32_t peer_reported_generation;
};

G_DEFINE_BOXED_TYPE (RbRingWatch, rb_ring_watch, rb_ring_watch_ref,
    rb_ring_watch_unref)

#define KNOWN_CONDITIONS (RB_RING_CONDITION_READABLE | \
    RB_RING_CONDITION_WRITABLE | RB_RING_CONDITION_PEER_LEFT | \
    RB_RING_CONDITION_END_OF_STREAM)

static gboolean
reads (RbRing *ring)
{
  return ring->role != RB_RING_ROLE_PRODUCER;
}

static gboolean
writes (RbRing *ring)
{
  return ring->role == RB_RING_ROLE_PRODUCER ||
      ring->role == RB_RING_ROLE_BOTH;
}

/* --- the conditions, looked at without a system call --------------------- */

static gboolean
readable_now (RbRingWatch *w)
{
  struct rb_ring_core *c = w->ring->core;
  uint64_t wp = rb_ring_core_write_position (c);

  if (w->reader != NULL)
    return rb_ring_reader_get_available (w->reader) >= w->threshold;
  if (w->ring->role == RB_RING_ROLE_READER)
    return wp - w->base >= w->threshold && (int64_t) (wp - w->base) > 0;
  /* a corrupt read_pos ahead of write_pos reads as a huge difference:
   * never more than the capacity from an honest peer */
  return wp - rb_ring_core_read_position (c) >= w->threshold &&
      wp - rb_ring_core_read_position (c) <= c->capacity;
}

static gboolean
writable_now (RbRingWatch *w)
{
  struct rb_ring_core *c = w->ring->core;
  uint64_t used;

  if (c->flags & RB_CORE_FLAG_OVERWRITE)
    return TRUE;
  used = rb_ring_core_write_position (c) - rb_ring_core_read_position (c);
  return used <= c->capacity && c->capacity - used >= w->threshold;
}

/* READABLE, WRITABLE and an end of stream not yet reported: what holds now
 * without a system call (a GSource's prepare()). */
static RbRingCondition
cheap_conditions (RbRingWatch *w)
{
  RbRingCondition held = 0;

  if ((w->conditions & RB_RING_CONDITION_READABLE) && readable_now (w))
    held |= RB_RING_CONDITION_READABLE;
  if ((w->conditions & RB_RING_CONDITION_WRITABLE) && writable_now (w))
    held |= RB_RING_CONDITION_WRITABLE;
  if ((w->conditions & RB_RING_CONDITION_END_OF_STREAM) && !w->eos_reported &&
      rb_ring_core_eos_marked (w->ring->core))
    held |= RB_RING_CONDITION_END_OF_STREAM;
  return held;
}

/* The peer's departure, once per departure (reads /proc: not cheap). */
static gboolean
peer_left_now (RbRingWatch *w)
{
  uint32_t gen;

  if (rb_shm_peer_state (rb_ring_header_of (w->ring),
          rb_ring_peer_role (w->ring), &gen, NULL) != RB_PEER_GONE)
    return FALSE;
  return !w->peer_reported || w->peer_reported_generation != gen;
}

/* --- arming ---------------------------------------------------------------- */

/* Stores @target as what the publishing side of @data (else space) must
 * reach, announces it, and makes the publisher see both (see the top of
 * the file). */
static void
arm_side (RbRingWatch *w, gboolean data, uint64_t target)
{
  struct rb_shm_header *hdr = rb_ring_header_of (w->ring);
  _Atomic uint64_t *word = data ? &hdr->watch_data_target :
      &hdr->watch_space_target;
  _Atomic uint64_t *answered = data ? &hdr->watch_data_answered :
      &hdr->watch_space_answered;
  _Atomic uint32_t *announce = data ? &hdr->watch_data_announce :
      &hdr->watch_space_announce;
  /* acquire: pairs with the CAS below of another watch */
  uint64_t cur = atomic_load_explicit (word, memory_order_acquire);
  gboolean poke = FALSE;

  for (;;) {
    uint64_t pos = data ? rb_ring_core_write_position (w->ring->core) :
        rb_ring_core_read_position (w->ring->core);
    gboolean reached = (int64_t) (pos - cur) >= 0;

    if (!reached && (int64_t) (target - cur) >= 0)
      break;                    /* a lower target is pending: it wakes us */
    /* seq_cst: ordered before our announcement below, which the publisher
     * loads before this word (watch_due()) */
    if (atomic_compare_exchange_weak_explicit (word, &cur, target,
            memory_order_seq_cst, memory_order_acquire)) {
      /* acquire: pairs with the release store in watch_due(): the poke
       * for a target it answered follows that store */
      if (reached && cur != atomic_load_explicit (answered,
              memory_order_acquire))
        poke = TRUE;
      break;
    }
  }
  /* seq_cst: pairs with the publisher's load in watch_due(); 0 means
   * "never watched" there, so it is skipped when the word wraps */
  if (atomic_fetch_add_explicit (announce, 1, memory_order_seq_cst) ==
      UINT32_MAX)
    atomic_fetch_add_explicit (announce, 1, memory_order_seq_cst);
  rb_heavy_barrier ();
  if (poke)
    rb_watch_poke (w->ring->map.fd);
  if (data)
    w->data_armed = TRUE;
  else
    w->space_armed = TRUE;
}

static uint64_t
data_target (RbRingWatch *w)
{
  struct rb_ring_core *c = w->ring->core;

  if (!(w->conditions & RB_RING_CONDITION_READABLE))
    return rb_ring_core_write_position (c) + FAR_AHEAD;
  if (w->reader != NULL)
    return rb_ring_reader_get_position (w->reader) + w->threshold;
  if (w->ring->role == RB_RING_ROLE_READER)
    return w->base + w->threshold;
  return rb_ring_core_read_position (c) + w->threshold;
}

/* Arms what does not hold and is not armed; returns what holds after
 * (the re-check of the protocol). */
static RbRingCondition
arm_missing (RbRingWatch *w)
{
  RbRingCondition held = cheap_conditions (w);
  struct rb_ring_core *c = w->ring->core;
  gboolean want_data = (w->conditions & (RB_RING_CONDITION_READABLE |
          RB_RING_CONDITION_END_OF_STREAM | RB_RING_CONDITION_PEER_LEFT)) != 0;

  if (want_data && !w->data_armed && !(held & RB_RING_CONDITION_READABLE))
    arm_side (w, TRUE, data_target (w));
  if ((w->conditions & RB_RING_CONDITION_WRITABLE) && !w->space_armed &&
      !(held & RB_RING_CONDITION_WRITABLE) &&
      !(c->flags & RB_CORE_FLAG_OVERWRITE))
    arm_side (w, FALSE,
        rb_ring_core_write_position (c) + w->threshold - c->capacity);
  return cheap_conditions (w);
}

/* --- the peer's process ----------------------------------------------------- */

static void
drop_pidfd (RbRingWatch *w)
{
  if (w->pidfd < 0)
    return;
  epoll_ctl (w->epfd, EPOLL_CTL_DEL, w->pidfd, NULL);
  close (w->pidfd);
  w->pidfd = -1;
}

/* Follows the peer's process with a pidfd: readable when it exits. */
static void
follow_peer (RbRingWatch *w)
{
  struct rb_shm_header *hdr = rb_ring_header_of (w->ring);
  int role = rb_ring_peer_role (w->ring);
  /* relaxed: a hint, checked against the process below */
  uint64_t owner = atomic_load_explicit (role == RB_ROLE_PRODUCER ?
      &hdr->producer_owner : &hdr->consumer_owner, memory_order_relaxed);
  struct epoll_event ev = { .events = EPOLLIN };
  struct pollfd pfd;
  int fd;

  if (w->pidfd >= 0) {
    pfd.fd = w->pidfd;
    pfd.events = POLLIN;
    if (poll (&pfd, 1, 0) > 0)
      drop_pidfd (w);           /* it exited: level-triggered, so let go */
  }
  if (owner == 0 || owner == w->pid_owner || owner == w->ring->self_owner)
    return;
  drop_pidfd (w);
  w->pid_owner = owner;
  fd = (int) syscall (SYS_pidfd_open, (pid_t) rb_owner_pid (owner), 0);
  if (fd < 0)
    return;                     /* gone already: peer_left_now() says so */
  /* the pid may have been reused between the load and the open: the
   * pidfd counts only if the owner word's process is still that pid */
  if (!rb_owner_alive (owner)) {
    close (fd);
    return;
  }
  ev.data.fd = fd;
  if (epoll_ctl (w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
    close (fd);
    return;
  }
  w->pidfd = fd;
}

/* --- the public API --------------------------------------------------------- */

static gboolean
check_arguments (RbRing *ring, RbRingCondition conditions, gsize threshold,
    gsize *rounded, GError **error)
{
  struct rb_ring_core *c = ring->core;
  gsize fs = c->frame_size, usable = (gsize) (c->capacity / fs * fs);

  if (ring->closed) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "cannot watch a closed ring");
    return FALSE;
  }
  if (conditions == 0 || (conditions & ~KNOWN_CONDITIONS) != 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS,
        "invalid watch conditions 0x%x: give one or more of READABLE, "
        "WRITABLE, PEER_LEFT, END_OF_STREAM", (guint) conditions);
    return FALSE;
  }
  if (((conditions & RB_RING_CONDITION_READABLE) && !reads (ring)) ||
      ((conditions & RB_RING_CONDITION_WRITABLE) && !writes (ring))) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "cannot watch a %s ring for %s",
        (conditions & RB_RING_CONDITION_READABLE) && !reads (ring) ?
        "producer's" : "consumer's or reader's",
        (conditions & RB_RING_CONDITION_READABLE) && !reads (ring) ?
        "data (READABLE)" : "space (WRITABLE)");
    return FALSE;
  }
  /* whole frames, at least one */
  *rounded = threshold == 0 ? fs : (threshold + fs - 1) / fs * fs;
  if (threshold > usable || *rounded > usable) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "watch threshold of %" G_GSIZE_FORMAT " bytes is larger than the "
        "ring (%" G_GSIZE_FORMAT " bytes)", threshold, usable);
    return FALSE;
  }
  return TRUE;
}

static gboolean
open_fds (RbRingWatch *w, GError **error)
{
  struct epoll_event ev = { .events = EPOLLIN };
  gchar path[64];
  const char *what = "inotify_init1";

  w->infd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (w->infd >= 0) {
    what = "inotify_add_watch";
    g_snprintf (path, sizeof path, "/proc/self/fd/%d", w->ring->map.fd);
    if (inotify_add_watch (w->infd, path, IN_ATTRIB | IN_MODIFY) >= 0) {
      what = "epoll_create1";
      w->epfd = epoll_create1 (EPOLL_CLOEXEC);
      ev.data.fd = w->infd;
      if (w->epfd >= 0 && (what = "epoll_ctl",
              epoll_ctl (w->epfd, EPOLL_CTL_ADD, w->infd, &ev) == 0))
        return TRUE;
    }
  }
  {
    int err = errno;

    g_set_error (error, RB_RING_ERROR, rb_ring_error_code_for_errno (-err),
        "cannot watch the ring: %s: %s (see /proc/sys/fs/inotify/max_user_instances)",
        what, g_strerror (err));
  }
  return FALSE;
}

static RbRingWatch *watch_new (RbRing *ring, RbRingReader *reader,
    RbRingCondition conditions, gsize rounded, GError **error);

/**
 * rb_ring_watch_new:
 * @ring: a ring
 * @conditions: what to wait for: one or more #RbRingCondition flags
 * @threshold: bytes: for %RB_RING_CONDITION_READABLE, how many must be
 *   readable; for %RB_RING_CONDITION_WRITABLE, how many must be free.
 *   Rounded up to whole frames; 0 means one frame. At most the ring's
 *   capacity.
 * @error: return location for a #GError
 *
 * Makes a readiness watch: rb_ring_watch_get_fd() for poll(), select()
 * or asyncio, rb_ring_watch_create_source() for a GLib main loop. The
 * other side may be another process; it makes one system call (futimens()
 * on the ring's file) after a publish that reached the threshold of a
 * watch armed since its last such call, and none otherwise. The library
 * starts no thread and sets no timeout.
 *
 * Errors: %RB_RING_ERROR_INVALID_FLAGS for no or unknown conditions,
 * %RB_RING_ERROR_INVALID_ROLE for READABLE on a producer's ring,
 * WRITABLE on a consumer's or reader's, or a closed ring, and
 * %RB_RING_ERROR_INVALID_CAPACITY for a threshold larger than the ring.
 *
 * Thread: any, not realtime. Not RT-safe.
 *
 * Returns: (transfer full) (nullable): the watch, or %NULL and @error
 *
 * Since: 0.2
 */
RbRingWatch *
rb_ring_watch_new (RbRing *ring, RbRingCondition conditions, gsize threshold,
    GError **error)
{
  gsize rounded = 0;

  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_arguments (ring, conditions, threshold, &rounded, error))
    return NULL;
  return watch_new (ring, NULL, conditions, rounded, error);
}

static RbRingWatch *
watch_new (RbRing *ring, RbRingReader *reader, RbRingCondition conditions,
    gsize rounded, GError **error)
{
  RbRingWatch *w;

  w = g_atomic_rc_box_new0 (RbRingWatch);
  w->ring = g_object_ref (ring);
  w->conditions = conditions;
  w->threshold = rounded;
  w->reader = reader != NULL ? rb_ring_reader_ref (reader) : NULL;
  w->epfd = w->infd = w->pidfd = -1;
  w->base = rb_ring_core_write_position (ring->core);
  if (!open_fds (w, error)) {
    rb_ring_watch_unref (w);
    return NULL;
  }
  if (conditions & RB_RING_CONDITION_PEER_LEFT)
    follow_peer (w);
  arm_missing (w);
  return w;
}

/**
 * rb_ring_reader_watch_new:
 * @reader: a reader (rb_ring_reader_new())
 * @threshold: bytes that must be readable for @reader
 *   (rb_ring_reader_get_available()): rounded up to whole frames, 0 means
 *   one frame; at most the ring's capacity, and for a latest reader at most
 *   its target latency
 * @error: return location for a #GError
 *
 * Makes a readiness watch of %RB_RING_CONDITION_READABLE (counted from the
 * reader's own position, whatever its policy) and
 * %RB_RING_CONDITION_END_OF_STREAM, as rb_ring_watch_new() does for a
 * ring.
 *
 * Thread: any, not realtime. Not RT-safe.
 *
 * Returns: (transfer full) (nullable): the watch, or %NULL and @error
 *
 * Since: 0.2
 */
RbRingWatch *
rb_ring_reader_watch_new (RbRingReader *reader, gsize threshold,
    GError **error)
{
  RbRingCondition conditions = RB_RING_CONDITION_READABLE |
      RB_RING_CONDITION_END_OF_STREAM;
  RbRing *ring;
  gsize rounded = 0;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ring = rb_ring_reader_get_ring (reader);
  if (!check_arguments (ring, conditions, threshold, &rounded, error))
    return NULL;
  if (rb_ring_reader_get_policy (reader) == RB_READER_POLICY_LATEST &&
      rounded > rb_ring_reader_get_target_latency (reader)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "watch threshold of %" G_GSIZE_FORMAT " bytes is larger than the "
        "latest reader's target latency (%" G_GUINT64_FORMAT " bytes): it "
        "never has more readable", rounded,
        rb_ring_reader_get_target_latency (reader));
    return NULL;
  }
  return watch_new (ring, reader, conditions, rounded, error);
}

/**
 * rb_ring_watch_ref:
 * @watch: a watch
 *
 * Takes a reference.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): @watch
 *
 * Since: 0.2
 */
RbRingWatch *
rb_ring_watch_ref (RbRingWatch *watch)
{
  g_return_val_if_fail (watch != NULL, NULL);
  /* the box's atomic count; pairs with the release in rb_ring_watch_unref() */
  return g_atomic_rc_box_acquire (watch);
}

/* What the last reference to @watch takes with it; the box frees @watch. */
static void
watch_clear (RbRingWatch *watch)
{
  drop_pidfd (watch);
  g_clear_pointer (&watch->reader, rb_ring_reader_unref);
  if (watch->infd >= 0)
    close (watch->infd);
  if (watch->epfd >= 0)
    close (watch->epfd);
  g_object_unref (watch->ring);
}

/**
 * rb_ring_watch_unref:
 * @watch: (transfer full): a watch
 *
 * Drops a reference; the last one closes the watch's descriptors.
 *
 * Thread: any. Not RT-safe.
 *
 * Since: 0.2
 */
void
rb_ring_watch_unref (RbRingWatch *watch)
{
  g_return_if_fail (watch != NULL);
  /* the box's atomic count: the last release (after every other holder's)
   * clears and frees */
  g_atomic_rc_box_release_full (watch, (GDestroyNotify) watch_clear);
}

/**
 * rb_ring_watch_free:
 * @watch: (transfer full): a watch
 *
 * The same as rb_ring_watch_unref().
 *
 * Thread: any. Not RT-safe.
 *
 * Since: 0.2
 */
void
rb_ring_watch_free (RbRingWatch *watch)
{
  rb_ring_watch_unref (watch);
}

/**
 * rb_ring_watch_get_fd:
 * @watch: a watch
 *
 * Gets the watch's file descriptor: readable when a condition may have
 * come to hold. It stays the watch's: do not close it. Call
 * rb_ring_watch_check() when it is readable and before each wait on it
 * (the check arms the watch for what does not hold yet).
 *
 * Thread: any (a watch is not for realtime threads). Not RT-safe.
 *
 * Returns: the file descriptor
 *
 * Since: 0.2
 */
gint
rb_ring_watch_get_fd (RbRingWatch *watch)
{
  g_return_val_if_fail (watch != NULL, -1);

  return watch->epfd;
}

/**
 * rb_ring_watch_get_conditions:
 * @watch: a watch
 *
 * Gets what the watch waits for.
 *
 * Thread: any (a watch is not for realtime threads). Not RT-safe.
 *
 * Returns: the conditions given to rb_ring_watch_new()
 *
 * Since: 0.2
 */
RbRingCondition
rb_ring_watch_get_conditions (RbRingWatch *watch)
{
  g_return_val_if_fail (watch != NULL, 0);

  return watch->conditions;
}

/**
 * rb_ring_watch_get_threshold:
 * @watch: a watch
 *
 * Gets the watch's threshold in bytes, rounded up to whole frames.
 *
 * Thread: any (a watch is not for realtime threads). Not RT-safe.
 *
 * Returns: the threshold in bytes
 *
 * Since: 0.2
 */
gsize
rb_ring_watch_get_threshold (RbRingWatch *watch)
{
  g_return_val_if_fail (watch != NULL, 0);

  return watch->threshold;
}

static void
drain (RbRingWatch *w)
{
  char buf[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));

  while (read (w->infd, buf, sizeof buf) > 0)
    ;
  /* a poke reached every watch: ours may have been replaced since */
  w->data_armed = w->space_armed = FALSE;
}

/**
 * rb_ring_watch_check:
 * @watch: a watch
 *
 * Tells which of the watch's conditions hold now, and re-arms its file
 * descriptor: it becomes readable again only when something may have
 * changed. READABLE and WRITABLE are reported as long as they hold;
 * END_OF_STREAM once per stream, PEER_LEFT once per departure. A ring
 * attached as a reader counts READABLE from the write position at the
 * check that last reported it. A closed ring holds nothing.
 *
 * Thread: any, one at a time per watch. Not RT-safe.
 *
 * Returns: the conditions that hold, 0 if none
 *
 * Since: 0.2
 */
RbRingCondition
rb_ring_watch_check (RbRingWatch *watch)
{
  RbRingCondition held;

  g_return_val_if_fail (watch != NULL, 0);

  drain (watch);
  if (watch->ring->closed)
    return 0;
  if (watch->conditions & RB_RING_CONDITION_PEER_LEFT)
    follow_peer (watch);
  held = arm_missing (watch);
  if ((watch->conditions & RB_RING_CONDITION_PEER_LEFT) &&
      peer_left_now (watch)) {
    uint32_t gen = 0;

    rb_shm_peer_state (rb_ring_header_of (watch->ring),
        rb_ring_peer_role (watch->ring), &gen, NULL);
    watch->peer_reported = TRUE;
    watch->peer_reported_generation = gen;
    held |= RB_RING_CONDITION_PEER_LEFT;
  }
  if (held & RB_RING_CONDITION_END_OF_STREAM)
    watch->eos_reported = TRUE;
  else if (!rb_ring_core_eos_marked (watch->ring->core))
    watch->eos_reported = FALSE;        /* a new stream */
  if ((held & RB_RING_CONDITION_READABLE) && watch->reader == NULL &&
      watch->ring->role == RB_RING_ROLE_READER)
    watch->base = rb_ring_core_write_position (watch->ring->core);
  return held;
}

/* --- the GSource ------------------------------------------------------------ */

typedef struct
{
  GSource source;
  RbRingWatch *watch;
  gpointer tag;
} WatchSource;

static gboolean
source_prepare (GSource *source, gint *timeout)
{
  WatchSource *ws = (WatchSource *) source;

  /* no timeout: the fd or a condition that holds wakes us */
  *timeout = -1;
  /* a closed ring: dispatch once, to remove the source */
  if (ws->watch->ring->closed)
    return TRUE;
  /* arms only after a poke or a report (at most one barrier per wake) */
  return arm_missing (ws->watch) != 0;
}

static gboolean
source_check (GSource *source)
{
  WatchSource *ws = (WatchSource *) source;

  if (ws->watch->ring->closed)
    return TRUE;
  return (g_source_query_unix_fd (source, ws->tag) & G_IO_IN) != 0 ||
      cheap_conditions (ws->watch) != 0;
}

static gboolean
source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  WatchSource *ws = (WatchSource *) source;
  RbRingCondition held = rb_ring_watch_check (ws->watch);

  if (ws->watch->ring->closed)
    return G_SOURCE_REMOVE;     /* nothing will hold again */
  if (callback == NULL) {
    g_warning ("RbRingWatch source dispatched without callback. "
        "You must call g_source_set_callback().");
    return G_SOURCE_REMOVE;
  }
  if (held == 0)
    return G_SOURCE_CONTINUE;   /* a poke meant for another watch */
  return ((RbRingWatchFunc) (void (*)(void)) callback) (ws->watch, held,
      user_data);
}

static void
source_finalize (GSource *source)
{
  rb_ring_watch_unref (((WatchSource *) source)->watch);
}

static GSourceFuncs watch_source_funcs = {
  .prepare = source_prepare,
  .check = source_check,
  .dispatch = source_dispatch,
  .finalize = source_finalize,
};

/**
 * rb_ring_watch_create_source:
 * @watch: a watch
 *
 * Makes a #GSource that dispatches while one of the watch's conditions
 * holds (READABLE and WRITABLE for as long as they hold, the others once).
 * It removes itself, without calling back, once the ring is closed.
 * Its callback is an #RbRingWatchFunc (cast it to #GSourceFunc for
 * g_source_set_callback()); it gets the conditions that hold. The source
 * polls the watch's file descriptor and sets no timeout.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new source
 *
 * Since: 0.2
 */
GSource *
rb_ring_watch_create_source (RbRingWatch *watch)
{
  GSource *source;
  WatchSource *ws;

  g_return_val_if_fail (watch != NULL, NULL);

  source = g_source_new (&watch_source_funcs, sizeof (WatchSource));
  ws = (WatchSource *) source;
  ws->watch = rb_ring_watch_ref (watch);
  ws->tag = g_source_add_unix_fd (source, watch->epfd, G_IO_IN);
  g_source_set_name (source, "RbRingWatch");
  return source;
}
