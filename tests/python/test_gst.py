# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""A Python ring handed to ringsink / ringsrc as their `ring` property, so a
script feeds or drains a pipeline in-process.

meson runs this file as its own test (suite python, test python-gst) when
the GStreamer plugin is built, with GST_PLUGIN_PATH_1_0 pointing at it; the
main python test leaves it out.
"""

import gc
import threading

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstApp', '1.0')
from gi.repository import Gst, GstApp, RingBridge  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

Gst.init(None)
T = RingBridge.RecordType
SECOND = Gst.SECOND


@pytest.fixture(scope='module', autouse=True)
def plugin():
    assert GstApp.AppSink.try_pull_sample       # appsink's typelib
    for name in ('ringsink', 'ringsrc'):
        assert Gst.ElementFactory.find(name), (
            '%s not found: build gst/ and set GST_PLUGIN_PATH_1_0' % name)


def run_until_eos(pipeline):
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        60 * SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    assert msg is not None, 'no EOS'
    assert msg.type == Gst.MessageType.EOS, msg.parse_error()


def test_ring_property_takes_a_python_ring(ring):
    sink = Gst.ElementFactory.make('ringsink')
    sink.props.ring = ring
    assert sink.props.ring is ring
    src = Gst.ElementFactory.make('ringsrc')
    src.set_property('ring', ring)
    assert src.get_property('ring') is ring


@pytest.mark.parametrize('fmt, dtype', [('S16LE', '<i2'), ('F32LE', '<f4'),
                                        ('S24_32LE', '<i4')])
def test_python_feeds_ringsrc(fmt, dtype):
    ring = RingBridge.Ring.new_audio(fmt, 2, 48000, 2048)
    pipeline = Gst.parse_launch('ringsrc name=src ! appsink name=sink '
                                'sync=false')
    pipeline.get_by_name('src').props.ring = ring
    sink = pipeline.get_by_name('sink')
    frames = (np.arange(30000 * 2) % 20000 - 10000).astype(dtype) \
        .reshape(-1, 2)
    got = bytearray()
    caps = []

    def drain():
        while True:
            sample = sink.try_pull_sample(60 * SECOND)
            if sample is None:
                return
            caps.append(sample.get_caps().get_structure(0))
            buf = sample.get_buffer()
            got.extend(buf.extract_dup(0, buf.get_size()))

    pipeline.set_state(Gst.State.PLAYING)
    t = threading.Thread(target=drain)
    t.start()
    view = memoryview(frames).cast('B')
    while view:
        view = view[ring.write(view):]
        if view:
            ring.wait_writable(ring.frame_size, 60 * 10**6)
    ring.set_end_of_stream()
    t.join()
    assert sink.is_eos()
    pipeline.set_state(Gst.State.NULL)
    assert bytes(got) == frames.tobytes()
    s = caps[0]
    assert (s.get_name(), s.get_string('format'), s.get_int('rate')[1],
            s.get_int('channels')[1]) == ('audio/x-raw', fmt, 48000, 2)


def test_ringsink_feeds_python():
    ring = RingBridge.Ring.new_audio('S16LE', 1, 8000, 16384)
    pipeline = Gst.parse_launch(
        'appsrc name=src format=time caps=audio/x-raw,format=S16LE,'
        'rate=8000,channels=1,layout=interleaved ! ringsink name=sink')
    pipeline.get_by_name('sink').props.ring = ring
    src = pipeline.get_by_name('src')
    data = np.arange(-4000, 4000, dtype='<i2')
    for i, chunk in enumerate(np.split(data, 8)):
        buf = Gst.Buffer.new_wrapped(chunk.tobytes())
        buf.pts = i * SECOND // 8
        buf.duration = SECOND // 8
        assert src.emit('push-buffer', buf) == Gst.FlowReturn.OK
    src.emit('end-of-stream')
    run_until_eos(pipeline)
    assert ring.is_end_of_stream() is False        # data not read yet
    back = ring.read_frames(100000)
    assert back[:, 0].tolist() == data.tolist()
    assert ring.is_end_of_stream()


def test_ringsink_records_to_python():
    ring = RingBridge.Ring.new_full(65536, RingBridge.RingFlags.RECORDS)
    pipeline = Gst.parse_launch(
        'appsrc name=src format=time caps=application/x-ringbridge-test '
        '! ringsink name=sink')
    pipeline.get_by_name('sink').props.ring = ring
    src = pipeline.get_by_name('src')
    payloads = [b'first', b'second buffer', b'3']
    for i, p in enumerate(payloads):
        buf = Gst.Buffer.new_wrapped(p)
        buf.pts = (i + 1) * 1000
        src.emit('push-buffer', buf)
    src.emit('end-of-stream')
    run_until_eos(pipeline)
    records = []
    while True:
        ok, info, payload = ring.read_record()
        if not ok:
            break
        records.append((info.type, info.pts, payload))
    types = [t for t, _, _ in records]
    assert T.CAPS in types and types.index(T.CAPS) < types.index(T.DATA)
    caps = [p for t, _, p in records if t == T.CAPS][0]
    assert caps.rstrip(b'\0') == b'application/x-ringbridge-test'
    assert [(pts, p) for t, pts, p in records if t == T.DATA] == \
        [(1000, b'first'), (2000, b'second buffer'), (3000, b'3')]
    assert types[-1] == T.EOS


def test_pipeline_lets_go_of_the_ring():
    ring = RingBridge.Ring.new_audio('F32LE', 1, 8000, 4096)
    pipeline = Gst.parse_launch('audiotestsrc num-buffers=2 ! '
                                'audio/x-raw,format=F32LE,rate=8000,'
                                'channels=1 ! ringsink name=sink')
    pipeline.get_by_name('sink').props.ring = ring
    run_until_eos(pipeline)
    assert ring.read_available() > 0
    finalized = []
    ring.weak_ref(lambda: finalized.append(True))   # the GObject, not the
    del ring                                        # Python wrapper
    gc.collect()
    assert finalized == []                    # the sink holds it
    assert pipeline.get_by_name('sink').props.ring.read_available() > 0
    del pipeline
    gc.collect()
    assert finalized == [True]
