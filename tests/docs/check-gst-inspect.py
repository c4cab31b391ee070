#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Checks that the element reference page says what gst-inspect-1.0 says.

For each element: its long name, klass and description, and for every
property its blurb, flags, range and enum values, as printed by
gst-inspect-1.0 from this build's plugin, must appear on the page in the
element's section. (The page is generated from the same plugin; this
catches a generator that drops or mangles something.)

usage: check-gst-inspect.py GST_INSPECT PAGE.md ELEMENT...
"""

import re
import subprocess
import sys


def inspect(tool, element):
    out = subprocess.run([tool, element], check=True, capture_output=True,
                         text=True).stdout
    meta = {}
    for key in ("Long-name", "Klass", "Description"):
        m = re.search(rf"^\s+{key}\s+(.*)$", out, re.M)
        meta[key] = m.group(1).strip()
    props = []
    section = out.split("Element Properties:", 1)[1]
    section = re.split(r"\n\S", section, maxsplit=1)[0]
    for block in re.split(r"\n(?=  [a-z][a-z0-9-]*\s+: )", section):
        m = re.match(r"\s*([a-z][a-z0-9-]*)\s+: (.*)", block)
        if not m:
            continue
        prop = {"name": m.group(1), "blurb": m.group(2).strip()}
        f = re.search(r"flags: (.*)", block)
        prop["flags"] = f.group(1).strip() if f else ""
        r = re.search(r"Range: (\S+) - (\S+)", block)
        prop["range"] = f"{r.group(1)} – {r.group(2)}" if r else None
        prop["enum"] = re.findall(r"\((\d+)\): (\S+)\s+- (.*)", block)
        props.append(prop)
    return meta, props


def main():
    tool, page = sys.argv[1], sys.argv[2]
    text = open(page, encoding="utf-8").read()
    problems, checked = [], 0
    for element in sys.argv[3:]:
        m = re.search(rf"^## {element}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        if not m:
            problems.append(f"{element}: no section on the page")
            continue
        sec = m.group(1)
        meta, props = inspect(tool, element)
        for key, value in meta.items():
            if value not in sec:
                problems.append(f"{element}: {key} {value!r} not on the page")
        for p in props:
            checked += 1
            where = f"{element}.{p['name']}"
            if p["blurb"].replace("|", "\\|") not in sec:
                problems.append(f"{where}: blurb {p['blurb']!r} not on the page")
            if p["flags"] not in sec:
                problems.append(f"{where}: flags {p['flags']!r} not on the page")
            if p["range"] and p["range"] not in sec:
                problems.append(f"{where}: range {p['range']!r} not on the page")
            for value, nick, desc in p["enum"]:
                if f"| {value} | `{nick}` | {desc.strip()} |" not in sec:
                    problems.append(f"{where}: enum value {value} {nick} not on the page")
    for p in problems:
        print(p)
    print(f"{checked} properties compared with gst-inspect-1.0, {len(problems)} differences")
    return 1 if problems or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
