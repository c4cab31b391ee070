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

/**
 * GstRingSrcRole:
 * @GST_RING_SRC_ROLE_CONSUMER: the ring's one consumer: it moves the read
 *   position, and the producer waits or drops per its mode (lossless unless
 *   the ring overwrites)
 * @GST_RING_SRC_ROLE_READER: one of any number of readers of an overwrite
 *   ring, beside its consumer: it keeps its own position and reads per
 *   #GstRingSrc:policy
 *
 * How ringsrc attaches to its ring.
 *
 * Since: 0.2
 */
typedef enum {
  GST_RING_SRC_ROLE_CONSUMER,
  GST_RING_SRC_ROLE_READER,
} GstRingSrcRole;

#define GST_TYPE_RING_SRC_ROLE (gst_ring_src_role_get_type ())
GType gst_ring_src_role_get_type (void);

/**
 * GstRingSrcPolicy:
 * @GST_RING_SRC_POLICY_CATCH_UP: read everything the ring still holds;
 *   what the producer overwrote before it was read is a gap
 * @GST_RING_SRC_POLICY_LATEST: stay within #GstRingSrc:target-latency of
 *   the newest data: when further behind, jump ahead (a gap)
 *
 * What a reader (#GstRingSrc:role `reader`) does when it falls behind.
 *
 * Since: 0.2
 */
typedef enum {
  GST_RING_SRC_POLICY_CATCH_UP,
  GST_RING_SRC_POLICY_LATEST,
} GstRingSrcPolicy;

#define GST_TYPE_RING_SRC_POLICY (gst_ring_src_policy_get_type ())
GType gst_ring_src_policy_get_type (void);

#define GST_TYPE_RING_SRC (gst_ring_src_get_type ())
G_DECLARE_FINAL_TYPE (GstRingSrc, gst_ring_src, GST, RING_SRC, GstPushSrc)

G_END_DECLS
