#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Renders pages of the built site in headless Chromium and checks them.

The site is served over HTTP from this process (gi-docgen's search loads
index.json with XMLHttpRequest, which file:// forbids), and each page is
loaded with `chromium --headless=new --dump-dom` after its scripts ran
(--virtual-time-budget). A page passes when the DOM Chromium built
contains every expected string, no request the page made failed (HTTP
404), and the console shows no JavaScript error. The expected strings
include parts only JavaScript makes: search results for ?q=..., and links
to other libraries' docs that urlmap.js resolves.

Chromium missing is a failure with a message, not a skip.

usage: check-render.py [--chromium PATH] [--expect-problems N] SITE
           PAGE[?QUERY]::EXPECTED[::EXPECTED...]...
"""

import argparse
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

from check_verdict import verdict
import render_layout

IGNORED_MISSING = {"/favicon.ico"}  # asked for by the browser, not the page


EXTRA_CSS_MARKER = "/* ringbridge: docs/site-extra.css */"


class Handler(http.server.SimpleHTTPRequestHandler):
    failures = None
    strip_extra_css = False

    def log_message(self, fmt, *args):
        pass

    def send_text(self, text, ctype):
        data = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        # Every page gets the layout check (render_layout.py); with
        # --strip-extra-css the site's style is the theme's alone.
        path = self.path.split("?")[0]
        if path == render_layout.SCRIPT_PATH:
            return self.send_text(render_layout.SCRIPT, "text/javascript")
        local = self.translate_path(path)
        if path.endswith(".html") and os.path.isfile(local):
            with open(local, encoding="utf-8") as f:
                return self.send_text(render_layout.inject(f.read()),
                                      "text/html; charset=utf-8")
        if (self.strip_extra_css and path.endswith("/style.css")
                and os.path.isfile(local)):
            with open(local, encoding="utf-8") as f:
                css = render_layout.strip_extra_css(f.read(), EXTRA_CSS_MARKER)
            return self.send_text(css, "text/css")
        return super().do_GET()

    def send_error(self, code, message=None, explain=None):
        path = self.path.split("?")[0]
        if path not in IGNORED_MISSING:
            self.failures.append(f"HTTP {code} for {self.path}")
        super().send_error(code, message, explain)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--expect-problems", type=int)
    ap.add_argument("--strip-extra-css", action="store_true",
                    help="serve style.css without docs/site-extra.css")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("site")
    ap.add_argument("pages", nargs="+")
    opts = ap.parse_args()

    chromium = shutil.which(opts.chromium)
    if chromium is None:
        print(f"check-render: '{opts.chromium}' is not installed: the docs render test "
              "needs Debian's chromium package (apt-get install chromium; "
              "scripts/common.sh lists it)", file=sys.stderr)
        return 1
    if not os.path.isfile(os.path.join(opts.site, "index.html")):
        print(f"check-render: {opts.site} has no index.html: the site was not built",
              file=sys.stderr)
        return 1

    failures = []
    handler = type("H", (Handler,), {"failures": failures,
                                     "strip_extra_css": opts.strip_extra_css})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=opts.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"

    problems = []
    with tempfile.TemporaryDirectory(prefix="rb-docs-chromium-") as profile:
        for spec in opts.pages:
            page, *expected = spec.split("::")
            cmd = [chromium, "--headless=new", "--disable-gpu", "--no-first-run",
                   "--disable-extensions", "--disable-background-networking",
                   f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                   "--virtual-time-budget=10000", "--dump-dom", base + page]
            if os.geteuid() == 0:
                cmd.insert(1, "--no-sandbox")  # Chromium refuses root otherwise
            del failures[:]
            try:
                run = subprocess.run(cmd, capture_output=True, text=True,
                                     timeout=opts.timeout,
                                     env=dict(os.environ, HOME=profile))
            except subprocess.TimeoutExpired:
                problems.append(f"{page}: Chromium did not finish in {opts.timeout} s")
                continue
            dom = run.stdout
            mine = []
            if run.returncode != 0 or "<html" not in dom:
                mine.append(f"Chromium failed (status {run.returncode}): "
                            + run.stderr.strip()[-500:])
            for text in expected:
                if text not in dom:
                    mine.append(f"the rendered page lacks {text!r}")
            mine += failures
            if "<html" in dom:
                mine += render_layout.problems(dom)
            for line in run.stderr.splitlines():
                if "CONSOLE" in line and re.search(r"Uncaught|Error|Failed", line):
                    mine.append("console: " + line.strip())
            size = len(dom)
            if mine:
                problems += [f"{page}: {m}" for m in mine]
                print(f"FAIL {page} ({size} bytes of DOM)")
            else:
                print(f"ok   {page} ({size} bytes of DOM, {len(expected)} expected strings found)")
    server.shutdown()

    return verdict(problems, "problem", "problems", opts.expect_problems,
                   "render check")


if __name__ == "__main__":
    sys.exit(main())
