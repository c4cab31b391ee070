/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The one source of ringbridge-stat's documentation: --help prints this
 * page (through cli/cli-common.c) and the manual page is generated from it
 * at build time (cli/gen-man.c), so the two cannot disagree. Plain C and
 * libc only, because the generator is built for the build machine. The
 * markup, B("x") and I("x"), is cli/cli-doc.h's. */

#include "cli-doc.h"

#define STAT_PROGRAM "ringbridge-stat"
#define STAT_SUMMARY "inspect the shared rings of libringbridge"
#define STAT_SYNOPSIS "[" I("OPTION") "...] [" I("NAME") "...]"

static const char *const stat_doc_description[] = {
  B("ringbridge-stat") " lists the shared rings of libringbridge on this "
  "machine (every file " B("/dev/shm/ringbridge-*") "), or only the rings "
  "named " I("NAME") ", with their kind, capacity, fill level, positions, "
  "counters and the processes attached to them.",

  "It only looks. It opens each ring's file read-only, reads one snapshot "
  "of the ring's header and validates it as an attaching process would; it "
  "takes no role, maps nothing and writes nothing, so it can watch a ring "
  "while a realtime producer and consumer run. Positions move all the time: "
  "what it prints is a snapshot.",

  "A ring that fails validation is listed with the reason, and the exit "
  "status says so; a corrupt ring never makes " B("ringbridge-stat") " "
  "crash.",
  NULL
};

static const CliDocOption stat_doc_options[] = {
  { 'j', "json", NULL, 0,
    "Print one JSON document, " B("{\"rings\": [...]}") ", with every field of "
    "the listing; numbers are JSON numbers. With " B("--reclaim") ", print "
    B("{\"removed\": [...], \"kept\": [...], \"errors\": [...]}") ". With "
    B("--watch") ", print one document per line at every refresh." },
  { 'w', "watch", "SECONDS", 1,
    "Redraw every " I("SECONDS") " (default 1; a decimal number from 0.1 to "
    "86400, or a time with its unit: " B("500ms") ", " B("2s") ") until "
    "interrupted, like " B("top") "(1) or " B("pw-top") "(1): "
    "a header line, then one line a ring of at most 80 columns, so that 20 "
    "rings fit a 30-line terminal: " B("NAME") " (cut in the middle with "
    B("~") " when long), " B("KIND") " (" B("bytes") ", or channels and "
    "kHz; " B("*") " for an overwrite ring), " B("FILL%") ", " B("FILL ms")
    " (the smoothed fill in milliseconds), " B("RATE/s P/C") " (the "
    "producer's and the consumer's rates in frames, or bytes, per second: "
    "as the ring's clocks measure them, else as the positions moved since "
    "the last refresh), " B("DRIFT ppm") " (how much faster the producer "
    "runs than the consumer), " B("UNDR/OVER") " (the underrun and overrun "
    "counters) and " B("PROD/CONS") " (the producer and the consumer: "
    B("live") ", " B("stop") "ped, " B("gone") " (died holding the role), "
    B("left") " (let go) or " B("-") " (never taken)). A figure not known "
    "(yet) is " B("-") "; docs/clocks.md says why the drift may be unknown. "
    "Watching one " I("NAME") " shows the detail instead: the listing of "
    "that ring, with the bytes per second written and read since the last "
    "refresh; " B("d") " switches between the table and the detail. A "
    "missing or corrupt ring is shown in place and watched on. " B("q")
    " quits when standard input is a terminal; SIGINT, SIGTERM and SIGHUP "
    "end it with status 0. An argument right after " B("--watch") " that "
    "starts with a digit, " B(".") ", " B("+") " or " B("-") " is taken as "
    I("SECONDS") "; write " B("--watch=") I("SECONDS") " to be explicit." },
  { 0, "reclaim", NULL, 0,
    "Remove stale rings instead of listing them: rings whose creator, "
    "producer and consumer processes are all gone, as processes that "
    "crashed leave them. Without " I("NAME") ", every stale ring on the "
    "machine. Prints each ring it removes; a named ring that is in use is "
    "kept, and said so." },
  CLI_DOC_OPTIONS_END
};

static const CliDocItem stat_doc_fields[] = {
  { "kind",
    B("bytes") ", or " B("audio") " with sample format, channel count and "
    "rate; " B("overwrite") " if the producer overwrites the oldest data "
    "when the ring is full." },
  { "capacity", "Bytes the ring holds, exactly as it was made (frames and "
    "seconds for audio)." },
  { "storage",
    "Bytes of its storage: the capacity rounded up to a power of two of at "
    "least a page, mapped twice back to back. The file is one header page "
    "larger." },
  { "fill",
    "Unread bytes from the read position, and their share of the capacity "
    "(frames for audio). An overwrite ring whose consumer lags shows 100%." },
  { "write, read",
    "The absolute write and read positions: bytes written and consumed "
    "since the ring was made (frames and seconds for audio)." },
  { "drift",
    "How much faster the producer runs than the consumer, in parts per "
    "million, as the ring's delay-locked loops measure the two sides' rates "
    "against CLOCK_MONOTONIC (see docs/clocks.md): positive when the ring "
    "fills up. " B("unknown") " with the reason while a side's rate is not "
    "known: " B("no stamps") " (the side does not stamp: a byte ring, or it "
    "has not moved), " B("warming up") ", " B("kernel clock") " (reading the "
    "clock would be a system call on that machine), " B("stale") " (the side "
    "stopped over 2 s ago), " B("busy") " or " B("invalid") " (the header "
    "holds values that cannot be true)." },
  { "delay",
    "The smoothed fill in milliseconds at the consumer's rate: how long new "
    "data waits in the ring (and in frames, or bytes); unknown as for "
    B("drift") "." },
  { "clocks",
    "Each side's measured rate, whether its loop has " B("locked") " (or is "
    "still " B("locking") "), and how long ago it last stamped; or why it is "
    "unknown. " B("--json") " gives these as " B("timing") ": "
    B("drift_ppm") ", " B("fill_ms") ", " B("fill") " and each side's "
    B("state") ", " B("locked") ", " B("rate") " and " B("age_ms") ", "
    B("null") " when unknown, with the " B("reason") "." },
  { "producer, consumer",
    "Who holds the role: " B("alive") ", " B("stopped") " (alive, but "
    "stopped by a signal such as SIGSTOP), " B("dead") " (its process "
    "died holding the role), " B("detached") " (the last holder let go "
    "cleanly) or " B("none") " (never taken); with the holder's pid and the "
    "role's generation, the number of times the role was taken." },
  { "creator", "The process that made the ring, and the role it took." },
  { "readers",
    "How many ring objects attached as readers of an overwrite ring "
    "(" B("RB_RING_ROLE_READER") ") are open now; " B("unknown") " if the "
    "header holds an impossible count. Advisory: a reader process that "
    "died without closing stays counted." },
  { "eos", "Whether the producer marked the end of the stream." },
  { "waiters",
    "How many processes sleep waiting for data and for space." },
  { "counters",
    "The ring's own counts since it was made, by every process that used "
    "it: " B("overruns") ": write calls cut short by a full ring (one per "
    "call: a producer that finds the ring full for 100 cycles adds 100); "
    B("underruns") ": realtime read calls (rb_ring_read and its frame and "
    "float forms, as " B("ringbridge-jack play") " makes once a period) "
    "that found less than asked for, the same way; reads that take what "
    "there is (ringsrc, Python's reads) never count; " B("overwritten") ": bytes the consumer lost to an "
    "overwriting producer. " B("ringbridge-jack") "'s " B("ran_dry") " and "
    B("filled_up") " are other counts: how often the ring ran dry or filled "
    "up during its run, once per episode." },
  { "file", "The file's permissions, owner, group and size." },
  { "rate",
    "With " B("--watch") ": bytes per second written and read since the "
    "last refresh." },
  { NULL, NULL }
};

static const CliDocItem stat_doc_exit_status[] = {
  { "0", "Success; also when standard output is closed early (EPIPE, as "
    "in " B("| head") "), which ends the program quietly." },
  { "64", "Usage error: an unknown option, a bad " B("--watch") " interval, "
    "or an invalid ring name." },
  { "65", "A ring is corrupt or not a ring; the message says what is "
    "wrong." },
  { "66", "A named ring does not exist." },
  { "74", "Output could not be written, or an unexpected I/O error." },
  { "77", "Permission denied." },
  { NULL, NULL }
};

static const char stat_doc_exit_note[] =
  "When several rings fail, the status is that of the first one listed. "
  "Every error message goes to standard error, starts with \""
  B("ringbridge-stat: ") "\" and names the ring.";

static const CliDocItem stat_doc_examples[] = {
  { "ringbridge-stat", "List every ring." },
  { "ringbridge-stat --watch",
    "Watch every ring, one line each, with its drift." },
  { "ringbridge-stat --watch=0.5 music",
    "Watch the ring " B("music") " in detail twice a second." },
  { "ringbridge-stat --json | python3 -m json.tool",
    "Read the listing from a program." },
  { "ringbridge-stat --reclaim", "Remove the rings that crashed processes "
    "left behind." },
  { NULL, NULL }
};

static const char stat_doc_files[] = CLI_DOC_RING_FILES ("NAME");

static const char stat_doc_see_also[] = B("top") "(1), " B("pw-top") "(1), "
    B("shm_overview") "(7); docs/clocks.md";

static const char *const stat_doc_synopsis[] = {
  B(STAT_PROGRAM) " " STAT_SYNOPSIS,
  NULL
};

static const CliDocSection stat_doc_sections[] = {
  { "OUTPUT", "For each ring, its name and file, then:", stat_doc_fields, 0,
    NULL },
  { "EXIT STATUS", NULL, stat_doc_exit_status, 0, stat_doc_exit_note },
  CLI_DOC_LAST_SECTIONS (stat),
};

static const CliDocPage stat_doc_page = CLI_DOC_PAGE (stat, STAT_PROGRAM,
    STAT_SUMMARY, "The fields of the listing");
