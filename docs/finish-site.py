#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Runs gi-docgen, then finishes the site it made.

gi-docgen's basic theme has no room for a project's own style or fields,
so after it has written the site this:

- appends docs/site-extra.css to the site's style.css (the copy button
  of code blocks sits above the code, not over it);
- gives the index page's info table the project's fields: the rows the
  theme fills from settings we do not have (Website and Source: the
  project has no web address) go, and rows for what ringbridge is made of
  come after License: the C library's pkg-config name, the GStreamer
  elements, the programs, the Python module and the Debian packages, each
  linked to its page.

usage: finish-site.py EXTRA.css GI-DOCGEN ARG...   (the output directory
is gi-docgen's --output-dir argument)
"""

import re
import subprocess
import sys

MARKER = '/* ringbridge: docs/site-extra.css */'

# (field, HTML): the project's fields on the index page, in this order.
FIELDS = [
    ('C library', '<code>libringbridge-1.0</code> (pkg-config '
     '<code>ringbridge-1.0</code>)'),
    ('GStreamer elements', '<a href="gst-elements.html"><code>ringsink'
     '</code>, <code>ringsrc</code></a>'),
    ('Programs', '<a href="ringbridge-jack.1.html"><code>ringbridge-jack'
     '</code></a>, <a href="ringbridge-stat.1.html"><code>ringbridge-stat'
     '</code></a>'),
    ('Python', '<a href="python.html"><code>from gi.repository import '
     'RingBridge</code></a>'),
    ('Debian packages', '<a href="install.html">libringbridge-1.0-0, '
     'gstreamer1.0-ringbridge, ringbridge-tools, python3-ringbridge, '
     'gir1.2-ringbridge-1.0, libringbridge-1.0-dev</a>'),
]

EMPTY_ROW = re.compile(
    r'\s*<tr><td><em>[^<]*</em></td><td><a href="" class="external"></a>'
    r'</td></tr>')
LICENSE_ROW = re.compile(r'(<tr><td><em>License</em></td><td>[^<]*</td></tr>)')


def finish_index(path):
    with open(path, encoding='utf-8') as f:
        html = f.read()
    html = EMPTY_ROW.sub('', html)
    rows = ''.join('\n        <tr><td><em>%s</em></td><td>%s</td></tr>'
                   % field for field in FIELDS)
    html, n = LICENSE_ROW.subn(lambda m: m.group(1) + rows, html, count=1)
    if n != 1:
        sys.exit('finish-site: %s has no License row: has gi-docgen\'s '
                 'index template changed?' % path)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(html)


def finish_style(path, extra):
    with open(path, encoding='utf-8') as f:
        css = f.read()
    if MARKER in css:
        return
    with open(extra, encoding='utf-8') as f:
        add = f.read()
    with open(path, 'a', encoding='utf-8') as f:
        f.write('\n' + MARKER + '\n' + add)


def main(argv):
    extra, command = argv[1], argv[2:]
    outdir = command[command.index('--output-dir') + 1]
    status = subprocess.call(command)
    if status != 0:
        return status
    finish_style(outdir + '/style.css', extra)
    finish_index(outdir + '/index.html')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
