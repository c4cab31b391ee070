/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat's JSON report (--json), and the small writer it is
 * written with.
 *
 * Not json-glib: its generator (1.6) writes every double with "%.17g"
 * (fill_percent 33.33 would become 33.329999999999998, a time of
 * 1733389200.123 would become 1733389200.1229999), takes integers as
 * gint64 only (a counter or position past 2^63 would turn negative) and
 * pretty-prints "key" : value; the report promises fixed decimals and
 * full unsigned 64-bit values. The output is flat enough to write by
 * hand. */

#include "stat.h"

#include <math.h>
#include <string.h>

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
  /* the characters with a short escape, and their escapes */
  static const char specials[] = "\"\\\n\t\r";
  static const char *const escaped[] = {
    "\\\"", "\\\\", "\\n", "\\t", "\\r",
  };
  /* file names in /dev/shm are bytes, JSON is UTF-8 */
  g_autofree gchar *valid = g_utf8_make_valid (v, -1);

  g_string_append_c (s, '"');
  for (const char *p = valid; *p != '\0'; p++) {
    guchar c = (guchar) *p;
    const char *special = strchr (specials, c);     /* c is never 0 */

    if (special != NULL)
      g_string_append (s, escaped[special - specials]);
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf (s, "\\u%04x", c);
    else
      g_string_append_c (s, (gchar) c);
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
  json_string (j, "state", peer_state_name (peer->state));
  if (peer->state == RB_HOLDER_STATE_NONE || peer->state == RB_HOLDER_STATE_DETACHED)
    json_null (j, "pid");
  else
    json_uint (j, "pid", peer->pid);
  json_bool (j, "alive", peer->state == RB_HOLDER_STATE_ALIVE ||
      peer->state == RB_HOLDER_STATE_STOPPED);
  if (generation)
    json_uint (j, "generation", peer->generation);
  if (role != NULL)
    json_string (j, "role", role);
  json_close (j, '}');
}

static void
json_file (Json *j, const RingInfo *ri)
{
  FileOwner owner;
  char mode[8];

  if (!ri->have_stat) {
    json_null (j, "file");
    return;
  }
  owner = file_owner (ri);
  g_snprintf (mode, sizeof mode, "%04o", (guint) (ri->st.st_mode & 07777));
  json_open (j, "file", '{');
  json_string (j, "mode", mode);
  json_uint (j, "uid", ri->st.st_uid);
  json_uint (j, "gid", ri->st.st_gid);
  json_string (j, "user", owner.user);
  json_string (j, "group", owner.group);
  json_uint (j, "size", (guint64) ri->st.st_size);
  json_close (j, '}');
  file_owner_clear (&owner);
}

static void
json_position (Json *j, const RingInfo *ri, const char *what, guint64 pos)
{
  g_autofree gchar *k_pos = g_strconcat (what, "_position", NULL);
  g_autofree gchar *k_frames = g_strconcat (what, "_frames", NULL);
  g_autofree gchar *k_seconds = g_strconcat (what, "_seconds", NULL);

  json_uint (j, k_pos, pos);
  if (is_audio (ri)) {
    guint64 frames = pos / ri->s.frame_size;
    json_uint (j, k_frames, frames);
    json_double (j, k_seconds, frames_to_seconds (ri, frames), 6);
  } else {
    json_null (j, k_frames);
    json_null (j, k_seconds);
  }
}

/* A number, or null when unknown. */
static void
json_maybe (Json *j, const char *key, gboolean known, gdouble v,
    int decimals)
{
  if (known)
    json_double (j, key, v, decimals);
  else
    json_null (j, key);
}

static void
json_side (Json *j, const char *key, RbTimingState state, gboolean locked,
    gdouble rate, gint64 age_ns)
{
  json_open (j, key, '{');
  json_string (j, "state", timing_state_name (state));
  json_bool (j, "locked", locked);
  json_maybe (j, "rate", state == RB_TIMING_STATE_OK, rate, 3);
  json_maybe (j, "age_ms", age_ns >= 0, (gdouble) age_ns / 1e6, 3);
  json_close (j, '}');
}

/* "timing": the ring's drift, smoothed fill and each side's clock; null
 * where unknown, and the reason. */
static void
json_timing (Json *j, const RingInfo *ri)
{
  const RbRingTiming *t = &ri->s.timing;
  g_autofree gchar *why = timing_reason (t);

  json_open (j, "timing", '{');
  json_string (j, "unit", timing_unit (ri));
  json_maybe (j, "drift_ppm", t->ratio_known, t->ratio_ppm, 2);
  json_maybe (j, "fill_ms", t->fill_known, (gdouble) t->fill_ns / 1e6, 3);
  json_maybe (j, "fill", t->fill_known, t->fill, 1);
  json_string (j, "reason", why);
  json_side (j, "producer", t->producer_state, t->producer_locked,
      t->producer_rate, t->producer_age_ns);
  json_side (j, "consumer", t->consumer_state, t->consumer_locked,
      t->consumer_rate, t->consumer_age_ns);
  json_close (j, '}');
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
    json_bool (j, "overwrite", (ri->s.flags & RB_RING_FLAGS_OVERWRITE) != 0);
    if (audio) {
      json_string (j, "format", rb_sample_format_to_string (
              ri->s.format));
      json_uint (j, "channels", ri->s.channels);
      json_uint (j, "rate", ri->s.rate);
    } else {
      json_null (j, "format");
      json_null (j, "channels");
      json_null (j, "rate");
    }
    json_uint (j, "frame_size", ri->s.frame_size);
    json_uint (j, "header_size", ri->s.header_size);
    json_uint (j, "capacity", ri->s.capacity);
    if (audio)
      json_uint (j, "capacity_frames", ri->s.capacity / ri->s.frame_size);
    else
      json_null (j, "capacity_frames");
    json_uint (j, "fill_bytes", ri->s.fill);
    json_double (j, "fill_percent", fill_percent (ri), 2);
    if (audio)
      json_uint (j, "fill_frames", ri->s.fill / ri->s.frame_size);
    else
      json_null (j, "fill_frames");
    json_position (j, ri, "write", ri->s.write_position);
    json_position (j, ri, "read", ri->s.read_position);
    if (rates) {
      if (ri->have_rates) {
        json_double (j, "write_rate", ri->write_rate, 1);
        json_double (j, "read_rate", ri->read_rate, 1);
      } else {
        json_null (j, "write_rate");
        json_null (j, "read_rate");
      }
    }
    json_bool (j, "eos", ri->s.end_of_stream);
    json_peer (j, "producer", &ri->producer, TRUE, NULL);
    json_peer (j, "consumer", &ri->consumer, TRUE, NULL);
    json_peer (j, "creator", &ri->creator, FALSE,
        role_name (ri->s.creator_role));
    if (ri->s.readers >= 0)
      json_uint (j, "readers", (guint64) ri->s.readers);
    else
      json_null (j, "readers");
    json_open (j, "waiters", '{');
    json_uint (j, "data", ri->s.data_waiters);
    json_uint (j, "space", ri->s.space_waiters);
    json_close (j, '}');
    json_open (j, "counters", '{');
    json_uint (j, "overruns", ri->s.overruns);
    json_uint (j, "underruns", ri->s.underruns);
    json_uint (j, "overwritten", ri->s.overwritten);
    json_close (j, '}');
    json_timing (j, ri);
  }
  json_file (j, ri);
  json_close (j, '}');
}

/* {"time", "interval" (--watch), "rings": [...]}, and a newline. */
void
json_rings (GString *out, GPtrArray *rings, const Options *opt,
    gboolean pretty)
{
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
}

/* The outcomes of one kind, as an array named @key. */
static void
json_outcomes (Json *j, const char *key, GPtrArray *outcomes,
    ReclaimKind kind)
{
  static const char *const detail_keys[] = {
    [RECLAIM_REMOVED] = "users",
    [RECLAIM_KEPT] = "reason",
    [RECLAIM_FAILED] = "error",
  };

  json_open (j, key, '[');
  for (guint i = 0; i < outcomes->len; i++) {
    const ReclaimOutcome *o = g_ptr_array_index (outcomes, i);

    if (o->kind != kind)
      continue;
    json_open (j, NULL, '{');
    json_string (j, "name", o->name);
    json_string (j, detail_keys[kind], o->detail);
    if (kind == RECLAIM_FAILED)
      json_uint (j, "status", (guint64) o->status);
    json_close (j, '}');
  }
  json_close (j, ']');
}

/* {"removed": [...], "kept": [...], "errors": [...]}, and a newline. */
void
json_reclaim (GString *out, GPtrArray *outcomes)
{
  Json j = { out, TRUE, 0, FALSE };

  json_open (&j, NULL, '{');
  json_outcomes (&j, "removed", outcomes, RECLAIM_REMOVED);
  json_outcomes (&j, "kept", outcomes, RECLAIM_KEPT);
  json_outcomes (&j, "errors", outcomes, RECLAIM_FAILED);
  json_close (&j, '}');
  g_string_append_c (out, '\n');
}
