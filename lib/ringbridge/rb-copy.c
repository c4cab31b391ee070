/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* memcpy for the ring's bulk copies (issue #18, "Unaligned copies").
 *
 * glibc 2.36 copies 1 KiB and more with `rep movsb` or wide vector loops
 * whose stores are fastest when the destination is 64-byte aligned; on
 * the AMD CPUs this was measured on a copy of 4 KiB or more into a
 * destination 8-24 bytes past a 64-byte line runs markedly slower (a ring
 * of 6-byte frames, or any odd record length, puts most positions there;
 * bench/ringbridge-bench's "unaligned" table shows it). So a long copy
 * first moves the short head up to the next 64-byte line of the
 * destination, then the rest from an aligned destination. Short copies go
 * straight to memcpy in rb_copy(), inline in rb-copy-private.h: one
 * predictable branch.
 *
 * RT-safe: two memcpy calls, no allocation, lock or system call. */

#include "rb-copy-private.h"

#include <stdint.h>
#include <string.h>

void
rb_copy_long (void *restrict dst, const void *restrict src, size_t n)
{
  size_t head = (size_t) (-(uintptr_t) dst & (RB_COPY_ALIGN - 1));

  /* head < 64 <= n: the head and the rest are both within the n bytes. */
  memcpy (dst, src, head);
  memcpy ((uint8_t *) dst + head, (const uint8_t *) src + head, n - head);
}
