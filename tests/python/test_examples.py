# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The scripts in examples/python run, briefly, and do what they say."""

import os
import re
import subprocess
import sys
import time
import wave

import numpy as np
import pytest

from gi.repository import RingBridge

import ringpeers
from conftest import EXAMPLES, SOURCE_ROOT, python

Role = RingBridge.RingRole
W = RingBridge.WaitResult


def example(name):
    return os.path.join(EXAMPLES, name)


def produce_frames(ring, frames):
    """Writes all of ``frames`` (waiting for room), then ends the stream."""
    view = memoryview(np.ascontiguousarray(frames)).cast('B')
    while view:
        n = ring.write(view)
        view = view[n:]
        if view:
            assert ring.wait_writable(ring.frame_size, 60 * 10**6) == W.READY
    ring.set_end_of_stream()


def dominant_frequency(x, rate):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.argmax(spectrum) * rate / len(x)


@pytest.mark.parametrize('fmt', ['F32LE', 'S16LE'])
def test_tone_generator(ring_name, fmt):
    rate = 8000
    proc = subprocess.Popen(
        [sys.executable, example('tone-generator.py'), '--ring', ring_name,
         '--rate', str(rate), '--channels', '2', '--format', fmt,
         '--frequency', '440', '1000', '--amplitude', '0.5',
         '--duration', '0.5', '--period', '100'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = proc.stdout.readline()
    assert ready.startswith('ready %s: %s, 2 channels, 8000 Hz' % (
        ring_name, fmt)), ready + proc.stderr.read()
    # our own consumer, where ringbridge-jack play would be
    ring = RingBridge.Ring.open(ring_name, Role.CONSUMER)
    chunks = []
    while True:
        chunk = ring.read_float(512, timeout=60)
        chunks.append(chunk)
        if not len(chunk) and ring.is_end_of_stream():
            break
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert 'wrote 4000 frames' in out
    x = np.concatenate(chunks)
    assert x.shape == (4000, 2)
    assert np.abs(x).max() == pytest.approx(0.5, abs=1e-3)
    assert dominant_frequency(x[:, 0], rate) == pytest.approx(440, abs=4)
    assert dominant_frequency(x[:, 1], rate) == pytest.approx(1000, abs=4)
    # the tone is continuous across periods: no jump bigger than a step
    step = 2 * np.pi * 1000 / rate * 0.5
    assert np.abs(np.diff(x[:, 1])).max() <= step * 1.01
    assert not os.path.exists(RingBridge.Ring.name_to_path(ring_name))


def test_tone_generator_refuses_an_existing_ring(ring_name):
    RingBridge.Ring.create(ring_name, 4096)
    proc = python([example('tone-generator.py'), '--ring', ring_name,
                   '--duration', '0.1'], check=False)
    assert proc.returncode == 1
    assert 'already exists' in proc.stderr


def record(args, produce=None, ring=None):
    proc = subprocess.Popen([sys.executable, example('record-wav.py')] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True,
                            pass_fds=[ring.get_fd()] if ring else [])
    if produce:
        produce()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def read_wav(path):
    with wave.open(path, 'rb') as w:
        return (w.getnchannels(), w.getsampwidth(), w.getframerate(),
                w.readframes(w.getnframes()))


def test_record_wav_named_s16(ring_name, tmp_path):
    ring = RingBridge.Ring.create_audio(ring_name, 'S16LE', 2, 22050, 1024,
                                        role=Role.PRODUCER)
    frames = np.random.default_rng(1).integers(-32768, 32768, (30000, 2)) \
        .astype('<i2')
    path = str(tmp_path / 'out.wav')
    out = record([ring_name, path], lambda: produce_frames(ring, frames))
    assert 'recorded 30000 frames' in out
    assert read_wav(path) == (2, 2, 22050, frames.tobytes())


def test_record_wav_fd_float_to_24_bit(tmp_path):
    ring = RingBridge.Ring.new_audio('F32LE', 3, 48000, 2048)
    frames = np.random.default_rng(2).uniform(-1.2, 1.2, (10000, 3)) \
        .astype(np.float32)
    path = str(tmp_path / 'out.wav')
    record(['--fd', str(ring.get_fd()), '-', path, '--sample-width', '3'],
           lambda: produce_frames(ring, frames), ring=ring)
    expect = RingBridge.samples_from_float(frames, 'S24LE').tobytes()
    assert read_wav(path) == (3, 3, 48000, expect)


def test_record_wav_s24_32_is_written_as_24_bit(ring_name, tmp_path):
    ring = RingBridge.Ring.create_audio(ring_name, 'S24_32LE', 1, 8000, 512,
                                        role=Role.PRODUCER)
    values = np.arange(-5000, 5000, dtype='<i4') * 800
    path = str(tmp_path / 'out.wav')
    record([ring_name, path, '--quiet'],
           lambda: produce_frames(ring, values[:, None]))
    nch, width, rate, data = read_wav(path)
    assert (nch, width, rate) == (1, 3, 8000)
    assert data == RingBridge.int32_to_s24le(values).tobytes()


def test_record_wav_stops_after_seconds(ring_name, tmp_path):
    ring = RingBridge.Ring.create_audio(ring_name, 'U8', 1, 8000, 16384,
                                        role=Role.PRODUCER)
    frames = (np.arange(16000) % 256).astype(np.uint8)
    ring.write(frames)                       # no end of stream
    path = str(tmp_path / 'out.wav')
    out = record([ring_name, path, '--seconds', '0.25'])
    assert 'recorded 2000 frames' in out
    assert read_wav(path) == (1, 1, 8000, frames[:2000].tobytes())


def test_record_wav_refuses_a_byte_ring(ring_name, tmp_path):
    RingBridge.Ring.create(ring_name, 4096, role=Role.PRODUCER)
    proc = python([example('record-wav.py'), ring_name,
                   str(tmp_path / 'x.wav')], check=False)
    assert proc.returncode == 1 and 'byte ring' in proc.stderr


def test_tap_overwrite_demo():
    out = python([example('tap-overwrite.py'), '--demo', '--frames',
                  '100000', '--readers', '3']).stdout
    reports = re.findall(r'reader (\d): (\d+) frames, (\d+) lost, (\d+) wrong',
                         out)
    assert len(reports) == 3, out
    for index, frames, lost, wrong in reports:
        assert int(wrong) == 0
        assert int(frames) > 0
        assert int(frames) + int(lost) == 100000


def test_tap_overwrite_named_ring(ring_name):
    ring = RingBridge.Ring.create_audio(
        ring_name, 'F32LE', 2, 48000, 16384, RingBridge.RingFlags.OVERWRITE,
        Role.PRODUCER)
    t = np.arange(48000) / 48000
    frames = np.stack([0.5 * np.sin(2 * np.pi * 100 * t),
                       0.25 * np.sin(2 * np.pi * 50 * t)], axis=1)
    ring.write(frames.astype(np.float32))    # laps the ring twice over
    ring.set_end_of_stream()
    out = python([example('tap-overwrite.py'), '--ring', ring_name,
                  '--readers', '2', '--from', 'oldest']).stdout
    finals = out.strip().splitlines()[-2:]
    for line in finals:
        m = re.fullmatch(r'reader \d: (\d+) frames, 0 lost, peak '
                         r'(-?[\d.]+) dBFS (-?[\d.]+) dBFS', line)
        assert m, out
        assert int(m[1]) == ring.get_capacity_frames()
        assert float(m[2]) == pytest.approx(-6.0, abs=0.1)
        assert float(m[3]) == pytest.approx(-12.0, abs=0.1)


def two_tones(n, rate=48000):
    """Channel 0: a 100 Hz sine of amplitude 0.5 (RMS -9.03 dBFS);
    channel 1: 200 Hz at 0.25 (RMS -15.05 dBFS)."""
    t = np.arange(n) / rate
    return np.stack([0.5 * np.sin(2 * np.pi * 100 * t),
                     0.25 * np.sin(2 * np.pi * 200 * t)], axis=1)


def start_meter(ring_name, *args):
    proc = subprocess.Popen(
        [sys.executable, example('level-meter-async.py'), '--ring',
         ring_name] + list(args), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    ready = proc.stdout.readline()
    assert ready.startswith('metering %s: 2 channels, 48000 Hz' % ring_name), \
        ready + proc.stderr.read()
    return proc


def assert_meter_printed(proc, blocks):
    """The meter ends well after ``blocks`` lines of the two_tones()
    levels."""
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    levels = re.findall(r'block \d+: +(-?[\d.]+) dBFS +(-?[\d.]+) dBFS', out)
    assert len(levels) == blocks, out
    for left, right in levels:
        assert float(left) == pytest.approx(-9.03, abs=0.1)
        assert float(right) == pytest.approx(-15.05, abs=0.1)
    assert 'done: %d blocks' % blocks in out


def test_level_meter_async_taps_an_overwrite_ring(ring_name):
    """The asyncio meter as one more reader of an overwrite ring, fed
    while it runs; levels per block, then --blocks ends it."""
    ring = RingBridge.Ring.create_audio(
        ring_name, 'F32LE', 2, 48000, 16384, RingBridge.RingFlags.OVERWRITE,
        Role.PRODUCER)
    proc = start_meter(ring_name, '--block', '4800', '--blocks', '4')
    block = two_tones(4800).astype(np.float32)
    for _ in range(40):                 # paced: the meter sees each block
        if proc.poll() is not None:
            break
        ring.write(block)
        time.sleep(0.01)
    ring.set_end_of_stream()
    assert_meter_printed(proc, 4)
    ring.close()


def test_level_meter_async_consumes_a_plain_ring(ring_name):
    """A plain S16LE ring: the meter is its consumer and sees every block
    until the end of the stream."""
    ring = RingBridge.Ring.create_audio(ring_name, 'S16LE', 2, 48000, 8192,
                                        role=Role.PRODUCER)
    proc = start_meter(ring_name, '--block', '2400')
    frames = (two_tones(6 * 2400) * 32767).round().astype('<i2')
    produce_frames(ring, frames)
    assert_meter_printed(proc, 6)
    ring.close()


def test_level_meter_async_refuses_a_byte_ring(ring_name):
    RingBridge.Ring.create(ring_name, 4096, role=Role.PRODUCER)
    proc = python([example('level-meter-async.py'), '--ring', ring_name],
                  check=False)
    assert proc.returncode != 0
    assert 'needs an audio ring' in proc.stderr


def test_examples_are_all_tested():
    tested = {'tone-generator.py', 'record-wav.py', 'tap-overwrite.py',
              'level-meter-async.py'}
    assert set(f for f in os.listdir(EXAMPLES) if f.endswith('.py')) == tested


def test_peers_helper_is_consistent():
    # the checksum helper the cross-process tests rely on
    assert ringpeers.expected(1000, 1) == ringpeers.expected(1000, 1)
    assert ringpeers.expected(1000, 1) != ringpeers.expected(1000, 2)


def test_readme_python_tour(ring_name):
    """The README's five lines of Python run as printed (with a unique
    ring name) and leave one second of a 440 Hz tone in the ring."""
    with open(os.path.join(SOURCE_ROOT, 'README.md'), encoding='utf-8') as f:
        readme = f.read()
    blocks = re.findall(r'```python\n(.*?)```', readme, re.S)
    assert len(blocks) == 1, 'the README should have one Python block'
    code = blocks[0].replace("'tone'", repr(ring_name))
    assert repr(ring_name) in code, "the tour's ring is no longer 'tone'"
    scope = {}
    exec(compile(code, 'README.md', 'exec'), scope)
    ring = scope['ring']
    try:
        reader = RingBridge.Ring.open(ring_name,
                                      role=RingBridge.RingRole.CONSUMER)
        frames = reader.read_float(48000)
        reader.close()
        assert frames.shape == (48000, 2)
        assert np.array_equal(frames[:, 0], frames[:, 1])
        # 440 cycles in one second: the spectrum's peak is bin 440
        spectrum = np.abs(np.fft.rfft(frames[:, 0]))
        assert int(np.argmax(spectrum)) == 440
        assert abs(float(np.max(frames)) - 0.2) < 1e-3
    finally:
        ring.close()
