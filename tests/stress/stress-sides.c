/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The producers and consumers of test-stress.c's cases, one thread each:
 * (a) the copy calls and (c) the frame calls, (b) the zero-copy calls and
 * deinterleaved floats, (d) overwrite mode with its readers. Every byte a
 * side accepts is checked against the stream (stress-harness.h). */

#include "stress-harness.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* --- (a) copy API and (c) frames ------------------------------------------ */

/* The copy calls move bytes, the frame calls whole frames of the ring's
 * frame size: the same loop with a unit of 1 or frame_size bytes
 * (Run.frames says which). */
void
chunk_producer (Side *s, Run *run)
{
  bool frames = run->frames;
  size_t fs = frames ? stress_ring_frame_size (run->ring) : 1;
  size_t cap_units = run->capacity / fs;
  Window win = { g_malloc (4 * cap_units * fs), 4 * cap_units * fs, 0, 0 };
  uint64_t pos = run->start;

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t want = producer_chunk (s, 2 * cap_units, s->bytes, fs);
    const uint8_t *src = window_at (&win, pos, want * fs);
    size_t got = frames ? stress_ring_write_frames (run->ring, src, want)
        : stress_ring_write (run->ring, src, want);

    if (got > want)
      side_fail (s, "INVARIANT", "wrote %zu of %zu %s", got, want,
          frames ? "frames" : "bytes");
    if (got < want)
      s->short_ops++;
    pos += got * fs;
    s->bytes += got * fs;
    if ((s->tick & 63) == 0)
      side_sample (s, true, pos);
    if (got == 0)
      side_idle (s);
  }
  stress_ring_set_eos (run->ring);
  g_free (win.buf);
}

void
chunk_consumer (Side *s, Run *run)
{
  bool frames = run->frames;
  size_t fs = frames ? stress_ring_frame_size (run->ring) : 1;
  size_t cap_units = run->capacity / fs;
  uint8_t *buf = g_malloc (2 * cap_units * fs);
  uint64_t pos = run->start;

  for (;;) {
    size_t want = rng_chunk (&s->rng, 2 * cap_units);
    size_t got = frames ? stress_ring_read_frames (run->ring, buf, want)
        : stress_ring_read (run->ring, buf, want);
    size_t bad;

    if (got > want)
      side_fail (s, "INVARIANT", "read %zu of %zu %s", got, want,
          frames ? "frames" : "bytes");
    if (got < want)
      s->short_ops++;
    if (got > 0) {
      bad = stream_check (buf, pos, got * fs);
      if (bad < got * fs) {
        side_mismatch (s, frames ? "rb_ring_read_frames" : "rb_ring_read",
            buf, pos, got * fs, bad);
        break;
      }
      pos += got * fs;
      s->bytes += got * fs;
    }
    if ((++s->tick & 63) == 0) {
      side_sample (s, false, pos);
      if (frames &&
          (stress_ring_read_position (run->ring) - run->start) % fs != 0)
        side_fail (s, "INVARIANT", "read position %" PRIu64 " splits a "
            "frame", stress_ring_read_position (run->ring));
    }
    if (got == 0 && consumer_idle (s))
      break;
  }
  g_free (buf);
}

/* --- (b) zero-copy API ---------------------------------------------------- */

void
zerocopy_producer (Side *s, Run *run)
{
  uint64_t pos = run->start;

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t avail, again, want, n;
    uint8_t *p = stress_ring_write_acquire (run->ring, &avail);

    if (avail > run->capacity)
      side_fail (s, "INVARIANT", "write_acquire handed out %zu bytes of a "
          "%zu-byte ring", avail, run->capacity);
    if ((s->tick & 15) == 0) {
      /* Acquiring again without a commit hands out the same region, at
       * least as large (the consumer may have freed more). */
      uint8_t *p2 = stress_ring_write_acquire (run->ring, &again);
      if (p2 != p || again < avail)
        side_fail (s, "INVARIANT", "second write_acquire: %p/%zu after "
            "%p/%zu", (void *) p2, again, (void *) p, avail);
      avail = again;
    }
    if (avail == 0) {
      s->short_ops++;
      side_idle (s);
      continue;
    }
    want = producer_chunk (s, 2 * run->capacity, s->bytes, 1);
    n = MIN (want, avail);
    stream_fill (p, pos, n);
    /* More than the region is clamped to the region, which is all we
     * filled. */
    stress_ring_write_commit (run->ring, want);
    pos += n;
    s->bytes += n;
    if ((s->tick & 63) == 0)
      side_sample (s, true, pos);
  }
  stress_ring_set_eos (run->ring);
}

void
zerocopy_consumer (Side *s, Run *run)
{
  uint64_t pos = run->start;

  for (;;) {
    size_t avail, want, n, bad;
    const uint8_t *p = stress_ring_read_acquire (run->ring, &avail);

    if (avail > run->capacity)
      side_fail (s, "INVARIANT", "read_acquire handed out %zu bytes of a "
          "%zu-byte ring", avail, run->capacity);
    if (avail == 0) {
      s->short_ops++;
      if (consumer_idle (s))
        break;
      continue;
    }
    want = rng_chunk (&s->rng, 2 * run->capacity);
    n = MIN (want, avail);
    /* Checked in place: this is the zero-copy view of the ring. */
    bad = stream_check (p, pos, n);
    if (bad < n) {
      side_mismatch (s, "rb_ring_read_acquire", p, pos, n, bad);
      break;
    }
    if (!stress_ring_read_release (run->ring, want))
      side_fail (s, "INVARIANT", "read_release reported an overwrite on a "
          "plain ring");
    pos += n;
    s->bytes += n;
    if ((++s->tick & 63) == 0)
      side_sample (s, false, pos);
  }
}

void
deint_producer (Side *s, Run *run)
{
  size_t fs = stress_ring_frame_size (run->ring);
  size_t cap_frames = run->capacity / fs;
  size_t win_size = 4 * cap_frames;
  float *win[DEINT_CHANNELS];
  const float *ptrs[DEINT_CHANNELS];
  uint64_t win_frame = 0, frame = 0;
  size_t win_len = 0;

  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    win[c] = g_new (float, win_size);

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t want = producer_chunk (s, 2 * cap_frames, s->bytes, fs);
    size_t got;

    if (win_len == 0 || frame - win_frame + want > win_len) {
      win_frame = frame;
      win_len = win_size;
      for (size_t i = 0; i < win_len; i++)
        for (unsigned c = 0; c < DEINT_CHANNELS; c++)
          win[c][i] = stream_sample ((win_frame + i) * DEINT_CHANNELS + c);
    }
    for (unsigned c = 0; c < DEINT_CHANNELS; c++)
      ptrs[c] = win[c] + (frame - win_frame);
    got = stress_ring_write_deinterleaved (run->ring, ptrs, DEINT_CHANNELS,
        want);
    if (got > want)
      side_fail (s, "INVARIANT", "wrote %zu of %zu frames", got, want);
    if (got < want)
      s->short_ops++;
    frame += got;
    s->bytes += got * fs;
    if ((s->tick & 63) == 0)
      side_sample (s, true, run->start + s->bytes);
    if (got == 0)
      side_idle (s);
  }
  stress_ring_set_eos (run->ring);
  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    g_free (win[c]);
}

void
deint_consumer (Side *s, Run *run)
{
  size_t fs = stress_ring_frame_size (run->ring);
  size_t cap_frames = run->capacity / fs;
  float *out[DEINT_CHANNELS];
  uint64_t frame = 0;

  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    out[c] = g_new (float, 2 * cap_frames);

  for (;;) {
    size_t want = rng_chunk (&s->rng, 2 * cap_frames);
    size_t got = stress_ring_read_deinterleaved (run->ring, out,
        DEINT_CHANNELS, want);

    if (got > want)
      side_fail (s, "INVARIANT", "read %zu of %zu frames", got, want);
    if (got < want)
      s->short_ops++;
    for (size_t i = 0; i < got && !s->failed; i++) {
      for (unsigned c = 0; c < DEINT_CHANNELS; c++) {
        uint64_t index = (frame + i) * DEINT_CHANNELS + c;
        float expected = stream_sample (index);
        if (float_bits (out[c][i]) != float_bits (expected)) {
          side_fail (s, "DATA MISMATCH", "rb_ring_read_deinterleaved: "
              "frame %" PRIu64 " channel %u is %a (0x%08x), expected %a "
              "(0x%08x)", frame + i, c, (double) out[c][i],
              float_bits (out[c][i]), (double) expected,
              float_bits (expected));
          break;
        }
      }
    }
    if (s->failed)
      break;
    frame += got;
    s->bytes += got * fs;
    if ((++s->tick & 63) == 0)
      side_sample (s, false, run->start + s->bytes);
    if (got == 0 && consumer_idle (s))
      break;
  }
  for (unsigned c = 0; c < DEINT_CHANNELS; c++)
    g_free (out[c]);
}

/* --- (d) overwrite mode --------------------------------------------------- */

void
overwrite_producer (Side *s, Run *run)
{
  Window win = { g_malloc (4 * run->capacity), 4 * run->capacity, 0, 0 };
  uint64_t pos = run->start;

  while (!producer_done (s, s->bytes, &s->tick)) {
    size_t want = producer_chunk (s, 2 * run->capacity, s->bytes, 1);
    size_t got = stress_ring_write (run->ring, window_at (&win, pos, want),
        want);

    /* An overwrite ring never waits and never comes up short. */
    if (got != want)
      side_fail (s, "INVARIANT", "overwrite ring took %zu of %zu bytes",
          got, want);
    pos += got;
    s->bytes += got;
    if ((s->tick & 63) == 0 && stress_ring_write_position (run->ring) != pos)
      side_fail (s, "INVARIANT", "write position %" PRIu64 ", expected %"
          PRIu64, stress_ring_write_position (run->ring), pos);
  }
  stress_ring_set_eos (run->ring);
  /* release: pairs with the acquire load in overwrite_finished(); readers
   * that see the flag see the final write position. */
  atomic_store_explicit (&run->producer_done, true, memory_order_release);
  g_free (win.buf);
}

/* Readers: true once the producer is done and @pos is its final position. */
static bool
overwrite_finished (Run *run, uint64_t pos)
{
  /* acquire: pairs with the release store in overwrite_producer(). */
  if (!atomic_load_explicit (&run->producer_done, memory_order_acquire))
    return false;
  return pos == stress_ring_write_position (run->ring);
}

/* A slow reader waits until the producer is two capacities ahead of it, so
 * that its next read is certain to find its position overwritten (the
 * stream is much longer than that; see check_overwrite_run()). */
static void
overwrite_lag (Run *run, uint64_t pos)
{
  while (!run_stopped (run)) {
    uint64_t w = stress_ring_write_position (run->ring);
    if (w - pos > 2 * (uint64_t) run->capacity)
      return;
    /* acquire: pairs with the release store in overwrite_producer(); the
     * final write position is loaded again above. */
    if (atomic_load_explicit (&run->producer_done, memory_order_acquire) &&
        stress_ring_write_position (run->ring) - pos <= 2 * run->capacity)
      return;
    sleep_us (100);
  }
}

void
overwrite_reader (Side *s, Run *run)
{
  uint8_t *buf = g_malloc (2 * run->capacity);
  uint64_t cursor = run->start;

  while (!run_stopped (run)) {
    size_t want, done = 0, bad;
    int status;
    uint64_t oldest, w;

    if (s->slow && (s->tick++ & 63) == 0)
      overwrite_lag (run, cursor);
    want = rng_chunk (&s->rng, 2 * run->capacity);
    status = stress_ring_read_at (run->ring, cursor, buf, want, &done);
    switch (status) {
      case STRESS_RANGE_OK:
        if (done == 0 || done > want || done > run->capacity) {
          side_fail (s, "INVARIANT", "read_at: %zu of %zu bytes available",
              done, want);
          break;
        }
        bad = stream_check (buf, cursor, done);
        if (bad < done) {
          side_mismatch (s, "rb_ring_read_at", buf, cursor, done, bad);
          break;
        }
        cursor += done;
        s->bytes += done;
        break;
      case STRESS_RANGE_GONE:
        oldest = stress_ring_oldest_position (run->ring);
        w = stress_ring_write_position (run->ring);
        /* The oldest position may be past the write position: while a
         * write longer than the ring is in flight, only its last capacity
         * bytes will ever be held. */
        if (done != 0 || !pos_before (cursor, oldest))
          side_fail (s, "INVARIANT", "read_at %" PRIu64 ": overwritten "
              "with %zu bytes read, but the oldest position is %" PRIu64
              " (write position %" PRIu64 ")", cursor, done, oldest, w);
        s->lost += oldest - cursor;
        s->laps++;
        cursor = oldest;
        break;
      case STRESS_RANGE_FUTURE:
        if (done != 0)
          side_fail (s, "INVARIANT", "read_at %" PRIu64 ": not yet written "
              "with %zu bytes read", cursor, done);
        if (overwrite_finished (run, cursor))
          goto out;
        side_idle (s);
        break;
      default:
        side_fail (s, "INVARIANT", "read_at returned %d", status);
        break;
    }
  }
out:
  g_free (buf);
}

/* The consumer of an overwrite ring: rb_ring_read() skips what was
 * overwritten, so the position of what it returns is found from the read
 * position after the call (only this thread stores it), and checked. */
void
overwrite_consumer (Side *s, Run *run)
{
  uint8_t *buf = g_malloc (2 * run->capacity);
  uint64_t end = run->start;

  while (!run_stopped (run)) {
    size_t want, got, bad, readable;
    uint64_t r, begin;

    if ((s->tick & 63) == 0) {
      overwrite_lag (run, end);
      /* On an overwrite ring this catches up past overwritten data too. */
      readable = stress_ring_read_available (run->ring);
      if (readable > run->capacity)
        side_fail (s, "INVARIANT", "%zu bytes readable in a %zu-byte ring",
            readable, run->capacity);
      r = stress_ring_read_position (run->ring);
      if (pos_before (r, end))
        side_fail (s, "INVARIANT", "read position went back from %" PRIu64
            " to %" PRIu64, end, r);
      s->lost += r - end;
      end = r;
      s->samples++;
    }
    s->tick++;
    want = rng_chunk (&s->rng, 2 * run->capacity);
    got = stress_ring_read (run->ring, buf, want);
    r = stress_ring_read_position (run->ring);
    begin = r - got;
    if (got > want || pos_before (begin, end)) {
      side_fail (s, "INVARIANT", "read %zu of %zu bytes, ending at %" PRIu64
          " with the previous read ending at %" PRIu64, got, want, r, end);
      break;
    }
    s->lost += begin - end;
    if (got > 0) {
      bad = stream_check (buf, begin, got);
      if (bad < got) {
        side_mismatch (s, "rb_ring_read (overwrite)", buf, begin, got, bad);
        break;
      }
      s->bytes += got;
    }
    end = r;
    if (got < want)
      s->short_ops++;
    if (got == 0) {
      if (overwrite_finished (run, end))
        break;
      side_idle (s);
    }
  }
  g_free (buf);
}
