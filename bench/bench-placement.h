/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Placement classes (issue #18): where the hypervisor put the two vCPUs
 * the benchmark threads are pinned to decides much of what a ring can do
 * ("near": sharing a cache, an atomic round trip of about 115 ns on the
 * machine this was written on; "far": about 390 ns). A short atomic
 * ping-pong between the two pinned CPUs before and after each repetition
 * classifies it; a repetition whose class changed on the way is set
 * aside, the others are reported per class. */

#pragma once

#include <stdbool.h>

enum bench_class {
  BENCH_CLASS_NEAR,
  BENCH_CLASS_FAR,
  BENCH_N_CLASSES,
  /* a repetition whose probes disagree, or that was not probed */
  BENCH_CLASS_CHANGED = BENCH_N_CLASSES,
};

/* Round trips below this are "near". Measured on the 2-vCPU AMD EPYC KVM
 * guests this was written on: ~115 ns near, ~390 ns far. */
#define BENCH_PLACEMENT_NEAR_NS 200.0

extern const char *const bench_class_names[BENCH_N_CLASSES + 1];

/* The median round trip, in ns, of an atomic ping-pong between the calling
 * thread and a thread pinned to the consumer's CPU (bench_pin_cpus[1]);
 * the caller is pinned to the producer's. A few milliseconds. */
double bench_placement_probe (void);

enum bench_class bench_placement_class (double round_trip_ns);

/* The class of a repetition whose probes took @before_ns and @after_ns. */
enum bench_class bench_placement_rep_class (double before_ns,
    double after_ns);
