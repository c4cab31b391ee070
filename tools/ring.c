/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat: finding rings, reading one ring's header without
 * disturbing it (stat.h says how), and the values derived from it. */

#include "stat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static const char *const peer_state_names[] = {
  "none", "detached", "alive", "stopped", "dead",
};

const char *
peer_state_name (RbHolderState state)
{
  return (guint) state < G_N_ELEMENTS (peer_state_names) ?
      peer_state_names[state] : "unknown";
}

void
ring_info_free (RingInfo *ri)
{
  g_free (ri->name);
  g_free (ri->path);
  g_free (ri->error);
  g_free (ri);
}

void
ring_fail (RingInfo *ri, int status, const char *format, ...)
{
  va_list args;

  gchar *msg;

  /* the old message may be one of the arguments */
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_free (ri->error);
  ri->error = msg;
  ri->status = status;
}

const char *
role_name (gint role)
{
  switch (role) {
    case RB_RING_ROLE_BOTH:
      return "both";
    case RB_RING_ROLE_PRODUCER:
      return "producer";
    case RB_RING_ROLE_CONSUMER:
      return "consumer";
    case RB_RING_ROLE_READER:
      return "reader";
    default:
      return "unknown";
  }
}

/* --- inspecting a ring ---------------------------------------------------- */

static Peer
peer (RbHolderState state, guint pid, guint generation)
{
  Peer p = { state, pid, generation };

  return p;
}

/* Opens @ri's file for reading, if it is a regular file. Returns: the
 * descriptor, or -1 with the reason in @ri. */
static int
ring_open_file (RingInfo *ri)
{
  int fd, err;

  /* O_NOFOLLOW and O_NONBLOCK: /dev/shm is world-writable, and a planted
   * symbolic link or FIFO must not send us elsewhere or hang us. */
  fd = open (ri->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
      O_NOCTTY);
  if (fd < 0) {
    err = errno;
    ri->have_stat = lstat (ri->path, &ri->st) == 0;
    switch (err) {
      case ENOENT:
        ring_fail (ri, EX_NOINPUT, "no ring '%s'", ri->name);
        break;
      case EACCES:
      case EPERM:
        ring_fail (ri, EX_NOPERM, "ring '%s': cannot open %s: %s", ri->name,
            ri->path, g_strerror (err));
        break;
      case ELOOP:
        ring_fail (ri, EX_DATAERR, "ring '%s': %s is a symbolic link, not a "
            "ring", ri->name, ri->path);
        break;
      default:
        ring_fail (ri, EX_IOERR, "ring '%s': cannot open %s: %s", ri->name,
            ri->path, g_strerror (err));
        break;
    }
    return -1;
  }

  if (fstat (fd, &ri->st) < 0) {
    ring_fail (ri, EX_IOERR, "ring '%s': fstat: %s", ri->name,
        g_strerror (errno));
    close (fd);
    return -1;
  }
  ri->have_stat = TRUE;
  if (!S_ISREG (ri->st.st_mode)) {
    ring_fail (ri, EX_DATAERR, "ring '%s': %s is not a regular file",
        ri->name, ri->path);
    close (fd);
    return -1;
  }
  return fd;
}

/* Reads and validates the header of the ring open on @fd into @ri. */
static void
ring_read_header (RingInfo *ri, int fd)
{
  g_autoptr (GError) error = NULL;
  const RbRingStatus *s = &ri->s;
  struct stat st;

  ri->valid = rb_ring_status_read_fd (fd, ri->name, &ri->s, &error);
  /* a busy or new ring may have been read again: its size with it */
  if (fstat (fd, &st) == 0)
    ri->st = st;
  /* owner words of a corrupt ring still say who used it (--reclaim) */
  ri->producer = peer (s->producer_state, s->producer_pid,
      s->producer_generation);
  ri->consumer = peer (s->consumer_state, s->consumer_pid,
      s->consumer_generation);
  ri->creator = peer (s->creator_state, s->creator_pid, 0);
  if (!ri->valid)
    ring_fail (ri, g_error_matches (error, RB_RING_ERROR,
            RB_RING_ERROR_FAILED) ? EX_IOERR : EX_DATAERR, "%s",
        error->message);
}

/* Fills @ri from its file: the header if it is a ring, the reason if it
 * is not (ri->status, ri->error). */
void
ring_inspect (RingInfo *ri)
{
  g_autoptr (GError) error = NULL;
  int fd;

  /* Only a directory listing gets here with an invalid name, from a file
   * that no ring call made. Error messages hold valid names only, or
   * escaped ones (this one, and the library's): they print as they are. */
  if (!rb_ring_name_validate (ri->name, &error)) {
    g_autofree gchar *shown = printable (ri->path);
    ri->have_stat = lstat (ri->path, &ri->st) == 0;
    ring_fail (ri, EX_DATAERR, "%s: %s", shown, error->message);
    return;
  }
  fd = ring_open_file (ri);
  if (fd < 0)
    return;
  ring_read_header (ri, fd);
  close (fd);
}

/* Where the library keeps named rings ("/dev/shm") and how their files
 * are called ("ringbridge-"), from the library's own
 * rb_ring_name_to_path() rather than a copy of its rule. */
static const char *
ring_dir (const char **prefix)
{
  static gchar *dir, *file_prefix;

  if (dir == NULL) {
    g_autofree gchar *path = rb_ring_name_to_path ("x");
    g_autofree gchar *base = g_path_get_basename (path);

    dir = g_path_get_dirname (path);
    file_prefix = g_strndup (base, strlen (base) - 1);
  }
  if (prefix != NULL)
    *prefix = file_prefix;
  return dir;
}

static RingInfo *
ring_info_new (const char *name)
{
  RingInfo *ri = g_new0 (RingInfo, 1);
  const char *prefix;
  const char *dir = ring_dir (&prefix);

  ri->name = g_strdup (name);
  /* not rb_ring_name_to_path(): a file with an invalid name is listed too */
  ri->path = g_strconcat (dir, "/", prefix, name, NULL);
  return ri;
}

static gint
compare_rings (gconstpointer a, gconstpointer b)
{
  const RingInfo *ra = *(RingInfo *const *) a;
  const RingInfo *rb = *(RingInfo *const *) b;

  return strcmp (ra->name, rb->name);
}

/* The rings to look at: the named ones, or every ring file in /dev/shm in
 * name order. Returns NULL with a message if /dev/shm cannot be read. */
GPtrArray *
collect_rings (const Options *opt)
{
  GPtrArray *rings = g_ptr_array_new_with_free_func (
      (GDestroyNotify) ring_info_free);
  const char *prefix;
  const char *shm_dir = ring_dir (&prefix);
  struct dirent *de;
  DIR *dir;

  if (opt->names != NULL) {
    for (gchar **n = opt->names; *n != NULL; n++)
      g_ptr_array_add (rings, ring_info_new (*n));
    return rings;
  }

  dir = opendir (shm_dir);
  if (dir == NULL) {
    if (errno == ENOENT)
      return rings;
    print_error ("cannot list %s: %s", shm_dir, g_strerror (errno));
    g_ptr_array_unref (rings);
    return NULL;
  }
  /* ringbridge-stat has one thread, and readdir() is safe on a stream no
   * other thread uses anyway */
  /* NOLINTNEXTLINE(concurrency-mt-unsafe): see above */
  while ((de = readdir (dir)) != NULL) {
    if (g_str_has_prefix (de->d_name, prefix))
      g_ptr_array_add (rings, ring_info_new (de->d_name + strlen (prefix)));
  }
  closedir (dir);
  g_ptr_array_sort (rings, compare_rings);
  return rings;
}

/* --- derived values ------------------------------------------------------- */

gboolean
is_audio (const RingInfo *ri)
{
  return ri->s.format != RB_SAMPLE_FORMAT_NONE;
}

gdouble
fill_percent (const RingInfo *ri)
{
  return 100.0 * (gdouble) ri->s.fill / (gdouble) ri->s.capacity;
}

gdouble
frames_to_seconds (const RingInfo *ri, guint64 frames)
{
  return (gdouble) frames / (gdouble) ri->s.rate;
}

static gchar *
user_name (uid_t uid)
{
  /* one thread: the static result cannot be overwritten under us */
  /* NOLINTNEXTLINE(concurrency-mt-unsafe) */
  struct passwd *pw = getpwuid (uid);

  return pw != NULL ? g_strdup (pw->pw_name) : g_strdup_printf ("%u",
      (guint) uid);
}

static gchar *
group_name (gid_t gid)
{
  /* NOLINTNEXTLINE(concurrency-mt-unsafe): one thread, as user_name() */
  struct group *gr = getgrgid (gid);

  return gr != NULL ? g_strdup (gr->gr_name) : g_strdup_printf ("%u",
      (guint) gid);
}

/* Who owns @ri's file (ri->have_stat). Free with file_owner_clear(). */
FileOwner
file_owner (const RingInfo *ri)
{
  FileOwner owner = {
    user_name (ri->st.st_uid),
    group_name (ri->st.st_gid),
  };

  return owner;
}

void
file_owner_clear (FileOwner *owner)
{
  g_clear_pointer (&owner->user, g_free);
  g_clear_pointer (&owner->group, g_free);
}
