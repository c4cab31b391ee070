/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* The shared-memory peers of ringbridge-bench-xproc (see its header); moved
 * out of ringbridge-bench-xproc.c, jack's placement unchanged. */

#include "ringbridge-bench-xpeers.h"

#include "bench-common.h"
#include "bench-tput.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void *
bench_alloc_shared (size_t size)
{
  void *p = mmap (NULL, (size + 4095) & ~(size_t) 4095,
      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED) {
    g_printerr ("error: cannot map %zu shared bytes: %s\n", size,
        g_strerror (errno));
    exit (EXIT_SETUP);
  }
  memset (p, 0, size);
  return p;
}

/* --- jack_ringbuffer in shared memory ----------------------------------- */

#ifdef HAVE_JACK
/* jack_ringbuffer_create() mallocs the struct and its buffer, which a
 * forked process sees only as its own copy. Its read and write functions
 * touch nothing but the struct's fields and buf, so a struct and a buffer
 * placed in a MAP_SHARED mapping made before fork() work across the two
 * processes: both see them at the same address. The fields are copied from
 * a ringbuffer jack_ringbuffer_create() made with the same size (so they
 * follow whatever rounding this libjack does), then that one is freed. The
 * buffer is page-aligned, as RbRing's data is (see jack_peer_init() in
 * ringbridge-bench.c on what malloc's placement costs). */
static jack_ringbuffer_t *
jack_peer_init (size_t capacity)
{
  jack_ringbuffer_t *model = jack_ringbuffer_create (capacity);
  jack_ringbuffer_t *jrb;
  uint8_t *mem;

  if (model == NULL) {
    g_printerr ("error: jack_ringbuffer_create (%zu) failed\n", capacity);
    exit (EXIT_SETUP);
  }
  mem = bench_alloc_shared (4096 + model->size);
  jrb = (jack_ringbuffer_t *) (void *) mem;
  jrb->buf = (char *) mem + 4096;
  jrb->write_ptr = 0;
  jrb->read_ptr = 0;
  jrb->size = model->size;
  jrb->size_mask = model->size_mask;
  jrb->mlocked = 0;
  jack_ringbuffer_free (model);
  return jrb;
}
#endif

/* The seeds' engines in shared memory: boost's compile-time sized queue
 * has no pointer in it, so placement new into a shared mapping made before
 * fork() gives both processes the same queue; PortAudio's struct holds a
 * pointer to its buffer, valid in both since the mapping is at the same
 * address in both. */
static void
seed_peers_init (struct xpeers *p, size_t capacity)
{
#ifdef HAVE_BOOST
  size_t size = bench_boost_placed_size (capacity);

  p->boost = size > 0 ? bench_boost_place (bench_alloc_shared (size), capacity) :
      NULL;
  if (p->boost == NULL) {
    g_printerr ("error: no boost spsc_queue of %zu bytes compiled in\n",
        capacity);
    exit (EXIT_SETUP);
  }
#endif
#ifdef HAVE_PORTAUDIO
  {
    uint8_t *mem = bench_alloc_shared (4096 + capacity);

    p->pa = (PaUtilRingBuffer *) (void *) mem;
    bench_pa_init (p->pa, mem + 4096, capacity);
  }
#endif
  (void) p;
  (void) capacity;
}

void
bench_xpeers_init (struct xpeers *p, size_t capacity)
{
  p->capacity = capacity;
#ifdef HAVE_JACK
  p->jack = jack_peer_init (capacity);
#endif
  seed_peers_init (p, capacity);
  p->limit.capacity = capacity;
  p->limit.data = bench_alloc_shared (capacity);
  p->limit.flags = bench_alloc_shared (capacity / bench_chunks[0]);
}
