#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
#
# examples/python/tone-generator.py with the arguments of the C example
# tone (NAME --seconds S), so examples/jack/loopback.sh can play the NumPy
# generator through ringbridge-jack: issue #6's "a NumPy signal generator
# playing through ringbridge-jack", run by the tests so it cannot rot.
# The environment (GI_TYPELIB_PATH, LD_LIBRARY_PATH, PYTHONPATH) comes from
# the meson test.
set -eu
name=$1
seconds=$3
exec /usr/bin/python3 "$(dirname "$0")/../../examples/python/tone-generator.py" \
  --ring "$name" --duration "$seconds" --amplitude 0.5
