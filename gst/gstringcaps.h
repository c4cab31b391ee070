/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The mapping between GStreamer caps and rings: what kind of ring an
 * element has, and raw audio caps <-> an audio ring's format. */

#include <gst/gst.h>
#include <gst/audio/audio.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

/* How an element moves data through the ring it has. */
typedef enum {
  GST_RING_KIND_BYTES,          /* plain byte stream: buffers' bytes only */
  GST_RING_KIND_AUDIO,          /* interleaved frames of the header's format */
  GST_RING_KIND_RECORDS,        /* buffers, caps and events as records */
} GstRingKind;

/* The raw audio formats an audio ring can carry, as caps. */
#define GST_RING_AUDIO_CAPS \
  "audio/x-raw, " \
  "format = (string) { F32LE, S16LE, S32LE, S24_32LE, S24LE, F64LE, U8 }, " \
  "rate = (int) [ 1, 1536000 ], channels = (int) [ 1, 64 ], " \
  "layout = (string) interleaved"

GstRingKind     gst_ring_kind_of            (RbRing * ring);
const gchar    *gst_ring_kind_name          (GstRingKind kind);

gboolean        gst_ring_audio_from_caps    (const GstCaps * caps,
                                             RbSampleFormat * format,
                                             guint * channels,
                                             guint * rate);
GstCaps        *gst_ring_audio_caps_for_ring (RbRing * ring);
GstCaps        *gst_ring_audio_accept_caps_for_ring (RbRing * ring);
GstCaps        *gst_ring_caps_filter        (GstCaps * caps,
                                             GstCaps * filter);

G_END_DECLS
