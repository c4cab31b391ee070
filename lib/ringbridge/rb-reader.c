/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* RbRingReader: a reader with a policy (lossless, catch-up, latest) and a
 * journal of the spans it will never see (docs/ring.md, "Readers and the
 * gap journal").
 *
 * A lossless reader is the ring's consumer: it reads with the consumer's
 * calls and learns what an overwrite ring's producer took from it by how
 * far its read position moved beyond the bytes it got. Catch-up and latest
 * readers keep a private position and read with rb_ring_core_read_at(),
 * which never disturbs the producer or the consumer.
 *
 * The journal (rb-reader-journal.c) is a fixed array allocated by
 * rb_ring_reader_new(): the realtime calls (read, mark_underrun, pop_gap)
 * never allocate, lock or enter the kernel. One thread reads; the position
 * and the totals are atomics with a single writer, so any thread may look
 * at them. */

#include "config.h"

#include "rb-ring-private.h"
#include "rb-reader-private.h"

#include <stdatomic.h>

/* Positions are 64-bit counters: compare them as the core does. */
static inline gboolean
before (uint64_t a, uint64_t b)
{
  return (int64_t) (a - b) < 0;
}

/* A reader that keeps finding its range overtaken during the copy gives up
 * for this call after this many tries (it recorded each lost span). */
#define MAX_ATTEMPTS 4

G_DEFINE_BOXED_TYPE (RbRingReader, rb_ring_reader, rb_ring_reader_ref,
    rb_ring_reader_unref)

/* --- construction ------------------------------------------------------- */

static gboolean
check_policy (RbRing *ring, RbReaderPolicy policy, guint64 target,
    GError **error)
{
  struct rb_ring_core *c = ring->core;
  RbRingRole role = rb_ring_get_role (ring);

  if ((guint) policy > RB_READER_POLICY_LATEST) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "unknown reader policy %d", (gint) policy);
    return FALSE;
  }
  if (c->flags & RB_CORE_FLAG_RECORDS) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS,
        "a records ring has no stream reader: read its records");
    return FALSE;
  }
  if (policy == RB_READER_POLICY_LOSSLESS) {
    if (role != RB_RING_ROLE_CONSUMER && role != RB_RING_ROLE_BOTH) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
          "a lossless reader is the ring's consumer: attach the ring with "
          "the consumer role");
      return FALSE;
    }
  } else if (!(c->flags & RB_CORE_FLAG_OVERWRITE)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "the %s policy needs an overwrite ring: this ring's producer waits "
        "for its consumer, so only a lossless reader can read it",
        policy == RB_READER_POLICY_LATEST ? "latest" : "catch-up");
    return FALSE;
  }
  if (policy != RB_READER_POLICY_LATEST && target != 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "only the latest policy takes a target latency (%" G_GUINT64_FORMAT
        " bytes given)", target);
    return FALSE;
  }
  if (policy == RB_READER_POLICY_LATEST &&
      (target == 0 || target > c->capacity || target % c->frame_size != 0)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "target latency %" G_GUINT64_FORMAT " bytes: it must be whole frames "
        "of %u bytes, at least one and at most the ring's %" G_GUINT64_FORMAT
        " bytes", target, c->frame_size, c->capacity);
    return FALSE;
  }
  return TRUE;
}

static uint32_t
load_generation (const RbRingReader *self)
{
  /* relaxed: a claim count, compared only for change; no data is read
   * through it (pairs with the increment in rb_shm_claim()) */
  return atomic_load_explicit (&self->core->hdr->producer_generation,
      memory_order_relaxed);
}

/* The first position a catch-up or latest reader reads: everything the
 * ring holds, or its head minus the target latency. */
static uint64_t
start_position (const RbRingReader *self)
{
  uint64_t w = rb_ring_core_write_position (self->core);
  uint64_t oldest = rb_ring_core_oldest_position (self->core);

  if (self->policy == RB_READER_POLICY_LATEST && !before (w, oldest) &&
      w - oldest > self->target)
    return w - self->target;
  return oldest;
}

/**
 * rb_ring_reader_new:
 * @ring: the ring to read
 * @policy: how to follow it
 * @target_latency: %RB_READER_POLICY_LATEST: the most bytes the reader
 *   stays behind the write position (whole frames, at most the ring's
 *   capacity); 0 for the other policies
 * @error: return location for a #GError
 *
 * Makes a reader of @ring with a gap journal. %RB_READER_POLICY_LOSSLESS
 * needs a ring object that holds the consumer role (%RB_RING_ROLE_CONSUMER
 * or %RB_RING_ROLE_BOTH); the reader then reads as the consumer. The other
 * policies need an overwrite ring, of any role (%RB_RING_ROLE_READER in a
 * process that only reads), and any number of them may read one ring: they
 * keep their own positions and start at the oldest byte the ring holds
 * (latest: at the write position minus @target_latency).
 *
 * The journal is allocated here, so reading never allocates.
 *
 * Thread: any. Not RT-safe (allocates).
 *
 * Returns: (transfer full): the reader, or %NULL with @error set: a
 *   catch-up or latest policy on a ring without %RB_RING_FLAGS_OVERWRITE
 *   or a lossless one on a ring object without the consumer role
 *   (%RB_RING_ERROR_INVALID_ROLE), a target latency that is 0, not whole
 *   frames, larger than the ring or given to another policy
 *   (%RB_RING_ERROR_INVALID_CAPACITY), a records ring
 *   (%RB_RING_ERROR_INVALID_FLAGS)
 *
 * Since: 0.2
 */
RbRingReader *
rb_ring_reader_new (RbRing *ring, RbReaderPolicy policy,
    guint64 target_latency, GError **error)
{
  RbRingReader *self;

  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_policy (ring, policy, target_latency, error))
    return NULL;

  self = g_atomic_rc_box_new0 (RbRingReader);
  self->ring = g_object_ref (ring);
  self->core = ring->core;
  self->policy = policy;
  self->target = target_latency;
  self->journal = g_new0 (RbGap, RB_RING_READER_JOURNAL_SIZE);
  self->generation = load_generation (self);
  if (policy != RB_READER_POLICY_LOSSLESS)
    /* relaxed: not yet shared with any thread */
    atomic_store_explicit (&self->position, start_position (self),
        memory_order_relaxed);
  return self;
}

/**
 * rb_ring_reader_ref:
 * @reader: a reader
 *
 * Takes a reference.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: (transfer full): @reader
 *
 * Since: 0.2
 */
RbRingReader *
rb_ring_reader_ref (RbRingReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);
  /* the box's atomic count; pairs with the release in
   * rb_ring_reader_unref() */
  return g_atomic_rc_box_acquire (reader);
}

/* What the last reference to @reader takes with it; the box frees
 * @reader. */
static void
reader_clear (RbRingReader *reader)
{
  g_free (reader->journal);
  g_object_unref (reader->ring);
}

/**
 * rb_ring_reader_unref:
 * @reader: (transfer full): a reader
 *
 * Drops a reference; the last one frees the reader and its journal and
 * drops its reference to the ring.
 *
 * Thread: any. Not RT-safe (the last reference frees).
 *
 * Since: 0.2
 */
void
rb_ring_reader_unref (RbRingReader *reader)
{
  g_return_if_fail (reader != NULL);
  /* the box's atomic count: the last release (after every other holder's)
   * clears and frees */
  g_atomic_rc_box_release_full (reader, (GDestroyNotify) reader_clear);
}

/* --- reading ------------------------------------------------------------ */

/* A new producer took the ring over: mark it where its stream starts,
 * which the header says (producer_start). Called after the write position
 * was loaded, and reads go no further than it: every byte read then was
 * written before that load, so a restart found here is never behind bytes
 * already delivered (but by a late or an old peer's restart, marked at
 * @pos). @w: that write position. The first producer to arrive is a
 * start, not a restart. */
static void
check_restart (RbRingReader *self, uint64_t pos, uint64_t w)
{
  struct rb_shm_header *h = self->core->hdr;
  uint32_t gen = load_generation (self), prev = self->generation;
  uint32_t start_gen;
  uint64_t start;

  if (gen == prev)
    return;
  self->generation = gen;
  if (prev == 0 || self->restart_pending)
    return;                     /* a start; or one mark for two restarts */
  /* acquire: pairs with the release store of producer_start_generation in
   * rb_shm_claim(); producer_start, stored before it, is then its own */
  start_gen = atomic_load_explicit (&h->producer_start_generation,
      memory_order_acquire);
  /* relaxed: ordered by the acquire above */
  start = atomic_load_explicit (&h->producer_start, memory_order_relaxed);
  /* a start we can believe: written by this generation, ahead of us, not
   * past what is written, on a frame boundary (else a hostile value could
   * stall the reader at a split frame) */
  if (start_gen == gen && before (pos, start) && !before (w, start) &&
      (start - pos) % self->core->frame_size == 0) {
    self->restart_pending = TRUE;
    self->restart_at = start;
  } else {
    rb_reader_record_gap (self, pos, 0, RB_GAP_PRODUCER_RESTART);
  }
}

/* At @pos: records a pending restart reached (or passed), and returns how
 * much of @count may be read before the next one. */
static gsize
restart_limit (RbRingReader *self, uint64_t pos, gsize count)
{
  if (!self->restart_pending)
    return count;
  if (!before (pos, self->restart_at)) {
    rb_reader_record_gap (self, pos, 0, RB_GAP_PRODUCER_RESTART);
    self->restart_pending = FALSE;
    return count;
  }
  return (gsize) MIN ((uint64_t) count, self->restart_at - pos);
}

/* Records a gap of @cause, split by a pending restart inside it. */
static void
record_span (RbRingReader *self, uint64_t pos, uint64_t len, RbGapCause cause)
{
  if (self->restart_pending && !before (self->restart_at, pos) &&
      before (self->restart_at, pos + len)) {
    uint64_t head = self->restart_at - pos;

    if (head > 0)
      rb_reader_record_gap (self, pos, head, cause);
    rb_reader_record_gap (self, self->restart_at, 0, RB_GAP_PRODUCER_RESTART);
    self->restart_pending = FALSE;
    pos += head;
    len -= head;
  }
  rb_reader_record_gap (self, pos, len, cause);
}

static gsize
read_lossless (RbRingReader *self, guint8 *data, gsize count)
{
  struct rb_ring_core *c = self->core;
  uint64_t w = rb_ring_core_write_position (c);
  gsize done = 0;

  /* c->r: our own position, we are the consumer */
  check_restart (self, c->r, w);
  if (!before (w, c->r))
    count = (gsize) MIN ((uint64_t) count, w - c->r);
  /* twice at most: up to a pending restart, then past it */
  for (int part = 0; part < 2 && done < count; part++) {
    uint64_t from = c->r;
    gsize want = restart_limit (self, from, count - done);
    gsize n = rb_ring_core_read (c, data + done, want);

    /* an overwrite ring's consumer skips what was overwritten, always
     * before the bytes it returns */
    if (c->r - n != from)
      record_span (self, from, c->r - n - from, RB_GAP_OVERWRITTEN);
    done += n;
    restart_limit (self, c->r, 0);
    if (n < want)
      break;
  }
  return done;
}

/* The latest policy: jump to the write position minus the target. */
static uint64_t
keep_latency (RbRingReader *self, uint64_t pos, uint64_t w)
{
  uint64_t skip;

  if (w - pos <= self->target)
    return pos;
  /* whole frames: pos is on a frame boundary and the target is frames */
  skip = w - pos - self->target;
  skip += (self->core->frame_size - skip % self->core->frame_size) %
      self->core->frame_size;
  record_span (self, pos, skip, RB_GAP_SKIP);
  return pos + skip;
}

static gsize
read_positioned (RbRingReader *self, guint8 *data, gsize count)
{
  struct rb_ring_core *c = self->core;
  /* relaxed: we are its only writer */
  uint64_t pos = atomic_load_explicit (&self->position, memory_order_relaxed);
  uint64_t w = rb_ring_core_write_position (c);
  gsize done = 0;
  int gone = 0;

  if (before (w, pos)) {
    /* positions went back (a producer that started over): resume at the
     * oldest byte held */
    rb_reader_record_gap (self, pos, 0, RB_GAP_PRODUCER_RESTART);
    self->restart_pending = FALSE;
    pos = rb_ring_core_oldest_position (c);
  }
  check_restart (self, pos, w);
  if (self->policy == RB_READER_POLICY_LATEST)
    pos = keep_latency (self, pos, w);
  /* no further than the write position loaded before check_restart() */
  count = (gsize) MIN ((uint64_t) count, before (pos, w) ? w - pos : 0);

  while (done < count && gone < MAX_ATTEMPTS) {
    size_t got = 0;
    enum rb_range st = rb_ring_core_read_at (c, pos, data + done,
        restart_limit (self, pos, count - done), &got);

    if (st == RB_RANGE_OK && got > 0) {
      done += got;
      pos += got;
    } else if (st == RB_RANGE_GONE) {
      uint64_t oldest = rb_ring_core_oldest_position (c);

      gone++;
      if (before (pos, oldest)) {
        record_span (self, pos, oldest - pos, RB_GAP_OVERWRITTEN);
        pos = oldest;
      }
    } else {
      break;                    /* nothing more written yet */
    }
  }
  restart_limit (self, pos, 0);
  /* relaxed: single writer; getters on other threads want a number */
  atomic_store_explicit (&self->position, pos, memory_order_relaxed);
  return done;
}

/**
 * rb_ring_reader_read: (skip)
 * @reader: a reader
 * @data: (array length=count) (element-type guint8) (out caller-allocates):
 *   where to copy the bytes
 * @count: the most bytes to read (rounded down to whole frames)
 *
 * Reads what the policy allows, recording in the journal every span it
 * passes over: overwritten (the writer lapped the reader), skipped (the
 * latest policy's jump), a producer restart. Finding nothing new is not a
 * gap: see rb_ring_reader_mark_underrun() for a reader with a deadline.
 *
 * Thread: the reader's (one thread reads a reader). RT-safe: no
 *   allocation, lock or system call (a lossless reader: as rb_ring_read(),
 *   one FUTEX_WAKE when a producer announced a wait for space).
 *
 * Returns: the number of bytes read, whole frames
 *
 * Since: 0.2
 */
gsize
rb_ring_reader_read (RbRingReader *reader, guint8 *data, gsize count)
{
  CHECK_ARG (reader != NULL, 0);
  CHECK_ARG (data != NULL || count == 0, 0);

  if (reader->policy == RB_READER_POLICY_LOSSLESS)
    return read_lossless (reader, data, count);
  return read_positioned (reader, data, count);
}

/**
 * rb_ring_reader_read_frames: (skip)
 * @reader: a reader
 * @frames: (not nullable): where to copy the frames
 * @n_frames: the most frames to read
 *
 * rb_ring_reader_read() in frames of the ring (rb_ring_get_frame_size()).
 *
 * Thread: the reader's. RT-safe: as rb_ring_reader_read().
 *
 * Returns: the number of frames read
 *
 * Since: 0.2
 */
gsize
rb_ring_reader_read_frames (RbRingReader *reader, gpointer frames,
    gsize n_frames)
{
  gsize fs;

  CHECK_ARG (reader != NULL, 0);
  CHECK_ARG (frames != NULL || n_frames == 0, 0);

  fs = reader->core->frame_size;
  if (n_frames > reader->core->capacity / fs)
    n_frames = (gsize) (reader->core->capacity / fs);
  return rb_ring_reader_read (reader, frames, n_frames * fs) / fs;
}

/**
 * rb_ring_reader_mark_underrun:
 * @reader: a reader
 * @length: the bytes of stream time the caller had to fill without data
 *
 * Records a %RB_GAP_UNDERRUN: a live reader with a deadline (a JACK
 * callback that plays the ring) needed @length bytes that had not been
 * written in time and played something else (silence) instead. The entry
 * sits at the reader's position and takes no stream position: the data
 * that comes late is still read. Only the caller knows its deadline, so
 * only this call records underruns. A @length of 0 records nothing.
 *
 * Thread: the reader's. RT-safe: no system call.
 *
 * Since: 0.2
 */
void
rb_ring_reader_mark_underrun (RbRingReader *reader, guint64 length)
{
  CHECK_ARG (reader != NULL, );

  if (length == 0)
    return;
  rb_reader_record_gap (reader, rb_ring_reader_get_position (reader), length,
      RB_GAP_UNDERRUN);
}

/* --- getters ------------------------------------------------------------ */

/**
 * rb_ring_reader_get_position:
 * @reader: a reader
 *
 * Gets the absolute position of the next byte the reader will read (a
 * lossless reader: the consumer's read position). Moves nothing.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the position in bytes
 *
 * Since: 0.2
 */
guint64
rb_ring_reader_get_position (RbRingReader *reader)
{
  CHECK_ARG (reader != NULL, 0);

  if (reader->policy == RB_READER_POLICY_LOSSLESS)
    return rb_ring_core_read_position (reader->core);
  /* relaxed: a single writer's value, for looking */
  return atomic_load_explicit (&reader->position, memory_order_relaxed);
}

/**
 * rb_ring_reader_get_available:
 * @reader: a reader
 *
 * Gets how many bytes the next rb_ring_reader_read() could return now: for
 * catch-up, what is written and not yet overwritten from the reader's
 * position on; for latest, at most the target latency. Moves nothing and
 * records nothing (the next read does).
 *
 * Thread: the reader's. RT-safe: no system call.
 *
 * Returns: the bytes readable now, whole frames
 *
 * Since: 0.2
 */
gsize
rb_ring_reader_get_available (RbRingReader *reader)
{
  struct rb_ring_core *c;
  uint64_t pos, w, oldest, avail;

  CHECK_ARG (reader != NULL, 0);
  c = reader->core;
  if (reader->policy == RB_READER_POLICY_LOSSLESS)
    return rb_ring_core_read_available (c);

  pos = rb_ring_reader_get_position (reader);
  w = rb_ring_core_write_position (c);
  oldest = rb_ring_core_oldest_position (c);
  if (before (w, pos) || before (pos, oldest))
    pos = oldest;               /* as the next read would resume */
  avail = before (pos, w) ? w - pos : 0;
  if (reader->policy == RB_READER_POLICY_LATEST && avail > reader->target)
    avail = reader->target;
  return (gsize) (avail - avail % c->frame_size);
}

/**
 * rb_ring_reader_get_ring:
 * @reader: a reader
 *
 * Gets the ring the reader reads.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: (transfer none): the ring
 *
 * Since: 0.2
 */
RbRing *
rb_ring_reader_get_ring (RbRingReader *reader)
{
  CHECK_ARG (reader != NULL, NULL);
  return reader->ring;
}

/**
 * rb_ring_reader_get_policy:
 * @reader: a reader
 *
 * Gets the reader's policy.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the policy
 *
 * Since: 0.2
 */
RbReaderPolicy
rb_ring_reader_get_policy (RbRingReader *reader)
{
  CHECK_ARG (reader != NULL, RB_READER_POLICY_LOSSLESS);
  return reader->policy;
}

/**
 * rb_ring_reader_get_target_latency:
 * @reader: a reader
 *
 * Gets the target latency the reader was made with (0 but for the latest
 * policy).
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the target latency in bytes
 *
 * Since: 0.2
 */
guint64
rb_ring_reader_get_target_latency (RbRingReader *reader)
{
  CHECK_ARG (reader != NULL, 0);
  return reader->target;
}
