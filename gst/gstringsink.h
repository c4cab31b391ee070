/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>

G_BEGIN_DECLS

/**
 * GstRingSinkMode:
 * @GST_RING_SINK_MODE_BLOCK: wait for free space: nothing is lost, a slow
 *   consumer slows the pipeline down
 * @GST_RING_SINK_MODE_DROP_NEW: never wait; a buffer that does not fit is
 *   dropped whole and counted
 * @GST_RING_SINK_MODE_OVERWRITE_OLD: never wait; the oldest unread data is
 *   overwritten (rings made with %RB_RING_FLAGS_OVERWRITE: raw audio or
 *   byte streams, not records)
 *
 * What ringsink does when the ring is full.
 *
 * Since: 0.1
 */
typedef enum {
  GST_RING_SINK_MODE_BLOCK,
  GST_RING_SINK_MODE_DROP_NEW,
  GST_RING_SINK_MODE_OVERWRITE_OLD,
} GstRingSinkMode;

#define GST_TYPE_RING_SINK_MODE (gst_ring_sink_mode_get_type ())
GType gst_ring_sink_mode_get_type (void);

/**
 * GstRingSinkPeerLoss:
 * @GST_RING_SINK_PEER_LOSS_ERROR: post an error naming the consumer's pid
 * @GST_RING_SINK_PEER_LOSS_WAIT: keep the data and wait for a new
 *   consumer (a restarted ringsrc or JACK client)
 *
 * What ringsink does when it waits for space (mode `block`) and the
 * ring's consumer has died or detached.
 *
 * Since: 0.1
 */
typedef enum {
  GST_RING_SINK_PEER_LOSS_ERROR,
  GST_RING_SINK_PEER_LOSS_WAIT,
} GstRingSinkPeerLoss;

#define GST_TYPE_RING_SINK_PEER_LOSS (gst_ring_sink_peer_loss_get_type ())
GType gst_ring_sink_peer_loss_get_type (void);

#define GST_TYPE_RING_SINK (gst_ring_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstRingSink, gst_ring_sink, GST, RING_SINK, GstBaseSink)

G_END_DECLS
