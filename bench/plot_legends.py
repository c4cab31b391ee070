# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The ringbridge authors
"""Every figure's legend matches what is drawn (bench/plot-results).

Checked on the figure before it is saved, per axes that has a legend:

- a legend entry that is a marker alone (the proxies plot-results makes,
  say one marker shape per peer) shows a marker something drawn there
  has: a legend that promises squares for a peer whose points are not in
  the panel is wrong;
- every dashed or dotted line drawn is explained: the line (or the error
  bar plot it belongs to) has an entry, or an entry shows that style (a
  reader must learn what the dotted lines are from the legend, not guess).

Bars, filled areas and scatter plots are left alone: matplotlib's legend
artists for them do not say which marker or style they stand for.
"""

NO_MARKER = (None, '', 'None', 'none', ' ')
NO_LINE = ('', 'None', 'none', ' ')
BROKEN = ('--', ':', '-.')


def _handles(legend):
    handles = getattr(legend, 'legend_handles', None)
    if handles is None:                 # matplotlib < 3.7
        handles = legend.legendHandles
    return handles


def _is_line(a):
    return hasattr(a, 'get_marker') and hasattr(a, 'get_linestyle')


def problems(fig, name):
    """What is wrong with the legends of ``fig`` (a list of sentences)."""
    found = []
    for n, ax in enumerate(fig.axes, 1):
        legend = ax.get_legend()
        if legend is None:
            continue
        drawn = [a for a in ax.lines if _is_line(a)]
        drawn_markers = {a.get_marker() for a in drawn} - set(NO_MARKER)
        entries = {t.get_text() for t in legend.get_texts()}
        proxies = [h for h in _handles(legend) if _is_line(h)]
        shown_styles = {h.get_linestyle() for h in proxies}
        for h in proxies:
            marker = h.get_marker()
            if h.get_linestyle() in NO_LINE and marker not in NO_MARKER \
                    and marker not in drawn_markers:
                found.append(f"{name}, panel {n}: the legend shows marker "
                             f"{marker!r} for '{h.get_label()}', but "
                             "nothing drawn has it")
        # the labels of error bar plots cover their data line
        covered = {id(line) for c in ax.containers
                   if c.get_label() in entries
                   for line in c.get_children() if _is_line(line)}
        for style in sorted({a.get_linestyle() for a in drawn
                             if a.get_linestyle() in BROKEN
                             and a.get_label() not in entries
                             and id(a) not in covered} - shown_styles):
            found.append(f"{name}, panel {n}: {style!r} lines are drawn, "
                         "but the legend does not say what they are")
    return found
