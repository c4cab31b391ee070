/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Sample conversion, as rb-types.h documents it for RbSampleFormat:
 * integers map to float as sample / 2^(bits-1), float converts back with
 * rounding to nearest (ties away from zero, as rb-convert.c says) and
 * clipping, NaN becomes 0, float formats are never clipped.
 *
 * Expected values are written out by hand or built from first principles
 * (bytes assembled in little-endian order here, ldexp for the scale), never
 * by calling the conversion under test. Integer formats are checked
 * exhaustively where that is cheap (U8, S16, both S24s) and on every 257th
 * value for S32; then the same samples travel through the public ring API
 * (rb_ring_write_deinterleaved() / rb_ring_read_deinterleaved()), with
 * 1 to 3 channels, NULL channels, partial transfers and overwrite rings. */

#include <ringbridge/ringbridge.h>
#include "rb-convert-private.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include "../common/rb-test.h"

typedef struct {
  RbSampleFormat format;
  const gchar *name;            /* GStreamer's name */
  const gchar *path;            /* the name in test paths */
  gsize size;                   /* bytes per sample */
  guint bits;                   /* significant bits; 0 for a float format */
} Fmt;

static const Fmt formats[] = {
  {RB_SAMPLE_FORMAT_U8, "U8", "u8", 1, 8},
  {RB_SAMPLE_FORMAT_S16LE, "S16LE", "s16le", 2, 16},
  {RB_SAMPLE_FORMAT_S24LE, "S24LE", "s24le", 3, 24},
  {RB_SAMPLE_FORMAT_S24_32LE, "S24_32LE", "s24_32le", 4, 24},
  {RB_SAMPLE_FORMAT_S32LE, "S32LE", "s32le", 4, 32},
  {RB_SAMPLE_FORMAT_F32LE, "F32LE", "f32le", 4, 0},
  {RB_SAMPLE_FORMAT_F64LE, "F64LE", "f64le", 8, 0},
};

/* A value no conversion produces in these tests (about 5.7e-28): array
 * slots a call must not touch hold it. */
#define SENTINEL_BITS 0x12345678u

/* --- helpers -------------------------------------------------------------- */

/* The bits of a float or double, and back (a union reads them, as C11
 * allows). */
#define BITS(fp, uint, x)       (((union { fp f; uint u; }) { .f = (x) }).u)
#define FROM_BITS(fp, uint, x)  (((union { fp f; uint u; }) { .u = (x) }).f)
#define float_bits(x)           BITS (float, guint32, x)
#define float_from_bits(x)      FROM_BITS (float, guint32, x)
#define double_bits(x)          BITS (double, guint64, x)
#define double_from_bits(x)     FROM_BITS (double, guint64, x)

static inline gint64
fmt_min (const Fmt *f)
{
  return -(G_GINT64_CONSTANT (1) << (f->bits - 1));
}

static inline gint64
fmt_max (const Fmt *f)
{
  return (G_GINT64_CONSTANT (1) << (f->bits - 1)) - 1;
}

/* The low @n bytes of @v, least significant first. */
static inline void
put_le (guint8 *p, guint64 v, gsize n)
{
  for (gsize i = 0; i < n; i++)
    p[i] = (guint8) (v >> (8 * i));
}

static inline guint64
get_le (const guint8 *p, gsize n)
{
  guint64 v = 0;

  for (gsize i = 0; i < n; i++)
    v |= (guint64) p[i] << (8 * i);
  return v;
}

/* The canonical bytes of integer sample @v: U8 biased by 128, S24_32LE
 * sign-extended into the top byte. */
static inline void
encode_int (const Fmt *f, gint64 v, guint8 *p)
{
  if (f->format == RB_SAMPLE_FORMAT_U8)
    p[0] = (guint8) (v + 128);
  else
    put_le (p, (guint64) v, f->size);
}

/* Two's complement over all the sample's bytes, so a S24_32LE sample whose
 * top byte is not the sign extension decodes out of range. */
static inline gint64
decode_int (const Fmt *f, const guint8 *p)
{
  guint64 u;
  guint shift;

  if (f->format == RB_SAMPLE_FORMAT_U8)
    return (gint64) p[0] - 128;
  u = get_le (p, f->size);
  shift = 64 - 8 * (guint) f->size;
  return (gint64) (u << shift) >> shift;
}

static inline void
encode_silence (const Fmt *f, guint8 *p)
{
  memset (p, f->format == RB_SAMPLE_FORMAT_U8 ? 0x80 : 0, f->size);
}

static inline float
to_float (const Fmt *f, const guint8 *p)
{
  return rb_convert_sample_to_float ((uint32_t) f->format, p);
}

/* Converts @x into @out and checks that the conversion wrote no byte past
 * the sample. */
static void
from_float (const Fmt *f, float x, guint8 *out)
{
  guint8 buf[16];

  memset (buf, 0xa5, sizeof buf);
  rb_convert_sample_from_float ((uint32_t) f->format, x, buf);
  for (gsize i = f->size; i < sizeof buf; i++)
    g_assert_cmphex (buf[i], ==, 0xa5);
  memcpy (out, buf, f->size);
}

/* Rounding to nearest, ties away from zero, then clipping: the rule the
 * integer formats must follow, in double precision where every product
 * below is exact. */
static gint64
ref_from_float (const Fmt *f, float x)
{
  double s = ldexp ((double) x, (int) f->bits - 1);
  gint64 lo = fmt_min (f), hi = fmt_max (f);
  double r;

  if (isnan (s))
    return 0;
  if (s >= (double) hi)
    return hi;
  if (s <= (double) lo)
    return lo;
  r = s < 0 ? -floor (-s + 0.5) : floor (s + 0.5);
  return (gint64) r;
}

static inline guint32
mix32 (guint32 x)
{
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

#define assert_float_bits(got, want, what, arg) \
  check_float_bits (__FILE__, __LINE__, G_STRFUNC, (got), (want), (what), \
      (gint64) (arg))

static void
check_float_bits (const char *file, int line, const char *func, float got,
    float want, const char *what, gint64 arg)
{
  g_autofree gchar *msg = NULL;

  if (float_bits (got) == float_bits (want))
    return;
  msg = g_strdup_printf ("%s %" G_GINT64_FORMAT ": got %a (0x%08x), "
      "expected %a (0x%08x)", what, arg, (double) got, float_bits (got),
      (double) want, float_bits (want));
  g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
}

/* A float read back from a ring of format @f: bit-exact, except that a NaN
 * that went through a double (F64LE) only has to stay a NaN. */
#define assert_sample_float(f, got, want, what, arg) \
  check_sample_float (__FILE__, __LINE__, G_STRFUNC, (f), (got), (want), \
      (what), (gint64) (arg))

static void
check_sample_float (const char *file, int line, const char *func,
    const Fmt *f, float got, float want, const char *what, gint64 arg)
{
  if (f->format == RB_SAMPLE_FORMAT_F64LE && isnan (want) && isnan (got))
    return;
  check_float_bits (file, line, func, got, want, what, arg);
}

#define assert_sample_bytes(f, got, want, what, arg) \
  check_sample_bytes (__FILE__, __LINE__, G_STRFUNC, (f), (got), (want), \
      (what), (gint64) (arg))

static void
check_sample_bytes (const char *file, int line, const char *func,
    const Fmt *f, const guint8 *got, const guint8 *want, const char *what,
    gint64 arg)
{
  g_autoptr (GString) msg = NULL;

  if (f->format == RB_SAMPLE_FORMAT_F64LE &&
      isnan (double_from_bits (get_le (want, 8))) &&
      isnan (double_from_bits (get_le (got, 8))))
    return;
  if (memcmp (got, want, f->size) == 0)
    return;
  msg = g_string_new (NULL);
  g_string_append_printf (msg, "%s %s %" G_GINT64_FORMAT ": got", f->name,
      what, arg);
  for (gsize i = 0; i < f->size; i++)
    g_string_append_printf (msg, " %02x", got[i]);
  g_string_append (msg, ", expected");
  for (gsize i = 0; i < f->size; i++)
    g_string_append_printf (msg, " %02x", want[i]);
  g_assertion_message (G_LOG_DOMAIN, file, line, func, msg->str);
}

/* --- sample formats ------------------------------------------------------- */

static void
test_format_size (void)
{
  g_assert_cmpuint (rb_sample_format_get_size (RB_SAMPLE_FORMAT_NONE), ==, 1);
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    g_assert_cmpuint (rb_sample_format_get_size (formats[i].format), ==,
        formats[i].size);
  g_assert_cmpuint (rb_sample_format_get_size (RB_SAMPLE_FORMAT_F64LE + 1),
      ==, 0);
  g_assert_cmpuint (rb_sample_format_get_size ((RbSampleFormat) 1000), ==, 0);
  g_assert_cmpuint (rb_sample_format_get_size ((RbSampleFormat) - 1), ==, 0);
}

static void
test_format_to_string (void)
{
  g_assert_cmpstr (rb_sample_format_to_string (RB_SAMPLE_FORMAT_NONE), ==,
      "NONE");
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    g_assert_cmpstr (rb_sample_format_to_string (formats[i].format), ==,
        formats[i].name);
  g_assert_null (rb_sample_format_to_string (RB_SAMPLE_FORMAT_F64LE + 1));
  g_assert_null (rb_sample_format_to_string ((RbSampleFormat) 1000));
  g_assert_null (rb_sample_format_to_string ((RbSampleFormat) - 1));
}

static void
test_format_from_string (void)
{
  static const gchar *const unknown[] = {
    "", "S24", "S16BE", "F32BE", "S24_32", "S24-32LE", "F32LE ", " U8",
    "U8X", "FLOAT", "S16LE\n", "U16",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    const Fmt *f = &formats[i];
    g_autofree gchar *lower = g_ascii_strdown (f->name, -1);
    g_autofree gchar *mixed = g_strdup (f->name);

    /* every other letter in lower case: "S24_32LE" -> "S24_32lE" */
    for (gsize j = 1; mixed[j] != '\0'; j++)
      if (j % 2 == 1)
        mixed[j] = g_ascii_tolower (mixed[j]);

    g_assert_cmpint (rb_sample_format_from_string (f->name), ==, f->format);
    g_assert_cmpint (rb_sample_format_from_string (lower), ==, f->format);
    g_assert_cmpint (rb_sample_format_from_string (mixed), ==, f->format);
    g_assert_cmpint (rb_sample_format_from_string (rb_sample_format_to_string
            (f->format)), ==, f->format);
  }
  g_assert_cmpint (rb_sample_format_from_string ("NONE"), ==,
      RB_SAMPLE_FORMAT_NONE);
  g_assert_cmpint (rb_sample_format_from_string ("none"), ==,
      RB_SAMPLE_FORMAT_NONE);
  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_cmpint (rb_sample_format_from_string (unknown[i]), ==,
        RB_SAMPLE_FORMAT_NONE);
}

static void
test_format_from_string_null (void)
{
  if (g_test_subprocess ()) {
    /* g_test_init() makes criticals fatal, so this aborts */
    rb_sample_format_from_string (NULL);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*name != NULL*");
}

/* --- to float ------------------------------------------------------------- */

typedef struct {
  RbSampleFormat format;
  guint8 bytes[8];
  float want;
} ToFloatCase;

/* Bytes as they lie in memory, least significant first. */
static const ToFloatCase to_float_cases[] = {
  /* U8: offset binary, silence at 128 */
  {RB_SAMPLE_FORMAT_U8, {0x00}, -1.0f},
  {RB_SAMPLE_FORMAT_U8, {0x01}, -127.0f / 128.0f},
  {RB_SAMPLE_FORMAT_U8, {0x40}, -0.5f},
  {RB_SAMPLE_FORMAT_U8, {0x7f}, -1.0f / 128.0f},
  {RB_SAMPLE_FORMAT_U8, {0x80}, 0.0f},
  {RB_SAMPLE_FORMAT_U8, {0x81}, 1.0f / 128.0f},
  {RB_SAMPLE_FORMAT_U8, {0xc0}, 0.5f},
  {RB_SAMPLE_FORMAT_U8, {0xff}, 127.0f / 128.0f},

  {RB_SAMPLE_FORMAT_S16LE, {0x00, 0x80}, -1.0f},
  {RB_SAMPLE_FORMAT_S16LE, {0x01, 0x80}, -0x7fffp-15f},
  {RB_SAMPLE_FORMAT_S16LE, {0x00, 0xc0}, -0.5f},
  {RB_SAMPLE_FORMAT_S16LE, {0xff, 0xff}, -0x1p-15f},
  {RB_SAMPLE_FORMAT_S16LE, {0x00, 0x00}, 0.0f},
  {RB_SAMPLE_FORMAT_S16LE, {0x01, 0x00}, 0x1p-15f},
  {RB_SAMPLE_FORMAT_S16LE, {0x00, 0x40}, 0.5f},
  {RB_SAMPLE_FORMAT_S16LE, {0xff, 0x7f}, 0x7fffp-15f},
  /* byte order: 0x1234, not 0x3412 */
  {RB_SAMPLE_FORMAT_S16LE, {0x34, 0x12}, 0x1234p-15f},
  {RB_SAMPLE_FORMAT_S16LE, {0x12, 0xb4}, -0x4beep-15f},

  /* S24LE: three bytes, sign in bit 7 of the last one */
  {RB_SAMPLE_FORMAT_S24LE, {0x00, 0x00, 0x80}, -1.0f},
  {RB_SAMPLE_FORMAT_S24LE, {0x01, 0x00, 0x80}, -0x7fffffp-23f},
  {RB_SAMPLE_FORMAT_S24LE, {0x00, 0x00, 0xc0}, -0.5f},
  {RB_SAMPLE_FORMAT_S24LE, {0xff, 0xff, 0xff}, -0x1p-23f},
  {RB_SAMPLE_FORMAT_S24LE, {0x00, 0x00, 0x00}, 0.0f},
  {RB_SAMPLE_FORMAT_S24LE, {0x01, 0x00, 0x00}, 0x1p-23f},
  {RB_SAMPLE_FORMAT_S24LE, {0x00, 0x00, 0x40}, 0.5f},
  {RB_SAMPLE_FORMAT_S24LE, {0xff, 0xff, 0x7f}, 0x7fffffp-23f},
  {RB_SAMPLE_FORMAT_S24LE, {0x56, 0x34, 0x12}, 0x123456p-23f},
  {RB_SAMPLE_FORMAT_S24LE, {0x00, 0x80, 0x00}, 0x8000p-23f},
  {RB_SAMPLE_FORMAT_S24LE, {0xff, 0x7f, 0xff}, -0x8001p-23f},

  /* S24_32LE: the S24LE cases, each under every byte of
   * s24_32_top_bytes (test_to_float_extremes) */

  /* S32LE: the nearest float to sample / 2^31 (24-bit mantissa) */
  {RB_SAMPLE_FORMAT_S32LE, {0x00, 0x00, 0x00, 0x80}, -1.0f},
  {RB_SAMPLE_FORMAT_S32LE, {0x01, 0x00, 0x00, 0x80}, -1.0f},
  {RB_SAMPLE_FORMAT_S32LE, {0x80, 0x00, 0x00, 0x80}, -0x1.fffffep-1f},
  {RB_SAMPLE_FORMAT_S32LE, {0x00, 0x00, 0x00, 0xc0}, -0.5f},
  {RB_SAMPLE_FORMAT_S32LE, {0xff, 0xff, 0xff, 0xff}, -0x1p-31f},
  {RB_SAMPLE_FORMAT_S32LE, {0x00, 0x00, 0x00, 0x00}, 0.0f},
  {RB_SAMPLE_FORMAT_S32LE, {0x01, 0x00, 0x00, 0x00}, 0x1p-31f},
  {RB_SAMPLE_FORMAT_S32LE, {0x00, 0x00, 0x00, 0x40}, 0.5f},
  /* 2^31 - 1 is nearer to 2^31 than to 2^31 - 128 */
  {RB_SAMPLE_FORMAT_S32LE, {0xff, 0xff, 0xff, 0x7f}, 1.0f},
  /* 0x7fffffc0 is halfway: to even, which is 1.0 */
  {RB_SAMPLE_FORMAT_S32LE, {0xc0, 0xff, 0xff, 0x7f}, 1.0f},
  {RB_SAMPLE_FORMAT_S32LE, {0xbf, 0xff, 0xff, 0x7f}, 0x1.fffffep-1f},
  {RB_SAMPLE_FORMAT_S32LE, {0x80, 0xff, 0xff, 0x7f}, 0x1.fffffep-1f},
  {RB_SAMPLE_FORMAT_S32LE, {0x00, 0x00, 0x00, 0x01}, 0x1p-7f},
  /* 0x12345678 has 29 significant bits: rounds up to 0x12345680 */
  {RB_SAMPLE_FORMAT_S32LE, {0x78, 0x56, 0x34, 0x12}, 0x12345680p-31f},
  {RB_SAMPLE_FORMAT_S32LE, {0xff, 0xff, 0xff, 0x00}, 0xffffffp-31f},

  /* F32LE: a copy of the bits */
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0x80, 0x3f}, 1.0f},
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0x80, 0xbf}, -1.0f},
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0x00, 0x00}, 0.0f},
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0x00, 0x80}, -0.0f},
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0xc0, 0x3f}, 1.5f},
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0x60, 0xc0}, -3.5f},
  {RB_SAMPLE_FORMAT_F32LE, {0x01, 0x00, 0x00, 0x00}, FLT_TRUE_MIN},
  {RB_SAMPLE_FORMAT_F32LE, {0x01, 0x00, 0x00, 0x80}, -FLT_TRUE_MIN},
  {RB_SAMPLE_FORMAT_F32LE, {0xff, 0xff, 0x7f, 0x7f}, FLT_MAX},
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0x80, 0x7f}, INFINITY},
  {RB_SAMPLE_FORMAT_F32LE, {0x00, 0x00, 0x80, 0xff}, -INFINITY},
  {RB_SAMPLE_FORMAT_F32LE, {0x01, 0x00, 0x80, 0x3f}, 0x1.000002p0f},

  /* F64LE: the nearest float, not clipped */
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, 1.0f},
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0xf0, 0xbf}, -1.0f},
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0, 0}, 0.0f},
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0, 0x80}, -0.0f},
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0xf8, 0x3f}, 1.5f},
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0x0c, 0xc0}, -3.5f},
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0xf0, 0x7f}, INFINITY},
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0xf0, 0xff}, -INFINITY},
  /* 2^-149 */
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0xa0, 0x36}, FLT_TRUE_MIN},
  /* 0.1 (0x3fb999999999999a) */
  {RB_SAMPLE_FORMAT_F64LE, {0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f},
      0x1.99999ap-4f},
  /* 1 + 2^-52: below half a float step, so 1.0 */
  {RB_SAMPLE_FORMAT_F64LE, {0x01, 0, 0, 0, 0, 0, 0xf0, 0x3f}, 1.0f},
  /* a NaN stays a NaN */
  {RB_SAMPLE_FORMAT_F64LE, {0, 0, 0, 0, 0, 0, 0xf8, 0x7f}, NAN},
};

/* The top bytes an S24_32LE sample is tried with: it is the low 24 bits,
 * sign-extended from bit 23, whatever garbage the top byte holds. */
static const guint8 s24_32_top_bytes[] = {
  0x00, 0x5a, 0x7f, 0x80, 0xa5, 0xff,
};

static void
test_to_float_extremes (gconstpointer data)
{
  const Fmt *f = data;
  const gboolean s24_32 = f->format == RB_SAMPLE_FORMAT_S24_32LE;
  const RbSampleFormat format = s24_32 ? RB_SAMPLE_FORMAT_S24LE : f->format;
  const gsize n_tops = s24_32 ? G_N_ELEMENTS (s24_32_top_bytes) : 1;
  guint n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (to_float_cases); i++) {
    const ToFloatCase *c = &to_float_cases[i];

    if (c->format != format)
      continue;
    for (gsize t = 0; t < n_tops; t++) {
      guint8 bytes[sizeof c->bytes];
      float got;

      memcpy (bytes, c->bytes, sizeof bytes);
      if (s24_32)
        bytes[3] = s24_32_top_bytes[t];
      got = to_float (f, bytes);
      if (isnan (c->want))
        g_assert_true (isnan (got));
      else
        assert_float_bits (got, c->want, s24_32 ?
            "case * 256 + top byte" : "case",
            s24_32 ? i * 256 + bytes[3] : i);
      n++;
    }
  }
  g_assert_cmpuint (n, >=, 8);
}

/* F32LE passes NaN payloads through untouched. Quiet NaNs only: x87 code
 * would quiet a signalling NaN just by returning it. */
static void
test_f32_nan_payload (void)
{
  const Fmt *f = &formats[5];
  static const guint32 nans[] = {
    0x7fc00000u, 0xffc00000u, 0x7fc12345u, 0xffedcba9u, 0x7fffffffu,
    0xffc00001u,
  };

  g_assert_cmpint (f->format, ==, RB_SAMPLE_FORMAT_F32LE);
  for (gsize i = 0; i < G_N_ELEMENTS (nans); i++) {
    guint8 bytes[4], out[4];

    put_le (bytes, nans[i], 4);
    g_assert_cmphex (float_bits (to_float (f, bytes)), ==, nans[i]);
    from_float (f, float_from_bits (nans[i]), out);
    g_assert_cmpmem (out, 4, bytes, 4);
  }
}

/* --- from float, integer formats ------------------------------------------ */

static void
test_int_from_float_extremes (gconstpointer data)
{
  const Fmt *f = data;
  const gint64 lo = fmt_min (f), hi = fmt_max (f);
  const gint64 quarter = G_GINT64_CONSTANT (1) << (f->bits - 2);
  /* one integer step as a float */
  const float q = ldexpf (1.0f, 1 - (int) f->bits);
  /* 1 - 2^-24, the largest float below 1.0: clipped (or, negated, a tie
   * away from zero) where a step is coarser than 2^-24, exact for S32 */
  const gint64 below_one = f->bits == 32 ? G_GINT64_CONSTANT (2147483520) : hi;
  const struct {
    float in;
    gint64 want;
  } cases[] = {
    {1.0f, hi},
    {-1.0f, lo},
    {0.0f, 0},
    {-0.0f, 0},
    {0.5f, quarter},
    {-0.5f, -quarter},
    {2.0f, hi},
    {-3.5f, lo},
    {1.0f + FLT_EPSILON, hi},
    {nextafterf (1.0f, 0.0f), below_one},
    {nextafterf (-1.0f, 0.0f), f->bits == 32 ? -below_one : lo},
    {nextafterf (-1.0f, -2.0f), lo},
    {FLT_MAX, hi},
    {-FLT_MAX, lo},
    {INFINITY, hi},
    {-INFINITY, lo},
    {float_from_bits (0x7fc00000u), 0},
    {float_from_bits (0xffc00000u), 0},
    {float_from_bits (0x7fc12345u), 0},
    {float_from_bits (0xffffffffu), 0},
    {FLT_TRUE_MIN, 0},
    {-FLT_TRUE_MIN, 0},
    {FLT_MIN, 0},
    {-FLT_MIN, 0},
    {q, 1},
    {-q, -1},
    /* ties go away from zero */
    {0.5f * q, 1},
    {-0.5f * q, -1},
    {1.5f * q, 2},
    {-1.5f * q, -2},
    {2.5f * q, 3},
    {-2.5f * q, -3},
    /* near ties go to the nearer integer */
    {nextafterf (0.5f * q, 0.0f), 0},
    {nextafterf (-0.5f * q, 0.0f), 0},
    {nextafterf (0.5f * q, 1.0f), 1},
    {nextafterf (-0.5f * q, -1.0f), -1},
    {nextafterf (2.5f * q, 0.0f), 2},
    {nextafterf (-2.5f * q, 0.0f), -2},
    {0.25f * q, 0},
    {-0.25f * q, 0},
    {0.75f * q, 1},
    {-0.75f * q, -1},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *what = g_strdup_printf ("from %a, case",
        (double) cases[i].in);
    guint8 got[8], want[8];

    from_float (f, cases[i].in, got);
    encode_int (f, cases[i].want, want);
    assert_sample_bytes (f, got, want, what, i);
  }

  /* the largest integer is exactly a float only up to 24 bits */
  if (f->bits <= 24) {
    guint8 got[8], want[8];

    from_float (f, (float) hi * q, got);
    encode_int (f, hi, want);
    assert_sample_bytes (f, got, want, "max", hi);
    from_float (f, ((float) hi + 0.5f) * q, got);
    assert_sample_bytes (f, got, want, "max + 1/2", hi);
    from_float (f, ((float) hi - 0.5f) * q, got);
    assert_sample_bytes (f, got, want, "max - 1/2", hi);
    from_float (f, ((float) lo + 0.5f) * q, got);
    encode_int (f, lo, want);
    assert_sample_bytes (f, got, want, "min + 1/2", lo);
    from_float (f, ((float) lo - 0.5f) * q, got);
    assert_sample_bytes (f, got, want, "min - 1/2", lo);
  }
}

/* S24_32LE writes the sign extension into the top byte, as rb-types.h
 * says. */
/* Case @i: @in converted to @f is the bytes @want. */
static void
assert_from_float (const Fmt *f, float in, const guint8 *want, gsize i)
{
  g_autofree gchar *what = g_strdup_printf ("from %a, case", (double) in);
  guint8 got[8];

  from_float (f, in, got);
  assert_sample_bytes (f, got, want, what, i);
}

static void
test_s24_32_from_float_bytes (void)
{
  const Fmt *f = &formats[3];
  const struct {
    float in;
    guint8 want[4];
  } cases[] = {
    {-1.0f, {0x00, 0x00, 0x80, 0xff}},
    {-0x1p-23f, {0xff, 0xff, 0xff, 0xff}},
    {1.0f, {0xff, 0xff, 0x7f, 0x00}},
    {0x123456p-23f, {0x56, 0x34, 0x12, 0x00}},
    {-0x123456p-23f, {0xaa, 0xcb, 0xed, 0xff}},
    {NAN, {0x00, 0x00, 0x00, 0x00}},
    {-0.0f, {0x00, 0x00, 0x00, 0x00}},
  };

  g_assert_cmpint (f->format, ==, RB_SAMPLE_FORMAT_S24_32LE);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_from_float (f, cases[i].in, cases[i].want, i);
}

/* Every k + 1/4, k + 1/2 and k + 3/4 (divided by 2^(bits-1)) for |k| below
 * 2^21, where all of them are floats: the whole range of U8 and S16. Then
 * ties near +-2^23 for the S24 formats, which are floats too. */
static void
test_int_from_float_ties (gconstpointer data)
{
  const Fmt *f = data;
  const gint64 lo = MAX (fmt_min (f), -(G_GINT64_CONSTANT (1) << 21));
  const gint64 hi = MIN (fmt_max (f), (G_GINT64_CONSTANT (1) << 21) - 1);
  const int e = 1 - (int) f->bits;

  for (gint64 k = lo; k <= hi; k++) {
    /* the integer nearer zero and the one farther, of the pair around
     * k + 1/2 */
    gint64 toward = k >= 0 ? k : k + 1;
    gint64 away = k >= 0 ? k + 1 : k;
    const struct {
      double offset;
      gint64 want;
    } cases[] = {
      {0.25, k},
      {0.5, away},
      {0.75, k + 1},
    };

    for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
      double exact = (double) k + cases[i].offset;
      float x = (float) ldexp (exact, e);
      gint64 want = MIN (cases[i].want, fmt_max (f));
      guint8 got[8];

      g_assert_cmpfloat (ldexp ((double) x, -e), ==, exact);
      from_float (f, x, got);
      g_assert_cmpint (decode_int (f, got), ==, want);
      if (cases[i].offset == 0.5) {
        from_float (f, nextafterf (x, 0.0f), got);
        g_assert_cmpint (decode_int (f, got), ==, MIN (toward, fmt_max (f)));
        from_float (f, nextafterf (x, k >= 0 ? 2.0f : -2.0f), got);
        g_assert_cmpint (decode_int (f, got), ==, MIN (away, fmt_max (f)));
      }
    }
  }

  if (f->bits == 24) {
    const struct {
      double exact;
      gint64 want;
    } top[] = {
      {8388606.5, 8388607},
      {8388605.5, 8388606},
      {4194303.5, 4194304},
      {-4194303.5, -4194304},
      {-8388606.5, -8388607},
      {-8388607.5, -8388608},
    };

    for (gsize i = 0; i < G_N_ELEMENTS (top); i++) {
      float x = (float) ldexp (top[i].exact, e);
      guint8 got[8];

      g_assert_cmpfloat (ldexp ((double) x, -e), ==, top[i].exact);
      from_float (f, x, got);
      g_assert_cmpint (decode_int (f, got), ==, top[i].want);
    }
  }
}

/* Random floats against the rule: half of them random bit patterns (NaNs,
 * infinities, denormals, huge values), half spread over [-1.25, 1.25]. The
 * seed is printed by the test and can be replayed with --seed. */
static void
test_int_from_float_random (gconstpointer data)
{
  const Fmt *f = data;

  for (guint i = 0; i < (1u << 19); i++) {
    float x = (i & 1) ? float_from_bits ((guint32) g_test_rand_int ()) :
        (float) g_test_rand_double_range (-1.25, 1.25);
    guint8 got[8], want[8];

    from_float (f, x, got);
    encode_int (f, ref_from_float (f, x), want);
    assert_sample_bytes (f, got, want, "float bits", float_bits (x));
  }
}

/* --- round trips ---------------------------------------------------------- */

/* U8, S16 and both S24s: every value. int -> float is exact and the way
 * back is the identity. */
static void
test_int_round_trip_exact (gconstpointer data)
{
  const Fmt *f = data;
  const int e = 1 - (int) f->bits;

  g_assert_cmpuint (f->bits, <=, 24);
  for (gint64 v = fmt_min (f); v <= fmt_max (f); v++) {
    guint8 bytes[8], back[8];
    float x;

    encode_int (f, v, bytes);
    x = to_float (f, bytes);
    assert_float_bits (x, ldexpf ((float) v, e), "sample", v);
    from_float (f, x, back);
    assert_sample_bytes (f, back, bytes, "sample", v);

    if (f->format == RB_SAMPLE_FORMAT_S24_32LE) {
      /* garbage in the top byte reads as the same sample and comes back
       * sign-extended */
      bytes[3] = (guint8) (mix32 ((guint32) v) >> 24);
      assert_float_bits (to_float (f, bytes), x, "garbage top byte", v);
      bytes[3] = (guint8) ~bytes[3];
      assert_float_bits (to_float (f, bytes), x, "garbage top byte", v);
    }
  }
}

/* Float has 24 bits of mantissa: S32 -> float -> S32 is exact up to
 * |v| = 2^24 and at the extremes, and elsewhere off by at most half a
 * float step (2^(msb - 24)); the result is itself a fixed point. */
static void
check_s32_round_trip (gint64 v)
{
  const Fmt *f = &formats[4];
  gint64 back, err, bound;
  guint8 bytes[4], out[4], again[4];
  float x;

  encode_int (f, v, bytes);
  x = to_float (f, bytes);
  /* ldexp is exact in double; the cast rounds once, to nearest */
  assert_float_bits (x, (float) ldexp ((double) v, -31), "sample", v);
  from_float (f, x, out);
  back = decode_int (f, out);

  err = back > v ? back - v : v - back;
  if (v >= -(1 << 24) && v <= (1 << 24))
    bound = 0;
  else
    bound = G_GINT64_CONSTANT (1) << (g_bit_nth_msf ((gulong) ABS (v), -1)
        - 24);
  if (v == G_MININT32 || v == G_MAXINT32)
    bound = 0;
  if (err > bound)
    g_error ("S32 %" G_GINT64_FORMAT " came back as %" G_GINT64_FORMAT
        " (error %" G_GINT64_FORMAT ", at most %" G_GINT64_FORMAT ")", v,
        back, err, bound);

  /* once rounded, the sample survives another round trip unchanged */
  from_float (f, to_float (f, out), again);
  assert_sample_bytes (f, again, out, "fixed point", back);
}

/* Every 257th value from G_MININT32 (2^32 - 1 is a multiple of 257, so
 * the last one is G_MAXINT32), then the values around the edges. */
static void
test_s32_round_trip (void)
{
  static const gint64 edges[] = {
    G_MININT32, G_MININT32 + 1, G_MININT32 + 128, -(1 << 24) - 1,
    -(1 << 24), -(1 << 24) + 1, -1, 0, 1, (1 << 24) - 1, 1 << 24,
    (1 << 24) + 1, (1 << 24) + 2, (1 << 24) + 3, 0x7fffff80, 0x7fffffbf,
    0x7fffffc0, G_MAXINT32 - 1, G_MAXINT32,
  };
  gint64 v = 0;

  g_assert_cmpint (formats[4].format, ==, RB_SAMPLE_FORMAT_S32LE);
  for (guint64 u = 0; u <= G_MAXUINT32; u += 257) {
    v = (gint64) u + G_MININT32;
    check_s32_round_trip (v);
  }
  g_assert_cmpint (v, ==, G_MAXINT32);
  for (gsize i = 0; i < G_N_ELEMENTS (edges); i++)
    check_s32_round_trip (edges[i]);
}

/* --- float formats -------------------------------------------------------- */

static float
random_float_no_snan (void)
{
  guint32 u = (guint32) g_test_rand_int ();

  /* a NaN with the quiet bit clear is signalling: make it quiet */
  if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0)
    u |= 0x00400000u;
  return float_from_bits (u);
}

static const guint32 float_specials[] = {
  0x00000000u, 0x80000000u,     /* +-0 */
  0x00000001u, 0x80000001u,     /* +-FLT_TRUE_MIN */
  0x007fffffu, 0x807fffffu,     /* largest denormals */
  0x00800000u, 0x80800000u,     /* +-FLT_MIN */
  0x3f800000u, 0xbf800000u,     /* +-1 */
  0x3fc00000u, 0xc0600000u,     /* 1.5, -3.5: not clipped */
  0x7f7fffffu, 0xff7fffffu,     /* +-FLT_MAX */
  0x7f800000u, 0xff800000u,     /* +-inf */
};

/* F32LE: the bytes are the float's bits, and back. */
static void
check_f32_round_trip (const Fmt *f, float x)
{
  guint8 want[4], got[4];

  put_le (want, float_bits (x), 4);
  from_float (f, x, got);
  assert_sample_bytes (f, got, want, "float bits", float_bits (x));
  g_assert_cmphex (float_bits (to_float (f, want)), ==, float_bits (x));
}

/* F64LE: float -> double -> float. */
static void
check_f64_round_trip (const Fmt *f, float x)
{
  guint8 got[8];
  double d;

  from_float (f, x, got);
  d = double_from_bits (get_le (got, 8));
  if (isnan (x)) {
    g_assert_true (isnan (d));
    g_assert_true (isnan (to_float (f, got)));
    return;
  }
  /* float -> double is exact, including -0.0 and denormals */
  g_assert_cmphex (double_bits (d), ==, double_bits ((double) x));
  g_assert_cmphex (float_bits (to_float (f, got)), ==, float_bits (x));
}

/* Every special float, then 2^20 random ones, through the float format
 * @data (one of formats[]). */
static void
test_float_round_trip (gconstpointer data)
{
  const Fmt *f = data;

  g_assert_true (f->format == RB_SAMPLE_FORMAT_F32LE ||
      f->format == RB_SAMPLE_FORMAT_F64LE);
  for (guint i = 0; i < G_N_ELEMENTS (float_specials) + (1u << 20); i++) {
    float x = i < G_N_ELEMENTS (float_specials) ?
        float_from_bits (float_specials[i]) : random_float_no_snan ();

    if (f->format == RB_SAMPLE_FORMAT_F32LE)
      check_f32_round_trip (f, x);
    else
      check_f64_round_trip (f, x);
  }
}

/* The bytes are spelled out: 1.0 and friends in little-endian IEEE. */
static void
test_float_from_float_bytes (void)
{
  const Fmt *f32 = &formats[5], *f64 = &formats[6];
  const struct {
    float in;
    guint8 want32[4];
    guint8 want64[8];
  } cases[] = {
    {1.0f, {0x00, 0x00, 0x80, 0x3f}, {0, 0, 0, 0, 0, 0, 0xf0, 0x3f}},
    {-1.0f, {0x00, 0x00, 0x80, 0xbf}, {0, 0, 0, 0, 0, 0, 0xf0, 0xbf}},
    {0.0f, {0x00, 0x00, 0x00, 0x00}, {0, 0, 0, 0, 0, 0, 0, 0}},
    {-0.0f, {0x00, 0x00, 0x00, 0x80}, {0, 0, 0, 0, 0, 0, 0, 0x80}},
    {1.5f, {0x00, 0x00, 0xc0, 0x3f}, {0, 0, 0, 0, 0, 0, 0xf8, 0x3f}},
    {-3.5f, {0x00, 0x00, 0x60, 0xc0}, {0, 0, 0, 0, 0, 0, 0x0c, 0xc0}},
    {2.0f, {0x00, 0x00, 0x00, 0x40}, {0, 0, 0, 0, 0, 0, 0x00, 0x40}},
    {INFINITY, {0x00, 0x00, 0x80, 0x7f}, {0, 0, 0, 0, 0, 0, 0xf0, 0x7f}},
    {-INFINITY, {0x00, 0x00, 0x80, 0xff}, {0, 0, 0, 0, 0, 0, 0xf0, 0xff}},
    {FLT_TRUE_MIN, {0x01, 0x00, 0x00, 0x00}, {0, 0, 0, 0, 0, 0, 0xa0, 0x36}},
    {-FLT_TRUE_MIN, {0x01, 0x00, 0x00, 0x80}, {0, 0, 0, 0, 0, 0, 0xa0, 0xb6}},
    /* 0x1.000002p0 = 1 + 2^-23 */
    {0x1.000002p0f, {0x01, 0x00, 0x80, 0x3f},
        {0, 0, 0, 0x20, 0, 0, 0xf0, 0x3f}},
    /* FLT_MAX = 0x1.fffffep127 */
    {FLT_MAX, {0xff, 0xff, 0x7f, 0x7f},
        {0, 0, 0, 0xe0, 0xff, 0xff, 0xef, 0x47}},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    assert_from_float (f32, cases[i].in, cases[i].want32, i);
    assert_from_float (f64, cases[i].in, cases[i].want64, i);
  }
}

/* --- through the ring ----------------------------------------------------- */

typedef struct {
  const Fmt *fmt;
  guint channels;
} RingCase;

#define MAX_TEST_CHANNELS 3
static RingCase ring_cases[G_N_ELEMENTS (formats) * MAX_TEST_CHANNELS];

/* Sample @ch of frame @frame of the test stream: @value goes into
 * rb_ring_write_deinterleaved(), @bytes is what the ring must then hold
 * (and the other way round). Integer samples are multiples of one step
 * with at most 24 significant bits, so both are exact; one in sixteen is
 * the most negative, one the most positive, one zero. Float formats get
 * -0.0, infinities, NaN payloads, denormals and values beyond +-1. */
static void
ring_sample (const Fmt *f, guint64 frame, guint ch, float *value,
    guint8 *bytes)
{
  guint32 h = mix32 ((guint32) frame * 64u + ch + (guint32) f->format *
      0x9e3779b9u);
  guint sel = h & 15;

  if (f->bits != 0) {
    gint64 v;

    if (sel == 0)
      v = fmt_min (f);
    else if (sel == 1)
      v = f->bits == 32 ? G_GINT64_CONSTANT (0x7fffff80) : fmt_max (f);
    else if (sel == 2)
      v = 0;
    else if (f->bits == 32)
      v = (gint64) (h & 0xffffff00u) - (G_GINT64_CONSTANT (1) << 31);
    else
      v = (gint64) ((h >> 8) & ((1u << f->bits) - 1)) + fmt_min (f);
    *value = ldexpf ((float) v, 1 - (int) f->bits);
    encode_int (f, v, bytes);
    return;
  }

  switch (sel) {
    case 0:
      *value = -0.0f;
      break;
    case 1:
      *value = INFINITY;
      break;
    case 2:
      *value = -INFINITY;
      break;
    case 3:
      *value = float_from_bits (0x7fc00000u | (h >> 10));
      break;
    case 4:
      *value = FLT_TRUE_MIN;
      break;
    case 5:
      *value = -3.0f * FLT_TRUE_MIN;
      break;
    case 6:
      *value = 1.5f;
      break;
    case 7:
      *value = -3.5f;
      break;
    default:
      /* [-2, 2) */
      *value = ldexpf ((float) ((gint32) ((h >> 8) & 0xffffff) - 0x800000),
          -22);
      break;
  }
  if (f->format == RB_SAMPLE_FORMAT_F32LE)
    put_le (bytes, float_bits (*value), 4);
  else
    put_le (bytes, double_bits ((double) *value), 8);
}

static inline float
sample_value (const Fmt *f, guint64 frame, guint ch)
{
  guint8 bytes[8];
  float v;

  ring_sample (f, frame, ch, &v, bytes);
  return v;
}

/* Per-channel float arrays holding frames [0, n_frames) of the stream. */
static float **
stream_arrays (const Fmt *f, guint channels, gsize n_frames)
{
  float **in = g_new0 (float *, channels);

  for (guint ch = 0; ch < channels; ch++) {
    in[ch] = g_new (float, n_frames);
    for (gsize i = 0; i < n_frames; i++)
      in[ch][i] = sample_value (f, i, ch);
  }
  return in;
}

static void
free_arrays (float **a, guint channels)
{
  for (guint ch = 0; ch < channels; ch++)
    g_free (a[ch]);
  g_free (a);
}

static float **
sentinel_arrays (guint channels, gsize n)
{
  float **a = g_new0 (float *, channels);

  for (guint ch = 0; ch < channels; ch++) {
    a[ch] = g_new (float, n);
    for (gsize i = 0; i < n; i++)
      a[ch][i] = float_from_bits (SENTINEL_BITS);
  }
  return a;
}

static void
refill_sentinel (float **a, guint channels, gsize n)
{
  for (guint ch = 0; ch < channels; ch++)
    for (gsize i = 0; i < n; i++)
      a[ch][i] = float_from_bits (SENTINEL_BITS);
}

static void
assert_sentinel (float *const *a, guint channels, gsize from, gsize to)
{
  for (guint ch = 0; ch < channels; ch++)
    for (gsize i = from; i < to; i++)
      assert_float_bits (a[ch][i], float_from_bits (SENTINEL_BITS),
          "untouched slot", i);
}

/* @n interleaved frames at @buf hold frames [@first, @first + @n) of the
 * stream; channel @silent_ch (if not -1) holds silence instead. */
static void
assert_frames (const Fmt *f, guint channels, const guint8 *buf,
    guint64 first, gsize n, int silent_ch)
{
  for (gsize i = 0; i < n; i++) {
    for (guint ch = 0; ch < channels; ch++) {
      const guint8 *got = buf + (i * channels + ch) * f->size;
      guint8 want[8];
      float v;

      if ((int) ch == silent_ch)
        encode_silence (f, want);
      else
        ring_sample (f, first + i, ch, &v, want);
      assert_sample_bytes (f, got, want, "frame", first + i);
    }
  }
}

static RbRing *
new_audio_ring (const RingCase *rc, gsize frames, RbRingFlags flags);

/* The locals every ring case starts from: its format @f, @nch channels, a
 * 300-frame @ring with @flags, its frame size @fs and capacity @cap in
 * frames. */
#define RING_CASE_LOCALS(data, flags) \
  const RingCase *rc = (data); \
  const Fmt *f = rc->fmt; \
  const guint nch = rc->channels; \
  g_autoptr (RbRing) ring = new_audio_ring (rc, 300, (flags)); \
  G_GNUC_UNUSED const gsize fs = f->size * nch; \
  G_GNUC_UNUSED const gsize cap = rb_ring_get_capacity_frames (ring)

static RbRing *
new_audio_ring (const RingCase *rc, gsize frames, RbRingFlags flags)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_audio (rc->fmt->format, rc->channels, 48000,
      frames, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ring);
  g_assert_cmpint (rb_ring_get_sample_format (ring), ==, rc->fmt->format);
  g_assert_cmpuint (rb_ring_get_channels (ring), ==, rc->channels);
  g_assert_cmpuint (rb_ring_get_frame_size (ring), ==,
      rc->fmt->size * rc->channels);
  return ring;
}

static const gsize write_chunks[] = { 1, 7, 64, 100, 3, 250, 31, 129 };
static const gsize read_chunks[] = { 5, 90, 1, 200, 17, 64 };

/* rb_ring_write_deinterleaved(), then rb_ring_read_frames(): the bytes
 * must be the stream's, interleaved. Writes and reads of odd sizes keep
 * the ring partly full while more than four capacities go through, so
 * frames that do not divide the capacity (3 x S24LE: 9 bytes) straddle
 * the wrap again and again. Every fourth write has a NULL channel. */
static void
test_ring_interleave (gconstpointer data)
{
  RING_CASE_LOCALS (data, RB_RING_FLAGS_NONE);
  /* four times round the storage, so frames straddle its seam */
  const gsize total = 4 * (rb_ring_get_storage_size (ring) / fs) + 29;
  float **in = stream_arrays (f, nch, total);
  gint8 *silent = g_new (gint8, total);
  g_autofree guint8 *buf = g_malloc (cap * fs);
  gsize w = 0, r = 0;
  guint straddles = 0;

  memset (silent, -1, total);
  for (guint j = 0; r < total; j++) {
    const float *chans[MAX_TEST_CHANNELS];
    gsize k, m;

    k = MIN (write_chunks[j % G_N_ELEMENTS (write_chunks)], total - w);
    k = MIN (k, rb_ring_write_frames_available (ring));
    for (guint ch = 0; ch < nch; ch++)
      chans[ch] = in[ch] + w;
    if (j % 4 == 3) {
      guint null_ch = (j / 4) % nch;
      chans[null_ch] = NULL;
      memset (silent + w, (int) null_ch, k);
    }
    /* frames across the end of the storage (the mirror seam) */
    for (gsize i = w; i < w + k; i++)
      if ((i * fs) / rb_ring_get_storage_size (ring) !=
          ((i + 1) * fs - 1) / rb_ring_get_storage_size (ring))
        straddles++;
    g_assert_cmpuint (rb_ring_write_deinterleaved (ring, chans, nch, k), ==,
        k);
    w += k;

    m = MIN (read_chunks[j % G_N_ELEMENTS (read_chunks)], w - r);
    g_assert_cmpuint (rb_ring_read_frames (ring, buf, m), ==, m);
    for (gsize i = 0; i < m; i++)
      assert_frames (f, nch, buf + i * fs, r + i, 1, silent[r + i]);
    r += m;
  }
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, total * fs);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, total * fs);
  if (rb_ring_get_storage_size (ring) % fs != 0)
    g_assert_cmpuint (straddles, >=, 3);

  free_arrays (in, nch);
  g_free (silent);
}

/* rb_ring_write_frames() with bytes built here, then
 * rb_ring_read_deinterleaved(): every float must be the sample's. S24_32LE
 * frames carry garbage in the top byte of each sample. Every fourth read
 * discards a channel through a NULL array. */
static void
test_ring_deinterleave (gconstpointer data)
{
  RING_CASE_LOCALS (data, RB_RING_FLAGS_NONE);
  const gsize total = 4 * cap + 29;
  g_autofree guint8 *src = g_malloc (total * fs);
  gsize max_read = 0;
  float **out;
  gsize w = 0, r = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (read_chunks); i++)
    max_read = MAX (max_read, read_chunks[i]);
  out = sentinel_arrays (nch, max_read + 4);

  for (gsize i = 0; i < total; i++) {
    for (guint ch = 0; ch < nch; ch++) {
      guint8 *p = src + i * fs + ch * f->size;
      float v;

      ring_sample (f, i, ch, &v, p);
      if (f->format == RB_SAMPLE_FORMAT_S24_32LE)
        p[3] = (guint8) mix32 ((guint32) (i * 64 + ch) ^ 0xdeadbeefu);
    }
  }

  for (guint j = 0; r < total; j++) {
    float *chans[MAX_TEST_CHANNELS];
    int null_ch = j % 4 == 3 ? (int) ((j / 4) % nch) : -1;
    gsize k, m;

    k = MIN (write_chunks[j % G_N_ELEMENTS (write_chunks)], total - w);
    k = MIN (k, rb_ring_write_frames_available (ring));
    g_assert_cmpuint (rb_ring_write_frames (ring, src + w * fs, k), ==, k);
    w += k;

    m = MIN (read_chunks[j % G_N_ELEMENTS (read_chunks)], w - r);
    refill_sentinel (out, nch, max_read + 4);
    for (guint ch = 0; ch < nch; ch++)
      chans[ch] = (int) ch == null_ch ? NULL : out[ch];
    g_assert_cmpuint (rb_ring_read_deinterleaved (ring, chans, nch, m), ==,
        m);
    for (guint ch = 0; ch < nch; ch++) {
      if ((int) ch == null_ch) {
        /* discarded: the array we did not pass stays as it was */
        assert_sentinel (&out[ch], 1, 0, max_read + 4);
        continue;
      }
      for (gsize i = 0; i < m; i++)
        assert_sample_float (f, out[ch][i], sample_value (f, r + i, ch),
            "frame", r + i);
      assert_sentinel (&out[ch], 1, m, max_read + 4);
    }
    r += m;
  }
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, total * fs);
  free_arrays (out, nch);
}

/* A write into a nearly full ring stops at the last whole frame that fits
 * and says how many went in; the ring's positions start mid-ring so the
 * cut lands across the wrap. */
static void
test_ring_partial_write (gconstpointer data)
{
  RING_CASE_LOCALS (data, RB_RING_FLAGS_NONE);
  const gsize offset = cap / 2 + 1, fill = cap - 5;
  g_autofree guint8 *zeros = g_malloc0 (cap * fs);
  g_autofree guint8 *buf = g_malloc (cap * fs);
  float **in = stream_arrays (f, nch, 10);
  guint64 wpos;

  /* move both positions off the start */
  g_assert_cmpuint (rb_ring_write_frames (ring, zeros, offset), ==, offset);
  g_assert_cmpuint (rb_ring_read_frames (ring, buf, offset), ==, offset);

  g_assert_cmpuint (rb_ring_write_frames (ring, zeros, fill), ==, fill);
  g_assert_cmpuint (rb_ring_get_overruns (ring), ==, 0);
  g_assert_cmpuint (rb_ring_write_frames_available (ring), ==, 5);
  g_assert_cmpuint (rb_ring_write_deinterleaved (ring,
          (const float *const *) in, nch, 10), ==, 5);
  wpos = rb_ring_get_write_position (ring);
  g_assert_cmpuint (wpos, ==, (offset + cap) * fs);
  g_assert_cmpuint (rb_ring_get_overruns (ring), ==, 1);

  /* what is left is less than a frame (or nothing) */
  g_assert_cmpuint (rb_ring_write_available (ring), <, fs);
  g_assert_cmpuint (rb_ring_write_deinterleaved (ring,
          (const float *const *) in, nch, 1), ==, 0);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, wpos);
  g_assert_cmpuint (rb_ring_get_overruns (ring), ==, 2);

  g_assert_cmpuint (rb_ring_read_frames (ring, buf, fill), ==, fill);
  g_assert_cmpmem (buf, fill * fs, zeros, fill * fs);
  g_assert_cmpuint (rb_ring_read_frames (ring, buf, 10), ==, 5);
  assert_frames (f, nch, buf, 0, 5, -1);
  g_assert_cmpuint (rb_ring_read_frames_available (ring), ==, 0);

  free_arrays (in, nch);
}

/* An underrun reads what is there and leaves the rest of the arrays as
 * they were. */
static void
test_ring_underrun (gconstpointer data)
{
  RING_CASE_LOCALS (data, RB_RING_FLAGS_NONE);
  float **in = stream_arrays (f, nch, 4);
  float **out = sentinel_arrays (nch, 10);

  g_assert_cmpuint (rb_ring_write_deinterleaved (ring,
          (const float *const *) in, nch, 4), ==, 4);
  g_assert_cmpuint (rb_ring_read_deinterleaved (ring, out, nch, 10), ==, 4);
  for (guint ch = 0; ch < nch; ch++)
    for (gsize i = 0; i < 4; i++)
      assert_sample_float (f, out[ch][i], in[ch][i], "frame", i);
  assert_sentinel (out, nch, 4, 10);
  g_assert_cmpuint (rb_ring_get_underruns (ring), ==, 1);

  refill_sentinel (out, nch, 10);
  g_assert_cmpuint (rb_ring_read_deinterleaved (ring, out, nch, 10), ==, 0);
  assert_sentinel (out, nch, 0, 10);
  g_assert_cmpuint (rb_ring_get_underruns (ring), ==, 2);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==,
      4 * f->size * nch);

  free_arrays (in, nch);
  free_arrays (out, nch);
}

/* A channel count other than the ring's moves nothing, either way. */
static void
test_ring_wrong_channels (gconstpointer data)
{
  RING_CASE_LOCALS (data, RB_RING_FLAGS_NONE);
  const guint wrong[] = {
    0, nch - 1, nch + 1, RB_RING_MAX_CHANNELS, G_MAXUINT,
  };
  float **in = stream_arrays (f, RB_RING_MAX_CHANNELS + 1, 8);
  float **out = sentinel_arrays (RB_RING_MAX_CHANNELS + 1, 8);

  for (gsize i = 0; i < G_N_ELEMENTS (wrong); i++) {
    if (wrong[i] == nch)
      continue;
    g_assert_cmpuint (rb_ring_write_deinterleaved (ring,
            (const float *const *) in, wrong[i], 8), ==, 0);
    g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 0);
  }

  g_assert_cmpuint (rb_ring_write_deinterleaved (ring,
          (const float *const *) in, nch, 8), ==, 8);
  for (gsize i = 0; i < G_N_ELEMENTS (wrong); i++) {
    if (wrong[i] == nch)
      continue;
    g_assert_cmpuint (rb_ring_read_deinterleaved (ring, out, wrong[i], 8),
        ==, 0);
    g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 0);
    assert_sentinel (out, RB_RING_MAX_CHANNELS + 1, 0, 8);
  }
  g_assert_cmpuint (rb_ring_read_frames_available (ring), ==, 8);
  g_assert_cmpuint (rb_ring_read_deinterleaved (ring, out, nch, 8), ==, 8);
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 8 * fs);

  free_arrays (in, RB_RING_MAX_CHANNELS + 1);
  free_arrays (out, RB_RING_MAX_CHANNELS + 1);
}

/* A byte ring has no sample format: both calls return 0 and move
 * nothing. */
static void
test_ring_byte_ring (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  static const guint8 bytes[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  float a[16], b[16];
  const float *in[2] = { a, b };
  float *out[2] = { a, b };

  g_assert_no_error (error);
  g_assert_cmpint (rb_ring_get_sample_format (ring), ==,
      RB_SAMPLE_FORMAT_NONE);
  for (gsize i = 0; i < 16; i++)
    a[i] = b[i] = 0.25f;

  for (guint n = 0; n <= 2; n++) {
    g_assert_cmpuint (rb_ring_write_deinterleaved (ring, in, n, 16), ==, 0);
    g_assert_cmpuint (rb_ring_get_write_position (ring), ==, 0);
  }
  g_assert_cmpuint (rb_ring_write (ring, bytes, 16), ==, 16);
  for (guint n = 0; n <= 2; n++) {
    g_assert_cmpuint (rb_ring_read_deinterleaved (ring, out, n, 16), ==, 0);
    g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 0);
  }
  for (gsize i = 0; i < 16; i++) {
    g_assert_cmpfloat (a[i], ==, 0.25f);
    g_assert_cmpfloat (b[i], ==, 0.25f);
  }
  g_assert_cmpuint (rb_ring_read_available (ring), ==, 16);
}

/* An overwrite ring takes a deinterleaved write longer than itself
 * (converted through a 4 KiB staging buffer, in several chunks) and keeps
 * the last whole frames that fit. They read back with
 * rb_ring_read_frames_at() as bytes and with rb_ring_read_deinterleaved()
 * as floats; the frame before them is gone. With two or more channels the
 * last channel is written from a NULL array (silence) and the first is
 * read into a NULL array (discarded). */
static void
test_ring_overwrite (gconstpointer data)
{
  RING_CASE_LOCALS (data, RB_RING_FLAGS_OVERWRITE);
  /* longer than the ring three times, and than the staging buffer */
  const gsize n = MAX (3 * cap, 3 * 4096 / fs) + 17, total = n + 5;
  const int silent_ch = nch >= 2 ? (int) nch - 1 : -1;
  const int discard_ch = nch >= 2 ? 0 : -1;
  float **in = stream_arrays (f, nch, total);
  float **out = sentinel_arrays (nch, total);
  g_autofree guint8 *buf = g_malloc (cap * fs);
  const float *wchans[MAX_TEST_CHANNELS];
  float *rchans[MAX_TEST_CHANNELS];
  gsize got = 0;

  g_assert_cmpuint (n * fs, >, 3 * 4096);
  for (guint ch = 0; ch < nch; ch++) {
    wchans[ch] = (int) ch == silent_ch ? NULL : in[ch];
    rchans[ch] = (int) ch == discard_ch ? NULL : out[ch];
  }

  g_assert_cmpuint (rb_ring_write_deinterleaved (ring, wchans, nch, n), ==,
      n);
  g_assert_cmpuint (rb_ring_get_write_position (ring), ==, n * fs);

  g_assert_cmpint (rb_ring_read_frames_at (ring, n - cap, buf, cap, &got),
      ==, RB_RANGE_AVAILABLE);
  g_assert_cmpuint (got, ==, cap);
  assert_frames (f, nch, buf, n - cap, cap, silent_ch);
  g_assert_cmpint (rb_ring_read_frames_at (ring, n - cap - 1, buf, 1, &got),
      ==, RB_RANGE_OVERWRITTEN);
  g_assert_cmpuint (got, ==, 0);

  /* a short write after the long one lands after it */
  for (guint ch = 0; ch < nch; ch++)
    if (wchans[ch] != NULL)
      wchans[ch] = in[ch] + n;
  g_assert_cmpuint (rb_ring_write_deinterleaved (ring, wchans, nch, 5), ==,
      5);
  g_assert_cmpint (rb_ring_read_frames_at (ring, n, buf, 5, &got), ==,
      RB_RANGE_AVAILABLE);
  g_assert_cmpuint (got, ==, 5);
  assert_frames (f, nch, buf, n, 5, silent_ch);

  /* the consumer, still at 0, catches up to the oldest whole frame */
  g_assert_cmpuint (rb_ring_read_deinterleaved (ring, rchans, nch, total), ==,
      cap);
  for (guint ch = 0; ch < nch; ch++) {
    if ((int) ch == discard_ch) {
      assert_sentinel (&out[ch], 1, 0, total);
      continue;
    }
    for (gsize i = 0; i < cap; i++)
      assert_sample_float (f, out[ch][i], (int) ch == silent_ch ? 0.0f :
          in[ch][total - cap + i], "frame", total - cap + i);
    assert_sentinel (&out[ch], 1, cap, total);
  }
  g_assert_cmpuint (rb_ring_get_overwritten (ring), ==, (total - cap) * fs);
  g_assert_cmpuint (rb_ring_read_deinterleaved (ring, rchans, nch, 1), ==, 0);

  free_arrays (in, nch);
  free_arrays (out, nch);
}

/* --- main ----------------------------------------------------------------- */

static void
add_ring_tests (void)
{
  static const struct {
    const gchar *name;
    GTestDataFunc func;
  } kinds[] = {
    {"interleave", test_ring_interleave},
    {"deinterleave", test_ring_deinterleave},
    {"partial-write", test_ring_partial_write},
    {"underrun", test_ring_underrun},
    {"wrong-channels", test_ring_wrong_channels},
    {"overwrite", test_ring_overwrite},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    for (guint c = 1; c <= MAX_TEST_CHANNELS; c++) {
      RingCase *rc = &ring_cases[i * MAX_TEST_CHANNELS + c - 1];

      rc->fmt = &formats[i];
      rc->channels = c;
      for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++) {
        g_autofree gchar *path = g_strdup_printf ("/convert/ring/%s/%uch/%s",
            formats[i].path, c, kinds[k].name);
        g_test_add_data_func (path, rc, kinds[k].func);
      }
    }
  }
}

static void
add_format_test (const Fmt *f, const gchar *what, GTestDataFunc func)
{
  g_autofree gchar *path = g_strdup_printf ("/convert/%s/%s", f->path, what);

  g_test_add_data_func (path, f, func);
}

static void
add_format_tests (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    const Fmt *f = &formats[i];

    add_format_test (f, "to-float/extremes", test_to_float_extremes);
    if (f->bits == 0)
      continue;
    add_format_test (f, "from-float/extremes", test_int_from_float_extremes);
    add_format_test (f, "from-float/ties", test_int_from_float_ties);
    add_format_test (f, "from-float/random", test_int_from_float_random);
    if (f->bits <= 24)
      add_format_test (f, "round-trip/every-value",
          test_int_round_trip_exact);
  }
  add_ring_tests ();
}

static const RbTestCase cases[] = {
  { "/convert/format/size", test_format_size },
  { "/convert/format/to-string", test_format_to_string },
  { "/convert/format/from-string", test_format_from_string },
  { "/convert/format/from-string/null", test_format_from_string_null },
  { "/convert/s24_32le/from-float/sign-extended",
    test_s24_32_from_float_bytes },
  { "/convert/s32le/round-trip/stride-257", test_s32_round_trip },
  { "/convert/f32le/nan-payload", test_f32_nan_payload },
  { "/convert/f32le/round-trip/bit-exact", NULL, test_float_round_trip,
    &formats[5] },
  { "/convert/f64le/round-trip/float-double-float", NULL,
    test_float_round_trip, &formats[6] },
  { "/convert/float/from-float/bytes", test_float_from_float_bytes },
  { "/convert/ring/byte-ring", test_ring_byte_ring },
};

/* The fixed cases, then one per format and per ring layout. */
RB_TEST_MAIN_MORE (cases, add_format_tests)
