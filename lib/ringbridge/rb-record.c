/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Records on top of the byte ring's positions: the same four protocol
 * accesses (publish after copy, observe before copy), one publish per
 * record. Realtime-safe. A record header read from shared memory is copied
 * to private memory first and its size checked against what is readable:
 * a corrupt or hostile header yields "no record", never an access out of
 * bounds. */

#include "rb-record-private.h"

#include <string.h>

static void
put_record (struct rb_ring_core *c, uint8_t *at, const struct rb_record *meta)
{
  struct rb_record h = *meta;
  uint64_t total = rb_record_total (h.size);

  h.reserved = 0;
  memcpy (at, &h, sizeof h);
  /* zero the alignment padding: no stale bytes leak to the reader */
  memset (at + sizeof h + h.size, 0, (size_t) (total - sizeof h - h.size));
}

bool
rb_ring_core_write_record (struct rb_ring_core *c,
    const struct rb_record *meta, const void *payload)
{
  uint64_t total = rb_record_total (meta->size);
  uint8_t *at;

  if (total > c->capacity)
    return false;
  if (rb_ring_core_producer_space (c, total) < total) {
    rb_ring_core_count_overrun (c);
    return false;
  }
  at = c->data + (c->w & c->mask);
  if (meta->size > 0)
    memcpy (at + sizeof (struct rb_record), payload, meta->size);
  put_record (c, at, meta);
  rb_ring_core_publish_write (c, c->w + total);
  return true;
}

void *
rb_ring_core_write_record_acquire (struct rb_ring_core *c, size_t max)
{
  uint64_t total = rb_record_total (max);

  c->w_record_max = 0;
  /* max > capacity first: rb_record_total() of a huge max wraps */
  if (max > c->capacity || total > c->capacity ||
      rb_ring_core_producer_space (c, total) < total)
    return NULL;
  c->w_record_max = max;
  return c->data + ((c->w + sizeof (struct rb_record)) & c->mask);
}

bool
rb_ring_core_write_record_commit (struct rb_ring_core *c,
    const struct rb_record *meta)
{
  if (meta->size > c->w_record_max)
    return false;
  put_record (c, c->data + (c->w & c->mask), meta);
  rb_ring_core_publish_write (c, c->w + rb_record_total (meta->size));
  c->w_record_max = 0;
  return true;
}

bool
rb_ring_core_peek_record (struct rb_ring_core *c, struct rb_record *meta)
{
  uint64_t avail = rb_ring_core_consumer_avail (c, sizeof *meta);
  uint64_t total;

  if (avail < sizeof *meta)
    return false;
  /* private copy first: the size checked is the size used */
  memcpy (meta, c->data + (c->r & c->mask), sizeof *meta);
  total = rb_record_total (meta->size);
  if (total > avail) {
    /* an honest producer publishes whole records only */
    c->r_broken = true;
    return false;
  }
  return true;
}

bool
rb_ring_core_read_record (struct rb_ring_core *c, struct rb_record *meta,
    void *payload, size_t cap)
{
  if (!rb_ring_core_peek_record (c, meta) || meta->size > cap)
    return false;
  if (meta->size > 0)
    memcpy (payload, c->data + ((c->r + sizeof *meta) & c->mask), meta->size);
  rb_ring_core_publish_read (c, c->r + rb_record_total (meta->size));
  return true;
}

const void *
rb_ring_core_read_record_acquire (struct rb_ring_core *c,
    struct rb_record *meta)
{
  c->r_record_total = 0;
  if (!rb_ring_core_peek_record (c, meta))
    return NULL;
  c->r_record_total = rb_record_total (meta->size);
  return c->data + ((c->r + sizeof *meta) & c->mask);
}

void
rb_ring_core_read_record_release (struct rb_ring_core *c)
{
  if (c->r_record_total == 0)
    return;
  rb_ring_core_publish_read (c, c->r + c->r_record_total);
  c->r_record_total = 0;
}

bool
rb_ring_core_skip_record (struct rb_ring_core *c)
{
  struct rb_record meta;

  /* a record acquired and not released is the one skipped: a later
   * release must not move past a second one */
  c->r_record_total = 0;
  if (!rb_ring_core_peek_record (c, &meta))
    return false;
  rb_ring_core_publish_read (c, c->r + rb_record_total (meta.size));
  return true;
}
