/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Records mode: variable-size messages, each a fixed header and a payload,
 * 8-byte aligned, committed whole and never split (the mirrored mapping
 * makes a record across the wrap contiguous). The header is an ABI between
 * processes like the ring header: fixed widths, asserted offsets. GLib-free. */

#include "rb-ring-core-private.h"

struct rb_record {
  uint32_t size;                /* payload bytes */
  uint32_t type;                /* RbRecordType */
  uint32_t flags;               /* the writer's flags (GstBufferFlags, ...) */
  uint32_t reserved;
  int64_t pts;                  /* nanoseconds, -1: none */
  int64_t dts;
  int64_t duration;
  uint64_t offset;
  uint64_t offset_end;
};

static_assert (sizeof (struct rb_record) == 56, "record layout (and RB_RECORD_HEADER_SIZE)");
static_assert (offsetof (struct rb_record, pts) == 16, "record layout");
static_assert (sizeof (struct rb_record) == RB_CORE_RECORD_MIN, "record layout");
static_assert (offsetof (struct rb_record, offset_end) == 48, "record layout");

#define RB_RECORD_ALIGN 8

static inline uint64_t
rb_record_total (uint64_t payload)
{
  return (sizeof (struct rb_record) + payload + RB_RECORD_ALIGN - 1) &
      ~(uint64_t) (RB_RECORD_ALIGN - 1);
}

/* Producer. write: all or nothing (false and an overrun when it does not
 * fit now; false when it can never fit). acquire hands out room for a
 * payload of @max bytes (NULL if there is none now); commit writes the
 * header for @meta->size <= @max bytes and publishes the record. */
bool     rb_ring_core_write_record  (struct rb_ring_core *core,
                                     const struct rb_record *meta,
                                     const void *payload);
void    *rb_ring_core_write_record_acquire (struct rb_ring_core *core,
                                     size_t max);
bool     rb_ring_core_write_record_commit (struct rb_ring_core *core,
                                     const struct rb_record *meta);

/* Consumer. peek fills @meta with the next record's header (false: none,
 * or a corrupt one); read also copies the payload if @cap is enough (if
 * not: false, the record stays, @meta says the size); acquire returns the
 * payload in place until release. */
bool     rb_ring_core_peek_record   (struct rb_ring_core *core,
                                     struct rb_record *meta);
bool     rb_ring_core_read_record   (struct rb_ring_core *core,
                                     struct rb_record *meta, void *payload,
                                     size_t cap);
const void *rb_ring_core_read_record_acquire (struct rb_ring_core *core,
                                     struct rb_record *meta);
void     rb_ring_core_read_record_release (struct rb_ring_core *core);
/* Discards the next record (an acquired one included); false if none. */
bool     rb_ring_core_skip_record (struct rb_ring_core *core);
