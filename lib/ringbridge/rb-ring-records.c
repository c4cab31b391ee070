/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Records rings: RbRecordInfo and the record calls. */

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

/* --- records ------------------------------------------------------------- */

/**
 * rb_record_info_copy:
 * @info: a record header
 *
 * Copies a record header into newly allocated memory, for bindings.
 *
 * Thread: any. Not RT-safe: allocates.
 *
 * Returns: (transfer full): a copy of @info
 */
/**
 * rb_record_info_free:
 * @info: (transfer full) (nullable): a record header from
 *   rb_record_info_copy()
 *
 * Frees @info.
 *
 * Thread: any. Not RT-safe.
 */
RB_DEFINE_PLAIN_BOXED_TYPE (RbRecordInfo, rb_record_info, info)

/**
 * rb_record_info_init:
 * @info: (out caller-allocates): the header to fill
 * @type: the record type
 * @size: the payload size in bytes
 *
 * Fills @info for a record of @type and @size with no flags, timestamps
 * and duration %RB_RECORD_NONE, and offsets 0.
 *
 * Thread: any. RT-safe: no system call.
 */
void
rb_record_info_init (RbRecordInfo *info, guint32 type, guint32 size)
{
  CHECK_ARG (info != NULL, );

  *info = (RbRecordInfo) {
    .type = type, .size = size, .pts = RB_RECORD_NONE, .dts = RB_RECORD_NONE,
    .duration = RB_RECORD_NONE,
  };
}

/* Record calls on a ring that does not hold records would read byte data
 * as record headers: refuse them (the check is one load and a branch). */
static inline gboolean
holds_records (RbRing *ring)
{
  return (ring->core->flags & RB_CORE_FLAG_RECORDS) != 0;
}

static void
info_to_record (const RbRecordInfo *info, struct rb_record *rec)
{
  *rec = (struct rb_record) {
    .size = info->size, .type = info->type, .flags = info->flags,
    .pts = info->pts, .dts = info->dts, .duration = info->duration,
    .offset = info->offset, .offset_end = info->offset_end,
  };
}

static void
record_to_info (const struct rb_record *rec, RbRecordInfo *info)
{
  *info = (RbRecordInfo) {
    .size = rec->size, .type = rec->type, .flags = rec->flags,
    .pts = rec->pts, .dts = rec->dts, .duration = rec->duration,
    .offset = rec->offset, .offset_end = rec->offset_end,
  };
}

/**
 * rb_ring_get_max_record_size:
 * @ring: a records ring
 *
 * Gets the largest payload one record of this ring can carry.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the largest payload one record can carry: the capacity less
 *   the record header and alignment
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_get_max_record_size, CHECK_RING,
    (gsize) ((ring->core->capacity - sizeof (struct rb_record)) &
        ~(guint64) (RB_RECORD_ALIGN - 1)))

/**
 * rb_ring_write_record:
 * @ring: a records ring
 * @info: the record's header; its size must be @size
 * @payload: (array length=size) (element-type guint8) (nullable): the payload
 * @size: the payload's size in bytes
 *
 * Writes one record, all or nothing: a record that does not fit now is not
 * written (and counts as an overrun); wait with rb_ring_wait_writable() for
 * its size in the ring (%RB_RECORD_HEADER_SIZE plus @size, rounded up to a
 * multiple of 8) and try again. A record larger than
 * rb_ring_get_max_record_size() can never fit.
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 *
 * Returns: %TRUE if the record was written (%FALSE also on a ring without
 *   %RB_RING_FLAGS_RECORDS)
 */
gboolean
rb_ring_write_record (RbRing *ring, const RbRecordInfo *info,
    const guint8 *payload, gsize size)
{
  struct rb_record rec;

  CHECK_RING_PRODUCER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  if (!holds_records (ring) || size != info->size ||
      (size > 0 && payload == NULL) || size > G_MAXUINT32)
    return FALSE;
  info_to_record (info, &rec);
  return rb_ring_core_write_record (ring->core, &rec, payload);
}

/**
 * rb_ring_write_record_acquire: (skip)
 * @ring: a records ring
 * @max_size: the largest payload the caller will write
 *
 * Hands out room for a record's payload of up to @max_size bytes, to fill
 * in place (a GStreamer buffer mapped straight into the ring, say);
 * rb_ring_write_record_commit() then publishes it.
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: (nullable): where the payload goes, or %NULL if a record of
 *   @max_size bytes does not fit now
 */
guint8 *
rb_ring_write_record_acquire (RbRing *ring, gsize max_size)
{
  CHECK_RING_PRODUCER (ring, NULL);
  if (!holds_records (ring))
    return NULL;
  return rb_ring_core_write_record_acquire (ring->core, max_size);
}

/**
 * rb_ring_write_record_commit:
 * @ring: a records ring
 * @info: the record's header; its size is how much of the acquired room
 *   was filled
 *
 * Publishes the record whose payload was written into the room from
 * rb_ring_write_record_acquire().
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 *
 * Returns: %FALSE if nothing was acquired or @info's size exceeds it
 */
gboolean
rb_ring_write_record_commit (RbRing *ring, const RbRecordInfo *info)
{
  struct rb_record rec;

  CHECK_RING_PRODUCER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  if (!holds_records (ring))
    return FALSE;
  info_to_record (info, &rec);
  return rb_ring_core_write_record_commit (ring->core, &rec);
}

/**
 * rb_ring_peek_record:
 * @ring: a records ring
 * @info: (out caller-allocates): the next record's header
 *
 * Looks at the header of the next record without consuming it.
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: %TRUE if a record is there (its header is in @info); %FALSE if
 *   none is, or if the producer wrote an impossible header
 */
gboolean
rb_ring_peek_record (RbRing *ring, RbRecordInfo *info)
{
  struct rb_record rec;

  CHECK_RING_CONSUMER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  if (!holds_records (ring) || !rb_ring_core_peek_record (ring->core, &rec))
    return FALSE;
  record_to_info (&rec, info);
  return TRUE;
}

/**
 * rb_ring_read_record: (skip)
 * @ring: a records ring
 * @info: (out caller-allocates): the record's header
 * @payload: (out caller-allocates) (array length=size) (element-type guint8):
 *   a buffer for the payload
 * @size: the size of @payload
 *
 * Reads the next record. If its payload does not fit in @size bytes, the
 * record stays in the ring, @info says how large it is, and the result is
 * %FALSE.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: %TRUE if a record was read
 */
gboolean
rb_ring_read_record (RbRing *ring, RbRecordInfo *info, guint8 *payload,
    gsize size)
{
  struct rb_record rec = { 0 };
  gboolean ok;

  CHECK_RING_CONSUMER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  CHECK_ARG (payload != NULL || size == 0, FALSE);
  ok = holds_records (ring) &&
      rb_ring_core_read_record (ring->core, &rec, payload, size);
  record_to_info (&rec, info);
  return ok;
}

/**
 * rb_ring_read_record_bytes:
 * @ring: a records ring
 * @info: (out caller-allocates): the record's header
 *
 * Reads the next record into a new #GBytes. Allocates: for bindings and
 * non-realtime readers.
 *
 * Thread: consumer. Not RT-safe.
 *
 * Returns: (transfer full) (nullable): the payload, or %NULL if there is
 *   no record
 */
GBytes *
rb_ring_read_record_bytes (RbRing *ring, RbRecordInfo *info)
{
  struct rb_record rec = { 0 };
  const void *p;
  GBytes *bytes;

  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  CHECK_CONSUMER (ring, NULL);
  g_return_val_if_fail (info != NULL, NULL);
  p = holds_records (ring) ?
      rb_ring_core_read_record_acquire (ring->core, &rec) : NULL;
  record_to_info (&rec, info);
  if (p == NULL)
    return NULL;
  bytes = g_bytes_new (p, rec.size);
  rb_ring_core_read_record_release (ring->core);
  return bytes;
}

/**
 * rb_ring_read_record_acquire: (skip)
 * @ring: a records ring
 * @info: (out caller-allocates): the record's header
 *
 * Hands out the next record's payload in place, @info->size bytes long,
 * until rb_ring_read_record_release().
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: (nullable): the payload, or %NULL if there is no record
 */
const guint8 *
rb_ring_read_record_acquire (RbRing *ring, RbRecordInfo *info)
{
  struct rb_record rec = { 0 };
  const guint8 *p;

  CHECK_RING_CONSUMER (ring, NULL);
  CHECK_ARG (info != NULL, NULL);
  p = holds_records (ring) ?
      rb_ring_core_read_record_acquire (ring->core, &rec) : NULL;
  record_to_info (&rec, info);
  return p;
}

/**
 * rb_ring_read_record_release:
 * @ring: a records ring
 *
 * Gives the record from rb_ring_read_record_acquire() back to the producer.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 */
void
rb_ring_read_record_release (RbRing *ring)
{
  CHECK_RING_CONSUMER (ring, );
  rb_ring_core_read_record_release (ring->core);
}

/**
 * rb_ring_skip_record:
 * @ring: a records ring
 *
 * Discards the next record, header and payload, without handing it out:
 * what a consumer does with a record it does not want, in one call rather
 * than rb_ring_read_record_acquire() and rb_ring_read_record_release(). A
 * record acquired and not yet released is the one discarded (the release
 * then does nothing). On an empty ring, or a ring that does not hold
 * records, nothing happens.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: %TRUE if a record was discarded, %FALSE if there was none
 */
gboolean
rb_ring_skip_record (RbRing *ring)
{
  CHECK_RING_CONSUMER (ring, FALSE);
  return holds_records (ring) && rb_ring_core_skip_record (ring->core);
}
