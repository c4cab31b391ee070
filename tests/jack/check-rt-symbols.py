#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""What jack/rt.c's object calls: nothing but the allowed.

rt.c holds all the code that runs in JACK's process thread. Its object's
undefined symbols (nm -u) are every function it can reach outside itself;
each must be on the list: memset/memcpy, the two JACK calls the process
callback may make, RealtimeSanitizer's weak hooks, and ring functions that
RbRing's sources (lib/ringbridge/rb-ring*.c and friends) document as
RT-safe (their "Thread: ... RT-safe."
lines, the same marks tests/rt checks). A negative control runs the same
check on rt-mutant.c (rt.c plus a printf and a malloc) and must fail.

Usage: check-rt-symbols.py NM RT-ARCHIVE MUTANT-ARCHIVE RING-SOURCE.C...
Output is TAP.
"""

import re
import subprocess
import sys

NM, RT, MUTANT = sys.argv[1:4]
RING_SOURCES = sys.argv[4:]

ALLOWED = {
    "memset", "memcpy",
    # JACK documents both as callable from the process callback
    "jack_port_get_buffer", "jack_get_cycle_times",
    # jack/resample.c, the resampler (--resample): libsamplerate's
    # src_process() on converters src_new() made and sized in the main
    # thread (it only computes in them; src_reset() only clears them),
    # plus memcpy/memmove. No allocation, lock or system call: bench/
    # resample counts no allocation in it, and the RTSan, seccomp and
    # page-fault cases of test-jack-rt-resample.c run it in the callback.
    "rb_jack_resampler_process",
    # weak, NULL unless a test links the RTSan runtime
    "__rtsan_realtime_enter", "__rtsan_realtime_exit",
    # position-independent code's table of addresses: the linker's, no call
    "_GLOBAL_OFFSET_TABLE_",
}


def documented_rt_safe():
    """Functions whose gi-docgen block in RbRing's sources says RT-safe
    (and not "Not RT-safe")."""
    text = "".join(open(path, encoding="utf-8").read()
                   for path in RING_SOURCES)
    names = set()
    for m in re.finditer(r"^/\*\*\n \* (rb_[a-z0-9_]+):.*?\*/", text,
                         re.M | re.S):
        block = m.group(0)
        i = block.find("RT-safe")
        if i >= 0 and not block[max(0, i - 4):i] == "Not ":
            names.add(m.group(1))
    return names


def undefined(archive):
    out = subprocess.run([NM, "-u", "--format=posix", archive],
                         capture_output=True, text=True, check=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        # "name U" or "name w"; member headers end in ':'
        if len(parts) >= 2 and not parts[0].endswith(":"):
            syms.add(parts[0])
    return syms


def forbidden(archive, rt_safe):
    return sorted(s for s in undefined(archive)
                  if s not in ALLOWED and s not in rt_safe)


def main():
    rt_safe = documented_rt_safe()
    failed = 0
    print("1..3")

    # the list of RT-safe ring functions was read: an empty one would let
    # nothing rb_ through and make the first check pass on a broken parse
    if len(rt_safe) >= 20 and "rb_ring_read_deinterleaved" in rt_safe:
        print("ok 1 - RbRing documents %d RT-safe functions"
              % len(rt_safe))
    else:
        failed += 1
        print("not ok 1 - found only %d RT-safe functions in %s"
              % (len(rt_safe), " ".join(RING_SOURCES)))

    used = sorted(undefined(RT))
    bad = forbidden(RT, rt_safe)
    print("# rt.c calls: %s" % " ".join(used))
    if bad or not used:
        failed += 1
        print("not ok 2 - rt.c calls what the process thread must not: %s"
              % " ".join(bad))
    else:
        print("ok 2 - rt.c calls only allowed symbols (%d)" % len(used))

    bad = forbidden(MUTANT, rt_safe)
    if "malloc" in bad and "printf" in bad:
        print("ok 3 - negative control: the mutant's %s are caught"
              % " ".join(bad))
    else:
        failed += 1
        print("not ok 3 - negative control: the mutant's malloc and printf "
              "went unnoticed (caught: %s)" % " ".join(bad))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
