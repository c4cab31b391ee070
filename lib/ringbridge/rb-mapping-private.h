/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The mirrored mapping of a ring's file: the header page, then the data
 * area mapped twice back to back, so any region up to the capacity is
 * contiguous in virtual memory. Not realtime-safe (system calls). Errors
 * are negative errno values; @what names the call that failed. */

#include <stddef.h>
#include <stdint.h>

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

/* Sizes @fd to @size bytes and reserves every page (tmpfs overcommits: a
 * page that cannot be had would otherwise be a SIGBUS at first touch,
 * perhaps in a realtime callback). Returns 0 or an errno value. */
int  rb_shm_reserve (int fd, size_t size, const char **what);

/* Creates a sealed memfd of header_size + capacity bytes with every page
 * reserved (no SIGBUS on first touch). Returns the fd or -errno. */
int  rb_memfd_create (const char *debug_name, size_t header_size,
                      uint64_t capacity, const char **what);

/* Maps @fd mirrored. Takes no ownership of @fd (the mapping dups it). */
int  rb_mapping_map  (struct rb_mapping *m, int fd, size_t header_size,
                      uint64_t capacity, const char **what);
int  rb_mapping_lock (struct rb_mapping *m, const char **what);
void rb_mapping_unmap (struct rb_mapping *m);
