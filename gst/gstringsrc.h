/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

/**
 * GstRingSrcPeerLoss:
 * @GST_RING_SRC_PEER_LOSS_EOS: end the stream (after what the producer
 *   committed has been pushed)
 * @GST_RING_SRC_PEER_LOSS_WAIT: wait for a new producer, on the same ring or
 *   on a new ring of the same name
 * @GST_RING_SRC_PEER_LOSS_ERROR: post an error
 *
 * What ringsrc does when the producer detaches or dies without ending the
 * stream.
 *
 * Since: 0.1
 */
typedef enum {
  GST_RING_SRC_PEER_LOSS_EOS,
  GST_RING_SRC_PEER_LOSS_WAIT,
  GST_RING_SRC_PEER_LOSS_ERROR,
} GstRingSrcPeerLoss;

#define GST_TYPE_RING_SRC_PEER_LOSS (gst_ring_src_peer_loss_get_type ())
GType gst_ring_src_peer_loss_get_type (void);

#define GST_TYPE_RING_SRC (gst_ring_src_get_type ())
G_DECLARE_FINAL_TYPE (GstRingSrc, gst_ring_src, GST, RING_SRC, GstPushSrc)

G_END_DECLS
