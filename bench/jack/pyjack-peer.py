#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""pyjack-peer: the Python side of ringbridge-bench-pyjack.py.

  pyjack-peer.py client RING --out FILE
      a JACK client (python3-jack-client) with one output port whose
      process callback, in Python, reads the audio ring RING (F32LE, one
      channel; made by its producer) into the port's buffer
  pyjack-peer.py writer RING --frames N --period P
      creates RING (F32LE, one channel, 48 kHz, N frames) and writes a
      tone into it, P frames at a time, as fast as the consumer
      (ringbridge-jack play) makes room
  pyjack-peer.py workload
      only the workload

Each also runs the allocation-heavy workload in --workers threads of its
own process (lists of small dicts made and dropped: the allocator, the
garbage collector and the GIL all busy), prints "ready" once running and,
on SIGTERM, one JSON line of its figures, then exits 0. The client writes
its callback samples to --out (NumPy .npy, one row per callback:
start_ns on CLOCK_MONOTONIC, wall_ns and thread CPU ns of the callback
body, frames since the cycle started at entry, frames short); timing a
Python callback from C (callback-timer) is not possible, since CFFI looks
the JACK calls up in libjack itself."""

import argparse
import json
import os
import signal
import sys
import threading
import time

import numpy as np

RATE = 48000
MAX_SAMPLES = 1 << 18


def workload(stop, counts, k):
    while not stop.is_set():
        # made, then dropped when the next round replaces it
        counts[k] += len([{"n": i, "s": str(i), "l": [i] * 4}
                          for i in range(1000)]) // 1000


def start_workers(n, stop):
    counts = [0] * n
    threads = [threading.Thread(target=workload, args=(stop, counts, k),
                                daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    return counts, threads


def open_ring(name, role, deadline=30.0):
    """The ring @name opened as @role, waiting up to @deadline seconds for
    its producer to make it (Ring.open's timeout)."""
    import gi
    gi.require_version("RingBridge", "1.0")
    from gi.repository import GLib, RingBridge
    try:
        return RingBridge.Ring.open(name, getattr(RingBridge.RingRole, role),
                                    timeout=deadline)
    except GLib.Error as e:
        raise SystemExit("pyjack-peer: %s" % e.message)


class Client:
    def __init__(self, ring_name, out_path, skip_read=False):
        import jack
        self.skip_read = skip_read
        self.ring = open_ring(ring_name, "CONSUMER")
        self.out_path = out_path
        self.samples = np.zeros((MAX_SAMPLES, 5), dtype=np.int64)
        self.n = 0
        self.xruns = 0
        self.client = jack.Client("rbbench-pyclient", no_start_server=True)
        self.port = self.client.outports.register("out_1")
        self.client.set_process_callback(self.process)
        self.client.set_xrun_callback(self.on_xrun)

    def on_xrun(self, delay):
        self.xruns += 1

    def process(self, frames):
        late = self.client.frames_since_cycle_start
        w0 = time.monotonic_ns()
        c0 = time.thread_time_ns()
        buf = self.port.get_array()
        got = 0 if self.skip_read else self.ring.read_into(buf) // 4
        if got < frames:
            buf[got:] = 0.0
        c1 = time.thread_time_ns()
        w1 = time.monotonic_ns()
        if self.n < MAX_SAMPLES:
            self.samples[self.n] = (w0, w1 - w0, c1 - c0, late,
                                    frames - got)
            self.n += 1

    def start(self):
        self.client.activate()

    def finish(self):
        np.save(self.out_path, self.samples[:self.n])
        return {"callbacks": self.n, "client_xruns": self.xruns}

    def close(self):
        self.client.deactivate()
        self.client.close()


class Writer:
    def __init__(self, ring_name, frames, period):
        import gi
        gi.require_version("RingBridge", "1.0")
        from gi.repository import RingBridge
        self.ring = RingBridge.Ring.create_audio(
            ring_name, "F32LE", 1, RATE, frames,
            role=RingBridge.RingRole.PRODUCER, exists="replace")
        self.period = period
        t = np.arange(RATE, dtype=np.float64)
        # 1 kHz: 48 samples a cycle, so the second repeats seamlessly
        self.tone = (0.5 * np.sin(2 * np.pi * 1000 * t / RATE)).astype(
            np.float32)
        self.written = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        pos = 0
        while not self.stop.is_set():
            # the GIL is released while it waits (100 ms at most)
            self.ring.wait_writable(self.period * 4, 100000)
            n = self.ring.write(self.tone[pos:pos + self.period]) // 4
            pos = (pos + n) % (RATE - self.period)
            self.written += n

    def start(self):
        self.thread.start()

    def finish(self):
        self.stop.set()
        self.thread.join(5)
        return {"frames_written": self.written}

    def close(self):
        self.ring.close()


def main(argv):
    p = argparse.ArgumentParser(prog="pyjack-peer")
    p.add_argument("mode", choices=("client", "writer", "workload"))
    p.add_argument("ring", nargs="?")
    p.add_argument("--out")
    p.add_argument("--frames", type=int, default=1024)
    p.add_argument("--period", type=int, default=64)
    p.add_argument("--workers", type=int, default=1)
    # the driver's self-test: a callback that never reads
    p.add_argument("--skip-read", action="store_true")
    o = p.parse_args(argv)
    if o.mode != "workload" and not o.ring:
        p.error("%s needs a RING" % o.mode)
    if o.mode == "client" and not o.out:
        p.error("client needs --out FILE")
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    peer = Client(o.ring, o.out, o.skip_read) if o.mode == "client" else \
        Writer(o.ring, o.frames, o.period) if o.mode == "writer" else None
    stop = threading.Event()
    if peer is not None:
        peer.start()
    t0 = time.monotonic()
    counts, threads = start_workers(o.workers, stop)
    print("ready", flush=True)
    while not done.wait(0.5):
        pass
    stop.set()
    for t in threads:
        t.join(5)
    res = {"mode": o.mode, "workers": o.workers,
           "workload_per_s": round(sum(counts) / (time.monotonic() - t0), 1),
           "switch_interval_ms": sys.getswitchinterval() * 1000}
    if peer is not None:
        res.update(peer.finish())
    print(json.dumps(res), flush=True)
    if peer is not None:
        # A JACK client whose callback starved for the GIL can make
        # jack_deactivate() wait for a long time: the figures are out
        # already, and the server drops a client that exits.
        closer = threading.Thread(target=peer.close, daemon=True)
        closer.start()
        closer.join(5)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
