/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Making a ring's file and mapping it: a new ring (memfd or named), attaching
 * to one another process made, and taking and giving up roles; the peer
 * getters. */

#include "config.h"

#include "rb-ring-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- construction -------------------------------------------------------- */

int
rb_ring_error_code_for_errno (int err)
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
  const RbRingFlags known = RB_RING_FLAGS_OVERWRITE | RB_RING_FLAGS_RECORDS |
      RB_RING_FLAGS_POWER_OF_TWO;

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

gboolean
rb_ring_check_role (RbRingRole role, GError **error)
{
  if ((guint) role > RB_RING_ROLE_READER) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "%d is not a ring role", (int) role);
    return FALSE;
  }
  return TRUE;
}

gboolean
rb_ring_check_enums (RbRingFlags flags, RbRingRole role,
    RbSampleFormat format, GError **error)
{
  if (!check_flags (flags, error) || !rb_ring_check_role (role, error))
    return FALSE;
  if (rb_sample_format_get_size (format) == 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
        "%d is not a sample format", (int) format);
    return FALSE;
  }
  return TRUE;
}

/* The size of a ring to be made: the storage its capacity needs and the
 * capacity itself (@usable): exactly what was asked, or the whole storage
 * with %RB_RING_FLAGS_POWER_OF_TWO, a flag of construction only (the
 * header does not keep it: the ring is one whose capacity is its storage). */
static gboolean
check_new_size (RbRing *self, size_t page, uint64_t *storage,
    uint64_t *usable, GError **error)
{
  guint64 frame = self->format == RB_SAMPLE_FORMAT_NONE ? 1 :
      rb_sample_format_get_size (self->format) * self->channels;

  if (!rb_capacity_round (self->requested_capacity, page, storage)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "capacity %" G_GUINT64_FORMAT " bytes is out of range: a ring holds "
        "1 byte to %" G_GUINT64_FORMAT " bytes", self->requested_capacity,
        (guint64) RB_RING_MAX_CAPACITY);
    return FALSE;
  }
  if ((self->flags & RB_RING_FLAGS_RECORDS) &&
      self->requested_capacity < RB_CORE_RECORD_MIN) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "capacity %" G_GUINT64_FORMAT " bytes is too small for a records "
        "ring: one record takes at least %u bytes", self->requested_capacity,
        (guint) RB_CORE_RECORD_MIN);
    return FALSE;
  }
  *usable = self->requested_capacity;
  if (self->flags & RB_RING_FLAGS_POWER_OF_TWO)
    /* the storage need not be whole frames: the capacity is */
    *usable = *storage - *storage % frame;
  else if (*usable % frame != 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "capacity %" G_GUINT64_FORMAT " bytes is not a whole number of "
        "%" G_GUINT64_FORMAT "-byte frames", *usable, frame);
    return FALSE;
  }
  self->flags &= ~RB_RING_FLAGS_POWER_OF_TWO;
  return TRUE;
}

/* Checks the requested identity of a ring to be made, and sizes it. */
static gboolean
check_new_identity (RbRing *self, size_t page, uint64_t *storage,
    uint64_t *usable, GError **error)
{
  if (!rb_ring_check_enums (self->flags, self->role, self->format, error))
    return FALSE;
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
  return check_new_size (self, page, storage, usable, error);
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

struct rb_shm_header *
rb_ring_header_of (RbRing *self)
{
  return self->map.base;
}

/* Takes the ring's roles for this process. */
static gboolean
claim_roles (RbRing *self, GError **error)
{
  struct rb_shm_header *hdr = rb_ring_header_of (self);
  int roles[2], n = 0;
  uint64_t holder;

  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_PRODUCER)
    roles[n++] = RB_ROLE_PRODUCER;
  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_CONSUMER)
    roles[n++] = RB_ROLE_CONSUMER;
  if (self->role == RB_RING_ROLE_READER)
    rb_shm_reader_join (hdr);   /* advisory: for monitors */

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

void
rb_ring_release_roles (RbRing *self)
{
  struct rb_shm_header *hdr;

  if (!self->claimed)
    return;
  /* the owner words are in the header, which a truncation takes away */
  rb_ring_check_file (self);
  hdr = rb_ring_header_of (self);
  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_PRODUCER)
    rb_shm_release (hdr, RB_ROLE_PRODUCER, self->self_owner);
  if (self->role == RB_RING_ROLE_BOTH || self->role == RB_RING_ROLE_CONSUMER)
    rb_shm_release (hdr, RB_ROLE_CONSUMER, self->self_owner);
  if (self->role == RB_RING_ROLE_READER)
    rb_shm_reader_leave (hdr);
  self->claimed = FALSE;
  /* a peer's readiness watch for PEER_LEFT (rb-ring-watch.c); relaxed: a
   * hint, a watch that appears later looks at the owner words itself */
  if (atomic_load_explicit (&hdr->watch_data_announce, memory_order_relaxed)
      != 0 || atomic_load_explicit (&hdr->watch_space_announce,
          memory_order_relaxed) != 0)
    rb_watch_poke (self->map.fd);
}

/* Makes a new ring in @fd (a memfd, or a fresh named object of size 0). */
static gboolean
init_new (RbRing *self, int fd, size_t page, size_t header_size,
    uint64_t storage, uint64_t usable, GError **error)
{
  struct rb_shm_header *hdr;
  const char *what = NULL;
  int res;

  res = rb_mapping_map (&self->map, fd, header_size, storage, &what);
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, -res == ENOMEM ?
        RB_RING_ERROR_NO_MEMORY : RB_RING_ERROR_MAP_FAILED,
        "cannot map a %" G_GUINT64_FORMAT "-byte ring: %s: %s", storage,
        what, g_strerror (-res));
    return FALSE;
  }
  if (!alloc_core (self, error))
    return FALSE;

  hdr = rb_ring_header_of (self);
  rb_shm_header_init (hdr, (uint32_t) header_size, storage, usable,
      (uint32_t) self->flags, (uint32_t) self->format, self->channels,
      self->rate);
  rb_ring_items_init_header (self, hdr);
  /* relaxed: nobody can see the ring before its magic is published below. */
  atomic_store_explicit (&hdr->creator_owner, self->self_owner,
      memory_order_relaxed);
  atomic_store_explicit (&hdr->creator_role, (uint32_t) self->role,
      memory_order_relaxed);
  rb_ring_core_init (self->core, hdr, (uint8_t *) hdr + header_size);
  self->core->notify_fd = self->map.fd;   /* readiness watches */
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
      rb_ring_set_open_error (name, path, fd, error);
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
    uint64_t storage, uint64_t usable, GError **error)
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
    rb_ring_set_exists_error (self->name, error);
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
        rb_ring_set_exists_error (self->name, error);
      else
        g_set_error (error, RB_RING_ERROR, rb_ring_error_code_for_errno (err),
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
    err = rb_shm_reserve (fd, header_size + storage, &what);
  }
  if (err != 0) {
    g_set_error (error, RB_RING_ERROR, rb_ring_error_code_for_errno (err),
        "cannot create ring '%s' of %" G_GUINT64_FORMAT " bytes: %s: %s",
        self->name, storage + header_size, what, g_strerror (err));
    goto fail;
  }
  if (!init_new (self, fd, page, header_size, storage, usable, error))
    goto fail;
  self->unsealed = TRUE;
  if (!linked &&
      linkat (AT_FDCWD, proc_link, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0) {
    err = errno;
    if (err == EEXIST)
      rb_ring_set_exists_error (self->name, error);
    else
      g_set_error (error, RB_RING_ERROR, rb_ring_error_code_for_errno (err),
          "cannot name ring '%s' (%s): %s", self->name, path,
          g_strerror (err));
    rb_ring_release_roles (self);
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

/* Whether @self may trust the file in @fd (@st: its fstat): a passed memfd
 * must be sealed against shrinking, a named ring's file ours and not
 * writable by others, unless the open flags allow it. */
static gboolean
check_trust (RbRing *self, int fd, const struct stat *st, const gchar *quoted,
    GError **error)
{
  int seals;

  if (!S_ISREG (st->st_mode)) {
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
    return TRUE;
  }
  self->unsealed = TRUE;
  if (st->st_uid != geteuid () &&
      !(self->open_flags & RB_RING_OPEN_FLAGS_ANY_OWNER)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
        "refusing %s owned by uid %u (we are uid %u)", quoted,
        (guint) st->st_uid, (guint) geteuid ());
    return FALSE;
  }
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
      !(self->open_flags & RB_RING_OPEN_FLAGS_SHARED_WRITE)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
        "refusing %s with mode %04o: writable by others", quoted,
        (guint) (st->st_mode & 07777));
    return FALSE;
  }
  return TRUE;
}

/* One snapshot of the header in @fd, validated against the file's size
 * (@file_size), into @id; the mapping is then made from the validated
 * identity, so nothing a peer changes afterwards can make us map or index
 * out of bounds. */
static gboolean
read_identity (RbRing *self, int fd, uint64_t file_size,
    const gchar *quoted, struct rb_ring_identity *id, GError **error)
{
  if (!rb_ring_read_header (fd, FALSE, file_size, quoted, NULL, id, error))
    return FALSE;
  if (self->role == RB_RING_ROLE_READER &&
      !(id->flags & RB_CORE_FLAG_OVERWRITE)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_ROLE,
        "%s is not an overwrite ring: only its consumer can read it", quoted);
    return FALSE;
  }
  return TRUE;
}

/* Attaches to the ring in @fd, whose header another process wrote. */
static gboolean
init_attach (RbRing *self, int fd, GError **error)
{
  g_autofree gchar *quoted = self->name ?
      g_strdup_printf ("ring '%s'", self->name) : g_strdup ("the passed ring");
  struct rb_ring_identity id;
  struct stat st;
  int res;
  const char *what = NULL;

  if (fstat (fd, &st) < 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
        "cannot inspect %s: fstat: %s", quoted, g_strerror (errno));
    return FALSE;
  }
  if (!check_trust (self, fd, &st, quoted, error) ||
      !read_identity (self, fd, (uint64_t) st.st_size, quoted, &id, error) ||
      !rb_ring_items_attach (self, fd, &id, quoted, error))
    return FALSE;

  res = rb_mapping_map (&self->map, fd, id.header_size, id.storage, &what);
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
  rb_ring_core_init_identity (self->core, &id, rb_ring_header_of (self),
      (uint8_t *) self->map.base + id.header_size);
  self->core->notify_fd = self->map.fd;   /* readiness watches */

  self->flags = (RbRingFlags) id.flags;
  self->format = (RbSampleFormat) id.sample_format;
  self->channels = id.channels;
  self->rate = id.rate;
  return TRUE;
}

/* GInitable's init: makes or attaches the ring's file as the construct
 * properties say. */
gboolean
rb_ring_init_backing (RbRing *self, GError **error)
{
  size_t page = rb_page_size ();
  size_t header_size = rb_ring_items_header_size (self, page);
  g_autofree gchar *path = NULL;
  const char *what = NULL;
  uint64_t storage, usable;
  gboolean ok;
  int fd;

  if (self->core != NULL)
    return TRUE;
  self->self_owner = rb_owner_self ();

  switch (self->action) {
    case ACTION_NEW:
      if (!check_new_identity (self, page, &storage, &usable, error))
        return FALSE;
      fd = rb_memfd_create ("ringbridge", header_size, storage, &what);
      if (fd < 0) {
        int code = rb_ring_error_code_for_errno (-fd);
        if (-fd == ENOSYS || -fd == EINVAL)
          code = RB_RING_ERROR_NO_MEMFD;
        g_set_error (error, RB_RING_ERROR, code,
            "cannot create the backing file of a %" G_GUINT64_FORMAT
            "-byte ring: %s: %s", storage, what, g_strerror (-fd));
        return FALSE;
      }
      ok = init_new (self, fd, page, header_size, storage, usable, error);
      close (fd);
      return ok;

    case ACTION_CREATE:
      if (!rb_ring_name_validate (self->name, error) ||
          !check_new_identity (self, page, &storage, &usable, error))
        return FALSE;
      return init_create (self, page, header_size, storage, usable, error);

    case ACTION_OPEN:
      path = rb_ring_path_of (self->name, error);
      if (path == NULL || !rb_ring_check_role (self->role, error))
        return FALSE;
      fd = open_named (self->name, path, error);
      if (fd < 0)
        return FALSE;
      ok = init_attach (self, fd, error);
      close (fd);
      return ok;

    case ACTION_FD:
      if (!rb_ring_check_role (self->role, error))
        return FALSE;
      /* a named ring passed as an fd: count as one of its users, so it is
       * not reclaimed under us (best effort: the sender's lock, on the
       * same open file, may already cover us) */
      if (is_named_ring_fd (self->fd))
        (void) rb_shm_lock (self->fd, RB_LOCK_USERS, F_RDLCK);
      return init_attach (self, self->fd, error);

    default:
      g_assert_not_reached ();
  }
}

int
rb_ring_peer_role (RbRing *ring)
{
  struct rb_shm_header *hdr = rb_ring_header_of (ring);

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

/* The checks of a function that reads the owner words: @ring must be a
 * ring (else it returns @invalid); the words are in the header, which a
 * truncation of the file takes away (then it returns @dead). */
#define OWNER_CHECKS(ring, invalid, dead) G_STMT_START { \
    g_return_val_if_fail (RB_IS_RING (ring), (invalid)); \
    if (!rb_ring_check_file (ring)) \
      return (dead); \
  } G_STMT_END

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

  OWNER_CHECKS (ring, RB_PEER_STATE_NONE, RB_PEER_STATE_GONE);
  /* relaxed: written once before the ring's magic is published */
  owner = atomic_load_explicit (&rb_ring_header_of (ring)->creator_owner,
      memory_order_relaxed);
  if (owner == ring->self_owner || rb_owner_alive (owner))
    return RB_PEER_STATE_ALIVE;
  return RB_PEER_STATE_GONE;
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

  OWNER_CHECKS (ring, RB_PEER_STATE_NONE, RB_PEER_STATE_GONE);
  return (RbPeerState) rb_shm_peer_state (rb_ring_header_of (ring),
      rb_ring_peer_role (ring), &gen, NULL);
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

  OWNER_CHECKS (ring, 0, 0);
  rb_shm_peer_state (rb_ring_header_of (ring), rb_ring_peer_role (ring),
      &gen, &pid);
  return pid;
}
