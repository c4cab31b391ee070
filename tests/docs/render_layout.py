# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Layout checks of check-render.py, measured by Chromium itself.

check-render.py's server adds SCRIPT to every HTML page it serves. After
the page's own scripts ran (gi-docgen's main.js adds the copy buttons on
"load"), it measures the page and leaves the figures in the DOM, which
`--dump-dom` prints and problems() reads:

- every code block has its copy button, and no button covers a line of
  the code (the text's line boxes against the button's box);
- no link is empty (`<a href="">`, as the theme's index makes for
  settings a project does not have).
"""

import re

SCRIPT_PATH = "/__rb_layout_check.js"
TAG = f'<script src="{SCRIPT_PATH}"></script>'

SCRIPT = r"""
"use strict";
window.addEventListener("load", function () { setTimeout(function () {
  var blocks = document.querySelectorAll(".codehilite");
  var buttons = 0, over = [];
  Array.prototype.forEach.call(blocks, function (block, i) {
    var button = block.querySelector(":scope > .copy-button");
    var pre = block.querySelector("pre");
    if (!button || !pre)
      return;
    buttons++;
    var b = button.getBoundingClientRect();
    // the boxes of the text itself, line by line (not of the elements,
    // which span the block's width however short the line)
    var walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    var range = document.createRange(), hit = false, node;
    while (!hit && (node = walker.nextNode())) {
      if (!node.data.trim())
        continue;
      range.selectNodeContents(node);
      hit = Array.prototype.some.call(range.getClientRects(), function (r) {
        return r.width > 0 && r.height > 0 && r.left < b.right &&
            r.right > b.left && r.top < b.bottom && r.bottom > b.top;
      });
    }
    if (hit)
      over.push(i + 1);
  });
  var empty = document.querySelectorAll('a[href=""]').length;
  var out = document.createElement("div");
  out.id = "rb-layout-check";
  out.setAttribute("data-code-blocks", blocks.length);
  out.setAttribute("data-copy-buttons", buttons);
  out.setAttribute("data-copy-over-code", over.join(" "));
  out.setAttribute("data-empty-links", empty);
  document.body.appendChild(out);
}, 0); });
"""

RESULT = re.compile(
    r'<div id="rb-layout-check" data-code-blocks="(\d+)" '
    r'data-copy-buttons="(\d+)" data-copy-over-code="([\d ]*)" '
    r'data-empty-links="(\d+)">')


def inject(html):
    """The page with the measuring script before </body>."""
    i = html.rfind("</body>")
    return html + TAG if i < 0 else html[:i] + TAG + html[i:]


def problems(dom):
    """What the script found wrong on a page, from its dumped DOM."""
    m = RESULT.search(dom)
    if m is None:
        return ["the layout check did not run (no load event?)"]
    blocks, buttons, over, empty = (int(m.group(1)), int(m.group(2)),
                                    m.group(3).split(), int(m.group(4)))
    found = []
    if buttons < blocks:
        found.append(f"{blocks - buttons} of {blocks} code blocks have no "
                     "copy button")
    if over:
        found.append(f"the copy button covers code in block(s) "
                     f"{', '.join(over)} of {blocks}")
    if empty:
        found.append(f"{empty} empty link(s) (<a href=\"\">)")
    return found


def strip_extra_css(css, marker):
    """style.css without what finish-site.py appended after ``marker``:
    the theme as it comes, for the negative control."""
    i = css.find(marker)
    return css if i < 0 else css[:i]
