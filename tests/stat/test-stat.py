#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""ringbridge-stat against rings in known states: the listing, JSON,
liveness, --reclaim, corrupt rings, --watch, permissions, the manual page
(statlib.py has the helpers). Output is TAP.

Usage: test-stat.py RINGBRIDGE-STAT STAT-HELPER [RINGBRIDGE-STAT.1]
"""

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time

from statlib import (MAN, OFF_CAPACITY, OFF_LAYOUT_VERSION, PAGE,
                     PREFIX_INVALID, SHM, STAT, check_failure, children, field,
                     file_bytes, helper, kill, new_name, one_json, patch,
                     path_of, rings_json, run, run_tests, wait_state,
                     watch_in_pty)


# --- tests -------------------------------------------------------------------

def test_help_and_version():
    r = run("--help")
    assert r.returncode == 0 and r.stderr == ""
    for opt in ("--json", "--watch[=SECONDS]", "--reclaim", "--help",
                "--version", "64", "65", "66", "77"):
        assert opt in r.stdout, opt
    assert run("-h").stdout == r.stdout
    r = run("--version")
    assert r.returncode == 0
    assert re.fullmatch(r"ringbridge-stat \(ringbridge\) \d+\.\d+\.\d+\n",
                        r.stdout), r.stdout


def test_bad_options():
    for args in (["--bogus"], ["-x"], ["--json=1"], ["--watch=0"],
                 ["--watch=-1"], ["--watch=abc"], ["--watch=1e9"],
                 ["--watch=0.01"], ["--watch=86401"], ["--watch", "0"],
                 ["--watch", "-1"], ["--watch", "1e9"], ["-w", "0"],
                 ["--watch", "--reclaim"], ["--watch=99ms"], ["--watch=ms"],
                 ["--watch=86401s"], ["--watch=1 s"], ["--watch=2m"]):
        r = run(*args)
        check_failure(r, 64)
        assert r.stdout == "", args
    check_failure(run("--watch=abc"), 64, "invalid interval 'abc'")
    check_failure(run("--watch=2m"), 64, "or a time with its unit")
    check_failure(run("--bogus"), 64, "--bogus")


def test_watch_time_units():
    # --watch takes SECONDS, or a time with its unit (as every time option
    # of both programs): the JSON says the interval in seconds.
    for arg, seconds in (("--watch=250ms", 0.25), ("--watch=0.5s", 0.5),
                         ("--watch=0.3", 0.3)):
        w = subprocess.Popen([STAT, arg, "--json", new_name()],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            first = w.stdout.readline()
        finally:
            w.terminate()
            w.communicate(timeout=10)
        assert json.loads(first)["interval"] == seconds, (arg, first)


def test_bad_names():
    for name in ("a/b", ".x", "-x", "", "n" * 201, "a\nb", "caf\u00e9"):
        check_failure(run("--", name), 64, "invalid ring name")
        check_failure(run("--reclaim", "--", name), 64, "invalid ring name")
        check_failure(run("--json", "--", name), 64, "invalid ring name")


def test_missing_ring():
    name = new_name()
    r = run(name)
    check_failure(r, 66, "no ring '%s'" % name)
    ring = one_json(name, status=66)
    assert ring["ok"] is False and ring["status"] == 66
    assert "no ring '%s'" % name in ring["error"]
    check_failure(run("--reclaim", name), 66, "no ring '%s'" % name)


def test_byte_ring():
    name = new_name()
    # 1000 written, 200 consumed; then the helper lets go cleanly
    helper("create", name, "--capacity", "4096", "--write", "1000",
           "--read", "200")
    r = run(name)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout.startswith("ring '%s'  %s\n" % (name, path_of(name)))
    assert field(r.stdout, "kind") == "bytes"
    assert field(r.stdout, "capacity").startswith("4096 bytes")
    assert field(r.stdout, "fill") == "800 bytes (19.5%)"
    assert field(r.stdout, "write") == "1000"
    assert field(r.stdout, "read") == "200"
    assert field(r.stdout, "producer") == "detached, generation 1"
    assert field(r.stdout, "consumer") == "detached, generation 1"
    assert re.fullmatch(r"pid \d+ dead, role both", field(r.stdout, "creator"))
    assert field(r.stdout, "eos") == "no"
    assert field(r.stdout, "counters") == \
        "overruns 0, underruns 0, overwritten 0"
    assert field(r.stdout, "file").startswith("0600 -rw------- ")

    ring = one_json(name)
    expect = {
        "name": name, "path": path_of(name), "ok": True, "status": 0,
        "error": None, "kind": "bytes", "overwrite": False, "format": None,
        "channels": None, "rate": None, "frame_size": 1,
        "header_size": PAGE, "capacity": 4096, "capacity_frames": None,
        "fill_bytes": 800, "fill_percent": 19.53, "fill_frames": None,
        "write_position": 1000, "read_position": 200, "write_frames": None,
        "eos": False,
        "counters": {"overruns": 0, "underruns": 0, "overwritten": 0},
        "waiters": {"data": 0, "space": 0},
    }
    for key, value in expect.items():
        assert ring[key] == value, (key, ring[key], value)
    assert ring["producer"] == {"state": "detached", "pid": None,
                                "alive": False, "generation": 1}
    assert ring["creator"]["state"] == "dead"
    assert ring["creator"]["role"] == "both"
    assert isinstance(ring["creator"]["pid"], int)
    assert ring["file"]["mode"] == "0600"
    assert ring["file"]["size"] == PAGE + 4096
    assert ring["file"]["uid"] == os.geteuid()


def test_counters():
    name = new_name()
    # 5000 into 4096 bytes overruns once; reading 5000 of 4096 underruns once
    helper("create", name, "--capacity", "4096", "--write", "5000",
           "--read", "5000")
    ring = one_json(name)
    assert ring["counters"] == {"overruns": 1, "underruns": 1,
                                "overwritten": 0}, ring["counters"]
    assert ring["write_position"] == 4096 and ring["read_position"] == 4096
    assert ring["fill_bytes"] == 0 and ring["fill_percent"] == 0


def test_audio_ring():
    name = new_name()
    helper("create", name, "--audio", "F32LE", "2", "48000", "1024",
           "--write", "4000")
    r = run(name)
    assert r.returncode == 0
    assert field(r.stdout, "kind") == "audio F32LE 2ch 48000 Hz"
    assert field(r.stdout, "capacity") == \
        "8192 bytes (8.0 KiB, 1024 frames, 0.021 s)"
    assert field(r.stdout, "fill") == "4000 bytes (48.8%), 500 frames"
    assert field(r.stdout, "write") == "4000 (500 frames, 0.010417 s)"
    assert field(r.stdout, "read") == "0 (0 frames, 0.000000 s)"
    ring = one_json(name)
    assert ring["kind"] == "audio" and ring["format"] == "F32LE"
    assert ring["channels"] == 2 and ring["rate"] == 48000
    assert ring["frame_size"] == 8
    assert ring["capacity"] == 8192 and ring["capacity_frames"] == 1024
    assert ring["fill_frames"] == 500 and ring["write_frames"] == 500
    assert abs(ring["write_seconds"] - 500 / 48000) < 1e-6
    assert ring["read_frames"] == 0 and ring["read_seconds"] == 0


def test_overwrite_ring():
    name = new_name()
    helper("create", name, "--overwrite", "--capacity", "4096",
           "--write", "12000", "--eos")
    r = run(name)
    assert field(r.stdout, "kind") == "bytes, overwrite"
    # the consumer lags by more than the ring: what is left is all of it
    assert field(r.stdout, "fill") == "4096 bytes (100.0%)"
    assert field(r.stdout, "eos") == "yes"
    ring = one_json(name)
    assert ring["overwrite"] is True and ring["eos"] is True
    assert ring["fill_bytes"] == 4096 and ring["fill_percent"] == 100
    assert ring["write_position"] == 12000


def test_readers():
    """Issue #14: the advisory count of attached readers."""
    name = new_name()
    helper("create", name, "--overwrite", "--capacity", "4096")
    assert field(run(name).stdout, "readers") == "0"
    assert one_json(name)["readers"] == 0
    held = [helper("open", name, "--role", "reader", "--hold", hold=True)
            for _ in range(2)]
    assert field(run(name).stdout, "readers") == "2"
    assert one_json(name)["readers"] == 2
    # one that attaches and closes cleanly leaves the count as it was
    helper("open", name, "--role", "reader")
    assert one_json(name)["readers"] == 2
    # a reader that dies without closing stays counted: advisory
    for proc in held:
        kill(proc)
    assert one_json(name)["readers"] == 2


def test_liveness():
    name = new_name()
    prod = helper("create", name, "--role", "producer", "--write", "10",
                  "--hold", hold=True)
    ring = one_json(name)
    assert ring["producer"] == {"state": "alive", "pid": prod.pid,
                                "alive": True, "generation": 1}
    assert ring["consumer"]["state"] == "none"
    assert ring["creator"] == {"state": "alive", "pid": prod.pid,
                               "alive": True, "role": "producer"}
    r = run(name)
    assert field(r.stdout, "producer") == \
        "pid %d alive, generation 1" % prod.pid

    # a stopped process is alive, not dead
    prod.send_signal(signal.SIGSTOP)
    wait_state(prod.pid, "Tt")
    ring = one_json(name)
    assert ring["producer"]["state"] == "stopped"
    assert ring["producer"]["alive"] is True
    assert field(run(name).stdout, "producer") == \
        "pid %d stopped, generation 1" % prod.pid
    prod.send_signal(signal.SIGCONT)

    # a consumer attaches from another process
    cons = helper("open", name, "--role", "consumer", "--hold", hold=True)
    ring = one_json(name)
    assert ring["consumer"] == {"state": "alive", "pid": cons.pid,
                                "alive": True, "generation": 1}

    # killed: dead while a zombie, and after it is reaped
    kill(prod, reap=False)
    wait_state(prod.pid, "Z")
    assert one_json(name)["producer"]["state"] == "dead"
    prod.wait(timeout=10)
    children.remove(prod)
    ring = one_json(name)
    assert ring["producer"] == {"state": "dead", "pid": prod.pid,
                                "alive": False, "generation": 1}
    assert ring["creator"]["state"] == "dead"
    assert field(run(name).stdout, "producer") == \
        "pid %d dead, generation 1" % prod.pid

    # a new producer takes over: generation 2
    prod2 = helper("open", name, "--role", "producer", "--hold", hold=True)
    ring = one_json(name)
    assert ring["producer"] == {"state": "alive", "pid": prod2.pid,
                                "alive": True, "generation": 2}
    kill(prod2)
    kill(cons)


def test_reclaim():
    stale, live, stale2 = new_name(), new_name(), new_name()
    for name in (stale, stale2):
        proc = helper("create", name, "--write", "100", "--hold", hold=True)
        kill(proc)
    holder = helper("create", live, "--hold", hold=True)

    r = run("--reclaim", stale, live)
    assert r.returncode == 0, r.stderr
    assert re.search(r"^removed stale ring '%s' \(creator pid \d+ dead, "
                     r"producer pid \d+ dead, consumer pid \d+ dead\)$"
                     % stale, r.stdout, re.M), r.stdout
    assert re.search(r"^kept ring '%s': in use \(creator pid %d alive"
                     % (live, holder.pid), r.stdout, re.M), r.stdout
    assert not os.path.exists(path_of(stale))
    assert os.path.exists(path_of(live))
    assert one_json(live)["producer"]["state"] == "alive"

    r = run("--reclaim", "--json", stale2, live)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [x["name"] for x in doc["removed"]] == [stale2]
    assert [x["name"] for x in doc["kept"]] == [live]
    assert doc["errors"] == []
    assert not os.path.exists(path_of(stale2))
    assert os.path.exists(path_of(live))

    # gone now
    check_failure(run("--reclaim", stale), 66, "no ring '%s'" % stale)
    kill(holder)


def test_corrupt_rings():
    good, magic, cap, version, small = (new_name() for _ in range(5))
    for name in (good, magic, cap, version, small):
        helper("create", name, "--write", "10")
    patch(magic, 0, b"XXXXXXXX")
    patch(cap, OFF_CAPACITY, struct.pack("<Q", 3000))
    patch(version, OFF_LAYOUT_VERSION, struct.pack("<I", 99))
    os.truncate(path_of(small), 100)

    cases = {
        magic: "not a ring segment (magic 0x5858585858585858)",
        cap: "invalid capacity 3000",
        version: "incompatible ring layout v99 (expected v1)",
        small: "segment too small (100 bytes",
    }
    for name, message in cases.items():
        r = run(name)
        check_failure(r, 65, "ring '%s': " % name, message)
        # listed, with the reason, instead of crashing
        assert r.stdout.startswith("ring '%s'" % name)
        assert message in field(r.stdout, "error")
        ring = one_json(name, status=65)
        assert ring["ok"] is False and ring["status"] == 65
        assert message in ring["error"]
        assert "capacity" not in ring

    # a good ring listed with a bad one is still shown; the status says
    # which failed first
    r = run(good, magic)
    assert r.returncode == 65
    assert field(r.stdout, "write") == "10"
    rings = rings_json(good, magic, status=65)
    assert rings[good]["ok"] is True and rings[magic]["ok"] is False

    # not a regular file, and a planted symbolic link: refused, no hang
    fifo, link = new_name(), new_name()
    os.mkfifo(path_of(fifo), 0o600)
    os.symlink(path_of(good), path_of(link))
    check_failure(run(fifo), 65, "not a regular file")
    check_failure(run(link), 65, "symbolic link")


def test_never_changes_the_ring():
    name = new_name()
    prod = helper("create", name, "--role", "producer", "--write", "300",
                  "--hold", hold=True)
    cons = helper("open", name, "--role", "consumer", "--read", "100",
                  "--hold", hold=True)
    before = file_bytes(name)
    st_before = os.stat(path_of(name))
    snap = one_json(name)

    run(name)
    run("--json", name)
    run()
    run("--reclaim", name)      # in use: kept, untouched
    w = subprocess.Popen([STAT, "--watch=0.1", name],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    w.terminate()
    assert w.wait(timeout=10) == 0

    assert file_bytes(name) == before
    st_after = os.stat(path_of(name))
    assert st_after.st_mtime_ns == st_before.st_mtime_ns
    assert st_after.st_size == st_before.st_size
    assert st_after.st_mode == st_before.st_mode
    after = one_json(name)
    for key in ("write_position", "read_position", "producer", "consumer",
                "creator", "counters"):
        assert after[key] == snap[key], key
    assert after["producer"]["pid"] == prod.pid
    assert after["consumer"]["pid"] == cons.pid
    kill(prod)
    kill(cons)


def test_watch():
    name = new_name()
    # writes and reads 480 bytes every 10 ms
    proc = helper("create", name, "--trickle", "480", "--hold", hold=True)

    for sig in (signal.SIGTERM, signal.SIGINT):
        w = subprocess.Popen([STAT, "--watch", "0.2", name],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        time.sleep(1.0)
        w.send_signal(sig)
        out, err = w.communicate(timeout=10)
        assert w.returncode == 0, (sig, w.returncode, err)
        assert err == ""
        screens = out.count("ringbridge-stat ")
        assert screens >= 2, out
        assert "every 0.2 s" in out
        assert out.count("ring '%s'" % name) == screens
        assert re.search(r"^  rate +written \d+ B/s, read \d+ B/s$", out,
                         re.M), out

    w = subprocess.Popen([STAT, "--watch=0.2", "--json", name],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(1.1)
    w.terminate()
    out, err = w.communicate(timeout=10)
    assert w.returncode == 0, err
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) >= 3, out
    assert docs[0]["rings"][0]["write_rate"] is None
    last = docs[-1]
    assert last["interval"] == 0.2
    rate = last["rings"][0]["write_rate"]
    # 48000 B/s nominal; generous bounds for a loaded machine
    assert 5000 < rate < 100000, rate
    assert last["rings"][0]["read_rate"] > 0

    # a missing ring is shown in place, and watching goes on
    missing = new_name()
    w = subprocess.Popen([STAT, "--watch=0.2", missing],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(0.5)
    assert w.poll() is None
    w.terminate()
    out, err = w.communicate(timeout=10)
    assert w.returncode == 0 and "no ring '%s'" % missing in out
    kill(proc)


def test_watch_quits_on_q():
    name = new_name()
    helper("create", name)
    out, lflag, status = watch_in_pty(
        ["--watch=0.2", name], 50, 100,
        [(lambda out: b"(q quits)" in out, b"q")], timeout=10)
    assert status == 0
    assert b"\033[H" in out
    # the terminal is back in line mode
    assert lflag & termios.ICANON


def test_closed_stdout():
    name = new_name()
    helper("create", name)
    rfd, wfd = os.pipe()
    os.close(rfd)
    r = subprocess.run([STAT, name], stdout=wfd, stderr=subprocess.PIPE,
                       text=True, timeout=30)
    os.close(wfd)
    assert r.returncode == 0 and r.stderr == "", (r.returncode, r.stderr)


def test_permission_denied():
    setpriv = shutil.which("setpriv")
    # not a skip: a run that cannot check this fails, and says why
    assert os.geteuid() == 0 and setpriv is not None, \
        "needs root and setpriv (util-linux) to run as uid 65534"
    name = new_name()
    helper("create", name, "--mode", "0600")
    nobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
              STAT]
    r = subprocess.run(nobody + ["--version"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, \
        "uid 65534 cannot run %s: %s" % (STAT, r.stderr)
    r = subprocess.run(nobody + [name], capture_output=True, text=True,
                       timeout=30)
    check_failure(r, 77, "ring '%s'" % name, "Permission denied")
    r = subprocess.run(nobody + ["--reclaim", name], capture_output=True,
                       text=True, timeout=30)
    check_failure(r, 77, name)
    assert os.path.exists(path_of(name))

    # issue #11 item 28: a stale ring of another user, readable by us. The
    # library used to say reclaim removes it, and reclaim then failed with
    # "Permission denied" (/dev/shm is sticky): it now names the owner, and
    # a reclaim of every ring keeps it rather than failing.
    stale = new_name()
    kill(helper("create", stale, "--mode", "0644", "--hold", hold=True))
    r = subprocess.run(nobody + ["--reclaim", stale], capture_output=True,
                       text=True, timeout=30)
    check_failure(r, 77, "not removing ring '%s': it belongs to uid 0" % stale)
    r = subprocess.run(nobody + ["--reclaim", "--json"], capture_output=True,
                       text=True, timeout=60)
    kept = {x["name"]: x for x in json.loads(r.stdout)["kept"]}
    assert "belongs to uid 0" in kept[stale]["reason"], r.stdout
    errors = [x["name"] for x in json.loads(r.stdout)["errors"]]
    assert stale not in errors, r.stdout
    assert os.path.exists(path_of(stale))
    assert run("--reclaim", stale).returncode == 0


def test_list_all():
    name = new_name()
    helper("create", name, "--write", "42")
    junk = SHM + PREFIX_INVALID + "junk"
    with open(junk, "wb") as f:
        f.write(b"not a ring")
    # other suites may have rings in every state right now: only ours are
    # checked, and the status is one of those a listing can have
    r = run()
    assert r.returncode in (0, 65, 77), r.stderr
    assert "ring '%s'  %s" % (name, path_of(name)) in r.stdout
    assert "invalid ring name" in r.stderr
    r = run("--json")
    assert r.returncode in (0, 65, 77), r.stderr
    rings = {x["name"]: x for x in json.loads(r.stdout)["rings"]}
    assert rings[name]["write_position"] == 42
    bad = rings[PREFIX_INVALID + "junk"]
    assert bad["ok"] is False and bad["status"] == 65
    assert "invalid ring name" in bad["error"]
    os.unlink(junk)


def test_json_escapes():
    """A file name holding what JSON must escape: quote, backslash,
    control characters, DEL and a byte that is not UTF-8."""
    stem = PREFIX_INVALID + "esc"
    raw = (SHM + stem).encode() + b'"\\\n\t\r\x01\x7f\xff'
    with open(raw, "wb") as f:
        f.write(b"not a ring")
    try:
        r = subprocess.run([STAT, "--json"], capture_output=True,
                           timeout=30)
        assert r.returncode in (0, 65, 77), r.stderr
        out = r.stdout.decode("utf-8")      # invalid bytes were replaced
        want = stem + '"\\\n\t\r\x01\x7f\ufffd'
        rings = {x["name"]: x for x in json.loads(out)["rings"]}
        assert rings[want]["path"] == SHM + want, rings[want]
        # the writer's own spelling, which json.loads cannot see
        spelled = json.dumps(want, ensure_ascii=False).replace(
            "\x7f", "\\u007f")
        assert '"name": %s,' % spelled in out, spelled
    finally:
        os.unlink(raw)


def test_man_page():
    assert MAN is not None, "no manual page given (third argument)"
    groff = shutil.which("groff")
    assert groff is not None, "no groff to render the manual page"
    r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", MAN],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    r = subprocess.run([groff, "-man", "-Tascii", "-P-cbou", MAN],
                       capture_output=True, text=True, timeout=30)
    page = re.sub(r"\s+", " ", r.stdout)
    help_text = re.sub(r"\s+", " ", run("--help").stdout)
    # one source: every option line and help paragraph of --help is in
    # the page word for word
    for opt in re.findall(r"--[a-z]+(?:\[=[A-Z]+\])?", help_text):
        assert opt in page, opt
    for sentence in ("Print this help and exit.",
                     "Remove stale rings instead of listing them",
                     "A named ring does not exist."):
        assert sentence in page and sentence in help_text, sentence
    for code in ("64", "65", "66", "74", "77"):
        assert re.search(r"\b%s\b" % code, page), code
    # the ring's counters count calls, and are not ringbridge-jack's
    # episode counts (issue #11 item 13; tests/jack's jack-counters checks
    # the figures in a controlled run)
    for sentence in ("write calls cut short by a full ring (one per call",
                     "ran_dry", "filled_up"):
        assert sentence in page, sentence
    # the timing fields and the table's columns are documented
    for word in ("DRIFT ppm", "FILL ms", "PROD/CONS", "docs/clocks.md",
                 "20 rings fit a 30-line terminal"):
        assert word in page and word in help_text, word
    for sentence in ("How much faster the producer runs than the consumer",
                     "The smoothed fill in milliseconds", "warming up",
                     "kernel clock", "drift_ppm"):
        assert sentence in page, sentence


if __name__ == "__main__":
    sys.exit(run_tests(globals()))
