/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Everything ringbridge-jack runs in JACK's process thread, and nothing
 * else. A cycle costs a handful of ring calls, one conversion straight
 * between the ring and the port buffers, and relaxed stores to counters;
 * the main thread does all the talking. tests/jack/check-rt-symbols.py
 * fails the build's tests if this file's object calls anything outside
 * its list (memset, two JACK calls, the ring's RT-safe calls). */

#include "rt.h"

#include <math.h>
#include <string.h>

/* RealtimeSanitizer's manual entry points, weak: in a normal build they
 * are NULL and cost the callback two tests; a test build that links the
 * RTSan runtime (tests/jack) gets every malloc, lock or stdio call inside
 * the callback reported, in a real JACK process thread. */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp):
 * RTSan's names, not ours */
extern void __rtsan_realtime_enter (void) __attribute__ ((weak));
extern void __rtsan_realtime_exit (void) __attribute__ ((weak));
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

/* relaxed add for counters with a single writer (this thread): no atomic
 * read-modify-write needed, and the main thread reads whole values */
static inline void
bump (atomic_uint_least64_t *counter, uint64_t n)
{
  /* relaxed: statistics; only this thread writes them */
  atomic_store_explicit (counter,
      atomic_load_explicit (counter, memory_order_relaxed) + n,
      memory_order_relaxed);
}

/* Frames queued between producer and consumer: what either side adds to
 * the latency. The positions only grow; a peer's impossible positions
 * are clamped rather than trusted. */
static uint64_t
frames_between (RbRing *ring, uint64_t w, uint64_t r)
{
  uint64_t cap = rb_ring_get_capacity (ring);
  uint64_t used = w - r;

  if ((int64_t) used < 0)
    used = 0;
  if (used > cap)
    used = cap;
  return used / rb_ring_get_frame_size (ring);
}

static uint64_t
queued_frames (RbRing *ring)
{
  return frames_between (ring, rb_ring_get_write_position (ring),
      rb_ring_get_read_position (ring));
}

/* JACK's frame time is 32 bits and wraps after a day at 48 kHz; the
 * ring's clock point takes 64. Frame time only moves forward, so going
 * back means it wrapped. */
static uint64_t
extend_frame_time (RbJackRt *rt, jack_nframes_t now)
{
  if (rt->frame_time.have && now < rt->frame_time.last)
    rt->frame_time.high += (uint64_t) 1 << 32;
  rt->frame_time.have = true;
  rt->frame_time.last = now;
  return rt->frame_time.high | now;
}

/* The cycle's start on CLOCK_MONOTONIC (JACK's clock plus the offset the
 * main thread measures), or 0 when the cycle times say nothing: no times,
 * or JACK freewheeling (faster than real time). */
static int64_t
cycle_time_ns (RbJackRt *rt, const RbJackCycle *cycle)
{
  /* relaxed: the freewheel callback's hint, and an offset that is a
   * value on its own (see RbJackRt) */
  if (!cycle->valid ||
      atomic_load_explicit (&rt->freewheeling, memory_order_relaxed))
    return 0;
  return (int64_t) cycle->usecs * 1000 +
      atomic_load_explicit (&rt->clock_offset_ns, memory_order_relaxed);
}

/* Stamps our side of the ring with JACK's time: play's read position or
 * record's write position @pos stood at the cycle's start. The peer then
 * sees JACK's rate on its ring (docs/clocks.md), and the callback reads
 * no clock. The stamp call is RT-safe (no clock, no system call); a
 * refused one (a position that did not move) is no matter. */
static void
stamp_side (RbJackRt *rt, RbRing *ring, uint64_t pos,
    const RbJackCycle *cycle)
{
  int64_t t = cycle_time_ns (rt, cycle);

  if (t <= 0)
    return;
  if (rt->mode == RB_JACK_PLAY)
    rb_ring_stamp_consumer (ring, pos, t);
  else
    rb_ring_stamp_producer (ring, pos, t);
}

/* Publishes the cycle's times for the main thread's measure of JACK's
 * rate (see RbJackRt.cycle_seq). */
static void
publish_cycle (RbJackRt *rt, const RbJackCycle *cycle)
{
  uint64_t seq;

  /* relaxed: the freewheel hint (see RbJackRt) */
  if (!cycle->valid ||
      atomic_load_explicit (&rt->freewheeling, memory_order_relaxed))
    return;
  /* relaxed: only this thread writes the count */
  seq = atomic_load_explicit (&rt->cycle_seq, memory_order_relaxed);
  atomic_store_explicit (&rt->cycle_seq, seq + 1, memory_order_relaxed);
  /* release fence: the odd count is visible before the values change;
   * pairs with the acquire fence in rb_jack_rt_read_cycle() */
  atomic_thread_fence (memory_order_release);
  /* relaxed: ordered by the fence above and the release store below */
  atomic_store_explicit (&rt->cycle_frames, rt->frame_time.now,
      memory_order_relaxed);
  atomic_store_explicit (&rt->cycle_usecs, cycle->usecs,
      memory_order_relaxed);
  /* release: the values before the even count; pairs with the acquire
   * load in rb_jack_rt_read_cycle() */
  atomic_store_explicit (&rt->cycle_seq, seq + 2, memory_order_release);
}

/* Drops the oldest of the @queued frames so that @keep remain (fewer if
 * the ring's skip says so), counting them; returns the frames queued
 * then. @keep < @queued. */
static uint64_t
skip_to (RbJackRt *rt, RbRing *ring, uint64_t queued, uint64_t keep)
{
  size_t fs = rb_ring_get_frame_size (ring);
  /* never more than asked for, so less than @queued */
  uint64_t skipped = rb_ring_skip (ring, (size_t) (queued - keep) * fs) / fs;

  bump (&rt->skipped_frames, skipped);
  return queued - skipped;
}

/* @out[c] = @buffers[c] + @at, for each port */
static void
ports_at (const RbJackRt *rt, float **out, float *const *buffers, size_t at)
{
  for (unsigned c = 0; c < rt->n_ports; c++)
    /* rb_jack_rt_process() set buffers[0 .. n_ports); n_ports does not
     * change while the client is active, which the analyzer cannot see
     * across the JACK calls in between */
    /* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
    out[c] = buffers[c] + at;
}

/* The end of a cycle that moved @done of its @nframes: a short cycle
 * counts once in @short_runs while the cycles stay short (not per short
 * cycle: the ring's own underruns and overruns counters, in the library,
 * count every short read or write), its missing frames in @missed. */
static void
count_cycle (RbJackRt *rt, size_t nframes, size_t done,
    atomic_uint_least64_t *short_runs, atomic_uint_least64_t *missed)
{
  if (done < nframes) {
    if (!rt->short_last)
      bump (short_runs, 1);
    bump (missed, nframes - done);
  }
  rt->short_last = done < nframes;
  bump (&rt->frames, done);
}

static void play_tail (RbJackRt *rt, float *const *buffers,
    jack_nframes_t nframes, size_t got);

static void
play (RbJackRt *rt, RbRing *ring, float *const *buffers,
    jack_nframes_t nframes, const RbJackCycle *cycle)
{
  size_t got = 0;

  if (ring != NULL) {
    uint64_t queued = queued_frames (ring);

    /* The fill is the latency: keep at most max_fill frames once this
     * cycle's read is done, by dropping the oldest. A producer that got
     * ahead (record started before play, a cycle play missed) would
     * otherwise keep the delay it built up for good. On an overwrite ring
     * that lapped us, queued_frames() says the capacity and the skip
     * first catches up past what was overwritten, so at most max_fill
     * frames remain all the same. */
    if (rt->max_fill != 0 && queued > rt->max_fill + nframes)
      queued = skip_to (rt, ring, queued, rt->max_fill + nframes);
    /* relaxed: a statistic for the latency report */
    atomic_store_explicit (&rt->fill, queued, memory_order_relaxed);
    /* the frame read first plays at the cycle's start */
    stamp_side (rt, ring, rb_ring_get_read_position (ring), cycle);
    got = rb_ring_read_deinterleaved (ring, buffers, rt->n_ports, nframes);
  }
  play_tail (rt, buffers, nframes, got);
}

/* Play's end of a cycle: silence after the @got frames output, and the
 * counts. */
static void
play_tail (RbJackRt *rt, float *const *buffers, jack_nframes_t nframes,
    size_t got)
{
  if (got < nframes) {
    float *rest[RB_RING_MAX_CHANNELS];

    ports_at (rt, rest, buffers, got);
    for (unsigned c = 0; c < rt->n_ports; c++)
      memset (rest[c], 0, (nframes - got) * sizeof (float));
  }
  /* once per time the ring runs dry */
  count_cycle (rt, nframes, got, &rt->ran_dry, &rt->silent_frames);
}

/* Play --reader: the tap's reader (its policy decides what is read: all
 * the ring still holds, or the newest within the target) into the
 * stage, and out of it converted into the ports, in pieces of at most the
 * stage's size. A short cycle is the reader's underrun (the silent
 * frames, rb_ring_reader_mark_underrun()); every gap the journal holds
 * then is counted by cause. The reader stamps nothing: the ring's timing
 * is its producer's and consumer's. */
static void
play_reader (RbJackRt *rt, RbJackTap *tap, float *const *buffers,
    jack_nframes_t nframes)
{
  size_t fs = tap->frame_size;
  size_t got = 0;
  RbGap gap;

  while (got < nframes) {
    float *out[RB_RING_MAX_CHANNELS];
    gsize room = 0;
    guint8 *p = rb_ring_write_acquire (tap->stage, &room);
    size_t want = room / fs < nframes - got ? room / fs : nframes - got;
    size_t n;

    if (p == NULL || want == 0)
      break;
    n = rb_ring_reader_read_frames (tap->reader, p, want);
    rb_ring_write_commit (tap->stage, n * fs);
    ports_at (rt, out, buffers, got);
    got += rb_ring_read_deinterleaved (tap->stage, out, rt->n_ports, n);
    if (n < want)
      break;
  }
  if (got < nframes)
    rb_ring_reader_mark_underrun (tap->reader, (nframes - got) * fs);
  while (rb_ring_reader_pop_gap (tap->reader, &gap)) {
    unsigned cause = (unsigned) gap.cause < RB_JACK_N_GAP_CAUSES ?
        (unsigned) gap.cause : RB_GAP_SKIP;

    bump (&rt->gaps[cause], 1);
    bump (&rt->gap_frames[cause], gap.length / fs);
  }
  /* relaxed: a statistic for the latency report */
  atomic_store_explicit (&rt->fill,
      rb_ring_reader_get_available (tap->reader) / fs, memory_order_relaxed);
  play_tail (rt, buffers, nframes, got);
}

static size_t write_cycle (RbJackRt *rt, RbRing *ring,
    const float *const *frames, size_t n, const RbJackCycle *cycle);

static void
record (RbJackRt *rt, RbRing *ring, float *const *buffers,
    jack_nframes_t nframes, const RbJackCycle *cycle)
{
  size_t put = 0;

  if (ring != NULL) {
    put = write_cycle (rt, ring, (const float *const *) buffers, nframes,
        cycle);
    /* relaxed: a statistic for the latency report */
    atomic_store_explicit (&rt->fill, queued_frames (ring),
        memory_order_relaxed);
  }
  /* once per time the ring fills up */
  count_cycle (rt, nframes, put, &rt->filled_up, &rt->dropped_frames);
}

/* Writes the cycle's @n @frames into the ring and stamps it: the first
 * frame is the one JACK stamped with the cycle's start (with the
 * resampler, to within its delay of a few dozen frames). A cycle that
 * wrote nothing says nothing about where the next frame goes. Returns
 * the frames written. */
static size_t
write_cycle (RbJackRt *rt, RbRing *ring, const float *const *frames,
    size_t n, const RbJackCycle *cycle)
{
  uint64_t pos = rb_ring_get_write_position (ring);
  size_t put = rb_ring_write_deinterleaved (ring, frames, rt->n_ports, n);
  int64_t t = cycle_time_ns (rt, cycle);

  if (put > 0 && t > 0)
    rb_ring_set_clock_point (ring, pos, t, rt->frame_time.now);
  stamp_side (rt, ring, pos, cycle);
  return put;
}

/* --- with the resampler (--resample) ------------------------------------ */

/* The fill the loop holds, in frames: @queued in the ring, and what
 * waits in the resampler (staged, and inside the converter: resample.h),
 * a fraction of a frame included. */
static double
loop_fill (uint64_t queued, const RbJackResampler *rs)
{
  return (double) queued + rb_jack_resampler_waiting (rs);
}

/* The peer's offset from its timing loop, past which the loop is taken
 * for wrong (a stall, a jump: see peer_phase()), in frames; and the time
 * constant of the offset's mean, in seconds: well above the beat's period
 * at the drifts that matter (6.7 s for 64-frame blocks at 200 ppm). */
#define PEER_PHASE_MAX 4096.0
#define PEER_PHASE_MEAN_S 20.0

/* The peer's blocks, as the loop should see them (docs/clocks.md, "The
 * peer's blocks"). The peer moves its position in blocks (a GStreamer
 * buffer, a paced thread's 64 frames), so the fill sampled at JACK's
 * cycles carries a sawtooth of up to a block, which beats slowly against
 * the periods when the two rates are close; the loop would follow the
 * beat with the ratio. The peer's timing loop knows where it stands
 * between its blocks: the loop's line at the cycle's start, less the
 * position @published (the write position for play, the read position
 * for record). That offset's mean (about half a block) is no fill, and a
 * slow average takes it away. Returns the frames to add to the fill read
 * from the positions: 0 when the peer's loop is unknown (no stamps, no
 * cycle times) or strays more than PEER_PHASE_MAX from @published.
 * RT-safe: the ring's maps given the time (no clock read), arithmetic. */
static double
peer_phase (RbJackRt *rt, RbRing *ring, uint64_t published,
    jack_nframes_t nframes, const RbJackCycle *cycle)
{
  int64_t t = cycle_time_ns (rt, cycle);
  uint64_t at = 0;
  bool known = false;
  double d = 0;

  if (t > 0 && cycle->next_usecs > cycle->usecs) {
    /* "now" for the map's checks: no later than the next cycle's start,
     * unless this cycle overran (then the map refuses) */
    int64_t now = t + (int64_t) (cycle->next_usecs - cycle->usecs) * 1000;

    known = rt->mode == RB_JACK_PLAY ?
        rb_ring_time_to_position_full (ring, t, now, &at) :
        rb_ring_consumer_time_to_position_full (ring, t, now, &at);
    d = (double) (int64_t) (at - published) /
        (double) rb_ring_get_frame_size (ring);
  }
  if (!known || fabs (d) > PEER_PHASE_MAX) {
    rt->peer_phase.have = false;
    return 0;
  }
  if (!rt->peer_phase.have) {
    rt->peer_phase.mean = d;
    rt->peer_phase.have = true;
  } else {
    rt->peer_phase.mean += (d - rt->peer_phase.mean) *
        ((double) nframes / rt->rate / PEER_PHASE_MEAN_S);
  }
  /* play: the producer is that far on, so more is queued; record: the
   * consumer is, so less */
  return rt->mode == RB_JACK_PLAY ? d - rt->peer_phase.mean :
      rt->peer_phase.mean - d;
}

/* Stores what the statistics show of the controller. */
static void
publish_drift (RbJackRt *rt, double fill)
{
  /* relaxed: statistics (these three) */
  atomic_store_explicit (&rt->fill, (uint64_t) (fill + 0.5),
      memory_order_relaxed);
  atomic_store_explicit (&rt->correction_ppb,
      (int64_t) (rt->drift.correction * 1e9), memory_order_relaxed);
  atomic_store_explicit (&rt->smoothed_fill_uf,
      (uint64_t) (rt->drift.smoothed * 1e6), memory_order_relaxed);
}

/* The controller's ratio for this cycle, given the fill. Held at 1
 * while JACK freewheels (no clock then). */
static double
drift_ratio (RbJackRt *rt, double fill, jack_nframes_t nframes)
{
  /* relaxed: values on their own (see RbJackRt) */
  uint64_t xruns = atomic_load_explicit (&rt->xrun_count,
      memory_order_relaxed);
  int64_t ff = atomic_load_explicit (&rt->feed_forward_ppb,
      memory_order_relaxed);
  bool xrun = xruns != rt->xruns_seen;

  rt->xruns_seen = xruns;
  if (atomic_load_explicit (&rt->freewheeling, memory_order_relaxed)) {
    rb_jack_drift_reset (&rt->drift);
    return 1.0;
  }
  return rb_jack_drift_step (&rt->drift, fill,
      (double) atomic_load_explicit (&rt->target, memory_order_relaxed),
      ff == INT64_MIN ? NAN : (double) ff * 1e-9, nframes, rt->rate, xrun);
}

/* Play: tops the stage up from the ring to what the period needs at
 * @ratio and resamples it into the ports; more than once when the
 * converter was still filling its history (a fresh start). Returns the
 * frames output. */
static size_t
play_resample (RbJackRt *rt, RbRing *ring, float *const *buffers,
    jack_nframes_t nframes, double ratio)
{
  RbJackResampler *rs = rt->rs;
  size_t made = 0;
  uint64_t lost = 0;

  for (int pass = 0; pass < 4 && made < nframes; pass++) {
    size_t want = (size_t) ((double) (nframes - made) / ratio) + 4;
    float *out[RB_RING_MAX_CHANNELS];
    size_t got = 0;

    if (rs->reset_pending) {
      /* the process call clears the stage first: do it now, so that
       * what is read next is not thrown away */
      rb_jack_resampler_process (rs, 1.0, NULL, 0, buffers, 0, &lost);
    }
    if (rs->staged < want && want <= rs->stage_cap) {
      ports_at (rt, out, rs->stage, rs->staged);
      got = rb_ring_read_deinterleaved (ring, out, rt->n_ports,
          want - rs->staged);
      rs->staged += got;
    }
    ports_at (rt, out, buffers, made);
    size_t m = rb_jack_resampler_process (rs, ratio, NULL, 0, out,
        nframes - made, &lost);
    made += m;
    if (got == 0 && m == 0)
      break;
  }
  return made;
}

/* A new ring (or resampling switched on): the resampler's history and
 * the loop's state belong to the old one. */
static void
follow_ring (RbJackRt *rt, RbRing *ring)
{
  if (ring == rt->last_ring)
    return;
  rt->rs->reset_pending = true;
  rb_jack_drift_reset (&rt->drift);
  rt->peer_phase.have = false;
  rt->last_ring = ring;
}

static void
play_resampled (RbJackRt *rt, RbRing *ring, float *const *buffers,
    jack_nframes_t nframes, const RbJackCycle *cycle)
{
  RbJackResampler *rs = rt->rs;
  size_t got = 0;

  follow_ring (rt, ring);
  if (ring != NULL) {
    uint64_t written = rb_ring_get_write_position (ring);
    uint64_t queued = frames_between (ring, written,
        rb_ring_get_read_position (ring));
    /* relaxed: values on their own (see RbJackRt) */
    uint64_t target = atomic_load_explicit (&rt->target,
        memory_order_relaxed);
    uint64_t above = atomic_load_explicit (&rt->skip_above,
        memory_order_relaxed);

    /* The last resort, far above the target: a producer that started
     * long before play, or one faster than the ratio's bound. Back to
     * the target at once; the loop would take minutes. */
    if (above != 0 && queued > above) {
      queued = skip_to (rt, ring, queued, target);
      /* the fill stepped: smooth afresh from here, keeping the drift
       * the integral has learnt */
      rt->drift.primed = false;
    }
    /* the ring's truth: with the resampler our reads follow the
     * producer's rate, not JACK's (drift-measure.c takes JACK's rate
     * from the cycle times instead) */
    stamp_side (rt, ring, rb_ring_get_read_position (ring), cycle);
    got = play_resample (rt, ring, buffers, nframes,
        drift_ratio (rt, loop_fill (queued, rs) +
            peer_phase (rt, ring, written, nframes, cycle), nframes));
    publish_drift (rt, loop_fill (queued_frames (ring), rs));
  }
  play_tail (rt, buffers, nframes, got);
}

static void
record_resampled (RbJackRt *rt, RbRing *ring, float *const *buffers,
    jack_nframes_t nframes, const RbJackCycle *cycle)
{
  RbJackResampler *rs = rt->rs;
  size_t put = 0, made = 0;
  uint64_t lost = 0;

  follow_ring (rt, ring);
  if (ring != NULL) {
    uint64_t read = rb_ring_get_read_position (ring);
    double ratio = drift_ratio (rt, loop_fill (frames_between (ring,
                rb_ring_get_write_position (ring), read), rs) +
        peer_phase (rt, ring, read, nframes, cycle), nframes);

    made = rb_jack_resampler_process (rs, ratio,
        (const float *const *) buffers, nframes, rs->out, rs->out_cap,
        &lost);
    put = write_cycle (rt, ring, (const float *const *) rs->out, made,
        cycle);
    publish_drift (rt, loop_fill (queued_frames (ring), rs));
    if (lost != 0)
      bump (&rt->stage_lost, lost);
  }
  count_cycle (rt, ring != NULL ? made : nframes, put, &rt->filled_up,
      &rt->dropped_frames);
}

void
rb_jack_rt_cycle (RbJackRt *rt, float *const *buffers,
    jack_nframes_t nframes, const RbJackCycle *cycle)
{
  /* seq_cst: pairs with the seq_cst store in rb_jack_rt_swap_ring(); with
   * the seq_cst cycle count below it lets the main thread know when no
   * cycle can still hold the ring it removed. */
  RbRing *ring = atomic_load_explicit (&rt->ring, memory_order_seq_cst);
  /* seq_cst: pairs with the seq_cst store in rb_jack_rt_swap_tap(), as
   * the ring's above */
  RbJackTap *tap = atomic_load_explicit (&rt->tap, memory_order_seq_cst);

  /* relaxed: the flag needs no data with it; the worst a late look costs
   * is one more cycle of audio before the main thread exits */
  if (atomic_load_explicit (&rt->halted, memory_order_relaxed)) {
    ring = NULL;
    tap = NULL;
  }

  /* The resampler is sized for JACK's largest period; a larger one
   * (which JACK 2 refuses) plays or records without it. Switching it on
   * starts it afresh. relaxed: a flag on its own (see RbJackRt). */
  bool resampling = rt->rs != NULL &&
      nframes <= RB_JACK_RESAMPLER_MAX_PERIOD &&
      atomic_load_explicit (&rt->resampling, memory_order_relaxed);
  if (resampling && !rt->was_resampling)
    rt->last_ring = NULL;
  if (cycle->valid)
    rt->frame_time.now = extend_frame_time (rt, cycle->frames);
  publish_cycle (rt, cycle);
  rt->was_resampling = resampling;
  if (tap != NULL && rt->mode == RB_JACK_PLAY) {
    /* --reader, which never resamples (options.c) */
    play_reader (rt, tap, buffers, nframes);
  } else if (resampling) {
    if (rt->mode == RB_JACK_PLAY)
      play_resampled (rt, ring, buffers, nframes, cycle);
    else
      record_resampled (rt, ring, buffers, nframes, cycle);
  } else if (rt->mode == RB_JACK_PLAY) {
    play (rt, ring, buffers, nframes, cycle);
  } else {
    record (rt, ring, buffers, nframes, cycle);
  }

  /* seq_cst: pairs with the seq_cst load in rb_jack_rt_swap_ring(): once
   * it sees this count, this cycle is done with @ring. */
  atomic_store_explicit (&rt->cycles,
      atomic_load_explicit (&rt->cycles, memory_order_relaxed) + 1,
      memory_order_seq_cst);
}

int
rb_jack_rt_process (jack_nframes_t nframes, void *arg)
{
  RbJackRt *rt = arg;
  float *buffers[RB_RING_MAX_CHANNELS];
  RbJackCycle cycle = { 0 };
  float period_usecs;

  if (__rtsan_realtime_enter != NULL)
    __rtsan_realtime_enter ();

  for (unsigned c = 0; c < rt->n_ports; c++)
    buffers[c] = jack_port_get_buffer (rt->ports[c], nframes);
  /* JACK's own estimate of the cycle's start, from its DLL: steadier than
   * reading a clock here, and no system call */
  cycle.valid = jack_get_cycle_times (rt->client, &cycle.frames, &cycle.usecs,
      &cycle.next_usecs, &period_usecs) == 0;
  rb_jack_rt_cycle (rt, buffers, nframes, &cycle);

  if (__rtsan_realtime_exit != NULL)
    __rtsan_realtime_exit ();
  return 0;
}
