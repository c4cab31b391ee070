/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The gap journal of an RbRingReader: a fixed circular array of
 * RB_RING_READER_JOURNAL_SIZE entries the reading thread appends to
 * (rb_reader_record_gap(), merging neighbours when it is full) and pops
 * (rb_ring_reader_pop_gap()), and the totals per cause any thread may read
 * (docs/ring.md, "Readers and the gap journal"). Nothing here allocates,
 * locks or enters the kernel. */

#include "config.h"

#include "rb-ring-private.h"
#include "rb-reader-private.h"

/**
 * rb_gap_copy:
 * @gap: a gap
 *
 * Copies a gap, for bindings.
 *
 * Thread: any. Not RT-safe (allocates).
 *
 * Returns: (transfer full): a copy; free it with rb_gap_free()
 *
 * Since: 0.2
 */
/**
 * rb_gap_free:
 * @gap: (transfer full) (nullable): a gap from rb_gap_copy()
 *
 * Frees a copied gap.
 *
 * Thread: any. Not RT-safe.
 *
 * Since: 0.2
 */
RB_DEFINE_PLAIN_BOXED_TYPE (RbGap, rb_gap, gap)

/* --- the journal -------------------------------------------------------- */

static guint
slot (const RbRingReader *self, guint i)
{
  return (self->head + i) % RB_RING_READER_JOURNAL_SIZE;
}

/* The journal is full: merges one pair of neighbours, the oldest pair of
 * the same cause, or the two oldest entries if no neighbours share one
 * (the merged entry keeps the older one's cause and start, and the sum of
 * the lengths: the totals per cause stay exact either way). The journal
 * then holds @n - 1 entries; the caller, which appends one at once,
 * publishes the count. */
static void
merge_one (RbRingReader *self, guint n)
{
  guint at = 0;

  for (guint i = 0; i + 1 < n; i++) {
    if (self->journal[slot (self, i)].cause ==
        self->journal[slot (self, i + 1)].cause) {
      at = i;
      break;
    }
  }
  self->journal[slot (self, at)].length +=
      self->journal[slot (self, at + 1)].length;
  for (guint i = at + 1; i + 1 < n; i++)
    self->journal[slot (self, i)] = self->journal[slot (self, i + 1)];
  /* relaxed, both: single writer (this thread); readers want a count */
  atomic_store_explicit (&self->merged, atomic_load_explicit (&self->merged,
          memory_order_relaxed) + 1, memory_order_relaxed);
}

/* Records a gap: extends the newest entry if the new one continues it
 * with the same cause, else appends (merging first if full). */
void
rb_reader_record_gap (RbRingReader *self, guint64 position, guint64 length, RbGapCause cause)
{
  /* relaxed: only this thread writes pending and the totals */
  guint n = atomic_load_explicit (&self->pending, memory_order_relaxed);
  RbGap *last = n > 0 ? &self->journal[slot (self, n - 1)] : NULL;

  /* relaxed, both: a count only this thread adds to; any thread's
   * rb_ring_reader_get_gap_total() wants the value alone, no ordering */
  atomic_store_explicit (&self->totals[cause],
      atomic_load_explicit (&self->totals[cause], memory_order_relaxed) +
      length, memory_order_relaxed);
  if (last != NULL && last->cause == cause && length > 0 && last->length > 0
      && cause != RB_GAP_UNDERRUN && last->position + last->length == position) {
    last->length += length;
    return;
  }
  if (n == RB_RING_READER_JOURNAL_SIZE) {
    merge_one (self, n);
    n--;
  }
  self->journal[slot (self, n)] = (RbGap) { position, length, cause };
  /* relaxed: the journal is this thread's; other threads read only the
   * count (rb_ring_reader_get_gaps_pending()), never the entries */
  atomic_store_explicit (&self->pending, n + 1, memory_order_relaxed);
}

/**
 * rb_ring_reader_pop_gap:
 * @reader: a reader
 * @gap: (out caller-allocates): the oldest gap, taken from the journal
 *
 * Takes the oldest entry of the journal. The journal holds
 * %RB_RING_READER_JOURNAL_SIZE entries; when a gap arrives at a full
 * journal, two older entries are merged (rb_ring_reader_get_gaps_merged()
 * counts it) so nothing is dropped: the lengths popped add up to the
 * totals of rb_ring_reader_get_gap_total().
 *
 * Thread: the reader's (the thread that reads). RT-safe: no system call.
 *
 * Returns: %TRUE with @gap set, %FALSE if the journal is empty
 *
 * Since: 0.2
 */
gboolean
rb_ring_reader_pop_gap (RbRingReader *reader, RbGap *gap)
{
  guint n;

  CHECK_ARG (reader != NULL, FALSE);
  CHECK_ARG (gap != NULL, FALSE);

  /* relaxed: only this thread writes it */
  n = atomic_load_explicit (&reader->pending, memory_order_relaxed);
  if (n == 0)
    return FALSE;
  *gap = reader->journal[reader->head];
  reader->head = slot (reader, 1);
  /* relaxed: as in rb_reader_record_gap(): a count for other threads, no ordering */
  atomic_store_explicit (&reader->pending, n - 1, memory_order_relaxed);
  return TRUE;
}

/**
 * rb_ring_reader_get_gap_total:
 * @reader: a reader
 * @cause: a cause
 *
 * Gets the bytes of every gap of @cause the reader ever recorded, popped
 * or not.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the total in bytes
 *
 * Since: 0.2
 */
guint64
rb_ring_reader_get_gap_total (RbRingReader *reader, RbGapCause cause)
{
  CHECK_ARG (reader != NULL, 0);
  CHECK_ARG ((guint) cause < N_CAUSES, 0);

  /* relaxed: a single writer's statistic */
  return atomic_load_explicit (&reader->totals[cause], memory_order_relaxed);
}

/**
 * rb_ring_reader_get_gaps_merged:
 * @reader: a reader
 *
 * Gets how many journal entries were merged into others because the
 * journal was full (see rb_ring_reader_pop_gap()).
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of merges
 *
 * Since: 0.2
 */
guint64
rb_ring_reader_get_gaps_merged (RbRingReader *reader)
{
  CHECK_ARG (reader != NULL, 0);

  /* relaxed: a single writer's statistic */
  return atomic_load_explicit (&reader->merged, memory_order_relaxed);
}

/**
 * rb_ring_reader_get_gaps_pending:
 * @reader: a reader
 *
 * Gets how many entries the journal holds (not yet popped).
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of entries
 *
 * Since: 0.2
 */
guint
rb_ring_reader_get_gaps_pending (RbRingReader *reader)
{
  CHECK_ARG (reader != NULL, 0);

  /* relaxed: a single writer's count */
  return atomic_load_explicit (&reader->pending, memory_order_relaxed);
}
