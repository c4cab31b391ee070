/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */

/* PortAudio's PaUtilRingBuffer (pa_ringbuffer.c) as a benchmark peer
 * (issue #18), linked from Debian's static libportaudio.a: the .so does not
 * export PaUtil_*, and portaudio19-dev does not ship pa_ringbuffer.h, so
 * the struct and the prototypes are declared here as PortAudio v19 has
 * them (ring_buffer_size_t is `long` under GCC on Linux). Built when the
 * static library is found (HAVE_PORTAUDIO). */

#pragma once

#include <stddef.h>
#include <stdint.h>

typedef long ring_buffer_size_t;

typedef struct PaUtilRingBuffer {
  ring_buffer_size_t bufferSize;        /* elements, a power of 2 */
  volatile ring_buffer_size_t writeIndex;
  volatile ring_buffer_size_t readIndex;
  ring_buffer_size_t bigMask;
  ring_buffer_size_t smallMask;
  ring_buffer_size_t elementSizeBytes;
  char *buffer;
} PaUtilRingBuffer;

ring_buffer_size_t PaUtil_InitializeRingBuffer (PaUtilRingBuffer *rbuf,
    ring_buffer_size_t elementSizeBytes, ring_buffer_size_t elementCount,
    void *dataPtr);
ring_buffer_size_t PaUtil_WriteRingBuffer (PaUtilRingBuffer *rbuf,
    const void *data, ring_buffer_size_t elementCount);
ring_buffer_size_t PaUtil_ReadRingBuffer (PaUtilRingBuffer *rbuf,
    void *data, ring_buffer_size_t elementCount);

/* One write or read of up to @len bytes (1-byte elements); the signature
 * of bench_xfer_fn (bench-streams.h). */
static inline size_t
bench_pa_write (void *rbuf, uint8_t *buf, size_t len)
{
  return (size_t) PaUtil_WriteRingBuffer (rbuf, buf,
      (ring_buffer_size_t) len);
}

static inline size_t
bench_pa_read (void *rbuf, uint8_t *buf, size_t len)
{
  return (size_t) PaUtil_ReadRingBuffer (rbuf, buf,
      (ring_buffer_size_t) len);
}
