/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Reliability plan R5, harness A: a header image from a hostile peer,
 * validated as attach validates it, then the core run on it through a
 * bounded sequence of realtime calls while the peer keeps rewriting the
 * header. The input format is in fuzz-common.h.
 *
 * What counts as a bug: any access outside the buffers (ASan), undefined
 * behaviour (UBSan), a hang (libFuzzer's -timeout), a call that hands out or
 * moves more than it may, and, while the peer behaves, a byte read back
 * that the producer did not write at that position.
 *
 * Faithful to the real attach where it matters for memory safety:
 * - the header image is an exact-size heap copy (as big as the file, up to
 *   a header's size), so validation cannot read past a short file unseen;
 * - the data area is sized from the file, as the real mapping is: its
 *   mirrored 2 * capacity bytes are one exact-size allocation, and the
 *   parts a file shorter than header + capacity would not back (a SIGBUS in
 *   the real mapping) are poisoned. Validation refusing such files is then
 *   what keeps the core in bounds; the planted-bug self-test proves it.
 * - the core binds to the identity validation returned, and reads positions
 *   from a separate header the peer may change at any time, including
 *   between validation and rb_ring_core_init_identity() (peer operations
 *   before the first call are applied in that window). */

#define FUZZ_HARNESS "fuzz-header"
#include "fuzz-common.h"

#include "rb-record-private.h"
#include "rb-ring-core-private.h"
#include "rb-wait-private.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_HAVE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_HAVE_ASAN 1
#endif
#ifdef FUZZ_HAVE_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) __asan_poison_memory_region ((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region ((p), (n))
#else
#define POISON(p, n) ((void) (p), (void) (n))
#define UNPOISON(p, n) ((void) (p), (void) (n))
#endif

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Data areas kept across executions, one per capacity (4 KiB .. 64 KiB):
 * allocating 128 KiB per input would cost an mmap and munmap each time. */
#define N_AREAS 5
static uint8_t *areas[N_AREAS];
static struct rb_shm_header *shared_hdr;

struct run {
  struct rb_ring_core core;
  struct rb_ring_identity id;
  struct rb_shm_header *hdr;
  uint8_t *area;
  uint64_t cap;
  uint64_t backed;              /* bytes of each view the file holds */
  bool bound;                   /* core initialised */
  size_t budget;                /* bytes the remaining calls may move */
  bool honest;                  /* no peer interference: check contents */
  uint64_t clean_from;          /* bytes below this position are unknown */
  _Atomic uint32_t interrupted;
};

#if defined(__clang__) && __clang_major__ >= 13
#define FUZZ_NO_COVERAGE __attribute__ ((no_sanitize ("coverage"), noinline))
#else
#define FUZZ_NO_COVERAGE __attribute__ ((noinline))
#endif

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static bool
pos_before (uint64_t a, uint64_t b)
{
  return (int64_t) (a - b) < 0;
}

static void *
xmalloc (size_t n)
{
  /* exact size, so ASan sees one byte too many; malloc (0) is fine too */
  void *p = malloc (n);

  if (p == NULL && n != 0)
    abort ();
  return p;
}

/* Buffers the core reads from and writes to. A malloc per call would cost
 * more than the call (the large ones are an mmap each under ASan), so each
 * is the tail of one allocation made once: a byte past its end is the
 * allocation's redzone, and the bytes before its start are poisoned, so to
 * ASan it is an exact-size buffer all the same. */
#define IO_BYTES (4 * FUZZ_MAX_CAPACITY)
static uint8_t *io_area;
static size_t io_exposed;       /* bytes at the end of io_area not poisoned */
static uint8_t *expect_area;    /* the harness's own scratch, never the core's */

static uint8_t *
io_buffer (size_t n)
{
  if (n > IO_BYTES)
    abort ();
  if (n > io_exposed)
    UNPOISON (io_area + IO_BYTES - n, n - io_exposed);
  else if (n < io_exposed)
    POISON (io_area + IO_BYTES - io_exposed, io_exposed - n);
  io_exposed = n;
  return io_area + IO_BYTES - n;
}

/* fuzz_pattern() for n positions from pos, a 64-bit word at a time where
 * the positions are 8-aligned (the pattern's bytes are a word's,
 * little-endian). Not instrumented for coverage: the harness's own loops
 * teach the fuzzer nothing and would cost most of each execution. */
static void FUZZ_NO_COVERAGE
pattern_into (uint8_t *buf, uint64_t pos, size_t n)
{
  size_t i = 0;

  for (; i < n && ((pos + i) & 7) != 0; i++)
    buf[i] = fuzz_pattern (pos + i);
  for (; i + 8 <= n; i += 8) {
    uint64_t v = ((pos + i) >> 3) * UINT64_C (0x9e3779b97f4a7c15);
    memcpy (buf + i, &v, 8);
  }
  for (; i < n; i++)
    buf[i] = fuzz_pattern (pos + i);
}

static void
fill_pattern (uint8_t *buf, uint64_t pos, size_t n)
{
  /* through memcpy, which ASan checks as one range */
  pattern_into (expect_area, pos, n);
  memcpy (buf, expect_area, n);
}

/* @buf holds the bytes of positions [pos, pos + n), as the core says. Also
 * reads them all when the contents are unknown: a caller may. */
static void FUZZ_NO_COVERAGE
check_content (const struct run *run, const char *what, uint64_t pos,
    const uint8_t *buf, size_t n)
{
  size_t skip = 0;

  if (!run->honest) {
    memcpy (expect_area, buf, n);
    return;
  }
  if (pos_before (pos, run->clean_from))
    skip = run->clean_from - pos < n ? (size_t) (run->clean_from - pos) : n;
  pattern_into (expect_area, pos + skip, n - skip);
  if (memcmp (expect_area, buf + skip, n - skip) == 0)
    return;
  for (size_t i = skip; i < n; i++)
    if (buf[i] != fuzz_pattern (pos + i))
      fail ("%s: byte %zu (position %" PRIu64 ") is 0x%02x, the producer "
          "wrote 0x%02x there", what, i, pos + i, buf[i],
          fuzz_pattern (pos + i));
}

/* The real data area is one file region mapped twice. Here it is plain
 * memory, so after the core wrote [w0, w) copy those bytes to their other
 * view. Every write lands at (start & mask) contiguously. */
static void
sync_mirror (struct run *run, uint64_t w0)
{
  uint64_t len = run->core.w - w0, s, end, mid;

  if (!run->honest || len == 0)
    return;
  if (len > run->cap)
    len = run->cap;
  s = (run->core.w - len) & (run->cap - 1);
  end = s + len;
  mid = end < run->cap ? end : run->cap;
  if (mid > s)
    memcpy (run->area + s + run->cap, run->area + s, mid - s);
  if (end > run->cap) {
    uint64_t from = s > run->cap ? s : run->cap;
    memcpy (run->area + from - run->cap, run->area + from, end - from);
  }
}

static void
check_count (const char *what, size_t got, size_t asked)
{
  if (got > asked)
    fail ("%s moved %zu, more than the %zu asked for", what, got, asked);
}

static void
check_avail (const char *what, size_t n, uint64_t cap)
{
  if (n > cap)
    fail ("%s is %zu, more than the capacity %" PRIu64, what, n, cap);
}

/* --- the hostile peer ------------------------------------------------------ */

static uint64_t
field_load (struct rb_shm_header *h, int field)
{
  switch (field) {
    case FUZZ_FIELD_WRITE_POS:
      return atomic_load_explicit (&h->write_pos, memory_order_relaxed);
    case FUZZ_FIELD_READ_POS:
      return atomic_load_explicit (&h->read_pos, memory_order_relaxed);
    case FUZZ_FIELD_WRITE_RESERVE:
      return atomic_load_explicit (&h->write_reserve, memory_order_relaxed);
    default:
      return atomic_load_explicit (&h->eos, memory_order_relaxed);
  }
}

static void
peer_op (struct run *run, const struct fuzz_op *op)
{
  struct rb_shm_header *h = run->hdr;
  int field, other;
  uint64_t base = 0, v;

  run->honest = false;
  if (op->op % FUZZ_OP_COUNT == FUZZ_OP_PEER_DATA) {
    /* the peer writes the file: both views, and only what the file has */
    for (int i = 0; i < 8; i++) {
      uint64_t o = (op->len + (uint64_t) i) & (run->cap - 1);
      if (o < run->backed) {
        run->area[o] = (uint8_t) (op->val >> (8 * i));
        run->area[o + run->cap] = (uint8_t) (op->val >> (8 * i));
      }
    }
    return;
  }
  if (op->op % FUZZ_OP_COUNT == FUZZ_OP_PEER_POKE) {
    memcpy ((uint8_t *) h + (op->sel % (sizeof *h / 8)) * 8, &op->val, 8);
    return;
  }

  field = op->sel & 3;
  other = field == FUZZ_FIELD_READ_POS ?
      FUZZ_FIELD_WRITE_POS : FUZZ_FIELD_READ_POS;
  switch (op->sel >> 2 & 3) {
    case 1:
      base = field_load (h, field);
      break;
    case 2:
      base = field_load (h, other);
      break;
    case 3:
      base = field_load (h, other) + run->cap;
      break;
  }
  v = base + op->val;
  switch (field) {
    case FUZZ_FIELD_WRITE_POS:
      atomic_store_explicit (&h->write_pos, v, memory_order_relaxed);
      break;
    case FUZZ_FIELD_READ_POS:
      atomic_store_explicit (&h->read_pos, v, memory_order_relaxed);
      break;
    case FUZZ_FIELD_WRITE_RESERVE:
      atomic_store_explicit (&h->write_reserve, v, memory_order_relaxed);
      break;
    default:
      atomic_store_explicit (&h->eos, (uint32_t) v, memory_order_relaxed);
      break;
  }
}

/* --- the ring's own side ----------------------------------------------------- */

static const float special_floats[16] = {
  0.0f, 1.0f, -1.0f, 0.5f, __builtin_nanf (""), __builtin_inff (),
  -__builtin_inff (), 1e30f, -1e30f, 1e-40f, -0.0f, 0.99999994f,
  -1.0000001f, 2.0f, 3.4028235e38f, 1.17549435e-38f,
};

static void FUZZ_NO_COVERAGE
fill_floats (float *out, size_t n, size_t seed)
{
  for (size_t f = 0; f < n; f++)
    out[f] = special_floats[(f * 31 + seed) & 15];
}

static size_t
frames_for (const struct fuzz_op *op, const struct run *run)
{
  if (op->len >> 14 == 0)
    return op->len & 0xff;
  return fuzz_decode_len (op->len, run->cap) / run->id.frame_size;
}

static void
op_deinterleaved (struct run *run, const struct fuzz_op *op, bool write)
{
  struct rb_ring_core *c = &run->core;
  unsigned n_ch = (op->sel & 1) ? (unsigned) (op->sel >> 1) % 66 :
      run->id.channels;
  /* more than fits, but not megabytes of floats */
  size_t n_frames = MIN (frames_for (op, run),
      MIN (2 * run->cap / run->id.frame_size + 16, 65536 / MAX (n_ch, 1)));
  float **ch;
  size_t got;

  if (n_ch == 0) {
    got = write ? rb_ring_core_write_deinterleaved (c, NULL, 0, n_frames) :
        rb_ring_core_read_deinterleaved (c, NULL, 0, n_frames);
    if (got != 0)
      fail ("deinterleaved call with 0 channels moved %zu frames", got);
    return;
  }
  ch = xmalloc (n_ch * sizeof *ch);
  for (unsigned i = 0; i < n_ch; i++) {
    /* a NULL channel writes silence / discards */
    if ((op->sel & 2) && (op->val >> (i % 64) & 1)) {
      ch[i] = NULL;
      continue;
    }
    ch[i] = xmalloc (n_frames * sizeof (float));
    if (write)
      fill_floats (ch[i], n_frames, i * 17 + (op->val & 0xff));
  }
  if (write) {
    got = rb_ring_core_write_deinterleaved (c, (const float *const *) ch,
        n_ch, n_frames);
    /* what lands in the ring is converted, not the pattern */
    run->clean_from = c->w;
  } else {
    got = rb_ring_core_read_deinterleaved (c, ch, n_ch, n_frames);
  }
  check_count (write ? "write_deinterleaved" : "read_deinterleaved", got,
      n_frames);
  if (n_ch != run->id.channels && got != 0)
    fail ("deinterleaved call with %u channels on a %u-channel ring moved "
        "%zu frames", n_ch, run->id.channels, got);
  for (unsigned i = 0; i < n_ch; i++)
    free (ch[i]);
  free (ch);
}

static uint64_t
op_position (struct run *run, const struct fuzz_op *op)
{
  switch (op->sel & 3) {
    case 0:
      return op->val;
    case 1:
      return rb_ring_core_write_position (&run->core) - op->val;
    case 2:
      return rb_ring_core_oldest_position (&run->core) + op->val;
    default:
      return rb_ring_core_read_position (&run->core) + op->val;
  }
}

static struct rb_record
record_meta (const struct fuzz_op *op, size_t size)
{
  struct rb_record meta = {
    .size = (uint32_t) size,
    .type = (uint32_t) op->val,
    .flags = (uint32_t) (op->val >> 32),
    .pts = (int64_t) op->val,
    .dts = -1,
    .duration = 0,
    .offset = op->val,
    .offset_end = ~op->val,
  };
  return meta;
}

/* A record handed out must fit in the ring, header and padding included. */
static void
check_record (const char *what, const struct rb_record *meta,
    const struct run *run)
{
  if (rb_record_total (meta->size) > run->cap)
    fail ("%s: a record of %u bytes in a %" PRIu64 "-byte ring", what,
        meta->size, run->cap);
}

static bool
spend (struct run *run, size_t cost)
{
  if (cost > run->budget)
    return false;
  run->budget -= cost;
  return true;
}

static void
ring_op (struct run *run, const struct fuzz_op *op)
{
  struct rb_ring_core *c = &run->core;
  size_t n = fuzz_decode_len (op->len, run->cap);
  size_t fs = run->id.frame_size;
  uint64_t w0 = c->w;
  uint8_t *buf = NULL;
  size_t got;

  /* Record calls are for records rings. On an overwrite ring they would
   * take the overwrite reader's position for a plain consumer's, which is
   * a caller's mistake the library leaves unchecked, not a peer's attack. */
  if (op->op % FUZZ_OP_COUNT >= FUZZ_OP_WRITE_RECORD &&
      op->op % FUZZ_OP_COUNT <= FUZZ_OP_READ_RECORD_RELEASE &&
      !(run->id.flags & RB_CORE_FLAG_RECORDS))
    return;

  /* A bounded amount of work per input, or the fuzzer drifts towards
   * inputs that are nothing but the largest copies it can ask for, and
   * each execution takes milliseconds. A converted sample costs about as
   * much as 16 copied bytes. */
  switch (op->op % FUZZ_OP_COUNT) {
    case FUZZ_OP_READ_FRAMES:
    case FUZZ_OP_WRITE_FRAMES:
      if (!spend (run, frames_for (op, run) * fs))
        return;
      break;
    case FUZZ_OP_READ_DEINTERLEAVED:
    case FUZZ_OP_WRITE_DEINTERLEAVED:
      if (!spend (run, frames_for (op, run) * run->id.channels * 16))
        return;
      break;
    default:
      if (!spend (run, n))
        return;
      break;
  }

  switch (op->op % FUZZ_OP_COUNT) {
    case FUZZ_OP_WRITE:
      buf = io_buffer (n);
      pattern_into (buf, c->w, n);
      got = rb_ring_core_write (c, buf, n);
      check_count ("write", got, n);
      break;

    case FUZZ_OP_READ:
      buf = io_buffer (n);
      got = rb_ring_core_read (c, buf, n);
      check_count ("read", got, n);
      check_content (run, "read", c->r - got, buf, got);
      break;

    case FUZZ_OP_PEEK:
      buf = io_buffer (n);
      got = rb_ring_core_peek (c, buf, n);
      check_count ("peek", got, n);
      check_content (run, "peek", c->r, buf, got);
      break;

    case FUZZ_OP_SKIP:
      check_count ("skip", rb_ring_core_skip (c, n), n);
      break;

    case FUZZ_OP_READ_AT:{
      uint64_t pos = op_position (run, op);
      enum rb_range res;

      buf = io_buffer (n);
      res = rb_ring_core_read_at (c, pos, buf, n, &got);
      check_count ("read_at", got, n);
      if (res > RB_RANGE_FUTURE || (res != RB_RANGE_OK && got != 0))
        fail ("read_at returned %d with %zu bytes", (int) res, got);
      if (res == RB_RANGE_OK)
        check_content (run, "read_at", pos, buf, got);
      break;
    }

    case FUZZ_OP_CHECK_RANGE:
      if (rb_ring_core_check_range (c, op_position (run, op), n) >
          RB_RANGE_FUTURE)
        fail ("check_range out of range");
      break;

    case FUZZ_OP_READ_ACQUIRE:{
      size_t avail;
      const uint8_t *p = rb_ring_core_read_acquire (c, &avail);

      check_avail ("read_acquire", avail, run->cap);
      /* the caller may read every byte handed out */
      check_content (run, "read_acquire", c->r, p, avail);
      rb_ring_core_read_release (c, (op->sel & 1) ? avail : n);
      break;
    }

    case FUZZ_OP_WRITE_ACQUIRE:{
      size_t avail, commit;
      uint8_t *p = rb_ring_core_write_acquire (c, &avail);

      check_avail ("write_acquire", avail, run->cap);
      if (p == NULL && avail != 0)
        fail ("write_acquire: NULL with %zu bytes", avail);
      /* the caller may write every byte handed out */
      if (avail > 0)
        fill_pattern (p, c->w, avail);
      commit = (op->sel & 1) ? avail : n;
      rb_ring_core_write_commit (c, commit);
      if (commit > avail)
        run->clean_from = c->w;  /* committed bytes nobody wrote */
      break;
    }

    case FUZZ_OP_READ_FRAMES:{
      size_t nf = frames_for (op, run);

      buf = io_buffer (nf * fs);
      got = rb_ring_core_read_frames (c, buf, nf);
      check_count ("read_frames", got, nf);
      check_content (run, "read_frames", c->r - got * fs, buf, got * fs);
      break;
    }

    case FUZZ_OP_WRITE_FRAMES:{
      size_t nf = frames_for (op, run);

      buf = io_buffer (nf * fs);
      pattern_into (buf, c->w, nf * fs);
      got = rb_ring_core_write_frames (c, buf, nf);
      check_count ("write_frames", got, nf);
      break;
    }

    case FUZZ_OP_READ_DEINTERLEAVED:
      op_deinterleaved (run, op, false);
      break;

    case FUZZ_OP_WRITE_DEINTERLEAVED:
      op_deinterleaved (run, op, true);
      break;

    case FUZZ_OP_WAIT_DATA:
    case FUZZ_OP_WAIT_SPACE:{
      bool data = op->op % FUZZ_OP_COUNT == FUZZ_OP_WAIT_DATA;
      struct rb_wait_ctx ctx = {
        .interrupted = (op->sel & 4) ? &run->interrupted : NULL,
        .peer_role = -1,
        .reported_generation = NULL,
        .fd = -1,               /* the image is private memory: no file */
      };
      uint64_t target;
      enum rb_wait_result res;

      atomic_store_explicit (&run->interrupted, (op->sel >> 3) & 1,
          memory_order_relaxed);
      switch (op->sel & 3) {
        case 0:
          target = data ? c->r + n : c->w + n - run->cap;
          break;
        case 1:
          target = op->val;
          break;
        default:
          target = (data ? c->r : c->w) + op->val;
          break;
      }
      res = data ? rb_ring_core_wait_data (c, target, 0, &ctx) :
          rb_ring_core_wait_space (c, target, 0, &ctx);
      if (res > RB_CORE_WAIT_PEER_GONE)
        fail ("wait returned %d", (int) res);
      break;
    }

    case FUZZ_OP_RESET:
      rb_ring_core_reset (c);
      break;

    case FUZZ_OP_EOS:
      if (op->sel & 1)
        rb_ring_core_set_eos (c);
      (void) rb_ring_core_is_eos (c);
      break;

    case FUZZ_OP_QUERY:
      check_avail ("read_available", rb_ring_core_read_available (c),
          run->cap);
      check_avail ("write_available", rb_ring_core_write_available (c),
          run->cap);
      (void) rb_ring_core_write_position (c);
      (void) rb_ring_core_read_position (c);
      (void) rb_ring_core_oldest_position (c);
      (void) rb_ring_core_overruns (c);
      (void) rb_ring_core_underruns (c);
      (void) rb_ring_core_overwritten (c);
      /* the timing blocks (rb-timing.c): whatever a peer poked there, an
       * estimate is unknown, or finite and positive */
      for (int role = RB_TIMING_PRODUCER; role <= RB_TIMING_CONSUMER; role++) {
        struct rb_timing_estimate est;

        rb_timing_read (c, role, INT64_MAX / 2, &est);
        if (est.state == RB_TSTATE_OK && !(est.rate > 0 && est.rate <= 1e12))
          fail ("timing: a rate of %g believed", est.rate);
      }
      break;

    case FUZZ_OP_READ_RELEASE:
      rb_ring_core_read_release (c, n);
      break;

    case FUZZ_OP_WRITE_COMMIT:
      rb_ring_core_write_commit (c, n);
      run->clean_from = c->w;
      break;

    case FUZZ_OP_WRITE_RECORD:{
      struct rb_record meta = record_meta (op, n);

      buf = io_buffer (n);
      pattern_into (buf, c->w, n);
      (void) rb_ring_core_write_record (c, &meta, buf);
      run->clean_from = c->w;   /* record headers are not the pattern */
      break;
    }

    case FUZZ_OP_WRITE_RECORD_ACQUIRE:{
      size_t max = (op->sel & 2) ? SIZE_MAX - (op->val & 63) : n;
      struct rb_record meta = record_meta (op,
          (op->sel & 1) ? (size_t) (op->val & 0xffff) : n);
      uint8_t *p = rb_ring_core_write_record_acquire (c, max);

      if (p != NULL) {
        /* the caller may fill all the room it asked for (as much of it as
         * this harness has) */
        fill_pattern (p, c->w + sizeof (struct rb_record),
            MIN (max, 4 * run->cap));
        if (rb_ring_core_write_record_commit (c, &meta) && meta.size > max)
          fail ("write_record_commit took %u bytes after room for %zu",
              meta.size, max);
      }
      run->clean_from = c->w;
      break;
    }

    case FUZZ_OP_PEEK_RECORD:{
      struct rb_record meta;

      if (rb_ring_core_peek_record (c, &meta))
        check_record ("peek_record", &meta, run);
      break;
    }

    case FUZZ_OP_READ_RECORD:{
      struct rb_record meta;

      buf = io_buffer (n);
      if (rb_ring_core_read_record (c, &meta, buf, n)) {
        check_record ("read_record", &meta, run);
        if (meta.size > n)
          fail ("read_record copied %u bytes into %zu", meta.size, n);
      }
      break;
    }

    case FUZZ_OP_READ_RECORD_ACQUIRE:{
      struct rb_record meta;
      const uint8_t *p = rb_ring_core_read_record_acquire (c, &meta);

      if (p != NULL) {
        check_record ("read_record_acquire", &meta, run);
        /* the caller may read the whole payload */
        memcpy (expect_area, p, meta.size);
        if (op->sel & 1)
          rb_ring_core_read_record_release (c);
      }
      break;
    }

    case FUZZ_OP_READ_RECORD_RELEASE:
      rb_ring_core_read_record_release (c);
      break;

    case FUZZ_OP_CLOCK:{
      uint64_t pos, frames;
      int64_t t;

      if (op->sel & 1)
        rb_ring_core_set_clock (c, op->val, (int64_t) op->val >> 3, n);
      (void) rb_ring_core_get_clock (c, &pos, &t, &frames);
      break;
    }

    default:
      break;
  }
  sync_mirror (run, w0);
}

static void
bind_core (struct run *run)
{
  rb_ring_core_init_identity (&run->core, &run->id, run->hdr, run->area);
  run->bound = true;
  run->clean_from = run->core.w;
}

static int
area_index (uint64_t cap)
{
  int i = 0;

  while ((UINT64_C (4096) << i) < cap)
    i++;
  return i;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct fuzz_input in;
  struct fuzz_op op;
  struct run run;
  char why[256];
  uint8_t *image;
  size_t image_len;
  uint64_t backed;
  enum rb_shm_problem res;
  int i, n_ops;

  fuzz_input_split (&in, data, size);

  /* What attach reads: at most a header's worth of a file of file_size
   * bytes, in a buffer no larger than that. */
  image_len = in.file_size < FUZZ_HEADER_BYTES ?
      (size_t) in.file_size : FUZZ_HEADER_BYTES;
  image = xmalloc (image_len);
  memcpy (image, in.header, image_len);
  memset (why, 0x5a, sizeof why);
  memset (&run.id, 0, sizeof run.id);
  res = rb_shm_validate (image, in.file_size, FUZZ_PAGE_SIZE, &run.id, why,
      sizeof why);
  free (image);
  if (memchr (why, '\0', sizeof why) == NULL)
    fail ("rb_shm_validate left its message unterminated");
  if (res != RB_SHM_OK) {
    if (why[0] == '\0')
      fail ("rb_shm_validate refused (%d) without saying why", (int) res);
    return 0;
  }
  if (run.id.storage > FUZZ_MAX_CAPACITY)
    return 0;

  if (io_area == NULL) {
    io_area = xmalloc (IO_BYTES);
    io_exposed = IO_BYTES;
    expect_area = xmalloc (IO_BYTES);
  }
  if (shared_hdr == NULL) {
    /* RB_CACHELINE-aligned as the real mapping is; the struct's size is a
     * multiple of its alignment, so this is still exactly one header. */
    shared_hdr = aligned_alloc (RB_CACHELINE, sizeof *shared_hdr);
    if (shared_hdr == NULL)
      abort ();
  }
  memcpy (shared_hdr, in.header, sizeof *shared_hdr);

  /* the mirrored area: the bound of every offset (the capacity, the
   * limit of fill and of the overwrite window, is at most this) */
  run.cap = run.id.storage;
  i = area_index (run.cap);
  if (areas[i] == NULL) {
    areas[i] = aligned_alloc (FUZZ_PAGE_SIZE, 2 * run.cap);
    if (areas[i] == NULL)
      abort ();
  }
  run.area = areas[i];
  run.hdr = shared_hdr;
  run.bound = false;
  run.budget = FUZZ_WORK_BUDGET;
  atomic_store_explicit (&run.interrupted, 0, memory_order_relaxed);

  /* The part of the data area the file backs: all of it once validation
   * checked the file's size; less if that check were missing. */
  UNPOISON (run.area, 2 * run.cap);
  backed = in.file_size < run.id.header_size ? 0 :
      in.file_size - run.id.header_size;
  if (backed > run.cap)
    backed = run.cap;
  /* The file's data as the peer left it: zeros, so that an input means
   * the same thing on every run (a crash must reproduce on its own). */
  memset (run.area, 0, backed);
  memset (run.area + run.cap, 0, backed);
  if (backed < run.cap) {
    POISON (run.area + backed, run.cap - backed);
    POISON (run.area + run.cap + backed, run.cap - backed);
  }
  run.backed = backed;
  run.honest = backed == run.cap;

  for (n_ops = 0; n_ops < FUZZ_MAX_OPS && fuzz_input_op (&in, &op); n_ops++) {
    if (fuzz_op_is_peer (&op)) {
      peer_op (&run, &op);
      continue;
    }
    if (!run.bound)
      bind_core (&run);
    ring_op (&run, &op);
  }
  if (!run.bound)
    bind_core (&run);
  /* the last state must still be sane */
  check_avail ("read_available", rb_ring_core_read_available (&run.core),
      run.cap);
  /* the producer's room is bounded by the exact capacity, not the storage */
  check_avail ("write_available", rb_ring_core_write_available (&run.core),
      run.id.capacity);
  return 0;
}
