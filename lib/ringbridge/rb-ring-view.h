/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once
/* Zero-copy views at absolute positions (docs/ring.md, "Views at absolute
 * positions"). */

/* Only through <ringbridge/ringbridge.h>: rb-types.h, included first, says so. */
#include <ringbridge/rb-types.h>
#include <ringbridge/rb-ring.h>

G_BEGIN_DECLS

/* RT-safe. */
RB_API
const guint8  *rb_ring_view_at              (RbRing          *ring,
                                             guint64          position,
                                             gsize            count,
                                             gsize           *available);
RB_API
RbRangeStatus  rb_ring_view_at_check        (RbRing          *ring,
                                             guint64          position,
                                             gsize            count);

G_END_DECLS
