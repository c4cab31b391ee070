/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* What the files of RbRingReader share: the instance struct and the
 * journal's one entry point.
 *
 *   rb-reader.c          construction, the policies' reads, getters
 *   rb-reader-journal.c  the gap journal (record, merge, pop, totals)
 *                        and the RbGap boxed type */

#include "rb-reader.h"
#include "rb-ring-core-private.h"

#include <stdatomic.h>
#include <stdint.h>

G_BEGIN_DECLS

#define N_CAUSES (RB_GAP_SKIP + 1)

/* Allocated with g_atomic_rc_box_new0(): the box counts the references. */
struct _RbRingReader
{
  RbRing *ring;
  struct rb_ring_core *core;
  RbReaderPolicy policy;
  guint64 target;

  /* Written by the reading thread only; relaxed loads elsewhere are
   * statistics (nothing is read through them). */
  _Atomic uint64_t position;    /* catch-up / latest: the next byte */
  _Atomic uint64_t totals[N_CAUSES];
  _Atomic uint64_t merged;
  _Atomic uint32_t pending;     /* entries in the journal */

  uint32_t generation;          /* producer generation last seen */
  gboolean restart_pending;     /* a restart ahead, at restart_at */
  uint64_t restart_at;

  /* the journal: a circular array of RB_RING_READER_JOURNAL_SIZE */
  RbGap *journal;
  guint head;                   /* oldest entry */
};

/* rb-reader-journal.c: records a gap of @length bytes at @position (the
 * reading thread only; RT-safe). */
void rb_reader_record_gap (RbRingReader *self, guint64 position,
                           guint64 length, RbGapCause cause);

G_END_DECLS
