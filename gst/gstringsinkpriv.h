/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* ringsink's insides, shared by its files: gstringsink.c (the element),
 * gstringsinkring.c (attaching to or creating the ring),
 * gstringsinkwrite.c (writing streams and records into it) and
 * gstringsinkgap.c (an audio stream's GAPs as silence of their length). */

#include "gstringsink.h"
#include "gstringcaps.h"
#include "gstringclock.h"
#include "gstringcommon.h"
#include "gstringstats.h"
#include "gstringwaiter.h"

#include <gst/audio/audio.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_ring_sink_debug);

struct _GstRingSink
{
  GstBaseSink parent;

  /* properties, under the object lock; ring-name, ring, open-flags and
   * this run's copy of them in settings */
  GstRingSettings settings;
  GstRingSinkMode mode;
  guint64 capacity;
  gint64 buffer_time;
  guint permissions;
  GstRingSinkPeerLoss on_peer_loss;
  guint64 dropped_buffers;
  guint64 dropped_bytes;
  guint64 overwritten_bytes;
  gboolean provide_clock;

  /* set in start(), read by the streaming thread */
  GstRingSinkMode run_mode;
  GstRingSinkPeerLoss run_peer_loss;

  /* the ring, set under the object lock; unlock() cancels the waits on it
   * (gstringwaiter.h) */
  RbRing *ring;
  GCancellable *cancellable;
  GstRingKind kind;
  gboolean created;             /* ours to unlink at stop */
  gboolean adopted;             /* taken over from a dead creator: ours too */
  gboolean streamed;            /* caps or a buffer came in this run */
  gboolean consumer_lost;       /* reported with on-peer-loss=error */
  gboolean records_pending;     /* a records ring is due at the first buffer */
  gsize unit;                   /* frame size, 1 for bytes */

  GstCaps *caps;
  GstAudioInfo info;
  gboolean need_caps_record;    /* caps, or "no caps" (an empty caps record) */
  gboolean need_segment_record;
  GstSegment segment;
  GQueue early_events;          /* before a records ring exists */
  guint consumer_pid;
  gint64 next_peer_check;

  /* an audio ring's timeline (gstringsinkgap.c): where the next buffer
   * should start, and the sum of the GAPs held until it comes
   * (GST_CLOCK_TIME_NONE: none held; set only on an audio ring) */
  GstClockTime audio_next;
  GstClockTime gap_held;

  /* the clock that follows the consumer */
  GstRingClock clock;
};

/* gstringsinkring.c */
void            gst_ring_sink_set_ring      (GstRingSink * self,
                                             RbRing * ring,
                                             gboolean shared,
                                             gboolean created);
gboolean        gst_ring_sink_check_mode    (GstRingSink * self,
                                             RbRing * ring);
gboolean        gst_ring_sink_create_ring   (GstRingSink * self,
                                             gboolean audio,
                                             RbSampleFormat format,
                                             guint channels,
                                             guint rate,
                                             gsize first_buffer);
GstFlowReturn   gst_ring_sink_ensure_records_ring (GstRingSink * self,
                                             gsize first_buffer);
gboolean        gst_ring_sink_take_caps     (GstRingSink * self,
                                             GstCaps * caps);
void            gst_ring_sink_release_ring  (GstRingSink * self);

/* gstringsinkgap.c */
void            gst_ring_sink_audio_reset   (GstRingSink * self);
GstFlowReturn   gst_ring_sink_audio_flush_gap (GstRingSink * self);
void            gst_ring_sink_audio_gap     (GstRingSink * self,
                                             GstClockTime duration);
GstFlowReturn   gst_ring_sink_audio_render  (GstRingSink * self,
                                             GstClockTime pts,
                                             const guint8 * data,
                                             gsize size);

/* gstringsinkwrite.c */
GstFlowReturn   gst_ring_sink_write_stream  (GstRingSink * self,
                                             const guint8 * data,
                                             gsize size);
GstFlowReturn   gst_ring_sink_write_silence (GstRingSink * self,
                                             GstClockTime duration);
GstFlowReturn   gst_ring_sink_write_pending_records (GstRingSink * self);
GstFlowReturn   gst_ring_sink_write_data_record (GstRingSink * self,
                                             GstBuffer * buffer,
                                             const GstMapInfo * map);
GstFlowReturn   gst_ring_sink_write_event_record (GstRingSink * self,
                                             GstEvent * event);
GstFlowReturn   gst_ring_sink_write_eos_record (GstRingSink * self,
                                             gboolean * written);
GstFlowReturn   gst_ring_sink_drain         (GstRingSink * self);

G_END_DECLS
