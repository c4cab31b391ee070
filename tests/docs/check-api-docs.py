#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Fails on an undocumented public symbol of RingBridge-1.0.

Runs `gi-docgen check` on the GIR and fails if it exits non-zero or prints
any warning; then checks that every function, method and constructor
states its thread contract ("Thread: ...", see rb-ring*.c) in its
description, where the reference shows it.

With --mutant SYMBOL it checks the check: it removes the documentation of
the C function SYMBOL from a copy of the GIR and passes only if both
checks then fail and name it.

usage: check-api-docs.py [--mutant C_SYMBOL] GI_DOCGEN CONFIG GIR
"""

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

CORE = "http://www.gtk.org/introspection/core/1.0"
C = "http://www.gtk.org/introspection/c/1.0"
NS = {"core": CORE}
CALLABLES = ("function", "method", "constructor")


def gi_docgen_check(gidocgen, config, gir):
    run = subprocess.run([gidocgen, "check", "--config", config, gir],
                         capture_output=True, text=True)
    out = (run.stdout + run.stderr).splitlines()
    warnings = [ln for ln in out if "WARNING" in ln or "ERROR" in ln or "CRITICAL" in ln]
    return run.returncode, warnings


def missing_thread_contracts(gir):
    tree = ET.parse(gir)
    missing = []
    for tag in CALLABLES:
        for el in tree.getroot().iter(f"{{{CORE}}}{tag}"):
            name = el.get(f"{{{C}}}identifier")
            doc = el.find("core:doc", NS)
            if doc is None or "Thread:" not in (doc.text or ""):
                missing.append(name)
    return missing


def strip_doc(gir, symbol, out):
    ET.register_namespace("", CORE)
    ET.register_namespace("c", C)
    ET.register_namespace("glib", "http://www.gtk.org/introspection/glib/1.0")
    tree = ET.parse(gir)
    for tag in CALLABLES:
        for el in tree.getroot().iter(f"{{{CORE}}}{tag}"):
            if el.get(f"{{{C}}}identifier") == symbol:
                for doc in el.findall("core:doc", NS):
                    el.remove(doc)
                tree.write(out, xml_declaration=True, encoding="UTF-8")
                return
    sys.exit(f"check-api-docs: no {symbol} in {gir}")


def check(gidocgen, config, gir):
    status, warnings = gi_docgen_check(gidocgen, config, gir)
    missing = missing_thread_contracts(gir)
    return status, warnings, missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mutant")
    ap.add_argument("gidocgen")
    ap.add_argument("config")
    ap.add_argument("gir")
    opts = ap.parse_args()

    if opts.mutant:
        with tempfile.TemporaryDirectory() as tmp:
            gir = os.path.join(tmp, os.path.basename(opts.gir))
            strip_doc(opts.gir, opts.mutant, gir)
            status, warnings, missing = check(opts.gidocgen, opts.config, gir)
        method = opts.mutant.split("rb_ring_", 1)[-1]
        named = [w for w in warnings if method in w and "not documented" in w]
        print(f"mutant without the docs of {opts.mutant}: gi-docgen check exit "
              f"{status}, {len(warnings)} warning(s); missing thread contracts: {missing}")
        for w in warnings:
            print("  " + w)
        ok = status != 0 and named and opts.mutant in missing
        print("the checks catch it" if ok else "THE CHECKS MISS IT")
        return 0 if ok else 1

    status, warnings, missing = check(opts.gidocgen, opts.config, opts.gir)
    for w in warnings:
        print(w)
    for m in missing:
        print(f"{m}: its description states no thread contract (\"Thread: ...\")")
    print(f"gi-docgen check: exit {status}, {len(warnings)} warning(s); "
          f"{len(missing)} callable(s) without a thread contract")
    return 0 if status == 0 and not warnings and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
