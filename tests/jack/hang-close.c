/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* libjack's known hang, on demand: a jack_client_close() that never
 * returns. The jack suite's shutdown test preloads this (LD_PRELOAD) into
 * ringbridge-jack to stand for the close that blocks for good after the
 * server shut down (jack2 issue 395), and checks that the program says so
 * and ends anyway (close_client() in jack/client.c). Every other libjack
 * call is the real one. */

#include <jack/jack.h>
#include <unistd.h>

int
jack_client_close (jack_client_t *client)
{
  (void) client;
  /* the signals that could end pause() are blocked in ringbridge-jack's
   * threads; SIGKILL still ends the process */
  for (;;)
    pause ();
}
