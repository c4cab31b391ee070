/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The header page at the start of every ring's file. It is an ABI between
 * processes (a named ring may be mapped by programs built from different
 * versions), so: fixed-width types, explicit alignment, an assertion on
 * every offset, and a layout version that changes when any of it does.
 *
 * Ownership, which is what keeps the two sides off each other's cache
 * lines: the identity block is written once by the creator before `magic`
 * is published and is read-only afterwards; the producer block is written
 * only by the producer, the consumer block only by the consumer. A reader
 * of shared memory treats every field as input from another process: the
 * identity block is validated once at attach and copied into private
 * memory (struct rb_ring_core), positions are checked on every load. */

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* "RBRING\0\1" read as a little-endian 64-bit word. */
#define RB_SHM_MAGIC UINT64_C (0x0100474e49524252)
#define RB_SHM_LAYOUT_VERSION 1u

/* 128 bytes, not 64: x86's adjacent-line prefetcher pulls cache lines in
 * pairs, so 64-byte separation still lets the two sides disturb each other. */
#define RB_CACHELINE 128

struct rb_shm_header {
  /* Identity block: immutable after creation. */
  _Atomic uint64_t magic;       /* written last, with release */
  uint32_t layout_version;
  uint32_t header_size;         /* offset of the data area in the file */
  uint64_t capacity;            /* bytes, a power of two */
  uint64_t file_size;           /* header_size + capacity */
  uint32_t flags;               /* RbRingFlags */
  uint32_t sample_format;       /* RbSampleFormat, NONE for byte rings */
  uint32_t channels;
  uint32_t rate;
  uint32_t frame_size;          /* channels * sample size, 1 for byte rings */
  uint32_t reserved_identity;

  /* Producer block. */
  alignas (RB_CACHELINE) _Atomic uint64_t write_pos;  /* bytes ever committed */
  _Atomic uint64_t write_reserve; /* overwrite mode: end of the write in flight */
  _Atomic uint64_t overruns;    /* writes that came up short */
  _Atomic uint32_t eos;         /* end of stream set by the producer */
  uint32_t reserved_producer;

  /* Consumer block. */
  alignas (RB_CACHELINE) _Atomic uint64_t read_pos;   /* bytes ever released */
  _Atomic uint64_t underruns;   /* reads that came up short */
  _Atomic uint64_t overwritten; /* bytes the consumer lost to the overwriting producer */

  /* Reserved for the wait/wake words and peer liveness of shared rings. */
  alignas (RB_CACHELINE) uint8_t reserved_wait[RB_CACHELINE];
};

static_assert (ATOMIC_LLONG_LOCK_FREE == 2,
    "64-bit atomics must be lock-free to live in shared memory");
static_assert (sizeof (_Atomic uint64_t) == 8, "atomic u64 has no hidden lock");
static_assert (offsetof (struct rb_shm_header, magic) == 0, "layout");
static_assert (offsetof (struct rb_shm_header, layout_version) == 8, "layout");
static_assert (offsetof (struct rb_shm_header, header_size) == 12, "layout");
static_assert (offsetof (struct rb_shm_header, capacity) == 16, "layout");
static_assert (offsetof (struct rb_shm_header, file_size) == 24, "layout");
static_assert (offsetof (struct rb_shm_header, flags) == 32, "layout");
static_assert (offsetof (struct rb_shm_header, sample_format) == 36, "layout");
static_assert (offsetof (struct rb_shm_header, channels) == 40, "layout");
static_assert (offsetof (struct rb_shm_header, rate) == 44, "layout");
static_assert (offsetof (struct rb_shm_header, frame_size) == 48, "layout");
static_assert (offsetof (struct rb_shm_header, write_pos) == 128, "layout");
static_assert (offsetof (struct rb_shm_header, write_reserve) == 136, "layout");
static_assert (offsetof (struct rb_shm_header, overruns) == 144, "layout");
static_assert (offsetof (struct rb_shm_header, eos) == 152, "layout");
static_assert (offsetof (struct rb_shm_header, read_pos) == 256, "layout");
static_assert (offsetof (struct rb_shm_header, underruns) == 264, "layout");
static_assert (offsetof (struct rb_shm_header, overwritten) == 272, "layout");
static_assert (offsetof (struct rb_shm_header, reserved_wait) == 384, "layout");
static_assert (sizeof (struct rb_shm_header) == 512, "layout");
