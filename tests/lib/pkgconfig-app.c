/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* An application of ringbridge-1.0 with nothing but its pkg-config flags
 * and the umbrella header: tests/lib/test-pkgconfig.sh builds it against
 * the uninstalled and the installed .pc, tests/package/test-package.sh
 * against the packaged one. */
#include <ringbridge/ringbridge.h>
#include <stdio.h>
#include <string.h>

int
main (void)
{
  GError *error = NULL;
  RbRing *ring = rb_ring_new (4096, &error);
  guint8 out[3];

  if (ring == NULL) {
    fprintf (stderr, "rb_ring_new: %s\n", error->message);
    g_error_free (error);
    return 1;
  }
  if (rb_ring_write (ring, (const guint8 *) "abc", 3) != 3 ||
      rb_ring_read (ring, out, 3) != 3 || memcmp (out, "abc", 3) != 0 ||
      rb_ring_get_flags (ring) != RB_RING_FLAGS_NONE ||
      RB_TYPE_RING_FLAGS == 0 || !RB_CHECK_VERSION (0, 0, 0)) {
    fprintf (stderr, "the ring did not carry the bytes\n");
    return 1;
  }
  g_object_unref (ring);
  return 0;
}
