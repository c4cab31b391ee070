/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Blocking waits over rb-wait.c's futex layer, interrupts, and what a wait
 * does when a peer truncated a named ring's file. */

#include "config.h"

#include "rb-ring-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- waiting ------------------------------------------------------------- */

/* A named ring's file cannot be sealed, so a peer with write access can
 * truncate it, and every access to the pages cut off is a SIGBUS. The
 * non-realtime calls that touch the header (the waits, interrupt, close)
 * look at the file's size first; a ring found truncated is dead: its
 * mapping is replaced by private zeroed memory, so that nothing done with
 * it afterwards, in any thread, can fault (an empty ring whose positions
 * are 0 reads and writes into nothing), and its waits return
 * %RB_WAIT_PEER_GONE. The realtime calls cannot look (a system call); a
 * truncation that they meet first still kills the process. */
static void
orphan (RbRing *self, gint64 size)
{
  const char *what = NULL;
  int res;

  /* relaxed: the first thread to see the truncation does the work; the
   * flag orders nothing else */
  if (atomic_exchange_explicit (&self->orphaned, 1, memory_order_relaxed))
    return;
  res = rb_mapping_orphan (&self->map, &what);
  g_log ("ringbridge", G_LOG_LEVEL_WARNING, "ring '%s' was truncated by "
      "another process (its file has %" G_GINT64_FORMAT " bytes, the ring "
      "needs %" G_GUINT64_FORMAT "): treating it as dead%s%s",
      self->name ? self->name : "(passed fd)", size,
      (guint64) (self->map.header_size + self->core->storage),
      res < 0 ? "; " : "", res < 0 ? what : "");
}

/* Whether the ring's memory is still backed by its file; if not, makes the
 * ring dead (orphan()). One fstat() for a named ring, nothing otherwise. */
gboolean
rb_ring_check_file (RbRing *self)
{
  struct stat st;

  /* relaxed: see orphan() */
  if (atomic_load_explicit (&self->orphaned, memory_order_relaxed))
    return FALSE;
  if (!self->unsealed || self->map.base == NULL ||
      fstat (self->map.fd, &st) < 0 ||
      (uint64_t) st.st_size >= self->map.header_size + self->core->storage)
    return TRUE;
  orphan (self, (gint64) st.st_size);
  return FALSE;
}

static struct rb_wait_ctx
wait_ctx (RbRing *ring, int role_watched)
{
  struct rb_wait_ctx ctx = {
    .interrupted = &ring->interrupted,
    .peer_role = role_watched,
    .reported_generation = &ring->reported_generation,
    .fd = ring->unsealed ? ring->map.fd : -1,
    .file_size = ring->map.header_size + ring->core->storage,
  };
  return ctx;
}

/* The public result of a wait: a truncated file makes the ring dead. */
static RbWaitResult
wait_result (RbRing *ring, enum rb_wait_result res)
{
  if (res == RB_CORE_WAIT_TRUNCATED) {
    rb_ring_check_file (ring);
    return RB_WAIT_PEER_GONE;
  }
  return (RbWaitResult) res;
}

/* One wait's cancellation: a GCancellable's callback sets @cancelled and
 * bumps the word this wait sleeps on. Lives on the waiter's stack from
 * g_cancellable_connect() to g_cancellable_disconnect(), which waits for a
 * callback running in another thread to return. */
struct cancel_wait {
  _Atomic uint32_t cancelled;
  RbRing *ring;
  _Atomic uint32_t *word;
};

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  struct cancel_wait *cw = data;

  /* seq_cst: before the bump in rb_wake(); the waiter that finds the word
   * moved, or checks the flag after its announcement (rb-wait.c,
   * told_to_stop()), sees the flag. */
  atomic_store_explicit (&cw->cancelled, 1, memory_order_seq_cst);
  /* the word is in the header, which a truncation takes away */
  rb_ring_check_file (cw->ring);
  /* Wakes the other sleepers on the word too: each re-checks its own
   * condition and sleeps again, as after any wake it did not need. Only
   * this wait sees the flag. */
  rb_wake (cw->word);
}

/* The checks that open every wait: a call the caller's side may make
 * (@side_ok), the caller's `cancellable` or none, and a ring whose file
 * is still there. A macro so that a refusal names the public function. */
#define WAIT_CHECKS(ring, side_ok) G_STMT_START { \
    g_return_val_if_fail (RB_IS_RING (ring), RB_WAIT_INTERRUPTED); \
    g_return_val_if_fail (side_ok, RB_WAIT_INTERRUPTED); \
    g_return_val_if_fail (cancellable == NULL || \
        G_IS_CANCELLABLE (cancellable), RB_WAIT_INTERRUPTED); \
    /* relaxed: see orphan() */ \
    if (atomic_load_explicit (&(ring)->orphaned, memory_order_relaxed)) \
      return RB_WAIT_PEER_GONE; \
  } G_STMT_END

/* Runs one wait of @ring for @target with @cancellable (may be NULL). */
static RbWaitResult
wait_cancellable (RbRing *ring, gboolean data, int role_watched,
    guint64 target, gint64 timeout_us, GCancellable *cancellable)
{
  struct rb_wait_ctx ctx = wait_ctx (ring, role_watched);
  struct cancel_wait cw = { .ring = ring };
  gulong handler = 0;
  enum rb_wait_result res;

  if (cancellable != NULL) {
    cw.word = rb_ring_core_wait_word (ring->core, data);
    /* calls on_cancelled() at once if already cancelled */
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
        &cw, NULL);
    ctx.cancelled = &cw.cancelled;
  }
  res = data ? rb_ring_core_wait_data (ring->core, target, timeout_us, &ctx)
      : rb_ring_core_wait_space (ring->core, target, timeout_us, &ctx);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  return wait_result (ring, res);
}

/**
 * rb_ring_wait_readable:
 * @ring: a ring
 * @count: the number of bytes to wait for (at most the capacity; multiply
 *   frames by rb_ring_get_frame_size())
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 *
 * rb_ring_wait_readable_full() without a cancellable.
 *
 * Thread: consumer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_readable (RbRing *ring, gsize count, gint64 timeout_us)
{
  return rb_ring_wait_readable_full (ring, count, timeout_us, NULL);
}

/**
 * rb_ring_wait_readable_full:
 * @ring: a ring
 * @count: the number of bytes to wait for (at most the capacity; multiply
 *   frames by rb_ring_get_frame_size())
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 * @cancellable: (nullable): ends this wait (and no other) when cancelled
 *
 * Blocks the consumer until @count bytes can be read. It also returns when
 * the producer marks the end of the stream with less than @count left
 * (%RB_WAIT_END_OF_STREAM: read what is left), when the producer detaches
 * or dies (%RB_WAIT_PEER_GONE, once per departed producer: wait again to
 * wait for a new one), when another thread calls rb_ring_interrupt() or
 * cancels @cancellable (%RB_WAIT_INTERRUPTED; a cancellable already
 * cancelled ends the wait at once, other waits on @ring go on), or after
 * @timeout_us. A producer that never has a waiter makes no system call to
 * wake it; one that has makes one.
 *
 * A named ring whose file another process truncated is dead: the wait
 * returns %RB_WAIT_PEER_GONE (every time), logs a warning once, and the
 * ring reads nothing from then on, instead of a SIGBUS (see
 * docs/sharing.md, "What a peer with write access can and cannot do").
 *
 * Thread: consumer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_readable_full (RbRing *ring, gsize count, gint64 timeout_us,
    GCancellable *cancellable)
{
  WAIT_CHECKS (ring, ring->role == RB_RING_ROLE_CONSUMER ||
      ring->role == RB_RING_ROLE_BOTH);
  count = MIN (count, (gsize) ring->core->capacity);
  return wait_cancellable (ring, TRUE, RB_ROLE_PRODUCER,
      ring->core->r + count, timeout_us, cancellable);
}

/**
 * rb_ring_wait_writable:
 * @ring: a ring
 * @count: the number of bytes of free space to wait for (at most the
 *   capacity)
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 *
 * rb_ring_wait_writable_full() without a cancellable.
 *
 * Thread: producer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_writable (RbRing *ring, gsize count, gint64 timeout_us)
{
  return rb_ring_wait_writable_full (ring, count, timeout_us, NULL);
}

/**
 * rb_ring_wait_writable_full:
 * @ring: a ring
 * @count: the number of bytes of free space to wait for (at most the
 *   capacity)
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 * @cancellable: (nullable): ends this wait (and no other) when cancelled
 *
 * Blocks the producer until @count bytes can be written, the consumer
 * detaches or dies (%RB_WAIT_PEER_GONE), rb_ring_interrupt() is called or
 * @cancellable is cancelled (%RB_WAIT_INTERRUPTED), or @timeout_us passes.
 * An overwrite ring is always writable. A truncated ring's file makes the
 * ring dead, as for rb_ring_wait_readable_full().
 *
 * Thread: producer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_writable_full (RbRing *ring, gsize count, gint64 timeout_us,
    GCancellable *cancellable)
{
  WAIT_CHECKS (ring, ring->role == RB_RING_ROLE_PRODUCER ||
      ring->role == RB_RING_ROLE_BOTH);
  if (ring->core->flags & RB_CORE_FLAG_OVERWRITE)
    return RB_WAIT_READY;
  count = MIN (count, (gsize) ring->core->capacity);
  return wait_cancellable (ring, FALSE, RB_ROLE_CONSUMER,
      ring->core->w + count - ring->core->capacity, timeout_us, cancellable);
}

/**
 * rb_ring_wait_position:
 * @ring: a ring
 * @position: the absolute write position to wait for
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 *
 * rb_ring_wait_position_full() without a cancellable.
 *
 * Thread: any but the producer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_position (RbRing *ring, guint64 position, gint64 timeout_us)
{
  return rb_ring_wait_position_full (ring, position, timeout_us, NULL);
}

/**
 * rb_ring_wait_position_full:
 * @ring: a ring
 * @position: the absolute write position to wait for
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 * @cancellable: (nullable): ends this wait (and no other) when cancelled
 *
 * Blocks until the producer has written up to @position (that is, until
 * rb_ring_get_write_position() >= @position): how a reader of an overwrite
 * ring waits for the data it wants next. Ends early as
 * rb_ring_wait_readable_full() does.
 *
 * Thread: any but the producer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_position_full (RbRing *ring, guint64 position,
    gint64 timeout_us, GCancellable *cancellable)
{
  WAIT_CHECKS (ring, ring->role != RB_RING_ROLE_PRODUCER);
  return wait_cancellable (ring, TRUE, RB_ROLE_PRODUCER, position,
      timeout_us, cancellable);
}

/**
 * rb_ring_interrupt:
 * @ring: a ring
 *
 * Makes every wait on @ring in this process return %RB_WAIT_INTERRUPTED,
 * now and until rb_ring_clear_interrupt(): what a GStreamer element's
 * unlock() calls, and unlock_stop() undoes. A wait whose condition already
 * holds still returns %RB_WAIT_READY.
 *
 * Thread: any.
 */
void
rb_ring_interrupt (RbRing *ring)
{
  g_return_if_fail (RB_IS_RING (ring));

  /* seq_cst: before the wake-word bumps in rb_ring_core_wake_all(); a
   * waiter that sees a bump sees the flag. */
  atomic_store_explicit (&ring->interrupted, 1, memory_order_seq_cst);
  /* the wake words are in the header, which a truncation takes away */
  rb_ring_check_file (ring);
  rb_ring_core_wake_all (ring->core);
}

/**
 * rb_ring_clear_interrupt:
 * @ring: a ring
 *
 * Lets waits on @ring block again after rb_ring_interrupt().
 *
 * Thread: any.
 */
void
rb_ring_clear_interrupt (RbRing *ring)
{
  g_return_if_fail (RB_IS_RING (ring));

  /* release: pairs with the acquire loads in the wait loop. */
  atomic_store_explicit (&ring->interrupted, 0, memory_order_release);
}
