/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat: lists, watches and reclaims shared rings.
 *
 * Looking must never disturb: the public rb_ring_open() claims a role, so
 * this reads each ring's header with pread() from a read-only descriptor
 * and validates that private snapshot with the library's own
 * rb_shm_validate() (internal API, fine for a tool shipped with the
 * library). No mapping, no write, no role: a realtime producer and consumer
 * cannot tell it is there, and a corrupt header is just a reason to print.
 * --reclaim goes through rb_ring_reclaim_stale().
 *
 * Documentation lives in ringbridge-stat-doc.h, shared with the man page. */

#include <ringbridge/ringbridge.h>
#include "rb-mapping-private.h"
#include "rb-shm-private.h"
#include "rb-wait-private.h"
#include "ringbridge-stat-doc.h"
#include "cli-common.h"

#include <glib-unix.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <math.h>
#include <pwd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#define MIN_INTERVAL 0.1
#define MAX_INTERVAL 86400.0

/* A snapshot whose positions look impossible is read again this many
 * times before the ring is called corrupt: pread() copies write_pos and
 * read_pos at different instants, so on a busy ring the consumer may have
 * moved past the write position we copied a moment earlier. */
#define SNAPSHOT_RETRIES 5

typedef struct {
  gboolean json;
  gboolean reclaim;
  gboolean watch;
  gdouble interval;
  gchar **names;                /* NULL: every ring in /dev/shm */
} Options;

typedef enum {
  PEER_NONE,
  PEER_DETACHED,
  PEER_ALIVE,
  PEER_STOPPED,
  PEER_DEAD,
} PeerState;

static const char *const peer_state_names[] = {
  "none", "detached", "alive", "stopped", "dead",
};

typedef struct {
  PeerState state;
  guint32 pid;
  guint32 generation;
} Peer;

typedef struct {
  gchar *name;                  /* from the command line or the file name */
  gchar *path;
  int status;                   /* 0, or the exit status of @error */
  gchar *error;

  gboolean have_stat;
  struct stat st;

  gboolean have_header;         /* a full header image was read */
  gboolean valid;               /* ... and it passed validation */
  struct rb_shm_header h;       /* private snapshot */
  struct rb_ring_identity id;
  guint64 write_pos, read_pos;
  Peer producer, consumer, creator;
  guint32 creator_role;

  gboolean have_rates;
  gdouble write_rate, read_rate;
} RingInfo;

/* --- small helpers -------------------------------------------------------- */

static void
ring_info_free (RingInfo *ri)
{
  g_free (ri->name);
  g_free (ri->path);
  g_free (ri->error);
  g_free (ri);
}

static void G_GNUC_PRINTF (3, 4)
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

static const char *
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

static void
ring_inspect (RingInfo *ri)
{
  g_autoptr (GError) error = NULL;
  guint8 image[sizeof (struct rb_shm_header)];
  enum rb_shm_problem problem = RB_SHM_OK;
  char why[256] = "";
  ssize_t got = 0;
  int fd, err;

  /* Only a directory listing gets here with an invalid name, from a file
   * that no ring call made. Error messages hold valid names only, or
   * escaped ones (this one, and the library's): they print as they are. */
  if (!rb_ring_name_validate (ri->name, &error)) {
    g_autofree gchar *shown = printable (ri->path);
    ri->have_stat = lstat (ri->path, &ri->st) == 0;
    ring_fail (ri, EX_DATAERR, "%s: %s", shown, error->message);
    return;
  }

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
    return;
  }

  if (fstat (fd, &ri->st) < 0) {
    ring_fail (ri, EX_IOERR, "ring '%s': fstat: %s", ri->name,
        g_strerror (errno));
    goto out;
  }
  ri->have_stat = TRUE;
  if (!S_ISREG (ri->st.st_mode)) {
    ring_fail (ri, EX_DATAERR, "ring '%s': %s is not a regular file",
        ri->name, ri->path);
    goto out;
  }

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
      goto out;
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
    goto out;
  }
  ri->valid = TRUE;

out:
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
static GPtrArray *
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

/* --- rates (--watch) ------------------------------------------------------ */

typedef struct {
  dev_t dev;
  ino_t ino;
  guint64 write_pos, read_pos;
  gint64 time_us;
} Previous;

static void
update_rates (GHashTable *previous, RingInfo *ri, gint64 now_us)
{
  Previous *p;

  if (!ri->valid) {
    g_hash_table_remove (previous, ri->path);
    return;
  }
  p = g_hash_table_lookup (previous, ri->path);
  /* same file (a ring made anew under the same name starts over), and
   * positions that only moved forward */
  if (p != NULL && p->dev == ri->st.st_dev && p->ino == ri->st.st_ino &&
      now_us > p->time_us && ri->write_pos - p->write_pos < G_MAXINT64 &&
      ri->read_pos - p->read_pos < G_MAXINT64) {
    gdouble dt = (gdouble) (now_us - p->time_us) / G_USEC_PER_SEC;
    ri->write_rate = (gdouble) (ri->write_pos - p->write_pos) / dt;
    ri->read_rate = (gdouble) (ri->read_pos - p->read_pos) / dt;
    ri->have_rates = TRUE;
  }
  if (p == NULL) {
    p = g_new0 (Previous, 1);
    g_hash_table_insert (previous, g_strdup (ri->path), p);
  }
  p->dev = ri->st.st_dev;
  p->ino = ri->st.st_ino;
  p->write_pos = ri->write_pos;
  p->read_pos = ri->read_pos;
  p->time_us = now_us;
}

/* --- derived values ------------------------------------------------------- */

static gboolean
is_audio (const RingInfo *ri)
{
  return ri->id.sample_format != RB_FORMAT_NONE;
}

static guint64
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

static gdouble
fill_percent (const RingInfo *ri)
{
  return 100.0 * (gdouble) fill_bytes (ri) / (gdouble) ri->id.capacity;
}

static gdouble
frames_to_seconds (const RingInfo *ri, guint64 frames)
{
  return (gdouble) frames / (gdouble) ri->id.rate;
}

/* 8.0 KiB. Not g_format_size(): its no-break space is not ASCII. */
static gchar *
human_size (guint64 bytes)
{
  static const char *const units[] = { "bytes", "KiB", "MiB", "GiB" };
  gdouble v = (gdouble) bytes;
  guint u = 0;

  while (v >= 1024.0 && u + 1 < G_N_ELEMENTS (units)) {
    v /= 1024.0;
    u++;
  }
  return u == 0 ? g_strdup_printf ("%" G_GUINT64_FORMAT " bytes", bytes) :
      g_strdup_printf ("%.1f %s", v, units[u]);
}

static void
mode_string (mode_t mode, char out[11])
{
  out[0] = S_ISREG (mode) ? '-' : S_ISDIR (mode) ? 'd' : S_ISLNK (mode) ?
      'l' : S_ISFIFO (mode) ? 'p' : '?';
  for (int i = 0; i < 9; i++)
    out[1 + i] = (char) ((mode & (0400 >> i)) ? "rwxrwxrwx"[i] : '-');
  out[10] = '\0';
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

/* "creator pid 5 dead, producer pid 6 dead": who used a ring. */
static gchar *
describe_users (const RingInfo *ri)
{
  GString *s = g_string_new (NULL);
  const struct { const char *what; const Peer *peer; } users[] = {
    { "creator", &ri->creator },
    { "producer", &ri->producer },
    { "consumer", &ri->consumer },
  };

  for (guint i = 0; ri->have_header && i < G_N_ELEMENTS (users); i++) {
    if (users[i].peer->state == PEER_NONE ||
        users[i].peer->state == PEER_DETACHED)
      continue;
    g_string_append_printf (s, "%s%s pid %u %s", s->len ? ", " : "",
        users[i].what, users[i].peer->pid,
        peer_state_names[users[i].peer->state]);
  }
  if (s->len == 0)
    g_string_append (s, "nobody attached");
  return g_string_free (s, FALSE);
}

/* --- text output ---------------------------------------------------------- */

#define FIELD "  %-9s "

static void
text_peer (GString *out, const char *label, const Peer *peer)
{
  g_string_append_printf (out, FIELD, label);
  switch (peer->state) {
    case PEER_NONE:
      g_string_append (out, "none\n");
      break;
    case PEER_DETACHED:
      g_string_append_printf (out, "detached, generation %u\n",
          peer->generation);
      break;
    default:
      g_string_append_printf (out, "pid %u %s, generation %u\n", peer->pid,
          peer_state_names[peer->state], peer->generation);
      break;
  }
}

static void
text_position (GString *out, const RingInfo *ri, const char *label,
    guint64 pos)
{
  g_string_append_printf (out, FIELD "%" G_GUINT64_FORMAT, label, pos);
  if (is_audio (ri)) {
    guint64 frames = pos / ri->id.frame_size;
    g_string_append_printf (out, " (%" G_GUINT64_FORMAT " frames, %.6f s)",
        frames, frames_to_seconds (ri, frames));
  }
  g_string_append_c (out, '\n');
}

static void
text_file (GString *out, const RingInfo *ri)
{
  g_autofree gchar *user = NULL;
  g_autofree gchar *group = NULL;
  char mode[11];

  if (!ri->have_stat)
    return;
  user = user_name (ri->st.st_uid);
  group = group_name (ri->st.st_gid);
  mode_string (ri->st.st_mode, mode);
  g_string_append_printf (out, FIELD "%04o %s %s:%s, %" G_GINT64_FORMAT
      " bytes\n", "file", (guint) (ri->st.st_mode & 07777), mode, user, group,
      (gint64) ri->st.st_size);
}

static void
text_ring (GString *out, const RingInfo *ri, gboolean rates)
{
  g_autofree gchar *name = printable (ri->name);
  g_autofree gchar *path = printable (ri->path);
  g_autofree gchar *size = NULL;

  g_string_append_printf (out, "ring '%s'  %s\n", name, path);
  if (!ri->valid) {
    g_string_append_printf (out, FIELD "%s\n", "error", ri->error);
    text_file (out, ri);
    return;
  }

  g_string_append_printf (out, FIELD, "kind");
  if (is_audio (ri))
    g_string_append_printf (out, "audio %s %uch %u Hz",
        rb_sample_format_to_string ((RbSampleFormat) ri->id.sample_format),
        ri->id.channels, ri->id.rate);
  else
    g_string_append (out, "bytes");
  if (ri->id.flags & RB_CORE_FLAG_OVERWRITE)
    g_string_append (out, ", overwrite");
  g_string_append_c (out, '\n');

  size = human_size (ri->id.capacity);
  g_string_append_printf (out, FIELD "%" G_GUINT64_FORMAT " bytes (%s",
      "capacity", ri->id.capacity, size);
  if (is_audio (ri)) {
    guint64 frames = ri->id.capacity / ri->id.frame_size;
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " frames, %.3f s",
        frames, frames_to_seconds (ri, frames));
  }
  g_string_append (out, ")\n");

  g_string_append_printf (out, FIELD "%" G_GUINT64_FORMAT " bytes (%.1f%%)",
      "fill", fill_bytes (ri), fill_percent (ri));
  if (is_audio (ri))
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " frames",
        fill_bytes (ri) / ri->id.frame_size);
  g_string_append_c (out, '\n');

  text_position (out, ri, "write", ri->write_pos);
  text_position (out, ri, "read", ri->read_pos);
  if (rates) {
    g_string_append_printf (out, FIELD, "rate");
    if (ri->have_rates)
      g_string_append_printf (out, "written %.0f B/s, read %.0f B/s\n",
          ri->write_rate, ri->read_rate);
    else
      g_string_append (out, "(next refresh)\n");
  }
  text_peer (out, "producer", &ri->producer);
  text_peer (out, "consumer", &ri->consumer);
  g_string_append_printf (out, FIELD, "creator");
  if (ri->creator.state == PEER_NONE)
    g_string_append (out, "none\n");
  else
    g_string_append_printf (out, "pid %u %s, role %s\n", ri->creator.pid,
        peer_state_names[ri->creator.state], role_name (ri->creator_role));

  /* relaxed: from the private snapshot */
  g_string_append_printf (out, FIELD "%s\n", "eos",
      atomic_load_explicit (&ri->h.eos, memory_order_relaxed) ? "yes" : "no");
  g_string_append_printf (out, FIELD "data %u, space %u\n", "waiters",
      atomic_load_explicit (&ri->h.data_waiters, memory_order_relaxed),
      atomic_load_explicit (&ri->h.space_waiters, memory_order_relaxed));
  g_string_append_printf (out, FIELD "overruns %" G_GUINT64_FORMAT
      ", underruns %" G_GUINT64_FORMAT ", overwritten %" G_GUINT64_FORMAT "\n",
      "counters",
      atomic_load_explicit (&ri->h.overruns, memory_order_relaxed),
      atomic_load_explicit (&ri->h.underruns, memory_order_relaxed),
      atomic_load_explicit (&ri->h.overwritten, memory_order_relaxed));
  text_file (out, ri);
}

/* --- JSON output ---------------------------------------------------------- */

/* A small writer: json-glib is not a dependency of the library, and the
 * output is flat enough to write by hand. */
typedef struct {
  GString *s;
  gboolean pretty;
  int depth;
  gboolean need_comma;
} Json;

static void
json_newline (Json *j)
{
  if (j->pretty) {
    g_string_append_c (j->s, '\n');
    for (int i = 0; i < j->depth; i++)
      g_string_append (j->s, "  ");
  }
}

/* Separator before a member or an element. */
static void
json_sep (Json *j)
{
  if (j->need_comma)
    g_string_append_c (j->s, ',');
  if (j->depth > 0)
    json_newline (j);
  j->need_comma = TRUE;
}

static void
json_escape (GString *s, const char *v)
{
  /* file names in /dev/shm are bytes, JSON is UTF-8 */
  g_autofree gchar *valid = g_utf8_make_valid (v, -1);

  g_string_append_c (s, '"');
  for (const char *p = valid; *p != '\0'; p++) {
    guchar c = (guchar) *p;
    switch (c) {
      case '"':
        g_string_append (s, "\\\"");
        break;
      case '\\':
        g_string_append (s, "\\\\");
        break;
      case '\n':
        g_string_append (s, "\\n");
        break;
      case '\t':
        g_string_append (s, "\\t");
        break;
      case '\r':
        g_string_append (s, "\\r");
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          g_string_append_printf (s, "\\u%04x", c);
        else
          g_string_append_c (s, (gchar) c);
        break;
    }
  }
  g_string_append_c (s, '"');
}

/* Starts a member named @key, or an array element if @key is NULL. */
static void
json_key (Json *j, const char *key)
{
  json_sep (j);
  if (key != NULL) {
    json_escape (j->s, key);
    g_string_append (j->s, j->pretty ? ": " : ":");
  }
}

static void
json_open (Json *j, const char *key, char bracket)
{
  json_key (j, key);
  g_string_append_c (j->s, bracket);
  j->depth++;
  j->need_comma = FALSE;
}

static void
json_close (Json *j, char bracket)
{
  gboolean empty = !j->need_comma;

  j->depth--;
  if (!empty)
    json_newline (j);
  g_string_append_c (j->s, bracket);
  j->need_comma = TRUE;
}

static void
json_string (Json *j, const char *key, const char *v)
{
  json_key (j, key);
  if (v == NULL)
    g_string_append (j->s, "null");
  else
    json_escape (j->s, v);
}

static void
json_uint (Json *j, const char *key, guint64 v)
{
  json_key (j, key);
  g_string_append_printf (j->s, "%" G_GUINT64_FORMAT, v);
}

static void
json_double (Json *j, const char *key, gdouble v, int decimals)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];

  json_key (j, key);
  if (!isfinite (v)) {
    g_string_append (j->s, "null");
    return;
  }
  g_snprintf (format, sizeof format, "%%.%df", decimals);
  /* locale-independent: JSON wants a '.' */
  g_string_append (j->s, g_ascii_formatd (buf, sizeof buf, format, v));
}

static void
json_bool (Json *j, const char *key, gboolean v)
{
  json_key (j, key);
  g_string_append (j->s, v ? "true" : "false");
}

static void
json_null (Json *j, const char *key)
{
  json_key (j, key);
  g_string_append (j->s, "null");
}

static void
json_peer (Json *j, const char *key, const Peer *peer, gboolean generation,
    const char *role)
{
  json_open (j, key, '{');
  json_string (j, "state", peer_state_names[peer->state]);
  if (peer->state == PEER_NONE || peer->state == PEER_DETACHED)
    json_null (j, "pid");
  else
    json_uint (j, "pid", peer->pid);
  json_bool (j, "alive", peer->state == PEER_ALIVE ||
      peer->state == PEER_STOPPED);
  if (generation)
    json_uint (j, "generation", peer->generation);
  if (role != NULL)
    json_string (j, "role", role);
  json_close (j, '}');
}

static void
json_file (Json *j, const RingInfo *ri)
{
  g_autofree gchar *user = NULL;
  g_autofree gchar *group = NULL;
  char mode[8];

  if (!ri->have_stat) {
    json_null (j, "file");
    return;
  }
  user = user_name (ri->st.st_uid);
  group = group_name (ri->st.st_gid);
  g_snprintf (mode, sizeof mode, "%04o", (guint) (ri->st.st_mode & 07777));
  json_open (j, "file", '{');
  json_string (j, "mode", mode);
  json_uint (j, "uid", ri->st.st_uid);
  json_uint (j, "gid", ri->st.st_gid);
  json_string (j, "user", user);
  json_string (j, "group", group);
  json_uint (j, "size", (guint64) ri->st.st_size);
  json_close (j, '}');
}

static void
json_position (Json *j, const RingInfo *ri, const char *what, guint64 pos)
{
  g_autofree gchar *k_pos = g_strconcat (what, "_position", NULL);
  g_autofree gchar *k_frames = g_strconcat (what, "_frames", NULL);
  g_autofree gchar *k_seconds = g_strconcat (what, "_seconds", NULL);

  json_uint (j, k_pos, pos);
  if (is_audio (ri)) {
    guint64 frames = pos / ri->id.frame_size;
    json_uint (j, k_frames, frames);
    json_double (j, k_seconds, frames_to_seconds (ri, frames), 6);
  } else {
    json_null (j, k_frames);
    json_null (j, k_seconds);
  }
}

static void
json_ring (Json *j, const RingInfo *ri, gboolean rates)
{
  json_open (j, NULL, '{');
  json_string (j, "name", ri->name);
  json_string (j, "path", ri->path);
  json_bool (j, "ok", ri->valid);
  json_uint (j, "status", (guint64) ri->status);
  json_string (j, "error", ri->error);
  if (ri->valid) {
    gboolean audio = is_audio (ri);

    json_string (j, "kind", audio ? "audio" : "bytes");
    json_bool (j, "overwrite", (ri->id.flags & RB_CORE_FLAG_OVERWRITE) != 0);
    if (audio) {
      json_string (j, "format", rb_sample_format_to_string (
              (RbSampleFormat) ri->id.sample_format));
      json_uint (j, "channels", ri->id.channels);
      json_uint (j, "rate", ri->id.rate);
    } else {
      json_null (j, "format");
      json_null (j, "channels");
      json_null (j, "rate");
    }
    json_uint (j, "frame_size", ri->id.frame_size);
    json_uint (j, "header_size", ri->id.header_size);
    json_uint (j, "capacity", ri->id.capacity);
    if (audio)
      json_uint (j, "capacity_frames", ri->id.capacity / ri->id.frame_size);
    else
      json_null (j, "capacity_frames");
    json_uint (j, "fill_bytes", fill_bytes (ri));
    json_double (j, "fill_percent", fill_percent (ri), 2);
    if (audio)
      json_uint (j, "fill_frames", fill_bytes (ri) / ri->id.frame_size);
    else
      json_null (j, "fill_frames");
    json_position (j, ri, "write", ri->write_pos);
    json_position (j, ri, "read", ri->read_pos);
    if (rates) {
      if (ri->have_rates) {
        json_double (j, "write_rate", ri->write_rate, 1);
        json_double (j, "read_rate", ri->read_rate, 1);
      } else {
        json_null (j, "write_rate");
        json_null (j, "read_rate");
      }
    }
    /* relaxed: from the private snapshot */
    json_bool (j, "eos",
        atomic_load_explicit (&ri->h.eos, memory_order_relaxed) != 0);
    json_peer (j, "producer", &ri->producer, TRUE, NULL);
    json_peer (j, "consumer", &ri->consumer, TRUE, NULL);
    json_peer (j, "creator", &ri->creator, FALSE,
        role_name (ri->creator_role));
    json_open (j, "waiters", '{');
    json_uint (j, "data",
        atomic_load_explicit (&ri->h.data_waiters, memory_order_relaxed));
    json_uint (j, "space",
        atomic_load_explicit (&ri->h.space_waiters, memory_order_relaxed));
    json_close (j, '}');
    json_open (j, "counters", '{');
    json_uint (j, "overruns",
        atomic_load_explicit (&ri->h.overruns, memory_order_relaxed));
    json_uint (j, "underruns",
        atomic_load_explicit (&ri->h.underruns, memory_order_relaxed));
    json_uint (j, "overwritten",
        atomic_load_explicit (&ri->h.overwritten, memory_order_relaxed));
    json_close (j, '}');
  }
  json_file (j, ri);
  json_close (j, '}');
}

/* --- listing -------------------------------------------------------------- */

/* Inspects every ring, reports failures on stderr (unless @quiet), and
 * returns the status of the first. A ring of a directory listing that
 * vanished between readdir() and open() is no longer there to list. */
static int
inspect_all (GPtrArray *rings, const Options *opt, gboolean quiet)
{
  int status = 0;

  for (guint i = 0; i < rings->len;) {
    RingInfo *ri = g_ptr_array_index (rings, i);

    ring_inspect (ri);
    if (ri->status == EX_NOINPUT && opt->names == NULL) {
      g_ptr_array_remove_index (rings, i);
      continue;
    }
    if (ri->status != 0) {
      if (!quiet)
        print_error ("%s", ri->error);
      if (status == 0)
        status = ri->status;
    }
    i++;
  }
  return status;
}

static void
render (GString *out, GPtrArray *rings, const Options *opt, gboolean pretty)
{
  if (opt->json) {
    Json j = { out, pretty, 0, FALSE };

    json_open (&j, NULL, '{');
    if (opt->watch) {
      json_double (&j, "time", (gdouble) g_get_real_time () / G_USEC_PER_SEC,
          3);
      json_double (&j, "interval", opt->interval, 3);
    }
    json_open (&j, "rings", '[');
    for (guint i = 0; i < rings->len; i++)
      json_ring (&j, g_ptr_array_index (rings, i), opt->watch);
    json_close (&j, ']');
    json_close (&j, '}');
    g_string_append_c (out, '\n');
    return;
  }
  for (guint i = 0; i < rings->len; i++) {
    if (i > 0)
      g_string_append_c (out, '\n');
    text_ring (out, g_ptr_array_index (rings, i), opt->watch);
  }
  if (rings->len == 0)
    g_string_append (out, opt->names == NULL ? "no rings\n" : "");
}

static int
do_list (const Options *opt)
{
  g_autoptr (GPtrArray) rings = collect_rings (opt);
  g_autoptr (GString) out = g_string_new (NULL);
  int status;

  if (rings == NULL)
    return EX_IOERR;
  status = inspect_all (rings, opt, FALSE);
  render (out, rings, opt, TRUE);
  return write_stdout (out, status);
}

/* --- --watch -------------------------------------------------------------- */

typedef struct {
  const Options *opt;
  GMainLoop *loop;
  GHashTable *previous;
  int status;
  gboolean tty_out;
  gboolean raw_in;
  struct termios saved_termios;
} Watch;

static gboolean
watch_refresh (gpointer data)
{
  Watch *w = data;
  g_autoptr (GPtrArray) rings = collect_rings (w->opt);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) screen = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree gchar *clock = g_date_time_format (now, "%H:%M:%S");
  gint64 now_us = g_get_monotonic_time ();
  int err;

  if (rings == NULL)
    rings = g_ptr_array_new_with_free_func ((GDestroyNotify) ring_info_free);
  /* problems are shown in place, refreshed, not repeated on stderr */
  inspect_all (rings, w->opt, TRUE);
  for (guint i = 0; i < rings->len; i++)
    update_rates (w->previous, g_ptr_array_index (rings, i), now_us);

  if (w->opt->json) {
    render (out, rings, w->opt, FALSE);
  } else {
    g_string_append_printf (out, "%s %s: %u ring%s, every %g s, %s%s\n\n",
        STAT_PROGRAM, RB_VERSION_STRING, rings->len,
        rings->len == 1 ? "" : "s", w->opt->interval, clock,
        w->raw_in ? " (q quits)" : "");
    render (out, rings, w->opt, FALSE);
    if (w->tty_out) {
      struct winsize ws;
      guint rows = G_MAXUINT, row = 0;

      /* like top, what does not fit is cut: a screen that scrolled would
       * push the top lines out at every refresh */
      if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        rows = ws.ws_row;
      /* Home, then each line cleared to its end and the rest of the
       * screen below: a redraw without the flicker of a full clear. */
      screen = g_string_new ("\033[H");
      for (const char *p = out->str; *p != '\0'; p++) {
        if (*p == '\n') {
          g_string_append (screen, "\033[K");
          /* no newline after the last row, or the screen scrolls */
          if (++row >= rows)
            break;
        }
        g_string_append_c (screen, *p);
      }
      g_string_append (screen, "\033[J");
    } else {
      g_string_append_c (out, '\n');
    }
  }

  err = screen != NULL ? cli_write_all (STDOUT_FILENO, screen->str,
      screen->len) : cli_write_all (STDOUT_FILENO, out->str, out->len);
  if (err != 0) {
    if (err != EPIPE) {
      print_error ("cannot write output: %s", g_strerror (err));
      w->status = EX_IOERR;
    }
    g_main_loop_quit (w->loop);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
watch_signal (gint fd, GIOCondition condition, gpointer data)
{
  Watch *w = data;
  struct signalfd_siginfo info;

  if (read (fd, &info, sizeof info) == (ssize_t) sizeof info)
    g_main_loop_quit (w->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
watch_key (gint fd, GIOCondition condition, gpointer data)
{
  Watch *w = data;
  char c;
  ssize_t n = read (fd, &c, 1);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    return G_SOURCE_REMOVE;
  if (c == 'q' || c == 'Q')
    g_main_loop_quit (w->loop);
  return G_SOURCE_CONTINUE;
}

static int
do_watch (const Options *opt)
{
  Watch w = { .opt = opt };
  sigset_t signals;
  int signal_fd;
  guint interval_ms = (guint) (opt->interval * 1000.0 + 0.5);

  w.loop = g_main_loop_new (NULL, FALSE);
  w.previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w.tty_out = isatty (STDOUT_FILENO) && !opt->json;

  /* Single keys need the terminal out of line mode; only in the
   * foreground, where changing it does not stop us with SIGTTOU. */
  if (isatty (STDIN_FILENO) && tcgetpgrp (STDIN_FILENO) == getpgrp () &&
      tcgetattr (STDIN_FILENO, &w.saved_termios) == 0) {
    struct termios raw = w.saved_termios;

    raw.c_lflag &= ~(tcflag_t) (ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr (STDIN_FILENO, TCSANOW, &raw) == 0) {
      w.raw_in = TRUE;
      g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP, watch_key, &w);
    }
  }
  /* A signalfd rather than g_unix_signal_add(): no helper thread, and the
   * signals arrive as events of the loop that quits cleanly. */
  sigemptyset (&signals);
  sigaddset (&signals, SIGINT);
  sigaddset (&signals, SIGTERM);
  sigaddset (&signals, SIGHUP);
  pthread_sigmask (SIG_BLOCK, &signals, NULL);   /* cannot fail: valid how */
  signal_fd = signalfd (-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd < 0) {
    print_error ("signalfd: %s", g_strerror (errno));
    w.status = EX_OSERR;
    goto out;
  }
  g_unix_fd_add (signal_fd, G_IO_IN, watch_signal, &w);

  if (watch_refresh (&w) == G_SOURCE_CONTINUE) {
    g_timeout_add (interval_ms, watch_refresh, &w);
    g_main_loop_run (w.loop);
  }

out:
  /* the signals stay blocked: a second Ctrl-C while we clean up must not
   * kill us half-way, with the terminal still out of line mode */
  if (signal_fd >= 0)
    close (signal_fd);
  if (w.raw_in)
    tcsetattr (STDIN_FILENO, TCSANOW, &w.saved_termios);
  /* the shell's prompt goes below the last screen, not onto its last row */
  if (w.tty_out && w.status == 0)
    cli_write_all (STDOUT_FILENO, "\n", 1);
  g_hash_table_unref (w.previous);
  g_main_loop_unref (w.loop);
  return w.status;
}

/* --- --reclaim ------------------------------------------------------------ */

static int
reclaim_status (const GError *error)
{
  switch (error->code) {
    case RB_RING_ERROR_NOT_FOUND:
      return EX_NOINPUT;
    case RB_RING_ERROR_PERMISSION:
      return EX_NOPERM;
    case RB_RING_ERROR_NOT_A_RING:
    case RB_RING_ERROR_CORRUPT:
    case RB_RING_ERROR_INCOMPATIBLE:
      return EX_DATAERR;
    case RB_RING_ERROR_INVALID_NAME:
      return EX_USAGE;
    default:
      return EX_IOERR;
  }
}

static int
do_reclaim (const Options *opt)
{
  g_autoptr (GPtrArray) rings = collect_rings (opt);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) removed = g_string_new (NULL);
  g_autoptr (GString) kept = g_string_new (NULL);
  g_autoptr (GString) errors = g_string_new (NULL);
  Json jr = { removed, TRUE, 2, FALSE };
  Json jk = { kept, TRUE, 2, FALSE };
  Json je = { errors, TRUE, 2, FALSE };
  guint n_removed = 0;
  int status = 0;

  if (rings == NULL)
    return EX_IOERR;

  for (guint i = 0; i < rings->len; i++) {
    RingInfo *ri = g_ptr_array_index (rings, i);
    g_autoptr (GError) error = NULL;
    g_autofree gchar *users = NULL;
    g_autofree gchar *shown = NULL;
    int st;

    /* only the owner words matter here: a corrupt ring of dead processes
     * is as stale as any */
    ring_inspect (ri);
    if (ri->status == EX_NOINPUT && opt->names == NULL)
      continue;                 /* vanished since readdir() */
    users = describe_users (ri);

    /* the same report for a bad name as for a bad ring below, found
     * before and after the reclaim */
    /* NOLINTNEXTLINE(bugprone-branch-clone) */
    if (!rb_ring_name_validate (ri->name, NULL)) {
      /* only from a directory listing: named rings were checked */
      /* ri->error says what is wrong with the name */
      ring_fail (ri, EX_DATAERR, "%s: not removing it", ri->error);
    } else if (rb_ring_reclaim_stale (ri->name, &error)) {
      n_removed++;
      shown = printable (users);
      g_string_append_printf (out, "removed stale ring '%s' (%s)\n", ri->name,
          shown);
      json_open (&jr, NULL, '{');
      json_string (&jr, "name", ri->name);
      json_string (&jr, "users", users);
      json_close (&jr, '}');
      continue;
    } else if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_BUSY)) {
      g_autofree gchar *reason = g_strdup_printf ("in use (%s)", users);
      if (opt->names != NULL) {
        shown = printable (reason);
        g_string_append_printf (out, "kept ring '%s': %s\n", ri->name, shown);
      }
      json_open (&jk, NULL, '{');
      json_string (&jk, "name", ri->name);
      json_string (&jk, "reason", reason);
      json_close (&jk, '}');
      continue;
    } else if (g_error_matches (error, RB_RING_ERROR,
            RB_RING_ERROR_NOT_FOUND) && opt->names == NULL) {
      continue;                 /* removed by someone else meanwhile */
    } else if (g_error_matches (error, RB_RING_ERROR,
            RB_RING_ERROR_PERMISSION) && opt->names == NULL &&
        ri->have_stat && ri->st.st_uid != geteuid ()) {
      /* another user's ring, found by listing /dev/shm: not ours to
       * remove (the directory is sticky), and no failure of ours */
      g_autofree gchar *reason = g_strdup_printf ("belongs to uid %u: only "
          "that user can remove it", (guint) ri->st.st_uid);
      json_open (&jk, NULL, '{');
      json_string (&jk, "name", ri->name);
      json_string (&jk, "reason", reason);
      json_close (&jk, '}');
      continue;
    } else if (g_error_matches (error, RB_RING_ERROR,
            RB_RING_ERROR_NOT_A_RING) && ri->error != NULL) {
      /* our own reason names the ring and says what is wrong with it */
      ring_fail (ri, EX_DATAERR, "%s: not removing it", ri->error);
    } else {
      ring_fail (ri, reclaim_status (error), "%s", error->message);
    }

    st = ri->status;
    print_error ("%s", ri->error);
    json_open (&je, NULL, '{');
    json_string (&je, "name", ri->name);
    json_string (&je, "error", ri->error);
    json_uint (&je, "status", (guint64) st);
    json_close (&je, '}');
    if (status == 0)
      status = st;
  }

  if (opt->json) {
    g_string_truncate (out, 0);
    g_string_append_printf (out, "{\n  \"removed\": [%s%s],\n"
        "  \"kept\": [%s%s],\n  \"errors\": [%s%s]\n}\n",
        removed->str, removed->len ? "\n  " : "",
        kept->str, kept->len ? "\n  " : "",
        errors->str, errors->len ? "\n  " : "");
  } else if (n_removed == 0 && opt->names == NULL) {
    g_string_append (out, "no stale rings\n");
  }
  return write_stdout (out, status);
}

/* --- options -------------------------------------------------------------- */

/* SECONDS: a plain decimal number in range. Exponents, signs other than
 * '+', hex and "inf" are refused rather than guessed at. */
static gboolean
parse_interval (const char *s, gdouble *interval)
{
  return cli_parse_decimal (s, TRUE, MIN_INTERVAL, MAX_INTERVAL, interval);
}

/* Whether the argument after a bare --watch is meant as its SECONDS. */
static gboolean
looks_like_interval (const char *s)
{
  if (s == NULL)
    return FALSE;
  if (*s == '+' || *s == '-')
    s++;
  return g_ascii_isdigit (*s) || *s == '.';
}

static int
parse_options (int argc, char **argv, Options *opt)
{
  static const struct option long_options[] = {
    { "json", no_argument, NULL, 'j' },
    { "watch", optional_argument, NULL, 'w' },
    { "reclaim", no_argument, NULL, 'R' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  const char *watch_arg = NULL;
  int c;

  opt->interval = 1.0;
  opterr = 0;
  /* NOLINTNEXTLINE(concurrency-mt-unsafe): one thread */
  while ((c = getopt_long (argc, argv, "jw::hV", long_options, NULL)) != -1) {
    switch (c) {
      case 'j':
        opt->json = TRUE;
        break;
      case 'w':
        opt->watch = TRUE;
        watch_arg = optarg;
        if (watch_arg == NULL && optind < argc &&
            looks_like_interval (argv[optind]))
          watch_arg = argv[optind++];
        if (watch_arg != NULL && !parse_interval (watch_arg,
                &opt->interval)) {
          g_autofree gchar *shown = printable (watch_arg);
          print_error ("invalid interval '%s': must be a number of seconds "
              "from %g to %g", shown, MIN_INTERVAL, MAX_INTERVAL);
          return EX_USAGE;
        }
        break;
      case 'R':
        opt->reclaim = TRUE;
        break;
      case 'h':
        return cli_help_print (&stat_doc_page);
      case 'V':
        return cli_version_print (STAT_PROGRAM, RB_VERSION_STRING);
      case '?':
      default:
        {
          const char *prev = optind > 0 ? argv[optind - 1] : "";
          g_autofree gchar *shown = NULL;

          if (optopt == 0 || g_str_has_prefix (prev, "--")) {
            const char *eq = strchr (prev, '=');
            shown = printable (prev);
            if (optopt != 0 && eq != NULL) {
              g_autofree gchar *opt_name = g_strndup (prev,
                  (gsize) (eq - prev));
              print_error ("option '%s' takes no argument", opt_name);
            } else {
              print_error ("unknown option '%s'", shown);
            }
          } else {
            print_error ("unknown option '-%c'", optopt);
          }
          usage_hint ();
          return EX_USAGE;
        }
    }
  }
  if (opt->watch && opt->reclaim) {
    print_error ("--watch and --reclaim cannot be combined");
    usage_hint ();
    return EX_USAGE;
  }
  if (optind < argc) {
    opt->names = g_new0 (gchar *, (gsize) (argc - optind + 1));
    for (int i = optind; i < argc; i++) {
      g_autoptr (GError) error = NULL;

      if (!rb_ring_name_validate (argv[i], &error)) {
        print_error ("%s", error->message);
        return EX_USAGE;
      }
      opt->names[i - optind] = g_strdup (argv[i]);
    }
  }
  return -1;
}

int
main (int argc, char **argv)
{
  Options opt = { 0 };
  int status;

  cli_set_program (STAT_PROGRAM);
  /* a reader that goes away (| head) shows up as EPIPE from write() */
  signal (SIGPIPE, SIG_IGN);

  status = parse_options (argc, argv, &opt);
  if (status < 0) {
    if (opt.reclaim)
      status = do_reclaim (&opt);
    else if (opt.watch)
      status = do_watch (&opt);
    else
      status = do_list (&opt);
  }
  g_strfreev (opt.names);
  return status;
}
