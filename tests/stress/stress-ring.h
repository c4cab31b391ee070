/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The ring as test-stress.c sees it, over one of two backends chosen at
 * compile time:
 *
 * - STRESS_BACKEND_CORE: the GLib-free core (struct rb_ring_core) on a
 *   memfd mapped mirrored, built here the way rb-ring-attach.c builds
 *   it. This is the one that links against the mutant cores of the R3m
 *   self-test, and the one with the test hook that starts positions near
 *   2^64 (rb-test-hooks-private.h).
 * - otherwise: the public RbRing API of the shared library.
 *
 * Everything is a one-line forward, so both binaries run the same harness. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#ifdef STRESS_BACKEND_CORE

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rb-mapping-private.h"
#include "rb-ring-core-private.h"
#include "rb-test-hooks-private.h"

#define STRESS_BACKEND_NAME "core"
#define STRESS_CAN_SET_POSITIONS 1

enum {
  STRESS_RANGE_OK = RB_RANGE_OK,
  STRESS_RANGE_GONE = RB_RANGE_GONE,
  STRESS_RANGE_FUTURE = RB_RANGE_FUTURE,
};

enum {
  STRESS_FORMAT_S24LE = RB_FORMAT_S24LE,
  STRESS_FORMAT_F32LE = RB_FORMAT_F32LE,
};

typedef struct {
  /* First member, so that the producer and consumer halves of the core
   * keep the cache-line alignment the core declares (aligned_alloc). */
  struct rb_ring_core core;
  struct rb_mapping map;
} StressRing;

static inline StressRing *
stress_ring_new_full (uint64_t bytes, bool overwrite, uint32_t format,
    unsigned channels)
{
  size_t page = rb_page_size ();
  size_t header_size = MAX (page, sizeof (struct rb_shm_header));
  const char *what = "";
  uint64_t storage = 0;
  StressRing *ring;
  int fd, res;

  /* exactly @bytes, in the storage the library would give it */
  g_assert_true (rb_capacity_round (bytes, page, &storage));
  ring = aligned_alloc (RB_CACHELINE,
      (sizeof (StressRing) + RB_CACHELINE - 1) &
      ~(size_t) (RB_CACHELINE - 1));
  g_assert_nonnull (ring);
  fd = rb_memfd_create ("ringbridge-stress", header_size, storage, &what);
  if (fd < 0)
    g_error ("%s: %s", what, g_strerror (-fd));
  res = rb_mapping_map (&ring->map, fd, header_size, storage, &what);
  if (res < 0)
    g_error ("%s: %s", what, g_strerror (-res));
  close (fd);
  rb_shm_header_init (ring->map.base, (uint32_t) header_size, storage, bytes,
      overwrite ? RB_CORE_FLAG_OVERWRITE : 0, format, channels, 48000);
  rb_ring_core_init (&ring->core, ring->map.base,
      (uint8_t *) ring->map.base + header_size);
  rb_shm_header_publish (ring->map.base);
  /* Without membarrier() (old kernel, seccomp) the core publishes with
   * seq_cst for the sake of sleeping waiters (rb-wait.c), which would mask
   * the R3m mutants of RB_MO_PUBLISH_*. Nobody waits in this harness, so
   * keep the core on the orders the RB_MO_* macros choose, whatever the
   * machine allows; test-stress-ring runs the library's own choice. */
  ring->core.seq_fence = false;
  return ring;
}

static inline StressRing *
stress_ring_new (uint64_t capacity, bool overwrite)
{
  return stress_ring_new_full (capacity, overwrite, RB_FORMAT_NONE, 0);
}

static inline StressRing *
stress_ring_new_audio (uint32_t format, unsigned channels, uint64_t frames)
{
  return stress_ring_new_full (frames * rb_format_sample_size (format) *
      channels, false, format, channels);
}

static inline void
stress_ring_free (StressRing *ring)
{
  rb_mapping_unmap (&ring->map);
  free (ring);
}

/* Empty, idle ring only: before any thread is started. */
static inline void
stress_ring_set_positions (StressRing *ring, uint64_t pos)
{
  rb_ring_core_set_positions_for_test (&ring->core, pos);
}

#define R(ring) (&(ring)->core)
#define stress_ring_capacity(ring)        ((size_t) R (ring)->capacity)
#define stress_ring_storage(ring)         ((size_t) R (ring)->storage)
#define stress_ring_frame_size(ring)      ((size_t) R (ring)->frame_size)
#define stress_ring_write(ring, d, n)     rb_ring_core_write (R (ring), d, n)
#define stress_ring_read(ring, d, n)      rb_ring_core_read (R (ring), d, n)
#define stress_ring_write_available(ring) \
    rb_ring_core_write_available (R (ring))
#define stress_ring_read_available(ring)  rb_ring_core_read_available (R (ring))
#define stress_ring_write_acquire(ring, n) \
    ((uint8_t *) rb_ring_core_write_acquire (R (ring), n))
#define stress_ring_write_commit(ring, n) \
    rb_ring_core_write_commit (R (ring), n)
#define stress_ring_read_acquire(ring, n) \
    ((const uint8_t *) rb_ring_core_read_acquire (R (ring), n))
#define stress_ring_read_release(ring, n) \
    rb_ring_core_read_release (R (ring), n)
#define stress_ring_write_frames(ring, f, n) \
    rb_ring_core_write_frames (R (ring), f, n)
#define stress_ring_read_frames(ring, f, n) \
    rb_ring_core_read_frames (R (ring), f, n)
#define stress_ring_write_deinterleaved(ring, c, nc, n) \
    rb_ring_core_write_deinterleaved (R (ring), c, nc, n)
#define stress_ring_read_deinterleaved(ring, c, nc, n) \
    rb_ring_core_read_deinterleaved (R (ring), c, nc, n)
#define stress_ring_write_position(ring)  rb_ring_core_write_position (R (ring))
#define stress_ring_read_position(ring)   rb_ring_core_read_position (R (ring))
#define stress_ring_oldest_position(ring) \
    rb_ring_core_oldest_position (R (ring))
#define stress_ring_read_at(ring, pos, d, n, done) \
    ((int) rb_ring_core_read_at (R (ring), pos, d, n, done))
#define stress_ring_set_eos(ring)         rb_ring_core_set_eos (R (ring))
#define stress_ring_is_eos(ring)          rb_ring_core_is_eos (R (ring))
#define stress_ring_overruns(ring)        rb_ring_core_overruns (R (ring))
#define stress_ring_underruns(ring)       rb_ring_core_underruns (R (ring))
#define stress_ring_overwritten(ring)     rb_ring_core_overwritten (R (ring))
/* An honest peer must never be taken for a corrupt one. */
#define stress_ring_broken(ring) \
    (R (ring)->r_broken || R (ring)->w_broken)

#else /* the public API */

#include <ringbridge/ringbridge.h>

#define STRESS_BACKEND_NAME "ring"
#define STRESS_CAN_SET_POSITIONS 0
/* the public API does not expose the core's corruption flags */
#define stress_ring_broken(ring) ((void) (ring), false)

enum {
  STRESS_RANGE_OK = RB_RANGE_AVAILABLE,
  STRESS_RANGE_GONE = RB_RANGE_OVERWRITTEN,
  STRESS_RANGE_FUTURE = RB_RANGE_NOT_YET_WRITTEN,
};

enum {
  STRESS_FORMAT_S24LE = RB_SAMPLE_FORMAT_S24LE,
  STRESS_FORMAT_F32LE = RB_SAMPLE_FORMAT_F32LE,
};

typedef RbRing StressRing;

static inline StressRing *
stress_ring_new (uint64_t capacity, bool overwrite)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_full (capacity,
      overwrite ? RB_RING_FLAGS_OVERWRITE : RB_RING_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return ring;
}

static inline StressRing *
stress_ring_new_audio (uint32_t format, unsigned channels, uint64_t frames)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_audio ((RbSampleFormat) format, channels, 48000,
      frames, RB_RING_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return ring;
}

static inline void
stress_ring_free (StressRing *ring)
{
  g_object_unref (ring);
}

static inline void
stress_ring_set_positions (StressRing *ring, uint64_t pos)
{
  /* RbRing has no public hook; the core binary runs the wrap cases. */
  g_assert_not_reached ();
}

#define stress_ring_capacity(ring)        rb_ring_get_capacity (ring)
#define stress_ring_storage(ring)         rb_ring_get_storage_size (ring)
#define stress_ring_frame_size(ring)      rb_ring_get_frame_size (ring)
#define stress_ring_write(ring, d, n)     rb_ring_write (ring, d, n)
#define stress_ring_read(ring, d, n)      rb_ring_read (ring, d, n)
#define stress_ring_write_available(ring) rb_ring_write_available (ring)
#define stress_ring_read_available(ring)  rb_ring_read_available (ring)
#define stress_ring_write_acquire(ring, n) rb_ring_write_acquire (ring, n)
#define stress_ring_write_commit(ring, n) rb_ring_write_commit (ring, n)
#define stress_ring_read_acquire(ring, n) rb_ring_read_acquire (ring, n)
#define stress_ring_read_release(ring, n) rb_ring_read_release (ring, n)
#define stress_ring_write_frames(ring, f, n) rb_ring_write_frames (ring, f, n)
#define stress_ring_read_frames(ring, f, n) rb_ring_read_frames (ring, f, n)
#define stress_ring_write_deinterleaved(ring, c, nc, n) \
    rb_ring_write_deinterleaved (ring, c, nc, n)
#define stress_ring_read_deinterleaved(ring, c, nc, n) \
    rb_ring_read_deinterleaved (ring, c, nc, n)
#define stress_ring_write_position(ring)  rb_ring_get_write_position (ring)
#define stress_ring_read_position(ring)   rb_ring_get_read_position (ring)
#define stress_ring_oldest_position(ring) rb_ring_get_oldest_position (ring)
#define stress_ring_read_at(ring, pos, d, n, done) \
    ((int) rb_ring_read_at (ring, pos, d, n, done))
#define stress_ring_set_eos(ring)         rb_ring_set_end_of_stream (ring)
#define stress_ring_is_eos(ring)          rb_ring_is_end_of_stream (ring)
#define stress_ring_overruns(ring)        rb_ring_get_overruns (ring)
#define stress_ring_underruns(ring)       rb_ring_get_underruns (ring)
#define stress_ring_overwritten(ring)     rb_ring_get_overwritten (ring)

#endif
