/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

#include "bench-json.h"

#include <ringbridge/ringbridge.h>

#include <math.h>

/* {"program":@program,"version":"x.y.z" -- the caller goes on with ",". */
GString *
bench_json_begin (const char *program)
{
  GString *json = g_string_new ("{\"program\":");

  bench_json_string (json, program);
  g_string_append (json, ",\"version\":");
  bench_json_string (json, RB_VERSION_STRING);
  return json;
}

const char *
bench_json_bool (bool b)
{
  return b ? "true" : "false";
}

void
bench_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++) {
    unsigned char ch = (unsigned char) *s;
    if (ch == '"' || ch == '\\')
      g_string_append_printf (out, "\\%c", ch);
    else if (ch < 0x20)
      g_string_append_printf (out, "\\u%04x", ch);
    else
      g_string_append_c (out, (char) ch);
  }
  g_string_append_c (out, '"');
}

void
bench_json_number (GString *out, double v)
{
  if (isfinite (v))
    g_string_append_printf (out, "%.6g", v);
  else
    g_string_append (out, "null");
}

void
bench_json_array (GString *out, const double *v, size_t n)
{
  g_string_append_c (out, '[');
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      g_string_append_c (out, ',');
    bench_json_number (out, v[i]);
  }
  g_string_append_c (out, ']');
}

/* ,"@key":@v */
void
bench_json_key_number (GString *out, const char *key, double v)
{
  g_string_append_printf (out, ",\"%s\":", key);
  bench_json_number (out, v);
}

/* "key":{"name":[@len values],...}; @arrays indexed like @names, NULL where
 * a peer is missing (written as null). */
void
bench_json_object_of_arrays (GString *out, const char *key,
    const char *const *names, double *const *arrays, int n, size_t len)
{
  g_string_append_printf (out, "\"%s\":{", key);
  for (int i = 0; i < n; i++) {
    g_string_append_printf (out, "%s\"%s\":", i ? "," : "", names[i]);
    if (arrays[i] == NULL)
      g_string_append (out, "null");
    else
      bench_json_array (out, arrays[i], len);
  }
  g_string_append_c (out, '}');
}

/* "key":{"name":value,...} */
void
bench_json_object_of_numbers (GString *out, const char *key,
    const char *const *names, const double *values, int n)
{
  g_string_append_printf (out, "\"%s\":{", key);
  for (int i = 0; i < n; i++) {
    g_string_append_printf (out, "%s\"%s\":", i ? "," : "", names[i]);
    bench_json_number (out, values[i]);
  }
  g_string_append_c (out, '}');
}

/* Prints @json as the last line of the output, for scripts, and writes it
 * to @path unless NULL. FALSE (with a message) if the file cannot be
 * written. */
gboolean
bench_json_emit (const GString *json, const char *path)
{
  g_autoptr (GError) error = NULL;

  g_print ("%s\n", json->str);
  if (path != NULL &&
      !g_file_set_contents (path, json->str, (gssize) json->len, &error)) {
    g_printerr ("error: %s\n", error->message);
    return FALSE;
  }
  return TRUE;
}
