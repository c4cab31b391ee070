/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* What ringsink and ringsrc share: the mapping between raw audio caps and
 * audio rings, the wire form of caps, segments and events in a records
 * ring, ring errors as element errors, and interruptible waits. */

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

/* records */
#define GST_RING_RECORD_HEADER_SIZE 56
gsize           gst_ring_record_total       (gsize payload);
guint32         gst_ring_buffer_flags_to_record (GstBufferFlags flags);
GstBufferFlags  gst_ring_buffer_flags_from_record (guint32 flags);
gchar          *gst_ring_caps_serialize     (const GstCaps * caps,
                                             gsize * size);
GstCaps        *gst_ring_caps_deserialize   (const guint8 * data, gsize size);
gsize           gst_ring_segment_wire_size  (void);
void            gst_ring_segment_serialize  (const GstSegment * segment,
                                             guint8 * out);
gboolean        gst_ring_segment_deserialize (const guint8 * data,
                                             gsize size,
                                             GstSegment * segment);
gchar          *gst_ring_event_serialize    (GstEvent * event,
                                             guint32 * flags,
                                             guint64 * extra,
                                             gsize * size);
GstEvent       *gst_ring_event_deserialize  (guint32 flags, guint64 extra,
                                             const guint8 * data,
                                             gsize size);

/* errors */
void            gst_ring_post_error         (GstElement * element,
                                             const GError * error,
                                             const gchar * file,
                                             const gchar * function,
                                             gint line);
#define GST_RING_POST_ERROR(el, err) \
  gst_ring_post_error (GST_ELEMENT (el), (err), __FILE__, GST_FUNCTION, \
      __LINE__)

/* The two sides of an element's ring: a ring the element opened itself is
 * woken with rb_ring_interrupt(); a ring handed in through the "ring"
 * property may be shared with other elements or the application, whose
 * waits rb_ring_interrupt() would disturb, so it is waited on in slices
 * instead. */
typedef struct {
  RbRing *ring;
  gboolean shared;
  gint unlocked;                /* atomic */
} GstRingWaiter;

#define GST_RING_WAIT_SLICE_US (G_GINT64_CONSTANT (20) * 1000)

void            gst_ring_waiter_unlock      (GstRingWaiter * w);
void            gst_ring_waiter_unlock_stop (GstRingWaiter * w);
RbWaitResult    gst_ring_waiter_wait        (GstRingWaiter * w,
                                             gboolean readable,
                                             gsize bytes,
                                             gint64 timeout_us);

G_END_DECLS
