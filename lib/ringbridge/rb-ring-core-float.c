/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Audio frames moved between the ring's sample format and per-channel
 * float arrays, converting on the way in or out (rb-convert.c). The
 * protocol steps are rb-ring-core.c's: the same loads, publishes and
 * counters as a frame transfer. Realtime-safe, as the core is. */

#include "rb-ring-core-inline-private.h"
#include "rb-convert-private.h"

#include <stdalign.h>

/* Staging buffer for overwrite rings, whose producer must not write into
 * the ring with plain stores and whose reader must re-check its copy. */
#define STAGE_BYTES 4096

size_t
rb_ring_core_write_deinterleaved (struct rb_ring_core *c,
    const float *const *channels, unsigned n_channels, size_t n_frames)
{
  size_t fs = c->frame_size;
  size_t done = 0;

  if (c->format == RB_FORMAT_NONE || n_channels != c->channels || n_frames == 0)
    return 0;

  if (is_overwrite (c)) {
    alignas (16) uint8_t stage[STAGE_BYTES];
    size_t per = STAGE_BYTES / fs;
    while (done < n_frames) {
      size_t k = MIN (per, n_frames - done);
      rb_convert_interleave (c->format, c->channels, channels, done, stage, k);
      /* k whole frames: rb_ring_core_write() hands them to the overwriting
       * write as they are */
      rb_ring_core_write (c, stage, k * fs);
      done += k;
    }
    return done;
  }

  {
    size_t space = (size_t) (rb_ring_core_producer_space (c,
        (uint64_t) n_frames * fs) / fs);
    if (space < n_frames) {
      rb_ring_core_count_overrun (c);
      n_frames = space;
      if (n_frames == 0)
        return 0;
    }
    /* Convert straight into the ring: the mirror makes the region
     * contiguous. */
    rb_convert_interleave (c->format, c->channels, channels, 0,
        c->data + (c->w & c->mask), n_frames);
    rb_ring_core_publish_write (c, c->w + (uint64_t) n_frames * fs);
    return n_frames;
  }
}

size_t
rb_ring_core_read_deinterleaved (struct rb_ring_core *c,
    float *const *channels, unsigned n_channels, size_t n_frames)
{
  size_t fs = c->frame_size;

  if (c->format == RB_FORMAT_NONE || n_channels != c->channels || n_frames == 0)
    return 0;

  if (is_overwrite (c)) {
    alignas (16) uint8_t stage[STAGE_BYTES];
    size_t per = STAGE_BYTES / fs;
    size_t done = 0;
    while (done < n_frames) {
      size_t want = MIN (per, n_frames - done);
      size_t got = rb_ring_core_read_frames (c, stage, want);
      rb_convert_deinterleave (c->format, c->channels, stage, channels, done,
          got);
      done += got;
      if (got < want)
        break;
    }
    return done;
  }

  {
    size_t avail = (size_t) (rb_ring_core_consumer_avail (c,
        (uint64_t) n_frames * fs) / fs);
    if (avail < n_frames) {
      counter_add (&c->hdr->underruns, 1);
      n_frames = avail;
      if (n_frames == 0)
        return 0;
    }
    rb_convert_deinterleave (c->format, c->channels,
        c->data + (c->r & c->mask), channels, 0, n_frames);
    rb_ring_core_publish_read (c, c->r + (uint64_t) n_frames * fs);
    return n_frames;
  }
}
