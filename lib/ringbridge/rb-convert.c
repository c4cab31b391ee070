/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Sample conversion. Realtime-safe: no libm calls (lrint and friends may
 * set errno or raise FP exceptions that a signal-using host could trap),
 * just comparisons and casts. Rounding is to nearest, ties away from
 * zero; integers map to float as s / 2^(bits-1). */

#include "rb-convert-private.h"
#include "rb-ring-core-private.h"

#include <string.h>

/* Bytes per sample (1 for RB_FORMAT_NONE: a byte ring's "frame"), 0 for
 * an unknown format. */
size_t
rb_format_sample_size (uint32_t format)
{
  switch (format) {
    case RB_FORMAT_NONE:
    case RB_FORMAT_U8:
      return 1;
    case RB_FORMAT_S16LE:
      return 2;
    case RB_FORMAT_S24LE:
      return 3;
    case RB_FORMAT_S24_32LE:
    case RB_FORMAT_S32LE:
    case RB_FORMAT_F32LE:
      return 4;
    case RB_FORMAT_F64LE:
      return 8;
    default:
      return 0;
  }
}

static inline int32_t
float_to_int (float f, double scale, int32_t lo, int32_t hi)
{
  double x = (double) f * scale;

  if (x != x)                   /* NaN */
    return 0;
  if (x >= (double) hi)
    return hi;
  if (x <= (double) lo)
    return lo;
  /* the cast truncates toward zero; add half away from zero first */
  return (int32_t) (x < 0 ? x - 0.5 : x + 0.5);
}

static inline uint16_t
le16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | (p[1] << 8));
}

static inline uint32_t
le32 (const uint8_t *p)
{
  return (uint32_t) p[0] | ((uint32_t) p[1] << 8) |
      ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static inline void
put_le32 (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t) v;
  p[1] = (uint8_t) (v >> 8);
  p[2] = (uint8_t) (v >> 16);
  p[3] = (uint8_t) (v >> 24);
}

float
rb_convert_sample_to_float (uint32_t format, const uint8_t *p)
{
  switch (format) {
    case RB_FORMAT_U8:
      return (float) ((int) p[0] - 128) * (1.0f / 128.0f);
    case RB_FORMAT_S16LE:
      return (float) (int16_t) le16 (p) * (1.0f / 32768.0f);
    case RB_FORMAT_S24LE:{
      /* sign-extend 24 bits through the top of a 32-bit word */
      int32_t v = (int32_t) ((uint32_t) p[0] << 8 | (uint32_t) p[1] << 16 |
          (uint32_t) p[2] << 24) >> 8;
      return (float) v * (1.0f / 8388608.0f);
    }
    case RB_FORMAT_S24_32LE:{
      int32_t v = (int32_t) (le32 (p) << 8) >> 8;
      return (float) v * (1.0f / 8388608.0f);
    }
    case RB_FORMAT_S32LE:
      return (float) ((double) (int32_t) le32 (p) * (1.0 / 2147483648.0));
    case RB_FORMAT_F32LE:{
      uint32_t bits = le32 (p);
      float f;
      memcpy (&f, &bits, 4);
      return f;
    }
    case RB_FORMAT_F64LE:{
      uint64_t bits = (uint64_t) le32 (p) | (uint64_t) le32 (p + 4) << 32;
      double d;
      memcpy (&d, &bits, 8);
      return (float) d;
    }
    default:
      return 0.0f;
  }
}

void
rb_convert_sample_from_float (uint32_t format, float f, uint8_t *p)
{
  switch (format) {
    case RB_FORMAT_U8:
      p[0] = (uint8_t) (float_to_int (f, 128.0, -128, 127) + 128);
      break;
    case RB_FORMAT_S16LE:{
      uint16_t v = (uint16_t) float_to_int (f, 32768.0, -32768, 32767);
      p[0] = (uint8_t) v;
      p[1] = (uint8_t) (v >> 8);
      break;
    }
    case RB_FORMAT_S24LE:{
      uint32_t v = (uint32_t) float_to_int (f, 8388608.0, -8388608, 8388607);
      p[0] = (uint8_t) v;
      p[1] = (uint8_t) (v >> 8);
      p[2] = (uint8_t) (v >> 16);
      break;
    }
    case RB_FORMAT_S24_32LE:
      put_le32 (p, (uint32_t) float_to_int (f, 8388608.0, -8388608, 8388607));
      break;
    case RB_FORMAT_S32LE:
      put_le32 (p, (uint32_t) float_to_int (f, 2147483648.0, INT32_MIN,
              INT32_MAX));
      break;
    case RB_FORMAT_F32LE:{
      uint32_t bits;
      memcpy (&bits, &f, 4);
      put_le32 (p, bits);
      break;
    }
    case RB_FORMAT_F64LE:{
      double d = f;
      uint64_t bits;
      memcpy (&bits, &d, 8);
      put_le32 (p, (uint32_t) bits);
      put_le32 (p + 4, (uint32_t) (bits >> 32));
      break;
    }
    default:
      break;
  }
}

/* The per-sample switch sits outside the frame loop: one branch per call,
 * not per sample. F32LE, the JACK case, is a straight strided copy. */
#define DEINTERLEAVE_LOOP(EXPR)                                         \
  for (unsigned ch = 0; ch < channels; ch++) {                          \
    float *out = dst[ch];                                               \
    const uint8_t *p = src + (size_t) ch * ssize;                       \
    if (out == NULL)                                                    \
      continue;                                                         \
    out += dst_offset;                                                  \
    for (size_t i = 0; i < n_frames; i++, p += fsize)                   \
      out[i] = (EXPR);                                                  \
  }

void
rb_convert_deinterleave (uint32_t format, unsigned channels,
    const uint8_t *src, float *const *dst, size_t dst_offset, size_t n_frames)
{
  size_t ssize = rb_format_sample_size (format);
  size_t fsize = ssize * channels;

  switch (format) {
    case RB_FORMAT_F32LE:
      DEINTERLEAVE_LOOP (rb_convert_sample_to_float (RB_FORMAT_F32LE, p));
      break;
    case RB_FORMAT_S16LE:
      DEINTERLEAVE_LOOP (rb_convert_sample_to_float (RB_FORMAT_S16LE, p));
      break;
    case RB_FORMAT_S32LE:
      DEINTERLEAVE_LOOP (rb_convert_sample_to_float (RB_FORMAT_S32LE, p));
      break;
    default:
      DEINTERLEAVE_LOOP (rb_convert_sample_to_float (format, p));
      break;
  }
}

#define INTERLEAVE_LOOP(FMT)                                            \
  for (unsigned ch = 0; ch < channels; ch++) {                          \
    const float *in = src[ch];                                          \
    uint8_t *p = dst + (size_t) ch * ssize;                             \
    if (in == NULL) {                                                   \
      for (size_t i = 0; i < n_frames; i++, p += fsize)                 \
        rb_convert_sample_from_float ((FMT), 0.0f, p);                  \
      continue;                                                         \
    }                                                                   \
    in += src_offset;                                                   \
    for (size_t i = 0; i < n_frames; i++, p += fsize)                   \
      rb_convert_sample_from_float ((FMT), in[i], p);                   \
  }

void
rb_convert_interleave (uint32_t format, unsigned channels,
    const float *const *src, size_t src_offset, uint8_t *dst, size_t n_frames)
{
  size_t ssize = rb_format_sample_size (format);
  size_t fsize = ssize * channels;

  switch (format) {
    case RB_FORMAT_F32LE:
      INTERLEAVE_LOOP (RB_FORMAT_F32LE);
      break;
    case RB_FORMAT_S16LE:
      INTERLEAVE_LOOP (RB_FORMAT_S16LE);
      break;
    case RB_FORMAT_S32LE:
      INTERLEAVE_LOOP (RB_FORMAT_S32LE);
      break;
    default:
      INTERLEAVE_LOOP (format);
      break;
  }
}
