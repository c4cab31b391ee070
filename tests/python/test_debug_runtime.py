# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""R13: a workload under CPython's debug allocator and development mode,
whatever environment pytest itself runs in."""

import os
import textwrap

from conftest import python

WORKLOAD = textwrap.dedent('''
    import gc, gi, sys
    gi.require_version('RingBridge', '1.0')
    from gi.repository import RingBridge
    import numpy as np
    assert sys.flags.dev_mode
    for i in range(20):
        r = RingBridge.Ring.new_audio('S24LE', 2, 48000, 1000)
        x = np.random.default_rng(i).uniform(-1, 1, (900, 2))
        assert r.write_float(x.astype(np.float32)) == 900
        with r.read_view(frames=100) as v:
            RingBridge.s24le_to_int32(v.array)
        r.read_float(800)
        r.write_many([b'abc', b'def'])
        assert r.read(6) == b'abcdef'
        h = r.share(RingBridge.RingRole.CONSUMER)
        h.close()
        r.close()
        o = RingBridge.Ring.new_full(4096, RingBridge.RingFlags.OVERWRITE)
        o.write(bytes(10000))
        o.read_at(o.get_oldest_position(), 100)
        del r, o
        gc.collect()
    print('ok')
''')


def test_debug_allocator_and_dev_mode():
    env = dict(os.environ, PYTHONMALLOC='debug')
    proc = python(['-X', 'dev', '-W', 'error',
                   '-W', 'ignore:DynamicImporter:ImportWarning',
                   '-c', WORKLOAD], env=env)
    assert proc.stdout.strip() == 'ok'
    assert proc.stderr == ''
