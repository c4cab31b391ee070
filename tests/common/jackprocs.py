# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""For the Python tests that run private jackd servers (tests/jack's
jack_harness.py, tests/clocks/test-clocks-jack.py): processes started with
their output in files, and the machine-wide lock around starting and
stopping jackd.

A pipe nobody reads while a run lasts would fill up and block the process
(jackd reports every xrun), so output goes to files, read at the end."""

import contextlib
import fcntl
import os
import subprocess
import tempfile

# jackd 1.9 loses registrations in its machine-wide table when servers
# come and go at the same moment; every test that starts jackd takes this
# lock around starting and stopping it (bench/jack/benchjack.py and
# tests/python/test_portaudio_cffi.py name the same file).
REGISTRY_LOCK = os.path.join(tempfile.gettempdir(),
                             "ringbridge-test-jackd.lock")


@contextlib.contextmanager
def registry_lock():
    """Holds the jackd lock for the body of a with statement."""
    with open(REGISTRY_LOCK, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def spawn_logged(argv, path, **kw):
    """Starts @argv with its standard output in @path.out and its errors in
    @path.err (both kept open as proc.out_file and proc.err_file); @kw goes
    to subprocess.Popen."""
    out = open(path + ".out", "w+")
    err = open(path + ".err", "w+")
    proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True, **kw)
    proc.out_file, proc.err_file = out, err
    return proc


def read_output(proc):
    """(stdout, stderr) of a process spawn_logged() started, so far."""
    proc.out_file.seek(0)
    proc.err_file.seek(0)
    return proc.out_file.read(), proc.err_file.read()
