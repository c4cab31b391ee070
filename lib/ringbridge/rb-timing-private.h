/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Drift and time in the ring (docs/clocks.md, "What the ring measures"):
 * each side stamps (position, CLOCK_MONOTONIC) as it publishes, a
 * delay-locked loop per side turns the stamps into that side's rate, and
 * the side publishes the loop's state in its timing block of the shared
 * header (struct rb_shm_timing). C11 and libc only, like the core:
 *
 *   rb-timing-dll.c    the loop (pure arithmetic, unit-tested on its own)
 *   rb-timing.c        stamping, publishing, reading and validating
 *   rb-timing-clock.c  reading the clock; the once-per-process probe of
 *                      whether reading it needs the kernel */

#include <stdbool.h>
#include <stdint.h>

struct rb_ring_core;
struct rb_shm_timing;

/* The loop's bandwidth: wide at the start so it locks fast, then
 * narrowing as 1 / (RB_DLL_NARROWING * time since the start), down to
 * RB_DLL_BW_MIN. Locked once it reached RB_DLL_BW_LOCKED. */
#define RB_DLL_BW_MAX 2.0
#define RB_DLL_BW_LOCKED 0.1
#define RB_DLL_BW_MIN 0.02
#define RB_DLL_NARROWING 3.0

/* A delay-locked loop on irregular stamps: time as a function of
 * position, t(p) = t0 + (p - p0) * spu. Private memory of the side that
 * stamps. */
struct rb_dll {
  int64_t base_ns;              /* first stamp: times are seconds from here */
  uint64_t p0;                  /* position of the latest stamp, units */
  double t0;                    /* its filtered time, s from base_ns */
  double spu;                   /* seconds per unit: 1 / rate; 0 unknown */
  double nominal_spu;           /* 1 / nominal rate, 0 if none */
  double start;                 /* time the loop (re)started, s */
  double bw;                    /* current bandwidth, Hz */
  double err;                   /* mean |error|, s: bounds an outlier */
  int64_t last_ns;              /* raw time of the latest stamp */
  uint64_t n;                   /* stamps since the (re)start */
  uint32_t outliers;            /* stamps skipped in a row */
  double outlier_e;             /* the first one's error, s */
  bool locked;
};

/* Starts @d over; @nominal_rate in units per second, 0 if unknown. */
void     rb_dll_reset               (struct rb_dll *d, double nominal_rate);
/* Feeds one stamp: the position @pos (units, only growing) stood at
 * @t_ns. Stamps that do not advance the position or go back in time are
 * ignored (false). Realtime-safe: arithmetic only. */
bool     rb_dll_update              (struct rb_dll *d, uint64_t pos,
                                     int64_t t_ns);
/* The loop's current rate, units per second, or 0 if unknown. */
double   rb_dll_rate                (const struct rb_dll *d);

/* One side's stamping state, private to that side (struct rb_ring_core). */
struct rb_timing_side {
  bool on;                      /* automatic stamps on publish */
  bool manual;                  /* the caller stamps (rb_timing_stamp) */
  bool kernel_clock;            /* automatic stamps would enter the kernel */
  uint64_t step;                /* bytes between automatic stamps */
  uint64_t next;                /* stamp when the position reaches this */
  struct rb_dll dll;            /* in bytes */
};

enum rb_timing_role { RB_TIMING_PRODUCER = 0, RB_TIMING_CONSUMER = 1 };

/* Called by rb_ring_core_init_identity(): timing on by default for audio
 * rings with a rate (probing the clock once per process: not RT). */
void     rb_timing_core_init        (struct rb_ring_core *c);
/* Turns automatic stamping on or off for one side; @step in bytes, 0 for
 * the default. Not RT (the first call may probe the clock). */
void     rb_timing_enable           (struct rb_ring_core *c,
                                     enum rb_timing_role role, bool on,
                                     uint64_t step);
/* The slow part of a publish that crossed the side's next stamp. RT-safe:
 * reads the clock (vDSO) only where the probe said that needs no kernel. */
void     rb_timing_stamp_auto       (struct rb_ring_core *c,
                                     enum rb_timing_role role, uint64_t pos);
/* A caller-supplied stamp (bytes, CLOCK_MONOTONIC ns): turns automatic
 * stamping off on that side. RT-safe, reads no clock. False if refused
 * (not a frame boundary, beyond the side's position, not after the last). */
bool     rb_timing_stamp            (struct rb_ring_core *c,
                                     enum rb_timing_role role, uint64_t pos,
                                     int64_t t_ns);

/* Why a side's estimate is unknown. Values are RbTimingState's
 * (rb-ring-timing.c checks that they agree). */
enum rb_timing_state {
  RB_TSTATE_OK = 0,
  RB_TSTATE_NO_STAMPS,
  RB_TSTATE_WARMING_UP,
  RB_TSTATE_KERNEL_CLOCK,
  RB_TSTATE_STALE,
  RB_TSTATE_BUSY,
  RB_TSTATE_INVALID,
};

/* A side's estimate as read from the header, validated. */
struct rb_timing_estimate {
  enum rb_timing_state state;
  bool locked;
  bool manual;
  uint64_t position;            /* bytes */
  int64_t time_ns;
  double rate;                  /* bytes per second, > 0 when state OK */
  int64_t age_ns;               /* now - the latest stamp */
  uint64_t stamps;
  double bandwidth;
};

/* An estimate older than this is stale: the side stopped moving. */
#define RB_TIMING_STALE_NS (INT64_C (2) * 1000000000)

/* Reads and validates one side's block against @now_ns (CLOCK_MONOTONIC,
 * read after the caller's other loads). Any thread; bounded retries. */
void     rb_timing_read             (const struct rb_ring_core *c,
                                     enum rb_timing_role role, int64_t now_ns,
                                     struct rb_timing_estimate *est);

/* --- the clock (rb-timing-clock.c) ----------------------------------------- */

/* CLOCK_MONOTONIC in ns (or the test hook's clock); 0 on failure. */
int64_t  rb_timing_now              (void);
/* Whether reading CLOCK_MONOTONIC enters the kernel in this process:
 * probed once (not RT), then a load. @why gets a static explanation. */
bool     rb_timing_clock_needs_kernel (const char **why);
