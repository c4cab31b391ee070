/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-bench's round-trip case (ringbridge-bench-trips.c): an 8-byte
 * message pinged over one ring and ponged back over another, against one
 * atomic counter bounced between the two pinned threads. */

#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Capacity of the two rings of the round-trip case. */
#define LATENCY_CAPACITY (64 * 1024)

enum lat_peer {
  LAT_RB,
  LAT_JACK,
  LAT_PINGPONG,
  N_LAT_PEERS
};

extern const char *const lat_peer_names[N_LAT_PEERS];

/* Runs one round-trip peer over @n_measured trips (after a warm-up), one
 * of them corrupted if @inject, using @samples (n_measured values) as
 * scratch; returns the median, p99 and the mean up to the p99 in ns, and
 * sets *bad nonzero if a message came back wrong. */
void run_trips (enum lat_peer peer, uint64_t n_measured, bool inject,
    uint64_t *samples, double *median, double *p99, double *mean,
    uint64_t *bad);
