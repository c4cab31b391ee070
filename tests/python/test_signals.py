# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Blocking calls wake for signals: Ctrl-C ends a wait at once, not when
the wait would have ended, and a timeout still lasts as long as asked."""

import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from gi.repository import RingBridge

W = RingBridge.WaitResult

# Each blocks for ever in the child; the ring is `r` (a 4096-byte byte
# ring with both roles, empty), `full` the same ring filled up.
BLOCKING_CALLS = {
    'read': 'r.read(10, timeout=None)',
    'read_into': 'r.read_into(bytearray(10), timeout=None)',
    'read_frames': 'r.read_frames(10, timeout=None)',
    'read_float': 'a.read_float(10, timeout=None)',
    'wait_readable': 'r.wait_readable(1, -1)',
    'wait_writable': 'full.wait_writable(1, -1)',
    'wait_position': 'r.wait_position(10, -1)',
    'wait_readable_full': 'r.wait_readable_full(1, -1)',
    'wait_writable_full': 'full.wait_writable_full(1, -1)',
    'wait_position_full': 'r.wait_position_full(10, -1)',
    # a ring that never appears (the name is this child's own)
    'open': "RingBridge.Ring.open('pytest-never-%d' % os.getpid(), "
            "RingBridge.RingRole.CONSUMER, timeout=None)",
    'open_full': "RingBridge.Ring.open_full('pytest-never-%d' % os.getpid(), "
                 "RingBridge.RingRole.CONSUMER, 0, timeout=None)",
}

CHILD = textwrap.dedent('''
    import os
    import sys
    import gi
    gi.require_version('RingBridge', '1.0')
    from gi.repository import RingBridge
    r = RingBridge.Ring.new(4096)
    a = RingBridge.Ring.new_audio('F32LE', 2, 48000, 1024)
    full = RingBridge.Ring.new(4096)
    full.write(bytes(4096))
    print('ready', flush=True)
    %s
    print('returned', flush=True)
''')


@pytest.mark.parametrize('name', sorted(BLOCKING_CALLS))
def test_ctrl_c_ends_a_blocking_call(name):
    child = subprocess.Popen(
        [sys.executable, '-c', CHILD % BLOCKING_CALLS[name]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == 'ready\n'
        time.sleep(0.3)                 # well inside the wait by now
        assert child.poll() is None, child.stderr.read()
        child.send_signal(signal.SIGINT)
        # The call waits for ever: ending at all is the proof. The bound
        # only keeps a broken build from hanging the suite, with room for
        # a loaded machine (it flaked at 1 s under CI load); that a slice
        # stays short is test_no_blocking_call_stays_in_c_longer_than_100_ms's.
        try:
            child.wait(timeout=10.0)
        except subprocess.TimeoutExpired:
            pytest.fail('%s still blocked 10 s after SIGINT' % name)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert 'KeyboardInterrupt' in err, err
    assert 'returned' not in out


def test_a_handler_runs_during_a_wait_and_the_wait_goes_on():
    # A signal handler that does not raise: the wait runs on to its end.
    code = textwrap.dedent('''
        import signal, time
        import gi
        gi.require_version('RingBridge', '1.0')
        from gi.repository import RingBridge
        seen = []
        signal.signal(signal.SIGUSR1, lambda *a: seen.append(time.monotonic()))
        r = RingBridge.Ring.new(4096)
        print('ready', flush=True)
        start = time.monotonic()
        result = r.wait_readable(1, 800000)
        end = time.monotonic()
        print(result.value_nick, len(seen), round(seen[0] - start, 3),
              round(end - start, 3), flush=True)
    ''')
    child = subprocess.Popen([sys.executable, '-c', code],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == 'ready\n'
        time.sleep(0.2)
        child.send_signal(signal.SIGUSR1)
        out, _ = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    nick, handled, at, total = out.split()
    assert nick == 'timeout' and handled == '1'
    assert float(at) < 0.6              # handled during the wait...
    assert float(total) >= 0.8          # ...which still lasted 0.8 s


@pytest.mark.parametrize('seconds', [0.05, 0.25])
def test_read_timeout_is_kept(ring, seconds):
    start = time.monotonic()
    assert ring.read(10, timeout=seconds) == b''
    took = time.monotonic() - start
    # not one slice, nor a slice too many per slice (the machine may be
    # busy: the upper bound has room)
    assert seconds <= took < seconds + 0.4


@pytest.mark.parametrize('timeout_us', [1000, 130000, 250000])
def test_wait_timeout_is_kept(ring, timeout_us):
    start = time.monotonic()
    assert ring.wait_readable(1, timeout_us) == W.TIMEOUT
    took = time.monotonic() - start
    assert timeout_us / 1e6 <= took < timeout_us / 1e6 + 0.4


def test_long_wait_still_ends_ready(ring):
    # Data arriving in a later slice of a long wait is seen.
    timer = threading.Timer(0.35, lambda: ring.write(b'abcdef'))
    timer.start()
    try:
        start = time.monotonic()
        assert ring.read(6, timeout=None) == b'abcdef'
        # it waited for the write (due 0.35 s after the timer started,
        # just before `start`); ending at all means it saw it
        assert time.monotonic() - start >= 0.3
    finally:
        timer.join()


def test_no_blocking_call_stays_in_c_longer_than_100_ms():
    # Signal handlers (Ctrl-C) run between the slices of a wait and the
    # polls of a waiting open(): each lasts at most 0.1 s, so a signal is
    # handled within 0.1 s. The waits: every slice asked of C is recorded.
    from gi.overrides._ringbridge import args, names
    asked = []

    def fake_wait(ring, target, slice_us):
        asked.append(slice_us)
        return W.TIMEOUT

    class Ring:
        _rb_closed = False
    assert args._sliced_wait(Ring(), fake_wait, 1, 450000) == W.TIMEOUT
    assert len(asked) >= 5 and max(asked) <= 100000, asked
    assert names._POLL_S <= 0.1
