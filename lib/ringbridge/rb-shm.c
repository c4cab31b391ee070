/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Everything about the shared header page (layout: rb-shm-private.h):
 * sizing and reserving the file, writing and publishing a new header,
 * validating one another process wrote, and the owner words of the
 * control block (who holds which role, whether they are alive).
 *
 * Validation: everything in shared memory is input: it reads the header
 * once into a private snapshot, checks every field against the file and
 * against each other, and hands back the identity the ring then runs on.
 * Nothing here is re-read from shared memory later (no double fetch). */

#include "rb-shm-private.h"
#include "rb-ring-core-private.h"

#include "rb-wait-private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static bool
is_power_of_two (uint64_t v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

#define REFUSE(problem, ...) \
  do { snprintf (why, why_len, __VA_ARGS__); return (problem); } while (0)

/* The flags and the sample format of a header snapshot, and the frame
 * they make. */
static enum rb_shm_problem
check_format (const struct rb_shm_header *h, char *why, size_t why_len)
{
  uint64_t ssize;

  if ((h->flags & ~RB_CORE_FLAGS_KNOWN) != 0)
    REFUSE (RB_SHM_CORRUPT, "unknown ring flags 0x%x", h->flags);
  if ((h->flags & RB_CORE_FLAG_OVERWRITE) && (h->flags & RB_CORE_FLAG_RECORDS))
    REFUSE (RB_SHM_CORRUPT, "ring flags 0x%x: records cannot be overwritten",
        h->flags);
  if ((h->flags & RB_CORE_FLAG_RECORDS) && h->sample_format != RB_FORMAT_NONE)
    REFUSE (RB_SHM_CORRUPT, "a records ring with sample format %u",
        h->sample_format);
  if (h->sample_format > RB_FORMAT_LAST)
    REFUSE (RB_SHM_CORRUPT, "invalid sample format %u", h->sample_format);
  ssize = rb_format_sample_size (h->sample_format);
  if (h->sample_format == RB_FORMAT_NONE) {
    /* an item ring's frame size is its item size (check_items()) */
    if (h->channels != 0 || h->rate != 0 ||
        (h->item_size == 0 && h->frame_size != 1))
      REFUSE (RB_SHM_CORRUPT, "byte ring with channels %u, rate %u, frame "
          "size %u", h->channels, h->rate, h->frame_size);
  } else {
    if (h->channels < 1 || h->channels > 64)
      REFUSE (RB_SHM_CORRUPT, "invalid channel count %u", h->channels);
    if (h->rate < 1 || h->rate > 1536000)
      REFUSE (RB_SHM_CORRUPT, "invalid rate %u", h->rate);
    if (h->frame_size != ssize * h->channels)
      REFUSE (RB_SHM_CORRUPT, "frame size %u does not match %u channels of "
          "%" PRIu64 " bytes", h->frame_size, h->channels, ssize);
  }
  return RB_SHM_OK;
}

/* 0x20..0x7e and well-formed UTF-8 sequences of 2 to 4 bytes (no
 * overlong forms, surrogates or code points past U+10FFFF). */
static size_t
utf8_char_length (const unsigned char *p, size_t left)
{
  unsigned c = p[0];
  size_t n;
  unsigned cp;

  if (c >= 0x20 && c < 0x7f)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    n = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    n = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    n = 4, cp = c & 0x07;
  else
    return 0;                   /* a control character, 0x7f, or no lead byte */
  if (n > left)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3f);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0x80 && cp < 0xa0))
    return 0;                   /* overlong, a surrogate, or a C1 control */
  return n;
}

bool
rb_shm_check_descriptor (const char *text, uint32_t length, char *why,
    size_t why_len)
{
  const unsigned char *p = (const unsigned char *) text;

  for (uint32_t i = 0; i < length;) {
    size_t n = utf8_char_length (p + i, length - i);

    if (n == 0) {
      snprintf (why, why_len, "item descriptor byte %u (0x%02x) is not "
          "printable UTF-8 text", i, p[i]);
      return false;
    }
    i += (uint32_t) n;
  }
  if (p[length] != '\0') {
    snprintf (why, why_len, "item descriptor of %u bytes is not "
        "NUL-terminated", length);
    return false;
  }
  return true;
}

/* The items block of a header snapshot: zero, or an item ring's item size
 * and where its descriptor is (and the descriptor itself when it is in the
 * snapshot). A descriptor after the struct is checked by its reader
 * (rb-ring-items.c), which reads it from the file. */
static enum rb_shm_problem
check_items (const struct rb_shm_header *h, char *why, size_t why_len)
{
  uint32_t off = h->item_descriptor_offset, len = h->item_descriptor_length;

  if (h->item_size == 0) {
    if (off != 0 || len != 0)
      REFUSE (RB_SHM_CORRUPT, "item descriptor (offset %u, length %u) in a "
          "ring that is not an item ring", off, len);
    return RB_SHM_OK;
  }
  if (h->sample_format != RB_FORMAT_NONE || (h->flags & RB_CORE_FLAG_RECORDS))
    REFUSE (RB_SHM_CORRUPT, "item size %u in an audio or records ring",
        h->item_size);
  if (h->frame_size != h->item_size)
    REFUSE (RB_SHM_CORRUPT, "item size %u does not match the frame size %u",
        h->item_size, h->frame_size);
  if (h->item_size > h->capacity)
    REFUSE (RB_SHM_CORRUPT, "item size %u exceeds the capacity %" PRIu64,
        h->item_size, h->capacity);
  if (len > RB_SHM_DESCRIPTOR_MAX)
    REFUSE (RB_SHM_CORRUPT, "item descriptor length %u exceeds %u", len,
        RB_SHM_DESCRIPTOR_MAX);
  if ((off == 0) != (len == 0))
    REFUSE (RB_SHM_CORRUPT, "item descriptor offset %u with length %u", off,
        len);
  if (off == RB_SHM_DESCRIPTOR_INLINE) {
    if (len >= sizeof h->item_descriptor)
      REFUSE (RB_SHM_CORRUPT, "item descriptor of %u bytes does not fit at "
          "offset %u", len, off);
    if (!rb_shm_check_descriptor (h->item_descriptor, len, why, why_len))
      return RB_SHM_CORRUPT;
  } else if (off == RB_SHM_DESCRIPTOR_AFTER) {
    if ((uint64_t) off + len + 1 > h->header_size)
      REFUSE (RB_SHM_CORRUPT, "item descriptor of %u bytes at offset %u "
          "overruns the %u-byte header", len, off, h->header_size);
  } else if (off != 0) {
    REFUSE (RB_SHM_CORRUPT, "invalid item descriptor offset %u", off);
  }
  return RB_SHM_OK;
}

/* The usable size of a header snapshot whose capacity and format are
 * checked: 0 (a ring made before the field existed) means the whole
 * storage, unless a later identity field is set, which no writer of such a
 * ring did. */
static enum rb_shm_problem
check_usable (const struct rb_shm_header *h, uint64_t *usable, char *why,
    size_t why_len)
{
  static const uint8_t zeros[128 - offsetof (struct rb_shm_header, usable)];
  const uint8_t *room = (const uint8_t *) h + offsetof (struct rb_shm_header,
      usable) + sizeof h->usable;

  static_assert (offsetof (struct rb_shm_header, write_pos) == 128,
      "the identity block's room ends at the producer block");
  if (h->usable == 0) {
    if (h->reserved_identity != 0 ||
        memcmp (room, zeros, 128 - (size_t) (room - (const uint8_t *) h)) != 0)
      REFUSE (RB_SHM_CORRUPT, "usable capacity 0 in a header whose newer "
          "identity fields are set (a forged or damaged header)");
    *usable = h->capacity;
    return RB_SHM_OK;
  }
  if (h->usable > h->capacity)
    REFUSE (RB_SHM_CORRUPT, "usable capacity %" PRIu64 " is larger than the "
        "storage of %" PRIu64 " bytes", h->usable, h->capacity);
  /* an item ring's frame size is checked after this (check_items()): a
   * forged 0 there must not divide here (the fuzzer found it) */
  if (h->frame_size != 0 && h->usable % h->frame_size != 0)
    REFUSE (RB_SHM_CORRUPT, "usable capacity %" PRIu64 " is not a multiple "
        "of the frame size %u", h->usable, h->frame_size);
  if ((h->flags & RB_CORE_FLAG_RECORDS) && h->usable < RB_CORE_RECORD_MIN)
    REFUSE (RB_SHM_CORRUPT, "usable capacity %" PRIu64 " of a records ring "
        "is smaller than one record header (%u bytes)", h->usable,
        (unsigned) RB_CORE_RECORD_MIN);
  *usable = h->usable;
  return RB_SHM_OK;
}

enum rb_shm_problem
rb_shm_validate (const void *image, uint64_t image_size, uint64_t page_size,
    struct rb_ring_identity *id, char *why, size_t why_len)
{
  struct rb_shm_header h;
  enum rb_shm_problem problem;
  uint64_t magic, w, r, usable;

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
  problem = check_format (&h, why, why_len);
  if (problem == RB_SHM_OK)
    problem = check_usable (&h, &usable, why, why_len);
  if (problem == RB_SHM_OK)
    problem = check_items (&h, why, why_len);
  if (problem != RB_SHM_OK)
    return problem;
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
  /* The watch words (watch_*) are not checked: every value is a possible
   * position or count, and what a forged one can cost is bounded where
   * they are read (watch_due() in rb-ring-core.c: one system call per
   * change of an announce word) and where they are written
   * (rb-ring-watch.c only compares them). */
#undef REFUSE

  id->header_size = h.header_size;
  id->capacity = usable;
  id->storage = h.capacity;
  id->file_size = h.file_size;
  id->flags = h.flags;
  id->sample_format = h.sample_format;
  id->channels = h.channels;
  id->rate = h.rate;
  id->frame_size = h.frame_size;
  id->item_size = h.item_size;
  id->item_descriptor_offset = h.item_descriptor_offset;
  id->item_descriptor_length = h.item_descriptor_length;
  if (why_len > 0)
    why[0] = '\0';
  return RB_SHM_OK;
}

/* --- a new header ----------------------------------------------------------- */

bool
rb_capacity_round (uint64_t requested, uint64_t page_size, uint64_t *storage)
{
  uint64_t cap = page_size;

  if (requested == 0 || requested > (UINT64_C (1) << 31))
    return false;
  while (cap < requested)
    cap <<= 1;
  if (cap > (UINT64_C (1) << 31))
    return false;
  *storage = cap;
  return true;
}

int
rb_shm_reserve (int fd, size_t size, const char **what)
{
  int err;

  if (ftruncate (fd, (off_t) size) < 0) {
    *what = "ftruncate";
    return errno;
  }
  /* posix_fallocate returns the error number rather than setting errno */
  err = posix_fallocate (fd, 0, (off_t) size);
  if (err != 0)
    *what = "posix_fallocate";
  return err;
}

void
rb_shm_header_init (struct rb_shm_header *hdr, uint32_t header_size,
    uint64_t storage, uint64_t usable, uint32_t flags, uint32_t format,
    uint32_t channels, uint32_t rate)
{
  size_t ssize = rb_format_sample_size (format);

  hdr->layout_version = RB_SHM_LAYOUT_VERSION;
  hdr->header_size = header_size;
  hdr->capacity = storage;
  hdr->usable = usable;
  hdr->file_size = header_size + storage;
  hdr->flags = flags;
  hdr->sample_format = format;
  hdr->channels = format == RB_FORMAT_NONE ? 0 : channels;
  hdr->rate = format == RB_FORMAT_NONE ? 0 : rate;
  hdr->frame_size = (uint32_t) (format == RB_FORMAT_NONE ? 1 : ssize * channels);
  atomic_store_explicit (&hdr->write_pos, 0, memory_order_relaxed);
  atomic_store_explicit (&hdr->write_reserve, 0, memory_order_relaxed);
  atomic_store_explicit (&hdr->read_pos, 0, memory_order_relaxed);
}

void
rb_shm_header_publish (struct rb_shm_header *hdr)
{
  /* release: the identity and control blocks are complete before the ring
   * is recognised as one. An attaching process reads the header with
   * pread() (a system call orders it) and validates the magic first. */
  atomic_store_explicit (&hdr->magic, RB_SHM_MAGIC, memory_order_release);
}

/* --- liveness --------------------------------------------------------------- */

/* Reads a process's state letter and start time (clock ticks since boot)
 * from /proc/PID/stat. Returns false if the process is not there. */
static bool
process_stat (uint32_t pid, char *state, uint64_t *start)
{
  char path[64], buf[1024];
  const char *p;
  char *end;
  unsigned long long st;
  ssize_t n;
  int fd, field;

  snprintf (path, sizeof path, "/proc/%u/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  /* The command name (field 2) may hold spaces and parentheses: count
   * fields from the last ')'. The state is field 3, starttime field 22. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return false;
  *state = p[2];
  for (field = 2; *p != '\0' && field < 22; p++)
    if (*p == ' ')
      field++;
  errno = 0;
  st = strtoull (p, &end, 10);
  if (end == p || errno != 0)
    return false;
  *start = st;
  return true;
}

uint64_t
rb_process_start_time (uint32_t pid)
{
  char state;
  uint64_t start;

  return process_stat (pid, &state, &start) ? start : 0;
}

char
rb_process_state (uint32_t pid)
{
  char state;
  uint64_t start;

  if (!process_stat (pid, &state, &start))
    return 0;
  return state;
}

uint64_t
rb_owner_self (void)
{
  uint32_t pid = (uint32_t) getpid ();

  return (uint64_t) (uint32_t) rb_process_start_time (pid) << 32 | pid;
}

/* The largest pid the kernel hands out now (/proc/sys/kernel/pid_max),
 * read on every call since root may raise it; PID_MAX_LIMIT (2^22, the
 * most it can be on 64 bits) when it cannot be read. */
static uint32_t
pid_max (void)
{
  char buf[32];
  unsigned long v;
  char *end;
  ssize_t n;
  int fd = open ("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return UINT32_C (4194304);
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return UINT32_C (4194304);
  buf[n] = '\0';
  errno = 0;
  v = strtoul (buf, &end, 10);
  if (end == buf || errno != 0 || v == 0 || v > UINT32_C (4194304))
    return UINT32_C (4194304);
  return (uint32_t) v;
}

bool
rb_owner_alive (uint64_t owner)
{
  uint32_t pid = rb_owner_pid (owner);
  uint32_t start = rb_owner_start (owner);
  uint64_t now_start;
  char state;

  /* An owner word is input from another process. A pid the kernel cannot
   * have handed out is nobody: 0, one that is negative as a pid_t (to
   * kill() -1 means "every process we may signal", 0 and below process
   * groups, so kill (-1, 0) would succeed), and one at or above pid_max
   * (pids run from 1 to pid_max - 1). */
  if (pid == 0 || pid > (uint32_t) INT32_MAX || pid >= pid_max ())
    return false;
  if (kill ((pid_t) pid, 0) < 0 && errno == ESRCH)
    return false;
  if (!process_stat (pid, &state, &now_start)) {
    /* Either /proc is unreadable (another pid namespace, hidepid), or the
     * process was a zombie that its parent reaped since kill() above.
     * Ask again: only the first case still finds it. */
    return !(kill ((pid_t) pid, 0) < 0 && errno == ESRCH);
  }
  /* a zombie has died, whether or not its parent has reaped it */
  if (state == 'Z' || state == 'X')
    return false;
  /* a pid now used by another process: ours died. Start 0 means it could
   * not be read at claim time: trust the pid. A stopped process is alive. */
  return start == 0 || (uint32_t) now_start == start;
}

static _Atomic uint64_t *
owner_word (struct rb_shm_header *hdr, int role)
{
  return role == RB_ROLE_PRODUCER ? &hdr->producer_owner : &hdr->consumer_owner;
}

enum rb_peer
rb_shm_peer_state (struct rb_shm_header *hdr, int role, uint32_t *generation,
    uint32_t *pid)
{
  _Atomic uint32_t *genp = role == RB_ROLE_PRODUCER ?
      &hdr->producer_generation : &hdr->consumer_generation;
  uint64_t owner;

  /* relaxed throughout: liveness is a hint re-read every slice, and no data
   * is read on its strength (data visibility comes from the positions). */
  *generation = atomic_load_explicit (genp, memory_order_relaxed);
  owner = atomic_load_explicit (owner_word (hdr, role), memory_order_relaxed);
  if (pid != NULL)
    *pid = rb_owner_pid (owner);
  if (owner == 0)
    return *generation == 0 ? RB_PEER_NONE : RB_PEER_GONE;
  return rb_owner_alive (owner) ? RB_PEER_ALIVE : RB_PEER_GONE;
}

bool
rb_shm_claim (struct rb_shm_header *hdr, int role, uint64_t self,
    uint64_t *holder)
{
  _Atomic uint64_t *word = owner_word (hdr, role);
  /* acquire: pairs with the release in rb_shm_release(). */
  uint64_t cur = atomic_load_explicit (word, memory_order_acquire);
  uint32_t gen;

  for (;;) {
    /* relaxed: the creator's fields are written before the ring's magic is
     * published and never change after. The creator may be this process:
     * a second object here takes a role from the creator's object, as a
     * second process would (the owner word cannot tell them apart). */
    bool creator_both = cur != 0 &&
        cur == atomic_load_explicit (&hdr->creator_owner, memory_order_relaxed)
        && atomic_load_explicit (&hdr->creator_role, memory_order_relaxed) ==
        RB_ROLE_BOTH;

    if (cur != 0 && !creator_both && rb_owner_alive (cur)) {
      *holder = cur;
      return false;
    }
    /* acq_rel: acquire pairs with the release in rb_shm_release() of the
     * previous holder (its last positions are visible); release publishes
     * the claim before anything we write as the new holder. */
    if (atomic_compare_exchange_weak_explicit (word, &cur, self,
            memory_order_acq_rel, memory_order_acquire))
      break;
  }
  /* relaxed: statistics of the control block, read as hints (a reader
   * that acquires a write position this producer publishes sees it). */
  gen = atomic_fetch_add_explicit (role == RB_ROLE_PRODUCER ?
      &hdr->producer_generation : &hdr->consumer_generation, 1,
      memory_order_relaxed) + 1;
  if (role == RB_ROLE_PRODUCER) {
    /* relaxed: write_pos is ours now, and the claim's acquire made the
     * predecessor's last store visible; producer_start is published by
     * the release store of its generation (pairs with the acquire load in
     * rb-reader.c, check_restart()) */
    atomic_store_explicit (&hdr->producer_start,
        atomic_load_explicit (&hdr->write_pos, memory_order_relaxed),
        memory_order_relaxed);
    atomic_store_explicit (&hdr->producer_start_generation, gen,
        memory_order_release);
    atomic_store_explicit (&hdr->producer_detached, 0, memory_order_relaxed);
    /* A new producer starts a new stream: an end of stream its
     * predecessor marked is over. release: pairs with the acquire load in
     * rb_ring_core_is_eos(). */
    atomic_store_explicit (&hdr->eos, 0, memory_order_release);
  }
  *holder = 0;
  return true;
}

void
rb_shm_release (struct rb_shm_header *hdr, int role, uint64_t self)
{
  uint64_t expected = self;

  /* relaxed: a hint for ringbridge-stat; peers go by the owner word. */
  if (role == RB_ROLE_PRODUCER)
    atomic_store_explicit (&hdr->producer_detached, 1, memory_order_relaxed);
  /* release: pairs with the acquire in rb_shm_claim() of the next holder. */
  atomic_compare_exchange_strong_explicit (owner_word (hdr, role), &expected,
      0, memory_order_release, memory_order_relaxed);
  /* whoever waits on us re-checks, and finds us gone */
  rb_wake (&hdr->data_wake);
  rb_wake (&hdr->space_wake);
}

/* --- the readers count ---------------------------------------------------- */

/* Adds @delta (+1 or -1) unless that would leave 0..RB_SHM_MAX_READERS: a
 * forged or stale count never wraps. */
static void
reader_count_add (struct rb_shm_header *hdr, int delta)
{
  /* relaxed: an advisory count for monitors; nothing is read through it
   * (pairs with the relaxed load in rb_shm_reader_count()) */
  uint32_t v = atomic_load_explicit (&hdr->readers, memory_order_relaxed);

  do {
    /* a forged value above the limit is left alone for monitors to see */
    if (v > RB_SHM_MAX_READERS || (delta < 0 && v == 0) ||
        (delta > 0 && v == RB_SHM_MAX_READERS))
      return;
    /* relaxed: as above; the CAS only keeps concurrent attaches exact */
  } while (!atomic_compare_exchange_weak_explicit (&hdr->readers, &v,
          v + (uint32_t) delta, memory_order_relaxed, memory_order_relaxed));
}

void
rb_shm_reader_join (struct rb_shm_header *hdr)
{
  reader_count_add (hdr, 1);
}

void
rb_shm_reader_leave (struct rb_shm_header *hdr)
{
  reader_count_add (hdr, -1);
}

int64_t
rb_shm_reader_count (const struct rb_shm_header *hdr)
{
  /* relaxed: pairs with the relaxed CAS in reader_count_add(); a count */
  uint32_t v = atomic_load_explicit (&((struct rb_shm_header *) hdr)->readers,
      memory_order_relaxed);

  return v > RB_SHM_MAX_READERS ? -1 : (int64_t) v;
}
