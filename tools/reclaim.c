/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat --reclaim: removes the rings whose users all died,
 * through rb_ring_reclaim_stale(), and reports what it did with each. */

#include "stat.h"

#include <sysexits.h>
#include <unistd.h>

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

  for (guint i = 0; ri->s.roles_known && i < G_N_ELEMENTS (users); i++) {
    if (users[i].peer->state == RB_HOLDER_STATE_NONE ||
        users[i].peer->state == RB_HOLDER_STATE_DETACHED)
      continue;
    g_string_append_printf (s, "%s%s pid %u %s", s->len ? ", " : "",
        users[i].what, users[i].peer->pid,
        peer_state_name (users[i].peer->state));
  }
  if (s->len == 0)
    g_string_append (s, "nobody attached");
  return g_string_free (s, FALSE);
}

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

static void
add_outcome (GPtrArray *outcomes, ReclaimKind kind, const char *name,
    const char *detail, int status)
{
  ReclaimOutcome *o = g_new0 (ReclaimOutcome, 1);

  o->kind = kind;
  o->name = g_strdup (name);
  o->detail = g_strdup (detail);
  o->status = status;
  g_ptr_array_add (outcomes, o);
}

static void
outcome_free (ReclaimOutcome *o)
{
  g_free (o->name);
  g_free (o->detail);
  g_free (o);
}

/* Reclaims one ring, adding what became of it to @outcomes (nothing for a
 * ring of the listing that is gone). Returns: its exit status, or 0. */
static int
reclaim_one (RingInfo *ri, const Options *opt, GPtrArray *outcomes)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *users = NULL;

  /* only the owner words matter here: a corrupt ring of dead processes
   * is as stale as any */
  ring_inspect (ri);
  if (ri->status == EX_NOINPUT && opt->names == NULL)
    return 0;                   /* vanished since readdir() */
  users = describe_users (ri);

  /* the same report for a bad name as for a bad ring below, found
   * before and after the reclaim */
  /* NOLINTNEXTLINE(bugprone-branch-clone) */
  if (!rb_ring_name_validate (ri->name, NULL)) {
    /* only from a directory listing: named rings were checked */
    /* ri->error says what is wrong with the name */
    ring_fail (ri, EX_DATAERR, "%s: not removing it", ri->error);
  } else if (rb_ring_reclaim_stale (ri->name, &error)) {
    add_outcome (outcomes, RECLAIM_REMOVED, ri->name, users, 0);
    return 0;
  } else if (g_error_matches (error, RB_RING_ERROR, RB_RING_ERROR_BUSY)) {
    g_autofree gchar *reason = g_strdup_printf ("in use (%s)", users);
    add_outcome (outcomes, RECLAIM_KEPT, ri->name, reason, 0);
    return 0;
  } else if (g_error_matches (error, RB_RING_ERROR,
          RB_RING_ERROR_NOT_FOUND) && opt->names == NULL) {
    return 0;                   /* removed by someone else meanwhile */
  } else if (g_error_matches (error, RB_RING_ERROR,
          RB_RING_ERROR_PERMISSION) && opt->names == NULL &&
      ri->have_stat && ri->st.st_uid != geteuid ()) {
    /* another user's ring, found by listing /dev/shm: not ours to
     * remove (the directory is sticky), and no failure of ours */
    g_autofree gchar *reason = g_strdup_printf ("belongs to uid %u: only "
        "that user can remove it", (guint) ri->st.st_uid);
    add_outcome (outcomes, RECLAIM_KEPT, ri->name, reason, 0);
    return 0;
  } else if (g_error_matches (error, RB_RING_ERROR,
          RB_RING_ERROR_NOT_A_RING) && ri->error != NULL) {
    /* our own reason names the ring and says what is wrong with it */
    ring_fail (ri, EX_DATAERR, "%s: not removing it", ri->error);
  } else {
    ring_fail (ri, reclaim_status (error), "%s", error->message);
  }

  print_error ("%s", ri->error);
  add_outcome (outcomes, RECLAIM_FAILED, ri->name, ri->error, ri->status);
  return ri->status;
}

int
do_reclaim (const Options *opt)
{
  g_autoptr (GPtrArray) rings = collect_rings (opt);
  g_autoptr (GPtrArray) outcomes = g_ptr_array_new_with_free_func (
      (GDestroyNotify) outcome_free);
  g_autoptr (GString) out = g_string_new (NULL);
  int status = 0;

  if (rings == NULL)
    return EX_IOERR;
  for (guint i = 0; i < rings->len; i++) {
    int st = reclaim_one (g_ptr_array_index (rings, i), opt, outcomes);

    if (status == 0)
      status = st;
  }
  if (opt->json)
    json_reclaim (out, outcomes);
  else
    text_reclaim (out, outcomes, opt);
  return write_stdout (out, status);
}
