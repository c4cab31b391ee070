/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Writes the seed corpora of the fuzz harnesses (corpus-header/ and
 * corpus-attach/), or with --check compares them with what is checked in.
 *
 * Seeds are built from the C struct and the library's own header writer
 * (rb_shm_header_init), so they follow the layout wherever it goes; the
 * meson test fuzz-seeds fails when the checked-in files no longer match.
 * Every seed is also run through rb_shm_validate() here, and must come out
 * as its name says: valid, or refused by the one check it is named after.
 * That is how each validation branch is covered from the first execution.
 *
 *   make-seeds HEADER_DIR ATTACH_DIR            write (meson: fuzz-seeds-update)
 *   make-seeds --check HEADER_DIR ATTACH_DIR    compare */

#include "fuzz-common.h"

#include "rb-ring-core-private.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seed {
  uint8_t buf[2048];
  size_t len;
};

static bool check_mode;
static int problems;
static int n_written;

static void
put (struct seed *s, const void *p, size_t n)
{
  if (s->len + n > sizeof s->buf) {
    fprintf (stderr, "make-seeds: seed too long\n");
    exit (1);
  }
  memcpy (s->buf + s->len, p, n);
  s->len += n;
}

static void
put_le (struct seed *s, uint64_t v, int bytes)
{
  for (int i = 0; i < bytes; i++) {
    uint8_t b = (uint8_t) (v >> (8 * i));
    put (s, &b, 1);
  }
}

/* [file size][header image] */
static void
seed_begin (struct seed *s, uint64_t file_size, const struct rb_shm_header *h)
{
  s->len = 0;
  put_le (s, file_size, 8);
  put (s, h, sizeof *h);
}

static void
op (struct seed *s, int code, uint8_t sel, uint16_t len, uint64_t val)
{
  uint8_t b = (uint8_t) code;

  put (s, &b, 1);
  put (s, &sel, 1);
  put_le (s, len, 2);
  put_le (s, val, 8);
}

static void
byte (struct seed *s, uint8_t b)
{
  put (s, &b, 1);
}

static void
emit (const char *dir, const char *name, const struct seed *s)
{
  char path[4096];
  uint8_t old[sizeof s->buf + 1];
  FILE *f;
  size_t n;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  if (check_mode) {
    f = fopen (path, "rb");
    if (f == NULL) {
      fprintf (stderr, "make-seeds: %s is missing\n", path);
      problems++;
      return;
    }
    n = fread (old, 1, sizeof old, f);
    fclose (f);
    if (n != s->len || memcmp (old, s->buf, n) != 0) {
      fprintf (stderr, "make-seeds: %s is out of date (the header layout "
          "or the input format changed): run ninja fuzz-seeds-update\n", path);
      problems++;
    }
    return;
  }
  f = fopen (path, "wb");
  if (f == NULL || fwrite (s->buf, 1, s->len, f) != s->len || fclose (f) != 0) {
    fprintf (stderr, "make-seeds: cannot write %s: %s\n", path,
        strerror (errno));
    exit (1);
  }
  n_written++;
}

/* Checks that the seed's header is refused with @problem and a message
 * starting with @prefix, or accepted if @problem is RB_SHM_OK. */
static void
expect (const char *name, const struct seed *s, enum rb_shm_problem problem,
    const char *prefix)
{
  struct fuzz_input in;
  struct rb_ring_identity id;
  char why[256];
  enum rb_shm_problem got;

  fuzz_input_split (&in, s->buf, s->len);
  got = rb_shm_validate (in.header, in.file_size, FUZZ_PAGE_SIZE, &id, why,
      sizeof why);
  if (got != problem || strncmp (why, prefix, strlen (prefix)) != 0) {
    fprintf (stderr, "make-seeds: seed %s: expected problem %d \"%s...\", "
        "got %d \"%s\"\n", name, (int) problem, prefix, (int) got, why);
    problems++;
  }
}

static void
header (struct rb_shm_header *h, uint32_t header_size, uint64_t cap,
    uint32_t flags, uint32_t format, uint32_t channels, uint32_t rate)
{
  memset (h, 0, sizeof *h);
  rb_shm_header_init (h, header_size, cap, cap, flags, format, channels,
      rate);
  /* a ring as written before its exact capacity existed (usable 0: the
   * whole storage), which every peer still accepts; exact_capacity()
   * makes the seeds of rings with one */
  h->usable = 0;
  rb_shm_header_publish (h);
}

static void
positions (struct rb_shm_header *h, uint64_t w, uint64_t r, uint64_t reserve)
{
  atomic_store (&h->write_pos, w);
  atomic_store (&h->read_pos, r);
  atomic_store (&h->write_reserve, reserve);
}

/* One op record: what op() writes. */
struct op_spec {
  int code;
  uint8_t sel;
  uint16_t len;
  uint64_t val;
};

static void
ops (struct seed *s, const struct op_spec *o, size_t n)
{
  for (size_t i = 0; i < n; i++)
    op (s, o[i].code, o[i].sel, o[i].len, o[i].val);
}

#define OPS(s, table) ops (s, table, sizeof table / sizeof table[0])

/* A run of every call a ring of this kind has, sized around its capacity:
 * the head, the audio-only part, the tail. */
static const struct op_spec exercise_head[] = {
  { FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0 },
  { FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (60), 0 },
  { FUZZ_OP_PEEK, 0, FUZZ_LEN_SMALL (20), 0 },
  { FUZZ_OP_WRITE, 0, FUZZ_LEN_NEAR_CAP (-40), 0 }, { FUZZ_OP_QUERY, 0, 0, 0 },
  { FUZZ_OP_READ_AT, 1, FUZZ_LEN_SMALL (16), 32 },
  { FUZZ_OP_CHECK_RANGE, 2, FUZZ_LEN_SMALL (16), 0 },
  { FUZZ_OP_READ_ACQUIRE, 1, 0, 0 }, { FUZZ_OP_WRITE_ACQUIRE, 1, 0, 0 },
  { FUZZ_OP_READ_ACQUIRE, 0, FUZZ_LEN_SMALL (100), 0 },
  { FUZZ_OP_SKIP, 0, FUZZ_LEN_SMALL (7), 0 },
  { FUZZ_OP_WRITE_FRAMES, 0, FUZZ_LEN_SMALL (5), 0 },
  { FUZZ_OP_READ_FRAMES, 0, FUZZ_LEN_SMALL (3), 0 },
  { FUZZ_OP_WRITE_FRAMES, 0, FUZZ_LEN_SCALED (0x3fff / 3), 0 },
  { FUZZ_OP_READ_FRAMES, 0, FUZZ_LEN_SCALED (0x3fff / 2), 0 },
};

static const struct op_spec exercise_audio[] = {
  { FUZZ_OP_WRITE_DEINTERLEAVED, 0, FUZZ_LEN_SMALL (40), 0x35 },
  { FUZZ_OP_READ_DEINTERLEAVED, 0, FUZZ_LEN_SMALL (30), 0 },
  { FUZZ_OP_WRITE_DEINTERLEAVED, 2, FUZZ_LEN_SMALL (9), 0x5 },
  { FUZZ_OP_READ_DEINTERLEAVED, 2, FUZZ_LEN_SMALL (19), 0x2 },
};

static const struct op_spec exercise_tail[] = {
  { FUZZ_OP_WAIT_DATA, 0, FUZZ_LEN_SMALL (1), 0 },
  { FUZZ_OP_WAIT_SPACE, 0, FUZZ_LEN_SMALL (1), 0 },
  { FUZZ_OP_WRITE, 0, FUZZ_LEN_HUGE (0), 0 },
  { FUZZ_OP_READ, 0, FUZZ_LEN_HUGE (0), 0 }, { FUZZ_OP_EOS, 1, 0, 0 },
  { FUZZ_OP_WAIT_DATA, 0, FUZZ_LEN_SMALL (200), 0 },
  { FUZZ_OP_CLOCK, 1, FUZZ_LEN_SMALL (64), 48000 }, { FUZZ_OP_RESET, 0, 0, 0 },
  { FUZZ_OP_QUERY, 0, 0, 0 },
};

static void
exercise (struct seed *s, bool audio)
{
  OPS (s, exercise_head);
  if (audio)
    OPS (s, exercise_audio);
  OPS (s, exercise_tail);
}

/* Every record call, then bytes that are no record under the reader. */
static const struct op_spec exercise_record_ops[] = {
  { FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_SMALL (100), 1 },
  { FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_SMALL (0), 3 },
  { FUZZ_OP_PEEK_RECORD, 0, 0, 0 },
  { FUZZ_OP_READ_RECORD, 0, FUZZ_LEN_SMALL (200), 0 },
  { FUZZ_OP_READ_RECORD, 0, FUZZ_LEN_SMALL (200), 0 },
  { FUZZ_OP_WRITE_RECORD_ACQUIRE, 0, FUZZ_LEN_SMALL (64), 0 },
  { FUZZ_OP_READ_RECORD_ACQUIRE, 1, 0, 0 },
  { FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_NEAR_CAP (-100), 0 },
  { FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_NEAR_CAP (0), 0 },
  { FUZZ_OP_READ_RECORD, 0, FUZZ_LEN_SMALL (10), 0 },
  { FUZZ_OP_READ_RECORD_ACQUIRE, 0, 0, 0 },
  { FUZZ_OP_READ_RECORD_RELEASE, 0, 0, 0 },
  { FUZZ_OP_WRITE_RECORD_ACQUIRE, 1, FUZZ_LEN_SMALL (64), 1000 },
  { FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0 },
  { FUZZ_OP_PEEK_RECORD, 0, 0, 0 },
  { FUZZ_OP_READ_RECORD, 0, FUZZ_LEN_HUGE (0), 0 },
  { FUZZ_OP_CLOCK, 1, FUZZ_LEN_SMALL (1), 0 }, { FUZZ_OP_QUERY, 0, 0, 0 },
};

/* A peer that lies about positions while the ring runs. */
static const struct op_spec hostile_ops[] = {
  { FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0 },
  /* write_pos a byte more than a ring ahead of read_pos */
  { FUZZ_OP_PEER_STORE, FUZZ_FIELD_WRITE_POS | 3 << 2, 0, 1 },
  { FUZZ_OP_READ, 0, FUZZ_LEN_HUGE (0), 0 }, { FUZZ_OP_READ_ACQUIRE, 1, 0, 0 },
  /* read_pos ahead of write_pos */
  { FUZZ_OP_PEER_STORE, FUZZ_FIELD_READ_POS | 2 << 2, 0, 1 },
  { FUZZ_OP_WRITE, 0, FUZZ_LEN_HUGE (0), 0 },
  { FUZZ_OP_WRITE_ACQUIRE, 1, 0, 0 },
  /* write_pos moving backwards */
  { FUZZ_OP_PEER_STORE, FUZZ_FIELD_WRITE_POS | 1 << 2, 0, (uint64_t) -4096 },
  { FUZZ_OP_READ_AT, 1, FUZZ_LEN_SMALL (64), 64 },
  { FUZZ_OP_PEER_STORE, FUZZ_FIELD_WRITE_RESERVE | 1 << 2, 0, 1u << 20 },
  { FUZZ_OP_PEER_STORE, FUZZ_FIELD_EOS, 0, 1 },
  /* the identity block rewritten after attach: capacity, then frame size */
  { FUZZ_OP_PEER_POKE, 2, 0, UINT64_C (1) << 40 },
  { FUZZ_OP_PEER_POKE, 6, 0, 0 }, { FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (10), 0 },
  { FUZZ_OP_WAIT_DATA, 0, FUZZ_LEN_SMALL (1), 0 }, { FUZZ_OP_QUERY, 0, 0, 0 },
};

struct valid {
  const char *name;
  uint32_t header_size;
  uint64_t cap;
  uint32_t flags, format, channels, rate;
  uint64_t w, r, reserve;
};

#define PAGE FUZZ_PAGE_SIZE
#define OVERWRITE RB_CORE_FLAG_OVERWRITE
#define RECORDS RB_CORE_FLAG_RECORDS
#define NEAR_END (UINT64_MAX - 99)

static const struct valid valids[] = {
  { "valid-byte-4k", PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0, 0, 0, 0 },
  { "valid-byte-64k-2-page-header", 2 * PAGE, 65536, 0, RB_FORMAT_NONE, 0,
      0, 0, 0, 0 },
  { "valid-u8-mono-rate-1", PAGE, 4096, 0, RB_FORMAT_U8, 1, 1, 0, 0, 0 },
  { "valid-s16le-stereo", PAGE, 8192, 0, RB_FORMAT_S16LE, 2, 48000, 0, 0, 0 },
  { "valid-s24le-3ch", PAGE, 4096, 0, RB_FORMAT_S24LE, 3, 44100, 0, 0, 0 },
  { "valid-s24-32le-5ch", PAGE, 4096, 0, RB_FORMAT_S24_32LE, 5, 22050, 0, 0,
      0 },
  { "valid-s32le-64ch-max-rate", PAGE, 4096, 0, RB_FORMAT_S32LE, 64,
      1536000, 0, 0, 0 },
  { "valid-f32le-stereo-overwrite", PAGE, 8192, OVERWRITE, RB_FORMAT_F32LE,
      2, 48000, 0, 0, 0 },
  { "valid-f64le-mono", PAGE, 16384, 0, RB_FORMAT_F64LE, 1, 96000, 0, 0, 0 },
  { "valid-byte-overwrite", PAGE, 4096, OVERWRITE, RB_FORMAT_NONE, 0, 0, 0,
      0, 0 },
  { "valid-near-2-64", PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0, NEAR_END,
      NEAR_END, NEAR_END },
  { "valid-wrapped", PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0, 50,
      (uint64_t) -20, 50 },
  { "valid-full", PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0, 1000 + 4096, 1000,
      1000 + 4096 },
  { "valid-s24le-3ch-full-near-2-64", PAGE, 4096, 0, RB_FORMAT_S24LE, 3,
      48000, (uint64_t) -9, (uint64_t) -9 - 4095, (uint64_t) -9 },
  { "valid-overwrite-lapped", PAGE, 4096, OVERWRITE, RB_FORMAT_NONE, 0, 0,
      100000, 3, 100000 },
  { "valid-overwrite-write-in-flight", PAGE, 4096, OVERWRITE,
      RB_FORMAT_NONE, 0, 0, 5000, 4000, 5100 },
  { "valid-records", PAGE, 4096, RECORDS, RB_FORMAT_NONE, 0, 0, 0, 0, 0 },
  { "valid-records-near-2-64", PAGE, 8192, RECORDS, RB_FORMAT_NONE, 0, 0,
      NEAR_END, NEAR_END, NEAR_END },
};

/* A header that rb_shm_validate must refuse, and why. */
struct invalid {
  const char *name;
  enum rb_shm_problem problem;
  const char *why;              /* start of the message */
  int field;
  uint64_t value;
  uint64_t file_size;           /* 0: header + capacity */
};

enum {
  F_NONE, F_MAGIC, F_VERSION, F_HEADER_SIZE, F_CAPACITY, F_FILE_SIZE,
  F_FLAGS, F_FORMAT, F_CHANNELS, F_RATE, F_FRAME_SIZE, F_WRITE_POS,
  F_READ_POS, F_AUDIO = 0x100,
};

static const struct invalid invalids[] = {
  { "bad-too-small-for-header", RB_SHM_TOO_SMALL, "segment too small", F_NONE,
      0, 100 },
  { "bad-too-small-for-page", RB_SHM_TOO_SMALL, "segment too small", F_NONE,
      0, 2048 },
  { "bad-magic", RB_SHM_NOT_A_RING, "not a ring segment", F_MAGIC,
      UINT64_C (0x0100474e49524253), 0 },
  { "bad-version", RB_SHM_INCOMPATIBLE, "incompatible ring layout v2",
      F_VERSION, 2, 0 },
  { "bad-header-size-below-struct", RB_SHM_CORRUPT, "invalid header size",
      F_HEADER_SIZE, 512, 512 + 4096 },
  { "bad-header-size-not-page", RB_SHM_CORRUPT, "invalid header size",
      F_HEADER_SIZE, 6000, 6000 + 4096 },
  { "bad-header-size-too-big", RB_SHM_CORRUPT, "invalid header size",
      F_HEADER_SIZE, 17 * PAGE, 17 * PAGE + 4096 },
  { "bad-capacity-zero", RB_SHM_CORRUPT, "invalid capacity", F_CAPACITY, 0,
      PAGE },
  { "bad-capacity-not-power-of-two", RB_SHM_CORRUPT, "invalid capacity",
      F_CAPACITY, 12288, PAGE + 12288 },
  { "bad-capacity-below-page", RB_SHM_CORRUPT, "invalid capacity",
      F_CAPACITY, 2048, PAGE + 2048 },
  { "bad-capacity-above-2-31", RB_SHM_CORRUPT, "invalid capacity",
      F_CAPACITY, UINT64_C (1) << 32, PAGE + (UINT64_C (1) << 32) },
  { "bad-file-size-field", RB_SHM_CORRUPT, "header/size mismatch",
      F_FILE_SIZE, PAGE + 8192, 0 },
  { "bad-file-shorter-than-header-says", RB_SHM_CORRUPT,
      "header/size mismatch", F_NONE, 0, PAGE + 2048 },
  { "bad-file-longer-than-header-says", RB_SHM_CORRUPT,
      "header/size mismatch", F_NONE, 0, PAGE + 8192 },
  { "bad-flags", RB_SHM_CORRUPT, "unknown ring flags", F_FLAGS,
      (RB_CORE_FLAGS_KNOWN + 1) << 1, 0 },
  { "bad-flags-records-overwrite", RB_SHM_CORRUPT, "ring flags 0x3: records "
      "cannot be overwritten", F_FLAGS, RECORDS | OVERWRITE, 0 },
  { "bad-records-audio", RB_SHM_CORRUPT, "a records ring with sample format",
      F_AUDIO | F_FLAGS, RECORDS, 0 },
  { "bad-format", RB_SHM_CORRUPT, "invalid sample format", F_FORMAT,
      RB_FORMAT_LAST + 1, 0 },
  { "bad-byte-ring-channels", RB_SHM_CORRUPT, "byte ring with", F_CHANNELS,
      2, 0 },
  { "bad-byte-ring-rate", RB_SHM_CORRUPT, "byte ring with", F_RATE, 48000,
      0 },
  { "bad-byte-ring-frame-size", RB_SHM_CORRUPT, "byte ring with",
      F_FRAME_SIZE, 4, 0 },
  { "bad-audio-channels-zero", RB_SHM_CORRUPT, "invalid channel count",
      F_AUDIO | F_CHANNELS, 0, 0 },
  { "bad-audio-channels-65", RB_SHM_CORRUPT, "invalid channel count",
      F_AUDIO | F_CHANNELS, 65, 0 },
  { "bad-audio-rate-zero", RB_SHM_CORRUPT, "invalid rate", F_AUDIO | F_RATE,
      0, 0 },
  { "bad-audio-rate-too-high", RB_SHM_CORRUPT, "invalid rate",
      F_AUDIO | F_RATE, 1536001, 0 },
  { "bad-audio-frame-size", RB_SHM_CORRUPT, "frame size 6 does not match",
      F_AUDIO | F_FRAME_SIZE, 6, 0 },
  { "bad-positions-more-than-capacity", RB_SHM_BAD_POSITIONS,
      "peer corrupted indices", F_WRITE_POS, 4097, 0 },
  { "bad-positions-read-ahead", RB_SHM_BAD_POSITIONS,
      "peer corrupted indices", F_READ_POS, 1, 0 },
};

/* Where the 32-bit fields of the enum above are in the header. */
static const size_t u32_field[] = {
  [F_VERSION] = offsetof (struct rb_shm_header, layout_version),
  [F_HEADER_SIZE] = offsetof (struct rb_shm_header, header_size),
  [F_FLAGS] = offsetof (struct rb_shm_header, flags),
  [F_FORMAT] = offsetof (struct rb_shm_header, sample_format),
  [F_CHANNELS] = offsetof (struct rb_shm_header, channels),
  [F_RATE] = offsetof (struct rb_shm_header, rate),
  [F_FRAME_SIZE] = offsetof (struct rb_shm_header, frame_size),
};

static void
build_invalid (const struct invalid *b, struct rb_shm_header *h,
    uint64_t *file_size)
{
  if (b->field & F_AUDIO)
    header (h, PAGE, 4096, 0, RB_FORMAT_S16LE, 2, 48000);
  else
    header (h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
  switch (b->field & ~F_AUDIO) {
    case F_NONE:
      break;
    case F_MAGIC:
      atomic_store (&h->magic, b->value);
      break;
    case F_CAPACITY:
      h->capacity = b->value;
      h->file_size = h->header_size + h->capacity;
      break;
    case F_FILE_SIZE:
      h->file_size = b->value;
      break;
    case F_WRITE_POS:
      atomic_store (&h->write_pos, b->value);
      break;
    case F_READ_POS:
      atomic_store (&h->read_pos, b->value);
      break;
    default:{
      /* one of the 32-bit fields */
      uint32_t v = (uint32_t) b->value;

      memcpy ((char *) h + u32_field[b->field & ~F_AUDIO], &v, sizeof v);
      if ((b->field & ~F_AUDIO) == F_HEADER_SIZE)
        h->file_size = h->header_size + h->capacity;
      break;
    }
  }
  *file_size = b->file_size != 0 ? b->file_size : h->header_size + h->capacity;
}

/* Harness B's attach byte (fuzz-attach.c). */
#define ROLE(r) (r)
#define BAD_ROLE(r) (4 | (r))
#define KIND(k) ((k) << 3)
#define ALT (1 << 5)
#define PIPE (1 << 6)
#define SECOND (1 << 7)

/* A seed of a pair, for harness 0 (A: the image as it is) or 1 (B: attach
 * for both roles first). */
static void
pair_begin (struct seed *s, int harness, uint64_t file_size,
    const struct rb_shm_header *h)
{
  seed_begin (s, file_size, h);
  if (harness == 1)
    byte (s, ROLE (RB_ROLE_BOTH));
}

/* The end of a seed of a pair: harness A's, checked to be refused with
 * @problem (see expect()), goes to @hdir; harness B's to @adir. */
static void
pair_emit (const struct seed *s, int harness, const char *hdir,
    const char *adir, const char *name, enum rb_shm_problem problem,
    const char *why)
{
  if (harness == 0) {
    expect (name, s, problem, why);
    emit (hdir, name, s);
  } else {
    emit (adir, name, s);
  }
}

/* The exercise of a ring of @flags: the record calls on a records ring. */
static void
exercise_ring (struct seed *s, uint32_t flags, bool audio)
{
  if (flags & RECORDS)
    OPS (s, exercise_record_ops);
  else
    exercise (s, audio);
}

/* Header words at byte offset 8 * sel, for FUZZ_OP_PEER_POKE. */
#define POKE_AT(field) ((uint8_t) (offsetof (struct rb_shm_header, field) / 8))

/* The end of a hostile run of @harness: the end of stream and a query,
 * then pair_emit() of a valid header. */
static void
hostile_end (struct seed *s, int harness, const char *hdir, const char *adir,
    const char *name)
{
  op (s, FUZZ_OP_EOS, 1, 0, 0);
  op (s, FUZZ_OP_QUERY, 0, 0, 0);
  pair_emit (s, harness, hdir, adir, name, RB_SHM_OK, "");
}

/* Issue #11: the hostile-memory findings, as starting points. */
static void
hostile_issue_11 (const char *hdir, const char *adir)
{
  struct rb_shm_header h;
  struct seed s;

  /* Item 7: owner words whose pid is no process: 0xffffffff is -1 as a
   * pid_t, and kill (-1, 0) succeeds, so the role looked busy for ever. */
  header (&h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
  atomic_store (&h.consumer_owner, UINT64_MAX);
  atomic_store (&h.creator_owner, UINT64_MAX);
  seed_begin (&s, PAGE + 4096, &h);
  byte (&s, ROLE (RB_ROLE_CONSUMER));
  op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (50), 0);
  op (&s, FUZZ_OP_WAIT_DATA, 0, FUZZ_LEN_SMALL (1), 0);
  op (&s, FUZZ_OP_QUERY, 0, 0, 0);
  emit (adir, "hostile-bogus-owner-pid-minus-1", &s);

  header (&h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
  atomic_store (&h.producer_owner, UINT64_C (0x80000000));
  seed_begin (&s, PAGE + 4096, &h);
  byte (&s, ROLE (RB_ROLE_PRODUCER));
  op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0);
  /* and again while attached: the peer state looks at it */
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (consumer_owner), 0, UINT64_MAX);
  op (&s, FUZZ_OP_WAIT_SPACE, 0, FUZZ_LEN_SMALL (1), 0);
  op (&s, FUZZ_OP_QUERY, 0, 0, 0);
  emit (adir, "hostile-bogus-owner-pid-int-min", &s);

  /* Item 8: garbage at the clock point (the time INT64_MIN, 2^62 ns in
   * the future, a position far past the write position, a sequence left
   * odd): never believed. */
  header (&h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
  positions (&h, 1000, 900, 1000);
  for (int harness = 0; harness < 2; harness++) {
    pair_begin (&s, harness, PAGE + 4096, &h);
    op (&s, FUZZ_OP_CLOCK, 1, FUZZ_LEN_SMALL (64), 48000);
    op (&s, FUZZ_OP_PEER_POKE, POKE_AT (clock_time_ns), 0,
        (uint64_t) INT64_MIN);
    op (&s, FUZZ_OP_CLOCK, 0, 0, 0);
    op (&s, FUZZ_OP_PEER_POKE, POKE_AT (clock_time_ns), 0,
        UINT64_C (0x3fffffffffffffff));
    op (&s, FUZZ_OP_CLOCK, 0, 0, 0);
    op (&s, FUZZ_OP_PEER_POKE, POKE_AT (clock_position), 0, UINT64_MAX);
    op (&s, FUZZ_OP_CLOCK, 0, 0, 0);
    op (&s, FUZZ_OP_PEER_POKE, POKE_AT (clock_seq), 0, 3);
    op (&s, FUZZ_OP_CLOCK, 0, 0, 0);
    op (&s, FUZZ_OP_CLOCK, 1, FUZZ_LEN_SMALL (1), 1);
    pair_emit (&s, harness, hdir, adir, "hostile-clock-point", RB_SHM_OK, "");
  }

  /* Item 9: the waiter counts poked (0xffffffff waiters, wake words
   * anywhere): the producer's publish and the waits must cope. */
  for (int harness = 0; harness < 2; harness++) {
    pair_begin (&s, harness, PAGE + 4096, &h);
    op (&s, FUZZ_OP_PEER_POKE, POKE_AT (data_waiters), 0,
        UINT64_C (0x00000000ffffffff));
    op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0);
    op (&s, FUZZ_OP_WAIT_DATA, 0, FUZZ_LEN_SMALL (1), 0);
    op (&s, FUZZ_OP_PEER_POKE, POKE_AT (space_waiters), 0,
        UINT64_C (0xffffffff7fffffff));
    op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (100), 0);
    op (&s, FUZZ_OP_WAIT_SPACE, 0, FUZZ_LEN_SMALL (1), 0);
    hostile_end (&s, harness, hdir, adir, "hostile-waiters");
  }

  /* Issue #14: the readiness watch words poked (both announce words in
   * one store, targets every publish reaches or never will): the
   * publishing side only compares them (rb-ring-watch.c). */
  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (watch_data_announce), 0,
      UINT64_C (0xffffffff00000001));
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (watch_data_target), 0, 0);
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (watch_space_target), 0,
      UINT64_C (0x8000000000000000));
  op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0);
  op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (100), 0);
  hostile_end (&s, 0, hdir, adir, "hostile-watch");

  /* Issue #13: an audio ring's timing blocks poked (a rate of NaN and of
   * 1e300, a stamp in the future, a sequence left odd) between stamps. */
  header (&h, PAGE, 4096, 0, RB_FORMAT_S16LE, 2, 48000);
  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (200), 0);
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (producer_timing.rate), 0,
      UINT64_C (0x7ff8000000000000));
  op (&s, FUZZ_OP_QUERY, 0, 0, 0);
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (consumer_timing.rate), 0,
      UINT64_C (0x7e37e43c8800759c));
  op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (200), 0);
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (producer_timing.stamp_ns), 0,
      UINT64_C (0x3fffffffffffffff));
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (consumer_timing.seq), 0, 3);
  op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (200), 0);
  op (&s, FUZZ_OP_QUERY, 0, 0, 0);
  expect ("hostile-timing", &s, RB_SHM_OK, "");
  emit (hdir, "hostile-timing", &s);

  /* Issue #14: the advisory readers count forged (above the limit, then
   * 0 under an attached reader): a reader attaches, reads and closes. */
  header (&h, PAGE, 4096, RB_CORE_FLAG_OVERWRITE, RB_FORMAT_NONE, 0, 0);
  atomic_store (&h.readers, UINT32_MAX);
  seed_begin (&s, PAGE + 4096, &h);
  byte (&s, ROLE (RB_ROLE_READER));
  op (&s, FUZZ_OP_QUERY, 0, 0, 0);
  op (&s, FUZZ_OP_PEER_POKE, POKE_AT (readers), 0, 0);
  op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (50), 0);
  op (&s, FUZZ_OP_QUERY, 0, 0, 0);
  emit (adir, "hostile-readers-count", &s);
}

/* Issue #15: item rings (the items block and the descriptor), valid and
 * forged. */
static void
items_block (struct rb_shm_header *h, uint32_t size, uint32_t flags,
    const char *descriptor, uint32_t offset)
{
  size_t len = descriptor != NULL ? strlen (descriptor) : 0;

  header (h, PAGE, 4096, flags, RB_FORMAT_NONE, 0, 0);
  /* an item ring is new: it has an exact capacity (usable 0 with the
   * items block set is a forged header, check_usable()) */
  h->usable = 4096 - 4096 % size;
  h->item_size = size;
  h->frame_size = size;
  h->item_descriptor_length = (uint32_t) len;
  h->item_descriptor_offset = len ? offset : 0;
  if (len && offset == RB_SHM_DESCRIPTOR_INLINE)
    memcpy (h->item_descriptor, descriptor, len + 1);
}

/* A seed of the header @h alone (no operations), which validation must
 * refuse as corrupt with a reason starting with @why. */
static void
emit_refused (const char *dir, const char *name,
    const struct rb_shm_header *h, const char *why)
{
  struct seed s;

  seed_begin (&s, PAGE + 4096, h);
  expect (name, &s, RB_SHM_CORRUPT, why);
  emit (dir, name, &s);
}

struct items_forgery {
  const char *name;
  enum rb_shm_problem problem;
  const char *why;
  size_t offset;                /* a 32-bit field of the items block */
  uint32_t value;
};

static void
items_forged_seeds (const char *hdir)
{
  static const struct items_forgery forged[] = {
    { "bad-items-size-not-frame-size", RB_SHM_CORRUPT, "item size 13 does "
      "not match the frame size 12", offsetof (struct rb_shm_header,
          item_size), 13 },
    { "bad-items-descriptor-offset", RB_SHM_CORRUPT, "invalid item "
      "descriptor offset 961", offsetof (struct rb_shm_header,
          item_descriptor_offset), 961 },
    { "bad-items-descriptor-too-long-inline", RB_SHM_CORRUPT, "item "
      "descriptor of 64 bytes does not fit", offsetof (struct rb_shm_header,
          item_descriptor_length), 64 },
    { "bad-items-descriptor-length-huge", RB_SHM_CORRUPT, "item descriptor "
      "length 4294967295 exceeds", offsetof (struct rb_shm_header,
          item_descriptor_length), 0xffffffffu },
    { "bad-items-descriptor-no-nul", RB_SHM_CORRUPT, "item descriptor of 5 "
      "bytes is not NUL-terminated", offsetof (struct rb_shm_header,
          item_descriptor) + 4, 0x41414141 },
    { "bad-items-descriptor-control", RB_SHM_CORRUPT, "item descriptor byte "
      "0 (0x01)", offsetof (struct rb_shm_header, item_descriptor),
      0x01010101 },
    { "bad-items-offset-without-length", RB_SHM_CORRUPT, "item descriptor "
      "offset 960 with length 0", offsetof (struct rb_shm_header,
          item_descriptor_length), 0 },
    { "bad-items-after-overruns", RB_SHM_CORRUPT, "item descriptor of 4095 "
      "bytes at offset 1024 overruns", offsetof (struct rb_shm_header,
          item_descriptor_length), 4095 },
  };
  struct rb_shm_header h;
  struct seed s;

  for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
    const struct items_forgery *f = &forged[i];
    bool after = strstr (f->name, "after") != NULL;

    items_block (&h, 12, 0, "abcde", after ? RB_SHM_DESCRIPTOR_AFTER :
        RB_SHM_DESCRIPTOR_INLINE);
    memcpy ((char *) &h + f->offset, &f->value, sizeof f->value);
    seed_begin (&s, PAGE + 4096, &h);
    op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0);
    op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (100), 0);
    expect (f->name, &s, f->problem, f->why);
    emit (hdir, f->name, &s);
  }

  /* items on an audio ring, a descriptor on a byte ring */
  header (&h, PAGE, 4096, 0, RB_FORMAT_S16LE, 2, 48000);
  h.usable = 4096;
  h.item_size = 4;
  emit_refused (hdir, "bad-items-on-audio", &h, "item size 4 in an audio "
      "or records ring");
  header (&h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
  h.usable = 4096;
  h.item_descriptor_length = 4;
  emit_refused (hdir, "bad-items-descriptor-on-byte-ring", &h, "item "
      "descriptor (offset 0, length 4) in a ring that is not");
}

static void
items_seeds (const char *hdir, const char *adir)
{
  struct rb_shm_header h;
  struct seed s;

  for (int overwrite = 0; overwrite < 2; overwrite++) {
    const char *name = overwrite ? "valid-items-3-overwrite" :
        "valid-items-12-inline";

    items_block (&h, overwrite ? 3 : 12, overwrite ? OVERWRITE : 0,
        overwrite ? NULL : "{'descr': '<f4', 'shape': (3,)}",
        RB_SHM_DESCRIPTOR_INLINE);
    for (int harness = 0; harness < 2; harness++) {
      pair_begin (&s, harness, PAGE + 4096, &h);
      exercise (&s, false);
      pair_emit (&s, harness, hdir, adir, name, RB_SHM_OK, "");
    }
  }
  /* a long descriptor: after the struct, not in the image (harness B's
   * file has zeros there, which attach refuses) */
  items_block (&h, 1000, 0, "abcde", RB_SHM_DESCRIPTOR_AFTER);
  seed_begin (&s, PAGE + 4096, &h);
  exercise (&s, false);
  expect ("valid-items-1000-after", &s, RB_SHM_OK, "");
  emit (hdir, "valid-items-1000-after", &s);
  seed_begin (&s, PAGE + 4096, &h);
  byte (&s, ROLE (RB_ROLE_CONSUMER));
  emit (adir, "items-descriptor-after-zeros", &s);
  items_forged_seeds (hdir);
}

/* Inputs that once made a harness fail, one per bug: the test
 * fuzz-regressions runs each once. Named after what went wrong. */
static void
regressions (const char *rhdir, const char *radir)
{
  struct rb_shm_header h;
  struct seed s;

  /* Positions changed between validation and rb_ring_core_init_identity():
   * the first call of each side trusted them (found by fuzz-header). */
  header (&h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
  positions (&h, 1000, 900, 1000);
  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_PEER_STORE, FUZZ_FIELD_WRITE_POS | 2 << 2, 0, 1u << 20);
  op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_HUGE (0), 0);
  expect ("init-positions-read", &s, RB_SHM_OK, "");
  emit (rhdir, "init-positions-read", &s);

  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_PEER_STORE, FUZZ_FIELD_READ_POS | 2 << 2, 0, 4096);
  op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SCALED (0x3fff), 0);
  emit (rhdir, "init-positions-write", &s);

  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_PEER_STORE, FUZZ_FIELD_READ_POS | 2 << 2, 0, 4096);
  op (&s, FUZZ_OP_WRITE_ACQUIRE, 1, 0, 0);
  emit (rhdir, "init-positions-write-acquire", &s);

  /* the same with a record header whose size only such positions allow */
  header (&h, PAGE, 4096, RECORDS, RB_FORMAT_NONE, 0, 0);
  positions (&h, 1000, 1000, 1000);
  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_PEER_DATA, 0, 1000, 65536);
  op (&s, FUZZ_OP_PEER_STORE, FUZZ_FIELD_WRITE_POS | 2 << 2, 0, 1u << 20);
  op (&s, FUZZ_OP_READ_RECORD_ACQUIRE, 1, 0, 0);
  emit (rhdir, "init-positions-record", &s);

  /* rb_record_total() of a size_t near SIZE_MAX wraps: room for "SIZE_MAX
   * - 7 bytes" was 48 (found by fuzz-header). */
  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_WRITE_RECORD_ACQUIRE, 2, FUZZ_LEN_SMALL (64), 7);
  emit (rhdir, "record-acquire-size-max", &s);

  /* A record acquired, its bytes then consumed by a plain read, then
   * released: the read position went past the cached write position, and
   * the next record was taken from beyond what was written (found by
   * fuzz-header). */
  header (&h, PAGE, 4096, RECORDS, RB_FORMAT_NONE, 0, 0);
  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_SMALL (100), 0);
  op (&s, FUZZ_OP_READ_RECORD_ACQUIRE, 0, 0, 0);
  op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (160), 0);
  op (&s, FUZZ_OP_READ_RECORD_RELEASE, 0, 0, 0);
  op (&s, FUZZ_OP_PEER_DATA, 0, 320, 65536);
  op (&s, FUZZ_OP_READ_RECORD_ACQUIRE, 1, 0, 0);
  emit (rhdir, "record-release-after-read", &s);

  /* An empty record: rb_ring_write_record (ring, info, NULL, 0) and
   * rb_ring_read_record (ring, info, NULL, 0) reached memcpy with a NULL
   * pointer (found by fuzz-attach under UBSan). */
  seed_begin (&s, PAGE + 4096, &h);
  byte (&s, ROLE (RB_ROLE_BOTH));
  op (&s, FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_SMALL (0), 0);
  emit (radir, "record-empty-write", &s);

  seed_begin (&s, PAGE + 4096, &h);
  byte (&s, ROLE (RB_ROLE_BOTH));
  op (&s, FUZZ_OP_WRITE_RECORD_ACQUIRE, 0, FUZZ_LEN_SMALL (0), 0);
  op (&s, FUZZ_OP_READ_RECORD, 0, FUZZ_LEN_SMALL (0), 0);
  emit (radir, "record-empty-read", &s);
}

/* Issue #15: rings that hold less than their storage (the header's
 * `usable`), for both harnesses, and forged values of it. */
static void
exact_capacity (const char *hdir, const char *adir)
{
  static const struct {
    const char *name;
    uint32_t flags, format, channels;
    uint64_t usable;
    enum rb_shm_problem problem;
    const char *why;
    size_t poke_at;             /* a nonzero byte there (0: none) */
  } cases[] = {
    { "valid-exact-byte-1", 0, RB_FORMAT_NONE, 0, 1, RB_SHM_OK, "", 0 },
    { "valid-exact-byte-100", 0, RB_FORMAT_NONE, 0, 100, RB_SHM_OK, "", 0 },
    { "valid-exact-byte-overwrite-4095", OVERWRITE, RB_FORMAT_NONE, 0, 4095,
        RB_SHM_OK, "", 0 },
    { "valid-exact-s16le-stereo-1000", 0, RB_FORMAT_S16LE, 2, 4000,
        RB_SHM_OK, "", 0 },
    { "valid-exact-s24le-3ch-overwrite-300", OVERWRITE, RB_FORMAT_S24LE, 3,
        9 * 300, RB_SHM_OK, "", 0 },
    { "valid-exact-records-100", RECORDS, RB_FORMAT_NONE, 0, 100, RB_SHM_OK,
        "", 0 },
    { "bad-usable-above-storage", 0, RB_FORMAT_NONE, 0, 8192,
        RB_SHM_CORRUPT, "usable capacity 8192 is larger than the storage",
        0 },
    { "bad-usable-not-whole-frames", 0, RB_FORMAT_S16LE, 2, 4002,
        RB_SHM_CORRUPT, "usable capacity 4002 is not a multiple of the frame "
        "size 4", 0 },
    { "bad-usable-zero-with-newer-fields", 0, RB_FORMAT_NONE, 0, 0,
        RB_SHM_CORRUPT, "usable capacity 0 in a header whose newer", 64 },
    { "bad-usable-records-below-header", RECORDS, RB_FORMAT_NONE, 0, 48,
        RB_SHM_CORRUPT, "usable capacity 48 of a records ring", 0 },
  };
  struct rb_shm_header h;
  struct seed s;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    bool audio = cases[i].format != RB_FORMAT_NONE;

    for (int harness = 0; harness < 2; harness++) {
      header (&h, PAGE, 4096, cases[i].flags, cases[i].format,
          cases[i].channels, audio ? 48000 : 0);
      h.usable = cases[i].usable;
      if (cases[i].poke_at != 0)
        ((uint8_t *) &h)[cases[i].poke_at] = 1;
      pair_begin (&s, harness, PAGE + 4096, &h);
      exercise_ring (&s, cases[i].flags, audio);
      pair_emit (&s, harness, hdir, adir, cases[i].name, cases[i].problem,
          cases[i].why);
    }
  }
}

int
main (int argc, char **argv)
{
  char hdir[4096], adir[4096], rhdir[4096], radir[4096];
  struct rb_shm_header h;
  struct seed s;

  if (argc == 3 && strcmp (argv[1], "--check") == 0) {
    check_mode = true;
    argv++;
  } else if (argc != 2) {
    fprintf (stderr, "usage: make-seeds [--check] FUZZ_SOURCE_DIR\n");
    return 2;
  }
  snprintf (hdir, sizeof hdir, "%s/corpus-header", argv[1]);
  snprintf (adir, sizeof adir, "%s/corpus-attach", argv[1]);
  snprintf (rhdir, sizeof rhdir, "%s/regressions-header", argv[1]);
  snprintf (radir, sizeof radir, "%s/regressions-attach", argv[1]);

  for (size_t i = 0; i < sizeof valids / sizeof valids[0]; i++) {
    const struct valid *v = &valids[i];
    bool audio = v->format != RB_FORMAT_NONE;

    header (&h, v->header_size, v->cap, v->flags, v->format, v->channels,
        v->rate);
    positions (&h, v->w, v->r, v->reserve);

    /* the whole exercise, in harness B after attaching for both roles */
    for (int harness = 0; harness < 2; harness++) {
      pair_begin (&s, harness, v->header_size + v->cap, &h);
      exercise_ring (&s, v->flags, audio);
      pair_emit (&s, harness, hdir, adir, v->name, RB_SHM_OK, "");
    }
  }

  header (&h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
  positions (&h, 1000, 900, 1000);
  for (int harness = 0; harness < 2; harness++) {
    pair_begin (&s, harness, PAGE + 4096, &h);
    OPS (&s, hostile_ops);
    pair_emit (&s, harness, hdir, adir, "hostile-peer", RB_SHM_OK, "");
  }

  header (&h, PAGE, 4096, OVERWRITE, RB_FORMAT_S24LE, 3, 48000);
  positions (&h, 1000, 900, 1000);
  seed_begin (&s, PAGE + 4096, &h);
  OPS (&s, hostile_ops);
  emit (hdir, "hostile-peer-overwrite-s24le", &s);

  /* Records written by a peer that lies about their sizes. */
  header (&h, PAGE, 4096, RECORDS, RB_FORMAT_NONE, 0, 0);
  seed_begin (&s, PAGE + 4096, &h);
  op (&s, FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_SMALL (100), 1);
  op (&s, FUZZ_OP_WRITE_RECORD, 0, FUZZ_LEN_SMALL (200), 1);
  /* the first record's size: more than was written, then more than fits */
  op (&s, FUZZ_OP_PEER_DATA, 0, 0, 300);
  op (&s, FUZZ_OP_PEEK_RECORD, 0, 0, 0);
  op (&s, FUZZ_OP_PEER_DATA, 0, 0, 0xfffffff0);
  op (&s, FUZZ_OP_READ_RECORD_ACQUIRE, 1, 0, 0);
  op (&s, FUZZ_OP_PEER_STORE, FUZZ_FIELD_WRITE_POS | 1 << 2, 0, 4000);
  op (&s, FUZZ_OP_READ_RECORD, 0, FUZZ_LEN_HUGE (0), 0);
  op (&s, FUZZ_OP_READ_RECORD_ACQUIRE, 1, 0, 0);
  op (&s, FUZZ_OP_PEER_STORE, FUZZ_FIELD_READ_POS | 2 << 2, 0, 1);
  op (&s, FUZZ_OP_WRITE_RECORD_ACQUIRE, 0, FUZZ_LEN_SMALL (64), 0);
  op (&s, FUZZ_OP_QUERY, 0, 0, 0);
  expect ("hostile-peer-records", &s, RB_SHM_OK, "");
  emit (hdir, "hostile-peer-records", &s);

  for (size_t i = 0; i < sizeof invalids / sizeof invalids[0]; i++) {
    const struct invalid *b = &invalids[i];
    uint64_t file_size;

    build_invalid (b, &h, &file_size);
    seed_begin (&s, file_size, &h);
    op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0);
    op (&s, FUZZ_OP_READ, 0, FUZZ_LEN_SMALL (100), 0);
    expect (b->name, &s, b->problem, b->why);
    emit (hdir, b->name, &s);

    seed_begin (&s, file_size, &h);
    byte (&s, ROLE (RB_ROLE_BOTH));
    emit (adir, b->name, &s);
  }

  /* Harness B only: what the file and the role can get wrong. */
  {
    static const struct {
      const char *name;
      uint8_t attach;
      uint32_t flags;
    } attaches[] = {
      { "attach-producer", ROLE (RB_ROLE_PRODUCER), 0 },
      { "attach-consumer", ROLE (RB_ROLE_CONSUMER), 0 },
      { "attach-reader-overwrite", ROLE (RB_ROLE_READER), OVERWRITE },
      { "attach-reader-not-overwrite", ROLE (RB_ROLE_READER), 0 },
      { "attach-role-minus-1", BAD_ROLE (0), 0 },
      { "attach-role-5", BAD_ROLE (1), 0 },
      { "attach-seal-seal", KIND (1), 0 },
      { "attach-seal-write", KIND (1) | ALT, 0 },
      { "attach-unsealed", KIND (2), 0 },
      { "attach-seal-grow-only", KIND (2) | ALT, 0 },
      { "attach-named", KIND (3) | ROLE (RB_ROLE_CONSUMER), 0 },
      { "attach-named-mode-0666", KIND (3) | ALT, 0 },
      { "attach-pipe", PIPE, 0 },
      { "attach-second-producer-consumer", SECOND | ROLE (RB_ROLE_PRODUCER),
          0 },
      { "attach-second-both-both", SECOND | ROLE (RB_ROLE_BOTH), 0 },
    };

    for (size_t i = 0; i < sizeof attaches / sizeof attaches[0]; i++) {
      header (&h, PAGE, 4096, attaches[i].flags, RB_FORMAT_NONE, 0, 0);
      seed_begin (&s, PAGE + 4096, &h);
      byte (&s, attaches[i].attach);
      if (attaches[i].attach & SECOND)
        byte (&s, attaches[i].attach & PIPE ? 0 :
            (attaches[i].attach & 3) == RB_ROLE_PRODUCER ?
            RB_ROLE_CONSUMER : RB_ROLE_BOTH);
      op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0);
      op (&s, FUZZ_OP_READ, 0x80, FUZZ_LEN_SMALL (50), 0);
      op (&s, FUZZ_OP_READ_AT, 2, FUZZ_LEN_SMALL (20), 20);
      op (&s, FUZZ_OP_WAIT_DATA, 0, FUZZ_LEN_SMALL (1), 0);
      op (&s, FUZZ_OP_QUERY, 0, 0, 0);
      emit (adir, attaches[i].name, &s);
    }

    /* A dead producer's pid in the owner word: attach takes over. */
    header (&h, PAGE, 4096, 0, RB_FORMAT_NONE, 0, 0);
    atomic_store (&h.producer_owner, (UINT64_C (12345) << 32) | 0x7ffffffe);
    atomic_store (&h.producer_generation, 3);
    seed_begin (&s, PAGE + 4096, &h);
    byte (&s, ROLE (RB_ROLE_PRODUCER));
    op (&s, FUZZ_OP_WRITE, 0, FUZZ_LEN_SMALL (100), 0);
    op (&s, FUZZ_OP_QUERY, 0, 0, 0);
    emit (adir, "attach-dead-producer", &s);
  }

  hostile_issue_11 (hdir, adir);
  items_seeds (hdir, adir);
  exact_capacity (hdir, adir);
  regressions (rhdir, radir);

  if (problems > 0) {
    fprintf (stderr, "make-seeds: %d problem(s)\n", problems);
    return 1;
  }
  if (check_mode)
    printf ("make-seeds: the seed corpora match the header layout\n");
  else
    printf ("make-seeds: wrote %d seeds\n", n_written);
  return 0;
}
