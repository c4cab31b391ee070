/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Only through <ringbridge/ringbridge.h>: rb-types.h, included first, says so. */
#include <ringbridge/rb-types.h>
#include <ringbridge/rb-ring.h>

G_BEGIN_DECLS

/**
 * RbReaderPolicy:
 * @RB_READER_POLICY_LOSSLESS: the reader is the ring's consumer (a ring
 *   object of role %RB_RING_ROLE_CONSUMER or %RB_RING_ROLE_BOTH): the
 *   writer waits or drops per its mode; on an overwrite ring, what the
 *   writer overwrote before the consumer read it is recorded as
 *   %RB_GAP_OVERWRITTEN
 * @RB_READER_POLICY_CATCH_UP: one of any number of readers of an
 *   overwrite ring: reads everything the ring still holds, in order, and
 *   records what the writer overwrote first as %RB_GAP_OVERWRITTEN
 * @RB_READER_POLICY_LATEST: one of any number of readers of an overwrite
 *   ring that stays near the head: when more than the target latency is
 *   readable it jumps to the write position minus the target latency and
 *   records the span it jumped over as %RB_GAP_SKIP
 *
 * How an #RbRingReader follows its ring (docs/ring.md, "Readers and the
 * gap journal").
 *
 * Since: 0.2
 */
typedef enum {
  RB_READER_POLICY_LOSSLESS,
  RB_READER_POLICY_CATCH_UP,
  RB_READER_POLICY_LATEST,
} RbReaderPolicy;

/**
 * RbGapCause:
 * @RB_GAP_OVERWRITTEN: the writer overwrote the span before the reader
 *   read it (the writer lapped the reader)
 * @RB_GAP_UNDERRUN: a live reader needed data that had not come by its
 *   deadline; recorded only by rb_ring_reader_mark_underrun(). The gap's
 *   length is the time the caller filled (in bytes of the stream) and its
 *   position the reader's position then: it takes no stream position
 * @RB_GAP_PRODUCER_RESTART: a new producer took over the ring (its
 *   producer generation changed). Positions continue across a restart, so
 *   its length is 0: a mark where the stream is discontinuous, at the
 *   position where the new producer's stream starts (docs/ring.md); if
 *   the write position went back behind the reader, the reader resumes at
 *   the oldest position held
 * @RB_GAP_SKIP: the reader skipped the span on purpose (the latest
 *   policy's jump to its target latency)
 *
 * Why an #RbRingReader will never see a span of the stream.
 *
 * Since: 0.2
 */
typedef enum {
  RB_GAP_OVERWRITTEN,
  RB_GAP_UNDERRUN,
  RB_GAP_PRODUCER_RESTART,
  RB_GAP_SKIP,
} RbGapCause;

/**
 * RbGap:
 * @position: the absolute byte position where the gap starts
 * @length: its length in bytes (whole frames of an audio ring)
 * @cause: why the reader missed it
 *
 * One entry of a reader's gap journal (rb_ring_reader_pop_gap()). An
 * entry that absorbed others when the journal was full
 * (rb_ring_reader_get_gaps_merged()) starts where the first did and its
 * length is the sum of theirs.
 *
 * Since: 0.2
 */
typedef struct {
  guint64 position;
  guint64 length;
  RbGapCause cause;
} RbGap;

/**
 * RB_RING_READER_JOURNAL_SIZE:
 *
 * How many entries a reader's gap journal holds before it merges them.
 *
 * Since: 0.2
 */
#define RB_RING_READER_JOURNAL_SIZE 64

/**
 * RbRingReader:
 *
 * A reader of a ring with a policy and a gap journal: see
 * rb_ring_reader_new(). An opaque, reference-counted boxed type.
 *
 * Since: 0.2
 */
typedef struct _RbRingReader RbRingReader;

#define RB_TYPE_GAP (rb_gap_get_type ())
#define RB_TYPE_RING_READER (rb_ring_reader_get_type ())

RB_DECLARE_PLAIN_BOXED (RbGap, rb_gap, gap);

RB_API
GType          rb_ring_reader_get_type      (void);

/* Construction (not RT-safe). */
RB_API
RbRingReader  *rb_ring_reader_new           (RbRing          *ring,
                                             RbReaderPolicy   policy,
                                             guint64          target_latency,
                                             GError         **error);
RB_API
RbRingReader  *rb_ring_reader_ref           (RbRingReader    *reader);
RB_API
void           rb_ring_reader_unref         (RbRingReader    *reader);

/* Reading (RT-safe). */
RB_API
gsize          rb_ring_reader_read          (RbRingReader    *reader,
                                             guint8          *data,
                                             gsize            count);
RB_API
gsize          rb_ring_reader_read_frames   (RbRingReader    *reader,
                                             gpointer         frames,
                                             gsize            n_frames);
RB_API
void           rb_ring_reader_mark_underrun (RbRingReader    *reader,
                                             guint64          length);
RB_API
gboolean       rb_ring_reader_pop_gap       (RbRingReader    *reader,
                                             RbGap           *gap);

/* Getters: never move anything (RT-safe). */
RB_API
gsize          rb_ring_reader_get_available (RbRingReader    *reader);
RB_API
guint64        rb_ring_reader_get_position  (RbRingReader    *reader);
RB_API
guint64        rb_ring_reader_get_gap_total (RbRingReader    *reader,
                                             RbGapCause       cause);
RB_API
guint64        rb_ring_reader_get_gaps_merged (RbRingReader  *reader);
RB_API
guint          rb_ring_reader_get_gaps_pending (RbRingReader *reader);
RB_API
RbRing        *rb_ring_reader_get_ring      (RbRingReader    *reader);
RB_API
RbReaderPolicy rb_ring_reader_get_policy    (RbRingReader    *reader);
RB_API
guint64        rb_ring_reader_get_target_latency (RbRingReader *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbRingReader, rb_ring_reader_unref)

G_END_DECLS
