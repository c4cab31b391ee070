/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/**
 * RbRing:
 *
 * A lock-free single-producer/single-consumer ring of bytes or audio frames.
 *
 * One thread (or process) writes, one reads, and neither ever waits for the
 * other: a write that does not fit and a read that finds too little come
 * back short, with the amount moved. That makes both sides usable from a
 * realtime thread such as a JACK process callback. The data area is mapped
 * twice back to back, so every region the ring hands out is contiguous:
 * each transfer is one copy and zero-copy regions never split at the wrap.
 *
 * Positions are 64-bit byte counts since the ring was created; they only
 * grow, so `rb_ring_get_write_position()` is also "how much was ever
 * written" and an absolute sample index for audio rings.
 *
 * Each function's description ends with its thread contract:
 * "Thread: producer" (only the one thread that writes), "Thread: consumer"
 * (only the one thread that reads), or "Thread: any". "RT-safe" means the
 * call allocates nothing and takes no lock, so it may be called from a
 * realtime callback; the same line says when it may enter the kernel:
 * never, or (calls that publish a position) for one FUTEX_WAKE when the
 * other side announced a wait since the last wake.
 *
 * A ring object opened as %RB_RING_ROLE_PRODUCER refuses the consumer's
 * calls, one opened as %RB_RING_ROLE_CONSUMER the producer's, and a
 * %RB_RING_ROLE_READER both (it reads with rb_ring_read_at()). A refused
 * call, a %NULL ring and a %NULL buffer are programming errors: the call
 * logs a critical warning naming the function and the problem and returns
 * 0, %FALSE or %NULL having moved nothing. The warning allocates and
 * writes to stderr, even on a realtime thread; a correct program never
 * pays more than one predictable branch per check.
 *
 * On an audio ring every call moves whole frames, byte calls included:
 * byte counts are rounded down to whole frames.
 *
 * With %RB_RING_FLAGS_OVERWRITE the producer never comes up short: it
 * overwrites the oldest data, and any number of readers follow by absolute
 * position with rb_ring_read_at().
 *
 * See docs/ring.md for the model in full.
 */

#include "config.h"

#include "rb-ring-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static_assert ((int) RB_SAMPLE_FORMAT_NONE == RB_FORMAT_NONE &&
    (int) RB_SAMPLE_FORMAT_U8 == RB_FORMAT_U8 &&
    (int) RB_SAMPLE_FORMAT_S16LE == RB_FORMAT_S16LE &&
    (int) RB_SAMPLE_FORMAT_S24LE == RB_FORMAT_S24LE &&
    (int) RB_SAMPLE_FORMAT_S24_32LE == RB_FORMAT_S24_32LE &&
    (int) RB_SAMPLE_FORMAT_S32LE == RB_FORMAT_S32LE &&
    (int) RB_SAMPLE_FORMAT_F32LE == RB_FORMAT_F32LE &&
    (int) RB_SAMPLE_FORMAT_F64LE == RB_FORMAT_F64LE,
    "RbSampleFormat and the core's formats agree");
static_assert ((int) RB_RANGE_AVAILABLE == RB_RANGE_OK &&
    (int) RB_RANGE_OVERWRITTEN == RB_RANGE_GONE &&
    (int) RB_RANGE_NOT_YET_WRITTEN == RB_RANGE_FUTURE,
    "RbRangeStatus and the core's ranges agree");
static_assert ((unsigned) RB_RING_FLAGS_OVERWRITE == RB_CORE_FLAG_OVERWRITE &&
    (unsigned) RB_RING_FLAGS_RECORDS == RB_CORE_FLAG_RECORDS,
    "RbRingFlags and the core's flags agree");
static_assert ((int) RB_WAIT_READY == RB_CORE_WAIT_READY &&
    (int) RB_WAIT_TIMEOUT == RB_CORE_WAIT_TIMEOUT &&
    (int) RB_WAIT_INTERRUPTED == RB_CORE_WAIT_INTERRUPTED &&
    (int) RB_WAIT_END_OF_STREAM == RB_CORE_WAIT_EOS &&
    (int) RB_WAIT_PEER_GONE == RB_CORE_WAIT_PEER_GONE,
    "RbWaitResult and the core's wait results agree");
static_assert ((int) RB_PEER_STATE_NONE == RB_PEER_NONE &&
    (int) RB_PEER_STATE_ALIVE == RB_PEER_ALIVE &&
    (int) RB_PEER_STATE_GONE == RB_PEER_GONE,
    "RbPeerState and the core's peer states agree");
static_assert ((int) RB_RING_ROLE_BOTH == RB_ROLE_BOTH &&
    (int) RB_RING_ROLE_PRODUCER == RB_ROLE_PRODUCER &&
    (int) RB_RING_ROLE_CONSUMER == RB_ROLE_CONSUMER &&
    (int) RB_RING_ROLE_READER == RB_ROLE_READER,
    "RbRingRole and the core's roles agree");

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_FLAGS,
  PROP_SAMPLE_FORMAT,
  PROP_CHANNELS,
  PROP_RATE,
  PROP_FRAME_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void rb_ring_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RbRing, rb_ring, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, rb_ring_initable_iface_init))

/**
 * rb_ring_error_quark:
 *
 * The quark of the %RB_RING_ERROR domain; use the macro instead.
 *
 * Thread: any.
 *
 * Returns: the error domain of ring construction and attach errors
 */
G_DEFINE_QUARK (rb-ring-error-quark, rb_ring_error)

static gboolean
rb_ring_initable_init (GInitable *initable, GCancellable *cancellable,
    GError **error)
{
  return rb_ring_init_backing (RB_RING (initable), error);
}

static void
rb_ring_initable_iface_init (GInitableIface *iface)
{
  iface->init = rb_ring_initable_init;
}

/* Frames to bytes for an audio ring, refusing what cannot be one. */
static gboolean
audio_bytes (RbSampleFormat format, guint channels, gsize frames,
    guint64 *bytes, GError **error)
{
  gsize ssize = rb_sample_format_get_size (format);

  if (format == RB_SAMPLE_FORMAT_NONE || ssize == 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
        "%d is not an audio sample format", (int) format);
    return FALSE;
  }
  if (channels < 1 || channels > RB_RING_MAX_CHANNELS) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_FORMAT,
        "an audio ring needs 1 to %d channels, not %u", RB_RING_MAX_CHANNELS,
        channels);
    return FALSE;
  }
  /* frames * frame size, without overflowing */
  if (frames > RB_RING_MAX_CAPACITY / (ssize * channels)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_CAPACITY,
        "%" G_GSIZE_FORMAT " frames of %" G_GSIZE_FORMAT " bytes exceed the "
        "largest ring (%" G_GUINT64_FORMAT " bytes)", frames, ssize * channels,
        (guint64) RB_RING_MAX_CAPACITY);
    return FALSE;
  }
  *bytes = (guint64) frames * ssize * channels;
  return TRUE;
}

typedef struct {
  Action action;
  const gchar *name;
  gint fd;
  RbRingRole role;
  guint mode;
  RbRingOpenFlags open_flags;
  guint64 capacity;
  RbRingFlags flags;
  RbSampleFormat format;
  guint channels;
  guint rate;
  guint item_size;
  const gchar *descriptor;
} Recipe;

static RbRing *
construct (const Recipe *r, GError **error)
{
  RbRing *ring;

  /* checked here as well as in init(): GObject would only warn about an
   * out-of-range enum or flags value */
  if (!rb_ring_check_enums (r->flags, r->role, r->format, error))
    return NULL;
  ring = g_object_new (RB_TYPE_RING, NULL);
  ring->action = r->action;
  ring->name = g_strdup (r->name);
  ring->fd = r->fd;
  ring->role = r->role;
  ring->mode = r->mode != 0 ? r->mode : 0600;
  ring->open_flags = r->open_flags;
  ring->requested_capacity = r->capacity;
  ring->flags = r->flags;
  ring->format = r->format;
  ring->channels = r->channels;
  ring->rate = r->rate;
  ring->item_size = r->item_size;
  ring->item_descriptor = g_strdup (r->descriptor);
  if (!g_initable_init (G_INITABLE (ring), NULL, error)) {
    g_object_unref (ring);
    return NULL;
  }
  return ring;
}

RbRing *
rb_ring_construct_items (Action action, const gchar *name, guint item_size,
    guint64 capacity, const gchar *descriptor, RbRingFlags flags,
    RbRingRole role, guint mode, GError **error)
{
  Recipe r = { .action = action, .name = name, .fd = -1, .role = role,
    .mode = mode, .capacity = capacity, .flags = flags,
    .item_size = item_size, .descriptor = descriptor };

  return construct (&r, error);
}

/**
 * rb_ring_new:
 * @capacity: the number of bytes the ring holds
 * @error: return location for a #GError
 *
 * Creates an anonymous in-process byte ring that holds exactly @capacity
 * bytes (1 to %RB_RING_MAX_CAPACITY): a producer can write @capacity bytes
 * ahead of the consumer and no more, and an overwrite ring keeps the last
 * @capacity bytes. Its storage, mapped twice back to back, is @capacity
 * rounded up to a power of two of at least a page
 * (rb_ring_get_storage_size()); %RB_RING_FLAGS_POWER_OF_TWO makes the
 * whole storage the capacity, as before 0.2. The memory is reserved and mapped at once, so
 * neither side page-faults or meets a full file system later. The ring's
 * file descriptor (rb_ring_get_fd()) can be passed to another process.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new ring, or %NULL with @error set
 *   (%RB_RING_ERROR_INVALID_CAPACITY, %RB_RING_ERROR_NO_MEMORY, ...)
 */
RbRing *
rb_ring_new (gsize capacity, GError **error)
{
  return rb_ring_new_full (capacity, RB_RING_FLAGS_NONE, error);
}

/**
 * rb_ring_new_full:
 * @capacity: the number of bytes the ring holds
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @error: return location for a #GError
 *
 * Like rb_ring_new(), with flags.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new ring, or %NULL with @error set
 */
RbRing *
rb_ring_new_full (gsize capacity, RbRingFlags flags, GError **error)
{
  Recipe r = { .action = ACTION_NEW, .fd = -1, .capacity = capacity,
    .flags = flags };

  return construct (&r, error);
}

/**
 * rb_ring_new_audio:
 * @format: the sample format, not %RB_SAMPLE_FORMAT_NONE
 * @channels: the number of interleaved channels, 1 to %RB_RING_MAX_CHANNELS
 * @rate: the sample rate in Hz, 1 to %RB_RING_MAX_RATE
 * @frames: the number of frames the ring holds
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @error: return location for a #GError
 *
 * Creates an anonymous in-process audio ring. Format, channels and rate are
 * recorded in the ring's header, where the consumer (or another process)
 * reads them. It holds exactly @frames frames
 * (rb_ring_get_capacity_frames()); the storage is rounded up as for
 * rb_ring_new().
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): a new ring, or %NULL with @error set
 *   (%RB_RING_ERROR_INVALID_FORMAT for bad format, channels or rate)
 */
RbRing *
rb_ring_new_audio (RbSampleFormat format, guint channels, guint rate,
    gsize frames, RbRingFlags flags, GError **error)
{
  Recipe r = { .action = ACTION_NEW, .fd = -1, .flags = flags,
    .format = format, .channels = channels, .rate = rate };

  if (!audio_bytes (format, channels, frames, &r.capacity, error))
    return NULL;
  return construct (&r, error);
}

/**
 * rb_ring_create:
 * @name: the ring's name (see rb_ring_name_validate())
 * @capacity: the number of bytes the ring holds (exactly, as for
 *   rb_ring_new())
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @role: the role this process takes
 * @mode: the file's permissions, e.g. 0600; 0 means 0600
 * @error: return location for a #GError
 *
 * Creates a named ring that other processes can open with rb_ring_open().
 * It lives in `/dev/shm/ringbridge-NAME` until rb_ring_unlink(); a ring
 * never silently reuses an existing one: if the name is taken the call fails
 * with %RB_RING_ERROR_EXISTS, saying whether its users are alive (see
 * rb_ring_reclaim_stale() for leftovers of dead processes). Its pages are
 * reserved now: a full `/dev/shm` fails here with %RB_RING_ERROR_NO_SPACE,
 * never later with SIGBUS.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the new ring, or %NULL with @error set
 */
RbRing *
rb_ring_create (const gchar *name, gsize capacity, RbRingFlags flags,
    RbRingRole role, guint mode, GError **error)
{
  Recipe r = { .action = ACTION_CREATE, .name = name, .fd = -1,
    .role = role, .mode = mode, .capacity = capacity, .flags = flags };

  return construct (&r, error);
}

/**
 * rb_ring_create_audio:
 * @name: the ring's name (see rb_ring_name_validate())
 * @format: the sample format, not %RB_SAMPLE_FORMAT_NONE
 * @channels: the number of interleaved channels
 * @rate: the sample rate in Hz
 * @frames: the number of frames the ring holds
 * @flags: ring flags, such as %RB_RING_FLAGS_OVERWRITE
 * @role: the role this process takes
 * @mode: the file's permissions, e.g. 0600; 0 means 0600
 * @error: return location for a #GError
 *
 * rb_ring_create() for an audio ring: rb_ring_new_audio()'s format, shared.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the new ring, or %NULL with @error set
 */
RbRing *
rb_ring_create_audio (const gchar *name, RbSampleFormat format,
    guint channels, guint rate, gsize frames, RbRingFlags flags,
    RbRingRole role, guint mode, GError **error)
{
  Recipe r = { .action = ACTION_CREATE, .name = name, .fd = -1,
    .role = role, .mode = mode, .flags = flags, .format = format,
    .channels = channels, .rate = rate };

  if (!audio_bytes (format, channels, frames, &r.capacity, error))
    return NULL;
  return construct (&r, error);
}

/**
 * rb_ring_open:
 * @name: the ring's name
 * @role: the role to take: %RB_RING_ROLE_PRODUCER, %RB_RING_ROLE_CONSUMER,
 *   or %RB_RING_ROLE_READER of an overwrite ring
 * @error: return location for a #GError
 *
 * Attaches to a named ring made by rb_ring_create(), taking its format and
 * size from its header. Everything in the header is validated against the
 * file first (%RB_RING_ERROR_NOT_A_RING, %RB_RING_ERROR_INCOMPATIBLE,
 * %RB_RING_ERROR_CORRUPT name what is wrong). A ring owned by another user
 * or writable by others is refused (%RB_RING_ERROR_PERMISSION); see
 * rb_ring_open_full().
 *
 * If a live process holds @role, this fails with %RB_RING_ERROR_BUSY naming
 * its pid. If the holder died, the new one takes its place and carries on
 * from its position: a restarted producer appends after the last byte its
 * predecessor committed, a restarted consumer reads from where its
 * predecessor stopped.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the ring, or %NULL with @error set
 */
RbRing *
rb_ring_open (const gchar *name, RbRingRole role, GError **error)
{
  return rb_ring_open_full (name, role, RB_RING_OPEN_FLAGS_NONE, error);
}

/**
 * rb_ring_open_full:
 * @name: the ring's name
 * @role: the role to take
 * @open_flags: how far to trust the ring's file
 * @error: return location for a #GError
 *
 * rb_ring_open(), accepting rings of other users or writable by others
 * when @open_flags says so.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the ring, or %NULL with @error set
 */
RbRing *
rb_ring_open_full (const gchar *name, RbRingRole role,
    RbRingOpenFlags open_flags, GError **error)
{
  Recipe r = { .action = ACTION_OPEN, .name = name, .fd = -1, .role = role,
    .open_flags = open_flags };

  return construct (&r, error);
}

/**
 * rb_ring_new_from_fd:
 * @fd: a ring's file descriptor, as rb_ring_get_fd() returns it in another
 *   process and a unix socket (SCM_RIGHTS) or Python's `pass_fds` brings it
 * @role: the role to take
 * @error: return location for a #GError
 *
 * Attaches to a ring passed as a file descriptor: any ring, anonymous ones
 * included. Validated as rb_ring_open() validates a named ring; a memfd must
 * be sealed against shrinking (%RB_RING_ERROR_NOT_SEALED otherwise). The
 * ring keeps its own duplicate of @fd: close yours when you like.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the ring, or %NULL with @error set
 */
RbRing *
rb_ring_new_from_fd (gint fd, RbRingRole role, GError **error)
{
  Recipe r = { .action = ACTION_FD, .fd = fd, .role = role };

  return construct (&r, error);
}

/**
 * rb_ring_get_fd:
 * @ring: a ring
 *
 * Returns the file descriptor behind the ring, to pass to another process
 * (which opens it with rb_ring_new_from_fd()). It stays the ring's: do not
 * close it; dup() it to keep it longer than the ring.
 *
 * Thread: any. RT-safe.
 *
 * Returns: the file descriptor
 */
gint
rb_ring_get_fd (RbRing *ring)
{
  g_return_val_if_fail (RB_IS_RING (ring), -1);

  return ring->map.fd;
}

/**
 * rb_ring_get_name:
 * @ring: a ring
 *
 * Gets the name of a shared ring.
 *
 * Thread: any.
 *
 * Returns: (nullable): the ring's name, or %NULL for an anonymous ring
 */
const gchar *
rb_ring_get_name (RbRing *ring)
{
  g_return_val_if_fail (RB_IS_RING (ring), NULL);

  return ring->name;
}

/**
 * rb_ring_get_role:
 * @ring: a ring
 *
 * Gets the role this ring object plays: producer, consumer, both or reader.
 *
 * Thread: any.
 *
 * Returns: the role this ring object plays
 */
RbRingRole
rb_ring_get_role (RbRing *ring)
{
  g_return_val_if_fail (RB_IS_RING (ring), RB_RING_ROLE_BOTH);

  return ring->role;
}

/**
 * rb_ring_close:
 * @ring: a ring
 *
 * Lets go of the ring now rather than when the last reference goes: gives
 * up this object's roles (so the peer sees it %RB_PEER_STATE_GONE at once,
 * and a new producer or consumer may attach), and interrupts its waits for
 * good. The memory stays mapped until the object is finalized, so a stray
 * call afterwards is memory-safe, but it is a mistake: do not read or
 * write through a closed ring. Calling it again does nothing.
 *
 * Thread: any, while no other thread uses @ring. Not RT-safe.
 */
void
rb_ring_close (RbRing *ring)
{
  g_return_if_fail (RB_IS_RING (ring));

  if (ring->map.base == NULL)
    return;
  /* interrupt first: a thread of ours waiting on this object must end
   * INTERRUPTED, not take our own departure for its peer's */
  rb_ring_interrupt (ring);
  rb_ring_release_roles (ring);
  ring->closed = TRUE;
}

/**
 * rb_ring_lock_memory:
 * @ring: a ring
 * @error: return location for a #GError
 *
 * Locks the ring's pages in memory (mlock), so they cannot be swapped out
 * and fault in a realtime callback later. The pages are already populated
 * at creation; this keeps them there. Fails with %RB_RING_ERROR_NO_MEMORY
 * when the process's locked-memory limit (`ulimit -l`, RLIMIT_MEMLOCK) is
 * too small. Calling it again is harmless.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: %TRUE on success
 */
gboolean
rb_ring_lock_memory (RbRing *ring, GError **error)
{
  const char *what = NULL;
  int res;

  g_return_val_if_fail (RB_IS_RING (ring), FALSE);

  res = rb_mapping_lock (&ring->map, &what);
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, rb_ring_error_code_for_errno (-res),
        "cannot lock the %" G_GUINT64_FORMAT "-byte ring in memory: %s: %s "
        "(see ulimit -l)", ring->core->storage, what, g_strerror (-res));
    return FALSE;
  }
  return TRUE;
}

/* --- GObject ------------------------------------------------------------- */

static void
rb_ring_finalize (GObject *object)
{
  RbRing *self = RB_RING (object);

  if (self->map.base != NULL)
    rb_ring_release_roles (self);
  rb_mapping_unmap (&self->map);
  free (self->core);
  g_free (self->name);
  g_free (self->item_descriptor);

  G_OBJECT_CLASS (rb_ring_parent_class)->finalize (object);
}

static void
rb_ring_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  RbRing *self = RB_RING (object);

  switch (prop_id) {
    case PROP_CAPACITY:
      self->requested_capacity = g_value_get_uint64 (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_get_flags (value);
      break;
    case PROP_SAMPLE_FORMAT:
      self->format = g_value_get_enum (value);
      break;
    case PROP_CHANNELS:
      self->channels = g_value_get_uint (value);
      break;
    case PROP_RATE:
      self->rate = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rb_ring_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  RbRing *self = RB_RING (object);
  gboolean ready = self->core != NULL;

  switch (prop_id) {
    case PROP_CAPACITY:
      g_value_set_uint64 (value, ready ? self->core->capacity :
          self->requested_capacity);
      break;
    case PROP_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_SAMPLE_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_CHANNELS:
      g_value_set_uint (value, ready ? self->core->channels : self->channels);
      break;
    case PROP_RATE:
      g_value_set_uint (value, ready ? self->core->rate : self->rate);
      break;
    case PROP_FRAME_SIZE:
      g_value_set_uint (value, ready ? self->core->frame_size : 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

/* The flags of the properties set once, at construction. */
#define CONSTRUCT_ONLY \
  (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS)

/* A construct-only guint property, default 0, whose range the
 * construction checks (so that the error can name the value). */
static GParamSpec *
construct_only_uint (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0,
      CONSTRUCT_ONLY);
}

static void
rb_ring_class_init (RbRingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_ring_finalize;
  object_class->set_property = rb_ring_set_property;
  object_class->get_property = rb_ring_get_property;

  /**
   * RbRing:capacity:
   *
   * The capacity in bytes: what the ring holds, exactly the size set at
   * construction (see rb_ring_get_capacity(); with
   * %RB_RING_FLAGS_POWER_OF_TWO, read back, it is the storage size). An
   * audio ring's is a whole number of frames. Values outside 1 to %RB_RING_MAX_CAPACITY make
   * construction fail with %RB_RING_ERROR_INVALID_CAPACITY (the range is not
   * in the property itself, so the error can name the value).
   */
  properties[PROP_CAPACITY] =
      g_param_spec_uint64 ("capacity", NULL, NULL,
      0, G_MAXUINT64, 65536, CONSTRUCT_ONLY);

  /**
   * RbRing:flags:
   *
   * Flags fixed at construction, such as %RB_RING_FLAGS_OVERWRITE.
   */
  properties[PROP_FLAGS] =
      g_param_spec_flags ("flags", NULL, NULL,
      RB_TYPE_RING_FLAGS, RB_RING_FLAGS_NONE, CONSTRUCT_ONLY);

  /**
   * RbRing:sample-format:
   *
   * The sample format of an audio ring; %RB_SAMPLE_FORMAT_NONE for a byte
   * ring.
   */
  properties[PROP_SAMPLE_FORMAT] =
      g_param_spec_enum ("sample-format", NULL, NULL,
      RB_TYPE_SAMPLE_FORMAT, RB_SAMPLE_FORMAT_NONE, CONSTRUCT_ONLY);

  /**
   * RbRing:channels:
   *
   * The number of interleaved channels of an audio ring (0 for a byte ring),
   * 1 to %RB_RING_MAX_CHANNELS; other values make construction fail with
   * %RB_RING_ERROR_INVALID_FORMAT.
   */
  properties[PROP_CHANNELS] = construct_only_uint ("channels");

  /**
   * RbRing:rate:
   *
   * The sample rate of an audio ring in Hz (0 for a byte ring), 1 to
   * %RB_RING_MAX_RATE; other values make construction fail with
   * %RB_RING_ERROR_INVALID_FORMAT.
   */
  properties[PROP_RATE] = construct_only_uint ("rate");

  /**
   * RbRing:frame-size:
   *
   * The size of one frame in bytes (1 for a byte ring).
   */
  properties[PROP_FRAME_SIZE] =
      g_param_spec_uint ("frame-size", NULL, NULL,
      0, G_MAXUINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rb_ring_init (RbRing *self)
{
  self->map.fd = -1;
  self->fd = -1;
  self->action = ACTION_NEW;
  self->role = RB_RING_ROLE_BOTH;
  self->mode = 0600;
  self->format = RB_SAMPLE_FORMAT_NONE;
  self->requested_capacity = 65536;
}
