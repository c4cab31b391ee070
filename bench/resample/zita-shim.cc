// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The ringbridge authors

// zita-resampler's VResampler (C++, GPL-3.0-or-later; what zita-ajbridge
// uses) behind a C interface, for resample-bench only: measured as a
// candidate, not linked into anything ringbridge installs (docs/clocks.md
// says why it was not chosen).

#include <zita-resampler/vresampler.h>

#include <new>

#include "zita-shim.h"

extern "C" {

RbZita *
rb_zita_new (double ratio, unsigned channels, unsigned hlen)
{
  VResampler *r = new (std::nothrow) VResampler ();

  if (r == nullptr)
    return nullptr;
  if (r->setup (ratio, channels, hlen) != 0) {
    delete r;
    return nullptr;
  }
  // prime the filter's history with zeros, as its documentation suggests
  r->inp_count = r->inpsize () / 2 - 1;
  r->inp_data = nullptr;
  r->out_count = 1 << 20;
  r->out_data = nullptr;
  r->process ();
  return reinterpret_cast<RbZita *> (r);
}

void
rb_zita_free (RbZita *z)
{
  delete reinterpret_cast<VResampler *> (z);
}

void
rb_zita_set_ratio (RbZita *z, double relative)
{
  reinterpret_cast<VResampler *> (z)->set_rratio (relative);
}

void
rb_zita_process (RbZita *z, const float *in, size_t *in_len, float *out,
    size_t *out_len)
{
  VResampler *r = reinterpret_cast<VResampler *> (z);

  r->inp_count = static_cast<unsigned> (*in_len);
  r->inp_data = const_cast<float *> (in);
  r->out_count = static_cast<unsigned> (*out_len);
  r->out_data = out;
  r->process ();
  *in_len -= r->inp_count;
  *out_len -= r->out_count;
}

}
