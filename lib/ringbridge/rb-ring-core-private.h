/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The lock-free single-producer/single-consumer algorithm. C11 and libc
 * only: no GLib, no GObject, so it can be tested under ThreadSanitizer and
 * the realtime traps on its own. RbRing (rb-ring*.c) owns one and forwards
 * its realtime entry points here.
 *
 * Threads: functions named _write_/_commit/set_eos belong to the producer,
 * _read_/_peek/_skip/_release/reset to the consumer; read_at and the
 * position/counter getters may be called from any thread. The core does
 * not know roles: RbRing checks them before it forwards. Every function
 * here is realtime-safe: no allocation, no lock, and no system call but
 * one FUTEX_WAKE from a call that publishes a position (write, commit,
 * set_eos, read, skip, release, reset, a peek that skipped overwritten
 * data) when the other side announced a wait it has not yet been woken
 * for (see wake_waiters() in rb-ring-core.c). Getters never move a
 * position.
 *
 * Audio rings (frame_size > 1): every call that moves data moves whole
 * frames only. Byte counts are rounded down to whole frames; positions
 * stay on frame boundaries (counted from origin). */

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rb-shm-private.h"
#include "rb-timing-private.h"

/* Values are RbSampleFormat's (rb-ring.c checks that they agree). */
enum rb_format {
  RB_FORMAT_NONE = 0,
  RB_FORMAT_U8,
  RB_FORMAT_S16LE,
  RB_FORMAT_S24LE,
  RB_FORMAT_S24_32LE,
  RB_FORMAT_S32LE,
  RB_FORMAT_F32LE,
  RB_FORMAT_F64LE,
  RB_FORMAT_LAST = RB_FORMAT_F64LE,
};

#define RB_CORE_FLAG_OVERWRITE 1u
#define RB_CORE_FLAG_RECORDS 2u
#define RB_CORE_FLAGS_KNOWN (RB_CORE_FLAG_OVERWRITE | RB_CORE_FLAG_RECORDS)

/* The smallest records ring: one record header (sizeof (struct rb_record),
 * which rb-record-private.h asserts), so a record always fits. */
#define RB_CORE_RECORD_MIN 56u

/* Outcome of a read at an absolute position (values are RbRangeStatus's). */
enum rb_range {
  RB_RANGE_OK = 0,
  RB_RANGE_GONE = 1,
  RB_RANGE_FUTURE = 2,
  RB_RANGE_OVERTAKEN = 3,       /* views only: rb-ring-core-view-private.h */
};

struct rb_ring_core {
  /* Read by both sides, written only by rb_ring_core_init(): private
   * copies of the validated identity block, never re-read from shared
   * memory. */
  struct rb_shm_header *hdr;
  uint8_t *data;                /* mirrored: data[i] == data[i + storage] */
  uint64_t capacity;            /* the bytes the ring holds: the limit of
                                 * fill and of an overwrite ring's window */
  uint64_t storage;             /* the mirrored area, a power of two >=
                                 * capacity: the bound of every offset */
  uint64_t mask;                /* storage - 1 */
  uint32_t flags;
  uint32_t format;
  uint32_t channels;
  uint32_t rate;
  uint32_t frame_size;
  uint32_t sample_size;
  uint64_t origin;              /* position of the first byte ever written */
  bool seq_fence;               /* membarrier() unavailable: see rb-wait.c */
  /* The ring's file, touched (futimens) to wake readiness watches
   * (rb-ring-watch.c); -1: none. Set once before the ring is used. */
  int notify_fd;

  /* Producer-private. */
  alignas (RB_CACHELINE) uint64_t w;    /* our write position */
  uint64_t w_cached_read;       /* last read_pos we loaded */
  bool w_broken;                /* the consumer published an impossible read_pos */
  uint32_t w_data_announce_woken;       /* data_announce at our last wake */
  uint32_t w_watch_answered;    /* watch_data_announce at our last notify */
  uint64_t w_record_max;        /* records: payload room handed out */
  struct rb_timing_side w_timing;       /* stamps (rb-timing.c) */

  /* Consumer-private. */
  alignas (RB_CACHELINE) uint64_t r;    /* our read position */
  uint64_t r_cached_write;      /* last write_pos we loaded */
  uint64_t r_acquired_end;      /* end of the region read_acquire handed out */
  bool r_broken;                /* the producer published an impossible write_pos */
  uint32_t r_space_announce_woken;      /* space_announce at our last wake */
  uint32_t r_watch_answered;    /* watch_space_announce at our last notify */
  uint64_t r_record_total;      /* records: size of the record handed out */
  struct rb_timing_side r_timing;       /* stamps (rb-timing.c) */
};

/* Sizes and formats. */
size_t   rb_format_sample_size      (uint32_t format);

/* Binds @core to a header and its mirrored data area. The header must
 * already be valid: one this process just wrote. */
void     rb_ring_core_init          (struct rb_ring_core *core,
                                     struct rb_shm_header *hdr, uint8_t *data);

/* Binds @core to a header another process may write, running on @id, the
 * identity rb_shm_validate() checked. Nothing of the identity block is read
 * from @hdr. */
void     rb_ring_core_init_identity (struct rb_ring_core *core,
                                     const struct rb_ring_identity *id,
                                     struct rb_shm_header *hdr, uint8_t *data);

/* Producer. */
size_t   rb_ring_core_write         (struct rb_ring_core *core,
                                     const void *src, size_t n);
size_t   rb_ring_core_write_available (struct rb_ring_core *core);
void    *rb_ring_core_write_acquire (struct rb_ring_core *core, size_t *n);
void     rb_ring_core_write_commit  (struct rb_ring_core *core, size_t n);
void     rb_ring_core_set_eos       (struct rb_ring_core *core);

/* Consumer. */
size_t   rb_ring_core_read          (struct rb_ring_core *core, void *dst,
                                     size_t n);
size_t   rb_ring_core_peek          (struct rb_ring_core *core, void *dst,
                                     size_t n);
size_t   rb_ring_core_skip          (struct rb_ring_core *core, size_t n);
size_t   rb_ring_core_read_available (struct rb_ring_core *core);
const void *rb_ring_core_read_acquire (struct rb_ring_core *core, size_t *n);
bool     rb_ring_core_read_release  (struct rb_ring_core *core, size_t n);
bool     rb_ring_core_is_eos        (struct rb_ring_core *core);
/* Any thread: the producer marked the end of the stream (an overwrite
 * ring's reader has no read position to compare: the flag is its end). */
bool     rb_ring_core_eos_marked    (const struct rb_ring_core *core);
void     rb_ring_core_reset         (struct rb_ring_core *core);

/* The producer's clock point (see struct rb_shm_header). set: producer;
 * get: any thread, false if never set or if the producer kept rewriting it
 * during a few attempts. */
void     rb_ring_core_set_clock     (struct rb_ring_core *core,
                                     uint64_t position, int64_t time_ns,
                                     uint64_t frames);
bool     rb_ring_core_get_clock     (const struct rb_ring_core *core,
                                     uint64_t *position, int64_t *time_ns,
                                     uint64_t *frames);

/* Any thread. */
uint64_t rb_ring_core_write_position (const struct rb_ring_core *core);
uint64_t rb_ring_core_read_position (const struct rb_ring_core *core);
uint64_t rb_ring_core_oldest_position (const struct rb_ring_core *core);
enum rb_range rb_ring_core_check_range (const struct rb_ring_core *core,
                                     uint64_t pos, size_t n);
enum rb_range rb_ring_core_read_at  (const struct rb_ring_core *core,
                                     uint64_t pos, void *dst, size_t n,
                                     size_t *done);
uint64_t rb_ring_core_overruns      (const struct rb_ring_core *core);
uint64_t rb_ring_core_underruns     (const struct rb_ring_core *core);
uint64_t rb_ring_core_overwritten   (const struct rb_ring_core *core);

/* Whole frames: never split a frame (an audio ring's frame_size bytes). */
size_t   rb_ring_core_write_frames  (struct rb_ring_core *core,
                                     const void *src, size_t n_frames);
size_t   rb_ring_core_read_frames   (struct rb_ring_core *core, void *dst,
                                     size_t n_frames);

/* The protocol steps, for rb-record.c: free space (reloading read_pos
 * only when the cache says fewer than @want bytes), readable bytes
 * (likewise), publishing a new position, counting an overrun. */
uint64_t rb_ring_core_producer_space (struct rb_ring_core *core, uint64_t want);
uint64_t rb_ring_core_consumer_avail (struct rb_ring_core *core, uint64_t want);
void     rb_ring_core_publish_write (struct rb_ring_core *core, uint64_t w);
void     rb_ring_core_publish_read  (struct rb_ring_core *core, uint64_t r);
void     rb_ring_core_count_overrun (struct rb_ring_core *core);

/* Audio frames, converted between the ring's sample format and per-channel
 * float arrays. A NULL channel pointer writes silence / discards. */
size_t   rb_ring_core_write_deinterleaved (struct rb_ring_core *core,
                                     const float *const *channels,
                                     unsigned n_channels, size_t n_frames);
size_t   rb_ring_core_read_deinterleaved (struct rb_ring_core *core,
                                     float *const *channels,
                                     unsigned n_channels, size_t n_frames);
