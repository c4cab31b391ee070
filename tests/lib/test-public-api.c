/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Uses only <ringbridge/ringbridge.h> and the shared library's exported
 * symbols: what an application sees after `pkg-config ringbridge-1.0`. */

#include <ringbridge/ringbridge.h>

static void
test_exported (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new_audio (RB_SAMPLE_FORMAT_F32LE, 2,
      48000, 256, RB_RING_FLAGS_NONE, &error);
  float l[4] = { 0.5f, -0.5f, 1.5f, -0.0f }, r[4] = { 1, 2, 3, 4 };
  float l2[4], r2[4];
  const float *in[2] = { l, r };
  float *out[2] = { l2, r2 };
  GEnumClass *formats;

  g_assert_no_error (error);
  g_assert_cmpuint (rb_ring_write_deinterleaved (ring, in, 2, 4), ==, 4);
  g_assert_cmpuint (rb_ring_read_deinterleaved (ring, out, 2, 4), ==, 4);
  g_assert_cmpmem (l, sizeof l, l2, sizeof l2);
  g_assert_cmpmem (r, sizeof r, r2, sizeof r2);

  g_assert_true (RB_CHECK_VERSION (0, 1, 0));
  g_assert_cmpstr (rb_sample_format_to_string (RB_SAMPLE_FORMAT_S24_32LE), ==,
      "S24_32LE");
  formats = g_type_class_ref (RB_TYPE_SAMPLE_FORMAT);
  g_assert_nonnull (g_enum_get_value_by_nick (formats, "f32le"));
  g_type_class_unref (formats);
  g_assert_true (G_TYPE_IS_FLAGS (RB_TYPE_RING_FLAGS));
  g_assert_true (G_TYPE_IS_ENUM (RB_TYPE_RING_ERROR));
  g_assert_true (G_TYPE_IS_ENUM (RB_TYPE_RANGE_STATUS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/public-api/exported", test_exported);
  return g_test_run ();
}
