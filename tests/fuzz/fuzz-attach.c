/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Reliability plan R5, harness B: the public attach, rb_ring_new_from_fd(),
 * on a file a hostile peer made: fstat, seals, owner and mode, pread,
 * validation, the mirrored mapping and the role claims, all for real. The
 * input format is in fuzz-common.h; after the header comes one attach
 * byte:
 *
 *   bits 0-1  role (RbRingRole)
 *   bit 2     make the role invalid instead (-1 or 4..6)
 *   bits 3-4  the file: 0 a memfd sealed against shrinking and growing,
 *             1 the same plus F_SEAL_SEAL (plus F_SEAL_WRITE if bit 5),
 *             2 a memfd not sealed against shrinking (bit 5: F_SEAL_GROW
 *             only), 3 a file in /dev/shm named like a ring (bit 5: mode
 *             0666 instead of 0600)
 *   bit 6     pass the read end of a pipe instead
 *   bit 7     attach a second ring to the same file, with the role in the
 *             next byte
 *
 * then up to 16 op records as in harness A, run through the public API
 * with the role's own calls only, while the peer pwrite()s the header and
 * the data under the mapping. Every attach must give a ring or a GError of RB_RING_ERROR with
 * a message, never both, never a critical; an attach that nothing should
 * refuse (valid header, sealed memfd, free roles) must succeed, and one
 * that must be refused (bad header, unsealed, invalid role) must fail. */

#define FUZZ_HARNESS "fuzz-attach"
#include "fuzz-common.h"

#include <ringbridge/ringbridge.h>

#include "rb-mapping-private.h"
#include "rb-ring-core-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A header may say any capacity; the file behind it is at most this large
 * (a 64 KiB ring with a 16-page header), which keeps the populated
 * mapping, and so each execution, small. */
#define MAX_FILE_SIZE (16 * FUZZ_PAGE_SIZE + FUZZ_MAX_CAPACITY)
/* The calls after attach are harness A's subject; here a few suffice to
 * use the mapping attach made. */
#define MAX_OPS 16

enum file_kind {
  FILE_MEMFD_SEALED = 0,
  FILE_MEMFD_SEAL_SEAL,
  FILE_MEMFD_UNSEALED,
  FILE_NAMED,
};

static gchar *named_path;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* A critical or warning is a bug the harness must report, not a line in
   * a log nobody reads. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  named_path = g_strdup_printf ("%s/%sfuzz-%d", RB_SHM_DIR,
      RB_RING_NAME_PREFIX, (int) getpid ());
  return 0;
}

static int
make_file (enum file_kind kind, bool alt, uint64_t size, const uint8_t *hdr)
{
  size_t n = size < FUZZ_HEADER_BYTES ? (size_t) size : FUZZ_HEADER_BYTES;
  int fd, seals = 0;

  if (kind == FILE_NAMED) {
    fd = open (named_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
      /* left over from an earlier run of the same pid that crashed */
      unlink (named_path);
      fd = open (named_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    }
    if (fd < 0)
      fail ("cannot create %s: %s", named_path, g_strerror (errno));
    /* Gone from /dev/shm at once, so a crash leaves nothing behind;
     * /proc/self/fd still names it, which is what makes it a named ring. */
    unlink (named_path);
    if (fchmod (fd, alt ? 0666 : 0600) < 0)
      fail ("fchmod: %s", g_strerror (errno));
  } else {
    fd = memfd_create ("ringbridge-fuzz", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
      fail ("memfd_create: %s", g_strerror (errno));
  }
  if (ftruncate (fd, (off_t) size) < 0)
    fail ("ftruncate: %s", g_strerror (errno));
  if (pwrite (fd, hdr, n, 0) != (ssize_t) n)
    fail ("pwrite: %s", g_strerror (errno));

  switch (kind) {
    case FILE_MEMFD_SEALED:
      seals = F_SEAL_SHRINK | F_SEAL_GROW;
      break;
    case FILE_MEMFD_SEAL_SEAL:
      seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL |
          (alt ? F_SEAL_WRITE : 0);
      break;
    case FILE_MEMFD_UNSEALED:
      seals = alt ? F_SEAL_GROW : 0;
      break;
    case FILE_NAMED:
      break;
  }
  if (seals != 0 && fcntl (fd, F_ADD_SEALS, seals) < 0)
    fail ("F_ADD_SEALS: %s", g_strerror (errno));
  return fd;
}

static RbRingRole
role_of (uint8_t b)
{
  int r = b & 3;

  if (b & 4)
    return (RbRingRole) (r == 0 ? -1 : 3 + r);
  return (RbRingRole) r;
}

static bool
role_valid (RbRingRole role)
{
  return (int) role >= RB_RING_ROLE_BOTH && role <= RB_RING_ROLE_READER;
}

/* Checks the outcome of one attach; @expect is 1 if nothing should refuse
 * it, -1 if something must, 0 if either may happen (a live pid in an owner
 * word, say). */
static void
check_attach (RbRing *ring, GError *error, int expect)
{
  if ((ring == NULL) == (error == NULL))
    fail ("attach returned %s and %s", ring ? "a ring" : "no ring",
        error ? "an error" : "no error");
  if (error != NULL) {
    if (error->domain != RB_RING_ERROR)
      fail ("attach failed in domain %s: %s",
          g_quark_to_string (error->domain), error->message);
    if (error->message == NULL || error->message[0] == '\0' ||
        !g_utf8_validate (error->message, -1, NULL))
      fail ("attach failed (code %d) without a readable message",
          error->code);
    if (expect > 0)
      fail ("attach refused a valid ring: %s", error->message);
  } else if (expect < 0) {
    fail ("attach accepted what it must refuse (%s)",
        rb_ring_get_flags (ring) ? "overwrite ring" : "byte ring");
  }
}

static bool
is_producer (RbRingRole role)
{
  return role == RB_RING_ROLE_BOTH || role == RB_RING_ROLE_PRODUCER;
}

static bool
is_consumer (RbRingRole role)
{
  return role == RB_RING_ROLE_BOTH || role == RB_RING_ROLE_CONSUMER;
}

static void
peer_store (int fd, uint32_t header_size, RbRing *ring,
    const struct fuzz_op *op)
{
  static const size_t offsets[4] = {
    offsetof (struct rb_shm_header, write_pos),
    offsetof (struct rb_shm_header, read_pos),
    offsetof (struct rb_shm_header, write_reserve),
    offsetof (struct rb_shm_header, eos),
  };
  size_t off;
  size_t len = 8;

  if (op->op % FUZZ_OP_COUNT == FUZZ_OP_PEER_DATA) {
    /* the data area starts where the header the ring validated says */
    off = header_size + op->len % rb_ring_get_capacity (ring);
  } else if (op->op % FUZZ_OP_COUNT == FUZZ_OP_PEER_POKE) {
    off = (op->sel % (sizeof (struct rb_shm_header) / 8)) * 8;
  } else {
    off = offsets[op->sel & 3];
    if ((op->sel & 3) == FUZZ_FIELD_EOS)
      len = 4;
  }
  /* Through the file, not our mapping: the peer is another process. May
   * fail (F_SEAL_WRITE); the ring must cope either way. */
  if (pwrite (fd, &op->val, len, (off_t) off) < 0)
    return;
}

static void
run_op (RbRing *ring, RbRingRole role, const struct fuzz_op *op)
{
  gsize cap = rb_ring_get_capacity (ring);
  gsize fs = rb_ring_get_frame_size (ring);
  gsize n = fuzz_decode_len (op->len, cap);
  gsize nf = (op->len >> 14) == 0 ? (op->len & 0xff) : n / fs;
  bool prod = is_producer (role), cons = is_consumer (role);
  /* the record calls are for records rings (see fuzz-header.c) */
  bool records = (rb_ring_get_flags (ring) & RB_RING_FLAGS_RECORDS) != 0;
  guint8 *buf = NULL;
  gsize got;

  switch (op->op % FUZZ_OP_COUNT) {
    case FUZZ_OP_WRITE:
      if (!prod)
        break;
      buf = g_malloc0 (n);
      if (op->sel & 1) {
        GBytes *bytes = g_bytes_new_static (buf, n);
        got = rb_ring_write_bytes (ring, bytes);
        g_bytes_unref (bytes);
      } else {
        got = rb_ring_write (ring, buf, n);
      }
      if (got > n)
        fail ("write moved %zu of %zu", got, n);
      break;

    case FUZZ_OP_READ:
      if (!cons)
        break;
      if (op->sel & 1) {
        GBytes *bytes = rb_ring_read_bytes (ring, n);
        if (g_bytes_get_size (bytes) > n)
          fail ("read_bytes returned %zu of %zu", g_bytes_get_size (bytes), n);
        g_bytes_unref (bytes);
        break;
      }
      /* fall through: a plain read, as a peek that moves */
    case FUZZ_OP_PEEK:{
      bool peek = op->op % FUZZ_OP_COUNT == FUZZ_OP_PEEK;

      if (!cons)
        break;
      buf = g_malloc (n);
      if ((peek ? rb_ring_peek (ring, buf, n) : rb_ring_read (ring, buf, n)) >
          n)
        fail ("%s moved more than asked", peek ? "peek" : "read");
      break;
    }

    case FUZZ_OP_SKIP:
      if (cons && rb_ring_skip (ring, n) > n)
        fail ("skip moved more than asked");
      break;

    case FUZZ_OP_READ_AT:
    case FUZZ_OP_CHECK_RANGE:{
      guint64 pos = (op->sel & 2) ?
          rb_ring_get_write_position (ring) - op->val : op->val;
      RbRangeStatus st;

      if (role == RB_RING_ROLE_PRODUCER)
        break;
      if (op->op % FUZZ_OP_COUNT == FUZZ_OP_CHECK_RANGE) {
        (void) rb_ring_check_range (ring, pos, n);
        break;
      }
      if (op->sel & 1) {
        buf = g_malloc (nf * fs);
        st = rb_ring_read_frames_at (ring, pos / fs, buf, nf, &got);
        if (got > nf || (st != RB_RANGE_AVAILABLE && got != 0))
          fail ("read_frames_at: status %d, %zu of %zu frames", st, got, nf);
      } else {
        /* a byte position inside a frame is a caller's error (a
         * g_critical, fatal here), not a hostile peer's: test-ring-contract
         * covers it */
        pos -= pos % fs;
        buf = g_malloc (n);
        st = rb_ring_read_at (ring, pos, buf, n, &got);
        if (got > n || (st != RB_RANGE_AVAILABLE && got != 0))
          fail ("read_at: status %d, %zu of %zu bytes", st, got, n);
      }
      break;
    }

    case FUZZ_OP_READ_ACQUIRE:{
      gsize avail, sum = 0;
      const guint8 *p;

      if (!cons)
        break;
      p = rb_ring_read_acquire (ring, &avail);
      /* the storage bounds a consumer (see FUZZ_OP_QUERY) */
      if (avail > rb_ring_get_storage_size (ring))
        fail ("read_acquire handed out %zu bytes of %zu", avail,
            rb_ring_get_storage_size (ring));
      for (gsize i = 0; i < avail; i++)
        sum += p[i];
      (void) sum;
      rb_ring_read_release (ring, (op->sel & 1) ? avail : n);
      break;
    }

    case FUZZ_OP_WRITE_ACQUIRE:{
      gsize avail;
      guint8 *p;

      if (!prod)
        break;
      p = rb_ring_write_acquire (ring, &avail);
      if (avail > cap)
        fail ("write_acquire handed out %zu bytes of %zu", avail, cap);
      if (avail > 0)
        memset (p, 0xa5, avail);
      rb_ring_write_commit (ring, (op->sel & 1) ? avail : MIN (n, avail));
      break;
    }

    case FUZZ_OP_READ_FRAMES:
    case FUZZ_OP_WRITE_FRAMES:{
      bool write = op->op % FUZZ_OP_COUNT == FUZZ_OP_WRITE_FRAMES;

      if (!(write ? prod : cons))
        break;
      buf = g_malloc0 (nf * fs);
      if ((write ? rb_ring_write_frames (ring, buf, nf) :
              rb_ring_read_frames (ring, buf, nf)) > nf)
        fail ("%s_frames moved more than asked", write ? "write" : "read");
      break;
    }

    case FUZZ_OP_READ_DEINTERLEAVED:
    case FUZZ_OP_WRITE_DEINTERLEAVED:{
      bool write = op->op % FUZZ_OP_COUNT == FUZZ_OP_WRITE_DEINTERLEAVED;
      guint n_ch = (op->sel & 1) ? (guint) (op->sel >> 1) % 66 :
          rb_ring_get_channels (ring);
      float **ch;

      if (write ? !prod : !cons)
        break;
      ch = g_new0 (float *, MAX (n_ch, 1));
      for (guint i = 0; i < n_ch; i++)
        if (!((op->sel & 2) && (op->val >> (i % 64) & 1)))
          ch[i] = g_new0 (float, MAX (nf, 1));
      got = write ?
          rb_ring_write_deinterleaved (ring, (const float *const *) ch, n_ch,
          nf) : rb_ring_read_deinterleaved (ring, ch, n_ch, nf);
      if (got > nf || (n_ch != rb_ring_get_channels (ring) && got != 0))
        fail ("deinterleaved: %zu of %zu frames on %u channels", got, nf,
            n_ch);
      for (guint i = 0; i < n_ch; i++)
        g_free (ch[i]);
      g_free (ch);
      break;
    }

    case FUZZ_OP_WAIT_DATA:
      /* timeout 0: looks, never blocks */
      if (cons)
        (void) rb_ring_wait_readable (ring, n, 0);
      else if (role == RB_RING_ROLE_READER)
        (void) rb_ring_wait_position (ring, op->val, 0);
      break;

    case FUZZ_OP_WAIT_SPACE:
      if (prod)
        (void) rb_ring_wait_writable (ring, n, 0);
      break;

    case FUZZ_OP_RESET:
      if (cons)
        rb_ring_reset (ring);
      break;

    case FUZZ_OP_EOS:
      if (prod && (op->sel & 1))
        rb_ring_set_end_of_stream (ring);
      (void) rb_ring_is_end_of_stream (ring);
      if (op->sel & 2) {
        rb_ring_interrupt (ring);
        rb_ring_clear_interrupt (ring);
      }
      break;

    case FUZZ_OP_QUERY:{
      gdouble level = rb_ring_get_fill_level (ring);

      if (!(level >= 0.0 && level <= 1.0))
        fail ("fill level %g", level);
      /* what a consumer finds may fill the storage, not only the exact
       * capacity: a producer of before 0.2 (or a hostile one) fills all
       * of it, and the consumer's bounds are the storage's (docs/ring.md,
       * "Capacity") */
      if (cons && rb_ring_read_available (ring) >
          rb_ring_get_storage_size (ring))
        fail ("read_available above the storage");
      if (cons && rb_ring_read_frames_available (ring) >
          rb_ring_get_storage_size (ring) / fs)
        fail ("read_frames_available above the storage");
      if (prod && rb_ring_write_available (ring) > cap)
        fail ("write_available above the capacity");
      if (prod && rb_ring_write_frames_available (ring) > cap / fs)
        fail ("write_frames_available above the capacity");
      (void) rb_ring_get_read_position (ring);
      (void) rb_ring_get_oldest_position (ring);
      (void) rb_ring_get_overruns (ring);
      (void) rb_ring_get_underruns (ring);
      (void) rb_ring_get_overwritten (ring);
      (void) rb_ring_get_peer_state (ring);
      (void) rb_ring_get_peer_pid (ring);
      (void) rb_ring_get_capacity_frames (ring);
      (void) rb_ring_get_sample_format (ring);
      (void) rb_ring_get_rate (ring);
      (void) rb_ring_get_role (ring);
      (void) rb_ring_get_name (ring);
      if (rb_ring_get_fd (ring) < 0)
        fail ("an attached ring without a file descriptor");
      break;
    }

    case FUZZ_OP_READ_RELEASE:
      if (cons)
        rb_ring_read_release (ring, n);
      break;

    case FUZZ_OP_WRITE_COMMIT:
      if (prod)
        rb_ring_write_commit (ring, n);
      break;

    case FUZZ_OP_WRITE_RECORD:{
      RbRecordInfo info;

      if (!prod || !records)
        break;
      rb_record_info_init (&info, (guint32) op->val, (guint32) n);
      buf = g_malloc0 (n);
      (void) rb_ring_write_record (ring, &info, buf, n);
      break;
    }

    case FUZZ_OP_WRITE_RECORD_ACQUIRE:{
      RbRecordInfo info;
      guint8 *p;

      if (!prod || !records)
        break;
      p = rb_ring_write_record_acquire (ring, n);
      if (p != NULL) {
        memset (p, 0x5a, n);
        rb_record_info_init (&info, (guint32) op->val,
            (op->sel & 1) ? (guint32) (op->val & 0xffff) : (guint32) n);
        (void) rb_ring_write_record_commit (ring, &info);
      }
      break;
    }

    case FUZZ_OP_PEEK_RECORD:
    case FUZZ_OP_READ_RECORD:
    case FUZZ_OP_READ_RECORD_ACQUIRE:
    case FUZZ_OP_READ_RECORD_RELEASE:{
      RbRecordInfo info;
      int code = op->op % FUZZ_OP_COUNT;

      if (!cons || !records)
        break;
      if (code == FUZZ_OP_PEEK_RECORD) {
        if (rb_ring_peek_record (ring, &info) &&
            info.size > rb_ring_get_max_record_size (ring))
          fail ("peek_record: a record of %u bytes, at most %zu fit",
              info.size, rb_ring_get_max_record_size (ring));
      } else if (code == FUZZ_OP_READ_RECORD && (op->sel & 1)) {
        GBytes *bytes = rb_ring_read_record_bytes (ring, &info);
        if (bytes != NULL)
          g_bytes_unref (bytes);
      } else if (code == FUZZ_OP_READ_RECORD) {
        buf = g_malloc (n);
        if (rb_ring_read_record (ring, &info, buf, n) && info.size > n)
          fail ("read_record: %u bytes into %zu", info.size, n);
      } else if (code == FUZZ_OP_READ_RECORD_ACQUIRE) {
        const guint8 *p = rb_ring_read_record_acquire (ring, &info);
        if (p != NULL) {
          buf = g_malloc (info.size);
          if (info.size > 0)
            memcpy (buf, p, info.size);
          if (op->sel & 1)
            rb_ring_read_record_release (ring);
        }
      } else {
        rb_ring_read_record_release (ring);
      }
      break;
    }

    case FUZZ_OP_CLOCK:{
      guint64 pos, frames;
      gint64 t;

      if (prod && (op->sel & 1))
        rb_ring_set_clock_point (ring, op->val, (gint64) op->val >> 3, n);
      (void) rb_ring_get_clock_point (ring, &pos, &t, &frames);
      break;
    }

    default:
      break;
  }
  g_free (buf);
}

/* Whether anything may refuse this attach besides a live process holding
 * the role: 1 no, -1 something must, 0 it depends on the process table. */
static int
expected_outcome (const struct fuzz_input *in, enum file_kind kind, bool alt,
    bool pipe, RbRingRole role)
{
  struct rb_ring_identity id;
  struct rb_shm_header h;
  char why[256];
  bool sealed = kind == FILE_MEMFD_SEALED ||
      (kind == FILE_MEMFD_SEAL_SEAL && !alt);

  if (pipe || !role_valid (role))
    return -1;
  if (kind == FILE_MEMFD_UNSEALED || (kind == FILE_NAMED && alt))
    return -1;
  if (rb_shm_validate (in->header, in->file_size, FUZZ_PAGE_SIZE, &id, why,
          sizeof why) != RB_SHM_OK)
    return -1;
  if (role == RB_RING_ROLE_READER && !(id.flags & RB_CORE_FLAG_OVERWRITE))
    return -1;
  /* a long item descriptor is after the header image, where the file
   * holds zeros: no descriptor (rb-ring-items.c refuses it) */
  if (id.item_descriptor_offset == RB_SHM_DESCRIPTOR_AFTER)
    return -1;
  memcpy (&h, in->header, sizeof h);
  if ((is_producer (role) &&
          atomic_load_explicit (&h.producer_owner, memory_order_relaxed)) ||
      (is_consumer (role) &&
          atomic_load_explicit (&h.consumer_owner, memory_order_relaxed)))
    return 0;
  if (!sealed && kind != FILE_NAMED)
    return -1;                  /* F_SEAL_WRITE: no writable shared mapping */
  return 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct fuzz_input in;
  struct fuzz_op op;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  RbRing *ring = NULL, *ring2 = NULL;
  RbRingRole role, role2 = RB_RING_ROLE_BOTH;
  enum file_kind kind;
  uint8_t attach;
  bool alt, pipe_in, second;
  int fd, pipe_fds[2] = { -1, -1 };
  uint32_t header_size;
  int n_ops;

  fuzz_input_split (&in, data, size);
  /* where the data area starts, if the ring takes this header */
  memcpy (&header_size, in.header +
      offsetof (struct rb_shm_header, header_size), sizeof header_size);
  if (in.file_size > MAX_FILE_SIZE)
    return 0;
  attach = fuzz_input_byte (&in);
  role = role_of (attach);
  kind = (enum file_kind) (attach >> 3 & 3);
  alt = (attach >> 5) & 1;
  pipe_in = (attach >> 6) & 1;
  second = (attach >> 7) & 1;
  if (second)
    role2 = role_of (fuzz_input_byte (&in));

  fd = make_file (kind, alt, in.file_size, in.header);
  if (pipe_in) {
    if (pipe2 (pipe_fds, O_CLOEXEC) < 0)
      fail ("pipe2: %s", g_strerror (errno));
  }

  ring = rb_ring_new_from_fd (pipe_in ? pipe_fds[0] : fd, role, &error);
  check_attach (ring, error, expected_outcome (&in, kind, alt, pipe_in, role));
  if (ring != NULL && second) {
    /* Same process: a role this process holds is busy, a free one is
     * taken; never a crash and never two holders (unless the header says
     * this process created the ring for both roles: a second object may
     * then take a role from the creator's, rb_shm_claim()). */
    struct rb_shm_header h;

    memcpy (&h, in.header, sizeof h);
    ring2 = rb_ring_new_from_fd (fd, role2, &error2);
    check_attach (ring2, error2, role_valid (role2) ? 0 : -1);
    if (ring2 != NULL && ((is_producer (role) && is_producer (role2)) ||
            (is_consumer (role) && is_consumer (role2))) &&
        !(atomic_load_explicit (&h.creator_owner, memory_order_relaxed) ==
            rb_owner_self () && atomic_load_explicit (&h.creator_role,
                memory_order_relaxed) == RB_ROLE_BOTH))
      fail ("two rings of this process hold the same role");
  }

  for (n_ops = 0; ring != NULL && n_ops < MAX_OPS &&
      fuzz_input_op (&in, &op); n_ops++) {
    if (fuzz_op_is_peer (&op))
      peer_store (fd, header_size, ring, &op);
    else if (ring2 != NULL && (op.sel & 0x80))
      run_op (ring2, role2, &op);
    else
      run_op (ring, role, &op);
  }

  g_clear_object (&ring2);
  g_clear_object (&ring);
  if (pipe_fds[0] >= 0) {
    close (pipe_fds[0]);
    close (pipe_fds[1]);
  }
  close (fd);
  return 0;
}
