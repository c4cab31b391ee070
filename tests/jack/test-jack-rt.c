/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack's process callback (jack/rt.c) without a server.
 *
 * This program links rt.c against a fake of the two JACK calls it makes
 * (jack_port_get_buffer() hands out test buffers, jack_get_cycle_times()
 * a test clock), so the very callback JACK runs can be driven cycle by
 * cycle:
 *
 * - behaviour: conversion from every ring format to the ports and back,
 *   silence and counting on underrun, overrun counting, overwrite rings,
 *   play's fill bound (the oldest frames skipped), the clock point (JACK's
 *   frame time extended past 2^32, the offset to CLOCK_MONOTONIC, none
 *   while freewheeling), halting, and the ring swap handshake under a
 *   running callback;
 * - tests/README.md, R8 for the callback: 10^6 callbacks over play and
 *   record on every format, through underruns, overruns, skips to a fill
 *   bound, wraps and varying period sizes, under seccomp (no system call)
 *   and getrusage (no page fault), and in test-jack-rt-rtsan under
 *   RealtimeSanitizer, armed by rt.c's own weak hooks (no allocation,
 *   lock or stdio). Each detector has negative controls: a forbidden call
 *   injected inside the callback (in the fake jack_port_get_buffer()) must
 *   be caught. */

#include "rt.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/rb-rt-trap.h"
#include "../common/rb-test.h"

#ifdef RB_TEST_RTSAN
void __rtsan_init (void);
#endif

#define CHANNELS 2
#define RATE 48000
#define MAX_PERIOD 1024
#define N_CALLBACKS 1000000
#define N_CONTROL_CALLBACKS 20000
#define N_WARMUP 100000

/* --- the fake JACK -------------------------------------------------------- */

typedef enum {
  INJECT_NONE = RT_TRAP_INJECT_NONE,
  INJECT_MALLOC = RT_TRAP_INJECT_MALLOC,
  INJECT_MUTEX = RT_TRAP_INJECT_MUTEX,
  INJECT_GETPID = RT_TRAP_INJECT_GETPID,
  INJECT_FPRINTF,
  INJECT_LAZY_PAGE,
} Inject;

struct _jack_port {
  float *buf;
};

struct _jack_client {
  jack_nframes_t frames;
  jack_time_t usecs;
  gboolean fail;
  /* the negative controls: what to do, and on which buffer request */
  Inject inject;
  guint64 requests;
  guint64 inject_at;
  volatile guint8 *lazy_page;
  FILE *devnull;
};

/* One fake client for the whole program: jack_port_get_buffer() has no
 * client argument. */
static struct _jack_client fake;

static void
inject (Inject what)
{
  volatile long v = 0;

  if (what == INJECT_FPRINTF)
    v = fprintf (fake.devnull, "cycle %" G_GUINT64_FORMAT "\n",
        fake.requests);
  else if (what == INJECT_LAZY_PAGE)
    fake.lazy_page[0] = 1;
  else
    rt_trap_inject (what);
  (void) v;
}

void *
jack_port_get_buffer (jack_port_t *port, jack_nframes_t nframes)
{
  if (fake.inject != INJECT_NONE && fake.requests++ == fake.inject_at)
    inject (fake.inject);
  return port->buf;
}

int
jack_get_cycle_times (const jack_client_t *client,
    jack_nframes_t *current_frames, jack_time_t *current_usecs,
    jack_time_t *next_usecs, float *period_usecs)
{
  *current_frames = client->frames;
  *current_usecs = client->usecs;
  *next_usecs = client->usecs + 1333;
  *period_usecs = 1333.0f;
  return client->fail ? -1 : 0;
}

/* --- helpers -------------------------------------------------------------- */

typedef struct {
  RbJackRt rt;
  struct _jack_port ports[CHANNELS];
  float *bufs[CHANNELS];
} Side;

static void
side_init (Side *s, RbJackMode mode, RbRing *ring)
{
  rb_jack_rt_init (&s->rt, mode);
  s->rt.client = &fake;
  s->rt.n_ports = CHANNELS;
  for (guint c = 0; c < CHANNELS; c++) {
    s->bufs[c] = g_new (float, MAX_PERIOD);
    for (guint i = 0; i < MAX_PERIOD; i++)
      s->bufs[c][i] = (float) i / MAX_PERIOD - 0.5f * (float) c;
    s->ports[c].buf = s->bufs[c];
    s->rt.ports[c] = &s->ports[c];
  }
  atomic_store (&s->rt.ring, ring);
}

static void
side_clear (Side *s)
{
  for (guint c = 0; c < CHANNELS; c++)
    g_free (s->bufs[c]);
  /* the tap a hook may have given the side (test-jack-rt-reader.c) */
  rb_jack_tap_free (atomic_load (&s->rt.tap));
  atomic_store (&s->rt.tap, NULL);
  /* the resampler a hook may have given the side (test-jack-rt-resample.c) */
  if (s->rt.rs != NULL)
    rb_jack_resampler_free (s->rt.rs);
  s->rt.rs = NULL;
}

/* One cycle, as JACK would run it; the fake clock moves on. */
static void
cycle (Side *s, jack_nframes_t nframes)
{
  rb_jack_rt_process (nframes, &s->rt);
  fake.frames += nframes;
  fake.usecs += (jack_time_t) nframes * 1000000 / RATE;
}

static guint64
get (atomic_uint_least64_t *v)
{
  return atomic_load (v);
}

static RbRing *
audio_ring (RbSampleFormat format, gsize frames, RbRingFlags flags)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_new_audio (format, CHANNELS, RATE, frames, flags,
      &error);

  g_assert_no_error (error);
  return ring;
}

static void
reset_fake (void)
{
  memset (&fake, 0, sizeof fake);
  fake.usecs = 1000000;
}

/* A test's first side: the fake JACK reset, then side_init(). */
static void
side_start (Side *s, RbJackMode mode, RbRing *ring)
{
  reset_fake ();
  side_init (s, mode, ring);
}

/* A test's first side (side_start()) on a new plain ring of @format and
 * @frames frames, which it returns. */
static RbRing *
side_start_ring (Side *s, RbJackMode mode, RbSampleFormat format,
    gsize frames)
{
  RbRing *ring = audio_ring (format, frames, 0);

  side_start (s, mode, ring);
  return ring;
}

/* Two sides of one mode side by side, each on a ring of its own. */
typedef struct {
  RbRing *a, *b;
  Side sa, sb;
} Pair;

/* A test's first two sides (side_start(), then side_init()): @p->sa on a
 * new plain ring @p->a of @a_format, @p->sb on a new ring @p->b of
 * @b_format with @b_flags, both of @frames frames. */
static void
pair_start (Pair *p, RbJackMode mode, gsize frames, RbSampleFormat a_format,
    RbSampleFormat b_format, RbRingFlags b_flags)
{
  p->a = side_start_ring (&p->sa, mode, a_format, frames);
  p->b = audio_ring (b_format, frames, b_flags);
  side_init (&p->sb, mode, p->b);
}

/* The two sides cleared, then their rings let go. */
static void
pair_clear (Pair *p)
{
  side_clear (&p->sa);
  side_clear (&p->sb);
  g_clear_object (&p->a);
  g_clear_object (&p->b);
}

/* --- behaviour: play ------------------------------------------------------ */

/* Sample values per format, interleaved over two channels, and what JACK's
 * float must be for each: s / 2^(bits-1) for integers, the value itself
 * for floats (F64 rounded to float). */
typedef struct {
  RbSampleFormat format;
  guint8 bytes[64];
  gsize n_samples;
  float expect[16];
} PlayCase;

static void
test_play_formats (void)
{
  static const PlayCase cases[] = {
    { RB_SAMPLE_FORMAT_U8, { 0, 255, 128, 129, 127, 64 }, 6,
      { -1.0f, 127.0f / 128, 0.0f, 1.0f / 128, -1.0f / 128, -0.5f } },
    { RB_SAMPLE_FORMAT_S16LE,
      { 0x00, 0x80, 0xff, 0x7f, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0x00,
        0x40 }, 6,
      { -1.0f, 32767.0f / 32768, 0.0f, 1.0f / 32768, -1.0f / 32768, 0.5f } },
    { RB_SAMPLE_FORMAT_S24LE,
      { 0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0x01, 0x00, 0x00, 0xff, 0xff,
        0xff }, 4,
      { -1.0f, 8388607.0f / 8388608, 1.0f / 8388608, -1.0f / 8388608 } },
    { RB_SAMPLE_FORMAT_S24_32LE,
      { 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x40,
        0x00, 0xff, 0xff, 0xff, 0xff }, 4,
      { -1.0f, 8388607.0f / 8388608, 0.5f, -1.0f / 8388608 } },
    { RB_SAMPLE_FORMAT_S32LE,
      { 0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00,
        0x40, 0x01, 0x00, 0x00, 0x00 }, 4,
      /* 2^31 - 1 rounds to 1.0 in a float */
      { -1.0f, 1.0f, 0.5f, 1.0f / 2147483648.0f } },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++) {
    const PlayCase *pc = &cases[k];
    gsize frames = pc->n_samples / CHANNELS;
    Side s;
    g_autoptr (RbRing) ring = side_start_ring (&s, RB_JACK_PLAY, pc->format,
        256);

    g_assert_cmpuint (rb_ring_write_frames (ring, pc->bytes, frames), ==,
        frames);
    cycle (&s, (jack_nframes_t) frames);
    for (gsize i = 0; i < frames; i++)
      for (guint c = 0; c < CHANNELS; c++)
        g_assert_cmpfloat (s.bufs[c][i], ==, pc->expect[i * CHANNELS + c]);
    g_assert_cmpuint (get (&s.rt.frames), ==, frames);
    g_assert_cmpuint (get (&s.rt.ran_dry), ==, 0);
    side_clear (&s);
  }

  /* floats: F32 bit for bit (negative zero, subnormal, beyond +-1,
   * infinity), F64 rounded to nearest */
  {
    const float f32[] = { -0.0f, 1e-40f, 1.5f, -3.25f, INFINITY, -1.0f };
    const double f64[] = { 0.1, -1.0 / 3.0, 2.5, -0.0, 1e-300, 1e300 };
    Pair p;

    pair_start (&p, RB_JACK_PLAY, 256, RB_SAMPLE_FORMAT_F32LE,
        RB_SAMPLE_FORMAT_F64LE, 0);
    rb_ring_write_frames (p.a, f32, 3);
    rb_ring_write_frames (p.b, f64, 3);
    cycle (&p.sa, 3);
    cycle (&p.sb, 3);
    for (guint i = 0; i < 6; i++) {
      float got32 = p.sa.bufs[i % CHANNELS][i / CHANNELS];
      float got64 = p.sb.bufs[i % CHANNELS][i / CHANNELS];
      float want64 = (float) f64[i];

      g_assert_cmpmem (&got32, 4, &f32[i], 4);
      g_assert_cmpmem (&got64, 4, &want64, 4);
    }
    pair_clear (&p);
  }
}

/* Poisons the port buffers, so silence must have been written. */
static void
poison (Side *s)
{
  for (guint c = 0; c < CHANNELS; c++)
    for (guint i = 0; i < MAX_PERIOD; i++)
      s->bufs[c][i] = NAN;
}

/* poison(), then one cycle(): whatever the cycle does not write is NaN. */
static void
fresh_cycle (Side *s, jack_nframes_t nframes)
{
  poison (s);
  cycle (s, nframes);
}

/* Frame @i of the last cycle is frame @frame (from 1) of a write_ramp(),
 * on both channels. */
static void
assert_frame (Side *s, gsize i, float frame)
{
  g_assert_cmpfloat (s->bufs[0][i], ==, frame);
  g_assert_cmpfloat (s->bufs[1][i], ==, -frame);
}

static void
assert_frames (Side *s, gsize from, gsize to, gboolean silent)
{
  for (guint c = 0; c < CHANNELS; c++)
    for (gsize i = from; i < to; i++) {
      if (silent)
        g_assert_cmpfloat (s->bufs[c][i], ==, 0.0f);
      else
        g_assert_cmpfloat (s->bufs[c][i], ==, (float) (i + 1) * (c ? -1 : 1));
    }
}

/* A fresh_cycle() that must play nothing but silence. */
static void
silent_cycle (Side *s, jack_nframes_t nframes)
{
  fresh_cycle (s, nframes);
  assert_frames (s, 0, nframes, TRUE);
}

/* Writes @n frames whose sample i of channel c is +-(i + 1) (relative to
 * each write), so any frame shows where it came from. */
static void
write_ramp (RbRing *ring, gsize n)
{
  g_autofree float *f = g_new (float, n * CHANNELS);

  for (gsize i = 0; i < n; i++) {
    f[i * 2] = (float) (i + 1);
    f[i * 2 + 1] = -(float) (i + 1);
  }
  g_assert_cmpuint (rb_ring_write_frames (ring, f, n), ==, n);
}

/* The side's underruns so far: @ran_dry times, @silent_frames in all. */
static void
assert_dry (Side *s, guint64 ran_dry, guint64 silent_frames)
{
  g_assert_cmpuint (get (&s->rt.ran_dry), ==, ran_dry);
  g_assert_cmpuint (get (&s->rt.silent_frames), ==, silent_frames);
}

/* A write_ramp() of @n frames, then a fresh_cycle() of @nframes. */
static void
ramp_cycle (Side *s, RbRing *ring, gsize n, jack_nframes_t nframes)
{
  write_ramp (ring, n);
  fresh_cycle (s, nframes);
}

static void
test_play_underrun (void)
{
  Side s;
  g_autoptr (RbRing) ring = side_start_ring (&s, RB_JACK_PLAY,
      RB_SAMPLE_FORMAT_F32LE, 1024);

  /* an empty ring from the start is silence, but no underrun: nothing
   * was flowing */
  silent_cycle (&s, 64);
  assert_dry (&s, 0, 64);

  /* 100 frames: a full cycle, then 36 and 28 frames of silence */
  write_ramp (ring, 100);
  cycle (&s, 64);
  g_assert_cmpuint (get (&s.rt.ran_dry), ==, 0);
  fresh_cycle (&s, 64);
  assert_frame (&s, 0, 65);
  assert_frame (&s, 35, 100);
  assert_frames (&s, 36, 64, TRUE);
  assert_dry (&s, 1, 64 + 28);

  /* staying dry is the same underrun */
  silent_cycle (&s, 64);
  assert_dry (&s, 1, 64 + 28 + 64);

  /* flowing again, then dry again: the second underrun */
  ramp_cycle (&s, ring, 128, 128);
  assert_frames (&s, 0, 128, FALSE);
  cycle (&s, 128);
  g_assert_cmpuint (get (&s.rt.ran_dry), ==, 2);
  g_assert_cmpuint (get (&s.rt.frames), ==, 228);
  g_assert_cmpuint (get (&s.rt.cycles), ==, 6);
  side_clear (&s);
}

/* No ring, or a halted client: silence, and the ring is left alone. */
static void
test_play_no_ring (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_SAMPLE_FORMAT_F32LE, 1024, 0);
  Side s;

  side_start (&s, RB_JACK_PLAY, NULL);
  silent_cycle (&s, 256);
  g_assert_cmpuint (get (&s.rt.silent_frames), ==, 256);

  write_ramp (ring, 512);
  atomic_store (&s.rt.ring, ring);
  atomic_store (&s.rt.halted, true);
  silent_cycle (&s, 256);
  g_assert_cmpuint (rb_ring_read_frames_available (ring), ==, 512);

  atomic_store (&s.rt.halted, false);
  cycle (&s, 256);
  assert_frames (&s, 0, 256, FALSE);
  g_assert_cmpuint (get (&s.rt.fill), ==, 512);
  side_clear (&s);
}

/* --frames/--latency: more than max_fill + a period queued at the start
 * of a cycle, and the oldest go, so that max_fill frames remain after the
 * read; at or below that, nothing is skipped. */
static void
test_play_bound (void)
{
  Pair p;

  pair_start (&p, RB_JACK_PLAY, 1024, RB_SAMPLE_FORMAT_F32LE,
      RB_SAMPLE_FORMAT_F32LE, RB_RING_FLAGS_OVERWRITE);
  p.sa.rt.max_fill = 100;

  /* 500 queued: 336 skipped, frames 337..400 played, 100 left */
  ramp_cycle (&p.sa, p.a, 500, 64);
  assert_frame (&p.sa, 0, 337);
  assert_frame (&p.sa, 63, 400);
  g_assert_cmpuint (get (&p.sa.rt.skipped_frames), ==, 336);
  g_assert_cmpuint (get (&p.sa.rt.fill), ==, 164);
  g_assert_cmpuint (get (&p.sa.rt.frames), ==, 64);
  g_assert_cmpuint (rb_ring_read_frames_available (p.a), ==, 100);

  /* 100 + 64 queued is within the bound: nothing skipped */
  ramp_cycle (&p.sa, p.a, 64, 64);
  assert_frame (&p.sa, 0, 401);
  g_assert_cmpuint (get (&p.sa.rt.skipped_frames), ==, 336);
  g_assert_cmpuint (get (&p.sa.rt.fill), ==, 164);
  /* one frame more is one frame skipped: 465, the oldest */
  ramp_cycle (&p.sa, p.a, 65, 64);
  assert_frame (&p.sa, 0, 466);
  g_assert_cmpuint (get (&p.sa.rt.skipped_frames), ==, 337);
  g_assert_cmpuint (rb_ring_read_frames_available (p.a), ==, 100);
  g_assert_cmpuint (get (&p.sa.rt.ran_dry), ==, 0);

  /* no bound: every frame is played, however many are queued */
  p.sa.rt.max_fill = 0;
  write_ramp (p.a, 800);
  cycle (&p.sa, 64);
  g_assert_cmpuint (get (&p.sa.rt.skipped_frames), ==, 337);
  g_assert_cmpuint (rb_ring_read_frames_available (p.a), ==, 836);

  /* an overwrite ring that lapped its reader: the skip catches up past
   * the overwritten frames first, and still leaves max_fill */
  reset_fake ();
  p.sb.rt.max_fill = 100;
  ramp_cycle (&p.sb, p.b, 1500, 64);
  assert_frame (&p.sb, 0, 1337);
  assert_frame (&p.sb, 63, 1400);
  g_assert_cmpuint (get (&p.sb.rt.skipped_frames), ==, 1024 - 164);
  g_assert_cmpuint (rb_ring_get_overwritten (p.b), ==, (1500 - 1024) * 8);
  g_assert_cmpuint (rb_ring_read_frames_available (p.b), ==, 100);
  pair_clear (&p);
}

/* --- behaviour: record ---------------------------------------------------- */

typedef struct {
  RbSampleFormat format;
  float in[8];
  gint32 expect[8];
} RecordCase;

static void
test_record_formats (void)
{
  /* float -> integer: scale by 2^(bits-1), round half away from zero,
   * clip; NaN is 0 */
  static const RecordCase cases[] = {
    { RB_SAMPLE_FORMAT_S16LE,
      { 0.5f, -0.5f, 1.0f, -1.0f, 2.0f, NAN, 1.0f / 65536, -3.0f / 65536 },
      { 16384, -16384, 32767, -32768, 32767, 0, 1, -2 } },
    { RB_SAMPLE_FORMAT_U8,
      { 0.5f, -0.5f, 1.0f, -1.0f, -7.0f, NAN, 1.0f / 256, -1.0f / 512 },
      { 192, 64, 255, 0, 0, 128, 129, 128 } },
    { RB_SAMPLE_FORMAT_S32LE,
      { 0.5f, -0.5f, 1.0f, -1.0f, 1e9f, NAN, 0.25f, -0.75f },
      { 1073741824, -1073741824, 2147483647, G_MININT32, 2147483647, 0,
        536870912, -1610612736 } },
    { RB_SAMPLE_FORMAT_S24_32LE,
      { 0.5f, -0.5f, 1.0f, -1.0f, 3.0f, NAN, 1.0f / 16777216, -1.0f / 8388608 },
      { 4194304, -4194304, 8388607, -8388608, 8388607, 0, 1, -1 } },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++) {
    const RecordCase *rc = &cases[k];
    gsize ss = rb_sample_format_get_size (rc->format);
    guint8 out[64];
    Side s;
    g_autoptr (RbRing) ring = side_start_ring (&s, RB_JACK_RECORD,
        rc->format, 256);

    for (guint i = 0; i < 8; i++)
      s.bufs[i % CHANNELS][i / CHANNELS] = rc->in[i];
    cycle (&s, 4);
    g_assert_cmpuint (rb_ring_read_frames (ring, out, 4), ==, 4);
    for (guint i = 0; i < 8; i++) {
      gint32 v;

      if (rc->format == RB_SAMPLE_FORMAT_U8)
        v = out[i];
      else if (rc->format == RB_SAMPLE_FORMAT_S16LE)
        v = (gint16) (out[2 * i] | out[2 * i + 1] << 8);
      else
        memcpy (&v, out + ss * i, 4);
      g_assert_cmpint (v, ==, rc->expect[i]);
    }
    side_clear (&s);
  }

  /* F32: bit for bit, beyond +-1 and NaN's payload included; S24LE packs
   * three bytes */
  {
    const float in[6] = { -0.0f, 1e-40f, 7.5f, -INFINITY, NAN, -1.0f };
    const guint8 want24[] = { 0x00, 0x00, 0x40, 0x00, 0x00, 0x80 };
    float out32[6];
    guint8 out24[6];
    Pair p;

    pair_start (&p, RB_JACK_RECORD, 256, RB_SAMPLE_FORMAT_F32LE,
        RB_SAMPLE_FORMAT_S24LE, 0);
    for (guint i = 0; i < 6; i++)
      p.sa.bufs[i % CHANNELS][i / CHANNELS] = in[i];
    p.sb.bufs[0][0] = 0.5f;
    p.sb.bufs[1][0] = -1.0f;
    cycle (&p.sa, 3);
    cycle (&p.sb, 1);
    g_assert_cmpuint (rb_ring_read_frames (p.a, out32, 3), ==, 3);
    g_assert_cmpmem (out32, sizeof out32, in, sizeof in);
    g_assert_cmpuint (rb_ring_read_frames (p.b, out24, 1), ==, 1);
    g_assert_cmpmem (out24, 6, want24, 6);
    pair_clear (&p);
  }
}

static void
test_record_overrun (void)
{
  /* F32 stereo: one page is 512 frames */
  Pair p;

  pair_start (&p, RB_JACK_RECORD, 512, RB_SAMPLE_FORMAT_F32LE,
      RB_SAMPLE_FORMAT_F32LE, RB_RING_FLAGS_OVERWRITE);
  g_assert_cmpuint (rb_ring_get_capacity_frames (p.a), ==, 512);

  for (guint i = 0; i < 10; i++) {
    cycle (&p.sa, 200);
    cycle (&p.sb, 200);
  }
  /* 512 fit: the third cycle came up short, seven more were dropped
   * whole; one overrun */
  g_assert_cmpuint (get (&p.sa.rt.frames), ==, 512);
  g_assert_cmpuint (get (&p.sa.rt.dropped_frames), ==, 2000 - 512);
  g_assert_cmpuint (get (&p.sa.rt.filled_up), ==, 1);
  g_assert_cmpuint (get (&p.sa.rt.fill), ==, 512);
  g_assert_cmpuint (rb_ring_get_overruns (p.a), >=, 1);

  /* room again: writing resumes; full again: a second overrun */
  g_assert_cmpuint (rb_ring_skip (p.a, 300 * 8), ==, 300 * 8);
  cycle (&p.sa, 200);
  g_assert_cmpuint (get (&p.sa.rt.filled_up), ==, 1);
  cycle (&p.sa, 200);
  g_assert_cmpuint (get (&p.sa.rt.filled_up), ==, 2);
  g_assert_cmpuint (get (&p.sa.rt.frames), ==, 812);

  /* the overwrite ring never drops: the oldest frames went instead */
  g_assert_cmpuint (get (&p.sb.rt.frames), ==, 2000);
  g_assert_cmpuint (get (&p.sb.rt.dropped_frames), ==, 0);
  g_assert_cmpuint (get (&p.sb.rt.filled_up), ==, 0);
  g_assert_cmpuint (rb_ring_get_write_position (p.b), ==, 2000 * 8);
  pair_clear (&p);
}

static void
assert_clock (RbRing *ring, guint64 pos, gint64 ns, guint64 frames)
{
  guint64 p, f;
  gint64 t;

  g_assert_true (rb_ring_get_clock_point (ring, &p, &t, &f));
  g_assert_cmpuint (p, ==, pos);
  g_assert_cmpint (t, ==, ns);
  g_assert_cmpuint (f, ==, frames);
}

static void
test_record_clock (void)
{
  const gint64 offset = -310 * G_GINT64_CONSTANT (1000000) + 17;
  Side s;
  g_autoptr (RbRing) ring = side_start_ring (&s, RB_JACK_RECORD,
      RB_SAMPLE_FORMAT_S16LE, 1024);

  atomic_store (&s.rt.clock_offset_ns, offset);
  g_assert_false (rb_ring_get_clock_point (ring, NULL, NULL, NULL));

  /* the cycle's first frame went to the old write position; its time is
   * JACK's time of the cycle plus the offset to CLOCK_MONOTONIC */
  fake.frames = G_MAXUINT32 - 99;
  fake.usecs = 5000000;
  cycle (&s, 64);
  assert_clock (ring, 0, 5000000 * G_GINT64_CONSTANT (1000) + offset,
      G_MAXUINT32 - 99);
  /* JACK's 32-bit frame time wraps; the clock point's keeps counting */
  cycle (&s, 64);
  assert_clock (ring, 64 * 4, (5000000 + 1333) * G_GINT64_CONSTANT (1000) +
      offset, G_MAXUINT32 - 35);
  cycle (&s, 64);
  assert_clock (ring, 128 * 4, (5000000 + 2 * 1333) *
      G_GINT64_CONSTANT (1000) + offset, G_GUINT64_CONSTANT (1) << 32 | 28);
  g_assert_cmpuint (s.rt.frame_time.high, ==, G_GUINT64_CONSTANT (1) << 32);

  /* freewheeling: cycle times are no clock, nothing is recorded */
  atomic_store (&s.rt.freewheeling, true);
  cycle (&s, 64);
  assert_clock (ring, 128 * 4, (5000000 + 2 * 1333) *
      G_GINT64_CONSTANT (1000) + offset, G_GUINT64_CONSTANT (1) << 32 | 28);
  atomic_store (&s.rt.freewheeling, false);

  /* no cycle times: nothing recorded either */
  fake.fail = TRUE;
  cycle (&s, 64);
  assert_clock (ring, 128 * 4, (5000000 + 2 * 1333) *
      G_GINT64_CONSTANT (1000) + offset, G_GUINT64_CONSTANT (1) << 32 | 28);
  fake.fail = FALSE;

  /* a full ring: a cycle that writes nothing says nothing */
  rb_ring_write_frames (ring, s.bufs[0], rb_ring_write_frames_available
      (ring));
  {
    guint64 frames = fake.frames;
    gint64 usecs = (gint64) fake.usecs;

    cycle (&s, 64);
    rb_ring_skip (ring, 10 * 4);
    cycle (&s, 64);
    assert_clock (ring, 1024 * 4, (usecs + 1333) * 1000 + offset,
        G_GUINT64_CONSTANT (1) << 32 | (guint32) (frames + 64));
  }

  /* a new server starts its frame time over: no false wrap */
  rb_jack_rt_reset_clock (&s.rt);
  fake.frames = 1000;
  rb_ring_skip (ring, 64 * 4);
  cycle (&s, 64);
  g_assert_cmpuint (s.rt.frame_time.high, ==, 0);
  side_clear (&s);
}

/* --- the ring swap -------------------------------------------------------- */

typedef struct {
  Side *side;
  atomic_bool stop;
  guint64 cycles;
} Runner;

static void *
run_cycles (void *data)
{
  Runner *r = data;

  while (!atomic_load (&r->stop)) {
    rb_jack_rt_process (16, &r->side->rt);
    r->cycles++;
  }
  return NULL;
}

/* Once rb_jack_rt_swap_ring() returns, the callback never touches the old
 * ring again: the consumer's read position of a swapped-out ring stays
 * put while the callback keeps running on the other one. */
static void
test_swap (void)
{
  g_autoptr (RbRing) a = audio_ring (RB_SAMPLE_FORMAT_F32LE, 1 << 20, 0);
  g_autoptr (RbRing) b = audio_ring (RB_SAMPLE_FORMAT_F32LE, 1 << 20, 0);
  g_autofree float *fill = g_new0 (float, (1 << 20) * CHANNELS);
  RbRing *rings[2] = { a, b };
  Runner r = { 0 };
  pthread_t thread;
  Side s;
  guint swaps = 500;

  reset_fake ();
  rb_ring_write_frames (a, fill, 1 << 20);
  rb_ring_write_frames (b, fill, 1 << 20);
  side_init (&s, RB_JACK_PLAY, a);
  r.side = &s;
  g_assert_cmpint (pthread_create (&thread, NULL, run_cycles, &r), ==, 0);

  for (guint i = 0; i < swaps; i++) {
    RbRing *next = rings[(i + 1) % 2], *old = rings[i % 2];
    guint64 pos, next_pos;

    g_assert_true (rb_jack_rt_swap_ring (&s.rt, next, 10 * G_USEC_PER_SEC));
    /* refill the old ring (we are its producer), so a callback still
     * reading it would find data and move its read position */
    rb_ring_write_frames (old, fill, rb_ring_write_frames_available (old));
    pos = rb_ring_get_read_position (old);
    next_pos = rb_ring_get_read_position (next);
    /* let the callback run a few cycles on the new ring */
    for (guint64 c0 = atomic_load (&s.rt.cycles);
        atomic_load (&s.rt.cycles) < c0 + 3;)
      g_usleep (10);
    g_assert_cmpuint (rb_ring_get_read_position (old), ==, pos);
    /* ... where it reads: the check above is not vacuous. (Positions
     * only: the callback's thread is the consumer, this one is not.) */
    if (rb_ring_get_write_position (next) > rb_ring_get_read_position (next))
      g_assert_cmpuint (rb_ring_get_read_position (next), >, next_pos);
  }
  atomic_store (&r.stop, true);
  pthread_join (thread, NULL);
  g_test_message ("%u swaps under %" G_GUINT64_FORMAT " callbacks", swaps,
      r.cycles);

  /* with no callback running the swap cannot confirm, and says so */
  g_assert_false (rb_jack_rt_swap_ring (&s.rt, a, 20000));
  g_assert_true (atomic_load (&s.rt.ring) == a);
  side_clear (&s);
}

/* --- R8: the callback under realtime detectors ---------------------------- */

/* every sample format: the enum counts from NONE = 0 to F64LE */
#define N_FORMATS ((guint) RB_SAMPLE_FORMAT_F64LE)
#define FORMAT(i) ((RbSampleFormat) (RB_SAMPLE_FORMAT_NONE + 1 + (i)))
/* a pair per format on a plain ring, one on an overwrite ring, one
 * without a ring; every other play side bounds its fill (--frames) */
#define N_PAIRS (N_FORMATS + 2)

/* test-jack-rt-reader.c: the odd pairs' rings overwrite, and their play
 * sides read them as readers (play --reader) */
#ifdef RB_TEST_READER_SIDE
#define PAIR_FLAGS(k) ((k) % 2 == 1 ? RB_RING_FLAGS_OVERWRITE : 0)
#else
#define PAIR_FLAGS(k) 0
#endif

typedef struct {
  RbRing *rings[N_PAIRS];
  Side play[N_PAIRS], rec[N_PAIRS];
  guint64 graph_cycles;
  guint64 callbacks;            /* rb_jack_rt_process() calls */
} Workload;

static void
workload_init (Workload *w)
{
  memset (w, 0, sizeof *w);
  reset_fake ();
  /* starts near the top so the frame time wraps during the run */
  fake.frames = G_MAXUINT32 - 1000000;
  for (guint k = 0; k < N_PAIRS; k++) {
    if (k < N_FORMATS)
      w->rings[k] = audio_ring (FORMAT (k), 2048, PAIR_FLAGS (k));
    else if (k == N_FORMATS)
      w->rings[k] = audio_ring (RB_SAMPLE_FORMAT_F32LE, 2048,
          RB_RING_FLAGS_OVERWRITE);
    /* locked as ringbridge-jack locks them; populated either way */
    if (w->rings[k] != NULL)
      rb_ring_lock_memory (w->rings[k], NULL);
    side_init (&w->play[k], RB_JACK_PLAY, w->rings[k]);
    side_init (&w->rec[k], RB_JACK_RECORD, w->rings[k]);
    /* the overwrite pair (odd) among them: both kinds of ring skip */
    if (k % 2 == 1)
      w->play[k].rt.max_fill = 96;
#ifdef RB_TEST_RESAMPLE_SIDE
    /* test-jack-rt-resample.c: every side resamples */
    RB_TEST_RESAMPLE_SIDE (&w->play[k].rt, k % 2 == 1 ? 96 : 512);
    RB_TEST_RESAMPLE_SIDE (&w->rec[k].rt, 512);
#endif
#ifdef RB_TEST_READER_SIDE
    if (k % 2 == 1 && w->rings[k] != NULL)
      RB_TEST_READER_SIDE (&w->play[k].rt, w->rings[k], k);
#endif
  }
  fake.devnull = fopen ("/dev/null", "w");
  g_assert_nonnull (fake.devnull);
  setvbuf (fake.devnull, NULL, _IONBF, 0);
  fake.lazy_page = mmap (NULL, (size_t) sysconf (_SC_PAGESIZE),
      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (fake.lazy_page != MAP_FAILED);
}

static void
workload_clear (Workload *w)
{
  for (guint k = 0; k < N_PAIRS; k++) {
    side_clear (&w->play[k]);
    side_clear (&w->rec[k]);
    g_clear_object (&w->rings[k]);
  }
  fclose (fake.devnull);
  munmap ((void *) fake.lazy_page, (size_t) sysconf (_SC_PAGESIZE));
}

/* One JACK cycle of a graph holding every pair: each record client, then
 * each play client, as JACK orders them. The phases make the rings flow
 * steadily, run dry, fill up and limp along; period sizes vary as a buffer
 * size change would make them. */
static void
graph_cycle (Workload *w, guint64 i)
{
  static const jack_nframes_t periods[] = { 64, 16, 256, 1024, 32, 128 };
  jack_nframes_t n = periods[(i / 1009) % G_N_ELEMENTS (periods)];
  guint phase = (guint) ((i / 997) % 4);

  for (guint k = 0; k < N_PAIRS; k++) {
    if (phase != 1) {
      rb_jack_rt_process (phase == 3 ? n / 2 : n, &w->rec[k].rt);
      w->callbacks++;
    }
    if (phase != 2) {
      rb_jack_rt_process (n, &w->play[k].rt);
      w->callbacks++;
    }
  }
  fake.frames += n;
  fake.usecs += (jack_time_t) n * 1000000 / RATE;
  w->graph_cycles++;
}

/* Runs graph cycles until @n more callbacks ran, with @what injected
 * half-way (each callback asks for CHANNELS buffers). */
static void
run_graph (Workload *w, guint64 n, Inject what)
{
  guint64 end = w->callbacks + n;

  fake.inject = what;
  fake.requests = 0;
  fake.inject_at = n * CHANNELS / 2;
  while (w->callbacks < end)
    graph_cycle (w, w->graph_cycles);
  fake.inject = INJECT_NONE;
}

/* The run went through every path it claims to test. */
static void
assert_coverage (Workload *w)
{
  guint64 underruns = 0, overruns = 0, played = 0, recorded = 0;
  guint64 silent = 0, dropped = 0, skipped = 0;
  gboolean wrapped = FALSE;

  for (guint k = 0; k < N_PAIRS; k++) {
    underruns += get (&w->play[k].rt.ran_dry);
    overruns += get (&w->rec[k].rt.filled_up);
    played += get (&w->play[k].rt.frames);
    recorded += get (&w->rec[k].rt.frames);
    silent += get (&w->play[k].rt.silent_frames);
    dropped += get (&w->rec[k].rt.dropped_frames);
    skipped += get (&w->play[k].rt.skipped_frames);
    wrapped |= w->rec[k].rt.frame_time.high != 0;
    if (w->rings[k] != NULL)
      g_assert_true (rb_ring_get_clock_point (w->rings[k], NULL, NULL,
              NULL));
  }
  g_test_message ("%" G_GUINT64_FORMAT " graph cycles, %" G_GUINT64_FORMAT
      " callbacks: %" G_GUINT64_FORMAT " frames recorded, %"
      G_GUINT64_FORMAT " played, %" G_GUINT64_FORMAT " underruns (%"
      G_GUINT64_FORMAT " silent frames), %" G_GUINT64_FORMAT " overruns (%"
      G_GUINT64_FORMAT " dropped), %" G_GUINT64_FORMAT " skipped to a "
      "bound", w->graph_cycles, w->callbacks, recorded, played, underruns,
      silent, overruns, dropped, skipped);
  g_assert_cmpuint (w->callbacks, >=, N_CALLBACKS);
  g_assert_cmpuint (underruns, >, 0);
  g_assert_cmpuint (overruns, >, 0);
#ifdef RB_TEST_READER_COVERAGE
  /* readers skip by their policy, not by a bound */
  RB_TEST_READER_COVERAGE (w);
#else
  g_assert_cmpuint (skipped, >, 0);
  g_assert_cmpuint (get (&w->play[N_FORMATS].rt.skipped_frames),
      >, 0);
#endif
  g_assert_cmpuint (played, >, 0);
  g_assert_cmpuint (recorded, >, 0);
  g_assert_true (wrapped);
}

typedef struct {
  Workload *w;
  Inject inject;
  guint64 n;
  long minflt, majflt;
  gint64 elapsed_us;
} RtRun;

/* A run of @w with @what injected. Its callbacks: 10^6 for a clean run
 * (R8), fewer for a negative control, which only has to show that its
 * detector is on. */
static RtRun
rt_run (Workload *w, Inject what)
{
  return (RtRun) { .w = w, .inject = what,
    .n = what == INJECT_NONE ? N_CALLBACKS : N_CONTROL_CALLBACKS };
}

#ifdef RB_TEST_RTSAN

/* --- RealtimeSanitizer ---------------------------------------------------- */

/* No bracketing here: rt.c's weak hooks arm RTSan inside each callback,
 * so a negative control caught also proves the hooks work. */
static void *
rtsan_thread (void *data)
{
  RtRun *run = data;

  run_graph (run->w, run->n, run->inject);
  return NULL;
}

static void
rtsan_child (int what, const char *name)
{
  Workload w;
  RtRun run = rt_run (&w, what);

  __rtsan_init ();
  workload_init (&w);
  if (what != INJECT_NONE)
    g_printerr ("injecting %s in the callback\n", name);
  rt_trap_run_in_thread (rtsan_thread, &run);
  g_printerr ("workload finished\n");
  if (what == INJECT_NONE) {
    assert_coverage (&w);
    /* on stdout, which the parent passes through into its TAP stream */
    g_print ("# rtsan: %" G_GUINT64_FORMAT " callbacks, 0 violations\n",
        w.callbacks);
  }
  workload_clear (&w);
}

/* the clean run, then one per injected call */
static const RtTrapRtsanCase rtsan_cases[] = {
  RT_TRAP_RTSAN_CASES (rtsan_child),
};

#else /* !RB_TEST_RTSAN */

/* --- seccomp -------------------------------------------------------------- */

static void
seccomp_work (void *data)
{
  RtRun *run = data;

  run_graph (run->w, run->n, run->inject);
}

static guint
seccomp_run (Workload *w, Inject what)
{
  RtRun run = rt_run (w, what);

  return rt_trap_seccomp_run (seccomp_work, &run, FALSE);
}

static void
test_seccomp_clean (void)
{
  Workload w;
  guint count;

  workload_init (&w);
  count = seccomp_run (&w, INJECT_NONE);
  g_test_message ("seccomp: %u violations", count);
  g_assert_cmpuint (count, ==, 0);
  assert_coverage (&w);
  workload_clear (&w);
}

/* A call injected into one callback, and the system call seccomp catches
 * it by. */
typedef struct {
  Inject what;
  long nr;
} SeccompCase;

static const SeccompCase seccomp_cases[] = {
  { INJECT_GETPID, SYS_getpid },
  { INJECT_FPRINTF, SYS_write },
};

/* A GTestDataFunc over a SeccompCase: caught once, by its system call. */
static void
test_seccomp_inject (gconstpointer data)
{
  const SeccompCase *c = data;
  Workload w;

  workload_init (&w);
  g_assert_cmpuint (seccomp_run (&w, c->what), ==, 1);
  g_assert_cmpint (atomic_load (&rt_trap_violations.nr[0]), ==, c->nr);
  /* the write seccomp refused left the stream's error set */
  clearerr (fake.devnull);
  workload_clear (&w);
}

static void
test_seccomp_malloc (void)
{
  Workload w;

  workload_init (&w);
  g_assert_cmpuint (seccomp_run (&w, INJECT_MALLOC), >=, 1);
  workload_clear (&w);
}

/* --- page faults ---------------------------------------------------------- */

static void *
faults_thread (void *data)
{
  RtRun *run = data;
  struct rusage before, after;

  /* the warm-up touches this thread's stack, lazy bindings and every page
   * the measured run will touch */
  run_graph (run->w, N_WARMUP, INJECT_NONE);
  getrusage (RUSAGE_THREAD, &before);
  run->elapsed_us = g_get_monotonic_time ();
  run_graph (run->w, run->n, run->inject);
  run->elapsed_us = g_get_monotonic_time () - run->elapsed_us;
  getrusage (RUSAGE_THREAD, &after);
  run->minflt = after.ru_minflt - before.ru_minflt;
  run->majflt = after.ru_majflt - before.ru_majflt;
  return NULL;
}

/* Up to FAULT_ATTEMPTS runs, passing on the first without a fault. The
 * kernel may take a page away from a running process on its own (THP
 * collapse, page migration: one minor fault once in a loaded ASan run),
 * which the callback can do nothing about. A retry hides no fault of the
 * callback's: each run is preceded by a warm-up of the same workload, so a
 * page it touches once is touched there, and what faults after a warm-up
 * (new memory every cycle) faults in every run. */
#define FAULT_ATTEMPTS 3

static void
test_faults_clean (void)
{
  Workload w;
  RtRun run = rt_run (&w, INJECT_NONE);

  workload_init (&w);
  for (int attempt = 1; attempt <= FAULT_ATTEMPTS; attempt++) {
    rt_trap_run_in_thread (faults_thread, &run);
    g_test_message ("faults, run %d: %ld minor, %ld major", attempt,
        run.minflt, run.majflt);
    if (run.minflt + run.majflt == 0)
      break;
  }
  /* a figure, not a gate */
  g_test_message ("%.0f ns per callback on average (periods of 16 to 1024 "
      "frames, 2 channels, every format, play and record)",
      run.elapsed_us * 1000.0 / (double) run.n);
  g_assert_cmpint (run.minflt + run.majflt, ==, 0);
  assert_coverage (&w);
  workload_clear (&w);
}

static void
test_faults_lazy_page (void)
{
  Workload w;
  RtRun run = rt_run (&w, INJECT_LAZY_PAGE);

  workload_init (&w);
  rt_trap_run_in_thread (faults_thread, &run);
  g_assert_cmpint (run.minflt + run.majflt, >=, 1);
  workload_clear (&w);
}

#endif /* RB_TEST_RTSAN */

static const RbTestCase cases[] = {
#ifdef RB_TEST_EXTRA_CASES
  RB_TEST_EXTRA_CASES
#endif
  /* in test-jack-rt-rtsan too: there every callback runs under RTSan */
  { "/jack/callback/play-formats", test_play_formats },
  { "/jack/callback/play-underrun", test_play_underrun },
  { "/jack/callback/play-no-ring", test_play_no_ring },
  { "/jack/callback/play-bound", test_play_bound },
  { "/jack/callback/record-formats", test_record_formats },
  { "/jack/callback/record-overrun", test_record_overrun },
  { "/jack/callback/record-clock", test_record_clock },
  { "/jack/callback/swap", test_swap },
#ifdef RB_TEST_RTSAN
  { "/jack/trap/rtsan/clean", NULL, rt_trap_rtsan_test,
    &rtsan_cases[0] },
  { "/jack/trap/rtsan/inject-malloc", NULL, rt_trap_rtsan_test,
    &rtsan_cases[1] },
  { "/jack/trap/rtsan/inject-mutex", NULL, rt_trap_rtsan_test,
    &rtsan_cases[2] },
#else
  { "/jack/trap/seccomp/clean", test_seccomp_clean },
  { "/jack/trap/seccomp/inject-getpid", NULL, test_seccomp_inject,
    &seccomp_cases[0] },
  { "/jack/trap/seccomp/inject-fprintf", NULL, test_seccomp_inject,
    &seccomp_cases[1] },
  { "/jack/trap/seccomp/inject-malloc", test_seccomp_malloc },
  { "/jack/trap/faults/clean", test_faults_clean },
  { "/jack/trap/faults/inject-lazy-page", test_faults_lazy_page },
#endif
};

RB_TEST_MAIN (cases)
