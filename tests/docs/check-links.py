#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Checks every local link of a generated HTML site.

Each href and src of every .html file, and each url() of every .css
file, must name an existing file of the site, and a #fragment an element
with that id (or an <a name>) in the target page. External http(s) links
are counted, not fetched (CI has no network). Exits 1 and lists the broken
links if there are any.

With --expect-broken N it checks the checker: it exits 0 only if it finds
exactly N broken links (the test runs it over a fixture with N of them).

usage: check-links.py [--expect-broken N] SITE_DIR
"""

import argparse
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from check_verdict import verdict

LINK_ATTRS = {"a": "href", "link": "href", "area": "href", "script": "src",
              "img": "src", "source": "src", "iframe": "src"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (line, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        want = LINK_ATTRS.get(tag)
        if want and attrs.get(want) is not None:
            self.links.append((self.getpos()[0], attrs[want]))

    handle_startendtag = handle_starttag


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expect-broken", type=int)
    ap.add_argument("site")
    opts = ap.parse_args()
    site = os.path.abspath(opts.site)
    if not os.path.isfile(os.path.join(site, "index.html")):
        sys.exit(f"check-links: {site} has no index.html: the site was not built")

    pages, css = {}, {}
    for root, _dirs, files in os.walk(site):
        for name in files:
            path = os.path.join(root, name)
            if name.endswith(".html"):
                p = Page()
                with open(path, encoding="utf-8") as f:
                    p.feed(f.read())
                pages[path] = p
            elif name.endswith(".css"):
                with open(path, encoding="utf-8") as f:
                    css[path] = f.read()

    broken, external, local = [], set(), 0

    def check(src, line, url, want_ids=True):
        nonlocal local
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            external.add(url)
            return
        if parts.scheme in ("javascript", "mailto", "data") or url.startswith("//"):
            return
        if parts.scheme:
            broken.append(f"{src}:{line}: {url}: unknown scheme")
            return
        local += 1
        target = src if parts.path == "" else os.path.normpath(
            os.path.join(os.path.dirname(src), unquote(parts.path)))
        rel = os.path.relpath(src, site)
        if not target.startswith(site + os.sep) and target != site:
            broken.append(f"{rel}:{line}: {url}: points outside the site")
            return
        if os.path.isdir(target):
            target = os.path.join(target, "index.html")
        if not os.path.isfile(target):
            broken.append(f"{rel}:{line}: {url}: no such file")
            return
        frag = unquote(parts.fragment)
        if frag and want_ids and target in pages and frag not in pages[target].ids:
            broken.append(f"{rel}:{line}: {url}: no element with id '{frag}' "
                          f"in {os.path.relpath(target, site)}")

    for path, page in sorted(pages.items()):
        for line, url in page.links:
            check(path, line, url.strip())
    for path, text in sorted(css.items()):
        for m in re.finditer(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
            check(path, text.count("\n", 0, m.start()) + 1, m.group(1), want_ids=False)

    status = verdict(broken, "broken", "broken links", opts.expect_broken,
                     "link checker")
    print(f"{len(pages)} pages, {local} local links, {len(broken)} broken; "
          f"{len(external)} distinct external links (not fetched)")
    return status


if __name__ == "__main__":
    sys.exit(main())
