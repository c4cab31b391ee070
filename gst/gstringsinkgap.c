/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsink on an audio ring: a GAP becomes silence of exactly the length
 * the stream lost.
 *
 * An audio ring has no gaps (a consumer playing it in real time keeps its
 * place by the frames it reads), so what went missing upstream is written
 * as silence. How much is missing is not what the GAP event says:
 * rtpjitterbuffer, for one, estimates a lost packet's duration from when
 * packets arrived, and a 48-frame packet came out as GAPs of 0 to 61
 * frames, every later frame shifted by the error (issue #17). The
 * stream's own clock says it exactly: the next buffer's timestamp against
 * the end of the last one. So a GAP after audio is held until the next
 * buffer, which fills the distance between the two; the GAPs' own
 * durations are used only where no such distance exists: before the
 * first buffer, and when the stream ends, restarts or changes caps with a
 * GAP still held. */

#include "gstringsinkpriv.h"

GST_DEBUG_CATEGORY_EXTERN (gst_ring_sink_debug);
#define GST_CAT_DEFAULT gst_ring_sink_debug

/* A distance between buffers this much longer than the held GAPs say is
 * not a loss but a new timeline (an RTP timestamp reset, a source that
 * restarted): the GAPs' own durations are written instead. */
#define TIMELINE_JUMP (10 * GST_SECOND)

/* Forgets where the stream is: a flush, a new run, new caps. */
void
gst_ring_sink_audio_reset (GstRingSink * self)
{
  self->audio_next = GST_CLOCK_TIME_NONE;
  self->gap_held = GST_CLOCK_TIME_NONE;
}

/* Writes what the held GAPs said, if any, and forgets where the stream
 * is: for EOS, a new segment or new caps, where no next buffer on the
 * same timeline will come to measure the loss. */
GstFlowReturn
gst_ring_sink_audio_flush_gap (GstRingSink * self)
{
  GstFlowReturn ret = GST_FLOW_OK;

  if (GST_CLOCK_TIME_IS_VALID (self->gap_held))
    ret = gst_ring_sink_write_silence (self, self->gap_held);
  gst_ring_sink_audio_reset (self);
  return ret;
}

/* A GAP event (@duration may be GST_CLOCK_TIME_NONE). A write that fails
 * has posted its error, or is flushing: the next buffer says so. */
void
gst_ring_sink_audio_gap (GstRingSink * self, GstClockTime duration)
{
  if (!GST_CLOCK_TIME_IS_VALID (self->audio_next)) {
    gst_ring_sink_write_silence (self, duration);
    return;
  }
  /* held, if for nothing yet: a GAP without a (valid) duration is held
   * as 0 */
  if (!GST_CLOCK_TIME_IS_VALID (self->gap_held))
    self->gap_held = 0;
  if (GST_CLOCK_TIME_IS_VALID (duration))
    self->gap_held += duration;
}

/* The silence the held GAPs stand for, now that a buffer at @pts came. */
static GstClockTime
held_silence (GstRingSink * self, GstClockTime pts)
{
  GstClockTime distance;

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return self->gap_held;
  if (pts <= self->audio_next)
    return 0;                   /* nothing missing after all */
  distance = pts - self->audio_next;
  if (distance > self->gap_held + TIMELINE_JUMP) {
    GST_WARNING_OBJECT (self, "a buffer %" GST_TIME_FORMAT " after the "
        "last one, where the GAPs said %" GST_TIME_FORMAT ": a new "
        "timeline, not a loss; writing the GAPs' duration",
        GST_TIME_ARGS (distance), GST_TIME_ARGS (self->gap_held));
    return self->gap_held;
  }
  return distance;
}

/* A buffer of whole frames (@size bytes at @data, timestamp @pts): first
 * the silence of any GAP held before it, then its frames. */
GstFlowReturn
gst_ring_sink_audio_render (GstRingSink * self, GstClockTime pts,
    const guint8 * data, gsize size)
{
  guint rate = GST_AUDIO_INFO_RATE (&self->info);
  GstFlowReturn ret = GST_FLOW_OK;

  if (GST_CLOCK_TIME_IS_VALID (self->gap_held)) {
    GstClockTime silence = held_silence (self, pts);

    GST_LOG_OBJECT (self, "GAPs said %" GST_TIME_FORMAT ", the stream "
        "says %" GST_TIME_FORMAT, GST_TIME_ARGS (self->gap_held),
        GST_TIME_ARGS (silence));
    self->gap_held = GST_CLOCK_TIME_NONE;
    ret = gst_ring_sink_write_silence (self, silence);
  }
  if (ret == GST_FLOW_OK)
    ret = gst_ring_sink_write_stream (self, data, size);
  /* where the next buffer should start, by this one's frames */
  if (GST_CLOCK_TIME_IS_VALID (pts) && rate > 0)
    self->audio_next = pts + gst_util_uint64_scale_round (size / self->unit,
        GST_SECOND, rate);
  else
    self->audio_next = GST_CLOCK_TIME_NONE;
  return ret;
}
