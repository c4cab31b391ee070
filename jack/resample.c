/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The variable-ratio resampler over libsamplerate (resample.h). Why
 * libsamplerate's SRC_SINC_FASTEST: docs/clocks.md has the
 * measurements (bench/resample). In short, it meets THD+N <= -100 dB on a
 * 1 kHz tone at +-200 ppm and +-1 % for about 4 us per stereo 64-frame
 * period, takes any ratio from 1/256 to 256 as a double and changes it
 * smoothly within a call, and src_process() allocates nothing; soxr's
 * variable-rate mode allocates in soxr_process(), speexdsp rebuilds its
 * filter table (and may reallocate it) whenever the ratio changes and only
 * takes ratios in steps of 1/65536. */

#include "resample.h"

#include <samplerate.h>
#include <stdlib.h>
#include <string.h>

/* input frames one output frame may need at the largest ratio, plus the
 * converter's rounding */
static size_t
frames_for (size_t out, double ratio)
{
  return (size_t) ((double) out / ratio) + 16;
}

RbJackResampler *
rb_jack_resampler_new (unsigned channels, const char **why)
{
  RbJackResampler *rs = calloc (1, sizeof *rs);

  if (rs == NULL)
    goto oom;
  rs->channels = channels;
  /* a period's input at the smallest ratio, twice over: play tops the
   * stage up to one period's worth before each call */
  rs->stage_cap = 2 * frames_for (RB_JACK_RESAMPLER_MAX_PERIOD,
      1.0 - RB_JACK_RESAMPLER_MAX_DEVIATION);
  rs->out_cap = (size_t) (RB_JACK_RESAMPLER_MAX_PERIOD *
      (1.0 + RB_JACK_RESAMPLER_MAX_DEVIATION)) + 16;
  rs->stage = calloc (channels, sizeof *rs->stage);
  rs->out = calloc (channels, sizeof *rs->out);
  rs->states = calloc (channels, sizeof *rs->states);
  if (rs->stage == NULL || rs->out == NULL || rs->states == NULL)
    goto oom;
  for (unsigned c = 0; c < channels; c++) {
    int err = 0;

    rs->stage[c] = malloc (rs->stage_cap * sizeof (float));
    rs->out[c] = malloc (rs->out_cap * sizeof (float));
    if (rs->stage[c] == NULL || rs->out[c] == NULL)
      goto oom;
    /* every byte written now: no first-touch page fault in the callback */
    memset (rs->stage[c], 0, rs->stage_cap * sizeof (float));
    memset (rs->out[c], 0, rs->out_cap * sizeof (float));
    rs->states[c] = src_new (SRC_SINC_FASTEST, 1, &err);
    if (rs->states[c] == NULL) {
      *why = src_strerror (err);
      rb_jack_resampler_free (rs);
      return NULL;
    }
    /* src_reset() clears the converter's whole buffer: its pages are
     * touched here, not in the callback */
    src_reset (rs->states[c]);
  }
  return rs;

oom:
  *why = "out of memory";
  rb_jack_resampler_free (rs);
  return NULL;
}

void
rb_jack_resampler_free (RbJackResampler *rs)
{
  if (rs == NULL)
    return;
  for (unsigned c = 0; c < rs->channels; c++) {
    if (rs->states != NULL && rs->states[c] != NULL)
      src_delete (rs->states[c]);
    if (rs->stage != NULL)
      free (rs->stage[c]);
    if (rs->out != NULL)
      free (rs->out[c]);
  }
  free (rs->states);
  free (rs->stage);
  free (rs->out);
  free (rs);
}

/* Thread: the process thread. RT-safe: src_process() on a converter made
 * by src_new() only computes, in the memory src_new() allocated (its
 * buffer's size depends on the converter, not on the ratio or the
 * lengths given), and src_reset() only clears it; memcpy and memmove;
 * no allocation (bench/resample counts none), lock or system call
 * (tests/jack's RealtimeSanitizer, seccomp and page-fault cases drive
 * this with the resampler active). */
size_t
rb_jack_resampler_process (RbJackResampler *rs, double ratio,
    const float *const *in, size_t in_frames, float *const *out,
    size_t out_frames, uint64_t *lost)
{
  size_t used = 0, made = 0;

  if (rs->reset_pending) {
    for (unsigned c = 0; c < rs->channels; c++)
      src_reset (rs->states[c]);
    rs->staged = 0;
    rs->reset_pending = false;
  }
  if (in_frames > rs->stage_cap - rs->staged) {
    *lost += in_frames - (rs->stage_cap - rs->staged);
    in_frames = rs->stage_cap - rs->staged;
  }
  if (in_frames > 0)
    for (unsigned c = 0; c < rs->channels; c++)
      memcpy (rs->stage[c] + rs->staged, in[c], in_frames * sizeof (float));
  rs->staged += in_frames;
  if (ratio < 1.0 - RB_JACK_RESAMPLER_MAX_DEVIATION)
    ratio = 1.0 - RB_JACK_RESAMPLER_MAX_DEVIATION;
  if (ratio > 1.0 + RB_JACK_RESAMPLER_MAX_DEVIATION)
    ratio = 1.0 + RB_JACK_RESAMPLER_MAX_DEVIATION;

  /* Every channel gets the same lengths and ratio, so every converter
   * consumes and makes the same counts: the first channel's stand for
   * all. A converter may stop short of either end; call again while it
   * makes progress. */
  while (made < out_frames) {
    long u = 0, g = 0;

    for (unsigned c = 0; c < rs->channels; c++) {
      SRC_DATA d = {
        .data_in = rs->stage[c] + used,
        .data_out = out[c] + made,
        .input_frames = (long) (rs->staged - used),
        .output_frames = (long) (out_frames - made),
        .src_ratio = ratio,
      };
      if (src_process (rs->states[c], &d) != 0) {
        /* cannot happen with a valid ratio; start afresh next time */
        rs->reset_pending = true;
        return made;
      }
      if (c == 0) {
        u = d.input_frames_used;
        g = d.output_frames_gen;
      }
    }
    used += (size_t) u;
    made += (size_t) g;
    if (u == 0 && g == 0)
      break;
  }
  if (used > 0 && used < rs->staged)
    for (unsigned c = 0; c < rs->channels; c++)
      memmove (rs->stage[c], rs->stage[c] + used,
          (rs->staged - used) * sizeof (float));
  rs->staged -= used;
  return made;
}
