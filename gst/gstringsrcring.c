/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringsrc: finding the ring, following it to a successor, and waiting for
 * data */

#include "gstringsrcpriv.h"

#define GST_CAT_DEFAULT gst_ring_src_debug

/* --- ring attach -------------------------------------------------------- */

/* Takes @ring. FALSE, the error posted and the ring dropped, when this
 * element cannot read it as its role says. */
gboolean
gst_ring_src_attach (GstRingSrc * self, RbRing * ring)
{
  GST_OBJECT_LOCK (self);
  self->ring = ring;
  GST_OBJECT_UNLOCK (self);

  self->kind = gst_ring_kind_of (ring);
  self->frame_size = rb_ring_get_frame_size (ring);
  self->rate = rb_ring_get_rate (ring);
  self->need_caps = TRUE;
  self->capsless = FALSE;
  self->have_held_segment = FALSE;
  self->peer_gone = FALSE;
  self->waiting_producer = FALSE;
  self->discont = TRUE;
  self->have_read_end = FALSE;
  self->have_base = FALSE;
  self->anchored = FALSE;
  self->stamped_live = FALSE;
  gst_ring_clock_set_ring (&self->clock, ring);
  if (!gst_ring_src_reader_attach (self, ring)) {
    gst_ring_src_detach (self);
    return FALSE;
  }

  /* The end-of-stream flag of a stream that ended before, with its
   * producer gone and everything read, is not news: the library lets only
   * the consumer clear it (rb_ring_reset). */
  if (self->reader == NULL && rb_ring_is_end_of_stream (ring) &&
      rb_ring_get_peer_state (ring) != RB_PEER_STATE_ALIVE) {
    GST_INFO_OBJECT (self, "clearing the end of an earlier stream");
    rb_ring_reset (ring);
  }

  GST_INFO_OBJECT (self, "reading %s ring '%s' of %" G_GSIZE_FORMAT " bytes",
      gst_ring_kind_name (self->kind), GST_STR_NULL (rb_ring_get_name (ring)),
      rb_ring_get_capacity (ring));
  return TRUE;
}

void
gst_ring_src_detach (GstRingSrc * self)
{
  RbRing *ring;

  GST_OBJECT_LOCK (self);
  ring = self->ring;
  self->ring = NULL;
  GST_OBJECT_UNLOCK (self);
  gst_ring_clock_set_ring (&self->clock, NULL);
  gst_ring_src_reader_detach (self);
  g_clear_object (&ring);
}

/* Did the name come to mean another ring (or nothing)? A ringsink that
 * stopped removed the name; its successor makes a new ring under it. */
static gboolean
ring_replaced (GstRingSrc * self)
{
  return self->settings.name != NULL && !self->settings.ring_prop_used &&
      !rb_ring_name_is_ring (self->ring);
}

GstFlowReturn
gst_ring_src_wait_for_ring (GstRingSrc * self)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = self->timeout_us < 0 ? G_MAXINT64 :
      start + self->timeout_us;

  for (;;) {
    g_autoptr (GError) error = NULL;
    RbRing *ring;
    gint64 now;

    if (g_cancellable_is_cancelled (self->cancellable))
      return GST_FLOW_FLUSHING;

    ring = rb_ring_open_full (self->settings.name,
        gst_ring_src_open_role (self), self->settings.run_open_flags, &error);
    if (ring != NULL)
      return gst_ring_src_attach (self, ring) ? GST_FLOW_OK : GST_FLOW_ERROR;
    if (!g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND)) {
      GST_RING_POST_ERROR (self, error);
      return GST_FLOW_ERROR;
    }

    now = g_get_monotonic_time ();
    if (now >= deadline) {
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("No ring '%s' appeared within %" G_GINT64_FORMAT " ms",
              self->settings.name, self->timeout_us / 1000),
          ("%s", error->message));
      return GST_FLOW_ERROR;
    }
    gst_ring_sleep_cancellable (self->cancellable,
        MIN (deadline - now, POLL_US));
  }
}

/* --- waiting for data --------------------------------------------------- */

static GstFlowReturn
on_peer_loss (GstRingSrc * self)
{
  self->peer_gone = FALSE;
  switch (self->run_peer_loss) {
    case GST_RING_SRC_PEER_LOSS_WAIT:
      GST_INFO_OBJECT (self, "producer gone; waiting for a new one");
      self->waiting_producer = TRUE;
      self->discont = TRUE;
      self->anchored = FALSE;
      return GST_FLOW_OK;
    case GST_RING_SRC_PEER_LOSS_ERROR:
      GST_ELEMENT_ERROR (self, RESOURCE, READ,
          ("The producer of ring '%s' went away without ending the stream",
              GST_STR_NULL (rb_ring_get_name (self->ring))),
          ("on-peer-loss=error"));
      return GST_FLOW_ERROR;
    case GST_RING_SRC_PEER_LOSS_EOS:
    default:
      GST_INFO_OBJECT (self, "producer gone: end of stream");
      return GST_FLOW_EOS;
  }
}

/* The producer left when the ring's write position was loss_position:
 * what it wrote before that comes out first (TRUE: *@ending, and the
 * limit set); a successor may have written more since, which must wait
 * for the loss to be dealt with (a discontinuity, or the end). */
static gboolean
departed_data_left (GstRingSrc * self, guint64 read, gboolean * ending)
{
  if (self->loss_position <= read)
    return FALSE;
  self->peer_gone = TRUE;
  *ending = TRUE;
  self->limit = (gsize) (self->loss_position - read);
  return TRUE;
}

/* after_timeout()'s "no news: wait on" */
#define FLOW_WAIT_MORE GST_FLOW_CUSTOM_SUCCESS_1

/* A wait slice ended without data: the ring may have a successor (after a
 * loss, with on-peer-loss=wait), or the timeout may be over. */
static GstFlowReturn
after_timeout (GstRingSrc * self, gint64 deadline, gboolean * ending)
{
  RbRing *ring = self->ring;

  if (self->waiting_producer && ring_replaced (self)) {
    if (gst_ring_src_available (self) > 0) {
      *ending = TRUE;
      return GST_FLOW_OK;
    }
    GST_INFO_OBJECT (self, "ring '%s' was replaced", self->settings.name);
    return FLOW_REATTACH;
  }
  if (g_get_monotonic_time () >= deadline) {
    GST_ELEMENT_ERROR (self, RESOURCE, READ,
        ("No data from ring '%s' for %" G_GINT64_FORMAT " ms",
            GST_STR_NULL (rb_ring_get_name (ring)),
            self->timeout_us / 1000), ("timeout property"));
    return GST_FLOW_ERROR;
  }
  return FLOW_WAIT_MORE;
}

/* Waits until @bytes are readable. GST_FLOW_OK: they are, or the stream
 * ends with less but more than nothing (*@ending: read what is there).
 * GST_FLOW_EOS: nothing more will come. FLOW_REATTACH: the ring's name
 * has a new ring. */
GstFlowReturn
gst_ring_src_wait_data (GstRingSrc * self, gsize bytes, gboolean * ending)
{
  RbRing *ring = self->ring;
  gint64 deadline = self->timeout_us < 0 ? G_MAXINT64 :
      g_get_monotonic_time () + self->timeout_us;

  *ending = FALSE;
  self->limit = G_MAXSIZE;
  bytes = MIN (bytes, gst_ring_src_most_readable (self));
  if (self->peer_gone) {
    GstFlowReturn ret;

    if (departed_data_left (self, gst_ring_src_position (self), ending))
      return GST_FLOW_OK;
    ret = on_peer_loss (self);
    if (ret != GST_FLOW_OK)
      return ret;
  }

  for (;;) {
    gsize avail = gst_ring_src_available (self);
    gint64 slice = -1, now = g_get_monotonic_time ();
    RbWaitResult res;

    if (avail >= bytes) {
      self->waiting_producer = FALSE;
      return GST_FLOW_OK;
    }
    if (deadline != G_MAXINT64)
      slice = MAX (deadline - now, 0);
    /* look for a successor now and then */
    if (self->waiting_producer)
      slice = slice < 0 ? POLL_US : MIN (slice, POLL_US);

    res = gst_ring_src_wait_readable (self, bytes, slice);
    switch (res) {
      case RB_WAIT_READY:
        continue;
      case RB_WAIT_INTERRUPTED:
        return GST_FLOW_FLUSHING;
      case RB_WAIT_END_OF_STREAM:
        if (gst_ring_src_available (self) > 0) {
          *ending = TRUE;
          return GST_FLOW_OK;
        }
        GST_INFO_OBJECT (self, "the producer ended the stream");
        return GST_FLOW_EOS;
      case RB_WAIT_PEER_GONE:{
        GstFlowReturn ret;
        guint64 read = gst_ring_src_position (self);

        self->loss_position = rb_ring_get_write_position (ring);
        if (departed_data_left (self, read, ending))
          return GST_FLOW_OK;
        ret = on_peer_loss (self);
        if (ret != GST_FLOW_OK)
          return ret;
        continue;
      }
      case RB_WAIT_TIMEOUT:
      default:{
        GstFlowReturn ret = after_timeout (self, deadline, ending);

        if (ret != FLOW_WAIT_MORE)
          return ret;
        continue;
      }
    }
  }
}
