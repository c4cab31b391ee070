/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-gst-stamps.h"

#include "bench-common.h"

#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>

/* CPU time of this process, all threads, in us. */
gint64
cpu_us (void)
{
  struct rusage ru;

  if (getrusage (RUSAGE_SELF, &ru) != 0)
    return 0;
  return (gint64) ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
      (gint64) ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

static inline guint64
mix64 (guint64 x)
{
  x += MIX_MAGIC;
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static inline guint64
rd64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

static inline void
wr64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

/* Where the fourth check word of buffer @seq sits: anywhere between the
 * head and the tail words, so that over many buffers the checks cover the
 * whole of them (a ring that wraps a record wrongly moves whole spans). */
static inline gsize
check_offset (guint64 seq, gsize size)
{
  return 16 + (gsize) (mix64 (seq) % ((size - 24) / 8)) * 8;
}

/* --- producer: the stamps ----------------------------------------------- */

static void
stamp_bytes (guint8 *d, gsize n, guint64 seq, bool corrupt)
{
  wr64 (d, seq);
  wr64 (d + 8, seq ^ MIX_MAGIC ^ n);
  wr64 (d + check_offset (seq, n), mix64 (seq));
  wr64 (d + n - 8, ~seq);
  if (corrupt)
    d[n - 3] ^= 0x10;
}

static void
stamp_audio (struct gen *g, guint8 *d, gsize frames, bool corrupt)
{
  guint32 stamp = (guint32) now_ns ();

  for (gsize f = 0; f < frames; f++) {
    /* channel 0 the counter, channel 1 the stamp: one little-endian word */
    wr64 (d + f * FRAME_BYTES, (guint32) g->counter++ |
        (guint64) stamp << 32);
  }
  if (corrupt && frames > 1)
    d[FRAME_BYTES + 2] ^= 0x40;
}

static GstPadProbeReturn
gen_probe (G_GNUC_UNUSED GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct gen *g = data;
  GstBuffer *buf = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  guint64 i = g->seq++;
  GstMapInfo map;

  GST_PAD_PROBE_INFO_DATA (info) = buf;
  if (!gst_buffer_map (buf, &map, GST_MAP_WRITE)) {
    g_printerr ("error: cannot map a source buffer for writing\n");
    return GST_PAD_PROBE_OK;
  }
  if (g->kind == KIND_BYTES) {
    if (map.size >= 32)
      stamp_bytes (map.data, map.size, i, i == g->inject_at);
  } else {
    stamp_audio (g, map.data, map.size / FRAME_BYTES, i == g->inject_at);
  }
  gst_buffer_unmap (buf, &map);
  if (i == g->cpu_from)
    g->cpu_start = cpu_us ();
  if (i + 1 == g->count)
    g->cpu_end = cpu_us ();
  atomic_store_explicit (&g->started, 1, memory_order_relaxed);
  return GST_PAD_PROBE_OK;
}

void
gen_init (struct gen *g, enum kind kind, gsize unit, guint64 count,
    guint64 inject_at)
{
  memset (g, 0, sizeof *g);
  g->kind = kind;
  g->unit = unit;
  g->count = count;
  g->inject_at = inject_at;
  g->cpu_from = count / WARM_DIVISOR;
  g->counter = 1;               /* 0 is silence */
}

/* Puts @probe (@data) on every buffer through pad @pad_name of the
 * element called @name in @pipeline; FALSE if there is none. */
static gboolean
add_buffer_probe (GstElement *pipeline, const char *name,
    const char *pad_name, GstPadProbeCallback probe, gpointer data)
{
  g_autoptr (GstElement) el = gst_bin_get_by_name (GST_BIN (pipeline), name);
  g_autoptr (GstPad) pad = NULL;

  if (el == NULL || (pad = gst_element_get_static_pad (el, pad_name)) == NULL)
    return FALSE;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, probe, data, NULL);
  return TRUE;
}

gboolean
gen_attach (struct gen *g, GstElement *pipeline)
{
  return add_buffer_probe (pipeline, "gen", "src", gen_probe, g);
}

/* --- consumer: the checks ----------------------------------------------- */

static void
check_fail (struct check *c, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
check_fail (struct check *c, const char *fmt, ...)
{
  va_list args;

  c->bad++;
  if (c->first_error != NULL)
    return;
  va_start (args, fmt);
  c->first_error = g_strdup_vprintf (fmt, args);
  va_end (args);
}

static void
check_bytes (struct check *c, const guint8 *d, gsize n, guint64 now)
{
  guint64 seq;

  if (n != c->unit || n < 32) {
    check_fail (c, "buffer %" G_GUINT64_FORMAT " has %" G_GSIZE_FORMAT
        " bytes, not %" G_GSIZE_FORMAT, c->received, n, c->unit);
    c->next++;
  } else {
    seq = rd64 (d);
    if (seq != c->next)
      check_fail (c, "buffer %" G_GUINT64_FORMAT " carries sequence number %"
          G_GUINT64_FORMAT " (lost, repeated or reordered buffers)", c->next,
          seq);
    else if (rd64 (d + 8) != (seq ^ MIX_MAGIC ^ n) ||
        rd64 (d + check_offset (seq, n)) != mix64 (seq) ||
        rd64 (d + n - 8) != ~seq)
      check_fail (c, "buffer %" G_GUINT64_FORMAT " is corrupted", seq);
    c->next = seq + 1;
  }
  if (c->received == 0)
    c->t_first = now;
  if (c->received == c->from) {
    c->t_from = now;
    c->cpu_from = cpu_us ();
  }
  c->received++;
  if (c->received == c->count || c->next == c->count) {
    c->t_last = now;
    c->cpu_last = cpu_us ();
    atomic_store_explicit (&c->done, 1, memory_order_relaxed);
  }
}

static void
check_audio (struct check *c, const guint8 *d, gsize n, guint64 now)
{
  gsize frames = n / FRAME_BYTES;
  guint64 total = c->count * c->unit;
  guint64 got = 0;

  if (n % FRAME_BYTES != 0)
    check_fail (c, "a buffer of %" G_GSIZE_FORMAT " bytes is not whole "
        "frames", n);
  for (gsize f = 0; f < frames; f++) {
    guint64 frame = rd64 (d + f * FRAME_BYTES);
    guint64 ctr = (guint32) frame;
    guint32 stamp = (guint32) (frame >> 32);

    if (ctr == 0) {
      /* silence: what interaudiosrc puts out when it has no data */
      c->silent_frames++;
      if (c->lossless)
        check_fail (c, "silence after frame %" G_GUINT64_FORMAT,
            c->prev_counter);
      continue;
    }
    if (c->lossless && ctr != c->prev_counter + 1)
      check_fail (c, "frame %" G_GUINT64_FORMAT " carries counter %"
          G_GUINT64_FORMAT, c->prev_counter + 1, ctr);
    else if (ctr <= c->prev_counter || ctr > total)
      check_fail (c, "counter %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT,
          ctr, c->prev_counter);
    else if (ctr > c->prev_counter + 1)
      c->lost_frames += ctr - c->prev_counter - 1;
    if ((ctr - 1) % c->unit == 0) {
      /* the first frame of a producer buffer */
      if ((ctr - 1) / c->unit >= c->skip_lat && c->n_lat < c->max_lat)
        c->lat_us[c->n_lat++] = (double) (guint32) ((guint32) now - stamp) /
            1000.0;
    } else if (ctr == c->prev_counter + 1 && stamp != c->prev_stamp) {
      check_fail (c, "frame %" G_GUINT64_FORMAT " has another buffer's stamp",
          ctr);
    }
    c->prev_counter = ctr;
    c->prev_stamp = stamp;
    got++;
  }
  if (got == 0)
    return;
  if (c->received == 0) {
    c->t_first = now;
    c->frames_first = got;
    c->cpu_from = cpu_us ();
  }
  c->received += got;
  c->t_last = now;
  c->cpu_last = cpu_us ();
  if (c->prev_counter >= total)
    atomic_store_explicit (&c->done, 1, memory_order_relaxed);
}

static GstPadProbeReturn
check_probe (G_GNUC_UNUSED GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  struct check *c = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint64 now = now_ns ();
  GstMapInfo map;

  if (atomic_load_explicit (&c->done, memory_order_relaxed))
    return GST_PAD_PROBE_OK;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    check_fail (c, "cannot map a received buffer");
    return GST_PAD_PROBE_OK;
  }
  if (c->kind == KIND_BYTES)
    check_bytes (c, map.data, map.size, now);
  else
    check_audio (c, map.data, map.size, now);
  gst_buffer_unmap (buf, &map);
  if (c->fill_ring != NULL)
    c->max_fill = MAX (c->max_fill, rb_ring_read_available (c->fill_ring) +
        map.size);
  atomic_store_explicit (&c->last_progress, now, memory_order_relaxed);
  return GST_PAD_PROBE_OK;
}

gboolean
check_attach (struct check *c, GstElement *pipeline)
{
  return add_buffer_probe (pipeline, "out", "sink", check_probe, c);
}

