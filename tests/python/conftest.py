# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Shared fixtures for the Python binding tests (suite ``python``).

meson runs pytest with GI_TYPELIB_PATH and LD_LIBRARY_PATH pointing at the
build directory of lib/ringbridge and PYTHONPATH at bindings/python in the
source tree, so ``from gi.repository import RingBridge`` loads the freshly
built typelib and the overrides under test.
"""

import itertools
import os
import subprocess
import sys

import gi

gi.require_version('RingBridge', '1.0')
from gi.repository import GLib, RingBridge  # noqa: E402

import pytest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(SOURCE_ROOT, 'examples', 'python')
OVERRIDES = os.path.join(SOURCE_ROOT, 'bindings', 'python', 'gi', 'overrides',
                         'RingBridge.py')

_names = itertools.count()


def pytest_report_header(config):
    return ['RingBridge overrides: %s' % sys.modules[
                'gi.overrides.RingBridge'].__file__,
            'typelib: %s' % gi.Repository.get_default().get_typelib_path(
                'RingBridge')]


@pytest.fixture(scope='session', autouse=True)
def overrides_under_test():
    """The overrides must come from this source tree, not an installed
    copy, or the suite tests the wrong file."""
    module = sys.modules['gi.overrides.RingBridge']
    assert os.path.samefile(module.__file__, OVERRIDES)
    assert RingBridge.Ring.__module__ == 'gi.overrides.RingBridge'


def unique_name(tag='t'):
    return 'pytest-%s-%d-%d' % (tag, os.getpid(), next(_names))


def unlink_quietly(name):
    try:
        RingBridge.Ring.unlink(name)
    except GLib.Error as e:
        if not e.matches(RingBridge.ring_error_quark(),
                         RingBridge.RingError.NOT_FOUND):
            raise


@pytest.fixture
def ring_name():
    """A ring name unique to this test, unlinked afterwards."""
    name = unique_name()
    yield name
    unlink_quietly(name)


@pytest.fixture
def ring():
    """A plain 4096-byte byte ring with both roles."""
    r = RingBridge.Ring.new(4096)
    yield r
    r.close()


@pytest.fixture
def oring():
    """A 4096-byte overwrite byte ring."""
    r = RingBridge.Ring.new_full(4096, RingBridge.RingFlags.OVERWRITE)
    yield r
    r.close()


def python(args, timeout=120, check=True, env=None, **kwargs):
    """Runs this interpreter (the one with PyGObject) on ``args``; returns
    the CompletedProcess with text output."""
    proc = subprocess.run([sys.executable] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env, **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError('%s exited %d\nstdout:\n%s\nstderr:\n%s' % (
            args, proc.returncode, proc.stdout, proc.stderr))
    return proc


def assert_ring_error(excinfo, code):
    """The GLib.Error in ``excinfo`` is RingError ``code``."""
    err = excinfo.value
    assert isinstance(err, GLib.Error)
    assert err.domain == 'rb-ring-error-quark'
    assert err.code == int(code), (err.code, err.message)
    assert err.matches(RingBridge.ring_error_quark(), code)
