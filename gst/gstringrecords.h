/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The wire form of a records ring: buffers, caps, segments, gaps and
 * events as records, one function per kind of record. */

#include <gst/gst.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

#define GST_RING_RECORD_HEADER_SIZE 56
gsize           gst_ring_record_total       (gsize payload);

/* data */
guint32         gst_ring_buffer_flags_to_record (GstBufferFlags flags);
GstBufferFlags  gst_ring_buffer_flags_from_record (guint32 flags);
void            gst_ring_record_info_for_buffer (RbRecordInfo * info,
                                             GstBuffer * buffer,
                                             gsize size);
GstBuffer      *gst_ring_record_read_buffer (RbRing * ring,
                                             RbRecordInfo * info);

/* caps */
gchar          *gst_ring_caps_serialize     (const GstCaps * caps,
                                             gsize * size);
GstCaps        *gst_ring_caps_deserialize   (const guint8 * data, gsize size);

/* segment */
gsize           gst_ring_segment_wire_size  (void);
void            gst_ring_segment_serialize  (const GstSegment * segment,
                                             guint8 * out);
gboolean        gst_ring_segment_deserialize (const guint8 * data,
                                             gsize size,
                                             GstSegment * segment);

/* gap */
void            gst_ring_record_info_for_gap (RbRecordInfo * info,
                                             GstEvent * gap);

/* tags and custom events */
gchar          *gst_ring_event_serialize    (GstEvent * event,
                                             guint32 * flags,
                                             guint64 * extra,
                                             gsize * size);
GstEvent       *gst_ring_event_deserialize  (guint32 flags, guint64 extra,
                                             const guint8 * data,
                                             gsize size);

G_END_DECLS
