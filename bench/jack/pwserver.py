# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""A private, headless PipeWire for ringbridge-bench-pipewire.py: its own
XDG_RUNTIME_DIR, a private configuration (the stock Dummy-Driver node, the
quantum fixed at the period, no module-rt, no session manager), clients run
through pw-jack, links made with pw-link; started and stopped by pid."""

import os
import shutil
import signal
import subprocess
import time

from benchjack import (DEADLINE, RATE, Failure, XrunCounter, base_env,
                       check_running, wait_until)

# The stock pipewire.conf cut down to what a headless graph of clients
# needs. module-rt is left out, so that neither PipeWire nor its clients
# get realtime scheduling (jackd runs --no-realtime too). The quantum is
# forced to the period, also over the stock vm.overrides (min-quantum 1024
# in a virtual machine), so that both servers run the same cycle.
CONFIG = """\
context.properties = {
    core.daemon = true
    core.name = pipewire-0
    link.max-buffers = 16
    default.clock.rate = %(rate)d
    default.clock.allowed-rates = [ %(rate)d ]
    default.clock.quantum = %(q)d
    default.clock.min-quantum = %(q)d
    default.clock.max-quantum = %(q)d
    default.clock.force-quantum = %(q)d
    vm.overrides = { default.clock.min-quantum = %(q)d }
    mem.allow-mlock = false
}
context.spa-libs = {
    audio.convert.* = audioconvert/libspa-audioconvert
    support.* = support/libspa-support
}
context.modules = [
    { name = libpipewire-module-protocol-native }
    { name = libpipewire-module-metadata }
    { name = libpipewire-module-spa-node-factory }
    { name = libpipewire-module-client-node }
    { name = libpipewire-module-adapter }
    { name = libpipewire-module-link-factory }
    { name = libpipewire-module-access }
]
context.objects = [
    { factory = spa-node-factory
        args = {
            factory.name    = support.node.driver
            node.name       = Dummy-Driver
            node.group      = pipewire.dummy
            priority.driver = 20000
        }
    }
]
"""

# Without a session manager nobody gives a stream's adapter its ports:
# this property asks the adapter to make them itself (DSP mode: one mono
# float port per channel, as JACK's). In gst-launch-1.0's syntax.
AUTO_PORTS = ('stream-properties="props,adapter.auto-port-config='
              '(string)\\"{mode=dsp}\\""')

PROGRAMS = ("pipewire", "pw-jack", "pw-link")


class PwServer:
    """A private PipeWire whose quantum is @period frames. Clients get
    env() (pw-jack's libjack for JACK clients: wrap() their argv)."""

    serial = 0

    def __init__(self, procs, period):
        PwServer.serial += 1
        self.procs = procs
        self.period = period
        self.dir = os.path.join(procs.dir, "pipewire-%d" % PwServer.serial)
        self.proc = None
        # the JACK API's name for it: pipewire-jack takes a server name as
        # the PipeWire remote (socket) to connect to
        self.name = "pipewire-0"

    def env(self):
        env = base_env()
        env["XDG_RUNTIME_DIR"] = self.dir
        env["PIPEWIRE_RUNTIME_DIR"] = self.dir
        env["PIPEWIRE_REMOTE"] = self.name
        # links are ours to make (pw-link), nobody else's
        env["PIPEWIRE_AUTOCONNECT"] = "false"
        env["PIPEWIRE_LATENCY"] = "%d/%d" % (self.period, RATE)
        # no PulseAudio, D-Bus or portal lookups from the clients
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        return env

    @staticmethod
    def wrap(argv):
        """@argv as a JACK client of PipeWire (its libjack)."""
        return ["pw-jack"] + list(argv)

    def __enter__(self):
        os.makedirs(self.dir, mode=0o700)
        conf = os.path.join(self.dir, "ringbridge-bench.conf")
        with open(conf, "w") as f:
            f.write(CONFIG % {"rate": RATE, "q": self.period})
        self.proc = self.procs.spawn(["pipewire", "-c", conf],
                                     "pipewire-%d" % self.period, self.env())
        wait_until(lambda: self.link_list("-o") is not None,
                   "PipeWire to answer on %s" % self.dir, watch=[self.proc])
        return self

    def __exit__(self, *exc):
        # the clients first (gst-launch-1.0 on SIGINT), then the server
        self.procs.stop_all(but=self.proc, timeout=5)
        if self.proc is not None:
            self.procs.stop(self.proc, signal.SIGTERM)
            self.proc = None
        # its socket and configuration (Procs.cleanup removes files only)
        if not self.procs.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def link_list(self, which):
        """pw-link's list of output (-o) or input (-i) ports, or None
        while the server does not answer."""
        try:
            r = subprocess.run(["pw-link", which], env=self.env(),
                               capture_output=True, text=True, timeout=5)
        except subprocess.TimeoutExpired:
            return None
        return r.stdout.split() if r.returncode == 0 else None

    def wait_port(self, port, output, watch=()):
        return wait_until(lambda: port in (self.link_list(
            "-o" if output else "-i") or []),
            "PipeWire port %s" % port, watch=watch)

    def link(self, src, dst):
        r = subprocess.run(["pw-link", src, dst], env=self.env(),
                           capture_output=True, text=True, timeout=DEADLINE)
        if r.returncode != 0:
            raise Failure("pw-link %s %s: %s" % (src, dst,
                                                 (r.stderr or r.stdout)
                                                 .strip()))


class PwXrunCounter(XrunCounter):
    """bench/jack's xrun-counter as a JACK client of a PwServer."""

    def __init__(self, procs, server, program):
        self.procs = procs
        self.proc = procs.spawn(server.wrap([program, "--server", server.name,
                                             "--name", "rbbench-xruns"]),
                                "xrun-counter", server.env())
        self.n_lines = 0
        self.expect("ready")


def missing_programs():
    """The programs a PipeWire run needs that are not installed."""
    return [p for p in PROGRAMS if shutil.which(p) is None]


def cpu_ticks(pid):
    """utime + stime of every thread of @pid so far, in clock ticks
    (/proc/PID/stat fields 14 and 15), or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            rest = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # rest[0] is field 3 (state): utime and stime are fields 14 and 15
    return int(rest[11]) + int(rest[12])


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(procs):
    """{label: CPU seconds so far} of @procs (Popen objects)."""
    out = {}
    for p in procs:
        t = cpu_ticks(p.pid)
        if t is None:
            raise Failure("%s (pid %d) is gone" % (p.label, p.pid))
        out[p.label] = t / TICK
    return out


def settle(seconds, watch):
    """Waits @seconds, failing as soon as a process of @watch ends."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        check_running(watch, "")
        time.sleep(0.1)
