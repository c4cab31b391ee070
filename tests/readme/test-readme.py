#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""The README's tour, run as printed (issue #16).

Takes the fenced ```sh and ```python blocks of README.md's "A 30-second
tour" in order and types them, line by line, into the shell that
`meson devenv -C BUILD ...` opens (as the tour says), on a pseudo-terminal,
with a JACK server of our own (JACK_DEFAULT_SERVER, a unique name):

- a shell line runs and must end with status 0 (`cmd &` too);
- a line whose comment says "Ctrl-C" runs until the ring it plays has
  been read (a second of it, or all of it), then gets a Ctrl-C, as a
  person would type it, and must end with status 0 or 130;
- a Python block runs with `/usr/bin/python3 FILE` (as the README says) and must end with status 0.

Fails with the terminal's transcript when a line fails, hangs or a block
is missing. usage: test-readme.py MESON BUILD_ROOT README
"""

import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

RATE = 48000
LINE_TIMEOUT = 60       # a line that does not end by then has hung
PLAY_TIMEOUT = 60       # the ring a Ctrl-C line plays must be read by then


def tour_section(readme):
    """The text of README.md's tour section."""
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"^## A 30-second tour\n(.*?)(?=^## )", text, re.M | re.S)
    if not m:
        sys.exit("FAIL README.md has no '## A 30-second tour' section")
    return m.group(1)


def tour_blocks(tour_text):
    """[(lang, text)] of the tour's fenced blocks, in order."""
    return re.findall(r"^```(sh|python)\n(.*?)^```", tour_text, re.M | re.S)


class Terminal:
    """An interactive shell on a pseudo-terminal, and its transcript."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.out = b""

    def read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if r:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            self.out += data
            return bool(data)
        return True

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, regex, timeout, since=0):
        deadline = time.monotonic() + timeout
        pat = re.compile(regex.encode())
        while True:
            m = pat.search(self.out, since)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0 or not self.read(min(left, 0.2)):
                return None

    def transcript(self):
        return self.out.decode(errors="replace")


def ring_state(stat, name, env):
    r = subprocess.run([stat, "--json", name], capture_output=True,
                       text=True, env=env, timeout=30)
    if r.returncode != 0:
        return None
    rings = json.loads(r.stdout)["rings"]
    return rings[0] if rings else None


def played(stat, name, env):
    """True once play (the consumer) has read a second of ring NAME, or
    all that its producer wrote."""
    ring = ring_state(stat, name, env)
    if not ring or not ring.get("ok") or ring.get("read_frames") is None:
        return False
    consumer = ring.get("consumer") or {}
    return (consumer.get("state") == "alive" and ring["read_frames"] > 0 and
            ring["read_frames"] >= min(RATE, ring["write_frames"]))


def main():
    meson, build, readme = sys.argv[1:4]
    stat = os.path.join(build, "tools", "ringbridge-stat")
    tour_text = tour_section(readme)
    blocks = tour_blocks(tour_text)
    langs = [lang for lang, _ in blocks]
    if "sh" not in langs or "python" not in langs:
        sys.exit("FAIL the tour has no sh or no python block: %s" % langs)

    work = tempfile.mkdtemp(prefix="ringbridge-readme.")
    server = "rbreadme-%d" % os.getpid()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GST_", "GI_", "PYTHON", "MESON"))}
    env.update(HOME=work, TERM="dumb", SHELL="/bin/bash", PS1="$ ",
               JACK_DEFAULT_SERVER=server, JACK_NO_START_SERVER="1")
    env.pop("LD_PRELOAD", None)
    env.pop("LD_LIBRARY_PATH", None)
    # the rings the tour names (ringsink ring-name=, play, create_audio)
    found = re.findall(r"ring-name=(\w+)|play (\w+)|create_audio\('(\w+)'",
                       "\n".join(t for _, t in blocks))
    rings = sorted({n for group in found for n in group if n})
    for name in rings:
        subprocess.run([stat, "--reclaim", name], capture_output=True, env=env)
        if os.path.exists("/dev/shm/ringbridge-" + name):
            sys.exit("FAIL a ring '%s' is in use on this machine: the tour "
                     "would take it" % name)

    jackd = None
    term = None
    failed = None
    try:
        # jackd 1.9 has 8 server slots for the whole machine; other tests'
        # servers may hold them all for a while: wait, and say so
        deadline = time.monotonic() + 120
        while True:
            log_path = os.path.join(work, "jackd.log")
            jackd = subprocess.Popen(
                ["jackd", "--no-realtime", "--sync", "--timeout", "5000",
                 "-n", server, "-d", "dummy", "-r", str(RATE), "-p", "64"],
                stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
                env=dict(env, JACK_NO_AUDIO_RESERVATION="1"))
            r = subprocess.run(["jack_wait", "-s", server, "-w", "-t", "20"],
                               capture_output=True, text=True, env=env,
                               timeout=60)
            if r.returncode == 0 and jackd.poll() is None:
                break
            jackd.terminate()
            jackd.wait()
            jackd_log = open(log_path).read()
            if "Too many servers" in jackd_log and time.monotonic() < deadline:
                print("jackd %s: JACK's server table is full; waiting" % server)
                time.sleep(2)
                continue
            jackd = None
            raise RuntimeError("jackd %s did not start: %s" % (server, jackd_log))

        # the devenv command as the tour's first lines print it, with this
        # build for `build`, run from the source tree (README's directory)
        m = re.search(r"`meson devenv -C build((?: [^`]*)?)`", tour_text)
        if not m:
            raise RuntimeError("the tour does not say to run it in "
                               "`meson devenv -C build ...`")
        os.chdir(os.path.dirname(os.path.abspath(readme)))
        term = Terminal([meson, "devenv", "-C", build] + m.group(1).split(),
                        env)
        n = 0

        def status_of(line, timeout):
            nonlocal n
            n += 1
            mark = len(term.out)
            term.send('echo "@@rb-%d-$?@@"\n' % n)
            m = term.expect(r"@@rb-%d-(\d+)@@" % n, timeout, mark)
            if not m:
                raise RuntimeError("'%s' did not end in %d s" % (line, timeout))
            return int(m.group(1))

        term.send("stty -echoctl 2>/dev/null; true\n")
        if status_of("(the devenv shell)", LINE_TIMEOUT) != 0:
            raise RuntimeError("meson devenv gave no shell")
        for lang, text in blocks:
            if lang == "python":
                path = os.path.join(work, "tour-%d.py" % n)
                with open(path, "w") as f:
                    f.write(text)
                print("/usr/bin/python3 <<the block>>", flush=True)
                term.send("/usr/bin/python3 %s\n" % path)
                st = status_of("python3 (the tour's Python block)", LINE_TIMEOUT)
                if st != 0:
                    raise RuntimeError("the Python block ended with status %d" % st)
                continue
            for line in text.splitlines():
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                print("$ " + line, flush=True)
                term.send(line + "\n")
                if "Ctrl-C" in line:
                    m = re.search(r"play (\w+)", line)
                    if not m:
                        raise RuntimeError("a Ctrl-C line that plays no ring: " + line)
                    deadline = time.monotonic() + PLAY_TIMEOUT
                    while not played(stat, m.group(1), env):
                        if time.monotonic() > deadline:
                            raise RuntimeError("'%s': ring %s was not played "
                                               "in %d s" % (line, m.group(1),
                                                            PLAY_TIMEOUT))
                        term.read(0.2)
                    term.send("\x03")
                    st = status_of(line, LINE_TIMEOUT)
                    if st not in (0, 130):
                        raise RuntimeError("'%s' ended with status %d after "
                                           "Ctrl-C" % (line, st))
                else:
                    st = status_of(line, LINE_TIMEOUT)
                    if st != 0:
                        raise RuntimeError("'%s' ended with status %d" % (line, st))
        term.send("exit\n")
        deadline = time.monotonic() + LINE_TIMEOUT
        while os.waitpid(term.pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                raise RuntimeError("the devenv shell did not exit")
            term.read(0.2)
        term.pid = None
    except RuntimeError as e:
        failed = str(e)
    finally:
        if term is not None and term.pid is not None:
            try:
                os.killpg(term.pid, signal.SIGHUP)
            except OSError:
                pass
            try:
                os.waitpid(term.pid, 0)
            except ChildProcessError:
                pass
        # the tour's processes are gone with their shell; the rings they
        # leave are stale now
        for name in rings:
            subprocess.run([stat, "--reclaim", name], capture_output=True,
                           env=env)
        if jackd is not None:
            jackd.send_signal(signal.SIGTERM)
            try:
                jackd.wait(timeout=30)
            except subprocess.TimeoutExpired:
                jackd.kill()
                jackd.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("--- transcript ---")
    print(term.transcript() if term else "(no terminal)")
    if failed:
        print("FAIL " + failed)
        return 1
    print("ok the tour ran as printed (%d blocks)" % len(blocks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
