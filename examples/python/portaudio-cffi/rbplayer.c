/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors
 *
 * The C half of the PortAudio/CFFI example (build-player.py compiles it
 * into the CFFI module _rbplayer; play-tone.py drives it): a PortAudio
 * output stream whose callback plays an F32LE ring. The callback runs in
 * PortAudio's audio thread (under JACK, the JACK process thread) and calls
 * only ringbridge's realtime-safe functions: no Python, no GIL, no lock,
 * no allocation. Python writes the ring from its own thread.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <portaudio.h>
#include <pa_jack.h>
#include <ringbridge/ringbridge.h>

typedef struct RbPlayer {
  RbRing *ring;                 /* Python's cffi_pointer() keeps it alive */
  size_t frame_size;
  PaStream *stream;
  int initialized;              /* Pa_Initialize() succeeded */
  /* written by the callback, read by rbp_stats(): plain counters, no data
   * is published through them, so relaxed both sides */
  atomic_ulong frames;          /* frames taken from the ring */
  atomic_ulong short_callbacks; /* callbacks that found too few frames */
} RbPlayer;

static int
rbp_callback (const void *input, void *output, unsigned long n_frames,
    const PaStreamCallbackTimeInfo *time_info,
    PaStreamCallbackFlags status, void *data)
{
  RbPlayer *p = data;
  size_t got;

  (void) input;
  (void) time_info;
  (void) status;
  /* RT-safe: copies whole frames, at most one FUTEX_WAKE to a waiting
   * Python writer */
  got = rb_ring_read_frames (p->ring, output, n_frames);
  /* relaxed: a statistic (see RbPlayer) */
  atomic_fetch_add_explicit (&p->frames, got, memory_order_relaxed);
  if (got == n_frames)
    return paContinue;
  memset ((char *) output + got * p->frame_size, 0,
      (n_frames - got) * p->frame_size);
  /* relaxed: a statistic (see RbPlayer) */
  atomic_fetch_add_explicit (&p->short_callbacks, 1, memory_order_relaxed);
  /* the writer said it is done and everything is played */
  if (rb_ring_is_end_of_stream (p->ring)
      && rb_ring_read_frames_available (p->ring) == 0)
    return paComplete;
  return paContinue;
}

static PaDeviceIndex
rbp_output_device (const char *host_api, const char **error)
{
  PaHostApiIndex api;
  const PaHostApiInfo *info;

  if (host_api == NULL || host_api[0] == '\0')
    api = Pa_GetDefaultHostApi ();
  else if (strcmp (host_api, "JACK") == 0)
    api = Pa_HostApiTypeIdToHostApiIndex (paJACK);
  else if (strcmp (host_api, "ALSA") == 0)
    api = Pa_HostApiTypeIdToHostApiIndex (paALSA);
  else {
    *error = "unknown host API (JACK, ALSA or none for the default)";
    return paNoDevice;
  }
  info = api < 0 ? NULL : Pa_GetHostApiInfo (api);
  if (info == NULL || info->defaultOutputDevice == paNoDevice) {
    *error = "PortAudio has no output device for that host API "
        "(is the JACK server running?)";
    return paNoDevice;
  }
  return info->defaultOutputDevice;
}

void rbp_close (RbPlayer *p);

/* Opens (not starts) a stream playing @ring. Returns NULL and sets *out,
 * or an error message. Not RT-safe. */
const char *
rbp_open (RbPlayer **out, RbRing *ring, const char *host_api,
    const char *client_name, unsigned long frames_per_buffer)
{
  PaStreamParameters params;
  const char *error = NULL;
  RbPlayer *p;
  PaError res;

  *out = NULL;
  if (ring == NULL || rb_ring_get_sample_format (ring) != RB_SAMPLE_FORMAT_F32LE)
    return "the ring must be an F32LE audio ring";
  p = calloc (1, sizeof *p);
  if (p == NULL)
    return "out of memory";
  p->ring = ring;
  p->frame_size = rb_ring_get_frame_size (ring);
  if (client_name != NULL && client_name[0] != '\0') {
    /* PortAudio keeps the pointer, not the text */
    static char name[128];

    if (strlen (client_name) >= sizeof name
        || PaJack_SetClientName (strcpy (name, client_name)) != paNoError) {
      free (p);
      return "the JACK client name is too long";
    }
  }
  res = Pa_Initialize ();
  if (res != paNoError) {
    free (p);
    return Pa_GetErrorText (res);
  }
  p->initialized = 1;
  params.device = rbp_output_device (host_api, &error);
  if (params.device == paNoDevice) {
    rbp_close (p);
    return error;
  }
  params.channelCount = (int) rb_ring_get_channels (ring);
  params.sampleFormat = paFloat32;
  params.suggestedLatency =
      Pa_GetDeviceInfo (params.device)->defaultLowOutputLatency;
  params.hostApiSpecificStreamInfo = NULL;
  res = Pa_OpenStream (&p->stream, NULL, &params, rb_ring_get_rate (ring),
      frames_per_buffer, paNoFlag, rbp_callback, p);
  if (res != paNoError) {
    p->stream = NULL;
    rbp_close (p);
    return Pa_GetErrorText (res);
  }
  *out = p;
  return NULL;
}

const char *
rbp_start (RbPlayer *p)
{
  PaError res = Pa_StartStream (p->stream);

  return res == paNoError ? NULL : Pa_GetErrorText (res);
}

/* 1 while the callback still plays, 0 once it returned paComplete and
 * PortAudio drained the stream. */
int
rbp_is_active (RbPlayer *p)
{
  return Pa_IsStreamActive (p->stream) == 1;
}

void
rbp_stats (RbPlayer *p, unsigned long *frames, unsigned long *short_callbacks)
{
  /* relaxed: statistics (see RbPlayer) */
  *frames = atomic_load_explicit (&p->frames, memory_order_relaxed);
  *short_callbacks = atomic_load_explicit (&p->short_callbacks,
      memory_order_relaxed);
}

/* Stops and closes the stream, ends PortAudio, frees @p. */
void
rbp_close (RbPlayer *p)
{
  if (p == NULL)
    return;
  if (p->stream != NULL) {
    Pa_StopStream (p->stream);
    Pa_CloseStream (p->stream);
  }
  if (p->initialized)
    Pa_Terminate ();
  free (p);
}
