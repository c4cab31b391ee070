/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Ring names: validation, paths, removal (rb_ring_unlink) and reclaiming a
 * stale one, under the name lock protocol (docs/sharing.md, "Removing a
 * name"). */

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

/* --- names and sharing --------------------------------------------------- */

/**
 * rb_ring_name_validate:
 * @name: (nullable): a ring name
 * @error: return location for a #GError
 *
 * Checks a ring name. A name is 1 to %RB_RING_NAME_MAX bytes of ASCII
 * letters, digits, `.`, `_` and `-`, starting with a letter, digit or `_`.
 * The ring named `music` lives in `/dev/shm/ringbridge-music`.
 *
 * Thread: any.
 *
 * Returns: %TRUE if @name is a valid name; otherwise %FALSE with @error set
 *   to %RB_RING_ERROR_INVALID_NAME, saying what is wrong with it
 */
gboolean
rb_ring_name_validate (const gchar *name, GError **error)
{
  size_t len;

  if (name == NULL || name[0] == '\0') {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME,
        "invalid ring name: it is empty");
    return FALSE;
  }
  len = strlen (name);
  if (len > RB_RING_NAME_MAX) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME,
        "invalid ring name: %zu bytes long, the limit is %d", len,
        RB_RING_NAME_MAX);
    return FALSE;
  }
  for (size_t i = 0; i < len; i++) {
    guchar c = (guchar) name[i];
    gboolean ok = g_ascii_isalnum (c) || c == '_' ||
        (i > 0 && (c == '.' || c == '-'));
    if (!ok) {
      g_autofree gchar *escaped = g_strescape (name, NULL);
      g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_INVALID_NAME,
          "invalid ring name '%s': byte %zu (0x%02x) is not allowed; use "
          "letters, digits, '_' (and '.', '-' after the first byte)",
          escaped, i, c);
      return FALSE;
    }
  }
  return TRUE;
}

/**
 * rb_ring_name_to_path:
 * @name: a ring name
 *
 * Gets the file that backs the ring of a name, without opening it.
 *
 * Thread: any.
 *
 * Returns: (transfer full) (nullable): the file of the ring named @name,
 *   e.g. `/dev/shm/ringbridge-music`, or %NULL if @name is not valid
 */
gchar *
rb_ring_name_to_path (const gchar *name)
{
  return rb_ring_path_of (name, NULL);
}

gchar *
rb_ring_path_of (const gchar *name, GError **error)
{
  if (!rb_ring_name_validate (name, error))
    return NULL;
  return g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX, name, NULL);
}

gboolean
rb_ring_open_name (const gchar *name, int flags, gchar **path, int *fd,
    struct stat *st, GError **error)
{
  *path = rb_ring_path_of (name, error);
  if (*path == NULL)
    return FALSE;
  *fd = rb_shm_open_path (*path, flags, st);
  return TRUE;
}

/* What the owner words of a ring's file say, for messages. Reads the
 * header with pread(): no mapping, nothing validated beyond the magic. */
static gboolean
describe_users (int fd, GString *out, gboolean *any_alive)
{
  struct rb_shm_header h;
  struct { const char *what; uint64_t owner; } users[3];

  *any_alive = FALSE;
  if (pread (fd, &h, sizeof h, 0) != (ssize_t) sizeof h ||
      atomic_load_explicit (&h.magic, memory_order_relaxed) != RB_SHM_MAGIC)
    return FALSE;
  users[0].what = "creator";
  users[0].owner = atomic_load_explicit (&h.creator_owner, memory_order_relaxed);
  users[1].what = "producer";
  users[1].owner = atomic_load_explicit (&h.producer_owner, memory_order_relaxed);
  users[2].what = "consumer";
  users[2].owner = atomic_load_explicit (&h.consumer_owner, memory_order_relaxed);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++) {
    gboolean alive;
    if (users[i].owner == 0)
      continue;
    alive = rb_owner_alive (users[i].owner);
    *any_alive |= alive;
    g_string_append_printf (out, "%s%s pid %u %s", out->len ? ", " : "",
        users[i].what, rb_owner_pid (users[i].owner), alive ? "alive" : "dead");
  }
  return TRUE;
}

/* The error for rb_shm_open_path()'s result @res at the name of ring
 * @name: what sits there instead of a ring, or why it cannot be opened. */
void
rb_ring_set_open_error (const gchar *name, const gchar *path, int res,
    GError **error)
{
  if (res == -ENOENT)
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND,
        "no ring '%s' (no file %s)", name, path);
  else if (res == -ELOOP)
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING,
        "ring '%s': %s is a symbolic link, not a ring", name, path);
  else if (res == RB_SHM_NOT_REGULAR)
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING,
        "ring '%s': %s is not a regular file, not a ring", name, path);
  else
    g_set_error (error, RB_RING_ERROR, rb_ring_error_code_for_errno (-res),
        "cannot open ring '%s' (%s): %s", name, path, g_strerror (-res));
}

/* Whether this process may remove a file of owner @uid from /dev/shm,
 * which is sticky: only the file's owner (or root) may. */
static gboolean
may_remove (uid_t uid)
{
  return uid == geteuid () || geteuid () == 0;
}

void
rb_ring_set_exists_error (const gchar *name, GError **error)
{
  g_autofree gchar *path = g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX,
      name, NULL);
  g_autoptr (GString) users = g_string_new (NULL);
  g_autoptr (GString) what = g_string_new (NULL);
  gboolean any_alive = FALSE, known = FALSE, open_elsewhere = FALSE;
  struct stat st;
  int fd = rb_shm_open_path (path, O_RDONLY, &st);

  if (fd >= 0) {
    known = describe_users (fd, users, &any_alive);
    /* a process that has it mapped holds its users lock */
    open_elsewhere = rb_shm_lock_held (fd, RB_LOCK_USERS) == 1;
    close (fd);
  }
  if (fd == -ELOOP)
    g_string_append (what, "a symbolic link, not a ring");
  else if (fd == RB_SHM_NOT_REGULAR)
    g_string_append (what, "not a regular file, not a ring");
  else if (!known)
    g_string_append (what, "not a ring, or not readable");
  else
    g_string_append (what, users->len ? users->str : "nobody attached");
  if (known && !any_alive && open_elsewhere)
    g_string_append (what, "; still open in a live process");
  else if (known && !any_alive && may_remove (st.st_uid))
    g_string_append (what, "; no live user: rb_ring_reclaim_stale() or "
        "'ringbridge-stat --reclaim' removes it");
  else if (known && !any_alive)
    g_string_append_printf (what, "; no live user, but it belongs to uid %u: "
        "only that user can remove it", (guint) st.st_uid);
  g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_EXISTS,
      "ring '%s' already exists (%s)", name, what->str);
}

/* The outcome of removing @name's file (@res: 0 or -errno, @what: the call
 * that failed), but for -ENOENT, whose message the caller words. */
static gboolean
removed (const gchar *name, int res, const char *what, GError **error)
{
  if (res == -EAGAIN) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY,
        "cannot remove ring '%s': another process holds its name lock", name);
    return FALSE;
  }
  if (res < 0) {
    g_set_error (error, RB_RING_ERROR, rb_ring_error_code_for_errno (-res),
        "cannot remove ring '%s': %s: %s", name, what, g_strerror (-res));
    return FALSE;
  }
  return TRUE;
}

/**
 * rb_ring_unlink:
 * @name: a ring name
 * @error: return location for a #GError
 *
 * Removes a named ring's name. Processes that have it open keep using it,
 * unchanged and undisturbed, until they let it go; its memory is freed
 * after the last one does. A new rb_ring_create() of the same name makes a
 * different ring.
 *
 * The name is removed under the ring file's name lock, after checking
 * that it still names the file that was opened, so a concurrent
 * rb_ring_reclaim_stale() and rb_ring_create() of the same name cannot make
 * it remove a newer ring's name instead (docs/sharing.md, "Removing a
 * name"). Whatever else sits at the name (a file that is not a ring) is
 * simply removed.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: %TRUE on success; %FALSE with @error set
 *   (%RB_RING_ERROR_NOT_FOUND if there is no such ring)
 */
gboolean
rb_ring_unlink (const gchar *name, GError **error)
{
  g_autofree gchar *path = NULL;
  const char *what = "unlink";
  struct stat st;
  int fd, res;

  if (!rb_ring_open_name (name, O_RDWR, &path, &fd, &st, error))
    return FALSE;
  if (fd >= 0) {
    res = rb_shm_unlink_if_same (path, fd, 1000, &what);
    close (fd);
  } else if (fd == -ENOENT) {
    res = fd;
  } else {
    /* Not a regular file, a symbolic link, or not writable by us: nothing
     * we could lock, and nothing that a ring of ours could be. */
    res = unlink (path) < 0 ? -errno : 0;
  }
  if (res == -ENOENT) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND,
        "no ring '%s'", name);
    return FALSE;
  }
  return removed (name, res, what, error);
}

/**
 * rb_ring_reclaim_stale:
 * @name: a ring name
 * @error: return location for a #GError
 *
 * Removes a named ring that processes which died left behind: one whose
 * creator, producer and consumer are all gone and that no process has
 * open. A ring with a live user is left alone (%RB_RING_ERROR_BUSY names
 * it); a file that is not a ring is left alone too
 * (%RB_RING_ERROR_NOT_A_RING), and so is a ring of another user, which
 * only that user may remove (%RB_RING_ERROR_PERMISSION).
 *
 * Safe against other processes that reclaim and create the same name at
 * the same time: it removes the name only while it still names the ring
 * that was found stale (docs/sharing.md, "Removing a name").
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: %TRUE if the ring was stale and is removed; %FALSE with @error
 *   set otherwise
 */
gboolean
rb_ring_reclaim_stale (const gchar *name, GError **error)
{
  g_autofree gchar *path = NULL;
  g_autoptr (GString) users = g_string_new (NULL);
  const char *what = NULL;
  gboolean any_alive;
  struct stat st;
  int fd, res;

  /* read-write: the locks below need it */
  if (!rb_ring_open_name (name, O_RDWR, &path, &fd, &st, error))
    return FALSE;
  if (fd == -EACCES && lstat (path, &st) == 0 && !may_remove (st.st_uid)) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
        "not removing ring '%s': it belongs to uid %u, and only that user "
        "can remove it (we are uid %u)", name, (guint) st.st_uid,
        (guint) geteuid ());
    return FALSE;
  }
  if (fd < 0) {
    rb_ring_set_open_error (name, path, fd, error);
    if (fd == -ELOOP || fd == RB_SHM_NOT_REGULAR)
      g_prefix_error (error, "not removing it: ");
    return FALSE;
  }
  if (!may_remove (st.st_uid)) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_PERMISSION,
        "not removing ring '%s': it belongs to uid %u, and only that user "
        "can remove it (we are uid %u)", name, (guint) st.st_uid,
        (guint) geteuid ());
    return FALSE;
  }
  if (!describe_users (fd, users, &any_alive)) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_A_RING,
        "%s is not a ring: not removing it", path);
    return FALSE;
  }
  /* The users lock, for writing: granted only if no process has the ring
   * mapped, and from now on nobody can attach until we let go. */
  res = rb_shm_lock (fd, RB_LOCK_USERS, F_WRLCK);
  if (res == -EAGAIN || (res == 0 && any_alive)) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_BUSY,
        "ring '%s' is in use (%s)", name, any_alive ? users->str :
        "a live process has it open");
    return FALSE;
  }
  if (res < 0) {
    close (fd);
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_FAILED,
        "cannot lock ring '%s': fcntl(F_OFD_SETLK): %s", name,
        g_strerror (-res));
    return FALSE;
  }
  res = rb_shm_unlink_if_same (path, fd, 1000, &what);
  close (fd);
  if (res == -ENOENT) {
    g_set_error (error, RB_RING_ERROR, RB_RING_ERROR_NOT_FOUND,
        "no stale ring '%s': another process removed it meanwhile", name);
    return FALSE;
  }
  return removed (name, res, what, error);
}

/* --- create, or take over ----------------------------------------------- */

static RbRing *
create_named (const gchar *name, gsize size, RbRingFlags flags,
    RbSampleFormat format, guint channels, guint rate, RbRingRole role,
    guint mode, GError **error)
{
  if (format == RB_SAMPLE_FORMAT_NONE)
    return rb_ring_create (name, size, flags, role, mode, error);
  return rb_ring_create_audio (name, format, channels, rate, size, flags,
      role, mode, error);
}

/**
 * rb_ring_create_or_take_over:
 * @name: the ring's name (see rb_ring_name_validate())
 * @size: frames of an audio ring, bytes when @format is
 *   %RB_SAMPLE_FORMAT_NONE
 * @flags: ring flags, as for rb_ring_create()
 * @format: the sample format, or %RB_SAMPLE_FORMAT_NONE for a byte ring
 * @channels: channels of an audio ring (else ignored)
 * @rate: sample rate of an audio ring (else ignored)
 * @role: the role to take
 * @mode: the file's permissions if it is made, e.g. 0600; 0 means 0600
 * @open_flags: what rb_ring_open_full() accepts if the ring is attached
 * @how: (out) (optional): how the ring came, or the last step tried
 * @reason: (out) (optional) (nullable) (transfer full): why the ring was
 *   not simply made (the message of the creation's
 *   %RB_RING_ERROR_EXISTS, naming the ring's users), for a caller that
 *   says why it took a ring over; %NULL if it was made at once
 * @error: return location for a #GError
 *
 * Makes the named ring, or takes over its dead owner's: the policy of a
 * producer that may be a restart of one that died. If the name is free,
 * the ring is made (%RB_RING_TAKE_OVER_CREATED). If a ring of the name
 * exists and every process that used it is gone, it is removed
 * (rb_ring_reclaim_stale()) and made anew (%RB_RING_TAKE_OVER_RECREATED).
 * If someone alive still uses it (say its consumer, while its producer was
 * killed), @role is taken in it with rb_ring_open_full()
 * (%RB_RING_TAKE_OVER_ATTACHED): the ring keeps its own format, which the
 * caller compares with the one it wanted; rb_ring_get_creator_state() then
 * says whether its creator is gone (the caller owns the name in its
 * place).
 *
 * Errors: those of rb_ring_create(), rb_ring_reclaim_stale() and
 * rb_ring_open_full(), except that an attach refused because @role is
 * taken (%RB_RING_ERROR_BUSY) gives the creation's %RB_RING_ERROR_EXISTS:
 * the ring exists and is somebody else's.
 *
 * Thread: any. Not RT-safe.
 *
 * Returns: (transfer full): the ring, or %NULL with @error set
 */
RbRing *
rb_ring_create_or_take_over (const gchar *name, gsize size,
    RbRingFlags flags, RbSampleFormat format, guint channels, guint rate,
    RbRingRole role, guint mode, RbRingOpenFlags open_flags,
    RbRingTakeOver *how, gchar **reason, GError **error)
{
  g_autoptr (GError) exists = NULL;
  g_autoptr (GError) local = NULL;
  RbRing *ring;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (how != NULL)
    *how = RB_RING_TAKE_OVER_CREATED;
  if (reason != NULL)
    *reason = NULL;
  ring = create_named (name, size, flags, format, channels, rate, role, mode,
      &exists);
  if (ring != NULL)
    return ring;
  if (!g_error_matches (exists, RB_RING_ERROR, RB_RING_ERROR_EXISTS)) {
    g_propagate_error (error, g_steal_pointer (&exists));
    return NULL;
  }
  if (reason != NULL)
    *reason = g_strdup (exists->message);
  if (rb_ring_reclaim_stale (name, &local)) {
    if (how != NULL)
      *how = RB_RING_TAKE_OVER_RECREATED;
    return create_named (name, size, flags, format, channels, rate, role,
        mode, error);
  }
  if (!g_error_matches (local, RB_RING_ERROR, RB_RING_ERROR_BUSY)) {
    g_propagate_error (error, g_steal_pointer (&local));
    return NULL;
  }
  if (how != NULL)
    *how = RB_RING_TAKE_OVER_ATTACHED;
  g_clear_error (&local);
  ring = rb_ring_open_full (name, role, open_flags, &local);
  if (ring == NULL)
    g_propagate_error (error, g_error_matches (local, RB_RING_ERROR,
            RB_RING_ERROR_BUSY) ? g_steal_pointer (&exists) :
        g_steal_pointer (&local));
  return ring;
}

/**
 * rb_ring_name_is_ring:
 * @ring: a ring
 *
 * Whether @ring's name still leads to @ring's file, and not to a ring
 * someone made under the name since (or to nothing): what a process that
 * owns a name checks before it removes it. %FALSE for an anonymous ring
 * or one attached by file descriptor.
 *
 * Thread: any. Not RT-safe: two system calls.
 *
 * Returns: %TRUE if the name leads to this ring's file
 */
gboolean
rb_ring_name_is_ring (RbRing *ring)
{
  g_autofree gchar *path = NULL;
  struct stat a, b;

  g_return_val_if_fail (RB_IS_RING (ring), FALSE);

  if (ring->name == NULL || ring->map.fd < 0)
    return FALSE;
  path = rb_ring_name_to_path (ring->name);
  return path != NULL && stat (path, &a) == 0 &&
      fstat (ring->map.fd, &b) == 0 && a.st_dev == b.st_dev &&
      a.st_ino == b.st_ino;
}
