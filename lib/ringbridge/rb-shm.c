/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Validation of a ring header written by another process. Everything in
 * shared memory is input: this reads the header once into a private
 * snapshot, checks every field against the file and against each other, and
 * hands back the identity the ring then runs on. Nothing here is re-read
 * from shared memory later (no double fetch). */

#include "rb-shm-private.h"
#include "rb-ring-core-private.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool
is_power_of_two (uint64_t v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

enum rb_shm_problem
rb_shm_validate (const void *image, uint64_t image_size, uint64_t page_size,
    struct rb_ring_identity *id, char *why, size_t why_len)
{
  struct rb_shm_header h;
  uint64_t magic, w, r, ssize;

#define REFUSE(problem, ...) \
  do { snprintf (why, why_len, __VA_ARGS__); return (problem); } while (0)

  if (image_size < sizeof h || image_size < page_size)
    REFUSE (RB_SHM_TOO_SMALL, "segment too small (%" PRIu64 " bytes < header "
        "%zu)", image_size, sizeof h > page_size ? sizeof h : (size_t) page_size);

  /* One snapshot of the whole header. The peer may change the original
   * while we look; from here on only the snapshot counts. */
  memcpy (&h, image, sizeof h);
  /* The magic is written last at creation (release) and checked first. */
  magic = atomic_load_explicit (&h.magic, memory_order_relaxed);
  if (magic != RB_SHM_MAGIC)
    REFUSE (RB_SHM_NOT_A_RING, "not a ring segment (magic 0x%016" PRIx64 ")",
        magic);
  if (h.layout_version != RB_SHM_LAYOUT_VERSION)
    REFUSE (RB_SHM_INCOMPATIBLE, "incompatible ring layout v%u (expected v%u)",
        h.layout_version, RB_SHM_LAYOUT_VERSION);
  if (h.header_size < sizeof h || h.header_size % page_size != 0 ||
      h.header_size > 16 * page_size)
    REFUSE (RB_SHM_CORRUPT, "invalid header size %u (page size %" PRIu64 ")",
        h.header_size, page_size);
  if (!is_power_of_two (h.capacity) || h.capacity < page_size ||
      h.capacity > (UINT64_C (1) << 31))
    REFUSE (RB_SHM_CORRUPT, "invalid capacity %" PRIu64 " (must be a power "
        "of two from the page size to 2^31)", h.capacity);
  /* a named ring's file cannot be sealed: a peer with write access may
   * have cut it short, which a mapping would answer with SIGBUS */
  if (h.file_size == h.header_size + h.capacity && image_size < h.file_size)
    REFUSE (RB_SHM_CORRUPT, "header/size mismatch: the file is truncated to %"
        PRIu64 " bytes, the ring needs %" PRIu64 " (header %u + capacity %"
        PRIu64 ")", image_size, h.file_size, h.header_size, h.capacity);
  if (h.file_size != h.header_size + h.capacity || h.file_size != image_size)
    REFUSE (RB_SHM_CORRUPT, "header/size mismatch: header %u + capacity %"
        PRIu64 " = %" PRIu64 ", header says %" PRIu64 ", file has %" PRIu64,
        h.header_size, h.capacity, (uint64_t) h.header_size + h.capacity,
        h.file_size, image_size);
  if ((h.flags & ~RB_CORE_FLAGS_KNOWN) != 0)
    REFUSE (RB_SHM_CORRUPT, "unknown ring flags 0x%x", h.flags);
  if ((h.flags & RB_CORE_FLAG_OVERWRITE) && (h.flags & RB_CORE_FLAG_RECORDS))
    REFUSE (RB_SHM_CORRUPT, "ring flags 0x%x: records cannot be overwritten",
        h.flags);
  if ((h.flags & RB_CORE_FLAG_RECORDS) && h.sample_format != RB_FORMAT_NONE)
    REFUSE (RB_SHM_CORRUPT, "a records ring with sample format %u",
        h.sample_format);
  if (h.sample_format > RB_FORMAT_LAST)
    REFUSE (RB_SHM_CORRUPT, "invalid sample format %u", h.sample_format);
  ssize = rb_format_sample_size (h.sample_format);
  if (h.sample_format == RB_FORMAT_NONE) {
    if (h.channels != 0 || h.rate != 0 || h.frame_size != 1)
      REFUSE (RB_SHM_CORRUPT, "byte ring with channels %u, rate %u, frame "
          "size %u", h.channels, h.rate, h.frame_size);
  } else {
    if (h.channels < 1 || h.channels > 64)
      REFUSE (RB_SHM_CORRUPT, "invalid channel count %u", h.channels);
    if (h.rate < 1 || h.rate > 1536000)
      REFUSE (RB_SHM_CORRUPT, "invalid rate %u", h.rate);
    if (h.frame_size != ssize * h.channels)
      REFUSE (RB_SHM_CORRUPT, "frame size %u does not match %u channels of "
          "%" PRIu64 " bytes", h.frame_size, h.channels, ssize);
  }
  /* Positions change all the time; this only refuses a ring that is
   * already impossible. A snapshot copies write_pos before read_pos, so on
   * a busy ring the two may come from different moments: the caller reads
   * again before it believes RB_SHM_BAD_POSITIONS. The core re-checks the
   * positions on every load anyway. */
  w = atomic_load_explicit (&h.write_pos, memory_order_relaxed);
  r = atomic_load_explicit (&h.read_pos, memory_order_relaxed);
  if (!(h.flags & RB_CORE_FLAG_OVERWRITE) && w - r > h.capacity)
    REFUSE (RB_SHM_BAD_POSITIONS, "peer corrupted indices: write position %" PRIu64
        " and read position %" PRIu64 " are more than the capacity %" PRIu64
        " apart", w, r, h.capacity);
#undef REFUSE

  id->header_size = h.header_size;
  id->capacity = h.capacity;
  id->file_size = h.file_size;
  id->flags = h.flags;
  id->sample_format = h.sample_format;
  id->channels = h.channels;
  id->rate = h.rate;
  id->frame_size = h.frame_size;
  if (why_len > 0)
    why[0] = '\0';
  return RB_SHM_OK;
}
