/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Private RbRing entry points for the library's own tests. */

#include "rb-ring.h"

G_BEGIN_DECLS

/* Moves both positions of an empty, idle ring to @position, so a test can
 * make the 64-bit wrap happen inside it. */
void rb_ring_set_positions_for_test (RbRing *ring, guint64 position);

G_END_DECLS
