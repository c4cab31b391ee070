/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "gstringbridgeelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (ringsink, plugin);
  ret |= GST_ELEMENT_REGISTER (ringsrc, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ringbridge,
    "Lock-free shared-memory rings between pipelines, processes and JACK",
    plugin_init, VERSION, "LGPL", PACKAGE, PACKAGE_ORIGIN)
