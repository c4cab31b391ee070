/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-bench-gst's data and its check: a pad probe on the producer's
 * "gen" element stamps every buffer (a sequence number and check words, or
 * per frame a counter and the time it left), and a probe on the consumer's
 * "out" sink checks every one and takes the latencies. */

#pragma once

#include <ringbridge/ringbridge.h>
#include <gst/gst.h>

#include <stdatomic.h>
#include <stdbool.h>

#define FRAME_BYTES 8           /* S32LE stereo */
/* The first 1/WARM_DIVISOR of every run is neither timed nor sampled. */
#define WARM_DIVISOR 5
#define MIX_MAGIC G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)

enum kind {
  KIND_BYTES,
  KIND_AUDIO,
};

/* --- producer: the stamps ----------------------------------------------- */

struct gen {
  enum kind kind;
  gsize unit;                   /* bytes (bytes) or frames (audio) per buffer */
  guint64 count;                /* buffers the source makes */
  guint64 inject_at;            /* buffer to corrupt, G_MAXUINT64 for none */
  guint64 cpu_from;             /* buffer that opens the CPU window */
  guint64 seq;                  /* buffers stamped so far */
  guint64 counter;              /* audio: the next frame's counter */
  gint64 cpu_start;
  gint64 cpu_end;
  atomic_int started;           /* a buffer went out */
};

void gen_init (struct gen *g, enum kind kind, gsize unit, guint64 count,
    guint64 inject_at);

gboolean gen_attach (struct gen *g, GstElement *pipeline);

/* --- consumer: the checks ----------------------------------------------- */

struct check {
  enum kind kind;
  gsize unit;
  guint64 count;                /* buffers the producer makes */
  bool lossless;
  guint64 from;                 /* bytes: buffer that opens the window */
  guint64 skip_lat;             /* audio: producer buffers not sampled */
  guint64 next;                 /* bytes: next sequence number */
  guint64 received;             /* bytes: buffers; audio: frames with data */
  guint64 bad;
  gchar *first_error;
  guint64 prev_counter;
  guint32 prev_stamp;
  guint64 lost_frames;
  guint64 silent_frames;
  guint64 frames_first;         /* audio: frames in the first data buffer */
  guint64 t_first, t_from, t_last;
  gint64 cpu_from, cpu_last;
  double *lat_us;
  gsize n_lat, max_lat;
  RbRing *fill_ring;            /* ring-inproc: the ring, to watch its fill */
  gsize max_fill;
  /* set by the streaming thread, polled by the main thread, which reads
   * the rest only after the pipelines stopped (their joins order it) */
  atomic_int done;
  _Atomic guint64 last_progress;        /* ns */
};

gboolean check_attach (struct check *c, GstElement *pipeline);

gint64 cpu_us (void);
