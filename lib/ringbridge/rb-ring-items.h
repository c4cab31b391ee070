/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Only through <ringbridge/ringbridge.h>: rb-types.h, included first, says so. */
#include <ringbridge/rb-types.h>
#include <ringbridge/rb-ring.h>

G_BEGIN_DECLS

/**
 * RB_RING_MAX_ITEM_DESCRIPTOR:
 *
 * The longest item descriptor (rb_ring_new_items()), in bytes, without
 * its terminating NUL.
 *
 * Since: 0.2
 */
#define RB_RING_MAX_ITEM_DESCRIPTOR 4095

/* Item rings (construction: not RT-safe). */
RB_API
RbRing        *rb_ring_new_items            (gsize            item_size,
                                             gsize            n_items,
                                             const gchar     *descriptor,
                                             RbRingFlags      flags,
                                             GError         **error);
RB_API
RbRing        *rb_ring_create_items         (const gchar     *name,
                                             gsize            item_size,
                                             gsize            n_items,
                                             const gchar     *descriptor,
                                             RbRingFlags      flags,
                                             GError         **error);
RB_API
gsize          rb_ring_get_item_size        (RbRing          *ring);
RB_API
const gchar   *rb_ring_get_item_descriptor  (RbRing          *ring);
RB_API
gboolean       rb_ring_is_item_ring         (RbRing          *ring);

/* Whole items (RT-safe). */
RB_API
gsize          rb_ring_write_items          (RbRing          *ring,
                                             gconstpointer    items,
                                             gsize            n_items);
RB_API
gsize          rb_ring_read_items           (RbRing          *ring,
                                             gpointer         items,
                                             gsize            n_items);

G_END_DECLS
