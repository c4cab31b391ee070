# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Builds CFFI modules for the tests into the build directory (never the
source tree), against the uninstalled library: pkg-config finds
ringbridge-1.0-uninstalled.pc in the build's meson-uninstalled/ (meson
sets RINGBRIDGE_BUILD_ROOT for the python suite)."""

import importlib.util
import os
import shlex
import subprocess
import sys

import cffi

BUILD_ROOT = os.environ.get('RINGBRIDGE_BUILD_ROOT', '')
MODULES = os.path.join(BUILD_ROOT, 'tests', 'python', 'cffi-modules')


def _require_build_root():
    if not BUILD_ROOT or not os.path.isdir(BUILD_ROOT):
        # Run outside meson: a usage error, not a skip (meson always sets it).
        raise AssertionError('RINGBRIDGE_BUILD_ROOT is not set to the build '
                             'directory; run these tests with meson test')


def pkg_config_env():
    """The environment in which pkg-config finds the uninstalled
    ringbridge-1.0 first."""
    _require_build_root()
    env = dict(os.environ)
    env['PKG_CONFIG_PATH'] = os.pathsep.join(
        p for p in (os.path.join(BUILD_ROOT, 'meson-uninstalled'),
                    env.get('PKG_CONFIG_PATH', '')) if p)
    return env


def pkg_config(*packages):
    """(include_dirs, library_dirs, libraries, other cflags) of
    ``packages``."""
    if not packages:
        return [], [], [], []
    out = subprocess.run(['pkg-config', '--cflags', '--libs', *packages],
                         capture_output=True, text=True, check=True,
                         env=pkg_config_env()).stdout
    inc, libdirs, libs, other = [], [], [], []
    for flag in shlex.split(out):
        for prefix, where in (('-I', inc), ('-L', libdirs), ('-l', libs)):
            if flag.startswith(prefix):
                where.append(flag[2:])
                break
        else:
            other.append(flag)
    return inc, libdirs, libs, other


def build(name, cdef, source, packages=('ringbridge-1.0',),
          extra_compile_args=()):
    """Compiles the API-mode CFFI module ``name`` (``cdef`` declarations,
    ``source`` C text) into the build directory and imports it; returns
    the module (with ``.ffi`` and ``.lib``)."""
    _require_build_root()
    inc, libdirs, libs, other = pkg_config(*packages)
    ffibuilder = cffi.FFI()
    ffibuilder.cdef(cdef)
    ffibuilder.set_source(name, source, include_dirs=inc,
                          library_dirs=libdirs, libraries=libs,
                          extra_compile_args=other + list(extra_compile_args))
    outdir = os.path.join(MODULES, name)
    os.makedirs(outdir, exist_ok=True)
    path = ffibuilder.compile(tmpdir=outdir, verbose=False)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module
