/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Zero-copy views at absolute positions (rb-ring-core-view.c): a pointer
 * into the mirrored mapping, and the check after use that tells whether
 * the producer overwrote any of it meanwhile. C11 and libc only, like the
 * rest of the core. Who may call: as for rb_ring_core_read_at() (any
 * thread on an overwrite ring; the consumer on a plain ring). RT-safe: no
 * allocation, no lock, no system call. */

#include "rb-ring-core-private.h"

/* The bytes at @pos, contiguous even across the end of the data area:
 * NULL (and *n 0, *status GONE or FUTURE) if nothing is readable there,
 * else the view's address with *n the bytes it covers: at most @count,
 * fewer if fewer whole frames are written yet. */
const uint8_t *rb_ring_core_view_at    (const struct rb_ring_core *core,
                                        uint64_t pos, size_t count,
                                        size_t *n, enum rb_range *status);

/* After reading [@pos, @pos + @n) through a view: RB_RANGE_OVERTAKEN if the
 * producer overwrote (or started to overwrite) any of it since, or may
 * have (a plain ring's consumer released it); RB_RANGE_FUTURE if the range
 * reaches past the write position; else RB_RANGE_OK. */
enum rb_range  rb_ring_core_view_check (const struct rb_ring_core *core,
                                        uint64_t pos, size_t n);
