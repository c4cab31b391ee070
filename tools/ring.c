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

/* A snapshot whose positions look impossible is read again this many
 * times before the ring is called corrupt: pread() copies write_pos and
 * read_pos at different instants, so on a busy ring the consumer may have
 * moved past the write position we copied a moment earlier. */
#define SNAPSHOT_RETRIES 5

static const char *const peer_state_names[] = {
  "none", "detached", "alive", "stopped", "dead",
};

const char *
peer_state_name (PeerState state)
{
  return peer_state_names[state];
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

/* The state letter of /proc/PID/stat, or 0 if it cannot be read. */
static char
process_state (guint32 pid)
{
  g_autofree gchar *path = g_strdup_printf ("/proc/%u/stat", pid);
  g_autofree gchar *contents = NULL;
  const char *p;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  /* the command name may hold spaces and parentheses: the state follows
   * the last ')' */
  p = strrchr (contents, ')');
  if (p == NULL || p[1] != ' ')
    return 0;
  return p[2];
}

static Peer
peer_of (guint64 owner, guint32 generation, gboolean has_generation)
{
  Peer peer = { PEER_NONE, rb_owner_pid (owner), generation };
  char state;

  if (owner == 0) {
    /* a holder that died leaves its owner word behind: an empty word with
     * claims counted means the last one let go */
    peer.state = has_generation && generation > 0 ? PEER_DETACHED : PEER_NONE;
    return peer;
  }
  if (!rb_owner_alive (owner)) {
    peer.state = PEER_DEAD;
    return peer;
  }
  state = process_state (peer.pid);
  peer.state = state == 'T' || state == 't' ? PEER_STOPPED : PEER_ALIVE;
  return peer;
}

const char *
role_name (guint32 role)
{
  switch (role) {
    case RB_ROLE_BOTH:
      return "both";
    case RB_ROLE_PRODUCER:
      return "producer";
    case RB_ROLE_CONSUMER:
      return "consumer";
    case RB_ROLE_READER:
      return "reader";
    default:
      return "unknown";
  }
}

/* --- inspecting a ring ---------------------------------------------------- */

static void
read_peers (RingInfo *ri)
{
  /* relaxed: these load from our private snapshot, not shared memory */
  ri->write_pos = atomic_load_explicit (&ri->h.write_pos, memory_order_relaxed);
  ri->read_pos = atomic_load_explicit (&ri->h.read_pos, memory_order_relaxed);
  ri->producer = peer_of (
      atomic_load_explicit (&ri->h.producer_owner, memory_order_relaxed),
      atomic_load_explicit (&ri->h.producer_generation, memory_order_relaxed),
      TRUE);
  ri->consumer = peer_of (
      atomic_load_explicit (&ri->h.consumer_owner, memory_order_relaxed),
      atomic_load_explicit (&ri->h.consumer_generation, memory_order_relaxed),
      TRUE);
  ri->creator = peer_of (
      atomic_load_explicit (&ri->h.creator_owner, memory_order_relaxed), 0,
      FALSE);
  ri->creator_role =
      atomic_load_explicit (&ri->h.creator_role, memory_order_relaxed);
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

/* Copies the header of the ring open on @fd into @ri and validates it. */
static void
ring_read_header (RingInfo *ri, int fd)
{
  guint8 image[sizeof (struct rb_shm_header)];
  enum rb_shm_problem problem = RB_SHM_OK;
  char why[256] = "";
  ssize_t got = 0;

  for (int attempt = 0; attempt <= SNAPSHOT_RETRIES; attempt++) {
    if (attempt > 0) {
      g_usleep (1000);
      /* the size is part of what is validated */
      if (fstat (fd, &ri->st) < 0)
        break;
    }
    memset (image, 0, sizeof image);
    got = pread (fd, image, sizeof image, 0);
    if (got < 0) {
      ring_fail (ri, EX_IOERR, "ring '%s': cannot read %s: %s", ri->name,
          ri->path, g_strerror (errno));
      return;
    }
    problem = rb_shm_validate (image, (guint64) ri->st.st_size,
        rb_page_size (), &ri->id, why, sizeof why);
    if (problem != RB_SHM_BAD_POSITIONS && problem != RB_SHM_CORRUPT)
      break;
  }

  memcpy (&ri->h, image, sizeof image);
  ri->have_header = got == (ssize_t) sizeof image &&
      atomic_load_explicit (&ri->h.magic, memory_order_relaxed) ==
      RB_SHM_MAGIC;
  /* owner words of a corrupt ring still say who used it (--reclaim) */
  if (ri->have_header)
    read_peers (ri);
  if (problem != RB_SHM_OK) {
    ring_fail (ri, EX_DATAERR, "ring '%s': %s", ri->name, why);
    return;
  }
  ri->valid = TRUE;
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

static RingInfo *
ring_info_new (const char *name)
{
  RingInfo *ri = g_new0 (RingInfo, 1);

  ri->name = g_strdup (name);
  /* not rb_ring_name_to_path(): a file with an invalid name is listed too */
  ri->path = g_strconcat (RB_SHM_DIR "/" RB_RING_NAME_PREFIX, name, NULL);
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
  struct dirent *de;
  DIR *dir;

  if (opt->names != NULL) {
    for (gchar **n = opt->names; *n != NULL; n++)
      g_ptr_array_add (rings, ring_info_new (*n));
    return rings;
  }

  dir = opendir (RB_SHM_DIR);
  if (dir == NULL) {
    if (errno == ENOENT)
      return rings;
    print_error ("cannot list %s: %s", RB_SHM_DIR, g_strerror (errno));
    g_ptr_array_unref (rings);
    return NULL;
  }
  /* ringbridge-stat has one thread, and readdir() is safe on a stream no
   * other thread uses anyway */
  /* NOLINTNEXTLINE(concurrency-mt-unsafe): see above */
  while ((de = readdir (dir)) != NULL) {
    if (g_str_has_prefix (de->d_name, RB_RING_NAME_PREFIX))
      g_ptr_array_add (rings,
          ring_info_new (de->d_name + strlen (RB_RING_NAME_PREFIX)));
  }
  closedir (dir);
  g_ptr_array_sort (rings, compare_rings);
  return rings;
}

/* --- derived values ------------------------------------------------------- */

gboolean
is_audio (const RingInfo *ri)
{
  return ri->id.sample_format != RB_FORMAT_NONE;
}

guint64
fill_bytes (const RingInfo *ri)
{
  guint64 used = ri->write_pos - ri->read_pos;

  /* An overwrite ring's consumer may lag by more than the capacity; what
   * is left to read then is the whole ring. Compared by unsigned
   * difference: positions wrap at 2^64. */
  if ((gint64) used < 0)
    return 0;
  return MIN (used, ri->id.capacity);
}

gdouble
fill_percent (const RingInfo *ri)
{
  return 100.0 * (gdouble) fill_bytes (ri) / (gdouble) ri->id.capacity;
}

gdouble
frames_to_seconds (const RingInfo *ri, guint64 frames)
{
  return (gdouble) frames / (gdouble) ri->id.rate;
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
