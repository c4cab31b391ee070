#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Copies the Markdown pages into the directory gi-docgen reads.

The pages in docs/ are written to read well on a code host too, so they
link to each other as `page.md` and to figures as `figures/NAME.png`. On
the site gi-docgen makes `page.html` and copies the images to the top
level. This rewrites those links, and gives each page the `Title:` line
gi-docgen takes the page title from (its first `# ` heading), so the
sources need neither.

Pages made at build time come as NAME.md.in and become NAME.md.

usage: prepare-content.py OUTDIR PAGE.md[.in]...
"""

import os
import re
import sys


def prepare(text, pages):
    lines = text.split("\n")
    if not re.match(r"^Title:", lines[0]):
        heading = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), None)
        if heading is None:
            raise SystemExit("a page without a '# ' heading or a Title: line")
        lines = [f"Title: {heading}", ""] + lines
    text = "\n".join(lines)

    def link(m):
        target, frag = m.group(2), m.group(3) or ""
        if target in pages:
            return f"]({target[:-3]}.html{frag})"
        raise SystemExit(f"a link to {target}, which is not one of the site's pages")
    # Markdown links to sibling pages: ](page.md) and ](page.md#anchor)
    text = re.sub(r"\]\((\./)?([A-Za-z0-9._-]+\.md)(#[A-Za-z0-9_-]+)?\)", link, text)
    text = re.sub(r"\]\(figures/([A-Za-z0-9._-]+\.(?:png|svg))\)", r"](\1)", text)
    return text


def main():
    outdir, sources = sys.argv[1], sys.argv[2:]
    def page_name(path):
        name = os.path.basename(path)
        return name[:-3] if name.endswith(".md.in") else name
    pages = {page_name(s) for s in sources}
    os.makedirs(outdir, exist_ok=True)
    for src in sources:
        with open(src, encoding="utf-8") as f:
            text = f.read()
        try:
            out = prepare(text, pages)
        except SystemExit as e:
            sys.exit(f"{src}: {e}")
        with open(os.path.join(outdir, page_name(src)), "w", encoding="utf-8") as f:
            f.write(out)


if __name__ == "__main__":
    main()
