/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The input format the two harnesses share with the seed generator
 * (make-seeds.c), so a seed and its harness cannot drift apart:
 *
 *   [0, 8)      the file's size, u64 little-endian (what fstat says)
 *   [8, 648)    the first sizeof (struct rb_shm_header) bytes of the file:
 *               the header image, in the host's layout; zero-padded when the
 *               input is shorter, as a pread of a sparse file would be
 *   [648, ...)  harness-specific: fuzz-attach.c reads one attach byte
 *               first; then both read a sequence of 12-byte op records
 *
 * The file size travels apart from the image so that a seed stays small
 * (a ring file is at least two pages) and so the fuzzer can lie about it
 * on its own: a header that does not match its file is the first thing a
 * hostile peer tries. Op records have a fixed size so that mutations of
 * one record do not shift the meaning of all that follow. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb-shm-private.h"

#define FUZZ_PAGE_SIZE 4096
#define FUZZ_SIZE_OFFSET 0
#define FUZZ_HEADER_OFFSET 8
#define FUZZ_HEADER_BYTES (sizeof (struct rb_shm_header))
#define FUZZ_TAIL_OFFSET (FUZZ_HEADER_OFFSET + FUZZ_HEADER_BYTES)

/* Rings larger than this are validated but not run: each execution must
 * stay in the tens of microseconds, and nothing in the core depends on the
 * capacity beyond its mask. */
#define FUZZ_MAX_CAPACITY (64 * 1024)
/* Bound the work per input; libFuzzer's -max_len bounds it as well. */
#define FUZZ_MAX_OPS 64
#define FUZZ_WORK_BUDGET (8 * FUZZ_MAX_CAPACITY)

/* One operation: what to do, a selector, a length and a value. */
struct fuzz_op {
  uint8_t op;
  uint8_t sel;
  uint16_t len;
  uint64_t val;
};
#define FUZZ_OP_BYTES 12

enum fuzz_opcode {
  /* A hostile peer: stores into the shared header. sel & 3 picks the field
   * (write_pos, read_pos, write_reserve, eos); sel >> 2 & 3 the base the
   * value is added to (0, the field itself, the other position, the other
   * position + capacity), so that boundary values are one mutation away. */
  FUZZ_OP_PEER_STORE = 0,
  /* A hostile peer: stores val at byte offset (sel % 80) * 8 of the
   * header, identity block included. */
  FUZZ_OP_PEER_POKE,
  FUZZ_OP_WRITE,
  FUZZ_OP_READ,
  FUZZ_OP_PEEK,
  FUZZ_OP_SKIP,
  /* sel & 3: position absolute, relative to the write position, to the
   * oldest position, or to the read position; val is the offset. */
  FUZZ_OP_READ_AT,
  FUZZ_OP_CHECK_RANGE,
  /* read_acquire, read every byte handed out, read_release (len bytes, or
   * all of them if sel & 1). */
  FUZZ_OP_READ_ACQUIRE,
  /* write_acquire, write every byte handed out, write_commit (likewise). */
  FUZZ_OP_WRITE_ACQUIRE,
  FUZZ_OP_READ_FRAMES,
  FUZZ_OP_WRITE_FRAMES,
  /* sel & 1: ask for a wrong channel count; val's bits NULL out channels
   * and pick special float values (NaN, infinities, denormals). */
  FUZZ_OP_READ_DEINTERLEAVED,
  FUZZ_OP_WRITE_DEINTERLEAVED,
  /* Timeout 0; sel & 3 picks the target: ahead of our position by len,
   * absolute val, or ahead by val. */
  FUZZ_OP_WAIT_DATA,
  FUZZ_OP_WAIT_SPACE,
  FUZZ_OP_RESET,
  FUZZ_OP_EOS,
  /* Every query: availability, positions, counters. */
  FUZZ_OP_QUERY,
  /* release/commit with no acquire before: a caller's mistake the core
   * clamps. */
  FUZZ_OP_READ_RELEASE,
  FUZZ_OP_WRITE_COMMIT,
  /* Records, on any ring (the bytes a record reader parses may be anyone's).
   * A record of len bytes; type and flags from val. */
  FUZZ_OP_WRITE_RECORD,
  /* Room for len bytes (sel & 2: for SIZE_MAX - (val & 63) bytes), write
   * all of it the caller may, commit len bytes (sel & 1: val & 0xffff). */
  FUZZ_OP_WRITE_RECORD_ACQUIRE,
  FUZZ_OP_PEEK_RECORD,
  /* Into a payload buffer of len bytes. */
  FUZZ_OP_READ_RECORD,
  /* Read the payload in place; release it if sel & 1. */
  FUZZ_OP_READ_RECORD_ACQUIRE,
  FUZZ_OP_READ_RECORD_RELEASE,
  /* The producer's clock point: set it if sel & 1, then read it back. */
  FUZZ_OP_CLOCK,
  /* A hostile peer: stores val at offset len of the data area (modulo the
   * capacity; both views), e.g. over a record's header. */
  FUZZ_OP_PEER_DATA,
  FUZZ_OP_COUNT
};

static inline bool
fuzz_op_is_peer (const struct fuzz_op *op)
{
  int code = op->op % FUZZ_OP_COUNT;

  return code == FUZZ_OP_PEER_STORE || code == FUZZ_OP_PEER_POKE ||
      code == FUZZ_OP_PEER_DATA;
}

/* Fields FUZZ_OP_PEER_STORE can target (sel & 3). */
enum {
  FUZZ_FIELD_WRITE_POS = 0,
  FUZZ_FIELD_READ_POS,
  FUZZ_FIELD_WRITE_RESERVE,
  FUZZ_FIELD_EOS,
};

/* Lengths: the top two bits of len pick a class, so that small, near the
 * capacity, anywhere up to twice it, and far too large are each one
 * mutation away. */
#define FUZZ_LEN_SMALL(n) ((uint16_t) (n))                      /* 0..255 */
#define FUZZ_LEN_NEAR_CAP(d) ((uint16_t) (0x4000 | ((d) + 128)))  /* cap-128..cap+127 */
#define FUZZ_LEN_SCALED(f) ((uint16_t) (0x8000 | (f)))          /* f/16383 of 2 cap */
#define FUZZ_LEN_HUGE(d) ((uint16_t) (0xc000 | (d)))            /* 4 cap - d */

static inline size_t
fuzz_decode_len (uint16_t len, uint64_t capacity)
{
  uint64_t v = len & 0x3fff;
  int64_t n;

  switch (len >> 14) {
    case 0:
      return v & 0xff;
    case 1:
      n = (int64_t) capacity - 128 + (int64_t) (v & 0xff);
      return n < 0 ? 0 : (size_t) n;
    case 2:
      return (size_t) (v * 2 * capacity / 0x3fff);
    default:
      /* an exact capacity may be a few bytes: no wrap below zero */
      return 4 * capacity > (v & 0xff) ?
          (size_t) (4 * capacity - (v & 0xff)) : 0;
  }
}

/* Reads the input as the harnesses do. Missing bytes read as zero. */
struct fuzz_input {
  uint64_t file_size;
  uint8_t header[sizeof (struct rb_shm_header)];
  const uint8_t *tail;
  size_t tail_left;
};

static inline void
fuzz_input_split (struct fuzz_input *in, const uint8_t *data, size_t size)
{
  uint8_t sz[8] = { 0 };
  size_t n;

  memcpy (sz, data, size < 8 ? size : 8);
  in->file_size = 0;
  for (int i = 7; i >= 0; i--)
    in->file_size = in->file_size << 8 | sz[i];
  memset (in->header, 0, sizeof in->header);
  if (size > FUZZ_HEADER_OFFSET) {
    n = size - FUZZ_HEADER_OFFSET;
    memcpy (in->header, data + FUZZ_HEADER_OFFSET,
        n < sizeof in->header ? n : sizeof in->header);
  }
  in->tail = size > FUZZ_TAIL_OFFSET ? data + FUZZ_TAIL_OFFSET : NULL;
  in->tail_left = size > FUZZ_TAIL_OFFSET ? size - FUZZ_TAIL_OFFSET : 0;
}

static inline uint8_t
fuzz_input_byte (struct fuzz_input *in)
{
  uint8_t b = 0;

  if (in->tail_left > 0) {
    b = in->tail[0];
    in->tail++;
    in->tail_left--;
  }
  return b;
}

/* Takes the next whole op record; false at the end of the input. */
static inline bool
fuzz_input_op (struct fuzz_input *in, struct fuzz_op *op)
{
  const uint8_t *p = in->tail;

  if (in->tail_left < FUZZ_OP_BYTES)
    return false;
  op->op = p[0];
  op->sel = p[1];
  op->len = (uint16_t) (p[2] | p[3] << 8);
  op->val = 0;
  for (int i = 11; i >= 4; i--)
    op->val = op->val << 8 | p[i];
  in->tail += FUZZ_OP_BYTES;
  in->tail_left -= FUZZ_OP_BYTES;
  return true;
}

/* The byte a well-behaved producer writes at position p: a function of the
 * position (lap included), so a reader that gets position accounting wrong,
 * or reads a stale lap, gets the wrong byte. */
static inline uint8_t
fuzz_pattern (uint64_t p)
{
  return (uint8_t) (((p >> 3) * UINT64_C (0x9e3779b97f4a7c15)) >>
      ((p & 7) * 8));
}

/* A harness's verdict on a bug it found: "WHO: message" on stderr, then
 * abort(), which libFuzzer reports as a crash with the input. Each
 * harness defines FUZZ_HARNESS (its name) before including this file and
 * calls fail(). */
static void fuzz_fail (const char *who, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3), noreturn, unused));

static void
fuzz_fail (const char *who, const char *fmt, ...)
{
  va_list ap;

  fprintf (stderr, "%s: ", who);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\n");
  abort ();
}

#ifdef FUZZ_HARNESS
#define fail(...) fuzz_fail (FUZZ_HARNESS, __VA_ARGS__)
#endif
