/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* ringbridge-stat's types, and what its files call in one another:
 *   options.c          the command line
 *   ring.c             finding rings and reading a ring's header, and the
 *                      values derived from it
 *   watch.c            --watch: the refresh loop, rates, keys and signals
 *   reclaim.c          --reclaim
 *   top.c              --watch's table, one line a ring (like pw-top)
 *   timing.c           the ring's timing in words (drift, delay, clocks)
 *   text.c             the text report
 *   json.c             the JSON report, and the small writer behind it
 *   ringbridge-stat.c  main() and the plain listing
 * One thread; nothing here is realtime.
 *
 * Looking must never disturb: rb_ring_open() claims a role, so ring.c
 * opens each ring's file read-only itself (its mode and owner are part of
 * the report) and hands the descriptor to rb_ring_status_read_fd(), which
 * reads and validates the header without mapping, writing or claiming
 * anything: a realtime producer and consumer cannot tell it is there, and
 * a corrupt header is just a reason to print. Public API only.
 * --reclaim goes through rb_ring_reclaim_stale().
 *
 * Documentation lives in ringbridge-stat-doc.h, shared with the man page. */

#include <ringbridge/ringbridge.h>
#include "cli-common.h"

#include <sys/stat.h>

G_BEGIN_DECLS

typedef struct {
  gboolean json;
  gboolean reclaim;
  gboolean watch;
  gdouble interval;
  gchar **names;                /* NULL: every ring in /dev/shm */
} Options;

typedef struct {
  RbHolderState state;
  guint pid;
  guint generation;
} Peer;

typedef struct {
  gchar *name;                  /* from the command line or the file name */
  gchar *path;
  int status;                   /* 0, or the exit status of @error */
  gchar *error;

  gboolean have_stat;
  struct stat st;

  gboolean valid;               /* the header passed validation */
  RbRingStatus s;               /* s.roles_known: a header was read */
  Peer producer, consumer, creator;

  gboolean have_rates;          /* --watch, from the previous refresh */
  gdouble write_rate, read_rate;
} RingInfo;

/* What --reclaim did with one ring. */
typedef enum {
  RECLAIM_REMOVED,              /* detail: who used it */
  RECLAIM_KEPT,                 /* detail: why */
  RECLAIM_FAILED,               /* detail: the error; status */
} ReclaimKind;

typedef struct {
  ReclaimKind kind;
  gchar *name;
  gchar *detail;
  int status;
} ReclaimOutcome;

/* options.c. Returns: -1 to go on, or the exit status (--help, --version,
 * a usage error). */
int parse_options (int argc, char **argv, Options *opt);

/* ring.c */
void ring_info_free (RingInfo *ri);
void ring_fail (RingInfo *ri, int status, const char *format, ...)
    G_GNUC_PRINTF (3, 4);
void ring_inspect (RingInfo *ri);
GPtrArray *collect_rings (const Options *opt);
const char *peer_state_name (RbHolderState state);
const char *role_name (gint role);
gboolean is_audio (const RingInfo *ri);
gdouble fill_percent (const RingInfo *ri);
gdouble frames_to_seconds (const RingInfo *ri, guint64 frames);
typedef struct {
  gchar *user;                  /* names, or numbers where there are none */
  gchar *group;
} FileOwner;

FileOwner file_owner (const RingInfo *ri);
void file_owner_clear (FileOwner *owner);

/* ringbridge-stat.c */
int inspect_all (GPtrArray *rings, const Options *opt, gboolean quiet);
void render (GString *out, GPtrArray *rings, const Options *opt,
    gboolean pretty);

/* watch.c, reclaim.c */
int do_watch (const Options *opt);
int do_reclaim (const Options *opt);

/* text.c */
void text_rings (GString *out, GPtrArray *rings, const Options *opt);
void text_reclaim (GString *out, GPtrArray *outcomes, const Options *opt);

/* timing.c */
const char *timing_state_name (RbTimingState state);
gchar *timing_reason (const RbRingTiming *t);
const char *timing_unit (const RingInfo *ri);
void text_timing (GString *out, const RingInfo *ri);

/* top.c: the table of @rings, in @width columns (0: no limit) */
void top_rings (GString *out, GPtrArray *rings, guint width);

/* json.c */
void json_rings (GString *out, GPtrArray *rings, const Options *opt,
    gboolean pretty);
void json_reclaim (GString *out, GPtrArray *outcomes);

G_END_DECLS
