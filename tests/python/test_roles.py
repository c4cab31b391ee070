# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""A method that belongs to one side of the ring refuses the other side's
object with io.UnsupportedOperation, before it reaches C.

Which side a method belongs to is read from the "Thread:" line of its doc
in the GIR next to the typelib under test, and every method of the
typelib is checked: a new method without a role check fails here."""

import inspect
import io
import os
import re
import xml.etree.ElementTree as ET

import gi
import pytest

from gi.repository import GLib, RingBridge

from conftest import unique_name, unlink_quietly

Role = RingBridge.RingRole
Ring = RingBridge.Ring
GI_DIRECTION_IN = 0        # GIDirection
_CORE = '{http://www.gtk.org/introspection/core/1.0}'

# What each "Thread:" line of the C docs means for the roles that may call.
# A line not listed here fails test_every_method_has_a_known_side: add it.
SIDES = {
    'any': 'any',
    'any, while no other thread uses @ring': 'any',
    'producer': 'producer',
    'consumer': 'consumer',
    'consumer, producer idle': 'consumer',
    'any but the producer': 'not-producer',
    # plain ring: the consumer only (overwrite rings: any reader)
    'any (overwrite ring), consumer (plain ring)': 'consumer',
    'as for rb_ring_read_at()': 'consumer',
}

# The roles that must be refused, per side (on a plain ring).
WRONG_ROLES = {
    'producer': [Role.CONSUMER],
    'consumer': [Role.PRODUCER],
    'not-producer': [Role.PRODUCER],
}


def gir_thread_lines():
    """{method name: "Thread:" text} of every RbRing method in the GIR
    (introspectable or not)."""
    typelib = gi.Repository.get_default().get_typelib_path('RingBridge')
    gir = os.path.join(os.path.dirname(typelib), 'RingBridge-1.0.gir')
    root = ET.parse(gir).getroot()
    ring = next(c for c in root.iter(_CORE + 'class')
                if c.get('name') == 'Ring')
    lines = {}
    for method in ring.findall(_CORE + 'method'):
        doc = method.find(_CORE + 'doc')
        text = doc.text if doc is not None else ''
        m = re.search(r'Thread: (.*?)\.(?:\s|$)', text, re.S)
        lines[method.get('name')] = (' '.join(m.group(1).split())
                                     if m else None)
    return lines


THREAD_LINES = gir_thread_lines()

# Python methods with no C method of the same name, and their side.
PYTHON_ONLY = {
    'write_many': 'producer',
    'write_float': 'producer',
    'write_view': 'producer',
    'read_into': 'consumer',
    'readinto': 'consumer',
    'read_float': 'consumer',
    'read_view': 'consumer',
    'read_at_into': 'consumer',
    'view_frames_at': 'consumer',
}


def bound_methods():
    """(name, side) of every method a Ring object has that belongs to one
    side: the GIR's, where Python exposes them, and the Python ones."""
    out = []
    for name, line in sorted(THREAD_LINES.items()):
        side = SIDES.get(line)
        if side in WRONG_ROLES and hasattr(Ring, name):
            out.append((name, side))
    out += sorted(PYTHON_ONLY.items())
    return out


BOUND = bound_methods()


def test_every_method_has_a_known_side():
    for info in RingBridge.Ring.__info__.get_methods():
        if not info.is_method():
            continue
        name = info.get_name()
        assert THREAD_LINES.get(name) in SIDES, (
            '%s: Thread line %r is not in SIDES' % (name,
                                                   THREAD_LINES.get(name)))
    for name in THREAD_LINES:
        assert THREAD_LINES[name] in SIDES, (name, THREAD_LINES[name])
    names = [n for n, _ in BOUND]
    # the list is not empty by accident: the calls of the issue are in it
    for name in ('write_bytes', 'read_bytes', 'write', 'read', 'peek',
                 'skip', 'reset', 'set_end_of_stream', 'write_commit',
                 'read_release', 'write_record',
                 'read_record_bytes', 'wait_position', 'read_frames',
                 'write_frames', 'read_available', 'write_available'):
        assert name in names


# values for arguments by name (Python signatures) ...
ARGS_BY_NAME = {
    'data': b'ZZZZZZZZ', 'payload': b'ZZZZZZZZ', 'parts': [b'ZZZZZZZZ'],
    'buffer': bytearray(8), 'bytes': GLib.Bytes.new(b'ZZZZZZZZ'),
    'info': RingBridge.RecordType.DATA, 'timeout': 0, 'timeout_us': 0,
    'position': 0, 'frame': 0, 'monotonic_ns': 0,
}


def dummy_args(name):
    """Plausible arguments for the method: whole frames of the audio ring
    (8-byte frames), zero timeouts."""
    fn = getattr(Ring, name)
    fn = getattr(fn, '__wrapped__', fn)
    try:
        params = list(inspect.signature(fn).parameters.values())[1:]
    except (TypeError, ValueError):
        params = None
    if params is not None and not any(
            p.kind == p.VAR_POSITIONAL for p in params):
        args = []
        for p in params:
            if p.default is not p.empty or p.kind == p.KEYWORD_ONLY:
                break
            if p.name == 'samples':
                import numpy as np
                args.append(np.zeros((1, 2), np.float32))
            else:
                args.append(ARGS_BY_NAME.get(p.name, 8))
        return args
    # an introspected method: from the typelib's argument infos
    info = next(i for i in RingBridge.Ring.__info__.get_methods()
                if i.get_name() == name)
    args = []
    for arg in info.get_arguments():
        if arg.get_direction() != GI_DIRECTION_IN:
            continue
        t = arg.get_type()
        iface = t.get_interface()
        if iface is not None and iface.get_name() == 'RecordInfo':
            ri = RingBridge.RecordInfo()
            ri.type = int(RingBridge.RecordType.DATA)
            args.append(ri)
        elif iface is not None and iface.get_name() == 'Bytes':
            args.append(GLib.Bytes.new(b'ZZZZZZZZ'))
        elif arg.get_name().startswith('timeout'):
            args.append(0)
        else:
            args.append(8)
    return args


def named_pair(kind):
    """(producer, consumer) objects of one named ring."""
    name = unique_name('roles')
    if kind == 'records':
        producer = Ring.create(name, 4096, RingBridge.RingFlags.RECORDS,
                               role=Role.PRODUCER)
    else:
        producer = Ring.create_audio(name, 'F32LE', 2, 48000, 512,
                                     role=Role.PRODUCER)
    consumer = Ring.open(name, Role.CONSUMER)
    return name, producer, consumer


@pytest.mark.parametrize('name,side', BOUND)
def test_wrong_side_is_refused(name, side):
    kind = 'records' if 'record' in name else 'audio'
    ring_name, producer, consumer = named_pair(kind)
    try:
        if kind == 'records':
            assert producer.write_record(RingBridge.RecordType.DATA, b'abcd')
        else:
            assert producer.write(b'abcdefgh' * 2) == 16
        before = (producer.get_write_position(),
                  consumer.get_read_position())
        objects = {Role.PRODUCER: producer, Role.CONSUMER: consumer}
        for role in WRONG_ROLES[side]:
            ring = objects[role]
            with pytest.raises(io.UnsupportedOperation) as ei:
                getattr(ring, name)(*dummy_args(name))
            message = str(ei.value)
            assert 'not ' + role.value_nick in message, message
        # nothing moved
        assert (producer.get_write_position(),
                consumer.get_read_position()) == before
        if kind == 'records':
            ok, info, payload = consumer.read_record()
            assert ok and payload == b'abcd'
        else:
            assert consumer.read(64) == b'abcdefgh' * 2
    finally:
        producer.close()
        consumer.close()
        unlink_quietly(ring_name)


def test_consumer_write_bytes_does_not_overwrite_data(ring_name):
    # issue #11: write_bytes on the consumer returned 3 and the consumer
    # then read b'ZZZdef'
    producer = Ring.create(ring_name, 4096, role=Role.PRODUCER)
    consumer = Ring.open(ring_name, Role.CONSUMER)
    assert producer.write(b'abcdef') == 6
    with pytest.raises(io.UnsupportedOperation):
        consumer.write_bytes(GLib.Bytes.new(b'ZZZ'))
    assert consumer.read(10) == b'abcdef'


def test_producer_read_bytes_does_not_wedge_the_ring(ring_name):
    # issue #11: read_bytes on the producer took 4 KiB and wedged the ring
    producer = Ring.create(ring_name, 4096, role=Role.PRODUCER)
    consumer = Ring.open(ring_name, Role.CONSUMER)
    assert producer.write(b'x' * 4096) == 4096
    with pytest.raises(io.UnsupportedOperation):
        producer.read_bytes(4096)
    assert consumer.read_available() == 4096
    assert consumer.read(8192) == b'x' * 4096
    assert producer.write_available() == 4096


def test_reader_of_an_overwrite_ring(ring_name):
    # A READER reads by position, and nothing that moves the read position.
    producer = Ring.create(ring_name, 4096, RingBridge.RingFlags.OVERWRITE,
                           role=Role.PRODUCER)
    reader = Ring.open(ring_name, Role.READER)
    producer.write(b'abcdef')
    assert reader.read_at(0, 6) == (RingBridge.RangeStatus.AVAILABLE,
                                    b'abcdef')
    assert reader.read_at_bytes(2, 2)[1].get_data() == b'cd'
    assert reader.wait_position(6, 0) == RingBridge.WaitResult.READY
    for call in (lambda: reader.read(3), lambda: reader.skip(1),
                 lambda: reader.read_bytes(3), lambda: reader.reset(),
                 lambda: reader.read_release(1),
                 lambda: reader.write_bytes(GLib.Bytes.new(b'Z'))):
        with pytest.raises(io.UnsupportedOperation):
            call()
    assert reader.read_at(0, 6)[1] == b'abcdef'
