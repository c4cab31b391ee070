/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-stat: lists, watches and reclaims shared rings. This file
 * holds main() and the plain listing; stat.h says what the others hold,
 * and how the tool looks at a ring without disturbing it. */

#include "stat.h"
#include "ringbridge-stat-doc.h"

#include <signal.h>
#include <sysexits.h>

/* Inspects every ring, reports failures on stderr (unless @quiet), and
 * returns the status of the first. A ring of a directory listing that
 * vanished between readdir() and open() is no longer there to list. */
int
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

/* The listing of @rings, as text or JSON. */
void
render (GString *out, GPtrArray *rings, const Options *opt, gboolean pretty)
{
  if (opt->json)
    json_rings (out, rings, opt, pretty);
  else
    text_rings (out, rings, opt);
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
