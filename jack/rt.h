/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The realtime half of ringbridge-jack: the process callback and the state
 * it shares with the main thread. Everything in rt.c runs in JACK's process
 * thread and obeys its rules: ring calls, conversion, atomic counters and
 * nothing else (no allocation, lock, system call, logging or GLib call).
 * tests/jack checks rt.c's object file against a list of allowed symbols
 * and drives the callback under RealtimeSanitizer and seccomp. */

#include "drift.h"
#include "resample.h"

#include <ringbridge/ringbridge.h>

#include <jack/jack.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
  RB_JACK_PLAY,                 /* ring -> output ports; we consume */
  RB_JACK_RECORD,               /* input ports -> ring; we produce */
} RbJackMode;

/* Play --reader: the callback reads through @reader, one of any number of
 * readers of an overwrite ring (its policy and gap journal are the
 * library's), into @stage, an in-process ring of the same format, and out
 * of that with rb_ring_read_deinterleaved(): the library's conversion to
 * float, since a reader has no deinterleaving read of its own. Made and
 * freed by the main thread (rt-control.c); swapped in as the ring is. */
typedef struct {
  RbRingReader *reader;
  RbRing *stage;
  size_t frame_size;
} RbJackTap;

/* the causes of RbGapCause, RB_GAP_OVERWRITTEN .. RB_GAP_SKIP */
#define RB_JACK_N_GAP_CAUSES (RB_GAP_SKIP + 1)

/* What JACK says about the current cycle (jack_get_cycle_times()). */
typedef struct {
  bool valid;
  jack_nframes_t frames;        /* frame time at the start of the cycle */
  jack_time_t usecs;            /* its time on JACK's clock, microseconds */
  jack_time_t next_usecs;       /* the next cycle's start; 0: unknown */
} RbJackCycle;

typedef struct {
  /* Fixed while the client is active. The main thread writes them before
   * jack_activate(), whose thread start and server round trip order them
   * before the first callback. */
  RbJackMode mode;
  jack_client_t *client;
  unsigned n_ports;
  jack_port_t *ports[RB_RING_MAX_CHANNELS];
  /* Play: the most frames to leave queued after a cycle's read; more at
   * the start of a cycle are skipped, oldest first (--frames, --latency).
   * 0: no bound, every frame is played. */
  uint64_t max_fill;
  /* Resampling (--resample, docs/clocks.md): the resampler, or NULL
   * when off; JACK's rate. Made before jack_activate() and kept while
   * the process runs (a reconnect reuses it). */
  RbJackResampler *rs;
  double rate;

  /* The ring the callback uses, or NULL: play outputs silence, record
   * drops its input. The main thread installs and removes it while the
   * client runs (play follows a ring that is made anew under its name);
   * see rb_jack_rt_swap_ring(). */
  _Atomic (RbRing *) ring;
  /* Play --reader: what the callback reads through instead of @ring
   * (which is then NULL), or NULL; see rb_jack_rt_swap_tap(). */
  _Atomic (RbJackTap *) tap;

  /* Set by the main thread: JACK's sample rate no longer matches the
   * ring's. The callback then moves nothing, so no audio plays or is
   * recorded at the wrong speed while the main thread reports and exits. */
  atomic_bool halted;
  /* Set by the freewheel callback: JACK runs faster than real time, so
   * cycle times are no clock; no clock point is recorded. */
  atomic_bool freewheeling;
  /* JACK's clock (jack_get_time(), the cycle times) is its own: jackd 1.9
   * on Linux reads CLOCK_MONOTONIC_RAW, which drifts from CLOCK_MONOTONIC
   * as NTP slews it. The main thread measures the difference every tick;
   * JACK time in ns plus this is CLOCK_MONOTONIC, what the ring's clock
   * point holds. */
  atomic_int_least64_t clock_offset_ns;
  /* Resampling, set by the main thread: the fill to hold (frames); play
   * skips down to it above @skip_above (0: never); @hold_ratio keeps the
   * ratio at 1 (freewheeling, or --resample=auto found the other side
   * keeps no pace); @feed_forward_ppb is the ring's measured drift in
   * parts per billion, INT64_MIN while unknown. Relaxed: each is a value
   * on its own, the callback uses whichever it sees. */
  atomic_uint_least64_t target;
  atomic_uint_least64_t skip_above;
  atomic_bool resampling;
  atomic_int_least64_t feed_forward_ppb;
  /* xruns counted by the xrun callback; the callback holds the loop's
   * integral when it moves. Relaxed: a count. */
  atomic_uint_least64_t xrun_count;

  /* The latest cycle's times, for the main thread's measure of JACK's
   * rate (drift-measure.c): the frame time extended to 64 bits and its
   * time on JACK's clock in microseconds, under a sequence count that is
   * odd while the callback writes them (a seqlock: the callback release-
   * stores the count after the values, the reader acquire-loads it
   * before and checks it after). Not written while freewheeling. */
  atomic_uint_least64_t cycle_seq;
  atomic_uint_least64_t cycle_frames;
  atomic_uint_least64_t cycle_usecs;

  /* Written by the callback only; the main thread reads them. Relaxed
   * unless said otherwise: statistics, nothing is published through them. */
  atomic_uint_least64_t cycles;         /* completed callbacks; see swap */
  atomic_uint_least64_t frames;         /* frames moved through the ring */
  /* play: times the ring ran dry, a cycle that came up short after one
   * that did not (not the ring's underruns, which count every short read) */
  atomic_uint_least64_t ran_dry;
  atomic_uint_least64_t silent_frames;  /* play: frames of silence output */
  atomic_uint_least64_t skipped_frames; /* play: frames dropped by max_fill */
  /* record: times the ring filled up, a cycle that came up short after
   * one that did not (not the ring's overruns, which count every short
   * write) */
  atomic_uint_least64_t filled_up;
  atomic_uint_least64_t dropped_frames; /* record: input frames lost */
  atomic_uint_least64_t fill;           /* frames queued in the ring (play:
                                         * after any skip; with resampling,
                                         * plus the frames staged) */
  /* resampling: the correction in parts per billion (the ratio is
   * 1 / (1 + correction)), the smoothed fill in millionths of a frame,
   * and input frames the stage could not take (never, unless a bug) */
  atomic_int_least64_t correction_ppb;
  atomic_uint_least64_t smoothed_fill_uf;
  atomic_uint_least64_t stage_lost;
  /* play --reader: the reader's gaps by cause (RbGapCause), and their
   * frames (an underrun's: the silent frames it marked) */
  atomic_uint_least64_t gaps[RB_JACK_N_GAP_CAUSES];
  atomic_uint_least64_t gap_frames[RB_JACK_N_GAP_CAUSES];

  /* Private to the callback: written by the main thread only while no
   * callback can run (before jack_activate()). */
  bool short_last;              /* the last cycle came up short */
  struct {                      /* JACK's 32-bit frame time, extended */
    bool have;                  /* seen one since the reset */
    jack_nframes_t last;        /* the last one seen */
    uint64_t high;              /* the wraps, in the high 32 bits */
    uint64_t now;               /* this cycle's, extended */
  } frame_time;
  RbJackDrift drift;            /* the fill controller's state */
  struct {                      /* the peer's place between its blocks */
    bool have;                  /* its loop known, the mean started */
    double mean;                /* the offset's slow mean, frames */
  } peer_phase;
  RbRing *last_ring;            /* the ring of the last cycle */
  bool was_resampling;          /* the last cycle resampled */
  uint64_t xruns_seen;
} RbJackRt;

/* rt-control.c: the main thread's side (not realtime). */
void rb_jack_rt_init       (RbJackRt           *rt,
                            RbJackMode          mode);
void rb_jack_rt_reset_clock (RbJackRt          *rt);
/* The latest cycle's times (see cycle_seq), FALSE if none yet or the
 * callback kept writing them. */
bool rb_jack_rt_read_cycle (RbJackRt           *rt,
                            uint64_t           *frames,
                            uint64_t           *usecs);

/* Makes the callback use @ring (which may be NULL) and
 * returns once no callback can still be using the previous ring, or FALSE
 * if the callback made no progress within @timeout_us (the previous ring
 * may still be in use: keep it alive). */
bool rb_jack_rt_swap_ring  (RbJackRt           *rt,
                            RbRing             *ring,
                            int64_t             timeout_us);

/* The same for the tap of play --reader (@tap may be NULL). */
bool rb_jack_rt_swap_tap   (RbJackRt           *rt,
                            RbJackTap          *tap,
                            int64_t             timeout_us);

/* A tap reading @ring (an overwrite ring) with @policy (catch-up, or
 * latest within @target_frames), or NULL with @error (the library's). */
RbJackTap *rb_jack_tap_new (RbRing             *ring,
                            RbReaderPolicy      policy,
                            uint64_t            target_frames,
                            GError            **error);
void rb_jack_tap_free      (RbJackTap          *tap);

/* rt.c: the process thread's side. */

/* The pure process function: one cycle of @nframes frames on @buffers
 * (one per port, rt->n_ports of them). What tests drive without a
 * server. */
void rb_jack_rt_cycle      (RbJackRt           *rt,
                            float *const       *buffers,
                            jack_nframes_t      nframes,
                            const RbJackCycle  *cycle);

/* The JackProcessCallback: gets the port buffers and cycle times from
 * JACK and runs rb_jack_rt_cycle(). @arg is the RbJackRt. */
int  rb_jack_rt_process    (jack_nframes_t      nframes,
                            void               *arg);
