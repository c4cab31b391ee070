#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Turns a built manual page into a page of the site.

The manual pages are generated at build time from the same source as the
programs' --help (jack/ringbridge-jack-doc.h, tools/ringbridge-stat-doc.h);
this formats the built troff with groff (groff-base: plain UTF-8 text, no
overstriking) and wraps it as a preformatted Markdown page, so the site
shows exactly what `man` shows.

usage: gen-man-page.py GROFF PAGE.1 OUTPUT.md
"""

import os
import re
import subprocess
import sys


def main():
    groff, page, output = sys.argv[1:4]
    name = os.path.basename(page)
    m = re.fullmatch(r"(.+)\.([1-9])", name)
    if not m:
        sys.exit(f"{page}: not a manual page file name")
    title = f"{m.group(1)}({m.group(2)})"
    env = dict(os.environ, LC_ALL="C.UTF-8")
    text = subprocess.run(
        [groff, "-man", "-Tutf8", "-rLL=78n", "-P-c", "-P-b", "-P-o", "-P-u", page],
        check=True, capture_output=True, env=env, text=True).stdout
    if not text.strip():
        sys.exit(f"{page}: groff printed nothing")
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    fence = "````" if "```" in text else "```"
    with open(output, "w", encoding="utf-8") as f:
        f.write(f"Title: {title}\n\n# {title}\n\n"
                f"The manual page, as `man {m.group(2)} {m.group(1)}` shows it. It is "
                f"generated from the same source as `{m.group(1)} --help`, so the two "
                "always agree.\n\n"
                f"{fence}\n{text}\n{fence}\n")


if __name__ == "__main__":
    main()
