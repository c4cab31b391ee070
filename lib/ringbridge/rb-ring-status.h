/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Only through <ringbridge/ringbridge.h>: rb-types.h, included first, says so. */
#include <ringbridge/rb-types.h>
#include <ringbridge/rb-ring.h>
#include <ringbridge/rb-timing.h>

G_BEGIN_DECLS

/**
 * RbRingStatus:
 * @capacity: the ring's capacity in bytes: what it holds
 * @flags: the #RbRingFlags it was made with
 * @format: its sample format (%RB_SAMPLE_FORMAT_NONE for a byte ring)
 * @channels: channels of an audio ring, 0 for a byte ring
 * @rate: sample rate of an audio ring in Hz, 0 for a byte ring
 * @frame_size: bytes per frame (1 for a byte ring)
 * @header_size: where the data area starts in the ring's file, in bytes
 * @write_position: the producer's absolute write position, in bytes
 * @read_position: the consumer's absolute read position, in bytes
 * @fill: bytes written and not yet read, at most @capacity (an overwrite
 *   ring's consumer may lag by more; a read position ahead of the write
 *   position counts as empty)
 * @end_of_stream: the producer marked the end of the stream
 * @overruns: writes that came up short
 * @underruns: reads that came up short
 * @overwritten: bytes the consumer lost to an overwriting producer
 * @data_waiters: threads asleep waiting for data
 * @space_waiters: threads asleep waiting for space
 * @roles_known: the role fields below hold what the ring's header says.
 *   Always %TRUE after a successful read; after a failed one, %TRUE if the
 *   file still carried a ring's magic (who used a corrupt ring)
 * @producer_state: who holds the producer role
 * @producer_pid: the producer's pid, 0 for none
 * @producer_generation: how many times the producer role was claimed
 * @consumer_state: who holds the consumer role
 * @consumer_pid: the consumer's pid, 0 for none
 * @consumer_generation: how many times the consumer role was claimed
 * @creator_state: whether the process that made the ring runs
 *   (%RB_HOLDER_STATE_DETACHED is not used for the creator)
 * @creator_pid: the creator's pid, 0 for none
 * @creator_role: the #RbRingRole the creator took, or -1 if the header
 *   holds a value that is none
 * @has_clock_point: the producer set a plausible clock point (see
 *   rb_ring_get_clock_point()); the three clock fields are 0 otherwise
 * @clock_position: the clock point's absolute byte position
 * @clock_monotonic_ns: its CLOCK_MONOTONIC time in nanoseconds
 * @clock_frames: the producer's own clock at that time
 * @timing: the ring's timing, as rb_ring_get_timing() reads it: each
 *   side's rate, state and age, their ratio in ppm and the smoothed fill
 *   (docs/clocks.md). Validated the same way: a value that cannot be true
 *   reads as %RB_TIMING_STATE_INVALID. Both states are
 *   %RB_TIMING_STATE_NO_STAMPS when no header could be read
 * @readers: how many ring objects of role %RB_RING_ROLE_READER are
 *   attached now (rb_ring_reader_new() readers of other roles are not
 *   counted), -1 if the header holds a value no honest ring does. Advisory:
 *   a reader process that died without closing stays counted; 0 in a ring
 *   made before the count existed
 * @storage_size: the ring's storage in bytes (rb_ring_get_storage_size()):
 *   @capacity rounded up to a power of two of at least a page. Since: 0.2
 *
 * A read-only snapshot of a ring's state, for monitors such as
 * ringbridge-stat: what rb_ring_get_status() sees of a ring this process
 * holds, or rb_ring_status_read_named() of any ring by name without
 * attaching to it. Every value read from shared memory has been checked: a
 * header another process wrote cannot make the snapshot lie about its
 * identity, and a value that means nothing reads as "none" or "unknown".
 * The fields are taken at slightly different moments; the snapshot is for
 * looking, not for synchronizing.
 *
 * The struct has room for later fields: allocate it whole
 * (`RbRingStatus status;` or rb_ring_status_copy()), never by the size of
 * an older version.
 *
 * Since: 0.2
 */
typedef struct {
  /* identity: fixed when the ring was made */
  guint64 capacity;
  RbRingFlags flags;
  RbSampleFormat format;
  guint channels;
  guint rate;
  guint frame_size;
  guint header_size;

  /* positions and counters */
  guint64 write_position;
  guint64 read_position;
  guint64 fill;
  gboolean end_of_stream;
  guint64 overruns;
  guint64 underruns;
  guint64 overwritten;
  guint data_waiters;
  guint space_waiters;

  /* who uses it */
  gboolean roles_known;
  RbHolderState producer_state;
  guint producer_pid;
  guint producer_generation;
  RbHolderState consumer_state;
  guint consumer_pid;
  guint consumer_generation;
  RbHolderState creator_state;
  guint creator_pid;
  gint creator_role;

  /* the producer's clock point */
  gboolean has_clock_point;
  guint64 clock_position;
  gint64 clock_monotonic_ns;
  guint64 clock_frames;

  /* the ring's timing, in what was reserved room: the fields above keep
   * their offsets and the struct its size (rb-ring-status.c checks) */
  RbRingTiming timing;

  /* in what was reserved room, as timing (Since: 0.2) */
  gint readers;

  /*< private >*/
  guint32 _rb_reserved[1];

  /*< public >*/
  /* the storage behind the capacity, after the room (Since: 0.2) */
  guint64 storage_size;
} RbRingStatus;

#define RB_TYPE_RING_STATUS (rb_ring_status_get_type ())

RB_DECLARE_PLAIN_BOXED (RbRingStatus, rb_ring_status, status);
RB_API
void           rb_ring_get_status           (RbRing        *ring,
                                             RbRingStatus  *status);
RB_API
gboolean       rb_ring_status_read_named    (const gchar   *name,
                                             RbRingStatus  *status,
                                             GError       **error);
RB_API
gboolean       rb_ring_status_read_fd       (gint           fd,
                                             const gchar   *name,
                                             RbRingStatus  *status,
                                             GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbRingStatus, rb_ring_status_free)

G_END_DECLS
