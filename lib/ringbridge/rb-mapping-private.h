/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The mirrored mapping of a ring's file: the header page, then the data
 * area mapped twice back to back, so any region up to the capacity is
 * contiguous in virtual memory. Not realtime-safe (system calls). Errors
 * are negative errno values; @what names the call that failed. */

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct rb_mapping {
  void *base;                   /* header_size + 2 * capacity bytes */
  size_t length;
  size_t header_size;
  uint64_t capacity;
  int fd;
  int locked;
};

size_t rb_page_size (void);

/* Where named rings live, and the prefix of their names there. */
#define RB_SHM_DIR "/dev/shm"
#define RB_RING_NAME_PREFIX "ringbridge-"

/* Creates a sealed memfd of header_size + capacity bytes with every page
 * reserved (no SIGBUS on first touch). Returns the fd or -errno. */
int  rb_memfd_create (const char *debug_name, size_t header_size,
                      uint64_t capacity, const char **what);

/* Maps @fd mirrored. Takes no ownership of @fd (the mapping dups it). */
int  rb_mapping_map  (struct rb_mapping *m, int fd, size_t header_size,
                      uint64_t capacity, const char **what);
int  rb_mapping_lock (struct rb_mapping *m, const char **what);
/* Replaces the whole mapping, in place, by private zeroed memory: for a
 * ring whose file a peer truncated, so that later accesses (the realtime
 * calls included) find an empty, impossible ring instead of SIGBUS. */
int  rb_mapping_orphan (struct rb_mapping *m, const char **what);
void rb_mapping_unmap (struct rb_mapping *m);

/* --- the file behind a name ------------------------------------------------
 * /dev/shm is writable by every user, so whatever sits at a ring's name may
 * have been planted there: a FIFO (whose open blocks until a writer comes),
 * a symbolic link to someone else's file, a socket. */

/* What rb_shm_open_path() returns for a file that is not a regular file. */
#define RB_SHM_NOT_REGULAR (-100000)

/* Opens @path (under RB_SHM_DIR) with @flags (O_RDONLY or O_RDWR) without
 * following a symbolic link (-ELOOP), without blocking on a FIFO, and
 * refusing anything but a regular file (RB_SHM_NOT_REGULAR). Fills @st.
 * Returns the fd (close-on-exec) or a negative value. */
int  rb_shm_open_path (const char *path, int flags, struct stat *st);

/* --- locks on a named ring's file ------------------------------------------
 * Open-file-description locks (F_OFD_SETLK) on two bytes of the file; they
 * belong to the open file, so they last while any fd or mapping of it
 * does, and go away when the process dies. See docs/sharing.md, "Removing
 * a name".
 *   RB_LOCK_USERS: every process that uses the ring holds a read lock on
 *     it for as long as it has the ring mapped; whoever can take a write
 *     lock on it knows that nobody does.
 *   RB_LOCK_NAME: whoever removes the ring's name holds a write lock on it
 *     from before it checks that the name still leads to this file until
 *     the name is gone. */
enum { RB_LOCK_USERS = 0, RB_LOCK_NAME = 1 };

/* Takes (F_RDLCK, F_WRLCK) or drops (F_UNLCK) lock @which on @fd without
 * waiting. Returns 0, -EAGAIN if another open file holds a conflicting
 * lock, or -errno. */
int  rb_shm_lock (int fd, int which, short type);

/* Whether another open file holds lock @which on @fd's file (any kind):
 * 1 yes, 0 no, -errno. Needs no write access. */
int  rb_shm_lock_held (int fd, int which);

/* Whether @path names the file open as @fd (same device and inode), not
 * following a symbolic link: 1 yes, 0 no (another file, or none). */
int  rb_shm_names_fd (const char *path, int fd);

/* Removes @path if and only if it still names @fd's file: takes the name
 * lock on @fd (retrying for up to @patience_ms while another remover holds
 * it), checks, unlinks. Nobody who follows the same rule can have replaced
 * the name between the check and the unlink. Returns 0; -ENOENT if the
 * name is gone or now names another file; -EAGAIN if the lock stayed
 * taken; or -errno (@what names the call). */
int  rb_shm_unlink_if_same (const char *path, int fd, int patience_ms,
                            const char **what);
