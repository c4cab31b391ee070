/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Item rings: rings of fixed-size items of any size from one byte up,
 * with an optional descriptor (the caller's text, such as the Python
 * binding's NumPy dtype and item shape) in the ring's header, so that
 * another process attaches without being told what the items are.
 *
 * An item ring is a byte ring whose frame size is the item size: the
 * core moves whole frames only (rb-ring-core.c), so no call, byte calls
 * included, ever splits an item. The header's items block (see
 * rb-shm-private.h) says it is one; rb_shm_validate() checks the block
 * and a descriptor that is in the header struct, rb_ring_items_attach()
 * a longer one, which it reads from the file once into private memory. */

#include "config.h"

#include "rb-ring-private.h"
#include "rb-ring-items.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* --- construction -------------------------------------------------------- */

/* The recipe of an item ring, refusing what cannot be one. */
static gboolean
check_items (gsize item_size, gsize n_items, const gchar *descriptor,
    RbRingFlags flags, guint64 *bytes, GError **error)
{
  char why[128];

  if (item_size < 1 || item_size > RB_RING_MAX_CAPACITY) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "item size %" G_GSIZE_FORMAT " is out of range: 1 to %"
        G_GUINT64_FORMAT " bytes", item_size, (guint64) RB_RING_MAX_CAPACITY);
    return FALSE;
  }
  if (n_items < 1 || n_items > RB_RING_MAX_CAPACITY / item_size) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "%" G_GSIZE_FORMAT " items of %" G_GSIZE_FORMAT " bytes: a ring holds "
        "1 to %" G_GUINT64_FORMAT " bytes", n_items, item_size,
        (guint64) RB_RING_MAX_CAPACITY);
    return FALSE;
  }
  if (flags & RB_RING_FLAGS_RECORDS) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FLAGS,
        "an item ring cannot be a records ring");
    return FALSE;
  }
  if (descriptor != NULL) {
    size_t len = strlen (descriptor);

    if (len > RB_RING_MAX_ITEM_DESCRIPTOR) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
          "item descriptor of %zu bytes is longer than %d", len,
          RB_RING_MAX_ITEM_DESCRIPTOR);
      return FALSE;
    }
    if (!rb_shm_check_descriptor (descriptor, (uint32_t) len, why,
            sizeof why)) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
          "invalid item descriptor: %s", why);
      return FALSE;
    }
  }
  *bytes = (guint64) item_size * n_items;
  return TRUE;
}

/**
 * rb_ring_new_items:
 * @item_size: the size of one item in bytes, 1 or more
 * @n_items: the number of items the ring must hold
 * @descriptor: (nullable): what the items are, as text for the other side
 *   (at most %RB_RING_MAX_ITEM_DESCRIPTOR bytes of printable UTF-8), or
 *   %NULL
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE (not
 *   %RB_RING_FLAGS_RECORDS)
 * @error: return location for a #GError
 *
 * Creates an anonymous in-process ring of fixed-size items. Every call
 * moves whole items only, the byte calls included (byte counts are
 * rounded down to whole items), so no item is ever split. The item size
 * and @descriptor are kept in the ring's header, where a process that
 * attaches (rb_ring_new_from_fd()) finds them: see
 * rb_ring_get_item_size() and rb_ring_get_item_descriptor(). The library
 * does not interpret @descriptor; the Python binding stores a NumPy dtype
 * and item shape there (docs/python.md, "Items and NumPy dtypes").
 *
 * The capacity is @n_items items rounded up as for rb_ring_new(), so
 * rb_ring_get_capacity_frames() (the capacity in items) is at least
 * @n_items.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new ring, or %NULL with @error set
 *   (%RB_RING_ERROR_INVALID_CAPACITY for a size out of range,
 *   %RB_RING_ERROR_INVALID_FORMAT for a bad descriptor)
 *
 * Since: 0.2
 */
RbRing *
rb_ring_new_items (gsize item_size, gsize n_items, const gchar *descriptor,
    RbRingFlags flags, GError **error)
{
  guint64 bytes;

  if (!check_items (item_size, n_items, descriptor, flags, &bytes, error))
    return NULL;
  return rb_ring_construct_items (ACTION_NEW, NULL, (guint) item_size, bytes,
      descriptor, flags, RB_RING_ROLE_BOTH, 0600, error);
}

/**
 * rb_ring_create_items:
 * @name: the ring's name (see rb_ring_name_validate())
 * @item_size: the size of one item in bytes, 1 or more
 * @n_items: the number of items the ring must hold
 * @descriptor: (nullable): what the items are, or %NULL (see
 *   rb_ring_new_items())
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @error: return location for a #GError
 *
 * rb_ring_create() for an item ring: rb_ring_new_items()'s items, shared
 * under @name with mode 0600. This process takes both roles
 * (%RB_RING_ROLE_BOTH); another object, in this process or another, may
 * then open the consumer's (or the producer's) role, and the creator's
 * object keeps the other side.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the new ring, or %NULL with @error set
 *
 * Since: 0.2
 */
RbRing *
rb_ring_create_items (const gchar *name, gsize item_size, gsize n_items,
    const gchar *descriptor, RbRingFlags flags, GError **error)
{
  guint64 bytes;

  if (!check_items (item_size, n_items, descriptor, flags, &bytes, error))
    return NULL;
  return rb_ring_construct_items (ACTION_CREATE, name, (guint) item_size,
      bytes, descriptor, flags, RB_RING_ROLE_BOTH, 0600, error);
}

/* Where the descriptor goes in a new header: in the struct if it fits. */
static uint32_t
descriptor_offset (const RbRing *self)
{
  size_t len = self->item_descriptor ? strlen (self->item_descriptor) : 0;

  if (len == 0)
    return 0;
  return len < sizeof ((struct rb_shm_header *) NULL)->item_descriptor ?
      RB_SHM_DESCRIPTOR_INLINE : RB_SHM_DESCRIPTOR_AFTER;
}

size_t
rb_ring_items_header_size (RbRing *self, size_t page)
{
  size_t need = sizeof (struct rb_shm_header);

  if (descriptor_offset (self) == RB_SHM_DESCRIPTOR_AFTER)
    need = RB_SHM_DESCRIPTOR_AFTER + strlen (self->item_descriptor) + 1;
  return (need + page - 1) / page * page;
}

void
rb_ring_items_init_header (RbRing *self, struct rb_shm_header *hdr)
{
  uint32_t off = descriptor_offset (self);

  if (self->item_size == 0)
    return;
  /* plain stores: nobody sees the header before its magic is published */
  hdr->item_size = self->item_size;
  hdr->frame_size = self->item_size;
  hdr->item_descriptor_offset = off;
  if (off != 0) {
    size_t len = strlen (self->item_descriptor);

    hdr->item_descriptor_length = (uint32_t) len;
    memcpy ((char *) hdr + off, self->item_descriptor, len + 1);
  }
}

/* --- attaching ----------------------------------------------------------- */

gboolean
rb_ring_items_attach (RbRing *self, int fd, const struct rb_ring_identity *id,
    const gchar *quoted, GError **error)
{
  uint32_t len = id->item_descriptor_length;
  g_autofree gchar *text = NULL;
  char why[128];
  ssize_t got;

  self->item_size = id->item_size;
  if (id->item_size == 0 || id->item_descriptor_offset == 0)
    return TRUE;
  /* rb_shm_validate() checked where it is (inside the header); read it
   * once, with the NUL, and check what was read: the peer may have
   * changed it since the header's snapshot */
  text = g_malloc (len + 1);
  got = pread (fd, text, len + 1, id->item_descriptor_offset);
  if (got < 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
        "cannot read %s: %s", quoted, g_strerror (errno));
    return FALSE;
  }
  if ((size_t) got != len + 1 ||
      !rb_shm_check_descriptor (text, len, why, sizeof why)) {
    if ((size_t) got != len + 1)
      g_snprintf (why, sizeof why, "item descriptor cut short");
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_CORRUPT,
        "%s: %s", quoted, why);
    return FALSE;
  }
  g_free (self->item_descriptor);
  self->item_descriptor = g_steal_pointer (&text);
  return TRUE;
}

/* --- facts --------------------------------------------------------------- */

/**
 * rb_ring_get_item_size:
 * @ring: a ring
 *
 * Gets the size of one item: the unit every call moves whole. It is the
 * frame size (rb_ring_get_frame_size()): an item ring's item size, an
 * audio ring's frame size, 1 for a byte ring.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: the item size in bytes
 *
 * Since: 0.2
 */
RB_RING_DEFINE_GETTER (gsize, rb_ring_get_item_size, CHECK_RING,
    ring->core->frame_size)

/**
 * rb_ring_get_item_descriptor:
 * @ring: a ring
 *
 * Gets the descriptor an item ring was made with (rb_ring_new_items()):
 * this object's private copy, validated when the ring was attached, so a
 * peer that rewrites the header later cannot change it.
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: (nullable): the descriptor, or %NULL for a ring made without
 *   one and for a ring that is not an item ring
 *
 * Since: 0.2
 */
RB_RING_DEFINE_GETTER (const gchar *, rb_ring_get_item_descriptor, CHECK_RING,
    ring->item_descriptor)

/**
 * rb_ring_is_item_ring:
 * @ring: a ring
 *
 * Tells whether @ring was made by rb_ring_new_items() or
 * rb_ring_create_items().
 *
 * Thread: any. RT-safe: no system call.
 *
 * Returns: %TRUE for an item ring
 *
 * Since: 0.2
 */
RB_RING_DEFINE_GETTER (gboolean, rb_ring_is_item_ring, CHECK_RING,
    ring->item_size != 0)

/* --- whole items --------------------------------------------------------- */

/**
 * rb_ring_write_items: (skip)
 * @ring: a ring
 * @items: @n_items items of rb_ring_get_item_size() bytes each
 * @n_items: the number of items at @items
 *
 * Like rb_ring_write(), in whole items: a write that does not fit is cut
 * at an item boundary. On an audio ring an item is a frame, on a byte
 * ring a byte. Bindings use rb_ring_write() with a whole number of items.
 *
 * Thread: producer. RT-safe: at most one FUTEX_WAKE, as rb_ring_write().
 *
 * Returns: the number of items written
 *
 * Since: 0.2
 */
gsize
rb_ring_write_items (RbRing *ring, gconstpointer items, gsize n_items)
{
  return rb_ring_write_whole (G_STRFUNC, "items != NULL || n_items == 0",
      ring, items, n_items);
}

/**
 * rb_ring_read_items: (skip)
 * @ring: a ring
 * @items: a buffer for @n_items items
 * @n_items: the most items to read
 *
 * Like rb_ring_read(), in whole items. On an overwrite ring, a skip over
 * overwritten data lands on an item boundary.
 *
 * Thread: consumer. RT-safe: at most one FUTEX_WAKE, as rb_ring_read().
 *
 * Returns: the number of items read
 *
 * Since: 0.2
 */
gsize
rb_ring_read_items (RbRing *ring, gpointer items, gsize n_items)
{
  return rb_ring_read_whole (G_STRFUNC, "items != NULL || n_items == 0",
      ring, items, n_items);
}
