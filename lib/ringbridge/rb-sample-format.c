/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Sample formats: sizes and names (RbSampleFormat). */

#include "config.h"

#include "rb-ring-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- sample formats ------------------------------------------------------ */

static const char *const format_names[] = {
  [RB_SAMPLE_FORMAT_NONE] = "NONE",
  [RB_SAMPLE_FORMAT_U8] = "U8",
  [RB_SAMPLE_FORMAT_S16LE] = "S16LE",
  [RB_SAMPLE_FORMAT_S24LE] = "S24LE",
  [RB_SAMPLE_FORMAT_S24_32LE] = "S24_32LE",
  [RB_SAMPLE_FORMAT_S32LE] = "S32LE",
  [RB_SAMPLE_FORMAT_F32LE] = "F32LE",
  [RB_SAMPLE_FORMAT_F64LE] = "F64LE",
};

/**
 * rb_sample_format_get_size:
 * @format: a sample format
 *
 * Gets the size of one sample of a format.
 *
 * Thread: any. RT-safe.
 *
 * Returns: the size of one sample of @format in bytes: 1 for
 *   %RB_SAMPLE_FORMAT_NONE (a byte ring's "frame"), 0 for a value that is
 *   not a sample format.
 */
gsize
rb_sample_format_get_size (RbSampleFormat format)
{
  return rb_format_sample_size ((uint32_t) format);
}

/**
 * rb_sample_format_to_string:
 * @format: a sample format
 *
 * Gets the GStreamer name of a sample format.
 *
 * Thread: any. RT-safe.
 *
 * Returns: (nullable): the GStreamer name of @format (`"S16LE"`, `"F32LE"`,
 *   ...), "NONE" for %RB_SAMPLE_FORMAT_NONE, or %NULL if @format is not a
 *   sample format.
 */
const gchar *
rb_sample_format_to_string (RbSampleFormat format)
{
  if ((guint) format >= G_N_ELEMENTS (format_names))
    return NULL;
  return format_names[format];
}

/**
 * rb_sample_format_from_string:
 * @name: a GStreamer audio format name such as `"S16LE"`
 *
 * Looks up a sample format by its GStreamer name.
 *
 * Thread: any.
 *
 * Returns: the sample format called @name (case-insensitive), or
 *   %RB_SAMPLE_FORMAT_NONE if there is none.
 */
RbSampleFormat
rb_sample_format_from_string (const gchar *name)
{
  g_return_val_if_fail (name != NULL, RB_SAMPLE_FORMAT_NONE);

  for (guint i = 1; i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (name, format_names[i]) == 0)
      return (RbSampleFormat) i;
  return RB_SAMPLE_FORMAT_NONE;
}
