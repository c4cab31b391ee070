/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* What the files of RbRing share: the instance struct, the misuse checks
 * every public call makes, and the helpers one file defines for another.
 *
 *   rb-ring.c           GObject boilerplate, properties, constructors
 *   rb-ring-attach.c    new/create/attach, roles, peer getters
 *   rb-ring-names.c     names, unlink, reclaim (the name lock protocol)
 *   rb-ring-wait.c      blocking waits and interrupts
 *   rb-ring-rt.c        copy, zero-copy and frame transfers
 *   rb-ring-state.c     facts, positions, clock point, counters, EOS;
 *                       the misuse checks' reports
 *   rb-ring-records.c   records rings
 *   rb-ring-status.c    RbRingStatus; reading a header from its file
 *   rb-ring-items.c     item rings (item size, descriptor)
 *   rb-sample-format.c  RbSampleFormat helpers */

#include "rb-ring.h"
#include "rb-timing.h"
#include "rb-enum-types.h"
#include "rb-mapping-private.h"
#include "rb-ring-core-private.h"
#include "rb-record-private.h"
#include "rb-test-hooks-private.h"
#include "rb-wait-private.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  ACTION_NEW,                   /* anonymous, in a memfd */
  ACTION_CREATE,                /* a new named ring */
  ACTION_OPEN,                  /* an existing named ring */
  ACTION_FD,                    /* a ring passed as a file descriptor */
} Action;

struct _RbRing
{
  GObject parent_instance;

  struct rb_ring_core *core;    /* cache-line aligned, see alloc_core() */
  struct rb_mapping map;

  /* how to construct, and the construct-only properties as requested */
  Action action;
  gchar *name;
  gint fd;
  guint mode;
  RbRingOpenFlags open_flags;
  RbRingRole role;
  guint64 requested_capacity;
  RbRingFlags flags;
  RbSampleFormat format;
  guint channels;
  guint rate;
  guint item_size;              /* 0: not an item ring (rb-ring-items.c) */
  gchar *item_descriptor;       /* a private copy, validated; or NULL */

  /* sharing */
  uint64_t self_owner;          /* our owner word (pid, start time) */
  gboolean claimed;
  _Atomic uint32_t interrupted; /* rb_ring_interrupt(); read by waits */
  uint32_t reported_generation; /* peer departure already reported */
  gboolean unsealed;            /* a named ring's file: may be truncated */
  _Atomic uint32_t orphaned;    /* its file was truncated: see orphan() */
  gboolean closed;              /* rb_ring_close() was called */
};

/* --- shared between the files (rb-ring-attach.c) ------------------------- */

/* A negative errno value's RbRingError code. */
int  rb_ring_error_code_for_errno (int err);
/* The shared header of @self's mapping. */
struct rb_shm_header *rb_ring_header_of (RbRing *self);
/* Refuse flags, roles and formats that are not RbRingFlags / RbRingRole /
 * RbSampleFormat values (or flags that do not go together). */
gboolean rb_ring_check_enums (RbRingFlags flags, RbRingRole role,
                              RbSampleFormat format, GError **error);
gboolean rb_ring_check_role (RbRingRole role, GError **error);
/* Constructs @self: GInitable's init. */
gboolean rb_ring_init_backing (RbRing *self, GError **error);
/* Gives up the roles @self claimed and wakes the other side. */
void rb_ring_release_roles (RbRing *self);
/* The role whose owner @ring watches as its peer (RB_ROLE_*). */
int  rb_ring_peer_role (RbRing *ring);

/* rb-ring-items.c: the header size a new ring needs for its item
 * descriptor; the items block of a new header; an attached ring's items,
 * its descriptor read (once) from @fd and validated. */
size_t rb_ring_items_header_size (RbRing *self, size_t page);
void rb_ring_items_init_header (RbRing *self, struct rb_shm_header *hdr);
gboolean rb_ring_items_attach (RbRing *self, int fd,
                               const struct rb_ring_identity *id,
                               const gchar *quoted, GError **error);
/* rb-ring.c: construction of an item ring (@action: NEW or CREATE). */
RbRing *rb_ring_construct_items (Action action, const gchar *name,
                                 guint item_size, guint64 capacity,
                                 const gchar *descriptor, RbRingFlags flags,
                                 RbRingRole role, guint mode, GError **error);

/* rb-ring-names.c */
/* The file of the ring called @name, or NULL (and @error) for a name
 * rb_ring_name_validate() refuses. */
gchar *rb_ring_path_of (const gchar *name, GError **error);
/* Opens the file of the ring called @name with rb_shm_open_path() (@fd:
 * its result, a descriptor or a negative value) and gives its @path.
 * FALSE (and @error) only for a name rb_ring_name_validate() refuses. */
gboolean rb_ring_open_name (const gchar *name, int flags, gchar **path,
                            int *fd, struct stat *st, GError **error);
void rb_ring_set_exists_error (const gchar *name, GError **error);
void rb_ring_set_open_error (const gchar *name, const gchar *path, int res,
                             GError **error);

/* rb-ring-status.c */
/* One validated snapshot of the header in @fd into @snapshot (may be
 * NULL; zero if the file is shorter than a header) and @id, against the
 * file's size @file_size. @patient: a reader that does not hold the ring,
 * which looks again at a header that seems corrupt (see ATTEMPTS). Errors
 * name the ring as @quoted ("ring 'name'"). */
gboolean rb_ring_read_header (int fd, gboolean patient, uint64_t file_size,
                              const gchar *quoted,
                              struct rb_shm_header *snapshot,
                              struct rb_ring_identity *id, GError **error);

/* rb-ring-timing.c: the timing snapshot of @core's header, validated as
 * rb_ring_get_timing() validates it (which calls it). _from_image: of a
 * private copy of a header whose identity @id rb_shm_validate() checked,
 * for a ring this process does not hold; the image's timing blocks and
 * positions must have been read in that order (a side publishes its
 * position before it stamps it). Returns: TRUE if both rates are known. */
gboolean rb_ring_timing_from_core (const struct rb_ring_core *core,
                                   RbRingTiming *timing);
gboolean rb_ring_timing_from_image (const struct rb_shm_header *image,
                                    const struct rb_ring_identity *id,
                                    RbRingTiming *timing);

/* rb-ring-state.c: whether a clock point read from shared memory can be
 * true (see rb_ring_get_clock_point()), the write position being
 * @written. */
gboolean rb_clock_point_plausible (uint64_t written, uint64_t capacity,
                                   uint64_t position, int64_t time_ns);

/* rb-ring-wait.c: FALSE (and the ring orphaned) if a peer cut a named
 * ring's file short. */
gboolean rb_ring_check_file (RbRing *self);

/* A boxed type over a plain struct (RbGap, RbRecordInfo, RbRingStatus,
 * RbRingTiming): the copy is one g_memdup2(), the free one g_free(). @arg
 * names the copy's argument in its critical. The two functions' doc
 * comments (GI reads them) stand above the macro's use. */
#define RB_DEFINE_PLAIN_BOXED_TYPE(TypeName, type_name, arg) \
  G_DEFINE_BOXED_TYPE (TypeName, type_name, type_name##_copy, \
      type_name##_free) \
  TypeName * \
  type_name##_copy (const TypeName *arg) \
  { \
    g_return_val_if_fail (arg != NULL, NULL); \
    return g_memdup2 (arg, sizeof *arg); \
  } \
  void \
  type_name##_free (TypeName *arg) \
  { \
    g_free (arg); \
  }

/* --- misuse ------------------------------------------------------------------
 * The policy (docs/ring.md, "Misuse"): a NULL ring, a NULL buffer or out
 * argument that the call needs, and a call from a side this object does
 * not play are programming errors. Each check is one predictable branch
 * and no atomic. When one fires, the call logs a g_critical naming the
 * function and the problem and returns 0 / FALSE / NULL (read_at:
 * RB_RANGE_NOT_YET_WRITTEN), having moved nothing. The log allocates:
 * acceptable on a realtime thread only because the program is already
 * wrong. Unlike g_return_val_if_fail() the checks stay in
 * G_DISABLE_CHECKS builds: a producer's stray read would move the read
 * position another process owns. RT calls check "ring != NULL" (a GObject
 * type check is a function call); the others check RB_IS_RING(). */

/* Roles that may call each side's functions, as bit masks of RbRingRole
 * (validated at construction, so the shift is defined). */
#define SIDE_PRODUCER \
  ((1u << RB_RING_ROLE_BOTH) | (1u << RB_RING_ROLE_PRODUCER))
#define SIDE_CONSUMER \
  ((1u << RB_RING_ROLE_BOTH) | (1u << RB_RING_ROLE_CONSUMER))

/* Each check names the function that refuses: G_STRFUNC, or with the
 * _IN forms and CHECK_ARG_AS @func, for a helper that checks for its
 * public caller; CHECK_ARG_AS's @text is the check in that caller's
 * words. */
#define CHECK_ARG_AS(func, expr, text, val) G_STMT_START { \
    if (G_UNLIKELY (!(expr))) { \
      rb_ring_refuse_arg (func, text); \
      return val; \
    } \
  } G_STMT_END
/* #expr here, not in CHECK_ARG_AS: the words as written ("NULL"), before
 * the preprocessor expands them. */
#define CHECK_ARG(expr, val) CHECK_ARG_AS (G_STRFUNC, expr, #expr, val)

#define CHECK_RING_IN(func, ring, val) G_STMT_START { \
    if (G_UNLIKELY ((ring) == NULL)) { \
      rb_ring_refuse_arg (func, "ring != NULL"); \
      return val; \
    } \
  } G_STMT_END
#define CHECK_RING(ring, val) CHECK_RING_IN (G_STRFUNC, ring, val)

#define CHECK_SIDE_IN(func, ring, mask, side, val) G_STMT_START { \
    if (G_UNLIKELY (((1u << (ring)->role) & (mask)) == 0)) { \
      rb_ring_refuse_side (func, (ring), side); \
      return val; \
    } \
  } G_STMT_END
#define CHECK_SIDE(ring, mask, side, val) \
  CHECK_SIDE_IN (G_STRFUNC, ring, mask, side, val)

#define CHECK_PRODUCER(ring, val) \
  CHECK_SIDE (ring, SIDE_PRODUCER, "producer", val)
#define CHECK_CONSUMER(ring, val) \
  CHECK_SIDE (ring, SIDE_CONSUMER, "consumer", val)

/* An out argument for a count, which is 0 if the call is refused. */
#define CHECK_COUNT_OUT(count, val) G_STMT_START { \
    CHECK_ARG (count != NULL, val); \
    *(count) = 0; \
  } G_STMT_END

/* A ring, called from the side that may call. */
#define CHECK_RING_SIDE_IN(func, ring, mask, side, val) G_STMT_START { \
    CHECK_RING_IN (func, ring, val); \
    CHECK_SIDE_IN (func, ring, mask, side, val); \
  } G_STMT_END
#define CHECK_RING_PRODUCER(ring, val) \
  CHECK_RING_SIDE_IN (G_STRFUNC, ring, SIDE_PRODUCER, "producer", val)
#define CHECK_RING_CONSUMER(ring, val) \
  CHECK_RING_SIDE_IN (G_STRFUNC, ring, SIDE_CONSUMER, "consumer", val)

/* read_at on a plain ring is the consumer's (the bytes it reads are stable
 * only below its own read position's reach); anyone reads an overwrite
 * ring. */
#define CHECK_READ_AT(ring, val) \
  CHECK_SIDE (ring, ((ring)->core->flags & RB_CORE_FLAG_OVERWRITE) ? \
      ~0u : SIDE_CONSUMER, "consumer", val)

/* A byte position inside a frame of an audio ring would hand out frames
 * with their channels rotated. */
static inline gboolean
on_frame_boundary (const RbRing *ring, guint64 position)
{
  const struct rb_ring_core *c = ring->core;

  return c->frame_size == 1 || (position - c->origin) % c->frame_size == 0;
}

#define CHECK_POSITION(ring, position, val) G_STMT_START { \
    if (G_UNLIKELY (!on_frame_boundary ((ring), (position)))) { \
      rb_ring_refuse_position (G_STRFUNC, (ring), (position)); \
      return val; \
    } \
  } G_STMT_END

/* A public getter that is its misuse check and one expression of `ring`:
 * @check (CHECK_RING, CHECK_RING_CONSUMER, ...) refuses with 0 (FALSE,
 * NULL) and names @name. Its doc comment stands above the macro's use. */
#define RB_RING_DEFINE_GETTER(type, name, check, value) \
  type \
  name (RbRing *ring) \
  { \
    check (ring, 0); \
    return (value); \
  }

/* The same for rb_ring_get_NAME(), which any thread may call, of the
 * core's rb_ring_core_NAME(): positions and counters. */
#define RB_RING_DEFINE_CORE_GETTER(type, name) \
  RB_RING_DEFINE_GETTER (type, rb_ring_get_##name, CHECK_RING, \
      rb_ring_core_##name (ring->core))

/* rb-ring-state.c: the reports, out of line and cold. */
void rb_ring_refuse_arg (const char *func, const char *expr);
void rb_ring_refuse_side (const char *func, const RbRing *ring,
                          const char *side);
void rb_ring_refuse_position (const char *func, const RbRing *ring,
                              guint64 position);

/* rb-ring-rt.c: whole frames in and out, checked for @func, the public
 * call: rb_ring_write/read_frames(), and rb_ring_write/read_items() (an
 * item ring's frame is its item). A NULL @data with @n > 0 is refused
 * with @arg_check, the check in the public call's own words
 * ("items != NULL || n_items == 0"). RT-safe as rb_ring_write/read(). */
gsize rb_ring_write_whole (const char *func, const char *arg_check,
                           RbRing *ring, gconstpointer data, gsize n);
gsize rb_ring_read_whole (const char *func, const char *arg_check,
                          RbRing *ring, gpointer data, gsize n);

G_END_DECLS
