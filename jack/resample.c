/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The variable-ratio resampler over libsamplerate (resample.h). Why
 * libsamplerate's SRC_SINC_FASTEST: docs/clocks.md has the
 * measurements (bench/resample). In short, it meets THD+N <= -100 dB on a
 * 1 kHz tone at +-200 ppm and +-1 %, takes any ratio from 1/256 to 256 as
 * a double and changes it smoothly within a call, and src_process()
 * allocates nothing; soxr's variable-rate mode allocates in
 * soxr_process(), speexdsp and GStreamer's GstAudioResampler rebuild their
 * filter tables whenever the ratio changes, and zita-resampler, the
 * cheapest, is GPL-3.
 *
 * One converter serves every channel, fed interleaved. Its cost is in
 * working out each output frame's filter position, which it does once for
 * all the channels: one stereo converter costs about what one mono one
 * does (bench/resample: 34.5 against 65.3 ns a channel-frame), so a
 * converter per channel would cost twice as much in stereo and more than
 * three times in four channels. */

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

/* Every byte written now, so the callback takes no first-touch page
 * fault (calloc() may hand out untouched zero pages). */
static float *
zeroed_floats (size_t n)
{
  float *p = malloc (n * sizeof (float));

  if (p != NULL)
    memset (p, 0, n * sizeof (float));
  return p;
}

RbJackResampler *
rb_jack_resampler_new (unsigned channels, const char **why)
{
  RbJackResampler *rs = calloc (1, sizeof *rs);
  int err = 0;

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
  if (rs->stage == NULL || rs->out == NULL)
    goto oom;
  for (unsigned c = 0; c < channels; c++) {
    rs->stage[c] = zeroed_floats (rs->stage_cap);
    rs->out[c] = zeroed_floats (rs->out_cap);
    if (rs->stage[c] == NULL || rs->out[c] == NULL)
      goto oom;
  }
  if (channels > 1) {
    rs->interleaved_in = zeroed_floats (rs->stage_cap * channels);
    rs->interleaved_out = zeroed_floats (rs->out_cap * channels);
    if (rs->interleaved_in == NULL || rs->interleaved_out == NULL)
      goto oom;
  }
  rs->state = src_new (SRC_SINC_FASTEST, (int) channels, &err);
  if (rs->state == NULL) {
    *why = src_strerror (err);
    rb_jack_resampler_free (rs);
    return NULL;
  }
  /* src_reset() clears the converter's whole buffer: its pages are
   * touched here, not in the callback */
  src_reset (rs->state);
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
  if (rs->state != NULL)
    src_delete (rs->state);
  for (unsigned c = 0; c < rs->channels; c++) {
    if (rs->stage != NULL)
      free (rs->stage[c]);
    if (rs->out != NULL)
      free (rs->out[c]);
  }
  free (rs->interleaved_in);
  free (rs->interleaved_out);
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
  const unsigned channels = rs->channels;
  const float *src_in;
  float *src_out;
  size_t used = 0, made = 0;

  if (rs->reset_pending) {
    src_reset (rs->state);
    rs->staged = 0;
    rs->held = 0;
    rs->last_ratio = 0;
    rs->reset_pending = false;
  }
  if (in_frames > rs->stage_cap - rs->staged) {
    *lost += in_frames - (rs->stage_cap - rs->staged);
    in_frames = rs->stage_cap - rs->staged;
  }
  if (in_frames > 0)
    for (unsigned c = 0; c < channels; c++)
      memcpy (rs->stage[c] + rs->staged, in[c], in_frames * sizeof (float));
  rs->staged += in_frames;
  if (out_frames > rs->out_cap)
    out_frames = rs->out_cap;
  if (ratio < 1.0 - RB_JACK_RESAMPLER_MAX_DEVIATION)
    ratio = 1.0 - RB_JACK_RESAMPLER_MAX_DEVIATION;
  if (ratio > 1.0 + RB_JACK_RESAMPLER_MAX_DEVIATION)
    ratio = 1.0 + RB_JACK_RESAMPLER_MAX_DEVIATION;

  if (channels == 1) {
    src_in = rs->stage[0];
    src_out = out[0];
  } else {
    /* the stage, interleaved for the converter */
    float *il = rs->interleaved_in;

    for (size_t f = 0; f < rs->staged; f++)
      for (unsigned c = 0; c < channels; c++)
        *il++ = rs->stage[c][f];
    src_in = rs->interleaved_in;
    src_out = rs->interleaved_out;
  }

  /* The converter may stop short of either end; call again while it
   * makes progress. */
  while (made < out_frames) {
    SRC_DATA d = {
      .data_in = src_in + used * channels,
      .data_out = src_out + made * channels,
      .input_frames = (long) (rs->staged - used),
      .output_frames = (long) (out_frames - made),
      .src_ratio = ratio,
    };

    if (src_process (rs->state, &d) != 0) {
      /* cannot happen with a valid ratio; start afresh next time */
      rs->reset_pending = true;
      break;
    }
    used += (size_t) d.input_frames_used;
    made += (size_t) d.output_frames_gen;
    if (d.input_frames_used == 0 && d.output_frames_gen == 0)
      break;
  }
  if (used > 0 || made > 0) {
    /* libsamplerate ramps the ratio from the last call's to this one's
     * over the output it makes: the mean of the two steps */
    double step = rs->last_ratio > 0 ?
        0.5 * (1.0 / rs->last_ratio + 1.0 / ratio) : 1.0 / ratio;

    rs->held += (double) used - (double) made * step;
    if (rs->held < 0)
      rs->held = 0;
    rs->last_ratio = ratio;
  }
  if (channels > 1) {
    const float *il = rs->interleaved_out;

    for (size_t f = 0; f < made; f++)
      for (unsigned c = 0; c < channels; c++)
        out[c][f] = *il++;
  }
  if (used > 0 && used < rs->staged)
    for (unsigned c = 0; c < channels; c++)
      memmove (rs->stage[c], rs->stage[c] + used,
          (rs->staged - used) * sizeof (float));
  rs->staged -= used;
  return made;
}
