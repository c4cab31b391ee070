/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* test-jack-rt.c's realtime proofs (10^6 callbacks under RealtimeSanitizer,
 * seccomp and getrusage, with their negative controls) with every play and
 * record side resampling (--resample, jack/resample.c over libsamplerate,
 * jack/drift.h's loop): the same driver, with a hook that gives each side
 * of its workload a resampler. The resampler is made and sized here, in
 * the main thread, as ringbridge-jack makes it before jack_activate(). */

#include "rt.h"

#include <glib.h>

static void
resample_side (RbJackRt *rt, guint64 target)
{
  const char *why = NULL;

  rt->rs = rb_jack_resampler_new (rt->n_ports, &why);
  if (rt->rs == NULL)
    g_error ("cannot make the resampler: %s", why);
  rt->rate = 48000;
  rb_jack_drift_init (&rt->drift, rt->rate);
  atomic_store (&rt->target, target);
  atomic_store (&rt->skip_above, rt->mode == RB_JACK_PLAY ?
      2 * target + 64 : 0);
  atomic_store (&rt->resampling, true);
}

#define RB_TEST_RESAMPLE_SIDE resample_side

#include "test-jack-rt.c"
