/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-jack play --reader's process callback (jack/rt.c,
 * play_reader()): what it plays and how it counts gaps by cause
 * (/jack/reader/...), and test-jack-rt.c's realtime proofs (10^6
 * callbacks under RealtimeSanitizer, seccomp and getrusage, with their
 * negative controls) with the odd pairs of its workload on overwrite rings
 * whose play sides are readers, catch-up and latest by turns: the same
 * driver, with a hook that gives those sides a tap. The tap is made here,
 * in the main thread, as ringbridge-jack makes it (jack/ring.c). */

#include "rt.h"

#include <glib.h>

/* a latest reader's target in the workload: below the ring's 2048 frames */
#define WORKLOAD_TARGET 96

static void
reader_side (RbJackRt *rt, RbRing *ring, guint k)
{
  g_autoptr (GError) error = NULL;
  RbJackTap *tap = rb_jack_tap_new (ring, k % 4 == 1 ?
      RB_READER_POLICY_CATCH_UP : RB_READER_POLICY_LATEST, WORKLOAD_TARGET,
      &error);

  g_assert_no_error (error);
  rt->max_fill = 0;
  atomic_store (&rt->ring, NULL);
  atomic_store (&rt->tap, tap);
}

/* the workload's readers met every cause a player meets */
#define RB_TEST_READER_COVERAGE(w) reader_coverage (w)

#define RB_TEST_READER_SIDE reader_side

static void test_reader_catch_up (void);
static void test_reader_latest (void);
static void test_reader_beside_consumer (void);

#define RB_TEST_EXTRA_CASES \
  { "/jack/reader/catch-up", test_reader_catch_up }, \
  { "/jack/reader/latest", test_reader_latest }, \
  { "/jack/reader/beside-consumer", test_reader_beside_consumer },

/* a Workload, defined by test-jack-rt.c */
static void reader_coverage (void *workload);

#include "test-jack-rt.c"

static void
reader_coverage (void *workload)
{
  Workload *w = workload;
  guint64 gaps[RB_JACK_N_GAP_CAUSES] = { 0 };
  guint readers = 0;

  for (guint k = 0; k < N_PAIRS; k++) {
    if (atomic_load (&w->play[k].rt.tap) == NULL)
      continue;
    readers++;
    for (guint c = 0; c < RB_JACK_N_GAP_CAUSES; c++)
      gaps[c] += get (&w->play[k].rt.gaps[c]);
    g_assert_cmpuint (get (&w->play[k].rt.frames), >, 0);
  }
  g_test_message ("%u readers: gaps overwritten %" G_GUINT64_FORMAT
      ", underrun %" G_GUINT64_FORMAT ", skip %" G_GUINT64_FORMAT, readers,
      gaps[RB_GAP_OVERWRITTEN], gaps[RB_GAP_UNDERRUN], gaps[RB_GAP_SKIP]);
  g_assert_cmpuint (readers, ==, 4);
  g_assert_cmpuint (gaps[RB_GAP_OVERWRITTEN], >, 0);
  g_assert_cmpuint (gaps[RB_GAP_UNDERRUN], >, 0);
  g_assert_cmpuint (gaps[RB_GAP_SKIP], >, 0);
}

/* A side that reads @ring through a tap of @policy; the fake JACK reset
 * (side_start()). */
static void
reader_init (Side *s, RbRing *ring, RbReaderPolicy policy, guint64 target)
{
  g_autoptr (GError) error = NULL;

  side_start (s, RB_JACK_PLAY, NULL);
  atomic_store (&s->rt.tap, rb_jack_tap_new (ring, policy, target, &error));
  g_assert_no_error (error);
}

#define ANY_FRAMES G_MAXUINT64

/* The side's tap reported @count gaps of @cause, of @frames frames in all
 * (not looked at if ANY_FRAMES). */
static void
assert_gaps (Side *s, RbGapCause cause, guint64 count, guint64 frames)
{
  g_assert_cmpuint (get (&s->rt.gaps[cause]), ==, count);
  if (frames != ANY_FRAMES)
    g_assert_cmpuint (get (&s->rt.gap_frames[cause]), ==, frames);
}

/* catch-up: every frame the ring holds, in order, converted; a short
 * cycle is an underrun of its silent frames; a lap is an overwritten gap
 * of exactly the frames lost, and play resumes at the oldest frame. */
static void
test_reader_catch_up (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_SAMPLE_FORMAT_S16LE, 1024,
      RB_RING_FLAGS_OVERWRITE);
  g_autoptr (RbRing) f32 = audio_ring (RB_SAMPLE_FORMAT_F32LE, 1024,
      RB_RING_FLAGS_OVERWRITE);
  Side s;

  reader_init (&s, f32, RB_READER_POLICY_CATCH_UP, 0);
  /* 100 frames: a full cycle, then 36 and 28 frames of silence */
  ramp_cycle (&s, f32, 100, 64);
  assert_frames (&s, 0, 64, FALSE);
  fresh_cycle (&s, 64);
  assert_frame (&s, 0, 65);
  assert_frame (&s, 35, 100);
  assert_frames (&s, 36, 64, TRUE);
  assert_gaps (&s, RB_GAP_UNDERRUN, 1, 28);
  assert_dry (&s, 1, 28);

  /* 1500 more into 1024: the 476 oldest of them are overwritten; the
   * reader resumes at the oldest frame held, 477 of this write */
  ramp_cycle (&s, f32, 1500, 64);
  assert_frame (&s, 0, 477);
  assert_frame (&s, 63, 540);
  assert_gaps (&s, RB_GAP_OVERWRITTEN, 1, 476);
  g_assert_cmpuint (get (&s.rt.fill), ==, 1024 - 64);
  g_assert_cmpuint (get (&s.rt.frames), ==, 164);
  /* the ring's consumer position was not its to move */
  g_assert_cmpuint (rb_ring_get_read_position (f32), ==, 0);
  side_clear (&s);

  /* S16LE through the stage: the library's conversion, as play's */
  reader_init (&s, ring, RB_READER_POLICY_CATCH_UP, 0);
  {
    gint16 v[2 * 2000];

    for (guint i = 0; i < 2000; i++) {
      v[2 * i] = (gint16) (i * 16);
      v[2 * i + 1] = (gint16) -(gint) (i * 16);
    }
    /* more than the stage holds (256 frames): read in pieces */
    g_assert_cmpuint (rb_ring_write_frames (ring, v, 1000), ==, 1000);
    fresh_cycle (&s, MAX_PERIOD);
    for (guint i = 0; i < 1000; i++) {
      g_assert_cmpfloat (s.bufs[0][i], ==, (float) (i * 16) / 32768.0f);
      g_assert_cmpfloat (s.bufs[1][i], ==, -(float) (i * 16) / 32768.0f);
    }
    assert_frames (&s, 1000, MAX_PERIOD, TRUE);
  }
  assert_gaps (&s, RB_GAP_UNDERRUN, 1, MAX_PERIOD - 1000);
  side_clear (&s);
}

/* latest: more than the target queued, and it jumps to the target behind
 * the newest frame (a skip of exactly the frames it jumped); within it,
 * nothing is skipped. */
static void
test_reader_latest (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_SAMPLE_FORMAT_F32LE, 1024,
      RB_RING_FLAGS_OVERWRITE);
  Side s;

  reader_init (&s, ring, RB_READER_POLICY_LATEST, 100);
  /* 500 queued: 400 skipped, frames 401..464 played, 36 left */
  ramp_cycle (&s, ring, 500, 64);
  assert_frame (&s, 0, 401);
  assert_frame (&s, 63, 464);
  assert_gaps (&s, RB_GAP_SKIP, 1, 400);
  g_assert_cmpuint (get (&s.rt.fill), ==, 36);

  /* 36 + 64 queued is the target: nothing skipped */
  ramp_cycle (&s, ring, 64, 64);
  assert_frame (&s, 0, 465);
  assert_gaps (&s, RB_GAP_SKIP, 1, ANY_FRAMES);
  /* far behind, the ring lapped: still a skip to the target */
  ramp_cycle (&s, ring, 3000, 64);
  assert_frame (&s, 0, 2901);
  assert_gaps (&s, RB_GAP_SKIP, 2, ANY_FRAMES);
  assert_gaps (&s, RB_GAP_UNDERRUN, 0, ANY_FRAMES);
  side_clear (&s);
}

/* A reader beside the ring's consumer: both play every frame, and the
 * consumer's position is the consumer's alone. */
static void
test_reader_beside_consumer (void)
{
  g_autoptr (RbRing) ring = audio_ring (RB_SAMPLE_FORMAT_F32LE, 1024,
      RB_RING_FLAGS_OVERWRITE);
  Side consumer, reader;

  side_start (&consumer, RB_JACK_PLAY, ring);
  reader_init (&reader, ring, RB_READER_POLICY_CATCH_UP, 0);
  write_ramp (ring, 256);
  for (guint i = 0; i < 4; i++) {
    poison (&consumer);
    poison (&reader);
    rb_jack_rt_process (64, &consumer.rt);
    rb_jack_rt_process (64, &reader.rt);
    for (guint c = 0; c < CHANNELS; c++)
      for (guint f = 0; f < 64; f++)
        g_assert_cmpfloat (consumer.bufs[c][f], ==, reader.bufs[c][f]);
    g_assert_cmpfloat (reader.bufs[0][0], ==, (float) (i * 64 + 1));
  }
  g_assert_cmpuint (rb_ring_get_read_position (ring), ==, 256 * 8);
  for (guint c = 0; c < RB_JACK_N_GAP_CAUSES; c++)
    g_assert_cmpuint (get (&reader.rt.gaps[c]), ==, 0);
  side_clear (&consumer);
  side_clear (&reader);
}
