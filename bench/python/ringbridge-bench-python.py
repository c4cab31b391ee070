#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-bench-python: NumPy chunks through a RingBridge ring from
Python, against jackclient-python's jack.RingBuffer (CFFI over
jack_ringbuffer) and a plain NumPy copy, in the same run.

One thread, one process, a 1 MiB ring: each step writes one chunk and
reads it back, so what is measured is the cost of the Python calls and
their copies, not cross-core traffic.  Peers, each as one write and one
read per chunk:

  rb         Ring.write(array) + Ring.read_into(array)  (the copying calls)
  rb-view    write_view() filled + commit, read_view() copied + release
  jack       RingBuffer.write(array) + RingBuffer.read(n)  (its copying calls)
  jack-view  write_buffers filled + write_advance, read_buffers copied +
             read_advance
  numpy      two NumPy copies (array -> scratch -> array): the floor

Times are the thread's CPU time (see timed()).  Repetitions interleave
the peers; figures are medians of per-repetition
ratios to jack.  Then the fixed cost of a call (ns): a 1-byte write into
a full ring, a 1-byte read from an empty one, a 0-byte write.  With
--c-json (ringbridge-bench's JSON) the copying figures are also given as
a share of the C benchmark's RbRing throughput at the same chunk size.
The data read is checked after every run: a mismatch exits 1.
"""

import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'jack'))
from benchjack import Parser, emit_result, machine, say  # noqa: E402
from benchmain import check_json_option  # noqa: E402

import gi  # noqa: E402
gi.require_version('RingBridge', '1.0')
from gi.repository import RingBridge  # noqa: E402
import jack  # noqa: E402
import numpy as np  # noqa: E402

CAPACITY = 1 << 20
CHUNKS = (256, 4096, 65536)
PEERS = ('rb', 'rb-view', 'jack', 'jack-view', 'numpy')
CALLS = ('rb-write-full', 'rb-read-empty', 'rb-write-0',
         'jack-write-full', 'jack-read-empty', 'jack-write-0', 'python-call')


def nothing(x):
    """The floor of the fixed cost: a Python function call."""
    return 0


class Mismatch(Exception):
    pass


def loops(chunk, a, b, inject):
    """{peer: step(n) moving n chunks a -> ring -> b; check()}."""
    r = RingBridge.Ring.new(CAPACITY)
    jr = jack.RingBuffer(CAPACITY)
    amv, bmv = memoryview(a), memoryview(b)
    scratch = np.empty_like(a)
    got = [b'']

    def rb(n):
        for _ in range(n):
            r.write(a)
            r.read_into(b)

    def rb_view(n):
        for _ in range(n):
            with r.write_view(chunk) as v:
                v.memoryview[:] = amv
            with r.read_view(chunk) as v:
                bmv[:] = v.memoryview

    def jk(n):
        for _ in range(n):
            jr.write(a)
            got[0] = jr.read(chunk)

    def jack_view(n):
        for _ in range(n):
            jr.write_buffers[0][0:chunk] = amv
            jr.write_advance(chunk)
            bmv[:] = memoryview(jr.read_buffers[0])[:chunk]
            jr.read_advance(chunk)

    def copy(n):
        for _ in range(n):
            np.copyto(scratch, a)
            np.copyto(b, scratch)

    def checked(step, name):
        def run(n):
            b[:] = 0
            got[0] = b''
            step(n)
            out = bytes(got[0]) if name == 'jack' else b.tobytes()
            if inject:      # the check's self-test: one byte changed
                out = bytes([out[0] ^ 1]) + out[1:]
            if out != a.tobytes() or r.read_available() or jr.read_space:
                raise Mismatch('%s, %d-byte chunks: the data read is not '
                               'the data written' % (name, chunk))
        return run

    steps = dict(zip(PEERS, (rb, rb_view, jk, jack_view, copy)))
    return {name: checked(step, name) for name, step in steps.items()}


def timed(run, n):
    """The thread's CPU time for ``run(n)``: on a shared machine the wall
    time also counts the time other processes held the CPU; on an idle
    one the two are the same for this one-thread loop."""
    t0 = time.thread_time_ns()
    run(n)
    return time.thread_time_ns() - t0


def calibrate(run, seconds):
    """Steps that take about ``seconds``."""
    n = 1
    while True:
        ns = timed(run, n)
        if ns > 2e7 or n >= 1 << 24:
            return max(1, int(n * seconds * 1e9 / max(ns, 1)))
        n *= 4


def throughput(chunk, reps, seconds, inject):
    rng = np.random.default_rng(chunk)
    a = rng.integers(0, 256, chunk, dtype=np.uint8)
    b = np.empty_like(a)
    runs = loops(chunk, a, b, inject)
    counts = {p: calibrate(runs[p], seconds) for p in PEERS}
    mbps = {p: [] for p in PEERS}
    for _ in range(reps):
        for p in PEERS:
            mbps[p].append(counts[p] * chunk * 1e3 / timed(runs[p],
                                                           counts[p]))
    ratios = {p + '/jack': [x / y for x, y in zip(mbps[p], mbps['jack'])]
              for p in PEERS if p != 'jack'}
    ratios['rb-view/jack-view'] = [x / y for x, y in zip(
        mbps['rb-view'], mbps['jack-view'])]
    return {'capacity': CAPACITY, 'chunk': chunk, 'mbps': mbps,
            'median_mbps': {p: statistics.median(v) for p, v in mbps.items()},
            'ratios': ratios,
            'median_ratios': {k: statistics.median(v)
                              for k, v in ratios.items()}}


def call_loops():
    """{name: step(n)}: n calls that move nothing."""
    full, empty = RingBridge.Ring.new(4096), RingBridge.Ring.new(4096)
    full.write(bytes(4096))
    jfull, jempty = jack.RingBuffer(4096), jack.RingBuffer(4096)
    jfull.write(bytes(jfull.write_space))
    one, zero, into = np.zeros(1, np.uint8), np.zeros(0, np.uint8), \
        np.zeros(1, np.uint8)

    def repeat(obj, method, arg):
        # the method looked up at each call, as a loop in user code does
        def step(n):
            for _ in range(n):
                getattr(obj, method)(arg)
        return step
    return dict(zip(CALLS, (
        repeat(full, 'write', one), repeat(empty, 'read_into', into),
        repeat(empty, 'write', zero), repeat(jfull, 'write', one),
        repeat(jempty, 'read', 1), repeat(jempty, 'write', zero),
        repeat(sys.modules[__name__], 'nothing', one))))


def call_costs(reps, seconds):
    runs = call_loops()
    counts = {c: calibrate(runs[c], seconds) for c in CALLS}
    ns = {c: [] for c in CALLS}
    for _ in range(reps):
        for c in CALLS:
            ns[c].append(timed(runs[c], counts[c]) / counts[c])
    return {'ns': ns, 'median_ns': {c: statistics.median(v)
                                    for c, v in ns.items()}}


def c_reference(path, cases):
    """The C benchmark's RbRing GB/s per chunk (1 MiB ring, else the
    largest), and the copying calls' share of it."""
    with open(path) as f:
        c = json.load(f)
    out = {}
    for case in cases:
        rows = [t for t in c.get('throughput', [])
                if t['chunk'] == case['chunk']]
        if not rows:
            continue
        row = min(rows, key=lambda t: abs(t['capacity'] - CAPACITY))
        gbps = row['median_gbps']['rbring']
        out[str(case['chunk'])] = {
            'capacity': row['capacity'], 'c_rbring_mbps': gbps * 1e3,
            'rb_share': case['median_mbps']['rb'] / (gbps * 1e3)}
    return out


def report(res):
    say('%-8s' % 'chunk' + ''.join('%12s' % p for p in PEERS)
        + '  (MB/s)   rb/jack  rb-view/jack-view')
    for case in res['throughput']:
        m, r = case['median_mbps'], case['median_ratios']
        say('%-8d' % case['chunk'] + ''.join('%12.0f' % m[p] for p in PEERS)
            + '  %15.2fx %10.2fx' % (r['rb/jack'], r['rb-view/jack-view']))
    say('fixed cost of a call (ns): ' + ', '.join(
        '%s %.0f' % (c, v) for c, v in res['calls']['median_ns'].items()))
    for chunk, ref in res.get('c_reference', {}).items():
        say('%s-byte chunks: rb %.0f%% of the C benchmark\'s RbRing (%.0f '
            'MB/s)' % (chunk, 100 * ref['rb_share'], ref['c_rbring_mbps']))


def main():
    p = Parser(prog='ringbridge-bench-python', description=__doc__.split(
        '\n\n')[0])
    p.add_argument('--reps', type=int, default=7, metavar='N',
                   help='repetitions of every case (default 7)')
    p.add_argument('--seconds', type=float, default=0.3,
                   help='per peer, case and repetition (default 0.3)')
    p.add_argument('--quick', action='store_true',
                   help='3 repetitions of 0.05 s: proves every peer runs')
    p.add_argument('--json', metavar='FILE',
                   help='also write the result as JSON to FILE')
    p.add_argument('--c-json', metavar='FILE',
                   help="ringbridge-bench's JSON, for the share of C")
    p.add_argument('--version-string', default='', metavar='VERSION',
                   help='the version for the JSON result')
    p.add_argument('--inject-error', action='store_true',
                   help='self-test: corrupt what is read; exits 1')
    o = p.parse_args()
    if o.quick:
        o.reps, o.seconds = 3, 0.05
    if o.reps < 1:
        p.error("invalid --reps '%d': must be at least 1" % o.reps)
    if not o.seconds > 0:
        p.error("invalid --seconds '%g': must be positive" % o.seconds)
    check_json_option(p, o)
    res = {'program': 'ringbridge-bench-python',
           'version': o.version_string, 'machine': machine(),
           'reps': o.reps, 'seconds': o.seconds, 'problems': []}
    try:
        res['throughput'] = [throughput(c, o.reps, o.seconds,
                                        o.inject_error)
                             for c in CHUNKS]
        res['calls'] = call_costs(o.reps, o.seconds)
        if o.c_json:
            res['c_reference'] = c_reference(o.c_json, res['throughput'])
    except Mismatch as e:
        res['problems'].append(str(e))
        print('ringbridge-bench-python: FAILED: %s' % e, file=sys.stderr)
        emit_result(res, o.json)
        return 1
    report(res)
    emit_result(res, o.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
