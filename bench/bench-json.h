/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The JSON the benchmarks print as their last line (and write with
 * --json), built in a GString: bench/plot-results and the figures in docs/
 * read it, so every key and number format here is an interface. Numbers
 * are "%.6g", NaN and infinities null. */

#pragma once

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>

GString *bench_json_begin (const char *program);

const char *bench_json_bool (bool b);

void bench_json_string (GString *out, const char *s);

void bench_json_number (GString *out, double v);

void bench_json_array (GString *out, const double *v, size_t n);

void bench_json_key_number (GString *out, const char *key, double v);

void bench_json_object_of_arrays (GString *out, const char *key,
    const char *const *names, double *const *arrays, int n, size_t len);

void bench_json_object_of_numbers (GString *out, const char *key,
    const char *const *names, const double *values, int n);

gboolean bench_json_emit (const GString *json, const char *path);
