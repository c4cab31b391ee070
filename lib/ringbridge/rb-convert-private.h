/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Sample conversion between interleaved frames in a ring format and
 * per-channel float arrays. Realtime-safe: pure arithmetic, no libm calls
 * that could touch errno or allocate. */

#include <stddef.h>
#include <stdint.h>

/* Converts @n_frames interleaved frames at @src (format @format, @channels
 * channels) into @n_channels float arrays starting at index @dst_offset. A
 * NULL destination channel is skipped. */
void rb_convert_deinterleave (uint32_t format, unsigned channels,
                              const uint8_t *src, float *const *dst,
                              size_t dst_offset, size_t n_frames);

/* Converts @n_frames frames from float arrays (starting at @src_offset)
 * into interleaved frames at @dst. A NULL source channel writes silence. */
void rb_convert_interleave   (uint32_t format, unsigned channels,
                              const float *const *src, size_t src_offset,
                              uint8_t *dst, size_t n_frames);

/* Single-sample conversions, exposed for the tests. */
float   rb_convert_sample_to_float   (uint32_t format, const uint8_t *src);
void    rb_convert_sample_from_float (uint32_t format, float value,
                                      uint8_t *dst);
