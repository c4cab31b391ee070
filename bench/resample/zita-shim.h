/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* zita-resampler's VResampler for resample-bench (zita-shim.cc). */

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _RbZita RbZita;

/* @ratio: output frames per input frame; @hlen: half the filter's length
 * (16 to 96 in zita-resampler's documentation) */
RbZita *rb_zita_new       (double ratio, unsigned channels, unsigned hlen);
void    rb_zita_free      (RbZita *z);
/* the ratio, relative to the one given to rb_zita_new() */
void    rb_zita_set_ratio (RbZita *z, double relative);
/* consumes up to *@in_len frames, makes up to *@out_len; sets both to
 * what it did */
void    rb_zita_process   (RbZita *z, const float *in, size_t *in_len,
                           float *out, size_t *out_len);

#ifdef __cplusplus
}
#endif
