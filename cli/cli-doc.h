/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The shape of a program's documentation, shared by ringbridge-jack and
 * ringbridge-stat. Each program fills a CliDocPage in its doc header
 * (jack/ringbridge-jack-doc.h, tools/ringbridge-stat-doc.h); --help prints
 * it (cli-common.c) and the manual page is generated from it at build time
 * (gen-man.c), so the two cannot disagree. Plain C and libc only, because
 * the generator is built for the build machine.
 *
 * Markup inside the strings: B("x") is bold in the manual page, I("x")
 * italic; --help prints both as plain text. */

#include <stddef.h>

#define B(s) "\001" s "\002"
#define I(s) "\003" s "\002"

typedef struct {
  char short_name;              /* 0 for none */
  const char *long_name;
  const char *arg;              /* NULL: no argument */
  int arg_optional;             /* --name[=ARG] */
  const char *help;
} CliDocOption;

typedef struct {
  const char *term;
  const char *text;
} CliDocItem;

/* A section of the manual page after OPTIONS: an optional paragraph, an
 * optional list of items, an optional closing paragraph. */
typedef struct {
  const char *heading;          /* NULL ends a list of sections */
  const char *intro;            /* NULL: none */
  const CliDocItem *items;      /* NULL: none; ends at a NULL term */
  int roman_terms;              /* the items' terms in roman, not bold */
  const char *outro;            /* NULL: none */
} CliDocSection;

typedef struct {
  const char *program;
  const char *summary;          /* lower case, no full stop */
  const char *const *synopsis;  /* lines, each with the program's name */
  const char *const *description;       /* paragraphs; --help prints the
                                         * first */
  const CliDocOption *options;  /* ends at a NULL long_name */
  const CliDocItem *exit_status;
  const char *exit_note;
  const char *help_more;        /* --help's last line: "<this>: man PROGRAM" */
  const CliDocSection *sections;        /* the manual page's, after OPTIONS */
  const char *see_also;
} CliDocPage;

/* The page of a program whose doc header names its tables PREFIX_doc_*
 * (synopsis, description, options, exit_status, exit_note, sections,
 * see_also), as both programs' do. */
#define CLI_DOC_PAGE(prefix, program_name, summary_text, more) \
  { \
    .program = (program_name), \
    .summary = (summary_text), \
    .synopsis = prefix##_doc_synopsis, \
    .description = prefix##_doc_description, \
    .options = prefix##_doc_options, \
    .exit_status = prefix##_doc_exit_status, \
    .exit_note = prefix##_doc_exit_note, \
    .help_more = (more), \
    .sections = prefix##_doc_sections, \
    .see_also = prefix##_doc_see_also, \
  }

/* The end of a program's list of sections: FILES (paragraph
 * PREFIX_doc_files), EXAMPLES (items PREFIX_doc_examples), and the NULL
 * heading that ends the list. */
#define CLI_DOC_LAST_SECTIONS(prefix) \
  { "FILES", prefix##_doc_files, NULL, 0, NULL }, \
  { "EXAMPLES", NULL, prefix##_doc_examples, 0, NULL }, \
  { NULL, NULL, NULL, 0, NULL }

/* The FILES section of a program that takes ring names: where the ring
 * named @name (the term the program's synopsis uses) lives, and what a
 * name may be (rb_ring_name_validate()). */
#define CLI_DOC_RING_FILES(name) \
  "The ring named " I(name) " lives in " B("/dev/shm/ringbridge-") I(name) \
  ". A name is 1 to 200 letters, digits, " B("_") ", " B(".") " and " \
  B("-") ", starting with a letter, digit or " B("_") "."

/* The end of every program's options table: --help, --version (which
 * cli-common.c handles alike) and the terminator. */
#define CLI_DOC_OPTIONS_END \
  { 'h', "help", NULL, 0, "Print this help and exit." }, \
  { 'V', "version", NULL, 0, "Print the version and exit." }, \
  { 0, NULL, NULL, 0, NULL }
