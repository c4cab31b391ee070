/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The ring's bulk copies into and out of its data (rb-copy.c). C11 and
 * libc only, RT-safe: no allocation, lock or system call. */

#include <stddef.h>
#include <string.h>

/* Bulk copies of at least this many bytes get an aligned destination. */
#define RB_COPY_ALIGN_MIN 1024
/* The destination alignment rb_copy() gives them. */
#define RB_COPY_ALIGN 64

/* A long copy (rb-copy.c): the head up to the destination's next 64-byte
 * line, then the rest. */
void rb_copy_long (void *restrict dst, const void *restrict src, size_t n);

/* Copies N bytes. Inline, so that a short copy (an 8-byte message, a
 * frame) is one compare and memcpy in the caller, as before the aligned
 * path existed, not a call into rb-copy.c first. (Back to back with the
 * out-of-line version, bench/ringbridge-bench's 8-byte stream did not
 * tell the two apart: the call is cheap beside the cache-line traffic.) */
static inline void
rb_copy (void *restrict dst, const void *restrict src, size_t n)
{
  if (__builtin_expect (n < RB_COPY_ALIGN_MIN, 1))
    memcpy (dst, src, n);
  else
    rb_copy_long (dst, src, n);
}
