/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/**
 * RbRing:
 *
 * A lock-free single-producer/single-consumer ring of bytes or audio frames.
 *
 * One thread (or process) writes, one reads, and neither ever waits for the
 * other: a write that does not fit and a read that finds too little come
 * back short, with the amount moved. That makes both sides usable from a
 * realtime thread such as a JACK process callback. The data area is mapped
 * twice back to back, so every region the ring hands out is contiguous:
 * each transfer is one copy and zero-copy regions never split at the wrap.
 *
 * Positions are 64-bit byte counts since the ring was created; they only
 * grow, so `rb_ring_get_write_position()` is also "how much was ever
 * written" and an absolute sample index for audio rings.
 *
 * Each function's description ends with its thread contract:
 * "Thread: producer" (only the one thread that writes), "Thread: consumer"
 * (only the one thread that reads), or "Thread: any". "RT-safe" means the
 * call allocates nothing and takes no lock, so it may be called from a
 * realtime callback; the same line says when it may enter the kernel:
 * never, or (calls that publish a position) for one FUTEX_WAKE when the
 * other side announced a wait since the last wake.
 *
 * A ring object opened as %RB_RING_ROLE_PRODUCER refuses the consumer's
 * calls, one opened as %RB_RING_ROLE_CONSUMER the producer's, and a
 * %RB_RING_ROLE_READER both (it reads with rb_ring_read_at()). A refused
 * call, a %NULL ring and a %NULL buffer are programming errors: the call
 * logs a critical warning naming the function and the problem and returns
 * 0, %FALSE or %NULL having moved nothing. The warning allocates and
 * writes to stderr, even on a realtime thread; a correct program never
 * pays more than one predictable branch per check.
 *
 * On an audio ring every call moves whole frames, byte calls included:
 * byte counts are rounded down to whole frames.
 *
 * With %RB_RING_FLAGS_OVERWRITE the producer never comes up short: it
 * overwrites the oldest data, and any number of readers follow by absolute
 * position with rb_ring_read_at().
 *
 * See docs/ring.md for the model in full.
 */

#include "config.h"

#include "rb-ring.h"
#include "rb-enum-types.h"
#include "rb-mapping-private.h"
#include "rb-ring-core-private.h"
#include "rb-record-private.h"
#include "rb-ring-private.h"
#include "rb-wait-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gio/gio.h>

static_assert ((int) RB_SAMPLE_FORMAT_NONE == RB_FORMAT_NONE &&
    (int) RB_SAMPLE_FORMAT_U8 == RB_FORMAT_U8 &&
    (int) RB_SAMPLE_FORMAT_S16LE == RB_FORMAT_S16LE &&
    (int) RB_SAMPLE_FORMAT_S24LE == RB_FORMAT_S24LE &&
    (int) RB_SAMPLE_FORMAT_S24_32LE == RB_FORMAT_S24_32LE &&
    (int) RB_SAMPLE_FORMAT_S32LE == RB_FORMAT_S32LE &&
    (int) RB_SAMPLE_FORMAT_F32LE == RB_FORMAT_F32LE &&
    (int) RB_SAMPLE_FORMAT_F64LE == RB_FORMAT_F64LE,
    "RbSampleFormat and the core's formats agree");
static_assert ((int) RB_RANGE_AVAILABLE == RB_RANGE_OK &&
    (int) RB_RANGE_OVERWRITTEN == RB_RANGE_GONE &&
    (int) RB_RANGE_NOT_YET_WRITTEN == RB_RANGE_FUTURE,
    "RbRangeStatus and the core's ranges agree");
static_assert ((unsigned) RB_RING_FLAGS_OVERWRITE == RB_CORE_FLAG_OVERWRITE &&
    (unsigned) RB_RING_FLAGS_RECORDS == RB_CORE_FLAG_RECORDS,
    "RbRingFlags and the core's flags agree");
static_assert ((int) RB_WAIT_READY == RB_CORE_WAIT_READY &&
    (int) RB_WAIT_TIMEOUT == RB_CORE_WAIT_TIMEOUT &&
    (int) RB_WAIT_INTERRUPTED == RB_CORE_WAIT_INTERRUPTED &&
    (int) RB_WAIT_END_OF_STREAM == RB_CORE_WAIT_EOS &&
    (int) RB_WAIT_PEER_GONE == RB_CORE_WAIT_PEER_GONE,
    "RbWaitResult and the core's wait results agree");
static_assert ((int) RB_PEER_STATE_NONE == RB_PEER_NONE &&
    (int) RB_PEER_STATE_ALIVE == RB_PEER_ALIVE &&
    (int) RB_PEER_STATE_GONE == RB_PEER_GONE,
    "RbPeerState and the core's peer states agree");
static_assert ((int) RB_RING_ROLE_BOTH == RB_ROLE_BOTH &&
    (int) RB_RING_ROLE_PRODUCER == RB_ROLE_PRODUCER &&
    (int) RB_RING_ROLE_CONSUMER == RB_ROLE_CONSUMER &&
    (int) RB_RING_ROLE_READER == RB_ROLE_READER,
    "RbRingRole and the core's roles agree");

typedef enum {
  ACTION_NEW,                   /* anonymous, in a memfd */
  ACTION_CREATE,                /* a new named ring */
  ACTION_OPEN,                  /* an existing named ring */
  ACTION_FD,                    /* a ring passed as a file descriptor */
} Action;

struct _RbRing
{
  GObject parent_instance;

  struct rb_ring_core *core;    /* cache-line aligned, see alloc_core() */
  struct rb_mapping map;

  /* how to construct, and the construct-only properties as requested */
  Action action;
  gchar *name;
  gint fd;
  guint mode;
  RbRingOpenFlags open_flags;
  RbRingRole role;
  guint64 requested_capacity;
  RbRingFlags flags;
  RbSampleFormat format;
  guint channels;
  guint rate;

  /* sharing */
  uint64_t self_owner;          /* our owner word (pid, start time) */
  gboolean claimed;
  _Atomic uint32_t interrupted; /* rb_ring_interrupt(); read by waits */
  uint32_t reported_generation; /* peer departure already reported */
  gboolean unsealed;            /* a named ring's file: may be truncated */
  _Atomic uint32_t orphaned;    /* its file was truncated: see orphan() */
};

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_FLAGS,
  PROP_SAMPLE_FORMAT,
  PROP_CHANNELS,
  PROP_RATE,
  PROP_FRAME_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void rb_ring_initable_iface_init (GInitableIface *iface);
static void set_exists_error (const gchar *name, GError **error);
static void set_open_error (const gchar *name, const gchar *path, int res,
    GError **error);
static void release_roles (RbRing *self);
static gboolean check_file (RbRing *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (RbRing, rb_ring, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, rb_ring_initable_iface_init))

/**
 * rb_ring_error_quark:
 *
 * The quark of the %RB_RING_ERROR domain; use the macro instead.
 *
 * Thread: any.
 *
 * Returns: the error domain of ring construction and attach errors
 */
G_DEFINE_QUARK (rb-ring-error-quark, rb_ring_error)

/* --- sample formats ------------------------------------------------------- */

static const char *const format_names[] = {
  [RB_SAMPLE_FORMAT_NONE] = "NONE",
  [RB_SAMPLE_FORMAT_U8] = "U8",
  [RB_SAMPLE_FORMAT_S16LE] = "S16LE",
  [RB_SAMPLE_FORMAT_S24LE] = "S24LE",
  [RB_SAMPLE_FORMAT_S24_32LE] = "S24_32LE",
  [RB_SAMPLE_FORMAT_S32LE] = "S32LE",
  [RB_SAMPLE_FORMAT_F32LE] = "F32LE",
  [RB_SAMPLE_FORMAT_F64LE] = "F64LE",
};

/**
 * rb_sample_format_get_size:
 * @format: a sample format
 *
 * Gets the size of one sample of a format.
 *
 * Thread: any. RT-safe.
 *
 * Returns: the size of one sample of @format in bytes: 1 for
 *   %RB_SAMPLE_FORMAT_NONE (a byte ring's "frame"), 0 for a value that is
 *   not a sample format.
 */
gsize
rb_sample_format_get_size (RbSampleFormat format)
{
  return rb_format_sample_size ((uint32_t) format);
}

/**
 * rb_sample_format_to_string:
 * @format: a sample format
 *
 * Gets the GStreamer name of a sample format.
 *
 * Thread: any. RT-safe.
 *
 * Returns: (nullable): the GStreamer name of @format (`"S16LE"`, `"F32LE"`,
 *   ...), "NONE" for %RB_SAMPLE_FORMAT_NONE, or %NULL if @format is not a
 *   sample format.
 */
const gchar *
rb_sample_format_to_string (RbSampleFormat format)
{
  if ((guint) format >= G_N_ELEMENTS (format_names))
    return NULL;
  return format_names[format];
}

/**
 * rb_sample_format_from_string:
 * @name: a GStreamer audio format name such as `"S16LE"`
 *
 * Looks up a sample format by its GStreamer name.
 *
 * Thread: any.
 *
 * Returns: the sample format called @name (case-insensitive), or
 *   %RB_SAMPLE_FORMAT_NONE if there is none.
 */
RbSampleFormat
rb_sample_format_from_string (const gchar *name)
{
  g_return_val_if_fail (name != NULL, RB_SAMPLE_FORMAT_NONE);

  for (guint i = 1; i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (name, format_names[i]) == 0)
      return (RbSampleFormat) i;
  return RB_SAMPLE_FORMAT_NONE;
}

/* --- construction ---------------------------------------------------------- */

static int
error_code_for_errno (int err)
{
  switch (err) {
    case ENOMEM:
    case EAGAIN:
      return RB_RING_ERROR_NO_MEMORY;
    case ENOSPC:
    case EFBIG:
      return RB_RING_ERROR_NO_SPACE;
    case EACCES:
    case EPERM:
      return RB_RING_ERROR_PERMISSION;
    case EEXIST:
      return RB_RING_ERROR_EXISTS;
    case ENOENT:
      return RB_RING_ERROR_NOT_FOUND;
    default:
      return RB_RING_ERROR_FAILED;
  }
}

/* GObject refuses out-of-range flags with a warning and keeps the default;
 * the constructors refuse them with an error that names them instead. */
static gboolean
check_flags (RbRingFlags flags, GError **error)
{
  const RbRingFlags known = RB_RING_FLAGS_OVERWRITE | RB_RING_FLAGS_RECORDS;

  if ((flags & ~known) != 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS,
        "unknown ring flags 0x%x", (guint) (flags & ~known));
    return FALSE;
  }
  if ((flags & RB_RING_FLAGS_OVERWRITE) && (flags & RB_RING_FLAGS_RECORDS)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS,
        "a records ring cannot be an overwrite ring: a reader could not "
        "find where the records start");
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_role (RbRingRole role, GError **error)
{
  if ((guint) role > RB_RING_ROLE_READER) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "%d is not a ring role", (int) role);
    return FALSE;
  }
  return TRUE;
}

/* Checks the requested identity of a ring to be made, and rounds its
 * capacity. */
static gboolean
check_new_identity (RbRing *self, size_t page, uint64_t *capacity,
    GError **error)
{
  if (!check_flags (self->flags, error) || !check_role (self->role, error))
    return FALSE;
  if (rb_sample_format_get_size (self->format) == 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
        "%d is not a sample format", (int) self->format);
    return FALSE;
  }
  if (self->format != RB_SAMPLE_FORMAT_NONE) {
    if (self->channels < 1 || self->channels > RB_RING_MAX_CHANNELS) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
          "an audio ring needs 1 to %d channels, not %u",
          RB_RING_MAX_CHANNELS, self->channels);
      return FALSE;
    }
    if (self->rate < 1 || self->rate > RB_RING_MAX_RATE) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
          "an audio ring needs a rate of 1 to %d Hz, not %u",
          RB_RING_MAX_RATE, self->rate);
      return FALSE;
    }
  }
  if (self->role == RB_RING_ROLE_READER &&
      !(self->flags & RB_RING_FLAGS_OVERWRITE)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "only an overwrite ring has readers besides its consumer");
    return FALSE;
  }
  if ((self->flags & RB_RING_FLAGS_RECORDS) &&
      self->format != RB_SAMPLE_FORMAT_NONE) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS,
        "a records ring carries no sample format (%s given)",
        rb_sample_format_to_string (self->format));
    return FALSE;
  }
  if (!rb_capacity_round (self->requested_capacity, page, capacity)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "capacity %" G_GUINT64_FORMAT " bytes is out of range: a ring holds "
        "1 byte to %" G_GUINT64_FORMAT " bytes (rounded up to a power of two "
        "of at least %zu)", self->requested_capacity,
        (guint64) RB_RING_MAX_CAPACITY, page);
    return FALSE;
  }
  return TRUE;
}

/* The core's two sides live on separate cache lines, which GObject's
 * instance allocator does not promise: allocate it aligned. */
static gboolean
alloc_core (RbRing *self, GError **error)
{
  self->core = aligned_alloc (RB_CACHELINE,
      (sizeof (struct rb_ring_core) + RB_CACHELINE - 1) &
      ~(size_t) (RB_CACHELINE - 1));
  if (self->core == NULL) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NO_MEMORY,
        "cannot allocate the ring's state");
    return FALSE;
  }
  return TRUE;
}

static struct rb_shm_header *
header_of (RbRing *self)
{
  return self->map.base;
}

/* Takes the ring's roles for this process. */
static gboolean
claim_roles (RbRing *self, GError **error)
{
  struct rb_shm_header *hdr = header_of (self);
  int roles[2], n = 0;
  uint64_t holder;

  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_PRODUCER)
    roles[n++] = RB_ROLE_PRODUCER;
  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_CONSUMER)
    roles[n++] = RB_ROLE_CONSUMER;

  for (int i = 0; i < n; i++) {
    if (!rb_shm_claim (hdr, roles[i], self->self_owner, &holder)) {
      for (int j = 0; j < i; j++)
        rb_shm_release (hdr, roles[j], self->self_owner);
      g_autofree gchar *label = self->name ?
          g_strdup_printf ("ring '%s'", self->name) : g_strdup ("the ring");
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY,
          "%s already has a %s: pid %u is alive%s", label,
          roles[i] == RB_ROLE_PRODUCER ? "producer" : "consumer",
          rb_owner_pid (holder), rb_owner_pid (holder) == (guint) getpid () ?
          " (this process)" : "");
      return FALSE;
    }
  }
  self->claimed = TRUE;
  return TRUE;
}

static void
release_roles (RbRing *self)
{
  struct rb_shm_header *hdr;

  if (!self->claimed)
    return;
  /* the owner words are in the header, which a truncation takes away */
  check_file (self);
  hdr = header_of (self);
  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_PRODUCER)
    rb_shm_release (hdr, RB_ROLE_PRODUCER, self->self_owner);
  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_CONSUMER)
    rb_shm_release (hdr, RB_ROLE_CONSUMER, self->self_owner);
  self->claimed = FALSE;
}

/* Makes a new ring in @fd (a memfd, or a fresh named object of size 0). */
static gboolean
init_new (RbRing *self, int fd, size_t page, size_t header_size,
    uint64_t capacity, GError **error)
{
  struct rb_shm_header *hdr;
  const char *what = NULL;
  int res;

  res = rb_mapping_map (&self->map, fd, header_size, capacity, &what);
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, -res == ENOMEM ?
        RB_RING_ERROR_NO_MEMORY : RB_RING_ERROR_MAP_FAILED,
        "cannot map a %" G_GUINT64_FORMAT "-byte ring: %s: %s", capacity,
        what, g_strerror (-res));
    return FALSE;
  }
  if (!alloc_core (self, error))
    return FALSE;

  hdr = header_of (self);
  rb_shm_header_init (hdr, (uint32_t) header_size, capacity,
      (uint32_t) self->flags, (uint32_t) self->format, self->channels,
      self->rate);
  /* relaxed: nobody can see the ring before its magic is published below. */
  atomic_store_explicit (&hdr->creator_owner, self->self_owner,
      memory_order_relaxed);
  atomic_store_explicit (&hdr->creator_role, (uint32_t) self->role,
      memory_order_relaxed);
  rb_ring_core_init (self->core, hdr, (uint8_t *) hdr + header_size);
  if (!claim_roles (self, error))
    return FALSE;
  rb_shm_header_publish (hdr);
  return TRUE;
}

/* Takes the read lock every user of a named ring holds while it has the
 * ring mapped (RB_LOCK_USERS, see rb-mapping-private.h): the lock belongs
 * to the open file, which the mapping and its dup of the fd keep open, so
 * it lasts exactly as long as our use of the ring, even through a crash.
 * A remover holds the write lock for microseconds: wait that out, but not
 * for ever (a peer with write access could hold it). Returns 0, -EAGAIN
 * or -errno. */
static int
take_users_lock (int fd)
{
  struct timespec pause = { 0, 1000000 };
  int res;

  for (int waited = 0;; waited++) {
    res = rb_shm_lock (fd, RB_LOCK_USERS, F_RDLCK);
    if (res != -EAGAIN || waited >= 1000)
      return res;
    nanosleep (&pause, NULL);
  }
}

/* Opens the named ring at @path for attach, with its users lock taken
 * (see take_users_lock()): the name led to this file after the lock was
 * taken, so no remover has unlinked it nor will (a reclaimer's write lock
 * now fails). Returns the fd or -1 with @error set. */
static int
open_named (const gchar *name, const gchar *path, GError **error)
{
  struct stat st;
  int fd, res;

  for (int attempt = 0;; attempt++) {
    fd = rb_shm_open_path (path, O_RDWR, &st);
    if (fd < 0) {
      set_open_error (name, path, fd, error);
      return -1;
    }
    res = take_users_lock (fd);
    if (res == 0 && rb_shm_names_fd (path, fd))
      return fd;
    close (fd);
    if (res < 0 && res != -EAGAIN) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
          "cannot lock ring '%s' (%s): fcntl(F_OFD_SETLK): %s", name, path,
          g_strerror (-res));
      return -1;
    }
    if (res == -EAGAIN) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY,
          "ring '%s' stays locked by a process that is removing it (%s)",
          name, path);
      return -1;
    }
    /* removed (and perhaps made anew) while we opened it: look again */
    if (attempt == 100) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND,
          "ring '%s' keeps being removed while it is opened (%s)", name,
          path);
      return -1;
    }
  }
}

/* Makes a named ring. The ring is built in an unnamed file (O_TMPFILE in
 * /dev/shm) and linked under its name only once it is complete, so nobody
 * can open a half-made ring; link() fails if the name exists, which keeps
 * creation exclusive. Where O_TMPFILE or /proc is missing, the file is
 * made under its name with O_EXCL instead, and an opener may then meet a
 * ring being made (NOT_A_RING) and should retry. */
static gboolean
init_create (RbRing *self, size_t page, size_t header_size,
    uint64_t capacity, GError **error)
{
  g_autofree gchar *shm_name = g_strconcat ("/" RB_RING_NAME_PREFIX,
      self->name, NULL);
  g_autofree gchar *path = g_strconcat (RB_SHM_DIR, shm_name, NULL);
  g_autofree gchar *proc_link = NULL;
  const char *what = NULL;
  gboolean linked = FALSE;
  int fd, err;

  /* cheap early answer for the common case; link() below decides */
  if (access (path, F_OK) == 0) {
    set_exists_error (self->name, error);
    return FALSE;
  }
  fd = open (RB_SHM_DIR, O_TMPFILE | O_RDWR | O_CLOEXEC, self->mode & 0777);
  if (fd >= 0) {
    proc_link = g_strdup_printf ("/proc/self/fd/%d", fd);
    if (access (proc_link, F_OK) != 0) {
      close (fd);
      fd = -1;
    }
  }
  if (fd < 0) {
    fd = shm_open (shm_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
        self->mode & 0777);
    if (fd < 0) {
      err = errno;
      if (err == EEXIST)
        set_exists_error (self->name, error);
      else
        g_set_error (error, RB_RING_ERROR, error_code_for_errno (err),
            "cannot create ring '%s': %s", self->name, g_strerror (err));
      return FALSE;
    }
    linked = TRUE;              /* it has its name already */
  }

  /* exactly the mode asked for, whatever the umask */
  if (fchmod (fd, self->mode & 0777) < 0) {
    err = errno;
    what = "fchmod";
  } else if ((err = -take_users_lock (fd)) != 0) {
    what = "fcntl(F_OFD_SETLK)";
  } else {
    err = rb_shm_reserve (fd, header_size + capacity, &what);
  }
  if (err != 0) {
    g_set_error (error, RB_RING_ERROR, error_code_for_errno (err),
        "cannot create ring '%s' of %" G_GUINT64_FORMAT " bytes: %s: %s",
        self->name, capacity + header_size, what, g_strerror (err));
    goto fail;
  }
  if (!init_new (self, fd, page, header_size, capacity, error))
    goto fail;
  self->unsealed = TRUE;
  if (!linked &&
      linkat (AT_FDCWD, proc_link, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0) {
    err = errno;
    if (err == EEXIST)
      set_exists_error (self->name, error);
    else
      g_set_error (error, RB_RING_ERROR, error_code_for_errno (err),
          "cannot name ring '%s' (%s): %s", self->name, path,
          g_strerror (err));
    release_roles (self);
    goto fail;
  }
  close (fd);
  return TRUE;

fail:
  /* only our own file: a name that another process removed and reused
   * meanwhile is theirs */
  if (linked)
    rb_shm_unlink_if_same (path, fd, 1000, &what);
  close (fd);
  rb_mapping_unmap (&self->map);
  return FALSE;
}

/* Whether @fd is the file of a named ring (in /dev/shm), rather than a
 * memfd. */
static gboolean
is_named_ring_fd (int fd)
{
  g_autofree gchar *link = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autofree gchar *target = g_file_read_link (link, NULL);

  return target != NULL &&
      g_str_has_prefix (target, RB_SHM_DIR "/" RB_RING_NAME_PREFIX);
}

/* Attaches to the ring in @fd, whose header another process wrote. */
static gboolean
init_attach (RbRing *self, int fd, size_t page, GError **error)
{
  g_autofree gchar *quoted = self->name ?
      g_strdup_printf ("ring '%s'", self->name) : g_strdup ("the passed ring");
  struct rb_ring_identity id;
  struct stat st;
  char why[256];
  guint8 snapshot[sizeof (struct rb_shm_header)];
  ssize_t got;
  enum rb_shm_problem problem;
  int seals, res;
  const char *what = NULL;

  if (fstat (fd, &st) < 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
        "cannot inspect %s: fstat: %s", quoted, g_strerror (errno));
    return FALSE;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING,
        "%s is not a regular file", quoted);
    return FALSE;
  }

  /* A passed memfd must be sealed against shrinking: otherwise its owner
   * could truncate it under our mapping and make our next access SIGBUS. A
   * named ring's file cannot be sealed; trust in it comes from its owner
   * and mode (and a named ring passed as an fd is treated as named). */
  if (self->action == ACTION_FD && !is_named_ring_fd (fd)) {
    seals = fcntl (fd, F_GET_SEALS);
    if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_SEALED,
          "%s is not sealed against shrinking (seals 0x%x): its owner could "
          "truncate it under us", quoted, seals < 0 ? 0u : (guint) seals);
      return FALSE;
    }
  } else {
    self->unsealed = TRUE;
    if (st.st_uid != geteuid () &&
        !(self->open_flags & RB_RING_OPEN_FLAGS_ANY_OWNER)) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
          "refusing %s owned by uid %u (we are uid %u)", quoted,
          (guint) st.st_uid, (guint) geteuid ());
      return FALSE;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
        !(self->open_flags & RB_RING_OPEN_FLAGS_SHARED_WRITE)) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
          "refusing %s with mode %04o: writable by others", quoted,
          (guint) (st.st_mode & 07777));
      return FALSE;
    }
  }

  /* One snapshot of the header, validated against the file's size; the
   * mapping is then made from the validated identity, so nothing a peer
   * changes afterwards can make us map or index out of bounds. */
  for (int attempt = 0;; attempt++) {
    memset (snapshot, 0, sizeof snapshot);
    got = pread (fd, snapshot, sizeof snapshot, 0);
    if (got < 0) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
          "cannot read %s: %s", quoted, g_strerror (errno));
      return FALSE;
    }
    problem = rb_shm_validate (snapshot, (uint64_t) st.st_size, page, &id,
        why, sizeof why);
    /* positions seen at two moments of a busy ring: look again */
    if (problem != RB_SHM_BAD_POSITIONS || attempt == 4)
      break;
  }
  switch (problem) {
    case RB_SHM_OK:
      break;
    case RB_SHM_TOO_SMALL:
    case RB_SHM_NOT_A_RING:
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING, "%s: %s",
          quoted, why);
      return FALSE;
    case RB_SHM_INCOMPATIBLE:
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INCOMPATIBLE, "%s: %s",
          quoted, why);
      return FALSE;
    case RB_SHM_CORRUPT:
    default:
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT, "%s: %s",
          quoted, why);
      return FALSE;
  }
  if (self->role == RB_RING_ROLE_READER &&
      !(id.flags & RB_CORE_FLAG_OVERWRITE)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "%s is not an overwrite ring: only its consumer can read it", quoted);
    return FALSE;
  }

  res = rb_mapping_map (&self->map, fd, id.header_size, id.capacity, &what);
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, -res == ENOMEM ?
        RB_RING_ERROR_NO_MEMORY : RB_RING_ERROR_MAP_FAILED,
        "cannot map %s: %s: %s", quoted, what, g_strerror (-res));
    return FALSE;
  }
  /* The file may have been cut short between the fstat() above and the
   * mapping, which would not notice: look again before the first access. */
  if (self->unsealed && (fstat (fd, &st) < 0 ||
          (uint64_t) st.st_size < id.file_size)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT,
        "%s was truncated to %" G_GINT64_FORMAT " bytes while it was "
        "attached (the ring needs %" G_GUINT64_FORMAT ")", quoted,
        (gint64) st.st_size, id.file_size);
    return FALSE;
  }
  if (!alloc_core (self, error))
    return FALSE;
  /* Claim first, then read the positions we continue from: a producer
   * that replaces a dead one picks up its last write position. */
  if (!claim_roles (self, error))
    return FALSE;
  rb_ring_core_init_identity (self->core, &id, header_of (self),
      (uint8_t *) self->map.base + id.header_size);

  self->flags = (RbRingFlags) id.flags;
  self->format = (RbSampleFormat) id.sample_format;
  self->channels = id.channels;
  self->rate = id.rate;
  return TRUE;
}

static gboolean
rb_ring_initable_init (GInitable *initable, GCancellable *cancellable,
    GError **error)
{
  RbRing *self = RB_RING (initable);
  size_t page = rb_page_size ();
  size_t header_size = MAX (page, sizeof (struct rb_shm_header));
  g_autofree gchar *path = NULL;
  const char *what = NULL;
  uint64_t capacity;
  gboolean ok;
  int fd;

  if (self->core != NULL)
    return TRUE;
  self->self_owner = rb_owner_self ();

  switch (self->action) {
    case ACTION_NEW:
      if (!check_new_identity (self, page, &capacity, error))
        return FALSE;
      fd = rb_memfd_create ("ringbridge", header_size, capacity, &what);
      if (fd < 0) {
        int code = error_code_for_errno (-fd);
        if (-fd == ENOSYS || -fd == EINVAL)
          code = RB_RING_ERROR_NO_MEMFD;
        g_set_error (error, RB_RING_ERROR, code,
            "cannot create the backing file of a %" G_GUINT64_FORMAT
            "-byte ring: %s: %s", capacity, what, g_strerror (-fd));
        return FALSE;
      }
      ok = init_new (self, fd, page, header_size, capacity, error);
      close (fd);
      return ok;

    case ACTION_CREATE:
      if (!rb_ring_name_validate (self->name, error) ||
          !check_new_identity (self, page, &capacity, error))
        return FALSE;
      return init_create (self, page, header_size, capacity, error);

    case ACTION_OPEN:
      if (!rb_ring_name_validate (self->name, error) ||
          !check_role (self->role, error))
        return FALSE;
      path = g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX, self->name,
          NULL);
      fd = open_named (self->name, path, error);
      if (fd < 0)
        return FALSE;
      ok = init_attach (self, fd, page, error);
      close (fd);
      return ok;

    case ACTION_FD:
      if (!check_role (self->role, error))
        return FALSE;
      /* a named ring passed as an fd: count as one of its users, so it is
       * not reclaimed under us (best effort: the sender's lock, on the
       * same open file, may already cover us) */
      if (is_named_ring_fd (self->fd))
        (void) rb_shm_lock (self->fd, RB_LOCK_USERS, F_RDLCK);
      return init_attach (self, self->fd, page, error);

    default:
      g_assert_not_reached ();
  }
}

static void
rb_ring_initable_iface_init (GInitableIface *iface)
{
  iface->init = rb_ring_initable_init;
}

/* Frames to bytes for an audio ring, refusing what cannot be one. */
static gboolean
audio_bytes (RbSampleFormat format, guint channels, gsize frames,
    guint64 *bytes, GError **error)
{
  gsize ssize = rb_sample_format_get_size (format);

  if (format == RB_SAMPLE_FORMAT_NONE || ssize == 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
        "%d is not an audio sample format", (int) format);
    return FALSE;
  }
  if (channels < 1 || channels > RB_RING_MAX_CHANNELS) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
        "an audio ring needs 1 to %d channels, not %u", RB_RING_MAX_CHANNELS,
        channels);
    return FALSE;
  }
  /* frames * frame size, without overflowing */
  if (frames > RB_RING_MAX_CAPACITY / (ssize * channels)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "%" G_GSIZE_FORMAT " frames of %" G_GSIZE_FORMAT " bytes exceed the "
        "largest ring (%" G_GUINT64_FORMAT " bytes)", frames, ssize * channels,
        (guint64) RB_RING_MAX_CAPACITY);
    return FALSE;
  }
  *bytes = (guint64) frames * ssize * channels;
  return TRUE;
}

typedef struct {
  Action action;
  const gchar *name;
  gint fd;
  RbRingRole role;
  guint mode;
  RbRingOpenFlags open_flags;
  guint64 capacity;
  RbRingFlags flags;
  RbSampleFormat format;
  guint channels;
  guint rate;
} Recipe;

static RbRing *
construct (const Recipe *r, GError **error)
{
  RbRing *ring;

  /* checked here as well as in init(): GObject would only warn about an
   * out-of-range enum or flags value */
  if (!check_flags (r->flags, error) || !check_role (r->role, error))
    return NULL;
  if (rb_sample_format_get_size (r->format) == 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
        "%d is not a sample format", (int) r->format);
    return NULL;
  }
  ring = g_object_new (RB_TYPE_RING, NULL);
  ring->action = r->action;
  ring->name = g_strdup (r->name);
  ring->fd = r->fd;
  ring->role = r->role;
  ring->mode = r->mode != 0 ? r->mode : 0600;
  ring->open_flags = r->open_flags;
  ring->requested_capacity = r->capacity;
  ring->flags = r->flags;
  ring->format = r->format;
  ring->channels = r->channels;
  ring->rate = r->rate;
  if (!g_initable_init (G_INITABLE (ring), NULL, error)) {
    g_object_unref (ring);
    return NULL;
  }
  return ring;
}

/**
 * rb_ring_new:
 * @capacity: the number of bytes the ring must hold
 * @error: return location for a #GError
 *
 * Creates an anonymous in-process byte ring. @capacity is rounded up to a
 * power of two of at least one page (so rb_ring_get_capacity() may return
 * more than was asked for); it must be between 1 and
 * %RB_RING_MAX_CAPACITY. The memory is reserved and mapped at once, so
 * neither side page-faults or meets a full file system later. The ring's
 * file descriptor (rb_ring_get_fd()) can be passed to another process.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new ring, or %NULL with @error set
 *   (%RB_RING_ERROR_INVALID_CAPACITY, %RB_RING_ERROR_NO_MEMORY, ...)
 */
RbRing *
rb_ring_new (gsize capacity, GError **error)
{
  return rb_ring_new_full (capacity, RB_RING_FLAGS_NONE, error);
}

/**
 * rb_ring_new_full:
 * @capacity: the number of bytes the ring must hold
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @error: return location for a #GError
 *
 * Like rb_ring_new(), with flags.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new ring, or %NULL with @error set
 */
RbRing *
rb_ring_new_full (gsize capacity, RbRingFlags flags, GError **error)
{
  Recipe r = { .action = ACTION_NEW, .fd = -1, .capacity = capacity,
    .flags = flags };

  return construct (&r, error);
}

/**
 * rb_ring_new_audio:
 * @format: the sample format, not %RB_SAMPLE_FORMAT_NONE
 * @channels: the number of interleaved channels, 1 to %RB_RING_MAX_CHANNELS
 * @rate: the sample rate in Hz, 1 to %RB_RING_MAX_RATE
 * @frames: the number of frames the ring must hold
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @error: return location for a #GError
 *
 * Creates an anonymous in-process audio ring. Format, channels and rate are
 * recorded in the ring's header, where the consumer (or another process)
 * reads them. The capacity in bytes is @frames frames rounded up as for
 * rb_ring_new(), so rb_ring_get_capacity_frames() is at least @frames.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new ring, or %NULL with @error set
 *   (%RB_RING_ERROR_INVALID_FORMAT for bad format, channels or rate)
 */
RbRing *
rb_ring_new_audio (RbSampleFormat format, guint channels, guint rate,
    gsize frames, RbRingFlags flags, GError **error)
{
  Recipe r = { .action = ACTION_NEW, .fd = -1, .flags = flags,
    .format = format, .channels = channels, .rate = rate };

  if (!audio_bytes (format, channels, frames, &r.capacity, error))
    return NULL;
  return construct (&r, error);
}

/**
 * rb_ring_create:
 * @name: the ring's name (see rb_ring_name_validate())
 * @capacity: the number of bytes the ring must hold (rounded up as for
 *   rb_ring_new())
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @role: the role this process takes
 * @mode: the file's permissions, e.g. 0600; 0 means 0600
 * @error: return location for a #GError
 *
 * Creates a named ring that other processes can open with rb_ring_open().
 * It lives in `/dev/shm/ringbridge-NAME` until rb_ring_unlink(); a ring
 * never silently reuses an existing one: if the name is taken the call fails
 * with %RB_RING_ERROR_EXISTS, saying whether its users are alive (see
 * rb_ring_reclaim_stale() for leftovers of dead processes). Its pages are
 * reserved now: a full `/dev/shm` fails here with %RB_RING_ERROR_NO_SPACE,
 * never later with SIGBUS.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the new ring, or %NULL with @error set
 */
RbRing *
rb_ring_create (const gchar *name, gsize capacity, RbRingFlags flags,
    RbRingRole role, guint mode, GError **error)
{
  Recipe r = { .action = ACTION_CREATE, .name = name, .fd = -1,
    .role = role, .mode = mode, .capacity = capacity, .flags = flags };

  return construct (&r, error);
}

/**
 * rb_ring_create_audio:
 * @name: the ring's name (see rb_ring_name_validate())
 * @format: the sample format, not %RB_SAMPLE_FORMAT_NONE
 * @channels: the number of interleaved channels
 * @rate: the sample rate in Hz
 * @frames: the number of frames the ring must hold
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @role: the role this process takes
 * @mode: the file's permissions, e.g. 0600; 0 means 0600
 * @error: return location for a #GError
 *
 * rb_ring_create() for an audio ring: rb_ring_new_audio()'s format, shared.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the new ring, or %NULL with @error set
 */
RbRing *
rb_ring_create_audio (const gchar *name, RbSampleFormat format,
    guint channels, guint rate, gsize frames, RbRingFlags flags,
    RbRingRole role, guint mode, GError **error)
{
  Recipe r = { .action = ACTION_CREATE, .name = name, .fd = -1,
    .role = role, .mode = mode, .flags = flags, .format = format,
    .channels = channels, .rate = rate };

  if (!audio_bytes (format, channels, frames, &r.capacity, error))
    return NULL;
  return construct (&r, error);
}

/**
 * rb_ring_open:
 * @name: the ring's name
 * @role: the role to take: %RB_RING_ROLE_PRODUCER, %RB_RING_ROLE_CONSUMER,
 *   or %RB_RING_ROLE_READER of an overwrite ring
 * @error: return location for a #GError
 *
 * Attaches to a named ring made by rb_ring_create(), taking its format and
 * size from its header. Everything in the header is validated against the
 * file first (%RB_RING_ERROR_NOT_A_RING, %RB_RING_ERROR_INCOMPATIBLE,
 * %RB_RING_ERROR_CORRUPT name what is wrong). A ring owned by another user
 * or writable by others is refused (%RB_RING_ERROR_PERMISSION); see
 * rb_ring_open_full().
 *
 * If a live process holds @role, this fails with %RB_RING_ERROR_BUSY naming
 * its pid. If the holder died, the new one takes its place and carries on
 * from its position: a restarted producer appends after the last byte its
 * predecessor committed, a restarted consumer reads from where its
 * predecessor stopped.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the ring, or %NULL with @error set
 */
RbRing *
rb_ring_open (const gchar *name, RbRingRole role, GError **error)
{
  return rb_ring_open_full (name, role, RB_RING_OPEN_FLAGS_NONE, error);
}

/**
 * rb_ring_open_full:
 * @name: the ring's name
 * @role: the role to take
 * @open_flags: how far to trust the ring's file
 * @error: return location for a #GError
 *
 * rb_ring_open(), accepting rings of other users or writable by others
 * when @open_flags says so.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the ring, or %NULL with @error set
 */
RbRing *
rb_ring_open_full (const gchar *name, RbRingRole role,
    RbRingOpenFlags open_flags, GError **error)
{
  Recipe r = { .action = ACTION_OPEN, .name = name, .fd = -1, .role = role,
    .open_flags = open_flags };

  return construct (&r, error);
}

/**
 * rb_ring_new_from_fd:
 * @fd: a ring's file descriptor, as rb_ring_get_fd() returns it in another
 *   process and a unix socket (SCM_RIGHTS) or Python's `pass_fds` brings it
 * @role: the role to take
 * @error: return location for a #GError
 *
 * Attaches to a ring passed as a file descriptor: any ring, anonymous ones
 * included. Validated as rb_ring_open() validates a named ring; a memfd must
 * be sealed against shrinking (%RB_RING_ERROR_NOT_SEALED otherwise). The
 * ring keeps its own duplicate of @fd: close yours when you like.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the ring, or %NULL with @error set
 */
RbRing *
rb_ring_new_from_fd (gint fd, RbRingRole role, GError **error)
{
  Recipe r = { .action = ACTION_FD, .fd = fd, .role = role };

  return construct (&r, error);
}

/* --- names and sharing ------------------------------------------------------ */

/**
 * rb_ring_name_validate:
 * @name: (nullable): a ring name
 * @error: return location for a #GError
 *
 * Checks a ring name. A name is 1 to %RB_RING_NAME_MAX bytes of ASCII
 * letters, digits, `.`, `_` and `-`, starting with a letter, digit or `_`.
 * The ring named `music` lives in `/dev/shm/ringbridge-music`.
 *
 * Thread: any.
 *
 * Returns: %TRUE if @name is a valid name; otherwise %FALSE with @error set
 *   to %RB_RING_ERROR_INVALID_NAME, saying what is wrong with it
 */
gboolean
rb_ring_name_validate (const gchar *name, GError **error)
{
  size_t len;

  if (name == NULL || name[0] == '\0') {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME,
        "invalid ring name: it is empty");
    return FALSE;
  }
  len = strlen (name);
  if (len > RB_RING_NAME_MAX) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME,
        "invalid ring name: %zu bytes long, the limit is %d", len,
        RB_RING_NAME_MAX);
    return FALSE;
  }
  for (size_t i = 0; i < len; i++) {
    guchar c = (guchar) name[i];
    gboolean ok = g_ascii_isalnum (c) || c == '_' ||
        (i > 0 && (c == '.' || c == '-'));
    if (!ok) {
      g_autofree gchar *escaped = g_strescape (name, NULL);
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME,
          "invalid ring name '%s': byte %zu (0x%02x) is not allowed; use "
          "letters, digits, '_' (and '.', '-' after the first byte)",
          escaped, i, c);
      return FALSE;
    }
  }
  return TRUE;
}

/**
 * rb_ring_name_to_path:
 * @name: a ring name
 *
 * Gets the file that backs the ring of a name, without opening it.
 *
 * Thread: any.
 *
 * Returns: (transfer full) (nullable): the file of the ring named @name,
 *   e.g. `/dev/shm/ringbridge-music`, or %NULL if @name is not valid
 */
gchar *
rb_ring_name_to_path (const gchar *name)
{
  if (!rb_ring_name_validate (name, NULL))
    return NULL;
  return g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX, name, NULL);
}

/* What the owner words of a ring's file say, for messages. Reads the
 * header with pread(): no mapping, nothing validated beyond the magic. */
static gboolean
describe_users (int fd, GString *out, gboolean *any_alive)
{
  struct rb_shm_header h;
  struct { const char *what; uint64_t owner; } users[3];

  *any_alive = FALSE;
  if (pread (fd, &h, sizeof h, 0) != (ssize_t) sizeof h ||
      atomic_load_explicit (&h.magic, memory_order_relaxed) != RB_SHM_MAGIC)
    return FALSE;
  users[0].what = "creator";
  users[0].owner = atomic_load_explicit (&h.creator_owner, memory_order_relaxed);
  users[1].what = "producer";
  users[1].owner = atomic_load_explicit (&h.producer_owner, memory_order_relaxed);
  users[2].what = "consumer";
  users[2].owner = atomic_load_explicit (&h.consumer_owner, memory_order_relaxed);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++) {
    gboolean alive;
    if (users[i].owner == 0)
      continue;
    alive = rb_owner_alive (users[i].owner);
    *any_alive |= alive;
    g_string_append_printf (out, "%s%s pid %u %s", out->len ? ", " : "",
        users[i].what, rb_owner_pid (users[i].owner), alive ? "alive" : "dead");
  }
  return TRUE;
}

/* The error for rb_shm_open_path()'s result @res at the name of ring
 * @name: what sits there instead of a ring, or why it cannot be opened. */
static void
set_open_error (const gchar *name, const gchar *path, int res, GError **error)
{
  if (res == -ENOENT)
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND,
        "no ring '%s' (no file %s)", name, path);
  else if (res == -ELOOP)
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING,
        "ring '%s': %s is a symbolic link, not a ring", name, path);
  else if (res == RB_SHM_NOT_REGULAR)
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING,
        "ring '%s': %s is not a regular file, not a ring", name, path);
  else
    g_set_error (error, RB_RING_ERROR, error_code_for_errno (-res),
        "cannot open ring '%s' (%s): %s", name, path, g_strerror (-res));
}

/* Whether this process may remove a file of owner @uid from /dev/shm,
 * which is sticky: only the file's owner (or root) may. */
static gboolean
may_remove (uid_t uid)
{
  return uid == geteuid () || geteuid () == 0;
}

static void
set_exists_error (const gchar *name, GError **error)
{
  g_autofree gchar *path = g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX,
      name, NULL);
  g_autoptr (GString) users = g_string_new (NULL);
  g_autoptr (GString) what = g_string_new (NULL);
  gboolean any_alive = FALSE, known = FALSE, open_elsewhere = FALSE;
  struct stat st;
  int fd = rb_shm_open_path (path, O_RDONLY, &st);

  if (fd >= 0) {
    known = describe_users (fd, users, &any_alive);
    /* a process that has it mapped holds its users lock */
    open_elsewhere = rb_shm_lock_held (fd, RB_LOCK_USERS) == 1;
    close (fd);
  }
  if (fd == -ELOOP)
    g_string_append (what, "a symbolic link, not a ring");
  else if (fd == RB_SHM_NOT_REGULAR)
    g_string_append (what, "not a regular file, not a ring");
  else if (!known)
    g_string_append (what, "not a ring, or not readable");
  else
    g_string_append (what, users->len ? users->str : "nobody attached");
  if (known && !any_alive && open_elsewhere)
    g_string_append (what, "; still open in a live process");
  else if (known && !any_alive && may_remove (st.st_uid))
    g_string_append (what, "; no live user: rb_ring_reclaim_stale() or "
        "'ringbridge-stat --reclaim' removes it");
  else if (known && !any_alive)
    g_string_append_printf (what, "; no live user, but it belongs to uid %u: "
        "only that user can remove it", (guint) st.st_uid);
  g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS,
      "ring '%s' already exists (%s)", name, what->str);
}

/**
 * rb_ring_unlink:
 * @name: a ring name
 * @error: return location for a #GError
 *
 * Removes a named ring's name. Processes that have it open keep using it,
 * unchanged and undisturbed, until they let it go; its memory is freed
 * after the last one does. A new rb_ring_create() of the same name makes a
 * different ring.
 *
 * The name is removed under the ring file's name lock, after checking
 * that it still names the file that was opened, so a concurrent
 * rb_ring_reclaim_stale() and rb_ring_create() of the same name cannot make
 * it remove a newer ring's name instead (docs/sharing.md, "Removing a
 * name"). Whatever else sits at the name (a file that is not a ring) is
 * simply removed.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: %TRUE on success; %FALSE with @error set
 *   (%RB_RING_ERROR_NOT_FOUND if there is no such ring)
 */
gboolean
rb_ring_unlink (const gchar *name, GError **error)
{
  g_autofree gchar *path = NULL;
  const char *what = "unlink";
  struct stat st;
  int fd, res;

  if (!rb_ring_name_validate (name, error))
    return FALSE;
  path = g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX, name, NULL);
  fd = rb_shm_open_path (path, O_RDWR, &st);
  if (fd >= 0) {
    res = rb_shm_unlink_if_same (path, fd, 1000, &what);
    close (fd);
  } else if (fd == -ENOENT) {
    res = fd;
  } else {
    /* Not a regular file, a symbolic link, or not writable by us: nothing
     * we could lock, and nothing that a ring of ours could be. */
    res = unlink (path) < 0 ? -errno : 0;
  }
  if (res == -ENOENT) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND,
        "no ring '%s'", name);
    return FALSE;
  }
  if (res == -EAGAIN) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY,
        "cannot remove ring '%s': another process holds its name lock", name);
    return FALSE;
  }
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, error_code_for_errno (-res),
        "cannot remove ring '%s': %s: %s", name, what, g_strerror (-res));
    return FALSE;
  }
  return TRUE;
}

/**
 * rb_ring_reclaim_stale:
 * @name: a ring name
 * @error: return location for a #GError
 *
 * Removes a named ring that processes which died left behind: one whose
 * creator, producer and consumer are all gone and that no process has
 * open. A ring with a live user is left alone (%RB_RING_ERROR_BUSY names
 * it); a file that is not a ring is left alone too
 * (%RB_RING_ERROR_NOT_A_RING), and so is a ring of another user, which
 * only that user may remove (%RB_RING_ERROR_PERMISSION).
 *
 * Safe against other processes that reclaim and create the same name at
 * the same time: it removes the name only while it still names the ring
 * that was found stale (docs/sharing.md, "Removing a name").
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: %TRUE if the ring was stale and is removed; %FALSE with @error
 *   set otherwise
 */
gboolean
rb_ring_reclaim_stale (const gchar *name, GError **error)
{
  g_autofree gchar *path = NULL;
  g_autoptr (GString) users = g_string_new (NULL);
  const char *what = NULL;
  gboolean any_alive;
  struct stat st;
  int fd, res;

  if (!rb_ring_name_validate (name, error))
    return FALSE;
  path = g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX, name, NULL);
  /* read-write: the locks below need it */
  fd = rb_shm_open_path (path, O_RDWR, &st);
  if (fd == -EACCES && lstat (path, &st) == 0 && !may_remove (st.st_uid)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
        "not removing ring '%s': it belongs to uid %u, and only that user "
        "can remove it (we are uid %u)", name, (guint) st.st_uid,
        (guint) geteuid ());
    return FALSE;
  }
  if (fd < 0) {
    set_open_error (name, path, fd, error);
    if (fd == -ELOOP || fd == RB_SHM_NOT_REGULAR)
      g_prefix_error (error, "not removing it: ");
    return FALSE;
  }
  if (!may_remove (st.st_uid)) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
        "not removing ring '%s': it belongs to uid %u, and only that user "
        "can remove it (we are uid %u)", name, (guint) st.st_uid,
        (guint) geteuid ());
    return FALSE;
  }
  if (!describe_users (fd, users, &any_alive)) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING,
        "%s is not a ring: not removing it", path);
    return FALSE;
  }
  /* The users lock, for writing: granted only if no process has the ring
   * mapped, and from now on nobody can attach until we let go. */
  res = rb_shm_lock (fd, RB_LOCK_USERS, F_WRLCK);
  if (res == -EAGAIN || (res == 0 && any_alive)) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY,
        "ring '%s' is in use (%s)", name, any_alive ? users->str :
        "a live process has it open");
    return FALSE;
  }
  if (res < 0) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
        "cannot lock ring '%s': fcntl(F_OFD_SETLK): %s", name,
        g_strerror (-res));
    return FALSE;
  }
  res = rb_shm_unlink_if_same (path, fd, 1000, &what);
  close (fd);
  if (res == -ENOENT) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND,
        "no stale ring '%s': another process removed it meanwhile", name);
    return FALSE;
  }
  if (res == -EAGAIN) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY,
        "cannot remove ring '%s': another process holds its name lock", name);
    return FALSE;
  }
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, error_code_for_errno (-res),
        "cannot remove ring '%s': %s: %s", name, what, g_strerror (-res));
    return FALSE;
  }
  return TRUE;
}

/**
 * rb_ring_get_creator_state:
 * @ring: a ring
 *
 * Tells whether the process that created the ring still runs. A producer
 * that took over a named ring whose creator died (a restarted pipeline)
 * may treat the ring's name as its own, to remove when it stops, as the
 * creator would have; a ring whose creator lives (a JACK client that made
 * it for its producers) is the creator's.
 *
 * Thread: any. Not RT-safe (it may look in /proc).
 *
 * Returns: %RB_PEER_STATE_ALIVE if the creator runs (this process, for a
 *   ring it made), %RB_PEER_STATE_GONE if it died
 */
RbPeerState
rb_ring_get_creator_state (RbRing *ring)
{
  uint64_t owner;

  g_return_val_if_fail (RB_IS_RING (ring), RB_PEER_STATE_NONE);

  /* relaxed: written once before the ring's magic is published */
  owner = atomic_load_explicit (&header_of (ring)->creator_owner,
      memory_order_relaxed);
  if (owner == ring->self_owner || rb_owner_alive (owner))
    return RB_PEER_STATE_ALIVE;
  return RB_PEER_STATE_GONE;
}

/**
 * rb_ring_get_fd:
 * @ring: a ring
 *
 * Returns the file descriptor behind the ring, to pass to another process
 * (which opens it with rb_ring_new_from_fd()). It stays the ring's: do not
 * close it; dup() it to keep it longer than the ring.
 *
 * Thread: any. RT-safe.
 *
 * Returns: the file descriptor
 */
gint
rb_ring_get_fd (RbRing *ring)
{
  g_return_val_if_fail (RB_IS_RING (ring), -1);

  return ring->map.fd;
}

/**
 * rb_ring_get_name:
 * @ring: a ring
 *
 * Gets the name of a shared ring.
 *
 * Thread: any.
 *
 * Returns: (nullable): the ring's name, or %NULL for an anonymous ring
 */
const gchar *
rb_ring_get_name (RbRing *ring)
{
  g_return_val_if_fail (RB_IS_RING (ring), NULL);

  return ring->name;
}

/**
 * rb_ring_get_role:
 * @ring: a ring
 *
 * Gets the role this ring object plays: producer, consumer, both or reader.
 *
 * Thread: any.
 *
 * Returns: the role this ring object plays
 */
RbRingRole
rb_ring_get_role (RbRing *ring)
{
  g_return_val_if_fail (RB_IS_RING (ring), RB_RING_ROLE_BOTH);

  return ring->role;
}

static int
peer_role (RbRing *ring)
{
  struct rb_shm_header *hdr = header_of (ring);

  if (ring->role == RB_RING_ROLE_BOTH) {
    /* our peer is whichever role another process took over from us */
    /* relaxed: a hint, as in rb_shm_peer_state() */
    if (atomic_load_explicit (&hdr->consumer_owner, memory_order_relaxed) !=
        ring->self_owner)
      return RB_ROLE_CONSUMER;
    return RB_ROLE_PRODUCER;
  }
  return ring->role == RB_RING_ROLE_PRODUCER ? RB_ROLE_CONSUMER :
      RB_ROLE_PRODUCER;
}

/**
 * rb_ring_get_peer_state:
 * @ring: a ring
 *
 * Tells whether the other side is there: the consumer, for a producer; the
 * producer, for anyone else. A process that is stopped (SIGSTOP, a
 * debugger) is alive; one that died, even by SIGKILL, is gone. For a ring
 * of role %RB_RING_ROLE_BOTH the peer is this process until another one
 * takes a role over, and then that process. A ring whose file another
 * process truncated is dead: its peer is gone.
 *
 * Thread: any. Not RT-safe (it may look in /proc).
 *
 * Returns: the peer's state
 */
RbPeerState
rb_ring_get_peer_state (RbRing *ring)
{
  uint32_t gen;

  g_return_val_if_fail (RB_IS_RING (ring), RB_PEER_STATE_NONE);

  /* the owner words are in the header, which a truncation takes away */
  if (!check_file (ring))
    return RB_PEER_STATE_GONE;
  return (RbPeerState) rb_shm_peer_state (header_of (ring), peer_role (ring),
      &gen, NULL);
}

/**
 * rb_ring_get_peer_pid:
 * @ring: a ring
 *
 * Gets the process at the other side of a shared ring.
 *
 * Thread: any.
 *
 * Returns: the pid of the process that holds the other side's role (see
 *   rb_ring_get_peer_state()), or 0 if none does
 */
guint
rb_ring_get_peer_pid (RbRing *ring)
{
  uint32_t gen, pid = 0;

  g_return_val_if_fail (RB_IS_RING (ring), 0);

  if (!check_file (ring))
    return 0;
  rb_shm_peer_state (header_of (ring), peer_role (ring), &gen, &pid);
  return pid;
}

/* --- waiting ------------------------------------------------------------------- */

/* A named ring's file cannot be sealed, so a peer with write access can
 * truncate it, and every access to the pages cut off is a SIGBUS. The
 * non-realtime calls that touch the header (the waits, interrupt, close)
 * look at the file's size first; a ring found truncated is dead: its
 * mapping is replaced by private zeroed memory, so that nothing done with
 * it afterwards, in any thread, can fault (an empty ring whose positions
 * are 0 reads and writes into nothing), and its waits return
 * %RB_WAIT_PEER_GONE. The realtime calls cannot look (a system call); a
 * truncation that they meet first still kills the process. */
static void
orphan (RbRing *self, gint64 size)
{
  const char *what = NULL;
  int res;

  /* relaxed: the first thread to see the truncation does the work; the
   * flag orders nothing else */
  if (atomic_exchange_explicit (&self->orphaned, 1, memory_order_relaxed))
    return;
  res = rb_mapping_orphan (&self->map, &what);
  g_log ("ringbridge", G_LOG_LEVEL_WARNING, "ring '%s' was truncated by "
      "another process (its file has %" G_GINT64_FORMAT " bytes, the ring "
      "needs %" G_GUINT64_FORMAT "): treating it as dead%s%s",
      self->name ? self->name : "(passed fd)", size,
      (guint64) (self->map.header_size + self->core->capacity),
      res < 0 ? "; " : "", res < 0 ? what : "");
}

/* Whether the ring's memory is still backed by its file; if not, makes the
 * ring dead (orphan()). One fstat() for a named ring, nothing otherwise. */
static gboolean
check_file (RbRing *self)
{
  struct stat st;

  /* relaxed: see orphan() */
  if (atomic_load_explicit (&self->orphaned, memory_order_relaxed))
    return FALSE;
  if (!self->unsealed || self->map.base == NULL ||
      fstat (self->map.fd, &st) < 0 ||
      (uint64_t) st.st_size >= self->map.header_size + self->core->capacity)
    return TRUE;
  orphan (self, (gint64) st.st_size);
  return FALSE;
}

static struct rb_wait_ctx
wait_ctx (RbRing *ring, int role_watched)
{
  struct rb_wait_ctx ctx = {
    .interrupted = &ring->interrupted,
    .peer_role = role_watched,
    .reported_generation = &ring->reported_generation,
    .fd = ring->unsealed ? ring->map.fd : -1,
    .file_size = ring->map.header_size + ring->core->capacity,
  };
  return ctx;
}

/* The public result of a wait: a truncated file makes the ring dead. */
static RbWaitResult
wait_result (RbRing *ring, enum rb_wait_result res)
{
  if (res == RB_CORE_WAIT_TRUNCATED) {
    check_file (ring);
    return RB_WAIT_PEER_GONE;
  }
  return (RbWaitResult) res;
}

/**
 * rb_ring_wait_readable:
 * @ring: a ring
 * @count: the number of bytes to wait for (at most the capacity; multiply
 *   frames by rb_ring_get_frame_size())
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 *
 * Blocks the consumer until @count bytes can be read. It also returns when
 * the producer marks the end of the stream with less than @count left
 * (%RB_WAIT_END_OF_STREAM: read what is left), when the producer detaches
 * or dies (%RB_WAIT_PEER_GONE, once per departed producer: wait again to
 * wait for a new one), when another thread calls rb_ring_interrupt(), or
 * after @timeout_us. A producer that never has a waiter makes no system
 * call to wake it; one that has makes one.
 *
 * A named ring whose file another process truncated is dead: the wait
 * returns %RB_WAIT_PEER_GONE (every time), logs a warning once, and the
 * ring reads nothing from then on, instead of a SIGBUS (see
 * docs/sharing.md, "What a peer with write access can and cannot do").
 *
 * Thread: consumer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_readable (RbRing *ring, gsize count, gint64 timeout_us)
{
  struct rb_wait_ctx ctx;

  g_return_val_if_fail (RB_IS_RING (ring), RB_WAIT_INTERRUPTED);
  g_return_val_if_fail (ring->role == RB_RING_ROLE_CONSUMER ||
      ring->role == RB_RING_ROLE_BOTH, RB_WAIT_INTERRUPTED);

  /* relaxed: see orphan() */
  if (atomic_load_explicit (&ring->orphaned, memory_order_relaxed))
    return RB_WAIT_PEER_GONE;
  ctx = wait_ctx (ring, RB_ROLE_PRODUCER);
  count = MIN (count, (gsize) ring->core->capacity);
  return wait_result (ring, rb_ring_core_wait_data (ring->core,
      ring->core->r + count, timeout_us, &ctx));
}

/**
 * rb_ring_wait_writable:
 * @ring: a ring
 * @count: the number of bytes of free space to wait for (at most the
 *   capacity)
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 *
 * Blocks the producer until @count bytes can be written, the consumer
 * detaches or dies (%RB_WAIT_PEER_GONE), rb_ring_interrupt() is called, or
 * @timeout_us passes. An overwrite ring is always writable. A truncated
 * ring's file makes the ring dead, as for rb_ring_wait_readable().
 *
 * Thread: producer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_writable (RbRing *ring, gsize count, gint64 timeout_us)
{
  struct rb_wait_ctx ctx;

  g_return_val_if_fail (RB_IS_RING (ring), RB_WAIT_INTERRUPTED);
  g_return_val_if_fail (ring->role == RB_RING_ROLE_PRODUCER ||
      ring->role == RB_RING_ROLE_BOTH, RB_WAIT_INTERRUPTED);

  /* relaxed: see orphan() */
  if (atomic_load_explicit (&ring->orphaned, memory_order_relaxed))
    return RB_WAIT_PEER_GONE;
  if (ring->core->flags & RB_CORE_FLAG_OVERWRITE)
    return RB_WAIT_READY;
  ctx = wait_ctx (ring, RB_ROLE_CONSUMER);
  count = MIN (count, (gsize) ring->core->capacity);
  return wait_result (ring, rb_ring_core_wait_space (ring->core,
      ring->core->w + count - ring->core->capacity, timeout_us, &ctx));
}

/**
 * rb_ring_wait_position:
 * @ring: a ring
 * @position: the absolute write position to wait for
 * @timeout_us: the longest wait in microseconds; -1 waits for ever, 0 only
 *   looks
 *
 * Blocks until the producer has written up to @position (that is, until
 * rb_ring_get_write_position() >= @position): how a reader of an overwrite
 * ring waits for the data it wants next. Ends early as
 * rb_ring_wait_readable() does.
 *
 * Thread: any but the producer. Not RT-safe: blocks.
 *
 * Returns: why the wait ended
 */
RbWaitResult
rb_ring_wait_position (RbRing *ring, guint64 position, gint64 timeout_us)
{
  struct rb_wait_ctx ctx;

  g_return_val_if_fail (RB_IS_RING (ring), RB_WAIT_INTERRUPTED);
  g_return_val_if_fail (ring->role != RB_RING_ROLE_PRODUCER,
      RB_WAIT_INTERRUPTED);

  /* relaxed: see orphan() */
  if (atomic_load_explicit (&ring->orphaned, memory_order_relaxed))
    return RB_WAIT_PEER_GONE;
  ctx = wait_ctx (ring, RB_ROLE_PRODUCER);
  return wait_result (ring, rb_ring_core_wait_data (ring->core, position,
      timeout_us, &ctx));
}

/**
 * rb_ring_interrupt:
 * @ring: a ring
 *
 * Makes every wait on @ring in this process return %RB_WAIT_INTERRUPTED,
 * now and until rb_ring_clear_interrupt(): what a GStreamer element's
 * unlock() calls, and unlock_stop() undoes. A wait whose condition already
 * holds still returns %RB_WAIT_READY.
 *
 * Thread: any.
 */
void
rb_ring_interrupt (RbRing *ring)
{
  g_return_if_fail (RB_IS_RING (ring));

  /* seq_cst: before the wake-word bumps in rb_ring_core_wake_all(); a
   * waiter that sees a bump sees the flag. */
  atomic_store_explicit (&ring->interrupted, 1, memory_order_seq_cst);
  /* the wake words are in the header, which a truncation takes away */
  check_file (ring);
  rb_ring_core_wake_all (ring->core);
}

/**
 * rb_ring_clear_interrupt:
 * @ring: a ring
 *
 * Lets waits on @ring block again after rb_ring_interrupt().
 *
 * Thread: any.
 */
void
rb_ring_clear_interrupt (RbRing *ring)
{
  g_return_if_fail (RB_IS_RING (ring));

  /* release: pairs with the acquire loads in the wait loop. */
  atomic_store_explicit (&ring->interrupted, 0, memory_order_release);
}

/**
 * rb_ring_close:
 * @ring: a ring
 *
 * Lets go of the ring now rather than when the last reference goes: gives
 * up this object's roles (so the peer sees it %RB_PEER_STATE_GONE at once,
 * and a new producer or consumer may attach), and interrupts its waits for
 * good. The memory stays mapped until the object is finalized, so a stray
 * call afterwards is memory-safe, but it is a mistake: do not read or
 * write through a closed ring. Calling it again does nothing.
 *
 * Thread: any, while no other thread uses @ring. Not RT-safe.
 */
void
rb_ring_close (RbRing *ring)
{
  g_return_if_fail (RB_IS_RING (ring));

  if (ring->map.base == NULL)
    return;
  /* interrupt first: a thread of ours waiting on this object must end
   * INTERRUPTED, not take our own departure for its peer's */
  rb_ring_interrupt (ring);
  release_roles (ring);
}

/**
 * rb_ring_lock_memory:
 * @ring: a ring
 * @error: return location for a #GError
 *
 * Locks the ring's pages in memory (mlock), so they cannot be swapped out
 * and fault in a realtime callback later. The pages are already populated
 * at creation; this keeps them there. Fails with %RB_RING_ERROR_NO_MEMORY
 * when the process's locked-memory limit (`ulimit -l`, RLIMIT_MEMLOCK) is
 * too small. Calling it again is harmless.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: %TRUE on success
 */
gboolean
rb_ring_lock_memory (RbRing *ring, GError **error)
{
  const char *what = NULL;
  int res;

  g_return_val_if_fail (RB_IS_RING (ring), FALSE);

  res = rb_mapping_lock (&ring->map, &what);
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, error_code_for_errno (-res),
        "cannot lock the %" G_GUINT64_FORMAT "-byte ring in memory: %s: %s "
        "(see ulimit -l)", ring->core->capacity, what, g_strerror (-res));
    return FALSE;
  }
  return TRUE;
}

/* --- misuse ------------------------------------------------------------------
 * The policy (docs/ring.md, "Misuse"): a NULL ring, a NULL buffer or out
 * argument that the call needs, and a call from a side this object does
 * not play are programming errors. Each check is one predictable branch
 * and no atomic. When one fires, the call logs a g_critical naming the
 * function and the problem and returns 0 / FALSE / NULL (read_at:
 * RB_RANGE_NOT_YET_WRITTEN), having moved nothing. The log allocates:
 * acceptable on a realtime thread only because the program is already
 * wrong. Unlike g_return_val_if_fail() the checks stay in
 * G_DISABLE_CHECKS builds: a producer's stray read would move the read
 * position another process owns. RT calls check "ring != NULL" (a GObject
 * type check is a function call); the others check RB_IS_RING(). */

/* Roles that may call each side's functions, as bit masks of RbRingRole
 * (validated at construction, so the shift is defined). */
#define SIDE_PRODUCER \
  ((1u << RB_RING_ROLE_BOTH) | (1u << RB_RING_ROLE_PRODUCER))
#define SIDE_CONSUMER \
  ((1u << RB_RING_ROLE_BOTH) | (1u << RB_RING_ROLE_CONSUMER))

static const char *const role_names[] = {
  [RB_RING_ROLE_BOTH] = "both",
  [RB_RING_ROLE_PRODUCER] = "producer",
  [RB_RING_ROLE_CONSUMER] = "consumer",
  [RB_RING_ROLE_READER] = "reader",
};

/* Out of line and cold: the checks' fast path is a compare and a branch. */
G_GNUC_NO_INLINE static void
refuse_arg (const char *func, const char *expr)
{
  g_return_if_fail_warning (NULL, func, expr);
}

G_GNUC_NO_INLINE static void
refuse_side (const char *func, const RbRing *ring, const char *side)
{
  g_critical ("%s: refused: this RbRing plays the %s role, and this is a "
      "%s call", func, role_names[ring->role], side);
}

#define CHECK_ARG(expr, val) G_STMT_START { \
    if (G_UNLIKELY (!(expr))) { \
      refuse_arg (G_STRFUNC, #expr); \
      return val; \
    } \
  } G_STMT_END

#define CHECK_RING(ring, val) G_STMT_START { \
    if (G_UNLIKELY ((ring) == NULL)) { \
      refuse_arg (G_STRFUNC, "ring != NULL"); \
      return val; \
    } \
  } G_STMT_END

#define CHECK_SIDE(ring, mask, side, val) G_STMT_START { \
    if (G_UNLIKELY (((1u << (ring)->role) & (mask)) == 0)) { \
      refuse_side (G_STRFUNC, (ring), side); \
      return val; \
    } \
  } G_STMT_END

#define CHECK_PRODUCER(ring, val) \
  CHECK_SIDE (ring, SIDE_PRODUCER, "producer", val)
#define CHECK_CONSUMER(ring, val) \
  CHECK_SIDE (ring, SIDE_CONSUMER, "consumer", val)

/* read_at on a plain ring is the consumer's (the bytes it reads are stable
 * only below its own read position's reach); anyone reads an overwrite
 * ring. */
#define CHECK_READ_AT(ring, val) \
  CHECK_SIDE (ring, ((ring)->core->flags & RB_CORE_FLAG_OVERWRITE) ? \
      ~0u : SIDE_CONSUMER, "consumer", val)

/* A byte position inside a frame of an audio ring would hand out frames
 * with their channels rotated. */
static inline gboolean
on_frame_boundary (const RbRing *ring, guint64 position)
{
  const struct rb_ring_core *c = ring->core;

  return c->frame_size == 1 || (position - c->origin) % c->frame_size == 0;
}

G_GNUC_NO_INLINE static void
refuse_position (const char *func, const RbRing *ring, guint64 position)
{
  g_critical ("%s: position %" G_GUINT64_FORMAT " is not on a frame "
      "boundary of this audio ring (frames of %u bytes)", func, position,
      ring->core->frame_size);
}

#define CHECK_POSITION(ring, position, val) G_STMT_START { \
    if (G_UNLIKELY (!on_frame_boundary ((ring), (position)))) { \
      refuse_position (G_STRFUNC, (ring), (position)); \
      return val; \
    } \
  } G_STMT_END

/* --- facts ------------------------------------------------------------------- */

/**
 * rb_ring_get_capacity:
 * @ring: a ring
 *
 * Gets the size of the ring's data area.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the capacity in bytes: a power of two, at least one page.
 */
gsize
rb_ring_get_capacity (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return (gsize) ring->core->capacity;
}

/**
 * rb_ring_get_flags:
 * @ring: a ring
 *
 * Gets the flags the ring was created with.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the flags the ring was created with
 */
RbRingFlags
rb_ring_get_flags (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return (RbRingFlags) ring->core->flags;
}

/**
 * rb_ring_get_sample_format:
 * @ring: a ring
 *
 * Gets the sample format of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the sample format of an audio ring, %RB_SAMPLE_FORMAT_NONE for
 *   a byte ring
 */
RbSampleFormat
rb_ring_get_sample_format (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return (RbSampleFormat) ring->core->format;
}

/**
 * rb_ring_get_channels:
 * @ring: a ring
 *
 * Gets the channel count of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of interleaved channels of an audio ring, 0 for a
 *   byte ring
 */
guint
rb_ring_get_channels (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return ring->core->channels;
}

/**
 * rb_ring_get_rate:
 * @ring: a ring
 *
 * Gets the sample rate of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the sample rate of an audio ring in Hz, 0 for a byte ring
 */
guint
rb_ring_get_rate (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return ring->core->rate;
}

/**
 * rb_ring_get_frame_size:
 * @ring: a ring
 *
 * Gets the size of one frame of an audio ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the size of one frame in bytes (channels times sample size), 1
 *   for a byte ring
 */
gsize
rb_ring_get_frame_size (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return ring->core->frame_size;
}

/**
 * rb_ring_get_capacity_frames:
 * @ring: a ring
 *
 * Gets the capacity of the ring in frames.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of whole frames the ring holds (the capacity in bytes
 *   for a byte ring)
 */
gsize
rb_ring_get_capacity_frames (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return (gsize) (ring->core->capacity / ring->core->frame_size);
}

/* --- copy API ------------------------------------------------------------------ */

/**
 * rb_ring_write:
 * @ring: a ring
 * @data: (array length=count) (element-type guint8): the bytes to write
 * @count: the number of bytes in @data
 *
 * Copies up to @count bytes into the ring. On a full ring the write is cut
 * short (and counted in rb_ring_get_overruns()); the return value says how
 * much went in. An overwrite ring always takes all @count bytes and
 * overwrites the oldest data instead. On an audio ring only whole frames
 * go in: @count is rounded down to whole frames, and a write cut short is
 * cut at a frame boundary, so the return value is a multiple of
 * rb_ring_get_frame_size().
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of bytes written
 */
gsize
rb_ring_write (RbRing *ring, const guint8 *data, gsize count)
{
  CHECK_RING (ring, 0);
  CHECK_PRODUCER (ring, 0);
  CHECK_ARG (data != NULL || count == 0, 0);

  return rb_ring_core_write (ring->core, data, count);
}

/**
 * rb_ring_read: (skip)
 * @ring: a ring
 * @data: (out caller-allocates) (array length=count) (element-type guint8):
 *   a buffer of at least @count bytes
 * @count: the most bytes to read
 *
 * Copies up to @count bytes out of the ring and frees their space for the
 * producer. A read that finds fewer than @count bytes is cut short (and
 * counted in rb_ring_get_underruns()). Bindings use rb_ring_read_bytes().
 * On an overwrite ring the read first
 * skips whatever the producer overwrote, and never returns bytes the
 * producer overtook during the copy. The skipped span is what
 * rb_ring_get_overwritten() grew by during this call, and the read
 * position moves by the span plus the return value: compare either
 * before and after to see a discontinuity (getters never skip). On an
 * audio ring only whole frames are read (@count rounded down).
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of bytes read
 */
gsize
rb_ring_read (RbRing *ring, guint8 *data, gsize count)
{
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);
  CHECK_ARG (data != NULL || count == 0, 0);

  return rb_ring_core_read (ring->core, data, count);
}

/**
 * rb_ring_peek: (skip)
 * @ring: a ring
 * @data: (out caller-allocates) (array length=count) (element-type guint8):
 *   a buffer of at least @count bytes
 * @count: the most bytes to copy
 *
 * Like rb_ring_read(), but leaves the bytes in the ring. Bindings use
 * rb_ring_peek_bytes(). On an overwrite ring it does move past what the
 * producer overwrote, as rb_ring_read() does and reports.
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of bytes copied
 */
gsize
rb_ring_peek (RbRing *ring, guint8 *data, gsize count)
{
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);
  CHECK_ARG (data != NULL || count == 0, 0);

  return rb_ring_core_peek (ring->core, data, count);
}

/**
 * rb_ring_skip:
 * @ring: a ring
 * @count: the most bytes to discard
 *
 * Discards up to @count readable bytes, as a read would, without copying
 * (whole frames on an audio ring; past overwritten data first, reported
 * as rb_ring_read() does).
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of bytes discarded
 */
gsize
rb_ring_skip (RbRing *ring, gsize count)
{
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);

  return rb_ring_core_skip (ring->core, count);
}

/**
 * rb_ring_read_available:
 * @ring: a ring
 *
 * Gets how many bytes the consumer can read now. Like every getter it
 * moves nothing: on an overwrite ring the bytes the producer overwrote are
 * left out, and the next read, peek or skip moves past them and reports
 * them (see rb_ring_read()).
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the number of bytes the consumer can read now
 */
gsize
rb_ring_read_available (RbRing *ring)
{
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);

  return rb_ring_core_read_available (ring->core);
}

/**
 * rb_ring_write_available:
 * @ring: a ring
 *
 * Gets how many bytes the producer can write now. On an audio ring up to
 * a frame less one of them may be room no whole frame fits in; writes
 * take whole frames only (rb_ring_write_frames_available() counts those).
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: the number of bytes the producer can write now without cutting
 *   the write short (the capacity, for an overwrite ring)
 */
gsize
rb_ring_write_available (RbRing *ring)
{
  CHECK_RING (ring, 0);
  CHECK_PRODUCER (ring, 0);

  return rb_ring_core_write_available (ring->core);
}

/**
 * rb_ring_read_bytes:
 * @ring: a ring
 * @count: the most bytes to read
 *
 * Like rb_ring_read(), returning a new #GBytes holding what was read (empty
 * when nothing was). It allocates only what is there to read, so a large
 * @count is harmless; a short read is not counted as an underrun. Meant for
 * language bindings, not for realtime threads.
 *
 * Thread: consumer. Not RT-safe.
 *
 * Returns: (transfer full): the bytes read
 */
GBytes *
rb_ring_read_bytes (RbRing *ring, gsize count)
{
  gsize n;
  guint8 *buf;

  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  CHECK_CONSUMER (ring, NULL);

  n = MIN (count, rb_ring_core_read_available (ring->core));
  buf = g_malloc (n);
  n = rb_ring_core_read (ring->core, buf, n);
  return g_bytes_new_take (buf, n);
}

/**
 * rb_ring_peek_bytes:
 * @ring: a ring
 * @count: the most bytes to copy
 *
 * rb_ring_peek() for language bindings: the bytes stay in the ring.
 *
 * Thread: consumer. Not RT-safe.
 *
 * Returns: (transfer full): the bytes, possibly fewer than @count
 */
GBytes *
rb_ring_peek_bytes (RbRing *ring, gsize count)
{
  gsize n;
  guint8 *buf;

  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  CHECK_CONSUMER (ring, NULL);

  n = MIN (count, rb_ring_core_read_available (ring->core));
  buf = g_malloc (n);
  n = rb_ring_core_peek (ring->core, buf, n);
  return g_bytes_new_take (buf, n);
}

/**
 * rb_ring_read_at_bytes:
 * @ring: a ring
 * @position: the absolute byte position to read from
 * @count: the most bytes to read
 * @bytes: (out) (transfer full) (nullable): the good bytes, or %NULL unless
 *   the result is %RB_RANGE_AVAILABLE
 *
 * rb_ring_read_at() for language bindings.
 *
 * Thread: as for rb_ring_read_at(). Not RT-safe.
 *
 * Returns: as for rb_ring_read_at()
 */
RbRangeStatus
rb_ring_read_at_bytes (RbRing *ring, guint64 position, gsize count,
    GBytes **bytes)
{
  gsize done = 0;
  guint8 *buf;
  RbRangeStatus status;

  g_return_val_if_fail (RB_IS_RING (ring), RB_RANGE_NOT_YET_WRITTEN);
  g_return_val_if_fail (bytes != NULL, RB_RANGE_NOT_YET_WRITTEN);
  *bytes = NULL;
  CHECK_READ_AT (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_POSITION (ring, position, RB_RANGE_NOT_YET_WRITTEN);

  count = MIN (count, (gsize) ring->core->capacity);
  buf = g_malloc (count);
  status = (RbRangeStatus) rb_ring_core_read_at (ring->core, position, buf,
      count, &done);
  if (status != RB_RANGE_AVAILABLE) {
    g_free (buf);
    *bytes = NULL;
    return status;
  }
  *bytes = g_bytes_new_take (buf, done);
  return status;
}

/**
 * rb_ring_write_bytes:
 * @ring: a ring
 * @bytes: the bytes to write
 *
 * Like rb_ring_write(), taking a #GBytes; meant for language bindings.
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel"). It
 *   keeps no reference.
 *
 * Returns: the number of bytes written
 */
gsize
rb_ring_write_bytes (RbRing *ring, GBytes *bytes)
{
  gsize size;
  gconstpointer data;

  g_return_val_if_fail (RB_IS_RING (ring), 0);
  CHECK_PRODUCER (ring, 0);
  g_return_val_if_fail (bytes != NULL, 0);

  data = g_bytes_get_data (bytes, &size);
  return rb_ring_core_write (ring->core, data, size);
}

/* --- zero-copy API ---------------------------------------------------------- */

/**
 * rb_ring_write_acquire: (skip)
 * @ring: a ring
 * @count: (out): return location for the number of writable bytes
 *
 * Hands out the free space of the ring as one contiguous region (the
 * mirrored mapping means it never splits at the wrap). Write into it, then
 * call rb_ring_write_commit() with the number of bytes written; nothing is
 * visible to the consumer before the commit. There is at most one region
 * in flight: acquiring again without committing hands out the same one.
 * On an audio ring the region is a whole number of frames.
 *
 * Not available on overwrite rings (returns %NULL with @count 0): their
 * readers must learn of an overwrite before its data lands, which a pointer
 * handed to the caller cannot promise; use rb_ring_write() there.
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: (nullable): the start of the free region, @count bytes long
 */
guint8 *
rb_ring_write_acquire (RbRing *ring, gsize *count)
{
  CHECK_ARG (count != NULL, NULL);
  *count = 0;
  CHECK_RING (ring, NULL);
  CHECK_PRODUCER (ring, NULL);

  return rb_ring_core_write_acquire (ring->core, count);
}

/**
 * rb_ring_write_commit:
 * @ring: a ring
 * @count: the number of bytes written into the acquired region
 *
 * Publishes the first @count bytes of the region from
 * rb_ring_write_acquire() to the consumer. @count is clamped to the
 * region's size, and on an audio ring rounded down to whole frames (the
 * rest of a split frame stays unpublished, at the start of the next
 * region).
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 */
void
rb_ring_write_commit (RbRing *ring, gsize count)
{
  CHECK_RING (ring, );
  CHECK_PRODUCER (ring, );

  rb_ring_core_write_commit (ring->core, count);
}

/**
 * rb_ring_read_acquire: (skip)
 * @ring: a ring
 * @count: (out): return location for the number of readable bytes
 *
 * Hands out everything readable as one contiguous region (whole frames on
 * an audio ring). Read from it, then call rb_ring_read_release() with the
 * number of bytes consumed; the producer cannot reuse the region before
 * the release. On an overwrite ring it first moves past overwritten data,
 * counted in rb_ring_get_overwritten().
 *
 * On an overwrite ring the producer does not wait for the release and may
 * overwrite the region while it is being read: rb_ring_read_release() then
 * returns %FALSE, and whatever was read from it must be discarded.
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the start of the readable region, @count bytes long
 */
const guint8 *
rb_ring_read_acquire (RbRing *ring, gsize *count)
{
  CHECK_ARG (count != NULL, NULL);
  *count = 0;
  CHECK_RING (ring, NULL);
  CHECK_CONSUMER (ring, NULL);

  return rb_ring_core_read_acquire (ring->core, count);
}

/**
 * rb_ring_read_release:
 * @ring: a ring
 * @count: the number of bytes consumed from the acquired region
 *
 * Gives the first @count bytes of the region from rb_ring_read_acquire()
 * back to the producer. @count is clamped to the region's size, and on an
 * audio ring rounded down to whole frames.
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: %TRUE if the data read from the region is good; %FALSE only on
 *   an overwrite ring whose producer overtook the region while it was read
 */
gboolean
rb_ring_read_release (RbRing *ring, gsize count)
{
  CHECK_RING (ring, FALSE);
  CHECK_CONSUMER (ring, FALSE);

  return rb_ring_core_read_release (ring->core, count);
}

/* --- frames ------------------------------------------------------------------- */

/**
 * rb_ring_write_frames: (skip)
 * @ring: a ring
 * @frames: interleaved frames in the ring's sample format
 * @n_frames: the number of frames at @frames
 *
 * Like rb_ring_write(), in whole frames: a write that does not fit is cut
 * at a frame boundary, never inside a frame. Bindings use rb_ring_write()
 * with a whole number of frames.
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of frames written
 */
gsize
rb_ring_write_frames (RbRing *ring, gconstpointer frames, gsize n_frames)
{
  CHECK_RING (ring, 0);
  CHECK_PRODUCER (ring, 0);
  CHECK_ARG (frames != NULL || n_frames == 0, 0);

  return rb_ring_core_write_frames (ring->core, frames, n_frames);
}

/**
 * rb_ring_read_frames: (skip)
 * @ring: a ring
 * @frames: a buffer for @n_frames frames
 * @n_frames: the most frames to read
 *
 * Like rb_ring_read(), in whole frames. On an overwrite ring, a skip over
 * overwritten data lands on a frame boundary.
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of frames read
 */
gsize
rb_ring_read_frames (RbRing *ring, gpointer frames, gsize n_frames)
{
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);
  CHECK_ARG (frames != NULL || n_frames == 0, 0);

  return rb_ring_core_read_frames (ring->core, frames, n_frames);
}

/**
 * rb_ring_read_frames_available:
 * @ring: a ring
 *
 * Gets how many whole frames the consumer can read now. It moves nothing:
 * see rb_ring_read_available().
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the number of whole frames the consumer can read now
 */
gsize
rb_ring_read_frames_available (RbRing *ring)
{
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);

  return rb_ring_core_read_available (ring->core) / ring->core->frame_size;
}

/**
 * rb_ring_write_frames_available:
 * @ring: a ring
 *
 * Gets how many whole frames the producer can write now.
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: the number of whole frames the producer can write now
 */
gsize
rb_ring_write_frames_available (RbRing *ring)
{
  CHECK_RING (ring, 0);
  CHECK_PRODUCER (ring, 0);

  return rb_ring_core_write_available (ring->core) / ring->core->frame_size;
}

/**
 * rb_ring_write_deinterleaved: (skip)
 * @ring: an audio ring
 * @channels: one float array per channel of the ring, each @n_frames long;
 *   a %NULL array writes silence on that channel
 * @n_channels: the number of arrays, which must equal
 *   rb_ring_get_channels()
 * @n_frames: the number of frames
 *
 * Interleaves per-channel float samples (JACK's port buffers, say) into
 * frames of the ring's sample format, converting as described for
 * #RbSampleFormat, straight into the ring. Cut short at a frame boundary
 * when the ring is full.
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of frames written; 0 for a byte ring or a wrong
 *   @n_channels
 */
gsize
rb_ring_write_deinterleaved (RbRing *ring, const float *const *channels,
    guint n_channels, gsize n_frames)
{
  CHECK_RING (ring, 0);
  CHECK_PRODUCER (ring, 0);
  CHECK_ARG (channels != NULL || n_frames == 0, 0);

  return rb_ring_core_write_deinterleaved (ring->core, channels, n_channels,
      n_frames);
}

/**
 * rb_ring_read_deinterleaved: (skip)
 * @ring: an audio ring
 * @channels: one float array per channel of the ring, each room for
 *   @n_frames samples; a %NULL array discards that channel
 * @n_channels: the number of arrays, which must equal
 *   rb_ring_get_channels()
 * @n_frames: the most frames to read
 *
 * Reads frames out of the ring into per-channel float arrays, converting
 * from the ring's sample format. On underrun it reads what there is and
 * leaves the rest of the arrays untouched: fill it with silence yourself.
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: the number of frames read; 0 for a byte ring or a wrong
 *   @n_channels
 */
gsize
rb_ring_read_deinterleaved (RbRing *ring, float *const *channels,
    guint n_channels, gsize n_frames)
{
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);
  CHECK_ARG (channels != NULL || n_frames == 0, 0);

  return rb_ring_core_read_deinterleaved (ring->core, channels, n_channels,
      n_frames);
}

/* --- positions -------------------------------------------------------------- */

/**
 * rb_ring_get_write_position:
 * @ring: a ring
 *
 * Gets the write position: the bytes ever written.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of bytes ever written to the ring: the absolute
 *   position the next write will start at. Divide by
 *   rb_ring_get_frame_size() for a frame index.
 */
guint64
rb_ring_get_write_position (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return rb_ring_core_write_position (ring->core);
}

/**
 * rb_ring_get_read_position:
 * @ring: a ring
 *
 * Gets the read position: the bytes the consumer has read or skipped.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of bytes the consumer has read or skipped: the
 *   absolute position of the next byte it will read
 */
guint64
rb_ring_get_read_position (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return rb_ring_core_read_position (ring->core);
}

/**
 * rb_ring_get_oldest_position:
 * @ring: a ring
 *
 * Gets the oldest absolute position whose data the ring still holds.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the oldest absolute position whose data the ring still holds:
 *   for an overwrite ring, the write position less the capacity (or 0 early
 *   on), moved up to the next frame boundary on an audio ring; for a plain
 *   ring, the read position
 */
guint64
rb_ring_get_oldest_position (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return rb_ring_core_oldest_position (ring->core);
}

/**
 * rb_ring_check_range:
 * @ring: a ring
 * @position: an absolute byte position
 * @count: the length of the range in bytes
 *
 * Tells whether the range [@position, @position + @count) can be read now
 * with rb_ring_read_at(). The answer may change the moment it is given (the
 * producer goes on writing); rb_ring_read_at() checks again after copying.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: %RB_RANGE_AVAILABLE if the whole range is readable,
 *   %RB_RANGE_OVERWRITTEN if it starts before rb_ring_get_oldest_position(),
 *   %RB_RANGE_NOT_YET_WRITTEN if it ends past rb_ring_get_write_position()
 */
RbRangeStatus
rb_ring_check_range (RbRing *ring, guint64 position, gsize count)
{
  CHECK_RING (ring, RB_RANGE_NOT_YET_WRITTEN);

  return (RbRangeStatus) rb_ring_core_check_range (ring->core, position,
      count);
}

/**
 * rb_ring_read_at: (skip)
 * @ring: a ring
 * @position: the absolute byte position to read from
 * @data: (out caller-allocates) (array length=count) (element-type guint8):
 *   a buffer of at least @count bytes
 * @count: the most bytes to read
 * @bytes_read: (out): return location for the number of good bytes copied
 *
 * Copies bytes from an absolute position without consuming them: this is
 * how any number of readers follow an overwrite ring, each keeping its own
 * position. If only part of the range has been written, the written part
 * is copied. The copy is checked afterwards: if the producer overwrote the
 * start of the range meanwhile, the result is %RB_RANGE_OVERWRITTEN and
 * nothing counts as read. Readers that fall behind resume at
 * rb_ring_get_oldest_position().
 *
 * On a plain (non-overwrite) ring only the consumer may call this, for
 * positions between its read position and the write position. Bindings use
 * rb_ring_read_at_bytes().
 *
 * On an audio ring @position must be on a frame boundary (a multiple of
 * rb_ring_get_frame_size()); any other is refused as a programming error.
 * Only whole frames are copied: @count is rounded down, and a range whose
 * first frame is not complete yet is %RB_RANGE_NOT_YET_WRITTEN.
 *
 * Thread: any (overwrite ring), consumer (plain ring). RT-safe: no system
 *   call.
 *
 * Returns: %RB_RANGE_AVAILABLE with @bytes_read > 0 (unless @count is 0),
 *   or %RB_RANGE_OVERWRITTEN / %RB_RANGE_NOT_YET_WRITTEN with @bytes_read 0
 */
RbRangeStatus
rb_ring_read_at (RbRing *ring, guint64 position, guint8 *data, gsize count,
    gsize *bytes_read)
{
  gsize done;
  RbRangeStatus status;

  if (bytes_read != NULL)
    *bytes_read = 0;
  CHECK_RING (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_READ_AT (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_ARG (data != NULL || count == 0, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_POSITION (ring, position, RB_RANGE_NOT_YET_WRITTEN);

  status = (RbRangeStatus) rb_ring_core_read_at (ring->core, position, data,
      count, &done);
  if (bytes_read != NULL)
    *bytes_read = done;
  return status;
}

/**
 * rb_ring_read_frames_at: (skip)
 * @ring: a ring
 * @frame: the absolute frame index to read from
 * @frames: a buffer for @n_frames frames
 * @n_frames: the most frames to read
 * @frames_read: (out) (optional): return location for the number of good
 *   frames copied
 *
 * rb_ring_read_at() in frames: @frame is an absolute sample index, as
 * rb_ring_get_write_position() / rb_ring_get_frame_size() counts them.
 *
 * Thread: as for rb_ring_read_at(). RT-safe: no system call.
 *
 * Returns: as for rb_ring_read_at()
 */
RbRangeStatus
rb_ring_read_frames_at (RbRing *ring, guint64 frame, gpointer frames,
    gsize n_frames, gsize *frames_read)
{
  uint64_t fs;
  gsize done = 0;
  RbRangeStatus status;

  if (frames_read != NULL)
    *frames_read = 0;
  CHECK_RING (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_READ_AT (ring, RB_RANGE_NOT_YET_WRITTEN);
  CHECK_ARG (frames != NULL || n_frames == 0, RB_RANGE_NOT_YET_WRITTEN);

  fs = ring->core->frame_size;
  if (n_frames > ring->core->capacity / fs)
    n_frames = (gsize) (ring->core->capacity / fs);
  /* the core reads whole frames only, and calls a partial one not yet
   * written */
  status = (RbRangeStatus) rb_ring_core_read_at (ring->core, frame * fs,
      frames, n_frames * fs, &done);
  if (frames_read != NULL)
    *frames_read = done / fs;
  return status;
}

/* --- records ------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (RbRecordInfo, rb_record_info, rb_record_info_copy,
    rb_record_info_free)

/**
 * rb_record_info_copy:
 * @info: a record header
 *
 * Copies a record header into newly allocated memory, for bindings.
 *
 * Thread: any. Not RT-safe: allocates.
 *
 * Returns: (transfer full): a copy of @info
 */
RbRecordInfo *
rb_record_info_copy (const RbRecordInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return g_memdup2 (info, sizeof *info);
}

/**
 * rb_record_info_free:
 * @info: a record header from rb_record_info_copy()
 *
 * Frees @info.
 *
 * Thread: any. Not RT-safe.
 */
void
rb_record_info_free (RbRecordInfo *info)
{
  g_free (info);
}

/**
 * rb_record_info_init:
 * @info: (out caller-allocates): the header to fill
 * @type: the record type
 * @size: the payload size in bytes
 *
 * Fills @info for a record of @type and @size with no flags, timestamps
 * and duration %RB_RECORD_NONE, and offsets 0.
 *
 * Thread: any. RT-safe: no system call.
 */
void
rb_record_info_init (RbRecordInfo *info, guint32 type, guint32 size)
{
  CHECK_ARG (info != NULL, );

  *info = (RbRecordInfo) {
    .type = type, .size = size, .pts = RB_RECORD_NONE, .dts = RB_RECORD_NONE,
    .duration = RB_RECORD_NONE,
  };
}

/* Record calls on a ring that does not hold records would read byte data
 * as record headers: refuse them (the check is one load and a branch). */
static inline gboolean
holds_records (RbRing *ring)
{
  return (ring->core->flags & RB_CORE_FLAG_RECORDS) != 0;
}

static void
info_to_record (const RbRecordInfo *info, struct rb_record *rec)
{
  *rec = (struct rb_record) {
    .size = info->size, .type = info->type, .flags = info->flags,
    .pts = info->pts, .dts = info->dts, .duration = info->duration,
    .offset = info->offset, .offset_end = info->offset_end,
  };
}

static void
record_to_info (const struct rb_record *rec, RbRecordInfo *info)
{
  *info = (RbRecordInfo) {
    .size = rec->size, .type = rec->type, .flags = rec->flags,
    .pts = rec->pts, .dts = rec->dts, .duration = rec->duration,
    .offset = rec->offset, .offset_end = rec->offset_end,
  };
}

/**
 * rb_ring_get_max_record_size:
 * @ring: a records ring
 *
 * Gets the largest payload one record of this ring can carry.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the largest payload one record can carry: the capacity less
 *   the record header and alignment
 */
gsize
rb_ring_get_max_record_size (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return (gsize) ((ring->core->capacity - sizeof (struct rb_record)) &
      ~(guint64) (RB_RECORD_ALIGN - 1));
}

/**
 * rb_ring_write_record:
 * @ring: a records ring
 * @info: the record's header; its size must be @size
 * @payload: (array length=size) (element-type guint8) (nullable): the payload
 * @size: the payload's size in bytes
 *
 * Writes one record, all or nothing: a record that does not fit now is not
 * written (and counts as an overrun); wait with rb_ring_wait_writable() for
 * its size in the ring (%RB_RECORD_HEADER_SIZE plus @size, rounded up to a
 * multiple of 8) and try again. A record larger than
 * rb_ring_get_max_record_size() can never fit.
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: %TRUE if the record was written (%FALSE also on a ring without
 *   %RB_RING_FLAGS_RECORDS)
 */
gboolean
rb_ring_write_record (RbRing *ring, const RbRecordInfo *info,
    const guint8 *payload, gsize size)
{
  struct rb_record rec;

  CHECK_RING (ring, FALSE);
  CHECK_PRODUCER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  if (!holds_records (ring) || size != info->size ||
      (size > 0 && payload == NULL) || size > G_MAXUINT32)
    return FALSE;
  info_to_record (info, &rec);
  return rb_ring_core_write_record (ring->core, &rec, payload);
}

/**
 * rb_ring_write_record_acquire: (skip)
 * @ring: a records ring
 * @max_size: the largest payload the caller will write
 *
 * Hands out room for a record's payload of up to @max_size bytes, to fill
 * in place (a GStreamer buffer mapped straight into the ring, say);
 * rb_ring_write_record_commit() then publishes it.
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: (nullable): where the payload goes, or %NULL if a record of
 *   @max_size bytes does not fit now
 */
guint8 *
rb_ring_write_record_acquire (RbRing *ring, gsize max_size)
{
  CHECK_RING (ring, NULL);
  CHECK_PRODUCER (ring, NULL);
  if (!holds_records (ring))
    return NULL;
  return rb_ring_core_write_record_acquire (ring->core, max_size);
}

/**
 * rb_ring_write_record_commit:
 * @ring: a records ring
 * @info: the record's header; its size is how much of the acquired room
 *   was filled
 *
 * Publishes the record whose payload was written into the room from
 * rb_ring_write_record_acquire().
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: %FALSE if nothing was acquired or @info's size exceeds it
 */
gboolean
rb_ring_write_record_commit (RbRing *ring, const RbRecordInfo *info)
{
  struct rb_record rec;

  CHECK_RING (ring, FALSE);
  CHECK_PRODUCER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  if (!holds_records (ring))
    return FALSE;
  info_to_record (info, &rec);
  return rb_ring_core_write_record_commit (ring->core, &rec);
}

/**
 * rb_ring_peek_record:
 * @ring: a records ring
 * @info: (out caller-allocates): the next record's header
 *
 * Looks at the header of the next record without consuming it.
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: %TRUE if a record is there (its header is in @info); %FALSE if
 *   none is, or if the producer wrote an impossible header
 */
gboolean
rb_ring_peek_record (RbRing *ring, RbRecordInfo *info)
{
  struct rb_record rec;

  CHECK_RING (ring, FALSE);
  CHECK_CONSUMER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  if (!holds_records (ring) || !rb_ring_core_peek_record (ring->core, &rec))
    return FALSE;
  record_to_info (&rec, info);
  return TRUE;
}

/**
 * rb_ring_read_record: (skip)
 * @ring: a records ring
 * @info: (out caller-allocates): the record's header
 * @payload: (out caller-allocates) (array length=size) (element-type guint8):
 *   a buffer for the payload
 * @size: the size of @payload
 *
 * Reads the next record. If its payload does not fit in @size bytes, the
 * record stays in the ring, @info says how large it is, and the result is
 * %FALSE.
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 *
 * Returns: %TRUE if a record was read
 */
gboolean
rb_ring_read_record (RbRing *ring, RbRecordInfo *info, guint8 *payload,
    gsize size)
{
  struct rb_record rec = { 0 };
  gboolean ok;

  CHECK_RING (ring, FALSE);
  CHECK_CONSUMER (ring, FALSE);
  CHECK_ARG (info != NULL, FALSE);
  CHECK_ARG (payload != NULL || size == 0, FALSE);
  ok = holds_records (ring) &&
      rb_ring_core_read_record (ring->core, &rec, payload, size);
  record_to_info (&rec, info);
  return ok;
}

/**
 * rb_ring_read_record_bytes:
 * @ring: a records ring
 * @info: (out caller-allocates): the record's header
 *
 * Reads the next record into a new #GBytes. Allocates: for bindings and
 * non-realtime readers.
 *
 * Thread: consumer. Not RT-safe.
 *
 * Returns: (transfer full) (nullable): the payload, or %NULL if there is
 *   no record
 */
GBytes *
rb_ring_read_record_bytes (RbRing *ring, RbRecordInfo *info)
{
  struct rb_record rec = { 0 };
  const void *p;
  GBytes *bytes;

  g_return_val_if_fail (RB_IS_RING (ring), NULL);
  CHECK_CONSUMER (ring, NULL);
  g_return_val_if_fail (info != NULL, NULL);
  p = holds_records (ring) ?
      rb_ring_core_read_record_acquire (ring->core, &rec) : NULL;
  record_to_info (&rec, info);
  if (p == NULL)
    return NULL;
  bytes = g_bytes_new (p, rec.size);
  rb_ring_core_read_record_release (ring->core);
  return bytes;
}

/**
 * rb_ring_read_record_acquire: (skip)
 * @ring: a records ring
 * @info: (out caller-allocates): the record's header
 *
 * Hands out the next record's payload in place, @info->size bytes long,
 * until rb_ring_read_record_release().
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: (nullable): the payload, or %NULL if there is no record
 */
const guint8 *
rb_ring_read_record_acquire (RbRing *ring, RbRecordInfo *info)
{
  struct rb_record rec = { 0 };
  const guint8 *p;

  CHECK_RING (ring, NULL);
  CHECK_CONSUMER (ring, NULL);
  CHECK_ARG (info != NULL, NULL);
  p = holds_records (ring) ?
      rb_ring_core_read_record_acquire (ring->core, &rec) : NULL;
  record_to_info (&rec, info);
  return p;
}

/**
 * rb_ring_read_record_release:
 * @ring: a records ring
 *
 * Gives the record from rb_ring_read_record_acquire() back to the producer.
 *
 * Thread: consumer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a producer announced a wait for space since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 */
void
rb_ring_read_record_release (RbRing *ring)
{
  CHECK_RING (ring, );
  CHECK_CONSUMER (ring, );
  rb_ring_core_read_record_release (ring->core);
}

/**
 * rb_ring_write_record_acquire_address:
 * @ring: a records ring
 * @max_size: the largest payload the caller will write
 *
 * rb_ring_write_record_acquire() for language bindings that reach memory
 * through an address: the room for the payload as an integer, 0 if there is
 * none now. Finish with rb_ring_write_record_commit().
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: the address of the payload's room, or 0
 */
guint64
rb_ring_write_record_acquire_address (RbRing *ring, gsize max_size)
{
  CHECK_RING (ring, 0);
  return (guint64) (guintptr) rb_ring_write_record_acquire (ring, max_size);
}

/**
 * rb_ring_read_record_acquire_address:
 * @ring: a records ring
 * @info: (out caller-allocates): the record's header
 *
 * rb_ring_read_record_acquire() for language bindings: the payload's
 * address as an integer, 0 if there is no record. Finish with
 * rb_ring_read_record_release().
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the address of the payload, or 0
 */
guint64
rb_ring_read_record_acquire_address (RbRing *ring, RbRecordInfo *info)
{
  CHECK_RING (ring, 0);
  return (guint64) (guintptr) rb_ring_read_record_acquire (ring, info);
}

/* --- clock point ----------------------------------------------------------- */

/**
 * rb_ring_set_clock_point:
 * @ring: a ring
 * @position: an absolute byte position of the ring
 * @monotonic_ns: when @position was (or will be) at the producer's output,
 *   on CLOCK_MONOTONIC (g_get_monotonic_time() * 1000)
 * @clock_frames: the producer's own clock at that moment, e.g. JACK's
 *   frame time (jack_last_frame_time()); 0 if it has none
 *
 * Records where the producer's clock stands relative to the ring, so a
 * consumer (GStreamer's ringsrc, ringbridge-stat) can follow the producer's
 * rate and latency rather than its own. A JACK client calls it once per
 * process cycle. Readers get the point with rb_ring_get_clock_point().
 *
 * Thread: producer. RT-safe.
 */
void
rb_ring_set_clock_point (RbRing *ring, guint64 position, gint64 monotonic_ns,
    guint64 clock_frames)
{
  CHECK_RING (ring, );
  CHECK_PRODUCER (ring, );
  rb_ring_core_set_clock (ring->core, position, monotonic_ns, clock_frames);
}

/* How far ahead of now a clock point may be: a producer stamps the time
 * its data reaches its output, which is its latency ahead at most. */
#define CLOCK_POINT_MAX_AHEAD_NS (G_GINT64_CONSTANT (10) * 1000000000)

/* Whether a clock point read from shared memory can be true: the producer
 * is another process, and a garbage point would make a clock that follows
 * it jump by centuries. */
static gboolean
clock_point_plausible (RbRing *ring, uint64_t position, int64_t time_ns)
{
  struct timespec ts;
  uint64_t written;
  int64_t now;

  /* CLOCK_MONOTONIC counts from boot: never 0 or less */
  if (time_ns <= 0)
    return FALSE;
  /* a vDSO call, no system call (the RT test traps every one) */
  if (clock_gettime (CLOCK_MONOTONIC, &ts) == 0) {
    now = (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (time_ns > now + CLOCK_POINT_MAX_AHEAD_NS)
      return FALSE;
  }
  /* written data, or data being written: at most one ring ahead of the
   * write position */
  written = rb_ring_core_write_position (ring->core);
  return position <= written || position - written <= ring->core->capacity;
}

/**
 * rb_ring_get_clock_point:
 * @ring: a ring
 * @position: (out): the absolute byte position
 * @monotonic_ns: (out): its CLOCK_MONOTONIC time in nanoseconds
 * @clock_frames: (out): the producer's clock at that time
 *
 * Reads the producer's latest clock point (rb_ring_set_clock_point()),
 * consistent as a whole. The point comes from another process, so it is
 * checked on every read and ignored (%FALSE, as if never set) unless it
 * is plausible: a time after boot (@monotonic_ns > 0) and no more than
 * 10 s ahead of CLOCK_MONOTONIC now, and a position no more than the
 * capacity ahead of the write position.
 *
 * Thread: any. RT-safe.
 *
 * Returns: %FALSE if the producer never set one, or set one that cannot
 *   be true
 */
gboolean
rb_ring_get_clock_point (RbRing *ring, guint64 *position,
    gint64 *monotonic_ns, guint64 *clock_frames)
{
  uint64_t p = 0, f = 0;
  int64_t t = 0;
  gboolean ok;

  CHECK_RING (ring, FALSE);
  ok = rb_ring_core_get_clock (ring->core, &p, &t, &f);

  if (ok && !clock_point_plausible (ring, p, t)) {
    ok = FALSE;
    p = f = 0;
    t = 0;
  }

  if (position != NULL)
    *position = p;
  if (monotonic_ns != NULL)
    *monotonic_ns = t;
  if (clock_frames != NULL)
    *clock_frames = f;
  return ok;
}

/**
 * rb_ring_write_acquire_address:
 * @ring: a ring
 * @count: (out): return location for the number of writable bytes
 *
 * rb_ring_write_acquire() for language bindings that reach memory through
 * an address (Python's ctypes, say): the start of the free region as an
 * integer, 0 where rb_ring_write_acquire() returns %NULL. The address is
 * valid while @ring lives; finish with rb_ring_write_commit().
 *
 * Thread: producer. RT-safe: no system call.
 *
 * Returns: the address of the free region
 */
guint64
rb_ring_write_acquire_address (RbRing *ring, gsize *count)
{
  CHECK_ARG (count != NULL, 0);
  *count = 0;
  CHECK_RING (ring, 0);
  CHECK_PRODUCER (ring, 0);

  return (guint64) (guintptr) rb_ring_core_write_acquire (ring->core, count);
}

/**
 * rb_ring_read_acquire_address:
 * @ring: a ring
 * @count: (out): return location for the number of readable bytes
 *
 * rb_ring_read_acquire() for language bindings: the start of the readable
 * region as an integer. The address is valid while @ring lives; finish
 * with rb_ring_read_release().
 *
 * Thread: consumer. RT-safe: no system call.
 *
 * Returns: the address of the readable region
 */
guint64
rb_ring_read_acquire_address (RbRing *ring, gsize *count)
{
  CHECK_ARG (count != NULL, 0);
  *count = 0;
  CHECK_RING (ring, 0);
  CHECK_CONSUMER (ring, 0);

  return (guint64) (guintptr) rb_ring_core_read_acquire (ring->core, count);
}

/* --- state ---------------------------------------------------------------------- */

/**
 * rb_ring_reset:
 * @ring: a ring
 *
 * Discards everything not yet read, clears the end-of-stream flag and the
 * counters. The read position jumps to the write position; positions never
 * go back, so absolute positions keep their meaning across a reset.
 *
 * Call it from the consumer thread while the producer is not inside a ring
 * call (GStreamer's flush, a stopped JACK client). A consumer that only
 * wants to drop pending data while the producer runs uses rb_ring_skip()
 * with rb_ring_read_available().
 *
 * Thread: consumer, producer idle. RT-safe: no system call, except one
 *   FUTEX_WAKE when a producer announced a wait for space since this side
 *   last woke one (docs/ring.md, "When the realtime side enters the
 *   kernel").
 */
void
rb_ring_reset (RbRing *ring)
{
  CHECK_RING (ring, );
  CHECK_CONSUMER (ring, );

  rb_ring_core_reset (ring->core);
}

/**
 * rb_ring_set_end_of_stream:
 * @ring: a ring
 *
 * Marks the end of the stream: the producer writes nothing more. The
 * consumer sees it with rb_ring_is_end_of_stream() once it has read
 * everything written before. rb_ring_reset() clears it.
 *
 * Thread: producer. RT-safe: no system call, except one FUTEX_WAKE
 *   when a consumer or reader announced a wait since this side last woke
 *   one (docs/ring.md, "When the realtime side enters the kernel").
 */
void
rb_ring_set_end_of_stream (RbRing *ring)
{
  CHECK_RING (ring, );
  CHECK_PRODUCER (ring, );

  rb_ring_core_set_eos (ring->core);
}

/**
 * rb_ring_is_end_of_stream:
 * @ring: a ring
 *
 * Tells whether the consumer has reached the end of the stream. For a
 * ring object of role %RB_RING_ROLE_READER, which keeps its position to
 * itself, it tells whether the producer marked the end: the write
 * position is then final, so the reader is at the end once it has read up
 * to rb_ring_get_write_position() (rb_ring_wait_position() then returns
 * %RB_WAIT_END_OF_STREAM).
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: %TRUE if the producer marked the end of the stream and the
 *   consumer has read everything written before it (a reader: if the
 *   producer marked the end)
 */
gboolean
rb_ring_is_end_of_stream (RbRing *ring)
{
  CHECK_RING (ring, FALSE);

  /* A reader keeps its position to itself: the flag is all there is. */
  if (ring->role == RB_RING_ROLE_READER)
    return rb_ring_core_eos_marked (ring->core);
  return rb_ring_core_is_eos (ring->core);
}

/**
 * rb_ring_get_fill_level:
 * @ring: a ring
 *
 * Gets the unread share of the ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the unread part of the ring, from 0.0 (empty) to 1.0 (full),
 *   measured from the read position
 */
gdouble
rb_ring_get_fill_level (RbRing *ring)
{
  guint64 r, w, used;

  CHECK_RING (ring, 0.0);

  r = rb_ring_core_read_position (ring->core);
  w = rb_ring_core_write_position (ring->core);
  used = w - r;
  if ((gint64) used < 0)
    return 0.0;
  if (used > ring->core->capacity)
    return 1.0;
  return (gdouble) used / (gdouble) ring->core->capacity;
}

/**
 * rb_ring_get_overruns:
 * @ring: a ring
 *
 * Gets the number of writes cut short by a full ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of writes that were cut short because the ring was
 *   full (never counted on overwrite rings)
 */
guint64
rb_ring_get_overruns (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return rb_ring_core_overruns (ring->core);
}

/**
 * rb_ring_get_underruns:
 * @ring: a ring
 *
 * Gets the number of consumer reads cut short by an empty ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of consumer reads that were cut short because there
 *   was too little data
 */
guint64
rb_ring_get_underruns (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return rb_ring_core_underruns (ring->core);
}

/**
 * rb_ring_get_overwritten:
 * @ring: a ring
 *
 * Gets the number of bytes an overwrite ring's consumer lost.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the number of bytes the consumer of an overwrite ring lost
 *   because the producer overwrote them before they were read
 */
guint64
rb_ring_get_overwritten (RbRing *ring)
{
  CHECK_RING (ring, 0);

  return rb_ring_core_overwritten (ring->core);
}

void
rb_ring_set_positions_for_test (RbRing *ring, guint64 position)
{
  rb_ring_core_set_positions_for_test (ring->core, position);
}

/* --- GObject ---------------------------------------------------------------- */

static void
rb_ring_finalize (GObject *object)
{
  RbRing *self = RB_RING (object);

  if (self->map.base != NULL)
    release_roles (self);
  rb_mapping_unmap (&self->map);
  free (self->core);
  g_free (self->name);

  G_OBJECT_CLASS (rb_ring_parent_class)->finalize (object);
}

static void
rb_ring_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  RbRing *self = RB_RING (object);

  switch (prop_id) {
    case PROP_CAPACITY:
      self->requested_capacity = g_value_get_uint64 (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_get_flags (value);
      break;
    case PROP_SAMPLE_FORMAT:
      self->format = g_value_get_enum (value);
      break;
    case PROP_CHANNELS:
      self->channels = g_value_get_uint (value);
      break;
    case PROP_RATE:
      self->rate = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rb_ring_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  RbRing *self = RB_RING (object);
  gboolean ready = self->core != NULL;

  switch (prop_id) {
    case PROP_CAPACITY:
      g_value_set_uint64 (value, ready ? self->core->capacity :
          self->requested_capacity);
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_SAMPLE_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_CHANNELS:
      g_value_set_uint (value, ready ? self->core->channels : self->channels);
      break;
    case PROP_RATE:
      g_value_set_uint (value, ready ? self->core->rate : self->rate);
      break;
    case PROP_FRAME_SIZE:
      g_value_set_uint (value, ready ? self->core->frame_size : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rb_ring_class_init (RbRingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_ring_finalize;
  object_class->set_property = rb_ring_set_property;
  object_class->get_property = rb_ring_get_property;

  /**
   * RbRing:capacity:
   *
   * The capacity in bytes. Set at construction to the size wanted; read
   * back, it is the actual capacity: rounded up to a power of two of at
   * least one page. Values outside 1 to %RB_RING_MAX_CAPACITY make
   * construction fail with %RB_RING_ERROR_INVALID_CAPACITY (the range is not
   * in the property itself, so the error can name the value).
   */
  properties[PROP_CAPACITY] =
      g_param_spec_uint64 ("capacity", NULL, NULL,
      0, G_MAXUINT64, 65536,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * RbRing:flags:
   *
   * Flags fixed at construction, such as %RB_RING_FLAGS_OVERWRITE.
   */
  properties[PROP_FLAGS] =
      g_param_spec_flags ("flags", NULL, NULL,
      RB_TYPE_RING_FLAGS, RB_RING_FLAGS_NONE,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * RbRing:sample-format:
   *
   * The sample format of an audio ring; %RB_SAMPLE_FORMAT_NONE for a byte
   * ring.
   */
  properties[PROP_SAMPLE_FORMAT] =
      g_param_spec_enum ("sample-format", NULL, NULL,
      RB_TYPE_SAMPLE_FORMAT, RB_SAMPLE_FORMAT_NONE,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * RbRing:channels:
   *
   * The number of interleaved channels of an audio ring (0 for a byte ring),
   * 1 to %RB_RING_MAX_CHANNELS; other values make construction fail with
   * %RB_RING_ERROR_INVALID_FORMAT.
   */
  properties[PROP_CHANNELS] =
      g_param_spec_uint ("channels", NULL, NULL,
      0, G_MAXUINT, 0,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * RbRing:rate:
   *
   * The sample rate of an audio ring in Hz (0 for a byte ring), 1 to
   * %RB_RING_MAX_RATE; other values make construction fail with
   * %RB_RING_ERROR_INVALID_FORMAT.
   */
  properties[PROP_RATE] =
      g_param_spec_uint ("rate", NULL, NULL,
      0, G_MAXUINT, 0,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * RbRing:frame-size:
   *
   * The size of one frame in bytes (1 for a byte ring).
   */
  properties[PROP_FRAME_SIZE] =
      g_param_spec_uint ("frame-size", NULL, NULL,
      0, G_MAXUINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rb_ring_init (RbRing *self)
{
  self->map.fd = -1;
  self->fd = -1;
  self->action = ACTION_NEW;
  self->role = RB_RING_ROLE_BOTH;
  self->mode = 0600;
  self->format = RB_SAMPLE_FORMAT_NONE;
  self->requested_capacity = 65536;
}
