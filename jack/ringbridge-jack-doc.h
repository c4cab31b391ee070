/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The one source of ringbridge-jack's documentation: --help prints this
 * page (options.c, through cli/cli-common.c) and the manual page is
 * generated from it at build time (cli/gen-man.c), so the two cannot
 * disagree. Plain C and libc only, because the generator is built for the
 * build machine. The markup, B("x") and I("x"), is cli/cli-doc.h's. */

#include "cli-doc.h"

#define JACK_PROGRAM "ringbridge-jack"
#define JACK_SUMMARY "connect libringbridge rings to JACK ports"

static const char *const jack_doc_synopsis[] = {
  B("ringbridge-jack play") " " I("RING") " [" I("OPTION") "...]",
  B("ringbridge-jack record") " " I("RING") " [" I("OPTION") "...]",
  NULL
};

static const char *const jack_doc_description[] = {
  B("ringbridge-jack play") " attaches to the shared ring " I("RING") " as "
  "its consumer, registers one JACK output port per channel (" B("out_1")
  " ... " B("out_") I("N") ") and copies the ring's frames to them, "
  "converting its sample format to JACK's float. "
  B("ringbridge-jack record") " creates the ring " I("RING") " (32-bit "
  "float at JACK's sample rate unless told otherwise), registers one input "
  "port per channel (" B("in_1") " ... " B("in_") I("N") ") and writes "
  "them into it, interleaved.",

  "The other side of the ring is any libringbridge program: a GStreamer "
  "pipeline with " B("ringsink") " or " B("ringsrc") ", a Python script, "
  "another " B("ringbridge-jack") ". Client and port names are fixed (" B(
      "--name") ", " B("out_") I("N") ", " B("in_") I("N") "), so session "
  "managers and saved connections find them again after a restart.",

  "The JACK process callback only moves frames between the ring and the "
  "port buffers: it allocates nothing, takes no lock and makes no system "
  "call. Everything else (connections, statistics, messages, shutdown) "
  "happens in the main thread.",
  NULL
};

static const CliDocOption jack_doc_options[] = {
  { 'n', "name", "NAME", 0,
    "The JACK client name (default " B("ringbridge-play-") I("RING") " or "
    B("ringbridge-record-") I("RING") "). It is used exactly as given: if "
    "the server has a client of that name already, " B("ringbridge-jack")
    " exits rather than take another." },
  { 's', "server", "NAME", 0,
    "The JACK server to use (default " B("$JACK_DEFAULT_SERVER") ", or the "
    "default server)." },
  { 'c', "connect", "PORT[,PORT]...", 0,
    "After activating, connect the first port (" B("out_1") " or " B("in_1")
    ") to the first " I("PORT") ", the second to the second, and so on, as "
    B("jack_connect") "(1) would; an empty " I("PORT") " skips a channel. "
    "The word " B("auto") " connects to the physical ports in order. May be "
    "given more than once: each list starts again at channel 1. A "
    I("PORT") " that does not exist at start-up is an error; after a "
    "reconnect (" B("--reconnect") ") the connections are made again, "
    "retried every second until their ports exist." },
  { 0, "no-start-server", NULL, 0,
    "Do not start a JACK server when none is running (as "
    B("$JACK_NO_START_SERVER") " does)." },
  { 0, "reconnect", NULL, 0,
    "When the JACK server shuts down, wait for it to come back, trying "
    "every second without starting one, then register the same ports and "
    "make the " B("--connect") " connections again. Without it, a server "
    "shutdown ends the program with status 69." },
  { 'w', "wait", NULL, 0,
    B("play") ": if " I("RING") " does not exist yet, wait for it to "
    "appear." },
  { 't', "timeout", "SECONDS", 0,
    B("play") ": wait at most " I("SECONDS") " (a decimal number from 0.1 "
    "to 1000000, or a time with its unit: " B("500ms") ", " B("2s") ") for "
    I("RING") " to appear; implies " B("--wait") "." },
  { 'f', "format", "FORMAT", 0,
    B("record") ": the ring's sample format: " B("F32LE") " (the default, "
    "JACK's own, bit-exact), " B("F64LE") ", " B("S32LE") ", " B("S24_32LE")
    ", " B("S24LE") ", " B("S16LE") " or " B("U8") ". Floats convert to "
    "integers with rounding and clipping. " B("play") ": the format the "
    "ring must have." },
  { 0, "channels", "N", 0,
    B("record") ": the number of channels and ports, 1 to 64 (default 2). "
    B("play") ": the number of channels the ring must have; the ports are "
    "then registered at once, before the ring exists (with " B("--wait")
    "), and play silence until it does." },
  { 0, "frames", "N", 0,
    B("record") ": the ring holds exactly " I("N") " frames. "
    B("play") ": keep at most " I("N") " frames queued in the ring: when "
    "more are queued at the start of a cycle, skip the oldest, so that at "
    "most " I("N") " remain after the cycle's read. This bounds the latency "
    "to " I("N") " frames plus a period, whatever the ring's size; skipped "
    "frames are counted. " I("N") " must exceed what the producer writes at "
    "once, or part of every write is skipped. Without it (or "
    B("--latency") ") play never skips." },
  { 0, "latency", "MS", 0,
    B("record") ": the ring holds " I("MS") " milliseconds at JACK's rate, "
    "rounded up to a whole frame (default 500; a decimal number from 0.1 to "
    "3600000, or a time with its unit: " B("20ms") ", " B("0.5s") "). "
    B("play") ": as " B("--frames") ", " I("MS") " milliseconds at JACK's "
    "rate (rounded up, at least one frame)." },
  { 0, "overwrite", NULL, 0,
    B("record") ": make an overwrite ring: when it is full the oldest "
    "frames are overwritten instead of new ones dropped, and any number of "
    "readers may follow it." },
  { 0, "allow-shared-write", NULL, 0,
    "Accept a ring whose file is writable by group or others (made, say, "
    "by " B("ringsink permissions=0660") "). By default such a ring is "
    "refused (status 77): whoever can write the file can feed the ring any "
    "data. The header is validated either way." },
  { 0, "any-owner", NULL, 0,
    "Accept a ring owned by another user. By default such a ring is "
    "refused (status 77)." },
  { 0, "resample", "WHEN", 0,
    "Hold the ring's fill at a target by resampling between the ring's "
    "clock and JACK's (libsamplerate, ratios up to 2 % either way): "
    B("on") " from the first cycle; " B("off") " never (every frame is "
    "copied as it is, bit-exact); " B("auto") " (the default) copies "
    "frames as " B("off") " does until it measures the other side of the "
    "ring running 5 ppm or more off JACK's clock (for 2 s in a row), then "
    "resamples, and copies again if the ratio sits at its bound for 5 s "
    "(the other side is no clock, such as a file reader or writer). The "
    "measurement: the other side's rate from the ring's timing, once its "
    "loop has locked (a few seconds after it starts), against JACK's rate "
    "from its cycle times over up to 10 s, both on CLOCK_MONOTONIC; a peer "
    "on JACK's clock, or one whose rate is unknown (an older ringbridge), "
    "keeps its frames bit-exact. While resampling, the measured drift is "
    "the loop's feed-forward, and the loop on the fill, four times slower, "
    "corrects only what the measurement misses; a measured drift beyond "
    "the 2 % bound, or one the loop keeps cancelling (its integral holding "
    "more than half of it, steadily, 20 s after it came), is dropped and "
    "the loop goes on from the fill alone (" B("feed_forward=no") "). "
    "The target is " B("play")
    "'s " B("--frames") " or " B("--latency") ", or else 20 ms or four "
    "periods, whichever is more; at least two periods (less is raised to "
    "that, with a warning: a cycle takes a whole period from the ring) and "
    "at most half the ring; " B("play")
    " skips back to it above twice the target and a period. See "
    B("docs/clocks.md") "." },
  { 0, "reader", "POLICY", 1,
    B("play") ": attach as one of any number of readers of an overwrite "
    "ring (made by " B("record --overwrite") ", " B("ringsink "
        "mode=overwrite-old") " or an application), beside its consumer, "
    "instead of as its consumer: the producer is never slowed, and another "
    "program may consume the ring meanwhile. " I("POLICY") " says what the "
    "reader does when it falls behind: " B("catch-up") " (the default) "
    "plays everything the ring still holds, and what was overwritten "
    "first is a gap; " B("latest") " stays at most " B("--frames") " or "
    B("--latency") " behind the newest frame (which it needs) and jumps "
    "over the rest, a gap too. Gaps are counted by cause in the "
    "statistics (" B("gaps_overwritten") ", " B("gaps_skip") ", ...). A "
    "reader plays frames as they are (no " B("--resample") "), stamps "
    "nothing on the ring, and leaves the ring to its consumer on exit. "
    "A ring without the overwrite flag is refused (status 65)." },
  { 0, "stats", "SECONDS", 0,
    "Print a statistics line every " I("SECONDS") " (a decimal number from "
    "0.1 to 86400, or a time with its unit: " B("500ms") ", " B("2s") ")."
  },
  { 'v', "verbose", NULL, 0,
    "Report events: the peer process attaching and leaving, connections, "
    "latency changes, buffer size changes, freewheeling, and libjack's own "
    "messages." },
  CLI_DOC_OPTIONS_END
};

static const CliDocItem jack_doc_behaviour[] = {
  { "Running dry, filling up",
    B("play") " outputs silence for every frame the ring does not have, "
    "and counts each time the ring runs dry (" B("ran_dry") ": a cycle "
    "that comes up short after one that did not; staying dry for many "
    "cycles counts once). " B("record") " drops what does not fit in a full "
    "ring and counts each time it fills up (" B("filled_up") ", the same "
    "way); with " B("--overwrite") " it never drops, the oldest frames go "
    "instead. These are not the ring's own " B("underruns") " and "
    B("overruns") " (" B("ringbridge-stat") "), which count every read or "
    "write call that came up short, by any process, since the ring was "
    "made: a " B("play") " that runs dry once and stays silent for 100 "
    "cycles shows " B("ran_dry=1") " and adds 100 to the ring's "
    B("underruns") "." },
  { "Peer leaving",
    "When the producer " B("play") " reads from detaches or dies, "
    B("play") " keeps running and outputs silence. A producer that attaches "
    "to the ring again (a restarted pipeline continues the same ring) is "
    "picked up at once; if the ring is removed and made anew under the same "
    "name, " B("play") " switches to the new ring, as long as it has the "
    "same channel count and JACK's sample rate (otherwise it says why, "
    "keeps the old one and stays silent). " B("record") " keeps writing "
    "when its consumer leaves." },
  { "Creating the ring",
    B("record") " creates " I("RING") " with mode 0600. If a ring of that "
    "name exists and every process that used it is gone, it is removed "
    "(with a message) and made anew. If its producer is gone but its "
    "consumer is alive (say " B("record") " was killed and restarted), "
    B("record") " takes the producer's place and continues the ring, "
    "provided it has the requested format, channel count and rate. If a "
    "live producer holds it, or its format differs, " B("record") " exits "
    "with status 73. On exit " B("record") " removes the ring, unless a "
    "consumer is still attached: then it stays, so that a restarted "
    B("record") " continues it. Whichever of the two leaves last removes "
    "it: " B("play") " too, on exit, removes the ring it read if its "
    "producer and creator are gone (as " B("ringsrc") " does)." },
  { "Sample rate",
    "A ring's rate must equal JACK's: " B("play") " refuses a ring of "
    "another rate (status 65) rather than play it at the wrong speed. If "
    "JACK's rate changes while running, both modes stop moving audio and "
    "exit with status 65." },
  { "Buffer size, freewheeling, xruns",
    "Any JACK buffer size works, and a change needs nothing (a ring smaller "
    "than one period draws a warning; the resampler is sized for JACK's "
    "largest period, 8192 frames, before the client is activated). In "
    "freewheel mode the callback carries on, resampling at a ratio of 1; "
    B("record") " records no clock points, since cycle times are no clock "
    "then, and neither side stamps the ring's timing with JACK's time. "
    "Otherwise each cycle stamps ours (" B("play") " the consumer's, "
    B("record") " the producer's) with the cycle's start, so that the "
    "other side sees JACK's rate. Xruns are counted; after one, the resampling loop holds its "
    "estimate of the drift until the fill is back at its target, so an "
    "xrun does not make it swing." },
  { "Server shutdown",
    "When the JACK server shuts down or drops the client, "
    B("ringbridge-jack") " says so and exits with status 69, or waits for "
    "the server with " B("--reconnect") "." },
  { "Latency",
    "The ring adds latency: the frames queued in it. " B("play") " plays "
    "every frame in order, so it keeps whatever fill it found when it "
    "attached (a whole ring, if the producer started first) unless "
    B("--frames") " or " B("--latency") " bound it. A latency callback "
    "reports it to JACK as the range (smallest to largest over the last "
    "second) of the ring's fill: the capture latency of " B("play") "'s "
    "output ports, the playback latency of " B("record") "'s input ports ("
    B("jack_lsp -l") " shows them). It is updated when it moves by more "
    "than a period." },
  { "Clock",
    "Every cycle, " B("record") " stores in the ring's header the position "
    "of the cycle's first frame with JACK's frame time and the "
    "CLOCK_MONOTONIC time of the cycle's start, as JACK's cycle timer "
    "gives them, so the consumer (" B("ringsrc") ", " B("ringbridge-stat")
    ") can follow JACK's clock." },
  { "Memory",
    "The ring is locked in memory (mlock) before the client is activated, "
    "so the process callback never meets a page fault. If the "
    "locked-memory limit (" B("ulimit -l") ") is too small, a warning says "
    "so and the ring stays unlocked (it is populated all the same)." },
  { "Signals",
    "SIGINT, SIGTERM and SIGHUP end the program cleanly: it deactivates "
    "the client, prints a final statistics line and exits with status 0. "
    "A thread of its own takes the signals, so they work whatever libjack "
    "is doing: if the JACK server does not answer (it is stopped or hung, "
    "and libjack blocks) within half a second of the signal, or a second "
    "signal comes, the program says so, removes " B("record") "'s ring if "
    "no consumer reads it, and exits at once with status 69, without "
    "closing the client or printing the final line." },
  { NULL, NULL }
};

static const CliDocItem jack_doc_stats[] = {
  { "cycles", "Process callbacks run." },
  { "frames", "Frames moved between the ring and the ports." },
  { "ran_dry, silent_frames",
    B("play") ": times the ring ran dry (a short cycle after a full one; "
    "not the ring's " B("underruns") ", which count every short read), and "
    "frames of silence output." },
  { "skipped_frames",
    B("play") ": frames dropped unplayed to keep the fill within "
    B("--frames") " or " B("--latency") " (always 0 without them)." },
  { "filled_up, dropped_frames",
    B("record") ": times the ring filled up (a short cycle after a full "
    "one; not the ring's " B("overruns") ", which count every short "
    "write), and input frames lost." },
  { "xruns", "Xruns JACK reported." },
  { "fill", "Frames queued in the ring at the start of the last cycle "
    "(for " B("play") ", after any skip)." },
  { "latency", "The range last reported to JACK, in frames." },
  { "drift_ppm, feed_forward",
    "The measured drift (" B("--resample") "): how far the ring's other "
    "side runs off JACK's clock in ppm, positive when it would fill the "
    "ring (" B("play") ": the producer runs faster than JACK; " B("record")
    ": the consumer runs slower), " B("?") " while unknown; and whether the resampling loop uses it as its "
    "feed-forward." },
  { "resample, ratio_ppm, fill_avg, target, locked",
    "Resampling (" B("--resample") "): " B("off") ", " B("idle") " (auto, "
    "copying frames) or " B("on") "; the correction in ppm (the ring's "
    "side runs that much faster than JACK's when positive; the ratio is 1 "
    "/ (1 + ppm / 10^6)); the smoothed fill and the target in frames; and "
    "whether the fill has stayed within a period of the target for a "
    "second. Frames skipped or inserted are counted by cause: "
    B("skipped_frames") " (play, above the bound), " B("silent_frames")
    " (play, the ring ran dry), " B("dropped_frames") " (record, the ring "
    "was full)." },
  { "reader, gaps_overwritten, gaps_underrun, gaps_producer_restart, "
    "gaps_skip",
    B("play --reader") ": the policy, and the reader's gaps by cause: "
    "frames the producer overwrote before they were read, short cycles "
    "(an underrun: the silent frames are marked in the reader's journal), "
    "a new producer taking the ring over, the " B("latest") " policy's "
    "jumps. Each count is followed by its frames, " B("gap_frames_")
    I("cause") "." },
  { "peer",
    "The process at the other end of the ring: " B("none") ", " B("alive")
    " with its pid, or " B("gone") "." },
  { NULL, NULL }
};

static const CliDocItem jack_doc_exit_status[] = {
  { "0", "Ended by SIGINT, SIGTERM or SIGHUP." },
  { "64", "Usage error: an unknown option, a bad value, an invalid ring or "
    "client name, an option of the other mode, or more " B("--connect")
    " ports than channels." },
  { "65", "The ring does not fit: not an audio ring, another channel "
    "count, format or sample rate than required, or corrupt; or a "
    B("--connect") " port of the wrong kind or direction; or JACK's sample "
    "rate changed." },
  { "66", "The ring does not exist (" B("play") " without " B("--wait")
    ", or " B("--timeout") " expired), or a " B("--connect") " port does "
    "not exist." },
  { "69", "No JACK server (or it refused the client), or the server shut "
    "down without " B("--reconnect") ", or the JACK server did not answer "
    "within half a second of a stop signal." },
  { "70", "An internal error." },
  { "71", "A system error, such as no memory for the ring." },
  { "73", "The ring exists and is in use (" B("record") "), or its consumer "
    "role is taken (" B("play") "), or the JACK client name is taken." },
  { "77", "Permission denied: the ring belongs to another user or is "
    "writable by group or others (see " B("--any-owner") " and "
    B("--allow-shared-write") ")." },
  { NULL, NULL }
};

static const char jack_doc_exit_note[] =
  "Every error message goes to standard error, starts with \""
  B("ringbridge-jack: ") "\" and names what is wrong; statistics go to "
  "standard output.";

static const CliDocItem jack_doc_environment[] = {
  { "JACK_DEFAULT_SERVER", "The server to use when " B("--server") " is not "
    "given." },
  { "JACK_NO_START_SERVER", "If set, never start a server (as "
    B("--no-start-server") ")." },
  { NULL, NULL }
};

static const CliDocItem jack_doc_examples[] = {
  { "ringbridge-jack play music --wait --connect system:playback_1,"
    "system:playback_2",
    "Play the ring " B("music") " once a producer makes it, on the first "
    "two speakers." },
  { "gst-launch-1.0 audiotestsrc is-live=true ! audio/x-raw,format=F32LE,"
    "rate=48000,channels=2 ! ringsink ring-name=music",
    "A producer for the ring " B("music") "." },
  { "ringbridge-jack play music --latency 30 --connect auto",
    "Play it keeping at most 30 ms queued: frames that pile up beyond that "
    "are skipped. The bound exceeds what the producer writes at once ("
    "audiotestsrc's buffers of 1024 frames, 21 ms), or the head of every "
    "buffer would be skipped." },
  { "ringbridge-jack record mic --channels 1 --connect system:capture_1",
    "Record the first capture port into the ring " B("mic") ", 32-bit "
    "float, mono, at JACK's rate." },
  { "ringbridge-jack record bus --format S16LE --latency 200 --reconnect "
    "--connect auto",
    "Record the physical inputs into a 16-bit ring of 200 ms, surviving "
    "server restarts." },
  { NULL, NULL }
};

static const char jack_doc_files[] = CLI_DOC_RING_FILES ("RING");

/* docs/clocks.md: the two clocks and what play and record do about them */
static const char jack_doc_see_also[] = B("ringbridge-stat") "(1), "
    B("jackd") "(1), " B("jack_connect") "(1), " B("jack_lsp") "(1), "
    B("gst-launch-1.0") "(1); " B("docs/clocks.md") " (clock domains, "
    "resampling) in the source or documentation";

static const CliDocSection jack_doc_sections[] = {
  { "BEHAVIOUR", NULL, jack_doc_behaviour, 0, NULL },
  { "STATISTICS",
    "With " B("--stats") ", and once when the program ends, a line of "
    I("key") B("=") I("value") " fields on standard output:",
    jack_doc_stats, 0, NULL },
  { "EXIT STATUS", NULL, jack_doc_exit_status, 1, jack_doc_exit_note },
  { "ENVIRONMENT", NULL, jack_doc_environment, 0, NULL },
  CLI_DOC_LAST_SECTIONS (jack),
};

static const CliDocPage jack_doc_page = CLI_DOC_PAGE (jack, JACK_PROGRAM,
    JACK_SUMMARY, "Running dry, peers, latency, clock and shutdown");
