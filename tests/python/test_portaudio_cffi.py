# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""examples/python/portaudio-cffi on a private jackd (issue #15): a CFFI
module's C callback reads the ring inside a PortAudio stream (PortAudio's
JACK host API) while Python writes a tone; jack_rec captures the PortAudio
client's output and the tone's frequency and RMS are checked.  The module
is built into the build directory."""

import fcntl
import glob
import os
import signal
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np
import pytest

import cffibuild
from conftest import EXAMPLES

EXAMPLE = os.path.join(EXAMPLES, 'portaudio-cffi')
RATE = 48000
# tests/jack/test-jack.py takes the same lock around starting and stopping
# jackd: jackd 1.9 loses registrations when servers come and go at once.
REGISTRY_LOCK = os.path.join(tempfile.gettempdir(),
                             'ringbridge-test-jackd.lock')


class _registry_lock:
    def __enter__(self):
        self.f = open(REGISTRY_LOCK, 'a')
        fcntl.flock(self.f, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


def _stop(proc):
    """Stops a process this test started, by its pid."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _start_jackd(name, log):
    """Starts jackd ``name``; returns (process, ready).  jackd 1.9 has 8
    server slots for the whole machine: when other tests hold them all,
    wait for one (as tests/jack/test-jack.py does)."""
    env = dict(os.environ, JACK_NO_AUDIO_RESERVATION='1')
    deadline = time.monotonic() + 120
    while True:
        log.seek(0)
        log.truncate()
        with _registry_lock():
            # --sync: a client late on a loaded machine delays the cycle
            # instead of being skipped (a gap in the capture)
            proc = subprocess.Popen(
                ['jackd', '--no-realtime', '--sync', '-n', name, '-d',
                 'dummy', '-r', str(RATE), '-p', '64'],
                stdout=log, stderr=subprocess.STDOUT, env=env)
            ready = subprocess.run(['jack_wait', '-s', name, '-w', '-t',
                                    '30'], capture_output=True, text=True,
                                   timeout=60)
            if ready.returncode == 0 and proc.poll() is None:
                return proc, True
            _stop(proc)
        log.seek(0)
        if 'Too many servers' not in log.read() or \
                time.monotonic() > deadline:
            return proc, False
        time.sleep(1)


@pytest.fixture
def jackd(tmp_path):
    """A private jackd (dummy backend, 48 kHz, 64-frame periods), stopped
    by its pid; yields the environment of its clients."""
    name = 'rbpyc%d' % os.getpid()
    log = open(tmp_path / 'jackd.log', 'w+')
    proc, ready = _start_jackd(name, log)
    try:
        log.seek(0)
        assert ready, 'jackd %s did not start: %s' % (name, log.read())
        yield dict(os.environ, JACK_DEFAULT_SERVER=name,
                   JACK_NO_START_SERVER='1')
    finally:
        with _registry_lock():
            _stop(proc)
        log.close()
        for leftover in glob.glob('/dev/shm/jack*_%s_*' % name):
            os.unlink(leftover)


@pytest.fixture(scope='module')
def player_dir():
    """build-player.py run as a user would, its module in the build dir."""
    outdir = os.path.join(cffibuild.BUILD_ROOT, 'examples', 'python',
                          'portaudio-cffi')
    for variant in ([], ['--ctypes']):
        subprocess.run([sys.executable,
                        os.path.join(EXAMPLE, 'build-player.py'),
                        '--outdir', outdir] + variant,
                       check=True, capture_output=True,
                       env=cffibuild.pkg_config_env(), timeout=600)
    assert not glob.glob(os.path.join(EXAMPLE, '*.so')), \
        'the module was built into the source tree'
    return outdir


def play_tone(player_dir, env, *args):
    return subprocess.Popen(
        [sys.executable, os.path.join(EXAMPLE, 'play-tone.py'),
         '--module-dir', player_dir, '--host-api', 'JACK', *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def read_wav(path):
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getframerate()) == (1, RATE)
        assert w.getsampwidth() == 2
        return np.frombuffer(w.readframes(w.getnframes()), '<i2') / 32768.0


def dominant_frequency(x):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.argmax(spectrum) * RATE / len(x)


@pytest.mark.parametrize('variant', ['cffi', 'ctypes'])
def test_the_c_callback_plays_the_ring_into_jack(player_dir, jackd, tmp_path,
                                                 variant):
    """cffi: the CFFI module gets ring.cffi_pointer(ffi); ctypes: the same C
    as a plain library gets ring.c_pointer."""
    client = 'rbplay%d' % os.getpid()
    seconds, frequency, amplitude = 6, 1000.0, 0.4
    proc = play_tone(player_dir, jackd, *(['--ctypes'] if variant == 'ctypes'
                                          else []),
                     '--client-name', client,
                     '--seconds', str(seconds), '--frequency',
                     str(frequency), '--amplitude', str(amplitude))
    try:
        line = proc.stdout.readline()
        assert line.startswith('playing'), line + proc.stderr.read()
        capture = tmp_path / 'capture.wav'
        rec = subprocess.run(['jack_rec', '-f', str(capture), '-d', '1',
                              '-b', '16', client + ':out_0'],
                             capture_output=True, text=True, env=jackd,
                             timeout=60)
        assert rec.returncode == 0, rec.stderr
        out, err = proc.communicate(timeout=seconds + 60)
    finally:
        _stop(proc)
    assert proc.returncode == 0, err
    # every frame Python wrote went through the C callback
    assert 'played %d frames' % (seconds * RATE) in out, out
    x = read_wav(capture)
    assert len(x) >= RATE * 0.9
    assert dominant_frequency(x) == pytest.approx(frequency, abs=2)
    rms = np.sqrt(np.mean(x ** 2))
    assert rms == pytest.approx(amplitude / np.sqrt(2), rel=0.03)


def test_play_tone_without_a_jack_server_says_so(player_dir):
    env = dict(os.environ, JACK_DEFAULT_SERVER='rbpyc-none-%d' % os.getpid(),
               JACK_NO_START_SERVER='1')
    proc = play_tone(player_dir, env, '--seconds', '0.1')
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert 'PortAudio has no output device for that host API' in err


def test_play_tone_without_the_module_says_so(tmp_path):
    proc = play_tone(str(tmp_path), dict(os.environ), '--seconds', '0.1')
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert 'no _rbplayer in %s (run build-player.py' % tmp_path in err
    proc = play_tone(str(tmp_path), dict(os.environ), '--ctypes')
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert 'librbplayer.so (run build-player.py --ctypes' in err


@pytest.mark.parametrize('args, status, message', [
    (['--amplitude', '2'], 2, '--amplitude must be within 0..1'),
    (['--seconds', '0'], 2, 'must be positive'),
    (['--frames-per-buffer', '-1'], 2, '--frames-per-buffer must not be'),
    (['--client-name', 'x' * 200], 1, 'the JACK client name is too long'),
])
def test_play_tone_refuses_bad_arguments(player_dir, args, status, message):
    proc = play_tone(player_dir, dict(os.environ), *args)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert message in err
