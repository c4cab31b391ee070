/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Only through <ringbridge/ringbridge.h>: rb-types.h, included first, says so. */
#include <ringbridge/rb-types.h>
#include <gio/gio.h>            /* GCancellable */

G_BEGIN_DECLS

#define RB_TYPE_RING (rb_ring_get_type ())

RB_API
G_DECLARE_FINAL_TYPE (RbRing, rb_ring, RB, RING, GObject)

/* Construction (not RT-safe). */
RB_API
RbRing        *rb_ring_new                  (gsize            capacity,
                                             GError         **error);
RB_API
RbRing        *rb_ring_new_full             (gsize            capacity,
                                             RbRingFlags      flags,
                                             GError         **error);
RB_API
RbRing        *rb_ring_new_audio            (RbSampleFormat   format,
                                             guint            channels,
                                             guint            rate,
                                             gsize            frames,
                                             RbRingFlags      flags,
                                             GError         **error);
RB_API
gboolean       rb_ring_lock_memory          (RbRing          *ring,
                                             GError         **error);

/* Sharing between processes (not RT-safe). */
RB_API
RbRing        *rb_ring_create               (const gchar     *name,
                                             gsize            capacity,
                                             RbRingFlags      flags,
                                             RbRingRole       role,
                                             guint            mode,
                                             GError         **error);
RB_API
RbRing        *rb_ring_create_audio         (const gchar     *name,
                                             RbSampleFormat   format,
                                             guint            channels,
                                             guint            rate,
                                             gsize            frames,
                                             RbRingFlags      flags,
                                             RbRingRole       role,
                                             guint            mode,
                                             GError         **error);
RB_API
RbRing        *rb_ring_open                 (const gchar     *name,
                                             RbRingRole       role,
                                             GError         **error);
RB_API
RbRing        *rb_ring_open_full            (const gchar     *name,
                                             RbRingRole       role,
                                             RbRingOpenFlags  open_flags,
                                             GError         **error);
RB_API
RbRing        *rb_ring_new_from_fd          (gint             fd,
                                             RbRingRole       role,
                                             GError         **error);
RB_API
gboolean       rb_ring_unlink               (const gchar     *name,
                                             GError         **error);
RB_API
gboolean       rb_ring_reclaim_stale        (const gchar     *name,
                                             GError         **error);
RB_API
RbRing        *rb_ring_create_or_take_over  (const gchar     *name,
                                             gsize            size,
                                             RbRingFlags      flags,
                                             RbSampleFormat   format,
                                             guint            channels,
                                             guint            rate,
                                             RbRingRole       role,
                                             guint            mode,
                                             RbRingOpenFlags  open_flags,
                                             RbRingTakeOver  *how,
                                             gchar          **reason,
                                             GError         **error);
RB_API
gboolean       rb_ring_name_is_ring         (RbRing          *ring);
RB_API
RbPeerState    rb_ring_get_creator_state    (RbRing          *ring);
RB_API
void           rb_ring_close                (RbRing          *ring);
RB_API
gboolean       rb_ring_name_validate        (const gchar     *name,
                                             GError         **error);
RB_API
gchar         *rb_ring_name_to_path         (const gchar     *name);
RB_API
gint           rb_ring_get_fd               (RbRing          *ring);
RB_API
const gchar   *rb_ring_get_name             (RbRing          *ring);
RB_API
RbRingRole     rb_ring_get_role             (RbRing          *ring);
RB_API
RbPeerState    rb_ring_get_peer_state       (RbRing          *ring);
RB_API
guint          rb_ring_get_peer_pid         (RbRing          *ring);

/* Blocking waits for the non-realtime side (not RT-safe). */
RB_API
RbWaitResult   rb_ring_wait_readable        (RbRing          *ring,
                                             gsize            count,
                                             gint64           timeout_us);
RB_API
RbWaitResult   rb_ring_wait_writable        (RbRing          *ring,
                                             gsize            count,
                                             gint64           timeout_us);
RB_API
RbWaitResult   rb_ring_wait_position        (RbRing          *ring,
                                             guint64          position,
                                             gint64           timeout_us);
RB_API
RbWaitResult   rb_ring_wait_readable_full   (RbRing          *ring,
                                             gsize            count,
                                             gint64           timeout_us,
                                             GCancellable    *cancellable);
RB_API
RbWaitResult   rb_ring_wait_writable_full   (RbRing          *ring,
                                             gsize            count,
                                             gint64           timeout_us,
                                             GCancellable    *cancellable);
RB_API
RbWaitResult   rb_ring_wait_position_full   (RbRing          *ring,
                                             guint64          position,
                                             gint64           timeout_us,
                                             GCancellable    *cancellable);
RB_API
void           rb_ring_interrupt            (RbRing          *ring);
RB_API
void           rb_ring_clear_interrupt      (RbRing          *ring);

/* Facts fixed at creation (any thread). */
RB_API
gsize          rb_ring_get_capacity         (RbRing          *ring);
RB_API
gsize          rb_ring_get_storage_size     (RbRing          *ring);
RB_API
RbRingFlags    rb_ring_get_flags            (RbRing          *ring);
RB_API
RbSampleFormat rb_ring_get_sample_format    (RbRing          *ring);
RB_API
guint          rb_ring_get_channels         (RbRing          *ring);
RB_API
guint          rb_ring_get_rate             (RbRing          *ring);
RB_API
gsize          rb_ring_get_frame_size       (RbRing          *ring);
RB_API
gsize          rb_ring_get_capacity_frames  (RbRing          *ring);

/* Copy API, bytes (RT-safe). */
RB_API
gsize          rb_ring_write                (RbRing          *ring,
                                             const guint8    *data,
                                             gsize            count);
RB_API
gsize          rb_ring_read                 (RbRing          *ring,
                                             guint8          *data,
                                             gsize            count);
RB_API
gsize          rb_ring_peek                 (RbRing          *ring,
                                             guint8          *data,
                                             gsize            count);
RB_API
gsize          rb_ring_skip                 (RbRing          *ring,
                                             gsize            count);
RB_API
gsize          rb_ring_read_available       (RbRing          *ring);
RB_API
gsize          rb_ring_write_available      (RbRing          *ring);

/* Copy API for bindings (allocates: not RT-safe). */
RB_API
GBytes        *rb_ring_read_bytes           (RbRing          *ring,
                                             gsize            count);
RB_API
GBytes        *rb_ring_peek_bytes           (RbRing          *ring,
                                             gsize            count);
RB_API
RbRangeStatus  rb_ring_read_at_bytes        (RbRing          *ring,
                                             guint64          position,
                                             gsize            count,
                                             GBytes         **bytes);
RB_API
gsize          rb_ring_write_bytes          (RbRing          *ring,
                                             GBytes          *bytes);

/* Zero-copy API (RT-safe). */
RB_API
guint8        *rb_ring_write_acquire        (RbRing          *ring,
                                             gsize           *count);
RB_API
void           rb_ring_write_commit         (RbRing          *ring,
                                             gsize            count);
RB_API
const guint8  *rb_ring_read_acquire         (RbRing          *ring,
                                             gsize           *count);
RB_API
gboolean       rb_ring_read_release         (RbRing          *ring,
                                             gsize            count);

/* Frames (RT-safe). */
RB_API
gsize          rb_ring_write_frames         (RbRing          *ring,
                                             gconstpointer    frames,
                                             gsize            n_frames);
RB_API
gsize          rb_ring_read_frames          (RbRing          *ring,
                                             gpointer         frames,
                                             gsize            n_frames);
RB_API
gsize          rb_ring_read_frames_available  (RbRing        *ring);
RB_API
gsize          rb_ring_write_frames_available (RbRing        *ring);
RB_API
gsize          rb_ring_write_deinterleaved  (RbRing          *ring,
                                             const float *const *channels,
                                             guint            n_channels,
                                             gsize            n_frames);
RB_API
gsize          rb_ring_read_deinterleaved   (RbRing          *ring,
                                             float *const    *channels,
                                             guint            n_channels,
                                             gsize            n_frames);

/* Absolute positions and overwrite-mode readers (RT-safe). */
RB_API
guint64        rb_ring_get_write_position   (RbRing          *ring);
RB_API
guint64        rb_ring_get_read_position    (RbRing          *ring);
RB_API
guint64        rb_ring_get_oldest_position  (RbRing          *ring);
RB_API
RbRangeStatus  rb_ring_check_range          (RbRing          *ring,
                                             guint64          position,
                                             gsize            count);
RB_API
RbRangeStatus  rb_ring_read_at              (RbRing          *ring,
                                             guint64          position,
                                             guint8          *data,
                                             gsize            count,
                                             gsize           *bytes_read);
RB_API
RbRangeStatus  rb_ring_read_frames_at       (RbRing          *ring,
                                             guint64          frame,
                                             gpointer         frames,
                                             gsize            n_frames,
                                             gsize           *frames_read);

/* Records (RT-safe unless noted). */
RB_API
gsize          rb_ring_get_max_record_size  (RbRing          *ring);
RB_API
gboolean       rb_ring_write_record         (RbRing          *ring,
                                             const RbRecordInfo *info,
                                             const guint8    *payload,
                                             gsize            size);
RB_API
guint8        *rb_ring_write_record_acquire (RbRing          *ring,
                                             gsize            max_size);
RB_API
gboolean       rb_ring_write_record_commit  (RbRing          *ring,
                                             const RbRecordInfo *info);
RB_API
gboolean       rb_ring_peek_record          (RbRing          *ring,
                                             RbRecordInfo    *info);
RB_API
gboolean       rb_ring_read_record          (RbRing          *ring,
                                             RbRecordInfo    *info,
                                             guint8          *payload,
                                             gsize            size);
RB_API
GBytes        *rb_ring_read_record_bytes    (RbRing          *ring,
                                             RbRecordInfo    *info);
RB_API
const guint8  *rb_ring_read_record_acquire  (RbRing          *ring,
                                             RbRecordInfo    *info);
RB_API
void           rb_ring_read_record_release  (RbRing          *ring);
RB_API
gboolean       rb_ring_skip_record          (RbRing          *ring);

/* The producer's clock (RT-safe). */
RB_API
void           rb_ring_set_clock_point      (RbRing          *ring,
                                             guint64          position,
                                             gint64           monotonic_ns,
                                             guint64          clock_frames);
RB_API
gboolean       rb_ring_get_clock_point      (RbRing          *ring,
                                             guint64         *position,
                                             gint64          *monotonic_ns,
                                             guint64         *clock_frames);

/* State, end of stream and counters (RT-safe). */
RB_API
void           rb_ring_reset                (RbRing          *ring);
RB_API
void           rb_ring_set_end_of_stream    (RbRing          *ring);
RB_API
gboolean       rb_ring_is_end_of_stream     (RbRing          *ring);
RB_API
gdouble        rb_ring_get_fill_level       (RbRing          *ring);
RB_API
guint64        rb_ring_get_overruns         (RbRing          *ring);
RB_API
guint64        rb_ring_get_underruns        (RbRing          *ring);
RB_API
guint64        rb_ring_get_overwritten      (RbRing          *ring);

G_END_DECLS
