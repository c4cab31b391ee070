/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The ring's bulk copies into and out of its data (rb-copy.c). C11 and
 * libc only, RT-safe: no allocation, lock or system call. */

#include <stddef.h>

/* Bulk copies of at least this many bytes get an aligned destination. */
#define RB_COPY_ALIGN_MIN 1024
/* The destination alignment rb_copy() gives them. */
#define RB_COPY_ALIGN 64

void rb_copy (void *restrict dst, const void *restrict src, size_t n);
