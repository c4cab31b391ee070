/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* ringsrc's insides, shared by its files: gstringsrc.c (the element),
 * gstringsrcring.c (finding the ring, waiting for data),
 * gstringsrcstream.c (audio and byte rings), gstringsrcrecords.c
 * (records rings) and gstringsrcreader.c (role=reader: the policy, the
 * reader, its gaps). */

#include "gstringsrc.h"
#include "gstringcaps.h"
#include "gstringclock.h"
#include "gstringcommon.h"
#include "gstringstats.h"
#include "gstringwaiter.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_ring_src_debug);

/* create()'s internal "the ring went away: attach to its successor" */
#define FLOW_REATTACH GST_FLOW_CUSTOM_SUCCESS

/* the causes of RbGapCause, RB_GAP_OVERWRITTEN .. RB_GAP_SKIP */
#define GST_RING_SRC_N_GAP_CAUSES (RB_GAP_SKIP + 1)

/* how often to look for a ring to appear, or for a successor of a ring
 * whose producer left */
#define POLL_US (G_GINT64_CONSTANT (20) * 1000)

struct _GstRingSrc
{
  GstPushSrc parent;

  /* properties, under the object lock; ring-name, ring, open-flags and
   * this run's copy of them in settings */
  GstRingSettings settings;
  gboolean is_live;
  guint buffer_frames;
  guint64 timeout;
  GstRingSrcPeerLoss on_peer_loss;
  gboolean provide_clock;
  GstRingSrcRole role;
  GstRingSrcPolicy policy;
  gint64 target_latency;        /* microseconds; 0: one buffer */

  /* the run; the mode is copied at start() */
  GstRingSrcPeerLoss run_peer_loss;
  gint64 timeout_us;
  GstRingSrcRole run_role;
  GstRingSrcPolicy run_policy;
  gint64 run_target_latency;

  /* role=reader: what reads the ring (streaming thread), or NULL */
  RbRingReader *reader;
  /* the gaps a reader met, by cause (RbGapCause), and their total (the
   * read-only `gaps` property); under the object lock */
  guint64 gap_count[GST_RING_SRC_N_GAP_CAUSES];
  guint64 gap_bytes[GST_RING_SRC_N_GAP_CAUSES];
  guint64 gaps;

  /* the ring, set under the object lock; unlock() cancels the waits on it
   * and for it (gstringwaiter.h) */
  RbRing *ring;
  GCancellable *cancellable;
  GstRingKind kind;

  gboolean need_caps;
  GstCaps *caps;
  gboolean capsless;            /* the producer's stream has no caps */
  gboolean have_held_segment;   /* a segment that came before the caps */
  GstSegment held_segment;
  gboolean peer_gone;           /* drain what is left, then act */
  guint64 loss_position;        /* the write position when it left */
  gsize limit;                  /* what create() may read after wait_data() */
  gboolean waiting_producer;    /* on-peer-loss=wait, after a loss */
  gboolean discont;
  gboolean segment_pending;
  gboolean pushed;
  GQueue pending_events;
  /* where the last read ended: a read that starts elsewhere skipped what
   * an overwrite ring's producer overwrote (a DISCONT). Kept here, not
   * sampled from the ring before a read, since the library's getters may
   * move an overwrite ring's read position themselves. */
  gboolean have_read_end;
  guint64 read_end;

  /* audio */
  gsize frame_size;
  guint rate;
  gboolean have_base;
  guint64 frame_base;
  GstClockTime ts_base;
  GstClockTime next_ts;
  gboolean anchored;
  guint64 anchor_frame;
  GstClockTime anchor_ts;
  gboolean stamped_live;        /* the last buffer's time came from the
                                 * anchor (stamp_live()) */

  /* the clock that follows the producer */
  GstRingClock clock;
};

/* gstringsrc.c */
GstFlowReturn   gst_ring_src_set_caps_now   (GstRingSrc * self,
                                             GstCaps * caps);
void            gst_ring_src_mark_discont   (GstRingSrc * self,
                                             GstBuffer * buf);

/* gstringsrcring.c */
gboolean        gst_ring_src_attach         (GstRingSrc * self,
                                             RbRing * ring);
void            gst_ring_src_detach         (GstRingSrc * self);
GstFlowReturn   gst_ring_src_wait_for_ring  (GstRingSrc * self);
GstFlowReturn   gst_ring_src_wait_data      (GstRingSrc * self,
                                             gsize bytes,
                                             gboolean * ending);

/* gstringsrcstream.c */
guint           gst_ring_src_frames_per_buffer (GstRingSrc * self);
GstFlowReturn   gst_ring_src_create_audio   (GstRingSrc * self,
                                             GstBuffer ** out);
GstFlowReturn   gst_ring_src_create_bytes   (GstRingSrc * self,
                                             GstBuffer ** out);
GstClockTime    gst_ring_src_frame_time     (GstRingSrc * self,
                                             guint64 frame);

/* gstringsrcrecords.c */
GstFlowReturn   gst_ring_src_create_records (GstRingSrc * self,
                                             GstBuffer ** out);

/* gstringsrcreader.c */
gboolean        gst_ring_src_reader_start   (GstRingSrc * self);
RbRingRole      gst_ring_src_open_role      (GstRingSrc * self);
gboolean        gst_ring_src_reader_attach  (GstRingSrc * self,
                                             RbRing * ring);
void            gst_ring_src_reader_detach  (GstRingSrc * self);
gsize           gst_ring_src_available      (GstRingSrc * self);
guint64         gst_ring_src_position       (GstRingSrc * self);
gsize           gst_ring_src_most_readable  (GstRingSrc * self);
RbWaitResult    gst_ring_src_wait_readable  (GstRingSrc * self,
                                             gsize bytes,
                                             gint64 timeout_us);
gsize           gst_ring_src_read_frames    (GstRingSrc * self,
                                             gpointer frames,
                                             gsize n_frames);
gsize           gst_ring_src_read           (GstRingSrc * self,
                                             guint8 * data,
                                             gsize count);
void            gst_ring_src_take_gaps      (GstRingSrc * self);
void            gst_ring_src_reader_class_init (GParamSpec ** properties,
                                             guint role_id,
                                             guint policy_id,
                                             guint target_id,
                                             guint gaps_id);

G_END_DECLS
