/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* ringbridge-jack's variable-ratio resampler: libsamplerate's
 * SRC_SINC_FASTEST, one converter for all channels, chosen by measurement
 * (bench/resample, docs/clocks.md). The main thread makes it, sized
 * for JACK's largest period and the channel count, before the client is
 * activated; the process callback calls rb_jack_resampler_process() and
 * nothing else of it, and reads and writes the public fields below. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* JACK 2 refuses periods above 8192 frames (jack_bufsize, -p) */
#define RB_JACK_RESAMPLER_MAX_PERIOD 8192u
/* the ratio's bound, either way: 2 % (the controller clamps to it) */
#define RB_JACK_RESAMPLER_MAX_DEVIATION 0.02

typedef struct _RbJackResampler RbJackResampler;

struct _RbJackResampler {
  unsigned channels;
  /* Input waiting to be resampled, one buffer per channel, @stage_cap
   * frames each. play reads the ring into stage[c] + staged and adds to
   * @staged; rb_jack_resampler_process() consumes from the front. */
  float **stage;
  size_t stage_cap;
  size_t staged;
  /* record's output, one buffer per channel, @out_cap frames each: the
   * longest a period can become at the largest ratio */
  float **out;
  size_t out_cap;
  /* Input inside the converter that its filter has not reached yet, in
   * frames. libsamplerate takes all the input it is given into a buffer
   * of its own (room for about 15,000 frames at SRC_SINC_FASTEST) and
   * works through it as the ratio asks, so what it holds rises and falls
   * by up to a period or more from call to call; a loop that watched only
   * the ring and the stage would take that for the fill moving, and
   * swing the ratio by thousands of ppm at 1024-frame periods. Estimated
   * from what each call took and made: the filter moves 1/ratio input
   * frames per output frame, the ratio ramping from the last call's. */
  double held;
  double last_ratio;            /* 0: none since the reset */
  /* set by the process thread: the next process call starts afresh
   * (stage emptied, filter history cleared) */
  bool reset_pending;
  /* the converter's interleaved input and output, @stage_cap and
   * @out_cap frames of @channels samples (NULL for one channel: the
   * stage and the caller's buffers serve as they are) */
  float *interleaved_in;
  float *interleaved_out;
  void *state;                  /* SRC_STATE *, all channels */
};

/* The input waiting, in frames: staged, and inside the converter.
 * Thread: the process thread. RT-safe. */
static inline double
rb_jack_resampler_waiting (const RbJackResampler *rs)
{
  return (double) rs->staged + rs->held;
}

/* Main thread. Returns NULL and sets @why (static text) on failure. */
RbJackResampler *rb_jack_resampler_new  (unsigned           channels,
                                         const char       **why);
void             rb_jack_resampler_free (RbJackResampler   *rs);

/* Process thread. Appends @in_frames frames of @in (one pointer per
 * channel; NULL when @in_frames is 0) to the stage, resamples the stage
 * at @ratio (output frames per input frame) into @out, at most
 * @out_frames, and keeps what it did not consume staged. Returns the
 * frames made (less than @out_frames when the stage ran out). Input that
 * does not fit in the stage is dropped and counted in *@lost. */
size_t rb_jack_resampler_process (RbJackResampler   *rs,
                                  double             ratio,
                                  const float *const *in,
                                  size_t             in_frames,
                                  float *const      *out,
                                  size_t             out_frames,
                                  uint64_t          *lost);
