/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The lock-free SPSC ring. See docs/ring.md for the model; in short:
 *
 * - write_pos and read_pos are 64-bit byte counters that only grow; the
 *   offset of position p is p & mask. They never wrap in practice (2^64
 *   bytes), and all comparisons are unsigned differences, so they stay
 *   correct even when they do (the tests start them near 2^64).
 * - The producer copies data in, then publishes write_pos with release;
 *   the consumer loads write_pos with acquire before copying out, then
 *   publishes read_pos with release; the producer loads read_pos with
 *   acquire before overwriting. Those four accesses are the whole protocol.
 * - Each side keeps a private copy of the other side's position and only
 *   reloads it when the copy says the ring is too full/empty for the
 *   request: small transfers then touch no shared cache line but their own.
 * - In overwrite mode the producer never looks at read_pos. Before it
 *   overwrites old data it announces the end of the write in flight
 *   (write_reserve), and it stores the data with release so that a reader
 *   who sees any new byte also sees the announcement; readers copy with
 *   acquire and re-check write_reserve after their copy (a seqlock whose
 *   sequence number is the position itself). Those copies are atomic word
 *   by word, so there is no data race for ThreadSanitizer to doubt.
 *
 * Everything here is realtime-safe: no allocation, no lock, bounded loops,
 * and no system call except one FUTEX_WAKE after a publish, only when the
 * other side announced a wait that no earlier wake answered
 * (wake_waiters()), and one futimens() when a readiness watch announced
 * itself and the publish reached its target (watch_due()). Positions loaded from shared memory are checked before use,
 * so a corrupt peer can make the ring return nothing, never copy out of
 * bounds. */

#include "rb-ring-core-inline-private.h"
#include "rb-copy-private.h"
#include "rb-wait-private.h"

#include <string.h>

void
rb_ring_core_init_identity (struct rb_ring_core *c,
    const struct rb_ring_identity *id, struct rb_shm_header *hdr,
    uint8_t *data)
{
  memset (c, 0, sizeof *c);
  c->hdr = hdr;
  c->data = data;
  c->capacity = id->capacity;
  c->storage = id->storage;
  c->mask = id->storage - 1;
  c->flags = id->flags;
  c->format = id->sample_format;
  c->channels = id->channels;
  c->rate = id->rate;
  c->frame_size = id->frame_size;
  c->sample_size = (uint32_t) rb_format_sample_size (id->sample_format);
  /* acquire: pairs with the release stores in publish_write() and
   * publish_read() of an earlier producer or consumer of this ring (another
   * process, perhaps dead): we continue from where they were. */
  c->w = atomic_load_explicit (&hdr->write_pos, memory_order_acquire);
  c->r = atomic_load_explicit (&hdr->read_pos, memory_order_acquire);
  /* The positions are another process's word: the caches start "full" and
   * "empty" so that each side's first call reloads and checks them. */
  c->w_cached_read = c->w - c->capacity;
  c->r_cached_write = c->r;
  c->r_acquired_end = c->r;
  c->origin = 0;
  /* relaxed: a starting point only. One less than the current count, so
   * that a waiter who announced itself before we attached is woken by our
   * first publish. */
  c->w_data_announce_woken = atomic_load_explicit (&hdr->data_announce,
      memory_order_relaxed) - 1;
  c->r_space_announce_woken = atomic_load_explicit (&hdr->space_announce,
      memory_order_relaxed) - 1;
  /* relaxed, as above. 0 means never watched: then nothing is due
   * (watch_due()); otherwise one less, as for the waits. */
  c->w_watch_answered = atomic_load_explicit (&hdr->watch_data_announce,
      memory_order_relaxed);
  c->r_watch_answered = atomic_load_explicit (&hdr->watch_space_announce,
      memory_order_relaxed);
  if (c->w_watch_answered != 0)
    c->w_watch_answered--;
  if (c->r_watch_answered != 0)
    c->r_watch_answered--;
  c->notify_fd = -1;
  c->seq_fence = !rb_barrier_registered ();
  rb_timing_core_init (c);
}

void
rb_ring_core_init (struct rb_ring_core *c, struct rb_shm_header *hdr,
    uint8_t *data)
{
  struct rb_ring_identity id = {
    .header_size = hdr->header_size,
    .capacity = hdr->usable != 0 ? hdr->usable : hdr->capacity,
    .storage = hdr->capacity,
    .file_size = hdr->file_size,
    .flags = hdr->flags,
    .sample_format = hdr->sample_format,
    .channels = hdr->channels,
    .rate = hdr->rate,
    .frame_size = hdr->frame_size,
  };

  rb_ring_core_init_identity (c, &id, hdr, data);
}

void
rb_ring_core_set_positions_for_test (struct rb_ring_core *c, uint64_t pos)
{
  c->w = c->r = c->w_cached_read = c->r_cached_write = c->origin = pos;
  c->r_acquired_end = pos;
  c->w_timing.next = c->r_timing.next = pos;
  /* relaxed: test set-up, before the ring is shared with another thread. */
  atomic_store_explicit (&c->hdr->write_pos, pos, memory_order_relaxed);
  atomic_store_explicit (&c->hdr->write_reserve, pos, memory_order_relaxed);
  atomic_store_explicit (&c->hdr->read_pos, pos, memory_order_relaxed);
}

/* --- overwrite-mode copies ---------------------------------------------
 * The producer may be rewriting the bytes a reader copies, so both copies
 * are atomic: word-sized where the shared address is 8-byte aligned, bytes
 * at the edges. On x86-64 and arm64 these compile to plain or
 * release/acquire moves; what matters is that the compiler may not reorder
 * them past the position checks around them. */

/* release per store: pairs with the acquire loads in copy_out_acquire(); a
 * reader that loads any byte stored here also sees the write_reserve the
 * producer stored before this copy. */
static void
copy_in_release (uint8_t *dst, const uint8_t *src, size_t n)
{
  while (n > 0 && ((uintptr_t) dst & 7) != 0) {
    atomic_store_explicit ((_Atomic uint8_t *) dst, *src, memory_order_release);
    dst++, src++, n--;
  }
  for (; n >= 8; dst += 8, src += 8, n -= 8) {
    uint64_t v;
    memcpy (&v, src, 8);
    atomic_store_explicit ((_Atomic uint64_t *) dst, v, memory_order_release);
  }
  for (; n > 0; dst++, src++, n--)
    atomic_store_explicit ((_Atomic uint8_t *) dst, *src, memory_order_release);
}

/* --- producer ------------------------------------------------------------ */

/* After a publish: wakes the other side if it sleeps on @word. With no
 * waiter this is one load of a line that stays in our cache, and no
 * system call. The ordering argument is in rb-wait.c.
 *
 * A waiter bumps @announce each time it announces itself, before it reads
 * the condition again and sleeps; one wake (a bump of @word and a
 * FUTEX_WAKE of everyone on it) answers every announcement made before
 * we loaded @announce: a waiter already asleep is woken, one not yet
 * asleep finds @word moved and does not sleep. So we wake only when
 * @announce moved since our last wake (@woken). A @waiters count that
 * stays non-zero with nobody announcing (a waiter that died between its
 * increment and its decrement, or four bytes poked into the header by
 * another process) then costs one system call, not one per publish. */
static inline RB_HOT_INLINE void
wake_waiters (const struct rb_ring_core *c, _Atomic uint32_t *waiters,
    _Atomic uint32_t *announce, uint32_t *woken, _Atomic uint32_t *word)
{
  uint32_t n, a;

  if (c->seq_fence) {
    /* seq_cst: pairs with the waiter's seq_cst increment of @waiters; in
     * the single total order, either it sees our publish or we see it. */
    n = atomic_load_explicit (waiters, memory_order_seq_cst);
  } else {
    /* Compiler barrier only: keeps this load after the publish. The CPU
     * barrier comes from the waiter's membarrier(), which runs one on our
     * thread whenever it matters. */
    atomic_signal_fence (memory_order_seq_cst);
    /* relaxed: see above. */
    n = atomic_load_explicit (waiters, memory_order_relaxed);
  }
  if (__builtin_expect (n == 0, 1))
    return;
  /* The same pairing as @waiters above: the waiter increments @announce
   * (seq_cst) after @waiters and before its membarrier() and its re-check,
   * so a publish its re-check missed is followed here by a load that sees
   * the announcement. (seq_cst / relaxed: as for @waiters.) */
  if (c->seq_fence)
    a = atomic_load_explicit (announce, memory_order_seq_cst);
  else
    a = atomic_load_explicit (announce, memory_order_relaxed);
  if (a == *woken)
    return;                     /* every announcement so far was answered */
  *woken = a;
  rb_wake (word);
}

/* After a publish of @pos: pokes the readiness watches (rb-ring-watch.c)
 * if one announced itself since our last poke and waits for a position we
 * reached (or @force: the end of the stream concerns every watch). With no
 * watch ever (announce 0) or every announcement answered, this is one load
 * of the wait block's line, which wake_waiters() just loaded anyway, and
 * no system call; a target not reached adds a second load. The ordering
 * is wake_waiters()'s: the watch stores its target and bumps @announce
 * (seq_cst) before its membarrier() and its re-check of the position, so
 * either its re-check sees our publish or these loads see its
 * announcement. */
static inline RB_HOT_INLINE void
watch_due (const struct rb_ring_core *c, _Atomic uint32_t *announce,
    _Atomic uint64_t *target, _Atomic uint64_t *answered, uint32_t *last,
    uint64_t pos, bool force)
{
  uint32_t a;
  uint64_t t;

  if (c->seq_fence) {
    /* seq_cst: pairs with the watch's seq_cst increment of @announce. */
    a = atomic_load_explicit (announce, memory_order_seq_cst);
    /* seq_cst: the target stored before that increment. */
    t = atomic_load_explicit (target, memory_order_seq_cst);
  } else {
    /* relaxed after a compiler barrier: the CPU barrier is the watch's
     * membarrier(), as for wake_waiters(). A target older than @a only
     * makes the poke early or late by one publish: the watch re-checks
     * and re-arms either way. */
    atomic_signal_fence (memory_order_seq_cst);
    a = atomic_load_explicit (announce, memory_order_relaxed);
    if (a == *last)
      return;
    t = atomic_load_explicit (target, memory_order_relaxed);
  }
  if (a == *last || (!force && (int64_t) (pos - t) < 0))
    return;
  *last = a;
  /* release: pairs with the acquire load in arm_side() (rb-ring-watch.c):
   * a watch that finds its crossed target answered knows this poke, made
   * after the store, reaches every watch armed before it. */
  atomic_store_explicit (answered, t, memory_order_release);
  rb_watch_poke (c->notify_fd);
}

/* Each memory order below is a constant in its own call: an order that is
 * not a compile-time constant makes GCC emit seq_cst (an xchg on x86) for
 * every call, which costs the realtime side a locked instruction per
 * publish. */
static inline void
wake_data_waiters (struct rb_ring_core *c)
{
  wake_waiters (c, &c->hdr->data_waiters, &c->hdr->data_announce,
      &c->w_data_announce_woken, &c->hdr->data_wake);
}

static inline RB_HOT_INLINE void
publish_write (struct rb_ring_core *c, uint64_t w)
{
  c->w = w;
  /* release: pairs with the acquire load in load_write_pos(); the data
   * copied in below w is complete before the consumer can see w.
   * (seq_cst in the fallback without membarrier, see wake_waiters().) */
  if (c->seq_fence)
    atomic_store_explicit (&c->hdr->write_pos, w, memory_order_seq_cst);
  else
    atomic_store_explicit (&c->hdr->write_pos, w, RB_MO_PUBLISH_WRITE);
  wake_data_waiters (c);
  watch_due (c, &c->hdr->watch_data_announce, &c->hdr->watch_data_target,
      &c->hdr->watch_data_answered, &c->w_watch_answered, w, false);
  /* a timing stamp every step (rb-timing.c); private fields only */
  if (c->w_timing.on && !pos_before (w, c->w_timing.next))
    rb_timing_stamp_auto (c, RB_TIMING_PRODUCER, w);
}

/* Free space for the producer, reloading read_pos only when the cached
 * copy says fewer than @want bytes are free. */
static inline uint64_t
producer_space (struct rb_ring_core *c, uint64_t want)
{
  uint64_t w = c->w;
  uint64_t used = w - c->w_cached_read;
  uint64_t r;

  /* the cache is trusted only while it is possible */
  if (used <= c->capacity && c->capacity - used >= want)
    return c->capacity - used;
  /* acquire: pairs with the release store of read_pos in publish_read();
   * the consumer has finished copying out every byte below r, so the
   * producer may overwrite them. */
  r = atomic_load_explicit (&c->hdr->read_pos, RB_MO_OBSERVE_READ);
  used = w - r;
  if (used > c->storage) {
    /* read_pos ahead of write_pos or lapped: impossible from an honest
     * consumer. Write nothing. */
    c->w_broken = true;
    return 0;
  }
  c->w_cached_read = r;
  /* More than the capacity unread (up to the storage) is possible only
   * from a producer before 0.2, which filled the whole storage: no space
   * until the consumer is back under the limit. */
  return used >= c->capacity ? 0 : c->capacity - used;
}

static size_t
write_overwrite (struct rb_ring_core *c, const uint8_t *src, size_t n)
{
  uint64_t end = c->w + n;
  /* Readers keep the last capacity bytes; the storage holds more, which
   * readers of rings before 0.2 (whose window is the storage) still use. */
  size_t keep = (size_t) MIN ((uint64_t) n, c->storage);

  /* relaxed: ordered before the data stores by their release (see
   * copy_in_release()); a reader that sees new data sees this too. */
  atomic_store_explicit (&c->hdr->write_reserve, end, memory_order_relaxed);
  /* Of a write longer than the storage only its last storage bytes
   * survive: copy just those. */
  copy_in_release (c->data + ((end - keep) & c->mask), src + (n - keep), keep);
  publish_write (c, end);
  return n;
}

/* @n: whole frames. */
static size_t
write_plain (struct rb_ring_core *c, const void *src, size_t n)
{
  uint64_t space;

  space = producer_space (c, n);
  if (space < n) {
    /* the producer's own line: overruns has no other writer (except
     * reset, which requires the producer to be idle). */
    counter_add (&c->hdr->overruns, 1);
    n = whole (c, space);
    if (n == 0)
      return 0;
  }
#ifdef RB_MUTANT_PUBLISH_EARLY
  /* Deliberately wrong (R3m): publishes before the data is there. */
  publish_write (c, c->w + n);
  rb_copy (c->data + ((c->w - n) & c->mask), src, n);
#else
  rb_copy (c->data + (c->w & c->mask), src, n);
  publish_write (c, c->w + n);
#endif
  return n;
}

size_t
rb_ring_core_write (struct rb_ring_core *c, const void *src, size_t n)
{
  /* an audio ring takes whole frames only: a split frame would shift the
   * channels of every frame after it */
  n = whole (c, n);
  if (n == 0)
    return 0;
  if (is_overwrite (c))
    return write_overwrite (c, src, n);
  return write_plain (c, src, n);
}

size_t
rb_ring_core_write_available (struct rb_ring_core *c)
{
  if (is_overwrite (c))
    return (size_t) c->capacity;
  return (size_t) producer_space (c, c->capacity);
}

void *
rb_ring_core_write_acquire (struct rb_ring_core *c, size_t *n)
{
  if (is_overwrite (c)) {
    /* Readers must learn of an overwrite before its data lands, which a
     * pointer handed to the caller cannot promise. */
    *n = 0;
    return NULL;
  }
  *n = whole (c, producer_space (c, c->capacity));
  return c->data + (c->w & c->mask);
}

void
rb_ring_core_write_commit (struct rb_ring_core *c, size_t n)
{
  /* Never publish more than the space we know is free. */
  uint64_t used = c->w - c->w_cached_read;
  uint64_t space = used >= c->capacity ? 0 : c->capacity - used;

  if (is_overwrite (c) || n == 0)
    return;
  if (n > space)
    n = (size_t) space;
  /* whole frames only; the rest of a split frame stays unpublished, at
   * the start of the next region handed out */
  n = whole (c, n);
  if (n == 0)
    return;
  publish_write (c, c->w + n);
}

void
rb_ring_core_set_eos (struct rb_ring_core *c)
{
  /* release: pairs with the acquire load in rb_ring_core_is_eos(); the last
   * write_pos is visible to whoever sees the flag. */
  if (c->seq_fence)
    atomic_store_explicit (&c->hdr->eos, 1, memory_order_seq_cst);
  else
    atomic_store_explicit (&c->hdr->eos, 1, memory_order_release);
  wake_data_waiters (c);
  watch_due (c, &c->hdr->watch_data_announce, &c->hdr->watch_data_target,
      &c->hdr->watch_data_answered, &c->w_watch_answered, c->w, true);
}

/* --- consumer ------------------------------------------------------------ */

static inline RB_HOT_INLINE void
publish_read (struct rb_ring_core *c, uint64_t r)
{
  c->r = r;
  /* release: pairs with the acquire load of read_pos in producer_space();
   * our copies out of the bytes below r are done before the producer may
   * reuse them. (seq_cst in the fallback, see wake_waiters().) */
  if (c->seq_fence)
    atomic_store_explicit (&c->hdr->read_pos, r, memory_order_seq_cst);
  else
    atomic_store_explicit (&c->hdr->read_pos, r, RB_MO_PUBLISH_READ);
  wake_waiters (c, &c->hdr->space_waiters, &c->hdr->space_announce,
      &c->r_space_announce_woken, &c->hdr->space_wake);
  watch_due (c, &c->hdr->watch_space_announce, &c->hdr->watch_space_target,
      &c->hdr->watch_space_answered, &c->r_watch_answered, r, false);
  /* a timing stamp every step (rb-timing.c); private fields only */
  if (c->r_timing.on && !pos_before (r, c->r_timing.next))
    rb_timing_stamp_auto (c, RB_TIMING_CONSUMER, r);
}

/* Readable bytes for the consumer, reloading write_pos only when the
 * cached copy says fewer than @want bytes are there. */
static inline uint64_t
consumer_avail (struct rb_ring_core *c, uint64_t want)
{
  uint64_t r = c->r;
  uint64_t avail = c->r_cached_write - r;
  uint64_t w;

  /* bounded by the storage, not the capacity: a producer before 0.2
   * fills the whole storage, and every byte of it is readable */
  if (avail >= want && avail <= c->storage)
    return avail;
  w = load_write_pos (c);
  if (w - r > c->storage) {
    /* write_pos behind read_pos or more than a ring ahead: impossible
     * from an honest producer. Read nothing. */
    c->r_broken = true;
    return 0;
  }
  c->r_cached_write = w;
  return w - r;
}

/* Overwrite mode: moves the consumer past data the producer overwrote and
 * returns what is readable now. */
static uint64_t
consumer_catch_up (struct rb_ring_core *c)
{
  uint64_t w = load_write_pos (c);
  uint64_t reserve = load_reserve (c);
  uint64_t oldest;

  if (pos_before (w, c->r)) {
    c->r_broken = true;
    return 0;
  }
  if (pos_before (reserve, w))
    reserve = w;                /* corrupt; stay in bounds regardless */
  oldest = oldest_for (c, reserve, w);
  if (pos_before (c->r, oldest)) {
    /* resume on a frame boundary: the skipped span is whole frames */
    oldest = frame_ceil (c, oldest);
    counter_add (&c->hdr->overwritten, oldest - c->r);
    c->r = oldest;
  }
  c->r_cached_write = w;
  return pos_before (c->r, w) ? w - c->r : 0;
}

/* Overwrite mode: what consumer_catch_up() would return, without moving
 * anything (for the getters). */
static uint64_t
consumer_readable_now (const struct rb_ring_core *c)
{
  uint64_t w = load_write_pos (c);
  uint64_t reserve = load_reserve (c);
  uint64_t from = c->r, oldest;

  if (pos_before (w, from))
    return 0;
  if (pos_before (reserve, w))
    reserve = w;
  oldest = oldest_for (c, reserve, w);
  if (pos_before (from, oldest))
    from = frame_ceil (c, oldest);
  return pos_before (from, w) ? w - from : 0;
}

/* Overwrite mode: after copying [r, r + n) out, drops the part the producer
 * overtook during the copy. Returns the number of good bytes, moved to the
 * front of @dst (if any). */
static size_t
keep_intact (struct rb_ring_core *c, uint8_t *dst, size_t n)
{
  uint64_t oldest = overwritten_below (c);
  uint64_t lost;

  if (!pos_before (c->r, oldest))
    return n;
  oldest = frame_ceil (c, oldest);
  lost = MIN (oldest - c->r, (uint64_t) n);
  counter_add (&c->hdr->overwritten, lost);
  c->r += lost;
  if (dst != NULL && lost < n)
    memmove (dst, dst + lost, n - (size_t) lost);
  return n - (size_t) lost;
}

static size_t
read_common (struct rb_ring_core *c, void *dst, size_t n, bool consume)
{
  uint64_t avail;

  n = whole (c, n);
  if (n == 0)
    return 0;

  if (is_overwrite (c)) {
    avail = consumer_catch_up (c);
    if (avail < n) {
      if (consume)
        counter_add (&c->hdr->underruns, 1);
      n = whole (c, avail);
    }
    if (n > 0) {
      copy_out_acquire (dst, c->data + (c->r & c->mask), n);
      n = keep_intact (c, dst, n);
    }
    if (consume)
      publish_read (c, c->r + n);
    /* Relaxed: read_pos is our own field (only this consumer stores it),
     * so this load pairs with nothing; it only saves a release store, and
     * a waiting writer's wake-up, when catching up did not move us. */
    else if (c->r != atomic_load_explicit (&c->hdr->read_pos, memory_order_relaxed))
      publish_read (c, c->r);   /* catching up moved us */
    return n;
  }

  avail = consumer_avail (c, n);
  if (avail < n) {
    if (consume)
      counter_add (&c->hdr->underruns, 1);
    n = whole (c, avail);
    if (n == 0)
      return 0;
  }
#ifdef RB_MUTANT_RELEASE_EARLY
  /* Deliberately wrong (R3m): frees the bytes before copying them out. */
  if (consume) {
    publish_read (c, c->r + n);
    rb_copy (dst, c->data + ((c->r - n) & c->mask), n);
    return n;
  }
#endif
  rb_copy (dst, c->data + (c->r & c->mask), n);
  if (consume)
    publish_read (c, c->r + n);
  return n;
}

size_t
rb_ring_core_read (struct rb_ring_core *c, void *dst, size_t n)
{
  return read_common (c, dst, n, true);
}

size_t
rb_ring_core_peek (struct rb_ring_core *c, void *dst, size_t n)
{
  return read_common (c, dst, n, false);
}

size_t
rb_ring_core_skip (struct rb_ring_core *c, size_t n)
{
  uint64_t avail;

  n = whole (c, n);
  avail = is_overwrite (c) ? consumer_catch_up (c) : consumer_avail (c, n);
  if (avail < n)
    n = whole (c, avail);
  publish_read (c, c->r + n);
  return n;
}

/* A getter: moves nothing. On an overwrite ring the bytes the producer
 * overwrote are not counted; the next read, peek or skip moves past them
 * and counts them (overwritten), so the caller sees every lost span. */
size_t
rb_ring_core_read_available (struct rb_ring_core *c)
{
  if (is_overwrite (c))
    return (size_t) consumer_readable_now (c);
  return (size_t) consumer_avail (c, c->capacity);
}

const void *
rb_ring_core_read_acquire (struct rb_ring_core *c, size_t *n)
{
  uint64_t avail;

  if (is_overwrite (c))
    avail = whole (c, consumer_catch_up (c));
  else
    avail = whole (c, consumer_avail (c, c->capacity));
  /* what rb_ring_core_read_release() may give back: the region handed
   * out, not whatever a later getter found readable */
  c->r_acquired_end = c->r + avail;
  *n = (size_t) avail;
  return c->data + (c->r & c->mask);
}

bool
rb_ring_core_read_release (struct rb_ring_core *c, size_t n)
{
  bool intact = true;
  uint64_t avail;

  /* nothing acquired since the last catch-up: nothing to release */
  avail = pos_before (c->r_acquired_end, c->r) ? 0 :
      c->r_acquired_end - c->r;
  if (n > avail)
    n = (size_t) avail;
  /* The caller read the region with plain loads; on an overwrite ring
   * whether the producer overtook it is only known now (the fence that
   * needs is in overwritten_below_plain()). */
  if (is_overwrite (c))
    intact = !pos_before (c->r, overwritten_below_plain (c));
  publish_read (c, c->r + whole (c, n));
  return intact;
}

bool
rb_ring_core_is_eos (struct rb_ring_core *c)
{
  /* acquire: pairs with the release store in rb_ring_core_set_eos(); the
   * final write_pos loaded next is at least the one before the flag. */
  if (!atomic_load_explicit (&c->hdr->eos, memory_order_acquire))
    return false;
  /* acquire: pairs with the release store in publish_read(). */
  return load_write_pos (c) ==
      atomic_load_explicit (&c->hdr->read_pos, memory_order_acquire);
}

bool
rb_ring_core_eos_marked (const struct rb_ring_core *c)
{
  /* acquire: pairs with the release store in rb_ring_core_set_eos(); the
   * final write position is visible to whoever sees the flag. */
  return atomic_load_explicit (&c->hdr->eos, memory_order_acquire) != 0;
}

void
rb_ring_core_reset (struct rb_ring_core *c)
{
  uint64_t w = load_write_pos (c);

  c->r_cached_write = w;
  c->r_acquired_end = w;
  publish_read (c, w);
  /* relaxed: reset requires the producer to be idle (see rb_ring_reset()),
   * so nobody else writes these now; the next release store of either
   * position carries them to the other side. */
  atomic_store_explicit (&c->hdr->eos, 0, memory_order_relaxed);
  atomic_store_explicit (&c->hdr->overruns, 0, memory_order_relaxed);
  atomic_store_explicit (&c->hdr->underruns, 0, memory_order_relaxed);
  atomic_store_explicit (&c->hdr->overwritten, 0, memory_order_relaxed);
}

/* --- frames -------------------------------------------------------------- */

size_t
rb_ring_core_write_frames (struct rb_ring_core *c, const void *src,
    size_t n_frames)
{
  uint64_t fs = c->frame_size;
  uint64_t space;

  if (n_frames == 0)
    return 0;
  if (is_overwrite (c))
    return write_overwrite (c, src, n_frames * fs) / fs;
  /* More than a ring's worth cannot fit anyway; keeps n_frames * fs from
   * overflowing for an absurd count. */
  if (n_frames > c->capacity / fs + 1)
    n_frames = (size_t) (c->capacity / fs + 1);
  space = producer_space (c, n_frames * fs) / fs;
  if (space < n_frames) {
    counter_add (&c->hdr->overruns, 1);
    n_frames = (size_t) space;
  }
  if (n_frames == 0)
    return 0;
  return write_plain (c, src, n_frames * fs) / fs;
}

size_t
rb_ring_core_read_frames (struct rb_ring_core *c, void *dst, size_t n_frames)
{
  uint64_t fs = c->frame_size;
  uint64_t avail;

  if (n_frames == 0)
    return 0;
  if (is_overwrite (c)) {
    /* Align a catch-up jump to a frame boundary so frames stay whole. */
    avail = consumer_catch_up (c);
    if ((c->r - c->origin) % fs != 0) {
      uint64_t skip = fs - (c->r - c->origin) % fs;
      counter_add (&c->hdr->overwritten, skip);
      c->r += skip;
      avail = avail > skip ? avail - skip : 0;
    }
    avail /= fs;
    if (avail < n_frames) {
      counter_add (&c->hdr->underruns, 1);
      n_frames = (size_t) avail;
    }
    if (n_frames == 0) {
      publish_read (c, c->r);
      return 0;
    }
    copy_out_acquire (dst, c->data + (c->r & c->mask), n_frames * fs);
    {
      size_t good = keep_intact (c, dst, n_frames * fs);
      /* keep_intact() dropped a prefix; drop the partial frame too. */
      size_t partial = good % fs;
      if (partial != 0) {
        memmove (dst, (uint8_t *) dst + partial, good - partial);
        counter_add (&c->hdr->overwritten, partial);
        c->r += partial;
        good -= partial;
      }
      publish_read (c, c->r + good);
      return good / fs;
    }
  }
  avail = consumer_avail (c, n_frames * fs) / fs;
  if (avail < n_frames) {
    counter_add (&c->hdr->underruns, 1);
    n_frames = (size_t) avail;
    if (n_frames == 0)
      return 0;
  }
  rb_copy (dst, c->data + (c->r & c->mask), n_frames * fs);
  publish_read (c, c->r + n_frames * fs);
  return n_frames;
}

/* --- for rb-record.c: the same protocol steps, one record at a time -------- */

uint64_t
rb_ring_core_producer_space (struct rb_ring_core *c, uint64_t want)
{
  return producer_space (c, want);
}

uint64_t
rb_ring_core_consumer_avail (struct rb_ring_core *c, uint64_t want)
{
  return consumer_avail (c, want);
}

void
rb_ring_core_publish_write (struct rb_ring_core *c, uint64_t w)
{
  publish_write (c, w);
}

void
rb_ring_core_publish_read (struct rb_ring_core *c, uint64_t r)
{
  publish_read (c, r);
}

void
rb_ring_core_count_overrun (struct rb_ring_core *c)
{
  counter_add (&c->hdr->overruns, 1);
}
