/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* RbRingStatus: a read-only snapshot of a ring's state, of a ring this
 * process holds or of any ring by name; and the one validated read of a
 * ring's header from its file, which attaching uses too.
 *
 * Looking must never disturb: a named ring is read with pread() from a
 * read-only descriptor. No mapping, no write, no role: a realtime producer
 * and consumer cannot tell a monitor is there. The copy is private memory,
 * validated with rb_shm_validate() before anything is believed. */

#include "config.h"

#include "rb-ring-private.h"
#include "rb-ring-status.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The timing took reserved room: the fields before it kept their offsets
 * and the struct its size (of 0.2's first RbRingStatus, on 64-bit). */
#if GLIB_SIZEOF_VOID_P == 8
G_STATIC_ASSERT (G_STRUCT_OFFSET (RbRingStatus, timing) ==
    G_STRUCT_OFFSET (RbRingStatus, clock_frames) + 8);
/* readers took the first half of the reserved room; storage_size came
 * after it (the struct grew by 8 bytes in 0.2's development) */
G_STATIC_ASSERT (sizeof (RbRingStatus) ==
    G_STRUCT_OFFSET (RbRingStatus, clock_frames) + 8 + 17 * sizeof (guint64));
G_STATIC_ASSERT (G_STRUCT_OFFSET (RbRingStatus, readers) ==
    G_STRUCT_OFFSET (RbRingStatus, timing) + sizeof (RbRingTiming));
#endif

/**
 * rb_ring_status_copy:
 * @status: a status
 *
 * Copies a status, for bindings.
 *
 * Thread: any. Not RT-safe (allocates).
 *
 * Returns: (transfer full): a copy; free it with rb_ring_status_free()
 *
 * Since: 0.2
 */
/**
 * rb_ring_status_free:
 * @status: (transfer full) (nullable): a status from rb_ring_status_copy()
 *
 * Frees a copied status.
 *
 * Thread: any. Not RT-safe.
 *
 * Since: 0.2
 */
RB_DEFINE_PLAIN_BOXED_TYPE (RbRingStatus, rb_ring_status, status)

/* --- the header, read and validated -------------------------------------- */

/* A snapshot whose positions look impossible is read again before the
 * ring is called corrupt: pread() copies write_pos and read_pos at
 * different instants, so on a busy ring the consumer may have moved past
 * the write position we copied a moment earlier. A patient reader (one
 * that does not hold the ring) also looks again at a header that looks
 * corrupt, after a millisecond and with the file's size read again: it
 * may be looking at a ring being made. */
#define ATTEMPTS 5
#define ATTEMPTS_PATIENT 6

static void
set_header_error (enum rb_shm_problem problem, const gchar *quoted,
    const char *why, GError **error)
{
  RbRingError code;

  switch (problem) {
    case RB_SHM_TOO_SMALL:
    case RB_SHM_NOT_A_RING:
      code = RB_RING_ERROR_NOT_A_RING;
      break;
    case RB_SHM_INCOMPATIBLE:
      code = RB_RING_ERROR_INCOMPATIBLE;
      break;
    case RB_SHM_OK:
    case RB_SHM_CORRUPT:
    case RB_SHM_BAD_POSITIONS:
    default:
      code = RB_RING_ERROR_CORRUPT;
      break;
  }
  g_set_error (error, RB_RING_ERROR, code, "%s: %s", quoted, why);
}

gboolean
rb_ring_read_header (int fd, gboolean patient, uint64_t file_size,
    const gchar *quoted, struct rb_shm_header *snapshot,
    struct rb_ring_identity *id, GError **error)
{
  guint8 image[sizeof (struct rb_shm_header)];
  enum rb_shm_problem problem = RB_SHM_OK;
  char why[256] = "";
  ssize_t got = 0;

  for (int attempt = 0;; attempt++) {
    struct stat st;

    if (attempt > 0 && patient) {
      g_usleep (1000);
      /* the size is part of what is validated */
      if (fstat (fd, &st) < 0)
        break;
      file_size = (uint64_t) st.st_size;
    }
    memset (image, 0, sizeof image);
    got = pread (fd, image, sizeof image, 0);
    if (got < 0) {
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
          "cannot read %s: %s", quoted, g_strerror (errno));
      return FALSE;
    }
    problem = rb_shm_validate (image, file_size, rb_page_size (), id, why,
        sizeof why);
    if (attempt + 1 >= (patient ? ATTEMPTS_PATIENT : ATTEMPTS) ||
        !(problem == RB_SHM_BAD_POSITIONS ||
            (patient && problem == RB_SHM_CORRUPT)))
      break;
  }
  if (snapshot != NULL) {
    memcpy (snapshot, image, sizeof image);
    /* a short read is no header: not even its owner words count */
    if (got != (ssize_t) sizeof image)
      memset (snapshot, 0, sizeof *snapshot);
  }
  if (problem != RB_SHM_OK) {
    set_header_error (problem, quoted, why, error);
    return FALSE;
  }
  return TRUE;
}

/* --- filling a status from a snapshot ------------------------------------ */

static RbHolderState
holder_state (uint64_t owner, uint32_t generation, gboolean counts_claims,
    guint *pid)
{
  char state;

  *pid = rb_owner_pid (owner);
  if (owner == 0) {
    /* a holder that left empties its owner word: an empty word with
     * claims counted means the last one let go */
    return counts_claims && generation > 0 ? RB_HOLDER_STATE_DETACHED :
        RB_HOLDER_STATE_NONE;
  }
  if (!rb_owner_alive (owner))
    return RB_HOLDER_STATE_DEAD;
  state = rb_process_state (*pid);
  return state == 'T' || state == 't' ? RB_HOLDER_STATE_STOPPED :
      RB_HOLDER_STATE_ALIVE;
}

/* relaxed, every load below: @h is a private snapshot, not shared memory */
#define SNAP(field) atomic_load_explicit (&h->field, memory_order_relaxed)

static void
fill_roles (RbRingStatus *s, const struct rb_shm_header *h)
{
  uint32_t role = SNAP (creator_role);

  s->producer_generation = SNAP (producer_generation);
  s->producer_state = holder_state (SNAP (producer_owner),
      s->producer_generation, TRUE, &s->producer_pid);
  s->consumer_generation = SNAP (consumer_generation);
  s->consumer_state = holder_state (SNAP (consumer_owner),
      s->consumer_generation, TRUE, &s->consumer_pid);
  s->creator_state = holder_state (SNAP (creator_owner), 0, FALSE,
      &s->creator_pid);
  s->creator_role = role <= RB_ROLE_READER ? (gint) role : -1;
  s->readers = (gint) rb_shm_reader_count (h);
  s->roles_known = TRUE;
}

static void
fill_identity (RbRingStatus *s, const struct rb_ring_identity *id)
{
  s->capacity = id->capacity;
  s->storage_size = id->storage;
  s->flags = (RbRingFlags) id->flags;
  s->format = (RbSampleFormat) id->sample_format;
  s->channels = id->channels;
  s->rate = id->rate;
  s->frame_size = id->frame_size;
  s->header_size = id->header_size;
}

/* After fill_identity(). */
static void
fill_positions (RbRingStatus *s, const struct rb_shm_header *h)
{
  guint64 used;

  s->write_position = SNAP (write_pos);
  s->read_position = SNAP (read_pos);
  /* An overwrite ring's consumer may lag by more than the capacity; what
   * is left to read then is the whole ring. Compared by unsigned
   * difference: positions wrap at 2^64. */
  used = s->write_position - s->read_position;
  s->fill = (gint64) used < 0 ? 0 : MIN (used, s->capacity);
  s->end_of_stream = SNAP (eos) != 0;
  s->overruns = SNAP (overruns);
  s->underruns = SNAP (underruns);
  s->overwritten = SNAP (overwritten);
  s->data_waiters = SNAP (data_waiters);
  s->space_waiters = SNAP (space_waiters);
}

static void
set_clock_point (RbRingStatus *s, guint64 position, gint64 time_ns,
    guint64 frames)
{
  if (!rb_clock_point_plausible (s->write_position, s->capacity, position,
          time_ns))
    return;
  s->has_clock_point = TRUE;
  s->clock_position = position;
  s->clock_monotonic_ns = time_ns;
  s->clock_frames = frames;
}

/* The clock point of @h, if a second copy of the clock block from @fd
 * agrees with it: the seqlock cannot be followed through pread(), but a
 * block that reads the same twice, with an even sequence, was not being
 * written. */
static void
fill_clock_from_file (RbRingStatus *s, const struct rb_shm_header *h, int fd)
{
  struct rb_shm_header again;
  const size_t off = offsetof (struct rb_shm_header, clock_seq);
  const size_t len = sizeof again - off;
  uint32_t seq = SNAP (clock_seq);

  if (seq == 0 || (seq & 1) != 0 ||
      pread (fd, (guint8 *) &again + off, len, (off_t) off) != (ssize_t) len ||
      memcmp ((const guint8 *) h + off, (guint8 *) &again + off, len) != 0)
    return;
  set_clock_point (s, SNAP (clock_position), SNAP (clock_time_ns),
      SNAP (clock_frames));
}

#undef SNAP

/* The timing blocks of the ring in @fd, read twice: a seqlock cannot be
 * followed through pread(), but blocks that read the same twice (each
 * with an even sequence, which rb_timing_read() checks) were not being
 * written. The positions are read after the blocks: a side publishes its
 * position before it stamps it, so a block never looks ahead of them. */
static void
fill_timing_from_file (RbRingStatus *s, const struct rb_ring_identity *id,
    int fd)
{
  const size_t off = offsetof (struct rb_shm_header, producer_timing);
  const size_t len = sizeof (struct rb_shm_header) - off;
  const off_t w_off = offsetof (struct rb_shm_header, write_pos);
  const off_t r_off = offsetof (struct rb_shm_header, read_pos);
  struct rb_shm_header image, again;

  RbTimingState why = RB_TIMING_STATE_BUSY;

  memset (&image, 0, sizeof image);
  for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (pread (fd, (guint8 *) &image + off, len, (off_t) off) !=
        (ssize_t) len ||
        pread (fd, (guint8 *) &again + off, len, (off_t) off) !=
        (ssize_t) len ||
        pread (fd, &image.write_pos, sizeof image.write_pos, w_off) !=
        (ssize_t) sizeof image.write_pos ||
        pread (fd, &image.read_pos, sizeof image.read_pos, r_off) !=
        (ssize_t) sizeof image.read_pos) {
      /* the file was cut short under us */
      why = RB_TIMING_STATE_INVALID;
      break;
    }
    if (memcmp ((guint8 *) &image + off, (guint8 *) &again + off, len) == 0) {
      rb_ring_timing_from_image (&image, id, &s->timing);
      return;
    }
  }
  /* or a side that never stopped writing */
  s->timing.producer_state = s->timing.consumer_state = why;
}

static void
timing_unknown (RbRingStatus *s)
{
  s->timing.producer_state = s->timing.consumer_state =
      RB_TIMING_STATE_NO_STAMPS;
  s->timing.producer_age_ns = s->timing.consumer_age_ns = -1;
}

/* --- the public calls ----------------------------------------------------- */

/**
 * rb_ring_get_status:
 * @ring: a ring
 * @status: (out caller-allocates): the status to fill
 *
 * Takes a snapshot of @ring's state: its identity, positions, counters,
 * who holds its roles, the producer's clock point and the ring's timing.
 * Any role may ask; a ring that is not shared reports this process in the
 * roles it plays. A
 * named ring whose file another process truncated has no header left:
 * only its identity is reported (@roles_known is %FALSE).
 *
 * Thread: any. Not RT-safe (reads the ring's file and /proc).
 *
 * Since: 0.2
 */
void
rb_ring_get_status (RbRing *ring, RbRingStatus *status)
{
  struct rb_ring_identity id;
  struct rb_shm_header h;
  guint64 p = 0, f = 0;
  gint64 t = 0;

  g_return_if_fail (RB_IS_RING (ring));
  g_return_if_fail (status != NULL);

  memset (status, 0, sizeof *status);
  timing_unknown (status);
  /* the identity this process runs on: validated once, at attach */
  id.header_size = (uint32_t) ring->map.header_size;
  id.capacity = ring->core->capacity;
  id.storage = ring->core->storage;
  id.flags = ring->core->flags;
  id.sample_format = ring->core->format;
  id.channels = ring->core->channels;
  id.rate = ring->core->rate;
  id.frame_size = ring->core->frame_size;
  fill_identity (status, &id);
  /* a truncated file has no header left to read */
  if (!rb_ring_check_file (ring) ||
      pread (ring->map.fd, &h, sizeof h, 0) != (ssize_t) sizeof h)
    return;
  fill_positions (status, &h);
  fill_roles (status, &h);
  if (rb_ring_get_clock_point (ring, &p, &t, &f))
    set_clock_point (status, p, t, f);
  rb_ring_timing_from_core (ring->core, &status->timing);
}

/**
 * rb_ring_status_read_fd:
 * @fd: a descriptor open for reading on a ring's file (a named ring's, a
 *   memfd); it is read, not kept
 * @name: (nullable): the ring's name, for messages
 * @status: (out caller-allocates): the status to fill
 * @error: return location for a #GError
 *
 * Reads a ring's state from its file without attaching to it: nothing is
 * mapped, written or claimed, so neither side of the ring can tell. The
 * header is validated as an attach would validate it (a busy ring's
 * positions, or a ring being made, are read again for a few milliseconds
 * before they are called impossible), and its timing as
 * rb_ring_get_timing() validates it.
 *
 * On failure, @status is zero but for the role fields (see @roles_known):
 * the owner words of a ring whose header does not validate still say who
 * used it.
 *
 * Thread: any. Not RT-safe (reads the file and /proc; may sleep a few
 * milliseconds).
 *
 * Returns: (skip): %TRUE if @status describes a valid ring; %FALSE with
 *   @error (%RB_RING_ERROR_NOT_A_RING, %RB_RING_ERROR_INCOMPATIBLE,
 *   %RB_RING_ERROR_CORRUPT, %RB_RING_ERROR_FAILED) otherwise
 *
 * Since: 0.2
 */
gboolean
rb_ring_status_read_fd (gint fd, const gchar *name, RbRingStatus *status,
    GError **error)
{
  g_autofree gchar *quoted = name != NULL ?
      g_strdup_printf ("ring '%s'", name) : g_strdup ("the ring");
  struct rb_ring_identity id;
  struct rb_shm_header h;
  struct stat st;
  gboolean ok;

  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (status, 0, sizeof *status);
  timing_unknown (status);
  memset (&h, 0, sizeof h);
  if (fstat (fd, &st) < 0) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
        "cannot inspect %s: fstat: %s", quoted, g_strerror (errno));
    return FALSE;
  }
  ok = rb_ring_read_header (fd, TRUE, (uint64_t) st.st_size, quoted, &h, &id,
      error);
  /* relaxed: a private snapshot */
  if (atomic_load_explicit (&h.magic, memory_order_relaxed) == RB_SHM_MAGIC)
    fill_roles (status, &h);
  if (!ok)
    return FALSE;
  fill_identity (status, &id);
  fill_positions (status, &h);
  fill_clock_from_file (status, &h, fd);
  fill_timing_from_file (status, &id, fd);
  return TRUE;
}

/**
 * rb_ring_status_read_named:
 * @name: a ring's name
 * @status: (out caller-allocates): the status to fill
 * @error: return location for a #GError
 *
 * Reads the state of the ring called @name without attaching to it, as
 * rb_ring_status_read_fd() does. The file is opened read-only, without
 * following a symbolic link or blocking on a FIFO planted at the name.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (skip): %TRUE if @status describes a valid ring; %FALSE with
 *   @error otherwise (also %RB_RING_ERROR_INVALID_NAME, %RB_RING_ERROR_NOT_FOUND,
 *   %RB_RING_ERROR_PERMISSION)
 *
 * Since: 0.2
 */
gboolean
rb_ring_status_read_named (const gchar *name, RbRingStatus *status,
    GError **error)
{
  g_autofree gchar *path = NULL;
  struct stat st;
  gboolean ok;
  int fd;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (status, 0, sizeof *status);
  timing_unknown (status);
  if (!rb_ring_open_name (name, O_RDONLY, &path, &fd, &st, error))
    return FALSE;
  if (fd < 0) {
    rb_ring_set_open_error (name, path, fd, error);
    return FALSE;
  }
  ok = rb_ring_status_read_fd (fd, name, status, error);
  close (fd);
  return ok;
}
