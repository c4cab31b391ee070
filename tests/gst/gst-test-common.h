/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* Helpers shared by the element tests. */

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <ringbridge/ringbridge.h>

#include <dirent.h>
#include <string.h>
#include <unistd.h>

#define AUDIO_CAPS "audio/x-raw, format=S16LE, rate=48000, channels=2, " \
  "layout=interleaved"

/* The tests of a file, in the order RB_TEST defines them (constructors
 * run in the order of definition), so that none is forgotten in a list. */
static struct {
  TFun fn;
  const gchar *name;
} rb_tests[64];
static guint rb_n_tests;

static inline void
rb_register_test (TFun fn, const gchar * name)
{
  g_assert (rb_n_tests < G_N_ELEMENTS (rb_tests));
  rb_tests[rb_n_tests].fn = fn;
  rb_tests[rb_n_tests].name = name;
  rb_n_tests++;
}

/* GST_START_TEST, and the test registered for RB_TEST_MAIN. */
#define RB_TEST(name) \
  static void name (int G_GNUC_UNUSED __i__); \
  static void __attribute__ ((constructor)) name ## _register (void) \
  { \
    rb_register_test (name, #name); \
  } \
  GST_START_TEST (name)

/* A suite "ringbridge-@suite" of every RB_TEST of the file, in one test
 * case with @timeout seconds per test (0: check's default), and main(). */
#define RB_TEST_MAIN(suite, timeout) \
  static Suite * \
  suite ## _suite (void) \
  { \
    Suite *s = suite_create ("ringbridge-" #suite); \
    TCase *tc = tcase_create ("general"); \
    \
    if ((timeout) > 0) \
      tcase_set_timeout (tc, (timeout)); \
    suite_add_tcase (s, tc); \
    for (guint i = 0; i < rb_n_tests; i++) \
      _tcase_add_test (tc, rb_tests[i].fn, rb_tests[i].name, 0, 0, 0, 1); \
    return s; \
  } \
  GST_CHECK_MAIN (suite)

static guint test_ring_counter;

/* A ring name of this process, so parallel test runs never meet. */
static inline gchar *
test_ring_name (const gchar * tag)
{
  return g_strdup_printf ("gsttest-%u-%s-%u", (guint) getpid (), tag,
      test_ring_counter++);
}

static inline GstElement *
make_element (const gchar * factory, const gchar * first_property, ...)
{
  GstElement *el = gst_element_factory_make (factory, NULL);
  va_list args;

  fail_unless (el != NULL, "no element %s", factory);
  va_start (args, first_property);
  if (first_property != NULL)
    g_object_set_valist (G_OBJECT (el), first_property, args);
  va_end (args);
  return el;
}

/* A named mono S16LE ring, made as its producer. */
static inline RbRing *
open_producer (const gchar * name)
{
  g_autoptr (GError) error = NULL;
  RbRing *ring = rb_ring_create_audio (name, RB_SAMPLE_FORMAT_S16LE, 1,
      8000, 4096, RB_RING_FLAGS_NONE, RB_RING_ROLE_PRODUCER, 0600, &error);

  fail_unless (ring != NULL, "%s", error ? error->message : "");
  return ring;
}

/* The tests' small audio ring, as AUDIO_CAPS says: stereo S16LE at
 * 48 kHz, 1024 frames. */
static inline RbRing *
small_audio_ring (void)
{
  return rb_ring_new_audio (RB_SAMPLE_FORMAT_S16LE, 2, 48000, 1024,
      RB_RING_FLAGS_NONE, NULL);
}

/* A harness around a ringsink that is configured before it starts. Sinks
 * a floating reference (the harness keeps its own). */
static inline GstHarness *
sink_harness (GstElement * sink, const gchar * caps)
{
  GstHarness *h;

  g_object_set (sink, "sync", FALSE, NULL);
  gst_object_ref_sink (sink);
  h = gst_harness_new_with_element (sink, "sink", NULL);
  gst_object_unref (sink);
  if (caps != NULL)
    gst_harness_set_src_caps_str (h, caps);
  return h;
}

static inline GstHarness *
src_harness (GstElement * src)
{
  GstHarness *h;

  gst_object_ref_sink (src);
  h = gst_harness_new_with_element (src, NULL, "src");
  gst_object_unref (src);

  gst_harness_play (h);
  return h;
}

/* A ringsink (@factory "ringsink") or ringsrc on a new ring name of this
 * process (test_ring_name (@tag), returned in *@name unless @name is
 * NULL), set up with the
 * properties from @first_property on, in a harness (sink_harness() with
 * @caps, or src_harness()). */
static inline GstHarness *
named_harness (const gchar * factory, const gchar * tag, gchar ** name,
    const gchar * caps, const gchar * first_property, ...)
{
  GstElement *el = make_element (factory, NULL);
  g_autofree gchar *ring_name = test_ring_name (tag);
  va_list args;

  g_object_set (el, "ring-name", ring_name, NULL);
  if (name != NULL)
    *name = g_steal_pointer (&ring_name);
  va_start (args, first_property);
  if (first_property != NULL)
    g_object_set_valist (G_OBJECT (el), first_property, args);
  va_end (args);
  return g_str_equal (factory, "ringsink") ? sink_harness (el, caps) :
      src_harness (el);
}

static inline GstBuffer *
pattern_buffer (gsize size, guint seed)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < size; i++)
    map.data[i] = (guint8) ((i * 31 + seed * 7 + (i >> 8)) & 0xff);
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* The @size bytes at @data are pattern_buffer (@size, @seed)'s. */
static inline void
expect_pattern (const guint8 * data, gsize size, guint seed)
{
  GstBuffer *want = pattern_buffer (size, seed);

  fail_unless (gst_buffer_memcmp (want, 0, data, size) == 0,
      "%" G_GSIZE_FORMAT " bytes differ from pattern %u", size, seed);
  gst_buffer_unref (want);
}

/* Appends @buf's bytes to @out. */
static inline void
append_buffer (GByteArray * out, GstBuffer * buf)
{
  GstMapInfo map;

  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  g_byte_array_append (out, map.data, map.size);
  gst_buffer_unmap (buf, &map);
}

/* Pulls buffers of at most @max_size bytes (0: any) from @h's source
 * until they carry as many bytes as @want, and compares them with it. */
static inline void
expect_bytes (GstHarness * h, GstBuffer * want, gsize max_size)
{
  gsize size = gst_buffer_get_size (want);
  GByteArray *out = g_byte_array_new ();

  while (out->len < size) {
    GstBuffer *buf = gst_harness_pull (h);

    fail_unless (buf != NULL, "%u of %" G_GSIZE_FORMAT " bytes came",
        out->len, size);
    fail_unless (max_size == 0 || gst_buffer_get_size (buf) <= max_size);
    append_buffer (out, buf);
    gst_buffer_unref (buf);
  }
  fail_unless_equals_int (out->len, size);
  fail_unless (gst_buffer_memcmp (want, 0, out->data, size) == 0);
  g_byte_array_unref (out);
}

/* The next event of @type from @h's source, the ones before it dropped. */
static inline GstEvent *
pull_event_of_type (GstHarness * h, GstEventType type)
{
  for (;;) {
    GstEvent *ev = gst_harness_pull_event (h);

    fail_unless (ev != NULL, "no %s event", gst_event_type_get_name (type));
    if (GST_EVENT_TYPE (ev) == type)
      return ev;
    gst_event_unref (ev);
  }
}

/* The error the element posted on @bus, checked against @domain/@code. */
static inline gchar *
expect_error (GstBus * bus, GQuark domain, gint code)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
      GST_MESSAGE_ERROR);
  GError *err = NULL;
  gchar *dbg = NULL, *text;

  fail_unless (msg != NULL, "no error message");
  gst_message_parse_error (msg, &err, &dbg);
  fail_unless (g_error_matches (err, domain, code),
      "expected %s %d, got %s %d: %s", g_quark_to_string (domain), code,
      g_quark_to_string (err->domain), err->code, err->message);
  text = g_strdup (err->message);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  return text;
}

static inline GstBus *
watch_bus (GstElement * el)
{
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (el, bus);
  return bus;
}

/* The element holds the bus and the bus's messages hold the element: cut
 * the cycle. */
static inline void
unwatch_bus (GstElement * el, GstBus * bus)
{
  gst_bus_set_flushing (bus, TRUE);
  gst_element_set_bus (el, NULL);
  gst_object_unref (bus);
}

/* Takes @el: its change to @state fails with the error @domain/@code,
 * whose message holds @text (NULL: any). */
static inline void
expect_state_error (GstElement * el, GstState state, GQuark domain,
    gint code, const gchar * text)
{
  GstBus *bus = watch_bus (el);
  gchar *msg;

  fail_unless_equals_int (gst_element_set_state (el, state),
      GST_STATE_CHANGE_FAILURE);
  msg = expect_error (bus, domain, code);
  fail_unless (text == NULL || strstr (msg, text) != NULL, "%s", msg);
  g_free (msg);
  gst_element_set_state (el, GST_STATE_NULL);
  unwatch_bus (el, bus);
  gst_object_unref (el);
}

static inline guint
count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  fail_unless (dir != NULL);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

/* Rings of this process's tests (other programs on the machine may make
 * and remove rings of their own meanwhile). */
static inline guint
count_shm_rings (void)
{
  GDir *dir = g_dir_open ("/dev/shm", 0, NULL);
  g_autofree gchar *prefix = g_strdup_printf ("ringbridge-gsttest-%u-",
      (guint) getpid ());
  const gchar *name;
  guint n = 0;

  fail_unless (dir != NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      n++;
  g_dir_close (dir);
  return n;
}
