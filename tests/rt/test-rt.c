/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* Reliability plan R8, tier 1: the ring's realtime API allocates nothing,
 * takes no lock, makes no system call and takes no page fault.
 *
 * One workload drives every function RbRing documents as "RT-safe" the
 * way a realtime callback would: each "callback" moves one period through
 * plain and overwrite rings of bytes and of every sample format, and in
 * turn drives them full, empty, partly full, across the wrap, into overrun,
 * underrun and (overwrite rings) lapped readers. Rings and buffers are set
 * up outside the realtime section, as a JACK client sets up before
 * jack_activate(). The same workload then runs under three detectors, each
 * in a thread of its own:
 *
 * - RealtimeSanitizer (test-rt-rtsan only): the runtime's interceptors of
 *   malloc, locks and stdio report any call between
 *   __rtsan_realtime_enter() and __rtsan_realtime_exit() and end the
 *   process. The runtime only reports by dying, so each run is a
 *   subprocess and the parent reads its stderr.
 * - seccomp: the thread installs a filter that traps every system call
 *   except those glibc needs to end a thread; a SIGSYS handler counts and
 *   names them. RTSan misses read/write/futex/mmap, seccomp misses
 *   uncontended locks and the allocator's fast path, so they go together.
 * - getrusage (RUSAGE_THREAD): after a warm-up pass, the minor and major
 *   page-fault counts of the thread must not move.
 *
 * Each detector has negative controls: the same workload with one
 * forbidden call injected half-way must be caught, so a detector that is
 * silently off cannot pass. */

#include <ringbridge/ringbridge.h>
#include "rb-shm-private.h"
#include "../common/rb-rt-trap.h"
#include "../common/rb-test.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>

#ifdef RB_TEST_RTSAN
/* The RTSan runtime's entry points (libclang_rt.rtsan, linked whole into
 * this executable). */
void __rtsan_init (void);
void __rtsan_realtime_enter (void);
void __rtsan_realtime_exit (void);
#endif

/* R8 tier 1: 10^6 callbacks for each clean run. A negative control only
 * has to show that its detector is on: a shorter run of the same workload,
 * still long enough to take every path, with the forbidden call half-way. */
#define N_CALLBACKS 1000000
#define N_CONTROL_CALLBACKS 20000
/* Enough callbacks to take every path (situations, formats, both ends of
 * every ring) before page faults are counted. */
#define N_WARMUP 10000
#define PERIOD 64                   /* frames per callback, as a JACK period */
#define CHANNELS 2
#define RATE 48000
#define AUDIO_FRAMES 1024
#define BYTE_CAPACITY 4096          /* one page: the byte rings wrap often */
#define BUF_BYTES (64 * 1024)       /* larger than any ring: lapping writes */
#define N_SITUATIONS 12

/* every sample format: the enum counts from NONE = 0 to F64LE */
#define N_FORMATS ((guint) RB_SAMPLE_FORMAT_F64LE)
#define FORMAT(i) ((RbSampleFormat) (RB_SAMPLE_FORMAT_NONE + 1 + (i)))

/* Every RT-safe function of the public API. test_coverage() checks this
 * list against the "RT-safe" marks in lib/ringbridge/rb-*.c, so a new RT-safe function
 * that the workload does not call fails the test. */
#define RT_FUNCS(X) \
  X (rb_sample_format_get_size) \
  X (rb_sample_format_to_string) \
  X (rb_ring_get_capacity) \
  X (rb_ring_get_storage_size) \
  X (rb_ring_get_flags) \
  X (rb_ring_get_sample_format) \
  X (rb_ring_get_channels) \
  X (rb_ring_get_rate) \
  X (rb_ring_get_frame_size) \
  X (rb_ring_get_capacity_frames) \
  X (rb_ring_get_fd) \
  X (rb_ring_write) \
  X (rb_ring_read) \
  X (rb_ring_peek) \
  X (rb_ring_skip) \
  X (rb_ring_read_available) \
  X (rb_ring_write_available) \
  X (rb_ring_write_bytes) \
  X (rb_ring_write_acquire) \
  X (rb_ring_write_commit) \
  X (rb_ring_read_acquire) \
  X (rb_ring_read_release) \
  X (rb_ring_write_frames) \
  X (rb_ring_read_frames) \
  X (rb_ring_read_frames_available) \
  X (rb_ring_write_frames_available) \
  X (rb_ring_write_deinterleaved) \
  X (rb_ring_read_deinterleaved) \
  X (rb_ring_get_write_position) \
  X (rb_ring_get_read_position) \
  X (rb_ring_get_oldest_position) \
  X (rb_ring_check_range) \
  X (rb_ring_read_at) \
  X (rb_ring_read_frames_at) \
  X (rb_ring_view_at) \
  X (rb_ring_view_at_check) \
  X (rb_ring_reset) \
  X (rb_ring_set_end_of_stream) \
  X (rb_ring_is_end_of_stream) \
  X (rb_ring_get_fill_level) \
  X (rb_ring_get_overruns) \
  X (rb_ring_get_underruns) \
  X (rb_ring_get_overwritten) \
  X (rb_ring_set_clock_point) \
  X (rb_ring_get_clock_point) \
  X (rb_ring_stamp_producer) \
  X (rb_ring_stamp_consumer) \
  X (rb_ring_time_to_position_full) \
  X (rb_ring_consumer_time_to_position_full) \
  X (rb_record_info_init) \
  X (rb_ring_get_max_record_size) \
  X (rb_ring_write_record) \
  X (rb_ring_write_record_acquire) \
  X (rb_ring_write_record_commit) \
  X (rb_ring_peek_record) \
  X (rb_ring_read_record) \
  X (rb_ring_read_record_acquire) \
  X (rb_ring_read_record_release) \
  X (rb_ring_skip_record) \
  X (rb_ring_get_item_size) \
  X (rb_ring_get_item_descriptor) \
  X (rb_ring_is_item_ring) \
  X (rb_ring_write_items) \
  X (rb_ring_read_items) \
  X (rb_ring_reader_ref) \
  X (rb_ring_reader_read) \
  X (rb_ring_reader_read_frames) \
  X (rb_ring_reader_mark_underrun) \
  X (rb_ring_reader_pop_gap) \
  X (rb_ring_reader_get_available) \
  X (rb_ring_reader_get_position) \
  X (rb_ring_reader_get_gap_total) \
  X (rb_ring_reader_get_gaps_merged) \
  X (rb_ring_reader_get_gaps_pending) \
  X (rb_ring_reader_get_ring) \
  X (rb_ring_reader_get_policy) \
  X (rb_ring_reader_get_target_latency)

#define RT_ENUM(f) RT_##f,
enum { RT_FUNCS (RT_ENUM) N_RT_FUNCS };
#undef RT_ENUM

#define RT_NAME(f) #f,
static const char *const rt_func_names[] = { RT_FUNCS (RT_NAME) };
#undef RT_NAME

/* Calls an RT function and counts the call, so a run can show that it
 * reached every function it claims to test. */
#define CALL(w, f, ...) ((w)->calls[RT_##f]++, f (__VA_ARGS__))

typedef enum {
  INJECT_NONE = RT_TRAP_INJECT_NONE,
  INJECT_MALLOC = RT_TRAP_INJECT_MALLOC,
  INJECT_MUTEX = RT_TRAP_INJECT_MUTEX,
  INJECT_GETPID = RT_TRAP_INJECT_GETPID,
  INJECT_FPUTS,
  INJECT_WRITE,
  INJECT_FPRINTF,
  INJECT_FUTEX_WAKE,
  INJECT_FUTEX_WAIT,
  INJECT_LAZY_PAGE,
} Inject;

typedef struct {
  RbRing *bytes;
  RbRing *bytes_ow;
  RbRing *records;
  RbRing *audio[N_FORMATS];
  RbRing *audio_ow[N_FORMATS];
  RbRingReader *readers[3];       /* of bytes_ow: each policy */
  guint64 reader_refs[3];         /* taken in the workload, dropped after */
  GBytes *gbytes;

  /* Test-owned memory the callbacks use, all touched before any run. */
  guint8 *in;
  guint8 *out;
  float *ch_in[CHANNELS];
  float *ch_out[CHANNELS];
  int devnull;
  FILE *devnull_file;             /* unbuffered: fprintf is one write(2) */
  volatile guint8 *lazy_page;     /* mapped, never touched before injection */
  guint32 futex_word;

  guint64 callbacks;
  guint64 calls[N_RT_FUNCS];

  /* Outcomes: proof that the run went through the paths it claims. */
  guint64 wraps;                  /* byte writes across the data area's end */
  guint64 short_writes;           /* full ring: overrun paths */
  guint64 short_reads;            /* empty ring: underrun paths */
  guint64 lapped;                 /* overwrite rings: reader lapped by writer */
  guint64 gone_ranges;            /* RB_RANGE_OVERWRITTEN */
  guint64 future_ranges;          /* RB_RANGE_NOT_YET_WRITTEN */
  guint64 eos_seen;
  guint64 sink;                   /* keeps results alive */
} Workload;


/* --- set-up (not realtime) ------------------------------------------------ */

static void
workload_init (Workload *w)
{
  g_autoptr (GError) error = NULL;
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gboolean locked = TRUE;

  memset (w, 0, sizeof *w);

  w->bytes = rb_ring_new (BYTE_CAPACITY, &error);
  g_assert_no_error (error);
  w->bytes_ow = rb_ring_new_full (BYTE_CAPACITY, RB_RING_FLAGS_OVERWRITE,
      &error);
  g_assert_no_error (error);
  w->records = rb_ring_new_full (BYTE_CAPACITY, RB_RING_FLAGS_RECORDS, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (w->readers); r++) {
    w->readers[r] = rb_ring_reader_new (w->bytes_ow,
        (RbReaderPolicy) r, r == RB_READER_POLICY_LATEST ? 512 : 0, &error);
    g_assert_no_error (error);
  }
  for (guint f = 0; f < N_FORMATS; f++) {
    w->audio[f] = rb_ring_new_audio (FORMAT (f), CHANNELS, RATE, AUDIO_FRAMES,
        RB_RING_FLAGS_NONE, &error);
    g_assert_no_error (error);
    w->audio_ow[f] = rb_ring_new_audio (FORMAT (f), CHANNELS, RATE,
        AUDIO_FRAMES, RB_RING_FLAGS_OVERWRITE, &error);
    g_assert_no_error (error);
  }

  /* The rings are populated at creation; locking keeps them resident, as
   * a JACK client would. A small RLIMIT_MEMLOCK only costs that
   * guarantee, not the test. */
  locked &= rb_ring_lock_memory (w->bytes, NULL);
  locked &= rb_ring_lock_memory (w->bytes_ow, NULL);
  locked &= rb_ring_lock_memory (w->records, NULL);
  for (guint f = 0; f < N_FORMATS; f++) {
    locked &= rb_ring_lock_memory (w->audio[f], NULL);
    locked &= rb_ring_lock_memory (w->audio_ow[f], NULL);
  }
  if (!locked)
    g_test_message ("could not mlock every ring (ulimit -l); they are "
        "populated but not locked");

  /* g_malloc, then write every byte: calloc may hand out fresh zero pages
   * that would fault at first touch inside the measured section. */
  w->in = g_malloc (BUF_BYTES);
  w->out = g_malloc (BUF_BYTES);
  for (gsize i = 0; i < BUF_BYTES; i++)
    w->in[i] = (guint8) (i * 7 + 1);
  memset (w->out, 0, BUF_BYTES);
  for (guint c = 0; c < CHANNELS; c++) {
    w->ch_in[c] = g_malloc (BUF_BYTES);
    w->ch_out[c] = g_malloc (BUF_BYTES);
    for (gsize i = 0; i < BUF_BYTES / sizeof (float); i++)
      w->ch_in[c][i] = (float) ((i % 200) / 100.0 - 1.0) * (c ? 0.5f : 0.25f);
    memset (w->ch_out[c], 0, BUF_BYTES);
  }
  w->gbytes = g_bytes_new (w->in, 333);

  w->devnull = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (w->devnull, >=, 0);
  w->devnull_file = fdopen (dup (w->devnull), "w");
  g_assert_nonnull (w->devnull_file);
  setvbuf (w->devnull_file, NULL, _IONBF, 0);

  w->lazy_page = mmap (NULL, page, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (w->lazy_page != MAP_FAILED);
}

static void
workload_clear (Workload *w)
{
  g_clear_object (&w->bytes);
  g_clear_object (&w->bytes_ow);
  g_clear_object (&w->records);
  for (guint r = 0; r < G_N_ELEMENTS (w->readers); r++) {
    for (; w->readers[r] != NULL && w->reader_refs[r] > 0;
        w->reader_refs[r]--)
      rb_ring_reader_unref (w->readers[r]);
    g_clear_pointer (&w->readers[r], rb_ring_reader_unref);
  }
  for (guint f = 0; f < N_FORMATS; f++) {
    g_clear_object (&w->audio[f]);
    g_clear_object (&w->audio_ow[f]);
  }
  g_clear_pointer (&w->gbytes, g_bytes_unref);
  g_clear_pointer (&w->in, g_free);
  g_clear_pointer (&w->out, g_free);
  for (guint c = 0; c < CHANNELS; c++) {
    g_clear_pointer (&w->ch_in[c], g_free);
    g_clear_pointer (&w->ch_out[c], g_free);
  }
  if (w->devnull_file != NULL)
    fclose (w->devnull_file);
  if (w->devnull >= 0)
    close (w->devnull);
  if (w->lazy_page != NULL)
    munmap ((void *) w->lazy_page, (size_t) sysconf (_SC_PAGESIZE));
}

/* --- the realtime workload ------------------------------------------------ */

/* A byte write of @n at the current write position: counts the writes that
 * cross the end of the data area, where the mirror has to do its job. */
static void
note_wrap (Workload *w, RbRing *ring, gsize n)
{
  guint64 cap = CALL (w, rb_ring_get_capacity, ring);
  guint64 pos = CALL (w, rb_ring_get_write_position, ring);

  if ((pos & (cap - 1)) + n > cap)
    w->wraps++;
}

static void
count_range (Workload *w, RbRangeStatus st)
{
  if (st == RB_RANGE_OVERWRITTEN)
    w->gone_ranges++;
  else if (st == RB_RANGE_NOT_YET_WRITTEN)
    w->future_ranges++;
  else if (st == RB_RANGE_LAPPED)
    w->lapped++;
}

/* The period every callback moves, as a JACK client would: deinterleave
 * into an audio ring and back out, on a plain and an overwrite ring, plus
 * an odd-sized byte transfer whose position drifts across the wrap. */
static void
period (Workload *w, guint64 i)
{
  guint f = (guint) (i % N_FORMATS);
  RbRing *a = w->audio[f];
  RbRing *o = w->audio_ow[f];
  const float *const *in = (const float *const *) w->ch_in;
  gsize len = 1 + (gsize) ((i * 97) % 509);
  gsize n;

  if (CALL (w, rb_ring_write_frames_available, a) < PERIOD)
    w->short_writes++;
  n = CALL (w, rb_ring_write_deinterleaved, a, in, CHANNELS, PERIOD);
  if (n < PERIOD)
    w->short_writes++;
  if (CALL (w, rb_ring_read_frames_available, a) < PERIOD)
    w->short_reads++;
  n = CALL (w, rb_ring_read_deinterleaved, a, w->ch_out, CHANNELS, PERIOD);
  if (n < PERIOD)
    w->short_reads++;

  CALL (w, rb_ring_write_deinterleaved, o, in, CHANNELS, PERIOD);
  n = CALL (w, rb_ring_read_deinterleaved, o, w->ch_out, CHANNELS, PERIOD);
  if (n < PERIOD)
    w->short_reads++;

  note_wrap (w, w->bytes, len);
  if (CALL (w, rb_ring_write, w->bytes, w->in, len) < len)
    w->short_writes++;
  if (CALL (w, rb_ring_read, w->bytes, w->out, len) < len)
    w->short_reads++;
  w->sink += w->out[0] + (guint64) w->ch_out[1][PERIOD - 1];
}

/* Byte ring: fill to the brim and beyond (overrun), then drain and beyond
 * (underrun), including the zero-length cases at either end. */
static void
byte_full_empty (Workload *w, guint64 i)
{
  RbRing *b = w->bytes;
  gsize room = CALL (w, rb_ring_write_available, b);
  gsize n;

  note_wrap (w, b, room);
  if (CALL (w, rb_ring_write, b, w->in, room + 1) <= room)
    w->short_writes++;
  if (CALL (w, rb_ring_write, b, w->in, 1) == 0)
    w->short_writes++;
  if (CALL (w, rb_ring_get_fill_level, b) == 1.0)
    w->sink++;
  n = CALL (w, rb_ring_read_available, b);
  if (CALL (w, rb_ring_read, b, w->out, n + 1) <= n)
    w->short_reads++;
  if (CALL (w, rb_ring_read, b, w->out, 1) == 0)
    w->short_reads++;
}

/* Byte ring: zero-copy in and out, releasing in two steps. */
static void
byte_zero_copy (Workload *w, guint64 i)
{
  RbRing *b = w->bytes;
  gsize n, k = 100 + (gsize) (i % 700);
  guint8 *p;
  const guint8 *q;

  p = CALL (w, rb_ring_write_acquire, b, &n);
  k = MIN (k, n);
  memcpy (p, w->in, k);
  CALL (w, rb_ring_write_commit, b, k);
  q = CALL (w, rb_ring_read_acquire, b, &n);
  if (n > 0)
    w->sink += q[n - 1];
  CALL (w, rb_ring_read_release, b, n / 2);
  q = CALL (w, rb_ring_read_acquire, b, &n);
  if (n > 0)
    w->sink += q[0];
  CALL (w, rb_ring_read_release, b, n + 1);     /* clamped */
}

/* Byte ring as its consumer: peek, read at absolute positions, ranges in
 * the past, present and future, skip beyond what is there. */
static void
byte_positions (Workload *w, guint64 i)
{
  RbRing *b = w->bytes;
  guint64 r, wp;
  gsize done;

  note_wrap (w, b, 200);
  CALL (w, rb_ring_write, b, w->in, 200);
  CALL (w, rb_ring_peek, b, w->out, 100);
  r = CALL (w, rb_ring_get_read_position, b);
  wp = CALL (w, rb_ring_get_write_position, b);
  count_range (w, CALL (w, rb_ring_read_at, b, r + 10, w->out, 50, &done));
  count_range (w, CALL (w, rb_ring_read_at, b, wp, w->out, 50, &done));
  count_range (w, CALL (w, rb_ring_check_range, b, r, (gsize) (wp - r)));
  count_range (w, CALL (w, rb_ring_check_range, b, r, (gsize) (wp - r) + 1));
  if (r > 0)
    count_range (w, CALL (w, rb_ring_check_range, b, r - 1, 1));
  CALL (w, rb_ring_skip, b, 150);
  if (CALL (w, rb_ring_skip, b, BYTE_CAPACITY) < BYTE_CAPACITY)
    w->short_reads++;
}

/* Facts and counters, any thread. */
static void
facts (Workload *w, guint64 i)
{
  guint f = (guint) (i % N_FORMATS);
  RbRing *a = w->audio[f], *o = w->audio_ow[f];

  w->sink += CALL (w, rb_sample_format_get_size, FORMAT (f));
  w->sink += CALL (w, rb_sample_format_to_string, FORMAT (f))[0];
  w->sink += CALL (w, rb_ring_get_capacity, a);
  w->sink += CALL (w, rb_ring_get_storage_size, a);
  w->sink += CALL (w, rb_ring_get_flags, o);
  w->sink += CALL (w, rb_ring_get_sample_format, a);
  w->sink += CALL (w, rb_ring_get_channels, a);
  w->sink += CALL (w, rb_ring_get_rate, a);
  w->sink += CALL (w, rb_ring_get_frame_size, a);
  w->sink += CALL (w, rb_ring_get_capacity_frames, a);
  w->sink += (guint64) CALL (w, rb_ring_get_fd, o);
  {
    /* the producer's clock point, as a JACK client sets it every cycle */
    guint64 cp, cf;
    gint64 ct;
    CALL (w, rb_ring_set_clock_point, o, CALL (w, rb_ring_get_write_position,
            o), (gint64) i, i);
    if (CALL (w, rb_ring_get_clock_point, o, &cp, &ct, &cf))
      w->sink += cp + (guint64) ct + cf;
    /* timing stamps from the caller's clock, as ringbridge-jack makes them */
    w->sink += CALL (w, rb_ring_stamp_producer, a,
        rb_ring_get_write_position (a), (gint64) (i + 1) * 1000000);
    w->sink += CALL (w, rb_ring_stamp_consumer, a,
        rb_ring_get_read_position (a), (gint64) (i + 1) * 1000000);
    /* and the maps of their loops, given the time, as ringbridge-jack's
     * fill control reads them at a cycle's start */
    {
      guint64 mp;
      gint64 now = (gint64) (i + 1) * 1000000 + 1000;

      if (CALL (w, rb_ring_time_to_position_full, a, now - 500, now, &mp))
        w->sink += mp;
      if (CALL (w, rb_ring_consumer_time_to_position_full, a, now - 500,
              now, &mp))
        w->sink += mp;
    }
  }
  w->sink += CALL (w, rb_ring_get_write_position, o);
  w->sink += CALL (w, rb_ring_get_read_position, o);
  w->sink += CALL (w, rb_ring_get_oldest_position, o);
  w->sink += CALL (w, rb_ring_get_oldest_position, a);
  w->sink += (guint64) (CALL (w, rb_ring_get_fill_level, o) * 100);
  w->sink += CALL (w, rb_ring_get_overruns, a);
  w->sink += CALL (w, rb_ring_get_underruns, a);
  w->sink += CALL (w, rb_ring_get_overwritten, o);
}

/* End of stream on the byte ring: not seen while data is pending, seen once
 * it is read, cleared by reset. Also the GBytes write. */
static void
byte_eos (Workload *w, guint64 i)
{
  RbRing *b = w->bytes;
  gsize n;

  note_wrap (w, b, g_bytes_get_size (w->gbytes));
  n = CALL (w, rb_ring_write_bytes, b, w->gbytes);
  CALL (w, rb_ring_set_end_of_stream, b);
  if (CALL (w, rb_ring_is_end_of_stream, b))
    w->sink++;                  /* only if the ring was full before */
  CALL (w, rb_ring_read, b, w->out, BYTE_CAPACITY);
  if (CALL (w, rb_ring_is_end_of_stream, b))
    w->eos_seen++;
  CALL (w, rb_ring_reset, b);
  w->sink += n + CALL (w, rb_ring_is_end_of_stream, b);
}

/* Overwrite byte ring: the writer laps the reader by more than the ring;
 * positional reads behind, at and past the data; the consumer catches up. */
static void
byte_overwrite (Workload *w, guint64 i)
{
  RbRing *o = w->bytes_ow;
  guint64 before = CALL (w, rb_ring_get_overwritten, o);
  guint64 w0 = CALL (w, rb_ring_get_write_position, o);
  guint64 oldest, end;
  gsize n, done;
  const guint8 *q;

  CALL (w, rb_ring_write, o, w->in, BYTE_CAPACITY + 100);
  end = CALL (w, rb_ring_get_write_position, o);
  count_range (w, CALL (w, rb_ring_read_at, o, w0, w->out, 100, &done));
  oldest = CALL (w, rb_ring_get_oldest_position, o);
  count_range (w, CALL (w, rb_ring_read_at, o, oldest, w->out, 256, &done));
  count_range (w, CALL (w, rb_ring_check_range, o, oldest, 256));
  count_range (w, CALL (w, rb_ring_check_range, o, end, 1));
  count_range (w, CALL (w, rb_ring_check_range, o, w0, 1));
  /* a view at the oldest position, and one already overwritten */
  q = CALL (w, rb_ring_view_at, o, oldest, 256, &n);
  if (q != NULL)
    w->sink += q[n - 1];
  count_range (w, CALL (w, rb_ring_view_at_check, o, oldest, n));
  w->sink += CALL (w, rb_ring_view_at, o, w0, 1, &n) == NULL;
  count_range (w, CALL (w, rb_ring_view_at_check, o, w0, 1));

  CALL (w, rb_ring_read, o, w->out, 128);
  if (CALL (w, rb_ring_get_overwritten, o) > before)
    w->lapped++;
  CALL (w, rb_ring_peek, o, w->out, 64);
  CALL (w, rb_ring_skip, o, 64);
  w->sink += CALL (w, rb_ring_read_available, o);
  q = CALL (w, rb_ring_read_acquire, o, &n);
  if (n > 0)
    w->sink += q[0];
  if (!CALL (w, rb_ring_read_release, o, n / 2))
    w->lapped++;
  /* not offered on overwrite rings: NULL and 0 */
  if (CALL (w, rb_ring_write_acquire, o, &n) == NULL)
    CALL (w, rb_ring_write_commit, o, n);
  w->sink += CALL (w, rb_ring_write_available, o);
  if (CALL (w, rb_ring_read, o, w->out, BYTE_CAPACITY) < BYTE_CAPACITY)
    w->short_reads++;
}

/* RbRingReader (issue #14): each policy reads the lapped ring, records and
 * pops its gaps; the getters. */
static void
byte_readers (Workload *w, guint64 i)
{
  RbGap gap;

  byte_overwrite (w, i);
  for (guint r = 0; r < G_N_ELEMENTS (w->readers); r++) {
    RbRingReader *rd = w->readers[r];

    w->sink += CALL (w, rb_ring_reader_get_available, rd);
    w->sink += CALL (w, rb_ring_reader_read, rd, w->out, 256);
    w->sink += CALL (w, rb_ring_reader_read_frames, rd, w->out, 16);
    CALL (w, rb_ring_reader_mark_underrun, rd, 1);
    w->sink += CALL (w, rb_ring_reader_get_position, rd) +
        CALL (w, rb_ring_reader_get_gap_total, rd, RB_GAP_OVERWRITTEN) +
        CALL (w, rb_ring_reader_get_gaps_merged, rd) +
        CALL (w, rb_ring_reader_get_gaps_pending, rd) +
        CALL (w, rb_ring_reader_get_target_latency, rd) +
        (guint) CALL (w, rb_ring_reader_get_policy, rd);
    while (CALL (w, rb_ring_reader_pop_gap, rd, &gap))
      w->sink += gap.length;
    w->sink += CALL (w, rb_ring_reader_get_ring, rd) == w->bytes_ow;
    if (CALL (w, rb_ring_reader_ref, rd) == rd)   /* dropped at the end */
      w->reader_refs[r]++;
  }
}

/* Plain audio ring: overrun at a frame boundary, read at an absolute frame,
 * then underrun, in frames and deinterleaved. */
static void
audio_full_empty (Workload *w, guint64 i)
{
  RbRing *a = w->audio[i % N_FORMATS];  /* this round's format */
  const float *const *in = (const float *const *) w->ch_in;
  gsize cap = CALL (w, rb_ring_get_capacity_frames, a);
  gsize fs = CALL (w, rb_ring_get_frame_size, a);
  guint64 rf;
  gsize got;

  if (CALL (w, rb_ring_write_frames, a, w->in, cap + 1) <= cap)
    w->short_writes++;
  if (CALL (w, rb_ring_write_deinterleaved, a, in, CHANNELS, PERIOD) == 0)
    w->short_writes++;
  rf = CALL (w, rb_ring_get_read_position, a) / fs;
  count_range (w, CALL (w, rb_ring_read_frames_at, a, rf, w->out, PERIOD,
          &got));
  count_range (w, CALL (w, rb_ring_read_frames_at, a, rf + cap, w->out,
          PERIOD, &got));
  if (CALL (w, rb_ring_read_frames, a, w->out, cap + 1) <= cap)
    w->short_reads++;
  if (CALL (w, rb_ring_read_deinterleaved, a, w->ch_out, CHANNELS,
          PERIOD) == 0)
    w->short_reads++;
  /* items: an audio ring's items are its frames */
  w->sink += CALL (w, rb_ring_is_item_ring, a) +
      CALL (w, rb_ring_get_item_size, a) +
      (CALL (w, rb_ring_get_item_descriptor, a) == NULL);
  w->sink += CALL (w, rb_ring_write_items, a, w->in, PERIOD);
  w->sink += CALL (w, rb_ring_read_items, a, w->out, PERIOD);
}

/* Overwrite audio ring: a write longer than the ring laps the reader, who
 * resumes on a frame boundary. */
static void
audio_overwrite (Workload *w, guint64 i)
{
  RbRing *o = w->audio_ow[i % N_FORMATS];  /* this round's format */
  gsize cap = CALL (w, rb_ring_get_capacity_frames, o);
  gsize fs = CALL (w, rb_ring_get_frame_size, o);
  guint64 before = CALL (w, rb_ring_get_overwritten, o);
  guint64 f0 = CALL (w, rb_ring_get_write_position, o) / fs;
  guint64 oldest;
  gsize got;

  CALL (w, rb_ring_write_frames, o, w->in, cap + PERIOD);
  count_range (w, CALL (w, rb_ring_read_frames_at, o, f0, w->out, PERIOD,
          &got));
  oldest = (CALL (w, rb_ring_get_oldest_position, o) + fs - 1) / fs;
  count_range (w, CALL (w, rb_ring_read_frames_at, o, oldest, w->out, PERIOD,
          &got));
  CALL (w, rb_ring_read_frames, o, w->out, PERIOD);
  if (CALL (w, rb_ring_get_overwritten, o) > before)
    w->lapped++;
  w->sink += CALL (w, rb_ring_write_frames_available, o);
  w->sink += CALL (w, rb_ring_read_frames_available, o);
  if (CALL (w, rb_ring_read_deinterleaved, o, w->ch_out, CHANNELS,
          cap) < cap)
    w->short_reads++;
}

/* Plain audio ring, zero-copy by whole frames. */
static void
audio_zero_copy (Workload *w, guint64 i)
{
  RbRing *a = w->audio[i % N_FORMATS];  /* this round's format */
  gsize fs = CALL (w, rb_ring_get_frame_size, a);
  gsize n, k;
  guint8 *p;
  const guint8 *q;

  p = CALL (w, rb_ring_write_acquire, a, &n);
  k = MIN (n / fs, PERIOD) * fs;
  memcpy (p, w->in, k);
  CALL (w, rb_ring_write_commit, a, k);
  q = CALL (w, rb_ring_read_acquire, a, &n);
  if (n > 0)
    w->sink += q[0];
  CALL (w, rb_ring_read_release, a, n - n % fs);
}

/* Leaves the byte ring half full for the callbacks that follow, so the
 * period's transfers also run on a partly filled ring. */
static void
byte_half_full (Workload *w, guint64 i)
{
  RbRing *b = w->bytes;
  gsize room = CALL (w, rb_ring_write_available, b);
  gsize fill = CALL (w, rb_ring_read_available, b);

  if (fill < BYTE_CAPACITY / 2 && room > BYTE_CAPACITY / 2 - fill) {
    note_wrap (w, b, BYTE_CAPACITY / 2 - fill);
    CALL (w, rb_ring_write, b, w->in, BYTE_CAPACITY / 2 - fill);
  }
}

/* Reset with data pending, on rings of both kinds. */
static void
resets (Workload *w, guint64 i)
{
  guint f = (guint) (i % N_FORMATS);

  CALL (w, rb_ring_write_frames, w->audio[f], w->in, PERIOD);
  CALL (w, rb_ring_reset, w->audio[f]);
  CALL (w, rb_ring_write, w->bytes_ow, w->in, 300);
  CALL (w, rb_ring_reset, w->bytes_ow);
  CALL (w, rb_ring_reset, w->audio_ow[f]);
}

/* Records ring: whole records in and out, in place and copied, until full
 * and until empty, with a payload too large for the reader's buffer. */
static void
records (Workload *w, guint64 i)
{
  RbRing *r = w->records;
  RbRecordInfo info;
  gsize size = (gsize) (i % 1500), max;
  guint8 *p;
  const guint8 *q;

  max = CALL (w, rb_ring_get_max_record_size, r);
  CALL (w, rb_record_info_init, &info, RB_RECORD_TYPE_DATA, (guint32) size);
  info.pts = (gint64) i;
  while (CALL (w, rb_ring_write_record, r, &info, w->in, size))
    ;                           /* until full: the overrun path */
  w->short_writes++;
  if (CALL (w, rb_ring_peek_record, r, &info))
    w->sink += info.size;
  /* too small a buffer leaves the record where it is */
  if (!CALL (w, rb_ring_read_record, r, &info, w->out, size / 2) &&
      size / 2 < info.size)
    w->sink++;
  q = CALL (w, rb_ring_read_record_acquire, r, &info);
  if (q != NULL)
    w->sink += info.size ? q[0] : 0;
  CALL (w, rb_ring_read_record_release, r);
  if (CALL (w, rb_ring_skip_record, r))
    w->sink++;
  while (CALL (w, rb_ring_read_record, r, &info, w->out, BUF_BYTES))
    ;                           /* until empty */
  w->short_reads++;
  p = CALL (w, rb_ring_write_record_acquire, r, MIN (size + 10, max));
  if (p != NULL) {
    memcpy (p, w->in, size);
    info.size = (guint32) size;
    CALL (w, rb_ring_write_record_commit, r, &info);
  }
  if (CALL (w, rb_ring_read_record, r, &info, w->out, BUF_BYTES))
    w->sink += info.size;
}

/* The situations a callback runs, one per callback in turn; per_round:
 * given the round (callback / N_SITUATIONS), not the callback's index. */
static const struct {
  void (*run) (Workload *w, guint64 i);
  gboolean per_round;
} situations[N_SITUATIONS] = {
  { byte_full_empty, FALSE },
  { byte_zero_copy, FALSE },
  { byte_positions, FALSE },
  { facts, FALSE },
  { byte_eos, FALSE },
  { byte_readers, FALSE },
  { audio_full_empty, TRUE },
  { audio_overwrite, TRUE },
  { audio_zero_copy, TRUE },
  { byte_half_full, FALSE },
  { resets, TRUE },
  { records, TRUE },
};

/* One realtime callback. */
static void
callback (Workload *w, guint64 i)
{
  guint64 k = i % N_SITUATIONS;

  period (w, i);
  situations[k].run (w, situations[k].per_round ? i / N_SITUATIONS : i);
  w->callbacks++;
}

/* The forbidden calls of the negative controls. Each result goes through a
 * volatile so the compiler cannot drop the call (gcc removes an unused
 * malloc/free pair). */
static void
inject (Workload *w, Inject what)
{
  volatile long v = 0;

  if (rt_trap_inject (what))
    return;
  switch (what) {
    default:                    /* made by rt_trap_inject() */
      break;
    case INJECT_FPUTS:
      /* Not fopen: with _FILE_OFFSET_BITS=64 (meson's default) it becomes
       * fopen64, which the LLVM 19 runtime does not intercept. Using the
       * result keeps gcc from turning fputs into fwrite. */
      v = fputs ("rt\n", w->devnull_file);
      break;
    case INJECT_WRITE:
      v = write (w->devnull, w->in, 1);
      break;
    case INJECT_FPRINTF:
      v = fprintf (w->devnull_file, "callback %" G_GUINT64_FORMAT "\n",
          w->callbacks);
      break;
    case INJECT_FUTEX_WAKE:
      /* shared, not private, as the ring's wake-up (rb-wait.c) makes it */
      v = syscall (SYS_futex, &w->futex_word, FUTEX_WAKE, 1, NULL, NULL, 0);
      break;
    case INJECT_FUTEX_WAIT:
      /* the expected value differs: returns EAGAIN at once if it runs */
      v = syscall (SYS_futex, &w->futex_word, FUTEX_WAIT_PRIVATE,
          w->futex_word + 1, NULL, NULL, 0);
      break;
    case INJECT_LAZY_PAGE:
      w->lazy_page[0] = 1;
      break;
  }
  (void) v;
}

/* @n callbacks, with @what injected half-way. */
static void
run_callbacks (Workload *w, guint64 n, Inject what)
{
  for (guint64 i = 0; i < n; i++) {
    if (i == n / 2)
      inject (w, what);
    callback (w, i);
  }
}

static guint64
total_calls (const Workload *w)
{
  guint64 sum = 0;

  for (guint k = 0; k < N_RT_FUNCS; k++)
    sum += w->calls[k];
  return sum;
}

/* --- checks after a clean run (not realtime) ------------------------------ */

/* The names of the functions RbRing's sources (lib/ringbridge/rb-*.c)
 * document as RT-safe: a gi-docgen block whose Thread line says "RT-safe"
 * (and not "Not RT-safe"). */
static GPtrArray *
documented_rt_safe (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "..", "lib",
      "ringbridge", NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GDir) listing = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GRegex) block = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (listing)) != NULL) {
    g_autofree char *path = NULL;
    g_autofree char *part = NULL;

    if (!g_str_has_prefix (entry, "rb-") || !g_str_has_suffix (entry, ".c"))
      continue;
    path = g_build_filename (dir, entry, NULL);
    g_file_get_contents (path, &part, NULL, &error);
    g_assert_no_error (error);
    g_string_append (text, part);
  }
  block = g_regex_new ("^/\\*\\*\\n \\* (rb_[a-z0-9_]+):.*?\\*/",
      G_REGEX_MULTILINE | G_REGEX_DOTALL, 0, &error);
  g_assert_no_error (error);
  g_regex_match (block, text->str, 0, &match);
  while (g_match_info_matches (match)) {
    g_autofree char *whole = g_match_info_fetch (match, 0);
    const char *mark = strstr (whole, "RT-safe");

    if (mark != NULL && !(mark - whole >= 4 && strncmp (mark - 4, "Not ",
                4) == 0))
      g_ptr_array_add (names, g_match_info_fetch (match, 1));
    g_match_info_next (match, NULL);
  }
  return names;
}

/* Every documented RT-safe function is in RT_FUNCS and was called, and
 * RT_FUNCS holds nothing else; the run took the paths it is meant to. */
static void
assert_coverage (const Workload *w, guint64 n_callbacks)
{
  g_autoptr (GPtrArray) documented = documented_rt_safe ();

  for (guint i = 0; i < documented->len; i++) {
    const char *name = documented->pdata[i];
    guint k;

    for (k = 0; k < N_RT_FUNCS; k++)
      if (strcmp (name, rt_func_names[k]) == 0)
        break;
    if (k == N_RT_FUNCS)
      g_test_fail_printf ("%s is documented RT-safe but the workload does "
          "not call it", name);
  }
  for (guint k = 0; k < N_RT_FUNCS; k++) {
    if (w->calls[k] == 0)
      g_test_fail_printf ("%s was never called", rt_func_names[k]);
  }
  /* and nothing in RT_FUNCS that is not documented RT-safe */
  g_assert_cmpuint (documented->len, ==, N_RT_FUNCS);

  g_assert_cmpuint (w->callbacks, ==, n_callbacks);
  g_assert_cmpuint (total_calls (w), >=, 1000000);
  g_assert_cmpuint (w->wraps, >, 0);
  g_assert_cmpuint (w->short_writes, >, 0);
  g_assert_cmpuint (w->short_reads, >, 0);
  g_assert_cmpuint (w->lapped, >, 0);
  g_assert_cmpuint (w->gone_ranges, >, 0);
  g_assert_cmpuint (w->future_ranges, >, 0);
  g_assert_cmpuint (w->eos_seen, >, 0);
}

static char *
describe (const Workload *w)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT " callbacks, %"
      G_GUINT64_FORMAT " RT calls to %u functions (%" G_GUINT64_FORMAT
      " wraps, %" G_GUINT64_FORMAT " short writes, %" G_GUINT64_FORMAT
      " short reads, %" G_GUINT64_FORMAT " lapped reads)", w->callbacks,
      total_calls (w), (guint) N_RT_FUNCS, w->wraps, w->short_writes,
      w->short_reads, w->lapped);
}

/* --- the realtime thread -------------------------------------------------- */

typedef struct {
  Workload *w;
  Inject inject;
  guint64 n_callbacks;

  /* results */
  long minflt, majflt;            /* faults: deltas over the measured run */
} RtRun;

/* --- RealtimeSanitizer ---------------------------------------------------- */

#ifdef RB_TEST_RTSAN

static void *
rtsan_thread (void *data)
{
  RtRun *run = data;

  __rtsan_realtime_enter ();
  run_callbacks (run->w, run->n_callbacks, run->inject);
  __rtsan_realtime_exit ();
  return NULL;
}

/* The child half of every RTSan test. RTSan reports by ending the process,
 * so the parent judges by exit status and stderr. */
static void
rtsan_child (int what, const char *name)
{
  Workload w;
  RtRun run = { .w = &w, .inject = what,
    .n_callbacks = what == INJECT_NONE ? N_CALLBACKS : N_CONTROL_CALLBACKS };

  __rtsan_init ();
  workload_init (&w);
  if (what != INJECT_NONE)
    g_printerr ("injecting %s at callback %" G_GUINT64_FORMAT "\n", name,
        run.n_callbacks / 2);
  rt_trap_run_in_thread (rtsan_thread, &run);
  g_printerr ("workload finished\n");
  if (what == INJECT_NONE) {
    g_autofree char *figures = describe (&w);

    assert_coverage (&w, N_CALLBACKS);
    /* on stdout, which the parent passes through into its TAP stream */
    g_print ("# rtsan: %s, 0 violations\n", figures);
  }
  workload_clear (&w);
}

/* Positive control: the full workload inside the realtime section passes
 * and RTSan says nothing. */
/* the clean run, then one per injected call */
static const RtTrapRtsanCase rtsan_cases[] = {
  RT_TRAP_RTSAN_CASES (rtsan_child),
  { rtsan_child, INJECT_FPUTS, "fputs" },
};

#else /* !RB_TEST_RTSAN */

/* --- seccomp -------------------------------------------------------------- */

static void
seccomp_work (void *data)
{
  RtRun *run = data;

  run_callbacks (run->w, run->n_callbacks, run->inject);
}

typedef struct {
  Workload w;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  workload_init (&fx->w);
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  workload_clear (&fx->w);
}

/* Runs the workload under the filter; returns the number of violations and
 * logs them. */
static guint
seccomp_run (Fixture *fx, Inject what, guint64 n_callbacks,
    gboolean allow_wake)
{
  RtRun run = { .w = &fx->w, .inject = what, .n_callbacks = n_callbacks };

  return rt_trap_seccomp_run (seccomp_work, &run, allow_wake);
}

static void
test_seccomp_clean (Fixture *fx, gconstpointer data)
{
  guint count = seccomp_run (fx, INJECT_NONE, N_CALLBACKS, FALSE);
  g_autofree char *figures = describe (&fx->w);

  g_test_message ("seccomp: %s, %u violations", figures, count);
  g_assert_cmpuint (count, ==, 0);
  assert_coverage (&fx->w, N_CALLBACKS);
}

/* Negative controls: the same run plus one forbidden system call must
 * yield exactly that one violation. */
static void
seccomp_negative (Fixture *fx, Inject what, long nr)
{
  guint count = seccomp_run (fx, what, N_CONTROL_CALLBACKS, FALSE);

  g_assert_cmpuint (count, ==, 1);
  g_assert_cmpint (atomic_load (&rt_trap_violations.nr[0]), ==, nr);
  g_assert_cmpuint (fx->w.callbacks, ==, N_CONTROL_CALLBACKS);
}

static void
test_seccomp_getpid (Fixture *fx, gconstpointer data)
{
  seccomp_negative (fx, INJECT_GETPID, SYS_getpid);
}

static void
test_seccomp_write (Fixture *fx, gconstpointer data)
{
  seccomp_negative (fx, INJECT_WRITE, SYS_write);
}

static void
test_seccomp_fprintf (Fixture *fx, gconstpointer data)
{
  seccomp_negative (fx, INJECT_FPRINTF, SYS_write);
  /* the refused write left the stream in error */
  clearerr (fx->w.devnull_file);
}

static void
test_seccomp_futex_wake (Fixture *fx, gconstpointer data)
{
  seccomp_negative (fx, INJECT_FUTEX_WAKE, SYS_futex);
}

/* A large malloc maps memory (mmap, perhaps first a new arena); how many
 * calls that takes is glibc's business, so at least one is enough. */
static void
test_seccomp_malloc (Fixture *fx, gconstpointer data)
{
  guint count = seccomp_run (fx, INJECT_MALLOC, N_CONTROL_CALLBACKS, FALSE);

  g_assert_cmpuint (count, >=, 1);
  g_assert_cmpuint (fx->w.callbacks, ==, N_CONTROL_CALLBACKS);
}

/* The allow-list entry for the waiting layer's wake-up lets FUTEX_WAKE
 * through and nothing else: the wake passes, a wait is still caught. */
static void
test_seccomp_wake_allowed (Fixture *fx, gconstpointer data)
{
  g_assert_cmpuint (seccomp_run (fx, INJECT_FUTEX_WAKE,
          N_CONTROL_CALLBACKS, TRUE), ==, 0);
}

static void
test_seccomp_wait_refused (Fixture *fx, gconstpointer data)
{
  g_assert_cmpuint (seccomp_run (fx, INJECT_FUTEX_WAIT,
          N_CONTROL_CALLBACKS, TRUE), ==, 1);
  g_assert_cmpint (atomic_load (&rt_trap_violations.nr[0]), ==, SYS_futex);
}

/* With a consumer asleep in rb_ring_wait_readable(), one realtime write
 * makes exactly one system call, FUTEX_WAKE; with nobody asleep, none. The
 * wake is trapped like any other call (so it fails and the sleeper only
 * wakes at the end of its 20 ms slice): what counts is that the realtime
 * side made it once. */
typedef struct {
  RbRing *ring;
  const struct rb_shm_header *hdr;      /* read-only view of its header */
  guint8 byte;
  int filter_errno;
  RbWaitResult waited;
} WakeRun;

static gpointer
sleeper (gpointer data)
{
  WakeRun *r = data;

  r->waited = rb_ring_wait_readable (r->ring, 1, 10 * G_USEC_PER_SEC);
  return NULL;
}

static void *
wake_thread (void *data)
{
  WakeRun *r = data;

  r->filter_errno = rt_trap_install (FALSE);
  if (r->filter_errno != 0)
    return NULL;
  /* busy-wait (a yield would be a system call) until the sleeper has
   * announced itself; relaxed: only a signal to start */
  while (atomic_load_explicit (&r->hdr->data_waiters, memory_order_relaxed)
      == 0)
    ;
  rb_ring_write (r->ring, &r->byte, 1);         /* exactly one wake */
  return NULL;
}

static void
test_seccomp_one_wake_per_waiter (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  struct sigaction old;
  WakeRun r = { 0 };
  GThread *sleeping;
  size_t page = (size_t) sysconf (_SC_PAGESIZE);

  g_assert_no_error (error);
  r.ring = ring;
  r.hdr = mmap (NULL, page, PROT_READ, MAP_SHARED, rb_ring_get_fd (ring), 0);
  g_assert_true (r.hdr != MAP_FAILED);

  rt_trap_catch (&old);
  sleeping = g_thread_new ("sleeper", sleeper, &r);
  rt_trap_run_in_thread (wake_thread, &r);
  g_thread_join (sleeping);
  rt_trap_release (&old);
  g_assert_cmpint (r.filter_errno, ==, 0);

  g_assert_cmpint (r.waited, ==, RB_WAIT_READY);
  g_assert_cmpuint (atomic_load (&rt_trap_violations.count), ==, 1);
  g_assert_cmpint (atomic_load (&rt_trap_violations.nr[0]), ==, SYS_futex);
  munmap ((void *) r.hdr, page);
}

/* Issue #11 item 9: a process that can write the shared header pokes a
 * non-zero waiter count into it (or a waiter died before taking its
 * announcement back). Nobody sleeps, so the realtime side may wake at most
 * once per announcement it has not yet answered: here once per side, not
 * once per call. */
typedef struct {
  RbRing *ring;
  guint calls;
} PokeRun;

static void
poked_work (void *data)
{
  PokeRun *r = data;
  guint8 buf[16] = { 0 };

  for (guint i = 0; i < r->calls; i++) {
    rb_ring_write (r->ring, buf, sizeof buf);      /* wakes data waiters */
    rb_ring_read (r->ring, buf, sizeof buf);       /* wakes space waiters */
  }
}

static void
test_seccomp_poked_waiters (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbRing) ring = rb_ring_new (4096, &error);
  PokeRun r = { 0 };
  size_t page = (size_t) sysconf (_SC_PAGESIZE);
  struct rb_shm_header *hdr;
  guint count;

  g_assert_no_error (error);
  hdr = mmap (NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED,
      rb_ring_get_fd (ring), 0);
  g_assert_true (hdr != MAP_FAILED);
  /* the poke: 4 bytes each, from "another process" */
  atomic_store (&hdr->data_waiters, 1);
  atomic_store (&hdr->space_waiters, 1);

  r.ring = ring;
  r.calls = 1000;
  count = rt_trap_seccomp_run (poked_work, &r, FALSE);
  g_test_message ("poked waiter counts: %u system calls in %u writes and "
      "%u reads", count, r.calls, r.calls);
  for (guint i = 0; i < MIN (count, RT_TRAP_MAX_RECORDED); i++)
    g_assert_cmpint (atomic_load (&rt_trap_violations.nr[i]), ==, SYS_futex);
  /* one FUTEX_WAKE per side for the one announcement it saw */
  g_assert_cmpuint (count, <=, 2);
  munmap (hdr, page);
}

/* --- page faults ---------------------------------------------------------- */

static void *
faults_thread (void *data)
{
  RtRun *run = data;
  struct rusage before, after;

  /* The warm-up touches this thread's stack, the PLT/GOT entries and every
   * page of the rings and buffers that the measured run will touch. */
  run_callbacks (run->w, N_WARMUP, INJECT_NONE);
  run->w->callbacks = 0;
  memset (run->w->calls, 0, sizeof run->w->calls);
  getrusage (RUSAGE_THREAD, &before);
  run_callbacks (run->w, run->n_callbacks, run->inject);
  getrusage (RUSAGE_THREAD, &after);
  run->minflt = after.ru_minflt - before.ru_minflt;
  run->majflt = after.ru_majflt - before.ru_majflt;
  return NULL;
}

static void
faults_run (Fixture *fx, RtRun *run, Inject what, guint64 n_callbacks)
{
  *run = (RtRun) { .w = &fx->w, .inject = what,
    .n_callbacks = n_callbacks };
  rt_trap_run_in_thread (faults_thread, run);
  g_test_message ("faults: %ld minor, %ld major over %" G_GUINT64_FORMAT
      " callbacks after %d warm-up callbacks", run->minflt, run->majflt,
      fx->w.callbacks, N_WARMUP);
}

/* Up to three runs, passing on the first without a fault: the kernel may
 * take a page from a running process on its own (THP collapse, page
 * migration), as tests/jack/test-jack-rt.c saw once under load. A retry
 * hides no fault of the code's: every run follows a warm-up of the same
 * callbacks, so what faults after one faults after each. */
static void
test_faults_clean (Fixture *fx, gconstpointer data)
{
  RtRun run;
  g_autofree char *figures = NULL;

  for (int attempt = 1; attempt <= 3; attempt++) {
    faults_run (fx, &run, INJECT_NONE, N_CALLBACKS);
    if (run.minflt + run.majflt == 0)
      break;
  }
  figures = describe (&fx->w);
  g_test_message ("faults: %s", figures);
  g_assert_cmpint (run.minflt + run.majflt, ==, 0);
  assert_coverage (&fx->w, N_CALLBACKS);
}

/* Negative control: one touch of a page mapped but never faulted in. */
static void
test_faults_lazy_page (Fixture *fx, gconstpointer data)
{
  RtRun run;

  faults_run (fx, &run, INJECT_LAZY_PAGE, N_CONTROL_CALLBACKS);
  g_assert_cmpint (run.minflt + run.majflt, >=, 1);
}

#endif /* RB_TEST_RTSAN */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#ifdef RB_TEST_RTSAN
  g_test_add_data_func ("/rt/rtsan/clean", &rtsan_cases[0],
      rt_trap_rtsan_test);
  g_test_add_data_func ("/rt/rtsan/inject-malloc", &rtsan_cases[1],
      rt_trap_rtsan_test);
  g_test_add_data_func ("/rt/rtsan/inject-mutex", &rtsan_cases[2],
      rt_trap_rtsan_test);
  g_test_add_data_func ("/rt/rtsan/inject-fputs", &rtsan_cases[3],
      rt_trap_rtsan_test);
#else
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/rt/seccomp/clean", test_seccomp_clean);
  ADD ("/rt/seccomp/inject-getpid", test_seccomp_getpid);
  ADD ("/rt/seccomp/inject-write", test_seccomp_write);
  ADD ("/rt/seccomp/inject-fprintf", test_seccomp_fprintf);
  ADD ("/rt/seccomp/inject-malloc", test_seccomp_malloc);
  ADD ("/rt/seccomp/inject-futex-wake", test_seccomp_futex_wake);
  ADD ("/rt/seccomp/allow-wake-passes-futex-wake", test_seccomp_wake_allowed);
  ADD ("/rt/seccomp/allow-wake-traps-futex-wait", test_seccomp_wait_refused);
#ifndef RB_TEST_RTSAN
  g_test_add_func ("/rt/seccomp/one-wake-per-waiter",
      test_seccomp_one_wake_per_waiter);
  g_test_add_func ("/rt/seccomp/poked-waiters", test_seccomp_poked_waiters);
#endif
  ADD ("/rt/faults/clean", test_faults_clean);
  ADD ("/rt/faults/inject-lazy-page", test_faults_lazy_page);
#undef ADD
#endif

  return g_test_run ();
}
