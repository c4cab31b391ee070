/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The main() of a GLib test program, once: a table of cases, in the order
 * they run, and one call that initialises GTest, adds them and runs them.
 * Header-only, so each test program includes it without a new library. */

#pragma once

#include <glib.h>

/* A fixture: its size, and what makes it before each case that uses it
 * and takes it apart after (either may be NULL). */
typedef struct
{
  gsize size;
  GTestFixtureFunc setup;
  GTestFixtureFunc teardown;
} RbTestFixture;

typedef struct
{
  const char *path;
  GTestFunc func;            /* a plain case, or NULL with data_func */
  GTestDataFunc data_func;   /* a case that takes data */
  gconstpointer data;
  const RbTestFixture *fixture;   /* with fixture_func: a case on a fixture */
  GTestFixtureFunc fixture_func;  /* takes the fixture and data */
} RbTestCase;

/* A row of a case table: @func, given a fresh @fixture (an RbTestFixture)
 * of its own. */
#define RB_TEST_FIXTURE_CASE(path, fixture, func) \
  { (path), NULL, NULL, NULL, &(fixture), (GTestFixtureFunc) (func) }

/* @object, made by a call that sets *@error when it fails: returned, or
 * the test fails with the error. Pass &error, not error: the call must
 * have returned before *@error is read. */
static inline gpointer
rb_test_made (gpointer object, GError **error)
{
  g_assert_no_error (*error);
  g_assert_nonnull (object);
  return object;
}

/* Adds each case of @cases in order. */
static inline void
rb_test_add_cases (const RbTestCase *cases, gsize n_cases)
{
  for (gsize i = 0; i < n_cases; i++) {
    const RbTestFixture *fixture = cases[i].fixture;

    if (fixture != NULL)
      g_test_add_vtable (cases[i].path, fixture->size, cases[i].data,
          fixture->setup, cases[i].fixture_func, fixture->teardown);
    else if (cases[i].data_func != NULL)
      g_test_add_data_func (cases[i].path, cases[i].data,
          cases[i].data_func);
    else
      g_test_add_func (cases[i].path, cases[i].func);
  }
}

/* g_test_init(), the cases of @cases, then @add_more (may be NULL) for
 * the cases a program makes in a loop, then g_test_run(). */
static inline int
rb_test_main (int *argc, char ***argv, const RbTestCase *cases,
    gsize n_cases, void (*add_more) (void))
{
  g_test_init (argc, argv, NULL);
  rb_test_add_cases (cases, n_cases);
  if (add_more != NULL)
    add_more ();
  return g_test_run ();
}

/* main() for a program whose cases are the table @cases, then those
 * @add_more (a function, or NULL) adds. */
#define RB_TEST_MAIN_MORE(cases, add_more) \
  int \
  main (int argc, char **argv) \
  { \
    return rb_test_main (&argc, &argv, cases, G_N_ELEMENTS (cases), \
        add_more); \
  }

/* main() for a program whose cases are all in the table @cases. */
#define RB_TEST_MAIN(cases) RB_TEST_MAIN_MORE (cases, NULL)
