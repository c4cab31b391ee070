/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* ringbridge-bench: streams verified data between two pinned threads
 * through RbRing and its peers and prints ratios (see docs/benchmarks.md).
 *
 * Peers of a throughput case (one ring capacity, one chunk size):
 *   rbring  RbRing through the public API (rb_ring_write/rb_ring_read)
 *   jack    JACK's jack_ringbuffer (libjack), created with the same size
 *   boost   boost::lockfree::spsc_queue<char> of the same size, bulk push
 *           and pop through a C shim (peer-boost.cc)
 *   pa      PortAudio's PaUtilRingBuffer of 1-byte elements (the static
 *           libportaudio.a, peer-pa.h)
 *   limit   the cross-core limit: slots of chunk size in a buffer of the
 *           ring's size, one atomic flag per slot and nothing else
 *   memcpy  one thread copying the same chunks through a buffer of the
 *           ring's size
 * Every peer runs the same generator on the producer side and the same
 * check on the consumer side (bench_fill() and bench_verify() in
 * bench-gen.c, never inlined, so the verification costs every peer the
 * same machine code). A round-trip case bounces an 8-byte message over two
 * rings and compares with one atomic counter bounced between the threads.
 *
 * Absolute figures on a shared VM vary with where the hypervisor places
 * the two vCPUs, so the program reports medians of per-repetition ratios:
 * the peers of one repetition run back to back, in rotated order, on the
 * same placement. The streams, the throughput table, the repetitions and
 * the report are shared with ringbridge-bench-xproc (bench-*.c); the
 * round trips are in ringbridge-bench-trips.c. */

#include "bench-common.h"
#include "bench-gen.h"
#include "bench-json.h"
#include "bench-lat.h"
#include "bench-machine.h"
#include "bench-placement.h"
#include "bench-run.h"
#include "bench-stats.h"
#include "bench-streams.h"
#include "bench-tput.h"
#include "bench-unaligned.h"
#include "ringbridge-bench-trips.h"

#include <ringbridge/ringbridge.h>

#ifdef HAVE_JACK
#include <jack/ringbuffer.h>
#endif

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define N_PEERS (PEER_MEMCPY + 1)

static const char *const peer_names[N_PEERS] = {
  BENCH_RING_PEER_NAMES, "memcpy"
};

/* Ratios reported per throughput case, rbring / denominator. */
enum ratio {
  RATIO_JACK,
  RATIO_BOOST,
  RATIO_PA,
  RATIO_SEEDS,                  /* the better of boost and PortAudio */
  RATIO_RINGS,                  /* the fastest of jack, boost, PortAudio */
  RATIO_LIMIT,
  RATIO_MEMCPY,
  N_RATIOS
};

static const unsigned ratio_den[N_RATIOS] = {
  BENCH_PEER (PEER_JACK), BENCH_PEER (PEER_BOOST), BENCH_PEER (PEER_PA),
  BENCH_PEER (PEER_BOOST) | BENCH_PEER (PEER_PA),
  BENCH_PEER (PEER_JACK) | BENCH_PEER (PEER_BOOST) | BENCH_PEER (PEER_PA),
  BENCH_PEER (PEER_LIMIT), BENCH_PEER (PEER_MEMCPY)
};

static const char *const ratio_names[N_RATIOS] = {
  "rbring/jack", "rbring/boost", "rbring/portaudio", "rbring/best_seed",
  "rbring/best_ring", "rbring/limit", "rbring/memcpy"
};

static const struct bench_tput_spec tput_spec = {
  .n_peers = N_PEERS,
  .peer_names = peer_names,
  .peer_labels = (const char *const[]) { BENCH_RING_PEER_LABELS,
      "memcpy" },
  .n_ratios = N_RATIOS,
  .ratio_den = ratio_den,
  .ratio_names = ratio_names,
  .ratio_labels = (const char *const[]) { "rb/jack", "rb/boost", "rb/PA",
      "rb/seed", "rb/ring", "rb/limit", "rb/memcpy" },
  .missing_peers = BENCH_MISSING_PEERS (PEER_JACK, PEER_BOOST, PEER_PA),
};

enum lat_ratio {
  LAT_RATIO_RB,
  LAT_RATIO_JACK,
  N_LAT_RATIOS
};

static const char *const lat_ratio_names[N_LAT_RATIOS] = {
  "rbring/pingpong", "jack/pingpong"
};

/* --- options -------------------------------------------------------------- */

static guint64 opt_bytes = 0;
static gint64 opt_round_trips = 0;
static gboolean opt_jack_native_buffer = FALSE;

static const GOptionEntry entries[] = {
  BENCH_RUN_OPTION_REPS (bench_opt.reps),
  BENCH_RUN_OPTION_BYTES,
  { "round-trips", 't', 0, G_OPTION_ARG_INT64, &opt_round_trips,
    "Measured round trips per latency run (default 200000)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &bench_opt.quick,
    "A run of a few seconds: 5 repetitions, --bytes 16M, --round-trips "
    "20000, unless given", NULL },
  BENCH_RUN_OPTION_JSON (bench_opt.json),
  { "jack-native-buffer", 0, 0, G_OPTION_ARG_NONE, &opt_jack_native_buffer,
    "Keep the buffer jack_ringbuffer_create() got from malloc instead of a "
    "page-aligned one", NULL },
  BENCH_RUN_OPTION_INJECT (bench_opt.inject),
  G_OPTION_ENTRY_NULL
};

/* --- throughput ----------------------------------------------------------- */

/* The objects one capacity's peers stream through. They live for the whole
 * program, so only the warm-up pass meets cold pages. */
struct peers {
  size_t capacity;
  RbRing *rb;
#ifdef HAVE_JACK
  jack_ringbuffer_t *jack;
#endif
#ifdef HAVE_BOOST
  bench_boost *boost;
#endif
#ifdef HAVE_PORTAUDIO
  PaUtilRingBuffer pa;
  uint8_t *pa_buf;
#endif
  unsigned jack_native_offset;  /* where malloc put jack's buffer, mod 64 */
  struct bench_limit limit;
  uint8_t *copy_buf;            /* the memcpy peer's buffer */
};

struct stream {
  struct bench_job job;
  struct peers *p;
  uint8_t *src;                 /* producer's chunk buffer */
  uint8_t *dst;                 /* consumer's chunk buffer */

  struct bench_start start;
  /* Written by the consumer thread, read by the producer after the run. */
  uint64_t t_end;
  uint64_t bad;
};

/* One thread, the same chunks through a buffer of the ring's size: what
 * moving the data costs without a second core. */
static void
memcpy_run (struct stream *s)
{
  const struct bench_job *j = &s->job;
  size_t chunk = j->chunk;
  size_t mask = s->p->capacity - 1;
  uint8_t *buf = s->p->copy_buf;
  struct bench_gen pg = { j->seed, 0 };
  struct bench_gen cg = { j->seed, 0 };
  size_t off = 0;

  for (uint64_t k = 0; k < j->n; k++) {
    bench_fill (&pg, s->src, chunk);
    memcpy (buf + off, s->src, chunk);
    /* Keep the compiler from forwarding src to dst past the buffer. */
    __asm__ volatile ("" ::: "memory");
    memcpy (s->dst, buf + off, chunk);
    bench_verify (&cg, s->dst, chunk, k == j->inject_at);
    off = (off + chunk) & mask;
  }
  s->bad = cg.bad;
}

static void
produce (struct stream *s)
{
  const struct bench_job *j = &s->job;

  switch (j->peer) {
    case PEER_RB:
      bench_rb_produce (s->p->rb, j->chunk, j->n, j->seed, s->src);
      break;
#ifdef HAVE_JACK
    case PEER_JACK:
      bench_jack_produce (s->p->jack, j->chunk, j->n, j->seed, s->src);
      break;
#endif
#ifdef HAVE_BOOST
    case PEER_BOOST:
      bench_boost_produce (s->p->boost, j->chunk, j->n, j->seed, s->src);
      break;
#endif
#ifdef HAVE_PORTAUDIO
    case PEER_PA:
      bench_pa_produce (&s->p->pa, j->chunk, j->n, j->seed, s->src);
      break;
#endif
    case PEER_LIMIT:
      bench_limit_produce (&s->p->limit, j->chunk, j->n, j->seed, s->src);
      break;
    default:
      g_assert_not_reached ();
  }
}

static uint64_t
consume (struct stream *s)
{
  const struct bench_job *j = &s->job;

  switch (j->peer) {
    case PEER_RB:
      return bench_rb_consume (s->p->rb, j->chunk, j->n, j->seed,
          j->inject_at, s->dst);
#ifdef HAVE_JACK
    case PEER_JACK:
      return bench_jack_consume (s->p->jack, j->chunk, j->n, j->seed,
          j->inject_at, s->dst);
#endif
#ifdef HAVE_BOOST
    case PEER_BOOST:
      return bench_boost_consume (s->p->boost, j->chunk, j->n,
          j->seed, j->inject_at, s->dst);
#endif
#ifdef HAVE_PORTAUDIO
    case PEER_PA:
      return bench_pa_consume (&s->p->pa, j->chunk, j->n, j->seed,
          j->inject_at, s->dst);
#endif
    case PEER_LIMIT:
      return bench_limit_consume (&s->p->limit, j->chunk, j->n,
          j->seed, j->inject_at, s->dst);
    default:
      g_assert_not_reached ();
  }
}

static void *
consumer_thread (void *data)
{
  struct stream *s = data;

  bench_pin_self (1, "a thread");
  bench_start_ready (&s->start);
  s->bad = consume (s);
  s->t_end = now_ns ();
  return NULL;
}

/* Runs one peer once and returns its throughput in GB/s (10^9 bytes/s);
 * *bad is nonzero if the consumer saw other data than was produced. */
static double
run_stream (struct peers *p, enum bench_peer peer, size_t chunk,
    uint64_t n_chunks, uint64_t seed, bool inject, uint8_t *src, uint8_t *dst,
    uint64_t *bad)
{
  struct stream *s = bench_alloc_aligned (sizeof *s);
  pthread_t thread;
  uint64_t t0, t1;
  double gbps;
  int err;

  s->job = bench_job_make (peer, chunk, n_chunks, seed, inject);
  s->p = p;
  s->src = src;
  s->dst = dst;

  if (peer == PEER_MEMCPY) {
    t0 = now_ns ();
    memcpy_run (s);
    t1 = now_ns ();
  } else {
    err = pthread_create (&thread, NULL, consumer_thread, s);
    if (err != 0) {
      g_printerr ("error: cannot start the consumer thread: %s\n",
          g_strerror (err));
      exit (EXIT_SETUP);
    }
    t0 = bench_start_go (&s->start);
    produce (s);
    pthread_join (thread, NULL);
    t1 = s->t_end;
  }

  gbps = (double) (n_chunks * chunk) / (double) (t1 - t0);
  *bad = s->bad;
  free (s);
  return gbps;
}

#ifdef HAVE_JACK
static void
jack_peer_init (struct peers *p, size_t capacity)
{
  p->jack = jack_ringbuffer_create (capacity);
  if (p->jack == NULL) {
    g_printerr ("error: jack_ringbuffer_create (%zu) failed\n", capacity);
    exit (EXIT_SETUP);
  }
  p->jack_native_offset = (unsigned) ((uintptr_t) p->jack->buf % 64);
  if (!opt_jack_native_buffer) {
    /* malloc() places jack's buffer wherever the heap has room (a large one
     * at 16 bytes past a page), and glibc's memcpy copies 4 KiB or more
     * about ten times slower between buffers that are 16 bytes apart
     * modulo 32 on some CPUs (AMD Zen 3 here): that would measure malloc,
     * not the ring. Give it a page-aligned buffer like RbRing's data.
     * jack_ringbuffer_free() releases buf with free(), which takes
     * aligned_alloc() memory too. */
    char *buf = bench_alloc_aligned (p->jack->size);
    free (p->jack->buf);
    p->jack->buf = buf;
  }
}
#endif

/* The seeds' engines, boost's queue and PortAudio's ring, of @capacity
 * bytes (PortAudio's buffer page-aligned like RbRing's data). */
static void
seed_peers_init (struct peers *p, size_t capacity)
{
#ifdef HAVE_BOOST
  p->boost = bench_boost_new (capacity);
  if (p->boost == NULL) {
    g_printerr ("error: cannot make a %zu-byte boost spsc_queue\n", capacity);
    exit (EXIT_SETUP);
  }
#endif
#ifdef HAVE_PORTAUDIO
  p->pa_buf = bench_alloc_aligned (capacity);
  bench_pa_init (&p->pa, p->pa_buf, capacity);
#endif
  (void) p;
  (void) capacity;
}

static void
peers_init (struct peers *p, size_t capacity)
{
  g_autoptr (GError) error = NULL;

  memset (p, 0, sizeof *p);
  p->capacity = capacity;
  p->rb = rb_ring_new (capacity, &error);
  if (p->rb == NULL) {
    g_printerr ("error: %s\n", error->message);
    exit (EXIT_SETUP);
  }
  if (rb_ring_get_capacity (p->rb) != capacity) {
    g_printerr ("error: asked for a %zu-byte ring, got %zu bytes\n", capacity,
        rb_ring_get_capacity (p->rb));
    exit (EXIT_SETUP);
  }
#ifdef HAVE_JACK
  jack_peer_init (p, capacity);
#endif
  seed_peers_init (p, capacity);
  p->limit.capacity = capacity;
  p->limit.data = bench_alloc_aligned (capacity);
  p->limit.flags = bench_alloc_aligned (capacity / bench_chunks[0]);
  p->copy_buf = bench_alloc_aligned (capacity);
}

static void
peers_clear (struct peers *p)
{
  g_clear_object (&p->rb);
#ifdef HAVE_JACK
  jack_ringbuffer_free (p->jack);
#endif
#ifdef HAVE_BOOST
  bench_boost_free (p->boost);
#endif
#ifdef HAVE_PORTAUDIO
  free (p->pa_buf);
#endif
  free (p->limit.data);
  free ((void *) p->limit.flags);
  free (p->copy_buf);
}

/* --- results -------------------------------------------------------------- */

struct lat_result {
  struct bench_lat_reps by_rep;  /* medians, p99s, ratios to pingpong */
  double *mean_ns[N_LAT_PEERS];         /* of the trips up to the p99 */
  double med_median_ns[N_LAT_PEERS];
  double med_p99_ns[N_LAT_PEERS];
  double med_mean_ns[N_LAT_PEERS];
};

#define N_TARGETS 5

struct results {
  struct bench_run run;
  struct lat_result lat;
  struct bench_target targets[N_TARGETS];
  unsigned jack_native_offset[BENCH_N_CAPACITIES];  /* see jack_peer_init() */
  struct bench_unaligned ua;
  GString *classes_json;        /* "placement":{..},"classes":{..}, */
};

static void
results_init (struct results *res)
{
  memset (res, 0, sizeof *res);
  bench_run_init (&res->run, &tput_spec, bench_opt.reps, opt_bytes);
  bench_lat_reps_init (&res->lat.by_rep, N_LAT_PEERS, N_LAT_RATIOS,
      bench_opt.reps);
  bench_per_rep_new (res->lat.mean_ns, N_LAT_PEERS, bench_opt.reps);
  bench_unaligned_init (&res->ua, bench_opt.reps, opt_bytes / 4);
}

static void
results_clear (struct results *res)
{
  bench_lat_reps_clear (&res->lat.by_rep);
  bench_per_rep_free (res->lat.mean_ns, N_LAT_PEERS);
  bench_unaligned_clear (&res->ua);
  if (res->classes_json != NULL)
    g_string_free (res->classes_json, TRUE);
  bench_run_clear (&res->run);
}

static void
lat_summarize (struct lat_result *lat, const struct bench_run *run)
{
  for (int i = 0; i < N_LAT_PEERS; i++) {
    bool missing = i == LAT_JACK && !bench_have_jack;
    lat->med_median_ns[i] = missing ? NAN :
        bench_run_rep_median (run, lat->by_rep.median_ns[i]);
    lat->med_p99_ns[i] = missing ? NAN :
        bench_run_rep_median (run, lat->by_rep.p99_ns[i]);
    lat->med_mean_ns[i] = missing ? NAN :
        bench_run_rep_median (run, lat->mean_ns[i]);
  }
  /* the ratios are indexed like the peers (see print_table()) */
  bench_lat_reps_ratios (&lat->by_rep, run, NULL, LAT_PINGPONG,
      bench_have_jack ? 0 : 1u << LAT_JACK);
}

/* The latency medians and the targets over the repetitions in use (all,
 * or one placement class's: bench_run_use_class()). */
static void
results_summarize_used (struct results *res)
{
  const struct bench_tput *tput = &res->run.tput;
  struct lat_result *lat = &res->lat;
  struct bench_target *t = res->targets;

  lat_summarize (lat, &res->run);
  bench_unaligned_summarize (&res->ua, &res->run);

  t[0].name = "RbRing >= 2x jack_ringbuffer at 8 B and 64 B";
  bench_tput_check_target (tput, &t[0], RATIO_JACK, 8, 64, 2.0);
  t[1].name = "RbRing >= 1.3x the better of boost/PortAudio, 8-256 B";
  bench_tput_check_target (tput, &t[1], RATIO_SEEDS, 8, 256, 1.3);
  t[2].name = "RbRing >= every ring peer at every size";
  bench_tput_check_target (tput, &t[2], RATIO_RINGS, 0, SIZE_MAX, 1.0);
  t[3].name = "RbRing >= 0.9x the cross-core limit at 4 KiB and up";
  bench_tput_check_target (tput, &t[3], RATIO_LIMIT, 4096, SIZE_MAX, 0.9);
  bench_run_lat_target (&t[4], "round trip <= 1.5x the atomic ping-pong",
      &lat->by_rep.ratios, LAT_RATIO_RB, 1.5);
}

/* --- output --------------------------------------------------------------- */

static void
print_header (const struct results *res)
{
  g_autofree gchar *jack_note = opt_jack_native_buffer ?
      g_strdup_printf ("jack_ringbuffer: malloc's buffer "
      "(--jack-native-buffer), at %u and %u bytes past a 64-byte line",
      res->jack_native_offset[0], res->jack_native_offset[1]) :
      g_strdup_printf ("jack_ringbuffer: page-aligned buffer like RbRing's "
      "(malloc put it %u and %u bytes past a 64-byte line; see "
      "--jack-native-buffer)", res->jack_native_offset[0],
      res->jack_native_offset[1]);

  bench_run_print_header (&res->run, "ringbridge-bench");
  bench_print_peers_header (jack_note);
}

static void
print_table (const struct results *res)
{
  const struct lat_result *lat = &res->lat;

  g_print ("\nThroughput, GB/s (10^9 B/s), median over repetitions; ratios "
      "are medians of\nper-repetition ratios. limit = one flag per slot "
      "between two threads,\nmemcpy = one thread.\n\n");
  bench_tput_print (&res->run.tput);

  g_print ("\nRound trip of an 8-byte message (ping over one ring, pong back "
      "over another;\npingpong = one atomic counter), ns, median over "
      "repetitions of %" G_GINT64_FORMAT " trips each;\nmean = mean of "
      "the trips up to the p99:\n\n", opt_round_trips);
  /* The ratios are indexed like the peers without the base. */
  G_STATIC_ASSERT ((int) LAT_RATIO_RB == (int) LAT_RB &&
      (int) LAT_RATIO_JACK == (int) LAT_JACK &&
      LAT_PINGPONG == N_LAT_PEERS - 1);
  bench_lat_table_print (lat_peer_names, N_LAT_PEERS, LAT_PINGPONG,
      lat->by_rep.ratios.med_ratio, lat->by_rep.ratios.med_ratio_p99,
      (const struct bench_lat_column[]) {
        { "median", 0, lat->med_median_ns }, { "p99", 0, lat->med_p99_ns },
        { "mean", 1, lat->med_mean_ns } }, 3);

  bench_run_print_targets (res->targets, N_TARGETS, 56);
}

/* ,"round_trip":{...} */
static void
lat_to_json (GString *json, const struct lat_result *lat)
{
  unsigned missing = bench_have_jack ? 0 : 1u << LAT_JACK;
  double *mean_ns[N_LAT_PEERS];

  for (int i = 0; i < N_LAT_PEERS; i++)
    mean_ns[i] = missing & (1u << i) ? NULL : lat->mean_ns[i];
  g_string_append_printf (json, ",\"round_trip\":{\"message_bytes\":8,"
      "\"capacity\":%d,\"trips\":%" G_GINT64_FORMAT ",", LATENCY_CAPACITY,
      opt_round_trips);
  bench_run_lat_to_json (json, lat_peer_names, &lat->by_rep, missing,
      (const struct bench_lat_field[]) {
        { "mean_to_p99_ns", mean_ns, NULL },
        { "median_of_median_ns", NULL, lat->med_median_ns },
        { "median_of_p99_ns", NULL, lat->med_p99_ns },
        { "median_of_mean_to_p99_ns", NULL, lat->med_mean_ns },
      }, 4, lat_ratio_names);
}

static GString *
results_to_json (const struct results *res)
{
  GString *json = bench_run_json_start (&res->run, "ringbridge-bench",
      opt_bytes, "round_trips", opt_round_trips,
      opt_jack_native_buffer ? ",\"jack_native_buffer\":true" :
      ",\"jack_native_buffer\":false");

  g_string_append_printf (json, "\"jack_native_offset\":[%u,%u],",
      res->jack_native_offset[0], res->jack_native_offset[1]);
  bench_tput_to_json (json, &res->run.tput);
  lat_to_json (json, &res->lat);
  bench_unaligned_to_json (json, &res->ua);
  g_string_append (json, res->classes_json->str);
  bench_run_json_end (json, &res->run, res->targets, N_TARGETS,
      bench_opt.inject);
  return json;
}

/* The tables and targets of each placement class, and their JSON into
 * res->classes_json; then back to every repetition. */
static void
report_classes (struct results *res)
{
  GString *json = g_string_new (NULL);

  bench_run_placement_to_json (json, &res->run);
  g_string_append (json, "\"classes\":{");
  for (int c = 0; c < BENCH_N_CLASSES; c++) {
    const char *name = bench_class_names[c];
    int n = bench_run_use_class (&res->run, c);

    g_string_append_printf (json, "%s\"%s\":{\"reps\":%d", c ? "," : "",
        name, n);
    if (n == 0) {
      g_print ("\n== %s placement: not seen in this run (0 repetitions) ==\n",
          name);
      g_string_append (json, ",\"seen\":false}");
      continue;
    }
    results_summarize_used (res);
    g_print ("\n== %s placement: %d repetition%s ==\n", name, n,
        n == 1 ? "" : "s");
    print_table (res);
    g_string_append (json, ",\"seen\":true,");
    bench_tput_to_json (json, &res->run.tput);
    lat_to_json (json, &res->lat);
    bench_run_targets_to_json (json, res->targets, N_TARGETS);
    g_string_append_c (json, '}');
  }
  g_string_append (json, "},");
  res->classes_json = json;
  bench_run_use_class (&res->run, -1);
  results_summarize_used (res);
}

/* --- running -------------------------------------------------------------- */

/* What bench_tput_warm_up() and bench_tput_run_rep() run: one stream. */
struct stream_ctx {
  struct peers *peers;
  uint8_t *src, *dst;
};

static double
stream_case (void *data, size_t c, int peer, uint64_t n, uint64_t seed,
    bool inject, uint64_t *bad)
{
  struct stream_ctx *ctx = data;

  return run_stream (&ctx->peers[c / BENCH_N_CHUNKS], (enum bench_peer) peer,
      bench_chunks[c % BENCH_N_CHUNKS], n, seed, inject, ctx->src, ctx->dst,
      bad);
}

/* The round trips of repetition @rep, the peers taking turns at going
 * first. */
static void
run_rep_trips (struct results *res, int rep, uint64_t *samples)
{
  enum lat_peer lat_active[N_LAT_PEERS];
  int n_lat_active = 0;
  struct lat_result *lat = &res->lat;

  for (int i = 0; i < N_LAT_PEERS; i++)
    if (i != LAT_JACK || bench_have_jack)
      lat_active[n_lat_active++] = (enum lat_peer) i;
  for (int a = 0; a < n_lat_active; a++) {
    enum lat_peer peer = lat_active[(a + rep) % n_lat_active];
    g_autofree gchar *what = g_strdup_printf ("%s round trip, "
        "repetition %d", lat_peer_names[peer], rep + 1);
    uint64_t bad;

    run_trips (peer, (uint64_t) opt_round_trips, bench_opt.inject, samples,
        &lat->by_rep.median_ns[peer][rep], &lat->by_rep.p99_ns[peer][rep],
        &lat->mean_ns[peer][rep], &bad);
    bench_run_count (&res->run, bad, bench_opt.inject, what);
  }
}

static struct peers peers[BENCH_N_CAPACITIES];

static void
run_all (void *data)
{
  struct results *res = data;
  uint8_t *src = bench_alloc_aligned (BENCH_MAX_CHUNK);
  uint8_t *dst = bench_alloc_aligned (BENCH_MAX_CHUNK);
  uint64_t *samples = bench_alloc_aligned (sizeof *samples *
      (size_t) opt_round_trips);
  struct stream_ctx ctx = { peers, src, dst };
  uint64_t seed = 1;

  bench_tput_warm_up (&res->run, stream_case, &ctx, &seed);
  /* Repetitions outermost, so each case's repetitions spread over the whole
   * run and no single vCPU placement decides a median. */
  for (int rep = 0; rep < bench_opt.reps; rep++) {
    struct bench_cpu_load before, after;

    bench_run_read_load (&res->run, &before);
    bench_run_probe (&res->run, rep, 0);
    bench_tput_run_rep (&res->run, rep, bench_opt.inject, stream_case, &ctx,
        &seed);
    run_rep_trips (res, rep, samples);
    bench_unaligned_run_rep (&res->ua, &res->run, rep, &seed);
    bench_run_probe (&res->run, rep, 1);
    bench_run_read_load (&res->run, &after);
    bench_run_rep_done (&res->run, rep, &before, &after);
  }

  free (src);
  free (dst);
  free (samples);
}

static gboolean
parse_options (int *argc, char ***argv)
{
  static const char summary[] =
      "Streams verified data between two pinned threads through RbRing, "
      "jack_ringbuffer,\nboost's spsc_queue, PortAudio's PaUtilRingBuffer, "
      "a one-flag-per-slot buffer\n(the cross-core limit) and a "
      "single-thread memcpy, and measures 8-byte\nround trips against an "
      "atomic ping-pong, each repetition classified near or\nfar by a "
      "probe. Prints tables and, as the last line, one JSON object.\n"
      "Exits 1 if any data did not arrive intact.";

  return bench_run_parse_common (entries, summary, &opt_bytes, argc, argv) &&
      bench_check_count (&opt_round_trips, "round-trips", bench_opt.quick,
      20000, 200000, 100, 100000000, "100 to 10^8");
}

int
main (int argc, char **argv)
{
  struct results res;
  struct bench_machine *m = &res.run.m;
  int status;

  if (!parse_options (&argc, &argv))
    return EXIT_USAGE;

  results_init (&res);
  bench_choose_cpus (m, "threads", "");
  bench_pin_self (0, "a thread");
  bench_machine_init (m);
  for (size_t i = 0; i < BENCH_N_CAPACITIES; i++) {
    peers_init (&peers[i], bench_capacities[i]);
    res.jack_native_offset[i] = peers[i].jack_native_offset;
  }
  print_header (&res);
  bench_run_probe_init (&res.run);
  bench_run_measure (&res.run, run_all, &res);

  bench_run_summarize (&res.run);
  results_summarize_used (&res);
  print_table (&res);
  bench_unaligned_print (&res.ua);
  bench_run_print_placement (&res.run);
  report_classes (&res);
  bench_run_print_footer (&res.run, bench_opt.inject);
  status = bench_run_finish (&res.run, results_to_json (&res), bench_opt.json,
      bench_opt.inject);
  for (size_t i = 0; i < BENCH_N_CAPACITIES; i++)
    peers_clear (&peers[i]);
  g_free (bench_opt.json);
  results_clear (&res);
  return status;
}
