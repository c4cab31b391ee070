/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Backing file and mirrored mapping of a ring. Not realtime-safe: this is
 * where the system calls live, so that nothing else needs any. */

#include "rb-mapping-private.h"
#include "rb-shm-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

size_t
rb_page_size (void)
{
  long ps = sysconf (_SC_PAGESIZE);
  return ps > 0 ? (size_t) ps : 4096;
}

int
rb_memfd_create (const char *debug_name, size_t header_size,
    uint64_t capacity, const char **what)
{
  int fd, err;

  fd = memfd_create (debug_name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) {
    *what = "memfd_create";
    return -errno;
  }
  err = rb_shm_reserve (fd, header_size + (size_t) capacity, what);
  if (err != 0) {
    close (fd);
    return -err;
  }
  /* A sealed size means no holder of the fd can shrink the file under
   * another's mapping (SIGBUS) or grow it. */
  if (fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
    err = errno;
    *what = "fcntl(F_ADD_SEALS)";
    close (fd);
    return -err;
  }
  return fd;
}

int
rb_mapping_map (struct rb_mapping *m, int fd, size_t header_size,
    uint64_t capacity, const char **what)
{
  size_t length = header_size + 2 * (size_t) capacity;
  uint8_t *base, *p;
  int err;

  memset (m, 0, sizeof *m);
  m->fd = -1;

  /* Reserve the whole range first so the two views of the data land back
   * to back, then map the file over it. */
  base = mmap (NULL, length, PROT_NONE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    *what = "mmap (reserve)";
    return -errno;
  }
  /* MAP_POPULATE faults the pages in now, not in the first realtime
   * callback that touches them. */
  p = mmap (base, header_size + (size_t) capacity, PROT_READ | PROT_WRITE,
      MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) {
    *what = "mmap (header and data)";
    goto fail;
  }
  p = mmap (base + header_size + capacity, (size_t) capacity,
      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_POPULATE, fd,
      (off_t) header_size);
  if (p == MAP_FAILED) {
    *what = "mmap (mirror)";
    goto fail;
  }
  m->fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  if (m->fd < 0) {
    *what = "fcntl(F_DUPFD_CLOEXEC)";
    goto fail;
  }
  m->base = base;
  m->length = length;
  m->header_size = header_size;
  m->capacity = capacity;
  return 0;

fail:
  err = errno;
  munmap (base, length);
  return -err;
}

int
rb_mapping_lock (struct rb_mapping *m, const char **what)
{
  if (m->locked)
    return 0;
  /* The mirror is the same pages again: locking the first view is enough. */
  if (mlock (m->base, m->header_size + (size_t) m->capacity) < 0) {
    *what = "mlock";
    return -errno;
  }
  m->locked = 1;
  return 0;
}

int
rb_mapping_orphan (struct rb_mapping *m, const char **what)
{
  void *p;

  if (m->base == NULL)
    return 0;
  /* MAP_FIXED replaces the old pages atomically: a thread that reads the
   * ring meanwhile sees the file's pages or zeros, never a hole. */
  p = mmap (m->base, m->length, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p == MAP_FAILED) {
    *what = "mmap (orphan)";
    return -errno;
  }
  m->locked = 0;
  return 0;
}

void
rb_mapping_unmap (struct rb_mapping *m)
{
  if (m->base != NULL)
    munmap (m->base, m->length);
  if (m->fd >= 0)
    close (m->fd);
  memset (m, 0, sizeof *m);
  m->fd = -1;
}

/* --- the file behind a name ------------------------------------------------ */

int
rb_shm_open_path (const char *path, int flags, struct stat *st)
{
  int fd, err;

  /* O_NONBLOCK: opening a FIFO would otherwise wait for its other end, in
   * the kernel, deaf to SIGINT; on a regular file it changes nothing.
   * O_NOFOLLOW: a symbolic link planted at the name leads elsewhere. */
  fd = open (path, flags | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (fstat (fd, st) < 0) {
    err = errno;
    close (fd);
    return -err;
  }
  if (!S_ISREG (st->st_mode)) {
    close (fd);
    return RB_SHM_NOT_REGULAR;
  }
  return fd;
}

static void
lock_range (struct flock *fl, int which, short type)
{
  memset (fl, 0, sizeof *fl);
  fl->l_type = type;
  fl->l_whence = SEEK_SET;
  fl->l_start = which;
  fl->l_len = 1;
  fl->l_pid = 0;                /* F_OFD_* require 0 */
}

int
rb_shm_lock (int fd, int which, short type)
{
  struct flock fl;

  lock_range (&fl, which, type);
  if (fcntl (fd, F_OFD_SETLK, &fl) < 0)
    return errno == EACCES ? -EAGAIN : -errno;
  return 0;
}

int
rb_shm_lock_held (int fd, int which)
{
  struct flock fl;

  /* a write lock conflicts with every lock another open file holds */
  lock_range (&fl, which, F_WRLCK);
  if (fcntl (fd, F_OFD_GETLK, &fl) < 0)
    return -errno;
  return fl.l_type != F_UNLCK;
}

int
rb_shm_names_fd (const char *path, int fd)
{
  struct stat named, open;

  if (fstat (fd, &open) < 0 || lstat (path, &named) < 0)
    return 0;
  return named.st_dev == open.st_dev && named.st_ino == open.st_ino;
}

int
rb_shm_unlink_if_same (const char *path, int fd, int patience_ms,
    const char **what)
{
  struct timespec pause = { 0, 1000000 };
  int res;

  for (int waited = 0;; waited++) {
    res = rb_shm_lock (fd, RB_LOCK_NAME, F_WRLCK);
    if (res != -EAGAIN || waited >= patience_ms)
      break;
    /* another remover is between its check and its unlink: microseconds */
    nanosleep (&pause, NULL);
  }
  if (res < 0) {
    *what = "fcntl(F_OFD_SETLK)";
    return res;
  }
  /* Holding the name lock: the name cannot stop naming this file before
   * our unlink, since removing it takes this same lock (and creating a
   * ring never replaces a name: link() fails if it exists). */
  if (!rb_shm_names_fd (path, fd))
    res = -ENOENT;
  else if (unlink (path) < 0) {
    res = -errno;
    *what = "unlink";
  }
  rb_shm_lock (fd, RB_LOCK_NAME, F_UNLCK);
  return res;
}
