/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* The header page at the start of every ring's file. It is an ABI between
 * processes (a named ring may be mapped by programs built from different
 * versions), so: fixed-width types, explicit alignment, an assertion on
 * every offset, and a layout version that changes when any of it does.
 *
 * Ownership, which is what keeps the two sides off each other's cache
 * lines: the identity block is written once by the creator before `magic`
 * is published and is read-only afterwards; the producer block is written
 * only by the producer, the consumer block only by the consumer. A reader
 * of shared memory treats every field as input from another process: the
 * identity block is validated once at attach and copied into private
 * memory (struct rb_ring_core), positions are checked on every load. */

#include <assert.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "RBRING\0\1" read as a little-endian 64-bit word. */
#define RB_SHM_MAGIC UINT64_C (0x0100474e49524252)
#define RB_SHM_LAYOUT_VERSION 1u

/* 128 bytes, not 64: x86's adjacent-line prefetcher pulls cache lines in
 * pairs, so 64-byte separation still lets the two sides disturb each other. */
#define RB_CACHELINE 128

/* A side's timing estimate (rb-timing.c): the output of its delay-locked
 * loop, written only by that side, read by anyone. A seqlock like the
 * clock block's: fields stored with release after an odd sequence, the
 * even sequence last. All zero until the side's first estimate, and in
 * rings made before timing existed (the space was the header page's
 * unused tail, which a new file holds as zeros): zero reads as "unknown",
 * so old peers and new ones agree and the layout version stays 1. */
struct rb_shm_timing {
  _Atomic uint32_t seq;         /* odd while written */
  _Atomic uint32_t flags;       /* RB_SHM_TIMING_* */
  _Atomic uint64_t position;    /* bytes: the loop's reference position */
  _Atomic int64_t time_ns;      /* its filtered CLOCK_MONOTONIC time */
  _Atomic uint64_t rate;        /* IEEE-754 double bits: bytes per second */
  _Atomic int64_t stamp_ns;     /* CLOCK_MONOTONIC of the latest stamp */
  _Atomic uint64_t stamps;      /* stamps since the loop (re)started */
  _Atomic uint64_t bandwidth;   /* IEEE-754 double bits: the loop's Hz */
};

#define RB_SHM_TIMING_LOCKED 1u        /* the loop narrowed to its final band */
#define RB_SHM_TIMING_KERNEL_CLOCK 2u  /* automatic stamps off: clock is a syscall */
#define RB_SHM_TIMING_MANUAL 4u        /* stamps come from the caller */
#define RB_SHM_TIMING_FLAGS_KNOWN 7u

struct rb_shm_header {
  /* Identity block: immutable after creation. */
  _Atomic uint64_t magic;       /* written last, with release */
  uint32_t layout_version;
  uint32_t header_size;         /* offset of the data area in the file */
  uint64_t capacity;            /* storage bytes, a power of two */
  uint64_t file_size;           /* header_size + capacity */
  uint32_t flags;               /* RbRingFlags */
  uint32_t sample_format;       /* RbSampleFormat, NONE for byte rings */
  uint32_t channels;
  uint32_t rate;
  uint32_t frame_size;          /* channels * sample size, 1 for byte rings;
                                 * the item size of an item ring */
  uint32_t reserved_identity;
  /* The bytes the ring holds (its exact capacity), at most `capacity`, a
   * multiple of frame_size. 0 in rings made before it existed (the room
   * was zeros): they hold `capacity` bytes, so the layout version stays 1.
   * Every new ring sets it, so 0 with any later identity field set is a
   * forged or damaged header (rb_shm_validate()). */
  uint64_t usable;

  /* Items block, identity too (rb-ring-items.c): all zero in a ring that
   * is not an item ring, which every ring made before items existed is
   * (the space was padding). item_size is the frame size again, so that a
   * ring with a descriptor is always an item ring. The descriptor is the
   * caller's text (Python: the NumPy dtype and item shape), NUL-ended: in
   * item_descriptor below when it is shorter than 64 bytes (offset 960),
   * else right after this struct (offset 1024) in a header_size made
   * large enough. */
  alignas (64) uint32_t item_size;      /* 0: not an item ring */
  uint32_t item_descriptor_offset;      /* 0 (none), 960 or 1024 */
  uint32_t item_descriptor_length;      /* bytes before the NUL */
  uint32_t reserved_items[13];

  /* Producer block. */
  alignas (RB_CACHELINE) _Atomic uint64_t write_pos;  /* bytes ever committed */
  _Atomic uint64_t write_reserve; /* overwrite mode: end of the write in flight */
  _Atomic uint64_t overruns;    /* writes that came up short */
  _Atomic uint32_t eos;         /* end of stream set by the producer */
  uint32_t reserved_producer;

  /* Consumer block. */
  alignas (RB_CACHELINE) _Atomic uint64_t read_pos;   /* bytes ever released */
  _Atomic uint64_t underruns;   /* reads that came up short */
  _Atomic uint64_t overwritten; /* bytes the consumer lost to the overwriting producer */

  /* Wait block: written on the slow path only, by a side that goes to sleep
   * or wakes the other; read by the other side after each publish, so it
   * has its own line and those reads stay cache hits. */
  alignas (RB_CACHELINE) _Atomic uint32_t data_waiters;  /* asleep for data */
  _Atomic uint32_t data_wake;   /* futex word, bumped to wake them */
  _Atomic uint32_t space_waiters;       /* asleep for space */
  _Atomic uint32_t space_wake;  /* futex word, bumped to wake them */
  /* Bumped by each waiter as it announces itself (rb-wait.c): the waking
   * side wakes at most once per announcement, so a stale or forged waiter
   * count costs it one system call, not one per publish. Zero in rings
   * made before it existed (it was reserved). */
  _Atomic uint32_t data_announce;
  _Atomic uint32_t space_announce;
  /* Readiness watches (rb-ring-watch.c; the protocol is at the top of that
   * file): a watch for data (space) stores the absolute write (read)
   * position it waits for in *_target, keeping the lowest one pending, then
   * bumps *_announce. The publishing side, after a publish that reached
   * the target of an announcement it has not answered, stores the target
   * it answered in *_answered and makes one system call (futimens() on
   * the ring's file) that every watch's inotify descriptor sees. Any value
   * is harmless: a forged one costs that side one call per change of
   * *_announce. All zero in rings made before they existed (the room was
   * unused): announce 0 means "never watched". */
  _Atomic uint32_t watch_data_announce;
  _Atomic uint32_t watch_space_announce;
  _Atomic uint64_t watch_data_target;   /* write_pos a data watch waits for */
  _Atomic uint64_t watch_space_target;  /* read_pos a space watch waits for */
  _Atomic uint64_t watch_data_answered; /* the target last answered */
  _Atomic uint64_t watch_space_answered;

  /* Control block: who is attached. An owner word packs a pid (low 32
   * bits) with the low 32 bits of that process's start time (clock ticks
   * since boot, /proc/PID/stat field 22), because a pid alone may be reused
   * after its process died; one word, so a claim is a single
   * compare-and-swap. 0 means nobody. Generations count claims, so a peer
   * can tell a restarted producer from the one it knew. */
  alignas (RB_CACHELINE) _Atomic uint64_t creator_owner;
  _Atomic uint64_t producer_owner;
  _Atomic uint64_t consumer_owner;
  _Atomic uint32_t creator_role;        /* RB_ROLE_* the creator took */
  _Atomic uint32_t producer_generation;
  _Atomic uint32_t consumer_generation;
  _Atomic uint32_t producer_detached;   /* the last producer left cleanly */
  uint32_t reserved_control[2];
  /* Readers (RB_ROLE_READER) attached now: incremented at attach,
   * decremented at close (rb_shm_reader_join/leave). Advisory, for
   * monitors: a reader that crashed never decrements, and 0 is also what
   * a ring made before the field existed holds (it was unused room). */
  _Atomic uint32_t readers;
  uint32_t reserved_control2;
  /* Where the current producer generation's stream starts: the write
   * position its claim found, stored by rb_shm_claim() before
   * producer_start_generation (release), so a reader that sees a new
   * generation can mark the restart exactly (RbRingReader). 0 and 0 in
   * rings made before the fields existed: a reader then marks the restart
   * where it noticed it. Untrusted: readers clamp it to what they read. */
  _Atomic uint64_t producer_start;
  _Atomic uint32_t producer_start_generation;

  /* Clock block, written by the producer: the ring position that stood at
   * a moment of CLOCK_MONOTONIC and of the producer's own clock (JACK's
   * frame time), so readers can follow the producer's clock. A seqlock
   * whose fields are stored with release and loaded with acquire (see
   * rb_ring_core_set_clock()). */
  alignas (RB_CACHELINE) _Atomic uint32_t clock_seq;   /* odd while written */
  uint32_t reserved_clock;
  _Atomic uint64_t clock_position;      /* bytes */
  _Atomic int64_t clock_time_ns;        /* CLOCK_MONOTONIC */
  _Atomic uint64_t clock_frames;        /* the producer's clock, e.g. JACK */

  /* Timing blocks (see struct rb_shm_timing): the producer's, then the
   * consumer's, each on its own line. */
  alignas (RB_CACHELINE) struct rb_shm_timing producer_timing;
  alignas (RB_CACHELINE) struct rb_shm_timing consumer_timing;

  /* A short item descriptor (see the items block), identity. */
  alignas (64) char item_descriptor[64];
};

static_assert (ATOMIC_LLONG_LOCK_FREE == 2,
    "64-bit atomics must be lock-free to live in shared memory");
static_assert (sizeof (_Atomic uint64_t) == 8, "atomic u64 has no hidden lock");

/* The layout as a table: each field at its byte offset (a peer of another
 * build reads the same bytes). */
#define HEADER_AT(field, offset) \
  static_assert (offsetof (struct rb_shm_header, field) == (offset), \
      "layout: rb_shm_header." #field)
#define TIMING_AT(field, offset) \
  static_assert (offsetof (struct rb_shm_timing, field) == (offset), \
      "layout: rb_shm_timing." #field)
HEADER_AT (magic, 0);
HEADER_AT (layout_version, 8);
HEADER_AT (header_size, 12);
HEADER_AT (capacity, 16);
HEADER_AT (file_size, 24);
HEADER_AT (flags, 32);
HEADER_AT (sample_format, 36);
HEADER_AT (channels, 40);
HEADER_AT (rate, 44);
HEADER_AT (frame_size, 48);
HEADER_AT (usable, 56);
HEADER_AT (item_size, 64);
HEADER_AT (item_descriptor_offset, 68);
HEADER_AT (item_descriptor_length, 72);
static_assert (offsetof (struct rb_shm_header, reserved_items) + 13 * 4 == 128,
    "layout");
HEADER_AT (write_pos, 128);
HEADER_AT (write_reserve, 136);
HEADER_AT (overruns, 144);
HEADER_AT (eos, 152);
HEADER_AT (read_pos, 256);
HEADER_AT (underruns, 264);
HEADER_AT (overwritten, 272);
HEADER_AT (data_waiters, 384);
HEADER_AT (data_wake, 388);
HEADER_AT (space_waiters, 392);
HEADER_AT (space_wake, 396);
HEADER_AT (data_announce, 400);
HEADER_AT (space_announce, 404);
HEADER_AT (watch_data_announce, 408);
HEADER_AT (watch_space_announce, 412);
HEADER_AT (watch_data_target, 416);
HEADER_AT (watch_space_target, 424);
HEADER_AT (watch_data_answered, 432);
HEADER_AT (watch_space_answered, 440);
HEADER_AT (creator_owner, 512);
HEADER_AT (producer_owner, 520);
HEADER_AT (consumer_owner, 528);
HEADER_AT (creator_role, 536);
HEADER_AT (producer_generation, 540);
HEADER_AT (consumer_generation, 544);
HEADER_AT (producer_detached, 548);
HEADER_AT (readers, 560);
HEADER_AT (producer_start, 568);
HEADER_AT (producer_start_generation, 576);
HEADER_AT (clock_seq, 640);
HEADER_AT (clock_position, 648);
HEADER_AT (clock_time_ns, 656);
HEADER_AT (clock_frames, 664);
TIMING_AT (seq, 0);
TIMING_AT (flags, 4);
TIMING_AT (position, 8);
TIMING_AT (time_ns, 16);
TIMING_AT (rate, 24);
TIMING_AT (stamp_ns, 32);
TIMING_AT (stamps, 40);
TIMING_AT (bandwidth, 48);
static_assert (sizeof (struct rb_shm_timing) == 56, "layout");
HEADER_AT (producer_timing, 768);
HEADER_AT (consumer_timing, 896);
HEADER_AT (item_descriptor, 960);
static_assert (sizeof (struct rb_shm_header) == 1024, "layout");
#undef HEADER_AT
#undef TIMING_AT

/* Where an item ring's descriptor is (struct rb_shm_header's items block),
 * and the longest one (without its NUL). */
#define RB_SHM_DESCRIPTOR_INLINE 960u
#define RB_SHM_DESCRIPTOR_AFTER 1024u
#define RB_SHM_DESCRIPTOR_MAX 4095u

/* Roles, as RbRingRole. */
enum {
  RB_ROLE_BOTH = 0,             /* producer and consumer in one process */
  RB_ROLE_PRODUCER = 1,
  RB_ROLE_CONSUMER = 2,
  RB_ROLE_READER = 3,           /* an overwrite ring's extra reader */
};

/* The validated identity block: what an attaching process copies into
 * private memory once and never reads from the shared header again. */
struct rb_ring_identity {
  uint32_t header_size;
  uint64_t capacity;            /* the usable bytes (the header's `usable`) */
  uint64_t storage;             /* the mirrored data area (the header's
                                 * `capacity`), a power of two */
  uint64_t file_size;
  uint32_t flags;
  uint32_t sample_format;
  uint32_t channels;
  uint32_t rate;
  uint32_t frame_size;
  uint32_t item_size;           /* 0: not an item ring */
  uint32_t item_descriptor_offset;      /* 0: none */
  uint32_t item_descriptor_length;
};

/* Why a header was refused (rb_shm_validate). */
enum rb_shm_problem {
  RB_SHM_OK = 0,
  RB_SHM_TOO_SMALL,             /* file smaller than a header */
  RB_SHM_NOT_A_RING,            /* wrong magic */
  RB_SHM_INCOMPATIBLE,          /* other layout version */
  RB_SHM_CORRUPT,               /* sizes or format impossible */
  RB_SHM_BAD_POSITIONS,         /* positions impossible in this snapshot:
                                 * may be a torn read of a busy ring, so
                                 * read again before believing it */
};

static inline uint32_t
rb_owner_pid (uint64_t owner)
{
  return (uint32_t) owner;
}

static inline uint32_t
rb_owner_start (uint64_t owner)
{
  return (uint32_t) (owner >> 32);
}

/* Validates a header image of @image_size bytes (the file's size) and fills
 * @id. @why receives a message naming the bad field and its value. Reads
 * each field once, from a private snapshot. */
enum rb_shm_problem rb_shm_validate (const void *image, uint64_t image_size,
                                     uint64_t page_size,
                                     struct rb_ring_identity *id,
                                     char *why, size_t why_len);

/* Whether the @length bytes at @text and the byte after them are an item
 * descriptor: UTF-8 text without control characters, then a NUL. @why as
 * for rb_shm_validate(). */
bool rb_shm_check_descriptor (const char *text, uint32_t length, char *why,
                              size_t why_len);

/* --- a new header (rb-shm.c) ---------------------------------------------- */

/* The storage (mirrored data area) a ring holding @requested bytes gets:
 * @requested rounded up to a power of two, at least @page_size, at most
 * 2 GiB. False if that cannot be. */
bool     rb_capacity_round          (uint64_t requested, uint64_t page_size,
                                     uint64_t *storage);

/* Lays out a new header (identity block, zero positions) in @hdr for a
 * ring of @usable bytes in @storage bytes. It is not a ring to anyone else
 * until rb_shm_header_publish(). */
void     rb_shm_header_init         (struct rb_shm_header *hdr,
                                     uint32_t header_size, uint64_t storage,
                                     uint64_t usable, uint32_t flags,
                                     uint32_t format, uint32_t channels,
                                     uint32_t rate);

/* Publishes the magic, last: the header is complete. */
void     rb_shm_header_publish      (struct rb_shm_header *hdr);

/* Sizes @fd to @size bytes and reserves every page (tmpfs overcommits: a
 * page that cannot be had would otherwise be a SIGBUS at first touch,
 * perhaps in a realtime callback). Returns 0 or an errno value. */
int  rb_shm_reserve (int fd, size_t size, const char **what);

/* --- owner words and peers (rb-shm.c) ------------------------------------ */

enum rb_peer {
  RB_PEER_NONE = 0,             /* never attached */
  RB_PEER_ALIVE,
  RB_PEER_GONE,                 /* detached, or its process died */
};

/* Peer liveness. Owner words: see struct rb_shm_header. */
uint64_t rb_process_start_time (uint32_t pid);
/* The state letter of /proc/PID/stat ('R', 'T', ...), 0 if unreadable. */
char     rb_process_state (uint32_t pid);
uint64_t rb_owner_self (void);
bool     rb_owner_alive (uint64_t owner);
enum rb_peer rb_shm_peer_state (struct rb_shm_header *hdr, int role,
                                uint32_t *generation, uint32_t *pid);

/* Takes @role (RB_ROLE_PRODUCER or _CONSUMER) for @self. Fails if a live
 * process holds it, returning its owner word in @holder; takes over from a
 * dead one, and from the creator of a ring it made for both roles. */
bool     rb_shm_claim   (struct rb_shm_header *hdr, int role, uint64_t self,
                         uint64_t *holder);
/* Gives @role up if @self still holds it, and wakes the other side. */
void     rb_shm_release (struct rb_shm_header *hdr, int role, uint64_t self);

/* The advisory count of attached readers (struct rb_shm_header, readers):
 * join and leave saturate at 0 and RB_SHM_MAX_READERS; _count returns -1
 * for a value no honest set of processes writes. */
#define RB_SHM_MAX_READERS 65536u
void     rb_shm_reader_join  (struct rb_shm_header *hdr);
void     rb_shm_reader_leave (struct rb_shm_header *hdr);
int64_t  rb_shm_reader_count (const struct rb_shm_header *hdr);
