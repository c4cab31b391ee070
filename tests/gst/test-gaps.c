/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink on an audio ring: a GAP is silence of exactly the length the
 * stream lost, measured by the stream's own timestamps, not by the GAP's
 * duration, which rtpjitterbuffer only estimates (issue #17: 48-frame
 * packets came out as 0 to 61 frames of silence, shifting all after). */

#include "gst-test-common.h"

#define RATE 48000
#define PACKET 48                       /* frames: 1 ms */
#define PACKET_NS (GST_SECOND / 1000)
#define CAPS "audio/x-raw, format=S16LE, rate=48000, channels=1, " \
  "layout=interleaved"

/* What the test sent, frame by frame, and what the ring holds. */
typedef struct
{
  GstHarness *h;
  RbRing *consumer;
  gchar *name;                  /* the ring's, removed at the end */
  GArray *expected;             /* gint16 */
  gint16 next_value;
} Gaps;

/* The test makes the ring (a unique name from @tag), as its consumer; the
 * sink attaches to it as the producer (so its EOS does not wait for a
 * drain: the ring is not its). */
static void
gaps_init (Gaps * g, const gchar * tag)
{
  g_autoptr (GError) error = NULL;
  gchar *name = g->name = test_ring_name (tag);

  g->consumer = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 1, RATE,
      8192, RB_RING_FLAGS_NONE, RB_RING_ROLE_CONSUMER, 0600, &error);
  fail_unless (g->consumer != NULL, "%s", error ? error->message : "");
  g->h = sink_harness (make_element ("ringsink", "ring-name", name, NULL),
      CAPS);
  g->expected = g_array_new (FALSE, FALSE, sizeof (gint16));
  g->next_value = 1;
}

/* Packet @k (frames k*PACKET..) at its timestamp: values counting up, never
 * 0, so silence cannot pass for data. Sent or lost. */
static void
packet (Gaps * g, guint k, gboolean sent)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, PACKET * 2, NULL);
  GstMapInfo map;
  gint16 *s;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  s = (gint16 *) map.data;
  for (guint i = 0; i < PACKET; i++) {
    s[i] = g->next_value++;
    if (g->next_value == 0)
      g->next_value = 1;
  }
  if (sent)
    g_array_append_vals (g->expected, s, PACKET);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = k * PACKET_NS;
  GST_BUFFER_DURATION (buf) = PACKET_NS;
  if (sent) {
    fail_unless_equals_int (gst_harness_push (g->h, buf), GST_FLOW_OK);
  } else {
    gst_buffer_unref (buf);
  }
}

static void
expect_silence (Gaps * g, guint frames)
{
  gint16 zero = 0;

  for (guint i = 0; i < frames; i++)
    g_array_append_val (g->expected, zero);
}

/* A GAP at packet @k's time, claiming @frames frames. */
static void
gap (Gaps * g, guint k, guint frames)
{
  fail_unless (gst_harness_push_event (g->h, gst_event_new_gap (k * PACKET_NS,
              gst_util_uint64_scale_round (frames, GST_SECOND, RATE))));
}

/* The ring holds exactly what was expected, frame by frame; then the
 * harness, the ring and the record go. */
static void
gaps_finish (Gaps * g)
{
  gsize want = g->expected->len * 2;
  g_autofree gint16 *got = g_malloc0 (want + 2);
  gsize n = rb_ring_read (g->consumer, (guint8 *) got, want + 2);
  const gint16 *exp = (const gint16 *) g->expected->data;

  /* the name first, so that a failed check leaves nothing in /dev/shm */
  fail_unless (rb_ring_unlink (g->name, NULL));
  for (guint i = 0; i < MIN (n, want) / 2; i++)
    fail_unless (got[i] == exp[i], "frame %u: %d, expected %d (the stream "
        "shifted after a gap)", i, got[i], exp[i]);
  fail_unless_equals_uint64 (n, want);
  gst_harness_teardown (g->h);
  g_clear_object (&g->consumer);
  g_free (g->name);
  g_array_unref (g->expected);
}

/* Lost packets, each announced by a GAP whose duration is off (as
 * rtpjitterbuffer's are): the silence is the distance between the
 * buffers on each side, whatever the GAP said. */
RB_TEST (test_gap_silence_is_the_lost_length)
{
  Gaps g;

  gaps_init (&g, "gap");
  packet (&g, 0, TRUE);
  packet (&g, 1, TRUE);
  /* one packet lost, the GAP says 45 frames */
  packet (&g, 2, FALSE);
  gap (&g, 2, 45);
  expect_silence (&g, PACKET);
  packet (&g, 3, TRUE);
  /* one lost, the GAP says 61 */
  packet (&g, 4, FALSE);
  gap (&g, 4, 61);
  expect_silence (&g, PACKET);
  packet (&g, 5, TRUE);
  /* two lost, two GAPs of 10 and 0 frames */
  packet (&g, 6, FALSE);
  packet (&g, 7, FALSE);
  gap (&g, 6, 10);
  gap (&g, 7, 0);
  expect_silence (&g, 2 * PACKET);
  packet (&g, 8, TRUE);
  /* a GAP that turns out to be nothing missing */
  gap (&g, 9, 20);
  packet (&g, 9, TRUE);
  gaps_finish (&g);
}

GST_END_TEST;

/* Where no later buffer measures it, the GAP's duration is the silence:
 * before the first buffer, and a GAP held when the stream ends. */
RB_TEST (test_gap_without_a_next_buffer)
{
  Gaps g;

  gaps_init (&g, "gap-ends");
  packet (&g, 0, TRUE);
  gap (&g, 1, 30);
  expect_silence (&g, 30);
  fail_unless (gst_harness_push_event (g.h, gst_event_new_eos ()));
  gaps_finish (&g);
}

GST_END_TEST;

RB_TEST (test_gap_first)
{
  Gaps g;

  gaps_init (&g, "gap-first");
  /* a GAP before any buffer */
  gap (&g, 0, 2 * PACKET);
  expect_silence (&g, 2 * PACKET);
  packet (&g, 2, TRUE);
  gaps_finish (&g);
}

GST_END_TEST;

/* A buffer far past the GAP (a new timeline, say an RTP timestamp reset)
 * is not a loss of 20 s: the GAP's duration is written. A flush forgets a
 * held GAP. */
RB_TEST (test_gap_timeline_jump_and_flush)
{
  GstSegment segment;
  Gaps g;

  gaps_init (&g, "gap-jump");
  packet (&g, 0, TRUE);
  gap (&g, 1, PACKET);
  expect_silence (&g, PACKET);
  packet (&g, 20000, TRUE);       /* 20 s later */
  gap (&g, 20001, PACKET);
  fail_unless (gst_harness_push_event (g.h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (g.h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (g.h, gst_event_new_segment (&segment)));
  packet (&g, 20005, TRUE);       /* no silence: the GAP was flushed */
  gaps_finish (&g);
}

GST_END_TEST;

/* A GAP held when a new segment or new caps come: no buffer on the same
 * timeline measures it, so the GAP's duration is the silence. */
RB_TEST (test_gap_held_over_segment_and_caps)
{
  GstSegment segment;
  GstCaps *caps;
  Gaps g;

  gaps_init (&g, "gap-segment");
  packet (&g, 0, TRUE);
  gap (&g, 1, 30);
  expect_silence (&g, 30);
  /* a new timeline from 0, without a flush: the next buffer's 1 ms is no
   * distance from the last one's end on the old */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (g.h, gst_event_new_segment (&segment)));
  packet (&g, 0, TRUE);
  gap (&g, 1, 20);
  expect_silence (&g, 20);
  /* the same format, written differently: set_caps() all the same (the
   * event alone: the harness would send a segment after it) */
  caps = gst_caps_from_string (CAPS ", rb-test=(int)1");
  fail_unless (gst_harness_push_event (g.h, gst_event_new_caps (caps)));
  gst_caps_unref (caps);
  packet (&g, 2, TRUE);
  gaps_finish (&g);
}

GST_END_TEST;

RB_TEST_MAIN (gaps, 0);
