/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat's text report: one block of "  label     value" lines a
 * ring (the fields are described in ringbridge-stat-doc.h), and the lines
 * of --reclaim. */

#include "stat.h"

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

#define FIELD "  %-9s "

static void
text_peer (GString *out, const char *label, const Peer *peer)
{
  g_string_append_printf (out, FIELD, label);
  switch (peer->state) {
    case RB_HOLDER_STATE_NONE:
      g_string_append (out, "none\n");
      break;
    case RB_HOLDER_STATE_DETACHED:
      g_string_append_printf (out, "detached, generation %u\n",
          peer->generation);
      break;
    default:
      g_string_append_printf (out, "pid %u %s, generation %u\n", peer->pid,
          peer_state_name (peer->state), peer->generation);
      break;
  }
}

static void
text_position (GString *out, const RingInfo *ri, const char *label,
    guint64 pos)
{
  g_string_append_printf (out, FIELD "%" G_GUINT64_FORMAT, label, pos);
  if (is_audio (ri)) {
    guint64 frames = pos / ri->s.frame_size;
    g_string_append_printf (out, " (%" G_GUINT64_FORMAT " frames, %.6f s)",
        frames, frames_to_seconds (ri, frames));
  }
  g_string_append_c (out, '\n');
}

static void
text_file (GString *out, const RingInfo *ri)
{
  FileOwner owner;
  char mode[11];

  if (!ri->have_stat)
    return;
  owner = file_owner (ri);
  mode_string (ri->st.st_mode, mode);
  g_string_append_printf (out, FIELD "%04o %s %s:%s, %" G_GINT64_FORMAT
      " bytes\n", "file", (guint) (ri->st.st_mode & 07777), mode, owner.user,
      owner.group, (gint64) ri->st.st_size);
  file_owner_clear (&owner);
}

/* kind, capacity, storage and fill */
static void
text_shape (GString *out, const RingInfo *ri)
{
  g_autofree gchar *size = NULL;

  g_string_append_printf (out, FIELD, "kind");
  if (is_audio (ri))
    g_string_append_printf (out, "audio %s %uch %u Hz",
        rb_sample_format_to_string (ri->s.format),
        ri->s.channels, ri->s.rate);
  else
    g_string_append (out, "bytes");
  if (ri->s.flags & RB_RING_FLAGS_OVERWRITE)
    g_string_append (out, ", overwrite");
  g_string_append_c (out, '\n');

  size = human_size (ri->s.capacity);
  g_string_append_printf (out, FIELD "%" G_GUINT64_FORMAT " bytes (%s",
      "capacity", ri->s.capacity, size);
  if (is_audio (ri)) {
    guint64 frames = ri->s.capacity / ri->s.frame_size;
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " frames, %.3f s",
        frames, frames_to_seconds (ri, frames));
  }
  g_string_append (out, ")\n");
  g_free (size);

  size = human_size (ri->s.storage_size);
  g_string_append_printf (out, FIELD "%" G_GUINT64_FORMAT " bytes (%s)\n",
      "storage", ri->s.storage_size, size);

  g_string_append_printf (out, FIELD "%" G_GUINT64_FORMAT " bytes (%.1f%%)",
      "fill", ri->s.fill, fill_percent (ri));
  if (is_audio (ri))
    g_string_append_printf (out, ", %" G_GUINT64_FORMAT " frames",
        ri->s.fill / ri->s.frame_size);
  g_string_append_c (out, '\n');
}

/* creator, readers, eos, waiters and counters */
static void
text_users (GString *out, const RingInfo *ri)
{
  g_string_append_printf (out, FIELD, "creator");
  if (ri->creator.state == RB_HOLDER_STATE_NONE)
    g_string_append (out, "none\n");
  else
    g_string_append_printf (out, "pid %u %s, role %s\n", ri->creator.pid,
        peer_state_name (ri->creator.state), role_name (ri->s.creator_role));
  /* advisory: a reader that died unclosed stays counted */
  if (ri->s.readers >= 0)
    g_string_append_printf (out, FIELD "%d\n", "readers", ri->s.readers);
  else
    g_string_append_printf (out, FIELD "%s\n", "readers", "unknown");

  g_string_append_printf (out, FIELD "%s\n", "eos",
      ri->s.end_of_stream ? "yes" : "no");
  g_string_append_printf (out, FIELD "data %u, space %u\n", "waiters",
      ri->s.data_waiters, ri->s.space_waiters);
  g_string_append_printf (out, FIELD "overruns %" G_GUINT64_FORMAT
      ", underruns %" G_GUINT64_FORMAT ", overwritten %" G_GUINT64_FORMAT "\n",
      "counters", ri->s.overruns, ri->s.underruns, ri->s.overwritten);
}

static void
text_ring (GString *out, const RingInfo *ri, gboolean rates)
{
  g_autofree gchar *name = printable (ri->name);
  g_autofree gchar *path = printable (ri->path);

  g_string_append_printf (out, "ring '%s'  %s\n", name, path);
  if (!ri->valid) {
    g_string_append_printf (out, FIELD "%s\n", "error", ri->error);
    text_file (out, ri);
    return;
  }

  text_shape (out, ri);
  text_position (out, ri, "write", ri->s.write_position);
  text_position (out, ri, "read", ri->s.read_position);
  if (rates) {
    g_string_append_printf (out, FIELD, "rate");
    if (ri->have_rates)
      g_string_append_printf (out, "written %.0f B/s, read %.0f B/s\n",
          ri->write_rate, ri->read_rate);
    else
      g_string_append (out, "(next refresh)\n");
  }
  text_timing (out, ri);
  text_peer (out, "producer", &ri->producer);
  text_peer (out, "consumer", &ri->consumer);
  text_users (out, ri);
  text_file (out, ri);
}

void
text_rings (GString *out, GPtrArray *rings, const Options *opt)
{
  for (guint i = 0; i < rings->len; i++) {
    if (i > 0)
      g_string_append_c (out, '\n');
    text_ring (out, g_ptr_array_index (rings, i), opt->watch);
  }
  if (rings->len == 0)
    g_string_append (out, opt->names == NULL ? "no rings\n" : "");
}

/* A line for each ring removed, and for each named ring kept; failures
 * went to standard error as they happened. */
void
text_reclaim (GString *out, GPtrArray *outcomes, const Options *opt)
{
  guint n_removed = 0;

  for (guint i = 0; i < outcomes->len; i++) {
    const ReclaimOutcome *o = g_ptr_array_index (outcomes, i);
    g_autofree gchar *shown = printable (o->detail);

    if (o->kind == RECLAIM_REMOVED) {
      n_removed++;
      g_string_append_printf (out, "removed stale ring '%s' (%s)\n", o->name,
          shown);
    } else if (o->kind == RECLAIM_KEPT && opt->names != NULL) {
      g_string_append_printf (out, "kept ring '%s': %s\n", o->name, shown);
    }
  }
  if (n_removed == 0 && opt->names == NULL)
    g_string_append (out, "no stale rings\n");
}
